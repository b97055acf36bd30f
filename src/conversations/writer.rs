//! Storing messages: sequence numbers, idempotent retries, and group commit.
//!
//! Each message takes `last_seq + 1` of its conversation in the transaction that stores it, and
//! a unique `(workspace_id, client_id)` turns a retry into the first result. Under load the
//! writer threads commit many messages per transaction (each in its own savepoint), so
//! throughput follows Postgres' durable commit rate instead of one fsync per message. With no
//! load a batch is one message and adds no wait.

use std::sync::Arc;

use diesel::{prelude::*, result::DatabaseErrorKind};
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::{Author, Message};
use crate::{
    db::{
        ContactId, ConversationId, DbPool, MessageId, WorkspaceId,
        schema::{conversations, messages},
    },
    error::AppError,
};

/// At most this many messages share one commit.
const BATCH_MAX: usize = 256;
/// Sends waiting for one writer; past this the server answers "busy" rather than queueing forever.
const QUEUE_CAPACITY: usize = 20_000;

/// A message to store, already validated and authorised for its workspace.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub workspace_id: WorkspaceId,
    pub author: Author,
    /// `None` starts a new conversation (visitors only).
    pub conversation_id: Option<ConversationId>,
    pub client_id: Uuid,
    pub body: String,
    pub private: bool,
}

/// The outcome of a send.
#[derive(Clone, Debug)]
pub struct Stored {
    pub message: Message,
    /// A retry of an earlier send: nothing new was stored and nothing is fanned out.
    pub duplicate: bool,
    pub new_conversation: bool,
    /// A visitor's message reopened a resolved, snoozed or pending conversation.
    pub reopened: bool,
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

/// The earlier result of `client_id`, if this author already sent it.
fn find_previous(conn: &mut PgConnection, new: &NewMessage) -> Result<Option<Stored>, AppError> {
    let existing: Option<(ConversationId, i64)> = messages::table
        .filter(messages::workspace_id.eq(new.workspace_id))
        .filter(messages::client_id.eq(new.client_id))
        .select((messages::conversation_id, messages::seq))
        .first(conn)
        .optional()?;
    let Some((conversation_id, seq)) = existing else { return Ok(None) };
    let audience = match &new.author {
        Author::Visitor { contact_id, .. } => super::Audience::Visitor(*contact_id),
        Author::Agent { .. } => super::Audience::Agents,
    };
    let found = super::messages_after(conn, new.workspace_id, audience, conversation_id, seq - 1, Some(seq), 1)?;
    match found.into_iter().next() {
        Some(message) if message.author_kind == new.author.kind() && message.author_id == Some(new.author.id()) => {
            Ok(Some(Stored { message, duplicate: true, new_conversation: false, reopened: false }))
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

/// Stores a new message. A retry is caught by the unique client id (not looked up first, to
/// keep the common path at three statements).
fn store_one(conn: &mut PgConnection, new: &NewMessage) -> Result<Stored, StoreError> {
    let now = now_in_microseconds();
    let (conversation_id, contact_id, seq, new_conversation, reopened) = match (new.conversation_id, &new.author) {
        (None, Author::Visitor { contact_id, .. }) => {
            let id = ConversationId::new();
            diesel::insert_into(conversations::table)
                .values((
                    conversations::id.eq(id),
                    conversations::workspace_id.eq(new.workspace_id),
                    conversations::contact_id.eq(contact_id),
                    conversations::last_seq.eq(1_i64),
                    conversations::last_message_at.eq(now),
                ))
                .execute(conn)?;
            (id, *contact_id, 1, true, false)
        }
        (None, Author::Agent { .. }) => return Err(AppError::bad_request("conversation_id is required.").into()),
        (Some(id), author) => {
            let target = conversations::table.filter(conversations::workspace_id.eq(new.workspace_id)).filter(conversations::id.eq(id));
            let is_visitor = matches!(author, Author::Visitor { .. });
            let previous_status: Option<String> = match author {
                Author::Visitor { contact_id, .. } => target
                    .filter(conversations::contact_id.eq(contact_id))
                    .select(conversations::status)
                    .for_update()
                    .first(conn)
                    .optional()?,
                Author::Agent { .. } => target.select(conversations::status).for_update().first(conn).optional()?,
            };
            let Some(previous_status) = previous_status else { return Err(AppError::NotFound.into()) };
            let reopened = is_visitor && previous_status != "open";
            let status = if reopened { "open".to_string() } else { previous_status };
            let (seq, contact_id) = diesel::update(target)
                .set((
                    conversations::last_seq.eq(conversations::last_seq + 1),
                    conversations::last_message_at.eq(now),
                    conversations::updated_at.eq(now),
                    conversations::status.eq(status),
                ))
                .returning((conversations::last_seq, conversations::contact_id))
                .get_result(conn)?;
            (id, contact_id, seq, false, reopened)
        }
    };
    let id = MessageId::new();
    let private = new.private && matches!(new.author, Author::Agent { .. });
    diesel::insert_into(messages::table)
        .values((
            messages::id.eq(id),
            messages::workspace_id.eq(new.workspace_id),
            messages::conversation_id.eq(conversation_id),
            messages::seq.eq(seq),
            messages::client_id.eq(new.client_id),
            messages::author_kind.eq(new.author.kind().as_str()),
            messages::author_id.eq(Some(new.author.id())),
            messages::body.eq(&new.body),
            messages::private.eq(private),
            messages::created_at.eq(now),
        ))
        .execute(conn)?;
    let message = new.stored_as(id, conversation_id, contact_id, seq, private, now);
    Ok(Stored { message, duplicate: false, new_conversation, reopened })
}

impl NewMessage {
    /// The message as it was just stored under these values.
    fn stored_as(
        &self,
        id: MessageId,
        conversation_id: ConversationId,
        contact_id: ContactId,
        seq: i64,
        private: bool,
        now: OffsetDateTime,
    ) -> Message {
        Message {
            id,
            workspace_id: self.workspace_id,
            conversation_id,
            contact_id,
            seq,
            client_id: self.client_id,
            author_kind: self.author.kind(),
            author_id: Some(self.author.id()),
            author_name: self.author.name(),
            body: self.body.clone(),
            private,
            created_at: now,
        }
    }
}

/// Stores one message in its own savepoint of the batch transaction.
fn store_in_savepoint(conn: &mut PgConnection, new: &NewMessage) -> Result<Stored, AppError> {
    match conn.transaction(|conn| store_one(conn, new)) {
        Ok(stored) => Ok(stored),
        // The same client id committed by another writer first: its result is ours.
        Err(StoreError::ClientIdTaken) => {
            find_previous(conn, new)?.ok_or_else(|| AppError::internal(anyhow::anyhow!("client id vanished")))
        }
        Err(StoreError::App(error)) => Err(error),
    }
}

#[derive(diesel::QueryableByName)]
struct Bumped {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    seq: i64,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    contact_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    old_status: String,
}

/// Bumps the conversation's seq and stores the message in one statement (one round trip),
/// prepared once per connection ([`prepare_statements`]) so that its plan is reused.
/// No row: the conversation is not there for this author.
const APPEND_PREPARE: &str = "\
PREPARE parlor_append(uuid, uuid, uuid, timestamptz, bool, uuid, uuid, text, uuid, text, bool) AS
WITH old AS (
    SELECT id, status FROM conversations
    WHERE id = $1 AND workspace_id = $2 AND ($3::uuid IS NULL OR contact_id = $3)
    FOR UPDATE
), bumped AS (
    UPDATE conversations c
    SET last_seq = c.last_seq + 1, last_message_at = $4, updated_at = $4,
        status = CASE WHEN $5 THEN 'open' ELSE c.status END
    FROM old WHERE c.id = old.id
    RETURNING c.last_seq, c.contact_id, old.status AS old_status
), inserted AS (
    INSERT INTO messages (id, workspace_id, conversation_id, seq, client_id, author_kind, author_id, body, private, created_at)
    SELECT $6, $2, $1, bumped.last_seq, $7, $8, $9, $10, $11, $4 FROM bumped
)
SELECT last_seq AS seq, contact_id, old_status FROM bumped";

/// The common case in one plain UPDATE: an agent's message, or a visitor's into a conversation
/// that is already open, changes no status, so the previous status needs no extra row lock.
/// No row: not found, or a visitor's message that reopens (then `parlor_append` runs).
const APPEND_UNCHANGED_PREPARE: &str = "\
PREPARE parlor_append_unchanged(uuid, uuid, uuid, timestamptz, bool, uuid, uuid, text, uuid, text, bool) AS
WITH bumped AS (
    UPDATE conversations
    SET last_seq = last_seq + 1, last_message_at = $4, updated_at = $4
    WHERE id = $1 AND workspace_id = $2 AND ($3::uuid IS NULL OR contact_id = $3) AND (NOT $5 OR status = 'open')
    RETURNING last_seq, contact_id, status AS old_status
), inserted AS (
    INSERT INTO messages (id, workspace_id, conversation_id, seq, client_id, author_kind, author_id, body, private, created_at)
    SELECT $6, $2, $1, bumped.last_seq, $7, $8, $9, $10, $11, $4 FROM bumped
)
SELECT last_seq AS seq, contact_id, old_status FROM bumped";

const APPEND_UNCHANGED_EXECUTE: &str = "EXECUTE parlor_append_unchanged($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
const APPEND_EXECUTE: &str = "EXECUTE parlor_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Prepares the writer's statements on a new pooled connection.
pub fn prepare_statements(conn: &mut PgConnection) -> diesel::QueryResult<()> {
    use diesel::connection::SimpleConnection;
    conn.batch_execute(APPEND_PREPARE)?;
    conn.batch_execute(APPEND_UNCHANGED_PREPARE)
}

/// The common path of a batch: duplicates found with one query for the whole batch, then one
/// statement per message and no savepoints. Any SQL error aborts the batch, which the caller
/// then replays message by message with savepoints.
fn store_batch_fast(conn: &mut PgConnection, batch: &[Job]) -> Result<Vec<Result<Stored, AppError>>, diesel::result::Error> {
    use diesel::sql_types::{Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid};
    let client_ids: Vec<Uuid> = batch.iter().map(|job| job.new.client_id).collect();
    let workspace_ids: Vec<WorkspaceId> = batch.iter().map(|job| job.new.workspace_id).collect();
    // Both columns, so that the unique (workspace_id, client_id) index answers.
    let taken: std::collections::HashSet<(WorkspaceId, Uuid)> = messages::table
        .filter(messages::workspace_id.eq_any(&workspace_ids))
        .filter(messages::client_id.eq_any(&client_ids))
        .select((messages::workspace_id, messages::client_id))
        .load::<(WorkspaceId, Uuid)>(conn)?
        .into_iter()
        .collect();
    let mut results: Vec<Result<Stored, AppError>> = Vec::with_capacity(batch.len());
    let mut stored_now: std::collections::HashMap<(WorkspaceId, Uuid), usize> = std::collections::HashMap::new();
    for job in batch {
        let new = &job.new;
        if let Some(&earlier) = stored_now.get(&(new.workspace_id, new.client_id)) {
            // The same send twice in one batch: the second is a retry of the first.
            results.push(match &results[earlier] {
                Ok(first) => Ok(Stored { duplicate: true, new_conversation: false, reopened: false, ..first.clone() }),
                Err(_) => find_previous(conn, new).and_then(|p| p.ok_or(AppError::NotFound)),
            });
            continue;
        }
        if taken.contains(&(new.workspace_id, new.client_id)) {
            results.push(find_previous(conn, new).and_then(|p| p.ok_or_else(|| AppError::internal(anyhow::anyhow!("client id vanished")))));
            continue;
        }
        let now = now_in_microseconds();
        let result = match (new.conversation_id, &new.author) {
            (Some(conversation_id), author) => {
                let is_visitor = matches!(author, Author::Visitor { .. });
                let contact_filter = match author {
                    Author::Visitor { contact_id, .. } => Some(contact_id.0),
                    Author::Agent { .. } => None,
                };
                let id = MessageId::new();
                let private = new.private && !is_visitor;
                let mut append = |statement: &str| {
                    diesel::sql_query(statement)
                        .bind::<SqlUuid, _>(conversation_id.0)
                        .bind::<SqlUuid, _>(new.workspace_id.0)
                        .bind::<Nullable<SqlUuid>, _>(contact_filter)
                        .bind::<Timestamptz, _>(now)
                        .bind::<Bool, _>(is_visitor)
                        .bind::<SqlUuid, _>(id.0)
                        .bind::<SqlUuid, _>(new.client_id)
                        .bind::<Text, _>(new.author.kind().as_str())
                        .bind::<Nullable<SqlUuid>, _>(Some(new.author.id()))
                        .bind::<Text, _>(&new.body)
                        .bind::<Bool, _>(private)
                        .get_result::<Bumped>(conn)
                        .optional()
                };
                let bumped = match append(APPEND_UNCHANGED_EXECUTE)? {
                    Some(bumped) => Some(bumped),
                    None => append(APPEND_EXECUTE)?,
                };
                match bumped {
                    None => Err(AppError::NotFound),
                    Some(bumped) => Ok(Stored {
                        message: new.stored_as(id, conversation_id, ContactId(bumped.contact_id), bumped.seq, private, now),
                        duplicate: false,
                        new_conversation: false,
                        reopened: is_visitor && bumped.old_status != "open",
                    }),
                }
            }
            // A new conversation is rarer: the general path, inside this transaction.
            (None, _) => match store_one(conn, new) {
                Ok(stored) => Ok(stored),
                Err(StoreError::App(error)) => Err(error),
                Err(StoreError::ClientIdTaken) => return Err(diesel::result::Error::RollbackTransaction),
            },
        };
        if result.is_ok() {
            stored_now.insert((new.workspace_id, new.client_id), results.len());
        }
        results.push(result);
    }
    Ok(results)
}

struct Job {
    new: NewMessage,
    reply: oneshot::Sender<Result<Stored, AppError>>,
}

/// Called on the writer thread with every message of a committed batch that was stored now
/// (not retries), before the senders get their acks.
pub type OnCommit = Arc<dyn Fn(&[Stored]) + Send + Sync>;

/// The queues in front of the writer threads. A conversation always goes to the same writer,
/// so its messages keep the order they were sent in and writers never wait on each other.
#[derive(Clone)]
pub struct MessageWriter {
    queues: Arc<Vec<mpsc::Sender<Job>>>,
}

impl MessageWriter {
    /// Starts `threads` writer threads on `pool`.
    pub fn start(pool: DbPool, threads: usize, on_commit: OnCommit) -> Self {
        let mut queues = Vec::new();
        for n in 0..threads.max(1) {
            let (queue, receiver) = mpsc::channel::<Job>(QUEUE_CAPACITY);
            let (pool, on_commit) = (pool.clone(), on_commit.clone());
            let spawned =
                std::thread::Builder::new().name(format!("parlor-writer-{n}")).spawn(move || writer_loop(&pool, receiver, &on_commit));
            match spawned {
                Ok(_) => queues.push(queue),
                Err(error) => tracing::error!(%error, "cannot start a message writer thread"),
            }
        }
        Self { queues: Arc::new(queues) }
    }

    /// Queues a message now (so that sends keep their order) and returns its future ack,
    /// which resolves once the message is committed, or was committed by an earlier try.
    pub fn enqueue(&self, new: NewMessage) -> Result<oneshot::Receiver<Result<Stored, AppError>>, AppError> {
        let shard_key = match (new.conversation_id, &new.author) {
            (Some(conversation), _) => conversation.0.as_u128(),
            (None, Author::Visitor { contact_id, .. }) => contact_id.0.as_u128(),
            (None, Author::Agent { user_id, .. }) => user_id.0.as_u128(),
        };
        let queue = self
            .queues
            .get((shard_key % self.queues.len().max(1) as u128) as usize)
            .ok_or_else(|| AppError::Unavailable(anyhow::anyhow!("no message writer")))?;
        let (reply, answer) = oneshot::channel();
        queue.try_send(Job { new, reply }).map_err(|_| AppError::Unavailable(anyhow::anyhow!("message queue full")))?;
        Ok(answer)
    }

    /// Stores a message and waits for the commit.
    pub async fn send(&self, new: NewMessage) -> Result<Stored, AppError> {
        self.enqueue(new)?.await.map_err(|_| AppError::Unavailable(anyhow::anyhow!("message writer stopped")))?
    }
}

/// Takes whatever is queued (up to [`BATCH_MAX`]) and commits it in one transaction.
fn writer_loop(pool: &DbPool, mut receiver: mpsc::Receiver<Job>, on_commit: &OnCommit) {
    while let Some(first) = receiver.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH_MAX {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let span = tracing::debug_span!("message_batch", size = batch.len());
        let _entered = span.enter();
        let outcome = pool.get().map_err(AppError::from).and_then(|mut conn| {
            match conn.transaction(|conn| store_batch_fast(conn, &batch)) {
                Ok(results) => Ok(results),
                // A race on a client id (or any statement error): the slow path isolates each
                // message in a savepoint, so one bad message cannot fail the others.
                Err(error) => {
                    tracing::debug!(%error, "batch fast path failed; storing message by message");
                    conn.transaction(|conn| {
                        Ok::<_, AppError>(batch.iter().map(|job| store_in_savepoint(conn, &job.new)).collect::<Vec<_>>())
                    })
                }
            }
        });
        match outcome {
            Ok(results) => {
                let fresh: Vec<Stored> = results.iter().filter_map(|r| r.as_ref().ok()).filter(|s| !s.duplicate).cloned().collect();
                if !fresh.is_empty() {
                    on_commit(&fresh);
                }
                for (job, result) in batch.into_iter().zip(results) {
                    let _ = job.reply.send(result);
                }
            }
            Err(error) => {
                tracing::error!(error = ?error, "message batch not committed");
                for job in batch {
                    let _ =
                        job.reply.send(Err(AppError::Unavailable(anyhow::anyhow!("message not stored; retry with the same client_id"))));
                }
            }
        }
    }
}
