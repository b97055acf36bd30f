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

/// The visitor's browser reported `language` to the widget (as `navigator.language`).
async fn browses_in(visitor: &crate::helpers::Visitor, language: &str) {
    let body = serde_json::json!({"visitor_token": visitor.token, "context": {"language": language}}).to_string();
    let response =
        reqwest::Client::new().post(format!("{}/api/widget/v1/context", visitor.address)).body(body).send().await.expect("POST context");
    assert_eq!(response.status(), StatusCode::NO_CONTENT, "{}", response.text().await.unwrap_or_default());
}

#[tokio::test]
async fn a_visitor_who_chatted_in_german_is_asked_for_a_rating_in_german_and_rates_on_a_german_page() {
    let app = spawn_app().await;
    let shop = app.sign_up_workspace().await;
    let (visitor, conversation) = shop.visitor_says("Wo ist mein Paket?").await;
    browses_in(&visitor, "de-DE").await;
    visitor.gives_email("greta@example.com").await;
    shop.owner.sets_status(&conversation, "resolved").await;
    app.execute("UPDATE conversations SET last_message_at = last_message_at - interval '1 hour'");
    app.execute("UPDATE jobs SET run_at = now() WHERE kind = 'rating_request'");

    let mail = app.wait_for_email("greta@example.com", "Wie war deine Unterhaltung mit").await;
    assert!(mail.text.starts_with("Hallo,"), "{}", mail.text);
    assert!(mail.text.contains("Wie war diese Unterhaltung? Wähle eine Bewertung:"), "{}", mail.text);
    assert!(mail.text.contains("5 von 5, sehr gut: "), "{}", mail.text);
    assert!(!mail.text.contains("How was"), "{}", mail.text);
    let link = mail.text.split_whitespace().find(|w| w.contains("/rate/") && w.ends_with("score=4")).expect("a link per score");
    let path = link.trim_start_matches("http://localhost:8080");

    // Opened from a mail program whose browser says nothing: the language of the chat.
    let page = reqwest::get(format!("{}{path}", app.address)).await.unwrap().text().await.unwrap();
    assert!(page.contains(r#"<html lang="de" dir="ltr">"#), "{page}");
    assert!(page.contains("<legend>Deine Bewertung</legend>"), "{page}");
    assert!(page.contains("4 von 5 · gut"), "{page}");

    // A browser in Arabic reads the page in Arabic, right to left; a bad score is refused in it.
    let arabic = Browser::speaking(&app.address, "ar-EG,ar;q=0.9");
    let page = arabic.get_html(path).await;
    assert!(page.contains(r#"<html lang="ar" dir="rtl">"#), "{page}");
    let form = path.split('?').next().unwrap();
    let refused = arabic.post_raw(form, &[("score", "9")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("التقييم عدد صحيح من 1 إلى 5."));
    assert_eq!(app.count("conversation_ratings"), 0, "nothing is stored for a refused rating");
}

#[tokio::test]
async fn a_visitor_whose_language_parlor_lacks_gets_the_workspace_default_and_english_stays_english() {
    let app = spawn_app().await;
    let shop = app.sign_up_workspace().await;
    let (visitor, conversation) = shop.visitor_says("Hej!").await;
    browses_in(&visitor, "sv-SE").await;
    visitor.gives_email("sven@example.com").await;
    app.execute("UPDATE workspaces SET default_language = 'fr'");
    shop.owner.sets_status(&conversation, "resolved").await;
    app.execute("UPDATE conversations SET last_message_at = last_message_at - interval '1 hour'");
    app.execute("UPDATE jobs SET run_at = now() WHERE kind = 'rating_request'");
    let mail = app.wait_for_email("sven@example.com", "Comment s'est passée votre conversation avec").await;
    assert!(mail.text.contains("5 sur 5, très bonne : "), "{}", mail.text);
}
