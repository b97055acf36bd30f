//! Dates, cursors, offsets and numbers from requests at the ends of their ranges: each answers
//! 400 with a message that says what is allowed, and changes nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    helpers::{Person, TestApp, spawn_app, unescape_html},
    rest_api::create_key,
    socket_client::{Socket, widget_session},
};

/// A workspace with one conversation a visitor started; returns (workspace id, conversation id).
async fn workspace_with_a_conversation(app: &TestApp) -> (String, String) {
    let workspace = app.browser.sign_up_ok(&Person::new("Ada")).await;
    let site_key = app.browser.site_key(&workspace).await;
    let (token, _) = widget_session(app, &site_key).await;
    let (mut socket, _) = Socket::visitor(app, &token, json!({})).await;
    socket.say(None, "Hello?").await;
    let conversation = socket.expect("ack").await["conversation_id"].as_str().unwrap().to_string();
    (workspace, conversation)
}

async fn refused_with(response: reqwest::Response, message: &str) {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body = unescape_html(&response.text().await.unwrap());
    assert!(body.contains(message), "expected {message:?} in {body}");
}

fn snooze_state(app: &TestApp) -> Option<String> {
    app.query_string("SELECT status || ' ' || coalesce(snoozed_until::text, '-') AS value FROM conversations")
}

#[tokio::test]
async fn a_snooze_at_the_end_of_time_or_from_no_real_time_zone_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let (workspace, conversation) = workspace_with_a_conversation(&app).await;
    let status = format!("/app/{workspace}/inbox/{conversation}/status");
    let next_month = (time::OffsetDateTime::now_utc() + time::Duration::days(30))
        .format(time::macros::format_description!("[year]-[month]-[day]T09:00"))
        .unwrap();
    for (until, offset, message) in [
        ("9999-12-31T23:59", "-1080", "Snooze until a time in the coming year."),
        ("9999-12-31T23:59", "0", "Snooze until a time in the coming year."),
        ("0000-01-01T00:00", "1080", "Snooze until a time in the coming year."),
        (next_month.as_str(), "5000", "offset_minutes is your time zone's offset from UTC in minutes, from -1080 to 1080."),
        (next_month.as_str(), "-2147483648", "offset_minutes is your time zone's offset from UTC in minutes, from -1080 to 1080."),
    ] {
        let response = app
            .browser
            .post_form(&status, &[("status", "snoozed"), ("snooze", "custom"), ("until", until), ("offset_minutes", offset)])
            .await;
        refused_with(response, message).await;
        assert_eq!(snooze_state(&app).as_deref(), Some("open -"), "{until} at {offset} changed nothing");
    }
    // The same form with a real time zone is taken.
    let response = app
        .browser
        .post_form(&status, &[("status", "snoozed"), ("snooze", "custom"), ("until", &next_month), ("offset_minutes", "-1080")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(snooze_state(&app).unwrap().starts_with("snoozed "));
}

#[tokio::test]
async fn an_inbox_cursor_whose_time_has_no_utc_form_is_refused_on_the_page_and_in_the_api() {
    let app = spawn_app().await;
    let (workspace, conversation) = workspace_with_a_conversation(&app).await;
    let key = create_key(&app.browser, &workspace, "CRM sync").await;
    for time in ["9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00+23:59", "1969-12-31T23:59:59Z"] {
        let cursor: String = url::form_urlencoded::byte_serialize(format!("{time}_{conversation}").as_bytes()).collect();
        let page = app.browser.get(&format!("/app/{workspace}/inbox?after={cursor}")).await;
        refused_with(page, "This page link is not valid.").await;
        let api = reqwest::Client::new()
            .get(format!("{}/api/v1/conversations?after={cursor}", app.address))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), StatusCode::BAD_REQUEST, "{time}");
        let body: Value = api.json().await.unwrap();
        assert_eq!(body["error"]["message"], "after is not a cursor this API gave.", "{time}");
    }
    assert_eq!(app.count("conversations"), 1);
}

#[tokio::test]
async fn message_numbers_below_their_range_are_refused_in_the_history_and_the_api() {
    let app = spawn_app().await;
    let (workspace, conversation) = workspace_with_a_conversation(&app).await;
    let history = format!("/app/{workspace}/inbox/{conversation}/history");
    for before in ["0", "-1", "-9223372036854775808"] {
        refused_with(app.browser.get(&format!("{history}?before={before}")).await, "before is the number of a message, 1 or more.").await;
    }
    assert_eq!(app.browser.get(&format!("{history}?before=9223372036854775807")).await.status(), StatusCode::OK);
    assert!(app.browser.get_html(&format!("{history}?before=2")).await.contains("data-seq=\"1\""));

    let key = create_key(&app.browser, &workspace, "CRM sync").await;
    let messages = format!("{}/api/v1/conversations/{conversation}/messages", app.address);
    for after in ["-1", "-9223372036854775808"] {
        let response = reqwest::Client::new().get(format!("{messages}?after_seq={after}")).bearer_auth(&key).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "after_seq={after}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["message"], "after_seq is 0 or more.");
    }
    let last = reqwest::Client::new().get(format!("{messages}?after_seq=9223372036854775807")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(last.status(), StatusCode::OK);
    assert_eq!(app.count("messages"), 1);
}
