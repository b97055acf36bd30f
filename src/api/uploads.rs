//! `POST /api/v1/uploads`: a file for a message the key's creator will post, sent as
//! `multipart/form-data` with one field named `file`. The answer's `upload_id` goes into the
//! message's `attachments`.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{WriteKey, openapi};
use crate::{conversations::Author, error::AppError, files::uploads::Uploader, state::AppState};

/// An upload: `multipart/form-data` with one field, `file`. (Read by [`crate::files::routes`];
/// this type only describes it.)
// Deserialize only for `deny_unknown_fields`: the document then says the form holds nothing
// but `file`, which is what the handler reads.
#[derive(utoipa::ToSchema, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file, not empty: at most `UPLOAD_MAX_BYTES` (25 MB unless configured). Its type is
    /// read from its bytes, and its name kept without any folder.
    #[schema(value_type = String, format = Binary, min_length = 1)]
    file: Vec<u8>,
}

/// `POST /api/v1/uploads`: stores a file for the key's creator to attach to a message.
#[utoipa::path(post, path = "/api/v1/uploads", tag = "messages",
    request_body(content = UploadForm, content_type = "multipart/form-data"), security(("api_key" = ["write"])),
    responses((status = 201, description = "Stored; name its upload_id in a message's attachments within a day", body = crate::files::routes::UploadReply),
        (status = 400, description = "No file in the form, or an empty one", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 402, description = "The workspace's plan has no storage left", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `write` scope", body = openapi::ErrorBody),
        (status = 413, description = "The file is larger than the limit", body = openapi::ErrorBody)))]
pub(super) async fn upload(
    state: web::Data<AppState>,
    WriteKey(key): WriteKey,
    req: HttpRequest,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let Some(Author::Agent { user_id, .. }) = key.author else { return Err(AppError::SignInRequired) };
    crate::files::routes::receive(&state, key.workspace_id, Uploader::Agent(user_id), &req, payload).await
}
