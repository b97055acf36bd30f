//! Where sent files' bytes live and when they go: a file stays in storage while its message
//! does, and leaves it with its contact, with retention, with the workspace, or a day after an
//! upload no message took; a removal that fails is retried with backoff. Exports list the files
//! with links that open them, and the Billing page and the upload route hold the plan's quota.

use std::{
    path::PathBuf,
    time::{Duration, Instant},
};

use parlor::config::StorageSettings;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    fake_stripe::FakeStripe,
    helpers::{Person, TestApp, TestWorkspace, Visitor, location, spawn_app, spawn_app_with, unescape_html},
    socket_client::Socket,
};

/// A small PDF: sniffed as `application/pdf`, shown as a download.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// One file as a browser's form sends it (`multipart/form-data`, field `file`): the content
/// type and the body.
pub fn multipart_file(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = format!("parlor-test-{}", Uuid::new_v4().simple());
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A visitor uploads a file through the widget API, as the widget's paper clip does.
pub async fn visitor_uploads(address: &str, token: &str, name: &str, bytes: &[u8]) -> reqwest::Response {
    let (content_type, body) = multipart_file(name, bytes);
    reqwest::Client::new()
        .post(format!("{address}/api/widget/v1/uploads"))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("POST uploads")
}

/// A visitor uploads a file and gets its upload id.
pub async fn upload_ok(address: &str, token: &str, name: &str, bytes: &[u8]) -> String {
    let response = visitor_uploads(address, token, name, bytes).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{}", response.text().await.unwrap_or_default());
    let reply: Value = response.json().await.expect("JSON");
    reply["upload_id"].as_str().expect("an upload id").to_string()
}

/// The visitor sends `upload` in a message (starting a conversation, or in theirs); `agent`, a
/// socket of the team, sees it arrive. Answers the `message` frame the team got.
pub async fn sends_file(visitor: &mut Visitor, agent: &mut Socket, body: &str, upload: &str) -> Value {
    let mut frame = json!({"type": "send", "client_id": Uuid::now_v7().to_string(), "body": body, "attachments": [upload]});
    if let Some(conversation) = &visitor.conversation {
        frame["conversation_id"] = json!(conversation);
    }
    visitor.socket.send(frame).await;
    let ack = visitor.socket.expect("ack").await;
    visitor.conversation = Some(ack["conversation_id"].as_str().expect("the ack names the conversation").to_string());
    loop {
        let message = agent.expect("message").await;
        if message["body"] == body {
            return message;
        }
    }
}

/// Opens a signed link as anyone holding it would (the link names `PUBLIC_URL`, which in tests
/// is not where the app listens).
pub async fn download(app: &TestApp, url: &str) -> reqwest::Response {
    let public = app.state.settings.public_url.as_str().trim_end_matches('/');
    let url = url.replacen(public, &app.address, 1);
    reqwest::Client::new().get(url).send().await.expect("GET file")
}

/// Where local storage keeps the object under `key`.
pub fn stored_path(app: &TestApp, key: &str) -> PathBuf {
    match &app.state.settings.storage {
        StorageSettings::Local(dir) => dir.join(key),
        StorageSettings::S3 { .. } => panic!("this test runs on local storage"),
    }
}

fn storage_key(app: &TestApp, upload: &str) -> String {
    app.query_string(&format!("SELECT storage_key AS value FROM uploads WHERE id = '{upload}'")).expect("the upload is stored")
}

/// Waits up to 10 s for `done` (the job worker runs every 100 ms in tests).
pub async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "{what} did not happen within 10 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A visitor of `workspace` sends a PDF; answers the visitor, the message frame and the
/// object's path in storage.
async fn a_visitor_sends_a_pdf(app: &TestApp, workspace: &TestWorkspace<'_>, name: &str) -> (Visitor, Value, PathBuf) {
    let mut agent = workspace.owner.socket().await;
    let mut visitor = workspace.visitor().await;
    let upload = upload_ok(&app.address, &visitor.token, name, PDF).await;
    let message = sends_file(&mut visitor, &mut agent, &format!("Here is {name}"), &upload).await;
    let path = stored_path(app, &storage_key(app, &upload));
    assert_eq!(std::fs::read(&path).expect("the file is in storage"), PDF);
    (visitor, message, path)
}

#[tokio::test]
async fn deleting_a_contact_removes_their_files_from_storage() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let (visitor, message, path) = a_visitor_sends_a_pdf(&app, &workspace, "invoice.pdf").await;
    let (_other, _, kept) = a_visitor_sends_a_pdf(&app, &workspace, "other.pdf").await;
    let url = message["attachments"][0]["url"].as_str().expect("a signed link").to_string();
    assert_eq!(download(&app, &url).await.bytes().await.unwrap(), PDF);
    // One they uploaded and never sent goes with them too.
    let draft = upload_ok(&app.address, &visitor.token, "draft.pdf", PDF).await;
    let draft = stored_path(&app, &storage_key(&app, &draft));

    let deleted = app.browser.post_form(&format!("/app/{}/contacts/{}/delete", workspace.id, visitor.contact_id), &[]).await;
    assert_eq!(location(&deleted), format!("/app/{}/inbox?notice=contact_deleted", workspace.id));
    assert_eq!(app.count(&format!("uploads WHERE contact_id = '{}'", visitor.contact_id)), 0);
    wait_until("the contact's files leaving storage", || !path.exists() && !draft.exists()).await;
    wait_until("the deletion queue emptying", || app.count("file_deletions") == 0).await;
    assert_eq!(download(&app, &url).await.status(), StatusCode::NOT_FOUND, "the old link opens nothing");
    assert!(kept.exists(), "another contact's file stays");
    assert_eq!(app.count("uploads"), 1);
}

#[tokio::test]
async fn retention_removes_the_files_of_the_conversations_it_deletes() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let (old, _, old_path) = a_visitor_sends_a_pdf(&app, &workspace, "old.pdf").await;
    let (recent, _, recent_path) = a_visitor_sends_a_pdf(&app, &workspace, "recent.pdf").await;
    let (old, recent) = (old.conversation.expect("a conversation"), recent.conversation.expect("a conversation"));
    workspace.owner.sets_status(&old, "resolved").await;
    workspace.owner.sets_status(&recent, "resolved").await;
    // Forty days pass for one of them: waiting it out is no test.
    app.execute(&format!("UPDATE conversations SET updated_at = now() - interval '40 days' WHERE id = '{old}'"));
    let saved = app.browser.post_form(&format!("/app/{}/settings/retention", workspace.id), &[("retention_days", "30")]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    assert_eq!(parlor::jobs::schedule_retention(&app.state).await.unwrap(), 1);
    wait_until("retention deleting the old conversation", || app.count(&format!("conversations WHERE id = '{old}'")) == 0).await;
    assert_eq!(app.count(&format!("uploads WHERE conversation_id = '{old}'")), 0);
    wait_until("the old conversation's file leaving storage", || !old_path.exists()).await;
    wait_until("the deletion queue emptying", || app.count("file_deletions") == 0).await;
    assert!(recent_path.exists(), "a recent conversation keeps its file");
    assert_eq!(app.count(&format!("uploads WHERE conversation_id = '{recent}'")), 1);
}

#[tokio::test]
async fn deleting_the_workspace_removes_every_file_it_kept() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let (visitor, _, sent) = a_visitor_sends_a_pdf(&app, &workspace, "sent.pdf").await;
    // An upload no message took yet goes too.
    let waiting = upload_ok(&app.address, &visitor.token, "draft.pdf", PDF).await;
    let waiting = stored_path(&app, &storage_key(&app, &waiting));
    assert!(waiting.exists());
    let folder = stored_path(&app, &workspace.id);

    let deleted = app.browser.post_form(&format!("/app/{}/settings/delete", workspace.id), &[("confirm_name", "Ada's Shop")]).await;
    assert_eq!(location(&deleted), "/app?notice=workspace_deleted");
    assert_eq!(app.count("uploads"), 0);
    wait_until("the workspace's files leaving storage", || !sent.exists() && !waiting.exists()).await;
    wait_until("the deletion queue emptying", || app.count("file_deletions") == 0).await;
    assert!(!folder.exists(), "no empty folder is left behind: {}", folder.display());
}

#[tokio::test]
async fn a_removal_that_fails_is_retried_with_backoff_until_it_succeeds() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    // A key whose object cannot be removed: a folder with something in it stands where the file
    // would be (as a full disk or a denied permission would, and the test runs as any user).
    let key = format!("{}/{}", workspace.id, Uuid::new_v4());
    let stuck = stored_path(&app, &key);
    std::fs::create_dir_all(&stuck).unwrap();
    std::fs::write(stuck.join("inside"), b"x").unwrap();
    app.execute(&format!("INSERT INTO file_deletions (storage_key, workspace_id) VALUES ('{key}', '{}')", workspace.id));
    let attempts = || app.query_string("SELECT attempts::text AS value FROM file_deletions").and_then(|a| a.parse::<i32>().ok());
    let wait_seconds = || {
        app.query_string("SELECT round(extract(epoch FROM next_attempt_at - now()))::text AS value FROM file_deletions")
            .and_then(|s| s.parse::<i64>().ok())
            .expect("the deletion is still queued")
    };

    wait_until("a first attempt", || attempts() == Some(1)).await;
    let error = app.query_string("SELECT last_error AS value FROM file_deletions").expect("the failure is recorded");
    assert!(!error.is_empty());
    assert!((50..=61).contains(&wait_seconds()), "retried in a minute, not {} s", wait_seconds());
    // Many rounds of the worker pass; a deletion not yet due is left alone.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(attempts(), Some(1));

    app.execute("UPDATE file_deletions SET next_attempt_at = now()");
    wait_until("a second attempt", || attempts() == Some(2)).await;
    assert!((110..=121).contains(&wait_seconds()), "the wait doubles, not {} s", wait_seconds());

    // The cause goes away and the next attempt removes it.
    std::fs::remove_dir_all(&stuck).unwrap();
    app.execute("UPDATE file_deletions SET next_attempt_at = now()");
    wait_until("the deletion succeeding", || app.count("file_deletions") == 0).await;
}

#[tokio::test]
async fn an_upload_no_message_took_within_a_day_is_deleted_with_its_file() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let visitor = workspace.visitor().await;
    let abandoned = upload_ok(&app.address, &visitor.token, "abandoned.pdf", PDF).await;
    let fresh = upload_ok(&app.address, &visitor.token, "fresh.pdf", PDF).await;
    let (abandoned_path, fresh_path) = (stored_path(&app, &storage_key(&app, &abandoned)), stored_path(&app, &storage_key(&app, &fresh)));
    assert!(abandoned_path.exists() && fresh_path.exists());
    // Two days pass for one of them.
    app.execute(&format!("UPDATE uploads SET created_at = now() - interval '2 days' WHERE id = '{abandoned}'"));

    wait_until("the sweep deleting the abandoned upload", || app.count(&format!("uploads WHERE id = '{abandoned}'")) == 0).await;
    wait_until("its file leaving storage", || !abandoned_path.exists()).await;
    wait_until("the deletion queue emptying", || app.count("file_deletions") == 0).await;
    assert_eq!(app.count(&format!("uploads WHERE id = '{fresh}'")), 1, "a fresh upload waits for its message");
    assert!(fresh_path.exists());
}

#[tokio::test]
async fn exports_list_the_files_with_links_that_open_them_and_only_to_the_workspace_admins() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let (visitor, message, _) = a_visitor_sends_a_pdf(&app, &workspace, "invoice.pdf").await;
    let (other, _, _) = a_visitor_sends_a_pdf(&app, &workspace, "someone-else.pdf").await;
    let conversation = visitor.conversation.clone().expect("a conversation");

    let export = app.browser.get(&format!("/app/{}/contacts/{}/export", workspace.id, visitor.contact_id)).await;
    assert_eq!(export.status(), StatusCode::OK);
    let document: Value = export.json().await.unwrap();
    let files = document["files"].as_array().expect("the export lists files");
    assert_eq!(files.len(), 1, "only this contact's: {files:?}");
    let file = &files[0];
    assert_eq!(file["id"], message["attachments"][0]["id"]);
    assert_eq!(file["name"], "invoice.pdf");
    assert_eq!(file["content_type"], "application/pdf");
    assert_eq!(file["size"], PDF.len());
    assert_eq!(file["conversation_id"], conversation.as_str());
    assert_eq!(file["private"], false);
    let sent_at = time::OffsetDateTime::parse(file["sent_at"].as_str().unwrap(), &time::format_description::well_known::Rfc3339);
    assert!(sent_at.is_ok_and(|t| (time::OffsetDateTime::now_utc() - t).whole_minutes() < 5), "{}", file["sent_at"]);
    let url = file["url"].as_str().expect("a signed link");
    assert_eq!(download(&app, url).await.bytes().await.unwrap(), PDF, "the link opens the file");
    assert!(!document.to_string().contains("someone-else.pdf"));

    let export = app.browser.get(&format!("/app/{}/settings/export", workspace.id)).await;
    assert_eq!(export.status(), StatusCode::OK);
    let lines: Vec<Value> = export.text().await.unwrap().lines().map(|l| serde_json::from_str(l).expect("JSON lines")).collect();
    let files: Vec<&Value> = lines.iter().filter(|l| l["type"] == "file").map(|l| &l["row"]).collect();
    let mut names: Vec<&str> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
    names.sort();
    assert_eq!(names, ["invoice.pdf", "someone-else.pdf"], "every file of the workspace");
    for file in &files {
        assert_eq!(file["size"], PDF.len());
        assert!(file["conversation_id"].is_string() && file["sent_at"].is_string(), "{file}");
        let link = file["url"].as_str().expect("a signed link");
        assert_eq!(download(&app, link).await.bytes().await.unwrap(), PDF, "{link}");
    }
    let theirs = files.iter().find(|f| f["name"] == "someone-else.pdf").unwrap();
    assert_eq!(theirs["contact_id"], other.contact_id.as_str());

    // Another workspace's owner (an admin of their own) sees neither export, nor this contact
    // through their own workspace.
    let eve = app.new_browser();
    let eve_workspace = app.sign_up_workspace_as(&eve, Person::new("Eve")).await;
    for path in [
        format!("/app/{}/contacts/{}/export", workspace.id, visitor.contact_id),
        format!("/app/{}/settings/export", workspace.id),
        format!("/app/{}/contacts/{}/export", eve_workspace.id, visitor.contact_id),
    ] {
        let response = eve.get(&path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!response.text().await.unwrap().contains("invoice.pdf"));
    }
}

async fn billing_app() -> (TestApp, FakeStripe) {
    let fake = FakeStripe::start().await;
    let settings = fake.settings(100);
    let app = spawn_app_with(move |s| s.stripe = Some(settings)).await;
    (app, fake)
}

/// The File storage line of the Billing page, as the owner reads it.
async fn storage_line(app: &TestApp, workspace: &str) -> String {
    let page = unescape_html(&app.browser.get_html(&format!("/app/{workspace}/billing")).await);
    let start = page.find("<dt>File storage</dt>").expect("the Billing page shows file storage");
    let line = &page[start..];
    let end = line.find("</dd>").expect("the line ends");
    line[..end].replace("<dt>", "").replace("</dt>", ": ").replace(r#"<dd id="storage-used">"#, "")
}

#[tokio::test]
async fn the_billing_page_shows_file_storage_used_against_the_plan() {
    let (app, _fake) = billing_app().await;
    let workspace = app.sign_up_workspace().await;
    assert!(storage_line(&app, &workspace.id).await.starts_with("File storage: 0 B of 1 GB"));

    let visitor = workspace.visitor().await;
    // 3.4 MB, as the page counts (in units of 1,024).
    let big = [PDF, &vec![b'x'; 3_565_158 - PDF.len()]].concat();
    upload_ok(&app.address, &visitor.token, "scan.pdf", &big).await;
    let line = storage_line(&app, &workspace.id).await;
    assert!(line.starts_with("File storage: 3.4 MB of 1 GB"), "{line}");
}

#[tokio::test]
async fn an_upload_past_the_plan_s_storage_is_refused_with_402_and_nothing_is_stored() {
    let (app, _fake) = billing_app().await;
    let workspace = app.sign_up_workspace().await;
    let visitor = workspace.visitor().await;
    // The workspace already keeps all but 10 bytes of its 1 GB (one row stands for many files).
    app.execute(&format!(
        "INSERT INTO uploads (id, workspace_id, uploader_kind, uploader_id, name, content_type, size, storage_key)
         VALUES (gen_random_uuid(), '{ws}', 'agent', gen_random_uuid(), 'archive.zip', 'application/zip', {size}, '{ws}/archive')",
        ws = workspace.id,
        size = 1024 * 1024 * 1024 - 10,
    ));

    let refused = visitor_uploads(&app.address, &visitor.token, "invoice.pdf", PDF).await;
    assert_eq!(refused.status(), StatusCode::PAYMENT_REQUIRED);
    let body = refused.text().await.unwrap();
    // The visitor is told what they can do; the plan is the team's business.
    assert!(body.contains("This chat cannot take more files right now"), "{body}");
    assert!(!body.contains("Billing"), "{body}");
    // An agent is told how full the storage is and who can change it.
    let refused = crate::files::agent_upload(&workspace.owner, &workspace.id, "report.pdf", PDF.to_vec(), true).await;
    assert_eq!(refused.status(), StatusCode::PAYMENT_REQUIRED);
    let body = refused.text().await.unwrap();
    assert!(body.contains("of its 1 GB of file storage") && body.contains("An owner can add seats in Billing"), "{body}");
    assert_eq!(app.count("uploads"), 1, "no new upload");
    let folder = stored_path(&app, &workspace.id);
    let stored = std::fs::read_dir(&folder).map(|entries| entries.count()).unwrap_or(0);
    assert_eq!(stored, 0, "nothing in {}", folder.display());

    // A file that fits still goes in.
    upload_ok(&app.address, &visitor.token, "tiny.txt", b"ok").await;
    assert_eq!(app.count("uploads"), 2);
    assert!(storage_line(&app, &workspace.id).await.starts_with("File storage: 1 GB of 1 GB"));
}
