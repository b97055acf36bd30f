use std::time::Duration;

use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::{
    helpers::{Person, TestApp, TestWorkspace, spawn_app, spawn_app_with, spawn_instance_of},
    socket_client::{Ended, Socket, widget_session},
};

/// A visitor starts a conversation; returns the socket and the conversation id.
async fn visitor_with_conversation(app: &TestApp, site_key: &str, first: &str) -> (Socket, String, String) {
    let (token, _) = widget_session(app, site_key).await;
    let (mut visitor, _) = Socket::visitor(app, &token, json!({})).await;
    let client_id = visitor.say(None, first).await;
    let ack = visitor.expect("ack").await;
    assert_eq!(ack["client_id"], client_id.as_str());
    // Every socket of the visitor gets the message, this one included.
    assert_eq!(visitor.messages(1).await, vec![(1, first.to_string())]);
    (visitor, token, ack["conversation_id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn a_widget_session_gives_a_visitor_token_and_an_unknown_site_key_answers_404() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let client = reqwest::Client::new();
    let response =
        client.post(format!("{}/api/widget/v1/sessions", app.address)).json(&json!({"site_key": site_key})).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let token = body["visitor_token"].as_str().unwrap();
    assert!(token.starts_with("vt_"));
    assert_eq!(body["workspace"]["name"], "Ada's Shop");

    // The same token continues as the same visitor.
    let again: Value = client
        .post(format!("{}/api/widget/v1/sessions", app.address))
        .json(&json!({"site_key": site_key, "visitor_token": token}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["visitor_id"], body["visitor_id"]);
    assert_eq!(app.count("contacts"), 1);

    let unknown =
        client.post(format!("{}/api/widget/v1/sessions", app.address)).json(&json!({"site_key": "pk_nope"})).send().await.unwrap();
    assert_eq!(unknown.status(), 404);
    let error: Value = unknown.json().await.unwrap();
    assert_eq!(error["error"]["code"], "not_found");
    let bad = client
        .post(format!("{}/api/widget/v1/sessions", app.address))
        .body("{")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(app.count("contacts"), 1);
}

#[tokio::test]
async fn widget_sessions_are_rate_limited_per_ip() {
    let app = spawn_app_with(|s| s.rate_limits.widget_session_per_ip = parlor::config::Limit::per_hour(2)).await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let client = reqwest::Client::new();
    let statuses: Vec<u16> = futures_util::future::join_all(
        (0..3).map(|_| client.post(format!("{}/api/widget/v1/sessions", app.address)).json(&json!({"site_key": site_key})).send()),
    )
    .await
    .into_iter()
    .map(|r| r.unwrap().status().as_u16())
    .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 2);
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 1);
}

#[tokio::test]
async fn a_visitor_message_is_acked_after_commit_and_reaches_the_agent_live() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let mut agent = Socket::agent(&app, &app.browser).await;
    let (token, visitor_id) = widget_session(&app, &site_key).await;
    let (mut visitor, welcome) = Socket::visitor(&app, &token, json!({})).await;
    assert_eq!(welcome["role"], "visitor");
    assert_eq!(welcome["visitor_id"], visitor_id.as_str());

    let client_id = visitor.say(None, "Hello, is anyone there?").await;
    let ack = visitor.expect("ack").await;
    assert_eq!(ack["client_id"], client_id.as_str());
    assert_eq!(ack["seq"], 1);
    // The ack comes after the commit: the message is already in the database.
    let stored = app.query_string(&format!("SELECT body AS value FROM messages WHERE id = '{}'", ack["message_id"].as_str().unwrap()));
    assert_eq!(stored.as_deref(), Some("Hello, is anyone there?"));

    let message = agent.expect("message").await;
    assert_eq!(message["body"], "Hello, is anyone there?");
    assert_eq!(message["conversation_id"], ack["conversation_id"]);
    assert_eq!(message["author"]["kind"], "visitor");
    assert_eq!(message["author"]["id"], visitor_id.as_str());
    assert_eq!(message["client_id"], client_id.as_str());
    assert!(message["created_at"].as_str().unwrap().contains('T'));

    // The agent answers; the visitor sees it with the agent's name.
    let conversation = ack["conversation_id"].as_str().unwrap();
    agent.say(Some(conversation), "Hi! How can I help?").await;
    assert_eq!(agent.expect("ack").await["seq"], 2);
    assert_eq!(visitor.expect("message").await["seq"], 1, "its own message, echoed to every tab");
    let reply = visitor.expect("message").await;
    assert_eq!(reply["body"], "Hi! How can I help?");
    assert_eq!(reply["author"]["kind"], "agent");
    assert_eq!(reply["author"]["name"], "Ada");
}

#[tokio::test]
async fn a_retried_send_gets_the_same_ack_and_stores_nothing_even_for_a_first_message() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let (token, _) = widget_session(&app, &site_key).await;
    let (mut visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    let first = json!({"type": "send", "client_id": uuid::Uuid::now_v7(), "body": "First words"});
    visitor.send(first.clone()).await;
    let ack = visitor.expect("ack").await;
    // The ack was lost: the widget reconnects and sends the same frame again, still with no
    // conversation id.
    visitor.close().await;
    let (mut visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    visitor.send(first).await;
    let retry_ack = visitor.expect("ack").await;
    assert_eq!(retry_ack, ack);
    assert_eq!(app.count("messages"), 1);
    assert_eq!(app.count("conversations"), 1);

    let conversation = ack["conversation_id"].as_str().unwrap();
    let second = json!({"type": "send", "client_id": uuid::Uuid::now_v7(), "conversation_id": conversation, "body": "Second"});
    visitor.send(second.clone()).await;
    visitor.send(second).await;
    let (a, b) = (visitor.expect("ack").await, visitor.expect("ack").await);
    assert_eq!(a, b);
    assert_eq!(a["seq"], 2);
    assert_eq!(app.count("messages"), 2);
}

#[tokio::test]
async fn messages_keep_the_order_they_were_sent_in() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let mut agent = Socket::agent(&app, &app.browser).await;
    let (mut visitor, _, conversation) = visitor_with_conversation(&app, &site_key, "0").await;
    for n in 1..=40 {
        visitor.say(Some(&conversation), &n.to_string()).await;
    }
    let mut acked = Vec::new();
    while acked.len() < 40 {
        let frame = visitor.next().await;
        if frame["type"] == "ack" {
            acked.push(frame["seq"].as_i64().unwrap());
        }
    }
    acked.sort();
    assert_eq!(acked, (2..=41).collect::<Vec<_>>());
    let received = agent.messages(41).await;
    let expected: Vec<(i64, String)> = (0..=40).map(|n| (n + 1, n.to_string())).collect();
    assert_eq!(received, expected, "in seq order, body n at seq n+1, no duplicates");
}

#[tokio::test]
async fn a_burst_from_many_visitors_shares_commits_without_replaying_any_batch() {
    let app = spawn_app_with(|s| s.rate_limits.widget_session_per_ip = parlor::config::Limit::per_hour(100)).await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let mut visitors = Vec::new();
    for n in 0..12 {
        visitors.push(visitor_with_conversation(&app, &site_key, &format!("visitor {n} says hello")).await);
    }
    let before = app.state.realtime.writer.stats();

    // Every visitor fires eight messages at once, the fourth sent twice in a row (a retry that
    // lands in the same batch as its first try) and one retry of its first message.
    let mut sent = Vec::new();
    for (socket, _, conversation) in &mut visitors {
        let mut frames = Vec::new();
        for n in 1..=8 {
            frames.push(
                json!({"type": "send", "client_id": uuid::Uuid::now_v7(), "conversation_id": conversation, "body": format!("burst {n}")}),
            );
        }
        frames.insert(4, frames[3].clone());
        for frame in &frames {
            socket.send(frame.clone()).await;
        }
        sent.push(frames);
    }
    let mut first_acks = Vec::new();
    for ((socket, _, _), frames) in visitors.iter_mut().zip(&sent) {
        let mut acks = Vec::new();
        while acks.len() < frames.len() {
            let frame = socket.next().await;
            if frame["type"] == "ack" {
                acks.push(frame);
            }
        }
        let seqs: Vec<i64> = acks.iter().map(|a| a["seq"].as_i64().unwrap()).collect();
        assert_eq!(seqs, vec![2, 3, 4, 5, 5, 6, 7, 8, 9], "in order, the retry acked like its first try");
        assert_eq!(acks[3], acks[4]);
        first_acks.push(acks[0].clone());
    }
    assert_eq!(app.count("messages"), 12 * 9, "one first message and eight more each, the retry stored once");

    // Retries of messages committed earlier, all at once: the same acks, nothing stored.
    for ((socket, _, _), frames) in visitors.iter_mut().zip(&sent) {
        socket.send(frames[0].clone()).await;
    }
    for ((socket, _, _), first_ack) in visitors.iter_mut().zip(&first_acks) {
        assert_eq!(&socket.expect("ack").await, first_ack);
    }
    assert_eq!(app.count("messages"), 12 * 9);

    let after = app.state.realtime.writer.stats();
    assert_eq!(after.messages - before.messages, 12 * 9 + 12);
    assert_eq!(after.replayed, 0, "every batch took the one-statement path");
    assert!(
        after.batches - before.batches < after.messages - before.messages,
        "sends that arrive together share commits: {before:?} then {after:?}"
    );
}

#[tokio::test]
async fn first_messages_sent_together_start_one_conversation_each_within_the_caps_without_replaying() {
    let app = spawn_app_with(|s| {
        s.rate_limits.widget_session_per_ip = parlor::config::Limit::per_hour(100);
        s.rate_limits.visitor_open_conversations = 2;
    })
    .await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let mut visitors = Vec::new();
    for _ in 0..12 {
        let (token, _) = widget_session(&app, &site_key).await;
        visitors.push(Socket::visitor(&app, &token, json!({})).await.0);
    }
    let before = app.state.realtime.writer.stats();

    // Every visitor fires three first messages at once, the first one twice (a retry whose ack
    // was lost, so it still carries no conversation id): one more than the cap allows.
    let mut first_ids = Vec::new();
    for (n, socket) in visitors.iter_mut().enumerate() {
        let first_id = uuid::Uuid::now_v7().to_string();
        let first = json!({"type": "send", "client_id": first_id, "body": format!("visitor {n}, question 1")});
        socket.send(first.clone()).await;
        socket.send(first).await;
        for question in 2..=3 {
            let body = format!("visitor {n}, question {question}");
            socket.send(json!({"type": "send", "client_id": uuid::Uuid::now_v7(), "body": body})).await;
        }
        first_ids.push(first_id);
    }
    for (socket, first_id) in visitors.iter_mut().zip(&first_ids) {
        let mut answers = Vec::new();
        while answers.len() < 4 {
            let frame = socket.next().await;
            if frame["type"] == "ack" || frame["type"] == "error" {
                answers.push(frame);
            }
        }
        let (firsts, others): (Vec<&serde_json::Value>, Vec<&serde_json::Value>) =
            answers.iter().partition(|f| f["client_id"] == first_id.as_str());
        assert_eq!(firsts.len(), 2, "{answers:?}");
        assert_eq!(firsts[0], firsts[1], "the retry is acked like its first try");
        assert_eq!((firsts[0]["type"].as_str(), firsts[0]["seq"].as_i64()), (Some("ack"), Some(1)));
        let (acked, refused): (Vec<&&serde_json::Value>, Vec<&&serde_json::Value>) = others.iter().partition(|f| f["type"] == "ack");
        assert_eq!((acked.len(), refused.len()), (1, 1), "{answers:?}");
        assert_ne!(acked[0]["conversation_id"], firsts[0]["conversation_id"]);
        assert_eq!(acked[0]["seq"], 1);
        assert_eq!(refused[0]["code"], "limit", "{answers:?}");
    }
    assert_eq!(app.count("conversations"), 12 * 2, "two each: the retry started nothing, the third was refused");
    assert_eq!(app.count("messages"), 12 * 2);

    let after = app.state.realtime.writer.stats();
    assert_eq!(after.messages - before.messages, 12 * 4);
    assert_eq!(after.replayed, 0, "first messages take the one batch statement too");
}

#[tokio::test]
async fn a_visitor_who_reconnects_gets_exactly_what_was_sent_while_away() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let mut agent = Socket::agent(&app, &app.browser).await;
    let (visitor, token, conversation) = visitor_with_conversation(&app, &site_key, "I have a question").await;
    agent.expect("message").await;
    visitor.close().await;

    for reply in ["One", "Two", "Three"] {
        agent.say(Some(&conversation), reply).await;
        agent.expect("ack").await;
    }
    let (mut visitor, welcome) = Socket::visitor(&app, &token, json!({ conversation.clone(): 1 })).await;
    assert_eq!(welcome["conversations"][0]["last_seq"], 4);
    assert_eq!(visitor.messages(3).await, vec![(2, "One".into()), (3, "Two".into()), (4, "Three".into())]);
    agent.say(Some(&conversation), "Live again").await;
    assert_eq!(visitor.messages(1).await, vec![(5, "Live again".into())]);
    visitor.assert_no_message(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn internal_notes_never_reach_the_visitor() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let mut agent = Socket::agent(&app, &app.browser).await;
    let (mut visitor, token, conversation) = visitor_with_conversation(&app, &site_key, "Refund please").await;
    agent.send(json!({"type": "send", "client_id": uuid::Uuid::now_v7(), "conversation_id": conversation, "body": "Customer is angry", "private": true}))
        .await;
    agent.say(Some(&conversation), "Refund on its way").await;
    let agent_view = agent.messages(3).await;
    assert_eq!(agent_view[1], (2, "Customer is angry".into()));
    assert_eq!(visitor.messages(1).await, vec![(3, "Refund on its way".into())]);
    visitor.close().await;
    let (mut visitor, _) = Socket::visitor(&app, &token, json!({ conversation.clone(): 0 })).await;
    assert_eq!(visitor.messages(2).await, vec![(1, "Refund please".into()), (3, "Refund on its way".into())]);
    visitor.assert_no_message(Duration::from_millis(300)).await;

    // A visitor cannot write one.
    visitor
        .send(json!({"type": "send", "client_id": uuid::Uuid::now_v7(), "conversation_id": conversation, "body": "x", "private": true}))
        .await;
    assert_eq!(visitor.expect("error").await["code"], "forbidden");
}

#[tokio::test]
async fn a_visitor_cannot_touch_another_visitors_conversation() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let (_alice, _, alices) = visitor_with_conversation(&app, &site_key, "Alice's secret").await;
    let (token, _) = widget_session(&app, &site_key).await;
    let (mut mallory, _) = Socket::visitor(&app, &token, json!({ alices.clone(): 0 })).await;
    let error = mallory.expect("error").await;
    assert_eq!(error["code"], "not_found");
    let client_id = mallory.say(Some(&alices), "let me in").await;
    let error = mallory.expect("error").await;
    assert_eq!(error["code"], "not_found");
    assert_eq!(error["client_id"], client_id.as_str());
    mallory.send(json!({"type": "typing", "conversation_id": alices, "typing": true})).await;
    assert_eq!(mallory.expect("error").await["code"], "not_found");
    mallory.assert_no_message(Duration::from_millis(200)).await;
    assert_eq!(app.count("messages"), 1);
}

#[tokio::test]
async fn an_agent_of_another_workspace_cannot_reach_a_conversation() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let (_visitor, _, conversation) = visitor_with_conversation(&app, &site_key, "Hello").await;
    let bob = app.new_browser();
    bob.sign_up_ok(&Person::new("Bob")).await;
    let mut bobs_agent = Socket::agent(&app, &bob).await;
    bobs_agent.send(json!({"type": "hello"})).await;
    assert_eq!(bobs_agent.expect("error").await["code"], "already_authenticated");
    let client_id = bobs_agent.say(Some(&conversation), "Hijack").await;
    let error = bobs_agent.expect("error").await;
    assert_eq!((error["code"].as_str(), error["client_id"].as_str()), (Some("not_found"), Some(client_id.as_str())));
    bobs_agent.assert_no_message(Duration::from_millis(300)).await;
    assert_eq!(app.count("messages"), 1);
}

#[tokio::test]
async fn typing_and_read_frames_reach_the_other_side() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let mut agent = Socket::agent(&app, &app.browser).await;
    let (mut visitor, _, conversation) = visitor_with_conversation(&app, &site_key, "Hi").await;
    agent.expect("message").await;
    visitor.send(json!({"type": "typing", "conversation_id": conversation, "typing": true})).await;
    let typing = agent.expect("typing").await;
    assert_eq!((typing["typing"].as_bool(), typing["author"]["kind"].as_str()), (Some(true), Some("visitor")));
    agent.send(json!({"type": "read", "conversation_id": conversation, "seq": 1})).await;
    let read = visitor.expect("read").await;
    assert_eq!((read["seq"].as_i64(), read["reader"]["kind"].as_str()), (Some(1), Some("agent")));
    assert_eq!(app.query_string("SELECT agent_read_seq::text AS value FROM conversations").as_deref(), Some("1"));
}

#[tokio::test]
async fn bad_frames_get_an_error_and_the_socket_stays_open() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let (token, _) = widget_session(&app, &site_key).await;
    let mut socket = Socket::open(&app.address, &[]).await;
    socket.send(json!({"type": "send", "client_id": uuid::Uuid::now_v7(), "body": "too early"})).await;
    assert_eq!(socket.expect("error").await["code"], "hello_required");
    socket.send(json!({"type": "hello", "visitor_token": token})).await;
    socket.expect("welcome").await;

    socket.send_raw("this is not json".into()).await;
    assert_eq!(socket.expect("error").await["code"], "invalid_json");
    socket.send(json!({"type": "dance"})).await;
    assert_eq!(socket.expect("error").await["code"], "unknown_type");
    let client_id = uuid::Uuid::now_v7().to_string();
    socket.send(json!({"type": "send", "client_id": client_id})).await;
    let missing = socket.expect("error").await;
    assert_eq!((missing["code"].as_str(), missing["client_id"].as_str()), (Some("invalid_frame"), Some(client_id.as_str())));
    socket.send(json!({"type": "send", "client_id": uuid::Uuid::now_v7(), "body": "   "})).await;
    assert_eq!(socket.expect("error").await["code"], "empty_body");
    socket.send(json!({"type": "send", "client_id": uuid::Uuid::now_v7(), "body": "x".repeat(10_001)})).await;
    assert_eq!(socket.expect("error").await["code"], "body_too_long");
    assert_eq!(app.count("messages"), 0);
    // Still open and answering.
    socket.send(json!({"type": "ping"})).await;
    assert_eq!(socket.next().await["type"], "pong");
}

#[tokio::test]
async fn a_frame_over_64_kib_closes_the_socket_with_1009() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let (token, _) = widget_session(&app, &site_key).await;
    let (mut socket, _) = Socket::visitor(&app, &token, json!({})).await;
    socket.send(json!({"type": "send", "client_id": uuid::Uuid::now_v7(), "body": "x".repeat(70 * 1024)})).await;
    match socket.ended().await {
        Ended::Closed(Some((code, _))) => assert_eq!(code, CloseCode::Size),
        other => panic!("expected a 1009 close, got {other:?}"),
    }
    assert_eq!(app.count("messages"), 0);
}

#[tokio::test]
async fn a_flooding_client_is_closed_with_a_policy_violation() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let (token, _) = widget_session(&app, &site_key).await;
    let (mut socket, _) = Socket::visitor(&app, &token, json!({})).await;
    for _ in 0..300 {
        socket.send(json!({"type": "ping"})).await;
    }
    match socket.ended().await {
        Ended::Closed(Some((code, reason))) => {
            assert_eq!(code, CloseCode::Policy);
            assert!(reason.contains("too many frames"), "{reason}");
        }
        other => panic!("expected a policy close, got {other:?}"),
    }
}

#[tokio::test]
async fn pings_and_binary_frames_count_against_the_flood_limit_too() {
    use tokio_tungstenite::tungstenite::Message as WsMessage;
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let (token, _) = widget_session(&app, &site_key).await;
    for flood in [WsMessage::Ping(vec![1, 2, 3].into()), WsMessage::Binary(vec![0; 16].into())] {
        let (mut socket, _) = Socket::visitor(&app, &token, json!({})).await;
        for _ in 0..300 {
            socket.send_ws(flood.clone()).await;
        }
        match socket.ended().await {
            Ended::Closed(Some((code, reason))) => assert_eq!((code, reason.as_str()), (CloseCode::Policy, "too many frames; slow down")),
            other => panic!("expected a policy close for {flood:?}, got {other:?}"),
        }
    }
    // Before hello as well.
    let mut socket = Socket::open(&app.address, &[]).await;
    for _ in 0..300 {
        socket.send_ws(WsMessage::Ping(vec![].into())).await;
    }
    assert!(matches!(socket.ended().await, Ended::Closed(Some((CloseCode::Policy, _)))));
}

#[tokio::test]
async fn a_bad_visitor_token_is_refused_and_the_socket_closed() {
    let app = spawn_app().await;
    app.sign_up_workspace().await;
    let mut socket = Socket::open(&app.address, &[]).await;
    socket.send(json!({"type": "hello", "visitor_token": "vt_forged.token"})).await;
    assert_eq!(socket.expect("error").await["code"], "unauthorized");
    assert!(matches!(socket.ended().await, Ended::Closed(Some((CloseCode::Policy, _)))));
}

#[tokio::test]
async fn a_revoked_visitor_token_no_longer_opens_a_socket() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let (token, _) = widget_session(&app, &site_key).await;
    // Revoked behind Parlor's back: ending the session through the widget API would also close sockets.
    app.execute("UPDATE visitor_sessions SET revoked_at = now()");
    let mut socket = Socket::open(&app.address, &[]).await;
    socket.send(json!({"type": "hello", "visitor_token": token})).await;
    assert_eq!(socket.expect("error").await["code"], "unauthorized");
}

#[tokio::test]
async fn a_session_cookie_from_another_sites_page_does_not_open_an_agent_socket() {
    let app = spawn_app().await;
    app.sign_up_workspace().await;
    let mut socket =
        Socket::open(&app.address, &[("origin", "https://evil.example".into()), ("cookie", app.browser.cookie_header())]).await;
    socket.send(json!({"type": "hello"})).await;
    assert_eq!(socket.expect("error").await["code"], "unauthorized");
    assert!(matches!(socket.ended().await, Ended::Closed(Some((CloseCode::Policy, _)))));
}

/// The owner of `a`'s workspace signs in through instance `b` (sessions live in Postgres) and
/// opens an agent socket there, listening before anything is sent.
async fn agent_on_second_instance(a: &TestWorkspace<'_>, b: &TestApp) -> Socket {
    let agents_browser = b.new_browser();
    agents_browser.sign_in(&a.owner.person.email, crate::helpers::PASSWORD).await;
    let agent = Socket::agent(b, &agents_browser).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    agent
}

async fn two_instances_deliver_both_ways(nats: bool) {
    let configure = move |s: &mut parlor::config::Settings| {
        if nats {
            s.nats_url = Some(std::env::var("NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into()));
        }
    };
    let a = spawn_app_with(configure).await;
    let b = spawn_instance_of(&a, configure).await;
    let ws = a.sign_up_workspace().await;
    let site_key = &ws.site_key;
    let mut agent = agent_on_second_instance(&ws, &b).await;

    let (mut visitor, _, conversation) = visitor_with_conversation(&a, site_key, "Hello from instance A").await;
    assert_eq!(agent.messages(1).await, vec![(1, "Hello from instance A".into())]);
    agent.say(Some(&conversation), "Hello from instance B").await;
    assert_eq!(visitor.messages(1).await, vec![(2, "Hello from instance B".into())]);
}

#[tokio::test]
async fn two_instances_share_one_database_through_the_postgres_broker() {
    two_instances_deliver_both_ways(false).await;
}

#[tokio::test]
async fn two_instances_share_one_database_through_nats() {
    two_instances_deliver_both_ways(true).await;
}

#[tokio::test]
async fn a_lost_wakeup_is_repaired_from_postgres() {
    let a = spawn_app().await;
    let b = spawn_instance_of(&a, |_| {}).await;
    let ws = a.sign_up_workspace().await;
    let site_key = &ws.site_key;
    let mut agent = agent_on_second_instance(&ws, &b).await;
    let (_visitor, _, conversation) = visitor_with_conversation(&a, site_key, "one").await;
    assert_eq!(agent.messages(1).await, vec![(1, "one".into())]);

    // Another instance commits seq 2 and 3, but only the wake-up of 3 arrives: simulated in SQL,
    // as no route can commit without sending its wake-up.
    let (workspace_id, contact_id) = {
        let row = a
            .query_string(&format!(
                "SELECT workspace_id::text || ' ' || contact_id::text AS value FROM conversations WHERE id = '{conversation}'"
            ))
            .unwrap();
        let mut parts = row.split(' ').map(str::to_string);
        (parts.next().unwrap(), parts.next().unwrap())
    };
    let mut third = String::new();
    for (seq, body) in [(2, "two"), (3, "three")] {
        let id = uuid::Uuid::now_v7();
        a.execute(&format!("UPDATE conversations SET last_seq = {seq} WHERE id = '{conversation}'"));
        a.execute(&format!(
            "INSERT INTO messages (id, workspace_id, conversation_id, seq, client_id, author_kind, author_id, body) \
             VALUES ('{id}', '{workspace_id}', '{conversation}', {seq}, '{}', 'visitor', '{contact_id}', '{body}')",
            uuid::Uuid::now_v7()
        ));
        third = id.to_string();
    }
    let wakeup = parlor::realtime::broker::pack(
        uuid::Uuid::now_v7(),
        vec![parlor::realtime::broker::Wakeup::Message {
            // A workspace id is never parsed from text; a wake-up from another instance is decoded.
            w: serde_json::from_value(serde_json::json!(workspace_id)).unwrap(),
            c: contact_id.parse().unwrap(),
            m: third.parse().unwrap(),
            b: None,
        }],
        parlor::realtime::broker::MAX_PAYLOAD,
    )
    .remove(0);
    a.execute(&format!("SELECT pg_notify('{}', '{}')", parlor::realtime::broker::PG_CHANNEL, wakeup.replace('\'', "''")));
    assert_eq!(agent.messages(2).await, vec![(2, "two".into()), (3, "three".into())]);
    agent.assert_no_message(Duration::from_millis(300)).await;
}

/// A wake-up that carries its message is delivered from the copy, without reading Postgres: here
/// the message exists nowhere but in the envelope. A copy naming another workspace than its
/// wake-up is not used: the message is loaded by id instead, and is not found.
#[tokio::test]
async fn a_wakeup_carrying_its_message_is_delivered_from_the_copy() {
    let a = spawn_app().await;
    let b = spawn_instance_of(&a, |_| {}).await;
    let ws = a.sign_up_workspace().await;
    let mut agent = agent_on_second_instance(&ws, &b).await;
    let (_visitor, _, conversation) = visitor_with_conversation(&a, &ws.site_key, "one").await;
    assert_eq!(agent.messages(1).await, vec![(1, "one".into())]);
    let row = a
        .query_string(&format!(
            "SELECT workspace_id::text || ' ' || contact_id::text AS value FROM conversations WHERE id = '{conversation}'"
        ))
        .unwrap();
    let (workspace_id, contact_id) = row.split_once(' ').unwrap();
    let notify = |copy_workspace: &str, seq: i64, body: &str| {
        let id = uuid::Uuid::now_v7();
        let envelope = serde_json::json!({
            "o": uuid::Uuid::now_v7(),
            "e": [{
                "k": "m", "w": workspace_id, "c": contact_id, "m": id,
                "b": {
                    "id": id, "workspace_id": copy_workspace, "conversation_id": conversation, "contact_id": contact_id,
                    "seq": seq, "client_id": uuid::Uuid::now_v7(), "author_kind": "visitor", "author_id": contact_id,
                    "author_name": null, "author_avatar_url": null, "body": body, "private": false,
                    "created_at": "2026-12-03T07:00:00Z", "attachments": []
                }
            }]
        });
        format!("SELECT pg_notify('{}', '{}')", parlor::realtime::broker::PG_CHANNEL, envelope.to_string().replace('\'', "''"))
    };
    a.execute(&notify(workspace_id, 2, "carried"));
    assert_eq!(agent.messages(1).await, vec![(2, "carried".into())]);
    a.execute(&notify(&uuid::Uuid::now_v7().to_string(), 3, "forged"));
    agent.assert_no_message(Duration::from_millis(300)).await;
    assert_eq!(a.count("messages"), 1, "the carried message was never stored");
}

#[tokio::test]
async fn a_visitor_message_reopens_a_resolved_conversation() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let mut agent = ws.owner.socket().await;
    let (mut visitor, _, conversation) = visitor_with_conversation(&app, &ws.site_key, "Thanks, solved").await;
    agent.expect("message").await;
    ws.owner.sets_status(&conversation, "resolved").await;
    assert_eq!(agent.expect("conversation").await["status"], "resolved", "the agent sees it resolved first");
    visitor.say(Some(&conversation), "Actually, one more thing").await;
    assert_eq!(visitor.expect("ack").await["seq"], 2);
    let changed = agent.expect("conversation").await;
    assert_eq!((changed["conversation_id"].as_str(), changed["status"].as_str()), (Some(conversation.as_str()), Some("open")));
    // What is stored, not only what was broadcast.
    assert_eq!(app.query_string("SELECT status AS value FROM conversations").as_deref(), Some("open"));
    // An agent's message leaves the status alone.
    ws.owner.sets_status(&conversation, "pending").await;
    agent.say(Some(&conversation), "Sure, what is it?").await;
    assert_eq!(agent.expect("ack").await["seq"], 3);
    assert_eq!(app.query_string("SELECT status AS value FROM conversations").as_deref(), Some("pending"));
    assert!(changed["assignee_id"].is_null(), "nobody was assigned: {changed}");

    // Reopened, an assigned conversation's frame still names its assignee.
    let owner = app.query_string("SELECT id::text AS value FROM users").expect("the owner");
    app.execute(&format!("UPDATE conversations SET assignee_id = '{owner}'"));
    ws.owner.sets_status(&conversation, "resolved").await;
    assert_eq!(agent.expect("conversation").await["status"], "resolved");
    visitor.say(Some(&conversation), "And another thing").await;
    visitor.expect("ack").await;
    let changed = agent.expect("conversation").await;
    assert_eq!((changed["status"].as_str(), changed["assignee_id"].as_str()), (Some("open"), Some(owner.as_str())), "{changed}");
}

#[tokio::test]
async fn a_visitor_cannot_open_conversations_past_the_caps_and_nothing_is_stored() {
    let app = spawn_app_with(|s| {
        s.rate_limits.visitor_open_conversations = 2;
        s.rate_limits.visitor_new_conversations_per_day = 3;
    })
    .await;
    let ws = app.sign_up_workspace().await;
    let (token, _) = widget_session(&app, &ws.site_key).await;
    let (mut visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    let mut started = Vec::new();
    for n in 0..2 {
        visitor.say(None, &format!("Question {n}")).await;
        started.push(visitor.expect("ack").await["conversation_id"].as_str().unwrap().to_string());
    }
    let refused_id = visitor.say(None, "A third open one").await;
    let error = visitor.expect("error").await;
    assert_eq!(error["code"], "limit", "{error}");
    assert_eq!(error["client_id"], refused_id.as_str());
    assert!(error["message"].as_str().unwrap().contains("open conversations"), "{error}");
    assert_eq!(app.count("conversations"), 2);
    assert_eq!(app.count("messages"), 2);
    // Writing into an existing conversation is never limited.
    visitor.say(Some(&started[0]), "More about the first").await;
    assert_eq!(visitor.expect("ack").await["seq"], 2);

    // Once one is resolved, a new one may start; past three a day, none.
    ws.owner.sets_status(&started[1], "resolved").await;
    visitor.say(None, "A new topic").await;
    let new_topic = visitor.expect("ack").await["conversation_id"].as_str().unwrap().to_string();
    for conversation in [&started[0], &new_topic] {
        ws.owner.sets_status(conversation, "resolved").await;
    }
    visitor.say(None, "A fourth today").await;
    let error = visitor.expect("error").await;
    assert_eq!(error["code"], "limit");
    assert!(error["message"].as_str().unwrap().contains("24 hours"), "{error}");
    assert_eq!(app.count("conversations"), 3);
}

/// Agents see visitors come and go in `visitor_presence` frames, on this instance and on
/// another one, and never a visitor of another workspace.
#[tokio::test]
async fn agents_see_their_visitors_come_and_go_and_no_one_elses() {
    let app = spawn_app().await;
    let other = spawn_instance_of(&app, |_| {}).await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let bob = app.new_browser();
    let TestWorkspace { site_key: bobs_site_key, .. } = app.sign_up_workspace_as(&bob, Person::new("Bob")).await;
    let mut agent = Socket::agent(&app, &app.browser).await;
    let mut agent_elsewhere = Socket::agent(&other, &app.browser).await;
    let mut bobs_agent = Socket::agent(&app, &bob).await;

    let (token, visitor_id) = widget_session(&app, &site_key).await;
    let (visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    for socket in [&mut agent, &mut agent_elsewhere] {
        assert_eq!(socket.expect("visitor_presence").await, json!({"type": "visitor_presence", "online": [visitor_id], "offline": []}));
    }
    visitor.close().await;
    for socket in [&mut agent, &mut agent_elsewhere] {
        assert_eq!(socket.expect("visitor_presence").await, json!({"type": "visitor_presence", "online": [], "offline": [visitor_id]}));
    }

    // Had Bob's agent been told of the visitor above, that frame would come first.
    let (bobs_token, bobs_visitor_id) = widget_session(&app, &bobs_site_key).await;
    let (_bobs_visitor, _) = Socket::visitor(&app, &bobs_token, json!({})).await;
    assert_eq!(
        bobs_agent.expect("visitor_presence").await,
        json!({"type": "visitor_presence", "online": [bobs_visitor_id], "offline": []})
    );
}

/// Visitors never learn of one another: `visitor_presence` goes to agents only.
#[tokio::test]
async fn a_visitor_is_never_told_of_other_visitors() {
    let app = spawn_app().await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let mut agent = Socket::agent(&app, &app.browser).await;
    let (bystander_token, bystander_id) = widget_session(&app, &site_key).await;
    let (mut bystander, _) = Socket::visitor(&app, &bystander_token, json!({})).await;
    assert_eq!(agent.expect("visitor_presence").await["online"], json!([bystander_id]));

    let (token, visitor_id) = widget_session(&app, &site_key).await;
    let (visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    assert_eq!(agent.expect("visitor_presence").await["online"], json!([visitor_id]));
    visitor.close().await;
    assert_eq!(agent.expect("visitor_presence").await["offline"], json!([visitor_id]));
    // The agent has had both frames: had the bystander been sent them, they would be here too.
    while let Some(frame) = bystander.next_within(Duration::from_millis(300)).await {
        assert_ne!(frame["type"], "visitor_presence", "a visitor was told of another: {frame}");
    }
}

/// Many visitors coming online at once reach agents on another instance through the Postgres
/// broker, all of them: each `visitor_presence` frame fits one NOTIFY payload. (A frame of
/// 1,000 ids was refused by Postgres, the broker dropped its connection over it, and agents
/// elsewhere never saw those visitors.)
#[tokio::test]
async fn a_storm_of_visitors_reaches_agents_on_another_instance_through_postgres() {
    let app = spawn_app().await;
    let other = spawn_instance_of(&app, |_| {}).await;
    app.sign_up_workspace().await;
    let mut agent_elsewhere = Socket::agent(&other, &app.browser).await;
    let workspace_id: parlor::db::WorkspaceId =
        serde_json::from_value(json!(app.query_string("SELECT id::text AS value FROM workspaces").expect("the workspace"))).unwrap();
    // As a thousand visitor sockets opening here would note them, within one interval.
    let visitors: std::collections::BTreeSet<String> = (0..1_000).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    for visitor in &visitors {
        app.state.realtime.presence.note(workspace_id, parlor::db::ContactId(visitor.parse().unwrap()), true);
    }
    app.state.realtime.flush_presence();

    let mut announced = std::collections::BTreeSet::new();
    while announced.len() < visitors.len() {
        let frame = agent_elsewhere.expect("visitor_presence").await;
        assert_eq!(frame["offline"], json!([]), "{frame}");
        for id in frame["online"].as_array().expect("online ids") {
            assert!(announced.insert(id.as_str().expect("an id").to_string()), "announced twice: {id}");
        }
    }
    assert_eq!(announced, visitors);
}

/// Records what a broker hands its instance.
#[derive(Default)]
struct RecordingReceiver {
    frames: std::sync::Mutex<Vec<String>>,
    reconnects: std::sync::atomic::AtomicUsize,
}

impl parlor::realtime::broker::Receiver for RecordingReceiver {
    fn receive(&self, envelope: parlor::realtime::broker::Envelope) {
        for wakeup in envelope.e {
            if let parlor::realtime::broker::Wakeup::Frame { f, .. } = wakeup {
                self.frames.lock().unwrap().push(f);
            }
        }
    }

    fn reconnected(&self) {
        self.reconnects.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// An envelope that Postgres refuses (here a character the database's encoding lacks, as in a
/// typing frame with an emoji in the agent's name) is dropped, with the wake-ups packed with it:
/// the Postgres broker keeps its connection, so no socket is sent to catch up, and the next
/// envelope arrives.
#[tokio::test]
async fn a_wakeup_postgres_refuses_costs_the_postgres_broker_nothing_else() {
    use parlor::realtime::broker::{Broker, PgBroker, Wakeup};
    let database = crate::helpers::TestDatabase::create_latin1();
    let target = || parlor::db::tls::PgTarget::from_url(&database.url()).unwrap();
    let workspace: parlor::db::WorkspaceId = serde_json::from_value(json!(uuid::Uuid::now_v7())).unwrap();
    let frame = |text: &str| Wakeup::Frame { w: workspace, c: None, a: true, f: text.to_string() };
    let (sending, listening) = (std::sync::Arc::new(RecordingReceiver::default()), std::sync::Arc::new(RecordingReceiver::default()));
    let sender = PgBroker::start(target(), uuid::Uuid::now_v7(), sending.clone());
    let _listener = PgBroker::start(target(), uuid::Uuid::now_v7(), listening.clone());
    let received = |text: &str| listening.frames.lock().unwrap().iter().any(|f| f == text);

    // Both connections are up once a probe gets through.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !received("probe") {
        assert!(std::time::Instant::now() < deadline, "the brokers never connected");
        sender.publish(vec![frame("probe")]);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    sender.publish(vec![frame("typing \u{1F600}")]);
    // Later, so that it goes in an envelope of its own.
    tokio::time::sleep(Duration::from_millis(200)).await;
    sender.publish(vec![frame("after")]);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !received("after") {
        assert!(std::time::Instant::now() < deadline, "what followed the refused wake-up never arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A reconnect would have come 0.5 s after the refusal.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(!received("typing \u{1F600}"), "LATIN1 has no emoji: Postgres cannot have sent it");
    assert_eq!(sending.reconnects.load(std::sync::atomic::Ordering::SeqCst), 0, "the sending broker kept its connection");
    assert_eq!(listening.reconnects.load(std::sync::atomic::Ordering::SeqCst), 0);
}

/// The reads of many hellos share one statement (`conversations::batched_reads`): whatever
/// shares it, each socket's range reads only its own workspace's rows, a visitor only its own
/// conversations and never a note.
#[tokio::test]
async fn reads_made_together_stay_within_each_sockets_workspace_and_audience() {
    use diesel::{Connection, PgConnection};
    use parlor::{
        conversations::{
            Audience,
            batched_reads::{MissedRange, conversations_of_visitors, messages_after_each},
        },
        db::{ContactId, ConversationId, WorkspaceId},
    };

    let app = spawn_app().await;
    let ada = app.sign_up_workspace().await;
    let bob = app.sign_up_workspace_as(&app.new_browser(), Person::new("Bob")).await;
    let (alice, alices) = ada.visitor_says("Alice in A").await;
    let mut ada_socket = ada.owner.socket().await;
    ada_socket
        .send(
            json!({"type": "send", "client_id": uuid::Uuid::now_v7(), "conversation_id": alices, "body": "Note on Alice", "private": true}),
        )
        .await;
    ada_socket.expect("ack").await;
    ada.owner.replies(&alices, "Hello Alice").await;
    let (carol, carols) = bob.visitor_says("Carol in B").await;
    bob.owner.replies(&carols, "Hello Carol").await;

    let workspace = |id: &str| -> WorkspaceId { serde_json::from_value(json!(id)).unwrap() };
    let (a, b) = (workspace(&ada.id), workspace(&bob.id));
    let contact = |id: &str| ContactId(id.parse().unwrap());
    let (alice_id, carol_id) = (contact(&alice.contact_id), contact(&carol.contact_id));
    let conversation = |id: &str| ConversationId(id.parse().unwrap());
    let (in_a, in_b) = (conversation(&alices), conversation(&carols));
    let range = |workspace_id, audience, conversation_id, after| MissedRange { workspace_id, audience, conversation_id, after };

    let mut conn = PgConnection::establish(&app.database.url()).unwrap();
    let pages = messages_after_each(
        &mut conn,
        &[
            range(a, Audience::Visitor(alice_id), in_a, 0),
            range(a, Audience::Agents, in_a, 0),
            // A's conversation asked for within B, and within A for a visitor who is not its own.
            range(b, Audience::Visitor(carol_id), in_a, 0),
            range(b, Audience::Agents, in_a, 0),
            range(a, Audience::Visitor(carol_id), in_a, 0),
            range(b, Audience::Visitor(carol_id), in_b, 1),
            // The same conversation twice in one statement, from two places.
            range(a, Audience::Visitor(alice_id), in_a, 2),
        ],
        500,
    )
    .unwrap();
    let bodies: Vec<Vec<(i64, &str)>> = pages.iter().map(|page| page.iter().map(|m| (m.seq, m.body.as_str())).collect()).collect();
    assert_eq!(
        bodies,
        vec![
            vec![(1, "Alice in A"), (3, "Hello Alice")],
            vec![(1, "Alice in A"), (2, "Note on Alice"), (3, "Hello Alice")],
            vec![],
            vec![],
            vec![],
            vec![(2, "Hello Carol")],
            vec![(3, "Hello Alice")],
        ]
    );
    assert!(pages.iter().flatten().all(|m| m.workspace_id == a || m.workspace_id == b));
    assert_eq!(pages[5][0].workspace_id, b);

    let lists = conversations_of_visitors(&mut conn, &[(a, alice_id), (b, carol_id), (b, alice_id), (a, carol_id)]).unwrap();
    let ids: Vec<Vec<ConversationId>> = lists.iter().map(|list| list.iter().map(|c| c.id).collect()).collect();
    assert_eq!(ids, vec![vec![in_a], vec![in_b], vec![], vec![]]);
}

/// A reconnect storm over two workspaces: hellos read together, each visitor welcomed with its
/// own conversation and what it missed, and refused another's.
#[tokio::test]
async fn visitors_of_two_workspaces_reconnecting_at_once_each_get_only_their_own() {
    let app = spawn_app().await;
    let ada = app.sign_up_workspace().await;
    let bob = app.sign_up_workspace_as(&app.new_browser(), Person::new("Bob")).await;
    let mut visitors = Vec::new();
    for (workspace, name) in [(&ada, "A"), (&bob, "B")] {
        for n in 0..12 {
            let (visitor, conversation) = workspace.visitor_says(&format!("{name}{n} asks")).await;
            workspace.owner.replies(&conversation, &format!("{name}{n} answered")).await;
            visitors.push((visitor, conversation, format!("{name}{n}")));
        }
    }
    let foreign = visitors[12].1.clone();
    let mut reconnecting = Vec::new();
    for (visitor, conversation, name) in visitors {
        visitor.socket.close().await;
        let app = &app;
        let foreign = foreign.clone();
        reconnecting.push(async move {
            // Everyone also claims a conversation of workspace B's first visitor.
            let resume = if foreign == conversation {
                json!({ conversation.clone(): 1 })
            } else {
                json!({ conversation.clone(): 1, foreign.clone(): 0 })
            };
            let (mut socket, welcome) = Socket::visitor(app, &visitor.token, resume).await;
            (socket_outcome(&mut socket, &welcome, &conversation, &foreign).await, name)
        });
    }
    for (outcome, name) in futures_util::future::join_all(reconnecting).await {
        let (listed, missed, refused) = outcome;
        assert_eq!(listed, 1, "{name}: the welcome lists its one conversation");
        assert_eq!(missed, vec![(2, format!("{name} answered"))], "{name}: exactly what it missed");
        assert_eq!(refused, name != "B0", "{name}: another visitor's conversation is not found");
    }
}

/// What a reconnected visitor socket shows: how many conversations its welcome lists, the
/// messages it is sent, and whether another's conversation was refused.
async fn socket_outcome(socket: &mut Socket, welcome: &Value, own: &str, foreign: &str) -> (usize, Vec<(i64, String)>, bool) {
    let listed = welcome["conversations"].as_array().map(Vec::len).unwrap_or(0);
    assert!(welcome["conversations"].as_array().unwrap().iter().all(|c| c["id"] == own));
    let (mut missed, mut refused) = (Vec::new(), false);
    // Until the missed message is in, then until the socket falls quiet.
    while let Some(frame) = socket.next_within(Duration::from_millis(if missed.is_empty() { 5_000 } else { 500 })).await {
        match frame["type"].as_str() {
            Some("message") => missed.push((frame["seq"].as_i64().unwrap(), frame["body"].as_str().unwrap().to_string())),
            Some("error") => {
                assert_eq!(frame["code"], "not_found");
                assert_eq!(frame["conversation_id"], foreign);
                refused = true;
            }
            _ => {}
        }
    }
    (listed, missed, refused)
}

#[tokio::test]
async fn a_socket_handshake_sets_no_cookie_while_a_page_still_gets_its_csrf_cookie() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let app = spawn_app().await;

    // The widget's socket, opened from a customer's page with no cookie of Parlor's.
    let mut request = format!("{}/ws", app.address.replace("http://", "ws://")).into_client_request().unwrap();
    request.headers_mut().insert("origin", "https://shop.example".parse().unwrap());
    let (mut socket, response) = tokio_tungstenite::connect_async(request).await.expect("WebSocket upgrade");
    assert_eq!(response.status().as_u16(), 101);
    let cookies: Vec<_> = response.headers().get_all("set-cookie").iter().collect();
    assert!(cookies.is_empty(), "the handshake set {cookies:?}");
    futures_util::SinkExt::close(&mut socket).await.ok();

    // A page answered to the same cookie-less browser still sets the CSRF cookie.
    let page = reqwest::Client::new().get(format!("{}/login", app.address)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let set: Vec<String> = page.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    assert!(set.iter().any(|c| c.starts_with("parlor_csrf=")), "the page set {set:?}");
}
