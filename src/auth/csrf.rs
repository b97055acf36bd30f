//! CSRF protection for every state-changing form: a signed double-submit token.
//!
//! Each browser gets a random `parlor_csrf` cookie (HttpOnly, SameSite=Lax). Forms carry
//! `csrf_token = HMAC-SHA256(SECRET_KEY, cookie)`. Another site can neither read the cookie nor
//! compute the HMAC, so it cannot forge a form; [`CsrfForm`] answers 403 to a missing or wrong
//! token before the handler runs.

use actix_web::{
    FromRequest, HttpMessage, HttpRequest,
    body::MessageBody,
    cookie::{Cookie, SameSite},
    dev::{Payload, ServiceRequest, ServiceResponse},
    middleware::Next,
    web,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::{
    auth::{
        secret_token,
        signing::{hmac_sha256, hmac_sha256_matches},
    },
    error::AppError,
    state::AppState,
};

pub const COOKIE: &str = "parlor_csrf";
pub const FIELD: &str = "csrf_token";
/// Dashboard forms are small; anything larger is refused before parsing.
const FORM_LIMIT: usize = 64 * 1024;

/// This browser's CSRF cookie value, put in the request by [`ensure_cookie`].
#[derive(Clone)]
struct CsrfSeed(String);

/// Gives every browser a CSRF cookie the first time it shows up (on an answer that is neither
/// `public` nor a WebSocket handshake).
pub async fn ensure_cookie(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let existing = req.cookie(COOKIE).map(|c| c.value().to_string()).filter(|v| secret_token::looks_valid(v));
    let secure = req.app_data::<web::Data<AppState>>().is_some_and(|s| s.settings.cookies_secure());
    let fresh = existing.is_none();
    let seed = existing.unwrap_or_else(secret_token::generate);
    req.extensions_mut().insert(CsrfSeed(seed.clone()));
    let mut response = next.call(req).await?;
    // What shared caches may keep (assets, avatars) carries no cookie: a cache would hand one
    // browser's cookie to everyone, and most CDNs refuse to store an answer that sets one.
    let public = response
        .headers()
        .get(actix_web::http::header::CACHE_CONTROL)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("public"));
    // Nor does a WebSocket handshake: a socket renders no form, and the widget's socket comes
    // from the customer's site, where browsers refuse a cookie set by a cross-site answer (and
    // say so in the site's console).
    let handshake = response.status() == actix_web::http::StatusCode::SWITCHING_PROTOCOLS;
    if fresh && !public && !handshake {
        let cookie = Cookie::build(COOKIE, seed)
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::days(365))
            .finish();
        response.response_mut().add_cookie(&cookie).map_err(actix_web::error::ErrorInternalServerError)?;
    }
    Ok(response)
}

/// The token to put into the hidden `csrf_token` field of this page's forms.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

impl CsrfToken {
    pub fn for_request(req: &HttpRequest) -> Result<Self, AppError> {
        let state = req.app_data::<web::Data<AppState>>().ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?;
        let seed =
            req.extensions().get::<CsrfSeed>().cloned().ok_or_else(|| AppError::internal(anyhow::anyhow!("csrf middleware missing")))?;
        let tag = hmac_sha256(state.settings.secret_bytes(), &[b"csrf:", seed.0.as_bytes()]);
        Ok(Self(URL_SAFE_NO_PAD.encode(tag)))
    }
}

impl FromRequest for CsrfToken {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Self::for_request(req))
    }
}

/// Checks the token of a form the extractors below do not read (a multipart upload form):
/// 403 unless it is this browser's.
pub fn verify(req: &HttpRequest, submitted: Option<&str>) -> Result<(), AppError> {
    let state = req.app_data::<web::Data<AppState>>().ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?;
    let seed = req.extensions().get::<CsrfSeed>().cloned().ok_or_else(AppError::csrf)?;
    let submitted = submitted.and_then(|t| URL_SAFE_NO_PAD.decode(t).ok()).ok_or_else(AppError::csrf)?;
    if hmac_sha256_matches(state.settings.secret_bytes(), &[b"csrf:", seed.0.as_bytes()], &submitted) {
        Ok(())
    } else {
        Err(AppError::csrf())
    }
}

/// The CSRF token of a request sent by the page's script rather than a form (an upload): in
/// the `X-CSRF-Token` header. Without a valid one the handler never runs (403).
pub struct CsrfHeader;

pub const HEADER: &str = "x-csrf-token";

impl FromRequest for CsrfHeader {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let submitted = req.headers().get(HEADER).and_then(|v| v.to_str().ok());
        std::future::ready(verify(req, submitted).map(|()| CsrfHeader))
    }
}

/// A urlencoded form whose CSRF token has been checked; otherwise 403 and the handler never runs.
pub struct CsrfForm<T>(pub T);

/// A form that carries nothing but its CSRF token: a button that does one thing.
#[derive(serde::Deserialize)]
pub struct EmptyForm {}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let bytes = body.await.map_err(|e| match e.as_response_error().status_code().as_u16() {
                413 => AppError::PayloadTooLarge,
                _ => AppError::bad_request("The form could not be read."),
            })?;
            if bytes.len() > FORM_LIMIT {
                return Err(AppError::PayloadTooLarge);
            }
            let pairs: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&bytes).map_err(|_| AppError::bad_request("The form could not be read."))?;
            let submitted = pairs.iter().find(|(k, _)| k == FIELD).map(|(_, v)| v.as_str());
            verify(&req, submitted)?;
            let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| AppError::bad_request(format!("The form is incomplete: {e}.")))?;
            Ok(CsrfForm(form))
        })
    }
}
