//! Labels: admins define them in Settings, agents put them on conversations from the inbox, the
//! list filters by them, the REST API reads and changes them, webhooks carry them; agents cannot
//! define them, and no workspace reaches another's.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    helpers::{Browser, Role, TestApp, location, spawn_app, unescape_html},
    rest_api::Api,
};

/// An admin adds a label in Settings, Labels; returns its id, read from its edit form.
async fn add_label(browser: &Browser, workspace: &str, name: &str, color: &str) -> String {
    let response = browser.post_form(&format!("/app/{workspace}/settings/labels"), &[("name", name), ("color", color)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
    assert!(location(&response).ends_with("notice=label_created"));
    label_id(browser, workspace, &name.split_whitespace().collect::<Vec<_>>().join(" ")).await
}

/// The id of the label called `name`, from the settings page.
async fn label_id(browser: &Browser, workspace: &str, name: &str) -> String {
    let page = unescape_html(&browser.get_html(&format!("/app/{workspace}/settings/labels")).await);
    let at = page.find(&format!("value=\"{name}\"")).unwrap_or_else(|| panic!("the label {name} is listed"));
    let action = page[..at].rfind("/settings/labels/").expect("its edit form") + "/settings/labels/".len();
    page[action..action + 36].to_string()
}

fn labels_of(app: &TestApp, conversation: &str) -> Vec<String> {
    let names = app.query_string(&format!(
        "SELECT coalesce(string_agg(l.name, ',' ORDER BY l.name), '') AS value FROM conversation_labels cl \
         JOIN labels l ON l.id = cl.label_id WHERE cl.conversation_id = '{conversation}'"
    ));
    names.unwrap_or_default().split(',').filter(|n| !n.is_empty()).map(str::to_string).collect()
}

/// The `conversation.updated` events stored for the conversation, oldest first.
fn updated_events(app: &TestApp, conversation: &str) -> Vec<Value> {
    let events = app.query_string(&format!(
        "SELECT coalesce(json_agg(payload->'data'->'conversation' ORDER BY created_at, event_id), '[]')::text AS value \
         FROM webhook_deliveries WHERE event_type = 'conversation.updated' AND payload->'data'->'conversation'->>'id' = '{conversation}'"
    ));
    serde_json::from_str::<Value>(&events.unwrap()).unwrap().as_array().unwrap().clone()
}

/// The conversations the inbox list shows for `query`, as the ids of its rows.
async fn listed(browser: &Browser, workspace: &str, query: &str) -> Vec<String> {
    let page = browser.get_html(&format!("/app/{workspace}/inbox?{query}")).await;
    page.match_indices("class=\"conv-row")
        .map(|(at, _)| {
            let id_at = page[at..].find("data-id=\"").unwrap() + at + "data-id=\"".len();
            page[id_at..id_at + 36].to_string()
        })
        .collect()
}

#[tokio::test]
async fn admins_define_rename_and_delete_labels_and_agents_cannot() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let page = ws.owner.browser.get_html(&format!("/app/{}/settings/labels", ws.id)).await;
    assert!(page.contains("No labels yet"), "an empty state says what to do");
    assert!(page.contains("<label for=\"label-name\">Name</label>") && page.contains("<label for=\"label-color\">Colour</label>"));

    let billing = add_label(&ws.owner.browser, &ws.id, "  Billing   issue ", "#2563EB").await;
    assert_eq!(
        app.query_string(&format!("SELECT name || ' ' || color AS value FROM labels WHERE id = '{billing}'")).as_deref(),
        Some("Billing issue #2563eb"),
        "stored tidied"
    );

    // The same name in another case, a bad colour, no name: refused beside the form, nothing stored.
    for (name, color, says) in [
        ("billing ISSUE", "#16a34a", "There is already a label named"),
        ("Bug", "red", "Choose a colour like #2563eb."),
        ("   ", "#16a34a", "name is 1 to 40 characters."),
    ] {
        let response = ws.owner.browser.post_form(&format!("/app/{}/settings/labels", ws.id), &[("name", name), ("color", color)]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let html = response.text().await.unwrap();
        assert!(html.contains(says), "{name}: {html}");
        assert!(html.contains("role=\"alert\""));
    }
    assert_eq!(app.count("labels"), 1);

    // Renamed and recoloured; a rename onto another label's name is refused.
    let bug = add_label(&ws.owner.browser, &ws.id, "Bug", "#dc2626").await;
    let path = format!("/app/{}/settings/labels/{bug}", ws.id);
    let taken = ws.owner.browser.post_form(&path, &[("name", "BILLING issue"), ("color", "#dc2626")]).await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let renamed = ws.owner.browser.post_form(&path, &[("name", "Defect"), ("color", "#7c3aed")]).await;
    assert_eq!(renamed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.query_string(&format!("SELECT name || ' ' || color AS value FROM labels WHERE id = '{bug}'")).as_deref(),
        Some("Defect #7c3aed")
    );

    // An agent sees neither the page nor its forms work.
    let agent = ws.add_member(Role::Agent).await;
    assert_eq!(agent.browser.get(&format!("/app/{}/settings/labels", ws.id)).await.status(), StatusCode::FORBIDDEN);
    let by_agent = agent.browser.post_form(&format!("/app/{}/settings/labels", ws.id), &[("name", "Mine"), ("color", "#000000")]).await;
    assert_eq!(by_agent.status(), StatusCode::FORBIDDEN);
    assert_eq!(agent.browser.post_form(&format!("{path}/delete"), &[]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("labels"), 2);

    // Another workspace's admin: 404 for this workspace's label, through their own workspace too.
    let other_browser = app.new_browser();
    let other = app.sign_up_workspace_as(&other_browser, crate::helpers::Person::new("Eve")).await;
    for form_path in [format!("/app/{}/settings/labels/{bug}", other.id), format!("/app/{}/settings/labels/{bug}/delete", other.id)] {
        let response = other.owner.browser.post_form(&form_path, &[("name", "Stolen"), ("color", "#000000")]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{form_path}");
    }
    assert_eq!(other.owner.browser.get(&format!("/app/{}/settings/labels", ws.id)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.query_string(&format!("SELECT name AS value FROM labels WHERE id = '{bug}'")).as_deref(), Some("Defect"));

    // Deleted by an admin; the audit log tells the story.
    assert_eq!(ws.owner.browser.post_form(&format!("{path}/delete"), &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("labels"), 1);
    let audit = ws.owner.browser.get_html(&format!("/app/{}/settings/audit", ws.id)).await;
    for says in ["Added a label", "Changed a label", "Deleted a label", "Bug to Defect"] {
        assert!(audit.contains(says), "the audit log says {says}");
    }
}

#[tokio::test]
async fn a_workspace_has_at_most_a_hundred_labels() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    app.execute(&format!(
        "INSERT INTO labels (id, workspace_id, name, color) SELECT gen_random_uuid(), '{}', 'label ' || n, '#2563eb' FROM generate_series(1, 99) n",
        ws.id
    ));
    add_label(&ws.owner.browser, &ws.id, "The hundredth", "#2563eb").await;
    let page = ws.owner.browser.get_html(&format!("/app/{}/settings/labels", ws.id)).await;
    assert!(page.contains("the most it can have"), "the form gives way to the limit");
    let response =
        ws.owner.browser.post_form(&format!("/app/{}/settings/labels", ws.id), &[("name", "One more"), ("color", "#2563eb")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("at most 100 labels"));
    assert_eq!(app.count("labels"), 100);
}

#[tokio::test]
async fn agents_label_conversations_from_the_inbox_and_the_list_filters_by_label() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let vip = add_label(&ws.owner.browser, &ws.id, "VIP", "#d97706").await;
    let bug = add_label(&ws.owner.browser, &ws.id, "Bug", "#dc2626").await;
    crate::console::add_endpoint(&app, &ws.id, "https://hooks.example.com/parlor", &["conversation_updated"]).await;
    let (_, first) = ws.visitor_says("My invoice is wrong").await;
    let (_, second) = ws.visitor_says("The app crashes").await;
    let agent = ws.add_member(Role::Agent).await;
    let mut socket = agent.socket().await;

    // The conversation page offers the labels; the agent adds one.
    let page = agent.browser.get_html(&format!("/app/{}/inbox/{first}", ws.id)).await;
    assert!(page.contains("<label for=\"label-add\" class=\"visually-hidden\">Add a label</label>"));
    assert!(page.contains("aria-keyshortcuts=\"l\""), "reachable with the keyboard");
    let add = format!("/app/{}/inbox/{first}/labels", ws.id);
    let response = agent.browser.post_form(&add, &[("label_id", &vip), ("keep", "view=all&status=open")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).contains("notice=label_added"));
    assert_eq!(labels_of(&app, &first), ["VIP"]);
    let frame = socket.expect("conversation").await;
    assert_eq!(frame["conversation_id"], first.as_str(), "every agent sees the change live");

    // Twice is once: one row, one event.
    agent.browser.post_form(&add, &[("label_id", &vip)]).await;
    assert_eq!(labels_of(&app, &first), ["VIP"]);
    let events = updated_events(&app, &first);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["labels"][0]["name"], "VIP");
    assert_eq!(events[0]["labels"][0]["id"], vip.as_str());
    agent.browser.post_form(&format!("/app/{}/inbox/{second}/labels", ws.id), &[("label_id", &bug)]).await;

    // The page shows it on the conversation and in the list row.
    let page = agent.browser.get_html(&format!("/app/{}/inbox/{first}", ws.id)).await;
    assert!(page.contains("Remove label VIP"));
    assert!(page.contains(&format!("data-labels=\"{vip}\"")));

    // The list by label, alone and with a view and a status; the links keep the label.
    assert_eq!(listed(&agent.browser, &ws.id, &format!("view=all&status=open&label={vip}")).await, std::slice::from_ref(&first));
    assert_eq!(listed(&agent.browser, &ws.id, &format!("label={bug}")).await, std::slice::from_ref(&second));
    assert_eq!(listed(&agent.browser, &ws.id, "view=all&status=open").await.len(), 2);
    assert!(listed(&agent.browser, &ws.id, &format!("view=mine&status=open&label={vip}")).await.is_empty(), "not assigned to the agent");
    assert!(listed(&agent.browser, &ws.id, &format!("view=all&status=resolved&label={vip}")).await.is_empty());
    let filtered = agent.browser.get_html(&format!("/app/{}/inbox?view=all&status=resolved&label={vip}", ws.id)).await;
    assert!(
        unescape_html(&filtered).contains("No resolved conversations labelled “VIP” in this view."),
        "an empty state that names the filter"
    );
    assert!(filtered.contains(&format!("view=mine&amp;status=resolved&amp;label={vip}")), "the views keep the label");
    let assigned =
        agent.browser.post_form(&format!("/app/{}/inbox/{first}/assign", ws.id), &[("assignee", &ws.user_id("Grace").await)]).await;
    assert_eq!(assigned.status(), StatusCode::SEE_OTHER);
    assert_eq!(listed(&agent.browser, &ws.id, &format!("view=mine&status=open&label={vip}")).await, std::slice::from_ref(&first));
    let events = updated_events(&app, &first);
    assert_eq!(events.len(), 2, "an assignment is an update too");
    assert_eq!(events[1]["labels"][0]["name"], "VIP", "and carries the labels");

    // The live row and the label control come as fragments, filtered the same way.
    let row = agent.browser.get(&format!("/app/{}/inbox/rows/{first}?view=all&status=open&label={vip}", ws.id)).await;
    assert_eq!(row.status(), StatusCode::OK);
    assert!(row.text().await.unwrap().contains(&format!("label={vip}")));
    let control = agent.browser.get_html(&format!("/app/{}/inbox/{first}/labels", ws.id)).await;
    assert!(control.contains("Remove label VIP") && control.contains(&format!("<option value=\"{bug}\">Bug</option>")));

    // Taken off; the audit log tells who did what.
    let remove = format!("/app/{}/inbox/{first}/labels/{vip}/remove", ws.id);
    assert_eq!(agent.browser.post_form(&remove, &[]).await.status(), StatusCode::SEE_OTHER);
    assert!(labels_of(&app, &first).is_empty());
    assert_eq!(updated_events(&app, &first).last().unwrap()["labels"], json!([]));
    let audit = ws.owner.browser.get_html(&format!("/app/{}/settings/audit", ws.id)).await;
    assert!(audit.contains("Put a label on a conversation") && audit.contains("Took a label off a conversation"));

    // Deleting a label takes it off every conversation.
    ws.owner.browser.post_form(&format!("/app/{}/settings/labels/{bug}/delete", ws.id), &[]).await;
    assert!(labels_of(&app, &second).is_empty());

    // Nothing without a label to choose, and nothing of another workspace.
    assert_eq!(agent.browser.post_form(&add, &[("label_id", "")]).await.status(), StatusCode::BAD_REQUEST);
    let other_browser = app.new_browser();
    let other = app.sign_up_workspace_as(&other_browser, crate::helpers::Person::new("Eve")).await;
    let theirs = add_label(&other.owner.browser, &other.id, "Theirs", "#000000").await;
    let (_, their_conversation) = other.visitor_says("Hello from elsewhere").await;
    for (path, label) in [
        (add.clone(), theirs.clone()),
        (format!("/app/{}/inbox/{their_conversation}/labels", ws.id), vip.clone()),
        (format!("/app/{}/inbox/{first}/labels", other.id), theirs.clone()),
    ] {
        let response = agent.browser.post_form(&path, &[("label_id", &label)]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path} {label}");
    }
    let theirs_off = agent.browser.post_form(&format!("/app/{}/inbox/{their_conversation}/labels/{theirs}/remove", ws.id), &[]).await;
    assert_eq!(theirs_off.status(), StatusCode::NOT_FOUND);
    assert_eq!(agent.browser.get(&format!("/app/{}/inbox?label={theirs}", ws.id)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(agent.browser.get(&format!("/app/{}/inbox/{their_conversation}/labels", ws.id)).await.status(), StatusCode::NOT_FOUND);
    assert!(labels_of(&app, &first).is_empty() && labels_of(&app, &their_conversation).is_empty());
}

#[tokio::test]
async fn the_rest_api_lists_defines_puts_on_and_takes_off_labels_within_its_workspace() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let (_, conversation) = ws.visitor_says("Where is my parcel?").await;
    let (_, _second) = ws.visitor_says("Hello").await;
    let reader = Api { app: &app, key: ws.api_key_named("Reader", &["read"]).await };
    let writer = Api { app: &app, key: ws.api_key_named("Writer", &["read", "write"]).await };
    let admin = Api { app: &app, key: ws.api_key_named("Admin", &["read", "admin"]).await };

    assert_eq!(reader.get("/api/v1/labels").await, (StatusCode::OK, json!({"data": []})));
    let new_label = json!({"name": "Shipping", "color": "#0891B2"});
    for api in [&reader, &writer] {
        let (status, _) = api.call(reqwest::Method::POST, "/api/v1/labels", Some(new_label.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "defining labels takes the admin scope");
    }
    let (status, label) = admin.call(reqwest::Method::POST, "/api/v1/labels", Some(new_label.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{label}");
    assert_eq!((label["name"].as_str(), label["color"].as_str()), (Some("Shipping"), Some("#0891b2")));
    let id = label["id"].as_str().unwrap().to_string();
    let (status, body) = admin.call(reqwest::Method::POST, "/api/v1/labels", Some(json!({"name": "shipping", "color": "#000000"}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // 41 characters as sent, 40 once the leading no-break space is trimmed: past the limit the
    // document states, so refused, and nothing stored.
    let padded = format!("\u{a0}{}", "M".repeat(40));
    let (status, body) = admin.call(reqwest::Method::POST, "/api/v1/labels", Some(json!({"name": padded, "color": "#000000"}))).await;
    assert!(status.is_client_error(), "{status}: {body}");
    assert_eq!(app.count("labels"), 1);
    let (status, _) = admin.call(reqwest::Method::POST, "/api/v1/labels", Some(json!({"name": "x", "color": "blue"}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(reader.get("/api/v1/labels").await.1["data"][0]["id"], id.as_str());

    // On and off a conversation with a write key; a read key only reads.
    let on = format!("/api/v1/conversations/{conversation}/labels");
    let (status, _) = reader.call(reqwest::Method::POST, &on, Some(json!({"label_id": id}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = writer.call(reqwest::Method::POST, &on, Some(json!({"label_id": id}))).await;
    assert_eq!((status, body["data"][0]["name"].as_str()), (StatusCode::OK, Some("Shipping")), "{body}");
    let (status, body) = writer.call(reqwest::Method::POST, &on, Some(json!({"label_id": id}))).await;
    assert_eq!((status, body["data"].as_array().map(Vec::len)), (StatusCode::OK, Some(1)), "twice is once");
    assert_eq!(reader.get(&on).await.1["data"][0]["id"], id.as_str());
    assert_eq!(reader.get(&format!("/api/v1/conversations/{conversation}")).await.1["labels"][0]["name"], "Shipping");
    let (_, page) = reader.get(&format!("/api/v1/conversations?label={id}")).await;
    let listed: Vec<&str> = page["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(listed, [conversation.as_str()], "filtered by label");
    assert_eq!(page["data"][0]["labels"][0]["name"], "Shipping");
    assert_eq!(reader.get("/api/v1/conversations").await.1["data"].as_array().unwrap().len(), 2);
    let (status, body) = writer.call(reqwest::Method::DELETE, &format!("{on}/{id}"), None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"data": []})));
    assert_eq!(app.count("conversation_labels"), 0);

    // Another workspace's key reaches none of it; an unknown label is not found.
    let other_browser = app.new_browser();
    let other = app.sign_up_workspace_as(&other_browser, crate::helpers::Person::new("Eve")).await;
    let stranger = Api { app: &app, key: other.api_key_named("Stranger", &["read", "write", "admin"]).await };
    assert_eq!(stranger.get("/api/v1/labels").await.1, json!({"data": []}));
    assert_eq!(stranger.get(&on).await.0, StatusCode::NOT_FOUND);
    assert_eq!(stranger.call(reqwest::Method::POST, &on, Some(json!({"label_id": id}))).await.0, StatusCode::NOT_FOUND);
    assert_eq!(stranger.call(reqwest::Method::DELETE, &format!("{on}/{id}"), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(stranger.call(reqwest::Method::DELETE, &format!("/api/v1/labels/{id}"), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(stranger.get(&format!("/api/v1/conversations?label={id}")).await.0, StatusCode::NOT_FOUND);
    let (_, theirs) = stranger.call(reqwest::Method::POST, "/api/v1/labels", Some(json!({"name": "Theirs", "color": "#000000"}))).await;
    let their_id = theirs["id"].as_str().unwrap();
    let (status, _) = writer.call(reqwest::Method::POST, &on, Some(json!({"label_id": their_id}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "their label on our conversation");
    let (status, _) = writer.call(reqwest::Method::POST, &on, Some(json!({"label_id": uuid::Uuid::now_v7()}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("conversation_labels"), 0);

    // Deleted by an admin key: gone from the list.
    assert_eq!(writer.call(reqwest::Method::DELETE, &format!("/api/v1/labels/{id}"), None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(admin.call(reqwest::Method::DELETE, &format!("/api/v1/labels/{id}"), None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(reader.get("/api/v1/labels").await.1, json!({"data": []}));
}

#[tokio::test]
async fn an_agent_labels_a_conversation_with_the_keyboard_and_another_inbox_sees_it_live() {
    let app = crate::helpers::spawn_app_on_public_url().await;
    let ws = app.sign_up_workspace().await;
    add_label(&ws.owner.browser, &ws.id, "VIP", "#d97706").await;
    add_label(&ws.owner.browser, &ws.id, "Bug", "#dc2626").await;
    let (_, conversation) = ws.visitor_says("My order never arrived").await;
    let grace = ws.add_member(Role::Agent).await;

    let chromium = crate::chromium::Chromium::launch().await;
    let watcher = chromium.new_page(1400).await;
    watcher.set_cookies(&app.address, &grace.browser.cookie_header()).await;
    watcher.goto(&format!("{}/app/{}/inbox?view=all&status=open", app.address, ws.id)).await;
    watcher.wait_for_text("My order never arrived").await;
    watcher.eval("window.__noReload = true").await;

    let agent = chromium.new_page(1400).await;
    agent.set_cookies(&app.address, &app.browser.cookie_header()).await;
    agent.goto(&format!("{}/app/{}/inbox/{conversation}?view=all&status=open", app.address, ws.id)).await;
    agent.wait_for_text("No labels").await;
    agent.eval("window.__noReload = true").await;

    // l jumps to the picker; the label is chosen and added without leaving the keyboard.
    agent.press_key("l").await;
    agent.wait_until("document.activeElement && document.activeElement.id === 'label-add'").await;
    agent.press("ArrowDown").await;
    agent.wait_until("document.activeElement.value !== ''").await;
    agent.press("Tab").await;
    agent.wait_until("document.activeElement && document.activeElement.textContent.trim() === 'Add'").await;
    agent.press("Enter").await;
    agent.wait_for("button", "Remove label Bug").await;
    assert_eq!(agent.eval("window.__noReload === true").await, json!(true), "added in place");
    assert_eq!(labels_of(&app, &conversation), ["Bug"]);
    agent.screenshot(&std::env::temp_dir().join("parlor-inbox-labels.png")).await;

    // The other agent's list shows it live, without a reload.
    watcher.wait_until("!!document.querySelector('.conv-row .label-chip') && document.querySelector('.conv-row .label-chip').textContent.includes('Bug')").await;
    assert_eq!(watcher.eval("window.__noReload === true").await, json!(true));

    // And taken off again with a click; focus stays in the control.
    let remove = agent.wait_for("button", "Remove label Bug").await;
    agent.click(remove).await;
    agent.wait_for_text("No labels").await;
    assert!(labels_of(&app, &conversation).is_empty());

    let phone = chromium.new_page(390).await;
    phone.set_cookies(&app.address, &app.browser.cookie_header()).await;
    phone.goto(&format!("{}/app/{}/settings/labels", app.address, ws.id)).await;
    phone.wait_for_text("Labels").await;
    phone.screenshot(&std::env::temp_dir().join("parlor-settings-labels-phone.png")).await;
}
