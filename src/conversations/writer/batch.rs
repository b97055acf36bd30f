//! The one way messages are stored: a batch of sends (one, or as many as the writer took)
//! becomes a fixed number of statements, whatever mix of new conversations, replies and
//! retries it holds. A single send is a batch of one.
//!
//! Tenant rule: each send is looked up, counted, locked and written under its own
//! `WorkspaceId`; a conversation of another workspace (or, for a visitor, of another contact)
//! is not found.

use std::collections::{HashMap, HashSet};

use diesel::{prelude::*, result::DatabaseErrorKind};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{
    NewMessage, Stored, VisitorLimits,
    statements::{self, LockedUpload, Rows, Touched, VisitorCounts},
};
use crate::{
    conversations::{Audience, Author, ConversationStatus, Message},
    db::{ContactId, ConversationId, MessageId, UploadId, UserId, WorkspaceId},
    error::AppError,
    files::{Attachment, Links},
};

type Outcome = Result<Stored, AppError>;

/// A stored batch: each send's answer, in order, and the workspaces that its statements saw
/// without any enabled webhook endpoint, whose events need not be offered to any.
pub(super) struct StoredBatch {
    pub outcomes: Vec<Outcome>,
    pub without_webhooks: HashSet<WorkspaceId>,
}

/// Stores `sends` in the caller's transaction and answers each in order. An error here is a
/// failed statement, which leaves the transaction unusable; a refused send (not found, over a
/// limit) is its own answer and stores nothing.
pub(super) fn store(conn: &mut PgConnection, sends: &[&NewMessage], limits: VisitorLimits, links: &Links) -> QueryResult<StoredBatch> {
    let taken = statements::taken_client_ids(conn, sends)?;
    let mut batch = Batch {
        sends,
        results: sends.iter().map(|_| None).collect(),
        rows: Rows::default(),
        now: now_in_microseconds(),
        uploads: HashMap::new(),
        links,
        without_webhooks: HashSet::new(),
    };
    let mut first_send: HashMap<(WorkspaceId, Uuid), usize> = HashMap::new();
    let (mut repeats, mut starts, mut appends) = (Vec::new(), Vec::new(), Vec::new());
    for (index, new) in sends.iter().enumerate() {
        let key = (new.workspace_id, new.client_id);
        if let Some(&earlier) = first_send.get(&key) {
            // The same send twice in one batch: the second is a retry of the first.
            repeats.push((index, earlier));
            continue;
        }
        first_send.insert(key, index);
        if taken.contains(&key) {
            batch.results[index] = Some(find_previous(conn, new, links).and_then(|p| p.ok_or_else(client_id_vanished)));
            continue;
        }
        match (new.conversation_id, &new.author) {
            (Some(conversation_id), _) => appends.push((index, conversation_id)),
            (None, Author::Visitor { contact_id, .. }) => starts.push((index, *contact_id)),
            (None, Author::Agent { .. }) => batch.results[index] = Some(Err(AppError::bad_request("conversation_id is required."))),
        }
    }
    batch.lock_uploads(conn, &mut starts, &mut appends)?;
    batch.start_conversations(conn, &starts, limits)?;
    batch.append(conn, &appends)?;
    batch.rows.write(conn, batch.now)?;
    for (index, earlier) in repeats {
        batch.results[index] = Some(match &batch.results[earlier] {
            Some(Ok(first)) => Ok(Stored { duplicate: true, new_conversation: false, reopened: false, assignee_id: None, ..first.clone() }),
            _ => find_previous(conn, sends[index], links).and_then(|p| p.ok_or(AppError::NotFound)),
        });
    }
    let outcomes = batch
        .results
        .into_iter()
        .map(|result| result.unwrap_or_else(|| Err(AppError::internal(anyhow::anyhow!("message left unstored")))))
        .collect();
    Ok(StoredBatch { outcomes, without_webhooks: batch.without_webhooks })
}

/// Stores one send as a batch of one in its own savepoint: how a batch whose statements
/// failed together is replayed, so that one bad send cannot fail the others.
pub(super) fn store_alone(conn: &mut PgConnection, new: &NewMessage, limits: VisitorLimits, links: &Links) -> Outcome {
    let stored = conn.transaction::<_, StoreError, _>(|conn| {
        let outcome = store(conn, &[new], limits, links)?
            .outcomes
            .pop()
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("no answer for a send")))?;
        Ok(outcome?)
    });
    match stored {
        Ok(stored) => Ok(stored),
        // The same client id committed by another writer first: its result is ours.
        Err(StoreError::ClientIdTaken) => find_previous(conn, new, links)?.ok_or_else(client_id_vanished),
        Err(StoreError::App(error)) => Err(error),
    }
}

enum StoreError {
    /// Another transaction stored the same client id first: read its result instead.
    ClientIdTaken,
    App(AppError),
}

impl From<diesel::result::Error> for StoreError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::DatabaseError(DatabaseErrorKind::UniqueViolation, ref info)
                if info.constraint_name() == Some("messages_workspace_id_client_id_key") =>
            {
                Self::ClientIdTaken
            }
            other => Self::App(other.into()),
        }
    }
}

impl From<AppError> for StoreError {
    fn from(error: AppError) -> Self {
        Self::App(error)
    }
}

fn client_id_vanished() -> AppError {
    AppError::internal(anyhow::anyhow!("client id vanished"))
}

/// The earlier result of `client_id`, if this author already sent it.
fn find_previous(conn: &mut PgConnection, new: &NewMessage, links: &Links) -> Result<Option<Stored>, AppError> {
    use crate::db::schema::messages;
    let existing: Option<(ConversationId, i64)> = messages::table
        .filter(messages::workspace_id.eq(new.workspace_id))
        .filter(messages::client_id.eq(new.client_id))
        .select((messages::conversation_id, messages::seq))
        .first(conn)
        .optional()?;
    let Some((conversation_id, seq)) = existing else { return Ok(None) };
    let audience = match &new.author {
        Author::Visitor { contact_id, .. } => Audience::Visitor(*contact_id),
        Author::Agent { .. } => Audience::Agents,
    };
    let found = crate::conversations::messages_after(conn, new.workspace_id, audience, conversation_id, seq - 1, Some(seq), 1)?;
    match found.into_iter().next() {
        Some(mut message) if message.author_kind == new.author.kind() && message.author_id == Some(new.author.id()) => {
            links.sign_messages([&mut message]);
            Ok(Some(Stored { message, duplicate: true, new_conversation: false, reopened: false, assignee_id: None }))
        }
        // The id belongs to someone else's message: tell nothing about it.
        _ => Err(AppError::bad_request("This client_id is already used by another message; send with a new one.")),
    }
}

/// The current time as Postgres will keep it (microseconds): the ack of a retry, read back,
/// must equal the first one.
fn now_in_microseconds() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000).unwrap_or(now)
}

/// A batch on its way to the statement that stores it.
struct Batch<'a> {
    sends: &'a [&'a NewMessage],
    results: Vec<Option<Outcome>>,
    rows: Rows<'a>,
    now: OffsetDateTime,
    /// The free uploads the batch's sends attach, locked until the commit.
    uploads: HashMap<UploadId, LockedUpload>,
    links: &'a Links,
    /// Workspaces of locked conversations that have no enabled webhook endpoint.
    without_webhooks: HashSet<WorkspaceId>,
}

impl<'a> Batch<'a> {
    /// Adds a message to the rows to write and answers its send.
    /// `flags`: whether the message started its conversation, whether it reopened it, and the
    /// conversation's assignee.
    fn stored(
        &mut self,
        index: usize,
        conversation_id: ConversationId,
        contact_id: ContactId,
        seq: i64,
        flags: (bool, bool, Option<UserId>),
    ) {
        let new = self.sends[index];
        let (id, private) = (MessageId::new(), new.private && matches!(new.author, Author::Agent { .. }));
        self.rows.message(id, new, conversation_id, seq, private);
        let mut attachments = Vec::with_capacity(new.attachments.len());
        for (position, upload_id) in new.attachments.iter().enumerate() {
            if let Some(upload) = self.uploads.get(upload_id) {
                self.rows.claim(upload.id, upload.workspace_id, (id, conversation_id, contact_id), position as i16);
                attachments.push(Attachment {
                    id: upload.id,
                    name: upload.name.clone(),
                    content_type: upload.content_type.clone(),
                    size: upload.size,
                    width: upload.width,
                    height: upload.height,
                    url: String::new(),
                    thumbnail_url: None,
                    has_thumbnail: upload.has_thumbnail,
                });
            }
        }
        let mut message = Message {
            id,
            workspace_id: new.workspace_id,
            conversation_id,
            contact_id,
            seq,
            client_id: new.client_id,
            author_kind: new.author.kind(),
            author_id: Some(new.author.id()),
            author_name: new.author.name(),
            author_avatar_url: None,
            author_avatar: new.author.avatar(),
            body: new.body.clone(),
            private,
            created_at: self.now,
            attachment_count: attachments.len() as i16,
            attachments,
        };
        self.links.sign_messages([&mut message]);
        let (new_conversation, reopened, assignee_id) = flags;
        self.results[index] = Some(Ok(Stored { message, duplicate: false, new_conversation, reopened, assignee_id }));
    }

    /// Locks the uploads the sends attach and refuses each send whose files are not all its
    /// author's free uploads of its workspace (or that names one twice, or one an earlier send
    /// of the batch took). A refused send leaves `starts` or `appends` before anything counts it.
    fn lock_uploads(
        &mut self,
        conn: &mut PgConnection,
        starts: &mut Vec<(usize, ContactId)>,
        appends: &mut Vec<(usize, ConversationId)>,
    ) -> QueryResult<()> {
        let attaching: Vec<usize> =
            starts.iter().map(|s| s.0).chain(appends.iter().map(|a| a.0)).filter(|&i| !self.sends[i].attachments.is_empty()).collect();
        if attaching.is_empty() {
            return Ok(());
        }
        let sends = self.sends;
        let mut keys: Vec<(UploadId, WorkspaceId)> =
            attaching.iter().flat_map(|&i| sends[i].attachments.iter().map(move |u| (*u, sends[i].workspace_id))).collect();
        keys.sort_unstable();
        keys.dedup();
        self.uploads = statements::lock_uploads(conn, &keys)?.into_iter().map(|u| (u.id, u)).collect();
        let mut taken: std::collections::HashSet<UploadId> = std::collections::HashSet::new();
        let mut refused = std::collections::HashSet::new();
        let mut ordered = attaching;
        ordered.sort_unstable();
        for index in ordered {
            let new = self.sends[index];
            let (kind, author) = (new.author.kind().as_str(), new.author.id());
            let mut own = std::collections::HashSet::new();
            let usable = new.attachments.iter().all(|id| {
                self.uploads.get(id).is_some_and(|u| {
                    u.workspace_id == new.workspace_id && u.uploader_kind == kind && u.uploader_id == author && !taken.contains(id)
                }) && own.insert(*id)
            });
            if usable {
                taken.extend(new.attachments.iter().copied());
            } else {
                refused.insert(index);
                self.results[index] = Some(Err(AppError::Unprocessable(
                    "An attached file was not found or was already sent: upload it again, then send.".into(),
                )));
            }
        }
        starts.retain(|s| !refused.contains(&s.0));
        appends.retain(|a| !refused.contains(&a.0));
        Ok(())
    }

    /// First messages: each visitor's limits are checked under the lock of its contact, in
    /// this transaction, counting the conversations this batch starts before it.
    fn start_conversations(&mut self, conn: &mut PgConnection, starts: &[(usize, ContactId)], limits: VisitorLimits) -> QueryResult<()> {
        if starts.is_empty() {
            return Ok(());
        }
        let mut keys: Vec<(ContactId, WorkspaceId)> =
            starts.iter().map(|&(index, contact)| (contact, self.sends[index].workspace_id)).collect();
        keys.sort_unstable();
        keys.dedup();
        let mut counts: HashMap<(ContactId, WorkspaceId), VisitorCounts> =
            statements::lock_and_count_visitors(conn, &keys)?.into_iter().map(|c| ((c.id, c.workspace_id), c)).collect();
        for &(index, contact_id) in starts {
            let workspace_id = self.sends[index].workspace_id;
            if let Err(error) = check_visitor_limits(counts.get_mut(&(contact_id, workspace_id)), limits) {
                self.results[index] = Some(Err(error));
                continue;
            }
            let conversation_id = ConversationId::new();
            self.rows.start(conversation_id, workspace_id, contact_id);
            self.stored(index, conversation_id, contact_id, 1, (true, false, None));
        }
        Ok(())
    }

    /// Messages into existing conversations, numbered from their locked rows.
    fn append(&mut self, conn: &mut PgConnection, appends: &[(usize, ConversationId)]) -> QueryResult<()> {
        if appends.is_empty() {
            return Ok(());
        }
        let mut keys: Vec<(ConversationId, WorkspaceId)> =
            appends.iter().map(|&(index, id)| (id, self.sends[index].workspace_id)).collect();
        keys.sort_unstable();
        keys.dedup();
        let mut conversations: HashMap<(ConversationId, WorkspaceId), Appending> = statements::lock_conversations(conn, &keys)?
            .into_iter()
            .map(|c| {
                if !c.has_webhooks {
                    self.without_webhooks.insert(c.workspace_id);
                }
                let numbering = Touched {
                    id: c.id,
                    workspace_id: c.workspace_id,
                    last_seq: c.last_seq,
                    status: c.status,
                    agent_read: 0,
                    visitor_read: 0,
                    replier: None,
                };
                let appending =
                    Appending { numbering, contact_id: c.contact_id, contact_blocked: c.contact_blocked, assignee_id: c.assignee_id };
                ((c.id, c.workspace_id), appending)
            })
            .collect();
        let mut touched_order = Vec::new();
        for &(index, conversation_id) in appends {
            let new = self.sends[index];
            // A visitor may write only into its own conversations; anyone only within the workspace.
            let entitled = conversations.get_mut(&(conversation_id, new.workspace_id)).filter(|locked| match &new.author {
                Author::Visitor { contact_id, .. } => locked.contact_id == *contact_id,
                Author::Agent { .. } => true,
            });
            let Some(Appending { numbering, contact_id, contact_blocked, assignee_id }) = entitled else {
                self.results[index] = Some(Err(AppError::NotFound));
                continue;
            };
            // A blocked contact can no longer read the chat, nor write into it through a socket
            // opened before the block took effect; an internal note is for the team alone.
            if *contact_blocked && !(new.private && matches!(new.author, Author::Agent { .. })) {
                self.results[index] = Some(Err(AppError::Forbidden(blocked_refusal(&new.author).into())));
                continue;
            }
            let is_visitor = matches!(new.author, Author::Visitor { .. });
            // A visitor writing into a conversation reopens it here, in the batch's one
            // statement, rather than through `actions`: that would cost a transaction per
            // message on the hot path. Its webhook event is recorded with the message's.
            let reopened = is_visitor && numbering.status != ConversationStatus::Open;
            if reopened {
                numbering.status = ConversationStatus::Open;
            }
            numbering.last_seq += 1;
            if is_visitor {
                numbering.visitor_read = numbering.last_seq;
            } else {
                numbering.agent_read = numbering.last_seq;
                if !new.private && numbering.replier.is_none() {
                    numbering.replier = Some(UserId(new.author.id()));
                }
            }
            let (seq, contact_id, assignee_id) = (numbering.last_seq, *contact_id, *assignee_id);
            touched_order.push((conversation_id, new.workspace_id));
            self.stored(index, conversation_id, contact_id, seq, (false, reopened, assignee_id));
        }
        for key in touched_order {
            if let Some(appending) = conversations.remove(&key) {
                self.rows.touch(appending.numbering);
            }
        }
        Ok(())
    }
}

/// A conversation of the batch as locked: its numbering, updated message by message, and what
/// decides who may write into it and what its frames say.
struct Appending {
    numbering: Touched,
    contact_id: ContactId,
    contact_blocked: bool,
    assignee_id: Option<UserId>,
}

/// Why a public message into a blocked contact's conversation is refused, in the words its
/// author needs.
fn blocked_refusal(author: &Author) -> &'static str {
    match author {
        Author::Visitor { .. } => crate::conversations::contacts::BLOCKED_MESSAGE,
        Author::Agent { .. } => crate::conversations::contacts::REPLY_TO_BLOCKED,
    }
}

/// Refuses a visitor's new conversation past their caps, and counts it when it passes. `None`:
/// the contact does not exist in the workspace.
fn check_visitor_limits(counts: Option<&mut VisitorCounts>, limits: VisitorLimits) -> Result<(), AppError> {
    let Some(counts) = counts else { return Err(AppError::NotFound) };
    if counts.open >= i64::from(limits.open_conversations) {
        return Err(AppError::LimitReached(format!(
            "You have {} open conversations, the most one visitor may have: continue one of them instead.",
            counts.open
        )));
    }
    if counts.started_today >= i64::from(limits.new_conversations_per_day) {
        return Err(AppError::LimitReached(format!(
            "You started {} conversations in the last 24 hours, the most one visitor may: continue one of them instead.",
            counts.started_today
        )));
    }
    counts.open += 1;
    counts.started_today += 1;
    Ok(())
}
