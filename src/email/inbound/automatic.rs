//! Mail that no person wrote: auto-replies ("I am out of the office"), bounces, mailing lists and
//! other robots. Such mail is dropped when it arrives, never added to a conversation, so that an
//! auto-responder and Parlor's own emails can never answer each other in a loop.
//!
//! The signs, in the order they are checked: `Auto-Submitted` other than `no` (RFC 3834), a
//! `Precedence` of bulk, junk, list or auto_reply, the `X-Autoreply`, `X-Autorespond` or
//! `X-Auto-Response-Suppress` headers some programs send instead, a `List-Id`, a delivery report
//! (`multipart/report`), an empty return path (`<>`, the envelope of every bounce), and a
//! sender whose mailbox is a robot's (mailer-daemon, postmaster, no-reply).

/// Mailboxes that belong to robots, whatever the domain.
const ROBOT_MAILBOXES: &[&str] = &["mailer-daemon", "postmaster", "no-reply", "noreply", "do-not-reply", "donotreply"];

/// Why a message was written by no person, or `None` for a person's mail. `header` reads one
/// header by name (case-insensitive, as mail headers are); `return_path` is the envelope
/// sender (SMTP's `MAIL FROM`, or the `Return-Path` header a provider kept), `from` the address
/// in `From`.
pub fn automatic_reason(header: impl Fn(&str) -> Option<String>, return_path: Option<&str>, from: Option<&str>) -> Option<&'static str> {
    let value = |name: &str| header(name).map(|v| v.trim().to_ascii_lowercase());
    if value("Auto-Submitted").is_some_and(|v| !v.is_empty() && v != "no") {
        return Some("Auto-Submitted");
    }
    if value("Precedence").is_some_and(|v| matches!(v.as_str(), "bulk" | "junk" | "list" | "auto_reply")) {
        return Some("Precedence");
    }
    if ["X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"].iter().any(|name| header(name).is_some()) {
        return Some("auto-reply header");
    }
    if header("List-Id").is_some() {
        return Some("mailing list");
    }
    if value("Content-Type").is_some_and(|v| v.starts_with("multipart/report")) {
        return Some("delivery report");
    }
    if return_path.is_some_and(|path| matches!(path.trim(), "" | "<>")) {
        return Some("empty return path");
    }
    let robot = |address: &str| {
        let mailbox = address.trim().trim_start_matches('<').split('@').next().unwrap_or("").to_ascii_lowercase();
        ROBOT_MAILBOXES.contains(&mailbox.as_str())
    };
    if from.is_some_and(robot) || return_path.is_some_and(robot) {
        return Some("robot sender");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(headers: &[(&str, &str)], return_path: Option<&str>, from: &str) -> Option<&'static str> {
        automatic_reason(
            |name| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.to_string()),
            return_path,
            Some(from),
        )
    }

    #[test]
    fn a_persons_reply_is_no_robots() {
        assert_eq!(reason(&[("Content-Type", "text/plain")], Some("<grace@example.com>"), "grace@example.com"), None);
        assert_eq!(reason(&[("Auto-Submitted", "no")], Some("grace@example.com"), "grace@example.com"), None);
        assert_eq!(reason(&[("Precedence", "first-class")], None, "grace@example.com"), None);
    }

    #[test]
    fn auto_replies_bounces_and_lists_are_known() {
        let person = "grace@example.com";
        assert_eq!(reason(&[("Auto-Submitted", "auto-replied")], None, person), Some("Auto-Submitted"));
        assert_eq!(reason(&[("auto-submitted", "Auto-Generated")], None, person), Some("Auto-Submitted"));
        assert_eq!(reason(&[("Precedence", "Bulk")], None, person), Some("Precedence"));
        assert_eq!(reason(&[("X-Autoreply", "yes")], None, person), Some("auto-reply header"));
        assert_eq!(reason(&[("X-Auto-Response-Suppress", "All")], None, person), Some("auto-reply header"));
        assert_eq!(reason(&[("List-Id", "<news.example.com>")], None, person), Some("mailing list"));
        assert_eq!(reason(&[("Content-Type", "multipart/report; report-type=delivery-status")], None, person), Some("delivery report"));
        assert_eq!(reason(&[], Some("<>"), person), Some("empty return path"));
        assert_eq!(reason(&[], None, "MAILER-DAEMON@mx.example.com"), Some("robot sender"));
        assert_eq!(reason(&[], Some("<no-reply@shop.example>"), person), Some("robot sender"));
    }
}
