//! The Contacts page: the workspace's people, last seen first, in keyset pages and searchable;
//! a contact's page with their conversations and the edit form; any member may look, and no
//! workspace reaches another's contacts.

use reqwest::StatusCode;
use serde_json::json;

use crate::{
    chromium::Chromium,
    helpers::{Role, location, spawn_app, spawn_app_on_public_url, unescape_html},
};

/// The contact ids a Contacts page lists, in order.
fn listed(html: &str, workspace: &str) -> Vec<String> {
    let marker = format!("<th scope=\"row\" data-label=\"Name\"><a href=\"/app/{workspace}/contacts/");
    html.split(&marker).skip(1).map(|rest| rest[..36].to_string()).collect()
}

/// The path of the page's "Older contacts" link, if it has one.
fn older_link(html: &str) -> Option<String> {
    let at = html.find("\">Older contacts</a>")?;
    let start = html[..at].rfind("href=\"")? + "href=\"".len();
    Some(unescape_html(&html[start..at]))
}

#[tokio::test]
async fn contacts_are_listed_last_seen_first_in_pages_without_repeats_or_gaps() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    // 120 people, two at a time seen in the same second, so that only the id tells them apart.
    app.execute(&format!(
        "INSERT INTO contacts (id, workspace_id, name, email, last_seen_at, created_at) \
         SELECT gen_random_uuid(), '{}', 'Person ' || i, 'person' || i || '@example.com', \
                date_trunc('second', now()) - (i / 2) * interval '1 minute', now() - interval '1 day' \
         FROM generate_series(1, 120) i",
        ws.id
    ));
    // A visitor who only opened a page, and someone of another workspace: neither is listed.
    let anonymous = ws.visitor().await;
    let other = app.sign_up_workspace_as(&app.new_browser(), crate::helpers::Person::new("Lin")).await;
    let (stranger, _) = other.visitor_says("hello from elsewhere").await;

    let expected: Vec<String> = app
        .query_string(&format!(
            "SELECT string_agg(id::text, ',' ORDER BY last_seen_at DESC, id DESC) AS value FROM contacts \
             WHERE workspace_id = '{}' AND name IS NOT NULL",
            ws.id
        ))
        .expect("seeded")
        .split(',')
        .map(str::to_string)
        .collect();
    assert_eq!(expected.len(), 120);

    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut path = Some(format!("/app/{}/contacts", ws.id));
    while let Some(page) = path {
        let html = ws.owner.browser.get_html(&page).await;
        let ids = listed(&html, &ws.id);
        sizes.push(ids.len());
        seen.extend(ids);
        path = older_link(&html);
        assert!(sizes.len() <= 3, "the list ends");
    }
    assert_eq!(sizes, vec![50, 50, 20]);
    assert_eq!(seen, expected, "every contact once, last seen first");
    assert!(!seen.contains(&anonymous.contact_id));
    assert!(!seen.contains(&stranger.contact_id));

    // The first page says what the table holds.
    let first = ws.owner.browser.get_html(&format!("/app/{}/contacts", ws.id)).await;
    assert!(first.contains("Person 1</a>") && first.contains("person1@example.com"), "name and email shown");
    assert!(first.contains("aria-current=\"page\">Contacts</a>"), "the navigation marks the page");

    // A made-up cursor is refused.
    let bad = ws.owner.browser.get(&format!("/app/{}/contacts?after=yesterday", ws.id)).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_new_workspace_explains_where_contacts_come_from() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let _anonymous = ws.visitor().await;
    let html = ws.owner.browser.get_html(&format!("/app/{}/contacts", ws.id)).await;
    assert!(html.contains("No contacts yet"), "{html}");
    assert!(html.contains("as soon as they write to you"));

    let (visitor, _) = ws.visitor_says("Hi there").await;
    let html = ws.owner.browser.get_html(&format!("/app/{}/contacts", ws.id)).await;
    assert_eq!(listed(&html, &ws.id), vec![visitor.contact_id.clone()], "a visitor who wrote is a contact");
    assert!(html.contains("(no name given)"));
}

#[tokio::test]
async fn search_finds_contacts_by_email_name_and_user_id() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let (ada, _) = ws.visitor_says("Where is my order?").await;
    ada.gives_email("ada.lovelace@example.com").await;
    let (grace, _) = ws.visitor_says("Can I pay by card?").await;
    grace.gives_email("grace@navy.example").await;
    let saved = ws
        .owner
        .browser
        .post_form(&format!("/app/{}/contacts/{}", ws.id, grace.contact_id), &[("name", "Grace Hopper"), ("email", "grace@navy.example")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    app.execute(&format!("UPDATE contacts SET external_id = 'user-4711' WHERE id = '{}'", ada.contact_id));
    // Someone of another workspace with the same address is never found here.
    let other = app.sign_up_workspace_as(&app.new_browser(), crate::helpers::Person::new("Lin")).await;
    let (twin, _) = other.visitor_says("hello").await;
    twin.gives_email("ada.lovelace@example.com").await;

    let search = |q: &'static str| {
        let (browser, id) = (ws.owner.browser.clone(), ws.id.clone());
        async move {
            let html = browser.get_html(&format!("/app/{id}/contacts?q={q}")).await;
            (listed(&html, &id), html)
        }
    };
    assert_eq!(search("ada.lovelace%40example.com").await.0, vec![ada.contact_id.clone()], "the whole email");
    assert_eq!(search("lovelace").await.0, vec![ada.contact_id.clone()], "a part of the email");
    assert_eq!(search("hopper").await.0, vec![grace.contact_id.clone()], "the name");
    assert_eq!(search("Grace+Hopper").await.0, vec![grace.contact_id.clone()], "the whole name");
    assert_eq!(search("user-4711").await.0, vec![ada.contact_id.clone()], "the user id");
    assert_eq!(search("Gra+Hop").await.0, vec![grace.contact_id.clone()], "the beginnings of the words, as typed");
    assert_eq!(search("lovel").await.0, vec![ada.contact_id.clone()], "the beginning of a part of the email");
    assert!(search("ovelace").await.0.is_empty(), "the middle of a word does not match");
    let (found, html) = search("%26%7C!%3A*").await;
    assert!(found.is_empty(), "query syntax alone finds nothing and fails nothing");
    assert!(html.contains("No contact matches"), "{html}");
    let (found, html) = search("nobody").await;
    assert!(found.is_empty());
    assert!(html.contains("No contact matches “nobody”"), "{html}");
    assert!(!html.contains("No contacts yet"));
}

#[tokio::test]
async fn a_contact_page_lists_their_conversations_newest_first() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let (mut visitor, first) = ws.visitor_says("My parcel never came").await;
    visitor.gives_email("returning@example.com").await;
    ws.owner.replies(&first, "Sorry! It ships again today.").await;
    ws.owner.sets_status(&first, "resolved").await;
    // They come back later with something new.
    visitor.conversation = None;
    let second = visitor.says("Now I want to return it").await;
    assert_ne!(first, second);

    let html = ws.owner.browser.get_html(&format!("/app/{}/contacts/{}", ws.id, visitor.contact_id)).await;
    assert!(html.contains("value=\"returning@example.com\""), "the edit form holds the email");
    let newer = html.find(&format!("/inbox/{second}?view=all&amp;status=open")).expect("the new conversation opens in the inbox");
    let older = html.find(&format!("/inbox/{first}?view=all&amp;status=resolved")).expect("the old one too, in its status");
    assert!(newer < older, "newest first");
    assert!(html.contains("Now I want to return it"), "the last message's preview");
    assert!(html.contains("Agent: Sorry! It ships again today."), "the agent's last reply, marked as theirs");
    assert!(html.contains("2 messages") && html.contains("1 message<"), "message counts");
    assert!(html.contains(">Resolved<") && html.contains(">Open<"), "statuses");

    // The list counts both.
    let list = ws.owner.browser.get_html(&format!("/app/{}/contacts", ws.id)).await;
    assert!(list.contains("data-label=\"Conversations\">2<"), "{list}");

    // The inbox's contact panel links here.
    let inbox = ws.owner.browser.get_html(&format!("/app/{}/inbox/{second}", ws.id)).await;
    assert!(inbox.contains(&format!("href=\"/app/{}/contacts/{}\">View contact", ws.id, visitor.contact_id)));

    // Saving the form on the contact's page comes back to it.
    let saved = ws
        .owner
        .browser
        .post_form(&format!("/app/{}/contacts/{}", ws.id, visitor.contact_id), &[("name", "Rita Return"), ("email", "rita@example.com")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&saved), format!("/app/{}/contacts/{}?notice=contact_saved", ws.id, visitor.contact_id));
    let html = ws.owner.browser.get_html(&location(&saved)).await;
    assert!(html.contains("<h1>Rita Return</h1>") && html.contains("The contact is saved."));
}

#[tokio::test]
async fn an_agent_sees_contacts_but_another_workspace_gets_404() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let (visitor, _) = ws.visitor_says("Hello").await;
    let agent = ws.add_member(Role::Agent).await;
    let list = agent.browser.get_html(&format!("/app/{}/contacts", ws.id)).await;
    assert_eq!(listed(&list, &ws.id), vec![visitor.contact_id.clone()]);
    let page = agent.browser.get(&format!("/app/{}/contacts/{}", ws.id, visitor.contact_id)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Hello") && !html.contains("Delete contact"), "agents see the page, not the admin's privacy tools");

    // Lin's own workspace, asked for Ada's contact by id: through her workspace or Ada's.
    let lin = app.new_browser();
    let other = app.sign_up_workspace_as(&lin, crate::helpers::Person::new("Lin")).await;
    let through_own = lin.get(&format!("/app/{}/contacts/{}", other.id, visitor.contact_id)).await;
    assert_eq!(through_own.status(), StatusCode::NOT_FOUND);
    let through_theirs = lin.get(&format!("/app/{}/contacts/{}", ws.id, visitor.contact_id)).await;
    assert_eq!(through_theirs.status(), StatusCode::NOT_FOUND);
    assert_eq!(lin.get(&format!("/app/{}/contacts", ws.id)).await.status(), StatusCode::NOT_FOUND);
    let edit = lin.post_form(&format!("/app/{}/contacts/{}", other.id, visitor.contact_id), &[("name", "Mallory")]).await;
    assert_eq!(edit.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.query_string(&format!("SELECT name AS value FROM contacts WHERE id = '{}'", visitor.contact_id)), None);
    // Not a contact id at all.
    assert_eq!(ws.owner.browser.get(&format!("/app/{}/contacts/not-an-id", ws.id)).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_contacts_pages_fit_a_desktop_and_a_phone() {
    let app = spawn_app_on_public_url().await;
    let ws = app.sign_up_workspace().await;
    let (mut visitor, first) = ws.visitor_says("My parcel never came, can you check order 1234?").await;
    visitor.gives_email("a.very.long.address.for.testing@customer-example.com").await;
    ws.owner.replies(&first, "It ships again today.").await;
    visitor.conversation = None;
    visitor.says("Thanks! One more thing about the invoice").await;
    app.execute(&format!(
        "INSERT INTO contacts (id, workspace_id, name, email, last_seen_at) \
         SELECT gen_random_uuid(), '{}', 'Customer ' || i, 'customer' || i || '@example.com', now() - i * interval '1 hour' \
         FROM generate_series(1, 8) i",
        ws.id
    ));

    let chromium = Chromium::launch().await;
    for width in [1400, 390] {
        let page = chromium.new_page(width).await;
        page.set_cookies(&app.address, &app.browser.cookie_header()).await;
        page.goto(&format!("{}/app/{}/contacts", app.address, ws.id)).await;
        page.wait_for_text("Customer 8").await;
        assert_eq!(page.eval("document.documentElement.scrollWidth <= window.innerWidth").await, json!(true), "list at {width}px");
        page.screenshot(&std::env::temp_dir().join(format!("parlor-contacts-{width}.png"))).await;

        page.goto(&format!("{}/app/{}/contacts/{}", app.address, ws.id, visitor.contact_id)).await;
        page.wait_for_text("One more thing about the invoice").await;
        page.wait_for("textbox", "Name").await;
        assert_eq!(page.eval("document.documentElement.scrollWidth <= window.innerWidth").await, json!(true), "contact at {width}px");
        page.screenshot(&std::env::temp_dir().join(format!("parlor-contact-{width}.png"))).await;
    }
}
