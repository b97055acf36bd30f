//! Files in the inbox: what a visitor sends shows in the conversation (a picture as a
//! thumbnail, anything else as a download link) and in the contact panel; agents attach files
//! from the composer (picked, dropped), and uploads keep to the agent's own workspace.

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    chromium::Chromium,
    helpers::{Person, TempDir, TestApp, spawn_app, spawn_app_on_public_url, unescape_html},
    socket_client::{Socket, widget_session},
};

/// A `width` × `height` PNG, a gradient (a real picture for the thumbnailer).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 160]));
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut bytes, image::ImageFormat::Png).expect("a PNG");
    bytes.into_inner()
}

/// A small PDF (what the type sniffer reads is its header).
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".repeat(40)
}

/// A multipart/form-data body with one field `file`: (content type header, body).
fn form_with_file(name: &str, content_type: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = format!("parlor-test-{}", Uuid::new_v4().simple());
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The visitor's widget uploads a file; returns the answer (201) with its `upload_id`.
async fn visitor_uploads(app: &TestApp, token: &str, name: &str, content_type: &str, bytes: &[u8]) -> Value {
    let (form_type, body) = form_with_file(name, content_type, bytes);
    let response = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/uploads", app.address))
        .bearer_auth(token)
        .header("content-type", form_type)
        .body(body)
        .send()
        .await
        .expect("POST uploads");
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.expect("JSON")
}

/// A visitor writes `body` with these uploads; returns the conversation.
async fn visitor_sends(socket: &mut Socket, body: &str, uploads: &[&Value]) -> String {
    let ids: Vec<&Value> = uploads.iter().map(|u| &u["upload_id"]).collect();
    socket.send(json!({"type": "send", "client_id": Uuid::now_v7(), "body": body, "attachments": ids})).await;
    let ack = socket.expect("ack").await;
    ack["conversation_id"].as_str().expect("the ack names the conversation").to_string()
}

/// What a page's `from` marker up to the next `to` holds.
fn part<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html.find(from).unwrap_or_else(|| panic!("no {from:?} in the page"));
    let end = html[start..].find(to).map_or(html.len(), |at| start + at);
    &html[start..end]
}

/// The `attr="..."` values of every `tag` element in `html`, unescaped.
fn attributes(html: &str, tag: &str, attr: &str) -> Vec<String> {
    html.split(&format!("<{tag} "))
        .skip(1)
        .filter_map(|element| {
            let element = &element[..element.find('>').unwrap_or(element.len())];
            let start = element.find(&format!(" {attr}=\"")).or_else(|| element.starts_with(&format!("{attr}=\"")).then_some(0))?;
            let value = &element[start..];
            let value = &value[value.find('"')? + 1..];
            Some(unescape_html(&value[..value.find('"')?]))
        })
        .collect()
}

/// A signed link as the page gives it (at `PUBLIC_URL`), asked of the test server instead.
fn at_test_server(app: &TestApp, link: &str) -> String {
    let path = &link[link.find("/files/").expect("a file link")..];
    format!("{}{path}", app.address)
}

#[tokio::test]
async fn the_inbox_shows_a_picture_as_a_thumbnail_and_a_pdf_as_a_download_link() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let mut visitor = workspace.visitor().await;
    let picture = visitor_uploads(&app, &visitor.token, "receipt.png", "image/png", &png(800, 600)).await;
    let document = visitor_uploads(&app, &visitor.token, "<script>invoice.pdf", "application/pdf", &pdf()).await;
    assert_eq!(document["content_type"], "application/pdf");
    let conversation = visitor_sends(&mut visitor.socket, "My order", &[&picture, &document]).await;

    let html = workspace.owner.browser.get_html(&format!("/app/{}/inbox/{conversation}", workspace.id)).await;
    let messages = part(&html, "id=\"messages\"", "</ol>");

    // The picture: its thumbnail, named by the file, scaled to fit, linked to the whole file.
    let images = attributes(messages, "img", "alt");
    assert_eq!(images, ["receipt.png"], "{messages}");
    let thumbnail = attributes(messages, "img", "src").remove(0);
    assert!(thumbnail.contains("/thumbnail?"), "{thumbnail}");
    assert!(messages.contains("width=\"240\" height=\"180\""), "{messages}");
    let shown = reqwest::get(at_test_server(&app, &thumbnail)).await.unwrap();
    assert_eq!(shown.status(), StatusCode::OK);
    // An opaque picture's thumbnail is a JPEG.
    assert_eq!(shown.headers()["content-type"], "image/jpeg");

    // The PDF: a download link with its name (as text) and size.
    let links = attributes(messages, "a", "href");
    assert_eq!(links.len(), 2, "the picture's link and the PDF's: {messages}");
    assert!(links[0].contains("/file?") && links[1].contains("/file?"), "{links:?}");
    assert!(messages.contains(">&#60;script&#62;invoice.pdf</span>"), "{messages}");
    assert!(!messages.contains("<script>"), "the file name stays text");
    assert!(messages.contains("download><span class=\"file-icon\""), "{messages}");
    assert!(messages.contains(&format!("<span class=\"file-size\">{}</span>", human(pdf().len()))), "{messages}");
    let downloaded = reqwest::get(at_test_server(&app, &links[1])).await.unwrap();
    assert_eq!(downloaded.status(), StatusCode::OK);
    assert_eq!(downloaded.bytes().await.unwrap().as_ref(), pdf().as_slice());

    // The contact panel lists both.
    let panel = part(&html, "id=\"files-heading\"", "</ul>");
    assert!(panel.contains(">receipt.png</a>"), "{panel}");
    assert!(panel.contains(">&#60;script&#62;invoice.pdf</a>"), "{panel}");
    assert!(panel.contains("class=\"file-thumb\""), "{panel}");
    assert!(html.contains("id=\"files-empty\" hidden>No files yet."), "the empty state is hidden");

    // The list says what the conversation holds when a message is files alone.
    visitor_sends(&mut visitor.socket, "", &[&visitor_uploads(&app, &visitor.token, "more.pdf", "application/pdf", &pdf()).await]).await;
    let list = workspace.owner.browser.get_html(&format!("/app/{}/inbox?view=all", workspace.id)).await;
    assert!(part(&list, "class=\"conv-preview\"", "</span>").ends_with(">Sent a file"), "{list}");
}

/// The size as the page states it (files::human_size).
fn human(bytes: usize) -> String {
    parlor::files::human_size(bytes as i64)
}

#[tokio::test]
async fn a_conversation_without_files_says_so() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let (_visitor, conversation) = workspace.visitor_says("Hello").await;
    let html = workspace.owner.browser.get_html(&format!("/app/{}/inbox/{conversation}", workspace.id)).await;
    assert!(html.contains("<p class=\"hint\" id=\"files-empty\">No files yet.</p>"), "{html}");
    assert!(!part(&html, "id=\"messages\"", "</ol>").contains("msg-files"));
}

#[tokio::test]
async fn an_agent_uploads_only_to_their_own_workspace_and_with_the_csrf_token() {
    let app = spawn_app().await;
    let ada = app.sign_up_workspace().await;
    let bob = app.sign_up_workspace_as(&app.new_browser(), Person::new("Bob")).await;
    let browser = &ada.owner.browser;
    let token = browser.csrf_token().await;
    let upload = |workspace: String, csrf: Option<String>| {
        let (form_type, body) = form_with_file("notes.pdf", "application/pdf", &pdf());
        let mut request = browser
            .client
            .post(format!("{}/app/{workspace}/uploads", app.address))
            .header("accept", "application/json")
            .header("content-type", form_type)
            .body(body);
        if let Some(csrf) = csrf {
            request = request.header("x-csrf-token", csrf);
        }
        request.send()
    };

    let own = upload(ada.id.clone(), Some(token.clone())).await.unwrap();
    assert_eq!(own.status(), StatusCode::CREATED, "her own workspace takes it");
    let other = upload(bob.id.clone(), Some(token.clone())).await.unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND, "another workspace is not there for her");
    let forged = upload(ada.id.clone(), None).await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "without the page's token");
    let answer: Value = forged.json().await.expect("a JSON error for the page's script");
    assert!(answer["error"]["message"].is_string(), "{answer}");
    assert_eq!(app.count("uploads"), 1);
}

#[tokio::test]
async fn an_agent_attaches_files_in_the_browser_and_sees_the_picture_a_visitor_sent() {
    let app = spawn_app_on_public_url().await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let site_key = app.query_string("SELECT site_key AS value FROM workspaces").unwrap();
    let (token, _) = widget_session(&app, &site_key).await;
    let (mut visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    let photo = visitor_uploads(&app, &token, "broken-lamp.png", "image/png", &png(640, 480)).await;
    let conversation = visitor_sends(&mut visitor, "The lamp arrived broken", &[&photo]).await;

    let chromium = Chromium::launch().await;
    let agent = chromium.new_page(1400).await;
    agent.set_cookies(&app.address, &app.browser.cookie_header()).await;
    agent.goto(&format!("{}/app/{workspace}/inbox/{conversation}", app.address)).await;

    // The visitor's picture shows, loaded (the page's policy lets it in), named by its file.
    agent
        .wait_until("(i => i && i.complete && i.naturalWidth > 0)(document.querySelector('#messages img[alt=\"broken-lamp.png\"]'))")
        .await;
    assert_eq!(agent.eval("document.querySelectorAll('#contact-files li').length").await, json!(1));

    // The agent picks a PDF with the "Attach a file" button's picker; it uploads and is ready.
    let files = TempDir::new();
    let terms = files.path.join("return-label.pdf");
    std::fs::write(&terms, pdf()).unwrap();
    let empty = files.path.join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let attach = agent.wait_for("button", "Attach a file").await;
    assert_eq!(agent.call_on(attach, "function () { return this.tabIndex; }").await, json!(0), "reachable by keyboard");
    agent.choose_files("#attach-input", &[&terms, &empty]).await;
    agent.wait_until("document.querySelector('.pending-file.ready .pending-name').textContent === 'return-label.pdf'").await;
    assert_eq!(agent.eval("document.querySelector('.pending-file.ready progress').value").await, json!(1));

    // The empty file says why it cannot go; sending waits until it is removed.
    agent.wait_for_text("This file is empty.").await;
    let remove = agent.wait_for("button", "Remove empty.txt").await;
    let reply = agent.wait_for("textbox", "Reply").await;
    agent.focus(reply).await;
    agent.type_text("Here is your return label").await;
    agent.press("Enter").await;
    agent.wait_for_text("Some files did not upload: retry or remove them first.").await;
    agent.screenshot(&std::env::temp_dir().join("parlor-inbox-files-composer.png")).await;
    agent.click(remove).await;
    agent.wait_until("document.querySelectorAll('.pending-file').length === 1").await;
    agent.press("Enter").await;

    // The visitor receives the reply with the file; the agent's page shows it as a link.
    let reply = loop {
        let message = visitor.expect("message").await;
        if message["author"]["kind"] == "agent" {
            break message;
        }
    };
    assert_eq!(reply["body"], "Here is your return label");
    assert_eq!(reply["attachments"][0]["name"], "return-label.pdf");
    assert_eq!(reply["attachments"][0]["content_type"], "application/pdf");
    agent.wait_until("[...document.querySelectorAll('#messages a.file-link')].some(a => a.textContent === 'return-label.pdf' && a.href.includes('/files/'))").await;
    agent.wait_until("document.querySelectorAll('#contact-files li').length === 2").await;
    assert_eq!(agent.eval("document.querySelectorAll('.pending-file').length").await, json!(0), "the composer is clear");

    // A file dropped on the conversation goes with an internal note, which only the team sees.
    let note = agent.wait_for("checkbox", "Internal note (only your team sees it)").await;
    agent.click(note).await;
    agent
        .eval(
            "(() => { const files = new DataTransfer(); \
             files.items.add(new File(['%PDF-1.4\\n%%EOF\\n'], 'refund-approval.pdf', { type: 'application/pdf' })); \
             const pane = document.querySelector('.inbox-conversation'); \
             pane.dispatchEvent(new DragEvent('dragenter', { dataTransfer: files, bubbles: true, cancelable: true })); \
             pane.dispatchEvent(new DragEvent('drop', { dataTransfer: files, bubbles: true, cancelable: true })); })()",
        )
        .await;
    agent.wait_until("document.querySelector('.pending-file.ready .pending-name').textContent === 'refund-approval.pdf'").await;
    assert_eq!(agent.eval("document.querySelector('.inbox-conversation').classList.contains('dropping')").await, json!(false));
    // And a picture pasted into the reply box (a screenshot) goes with it.
    agent
        .eval(
            "(async () => { const canvas = document.createElement('canvas'); canvas.width = 320; canvas.height = 200; \
             const g = canvas.getContext('2d'); g.fillStyle = '#4338ca'; g.fillRect(0, 0, 320, 200); \
             const blob = await new Promise(done => canvas.toBlob(done, 'image/png')); \
             const clipboard = new DataTransfer(); clipboard.items.add(new File([blob], 'image.png', { type: 'image/png' })); \
             document.getElementById('reply').dispatchEvent(new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true })); })()",
        )
        .await;
    agent.wait_until("document.querySelectorAll('.pending-file.ready').length === 2").await;
    let pasted = agent.eval("document.querySelectorAll('.pending-file .pending-name')[1].textContent").await;
    assert!(pasted.as_str().is_some_and(|name| name.starts_with("Pasted image ") && name.ends_with(".png")), "{pasted}");
    let reply_box = agent.wait_for("textbox", "Reply").await;
    agent.focus(reply_box).await;
    agent.press("Enter").await;
    agent
        .wait_until("[...document.querySelectorAll('#messages .msg-note a.file-link')].some(a => a.textContent === 'refund-approval.pdf')")
        .await;
    agent
        .wait_until(
            "(i => i && i.complete && i.naturalWidth > 0)(document.querySelector('#messages .msg-note img[alt^=\"Pasted image \"]'))",
        )
        .await;
    assert_eq!(
        app.query_string(
            "SELECT m.private::text || ' ' || m.body AS value FROM uploads u JOIN messages m ON m.id = u.message_id \
             WHERE u.name = 'refund-approval.pdf'"
        )
        .as_deref(),
        Some("true "),
        "a note of the files alone"
    );
    assert_eq!(
        app.query_string(
            "SELECT count(*)::text AS value FROM uploads u JOIN messages m ON m.id = u.message_id WHERE m.private AND m.body = ''"
        )
        .as_deref(),
        Some("2")
    );
    visitor.assert_no_message(std::time::Duration::from_millis(500)).await;

    agent.eval("document.getElementById('messages').scrollTop = 150").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    agent.screenshot(&std::env::temp_dir().join("parlor-inbox-files.png")).await;

    // On a phone the files fit the screen.
    let phone = chromium.new_page(390).await;
    phone.set_cookies(&app.address, &app.browser.cookie_header()).await;
    phone.goto(&format!("{}/app/{workspace}/inbox/{conversation}", app.address)).await;
    phone.wait_until("document.querySelectorAll('#messages img').length === 2").await;
    assert_eq!(phone.eval("document.documentElement.scrollWidth <= window.innerWidth").await, json!(true), "nothing runs off the side");
    phone.eval("document.querySelector('.composer').scrollIntoView()").await;
    phone.screenshot(&std::env::temp_dir().join("parlor-inbox-files-phone.png")).await;
}
