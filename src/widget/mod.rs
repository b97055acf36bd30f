//! The widget's API: visitor sessions. A website's visitor starts (or continues) a session with
//! the workspace's public site key and gets a visitor token for the WebSocket.
//!
//! Tenant rule: the site key names the workspace; the visitor token names one contact of it.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::{
    conversations::{
        Conversation,
        contacts::{self, Visitor},
    },
    db::{self, ContactId, ConversationId},
    error::AppError,
    startup::AppState,
    web::client_ip,
    workspaces::Workspace,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/widget/v1/sessions", web::post().to(create_session));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    site_key: String,
    visitor_token: Option<String>,
}

#[derive(Serialize)]
struct SessionWorkspace {
    name: String,
}

#[derive(Serialize)]
struct SessionConversation {
    id: ConversationId,
    status: String,
    last_seq: i64,
}

#[derive(Serialize)]
struct SessionResponse {
    visitor_token: String,
    visitor_id: ContactId,
    workspace: SessionWorkspace,
    conversations: Vec<SessionConversation>,
}

/// `POST /api/widget/v1/sessions`: `{"site_key": "pk_...", "visitor_token": "..."?}`.
async fn create_session(req: HttpRequest, state: web::Data<AppState>, body: web::Json<SessionRequest>) -> Result<HttpResponse, AppError> {
    state.limiters.widget_session_per_ip.check(&client_ip(&req))?;
    let SessionRequest { site_key, visitor_token } = body.into_inner();
    if site_key.len() > 64 {
        return Err(AppError::NotFound);
    }
    let continuing = visitor_token.as_deref().and_then(|t| contacts::decode_token(state.settings.secret_bytes(), t));
    let (workspace, visitor, conversations) = db::run(&state.pool, move |conn| {
        let workspace = Workspace::find_by_site_key(conn, &site_key)?.ok_or(AppError::NotFound)?;
        let existing = match continuing {
            Some(session_id) => Visitor::find(conn, session_id)?.filter(|v| v.contact.workspace_id == workspace.id),
            None => None,
        };
        let visitor = match existing {
            Some(visitor) => {
                Visitor::touch(conn, &visitor)?;
                visitor
            }
            None => Visitor::create(conn, workspace.id)?,
        };
        let conversations = Conversation::list_for_contact(conn, workspace.id, visitor.contact.id)?;
        Ok((workspace, visitor, conversations))
    })
    .await?;
    Ok(HttpResponse::Ok().json(SessionResponse {
        visitor_token: contacts::encode_token(state.settings.secret_bytes(), visitor.session_id),
        visitor_id: visitor.contact.id,
        workspace: SessionWorkspace { name: workspace.name },
        conversations: conversations
            .into_iter()
            .map(|c| SessionConversation { id: c.id, status: c.status, last_seq: c.last_seq })
            .collect(),
    }))
}
