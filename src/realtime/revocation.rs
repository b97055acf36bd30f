//! Ending sockets whose credential no longer holds: which credential each socket was opened
//! with, what a revocation names, and the periodic re-check that catches a revocation whose
//! broker wake-up was lost.
//!
//! A revocation is applied to the local sockets at once and published through the broker to
//! the other instances ([`super::Realtime::revoke`]); every instance also re-checks the
//! credentials of its open sockets against Postgres once per heartbeat
//! ([`stale_credentials`]), so a socket outlives its credential by one heartbeat at most.
//! Revoked sockets close with [`CLOSE_REVOKED`] and a reason; the sockets of a contact merged
//! into another close with [`CLOSE_RECONNECT`], since their token now speaks for the kept one.

use std::collections::{HashMap, HashSet};

use diesel::{prelude::*, sql_types::Array, sql_types::Uuid as SqlUuid};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    db::{CachedSql, ContactId, SessionId, UserId, VisitorSessionId, WorkspaceId},
    error::AppError,
};

/// The WebSocket close code of a socket whose credential was revoked (sign-out, a revoked key
/// or visitor token, removal from the workspace, a deleted or blocked contact). Reconnecting with the same
/// credential is refused: sign in again, or start a new widget session.
pub const CLOSE_REVOKED: u16 = 4001;

/// The WebSocket close code of a visitor socket whose contact was merged into another
/// ([`Revocation::Merged`]): its token still holds and now speaks for the contact it was merged
/// into, so the client reconnects with it at once.
pub const CLOSE_RECONNECT: u16 = 4002;

/// Why the sockets of a merged contact close.
pub const MERGED: &str = "contact merged";

/// Why a socket found stale by the periodic re-check closes.
pub const NO_LONGER_VALID: &str = "credential no longer valid";

/// The close code of a socket ended for `reason`: every revocation forbids reconnecting with
/// the same credential, except a merge, which asks for exactly that.
pub fn close_code(reason: &str) -> u16 {
    if reason == MERGED { CLOSE_RECONNECT } else { CLOSE_REVOKED }
}

/// What a socket was opened with.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Credential {
    /// An agent's sign-in session (the inbox page's cookie).
    #[serde(rename = "s")]
    Session(SessionId),
    /// A secret API key (`sk_...`).
    #[serde(rename = "k")]
    ApiKey(Uuid),
    /// A visitor token (`vt_...`).
    #[serde(rename = "v")]
    Visitor(VisitorSessionId),
}

/// Who lost access: published to every instance.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub enum Revocation {
    /// Sign-out (one device or all), password reset, a revoked key or visitor token.
    #[serde(rename = "c")]
    Credentials(Vec<Credential>),
    /// A member removed from (or leaving) a workspace.
    #[serde(rename = "m")]
    Member(WorkspaceId, UserId),
    /// A contact deleted: every socket of that visitor.
    #[serde(rename = "ct")]
    Contact(WorkspaceId, ContactId),
    /// A contact blocked: every socket of that visitor (their tokens are revoked too).
    #[serde(rename = "b")]
    Blocked(WorkspaceId, ContactId),
    /// A contact merged into another and deleted: every socket of that visitor closes with
    /// [`CLOSE_RECONNECT`]. Their tokens were moved to the kept contact, so they reconnect as it.
    #[serde(rename = "mg")]
    Merged(WorkspaceId, ContactId),
    /// A workspace deleted: every socket into it.
    #[serde(rename = "w")]
    Workspace(WorkspaceId),
}

impl Revocation {
    /// The reason a closed socket is given.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Credentials(credentials) => match credentials.first() {
                Some(Credential::Session(_)) => "signed out",
                Some(Credential::ApiKey(_)) => "API key revoked",
                Some(Credential::Visitor(_)) => "visitor token revoked",
                None => "credential revoked",
            },
            Self::Member(..) => "you no longer belong to this workspace",
            Self::Contact(..) => "contact deleted",
            Self::Blocked(..) => "contact blocked",
            Self::Merged(..) => MERGED,
            Self::Workspace(_) => "workspace deleted",
        }
    }
}

/// A socket's credential with what else it depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Held {
    pub workspace_id: WorkspaceId,
    /// The agent of an agent socket (a signed-in member, or the member an API key writes as).
    pub user_id: Option<UserId>,
    /// The contact a visitor socket speaks for: a merge moves its token to another contact.
    pub contact_id: Option<ContactId>,
    pub credential: Credential,
}

#[derive(QueryableByName)]
struct Live {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
}

#[derive(QueryableByName)]
struct LiveVisitor {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    contact_id: ContactId,
}

#[derive(QueryableByName)]
struct LiveMembership {
    #[diesel(sql_type = SqlUuid)]
    workspace_id: WorkspaceId,
    #[diesel(sql_type = SqlUuid)]
    user_id: Uuid,
}

/// The credentials among `held` that no longer open a socket as they did, each with the reason
/// its sockets close with: a session signed out or expired, a key revoked or whose creator
/// left, a visitor token revoked (or its contact deleted or blocked), or an agent no longer a
/// member of the workspace ([`NO_LONGER_VALID`]); a visitor token that now speaks for another
/// contact, the one its own was merged into ([`MERGED`]). Four index probes per credential at
/// most, in four statements whatever the number of sockets.
pub fn stale_credentials(conn: &mut PgConnection, held: &[Held]) -> Result<Vec<(Held, &'static str)>, AppError> {
    let mut sessions = Vec::new();
    let mut keys = Vec::new();
    let mut visitors = Vec::new();
    let (mut member_workspaces, mut member_users) = (Vec::new(), Vec::new());
    for h in held {
        match h.credential {
            Credential::Session(id) => sessions.push(id.0),
            Credential::ApiKey(id) => keys.push(id),
            Credential::Visitor(id) => visitors.push(id.0),
        }
        if let (Credential::Session(_), Some(user)) = (h.credential, h.user_id) {
            member_workspaces.push(h.workspace_id);
            member_users.push(user.0);
        }
    }
    let live = |conn: &mut PgConnection, sql: &'static str, ids: &Vec<Uuid>| -> Result<HashSet<Uuid>, AppError> {
        if ids.is_empty() {
            return Ok(HashSet::new());
        }
        Ok(CachedSql::new(sql).bind::<Array<SqlUuid>, _>(ids).load::<Live>(conn)?.into_iter().map(|l| l.id).collect())
    };
    let live_sessions = live(conn, "SELECT id FROM sessions WHERE id = ANY($1) AND expires_at > now()", &sessions)?;
    let live_keys = live(
        conn,
        "SELECT k.id FROM api_keys k WHERE k.id = ANY($1) AND k.revoked_at IS NULL
           AND EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = k.workspace_id AND m.user_id = k.created_by
                       AND k.created_at >= m.created_at)",
        &keys,
    )?;
    let live_visitors: HashMap<Uuid, ContactId> = if visitors.is_empty() {
        HashMap::new()
    } else {
        CachedSql::new(
            "SELECT s.id, s.contact_id FROM visitor_sessions s JOIN contacts c ON c.id = s.contact_id
             WHERE s.id = ANY($1) AND s.revoked_at IS NULL AND c.blocked_at IS NULL",
        )
        .bind::<Array<SqlUuid>, _>(&visitors)
        .load::<LiveVisitor>(conn)?
        .into_iter()
        .map(|v| (v.id, v.contact_id))
        .collect()
    };
    let live_members: HashSet<(WorkspaceId, Uuid)> = if member_users.is_empty() {
        HashSet::new()
    } else {
        CachedSql::new(
            "SELECT m.workspace_id, m.user_id FROM unnest($1::uuid[], $2::uuid[]) AS k(workspace_id, user_id)
             JOIN memberships m ON m.workspace_id = k.workspace_id AND m.user_id = k.user_id",
        )
        .bind::<Array<SqlUuid>, _>(&member_workspaces)
        .bind::<Array<SqlUuid>, _>(&member_users)
        .load::<LiveMembership>(conn)?
        .into_iter()
        .map(|m| (m.workspace_id, m.user_id))
        .collect()
    };
    Ok(held
        .iter()
        .filter_map(|h| {
            let stale = match h.credential {
                Credential::Session(id) => {
                    !live_sessions.contains(&id.0) || h.user_id.is_some_and(|u| !live_members.contains(&(h.workspace_id, u.0)))
                }
                Credential::ApiKey(id) => !live_keys.contains(&id),
                Credential::Visitor(id) => match live_visitors.get(&id.0) {
                    Some(contact) if h.contact_id.is_some_and(|held| held != *contact) => return Some((*h, MERGED)),
                    Some(_) => false,
                    None => true,
                },
            };
            stale.then_some((*h, NO_LONGER_VALID))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revocations_travel_as_short_json_and_come_back_the_same() {
        let revocation = Revocation::Credentials(vec![Credential::Session(SessionId::new()), Credential::ApiKey(Uuid::now_v7())]);
        let json = serde_json::to_string(&revocation).expect("serialises");
        assert!(json.len() < 120, "{json}");
        assert_eq!(serde_json::from_str::<Revocation>(&json).expect("parses"), revocation);
        assert_eq!(revocation.reason(), "signed out");
        assert_eq!(Revocation::Contact(WorkspaceId::new(), ContactId::new()).reason(), "contact deleted");
        // The widget tells a block from other revocations by this reason.
        assert_eq!(Revocation::Blocked(WorkspaceId::new(), ContactId::new()).reason(), "contact blocked");
        // Only a merge asks the client to come back with the same credential.
        assert_eq!(close_code(Revocation::Merged(WorkspaceId::new(), ContactId::new()).reason()), CLOSE_RECONNECT);
        assert_eq!(close_code(revocation.reason()), CLOSE_REVOKED);
        assert_eq!(close_code(NO_LONGER_VALID), CLOSE_REVOKED);
    }
}
