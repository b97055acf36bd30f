use crate::helpers::{Person, location, spawn_app, unescape_html};

#[tokio::test]
async fn signing_up_creates_the_workspace_and_shows_the_install_snippet() {
    let app = spawn_app().await;
    let ada = Person::new("Ada Lovelace");
    let response = app.browser.sign_up(&ada).await;
    assert_eq!(response.status(), 303);
    let cookies: Vec<String> = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let session_cookie = cookies.iter().find(|c| c.starts_with("parlor_session=")).expect("a session cookie");
    assert!(session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Lax"), "{session_cookie}");

    let target = location(&response);
    assert!(target.starts_with("/app/") && target.ends_with("?welcome=1"), "{target}");
    let html = app.browser.get_html(&target).await;
    assert!(html.contains("Welcome to Parlor, Ada Lovelace!"), "{html}");
    let site_key = app.browser.site_key(target.trim_start_matches("/app/").trim_end_matches("?welcome=1")).await;
    assert!(site_key.starts_with("pk_"));
    // The snippet, exactly as it must be pasted, shown as text (escaped in the page's HTML).
    let snippet = format!(r#"<script src="http://localhost:8080/widget.js" data-site-key="{site_key}" async></script>"#);
    assert!(!html.contains(&snippet), "the snippet must be escaped, not live markup");
    assert!(unescape_html(&html).contains(&snippet), "snippet missing from {html}");
    assert!(html.contains("Copy snippet"));

    // What is stored: one user, the owner of one workspace.
    assert_eq!(app.count("users"), 1);
    assert_eq!(app.query_string("SELECT role AS value FROM memberships"), Some("owner".into()));
    assert_eq!(app.query_string("SELECT name AS value FROM workspaces"), Some("Ada Lovelace's Shop".into()));
    assert_eq!(app.query_string("SELECT email AS value FROM users"), Some(ada.email.clone()));
}

#[tokio::test]
async fn a_password_is_stored_as_an_argon2id_hash() {
    let app = spawn_app().await;
    app.browser.sign_up_ok(&Person::new("Grace")).await;
    // What is stored: no page shows a hash.
    let hash = app.query_string("SELECT password_hash AS value FROM users").unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
}

#[tokio::test]
async fn invalid_sign_up_fields_are_explained_and_nothing_is_created() {
    let app = spawn_app().await;
    let person = Person { name: "  ".into(), email: "not-an-email".into(), password: "short".into(), workspace: "".into() };
    let response = app.browser.sign_up(&person).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Enter your name."), "{html}");
    assert!(html.contains("Enter a valid email address"), "{html}");
    assert!(html.contains("Use at least 8 characters."), "{html}");
    assert!(html.contains("Enter a name for the workspace."), "{html}");
    assert_eq!(app.count("users"), 0);
    assert_eq!(app.count("workspaces"), 0);
}

#[tokio::test]
async fn an_email_can_sign_up_only_once_whatever_its_case() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    app.browser.sign_up_ok(&ada).await;
    let again = Person { email: ada.email.to_uppercase(), ..Person::new("Ada Again") };
    let response = app.new_browser().sign_up(&again).await;
    assert_eq!(response.status(), 409);
    assert!(response.text().await.unwrap().contains("already exists"));
    assert_eq!(app.count("users"), 1);
    assert_eq!(app.count("workspaces"), 1);
}

#[tokio::test]
async fn the_dashboard_sends_a_signed_out_visitor_to_sign_in() {
    let app = spawn_app().await;
    let response = app.browser.get("/app").await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login?next=%2Fapp");
}

#[tokio::test]
async fn every_dashboard_page_opens_for_the_owner() {
    let app = spawn_app().await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    for (page, expected) in [
        ("", "Add the chat to your website"),
        ("/inbox", "When visitors write from your website, their conversations appear on the left, live."),
        ("/widget", "Copy snippet"),
        ("/team", "Ada"),
        ("/settings", "Workspace name"),
        ("/settings/availability", "Business hours"),
        ("/settings/assignment", "Most open conversations per agent"),
        ("/settings/webhooks", "No endpoint yet"),
        ("/settings/privacy", "Export all data"),
        ("/settings/audit", "Audit log"),
    ] {
        let response = app.browser.get(&format!("/app/{workspace}{page}")).await;
        assert_eq!(response.status(), 200, "{page}");
        let html = response.text().await.unwrap();
        assert!(html.contains(expected), "{page} should contain {expected:?}");
        // Every dashboard page can sign out.
        assert!(html.contains(r#"action="/logout""#), "{page} has no sign-out form");
    }
}

#[tokio::test]
async fn text_people_typed_is_shown_as_text_never_as_markup() {
    let app = spawn_app().await;
    let mut person = Person::new("Mallory");
    person.name = "<script>alert(1)</script>".into();
    person.workspace = "<img src=x onerror=alert(2)>".into();
    let workspace = app.browser.sign_up_ok(&person).await;
    let html = app.browser.get_html(&format!("/app/{workspace}")).await;
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(unescape_html(&html).contains("<script>alert(1)</script>"), "the name is shown as typed");
}

#[tokio::test]
async fn a_user_can_create_a_second_workspace_and_switch_between_them() {
    let app = spawn_app().await;
    let first = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let response = app.browser.post_form("/app/workspaces/new", &[("name", "Second Shop")]).await;
    assert_eq!(response.status(), 303);
    let second = location(&response).trim_start_matches("/app/").split('?').next().unwrap().to_string();
    assert_ne!(first, second);
    let html = app.browser.get_html(&format!("/app/{first}")).await;
    assert!(html.contains(&format!(r#"href="/app/{second}""#)) && html.contains("Second Shop"), "switcher lists both");
    let html = app.browser.get_html(&format!("/app/{second}/settings")).await;
    assert!(html.contains("Second Shop"));
    assert_eq!(app.count("memberships"), 2);
}
