//! Avatars: uploaded on the account page, cropped to a square, served at a public URL that is
//! cached for good, and shown next to agents' messages in frames, the REST API, the widget's
//! session and the console; every bad file refused next to the field with nothing changed.

use reqwest::{Response, StatusCode, multipart};
use serde_json::{Value, json};

use crate::{
    chromium::Chromium,
    file_storage::wait_until,
    helpers::{Browser, Person, Role, TempDir, TestApp, spawn_app, spawn_app_on_public_url, unescape_html},
    socket_client::Socket,
};

const RED: [u8; 3] = [220, 20, 20];
const BLUE: [u8; 3] = [20, 20, 220];

/// A `width` × `height` PNG, red on its left half and blue on its right.
pub fn red_and_blue(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, _| image::Rgb(if x < width / 2 { RED } else { BLUE }));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).expect("encode png");
    out.into_inner()
}

/// Posts the account page's avatar form as a browser does (multipart, with the page's token).
async fn post_avatar(browser: &Browser, file_name: &str, bytes: Vec<u8>, crop: Option<(u32, u32, u32)>) -> Response {
    let token = browser.csrf_token().await;
    post_avatar_with_token(browser, file_name, bytes, crop, Some(token)).await
}

async fn post_avatar_with_token(
    browser: &Browser,
    file_name: &str,
    bytes: Vec<u8>,
    crop: Option<(u32, u32, u32)>,
    token: Option<String>,
) -> Response {
    let mut form = multipart::Form::new();
    if let Some(token) = token {
        form = form.text("csrf_token", token);
    }
    let part = multipart::Part::bytes(bytes).file_name(file_name.to_string()).mime_str("image/png").expect("mime");
    form = form.part("file", part);
    let (x, y, side) = crop.map(|(x, y, side)| (x.to_string(), y.to_string(), side.to_string())).unwrap_or_default();
    form = form.text("crop_x", x).text("crop_y", y).text("crop_size", side);
    browser
        .client
        .post(format!("{}/app/account/avatar", browser.address))
        .header("x-forwarded-for", &browser.ip)
        .multipart(form)
        .send()
        .await
        .expect("POST avatar")
}

/// Uploads a picture that must be taken; the path its 256-pixel square is served at.
pub async fn uploads_avatar(browser: &Browser, bytes: Vec<u8>) -> String {
    let response = post_avatar(browser, "me.png", bytes, None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
    assert_eq!(crate::helpers::location(&response), "/app/account?notice=avatar_saved");
    shown_avatar(browser).await.expect("the account page shows the new avatar")
}

/// The avatar the account page shows, as the path of its 256-pixel square.
async fn shown_avatar(browser: &Browser) -> Option<String> {
    let page = browser.get_html("/app/account").await;
    let marker = r#"<img class="avatar-large" src=""#;
    let start = page.find(marker)? + marker.len();
    Some(page[start..start + page[start..].find('"')?].to_string())
}

fn small(path: &str) -> String {
    let (stem, extension) = path.rsplit_once('.').expect("an extension");
    format!("{stem}-64.{extension}")
}

/// The files the storage holds under `avatars/`.
fn stored_avatars(app: &TestApp) -> Vec<String> {
    let dir = app.state.settings.data_dir.join("uploads").join("avatars");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// The next message an agent wrote, skipping the visitor's own (which come back to them too).
async fn next_from_agent(socket: &mut Socket) -> Value {
    loop {
        let message = socket.expect("message").await;
        if message["author"]["kind"] == "agent" {
            return message;
        }
        assert!(message["author"].get("avatar_url").is_none(), "visitors carry no avatar: {message}");
    }
}

fn close_to(pixel: &image::Rgb<u8>, expected: [u8; 3]) -> bool {
    pixel.0.iter().zip(expected).all(|(got, want)| got.abs_diff(want) < 40)
}

async fn image_at(app: &TestApp, path: &str) -> image::RgbImage {
    let response = reqwest::get(format!("{}{path}", app.address)).await.expect("GET avatar");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    image::load_from_memory(&response.bytes().await.expect("bytes")).expect("an image").to_rgb8()
}

#[tokio::test]
async fn a_wide_picture_becomes_a_256_pixel_square_from_its_middle() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let ada = &workspace.owner.browser;
    assert_eq!(shown_avatar(ada).await, None, "no avatar before the first upload");

    let path = uploads_avatar(ada, red_and_blue(400, 200)).await;
    assert!(path.starts_with("/avatars/") && path.ends_with(".jpg"), "an opaque picture is kept as JPEG: {path}");

    let response = reqwest::get(format!("{}{path}", app.address)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(response.headers().get("set-cookie").is_none(), "a shared cache may keep it");
    let square = image::load_from_memory(&response.bytes().await.unwrap()).unwrap().to_rgb8();
    assert_eq!(square.dimensions(), (256, 256));
    // The middle 200 × 200 of the picture: its left half red, its right half blue. A square
    // from either end would be one colour.
    for y in [10, 128, 245] {
        assert!(close_to(square.get_pixel(20, y), RED), "left at y={y}: {:?}", square.get_pixel(20, y));
        assert!(close_to(square.get_pixel(100, y), RED), "left of centre at y={y}: {:?}", square.get_pixel(100, y));
        assert!(close_to(square.get_pixel(156, y), BLUE), "right of centre at y={y}: {:?}", square.get_pixel(156, y));
        assert!(close_to(square.get_pixel(235, y), BLUE), "right at y={y}: {:?}", square.get_pixel(235, y));
    }
    let copy = image_at(&app, &small(&path)).await;
    assert_eq!(copy.dimensions(), (64, 64));
    assert!(close_to(copy.get_pixel(8, 32), RED) && close_to(copy.get_pixel(56, 32), BLUE));

    let file = path.trim_start_matches("/avatars/");
    assert_eq!(stored_avatars(&app), vec![small(file), file.to_string()], "both squares are in the files' storage");
    let page = ada.get_html("/app/account?notice=avatar_saved").await;
    assert!(page.contains("Your avatar is saved."), "{page}");
    assert!(page.contains("Remove avatar"), "{page}");
}

#[tokio::test]
async fn the_square_chosen_on_the_page_is_the_one_kept() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let ada = &workspace.owner.browser;

    let response = post_avatar(ada, "me.png", red_and_blue(400, 200), Some((200, 0, 200))).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
    let path = shown_avatar(ada).await.expect("an avatar");
    let square = image_at(&app, &path).await;
    for (x, y) in [(5, 5), (128, 128), (250, 250)] {
        assert!(close_to(square.get_pixel(x, y), BLUE), "the right-hand square is all blue: {:?} at {x},{y}", square.get_pixel(x, y));
    }

    // A square that does not fit is refused, and the avatar stays.
    let response = post_avatar(ada, "me.png", red_and_blue(400, 200), Some((300, 0, 200))).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = unescape_html(&response.text().await.unwrap());
    assert!(page.contains("The chosen square does not fit in this 400 × 200 picture."), "{page}");
    assert_eq!(shown_avatar(ada).await.as_deref(), Some(path.as_str()));
}

#[tokio::test]
async fn a_new_avatar_gets_a_new_url_and_the_old_one_stops_answering() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let ada = &workspace.owner.browser;

    let first = uploads_avatar(ada, red_and_blue(300, 300)).await;
    let second = uploads_avatar(ada, red_and_blue(300, 300)).await;
    assert_ne!(first, second, "the same picture again still gets a new name: what a name shows never changes");

    // Caches may keep the old picture for a year, but Parlor hands out and serves only the new one.
    for path in [first.clone(), small(&first)] {
        assert_eq!(reqwest::get(format!("{}{path}", app.address)).await.unwrap().status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(image_at(&app, &second).await.dimensions(), (256, 256));
    let file = second.trim_start_matches("/avatars/").to_string();
    wait_until("the old avatar leaving storage", || stored_avatars(&app) == vec![small(&file), file.clone()]).await;
    wait_until("the deletion queue emptying", || app.count("file_deletions") == 0).await;
}

#[tokio::test]
async fn removing_the_avatar_brings_back_the_initials() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let ada = &workspace.owner.browser;
    let path = uploads_avatar(ada, red_and_blue(300, 200)).await;

    let response = ada.post_form("/app/account/avatar/remove", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(crate::helpers::location(&response), "/app/account?notice=avatar_removed");
    let page = ada.get_html("/app/account?notice=avatar_removed").await;
    assert!(page.contains("Your avatar is removed"), "{page}");
    assert!(page.contains(r#"<span class="avatar avatar-large" aria-hidden="true">A</span>"#), "{page}");
    assert!(!page.contains("Remove avatar"), "nothing left to remove");
    assert_eq!(reqwest::get(format!("{}{path}", app.address)).await.unwrap().status(), StatusCode::NOT_FOUND);
    wait_until("the avatar leaving storage", || stored_avatars(&app).is_empty()).await;

    // Removing again changes nothing and fails nothing.
    assert_eq!(ada.post_form("/app/account/avatar/remove", &[]).await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_unknown_avatar_answers_404() {
    let app = spawn_app().await;
    for path in [
        "/avatars/0123456789abcdef0123456789abcdef.png",
        "/avatars/0123456789abcdef0123456789abcdef-64.jpg",
        "/avatars/not-a-name.png",
        "/avatars/0123456789abcdef0123456789abcdef.svg",
    ] {
        assert_eq!(reqwest::get(format!("{}{path}", app.address)).await.unwrap().status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn bad_files_are_refused_next_to_the_field_and_change_nothing() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let ada = &workspace.owner.browser;
    let kept = uploads_avatar(ada, red_and_blue(300, 200)).await;
    let stored = stored_avatars(&app);

    let mut too_many_bytes = red_and_blue(40, 40);
    too_many_bytes.resize(5 * 1024 * 1024 + 1, 0);
    let mut truncated = red_and_blue(300, 200);
    truncated.truncate(truncated.len() / 2);
    let cases: [(&str, Vec<u8>, &str); 5] = [
        ("notes.png", b"Dear team, this is a text file with a picture's name.".to_vec(), "is not a picture Parlor can use"),
        ("huge.png", too_many_bytes, "This picture is larger than 5 MB."),
        ("wide.png", red_and_blue(12_001, 1), "at most 12,000 pixels on each side"),
        ("broken.png", truncated, "This picture is damaged and cannot be read."),
        ("", Vec::new(), "Choose a picture to upload."),
    ];
    for (name, bytes, reason) in cases {
        let response = post_avatar(ada, name, bytes, None).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let page = unescape_html(&response.text().await.unwrap());
        let error = page.find(r#"<p class="field-error" id="avatar-error" role="alert">"#).unwrap_or_else(|| panic!("{name}: {page}"));
        assert!(page[error..].contains(reason), "{name}: {}", &page[error..error + 300]);
        assert!(page.contains(r#"aria-describedby="avatar-hint avatar-error" aria-invalid="true""#), "{name}");
        assert_eq!(shown_avatar(ada).await.as_deref(), Some(kept.as_str()), "{name} changed nothing");
        assert_eq!(stored_avatars(&app), stored, "{name} left nothing in storage");
    }

    // A form without its token, as another website would post it, is refused before anything is read.
    let response = post_avatar_with_token(ada, "me.png", red_and_blue(100, 100), None, None).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(shown_avatar(ada).await.as_deref(), Some(kept.as_str()));
    assert_eq!(stored_avatars(&app), stored);
}

#[tokio::test]
async fn an_avatar_is_its_owners_alone_to_change() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let ada = &workspace.owner.browser;
    let grace = workspace.add_member(Role::Admin).await;
    let adas = uploads_avatar(ada, red_and_blue(300, 200)).await;

    // A teammate, even an admin, changes and removes their own avatar only.
    let graces = uploads_avatar(&grace.browser, red_and_blue(200, 300)).await;
    assert_ne!(graces, adas);
    assert_eq!(grace.browser.post_form("/app/account/avatar/remove", &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(shown_avatar(ada).await.as_deref(), Some(adas.as_str()));
    assert_eq!(image_at(&app, &adas).await.dimensions(), (256, 256));

    // Without a session there is nobody whose avatar to change.
    let stranger = app.new_browser();
    let response = post_avatar(&stranger, "me.png", red_and_blue(100, 100), None).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(crate::helpers::location(&response).starts_with("/login"));
    assert_eq!(stranger.post_form("/app/account/avatar/remove", &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(shown_avatar(ada).await.as_deref(), Some(adas.as_str()));
    assert_eq!(app.count("users WHERE avatar IS NOT NULL"), 1);
}

#[tokio::test]
async fn agents_messages_carry_their_avatar_live_replayed_and_in_the_api() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let ada = &workspace.owner;
    let grace = workspace.add_member(Role::Agent).await;
    let path = uploads_avatar(&ada.browser, red_and_blue(300, 200)).await;
    let expected_url = format!("http://localhost:8080{}", small(&path));

    let (mut visitor, conversation) = workspace.visitor_says("Hello, anyone there?").await;
    let mut desk = ada.socket().await;
    ada.replies(&conversation, "Hi, Ada here.").await;
    let live = next_from_agent(&mut visitor.socket).await;
    assert_eq!(live["body"], "Hi, Ada here.");
    assert_eq!(live["author"]["avatar_url"], expected_url.as_str(), "{live}");
    // An agent's socket speaks with the avatar it had when it opened.
    desk.say(Some(&conversation), "Sent from the socket.").await;
    desk.expect("ack").await;
    let from_socket = next_from_agent(&mut visitor.socket).await;
    assert_eq!(from_socket["author"]["avatar_url"], expected_url.as_str(), "{from_socket}");
    grace.replies(&conversation, "Grace too.").await;
    let without = next_from_agent(&mut visitor.socket).await;
    assert_eq!(without["author"]["name"], "Grace");
    assert!(without["author"].as_object().unwrap().contains_key("avatar_url"), "agents always say: {without}");
    assert_eq!(without["author"]["avatar_url"], Value::Null);

    // The picture the frame names is the 64-pixel copy, served to anyone.
    let served = image_at(&app, &small(&path)).await;
    assert_eq!(served.dimensions(), (64, 64));

    // Replayed after a reconnect: the same, and visitors' own messages carry none.
    let (mut again, _) = Socket::visitor(&app, &visitor.token, json!({ conversation.clone(): 0 })).await;
    let mut replayed = Vec::new();
    for _ in 0..4 {
        replayed.push(again.expect("message").await);
    }
    assert_eq!(replayed[0]["author"]["kind"], "visitor");
    assert!(replayed[0]["author"].get("avatar_url").is_none(), "{}", replayed[0]);
    assert_eq!(replayed[1]["author"]["avatar_url"], expected_url.as_str());
    assert_eq!(replayed[2]["author"]["avatar_url"], expected_url.as_str());
    assert_eq!(replayed[3]["author"]["avatar_url"], Value::Null);

    // Agents' sockets see the same frames.
    let mut other_desk = grace.socket().await;
    visitor.says("Thanks!").await;
    let to_agents = other_desk.expect("message").await;
    assert!(to_agents["author"].get("avatar_url").is_none(), "{to_agents}");

    // The REST API names the avatar next to the author's name.
    let key = workspace.api_key(&["read"]).await;
    let listing: Value = reqwest::Client::new()
        .get(format!("{}/api/v1/conversations/{conversation}/messages", app.address))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let messages = listing["data"].as_array().expect("messages");
    assert_eq!(messages[0]["author_avatar_url"], Value::Null, "visitors have none: {}", messages[0]);
    assert_eq!(messages[1]["author_avatar_url"], expected_url.as_str());
    assert_eq!(messages[3]["author_avatar_url"], Value::Null, "nor agents without one: {}", messages[3]);

    // The widget's header shows the team with their avatars.
    let session: Value = reqwest::Client::new()
        .post(format!("{}/api/widget/v1/sessions", app.address))
        .json(&json!({"site_key": workspace.site_key}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(session["agents"][0]["name"], "Ada");
    assert_eq!(session["agents"][0]["avatar_url"], expected_url.as_str());
    assert_eq!(session["agents"][1]["avatar_url"], Value::Null);

    // After she removes it, what is read from Postgres carries none.
    ada.browser.post_form("/app/account/avatar/remove", &[]).await;
    let (mut later, _) = Socket::visitor(&app, &visitor.token, json!({ conversation.clone(): 1 })).await;
    assert_eq!(later.expect("message").await["author"]["avatar_url"], Value::Null);
}

#[tokio::test]
async fn the_console_shows_avatars_in_the_inbox_the_team_and_the_top_bar() {
    let app = spawn_app().await;
    let workspace = app.sign_up_workspace().await;
    let ada = &workspace.owner;
    let grace = workspace.add_member(Role::Agent).await;
    let path = uploads_avatar(&ada.browser, red_and_blue(300, 200)).await;
    let small_path = small(&path);
    let (_visitor, conversation) = workspace.visitor_says("Hello").await;
    ada.replies(&conversation, "Hi from Ada").await;
    grace.replies(&conversation, "Hi from Grace").await;

    let inbox = grace.browser.get_html(&format!("/app/{}/inbox/{conversation}", workspace.id)).await;
    let img = format!(
        r#"<img class="avatar avatar-small" src="{small_path}" alt="" width="20" height="20"> <span class="msg-author">Ada</span>"#
    );
    assert!(inbox.contains(&img), "Ada's reply shows her avatar: {inbox}");
    assert!(
        inbox.contains(r#"<span class="avatar avatar-small" aria-hidden="true">G</span> <span class="msg-author">Grace</span>"#),
        "Grace's shows her initial"
    );
    let team = grace.browser.get_html(&format!("/app/{}/team", workspace.id)).await;
    assert!(team.contains(&format!(r#"<img class="avatar" src="{small_path}" alt="" width="28" height="28"> Ada"#)), "{team}");
    let top_bar = ada.browser.get_html(&format!("/app/{}", workspace.id)).await;
    assert!(
        top_bar.contains(&format!(r#"<summary aria-label="Account menu for Ada"><img class="avatar" src="{small_path}""#)),
        "{top_bar}"
    );
}

#[tokio::test]
async fn a_person_chooses_the_square_with_the_keyboard_on_a_phone() {
    let app = spawn_app_on_public_url().await;
    app.browser.sign_up_ok(&Person::new("Ada")).await;
    let chromium = Chromium::launch().await;
    let page = chromium.new_page(390).await;
    page.set_cookies(&app.address, &app.browser.cookie_header()).await;
    page.goto(&format!("{}/app/account", app.address)).await;
    let folder = TempDir::new();
    let picture = folder.path.join("holiday.png");
    std::fs::write(&picture, red_and_blue(400, 200)).unwrap();

    page.choose_files("#avatar-file", &[&picture]).await;
    page.wait_until("!document.querySelector('[data-cropper]').hidden").await;
    let fields = "['crop_x', 'crop_y', 'crop_size'].map(n => document.querySelector(`[name=${n}]`).value).join(',')";
    assert_eq!(page.eval(fields).await, "100,0,200", "the centred square to start with");
    let square = page.wait_for("group", "The part to keep").await;
    page.focus(square).await;
    for _ in 0..6 {
        page.press_shifted("ArrowRight").await;
    }
    assert_eq!(page.eval(fields).await, "200,0,200", "moved to the right-hand end, and no further");
    page.screenshot(&std::env::temp_dir().join("parlor-avatar-crop.png")).await;

    let upload = page.wait_for("button", "Upload avatar").await;
    page.click(upload).await;
    page.wait_for_text("Your avatar is saved.").await;
    let path = shown_avatar(&app.browser).await.expect("an avatar");
    let square = image_at(&app, &path).await;
    assert!(close_to(square.get_pixel(5, 128), BLUE) && close_to(square.get_pixel(250, 128), BLUE), "the chosen square, all blue");
    page.wait_until("document.querySelector('img.avatar-large').complete").await;
    page.eval("document.getElementById('avatar-heading').scrollIntoView()").await;
    page.screenshot(&std::env::temp_dir().join("parlor-avatar-account.png")).await;

    // A picture past the limit is refused before it is sent.
    let huge = folder.path.join("huge.png");
    let mut bytes = red_and_blue(40, 40);
    bytes.resize(6 * 1024 * 1024, 0);
    std::fs::write(&huge, bytes).unwrap();
    page.choose_files("#avatar-file", &[&huge]).await;
    page.wait_for_text("This picture is larger than 5 MB. Choose a smaller one.").await;
    assert_eq!(page.eval("document.querySelector('#avatar-file').files.length").await, 0);
}
