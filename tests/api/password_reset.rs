use std::time::Duration;

use crate::helpers::{PASSWORD, Person, link_path, location, spawn_app};

const NEW_PASSWORD: &str = "a brand new passphrase";

#[tokio::test]
async fn a_password_is_reset_end_to_end_through_the_mailer() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    let phone = app.new_browser();
    assert_eq!(phone.sign_in(&ada.email, PASSWORD).await.status(), 303);

    let laptop = app.new_browser();
    let response = laptop.post_form("/password/forgot", &[("email", &ada.email)]).await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("we have sent it a link"));

    let email = app.wait_for_email(&ada.email, "Reset your Parlor password").await;
    let link = link_path(&email);
    assert!(link.starts_with("/password/reset/"), "{link}");
    let form = laptop.get(&link).await;
    assert_eq!(form.status(), 200);
    assert!(form.text().await.unwrap().contains("Choose a new password"));

    let response = laptop.post_form(&link, &[("password", NEW_PASSWORD)]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/app?notice=password_reset");
    assert!(laptop.is_signed_in().await, "the reset signs this browser in");
    assert!(!phone.is_signed_in().await, "every other session ends");
    assert!(!app.browser.is_signed_in().await, "every other session ends");

    assert_eq!(app.new_browser().sign_in(&ada.email, PASSWORD).await.status(), 401);
    assert_eq!(app.new_browser().sign_in(&ada.email, NEW_PASSWORD).await.status(), 303);
}

#[tokio::test]
async fn a_reset_link_works_only_once() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    app.new_browser().post_form("/password/forgot", &[("email", &ada.email)]).await;
    let link = link_path(&app.wait_for_email(&ada.email, "Reset").await);
    let laptop = app.new_browser();
    assert_eq!(laptop.post_form(&link, &[("password", NEW_PASSWORD)]).await.status(), 303);

    let again = app.new_browser();
    let page = again.get(&link).await;
    assert_eq!(page.status(), 410);
    assert!(page.text().await.unwrap().contains("expired or has already been used"));
    assert_eq!(again.post_form(&link, &[("password", "yet another password")]).await.status(), 410);
    assert_eq!(app.new_browser().sign_in(&ada.email, NEW_PASSWORD).await.status(), 303);
}

#[tokio::test]
async fn a_reset_link_expires_after_an_hour() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    app.new_browser().post_form("/password/forgot", &[("email", &ada.email)]).await;
    let link = link_path(&app.wait_for_email(&ada.email, "Reset").await);
    // The token's lifetime is stored, not shown.
    let lifetime = app.query_string(
        "SELECT round(extract(epoch FROM expires_at - created_at))::text AS value FROM user_tokens WHERE purpose = 'reset_password'",
    );
    assert_eq!(lifetime, Some("3600".into()));
    // Ages the token: waiting an hour is no test.
    app.execute("UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'reset_password'");
    let laptop = app.new_browser();
    assert_eq!(laptop.get(&link).await.status(), 410);
    assert_eq!(laptop.post_form(&link, &[("password", NEW_PASSWORD)]).await.status(), 410);
    assert_eq!(app.new_browser().sign_in(&ada.email, PASSWORD).await.status(), 303);
}

#[tokio::test]
async fn known_and_unknown_emails_get_the_same_answer_and_only_the_known_one_gets_mail() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    let known = app.new_browser().post_form("/password/forgot", &[("email", &ada.email)]).await;
    let unknown = app.new_browser().post_form("/password/forgot", &[("email", "stranger@example.com")]).await;
    assert_eq!(known.status(), unknown.status());
    let strip =
        |html: String, email: &str| html.replace(email, "").lines().filter(|l| !l.contains("csrf_token")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(known.text().await.unwrap(), &ada.email), strip(unknown.text().await.unwrap(), "stranger@example.com"));
    app.wait_for_email(&ada.email, "Reset").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(app.outbox().iter().all(|e| e.to != "stranger@example.com"));
}

#[tokio::test]
async fn a_too_short_new_password_is_refused_and_the_link_still_works() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    app.new_browser().post_form("/password/forgot", &[("email", &ada.email)]).await;
    let link = link_path(&app.wait_for_email(&ada.email, "Reset").await);
    let laptop = app.new_browser();
    let response = laptop.post_form(&link, &[("password", "short")]).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("Use at least 8 characters."));
    assert!(app.browser.is_signed_in().await, "a refused reset signs no one out");
    assert_eq!(laptop.post_form(&link, &[("password", NEW_PASSWORD)]).await.status(), 303);
}
