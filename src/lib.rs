//! Parlor: hosted, multi-tenant customer-support chat. The binary in `main.rs` only parses the
//! command line; everything else lives here, split by feature (see docs/architecture in README).

pub mod admin;
pub mod api;
pub mod assets;
pub mod auth;
pub mod avatars;
pub mod billing;
pub mod config;
pub mod contacts;
pub mod conversations;
pub mod db;
pub mod email;
pub mod error;
pub mod files;
pub mod health;
pub mod i18n;
pub mod inbox;
pub mod jobs;
pub mod ops;
pub mod queue;
pub mod realtime;
pub mod reports;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
pub mod webhooks;
pub mod widget;
pub mod workspaces;

use actix_web::{HttpResponse, http::StatusCode};
use askama::Template;

#[derive(Template)]
#[template(path = "landing.html")]
struct LandingPage {
    tr: i18n::Tr,
    signed_in: bool,
}

/// `/`: what Parlor is, with the way in.
async fn landing(current: Option<auth::CurrentUser>, tr: i18n::Tr) -> Result<HttpResponse, error::AppError> {
    web::render(StatusCode::OK, &LandingPage { tr: current.as_ref().map_or(tr, |c| c.user.tr()), signed_in: current.is_some() })
}
