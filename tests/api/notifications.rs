//! Notification preferences: each member's choices per event (a new conversation, a
//! conversation assigned to them, a visitor writing in their conversation) and channel
//! (desktop, sound, email), kept per workspace; the emails go through a real SMTP server.

use std::time::{Duration, Instant};

use parlor::config::MailSettings;
use reqwest::StatusCode;
use serde_json::json;

use crate::{
    chromium::Chromium,
    helpers::{
        Member, Person, Role, TempDir, TestApp, TestWorkspace, location, spawn_app, spawn_app_on_public_url, spawn_app_with,
        start_smtp_sink,
    },
};

const EVENTS: [&str; 3] = ["new_conversation", "assigned", "new_message"];
const CHANNELS: [&str; 3] = ["desktop", "sound", "email"];

/// Every box of the notifications form that `on` names ticked, the others left out, as a
/// browser sends the form.
fn ticked(on: &[&'static str]) -> Vec<(&'static str, &'static str)> {
    on.iter().map(|name| (*name, "on")).collect()
}

/// The fields that are ticked on a notifications page, in table order.
fn ticked_on_page(html: &str) -> Vec<String> {
    let mut on = Vec::new();
    for event in EVENTS {
        for channel in CHANNELS {
            let field = format!(r#"name="{channel}_{event}" value="on""#);
            let at = html.find(&field).unwrap_or_else(|| panic!("no {field} on the page"));
            let tag_end = at + html[at..].find('>').expect("the tag ends");
            if html[at..tag_end].contains("checked") {
                on.push(format!("{channel}_{event}"));
            }
        }
    }
    on
}

/// What a member starts with: desktop and sound for everything, email for their own
/// conversations.
const DEFAULTS: [&str; 8] = [
    "desktop_new_conversation",
    "sound_new_conversation",
    "desktop_assigned",
    "sound_assigned",
    "email_assigned",
    "desktop_new_message",
    "sound_new_message",
    "email_new_message",
];

async fn notifications_page(browser: &crate::helpers::Browser, workspace: &str) -> String {
    browser.get_html(&format!("/app/{workspace}/settings/notifications")).await
}

#[tokio::test]
async fn every_member_chooses_their_own_notifications_for_each_workspace() {
    let app = spawn_app().await;
    let shop = app.sign_up_workspace().await;
    let grace = shop.add_member(Role::Agent).await;
    let w = &shop.id;

    // An agent has the page too, with a labelled box per event and channel, at the defaults.
    let page = notifications_page(&grace.browser, w).await;
    for label in [
        "Show a desktop notification when a visitor starts a new conversation",
        "Play a sound when a conversation is assigned to me",
        "Email me when a conversation is assigned to me",
        "Email me when a visitor writes in a conversation assigned to me",
    ] {
        assert!(page.contains(&format!(r#"<span class="visually-hidden">{label}</span>"#)), "{label}");
    }
    assert_eq!(ticked_on_page(&page), DEFAULTS, "the defaults");
    assert!(page.contains("at most one per conversation every 10 minutes"), "the limit is stated");

    // Saving shows a notice, and the page then shows what was chosen.
    let path = format!("/app/{w}/settings/notifications");
    let saved = grace.browser.post_form(&path, &ticked(&["sound_assigned", "email_new_conversation"])).await;
    assert_eq!(location(&saved), format!("{path}?notice=notifications_saved"));
    let page = grace.browser.get_html(&format!("{path}?notice=notifications_saved")).await;
    assert!(page.contains("Your notifications are saved."), "the notice");
    assert_eq!(ticked_on_page(&page), ["email_new_conversation", "sound_assigned"]);

    // Her choice is hers: the owner keeps the defaults.
    assert_eq!(ticked_on_page(&notifications_page(&shop.owner.browser, w).await), DEFAULTS);

    // And it is for this workspace: in another one she keeps the defaults, and a choice made
    // there does not come back here.
    let created = grace.browser.post_form("/app/workspaces/new", &[("name", "Grace's Garage")]).await;
    let garage = location(&created).trim_start_matches("/app/").split('?').next().unwrap().to_string();
    assert_eq!(ticked_on_page(&notifications_page(&grace.browser, &garage).await), DEFAULTS);
    grace.browser.post_form(&format!("/app/{garage}/settings/notifications"), &ticked(&["email_new_message"])).await;
    assert_eq!(ticked_on_page(&notifications_page(&grace.browser, &garage).await), ["email_new_message"]);
    assert_eq!(ticked_on_page(&notifications_page(&grace.browser, w).await), ["email_new_conversation", "sound_assigned"]);

    // Someone from another workspace finds no such page, and changes nothing.
    let eve = app.new_browser();
    eve.sign_up_ok(&Person::new("Eve")).await;
    assert_eq!(eve.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(eve.post_form(&path, &ticked(&[])).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(ticked_on_page(&notifications_page(&shop.owner.browser, w).await), DEFAULTS);

    // A field that is no setting, or a value that is not "on", is refused by name and saves nothing.
    let unknown = grace.browser.post_form(&path, &[("email_everything", "on")]).await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    assert!(unknown.text().await.unwrap().contains("email_everything"));
    let odd = grace.browser.post_form(&path, &[("email_assigned", "yes")]).await;
    assert_eq!(odd.status(), StatusCode::BAD_REQUEST);
    assert_eq!(ticked_on_page(&notifications_page(&grace.browser, w).await), ["email_new_conversation", "sound_assigned"]);

    // The settings page's old form (one box, for new conversations) still works.
    grace.browser.post_form(&path, &[("email_new_conversations", "on")]).await;
    assert_eq!(ticked_on_page(&notifications_page(&grace.browser, w).await), ["email_new_conversation"]);
    // The settings page leads there.
    let settings = grace.browser.get_html(&format!("/app/{w}/settings")).await;
    assert!(settings.contains(&format!(r#"<a href="/app/{w}/settings/notifications">Choose your notifications</a>"#)));
}

#[tokio::test]
async fn the_inbox_page_carries_the_members_desktop_and_sound_choices() {
    let app = spawn_app().await;
    let shop = app.sign_up_workspace().await;
    let grace = shop.add_member(Role::Agent).await;
    let inbox = format!("/app/{}/inbox", shop.id);

    let page = grace.browser.get_html(&inbox).await;
    assert!(page.contains(r#"data-notify-desktop="new_conversation assigned new_message""#), "defaults");
    assert!(page.contains(r#"data-notify-sound="new_conversation assigned new_message""#), "defaults");

    let path = format!("/app/{}/settings/notifications", shop.id);
    grace.browser.post_form(&path, &ticked(&["desktop_assigned", "sound_new_conversation", "sound_new_message", "email_assigned"])).await;
    let page = grace.browser.get_html(&inbox).await;
    assert!(page.contains(r#"data-notify-desktop="assigned""#), "only what she chose");
    assert!(page.contains(r#"data-notify-sound="new_conversation new_message""#));
    // An open conversation's page is the inbox too.
    let (_visitor, conversation) = shop.visitor_says("Hello").await;
    let page = grace.browser.get_html(&format!("{inbox}/{conversation}")).await;
    assert!(page.contains(r#"data-notify-desktop="assigned""#));

    // Her teammate's inbox keeps their own.
    let page = shop.owner.browser.get_html(&inbox).await;
    assert!(page.contains(r#"data-notify-desktop="new_conversation assigned new_message""#));
}

// ---- email, through a real SMTP server ------------------------------------------------------

/// A real SMTP server (`tests/support/smtp_sink.py`) writing what Parlor sends into a folder.
struct Mailbox {
    spool: TempDir,
    _server: tokio::process::Child,
}

/// An email as it arrived: its headers unfolded, its body decoded.
#[derive(Debug)]
struct Received {
    to: String,
    subject: String,
    body: String,
}

impl Mailbox {
    fn received(&self) -> Vec<Received> {
        let mut mails: Vec<(std::time::SystemTime, Received)> = std::fs::read_dir(&self.spool.path)
            .expect("the spool")
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.path().extension().is_some_and(|e| e == "eml"))
            .map(|entry| {
                let at = entry.metadata().and_then(|m| m.modified()).expect("a time");
                (at, parse_eml(&std::fs::read(entry.path()).expect("an email")))
            })
            .collect();
        mails.sort_by_key(|(at, _)| *at);
        mails.into_iter().map(|(_, mail)| mail).collect()
    }

    fn count(&self, to: &str, subject: &str) -> usize {
        self.received().iter().filter(|m| m.to == to && m.subject.contains(subject)).count()
    }

    /// Waits (up to 10 s) for the `nth` (1-based) email to `to` whose subject contains `subject`.
    async fn wait_for_nth(&self, nth: usize, to: &str, subject: &str) -> Received {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let mut matching: Vec<Received> = self.received().into_iter().filter(|m| m.to == to && m.subject.contains(subject)).collect();
            if matching.len() >= nth {
                return matching.swap_remove(nth - 1);
            }
            assert!(Instant::now() < deadline, "no email #{nth} to {to} with subject {subject:?}; got {:?}", self.received());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn wait_for(&self, to: &str, subject: &str) -> Received {
        self.wait_for_nth(1, to, subject).await
    }
}

/// Reads an `.eml` file as lettre writes it: headers folded at 78 columns, a plain-text body
/// that is 7-bit, quoted-printable or base64.
fn parse_eml(raw: &[u8]) -> Received {
    let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    let (head, body) = text.split_once("\n\n").expect("headers, then a body");
    let head = head.replace("\n ", " ").replace("\n\t", " ");
    let header = |name: &str| head.lines().find_map(|line| line.strip_prefix(&format!("{name}: "))).map(str::to_string).unwrap_or_default();
    let encoding = header("Content-Transfer-Encoding").to_ascii_lowercase();
    let body = match encoding.as_str() {
        "quoted-printable" => decode_quoted_printable(body),
        "base64" => {
            use base64::Engine;
            let joined: String = body.split_whitespace().collect();
            String::from_utf8(base64::engine::general_purpose::STANDARD.decode(joined).expect("base64")).expect("utf-8")
        }
        _ => body.to_string(),
    };
    Received { to: header("To"), subject: header("Subject"), body: body.replace("\r\n", "\n") }
}

fn decode_quoted_printable(body: &str) -> String {
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
                out.push(u8::from_str_radix(hex, 16).expect("an escaped byte"));
                i += 3;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("utf-8")
}

/// Parlor sending email through a real SMTP server.
async fn spawn_app_with_smtp() -> (TestApp, Mailbox) {
    let spool = TempDir::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
    let server = start_smtp_sink(port, &spool.path).await;
    let app = spawn_app_with(move |s| s.mail = MailSettings::Smtp(format!("smtp://127.0.0.1:{port}").into())).await;
    (app, Mailbox { spool, _server: server })
}

/// The owner invites `name` as an agent, and they accept the invitation that the mailbox got.
async fn join_as_agent<'a>(shop: &TestWorkspace<'a>, mailbox: &Mailbox, name: &str) -> Member<'a> {
    let person = Person::new(name);
    let invited =
        shop.owner.browser.post_form(&format!("/app/{}/team/invitations", shop.id), &[("email", &person.email), ("role", "agent")]).await;
    assert_eq!(invited.status(), StatusCode::SEE_OTHER);
    let invitation = mailbox.wait_for(&person.email, "invited you").await;
    let link = path_of(&invitation.body, "/invitations/");
    let browser = shop.app.new_browser();
    let accepted = browser.post_form(&link, &[("name", &person.name), ("password", &person.password)]).await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER, "the invitation is accepted");
    Member { app: shop.app, browser, person, workspace: shop.id.clone() }
}

/// The path of the first link to Parlor in `body` that starts with `prefix`.
fn path_of(body: &str, prefix: &str) -> String {
    let start = body.find(&format!("http://localhost:8080{prefix}")).unwrap_or_else(|| panic!("a {prefix} link in {body}"));
    body[start + "http://localhost:8080".len()..].split_whitespace().next().expect("a link").to_string()
}

/// Waits until the job queue has run everything due (the emails of what just happened are
/// then sent, or were never enqueued).
async fn jobs_ran(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.count("jobs WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= now()") > 0 {
        assert!(Instant::now() < deadline, "jobs still due after 10 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn assign(member: &Member<'_>, conversation: &str, assignee: &str) {
    let path = format!("/app/{}/inbox/{conversation}/assign", member.workspace);
    let response = member.browser.post_form(&path, &[("assignee", assignee)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{}", response.text().await.unwrap_or_default());
}

/// Waits until `sql` (a `value` column) answers `expected`: what the server records in the
/// background (an agent's presence) has landed.
async fn wait_for_value(app: &TestApp, sql: &str, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.query_string(sql).as_deref() != Some(expected) {
        assert!(Instant::now() < deadline, "{sql} never answered {expected}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

const ASSIGNED: &str = "is assigned to you in Ada's Shop";
const WROTE: &str = "wrote in your conversation in Ada's Shop";

#[tokio::test]
async fn a_member_is_emailed_when_a_teammate_assigns_them_a_conversation_unless_they_turned_it_off() {
    let (app, mailbox) = spawn_app_with_smtp().await;
    let shop = app.sign_up_workspace().await;
    let grace = join_as_agent(&shop, &mailbox, "Grace").await;
    let ada = &shop.owner;
    let ada_email = ada.person.email.clone();
    let (_first_visitor, first) = shop.visitor_says("Where is my order?").await;
    let ada_id = shop.owner_id(&first).await;
    let mut ada_socket = ada.socket().await;

    // Grace gives it to Ada: an email with the conversation's words, its link and the settings' link.
    assign(&grace, &first, &ada_id).await;
    let email = mailbox.wait_for(&ada_email, ASSIGNED).await;
    assert_eq!(email.subject, "A conversation with a visitor is assigned to you in Ada's Shop");
    assert!(email.body.contains("Grace assigned you a conversation with a visitor in Ada's Shop."), "{}", email.body);
    assert!(email.body.contains("Its latest messages:\nVisitor: Where is my order?\n"), "{}", email.body);
    assert_eq!(path_of(&email.body, "/app/"), format!("/app/{}/inbox/{first}", shop.id));
    assert!(email.body.contains(&format!("http://localhost:8080/app/{}/settings/notifications", shop.id)), "{}", email.body);
    // Her inbox hears who assigned it.
    let frame = ada_socket.expect("conversation").await;
    assert_eq!(frame["assignee_id"], json!(ada_id));
    assert_eq!(frame["assigned_by"]["kind"], "agent");
    assert_eq!(frame["assigned_by"]["name"], "Grace");

    // Giving it to her again is no news; a status change says nobody assigned anything.
    assign(&grace, &first, &ada_id).await;
    grace.sets_status(&first, "pending").await;
    let frame = ada_socket.expect("conversation").await;
    assert!(frame.get("assigned_by").is_none(), "{frame}");

    // Taking a conversation herself is not emailed.
    let (_second_visitor, second) = shop.visitor_says("Do you ship to Japan?").await;
    assign(ada, &second, &ada_id).await;
    jobs_ran(&app).await;
    assert_eq!(mailbox.count(&ada_email, ASSIGNED), 1);

    // Turned off, Grace's next assignment is not emailed either.
    let keep: Vec<&str> = DEFAULTS.into_iter().filter(|f| *f != "email_assigned").collect();
    ada.browser.post_form(&format!("/app/{}/settings/notifications", shop.id), &ticked(&keep)).await;
    let (_third_visitor, third) = shop.visitor_says("Can I pay by card?").await;
    assign(&grace, &third, &ada_id).await;
    jobs_ran(&app).await;
    assert_eq!(mailbox.count(&ada_email, ASSIGNED), 1);
    assert_eq!(app.count("jobs WHERE kind = 'assigned_notice'"), 1, "no job for what nobody wants");
}

#[tokio::test]
async fn auto_assignment_emails_the_member_it_chose() {
    let (app, mailbox) = spawn_app_with_smtp().await;
    let shop = app.sign_up_workspace().await;
    let ada = &shop.owner;
    let mut ada_socket = ada.socket().await;
    wait_for_value(&app, "SELECT (online_until > now())::text AS value FROM memberships", "true").await;
    let saved = ada.browser.post_form(&format!("/app/{}/settings/assignment", shop.id), &[("mode", "round_robin"), ("limit", "10")]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let (_visitor, conversation) = shop.visitor_says("Hello, anyone?").await;
    let email = mailbox.wait_for(&ada.person.email, ASSIGNED).await;
    assert!(email.body.contains("Auto-assignment gave you a conversation with a visitor in Ada's Shop."), "{}", email.body);
    assert!(email.body.contains(&format!("/app/{}/inbox/{conversation}", shop.id)));
    let frame = loop {
        let frame = ada_socket.expect("conversation").await;
        if frame["conversation_id"] == json!(conversation) && !frame["assignee_id"].is_null() {
            break frame;
        }
    };
    assert_eq!(frame["assigned_by"]["kind"], "system");
    assert!(frame["assigned_by"]["id"].is_null());
}

#[tokio::test]
async fn a_visitor_writing_in_my_conversation_is_emailed_only_while_i_am_away_and_at_most_every_ten_minutes() {
    let (app, mailbox) = spawn_app_with_smtp().await;
    let shop = app.sign_up_workspace().await;
    let ada = &shop.owner;
    let ada_email = ada.person.email.clone();
    let (mut visitor, conversation) = shop.visitor_says("Hello").await;
    let ada_id = shop.owner_id(&conversation).await;
    assign(ada, &conversation, &ada_id).await;

    // Ada has no inbox open: the next message is emailed to her.
    visitor.says("Are you there?").await;
    let email = mailbox.wait_for(&ada_email, WROTE).await;
    assert_eq!(email.subject, "A visitor wrote in your conversation in Ada's Shop");
    assert!(email.body.contains("Are you there?"), "{}", email.body);
    assert_eq!(path_of(&email.body, "/app/"), format!("/app/{}/inbox/{conversation}", shop.id));
    assert!(email.body.contains(&format!("http://localhost:8080/app/{}/settings/notifications", shop.id)), "{}", email.body);
    assert!(email.body.contains("at most one for a conversation every 10 minutes"), "{}", email.body);

    // Within ten minutes, more messages send nothing more.
    visitor.says("Hello??").await;
    jobs_ran(&app).await;
    assert_eq!(mailbox.count(&ada_email, WROTE), 1);

    // Ten minutes later the next one goes out, with what she has not read.
    let ten_minutes_on = "UPDATE new_message_emails SET sent_at = sent_at - interval '10 minutes 1 second'";
    assert_eq!(app.execute(ten_minutes_on), 1);
    visitor.says("Third try").await;
    let email = mailbox.wait_for_nth(2, &ada_email, WROTE).await;
    assert!(email.body.contains("Hello??") && email.body.contains("Third try"), "{}", email.body);

    // With her inbox open she hears it there, not by email.
    let mut ada_socket = ada.socket().await;
    wait_for_value(&app, "SELECT (online_until > now())::text AS value FROM memberships", "true").await;
    app.execute(ten_minutes_on);
    visitor.says("Now?").await;
    jobs_ran(&app).await;
    assert_eq!(mailbox.count(&ada_email, WROTE), 2);

    // Away, she is emailed again.
    ada_socket.send(json!({"type": "presence", "status": "away"})).await;
    wait_for_value(&app, "SELECT away::text AS value FROM memberships", "true").await;
    visitor.says("Away now?").await;
    let email = mailbox.wait_for_nth(3, &ada_email, WROTE).await;
    assert!(email.body.contains("Away now?"), "{}", email.body);

    // Turned off, nothing.
    let keep: Vec<&str> = DEFAULTS.into_iter().filter(|f| *f != "email_new_message").collect();
    ada.browser.post_form(&format!("/app/{}/settings/notifications", shop.id), &ticked(&keep)).await;
    app.execute(ten_minutes_on);
    visitor.says("Anyone at all?").await;
    jobs_ran(&app).await;
    assert_eq!(mailbox.count(&ada_email, WROTE), 3);
}

#[tokio::test]
async fn someone_who_left_the_workspace_is_emailed_nothing_more() {
    let (app, mailbox) = spawn_app_with_smtp().await;
    let shop = app.sign_up_workspace().await;
    let grace = join_as_agent(&shop, &mailbox, "Grace").await;
    let grace_email = grace.person.email.clone();
    let (mut visitor, conversation) = shop.visitor_says("Hello").await;
    let grace_id = shop.user_id("Grace").await;
    assign(&shop.owner, &conversation, &grace_id).await;
    mailbox.wait_for(&grace_email, "is assigned to you").await;
    visitor.says("Still there?").await;
    mailbox.wait_for(&grace_email, "wrote in your conversation").await;

    let removed = shop.owner.browser.post_form(&format!("/app/{}/team/{grace_id}/remove", shop.id), &[]).await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("new_message_emails"), 0, "her interval went with her membership");
    visitor.says("Hello again").await;
    jobs_ran(&app).await;
    assert_eq!(mailbox.count(&grace_email, "wrote in your conversation"), 1);
    assert_eq!(app.count("jobs WHERE kind = 'new_message_notice'"), 1);
}

#[tokio::test]
async fn new_conversation_emails_follow_the_choice_and_lead_to_the_settings() {
    let (app, mailbox) = spawn_app_with_smtp().await;
    let shop = app.sign_up_workspace().await;
    let ada = &shop.owner;
    let path = format!("/app/{}/settings/notifications", shop.id);
    let mut on = DEFAULTS.to_vec();
    on.push("email_new_conversation");
    ada.browser.post_form(&path, &ticked(&on)).await;

    let (_first, conversation) = shop.visitor_says("First question").await;
    let email = mailbox.wait_for(&ada.person.email, "New conversation in Ada's Shop").await;
    assert!(email.body.contains("First question"), "{}", email.body);
    assert_eq!(path_of(&email.body, "/app/"), format!("/app/{}/inbox/{conversation}", shop.id));
    assert!(email.body.contains(&format!("http://localhost:8080{path}")), "{}", email.body);

    // Off (the default), the next conversation is not emailed, even once the minute is over.
    ada.browser.post_form(&path, &ticked(&DEFAULTS)).await;
    shop.visitor_says("Second question").await;
    app.execute("UPDATE jobs SET run_at = now() WHERE kind = 'new_conversation' AND done_at IS NULL");
    jobs_ran(&app).await;
    assert_eq!(mailbox.count(&ada.person.email, "new conversation"), 0);
    assert_eq!(mailbox.count(&ada.person.email, "New conversation"), 1);
}

// ---- the inbox in a real browser ----------------------------------------------------------------

/// Replaces the browser's sound and notification APIs with recorders: `window.__chimes` counts
/// the sounds the inbox starts, `window.__notes` holds each notification's title.
const SPIES: &str = r#"
    window.__chimes = 0;
    window.__notes = [];
    window.Notification = function (title) { window.__notes.push(title); };
    window.Notification.permission = "granted";
    window.Notification.requestPermission = function () { return Promise.resolve("granted"); };
    window.AudioContext = function () {
        var node = { connect: function (next) { return next; }, start: function () {}, stop: function () {}, frequency: {},
                     gain: { setValueAtTime: function () {}, exponentialRampToValueAtTime: function () {} } };
        return { currentTime: 0, destination: node,
                 createOscillator: function () { window.__chimes++; return node; },
                 createGain: function () { return node; } };
    };
    true
"#;

#[tokio::test]
async fn the_inbox_notifies_by_the_channels_each_event_is_on_for_and_never_about_the_open_conversation() {
    // The inbox's socket must come from Parlor's own origin.
    let app = spawn_app_on_public_url().await;
    let shop = app.sign_up_workspace().await;
    let grace = shop.add_member(Role::Agent).await;
    let w = &shop.id;

    let chromium = Chromium::launch().await;
    // Ada chooses by keyboard, on a phone-sized page: new conversations on the desktop only,
    // assignments by sound only.
    let phone = chromium.new_page(390).await;
    phone.set_cookies(&app.address, &shop.owner.browser.cookie_header()).await;
    phone.goto(&format!("{}/app/{w}/settings/notifications", app.address)).await;
    phone.screenshot(&std::env::temp_dir().join("parlor-notifications-390.png")).await;
    for label in
        ["Play a sound when a visitor starts a new conversation", "Show a desktop notification when a conversation is assigned to me"]
    {
        let checkbox = phone.wait_for("checkbox", label).await;
        phone.focus(checkbox).await;
        phone.press_key(" ").await;
    }
    let save = phone.wait_for("button", "Save notifications").await;
    phone.focus(save).await;
    phone.press("Enter").await;
    phone.wait_for_text("Your notifications are saved.").await;
    assert_eq!(
        ticked_on_page(&notifications_page(&shop.owner.browser, w).await),
        ["desktop_new_conversation", "sound_assigned", "email_assigned", "desktop_new_message", "sound_new_message", "email_new_message"]
    );
    let fits = phone.eval("document.documentElement.scrollWidth <= window.innerWidth").await;
    assert_eq!(fits, json!(true), "the page fits 390 px without scrolling sideways");
    phone.eval("document.querySelector('.notify-table').scrollIntoView()").await;
    phone.screenshot(&std::env::temp_dir().join("parlor-notifications-saved-390.png")).await;

    let inbox = chromium.new_page(1400).await;
    inbox.set_cookies(&app.address, &shop.owner.browser.cookie_header()).await;
    inbox.bring_to_front().await;
    inbox.goto(&format!("{}/app/{w}/settings/notifications", app.address)).await;
    inbox.screenshot(&std::env::temp_dir().join("parlor-notifications-1400.png")).await;
    inbox.goto(&format!("{}/app/{w}/inbox", app.address)).await;
    inbox.wait_until("document.querySelector('.my-status') && !document.querySelector('.my-status').hidden").await;
    assert_eq!(inbox.eval(SPIES).await, json!(true));
    assert_eq!(inbox.eval("document.hidden").await, json!(false));
    // Her inbox's socket is in.
    let online = "SELECT (online_until > now())::text AS value FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.name = 'Ada'";
    wait_for_value(&app, online, "true").await;

    // A new conversation: a desktop notification, no sound.
    let (mut visitor, conversation) = shop.visitor_says("Is the shop open on Sunday?").await;
    inbox.wait_until("window.__notes.length === 1").await;
    let title = inbox.eval("window.__notes[0]").await;
    assert!(title.as_str().unwrap().starts_with("New conversation: "), "{title}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(inbox.eval("window.__chimes").await, json!(0), "no sound for new conversations");

    // Grace assigns it to Ada: a sound, no notification.
    let ada_id = shop.owner_id(&conversation).await;
    assign(&grace, &conversation, &ada_id).await;
    inbox.wait_until("window.__chimes === 1").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(inbox.eval("window.__notes.length").await, json!(1), "no desktop notification for assignments");

    // The visitor writes in her conversation while she looks at the list: both.
    visitor.says("Hello?").await;
    inbox.wait_until("window.__chimes === 2 && window.__notes.length === 2").await;
    let title = inbox.eval("window.__notes[1]").await;
    assert!(title.as_str().unwrap().ends_with(" wrote"), "{title}");

    // Her own reply, and anything in the conversation she has open in front of her: nothing.
    inbox.goto(&format!("{}/app/{w}/inbox/{conversation}", app.address)).await;
    inbox.wait_until("!!document.getElementById('reply')").await;
    assert_eq!(inbox.eval(SPIES).await, json!(true));
    shop.owner.replies(&conversation, "Yes, from 10 to 4.").await;
    visitor.says("Thanks a lot!").await;
    inbox.wait_for_text("Thanks a lot!").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(inbox.eval("[window.__chimes, window.__notes.length]").await, json!([0, 0]));

    // A visitor writing in someone else's conversation is not news for her.
    let (mut other_visitor, other) = shop.visitor_says("Another question").await;
    inbox.wait_until("window.__notes.length === 1").await;
    let grace_id = shop.user_id("Grace").await;
    assign(&shop.owner, &other, &grace_id).await;
    other_visitor.says("Anyone?").await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(inbox.eval("[window.__chimes, window.__notes.length]").await, json!([0, 1]));
}
