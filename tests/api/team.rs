//! The team: invitations, roles, removing members (signed out, sockets closed), leaving and
//! handing over ownership, with the role matrix and the tenant rule.

use reqwest::StatusCode;

use crate::{
    helpers::{Browser, Person, TestApp, link_path, location, spawn_app, unescape_html},
    socket_client::{Ended, Socket},
};

/// A user's id as stored: used for the owner, whose id is on no team page (nobody's form acts
/// on the owner).
fn user_id(app: &TestApp, email: &str) -> String {
    app.query_string(&format!("SELECT id::text AS value FROM users WHERE email = '{email}'")).unwrap()
}

/// A member's role as stored (the check behind every page that shows it).
fn role(app: &TestApp, workspace: &str, email: &str) -> Option<String> {
    app.query_string(&format!(
        "SELECT m.role AS value FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = '{workspace}' AND u.email = '{email}'"
    ))
}

/// The id of the invitation waiting for `email`, from its revoke form on the team page.
async fn invitation_id(browser: &Browser, workspace: &str, email: &str) -> String {
    let page = unescape_html(&browser.get_html(&format!("/app/{workspace}/team")).await);
    let at = page.find(&format!("the invitation of {email}")).unwrap_or_else(|| panic!("an invitation to {email} waits"));
    let marker = "/team/invitations/";
    let id_at = page[..at].rfind(marker).expect("its revoke form") + marker.len();
    page[id_at..id_at + 36].to_string()
}

/// The owner invites `email` as `role`; returns the invitation link's path.
pub(crate) async fn invite(app: &TestApp, workspace: &str, email: &str, role: &str) -> String {
    let response = app.browser.post_form(&format!("/app/{workspace}/team/invitations"), &[("email", email), ("role", role)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
    link_path(&app.wait_for_email(email, "invited you").await)
}

/// Someone new joins through the link with a new account; returns their browser.
pub(crate) async fn join_as_new(app: &TestApp, link: &str, name: &str) -> Browser {
    let browser = app.new_browser();
    let page = browser.get_html(link).await;
    assert!(page.contains("Create my account and join"));
    let response = browser.post_form(link, &[("name", name), ("password", "correct horse battery staple")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    browser
}

#[tokio::test]
async fn an_invitee_joins_with_a_new_account_once() {
    let app = spawn_app().await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let link = invite(&app, &workspace, "grace@example.com", "agent").await;
    let grace = join_as_new(&app, &link, "Grace").await;
    assert_eq!(role(&app, &workspace, "grace@example.com").as_deref(), Some("agent"));
    assert!(grace.get_html(&format!("/app/{workspace}/inbox")).await.contains("Inbox"));
    // The link has been used; it does nothing a second time.
    assert_eq!(app.new_browser().get(&link).await.status(), 404);
    // What is stored: no page shows when an address was confirmed.
    let verified = app.query_string("SELECT (email_verified_at IS NOT NULL)::text AS value FROM users WHERE email = 'grace@example.com'");
    assert_eq!(verified.as_deref(), Some("true"), "the emailed link confirms the address");
}

#[tokio::test]
async fn an_existing_user_signs_in_and_joins() {
    let app = spawn_app().await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let grace = Person::new("Grace");
    let browser = app.new_browser();
    browser.sign_up_ok(&grace).await;
    let link = invite(&app, &workspace, &grace.email, "admin").await;
    let page = browser.get_html(&link).await;
    assert!(page.contains(&format!("You are signed in as {}", grace.email)));
    let joined = browser.post_form(&link, &[]).await;
    assert_eq!(location(&joined), format!("/app/{workspace}?notice=joined_workspace"));
    assert_eq!(role(&app, &workspace, &grace.email).as_deref(), Some("admin"));
}

#[tokio::test]
async fn bad_invitations_are_refused_and_old_links_stop_working() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let workspace = app.browser.sign_up_ok(&ada).await;
    let bad = app.browser.post_form(&format!("/app/{workspace}/team/invitations"), &[("email", "nope"), ("role", "agent")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let owner =
        app.browser.post_form(&format!("/app/{workspace}/team/invitations"), &[("email", "x@example.com"), ("role", "owner")]).await;
    assert_eq!(owner.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let member = app.browser.post_form(&format!("/app/{workspace}/team/invitations"), &[("email", &ada.email), ("role", "agent")]).await;
    assert!(unescape_html(&member.text().await.unwrap()).contains("is already in this workspace"));
    assert_eq!(app.count("invitations"), 0);

    let expired = invite(&app, &workspace, "late@example.com", "agent").await;
    // Ages the invitation: waiting seven days is no test.
    app.execute("UPDATE invitations SET expires_at = now() - interval '1 minute'");
    assert_eq!(app.new_browser().get(&expired).await.status(), 404, "7 days, then no more");

    let revoked = invite(&app, &workspace, "changed.mind@example.com", "agent").await;
    let id = invitation_id(&app.browser, &workspace, "changed.mind@example.com").await;
    let response = app.browser.post_form(&format!("/app/{workspace}/team/invitations/{id}/revoke"), &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.new_browser().get(&revoked).await.status(), 404);
}

#[tokio::test]
async fn agents_get_403_on_every_team_change_and_strangers_404() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let workspace = app.browser.sign_up_ok(&ada).await;
    let link = invite(&app, &workspace, "agent@example.com", "agent").await;
    let agent = join_as_new(&app, &link, "Agnes").await;
    // The owner's id is on no team page: nobody's form acts on the owner.
    let ada_id = user_id(&app, &ada.email);
    invite(&app, &workspace, "someone@example.com", "agent").await;
    let invitation = invitation_id(&app.browser, &workspace, "someone@example.com").await;
    let stranger = app.new_browser();
    stranger.sign_up_ok(&Person::new("Mallory")).await;
    let routes: Vec<(String, Vec<(&str, &str)>)> = vec![
        (format!("/app/{workspace}/team/invitations"), vec![("email", "new@example.com"), ("role", "agent")]),
        (format!("/app/{workspace}/team/invitations/{invitation}/revoke"), vec![]),
        (format!("/app/{workspace}/team/{ada_id}/role"), vec![("role", "agent")]),
        (format!("/app/{workspace}/team/{ada_id}/remove"), vec![]),
        (format!("/app/{workspace}/team/{ada_id}/ownership"), vec![]),
    ];
    for (path, fields) in &routes {
        assert_eq!(agent.post_form(path, fields).await.status(), 403, "agent: {path}");
        assert_eq!(stranger.post_form(path, fields).await.status(), 404, "stranger: {path}");
    }
    assert_eq!(stranger.get(&format!("/app/{workspace}/team")).await.status(), 404);
    let page = agent.get_html(&format!("/app/{workspace}/team")).await;
    assert!(!page.contains("Invite a teammate"), "agents see the team, not the controls");
    assert_eq!(role(&app, &workspace, &ada.email).as_deref(), Some("owner"));
}

#[tokio::test]
async fn a_removed_member_is_signed_out_and_their_socket_closes_at_once() {
    let app = spawn_app().await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let link = invite(&app, &workspace, "grace@example.com", "agent").await;
    let grace = join_as_new(&app, &link, "Grace").await;
    let mut socket = Socket::agent(&app, &grace).await;
    let grace_id = app.browser.member_id(&workspace, "Grace").await;
    let removed = app.browser.post_form(&format!("/app/{workspace}/team/{grace_id}/remove"), &[]).await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    match socket.ended().await {
        Ended::Closed(Some((code, reason))) => {
            assert_eq!(u16::from(code), parlor::realtime::revocation::CLOSE_REVOKED);
            assert!(reason.contains("no longer belong"), "{reason}");
        }
        other => panic!("the socket should close with a reason, got {other:?}"),
    }
    assert!(!grace.is_signed_in().await, "their sessions ended");
    assert_eq!(role(&app, &workspace, "grace@example.com"), None);
}

/// Behind a load balancer the removed member's inbox may be open on another instance: it closes
/// there too.
#[tokio::test]
async fn a_removed_members_socket_on_another_instance_closes_too() {
    let app = spawn_app().await;
    let other = crate::helpers::spawn_instance_of(&app, |_| {}).await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let grace = join_as_new(&app, &invite(&app, &workspace, "grace@example.com", "agent").await, "Grace").await;
    // Her inbox, open through the other instance with the same session.
    let origin = other.state.settings.public_origin();
    let mut socket = Socket::open(&other.address, &[("origin", origin), ("cookie", grace.cookie_header())]).await;
    socket.send(serde_json::json!({"type": "hello"})).await;
    socket.expect("welcome").await;
    let grace_id = app.browser.member_id(&workspace, "Grace").await;
    app.browser.post_form(&format!("/app/{workspace}/team/{grace_id}/remove"), &[]).await;
    match socket.ended().await {
        Ended::Closed(Some((code, reason))) => {
            assert_eq!((u16::from(code), reason.contains("no longer belong")), (parlor::realtime::revocation::CLOSE_REVOKED, true))
        }
        other => panic!("the socket on the other instance should close, got {other:?}"),
    }
}

#[tokio::test]
async fn roles_change_within_the_rules_and_a_workspace_always_keeps_an_owner() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let workspace = app.browser.sign_up_ok(&ada).await;
    let ada_id = user_id(&app, &ada.email);
    let admin = join_as_new(&app, &invite(&app, &workspace, "admin@example.com", "admin").await, "Adam").await;
    join_as_new(&app, &invite(&app, &workspace, "agent@example.com", "agent").await, "Agnes").await;
    let agent_id = app.browser.member_id(&workspace, "Agnes").await;

    // An admin manages agents, not owners.
    assert_eq!(admin.post_form(&format!("/app/{workspace}/team/{agent_id}/role"), &[("role", "admin")]).await.status(), 303);
    assert_eq!(role(&app, &workspace, "agent@example.com").as_deref(), Some("admin"));
    assert_eq!(admin.post_form(&format!("/app/{workspace}/team/{ada_id}/role"), &[("role", "agent")]).await.status(), 403);
    assert_eq!(admin.post_form(&format!("/app/{workspace}/team/{agent_id}/role"), &[("role", "owner")]).await.status(), 403);
    assert_eq!(admin.post_form(&format!("/app/{workspace}/team/{ada_id}/remove"), &[]).await.status(), 403);

    // The last owner can neither step down nor leave.
    assert_eq!(app.browser.post_form(&format!("/app/{workspace}/team/{ada_id}/role"), &[("role", "admin")]).await.status(), 409);
    assert_eq!(app.browser.post_form(&format!("/app/{workspace}/team/leave"), &[]).await.status(), 409);
    assert_eq!(role(&app, &workspace, &ada.email).as_deref(), Some("owner"));

    // Handing over: the other becomes owner, Ada an admin, who may then leave.
    let admin_id = app.browser.member_id(&workspace, "Adam").await;
    assert_eq!(app.browser.post_form(&format!("/app/{workspace}/team/{admin_id}/ownership"), &[]).await.status(), 303);
    assert_eq!(role(&app, &workspace, "admin@example.com").as_deref(), Some("owner"));
    assert_eq!(role(&app, &workspace, &ada.email).as_deref(), Some("admin"));
    let left = app.browser.post_form(&format!("/app/{workspace}/team/leave"), &[]).await;
    assert_eq!(location(&left), "/app?notice=left_workspace");
    assert_eq!(role(&app, &workspace, &ada.email), None);
    assert_eq!(app.browser.get(&format!("/app/{workspace}")).await.status(), 404);
}
