//! The inbox over HTTP: views, pages, every action, search and canned responses, each with its
//! tenant rule (another workspace's conversation or contact answers 404).

use reqwest::StatusCode;
use serde_json::json;

use crate::{
    helpers::{Browser, Person, Role, spawn_app, unescape_html},
    socket_client::{Socket, widget_session},
};

/// The id of the workspace's first canned response, from its delete form.
async fn canned_id(browser: &Browser, workspace: &str) -> String {
    let page = browser.get_html(&format!("/app/{workspace}/settings/canned")).await;
    let marker = format!("/app/{workspace}/settings/canned/");
    let at = page.find(&marker).expect("a canned response is listed") + marker.len();
    page[at..at + 36].to_string()
}

#[tokio::test]
async fn the_views_list_whats_mine_unassigned_and_all_newest_first() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let ws = app.sign_up_workspace_as(&app.browser, ada.clone()).await;
    let first = ws.visitor_says("First visitor here").await.1;
    let second = ws.visitor_says("Second visitor here").await.1;
    let ada_id = ws.owner_id(&first).await;
    let response = app.browser.post_form(&format!("/app/{}/inbox/{first}/assign", ws.id), &[("assignee", &ada_id)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let all = unescape_html(&app.browser.get_html(&format!("/app/{}/inbox?view=all", ws.id)).await);
    let (at_first, at_second) = (all.find("First visitor here").unwrap(), all.find("Second visitor here").unwrap());
    assert!(at_second < at_first, "newest activity first");
    let mine = app.browser.get_html(&format!("/app/{}/inbox?view=mine", ws.id)).await;
    assert!(mine.contains(&first) && !mine.contains(&second), "mine: only what is assigned to me");
    let unassigned = app.browser.get_html(&format!("/app/{}/inbox?view=unassigned", ws.id)).await;
    assert!(unassigned.contains(&second) && !unassigned.contains(&format!("data-id=\"{first}\"")));
    let resolved = app.browser.get_html(&format!("/app/{}/inbox?view=all&status=resolved", ws.id)).await;
    assert!(resolved.contains("No resolved conversations in this view."));
    // An unread count and the visitor's generated name.
    assert!(all.contains("aria-label=\"1 unread\""), "{all}");
}

#[tokio::test]
async fn the_list_pages_by_keyset_without_gaps_or_repeats() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    // Thirty conversations a minute apart: no route backdates activity.
    app.execute(&format!(
        "WITH c AS (INSERT INTO contacts (id, workspace_id) SELECT gen_random_uuid(), '{0}' FROM generate_series(1, 30) RETURNING id) \
         INSERT INTO conversations (id, workspace_id, contact_id, last_message_at) \
         SELECT gen_random_uuid(), '{0}', id, now() - (row_number() OVER ()) * interval '1 minute' FROM c",
        ws.id
    ));
    let first = app.browser.get_html(&format!("/app/{}/inbox", ws.id)).await;
    let ids = |html: &str| -> Vec<String> { html.split("data-id=\"").skip(1).map(|rest| rest[..36].to_string()).collect() };
    let page_one = ids(&first);
    assert_eq!(page_one.len(), 25);
    let next = unescape_html(&first).split("after=").nth(1).unwrap().split('"').next().unwrap().to_string();
    let second = app.browser.get_html(&format!("/app/{}/inbox?view=all&status=open&after={}", ws.id, urlencode(&next))).await;
    let page_two = ids(&second);
    assert_eq!(page_two.len(), 5);
    assert!(page_two.iter().all(|id| !page_one.contains(id)));
    assert!(!second.contains("Older conversations"), "the last page has no next link");
    let bad = app.browser.get(&format!("/app/{}/inbox?after=garbage", ws.id)).await;
    assert_eq!(bad.status(), 400);
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn a_conversation_shows_its_history_notes_and_contact_as_text() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let conversation = ws.visitor_says("<script>alert(1)</script> help").await.1;
    let page = format!("/app/{}/inbox/{conversation}", ws.id);
    let response = app.browser.post_form(&format!("{page}/reply"), &[("body", "Checking the order"), ("private", "on")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = app.browser.post_form(&format!("{page}/reply"), &[("body", "We are on it")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let html = app.browser.get_html(&page).await;
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62; help"), "escaped: {html}");
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("msg-note") && html.contains("Internal note"));
    assert!(html.contains(r#"<label for="reply">Reply</label>"#));
    assert!(html.contains("First seen"));
    // The visitor sees the reply but never the note.
    let token = widget_session(&app, &ws.site_key).await.0;
    let (mut other, _) = Socket::visitor(&app, &token, json!({})).await;
    other.assert_no_message(std::time::Duration::from_millis(200)).await;
    let stored = app.query_string(&format!(
        "SELECT string_agg(body, '|' ORDER BY seq) AS value FROM messages WHERE conversation_id = '{conversation}' AND NOT private"
    ));
    assert_eq!(stored.as_deref(), Some("<script>alert(1)</script> help|We are on it"));
    // An empty reply is refused where it was typed, and stores nothing.
    let empty = app.browser.post_form(&format!("{page}/reply"), &[("body", "   ")]).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().await.unwrap().contains("The message is empty."));
    assert_eq!(app.count("messages"), 3);
    // Older messages come in pages.
    let history = app.browser.get_html(&format!("{page}/history?before=3")).await;
    assert!(history.contains("data-seq=\"1\"") && history.contains("data-seq=\"2\"") && !history.contains("data-seq=\"3\""));
}

#[tokio::test]
async fn agents_assign_resolve_snooze_and_edit_contacts() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let ws = app.sign_up_workspace_as(&app.browser, ada.clone()).await;
    let conversation = ws.visitor_says("Need help").await.1;
    let base = format!("/app/{}/inbox/{conversation}", ws.id);
    let mut agent = Socket::agent(&app, &app.browser).await;

    // Assign: to a member, not to a stranger.
    let stranger = Person::new("Mallory");
    app.new_browser().sign_up_ok(&stranger).await;
    // A stranger's user id is on no page of this workspace.
    let stranger_id = app.query_string(&format!("SELECT id::text AS value FROM users WHERE email = '{}'", stranger.email)).unwrap();
    let refused = app.browser.post_form(&format!("{base}/assign"), &[("assignee", &stranger_id)]).await;
    assert_eq!(refused.status(), 400);
    let ada_id = ws.owner_id(&conversation).await;
    app.browser.post_form(&format!("{base}/assign"), &[("assignee", &ada_id)]).await;
    let changed = agent.expect("conversation").await;
    assert_eq!(changed["assignee_id"], ada_id.as_str());

    // Resolve, and a new visitor message reopens it.
    app.browser.post_form(&format!("{base}/status"), &[("status", "resolved")]).await;
    assert_eq!(agent.expect("conversation").await["status"], "resolved");
    // What is stored, not only what was broadcast.
    assert_eq!(app.query_string("SELECT status AS value FROM conversations").as_deref(), Some("resolved"));

    // Snooze: presets, a custom time, and bad times.
    let snoozed = app.browser.post_form(&format!("{base}/status"), &[("status", "snoozed"), ("snooze", "4h")]).await;
    assert_eq!(snoozed.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.query_string("SELECT status AS value FROM conversations").as_deref(), Some("snoozed"));
    let past = app
        .browser
        .post_form(&format!("{base}/status"), &[("status", "snoozed"), ("snooze", "custom"), ("until", "2001-01-01T09:00")])
        .await;
    assert_eq!(past.status(), 400);
    let bogus = app.browser.post_form(&format!("{base}/status"), &[("status", "archived")]).await;
    assert_eq!(bogus.status(), 400);
    // A snooze that has ended shows the conversation as open again.
    // Ends the snooze now: waiting four hours is no test.
    app.execute("UPDATE conversations SET snoozed_until = now() - interval '1 minute'");
    let open = app.browser.get_html(&format!("/app/{}/inbox?status=open", ws.id)).await;
    assert!(open.contains(&conversation));

    // The contact's name and email.
    let contact = app.browser.contact_of(&ws.id, &conversation).await;
    let saved = app
        .browser
        .post_form(
            &format!("/app/{}/contacts/{contact}", ws.id),
            &[("name", "Lin Wu"), ("email", "lin@example.com"), ("conversation_id", &conversation)],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert!(app.browser.get_html(&base).await.contains("Lin Wu"));
    let bad = app.browser.post_form(&format!("/app/{}/contacts/{contact}", ws.id), &[("name", "Lin"), ("email", "not an email")]).await;
    assert_eq!(bad.status(), 400);
    // What is stored: the refused edit changed nothing.
    assert_eq!(app.query_string("SELECT email AS value FROM contacts").as_deref(), Some("lin@example.com"));
}

#[tokio::test]
async fn another_workspaces_conversations_and_contacts_answer_404() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let conversation = ws.visitor_says("Private matter").await.1;
    let contact = app.browser.contact_of(&ws.id, &conversation).await;
    let mallory = app.new_browser();
    let theirs = app.sign_up_workspace_as(&mallory, Person::new("Mallory")).await;
    let canned_id = {
        app.browser.post_form(&format!("/app/{}/settings/canned", ws.id), &[("shortcut", "hi"), ("body", "Hello!")]).await;
        canned_id(&app.browser, &ws.id).await
    };
    let other = &theirs.id;
    for path in [
        format!("/app/{other}/inbox/{conversation}"),
        format!("/app/{other}/inbox/rows/{conversation}"),
        format!("/app/{other}/inbox/{conversation}/history?before=2"),
        format!("/app/{}/inbox/{conversation}", ws.id),
        format!("/app/{other}/settings/canned/{canned_id}/edit"),
        format!("/app/{}/settings/canned/{canned_id}/edit", ws.id),
    ] {
        assert_eq!(mallory.get(&path).await.status(), 404, "GET {path}");
    }
    for (path, fields) in [
        (format!("/app/{other}/inbox/{conversation}/reply"), vec![("body", "hijack")]),
        (format!("/app/{other}/inbox/{conversation}/assign"), vec![("assignee", "")]),
        (format!("/app/{other}/inbox/{conversation}/status"), vec![("status", "resolved")]),
        (format!("/app/{other}/contacts/{contact}"), vec![("name", "x"), ("email", "")]),
        (format!("/app/{other}/settings/canned/{canned_id}/delete"), vec![]),
        (format!("/app/{other}/settings/canned/{canned_id}"), vec![("shortcut", "hi"), ("body", "Hijacked")]),
        (format!("/app/{}/settings/canned/{canned_id}", ws.id), vec![("shortcut", "hi"), ("body", "Hijacked")]),
        (format!("/app/{}/inbox/{conversation}/status", ws.id), vec![("status", "resolved")]),
    ] {
        assert_eq!(mallory.post_form(&path, &fields).await.status(), 404, "POST {path}");
    }
    assert_eq!(app.count("messages"), 1);
    assert_eq!(app.query_string("SELECT status AS value FROM conversations").as_deref(), Some("open"));
    assert_eq!(app.count("canned_responses"), 1);
    assert_eq!(app.query_string("SELECT body AS value FROM canned_responses").as_deref(), Some("Hello!"));
    // Search never crosses workspaces.
    let found = mallory.get_html(&format!("/app/{other}/inbox/search?q=private")).await;
    assert!(found.contains("Nothing matches"));
}

#[tokio::test]
async fn search_ranks_messages_and_contacts_of_the_workspace() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    ws.visitor_says("My refund has not arrived").await;
    let (shipper, _) = ws.visitor_says("Where do you ship?").await;
    shipper.gives_email("refund.hunter@example.com").await;
    let html = app.browser.get_html(&format!("/app/{}/inbox/search?q=refund", ws.id)).await;
    assert!(html.contains("<mark>refund</mark> has not arrived"), "{html}");
    assert!(html.contains("refund.hunter@example.com"));
    assert!(!html.contains("ship"));
    let none = app.browser.get_html(&format!("/app/{}/inbox/search?q=zebra", ws.id)).await;
    assert!(none.contains("Nothing matches"));
    // A contact is found by the beginning of a word of their email, a message only by whole words.
    let partial = app.browser.get_html(&format!("/app/{}/inbox/search?q=hunt", ws.id)).await;
    assert!(partial.contains("refund.hunter@example.com"), "{partial}");
    assert!(!partial.contains("<mark>"), "no message has the word “hunt”: {partial}");
    // The search index keeps no pending list, which a writer would have to merge into the index
    // before its commit, holding every message of its batch (docs/performance.md).
    let options = app.query_string("SELECT array_to_string(reloptions, ',') AS value FROM pg_class WHERE relname = 'messages_search_idx'");
    assert_eq!(options.as_deref(), Some("fastupdate=off"));
}

#[tokio::test]
async fn canned_responses_are_saved_validated_and_offered_in_the_composer() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let path = format!("/app/{}/settings/canned", ws.id);
    let saved = app.browser.post_form(&path, &[("shortcut", "/Refund"), ("body", "Refunds take 5 days.")]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let taken = app.browser.post_form(&path, &[("shortcut", "refund"), ("body", "Again")]).await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text().await.unwrap().contains("The shortcut /refund is taken"));
    let bad = app.browser.post_form(&path, &[("shortcut", "no spaces!"), ("body", "x")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("canned_responses"), 1);
    let conversation = ws.visitor_says("Hi").await.1;
    let page = unescape_html(&app.browser.get_html(&format!("/app/{}/inbox/{conversation}", ws.id)).await);
    assert!(page.contains(r#""shortcut":"refund","body":"Refunds take 5 days.""#), "the composer gets them");
    let id = canned_id(&app.browser, &ws.id).await;
    assert_eq!(app.browser.post_form(&format!("{path}/{id}/delete"), &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("canned_responses"), 0);
}

#[tokio::test]
async fn a_canned_response_is_edited_in_place_with_the_rules_of_a_new_one() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let path = format!("/app/{}/settings/canned", ws.id);
    app.browser.post_form(&path, &[("shortcut", "refund"), ("body", "Refunds take 5 days.")]).await;
    app.browser.post_form(&path, &[("shortcut", "shipping"), ("body", "We ship worldwide.")]).await;
    let id = app.query_string("SELECT id::text AS value FROM canned_responses WHERE shortcut = 'refund'").unwrap();
    let stored = || app.query_string(&format!("SELECT shortcut || ' ' || body AS value FROM canned_responses WHERE id = '{id}'"));

    // Each response has an Edit link; it opens a form with the current values.
    let list = app.browser.get_html(&path).await;
    assert!(list.contains(&format!("href=\"{path}/{id}/edit#edit\"")), "{list}");
    let form = unescape_html(&app.browser.get_html(&format!("{path}/{id}/edit")).await);
    assert!(form.contains("Edit /refund"), "{form}");
    assert!(form.contains(r#"value="refund""#) && form.contains(">Refunds take 5 days.</textarea>"), "{form}");
    assert!(form.contains(&format!(r#"action="{path}/{id}""#)) && form.contains("Save changes"));

    let saved = app
        .browser
        .post_form(&format!("{path}/{id}"), &[("shortcut", "/Refunds"), ("body", "Refunds take {{contact.name}} 3 days.")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = unescape_html(&app.browser.get_html(&crate::helpers::location(&saved)).await);
    assert!(page.contains("The canned response is updated."), "{page}");
    assert!(page.contains("<code>/refunds</code>") && page.contains("Refunds take {{contact.name}} 3 days."), "{page}");
    assert!(!page.contains("Refunds take 5 days."));
    // Keeping its own shortcut is no conflict.
    let same = app.browser.post_form(&format!("{path}/{id}"), &[("shortcut", "refunds"), ("body", "Refunds take 3 days.")]).await;
    assert_eq!(same.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored().as_deref(), Some("refunds Refunds take 3 days."));

    // Another response's shortcut: refused with the form shown again, nothing changed.
    let taken = app.browser.post_form(&format!("{path}/{id}"), &[("shortcut", "shipping"), ("body", "Changed")]).await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    let html = taken.text().await.unwrap();
    assert!(html.contains("The shortcut /shipping is taken; choose another."), "{html}");
    assert!(html.contains(r#"value="shipping""#) && html.contains(">Changed</textarea>"), "what was sent is kept: {html}");
    assert_eq!(stored().as_deref(), Some("refunds Refunds take 3 days."));

    // The limits of a new one: 5,000 characters, a valid shortcut.
    let long = "x".repeat(5001);
    let too_long = app.browser.post_form(&format!("{path}/{id}"), &[("shortcut", "refunds"), ("body", &long)]).await;
    assert_eq!(too_long.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_long.text().await.unwrap().contains("The reply is 1 to 5000 characters."));
    let bad = app.browser.post_form(&format!("{path}/{id}"), &[("shortcut", "no spaces!"), ("body", "x")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stored().as_deref(), Some("refunds Refunds take 3 days."));
    assert_eq!(app.count("canned_responses"), 2);

    // An agent manages canned responses too; a response that is gone answers 404.
    let agent = ws.add_member(Role::Agent).await.browser;
    let by_agent = agent.post_form(&format!("{path}/{id}"), &[("shortcut", "refunds"), ("body", "Edited by an agent.")]).await;
    assert_eq!(by_agent.status(), StatusCode::SEE_OTHER);
    assert_eq!(stored().as_deref(), Some("refunds Edited by an agent."));
    app.browser.post_form(&format!("{path}/{id}/delete"), &[]).await;
    assert_eq!(app.browser.get(&format!("{path}/{id}/edit")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.browser.post_form(&format!("{path}/{id}"), &[("shortcut", "refunds"), ("body", "x")]).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn links_in_messages_are_clickable_and_other_schemes_stay_text() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let (mut visitor, conversation) =
        ws.visitor_says("See https://example.com/a?b=1. Or javascript:alert(1), or write to mailto:lin@example.com!").await;
    let html = app.browser.get_html(&format!("/app/{}/inbox/{conversation}", ws.id)).await;
    let page = unescape_html(&html);
    assert!(
        page.contains(
            r#"See <a href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer nofollow">https://example.com/a?b=1</a>. Or javascript:alert(1), or write to <a href="mailto:lin@example.com" target="_blank" rel="noopener noreferrer nofollow">mailto:lin@example.com</a>!"#
        ),
        "{page}"
    );
    assert!(!page.contains("href=\"javascript"), "{page}");
    // The text around links stays escaped.
    visitor.says("<b>bold</b> https://example.com/<script>").await;
    let html = app.browser.get_html(&format!("/app/{}/inbox/{conversation}", ws.id)).await;
    assert!(html.contains(r#"&#60;b&#62;bold&#60;/b&#62; <a href="https://example.com/" "#), "{html}");
    assert!(html.contains("https://example.com/</a>&#60;script&#62;"), "{html}");
    assert!(!html.contains("<b>bold</b>") && !html.contains("<script>"), "{html}");
}

#[tokio::test]
async fn agents_see_who_else_is_viewing_and_their_status_is_kept() {
    let app = spawn_app().await;
    let ada = Person::new("Ada");
    let ws = app.sign_up_workspace_as(&app.browser, ada.clone()).await;
    let conversation = ws.visitor_says("Hello").await.1;
    let grace_browser = ws.add_member(Role::Agent).await.browser;
    let mut ada_socket = Socket::agent(&app, &app.browser).await;
    let origin = app.state.settings.public_origin();
    let mut grace_socket = Socket::open(&app.address, &[("origin", origin), ("cookie", grace_browser.cookie_header())]).await;
    grace_socket.send(json!({"type": "hello", "workspace_id": ws.id})).await;
    grace_socket.expect("welcome").await;
    grace_socket.send(json!({"type": "viewing", "conversation_id": conversation, "viewing": true})).await;
    let seen = ada_socket.expect("viewing").await;
    assert_eq!((seen["agent"]["name"].as_str(), seen["viewing"].as_bool()), (Some("Grace"), Some(true)));
    // Away is remembered for the next page load.
    ada_socket.send(json!({"type": "presence", "status": "away"})).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let page = app.browser.get_html(&format!("/app/{}/inbox", ws.id)).await;
    assert!(page.contains(r#"<option value="away" selected>Away</option>"#));
    // A visitor cannot say it views anything.
    let token = widget_session(&app, &ws.site_key).await.0;
    let (mut visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    visitor.send(json!({"type": "viewing", "conversation_id": conversation, "viewing": true})).await;
    assert_eq!(visitor.expect("error").await["code"], "forbidden");
}
