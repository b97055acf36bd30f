//! The one error type of the application and how it reaches people.
//!
//! Handlers return [`AppError`]. A person sees a short, safe message (an HTML page, or JSON under
//! `/api/` and for clients that ask for JSON) with the request id; the log gets the whole cause
//! chain. The page itself is rendered by [`crate::web::render_errors`], which knows the request.

use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use serde::Serialize;

/// The JSON body of every error answer (the REST API documents it as its error schema).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: `bad_request`, `unauthorized`, `forbidden`, `payment_required`,
    /// `not_found`, `method_not_allowed`, `conflict`, `payload_too_large`, `unprocessable`,
    /// `rate_limited`, `unavailable`, `internal`.
    pub code: String,
    /// What went wrong, for a person.
    pub message: String,
    /// Quote it when asking for help: it finds the request in the logs.
    pub request_id: String,
}

#[derive(thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    /// Pages send the person to sign in; API calls answer 401.
    #[error("Please sign in to continue.")]
    SignInRequired,
    #[error("{0}")]
    Forbidden(String),
    /// A plan limit: the message says what to upgrade.
    #[error("{0}")]
    PaymentRequired(String),
    #[error("This page does not exist, or you do not have access to it.")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// Well-formed, but naming something that cannot be used here (e.g. a user who is not a
    /// member, as an assignee).
    #[error("{0}")]
    Unprocessable(String),
    /// The address exists but not for this method; holds the `Allow` header's value.
    #[error("This address does not accept that kind of request; it accepts {0}.")]
    MethodNotAllowed(&'static str),
    #[error("Too many attempts. Please wait a while and try again.")]
    RateLimited,
    /// A fixed cap on what one visitor may create (open conversations, new ones a day).
    #[error("{0}")]
    LimitReached(String),
    #[error("The request body is too large.")]
    PayloadTooLarge,
    /// Larger than a stated limit, which the message names ("This file is larger than 25 MB.").
    #[error("{0}")]
    TooLarge(String),
    #[error("The service is not available right now. Please try again shortly.")]
    Unavailable(#[source] anyhow::Error),
    #[error("Something went wrong on our side. Please try again.")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest(message.into())
    }

    pub fn csrf() -> Self {
        Self::Forbidden("This form has expired or was not sent from Parlor. Go back, reload the page and try again.".into())
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Self::Internal(error.into())
    }

    /// A stable, machine-readable name for JSON answers.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::SignInRequired => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::PaymentRequired(_) => "payment_required",
            Self::NotFound => "not_found",
            Self::Conflict(_) => "conflict",
            Self::Unprocessable(_) => "unprocessable",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::RateLimited => "rate_limited",
            Self::LimitReached(_) => "limit",
            Self::PayloadTooLarge | Self::TooLarge(_) => "payload_too_large",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }
}

impl std::fmt::Debug for AppError {
    /// The whole chain of causes, for the log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{self}")?;
        let mut current = std::error::Error::source(self);
        while let Some(cause) = current {
            writeln!(f, "Caused by:\n\t{cause}")?;
            current = cause.source();
        }
        Ok(())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::SignInRequired => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::PaymentRequired(_) => StatusCode::PAYMENT_REQUIRED,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::RateLimited | Self::LimitReached(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::PayloadTooLarge | Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A plain body; [`crate::web::render_errors`] replaces it with a page or JSON.
    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let Self::MethodNotAllowed(allow) = self {
            response.insert_header((actix_web::http::header::ALLOW, *allow));
        }
        response.body(self.to_string())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::NotFound => Self::NotFound,
            other => Self::Internal(other.into()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        Self::Unavailable(error.into())
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> Self {
        Self::Internal(error.into())
    }
}
