//! The account page's avatar form: uploading a picture (`POST /app/account/avatar`, a plain
//! multipart form, so it works without JavaScript) and removing it
//! (`POST /app/account/avatar/remove`). A refused picture shows its reason next to the field and
//! changes nothing. What happens to the picture is [`crate::avatars`]'s business.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, http::header, web};
use futures_util::{StreamExt, TryStreamExt};

use super::{ProfileErrors, Refused, page};
use crate::{
    auth::{CsrfForm, CsrfToken, CurrentUser, EmptyForm, csrf},
    avatars::{self, Crop, NotSaved},
    error::AppError,
    state::AppState,
    web::see_other,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/account/avatar", web::post().to(upload)).route("/app/account/avatar/remove", web::post().to(remove));
}

/// A picture past the limit is still read (and dropped) up to this size, so that the browser
/// gets the page that says why; a larger request is cut off with a bare 413.
const READ_AT_MOST: u64 = 64 * 1024 * 1024;
/// The form's other fields are a token and three numbers.
const FIELD_MAX_BYTES: usize = 256;

/// What the avatar form sent.
#[derive(Default)]
struct AvatarForm {
    csrf_token: Option<String>,
    /// The picture's bytes, unless it was empty or past [`avatars::MAX_BYTES`].
    file: Option<Vec<u8>>,
    too_large: bool,
    crop_x: String,
    crop_y: String,
    crop_size: String,
}

/// `POST /app/account/avatar`: `csrf_token`, `file` and, when the page's script let the person
/// choose the square, `crop_x`, `crop_y` and `crop_size` in pixels of the picture.
async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    csrf_token: CsrfToken,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > READ_AT_MOST) {
        return Err(AppError::TooLarge(avatars::too_large_message()));
    }
    let form = read_form(payload).await?;
    // Nothing the form carries is looked at before its token is checked.
    csrf::verify(&req, form.csrf_token.as_deref())?;
    let refuse = |message: String| {
        let errors = ProfileErrors { avatar: Some(message), ..Default::default() };
        page(state.clone(), current.clone(), csrf_token.clone(), None, Some(Refused::Avatar), errors)
    };
    if form.too_large {
        return refuse(avatars::too_large_message()).await;
    }
    let Some(bytes) = form.file else {
        return refuse("Choose a picture to upload.".into()).await;
    };
    let crop = match crop(&form.crop_x, &form.crop_y, &form.crop_size) {
        Ok(crop) => crop,
        Err(message) => return refuse(message).await,
    };
    match avatars::replace(&state, current.user.id, bytes, crop).await {
        Ok(_) => Ok(see_other("/app/account?notice=avatar_saved")),
        Err(NotSaved::Refused(message)) => refuse(message).await,
        Err(NotSaved::Failed(error)) => Err(error),
    }
}

/// The chosen square: none when the fields are empty (no script), the centred square then.
fn crop(x: &str, y: &str, side: &str) -> Result<Option<Crop>, String> {
    let fields = [x.trim(), y.trim(), side.trim()];
    if fields.iter().all(|f| f.is_empty()) {
        return Ok(None);
    }
    match fields.map(|f| f.parse::<u32>().ok()) {
        [Some(x), Some(y), Some(side)] => Ok(Some(Crop { x, y, side })),
        _ => Err("The chosen square could not be read. Choose the picture again.".into()),
    }
}

async fn read_form(mut payload: Multipart) -> Result<AvatarForm, AppError> {
    let unreadable = |_| AppError::bad_request("The form could not be read: send it as multipart/form-data.");
    let mut form = AvatarForm::default();
    let mut read_in_all: u64 = 0;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(unreadable)?;
        let name = field.content_disposition().and_then(|d| d.get_name()).unwrap_or_default().to_string();
        let is_file = name == "file";
        let limit = if is_file { avatars::MAX_BYTES as usize } else { FIELD_MAX_BYTES };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.try_next().await.map_err(unreadable)? {
            read_in_all += chunk.len() as u64;
            if read_in_all > READ_AT_MOST {
                return Err(AppError::TooLarge(avatars::too_large_message()));
            }
            if is_file && form.too_large {
                continue;
            }
            if bytes.len() + chunk.len() > limit {
                if !is_file {
                    return Err(AppError::bad_request(format!("The form's field {name:?} is too long.")));
                }
                form.too_large = true;
                bytes = Vec::new();
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        let text =
            |bytes: Vec<u8>| String::from_utf8(bytes).map_err(|_| AppError::bad_request(format!("The form's field {name:?} is not text.")));
        match name.as_str() {
            "file" => form.file = Some(bytes).filter(|b| !b.is_empty()),
            csrf::FIELD => form.csrf_token = Some(text(bytes)?),
            "crop_x" => form.crop_x = text(bytes)?,
            "crop_y" => form.crop_y = text(bytes)?,
            "crop_size" => form.crop_size = text(bytes)?,
            _ => {}
        }
    }
    Ok(form)
}

/// `POST /app/account/avatar/remove`: back to initials.
async fn remove(state: web::Data<AppState>, current: CurrentUser, CsrfForm(_): CsrfForm<EmptyForm>) -> Result<HttpResponse, AppError> {
    avatars::remove(&state, current.user.id).await?;
    Ok(see_other("/app/account?notice=avatar_removed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_square_is_all_three_numbers_or_none() {
        assert_eq!(crop("", " ", ""), Ok(None));
        assert_eq!(crop("10", "20", "300"), Ok(Some(Crop { x: 10, y: 20, side: 300 })));
        assert!(crop("10", "", "300").is_err());
        assert!(crop("-1", "0", "30").is_err());
        assert!(crop("1.5", "0", "30").is_err());
    }
}
