//! Realtime delivery: the wire protocol, the in-process hub, the broker between instances,
//! and the WebSocket sessions of visitors and agents.
//!
//! A message is committed first ([`crate::conversations::MessageWriter`]), then handed to local
//! sockets through the [`hub::Hub`] and to other instances as a wake-up through the
//! [`broker::Broker`]. Sockets keep the last `seq` they delivered per conversation, drop what
//! they already sent and fetch from Postgres whatever they missed.
//!
//! Tenant rule: a socket's workspace comes from its credential's row when it opens, every
//! frame it receives is addressed by that `WorkspaceId` ([`hub::Recipients`]), and what it
//! fetches from Postgres is read with it. The heartbeat's credential check reads credentials
//! by their own ids only (a session, key or visitor token is one tenant's by construction).

pub mod broker;
pub mod hub;
pub mod presence;
pub mod protocol;
pub mod revocation;
pub mod socket;

use std::sync::Arc;

use uuid::Uuid;

use crate::{
    conversations::{self, MessageWriter, Stored},
    db::{self, DbPool, WorkspaceId},
    files::Links,
};
use broker::{Broker, Envelope, Wakeup};
use hub::{Hub, Recipients};
use protocol::ServerFrame;
use revocation::Revocation;

/// How many threads commit messages; each owns a shard of the conversations. Three, measured
/// against two, four and six on two cores (docs/performance.md): more threads make smaller
/// batches whose commits contend for the same cores, fewer leave a commit's round trips idle.
pub const WRITER_THREADS: usize = 3;

/// The longest body (in bytes) of a message whose copy goes to the other instances with its
/// wake-up. Longer ones go by id, so that an envelope of a full batch stays well within what
/// the broker takes; the copy of one that still does not fit is dropped by [`broker::pack`].
pub const CARRIED_BODY_MAX: usize = 2_000;

/// Pool connections kept for the threads that take one directly: the message writers and the
/// socket readers.
pub const RESERVED_CONNECTIONS: u32 = (WRITER_THREADS + socket::reads::READER_THREADS) as u32;

/// The realtime machinery of one instance.
pub struct Realtime {
    pub instance_id: Uuid,
    pub hub: Arc<Hub>,
    pub writer: MessageWriter,
    /// Visitors' comings and goings, announced to agents a few times a second.
    pub presence: Arc<presence::VisitorPresence>,
    /// The reads of sockets saying hello, made together.
    pub reads: socket::reads::SocketReads,
    broker: Arc<dyn Broker>,
}

/// Applies wake-ups from other instances to this instance's sockets.
struct LocalDelivery {
    hub: Arc<Hub>,
    pool: DbPool,
    links: Links,
}

impl broker::Receiver for LocalDelivery {
    fn receive(&self, envelope: Envelope) {
        let mut to_load = Vec::new();
        for wakeup in envelope.e {
            match wakeup {
                Wakeup::Message { w, c, m, b } => {
                    if !self.hub.has_listeners(w, Some(c)) {
                        continue;
                    }
                    match b {
                        // The copy the committing instance sent, as it delivered it itself.
                        Some(copy) if copy.workspace_id == w && copy.contact_id == c && copy.id == m => {
                            self.hub.deliver_message(copy);
                        }
                        _ => to_load.push((w, m)),
                    }
                }
                Wakeup::Frame { w, c, a, f } => {
                    self.hub.deliver_frame(Recipients { workspace_id: w, agents: a, contact: c, except: None }, f.into());
                }
                Wakeup::Revoke { w, u } => self.hub.revoke(&Revocation::Member(w, u)),
                Wakeup::Revoked { r } => self.hub.revoke(&r),
                Wakeup::Visitors { w, f } => self.hub.deliver_to_visitors(w, f.into()),
            }
        }
        if to_load.is_empty() {
            return;
        }
        let (hub, pool, links) = (self.hub.clone(), self.pool.clone(), self.links.clone());
        tokio::spawn(async move {
            let mut by_workspace: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
            for (workspace, message) in to_load {
                by_workspace.entry(workspace).or_default().push(message);
            }
            for (workspace, ids) in by_workspace {
                match db::run(&pool, move |conn| conversations::messages_by_id(conn, workspace, &ids)).await {
                    Ok(mut messages) => {
                        links.sign_messages(&mut messages);
                        messages.into_iter().for_each(|m| hub.deliver_message(Arc::new(m)));
                    }
                    // The sockets will see the gap and repair it.
                    Err(error) => tracing::warn!(error = ?error, "could not load messages of a wake-up"),
                }
            }
        });
    }

    fn reconnected(&self) {
        self.hub.resync_all();
    }
}

impl Realtime {
    /// Starts the hub, the broker (NATS when `nats_url` is set, else Postgres) and the writers,
    /// whose commits kick `assignment` for new and reopened conversations.
    pub async fn start(
        pool: DbPool,
        database_url: String,
        nats_url: Option<&str>,
        limits: conversations::writer::VisitorLimits,
        credential_check: std::time::Duration,
        links: Links,
        assignment: conversations::assignment::Kicks,
    ) -> anyhow::Result<Self> {
        let instance_id = Uuid::now_v7();
        let hub = Arc::new(Hub::new());
        let receiver = Arc::new(LocalDelivery { hub: hub.clone(), pool: pool.clone(), links: links.clone() });
        let broker: Arc<dyn Broker> = match nats_url {
            Some(url) => Arc::new(broker::NatsBroker::start(url, instance_id, receiver).await?),
            None => Arc::new(broker::PgBroker::start(db::tls::PgTarget::from_url(&database_url)?, instance_id, receiver)),
        };
        let on_commit = {
            let (hub, broker) = (hub.clone(), broker.clone());
            let carries_copies = broker.carries_copies();
            Arc::new(move |stored: &[Stored]| {
                let mut wakeups = Vec::with_capacity(stored.len());
                for s in stored {
                    let message = Arc::new(s.message.clone());
                    // Other instances deliver the copy instead of reading the message back; a message
                    // with files goes by id, since its links are signed where it is handed out. The
                    // copy shares the delivered message: serialising it is the only cost.
                    let copy = (carries_copies && message.attachments.is_empty() && message.body.len() <= CARRIED_BODY_MAX)
                        .then(|| message.clone());
                    wakeups.push(Wakeup::Message { w: message.workspace_id, c: message.contact_id, m: message.id, b: copy });
                    hub.deliver_message(message);
                }
                broker.publish(wakeups);
                assignment.after_messages(stored);
            })
        };
        spawn_credential_checks(hub.clone(), pool.clone(), credential_check);
        let reads = socket::reads::SocketReads::start(pool.clone(), socket::reads::READER_THREADS);
        let writer = MessageWriter::start(pool, WRITER_THREADS, limits, links, on_commit);
        let presence = Arc::new(presence::VisitorPresence::default());
        presence.spawn_flusher(hub.clone(), broker.clone());
        Ok(Self { instance_id, hub, writer, presence, reads, broker })
    }

    /// Closes the sockets a revocation names, here at once and on the other instances through
    /// the broker. Call it after the revocation has committed: the periodic re-check reads
    /// Postgres, and should a wake-up be lost it ends those sockets within one interval.
    pub fn revoke(&self, revocation: Revocation) {
        if matches!(&revocation, Revocation::Credentials(c) if c.is_empty()) {
            return;
        }
        self.hub.revoke(&revocation);
        self.broker.publish(vec![Wakeup::Revoked { r: revocation }]);
    }

    /// Announces the visitors' pending comings and goings now, not at the next tick: a draining
    /// instance's last changes would otherwise be lost with it.
    pub fn flush_presence(&self) {
        self.presence.flush(&self.hub, self.broker.as_ref());
    }

    /// Sends a frame that is not stored to local sockets and to the other instances.
    pub fn broadcast_frame(&self, to: Recipients, frame: String) {
        broadcast_frames(&self.hub, self.broker.as_ref(), vec![(to, frame)]);
    }

    /// Sends a frame to every visitor of a workspace, here and on the other instances. Walks
    /// every visitor socket of the instance: for rare events only (availability flips).
    pub fn broadcast_to_visitors(&self, workspace_id: WorkspaceId, frame: String) {
        self.broker.publish(vec![Wakeup::Visitors { w: workspace_id, f: frame.clone() }]);
        self.hub.deliver_to_visitors(workspace_id, frame.into());
    }
}

/// Frames that are not stored, to the other instances in one publication and to this
/// instance's sockets. `except` holds only here: the other instances have no such socket.
fn broadcast_frames(hub: &Hub, broker: &dyn Broker, frames: Vec<(Recipients, String)>) {
    broker.publish(frames.iter().map(|(to, f)| Wakeup::Frame { w: to.workspace_id, c: to.contact, a: to.agents, f: f.clone() }).collect());
    for (to, frame) in frames {
        hub.deliver_frame(to, frame.into());
    }
}

/// The `availability` frame for a workspace's visitors, when whether an agent is online has
/// flipped since they were last told (see [`crate::workspaces::Workspace::online_flip`]); `None`
/// otherwise, so that agents coming and going cost visitors nothing until the answer changes.
pub fn availability_flip(conn: &mut diesel::PgConnection, workspace_id: WorkspaceId) -> Result<Option<String>, crate::error::AppError> {
    let Some(agents_online) = crate::workspaces::Workspace::online_flip(conn, workspace_id)? else { return Ok(None) };
    availability_frame(conn, workspace_id, agents_online).map(Some)
}

/// The `availability` frame as visitors were last told it, with the hours as of now: for a
/// change of the business hours or the offline message.
pub fn availability_now(conn: &mut diesel::PgConnection, workspace_id: WorkspaceId) -> Result<String, crate::error::AppError> {
    let agents_online = crate::workspaces::Workspace::told_online(conn, workspace_id)?;
    availability_frame(conn, workspace_id, agents_online)
}

fn availability_frame(
    conn: &mut diesel::PgConnection,
    workspace_id: WorkspaceId,
    agents_online: bool,
) -> Result<String, crate::error::AppError> {
    let availability = crate::workspaces::availability::Availability::load(conn, workspace_id)?.public(time::OffsetDateTime::now_utc());
    let frame = ServerFrame::Availability {
        agents_online,
        within_hours: availability.within_hours,
        offline_message: &availability.offline_message,
    };
    Ok(frame.to_json())
}

/// Re-checks the credentials of this instance's sockets against Postgres every `interval`
/// (the heartbeat), and closes those that no longer hold: the net under the broker's wake-ups.
fn spawn_credential_checks(hub: Arc<Hub>, pool: DbPool, interval: std::time::Duration) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let held = hub.held();
            if held.is_empty() {
                continue;
            }
            match db::run(&pool, move |conn| revocation::stale_credentials(conn, &held)).await {
                Ok(stale) if !stale.is_empty() => {
                    tracing::info!(sockets = stale.len(), "closing sockets whose credential no longer holds");
                    hub.revoke_stale(&stale);
                }
                Ok(_) => {}
                // Postgres away: keep the sockets; the next tick checks again.
                Err(error) => tracing::warn!(error = ?error, "could not re-check socket credentials"),
            }
        }
    });
}
