//! Finding work that became due with time: replies a visitor has not seen, visitor messages no
//! agent has read, each workspace's daily retention run, and files to remove from storage. The sweep only enqueues jobs (with
//! dedupe keys), so any number of instances may sweep at once.
//!
//! Tenant rule: the sweep reads across workspaces, but every row it marks or deletes is matched
//! on its own `workspace_id` as well as its id, and every job it enqueues carries that workspace.

use actix_web::web;
use diesel::{
    prelude::*,
    sql_types::{BigInt, Bool, Integer, Timestamptz, Uuid as SqlUuid},
};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{ClaimedJob, JobKind, enqueue};
use crate::{
    db::{self, WorkspaceId, schema::workspaces},
    error::AppError,
    state::AppState,
    workspaces::availability::Availability,
};

/// Conversations looked at per sweep and question; the rest wait for the next sweep.
const SWEEP_LIMIT: i64 = 500;
/// Older activity is not followed up by email any more.
const FOLLOW_UP_WINDOW_DAYS: i32 = 7;
/// A burst of visitor messages is let settle this long before agents are emailed outside hours.
const UNREAD_SETTLE_SECONDS: i32 = 15;

/// A conversation with messages an email would cover: those after `from_seq`, through
/// `last_seq`. `waited`: its last activity is older than the workspace's follow-up delay.
#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    workspace_id: WorkspaceId,
    #[diesel(sql_type = BigInt)]
    last_seq: i64,
    #[diesel(sql_type = BigInt)]
    from_seq: i64,
    #[diesel(sql_type = Bool)]
    waited: bool,
}

/// Replies unseen for the workspace's follow-up delay, by visitors who left an email: each
/// conversation is marked as covered through its last message and one job emails them all.
const FOLLOW_UPS_DUE: &str = "\
WITH due AS (
    SELECT c.id, c.workspace_id, c.last_seq, GREATEST(c.visitor_read_seq, c.visitor_emailed_seq) AS from_seq
    FROM conversations c
    JOIN workspaces w ON w.id = c.workspace_id
    JOIN contacts k ON k.id = c.contact_id
    WHERE c.visitor_read_seq < c.last_seq AND c.visitor_emailed_seq < c.last_seq
      AND c.last_message_at > now() - make_interval(days => $1)
      AND c.last_message_at <= now() - make_interval(secs => w.followup_delay_seconds)
      AND k.email IS NOT NULL
    ORDER BY c.last_message_at
    LIMIT $2
    FOR UPDATE OF c SKIP LOCKED
)
UPDATE conversations c SET visitor_emailed_seq = due.last_seq
FROM due WHERE c.id = due.id AND c.workspace_id = due.workspace_id
RETURNING due.id, due.workspace_id, due.last_seq, due.from_seq, true AS waited";

/// Visitor messages no agent has read: candidates, decided in Rust against business hours.
const UNREAD_CANDIDATES: &str = "\
SELECT c.id, c.workspace_id, c.last_seq, GREATEST(c.agent_read_seq, c.agents_emailed_seq) AS from_seq,
       (c.last_message_at <= now() - make_interval(secs => w.followup_delay_seconds)) AS waited
FROM conversations c
JOIN workspaces w ON w.id = c.workspace_id
WHERE c.agent_read_seq < c.last_seq AND c.agents_emailed_seq < c.last_seq
  AND c.last_message_at > now() - make_interval(days => $1)
  AND c.last_message_at <= now() - make_interval(secs => $2)
  AND c.status <> 'resolved'
ORDER BY c.last_message_at
LIMIT $3";

fn enqueue_follow_ups(conn: &mut PgConnection) -> Result<usize, AppError> {
    conn.transaction(|conn| {
        let due: Vec<Due> =
            diesel::sql_query(FOLLOW_UPS_DUE).bind::<Integer, _>(FOLLOW_UP_WINDOW_DAYS).bind::<BigInt, _>(SWEEP_LIMIT).load(conn)?;
        for item in &due {
            enqueue(
                conn,
                item.workspace_id,
                JobKind::ReplyFollowUp,
                &format!("follow_up:{}:{}", item.id, item.last_seq),
                json!({ "conversation_id": item.id, "from_seq": item.from_seq, "through_seq": item.last_seq }),
                OffsetDateTime::now_utc(),
            )?;
        }
        Ok(due.len())
    })
}

/// Agents hear of unread visitor messages at once outside business hours, otherwise when
/// nobody has read them within the follow-up delay (no agent online, or none free).
fn enqueue_unread_notices(conn: &mut PgConnection) -> Result<usize, AppError> {
    let now = OffsetDateTime::now_utc();
    let candidates: Vec<Due> = diesel::sql_query(UNREAD_CANDIDATES)
        .bind::<Integer, _>(FOLLOW_UP_WINDOW_DAYS)
        .bind::<Integer, _>(UNREAD_SETTLE_SECONDS)
        .bind::<BigInt, _>(SWEEP_LIMIT)
        .load(conn)?;
    let mut hours: std::collections::HashMap<WorkspaceId, bool> = std::collections::HashMap::new();
    let mut enqueued = 0;
    for candidate in candidates {
        let within_hours = match hours.get(&candidate.workspace_id) {
            Some(within) => *within,
            None => {
                let within = Availability::load(conn, candidate.workspace_id)?.within_hours(now);
                hours.insert(candidate.workspace_id, within);
                within
            }
        };
        if within_hours && !candidate.waited {
            continue;
        }
        let reason = if within_hours { "unanswered" } else { "outside_hours" };
        conn.transaction(|conn| {
            let marked = diesel::sql_query(
                "UPDATE conversations SET agents_emailed_seq = $2 WHERE id = $1 AND workspace_id = $3 AND agents_emailed_seq < $2",
            )
            .bind::<SqlUuid, _>(candidate.id)
            .bind::<BigInt, _>(candidate.last_seq)
            .bind::<SqlUuid, _>(candidate.workspace_id)
            .execute(conn)?;
            if marked == 1 {
                enqueue(
                    conn,
                    candidate.workspace_id,
                    JobKind::UnreadNotice,
                    &format!("unread:{}:{}", candidate.id, candidate.last_seq),
                    json!({
                        "conversation_id": candidate.id,
                        "from_seq": candidate.from_seq,
                        "through_seq": candidate.last_seq,
                        "reason": reason,
                    }),
                    now,
                )?;
                enqueued += 1;
            }
            Ok::<_, AppError>(())
        })?;
    }
    Ok(enqueued)
}

/// Wakes snoozed conversations whose time has come (telling the inbox and the webhooks), and
/// enqueues the emails that became due since the last sweep.
pub async fn find_due_work(state: &web::Data<AppState>) -> Result<(), AppError> {
    crate::conversations::actions::wake_snoozed(state, None).await?;
    db::run(&state.pool, |conn| {
        enqueue_follow_ups(conn)?;
        enqueue_unread_notices(conn)?;
        Ok(())
    })
    .await
}

/// Deletes uploads no message took within a day, then removes from storage the files of
/// every deleted upload (those, and those of deleted contacts, conversations and workspaces,
/// which the database queued as it deleted their rows) and of every replaced or removed avatar.
/// A removal that fails is retried with backoff on later rounds.
pub async fn remove_files(state: &web::Data<AppState>) -> Result<usize, AppError> {
    db::run(&state.pool, |conn| crate::files::uploads::delete_unused(conn, OffsetDateTime::now_utc())).await?;
    crate::files::uploads::remove_deleted_files(&state.pool, &state.files.storage).await
}

/// One retention job per workspace with a retention setting, per day.
pub async fn schedule_retention(state: &web::Data<AppState>) -> Result<usize, AppError> {
    db::run(&state.pool, |conn| {
        let with_retention: Vec<WorkspaceId> =
            workspaces::table.filter(workspaces::retention_days.is_not_null()).select(workspaces::id).load(conn)?;
        let now = OffsetDateTime::now_utc();
        let day = now.date();
        let mut scheduled = 0;
        for workspace_id in with_retention {
            if enqueue(conn, workspace_id, JobKind::Retention, &format!("retention:{workspace_id}:{day}"), json!({}), now)? {
                scheduled += 1;
            }
        }
        Ok(scheduled)
    })
    .await
}

/// Conversations deleted per statement, so that a large clean-up never holds long locks.
const RETENTION_CHUNK: i64 = 1000;

/// Deletes the workspace's conversations resolved more than its retention ago, with their
/// messages. Contacts are kept: they may come back.
pub async fn retention(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    let workspace_id = job.workspace_id;
    let deleted = db::run(&state.pool, move |conn| {
        let Some(days) = Availability::load(conn, workspace_id)?.retention_days else { return Ok(0) };
        let cutoff = OffsetDateTime::now_utc() - time::Duration::days(days.into());
        let mut total = 0;
        loop {
            let deleted = diesel::sql_query(
                "DELETE FROM conversations WHERE workspace_id = $1 AND id IN (
                    SELECT id FROM conversations WHERE workspace_id = $1 AND status = 'resolved' AND updated_at < $2 LIMIT $3)",
            )
            .bind::<SqlUuid, _>(workspace_id)
            .bind::<Timestamptz, _>(cutoff)
            .bind::<BigInt, _>(RETENTION_CHUNK)
            .execute(conn)?;
            total += deleted;
            if (deleted as i64) < RETENTION_CHUNK {
                break;
            }
        }
        if total > 0 {
            crate::workspaces::audit::record_system(
                conn,
                workspace_id,
                "retention.deleted",
                &format!("{total} resolved conversations older than {days} days"),
            )?;
        }
        Ok::<_, AppError>(total)
    })
    .await?;
    tracing::info!(deleted, "retention run finished");
    Ok(())
}
