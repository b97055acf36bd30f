//! `GET /avatars/{name}` and `GET /avatars/{stem}-64.{ext}`: an avatar, to anyone, cached for a
//! year (the bytes under a name never change). A name that is nobody's avatar now answers 404,
//! whatever storage still holds.

use actix_web::{HttpResponse, http::header, web};
use futures_util::TryStreamExt;

use super::{SMALL_SIDE, in_use, storage_key};
use crate::{db, error::AppError, state::AppState};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/avatars/{file}", web::get().to(serve));
}

/// The avatar a served file belongs to (`{stem}.{ext}`) and its content type, or `None` for a
/// file name Parlor never makes.
fn parse(file: &str) -> Option<(String, &'static str)> {
    let (stem, extension) = file.rsplit_once('.')?;
    let content_type = match extension {
        "png" => "image/png",
        "jpg" => "image/jpeg",
        _ => return None,
    };
    let suffix = format!("-{SMALL_SIDE}");
    let stem = stem.strip_suffix(suffix.as_str()).unwrap_or(stem);
    let valid = stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    valid.then(|| (format!("{stem}.{extension}"), content_type))
}

async fn serve(state: web::Data<AppState>, file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let file = file.into_inner();
    let (name, content_type) = parse(&file).ok_or(AppError::NotFound)?;
    if !db::run(&state.pool, move |conn| in_use(conn, &name)).await? {
        return Err(AppError::NotFound);
    }
    let download = state.files.storage.get(&storage_key(&file)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox"))
        // Shown inside the widget's frame, and free for API clients to show on their own pages.
        .insert_header((header::HeaderName::from_static("cross-origin-resource-policy"), "cross-origin"))
        .body(actix_web::body::SizedStream::new(
            download.size,
            download.body.map_err(|error| actix_web::error::ErrorInternalServerError(error.to_string())),
        )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_parlor_makes_are_served() {
        let stem = "0123456789abcdef0123456789abcdef";
        assert_eq!(parse(&format!("{stem}.png")), Some((format!("{stem}.png"), "image/png")));
        assert_eq!(parse(&format!("{stem}-64.jpg")), Some((format!("{stem}.jpg"), "image/jpeg")));
        assert_eq!(parse(&format!("{stem}.gif")), None);
        assert_eq!(parse(&format!("{}.png", stem.to_uppercase())), None);
        assert_eq!(parse(&format!("{stem}-32.png")), None);
        assert_eq!(parse("../../etc/passwd"), None);
        assert_eq!(parse(&format!("{stem}.png.jpg")), None);
    }
}
