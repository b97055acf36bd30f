//! The console in a member's language: German for a browser that asks for it, and a choice of
//! language on the account page.

use reqwest::StatusCode;

use crate::helpers::{Browser, Person, location, spawn_app, unescape_html};

#[tokio::test]
async fn a_german_browser_signs_up_and_reads_the_console_in_german() {
    let app = spawn_app().await;
    let browser = Browser::speaking(&app.address, "de-DE,de;q=0.9,en;q=0.8");

    let signup = browser.get_html("/signup").await;
    assert!(signup.contains(r#"<html lang="de""#), "{signup}");
    assert!(signup.contains("Arbeitsbereich erstellen"), "{signup}");

    let workspace = browser.sign_up_ok(&Person::new("Greta")).await;
    let home = unescape_html(&browser.get_html(&format!("/app/{workspace}?welcome=1")).await);
    assert!(home.contains(r#"<html lang="de""#), "{home}");
    assert!(home.contains(">Posteingang</a>"), "the navigation is German: {home}");
    assert!(home.contains(">Einstellungen</a>"), "{home}");
    assert!(!home.contains(">Settings</a>"), "{home}");

    let inbox = unescape_html(&browser.get_html(&format!("/app/{workspace}/inbox")).await);
    assert!(inbox.contains(r#"<html lang="de""#), "{inbox}");
    assert!(inbox.contains("<h1 id=\"list-heading\">Posteingang</h1>"), "{inbox}");
    assert!(inbox.contains("Keine offenen Gespräche in dieser Ansicht."), "the empty list says so in German: {inbox}");
    assert!(inbox.contains(r#""inbox-js-typing-one":"{name} tippt…""#), "the script's texts are German too: {inbox}");

    let widget = unescape_html(&browser.get_html(&format!("/app/{workspace}/widget")).await);
    assert!(widget.contains("<h2 id=\"look-heading\">Aussehen und Verhalten</h2>"), "{widget}");
    assert!(widget.contains(">Widget speichern</button>"), "{widget}");
    assert!(!widget.contains("Save widget"), "{widget}");

    let language = app.query_string("SELECT language AS value FROM users ORDER BY created_at DESC LIMIT 1");
    assert_eq!(language.as_deref(), Some("de"));
}

#[tokio::test]
async fn the_sign_in_page_speaks_the_browsers_language() {
    let app = spawn_app().await;
    let german = unescape_html(&Browser::speaking(&app.address, "de").get_html("/login").await);
    assert!(german.contains(r#"<html lang="de""#), "{german}");
    assert!(german.contains("<h1>Anmelden</h1>"), "{german}");
    assert!(german.contains("Passwort vergessen?"), "{german}");

    // A language the console does not speak gets English.
    let swedish = unescape_html(&Browser::speaking(&app.address, "sv-SE").get_html("/login").await);
    assert!(swedish.contains(r#"<html lang="en""#), "{swedish}");
    assert!(swedish.contains("<h1>Sign in</h1>"), "{swedish}");

    // A refused sign-in says why in German.
    let browser = Browser::speaking(&app.address, "de");
    let refused = browser.sign_in("nobody@example.com", "wrong password").await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let text = unescape_html(&refused.text().await.unwrap());
    assert!(text.contains("E-Mail-Adresse oder Passwort ist falsch."), "{text}");
}

#[tokio::test]
async fn a_member_switches_the_console_to_english_on_the_account_page() {
    let app = spawn_app().await;
    let browser = Browser::speaking(&app.address, "de");
    let workspace = browser.sign_up_ok(&Person::new("Greta")).await;

    let account = unescape_html(&browser.get_html("/app/account").await);
    assert!(account.contains(r#"<label for="language">Sprache</label>"#), "{account}");
    assert!(account.contains(r#"<option value="de" lang="de" selected>Deutsch</option>"#), "{account}");
    assert!(account.contains(r#"<option value="en" lang="en">English</option>"#), "{account}");

    let response = browser.post_form("/app/account/language", &[("language", "en")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/app/account?notice=language_saved");
    let saved = unescape_html(&browser.get_html("/app/account?notice=language_saved").await);
    assert!(saved.contains(r#"<html lang="en""#), "{saved}");
    assert!(saved.contains("Your language is saved."), "{saved}");
    assert!(saved.contains(r#"<option value="en" lang="en" selected>English</option>"#), "{saved}");

    // The browser still asks for German; the member's choice wins.
    let home = unescape_html(&browser.get_html(&format!("/app/{workspace}")).await);
    assert!(home.contains(">Inbox</a>") && !home.contains("Posteingang"), "{home}");

    let response = browser.post_form("/app/account/language", &[("language", "de")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let home = unescape_html(&browser.get_html(&format!("/app/{workspace}")).await);
    assert!(home.contains(">Posteingang</a>"), "{home}");
}

#[tokio::test]
async fn a_language_the_console_does_not_speak_is_refused_and_nothing_changes() {
    let app = spawn_app().await;
    app.browser.sign_up_ok(&Person::new("Ada")).await;

    for refused in ["fr", "xx", "", "en-US-x-private-and-rather-long"] {
        let response = app.browser.post_form("/app/account/language", &[("language", refused)]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        let page = unescape_html(&response.text().await.unwrap());
        assert!(
            page.contains(r#"<p class="field-error" id="language-error" role="alert">Choose one of the languages in the list.</p>"#),
            "{refused}: {page}"
        );
        assert!(page.contains(r#"aria-invalid="true""#), "{page}");
        assert_eq!(app.query_string("SELECT language AS value FROM users").as_deref(), Some("en"), "{refused}");
    }
    // Without the CSRF token nothing is saved either.
    let response = app.browser.post_raw("/app/account/language", &[("language", "de")]).await;
    assert!(response.status().is_client_error(), "{}", response.status());
    assert_eq!(app.query_string("SELECT language AS value FROM users").as_deref(), Some("en"));
    let home = app.browser.get_html("/app/account").await;
    assert!(home.contains(r#"<html lang="en""#));
}
