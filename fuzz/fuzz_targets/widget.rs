//! The visitor-attribute validator, the widget settings form and what it feeds (allowed
//! domains, the chat window's `frame-ancestors`, the text color), and identity hashes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use parlor::{
    admin::widget::WidgetForm,
    conversations::contacts::MAX_ATTRIBUTES,
    db::WorkspaceId,
    i18n::Tr,
    widget::{
        api::{Attributes, validate_attributes},
        settings::{
            MAX_ALLOWED_DOMAINS, MAX_GREETING, MAX_LAUNCHER_TEXT, WidgetSettings, contrast_ratio, identity_hash, normalize_domain,
            text_color_on,
        },
    },
};
use serde_json::Value;

/// The attribute rules, written out independently of the validator.
fn attributes_allowed(attributes: &Attributes) -> bool {
    attributes.len() <= MAX_ATTRIBUTES
        && attributes.iter().all(|(key, value)| {
            (1..=64).contains(&key.chars().count())
                && !key.contains('\0')
                && match value {
                    Value::String(text) => text.chars().count() <= 500 && !text.contains('\0'),
                    Value::Number(_) | Value::Bool(_) | Value::Null => true,
                    Value::Array(_) | Value::Object(_) => false,
                }
        })
}

fn settings_with(domains: &[String], secret: &str) -> WidgetSettings {
    WidgetSettings {
        workspace_id: WorkspaceId::new(),
        color: "#2563eb".into(),
        position: "right".into(),
        greeting: String::new(),
        launcher_text: String::new(),
        reply_time: "minutes".into(),
        require_email: false,
        sound: true,
        allowed_domains: domains.iter().cloned().map(Some).collect(),
        identity_required: false,
        identity_secret: secret.to_string(),
    }
}

fn check_attributes(json: &str) {
    let Ok(attributes) = serde_json::from_str::<Attributes>(json) else { return };
    let allowed = attributes_allowed(&attributes);
    match validate_attributes(Some(attributes.clone())) {
        Ok(kept) => {
            assert!(allowed, "accepted {json}");
            assert_eq!(kept, Some(attributes), "attributes are kept as sent");
        }
        Err(_) => assert!(!allowed, "refused {json}"),
    }
}

fn check_domain(typed: &str) {
    let Some(domain) = normalize_domain(typed) else { return };
    assert_eq!(normalize_domain(&domain).as_deref(), Some(domain.as_str()), "{typed} normalises once");
    assert!(domain.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | ':')), "{domain}");
}

fn check_form(form: &str) {
    let Ok(form) = serde_urlencoded::from_str::<WidgetForm>(form) else { return };
    let Ok(valid) = form.validate(Tr::default()) else { return };
    let changes = &valid.changes;
    let color = &changes.color;
    assert!(color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert!(contrast_ratio(color, text_color_on(color)).is_some_and(|ratio| ratio >= 4.5), "{color}");
    assert!(["left", "right"].contains(&changes.position.as_str()));
    assert!(["minutes", "hours", "day"].contains(&changes.reply_time.as_str()));
    assert!(changes.greeting.as_ref().is_none_or(|greeting| greeting.chars().count() <= MAX_GREETING));
    assert!(changes.launcher_text.as_ref().is_none_or(|text| text.chars().count() <= MAX_LAUNCHER_TEXT));
    let domains = &changes.allowed_domains;
    assert!(domains.len() <= MAX_ALLOWED_DOMAINS);
    for (index, domain) in domains.iter().enumerate() {
        assert!(!domains[..index].contains(domain), "{domain} twice");
        check_domain(domain);
    }
    let settings = settings_with(domains, "secret");
    for domain in domains {
        assert!(settings.allows_origin(&format!("https://{domain}"), "https://parlor.example"), "{domain} is allowed");
    }
    // A domain can only add sources to the directive, never end it or add another.
    let directive = settings.frame_ancestors();
    assert!(!directive.contains([';', ',', '"', '\n']) && directive.replace("'self'", "").find('\'').is_none(), "{directive}");
}

fn check_identity(secret: &str, user_id: &str, flip: usize) {
    let settings = settings_with(&[], secret);
    let hash = identity_hash(secret, user_id);
    assert_eq!(hash.len(), 64);
    assert!(settings.verifies(user_id, &hash));
    assert!(settings.verifies(user_id, &hash.to_ascii_uppercase()), "hex is hex in either case");
    assert!(!settings.verifies(&format!("{user_id}x"), &hash));
    let mut flipped = hash.into_bytes();
    let at = flip % flipped.len();
    flipped[at] = if flipped[at] == b'0' { b'1' } else { b'0' };
    assert!(!settings.verifies(user_id, &String::from_utf8_lossy(&flipped)), "one changed digit fails");
}

fuzz_target!(|input: (&str, &str, &str, &str, &str, usize)| {
    let (json, form, typed_domain, secret, user_id, flip) = input;
    check_attributes(json);
    check_domain(typed_domain);
    check_form(form);
    check_identity(secret, user_id, flip);
});
