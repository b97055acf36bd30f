//! Builds the application from [`Settings`]: database, mailer, limiters, routes, listener.
//! [`Application::build`] binds its listener (port 0 in tests) and reports the port.

use std::{net::TcpListener, sync::Arc, time::Duration};

use actix_http::{HttpService, KeepAlive};
use actix_service::{IntoServiceFactory, ServiceFactory, map_config};
use actix_web::{
    App,
    body::MessageBody,
    dev::{Server, ServiceRequest, ServiceResponse},
    middleware, web,
};
use anyhow::Context;
use secrecy::ExposeSecret;
use tracing_actix_web::TracingLogger;

pub use crate::state::AppState;
use crate::{
    admin, assets,
    auth::{self, rate_limit::Limiters, session::Session},
    config::Settings,
    db,
    email::Mailer,
    health,
    realtime::{Realtime, socket},
    telemetry::ParlorRootSpan,
    web::{catch_panic, render_errors, security_headers},
};

pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    inbound_smtp_port: Option<u16>,
    metrics_port: Option<u16>,
    /// The listening socket, shared with the server: a drain shuts it.
    listener: TcpListener,
}

/// Form and JSON bodies larger than this are refused with 413 before they are read.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

impl Application {
    /// Creates the database if missing, runs the migrations, and binds `settings.addr`.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let setup_settings = settings.clone();
        actix_web::rt::task::spawn_blocking(move || {
            db::create_database_if_missing(&setup_settings.database_url)?;
            db::run_migrations(&setup_settings.database_url)
        })
        .await
        .context("database set-up panicked")??;

        let pool = db::build_pool(&settings.database_url, settings.database_pool_size, crate::realtime::RESERVED_CONNECTIONS)?;
        let mailer = Mailer::from_settings(&settings)?;
        let limiters = Limiters::new(&settings.rate_limits);
        let links = crate::files::Links::new(settings.secret_bytes(), &settings.public_url, settings.file_link_ttl);
        let storage = crate::files::Storage::open(&settings.storage).context("cannot open file storage (STORAGE_URL)")?;
        tracing::info!(storage = %storage.description, "files are kept in {}", storage.description);
        let (assignment, kicked) = crate::conversations::assignment::Kicks::new();
        let realtime = Realtime::start(
            pool.clone(),
            settings.database_url.expose_secret().to_string(),
            settings.nats_url.as_deref(),
            (&settings.rate_limits).into(),
            settings.credential_check_interval,
            links.clone(),
            assignment.clone(),
        )
        .await?;
        let listener = listen(settings.addr).with_context(|| format!("cannot listen on {}", settings.addr))?;
        let port = listener.local_addr()?.port();
        let webhook_client = crate::webhooks::http_client(settings.webhooks_allow_private_networks)?;
        let stripe = settings.stripe.as_ref().map(crate::billing::stripe_api::StripeApi::new).transpose()?;
        let state = web::Data::new(AppState {
            settings: Arc::new(settings),
            pool,
            mailer,
            limiters,
            realtime,
            webhook_client,
            stripe,
            files: crate::files::Files { storage, links },
            assignment,
            lifecycle: Arc::default(),
        });
        let metrics_port = match state.settings.metrics_addr {
            Some(addr) => Some(crate::ops::metrics::serve(addr, state.clone())?),
            None => None,
        };
        spawn_housekeeping(state.clone());
        crate::jobs::start(state.clone());
        crate::conversations::assignment::start(state.clone(), kicked);
        let inbound_smtp_port = match state.settings.inbound.as_ref().and_then(|i| i.smtp_addr.map(|addr| (addr, i.domain.clone()))) {
            Some((addr, domain)) => Some(
                crate::email::inbound::smtp::start(state.clone(), addr, domain)
                    .await
                    .with_context(|| format!("cannot listen for SMTP on {addr}"))?,
            ),
            None => None,
        };
        let drain_handle = listener.try_clone().context("cannot share the listening socket")?;
        let server = run(listener, state.clone())?;
        Ok(Self { port, server, state, inbound_smtp_port, metrics_port, listener: drain_handle })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the built-in SMTP listener, when `INBOUND_SMTP_ADDR` started it.
    pub fn inbound_smtp_port(&self) -> Option<u16> {
        self.inbound_smtp_port
    }

    /// The port of the metrics listener, when `METRICS_ADDR` started it.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_port
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until SIGTERM or SIGINT, then drains ([`crate::ops::drain`]) and returns within
    /// the shutdown grace.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Self { server, state, listener, .. } = self;
        let handle = server.handle();
        // On a task of its own: the server's future also carries out the drain's commands
        // (pause, stop), so it must keep being polled while the drain waits on them.
        let mut server = tokio::spawn(server);
        tokio::select! {
            finished = &mut server => return finished.unwrap_or_else(|panicked| Err(std::io::Error::other(panicked))),
            signalled = crate::ops::drain::signal() => signalled?,
        }
        // Two seconds of the grace are kept for sending the last traces once the server is
        // down (`main`); a drain takes milliseconds unless something hangs.
        let drain_for =
            state.settings.shutdown_grace.saturating_sub(std::time::Duration::from_secs(2)).max(std::time::Duration::from_secs(1));
        let deadline = tokio::time::Instant::now() + drain_for;
        crate::ops::drain::drain(&state, &handle, &listener, deadline).await;
        // In-flight requests finish; whatever is still open at the deadline is cut.
        let stopping = handle.stop(true);
        if tokio::time::timeout_at(deadline, async { tokio::join!(stopping, &mut server).1 }).await.is_err() {
            tracing::warn!("the HTTP server did not stop within the shutdown grace; exiting anyway");
        }
        Ok(())
    }
}

/// Connections the kernel completes and holds for the server to accept: room for a reconnect
/// storm, thousands of sockets coming back at once (the kernel caps it at
/// `net.core.somaxconn`, 4,096 by default).
const ACCEPT_BACKLOG: i32 = 4096;

/// Binds the HTTP listener. Not `TcpListener::bind`: its backlog is 128, and a full backlog
/// drops a client's handshake, which its kernel retries only a second later (a 15,000-socket
/// resume overflowed it 44 times; with this backlog, never).
fn listen(addr: std::net::SocketAddr) -> std::io::Result<TcpListener> {
    let socket = socket2::Socket::new(socket2::Domain::for_address(addr), socket2::Type::STREAM, Some(socket2::Protocol::TCP))?;
    // As `TcpListener::bind` does: a restarted instance can bind while its old connections
    // linger in TIME_WAIT.
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(ACCEPT_BACKLOG)?;
    Ok(socket.into())
}

/// The HTTP server: actix-web's `HttpServer`, assembled from its parts so that it can hand
/// upgraded connections to [`socket::upgrade`] (which `HttpServer` cannot), with the same
/// settings it would have.
fn run(listener: TcpListener, state: web::Data<AppState>) -> anyhow::Result<Server> {
    let shutdown_grace = state.settings.shutdown_grace;
    let local_addr = listener.local_addr()?;
    let builder = actix_server::Server::build();
    let graceful_shutdown = builder.graceful_shutdown_signal();
    let server = builder
        .listen("parlor", listener, move || {
            let graceful_shutdown = graceful_shutdown.clone();
            let config = actix_web::dev::AppConfig::default();
            let upgrade_config = config.clone();
            HttpService::build()
                // Idle keep-alive connections close at once when the server stops.
                .graceful_shutdown_signal(move || {
                    let signal = graceful_shutdown.clone();
                    async move { signal.notified().await }
                })
                .keep_alive(KeepAlive::default())
                .client_request_timeout(Duration::from_secs(5))
                .client_disconnect_timeout(Duration::from_secs(1))
                // Realtime frames are small and must go out at once: with Nagle's algorithm a
                // frame could wait for the ACK of the one before, up to the peer's delayed-ACK
                // timer (40 ms on Linux).
                .tcp_nodelay(true)
                .local_addr(local_addr)
                .upgrade(socket::upgrade::service(app(state.clone()).into_factory(), upgrade_config))
                .finish(map_config(app(state.clone()).into_factory(), move |_| config.clone()))
                .tcp()
        })?
        // SIGTERM is handled by `run_until_stopped`, which drains first; the server's own stop
        // then waits for in-flight requests within the same grace.
        .disable_signals()
        .shutdown_timeout(shutdown_grace.as_secs().max(1))
        .run();
    Ok(server)
}

/// Every route and middleware: one instance answers ordinary requests, another the requests
/// that ask for an upgrade (see [`socket::upgrade`]).
fn app(
    state: web::Data<AppState>,
) -> App<
    impl ServiceFactory<ServiceRequest, Config = (), Response = ServiceResponse<impl MessageBody>, Error = actix_web::Error, InitError = ()>,
> {
    App::new()
        .app_data(state)
        .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
        .app_data(web::FormConfig::default().limit(MAX_BODY_BYTES))
        .app_data(
            web::JsonConfig::default()
                .limit(MAX_BODY_BYTES)
                .error_handler(|error, _| crate::error::AppError::bad_request(format!("The JSON body is invalid: {error}")).into()),
        )
        .app_data(
            web::QueryConfig::default()
                .error_handler(|_, _| crate::error::AppError::bad_request("The address has an invalid query.").into()),
        )
        .wrap(middleware::from_fn(catch_panic))
        .wrap(middleware::from_fn(render_errors))
        .wrap(middleware::from_fn(auth::csrf::ensure_cookie))
        .wrap(security_headers())
        .wrap(middleware::Compress::default())
        .wrap(TracingLogger::<ParlorRootSpan>::new())
        .wrap(middleware::from_fn(crate::ops::metrics::record_request))
        .wrap(middleware::from_fn(crate::ops::drain::close_connections_when_draining))
        .route("/healthz", web::get().to(health::healthz))
        .route("/readyz", web::get().to(health::readyz))
        .route("/static/{name}", web::get().to(assets::serve))
        .route("/", web::get().to(crate::landing))
        .configure(crate::files::routes::configure)
        .configure(crate::avatars::routes::configure)
        .route("/ws", web::get().to(socket::connect))
        .configure(crate::widget::configure)
        .configure(auth::configure)
        .configure(crate::inbox::configure)
        .configure(crate::contacts::configure)
        .configure(crate::reports::page::configure)
        .configure(crate::api::configure)
        .configure(crate::billing::pages::configure)
        .configure(crate::email::inbound::webhook::configure)
        .configure(admin::configure)
}

/// Periodic clean-up that needs no coordination between instances.
fn spawn_housekeeping(state: web::Data<AppState>) {
    tokio::spawn(async move {
        let mut tick = actix_web::rt::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            state.limiters.forget_idle_keys();
            if let Err(error) = db::run(&state.pool, Session::delete_expired).await {
                tracing::warn!(error = ?error, "could not delete expired sessions");
            }
        }
    });
}
