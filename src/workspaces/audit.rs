//! The audit log: who changed a workspace's settings, team, keys, webhooks, data, contact
//! attributes, contacts (blocks, merges) and conversations (status, snooze, assignee), and when.
//! Admins read it in the console; it is never edited, and goes with the workspace.
//!
//! Tenant rule: written and read only with the `WorkspaceId` of an authenticated member.

use diesel::prelude::*;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    db::{UserId, WorkspaceId, schema::audit_events},
    error::AppError,
};

/// Events shown per page.
pub const PAGE_SIZE: i64 = 50;
const DETAIL_MAX: usize = 500;

#[derive(Queryable, Clone, Debug)]
pub struct AuditEvent {
    pub id: Uuid,
    pub actor_name: String,
    pub action: String,
    pub detail: String,
    pub created_at: OffsetDateTime,
}

/// Who did something: a member, or Parlor itself (retention, the end of a snooze).
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub name: String,
}

impl Actor {
    /// A member, in the dashboard.
    pub fn member(user_id: UserId, name: &str) -> Self {
        Self { user_id: Some(user_id), name: name.to_string() }
    }

    /// A member's API key, named after the member who created it.
    pub fn api_key(user_id: UserId, creator: &str) -> Self {
        Self { user_id: Some(user_id), name: format!("{creator} (API key)") }
    }

    /// A visitor (a contact), by their name when they gave one.
    pub fn visitor(name: Option<&str>) -> Self {
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        Self { user_id: None, name: name.map_or_else(|| "A visitor".to_string(), |n| format!("{n} (visitor)")) }
    }

    /// Parlor itself.
    pub fn parlor() -> Self {
        Self { user_id: None, name: "Parlor".into() }
    }
}

pub fn record(conn: &mut PgConnection, workspace_id: WorkspaceId, actor: &Actor, action: &str, detail: &str) -> Result<(), AppError> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(Uuid::now_v7()),
            audit_events::workspace_id.eq(workspace_id),
            audit_events::actor_id.eq(actor.user_id),
            audit_events::actor_name.eq(&actor.name),
            audit_events::action.eq(action),
            audit_events::detail.eq(detail.chars().take(DETAIL_MAX).collect::<String>()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Makes `change` and records it as `action` in one transaction: the log holds an action
/// exactly when it happened.
pub fn recorded<T>(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    actor: &Actor,
    action: &str,
    detail: &str,
    change: impl FnOnce(&mut PgConnection) -> Result<T, AppError>,
) -> Result<T, AppError> {
    conn.build_transaction().run(|conn| {
        let done = change(conn)?;
        record(conn, workspace_id, actor, action, detail)?;
        Ok(done)
    })
}

/// An action Parlor took on its own, such as the daily retention clean-up.
pub fn record_system(conn: &mut PgConnection, workspace_id: WorkspaceId, action: &str, detail: &str) -> Result<(), AppError> {
    record(conn, workspace_id, &Actor::parlor(), action, detail)
}

/// The newest events first; `before` is the id of the last event of the previous page.
pub fn list(conn: &mut PgConnection, workspace_id: WorkspaceId, before: Option<Uuid>) -> Result<Vec<AuditEvent>, AppError> {
    let mut query = audit_events::table.filter(audit_events::workspace_id.eq(workspace_id)).into_boxed();
    if let Some(before) = before {
        // Ids are UUIDv7: their order is the order of creation.
        query = query.filter(audit_events::id.lt(before));
    }
    Ok(query
        .order(audit_events::id.desc())
        .limit(PAGE_SIZE)
        .select((audit_events::id, audit_events::actor_name, audit_events::action, audit_events::detail, audit_events::created_at))
        .load(conn)?)
}

/// A sentence for an action name.
pub fn describe(action: &str) -> &'static str {
    match action {
        "workspace.renamed" => "Renamed the workspace",
        "workspace.exported" => "Exported all of the workspace's data",
        "widget.saved" => "Changed the widget settings",
        "widget.secret_rotated" => "Rotated the identity secret",
        "availability.saved" => "Changed business hours and follow-up",
        "assignment.saved" => "Changed auto-assignment",
        "retention.saved" => "Changed data retention",
        "retention.deleted" => "Deleted old resolved conversations",
        "member.invited" => "Invited someone",
        "member.invitation_revoked" => "Revoked an invitation",
        "member.role_changed" => "Changed a member's role",
        "member.removed" => "Removed a member",
        "member.left" => "Left the workspace",
        "member.ownership_transferred" => "Handed over ownership",
        "api_key.created" => "Created an API key",
        "api_key.revoked" => "Revoked an API key",
        "webhook.created" => "Added a webhook endpoint",
        "webhook.updated" => "Changed a webhook endpoint",
        "webhook.deleted" => "Deleted a webhook endpoint",
        "contact.exported" => "Exported a contact's data",
        "contact.deleted" => "Deleted a contact and their messages",
        "contact.blocked" => "Blocked a contact",
        "contact.unblocked" => "Unblocked a contact",
        "contact.merged" => "Merged a contact into another",
        "conversation.status_changed" => "Changed a conversation's status",
        "conversation.snoozed" => "Snoozed a conversation",
        "conversation.snooze_ended" => "Reopened a conversation whose snooze ended",
        "conversation.assigned" => "Assigned a conversation",
        "conversation.unassigned" => "Unassigned a conversation",
        "conversation.labeled" => "Put a label on a conversation",
        "conversation.unlabeled" => "Took a label off a conversation",
        "conversation.rated" => "Rated a conversation",
        "label.created" => "Added a label",
        "label.updated" => "Changed a label",
        "label.deleted" => "Deleted a label",
        "contact_attribute.created" => "Added a contact attribute",
        "contact_attribute.updated" => "Changed a contact attribute",
        "contact_attribute.deleted" => "Deleted a contact attribute and its values",
        _ => "Changed something",
    }
}
