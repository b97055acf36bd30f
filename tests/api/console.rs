//! The admin console beyond the team: business hours and offline mode, email follow-up through
//! Postgres jobs (retried against a real SMTP server), signed webhooks with their delivery
//! log, privacy (exports, deletions, retention), the audit log, and the role matrix of every
//! route added here.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hmac::{Hmac, Mac};
use parlor::config::MailSettings;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::{
    helpers::{Browser, Person, TempDir, TestApp, TestWorkspace, location, spawn_app, spawn_app_with, start_smtp_sink, unescape_html},
    socket_client::{Socket, widget_session},
    team::{invite, join_as_new},
};

/// A visitor (with an email, if given) writes; returns their token and the conversation id.
async fn visitor_writes(app: &TestApp, site_key: &str, email: Option<&str>, body: &str) -> (Socket, String, String) {
    let (token, _) = widget_session(app, site_key).await;
    if let Some(email) = email {
        let response = reqwest::Client::new()
            .post(format!("{}/api/widget/v1/context", app.address))
            .body(json!({"visitor_token": token, "email": email}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204, "{}", response.text().await.unwrap_or_default());
    }
    let (mut visitor, _) = Socket::visitor(app, &token, json!({})).await;
    visitor.say(None, body).await;
    let ack = visitor.expect("ack").await;
    (visitor, token, ack["conversation_id"].as_str().unwrap().to_string())
}

async fn reply(browser: &Browser, workspace: &str, conversation: &str, body: &str) {
    let response = browser.post_form(&format!("/app/{workspace}/inbox/{conversation}/reply"), &[("body", body)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
}

/// Moves a conversation's last activity into the past, as if time went by (behind the API: no
/// route moves time).
fn age_conversation(app: &TestApp, conversation: &str, seconds: i64) {
    app.execute(&format!("UPDATE conversations SET last_message_at = now() - interval '{seconds} seconds' WHERE id = '{conversation}'"));
}

fn emails_to(app: &TestApp, to: &str) -> Vec<parlor::email::Email> {
    app.outbox().into_iter().filter(|e| e.to == to).collect()
}

/// Waits `wait` and asserts that no further email reached `to`.
async fn assert_no_more_email(app: &TestApp, to: &str, expected: usize, wait: Duration) {
    tokio::time::sleep(wait).await;
    assert_eq!(emails_to(app, to).len(), expected, "outbox: {:#?}", emails_to(app, to));
}

fn weekday_today_utc() -> usize {
    time::OffsetDateTime::now_utc().weekday().number_days_from_monday() as usize
}

async fn save_hours(app: &TestApp, workspace: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut form = vec![("time_zone", "UTC"), ("offline_message", "Back tomorrow at nine."), ("follow_up_minutes", "2")];
    form.extend_from_slice(fields);
    app.browser.post_form(&format!("/app/{workspace}/settings/availability"), &form).await
}

async fn session_availability(app: &TestApp, site_key: &str) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/sessions", app.address))
        .json(&json!({"site_key": site_key}))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    body["availability"].clone()
}

#[tokio::test]
async fn business_hours_decide_what_the_widget_says_and_bad_hours_change_nothing() {
    let app = spawn_app().await;
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace().await;
    assert_eq!(session_availability(&app, &site_key).await["within_hours"], true, "hours off: always open");

    // Open only on a day that is not today.
    let other_day = ((weekday_today_utc() + 3) % 7).to_string();
    let (open, opens, closes) = (format!("open_{other_day}"), format!("opens_{other_day}"), format!("closes_{other_day}"));
    let saved = save_hours(&app, &workspace, &[("hours_enabled", "on"), (&open, "on"), (&opens, "00:00"), (&closes, "24:00")]).await;
    assert_eq!(location(&saved), format!("/app/{workspace}/settings/availability?notice=availability_saved"));
    let availability = session_availability(&app, &site_key).await;
    assert_eq!(availability["within_hours"], false);
    assert_eq!(availability["offline_message"], "Back tomorrow at nine.");

    // Bad input: reversed hours, an unknown zone, a delay out of range. Nothing changes.
    let bad = app
        .browser
        .post_form(
            &format!("/app/{workspace}/settings/availability"),
            &[
                ("hours_enabled", "on"),
                ("time_zone", "Mars/Olympus"),
                ("offline_message", "x"),
                ("follow_up_minutes", "0"),
                ("open_0", "on"),
                ("opens_0", "17:00"),
                ("closes_0", "09:00"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = unescape_html(&bad.text().await.unwrap());
    assert!(page.contains("Monday: closing time must come after opening time."), "{page}");
    assert!(page.contains("\"Mars/Olympus\" is not a time zone"));
    assert!(page.contains("Wait between 0.5 and 1440 minutes"));
    // What is stored: the refused form changed nothing.
    assert_eq!(app.query_string("SELECT time_zone AS value FROM workspaces").unwrap(), "UTC");
    assert_eq!(session_availability(&app, &site_key).await["within_hours"], false);

    // Every day, all day: open.
    let mut all_days: Vec<(String, &str)> = Vec::new();
    for day in 0..7 {
        all_days.push((format!("open_{day}"), "on"));
        all_days.push((format!("opens_{day}"), "00:00"));
        all_days.push((format!("closes_{day}"), "24:00"));
    }
    let mut fields: Vec<(&str, &str)> = all_days.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    fields.push(("hours_enabled", "on"));
    assert_eq!(save_hours(&app, &workspace, &fields).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(session_availability(&app, &site_key).await["within_hours"], true);
    let log = app.browser.get_html(&format!("/app/{workspace}/settings/audit")).await;
    assert!(log.contains("Changed business hours and follow-up"), "{log}");
}

#[tokio::test]
async fn outside_hours_a_visitor_message_is_emailed_to_the_team_once() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace_as(&app.browser, ada.clone()).await;
    let other_day = ((weekday_today_utc() + 3) % 7).to_string();
    let (open, opens, closes) = (format!("open_{other_day}"), format!("opens_{other_day}"), format!("closes_{other_day}"));
    save_hours(&app, &workspace, &[("hours_enabled", "on"), (&open, "on"), (&opens, "09:00"), (&closes, "17:00")]).await;

    let (_visitor, _, conversation) = visitor_writes(&app, &site_key, None, "Is the shop open on Sunday?").await;
    // A burst is let settle 15 s; make it older than that.
    age_conversation(&app, &conversation, 20);
    let email = app.wait_for_email(&ada.email, "is waiting for an answer").await;
    assert!(email.text.contains("outside your business hours"), "{}", email.text);
    assert!(email.text.contains("Is the shop open on Sunday?"));
    assert!(email.text.contains(&format!("/app/{workspace}/inbox/{conversation}")));
    assert_no_more_email(&app, &ada.email, 1 + 1, Duration::from_millis(600)).await;
}

#[tokio::test]
async fn within_hours_agents_hear_of_a_message_nobody_read_and_not_of_one_they_read() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace_as(&app.browser, ada.clone()).await;
    let (_visitor, _, unread) = visitor_writes(&app, &site_key, None, "Hello? Anyone?").await;
    let (_other, _, answered) = visitor_writes(&app, &site_key, None, "Where is my parcel?").await;
    reply(&app.browser, &workspace, &answered, "On its way!").await;

    // Within the follow-up delay (2 minutes by default) nothing is sent.
    age_conversation(&app, &unread, 60);
    assert_no_more_email(&app, &ada.email, 1, Duration::from_millis(600)).await;
    age_conversation(&app, &unread, 180);
    age_conversation(&app, &answered, 180);
    let email = app.wait_for_email(&ada.email, "is waiting for an answer").await;
    assert!(email.text.contains("no one has read it yet") && email.text.contains("Hello? Anyone?"), "{}", email.text);
    assert!(!email.text.contains("Where is my parcel?"));
    assert_no_more_email(&app, &ada.email, 2, Duration::from_millis(600)).await;
}

#[tokio::test]
async fn unseen_replies_are_emailed_to_the_visitor_once_batched_and_not_when_read() {
    let app = spawn_app().await;
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace().await;
    let (visitor, _, conversation) = visitor_writes(&app, &site_key, Some("grace@example.com"), "Do you ship to Norway?").await;
    drop(visitor);
    reply(&app.browser, &workspace, &conversation, "Yes, we do.").await;
    reply(&app.browser, &workspace, &conversation, "Shipping takes 3 days.").await;
    // A private note is never emailed.
    let note = app
        .browser
        .post_form(&format!("/app/{workspace}/inbox/{conversation}/reply"), &[("body", "VIP customer"), ("private", "on")])
        .await;
    assert_eq!(note.status(), StatusCode::SEE_OTHER);
    assert_no_more_email(&app, "grace@example.com", 0, Duration::from_millis(500)).await;

    age_conversation(&app, &conversation, 150);
    let email = app.wait_for_email("grace@example.com", "2 new replies from Ada's Shop").await;
    assert!(email.text.contains("Yes, we do.") && email.text.contains("Shipping takes 3 days."), "{}", email.text);
    assert!(!email.text.contains("VIP customer"));
    // Once: later sweeps send nothing more.
    assert_no_more_email(&app, "grace@example.com", 1, Duration::from_millis(600)).await;

    // A visitor who has read the reply gets no email.
    let (mut reader, token, read_conversation) = visitor_writes(&app, &site_key, Some("lin@example.com"), "Hi").await;
    reply(&app.browser, &workspace, &read_conversation, "Hello Lin!").await;
    let reply_seq = reader.messages(2).await.last().unwrap().0;
    reader.send(json!({"type": "read", "conversation_id": read_conversation, "seq": reply_seq})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    age_conversation(&app, &read_conversation, 150);
    assert_no_more_email(&app, "lin@example.com", 0, Duration::from_millis(700)).await;
    let _ = token;
}

#[tokio::test]
async fn members_who_opt_in_get_an_email_for_each_new_conversation() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace_as(&app.browser, ada.clone()).await;
    let saved = app.browser.post_form(&format!("/app/{workspace}/settings/notifications"), &[("email_new_conversations", "on")]).await;
    assert_eq!(location(&saved), format!("/app/{workspace}/settings/notifications?notice=notifications_saved"));
    let (_visitor, _, conversation) = visitor_writes(&app, &site_key, None, "First question").await;
    let email = app.wait_for_email(&ada.email, "New conversation in Ada's Shop").await;
    assert!(email.text.contains("First question") && email.text.contains(&conversation), "{}", email.text);
    // Opting out stops them.
    app.browser.post_form(&format!("/app/{workspace}/settings/notifications"), &[]).await;
    visitor_writes(&app, &site_key, None, "Second question").await;
    assert_no_more_email(&app, &ada.email, 2, Duration::from_millis(600)).await;
}

#[tokio::test]
async fn new_conversation_notices_come_at_most_once_a_minute_and_batch_what_started_meanwhile() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace_as(&app.browser, ada.clone()).await;
    app.browser.post_form(&format!("/app/{workspace}/settings/notifications"), &[("email_new_conversations", "on")]).await;
    let (_first, _, first) = visitor_writes(&app, &site_key, None, "First question").await;
    let email = app.wait_for_email(&ada.email, "New conversation in Ada's Shop").await;
    assert!(email.text.contains(&first), "the first of a quiet spell goes out at once");

    // Three more visitors within the minute: no email now, one waiting job for all of them.
    let mut later = Vec::new();
    for n in 2..=4 {
        let (socket, _, conversation) = visitor_writes(&app, &site_key, None, &format!("Question number {n}")).await;
        later.push((socket, conversation));
    }
    // Her address's confirmation, and the first notice.
    assert_no_more_email(&app, &ada.email, 2, Duration::from_millis(500)).await;
    // The job's due time is not shown anywhere.
    let waiting = app.query_string(
        "SELECT count(*)::text AS value FROM jobs WHERE kind = 'new_conversation' AND done_at IS NULL AND run_at > now() + interval '50 seconds'",
    );
    assert_eq!(waiting.as_deref(), Some("1"), "one notice job, a minute after the first");

    // A minute later (the clock moved on for the job), one digest names all three.
    // Brings the job forward: waiting a minute is no test.
    app.execute("UPDATE jobs SET run_at = now() WHERE kind = 'new_conversation' AND done_at IS NULL");
    let digest = app.wait_for_email(&ada.email, "3 new conversations in Ada's Shop").await;
    for (n, (_, conversation)) in (2..=4).zip(&later) {
        assert!(digest.text.contains(&format!("Question number {n}")) && digest.text.contains(conversation.as_str()), "{}", digest.text);
    }
    assert_no_more_email(&app, &ada.email, 3, Duration::from_millis(600)).await;
}

/// An email job whose SMTP server is down fails, is retried later with backoff, and goes
/// through once the server is back; it is sent once.
#[tokio::test]
async fn email_jobs_retry_with_backoff_until_the_smtp_server_answers() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let app = spawn_app_with(move |s| s.mail = MailSettings::Smtp(format!("smtp://127.0.0.1:{port}").into())).await;
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace().await;
    let (_visitor, _, conversation) = visitor_writes(&app, &site_key, Some("grace@example.com"), "Hello").await;
    reply(&app.browser, &workspace, &conversation, "Welcome!").await;
    age_conversation(&app, &conversation, 150);

    // Nothing listens on the port: the job fails and waits for its retry.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let failed = app.query_string(
            "SELECT (attempts::text || ' ' || (run_at > now() + interval '20 seconds')::text) AS value FROM jobs WHERE kind = 'reply_follow_up' AND last_error IS NOT NULL",
        );
        if let Some(state) = failed {
            assert_eq!(state, "1 true", "one attempt, next one about 30 s later");
            break;
        }
        assert!(Instant::now() < deadline, "the job never failed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The SMTP server comes up; the retry is due.
    let spool = TempDir::new();
    let mut server = start_smtp_sink(port, &spool.path).await;
    // Brings the retry forward: waiting out the backoff is no test.
    app.execute("UPDATE jobs SET run_at = now() WHERE kind = 'reply_follow_up'");

    let deadline = Instant::now() + Duration::from_secs(10);
    let message = loop {
        let files: Vec<_> = std::fs::read_dir(&spool.path)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .collect();
        if let Some(file) = files.first() {
            assert_eq!(files.len(), 1);
            break std::fs::read_to_string(file.path()).unwrap();
        }
        assert!(Instant::now() < deadline, "the retried email never arrived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(message.contains("Subject: New reply from Ada's Shop"), "{message}");
    assert!(message.contains("To: grace@example.com"));
    assert!(message.contains("Welcome!"));
    // The worker marks the job done after the SMTP server has taken the email: wait for it.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let done = app.query_string(
            "SELECT (attempts::text || ' ' || (done_at IS NOT NULL)::text) AS value FROM jobs WHERE kind = 'reply_follow_up'",
        );
        if done.as_deref() == Some("2 true") {
            break;
        }
        assert_eq!(done.as_deref(), Some("2 false"), "a second attempt, still finishing");
        assert!(Instant::now() < deadline, "the job was never marked done");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        std::fs::read_dir(&spool.path).unwrap().filter_map(|e| e.ok()).filter(|e| e.path().extension().is_some_and(|x| x == "eml")).count(),
        1,
        "sent once"
    );
    server.kill().await.ok();
}

/// What the test receiver got: headers of interest and the body.
#[derive(Clone, Debug)]
pub(crate) struct Received {
    pub(crate) id: String,
    pub(crate) timestamp: String,
    pub(crate) signature: String,
    pub(crate) body: String,
}

/// A real HTTP server that records each POST and answers with `status`.
pub(crate) async fn receiver(status: u16) -> (String, Arc<Mutex<Vec<Received>>>) {
    let received: Arc<Mutex<Vec<Received>>> = Arc::default();
    let log = received.clone();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = HttpServer::new(move || {
        let log = log.clone();
        App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
            let log = log.clone();
            async move {
                let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                log.lock().unwrap().push(Received {
                    id: header("parlor-webhook-id"),
                    timestamp: header("parlor-webhook-timestamp"),
                    signature: header("parlor-webhook-signature"),
                    body: String::from_utf8_lossy(&body).to_string(),
                });
                HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).body("ok")
            }
        }))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}/hooks/parlor"), received)
}

pub(crate) async fn wait_for_events(received: &Arc<Mutex<Vec<Received>>>, count: usize) -> Vec<Received> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let got = received.lock().unwrap().clone();
        if got.len() >= count {
            return got;
        }
        assert!(Instant::now() < deadline, "only {} of {count} deliveries arrived: {got:#?}", got.len());
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn expected_signature(secret: &str, timestamp: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Adds an endpoint through the console; returns its id and signing secret.
pub(crate) async fn add_endpoint(app: &TestApp, workspace: &str, url: &str, events: &[&str]) -> (String, String) {
    let mut form = vec![("url", url)];
    form.extend(events.iter().map(|e| (*e, "on")));
    let response = app.browser.post_form(&format!("/app/{workspace}/settings/webhooks"), &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
    let page_path = location(&response);
    let id = page_path.trim_start_matches(&format!("/app/{workspace}/settings/webhooks/")).split('?').next().unwrap().to_string();
    let page = app.browser.get_html(&page_path).await;
    let start = page.find("whsec_").expect("the secret is shown");
    (id, page[start..start + 6 + 48].to_string())
}

#[tokio::test]
async fn webhooks_are_signed_and_carry_conversation_message_and_status_events() {
    let app = spawn_app().await;
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace().await;
    let (url, received) = receiver(200).await;
    let (endpoint, secret) =
        add_endpoint(&app, &workspace, &url, &["conversation_created", "message_created", "conversation_status_changed"]).await;

    let (_visitor, _, conversation) = visitor_writes(&app, &site_key, None, "Hello <b>there</b>").await;
    let resolved = app.browser.post_form(&format!("/app/{workspace}/inbox/{conversation}/status"), &[("status", "resolved")]).await;
    assert_eq!(resolved.status(), StatusCode::SEE_OTHER);
    let got = wait_for_events(&received, 3).await;
    let mut types = Vec::new();
    for delivery in &got {
        assert_eq!(delivery.signature, expected_signature(&secret, &delivery.timestamp, &delivery.body), "signature over timestamp.body");
        let age = time::OffsetDateTime::now_utc().unix_timestamp() - delivery.timestamp.parse::<i64>().unwrap();
        assert!((0..60).contains(&age), "timestamp is now");
        let event: Value = serde_json::from_str(&delivery.body).unwrap();
        assert_eq!(event["id"], delivery.id.as_str());
        assert_eq!(event["workspace_id"], workspace.as_str());
        types.push(event["type"].as_str().unwrap().to_string());
        match event["type"].as_str().unwrap() {
            "conversation.created" => assert_eq!(event["data"]["conversation"]["id"], conversation.as_str()),
            "message.created" => assert_eq!(event["data"]["message"]["body"], "Hello <b>there</b>"),
            "conversation.status_changed" => assert_eq!(event["data"]["conversation"]["status"], "resolved"),
            other => panic!("unexpected event {other}"),
        }
    }
    types.sort();
    assert_eq!(types, ["conversation.created", "conversation.status_changed", "message.created"]);

    // The console shows each delivery with its response code.
    let page = app.browser.get_html(&format!("/app/{workspace}/settings/webhooks/{endpoint}")).await;
    assert_eq!(page.matches("HTTP 200").count(), 3, "{page}");
    assert!(page.contains("Delivered"));

    // A paused endpoint gets nothing; the test button sends a ping regardless of events.
    let paused = app.browser.post_form(&format!("/app/{workspace}/settings/webhooks/{endpoint}"), &[("message_created", "on")]).await;
    assert_eq!(paused.status(), StatusCode::SEE_OTHER);
    visitor_writes(&app, &site_key, None, "Anyone?").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(received.lock().unwrap().len(), 3);
    app.browser.post_form(&format!("/app/{workspace}/settings/webhooks/{endpoint}/test"), &[]).await;
    let got = wait_for_events(&received, 4).await;
    assert!(got[3].body.contains("\"type\":\"ping\""), "{}", got[3].body);
}

/// A message into an existing conversation learns whether its workspace has an endpoint with
/// the lock of its conversation: a workspace without one records nothing, and an endpoint
/// added later gets every message stored after it, the visitor's and the agent's alike.
#[tokio::test]
async fn an_endpoint_added_during_a_conversation_gets_every_message_stored_after_it() {
    let app = spawn_app().await;
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace().await;
    let (mut visitor, _, conversation) = visitor_writes(&app, &site_key, None, "First").await;
    visitor.say(Some(&conversation), "Second, before any endpoint").await;
    visitor.expect("ack").await;
    reply(&app.browser, &workspace, &conversation, "A reply before any endpoint").await;
    assert_eq!(app.query_string("SELECT count(*)::text AS value FROM webhook_deliveries").as_deref(), Some("0"));

    let (url, received) = receiver(200).await;
    add_endpoint(&app, &workspace, &url, &["message_created"]).await;
    visitor.say(Some(&conversation), "Third, after the endpoint").await;
    visitor.expect("ack").await;
    reply(&app.browser, &workspace, &conversation, "A reply after the endpoint").await;
    let got = wait_for_events(&received, 2).await;
    let mut bodies: Vec<String> = got
        .iter()
        .map(|delivery| serde_json::from_str::<Value>(&delivery.body).unwrap()["data"]["message"]["body"].as_str().unwrap().to_string())
        .collect();
    bodies.sort();
    assert_eq!(bodies, ["A reply after the endpoint", "Third, after the endpoint"]);
    // Nothing stored before the endpoint follows late.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(received.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn failed_deliveries_are_retried_with_backoff_and_given_up_after_a_day() {
    let app = spawn_app().await;
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace().await;
    let (url, received) = receiver(500).await;
    let (endpoint, _) = add_endpoint(&app, &workspace, &url, &["message_created"]).await;
    visitor_writes(&app, &site_key, None, "Hello").await;
    wait_for_events(&received, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The delivery's next attempt is stored, not shown.
    let state = app.query_string(
        "SELECT state || ' ' || attempts || ' ' || response_status || ' ' || (next_attempt_at > now() + interval '20 seconds') AS value FROM webhook_deliveries",
    );
    assert_eq!(state.as_deref(), Some("pending 1 500 true"), "retried later, not at once");
    assert_eq!(received.lock().unwrap().len(), 1);
    let page = app.browser.get_html(&format!("/app/{workspace}/settings/webhooks/{endpoint}")).await;
    assert!(page.contains("HTTP 500") && page.contains("the endpoint answered 500"), "{page}");

    // The retry comes; still failing, and the event is now more than a day old: given up.
    // Ages the delivery by a day: waiting it out is no test.
    app.execute("UPDATE webhook_deliveries SET next_attempt_at = now(), created_at = now() - interval '24 hours'");
    wait_for_events(&received, 2).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.query_string("SELECT state || ' ' || attempts AS value FROM webhook_deliveries").as_deref(), Some("failed 2"));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(received.lock().unwrap().len(), 2, "no more tries");
}

#[tokio::test]
async fn endpoints_are_validated_and_private_networks_refused_when_not_allowed() {
    let app = spawn_app_with(|s| s.webhooks_allow_private_networks = false).await;
    let TestWorkspace { id: workspace, .. } = app.sign_up_workspace().await;
    for (url, events, error) in [
        ("not a url", vec!["message_created"], "Enter a full URL"),
        ("ftp://example.com/x", vec!["message_created"], "must start with https://"),
        ("http://127.0.0.1:9/hook", vec!["message_created"], "private network"),
        ("http://169.254.169.254/latest", vec!["message_created"], "private network"),
        ("https://example.com/hook", vec![], "Choose at least one event"),
    ] {
        let mut form = vec![("url", url)];
        form.extend(events.iter().map(|e| (*e, "on")));
        let response = app.browser.post_form(&format!("/app/{workspace}/settings/webhooks"), &form).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(unescape_html(&response.text().await.unwrap()).contains(error), "{url}: {error}");
    }
    assert_eq!(app.count("webhook_endpoints"), 0);
}

#[tokio::test]
async fn contacts_are_exported_and_deleted_with_all_their_messages() {
    let app = spawn_app().await;
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace().await;
    let (_visitor, _, conversation) = visitor_writes(&app, &site_key, Some("grace@example.com"), "My order 1234 is late").await;
    reply(&app.browser, &workspace, &conversation, "Sorry, checking now").await;
    let (_other, _, kept) = visitor_writes(&app, &site_key, None, "Unrelated").await;
    let contact = app.browser.contact_of(&workspace, &conversation).await;

    let export = app.browser.get(&format!("/app/{workspace}/contacts/{contact}/export")).await;
    assert_eq!(export.status(), 200);
    assert!(export.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let document: Value = export.json().await.unwrap();
    assert_eq!(document["contact"]["email"], "grace@example.com");
    let messages = &document["conversations"][0]["messages"];
    assert_eq!(messages[0]["body"], "My order 1234 is late");
    assert_eq!(messages[1]["body"], "Sorry, checking now");
    assert!(!document.to_string().contains("Unrelated"), "only this contact");

    let deleted = app.browser.post_form(&format!("/app/{workspace}/contacts/{contact}/delete"), &[]).await;
    assert_eq!(location(&deleted), format!("/app/{workspace}/inbox?notice=contact_deleted"));
    assert_eq!(app.count(&format!("contacts WHERE id = '{contact}'")), 0);
    assert_eq!(app.count(&format!("messages WHERE conversation_id = '{conversation}'")), 0);
    assert_eq!(app.count(&format!("conversations WHERE id = '{kept}'")), 1, "others stay");
    assert_eq!(app.browser.get(&format!("/app/{workspace}/contacts/{contact}/export")).await.status(), 404);
    let log = app.browser.get_html(&format!("/app/{workspace}/settings/audit")).await;
    assert!(log.contains("Exported a contact") && log.contains("Deleted a contact and their messages"), "{log}");
}

#[tokio::test]
async fn retention_deletes_only_conversations_resolved_long_enough_ago() {
    let app = spawn_app().await;
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace().await;
    let (_a, _, old) = visitor_writes(&app, &site_key, None, "Old question").await;
    let (_b, _, recent) = visitor_writes(&app, &site_key, None, "Recent question").await;
    let (_c, _, open) = visitor_writes(&app, &site_key, None, "Open question").await;
    for id in [&old, &recent] {
        app.browser.post_form(&format!("/app/{workspace}/inbox/{id}/status"), &[("status", "resolved")]).await;
    }
    // Ages two conversations by 40 days: waiting it out is no test.
    app.execute(&format!("UPDATE conversations SET updated_at = now() - interval '40 days' WHERE id IN ('{old}', '{open}')"));

    let bad = app.browser.post_form(&format!("/app/{workspace}/settings/retention"), &[("retention_days", "0")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.query_string("SELECT retention_days::text AS value FROM workspaces").is_none());
    let saved = app.browser.post_form(&format!("/app/{workspace}/settings/retention"), &[("retention_days", "30")]).await;
    assert_eq!(location(&saved), format!("/app/{workspace}/settings/privacy?notice=retention_saved"));

    // The daily run: scheduled once per day per workspace, however often it is asked.
    assert_eq!(parlor::jobs::schedule_retention(&app.state).await.unwrap(), 1);
    assert_eq!(parlor::jobs::schedule_retention(&app.state).await.unwrap(), 0);
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.count(&format!("conversations WHERE id = '{old}'")) == 1 {
        assert!(Instant::now() < deadline, "retention never ran");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(app.count(&format!("conversations WHERE id IN ('{recent}', '{open}')")), 2, "recent and open ones stay");
    assert_eq!(app.count("messages WHERE body = 'Old question'"), 0);
    let log = app.browser.get_html(&format!("/app/{workspace}/settings/audit")).await;
    assert!(log.contains("Deleted old resolved conversations") && log.contains("1 resolved conversations older than 30 days"), "{log}");
}

#[tokio::test]
async fn a_workspace_export_streams_everything_but_secrets() {
    let app = spawn_app().await;
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace().await;
    let (_v, _, conversation) = visitor_writes(&app, &site_key, Some("grace@example.com"), "Export me").await;
    reply(&app.browser, &workspace, &conversation, "Exported reply").await;
    let (url, _) = receiver(200).await;
    let (_, secret) = add_endpoint(&app, &workspace, &url, &["message_created"]).await;
    let identity_secret = app.browser.identity_secret(&workspace).await;

    let response = app.browser.get(&format!("/app/{workspace}/settings/export")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let text = response.text().await.unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    let kinds: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
    assert_eq!(kinds[0], "workspace");
    for kind in ["member", "widget_settings", "webhook_endpoint", "contact", "conversation", "message", "audit_event"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    assert_eq!(kinds.iter().filter(|k| **k == "message").count(), 2);
    assert!(text.contains("Exported reply") && text.contains("grace@example.com"));
    assert!(!text.contains(&secret) && !text.contains(&identity_secret), "no secrets in an export");
}

#[tokio::test]
async fn only_the_owner_deletes_a_workspace_and_only_with_its_name() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace_as(&app.browser, ada.clone()).await;
    let link = invite(&app, &workspace, "bo@example.com", "admin").await;
    let bo = join_as_new(&app, &link, "Bo").await;
    visitor_writes(&app, &site_key, None, "Hello").await;

    let by_admin = bo.post_form(&format!("/app/{workspace}/settings/delete"), &[("confirm_name", "Ada's Shop")]).await;
    assert_eq!(by_admin.status(), StatusCode::FORBIDDEN);
    let wrong_name = app.browser.post_form(&format!("/app/{workspace}/settings/delete"), &[("confirm_name", "Ada")]).await;
    assert_eq!(wrong_name.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("workspaces"), 1);

    let mut bo_socket = Socket::agent(&app, &bo).await;
    let deleted = app.browser.post_form(&format!("/app/{workspace}/settings/delete"), &[("confirm_name", "Ada's Shop")]).await;
    assert_eq!(location(&deleted), "/app?notice=workspace_deleted");
    assert_eq!(app.count("workspaces"), 0);
    assert_eq!(app.count("messages"), 0);
    assert_eq!(app.count("contacts"), 0);
    assert!(matches!(bo_socket.ended().await, crate::socket_client::Ended::Closed(..)), "members' sockets close");
    assert_eq!(bo.get(&format!("/app/{workspace}/inbox")).await.status(), 404);
    let widget = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/sessions", app.address))
        .json(&json!({"site_key": site_key}))
        .send()
        .await
        .unwrap();
    assert_eq!(widget.status(), 404, "the widget stops");
}

/// Every route this issue added: an agent gets 403 and changes nothing; someone from another
/// workspace gets 404.
#[tokio::test]
async fn every_new_admin_route_is_forbidden_to_agents_and_hidden_from_other_workspaces() {
    let app = spawn_app().await;
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace().await;
    let link = invite(&app, &workspace, "agent@example.com", "agent").await;
    let agent = join_as_new(&app, &link, "Agent").await;
    let stranger = app.new_browser();
    let eve_workspace = stranger.sign_up_ok(&Person::new("Eve")).await;
    let (url, _) = receiver(200).await;
    let (endpoint, _) = add_endpoint(&app, &workspace, &url, &["message_created"]).await;
    let (_v, _, conversation) = visitor_writes(&app, &site_key, None, "Hi").await;
    let contact = app.browser.contact_of(&workspace, &conversation).await;

    let w = &workspace;
    let gets = [
        format!("/app/{w}/settings/availability"),
        format!("/app/{w}/settings/assignment"),
        format!("/app/{w}/settings/webhooks"),
        format!("/app/{w}/settings/webhooks/{endpoint}"),
        format!("/app/{w}/settings/privacy"),
        format!("/app/{w}/settings/audit"),
        format!("/app/{w}/settings/export"),
        format!("/app/{w}/contacts/{contact}/export"),
    ];
    let posts: [(String, Vec<(&str, &str)>); 9] = [
        (format!("/app/{w}/settings/availability"), vec![("time_zone", "UTC"), ("offline_message", "x"), ("follow_up_minutes", "5")]),
        (format!("/app/{w}/settings/assignment"), vec![("mode", "round_robin"), ("limit", "5")]),
        (format!("/app/{w}/settings/webhooks"), vec![("url", "http://127.0.0.1:9/x"), ("message_created", "on")]),
        (format!("/app/{w}/settings/webhooks/{endpoint}"), vec![("message_created", "on")]),
        (format!("/app/{w}/settings/webhooks/{endpoint}/test"), vec![]),
        (format!("/app/{w}/settings/webhooks/{endpoint}/delete"), vec![]),
        (format!("/app/{w}/settings/retention"), vec![("retention_days", "1")]),
        (format!("/app/{w}/settings/delete"), vec![("confirm_name", "Ada's Shop")]),
        (format!("/app/{w}/contacts/{contact}/delete"), vec![]),
    ];
    for path in &gets {
        assert_eq!(agent.get(path).await.status(), StatusCode::FORBIDDEN, "agent GET {path}");
        assert_eq!(stranger.get(path).await.status(), StatusCode::NOT_FOUND, "stranger GET {path}");
    }
    let audit_before = app.count("audit_events");
    for (path, form) in &posts {
        assert_eq!(agent.post_form(path, form).await.status(), StatusCode::FORBIDDEN, "agent POST {path}");
        assert_eq!(stranger.post_form(path, form).await.status(), StatusCode::NOT_FOUND, "stranger POST {path}");
    }
    // Nothing changed.
    assert_eq!(app.count("webhook_endpoints"), 1);
    assert_eq!(app.count("webhook_deliveries WHERE event_type = 'ping'"), 0);
    assert_eq!(app.count("contacts"), 1);
    assert_eq!(app.count("workspaces WHERE retention_days IS NULL AND offline_message <> 'x'"), 2);
    assert_eq!(app.count("workspaces WHERE auto_assignment = 'off'"), 2);
    assert_eq!(app.count("audit_events"), audit_before);
    // Agents keep what is theirs: their own notifications.
    let own = agent.post_form(&format!("/app/{w}/settings/notifications"), &[("email_new_conversations", "on")]).await;
    assert_eq!(own.status(), StatusCode::SEE_OTHER);
    // Another workspace's endpoint is not found from this one.
    assert_eq!(stranger.get(&format!("/app/{eve_workspace}/settings/webhooks/{endpoint}")).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_audit_log_names_who_did_what() {
    let app = spawn_app().await;
    let TestWorkspace { id: workspace, .. } = app.sign_up_workspace_as(&app.browser, Person::new("Ada Lovelace")).await;
    app.browser.post_form(&format!("/app/{workspace}/settings"), &[("name", "Ada's Store")]).await;
    invite(&app, &workspace, "grace@example.com", "agent").await;
    let page = app.browser.get_html(&format!("/app/{workspace}/settings/audit")).await;
    assert!(page.contains("Ada Lovelace"), "{page}");
    assert!(page.contains("Renamed the workspace") && page.contains("Ada&#39;s Store"), "{page}");
    assert!(page.contains("Invited someone") && page.contains("grace@example.com as agent"), "{page}");
    let newest = page.find("Invited someone").unwrap();
    assert!(newest < page.find("Renamed the workspace").unwrap(), "newest first");
}

#[tokio::test]
async fn a_snooze_that_ends_reopens_the_conversation_by_itself_and_tells_inbox_and_webhooks() {
    let app = spawn_app().await;
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace().await;
    let (url, received) = receiver(200).await;
    add_endpoint(&app, &workspace, &url, &["conversation_status_changed"]).await;
    let (_visitor, _, conversation) = visitor_writes(&app, &site_key, None, "Remind me later").await;
    let snoozed =
        app.browser.post_form(&format!("/app/{workspace}/inbox/{conversation}/status"), &[("status", "snoozed"), ("snooze", "1h")]).await;
    assert_eq!(snoozed.status(), StatusCode::SEE_OTHER);
    let mut agent = Socket::agent(&app, &app.browser).await;
    // Ends the snooze now: waiting an hour is no test.
    app.execute(&format!("UPDATE conversations SET snoozed_until = now() - interval '1 second' WHERE id = '{conversation}'"));

    // Nobody opens the inbox: the background sweep wakes it.
    let frame = agent.expect("conversation").await;
    assert_eq!((frame["conversation_id"].as_str(), frame["status"].as_str()), (Some(conversation.as_str()), Some("open")));
    assert_eq!(
        app.query_string(&format!("SELECT status AS value FROM conversations WHERE id = '{conversation}'")).as_deref(),
        Some("open")
    );
    let got = wait_for_events(&received, 2).await;
    let statuses: Vec<String> = got
        .iter()
        .map(|d| serde_json::from_str::<Value>(&d.body).unwrap()["data"]["conversation"]["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(statuses, ["snoozed", "open"]);
}

/// The assignee's choice for "a visitor writes in my conversation" covers the unread-message
/// notice too; a conversation with nobody assigned still reaches the whole team.
#[tokio::test]
async fn an_assignee_who_turned_off_emails_for_their_conversations_gets_no_unread_notice_for_them() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace_as(&app.browser, ada.clone()).await;
    join_as_new(&app, &invite(&app, &workspace, "cy@example.com", "agent").await, "Cy").await;
    // Ada keeps every choice but the email about visitors writing in her conversations.
    let form = [
        ("desktop_new_conversation", "on"),
        ("sound_new_conversation", "on"),
        ("desktop_assigned", "on"),
        ("sound_assigned", "on"),
        ("email_assigned", "on"),
        ("desktop_new_message", "on"),
        ("sound_new_message", "on"),
    ];
    let saved = app.browser.post_form(&format!("/app/{workspace}/settings/notifications"), &form).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let (_visitor, _, hers) = visitor_writes(&app, &site_key, None, "Hello, Ada?").await;
    app.execute(&format!(
        "UPDATE conversations SET assignee_id = (SELECT id FROM users WHERE email = '{}') WHERE id = '{hers}'",
        ada.email
    ));
    age_conversation(&app, &hers, 180);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while app.count("jobs WHERE kind = 'unread_notice' AND done_at IS NOT NULL") < 1 {
        assert!(std::time::Instant::now() < deadline, "the sweep should run the unread notice");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    for to in [ada.email.as_str(), "cy@example.com"] {
        assert_eq!(emails_to(&app, to).iter().filter(|e| e.subject.contains("is waiting")).count(), 0, "{to} got nothing for Ada's");
    }

    // Nobody is assigned to this one: the whole team hears of it, Ada too.
    let (_other, _, nobodys) = visitor_writes(&app, &site_key, None, "Anyone there?").await;
    age_conversation(&app, &nobodys, 180);
    app.wait_for_email(&ada.email, "is waiting for an answer").await;
    app.wait_for_email("cy@example.com", "is waiting for an answer").await;
    assert_eq!(emails_to(&app, &ada.email).iter().filter(|e| e.subject.contains("is waiting")).count(), 1);
}

/// A notice to several people is one send job per recipient: each is sent, and retried, alone.
#[tokio::test]
async fn a_notice_to_the_team_fans_out_into_one_email_job_per_member() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace_as(&app.browser, ada.clone()).await;
    join_as_new(&app, &invite(&app, &workspace, "cy@example.com", "agent").await, "Cy").await;
    let (_visitor, _, conversation) = visitor_writes(&app, &site_key, None, "Hello, team?").await;
    age_conversation(&app, &conversation, 180);
    app.wait_for_email(&ada.email, "is waiting for an answer").await;
    app.wait_for_email("cy@example.com", "is waiting for an answer").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(app.count("jobs WHERE kind = 'send_email' AND done_at IS NOT NULL"), 2);
    assert_eq!(app.count("jobs WHERE kind = 'unread_notice' AND done_at IS NOT NULL"), 1);
    for to in [ada.email.as_str(), "cy@example.com"] {
        assert_eq!(emails_to(&app, to).iter().filter(|e| e.subject.contains("is waiting")).count(), 1, "{to} got one");
    }
}
