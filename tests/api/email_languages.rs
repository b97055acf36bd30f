//! Emails in the recipient's language: a member's in the language of their account, chosen
//! from their browser when they signed up.

use reqwest::StatusCode;

use crate::helpers::{Browser, PASSWORD, Person, spawn_app};

#[tokio::test]
async fn a_member_who_signed_up_in_a_german_browser_gets_their_emails_in_german() {
    let app = spawn_app().await;
    let browser = Browser::speaking(&app.address, "de-DE,de;q=0.9,en;q=0.8");
    let greta = Person::new("Greta");
    browser.sign_up_ok(&greta).await;

    let confirm = app.wait_for_email(&greta.email, "Bestätigen Sie Ihre E-Mail-Adresse für Parlor").await;
    assert!(confirm.text.starts_with("Hallo Greta,"), "{}", confirm.text);
    assert!(confirm.text.contains("Willkommen bei Parlor."), "{}", confirm.text);
    assert!(confirm.text.trim_end().ends_with("— Parlor"), "{}", confirm.text);

    let response =
        browser.post_form("/app/account/password", &[("current_password", PASSWORD), ("new_password", "a new password 2")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let changed = app.wait_for_email(&greta.email, "Ihr Parlor-Passwort wurde geändert").await;
    assert!(changed.text.contains("alle anderen Geräte wurden abgemeldet"), "{}", changed.text);
}

#[tokio::test]
async fn a_browser_asking_for_a_language_the_console_lacks_gets_english_emails() {
    let app = spawn_app().await;
    let browser = Browser::speaking(&app.address, "ja-JP,ja;q=0.9");
    let kenji = Person::new("Kenji");
    browser.sign_up_ok(&kenji).await;
    let confirm = app.wait_for_email(&kenji.email, "Confirm your email address for Parlor").await;
    assert!(confirm.text.starts_with("Hi Kenji,"), "{}", confirm.text);
}
