use parlor::config::Limit;

use crate::helpers::{PASSWORD, Person, spawn_app_with};

#[tokio::test]
async fn sign_in_attempts_on_one_account_are_limited_even_with_the_right_password() {
    let app = spawn_app_with(|s| s.rate_limits.login_per_account = Limit::per_hour(3)).await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    for (n, ip) in ["198.51.100.1", "198.51.100.2", "198.51.100.3"].iter().enumerate() {
        let response = app.browser_at(ip).sign_in(&ada.email, "wrong password").await;
        assert_eq!(response.status(), 401, "attempt {n}");
    }
    let response = app.browser_at("198.51.100.4").sign_in(&ada.email, PASSWORD).await;
    assert_eq!(response.status(), 429);
    assert!(response.text().await.unwrap().contains("Too many attempts"));
    assert_eq!(app.count("sessions"), 1, "no session was created past the limit");
}

#[tokio::test]
async fn sign_in_attempts_from_one_ip_are_limited_across_accounts() {
    let app = spawn_app_with(|s| s.rate_limits.login_per_ip = Limit::per_hour(2)).await;
    let attacker = app.browser_at("198.51.100.9");
    assert_eq!(attacker.sign_in("a@example.com", "guess one").await.status(), 401);
    assert_eq!(attacker.sign_in("b@example.com", "guess two").await.status(), 401);
    assert_eq!(attacker.sign_in("c@example.com", "guess three").await.status(), 429);
    // Someone else, at another address, is not affected.
    assert_eq!(app.browser_at("198.51.100.10").sign_in("c@example.com", "guess").await.status(), 401);
}

#[tokio::test]
async fn sign_ups_from_one_ip_are_limited() {
    let app = spawn_app_with(|s| s.rate_limits.signup_per_ip = Limit::per_hour(2)).await;
    for name in ["One", "Two"] {
        app.browser_at("192.0.2.7").sign_up_ok(&Person::new(name)).await;
    }
    let response = app.browser_at("192.0.2.7").sign_up(&Person::new("Three")).await;
    assert_eq!(response.status(), 429);
    assert_eq!(app.count("users"), 2);
    app.browser_at("192.0.2.8").sign_up_ok(&Person::new("Elsewhere")).await;
}

#[tokio::test]
async fn password_reset_requests_are_limited_per_account_and_per_ip() {
    let app = spawn_app_with(|s| {
        s.rate_limits.reset_per_account = Limit::per_hour(2);
        s.rate_limits.reset_per_ip = Limit::per_hour(3);
    })
    .await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    for ip in ["192.0.2.20", "192.0.2.21"] {
        assert_eq!(app.browser_at(ip).post_form("/password/forgot", &[("email", &ada.email)]).await.status(), 200);
    }
    let response = app.browser_at("192.0.2.22").post_form("/password/forgot", &[("email", &ada.email)]).await;
    assert_eq!(response.status(), 429);

    let one_ip = app.browser_at("192.0.2.30");
    for n in 0..3 {
        assert_eq!(one_ip.post_form("/password/forgot", &[("email", &format!("x{n}@example.com"))]).await.status(), 200);
    }
    assert_eq!(one_ip.post_form("/password/forgot", &[("email", "x9@example.com")]).await.status(), 429);
}

#[tokio::test]
async fn a_spoofed_forwarded_address_does_not_escape_the_sign_up_limit() {
    // One proxy in front (nginx): it appends the real client's address, so a client that
    // writes its own X-Forwarded-For only adds entries to the left of the one that counts.
    let app = spawn_app_with(|s| s.rate_limits.signup_per_ip = Limit::per_hour(2)).await;
    for (n, fake) in ["10.9.9.1", "10.9.9.2", "10.9.9.3"].iter().enumerate() {
        let browser = app.browser_at(&format!("{fake}, 192.0.2.50"));
        let response = browser.sign_up(&Person::new(&format!("Spoofer {n}"))).await;
        if n < 2 {
            assert_eq!(response.status(), 303, "sign-up {n} is within the limit");
        } else {
            assert_eq!(response.status(), 429, "a new fake left-most address does not reset the limit");
        }
    }
    assert_eq!(app.count("users"), 2);
}
