//! The widget in a real headless Chromium, on a website of another origin than Parlor's.

use serde_json::json;

use crate::{
    chromium::{BackendNodeId, Chromium, Page},
    helpers::{Person, TestApp, spawn_app_on_public_url},
    sites::{Network, serve_site},
    socket_client::Socket,
};

/// A website whose CSS tries its best to restyle everything, buttons and iframes included.
const HOSTILE_CSS: &str = "<style>* { font-size: 31px !important; font-family: serif !important; } \
    button { background: rgb(255, 0, 0) !important; width: 500px !important; border: 7px solid lime !important; } \
    iframe { border: 9px solid red !important; } div { padding: 40px !important; }</style>";

fn site(parlor: &str, site_key: &str, before: &str) -> String {
    format!(
        "<!doctype html><html><head><title>Acme shop</title>{HOSTILE_CSS}</head><body><h1 id=title>Acme shop</h1>\
         <p id=para>Welcome to our shop.</p>{before}<script src=\"{parlor}/widget.js\" data-site-key=\"{site_key}\" async></script></body></html>"
    )
}

async fn workspace(app: &TestApp) -> (String, String) {
    let id = app.browser.sign_up_ok(&Person::new("Ada")).await;
    (id.clone(), app.query_string(&format!("SELECT site_key AS value FROM workspaces WHERE id = '{id}'")).unwrap())
}

async fn agent_socket(app: &TestApp) -> Socket {
    Socket::agent(app, &app.browser).await
}

/// The next message a visitor wrote, skipping the agents' own (every agent socket gets those).
async fn next_from_visitor(agent: &mut Socket) -> serde_json::Value {
    loop {
        let message = agent.expect("message").await;
        if message["author"]["kind"] == "visitor" {
            return message;
        }
    }
}

/// The launcher's look as computed in the page: `width|height|background|font-size|border`.
async fn launcher_style(page: &Page, launcher: BackendNodeId) -> String {
    page.call_on(
        launcher,
        "function () { const s = getComputedStyle(this); return [s.width, s.height, s.backgroundColor, s.fontSize, s.borderTopWidth].join('|'); }",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

#[tokio::test]
async fn a_visitor_on_another_site_chats_with_an_agent_through_the_snippet() {
    let app = spawn_app_on_public_url().await;
    let (_, site_key) = workspace(&app).await;
    let mut agent = agent_socket(&app).await;
    let host = serve_site(site(&app.address, &site_key, "")).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{host}/")).await;

    let launcher = page.wait_for("button", "Open chat").await;
    page.click(launcher).await;
    page.wait_for("button", "Close chat").await;
    let composer = page.wait_for("textbox", "Message").await;
    page.wait_for("button", "Send").await;
    page.focus(composer).await;
    page.type_text("Hello, do you ship to Canada?").await;
    page.press("Enter").await;

    let message = agent.expect("message").await;
    assert_eq!(message["body"], "Hello, do you ship to Canada?");
    assert_eq!(message["author"]["kind"], "visitor");
    let conversation = message["conversation_id"].as_str().unwrap().to_string();
    page.wait_for_frame_text("Sent").await;

    agent.say(Some(&conversation), "We do! Delivery takes <b>3 days</b>.").await;
    agent.expect("ack").await;
    page.wait_for_frame_text("We do! Delivery takes &lt;b&gt;3 days&lt;/b&gt;.").await;
    assert!(page.frames_html().await.contains("aria-live=\"polite\""), "new messages are announced");

    // The visitor's page was recorded, with its browser.
    let url = app.query_string("SELECT current_url AS value FROM contacts").unwrap();
    assert!(url.starts_with(&host), "{url}");
    assert!(app.query_string("SELECT browser AS value FROM contacts").unwrap().starts_with("Chrome"));

    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    page.screenshot(&std::env::temp_dir().join("parlor-widget-chat.png")).await;

    // Escape closes the window, and the launcher is named for opening it again.
    page.press("Escape").await;
    page.wait_for("button", "Open chat").await;
}

#[tokio::test]
async fn a_link_in_an_agents_reply_opens_in_a_new_tab_from_the_widget() {
    let app = spawn_app_on_public_url().await;
    let (_, site_key) = workspace(&app).await;
    let mut agent = agent_socket(&app).await;
    let host = serve_site(site(&app.address, &site_key, "")).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    open_chat_and_send(&page, &host, "Where is the manual?").await;
    let conversation = next_from_visitor(&mut agent).await["conversation_id"].as_str().unwrap().to_string();

    agent.say(Some(&conversation), "Here: https://example.com/manual?part=2. Not <b>this</b>: javascript:alert(1)").await;
    agent.expect("ack").await;
    page.wait_for("link", "https://example.com/manual?part=2").await;
    let html = page.frames_html().await;
    assert!(
        html.contains(
            r#"Here: <a href="https://example.com/manual?part=2" target="_blank" rel="noopener noreferrer nofollow">https://example.com/manual?part=2</a>. Not &lt;b&gt;this&lt;/b&gt;: javascript:alert(1)"#
        ),
        "{html}"
    );
    assert!(!html.contains("href=\"javascript"), "{html}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    page.screenshot(&std::env::temp_dir().join("parlor-widget-link.png")).await;
}

#[tokio::test]
async fn a_site_that_is_not_allowed_gets_no_chat() {
    let app = spawn_app_on_public_url().await;
    let (id, site_key) = workspace(&app).await;
    app.browser
        .post_form(
            &format!("/app/{id}/widget"),
            &[
                ("color", "#2563eb"),
                ("position", "right"),
                ("greeting", "Hi"),
                ("reply_time", "minutes"),
                ("allowed_domains", "example.com"),
            ],
        )
        .await;
    let host = serve_site(site(&app.address, &site_key, "<p id=done>page loaded</p>")).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{host}/")).await;
    // Give the loader every chance to show something.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(page.find("button", "Open chat").await, None);
    assert_eq!(
        page.eval("document.querySelectorAll('iframe').length + document.querySelectorAll('[data-parlor-widget]').length").await,
        json!(0)
    );
    assert_eq!(app.count("contacts"), 0, "no visitor was created");
}

#[tokio::test]
async fn an_identity_with_a_bad_hash_is_refused_and_a_good_one_is_accepted() {
    let app = spawn_app_on_public_url().await;
    let (id, site_key) = workspace(&app).await;
    app.browser
        .post_form(
            &format!("/app/{id}/widget"),
            &[("color", "#2563eb"), ("position", "right"), ("greeting", "Hi"), ("reply_time", "minutes"), ("identity_required", "on")],
        )
        .await;
    let secret = app.query_string("SELECT identity_secret AS value FROM widget_settings").unwrap();
    let chromium = Chromium::launch().await;

    let bad = "<script>window.Parlor = [['identify', {id: 'user-1', name: 'Lin', user_hash: 'deadbeef'}]];</script>";
    let host = serve_site(site(&app.address, &site_key, bad)).await;
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{host}/")).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(page.find("button", "Open chat").await, None, "a refused identity gets no chat");
    assert_eq!(app.count("contacts"), 0);

    let hash = parlor::widget::settings::identity_hash(&secret, "user-1");
    let good = format!("<script>window.Parlor = [['identify', {{id: 'user-1', name: 'Lin', user_hash: '{hash}'}}]];</script>");
    let host = serve_site(site(&app.address, &site_key, &good)).await;
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{host}/")).await;
    page.wait_for("button", "Open chat").await;
    assert_eq!(app.query_string("SELECT external_id AS value FROM contacts").as_deref(), Some("user-1"));
    assert_eq!(app.query_string("SELECT name AS value FROM contacts").as_deref(), Some("Lin"));
}

#[tokio::test]
async fn the_host_pages_css_and_the_widget_leave_each_other_alone() {
    let app = spawn_app_on_public_url().await;
    let (_, site_key) = workspace(&app).await;
    let chromium = Chromium::launch().await;
    // What the host page looks like without the widget.
    let plain = serve_site(format!(
        "<!doctype html><html><head><title>Acme shop</title>{HOSTILE_CSS}</head><body><h1 id=title>Acme shop</h1><p id=para>Welcome to our shop.</p></body></html>"
    ))
    .await;
    let probe = "JSON.stringify([getComputedStyle(document.body).margin, getComputedStyle(title).fontSize, getComputedStyle(para).fontFamily, \
        title.getBoundingClientRect().top, para.getBoundingClientRect().height, document.styleSheets.length, document.documentElement.scrollHeight])";
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{plain}/")).await;
    let before = page.eval(probe).await;

    let host = serve_site(site(&app.address, &site_key, "")).await;
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{host}/")).await;
    let launcher = page.wait_for("button", "Open chat").await;
    assert_eq!(page.eval(probe).await, before, "the widget changed the host page");
    let look = launcher_style(&page, launcher).await;
    assert_eq!(look, "56px|56px|rgb(37, 99, 235)|15px|0px", "the host page's CSS reached the launcher");

    // On a phone the window fills the screen.
    let phone = chromium.new_page(390).await;
    phone.goto(&format!("{host}/")).await;
    let launcher = phone.wait_for("button", "Open chat").await;
    phone.click(launcher).await;
    let composer = phone.wait_for("textbox", "Message").await;
    let screen = phone.eval("JSON.stringify([innerWidth, innerHeight])").await;
    let window = phone
        .call_on(
            composer,
            "function () { const w = this.ownerDocument.defaultView; return JSON.stringify([w.innerWidth, w.innerHeight]); }",
        )
        .await;
    assert_eq!(window, screen, "the chat window fills a narrow screen");
    let font_size = phone.call_on(composer, "function () { return getComputedStyle(this).fontSize; }").await;
    assert_eq!(font_size, json!("16px"), "no zoom on iOS when the composer takes focus");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    phone.screenshot(&std::env::temp_dir().join("parlor-widget-phone.png")).await;
}

#[tokio::test]
async fn an_admin_sees_the_preview_follow_the_settings_as_they_type() {
    let app = spawn_app_on_public_url().await;
    let (id, _) = workspace(&app).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    page.set_cookies(&app.address, &app.browser.cookie_header()).await;
    page.goto(&format!("{}/app/{id}/widget", app.address)).await;
    page.wait_for_frame_text("Hi there! Ask us anything").await;
    let greeting = page.wait_for("textbox", "Greeting").await;
    page.call_on(greeting, "function () { this.select(); }").await;
    page.focus(greeting).await;
    page.type_text("Bonjour ! Posez-nous vos questions.").await;
    page.wait_for_frame_text("Bonjour ! Posez-nous vos questions.").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    page.screenshot(&std::env::temp_dir().join("parlor-widget-settings.png")).await;
    // Nothing is saved until the admin saves.
    assert_eq!(
        app.query_string("SELECT greeting AS value FROM widget_settings").as_deref(),
        Some("Hi there! Ask us anything, we are happy to help.")
    );
}

#[tokio::test]
async fn nothing_is_lost_or_doubled_when_the_visitors_network_drops() {
    let app = spawn_app_on_public_url().await;
    let (_, site_key) = workspace(&app).await;
    let mut agent = agent_socket(&app).await;
    // The visitor reaches Parlor through a network the test can cut.
    let network = Network::to(&app.address).await;
    let host = serve_site(site(&network.address, &site_key, "")).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    let composer = open_chat_and_send(&page, &host, "First question").await;
    let first = next_from_visitor(&mut agent).await;
    let conversation = first["conversation_id"].as_str().unwrap().to_string();
    page.wait_for_frame_text("Sent").await;

    network.cut();
    page.wait_for_frame_text("You are offline. Reconnecting").await;
    // Typed while offline, and a reply sent meanwhile.
    page.focus(composer).await;
    page.type_text("Typed while offline").await;
    page.press("Enter").await;
    page.wait_for_frame_text("Sending…").await;
    agent.say(Some(&conversation), "Reply sent while you were away").await;
    agent.expect("ack").await;

    network.mend();
    page.wait_for_frame_text("Reply sent while you were away").await;
    let second = next_from_visitor(&mut agent).await;
    assert_eq!(second["body"], "Typed while offline");
    assert_eq!(second["seq"], 3, "after the reply, in order");
    agent.assert_no_message(std::time::Duration::from_millis(1500)).await;
    let html = page.frames_html().await;
    assert_eq!(html.matches("Typed while offline").count(), 1, "shown once");
    assert_eq!(html.matches("Reply sent while you were away").count(), 1, "shown once");
    assert!(!html.contains("data-state=\"sending\""), "every message was acknowledged");
    assert_eq!(app.count("messages"), 3, "stored once each");
}

#[tokio::test]
async fn a_closed_chat_counts_replies_and_shows_typing_and_read_receipts() {
    let app = spawn_app_on_public_url().await;
    let (_, site_key) = workspace(&app).await;
    let mut agent = agent_socket(&app).await;
    let host = serve_site(site(&app.address, &site_key, "")).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{host}/")).await;
    let launcher = page.wait_for("button", "Open chat").await;
    page.click(launcher).await;
    let composer = page.wait_for("textbox", "Message").await;
    page.focus(composer).await;
    page.type_text("Line one").await;
    page.press_shifted("Enter").await;
    page.type_text("Line two").await;
    page.press("Enter").await;
    let message = agent.expect("message").await;
    assert_eq!(message["body"], "Line one\nLine two", "Shift+Enter's new line is kept, Enter sends");
    let conversation = message["conversation_id"].as_str().unwrap().to_string();

    // The agent reads it and starts typing.
    agent.send(json!({"type": "read", "conversation_id": conversation, "seq": 1})).await;
    page.wait_for_frame_text("Read").await;
    agent.send(json!({"type": "typing", "conversation_id": conversation, "typing": true})).await;
    page.wait_for_frame_text("Ada is typing…").await;

    // Closed, the chat counts what arrives.
    page.press("Escape").await;
    page.wait_for("button", "Open chat").await;
    agent.say(Some(&conversation), "Here is your answer").await;
    agent.expect("ack").await;
    let badge = page.wait_for("button", "Open chat, 1 unread").await;
    page.click(badge).await;
    page.wait_for("button", "Close chat").await;
    // Opened, the reply counts as read: the agent is told.
    loop {
        let read = agent.expect("read").await;
        if read["seq"] == 2 {
            assert_eq!(read["reader"]["kind"], "visitor");
            break;
        }
    }
}

#[tokio::test]
async fn the_chat_can_ask_for_an_email_first_and_keeps_keyboard_focus_inside() {
    let app = spawn_app_on_public_url().await;
    let (id, site_key) = workspace(&app).await;
    app.browser
        .post_form(
            &format!("/app/{id}/widget"),
            &[("color", "#fde047"), ("position", "right"), ("greeting", "Hi"), ("reply_time", "minutes"), ("require_email", "on")],
        )
        .await;
    let host = serve_site(site(&app.address, &site_key, "")).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{host}/")).await;
    let launcher = page.wait_for("button", "Open chat").await;
    // A light color gets dark text.
    assert_eq!(page.call_on(launcher, "function () { return getComputedStyle(this).color; }").await, json!("rgb(0, 0, 0)"));
    page.click(launcher).await;
    let email = page.wait_for("textbox", "Your email, so that we can answer you even after you leave").await;
    assert_eq!(page.find("textbox", "Message").await, None, "no composer before the email");
    page.focus(email).await;
    page.type_text("lin@example.com").await;
    page.press("Enter").await;
    let composer = page.wait_for("textbox", "Message").await;
    assert_eq!(app.query_string("SELECT email AS value FROM contacts").as_deref(), Some("lin@example.com"));

    // Tab and Shift+Tab cycle through the window's controls without leaving it.
    page.focus(composer).await;
    let focus_inside = "function () { const d = this.ownerDocument; return d.hasFocus() && d.activeElement !== d.body; }";
    for _ in 0..6 {
        page.press("Tab").await;
        assert_eq!(page.call_on(composer, focus_inside).await, json!(true), "focus left the chat window");
    }
    assert_eq!(
        page.eval("document.activeElement && document.activeElement.tagName").await,
        json!("DIV"),
        "the host page sees focus on the widget"
    );
}

#[tokio::test]
async fn when_the_team_is_away_the_chat_says_so_and_asks_for_an_email_without_blocking() {
    let app = spawn_app_on_public_url().await;
    let (id, site_key) = workspace(&app).await;
    // Open only on a day that is not today, so it is outside business hours now.
    let other_day = ((time::OffsetDateTime::now_utc().weekday().number_days_from_monday() + 3) % 7).to_string();
    let saved = app
        .browser
        .post_form(
            &format!("/app/{id}/settings/availability"),
            &[
                ("hours_enabled", "on"),
                ("time_zone", "Europe/Paris"),
                ("offline_message", "We are back Monday at nine."),
                ("follow_up_minutes", "2"),
                (&format!("open_{other_day}"), "on"),
                (&format!("opens_{other_day}"), "09:00"),
                (&format!("closes_{other_day}"), "17:00"),
            ],
        )
        .await;
    assert_eq!(saved.status(), 303);
    let mut agent = agent_socket(&app).await;
    let host = serve_site(site(&app.address, &site_key, "")).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{host}/")).await;
    page.click(page.wait_for("button", "Open chat").await).await;
    page.wait_for_frame_text("We are away right now").await;
    page.wait_for_frame_text("We are back Monday at nine.").await;

    // The visitor writes at once: the email question does not block the composer.
    let composer = page.wait_for("textbox", "Message").await;
    page.focus(composer).await;
    page.type_text("Can I return a gift?").await;
    page.press("Enter").await;
    assert_eq!(next_from_visitor(&mut agent).await["body"], "Can I return a gift?");
    let email = page.wait_for("textbox", "Leave your email and we will answer you there").await;
    page.focus(email).await;
    page.type_text("lin@example.com").await;
    page.press("Enter").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while app.query_string("SELECT email AS value FROM contacts").is_none() {
        assert!(std::time::Instant::now() < deadline, "the email was not saved");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(app.query_string("SELECT email AS value FROM contacts").as_deref(), Some("lin@example.com"));
    page.wait_for_frame_text("we will answer you at lin@example.com.").await;
    page.screenshot(&std::env::temp_dir().join("parlor-widget-away.png")).await;
    // Once given, the question goes away.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while page.find("textbox", "Leave your email and we will answer you there").await.is_some() {
        assert!(std::time::Instant::now() < deadline, "the email question stayed");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A small PDF, as an agent's reply would carry.
const INVOICE_PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Pastes a PNG drawn in the chat window into `composer`, as a screenshot pasted from the
/// clipboard arrives; returns whether the window took it as a file.
const PASTE_SCREENSHOT: &str = "function () {
    const d = this.ownerDocument, w = d.defaultView, canvas = d.createElement('canvas');
    canvas.width = 360; canvas.height = 200;
    const g = canvas.getContext('2d');
    g.fillStyle = '#0e7490'; g.fillRect(0, 0, 360, 200);
    g.fillStyle = '#fff'; g.font = 'bold 30px sans-serif'; g.fillText('Order #1234 failed', 24, 110);
    return new Promise((done) => canvas.toBlob(done, 'image/png')).then((blob) => {
        const clipboard = new w.DataTransfer();
        clipboard.items.add(new w.File([blob], 'order-error.png', { type: 'image/png' }));
        const paste = new w.ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true });
        this.dispatchEvent(paste);
        return paste.defaultPrevented;
    });
}";

/// Whether the chat window has fetched its upload code yet.
const UPLOAD_CODE_LOADED: &str = "function () { return this.ownerDocument.defaultView.performance.getEntriesByType('resource').some((r) => r.name.includes('/upload.js')); }";

#[tokio::test]
async fn a_visitor_pastes_a_screenshot_and_gets_a_pdf_back() {
    let app = spawn_app_on_public_url().await;
    let (id, site_key) = workspace(&app).await;
    let mut agent = agent_socket(&app).await;
    let host = serve_site(site(&app.address, &site_key, "")).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{host}/")).await;
    page.click(page.wait_for("button", "Open chat").await).await;
    let composer = page.wait_for("textbox", "Message").await;
    page.wait_for("button", "Attach a file").await;
    assert_eq!(page.call_on(composer, UPLOAD_CODE_LOADED).await, json!(false), "the upload code waits for a first file");

    // A screenshot pasted into the composer uploads at once and waits to be sent.
    page.focus(composer).await;
    assert_eq!(page.call_on(composer, PASTE_SCREENSHOT).await, json!(true), "the paste was taken as a file");
    page.wait_for("button", "Remove order-error.png").await;
    page.wait_for_frame_text("Ready to send").await;
    page.screenshot(&std::env::temp_dir().join("parlor-widget-upload-ready.png")).await;
    assert_eq!(page.call_on(composer, UPLOAD_CODE_LOADED).await, json!(true));
    let stored = app.query_string("SELECT content_type || ' ' || (message_id IS NULL) AS value FROM uploads").unwrap();
    assert_eq!(stored, "image/png true", "uploaded, and not yet in a message");

    // Sent with no text: the file is the message.
    page.focus(composer).await;
    page.press("Enter").await;
    let message = next_from_visitor(&mut agent).await;
    assert_eq!(message["body"], "");
    let conversation = message["conversation_id"].as_str().unwrap().to_string();
    let attachment = &message["attachments"][0];
    assert_eq!(attachment["content_type"], "image/png");
    assert_eq!(attachment["name"], "order-error.png");
    assert_eq!(attachment["width"], 360);
    assert!(attachment["thumbnail_url"].as_str().unwrap().starts_with(&app.address), "{attachment}");
    assert_eq!(app.count("messages"), 1);
    assert_eq!(
        app.query_string("SELECT count(*)::text AS value FROM uploads JOIN messages ON messages.id = uploads.message_id").as_deref(),
        Some("1"),
        "the upload belongs to the stored message"
    );
    assert_eq!(page.find("button", "Remove order-error.png").await, None, "sending empties the list");

    // The visitor's own message shows the picture, loaded under the window's CSP.
    let picture = page.wait_for("image", "order-error.png").await;
    let probe = "function () { return new Promise((done) => { const check = () => this.complete ? done([this.naturalWidth, this.parentNode.target, this.parentNode.rel, this.parentNode.href]) : setTimeout(check, 50); check(); }); }";
    let loaded = page.call_on(picture, probe).await;
    assert_eq!(loaded[0], json!(360), "the thumbnail loaded: {loaded}");
    assert_eq!(loaded[1], "_blank");
    assert_eq!(loaded[2], "noopener noreferrer");
    assert_eq!(loaded[3], attachment["url"], "the thumbnail opens the whole picture");

    // The agent answers with a PDF, uploaded from the inbox.
    let boundary = "parlor-test-boundary";
    let mut form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"invoice <1234>.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    form.extend_from_slice(INVOICE_PDF);
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let uploaded = app
        .browser
        .client
        .post(format!("{}/app/{id}/uploads", app.address))
        .header("x-csrf-token", app.browser.csrf_token().await)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 201);
    let upload: serde_json::Value = uploaded.json().await.unwrap();
    agent
        .send(json!({"type": "send", "client_id": uuid::Uuid::now_v7().to_string(), "conversation_id": conversation,
            "body": "Here is your invoice.", "attachments": [upload["upload_id"]]}))
        .await;
    agent.expect("ack").await;
    page.wait_for_frame_text("Here is your invoice.").await;
    page.wait_for_frame_text("invoice &lt;1234&gt;.pdf").await;
    let link = page
        .call_on(
            composer,
            "function () { const a = this.ownerDocument.querySelector('.them a.file'); return a && [a.href, a.textContent, a.getAttribute('download')]; }",
        )
        .await;
    assert_eq!(link[1], "invoice <1234>.pdf142 B", "the link names the file and its size: {link}");
    assert_eq!(link[2], "invoice <1234>.pdf");
    let download = reqwest::get(link[0].as_str().unwrap()).await.unwrap();
    assert_eq!(download.status(), 200);
    let disposition = download.headers()["content-disposition"].to_str().unwrap().to_string();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert_eq!(download.bytes().await.unwrap().as_ref(), INVOICE_PDF);

    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    page.screenshot(&std::env::temp_dir().join("parlor-widget-files.png")).await;

    // A file past the limit is refused with the reason (and no Retry, which cannot help); the
    // message waits until it is removed, and then goes without it.
    let too_large = "function () {
        const w = this.ownerDocument.defaultView, clipboard = new w.DataTransfer();
        clipboard.items.add(new w.File([new Uint8Array(26 * 1024 * 1024)], 'backup.zip', { type: 'application/zip' }));
        const paste = new w.ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true });
        this.dispatchEvent(paste);
        return paste.defaultPrevented;
    }";
    page.focus(composer).await;
    assert_eq!(page.call_on(composer, too_large).await, json!(true));
    page.wait_for_frame_text("This file is larger than 25 MB.").await;
    page.wait_for("button", "Remove backup.zip").await;
    assert_eq!(page.find("button", "Retry backup.zip").await, None);
    page.type_text("And my backup").await;
    page.press("Enter").await;
    page.wait_for_frame_text("Remove the files that could not be uploaded (or retry them), then send.").await;
    while let Some(frame) = agent.next_within(std::time::Duration::from_secs(1)).await {
        assert!(frame["type"] != "message" || frame["author"]["kind"] != "visitor", "sent with a failed file: {frame}");
    }
    page.screenshot(&std::env::temp_dir().join("parlor-widget-upload-refused.png")).await;
    page.click(page.wait_for("button", "Remove backup.zip").await).await;
    assert_eq!(page.find("button", "Remove backup.zip").await, None);
    assert_eq!(
        page.call_on(composer, "function () { return this.ownerDocument.activeElement === this; }").await,
        json!(true),
        "focus goes back to the message"
    );
    page.press("Enter").await;
    let text_only = next_from_visitor(&mut agent).await;
    assert_eq!(text_only["body"], "And my backup");
    assert!(text_only.get("attachments").is_none(), "{text_only}");
    assert_eq!(app.count("uploads"), 2, "nothing of the refused file was stored");
}

/// Drops `name` (a small text file) on the conversation, as a file dragged from the desktop;
/// returns whether the window took the drag and the drop rather than letting the browser open
/// the file.
fn drop_file(name: &str) -> String {
    format!(
        "function () {{
        const d = this.ownerDocument, w = d.defaultView, dragged = new w.DataTransfer();
        dragged.items.add(new w.File(['Order 1234: the parcel never came.'], '{name}', {{ type: 'text/plain' }}));
        const over = new w.DragEvent('dragover', {{ dataTransfer: dragged, bubbles: true, cancelable: true }});
        d.querySelector('.log').dispatchEvent(over);
        const drop = new w.DragEvent('drop', {{ dataTransfer: dragged, bubbles: true, cancelable: true }});
        d.querySelector('.log').dispatchEvent(drop);
        return [over.defaultPrevented, drop.defaultPrevented];
    }}"
    )
}

#[tokio::test]
async fn files_dropped_while_offline_wait_or_retry_and_then_go() {
    let app = spawn_app_on_public_url().await;
    let (_, site_key) = workspace(&app).await;
    let mut agent = agent_socket(&app).await;
    let network = Network::to(&app.address).await;
    let host = serve_site(site(&network.address, &site_key, "")).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{host}/")).await;
    page.click(page.wait_for("button", "Open chat").await).await;
    let composer = page.wait_for("textbox", "Message").await;

    // Offline before the upload code ever loaded: the file waits, and goes once back online.
    network.cut();
    page.wait_for_frame_text("You are offline. Reconnecting").await;
    assert_eq!(page.call_on(composer, &drop_file("notes.txt")).await, json!([true, true]), "the window takes the drop");
    page.wait_for_frame_text("You seem to be offline: your files will be added when you are back.").await;
    network.mend();
    page.wait_for("button", "Remove notes.txt").await;
    page.wait_for_frame_text("Ready to send").await;

    // Offline while uploading: the file says why and offers Retry.
    network.cut();
    assert_eq!(page.call_on(composer, &drop_file("receipt.txt")).await, json!([true, true]));
    page.wait_for_frame_text("You seem to be offline. Retry when you are back.").await;
    let retry = page.wait_for("button", "Retry receipt.txt").await;
    assert_eq!(app.count("uploads"), 1);
    page.screenshot(&std::env::temp_dir().join("parlor-widget-upload-offline.png")).await;
    network.mend();
    page.click(retry).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while page.frames_html().await.matches("Ready to send").count() < 2 {
        assert!(std::time::Instant::now() < deadline, "the retried file did not upload");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    page.focus(composer).await;
    page.type_text("Here are my notes").await;
    page.press("Enter").await;
    let message = next_from_visitor(&mut agent).await;
    assert_eq!(message["body"], "Here are my notes");
    let names: Vec<_> = message["attachments"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["notes.txt", "receipt.txt"], "in the order attached");
    assert_eq!(message["attachments"][0]["content_type"], "text/plain");
    assert!(message["attachments"][0].get("thumbnail_url").is_none(), "{message}");
    // The visitor's own message links the files for download.
    page.wait_for_frame_text("download=\"receipt.txt\"").await;
    assert_eq!(app.count("uploads"), 2);
}

#[tokio::test]
async fn a_returning_visitor_starts_a_second_conversation_and_the_agent_sees_both() {
    let app = spawn_app_on_public_url().await;
    let (workspace_id, site_key) = workspace(&app).await;
    let mut agent = agent_socket(&app).await;
    let host = serve_site(site(&app.address, &site_key, "")).await;
    let chromium = Chromium::launch().await;
    // A phone.
    let page = chromium.new_page(390).await;
    let composer = open_chat_and_send(&page, &host, "My first question").await;
    let first = next_from_visitor(&mut agent).await["conversation_id"].as_str().unwrap().to_string();
    agent.say(Some(&first), "Answer to the first").await;
    agent.expect("ack").await;
    page.wait_for_frame_text("Answer to the first").await;
    let list_code_loaded = "function () { return this.ownerDocument.defaultView.performance.getEntriesByType('resource').some((r) => r.name.includes('/conversations.js')); }";
    assert_eq!(page.call_on(composer, list_code_loaded).await, json!(false), "the list's code waits until it is asked for");
    // The list is reachable as soon as the first conversation exists, without a reload.
    page.wait_for("button", "Your conversations").await;

    // The visitor comes back another day: their conversation is there.
    page.goto(&format!("{host}/")).await;
    let launcher = page.wait_for("button", "Open chat").await;
    page.click(launcher).await;
    page.wait_for_frame_text("Answer to the first").await;
    let conversations = page.wait_for("button", "Your conversations").await;
    page.click(conversations).await;
    page.wait_for("button", "Answer to the first").await;
    let start = page.wait_for("button", "New conversation").await;
    page.click(start).await;
    let composer = page.wait_for("textbox", "Message").await;
    page.focus(composer).await;
    page.type_text("A second question").await;
    page.press("Enter").await;
    let second = next_from_visitor(&mut agent).await;
    assert_eq!(second["body"], "A second question");
    assert_eq!(second["seq"], 1, "the first message of a new conversation");
    let second = second["conversation_id"].as_str().unwrap().to_string();
    assert_ne!(second, first);

    // The agent's inbox lists both, for the one contact.
    let inbox = app.browser.get_html(&format!("/app/{workspace_id}/inbox?view=all")).await;
    assert!(inbox.contains(&first) && inbox.contains(&second), "both conversations in the inbox");
    assert_eq!(app.query_string("SELECT count(DISTINCT contact_id)::text AS value FROM conversations").as_deref(), Some("1"));

    // Both are in the visitor's list, newest first; the older one opens with its history and
    // takes the next message.
    let conversations = page.wait_for("button", "Your conversations").await;
    page.click(conversations).await;
    page.wait_for("button", "You: A second question").await;
    let older = page.wait_for("button", "Answer to the first").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    page.screenshot(&std::env::temp_dir().join("parlor-widget-conversations.png")).await;
    page.click(older).await;
    page.wait_for_frame_text("My first question").await;
    let composer = page.wait_for("textbox", "Message").await;
    page.focus(composer).await;
    page.type_text("Back to the first").await;
    page.press("Enter").await;
    let back = next_from_visitor(&mut agent).await;
    assert_eq!(back["conversation_id"], json!(first));
    assert_eq!(back["seq"], 3);

    // Emailed: the chat asks for the address it does not know, once.
    let mail = page.wait_for("button", "Email me this conversation").await;
    page.click(mail).await;
    let address = page.wait_for("textbox", "Email this conversation to").await;
    page.focus(address).await;
    page.type_text("lin@example.com").await;
    page.press("Enter").await;
    page.wait_for_frame_text("We sent this conversation to lin@example.com.").await;
    let email = app.wait_for_email("lin@example.com", "Your conversation with").await;
    assert!(email.text.contains("My first question") && email.text.contains("Back to the first"), "{}", email.text);
    assert!(!email.text.contains("A second question"), "only this conversation:\n{}", email.text);
}

#[tokio::test]
async fn the_chat_shows_the_agents_avatar_next_to_their_reply_and_in_its_header() {
    let app = spawn_app_on_public_url().await;
    let (_, site_key) = workspace(&app).await;
    let avatar = crate::avatars::uploads_avatar(&app.browser, crate::avatars::red_and_blue(400, 300)).await;
    let mut agent = agent_socket(&app).await;
    let host = serve_site(site(&app.address, &site_key, "")).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{host}/")).await;
    let launcher = page.wait_for("button", "Open chat").await;
    page.click(launcher).await;
    page.wait_for("button", "Close chat").await;
    let composer = page.wait_for("textbox", "Message").await;
    page.focus(composer).await;
    page.type_text("Who am I talking to?").await;
    page.press("Enter").await;
    let conversation = next_from_visitor(&mut agent).await["conversation_id"].as_str().unwrap().to_string();
    agent.say(Some(&conversation), "Ada, from the team.").await;
    agent.expect("ack").await;
    page.wait_for_frame_text("Ada, from the team.").await;

    // Loaded (in the chat's frame, where the composer is), from Parlor, under the frame's policy: its 64-pixel copy, in the reply and the header.
    let (stem, extension) = avatar.rsplit_once('.').unwrap();
    let expected = format!("{}{stem}-64.{extension}", app.address);
    let loaded = |selector: &str| {
        format!(
            "function () {{ const img = this.ownerDocument.querySelector('{selector}'); \
             return img && img.complete ? img.naturalWidth + '|' + img.src : ''; }}"
        )
    };
    for selector in [".log .who .avatar img", ".avatars .avatar img"] {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let shown = page.call_on(composer, &loaded(selector)).await;
            if shown == json!(format!("64|{expected}")) {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "{selector} shows {shown}, not {expected}");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    page.screenshot(&std::env::temp_dir().join("parlor-widget-avatar.png")).await;
}

#[tokio::test]
async fn a_visitor_rates_a_resolved_conversation_in_the_widget_and_the_inbox_and_reports_show_it() {
    let app = spawn_app_on_public_url().await;
    let (workspace, site_key) = workspace(&app).await;
    let mut agent = agent_socket(&app).await;
    let host = serve_site(site(&app.address, &site_key, "")).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    open_chat_and_send(&page, &host, "My parcel never came").await;
    let conversation = next_from_visitor(&mut agent).await["conversation_id"].as_str().unwrap().to_string();
    page.wait_for_frame_text("Sent").await;

    // The agent has the conversation open in the inbox, and resolves it.
    let inbox = chromium.new_page(1400).await;
    inbox.set_cookies(&app.address, &app.browser.cookie_header()).await;
    inbox.goto(&format!("{}/app/{workspace}/inbox/{conversation}", app.address)).await;
    inbox.wait_for_text("Not rated yet.").await;
    let resolved = app.browser.post_form(&format!("/app/{workspace}/inbox/{conversation}/status"), &[("status", "resolved")]).await;
    assert_eq!(resolved.status(), reqwest::StatusCode::SEE_OTHER);

    // The widget asks, with a button per score named for screen readers.
    page.bring_to_front().await;
    page.wait_for_frame_text("How was this conversation?").await;
    let four = page.wait_for("button", "Rate 4 of 5").await;
    page.click(four).await;
    page.wait_for_frame_text("Thanks for your feedback").await;
    page.wait_for("textbox", "Add a comment (optional)").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app
        .query_string(&format!("SELECT score::text AS value FROM conversation_ratings WHERE conversation_id = '{conversation}'"))
        .as_deref()
        != Some("4")
    {
        assert!(std::time::Instant::now() < deadline, "the rating was never stored");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    page.screenshot(&std::env::temp_dir().join("parlor-widget-rating.png")).await;

    // The open inbox shows it live, and the page shows it when loaded again.
    inbox.bring_to_front().await;
    inbox.wait_for_text("Rated 4 out of 5").await;
    inbox.goto(&format!("{}/app/{workspace}/inbox/{conversation}", app.address)).await;
    inbox.wait_for_text("Rated 4 out of 5").await;
    assert!(inbox.eval("document.getElementById('conv-rating').textContent").await.as_str().unwrap().contains("4/5"));

    // The visitor adds a comment; the reports page counts the rating and quotes the comment.
    page.bring_to_front().await;
    let comment = page.wait_for("textbox", "Add a comment (optional)").await;
    page.focus(comment).await;
    page.type_text("Quick and kind").await;
    let send = page.wait_for("button", "Send comment").await;
    page.click(send).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app
        .query_string(&format!("SELECT comment AS value FROM conversation_ratings WHERE conversation_id = '{conversation}'"))
        .as_deref()
        != Some("Quick and kind")
    {
        assert!(std::time::Instant::now() < deadline, "the comment was never stored");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    inbox.bring_to_front().await;
    inbox.goto(&format!("{}/app/{workspace}/reports?range=today", app.address)).await;
    inbox.wait_for_text("Quick and kind").await;
    let cards = inbox.eval("document.querySelector('.report-cards').textContent").await;
    assert!(cards.as_str().unwrap().contains("100%"), "one rating of 4 is 100% satisfied: {cards}");
    let resolved = inbox.eval("document.querySelector('.days-table').textContent").await;
    assert!(resolved.as_str().is_some_and(|text| text.contains('1')), "{resolved}");
    inbox.screenshot(&std::env::temp_dir().join("parlor-reports-rated.png")).await;
}

/// The visitor opens the site at `host`, opens the chat and sends `text` with Enter; returns the
/// composer.
async fn open_chat_and_send(page: &crate::chromium::Page, host: &str, text: &str) -> crate::chromium::BackendNodeId {
    page.goto(&format!("{host}/")).await;
    let launcher = page.wait_for("button", "Open chat").await;
    page.click(launcher).await;
    let composer = page.wait_for("textbox", "Message").await;
    page.focus(composer).await;
    page.type_text(text).await;
    page.press("Enter").await;
    composer
}

#[tokio::test]
async fn a_server_restart_1012_brings_the_widget_straight_back_without_showing_it_offline() {
    let app = spawn_app_on_public_url().await;
    let (_, site_key) = workspace(&app).await;
    let mut agent = agent_socket(&app).await;
    let host = serve_site(site(&app.address, &site_key, "")).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    open_chat_and_send(&page, &host, "First question").await;
    let first = next_from_visitor(&mut agent).await;
    let conversation = first["conversation_id"].as_str().unwrap().to_string();
    let contact = parlor::db::ContactId(first["author"]["id"].as_str().unwrap().parse().unwrap());
    page.wait_for_frame_text("Sent").await;

    // What an instance does to its sockets on SIGTERM: close them with 1012 (service restart).
    let hub = &app.state.realtime.hub;
    assert!(hub.visitor_connected(contact));
    assert!(hub.reconnect_all() >= 2, "the visitor's socket and the agent's");
    // With a backoff the chat would show "Reconnecting" for at least a quarter of a second; a
    // 1012 brings it back at once, and the visitor never sees it offline.
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_millis(1500) {
        let html = page.frames_html().await;
        assert!(!html.contains("Reconnecting"), "the widget showed itself offline after a 1012:\n{html}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(hub.visitor_connected(contact), "the widget is connected again");
    let mut agent = agent_socket(&app).await;
    agent.say(Some(&conversation), "Still here after the restart").await;
    page.wait_for_frame_text("Still here after the restart").await;
}
