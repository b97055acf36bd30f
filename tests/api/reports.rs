//! Report figures: stamped as they happen (the first reply by the message writer, the
//! resolution by the actions module), and computed from a seeded week with known answers:
//! per-day counts on local days, first response and resolution times with and without business
//! hours, ratings, each agent's row, the busiest hours, the filters, the role rule and the
//! range's limits, through `GET /api/v1/reports/summary`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    helpers::{Member, Role, TestApp, TestWorkspace, spawn_app},
    rest_api::Api,
};

/// One seeded conversation: times in UTC (`YYYY-MM-DD HH:MM`).
struct Seeded<'a> {
    created: &'a str,
    status: &'a str,
    assignee: Option<&'a str>,
    first_reply: Option<(&'a str, &'a str)>,
    resolved: Option<(&'a str, &'a str)>,
}

/// Inserts a conversation (with its own contact) as the writer and the actions module would
/// have left it; returns its id.
fn seed(app: &TestApp, workspace: &str, conversation: Seeded<'_>) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let contact = uuid::Uuid::new_v4().to_string();
    let quoted = |value: Option<&str>| value.map_or("NULL".to_string(), |v| format!("'{v}'"));
    app.execute(&format!(
        "INSERT INTO contacts (id, workspace_id, name, created_at) VALUES ('{contact}', '{workspace}', 'Visitor {}', '{}+00')",
        &id[..4],
        conversation.created
    ));
    app.execute(&format!(
        "INSERT INTO conversations (id, workspace_id, contact_id, status, assignee_id, last_seq, last_message_at, created_at, \
         first_reply_at, first_reply_by, resolved_at, resolved_by) \
         VALUES ('{id}', '{workspace}', '{contact}', '{}', {}, 1, '{created}+00', '{created}+00', {}, {}, {}, {})",
        conversation.status,
        quoted(conversation.assignee),
        conversation.first_reply.map_or("NULL".into(), |(at, _)| format!("'{at}+00'")),
        quoted(conversation.first_reply.map(|(_, by)| by)),
        conversation.resolved.map_or("NULL".into(), |(at, _)| format!("'{at}+00'")),
        quoted(conversation.resolved.map(|(_, by)| by)),
        created = conversation.created,
    ));
    id
}

/// An agent's message in a conversation at `at` (UTC), public or a private note, counted as
/// the message writer counts it.
fn seed_reply(app: &TestApp, workspace: &str, conversation: &str, author: &str, at: &str, private: bool) {
    app.execute(&format!(
        "INSERT INTO messages (id, workspace_id, conversation_id, seq, client_id, author_kind, author_id, body, private, created_at) \
         VALUES (gen_random_uuid(), '{workspace}', '{conversation}', \
                 (SELECT coalesce(max(seq), 1) + 1 FROM messages WHERE conversation_id = '{conversation}'), \
                 gen_random_uuid(), 'agent', '{author}', 'Reply', {private}, '{at}+00')"
    ));
    // As the writer counts a public reply.
    if !private {
        app.execute(&format!(
            "INSERT INTO agent_reply_counts (workspace_id, quarter, user_id, replies) \
             VALUES ('{workspace}', date_bin('15 minutes', '{at}+00'::timestamptz, TIMESTAMPTZ '2000-01-01 00:00:00+00'), '{author}', 1) \
             ON CONFLICT (workspace_id, quarter, user_id) DO UPDATE SET replies = agent_reply_counts.replies + 1"
        ));
    }
}

fn seed_rating(app: &TestApp, workspace: &str, conversation: &str, agent: &str, score: i32, comment: &str, at: &str) {
    app.execute(&format!(
        "INSERT INTO conversation_ratings (conversation_id, workspace_id, agent_id, score, comment, first_rated_at, rated_at) \
         VALUES ('{conversation}', '{workspace}', '{agent}', {score}, '{comment}', '{at}+00', '{at}+00')"
    ));
}

/// Europe/Paris, Monday to Friday 09:00 to 17:00, business hours on or off.
fn set_hours(app: &TestApp, workspace: &str, enabled: bool) {
    app.execute(&format!(
        "UPDATE workspaces SET time_zone = 'Europe/Paris', hours_enabled = {enabled}, \
         business_hours = '[[540,1020],[540,1020],[540,1020],[540,1020],[540,1020],null,null]' WHERE id = '{workspace}'"
    ));
}

/// The seeded week of Monday 2026-11-23 to Sunday 2026-11-29 in Paris (UTC+1): Ada and Grace
/// answer; a label "Billing" on one conversation. Returns (Ada's id, Grace's id, label id,
/// Grace signed in).
async fn seeded_week<'a>(workspace: &TestWorkspace<'a>) -> (String, String, String, Member<'a>) {
    let app = workspace.app;
    let ws = workspace.id.as_str();
    let grace_member = workspace.add_member(Role::Agent).await;
    let ada = app
        .query_string(&format!("SELECT user_id::text AS value FROM memberships WHERE workspace_id = '{ws}' AND role = 'owner'"))
        .unwrap();
    let grace = workspace.user_id(&grace_member.person.name).await;
    let (a, g) = (ada.as_str(), grace.as_str());
    // Monday 00:30 in Paris, though Sunday in UTC: counted on Monday. Unanswered, open.
    seed(app, ws, Seeded { created: "2026-11-22 23:30", status: "open", assignee: None, first_reply: None, resolved: None });
    // Monday 09:00 Paris: answered in 10 minutes, resolved in an hour, rated 5.
    let c1 = seed(
        app,
        ws,
        Seeded {
            created: "2026-11-23 08:00",
            status: "resolved",
            assignee: Some(a),
            first_reply: Some(("2026-11-23 08:10", a)),
            resolved: Some(("2026-11-23 09:00", a)),
        },
    );
    seed_reply(app, ws, &c1, a, "2026-11-23 08:10", false);
    seed_rating(app, ws, &c1, a, 5, "Great help", "2026-11-23 10:00");
    // Monday 16:30 Paris, answered Tuesday 09:30 (17 hours, 1 business hour), resolved
    // Tuesday 11:00 (18.5 hours, 2.5 business hours), rated 2.
    let c2 = seed(
        app,
        ws,
        Seeded {
            created: "2026-11-23 15:30",
            status: "resolved",
            assignee: Some(g),
            first_reply: Some(("2026-11-24 08:30", g)),
            resolved: Some(("2026-11-24 10:00", g)),
        },
    );
    seed_reply(app, ws, &c2, g, "2026-11-24 08:30", false);
    seed_rating(app, ws, &c2, g, 2, "Slow", "2026-11-24 11:00");
    // Wednesday 13:00 Paris, answered in 20 minutes, pending; labelled; a private note.
    let c4 = seed(
        app,
        ws,
        Seeded {
            created: "2026-11-25 12:00",
            status: "pending",
            assignee: Some(a),
            first_reply: Some(("2026-11-25 12:20", a)),
            resolved: None,
        },
    );
    seed_reply(app, ws, &c4, a, "2026-11-25 12:20", false);
    seed_reply(app, ws, &c4, a, "2026-11-25 12:30", true);
    // Started the Friday before (17:00 Paris, closed), resolved Wednesday 13:00 Paris: 116
    // hours, 20 business hours.
    seed(
        app,
        ws,
        Seeded {
            created: "2026-11-20 16:00",
            status: "resolved",
            assignee: Some(a),
            first_reply: Some(("2026-11-20 16:05", a)),
            resolved: Some(("2026-11-25 12:00", a)),
        },
    );
    // Saturday 11:00 Paris, answered after the range.
    let c3 = seed(
        app,
        ws,
        Seeded {
            created: "2026-11-28 10:00",
            status: "open",
            assignee: Some(g),
            first_reply: Some(("2026-11-30 08:00", g)),
            resolved: None,
        },
    );
    seed_reply(app, ws, &c3, g, "2026-11-30 08:00", false);
    // Sunday 23:30 Paris, in the range; Monday 00:30 Paris, after it.
    seed(app, ws, Seeded { created: "2026-11-29 22:30", status: "open", assignee: None, first_reply: None, resolved: None });
    seed(app, ws, Seeded { created: "2026-11-29 23:30", status: "open", assignee: None, first_reply: None, resolved: None });

    let label = uuid::Uuid::new_v4().to_string();
    app.execute(&format!("INSERT INTO labels (id, workspace_id, name, color) VALUES ('{label}', '{ws}', 'Billing', '#2563eb')"));
    app.execute(&format!("INSERT INTO conversation_labels (workspace_id, conversation_id, label_id) VALUES ('{ws}', '{c4}', '{label}')"));
    (ada, grace, label, grace_member)
}

const WEEK: &str = "/api/v1/reports/summary?from=2026-11-23&to=2026-11-29";

fn days(summary: &Value) -> Vec<(String, i64, i64, i64)> {
    summary["days"]
        .as_array()
        .expect("days")
        .iter()
        .map(|day| {
            (
                day["date"].as_str().unwrap().to_string(),
                day["started"].as_i64().unwrap(),
                day["resolved"].as_i64().unwrap(),
                day["still_open"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn agent<'a>(summary: &'a Value, id: &str) -> &'a Value {
    summary["agents"].as_array().unwrap().iter().find(|row| row["user_id"] == id).unwrap_or_else(|| panic!("a row for {id}"))
}

#[tokio::test]
async fn a_seeded_week_gives_its_known_figures_with_and_without_business_hours() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let (ada, grace, _, _) = seeded_week(&workspace).await;
    let api = Api { app: &app, key: workspace.api_key(&["read"]).await };

    set_hours(&app, &workspace.id, true);
    let (status, summary) = api.get(WEEK).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!((summary["from"].as_str(), summary["to"].as_str()), (Some("2026-11-23"), Some("2026-11-29")));
    assert_eq!(summary["time_zone"], "Europe/Paris");
    assert_eq!(summary["business_hours"], true);
    let day = |date: &str, started, resolved, open| (date.to_string(), started, resolved, open);
    assert_eq!(
        days(&summary),
        vec![
            day("2026-11-23", 3, 1, 1),
            day("2026-11-24", 0, 1, 0),
            day("2026-11-25", 1, 1, 1),
            day("2026-11-26", 0, 0, 0),
            day("2026-11-27", 0, 0, 0),
            day("2026-11-28", 1, 0, 1),
            day("2026-11-29", 1, 0, 1),
        ]
    );
    // Business seconds: first replies 600, 3,600 and 1,200; resolutions 3,600, 9,000, 72,000.
    assert_eq!(summary["first_response"], json!({"count": 3, "median_seconds": 1200, "p90_seconds": 3120}));
    assert_eq!(summary["resolution"], json!({"count": 3, "median_seconds": 9000, "p90_seconds": 59400}));
    assert_eq!(summary["csat"]["ratings"], 2);
    assert_eq!(summary["csat"]["satisfied"], 1);
    assert_eq!(summary["csat"]["distribution"], json!([0, 1, 0, 0, 1]));
    let comments: Vec<(&str, i64)> = summary["csat"]["latest_comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["comment"].as_str().unwrap(), c["score"].as_i64().unwrap()))
        .collect();
    assert_eq!(comments, vec![("Slow", 2), ("Great help", 5)], "newest first");

    let ada_row = agent(&summary, &ada);
    assert_eq!(ada_row["name"], "Ada");
    assert_eq!((ada_row["conversations"].as_i64(), ada_row["replies"].as_i64()), (Some(2), Some(2)), "the private note is no reply");
    assert_eq!(ada_row["first_response"], json!({"count": 2, "median_seconds": 900, "p90_seconds": 1140}));
    assert_eq!(ada_row["resolution"], json!({"count": 2, "median_seconds": 37800, "p90_seconds": 65160}));
    assert_eq!((ada_row["ratings"].as_i64(), ada_row["satisfied"].as_i64()), (Some(1), Some(1)));
    let grace_row = agent(&summary, &grace);
    assert_eq!(
        (grace_row["conversations"].as_i64(), grace_row["replies"].as_i64()),
        (Some(2), Some(1)),
        "Monday's reply is after the range"
    );
    assert_eq!(grace_row["first_response"], json!({"count": 1, "median_seconds": 3600, "p90_seconds": 3600}));
    assert_eq!(grace_row["resolution"], json!({"count": 1, "median_seconds": 9000, "p90_seconds": 9000}));
    assert_eq!((grace_row["ratings"].as_i64(), grace_row["satisfied"].as_i64()), (Some(1), Some(0)));

    let grid = &summary["busiest_hours"];
    let cell = |day: usize, hour: usize| grid[day][hour].as_i64().unwrap();
    assert_eq!((cell(0, 0), cell(0, 9), cell(0, 16), cell(2, 13), cell(5, 11), cell(6, 23)), (1, 1, 1, 1, 1, 1));
    let total: i64 = grid.as_array().unwrap().iter().flat_map(|row| row.as_array().unwrap()).map(|n| n.as_i64().unwrap()).sum();
    assert_eq!(total, 6, "the conversation of Monday 00:30 after the range is not counted");

    // Every hour counted: the same conversations, wall-clock durations.
    set_hours(&app, &workspace.id, false);
    let (_, summary) = api.get(WEEK).await;
    assert_eq!(summary["business_hours"], false);
    assert_eq!(summary["first_response"], json!({"count": 3, "median_seconds": 1200, "p90_seconds": 49200}));
    assert_eq!(summary["resolution"], json!({"count": 3, "median_seconds": 66600, "p90_seconds": 347400}));
}

#[tokio::test]
async fn filters_by_agent_and_label_and_an_agents_key_reads_only_their_own() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let (ada, grace, label, grace_member) = seeded_week(&workspace).await;
    set_hours(&app, &workspace.id, true);
    let api = Api { app: &app, key: workspace.api_key(&["read"]).await };

    let (status, by_label) = api.get(&format!("{WEEK}&label_id={label}")).await;
    assert_eq!(status, StatusCode::OK, "{by_label}");
    let started: i64 = days(&by_label).iter().map(|d| d.1).sum();
    assert_eq!(started, 1);
    assert_eq!(by_label["first_response"], json!({"count": 1, "median_seconds": 1200, "p90_seconds": 1200}));
    assert_eq!(by_label["csat"]["ratings"], 0);
    assert_eq!(agent(&by_label, &ada)["replies"], Value::Null, "replies are not counted by label");

    let (_, by_grace) = api.get(&format!("{WEEK}&agent_id={grace}")).await;
    let started: Vec<i64> = days(&by_grace).iter().map(|d| d.1).collect();
    assert_eq!(started, vec![1, 0, 0, 0, 0, 1, 0]);
    assert_eq!(by_grace["first_response"]["count"], 1);
    assert_eq!(by_grace["resolution"], json!({"count": 1, "median_seconds": 9000, "p90_seconds": 9000}));
    assert_eq!(by_grace["csat"]["distribution"], json!([0, 1, 0, 0, 0]));
    let rows: Vec<&str> = by_grace["agents"].as_array().unwrap().iter().map(|r| r["user_id"].as_str().unwrap()).collect();
    assert_eq!(rows, vec![grace.as_str()]);

    // Grace's key, made while she was an admin, reads only her figures once she is an agent.
    app.execute(&format!("UPDATE memberships SET role = 'admin' WHERE user_id = '{grace}'"));
    let grace_key = crate::rest_api::create_key_with(&grace_member.browser, &workspace.id, "Grace's key", &["read"]).await;
    app.execute(&format!("UPDATE memberships SET role = 'agent' WHERE user_id = '{grace}'"));
    let grace_api = Api { app: &app, key: grace_key };
    let (status, own) = grace_api.get(&format!("{WEEK}&agent_id={ada}")).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert_eq!(own, by_grace, "an agent's key gets the agent's own figures, whoever it asks for");

    // Another workspace's agent or label names nothing here.
    let stranger = uuid::Uuid::new_v4();
    assert_eq!(api.get(&format!("{WEEK}&agent_id={stranger}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(api.get(&format!("{WEEK}&label_id={stranger}")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_workspace_reads_only_its_own_figures_and_bad_ranges_are_refused() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let (_, _, label, _) = seeded_week(&workspace).await;
    let other = app.sign_up_workspace_as(&app.new_browser(), crate::helpers::Person::new("Linus")).await;
    let other_api = Api { app: &app, key: other.api_key(&["read"]).await };

    let (status, summary) = other_api.get(WEEK).await;
    assert_eq!(status, StatusCode::OK);
    assert!(days(&summary).iter().all(|d| d.1 == 0 && d.2 == 0), "{summary}");
    assert_eq!(summary["csat"]["ratings"], 0);
    let names: Vec<&str> = summary["agents"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Linus"]);
    let ada = app.query_string(&format!("SELECT user_id::text AS value FROM memberships WHERE workspace_id = '{}'", workspace.id)).unwrap();
    assert_eq!(other_api.get(&format!("{WEEK}&agent_id={ada}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(other_api.get(&format!("{WEEK}&label_id={label}")).await.0, StatusCode::NOT_FOUND);

    for (query, expected, message) in [
        ("from=2026-11-29&to=2026-11-23", StatusCode::UNPROCESSABLE_ENTITY, "before"),
        ("from=2025-01-01&to=2026-11-29", StatusCode::UNPROCESSABLE_ENTITY, "366"),
        ("from=2026-11-01&to=2999-01-01", StatusCode::UNPROCESSABLE_ENTITY, "after today"),
        ("from=2026-11-31&to=2026-11-29", StatusCode::BAD_REQUEST, "date"),
        ("from=0000-00-00&to=2026-11-29", StatusCode::BAD_REQUEST, "date"),
        ("to=2026-11-29", StatusCode::BAD_REQUEST, "from"),
    ] {
        let (status, body) = other_api.get(&format!("/api/v1/reports/summary?{query}")).await;
        assert_eq!(status, expected, "{query}: {body}");
        assert!(body.to_string().contains(message), "{query}: {body}");
    }
    let (status, _) = Api { app: &app, key: "sk_nonsense".into() }.get(WEEK).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_first_reply_and_the_resolution_are_stamped_when_they_happen() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let grace = workspace.add_member(Role::Agent).await;
    let (mut visitor, conversation) = workspace.visitor_says("Hello?").await;
    let stamps = |app: &TestApp| {
        app.query_string(&format!(
            "SELECT concat_ws(',', first_reply_at IS NOT NULL, first_reply_by, resolved_at IS NOT NULL, resolved_by) AS value \
             FROM conversations WHERE id = '{conversation}'"
        ))
        .unwrap()
    };
    assert_eq!(stamps(&app), "f,f");

    // A private note is no reply; Grace's public reply is the first, Ada's later one is not.
    let note = format!("/app/{}/inbox/{conversation}/reply", workspace.id);
    let response = grace.browser.post_form(&note, &[("body", "Checking the order"), ("private", "on")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(stamps(&app), "f,f");
    grace.replies(&conversation, "Hi! Let me look.").await;
    let grace_id = workspace.user_id(&grace.person.name).await;
    assert_eq!(stamps(&app), format!("t,{grace_id},f"));
    let first_reply = app.query_string(&format!("SELECT first_reply_at::text AS value FROM conversations WHERE id = '{conversation}'"));
    workspace.owner.replies(&conversation, "Ada here too.").await;
    let after = app.query_string(&format!("SELECT first_reply_at::text AS value FROM conversations WHERE id = '{conversation}'"));
    assert_eq!(after, first_reply, "the first reply keeps its time");

    // Grace is assigned; Ada resolves it: the resolution is Grace's.
    let path = format!("/app/{}/inbox/{conversation}/assign", workspace.id);
    let response = workspace.owner.browser.post_form(&path, &[("assignee", &grace_id)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
    workspace.owner.sets_status(&conversation, "resolved").await;
    assert_eq!(stamps(&app), format!("t,{grace_id},t,{grace_id}"));
    let resolved_at = app.query_string(&format!("SELECT resolved_at::text AS value FROM conversations WHERE id = '{conversation}'"));
    workspace.owner.sets_status(&conversation, "resolved").await;
    let again = app.query_string(&format!("SELECT resolved_at::text AS value FROM conversations WHERE id = '{conversation}'"));
    assert_eq!(again, resolved_at, "resolving a resolved conversation keeps its time");

    // The visitor writes again (reopening it); resolved again, it is stamped anew.
    visitor.says("One more thing").await;
    workspace.owner.sets_status(&conversation, "resolved").await;
    let later = app.query_string(&format!("SELECT resolved_at::text AS value FROM conversations WHERE id = '{conversation}'"));
    assert_ne!(later, resolved_at);

    let api = Api { app: &app, key: workspace.api_key(&["read"]).await };
    let today = app.query_string("SELECT (now() AT TIME ZONE 'UTC')::date::text AS value").unwrap();
    let (status, summary) = api.get(&format!("/api/v1/reports/summary?from={today}&to={today}")).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(summary["first_response"]["count"], 1);
    assert_eq!(summary["resolution"]["count"], 1);
    assert_eq!(agent(&summary, &grace_id)["replies"], 1);
}
