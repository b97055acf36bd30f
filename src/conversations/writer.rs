//! Storing messages: sequence numbers, idempotent retries, and group commit.
//!
//! Each message takes `last_seq + 1` of its conversation in the transaction that stores it, and
//! a unique `(workspace_id, client_id)` turns a retry into the first result. Under load the
//! writer threads commit many messages per transaction, stored by one statement over arrays, so
//! a batch costs the same few round trips and one fsync whatever its size. With no load a batch
//! is one message and adds no wait. Should any statement fail, the batch is replayed message by
//! message, each in its own savepoint, so that one bad message cannot fail the others.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use diesel::{prelude::*, result::DatabaseErrorKind};
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use serde_json::json;

use super::{Author, Message};
use crate::webhooks::events::Event;
use crate::{
    db::{
        CachedSql, ContactId, ConversationId, DbPool, MessageId, WorkspaceId,
        schema::{contacts, conversations, messages},
    },
    error::AppError,
};

/// At most this many messages share one commit.
const BATCH_MAX: usize = 256;
/// Sends waiting for one writer; past this the server answers "busy" rather than queueing forever.
const QUEUE_CAPACITY: usize = 20_000;

/// What one visitor may create: past either cap a new conversation is refused with
/// [`AppError::LimitReached`] and nothing is stored.
#[derive(Clone, Copy, Debug)]
pub struct VisitorLimits {
    pub open_conversations: u32,
    pub new_conversations_per_day: u32,
}

impl From<&crate::config::RateLimits> for VisitorLimits {
    fn from(limits: &crate::config::RateLimits) -> Self {
        Self { open_conversations: limits.visitor_open_conversations, new_conversations_per_day: limits.visitor_new_conversations_per_day }
    }
}

#[derive(diesel::QueryableByName)]
struct VisitorCounts {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    open: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    started_today: i64,
}

/// Refuses a visitor's new conversation past their caps. The contact's row is locked first,
/// so that two sends of one visitor on two sockets cannot both pass the count.
fn check_visitor_limits(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    contact_id: ContactId,
    limits: VisitorLimits,
) -> Result<(), StoreError> {
    let locked: Option<ContactId> = contacts::table
        .filter(contacts::id.eq(contact_id))
        .filter(contacts::workspace_id.eq(workspace_id))
        .select(contacts::id)
        .for_update()
        .first(conn)
        .optional()?;
    if locked.is_none() {
        return Err(AppError::NotFound.into());
    }
    let counts: VisitorCounts = CachedSql::new(
        "SELECT count(*) FILTER (WHERE status <> 'resolved') AS open,
                count(*) FILTER (WHERE created_at > now() - interval '1 day') AS started_today
         FROM conversations WHERE contact_id = $1 AND workspace_id = $2",
    )
    .bind::<diesel::sql_types::Uuid, _>(contact_id.0)
    .bind::<diesel::sql_types::Uuid, _>(workspace_id.0)
    .get_result(conn)?;
    if counts.open >= i64::from(limits.open_conversations) {
        return Err(AppError::LimitReached(format!(
            "You have {} open conversations, the most one visitor may have: continue one of them instead.",
            counts.open
        ))
        .into());
    }
    if counts.started_today >= i64::from(limits.new_conversations_per_day) {
        return Err(AppError::LimitReached(format!(
            "You started {} conversations in the last 24 hours, the most one visitor may: continue one of them instead.",
            counts.started_today
        ))
        .into());
    }
    Ok(())
}

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

/// Stores one message with plain statements: a new conversation's first message, or any
/// message when a batch is replayed one by one. A retry is caught by the unique client id.
fn store_one(conn: &mut PgConnection, new: &NewMessage, limits: VisitorLimits) -> Result<Stored, StoreError> {
    let now = now_in_microseconds();
    let (conversation_id, contact_id, seq, new_conversation, reopened) = match (new.conversation_id, &new.author) {
        (None, Author::Visitor { contact_id, .. }) => {
            check_visitor_limits(conn, new.workspace_id, *contact_id, limits)?;
            let id = ConversationId::new();
            diesel::insert_into(conversations::table)
                .values((
                    conversations::id.eq(id),
                    conversations::workspace_id.eq(new.workspace_id),
                    conversations::contact_id.eq(contact_id),
                    conversations::last_seq.eq(1_i64),
                    conversations::visitor_read_seq.eq(1_i64),
                    conversations::last_message_at.eq(now),
                ))
                .execute(conn)?;
            (id, *contact_id, 1, true, false)
        }
        (None, Author::Agent { .. }) => return Err(AppError::bad_request("conversation_id is required.").into()),
        (Some(id), author) => {
            let target = conversations::table.filter(conversations::workspace_id.eq(new.workspace_id)).filter(conversations::id.eq(id));
            let is_visitor = matches!(author, Author::Visitor { .. });
            let previous_status: Option<super::ConversationStatus> = match author {
                Author::Visitor { contact_id, .. } => target
                    .filter(conversations::contact_id.eq(contact_id))
                    .select(conversations::status)
                    .for_update()
                    .first(conn)
                    .optional()?,
                Author::Agent { .. } => target.select(conversations::status).for_update().first(conn).optional()?,
            };
            let Some(previous_status) = previous_status else { return Err(AppError::NotFound.into()) };
            let reopened = is_visitor && previous_status != super::ConversationStatus::Open;
            let status = if reopened { super::ConversationStatus::Open } else { previous_status };
            let (seq, contact_id): (i64, ContactId) = diesel::update(target)
                .set((
                    conversations::last_seq.eq(conversations::last_seq + 1),
                    conversations::last_message_at.eq(now),
                    conversations::updated_at.eq(now),
                    conversations::status.eq(status),
                ))
                .returning((conversations::last_seq, conversations::contact_id))
                .get_result(conn)?;
            // The author has read up to their own message.
            if is_visitor {
                diesel::update(conversations::table.find(id)).set(conversations::visitor_read_seq.eq(seq)).execute(conn)?;
            } else {
                diesel::update(conversations::table.find(id)).set(conversations::agent_read_seq.eq(seq)).execute(conn)?;
            }
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
fn store_in_savepoint(conn: &mut PgConnection, new: &NewMessage, limits: VisitorLimits) -> Result<Stored, AppError> {
    match conn.transaction(|conn| store_one(conn, new, limits)) {
        Ok(stored) => Ok(stored),
        // The same client id committed by another writer first: its result is ours.
        Err(StoreError::ClientIdTaken) => {
            find_previous(conn, new)?.ok_or_else(|| AppError::internal(anyhow::anyhow!("client id vanished")))
        }
        Err(StoreError::App(error)) => Err(error),
    }
}

#[derive(diesel::QueryableByName)]
struct Locked {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    workspace_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    contact_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    status: super::ConversationStatus,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    last_seq: i64,
}

/// Locks a batch's conversations and reads what numbering its messages needs. In the order of
/// the ids given (sorted), so that two transactions locking several conversations never wait
/// on each other in a cycle.
///
/// The writer's statements are shaped so that their plans cannot depend on table statistics:
/// a lateral subquery per key (one index probe each, whatever the table's size) rather than a
/// join the planner may turn into a scan of the whole table. A connection keeps a statement's
/// plan for its life, and a plan made while a table was small would otherwise be kept after it
/// grew.
const LOCK_CONVERSATIONS: &str = "\
SELECT c.id, c.workspace_id, c.contact_id, c.status, c.last_seq
FROM unnest($1::uuid[]) WITH ORDINALITY AS k(id, n)
CROSS JOIN LATERAL (
    SELECT id, workspace_id, contact_id, status, last_seq FROM conversations WHERE id = k.id FOR UPDATE
) AS c
ORDER BY k.n";

/// Stores a whole batch in one statement (one round trip, one plan): the conversations take
/// their new `last_seq` and status, the messages are inserted with the seqs numbered from the
/// locked rows. `c.id = ANY` lets the update find its rows through the primary key.
const APPEND_MANY: &str = "\
WITH bumped AS (
    UPDATE conversations c
    SET last_seq = v.last_seq, status = v.status, last_message_at = $1::timestamptz, updated_at = $1::timestamptz,
        agent_read_seq = GREATEST(c.agent_read_seq, v.agent_read),
        visitor_read_seq = GREATEST(c.visitor_read_seq, v.visitor_read)
    FROM unnest($2::uuid[], $3::int8[], $4::text[], $14::int8[], $15::int8[]) AS v(id, last_seq, status, agent_read, visitor_read)
    WHERE c.id = v.id AND c.id = ANY($2::uuid[])
)
INSERT INTO messages (id, workspace_id, conversation_id, seq, client_id, author_kind, author_id, body, private, created_at)
SELECT m.id, m.workspace_id, m.conversation_id, m.seq, m.client_id, m.author_kind, m.author_id, m.body, m.private, $1::timestamptz
FROM unnest($5::uuid[], $6::uuid[], $7::uuid[], $8::int8[], $9::uuid[], $10::text[], $11::uuid[], $12::text[], $13::bool[])
    AS m(id, workspace_id, conversation_id, seq, client_id, author_kind, author_id, body, private)";

/// Finds which (workspace, client id) pairs of a batch are already stored: one probe of the
/// unique index per pair. (Two `= ANY` filters instead let the planner read every message of
/// the workspace through the search index.)
const TAKEN_CLIENT_IDS: &str = "\
SELECT k.workspace_id, k.client_id
FROM unnest($1::uuid[], $2::uuid[]) AS k(workspace_id, client_id)
CROSS JOIN LATERAL (
    SELECT 1 FROM messages m WHERE m.workspace_id = k.workspace_id AND m.client_id = k.client_id LIMIT 1
) AS stored";

#[derive(diesel::QueryableByName)]
struct TakenClientId {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    workspace_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    client_id: Uuid,
}

/// The columns of the messages one batch appends, as arrays for [`APPEND_MANY`].
#[derive(Default)]
struct Appended<'a> {
    ids: Vec<Uuid>,
    workspace_ids: Vec<Uuid>,
    conversation_ids: Vec<Uuid>,
    seqs: Vec<i64>,
    client_ids: Vec<Uuid>,
    author_kinds: Vec<&'static str>,
    author_ids: Vec<Option<Uuid>>,
    bodies: Vec<&'a str>,
    privates: Vec<bool>,
}

/// A conversation of the batch, as locked and then advanced by its messages in the batch.
/// Whoever writes has read what came before: an author's read mark moves to their message.
struct Numbering {
    locked: Locked,
    touched: bool,
    agent_read: i64,
    visitor_read: i64,
}

/// The common path of a batch, in a fixed number of round trips whatever its size: one query
/// finds retried client ids, one locks the conversations, one statement stores every message.
/// Any SQL error aborts the batch, which the caller then replays message by message with
/// savepoints.
fn store_batch_fast(
    conn: &mut PgConnection,
    batch: &[Job],
    limits: VisitorLimits,
) -> Result<Vec<Result<Stored, AppError>>, diesel::result::Error> {
    use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid};
    use std::collections::{HashMap, HashSet};
    let client_ids: Vec<Uuid> = batch.iter().map(|job| job.new.client_id).collect();
    let workspace_ids: Vec<Uuid> = batch.iter().map(|job| job.new.workspace_id.0).collect();
    let taken: HashSet<(WorkspaceId, Uuid)> = CachedSql::new(TAKEN_CLIENT_IDS)
        .bind::<Array<SqlUuid>, _>(&workspace_ids)
        .bind::<Array<SqlUuid>, _>(&client_ids)
        .load::<TakenClientId>(conn)?
        .into_iter()
        .map(|taken| (WorkspaceId(taken.workspace_id), taken.client_id))
        .collect();

    let mut results: Vec<Option<Result<Stored, AppError>>> = batch.iter().map(|_| None).collect();
    let mut first_send: HashMap<(WorkspaceId, Uuid), usize> = HashMap::new();
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    let mut appends: Vec<usize> = Vec::new();
    for (index, job) in batch.iter().enumerate() {
        let new = &job.new;
        let key = (new.workspace_id, new.client_id);
        if let Some(&earlier) = first_send.get(&key) {
            // The same send twice in one batch: the second is a retry of the first.
            repeats.push((index, earlier));
            continue;
        }
        first_send.insert(key, index);
        if taken.contains(&key) {
            results[index] =
                Some(find_previous(conn, new).and_then(|p| p.ok_or_else(|| AppError::internal(anyhow::anyhow!("client id vanished")))));
        } else if new.conversation_id.is_some() {
            appends.push(index);
        } else {
            // A new conversation is rarer: the general path, inside this transaction.
            results[index] = Some(match store_one(conn, new, limits) {
                Ok(stored) => Ok(stored),
                Err(StoreError::App(error)) => Err(error),
                Err(StoreError::ClientIdTaken) => return Err(diesel::result::Error::RollbackTransaction),
            });
        }
    }

    if !appends.is_empty() {
        let now = now_in_microseconds();
        let mut wanted: Vec<Uuid> = appends.iter().filter_map(|&index| batch[index].new.conversation_id.map(|id| id.0)).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut conversations: HashMap<Uuid, Numbering> = CachedSql::new(LOCK_CONVERSATIONS)
            .bind::<Array<SqlUuid>, _>(&wanted)
            .load::<Locked>(conn)?
            .into_iter()
            .map(|locked| (locked.id, Numbering { locked, touched: false, agent_read: 0, visitor_read: 0 }))
            .collect();
        let mut appended = Appended::default();
        for &index in &appends {
            let new = &batch[index].new;
            let Some(conversation_id) = new.conversation_id else { continue };
            let is_visitor = matches!(new.author, Author::Visitor { .. });
            // A visitor may write only into its own conversations; anyone only within the workspace.
            let entitled = conversations.get_mut(&conversation_id.0).filter(|numbering| {
                numbering.locked.workspace_id == new.workspace_id.0
                    && match &new.author {
                        Author::Visitor { contact_id, .. } => numbering.locked.contact_id == contact_id.0,
                        Author::Agent { .. } => true,
                    }
            });
            let Some(numbering) = entitled else {
                results[index] = Some(Err(AppError::NotFound));
                continue;
            };
            let reopened = is_visitor && numbering.locked.status != super::ConversationStatus::Open;
            if reopened {
                numbering.locked.status = super::ConversationStatus::Open;
            }
            numbering.locked.last_seq += 1;
            numbering.touched = true;
            if is_visitor {
                numbering.visitor_read = numbering.locked.last_seq;
            } else {
                numbering.agent_read = numbering.locked.last_seq;
            }
            let id = MessageId::new();
            let private = new.private && !is_visitor;
            appended.ids.push(id.0);
            appended.workspace_ids.push(new.workspace_id.0);
            appended.conversation_ids.push(conversation_id.0);
            appended.seqs.push(numbering.locked.last_seq);
            appended.client_ids.push(new.client_id);
            appended.author_kinds.push(new.author.kind().as_str());
            appended.author_ids.push(Some(new.author.id()));
            appended.bodies.push(&new.body);
            appended.privates.push(private);
            let contact_id = ContactId(numbering.locked.contact_id);
            let message = new.stored_as(id, conversation_id, contact_id, numbering.locked.last_seq, private, now);
            results[index] = Some(Ok(Stored { message, duplicate: false, new_conversation: false, reopened }));
        }
        if !appended.ids.is_empty() {
            let touched: Vec<&Numbering> = conversations.values().filter(|n| n.touched).collect();
            let touched_ids: Vec<Uuid> = touched.iter().map(|n| n.locked.id).collect();
            let touched_seqs: Vec<i64> = touched.iter().map(|n| n.locked.last_seq).collect();
            let touched_statuses: Vec<&str> = touched.iter().map(|n| n.locked.status.as_str()).collect();
            let agent_reads: Vec<i64> = touched.iter().map(|n| n.agent_read).collect();
            let visitor_reads: Vec<i64> = touched.iter().map(|n| n.visitor_read).collect();
            CachedSql::new(APPEND_MANY)
                .bind::<Timestamptz, _>(now)
                .bind::<Array<SqlUuid>, _>(&touched_ids)
                .bind::<Array<BigInt>, _>(&touched_seqs)
                .bind::<Array<Text>, _>(&touched_statuses)
                .bind::<Array<SqlUuid>, _>(&appended.ids)
                .bind::<Array<SqlUuid>, _>(&appended.workspace_ids)
                .bind::<Array<SqlUuid>, _>(&appended.conversation_ids)
                .bind::<Array<BigInt>, _>(&appended.seqs)
                .bind::<Array<SqlUuid>, _>(&appended.client_ids)
                .bind::<Array<Text>, _>(&appended.author_kinds)
                .bind::<Array<Nullable<SqlUuid>>, _>(&appended.author_ids)
                .bind::<Array<Text>, _>(&appended.bodies)
                .bind::<Array<Bool>, _>(&appended.privates)
                .bind::<Array<BigInt>, _>(&agent_reads)
                .bind::<Array<BigInt>, _>(&visitor_reads)
                .execute(conn)?;
        }
    }

    for (index, earlier) in repeats {
        results[index] = Some(match &results[earlier] {
            Some(Ok(first)) => Ok(Stored { duplicate: true, new_conversation: false, reopened: false, ..first.clone() }),
            _ => find_previous(conn, &batch[index].new).and_then(|p| p.ok_or(AppError::NotFound)),
        });
    }
    Ok(results
        .into_iter()
        .map(|result| result.unwrap_or_else(|| Err(AppError::internal(anyhow::anyhow!("message left unstored")))))
        .collect())
}

/// What a batch sets off, stored in its own transaction so that a crash cannot lose it: the
/// webhook events of its messages, and the new-conversation emails agents asked for.
fn record_consequences(conn: &mut PgConnection, results: &[Result<Stored, AppError>]) -> Result<(), diesel::result::Error> {
    let fresh: Vec<&Stored> = results.iter().filter_map(|r| r.as_ref().ok()).filter(|s| !s.duplicate).collect();
    if fresh.is_empty() {
        return Ok(());
    }
    crate::webhooks::events::emit(conn, &message_events(&fresh))?;
    let started: Vec<(WorkspaceId, ConversationId)> =
        fresh.iter().filter(|s| s.new_conversation).map(|s| (s.message.workspace_id, s.message.conversation_id)).collect();
    crate::queue::enqueue_new_conversation_emails(conn, &started)
}

/// The events of a committed batch of messages.
fn message_events(stored: &[&Stored]) -> Vec<Event> {
    let mut events = Vec::new();
    for s in stored.iter().filter(|s| !s.duplicate) {
        let message = &s.message;
        if s.new_conversation {
            events.push(Event {
                workspace_id: message.workspace_id,
                event_type: "conversation.created",
                data: json!({ "conversation": { "id": message.conversation_id, "contact_id": message.contact_id, "status": "open" } }),
            });
        }
        if s.reopened {
            events.push(Event {
                workspace_id: message.workspace_id,
                event_type: "conversation.status_changed",
                data: json!({ "conversation": { "id": message.conversation_id, "status": "open" }, "changed_by": "visitor" }),
            });
        }
        events.push(Event { workspace_id: message.workspace_id, event_type: "message.created", data: json!({ "message": message }) });
    }
    events
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
    counters: Arc<Counters>,
}

/// What the writers have done since the start, for operators and tests: how well batches
/// share commits, and how often the slow path had to replay one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Transactions committed (or rolled back) by the writers.
    pub batches: u64,
    /// Sends those batches carried, retries included.
    pub messages: u64,
    /// Batches whose one-statement path failed and that were stored message by message.
    pub replayed: u64,
}

#[derive(Default)]
struct Counters {
    batches: AtomicU64,
    messages: AtomicU64,
    replayed: AtomicU64,
}

impl MessageWriter {
    /// Starts `threads` writer threads on `pool`.
    pub fn start(pool: DbPool, threads: usize, limits: VisitorLimits, on_commit: OnCommit) -> Self {
        let counters = Arc::new(Counters::default());
        let mut queues = Vec::new();
        for n in 0..threads.max(1) {
            let (queue, receiver) = mpsc::channel::<Job>(QUEUE_CAPACITY);
            let (pool, on_commit, counters) = (pool.clone(), on_commit.clone(), counters.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("parlor-writer-{n}"))
                .spawn(move || writer_loop(&pool, receiver, limits, &on_commit, &counters));
            match spawned {
                Ok(_) => queues.push(queue),
                Err(error) => tracing::error!(%error, "cannot start a message writer thread"),
            }
        }
        Self { queues: Arc::new(queues), counters }
    }

    pub fn stats(&self) -> WriterStats {
        WriterStats {
            batches: self.counters.batches.load(Ordering::Relaxed),
            messages: self.counters.messages.load(Ordering::Relaxed),
            replayed: self.counters.replayed.load(Ordering::Relaxed),
        }
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
fn writer_loop(pool: &DbPool, mut receiver: mpsc::Receiver<Job>, limits: VisitorLimits, on_commit: &OnCommit, counters: &Counters) {
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
        counters.batches.fetch_add(1, Ordering::Relaxed);
        counters.messages.fetch_add(batch.len() as u64, Ordering::Relaxed);
        let outcome = pool.get().map_err(AppError::from).and_then(|mut conn| {
            let fast = conn.transaction::<_, diesel::result::Error, _>(|conn| {
                let results = store_batch_fast(conn, &batch, limits)?;
                record_consequences(conn, &results)?;
                Ok(results)
            });
            match fast {
                Ok(results) => Ok(results),
                // A race on a client id (or any statement error): the slow path isolates each
                // message in a savepoint, so one bad message cannot fail the others.
                Err(error) => {
                    // Expected only on a race for a client id; anything else is a bug that
                    // costs every batch its speed, so it is logged where operators look.
                    counters.replayed.fetch_add(1, Ordering::Relaxed);
                    let raced = matches!(
                        error,
                        diesel::result::Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
                            | diesel::result::Error::RollbackTransaction
                    );
                    if raced {
                        tracing::debug!(%error, "batch raced on a client id; storing message by message");
                    } else {
                        tracing::warn!(%error, "batch statement failed; storing message by message");
                    }
                    conn.transaction(|conn| {
                        let results = batch.iter().map(|job| store_in_savepoint(conn, &job.new, limits)).collect::<Vec<_>>();
                        record_consequences(conn, &results)?;
                        Ok::<_, AppError>(results)
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
