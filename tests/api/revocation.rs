//! Revoking a credential closes the sockets it opened, at once and on every instance: sign-out
//! (one device or all), a password reset, a revoked API key or visitor token, a deleted
//! contact. A revocation whose broker wake-up is lost still ends the socket at the next
//! credential re-check.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::{
    helpers::{PASSWORD, TestApp, TestWorkspace, link_path, spawn_app, spawn_instance_of},
    rest_api::create_key,
    socket_client::{Ended, Socket, widget_session},
};
use parlor::realtime::revocation::CLOSE_REVOKED;

/// Waits for the server to close `socket` with the revocation code within `limit`; returns
/// the reason it gave.
pub(crate) async fn closed_as_revoked(socket: &mut Socket, limit: Duration) -> String {
    let started = Instant::now();
    let ended = socket.ended().await;
    assert!(started.elapsed() <= limit, "closed after {:?}, more than {limit:?}", started.elapsed());
    match ended {
        Ended::Closed(Some((code, reason))) => {
            assert_eq!(u16::from(code), CLOSE_REVOKED, "{reason}");
            reason
        }
        other => panic!("expected a close with code {CLOSE_REVOKED}, got {other:?}"),
    }
}

/// An agent socket on `on` with the session cookie of `browser` (signed in through any instance).
pub(crate) async fn agent_socket(on: &TestApp, browser: &crate::helpers::Browser) -> Socket {
    let origin = on.state.settings.public_origin();
    let mut socket = Socket::open(&on.address, &[("origin", origin), ("cookie", browser.cookie_header())]).await;
    socket.send(json!({"type": "hello"})).await;
    socket.expect("welcome").await;
    socket
}

pub(crate) const AT_ONCE: Duration = Duration::from_secs(2);

#[tokio::test]
async fn signing_out_closes_the_inbox_socket_of_that_session_only() {
    let app = spawn_app().await;
    let ada_email = app.sign_up_workspace().await.owner.person.email;
    let phone = app.new_browser();
    phone.sign_in(&ada_email, PASSWORD).await;
    let mut laptop_socket = agent_socket(&app, &app.browser).await;
    let mut phone_socket = agent_socket(&app, &phone).await;

    app.browser.post_form("/logout", &[]).await;
    assert_eq!(closed_as_revoked(&mut laptop_socket, AT_ONCE).await, "signed out");
    // The phone's session is another credential: its socket stays and still hears the inbox.
    phone_socket.send(json!({"type": "ping"})).await;
    assert_eq!(phone_socket.expect("pong").await["type"], "pong");
}

#[tokio::test]
async fn signing_out_everywhere_closes_sockets_on_every_instance() {
    let app = spawn_app().await;
    let other = spawn_instance_of(&app, |_| {}).await;
    app.sign_up_workspace().await;
    let mut here = agent_socket(&app, &app.browser).await;
    let mut there = agent_socket(&other, &app.browser).await;
    let response = app.browser.post_form("/app/account/sessions/revoke-all", &[]).await;
    assert_eq!(response.status(), 303);
    closed_as_revoked(&mut here, AT_ONCE).await;
    closed_as_revoked(&mut there, AT_ONCE).await;
}

#[tokio::test]
async fn signing_out_one_device_from_another_closes_that_devices_socket() {
    let app = spawn_app().await;
    let ada_email = app.sign_up_workspace().await.owner.person.email;
    let phone = app.new_browser();
    phone.sign_in(&ada_email, PASSWORD).await;
    let other = spawn_instance_of(&app, |_| {}).await;
    let mut phone_socket = agent_socket(&other, &phone).await;
    let phone_session = phone.sessions().await.0;
    let response = app.browser.post_form(&format!("/app/account/sessions/{phone_session}/revoke"), &[]).await;
    assert_eq!(response.status(), 303);
    closed_as_revoked(&mut phone_socket, AT_ONCE).await;
}

#[tokio::test]
async fn a_password_reset_closes_every_socket_of_the_old_sessions() {
    let app = spawn_app().await;
    let other = spawn_instance_of(&app, |_| {}).await;
    let ada_email = app.sign_up_workspace().await.owner.person.email;
    let mut socket = agent_socket(&other, &app.browser).await;
    let laptop = app.new_browser();
    laptop.post_form("/password/forgot", &[("email", &ada_email)]).await;
    let link = link_path(&app.wait_for_email(&ada_email, "Reset your Parlor password").await);
    let response = laptop.post_form(&link, &[("password", "a brand new passphrase")]).await;
    assert_eq!(response.status(), 303);
    closed_as_revoked(&mut socket, AT_ONCE).await;
}

#[tokio::test]
async fn a_revoked_api_key_closes_its_socket_on_every_instance() {
    let app = spawn_app().await;
    let other = spawn_instance_of(&app, |_| {}).await;
    let ws = app.sign_up_workspace().await;
    let key = ws.api_key_named("bot", &["read", "write"]).await;
    let mut sockets = Vec::new();
    for instance in [&app, &other] {
        let mut socket = Socket::open(&instance.address, &[]).await;
        socket.send(json!({"type": "hello", "api_key": key})).await;
        socket.expect("welcome").await;
        sockets.push(socket);
    }
    let id = ws.api_key_id("bot").await;
    app.browser.post_form(&format!("/app/{}/settings/api-keys/{id}/revoke", ws.id), &[]).await;
    for socket in &mut sockets {
        assert_eq!(closed_as_revoked(socket, AT_ONCE).await, "API key revoked");
    }
}

#[tokio::test]
async fn ending_a_widget_session_closes_the_visitors_sockets_on_every_instance() {
    let app = spawn_app().await;
    let other = spawn_instance_of(&app, |_| {}).await;
    let TestWorkspace { site_key, .. } = app.sign_up_workspace().await;
    let (token, _) = widget_session(&app, &site_key).await;
    let (mut here, _) = Socket::visitor(&app, &token, json!({})).await;
    let (mut there, _) = Socket::visitor(&other, &token, json!({})).await;
    let response = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/sessions/end", app.address))
        .json(&json!({"visitor_token": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(closed_as_revoked(&mut here, AT_ONCE).await, "visitor token revoked");
    assert_eq!(closed_as_revoked(&mut there, AT_ONCE).await, "visitor token revoked");
}

#[tokio::test]
async fn deleting_a_contact_closes_their_sockets_and_nothing_more_arrives() {
    let app = spawn_app().await;
    let other = spawn_instance_of(&app, |_| {}).await;
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace().await;
    let (token, visitor_id) = widget_session(&app, &site_key).await;
    let (mut visitor, _) = Socket::visitor(&other, &token, json!({})).await;
    visitor.say(None, "Please delete my data").await;
    visitor.expect("ack").await;
    let response = app.browser.post_form(&format!("/app/{workspace}/contacts/{visitor_id}/delete"), &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(closed_as_revoked(&mut visitor, AT_ONCE).await, "contact deleted");
    let mut again = Socket::open(&other.address, &[]).await;
    again.send(json!({"type": "hello", "visitor_token": token})).await;
    assert_eq!(again.expect("error").await["code"], "unauthorized");
}

/// No broker wake-up at all: the rows change behind Parlor's back (as when a wake-up is lost),
/// and the periodic re-check still closes each socket.
#[tokio::test]
async fn a_revocation_without_a_wakeup_still_closes_the_socket_at_the_next_check() {
    let app = spawn_app().await;
    let TestWorkspace { id: workspace, site_key, .. } = app.sign_up_workspace().await;
    let interval = app.state.settings.credential_check_interval;
    let mut agent = agent_socket(&app, &app.browser).await;
    let (token, _) = widget_session(&app, &site_key).await;
    let (mut visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    let key = create_key(&app.browser, &workspace, "bot").await;
    let mut bot = Socket::open(&app.address, &[]).await;
    bot.send(json!({"type": "hello", "api_key": key})).await;
    bot.expect("welcome").await;

    // Revoked behind Parlor's back: every route that revokes also sends the wake-up.
    app.execute("UPDATE visitor_sessions SET revoked_at = now()");
    app.execute("UPDATE api_keys SET revoked_at = now()");
    app.execute("DELETE FROM sessions");
    let limit = interval * 2 + Duration::from_secs(1);
    for socket in [&mut visitor, &mut bot, &mut agent] {
        assert_eq!(closed_as_revoked(socket, limit).await, "credential no longer valid");
    }
}
