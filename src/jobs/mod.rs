//! The worker: it finds work that became due with time (the sweep), then claims and runs the
//! due jobs of the one queue ([`crate::queue`]): the emails Parlor sends on its own, the daily
//! retention clean-up and webhook deliveries. Any instance may run any job.
//!
//! Each job is idempotent: it re-checks what it is about to do (has the visitor read the reply
//! since? does the conversation still exist?) and does nothing when the answer changed.
//!
//! Tenant rule: every job row carries its `workspace_id`, and every handler reads only that
//! workspace's rows.

mod mail;
mod sweep;

pub use sweep::schedule_retention;

use actix_web::web;
use futures_util::StreamExt;
use tracing::Instrument;
use uuid::Uuid;

use crate::{
    db::{self, WorkspaceId},
    error::AppError,
    queue::{self, ClaimedJob, JobKind, enqueue},
    state::AppState,
};

async fn run_job(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    // Instrumented rather than entered: an entered span stays on the thread across an await,
    // where another task's log lines would pick it up.
    let span = tracing::info_span!("job", job.id = %job.id, kind = %job.kind, workspace.id = %job.workspace_id);
    handle(state, job).instrument(span).await
}

async fn handle(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    match JobKind::parse(&job.kind) {
        Some(JobKind::ReplyFollowUp) => mail::reply_follow_up(state, job).await,
        Some(JobKind::UnreadNotice) => mail::unread_notice(state, job).await,
        Some(JobKind::NewConversation) => mail::new_conversation(state, job).await,
        Some(JobKind::Retention) => sweep::retention(state, job).await,
        Some(JobKind::PaymentFailed) => mail::payment_failed(state, job).await,
        Some(JobKind::SendEmail) => mail::send_email(state, job).await,
        Some(JobKind::WebhookDelivery) => crate::webhooks::deliver(state, job).await,
        Some(JobKind::Transcript) => mail::transcript(state, job).await,
        Some(JobKind::AssignedNotice) => mail::assigned_notice(state, job).await,
        Some(JobKind::NewMessageNotice) => mail::new_message_notice(state, job).await,
        Some(JobKind::RatingRequest) => mail::rating_request(state, job).await,
        Some(JobKind::EmailReply) => mail::email_reply(state, job).await,
        None => Err(AppError::internal(anyhow::anyhow!("unknown job kind {}", job.kind))),
    }
}

/// Jobs of different lanes run at once, at most this many, so that within a round one endpoint
/// that never answers (10 s per attempt) does not hold back the emails and the other
/// workspaces' deliveries claimed with it. The next round still waits for the slowest lane: a
/// workspace with many due deliveries to a dead endpoint delays it by 10 s per delivery
/// claimed (a lane per endpoint that keeps going between rounds would end that).
const LANES_AT_ONCE: usize = 8;

/// A workspace, and the job when it needs no company.
type Lane = (WorkspaceId, Option<Uuid>);

/// Which jobs must run one after the other: a workspace's webhook deliveries share a lane, so
/// two events of one endpoint never overtake each other on the way; any other job has a lane
/// of its own.
fn lane(job: &ClaimedJob) -> Lane {
    match JobKind::parse(&job.kind) {
        Some(JobKind::WebhookDelivery) => (job.workspace_id, None),
        _ => (job.workspace_id, Some(job.id)),
    }
}

/// Claims and runs due jobs until none is left: lanes ([`lane`]) at once, each lane's jobs in
/// the order they became due.
pub async fn run_due(state: &web::Data<AppState>) -> Result<usize, AppError> {
    let mut ran = 0;
    loop {
        if state.lifecycle.is_draining() {
            return Ok(ran);
        }
        let claimed = db::run(&state.pool, queue::claim).await?;
        if claimed.is_empty() {
            return Ok(ran);
        }
        ran += claimed.len();
        let mut lanes: Vec<(Lane, Vec<ClaimedJob>)> = Vec::new();
        for job in claimed {
            let key = lane(&job);
            match lanes.iter_mut().find(|(k, _)| *k == key) {
                Some((_, jobs)) => jobs.push(job),
                None => lanes.push((key, vec![job])),
            }
        }
        let results: Vec<Result<(), AppError>> =
            futures_util::stream::iter(lanes).map(|(_, jobs)| run_lane(state, jobs)).buffer_unordered(LANES_AT_ONCE).collect().await;
        results.into_iter().collect::<Result<(), AppError>>()?;
    }
}

async fn run_lane(state: &web::Data<AppState>, jobs: Vec<ClaimedJob>) -> Result<(), AppError> {
    use crate::ops::metrics::{JOB_LAG, JOBS_COMPLETED, JOBS_FAILED};
    for job in jobs {
        let kind = JobKind::parse(&job.kind).map_or("unknown", JobKind::as_str);
        let waited = (time::OffsetDateTime::now_utc() - job.run_at).as_seconds_f64().max(0.0);
        metrics::histogram!(JOB_LAG).record(waited);
        let running = state.lifecycle.job_started();
        let outcome = crate::email::SENT_BY.scope(kind, run_job(state, &job)).await;
        drop(running);
        match &outcome {
            Ok(()) => metrics::counter!(JOBS_COMPLETED, "kind" => kind).increment(1),
            Err(_) => metrics::counter!(JOBS_FAILED, "kind" => kind).increment(1),
        }
        db::run(&state.pool, move |conn| queue::finish(conn, &job, &outcome)).await?;
    }
    Ok(())
}

/// Starts the worker of this instance: every `interval` it looks for work that became due
/// (the sweep, waiting conversations auto-assignment can give, webhook deliveries whose next
/// attempt is due), then runs due jobs.
pub fn start(state: web::Data<AppState>) {
    let interval = state.settings.job_interval;
    tokio::spawn(async move {
        let mut tick = actix_web::rt::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut rounds: u64 = 0;
        loop {
            tick.tick().await;
            // Shutting down: the other instances take the work from here.
            if state.lifecycle.is_draining() {
                return;
            }
            if let Err(error) = sweep::find_due_work(&state).await {
                tracing::warn!(error = ?error, "job sweep failed");
            }
            if let Err(error) = crate::conversations::assignment::sweep(&state).await {
                tracing::warn!(error = ?error, "auto-assignment sweep failed");
            }
            if let Err(error) = db::run(&state.pool, crate::webhooks::enqueue_due).await {
                tracing::warn!(error = ?error, "enqueuing webhook deliveries failed");
            }
            if let Err(error) = run_due(&state).await {
                tracing::warn!(error = ?error, "running jobs failed");
            }
            if let Err(error) = sweep::remove_files(&state).await {
                tracing::warn!(error = ?error, "removing deleted files failed");
            }
            rounds += 1;
            if rounds % 720 == 1 {
                if let Err(error) = sweep::schedule_retention(&state).await {
                    tracing::warn!(error = ?error, "scheduling retention failed");
                }
                if let Err(error) = db::run(&state.pool, queue::prune).await {
                    tracing::warn!(error = ?error, "pruning finished jobs failed");
                }
            }
        }
    });
}
