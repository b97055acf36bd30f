//! The sender's SPF and DKIM results, as the server that received the email reported them: in
//! `Authentication-Results` (RFC 8601), `Received-SPF`, Mailgun's `X-Mailgun-Spf` and
//! `X-Mailgun-Dkim-Check-Result`, or, from a provider's webhook, fields beside the MIME
//! (SendGrid's `SPF` and `dkim`, SES's verdicts). Parlor shows them on the message; it does not
//! check them itself (the receiving server saw the connection, Parlor may not have).

/// What the receiving server found; `None` where it said nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuthResults {
    pub spf: Option<String>,
    pub dkim: Option<String>,
}

/// The verdicts a result may be (RFC 8601), lowercase.
const VERDICTS: &[&str] = &["pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", "policy"];

/// A verdict as stored: one known word, or `None`.
pub fn verdict(text: &str) -> Option<String> {
    let word = text.trim().trim_matches(|c: char| c == '"' || c == '{' || c == '}').split(|c: char| !c.is_ascii_alphabetic()).next()?;
    let word = word.to_ascii_lowercase();
    VERDICTS.contains(&word.as_str()).then_some(word)
}

/// The `spf=` or `dkim=` result in an `Authentication-Results` value.
fn method_result(value: &str, method: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let needle = format!("{method}=");
    let mut from = 0;
    while let Some(at) = lower[from..].find(&needle) {
        let start = from + at;
        // A method name, not the tail of another word (`header.d=`, `xspf=`).
        let boundary = start == 0 || !lower.as_bytes()[start - 1].is_ascii_alphanumeric() && lower.as_bytes()[start - 1] != b'.';
        if boundary {
            return verdict(&lower[start + needle.len()..]);
        }
        from = start + needle.len();
    }
    None
}

/// The results in a message's headers; `header` reads one by name.
pub fn from_headers(header: impl Fn(&str) -> Option<String>) -> AuthResults {
    let results = header("Authentication-Results").or_else(|| header("ARC-Authentication-Results"));
    let spf = results
        .as_deref()
        .and_then(|r| method_result(r, "spf"))
        .or_else(|| header("Received-SPF").and_then(|v| verdict(&v)))
        .or_else(|| header("X-Mailgun-Spf").and_then(|v| verdict(&v)));
    let dkim = results
        .as_deref()
        .and_then(|r| method_result(r, "dkim"))
        .or_else(|| header("X-Mailgun-Dkim-Check-Result").and_then(|v| verdict(&v)));
    AuthResults { spf, dkim }
}

/// SendGrid's `dkim` field: `{@example.com : pass}`, one entry per signature; the first verdict.
pub fn sendgrid_dkim(field: &str) -> Option<String> {
    field.split(':').nth(1).and_then(verdict)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results(headers: &[(&str, &str)]) -> AuthResults {
        from_headers(|name| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn results_are_read_from_each_form() {
        let gmail = "mx.google.com; dkim=pass header.i=@example.com header.s=s1; spf=pass (google.com: domain of a@example.com designates 1.2.3.4 as permitted sender) smtp.mailfrom=a@example.com; dmarc=pass";
        assert_eq!(results(&[("Authentication-Results", gmail)]), AuthResults { spf: Some("pass".into()), dkim: Some("pass".into()) });
        assert_eq!(
            results(&[("Received-SPF", "SoftFail (protection.outlook.com: domain of transitioning example.com)")]),
            AuthResults { spf: Some("softfail".into()), dkim: None }
        );
        assert_eq!(
            results(&[("X-Mailgun-Spf", "Pass"), ("X-Mailgun-Dkim-Check-Result", "Fail")]),
            AuthResults { spf: Some("pass".into()), dkim: Some("fail".into()) }
        );
        assert_eq!(results(&[("Authentication-Results", "mx; xspf=pass; header.dkim=fail")]), AuthResults::default());
        assert_eq!(sendgrid_dkim("{@example.com : pass}"), Some("pass".into()));
        assert_eq!(verdict("maybe"), None);
    }
}
