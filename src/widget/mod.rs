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

use std::sync::LazyLock;

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use self::settings::{PublicWidgetSettings, WidgetSettings};
use crate::{db, error::AppError, state::AppState, workspaces::Workspace};

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
    use std::io::Write;
    let body = compact(source);
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
pub static FRAME_JS: LazyLock<WidgetAsset> =
    LazyLock::new(|| asset(include_str!("../../widget/frame.js"), "text/javascript; charset=utf-8"));
pub static FRAME_CSS: LazyLock<WidgetAsset> = LazyLock::new(|| asset(include_str!("../../widget/frame.css"), "text/css; charset=utf-8"));
/// Sending files: loaded by the window only when a visitor first attaches one, so that it
/// weighs nothing on the first paint.
pub static UPLOAD_JS: LazyLock<WidgetAsset> =
    LazyLock::new(|| asset(include_str!("../../widget/upload.js"), "text/javascript; charset=utf-8"));
/// The list of a visitor's conversations and "Email me this conversation": loaded when first
/// asked for, after the first paint.
pub static CONVERSATIONS_JS: LazyLock<WidgetAsset> =
    LazyLock::new(|| asset(include_str!("../../widget/conversations.js"), "text/javascript; charset=utf-8"));

pub fn configure(cfg: &mut web::ServiceConfig) {
    api::configure(cfg);
    rating_page::configure(cfg);
    cfg.route("/widget.js", web::get().to(loader))
        .route("/widget/v1/frame", web::get().to(frame))
        .route("/widget/v1/frame.js", web::get().to(|req: HttpRequest| async move { FRAME_JS.respond(&req, IMMUTABLE) }))
        .route("/widget/v1/frame.css", web::get().to(|req: HttpRequest| async move { FRAME_CSS.respond(&req, IMMUTABLE) }))
        .route("/widget/v1/upload.js", web::get().to(|req: HttpRequest| async move { UPLOAD_JS.respond(&req, IMMUTABLE) }))
        .route("/widget/v1/conversations.js", web::get().to(|req: HttpRequest| async move { CONVERSATIONS_JS.respond(&req, IMMUTABLE) }));
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
}

#[derive(Template)]
#[template(path = "widget/frame.html")]
struct FramePage {
    workspace_name: String,
    settings: PublicWidgetSettings,
    site_key: String,
    preview: bool,
    css_version: &'static str,
    js_version: &'static str,
    upload_version: &'static str,
    conversations_version: &'static str,
    /// The largest file a visitor may upload, in bytes, so that the window can say so before
    /// sending it.
    upload_max_bytes: u64,
}

/// `GET /widget/v1/frame?site_key=pk_...`: the chat window, framed by the loader. Its
/// `frame-ancestors` lists the workspace's allowed domains, so another site cannot frame it.
async fn frame(state: web::Data<AppState>, query: web::Query<FrameQuery>) -> Result<HttpResponse, AppError> {
    let FrameQuery { site_key, preview } = query.into_inner();
    if site_key.len() > 64 {
        return Err(AppError::NotFound);
    }
    let lookup_key = site_key.clone();
    let (workspace, settings) = db::run(&state.pool, move |conn| {
        let workspace = Workspace::find_by_site_key(conn, &lookup_key)?.ok_or(AppError::NotFound)?;
        let settings = WidgetSettings::load(conn, workspace.id)?;
        Ok((workspace, settings))
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
        js_version: &FRAME_JS.version,
        upload_version: &UPLOAD_JS.version,
        conversations_version: &CONVERSATIONS_JS.version,
        upload_max_bytes: state.settings.upload_max_bytes,
    };
    let html = page.render().map_err(|error| AppError::internal(anyhow::Error::new(error)))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, policy))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(html))
}
