//! Upload rows: storing one, the storage a workspace uses against its plan, the attachments of
//! messages, a conversation's and a contact's files, the sweep of uploads no message took, and
//! removing the objects of deleted rows from storage.
//!
//! Tenant rule: every query of one workspace's files takes its `WorkspaceId`. The two sweeps
//! (unused uploads, deleted files) run over every workspace, as the job worker's other sweeps do.

use std::collections::HashMap;

use diesel::prelude::*;
use time::OffsetDateTime;

use super::{Attachment, Storage};
use crate::{
    billing::{self, Account},
    config::StripeSettings,
    conversations::{AuthorKind, Message},
    db::{
        ContactId, ConversationId, MessageId, UploadId, UserId, WorkspaceId,
        schema::{file_deletions, uploads},
    },
    error::AppError,
};

/// Storage of the Free plan, and of each paid seat.
pub const FREE_QUOTA_BYTES: i64 = 1024 * 1024 * 1024;
pub const PAID_QUOTA_BYTES_PER_SEAT: i64 = 10 * 1024 * 1024 * 1024;
/// An upload no message took within this time is deleted.
pub const UNUSED_UPLOAD_LIFETIME: time::Duration = time::Duration::days(1);

/// Who uploaded a file: only they may attach it to a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Uploader {
    Visitor(ContactId),
    Agent(UserId),
}

impl Uploader {
    fn kind(self) -> &'static str {
        match self {
            Self::Visitor(_) => AuthorKind::Visitor.as_str(),
            Self::Agent(_) => AuthorKind::Agent.as_str(),
        }
    }

    fn id(self) -> uuid::Uuid {
        match self {
            Self::Visitor(contact) => contact.0,
            Self::Agent(user) => user.0,
        }
    }
}

/// A stored file waiting for its message.
#[derive(Debug)]
pub struct NewUpload {
    pub id: UploadId,
    pub workspace_id: WorkspaceId,
    pub uploader: Uploader,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
}

pub fn insert(conn: &mut PgConnection, upload: &NewUpload) -> Result<(), AppError> {
    let contact_id = match upload.uploader {
        Uploader::Visitor(contact) => Some(contact),
        Uploader::Agent(_) => None,
    };
    diesel::insert_into(uploads::table)
        .values((
            uploads::id.eq(upload.id),
            uploads::workspace_id.eq(upload.workspace_id),
            uploads::uploader_kind.eq(upload.uploader.kind()),
            uploads::uploader_id.eq(upload.uploader.id()),
            uploads::contact_id.eq(contact_id),
            uploads::name.eq(&upload.name),
            uploads::content_type.eq(&upload.content_type),
            uploads::size.eq(upload.size),
            uploads::width.eq(upload.width),
            uploads::height.eq(upload.height),
            uploads::storage_key.eq(&upload.storage_key),
            uploads::thumbnail_key.eq(&upload.thumbnail_key),
        ))
        .execute(conn)?;
    Ok(())
}

/// Bytes of files the workspace keeps (attached or waiting).
pub fn storage_used(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<i64, AppError> {
    let used: Option<i64> = uploads::table
        .filter(uploads::workspace_id.eq(workspace_id))
        .select(diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>("sum(size)::bigint"))
        .first(conn)?;
    Ok(used.unwrap_or(0))
}

/// The storage the workspace's plan gives: Free 1 GB, paid 10 GB a seat; `None` (unlimited)
/// with billing off.
pub fn quota(conn: &mut PgConnection, stripe: Option<&StripeSettings>, workspace_id: WorkspaceId) -> Result<Option<i64>, AppError> {
    if stripe.is_none() {
        return Ok(None);
    }
    let account = Account::load(conn, workspace_id)?;
    Ok(Some(match billing::limits(stripe, &account).seats {
        Some(seats) if account.is_paid() => PAID_QUOTA_BYTES_PER_SEAT * i64::from(seats.max(1)),
        _ => FREE_QUOTA_BYTES,
    }))
}

/// Refuses a file of `size` bytes that would take the workspace past its plan's storage.
pub fn ensure_room(conn: &mut PgConnection, stripe: Option<&StripeSettings>, workspace_id: WorkspaceId, size: i64) -> Result<(), AppError> {
    let Some(quota) = quota(conn, stripe, workspace_id)? else { return Ok(()) };
    let used = storage_used(conn, workspace_id)?;
    if used + size <= quota {
        return Ok(());
    }
    Err(AppError::PaymentRequired(format!(
        "This workspace has used {} of its {} of file storage. An owner can add seats in Billing, or delete old conversations.",
        super::human_size(used),
        super::human_size(quota)
    )))
}

type AttachmentRow = (UploadId, Option<MessageId>, String, String, i64, Option<i32>, Option<i32>, bool);

#[diesel::dsl::auto_type(no_type_alias)]
fn attachment_columns() -> _ {
    (
        uploads::id,
        uploads::message_id,
        uploads::name,
        uploads::content_type,
        uploads::size,
        uploads::width,
        uploads::height,
        uploads::thumbnail_key.is_not_null(),
    )
}

fn attachment((id, _, name, content_type, size, width, height, has_thumbnail): AttachmentRow) -> Attachment {
    Attachment { id, name, content_type, size, width, height, url: String::new(), thumbnail_url: None, has_thumbnail }
}

/// Loads the attachments of `messages` (all of one workspace, as every loader reads them),
/// looking only when some message has any.
pub fn fill_attachments(conn: &mut PgConnection, messages: &mut [Message]) -> Result<(), AppError> {
    let wanted: Vec<MessageId> = messages.iter().filter(|m| m.attachment_count > 0).map(|m| m.id).collect();
    let Some(first) = messages.iter().find(|m| m.attachment_count > 0) else { return Ok(()) };
    let workspace_id = first.workspace_id;
    let rows: Vec<AttachmentRow> = uploads::table
        .filter(uploads::workspace_id.eq(workspace_id))
        .filter(uploads::message_id.eq_any(&wanted))
        .order((uploads::message_id, uploads::position))
        .select(attachment_columns())
        .load(conn)?;
    let mut by_message: HashMap<MessageId, Vec<Attachment>> = HashMap::new();
    for row in rows {
        if let Some(message_id) = row.1 {
            by_message.entry(message_id).or_default().push(attachment(row));
        }
    }
    for message in messages.iter_mut().filter(|m| m.workspace_id == workspace_id) {
        if let Some(attachments) = by_message.remove(&message.id) {
            message.attachments = attachments;
        }
    }
    Ok(())
}

/// A file of a conversation, with when it was sent and whether only agents see it.
#[derive(Clone, Debug)]
pub struct SentFile {
    pub attachment: Attachment,
    pub conversation_id: ConversationId,
    pub private: bool,
    pub sent_at: OffsetDateTime,
}

/// Whose files to list.
#[derive(Clone, Copy, Debug)]
pub enum FilesOf {
    /// A conversation's, for the contact panel (agents' view: internal notes' files too).
    Conversation(ConversationId),
    /// Everything sent in a contact's conversations, for their export.
    Contact(ContactId),
    /// Everything the workspace keeps, for its export.
    Workspace,
}

/// Files sent in messages, oldest first (at most 10,000).
pub fn sent_files(conn: &mut PgConnection, workspace_id: WorkspaceId, of: FilesOf) -> Result<Vec<SentFile>, AppError> {
    use crate::db::schema::messages;
    let mut query = uploads::table
        .inner_join(messages::table.on(messages::id.nullable().eq(uploads::message_id)))
        .filter(uploads::workspace_id.eq(workspace_id))
        .filter(messages::workspace_id.eq(workspace_id))
        .into_boxed();
    query = match of {
        FilesOf::Conversation(id) => query.filter(uploads::conversation_id.eq(id)),
        FilesOf::Contact(id) => query.filter(uploads::contact_id.eq(id)),
        FilesOf::Workspace => query,
    };
    let rows: Vec<(AttachmentRow, Option<ConversationId>, bool, OffsetDateTime)> = query
        .order((messages::created_at.asc(), uploads::position.asc()))
        .limit(10_000)
        .select((attachment_columns(), uploads::conversation_id, messages::private, messages::created_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(row, conversation_id, private, sent_at)| {
            Some(SentFile { attachment: attachment(row), conversation_id: conversation_id?, private, sent_at })
        })
        .collect())
}

/// What the file link needs to serve an attachment.
#[derive(Queryable, Debug)]
pub struct Stored {
    pub name: String,
    pub content_type: String,
    pub storage_key: String,
    pub thumbnail_key: Option<String>,
}

/// An attachment (an upload a message took) of the workspace.
pub fn find_attached(conn: &mut PgConnection, workspace: uuid::Uuid, id: UploadId) -> Result<Option<Stored>, AppError> {
    // The workspace comes from a signed link, checked before this is called; it is compared
    // here, not turned into a `WorkspaceId`.
    Ok(uploads::table
        .filter(uploads::id.eq(id))
        .filter(uploads::message_id.is_not_null())
        .filter(uploads::workspace_id.eq(workspace))
        .select((uploads::name, uploads::content_type, uploads::storage_key, uploads::thumbnail_key))
        .first(conn)
        .optional()?)
}

/// Deletes uploads no message took within [`UNUSED_UPLOAD_LIFETIME`]; their files follow
/// through `file_deletions`. Answers how many.
pub fn delete_unused(conn: &mut PgConnection, now: OffsetDateTime) -> Result<usize, AppError> {
    Ok(diesel::delete(uploads::table.filter(uploads::message_id.is_null()).filter(uploads::created_at.lt(now - UNUSED_UPLOAD_LIFETIME)))
        .execute(conn)?)
}

/// Objects removed from storage per round.
const REMOVALS_PER_ROUND: i64 = 200;

/// Removes from storage the files of deleted uploads (queued by the trigger on `uploads`).
/// Each is claimed for five minutes, so two instances never work on the same one; a failure
/// is retried with backoff (1 min, 2, 4, ... up to a day). Answers how many were removed.
pub async fn remove_deleted_files(pool: &crate::db::DbPool, storage: &Storage) -> Result<usize, AppError> {
    let due: Vec<String> = crate::db::run(pool, |conn| {
        Ok(diesel::sql_query(
            "UPDATE file_deletions SET next_attempt_at = now() + interval '5 minutes' \
             WHERE storage_key IN (SELECT storage_key FROM file_deletions WHERE next_attempt_at <= now() \
             ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) RETURNING storage_key",
        )
        .bind::<diesel::sql_types::BigInt, _>(REMOVALS_PER_ROUND)
        .load::<DueKey>(conn)?
        .into_iter()
        .map(|d| d.storage_key)
        .collect())
    })
    .await?;
    let mut removed = Vec::new();
    let mut failed = Vec::new();
    for key in due {
        match storage.delete(&key).await {
            Ok(()) => removed.push(key),
            Err(error) => {
                tracing::warn!(%key, %error, "could not remove a deleted file from storage; will retry");
                failed.push((key, error.to_string()));
            }
        }
    }
    let count = removed.len();
    crate::db::run(pool, move |conn| {
        diesel::delete(file_deletions::table.filter(file_deletions::storage_key.eq_any(&removed))).execute(conn)?;
        for (key, error) in failed {
            diesel::sql_query(
                "UPDATE file_deletions SET attempts = attempts + 1, last_error = left($2, 500), \
                 next_attempt_at = now() + least(interval '1 minute' * power(2, attempts), interval '1 day') WHERE storage_key = $1",
            )
            .bind::<diesel::sql_types::Text, _>(key)
            .bind::<diesel::sql_types::Text, _>(error)
            .execute(conn)?;
        }
        Ok(())
    })
    .await?;
    Ok(count)
}

#[derive(QueryableByName)]
struct DueKey {
    #[diesel(sql_type = diesel::sql_types::Text)]
    storage_key: String,
}
