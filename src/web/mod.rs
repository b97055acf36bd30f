//! What every page and API answer shares: the dashboard layout ([`layout`]), error pages and
//! the panic guard ([`errors`]), security headers, the client's IP ([`client`]), redirects,
//! the one-line notices shown after a redirect, and links in message text ([`links`]).

pub mod client;
pub mod errors;
pub mod layout;
pub mod links;
pub mod messages;

use actix_web::{
    HttpResponse,
    http::{StatusCode, header},
};
use askama::Template;

use crate::error::AppError;
pub use client::{client_ip, forwarded_client, user_agent};
pub use errors::{DASHBOARD_CSP, catch_panic, render_errors, security_headers};
pub use layout::{Nav, NoticeQuery, Shell, notice_text};
pub use messages::say;

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

/// A moment as the console shows it: `2026-11-28 14:05 UTC`.
pub fn utc_minute(at: time::OffsetDateTime) -> String {
    at.format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC")).unwrap_or_default()
}

/// Redirects and links: what a request may make Parlor follow.
#[cfg(test)]
mod tests {
    use super::*;

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
