//! The conversation actions, called as the inbox, the REST API and the sweep call them: each
//! change commits its audit record and webhook event with it and then tells the workspace's
//! agent sockets; none of them reaches a conversation of another workspace.

use std::time::Duration;

use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, sql_types::Text, sql_types::Uuid as SqlUuid};
use parlor::{
    conversations::{
        ConversationStatus,
        actions::{self, Change, StatusChange},
    },
    db::{ConversationId, UserId, WorkspaceId},
    error::AppError,
    workspaces::audit::Actor,
};
use reqwest::StatusCode;
use serde_json::Value;
use time::OffsetDateTime;

use crate::{
    helpers::{Browser, Person, TestApp, spawn_app_with},
    socket_client::{Socket, widget_session},
};

/// A conversation as the actions take it: ids read back from its row, as the app's own
/// extractors read them (a `WorkspaceId` is never made from a bare UUID).
#[derive(QueryableByName)]
struct Target {
    #[diesel(sql_type = SqlUuid)]
    workspace_id: WorkspaceId,
    #[diesel(sql_type = SqlUuid)]
    id: ConversationId,
}

#[derive(QueryableByName)]
struct Member {
    #[diesel(sql_type = SqlUuid)]
    id: UserId,
}

#[derive(QueryableByName)]
struct Workspace {
    #[diesel(sql_type = SqlUuid)]
    id: WorkspaceId,
}

fn connect(app: &TestApp) -> PgConnection {
    PgConnection::establish(&app.database.url()).expect("connect")
}

fn target(app: &TestApp, conversation: &str) -> Target {
    diesel::sql_query("SELECT workspace_id, id FROM conversations WHERE id = $1::uuid")
        .bind::<Text, _>(conversation)
        .get_result(&mut connect(app))
        .expect("the conversation")
}

fn user(app: &TestApp, name: &str) -> UserId {
    diesel::sql_query("SELECT id FROM users WHERE name = $1")
        .bind::<Text, _>(name)
        .get_result::<Member>(&mut connect(app))
        .expect("user")
        .id
}

/// Without the background sweep, so that only the test wakes snoozed conversations.
async fn spawn_app_without_sweep() -> TestApp {
    spawn_app_with(|settings| settings.job_interval = Duration::from_secs(3600)).await
}

/// A signed-up owner's workspace with a webhook endpoint for status changes, and a visitor's
/// conversation in it; returns the workspace id and the conversation id.
async fn workspace_with_a_conversation(app: &TestApp, browser: &Browser, owner: &Person) -> (String, String) {
    let workspace = browser.sign_up_ok(owner).await;
    let added = browser
        .post_form(
            &format!("/app/{workspace}/settings/webhooks"),
            &[("url", "http://127.0.0.1:9/hooks"), ("conversation_status_changed", "on")],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let site_key = app.query_string(&format!("SELECT site_key AS value FROM workspaces WHERE id = '{workspace}'")).unwrap();
    let (token, _) = widget_session(app, &site_key).await;
    let (mut visitor, _) = Socket::visitor(app, &token, serde_json::json!({})).await;
    visitor.say(None, "Hello?").await;
    let conversation = visitor.expect("ack").await["conversation_id"].as_str().unwrap().to_string();
    (workspace, conversation)
}

/// The `conversation.status_changed` events stored for the conversation, oldest first. Read
/// from the deliveries table because it is stored in the change's own transaction: present as
/// soon as the action returns, whether or not the endpoint has been called yet.
fn status_events(app: &TestApp, conversation: &str) -> Vec<Value> {
    let events = app.query_string(&format!(
        "SELECT coalesce(json_agg(payload->'data'->'conversation' ORDER BY created_at, event_id), '[]')::text AS value \
         FROM webhook_deliveries WHERE event_type = 'conversation.status_changed' AND payload->'data'->'conversation'->>'id' = '{conversation}'"
    ));
    serde_json::from_str::<Value>(&events.unwrap()).unwrap().as_array().unwrap().clone()
}

/// What the workspace's audit log says, as its admins read it.
async fn audit_log(browser: &Browser, workspace: &str) -> String {
    browser.get_html(&format!("/app/{workspace}/settings/audit")).await
}

/// The next `conversation` frame, as (conversation, status, assignee).
async fn conversation_frame(agent: &mut Socket) -> (String, String, Value) {
    let frame = agent.expect("conversation").await;
    (frame["conversation_id"].as_str().unwrap().to_string(), frame["status"].as_str().unwrap().to_string(), frame["assignee_id"].clone())
}

/// No `conversation` frame arrives within a moment.
async fn assert_no_conversation_frame(agent: &mut Socket) {
    while let Some(frame) = agent.next_within(Duration::from_millis(500)).await {
        assert_ne!(frame["type"], "conversation", "unexpected {frame}");
    }
}

#[tokio::test]
async fn resolving_snoozing_and_waking_each_record_emit_and_tell_the_agents() {
    let app = spawn_app_without_sweep().await;
    let (workspace, conversation) = workspace_with_a_conversation(&app, &app.browser, &Person::new("Ada Lovelace")).await;
    let Target { workspace_id, id } = target(&app, &conversation);
    let ada = Actor::member(user(&app, "Ada Lovelace"), "Ada Lovelace");
    let mut agent = Socket::agent(&app, &app.browser).await;

    let resolved = actions::set_status(&app.state, workspace_id, ada.clone(), id, StatusChange::To(ConversationStatus::Resolved)).await;
    assert_eq!(resolved.map(|c| c.status).ok(), Some(ConversationStatus::Resolved));
    assert_eq!(conversation_frame(&mut agent).await, (conversation.clone(), "resolved".into(), Value::Null));
    assert_eq!(status_events(&app, &conversation).last().map(|e| e["status"].clone()), Some("resolved".into()));
    let log = audit_log(&app.browser, &workspace).await;
    assert!(log.contains("Changed a conversation&#39;s status") && log.contains(&format!("{conversation} to resolved")), "{log}");

    let until = OffsetDateTime::now_utc() + time::Duration::hours(4);
    let snoozed = actions::set_status(&app.state, workspace_id, ada.clone(), id, StatusChange::Snooze { until }).await;
    assert_eq!(snoozed.map(|c| c.status).ok(), Some(ConversationStatus::Snoozed));
    assert_eq!(conversation_frame(&mut agent).await.1, "snoozed");
    assert_eq!(status_events(&app, &conversation).last().map(|e| e["status"].clone()), Some("snoozed".into()));
    assert!(audit_log(&app.browser, &workspace).await.contains("Snoozed a conversation"));

    // The snooze ends: the sweep's action opens it again, as Parlor.
    app.execute(&format!("UPDATE conversations SET snoozed_until = now() - interval '1 second' WHERE id = '{conversation}'"));
    assert_eq!(actions::wake_snoozed(&app.state, None).await.ok(), Some(1));
    assert_eq!(conversation_frame(&mut agent).await.1, "open");
    let statuses: Vec<Value> = status_events(&app, &conversation).iter().map(|e| e["status"].clone()).collect();
    assert_eq!(statuses, ["resolved", "snoozed", "open"]);
    assert!(audit_log(&app.browser, &workspace).await.contains("Reopened a conversation whose snooze ended"));
    assert_eq!(
        app.query_string(&format!(
            "SELECT status || ' ' || coalesce(snoozed_until::text, '-') AS value FROM conversations WHERE id = '{conversation}'"
        ))
        .as_deref(),
        Some("open -")
    );
    assert_eq!(actions::wake_snoozed(&app.state, None).await.ok(), Some(0), "woken once");
}

#[tokio::test]
async fn assigning_records_who_and_tells_the_agents_and_a_stranger_cannot_be_assigned() {
    let app = spawn_app_without_sweep().await;
    let (workspace, conversation) = workspace_with_a_conversation(&app, &app.browser, &Person::new("Ada Lovelace")).await;
    app.new_browser().sign_up_ok(&Person::new("Mallory")).await;
    let Target { workspace_id, id } = target(&app, &conversation);
    let ada_id = user(&app, "Ada Lovelace");
    let ada = Actor::member(ada_id, "Ada Lovelace");
    let mut agent = Socket::agent(&app, &app.browser).await;

    let assigned = actions::assign(&app.state, workspace_id, ada.clone(), id, Some(ada_id)).await;
    assert_eq!(assigned.map(|c| c.assignee_id).ok(), Some(Some(ada_id)));
    assert_eq!(conversation_frame(&mut agent).await, (conversation.clone(), "open".into(), Value::String(ada_id.to_string())));
    let log = audit_log(&app.browser, &workspace).await;
    assert!(log.contains("Assigned a conversation") && log.contains(&format!("{conversation} to Ada Lovelace")), "{log}");
    // An assignment is no status change: no webhook event, as before.
    assert!(status_events(&app, &conversation).is_empty());

    let mallory = user(&app, "Mallory");
    let refused = actions::assign(&app.state, workspace_id, ada.clone(), id, Some(mallory)).await;
    assert!(matches!(refused, Err(AppError::Unprocessable(ref m)) if m == actions::NOT_A_MEMBER), "{refused:?}");
    assert_no_conversation_frame(&mut agent).await;
    let assignee = format!("SELECT assignee_id::text AS value FROM conversations WHERE id = '{conversation}'");
    assert_eq!(app.query_string(&assignee), Some(ada_id.to_string()), "the refusal changed nothing");

    let unassigned = actions::assign(&app.state, workspace_id, ada.clone(), id, None).await;
    assert_eq!(unassigned.map(|c| c.assignee_id).ok(), Some(None));
    assert_eq!(conversation_frame(&mut agent).await.2, Value::Null);
    assert!(audit_log(&app.browser, &workspace).await.contains("Unassigned a conversation"));

    // Both at once, as a PATCH of the REST API does: one frame, one event, two records.
    let both = Change { status: Some(StatusChange::To(ConversationStatus::Pending)), assignee: Some(Some(ada_id)), label: None };
    let changed = actions::change(&app.state, workspace_id, Actor::api_key(ada_id, "Ada Lovelace"), id, both).await.unwrap();
    assert_eq!((changed.status, changed.assignee_id), (ConversationStatus::Pending, Some(ada_id)));
    assert_eq!(conversation_frame(&mut agent).await, (conversation.clone(), "pending".into(), Value::String(ada_id.to_string())));
    assert_no_conversation_frame(&mut agent).await;
    let events = status_events(&app, &conversation);
    assert_eq!(events.len(), 1);
    assert_eq!((events[0]["status"].as_str(), events[0]["assignee_id"].as_str()), (Some("pending"), Some(ada_id.to_string().as_str())));
    assert!(audit_log(&app.browser, &workspace).await.contains("Ada Lovelace (API key)"));
}

#[tokio::test]
async fn no_action_reaches_a_conversation_of_another_workspace() {
    let app = spawn_app_without_sweep().await;
    let (ada_workspace, _) = workspace_with_a_conversation(&app, &app.browser, &Person::new("Ada")).await;
    let eve = app.new_browser();
    let (_, theirs) = workspace_with_a_conversation(&app, &eve, &Person::new("Eve")).await;
    let ada_id = user(&app, "Ada");
    let ada_workspace_id = diesel::sql_query("SELECT id FROM workspaces WHERE id = $1::uuid")
        .bind::<Text, _>(&ada_workspace)
        .get_result::<Workspace>(&mut connect(&app))
        .unwrap()
        .id;
    let their_id = target(&app, &theirs).id;
    let mut eve_agent = Socket::agent(&app, &eve).await;
    let state_of =
        format!("SELECT concat_ws(' ', status, assignee_id, snoozed_until, updated_at) AS value FROM conversations WHERE id = '{theirs}'");
    let (before, audit_before, deliveries_before) =
        (app.query_string(&state_of), app.count("audit_events"), app.count("webhook_deliveries"));

    let ada = Actor::member(ada_id, "Ada");
    let until = OffsetDateTime::now_utc() + time::Duration::hours(1);
    let changes = [
        Change { status: Some(StatusChange::To(ConversationStatus::Resolved)), assignee: None, label: None },
        Change { status: Some(StatusChange::Snooze { until }), assignee: None, label: None },
        Change { status: None, assignee: Some(Some(ada_id)), label: None },
        Change { status: None, assignee: Some(None), label: None },
        Change { status: Some(StatusChange::To(ConversationStatus::Open)), assignee: Some(Some(ada_id)), label: None },
        Change::default(),
    ];
    for change in changes {
        let answer = actions::change(&app.state, ada_workspace_id, ada.clone(), their_id, change).await;
        assert!(matches!(answer, Err(AppError::NotFound)), "{change:?}: {answer:?}");
    }
    // Nor does waking one workspace's snoozed conversations touch another's.
    app.execute(&format!("UPDATE conversations SET status = 'snoozed', snoozed_until = now() - interval '1 minute' WHERE id = '{theirs}'"));
    let snoozed = app.query_string(&state_of);
    assert_eq!(actions::wake_snoozed(&app.state, Some(ada_workspace_id)).await.ok(), Some(0));

    assert_eq!(app.query_string(&state_of), snoozed, "unchanged");
    app.execute(&format!("UPDATE conversations SET status = 'open', snoozed_until = NULL WHERE id = '{theirs}'"));
    assert_eq!(app.query_string(&state_of), before);
    assert_eq!((app.count("audit_events"), app.count("webhook_deliveries")), (audit_before, deliveries_before));
    assert_no_conversation_frame(&mut eve_agent).await;
}
