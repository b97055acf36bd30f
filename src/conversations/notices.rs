//! Notices to the team of what happens to conversations, enqueued as jobs in the transaction
//! that makes it happen (the jobs themselves are in `jobs::mail`), each for the members whose
//! notification preferences ([`crate::workspaces::notifications`]) ask for its email:
//!
//! - a new conversation: the pending list one `new_conversation` job per workspace sends; the
//!   message writer calls it in the transaction that starts the conversations;
//! - a conversation given to a new assignee: one `assigned_notice` job, from the actions'
//!   transaction, unless they took it themselves;
//! - a visitor writing in a conversation whose assignee is offline or away: one
//!   `new_message_notice` job, from the message writer's transaction, at most one per
//!   conversation and assignee every [`NEW_MESSAGE_EMAIL_INTERVAL_MINUTES`].
//!
//! Tenant rule: each notice and its job carry the workspace of the conversation, and only that
//! workspace's members' choices are read.

use diesel::{
    prelude::*,
    sql_types::{Array, BigInt, Integer, Nullable, Text, Uuid as SqlUuid},
};
use uuid::Uuid;

use crate::{
    db::{CachedSql, ConversationId, UserId, WorkspaceId},
    queue::JobKind,
    workspaces::audit::Actor,
};

/// An assignee who is offline or away hears of a visitor's new message in their conversation at
/// most once in this many minutes per conversation; what the visitor writes meanwhile waits in
/// the inbox (and in the team's unread notice, when nobody reads it).
pub const NEW_MESSAGE_EMAIL_INTERVAL_MINUTES: i32 = 10;

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

/// The email job telling `assignee` that `actor` gave them the conversation, if they want one
/// and are not who gave it. In the caller's transaction (the change's), so that it exists
/// exactly when the change does; the job checks again before it sends.
pub fn enqueue_assigned_email(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    conversation_id: ConversationId,
    assignee: UserId,
    actor: &Actor,
) -> Result<(), diesel::result::Error> {
    if actor.user_id == Some(assignee) {
        return Ok(());
    }
    let job_id = Uuid::now_v7();
    diesel::sql_query(
        "INSERT INTO jobs (id, workspace_id, kind, dedupe_key, payload, run_at)
         SELECT $1, m.workspace_id, $2, 'assigned:' || $1,
                jsonb_build_object('conversation_id', $3::uuid, 'user_id', m.user_id, 'assigned_by', $4::text), now()
         FROM memberships m
         WHERE m.workspace_id = $5 AND m.user_id = $6 AND m.email_assigned",
    )
    .bind::<SqlUuid, _>(job_id)
    .bind::<Text, _>(JobKind::AssignedNotice.as_str())
    .bind::<SqlUuid, _>(conversation_id)
    // Auto-assignment is named by the email itself.
    .bind::<Nullable<Text>, _>(actor.user_id.map(|_| actor.name.as_str()))
    .bind::<SqlUuid, _>(workspace_id)
    .bind::<SqlUuid, _>(assignee)
    .execute(conn)?;
    Ok(())
}

/// The email jobs for visitors' new messages (`written`: workspace, conversation and seq of
/// each) in conversations whose assignee wants them and is not connected (no open inbox, or
/// away): one per conversation and assignee, unless one was enqueued in the last
/// [`NEW_MESSAGE_EMAIL_INTERVAL_MINUTES`]. The interval is claimed by an upsert of
/// `new_message_emails`, which two writers cannot both win.
pub fn enqueue_new_message_emails(
    conn: &mut PgConnection,
    written: &[(WorkspaceId, ConversationId, i64)],
) -> Result<(), diesel::result::Error> {
    if written.is_empty() {
        return Ok(());
    }
    let workspace_ids: Vec<WorkspaceId> = written.iter().map(|(w, _, _)| *w).collect();
    let conversation_ids: Vec<Uuid> = written.iter().map(|(_, c, _)| c.0).collect();
    let seqs: Vec<i64> = written.iter().map(|(_, _, seq)| *seq).collect();
    CachedSql::new(
        "WITH due AS (
             SELECT DISTINCT ON (c.workspace_id, c.id) c.workspace_id, c.id AS conversation_id, c.assignee_id AS user_id, s.seq
             FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS s(workspace_id, conversation_id, seq)
             CROSS JOIN LATERAL (
                 SELECT id, workspace_id, assignee_id FROM conversations
                 WHERE id = s.conversation_id AND workspace_id = s.workspace_id AND assignee_id IS NOT NULL
             ) AS c
             JOIN memberships m ON m.workspace_id = c.workspace_id AND m.user_id = c.assignee_id
             WHERE m.email_new_message AND (m.away OR m.online_until IS NULL OR m.online_until <= now())
             ORDER BY c.workspace_id, c.id, s.seq
         ), claimed AS (
             INSERT INTO new_message_emails AS e (workspace_id, conversation_id, user_id, sent_at)
             SELECT workspace_id, conversation_id, user_id, now() FROM due
             ON CONFLICT (workspace_id, conversation_id, user_id) DO UPDATE SET sent_at = excluded.sent_at
             WHERE e.sent_at <= now() - make_interval(mins => $4)
             RETURNING e.workspace_id, e.conversation_id, e.user_id
         )
         INSERT INTO jobs (id, workspace_id, kind, dedupe_key, payload, run_at)
         SELECT gen_random_uuid(), d.workspace_id, $5,
                'new_message:' || d.conversation_id || ':' || d.user_id || ':' || d.seq,
                jsonb_build_object('conversation_id', d.conversation_id, 'user_id', d.user_id, 'seq', d.seq), now()
         FROM claimed JOIN due d USING (workspace_id, conversation_id, user_id)
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind::<Array<SqlUuid>, _>(&workspace_ids)
    .bind::<Array<SqlUuid>, _>(&conversation_ids)
    .bind::<Array<BigInt>, _>(&seqs)
    .bind::<Integer, _>(NEW_MESSAGE_EMAIL_INTERVAL_MINUTES)
    .bind::<Text, _>(JobKind::NewMessageNotice.as_str())
    .execute(conn)?;
    Ok(())
}

/// Queues the email of each agent's public reply in a conversation that started by email
/// ([`JobKind::EmailReply`]), keyed by the message, in the batch's consequences transaction.
/// `written` holds (workspace, conversation, message) of the batch's public agent messages; the
/// conversations of the chat, by far the most, match nothing.
pub fn enqueue_email_replies(
    conn: &mut PgConnection,
    written: &[(WorkspaceId, ConversationId, Uuid)],
) -> Result<(), diesel::result::Error> {
    if written.is_empty() {
        return Ok(());
    }
    let workspace_ids: Vec<WorkspaceId> = written.iter().map(|(w, _, _)| *w).collect();
    let conversation_ids: Vec<Uuid> = written.iter().map(|(_, c, _)| c.0).collect();
    let message_ids: Vec<Uuid> = written.iter().map(|(_, _, m)| *m).collect();
    CachedSql::new(
        "INSERT INTO jobs (id, workspace_id, kind, dedupe_key, payload, run_at)
         SELECT gen_random_uuid(), c.workspace_id, $4, 'email_reply:' || s.message_id,
                jsonb_build_object('message_id', s.message_id), now()
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS s(workspace_id, conversation_id, message_id)
         JOIN conversations c ON c.id = s.conversation_id AND c.workspace_id = s.workspace_id AND c.channel = 'email'
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind::<Array<SqlUuid>, _>(&workspace_ids)
    .bind::<Array<SqlUuid>, _>(&conversation_ids)
    .bind::<Array<SqlUuid>, _>(&message_ids)
    .bind::<Text, _>(JobKind::EmailReply.as_str())
    .execute(conn)?;
    Ok(())
}
