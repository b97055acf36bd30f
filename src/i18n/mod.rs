//! Languages: which ones Parlor speaks, which one a person gets, and the texts in each.
//!
//! Every text a person reads lives in a Fluent file under `locales/<language>/<part>.ftl`,
//! compiled into the binary. A part is the set of texts one audience reads:
//!
//! | part | read by | shipped in |
//! | --- | --- | --- |
//! | `widget` | visitors, in the chat window | every language in [`LANGUAGES`] |
//! | `visitor` | visitors, in emails and the rating page | every language |
//! | `console` | members, in the dashboard | [`CONSOLE_LANGUAGES`] |
//! | `console-widget` | members, on the widget's settings page | [`CONSOLE_LANGUAGES`] |
//! | `team` | members, in the emails Parlor sends them | [`CONSOLE_LANGUAGES`] |
//!
//! A language that ships a part has every message English has in it, with the same variables:
//! the tests of this module fail otherwise, so a missing text fails CI and never reaches a
//! person. A message missing at run time anyway falls back to English, then to its key.
//!
//! [`Tr`] is one person's language: templates and code ask it for texts (`tr.t("key")`).

use std::{collections::BTreeMap, fmt, sync::LazyLock};

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use unic_langid::LanguageIdentifier;

/// One shipped language: its BCP 47 tag, its name in itself (for pickers) and its direction.
#[derive(Debug)]
pub struct Language {
    pub code: &'static str,
    pub native_name: &'static str,
    pub rtl: bool,
}

/// Every language Parlor ships, English first (the fallback of every other).
pub const LANGUAGES: &[Language] = &[
    Language { code: "en", native_name: "English", rtl: false },
    Language { code: "de", native_name: "Deutsch", rtl: false },
    Language { code: "fr", native_name: "Français", rtl: false },
    Language { code: "es", native_name: "Español", rtl: false },
    Language { code: "pt-BR", native_name: "Português (Brasil)", rtl: false },
    Language { code: "it", native_name: "Italiano", rtl: false },
    Language { code: "nl", native_name: "Nederlands", rtl: false },
    Language { code: "pl", native_name: "Polski", rtl: false },
    Language { code: "tr", native_name: "Türkçe", rtl: false },
    Language { code: "ja", native_name: "日本語", rtl: false },
    Language { code: "zh-CN", native_name: "简体中文", rtl: false },
    Language { code: "ar", native_name: "العربية", rtl: true },
];

/// The languages the dashboard and the emails to members are complete in.
pub const CONSOLE_LANGUAGES: &[&str] = &["en", "de"];

/// The parts every language ships, and the parts only [`CONSOLE_LANGUAGES`] ship.
#[cfg_attr(not(test), allow(dead_code))]
const VISITOR_PARTS: &[&str] = &["widget", "visitor"];
#[cfg_attr(not(test), allow(dead_code))]
const MEMBER_PARTS: &[&str] = &["console", "console-widget", "team"];

/// The Fluent sources, compiled in: (language, part, text).
macro_rules! sources {
    ($($lang:literal: [$($part:literal),*]),* $(,)?) => {
        &[$($(($lang, $part, include_str!(concat!("../../locales/", $lang, "/", $part, ".ftl")))),*),*]
    };
}
static SOURCES: &[(&str, &str, &str)] = sources! {
    "en": ["widget", "visitor", "console", "console-widget", "team"],
    "de": ["widget", "visitor", "console", "console-widget", "team"],
    "fr": ["widget", "visitor"],
    "es": ["widget", "visitor"],
    "pt-BR": ["widget", "visitor"],
    "it": ["widget", "visitor"],
    "nl": ["widget", "visitor"],
    "pl": ["widget", "visitor"],
    "tr": ["widget", "visitor"],
    "ja": ["widget", "visitor"],
    "zh-CN": ["widget", "visitor"],
    "ar": ["widget", "visitor"],
};

/// A shipped language, by its place in [`LANGUAGES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lang(u8);

impl Lang {
    pub const ENGLISH: Lang = Lang(0);

    pub fn all() -> impl Iterator<Item = Lang> {
        (0..LANGUAGES.len()).map(|i| Lang(i as u8))
    }

    pub fn console() -> impl Iterator<Item = Lang> {
        CONSOLE_LANGUAGES.iter().filter_map(|code| Lang::from_code(code))
    }

    /// The language whose tag is exactly `code` (as stored), ignoring case.
    pub fn from_code(code: &str) -> Option<Lang> {
        LANGUAGES.iter().position(|l| l.code.eq_ignore_ascii_case(code)).map(|i| Lang(i as u8))
    }

    fn info(self) -> &'static Language {
        &LANGUAGES[usize::from(self.0)]
    }

    pub fn code(self) -> &'static str {
        self.info().code
    }

    pub fn native_name(self) -> &'static str {
        self.info().native_name
    }

    pub fn is_rtl(self) -> bool {
        self.info().rtl
    }

    pub fn dir(self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    pub fn is_console(self) -> bool {
        CONSOLE_LANGUAGES.contains(&self.code())
    }

    fn id(self) -> LanguageIdentifier {
        self.code().parse().unwrap_or_default()
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The best of `offered` for a person who asked for `requested`, a list of language tags in
/// order of preference (an `Accept-Language` header, `navigator.languages` joined by commas, or
/// one tag). A request for `pt` or `pt-PT` gets `pt-BR`, `zh` or `zh-Hans-CN` gets `zh-CN`;
/// nothing that matches gets `fallback`.
pub fn negotiate(requested: &str, offered: impl IntoIterator<Item = Lang>, fallback: Lang) -> Lang {
    let requested = fluent_langneg::accepted_languages::parse(requested);
    let offered: Vec<Lang> = offered.into_iter().collect();
    let ids: Vec<LanguageIdentifier> = offered.iter().map(|l| l.id()).collect();
    // Matching is done per requested tag so that a person's first language wins over a closer
    // match on their second.
    for wanted in requested {
        let found =
            fluent_langneg::negotiate_languages(std::slice::from_ref(&wanted), &ids, None, fluent_langneg::NegotiationStrategy::Lookup);
        if let Some(id) = found.first()
            && let Some(pos) = ids.iter().position(|i| &i == id)
        {
            return offered[pos];
        }
        // A bare language with any region or script: "zh-Hant-TW" still reads "zh-CN" better than
        // the fallback, "pt-PT" reads "pt-BR".
        if let Some(pos) = ids.iter().position(|i| i.language == wanted.language) {
            return offered[pos];
        }
    }
    fallback
}

/// Every language's messages, parsed once.
struct Catalog {
    bundles: Vec<FluentBundle<FluentResource>>,
    /// Which message keys each (language, part) holds, for the widget's inline texts.
    keys: BTreeMap<(Lang, &'static str), Vec<String>>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(Catalog::load);

impl Catalog {
    fn load() -> Catalog {
        let mut bundles = Vec::new();
        let mut keys = BTreeMap::new();
        for lang in Lang::all() {
            let mut bundle = FluentBundle::new_concurrent(vec![lang.id()]);
            // Isolation marks keep a Latin name from reordering Arabic text; elsewhere they
            // would only be invisible bytes in emails and pages.
            bundle.set_use_isolating(lang.is_rtl());
            for (_, part, text) in SOURCES.iter().filter(|(code, _, _)| *code == lang.code()) {
                let resource = match FluentResource::try_new((*text).to_string()) {
                    Ok(resource) => resource,
                    Err((resource, errors)) => {
                        tracing::error!(language = %lang, part, ?errors, "Fluent file has errors");
                        resource
                    }
                };
                keys.insert((lang, *part), message_ids(&resource));
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(language = %lang, part, ?errors, "Fluent messages defined twice");
                }
            }
            bundles.push(bundle);
        }
        Catalog { bundles, keys }
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        &self.bundles[usize::from(lang.0)]
    }

    fn format(&self, lang: Lang, key: &str, args: Option<&FluentArgs>) -> Option<String> {
        let bundle = self.bundle(lang);
        let pattern = bundle.get_message(key)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors).into_owned();
        if !errors.is_empty() {
            tracing::warn!(language = %lang, key, ?errors, "Fluent message formatted with errors");
        }
        Some(text)
    }
}

fn message_ids(resource: &FluentResource) -> Vec<String> {
    resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_string()),
            _ => None,
        })
        .collect()
}

/// One person's language: ask it for texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr(pub Lang);

impl Default for Tr {
    fn default() -> Self {
        Tr(Lang::ENGLISH)
    }
}

impl Tr {
    /// The language stored as `code`, English when it is not one Parlor ships.
    pub fn from_code(code: &str) -> Tr {
        Tr(Lang::from_code(code).unwrap_or(Lang::ENGLISH))
    }

    pub fn lang(&self) -> &'static str {
        self.0.code()
    }

    pub fn dir(&self) -> &'static str {
        self.0.dir()
    }

    /// The message `key`, in this language, else in English, else the key itself.
    pub fn t(&self, key: &str) -> String {
        self.format(key, &[])
    }

    /// The message `key` with one variable.
    pub fn t1(&self, key: &str, name: &str, value: impl fmt::Display) -> String {
        self.format(key, &[(name, FluentValue::from(value.to_string()))])
    }

    /// The message `key` with two variables.
    pub fn t2(&self, key: &str, name: &str, value: impl fmt::Display, name2: &str, value2: impl fmt::Display) -> String {
        self.format(key, &[(name, FluentValue::from(value.to_string())), (name2, FluentValue::from(value2.to_string()))])
    }

    /// The message `key` with `$count` a number, for plural forms.
    pub fn n(&self, key: &str, count: impl Into<f64>) -> String {
        self.format(key, &[("count", FluentValue::from(count.into()))])
    }

    /// The message `key` with any variables.
    pub fn format(&self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let args = (!args.is_empty()).then(|| {
            let mut fluent = FluentArgs::new();
            for (name, value) in args {
                fluent.set(*name, value.clone());
            }
            fluent
        });
        let catalog = &*CATALOG;
        catalog.format(self.0, key, args.as_ref()).or_else(|| catalog.format(Lang::ENGLISH, key, args.as_ref())).unwrap_or_else(|| {
            tracing::warn!(language = %self.0, key, "no such message");
            key.to_string()
        })
    }

    /// Every message of `part` in this language, each with its variables left as `{name}` for
    /// the widget to fill in: the chat window receives these inline and carries no Fluent.
    pub fn part_with_slots(&self, part: &str) -> BTreeMap<String, String> {
        let catalog = &*CATALOG;
        let lang = if catalog.keys.contains_key(&(self.0, part_key(part))) { self.0 } else { Lang::ENGLISH };
        let Some(keys) = catalog.keys.get(&(lang, part_key(part))) else {
            return BTreeMap::new();
        };
        let bundle = catalog.bundle(lang);
        keys.iter()
            .filter_map(|key| {
                let message = bundle.get_message(key)?;
                let pattern = message.value()?;
                let mut args = FluentArgs::new();
                for name in variables_of(pattern) {
                    args.set(name.clone(), FluentValue::from(format!("{{{name}}}")));
                }
                let mut errors = Vec::new();
                Some((key.clone(), bundle.format_pattern(pattern, Some(&args), &mut errors).into_owned()))
            })
            .collect()
    }
}

/// The `&'static str` a part is keyed by (parts are the literals of [`SOURCES`]).
fn part_key(part: &str) -> &'static str {
    SOURCES.iter().map(|(_, p, _)| *p).find(|p| *p == part).unwrap_or("")
}

/// The variables a pattern uses, selectors included.
fn variables_of(pattern: &fluent_syntax::ast::Pattern<&str>) -> Vec<String> {
    use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
    fn inline(expression: &InlineExpression<&str>, out: &mut Vec<String>) {
        match expression {
            InlineExpression::VariableReference { id } => out.push(id.name.to_string()),
            InlineExpression::FunctionReference { arguments, .. } => {
                for argument in &arguments.positional {
                    inline(argument, out);
                }
            }
            InlineExpression::Placeable { expression } => walk(expression, out),
            _ => {}
        }
    }
    fn walk(expression: &Expression<&str>, out: &mut Vec<String>) {
        match expression {
            Expression::Inline(expression) => inline(expression, out),
            Expression::Select { selector, variants } => {
                inline(selector, out);
                for variant in variants {
                    walk_pattern(&variant.value, out);
                }
            }
        }
    }
    fn walk_pattern(p: &fluent_syntax::ast::Pattern<&str>, out: &mut Vec<String>) {
        for element in &p.elements {
            if let PatternElement::Placeable { expression } = element {
                walk(expression, out);
            }
        }
    }
    let mut out = Vec::new();
    walk_pattern(pattern, &mut out);
    out.sort();
    out.dedup();
    out
}

/// The language of a page whose reader is not signed in (sign-up, sign-in, password reset):
/// the first of their browser's languages that the dashboard is complete in.
impl actix_web::FromRequest for Tr {
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(Tr::for_request(req)))
    }
}

impl Tr {
    /// The console language a request's `Accept-Language` asks for.
    pub fn for_request(req: &actix_web::HttpRequest) -> Tr {
        let requested = req.headers().get(actix_web::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
        Tr(negotiate(requested, Lang::console(), Lang::ENGLISH))
    }
}

#[cfg(test)]
mod tests;
