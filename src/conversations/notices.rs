//! New-conversation notices to the team: which workspaces want them, and the pending list one
//! `new_conversation` job per workspace sends (the job itself is in `jobs`). The message writer
//! calls it in the transaction that starts the conversations.
//!
//! Tenant rule: each pending notice and its job carry the workspace of the conversation that
//! started, and only that workspace's members' choices are read.

use diesel::{
    prelude::*,
    sql_types::{Array, Uuid as SqlUuid},
};
use uuid::Uuid;

use crate::db::{CachedSql, ConversationId, WorkspaceId};

/// The team hears of new conversations at most once a minute per workspace: each is noted as
/// pending, and one job sends whatever is pending. The first of a quiet spell goes out at
/// once; while a notice job waits unclaimed it takes the newcomers along; once one has run,
/// the next may run a minute after it. Only workspaces where a member asked for these emails.
pub fn enqueue_new_conversation_emails(
    conn: &mut PgConnection,
    started: &[(WorkspaceId, ConversationId)],
) -> Result<(), diesel::result::Error> {
    if started.is_empty() {
        return Ok(());
    }
    let workspace_ids: Vec<WorkspaceId> = started.iter().map(|(w, _)| *w).collect();
    let conversation_ids: Vec<Uuid> = started.iter().map(|(_, c)| c.0).collect();
    CachedSql::new(
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
