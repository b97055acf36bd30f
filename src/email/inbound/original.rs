//! The original of an email that became a message, for the workspace's agents: the inbox's
//! "View original email" link serves the MIME as Parlor received it, as plain text to read in
//! the browser, or (`?download=1`) as a `message/rfc822` file for a mail program.
//!
//! Tenant rule: the email is looked up by the member's `WorkspaceId`, the conversation and its
//! id together; another workspace's answers 404.

use actix_web::{HttpResponse, http::header, web};
use diesel::prelude::*;
use futures_util::StreamExt;
use uuid::Uuid;

use crate::{
    auth::Member,
    db::{self, ConversationId, schema::email_messages},
    error::AppError,
    state::AppState,
};

#[derive(serde::Deserialize)]
pub struct OriginalQuery {
    download: Option<String>,
}

/// `GET /app/{workspace_id}/inbox/{conversation_id}/emails/{email_id}/original`.
pub async fn original(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid, Uuid)>,
    query: web::Query<OriginalQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, conversation_id, email_id) = path.into_inner();
    let workspace_id = member.workspace_id();
    let key: Option<String> = db::run(&state.pool, move |conn| {
        Ok(email_messages::table
            .filter(email_messages::workspace_id.eq(workspace_id))
            .filter(email_messages::conversation_id.eq(ConversationId(conversation_id)))
            .filter(email_messages::id.eq(email_id))
            .select(email_messages::raw_storage_key)
            .first::<Option<String>>(conn)
            .optional()?
            .flatten())
    })
    .await?;
    let key = key.ok_or(AppError::NotFound)?;
    let download = state.files.storage.get(&key).await?;
    let body = download.body.map(|chunk| chunk.map_err(|e| actix_web::error::ErrorServiceUnavailable(e.to_string())));
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CACHE_CONTROL, "private, no-store"));
    if query.download.is_some() {
        response
            .content_type("message/rfc822")
            .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"email-{email_id}.eml\"")));
    } else {
        response.content_type("text/plain; charset=utf-8").insert_header((header::CONTENT_DISPOSITION, "inline"));
    }
    Ok(response.streaming(body))
}
