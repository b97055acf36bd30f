//! Accounts and credentials: sign-up, sign-in and sign-out, email verification, password reset,
//! changes of email address ([`email_change`]), sessions, CSRF, API keys ([`api_keys`]), the one HMAC-SHA256 helper ([`signing`]), and the
//! extractors that say who is asking ([`CurrentUser`], [`Member`], the API key scopes).

pub mod api_keys;
pub mod csrf;
pub mod email_change;
pub mod extractors;
pub mod password;
pub mod rate_limit;
mod routes;
pub mod secret_token;
pub mod session;
pub mod signing;
pub mod users;

pub use csrf::{CsrfForm, CsrfToken, EmptyForm};
pub use extractors::{Member, WorkspaceAdmin, WorkspaceOwner};
pub use routes::configure;
pub use session::CurrentUser;
