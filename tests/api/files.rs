//! Files in the chat, over HTTP and the socket: uploads by visitors, agents and API keys,
//! attachments in frames, the REST API and webhooks, the signed links that serve them, and
//! every way one is refused.

use reqwest::{StatusCode, multipart};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, Visitor, spawn_app, spawn_app_with};

/// A small PNG of `width` × `height`, as a screenshot would be.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 250) as u8, (y % 250) as u8, 120]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).expect("encode png");
    out.into_inner()
}

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

fn form(name: &str, bytes: Vec<u8>, claimed_type: &str) -> multipart::Form {
    let part = multipart::Part::bytes(bytes).file_name(name.to_string()).mime_str(claimed_type).expect("mime");
    multipart::Form::new().part("file", part)
}

/// A visitor uploads a file through the widget API; the raw response.
pub async fn visitor_upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>, claimed_type: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/api/widget/v1/uploads", app.address))
        .bearer_auth(token)
        .multipart(form(name, bytes, claimed_type))
        .send()
        .await
        .expect("POST uploads")
}

/// An upload that must succeed; its JSON answer.
pub async fn visitor_uploads(app: &TestApp, visitor: &Visitor, name: &str, bytes: Vec<u8>) -> Value {
    let response = visitor_upload(app, &visitor.token, name, bytes, "application/octet-stream").await;
    assert_eq!(response.status(), StatusCode::CREATED, "{:?}", response.text().await);
    response.json().await.expect("json")
}

/// The API uploads a file with a key; the raw response.
pub async fn api_upload(app: &TestApp, key: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/api/v1/uploads", app.address))
        .bearer_auth(key)
        .multipart(form(name, bytes, "application/octet-stream"))
        .send()
        .await
        .expect("POST api uploads")
}

/// An agent uploads from the inbox, with the page's CSRF token in `X-CSRF-Token`.
pub async fn agent_upload(
    member: &crate::helpers::Member<'_>,
    workspace: &str,
    name: &str,
    bytes: Vec<u8>,
    csrf: bool,
) -> reqwest::Response {
    let token = member.browser.csrf_token().await;
    let mut request = member.browser.client.post(format!("{}/app/{workspace}/uploads", member.app.address)).multipart(form(
        name,
        bytes,
        "application/octet-stream",
    ));
    if csrf {
        request = request.header("x-csrf-token", token);
    }
    request.send().await.expect("POST agent upload")
}

/// Sends a message with attachments over a socket; returns the client id used.
pub async fn send_files(socket: &mut crate::socket_client::Socket, conversation: Option<&str>, body: &str, uploads: &[&str]) -> String {
    let client_id = Uuid::now_v7().to_string();
    let mut frame = json!({"type": "send", "client_id": client_id, "body": body, "attachments": uploads});
    if let Some(id) = conversation {
        frame["conversation_id"] = json!(id);
    }
    socket.send(frame).await;
    client_id
}

/// A signed link as the app at `app` answers it (links name `PUBLIC_URL`; tests listen elsewhere).
pub fn local(app: &TestApp, link: &str) -> String {
    let url = url::Url::parse(link).expect("an absolute link");
    format!("{}{}?{}", app.address, url.path(), url.query().unwrap_or(""))
}

fn count_where(app: &TestApp, table: &str, condition: &str) -> i64 {
    app.query_string(&format!("SELECT count(*)::text AS value FROM {table} WHERE {condition}")).expect("a count").parse().expect("a number")
}

fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    let dir = app.state.settings.data_dir.join("uploads");
    let mut found = Vec::new();
    let mut stack = vec![dir];
    while let Some(dir) = stack.pop() {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() { stack.push(path) } else { found.push(path) }
            }
        }
    }
    found
}

#[tokio::test]
async fn a_visitor_sends_a_screenshot_and_the_agent_sees_it_with_a_thumbnail() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let mut agent = workspace.owner.socket().await;
    let mut visitor = workspace.visitor().await;

    let upload = visitor_uploads(&app, &visitor, "C:\\Users\\ana\\screen shot.png", png(1280, 720)).await;
    assert_eq!(upload["name"], "screen shot.png", "folders are dropped from the name");
    assert_eq!(upload["content_type"], "image/png", "sniffed from the bytes, not the claimed octet-stream");
    assert_eq!(upload["width"], 1280);
    assert_eq!(upload["height"], 720);
    let upload_id = upload["upload_id"].as_str().unwrap().to_string();

    let client_id = send_files(&mut visitor.socket, None, "", &[&upload_id]).await;
    let ack = visitor.socket.expect("ack").await;
    assert_eq!(ack["client_id"], client_id.as_str());
    let conversation = ack["conversation_id"].as_str().unwrap().to_string();

    let frame = agent.expect("message").await;
    assert_eq!(frame["body"], "");
    let attachment = &frame["attachments"][0];
    assert_eq!(attachment["id"], upload_id.as_str());
    assert_eq!(attachment["name"], "screen shot.png");
    assert_eq!(attachment["content_type"], "image/png");
    assert_eq!(attachment["width"], 1280);
    assert_eq!(attachment["height"], 720);
    let url = attachment["url"].as_str().expect("a signed url");
    assert!(url.starts_with(&format!("http://localhost:8080/files/{}/{upload_id}/file?expires=", workspace.id)), "{url}");

    // The full image, inline, exactly as sent.
    let full = reqwest::get(local(&app, url)).await.unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(full.headers()["content-type"], "image/png");
    assert!(full.headers()["content-disposition"].to_str().unwrap().starts_with("inline"));
    assert_eq!(full.headers()["x-content-type-options"], "nosniff");
    assert!(full.headers()["cache-control"].to_str().unwrap().starts_with("private"));
    assert!(full.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    assert_eq!(full.bytes().await.unwrap().as_ref(), png(1280, 720).as_slice());

    // The thumbnail: at most 480 px on its longer side.
    let thumbnail = reqwest::get(local(&app, attachment["thumbnail_url"].as_str().expect("a thumbnail"))).await.unwrap();
    assert_eq!(thumbnail.status(), StatusCode::OK);
    let small = image::load_from_memory(&thumbnail.bytes().await.unwrap()).expect("an image");
    assert_eq!((small.width(), small.height()), (480, 270));

    // The visitor's own socket gets the same message; the REST API shows it with fresh links.
    let key = workspace.api_key(&["read"]).await;
    let page: Value = reqwest::Client::new()
        .get(format!("{}/api/v1/conversations/{conversation}/messages", app.address))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed = &page["data"][0]["attachments"][0];
    assert_eq!(listed["id"], upload_id.as_str());
    assert_eq!(listed["size"], upload["size"]);
    let again = reqwest::get(local(&app, listed["url"].as_str().unwrap())).await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);

    // The inbox page shows the thumbnail with the file name as its text alternative.
    let html = workspace.owner.browser.get_html(&format!("/app/{}/inbox/{conversation}", workspace.id)).await;
    assert!(html.contains("alt=\"screen shot.png\""), "the inbox shows the image by name");
}

#[tokio::test]
async fn a_retry_with_the_same_client_id_returns_the_first_message_with_its_files() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let (mut visitor, conversation) = workspace.visitor_says("Here is the invoice").await;
    let upload = visitor_uploads(&app, &visitor, "invoice.pdf", PDF.to_vec()).await;
    let id = upload["upload_id"].as_str().unwrap();
    let client_id = Uuid::now_v7().to_string();
    let frame = json!({"type": "send", "client_id": client_id, "conversation_id": conversation, "body": "attached", "attachments": [id]});
    visitor.socket.send(frame.clone()).await;
    let first = visitor.socket.expect("ack").await;
    visitor.socket.send(frame).await;
    let second = visitor.socket.expect("ack").await;
    assert_eq!(first["message_id"], second["message_id"]);
    assert_eq!(first["seq"], second["seq"]);
    let messages = count_where(&app, "messages", &format!("conversation_id = '{conversation}'"));
    assert_eq!(messages, 2, "the retry stored nothing");
    let claimed =
        app.query_string(&format!("SELECT message_id::text AS value FROM uploads WHERE id = '{id}'")).expect("the upload is claimed");
    assert_eq!(claimed, first["message_id"].as_str().unwrap());
}

#[tokio::test]
async fn an_upload_is_used_once_and_only_by_its_own_uploader_in_its_own_workspace() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let (mut ana, ana_conversation) = workspace.visitor_says("Hi").await;
    let (mut bob, bob_conversation) = workspace.visitor_says("Hello").await;
    let anas = visitor_uploads(&app, &ana, "ana.pdf", PDF.to_vec()).await["upload_id"].as_str().unwrap().to_string();

    // Bob, another visitor of the same workspace, cannot send Ana's upload.
    send_files(&mut bob.socket, Some(&bob_conversation), "look", &[&anas]).await;
    let refused = bob.socket.expect("error").await;
    assert_eq!(refused["code"], "invalid_attachment");

    // Nor can an agent of the workspace (it is Ana's), nor an agent of another workspace.
    let mut agent = workspace.owner.socket().await;
    send_files(&mut agent, Some(&ana_conversation), "forwarding", &[&anas]).await;
    assert_eq!(agent.expect("error").await["code"], "invalid_attachment");

    // Ana sends it once; a second message with it is refused and stores nothing.
    send_files(&mut ana.socket, Some(&ana_conversation), "", &[&anas]).await;
    ana.socket.expect("ack").await;
    send_files(&mut ana.socket, Some(&ana_conversation), "again", &[&anas]).await;
    assert_eq!(ana.socket.expect("error").await["code"], "invalid_attachment");
    assert_eq!(count_where(&app, "messages", "body = 'again'"), 0);

    // More than ten files on one message are refused before anything is looked up.
    let eleven: Vec<String> = (0..11).map(|_| Uuid::now_v7().to_string()).collect();
    let names: Vec<&str> = eleven.iter().map(String::as_str).collect();
    send_files(&mut ana.socket, Some(&ana_conversation), "many", &names).await;
    let error = ana.socket.expect("error").await;
    assert_eq!(error["code"], "too_many_attachments");
    assert!(error["message"].as_str().unwrap().contains("10 files"));
}

#[tokio::test]
async fn another_workspace_cannot_upload_attach_or_open_a_file() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let other_browser = app.new_browser();
    let other = app.sign_up_workspace_as(&other_browser, crate::helpers::Person::new("Eve")).await;

    // Eve's session cannot upload into Ada's workspace: 404 as for anything of another tenant.
    let response = agent_upload(&other.owner, &workspace.id, "x.pdf", PDF.to_vec(), true).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // Without the CSRF header, even Ada's own session is refused.
    let response = agent_upload(&workspace.owner, &workspace.id, "x.pdf", PDF.to_vec(), false).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("uploads"), 0);

    // Eve uploads in her own workspace, and cannot attach it to Ada's conversation.
    let (_visitor, conversation) = workspace.visitor_says("Hi").await;
    let eves = agent_upload(&other.owner, &other.id, "eve.pdf", PDF.to_vec(), true).await;
    assert_eq!(eves.status(), StatusCode::CREATED);
    let eves: Value = eves.json().await.unwrap();
    let eve_key = other.api_key(&["read", "write"]).await;
    let post = reqwest::Client::new()
        .post(format!("{}/api/v1/conversations/{conversation}/messages", app.address))
        .bearer_auth(&eve_key)
        .json(&json!({"body": "hi", "attachments": [eves["upload_id"]]}))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::NOT_FOUND, "Ada's conversation does not exist for Eve");

    // Ada's file, linked with Eve's workspace in the path, is refused: the signature names Ada's.
    let mut agent = workspace.owner.socket().await;
    let adas = agent_upload(&workspace.owner, &workspace.id, "ada.pdf", PDF.to_vec(), true).await.json::<Value>().await.unwrap();
    send_files(&mut agent, Some(&conversation), "", &[adas["upload_id"].as_str().unwrap()]).await;
    agent.expect("ack").await;
    let url = agent.expect("message").await["attachments"][0]["url"].as_str().unwrap().to_string();
    let swapped = local(&app, &url.replace(&workspace.id, &other.id));
    assert_eq!(reqwest::get(swapped).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(reqwest::get(local(&app, &url)).await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn tampered_and_expired_links_are_refused() {
    let app = spawn_app_with(|settings| settings.file_link_ttl = std::time::Duration::from_secs(2)).await;
    let workspace = app.sign_up_workspace().await;
    let mut agent = workspace.owner.socket().await;
    let mut visitor = workspace.visitor().await;
    let upload = visitor_uploads(&app, &visitor, "photo.png", png(64, 64)).await;
    send_files(&mut visitor.socket, None, "", &[upload["upload_id"].as_str().unwrap()]).await;
    visitor.socket.expect("ack").await;
    let url = local(&app, agent.expect("message").await["attachments"][0]["url"].as_str().unwrap());
    assert_eq!(reqwest::get(&url).await.unwrap().status(), StatusCode::OK);

    let expires: i64 = url.split("expires=").nth(1).unwrap().split('&').next().unwrap().parse().unwrap();
    let longer = url.replace(&format!("expires={expires}"), &format!("expires={}", expires + 86_400));
    let forged = reqwest::get(&longer).await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "a link whose expiry was pushed back");
    assert!(forged.text().await.unwrap().contains("expired or is not valid"));
    let flipped = {
        let at = url.len() - 1;
        let last = if url.ends_with('0') { '1' } else { '0' };
        format!("{}{last}", &url[..at])
    };
    assert_eq!(reqwest::get(&flipped).await.unwrap().status(), StatusCode::FORBIDDEN, "a changed signature");
    let thumbnail_instead = url.replace("/file?", "/thumbnail?");
    assert_eq!(reqwest::get(&thumbnail_instead).await.unwrap().status(), StatusCode::FORBIDDEN, "another variant");
    let unsigned = url.split('?').next().unwrap().to_string();
    assert_eq!(reqwest::get(&unsigned).await.unwrap().status(), StatusCode::FORBIDDEN, "no signature at all");

    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    assert_eq!(reqwest::get(&url).await.unwrap().status(), StatusCode::FORBIDDEN, "expired");
}

#[tokio::test]
async fn html_svg_and_anything_not_an_image_is_served_as_a_download() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let mut agent = workspace.owner.socket().await;
    let mut visitor = workspace.visitor().await;
    let cases: [(&str, &[u8], &str); 3] = [
        ("page.png", b"<!doctype html><script>alert(document.cookie)</script>", "text/html"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "image/svg+xml"),
        ("notes.txt", b"plain text notes", "text/plain"),
    ];
    let mut ids = Vec::new();
    for (name, bytes, _) in &cases {
        // The client claims an image; the bytes say otherwise.
        let response = visitor_upload(&app, &visitor.token, name, bytes.to_vec(), "image/png").await;
        assert_eq!(response.status(), StatusCode::CREATED);
        ids.push(response.json::<Value>().await.unwrap()["upload_id"].as_str().unwrap().to_string());
    }
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    send_files(&mut visitor.socket, None, "three files", &refs).await;
    visitor.socket.expect("ack").await;
    let frame = agent.expect("message").await;
    for (index, (name, bytes, content_type)) in cases.iter().enumerate() {
        let attachment = &frame["attachments"][index];
        assert_eq!(attachment["name"], *name, "attachments keep their order");
        assert_eq!(attachment["content_type"], *content_type);
        assert!(attachment.get("thumbnail_url").is_none(), "{name} has no thumbnail");
        let response = reqwest::get(local(&app, attachment["url"].as_str().unwrap())).await.unwrap();
        let disposition = response.headers()["content-disposition"].to_str().unwrap().to_string();
        assert!(disposition.starts_with("attachment"), "{name}: {disposition}");
        assert!(disposition.contains(name), "{disposition}");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert!(response.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
        assert_eq!(response.bytes().await.unwrap().as_ref(), *bytes);
    }
}

#[tokio::test]
async fn an_oversized_file_is_refused_and_nothing_is_stored() {
    let app = spawn_app_with(|settings| settings.upload_max_bytes = 1024 * 1024).await;
    let workspace = app.sign_up_workspace().await;
    let visitor = workspace.visitor().await;
    let response = visitor_upload(&app, &visitor.token, "big.bin", vec![7u8; 1024 * 1024 + 1], "application/octet-stream").await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["message"], "This file is larger than 1.0 MB.");
    // Over the REST API too, with the same words.
    let key = workspace.api_key(&["read", "write"]).await;
    let response = api_upload(&app, &key, "big.bin", vec![7u8; 3 * 1024 * 1024]).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("uploads"), 0);
    assert!(stored_files(&app).is_empty(), "no bytes kept: {:?}", stored_files(&app));

    // Exactly at the limit is fine.
    let response = visitor_upload(&app, &visitor.token, "fits.bin", vec![7u8; 1024 * 1024], "application/octet-stream").await;
    assert_eq!(response.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_default_limit_of_25_mb_is_stated_in_the_error() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let visitor = workspace.visitor().await;
    let response = visitor_upload(&app, &visitor.token, "video.mov", vec![1u8; 25 * 1024 * 1024 + 10], "video/quicktime").await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.json::<Value>().await.unwrap()["error"]["message"], "This file is larger than 25 MB.");
}

#[tokio::test]
async fn bad_uploads_get_a_clear_error() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let visitor = workspace.visitor().await;
    // No token, a forged token, no file, an empty file.
    let client = reqwest::Client::new();
    let url = format!("{}/api/widget/v1/uploads", app.address);
    let none = client.post(&url).multipart(form("a.txt", b"hi".to_vec(), "text/plain")).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::BAD_REQUEST);
    let forged = client.post(&url).bearer_auth("vt_AAAA.BBBB").multipart(form("a.txt", b"hi".to_vec(), "text/plain")).send().await.unwrap();
    assert!(forged.status().is_client_error());
    let no_file =
        client.post(&url).bearer_auth(&visitor.token).multipart(multipart::Form::new().text("note", "hello")).send().await.unwrap();
    assert_eq!(no_file.status(), StatusCode::BAD_REQUEST);
    assert!(no_file.text().await.unwrap().contains("field named"));
    // The form holds one file and nothing else, as the API's document says.
    let extra = form("a.txt", b"hi".to_vec(), "text/plain").text("note", "hello");
    let extra = client.post(&url).bearer_auth(&visitor.token).multipart(extra).send().await.unwrap();
    assert_eq!(extra.status(), StatusCode::BAD_REQUEST);
    assert!(extra.text().await.unwrap().contains("this form also has"));
    let empty = visitor_upload(&app, &visitor.token, "empty.txt", Vec::new(), "text/plain").await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    let json_body = client.post(&url).bearer_auth(&visitor.token).json(&json!({"file": "x"})).send().await.unwrap();
    assert_eq!(json_body.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.count("uploads"), 0);
}

#[tokio::test]
async fn a_visitor_may_upload_twenty_files_a_minute() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let visitor = workspace.visitor().await;
    for n in 0..20 {
        let response = visitor_upload(&app, &visitor.token, &format!("{n}.txt"), b"note".to_vec(), "text/plain").await;
        assert_eq!(response.status(), StatusCode::CREATED, "upload {n}");
    }
    let response = visitor_upload(&app, &visitor.token, "21.txt", b"note".to_vec(), "text/plain").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    // Another visitor has their own allowance.
    let other = workspace.visitor().await;
    assert_eq!(visitor_upload(&app, &other.token, "a.txt", b"note".to_vec(), "text/plain").await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_api_posts_a_reply_with_a_pdf_and_the_webhook_carries_it() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let workspace = ws.id.clone();
    let (url, received) = crate::console::receiver(200).await;
    crate::console::add_endpoint(&app, &workspace, &url, &["message_created"]).await;
    let (mut visitor, conversation) = ws.visitor_says("Can I get my invoice?").await;
    let key = ws.api_key(&["read", "write"]).await;

    let upload = api_upload(&app, &key, "invoice-1042.pdf", PDF.to_vec()).await;
    assert_eq!(upload.status(), StatusCode::CREATED);
    let upload: Value = upload.json().await.unwrap();
    assert_eq!(upload["content_type"], "application/pdf");
    let client_id = Uuid::now_v7();
    let post = |body: Value| {
        reqwest::Client::new()
            .post(format!("{}/api/v1/conversations/{conversation}/messages", app.address))
            .bearer_auth(&key)
            .json(&body)
            .send()
    };
    let created = post(json!({"attachments": [upload["upload_id"]], "client_id": client_id})).await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let message: Value = created.json().await.unwrap();
    assert_eq!(message["body"], "");
    assert_eq!(message["attachments"][0]["name"], "invoice-1042.pdf");
    assert_eq!(message["attachments"][0]["size"], PDF.len());
    // A retry answers the first result, files and all.
    let retried = post(json!({"attachments": [upload["upload_id"]], "client_id": client_id})).await.unwrap();
    assert_eq!(retried.status(), StatusCode::OK);
    assert_eq!(retried.json::<Value>().await.unwrap()["id"], message["id"]);
    // Neither body nor files: well-formed, not storable.
    assert_eq!(post(json!({"body": "  "})).await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The visitor gets it live and can download it.
    let frame = loop {
        let frame = visitor.socket.expect("message").await;
        if frame.get("attachments").is_some() {
            break frame;
        }
    };
    let link = local(&app, frame["attachments"][0]["url"].as_str().unwrap());
    let download = reqwest::get(link).await.unwrap();
    assert!(download.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(download.bytes().await.unwrap().as_ref(), PDF);

    // message.created carries the attachment with a link.
    let events = crate::console::wait_for_events(&received, 2).await;
    let with_file = events
        .iter()
        .map(|d| serde_json::from_str::<Value>(&d.body).unwrap())
        .find(|e| e["data"]["message"]["attachments"].as_array().is_some_and(|a| !a.is_empty()))
        .expect("a message.created with the file");
    let attachment = &with_file["data"]["message"]["attachments"][0];
    assert_eq!(attachment["name"], "invoice-1042.pdf");
    assert_eq!(attachment["content_type"], "application/pdf");
    assert!(attachment["url"].as_str().unwrap().contains("/files/"));
}
