//! Changing one's email address from the account page: a link mailed to the new address makes
//! the change, the current address hears of it before and after. Mail goes through a real SMTP
//! server (`tests/support/smtp_sink.py`), as in production.

use std::{
    path::Path,
    time::{Duration, Instant},
};

use base64::Engine;
use parlor::config::{Limit, MailSettings};
use reqwest::StatusCode;

use crate::helpers::{PASSWORD, Person, TempDir, TestApp, location, spawn_app_with, start_smtp_sink, unescape_html};

/// One email as the SMTP server received it, its body decoded.
#[derive(Debug, Clone)]
struct Mail {
    to: String,
    subject: String,
    body: String,
}

impl Mail {
    /// The path of the first link to Parlor in the body.
    fn link(&self) -> String {
        let origin = "http://localhost:8080";
        let start = self.body.find(origin).unwrap_or_else(|| panic!("a link in {self:?}"));
        self.body[start + origin.len()..].split_whitespace().next().expect("link").to_string()
    }
}

/// Parlor sending its email to a real SMTP server that keeps every message.
struct MailApp {
    app: TestApp,
    spool: TempDir,
    _server: tokio::process::Child,
}

async fn spawn_app_with_smtp(configure: impl FnOnce(&mut parlor::config::Settings)) -> MailApp {
    let spool = TempDir::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
    let server = start_smtp_sink(port, &spool.path).await;
    let app = spawn_app_with(move |s| {
        s.mail = MailSettings::Smtp(format!("smtp://127.0.0.1:{port}").into());
        configure(s);
    })
    .await;
    MailApp { app, spool, _server: server }
}

impl MailApp {
    fn mails(&self) -> Vec<Mail> {
        let mut files: Vec<_> = std::fs::read_dir(&self.spool.path)
            .expect("spool")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files.iter().map(|p| parse(p)).collect()
    }

    fn mails_to(&self, to: &str) -> Vec<Mail> {
        self.mails().into_iter().filter(|m| m.to == to).collect()
    }

    /// Waits (up to 10 s) for a message to `to` whose subject contains `subject`.
    async fn wait_for(&self, to: &str, subject: &str) -> Mail {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(mail) = self.mails().into_iter().find(|m| m.to == to && m.subject.contains(subject)) {
                return mail;
            }
            assert!(Instant::now() < deadline, "no email to {to} about {subject:?}; received: {:#?}", self.mails());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Gives mail in flight time to arrive, then checks none went to `to` beyond `expected`.
    async fn assert_mail_count(&self, to: &str, expected: usize) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(self.mails_to(to).len(), expected, "emails to {to}: {:#?}", self.mails_to(to));
    }

    fn email_of(&self, user: &str) -> String {
        self.app.query_string(&format!("SELECT email AS value FROM users WHERE email = '{user}' OR name = '{user}'")).expect("a user")
    }
}

fn parse(path: &Path) -> Mail {
    let raw = std::fs::read_to_string(path).expect("an email file").replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").expect("headers and body");
    let head = head.replace("\n ", " ").replace("\n\t", " ");
    let header =
        |name: &str| head.lines().find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_string)).unwrap_or_default().to_lowercase();
    let body = match header("Content-Transfer-Encoding").as_str() {
        "quoted-printable" => quoted_printable(body),
        "base64" => String::from_utf8(
            base64::engine::general_purpose::STANDARD.decode(body.split_whitespace().collect::<String>()).expect("base64 body"),
        )
        .expect("utf-8 body"),
        _ => body.to_string(),
    };
    let to = header("To");
    let to = to.rsplit_once('<').map(|(_, a)| a.trim_end_matches('>').to_string()).unwrap_or(to);
    let subject = head.lines().find_map(|l| l.strip_prefix("Subject: ")).unwrap_or_default().to_string();
    Mail { to, subject, body }
}

fn quoted_printable(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes.get(i + 1..i + 3).and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        if let (b'=', Some(byte)) = (bytes[i], escaped) {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("utf-8 body")
}

/// Ada, signed up through `app.browser`, with her confirmation email delivered.
async fn ada(mail: &MailApp) -> Person {
    let ada = Person::new("Ada");
    mail.app.browser.sign_up_ok(&ada).await;
    mail.wait_for(&ada.email, "Confirm your email address").await;
    ada
}

async fn ask_for_change(mail: &MailApp, new_email: &str, password: &str) -> reqwest::Response {
    mail.app.browser.post_form("/app/account/email", &[("new_email", new_email), ("current_password", password)]).await
}

/// Asks for a change to `new_email` and returns the path of the link mailed there.
async fn change_link(mail: &MailApp, new_email: &str) -> String {
    const SUBJECT: &str = "Confirm your new email address";
    let links = || mail.mails_to(new_email).into_iter().filter(|m| m.subject.contains(SUBJECT)).collect::<Vec<_>>();
    let before = links().len();
    let response = ask_for_change(mail, new_email, PASSWORD).await;
    assert_eq!(location(&response), "/app/account?notice=email_change_sent");
    let deadline = Instant::now() + Duration::from_secs(10);
    while links().len() == before {
        assert!(Instant::now() < deadline, "no link to {new_email}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    links().last().expect("the link's email").link()
}

fn new_address() -> String {
    Person::new("Ada New").email
}

async fn account_page(mail: &MailApp) -> String {
    unescape_html(&mail.app.browser.get_html("/app/account").await)
}

#[tokio::test]
async fn a_new_address_takes_effect_only_through_the_link_mailed_to_it_and_the_old_one_is_told() {
    let mail = spawn_app_with_smtp(|_| {}).await;
    let ada = ada(&mail).await;
    let new_email = new_address();

    let response = ask_for_change(&mail, &new_email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/app/account?notice=email_change_sent");
    let confirm = mail.wait_for(&new_email, "Confirm your new email address").await;
    assert!(confirm.body.contains(&new_email) && confirm.body.contains("24 hours"), "{}", confirm.body);
    let link = confirm.link();
    assert!(link.starts_with("/email-change/"), "{link}");
    let warning = mail.wait_for(&ada.email, "A change of your Parlor email address was asked for").await;
    assert!(warning.body.contains(&new_email), "the old address is told where to: {}", warning.body);
    assert!(warning.body.contains("http://localhost:8080/app/account"), "and where to cancel: {}", warning.body);
    assert!(!warning.body.contains(&link), "the link goes to the new address only");
    assert!(!confirm.body.contains(&ada.email), "the new address does not learn the old one");

    // Nothing has changed yet.
    let page = unescape_html(&mail.app.browser.get_html(&location(&response)).await);
    assert!(page.contains("Check your new address"), "the notice says what happens next");
    assert!(page.contains(&format!("Waiting for confirmation: <strong>{new_email}</strong>")), "the page shows the pending change");
    assert_eq!(mail.email_of("Ada"), ada.email);
    assert_eq!(mail.app.new_browser().sign_in(&new_email, PASSWORD).await.status(), StatusCode::UNAUTHORIZED);

    // The link opens on a browser where nobody is signed in: a page with one button.
    let phone = mail.app.new_browser();
    let opened = phone.get(&link).await;
    assert_eq!(opened.status(), StatusCode::OK);
    let html = unescape_html(&opened.text().await.unwrap());
    assert!(html.contains("Confirm your new email address") && html.contains(&new_email), "{html}");
    assert_eq!(mail.email_of("Ada"), ada.email, "opening the page alone changes nothing");
    let confirmed = phone.post_form(&link, &[]).await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let html = unescape_html(&confirmed.text().await.unwrap());
    assert!(html.contains("Your email address is changed") && html.contains(&new_email), "{html}");

    assert_eq!(mail.email_of("Ada"), new_email);
    let changed = mail.wait_for(&ada.email, "Your Parlor email address was changed").await;
    assert!(changed.body.contains(&new_email), "{}", changed.body);
    assert!(mail.app.new_browser().sign_in(&new_email, PASSWORD).await.status() == StatusCode::SEE_OTHER, "the new address signs in");
    assert_eq!(mail.app.new_browser().sign_in(&ada.email, PASSWORD).await.status(), StatusCode::UNAUTHORIZED, "the old one does not");
    let page = account_page(&mail).await;
    assert!(page.contains(&new_email) && page.contains("Confirmed"), "the link proved the new address");
    assert!(!page.contains("Waiting for confirmation"));
    assert!(!page.contains("Please confirm your email address"), "no banner asks to confirm it again");
}

#[tokio::test]
async fn the_person_signed_in_on_that_browser_lands_on_their_account_page_with_a_notice() {
    let mail = spawn_app_with_smtp(|_| {}).await;
    let ada = ada(&mail).await;
    let new_email = new_address();
    let link = change_link(&mail, &new_email).await;
    let response = mail.app.browser.post_form(&link, &[]).await;
    assert_eq!(location(&response), "/app/account?notice=email_changed");
    let page = unescape_html(&mail.app.browser.get_html("/app/account?notice=email_changed").await);
    assert!(page.contains("Your email address is changed. Sign in with the new one from now on."));
    assert!(page.contains(&new_email));
    assert!(mail.app.browser.is_signed_in().await, "changing the address keeps the session");
    mail.wait_for(&ada.email, "Your Parlor email address was changed").await;
}

#[tokio::test]
async fn a_wrong_password_or_a_bad_same_or_taken_address_is_refused_beside_its_field_and_changes_nothing() {
    let mail = spawn_app_with_smtp(|_| {}).await;
    let ada = ada(&mail).await;
    let grace = Person::new("Grace");
    mail.app.new_browser().sign_up_ok(&grace).await;
    let new_email = new_address();
    let upper_case = ada.email.to_uppercase();

    let cases = [
        (new_email.as_str(), "not my password", "That is not your current password."),
        (new_email.as_str(), "", "That is not your current password."),
        ("not an address", PASSWORD, "Enter a valid email address, like name@company.com."),
        ("", PASSWORD, "Enter the new email address."),
        (ada.email.as_str(), PASSWORD, "That is already your email address."),
        (upper_case.as_str(), PASSWORD, "That is already your email address."),
        (grace.email.as_str(), PASSWORD, "Another Parlor account uses this address."),
    ];
    for (address, password, message) in cases {
        let response = ask_for_change(&mail, address, password).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{address:?} / {password:?}");
        let html = unescape_html(&response.text().await.unwrap());
        let error = html.find(message).unwrap_or_else(|| panic!("{message:?} is shown for {address:?} / {password:?}"));
        let field = if message.contains("password") { "id=\"email_current_password\"" } else { "id=\"new_email\"" };
        let field_at = html.find(field).expect("the field");
        assert!(field_at < error && error - field_at < 800, "{message:?} is next to its field");
        assert!(html.contains(&format!("value=\"{address}\"")), "the address typed is kept");
        assert!(!html.contains("Waiting for confirmation"));
    }
    // A wrong password does not tell whether the address is taken.
    let response = ask_for_change(&mail, &grace.email, "not my password").await;
    assert!(!unescape_html(&response.text().await.unwrap()).contains("Another Parlor account"));

    assert_eq!(mail.app.count("user_tokens WHERE purpose = 'change_email'"), 0);
    assert_eq!(mail.email_of("Ada"), ada.email);
    mail.assert_mail_count(&new_email, 0).await;
    mail.assert_mail_count(&ada.email, 1).await; // the sign-up confirmation only
}

#[tokio::test]
async fn an_address_taken_between_the_request_and_the_link_is_refused_when_the_link_is_used() {
    let mail = spawn_app_with_smtp(|_| {}).await;
    let ada = ada(&mail).await;
    let new_email = new_address();
    let link = change_link(&mail, &new_email).await;
    // Someone else signs up with that address meanwhile.
    mail.app.new_browser().sign_up_ok(&Person { email: new_email.clone(), ..Person::new("Grace") }).await;

    let response = mail.app.browser.post_form(&link, &[]).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = unescape_html(&response.text().await.unwrap());
    assert!(html.contains("This address is already in use") && html.contains("nothing changed"), "{html}");
    assert_eq!(mail.email_of("Ada"), ada.email);
    assert_eq!(mail.email_of("Grace"), new_email);
    mail.assert_mail_count(&ada.email, 2).await; // sign-up, then the warning; no "was changed"
    assert_eq!(mail.app.browser.get(&link).await.status(), StatusCode::GONE, "the link is used up");
    assert!(!account_page(&mail).await.contains("Waiting for confirmation"));
}

#[tokio::test]
async fn an_expired_a_used_or_an_unknown_link_shows_a_clear_page_and_changes_nothing() {
    let mail = spawn_app_with_smtp(|_| {}).await;
    let ada = ada(&mail).await;

    let expired_address = new_address();
    let expired = change_link(&mail, &expired_address).await;
    mail.app.execute("UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'change_email'");
    for response in [mail.app.browser.get(&expired).await, mail.app.browser.post_form(&expired, &[]).await] {
        assert_eq!(response.status(), StatusCode::GONE);
        let html = response.text().await.unwrap();
        assert!(html.contains("This link no longer works") && html.contains("email change link has expired"), "{html}");
        assert!(html.contains("href=\"/app/account\""), "it says where to ask again");
    }
    assert_eq!(mail.email_of("Ada"), ada.email);
    assert!(!account_page(&mail).await.contains("Waiting for confirmation"), "an expired change is no longer pending");

    let used_address = new_address();
    let used = change_link(&mail, &used_address).await;
    assert_eq!(mail.app.new_browser().post_form(&used, &[]).await.status(), StatusCode::OK);
    assert_eq!(mail.email_of("Ada"), used_address);
    // Ada moves back to her first address; the used link must not move her again.
    let back = change_link(&mail, &ada.email).await;
    assert_eq!(mail.app.new_browser().post_form(&back, &[]).await.status(), StatusCode::OK);
    assert_eq!(mail.app.new_browser().get(&used).await.status(), StatusCode::GONE);
    assert_eq!(mail.app.new_browser().post_form(&used, &[]).await.status(), StatusCode::GONE);
    assert_eq!(mail.email_of("Ada"), ada.email);

    for unknown in ["/email-change/nonsense", "/email-change/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
        assert_eq!(mail.app.browser.get(unknown).await.status(), StatusCode::GONE, "{unknown}");
        assert_eq!(mail.app.browser.post_form(unknown, &[]).await.status(), StatusCode::GONE, "{unknown}");
    }
    // A link of another kind is not an email-change link.
    let reset = mail.app.new_browser().post_form("/password/forgot", &[("email", &ada.email)]).await;
    assert_eq!(reset.status(), StatusCode::OK);
    let reset_link = mail.wait_for(&ada.email, "Reset your Parlor password").await.link();
    let token = reset_link.trim_start_matches("/password/reset/");
    assert_eq!(mail.app.browser.post_form(&format!("/email-change/{token}"), &[]).await.status(), StatusCode::GONE);
    assert_eq!(mail.email_of("Ada"), ada.email);
}

#[tokio::test]
async fn a_cancelled_change_or_one_replaced_by_a_newer_request_leaves_its_link_dead() {
    let mail = spawn_app_with_smtp(|_| {}).await;
    let ada = ada(&mail).await;

    let cancelled_address = new_address();
    let cancelled = change_link(&mail, &cancelled_address).await;
    let response = mail.app.browser.post_form("/app/account/email/cancel", &[]).await;
    assert_eq!(location(&response), "/app/account?notice=email_change_cancelled");
    let page = unescape_html(&mail.app.browser.get_html("/app/account?notice=email_change_cancelled").await);
    assert!(page.contains("The change of email address is cancelled"));
    assert!(!page.contains("Waiting for confirmation"));
    assert_eq!(mail.app.new_browser().post_form(&cancelled, &[]).await.status(), StatusCode::GONE);

    let (older_address, newer_address) = (new_address(), new_address());
    let older = change_link(&mail, &older_address).await;
    let newer = change_link(&mail, &newer_address).await;
    let page = account_page(&mail).await;
    assert!(page.contains(&format!("Waiting for confirmation: <strong>{newer_address}</strong>")));
    assert!(!page.contains(&older_address), "only the newest request is pending");
    assert_eq!(mail.app.new_browser().post_form(&older, &[]).await.status(), StatusCode::GONE);
    assert_eq!(mail.email_of("Ada"), ada.email);
    assert_eq!(mail.app.new_browser().post_form(&newer, &[]).await.status(), StatusCode::OK);
    assert_eq!(mail.email_of("Ada"), newer_address);
}

#[tokio::test]
async fn only_the_signed_in_person_asks_for_or_cancels_a_change_and_only_for_themselves() {
    let mail = spawn_app_with_smtp(|_| {}).await;
    ada(&mail).await;
    let new_email = new_address();
    let link = change_link(&mail, &new_email).await;

    let stranger = mail.app.new_browser();
    let asked = stranger.post_form("/app/account/email", &[("new_email", "x@example.com"), ("current_password", PASSWORD)]).await;
    assert!(location(&asked).starts_with("/login"), "signed out: {}", location(&asked));
    let cancelled = stranger.post_form("/app/account/email/cancel", &[]).await;
    assert!(location(&cancelled).starts_with("/login"));
    // Without the form's CSRF token, nothing happens either.
    let forged = mail.app.browser.post_raw("/app/account/email/cancel", &[]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let forged = mail.app.browser.post_raw(&link, &[]).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // Someone else's cancel or request touches only their own account.
    let grace = Person::new("Grace");
    let graces = mail.app.new_browser();
    graces.sign_up_ok(&grace).await;
    assert_eq!(location(&graces.post_form("/app/account/email/cancel", &[]).await), "/app/account?notice=email_change_cancelled");
    let graces_new = new_address();
    graces.post_form("/app/account/email", &[("new_email", &graces_new), ("current_password", PASSWORD)]).await;
    mail.wait_for(&graces_new, "Confirm your new email address").await;
    assert!(account_page(&mail).await.contains(&format!("Waiting for confirmation: <strong>{new_email}</strong>")));
    assert!(!account_page(&mail).await.contains(&graces_new));

    // Grace, signed in, opens Ada's link: it changes Ada's address, not Grace's.
    let response = graces.post_form(&link, &[]).await;
    assert_eq!(response.status(), StatusCode::OK, "the success page, not Grace's account page");
    assert_eq!(mail.email_of("Ada"), new_email);
    assert_eq!(mail.email_of("Grace"), grace.email);
}

#[tokio::test]
async fn requests_for_a_change_are_rate_limited_per_account() {
    let mail = spawn_app_with_smtp(|s| s.rate_limits.email_change_per_account = Limit::per_hour(2)).await;
    let ada = ada(&mail).await;
    // A refused form does not count: a typo costs nothing.
    assert_eq!(ask_for_change(&mail, "typo", PASSWORD).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    change_link(&mail, &new_address()).await;
    change_link(&mail, &new_address()).await;
    let third = new_address();
    let response = ask_for_change(&mail, &third, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let html = unescape_html(&response.text().await.unwrap());
    let error = html.find("Too many attempts").expect("the limit is explained");
    assert!(error > html.find("id=\"new_email\"").expect("the field"), "beside the address field");
    mail.assert_mail_count(&third, 0).await;
    mail.assert_mail_count(&ada.email, 3).await; // sign-up and two warnings
}

#[tokio::test]
async fn the_current_password_check_counts_against_the_sign_in_limit() {
    let mail = spawn_app_with_smtp(|s| s.rate_limits.login_per_account = Limit::per_hour(3)).await;
    let ada = ada(&mail).await; // signing up does not sign in: the allowance is whole
    for _ in 0..3 {
        assert_eq!(ask_for_change(&mail, &new_address(), "guess").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let response = ask_for_change(&mail, &new_address(), PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.text().await.unwrap().contains("Too many attempts"));
    assert_eq!(mail.app.count("user_tokens WHERE purpose = 'change_email'"), 0);
    assert_eq!(mail.email_of("Ada"), ada.email);
}
