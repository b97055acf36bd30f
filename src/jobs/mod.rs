//! Background work stored in Postgres: the emails Parlor sends on its own and the daily
//! retention clean-up. Any instance may run any job.
//!
//! - A job is enqueued with a dedupe key: enqueuing the same work twice stores it once, so
//!   whoever enqueues may retry freely.
//! - A worker claims due jobs with `FOR UPDATE SKIP LOCKED` and a lease: two instances never run
//!   the same job at once, and a job whose worker died runs again once its lease is over.
//! - A failed job is retried with exponential backoff, up to [`MAX_ATTEMPTS`] times.
//! - Each job is idempotent: it re-checks what it is about to do (has the visitor read the reply
//!   since? does the conversation still exist?) and does nothing when the answer changed.
//!
//! Tenant rule: every job row carries its `workspace_id`, and every handler reads only that
//! workspace's rows.

mod mail;
pub mod queue;
mod sweep;

pub use queue::{JobKind, backoff, enqueue};
pub use sweep::schedule_retention;

use std::time::Duration;

use actix_web::web;
use diesel::{prelude::*, sql_types::Integer};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    db::{self, WorkspaceId, schema::jobs},
    error::AppError,
    state::AppState,
};

/// A job that failed this many times is given up and kept, with its last error, for a week.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claimed job is leased to its worker.
const LEASE: Duration = Duration::from_secs(300);
/// Jobs claimed per round.
const CLAIM_BATCH: i64 = 20;

/// A claimed job.
#[derive(QueryableByName, Debug, Clone)]
pub struct ClaimedJob {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub workspace_id: WorkspaceId,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub kind: String,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    pub payload: Value,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub attempts: i32,
}

/// Leases up to [`CLAIM_BATCH`] due jobs to this worker.
fn claim(conn: &mut PgConnection) -> Result<Vec<ClaimedJob>, AppError> {
    use diesel::sql_types::{BigInt, Timestamptz};
    let now = OffsetDateTime::now_utc();
    Ok(diesel::sql_query(
        "UPDATE jobs SET locked_until = $2, attempts = attempts + 1
         WHERE id IN (
             SELECT id FROM jobs
             WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
             ORDER BY run_at LIMIT $3
             FOR UPDATE SKIP LOCKED)
         RETURNING id, workspace_id, kind, payload, attempts",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(now + LEASE)
    .bind::<BigInt, _>(CLAIM_BATCH)
    .load(conn)?)
}

fn finish(conn: &mut PgConnection, job: &ClaimedJob, outcome: &Result<(), AppError>) -> Result<(), AppError> {
    let now = OffsetDateTime::now_utc();
    let row = jobs::table.find(job.id);
    match outcome {
        Ok(()) => {
            diesel::update(row).set((jobs::done_at.eq(now), jobs::locked_until.eq(None::<OffsetDateTime>))).execute(conn)?;
        }
        Err(error) => {
            let message: String = format!("{error:?}").chars().take(1000).collect();
            if job.attempts >= MAX_ATTEMPTS {
                tracing::error!(job.id = %job.id, kind = %job.kind, error = %message, "job failed for good");
                diesel::update(row).set((jobs::failed_at.eq(now), jobs::last_error.eq(message))).execute(conn)?;
            } else {
                let retry_at = now + backoff(job.attempts);
                tracing::warn!(job.id = %job.id, kind = %job.kind, error = %message, %retry_at, "job failed; will retry");
                diesel::update(row)
                    .set((jobs::run_at.eq(retry_at), jobs::locked_until.eq(None::<OffsetDateTime>), jobs::last_error.eq(message)))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

async fn run_job(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    let span = tracing::info_span!("job", job.id = %job.id, kind = %job.kind, workspace.id = %job.workspace_id);
    let _entered = span.enter();
    match JobKind::parse(&job.kind) {
        Some(JobKind::ReplyFollowUp) => mail::reply_follow_up(state, job).await,
        Some(JobKind::UnreadNotice) => mail::unread_notice(state, job).await,
        Some(JobKind::NewConversation) => mail::new_conversation(state, job).await,
        Some(JobKind::Retention) => sweep::retention(state, job).await,
        Some(JobKind::PaymentFailed) => mail::payment_failed(state, job).await,
        Some(JobKind::SendEmail) => mail::send_email(state, job).await,
        None => Err(AppError::internal(anyhow::anyhow!("unknown job kind {}", job.kind))),
    }
}

/// Claims and runs due jobs until none is left.
pub async fn run_due(state: &web::Data<AppState>) -> Result<usize, AppError> {
    let mut ran = 0;
    loop {
        let claimed = db::run(&state.pool, claim).await?;
        if claimed.is_empty() {
            return Ok(ran);
        }
        for job in claimed {
            let outcome = run_job(state, &job).await;
            ran += 1;
            db::run(&state.pool, move |conn| finish(conn, &job, &outcome)).await?;
        }
    }
}

/// Finished jobs are kept a week (to be looked at), then deleted.
fn prune(conn: &mut PgConnection) -> Result<usize, AppError> {
    Ok(diesel::sql_query(
        "DELETE FROM jobs WHERE (done_at IS NOT NULL OR failed_at IS NOT NULL) AND created_at < now() - make_interval(days => $1)",
    )
    .bind::<Integer, _>(7)
    .execute(conn)?)
}

/// Starts the worker of this instance: every `interval` it looks for work that became due
/// (sweep), runs due jobs, and delivers due webhooks.
pub fn start(state: web::Data<AppState>) {
    let interval = state.settings.job_interval;
    tokio::spawn(async move {
        let mut tick = actix_web::rt::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut rounds: u64 = 0;
        loop {
            tick.tick().await;
            if let Err(error) = sweep::find_due_work(&state).await {
                tracing::warn!(error = ?error, "job sweep failed");
            }
            if let Err(error) = run_due(&state).await {
                tracing::warn!(error = ?error, "running jobs failed");
            }
            if let Err(error) = crate::webhooks::deliver_due(&state).await {
                tracing::warn!(error = ?error, "webhook deliveries failed");
            }
            rounds += 1;
            if rounds % 720 == 1 {
                if let Err(error) = sweep::schedule_retention(&state).await {
                    tracing::warn!(error = ?error, "scheduling retention failed");
                }
                if let Err(error) = db::run(&state.pool, prune).await {
                    tracing::warn!(error = ?error, "pruning finished jobs failed");
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(30));
        assert_eq!(backoff(2), Duration::from_secs(60));
        assert_eq!(backoff(4), Duration::from_secs(240));
        assert_eq!(backoff(12), Duration::from_secs(7200));
        assert_eq!(backoff(99), Duration::from_secs(7200));
    }

    #[test]
    fn every_kind_parses_back() {
        for kind in [
            JobKind::ReplyFollowUp,
            JobKind::UnreadNotice,
            JobKind::NewConversation,
            JobKind::Retention,
            JobKind::PaymentFailed,
            JobKind::SendEmail,
        ] {
            assert_eq!(JobKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(JobKind::parse("nope"), None);
    }
}
