//! The database reads of sockets that say hello, made together: a visitor's hello (its session,
//! its conversations) and the messages a resuming socket missed. After a deploy or a network
//! blip thousands of sockets say hello within seconds; each used to pay for its own statements,
//! round trips and thread hand-offs. Here, as with the message writer's batches, a few reader
//! threads each take whatever is queued and answer it with one statement per kind of read. A
//! lone hello on a quiet instance is read at once: nothing waits to fill a batch.
//!
//! Tenant rule: a hello's workspace comes from its visitor session alone; every missed range
//! carries the workspace and audience of the socket that asked (see
//! [`crate::conversations::batched_reads`]).

use std::{
    collections::{HashMap, hash_map::Entry},
    sync::{Arc, Mutex},
};

use diesel::PgConnection;
use tokio::sync::{mpsc, oneshot};

use super::replay::REPLAY_PAGE;
use crate::{
    conversations::{
        Conversation, Message,
        batched_reads::{MissedRange, conversations_of_visitors, messages_after_each},
        contacts::Visitor,
    },
    db::{ContactId, DbPool, VisitorSessionId, WorkspaceId},
    error::AppError,
    widget::settings::WidgetSettings,
};

/// Threads that answer reads, each with a connection of its own while it works.
pub const READER_THREADS: usize = 2;
/// Reads waiting for a thread; past this a hello is told to try again.
const QUEUE_CAPACITY: usize = 32_768;
/// Reads answered together at most.
const BATCH_MAX: usize = 256;

/// A visitor's hello, to be checked.
pub struct VisitorHello {
    pub session_id: VisitorSessionId,
    /// The page's origin when it is not Parlor's own: checked against the allowed domains.
    pub foreign_origin: Option<String>,
    pub public_origin: String,
}

/// What a visitor's hello finds.
pub enum HelloAnswer {
    /// No live session with that id.
    Unknown,
    /// The page's domain is not among the workspace's allowed domains.
    OriginRefused,
    /// The visitor is blocked.
    Blocked,
    /// Welcome: the visitor, with its conversations newest first.
    Welcome(Visitor, Vec<Conversation>),
}

type Reply<T> = oneshot::Sender<Result<T, AppError>>;

enum Read {
    Hello(VisitorHello, Reply<HelloAnswer>),
    Missed(Vec<MissedRange>, Reply<Vec<Vec<Message>>>),
}

/// The queue in front of the reader threads.
#[derive(Clone)]
pub struct SocketReads {
    queue: mpsc::Sender<Read>,
}

impl SocketReads {
    /// Starts `threads` reader threads on `pool`; the pool keeps a connection for each.
    pub fn start(pool: DbPool, threads: usize) -> Self {
        let (queue, receiver) = mpsc::channel(QUEUE_CAPACITY);
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads.max(1) {
            let (pool, receiver) = (pool.clone(), receiver.clone());
            let spawned = std::thread::Builder::new().name(format!("parlor-reader-{n}")).spawn(move || reader_loop(&pool, &receiver));
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start a socket reader thread");
            }
        }
        Self { queue }
    }

    /// Checks a visitor's hello and reads its conversations.
    pub async fn visitor_hello(&self, hello: VisitorHello) -> Result<HelloAnswer, AppError> {
        let (reply, answer) = oneshot::channel();
        self.submit(Read::Hello(hello, reply))?;
        answer.await.map_err(|_| stopped())?
    }

    /// The first page of each range, in their order.
    pub async fn missed(&self, ranges: Vec<MissedRange>) -> Result<Vec<Vec<Message>>, AppError> {
        let (reply, answer) = oneshot::channel();
        self.submit(Read::Missed(ranges, reply))?;
        answer.await.map_err(|_| stopped())?
    }

    fn submit(&self, read: Read) -> Result<(), AppError> {
        self.queue.try_send(read).map_err(|_| AppError::Unavailable(anyhow::anyhow!("too many sockets saying hello at once")))
    }
}

fn stopped() -> AppError {
    AppError::Unavailable(anyhow::anyhow!("socket readers stopped"))
}

/// Takes whatever is queued (up to [`BATCH_MAX`]) and answers it. The threads share the queue:
/// one collects while the others read, so a storm's hellos fill the next batch meanwhile.
fn reader_loop(pool: &DbPool, receiver: &Mutex<mpsc::Receiver<Read>>) {
    loop {
        let batch = {
            // A thread that panicked cannot leave the queue half-read: take it over.
            let mut receiver = receiver.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let Some(first) = receiver.blocking_recv() else { return };
            let mut batch = vec![first];
            while batch.len() < BATCH_MAX {
                match receiver.try_recv() {
                    Ok(read) => batch.push(read),
                    Err(_) => break,
                }
            }
            batch
        };
        answer(pool, batch);
    }
}

fn answer(pool: &DbPool, batch: Vec<Read>) {
    let (size, started) = (batch.len(), std::time::Instant::now());
    let span = tracing::debug_span!("socket_reads", size);
    let _entered = span.enter();
    answer_batch(pool, batch);
    crate::ops::metrics::socket_reads_batch(size, started.elapsed());
}

fn answer_batch(pool: &DbPool, batch: Vec<Read>) {
    let (mut hellos, mut missed) = (Vec::new(), Vec::new());
    for read in batch {
        match read {
            Read::Hello(hello, reply) => hellos.push((hello, reply)),
            Read::Missed(ranges, reply) => missed.push((ranges, reply)),
        }
    }
    let mut conn = match pool.get() {
        Ok(conn) => conn,
        Err(error) => {
            tracing::warn!(%error, "no database connection for socket reads");
            hellos.into_iter().for_each(|(_, reply)| drop(reply.send(Err(stopped()))));
            missed.into_iter().for_each(|(_, reply)| drop(reply.send(Err(stopped()))));
            return;
        }
    };
    if !hellos.is_empty() {
        let requests: Vec<&VisitorHello> = hellos.iter().map(|(hello, _)| hello).collect();
        match read_hellos(&mut conn, &requests) {
            Ok(answers) => hellos.into_iter().zip(answers).for_each(|((_, reply), answer)| drop(reply.send(Ok(answer)))),
            Err(error) => {
                tracing::warn!(error = ?error, "could not read the hellos of sockets");
                hellos.into_iter().for_each(|(_, reply)| drop(reply.send(Err(stopped()))));
            }
        }
    }
    if !missed.is_empty() {
        let ranges: Vec<MissedRange> = missed.iter().flat_map(|(ranges, _)| ranges.iter().copied()).collect();
        match messages_after_each(&mut conn, &ranges, REPLAY_PAGE) {
            Ok(pages) => {
                let mut pages = pages.into_iter();
                for (ranges, reply) in missed {
                    let _ = reply.send(Ok(pages.by_ref().take(ranges.len()).collect()));
                }
            }
            Err(error) => {
                tracing::warn!(error = ?error, "could not read what resuming sockets missed");
                missed.into_iter().for_each(|(_, reply)| drop(reply.send(Err(stopped()))));
            }
        }
    }
}

/// Checks each hello: its session, the page's origin, the visitor's standing; then reads the
/// conversations of those welcomed, all in one statement.
fn read_hellos(conn: &mut PgConnection, hellos: &[&VisitorHello]) -> Result<Vec<HelloAnswer>, AppError> {
    let session_ids: Vec<VisitorSessionId> = hellos.iter().map(|hello| hello.session_id).collect();
    let visitors: HashMap<VisitorSessionId, Visitor> =
        Visitor::find_many(conn, &session_ids)?.into_iter().map(|visitor| (visitor.session_id, visitor)).collect();
    let mut settings: HashMap<WorkspaceId, WidgetSettings> = HashMap::new();
    let mut answers = Vec::with_capacity(hellos.len());
    let mut welcomed: Vec<(WorkspaceId, ContactId)> = Vec::new();
    for hello in hellos {
        let Some(visitor) = visitors.get(&hello.session_id) else {
            answers.push(HelloAnswer::Unknown);
            continue;
        };
        let workspace_id = visitor.contact.workspace_id;
        if let Some(origin) = &hello.foreign_origin {
            let workspace_settings = match settings.entry(workspace_id) {
                Entry::Occupied(found) => found.into_mut(),
                Entry::Vacant(slot) => slot.insert(WidgetSettings::load(conn, workspace_id)?),
            };
            if !workspace_settings.allows_origin(origin, &hello.public_origin) {
                answers.push(HelloAnswer::OriginRefused);
                continue;
            }
        }
        if visitor.contact.is_blocked() {
            answers.push(HelloAnswer::Blocked);
            continue;
        }
        welcomed.push((workspace_id, visitor.contact.id));
        answers.push(HelloAnswer::Welcome(visitor.clone(), Vec::new()));
    }
    // Two tabs of one visitor share a read.
    welcomed.sort_unstable();
    welcomed.dedup();
    let lists: HashMap<(WorkspaceId, ContactId), Vec<Conversation>> =
        welcomed.iter().copied().zip(conversations_of_visitors(conn, &welcomed)?).collect();
    for answer in &mut answers {
        if let HelloAnswer::Welcome(visitor, conversations) = answer
            && let Some(list) = lists.get(&(visitor.contact.workspace_id, visitor.contact.id))
        {
            conversations.clone_from(list);
        }
    }
    Ok(answers)
}
