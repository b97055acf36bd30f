//! The profile part of the account page: name, password and time zone.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    helpers::{PASSWORD, Person, location, spawn_app, unescape_html},
    revocation::{AT_ONCE, agent_socket, closed_as_revoked},
};

const NEW_PASSWORD: &str = "a brand new passphrase";

#[tokio::test]
async fn a_new_name_shows_at_once_in_the_inbox_and_to_visitors() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let (_visitor, conversation) = workspace.visitor_says("Hello?").await;
    workspace.owner.replies(&conversation, "Hi, how can I help?").await;

    let response = app.browser.post_form("/app/account/name", &[("name", "  Ada Lovelace  ")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/app/account?notice=name_saved");
    let account = unescape_html(&app.browser.get_html("/app/account?notice=name_saved").await);
    assert!(account.contains("Your name is saved."), "{account}");
    assert!(account.contains(r#"value="Ada Lovelace""#), "the name is trimmed: {account}");

    let inbox = app.browser.get_html(&format!("/app/{}/inbox/{conversation}", workspace.id)).await;
    assert!(inbox.contains(r#"<span class="msg-author">Ada Lovelace</span>"#), "the earlier reply shows the new name: {inbox}");
    let session: Value = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/sessions", app.address))
        .json(&json!({"site_key": workspace.site_key}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(session["agents"][0]["name"], "Ada Lovelace", "{session}");
}

#[tokio::test]
async fn an_empty_or_too_long_name_is_refused_beside_the_field() {
    let app = spawn_app().await;
    app.browser.sign_up_ok(&Person::new("Ada")).await;
    for name in ["   ", &"x".repeat(101)] {
        let response = app.browser.post_form("/app/account/name", &[("name", name)]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains(r#"id="name-error" role="alert""#), "{page}");
    }
    assert_eq!(app.query_string("SELECT name AS value FROM users").as_deref(), Some("Ada"));
}

#[tokio::test]
async fn a_wrong_current_password_changes_nothing() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    let phone = app.new_browser();
    phone.sign_in(&ada.email, PASSWORD).await;

    let response =
        app.browser.post_form("/app/account/password", &[("current_password", "not my password"), ("new_password", NEW_PASSWORD)]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("That is not your current password."), "{page}");
    assert!(page.contains(r#"id="current-password-error" role="alert""#), "{page}");

    assert!(phone.is_signed_in().await, "no session ends");
    assert_eq!(app.new_browser().sign_in(&ada.email, PASSWORD).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.new_browser().sign_in(&ada.email, NEW_PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_new_password_follows_the_sign_up_rules() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    let response = app.browser.post_form("/app/account/password", &[("current_password", PASSWORD), ("new_password", "short")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("Use at least 8 characters."));
    assert_eq!(app.new_browser().sign_in(&ada.email, PASSWORD).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn changing_the_password_signs_out_every_other_device_and_closes_its_socket() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    let phone = app.new_browser();
    phone.sign_in(&ada.email, PASSWORD).await;
    let mut phone_socket = agent_socket(&app, &phone).await;

    let response = app.browser.post_form("/app/account/password", &[("current_password", PASSWORD), ("new_password", NEW_PASSWORD)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/app/account?notice=password_changed");

    closed_as_revoked(&mut phone_socket, AT_ONCE).await;
    let next = phone.get("/app/account").await;
    assert!(location(&next).starts_with("/login"), "the phone is sent to sign in: {}", location(&next));
    assert!(app.browser.is_signed_in().await, "this browser stays signed in");
    let (_, others) = app.browser.sessions().await;
    assert!(others.is_empty(), "no other device is listed");

    assert_eq!(app.new_browser().sign_in(&ada.email, PASSWORD).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.new_browser().sign_in(&ada.email, NEW_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let notice = app.wait_for_email(&ada.email, "Your Parlor password was changed").await;
    assert!(notice.text.contains("/password/forgot"), "{}", notice.text);
}

#[tokio::test]
async fn a_time_zone_is_saved_and_an_unknown_one_refused() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;

    let response = app.browser.post_form("/app/account/time-zone", &[("time_zone", "Mars/Olympus_Mons")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = unescape_html(&response.text().await.unwrap());
    assert!(page.contains(r#"id="time-zone-error" role="alert""#), "{page}");
    assert!(page.contains(r#"value="Mars/Olympus_Mons""#), "what was typed stays in the field");
    assert_eq!(app.query_string("SELECT time_zone AS value FROM users"), None);

    let response = app.browser.post_form("/app/account/time-zone", &[("time_zone", "Asia/Tokyo")]).await;
    assert_eq!(location(&response), "/app/account?notice=time_zone_saved");
    let inbox = app.browser.get_html(&format!("/app/{}/inbox", workspace.id)).await;
    assert!(inbox.contains(r#"data-time-zone="Asia/Tokyo""#), "the console knows the zone: {inbox}");

    let response = app.browser.post_form("/app/account/time-zone", &[("time_zone", "")]).await;
    assert_eq!(location(&response), "/app/account?notice=time_zone_saved");
    let inbox = app.browser.get_html(&format!("/app/{}/inbox", workspace.id)).await;
    assert!(!inbox.contains("data-time-zone"), "an empty field goes back to the browser's zone");
}

#[tokio::test]
async fn the_console_shows_times_in_the_chosen_zone_and_the_profile_forms_fit_a_phone() {
    let app = crate::helpers::spawn_app_on_public_url().await;
    let workspace = app.sign_up_workspace().await;
    let (_visitor, conversation) = workspace.visitor_says("Hello?").await;
    app.browser.post_form("/app/account/time-zone", &[("time_zone", "Asia/Tokyo")]).await;
    let chromium = crate::chromium::Chromium::launch().await;

    let desk = chromium.new_page(1280).await;
    desk.set_cookies(&app.address, &app.browser.cookie_header()).await;
    desk.goto(&format!("{}/app/{}/inbox/{conversation}", app.address, workspace.id)).await;
    desk.wait_for_text("Hello?").await;
    let shown = desk.eval("document.querySelector('.msg-meta time').textContent").await;
    assert!(shown.as_str().is_some_and(|t| t.contains("GMT+9")), "the message time is in Tokyo time: {shown}");

    desk.goto(&format!("{}/app/account", app.address)).await;
    desk.wait_for("textbox", "Name").await;
    desk.screenshot(&std::env::temp_dir().join("parlor-account.png")).await;
    let phone = chromium.new_page(390).await;
    phone.set_cookies(&app.address, &app.browser.cookie_header()).await;
    phone.goto(&format!("{}/app/account", app.address)).await;
    phone.wait_for("textbox", "Name").await;
    // The sessions table below may scroll on its own; the profile forms must not need to.
    let too_wide = phone
        .eval("['name', 'current_password', 'new_password', 'time_zone'].some(id => document.getElementById(id).getBoundingClientRect().right > window.innerWidth)")
        .await;
    phone.screenshot(&std::env::temp_dir().join("parlor-account-phone.png")).await;
    assert_eq!(too_wide, json!(false), "a profile field runs off a phone's screen");
}
