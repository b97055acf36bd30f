//! The agent inbox: the conversation list (views, statuses, keyset pages, live updates,
//! [`list`], filtered by view, status and label), a conversation with its history, labels and
//! contact panel ([`conversation`]), the forms that change it (assign, status, snooze, labels,
//! contact edits and blocks: [`changes`]), search ([`search`]), and
//! canned responses ([`canned`]).
//!
//! Tenant rule: every handler takes a [`crate::auth::Member`], whose `WorkspaceId` every query takes; a
//! conversation or contact of another workspace answers 404.
//!
//! Pages are server-rendered and work without JavaScript; `static/inbox.js` adds the live
//! parts over the agent's WebSocket (new messages, typing, presence, replies with client ids),
//! and files: uploaded from the composer (`POST /app/{workspace}/uploads`, in `files::routes`)
//! and shown in messages and the contact panel with the signed links `files` hands out.

pub mod canned;
pub mod changes;
pub mod conversation;
pub mod list;
pub mod queries;
pub mod search;
pub mod snooze;

use actix_web::{HttpResponse, web};
use time::OffsetDateTime;

use crate::{
    db::{ConversationId, WorkspaceId},
    web::see_other,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/inbox", web::get().to(list::list_page))
        .route("/app/{workspace_id}/inbox/search", web::get().to(search::search_page))
        .route("/app/{workspace_id}/inbox/rows/{conversation_id}", web::get().to(list::row_fragment))
        .route("/app/{workspace_id}/inbox/{conversation_id}", web::get().to(conversation::conversation_page))
        .route("/app/{workspace_id}/inbox/{conversation_id}/history", web::get().to(conversation::history_fragment))
        .route("/app/{workspace_id}/inbox/{conversation_id}/reply", web::post().to(conversation::reply))
        .route(
            "/app/{workspace_id}/inbox/{conversation_id}/emails/{email_id}/original",
            web::get().to(crate::email::inbound::original::original),
        )
        .route("/app/{workspace_id}/inbox/{conversation_id}/assign", web::post().to(changes::assign))
        .route("/app/{workspace_id}/inbox/{conversation_id}/status", web::post().to(changes::set_status))
        .route("/app/{workspace_id}/inbox/{conversation_id}/labels", web::get().to(conversation::labels_fragment))
        .route("/app/{workspace_id}/inbox/{conversation_id}/labels", web::post().to(changes::add_label))
        .route("/app/{workspace_id}/inbox/{conversation_id}/labels/{label_id}/remove", web::post().to(changes::remove_label))
        .route("/app/{workspace_id}/contacts/{contact_id}", web::post().to(changes::edit_contact))
        .route("/app/{workspace_id}/contacts/{contact_id}/block", web::post().to(changes::block_contact))
        .route("/app/{workspace_id}/contacts/{contact_id}/unblock", web::post().to(changes::unblock_contact))
        .configure(canned::configure);
}

pub(crate) fn describe_time(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[month repr:short] [day padding:none], [hour]:[minute] UTC");
    at.format(&format).unwrap_or_default()
}

pub(crate) fn iso(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// The conversation page again, with the list as it was (`keep`) and a notice.
pub(crate) fn back_to(workspace_id: WorkspaceId, conversation_id: ConversationId, keep: Option<&str>, notice: &str) -> HttpResponse {
    let keep = keep
        .filter(|k| k.split('&').all(|p| p.starts_with("view=") || p.starts_with("status=") || p.starts_with("label=")))
        .filter(|k| k.bytes().all(|b| b.is_ascii_alphanumeric() || b"=&-_".contains(&b)))
        .unwrap_or("");
    see_other(&format!("/app/{workspace_id}/inbox/{conversation_id}?{keep}&notice={notice}"))
}
