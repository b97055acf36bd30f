//! The catalog is complete: every shipped language has every message English has, with the same
//! variables, and every key the code and templates ask for exists.

use std::{collections::BTreeSet, path::Path};

use fluent_bundle::FluentResource;

use super::*;

fn resource(lang: &str, part: &str) -> FluentResource {
    let (_, _, text) = SOURCES.iter().find(|(l, p, _)| *l == lang && *p == part).unwrap_or_else(|| panic!("{lang} does not ship {part}"));
    FluentResource::try_new((*text).to_string()).unwrap_or_else(|(_, errors)| panic!("locales/{lang}/{part}.ftl: {errors:?}"))
}

fn variables_by_key(resource: &FluentResource) -> BTreeMap<String, Vec<String>> {
    resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some((m.id.name.to_string(), m.value.as_ref().map(variables_of).unwrap_or_default())),
            _ => None,
        })
        .collect()
}

#[test]
fn every_language_ships_the_parts_its_audience_reads() {
    for language in LANGUAGES {
        let shipped: BTreeSet<&str> = SOURCES.iter().filter(|(l, _, _)| *l == language.code).map(|(_, p, _)| *p).collect();
        let mut expected: BTreeSet<&str> = VISITOR_PARTS.iter().copied().collect();
        if CONSOLE_LANGUAGES.contains(&language.code) {
            expected.extend(MEMBER_PARTS);
        }
        assert_eq!(shipped, expected, "{} ships the wrong parts", language.code);
    }
}

#[test]
fn every_language_has_every_english_message_with_the_same_variables() {
    let mut problems = Vec::new();
    for (lang, part, _) in SOURCES {
        let english = variables_by_key(&resource("en", part));
        let translated = variables_by_key(&resource(lang, part));
        for (key, variables) in &english {
            match translated.get(key) {
                None => problems.push(format!("locales/{lang}/{part}.ftl lacks {key}")),
                Some(theirs) if theirs != variables => {
                    problems.push(format!("locales/{lang}/{part}.ftl: {key} uses {theirs:?}, English uses {variables:?}"))
                }
                Some(_) => {}
            }
        }
        for key in translated.keys().filter(|k| !english.contains_key(*k)) {
            problems.push(format!("locales/{lang}/{part}.ftl has {key}, which English does not"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_message_is_empty_or_defined_in_two_parts() {
    let mut seen: BTreeMap<(String, String), &str> = BTreeMap::new();
    for (lang, part, _) in SOURCES {
        for (key, _) in variables_by_key(&resource(lang, part)) {
            let text = Tr(Lang::from_code(lang).unwrap()).t(&key);
            assert!(!text.trim().is_empty() && text != key, "{lang} {key} is empty");
            if let Some(other) = seen.insert((lang.to_string(), key.clone()), part) {
                panic!("{lang}: {key} is in both {other}.ftl and {part}.ftl");
            }
        }
    }
}

/// The literal keys of every `.t("…")`, `.t1("…"`, `.t2("…"`, `.n("…"` and `.format("…"` call
/// in the code and templates.
fn keys_used_under(dir: &Path, out: &mut BTreeSet<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.ends_with("src/i18n") {
            continue;
        }
        if path.is_dir() {
            keys_used_under(&path, out);
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        for call in [".t(\"", ".t1(\"", ".t2(\"", ".n(\"", "tr.format(\""] {
            for (at, _) in text.match_indices(call) {
                let rest = &text[at + call.len()..];
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                        out.insert((key.to_string(), path.display().to_string()));
                    }
                }
            }
        }
    }
}

#[test]
fn every_key_the_code_and_templates_ask_for_exists_in_english() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeSet::new();
    keys_used_under(&root.join("src"), &mut used);
    keys_used_under(&root.join("templates"), &mut used);
    let english: BTreeSet<String> = SOURCES
        .iter()
        .filter(|(l, _, _)| *l == "en")
        .flat_map(|(_, part, _)| variables_by_key(&resource("en", part)).into_keys())
        .collect();
    let missing: Vec<String> = used.iter().filter(|(key, _)| !english.contains(key)).map(|(key, file)| format!("{key} ({file})")).collect();
    assert!(missing.is_empty(), "keys used but not in locales/en: {missing:?}");
}

#[test]
fn a_person_gets_their_first_language_that_parlor_ships() {
    let all = || Lang::all();
    let code = |requested: &str| negotiate(requested, all(), Lang::ENGLISH).code();
    assert_eq!(code("de-AT,de;q=0.9,en;q=0.8"), "de");
    assert_eq!(code("pt"), "pt-BR");
    assert_eq!(code("pt-PT,pt;q=0.9"), "pt-BR");
    assert_eq!(code("zh-Hans-CN"), "zh-CN");
    assert_eq!(code("zh-TW"), "zh-CN");
    assert_eq!(code("ar-EG,ar;q=0.9"), "ar");
    assert_eq!(code("sv-SE,fr;q=0.5"), "fr");
    assert_eq!(code("sv-SE"), "en");
    assert_eq!(code(""), "en");
    assert_eq!(negotiate("sv", all(), Lang::from_code("de").unwrap()).code(), "de");
    assert_eq!(negotiate("fr-CA,de", Lang::console(), Lang::ENGLISH).code(), "de");
}

#[test]
fn a_missing_message_falls_back_to_english_then_to_its_key() {
    let german = Tr::from_code("de");
    assert_eq!(german.t("no-such-message-anywhere"), "no-such-message-anywhere");
    assert_eq!(Tr::from_code("xx"), Tr::default());
    assert!(Lang::from_code("ar").unwrap().is_rtl());
    assert_eq!(Tr::from_code("AR").dir(), "rtl");
}

#[test]
fn the_widget_gets_its_texts_with_slots_for_variables() {
    let texts = Tr::from_code("de").part_with_slots("widget");
    assert!(!texts.is_empty());
    let english = Tr::default().part_with_slots("widget");
    assert_eq!(texts.keys().collect::<Vec<_>>(), english.keys().collect::<Vec<_>>());
}

/// The keys the chat window's JavaScript asks for with `t("key"` (its texts arrive without the
/// `w-` of their keys), and the ones its page asks for with `tr.t("w-key"`.
#[test]
fn every_text_the_chat_window_uses_is_in_english_widget_ftl() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let english = variables_by_key(&resource("en", "widget"));
    let mut missing = Vec::new();
    let mut found = 0;
    let mut files: Vec<_> = std::fs::read_dir(root.join("widget"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "js"))
        .collect();
    files.push(root.join("templates/widget/frame.html"));
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let is_page = path.extension().is_some_and(|x| x == "html");
        let call = if is_page { ".t(\"" } else { "t(\"" };
        let calls = text.match_indices(call).chain(if is_page { text.match_indices(".t1(\"") } else { "".match_indices("x") });
        for (at, matched) in calls {
            // A JavaScript call is `t(` alone, not the end of a longer name such as `split(`.
            if !is_page && text[..at].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let rest = &text[at + matched.len()..];
            let Some(end) = rest.find('"') else { continue };
            let key = if is_page { rest[..end].to_string() } else { format!("w-{}", &rest[..end]) };
            found += 1;
            if !english.contains_key(&key) {
                missing.push(format!("{key} ({})", path.display()));
            }
        }
    }
    assert!(found > 50, "the scan finds the window's texts ({found} found)");
    assert!(missing.is_empty(), "texts the chat window uses but locales/en/widget.ftl lacks: {missing:?}");
}

#[test]
fn the_window_gets_one_languages_texts_without_the_key_prefix() {
    let german = Tr::from_code("de").part_with_slots("widget");
    assert_eq!(german.get("w-typing").map(String::as_str), Some("{name} schreibt …"));
    assert!(german.keys().all(|k| k.starts_with("w-")), "every widget key starts with w-");
    assert_eq!(Tr::from_code("ar").dir(), "rtl");
}
