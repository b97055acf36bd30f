//! The REST API's answers and its OpenAPI document as snapshots (`tests/api/snapshots/`), with
//! ids, times, cursors and keys redacted: a changed field, name or shape shows up as a diff.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, spawn_app},
    rest_api::Api,
};

/// Every id, time and cursor the API answers with changes from run to run.
fn redacted() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_sort_maps(true);
    let ids = ["id", "assignee_id", "author_id", "contact_id", "conversation_id", "client_id", "workspace_id", "request_id"];
    for field in ids {
        settings.add_redaction(&format!(".**.{field}"), unless_null("[id]"));
    }
    for field in ["created_at", "last_message_at", "expires_at", "updated_at", "snoozed_until"] {
        settings.add_redaction(&format!(".**.{field}"), unless_null("[time]"));
    }
    settings.add_redaction(".next_cursor", unless_null("[cursor]"));
    settings
}

/// Replaces a value by `placeholder`, but keeps a `null` (whether a field is set is the shape).
fn unless_null(placeholder: &'static str) -> insta::internals::Redaction {
    insta::dynamic_redaction(move |value, _| if value.is_nil() { value } else { placeholder.into() })
}

/// Ada's workspace with a key of every scope, a visitor who wrote twice and Ada's reply.
async fn a_workspace_with_one_conversation(app: &TestApp) -> (Api<'_>, String, String) {
    let workspace = app.sign_up_workspace().await;
    let key = workspace.api_key(&["read", "write", "admin"]).await;
    let (mut visitor, conversation) = workspace.visitor_says("Where is my parcel?").await;
    visitor.says("It was due on Monday.").await;
    workspace.owner.replies(&conversation, "It ships tomorrow.").await;
    (Api { app, key }, conversation, visitor.contact_id)
}

#[tokio::test]
async fn the_api_answers_about_conversations_messages_and_contacts_in_a_stable_shape() {
    let app = spawn_app().await;
    let (api, conversation, contact) = a_workspace_with_one_conversation(&app).await;
    let (_, list) = api.get("/api/v1/conversations").await;
    let (_, one) = api.get(&format!("/api/v1/conversations/{conversation}")).await;
    let (_, messages) = api.get(&format!("/api/v1/conversations/{conversation}/messages")).await;
    let reply = json!({"body": "Tracking number: 42.", "client_id": "0190a000-0000-7000-8000-000000000001"});
    let (_, posted) = api.call(Method::POST, &format!("/api/v1/conversations/{conversation}/messages"), Some(reply)).await;
    let patch = json!({"status": "pending"});
    let (_, patched) = api.call(Method::PATCH, &format!("/api/v1/conversations/{conversation}"), Some(patch)).await;
    let attribute = json!({"label": "Plan", "type": "list", "options": ["Free", "Pro"]});
    let (_, attribute_created) = api.call(Method::POST, "/api/v1/contact_attributes", Some(attribute)).await;
    let (_, attributes) = api.get("/api/v1/contact_attributes").await;
    let contact_patch = json!({"name": "Lin", "email": "lin@example.com", "attributes": {"plan": "pro"}});
    let (_, contact_patched) = api.call(Method::PATCH, &format!("/api/v1/contacts/{contact}"), Some(contact_patch)).await;
    let (_, contacts) = api.get("/api/v1/contacts").await;
    let invitation = json!({"email": "grace@example.com", "role": "agent"});
    let (_, invited) = api.call(Method::POST, "/api/v1/invitations", Some(invitation)).await;
    let (_, error) = api.call(Method::PATCH, &format!("/api/v1/conversations/{conversation}"), Some(json!({"status": "lost"}))).await;

    redacted().bind(|| {
        insta::assert_json_snapshot!("conversations", list);
        insta::assert_json_snapshot!("conversation", one);
        insta::assert_json_snapshot!("messages", messages);
        insta::assert_json_snapshot!("posted_message", posted);
        insta::assert_json_snapshot!("patched_conversation", patched);
        insta::assert_json_snapshot!("contact_attribute", attribute_created);
        insta::assert_json_snapshot!("contact_attributes", attributes);
        insta::assert_json_snapshot!("patched_contact", contact_patched);
        insta::assert_json_snapshot!("contacts", contacts);
        insta::assert_json_snapshot!("invitation", invited);
        insta::assert_json_snapshot!("bad_request", error);
    });
}

#[tokio::test]
async fn the_openapi_document_describes_the_api_in_a_stable_shape() {
    let app = spawn_app().await;
    let response = reqwest::get(format!("{}/api/v1/openapi.json", app.address)).await.unwrap();
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await.unwrap();
    // The document holds no ids or times (its `id` keys are schema properties): nothing to redact.
    let mut settings = insta::Settings::clone_current();
    settings.set_sort_maps(true);
    settings.bind(|| insta::assert_json_snapshot!("openapi", document));
}
