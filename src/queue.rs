//! The job queue: what a job is ([`JobKind`]), enqueuing one idempotently, claiming due jobs
//! with a lease, and finishing them (done, or retried with backoff). It depends on nothing but
//! the database, so whoever has work for later (the message writer, billing, webhooks) and the
//! worker that runs it (`jobs`) all use it without depending on one another.
//!
//! - A job is enqueued with a dedupe key: enqueuing the same work twice stores it once, so
//!   whoever enqueues may retry freely.
//! - A worker claims due jobs with `FOR UPDATE SKIP LOCKED` and a lease: two instances never run
//!   the same job at once, and a job whose worker died runs again once its lease is over.
//! - A failed job is retried with exponential backoff ([`backoff`]), up to [`MAX_ATTEMPTS`] times.
//!
//! Tenant rule: every job row carries its `workspace_id`, set from the enqueuer's `WorkspaceId`
//! and handed back to the job's handler by row decoding.

use std::time::Duration;

use diesel::{prelude::*, sql_types::Integer};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    db::{WorkspaceId, schema::jobs},
    error::AppError,
};

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
    /// One attempt at delivering a webhook event to an endpoint.
    WebhookDelivery,
    /// Email a visitor the transcript of one of their conversations, at their request.
    Transcript,
    /// Email a member that a conversation was assigned to them.
    AssignedNotice,
    /// Email an assignee who is offline or away that a visitor wrote in their conversation.
    NewMessageNotice,
    /// Ask the visitor of a resolved conversation, by email, how it went (unless they rated it,
    /// it was reopened, or they were asked already).
    RatingRequest,
    /// Email an agent's public reply to the contact of a conversation that started by email.
    EmailReply,
}

impl JobKind {
    pub const ALL: [JobKind; 12] = [
        Self::ReplyFollowUp,
        Self::UnreadNotice,
        Self::NewConversation,
        Self::Retention,
        Self::PaymentFailed,
        Self::SendEmail,
        Self::WebhookDelivery,
        Self::Transcript,
        Self::AssignedNotice,
        Self::NewMessageNotice,
        Self::RatingRequest,
        Self::EmailReply,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReplyFollowUp => "reply_follow_up",
            Self::UnreadNotice => "unread_notice",
            Self::NewConversation => "new_conversation",
            Self::Retention => "retention",
            Self::PaymentFailed => "payment_failed",
            Self::SendEmail => "send_email",
            Self::WebhookDelivery => "webhook_delivery",
            Self::Transcript => "transcript",
            Self::AssignedNotice => "assigned_notice",
            Self::NewMessageNotice => "new_message_notice",
            Self::RatingRequest => "rating_request",
            Self::EmailReply => "email_reply",
        }
    }

    pub fn parse(kind: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == kind)
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

/// Whether a job with this dedupe key exists (done or not).
pub fn exists(conn: &mut PgConnection, workspace_id: WorkspaceId, dedupe_key: &str) -> Result<bool, diesel::result::Error> {
    diesel::select(diesel::dsl::exists(jobs::table.filter(jobs::workspace_id.eq(workspace_id)).filter(jobs::dedupe_key.eq(dedupe_key))))
        .get_result(conn)
}

/// How many jobs of a workspace whose dedupe key starts with `key_prefix` were enqueued since
/// `since`: how a request made by people is limited by what it already queued.
pub fn count_since(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    key_prefix: &str,
    since: OffsetDateTime,
) -> Result<i64, diesel::result::Error> {
    let pattern = format!("{}%", key_prefix.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    jobs::table
        .filter(jobs::workspace_id.eq(workspace_id))
        .filter(jobs::dedupe_key.like(pattern))
        .filter(jobs::created_at.ge(since))
        .count()
        .get_result(conn)
}

/// The wait before retry `attempt` (1-based): 30 s, 1 min, 2 min, ... capped at 2 hours.
pub fn backoff(attempt: i32) -> Duration {
    let exponent = attempt.clamp(1, 16) as u32 - 1;
    Duration::from_secs(30u64.saturating_mul(1 << exponent).min(2 * 3600))
}

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
    /// When it became due: how long it waited shows in the job lag metric.
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub run_at: OffsetDateTime,
}

/// Leases up to [`CLAIM_BATCH`] due jobs to this worker, the longest due first (`RETURNING`
/// alone keeps no order): two webhook events of one endpoint go out in the order they happened.
pub fn claim(conn: &mut PgConnection) -> Result<Vec<ClaimedJob>, AppError> {
    use diesel::sql_types::{BigInt, Timestamptz};
    let now = OffsetDateTime::now_utc();
    Ok(diesel::sql_query(
        "WITH claimed AS (
             UPDATE jobs SET locked_until = $2, attempts = attempts + 1
             WHERE (id, workspace_id) IN (
                 SELECT id, workspace_id FROM jobs
                 WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
                 ORDER BY run_at LIMIT $3
                 FOR UPDATE SKIP LOCKED)
             RETURNING id, workspace_id, kind, payload, attempts, run_at
         )
         SELECT id, workspace_id, kind, payload, attempts, run_at FROM claimed ORDER BY run_at, id",
    )
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(now + LEASE)
    .bind::<BigInt, _>(CLAIM_BATCH)
    .load(conn)?)
}

pub fn finish(conn: &mut PgConnection, job: &ClaimedJob, outcome: &Result<(), AppError>) -> Result<(), AppError> {
    let now = OffsetDateTime::now_utc();
    let row = jobs::table.find(job.id).filter(jobs::workspace_id.eq(job.workspace_id));
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

/// Jobs due and waiting for a worker, of every workspace: the queue's depth, for the metrics.
pub fn count_due(conn: &mut PgConnection) -> Result<i64, AppError> {
    let now = OffsetDateTime::now_utc();
    Ok(jobs::table
        .filter(jobs::done_at.is_null())
        .filter(jobs::failed_at.is_null())
        .filter(jobs::run_at.le(now))
        .filter(jobs::locked_until.is_null().or(jobs::locked_until.lt(now)))
        .count()
        .get_result(conn)?)
}

/// Finished jobs are kept a week (to be looked at), then deleted.
pub fn prune(conn: &mut PgConnection) -> Result<usize, AppError> {
    Ok(diesel::sql_query(
        "DELETE FROM jobs WHERE (done_at IS NOT NULL OR failed_at IS NOT NULL) AND created_at < now() - make_interval(days => $1)",
    )
    .bind::<Integer, _>(7)
    .execute(conn)?)
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
        for kind in JobKind::ALL {
            assert_eq!(JobKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(JobKind::parse("nope"), None);
    }
}
