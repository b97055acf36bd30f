//! Links in message text: splits a message into plain text and the `http`, `https` and `mailto`
//! URLs in it, so that a template shows each URL as a link while every piece of the text stays
//! escaped. `static/inbox.js` and `widget/frame.js` split live messages the same way.
//!
//! Only those three schemes become links: `javascript:`, `data:`, `vbscript:` and anything else
//! stay text. Punctuation that ends a sentence (`.`, `,`, `)`, `!`, `?` and a few more) is not
//! part of the link.

/// A piece of a message: text to show as it is, or a URL to link to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    Link(String),
}

impl Segment {
    /// The URL when this piece is a link (askama matches on this rather than on the enum).
    pub fn link(&self) -> Option<&str> {
        match self {
            Segment::Link(url) => Some(url),
            Segment::Text(_) => None,
        }
    }

    pub fn text(&self) -> &str {
        match self {
            Segment::Text(text) | Segment::Link(text) => text,
        }
    }
}

/// The schemes that become links, as they start a URL (compared without regard to case).
const SCHEMES: [&str; 3] = ["https://", "http://", "mailto:"];

/// Characters that end a sentence rather than a URL when they come last.
const TRAILING: [char; 9] = ['.', ',', ')', '!', '?', ':', ';', '\'', '"'];

/// What may stand right before a URL besides white space: opening brackets and quotes. Nothing
/// else, so that a URL glued to a word or to another scheme (`javascript:https://..`) is no link.
const OPENERS: [char; 8] = ['(', '[', '{', '<', '>', '"', '\'', '*'];

/// The length of the scheme when a URL starts in `text` at byte `at`.
fn scheme_at(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let scheme = SCHEMES.iter().find(|scheme| rest.get(..scheme.len()).is_some_and(|head| head.eq_ignore_ascii_case(scheme)))?;
    match text[..at].chars().next_back() {
        Some(before) if !before.is_whitespace() && !OPENERS.contains(&before) => None,
        _ => Some(scheme.len()),
    }
}

/// The length of the URL that starts at the beginning of `rest`, its trailing punctuation left
/// out; `None` when nothing follows the scheme.
fn url_len(rest: &str, scheme_len: usize) -> Option<usize> {
    let end = rest.find(|c: char| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '`')).unwrap_or(rest.len());
    let mut url = &rest[..end];
    while let Some(last) = url.chars().next_back() {
        // A closing parenthesis belongs to the URL when the URL opened one (Wikipedia's links).
        let balanced = last == ')' && url.matches('(').count() >= url.matches(')').count();
        if !TRAILING.contains(&last) || balanced {
            break;
        }
        url = &url[..url.len() - last.len_utf8()];
    }
    (url.len() > scheme_len).then_some(url.len())
}

/// Splits `text` into its pieces, in order; joined again they give back `text` exactly.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut pieces = Vec::new();
    let (mut plain_from, mut at) = (0, 0);
    while at < text.len() {
        let found = scheme_at(text, at).and_then(|scheme_len| url_len(&text[at..], scheme_len));
        match found {
            Some(len) => {
                if plain_from < at {
                    pieces.push(Segment::Text(text[plain_from..at].to_string()));
                }
                pieces.push(Segment::Link(text[at..at + len].to_string()));
                at += len;
                plain_from = at;
            }
            None => at += text[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    if plain_from < text.len() {
        pieces.push(Segment::Text(text[plain_from..].to_string()));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::{Segment::*, *};

    fn text(s: &str) -> Segment {
        Text(s.into())
    }
    fn link(s: &str) -> Segment {
        Link(s.into())
    }

    #[test]
    fn urls_of_the_three_schemes_become_links() {
        assert_eq!(
            segments("See https://example.com/a?b=1 or http://x.org, write to mailto:ada@example.com!"),
            vec![
                text("See "),
                link("https://example.com/a?b=1"),
                text(" or "),
                link("http://x.org"),
                text(", write to "),
                link("mailto:ada@example.com"),
                text("!"),
            ]
        );
        assert_eq!(segments("HTTPS://EXAMPLE.COM"), vec![link("HTTPS://EXAMPLE.COM")]);
    }

    #[test]
    fn trailing_punctuation_ends_the_sentence_not_the_link() {
        assert_eq!(segments("https://example.com/a?b=1."), vec![link("https://example.com/a?b=1"), text(".")]);
        assert_eq!(segments("(see https://example.com/x)"), vec![text("(see "), link("https://example.com/x"), text(")")]);
        assert_eq!(segments("https://example.com/?!,"), vec![link("https://example.com/"), text("?!,")]);
        assert_eq!(
            segments("https://en.wikipedia.org/wiki/Rust_(language)."),
            vec![link("https://en.wikipedia.org/wiki/Rust_(language)"), text(".")]
        );
    }

    #[test]
    fn other_schemes_and_bare_schemes_stay_text() {
        for plain in [
            "javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "https://",
            "http://.",
            "mailto:",
            "no links here",
        ] {
            assert_eq!(segments(plain), vec![text(plain)], "{plain}");
        }
        assert_eq!(segments("javascript:https://x.org"), vec![text("javascript:https://x.org")], "a scheme glued to a word is no link");
        assert_eq!(segments(""), vec![]);
    }

    #[test]
    fn html_never_enters_a_link() {
        assert_eq!(segments("https://x.org/<script>\"a\" next"), vec![link("https://x.org/"), text("<script>\"a\" next")]);
    }

    #[test]
    fn the_pieces_join_back_into_the_text() {
        for sample in ["é https://ü.example/ö?x=ß. ok", "a\nhttps://x.org\n", "((http://a.b)))"] {
            let joined: String = segments(sample).iter().map(Segment::text).collect();
            assert_eq!(joined, sample);
        }
    }
}
