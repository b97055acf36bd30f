//! The REST API (`/api/v1`) for other systems, authenticated by secret API keys (`sk_...`):
//! conversations, their messages, replies as an agent, status and assignee changes, contacts,
//! invitations. The keys themselves ([`crate::auth::api_keys`]) are managed by admins in
//! Settings; what each handler needs of its key (`read`, `write`, `admin`) is the type of its
//! key argument.
//!
//! The request and response types here are what the OpenAPI document ([`openapi`]) describes:
//! every limit a handler enforces is in their schema, so that a request the document calls
//! valid is never refused for a reason it does not state.
//!
//! Tenant rule: the key names the workspace ([`ApiKey`]); every query takes its
//! `WorkspaceId`, and another workspace's object answers 404.

pub mod openapi;

use actix_web::{HttpRequest, HttpResponse, error::JsonPayloadError, middleware, web};
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub use crate::auth::api_keys::{AdminKey, ApiKey, ReadKey, Scope, Scopes, WriteKey};
use crate::{
    conversations::{self, Audience, Conversation, writer::NewMessage},
    db::{self, ContactId, ConversationId, UserId, schema::contacts as contacts_table, schema::conversations as conversations_table},
    error::AppError,
    inbox::queries::{self, View},
    realtime::{hub::Recipients, protocol::ServerFrame},
    state::AppState,
    workspaces::Workspace,
};

/// Request bodies are at most this many bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Public, like any API's documentation: outside the scope that asks for a key.
    cfg.service(resource("/api/v1/openapi.json", "GET").route(web::get().to(openapi::document)));
    cfg.service(
        web::scope("/api/v1")
            .wrap(middleware::from_fn(crate::auth::api_keys::authenticate_requests))
            .app_data(web::JsonConfig::default().limit(BODY_LIMIT).error_handler(json_error))
            .app_data(web::QueryConfig::default().error_handler(|error, _| AppError::BadRequest(format!("{error}.")).into()))
            // A path id that is not a UUID names nothing.
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            .service(resource("/conversations", "GET").route(web::get().to(list_conversations)))
            .service(
                resource("/conversations/{id}", "GET, PATCH")
                    .route(web::get().to(get_conversation))
                    .route(web::patch().to(update_conversation)),
            )
            .service(
                resource("/conversations/{id}/messages", "GET, POST")
                    .route(web::get().to(list_messages))
                    .route(web::post().to(post_message)),
            )
            .service(resource("/contacts", "GET").route(web::get().to(list_contacts)))
            .service(resource("/contacts/{id}", "PATCH").route(web::patch().to(update_contact)))
            .service(resource("/invitations", "POST").route(web::post().to(invite))),
    );
}

/// A path of the API that answers other methods with 405 and the methods it does accept.
fn resource(path: &str, allow: &'static str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(move || async move { Err::<HttpResponse, _>(AppError::MethodNotAllowed(allow)) }))
}

/// Every body error is the API's JSON error: 413 past [`BODY_LIMIT`], 400 with serde's words
/// (which name the field and what it expects) otherwise.
fn json_error(error: JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    match error {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => AppError::PayloadTooLarge.into(),
        JsonPayloadError::ContentType => AppError::bad_request("Send a JSON body, with Content-Type: application/json.").into(),
        JsonPayloadError::Deserialize(error) => AppError::BadRequest(format!("The JSON body does not fit: {error}.")).into(),
        other => AppError::BadRequest(format!("The body could not be read: {other}.")).into(),
    }
}

/// A JSON body that must be an object. serde's derived structs also take an array of their
/// fields in order, which the schema (an object) does not allow, so the body is read as an
/// object first.
pub struct Object<T>(pub T);

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let object = serde_json::Map::deserialize(deserializer)?;
        serde_json::from_value(serde_json::Value::Object(object)).map(Object).map_err(serde::de::Error::custom)
    }
}

/// `Some(value)` for a field that is present, even as `null` (`Some(None)`); with
/// `#[serde(default)]`, an absent field stays `None`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(deserializer: D) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// Whether `text` says something: a character that is not white space (as Rust's `trim`
/// counts it), and no NUL, which Postgres cannot store. The schema states it as the pattern
/// `^[^\u0000]*[^\u0000\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000]*$`.
fn says_something(text: &str) -> bool {
    !text.contains('\0') && !text.trim().is_empty()
}

/// Where a conversation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConversationStatus {
    Open,
    Pending,
    Snoozed,
    Resolved,
}

impl ConversationStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Pending => "pending",
            Self::Snoozed => "snoozed",
            Self::Resolved => "resolved",
        }
    }

    fn from_db(value: &str) -> Result<Self, AppError> {
        [Self::Open, Self::Pending, Self::Snoozed, Self::Resolved]
            .into_iter()
            .find(|status| status.as_str() == value)
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("unknown conversation status in database: {value}")))
    }
}

/// A row of the conversation list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ConversationJson {
    id: Uuid,
    status: ConversationStatus,
    assignee_id: Option<Uuid>,
    contact: ContactRef,
    /// Messages the team has not read yet.
    unread: i64,
    #[serde(with = "time::serde::rfc3339")]
    last_message_at: OffsetDateTime,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ContactRef {
    id: Uuid,
    name: Option<String>,
    email: Option<String>,
}

/// One conversation.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ConversationDetail {
    id: Uuid,
    status: ConversationStatus,
    assignee_id: Option<Uuid>,
    contact_id: Uuid,
    /// The `seq` of its newest message.
    last_seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    last_message_at: OffsetDateTime,
}

/// A page of a list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    data: Vec<T>,
    /// Pass as `after` (for messages, `after_seq`) for the next page; `null` on the last one.
    next_cursor: Option<String>,
}

/// The position of a row in the conversation list, as a cursor: the Unix time of its last
/// message in microseconds (16 digits) and its id, lowercase. Every string of that shape (the
/// `after` pattern) is a position, so any cursor the document calls valid is one the API takes.
fn encode_cursor(at: OffsetDateTime, id: Uuid) -> Result<String, AppError> {
    let micros = at.unix_timestamp_nanos() / 1_000;
    if !(0..10_i128.pow(16)).contains(&micros) {
        return Err(AppError::internal(anyhow::anyhow!("a conversation's time does not fit a cursor: {at}")));
    }
    Ok(format!("{micros:016}_{}", id.hyphenated()))
}

fn decode_cursor(cursor: &str) -> Option<(OffsetDateTime, Uuid)> {
    let (micros, id) = cursor.split_once('_')?;
    let canonical_id = id.len() == 36
        && id
            .bytes()
            .enumerate()
            .all(|(i, b)| if [8, 13, 18, 23].contains(&i) { b == b'-' } else { matches!(b, b'0'..=b'9' | b'a'..=b'f') });
    if micros.len() != 16 || !micros.bytes().all(|b| b.is_ascii_digit()) || !canonical_id {
        return None;
    }
    let at = OffsetDateTime::from_unix_timestamp_nanos(micros.parse::<i128>().ok()? * 1_000).ok()?;
    Some((at, Uuid::parse_str(id).ok()?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Which conversations; `open` when left out.
    status: Option<ConversationStatus>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{16}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", min_length = 53, max_length = 53)]
    after: Option<String>,
}

/// `GET /api/v1/conversations?status=open&after=...`: newest activity first, 25 per page.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations", params(ListQuery), security(("api_key" = ["read"])),
    responses((status = 200, description = "Newest activity first, 25 per page", body = Page<ConversationJson>),
        (status = 400, description = "A parameter does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `read` scope", body = openapi::ErrorBody)))]
async fn list_conversations(
    state: web::Data<AppState>,
    ReadKey(key): ReadKey,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = key.workspace_id;
    let status = query.status.unwrap_or(ConversationStatus::Open).as_str();
    let cursor = match query.after.as_deref() {
        Some(text) => Some(decode_cursor(text).ok_or_else(|| AppError::bad_request("after is not a cursor this API gave."))?),
        None => None,
    };
    let (rows, more) = db::run(&state.pool, move |conn| {
        queries::wake_snoozed(conn, workspace_id)?;
        queries::list(conn, workspace_id, UserId(Uuid::nil()), View::All, status, cursor)
    })
    .await?;
    let next_cursor = match rows.last() {
        Some(last) if more => Some(encode_cursor(last.last_message_at, last.id)?),
        _ => None,
    };
    let data = rows
        .into_iter()
        .map(|row| {
            Ok(ConversationJson {
                id: row.id,
                status: ConversationStatus::from_db(&row.status)?,
                assignee_id: row.assignee_id,
                contact: ContactRef { id: row.contact_id, name: row.contact_name, email: row.contact_email },
                unread: row.unread,
                last_message_at: row.last_message_at,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(HttpResponse::Ok().json(Page { data, next_cursor }))
}

async fn find(state: &AppState, key: &ApiKey, id: Uuid) -> Result<Conversation, AppError> {
    let workspace_id = key.workspace_id;
    db::run(&state.pool, move |conn| Conversation::find(conn, workspace_id, Audience::Agents, ConversationId(id)))
        .await?
        .ok_or(AppError::NotFound)
}

fn conversation_json(conversation: &Conversation) -> Result<ConversationDetail, AppError> {
    Ok(ConversationDetail {
        id: conversation.id.0,
        status: ConversationStatus::from_db(&conversation.status)?,
        assignee_id: conversation.assignee_id.map(|a| a.0),
        contact_id: conversation.contact_id.0,
        last_seq: conversation.last_seq,
        last_message_at: conversation.last_message_at,
    })
}

#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations",
    params(("id" = Uuid, Path, description = "Conversation id")), security(("api_key" = ["read"])),
    responses((status = 200, body = ConversationDetail),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `read` scope", body = openapi::ErrorBody),
        (status = 404, description = "No such conversation in this workspace", body = openapi::ErrorBody)))]
async fn get_conversation(state: web::Data<AppState>, ReadKey(key): ReadKey, path: web::Path<Uuid>) -> Result<HttpResponse, AppError> {
    let conversation = find(&state, &key, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(conversation_json(&conversation)?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessagesQuery {
    /// Messages with a greater seq (default 0: from the first).
    #[param(minimum = 0)]
    after_seq: Option<i64>,
    /// How many (default 100).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
}

/// `GET /api/v1/conversations/{id}/messages?after_seq=N&limit=100`: in order, internal notes
/// included (the API acts for the team).
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages", tag = "messages",
    params(("id" = Uuid, Path, description = "Conversation id"), MessagesQuery), security(("api_key" = ["read"])),
    responses((status = 200, description = "In seq order", body = Page<crate::conversations::Message>),
        (status = 400, description = "A parameter does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `read` scope", body = openapi::ErrorBody),
        (status = 404, description = "No such conversation in this workspace", body = openapi::ErrorBody)))]
async fn list_messages(
    state: web::Data<AppState>,
    ReadKey(key): ReadKey,
    path: web::Path<Uuid>,
    query: web::Query<MessagesQuery>,
) -> Result<HttpResponse, AppError> {
    let limit = query.limit.unwrap_or(100);
    if !(1..=200).contains(&limit) {
        return Err(AppError::bad_request("limit is 1 to 200."));
    }
    let after = query.after_seq.unwrap_or(0);
    if after < 0 {
        return Err(AppError::bad_request("after_seq is 0 or more."));
    }
    let conversation = find(&state, &key, path.into_inner()).await?;
    let workspace_id = key.workspace_id;
    let messages = db::run(&state.pool, move |conn| {
        conversations::messages_after(conn, workspace_id, Audience::Agents, conversation.id, after, None, limit + 1)
    })
    .await?;
    let more = messages.len() as i64 > limit;
    let data: Vec<_> = messages.into_iter().take(limit as usize).collect();
    let next = if more { data.last().map(|m| m.seq.to_string()) } else { None };
    Ok(HttpResponse::Ok().json(Page { data, next_cursor: next }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostMessage {
    /// The text: at most 10,000 characters, not only white space.
    #[schema(
        min_length = 1,
        max_length = 10000,
        pattern = r"^[^\u0000]*[^\u0000\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000]*$"
    )]
    body: String,
    /// An internal note, which the visitor never sees.
    #[serde(default)]
    private: bool,
    /// Retry-safe: the same client_id again returns the first result and stores nothing.
    client_id: Option<Uuid>,
}

/// `POST /api/v1/conversations/{id}/messages`: a reply (or internal note) as the key's creator.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "messages",
    params(("id" = Uuid, Path, description = "Conversation id")), request_body = PostMessage, security(("api_key" = ["write"])),
    responses((status = 201, description = "Stored and delivered", body = crate::conversations::Message),
        (status = 200, description = "A retry with a client_id already used: the first result, nothing stored", body = crate::conversations::Message),
        (status = 400, description = "The body does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `write` scope", body = openapi::ErrorBody),
        (status = 404, description = "No such conversation in this workspace", body = openapi::ErrorBody),
        (status = 409, description = "The client_id belongs to another message (not one this key's creator sent)", body = openapi::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = openapi::ErrorBody)))]
async fn post_message(
    state: web::Data<AppState>,
    WriteKey(key): WriteKey,
    path: web::Path<Uuid>,
    body: web::Json<Object<PostMessage>>,
) -> Result<HttpResponse, AppError> {
    let Object(PostMessage { body, private, client_id }) = body.into_inner();
    conversations::validate_body(&body).map_err(|(_, message)| AppError::BadRequest(message))?;
    if !says_something(&body) {
        return Err(AppError::bad_request("body cannot contain NUL characters."));
    }
    let conversation = find(&state, &key, path.into_inner()).await?;
    let author = key.author.clone().ok_or(AppError::SignInRequired)?;
    let stored = state
        .realtime
        .writer
        .send(NewMessage {
            workspace_id: key.workspace_id,
            author,
            conversation_id: Some(conversation.id),
            client_id: client_id.unwrap_or_else(Uuid::now_v7),
            body,
            private,
        })
        .await
        // The body was checked above, so the writer refuses only a client_id that another
        // message holds: a conflict with what is stored, not a malformed request.
        .map_err(|error| match error {
            AppError::BadRequest(message) => AppError::Conflict(message),
            other => other,
        })?;
    let status = if stored.duplicate { actix_web::http::StatusCode::OK } else { actix_web::http::StatusCode::CREATED };
    Ok(HttpResponse::build(status).json(&stored.message))
}

/// A status a conversation can be given here (snoozing needs a time: the inbox does it).
#[derive(Clone, Copy, Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NewStatus {
    Open,
    Pending,
    Resolved,
}

impl NewStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Pending => "pending",
            Self::Resolved => "resolved",
        }
    }
}

/// The fields a PATCH may change; either may be left out (or be `null`: no change to the
/// status, no assignee).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationPatch {
    #[serde(default)]
    status: Option<NewStatus>,
    /// A member's user id, or `null` to unassign.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    assignee_id: Option<Option<Uuid>>,
}

#[utoipa::path(patch, path = "/api/v1/conversations/{id}", tag = "conversations",
    params(("id" = Uuid, Path, description = "Conversation id")), request_body = ConversationPatch, security(("api_key" = ["write"])),
    responses((status = 200, body = ConversationDetail),
        (status = 400, description = "The body does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `write` scope", body = openapi::ErrorBody),
        (status = 404, description = "No such conversation in this workspace", body = openapi::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = openapi::ErrorBody),
        (status = 422, description = "assignee_id is not a member of this workspace", body = openapi::ErrorBody)))]
async fn update_conversation(
    state: web::Data<AppState>,
    WriteKey(key): WriteKey,
    path: web::Path<Uuid>,
    body: web::Json<Object<ConversationPatch>>,
) -> Result<HttpResponse, AppError> {
    use diesel::prelude::*;
    let Object(ConversationPatch { status, assignee_id }) = body.into_inner();
    let status = status.map(NewStatus::as_str);
    let assignee = assignee_id.map(|id| id.map(UserId));
    let conversation = find(&state, &key, path.into_inner()).await?;
    let (workspace_id, id) = (key.workspace_id, conversation.id);
    // The change and its webhook event commit together.
    let updated = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            if let Some(Some(user)) = assignee
                && Workspace::find_for_member(conn, workspace_id, user)?.is_none()
            {
                return Err(AppError::Unprocessable("assignee_id is not a member of this workspace.".into()));
            }
            let target = conversations_table::table
                .filter(conversations_table::workspace_id.eq(workspace_id))
                .filter(conversations_table::id.eq(id));
            if let Some(status) = status {
                diesel::update(target)
                    .set((conversations_table::status.eq(status), conversations_table::snoozed_until.eq(None::<OffsetDateTime>)))
                    .execute(conn)?;
            }
            if let Some(assignee) = assignee {
                diesel::update(target).set(conversations_table::assignee_id.eq(assignee)).execute(conn)?;
            }
            let updated = Conversation::find(conn, workspace_id, Audience::Agents, id)?.ok_or(AppError::NotFound)?;
            if status.is_some() {
                crate::webhooks::events::emit(
                    conn,
                    &[crate::webhooks::events::status_changed(workspace_id, updated.id, &updated.status, updated.assignee_id)],
                )?;
            }
            Ok::<_, AppError>(updated)
        })
    })
    .await?;
    let frame =
        ServerFrame::Conversation { conversation_id: updated.id, status: &updated.status, assignee_id: updated.assignee_id.map(|a| a.0) }
            .to_json();
    state.realtime.broadcast_frame(Recipients { workspace_id, agents: true, contact: None, except: None }, frame);
    Ok(HttpResponse::Ok().json(conversation_json(&updated)?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactsQuery {
    /// The `next_cursor` of the previous page.
    after: Option<Uuid>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ContactJson {
    id: Uuid,
    name: Option<String>,
    email: Option<String>,
    /// The visitor's id in your system, as your website gave it.
    external_id: Option<String>,
    /// Whether your website signed `external_id` (identity verification). When false, the
    /// id, name and email are only what the visitor's page claimed.
    identity_verified: bool,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
}

/// `GET /api/v1/contacts?after=<id>`: 50 per page, by id.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts", params(ContactsQuery), security(("api_key" = ["read"])),
    responses((status = 200, body = Page<ContactJson>),
        (status = 400, description = "A parameter does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `read` scope", body = openapi::ErrorBody)))]
async fn list_contacts(
    state: web::Data<AppState>,
    ReadKey(key): ReadKey,
    query: web::Query<ContactsQuery>,
) -> Result<HttpResponse, AppError> {
    use diesel::prelude::*;
    let workspace_id = key.workspace_id;
    let after = query.after.unwrap_or(Uuid::nil());
    let mut rows: Vec<ContactJson> = db::run(&state.pool, move |conn| {
        Ok(contacts_table::table
            .filter(contacts_table::workspace_id.eq(workspace_id))
            .filter(contacts_table::id.gt(ContactId(after)))
            .order(contacts_table::id.asc())
            .limit(51)
            .select((
                contacts_table::id,
                contacts_table::name,
                contacts_table::email,
                contacts_table::external_id,
                contacts_table::identity_verified,
                contacts_table::created_at,
            ))
            .load::<(ContactId, Option<String>, Option<String>, Option<String>, bool, OffsetDateTime)>(conn)?
            .into_iter()
            .map(|(id, name, email, external_id, identity_verified, created_at)| ContactJson {
                id: id.0,
                name,
                email,
                external_id,
                identity_verified,
                created_at,
            })
            .collect())
    })
    .await?;
    let more = rows.len() > 50;
    rows.truncate(50);
    let next_cursor = if more { rows.last().map(|c| c.id.to_string()) } else { None };
    Ok(HttpResponse::Ok().json(Page { data: rows, next_cursor }))
}

/// The fields a PATCH may change; either may be left out (`null` is no change too).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPatch {
    /// At most 200 characters, not only white space; stored without surrounding white space.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000]*[^\u0000\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000]*$"
    )]
    name: Option<String>,
    #[schema(format = Email, max_length = 254)]
    email: Option<String>,
}

#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "contacts",
    params(("id" = Uuid, Path, description = "Contact id")), request_body = ContactPatch, security(("api_key" = ["write"])),
    responses((status = 200, body = ContactJson),
        (status = 400, description = "The body does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `write` scope", body = openapi::ErrorBody),
        (status = 404, description = "No such contact in this workspace", body = openapi::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = openapi::ErrorBody)))]
async fn update_contact(
    state: web::Data<AppState>,
    WriteKey(key): WriteKey,
    path: web::Path<Uuid>,
    body: web::Json<Object<ContactPatch>>,
) -> Result<HttpResponse, AppError> {
    use diesel::prelude::*;
    let Object(ContactPatch { name, email }) = body.into_inner();
    // The length counts what was sent, as the schema's maxLength does.
    if name.as_ref().is_some_and(|n| !says_something(n) || n.chars().count() > 200) {
        return Err(AppError::bad_request("name is 1 to 200 characters, not only white space."));
    }
    let name = name.map(|n| n.trim().to_string());
    if email.as_ref().is_some_and(|e| e.chars().count() > 254 || e.trim().parse::<lettre::Address>().is_err()) {
        return Err(AppError::bad_request("email is not an email address."));
    }
    let email = email.map(|e| e.trim().to_string());
    let (workspace_id, id) = (key.workspace_id, ContactId(path.into_inner()));
    let updated = db::run(&state.pool, move |conn| {
        let target = contacts_table::table.filter(contacts_table::workspace_id.eq(workspace_id)).filter(contacts_table::id.eq(id));
        let found: i64 = target.count().get_result(conn)?;
        if found == 0 {
            return Err(AppError::NotFound);
        }
        if let Some(name) = name {
            diesel::update(target).set(contacts_table::name.eq(name)).execute(conn)?;
        }
        if let Some(email) = email {
            diesel::update(target).set(contacts_table::email.eq(email)).execute(conn)?;
        }
        queries::contact(conn, workspace_id, id)?.ok_or(AppError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ContactJson {
        id: updated.id.0,
        name: updated.name,
        email: updated.email,
        external_id: updated.external_id,
        identity_verified: updated.identity_verified,
        created_at: updated.created_at,
    }))
}

/// The role an invitee gets (ownership is handed over once they have joined).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum InviteRole {
    Agent,
    Admin,
}

impl InviteRole {
    fn role(self) -> crate::workspaces::Role {
        match self {
            Self::Agent => crate::workspaces::Role::Agent,
            Self::Admin => crate::workspaces::Role::Admin,
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    #[schema(format = Email, max_length = 254)]
    email: String,
    role: InviteRole,
}

/// An invitation that was sent.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InvitationJson {
    id: Uuid,
    /// As stored: trimmed and lowercase.
    #[schema(format = Email)]
    email: String,
    role: InviteRole,
    /// The link works until then, once.
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
}

/// `POST /api/v1/invitations`: invites someone to the workspace by email, as the key's creator
/// (an admin: the key needs the `admin` scope). Past the plan's paid seats: 402 with what to do.
#[utoipa::path(post, path = "/api/v1/invitations", tag = "team", request_body = NewInvitation, security(("api_key" = ["admin"])),
    responses((status = 201, description = "The invitation email is on its way", body = InvitationJson),
        (status = 400, description = "The body does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 402, description = "No seat left on the plan: upgrade in Billing", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `admin` scope, or its creator is no longer an owner or admin", body = openapi::ErrorBody),
        (status = 409, description = "Already a member, or too many invitations are waiting", body = openapi::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = openapi::ErrorBody)))]
async fn invite(
    state: web::Data<AppState>,
    AdminKey(key): AdminKey,
    body: web::Json<Object<NewInvitation>>,
) -> Result<HttpResponse, AppError> {
    use crate::{auth::users::normalize_email, conversations::Author, workspaces::team::Invitation};
    let Object(NewInvitation { email, role }) = body.into_inner();
    if email.chars().count() > 254 {
        return Err(AppError::bad_request("email is at most 254 characters."));
    }
    let address = normalize_email(&email).map_err(AppError::BadRequest)?;
    let Some(Author::Agent { user_id, name: inviter }) = key.author.clone() else { return Err(AppError::SignInRequired) };
    let (workspace_id, settings, to, by) = (key.workspace_id, state.settings.clone(), address.clone(), format!("{inviter} (API key)"));
    let (invitation, token, workspace_name) = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            crate::billing::ensure_seat_available(conn, settings.stripe.as_ref(), workspace_id, false)?;
            // The role is never the owner here, so the only refusal left is the limit on
            // waiting invitations: a conflict with what is stored, not a malformed request.
            let (invitation, token) = Invitation::create(conn, workspace_id, &to, role.role(), user_id).map_err(|error| match error {
                AppError::BadRequest(message) => AppError::Conflict(message),
                other => other,
            })?;
            let workspace_name = Workspace::name_of(conn, workspace_id)?;
            let actor = crate::workspaces::audit::Actor { user_id: Some(user_id), name: by };
            crate::workspaces::audit::record(conn, workspace_id, &actor, "member.invited", &format!("{to} as {}", role.role().as_str()))?;
            Ok::<_, AppError>((invitation, token, workspace_name))
        })
    })
    .await?;
    let link = format!("{}/invitations/{token}", state.settings.public_base());
    state.mailer.send_later(crate::email::invitation(&address, &inviter, &workspace_name, role.role().label(), link)?);
    Ok(HttpResponse::Created().json(InvitationJson { id: invitation.id, email: invitation.email, role, expires_at: invitation.expires_at }))
}
