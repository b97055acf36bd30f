//! Auto-assignment: the admin's setting, and round-robin among the agents who have their inbox
//! open and are not away, within each one's limit of open conversations.

use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, sql_types::Text, sql_types::Uuid as SqlUuid};
use parlor::{conversations::assignment, db::WorkspaceId};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    chromium::Chromium,
    helpers::{Member, Person, Role, TestApp, TestWorkspace, spawn_app, spawn_app_on_public_url, spawn_app_with, spawn_instance_of},
    socket_client::Socket,
};

/// Without the job worker's sweep (it runs once at start): only the kicks of the events
/// themselves assign, so these tests see that each event does.
async fn spawn_app_without_sweep() -> TestApp {
    spawn_app_with(|settings| settings.job_interval = Duration::from_secs(3600)).await
}

/// The owner saves the auto-assignment form.
async fn set_assignment(ws: &TestWorkspace<'_>, mode: &str, limit: &str) {
    let response = ws.owner.browser.post_form(&format!("/app/{}/settings/assignment", ws.id), &[("mode", mode), ("limit", limit)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
}

/// Polls the database (up to 5 s) until `sql` answers `expected`.
async fn eventually(app: &TestApp, sql: &str, expected: Option<&str>, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let now = app.query_string(sql);
        if now.as_deref() == expected {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: expected {expected:?}, still {now:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Who the conversation is assigned to, by name; `None` while it waits.
fn assignee_of(app: &TestApp, conversation: &str) -> Option<String> {
    app.query_string(&format!(
        "SELECT u.name AS value FROM conversations c JOIN users u ON u.id = c.assignee_id WHERE c.id = '{conversation}'"
    ))
}

async fn wait_for_assignee(app: &TestApp, conversation: &str, name: &str) {
    let sql = format!("SELECT u.name AS value FROM conversations c JOIN users u ON u.id = c.assignee_id WHERE c.id = '{conversation}'");
    eventually(app, &sql, Some(name), &format!("the assignee of {conversation}")).await;
}

/// Waits until Postgres holds the member online (`true`) or offline: what other instances and
/// auto-assignment read.
async fn wait_online(app: &TestApp, member: &Member<'_>, online: bool) {
    let sql = format!(
        "SELECT (m.online_until IS NOT NULL AND m.online_until > now())::text AS value FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE u.email = '{}'",
        member.person.email
    );
    eventually(app, &sql, Some(if online { "true" } else { "false" }), &format!("{} online", member.person.name)).await;
}

/// An agent with their inbox open: their socket, once Postgres knows they are online.
async fn comes_online(app: &TestApp, member: &Member<'_>) -> Socket {
    let socket = member.socket().await;
    wait_online(app, member, true).await;
    socket
}

/// The next `conversation` frame for `conversation`, as its assignee's id.
async fn assigned_frame(socket: &mut Socket, conversation: &str) -> Value {
    loop {
        let frame = socket.expect("conversation").await;
        if frame["conversation_id"] == conversation {
            return frame["assignee_id"].clone();
        }
    }
}

#[derive(QueryableByName)]
struct Workspace {
    #[diesel(sql_type = SqlUuid)]
    id: WorkspaceId,
}

/// The workspace's id as the app's own code holds it (read from its row).
fn workspace_id(app: &TestApp, workspace: &str) -> WorkspaceId {
    let mut conn = PgConnection::establish(&app.database.url()).expect("connect");
    diesel::sql_query("SELECT id FROM workspaces WHERE id = $1::uuid")
        .bind::<Text, _>(workspace)
        .get_result::<Workspace>(&mut conn)
        .unwrap()
        .id
}

#[tokio::test]
async fn auto_assignment_is_set_by_admins_refused_to_agents_and_not_found_in_another_workspace() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let path = format!("/app/{}/settings/assignment", ws.id);
    let settings = ws.owner.browser.get_html(&format!("/app/{}/settings", ws.id)).await;
    assert!(settings.contains(&format!(r#"<a href="{path}">Auto-assignment</a>"#)), "{settings}");

    let page = ws.owner.browser.get_html(&path).await;
    assert!(page.contains(r#"<input type="radio" name="mode" value="off" checked"#), "off by default: {page}");
    assert!(page.contains(r#"<label for="limit">Most open conversations per agent</label>"#));
    assert!(page.contains(r#"value="10""#), "a limit of 10 by default");
    assert!(page.contains("No agent is available"));

    set_assignment(&ws, "round_robin", "3").await;
    let page = ws.owner.browser.get_html(&format!("{path}?notice=assignment_saved")).await;
    assert!(page.contains("Auto-assignment is saved."));
    assert!(page.contains(r#"<input type="radio" name="mode" value="round_robin" checked"#), "{page}");
    assert!(page.contains(r#"value="3""#));
    let audit = ws.owner.browser.get_html(&format!("/app/{}/settings/audit", ws.id)).await;
    assert!(audit.contains("Changed auto-assignment") && audit.contains("round-robin, at most 3 open conversations per agent"), "{audit}");

    // Out of range: the error is shown beside the field and nothing changes.
    for bad in ["0", "101", "many"] {
        let response = ws.owner.browser.post_form(&path, &[("mode", "off"), ("limit", bad)]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains(r#"<p class="field-error" id="limit-error" role="alert">Enter a whole number from 1 to 100.</p>"#), "{html}");
        assert!(html.contains(&format!(r#"value="{bad}""#)), "what was typed is kept");
    }
    let response = ws.owner.browser.post_form(&path, &[("mode", "random"), ("limit", "5")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains(r#"id="mode-error""#));
    let stored = format!("SELECT auto_assignment || ' ' || assignment_limit AS value FROM workspaces WHERE id = '{}'", ws.id);
    assert_eq!(app.query_string(&stored).as_deref(), Some("round_robin 3"));

    let agent = ws.add_member_named("Grace", Role::Agent).await;
    assert_eq!(agent.browser.get(&path).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(agent.browser.post_form(&path, &[("mode", "off"), ("limit", "5")]).await.status(), StatusCode::FORBIDDEN);
    let admin = ws.add_member_named("Hedy", Role::Admin).await;
    assert_eq!(admin.browser.get(&path).await.status(), StatusCode::OK);

    let eve = app.sign_up_workspace_as(&app.new_browser(), Person::new("Eve")).await;
    assert_eq!(eve.owner.browser.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(eve.owner.browser.post_form(&path, &[("mode", "off"), ("limit", "5")]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.query_string(&stored).as_deref(), Some("round_robin 3"), "the refusals changed nothing");
}

#[tokio::test]
async fn with_auto_assignment_off_new_conversations_stay_unassigned() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let grace = ws.add_member_named("Grace", Role::Agent).await;
    let _inbox = comes_online(&app, &grace).await;
    let (_visitor, conversation) = ws.visitor_says("Hello?").await;
    assert_eq!(assignment::sweep(&app.state).await.ok(), Some(0));
    assert_eq!(assignment::assign_waiting(&app.state, workspace_id(&app, &ws.id), Vec::new()).await.ok(), Some(0));
    assert_eq!(assignee_of(&app, &conversation), None);
}

#[tokio::test]
async fn round_robin_takes_turns_within_the_limit_and_a_waiting_conversation_goes_to_whoever_frees_up_or_arrives() {
    let app = spawn_app_without_sweep().await;
    let ws = app.sign_up_workspace().await;
    set_assignment(&ws, "round_robin", "2").await;
    let alice = ws.add_member_named("Alice", Role::Agent).await;
    let bob = ws.add_member_named("Bob", Role::Agent).await;
    let cleo = ws.add_member_named("Cleo", Role::Agent).await;
    let mut alice_inbox = comes_online(&app, &alice).await;
    let _bob_inbox = comes_online(&app, &bob).await;
    let _cleo_inbox = comes_online(&app, &cleo).await;
    let bob_id = ws.user_id("Bob").await;

    let mut visitors = Vec::new();
    let mut conversations = Vec::new();
    for (n, expected) in ["Alice", "Bob", "Cleo", "Alice", "Bob", "Cleo"].into_iter().enumerate() {
        let (visitor, conversation) = ws.visitor_says(&format!("Question {n}")).await;
        wait_for_assignee(&app, &conversation, expected).await;
        let named = assigned_frame(&mut alice_inbox, &conversation).await;
        assert_eq!(named, Value::String(ws.user_id(expected).await), "the inbox hears who took it");
        visitors.push(visitor);
        conversations.push(conversation);
    }

    // Everyone holds two: the seventh waits, however often assignment runs.
    let (_seventh_visitor, seventh) = ws.visitor_says("Anyone there?").await;
    assert_eq!(assignment::sweep(&app.state).await.ok(), Some(0));
    assert_eq!(assignee_of(&app, &seventh), None);

    // Bob resolves one of his: under the limit again, he gets the waiting one.
    bob.sets_status(&conversations[1], "resolved").await;
    wait_for_assignee(&app, &seventh, "Bob").await;
    assert_eq!(assigned_frame(&mut alice_inbox, &seventh).await, Value::String(bob_id.clone()));

    // An eighth waits until a fourth agent opens the inbox.
    let (_eighth_visitor, eighth) = ws.visitor_says("Hello again?").await;
    assert_eq!(assignment::sweep(&app.state).await.ok(), Some(0));
    assert_eq!(assignee_of(&app, &eighth), None);
    let dora = ws.add_member_named("Dora", Role::Agent).await;
    let _dora_inbox = comes_online(&app, &dora).await;
    wait_for_assignee(&app, &eighth, "Dora").await;

    let open_counts = app.query_string(&format!(
        "SELECT string_agg(u.name || '=' || n, ' ' ORDER BY u.name) AS value FROM (
             SELECT assignee_id, count(*) AS n FROM conversations WHERE workspace_id = '{}' AND status = 'open' GROUP BY assignee_id
         ) c JOIN users u ON u.id = c.assignee_id",
        ws.id
    ));
    assert_eq!(open_counts.as_deref(), Some("Alice=2 Bob=2 Cleo=2 Dora=1"), "nobody over the limit");

    // The audit log says Parlor assigned them.
    let audit = ws.owner.browser.get_html(&format!("/app/{}/settings/audit", ws.id)).await;
    let first = audit.find(&format!("{} to Alice", conversations[0])).expect("the first assignment is in the audit log");
    let row = &audit[audit[..first].rfind("<tr>").unwrap()..first];
    assert!(row.contains("Parlor") && row.contains("Assigned a conversation"), "{row}");
}

#[tokio::test]
async fn agents_who_close_the_inbox_or_go_away_get_no_more_until_they_are_back() {
    let app = spawn_app_without_sweep().await;
    let ws = app.sign_up_workspace().await;
    set_assignment(&ws, "round_robin", "10").await;
    let alice = ws.add_member_named("Alice", Role::Agent).await;
    let bob = ws.add_member_named("Bob", Role::Agent).await;
    let cleo = ws.add_member_named("Cleo", Role::Agent).await;
    let mut alice_inbox = comes_online(&app, &alice).await;
    let bob_inbox = comes_online(&app, &bob).await;
    let mut cleo_inbox = comes_online(&app, &cleo).await;
    let mut visitors = Vec::new();
    for expected in ["Alice", "Bob", "Cleo"] {
        let (visitor, conversation) = ws.visitor_says("Hi").await;
        wait_for_assignee(&app, &conversation, expected).await;
        visitors.push(visitor);
    }

    // Cleo goes away (the inbox tells the others once it is stored); Bob closes his inbox.
    cleo_inbox.send(json!({"type": "presence", "status": "away"})).await;
    loop {
        let frame = alice_inbox.expect("presence").await;
        if frame["status"] == "away" {
            break;
        }
    }
    bob_inbox.close().await;
    wait_online(&app, &bob, false).await;
    for _ in 0..3 {
        let (visitor, conversation) = ws.visitor_says("Still there?").await;
        wait_for_assignee(&app, &conversation, "Alice").await;
        visitors.push(visitor);
    }

    // Cleo is available again: she has waited longest for one, so the next is hers.
    cleo_inbox.send(json!({"type": "presence", "status": "online"})).await;
    loop {
        let frame = alice_inbox.expect("presence").await;
        if frame["status"] == "online" {
            break;
        }
    }
    let (_visitor, conversation) = ws.visitor_says("Back?").await;
    wait_for_assignee(&app, &conversation, "Cleo").await;
}

#[tokio::test]
async fn a_conversation_reopened_while_its_agent_is_offline_goes_to_someone_online_or_waits() {
    let app = spawn_app_without_sweep().await;
    let ws = app.sign_up_workspace().await;
    set_assignment(&ws, "round_robin", "10").await;
    let alice = ws.add_member_named("Alice", Role::Agent).await;
    let bob = ws.add_member_named("Bob", Role::Agent).await;
    let alice_inbox = comes_online(&app, &alice).await;
    let (mut visitor, conversation) = ws.visitor_says("My order is late").await;
    wait_for_assignee(&app, &conversation, "Alice").await;
    alice.sets_status(&conversation, "resolved").await;
    alice_inbox.close().await;
    wait_online(&app, &alice, false).await;

    // Nobody online: reopened, it waits unassigned rather than sit with Alice.
    visitor.says("It is still late").await;
    let unassigned =
        format!("SELECT status || ' ' || coalesce(assignee_id::text, 'nobody') AS value FROM conversations WHERE id = '{conversation}'");
    eventually(&app, &unassigned, Some("open nobody"), "the reopened conversation waits").await;

    // Bob opens the inbox: it is his. Resolved and reopened again while he is online, it stays his.
    let bob_inbox = comes_online(&app, &bob).await;
    wait_for_assignee(&app, &conversation, "Bob").await;
    bob.sets_status(&conversation, "resolved").await;
    let _alice_back = comes_online(&app, &alice).await;
    visitor.says("Thanks, one more thing").await;
    eventually(&app, &format!("SELECT status AS value FROM conversations WHERE id = '{conversation}'"), Some("open"), "reopened").await;
    assert_eq!(assignment::sweep(&app.state).await.ok(), Some(0));
    assert_eq!(assignee_of(&app, &conversation).as_deref(), Some("Bob"));

    // Bob goes offline; reopened once more, it goes to Alice, who is online.
    bob.sets_status(&conversation, "resolved").await;
    bob_inbox.close().await;
    wait_online(&app, &bob, false).await;
    visitor.says("Last question").await;
    wait_for_assignee(&app, &conversation, "Alice").await;
    let audit = ws.owner.browser.get_html(&format!("/app/{}/settings/audit", ws.id)).await;
    assert!(audit.contains(&format!("{conversation} to Alice")) && audit.contains("Unassigned a conversation"), "{audit}");
}

#[tokio::test]
async fn the_sweep_assigns_what_a_lost_kick_left_waiting() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    set_assignment(&ws, "round_robin", "10").await;
    ws.add_member_named("Grace", Role::Agent).await;
    let (_visitor, conversation) = ws.visitor_says("Hello?").await;
    // Grace comes online on an instance whose kick is lost: only the worker's round finds it.
    app.execute(&format!(
        "UPDATE memberships SET online_until = now() + interval '1 minute' WHERE workspace_id = '{}' \
         AND user_id = (SELECT id FROM users WHERE name = 'Grace')",
        ws.id
    ));
    wait_for_assignee(&app, &conversation, "Grace").await;
}

#[tokio::test]
async fn two_instances_assigning_at_once_never_exceed_a_limit_nor_assign_twice() {
    let app = spawn_app_without_sweep().await;
    let other = spawn_instance_of(&app, |settings| settings.job_interval = Duration::from_secs(3600)).await;
    let ws = app.sign_up_workspace().await;
    ws.add_member_named("Alice", Role::Agent).await;
    ws.add_member_named("Bob", Role::Agent).await;
    let mut visitors = Vec::new();
    for n in 0..8 {
        visitors.push(ws.visitor_says(&format!("Question {n}")).await.0);
    }
    set_assignment(&ws, "round_robin", "3").await;
    // Both come online where no kick reaches this test's instances; then both instances run.
    app.execute(&format!(
        "UPDATE memberships SET online_until = now() + interval '1 minute' WHERE workspace_id = '{}' AND role = 'agent'",
        ws.id
    ));
    let id = workspace_id(&app, &ws.id);
    let (here, there) =
        tokio::join!(assignment::assign_waiting(&app.state, id, Vec::new()), assignment::assign_waiting(&other.state, id, Vec::new()));
    assert!(here.is_ok() && there.is_ok(), "{here:?} {there:?}");
    let counts = app.query_string(&format!(
        "SELECT string_agg(coalesce(u.name, 'nobody') || '=' || n, ' ' ORDER BY u.name NULLS LAST) AS value FROM (
             SELECT assignee_id, count(*) AS n FROM conversations WHERE workspace_id = '{}' GROUP BY assignee_id
         ) c LEFT JOIN users u ON u.id = c.assignee_id",
        ws.id
    ));
    assert_eq!(counts.as_deref(), Some("Alice=3 Bob=3 nobody=2"));
    let assigned_records = app.query_string(&format!(
        "SELECT count(*)::text AS value FROM audit_events WHERE workspace_id = '{}' AND action = 'conversation.assigned'",
        ws.id
    ));
    assert_eq!(assigned_records.as_deref(), Some("6"), "each conversation assigned once");
}

#[tokio::test]
async fn an_admin_turns_on_round_robin_from_settings_on_a_phone_with_the_keyboard() {
    let app = spawn_app_on_public_url().await;
    let ws = app.sign_up_workspace().await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(390).await;
    page.set_cookies(&app.address, &ws.owner.browser.cookie_header()).await;
    page.goto(&format!("{}/app/{}/settings", app.address, ws.id)).await;
    let link = page.wait_for("link", "Auto-assignment").await;
    page.click(link).await;
    page.wait_until("location.pathname.endsWith('/settings/assignment') && document.readyState === 'complete'").await;
    page.wait_for_text("No agent is available").await;

    // A browser that does not check the form itself: the server's error is beside the field.
    page.eval("document.querySelector('form[action$=\"/settings/assignment\"]').noValidate = true").await;
    let limit = page.wait_for("spinbutton", "Most open conversations per agent").await;
    page.focus(limit).await;
    page.call_on(limit, "function () { this.select(); }").await;
    page.type_text("0").await;
    page.press("Enter").await;
    page.wait_for_text("Enter a whole number from 1 to 100.").await;
    assert_eq!(page.eval("document.getElementById('limit').getAttribute('aria-invalid')").await, json!("true"));
    page.eval("document.getElementById('limit').scrollIntoView({block: 'center'})").await;
    page.screenshot(&std::env::temp_dir().join("parlor-assignment-error.png")).await;

    let round_robin = page.wait_for("radio", "Round-robin among available agents").await;
    page.focus(round_robin).await;
    page.press_key(" ").await;
    let limit = page.wait_for("spinbutton", "Most open conversations per agent").await;
    page.focus(limit).await;
    page.call_on(limit, "function () { this.select(); }").await;
    page.type_text("4").await;
    page.press("Enter").await;
    page.wait_for_text("Auto-assignment is saved.").await;
    let stored = format!("SELECT auto_assignment || ' ' || assignment_limit AS value FROM workspaces WHERE id = '{}'", ws.id);
    assert_eq!(app.query_string(&stored).as_deref(), Some("round_robin 4"));
    assert_eq!(page.eval("document.documentElement.scrollWidth <= window.innerWidth").await, json!(true), "no sideways scrolling");
    page.screenshot(&std::env::temp_dir().join("parlor-assignment.png")).await;
}
