//! The REST API with API keys: keys shown once and revocable, every endpoint, cursor pages,
//! retry-safe replies, JSON errors, and one workspace's key never reaching another's data.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    helpers::{Browser, Person, Role, TestApp, spawn_app, unescape_html},
    socket_client::{Socket, widget_session},
};

/// Creates a key with the form's default scopes (read and write) through the console and reads
/// it from the page (its only showing).
pub(crate) async fn create_key(browser: &Browser, workspace: &str, name: &str) -> String {
    create_key_with(browser, workspace, name, &["read", "write"]).await
}

/// Creates a key with these scopes ticked.
pub(crate) async fn create_key_with(browser: &Browser, workspace: &str, name: &str, scopes: &[&str]) -> String {
    let boxes: Vec<String> = scopes.iter().map(|scope| format!("scope_{scope}")).collect();
    let mut fields = vec![("name", name)];
    fields.extend(boxes.iter().map(|field| (field.as_str(), "on")));
    let response = browser.post_form(&format!("/app/{workspace}/settings/api-keys"), &fields).await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = unescape_html(&response.text().await.unwrap());
    let start = html.find("value=\"sk_").expect("the new key is shown") + "value=\"".len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

/// The id of the key called `name`, from the console's list.
pub(crate) async fn api_key_id(browser: &Browser, workspace: &str, name: &str) -> String {
    let page = browser.get_html(&format!("/app/{workspace}/settings/api-keys")).await;
    let at = page.find(&format!("data-confirm=\"Revoke {name}?")).unwrap_or_else(|| panic!("the key {name} is listed"));
    let action = page[..at].rfind("/settings/api-keys/").expect("the revoke form") + "/settings/api-keys/".len();
    page[action..action + 36].to_string()
}

pub(crate) struct Api<'a> {
    pub(crate) app: &'a TestApp,
    pub(crate) key: String,
}

impl Api<'_> {
    pub(crate) async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = reqwest::Client::new().request(method, format!("{}{path}", self.app.address)).bearer_auth(&self.key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub(crate) async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }
}

/// Ada's workspace and a key with the form's default scopes: (workspace id, site key, key).
pub(crate) async fn setup(app: &TestApp) -> (String, String, String) {
    let ws = app.sign_up_workspace().await;
    let key = ws.api_key(&["read", "write"]).await;
    (ws.id, ws.site_key, key)
}

#[tokio::test]
async fn keys_are_shown_once_listed_by_prefix_and_refused_once_revoked() {
    let app = spawn_app().await;
    let (workspace, _, key) = setup(&app).await;
    assert!(key.starts_with("sk_") && key.len() == 46, "{key}");
    let page = app.browser.get_html(&format!("/app/{workspace}/settings/api-keys")).await;
    assert!(!page.contains(&key), "never shown again");
    assert!(page.contains(&format!("{}…", &key[..10])));
    let api = Api { app: &app, key: key.clone() };
    assert_eq!(api.get("/api/v1/conversations").await.0, 200);
    // What is stored: the list shows the day, not the moment.
    assert!(app.query_string("SELECT last_used_at::text AS value FROM api_keys").is_some(), "last use recorded");

    let (status, body) = Api { app: &app, key: "sk_wrong".into() }.get("/api/v1/conversations").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    let id = api_key_id(&app.browser, &workspace, "CRM sync").await;
    app.browser.post_form(&format!("/app/{workspace}/settings/api-keys/{id}/revoke"), &[]).await;
    assert_eq!(api.get("/api/v1/conversations").await.0, 401);
    let nameless = app.browser.post_form(&format!("/app/{workspace}/settings/api-keys"), &[("name", " ")]).await;
    assert_eq!(nameless.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn only_admins_manage_keys() {
    let app = spawn_app().await;
    let ws = app.sign_up_workspace().await;
    ws.api_key(&["read", "write"]).await;
    let workspace = &ws.id;
    let grace = Person::new("Grace");
    let browser = app.new_browser();
    browser.sign_up_ok(&grace).await;
    assert_eq!(browser.get(&format!("/app/{workspace}/settings/api-keys")).await.status(), 404);
    ws.add_existing_member(&browser, &grace, Role::Agent).await;
    assert_eq!(browser.get(&format!("/app/{workspace}/settings/api-keys")).await.status(), 403);
    assert_eq!(browser.post_form(&format!("/app/{workspace}/settings/api-keys"), &[("name", "mine")]).await.status(), 403);
    assert_eq!(app.count("api_keys"), 1);
}

#[tokio::test]
async fn conversations_and_messages_read_and_answer_through_the_api() {
    let app = spawn_app().await;
    let (workspace, site_key, key) = setup(&app).await;
    let api = Api { app: &app, key };
    let (token, _) = widget_session(&app, &site_key).await;
    let (mut visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    visitor.say(None, "Where is my parcel?").await;
    let conversation = visitor.expect("ack").await["conversation_id"].as_str().unwrap().to_string();
    visitor.messages(1).await;

    let (status, list) = api.get("/api/v1/conversations").await;
    assert_eq!(status, 200);
    assert_eq!(list["data"][0]["id"], conversation.as_str());
    assert_eq!(list["next_cursor"], Value::Null);
    let (_, one) = api.get(&format!("/api/v1/conversations/{conversation}")).await;
    assert_eq!(one["last_seq"], 1);

    let reply = json!({"body": "It ships tomorrow.", "client_id": "0190a000-0000-7000-8000-000000000001"});
    let (status, first) =
        api.call(reqwest::Method::POST, &format!("/api/v1/conversations/{conversation}/messages"), Some(reply.clone())).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["seq"], 2);
    let (status, again) = api.call(reqwest::Method::POST, &format!("/api/v1/conversations/{conversation}/messages"), Some(reply)).await;
    assert_eq!((status, again["seq"].clone()), (StatusCode::OK, json!(2)), "a retry stores nothing");
    assert_eq!(visitor.messages(1).await, vec![(2, "It ships tomorrow.".to_string())]);
    let note = json!({"body": "VIP", "private": true});
    api.call(reqwest::Method::POST, &format!("/api/v1/conversations/{conversation}/messages"), Some(note)).await;
    visitor.assert_no_message(std::time::Duration::from_millis(300)).await;
    let empty =
        api.call(reqwest::Method::POST, &format!("/api/v1/conversations/{conversation}/messages"), Some(json!({"body": " "}))).await;
    assert_eq!(empty.0, 422, "neither text nor files: well-formed, nothing to store");
    assert_eq!(empty.1["error"]["message"], "Send a body, attachments, or both.");

    let (_, page) = api.get(&format!("/api/v1/conversations/{conversation}/messages?after_seq=1")).await;
    let bodies: Vec<&str> = page["data"].as_array().unwrap().iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert_eq!(bodies, ["It ships tomorrow.", "VIP"]);
    assert_eq!(api.get(&format!("/api/v1/conversations/{conversation}/messages?limit=0")).await.0, 400);

    let ada = app.browser.own_user_id(&workspace, &conversation).await;
    let patch = json!({"status": "resolved", "assignee_id": ada});
    let (status, changed) = api.call(reqwest::Method::PATCH, &format!("/api/v1/conversations/{conversation}"), Some(patch)).await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!((changed["status"].as_str(), changed["assignee_id"].as_str()), (Some("resolved"), Some(ada.as_str())));
    let bad = api.call(reqwest::Method::PATCH, &format!("/api/v1/conversations/{conversation}"), Some(json!({"status": "gone"}))).await;
    assert_eq!(bad.0, 400);
    let stranger = json!({"assignee_id": "0190a000-0000-7000-8000-00000000dead"});
    let (status, refused) = api.call(reqwest::Method::PATCH, &format!("/api/v1/conversations/{conversation}"), Some(stranger)).await;
    assert_eq!((status, refused["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unprocessable")), "{refused}");
    // What is stored: the refused patches changed nothing.
    assert_eq!(app.query_string("SELECT status AS value FROM conversations").as_deref(), Some("resolved"));
}

#[tokio::test]
async fn lists_page_by_cursor_and_contacts_update() {
    let app = spawn_app().await;
    let (workspace, _, key) = setup(&app).await;
    let api = Api { app: &app, key };
    // Sixty conversations a minute apart: no route backdates activity.
    app.execute(&format!(
        "WITH c AS (INSERT INTO contacts (id, workspace_id) SELECT gen_random_uuid(), '{workspace}' FROM generate_series(1, 60) RETURNING id) \
         INSERT INTO conversations (id, workspace_id, contact_id, last_message_at) \
         SELECT gen_random_uuid(), '{workspace}', id, now() - (row_number() OVER ()) * interval '1 minute' FROM c"
    ));
    let (_, first) = api.get("/api/v1/conversations").await;
    assert_eq!(first["data"].as_array().unwrap().len(), 25);
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let encoded: String = url::form_urlencoded::byte_serialize(cursor.as_bytes()).collect();
    let (_, second) = api.get(&format!("/api/v1/conversations?after={encoded}")).await;
    let ids = |page: &Value| page["data"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert!(ids(&second).iter().all(|id| !ids(&first).contains(id)));
    assert_eq!(api.get("/api/v1/conversations?after=nonsense").await.0, 400);

    let (_, contacts) = api.get("/api/v1/contacts").await;
    assert_eq!(contacts["data"].as_array().unwrap().len(), 50);
    let next = contacts["next_cursor"].as_str().unwrap();
    let (_, rest) = api.get(&format!("/api/v1/contacts?after={next}")).await;
    assert_eq!(rest["data"].as_array().unwrap().len(), 10);
    let contact = contacts["data"][0]["id"].as_str().unwrap();
    let (status, updated) = api
        .call(reqwest::Method::PATCH, &format!("/api/v1/contacts/{contact}"), Some(json!({"name": "Lin", "email": "lin@example.com"})))
        .await;
    assert_eq!(status, 200);
    assert_eq!(updated["email"], "lin@example.com");
    assert_eq!(api.call(reqwest::Method::PATCH, &format!("/api/v1/contacts/{contact}"), Some(json!({"email": "nope"}))).await.0, 400);
}

#[tokio::test]
async fn a_key_never_reaches_another_workspace() {
    let app = spawn_app().await;
    let (_, site_key, _) = setup(&app).await;
    let (token, contact) = widget_session(&app, &site_key).await;
    let (mut visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    visitor.say(None, "Secret").await;
    let conversation = visitor.expect("ack").await["conversation_id"].as_str().unwrap().to_string();

    let mallory = app.new_browser();
    let theirs = mallory.sign_up_ok(&Person::new("Mallory")).await;
    let api = Api { app: &app, key: create_key(&mallory, &theirs, "snoop").await };
    assert_eq!(api.get(&format!("/api/v1/conversations/{conversation}")).await.0, 404);
    assert_eq!(api.get(&format!("/api/v1/conversations/{conversation}/messages")).await.0, 404);
    let post =
        api.call(reqwest::Method::POST, &format!("/api/v1/conversations/{conversation}/messages"), Some(json!({"body": "hi"}))).await;
    assert_eq!(post.0, 404);
    let patch =
        api.call(reqwest::Method::PATCH, &format!("/api/v1/conversations/{conversation}"), Some(json!({"status": "resolved"}))).await;
    assert_eq!(patch.0, 404);
    assert_eq!(api.call(reqwest::Method::PATCH, &format!("/api/v1/contacts/{contact}"), Some(json!({"name": "x"}))).await.0, 404);
    let (_, list) = api.get("/api/v1/conversations").await;
    assert_eq!(list["data"], json!([]));
    let (_, contacts) = api.get("/api/v1/contacts").await;
    assert_eq!(contacts["data"], json!([]));
    assert_eq!(app.count("messages"), 1);
}

#[tokio::test]
async fn an_api_key_opens_an_agent_socket_for_its_workspace_only() {
    let app = spawn_app().await;
    let (_, site_key, key) = setup(&app).await;
    let mut server = Socket::open(&app.address, &[]).await;
    server.send(json!({"type": "hello", "api_key": key})).await;
    let welcome = server.expect("welcome").await;
    assert_eq!(welcome["role"], "agent");
    let (token, _) = widget_session(&app, &site_key).await;
    let (mut visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    visitor.say(None, "Hello from the site").await;
    let conversation = visitor.expect("ack").await["conversation_id"].as_str().unwrap().to_string();
    assert_eq!(server.messages(1).await, vec![(1, "Hello from the site".to_string())]);
    server.say(Some(&conversation), "Hello from a bot").await;
    assert_eq!(server.expect("ack").await["seq"], 2);

    let mut wrong = Socket::open(&app.address, &[]).await;
    wrong.send(json!({"type": "hello", "api_key": "sk_nope"})).await;
    assert_eq!(wrong.expect("error").await["code"], "unauthorized");

    let mallory = app.new_browser();
    let theirs = mallory.sign_up_ok(&Person::new("Mallory")).await;
    let other_key = create_key(&mallory, &theirs, "snoop").await;
    let mut snoop = Socket::open(&app.address, &[]).await;
    snoop.send(json!({"type": "hello", "api_key": other_key})).await;
    snoop.expect("welcome").await;
    snoop.say(Some(&conversation), "injected").await;
    assert_eq!(snoop.expect("error").await["code"], "not_found");
    assert_eq!(app.count("messages"), 2);
}

/// The property names of a schema of the OpenAPI document, resolving `$ref`s.
fn schema_properties(document: &Value, schema: &Value) -> Vec<String> {
    let schema = match schema["$ref"].as_str() {
        Some(reference) => &document["components"]["schemas"][reference.trim_start_matches("#/components/schemas/")],
        None => schema,
    };
    let mut names: Vec<String> = schema["properties"].as_object().expect("an object schema").keys().cloned().collect();
    names.sort();
    names
}

fn keys_of(object: &Value) -> Vec<String> {
    let mut keys: Vec<String> = object.as_object().expect("an object").keys().cloned().collect();
    keys.sort();
    keys
}

/// The document lists every endpoint, and what the endpoints answer has exactly the fields the
/// document describes: a field added to a response without its schema fails here.
#[tokio::test]
async fn the_openapi_document_describes_every_endpoint_and_what_it_answers() {
    let app = spawn_app().await;
    let (_, site_key, key) = setup(&app).await;
    let document: Value = reqwest::get(format!("{}/api/v1/openapi.json", app.address)).await.unwrap().json().await.unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."), "{document}");
    let operations: Vec<String> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |method| format!("{} {path}", method.to_uppercase())))
        .collect();
    for expected in [
        "GET /api/v1/conversations",
        "GET /api/v1/conversations/{id}",
        "PATCH /api/v1/conversations/{id}",
        "GET /api/v1/conversations/{id}/messages",
        "POST /api/v1/conversations/{id}/messages",
        "GET /api/v1/contacts",
        "PATCH /api/v1/contacts/{id}",
        "GET /api/v1/contact_attributes",
        "POST /api/v1/contact_attributes",
        "DELETE /api/v1/contact_attributes/{id}",
        "POST /api/v1/invitations",
    ] {
        assert!(operations.contains(&expected.to_string()), "{expected} missing from {operations:?}");
    }
    assert_eq!(document["components"]["securitySchemes"]["api_key"]["scheme"], "bearer");

    let api = Api { app: &app, key };
    let (token, _) = widget_session(&app, &site_key).await;
    let (mut visitor, _) = Socket::visitor(&app, &token, json!({})).await;
    visitor.say(None, "Hello").await;
    let conversation = visitor.expect("ack").await["conversation_id"].as_str().unwrap().to_string();
    let schema_of = |path: &str, method: &str, status: &str| {
        document["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"].clone()
    };

    let (_, list) = api.get("/api/v1/conversations").await;
    let page_schema = schema_of("/api/v1/conversations", "get", "200");
    assert_eq!(keys_of(&list), schema_properties(&document, &page_schema));
    let row_schema = &document["components"]["schemas"]["ConversationJson"];
    assert_eq!(keys_of(&list["data"][0]), schema_properties(&document, row_schema));
    let (_, one) = api.get(&format!("/api/v1/conversations/{conversation}")).await;
    assert_eq!(keys_of(&one), schema_properties(&document, &schema_of("/api/v1/conversations/{id}", "get", "200")));
    let (_, sent) =
        api.call(reqwest::Method::POST, &format!("/api/v1/conversations/{conversation}/messages"), Some(json!({"body": "Hi!"}))).await;
    assert_eq!(keys_of(&sent), schema_properties(&document, &schema_of("/api/v1/conversations/{id}/messages", "post", "201")));
    let (_, contacts) = api.get("/api/v1/contacts").await;
    assert_eq!(keys_of(&contacts["data"][0]), schema_properties(&document, &document["components"]["schemas"]["ContactJson"]));
    let (status, error) = api.get("/api/v1/conversations?status=nope").await;
    assert_eq!(status, 400);
    assert_eq!(keys_of(&error["error"]), schema_properties(&document, &document["components"]["schemas"]["ErrorDetail"]));
}

#[tokio::test]
async fn a_key_invites_teammates_by_email() {
    let app = spawn_app().await;
    let (workspace, _, _) = setup(&app).await;
    let api = Api { app: &app, key: create_key_with(&app.browser, &workspace, "HR sync", &["admin"]).await };
    let (status, invitation) =
        api.call(reqwest::Method::POST, "/api/v1/invitations", Some(json!({"email": " Grace@Example.com ", "role": "agent"}))).await;
    assert_eq!(status, 201, "{invitation}");
    assert_eq!((invitation["email"].as_str(), invitation["role"].as_str()), (Some("grace@example.com"), Some("agent")));
    let email = app.wait_for_email("grace@example.com", "invited you to Ada's Shop").await;
    assert!(email.text.contains("/invitations/"));
    for (body, code) in [
        (json!({"email": "x@example.com", "role": "owner"}), 400),
        (json!({"email": "not an address", "role": "agent"}), 400),
        (json!({"email": "x@example.com", "role": "agent", "extra": 1}), 400),
    ] {
        assert_eq!(api.call(reqwest::Method::POST, "/api/v1/invitations", Some(body.clone())).await.0, code, "{body}");
    }
    assert_eq!(app.count("invitations"), 1);
    let log = app.browser.get_html(&format!("/app/{workspace}/settings/audit")).await;
    assert!(log.contains("(API key)") && log.contains("grace@example.com as agent"), "{log}");
}
