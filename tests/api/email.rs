use std::{
    path::Path,
    time::{Duration, Instant},
};

use parlor::config::MailSettings;

use crate::helpers::{Person, TempDir, link_path, location, spawn_app, spawn_app_with, start_smtp_sink};

#[tokio::test]
async fn signing_up_mails_a_confirmation_link_that_confirms_the_address() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let workspace = app.browser.sign_up_ok(&ada).await;
    let html = app.browser.get_html(&format!("/app/{workspace}")).await;
    assert!(html.contains("Please confirm your email address"), "the banner asks to confirm");

    let email = app.wait_for_email(&ada.email, "Confirm your email address").await;
    let link = link_path(&email);
    assert!(link.starts_with("/verify-email/"));
    let response = app.browser.get(&link).await;
    assert_eq!(location(&response), "/app?notice=email_verified");
    let html = app.browser.get_html(&format!("/app/{workspace}?notice=email_verified")).await;
    assert!(!html.contains("Please confirm your email address"));
    assert!(html.contains("Thanks, your email address is confirmed."));
    assert!(app.query_string("SELECT email_verified_at::text AS value FROM users").is_some());
    // A confirmation link is single-use too.
    assert_eq!(app.browser.get(&link).await.status(), 410);
}

#[tokio::test]
async fn the_confirmation_email_can_be_sent_again_and_only_the_newest_link_works() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    let first = link_path(&app.wait_for_email(&ada.email, "Confirm").await);
    let response = app.browser.post_form("/app/account/verify-email", &[("next", "/app/account")]).await;
    assert_eq!(location(&response), "/app/account?notice=verification_sent");
    let deadline = Instant::now() + Duration::from_secs(5);
    while app.outbox().len() < 2 {
        assert!(Instant::now() < deadline, "no second email");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let second = link_path(&app.outbox()[1]);
    assert_ne!(first, second);
    assert_eq!(app.browser.get(&first).await.status(), 410);
    assert_eq!(app.browser.get(&second).await.status(), 303);
}

#[tokio::test]
async fn without_smtp_each_email_is_written_as_an_eml_file() {
    let mail_dir = TempDir::new();
    let dir = mail_dir.path.clone();
    let app = spawn_app_with(move |s| s.mail = MailSettings::Files(dir)).await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    let contents = wait_for_file(&mail_dir.path).await;
    assert!(contents.contains("Subject: Confirm your email address for Parlor"), "{contents}");
    assert!(contents.contains(&ada.email));
    assert!(contents.contains("/verify-email/"));
}

/// Proves the SMTP path against a real SMTP server (Python's aiosmtpd).
#[tokio::test]
async fn with_smtp_url_emails_go_through_a_real_smtp_server() {
    let spool = TempDir::new();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut server = start_smtp_sink(port, &spool.path).await;

    let app = spawn_app_with(move |s| s.mail = MailSettings::Smtp(format!("smtp://127.0.0.1:{port}").into())).await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    // The body is quoted-printable: undo its soft line breaks to read the link.
    let message = wait_for_file(&spool.path).await.replace("=\r\n", "").replace("=\n", "");
    assert!(message.contains("Subject: Confirm your email address for Parlor"), "{message}");
    assert!(message.contains(&format!("To: {}", ada.email)), "{message}");
    let start = message.find("http://localhost:8080/verify-email/").expect("link in the message");
    let link: String = message[start + "http://localhost:8080".len()..].split_whitespace().next().unwrap().to_string();
    assert_eq!(location(&app.browser.get(&link).await), "/app?notice=email_verified");
    server.kill().await.ok();
}

async fn wait_for_file(dir: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(entry) = std::fs::read_dir(dir).ok().and_then(|mut d| d.find_map(|e| e.ok())) {
            let contents = std::fs::read_to_string(entry.path()).unwrap_or_default();
            if !contents.is_empty() {
                return contents;
            }
        }
        assert!(Instant::now() < deadline, "no email arrived in {}", dir.display());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
