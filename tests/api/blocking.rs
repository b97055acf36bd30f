//! Blocking a contact: any member blocks from the contact panel or the REST API; the visitor's
//! sockets close on every instance, their token and their verified identity are refused a new
//! widget session, and replies to them store nothing. Only owners and admins lift a block, and
//! every change is in the audit log. Another workspace's contact answers 404 on every route.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    helpers::{Member, Person, Role, TestApp, TestWorkspace, spawn_app, spawn_instance_of},
    rest_api::{Api, create_key},
    socket_client::{Ended, Socket},
};
use parlor::realtime::revocation::CLOSE_REVOKED;

/// `POST /api/widget/v1/sessions` with `body`; the status and the JSON answer.
async fn start_session(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/sessions", app.address))
        .header("content-type", "text/plain")
        .body(body.to_string())
        .send()
        .await
        .expect("POST sessions");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A visitor whose website signed their identity (`user-7`): their token, contact id, an open
/// socket on `on`, and the conversation they started.
struct Identified {
    token: String,
    contact_id: String,
    socket: Socket,
    conversation: String,
}

fn identity(workspace: &TestWorkspace<'_>, secret: &str) -> Value {
    json!({"site_key": workspace.site_key, "user": {"id": "user-7", "name": "Mallory", "email": "mallory@example.com",
        "user_hash": parlor::widget::settings::identity_hash(secret, "user-7")}})
}

async fn identified_visitor_says(on: &TestApp, workspace: &TestWorkspace<'_>, secret: &str, body: &str) -> Identified {
    let (status, session) = start_session(workspace.app, identity(workspace, secret)).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    let token = session["visitor_token"].as_str().expect("a token").to_string();
    let (mut socket, _) = Socket::visitor(on, &token, json!({})).await;
    socket.say(None, body).await;
    let conversation = socket.expect("ack").await["conversation_id"].as_str().expect("a conversation").to_string();
    Identified { token, contact_id: session["visitor_id"].as_str().expect("an id").to_string(), socket, conversation }
}

/// A member's press of Block (or Unblock) in the contact panel of `conversation`.
async fn press(member: &Member<'_>, action: &str, contact: &str, conversation: &str) -> reqwest::Response {
    let path = format!("/app/{}/contacts/{contact}/{action}", member.workspace);
    member.browser.post_form(&path, &[("conversation_id", conversation)]).await
}

fn error_message(body: &Value) -> String {
    body["error"]["message"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn an_agent_blocks_a_contact_their_socket_closes_everywhere_and_nothing_of_theirs_is_accepted() {
    let app = spawn_app().await;
    let other_instance = spawn_instance_of(&app, |_| {}).await;
    let workspace = app.sign_up_workspace().await;
    let secret = workspace.identity_secret().await;
    let grace = workspace.add_member(Role::Agent).await;
    let key = create_key(&workspace.owner.browser, &workspace.id, "CRM").await;
    // The visitor chats through the other instance: the block must reach it.
    let mut visitor = identified_visitor_says(&other_instance, &workspace, &secret, "Buy cheap watches").await;
    let bystander_token = crate::socket_client::widget_session(&app, &workspace.site_key).await.0;

    let response = press(&grace, "block", &visitor.contact_id, &visitor.conversation).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());

    match visitor.socket.ended().await {
        Ended::Closed(Some((code, reason))) => {
            assert_eq!(u16::from(code), CLOSE_REVOKED);
            assert_eq!(reason, "contact blocked");
        }
        other => panic!("the socket should close as revoked, got {other:?}"),
    }
    // The old token: no new session (and no fresh anonymous contact in its place).
    let contacts_before = app.count("contacts");
    let (status, body) = start_session(&app, json!({"site_key": workspace.site_key, "visitor_token": visitor.token})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(error_message(&body).contains("blocked"), "{body}");
    // The same verified identity from another device, without the token.
    let (status, body) = start_session(&app, identity(&workspace, &secret)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(error_message(&body).contains("blocked"), "{body}");
    assert_eq!(app.count("contacts"), contacts_before, "a refused session creates no contact");
    assert_eq!(
        app.count("visitor_sessions WHERE revoked_at IS NULL AND contact_id = (SELECT id FROM contacts WHERE external_id = 'user-7')"),
        0
    );
    // The token no longer opens a socket.
    let mut socket = Socket::open(&app.address, &[]).await;
    socket.send(json!({"type": "hello", "visitor_token": visitor.token})).await;
    let refused = socket.next().await;
    assert_eq!(refused["type"], "error", "{refused}");

    // A reply to them through the REST API is refused and stores nothing; a note is fine.
    let api = Api { app: &app, key };
    let messages_before = app.count("messages");
    let path = format!("/api/v1/conversations/{}/messages", visitor.conversation);
    let (status, body) = api.call(reqwest::Method::POST, &path, Some(json!({"body": "Hello again"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(error_message(&body).contains("blocked"), "{body}");
    assert_eq!(app.count("messages"), messages_before);
    let (status, _) = api.call(reqwest::Method::POST, &path, Some(json!({"body": "Spam again", "private": true}))).await;
    assert_eq!(status, StatusCode::CREATED);
    // The reply box without JavaScript says why.
    let reply = grace.browser.post_form(&format!("/app/{}/inbox/{}/reply", workspace.id, visitor.conversation), &[("body", "Hi")]).await;
    assert_eq!(reply.status(), StatusCode::FORBIDDEN);
    assert!(reply.text().await.unwrap().contains("This contact is blocked"));
    assert_eq!(app.count("messages"), messages_before + 1, "only the note is stored");

    // Other visitors are untouched.
    let (status, _) = start_session(&app, json!({"site_key": workspace.site_key, "visitor_token": bystander_token})).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_contact_panel_shows_who_blocked_and_only_owners_and_admins_may_unblock() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let secret = workspace.identity_secret().await;
    let grace = workspace.add_member_named("Grace Hopper", Role::Agent).await;
    let visitor = identified_visitor_says(&app, &workspace, &secret, "Buy cheap watches").await;
    let page = format!("/app/{}/inbox/{}", workspace.id, visitor.conversation);

    let before = grace.browser.get_html(&page).await;
    assert!(before.contains("Block contact") && !before.contains("contact-blocked"), "{before}");
    press(&grace, "block", &visitor.contact_id, &visitor.conversation).await;

    let agents_view = grace.browser.get_html(&page).await;
    assert!(agents_view.contains("Blocked</span> by Grace Hopper"), "{agents_view}");
    assert!(agents_view.contains("Only owners and admins can unblock"));
    assert!(!agents_view.contains(">Unblock</button>"));
    let contact_page = grace.browser.get_html(&format!("/app/{}/contacts/{}", workspace.id, visitor.contact_id)).await;
    assert!(contact_page.contains("Blocked</span> since"), "the contact's page says so too: {contact_page}");
    let response = press(&grace, "unblock", &visitor.contact_id, &visitor.conversation).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let (status, _) = start_session(&app, identity(&workspace, &secret)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "still blocked");

    let owners_view = workspace.owner.browser.get_html(&page).await;
    assert!(owners_view.contains(">Unblock</button>"), "{owners_view}");
    let response = press(&workspace.owner, "unblock", &visitor.contact_id, &visitor.conversation).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let after = workspace.owner.browser.get_html(&crate::helpers::location(&response)).await;
    assert!(after.contains("The contact is unblocked") && !after.contains("contact-blocked"), "{after}");

    // Their verified identity starts a session again, on the same contact, and may write.
    let (status, session) = start_session(&app, identity(&workspace, &secret)).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    assert_eq!(session["visitor_id"], visitor.contact_id.as_str());
    let (mut socket, _) = Socket::visitor(&app, session["visitor_token"].as_str().unwrap(), json!({})).await;
    socket.say(Some(&visitor.conversation), "Sorry about that").await;
    socket.expect("ack").await;

    let log = workspace.owner.browser.get_html(&format!("/app/{}/settings/audit", workspace.id)).await;
    assert!(log.contains("Blocked a contact") && log.contains("Grace Hopper"), "{log}");
    assert!(log.contains("Unblocked a contact") && log.contains("Ada"), "{log}");
}

#[tokio::test]
async fn the_rest_api_blocks_and_unblocks_and_an_agents_key_cannot_unblock() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let (mut visitor, _) = workspace.visitor_says("Hello").await;
    let admin = workspace.add_member_named("Alan", Role::Admin).await;
    let admins_key = create_key(&admin.browser, &workspace.id, "Moderation").await;
    let api = Api { app: &app, key: admins_key };
    let contact = visitor.contact_id.clone();

    let (status, blocked) = api.call(reqwest::Method::POST, &format!("/api/v1/contacts/{contact}/block"), None).await;
    assert_eq!(status, StatusCode::OK, "{blocked}");
    assert!(blocked["blocked_at"].is_string(), "{blocked}");
    assert!(blocked["blocked_by"].is_string(), "{blocked}");
    assert!(matches!(visitor.socket.ended().await, Ended::Closed(Some(_))));
    let (_, listed) = api.call(reqwest::Method::GET, "/api/v1/contacts", None).await;
    assert_eq!(listed["data"][0]["blocked_at"], blocked["blocked_at"]);
    // Again: nothing changes, and the log does not count it twice.
    let (status, again) = api.call(reqwest::Method::POST, &format!("/api/v1/contacts/{contact}/block"), None).await;
    assert_eq!((status, &again["blocked_at"]), (StatusCode::OK, &blocked["blocked_at"]));
    assert_eq!(app.count("audit_events WHERE action = 'contact.blocked'"), 1);

    // Alan becomes an agent: his key may still block, not unblock.
    let alan = workspace.user_id("Alan").await;
    let response = workspace.owner.browser.post_form(&format!("/app/{}/team/{alan}/role", workspace.id), &[("role", "agent")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
    let (status, body) = api.call(reqwest::Method::POST, &format!("/api/v1/contacts/{contact}/unblock"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(error_message(&body).contains("owners and admins"), "{body}");

    let owners = Api { app: &app, key: create_key(&workspace.owner.browser, &workspace.id, "Owner's").await };
    let (status, unblocked) = owners.call(reqwest::Method::POST, &format!("/api/v1/contacts/{contact}/unblock"), None).await;
    assert_eq!(status, StatusCode::OK, "{unblocked}");
    assert_eq!((unblocked["blocked_at"].clone(), unblocked["blocked_by"].clone()), (Value::Null, Value::Null));
    let (status, _) = start_session(&app, json!({"site_key": workspace.site_key, "visitor_token": visitor.token})).await;
    assert_eq!(status, StatusCode::OK, "unblocked, the old token starts a new session (on a new contact, as any revoked token)");
    assert_eq!(app.count("audit_events WHERE action = 'contact.unblocked'"), 1);
}

#[tokio::test]
async fn another_workspace_cannot_block_or_unblock_a_contact() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let (mut visitor, conversation) = workspace.visitor_says("Hello").await;
    let eve_browser = app.new_browser();
    let eve = app.sign_up_workspace_as(&eve_browser, Person::new("Eve")).await;
    let eves_key = create_key(&eve.owner.browser, &eve.id, "Eve's").await;
    let eves_api = Api { app: &app, key: eves_key };
    let contact = visitor.contact_id.clone();

    // Through Eve's own workspace, and through Ada's, which Eve is not a member of.
    for target in [&eve.id, &workspace.id] {
        for action in ["block", "unblock"] {
            let path = format!("/app/{target}/contacts/{contact}/{action}");
            let response = eve.owner.browser.post_form(&path, &[("conversation_id", &conversation)]).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        }
    }
    for action in ["block", "unblock"] {
        let (status, _) = eves_api.call(reqwest::Method::POST, &format!("/api/v1/contacts/{contact}/{action}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{action}");
    }
    // Nothing happened to the visitor.
    visitor.socket.send(json!({"type": "ping"})).await;
    assert_eq!(visitor.socket.expect("pong").await["type"], "pong");
    let (status, _) = start_session(&app, json!({"site_key": workspace.site_key, "visitor_token": visitor.token})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.count("audit_events WHERE action LIKE 'contact.%blocked'"), 0);
}

#[tokio::test]
async fn blocking_from_the_contact_panel_takes_the_chat_off_the_visitors_page() {
    use crate::{chromium::Chromium, helpers::spawn_app_on_public_url, sites::serve_site};
    let app = spawn_app_on_public_url().await;
    let workspace = app.sign_up_workspace().await;
    let site = serve_site(format!(
        "<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>\
         <script src=\"{}/widget.js\" data-site-key=\"{}\" async></script></body></html>",
        app.address, workspace.site_key
    ))
    .await;
    let chromium = Chromium::launch().await;
    let visitor = chromium.new_page(1280).await;
    visitor.goto(&format!("{site}/")).await;
    let launcher = visitor.wait_for("button", "Open chat").await;
    visitor.click(launcher).await;
    let message = visitor.wait_for("textbox", "Message").await;
    visitor.focus(message).await;
    visitor.type_text("Buy cheap watches").await;
    visitor.press("Enter").await;
    let conversation = loop {
        if let Some(id) = app.query_string("SELECT conversation_id::text AS value FROM messages LIMIT 1") {
            break id;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };

    let agent = chromium.new_page(1400).await;
    agent.set_cookies(&app.address, &workspace.owner.browser.cookie_header()).await;
    agent.goto(&format!("{}/app/{}/inbox/{conversation}", app.address, workspace.id)).await;
    agent.wait_for_text("Buy cheap watches").await;
    // The browser's confirm() is answered yes; the question is the form's data-confirm.
    agent.eval("window.confirm = function (q) { sessionStorage.setItem('asked', q); return true; }").await;
    // The Block button is behind a disclosure that says what blocking does.
    assert!(agent.find("button", "Block contact").await.is_none(), "hidden until the disclosure opens");
    agent.eval("document.querySelector('.block-contact summary').click()").await;
    let block = agent.wait_for("button", "Block contact").await;
    agent.click(block).await;
    agent.wait_for_text("The contact is blocked").await;
    let asked = agent.eval("sessionStorage.getItem('asked')").await;
    assert!(asked.as_str().is_some_and(|q| q.starts_with("Block ") && q.contains("unblocks them")), "{asked}");
    agent.wait_for("button", "Unblock").await;
    assert_eq!(agent.eval("document.getElementById('contact-blocked').innerText.includes('by Ada')").await, json!(true));
    agent.screenshot(&std::env::temp_dir().join("parlor-contact-blocked.png")).await;

    // The chat leaves the visitor's page at once, and stays off after a reload.
    visitor.wait_until("document.querySelector('[data-parlor-widget]') === null").await;
    visitor.goto(&format!("{site}/")).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(visitor.eval("document.querySelector('[data-parlor-widget]') === null").await, json!(true));
}

#[tokio::test]
async fn an_agents_socket_opened_before_the_block_cannot_reply_but_can_still_write_a_note() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let secret = workspace.identity_secret().await;
    let visitor = identified_visitor_says(&app, &workspace, &secret, "Buy cheap watches").await;
    // The agent's inbox is open, its socket connected, before anyone blocks the contact.
    let mut agent = Socket::agent(&app, &workspace.owner.browser).await;
    let response = press(&workspace.owner, "block", &visitor.contact_id, &visitor.conversation).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let messages_before = app.count("messages");
    let client_id = agent.say(Some(&visitor.conversation), "Are you still there?").await;
    let refused = agent.expect("error").await;
    assert_eq!(refused["code"], "forbidden", "{refused}");
    assert_eq!(refused["client_id"], client_id.as_str());
    assert!(refused["message"].as_str().unwrap_or_default().contains("This contact is blocked"), "{refused}");
    assert_eq!(app.count("messages"), messages_before, "the refused reply stores nothing");

    let note_id = uuid::Uuid::now_v7().to_string();
    agent
        .send(json!({"type": "send", "client_id": note_id, "conversation_id": visitor.conversation, "body": "Spammer", "private": true}))
        .await;
    let ack = agent.expect("ack").await;
    assert_eq!(ack["client_id"], note_id.as_str());
    assert_eq!(app.count("messages"), messages_before + 1, "the note is stored");

    // Unblocked, the same socket replies again.
    let response = press(&workspace.owner, "unblock", &visitor.contact_id, &visitor.conversation).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let again = agent.say(Some(&visitor.conversation), "Welcome back").await;
    assert_eq!(agent.expect("ack").await["client_id"], again.as_str());
}
