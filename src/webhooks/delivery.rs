//! Delivering webhook events on the job queue: each attempt at a delivery is one
//! [`JobKind::WebhookDelivery`] job, so deliveries share the queue's lease, its claim and its
//! worker with every other job instead of keeping a queue of their own.
//!
//! - The delivery row stays the schedule and the log the console shows: its state, attempts,
//!   next attempt, last response code and error. The worker's sweep ([`enqueue_due`]) turns
//!   each delivery whose next attempt is due into a job keyed by the delivery and the attempt's
//!   number, so an attempt is enqueued once however many instances sweep.
//! - A job makes its attempt only if the delivery is still pending and that attempt is not yet
//!   recorded: a job run twice (a lease that ran out) sends at most once more, and receivers
//!   deduplicate by the event id anyway.
//! - A failed attempt is a job done, not a job failed: the next attempt is due after the
//!   queue's [`backoff`], until [`RETRY_FOR`] after the event, then the delivery is failed.
//!
//! Tenant rule: a delivery job carries its workspace, and the delivery is read and updated
//! only together with that `WorkspaceId`.

use std::net::SocketAddr;

use actix_web::web;
use diesel::{
    prelude::*,
    sql_types::{BigInt, Text},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP, RETRY_FOR, TIMEOUT, is_public, sign, validate_url};
use crate::{
    db::{
        self, WorkspaceId,
        schema::{webhook_deliveries, webhook_endpoints},
    },
    error::AppError,
    queue::{ClaimedJob, JobKind, backoff},
    state::AppState,
};

/// Due deliveries turned into jobs per sweep at most; the rest wait for the next sweep.
const ENQUEUE_BATCH: i64 = 500;

/// The payload of a [`JobKind::WebhookDelivery`] job: which delivery, and which attempt at it.
#[derive(Serialize, Deserialize, Debug)]
struct AttemptJob {
    delivery_id: Uuid,
    /// 1-based; the delivery records it as its `attempts` once made.
    attempt: i32,
}

/// Enqueues a job for every pending delivery whose next attempt is due. Returns how many.
pub fn enqueue_due(conn: &mut PgConnection) -> Result<usize, AppError> {
    // The dedupe key names the attempt: a later sweep that finds the same attempt still due
    // (its job not run yet) enqueues nothing. The job is due when the attempt was, so the queue
    // takes deliveries in the order of their events.
    Ok(diesel::sql_query(
        "INSERT INTO jobs (id, workspace_id, kind, dedupe_key, payload, run_at)
         SELECT gen_random_uuid(), due.workspace_id, $1, due.dedupe_key,
                jsonb_build_object('delivery_id', due.id, 'attempt', due.attempts + 1), due.next_attempt_at
         FROM (
             SELECT d.id, d.workspace_id, d.attempts, d.next_attempt_at,
                    $1 || ':' || d.id || ':' || (d.attempts + 1) AS dedupe_key
             FROM webhook_deliveries d
             WHERE d.state = 'pending' AND d.next_attempt_at <= now()
             ORDER BY d.next_attempt_at
         ) AS due
         WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.dedupe_key = due.dedupe_key)
         LIMIT $2
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind::<Text, _>(JobKind::WebhookDelivery.as_str())
    .bind::<BigInt, _>(ENQUEUE_BATCH)
    .execute(conn)?)
}

/// Resolves endpoint host names, keeping only public addresses unless private ones are allowed:
/// a name that resolves to an internal address cannot turn Parlor against its own network.
struct PublicResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for PublicResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found.into_iter().filter(|a| allow_private || is_public(a.ip())).collect();
            if allowed.is_empty() {
                return Err("the host resolves to no public address".into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The HTTP client deliveries go through: no redirects followed, a 10 s timeout.
pub fn http_client(allow_private: bool) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .user_agent(concat!("Parlor-Webhooks/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(std::sync::Arc::new(PublicResolver { allow_private }))
        .build()?)
}

/// A delivery with its endpoint, as one attempt needs it.
#[derive(Queryable, Debug)]
struct Due {
    id: Uuid,
    workspace_id: WorkspaceId,
    event_id: Uuid,
    payload: Value,
    created_at: OffsetDateTime,
    url: String,
    secret: String,
}

/// The delivery of `job`, if it is still pending and `attempt` is the next attempt at it.
fn due(conn: &mut PgConnection, workspace_id: WorkspaceId, job: &AttemptJob) -> Result<Option<Due>, AppError> {
    Ok(webhook_deliveries::table
        .inner_join(webhook_endpoints::table)
        .filter(webhook_deliveries::workspace_id.eq(workspace_id))
        .filter(webhook_deliveries::id.eq(job.delivery_id))
        .filter(webhook_deliveries::state.eq("pending"))
        .filter(webhook_deliveries::attempts.eq(job.attempt - 1))
        .select((
            webhook_deliveries::id,
            webhook_deliveries::workspace_id,
            webhook_deliveries::event_id,
            webhook_deliveries::payload,
            webhook_deliveries::created_at,
            webhook_endpoints::url,
            webhook_endpoints::secret,
        ))
        .first(conn)
        .optional()?)
}

/// What one attempt gave: the response code, if any, and an error to show.
struct Attempt {
    status: Option<u16>,
    error: Option<String>,
}

async fn send(client: &reqwest::Client, allow_private: bool, delivery: &Due) -> Attempt {
    if let Err(message) = validate_url(&delivery.url, allow_private) {
        return Attempt { status: None, error: Some(message) };
    }
    let body = delivery.payload.to_string();
    let timestamp = OffsetDateTime::now_utc().unix_timestamp();
    let sent = client
        .post(&delivery.url)
        .header("content-type", "application/json")
        .header(HEADER_ID, delivery.event_id.to_string())
        .header(HEADER_TIMESTAMP, timestamp.to_string())
        .header(HEADER_SIGNATURE, sign(&delivery.secret, timestamp, body.as_bytes()))
        .body(body)
        .send()
        .await;
    match sent {
        Ok(response) if response.status().is_success() => Attempt { status: Some(response.status().as_u16()), error: None },
        Ok(response) => {
            Attempt { status: Some(response.status().as_u16()), error: Some(format!("the endpoint answered {}", response.status())) }
        }
        Err(error) => {
            let cause = if error.is_timeout() {
                "no answer within 10 seconds".to_string()
            } else if error.is_connect() {
                format!(
                    "could not connect: {}",
                    std::error::Error::source(&error).map(|s| s.to_string()).unwrap_or_else(|| error.to_string())
                )
            } else {
                error.to_string()
            };
            Attempt { status: None, error: Some(cause) }
        }
    }
}

/// Records attempt number `attempt` in the delivery's log: delivered, or pending until its
/// next attempt, or failed once retrying would go past [`RETRY_FOR`].
fn record_attempt(conn: &mut PgConnection, delivery: &Due, attempt: i32, outcome: &Attempt) -> Result<(), AppError> {
    let now = OffsetDateTime::now_utc();
    // Only the first run of a job records its attempt (see the module doc).
    let row = webhook_deliveries::table
        .filter(webhook_deliveries::workspace_id.eq(delivery.workspace_id))
        .filter(webhook_deliveries::id.eq(delivery.id))
        .filter(webhook_deliveries::attempts.eq(attempt - 1));
    let status = outcome.status.map(i32::from);
    let counted = |result: &'static str| ::metrics::counter!(crate::ops::metrics::WEBHOOK_DELIVERIES, "outcome" => result).increment(1);
    match &outcome.error {
        None => {
            counted("delivered");
            diesel::update(row)
                .set((
                    webhook_deliveries::state.eq("delivered"),
                    webhook_deliveries::attempts.eq(attempt),
                    webhook_deliveries::response_status.eq(status),
                    webhook_deliveries::last_error.eq(None::<String>),
                    webhook_deliveries::delivered_at.eq(now),
                ))
                .execute(conn)?;
        }
        Some(error) => {
            let next = now + backoff(attempt);
            let give_up = next > delivery.created_at + RETRY_FOR;
            counted(if give_up { "gave_up" } else { "failed" });
            diesel::update(row)
                .set((
                    webhook_deliveries::state.eq(if give_up { "failed" } else { "pending" }),
                    webhook_deliveries::attempts.eq(attempt),
                    webhook_deliveries::response_status.eq(status),
                    webhook_deliveries::last_error.eq(error.chars().take(500).collect::<String>()),
                    webhook_deliveries::next_attempt_at.eq(next),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The handler of a [`JobKind::WebhookDelivery`] job: one attempt at one delivery.
pub async fn deliver(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    let job_attempt: AttemptJob =
        serde_json::from_value(job.payload.clone()).map_err(|e| AppError::internal(anyhow::anyhow!("bad job payload: {e}")))?;
    let (workspace_id, attempt) = (job.workspace_id, job_attempt.attempt);
    let Some(delivery) = db::run(&state.pool, move |conn| due(conn, workspace_id, &job_attempt)).await? else { return Ok(()) };
    let outcome = send(&state.webhook_client, state.settings.webhooks_allow_private_networks, &delivery).await;
    db::run(&state.pool, move |conn| record_attempt(conn, &delivery, attempt, &outcome)).await
}
