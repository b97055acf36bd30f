//! The whole story in a real headless Chromium: sign up, copy the snippet, a visitor writes
//! from another website, the agent answers from the inbox, live both ways.

use serde_json::json;

use crate::{
    chromium::{Chromium, serve_site},
    helpers::spawn_app_on_public_url,
};

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
}
