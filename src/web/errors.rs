//! Error answers and the panic guard: what a person sees when a request fails, and the
//! security headers every answer carries.

use std::panic::AssertUnwindSafe;

use actix_web::{
    HttpMessage, HttpRequest, HttpResponse,
    body::{BodySize, BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{StatusCode, header},
    middleware::Next,
};
use askama::Template;
use futures_util::FutureExt;
use tracing_actix_web::RequestId;

use crate::error::{AppError, ErrorBody, ErrorDetail};

/// The dashboard's pages may load scripts, styles and images from Parlor alone, and may not be
/// framed by other sites.
pub const DASHBOARD_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The headers every answer carries unless it sets its own.
const SECURITY_HEADERS: [(header::HeaderName, &str); 4] = [
    (header::CONTENT_SECURITY_POLICY, DASHBOARD_CSP),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "same-origin"),
    (header::X_FRAME_OPTIONS, "DENY"),
];

/// Adds the security headers to every answer that does not set its own.
pub fn security_headers() -> actix_web::middleware::DefaultHeaders {
    SECURITY_HEADERS.into_iter().fold(actix_web::middleware::DefaultHeaders::new(), |headers, header| headers.add(header))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    tr: crate::i18n::Tr,
    status: u16,
    title: &'a str,
    message: &'a str,
    request_id: &'a str,
}

fn wants_json(req: &HttpRequest) -> bool {
    req.path().starts_with("/api/")
        || req.path() == "/healthz"
        || req.path() == "/readyz"
        || req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("application/json") && !accept.contains("text/html"))
}

/// Turns every [`AppError`] into what a person can read: a page with the request id, JSON for
/// API clients, a redirect to `/login` for pages that need a signed-in user. The cause chain
/// goes to the log, never to the person.
pub async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let response = next.call(req).await?.map_into_boxed_body();
    let status = response.status();
    if !status.is_client_error() && !status.is_server_error() {
        return Ok(response);
    }
    let request = response.request().clone();
    let request_id = request.extensions().get::<RequestId>().map(|id| id.to_string()).unwrap_or_default();
    let app_error = response.response().error().and_then(|e| e.as_error::<AppError>());

    if let Some(error) = app_error
        && status.is_server_error()
    {
        tracing::error!(request_id = %request_id, error = ?error, "request failed");
    }
    // A handler that built its own error answer (a form shown again with its errors, a JSON
    // health report) keeps it.
    let handler_built = response.response().error().is_none() && response.response().body().size() != BodySize::Sized(0);
    if handler_built {
        return Ok(response);
    }
    // Errors raised outside our handlers (unknown routes, actix extractors) get a plain message.
    let message = match app_error {
        Some(error) => error.to_string(),
        None if status == StatusCode::NOT_FOUND => AppError::NotFound.to_string(),
        None if status == StatusCode::METHOD_NOT_ALLOWED => "This address does not accept that kind of request.".into(),
        None if status == StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge.to_string(),
        None if status.is_server_error() => "Something went wrong on our side. Please try again.".into(),
        None => "The request could not be handled.".into(),
    };

    if matches!(app_error, Some(AppError::SignInRequired)) && !wants_json(&request) {
        let target = request.uri().path_and_query().map(|pq| pq.as_str()).unwrap_or("/app");
        let location = format!("/login?next={}", url_encode(target));
        let redirect = HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish();
        return Ok(ServiceResponse::new(request, redirect));
    }

    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::CACHE_CONTROL, "no-store"));
    // A cross-site caller (the widget's loader) may read why it was refused.
    if let Some(allow) = response.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        builder.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, allow.clone()));
    }
    if status == StatusCode::TOO_MANY_REQUESTS {
        builder.insert_header((header::RETRY_AFTER, "60"));
    }
    // RFC 9110: a 405 names the methods the address does accept.
    if let Some(allow) = response.headers().get(header::ALLOW) {
        builder.insert_header((header::ALLOW, allow.clone()));
    }
    let code = app_error.map(AppError::code).unwrap_or(match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    });
    let tr = crate::i18n::Tr::for_request(&request);
    let rendered = error_answer(builder, tr, status, code, &message, &request_id, wants_json(&request));
    Ok(ServiceResponse::new(request, rendered))
}

/// The error as a person reads it: JSON for API clients, else the error page; both with the
/// request id.
fn error_answer(
    mut builder: actix_web::HttpResponseBuilder,
    tr: crate::i18n::Tr,
    status: StatusCode,
    code: &str,
    message: &str,
    request_id: &str,
    json: bool,
) -> HttpResponse {
    if json {
        return builder
            .json(ErrorBody { error: ErrorDetail { code: code.into(), message: message.into(), request_id: request_id.into() } });
    }
    let title = status_title(tr, status);
    let message = crate::web::say(&tr, message);
    let page = ErrorPage { tr, status: status.as_u16(), title: &title, message: &message, request_id };
    match page.render() {
        Ok(html) => builder.content_type("text/html; charset=utf-8").body(html),
        Err(_) => builder.content_type("text/plain; charset=utf-8").body(message),
    }
}

/// The heading of the error page: the status's name, in the reader's language.
fn status_title(tr: crate::i18n::Tr, status: StatusCode) -> String {
    match status.as_u16() {
        400 => tr.t("error-title-400"),
        403 => tr.t("error-title-403"),
        404 => tr.t("error-title-404"),
        405 => tr.t("error-title-405"),
        409 => tr.t("error-title-409"),
        410 => tr.t("error-title-410"),
        413 => tr.t("error-title-413"),
        422 => tr.t("error-title-422"),
        429 => tr.t("error-title-429"),
        500 => tr.t("error-title-500"),
        503 => tr.t("error-title-503"),
        _ => status.canonical_reason().unwrap_or("Error").to_string(),
    }
}

/// Answers a request whose handler panicked with the one 500 of [`AppError`] (the page or
/// JSON, with the request id) instead of a dropped connection, and logs the panic's message at
/// error level with the request id. The worker goes on serving.
///
/// The answer is built here rather than by [`render_errors`]: a response needs the request, and
/// holding a copy of it while the router runs is not allowed, so the answer travels as an error
/// that carries its finished response.
///
/// Unwind safety: what requests share (the pool, the hub, the limiters, the mailer) takes no
/// lock that a panicking request could leave poisoned for the next one to trip on; the hub and
/// the mailer carry on past a poisoned lock or answer an error.
pub async fn catch_panic(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string()).unwrap_or_default();
    let json = wants_json(req.request());
    let tr = crate::i18n::Tr::for_request(req.request());
    match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(response) => Ok(response?.map_into_boxed_body()),
        Err(panic) => {
            let message = panic_message(panic.as_ref());
            tracing::error!(request_id = %request_id, panic.message = %message, "the request handler panicked");
            let error = AppError::internal(anyhow::anyhow!("the request handler panicked: {message}"));
            let status = StatusCode::INTERNAL_SERVER_ERROR;
            let mut builder = HttpResponse::build(status);
            builder.insert_header((header::CACHE_CONTROL, "no-store"));
            for header in SECURITY_HEADERS {
                builder.insert_header(header);
            }
            let answer = error_answer(builder, tr, status, error.code(), &error.to_string(), &request_id, json);
            Err(actix_web::error::InternalError::from_response(error, answer).into())
        }
    }
}

/// The text a panic was raised with (`panic!` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload.downcast_ref::<&str>().copied().or_else(|| payload.downcast_ref::<String>().map(String::as_str)).unwrap_or("(no message)")
}

fn url_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use actix_web::{App, middleware::from_fn, test, web};
    use tracing_actix_web::TracingLogger;

    use super::*;

    /// What the log says, to read back after the request.
    #[derive(Clone, Default)]
    struct CapturedLog(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for CapturedLog {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl CapturedLog {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
        }
    }

    async fn boom() -> HttpResponse {
        panic!("boom: the handler gave up")
    }

    async fn fine() -> HttpResponse {
        HttpResponse::Ok().body("still serving")
    }

    /// What the HTTP server sends for a request: the response, or the one an error carries.
    async fn answer<S, R, B>(app: &S, request: R) -> (StatusCode, header::HeaderMap, String)
    where
        S: actix_web::dev::Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody + 'static,
    {
        let response = match test::try_call_service(app, request).await {
            Ok(response) => response.into_parts().1.map_into_boxed_body(),
            Err(error) => error.error_response(),
        };
        let (status, headers) = (response.status(), response.headers().clone());
        let body = actix_web::body::to_bytes(response.into_body()).await.map(|b| String::from_utf8_lossy(&b).into_owned());
        (status, headers, body.unwrap_or_default())
    }

    #[actix_web::test]
    async fn a_handler_that_panics_gets_the_500_answer_with_its_request_id_and_the_log_gets_the_message() {
        let log = CapturedLog::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        // The layers as `startup` stacks them around the routes.
        let app = test::init_service(
            App::new()
                .wrap(from_fn(catch_panic))
                .wrap(from_fn(render_errors))
                .wrap(TracingLogger::<crate::telemetry::ParlorRootSpan>::new())
                .route("/api/boom", web::get().to(boom))
                .route("/boom", web::get().to(boom))
                .route("/api/fine", web::get().to(fine)),
        )
        .await;

        let (status, _, body) = answer(&app, test::TestRequest::get().uri("/api/boom").to_request()).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let body: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        assert_eq!(body["error"]["code"], "internal");
        assert_eq!(body["error"]["message"], "Something went wrong on our side. Please try again.");
        let request_id = body["error"]["request_id"].as_str().unwrap_or_default().to_string();
        assert_eq!(request_id.len(), 36, "a request id: {body}");
        let logged = log.text();
        let line = logged.lines().find(|line| line.contains(&request_id) && line.contains("ERROR")).unwrap_or_default();
        assert!(line.contains("the request handler panicked") && line.contains("boom: the handler gave up"), "log: {logged}");
        assert!(!body.to_string().contains("boom"), "the person never sees the panic's message");

        let (status, headers, html) = answer(&app, test::TestRequest::get().uri("/boom").to_request()).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(html.contains("Something went wrong on our side.") && html.contains("request id <code>"), "{html}");
        assert_eq!(headers.get(header::X_CONTENT_TYPE_OPTIONS).map(|v| v.as_bytes()), Some(&b"nosniff"[..]));
        assert!(!html.contains("boom"));

        // The same service goes on answering.
        let (status, _, body) = answer(&app, test::TestRequest::get().uri("/api/fine").to_request()).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "still serving"));
    }
}
