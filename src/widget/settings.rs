//! A workspace's widget settings: how the chat looks, which sites may embed it, and the secret
//! that verifies identified visitors.
//!
//! Tenant rule: every read and write takes the `WorkspaceId` of an authenticated admin or of the
//! site key the widget presented.

use diesel::prelude::*;
use serde::Serialize;

use crate::{
    auth::signing::{hmac_sha256, hmac_sha256_matches},
    db::{WorkspaceId, schema::widget_settings},
    error::AppError,
};

/// At most this many allowed domains.
pub const MAX_ALLOWED_DOMAINS: usize = 50;
pub const MAX_GREETING: usize = 500;
pub const MAX_LAUNCHER_TEXT: usize = 40;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = widget_settings, check_for_backend(diesel::pg::Pg))]
pub struct WidgetSettings {
    pub workspace_id: WorkspaceId,
    pub color: String,
    pub position: String,
    pub greeting: String,
    pub launcher_text: String,
    pub reply_time: String,
    pub require_email: bool,
    pub sound: bool,
    pub allowed_domains: Vec<Option<String>>,
    pub identity_required: bool,
    pub identity_secret: String,
}

/// What an admin may change, validated.
#[derive(Clone, Debug)]
pub struct WidgetChanges {
    pub color: String,
    pub position: String,
    /// The default language's greeting and button text, when the form carried them (they are
    /// edited with the other languages' texts: see [`super::texts`]).
    pub greeting: Option<String>,
    pub launcher_text: Option<String>,
    pub reply_time: String,
    pub require_email: bool,
    pub sound: bool,
    pub allowed_domains: Vec<String>,
    pub identity_required: bool,
    /// Ask visitors to rate resolved conversations (stored on the workspace: see
    /// [`crate::conversations::ratings`]).
    pub csat_enabled: bool,
}

/// What the widget itself needs to draw the chat: nothing secret.
#[derive(Serialize, Clone, Debug)]
pub struct PublicWidgetSettings {
    pub color: String,
    /// White or black, whichever reads better on `color` (WCAG AA: at least 4.5:1).
    pub color_text: &'static str,
    pub position: String,
    pub greeting: String,
    pub launcher_text: String,
    pub reply_time: String,
    pub require_email: bool,
    pub sound: bool,
}

fn new_identity_secret() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

impl WidgetSettings {
    /// The workspace's settings, created with their defaults on first use.
    pub fn load(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<WidgetSettings, AppError> {
        if let Some(found) = widget_settings::table.find(workspace_id).select(WidgetSettings::as_select()).first(conn).optional()? {
            return Ok(found);
        }
        diesel::insert_into(widget_settings::table)
            .values((widget_settings::workspace_id.eq(workspace_id), widget_settings::identity_secret.eq(new_identity_secret())))
            .on_conflict_do_nothing()
            .execute(conn)?;
        Ok(widget_settings::table.find(workspace_id).select(WidgetSettings::as_select()).first(conn)?)
    }

    pub fn update(conn: &mut PgConnection, workspace_id: WorkspaceId, changes: &WidgetChanges) -> Result<(), AppError> {
        Self::load(conn, workspace_id)?;
        diesel::update(widget_settings::table.find(workspace_id))
            .set((
                widget_settings::color.eq(&changes.color),
                widget_settings::position.eq(&changes.position),
                widget_settings::reply_time.eq(&changes.reply_time),
                widget_settings::require_email.eq(changes.require_email),
                widget_settings::sound.eq(changes.sound),
                widget_settings::allowed_domains.eq(changes.allowed_domains.iter().cloned().map(Some).collect::<Vec<_>>()),
                widget_settings::identity_required.eq(changes.identity_required),
                widget_settings::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        if let Some(greeting) = &changes.greeting {
            diesel::update(widget_settings::table.find(workspace_id)).set(widget_settings::greeting.eq(greeting)).execute(conn)?;
        }
        if let Some(launcher_text) = &changes.launcher_text {
            diesel::update(widget_settings::table.find(workspace_id))
                .set(widget_settings::launcher_text.eq(launcher_text))
                .execute(conn)?;
        }
        Ok(())
    }

    /// A new identity secret: hashes made with the old one stop verifying at once.
    pub fn rotate_identity_secret(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<(), AppError> {
        Self::load(conn, workspace_id)?;
        diesel::update(widget_settings::table.find(workspace_id))
            .set((widget_settings::identity_secret.eq(new_identity_secret()), widget_settings::updated_at.eq(diesel::dsl::now)))
            .execute(conn)?;
        Ok(())
    }

    pub fn domains(&self) -> impl Iterator<Item = &str> {
        self.allowed_domains.iter().flatten().map(String::as_str)
    }

    pub fn public(&self) -> PublicWidgetSettings {
        PublicWidgetSettings {
            color: self.color.clone(),
            color_text: text_color_on(&self.color),
            position: self.position.clone(),
            greeting: self.greeting.clone(),
            launcher_text: self.launcher_text.clone(),
            reply_time: self.reply_time.clone(),
            require_email: self.require_email,
            sound: self.sound,
        }
    }

    /// Whether a page of `origin` (as in the `Origin` header) may use the widget. Parlor's own
    /// pages always may: they are the chat window itself and the dashboard's preview.
    pub fn allows_origin(&self, origin: &str, public_origin: &str) -> bool {
        if origin == public_origin || self.allowed_domains.is_empty() {
            return true;
        }
        let Ok(url) = url::Url::parse(origin) else { return false };
        let Some(host) = url.host_str() else { return false };
        let host_port = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        self.domains().any(|allowed| {
            let candidate = if allowed.contains(':') { host_port.as_str() } else { host };
            candidate == allowed || candidate.strip_suffix(allowed).is_some_and(|rest| rest.ends_with('.'))
        })
    }

    /// The `frame-ancestors` directive of the chat window: the allowed domains (and their
    /// subdomains), or any site when none is set, and Parlor itself for the preview.
    pub fn frame_ancestors(&self) -> String {
        if self.allowed_domains.is_empty() {
            return "frame-ancestors *".to_string();
        }
        let mut directive = String::from("frame-ancestors 'self'");
        for domain in self.domains() {
            let (host, port) = match domain.split_once(':') {
                Some((host, port)) => (host, format!(":{port}")),
                None => (domain, String::new()),
            };
            for scheme in ["https", "http"] {
                directive.push_str(&format!(" {scheme}://{host}{port} {scheme}://*.{host}{port}"));
            }
        }
        directive
    }

    /// Whether `user_hash` is the HMAC-SHA256 (hex) of `user_id` under the identity secret.
    pub fn verifies(&self, user_id: &str, user_hash: &str) -> bool {
        let Ok(expected) = hex::decode(user_hash.trim()) else { return false };
        hmac_sha256_matches(self.identity_secret.as_bytes(), &[user_id.as_bytes()], &expected)
    }
}

/// The hex HMAC-SHA256 a customer's server computes for a user id (used by tests and docs).
pub fn identity_hash(secret: &str, user_id: &str) -> String {
    hex::encode(hmac_sha256(secret.as_bytes(), &[user_id.as_bytes()]))
}

/// WCAG relative luminance of a `#rrggbb` color.
fn luminance(color: &str) -> Option<f64> {
    let mut rgb = [0u8; 3];
    hex::decode_to_slice(color.strip_prefix('#')?, &mut rgb).ok()?;
    let channel = |byte: u8| {
        let value = f64::from(byte) / 255.0;
        if value <= 0.03928 { value / 12.92 } else { ((value + 0.055) / 1.055).powf(2.4) }
    };
    Some(0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2]))
}

pub fn contrast_ratio(a: &str, b: &str) -> Option<f64> {
    let (la, lb) = (luminance(a)?, luminance(b)?);
    let (light, dark) = if la > lb { (la, lb) } else { (lb, la) };
    Some((light + 0.05) / (dark + 0.05))
}

/// The text color for a background of `color`. One of white and black always reaches 4.5:1 (at worst 4.58:1).
pub fn text_color_on(color: &str) -> &'static str {
    let on_white = contrast_ratio(color, "#ffffff").unwrap_or(21.0);
    let on_dark = contrast_ratio(color, "#000000").unwrap_or(0.0);
    if on_white >= on_dark { "#ffffff" } else { "#000000" }
}

/// A host name with an optional port, lowercased; `None` when it is not one.
/// `https://www.Example.com/pricing` becomes `www.example.com`: people paste URLs.
pub fn normalize_domain(input: &str) -> Option<String> {
    let trimmed = input.trim().trim_end_matches('/').to_ascii_lowercase();
    let without_scheme = trimmed.split_once("://").map_or(trimmed.as_str(), |(_, rest)| rest);
    let host_port = without_scheme.split('/').next()?.trim_start_matches("*.");
    let (host, port) = match host_port.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    };
    let host_ok = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()));
    (host_ok && port_ok).then(|| host_port.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(domains: &[&str]) -> WidgetSettings {
        WidgetSettings {
            workspace_id: WorkspaceId::new(),
            color: "#2563eb".into(),
            position: "right".into(),
            greeting: String::new(),
            launcher_text: String::new(),
            reply_time: "minutes".into(),
            require_email: false,
            sound: true,
            allowed_domains: domains.iter().map(|d| Some(d.to_string())).collect(),
            identity_required: false,
            identity_secret: "secret".into(),
        }
    }

    #[test]
    fn every_color_gets_a_text_color_that_reaches_wcag_aa() {
        for color in ["#ffffff", "#000000", "#777777", "#ffff00", "#2563eb", "#ff0000", "#00ff00", "#808080", "#767676"] {
            let text = text_color_on(color);
            let ratio = contrast_ratio(color, text).unwrap_or(0.0);
            assert!(ratio >= 4.5, "{text} on {color} is {ratio:.2}:1");
        }
        assert_eq!(text_color_on("#ffff00"), "#000000");
        assert_eq!(text_color_on("#1e3a8a"), "#ffffff");
    }

    #[test]
    fn allowed_domains_include_subdomains_and_nothing_else() {
        let s = settings(&["example.com", "localhost:3000"]);
        let public = "https://parlor.example.net";
        assert!(s.allows_origin("https://example.com", public));
        assert!(s.allows_origin("https://shop.example.com", public));
        assert!(s.allows_origin("http://localhost:3000", public));
        assert!(s.allows_origin(public, public));
        assert!(!s.allows_origin("https://badexample.com", public));
        assert!(!s.allows_origin("https://example.com.evil.io", public));
        assert!(!s.allows_origin("http://localhost:3001", public));
        assert!(!s.allows_origin("null", public));
        assert!(settings(&[]).allows_origin("https://anything.io", public));
    }

    #[test]
    fn pasted_urls_become_domains_and_junk_is_refused() {
        assert_eq!(normalize_domain("https://www.Example.com/pricing").as_deref(), Some("www.example.com"));
        assert_eq!(normalize_domain("localhost:3000").as_deref(), Some("localhost:3000"));
        assert_eq!(normalize_domain("*.shop.io").as_deref(), Some("shop.io"));
        assert_eq!(normalize_domain("exa mple.com"), None);
        assert_eq!(normalize_domain("example.com:port"), None);
        assert_eq!(normalize_domain("'self'"), None);
    }

    #[test]
    fn a_user_hash_verifies_only_under_its_secret() {
        let s = settings(&[]);
        let hash = identity_hash("secret", "user-42");
        assert!(s.verifies("user-42", &hash));
        assert!(!s.verifies("user-43", &hash));
        assert!(!s.verifies("user-42", &identity_hash("other", "user-42")));
        assert!(!s.verifies("user-42", "not hex"));
    }
}
