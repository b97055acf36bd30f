//! `/api/v1/conversations`: the list (cursor pages by last activity), one conversation, and
//! changes to its status and assignee, made by [`crate::conversations::actions`].

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{ApiKey, Object, Page, ReadKey, WriteKey, actor, openapi};
use crate::{
    conversations::{
        Audience, Conversation, ConversationStatus,
        actions::{self, Change, StatusChange},
        labels::{self, Label},
        ratings::{self, Rating},
    },
    db::{self, ConversationId, LabelId, UserId},
    error::AppError,
    inbox::queries::{self, ListFilter, View},
    state::AppState,
};

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
    /// Its labels, by name.
    labels: Vec<Label>,
    /// The visitor's rating, or `null` until they give one.
    rating: Option<RatingJson>,
}

/// A visitor's rating of a conversation.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RatingJson {
    /// From 1 (very bad) to 5 (very good).
    #[schema(minimum = 1, maximum = 5)]
    score: i16,
    /// What the visitor wrote with it, at most 1,000 characters.
    comment: Option<String>,
    /// When it was given, or last changed (within 7 days of the first rating).
    #[serde(with = "time::serde::rfc3339")]
    rated_at: OffsetDateTime,
    /// The member the conversation was assigned to when it was rated.
    agent_id: Option<Uuid>,
}

impl From<Rating> for RatingJson {
    fn from(rating: Rating) -> Self {
        RatingJson { score: rating.score, comment: rating.comment, rated_at: rating.rated_at, agent_id: rating.agent_id.map(|a| a.0) }
    }
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
    /// Its labels, by name.
    labels: Vec<Label>,
    /// The visitor's rating, or `null` until they give one.
    rating: Option<RatingJson>,
}

/// The position of a row in the conversation list, as a cursor: the Unix time of its last
/// message in microseconds (16 digits) and its id, lowercase. Every string of that shape (the
/// `after` pattern) is a position, so any cursor the document calls valid is one the API takes.
pub(super) fn encode_cursor(at: OffsetDateTime, id: Uuid) -> Result<String, AppError> {
    let micros = at.unix_timestamp_nanos() / 1_000;
    if !(0..10_i128.pow(16)).contains(&micros) {
        return Err(AppError::internal(anyhow::anyhow!("a conversation's time does not fit a cursor: {at}")));
    }
    Ok(format!("{micros:016}_{}", id.hyphenated()))
}

pub(super) fn decode_cursor(cursor: &str) -> Option<(OffsetDateTime, Uuid)> {
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
    /// Only conversations carrying this label (an id from `GET /api/v1/labels`).
    label: Option<Uuid>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{16}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", min_length = 53, max_length = 53)]
    after: Option<String>,
}

/// `GET /api/v1/conversations?status=open&label=...&after=...`: newest activity first, 25 per page.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations", params(ListQuery), security(("api_key" = ["read"])),
    responses((status = 200, description = "Newest activity first, 25 per page", body = Page<ConversationJson>),
        (status = 400, description = "A parameter does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `read` scope", body = openapi::ErrorBody),
        (status = 404, description = "No such label in this workspace", body = openapi::ErrorBody)))]
pub(super) async fn list_conversations(
    state: web::Data<AppState>,
    ReadKey(key): ReadKey,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = key.workspace_id;
    let status = query.status.unwrap_or(ConversationStatus::Open);
    let cursor = match query.after.as_deref() {
        Some(text) => Some(decode_cursor(text).ok_or_else(|| AppError::bad_request("after is not a cursor this API gave."))?),
        None => None,
    };
    // The sweep wakes snoozed conversations too, but the list must not wait for it.
    actions::wake_snoozed(&state, Some(workspace_id)).await?;
    let label = query.label.map(LabelId);
    let (rows, more, mut ratings) = db::run(&state.pool, move |conn| {
        if let Some(label) = label {
            labels::find(conn, workspace_id, label)?.ok_or(AppError::NotFound)?;
        }
        let filter = ListFilter { view: View::All, status, label };
        let (rows, more) = queries::list(conn, workspace_id, UserId(Uuid::nil()), filter, cursor)?;
        let ids: Vec<ConversationId> = rows.iter().map(|row| ConversationId(row.id)).collect();
        let ratings = ratings::of_conversations(conn, workspace_id, &ids)?;
        Ok((rows, more, ratings))
    })
    .await?;
    let next_cursor = match rows.last() {
        Some(last) if more => Some(encode_cursor(last.last_message_at, last.id)?),
        _ => None,
    };
    let data = rows
        .into_iter()
        .map(|row| ConversationJson {
            rating: ratings.remove(&ConversationId(row.id)).map(RatingJson::from),
            labels: row.labels(),
            id: row.id,
            status: row.status,
            assignee_id: row.assignee_id,
            contact: ContactRef { id: row.contact_id, name: row.contact_name, email: row.contact_email },
            unread: row.unread,
            last_message_at: row.last_message_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page { data, next_cursor }))
}

pub(super) async fn find(state: &AppState, key: &ApiKey, id: Uuid) -> Result<Conversation, AppError> {
    let workspace_id = key.workspace_id;
    db::run(&state.pool, move |conn| Conversation::find(conn, workspace_id, Audience::Agents, ConversationId(id)))
        .await?
        .ok_or(AppError::NotFound)
}

async fn conversation_json(state: &AppState, conversation: &Conversation) -> Result<ConversationDetail, AppError> {
    let (workspace_id, id) = (conversation.workspace_id, conversation.id);
    let (labels, rating) =
        db::run(&state.pool, move |conn| Ok((labels::on_conversation(conn, workspace_id, id)?, ratings::find(conn, workspace_id, id)?)))
            .await?;
    Ok(ConversationDetail {
        id: conversation.id.0,
        status: conversation.status,
        assignee_id: conversation.assignee_id.map(|a| a.0),
        contact_id: conversation.contact_id.0,
        last_seq: conversation.last_seq,
        last_message_at: conversation.last_message_at,
        labels,
        rating: rating.map(RatingJson::from),
    })
}

#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations",
    params(("id" = Uuid, Path, description = "Conversation id")), security(("api_key" = ["read"])),
    responses((status = 200, body = ConversationDetail),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `read` scope", body = openapi::ErrorBody),
        (status = 404, description = "No such conversation in this workspace", body = openapi::ErrorBody)))]
pub(super) async fn get_conversation(
    state: web::Data<AppState>,
    ReadKey(key): ReadKey,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, AppError> {
    let conversation = find(&state, &key, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(conversation_json(&state, &conversation).await?))
}

/// A status a conversation can be given here (snoozing needs a time: the inbox does it).
#[derive(Clone, Copy, Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NewStatus {
    Open,
    Pending,
    Resolved,
}

impl From<NewStatus> for ConversationStatus {
    fn from(status: NewStatus) -> Self {
        match status {
            NewStatus::Open => Self::Open,
            NewStatus::Pending => Self::Pending,
            NewStatus::Resolved => Self::Resolved,
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
    #[serde(default, with = "::serde_with::rust::double_option")]
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
pub(super) async fn update_conversation(
    state: web::Data<AppState>,
    WriteKey(key): WriteKey,
    path: web::Path<Uuid>,
    body: web::Json<Object<ConversationPatch>>,
) -> Result<HttpResponse, AppError> {
    let Object(ConversationPatch { status, assignee_id }) = body.into_inner();
    let change = Change {
        status: status.map(|status| StatusChange::To(status.into())),
        assignee: assignee_id.map(|assignee| assignee.map(UserId)),
        label: None,
    };
    let (workspace_id, id) = (key.workspace_id, ConversationId(path.into_inner()));
    let updated = actions::change(&state, workspace_id, actor(&key)?, id, change).await.map_err(|error| match error {
        AppError::Unprocessable(_) => AppError::Unprocessable("assignee_id is not a member of this workspace.".into()),
        other => other,
    })?;
    Ok(HttpResponse::Ok().json(conversation_json(&state, &updated).await?))
}

/// A rating in the list of ratings.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RatingListItem {
    conversation_id: Uuid,
    #[serde(flatten)]
    rating: RatingJson,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RatingsQuery {
    /// Only ratings given (or last changed) at or after this time, RFC 3339.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[param(value_type = Option<String>, format = DateTime)]
    from: Option<OffsetDateTime>,
    /// Only ratings given (or last changed) before this time, RFC 3339.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[param(value_type = Option<String>, format = DateTime)]
    to: Option<OffsetDateTime>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{16}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", min_length = 53, max_length = 53)]
    after: Option<String>,
}

/// `GET /api/v1/ratings?from=...&to=...&after=...`: visitors' ratings, newest first, 50 per page.
#[utoipa::path(get, path = "/api/v1/ratings", tag = "conversations", params(RatingsQuery), security(("api_key" = ["read"])),
    responses((status = 200, description = "Newest first (by when each was given or last changed), 50 per page", body = Page<RatingListItem>),
        (status = 400, description = "A parameter does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `read` scope", body = openapi::ErrorBody)))]
pub(super) async fn list_ratings(
    state: web::Data<AppState>,
    ReadKey(key): ReadKey,
    query: web::Query<RatingsQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = key.workspace_id;
    let RatingsQuery { from, to, after } = query.into_inner();
    let after = match after.as_deref() {
        Some(text) => {
            let (at, id) = decode_cursor(text).ok_or_else(|| AppError::bad_request("after is not a cursor this API gave."))?;
            Some((at, ConversationId(id)))
        }
        None => None,
    };
    let (rows, more) = db::run(&state.pool, move |conn| ratings::list(conn, workspace_id, from, to, after)).await?;
    let next_cursor = match rows.last() {
        Some(last) if more => Some(encode_cursor(last.rated_at, last.conversation_id.0)?),
        _ => None,
    };
    let data = rows
        .into_iter()
        .map(|rating| RatingListItem { conversation_id: rating.conversation_id.0, rating: RatingJson::from(rating) })
        .collect();
    Ok(HttpResponse::Ok().json(Page { data, next_cursor }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignee(body: &str) -> Option<Option<Uuid>> {
        serde_json::from_str::<ConversationPatch>(body).map(|patch| patch.assignee_id).unwrap_or_else(|e| panic!("{body}: {e}"))
    }

    #[test]
    fn a_patch_tells_a_left_out_assignee_from_a_null_one() {
        let id = Uuid::now_v7();
        assert_eq!(assignee("{}"), None, "no change");
        assert_eq!(assignee(r#"{"assignee_id": null}"#), Some(None), "unassign");
        assert_eq!(assignee(&format!(r#"{{"assignee_id": "{id}"}}"#)), Some(Some(id)));
        assert!(serde_json::from_str::<ConversationPatch>(r#"{"status": "snoozed"}"#).is_err(), "snoozing needs the inbox");
    }
}
