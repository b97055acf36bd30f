//! Leaving without dropping anyone. On SIGTERM (or SIGINT) an instance:
//!
//! 1. turns `/readyz` to 503 (`draining`), so the load balancer takes it out of the pool;
//! 2. stops accepting connections (those open, such as the proxy's keep-alive ones, are still
//!    answered: a request that arrives now is served, not refused);
//! 3. asks every socket to close with 1012 once the acks of the sends it took are out: clients
//!    reconnect at once, to another instance, and resume from their last `seq`;
//! 4. waits for the message writers to answer every send they hold and for the background
//!    jobs under way to end (the worker claims no new ones);
//! 5. stops the HTTP server, letting in-flight requests finish;
//!
//! all within the grace (`SHUTDOWN_GRACE_SECONDS`, 10 s by default), after which it exits
//! whatever is left: a job cut short is leased and runs again on another instance, a send cut
//! short is resent by its client under the same `client_id` and stored once.

use std::{
    sync::atomic::{AtomicBool, AtomicUsize, Ordering},
    time::Duration,
};

use actix_web::{dev::ServerHandle, web};
use tokio::time::Instant;

use crate::state::AppState;

/// Whether this instance is shutting down, and the background work it waits for.
#[derive(Default)]
pub struct Lifecycle {
    draining: AtomicBool,
    jobs_running: AtomicUsize,
}

impl Lifecycle {
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }

    /// Step 1: `/readyz` answers 503 and every answer from now on closes its connection. Public
    /// so that a test can see a draining instance without stopping one.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::Release);
        ::metrics::gauge!(super::metrics::DRAINING).set(1.0);
    }

    /// Counts a background job as running while the guard lives.
    pub fn job_started(&self) -> RunningJob<'_> {
        self.jobs_running.fetch_add(1, Ordering::AcqRel);
        ::metrics::gauge!(super::metrics::JOBS_RUNNING).increment(1.0);
        RunningJob(self)
    }

    fn jobs_running(&self) -> usize {
        self.jobs_running.load(Ordering::Acquire)
    }
}

pub struct RunningJob<'a>(&'a Lifecycle);

impl Drop for RunningJob<'_> {
    fn drop(&mut self) {
        self.0.jobs_running.fetch_sub(1, Ordering::AcqRel);
        ::metrics::gauge!(super::metrics::JOBS_RUNNING).decrement(1.0);
    }
}

/// Set once the drain has shut the listening socket; see [`accept_thread_errors_expected`].
/// Process-wide, as the accept thread's log target is: a process serves one listener.
static LISTENER_SHUT: AtomicBool = AtomicBool::new(false);

/// The log target of actix-server's accept thread.
pub const ACCEPT_THREAD_TARGET: &str = "actix_server::accept";

/// Whether errors of the accept thread are the drain's own doing, and not worth an operator's
/// look: `pause` only asks the accept thread to stop watching the listening socket and does
/// not wait for it, so the shutdown that follows may wake it first. It then logs
/// `Error accepting connection: Invalid argument` and `Can not deregister server socket`,
/// on every deploy, for a socket it was about to leave anyway. The telemetry's filter drops
/// them from then on (the process ends within the grace); the drain logs what it did instead.
pub fn accept_thread_errors_expected() -> bool {
    LISTENER_SHUT.load(Ordering::Acquire)
}

/// Resolves on the first SIGTERM or SIGINT.
pub async fn signal() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    tokio::select! {
        _ = terminate.recv() => tracing::info!("SIGTERM: draining"),
        _ = interrupt.recv() => tracing::info!("SIGINT: draining"),
    }
    Ok(())
}

/// Steps 1 to 4 of the module doc; the caller then stops the server (step 5) with what is
/// left of `deadline`. `listener` is a handle on the server's listening socket.
pub async fn drain(state: &web::Data<AppState>, server: &ServerHandle, listener: &std::net::TcpListener, deadline: Instant) {
    let started = Instant::now();
    state.lifecycle.start_draining();
    server.pause().await;
    // Paused, the listener would still complete handshakes into its backlog and leave them
    // hanging; shut, it refuses them, and a proxy retries at once on another instance.
    LISTENER_SHUT.store(true, Ordering::Release);
    match socket2::SockRef::from(listener).shutdown(std::net::Shutdown::Read) {
        Ok(()) => tracing::info!("stopped accepting connections: new ones are refused"),
        Err(error) => tracing::warn!(%error, "could not shut the listening socket; new connections wait until the exit"),
    }
    let sockets = state.realtime.hub.restart_all();
    // Visitors who came or went just before: told now, while the broker is still up (those
    // who leave from here on are not announced: they reconnect elsewhere at once).
    state.realtime.flush_presence();
    // The sockets need their acks (at most 2 s) and a close frame each; keep a second at the
    // end for the server's own stop.
    let before_stop = deadline.checked_sub(Duration::from_secs(1)).unwrap_or(deadline);
    let closed = wait_until(before_stop, || state.realtime.hub.socket_count() == 0).await;
    let writers = wait_until(before_stop, || state.realtime.writer.pending() == 0).await;
    let jobs = wait_until(before_stop, || state.lifecycle.jobs_running() == 0).await;
    tracing::info!(
        sockets,
        sockets_left = state.realtime.hub.socket_count(),
        sends_left = state.realtime.writer.pending(),
        jobs_left = state.lifecycle.jobs_running(),
        all_done = closed && writers && jobs,
        took_ms = started.elapsed().as_millis() as u64,
        "drained; stopping the HTTP server"
    );
}

/// Middleware: while draining, every response closes its connection, so that the proxy's
/// keep-alive connections end with the request they carry instead of holding the server's
/// stop until they idle out.
pub async fn close_connections_when_draining(
    request: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let mut response = next.call(request).await?;
    // Judged once the handler has answered, not when the request arrived: draining only ever
    // turns on, so every answer `/readyz` gave as "draining" closes its connection, even one
    // whose request came in a moment before the drain began. (An answer made just before may
    // close too; the proxy's next connection is then refused, which tells it as much.)
    let draining = response.request().app_data::<web::Data<AppState>>().is_some_and(|state| state.lifecycle.is_draining());
    if draining {
        response.response_mut().head_mut().set_connection_type(actix_web::http::ConnectionType::Close);
    }
    Ok(response)
}

/// Polls `done` every 10 ms until it holds (true) or `deadline` passes (false).
async fn wait_until(deadline: Instant, done: impl Fn() -> bool) -> bool {
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
