//! Billing against a local fake Stripe over HTTP: billing off, the owner-only page, checkout
//! and the customer portal, webhook signatures (valid, invalid, too old, replayed), every
//! subscription transition, and the seat and conversation limits.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    fake_stripe::{self, FakeStripe, PRICE_PRO, deliver, deliver_signed, signature},
    helpers::{Person, TestApp, location, spawn_app, spawn_app_with, unescape_html},
    socket_client::{Socket, widget_session},
    team::{invite, join_as_new},
};

async fn billing_app(free_conversations: u32) -> (TestApp, FakeStripe) {
    let fake = FakeStripe::start().await;
    let settings = fake.settings(free_conversations);
    let app = spawn_app_with(move |s| s.stripe = Some(settings)).await;
    (app, fake)
}

fn account(app: &TestApp, column: &str) -> Option<String> {
    app.query_string(&format!("SELECT {column}::text AS value FROM billing_accounts"))
}

/// The owner upgrades to `seats` Pro seats and Stripe confirms; returns the subscription id.
async fn upgrade(app: &TestApp, fake: &FakeStripe, workspace: &str, seats: &str) -> String {
    let response = app.browser.post_form(&format!("/app/{workspace}/billing/checkout"), &[("plan", "pro"), ("seats", seats)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
    let session = fake.last_session_id();
    assert_eq!(location(&response), format!("{}/checkout/{session}", fake.url));
    let subscription = fake.complete_checkout(&session);
    assert_eq!(deliver(&app.address, &fake.checkout_completed(&session)).await.status(), 200);
    subscription
}

#[tokio::test]
async fn with_billing_off_there_is_no_billing_page_and_no_limit() {
    let app = spawn_app().await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let home = app.browser.get_html(&format!("/app/{workspace}")).await;
    assert!(!home.contains("/billing\""), "no Billing link");
    assert_eq!(app.browser.get(&format!("/app/{workspace}/billing")).await.status(), 404);
    let webhook = deliver_signed(&app.address, "{}", "t=1,v1=00").await;
    assert_eq!(webhook.status(), 404);
    for n in 0..4 {
        let email = format!("agent{n}@example.com");
        let response = app.browser.post_form(&format!("/app/{workspace}/team/invitations"), &[("email", &email), ("role", "agent")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "self-hosted: no seat limit");
    }
}

#[tokio::test]
async fn only_the_owner_reaches_billing() {
    let (app, fake) = billing_app(100).await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    upgrade(&app, &fake, &workspace, "3").await;
    let admin = join_as_new(&app, &invite(&app, &workspace, "admin@example.com", "admin").await, "Bo").await;
    let agent = join_as_new(&app, &invite(&app, &workspace, "agent@example.com", "agent").await, "Cy").await;
    let stranger = app.new_browser();
    stranger.sign_up_ok(&Person::new("Eve")).await;

    let owner_home = app.browser.get_html(&format!("/app/{workspace}")).await;
    assert!(owner_home.contains(&format!("/app/{workspace}/billing\"")), "the owner sees Billing");
    for (who, browser, status) in [("admin", &admin, 403), ("agent", &agent, 403), ("stranger", &stranger, 404)] {
        assert_eq!(browser.get(&format!("/app/{workspace}/billing")).await.status(), status, "{who} GET");
        let checkout = browser.post_form(&format!("/app/{workspace}/billing/checkout"), &[("plan", "pro"), ("seats", "5")]).await;
        assert_eq!(checkout.status(), status, "{who} checkout");
        assert_eq!(browser.post_form(&format!("/app/{workspace}/billing/portal"), &[]).await.status(), status, "{who} portal");
        if status == 403 {
            assert!(!browser.get_html(&format!("/app/{workspace}")).await.contains("/billing\""), "{who} sees no Billing link");
        }
    }
    assert_eq!(fake.count_requests("/v1/checkout/sessions"), 1, "only the owner's checkout reached Stripe");
    assert_eq!(fake.count_requests("/v1/billing_portal/sessions"), 0);
}

#[tokio::test]
async fn the_owner_upgrades_through_checkout_with_a_trial_and_manages_billing_in_the_portal() {
    let (app, fake) = billing_app(100).await;
    let ada = Person::new("Ada");
    let workspace = app.browser.sign_up_ok(&ada).await;
    let page = unescape_html(&app.browser.get_html(&format!("/app/{workspace}/billing")).await);
    assert!(page.contains("Plan: Free") && page.contains("1 used of 1") && page.contains("0 conversations of 100 included"), "{page}");
    assert!(page.contains(r#"<dt>File storage</dt><dd id="storage-used">0 B of 1 GB"#), "{page}");
    assert!(page.contains("Start the free trial") && page.contains("14-day free trial"));

    // Bad input changes nothing and reaches no Stripe.
    let bad = app.browser.post_form(&format!("/app/{workspace}/billing/checkout"), &[("plan", "gold"), ("seats", "2")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bad = app.browser.post_form(&format!("/app/{workspace}/billing/checkout"), &[("plan", "pro"), ("seats", "0")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fake.count_requests("/v1/checkout/sessions"), 0);

    let subscription = upgrade(&app, &fake, &workspace, "3").await;
    let customer = fake.last_request("/v1/customers").unwrap();
    assert_eq!(customer.get("metadata[workspace_id]"), Some(&workspace));
    assert_eq!(customer.get("email"), Some(&ada.email));
    let checkout = fake.last_request("/v1/checkout/sessions").unwrap();
    assert_eq!(checkout.get("mode").map(String::as_str), Some("subscription"));
    assert_eq!(checkout.get("line_items[0][price]").map(String::as_str), Some(PRICE_PRO));
    assert_eq!(checkout.get("line_items[0][quantity]").map(String::as_str), Some("3"));
    assert_eq!(checkout.get("subscription_data[trial_period_days]").map(String::as_str), Some("14"));
    assert_eq!(checkout.get("metadata[workspace_id]"), Some(&workspace));
    assert_eq!(checkout.get("subscription_data[metadata][workspace_id]"), Some(&workspace));
    assert_eq!(checkout.get("client_reference_id"), Some(&workspace));
    assert!(checkout["success_url"].ends_with(&format!("/app/{workspace}/billing?checkout=success")));

    assert_eq!(account(&app, "status").as_deref(), Some("trialing"));
    assert_eq!(account(&app, "stripe_subscription_id"), Some(subscription));
    let page = unescape_html(&app.browser.get_html(&format!("/app/{workspace}/billing?checkout=success")).await);
    assert!(page.contains("Plan: Pro") && page.contains("Free trial") && page.contains("1 used of 3 paid"), "{page}");
    assert!(page.contains("12.00 USD per seat per month") && page.contains("Trial ends") && page.contains("unlimited"), "{page}");
    assert!(page.contains(r#"<dt>File storage</dt><dd id="storage-used">0 B of 30 GB"#), "10 GB a seat: {page}");
    assert!(page.contains("Thank you!"));
    assert!(!page.contains("Start the free trial"), "no second checkout");

    let portal = app.browser.post_form(&format!("/app/{workspace}/billing/portal"), &[]).await;
    assert_eq!(portal.status(), StatusCode::SEE_OTHER);
    assert!(location(&portal).starts_with(&format!("{}/portal/bps_", fake.url)));
    let request = fake.last_request("/v1/billing_portal/sessions").unwrap();
    assert_eq!(request.get("customer"), account(&app, "stripe_customer_id").as_ref());
    assert!(request["return_url"].ends_with(&format!("/app/{workspace}/billing")));
}

#[tokio::test]
async fn webhook_signatures_are_checked_and_a_replayed_event_changes_nothing() {
    let (app, fake) = billing_app(100).await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    app.browser.post_form(&format!("/app/{workspace}/billing/checkout"), &[("plan", "pro"), ("seats", "2")]).await;
    let session = fake.last_session_id();
    let subscription = fake.complete_checkout(&session);
    let event = fake.checkout_completed(&session).to_string();
    let now = fake_stripe::now_seconds();

    for (why, header) in [
        ("no signature", String::new()),
        ("a wrong secret", signature(&event, "whsec_not_the_one", now)),
        ("too old", signature(&event, fake_stripe::WEBHOOK_SECRET, now - 600)),
        ("garbage", "t=abc,v1=zz".to_string()),
    ] {
        let response = deliver_signed(&app.address, &event, &header).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{why}");
        assert_eq!(app.count("billing_accounts WHERE stripe_subscription_id IS NOT NULL"), 0, "{why} changed nothing");
    }
    // A valid signature over a changed body is refused too.
    let tampered = event.replace(&workspace, "00000000-0000-0000-0000-000000000000");
    assert_eq!(deliver_signed(&app.address, &tampered, &signature(&event, fake_stripe::WEBHOOK_SECRET, now)).await.status(), 400);

    let first = deliver_signed(&app.address, &event, &signature(&event, fake_stripe::WEBHOOK_SECRET, now)).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.json::<Value>().await.unwrap()["duplicate"], false);
    assert_eq!(account(&app, "seats").as_deref(), Some("2"));

    // Stripe changes the subscription; then the old event is replayed: nothing moves.
    fake.update_subscription(&subscription, |s| FakeStripe::set_quantity(s, 9));
    let replay = deliver_signed(&app.address, &event, &signature(&event, fake_stripe::WEBHOOK_SECRET, fake_stripe::now_seconds())).await;
    assert_eq!(replay.status(), 200);
    assert_eq!(replay.json::<Value>().await.unwrap()["duplicate"], true);
    assert_eq!(account(&app, "seats").as_deref(), Some("2"), "a replay changes nothing");
    assert_eq!(app.count("stripe_events"), 1);
}

#[tokio::test]
async fn a_signed_webhook_whose_time_is_at_the_end_of_the_clock_is_refused_not_overflowed() {
    let (app, fake) = billing_app(100).await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    app.browser.post_form(&format!("/app/{workspace}/billing/checkout"), &[("plan", "pro"), ("seats", "2")]).await;
    let session = fake.last_session_id();
    fake.complete_checkout(&session);
    let event = fake.checkout_completed(&session).to_string();
    for timestamp in [i64::MIN, i64::MIN + 1, i64::MAX] {
        let response = deliver_signed(&app.address, &event, &signature(&event, fake_stripe::WEBHOOK_SECRET, timestamp)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "t={timestamp}");
        let body = response.text().await.unwrap();
        assert!(body.contains("error comparing timestamps - over tolerance"), "t={timestamp}: {body}");
    }
    assert_eq!(app.count("stripe_events"), 0);
    assert_eq!(app.count("billing_accounts WHERE stripe_subscription_id IS NOT NULL"), 0);
}

#[tokio::test]
async fn every_subscription_transition_reaches_the_workspace() {
    let (app, fake) = billing_app(100).await;
    let ada = Person::new("Ada");
    let workspace = app.browser.sign_up_ok(&ada).await;
    let subscription = upgrade(&app, &fake, &workspace, "2").await;
    assert_eq!(account(&app, "status").as_deref(), Some("trialing"));
    let agent = join_as_new(&app, &invite(&app, &workspace, "agent@example.com", "agent").await, "Cy").await;

    // created (Stripe sends it beside checkout.session.completed) and updated: trial over, 5 seats.
    assert_eq!(deliver(&app.address, &fake.subscription_event("customer.subscription.created", &subscription)).await.status(), 200);
    fake.update_subscription(&subscription, |s| {
        s["status"] = json!("active");
        FakeStripe::set_quantity(s, 5);
    });
    assert_eq!(deliver(&app.address, &fake.subscription_event("customer.subscription.updated", &subscription)).await.status(), 200);
    assert_eq!((account(&app, "status").as_deref(), account(&app, "seats").as_deref()), (Some("active"), Some("5")));

    // A payment fails: past due, the owner is emailed once, and every member sees the banner.
    fake.update_subscription(&subscription, |s| s["status"] = json!("past_due"));
    let failed = fake.invoice_event("invoice.payment_failed", &subscription);
    assert_eq!(deliver(&app.address, &failed).await.status(), 200);
    assert_eq!(deliver(&app.address, &failed).await.status(), 200, "a replay is fine");
    let email = app.wait_for_email(&ada.email, "Payment failed for Ada's Shop").await;
    assert!(email.text.contains(&format!("/app/{workspace}/billing")));
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(app.outbox().iter().filter(|e| e.subject.contains("Payment failed")).count(), 1, "emailed once");
    let owner_page = app.browser.get_html(&format!("/app/{workspace}/inbox")).await;
    assert!(owner_page.contains("A payment failed") && owner_page.contains("Update the payment method"), "{owner_page}");
    let agent_page = unescape_html(&agent.get_html(&format!("/app/{workspace}/inbox")).await);
    assert!(agent_page.contains("A payment failed") && agent_page.contains("ask them to update"), "{agent_page}");
    assert!(unescape_html(&app.browser.get_html(&format!("/app/{workspace}/billing")).await).contains("Payment overdue"));

    // It is paid after all: the banner goes.
    fake.update_subscription(&subscription, |s| s["status"] = json!("active"));
    assert_eq!(deliver(&app.address, &fake.invoice_event("invoice.paid", &subscription)).await.status(), 200);
    assert!(account(&app, "payment_failed_at").is_none());
    assert!(!app.browser.get_html(&format!("/app/{workspace}/inbox")).await.contains("A payment failed"));

    // Cancelled at the period's end, then deleted: back to Free, with every member and
    // conversation kept.
    fake.update_subscription(&subscription, |s| s["cancel_at_period_end"] = json!(true));
    deliver(&app.address, &fake.subscription_event("customer.subscription.updated", &subscription)).await;
    assert!(unescape_html(&app.browser.get_html(&format!("/app/{workspace}/billing")).await).contains("Ends on"));
    fake.update_subscription(&subscription, |s| s["status"] = json!("canceled"));
    assert_eq!(deliver(&app.address, &fake.subscription_event("customer.subscription.deleted", &subscription)).await.status(), 200);
    assert_eq!(account(&app, "status").as_deref(), Some("canceled"));
    let page = unescape_html(&app.browser.get_html(&format!("/app/{workspace}/billing")).await);
    assert!(page.contains("Plan: Free") && page.contains("2 used of 1"), "{page}");
    assert!(page.contains("Continue to payment"), "the trial is not offered twice: {page}");
    assert_eq!(app.count("memberships"), 2, "nobody is removed");
}

#[tokio::test]
async fn a_subscription_maps_to_its_workspace_only_through_metadata() {
    let (app, fake) = billing_app(100).await;
    let ada = Person::new("Ada");
    let workspace = app.browser.sign_up_ok(&ada).await;
    let subscription = upgrade(&app, &fake, &workspace, "2").await;
    // A subscription of the same customer without Parlor's metadata names no workspace.
    let customer = account(&app, "stripe_customer_id").unwrap();
    let stray = fake.create_subscription(&customer, 50, json!({"email": ada.email}));
    assert_eq!(deliver(&app.address, &fake.subscription_event("customer.subscription.updated", &stray)).await.status(), 200);
    assert_eq!(account(&app, "seats").as_deref(), Some("2"));
    assert_eq!(account(&app, "stripe_subscription_id"), Some(subscription.clone()));
    // An old subscription ending does not cancel the newer one that pays.
    let old = fake.create_subscription(&customer, 1, json!({"workspace_id": workspace}));
    fake.update_subscription(&old, |s| s["status"] = json!("canceled"));
    deliver(&app.address, &fake.subscription_event("customer.subscription.deleted", &old)).await;
    assert_eq!(account(&app, "stripe_subscription_id"), Some(subscription));
    assert_eq!(account(&app, "status").as_deref(), Some("trialing"));
}

#[tokio::test]
async fn seats_past_the_plan_answer_402_with_an_upgrade_prompt() {
    let (app, fake) = billing_app(100).await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let refused =
        app.browser.post_form(&format!("/app/{workspace}/team/invitations"), &[("email", "bo@example.com"), ("role", "agent")]).await;
    assert_eq!(refused.status(), StatusCode::PAYMENT_REQUIRED);
    assert!(unescape_html(&refused.text().await.unwrap()).contains("The Free plan has 1 seat. Upgrade in Billing"));
    assert_eq!(app.count("invitations"), 0);
    // The same refusal as JSON for API clients.
    let json = app
        .browser
        .client
        .post(format!("{}/app/{workspace}/team/invitations", app.address))
        .header("accept", "application/json")
        .form(&[("email", "bo@example.com"), ("role", "agent"), ("csrf_token", &app.browser.csrf_token().await)])
        .send()
        .await
        .unwrap();
    assert_eq!(json.status(), StatusCode::PAYMENT_REQUIRED);

    // And through the REST API.
    let key = crate::rest_api::create_key_with(&app.browser, &workspace, "HR sync", &["admin"]).await;
    let api = reqwest::Client::new()
        .post(format!("{}/api/v1/invitations", app.address))
        .bearer_auth(&key)
        .json(&json!({"email": "bo@example.com", "role": "agent"}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::PAYMENT_REQUIRED);
    let body: Value = api.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payment_required");
    assert!(body["error"]["message"].as_str().unwrap().contains("Upgrade in Billing"));
    assert_eq!(app.count("invitations"), 0);

    let subscription = upgrade(&app, &fake, &workspace, "2").await;
    let link = invite(&app, &workspace, "bo@example.com", "agent").await;
    let team = unescape_html(&app.browser.get_html(&format!("/app/{workspace}/team")).await);
    assert!(team.contains("2 of 2 seats used") && team.contains("Add seats in Billing"), "{team}");
    let third =
        app.browser.post_form(&format!("/app/{workspace}/team/invitations"), &[("email", "cy@example.com"), ("role", "agent")]).await;
    assert_eq!(third.status(), StatusCode::PAYMENT_REQUIRED);
    assert!(unescape_html(&third.text().await.unwrap()).contains("All 2 paid seats are taken"));

    // Seats shrink before Bo accepts: joining is refused too, and nothing is created.
    fake.update_subscription(&subscription, |s| FakeStripe::set_quantity(s, 1));
    deliver(&app.address, &fake.subscription_event("customer.subscription.updated", &subscription)).await;
    let bo = app.new_browser();
    let join = bo.post_form(&link, &[("name", "Bo"), ("password", "correct horse battery staple")]).await;
    assert_eq!(join.status(), StatusCode::PAYMENT_REQUIRED);
    assert_eq!(app.count("memberships"), 1);
    assert_eq!(app.count("users"), 1, "no account left behind");
}

#[tokio::test]
async fn past_the_conversation_cap_every_message_still_arrives_and_the_dashboard_asks_to_upgrade() {
    let (app, _fake) = billing_app(2).await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let site_key = app.browser.site_key(&workspace).await;
    let mut agent = Socket::agent(&app, &app.browser).await;
    for n in 0..3 {
        let (token, _) = widget_session(&app, &site_key).await;
        let (mut visitor, _) = Socket::visitor(&app, &token, json!({})).await;
        visitor.say(None, &format!("Question {n}")).await;
        visitor.expect("ack").await;
        assert_eq!(agent.expect("message").await["body"], format!("Question {n}"), "the agent gets it live");
    }
    assert_eq!(app.count("conversations"), 3, "past the cap, nothing is refused");
    let inbox = unescape_html(&app.browser.get_html(&format!("/app/{workspace}/inbox")).await);
    assert!(inbox.contains("3 conversations this month: the Free plan includes 2.") && inbox.contains("upgrade"), "{inbox}");
    assert!(inbox.contains("Question 2"), "the inbox still lists them");
    let billing = unescape_html(&app.browser.get_html(&format!("/app/{workspace}/billing")).await);
    assert!(billing.contains("3 conversations of 2 included"), "{billing}");
}

/// The whole upgrade in a real browser: the Billing page, Stripe's Checkout page, back to
/// Parlor on the Pro trial, then the customer portal and back.
#[tokio::test]
async fn an_owner_upgrades_in_a_real_browser() {
    let fake = FakeStripe::start().await;
    let settings = fake.settings(100);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let app = spawn_app_with(move |s| {
        s.addr = format!("127.0.0.1:{port}").parse().unwrap();
        s.public_url = url::Url::parse(&format!("http://127.0.0.1:{port}")).unwrap();
        s.stripe = Some(settings);
    })
    .await;
    fake.send_webhooks_to(&app.address);
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let chromium = crate::chromium::Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    page.set_cookies(&app.address, &app.browser.cookie_header()).await;
    page.goto(&format!("{}/app/{workspace}/billing", app.address)).await;
    let seats = page.wait_for("spinbutton", "Seats").await;
    page.focus(seats).await;
    page.press("ArrowUp").await;
    page.click(page.wait_for("button", "Start the free trial").await).await;

    // Stripe's page (the fake's): the form's redirect was allowed by the page's policy.
    page.wait_until("location.pathname.startsWith('/checkout/') && document.readyState === 'complete'").await;
    page.click(page.wait_for("button", "Pay and subscribe").await).await;
    page.wait_until("location.pathname.endsWith('/billing') && document.readyState === 'complete'").await;
    page.wait_for_text("Plan: Pro").await;
    page.wait_for_text("Free trial").await;
    page.wait_for_text("1 used of 2 paid").await;
    assert_eq!(page.eval("location.pathname + location.search").await, json!(format!("/app/{workspace}/billing?checkout=success")));

    page.click(page.wait_for("button", "Manage payment methods, invoices and seats").await).await;
    page.wait_until("location.pathname.startsWith('/portal/') && document.readyState === 'complete'").await;
    page.click(page.wait_for("link", "Return to Parlor").await).await;
    page.wait_until("location.pathname.endsWith('/billing') && document.readyState === 'complete'").await;
    page.wait_for_text("Plan: Pro").await;
    assert_eq!(fake.last_request("/v1/checkout/sessions").unwrap()["line_items[0][quantity]"], "2");
}
