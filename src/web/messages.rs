//! Messages that code shared with the REST API words in English (validation errors, the text of
//! an [`crate::error::AppError`]), put into a member's language where a page shows them.
//!
//! The API keeps its English: its clients are programs, and its messages are part of its
//! document. A page passes the English text through [`say`], which knows every such message a
//! page can show; one it does not know stays in English rather than showing nothing.

use crate::i18n::Tr;

/// `english`, in the reader's language.
pub fn say(tr: &Tr, english: &str) -> String {
    match english {
        "Enter your name." => tr.t("error-name-empty"),
        "Enter your name (at most 100 characters)." => tr.t("error-name-invitation"),
        "Enter your email address." => tr.t("error-email-empty"),
        "Enter a valid email address, like name@company.com." => tr.t("error-email-invalid"),
        "Another Parlor account uses this address." => tr.t("error-email-taken"),
        "An account with this email already exists. Sign in, or reset your password." => tr.t("error-signup-taken"),
        "Enter a name for the workspace." => tr.t("error-workspace-name-empty"),
        "Enter your email and password." => tr.t("error-login-empty"),
        "Incorrect email or password." => tr.t("error-login-wrong"),
        "Please sign in to continue." => tr.t("error-sign-in-required"),
        "This page does not exist, or you do not have access to it." => tr.t("error-not-found"),
        "Too many attempts. Please wait a while and try again." => tr.t("error-rate-limited"),
        "The request body is too large." => tr.t("error-payload-too-large"),
        "The service is not available right now. Please try again shortly." => tr.t("error-unavailable"),
        "Something went wrong on our side. Please try again." => tr.t("error-internal"),
        "This address does not accept that kind of request." => tr.t("error-method-not-allowed"),
        "The request could not be handled." => tr.t("error-bad-request"),
        "A visitor starts a new conversation" => tr.t("notify-event-new-conversation"),
        "A conversation is assigned to me" => tr.t("notify-event-assigned"),
        "A visitor writes in a conversation assigned to me" => tr.t("notify-event-new-message"),
        "Email: at most one a minute; conversations started meanwhile come together." => tr.t("notify-hint-new-conversation"),
        "By a teammate or by auto-assignment; not when you take it yourself." => tr.t("notify-hint-assigned"),
        "Email: only while you are offline or away, at most one per conversation every 10 minutes." => tr.t("notify-hint-new-message"),
        "Desktop" => tr.t("notify-channel-desktop"),
        "Sound" => tr.t("notify-channel-sound"),
        "Email" => tr.t("login-email"),
        "Text" => tr.t("type-text"),
        "Number" => tr.t("type-number"),
        "Date" => tr.t("type-date"),
        "Yes or no" => tr.t("type-boolean"),
        "List" => tr.t("type-list"),
        // The prefix of a conversation's preview: who wrote its last message.
        "Note: " => format!("{} ", tr.t("inbox-preview-note")),
        "Agent: " => format!("{} ", tr.t("inbox-preview-agent")),
        "Today" => tr.t("reports-today"),
        "Last 7 days" => tr.t("reports-last-7-days"),
        "Last 30 days" => tr.t("reports-last-30-days"),
        "First response" => tr.t("reports-first-response"),
        "Resolution" => tr.t("reports-resolution"),
        "agent" => tr.t("role-agent-word"),
        "admin" => tr.t("role-admin-word"),
        "Monday" => tr.t("day-monday"),
        "Tuesday" => tr.t("day-tuesday"),
        "Wednesday" => tr.t("day-wednesday"),
        "Thursday" => tr.t("day-thursday"),
        "Friday" => tr.t("day-friday"),
        "Saturday" => tr.t("day-saturday"),
        "Sunday" => tr.t("day-sunday"),
        _ => counted(tr, english).unwrap_or_else(|| english.to_string()),
    }
}

/// A conversation's status as the inbox names it ("Open").
pub fn status_name(tr: &Tr, status: &crate::conversations::ConversationStatus) -> String {
    use crate::conversations::ConversationStatus::*;
    match status {
        Open => tr.t("status-open"),
        Pending => tr.t("status-pending"),
        Snoozed => tr.t("status-snoozed"),
        Resolved => tr.t("status-resolved"),
    }
}

/// A conversation's status inside a sentence ("No open conversations").
pub fn status_word(tr: &Tr, status: &crate::conversations::ConversationStatus) -> String {
    use crate::conversations::ConversationStatus::*;
    match status {
        Open => tr.t("status-open-word"),
        Pending => tr.t("status-pending-word"),
        Snoozed => tr.t("status-snoozed-word"),
        Resolved => tr.t("status-resolved-word"),
    }
}

/// A member's role ("Admin").
pub fn role_name(tr: &Tr, role: &crate::workspaces::Role) -> String {
    use crate::workspaces::Role::*;
    match role {
        Owner => tr.t("role-owner"),
        Admin => tr.t("role-admin"),
        Agent => tr.t("role-agent"),
    }
}

/// A count as [`Tr::n`] takes it, for templates (which pass fields by reference).
pub fn num(count: &i64) -> f64 {
    // Counts shown on pages are far below 2^53, where f64 stays exact.
    *count as f64
}

/// The messages that name a length: "Use at most 100 characters."
fn counted(tr: &Tr, english: &str) -> Option<String> {
    let number = |prefix: &str| english.strip_prefix(prefix)?.strip_suffix(" characters.")?.parse::<u32>().ok();
    if let Some(count) = number("Use at most ") {
        return Some(tr.n("error-at-most-chars", count));
    }
    if let Some(count) = number("Use at least ") {
        return Some(tr.n("error-at-least-chars", count));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message the sign-up and account forms can show has a German text, and English
    /// reads exactly as the code words it.
    #[test]
    fn validation_messages_are_translated() {
        let (english, german) = (Tr::default(), Tr::from_code("de"));
        let mut messages = vec![
            crate::auth::users::validate_name("").unwrap_err(),
            crate::auth::users::validate_name(&"x".repeat(500)).unwrap_err(),
            crate::auth::users::normalize_email("").unwrap_err(),
            crate::auth::users::normalize_email("nope").unwrap_err(),
            crate::workspaces::validate_name("").unwrap_err(),
            crate::workspaces::validate_name(&"x".repeat(500)).unwrap_err(),
            crate::auth::users::EMAIL_TAKEN.to_string(),
        ];
        messages.extend(
            [
                crate::error::AppError::NotFound,
                crate::error::AppError::RateLimited,
                crate::error::AppError::SignInRequired,
                crate::error::AppError::PayloadTooLarge,
            ]
            .iter()
            .map(ToString::to_string),
        );
        for message in messages {
            assert_eq!(say(&english, &message), message);
            assert_ne!(say(&german, &message), message, "no German for {message:?}");
        }
        assert_eq!(say(&german, "Use at least 8 characters."), "Verwenden Sie mindestens 8 Zeichen.");
        assert_eq!(say(&german, "Something nobody wrote."), "Something nobody wrote.");
        assert_eq!(say(&english, "Note: "), "Note: ");
        assert_eq!(say(&german, "Note: "), "Notiz: ");
    }
}
