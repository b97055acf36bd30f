//! Webhook events, stored as deliveries to every subscribed endpoint in the transaction of the
//! change that caused them. Kept apart from delivery so that whoever records an event (the
//! message writer, status changes) depends on nothing but the database.

use diesel::{
    prelude::*,
    sql_types::{Array, Text, Uuid as SqlUuid},
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    conversations::{Conversation, ConversationStatus, labels::Label},
    db::{ConversationId, UserId, WorkspaceId},
};

/// One event about to be stored for every endpoint of its workspace that subscribes to it.
pub struct Event {
    pub workspace_id: WorkspaceId,
    pub event_type: &'static str,
    pub data: Value,
}

impl Event {
    pub(super) fn envelope(&self, id: Uuid, now: OffsetDateTime) -> Value {
        json!({
            "id": id,
            "type": self.event_type,
            "created_at": now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
            "workspace_id": self.workspace_id,
            "data": self.data,
        })
    }
}

/// Stores `events` as deliveries to the endpoints that subscribe to them: one statement,
/// whatever the number of events, and nothing at all written for workspaces without endpoints.
pub fn emit(conn: &mut PgConnection, events: &[Event]) -> Result<(), diesel::result::Error> {
    if events.is_empty() {
        return Ok(());
    }
    let now = OffsetDateTime::now_utc();
    let mut workspace_ids = Vec::with_capacity(events.len());
    let mut event_ids = Vec::with_capacity(events.len());
    let mut types = Vec::with_capacity(events.len());
    let mut payloads = Vec::with_capacity(events.len());
    for event in events {
        let id = Uuid::now_v7();
        workspace_ids.push(event.workspace_id);
        event_ids.push(id);
        types.push(event.event_type);
        payloads.push(event.envelope(id, now).to_string());
    }
    crate::db::CachedSql::new(
        "INSERT INTO webhook_deliveries (id, workspace_id, endpoint_id, event_id, event_type, payload)
         SELECT gen_random_uuid(), e.workspace_id, w.id, e.event_id, e.event_type, e.payload::jsonb
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) AS e(workspace_id, event_id, event_type, payload)
         JOIN webhook_endpoints w ON w.workspace_id = e.workspace_id AND w.enabled AND e.event_type = ANY (w.events)",
    )
    .bind::<Array<SqlUuid>, _>(&workspace_ids)
    .bind::<Array<SqlUuid>, _>(&event_ids)
    .bind::<Array<Text>, _>(&types)
    .bind::<Array<Text>, _>(&payloads)
    .execute(conn)?;
    Ok(())
}

/// A conversation's new status, as a member, an API key or the end of a snooze set it.
pub fn status_changed(
    workspace_id: WorkspaceId,
    conversation_id: ConversationId,
    status: ConversationStatus,
    assignee: Option<UserId>,
) -> Event {
    Event {
        workspace_id,
        event_type: "conversation.status_changed",
        data: json!({ "conversation": { "id": conversation_id, "status": status, "assignee_id": assignee } }),
    }
}

/// A conversation's assignee or labels changed: the conversation as it now is.
pub fn conversation_updated(conversation: &Conversation, labels: &[Label]) -> Event {
    Event {
        workspace_id: conversation.workspace_id,
        event_type: "conversation.updated",
        data: json!({ "conversation": {
            "id": conversation.id,
            "contact_id": conversation.contact_id,
            "status": conversation.status,
            "assignee_id": conversation.assignee_id,
            "labels": labels,
        } }),
    }
}

/// A visitor rated a conversation (or changed their rating): the rating as it now is.
pub fn conversation_rated(contact_id: crate::db::ContactId, rating: &crate::conversations::ratings::Rating) -> Event {
    Event {
        workspace_id: rating.workspace_id,
        event_type: "conversation.rated",
        data: json!({ "rating": {
            "conversation_id": rating.conversation_id,
            "contact_id": contact_id,
            "score": rating.score,
            "comment": rating.comment,
            "agent_id": rating.agent_id,
            "rated_at": rating.rated_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        } }),
    }
}
