use crate::helpers::{PASSWORD, Person, spawn_app};

#[tokio::test]
async fn a_form_without_a_csrf_token_is_refused_with_403_and_changes_nothing() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let workspace = app.browser.sign_up_ok(&ada).await;
    app.browser.get("/login").await;

    let signup = app.new_browser();
    signup.get("/signup").await;
    let response = signup
        .post_raw("/signup", &[("name", "Eve"), ("email", "eve@example.com"), ("password", PASSWORD), ("workspace_name", "Eve Co")])
        .await;
    assert_eq!(response.status(), 403);
    assert!(response.text().await.unwrap().contains("This form has expired"));
    assert_eq!(app.count("users"), 1);

    let response = app.browser.post_raw(&format!("/app/{workspace}/settings"), &[("name", "Renamed")]).await;
    assert_eq!(response.status(), 403);
    assert_eq!(app.query_string("SELECT name AS value FROM workspaces"), Some("Ada's Shop".into()));

    for path in ["/login", "/logout", "/password/forgot", "/app/account/sessions/revoke-all", "/app/workspaces/new"] {
        let response = app.browser.post_raw(path, &[("email", &ada.email), ("password", PASSWORD), ("name", "X")]).await;
        assert_eq!(response.status(), 403, "{path}");
    }
    assert!(app.browser.is_signed_in().await, "sign-out without a token must not sign out");
    assert_eq!(app.count("workspaces"), 1);
}

#[tokio::test]
async fn a_wrong_csrf_token_is_refused_with_403() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let workspace = app.browser.sign_up_ok(&ada).await;
    let response =
        app.browser.post_raw(&format!("/app/{workspace}/settings"), &[("name", "Renamed"), ("csrf_token", "bm90IGEgdG9rZW4")]).await;
    assert_eq!(response.status(), 403);
    let response = app.browser.post_raw("/logout", &[("csrf_token", "")]).await;
    assert_eq!(response.status(), 403);
    assert!(app.browser.is_signed_in().await);
}

#[tokio::test]
async fn a_token_taken_from_another_browser_is_refused() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let workspace = app.browser.sign_up_ok(&ada).await;
    let attacker = app.new_browser();
    let attackers_token = attacker.csrf_token().await;
    let response =
        app.browser.post_raw(&format!("/app/{workspace}/settings"), &[("name", "Pwned"), ("csrf_token", &attackers_token)]).await;
    assert_eq!(response.status(), 403);
    // The same form with the browser's own token goes through.
    let response = app.browser.post_form(&format!("/app/{workspace}/settings"), &[("name", "Renamed")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(app.query_string("SELECT name AS value FROM workspaces"), Some("Renamed".into()));
}
