//! The REST API (`/api/v1`) for other systems, authenticated by secret API keys (`sk_...`):
//! conversations, their messages, replies as an agent, status and assignee changes, contacts.
//! The keys themselves are managed by admins in Settings ([`keys`]).
//!
//! Tenant rule: the key names the workspace ([`ApiKey`] extractor); every query takes its
//! `WorkspaceId`, and another workspace's object answers 404.

pub mod keys;
pub mod openapi;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub use self::keys::ApiKey;
use crate::{
    conversations::{self, Audience, Conversation, writer::NewMessage},
    db::{self, ContactId, ConversationId, UserId, schema::contacts as contacts_table, schema::conversations as conversations_table},
    error::AppError,
    inbox::queries::{self, View},
    realtime::{hub::Recipients, protocol::ServerFrame},
    state::AppState,
    workspaces::Workspace,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .app_data(web::JsonConfig::default().limit(64 * 1024))
            .route("/openapi.json", web::get().to(openapi::document))
            .route("/conversations", web::get().to(list_conversations))
            .route("/conversations/{id}", web::get().to(get_conversation))
            .route("/conversations/{id}", web::patch().to(update_conversation))
            .route("/conversations/{id}/messages", web::get().to(list_messages))
            .route("/conversations/{id}/messages", web::post().to(post_message))
            .route("/contacts", web::get().to(list_contacts))
            .route("/contacts/{id}", web::patch().to(update_contact))
            .route("/invitations", web::post().to(invite)),
    );
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// A row of the conversation list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ConversationJson {
    id: Uuid,
    /// `open`, `pending`, `snoozed` or `resolved`.
    status: String,
    assignee_id: Option<Uuid>,
    contact: ContactRef,
    /// Messages the team has not read yet.
    unread: i64,
    /// RFC 3339.
    last_message_at: String,
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
    status: String,
    assignee_id: Option<Uuid>,
    contact_id: Uuid,
    /// The `seq` of its newest message.
    last_seq: i64,
    /// RFC 3339.
    last_message_at: String,
}

/// A page of a list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    data: Vec<T>,
    /// Pass as `after` (for messages, `after_seq`) for the next page; `null` on the last one.
    next_cursor: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `open` (the default), `pending`, `snoozed` or `resolved`.
    status: Option<String>,
    /// The `next_cursor` of the previous page.
    after: Option<String>,
}

/// `GET /api/v1/conversations?status=open&after=...`: newest activity first, 25 per page.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations", params(ListQuery),
    responses((status = 200, description = "Newest activity first, 25 per page", body = Page<ConversationJson>),
        (status = 400, body = openapi::ErrorBody), (status = 401, body = openapi::ErrorBody)))]
async fn list_conversations(state: web::Data<AppState>, key: ApiKey, query: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let workspace_id = key.workspace_id;
    let status = match query.status.as_deref() {
        None => "open",
        Some(text) => queries::STATUSES
            .iter()
            .copied()
            .find(|s| *s == text)
            .ok_or_else(|| AppError::bad_request("status is one of open, pending, snoozed, resolved."))?,
    };
    let cursor = match query.after.as_deref() {
        Some(text) => Some(queries::parse_cursor(text).ok_or_else(|| AppError::bad_request("after is not a cursor this API gave."))?),
        None => None,
    };
    let (rows, more) = db::run(&state.pool, move |conn| {
        queries::wake_snoozed(conn, workspace_id)?;
        queries::list(conn, workspace_id, UserId(Uuid::nil()), View::All, status, cursor)
    })
    .await?;
    let next_cursor = if more { rows.last().map(queries::ConversationRow::cursor) } else { None };
    let data = rows
        .into_iter()
        .map(|row| ConversationJson {
            id: row.id,
            status: row.status,
            assignee_id: row.assignee_id,
            contact: ContactRef { id: row.contact_id, name: row.contact_name, email: row.contact_email },
            unread: row.unread,
            last_message_at: rfc3339(row.last_message_at),
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page { data, next_cursor }))
}

async fn find(state: &AppState, key: &ApiKey, id: Uuid) -> Result<Conversation, AppError> {
    let workspace_id = key.workspace_id;
    db::run(&state.pool, move |conn| Conversation::find(conn, workspace_id, Audience::Agents, ConversationId(id)))
        .await?
        .ok_or(AppError::NotFound)
}

fn conversation_json(conversation: &Conversation) -> ConversationDetail {
    ConversationDetail {
        id: conversation.id.0,
        status: conversation.status.clone(),
        assignee_id: conversation.assignee_id.map(|a| a.0),
        contact_id: conversation.contact_id.0,
        last_seq: conversation.last_seq,
        last_message_at: rfc3339(conversation.last_message_at),
    }
}

#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations", params(("id" = Uuid, Path, description = "Conversation id")),
    responses((status = 200, body = ConversationDetail), (status = 404, body = openapi::ErrorBody)))]
async fn get_conversation(state: web::Data<AppState>, key: ApiKey, path: web::Path<Uuid>) -> Result<HttpResponse, AppError> {
    let conversation = find(&state, &key, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(conversation_json(&conversation)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessagesQuery {
    /// Messages with a greater seq (default 0: from the first).
    after_seq: Option<i64>,
    /// 1 to 200 (default 100).
    limit: Option<i64>,
}

/// `GET /api/v1/conversations/{id}/messages?after_seq=N&limit=100`: in order, internal notes
/// included (the API acts for the team).
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages", tag = "messages",
    params(("id" = Uuid, Path, description = "Conversation id"), MessagesQuery),
    responses((status = 200, description = "In seq order", body = Page<crate::conversations::Message>),
        (status = 400, body = openapi::ErrorBody), (status = 404, body = openapi::ErrorBody)))]
async fn list_messages(
    state: web::Data<AppState>,
    key: ApiKey,
    path: web::Path<Uuid>,
    query: web::Query<MessagesQuery>,
) -> Result<HttpResponse, AppError> {
    let conversation = find(&state, &key, path.into_inner()).await?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=200).contains(&limit) {
        return Err(AppError::bad_request("limit is 1 to 200."));
    }
    let after = query.after_seq.unwrap_or(0);
    if after < 0 {
        return Err(AppError::bad_request("after_seq is 0 or more."));
    }
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
    /// 1 to 10,000 characters.
    body: String,
    /// An internal note, which the visitor never sees.
    #[serde(default)]
    private: bool,
    /// Retry-safe: the same client_id again returns the first result and stores nothing.
    client_id: Option<Uuid>,
}

/// `POST /api/v1/conversations/{id}/messages`: a reply (or internal note) as the key's creator.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "messages",
    params(("id" = Uuid, Path, description = "Conversation id")), request_body = PostMessage,
    responses((status = 201, description = "Stored and delivered", body = crate::conversations::Message),
        (status = 200, description = "A retry with a client_id already used: the first result, nothing stored", body = crate::conversations::Message),
        (status = 400, body = openapi::ErrorBody), (status = 404, body = openapi::ErrorBody), (status = 409, body = openapi::ErrorBody)))]
async fn post_message(
    state: web::Data<AppState>,
    key: ApiKey,
    path: web::Path<Uuid>,
    body: web::Json<PostMessage>,
) -> Result<HttpResponse, AppError> {
    let conversation = find(&state, &key, path.into_inner()).await?;
    let PostMessage { body, private, client_id } = body.into_inner();
    conversations::validate_body(&body).map_err(|(_, message)| AppError::BadRequest(message))?;
    let author =
        key.author.clone().ok_or_else(|| AppError::Conflict("The person who created this key has left; create a new key.".into()))?;
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
        .await?;
    let status = if stored.duplicate { actix_web::http::StatusCode::OK } else { actix_web::http::StatusCode::CREATED };
    Ok(HttpResponse::build(status).json(&stored.message))
}

/// The fields a PATCH may change; either may be left out.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ConversationPatch {
    /// `open`, `pending` or `resolved`.
    status: Option<String>,
    /// A member's user id, or `null` to unassign.
    assignee_id: Option<Uuid>,
}

#[utoipa::path(patch, path = "/api/v1/conversations/{id}", tag = "conversations",
    params(("id" = Uuid, Path, description = "Conversation id")), request_body = ConversationPatch,
    responses((status = 200, body = ConversationDetail), (status = 400, body = openapi::ErrorBody), (status = 404, body = openapi::ErrorBody)))]
async fn update_conversation(
    state: web::Data<AppState>,
    key: ApiKey,
    path: web::Path<Uuid>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, AppError> {
    use diesel::prelude::*;
    let conversation = find(&state, &key, path.into_inner()).await?;
    let object = body.as_object().ok_or_else(|| AppError::bad_request("Send a JSON object."))?;
    if let Some(unknown) = object.keys().find(|k| *k != "status" && *k != "assignee_id") {
        return Err(AppError::bad_request(format!("Unknown field {unknown:?}: only status and assignee_id change.")));
    }
    let status = match object.get("status") {
        None => None,
        Some(value) => Some(
            value
                .as_str()
                .and_then(|text| ["open", "pending", "resolved"].into_iter().find(|s| *s == text))
                .ok_or_else(|| AppError::bad_request("status is one of open, pending, resolved (snooze from the inbox)."))?,
        ),
    };
    let assignee = match object.get("assignee_id") {
        None => None,
        Some(serde_json::Value::Null) => Some(None),
        Some(value) => Some(Some(UserId(
            value
                .as_str()
                .and_then(|t| Uuid::parse_str(t).ok())
                .ok_or_else(|| AppError::bad_request("assignee_id is a user id or null."))?,
        ))),
    };
    let (workspace_id, id) = (key.workspace_id, conversation.id);
    // The change and its webhook event commit together.
    let updated = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            if let Some(Some(user)) = assignee
                && Workspace::find_for_member(conn, workspace_id, user)?.is_none()
            {
                return Err(AppError::bad_request("assignee_id is not a member of this workspace."));
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
    Ok(HttpResponse::Ok().json(conversation_json(&updated)))
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
    external_id: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
}

/// `GET /api/v1/contacts?after=<id>`: 50 per page, by id.
#[utoipa::path(get, path = "/api/v1/contacts", tag = "contacts", params(ContactsQuery),
    responses((status = 200, body = Page<ContactJson>), (status = 401, body = openapi::ErrorBody)))]
async fn list_contacts(state: web::Data<AppState>, key: ApiKey, query: web::Query<ContactsQuery>) -> Result<HttpResponse, AppError> {
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
                contacts_table::created_at,
            ))
            .load::<(ContactId, Option<String>, Option<String>, Option<String>, OffsetDateTime)>(conn)?
            .into_iter()
            .map(|(id, name, email, external_id, created_at)| ContactJson { id: id.0, name, email, external_id, created_at })
            .collect())
    })
    .await?;
    let more = rows.len() > 50;
    rows.truncate(50);
    let next_cursor = if more { rows.last().map(|c| c.id.to_string()) } else { None };
    Ok(HttpResponse::Ok().json(Page { data: rows, next_cursor }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPatch {
    name: Option<String>,
    email: Option<String>,
}

#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "contacts",
    params(("id" = Uuid, Path, description = "Contact id")), request_body = ContactPatch,
    responses((status = 200, body = ContactJson), (status = 400, body = openapi::ErrorBody), (status = 404, body = openapi::ErrorBody)))]
async fn update_contact(
    state: web::Data<AppState>,
    key: ApiKey,
    path: web::Path<Uuid>,
    body: web::Json<ContactPatch>,
) -> Result<HttpResponse, AppError> {
    use diesel::prelude::*;
    let ContactPatch { name, email } = body.into_inner();
    let name = name.map(|n| n.trim().to_string());
    if name.as_ref().is_some_and(|n| n.is_empty() || n.chars().count() > 200) {
        return Err(AppError::bad_request("name is 1 to 200 characters."));
    }
    let email = email.map(|e| e.trim().to_string());
    if email.as_ref().is_some_and(|e| !e.contains('@') || e.len() > 254 || e.contains(char::is_whitespace)) {
        return Err(AppError::bad_request("email is not an email address."));
    }
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
        created_at: updated.created_at,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    email: String,
    /// `agent` or `admin`.
    role: String,
}

/// An invitation that was sent.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InvitationJson {
    id: Uuid,
    email: String,
    role: String,
    /// RFC 3339: the link works until then, once.
    expires_at: String,
}

/// `POST /api/v1/invitations`: invites someone to the workspace by email, as the key's creator
/// (keys are created by admins). Past the plan's paid seats: 402 with what to do.
#[utoipa::path(post, path = "/api/v1/invitations", tag = "team", request_body = NewInvitation,
    responses((status = 201, description = "The invitation email is on its way", body = InvitationJson),
        (status = 400, body = openapi::ErrorBody), (status = 402, description = "No seat left on the plan: upgrade in Billing", body = openapi::ErrorBody),
        (status = 409, body = openapi::ErrorBody)))]
async fn invite(state: web::Data<AppState>, key: ApiKey, body: web::Json<NewInvitation>) -> Result<HttpResponse, AppError> {
    use crate::{
        auth::users::normalize_email,
        conversations::Author,
        workspaces::{Role, team::Invitation},
    };
    let NewInvitation { email, role } = body.into_inner();
    let address = normalize_email(&email).map_err(AppError::BadRequest)?;
    let role = match Role::from_choice(&role) {
        Some(role @ (Role::Admin | Role::Agent)) => role,
        _ => return Err(AppError::bad_request("role is agent or admin.")),
    };
    let Some(Author::Agent { user_id, name: inviter }) = key.author.clone() else {
        return Err(AppError::Conflict("The person who created this key has left; create a new key.".into()));
    };
    let (workspace_id, settings, to, by) = (key.workspace_id, state.settings.clone(), address.clone(), format!("{inviter} (API key)"));
    let (invitation, token, workspace_name) = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            crate::billing::ensure_seat_available(conn, settings.stripe.as_ref(), workspace_id, false)?;
            let (invitation, token) = Invitation::create(conn, workspace_id, &to, role, user_id)?;
            let workspace_name = Workspace::name_of(conn, workspace_id)?;
            let actor = crate::workspaces::audit::Actor { user_id: Some(user_id), name: by };
            crate::workspaces::audit::record(conn, workspace_id, &actor, "member.invited", &format!("{to} as {}", role.as_str()))?;
            Ok::<_, AppError>((invitation, token, workspace_name))
        })
    })
    .await?;
    let link = format!("{}/invitations/{token}", state.settings.public_base());
    state.mailer.send_later(crate::email::invitation(&address, &inviter, &workspace_name, role.label(), link)?);
    Ok(HttpResponse::Created().json(InvitationJson {
        id: invitation.id,
        email: invitation.email,
        role: invitation.role,
        expires_at: rfc3339(invitation.expires_at),
    }))
}
