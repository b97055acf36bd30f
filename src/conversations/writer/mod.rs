//! Storing messages: sequence numbers, idempotent retries, and group commit.
//!
//! Each message takes `last_seq + 1` of its conversation in the transaction that stores it, and
//! a unique `(workspace_id, client_id)` turns a retry into the first result, also for the first
//! message of a conversation. Under load the writer threads commit many messages per
//! transaction; with no load a batch is one message and adds no wait. There is one way to store
//! a batch, whatever its size and mix ([`batch`]): a fixed number of statements over arrays, so
//! a batch costs the same few round trips and one fsync. Should any statement fail (a race for a
//! client id), the batch is replayed message by message, each a batch of one in its own
//! savepoint, so that one bad message cannot fail the others. Acks go out only after the commit.
//!
//! Tenant rule: a [`NewMessage`] carries the `WorkspaceId` its sender authenticated with, and
//! every statement of the writer, reads, locks and updates alike, filters by it.

mod batch;
mod statements;

use std::{
    collections::HashSet,
    sync::{
        Arc,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
};

use diesel::{prelude::*, result::DatabaseErrorKind};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::{Author, AuthorKind, Message};
use crate::files::Links;
use crate::webhooks::events::Event;
use crate::{
    conversations::ConversationStatus,
    db::{ConversationId, DbPool, UserId, WorkspaceId},
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
    /// Uploads the message takes, in order: each must be the author's, of this workspace, and
    /// not yet sent; otherwise the send is refused ([`AppError::Unprocessable`]) and stores nothing.
    pub attachments: Vec<crate::db::UploadId>,
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
    /// The conversation's assignee as the message was stored (none for a new conversation, and
    /// for a retry), so that the frame announcing a reopened conversation names them.
    pub assignee_id: Option<UserId>,
}

/// What a batch sets off, stored in its own transaction so that a crash cannot lose it: the
/// webhook events of its messages, and the emails members asked for (new conversations, and a
/// visitor writing in the conversation of an assignee who is not connected).
/// `without_webhooks`: workspaces the batch saw without any enabled endpoint, whose events are
/// not built nor sent to Postgres (most batches, under load: one round trip fewer). An endpoint
/// enabled meanwhile gets the events of messages stored after it, as it would anyway.
fn record_consequences(
    conn: &mut PgConnection,
    results: &[Result<Stored, AppError>],
    without_webhooks: &HashSet<WorkspaceId>,
) -> Result<(), diesel::result::Error> {
    let fresh: Vec<&Stored> = results.iter().filter_map(|r| r.as_ref().ok()).filter(|s| !s.duplicate).collect();
    if fresh.is_empty() {
        return Ok(());
    }
    let offered: Vec<&Stored> = fresh.iter().copied().filter(|s| !without_webhooks.contains(&s.message.workspace_id)).collect();
    crate::webhooks::events::emit(conn, &message_events(&offered))?;
    let started: Vec<(WorkspaceId, ConversationId)> =
        fresh.iter().filter(|s| s.new_conversation).map(|s| (s.message.workspace_id, s.message.conversation_id)).collect();
    super::notices::enqueue_new_conversation_emails(conn, &started)?;
    // Only visitors' messages in conversations with an assignee can notify one (a new
    // conversation has none yet). The assignee was read with the conversation's lock, so a
    // batch without any, the common case under load, runs no statement for this.
    let written: Vec<(WorkspaceId, ConversationId, i64)> = fresh
        .iter()
        .filter(|s| !s.new_conversation && s.assignee_id.is_some() && s.message.author_kind == AuthorKind::Visitor)
        .map(|s| (s.message.workspace_id, s.message.conversation_id, s.message.seq))
        .collect();
    super::notices::enqueue_new_message_emails(conn, &written)?;
    let replies: Vec<(WorkspaceId, ConversationId, Uuid)> = fresh
        .iter()
        .filter(|s| s.message.author_kind == AuthorKind::Agent && !s.message.private)
        .map(|s| (s.message.workspace_id, s.message.conversation_id, s.message.id.0))
        .collect();
    super::notices::enqueue_email_replies(conn, &replies)
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
                data: json!({ "conversation": { "id": message.conversation_id, "contact_id": message.contact_id, "status": ConversationStatus::Open } }),
            });
        }
        if s.reopened {
            events.push(Event {
                workspace_id: message.workspace_id,
                event_type: "conversation.status_changed",
                data: json!({ "conversation": { "id": message.conversation_id, "status": ConversationStatus::Open }, "changed_by": "visitor" }),
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
/// share commits, and how often a batch had to be replayed message by message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Transactions committed (or rolled back) by the writers.
    pub batches: u64,
    /// Sends those batches carried, retries included.
    pub messages: u64,
    /// Batches whose statements failed together and that were stored message by message.
    pub replayed: u64,
}

#[derive(Default)]
struct Counters {
    batches: AtomicU64,
    messages: AtomicU64,
    replayed: AtomicU64,
    /// Sends queued or being committed, not yet answered: what a shutdown waits for.
    pending: AtomicUsize,
}

impl MessageWriter {
    /// Starts `threads` writer threads on `pool`.
    pub fn start(pool: DbPool, threads: usize, limits: VisitorLimits, links: Links, on_commit: OnCommit) -> Self {
        let counters = Arc::new(Counters::default());
        let mut queues = Vec::new();
        for n in 0..threads.max(1) {
            let (queue, receiver) = mpsc::channel::<Job>(QUEUE_CAPACITY);
            let (pool, on_commit, counters, links) = (pool.clone(), on_commit.clone(), counters.clone(), links.clone());
            let spawned = std::thread::Builder::new()
                .name(format!("parlor-writer-{n}"))
                .spawn(move || writer_loop(&pool, receiver, limits, &links, &on_commit, &counters));
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

    /// Sends queued or being committed and not yet answered.
    pub fn pending(&self) -> usize {
        self.counters.pending.load(Ordering::Acquire)
    }

    /// Queues a message now (so that sends keep their order) and returns its future ack,
    /// which resolves once the message is committed, or was committed by an earlier try.
    pub fn enqueue(&self, new: NewMessage) -> Result<oneshot::Receiver<Result<Stored, AppError>>, AppError> {
        // A first message and its retry (no conversation id yet) go to the same writer as the
        // visitor's other new conversations: their limits are counted in one place.
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
        // Counted before it is queued: the writer may answer it before `try_send` returns.
        self.counters.pending.fetch_add(1, Ordering::AcqRel);
        if queue.try_send(Job { new, reply }).is_err() {
            self.counters.pending.fetch_sub(1, Ordering::AcqRel);
            return Err(AppError::Unavailable(anyhow::anyhow!("message queue full")));
        }
        Ok(answer)
    }

    /// Stores a message and waits for the commit.
    pub async fn send(&self, new: NewMessage) -> Result<Stored, AppError> {
        self.enqueue(new)?.await.map_err(|_| AppError::Unavailable(anyhow::anyhow!("message writer stopped")))?
    }
}

/// Takes whatever is queued (up to [`BATCH_MAX`]) and commits it in one transaction.
fn writer_loop(
    pool: &DbPool,
    mut receiver: mpsc::Receiver<Job>,
    limits: VisitorLimits,
    links: &Links,
    on_commit: &OnCommit,
    counters: &Counters,
) {
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
        let sends: Vec<&NewMessage> = batch.iter().map(|job| &job.new).collect();
        let started = std::time::Instant::now();
        let committed = commit(pool, &sends, limits, links, counters);
        let size = batch.len();
        match committed {
            Ok(results) => {
                let fresh: Vec<Stored> = results.iter().filter_map(|r| r.as_ref().ok()).filter(|s| !s.duplicate).cloned().collect();
                crate::ops::metrics::writer_batch(size, fresh.len(), started.elapsed());
                if !fresh.is_empty() {
                    on_commit(&fresh);
                }
                for (job, result) in batch.into_iter().zip(results) {
                    let _ = job.reply.send(result);
                }
            }
            Err(error) => {
                tracing::error!(error = ?error, "message batch not committed");
                crate::ops::metrics::writer_batch(size, 0, started.elapsed());
                for job in batch {
                    let _ =
                        job.reply.send(Err(AppError::Unavailable(anyhow::anyhow!("message not stored; retry with the same client_id"))));
                }
            }
        }
        counters.pending.fetch_sub(size, Ordering::AcqRel);
    }
}

/// Stores a batch with its consequences in one transaction; if that fails, replays it with
/// each message in its own savepoint, so that one bad message cannot fail the others.
fn commit(
    pool: &DbPool,
    sends: &[&NewMessage],
    limits: VisitorLimits,
    links: &Links,
    counters: &Counters,
) -> Result<Vec<Result<Stored, AppError>>, AppError> {
    let mut conn = pool.get()?;
    let together = conn.transaction::<_, diesel::result::Error, _>(|conn| {
        let stored = batch::store(conn, sends, limits, links)?;
        record_consequences(conn, &stored.outcomes, &stored.without_webhooks)?;
        Ok(stored.outcomes)
    });
    let error = match together {
        Ok(results) => return Ok(results),
        Err(error) => error,
    };
    counters.replayed.fetch_add(1, Ordering::Relaxed);
    // Expected only on a race for a client id (another instance's writer stored it first);
    // anything else is a bug that costs every batch its speed, so it is logged where
    // operators look.
    if matches!(error, diesel::result::Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) {
        tracing::debug!(%error, "batch raced on a client id; storing message by message");
    } else {
        tracing::warn!(%error, "batch statement failed; storing message by message");
    }
    conn.transaction(|conn| {
        let results = sends.iter().map(|new| batch::store_alone(conn, new, limits, links)).collect::<Vec<_>>();
        record_consequences(conn, &results, &HashSet::new())?;
        Ok::<_, AppError>(results)
    })
}
