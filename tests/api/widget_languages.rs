//! The widget in the visitor's language: a German and an Arabic browser in a real Chromium,
//! `Parlor.setLocale`, and the texts a workspace writes per language on the widget page.

use reqwest::StatusCode;

use crate::{
    chromium::{Chromium, Page},
    helpers::{Person, Role, TestApp, spawn_app, spawn_app_on_public_url, unescape_html},
    sites::serve_site,
    socket_client::Socket,
};

fn site(parlor: &str, site_key: &str) -> String {
    format!(
        "<!doctype html><html><head><title>Acme shop</title></head><body><h1>Acme shop</h1>\
         <script src=\"{parlor}/widget.js\" data-site-key=\"{site_key}\" async></script></body></html>"
    )
}

async fn workspace(app: &TestApp) -> (String, String) {
    let id = app.browser.sign_up_ok(&Person::new("Ada")).await;
    (id.clone(), app.query_string(&format!("SELECT site_key AS value FROM workspaces WHERE id = '{id}'")).unwrap())
}

/// Saves one language's texts on the widget page as the signed-in admin.
async fn save_texts(app: &TestApp, workspace_id: &str, language: &str, greeting: &str, launcher_text: &str) -> reqwest::Response {
    let offline = if language == "en" { "We are away right now. Leave your email and we will answer you there." } else { "" };
    app.browser
        .post_form(
            &format!("/app/{workspace_id}/widget/texts"),
            &[
                ("language", language),
                ("greeting", greeting),
                ("launcher_text", launcher_text),
                ("offline_message", offline),
                ("csat_question", ""),
            ],
        )
        .await
}

/// What the chat window's document says of itself, read through one of its elements:
/// `lang|dir|the send button ends left of the message box`.
async fn window_layout(page: &Page, composer: crate::chromium::BackendNodeId) -> String {
    page.call_on(
        composer,
        "function () { const d = this.ownerDocument, send = d.querySelector('.send').getBoundingClientRect(), box = this.getBoundingClientRect(); \
         return [d.documentElement.lang, d.documentElement.dir, send.right <= box.left].join('|'); }",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

#[tokio::test]
async fn a_german_browser_gets_the_widget_in_german_with_the_workspaces_german_greeting() {
    let app = spawn_app_on_public_url().await;
    let (id, site_key) = workspace(&app).await;
    assert_eq!(save_texts(&app, &id, "de", "Hallo! Frag uns einfach.", "Hilfe").await.status(), StatusCode::SEE_OTHER);
    let mut agent = Socket::agent(&app, &app.browser).await;
    let host = serve_site(site(&app.address, &site_key)).await;
    let chromium = Chromium::launch_in("de-DE,de").await;
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{host}/")).await;

    // The launcher speaks German too, with the workspace's German button text.
    let launcher = page.wait_for("button", "Chat öffnen").await;
    page.click(launcher).await;
    page.wait_for("button", "Chat schließen").await;
    let composer = page.wait_for("textbox", "Nachricht").await;
    page.wait_for("button", "Senden").await;
    page.wait_for("button", "Datei anhängen").await;
    page.wait_for_frame_text("Hallo! Frag uns einfach.").await;
    let text = page.call_on(launcher, "function () { return this.querySelector('span').textContent; }").await;
    assert_eq!(text, "Hilfe");
    assert_eq!(window_layout(&page, composer).await, "de|ltr|false");
    let html = page.frames_html().await;
    assert!(html.contains("Jetzt online"), "the team's presence in German");
    assert!(!html.contains("Write a message"), "no English left in the window");

    page.focus(composer).await;
    page.type_text("Liefert ihr nach Wien?").await;
    page.press("Enter").await;
    let message = agent.expect("message").await;
    assert_eq!(message["body"], "Liefert ihr nach Wien?");
    page.wait_for_frame_text("Gesendet").await;
    // The time beside it is written the German way (24 hours, no AM/PM).
    let meta = page.call_on(composer, "function () { return this.ownerDocument.querySelector('.mine .meta').textContent; }").await;
    let meta = meta.as_str().unwrap_or_default();
    assert!(!meta.contains("AM") && !meta.contains("PM") && meta.contains(':'), "{meta}");

    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    page.screenshot(&std::env::temp_dir().join("parlor-widget-de.png")).await;
}

#[tokio::test]
async fn an_arabic_browser_gets_the_widget_right_to_left_and_mirrored() {
    let app = spawn_app_on_public_url().await;
    let (_, site_key) = workspace(&app).await;
    let host = serve_site(site(&app.address, &site_key)).await;
    let chromium = Chromium::launch_in("ar-EG,ar").await;
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{host}/")).await;

    let launcher = page.wait_for("button", "فتح الدردشة").await;
    page.click(launcher).await;
    let composer = page.wait_for("textbox", "رسالة").await;
    page.wait_for("button", "إرسال").await;
    // The send button sits left of the message box, as Arabic reads.
    assert_eq!(window_layout(&page, composer).await, "ar|rtl|true");
    // The launcher stays where the workspace put it: bottom right.
    let right = page
        .call_on(launcher, "function () { return this.ownerDocument.defaultView.innerWidth - this.getBoundingClientRect().right; }")
        .await;
    assert!(right.as_f64().is_some_and(|r| r < 40.0), "{right}");
    page.focus(composer).await;
    page.type_text("مرحبا").await;
    page.press("Enter").await;
    page.wait_for_frame_text("أُرسلت").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    page.screenshot(&std::env::temp_dir().join("parlor-widget-ar.png")).await;
}

#[tokio::test]
async fn set_locale_switches_the_window_and_keeps_the_conversation() {
    let app = spawn_app_on_public_url().await;
    let (_, site_key) = workspace(&app).await;
    let mut agent = Socket::agent(&app, &app.browser).await;
    let host = serve_site(site(&app.address, &site_key)).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    page.goto(&format!("{host}/")).await;
    let launcher = page.wait_for("button", "Open chat").await;
    page.click(launcher).await;
    let composer = page.wait_for("textbox", "Message").await;
    page.focus(composer).await;
    page.type_text("Do you ship to Lyon?").await;
    page.press("Enter").await;
    let message = agent.expect("message").await;
    let conversation = message["conversation_id"].as_str().unwrap().to_string();
    page.wait_for_frame_text("Sent").await;

    // Bad input is ignored and never throws.
    assert_eq!(page.eval("(() => { Parlor.setLocale(42); Parlor.setLocale('<b>'); Parlor.setLocale(); return 'fine'; })()").await, "fine");
    page.eval("Parlor.setLocale('fr')").await;
    page.wait_for("button", "Envoyer").await;
    page.wait_for("button", "Fermer le chat").await;
    page.wait_for_frame_text("Do you ship to Lyon?").await;
    page.wait_for_frame_text("lang=\"fr\"").await;

    agent.say(Some(&conversation), "Oui, bien sûr.").await;
    page.wait_for_frame_text("Oui, bien sûr.").await;
    // A tag Parlor does not ship falls back to the browser's languages (English here).
    page.eval("Parlor.setLocale('sv-SE')").await;
    page.wait_for("button", "Send").await;
    page.wait_for_frame_text("Oui, bien sûr.").await;
    assert_eq!(app.count("conversations"), 1, "still the one conversation");
}

/// The chat window's page for a visitor asking for `lang`.
async fn frame(app: &TestApp, site_key: &str, lang: &str) -> String {
    unescape_html(&app.browser.get_html(&format!("/widget/v1/frame?site_key={site_key}&lang={lang}")).await)
}

/// The chat window's page for a browser whose `Accept-Language` is `accept`.
async fn headers(app: &TestApp, site_key: &str, accept: &str) -> String {
    let url = format!("{}/widget/v1/frame?site_key={site_key}", app.address);
    reqwest::Client::new().get(url).header("accept-language", accept).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn a_visitor_without_a_text_in_their_language_gets_the_default_languages() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let id = ws.id.clone();
    assert_eq!(save_texts(&app, &id, "de", "Willkommen bei uns!", "").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(save_texts(&app, &id, "en", "Welcome, ask away!", "Help").await.status(), StatusCode::SEE_OTHER);
    let german = frame(&app, &ws.site_key, "de-AT,de").await;
    assert!(german.contains("<html lang=\"de\" dir=\"ltr\""), "{german}");
    assert!(german.contains("Willkommen bei uns!"));
    assert!(german.contains("data-launcher=\"Help\""), "no German button text: the default language's");
    let japanese = frame(&app, &ws.site_key, "ja").await;
    assert!(japanese.contains("<html lang=\"ja\""));
    assert!(japanese.contains("Welcome, ask away!"), "no Japanese greeting: the default language's");
    assert!(japanese.contains("メッセージを入力"), "Parlor's own texts in Japanese");
    // Without a lang parameter, Accept-Language decides; a language Parlor does not ship gets
    // the workspace's default.
    assert!(headers(&app, &ws.site_key, "pt-PT,pt;q=0.9").await.contains("<html lang=\"pt-BR\""));
    assert!(headers(&app, &ws.site_key, "sv-SE").await.contains("<html lang=\"en\""));

    // The default language becomes German: Swedish visitors now read German, and each
    // language keeps its texts.
    let form =
        [("color", "#2563eb"), ("position", "right"), ("reply_time", "minutes"), ("default_language", "de"), ("allowed_domains", "")];
    assert_eq!(app.browser.post_form(&format!("/app/{id}/widget"), &form).await.status(), StatusCode::SEE_OTHER);
    let swedish = headers(&app, &ws.site_key, "sv-SE").await;
    assert!(swedish.contains("<html lang=\"de\"") && swedish.contains("Willkommen bei uns!"), "{swedish}");
    assert!(frame(&app, &ws.site_key, "en").await.contains("Welcome, ask away!"));
    assert_eq!(app.query_string("SELECT greeting AS value FROM widget_settings").as_deref(), Some("Willkommen bei uns!"));
}

#[tokio::test]
async fn a_workspace_that_never_wrote_its_greeting_greets_each_visitor_in_their_language() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    assert!(frame(&app, &ws.site_key, "en").await.contains("Hi there! Ask us anything, we are happy to help."));
    let german = frame(&app, &ws.site_key, "de").await;
    assert!(german.contains("Hallo! Frag uns alles, wir helfen gern."), "{german}");
    assert!(!german.contains("Hi there!"), "{german}");
    assert!(german.contains("data-away=\"Wir sind gerade nicht da."), "{german}");
    assert!(frame(&app, &ws.site_key, "ar").await.contains("مرحبًا! اسألنا عن أي شيء، يسعدنا مساعدتك."));

    // Once the workspace writes its own, every visitor without a text in their language reads it.
    assert_eq!(save_texts(&app, &ws.id, "en", "Welcome to the shop!", "").await.status(), StatusCode::SEE_OTHER);
    let german = frame(&app, &ws.site_key, "de").await;
    assert!(german.contains("Welcome to the shop!") && !german.contains("Hallo! Frag uns alles"), "{german}");
}

#[tokio::test]
async fn admins_write_texts_per_language_and_bad_ones_change_nothing() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    let id = ws.id.clone();
    // The editor opens on a language with ?lang=, without JavaScript, with every language by
    // its own name.
    let page = unescape_html(&app.browser.get_html(&format!("/app/{id}/widget?lang=fr")).await);
    assert!(page.contains("<option value=\"fr\" lang=\"fr\" selected>Français</option>"), "{page}");
    assert!(page.contains("العربية") && page.contains("日本語") && page.contains("English (default)"));
    assert!(page.contains("<label for=\"default_language\">Default language</label>"));
    assert!(page.contains("&amp;lang=fr\"") || page.contains("&lang=fr\""), "the preview shows French");

    let saved = app
        .browser
        .post_form(
            &format!("/app/{id}/widget/texts"),
            &[
                ("language", "fr"),
                ("greeting", "Bonjour !"),
                ("launcher_text", "Aide"),
                ("offline_message", ""),
                ("csat_question", "Ça s'est bien passé ?"),
            ],
        )
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(saved.headers()["location"], format!("/app/{id}/widget?lang=fr&notice=widget_saved"));
    let page = unescape_html(&app.browser.get_html(&format!("/app/{id}/widget?lang=fr")).await);
    assert!(page.contains(">Bonjour !</textarea>") && page.contains("value=\"Ça s'est bien passé ?\""), "{page}");
    let frame = unescape_html(&app.browser.get_html(&format!("/widget/v1/frame?site_key={}&lang=fr", ws.site_key)).await);
    assert!(frame.contains("data-csat=\"Ça s'est bien passé ?\""));
    assert!(
        app.query_string("SELECT string_agg(detail, ',') AS value FROM audit_events WHERE action = 'widget.saved'")
            .is_some_and(|d| d.contains("fr"))
    );

    // Too long: refused beside its field, nothing saved.
    let long = "x".repeat(41);
    let refused = app
        .browser
        .post_form(
            &format!("/app/{id}/widget/texts"),
            &[("language", "fr"), ("greeting", "Salut"), ("launcher_text", &long), ("offline_message", ""), ("csat_question", "")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = unescape_html(&refused.text().await.unwrap());
    assert!(page.contains("<p class=\"field-error\" id=\"launcher-error\">Keep the button text under 40 characters.</p>"), "{page}");
    assert_eq!(app.query_string("SELECT greeting AS value FROM workspace_texts WHERE language = 'fr'").as_deref(), Some("Bonjour !"));
    // The default language's away message cannot be emptied: every other falls back to it.
    let refused = app
        .browser
        .post_form(
            &format!("/app/{id}/widget/texts"),
            &[("language", "en"), ("greeting", "Hi"), ("launcher_text", ""), ("offline_message", ""), ("csat_question", "")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_ne!(app.query_string("SELECT greeting AS value FROM widget_settings").as_deref(), Some("Hi"));
    let unknown = app
        .browser
        .post_form(
            &format!("/app/{id}/widget/texts"),
            &[("language", "xx"), ("greeting", "Hi"), ("launcher_text", ""), ("offline_message", ""), ("csat_question", "")],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Another workspace's member gets 404, an agent 403, and nothing changes.
    let other = Person::new("Grace");
    let stranger = app.new_browser();
    stranger.sign_up_ok(&other).await;
    let fields = [("language", "fr"), ("greeting", "Piraté"), ("launcher_text", ""), ("offline_message", ""), ("csat_question", "")];
    assert_eq!(stranger.post_form(&format!("/app/{id}/widget/texts"), &fields).await.status(), 404);
    ws.add_existing_member(&stranger, &other, Role::Agent).await;
    assert_eq!(stranger.post_form(&format!("/app/{id}/widget/texts"), &fields).await.status(), 403);
    assert_eq!(app.query_string("SELECT greeting AS value FROM workspace_texts WHERE language = 'fr'").as_deref(), Some("Bonjour !"));
}

#[tokio::test]
async fn the_preview_shows_the_language_being_edited_and_follows_its_texts() {
    let app = spawn_app_on_public_url().await;
    let (id, _) = workspace(&app).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(1280).await;
    page.set_cookies(&app.address, &app.browser.cookie_header()).await;
    page.goto(&format!("{}/app/{id}/widget", app.address)).await;
    // Choosing a language in the select opens its texts (and the preview in it) at once.
    let select = page.wait_for("combobox", "Language").await;
    page.call_on(select, "function () { this.value = 'ar'; this.dispatchEvent(new Event('change')); }").await;
    page.wait_until("location.search.includes('lang=ar')").await;
    page.wait_for_frame_text("lang=\"ar\" dir=\"rtl\"").await;
    page.wait_for_frame_text("مرحبًا! هل تشحنون إلى كندا؟").await;
    // An empty Arabic greeting previews the default language's, as visitors would see it.
    page.wait_for_frame_text("Hi there! Ask us anything").await;
    let greeting = page.wait_for("textbox", "Greeting").await;
    page.focus(greeting).await;
    page.type_text("أهلًا بك! كيف نساعدك؟").await;
    page.wait_for_frame_text("أهلًا بك! كيف نساعدك؟").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    page.eval("document.querySelector('#texts-heading').scrollIntoView()").await;
    page.screenshot(&std::env::temp_dir().join("parlor-widget-settings-ar.png")).await;
    assert_eq!(app.count("workspace_texts"), 0, "nothing is saved until the admin saves");
}

#[tokio::test]
async fn a_made_up_language_in_a_script_path_gets_the_english_script_and_echoes_nothing() {
    let app = spawn_app().await;
    let english = app.browser.get("/widget/v1/en/upload.js").await.text().await.unwrap();
    for hostile in ["%3Cscript%3Ealert(1)%3C%2Fscript%3E", "xx", &"a".repeat(300)] {
        let response = app.browser.get(&format!("/widget/v1/{hostile}/upload.js")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.text().await.unwrap();
        assert_eq!(body, english, "{hostile} gets the English texts");
        assert!(!body.contains("alert(1)"));
    }
}
