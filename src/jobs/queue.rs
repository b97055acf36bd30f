//! The job queue's write side: what a job is ([`JobKind`]), enqueuing one idempotently, and the
//! backoff between tries. Kept apart from the worker so that the code that enqueues (the message
//! writer, the Stripe webhook) depends on nothing but the database.

use std::time::Duration;

use diesel::prelude::*;
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{WorkspaceId, schema::jobs};

/// What a job does; stored as its `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    /// Email a visitor the agents' replies they have not seen.
    ReplyFollowUp,
    /// Email the agents a visitor's messages nobody has read (offline, or no one picked it up).
    UnreadNotice,
    /// Email the agents who asked for it that a conversation started.
    NewConversation,
    /// Delete the workspace's conversations resolved longer ago than its retention.
    Retention,
    /// Tell the workspace's owners that Stripe could not charge them.
    PaymentFailed,
    /// Send one email, already written: the notices fan out into one of these per recipient,
    /// so that a failure retries that recipient alone and nobody gets a copy twice.
    SendEmail,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReplyFollowUp => "reply_follow_up",
            Self::UnreadNotice => "unread_notice",
            Self::NewConversation => "new_conversation",
            Self::Retention => "retention",
            Self::PaymentFailed => "payment_failed",
            Self::SendEmail => "send_email",
        }
    }

    pub fn parse(kind: &str) -> Option<Self> {
        [Self::ReplyFollowUp, Self::UnreadNotice, Self::NewConversation, Self::Retention, Self::PaymentFailed, Self::SendEmail]
            .into_iter()
            .find(|k| k.as_str() == kind)
    }
}

/// Stores a job unless one with the same dedupe key exists. Returns whether it was new.
pub fn enqueue(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    kind: JobKind,
    dedupe_key: &str,
    payload: Value,
    run_at: OffsetDateTime,
) -> Result<bool, diesel::result::Error> {
    let inserted = diesel::insert_into(jobs::table)
        .values((
            jobs::id.eq(Uuid::now_v7()),
            jobs::workspace_id.eq(workspace_id),
            jobs::kind.eq(kind.as_str()),
            jobs::dedupe_key.eq(dedupe_key),
            jobs::payload.eq(payload),
            jobs::run_at.eq(run_at),
        ))
        .on_conflict(jobs::dedupe_key)
        .do_nothing()
        .execute(conn)?;
    Ok(inserted == 1)
}

/// The team hears of new conversations at most once a minute per workspace: each is noted as
/// pending, and one job sends whatever is pending. The first of a quiet spell goes out at
/// once; while a notice job waits unclaimed it takes the newcomers along; once one has run,
/// the next may run a minute after it. Only workspaces where a member asked for these emails.
pub fn enqueue_new_conversation_emails(
    conn: &mut PgConnection,
    started: &[(WorkspaceId, crate::db::ConversationId)],
) -> Result<(), diesel::result::Error> {
    use diesel::sql_types::{Array, Uuid as SqlUuid};
    if started.is_empty() {
        return Ok(());
    }
    let workspace_ids: Vec<Uuid> = started.iter().map(|(w, _)| w.0).collect();
    let conversation_ids: Vec<Uuid> = started.iter().map(|(_, c)| c.0).collect();
    crate::db::CachedSql::new(
        "WITH wanted AS (
             SELECT s.workspace_id, s.conversation_id
             FROM unnest($1::uuid[], $2::uuid[]) AS s(workspace_id, conversation_id)
             WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = s.workspace_id AND m.email_new_conversations)
         ), noted AS (
             INSERT INTO pending_conversation_notices (conversation_id, workspace_id)
             SELECT conversation_id, workspace_id FROM wanted
             ON CONFLICT DO NOTHING
         )
         INSERT INTO jobs (id, workspace_id, kind, dedupe_key, payload, run_at)
         SELECT gen_random_uuid(), w.workspace_id, 'new_conversation',
                'new_conversation:' || w.workspace_id || ':' || floor(extract(epoch FROM slot.at))::bigint,
                '{}'::jsonb, slot.at
         FROM (SELECT DISTINCT workspace_id FROM wanted) AS w
         CROSS JOIN LATERAL (
             SELECT greatest(now(), (
                 SELECT max(j.run_at) + interval '60 seconds' FROM jobs j
                 WHERE j.workspace_id = w.workspace_id AND j.kind = 'new_conversation'
                   AND j.created_at > now() - interval '1 hour'
             )) AS at
         ) AS slot
         WHERE NOT EXISTS (
             SELECT 1 FROM jobs j
             WHERE j.workspace_id = w.workspace_id AND j.kind = 'new_conversation'
               AND j.done_at IS NULL AND j.failed_at IS NULL AND j.locked_until IS NULL
         )
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind::<Array<SqlUuid>, _>(&workspace_ids)
    .bind::<Array<SqlUuid>, _>(&conversation_ids)
    .execute(conn)?;
    Ok(())
}

/// The wait before retry `attempt` (1-based): 30 s, 1 min, 2 min, ... capped at 2 hours.
pub fn backoff(attempt: i32) -> Duration {
    let exponent = attempt.clamp(1, 16) as u32 - 1;
    Duration::from_secs(30u64.saturating_mul(1 << exponent).min(2 * 3600))
}
