//! The thread of a conversation's emails: every email Parlor sends a visitor about a
//! conversation gets its own Message-ID (kept in `email_messages`), names the thread's earlier
//! ids in `In-Reply-To` and `References` (the visitor's last email first of all, so that their
//! mail program files Parlor's answer under it), and, with two-way email on, carries the
//! conversation's signed `Reply-To` and the [`REPLY_ABOVE`] line that cuts its quote from the
//! answer.
//!
//! Tenant rule: every query takes the conversation's `WorkspaceId` and filters by it.

use diesel::prelude::*;
use uuid::Uuid;

use super::{Email, inbound::strip::REPLY_ABOVE, reply_address::ReplyAddresses};
use crate::{
    config::Settings,
    db::{
        ContactId, ConversationId, MessageId, WorkspaceId,
        schema::{conversations, email_messages},
    },
    error::AppError,
};

/// Earlier ids named in `References`, the latest ones (mail programs need no more).
const REFERENCES_MAX: i64 = 20;

/// Threads `email`, about conversation `id` of `workspace_id`, into the conversation's emails
/// and records its Message-ID (for Parlor's message `message`, when it is one). Nothing
/// happens for a conversation that no longer exists.
pub fn thread(
    conn: &mut PgConnection,
    settings: &Settings,
    workspace_id: WorkspaceId,
    id: ConversationId,
    message: Option<MessageId>,
    email: &mut Email,
) -> Result<(), AppError> {
    let contact: Option<ContactId> = conversations::table
        .filter(conversations::workspace_id.eq(workspace_id))
        .filter(conversations::id.eq(id))
        .select(conversations::contact_id)
        .first(conn)
        .optional()?;
    let Some(contact_id) = contact else { return Ok(()) };
    let mut earlier: Vec<(String, String)> = email_messages::table
        .filter(email_messages::workspace_id.eq(workspace_id))
        .filter(email_messages::conversation_id.eq(id))
        .order(email_messages::created_at.desc())
        .select((email_messages::rfc_message_id, email_messages::direction))
        .limit(REFERENCES_MAX)
        .load(conn)?;
    earlier.reverse();
    email.in_reply_to = earlier.iter().rev().find(|(_, direction)| direction == "in").or(earlier.last()).map(|(rfc_id, _)| rfc_id.clone());
    email.references = earlier.into_iter().map(|(rfc_id, _)| rfc_id).collect();
    let domain = match &settings.inbound {
        Some(inbound) => inbound.domain.clone(),
        None => settings.mail_from.rsplit('@').next().unwrap_or("parlor.invalid").trim_end_matches('>').to_string(),
    };
    let own_id = format!("{}@{domain}", Uuid::now_v7());
    if let Some(inbound) = &settings.inbound {
        email.reply_to = Some(ReplyAddresses::new(settings.secret_bytes()).address(&inbound.domain, workspace_id, id, contact_id));
        email.text = format!("{REPLY_ABOVE}\n\n{}", email.text);
    }
    diesel::insert_into(email_messages::table)
        .values((
            email_messages::id.eq(Uuid::now_v7()),
            email_messages::workspace_id.eq(workspace_id),
            email_messages::conversation_id.eq(id),
            email_messages::message_id.eq(message),
            email_messages::direction.eq("out"),
            email_messages::rfc_message_id.eq(&own_id),
            email_messages::subject.eq(&email.subject),
        ))
        .execute(conn)?;
    email.message_id = Some(own_id);
    Ok(())
}
