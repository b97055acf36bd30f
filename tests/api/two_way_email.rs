//! Two-way email: visitors answer Parlor's emails from their mail program, over the built-in
//! SMTP listener (driven by Python's smtplib) or a provider's webhook in each provider's form,
//! and their answers reach the conversation and the agents live; an email to a workspace's
//! support address starts a conversation; agents' replies to it go out by email at once.

use std::{path::Path, time::Duration};

use base64::Engine;
use parlor::config::InboundSettings;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Person, TestApp, spawn_app, spawn_app_with, unescape_html};

const DOMAIN: &str = "in.parlor.test";
const SECRET: &str = "inbound-webhook-secret-0123";

async fn spawn() -> TestApp {
    spawn_app_with(|s| {
        s.inbound = Some(InboundSettings {
            domain: DOMAIN.into(),
            smtp_addr: Some("127.0.0.1:0".parse().unwrap()),
            webhook_secret: Some(SECRET.to_string().into()),
        })
    })
    .await
}

/// A fixture of tests/fixtures/email with its recipient and ids filled in.
fn fixture(name: &str, to: &str, message_id: &str, in_reply_to: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/email").join(name))
        .unwrap()
        .replace("{TO}", to)
        .replace("{MESSAGE_ID}", message_id)
        .replace("{IN_REPLY_TO}", in_reply_to)
}

/// Delivers `raw` over SMTP with Python's smtplib; "sent", or "refused <code>".
async fn smtp_send(port: u16, from: &str, to: &str, raw: &[u8]) -> String {
    use tokio::io::AsyncWriteExt;
    let script = r#"
import smtplib, sys
data = sys.stdin.buffer.read()
try:
    with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=60) as s:
        s.sendmail(sys.argv[2], [sys.argv[3]], data)
    print("sent")
except smtplib.SMTPResponseException as e:
    print("refused", e.smtp_code)
except smtplib.SMTPRecipientsRefused as e:
    print("refused", list(e.recipients.values())[0][0])
"#;
    let mut child = tokio::process::Command::new("python3")
        .args(["-c", script, &port.to_string(), from, to])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(raw).await.unwrap();
    drop(stdin);
    let output = child.wait_with_output().await.unwrap();
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

fn webhook_url(app: &TestApp) -> String {
    format!("{}/webhooks/inbound-email", app.address)
}

/// Posts `body` to the webhook with the secret as the Basic password.
async fn post_webhook(app: &TestApp, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(webhook_url(app))
        .basic_auth("postmark", Some(SECRET))
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post_form(app: &TestApp, form: reqwest::multipart::Form) -> (StatusCode, Value) {
    let response = reqwest::Client::new().post(format!("{}?secret={SECRET}", webhook_url(app))).multipart(form).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The visitor asks for the transcript at `to`: the email about their conversation.
async fn transcript(app: &TestApp, token: &str, conversation: &str, to: &str) -> parlor::email::Email {
    let response = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/conversations/{conversation}/transcript", app.address))
        .bearer_auth(token)
        .body(json!({ "email": to }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    app.wait_for_email(to, "Your conversation with").await
}

fn between(text: &str, start: &str, end: &str) -> String {
    let from = text.find(start).unwrap_or_else(|| panic!("{start:?} not in {text}")) + start.len();
    let to = text[from..].find(end).unwrap();
    text[from..from + to].to_string()
}

/// Messages in the database, and emails stored as received.
fn counts(app: &TestApp) -> (i64, i64) {
    (app.count("messages"), app.count("email_messages WHERE direction = 'in'"))
}

/// The next `message` frame with this body, past the others (the agent's own replies).
async fn message_with(agent: &mut crate::socket_client::Socket, body: &str) -> Value {
    loop {
        let frame = agent.expect("message").await;
        if frame["body"] == body {
            return frame;
        }
    }
}

async fn settle() {
    tokio::time::sleep(Duration::from_millis(300)).await;
}

#[tokio::test]
async fn a_reply_over_smtp_lands_in_the_conversation_stripped_and_live_and_nothing_else_gets_in() {
    let app = spawn().await;
    let port = app.inbound_smtp_port.expect("the listener runs");
    let ws = app.sign_up_workspace().await;
    let (visitor, conversation) = ws.visitor_says("I'd like a mug.").await;
    ws.owner.replies(&conversation, "Which colour would you like?").await;

    // The email about the conversation: its reply address, the cut line, Parlor's own id.
    let email = transcript(&app, &visitor.token, &conversation, "grace.hopper@gmail.example").await;
    let reply_to = email.reply_to.clone().expect("a Reply-To");
    assert!(reply_to.starts_with("reply+") && reply_to.ends_with("@in.parlor.test"), "{reply_to}");
    assert!(email.text.starts_with("##- Reply above this line -##"), "{}", email.text);
    assert!(email.auto_submitted, "Parlor's notices say no person wrote them");
    let parlor_id = email.message_id.clone().expect("a Message-ID");

    let mut agent = ws.owner.socket().await;
    let raw = fixture("gmail_reply.eml", &reply_to, "CAJx1Grace@mail.gmail.example", &parlor_id);
    assert_eq!(smtp_send(port, "grace.hopper@gmail.example", &reply_to, raw.as_bytes()).await, "sent");
    let frame = agent.expect("message").await;
    assert_eq!(frame["conversation_id"], conversation.as_str());
    assert_eq!(frame["author"]["kind"], "visitor");
    // The quote, the signature and the attribution are gone; the dot-stuffed line came back whole.
    assert_eq!(frame["body"], "Yes, the blue one please.\n.5 kg is fine too.");

    // The inbox shows where it came from, and the original, to this workspace only.
    let page = unescape_html(&ws.owner.browser.get_html(&format!("/app/{}/inbox/{conversation}", ws.id)).await);
    assert!(page.contains("SPF pass · DKIM pass"), "{page}");
    let end = page.find("\" target=\"_blank\" rel=\"noopener\">View original email").expect("the link to the original");
    let link = page[page[..end].rfind("href=\"").unwrap() + 6..end].to_string();
    let history = ws.owner.browser.get_html(&format!("/app/{}/inbox/{conversation}/history?before=4", ws.id)).await;
    assert!(history.contains(&link), "scrolling back shows it too");
    let original = ws.owner.browser.get(&link).await;
    assert_eq!(original.status(), StatusCode::OK);
    assert!(original.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let original = original.text().await.unwrap();
    assert!(original.contains("Which colour would you like?") && original.contains("Navy Yard"), "the original keeps it all");

    let other_browser = app.new_browser();
    let other = app.sign_up_workspace_as(&other_browser, Person::new("Lin")).await;
    let foreign = link.replacen(&ws.id, &other.id, 1);
    assert_eq!(other_browser.get(&foreign).await.status(), StatusCode::NOT_FOUND, "another workspace's email is not there");
    assert_eq!(other_browser.get(&link).await.status(), StatusCode::NOT_FOUND);

    // Nothing else gets in: a replay of the same Message-ID, a forged token, an auto-reply.
    let before = counts(&app);
    assert_eq!(smtp_send(port, "grace.hopper@gmail.example", &reply_to, raw.as_bytes()).await, "sent");
    let token = reply_to.trim_start_matches("reply+").split('@').next().unwrap().to_string();
    let mut forged = token.clone().into_bytes();
    let inside = forged.len() - 5;
    forged[inside] = if forged[inside] == b'a' { b'b' } else { b'a' };
    let forged = format!("reply+{}@{DOMAIN}", String::from_utf8(forged).unwrap());
    let forged_raw = fixture("gmail_reply.eml", &forged, "CAJx2Forged@mail.gmail.example", &parlor_id);
    assert_eq!(smtp_send(port, "grace.hopper@gmail.example", &forged, forged_raw.as_bytes()).await, "sent");
    let auto = fixture("auto_reply.eml", &reply_to, "auto-1@mail.gmail.example", &parlor_id);
    assert_eq!(smtp_send(port, "grace.hopper@gmail.example", &reply_to, auto.as_bytes()).await, "sent");
    // Not Parlor's domain: refused at RCPT, Parlor relays nothing.
    assert_eq!(smtp_send(port, "grace.hopper@gmail.example", "someone@example.com", raw.as_bytes()).await, "refused 550");
    // Larger than 25 MB: refused (SIZE at MAIL FROM), and through the webhook too.
    let mut huge =
        fixture("auto_reply.eml", &reply_to, "huge-1@mail.gmail.example", &parlor_id).replace("Auto-Submitted: auto-replied\n", "");
    huge.push_str(&"0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\n".repeat(26 * 1024 * 1024 / 73 + 1000));
    assert_eq!(smtp_send(port, "grace.hopper@gmail.example", &reply_to, huge.as_bytes()).await, "refused 552");
    let (status, _) = post_webhook(&app, "message/rfc822", huge.into_bytes()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    settle().await;
    assert_eq!(counts(&app), before, "no message and no email stored");
    agent.assert_no_message(Duration::from_millis(200)).await;
}

#[tokio::test]
async fn an_email_to_the_support_address_starts_a_conversation_and_agent_replies_go_out_by_email_at_once() {
    let app = spawn().await;
    let ws = app.sign_up_workspace().await;
    let page = unescape_html(&ws.owner.browser.get_html(&format!("/app/{}/widget", ws.id)).await);
    assert!(page.contains("Support email address"));
    let address = between(&page, "id=\"support-address\" class=\"code\" type=\"text\" readonly value=\"", "\"");
    assert!(address.ends_with("@in.parlor.test") && address.starts_with("ada-s-shop-"), "{address}");

    let mut agent = ws.owner.socket().await;
    let raw = fixture("support_request.eml", &address, "support-1@mail.example.com", "");
    let (status, answer) = post_webhook(&app, "message/rfc822", raw.into_bytes()).await;
    assert_eq!((status, answer["status"].as_str()), (StatusCode::OK, Some("stored")), "{answer}");
    let frame = agent.expect("message").await;
    assert_eq!(frame["body"], "Hello,\n\nmy order 1234 never arrived. The receipt is attached.\n\nBest regards,\nGrace");
    assert_eq!(frame["attachments"][0]["name"], "receipt.txt");
    let conversation = frame["conversation_id"].as_str().unwrap().to_string();
    assert_eq!(
        app.query_string("SELECT channel || ' / ' || email_subject AS value FROM conversations").as_deref(),
        Some("email / Order 1234 never arrived")
    );
    assert_eq!(
        app.query_string("SELECT name || ' <' || email || '>' AS value FROM contacts").as_deref(),
        Some("Grace Hopper <Grace@Example.com>")
    );
    let page = unescape_html(&ws.owner.browser.get_html(&format!("/app/{}/inbox/{conversation}", ws.id)).await);
    assert!(page.contains("SPF pass · DKIM pass") && page.contains("View original email"), "Mailgun's headers read");

    // The same sender, another case, another email: their contact, a conversation of its own.
    let second = fixture("support_request.eml", &address, "support-2@mail.example.com", "")
        .replace("From: Grace Hopper <Grace@Example.com>", "From: grace@example.com")
        .replace("Subject: Order 1234 never arrived", "Subject: And a question");
    assert_eq!(post_webhook(&app, "message/rfc822", second.into_bytes()).await.0, StatusCode::OK);
    settle().await;
    assert_eq!(app.count("contacts"), 1, "matched by address, whatever its case");
    assert_eq!(app.count("conversations"), 2);

    // An agent's answer goes out at once, as an answer in the customer's thread.
    ws.owner.replies(&conversation, "Sorry! A new one is on its way.").await;
    let email = app.wait_for_email("Grace@Example.com", "Re: Order 1234 never arrived").await;
    assert!(email.text.contains("Sorry! A new one is on its way."), "{}", email.text);
    assert!(email.reply_to.as_deref().is_some_and(|r| r.starts_with("reply+") && r.ends_with(DOMAIN)));
    assert_eq!(email.in_reply_to.as_deref(), Some("support-1@mail.example.com"));
    assert_eq!(email.references, vec!["support-1@mail.example.com".to_string()]);
    assert!(!email.auto_submitted, "an agent wrote it");

    // The customer answers it from Outlook, through Mailgun: it threads on.
    let reply_to = email.reply_to.clone().unwrap();
    let answer = fixture("outlook_reply.eml", &reply_to, "outlook-1@contoso.example", email.message_id.as_deref().unwrap())
        .replace("From: Lin Chen <lin.chen@contoso.example>", "From: Grace Hopper <Grace@Example.com>");
    let form =
        reqwest::multipart::Form::new().text("recipient", reply_to.clone()).text("sender", "Grace@Example.com").text("body-mime", answer);
    assert_eq!(post_form(&app, form).await.0, StatusCode::OK);
    let frame = message_with(&mut agent, "Please send it to the office address instead.\n\nThanks,\nLin").await;
    assert_eq!(frame["conversation_id"], conversation.as_str());
    ws.owner.replies(&conversation, "Done.").await;
    let next = loop {
        let found: Vec<_> = app.outbox().into_iter().filter(|e| e.to == "Grace@Example.com" && e.text.contains("Done.")).collect();
        if let Some(email) = found.into_iter().next() {
            break email;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert_eq!(next.in_reply_to.as_deref(), Some("outlook-1@contoso.example"));
    assert_eq!(next.references.len(), 3, "{:?}", next.references);

    // The follow-up of unseen replies sends them no second time.
    app.execute("UPDATE conversations SET last_message_at = now() - interval '2 hours'");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let to_grace = app.outbox().into_iter().filter(|e| e.to == "Grace@Example.com").count();
    assert_eq!(to_grace, 2, "{:?}", app.outbox());
}

#[tokio::test]
async fn each_providers_webhook_form_delivers_the_raw_mime() {
    let app = spawn().await;
    let ws = app.sign_up_workspace().await;
    let (visitor, conversation) = ws.visitor_says("Hello").await;
    let email = transcript(&app, &visitor.token, &conversation, "grace.hopper@gmail.example").await;
    let reply_to = email.reply_to.unwrap();
    let parlor_id = email.message_id.unwrap();
    let mut agent = ws.owner.socket().await;
    let gmail = |id: &str| fixture("gmail_reply.eml", &reply_to, id, &parlor_id);
    let stripped = "Yes, the blue one please.\n.5 kg is fine too.";

    // Postmark: JSON with RawEmail.
    let raw = serde_json::to_string(&gmail("postmark-1@mail.gmail.example")).unwrap();
    let body = fixture("postmark.json", &reply_to, "", "").replace("\"{RAW}\"", &raw);
    let (status, answer) = post_webhook(&app, "application/json", body.into_bytes()).await;
    assert_eq!((status, answer["status"].as_str()), (StatusCode::OK, Some("stored")), "{answer}");
    assert_eq!(agent.expect("message").await["body"], stripped);

    // SendGrid Inbound Parse, raw: the email field, with its verdicts beside it.
    let raw = gmail("sendgrid-1@mail.gmail.example").replace("Authentication-Results", "X-Old-Results");
    let form = reqwest::multipart::Form::new()
        .text("envelope", json!({ "to": [reply_to], "from": "grace.hopper@gmail.example" }).to_string())
        .text("SPF", "pass")
        .text("dkim", "{@gmail.example : fail}")
        .text("email", raw);
    assert_eq!(post_form(&app, form).await.0, StatusCode::OK);
    assert_eq!(agent.expect("message").await["body"], stripped);
    assert_eq!(
        app.query_string("SELECT spf || ' ' || dkim AS value FROM email_messages WHERE rfc_message_id = 'sendgrid-1@mail.gmail.example'")
            .as_deref(),
        Some("pass fail")
    );

    // SES through SNS: the receipt notification, its content in base64.
    let content =
        base64::engine::general_purpose::STANDARD.encode(fixture("outlook_reply.eml", &reply_to, "ses-1@contoso.example", &parlor_id));
    let message = json!({
        "notificationType": "Received",
        "mail": { "source": "lin.chen@contoso.example", "destination": [reply_to] },
        "receipt": {
            "recipients": [reply_to],
            "spfVerdict": { "status": "PASS" },
            "dkimVerdict": { "status": "GRAY" },
            "action": { "type": "SNS", "topicArn": "arn:aws:sns:us-east-1:123456789012:parlor-inbound", "encoding": "BASE64" }
        },
        "content": content,
    })
    .to_string();
    let body = fixture("ses_sns.json", "", "", "").replace("\"{MESSAGE}\"", &serde_json::to_string(&message).unwrap());
    // SNS posts its JSON as text/plain.
    let (status, answer) = post_webhook(&app, "text/plain; charset=UTF-8", body.into_bytes()).await;
    assert_eq!((status, answer["status"].as_str()), (StatusCode::OK, Some("stored")), "{answer}");
    assert_eq!(agent.expect("message").await["body"], "Please send it to the office address instead.\n\nThanks,\nLin");

    // The raw MIME itself; then the same again, from another provider: stored once.
    let (status, _) = post_webhook(&app, "message/rfc822", gmail("raw-1@mail.gmail.example").into_bytes()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(agent.expect("message").await["body"], stripped);
    let before = counts(&app);
    let raw = serde_json::to_string(&gmail("raw-1@mail.gmail.example")).unwrap();
    let body = fixture("postmark.json", &reply_to, "", "").replace("\"{RAW}\"", &raw);
    let (status, answer) = post_webhook(&app, "application/json", body.into_bytes()).await;
    assert_eq!((status, answer["status"].as_str()), (StatusCode::OK, Some("duplicate")));
    assert_eq!(counts(&app), before);
    assert_eq!(app.count(&format!("messages WHERE conversation_id = '{conversation}'")), 5, "Hello and four emails");
}

#[tokio::test]
async fn the_webhook_takes_only_requests_with_its_secret() {
    let app = spawn().await;
    let ws = app.sign_up_workspace().await;
    let raw = fixture("support_request.eml", &format!("nobody@{DOMAIN}"), "s-1@mail.example.com", "");
    let client = reqwest::Client::new();
    let post = |url: String| client.post(url).header("Content-Type", "message/rfc822").body(raw.clone());
    assert_eq!(post(webhook_url(&app)).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        post(webhook_url(&app)).basic_auth("x", Some("wrong-secret-0000000")).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(post(format!("{}?secret=wrong", webhook_url(&app))).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    let right = post(format!("{}?secret={SECRET}", webhook_url(&app))).send().await.unwrap();
    assert_eq!(right.status(), StatusCode::OK);
    // To no support address: answered, so the provider does not retry, and dropped.
    assert_eq!(right.json::<Value>().await.unwrap()["status"], "dropped");
    assert_eq!(app.count("conversations"), 0);
    let _ = ws;

    // With two-way email off, the webhook refuses everything.
    let off = spawn_app().await;
    let response = reqwest::Client::new()
        .post(format!("{}/webhooks/inbound-email?secret={SECRET}", off.address))
        .header("Content-Type", "message/rfc822")
        .body(raw)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

/// The emails a real SMTP server (aiosmtpd) took, as files, once `count` are there.
async fn spooled(dir: &Path, count: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .filter(|c| !c.is_empty())
            .collect();
        if files.len() >= count {
            return files;
        }
        assert!(std::time::Instant::now() < deadline, "{} of {count} emails arrived", files.len());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Over real SMTP, the headers say what the outbox said: the reply address, the thread, and
/// `Auto-Submitted` on Parlor's own notices only.
#[tokio::test]
async fn the_headers_go_out_over_real_smtp() {
    let spool = crate::helpers::TempDir::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let _server = crate::helpers::start_smtp_sink(port, &spool.path).await;
    let app = spawn_app_with(move |s| {
        s.mail = parlor::config::MailSettings::Smtp(format!("smtp://127.0.0.1:{port}").into());
        s.inbound = Some(InboundSettings { domain: DOMAIN.into(), smtp_addr: None, webhook_secret: Some(SECRET.to_string().into()) });
    })
    .await;
    let ws = app.sign_up_workspace().await;
    // Sign-up's confirmation email comes first.
    spooled(&spool.path, 1).await;
    let slug = app.query_string("SELECT inbound_slug AS value FROM workspaces").unwrap();
    let raw = fixture("support_request.eml", &format!("{slug}@{DOMAIN}"), "support-9@mail.example.com", "");
    assert_eq!(post_webhook(&app, "message/rfc822", raw.into_bytes()).await.0, StatusCode::OK);
    let conversation = app.query_string("SELECT id::text AS value FROM conversations").unwrap();
    ws.owner.replies(&conversation, "On its way.").await;
    let files = spooled(&spool.path, 2).await;
    let reply = files.iter().find(|f| f.contains("Subject: Re: Order 1234 never arrived")).expect("the agent's reply went out");
    assert!(reply.contains("Reply-To: reply+") && reply.contains(&format!("@{DOMAIN}")), "{reply}");
    assert!(reply.contains("In-Reply-To: <support-9@mail.example.com>"), "{reply}");
    assert!(reply.contains("References: <support-9@mail.example.com>"), "{reply}");
    assert!(reply.contains(&format!("@{DOMAIN}>")), "its own Message-ID: {reply}");
    assert!(!reply.contains("Auto-Submitted"), "{reply}");
    let confirmation = files.iter().find(|f| f.contains("Confirm your email address")).unwrap();
    assert!(confirmation.contains("Auto-Submitted: auto-generated"), "{confirmation}");
}
