use crate::helpers::{Person, Role, spawn_app};

/// Billing is off here (it has its own tenancy test in billing.rs).
const WORKSPACE_PAGES: [&str; 14] = [
    "",
    "/inbox",
    "/contacts",
    "/widget",
    "/team",
    "/settings",
    "/settings/availability",
    "/settings/assignment",
    "/settings/labels",
    "/settings/attributes",
    "/settings/webhooks",
    "/settings/privacy",
    "/settings/audit",
    "/settings/api-keys",
];

#[tokio::test]
async fn a_member_of_one_workspace_gets_404_for_every_page_of_another() {
    let app = spawn_app().await;
    let workspace_a = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let bob = app.new_browser();
    let workspace_b = bob.sign_up_ok(&Person::new("Bob")).await;
    let site_key_b = bob.site_key(&workspace_b).await;

    for page in WORKSPACE_PAGES {
        let response = app.browser.get(&format!("/app/{workspace_b}{page}")).await;
        assert_eq!(response.status(), 404, "GET {page}");
        let html = response.text().await.unwrap();
        assert!(!html.contains("Bob") && !html.contains(&site_key_b), "{page} leaks workspace B");
        // The same pages of A still open.
        assert_eq!(app.browser.get(&format!("/app/{workspace_a}{page}")).await.status(), 200, "own {page}");
    }
    let response = app.browser.post_form(&format!("/app/{workspace_b}/settings"), &[("name", "Taken over")]).await;
    assert_eq!(response.status(), 404);
    // What is stored: the refused rename changed nothing.
    assert_eq!(app.query_string(&format!("SELECT name AS value FROM workspaces WHERE id = '{workspace_b}'")), Some("Bob's Shop".into()));
}

#[tokio::test]
async fn a_workspace_that_does_not_exist_answers_404() {
    let app = spawn_app().await;
    app.browser.sign_up_ok(&Person::new("Ada")).await;
    for path in ["/app/00000000-0000-7000-8000-000000000000", "/app/not-a-uuid/team"] {
        assert_eq!(app.browser.get(path).await.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn the_workspace_switcher_lists_only_the_users_own_workspaces() {
    let app = spawn_app().await;
    let workspace_a = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let bob = app.new_browser();
    let workspace_b = bob.sign_up_ok(&Person::new("Bob")).await;
    let html = app.browser.get_html(&format!("/app/{workspace_a}")).await;
    assert!(html.contains(&format!("/app/{workspace_a}")));
    assert!(!html.contains(&workspace_b.to_string()));
}

#[tokio::test]
async fn an_agent_sees_the_workspace_but_cannot_change_its_settings() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let workspace = &ws.id;
    let agent = app.new_browser();
    let agent_person = Person::new("Agent Smith");
    agent.sign_up_ok(&agent_person).await;
    ws.add_existing_member(&agent, &agent_person, Role::Agent).await;
    let html = agent.get_html(&format!("/app/{workspace}/settings")).await;
    assert!(html.contains("Only owners and admins can change it."), "{html}");
    let team = agent.get_html(&format!("/app/{workspace}/team")).await;
    assert!(team.contains("Agent Smith") && team.contains("Agent"));
    let response = agent.post_form(&format!("/app/{workspace}/settings"), &[("name", "Agent's choice")]).await;
    assert_eq!(response.status(), 403);
    // What is stored: the refused rename changed nothing.
    assert_eq!(app.query_string(&format!("SELECT name AS value FROM workspaces WHERE id = '{workspace}'")), Some("Ada's Shop".into()));
}
