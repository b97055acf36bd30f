//! The drop-in widget: the loader script a website embeds (`/widget.js`), the chat window it
//! frames (`/widget/v1/frame`), their assets, and the widget's HTTP API ([`api`]).
//!
//! Tenant rule: the site key names the workspace; the visitor token one contact of it; the
//! workspace's allowed domains decide which sites may frame the window (`frame-ancestors`) and
//! call the API (`Origin`).
//!
//! The widget's source is plain JavaScript and CSS under `widget/`, compiled into the binary as
//! is: no build step, so `cargo run` always serves the current source.

pub mod api;
pub mod conversations;
pub mod rating_page;
pub mod settings;
pub mod texts;

use std::sync::LazyLock;

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use self::settings::{PublicWidgetSettings, WidgetSettings};
use crate::{
    db,
    error::AppError,
    i18n::{Lang, Tr, negotiate},
    state::AppState,
    workspaces::Workspace,
};

/// A file of the widget as served: compacted, gzipped once at the highest level, and with a
/// short digest of its content for cache-busting URLs.
pub struct WidgetAsset {
    pub body: String,
    pub gzipped: Vec<u8>,
    pub content_type: &'static str,
    pub version: String,
}

/// Drops what only readers of the source need: indentation, whole-line `//` comments and the
/// `/* ... */` comment blocks that start a line. Code and strings are left alone.
fn compact(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut in_block = false;
    for line in source.lines() {
        let line = line.trim();
        if in_block {
            in_block = !line.contains("*/");
            continue;
        }
        if line.starts_with("/*") {
            in_block = !line.contains("*/");
            continue;
        }
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn asset(source: &'static str, content_type: &'static str) -> WidgetAsset {
    let body = compact(source);
    asset_of(if content_type.starts_with("text/css") { squeeze_css(&body) } else { body }, content_type)
}

/// Drops the spaces CSS does not need after `:`, `;`, `,` and around braces (outside quoted
/// strings): every byte of the stylesheet weighs on the window's first paint.
fn squeeze_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut quote = None;
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == ' ' && chars.peek().is_some_and(|next| *next == '{' || *next == '}') => {}
            None => {
                out.push(c);
                if matches!(c, ':' | ';' | ',' | '{' | '}') {
                    while chars.peek() == Some(&' ') {
                        chars.next();
                    }
                }
            }
        }
    }
    out
}

fn asset_of(body: String, content_type: &'static str) -> WidgetAsset {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let gzipped = encoder.write_all(body.as_bytes()).and_then(|()| encoder.finish()).unwrap_or_default();
    let digest = Sha256::digest(body.as_bytes());
    WidgetAsset { body, gzipped, content_type, version: hex::encode(&digest[..6]) }
}

impl WidgetAsset {
    /// The asset, gzipped when the browser takes gzip (every browser does).
    fn respond(&self, req: &HttpRequest, cache_control: &'static str) -> HttpResponse {
        let takes_gzip = req
            .headers()
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accepted| accepted.split(',').any(|e| e.trim().starts_with("gzip")));
        let mut response = HttpResponse::Ok();
        response
            .content_type(self.content_type)
            .insert_header((header::CACHE_CONTROL, cache_control))
            .insert_header((header::VARY, "Accept-Encoding"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"));
        if takes_gzip && !self.gzipped.is_empty() {
            response.insert_header((header::CONTENT_ENCODING, "gzip")).body(self.gzipped.clone())
        } else {
            response.body(self.body.clone())
        }
    }
}

pub static LOADER: LazyLock<WidgetAsset> =
    LazyLock::new(|| asset(include_str!("../../widget/loader.js"), "text/javascript; charset=utf-8"));
pub static FRAME_JS: LazyLock<WidgetAsset> = LazyLock::new(|| asset(FRAME_JS_SOURCE, "text/javascript; charset=utf-8"));
pub static FRAME_CSS: LazyLock<WidgetAsset> = LazyLock::new(|| asset(include_str!("../../widget/frame.css"), "text/css; charset=utf-8"));
/// The styles of what the lazily loaded scripts draw, linked when the first of them loads.
pub static FRAME_MORE_CSS: LazyLock<WidgetAsset> =
    LazyLock::new(|| asset(include_str!("../../widget/frame-more.css"), "text/css; charset=utf-8"));
const FRAME_JS_SOURCE: &str = include_str!("../../widget/frame.js");
const UPLOAD_JS_SOURCE: &str = include_str!("../../widget/upload.js");
const CONVERSATIONS_JS_SOURCE: &str = include_str!("../../widget/conversations.js");

/// Sending files: loaded by the window only when a visitor first attaches one, so that it
/// weighs nothing on the first paint. One per language (in [`LANGUAGES`] order): each starts
/// with the texts it uses, handed to the window with `parlorTexts({...})`.
///
/// [`LANGUAGES`]: crate::i18n::LANGUAGES
pub static UPLOAD_JS: LazyLock<Vec<WidgetAsset>> = LazyLock::new(|| localized_script(UPLOAD_JS_SOURCE));
/// The list of a visitor's conversations, "Email me this conversation" and the rating
/// question: loaded when first asked for, after the first paint; one per language, as
/// [`UPLOAD_JS`].
pub static CONVERSATIONS_JS: LazyLock<Vec<WidgetAsset>> = LazyLock::new(|| localized_script(CONVERSATIONS_JS_SOURCE));

/// The keys a widget script asks for with `t("key"` (without their `w-`). The window's page
/// carries the texts of the keys frame.js uses; each lazily loaded script carries its own, so
/// that no text weighs on the first paint before it can be shown.
fn keys_used(source: &str) -> std::collections::BTreeSet<String> {
    source
        .match_indices("t(\"")
        .filter(|(at, _)| !source[..*at].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$'))
        .filter_map(|(at, call)| {
            let rest = &source[at + call.len()..];
            let key = &rest[..rest.find('"')?];
            key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-').then(|| key.to_string())
        })
        .collect()
}

static FRAME_KEYS: LazyLock<std::collections::BTreeSet<String>> = LazyLock::new(|| keys_used(FRAME_JS_SOURCE));

/// The texts of `keys` in one language.
fn texts_of(tr: Tr, keys: &std::collections::BTreeSet<String>) -> std::collections::BTreeMap<String, String> {
    window_texts(tr).into_iter().filter(|(key, _)| keys.contains(key)).collect()
}

/// The texts the window's page carries: those frame.js uses, less the preview's own (its sample
/// conversation, the reply times the settings page switches between) outside the preview.
fn frame_texts(tr: Tr, preview: bool) -> std::collections::BTreeMap<String, String> {
    let mut texts = texts_of(tr, &FRAME_KEYS);
    if !preview {
        texts.retain(|key, _| !key.starts_with("sample-") && !key.starts_with("rt-"));
    }
    texts
}

fn localized_script(source: &'static str) -> Vec<WidgetAsset> {
    let keys = keys_used(source);
    Lang::all()
        .map(|lang| {
            let texts = serde_json::to_string(&texts_of(Tr(lang), &keys)).unwrap_or_else(|_| "{}".to_string());
            asset_of(format!("parlorTexts({texts});\n{}", compact(source)), "text/javascript; charset=utf-8")
        })
        .collect()
}

fn localized(assets: &[WidgetAsset], lang: Lang) -> &WidgetAsset {
    &assets[Lang::all().position(|l| l == lang).unwrap_or(0)]
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    api::configure(cfg);
    rating_page::configure(cfg);
    cfg.route("/widget.js", web::get().to(loader))
        .route("/widget/v1/frame", web::get().to(frame))
        .route("/widget/v1/frame.js", web::get().to(|req: HttpRequest| async move { FRAME_JS.respond(&req, IMMUTABLE) }))
        .route("/widget/v1/frame.css", web::get().to(|req: HttpRequest| async move { FRAME_CSS.respond(&req, IMMUTABLE) }))
        .route("/widget/v1/frame-more.css", web::get().to(|req: HttpRequest| async move { FRAME_MORE_CSS.respond(&req, IMMUTABLE) }))
        .route(
            "/widget/v1/{lang}/upload.js",
            web::get().to(|req: HttpRequest, lang: web::Path<String>| async move {
                localized(&UPLOAD_JS, Tr::from_code(&lang).0).respond(&req, IMMUTABLE)
            }),
        )
        .route(
            "/widget/v1/{lang}/conversations.js",
            web::get().to(|req: HttpRequest, lang: web::Path<String>| async move {
                localized(&CONVERSATIONS_JS, Tr::from_code(&lang).0).respond(&req, IMMUTABLE)
            }),
        );
}

/// Assets whose URL carries their version are kept for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The loader lives at a fixed URL in every customer's page, so browsers may keep it only
/// briefly.
async fn loader(req: HttpRequest) -> HttpResponse {
    LOADER.respond(&req, "public, max-age=300")
}

#[derive(Deserialize)]
struct FrameQuery {
    site_key: String,
    #[serde(default)]
    preview: bool,
    /// The visitor's languages in order of preference (the loader sends `navigator.languages`
    /// joined by commas, or the tag `Parlor.setLocale` was given first); without it, the
    /// `Accept-Language` header.
    lang: Option<String>,
}

/// The longest `lang` read: a browser's whole list fits well within it, and anything past it
/// is ignored rather than refused, so a visitor always gets a window.
pub const MAX_LANG_PARAM: usize = 200;

/// The window's texts as JSON for a `<script type="application/json">` block: `<`, `>`, `&` and
/// the two JavaScript line separators are escaped, so no text can end the block early.
pub struct ScriptJson(String);

impl ScriptJson {
    pub fn new(value: &impl serde::Serialize) -> ScriptJson {
        let json = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string());
        ScriptJson(
            json.replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026")
                .replace('\u{2028}', "\\u2028")
                .replace('\u{2029}', "\\u2029"),
        )
    }
}

impl std::fmt::Display for ScriptJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The chat window's texts in one language, each without the `w-` its key starts with in
/// `locales/*/widget.ftl`, variables as `{name}` slots.
pub fn window_texts(tr: Tr) -> std::collections::BTreeMap<String, String> {
    tr.part_with_slots("widget").into_iter().filter_map(|(key, text)| Some((key.strip_prefix("w-")?.to_string(), text))).collect()
}

#[derive(Template)]
#[template(path = "widget/frame.html")]
struct FramePage {
    workspace_name: String,
    settings: PublicWidgetSettings,
    site_key: String,
    preview: bool,
    css_version: &'static str,
    more_css_version: &'static str,
    js_version: &'static str,
    upload_version: &'static str,
    conversations_version: &'static str,
    /// The largest file a visitor may upload, in bytes, so that the window can say so before
    /// sending it.
    upload_max_bytes: u64,
    /// The visitor's language, and every text of the window in it (see [`window_texts`]).
    tr: Tr,
    texts: ScriptJson,
    /// The workspace's own texts in that language.
    shown: texts::ShownTexts,
}

/// `GET /widget/v1/frame?site_key=pk_...`: the chat window, framed by the loader. Its
/// `frame-ancestors` lists the workspace's allowed domains, so another site cannot frame it.
async fn frame(state: web::Data<AppState>, req: HttpRequest, query: web::Query<FrameQuery>) -> Result<HttpResponse, AppError> {
    let FrameQuery { site_key, preview, lang } = query.into_inner();
    if site_key.len() > 64 {
        return Err(AppError::NotFound);
    }
    let requested: String = match lang {
        Some(lang) => lang.chars().take(MAX_LANG_PARAM).collect(),
        None => {
            req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("").chars().take(MAX_LANG_PARAM).collect()
        }
    };
    let lookup_key = site_key.clone();
    let (workspace, settings, language, shown) = db::run(&state.pool, move |conn| {
        let workspace = Workspace::find_by_site_key(conn, &lookup_key)?.ok_or(AppError::NotFound)?;
        let settings = WidgetSettings::load(conn, workspace.id)?;
        let default = texts::default_language(conn, workspace.id)?;
        let language = negotiate(&requested, Lang::all(), default);
        let shown = texts::for_visitor(conn, &settings, default, language)?;
        Ok((workspace, settings, language, shown))
    })
    .await?;
    let public = state.settings.public_url.clone();
    let websocket_origin = format!(
        "{}://{}",
        if public.scheme() == "https" { "wss" } else { "ws" },
        public.host_str().map(|host| public.port().map_or(host.to_string(), |port| format!("{host}:{port}"))).unwrap_or_default()
    );
    // Attachments' signed links name the public origin, which is the frame's own unless a proxy
    // serves the frame under another name.
    let public_origin = state.settings.public_origin();
    // The preview is framed by the dashboard alone.
    let ancestors = if preview { "frame-ancestors 'self'".to_string() } else { settings.frame_ancestors() };
    let policy = format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: {public_origin}; connect-src 'self' {websocket_origin}; \
         base-uri 'none'; form-action 'none'; {ancestors}"
    );
    let page = FramePage {
        workspace_name: workspace.name,
        settings: settings.public(),
        site_key,
        preview,
        css_version: &FRAME_CSS.version,
        more_css_version: &FRAME_MORE_CSS.version,
        js_version: &FRAME_JS.version,
        upload_version: &localized(&UPLOAD_JS, language).version,
        conversations_version: &localized(&CONVERSATIONS_JS, language).version,
        upload_max_bytes: state.settings.upload_max_bytes,
        tr: Tr(language),
        texts: ScriptJson::new(&frame_texts(Tr(language), preview)),
        shown,
    };
    let html = page.render().map_err(|error| AppError::internal(anyhow::Error::new(error)))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, policy))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(html))
}
