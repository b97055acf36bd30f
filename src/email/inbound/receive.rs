//! One email arriving, whatever brought it (the SMTP listener or a provider's webhook), from
//! its raw MIME to a visitor's message in a conversation:
//!
//! 1. at most [`MAX_MESSAGE_BYTES`], parsed with `mail-parser`;
//! 2. mail no person wrote is dropped ([`super::automatic`]);
//! 3. routed by its recipient at `INBOUND_DOMAIN`: `reply+<token>` answers the conversation the
//!    token names, once the token is verified against that conversation as it is now (a forged,
//!    altered or stale token is dropped and logged); `<slug>` (a workspace's support address)
//!    starts a conversation with the sender as the contact, matched by address;
//! 4. stored once per workspace and `Message-ID` (`email_messages`), and sent through the
//!    message writer under a client id derived from the Message-ID, so that a replayed delivery,
//!    even a concurrent one, adds nothing;
//! 5. the visitor's words only ([`super::strip::reply_text`]), their attachments as uploads, and
//!    the original MIME kept in file storage for agents ("View original email").
//!
//! A dropped email is not an error: the caller answers as for a stored one, so that a
//! provider does not retry it, and nothing is stored.
//!
//! Tenant rule: an email has no credential; its workspace is the one its recipient names (a
//! verified token's conversation, or a support address), and every query filters by it.

use diesel::prelude::*;
use mail_parser::{MessageParser, MimeHeaders};
use sha2::Digest;
use uuid::Uuid;

use super::{auth::AuthResults, automatic::automatic_reason, strip::reply_text};
use crate::{
    conversations::{
        Author, BODY_MAX_CHARS, actions,
        contacts::{find_or_create_by_email, is_blocked},
        writer::NewMessage,
    },
    db::{
        self, ContactId, ConversationId, MessageId, UploadId, WorkspaceId,
        schema::{conversations, email_messages, workspaces},
    },
    email::reply_address::{ReplyAddresses, claimed_conversation, token_of_local_part},
    error::AppError,
    files::{MAX_ATTACHMENTS, uploads::Uploader},
    state::AppState,
};

/// The largest email Parlor takes, in bytes (25 MB), as SMTP's `SIZE` advertises it.
pub const MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;

/// What the transport knows besides the MIME: SMTP's envelope, a provider's verdicts.
#[derive(Clone, Debug, Default)]
pub struct Envelope {
    /// `MAIL FROM`, when the transport had one.
    pub mail_from: Option<String>,
    /// `RCPT TO`; empty when only the headers name the recipients.
    pub recipients: Vec<String>,
    /// Verdicts the provider gave beside the MIME; the headers' are used where these are `None`.
    pub auth: AuthResults,
}

/// What became of an email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A visitor's message in the conversation.
    Stored { conversation_id: ConversationId, message_id: MessageId },
    /// The same Message-ID was stored before in that workspace.
    Duplicate,
    /// Nothing stored, for the reason given (logged).
    Dropped(&'static str),
}

/// Where an email goes.
enum Route {
    Reply { workspace_id: WorkspaceId, conversation_id: ConversationId, contact_id: ContactId },
    New { workspace_id: WorkspaceId },
}

/// Receives one raw email; see the module's description. Errors are Parlor's own failures
/// (the database, storage): the sender should try again.
pub async fn receive(state: &AppState, raw: Vec<u8>, envelope: Envelope) -> Result<Outcome, AppError> {
    let outcome = receive_inner(state, raw, envelope).await;
    match &outcome {
        Ok(Outcome::Dropped(reason)) => tracing::warn!(reason, "inbound email dropped"),
        Ok(Outcome::Duplicate) => tracing::info!("inbound email already stored"),
        Ok(Outcome::Stored { conversation_id, .. }) => tracing::info!(conversation.id = %conversation_id, "inbound email stored"),
        Err(error) => tracing::error!(error = ?error, "inbound email not stored"),
    }
    outcome
}

async fn receive_inner(state: &AppState, raw: Vec<u8>, envelope: Envelope) -> Result<Outcome, AppError> {
    let Some(inbound) = state.settings.inbound.clone() else { return Ok(Outcome::Dropped("two-way email is off")) };
    if raw.len() > MAX_MESSAGE_BYTES {
        return Ok(Outcome::Dropped("larger than 25 MB"));
    }
    let Some(message) = MessageParser::default().parse(&raw) else { return Ok(Outcome::Dropped("not a MIME message")) };
    let header = |name: &str| message.header_raw(name).map(|v| v.trim().to_string());
    let from = message.from().and_then(|a| a.first());
    let from_address = from.and_then(|a| a.address()).map(str::trim).filter(|a| a.contains('@') && a.len() <= 254);
    let return_path = envelope.mail_from.clone().or_else(|| header("Return-Path"));
    if let Some(reason) = automatic_reason(header, return_path.as_deref(), from_address) {
        tracing::info!(reason, "inbound email written by no person");
        return Ok(Outcome::Dropped("automatic mail"));
    }
    let Some(from_address) = from_address.map(str::to_string) else { return Ok(Outcome::Dropped("no sender address")) };
    let from_name = from.and_then(|a| a.name()).map(str::to_string);

    // The recipients at our domain: the envelope's, else the headers'.
    let mut recipients: Vec<String> = envelope.recipients.clone();
    if recipients.is_empty() {
        for list in [message.to(), message.cc()].into_iter().flatten() {
            recipients.extend(list.iter().filter_map(|a| a.address()).map(str::to_string));
        }
        for name in ["Delivered-To", "X-Original-To", "X-Forwarded-To"] {
            if let Some(value) = message.header_raw(name) {
                recipients.push(value.trim().trim_matches(|c| c == '<' || c == '>').to_string());
            }
        }
    }
    let local_parts: Vec<String> = recipients
        .iter()
        .filter_map(|r| {
            let r = r.trim().trim_matches(|c| c == '<' || c == '>');
            let (local, domain) = r.rsplit_once('@')?;
            domain.eq_ignore_ascii_case(&inbound.domain).then(|| local.to_string())
        })
        .collect();
    if local_parts.is_empty() {
        return Ok(Outcome::Dropped("no recipient at the inbound domain"));
    }

    let rfc_id = message
        .message_id()
        .map(|id| id.trim().trim_matches(|c| c == '<' || c == '>').chars().take(998).collect::<String>())
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| format!("sha256-{}@parlor.invalid", hex::encode(sha2::Sha256::digest(&raw))));
    let subject = message.subject().map(|s| s.trim().to_string()).unwrap_or_default();
    let auth = {
        let from_headers = super::auth::from_headers(|name| message.header_raw(name).map(str::to_string));
        AuthResults { spf: envelope.auth.spf.clone().or(from_headers.spf), dkim: envelope.auth.dkim.clone().or(from_headers.dkim) }
    };
    let text = message.body_text(0).map(|t| t.into_owned()).unwrap_or_default();
    let mut body: String = reply_text(&text).chars().take(BODY_MAX_CHARS).collect();
    let max_file = state.settings.upload_max_bytes as usize;
    let files: Vec<(String, Vec<u8>)> = message
        .attachments()
        .filter(|part| !part.contents().is_empty() && part.contents().len() <= max_file)
        .take(MAX_ATTACHMENTS)
        .map(|part| (crate::files::routes::clean_name(part.attachment_name().unwrap_or("attachment")), part.contents().to_vec()))
        .collect();
    if body.is_empty() && files.is_empty() {
        body = if subject.is_empty() { "(empty email)".to_string() } else { subject.chars().take(BODY_MAX_CHARS).collect() };
    }
    drop(message);

    // Routing and the duplicate check.
    let secret = state.settings.secret_bytes().to_vec();
    let (from_lookup, name_lookup, rfc_lookup) = (from_address.clone(), from_name.clone(), rfc_id.clone());
    let routed = db::run(&state.pool, move |conn| {
        let addresses = ReplyAddresses::new(&secret);
        let mut route = None;
        for local in &local_parts {
            if let Some(token) = token_of_local_part(local) {
                let Some(claimed) = claimed_conversation(token) else { continue };
                let found: Option<(WorkspaceId, ContactId)> = conversations::table
                    .filter(conversations::id.eq(claimed))
                    .select((conversations::workspace_id, conversations::contact_id))
                    .first(conn)
                    .optional()?;
                match found {
                    Some((workspace_id, contact_id)) if addresses.verify(token, workspace_id, claimed, contact_id) => {
                        route = Some(Route::Reply { workspace_id, conversation_id: claimed, contact_id });
                        break;
                    }
                    _ => tracing::warn!(conversation.id = %claimed, "inbound email with a token that does not verify"),
                }
            } else {
                let workspace: Option<WorkspaceId> = workspaces::table
                    .filter(workspaces::inbound_slug.eq(local.to_ascii_lowercase()))
                    .select(workspaces::id)
                    .first(conn)
                    .optional()?;
                if let Some(workspace_id) = workspace {
                    route = Some(Route::New { workspace_id });
                    break;
                }
            }
        }
        let Some(route) = route else { return Ok(Err("no conversation or support address matches the recipient")) };
        let workspace_id = match &route {
            Route::Reply { workspace_id, .. } | Route::New { workspace_id } => *workspace_id,
        };
        let seen: bool = diesel::select(diesel::dsl::exists(
            email_messages::table
                .filter(email_messages::workspace_id.eq(workspace_id))
                .filter(email_messages::rfc_message_id.eq(&rfc_lookup)),
        ))
        .get_result(conn)?;
        if seen {
            return Ok(Err("duplicate"));
        }
        let contact_id = match &route {
            Route::Reply { contact_id, .. } => *contact_id,
            Route::New { workspace_id } => find_or_create_by_email(conn, *workspace_id, &from_lookup, name_lookup.as_deref())?,
        };
        if is_blocked(conn, workspace_id, contact_id)? {
            return Ok(Err("the contact is blocked"));
        }
        let contact_name: Option<String> = crate::db::schema::contacts::table
            .filter(crate::db::schema::contacts::workspace_id.eq(workspace_id))
            .filter(crate::db::schema::contacts::id.eq(contact_id))
            .select(crate::db::schema::contacts::name)
            .first(conn)?;
        Ok::<_, AppError>(Ok((route, workspace_id, contact_id, contact_name)))
    })
    .await?;
    let (route, workspace_id, contact_id, contact_name) = match routed {
        Ok(found) => found,
        Err("duplicate") => return Ok(Outcome::Duplicate),
        Err(reason) => return Ok(Outcome::Dropped(reason)),
    };

    // The attachments, as the contact's uploads.
    let mut attachments: Vec<UploadId> = Vec::new();
    for (name, bytes) in files {
        match crate::files::routes::store(state, workspace_id, Uploader::Visitor(contact_id), name, bytes).await {
            Ok(upload) => attachments.push(upload.upload_id),
            Err(error) => tracing::warn!(error = ?error, "an attachment of an inbound email was not kept"),
        }
    }

    let digest = sha2::Sha256::digest([workspace_id.as_uuid().as_bytes().as_slice(), rfc_id.as_bytes()].concat());
    let mut client_bytes = [0u8; 16];
    client_bytes.copy_from_slice(&digest[..16]);
    let client_id = uuid::Builder::from_custom_bytes(client_bytes).into_uuid();
    let conversation_id = match route {
        Route::Reply { conversation_id, .. } => Some(conversation_id),
        Route::New { .. } => None,
    };
    let new = NewMessage {
        workspace_id,
        author: Author::Visitor { contact_id, name: contact_name },
        conversation_id,
        client_id,
        body,
        private: false,
        attachments,
    };
    let stored = match state.realtime.writer.send(new).await {
        Ok(stored) => stored,
        Err(AppError::LimitReached(_)) => return Ok(Outcome::Dropped("the sender has too many open conversations")),
        Err(error) => return Err(error),
    };
    let (conversation_id, message_id) = (stored.message.conversation_id, stored.message.id);

    // The original, for agents; then its record, once.
    let row_id = Uuid::now_v7();
    let key = format!("email/{workspace_id}/{row_id}.eml");
    state.files.storage.put(&key, raw).await?;
    let (row_key, new_conversation) = (key.clone(), stored.new_conversation);
    let inserted = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            if new_conversation {
                actions::mark_started_by_email(conn, workspace_id, conversation_id, &subject)?;
            }
            let inserted = diesel::insert_into(email_messages::table)
                .values((
                    email_messages::id.eq(row_id),
                    email_messages::workspace_id.eq(workspace_id),
                    email_messages::conversation_id.eq(conversation_id),
                    email_messages::message_id.eq(message_id),
                    email_messages::direction.eq("in"),
                    email_messages::rfc_message_id.eq(&rfc_id),
                    email_messages::raw_storage_key.eq(&row_key),
                    email_messages::spf.eq(&auth.spf),
                    email_messages::dkim.eq(&auth.dkim),
                    email_messages::subject.eq(subject.chars().take(actions::EMAIL_SUBJECT_MAX_CHARS).collect::<String>()),
                ))
                .on_conflict_do_nothing()
                .execute(conn)?;
            Ok::<_, AppError>(inserted)
        })
    })
    .await?;
    if inserted == 0 {
        // A concurrent delivery of the same email won: its message is this one (same client id).
        let _ = state.files.storage.delete(&key).await;
        return Ok(Outcome::Duplicate);
    }
    if stored.duplicate {
        return Ok(Outcome::Duplicate);
    }
    Ok(Outcome::Stored { conversation_id, message_id })
}
