use crate::helpers::{PASSWORD, Person, location, spawn_app};

#[tokio::test]
async fn signing_in_with_the_right_password_opens_the_dashboard() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let workspace = app.browser.sign_up_ok(&ada).await;
    let laptop = app.new_browser();
    assert!(!laptop.is_signed_in().await);
    let response = laptop.sign_in(&ada.email, PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/app");
    assert_eq!(location(&laptop.get("/app").await), format!("/app/{workspace}"));
    let html = laptop.get_html(&format!("/app/{workspace}")).await;
    assert!(html.contains("Ada&#39;s Shop") || html.contains("Ada's Shop"), "{html}");
}

#[tokio::test]
async fn sign_in_ignores_the_case_and_spaces_of_the_email() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    let laptop = app.new_browser();
    let response = laptop.sign_in(&format!("  {}  ", ada.email.to_uppercase()), PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert!(laptop.is_signed_in().await);
}

#[tokio::test]
async fn a_wrong_password_is_refused_with_a_message_and_no_session() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    let laptop = app.new_browser();
    let response = laptop.sign_in(&ada.email, "not my password").await;
    assert_eq!(response.status(), 401);
    assert!(response.headers().get_all("set-cookie").iter().all(|c| !c.to_str().unwrap().starts_with("parlor_session=")));
    let html = response.text().await.unwrap();
    assert!(html.contains("Incorrect email or password."), "{html}");
    assert!(!laptop.is_signed_in().await);
    assert_eq!(app.count("sessions"), 1, "only the sign-up session exists");
}

#[tokio::test]
async fn an_unknown_email_gets_the_same_answer_as_a_wrong_password() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    let wrong_password = app.new_browser().sign_in(&ada.email, "not my password").await;
    let unknown = app.new_browser().sign_in("nobody@example.com", "not my password").await;
    assert_eq!(wrong_password.status(), unknown.status());
    let (a, b) = (wrong_password.text().await.unwrap(), unknown.text().await.unwrap());
    assert!(b.contains("Incorrect email or password."));
    // The pages differ only by the email typed back into the field and the CSRF token.
    let strip =
        |html: &str, email: &str| html.replace(email, "").lines().filter(|l| !l.contains("csrf_token")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&a, &ada.email), strip(&b, "nobody@example.com"));
}

#[tokio::test]
async fn signing_out_ends_the_session_for_good() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    let session_cookie = app
        .browser
        .sign_in(&ada.email, PASSWORD)
        .await
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_string())
        .find(|c| c.starts_with("parlor_session="))
        .unwrap();
    let token = session_cookie.split(';').next().unwrap().to_string();
    let response = app.browser.post_form("/logout", &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login?notice=signed_out");
    assert!(!app.browser.is_signed_in().await);
    // The old cookie, replayed by hand, no longer opens anything.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/app", app.address))
        .header("cookie", token)
        .send()
        .await
        .unwrap();
    assert!(location(&replay).starts_with("/login"));
}

#[tokio::test]
async fn after_sign_in_the_page_asked_for_opens_but_never_another_site() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let workspace = app.browser.sign_up_ok(&ada).await;
    let laptop = app.new_browser();
    let asked = format!("/app/{workspace}/team");
    let redirect = laptop.get(&asked).await;
    assert_eq!(location(&redirect), format!("/login?next=%2Fapp%2F{workspace}%2Fteam"));
    let login_page = laptop.get_html(&location(&redirect)).await;
    assert!(login_page.contains(&format!(r#"name="next" value="{asked}""#)));
    let response = laptop.post_form("/login", &[("email", &ada.email), ("password", PASSWORD), ("next", &asked)]).await;
    assert_eq!(location(&response), asked);

    let phone = app.new_browser();
    let response = phone.post_form("/login", &[("email", &ada.email), ("password", PASSWORD), ("next", "//evil.example/")]).await;
    assert_eq!(location(&response), "/app");
}

#[tokio::test]
async fn a_signed_in_user_is_never_sent_to_another_site_by_a_crafted_next() {
    let app = spawn_app().await;
    app.browser.sign_up_ok(&Person::new("Ada")).await;
    // Browsers drop the tab and read backslashes as slashes: each of these would leave the site.
    for crafted in ["/%09/evil.example/", "/%0A/evil.example/", "/%5Cevil.example", "/%5C%5Cevil.example", "https:%2F%2Fevil.example"] {
        let response = app.browser.get(&format!("/login?next={crafted}")).await;
        assert_eq!(response.status(), 303, "{crafted}");
        assert_eq!(location(&response), "/app", "{crafted}");
    }
}
