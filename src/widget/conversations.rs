//! A returning visitor's conversations as the widget lists them (each with whether the chat
//! asks to rate it and the visitor's rating), and "Email me this conversation": the transcript
//! of one of them, mailed by the job queue.
//!
//! Tenant rule: the visitor token (`Authorization: Bearer vt_...`) names one contact of one
//! workspace, and every query here filters by both; another contact's conversation answers 404,
//! as one that does not exist.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::api::{authorize_visitor, bounded, parse, valid_email};
use crate::{
    conversations::{
        Conversation, VisitorConversation,
        contacts::Visitor,
        ratings::{self, VisitorRating},
    },
    db::{self, ConversationId},
    error::AppError,
    queue::{self, JobKind},
    state::AppState,
};

/// Transcripts of one conversation a visitor may ask for in an hour.
pub const TRANSCRIPTS_PER_HOUR: i64 = 3;

async fn visitor(req: &HttpRequest, state: &AppState) -> Result<Visitor, AppError> {
    let token = crate::auth::api_keys::bearer_secret(req)
        .ok_or_else(|| AppError::bad_request("Send the visitor token as Authorization: Bearer vt_..."))?;
    authorize_visitor(req, state, &token).await
}

#[derive(Serialize)]
struct ConversationList {
    conversations: Vec<Listed>,
}

/// A conversation as listed, with whether the chat asks to rate it and the visitor's rating.
#[derive(Serialize)]
struct Listed {
    #[serde(flatten)]
    conversation: VisitorConversation,
    #[serde(flatten)]
    rating: VisitorRating,
}

/// The conversations with their ratings, read in the same call.
fn with_ratings(
    conn: &mut diesel::PgConnection,
    visitor: (crate::db::WorkspaceId, crate::db::ContactId),
    conversations: Vec<VisitorConversation>,
) -> Result<Vec<Listed>, AppError> {
    let ids: Vec<ConversationId> = conversations.iter().map(|c| c.id).collect();
    let mut ratings = ratings::for_visitor(conn, visitor.0, visitor.1, &ids)?;
    Ok(conversations
        .into_iter()
        .map(|conversation| Listed { rating: ratings.remove(&conversation.id).unwrap_or_default(), conversation })
        .collect())
}

/// `GET /api/widget/v1/conversations`: the visitor's conversations, newest first (at most 50),
/// each with the start of its last message and how many replies they have not read.
pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let visitor = visitor(&req, &state).await?;
    let (workspace_id, contact_id) = (visitor.contact.workspace_id, visitor.contact.id);
    let conversations = db::run(&state.pool, move |conn| {
        let listed = VisitorConversation::list(conn, workspace_id, contact_id, None)?;
        with_ratings(conn, (workspace_id, contact_id), listed)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(ConversationList { conversations }))
}

/// `GET /api/widget/v1/conversations/{id}`: one of them, as listed.
pub async fn one(req: HttpRequest, state: web::Data<AppState>, path: web::Path<Uuid>) -> Result<HttpResponse, AppError> {
    let visitor = visitor(&req, &state).await?;
    let (workspace_id, contact_id, id) = (visitor.contact.workspace_id, visitor.contact.id, ConversationId(path.into_inner()));
    let mut found = db::run(&state.pool, move |conn| {
        let listed = VisitorConversation::list(conn, workspace_id, contact_id, Some(id))?;
        with_ratings(conn, (workspace_id, contact_id), listed)
    })
    .await?;
    let conversation = found.pop().ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(conversation))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TranscriptRequest {
    /// Where to send it, when the visitor has not given an email yet; kept on the contact.
    email: Option<String>,
    /// Made by the window for each click: a retried request sends no second email.
    request_id: Option<Uuid>,
}

#[derive(Serialize)]
struct TranscriptAccepted {
    email: String,
}

/// `POST /api/widget/v1/conversations/{id}/transcript`: emails the visitor the conversation
/// (202 with the address). Without a known or given email it answers 400 asking for one; past
/// [`TRANSCRIPTS_PER_HOUR`] it answers 429 and sends nothing.
pub async fn transcript(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let TranscriptRequest { email, request_id } = if body.is_empty() { TranscriptRequest::default() } else { parse(&body)? };
    let email = bounded("email", email, 254)?;
    if email.as_deref().is_some_and(|e| !valid_email(e)) {
        return Err(AppError::bad_request("Enter an email address like name@example.com."));
    }
    let visitor = visitor(&req, &state).await?;
    let conversation_id = ConversationId(path.into_inner());
    let request_id = request_id.unwrap_or_else(Uuid::now_v7);
    let to = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let (workspace_id, contact_id) = (visitor.contact.workspace_id, visitor.contact.id);
            // Locked, so that two requests at once cannot both pass the limit.
            Conversation::lock_for_visitor(conn, workspace_id, contact_id, conversation_id)?.ok_or(AppError::NotFound)?;
            // A contact's own address wins: a typed one only fills a gap (as the chat's
            // email form does), so a transcript never goes where the contact does not read.
            let to = match (visitor.contact.email.clone(), email) {
                (Some(known), _) => known,
                (None, Some(typed)) => {
                    Visitor::introduce(conn, &visitor, &typed, None)?;
                    typed
                }
                (None, None) => return Err(AppError::bad_request("Which email address should we send it to?")),
            };
            let prefix = format!("transcript:{conversation_id}:");
            let key = format!("{prefix}{request_id}");
            if queue::exists(conn, workspace_id, &key)? {
                return Ok(to);
            }
            let since = time::OffsetDateTime::now_utc() - time::Duration::HOUR;
            if queue::count_since(conn, workspace_id, &prefix, since)? >= TRANSCRIPTS_PER_HOUR {
                return Err(AppError::LimitReached(format!(
                    "This conversation has been emailed {TRANSCRIPTS_PER_HOUR} times in the last hour. Try again later."
                )));
            }
            let payload = serde_json::json!({ "conversation_id": conversation_id, "to": to });
            queue::enqueue(conn, workspace_id, JobKind::Transcript, &key, payload, time::OffsetDateTime::now_utc())?;
            Ok(to)
        })
    })
    .await?;
    Ok(HttpResponse::Accepted().json(TranscriptAccepted { email: to }))
}
