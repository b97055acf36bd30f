//! `/api/v1/conversations/{id}/messages`: a conversation's messages in `seq` pages, internal
//! notes included, and replies or notes sent as the key's creator through the message writer.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use uuid::Uuid;

use super::{Object, Page, ReadKey, WriteKey, conversations::find, openapi};
use crate::{
    conversations::{self, Audience, Conversation, contacts, writer::NewMessage},
    db::{self, ConversationId},
    error::AppError,
    state::AppState,
};

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
pub(super) async fn list_messages(
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
    let mut data: Vec<_> = messages.into_iter().take(limit as usize).collect();
    state.files.links.sign_messages(&mut data);
    let next = if more { data.last().map(|m| m.seq.to_string()) } else { None };
    Ok(HttpResponse::Ok().json(Page { data, next_cursor: next }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostMessage {
    /// The text: at most 10,000 characters, not only white space; may be left out (or empty)
    /// when the message carries attachments.
    #[schema(max_length = 10000, pattern = r"^[^\u0000]*$")]
    #[serde(default)]
    body: String,
    /// Upload ids from `POST /api/v1/uploads` by this key's creator, at most 10, each sent once.
    #[serde(default)]
    #[schema(value_type = Vec<Uuid>, max_items = 10)]
    attachments: Vec<crate::db::UploadId>,
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
        (status = 403, description = "The key lacks the `write` scope, or the conversation's contact is blocked (a reply, not an internal note)", body = openapi::ErrorBody),
        (status = 404, description = "No such conversation in this workspace", body = openapi::ErrorBody),
        (status = 409, description = "The client_id belongs to another message (not one this key's creator sent)", body = openapi::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = openapi::ErrorBody),
        (status = 422, description = "Neither a body nor attachments, or an attachment that is not this key's creator's upload or was already sent", body = openapi::ErrorBody)))]
pub(super) async fn post_message(
    state: web::Data<AppState>,
    WriteKey(key): WriteKey,
    path: web::Path<Uuid>,
    body: web::Json<Object<PostMessage>>,
) -> Result<HttpResponse, AppError> {
    let Object(PostMessage { body, private, client_id, attachments }) = body.into_inner();
    if body.contains('\0') {
        return Err(AppError::bad_request("body cannot contain NUL characters."));
    }
    // Schema-valid but saying nothing (no text, no file): well-formed, not storable.
    conversations::validate_body(&body, attachments.len()).map_err(|(code, message)| match code {
        "empty_body" => AppError::Unprocessable("Send a body, attachments, or both.".into()),
        _ => AppError::BadRequest(message),
    })?;
    let (workspace_id, conversation_id) = (key.workspace_id, ConversationId(path.into_inner()));
    let (conversation, blocked) = db::run(&state.pool, move |conn| {
        let conversation = Conversation::find(conn, workspace_id, Audience::Agents, conversation_id)?.ok_or(AppError::NotFound)?;
        let blocked = contacts::is_blocked(conn, workspace_id, conversation.contact_id)?;
        Ok((conversation, blocked))
    })
    .await?;
    // A blocked contact can no longer read the chat; an internal note is for the team.
    if blocked && !private {
        return Err(AppError::Forbidden(contacts::REPLY_TO_BLOCKED.into()));
    }
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
            attachments,
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
