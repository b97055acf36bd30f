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
        _ => counted(tr, english).or_else(|| settings_form(tr, english)).unwrap_or_else(|| english.to_string()),
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

/// The part of `english` between `prefix` and `suffix`, when it has that form.
fn between<'a>(english: &'a str, prefix: &str, suffix: &str) -> Option<&'a str> {
    english.strip_prefix(prefix)?.strip_suffix(suffix)
}

/// The refusals of the settings forms: labels, canned responses, webhooks, contact attributes,
/// business hours. Those that name a number or a name carry it over.
fn settings_form(tr: &Tr, english: &str) -> Option<String> {
    const FIXED: &[(&str, &str)] = &[
        ("A label's name cannot hold control characters.", "form-label-name-control"),
        ("Choose a colour like #2563eb.", "form-label-colour"),
        ("A shortcut is 1 to 32 letters, digits, - or _, like refund-policy.", "form-canned-shortcut"),
        ("Enter the URL that should receive the events, like https://example.com/parlor.", "form-webhook-url-empty"),
        ("Enter a full URL, like https://example.com/parlor.", "form-webhook-url-invalid"),
        ("The URL must start with https:// (or http://).", "form-webhook-url-scheme"),
        ("Leave credentials out of the URL; verify the signature instead.", "form-webhook-url-credentials"),
        ("The URL has no host.", "form-webhook-url-host"),
        ("This address is on a private network, which Parlor cannot reach.", "form-webhook-url-private"),
        ("Choose at least one event from the list.", "form-webhook-events"),
        ("A label cannot hold control characters.", "form-attribute-label-control"),
        ("This label gives no key: type one, with letters a to z, digits, - and _.", "form-attribute-no-key"),
        ("An option cannot hold control characters.", "form-attribute-option-control"),
        ("Only a list has options.", "form-attribute-options-list-only"),
        ("Use one line of text, without control characters.", "form-attribute-one-line"),
        ("Enter a number, like 42 or 3.5.", "form-attribute-number"),
        ("Enter a date as YYYY-MM-DD, like 2026-12-03.", "form-attribute-date"),
        ("Enter yes or no.", "form-attribute-boolean"),
        ("Wait between 0.5 and 1440 minutes (a day) before emailing a reply.", "form-followup-delay"),
        ("Open on at least one day, or turn business hours off.", "form-hours-one-day"),
        ("Choose a time zone such as Europe/Paris.", "form-time-zone"),
    ];
    if let Some((_, key)) = FIXED.iter().find(|(text, _)| *text == english) {
        return Some(tr.t(key));
    }
    const COUNTED: &[(&str, &str, &str)] = &[
        ("A label's name is 1 to ", " characters.", "form-label-name-length"),
        ("A workspace has at most ", " labels; delete one to add another.", "form-label-limit"),
        ("A workspace has at most ", " canned responses.", "form-canned-limit"),
        ("The reply is 1 to ", " characters.", "form-canned-body-length"),
        ("A workspace has at most ", " webhook endpoints; delete one first.", "form-webhook-limit"),
        ("A label is 1 to ", " characters.", "form-attribute-label-length"),
        ("A key is 1 to ", " letters a to z (either case), digits, - and _, starting with a letter or digit.", "form-attribute-key"),
        ("An option is 1 to ", " characters.", "form-attribute-option-length"),
        ("A list has 1 to ", " options.", "form-attribute-options-count"),
        ("A workspace has at most ", " contact attributes; delete one to add another.", "form-attribute-limit"),
        ("Write an offline message of 1 to ", " characters.", "form-offline-message-length"),
    ];
    for (prefix, suffix, key) in COUNTED {
        if let Some(max) = between(english, prefix, suffix).filter(|n| n.parse::<u32>().is_ok()) {
            return Some(tr.t1(key, "max", max));
        }
    }
    const NAMED: &[(&str, &str, &str, &str)] = &[
        ("There is already a label named \u{201c}", "\u{201d}.", "form-label-taken", "name"),
        ("The shortcut /", " is taken; choose another.", "form-canned-taken", "shortcut"),
        ("An attribute with the key \u{201c}", "\u{201d} exists already.", "form-attribute-taken", "key"),
        ("Choose one of its options: ", ".", "form-attribute-choose", "options"),
    ];
    NAMED.iter().find_map(|(prefix, suffix, key, name)| between(english, prefix, suffix).map(|value| tr.t1(key, name, value)))
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

    /// The refusals of the settings forms read in German, the names and numbers they carry
    /// kept, and in English exactly as the code words them.
    #[test]
    fn settings_form_refusals_are_translated() {
        let (english, german) = (Tr::default(), Tr::from_code("de"));
        let refusals = [
            crate::webhooks::validate_url("", false).unwrap_err(),
            crate::webhooks::validate_url("ftp://example.com", false).unwrap_err(),
            crate::webhooks::validate_events(&[]).unwrap_err(),
            "There is already a label named \u{201c}Billing\u{201d}.".to_string(),
            "The shortcut /refund is taken; choose another.".to_string(),
            "A label's name is 1 to 40 characters.".to_string(),
        ];
        for refusal in &refusals {
            assert_eq!(say(&english, refusal), *refusal);
            let translated = say(&german, refusal);
            assert_ne!(translated, *refusal, "{refusal} has no German text");
        }
        assert_eq!(say(&german, &refusals[3]), "Es gibt bereits ein Label namens „Billing“.");
        assert_eq!(say(&german, &refusals[4]), "Das Kürzel /refund ist vergeben; wählen Sie ein anderes.");
        assert_eq!(say(&german, &refusals[5]), "Der Name eines Labels hat 1 bis 40 Zeichen.");
    }
}
