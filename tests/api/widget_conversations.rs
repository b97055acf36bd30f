//! A returning visitor's conversations in the widget: the list, starting another, the team's
//! availability pushed live, and "Email me this conversation".

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    helpers::{Person, TestApp, spawn_app},
    socket_client::Socket,
};

/// The visitor's conversations as the widget's list asks for them.
async fn list(app: &TestApp, token: &str) -> Vec<Value> {
    let response = reqwest::Client::new()
        .get(format!("{}/api/widget/v1/conversations", app.address))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET conversations");
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<Value>().await.unwrap()["conversations"].as_array().cloned().unwrap()
}

async fn get_one(app: &TestApp, token: &str, conversation: &str) -> StatusCode {
    reqwest::Client::new()
        .get(format!("{}/api/widget/v1/conversations/{conversation}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET conversation")
        .status()
}

/// Asks for a transcript; returns the status and the JSON answer.
async fn email_me(app: &TestApp, token: &str, conversation: &str, body: Value) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/conversations/{conversation}/transcript", app.address))
        .bearer_auth(token)
        .body(body.to_string())
        .send()
        .await
        .expect("POST transcript");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_visitor_lists_their_own_conversations_newest_first_with_unread_replies() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let (mut visitor, first) = ws.visitor_says("Where is my order?").await;
    ws.owner.replies(&first, "It left today.").await;
    ws.owner.replies(&first, "Tracking:   ABC\n123").await;
    visitor.socket.say(None, "Another question").await;
    let second = visitor.socket.expect("ack").await["conversation_id"].as_str().unwrap().to_string();
    assert_ne!(second, first, "a send without conversation_id starts a new conversation");

    let conversations = list(&app, &visitor.token).await;
    let ids: Vec<&str> = conversations.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [second.as_str(), first.as_str()], "newest first");
    assert_eq!(conversations[1]["unread"], 2, "two replies after the visitor's read mark");
    assert_eq!(conversations[1]["preview"], "Tracking: ABC 123", "the last message, on one line");
    assert_eq!(conversations[1]["preview_author"], "agent");
    assert_eq!(conversations[0]["unread"], 0, "their own message is not unread");
    assert_eq!(conversations[0]["preview"], "Another question");
    assert_eq!(conversations[0]["status"], "open");
    assert_eq!(get_one(&app, &visitor.token, &first).await, StatusCode::OK);

    // Reading the first reply leaves one unread.
    visitor.socket.send(json!({"type": "read", "conversation_id": first, "seq": 2})).await;
    let mut unread = Value::Null;
    for _ in 0..100 {
        unread = list(&app, &visitor.token).await[1]["unread"].clone();
        if unread == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(unread, 1);

    // Another visitor of the same workspace, and one of another workspace, see none of them.
    let other = ws.visitor().await;
    assert!(list(&app, &other.token).await.is_empty());
    assert_eq!(get_one(&app, &other.token, &first).await, StatusCode::NOT_FOUND);
    let elsewhere = app.sign_up_workspace_as(&app.new_browser(), Person::new("Lin")).await;
    let stranger = elsewhere.visitor().await;
    assert!(list(&app, &stranger.token).await.is_empty());
    assert_eq!(get_one(&app, &stranger.token, &first).await, StatusCode::NOT_FOUND);
    assert_eq!(get_one(&app, &stranger.token, &Uuid::now_v7().to_string()).await, StatusCode::NOT_FOUND);
    let (status, _) = email_me(&app, &stranger.token, &first, json!({"email": "spam@example.com"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another's conversation cannot be emailed");

    // Without a token there is no list.
    let anonymous = reqwest::get(format!("{}/api/widget/v1/conversations", app.address)).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_new_conversation_is_created_once_when_its_first_send_is_retried() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let (visitor, first) = ws.visitor_says("First topic").await;
    let client_id = Uuid::now_v7().to_string();
    let send = json!({"type": "send", "client_id": client_id, "body": "A new topic"});

    let mut socket = visitor.socket;
    socket.send(send.clone()).await;
    let ack = socket.expect("ack").await;
    socket.close().await;
    // The ack was lost; the window reconnects and sends the same frame again.
    let (mut again, _) = Socket::visitor(&app, &visitor.token, json!({})).await;
    again.send(send).await;
    let retried = again.expect("ack").await;

    assert_ne!(ack["conversation_id"], json!(first));
    assert_eq!(retried["conversation_id"], ack["conversation_id"], "the same conversation");
    assert_eq!(retried["seq"], 1);
    assert_eq!(list(&app, &visitor.token).await.len(), 2, "two conversations, not three");
    assert_eq!(app.count("messages WHERE body = 'A new topic'"), 1);
}

/// The next `availability` frame, skipping any other.
async fn availability(socket: &mut Socket) -> Value {
    loop {
        let frame = socket.next().await;
        if frame["type"] == "availability" {
            return frame;
        }
    }
}

/// Reads `availability` frames until one says `online`: one that came before the change
/// (the agent's own arrival) may still be on the way.
async fn until_availability(socket: &mut Socket, online: bool) -> Value {
    loop {
        let frame = availability(socket).await;
        if frame["agents_online"] == online {
            return frame;
        }
    }
}

#[tokio::test]
async fn visitors_are_told_when_the_only_agent_goes_away_and_comes_back() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let mut visitor = ws.visitor().await;
    let mut agent = ws.owner.socket().await;
    let arrived = until_availability(&mut visitor.socket, true).await;
    assert_eq!(arrived["within_hours"], true);

    agent.send(json!({"type": "presence", "status": "away"})).await;
    let away = until_availability(&mut visitor.socket, false).await;
    assert!(away["offline_message"].as_str().is_some_and(|m| !m.is_empty()), "{away}");
    agent.send(json!({"type": "presence", "status": "online"})).await;
    until_availability(&mut visitor.socket, true).await;

    // A second agent arriving changes nothing visitors see: no frame.
    let grace = ws.add_member(crate::helpers::Role::Agent).await;
    let second = grace.socket().await;
    while let Some(frame) = visitor.socket.next_within(Duration::from_millis(800)).await {
        assert_ne!(frame["type"], "availability", "nothing flipped: {frame}");
    }
    second.close().await;
    agent.close().await;
    // The last one leaving is announced.
    until_availability(&mut visitor.socket, false).await;
}

#[tokio::test]
async fn a_visitor_gets_the_transcript_by_email_within_an_hourly_limit() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let (mut visitor, conversation) = ws.visitor_says("Is <b>this</b> & that in stock?").await;
    ws.owner.replies(&conversation, "Yes: 5 > 3, \"quoted\".").await;
    let mut agent = ws.owner.socket().await;
    agent
        .send(
            json!({"type": "send", "client_id": Uuid::now_v7(), "conversation_id": conversation, "body": "Internal: VIP", "private": true}),
        )
        .await;
    agent.expect("ack").await;
    visitor.says("Thanks!").await;

    // No email known: the widget is asked for one, and nothing is sent.
    let (status, answer) = email_me(&app, &visitor.token, &conversation, json!({})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(answer["error"]["message"].as_str().unwrap().contains("email address"), "{answer}");

    let (status, answer) = email_me(&app, &visitor.token, &conversation, json!({"email": "lin@example.com"})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(answer["email"], "lin@example.com");
    let email = app.wait_for_email("lin@example.com", "Your conversation with").await;
    let text = email.text;
    let (asked, replied, thanked) =
        (text.find("Is <b>this</b> & that in stock?"), text.find("Yes: 5 > 3, \"quoted\"."), text.find("Thanks!"));
    assert!(asked.is_some() && replied.is_some() && thanked.is_some(), "every message, unescaped:\n{text}");
    assert!(asked < replied && replied < thanked, "in order:\n{text}");
    assert!(!text.contains("VIP"), "internal notes stay internal:\n{text}");
    assert_eq!(app.query_string("SELECT email AS value FROM contacts WHERE email IS NOT NULL").as_deref(), Some("lin@example.com"));

    // Twice more within the hour; the same click retried sends nothing more.
    let request_id = Uuid::now_v7();
    for _ in 0..2 {
        let (status, _) = email_me(&app, &visitor.token, &conversation, json!({"request_id": request_id})).await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    let (status, _) = email_me(&app, &visitor.token, &conversation, json!({})).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, answer) = email_me(&app, &visitor.token, &conversation, json!({})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(answer["error"]["message"].as_str().unwrap().contains("3 times in the last hour"), "{answer}");

    let sent = || app.outbox().into_iter().filter(|e| e.subject.contains("Your conversation with")).count();
    for _ in 0..100 {
        if sent() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sent(), 3, "one email per request, the refused one none");
}
