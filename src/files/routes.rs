//! The HTTP side of files: uploads from visitors (`POST /api/widget/v1/uploads`, the visitor
//! token as a bearer), agents (`POST /app/{workspace}/uploads`, CSRF in `X-CSRF-Token`) and the
//! REST API (`POST /api/v1/uploads`, registered with the API in [`crate::api::uploads`]), and
//! serving an attachment from a signed link (`GET /files/{workspace}/{upload}/{variant}`).
//!
//! A file is read whole into memory, at most `UPLOAD_MAX_BYTES`: a larger one is refused as
//! soon as it passes the limit, and nothing is stored. Files are served from the Parlor origin,
//! `private` to the browser's cache, with `nosniff` and a `sandbox` CSP; only PNG, JPEG, GIF
//! and WebP images are shown inline, everything else is a download.

use actix_multipart::Multipart;
use actix_web::{
    HttpRequest, HttpResponse,
    http::header::{self, ContentDisposition, DispositionParam, DispositionType},
    web,
};
use futures_util::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    Storage, inspect,
    links::Variant,
    uploads::{self, NewUpload, Uploader},
};
use crate::{
    auth::{Member, csrf::CsrfHeader},
    db::{self, UploadId, WorkspaceId},
    error::AppError,
    state::AppState,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/uploads", web::post().to(agent_upload))
        .route("/files/{workspace}/{upload}/{variant}", web::get().to(serve));
}

/// A stored upload: name its `upload_id` in a message's `attachments` (a socket `send` frame,
/// or the REST API's message) within a day.
#[derive(Serialize, Debug, utoipa::ToSchema)]
pub struct UploadReply {
    #[schema(value_type = Uuid)]
    pub upload_id: UploadId,
    /// The file name, without any folder.
    pub name: String,
    /// Sniffed from the bytes.
    pub content_type: String,
    /// In bytes.
    pub size: i64,
    /// Images only, in pixels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<i32>,
}

/// `POST /app/{workspace}/uploads`: an agent's file, for a reply or an internal note.
async fn agent_upload(
    state: web::Data<AppState>,
    member: Member,
    _csrf: CsrfHeader,
    req: HttpRequest,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let uploader = Uploader::Agent(member.current.user.id);
    receive(&state, member.workspace_id(), uploader, &req, payload).await
}

/// `POST /api/widget/v1/uploads`: a visitor's file, with `Authorization: Bearer vt_...`; at most
/// 20 a minute per visitor.
pub async fn visitor_upload(state: web::Data<AppState>, req: HttpRequest, payload: Multipart) -> Result<HttpResponse, AppError> {
    let token = crate::auth::api_keys::bearer_secret(&req)
        .ok_or_else(|| AppError::bad_request("Send the visitor token as Authorization: Bearer vt_..."))?;
    let visitor = crate::widget::api::authorize_visitor(&req, &state, &token).await?;
    state.limiters.uploads_per_visitor.check(&visitor.contact.id.to_string())?;
    receive(&state, visitor.contact.workspace_id, Uploader::Visitor(visitor.contact.id), &req, payload).await
}

/// Reads, checks, inspects and stores one uploaded file; answers 201 with its upload id.
pub async fn receive(
    state: &AppState,
    workspace_id: WorkspaceId,
    uploader: Uploader,
    req: &HttpRequest,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let max = state.settings.upload_max_bytes;
    let too_large = || AppError::TooLarge(format!("This file is larger than {}.", super::human_size(max as i64)));
    // A declared length well past the limit is refused before a byte is read. (The form's own
    // fields and boundaries take a little room besides the file.)
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > max + 64 * 1024) {
        return Err(too_large());
    }
    let (name, bytes) = read_file(payload, max)
        .await?
        .ok_or_else(|| AppError::bad_request("Send one file as multipart/form-data, in a field named \"file\"."))?;
    if bytes.len() as u64 > max {
        return Err(too_large());
    }
    if bytes.is_empty() {
        return Err(AppError::bad_request("This file is empty."));
    }
    Ok(HttpResponse::Created().json(store(state, workspace_id, uploader, name, bytes).await?))
}

/// Stores a file of `uploader` (already within the size limit, not empty) as an upload waiting
/// for its message: the room the plan leaves checked, its type sniffed, an image's thumbnail
/// made. The request handlers and the email attachments of [`crate::email::inbound`] come here.
pub async fn store(
    state: &AppState,
    workspace_id: WorkspaceId,
    uploader: Uploader,
    name: String,
    bytes: Vec<u8>,
) -> Result<UploadReply, AppError> {
    let size = bytes.len() as i64;
    let stripe = state.settings.stripe.clone();
    db::run(&state.pool, move |conn| uploads::ensure_room(conn, stripe.as_ref(), workspace_id, size)).await.map_err(|error| {
        match (error, uploader) {
            // The plan is the team's business: a visitor is told what they can do instead.
            (AppError::PaymentRequired(_), Uploader::Visitor(_)) => {
                AppError::PaymentRequired("This chat cannot take more files right now. Describe it in a message instead.".into())
            }
            (error, _) => error,
        }
    })?;
    let (bytes, inspected) = web::block(move || {
        let inspected = inspect::inspect(&bytes);
        (bytes, inspected)
    })
    .await
    .map_err(AppError::internal)?;
    let id = UploadId::new();
    let storage_key = Storage::key(workspace_id, id);
    let (width, height, thumbnail) = match inspected.image {
        Some(image) => (i32::try_from(image.width).ok(), i32::try_from(image.height).ok(), image.thumbnail),
        None => (None, None, None),
    };
    let storage = &state.files.storage;
    storage.put(&storage_key, bytes).await?;
    let thumbnail_key = match thumbnail {
        Some(thumbnail) => {
            let key = Storage::thumbnail_key(workspace_id, id, thumbnail.content_type);
            storage.put(&key, thumbnail.bytes).await?;
            Some(key)
        }
        None => None,
    };
    let upload = NewUpload {
        id,
        workspace_id,
        uploader,
        name,
        content_type: inspected.content_type,
        size,
        width,
        height,
        storage_key: storage_key.clone(),
        thumbnail_key: thumbnail_key.clone(),
    };
    let reply = UploadReply { upload_id: id, name: upload.name.clone(), content_type: upload.content_type.clone(), size, width, height };
    if let Err(error) = db::run(&state.pool, move |conn| uploads::insert(conn, &upload)).await {
        // Nothing refers to the objects yet: remove them now rather than leave them behind.
        for key in std::iter::once(storage_key).chain(thumbnail_key) {
            let _ = storage.delete(&key).await;
        }
        return Err(error);
    }
    Ok(reply)
}

/// The form's one part, named `file`: its name and bytes, read up to one byte past `max` so
/// that the caller can tell a file that is too large. Any other part is refused.
async fn read_file(mut payload: Multipart, max: u64) -> Result<Option<(String, Vec<u8>)>, AppError> {
    let unreadable = |error: actix_multipart::MultipartError| {
        AppError::BadRequest(format!("The upload could not be read: {error}. Send it as multipart/form-data with a field named \"file\"."))
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(unreadable)?;
        let disposition = field.content_disposition().cloned();
        let field_name = disposition.as_ref().and_then(|d| d.get_name()).unwrap_or_default().to_string();
        if field_name != "file" || file.is_some() {
            // The form holds one file and nothing else, as the API's document says.
            let shown: String = field_name.chars().filter(|c| !c.is_control()).take(64).collect();
            return Err(AppError::BadRequest(format!("Send one file alone, in a field named \"file\"; this form also has {shown:?}.")));
        }
        let name = clean_name(disposition.as_ref().and_then(|d| d.get_filename()).unwrap_or("file"));
        let mut bytes = Vec::new();
        while let Some(chunk) = field.try_next().await.map_err(unreadable)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > max {
                // Too large: answered at once, without reading the rest.
                return Ok(Some((name, bytes)));
            }
        }
        file = Some((name, bytes));
    }
    Ok(file)
}

/// A file name fit to keep and show: its last path segment, without control characters, at
/// most 255 characters (keeping the extension), and never empty.
pub fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        return "file".into();
    }
    if cleaned.chars().count() <= 255 {
        return cleaned.to_string();
    }
    let extension: String = match cleaned.rsplit_once('.') {
        Some((_, ext)) if ext.chars().count() <= 16 => format!(".{ext}"),
        _ => String::new(),
    };
    let keep = 255 - extension.chars().count();
    cleaned.chars().take(keep).collect::<String>() + &extension
}

#[derive(Deserialize)]
struct LinkQuery {
    expires: i64,
    signature: String,
}

/// `GET /files/{workspace}/{upload}/{variant}?expires=…&signature=…`: an attachment, from a
/// link Parlor signed. A tampered or expired link answers 403, an attachment that is gone 404.
async fn serve(
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid, String)>,
    query: Result<web::Query<LinkQuery>, actix_web::Error>,
) -> Result<HttpResponse, AppError> {
    let refused =
        || AppError::Forbidden("This link to a file has expired or is not valid. Open the conversation again for a fresh one.".into());
    let (workspace, upload, variant) = path.into_inner();
    let variant = Variant::parse(&variant).ok_or(AppError::NotFound)?;
    let query = query.map_err(|_| refused())?;
    let upload = UploadId(upload);
    // The signature covers the workspace in the path, and the row is looked up in that
    // workspace only: a link opens that one workspace's file or nothing.
    if !state.files.links.verify(workspace, upload, variant, query.expires, &query.signature, time::OffsetDateTime::now_utc()) {
        return Err(refused());
    }
    let stored = db::run(&state.pool, move |conn| uploads::find_attached(conn, workspace, upload)).await?.ok_or(AppError::NotFound)?;
    let (key, content_type) = match variant {
        Variant::File => (stored.storage_key, stored.content_type),
        Variant::Thumbnail => {
            let key = stored.thumbnail_key.ok_or(AppError::NotFound)?;
            let kind = if key.ends_with(".png") { "image/png" } else { "image/jpeg" };
            (key, kind.to_string())
        }
    };
    let download = state.files.storage.get(&key).await?;
    let inline = inspect::shown_inline(&content_type);
    let disposition = ContentDisposition {
        disposition: if inline { DispositionType::Inline } else { DispositionType::Attachment },
        parameters: vec![
            DispositionParam::Filename(ascii_fallback(&stored.name)),
            DispositionParam::FilenameExt(header::ExtendedValue {
                charset: header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: stored.name.into_bytes(),
            }),
        ],
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header(disposition)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(actix_web::body::SizedStream::new(
            download.size,
            download.body.map_err(|error| actix_web::error::ErrorInternalServerError(error.to_string())),
        )))
}

/// The name for clients that do not read `filename*`: ASCII only.
fn ascii_fallback(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_folders_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\ana\\invoice.pdf"), "invoice.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("report\u{0}\n.pdf"), "report.pdf");
        assert_eq!(clean_name("  "), "file");
        assert_eq!(clean_name(".."), "file");
        let long = format!("{}.png", "a".repeat(400));
        let kept = clean_name(&long);
        assert_eq!(kept.chars().count(), 255);
        assert!(kept.ends_with(".png"));
        assert_eq!(ascii_fallback("résumé \"final\".pdf"), "r_sum_ _final_.pdf");
    }
}
