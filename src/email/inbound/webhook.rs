//! `POST /webhooks/inbound-email`: a mail provider hands Parlor an email it received for
//! `INBOUND_DOMAIN`, as raw MIME, in any of these forms:
//!
//! - the MIME itself, `Content-Type: message/rfc822` (or `text/plain`);
//! - Postmark's inbound JSON with `RawEmail` (the server's "Include raw email content" setting);
//! - Mailgun's forward to `/webhooks/inbound-email/mime` (a URL ending in `mime`): the field `body-mime`
//!   (and `recipient`, the envelope's);
//! - SendGrid Inbound Parse with "POST the raw, full MIME message": the field `email`, with
//!   `envelope`, `SPF` and `dkim`;
//! - an SNS notification of an SES receipt rule (its `Message` holds `content`, base64 or not
//!   as the action's `encoding` says, `receipt.recipients` and the SPF and DKIM verdicts).
//!
//! The secret (`INBOUND_WEBHOOK_SECRET`) comes as the HTTP Basic password (any user name) or as
//! `?secret=`, compared in constant time; without it, or with the setting unset, 401. A body
//! larger than [`BODY_MAX_BYTES`] (25 MB of MIME and the base64 of a JSON form) answers 413, as
//! does MIME larger than 25 MB. An email Parlor drops (written by no person, a forged token, a
//! replay) still answers 200 with what became of it, so that the provider does not retry it.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use base64::Engine;
use futures_util::StreamExt;
use secrecy::ExposeSecret;
use serde_json::{Value, json};

use super::{
    auth::{AuthResults, sendgrid_dkim, verdict},
    receive::{Envelope, MAX_MESSAGE_BYTES, Outcome, receive},
};
use crate::{auth::signing, error::AppError, state::AppState};

/// The largest body taken: 25 MB of MIME, grown by a third as base64 inside JSON, and the
/// form's or notification's other fields.
pub const BODY_MAX_BYTES: usize = MAX_MESSAGE_BYTES / 3 * 4 + 1024 * 1024;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Mailgun sends raw MIME to a URL ending in `mime`.
    cfg.route("/webhooks/inbound-email", web::post().to(inbound_email))
        .route("/webhooks/inbound-email/mime", web::post().to(inbound_email));
}

fn too_large() -> AppError {
    AppError::TooLarge("This email is larger than 25 MB.".into())
}

/// Whether the request carries the secret.
fn authorized(req: &HttpRequest, secret: &str) -> bool {
    let basic = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|pair| pair.split_once(':').map(|(_, password)| password.to_string()));
    let query = url::form_urlencoded::parse(req.query_string().as_bytes()).find(|(k, _)| k == "secret").map(|(_, v)| v.into_owned());
    // Both sides through an HMAC under a key of this purpose: the comparison takes the same time
    // whatever the guess.
    let key = b"parlor inbound webhook";
    let expected = signing::hmac_sha256(key, &[secret.as_bytes()]);
    [basic, query].into_iter().flatten().any(|given| signing::hmac_sha256_matches(key, &[given.as_bytes()], &expected))
}

async fn inbound_email(state: web::Data<AppState>, req: HttpRequest, mut payload: web::Payload) -> Result<HttpResponse, AppError> {
    let secret = state.settings.inbound.as_ref().and_then(|i| i.webhook_secret.as_ref()).map(|s| s.expose_secret().to_string());
    if !secret.as_deref().is_some_and(|secret| authorized(&req, secret)) {
        return Ok(HttpResponse::Unauthorized().insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"parlor inbound email\"")).json(
            json!({ "error": "unauthorized", "message": "Send INBOUND_WEBHOOK_SECRET as the HTTP Basic password or as ?secret=." }),
        ));
    }
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > BODY_MAX_BYTES) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::bad_request(format!("The body could not be read: {e}")))?;
        if body.len() + chunk.len() > BODY_MAX_BYTES {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let (raw, envelope) = if content_type.starts_with("multipart/form-data") {
        from_form(&req, body).await?
    } else if content_type.starts_with("application/json") || body.first() == Some(&b'{') {
        match from_json(&body)? {
            Some(found) => found,
            None => return Ok(HttpResponse::Ok().json(json!({ "status": "ignored", "reason": "not an email" }))),
        }
    } else {
        (body.to_vec(), Envelope::default())
    };
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(too_large());
    }
    if raw.is_empty() {
        return Err(AppError::bad_request("The request holds no email."));
    }
    let outcome = receive(&state, raw, envelope).await?;
    let (status, reason) = match outcome {
        Outcome::Stored { .. } => ("stored", None),
        Outcome::Duplicate => ("duplicate", None),
        Outcome::Dropped(reason) => ("dropped", Some(reason)),
    };
    Ok(HttpResponse::Ok().json(json!({ "status": status, "reason": reason })))
}

/// Postmark's `RawEmail`, or SNS's notification of SES; `None` for SNS's own messages.
fn from_json(body: &[u8]) -> Result<Option<(Vec<u8>, Envelope)>, AppError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| AppError::bad_request(format!("The JSON body is invalid: {e}")))?;
    if let Some(raw) = value.get("RawEmail").and_then(Value::as_str) {
        let recipients = value.get("OriginalRecipient").and_then(Value::as_str).map(|r| vec![r.to_string()]).unwrap_or_default();
        return Ok(Some((raw.as_bytes().to_vec(), Envelope { recipients, ..Envelope::default() })));
    }
    if value.get("Type").and_then(Value::as_str) == Some("SubscriptionConfirmation") {
        // Confirming means fetching a URL the body names: left to the operator, once.
        tracing::warn!(subscribe_url = ?value.get("SubscribeURL"), "SNS asks to confirm the inbound email subscription: open its SubscribeURL once");
        return Ok(None);
    }
    // SNS wraps the SES notification, as a string, in `Message`.
    let inner: Value = match value.get("Message").and_then(Value::as_str) {
        Some(message) => serde_json::from_str(message).map_err(|e| AppError::bad_request(format!("The SNS message is not JSON: {e}")))?,
        None => value.clone(),
    };
    let Some(content) = inner.get("content").and_then(Value::as_str) else {
        return Err(AppError::bad_request("The JSON holds no email: send Postmark's RawEmail, or an SES notification with its content."));
    };
    let receipt = inner.get("receipt");
    let encoding = receipt.and_then(|r| r.pointer("/action/encoding")).and_then(Value::as_str).unwrap_or("");
    let raw = if encoding.eq_ignore_ascii_case("BASE64") || !content.contains(':') {
        let compact: String = content.chars().filter(|c| !c.is_whitespace()).collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map_err(|_| AppError::bad_request("The SES content is neither MIME nor base64."))?
    } else {
        content.as_bytes().to_vec()
    };
    let status = |pointer: &str| receipt.and_then(|r| r.pointer(pointer)).and_then(Value::as_str).and_then(verdict);
    let recipients = receipt
        .and_then(|r| r.get("recipients"))
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let mail_from = inner.pointer("/mail/source").and_then(Value::as_str).map(str::to_string);
    Ok(Some((
        raw,
        Envelope { mail_from, recipients, auth: AuthResults { spf: status("/spfVerdict/status"), dkim: status("/dkimVerdict/status") } },
    )))
}

/// Mailgun's `body-mime` or SendGrid's `email`, with their envelope and verdict fields.
async fn from_form(req: &HttpRequest, body: web::Bytes) -> Result<(Vec<u8>, Envelope), AppError> {
    let stream = futures_util::stream::once(async move { Ok::<_, actix_web::error::PayloadError>(body) });
    let mut form = actix_multipart::Multipart::new(req.headers(), stream);
    let unreadable = |e: actix_multipart::MultipartError| AppError::bad_request(format!("The form could not be read: {e}"));
    let mut raw = None;
    let mut envelope = Envelope::default();
    while let Some(field) = form.next().await {
        let mut field = field.map_err(unreadable)?;
        let name = field.content_disposition().and_then(|d| d.get_name()).unwrap_or_default().to_string();
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            value.extend_from_slice(&chunk.map_err(unreadable)?);
        }
        let text = || String::from_utf8_lossy(&value).into_owned();
        match name.as_str() {
            "body-mime" | "email" => raw = Some(value),
            // Mailgun's envelope recipient.
            "recipient" => envelope.recipients.extend(text().split(',').map(|r| r.trim().to_string())),
            // SendGrid's envelope: {"to": [...], "from": "..."}.
            "envelope" => {
                if let Ok(parsed) = serde_json::from_str::<Value>(&text()) {
                    if let Some(to) = parsed.get("to").and_then(Value::as_array) {
                        envelope.recipients.extend(to.iter().filter_map(Value::as_str).map(str::to_string));
                    }
                    envelope.mail_from = parsed.get("from").and_then(Value::as_str).map(str::to_string);
                }
            }
            "SPF" => envelope.auth.spf = verdict(&text()),
            "dkim" => envelope.auth.dkim = sendgrid_dkim(&text()),
            _ => {}
        }
    }
    let raw =
        raw.ok_or_else(|| AppError::bad_request("The form holds no email: send the raw MIME in body-mime (Mailgun) or email (SendGrid)."))?;
    Ok((raw, envelope))
}
