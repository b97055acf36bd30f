//! The reports page and its CSV downloads: who sees what, the range form and its errors, the
//! downloads' headers and rows, and the page on a phone and a desktop in Chromium.
//!
//! The tests marked `ignore` read figures of seeded conversations, which need the report's
//! queries (`reports::queries::summary`); the rest hold whatever the figures are.

use reqwest::StatusCode;

use crate::{
    chromium::Chromium,
    helpers::{Role, TestApp, spawn_app, spawn_app_on_public_url},
};

/// A member's user id, read behind the page (the team page offers no form for the owner).
fn user_id(app: &TestApp, email: &str) -> String {
    app.query_string(&format!("SELECT id::text AS value FROM users WHERE email = '{email}'")).expect("a user")
}

fn reports(workspace: &str, query: &str) -> String {
    format!("/app/{workspace}/reports{query}")
}

/// One seeded conversation: started at `created_at` (SQL timestamptz text), assigned to
/// `assignee`, answered after `first_reply_seconds` and resolved after `resolved_seconds` when
/// given, rated `rating` (score, comment) by a contact called `contact`.
struct Seed<'a> {
    created_at: &'a str,
    assignee: Option<&'a str>,
    first_reply_seconds: Option<i64>,
    resolved_seconds: Option<i64>,
    rating: Option<(i16, &'a str)>,
    contact: &'a str,
}

impl Default for Seed<'_> {
    fn default() -> Self {
        Seed { created_at: "now()", assignee: None, first_reply_seconds: None, resolved_seconds: None, rating: None, contact: "Lin" }
    }
}

/// Writes a conversation as the product would have stamped it: straight into the tables the
/// report reads, so that a test chooses its days and durations.
fn seed(app: &TestApp, workspace: &str, seed: Seed<'_>) -> String {
    let sql_text = |text: &str| format!("'{}'", text.replace('\'', "''"));
    let assignee = seed.assignee.map_or("NULL".to_string(), |id| format!("'{id}'::uuid"));
    let created = format!("({})::timestamptz", if seed.created_at == "now()" { "now()".to_string() } else { sql_text(seed.created_at) });
    let after = |seconds: Option<i64>| seconds.map_or("NULL".to_string(), |s| format!("{created} + interval '{s} seconds'"));
    let status = if seed.resolved_seconds.is_some() { "resolved" } else { "open" };
    let conversation = app
        .query_string(&format!(
            "WITH contact AS (INSERT INTO contacts (id, workspace_id, name) VALUES (gen_random_uuid(), '{workspace}', {}) RETURNING id) \
             INSERT INTO conversations (id, workspace_id, contact_id, status, assignee_id, created_at, updated_at, last_message_at, \
             first_reply_at, first_reply_by, resolved_at, resolved_by) \
             SELECT gen_random_uuid(), '{workspace}', contact.id, '{status}', {assignee}, {created}, {created}, {created}, \
             {first_reply}, {first_by}, {resolved}, {resolved_by} FROM contact RETURNING id::text AS value",
            sql_text(seed.contact),
            first_reply = after(seed.first_reply_seconds),
            first_by = if seed.first_reply_seconds.is_some() { assignee.clone() } else { "NULL".into() },
            resolved = after(seed.resolved_seconds),
            resolved_by = if seed.resolved_seconds.is_some() { assignee.clone() } else { "NULL".into() },
        ))
        .expect("a seeded conversation");
    if let Some((score, comment)) = seed.rating {
        app.execute(&format!(
            "INSERT INTO conversation_ratings (conversation_id, workspace_id, agent_id, score, comment, first_rated_at, rated_at) \
             VALUES ('{conversation}', '{workspace}', {assignee}, {score}, {}, {created} + interval '1 day', {created} + interval '1 day')",
            sql_text(comment)
        ));
    }
    conversation
}

#[tokio::test]
async fn an_admin_sees_the_presets_the_filters_and_an_empty_state() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;

    let inbox = ws.owner.browser.get_html(&format!("/app/{}/inbox", ws.id)).await;
    assert!(inbox.contains(&format!("href=\"/app/{}/reports\"", ws.id)), "the navigation links to Reports");

    let response = ws.owner.browser.get(&reports(&ws.id, "")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    for preset in ["Today", "Last 7 days", "Last 30 days"] {
        assert!(html.contains(&format!(">{preset}</a>")), "{preset}");
    }
    assert!(html.contains("href=\"/app/") && html.contains("/reports?range=30d\""), "presets are links");
    assert!(html.contains("?range=7d\" aria-current=\"page\""), "the last 7 days are the default");
    for (id, label) in [("report-from", "From"), ("report-to", "To"), ("report-agent", "Agent"), ("report-label", "Label")] {
        assert!(html.contains(&format!("<label for=\"{id}\">{label}</label>")), "{label} is labelled");
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(html.contains(">Ada</option>"), "the owner is among the agents to choose");
    assert!(html.contains("No conversations in this range"), "{html}");
    assert!(html.contains("Times count every hour"), "the page says how durations are counted");
    assert!(html.contains("/settings/availability\">Settings → Availability</a>"));
    assert!(!html.contains("style="), "no inline style under the CSP");
}

#[tokio::test]
async fn an_agent_sees_only_their_own_report_without_an_agent_picker() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let agent = ws.add_member_named("Grace", Role::Agent).await;
    let owner_id = user_id(&app, &ws.owner.person.email);

    let html = agent.browser.get_html(&reports(&ws.id, "")).await;
    assert!(html.contains("Your own conversations and ratings."), "{html}");
    assert!(!html.contains("id=\"report-agent\""), "no agent picker for an agent");
    assert!(!html.contains("id=\"report-label\""));
    assert!(html.contains("an admin can set business hours"), "no settings link an agent cannot open");

    // Someone else's id, written by hand, is ignored: the agent's own report shows.
    let response = agent.browser.get(&reports(&ws.id, &format!("?agent={owner_id}"))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("Your own conversations and ratings."));
    let csv = agent.browser.get(&reports(&ws.id, &format!("/agents.csv?agent={owner_id}"))).await;
    assert_eq!(csv.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_agent_sees_their_own_row_and_never_a_teammates() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let agent = ws.add_member_named("Grace", Role::Agent).await;
    let (owner_id, agent_id) = (user_id(&app, &ws.owner.person.email), user_id(&app, &agent.person.email));
    seed(&app, &ws.id, Seed { assignee: Some(&owner_id), first_reply_seconds: Some(60), ..Default::default() });
    seed(&app, &ws.id, Seed { assignee: Some(&agent_id), first_reply_seconds: Some(120), ..Default::default() });

    let admin_view = ws.owner.browser.get_html(&reports(&ws.id, "?range=today")).await;
    assert!(admin_view.contains("<th scope=\"row\">Ada</th>") && admin_view.contains("<th scope=\"row\">Grace</th>"), "{admin_view}");
    for path in ["?range=today".to_string(), format!("?range=today&agent={owner_id}")] {
        let html = agent.browser.get_html(&reports(&ws.id, &path)).await;
        assert!(html.contains("<th scope=\"row\">Grace</th>"), "{html}");
        assert!(!html.contains("<th scope=\"row\">Ada</th>"), "{html}");
    }
    let csv = agent.browser.get(&reports(&ws.id, &format!("/agents.csv?range=today&agent={owner_id}"))).await.text().await.unwrap();
    assert_eq!(csv.lines().count(), 2, "the header and the agent's own row: {csv}");
    assert!(csv.lines().nth(1).unwrap().starts_with("Grace"), "{csv}");
}

#[tokio::test]
async fn another_workspaces_reports_answer_404() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let stranger = app.new_browser();
    let other = app.sign_up_workspace_as(&stranger, crate::helpers::Person::new("Mallory")).await;

    for path in [reports(&ws.id, ""), reports(&ws.id, "/days.csv"), reports(&ws.id, "/agents.csv?range=30d")] {
        assert_eq!(other.owner.browser.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(ws.owner.browser.get(&reports(&ws.id, "/users.csv")).await.status(), StatusCode::NOT_FOUND, "an unknown table");
}

#[tokio::test]
async fn an_agent_or_label_of_another_workspace_answers_404() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let other = app.sign_up_workspace_as(&app.new_browser(), crate::helpers::Person::new("Mallory")).await;
    let foreign_user = user_id(&app, &other.owner.person.email);
    let foreign_label = app
        .query_string(&format!(
            "INSERT INTO labels (id, workspace_id, name, color) VALUES (gen_random_uuid(), '{}', 'vip', '#2563eb') RETURNING id::text AS value",
            other.id
        ))
        .expect("a label");
    let own_label = app
        .query_string(&format!(
            "INSERT INTO labels (id, workspace_id, name, color) VALUES (gen_random_uuid(), '{}', 'billing', '#2563eb') RETURNING id::text AS value",
            ws.id
        ))
        .expect("a label");

    for query in [format!("?agent={foreign_user}"), format!("?label={foreign_label}"), "?agent=not-an-id".into()] {
        for path in [reports(&ws.id, &query), reports(&ws.id, &format!("/days.csv{query}"))] {
            assert_eq!(ws.owner.browser.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
        }
    }
    let own = ws.owner.browser.get(&reports(&ws.id, &format!("?label={own_label}&agent={}", user_id(&app, &ws.owner.person.email)))).await;
    assert_eq!(own.status(), StatusCode::OK);
    let html = own.text().await.unwrap();
    assert!(html.contains(&format!("<option value=\"{own_label}\" selected>billing</option>")), "the label stays chosen");
    assert!(html.contains(&format!("label={own_label}")), "links keep the label");
}

#[tokio::test]
async fn a_bad_custom_range_shows_its_error_beside_the_dates_and_no_figures() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    for (query, message) in [
        ("?range=custom&from=2026-03-05&to=2026-03-01", "The start date must be on or before the end date."),
        ("?range=custom&from=2020-01-01&to=2026-01-01", "A report covers at most 366 days"),
        ("?range=custom&from=2026-02-30&to=2026-03-01", "The start date must be a date written as YYYY-MM-DD"),
        ("?range=custom&to=2026-03-01", "Choose the start date."),
        ("?range=custom&from=2026-03-01&to=2999-01-01", "The end date cannot be after today"),
    ] {
        let response = ws.owner.browser.get(&reports(&ws.id, query)).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let html = response.text().await.unwrap();
        assert!(html.contains(&format!("<p class=\"field-error\" id=\"range-error\" role=\"alert\">{message}")), "{query}: {html}");
        assert!(html.contains("aria-describedby=\"range-error\""), "the date fields point at the error");
        assert!(!html.contains("report-cards") && !html.contains("No conversations in this range"), "no figures");
        let csv = ws.owner.browser.get(&reports(&ws.id, &format!("/days.csv{query}"))).await;
        assert_eq!(csv.status(), StatusCode::BAD_REQUEST, "{query}");
    }
    let typed = ws.owner.browser.get_html(&reports(&ws.id, "?range=custom&from=2026-03-05&to=2026-03-01")).await;
    assert!(typed.contains("value=\"2026-03-05\"") && typed.contains("value=\"2026-03-01\""), "what was typed stays in the form");
}

#[tokio::test]
async fn a_csv_download_is_an_attachment_named_by_table_and_dates_with_a_row_a_day() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let response = ws.owner.browser.get(&reports(&ws.id, "/days.csv?range=custom&from=2026-01-30&to=2026-02-02")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(response.headers()["content-disposition"], "attachment; filename=\"parlor-days-2026-01-30-2026-02-02.csv\"");
    assert_eq!(
        response.text().await.unwrap(),
        "date,started,resolved,still_open\n2026-01-30,0,0,0\n2026-01-31,0,0,0\n2026-02-01,0,0,0\n2026-02-02,0,0,0\n"
    );
    let html = ws.owner.browser.get_html(&reports(&ws.id, "?range=custom&from=2026-01-30&to=2026-02-02")).await;
    assert!(!html.contains("Download CSV"), "an empty report has no tables to download");
}

#[tokio::test]
async fn a_seeded_day_shows_in_the_page_and_its_downloads_with_comments_made_safe() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let owner_id = user_id(&app, &ws.owner.person.email);
    app.execute(&format!("UPDATE workspaces SET time_zone = 'UTC' WHERE id = '{}'", ws.id));
    let conversation = seed(
        &app,
        &ws.id,
        Seed {
            created_at: "2026-02-01 10:15:00+00",
            assignee: Some(&owner_id),
            first_reply_seconds: Some(240),
            resolved_seconds: Some(7800),
            rating: Some((2, "=HYPERLINK(\"http://evil.example\",\"refund\")")),
            contact: "@lin",
        },
    );
    seed(&app, &ws.id, Seed { created_at: "2026-02-01 11:00:00+00", ..Default::default() });
    let range = "range=custom&from=2026-02-01&to=2026-02-02";

    let days = ws.owner.browser.get(&reports(&ws.id, &format!("/days.csv?{range}"))).await.text().await.unwrap();
    assert_eq!(days, "date,started,resolved,still_open\n2026-02-01,2,1,1\n2026-02-02,0,0,0\n");
    let comments = ws.owner.browser.get(&reports(&ws.id, &format!("/comments.csv?{range}"))).await.text().await.unwrap();
    assert!(
        comments.contains(&format!(",2,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"refund\"\")\",'@lin,{conversation}\n")),
        "a formula is quoted away: {comments}"
    );
    let html = ws.owner.browser.get_html(&reports(&ws.id, &format!("?{range}"))).await;
    assert!(html.contains("<title id=\"chart-days-title\">Conversations per day</title>"), "{html}");
    assert!(html.contains("<th scope=\"row\">2026-02-01</th><td>2</td><td>1</td><td>1</td>"), "{html}");
    assert!(html.contains(&format!("/inbox/{conversation}\">Open the conversation</a>")));
    assert!(html.contains("=HYPERLINK(&quot;http://evil.example&quot;") || html.contains("=HYPERLINK(&#34;http://evil.example&#34;"));
    assert!(!html.contains("style="), "no inline style under the CSP");
}

/// A seeded workspace in Chromium at 390 and 1280 px: the charts render under the page's CSP
/// and the page never scrolls sideways. Screenshots go to the temporary directory.
#[tokio::test]
async fn the_seeded_report_renders_its_charts_on_a_phone_and_a_desktop() {
    let app = spawn_app_on_public_url().await;
    let ws = app.sign_up_workspace().await;
    let owner_id = user_id(&app, &ws.owner.person.email);
    for day in 0..7 {
        for n in 0..(day % 4 + 1) {
            let created_at = format!("now() - interval '{day} days' - interval '{} hours'", n * 3);
            let created = app.query_string(&format!("SELECT ({created_at})::text AS value")).expect("a time");
            seed(
                &app,
                &ws.id,
                Seed {
                    created_at: &created,
                    assignee: Some(&owner_id),
                    first_reply_seconds: Some(60 * (n + 2)),
                    resolved_seconds: (n % 2 == 0).then_some(3600 * (n + 1)),
                    rating: (n % 2 == 0).then_some(((n % 5 + 1) as i16, "Thanks, that was quick.")),
                    ..Default::default()
                },
            );
        }
    }
    let chromium = Chromium::launch().await;
    for width in [390, 1280] {
        let page = chromium.new_page(width).await;
        page.set_cookies(&app.address, &app.browser.cookie_header()).await;
        page.goto(&format!("{}{}", app.address, reports(&ws.id, ""))).await;
        page.wait_for_text("Busiest hours").await;
        let height = page.eval("document.documentElement.scrollHeight").await.as_u64().unwrap_or(0);
        for part in 0..=height / 800 {
            page.eval(&format!("window.scrollTo(0, {})", part * 800)).await;
            page.screenshot(&std::env::temp_dir().join(format!("parlor-reports-{width}-{part}.png"))).await;
        }
        for chart in ["chart-days", "chart-durations", "chart-csat", "chart-hours"] {
            let height = page.eval(&format!("document.getElementById('{chart}').getBoundingClientRect().height")).await;
            assert!(height.as_f64().unwrap_or(0.0) > 100.0, "{chart} renders at {width} px: {height}");
        }
        let scroll_width = page.eval("document.documentElement.scrollWidth").await;
        assert_eq!(scroll_width.as_u64(), Some(width as u64), "the page does not scroll sideways at {width} px");
    }
}
