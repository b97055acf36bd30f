//! People's avatars: a picture each user uploads on the account page, cropped to a square and
//! scaled to 256 and 64 pixels, that teammates see in the console and visitors see in the widget
//! next to the person's replies.
//!
//! - An avatar belongs to the user, not to a workspace: the same picture in every workspace
//!   they belong to. `users.avatar` holds its name, `{32 hex digits}.{png|jpg}`; without one,
//!   pages and the widget show the person's initials.
//! - Its bytes live in the files' storage ([`crate::files::Storage`]) under `avatars/{name}`
//!   (256 × 256) and `avatars/{stem}-64.{ext}` (64 × 64).
//! - Both are served without a session at `/avatars/...` ([`routes`]), because the widget shows
//!   them on customers' websites. A name is random and new at each upload, so the bytes under
//!   one never change and are cached for a year; a replaced or removed avatar answers 404 at
//!   once (the route serves only names that are someone's avatar now), and its objects are
//!   queued for deletion by a trigger in the same transaction, as deleted uploads are.
//!
//! Tenant rule: none to keep. An avatar is public by design; its name is 128 random bits, so it
//! cannot be listed or guessed, and only its owner's session can change it.

pub mod routes;

use std::io::Cursor;

use diesel::prelude::*;
use image::{DynamicImage, ImageFormat, codecs::jpeg::JpegEncoder, imageops::FilterType};

use crate::{
    db::{self, UserId, schema::users},
    error::AppError,
    files::inspect::{self, Undecodable},
    state::AppState,
};

/// The largest picture accepted, in bytes.
pub const MAX_BYTES: u64 = 5 * 1024 * 1024;
/// The side of the stored square, in pixels.
pub const SIDE: u32 = 256;
/// The side of the small copy, which the widget and the console's lists show.
pub const SMALL_SIDE: u32 = 64;
const JPEG_QUALITY: u8 = 85;

/// The square to keep, in pixels of the upright picture; without one, the centred square.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Crop {
    pub x: u32,
    pub y: u32,
    pub side: u32,
}

/// An avatar ready to store: its name and both squares' bytes.
#[derive(Debug)]
pub struct Squares {
    pub name: String,
    pub large: Vec<u8>,
    pub small: Vec<u8>,
}

/// The path the 256-pixel square is served at.
pub fn path(name: &str) -> String {
    format!("/avatars/{name}")
}

/// The path the 64-pixel copy is served at.
pub fn small_path(name: &str) -> String {
    format!("/avatars/{}", small_file(name))
}

/// The absolute URL of the 64-pixel copy, as frames and the API hand it out (`base` is
/// `PUBLIC_URL` without its trailing slash).
pub fn small_url(base: &str, name: &str) -> String {
    format!("{base}{}", small_path(name))
}

fn small_file(name: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}-{SMALL_SIDE}.{extension}"),
        None => name.to_string(),
    }
}

fn storage_key(file: &str) -> String {
    format!("avatars/{file}")
}

/// Reads, crops and scales an uploaded picture. The error is a sentence for the person, shown
/// next to the field. CPU work: run it on the blocking pool.
pub fn make_squares(bytes: &[u8], crop: Option<Crop>) -> Result<Squares, String> {
    if bytes.is_empty() {
        return Err("This file is empty. Choose a picture.".into());
    }
    if bytes.len() as u64 > MAX_BYTES {
        return Err(too_large_message());
    }
    let image = inspect::decode_image(bytes).map_err(|refusal| match refusal {
        Undecodable::NotAnImage => "This file is not a picture Parlor can use: choose a PNG, JPEG, GIF or WebP image.".to_string(),
        Undecodable::TooLarge => format!(
            "This picture has too many pixels to read: use one at most {} pixels on each side.",
            thousands(inspect::DECODE_MAX_SIDE)
        ),
        Undecodable::Corrupt => "This picture is damaged and cannot be read. Save it again, or choose another.".to_string(),
    })?;
    let (width, height) = (image.width(), image.height());
    let crop = match crop {
        Some(crop) => {
            let fits = crop.side > 0
                && crop.x.checked_add(crop.side).is_some_and(|right| right <= width)
                && crop.y.checked_add(crop.side).is_some_and(|bottom| bottom <= height);
            if !fits {
                return Err(format!("The chosen square does not fit in this {width} × {height} picture. Choose it again."));
            }
            crop
        }
        None => centred(width, height),
    };
    let square = image.crop_imm(crop.x, crop.y, crop.side, crop.side);
    let large = scale(&square, SIDE);
    let small = scale(&large, SMALL_SIDE);
    // A picture that is opaque everywhere is stored as JPEG (a fraction of the bytes of a
    // PNG photo); one with see-through parts keeps them as PNG.
    let transparent = large.color().has_alpha() && large.to_rgba8().pixels().any(|pixel| pixel.0[3] < 255);
    let (large, small, extension) =
        if transparent { (encode_png(&large)?, encode_png(&small)?, "png") } else { (encode_jpeg(&large)?, encode_jpeg(&small)?, "jpg") };
    let name = format!("{}.{extension}", hex::encode(rand::random::<[u8; 16]>()));
    Ok(Squares { name, large, small })
}

/// [`MAX_BYTES`] as people read it: "5 MB".
pub fn max_label() -> String {
    format!("{} MB", MAX_BYTES / (1024 * 1024))
}

pub fn too_large_message() -> String {
    format!("This picture is larger than {}. Choose a smaller one.", max_label())
}

/// The largest square in the middle of a `width` × `height` picture.
fn centred(width: u32, height: u32) -> Crop {
    let side = width.min(height);
    Crop { x: (width - side) / 2, y: (height - side) / 2, side }
}

/// A square picture at `side` pixels: averaged down when larger, smoothly scaled up when smaller.
fn scale(square: &DynamicImage, side: u32) -> DynamicImage {
    if square.width() >= side { square.thumbnail_exact(side, side) } else { square.resize_exact(side, side, FilterType::CatmullRom) }
}

fn encode_png(image: &DynamicImage) -> Result<Vec<u8>, String> {
    let mut out = Cursor::new(Vec::new());
    image.to_rgba8().write_to(&mut out, ImageFormat::Png).map_err(|_| unencodable())?;
    Ok(out.into_inner())
}

fn encode_jpeg(image: &DynamicImage) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    image.to_rgb8().write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)).map_err(|_| unencodable())?;
    Ok(out)
}

fn unencodable() -> String {
    "This picture could not be converted. Choose another.".into()
}

/// 12000 as people write it: "12,000".
fn thousands(value: u32) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Why a new avatar was not saved.
#[derive(Debug)]
pub enum NotSaved {
    /// The picture itself: a sentence for the person, shown next to the field.
    Refused(String),
    Failed(AppError),
}

impl From<AppError> for NotSaved {
    fn from(error: AppError) -> Self {
        Self::Failed(error)
    }
}

/// Makes and stores the squares of a picture, then makes them the user's avatar; the one it
/// replaces leaves storage through the deletion queue. A refused picture changes nothing.
pub async fn replace(state: &AppState, user_id: UserId, bytes: Vec<u8>, crop: Option<Crop>) -> Result<String, NotSaved> {
    let squares =
        actix_web::web::block(move || make_squares(&bytes, crop)).await.map_err(AppError::internal)?.map_err(NotSaved::Refused)?;
    let storage = &state.files.storage;
    let keys = [storage_key(&squares.name), storage_key(&small_file(&squares.name))];
    let stored = async {
        storage.put(&keys[0], squares.large).await?;
        storage.put(&keys[1], squares.small).await
    }
    .await;
    let name = squares.name;
    let saved = match stored {
        Ok(()) => {
            let name = name.clone();
            db::run(&state.pool, move |conn| set(conn, user_id, Some(&name))).await
        }
        Err(error) => Err(error),
    };
    if let Err(error) = saved {
        // Nothing refers to the new objects: remove them now rather than leave them behind.
        for key in &keys {
            let _ = storage.delete(key).await;
        }
        return Err(error.into());
    }
    tracing::info!(user.id = %user_id, avatar = %name, "avatar changed");
    Ok(name)
}

/// Takes the user's avatar away: pages and the widget show their initials again.
pub async fn remove(state: &AppState, user_id: UserId) -> Result<(), AppError> {
    db::run(&state.pool, move |conn| set(conn, user_id, None)).await?;
    tracing::info!(user.id = %user_id, "avatar removed");
    Ok(())
}

fn set(conn: &mut PgConnection, user_id: UserId, name: Option<&str>) -> Result<(), AppError> {
    let changed =
        diesel::update(users::table.find(user_id)).set((users::avatar.eq(name), users::updated_at.eq(diesel::dsl::now))).execute(conn)?;
    if changed == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Whether `name` is someone's avatar now.
fn in_use(conn: &mut PgConnection, name: &str) -> Result<bool, AppError> {
    Ok(diesel::select(diesel::dsl::exists(users::table.filter(users::avatar.eq(name)))).get_result(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `width` × `height` picture: red on its left half, blue on its right.
    fn halves(width: u32, height: u32) -> Vec<u8> {
        let image =
            image::RgbImage::from_fn(width, height, |x, _| if x < width / 2 { image::Rgb([220, 0, 0]) } else { image::Rgb([0, 0, 220]) });
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).expect("encode");
        out.into_inner()
    }

    #[test]
    fn the_centred_square_is_the_middle_of_the_longer_side() {
        assert_eq!(centred(400, 200), Crop { x: 100, y: 0, side: 200 });
        assert_eq!(centred(200, 401), Crop { x: 0, y: 100, side: 200 });
        assert_eq!(centred(50, 50), Crop { x: 0, y: 0, side: 50 });
    }

    #[test]
    fn a_picture_becomes_two_squares_with_a_fresh_name() {
        let squares = make_squares(&halves(600, 300), None).expect("squares");
        assert!(squares.name.len() == 36 && squares.name.ends_with(".jpg"), "{}", squares.name);
        let large = image::load_from_memory(&squares.large).expect("decodes");
        let small = image::load_from_memory(&squares.small).expect("decodes");
        assert_eq!((large.width(), large.height(), small.width(), small.height()), (256, 256, 64, 64));
        assert_ne!(make_squares(&halves(600, 300), None).expect("squares").name, squares.name);
    }

    #[test]
    fn tiny_pictures_are_scaled_up_and_transparency_is_kept() {
        let dot = image::RgbaImage::from_fn(10, 10, |x, _| image::Rgba([0, 120, 0, if x < 5 { 0 } else { 255 }]));
        let mut out = Cursor::new(Vec::new());
        dot.write_to(&mut out, ImageFormat::Png).expect("encode");
        let squares = make_squares(&out.into_inner(), None).expect("squares");
        assert!(squares.name.ends_with(".png"));
        let large = image::load_from_memory(&squares.large).expect("decodes").to_rgba8();
        assert_eq!(large.dimensions(), (256, 256));
        assert_eq!(large.get_pixel(10, 128).0[3], 0, "the see-through half stays see-through");
    }

    #[test]
    fn a_square_outside_the_picture_is_refused() {
        let error = make_squares(&halves(300, 200), Some(Crop { x: 150, y: 0, side: 200 })).expect_err("refused");
        assert!(error.contains("does not fit"), "{error}");
        assert!(make_squares(&halves(300, 200), Some(Crop { x: 0, y: 0, side: 0 })).is_err());
        assert!(make_squares(&halves(300, 200), Some(Crop { x: u32::MAX, y: 0, side: 2 })).is_err());
        assert!(make_squares(&halves(300, 200), Some(Crop { x: 100, y: 0, side: 200 })).is_ok());
    }

    #[test]
    fn names_and_paths() {
        assert_eq!(small_file("0123456789abcdef0123456789abcdef.png"), "0123456789abcdef0123456789abcdef-64.png");
        assert_eq!(path("ab.jpg"), "/avatars/ab.jpg");
        assert_eq!(small_url("https://chat.example.com", "ab.jpg"), "https://chat.example.com/avatars/ab-64.jpg");
        assert_eq!(thousands(12_000), "12,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
