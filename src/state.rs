//! What every request of every worker shares: settings, the database pool, the mailer, the rate
//! limiters, the realtime hub and broker, and the HTTP clients of outside services. Built once by
//! [`crate::startup::Application::build`]; handlers take it as `web::Data<AppState>`.

use std::sync::Arc;

use crate::{auth::rate_limit::Limiters, config::Settings, db::DbPool, email::Mailer, realtime::Realtime};

/// Shared by every request of every worker.
pub struct AppState {
    pub settings: Arc<Settings>,
    pub pool: DbPool,
    pub mailer: Mailer,
    pub limiters: Limiters,
    pub realtime: Realtime,
    /// Webhook deliveries go through it (see [`crate::webhooks::http_client`]).
    pub webhook_client: reqwest::Client,
    /// The Stripe client; `None` with billing off.
    pub stripe: Option<crate::billing::stripe_api::StripeApi>,
    /// Where files are kept, and the links that serve them.
    pub files: crate::files::Files,
    /// Kicks auto-assignment of a workspace ([`crate::conversations::assignment`]).
    pub assignment: crate::conversations::assignment::Kicks,
    /// Whether the instance is shutting down ([`crate::ops::drain`]).
    pub lifecycle: Arc<crate::ops::drain::Lifecycle>,
}
