//! Prometheus metrics. Every part of Parlor records through the `metrics` facade with the
//! names below; with `METRICS_ADDR` unset no recorder is installed and each call is a no-op.
//! With it set, the process installs one Prometheus recorder and serves its text at
//! `GET /metrics` on that address, a listener apart from the public one, so the figures never
//! reach the internet through the proxy.
//!
//! Labels stay few and bounded: a route is its pattern (`/app/conversations/{id}`), never its
//! path; a job or email is its kind; nothing carries a workspace, a user or an address.

use std::{sync::OnceLock, time::Duration};

use ::metrics::{counter, gauge, histogram};
use actix_web::{
    Error, HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
    web,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::state::AppState;

pub const HTTP_REQUESTS: &str = "parlor_http_requests_total";
pub const HTTP_DURATION: &str = "parlor_http_request_duration_seconds";
pub const SOCKETS_OPEN: &str = "parlor_sockets_open";
pub const MESSAGES_STORED: &str = "parlor_messages_stored_total";
pub const WRITER_BATCH_SIZE: &str = "parlor_writer_batch_size";
pub const WRITER_COMMIT: &str = "parlor_writer_commit_duration_seconds";
pub const SOCKET_READS_BATCH_SIZE: &str = "parlor_socket_reads_batch_size";
pub const SOCKET_READS_DURATION: &str = "parlor_socket_reads_duration_seconds";
pub const ACK_DURATION: &str = "parlor_ack_duration_seconds";
pub const BROKER_PUBLISHED: &str = "parlor_broker_published_total";
pub const BROKER_RECEIVED: &str = "parlor_broker_received_total";
pub const BROKER_LAG: &str = "parlor_broker_lag_seconds";
pub const DB_POOL_WAIT: &str = "parlor_db_pool_wait_seconds";
pub const DB_POOL_CONNECTIONS: &str = "parlor_db_pool_connections";
pub const JOBS_QUEUED: &str = "parlor_jobs_queued";
pub const JOBS_RUNNING: &str = "parlor_jobs_running";
pub const JOBS_FAILED: &str = "parlor_jobs_failed_total";
pub const JOBS_COMPLETED: &str = "parlor_jobs_completed_total";
pub const JOB_LAG: &str = "parlor_job_lag_seconds";
pub const WEBHOOK_DELIVERIES: &str = "parlor_webhook_deliveries_total";
pub const EMAILS_SENT: &str = "parlor_emails_sent_total";
pub const EMAILS_FAILED: &str = "parlor_emails_failed_total";
pub const DRAINING: &str = "parlor_draining";
pub const BUILD_INFO: &str = "parlor_build_info";

/// Latencies from a fraction of a millisecond (an ack, a pool checkout) to a slow page.
const SECONDS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
/// Queue lags: jobs wait for the worker's tick (5 s by default), retries for minutes.
const LAG_SECONDS: &[f64] = &[0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0, 7200.0];
/// Messages per writer commit, and reads per socket readers' batch: 1 when idle, up to the
/// batch limit under load.
const BATCH_SIZES: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's recorder once and returns its handle (several applications in one
/// process, as in tests, share it).
pub fn install() -> anyhow::Result<PrometheusHandle> {
    if let Some(handle) = HANDLE.get() {
        return Ok(handle.clone());
    }
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(JOB_LAG.into()), LAG_SECONDS)?
        .set_buckets_for_metric(Matcher::Full(WRITER_BATCH_SIZE.into()), BATCH_SIZES)?
        .set_buckets_for_metric(Matcher::Full(SOCKET_READS_BATCH_SIZE.into()), BATCH_SIZES)?
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS)?
        .build_recorder();
    let handle = recorder.handle();
    // Only the first install wins; a racing second one keeps the first's handle.
    if ::metrics::set_global_recorder(recorder).is_ok() {
        let _ = HANDLE.set(handle);
    }
    let handle = HANDLE.get().cloned().ok_or_else(|| anyhow::anyhow!("another metrics recorder is installed"))?;
    describe();
    gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    gauge!(DRAINING).set(0.0);
    Ok(handle)
}

fn describe() {
    use ::metrics::{Unit, describe_counter, describe_gauge, describe_histogram};
    describe_counter!(HTTP_REQUESTS, "HTTP requests answered, by method, route pattern and status");
    describe_histogram!(HTTP_DURATION, Unit::Seconds, "Time to answer an HTTP request, by method and route pattern");
    describe_gauge!(SOCKETS_OPEN, "Open WebSockets on this instance, by role (visitor, agent)");
    describe_counter!(MESSAGES_STORED, "Messages committed by this instance's writers (retries of a stored message not counted)");
    describe_histogram!(WRITER_BATCH_SIZE, "Messages per writer transaction");
    describe_histogram!(WRITER_COMMIT, Unit::Seconds, "Time to store and commit one writer batch");
    describe_histogram!(SOCKET_READS_BATCH_SIZE, "Reads of sockets saying hello (hellos, missed ranges) answered together");
    describe_histogram!(SOCKET_READS_DURATION, Unit::Seconds, "Time to answer one batch of sockets' reads");
    describe_histogram!(ACK_DURATION, Unit::Seconds, "From a socket's send frame to its ack");
    describe_counter!(BROKER_PUBLISHED, "Envelopes of wake-ups published to the other instances");
    describe_counter!(BROKER_RECEIVED, "Envelopes received from other instances");
    describe_histogram!(BROKER_LAG, Unit::Seconds, "From another instance's publish to receipt here (clocks of both)");
    describe_histogram!(DB_POOL_WAIT, Unit::Seconds, "Waiting for a database connection");
    describe_gauge!(DB_POOL_CONNECTIONS, "Database connections of this instance's pool, by state (idle, in_use)");
    describe_gauge!(JOBS_QUEUED, "Background jobs due and waiting (all instances; sampled at each scrape)");
    describe_gauge!(JOBS_RUNNING, "Background jobs running on this instance");
    describe_counter!(JOBS_FAILED, "Background job runs that failed (retried or given up), by kind");
    describe_counter!(JOBS_COMPLETED, "Background job runs that succeeded, by kind");
    describe_histogram!(JOB_LAG, Unit::Seconds, "From a job's due time to its start");
    describe_counter!(WEBHOOK_DELIVERIES, "Webhook delivery attempts, by outcome (delivered, failed, gave_up)");
    describe_counter!(EMAILS_SENT, "Emails handed to the mail server (or written to files), by kind");
    describe_counter!(EMAILS_FAILED, "Emails that could not be sent, by kind");
    describe_gauge!(DRAINING, "1 while this instance shuts down");
    describe_gauge!(BUILD_INFO, "The running version");
}

/// Middleware: counts and times every request by its route's pattern.
pub async fn record_request(request: ServiceRequest, next: Next<impl MessageBody>) -> Result<ServiceResponse<impl MessageBody>, Error> {
    // Without a recorder (METRICS_ADDR unset) the labels below would be built for nothing on
    // every request.
    if HANDLE.get().is_none() {
        return next.call(request).await;
    }
    let started = std::time::Instant::now();
    let method = request.method().as_str().to_owned();
    // The pattern, not the path: ids must not become series of their own.
    let route = request.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    let response = next.call(request).await;
    let status = match &response {
        Ok(response) => response.status().as_u16(),
        Err(error) => error.as_response_error().status_code().as_u16(),
    };
    counter!(HTTP_REQUESTS, "method" => method.clone(), "route" => route.clone(), "status" => status.to_string()).increment(1);
    histogram!(HTTP_DURATION, "method" => method, "route" => route).record(started.elapsed().as_secs_f64());
    response
}

/// One open socket of `role`, counted while it lives.
pub struct OpenSocket(&'static str);

impl OpenSocket {
    pub fn new(role: &'static str) -> Self {
        gauge!(SOCKETS_OPEN, "role" => role).increment(1.0);
        Self(role)
    }
}

impl Drop for OpenSocket {
    fn drop(&mut self) {
        gauge!(SOCKETS_OPEN, "role" => self.0).decrement(1.0);
    }
}

/// Records one writer transaction.
pub fn writer_batch(size: usize, stored: usize, took: Duration) {
    histogram!(WRITER_BATCH_SIZE).record(size as f64);
    histogram!(WRITER_COMMIT).record(took.as_secs_f64());
    counter!(MESSAGES_STORED).increment(stored as u64);
}

pub fn socket_reads_batch(size: usize, took: Duration) {
    histogram!(SOCKET_READS_BATCH_SIZE).record(size as f64);
    histogram!(SOCKET_READS_DURATION).record(took.as_secs_f64());
}

pub fn pool_wait(took: Duration) {
    histogram!(DB_POOL_WAIT).record(took.as_secs_f64());
}

/// `GET /metrics` on the metrics listener. Gauges that are a state of the world rather than
/// of this process (connections in the pool, jobs waiting) are sampled now.
async fn scrape(handle: web::Data<PrometheusHandle>, state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.state();
    gauge!(DB_POOL_CONNECTIONS, "state" => "idle").set(f64::from(pool.idle_connections));
    gauge!(DB_POOL_CONNECTIONS, "state" => "in_use").set(f64::from(pool.connections.saturating_sub(pool.idle_connections)));
    match crate::db::run(&state.pool, crate::queue::count_due).await {
        Ok(due) => gauge!(JOBS_QUEUED).set(due as f64),
        Err(error) => tracing::warn!(error = ?error, "could not count the queued jobs for the metrics"),
    }
    handle.run_upkeep();
    HttpResponse::Ok().content_type("text/plain; version=0.0.4; charset=utf-8").body(handle.render())
}

/// Serves `GET /metrics` on `addr` until the process ends; returns the bound port.
pub fn serve(addr: std::net::SocketAddr, state: web::Data<AppState>) -> anyhow::Result<u16> {
    use anyhow::Context;
    let handle = web::Data::new(install()?);
    let listener = std::net::TcpListener::bind(addr).with_context(|| format!("cannot listen for metrics on {addr} (METRICS_ADDR)"))?;
    let port = listener.local_addr()?.port();
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new().app_data(handle.clone()).app_data(state.clone()).route("/metrics", web::get().to(scrape))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(1)
    .listen(listener)?
    .run();
    actix_web::rt::spawn(server);
    tracing::info!(%addr, port, "metrics at /metrics");
    Ok(port)
}
