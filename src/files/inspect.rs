//! What an uploaded file is, read from its bytes: its content type (never the uploader's word),
//! and for an image its size in pixels and a thumbnail; and the one way Parlor decodes an
//! image, within the limits below ([`decode_image`], also used for avatars). Decoding is CPU
//! work: callers run [`inspect`] and [`decode_image`] on the blocking pool, never on an async
//! worker.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, ImageResult, Limits, metadata::Orientation};

/// The longer side of a thumbnail, in pixels.
pub const THUMBNAIL_MAX_SIDE: u32 = 480;
/// Images larger than this (either side) are not decoded: an attachment is kept as a file
/// without a thumbnail, an avatar is refused. Decoding them would take more memory than one
/// upload should (a small file can unpack into a huge image).
pub const DECODE_MAX_SIDE: u32 = 12_000;
const DECODE_MAX_ALLOC: u64 = 512 * 1024 * 1024;

/// The only types pages show inline; every other file, and always HTML, SVG and XML, is a download.
const INLINE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

pub fn shown_inline(content_type: &str) -> bool {
    INLINE_TYPES.contains(&content_type)
}

/// What the bytes of a file turned out to be.
#[derive(Debug, PartialEq)]
pub struct Inspected {
    pub content_type: String,
    pub image: Option<ImageInfo>,
}

#[derive(Debug, PartialEq)]
pub struct ImageInfo {
    pub width: u32,
    pub height: u32,
    /// A PNG (images with transparency) or JPEG copy, at most [`THUMBNAIL_MAX_SIDE`] on its
    /// longer side; `None` when the image could not be decoded within the limits.
    pub thumbnail: Option<Thumbnail>,
}

#[derive(Debug, PartialEq)]
pub struct Thumbnail {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

/// Sniffs the type from the bytes; text that no magic number names is `text/plain` when it is
/// UTF-8, and anything else `application/octet-stream`.
pub fn sniff(bytes: &[u8]) -> String {
    if let Some(kind) = infer::get(bytes) {
        return kind.mime_type().to_string();
    }
    let head = &bytes[..bytes.len().min(4096)];
    let text = match std::str::from_utf8(head) {
        Ok(text) => Some(text),
        // A multi-byte character cut at the end of the sample is still text.
        Err(error) if error.error_len().is_none() => std::str::from_utf8(&head[..error.valid_up_to()]).ok(),
        Err(_) => None,
    };
    match text {
        Some(text) if !text.contains('\0') => {
            let start = text.trim_start().to_ascii_lowercase();
            if start.starts_with("<!doctype html") || start.starts_with("<html") || start.contains("<script") {
                "text/html".into()
            } else if start.starts_with("<svg") || (start.starts_with("<?xml") && start.contains("<svg")) {
                "image/svg+xml".into()
            } else if start.starts_with("<?xml") {
                "text/xml".into()
            } else {
                "text/plain".into()
            }
        }
        _ => "application/octet-stream".into(),
    }
}

/// Reads a file's type, and an image's size and thumbnail.
pub fn inspect(bytes: &[u8]) -> Inspected {
    let content_type = sniff(bytes);
    let image = if shown_inline(&content_type) { image_info(bytes, &content_type) } else { None };
    Inspected { content_type, image }
}

fn image_info(bytes: &[u8], content_type: &str) -> Option<ImageInfo> {
    let format = ImageFormat::from_mime_type(content_type)?;
    let (width, height) = reader(bytes, format).into_dimensions().ok()?;
    let thumbnail = decode(bytes, format).ok().and_then(|(image, _)| {
        let small = if width.max(height) > THUMBNAIL_MAX_SIDE { image.thumbnail(THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE) } else { image };
        let mut out = Cursor::new(Vec::new());
        if small.color().has_alpha() {
            small.write_to(&mut out, ImageFormat::Png).ok()?;
            Some(Thumbnail { bytes: out.into_inner(), content_type: "image/png" })
        } else {
            small.into_rgb8().write_to(&mut out, ImageFormat::Jpeg).ok()?;
            Some(Thumbnail { bytes: out.into_inner(), content_type: "image/jpeg" })
        }
    });
    Some(ImageInfo { width, height, thumbnail })
}

/// Why bytes could not be decoded as an image.
#[derive(Debug, PartialEq, Eq)]
pub enum Undecodable {
    /// Not a PNG, JPEG, GIF or WebP image, whatever its name says.
    NotAnImage,
    /// Past [`DECODE_MAX_SIDE`] on a side, or more memory than the limit once unpacked.
    TooLarge,
    /// It starts like an image but cannot be read through.
    Corrupt,
}

/// Decodes a PNG, JPEG, GIF (its first frame) or WebP image, its type sniffed from the bytes,
/// within the decoding limits, and turns it upright as its EXIF orientation says (as browsers
/// show it).
pub fn decode_image(bytes: &[u8]) -> Result<DynamicImage, Undecodable> {
    let content_type = sniff(bytes);
    if !shown_inline(&content_type) {
        return Err(Undecodable::NotAnImage);
    }
    let format = ImageFormat::from_mime_type(&content_type).ok_or(Undecodable::NotAnImage)?;
    let refusal = |error: ImageError| match error {
        ImageError::Limits(_) => Undecodable::TooLarge,
        _ => Undecodable::Corrupt,
    };
    let (mut image, orientation) = decode(bytes, format).map_err(refusal)?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(DECODE_MAX_SIDE);
    limits.max_image_height = Some(DECODE_MAX_SIDE);
    limits.max_alloc = Some(DECODE_MAX_ALLOC);
    limits
}

fn reader(bytes: &[u8], format: ImageFormat) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    reader
}

/// The image and the orientation its metadata gives, decoded within the limits: the sides are
/// checked from the header, and the pixel buffer is taken from the memory allowance before it
/// is allocated (as `ImageReader::decode` does, which reads no orientation).
fn decode(bytes: &[u8], format: ImageFormat) -> ImageResult<(DynamicImage, Orientation)> {
    let mut decoder = reader(bytes, format).into_decoder()?;
    let mut allowance = limits();
    allowance.reserve(decoder.total_bytes())?;
    decoder.set_limits(allowance)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    Ok((DynamicImage::from_decoder(decoder)?, orientation))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, ImageFormat::Png).expect("encode");
        out.into_inner()
    }

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(&png(2, 2)), "image/png");
        assert_eq!(sniff(b"%PDF-1.7\n..."), "application/pdf");
        assert_eq!(sniff(b"  <!DOCTYPE html><p>hi"), "text/html");
        assert_eq!(sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "image/svg+xml");
        assert_eq!(sniff(b"<?xml version='1.0'?><a/>"), "text/xml");
        assert_eq!(sniff("plain words, caf\u{e9}".as_bytes()), "text/plain");
        assert_eq!(sniff(&[0xff, 0xfe, 0x00, 0x01, 0x9c]), "application/octet-stream");
        assert!(!shown_inline("image/svg+xml"));
        assert!(!shown_inline("text/html"));
    }

    #[test]
    fn images_get_their_size_and_a_bounded_thumbnail() {
        let info = inspect(&png(1200, 600)).image.expect("an image");
        assert_eq!((info.width, info.height), (1200, 600));
        let thumbnail = info.thumbnail.expect("a thumbnail");
        assert_eq!(thumbnail.content_type, "image/jpeg");
        let small = image::load_from_memory(&thumbnail.bytes).expect("decodes");
        assert_eq!((small.width(), small.height()), (480, 240));
    }

    #[test]
    fn decoding_names_what_is_wrong() {
        assert_eq!(decode_image(b"just some words, named avatar.png").err(), Some(Undecodable::NotAnImage));
        assert_eq!(decode_image(b"<svg xmlns='http://www.w3.org/2000/svg'/>").err(), Some(Undecodable::NotAnImage));
        let mut broken = png(40, 40);
        broken.truncate(60);
        assert_eq!(decode_image(&broken).err(), Some(Undecodable::Corrupt));
        // Refused from the header, never unpacked.
        assert_eq!(decode_image(&png(DECODE_MAX_SIDE + 1, 1)).err(), Some(Undecodable::TooLarge));
        let image = decode_image(&png(30, 20)).expect("decodes");
        assert_eq!((image.width(), image.height()), (30, 20));
    }

    #[test]
    fn a_broken_image_is_still_a_file() {
        let mut bytes = png(40, 40);
        bytes.truncate(60);
        let inspected = inspect(&bytes);
        assert_eq!(inspected.content_type, "image/png");
        assert!(inspected.image.is_none_or(|i| i.thumbnail.is_none()));
    }
}
