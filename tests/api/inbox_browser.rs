//! The whole story in a real headless Chromium: sign up, copy the snippet, a visitor writes
//! from another website, the agent answers from the inbox, live both ways.

use serde_json::json;

use crate::{chromium::Chromium, helpers::spawn_app_on_public_url, sites::serve_site};

#[tokio::test]
async fn sign_up_paste_the_snippet_and_answer_a_visitor_live() {
    let app = spawn_app_on_public_url().await;
    let chromium = Chromium::launch().await;
    let agent = chromium.new_page(1400).await;

    // 1. Sign up in the dashboard.
    agent.goto(&format!("{}/signup", app.address)).await;
    for (label, value) in [
        ("Your name", "Ada Lovelace"),
        ("Work email", "ada@example.com"),
        ("Password", "correct horse battery staple"),
        ("Company or workspace name", "Analytical Engines"),
    ] {
        let field = agent.wait_for("textbox", label).await;
        agent.focus(field).await;
        agent.type_text(value).await;
    }
    let create = agent.wait_for("button", "Create workspace").await;
    agent.click(create).await;
    agent.wait_until("location.pathname.startsWith('/app/') && document.readyState === 'complete'").await;
    let workspace = app.query_string("SELECT id::text AS value FROM workspaces").unwrap();

    // 2. Copy the snippet from the widget page.
    agent.goto(&format!("{}/app/{workspace}/widget", app.address)).await;
    let snippet_box = agent.wait_for("textbox", "Install snippet").await;
    let snippet = agent.call_on(snippet_box, "function () { return this.value; }").await.as_str().unwrap().to_string();
    assert!(snippet.contains("/widget.js") && snippet.contains("data-site-key=\"pk_"), "{snippet}");

    // 3. A website on another origin pastes it.
    let site = serve_site(format!("<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>{snippet}</body></html>")).await;

    // 4. The agent waits in the inbox; the page is never reloaded from here on.
    agent.goto(&format!("{}/app/{workspace}/inbox", app.address)).await;
    agent.wait_for_text("When visitors write from your website").await;
    agent.eval("window.__noReload = true").await;

    // 5. A visitor writes, with some HTML that must stay text.
    let visitor = chromium.new_page(1280).await;
    visitor.goto(&format!("{site}/")).await;
    let launcher = visitor.wait_for("button", "Open chat").await;
    visitor.click(launcher).await;
    let message = visitor.wait_for("textbox", "Message").await;
    visitor.focus(message).await;
    visitor.type_text("Hello <img src=x onerror=\"window.__xss=1\"> is anyone there?").await;
    visitor.press("Enter").await;

    // 6. It appears in the inbox, live.
    agent.wait_for_text("is anyone there?").await;
    assert_eq!(agent.eval("window.__noReload === true").await, json!(true), "the inbox did not reload");
    assert!(agent.eval("document.body.innerText.includes('Hello <img src=x')").await == json!(true), "HTML shows as text");

    // 7. The agent opens it and replies.
    agent.bring_to_front().await;
    agent.eval("document.querySelector('.conv-row a').click()").await;
    agent.wait_until("location.pathname.split('/').length === 5 && document.readyState === 'complete'").await;
    agent.wait_for_text("is anyone there?").await;
    let reply = agent.wait_for("textbox", "Reply").await;
    agent.wait_for("button", "Send").await;
    agent.focus(reply).await;
    agent.type_text("Yes! <b>Ada</b> here.").await;
    agent.press("Enter").await;

    // 8. The visitor sees the reply, as text.
    visitor.wait_for_frame_text("Yes! &lt;b&gt;Ada&lt;/b&gt; here.").await;
    assert!(visitor.frames_html().await.contains("Hello &lt;img src=x onerror=\"window.__xss=1\"&gt; is anyone there?"));
    assert_eq!(agent.eval("typeof window.__xss").await, json!("undefined"), "no script ran in the inbox");
    assert_eq!(app.count("messages"), 2);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    agent.screenshot(&std::env::temp_dir().join("parlor-inbox.png")).await;

    // 9. The visitor closes the site's tab: the inbox shows them offline, live.
    assert_eq!(agent.eval("document.getElementById('contact-online').textContent").await, json!("Online now"));
    assert_eq!(agent.eval("document.querySelector('.conv-row .presence-dot.online') !== null").await, json!(true));
    visitor.close().await;
    agent.wait_until("document.getElementById('contact-online').textContent === 'Offline'").await;
    assert_eq!(agent.eval("document.querySelector('.conv-row .presence-dot.online') === null").await, json!(true), "the row's dot too");
    agent.screenshot(&std::env::temp_dir().join("parlor-inbox-visitor-left.png")).await;
}

#[tokio::test]
async fn an_agent_works_the_inbox_by_keyboard_with_canned_responses_and_notes() {
    use crate::{
        helpers::Person,
        socket_client::{Socket, widget_session},
    };
    let app = spawn_app_on_public_url().await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let site_key = app.query_string("SELECT site_key AS value FROM workspaces").unwrap();
    app.browser
        .post_form(&format!("/app/{workspace}/settings/canned"), &[("shortcut", "shipping"), ("body", "We ship worldwide in 3 days.")])
        .await;
    let (token, _) = widget_session(&app, &site_key).await;
    let (mut visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    visitor.say(None, "Do you ship to Japan?").await;
    visitor.expect("ack").await;

    let chromium = Chromium::launch().await;
    let agent = chromium.new_page(1400).await;
    agent.set_cookies(&app.address, &app.browser.cookie_header()).await;
    agent.goto(&format!("{}/app/{workspace}/inbox", app.address)).await;
    agent.wait_for_text("Do you ship to Japan?").await;
    agent.eval("document.activeElement.blur()").await;

    // j opens the first conversation, r goes to the reply box.
    agent.press_key("j").await;
    agent
        .wait_until("location.pathname.split('/').length === 5 && document.readyState === 'complete' && !!document.getElementById('reply')")
        .await;
    agent.wait_until("document.querySelector('.my-status') && !document.querySelector('.my-status').hidden").await;
    agent.press_key("r").await;
    assert_eq!(agent.eval("document.activeElement.id").await, json!("reply"));

    // "/" and a shortcut offer the canned response; Enter inserts it, Enter again sends it.
    agent.type_text("/ship").await;
    agent.wait_for("option", "/shipping We ship worldwide in 3 days.").await;
    agent.press("Enter").await;
    assert_eq!(agent.eval("document.getElementById('reply').value").await, json!("We ship worldwide in 3 days."));
    agent.press("Enter").await;
    let reply = loop {
        let message = visitor.expect("message").await;
        if message["author"]["kind"] == "agent" {
            break message;
        }
    };
    assert_eq!(reply["body"], "We ship worldwide in 3 days.");

    // An internal note: stored, marked, and never sent to the visitor.
    let note = agent.wait_for("checkbox", "Internal note (only your team sees it)").await;
    agent.click(note).await;
    let reply_box = agent.wait_for("textbox", "Reply").await;
    agent.focus(reply_box).await;
    agent.type_text("Customer is a VIP").await;
    agent.press("Enter").await;
    agent.wait_until("document.querySelectorAll('.msg-note').length === 1 && !document.body.innerText.includes('Sending…')").await;
    visitor.assert_no_message(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.query_string("SELECT private::text AS value FROM messages WHERE body = 'Customer is a VIP'").as_deref(), Some("true"));

    // e resolves; ? shows the shortcuts.
    agent.eval("document.activeElement.blur()").await;
    agent.press_key("e").await;
    agent.wait_for_text("The conversation is resolved.").await;
    assert_eq!(app.query_string("SELECT status AS value FROM conversations").as_deref(), Some("resolved"));
    agent.press_key("?").await;
    agent.wait_until("document.getElementById('shortcuts').open").await;

    // With the inbox in a background tab, a new message shows in the tab's title.
    let other_tab = chromium.new_page(1280).await;
    other_tab.bring_to_front().await;
    agent.wait_until("document.hidden").await;
    visitor.say(None, "One more question").await;
    visitor.expect("ack").await;
    agent.wait_until("document.title.startsWith('(1) ')").await;
}

#[tokio::test]
async fn scrolling_back_loads_the_older_history() {
    use crate::{helpers::Person, socket_client::widget_session};
    let app = spawn_app_on_public_url().await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let site_key = app.query_string("SELECT site_key AS value FROM workspaces").unwrap();
    let (token, _) = widget_session(&app, &site_key).await;
    let (mut visitor, _) = crate::socket_client::Socket::visitor(&app, &token, json!({})).await;
    visitor.say(None, "Message 1").await;
    let conversation = visitor.expect("ack").await["conversation_id"].as_str().unwrap().to_string();
    // The rest straight into Postgres: one visitor sending 119 messages at once would be
    // (rightly) closed by the flood limit.
    app.execute(&format!(
        "INSERT INTO messages (id, workspace_id, conversation_id, seq, client_id, author_kind, body, created_at) \
         SELECT gen_random_uuid(), workspace_id, id, n, gen_random_uuid(), 'visitor', 'Message ' || n, now() + n * interval '1 ms' \
         FROM conversations, generate_series(2, 120) n WHERE id = '{conversation}'"
    ));
    app.execute(&format!("UPDATE conversations SET last_seq = 120 WHERE id = '{conversation}'"));
    let chromium = Chromium::launch().await;
    let agent = chromium.new_page(1400).await;
    agent.set_cookies(&app.address, &app.browser.cookie_header()).await;
    agent.goto(&format!("{}/app/{workspace}/inbox/{conversation}", app.address)).await;
    agent.wait_for_text("Message 120").await;
    assert_eq!(agent.eval("document.querySelectorAll('#messages .msg').length").await, json!(50), "the newest page first");
    for expected in [100, 120] {
        agent.eval("document.getElementById('messages').scrollTop = 0").await;
        agent.wait_until(&format!("document.querySelectorAll('#messages .msg').length === {expected}")).await;
    }
    assert_eq!(
        agent.eval("document.querySelector('#messages .msg').getAttribute('data-seq')").await,
        json!("1"),
        "in order, oldest on top"
    );
    assert_eq!(agent.eval("document.querySelectorAll('[data-older]').length").await, json!(0), "nothing older is left to load");
}

#[tokio::test]
async fn a_canned_response_fills_in_the_contact_and_the_agent_and_links_open_in_a_new_tab() {
    use crate::{
        helpers::Person,
        socket_client::{Socket, widget_session},
    };
    let app = spawn_app_on_public_url().await;
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let site_key = app.query_string("SELECT site_key AS value FROM workspaces").unwrap();
    app.browser
        .post_form(
            &format!("/app/{workspace}/settings/canned"),
            &[("shortcut", "hello"), ("body", "Hi {{contact.name}}, {{agent.name}} here. Your email: {{ contact.email }}.")],
        )
        .await;
    let (token, _) = widget_session(&app, &site_key).await;
    let (mut visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    visitor.say(None, "Hello?").await;
    let conversation = visitor.expect("ack").await["conversation_id"].as_str().unwrap().to_string();
    let contact = app.browser.contact_of(&workspace, &conversation).await;
    app.browser
        .post_form(
            &format!("/app/{workspace}/contacts/{contact}"),
            &[("name", "Lin Wu"), ("email", ""), ("conversation_id", &conversation)],
        )
        .await;

    let chromium = Chromium::launch().await;
    let agent = chromium.new_page(1400).await;
    agent.set_cookies(&app.address, &app.browser.cookie_header()).await;
    agent.goto(&format!("{}/app/{workspace}/inbox/{conversation}", app.address)).await;
    agent.wait_for_text("Hello?").await;
    let reply = agent.wait_for("textbox", "Reply").await;
    agent.focus(reply).await;
    agent.type_text("/hel").await;
    agent.wait_for("option", "/hello Hi {{contact.name}}, {{agent.name}} here. Your email: {{ contact.email }}.").await;
    agent.press("Enter").await;
    // The contact's name and the agent's; the contact left no email.
    assert_eq!(agent.eval("document.getElementById('reply').value").await, json!("Hi Lin Wu, Ada here. Your email: ."));

    // A link the visitor sends live is an anchor that opens in a new tab; other schemes stay text.
    visitor.say(Some(&conversation), "The docs: https://example.com/docs?page=2. Not javascript:alert(1)").await;
    visitor.expect("ack").await;
    agent.wait_for("link", "https://example.com/docs?page=2").await;
    let link = agent
        .eval(
            "(function () { var a = document.querySelector('#messages a[href=\"https://example.com/docs?page=2\"]'); \
             return [a.getAttribute('target'), a.getAttribute('rel'), a.parentNode.textContent]; })()",
        )
        .await;
    assert_eq!(
        link,
        json!(["_blank", "noopener noreferrer nofollow", "The docs: https://example.com/docs?page=2. Not javascript:alert(1)"])
    );
    assert_eq!(agent.eval("document.querySelectorAll('#messages a').length").await, json!(1), "javascript: is no link");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    agent.screenshot(&std::env::temp_dir().join("parlor-inbox-link.png")).await;

    // The settings page with a response's edit form open.
    let id = app.query_string("SELECT id::text AS value FROM canned_responses").unwrap();
    agent.goto(&format!("{}/app/{workspace}/settings/canned/{id}/edit", app.address)).await;
    agent.wait_for("button", "Save changes").await;
    assert_eq!(agent.eval("document.activeElement.id").await, json!("edit-shortcut"));
    agent.screenshot(&std::env::temp_dir().join("parlor-canned-edit.png")).await;
    // On a phone, the list names each response's actions.
    let phone = chromium.new_page(390).await;
    phone.set_cookies(&app.address, &app.browser.cookie_header()).await;
    phone.goto(&format!("{}/app/{workspace}/settings/canned", app.address)).await;
    phone.wait_for("link", "Edit /hello").await;
    phone.wait_for("button", "Delete /hello").await;
    phone.eval("document.querySelector('.canned-list').scrollIntoView()").await;
    phone.screenshot(&std::env::temp_dir().join("parlor-canned-phone.png")).await;
}
