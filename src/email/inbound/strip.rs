//! What a visitor wrote in an email reply, without what their mail program added: the quoted
//! history under an attribution line ("On Mon, 1 Dec 2026, Parlor wrote:" and its translations),
//! a forwarded or Outlook header block, trailing `>` lines, and the signature ("-- ", "Sent from
//! my iPhone"). Parlor's own emails carry [`REPLY_ABOVE`], the surest cut of all.
//!
//! It works on the plain text of the message (the HTML part is turned into text before), line
//! by line, and never strips a message to nothing: a reply that is only a quote is kept whole,
//! so that nothing a visitor sent is lost. The original email stays available to agents.

/// The line Parlor puts above the history of every email a visitor may answer.
pub const REPLY_ABOVE: &str = "##- Reply above this line -##";

/// How an attribution line starts, what it holds and how it ends, in the languages Parlor's
/// visitors write in; the rest is the date and the sender. Mail programs wrap long lines, so a
/// line and the one after it are also tried together. An attribution that names no known
/// phrase (Japanese Gmail writes only the date and the sender) is still found when it ends with
/// a colon, names an address and quoted lines follow.
const ATTRIBUTIONS: &[(&str, &str, &str)] = &[
    ("On ", "", "wrote:"),
    ("Am ", "schrieb", ":"),
    ("Le ", "", "a écrit :"),
    ("Le ", "", "a écrit:"),
    ("El ", "", "escribió:"),
    ("Em ", "", "escreveu:"),
    ("Il ", "", "ha scritto:"),
    ("Op ", "schreef", ":"),
    ("W dniu ", "", "pisze:"),
    ("", "", "yazdı:"),
    ("", "", "のメッセージ:"),
    ("", "", "書きました:"),
    ("在", "", "写道："),
    ("在", "", "写道:"),
    ("", "", "كتب:"),
];

/// Lines that open a forwarded or Outlook-style copy of the earlier message.
const HISTORY_OPENERS: &[&str] = &["-----Original Message-----", "----- Original Message -----", "-------- Original Message --------"];

/// Lines mobile mail programs add at the end.
const SENT_FROM: &[&str] = &["Sent from my ", "Get Outlook for ", "Envoyé de mon ", "Von meinem ", "Enviado desde mi ", "Enviado do meu "];

/// The visitor's own words in `text`, the plain-text body of their reply.
pub fn reply_text(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<&str> = text.lines().collect();
    let mut end = history_start(&lines).unwrap_or(lines.len());
    // Quoted lines and blank lines at the end, then a signature.
    while end > 0 && (lines[end - 1].trim().is_empty() || lines[end - 1].trim_start().starts_with('>')) {
        end -= 1;
    }
    if let Some(signature) = lines[..end].iter().rposition(|line| *line == "-- " || *line == "--") {
        end = signature;
    }
    while end > 0 && (lines[end - 1].trim().is_empty() || SENT_FROM.iter().any(|sent| lines[end - 1].trim().starts_with(sent))) {
        end -= 1;
    }
    let kept = lines[..end].join("\n");
    let kept = kept.trim();
    if kept.is_empty() { text.trim().to_string() } else { kept.to_string() }
}

/// The first line of the quoted history, if the reply has one.
fn history_start(lines: &[&str]) -> Option<usize> {
    (0..lines.len()).find(|&index| {
        let line = lines[index].trim();
        let next = lines.get(index + 1).map_or("", |next| next.trim());
        line.contains(REPLY_ABOVE)
            || HISTORY_OPENERS.contains(&line)
            || is_underscore_rule(line) && next.starts_with("From:")
            || line.starts_with("From:") && (next.starts_with("Sent:") || next.starts_with("Date:"))
            || is_attribution(line)
            || !next.is_empty() && is_attribution(&format!("{line} {next}"))
            || line.ends_with(':') && line.contains('@') && next_non_blank(lines, index + 1).is_some_and(|n| n.starts_with('>'))
    })
}

fn is_attribution(line: &str) -> bool {
    ATTRIBUTIONS.iter().any(|(start, holds, end)| {
        line.starts_with(start)
            && line.contains(holds)
            && line.ends_with(end)
            && line.chars().count() > start.chars().count() + end.chars().count() + 4
    }) && (line.contains('@') || line.chars().any(|c| c.is_ascii_digit()))
}

fn is_underscore_rule(line: &str) -> bool {
    line.len() >= 10 && line.chars().all(|c| c == '_')
}

fn next_non_blank<'a>(lines: &[&'a str], from: usize) -> Option<&'a str> {
    lines.iter().skip(from).map(|line| line.trim()).find(|line| !line.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parlors_marker_is_the_first_cut() {
        let text = format!("Yes, the blue one.\n\n{REPLY_ABOVE}\nAda (Ada's Shop) wrote:\nWhich colour?");
        assert_eq!(reply_text(&text), "Yes, the blue one.");
    }

    #[test]
    fn gmails_wrapped_attribution_and_the_quote_go() {
        let text = "Thanks, that works!\r\n\r\nOn Mon, 30 Nov 2026 at 10:02, Ada <reply+abc@in.example.com>\r\nwrote:\r\n> Could you try again?\r\n> Ada\r\n";
        assert_eq!(reply_text(text), "Thanks, that works!");
    }

    #[test]
    fn attributions_in_other_languages_are_cut() {
        for attribution in [
            "Am 30.11.2026 um 10:02 schrieb Ada <ada@example.com>:",
            "Le lun. 30 nov. 2026 à 10:02, Ada <ada@example.com> a écrit :",
            "El lun, 30 nov 2026 a las 10:02, Ada (<ada@example.com>) escribió:",
            "Em seg., 30 de nov. de 2026 às 10:02, Ada <ada@example.com> escreveu:",
            "Il giorno lun 30 nov 2026 alle ore 10:02 Ada <ada@example.com> ha scritto:",
            "Op ma 30 nov 2026 om 10:02 schreef Ada <ada@example.com>:",
            "W dniu 30.11.2026 o 10:02 Ada <ada@example.com> pisze:",
            "Ada <ada@example.com>, 30 Kas 2026 Pzt, 10:02 tarihinde şunu yazdı:",
            "2026年11月30日(月) 10:02 Ada <ada@example.com>:",
            "在 2026年11月30日 10:02，Ada <ada@example.com> 写道：",
            "في الإثنين، 30 نوفمبر 2026 ada@example.com كتب:",
        ] {
            let text = format!("Danke!\n\n{attribution}\n> Alt\n");
            assert_eq!(reply_text(&text), "Danke!", "{attribution}");
        }
    }

    #[test]
    fn outlook_history_and_signatures_go() {
        let outlook = "Fine by me.\n\n________________________________\nFrom: Ada <ada@example.com>\nSent: Monday, 30 November 2026 10:02\nSubject: Your order";
        assert_eq!(reply_text(outlook), "Fine by me.");
        let original = "See below.\n-----Original Message-----\nFrom: Ada";
        assert_eq!(reply_text(original), "See below.");
        let signed = "It arrived, thanks.\n\n-- \nGrace Hopper\nNavy\n\nOn Mon, 30 Nov 2026, Ada <a@example.com> wrote:\n> Sent?";
        assert_eq!(reply_text(signed), "It arrived, thanks.");
        let phone = "Got it\n\nSent from my iPhone";
        assert_eq!(reply_text(phone), "Got it");
    }

    #[test]
    fn a_reply_written_between_quotes_is_kept_and_nothing_strips_to_empty() {
        let inline = "> Which size?\nLarge, please.\n> And the colour?\nBlue.";
        assert_eq!(reply_text(inline), inline);
        let only_quote = "> Which size?\n> Large?";
        assert_eq!(reply_text(only_quote), only_quote);
        assert_eq!(reply_text("   \n"), "");
        let plain = "Hello,\nmy parcel never came.\nOrder 1234.";
        assert_eq!(reply_text(plain), plain);
    }
}
