//! Visitors rating resolved conversations (CSAT): over the socket (the rule, its refusals, a
//! second rating replacing the first, the seven-day window, the setting), the
//! `conversation.rated` webhook, the REST API, the inbox and the contact page, and the
//! rating email with its page, through a real SMTP server.

use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use parlor::config::MailSettings;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::{
    console::{add_endpoint, receiver, wait_for_events},
    helpers::{Person, TempDir, TestApp, TestWorkspace, Visitor, spawn_app, spawn_app_with, start_smtp_sink},
    socket_client::Socket,
};

/// A visitor wrote, and the owner resolved the conversation from the inbox.
async fn resolved_conversation(shop: &TestWorkspace<'_>) -> (Visitor, String) {
    let (visitor, conversation) = shop.visitor_says("My parcel never came").await;
    shop.owner.sets_status(&conversation, "resolved").await;
    (visitor, conversation)
}

fn rate(conversation: &str, score: Value, comment: Option<&str>) -> Value {
    let mut frame = json!({"type": "rate", "conversation_id": conversation, "score": score});
    if let Some(comment) = comment {
        frame["comment"] = json!(comment);
    }
    frame
}

/// The `rated` frame the visitor gets for a stored rating, or the `error` frame of a refused one.
async fn rates(visitor: &mut Visitor, conversation: &str, score: Value, comment: Option<&str>) -> Value {
    visitor.socket.send(rate(conversation, score, comment)).await;
    loop {
        let frame = visitor.socket.next().await;
        if matches!(frame["type"].as_str(), Some("rated" | "error")) {
            return frame;
        }
    }
}

fn stored(app: &TestApp, conversation: &str) -> Option<String> {
    app.query_string(&format!(
        "SELECT score || ' ' || coalesce(comment, '-') AS value FROM conversation_ratings WHERE conversation_id = '{conversation}'"
    ))
}

/// What the widget loads for a returning visitor: the session answer's conversations.
async fn widget_conversations(app: &TestApp, site_key: &str, token: &str) -> Vec<Value> {
    let response = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/sessions", app.address))
        .json(&json!({"site_key": site_key, "visitor_token": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.unwrap()["conversations"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_visitor_rates_a_resolved_conversation_and_a_second_rating_replaces_the_first() {
    let app = spawn_app().await;
    let shop = app.sign_up_workspace().await;
    let mut agent = shop.owner.socket().await;
    let (mut visitor, conversation) = shop.visitor_says("My parcel never came").await;
    let (mut other_tab, _) = Socket::visitor(&app, &visitor.token, json!({})).await;
    let before = widget_conversations(&app, &shop.site_key, &visitor.token).await;
    assert_eq!((before[0]["status"].as_str(), before[0]["csat"].as_bool()), (Some("open"), Some(false)));

    shop.owner.sets_status(&conversation, "resolved").await;
    // The chat learns of the resolution, and that it asks for a rating.
    let resolved = visitor.socket.expect("conversation_status").await;
    assert_eq!((resolved["conversation_id"].as_str(), resolved["status"].as_str()), (Some(conversation.as_str()), Some("resolved")));
    assert_eq!(resolved["csat"], true);

    let rated = rates(&mut visitor, &conversation, json!(5), None).await;
    assert_eq!((rated["type"].as_str(), rated["score"].as_i64(), &rated["comment"]), (Some("rated"), Some(5), &Value::Null));
    // Every open window of the visitor shows it, and the agents see it live.
    assert_eq!(other_tab.expect("rated").await["score"], 5);
    let live = agent.expect("rating").await;
    assert_eq!((live["conversation_id"].as_str(), live["score"].as_i64()), (Some(conversation.as_str()), Some(5)));

    // The comment comes as a second rating, which replaces the first: one row, the last score.
    let rated = rates(&mut visitor, &conversation, json!(2), Some("  Slow, but they found it.  ")).await;
    assert_eq!((rated["score"].as_i64(), rated["comment"].as_str()), (Some(2), Some("Slow, but they found it.")));
    assert_eq!(app.count("conversation_ratings"), 1);
    assert_eq!(stored(&app, &conversation).as_deref(), Some("2 Slow, but they found it."));
    assert_eq!(agent.expect("rating").await["comment"], "Slow, but they found it.");
    // An empty comment is none.
    rates(&mut visitor, &conversation, json!(3), Some("   ")).await;
    assert_eq!(stored(&app, &conversation).as_deref(), Some("3 -"));
    rates(&mut visitor, &conversation, json!(2), Some("Slow, but they found it.")).await;

    // A reloaded chat shows the same: the rating, and that it may still be changed.
    let after = widget_conversations(&app, &shop.site_key, &visitor.token).await;
    assert_eq!(after[0]["status"], "resolved");
    assert_eq!(after[0]["csat"], true);
    assert_eq!(after[0]["rating"], json!({"score": 2, "comment": "Slow, but they found it."}));

    // The inbox's contact panel and the contact's page show it; the audit log names the visitor.
    let page = shop.owner.browser.get_html(&format!("/app/{}/inbox/{conversation}", shop.id)).await;
    let panel = &page[page.find("id=\"conv-rating\"").expect("the rating panel")..];
    assert!(panel.contains("2/5") && panel.contains("Rated 2 out of 5"), "{panel}");
    assert!(panel.contains("Slow, but they found it."), "{panel}");
    let contact = shop.owner.browser.get_html(&format!("/app/{}/contacts/{}", shop.id, visitor.contact_id)).await;
    assert!(contact.contains("Rated 2 out of 5") && contact.contains("“Slow, but they found it.”"), "{contact}");
    let audit = shop.owner.browser.get_html(&format!("/app/{}/settings/audit", shop.id)).await;
    assert!(audit.contains("Rated a conversation") && audit.contains("2/5"), "{audit}");

    // A conversation reopened by the visitor writing again is no longer asked about in the chat.
    visitor.says("One more thing").await;
    let after = widget_conversations(&app, &shop.site_key, &visitor.token).await;
    assert_eq!(after[0]["status"], "open");
}

#[tokio::test]
async fn bad_ratings_are_refused_with_a_clear_error_and_store_nothing() {
    let app = spawn_app().await;
    let shop = app.sign_up_workspace().await;
    let (mut visitor, conversation) = shop.visitor_says("Hello").await;

    // Not resolved yet.
    let refused = rates(&mut visitor, &conversation, json!(4), None).await;
    assert_eq!((refused["code"].as_str(), refused["conversation_id"].as_str()), (Some("not_resolved"), Some(conversation.as_str())));
    shop.owner.sets_status(&conversation, "resolved").await;

    for score in [json!(0), json!(6), json!("x"), json!(4.5), Value::Null] {
        let refused = rates(&mut visitor, &conversation, score.clone(), None).await;
        assert_eq!(refused["type"], "error", "{score}");
        assert_eq!(refused["code"], "invalid_frame", "{score}");
        assert!(refused["message"].as_str().unwrap().contains("whole number from 1 to 5"), "{score}: {refused}");
    }
    let refused = rates(&mut visitor, &conversation, json!(4), Some(&"a".repeat(1001))).await;
    assert_eq!(refused["code"], "comment_too_long");
    assert!(refused["message"].as_str().unwrap().contains("1000 characters"), "{refused}");

    // Another visitor's conversation, and another workspace's, are not found.
    let (_, someone_elses) = resolved_conversation(&shop).await;
    let refused = rates(&mut visitor, &someone_elses, json!(4), None).await;
    assert_eq!(refused["code"], "not_found");
    let rival = app.sign_up_workspace_as(&app.new_browser(), Person::new("Rival")).await;
    let (_, rivals) = resolved_conversation(&rival).await;
    let refused = rates(&mut visitor, &rivals, json!(4), None).await;
    assert_eq!(refused["code"], "not_found");

    // Agents do not rate.
    let mut agent = shop.owner.socket().await;
    agent.send(rate(&conversation, json!(5), None)).await;
    assert_eq!(agent.expect("error").await["code"], "forbidden");

    assert_eq!(app.count("conversation_ratings"), 0);
    assert_eq!(app.count("audit_events WHERE action = 'conversation.rated'"), 0);
}

#[tokio::test]
async fn ratings_close_after_seven_days_and_when_the_team_stops_asking() {
    let app = spawn_app().await;
    let shop = app.sign_up_workspace().await;
    let (mut visitor, conversation) = resolved_conversation(&shop).await;
    rates(&mut visitor, &conversation, json!(4), None).await;
    app.execute(&format!(
        "UPDATE conversation_ratings SET first_rated_at = now() - interval '8 days' WHERE conversation_id = '{conversation}'"
    ));
    let refused = rates(&mut visitor, &conversation, json!(1), None).await;
    assert_eq!(refused["code"], "rating_closed");
    assert_eq!(stored(&app, &conversation).as_deref(), Some("4 -"));

    // A first rating long after the resolution is refused too.
    let (mut late, old) = resolved_conversation(&shop).await;
    app.execute(&format!("UPDATE conversations SET resolved_at = now() - interval '8 days' WHERE id = '{old}'"));
    assert_eq!(rates(&mut late, &old, json!(5), None).await["code"], "rating_closed");

    // An admin turns the question off on the widget page: the chat stops asking.
    let page = shop.owner.browser.get_html(&format!("/app/{}/widget", shop.id)).await;
    assert!(page.contains(r#"name="csat" id="csat" checked"#) && page.contains("Ask visitors to rate resolved conversations"), "{page}");
    let form = [("color", "#2563eb"), ("position", "right"), ("greeting", "Hi"), ("launcher_text", ""), ("reply_time", "minutes")];
    let saved = shop.owner.browser.post_form(&format!("/app/{}/widget", shop.id), &form).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.query_string(&format!("SELECT csat_enabled::text AS value FROM workspaces WHERE id = '{}'", shop.id)).as_deref(),
        Some("false")
    );
    let (mut visitor, conversation) = shop.visitor_says("Hello again").await;
    shop.owner.sets_status(&conversation, "resolved").await;
    assert_eq!(visitor.socket.expect("conversation_status").await["csat"], false);
    assert_eq!(rates(&mut visitor, &conversation, json!(5), None).await["code"], "ratings_off");
    assert_eq!(widget_conversations(&app, &shop.site_key, &visitor.token).await[0]["csat"], false);
    assert!(stored(&app, &conversation).is_none());

    // Only admins change it.
    let agent = shop.add_member(crate::helpers::Role::Agent).await;
    let mut checked = form.to_vec();
    checked.push(("csat", "on"));
    let refused = agent.browser.post_form(&format!("/app/{}/widget", shop.id), &checked).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.query_string(&format!("SELECT csat_enabled::text AS value FROM workspaces WHERE id = '{}'", shop.id)).as_deref(),
        Some("false")
    );
}

fn signature(secret: &str, timestamp: &str, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[tokio::test]
async fn a_rating_goes_out_as_a_signed_webhook_and_is_read_over_the_rest_api() {
    let app = spawn_app().await;
    let shop = app.sign_up_workspace().await;
    let (url, received) = receiver(200).await;
    let (_, secret) = add_endpoint(&app, &shop.id, &url, &["conversation_rated"]).await;
    let (mut visitor, conversation) = resolved_conversation(&shop).await;
    rates(&mut visitor, &conversation, json!(4), Some("Quick")).await;

    let delivery = wait_for_events(&received, 1).await.remove(0);
    assert_eq!(delivery.signature, signature(&secret, &delivery.timestamp, &delivery.body));
    let event: Value = serde_json::from_str(&delivery.body).unwrap();
    assert_eq!(event["type"], "conversation.rated");
    let rating = &event["data"]["rating"];
    assert_eq!(rating["conversation_id"], conversation.as_str());
    assert_eq!(rating["contact_id"], visitor.contact_id.as_str());
    assert_eq!((rating["score"].as_i64(), rating["comment"].as_str()), (Some(4), Some("Quick")));
    assert!(rating["rated_at"].is_string() && rating.get("agent_id").is_some(), "{rating}");

    let key = shop.api_key(&["read"]).await;
    let address = app.address.clone();
    let get = |path: String, key: String| {
        let url = format!("{address}{path}");
        async move { reqwest::Client::new().get(url).bearer_auth(key).send().await.unwrap() }
    };
    let one: Value = get(format!("/api/v1/conversations/{conversation}"), key.clone()).await.json().await.unwrap();
    assert_eq!((one["rating"]["score"].as_i64(), one["rating"]["comment"].as_str()), (Some(4), Some("Quick")));
    let list: Value = get("/api/v1/conversations?status=resolved".into(), key.clone()).await.json().await.unwrap();
    assert_eq!(list["data"][0]["rating"]["score"], 4);
    let ratings: Value = get("/api/v1/ratings".into(), key.clone()).await.json().await.unwrap();
    assert_eq!(ratings["data"].as_array().unwrap().len(), 1);
    assert_eq!(ratings["data"][0]["conversation_id"], conversation.as_str());
    assert_eq!(ratings["data"][0]["score"], 4);
    let later: Value = get("/api/v1/ratings?from=2999-01-01T00:00:00Z".into(), key.clone()).await.json().await.unwrap();
    assert_eq!(later["data"], json!([]));
    assert_eq!(get("/api/v1/ratings?from=yesterday".into(), key.clone()).await.status(), StatusCode::BAD_REQUEST);

    // Another workspace's key sees none of it.
    let rival = app.sign_up_workspace_as(&app.new_browser(), Person::new("Rival")).await;
    let rival_key = rival.api_key(&["read"]).await;
    let theirs: Value = get("/api/v1/ratings".into(), rival_key.clone()).await.json().await.unwrap();
    assert_eq!(theirs["data"], json!([]));
    assert_eq!(get(format!("/api/v1/conversations/{conversation}"), rival_key).await.status(), StatusCode::NOT_FOUND);
    // Nor does another member's inbox.
    let page = rival.owner.browser.get(&format!("/app/{}/inbox/{conversation}", rival.id)).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
}

/// Parlor emailing through a real SMTP server that keeps every message.
struct Mailbox {
    spool: TempDir,
    _server: tokio::process::Child,
}

async fn spawn_app_with_smtp() -> (TestApp, Mailbox) {
    let spool = TempDir::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
    let server = start_smtp_sink(port, &spool.path).await;
    let app = spawn_app_with(move |s| s.mail = MailSettings::Smtp(format!("smtp://127.0.0.1:{port}").into())).await;
    (app, Mailbox { spool, _server: server })
}

/// An email as received: its subject and its plain-text body.
#[derive(Debug)]
struct Mail {
    to: String,
    subject: String,
    body: String,
}

impl Mailbox {
    fn received(&self) -> Vec<Mail> {
        std::fs::read_dir(&self.spool.path)
            .expect("the spool")
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.path().extension().is_some_and(|e| e == "eml"))
            .map(|entry| parse_eml(&std::fs::read_to_string(entry.path()).expect("an email")))
            .collect()
    }

    async fn wait_for(&self, to: &str, subject: &str) -> Mail {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(mail) = self.received().into_iter().find(|m| m.to.contains(to) && m.subject.contains(subject)) {
                return mail;
            }
            assert!(Instant::now() < deadline, "no email to {to} about {subject:?}; got {:?}", self.received());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn parse_eml(raw: &str) -> Mail {
    let text = raw.replace("\r\n", "\n");
    let (head, body) = text.split_once("\n\n").expect("headers, then a body");
    let head = head.replace("\n ", " ").replace("\n\t", " ");
    let header = |name: &str| head.lines().find_map(|line| line.strip_prefix(&format!("{name}: "))).map(str::to_string).unwrap_or_default();
    let body = match header("Content-Transfer-Encoding").to_ascii_lowercase().as_str() {
        "quoted-printable" => {
            let bytes = body.as_bytes();
            let (mut out, mut i) = (Vec::new(), 0);
            while i < bytes.len() {
                match bytes[i] {
                    b'=' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
                    b'=' if i + 2 < bytes.len() => {
                        out.push(u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap(), 16).unwrap());
                        i += 3;
                    }
                    byte => {
                        out.push(byte);
                        i += 1;
                    }
                }
            }
            String::from_utf8(out).unwrap()
        }
        "base64" => {
            use base64::Engine;
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(body.split_whitespace().collect::<String>()).unwrap())
                .unwrap()
        }
        _ => body.to_string(),
    };
    Mail { to: header("To"), subject: header("Subject"), body }
}

/// The paths of the rating links in an email, in order.
fn rating_links(body: &str) -> Vec<String> {
    body.split_whitespace()
        .filter_map(|word| word.strip_prefix("http://localhost:8080"))
        .filter(|path| path.starts_with("/rate/"))
        .map(str::to_string)
        .collect()
}

/// Moves the conversations' last activity and the rating emails' jobs past the follow-up
/// delay, as if it had passed.
fn delay_passed(app: &TestApp) {
    app.execute("UPDATE conversations SET last_message_at = last_message_at - interval '1 hour'");
    app.execute("UPDATE jobs SET run_at = now() WHERE kind = 'rating_request'");
}

/// Waits until every job that is due has run.
async fn jobs_ran(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.count("jobs WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= now()") > 0 {
        assert!(Instant::now() < deadline, "jobs still due after 10 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn a_visitor_who_left_without_rating_is_asked_by_email_and_only_sending_the_page_records_it() {
    let (app, mailbox) = spawn_app_with_smtp().await;
    let shop = app.sign_up_workspace().await;
    let (visitor, conversation) = shop.visitor_says("Where is my parcel?").await;
    visitor.gives_email("grace@example.com").await;
    shop.owner.sets_status(&conversation, "resolved").await;
    // The email waits for the workspace's follow-up delay; the test does not.
    assert_eq!(app.count("jobs WHERE kind = 'rating_request' AND run_at > now() + interval '100 seconds'"), 1, "after the 2-minute delay");
    delay_passed(&app);

    let mail = mailbox.wait_for("grace@example.com", "How was your conversation with").await;
    let links = rating_links(&mail.body);
    assert_eq!(links.len(), 5, "{}", mail.body);
    for (n, link) in links.iter().enumerate() {
        assert!(link.ends_with(&format!("?score={}", n + 1)), "{link}");
    }

    // Opening a link (as a mail scanner would) shows the form with that score chosen, and
    // records nothing.
    let page = reqwest::get(format!("{}{}", app.address, links[3])).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"<input type="radio" name="score" value="4" required checked>"#), "{html}");
    assert!(html.contains("<legend>Your rating</legend>") && html.contains(r#"<label for="comment">"#), "{html}");
    assert!(html.contains("Send rating"));
    assert!(stored(&app, &conversation).is_none());

    // Sending it records the rating, through the same rule as the chat.
    let path = links[3].split('?').next().unwrap();
    let client = reqwest::Client::new();
    let sent = client.post(format!("{}{path}", app.address)).form(&[("score", "4"), ("comment", "Found it!")]).send().await.unwrap();
    assert_eq!(sent.status(), StatusCode::OK);
    assert!(sent.text().await.unwrap().contains("Thanks for your feedback"));
    assert_eq!(stored(&app, &conversation).as_deref(), Some("4 Found it!"));
    let bad = client.post(format!("{}{path}", app.address)).form(&[("score", "9")]).send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("whole number from 1 to 5"));
    assert_eq!(stored(&app, &conversation).as_deref(), Some("4 Found it!"));

    // A forged token is not found; an expired one is gone; neither stores anything.
    let mut forged = path.to_string();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    let response = client.post(format!("{}{forged}", app.address)).form(&[("score", "1")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("This rating link is not valid"));
    let workspace: parlor::db::WorkspaceId = serde_json::from_value(json!(shop.id)).unwrap();
    let links_of = parlor::conversations::ratings::RatingLinks::new(app.state.settings.secret_bytes());
    let expired = links_of.token(workspace, conversation.parse().unwrap(), time::OffsetDateTime::now_utc() - time::Duration::hours(1));
    let response = client.post(format!("{}/rate/{expired}", app.address)).form(&[("score", "1")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::GONE);
    assert!(response.text().await.unwrap().contains("expired"));
    assert_eq!(reqwest::get(format!("{}/rate/{expired}?score=1", app.address)).await.unwrap().status(), StatusCode::GONE);
    assert_eq!(stored(&app, &conversation).as_deref(), Some("4 Found it!"));

    // Asked once: the job running again sends no second email.
    app.execute("UPDATE jobs SET done_at = NULL, run_at = now(), attempts = 0 WHERE kind = 'rating_request'");
    jobs_ran(&app).await;
    assert_eq!(mailbox.received().iter().filter(|m| m.subject.contains("How was your conversation")).count(), 1);
}

#[tokio::test]
async fn unseen_replies_and_the_rating_question_go_out_in_one_email() {
    let (app, mailbox) = spawn_app_with_smtp().await;
    let shop = app.sign_up_workspace().await;
    let (visitor, conversation) = shop.visitor_says("Where is my parcel?").await;
    visitor.gives_email("ada.visitor@example.com").await;
    drop(visitor);
    shop.owner.replies(&conversation, "It is at the post office on Main Street.").await;
    shop.owner.sets_status(&conversation, "resolved").await;
    delay_passed(&app);

    let mail = mailbox.wait_for("ada.visitor@example.com", "New reply").await;
    assert!(mail.body.contains("It is at the post office on Main Street."), "{}", mail.body);
    assert!(mail.body.contains("How was this conversation?"), "{}", mail.body);
    assert_eq!(rating_links(&mail.body).len(), 5);
    jobs_ran(&app).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    jobs_ran(&app).await;
    let to_visitor = mailbox.received().into_iter().filter(|m| m.to.contains("ada.visitor@example.com")).count();
    assert_eq!(to_visitor, 1, "one email, not two: {:?}", mailbox.received());
}

#[tokio::test]
async fn no_rating_email_goes_to_a_visitor_who_rated_or_left_no_email() {
    let (app, mailbox) = spawn_app_with_smtp().await;
    let shop = app.sign_up_workspace().await;
    let (mut rated, first) = shop.visitor_says("Hello").await;
    rated.gives_email("rated@example.com").await;
    shop.owner.sets_status(&first, "resolved").await;
    rates(&mut rated, &first, json!(5), None).await;
    let (_anonymous, second) = shop.visitor_says("Hello").await;
    shop.owner.sets_status(&second, "resolved").await;
    assert_eq!(app.count(&format!("jobs WHERE kind = 'rating_request' AND payload->>'conversation_id' = '{second}'")), 0);

    delay_passed(&app);
    jobs_ran(&app).await;
    assert_eq!(app.count("jobs WHERE kind = 'rating_request' AND done_at IS NOT NULL"), 1, "the job ran, and chose not to send");
    assert!(mailbox.received().iter().all(|m| m.subject.contains("Confirm your email")), "{:?}", mailbox.received());
}
