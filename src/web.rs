//! What every page and API answer shares: error pages, the panic guard, security headers, the
//! client's IP, and the one-line notices shown after a redirect.

use std::panic::AssertUnwindSafe;

use actix_web::{
    HttpMessage, HttpRequest, HttpResponse,
    body::{BodySize, BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{StatusCode, header},
    middleware::Next,
    web,
};
use askama::Template;
use futures_util::FutureExt;
use tracing_actix_web::RequestId;

use std::net::IpAddr;

use crate::{
    config::ForwardedTrust,
    error::{AppError, ErrorBody, ErrorDetail},
    state::AppState,
};

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
    let rendered = error_answer(builder, status, code, &message, &request_id, wants_json(&request));
    Ok(ServiceResponse::new(request, rendered))
}

/// The error as a person reads it: JSON for API clients, else the error page; both with the
/// request id.
fn error_answer(
    mut builder: actix_web::HttpResponseBuilder,
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
    let title = status.canonical_reason().unwrap_or("Error");
    let page = ErrorPage { status: status.as_u16(), title, message, request_id };
    match page.render() {
        Ok(html) => builder.content_type("text/html; charset=utf-8").body(html),
        Err(_) => builder.content_type("text/plain; charset=utf-8").body(message.to_string()),
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
            let answer = error_answer(builder, status, error.code(), &error.to_string(), &request_id, json);
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

/// The client's IP for rate limits and the session list: the TCP peer, or behind trusted
/// proxies the right-most `X-Forwarded-For` address that no trusted proxy added (see
/// [`ForwardedTrust`]). Left-most entries are whatever the client wrote, so they never count.
pub fn client_ip(req: &HttpRequest) -> String {
    let peer = req.peer_addr().map(|addr| addr.ip());
    let trust = req.app_data::<web::Data<AppState>>().map(|s| &s.settings.trust_forwarded_for);
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    match (trust, peer) {
        (Some(trust), Some(peer)) => forwarded_client(trust, peer, &forwarded).to_string(),
        (None, Some(peer)) => peer.to_string(),
        (_, None) => "unknown".into(),
    }
}

/// Walks the chain from the TCP peer leftwards through `X-Forwarded-For` while the hop is a
/// trusted proxy; the first address that is not one is the client.
pub fn forwarded_client(trust: &ForwardedTrust, peer: IpAddr, forwarded: &[&str]) -> IpAddr {
    // An unparsable entry ends the walk: nothing left of it can be believed.
    let chain = forwarded.iter().rev().map_while(|entry| parse_forwarded_ip(entry));
    match trust {
        ForwardedTrust::Nobody | ForwardedTrust::Hops(0) => peer,
        ForwardedTrust::Hops(hops) => {
            // The peer is the first trusted proxy; each further hop added one entry.
            let mut client = peer;
            for (index, address) in chain.enumerate() {
                client = address;
                if index + 1 >= usize::from(*hops) {
                    break;
                }
            }
            client
        }
        ForwardedTrust::Networks(networks) => {
            let trusted = |ip: &IpAddr| networks.iter().any(|n| n.contains(ip));
            let mut client = peer;
            for address in chain {
                if !trusted(&client) {
                    break;
                }
                client = address;
            }
            client
        }
    }
}

/// `203.0.113.7`, `[2001:db8::1]`, or either with a port.
fn parse_forwarded_ip(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse() {
        return Some(ip);
    }
    entry.parse::<std::net::SocketAddr>().ok().map(|s| s.ip())
}

pub fn user_agent(req: &HttpRequest) -> String {
    req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

/// Renders a template with a status: forms shown again with their errors use 4xx codes.
pub fn render(status: StatusCode, template: &impl Template) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(template.render()?))
}

pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, location.to_string())).finish()
}

/// Only a path of this site is followed after sign-in, never another site (open redirect).
/// Browsers strip tabs and newlines and read `\\` as `/`, so `/\t/evil.example` would leave:
/// anything with a control character, a backslash or a scheme falls back to the dashboard, and
/// what is left must parse as a path on our own origin.
pub fn safe_next(next: Option<&str>) -> String {
    const DASHBOARD: &str = "/app";
    let Some(next) = next else { return DASHBOARD.into() };
    if !next.starts_with('/') || next.starts_with("//") || next.len() > 2000 || next.chars().any(|c| c.is_control() || c == '\\') {
        return DASHBOARD.into();
    }
    let Ok(base) = url::Url::parse("http://parlor.invalid/") else { return DASHBOARD.into() };
    match base.join(next) {
        Ok(url) if url.origin() == base.origin() => {
            let mut path = url.path().to_string();
            if let Some(query) = url.query() {
                path.push('?');
                path.push_str(query);
            }
            if let Some(fragment) = url.fragment() {
                path.push('#');
                path.push_str(fragment);
            }
            path
        }
        _ => DASHBOARD.into(),
    }
}

/// Whether a URL someone else supplied may be shown as a link: absolute http(s) only.
pub fn is_web_link(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// Fixed messages shown after a redirect (`?notice=...`); unknown keys show nothing, so no
/// one can put their own words on a Parlor page.
/// A moment as the console shows it: `2026-11-28 14:05 UTC`.
pub fn utc_minute(at: time::OffsetDateTime) -> String {
    at.format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC")).unwrap_or_default()
}

pub fn notice_text(key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "signed_out" => "You are signed out.",
        "signed_out_everywhere" => "You are signed out on every device.",
        "password_reset" => "Your password is changed, and every other device is signed out.",
        "email_verified" => "Thanks, your email address is confirmed.",
        "verification_sent" => "We sent you a new confirmation link.",
        "session_revoked" => "That device is signed out.",
        "workspace_renamed" => "The workspace name is saved.",
        "workspace_created" => "Your new workspace is ready.",
        "invitation_sent" => "The invitation is on its way. Its link works for 7 days.",
        "invitation_revoked" => "The invitation is revoked; its link no longer works.",
        "role_changed" => "The role is changed.",
        "member_removed" => "They are removed from the workspace and signed out.",
        "ownership_transferred" => "The workspace has a new owner; you are an admin now.",
        "left_workspace" => "You left the workspace.",
        "joined_workspace" => "Welcome to the team!",
        "api_key_revoked" => "The key is revoked: requests with it are refused from now on.",
        "reply_sent" => "Your reply is sent.",
        "conversation_assigned" => "The assignee is saved.",
        "conversation_resolved" => "The conversation is resolved. A new message from the visitor reopens it.",
        "conversation_snoozed" => "The conversation is snoozed; it comes back as open at the time you chose.",
        "conversation_updated" => "The conversation's status is saved.",
        "contact_saved" => "The contact is saved.",
        "canned_saved" => "The canned response is saved. Type / and its shortcut in a reply to use it.",
        "canned_deleted" => "The canned response is deleted.",
        "widget_saved" => "The widget settings are saved. Pages that already show the chat pick them up on their next load.",
        "identity_secret_rotated" => {
            "The identity secret is new: update it on your server, since hashes made with the old one are refused now."
        }
        "availability_saved" => "Business hours and follow-up are saved. The widget picks them up on its next load.",
        "notifications_saved" => "Your email notifications are saved.",
        "webhook_created" => "The endpoint is added. Copy its signing secret below to verify deliveries.",
        "webhook_saved" => "The endpoint is saved.",
        "webhook_deleted" => "The endpoint is deleted; no more events go to it.",
        "webhook_test_sent" => "A test event is on its way; its delivery shows below within seconds.",
        "retention_saved" => "Data retention is saved. The clean-up runs daily.",
        "contact_deleted" => "The contact and all of their conversations and messages are deleted.",
        "workspace_deleted" => "The workspace and all of its data are deleted.",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use actix_web::{App, middleware::from_fn, test};
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

/// Client addresses, redirects and links: what a request may make Parlor believe or follow.
#[cfg(test)]
mod trust_tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn the_client_is_the_right_most_address_no_trusted_proxy_added() {
        let peer = ip("10.0.0.2");
        let chain = ["6.6.6.6", "198.51.100.7"];
        assert_eq!(forwarded_client(&ForwardedTrust::Nobody, peer, &chain), peer);
        assert_eq!(forwarded_client(&ForwardedTrust::Hops(1), peer, &chain), ip("198.51.100.7"));
        assert_eq!(forwarded_client(&ForwardedTrust::Hops(2), peer, &["6.6.6.6", "198.51.100.7", "10.0.0.9"]), ip("198.51.100.7"));
        // Fewer entries than hops: the left-most there is.
        assert_eq!(forwarded_client(&ForwardedTrust::Hops(3), peer, &["198.51.100.7"]), ip("198.51.100.7"));
        assert_eq!(forwarded_client(&ForwardedTrust::Hops(1), peer, &[]), peer);
        let private = ForwardedTrust::parse("10.0.0.0/8, 192.168.1.7").expect("networks");
        assert_eq!(forwarded_client(&private, peer, &["6.6.6.6", "198.51.100.7", "10.1.2.3"]), ip("198.51.100.7"));
        // A peer that is not a trusted proxy is the client, whatever it claims.
        assert_eq!(forwarded_client(&private, ip("203.0.113.5"), &chain), ip("203.0.113.5"));
        // Garbage stops the walk at the last believable hop.
        assert_eq!(forwarded_client(&ForwardedTrust::Hops(2), peer, &["1.2.3.4", "not-an-ip"]), peer);
        assert_eq!(forwarded_client(&ForwardedTrust::Hops(1), peer, &["[2001:db8::1]:443"]), ip("2001:db8::1"));
    }

    #[test]
    fn trust_settings_parse_or_say_what_is_wrong() {
        assert_eq!(ForwardedTrust::parse("false").expect("false"), ForwardedTrust::Nobody);
        assert_eq!(ForwardedTrust::parse("true").expect("true"), ForwardedTrust::Hops(1));
        assert_eq!(ForwardedTrust::parse("2").expect("2"), ForwardedTrust::Hops(2));
        assert!(ForwardedTrust::parse("11").is_err());
        assert!(ForwardedTrust::parse("10.0.0.0/8,nonsense").is_err());
    }

    #[test]
    fn only_http_urls_become_links() {
        assert!(is_web_link("https://shop.example/cart?x=1"));
        assert!(is_web_link("HTTP://shop.example/"));
        for not_a_link in
            ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,x", "vbscript:x", "/relative"]
        {
            assert!(!is_web_link(not_a_link), "{not_a_link}");
        }
    }

    #[test]
    fn next_is_followed_only_to_a_path_of_this_site() {
        for evil in [
            "/\t/evil.example/",
            "/\u{9}/evil.example/",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "/\n/evil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(evil)), "/app", "{evil:?}");
        }
        assert_eq!(safe_next(None), "/app");
        assert_eq!(safe_next(Some("/app/123/inbox?view=mine#c1")), "/app/123/inbox?view=mine#c1");
        assert_eq!(safe_next(Some("/app/../settings")), "/settings");
    }
}
