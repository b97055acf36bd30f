use crate::helpers::{PASSWORD, Person, location, spawn_app};

#[tokio::test]
async fn sign_out_everywhere_ends_every_session_of_the_user_only() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    let phone = app.new_browser();
    phone.sign_in(&ada.email, PASSWORD).await;
    let grace = app.new_browser();
    grace.sign_up_ok(&Person::new("Grace")).await;

    let response = phone.post_form("/app/account/sessions/revoke-all", &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login?notice=signed_out_everywhere");
    assert!(!phone.is_signed_in().await);
    assert!(!app.browser.is_signed_in().await);
    assert!(grace.is_signed_in().await, "another user's sessions are untouched");
}

#[tokio::test]
async fn the_account_page_lists_devices_and_signs_one_out() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    let phone = app.new_browser();
    phone.sign_in(&ada.email, PASSWORD).await;

    let html = app.browser.get_html("/app/account").await;
    assert!(html.contains("Chrome on Linux"), "{html}");
    assert!(html.contains("This device"));
    assert_eq!(html.matches("/revoke\"").count(), 2, "two devices listed");
    let phone_session = phone.sessions().await.0;
    let response = app.browser.post_form(&format!("/app/account/sessions/{phone_session}/revoke"), &[]).await;
    assert_eq!(location(&response), "/app/account?notice=session_revoked");
    assert!(!phone.is_signed_in().await);
    assert!(app.browser.is_signed_in().await);
}

#[tokio::test]
async fn nobody_can_sign_out_someone_elses_session() {
    let app = spawn_app().await;
    app.browser.sign_up_ok(&Person::new("Ada")).await;
    let adas_session = app.browser.sessions().await.0;
    let mallory = app.new_browser();
    mallory.sign_up_ok(&Person::new("Mallory")).await;
    let response = mallory.post_form(&format!("/app/account/sessions/{adas_session}/revoke"), &[]).await;
    assert_eq!(response.status(), 404);
    assert!(app.browser.is_signed_in().await);
}

#[tokio::test]
async fn an_expired_session_no_longer_signs_in() {
    let app = spawn_app().await;
    app.browser.sign_up_ok(&Person::new("Ada")).await;
    // Ages the session: waiting out its real lifetime is no test.
    app.execute("UPDATE sessions SET expires_at = now() - interval '1 second'");
    assert!(!app.browser.is_signed_in().await);
}
