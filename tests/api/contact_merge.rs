//! Merging two contacts who are one person: any member picks the other contact from a contact's
//! page (or a key calls `POST /api/v1/contacts/{id}/merge`), confirms with both side by side,
//! and the kept contact takes over the other's conversations, messages, files and widget
//! sessions, fills its empty details from the other, and the other is deleted. The merged
//! visitor's chat carries on as the kept contact. Merging a contact with itself, or two people
//! with different user ids, is refused and changes nothing; a block carries over; another
//! workspace's contact answers 404.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    chromium::Chromium,
    console::add_endpoint,
    files::{send_files, visitor_uploads},
    helpers::{Person, Role, TestApp, TestWorkspace, location, spawn_app, spawn_app_on_public_url, unescape_html},
    rest_api::Api,
    sites::serve_site,
    socket_client::{Ended, Socket, widget_session},
};
use parlor::realtime::revocation::{CLOSE_RECONNECT, CLOSE_REVOKED};

/// Everything a merge could change, as one line per table: equal before and after a refusal
/// means nothing changed.
fn everything(app: &TestApp) -> String {
    app.query_string(
        "SELECT coalesce((SELECT string_agg(concat_ws(':', id, name, email, external_id, identity_verified, attributes::text, \
                 browser, last_seen_at, blocked_at), ',' ORDER BY id) FROM contacts), '') || '|' || \
                coalesce((SELECT string_agg(id || ':' || contact_id, ',' ORDER BY id) FROM conversations), '') || '|' || \
                coalesce((SELECT string_agg(concat_ws(':', id, author_id), ',' ORDER BY id) FROM messages), '') || '|' || \
                coalesce((SELECT string_agg(concat_ws(':', id, contact_id, revoked_at), ',' ORDER BY id) FROM visitor_sessions), '') || '|' || \
                (SELECT count(*) FROM audit_events WHERE action = 'contact.merged') AS value",
    )
    .expect("a line")
}

fn scalar(app: &TestApp, sql: &str) -> String {
    app.query_string(&format!("SELECT ({sql})::text AS value")).unwrap_or_else(|| format!("<null: {sql}>"))
}

/// The page of a merge of `other` (or of the picker, without one) into `kept`.
fn merge_path(workspace: &str, kept: &str, with: Option<&str>) -> String {
    match with {
        Some(other) => format!("/app/{workspace}/contacts/{kept}/merge?with={other}"),
        None => format!("/app/{workspace}/contacts/{kept}/merge"),
    }
}

/// The visitor's conversations as their widget lists them, by token.
async fn widget_conversations(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let response =
        reqwest::Client::new().get(format!("{}/api/widget/v1/conversations", app.address)).bearer_auth(token).send().await.expect("GET");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// `POST /api/widget/v1/sessions` with `body`: the status and the answer.
async fn start_session(app: &TestApp, body: Value) -> (StatusCode, Value) {
    let response =
        reqwest::Client::new().post(format!("{}/api/widget/v1/sessions", app.address)).json(&body).send().await.expect("POST sessions");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn ended_with(ended: Ended) -> (u16, String) {
    match ended {
        Ended::Closed(Some((code, reason))) => (u16::from(code), reason),
        other => panic!("the socket should close with a code, got {other:?}"),
    }
}

/// A visitor whose website signed their identity `user_id`, with a conversation: (token,
/// contact id, socket).
async fn identified_visitor_says(ws: &TestWorkspace<'_>, secret: &str, user_id: &str, body: &str) -> (String, String, Socket) {
    let hash = parlor::widget::settings::identity_hash(secret, user_id);
    let (status, session) = start_session(ws.app, json!({"site_key": ws.site_key, "user": {"id": user_id, "user_hash": hash}})).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    let token = session["visitor_token"].as_str().expect("a token").to_string();
    let (mut socket, _) = Socket::visitor(ws.app, &token, json!({})).await;
    socket.say(None, body).await;
    socket.expect("ack").await;
    (token, session["visitor_id"].as_str().expect("an id").to_string(), socket)
}

#[tokio::test]
async fn an_agent_merges_an_anonymous_visitor_into_their_known_self_and_their_chat_carries_on() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let grace = ws.add_member(Role::Agent).await;
    // Last week, with their email: the contact that is kept.
    let (mut known, first) = ws.visitor_says("My order 1042 has not arrived").await;
    known.gives_email("ada@example.com").await;
    ws.owner.replies(&first, "It ships tomorrow.").await;
    // Today, anonymously from another browser, with a file not sent yet: merged into it.
    let (mut anonymous, second) = ws.visitor_says("Any news on my order?").await;
    let upload = visitor_uploads(&app, &anonymous, "receipt.pdf", b"%PDF-1.4 receipt".to_vec()).await;
    let upload = upload["upload_id"].as_str().expect("an upload id").to_string();
    let (kept, other) = (known.contact_id.clone(), anonymous.contact_id.clone());
    app.execute(&format!("UPDATE contacts SET attributes = '{{\"plan\": \"pro\"}}', browser = NULL WHERE id = '{kept}'"));
    app.execute(&format!(
        "UPDATE contacts SET name = 'Ada L.', email = 'ada.work@example.com', browser = 'Firefox 133', \
         attributes = '{{\"plan\": \"free\", \"company\": \"Analytical Engines\"}}', last_seen_at = now() + interval '1 hour' WHERE id = '{other}'"
    ));
    let later_seen = scalar(&app, &format!("SELECT last_seen_at::text FROM contacts WHERE id = '{other}'"));

    // The kept contact's page offers the merge to any member.
    let page = grace.browser.get_html(&format!("/app/{}/contacts/{kept}", ws.id)).await;
    assert!(page.contains(&format!("href=\"{}\">Merge with another contact…</a>", merge_path(&ws.id, &kept, None))), "{page}");
    // The picker lists the people seen recently, not the contact itself; a search narrows it.
    let picker = grace.browser.get_html(&merge_path(&ws.id, &kept, None)).await;
    assert!(picker.contains(&format!("?with={other}\"")), "{picker}");
    assert!(!picker.contains(&format!("?with={kept}\"")), "not itself");
    assert!(picker.contains("<label for=\"merge-q\">Search by name, email or user id</label>"));
    let found = grace.browser.get_html(&format!("{}?q=work", merge_path(&ws.id, &kept, None))).await;
    assert!(found.contains(&format!("?with={other}\"")) && found.contains("People matching “work”"), "{found}");
    let nobody = grace.browser.get_html(&format!("{}?q=nobody", merge_path(&ws.id, &kept, None))).await;
    assert!(nobody.contains("No other contact matches “nobody”"), "{nobody}");

    // The confirmation: both side by side, and what will happen.
    let confirm = unescape_html(&grace.browser.get_html(&merge_path(&ws.id, &kept, Some(&other))).await);
    assert!(confirm.contains("Merge Ada L. into "), "{confirm}");
    assert!(confirm.contains("1 conversation of Ada L. moves to"), "{confirm}");
    assert!(confirm.contains("will have 2."), "{confirm}");
    assert!(confirm.contains("takes what they lack from Ada L.: name and browser."), "{confirm}");
    assert!(confirm.contains("1 attribute of Ada L. is added."), "{confirm}");
    assert!(confirm.contains("If Ada L. has the chat open, it carries on as"), "{confirm}");
    assert!(confirm.contains(&format!("name=\"merge_contact_id\" value=\"{other}\"")), "{confirm}");
    assert!(confirm.contains(&format!("href=\"{}\">Keep Ada L. instead</a>", merge_path(&ws.id, &other, Some(&kept)))), "{confirm}");
    assert_eq!(scalar(&app, "SELECT count(*)::text FROM contacts"), "2", "looking changes nothing");

    let response = grace.browser.post_form(&format!("/app/{}/contacts/{kept}/merge", ws.id), &[("merge_contact_id", &other)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
    assert_eq!(location(&response), format!("/app/{}/contacts/{kept}?notice=contacts_merged", ws.id));

    // The other contact is gone; everything of theirs is the kept contact's.
    assert_eq!(scalar(&app, &format!("SELECT count(*)::text FROM contacts WHERE id = '{other}'")), "0");
    assert_eq!(scalar(&app, &format!("SELECT count(*)::text FROM conversations WHERE contact_id = '{kept}'")), "2");
    assert_eq!(scalar(&app, "SELECT count(*)::text FROM messages"), "3", "no message lost");
    assert_eq!(
        scalar(&app, &format!("SELECT count(*)::text FROM messages WHERE author_kind = 'visitor' AND author_id = '{kept}'")),
        "2",
        "both visitor messages are the kept contact's"
    );
    assert_eq!(
        scalar(&app, &format!("SELECT contact_id || ',' || uploader_id FROM uploads WHERE id = '{upload}'")),
        format!("{kept},{kept}")
    );
    assert_eq!(
        scalar(&app, &format!("SELECT count(*)::text FROM visitor_sessions WHERE contact_id = '{kept}' AND revoked_at IS NULL")),
        "2"
    );
    // Empty fields filled, the kept values kept, last seen the later.
    let fields = scalar(
        &app,
        &format!(
            "SELECT concat_ws('|', name, email, browser, attributes->>'plan', attributes->>'company', last_seen_at::text) FROM contacts WHERE id = '{kept}'"
        ),
    );
    assert_eq!(fields, format!("Ada L.|ada@example.com|Firefox 133|pro|Analytical Engines|{later_seen}"));
    assert_eq!(
        scalar(&app, "SELECT actor_name || ': ' || detail FROM audit_events WHERE action = 'contact.merged'"),
        format!("Grace: {other} into {kept}, 1 conversation moved")
    );
    let after = unescape_html(&grace.browser.get_html(&format!("/app/{}/contacts/{kept}?notice=contacts_merged", ws.id)).await);
    assert!(after.contains("The contacts are merged: all of their conversations are here now."));
    assert!(after.contains("Any news on my order?") && after.contains("It ships tomorrow."), "both conversations listed");
    assert_eq!(grace.browser.get(&format!("/app/{}/contacts/{other}", ws.id)).await.status(), StatusCode::NOT_FOUND);

    // The merged visitor's socket is asked to reconnect, and their token now speaks for the kept
    // contact with every conversation.
    assert_eq!(ended_with(anonymous.socket.ended().await), (CLOSE_RECONNECT, "contact merged".to_string()));
    let (mut again, welcome) = Socket::visitor(&app, &anonymous.token, json!({ second.clone(): 1 })).await;
    assert_eq!(welcome["visitor_id"], json!(kept));
    let mut listed: Vec<&str> = welcome["conversations"].as_array().expect("a list").iter().filter_map(|c| c["id"].as_str()).collect();
    listed.sort_unstable();
    let mut both = vec![first.as_str(), second.as_str()];
    both.sort_unstable();
    assert_eq!(listed, both);
    let (status, list) = widget_conversations(&app, &anonymous.token).await;
    assert_eq!((status, list["conversations"].as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "{list}");
    // The agent's replies reach them in either conversation, and their unsent file is still theirs.
    ws.owner.replies(&first, "Found it: it left this morning.").await;
    assert_eq!(again.expect("message").await["body"], "Found it: it left this morning.");
    send_files(&mut again, Some(&second), "Here is the receipt", &[&upload]).await;
    let ack = again.expect("ack").await;
    assert_eq!(ack["conversation_id"], json!(second), "{ack}");
    assert_eq!(
        scalar(&app, &format!("SELECT count(*)::text FROM messages WHERE author_id = '{kept}' AND body = 'Here is the receipt'")),
        "1"
    );
    // The kept contact's own browser is untouched.
    known.conversation = Some(first.clone());
    known.says("Thanks!").await;
}

#[tokio::test]
async fn a_contact_merged_with_itself_or_two_people_with_different_user_ids_are_refused_and_nothing_changes() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let secret = ws.identity_secret().await;
    let key = ws.api_key(&["read", "write"]).await;
    let api = Api { app: &app, key };
    let (_, one, _socket_one) = identified_visitor_says(&ws, &secret, "user-1", "I am user one").await;
    let (_, two, _socket_two) = identified_visitor_says(&ws, &secret, "user-2", "I am user two").await;
    let before = everything(&app);

    // The same contact twice.
    let response = ws.owner.browser.post_form(&format!("/app/{}/contacts/{one}/merge", ws.id), &[("merge_contact_id", &one)]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("A contact cannot be merged with itself"));
    let page = ws.owner.browser.get(&merge_path(&ws.id, &one, Some(&one))).await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().await.unwrap().contains("A contact cannot be merged with itself"));
    let (status, body) = api.call(Method::POST, &format!("/api/v1/contacts/{one}/merge"), Some(json!({"merge_contact_id": one}))).await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unprocessable")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap_or_default().contains("cannot be merged with itself"), "{body}");

    // Two people the website told apart.
    let said = "These contacts have different user ids (user-1 and user-2): your website knows them as two different people, so they cannot be merged.";
    let confirm = unescape_html(&ws.owner.browser.get_html(&merge_path(&ws.id, &one, Some(&two))).await);
    assert!(confirm.contains(said), "{confirm}");
    assert!(!confirm.contains("name=\"merge_contact_id\""), "no way to confirm");
    let response = ws.owner.browser.post_form(&format!("/app/{}/contacts/{one}/merge", ws.id), &[("merge_contact_id", &two)]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unescape_html(&response.text().await.unwrap()).contains(said));
    let (status, body) = api.call(Method::POST, &format!("/api/v1/contacts/{two}/merge"), Some(json!({"merge_contact_id": one}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["error"]["message"],
        "These contacts have different user ids (user-2 and user-1): your website knows them as two different people, so they cannot be merged."
    );

    assert_eq!(everything(&app), before, "nothing changed");
}

#[tokio::test]
async fn another_workspaces_contacts_answer_404_and_the_api_needs_a_write_key() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let lin = app.new_browser();
    let elsewhere = app.sign_up_workspace_as(&lin, Person::new("Lin")).await;
    let (kept_visitor, _) = ws.visitor_says("Hello").await;
    let (other_visitor, _) = ws.visitor_says("Hello again").await;
    let (stranger, _) = elsewhere.visitor_says("Hello from elsewhere").await;
    let (kept, other, stranger) = (kept_visitor.contact_id.clone(), other_visitor.contact_id.clone(), stranger.contact_id.clone());
    let writer = Api { app: &app, key: ws.api_key(&["read", "write"]).await };
    let reader = Api { app: &app, key: ws.api_key_named("Reporting", &["read"]).await };
    let endpoint = add_endpoint(&app, &ws.id, "https://hooks.example.com/parlor", &["contact_merged"]).await;
    let before = everything(&app);

    // Pages: the other workspace's contact, named either way round, and another workspace's member.
    let owner = &ws.owner.browser;
    for path in
        [merge_path(&ws.id, &kept, Some(&stranger)), merge_path(&ws.id, &stranger, None), merge_path(&ws.id, &kept, Some("not-an-id"))]
    {
        assert_eq!(owner.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    for (path, merged) in
        [(format!("/app/{}/contacts/{kept}/merge", ws.id), &stranger), (format!("/app/{}/contacts/{stranger}/merge", ws.id), &kept)]
    {
        assert_eq!(owner.post_form(&path, &[("merge_contact_id", merged)]).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(lin.get(&merge_path(&ws.id, &kept, Some(&other))).await.status(), StatusCode::NOT_FOUND);
    let response = lin.post_form(&format!("/app/{}/contacts/{kept}/merge", ws.id), &[("merge_contact_id", &other)]).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // Signed out: sent to sign in; without the CSRF token: refused.
    let signed_out = app.new_browser();
    let response = signed_out.get(&merge_path(&ws.id, &kept, Some(&other))).await;
    assert!(location(&response).starts_with("/login"), "{response:?}");
    let response = owner.post_raw(&format!("/app/{}/contacts/{kept}/merge", ws.id), &[("merge_contact_id", &other)]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // The API: another workspace's contact either way round, a read-only key, no key, bad bodies.
    let merge = |id: &str| format!("/api/v1/contacts/{id}/merge");
    assert_eq!(writer.call(Method::POST, &merge(&kept), Some(json!({"merge_contact_id": stranger}))).await.0, StatusCode::NOT_FOUND);
    assert_eq!(writer.call(Method::POST, &merge(&stranger), Some(json!({"merge_contact_id": kept}))).await.0, StatusCode::NOT_FOUND);
    assert_eq!(reader.call(Method::POST, &merge(&kept), Some(json!({"merge_contact_id": other}))).await.0, StatusCode::FORBIDDEN);
    let anonymous = reqwest::Client::new()
        .post(format!("{}{}", app.address, merge(&kept)))
        .json(&json!({"merge_contact_id": other}))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    for body in [json!({}), json!({"merge_contact_id": "nope"}), json!({"merge_contact_id": other, "keep": "both"}), json!([other])] {
        assert_eq!(writer.call(Method::POST, &merge(&kept), Some(body.clone())).await.0, StatusCode::BAD_REQUEST, "{body}");
    }
    assert_eq!(writer.get(&merge(&kept)).await.0, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(everything(&app), before, "nothing changed");

    // A write key merges, answers the kept contact, and the event goes to the subscribed endpoint.
    let (status, contact) = writer.call(Method::POST, &merge(&kept), Some(json!({"merge_contact_id": other}))).await;
    assert_eq!(status, StatusCode::OK, "{contact}");
    assert_eq!(contact["id"], json!(kept));
    // As the OpenAPI document says: the write scope, the statuses, and exactly the contact's fields.
    let document: Value = reqwest::get(format!("{}/api/v1/openapi.json", app.address)).await.unwrap().json().await.unwrap();
    let operation = &document["paths"]["/api/v1/contacts/{id}/merge"]["post"];
    assert_eq!(operation["security"], json!([{"api_key": ["write"]}]));
    for status in ["200", "400", "401", "403", "404", "413", "422"] {
        assert!(operation["responses"][status].is_object(), "documents {status}");
    }
    let mut fields: Vec<&String> = contact.as_object().expect("an object").keys().collect();
    fields.sort();
    let mut documented: Vec<&String> =
        document["components"]["schemas"]["ContactJson"]["properties"].as_object().expect("a schema").keys().collect();
    documented.sort();
    assert_eq!(fields, documented);
    assert_eq!(scalar(&app, &format!("SELECT count(*)::text FROM conversations WHERE contact_id = '{kept}'")), "2");
    let event = scalar(
        &app,
        &format!("SELECT payload::text FROM webhook_deliveries WHERE event_type = 'contact.merged' AND endpoint_id = '{}'", endpoint.0),
    );
    let event: Value = serde_json::from_str(&event).expect("a JSON event");
    assert_eq!(event["data"]["contact"]["id"], json!(kept));
    assert_eq!(event["data"]["merged_contact_id"], json!(other));
    assert_eq!(event["data"]["conversations_moved"], json!(1));
    assert_eq!(scalar(&app, "SELECT actor_name FROM audit_events WHERE action = 'contact.merged'"), "Ada (API key)");
    // The other workspace is as it was.
    assert_eq!(scalar(&app, &format!("SELECT count(*)::text FROM conversations WHERE contact_id = '{stranger}'")), "1");
}

#[tokio::test]
async fn a_block_carries_over_to_the_merged_contact_whichever_was_blocked() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let grace = ws.add_member(Role::Agent).await;
    let api = Api { app: &app, key: ws.api_key(&["read", "write"]).await };

    // The merged-away contact is blocked; the kept one chats.
    let (mut kept, _) = ws.visitor_says("Hello, I am the real one").await;
    let (blocked, blocked_conversation) = ws.visitor_says("Buy cheap watches").await;
    let response = grace
        .browser
        .post_form(&format!("/app/{}/contacts/{}/block", ws.id, blocked.contact_id), &[("conversation_id", &blocked_conversation)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let confirm = unescape_html(&grace.browser.get_html(&merge_path(&ws.id, &kept.contact_id, Some(&blocked.contact_id))).await);
    assert!(confirm.contains("is blocked, so the merged contact will be too"), "{confirm}");
    let (status, contact) = api
        .call(Method::POST, &format!("/api/v1/contacts/{}/merge", kept.contact_id), Some(json!({"merge_contact_id": blocked.contact_id})))
        .await;
    assert_eq!(status, StatusCode::OK, "{contact}");
    assert!(contact["blocked_at"].is_string(), "{contact}");
    assert_eq!(ended_with(kept.socket.ended().await), (CLOSE_REVOKED, "contact blocked".to_string()));
    for token in [&kept.token, &blocked.token] {
        let (status, body) = start_session(&app, json!({"site_key": ws.site_key, "visitor_token": token})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    }
    assert_eq!(
        scalar(
            &app,
            &format!("SELECT count(*)::text FROM visitor_sessions WHERE contact_id = '{}' AND revoked_at IS NULL", kept.contact_id)
        ),
        "0"
    );

    // The kept contact is blocked; the merged-away one chats: their chat closes as blocked.
    let (mut chatting, _) = ws.visitor_says("Hi there").await;
    let page = grace
        .browser
        .post_form(&format!("/app/{}/contacts/{}/merge", ws.id, kept.contact_id), &[("merge_contact_id", &chatting.contact_id)])
        .await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(ended_with(chatting.socket.ended().await), (CLOSE_REVOKED, "contact blocked".to_string()));
    let (status, _) = start_session(&app, json!({"site_key": ws.site_key, "visitor_token": chatting.token})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(scalar(&app, &format!("SELECT count(*)::text FROM conversations WHERE contact_id = '{}'", kept.contact_id)), "3");
}

/// No broker wake-up: the heartbeat's credential check finds a visitor socket whose token now
/// speaks for another contact, and sends it to reconnect.
#[tokio::test]
async fn a_merged_visitor_whose_wake_up_was_lost_is_sent_to_reconnect_at_the_next_check() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let interval = app.state.settings.credential_check_interval;
    let (kept, _) = ws.visitor_says("First").await;
    let (token, _) = widget_session(&app, &ws.site_key).await;
    let (mut moved, _) = Socket::visitor(&app, &token, json!({})).await;
    app.execute(&format!("UPDATE visitor_sessions SET contact_id = '{0}' WHERE contact_id <> '{0}'", kept.contact_id));
    let started = std::time::Instant::now();
    assert_eq!(ended_with(moved.ended().await), (CLOSE_RECONNECT, "contact merged".to_string()));
    assert!(started.elapsed() <= interval * 2 + Duration::from_secs(1), "{:?}", started.elapsed());
    let (_, welcome) = Socket::visitor(&app, &token, json!({})).await;
    assert_eq!(welcome["visitor_id"], json!(kept.contact_id));
}

/// The pages with a keyboard only, on a phone and a desktop; and the real widget of the merged
/// visitor, which reconnects by itself and lists the kept contact's conversations.
#[tokio::test]
async fn the_merge_pages_work_by_keyboard_at_390_px_and_the_merged_visitors_widget_carries_on() {
    let app = spawn_app_on_public_url().await;
    let ws = app.sign_up_workspace().await;
    let (known, earlier) = ws.visitor_says("Earlier question about invoices").await;
    known.gives_email("a.very.long.address.for.testing@customer-example.com").await;
    ws.owner.replies(&earlier, "Invoices are under Billing.").await;
    app.execute(&format!("UPDATE contacts SET name = 'Ada Lovelace-Byron of the Analytical Engine' WHERE id = '{}'", known.contact_id));

    // The merged visitor chats through the real widget on the website.
    let host = serve_site(format!(
        "<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>\
         <script src=\"{}/widget.js\" data-site-key=\"{}\" async></script></body></html>",
        app.address, ws.site_key
    ))
    .await;
    let chromium = Chromium::launch().await;
    let widget = chromium.new_page(390).await;
    widget.bring_to_front().await;
    widget.goto(&format!("{host}/")).await;
    let launcher = widget.wait_for("button", "Open chat").await;
    widget.click(launcher).await;
    let composer = widget.wait_for("textbox", "Message").await;
    widget.focus(composer).await;
    widget.type_text("Where is my parcel?").await;
    widget.press("Enter").await;
    widget.wait_for_frame_text("Sent").await;
    // Whatever the offline banner says from now on, kept in the chat window.
    let record_banner = "function () { const doc = this.ownerDocument, said = (doc.defaultView.bannerSaid = []); \
        new MutationObserver(() => said.push(doc.querySelector('.banner').textContent)).observe(doc.querySelector('.banner'), { childList: true, characterData: true, subtree: true }); }";
    widget.call_on(composer, record_banner).await;
    let other = scalar(&app, &format!("SELECT contact_id::text FROM conversations WHERE id <> '{earlier}'"));
    let parcel = scalar(&app, &format!("SELECT id::text FROM conversations WHERE id <> '{earlier}'"));

    for width in [1400, 390] {
        let page = chromium.new_page(width).await;
        page.set_cookies(&app.address, &app.browser.cookie_header()).await;
        page.goto(&format!("{}/app/{}/contacts/{}", app.address, ws.id, known.contact_id)).await;
        let link = page.wait_for("link", "Merge with another contact…").await;
        page.focus(link).await;
        page.press("Enter").await;
        page.wait_for("searchbox", "Search by name, email or user id").await;
        let candidate =
            page.wait_for("link", &format!("Merge {} into Ada Lovelace-Byron of the Analytical Engine", friendly(&other))).await;
        page.screenshot(&std::env::temp_dir().join(format!("parlor-merge-pick-{width}.png"))).await;
        assert_eq!(page.eval("document.documentElement.scrollWidth <= window.innerWidth").await, json!(true), "picker at {width}px");
        page.focus(candidate).await;
        page.press("Enter").await;
        let button = page.wait_for("button", "Merge into Ada Lovelace-Byron of the Analytical Engine").await;
        page.wait_for_text("What happens").await;
        page.screenshot(&std::env::temp_dir().join(format!("parlor-merge-confirm-{width}.png"))).await;
        page.eval("document.getElementById('outcome-heading').scrollIntoView()").await;
        page.screenshot(&std::env::temp_dir().join(format!("parlor-merge-outcome-{width}.png"))).await;
        let wide = page.eval("[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth).map((e) => e.tagName + '.' + e.className).join(' ')").await;
        assert_eq!(
            page.eval("document.documentElement.scrollWidth <= window.innerWidth").await,
            json!(true),
            "confirmation at {width}px: {wide}"
        );
        if width == 390 {
            page.focus(button).await;
            page.press("Enter").await;
            page.wait_for_text("The contacts are merged").await;
            page.wait_for_text("Where is my parcel?").await;
            page.screenshot(&std::env::temp_dir().join("parlor-merge-done-390.png")).await;
        }
    }
    assert_eq!(scalar(&app, &format!("SELECT count(*)::text FROM contacts WHERE id = '{other}'")), "0");

    // The widget came straight back as the kept contact, without a word of being offline: a
    // reply reaches it.
    ws.owner.replies(&parcel, "Your parcel is at the depot.").await;
    widget.wait_for_frame_text("Your parcel is at the depot.").await;
    let banner = widget.call_on(composer, "function () { return this.ownerDocument.defaultView.bannerSaid.filter((t) => t); }").await;
    assert_eq!(banner, json!([]), "the chat never said it was offline");
    // Back on the website later, the same token opens on the list of both conversations.
    widget.bring_to_front().await;
    widget.goto(&format!("{host}/")).await;
    let launcher = widget.wait_for("button", "Open chat").await;
    widget.click(launcher).await;
    widget.wait_for("button", "Invoices are under Billing., 1 unread").await;
    widget.wait_for("button", "Your parcel is at the depot.").await;
    widget.screenshot(&std::env::temp_dir().join("parlor-merge-widget-390.png")).await;
}

/// The name the inbox gives a contact who gave none, as the pages show it.
fn friendly(contact: &str) -> String {
    parlor::inbox::queries::friendly_name(contact.parse().expect("a uuid"))
}
