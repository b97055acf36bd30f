//! API key scopes: chosen at creation and listed; `read`, `write` and `admin` each refused (403,
//! naming the scope) where missing; `admin` only while the creator is still an admin; every key
//! of a creator who left refused (401). And what the API answers outside its operations: 405
//! with `Allow` for other methods, 401 before any look at the body.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    helpers::{Browser, Person, Role, TestApp, link_path, location, spawn_app, unescape_html},
    rest_api::{Api, create_key_with, setup},
    socket_client::{Socket, widget_session},
    team::{invite, join_as_new},
};

/// A conversation started by a visitor of the workspace of `site_key`, and its contact.
async fn conversation(app: &TestApp, site_key: &str) -> (String, String) {
    let (token, contact) = widget_session(app, site_key).await;
    let (mut visitor, _) = Socket::visitor(app, &token, json!({})).await;
    visitor.say(None, "Hello").await;
    let id = visitor.expect("ack").await["conversation_id"].as_str().unwrap().to_string();
    (id, contact)
}

/// Grace joins Ada's workspace as an admin; returns her browser.
async fn grace_the_admin(app: &TestApp, workspace: &str) -> Browser {
    let link = invite(app, workspace, "grace@example.com", "admin").await;
    join_as_new(app, &link, "Grace").await
}

/// The link of the second invitation email to `to` (the first one's link is used up), once sent.
async fn second_invitation_link(app: &TestApp, to: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let sent: Vec<_> = app.outbox().into_iter().filter(|e| e.to == to && e.subject.contains("invited you")).collect();
        if let [_, second] = sent.as_slice() {
            return link_path(second);
        }
        assert!(std::time::Instant::now() < deadline, "no second invitation to {to}: {sent:?}");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

fn assert_forbidden_for_lack_of(scope: &str, (status, body): &(StatusCode, Value)) {
    assert_eq!(*status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "forbidden");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains(&format!("lacks the {scope} scope")), "{message}");
}

#[tokio::test]
async fn scopes_are_chosen_when_a_key_is_created_and_listed_with_it() {
    let app = spawn_app().await;
    let (workspace, _, _) = setup(&app).await;
    let page = app.browser.get_html(&format!("/app/{workspace}/settings/api-keys")).await;
    for field in ["scope_read", "scope_write", "scope_admin"] {
        assert!(page.contains(&format!("name=\"{field}\"")), "{field} missing from {page}");
    }
    create_key_with(&app.browser, &workspace, "Reporting", &["read"]).await;
    create_key_with(&app.browser, &workspace, "Onboarding bot", &["read", "admin"]).await;
    // What is stored, beside what the listing shows.
    let scopes = |name: &str| {
        app.query_string(&format!("SELECT array_to_string(scopes, ',') AS value FROM api_keys WHERE name = '{name}'")).unwrap()
    };
    assert_eq!(
        (scopes("CRM sync"), scopes("Reporting"), scopes("Onboarding bot")),
        ("read,write".into(), "read".into(), "read,admin".into())
    );
    let listing = unescape_html(&app.browser.get_html(&format!("/app/{workspace}/settings/api-keys")).await);
    let row = |name: &str| listing[listing.find(&format!("<td>{name}</td>")).unwrap()..].split("</tr>").next().unwrap().to_string();
    assert!(row("Reporting").contains("<td>read</td>"), "{}", row("Reporting"));
    assert!(row("Onboarding bot").contains("<td>read, admin</td>"), "{}", row("Onboarding bot"));
    assert!(row("CRM sync").contains("<td>read, write</td>"), "{}", row("CRM sync"));

    let none = app.browser.post_form(&format!("/app/{workspace}/settings/api-keys"), &[("name", "Nothing")]).await;
    assert_eq!(none.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.text().await.unwrap().contains("Choose what the key may do"));
    assert_eq!(app.count("api_keys"), 3);
    let log = app.browser.get_html(&format!("/app/{workspace}/settings/audit")).await;
    assert!(log.contains("read, admin"), "the audit log records the scopes: {log}");
}

#[tokio::test]
async fn a_read_only_key_reads_but_cannot_send_change_or_invite() {
    let app = spawn_app().await;
    let (workspace, site_key, _) = setup(&app).await;
    let (conversation, contact) = conversation(&app, &site_key).await;
    let api = Api { app: &app, key: create_key_with(&app.browser, &workspace, "Reporting", &["read"]).await };

    assert_eq!(api.get("/api/v1/conversations").await.0, 200);
    assert_eq!(api.get(&format!("/api/v1/conversations/{conversation}")).await.0, 200);
    assert_eq!(api.get(&format!("/api/v1/conversations/{conversation}/messages")).await.0, 200);
    assert_eq!(api.get("/api/v1/contacts").await.0, 200);

    let post = api.call(Method::POST, &format!("/api/v1/conversations/{conversation}/messages"), Some(json!({"body": "Hi"}))).await;
    assert_forbidden_for_lack_of("write", &post);
    let patch = api.call(Method::PATCH, &format!("/api/v1/conversations/{conversation}"), Some(json!({"status": "resolved"}))).await;
    assert_forbidden_for_lack_of("write", &patch);
    let contact = api.call(Method::PATCH, &format!("/api/v1/contacts/{contact}"), Some(json!({"name": "Lin"}))).await;
    assert_forbidden_for_lack_of("write", &contact);
    let invitation = api.call(Method::POST, "/api/v1/invitations", Some(json!({"email": "bo@example.com", "role": "agent"}))).await;
    assert_forbidden_for_lack_of("admin", &invitation);

    assert_eq!(app.count("messages"), 1);
    assert_eq!(app.query_string("SELECT status AS value FROM conversations").as_deref(), Some("open"));
    assert_eq!(app.count("contacts WHERE name = 'Lin'"), 0);
    assert_eq!(app.count("invitations"), 0);
}

#[tokio::test]
async fn a_key_without_read_cannot_read() {
    let app = spawn_app().await;
    let (workspace, site_key, _) = setup(&app).await;
    let (conversation, _) = conversation(&app, &site_key).await;
    let api = Api { app: &app, key: create_key_with(&app.browser, &workspace, "Bot", &["write"]).await };
    assert_forbidden_for_lack_of("read", &api.get("/api/v1/conversations").await);
    assert_forbidden_for_lack_of("read", &api.get(&format!("/api/v1/conversations/{conversation}/messages")).await);
    let post = api.call(Method::POST, &format!("/api/v1/conversations/{conversation}/messages"), Some(json!({"body": "Hi"}))).await;
    assert_eq!(post.0, StatusCode::CREATED, "{}", post.1);
}

#[tokio::test]
async fn a_write_key_answers_but_cannot_invite() {
    let app = spawn_app().await;
    let (_, site_key, key) = setup(&app).await;
    let (conversation, _) = conversation(&app, &site_key).await;
    let api = Api { app: &app, key };
    let post = api.call(Method::POST, &format!("/api/v1/conversations/{conversation}/messages"), Some(json!({"body": "Hi"}))).await;
    assert_eq!(post.0, StatusCode::CREATED, "{}", post.1);
    let invitation = api.call(Method::POST, "/api/v1/invitations", Some(json!({"email": "bo@example.com", "role": "agent"}))).await;
    assert_forbidden_for_lack_of("admin", &invitation);
    assert_eq!(app.count("invitations"), 0);
}

#[tokio::test]
async fn an_admin_key_invites_only_while_its_creator_is_an_admin() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let workspace = &ws.id;
    let grace = ws.add_member(Role::Admin).await.browser;
    let api = Api { app: &app, key: create_key_with(&grace, workspace, "HR sync", &["read", "write", "admin"]).await };
    let (status, body) = api.call(Method::POST, "/api/v1/invitations", Some(json!({"email": "bo@example.com", "role": "agent"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let grace_id = ws.user_id("Grace").await;
    let demoted = app.browser.post_form(&format!("/app/{workspace}/team/{grace_id}/role"), &[("role", "agent")]).await;
    assert_eq!(demoted.status(), StatusCode::SEE_OTHER);
    let (status, body) = api.call(Method::POST, "/api/v1/invitations", Some(json!({"email": "cy@example.com", "role": "agent"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("no longer an owner or admin"), "{body}");
    assert_eq!(app.count("invitations WHERE email = 'cy@example.com'"), 0);
    // What an agent may do, the key still does.
    assert_eq!(api.get("/api/v1/conversations").await.0, StatusCode::OK);

    app.browser.post_form(&format!("/app/{workspace}/team/{grace_id}/role"), &[("role", "admin")]).await;
    let (status, _) = api.call(Method::POST, "/api/v1/invitations", Some(json!({"email": "cy@example.com", "role": "agent"}))).await;
    assert_eq!(status, StatusCode::CREATED, "promoted again, the key is an admin's again");
}

#[tokio::test]
async fn every_key_of_a_member_who_was_removed_stops_working() {
    let app = spawn_app().await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let grace = grace_the_admin(&app, &workspace).await;
    let keys = [
        create_key_with(&grace, &workspace, "Reader", &["read"]).await,
        create_key_with(&grace, &workspace, "Writer", &["read", "write"]).await,
        create_key_with(&grace, &workspace, "Admin", &["read", "write", "admin"]).await,
    ];
    for key in &keys {
        assert_eq!(Api { app: &app, key: key.clone() }.get("/api/v1/conversations").await.0, StatusCode::OK);
    }
    let grace_id = app.browser.member_id(&workspace, "Grace").await;
    let removed = app.browser.post_form(&format!("/app/{workspace}/team/{grace_id}/remove"), &[]).await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    for key in &keys {
        let api = Api { app: &app, key: key.clone() };
        let (status, body) = api.get("/api/v1/conversations").await;
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthorized")), "{body}");
        let invitation = api.call(Method::POST, "/api/v1/invitations", Some(json!({"email": "bo@example.com", "role": "agent"}))).await;
        assert_eq!(invitation.0, StatusCode::UNAUTHORIZED);
    }
    let mut socket = Socket::open(&app.address, &[]).await;
    socket.send(json!({"type": "hello", "api_key": keys[1]})).await;
    assert_eq!(socket.expect("error").await["code"], "unauthorized");
    assert_eq!(app.count("invitations"), 1, "only the one Ada sent to Grace");

    // Invited back, Grace does not get her old keys back.
    let again =
        app.browser.post_form(&format!("/app/{workspace}/team/invitations"), &[("email", "grace@example.com"), ("role", "admin")]).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let link = second_invitation_link(&app, "grace@example.com").await;
    assert_eq!(grace.sign_in("grace@example.com", "correct horse battery staple").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&grace.post_form(&link, &[]).await), format!("/app/{workspace}?notice=joined_workspace"));
    for key in &keys {
        assert_eq!(Api { app: &app, key: key.clone() }.get("/api/v1/conversations").await.0, StatusCode::UNAUTHORIZED);
    }
    let fresh = Api { app: &app, key: create_key_with(&grace, &workspace, "Again", &["read"]).await };
    assert_eq!(fresh.get("/api/v1/conversations").await.0, StatusCode::OK);
}

#[tokio::test]
async fn other_methods_on_api_paths_answer_405_with_the_allowed_ones() {
    let app = spawn_app().await;
    let (_, _, key) = setup(&app).await;
    let any = "0190a000-0000-7000-8000-000000000001";
    for (method, path, allow) in [
        ("TRACE", "/api/v1/conversations".to_string(), "GET"),
        ("DELETE", format!("/api/v1/conversations/{any}"), "GET, PATCH"),
        ("PUT", format!("/api/v1/conversations/{any}/messages"), "GET, POST"),
        ("GET", "/api/v1/invitations".to_string(), "POST"),
        ("POST", "/api/v1/contacts".to_string(), "GET"),
        ("DELETE", "/api/v1/openapi.json".to_string(), "GET"),
    ] {
        let response = reqwest::Client::new()
            .request(Method::from_bytes(method.as_bytes()).unwrap(), format!("{}{path}", app.address))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(response.headers().get("allow").and_then(|v| v.to_str().ok()), Some(allow), "{method} {path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "method_not_allowed", "{method} {path}");
    }
}

/// A caller without a valid key learns nothing about what the body should have been.
#[tokio::test]
async fn a_bad_key_is_refused_before_the_body_is_read() {
    let app = spawn_app().await;
    setup(&app).await;
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/invitations", app.address))
        .bearer_auth("sk_0123456789012345678901234567890123456789012")
        .header("content-type", "text/plain")
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthorized");
}

/// What the document calls valid is accepted, and what it calls invalid is refused, at the
/// edges where the handlers used to differ from it.
#[tokio::test]
async fn the_api_refuses_exactly_what_its_schema_refuses() {
    let app = spawn_app().await;
    let (_, site_key, key) = setup(&app).await;
    let (conversation, contact) = conversation(&app, &site_key).await;
    let api = Api { app: &app, key };
    let messages = format!("/api/v1/conversations/{conversation}/messages");
    assert_eq!(api.get(&format!("{messages}?after_seq=-1")).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(api.call(Method::POST, &messages, Some(json!({"body": "a\u{0}b"}))).await.0, StatusCode::BAD_REQUEST);
    // White space alone fits the schema (a message may be files with no text), but says nothing.
    assert_eq!(api.call(Method::POST, &messages, Some(json!({"body": "\u{3000}\u{85}"}))).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api.call(Method::POST, &messages, Some(json!({"attachments": []}))).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    let edge = format!("{}\u{0}", "x".repeat(10));
    assert_eq!(api.call(Method::PATCH, &format!("/api/v1/contacts/{contact}"), Some(json!({"name": edge}))).await.0, 400);
    let long = format!(" {}", "x".repeat(200));
    assert_eq!(api.call(Method::PATCH, &format!("/api/v1/contacts/{contact}"), Some(json!({"name": long}))).await.0, 400);
    let padded = format!(" {} ", "x".repeat(198));
    let (status, updated) = api.call(Method::PATCH, &format!("/api/v1/contacts/{contact}"), Some(json!({"name": padded}))).await;
    assert_eq!((status, updated["name"].as_str().map(str::len)), (StatusCode::OK, Some(198)), "stored trimmed");
    // An array of the fields in order is not the object the schema asks for.
    assert_eq!(api.call(Method::PATCH, &format!("/api/v1/conversations/{conversation}"), Some(json!(["resolved", null]))).await.0, 400);
    assert_eq!(api.call(Method::POST, &messages, Some(json!(["Hi", false, null]))).await.0, 400);
    assert_eq!(app.count("messages"), 1);
    assert_eq!(app.query_string("SELECT status AS value FROM conversations").as_deref(), Some("open"));

    // Any cursor of the documented shape is a position in the list.
    let cursor = "0000000000000000_00000000-0000-0000-0000-000000000000";
    let (status, page) = api.get(&format!("/api/v1/conversations?after={cursor}")).await;
    assert_eq!((status, page["data"].clone()), (StatusCode::OK, json!([])));
    let (status, page) = api.get("/api/v1/conversations?after=9999999999999999_ffffffff-ffff-ffff-ffff-ffffffffffff").await;
    assert_eq!((status, page["data"].as_array().map(Vec::len)), (StatusCode::OK, Some(1)));
    assert_eq!(api.get("/api/v1/conversations?after=0000000000000000_FFFFFFFF-0000-0000-0000-000000000000").await.0, 400);
    assert_eq!(api.get("/api/v1/conversations?status=closed").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(api.get("/api/v1/conversations/not-a-uuid").await.0, StatusCode::NOT_FOUND);
}

/// The document names each operation's scope, its enums, formats and limits.
#[tokio::test]
async fn the_openapi_document_states_scopes_enums_formats_and_limits() {
    let app = spawn_app().await;
    let document: Value = reqwest::get(format!("{}/api/v1/openapi.json", app.address)).await.unwrap().json().await.unwrap();
    for (method, path, scope) in [
        ("get", "/api/v1/conversations", "read"),
        ("get", "/api/v1/conversations/{id}", "read"),
        ("patch", "/api/v1/conversations/{id}", "write"),
        ("get", "/api/v1/conversations/{id}/messages", "read"),
        ("post", "/api/v1/conversations/{id}/messages", "write"),
        ("get", "/api/v1/contacts", "read"),
        ("patch", "/api/v1/contacts/{id}", "write"),
        ("post", "/api/v1/invitations", "admin"),
    ] {
        let operation = &document["paths"][path][method];
        assert_eq!(operation["security"], json!([{"api_key": [scope]}]), "{method} {path}");
        for status in ["401", "403"] {
            assert!(operation["responses"][status].is_object(), "{method} {path} documents {status}");
        }
    }
    let schemas = &document["components"]["schemas"];
    assert_eq!(schemas["Scope"]["enum"], json!(["read", "write", "admin"]));
    assert_eq!(schemas["ConversationStatus"]["enum"], json!(["open", "pending", "snoozed", "resolved"]));
    assert_eq!(schemas["NewStatus"]["enum"], json!(["open", "pending", "resolved"]));
    assert_eq!(schemas["InviteRole"]["enum"], json!(["agent", "admin"]));
    assert_eq!(schemas["NewInvitation"]["properties"]["email"]["format"], "email");
    assert_eq!(schemas["ConversationDetail"]["properties"]["last_message_at"]["format"], "date-time");
    assert_eq!(schemas["PostMessage"]["properties"]["body"]["maxLength"], 10000);
    assert_eq!(schemas["PostMessage"]["additionalProperties"], false);
    assert_eq!(schemas["ContactPatch"]["properties"]["name"]["maxLength"], 200);
    let patch = &document["paths"]["/api/v1/conversations/{id}"]["patch"];
    assert!(patch["responses"]["422"].is_object());
    let limit = document["paths"]["/api/v1/conversations/{id}/messages"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap()
        .clone();
    assert_eq!((limit["schema"]["minimum"].clone(), limit["schema"]["maximum"].clone()), (json!(1), json!(200)), "{limit}");
}

#[tokio::test]
async fn a_socket_opened_with_a_read_only_key_listens_but_cannot_send() {
    let app = spawn_app().await;
    let (workspace, site_key, _) = setup(&app).await;
    let (conversation, _) = conversation(&app, &site_key).await;
    let reader = create_key_with(&app.browser, &workspace, "Dashboard", &["read"]).await;
    let mut socket = Socket::open(&app.address, &[]).await;
    socket.send(json!({"type": "hello", "api_key": reader})).await;
    socket.expect("welcome").await;
    socket.say(Some(&conversation), "Sneaky reply").await;
    let error = socket.expect("error").await;
    assert_eq!(error["code"], "forbidden", "{error}");
    assert!(error["message"].as_str().unwrap().contains("write scope"), "{error}");
    socket.send(json!({"type": "read", "conversation_id": conversation, "seq": 1})).await;
    assert_eq!(socket.expect("error").await["code"], "forbidden");
    assert_eq!(app.count("messages"), 1, "nothing stored");

    // It still hears what happens.
    let (token, _) = widget_session(&app, &site_key).await;
    let (mut visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    visitor.say(None, "Anyone?").await;
    visitor.expect("ack").await;
    assert_eq!(socket.messages(1).await, vec![(1, "Anyone?".to_string())]);

    let writer_only = create_key_with(&app.browser, &workspace, "Bot", &["write"]).await;
    let mut socket = Socket::open(&app.address, &[]).await;
    socket.send(json!({"type": "hello", "api_key": writer_only})).await;
    let error = socket.expect("error").await;
    assert_eq!(error["code"], "forbidden");
    assert!(error["message"].as_str().unwrap().contains("read scope"), "{error}");
}
