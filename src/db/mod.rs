//! The database: the connection pool, the one helper every query runs through, the migrations
//! embedded in the binary, and the typed ids of every table.
//!
//! Diesel is synchronous, so [`run`] moves each unit of work onto the blocking thread pool and
//! carries the caller's tracing span with it: no handler ever blocks an actix worker.

pub mod cached_sql;
pub mod ids;
pub mod schema;
pub mod tls;

use anyhow::Context;
use diesel::{
    Connection, PgConnection, RunQueryDsl,
    r2d2::{ConnectionManager, Pool},
    sql_types::Text,
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::AppError;

pub use cached_sql::CachedSql;
pub use ids::*;

/// The connection pool, and the permits that let async callers wait their turn without
/// holding a thread: under a burst (thousands of sockets reconnecting at once) requests queue
/// here in order instead of timing out inside r2d2.
#[derive(Clone)]
pub struct DbPool {
    pool: Pool<ConnectionManager<PgConnection>>,
    permits: std::sync::Arc<tokio::sync::Semaphore>,
}

impl DbPool {
    /// A connection for code that runs on its own thread (the message writers).
    pub fn get(&self) -> Result<diesel::r2d2::PooledConnection<ConnectionManager<PgConnection>>, diesel::r2d2::PoolError> {
        let started = std::time::Instant::now();
        let conn = self.pool.get();
        crate::ops::metrics::pool_wait(started.elapsed());
        conn
    }

    /// How many connections are open and how many of them idle.
    pub fn state(&self) -> diesel::r2d2::State {
        self.pool.state()
    }
}

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Runs `work` with a pooled connection on the blocking pool, inside the current span.
pub async fn run<T, F>(pool: &DbPool, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let started = std::time::Instant::now();
    let permit = pool.permits.clone().acquire_owned().await.map_err(AppError::internal)?;
    let pool = pool.pool.clone();
    let span = tracing::Span::current();
    actix_web::rt::task::spawn_blocking(move || {
        let _entered = span.enter();
        let _permit = permit;
        let mut conn = pool.get()?;
        // The wait for a permit and for the connection: what a request loses to a busy pool.
        crate::ops::metrics::pool_wait(started.elapsed());
        work(&mut conn)
    })
    .await
    .map_err(AppError::internal)?
}

/// Builds the pool. Connections are opened lazily, so a database that is down at start-up
/// shows in `/readyz` rather than as a crash loop. `reserved` connections are kept for threads
/// that take them directly with [`DbPool::get`].
pub fn build_pool(database_url: &SecretString, max_size: u32, reserved: u32) -> anyhow::Result<DbPool> {
    let manager = ConnectionManager::<PgConnection>::new(database_url.expose_secret());
    let pool = Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(std::time::Duration::from_secs(5))
        .test_on_check_out(false)
        .build(manager)
        .context("cannot build the database pool")?;
    let permits = max_size.saturating_sub(reserved).max(1) as usize;
    Ok(DbPool { pool, permits: std::sync::Arc::new(tokio::sync::Semaphore::new(permits)) })
}

/// Creates the database named in `database_url` when it does not exist yet, through the
/// server's `postgres` maintenance database.
pub fn create_database_if_missing(database_url: &SecretString) -> anyhow::Result<()> {
    let (maintenance_url, name) = split_database_url(database_url.expose_secret())?;
    let mut conn =
        PgConnection::establish(&maintenance_url).with_context(|| format!("cannot connect to Postgres at {}", redact(&maintenance_url)))?;
    #[derive(diesel::QueryableByName)]
    struct Exists {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        exists: bool,
    }
    let found: Exists = diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
        .bind::<Text, _>(&name)
        .get_result(&mut conn)?;
    if !found.exists {
        diesel::sql_query(format!("CREATE DATABASE {}", quote_identifier(&name))).execute(&mut conn)?;
        tracing::info!(database = %name, "created database");
    }
    Ok(())
}

/// Applies every pending migration; returns how many ran.
pub fn run_migrations(database_url: &SecretString) -> anyhow::Result<usize> {
    let mut conn = PgConnection::establish(database_url.expose_secret()).context("cannot connect to the database")?;
    let applied = conn.run_pending_migrations(MIGRATIONS).map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    for version in &applied {
        tracing::info!(%version, "applied migration");
    }
    Ok(applied.len())
}

/// Splits `postgres://.../name` into the URL of the `postgres` database and `name`.
pub fn split_database_url(database_url: &str) -> anyhow::Result<(String, String)> {
    let mut url = Url::parse(database_url).context("DATABASE_URL is not a URL")?;
    let name = url.path().trim_start_matches('/').to_string();
    if name.is_empty() {
        anyhow::bail!("DATABASE_URL names no database");
    }
    url.set_path("/postgres");
    Ok((url.to_string(), name))
}

/// Double-quotes a Postgres identifier.
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn redact(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "<invalid url>".into(),
    }
}

/// `SELECT 1`: what `/readyz` asks.
pub fn ping(conn: &mut PgConnection) -> Result<(), AppError> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}
