//! The in-process hub: which sockets of this instance listen to which workspace (agents) and
//! which contact (visitors), and delivery to them. Delivery never blocks: a socket whose
//! queue is full is marked as lagging and catches up from Postgres.

use std::{
    collections::HashMap,
    sync::{
        Arc, RwLock,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
};

use tokio::sync::mpsc;

use super::revocation::{Credential, Held, Revocation};
use crate::{
    conversations::Message,
    db::{ContactId, UserId, WorkspaceId},
};

pub type SocketId = u64;

/// Frames queued for one visitor socket before it counts as lagging (a visitor gets little).
pub const VISITOR_QUEUE: usize = 64;
/// An agent socket gets every message of its workspace: room for bursts.
pub const AGENT_QUEUE: usize = 4096;

/// What the hub hands a socket.
#[derive(Clone, Debug)]
pub enum Delivery {
    /// A stored message and its `message` frame.
    Message(Arc<Message>, Arc<str>),
    /// Any other frame (typing, read, presence, conversation), already serialised.
    Frame(Arc<str>),
    /// Fan-out may have been lost (broker reconnect): fetch what is missing from Postgres.
    Resync,
    /// The socket's credential or access was revoked: close it now, saying why.
    Revoked(&'static str),
    /// This instance is shutting down: finish the acks under way, then close with 1012.
    Restart,
}

#[derive(Clone)]
pub struct Mailbox {
    sender: mpsc::Sender<Delivery>,
    flags: Arc<MailboxFlags>,
}

/// What a socket must learn even when its queue is full.
#[derive(Default)]
pub struct MailboxFlags {
    /// Deliveries were dropped: catch up from Postgres.
    pub lagging: AtomicBool,
    /// Why the socket must close, once revoked.
    pub revoked: std::sync::OnceLock<&'static str>,
    /// The instance is shutting down: close with 1012 once the acks under way are out.
    pub restart: AtomicBool,
}

impl Mailbox {
    pub fn new(capacity: usize) -> (Self, mpsc::Receiver<Delivery>, Arc<MailboxFlags>) {
        let (sender, receiver) = mpsc::channel(capacity);
        let flags = Arc::new(MailboxFlags::default());
        (Self { sender, flags: flags.clone() }, receiver, flags)
    }

    fn deliver(&self, delivery: Delivery) {
        if let Delivery::Revoked(reason) = delivery {
            // Kept aside as well: a full queue must not let a revoked socket live on.
            let _ = self.flags.revoked.set(reason);
        }
        if let Delivery::Restart = delivery {
            self.flags.restart.store(true, Ordering::Release);
        }
        if self.sender.try_send(delivery).is_err() {
            self.flags.lagging.store(true, Ordering::Release);
        }
    }
}

struct AgentSocket {
    user_id: UserId,
    credential: Credential,
    mailbox: Mailbox,
}

struct VisitorSocket {
    workspace_id: WorkspaceId,
    credential: Credential,
    mailbox: Mailbox,
}

#[derive(Default)]
struct Inner {
    agents: HashMap<WorkspaceId, HashMap<SocketId, AgentSocket>>,
    visitors: HashMap<ContactId, HashMap<SocketId, VisitorSocket>>,
}

#[derive(Default)]
pub struct Hub {
    inner: RwLock<Inner>,
    next_id: AtomicU64,
    /// Set once on shutdown: sockets still opening close at once, and agents who leave are not
    /// announced as gone (they reconnect to another instance within a moment).
    restarting: AtomicBool,
}

/// Who gets a frame.
#[derive(Clone, Copy, Debug)]
pub struct Recipients {
    pub workspace_id: WorkspaceId,
    pub agents: bool,
    pub contact: Option<ContactId>,
    /// The socket the frame came from, which does not get it back.
    pub except: Option<SocketId>,
}

impl Hub {
    pub fn new() -> Self {
        Self::default()
    }

    fn next_id(&self) -> SocketId {
        self.next_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Registers an agent socket; returns its id and how many sockets the agent now has here.
    pub fn join_agent(&self, workspace_id: WorkspaceId, user_id: UserId, credential: Credential, mailbox: Mailbox) -> (SocketId, usize) {
        let id = self.next_id();
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let sockets = inner.agents.entry(workspace_id).or_default();
        sockets.insert(id, AgentSocket { user_id, credential, mailbox });
        (id, sockets.values().filter(|s| s.user_id == user_id).count())
    }

    /// Removes an agent socket; returns how many sockets the agent still has here.
    pub fn leave_agent(&self, workspace_id: WorkspaceId, user_id: UserId, id: SocketId) -> usize {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let Some(sockets) = inner.agents.get_mut(&workspace_id) else { return 0 };
        sockets.remove(&id);
        let left = sockets.values().filter(|s| s.user_id == user_id).count();
        if sockets.is_empty() {
            inner.agents.remove(&workspace_id);
        }
        left
    }

    pub fn join_visitor(
        &self,
        workspace_id: WorkspaceId,
        contact_id: ContactId,
        credential: Credential,
        mailbox: Mailbox,
    ) -> (SocketId, usize) {
        let id = self.next_id();
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let sockets = inner.visitors.entry(contact_id).or_default();
        sockets.insert(id, VisitorSocket { workspace_id, credential, mailbox });
        (id, sockets.len())
    }

    pub fn leave_visitor(&self, contact_id: ContactId, id: SocketId) -> usize {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let Some(sockets) = inner.visitors.get_mut(&contact_id) else { return 0 };
        sockets.remove(&id);
        let left = sockets.len();
        if left == 0 {
            inner.visitors.remove(&contact_id);
        }
        left
    }

    /// Closes the sockets of this instance that `revocation` names.
    pub fn revoke(&self, revocation: &Revocation) {
        let reason = revocation.reason();
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let agents = inner.agents.iter().flat_map(|(w, sockets)| sockets.values().map(move |s| (*w, s)));
        let visitors = inner.visitors.iter().flat_map(|(c, sockets)| sockets.values().map(move |s| (*c, s)));
        match revocation {
            Revocation::Credentials(credentials) => {
                let named = |credential: &Credential| credentials.contains(credential);
                agents.filter(|(_, s)| named(&s.credential)).for_each(|(_, s)| s.mailbox.deliver(Delivery::Revoked(reason)));
                visitors.filter(|(_, s)| named(&s.credential)).for_each(|(_, s)| s.mailbox.deliver(Delivery::Revoked(reason)));
            }
            Revocation::Member(workspace_id, user_id) => agents
                .filter(|(w, s)| w == workspace_id && s.user_id == *user_id)
                .for_each(|(_, s)| s.mailbox.deliver(Delivery::Revoked(reason))),
            Revocation::Contact(workspace_id, contact_id)
            | Revocation::Blocked(workspace_id, contact_id)
            | Revocation::Merged(workspace_id, contact_id) => visitors
                .filter(|(c, s)| c == contact_id && s.workspace_id == *workspace_id)
                .for_each(|(_, s)| s.mailbox.deliver(Delivery::Revoked(reason))),
            Revocation::Workspace(workspace_id) => {
                agents.filter(|(w, _)| w == workspace_id).for_each(|(_, s)| s.mailbox.deliver(Delivery::Revoked(reason)));
                visitors.filter(|(_, s)| s.workspace_id == *workspace_id).for_each(|(_, s)| s.mailbox.deliver(Delivery::Revoked(reason)));
            }
        }
    }

    /// Closes the sockets holding a credential the periodic re-check found stale, each with the
    /// reason it found.
    pub fn revoke_stale(&self, stale: &[(Held, &'static str)]) {
        let stale: HashMap<&Held, &'static str> = stale.iter().map(|(held, reason)| (held, *reason)).collect();
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        for (workspace_id, sockets) in &inner.agents {
            for socket in sockets.values() {
                let held =
                    Held { workspace_id: *workspace_id, user_id: Some(socket.user_id), contact_id: None, credential: socket.credential };
                if let Some(reason) = stale.get(&held) {
                    socket.mailbox.deliver(Delivery::Revoked(reason));
                }
            }
        }
        for (contact_id, sockets) in &inner.visitors {
            for socket in sockets.values() {
                let held =
                    Held { workspace_id: socket.workspace_id, user_id: None, contact_id: Some(*contact_id), credential: socket.credential };
                if let Some(reason) = stale.get(&held) {
                    socket.mailbox.deliver(Delivery::Revoked(reason));
                }
            }
        }
    }

    /// The distinct credentials the sockets of this instance were opened with.
    pub fn held(&self) -> Vec<Held> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner
            .agents
            .iter()
            .flat_map(|(w, sockets)| {
                sockets.values().map(|s| Held { workspace_id: *w, user_id: Some(s.user_id), contact_id: None, credential: s.credential })
            })
            .chain(inner.visitors.iter().flat_map(|(c, sockets)| {
                sockets.values().map(|s| Held {
                    workspace_id: s.workspace_id,
                    user_id: None,
                    contact_id: Some(*c),
                    credential: s.credential,
                })
            }))
            .collect::<std::collections::HashSet<_>>()
            .into_iter()
            .collect()
    }

    /// Whether the visitor has a socket open on this instance.
    pub fn visitor_connected(&self, contact_id: ContactId) -> bool {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.visitors.contains_key(&contact_id)
    }

    /// The agents of a workspace with a socket open on this instance.
    pub fn agents_connected(&self, workspace_id: WorkspaceId) -> Vec<UserId> {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let mut users: Vec<UserId> =
            inner.agents.get(&workspace_id).map(|s| s.values().map(|socket| socket.user_id).collect()).unwrap_or_default();
        users.sort_unstable_by_key(|u| u.0);
        users.dedup();
        users
    }

    /// Whether any socket here would receive something for this workspace or contact.
    pub fn has_listeners(&self, workspace_id: WorkspaceId, contact_id: Option<ContactId>) -> bool {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.agents.contains_key(&workspace_id) || contact_id.is_some_and(|c| inner.visitors.contains_key(&c))
    }

    /// A message goes to every agent socket of its workspace and, unless it is an internal
    /// note, to every socket of its visitor.
    pub fn deliver_message(&self, message: Arc<Message>) {
        let frame: Arc<str> = super::protocol::message_frame(&message).into();
        let delivery = Delivery::Message(message.clone(), frame);
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        if let Some(sockets) = inner.agents.get(&message.workspace_id) {
            for socket in sockets.values() {
                socket.mailbox.deliver(delivery.clone());
            }
        }
        if !message.private
            && let Some(sockets) = inner.visitors.get(&message.contact_id)
        {
            for socket in sockets.values() {
                socket.mailbox.deliver(delivery.clone());
            }
        }
    }

    pub fn deliver_frame(&self, to: Recipients, frame: Arc<str>) {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        if to.agents
            && let Some(sockets) = inner.agents.get(&to.workspace_id)
        {
            for (id, socket) in sockets {
                if Some(*id) != to.except {
                    socket.mailbox.deliver(Delivery::Frame(frame.clone()));
                }
            }
        }
        if let Some(contact) = to.contact
            && let Some(sockets) = inner.visitors.get(&contact)
        {
            for (id, socket) in sockets {
                if Some(*id) != to.except {
                    socket.mailbox.deliver(Delivery::Frame(frame.clone()));
                }
            }
        }
    }

    /// A frame for every visitor socket of a workspace on this instance.
    pub fn deliver_to_visitors(&self, workspace_id: WorkspaceId, frame: Arc<str>) {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        for socket in inner.visitors.values().flat_map(|s| s.values()).filter(|s| s.workspace_id == workspace_id) {
            socket.mailbox.deliver(Delivery::Frame(frame.clone()));
        }
    }

    /// Asks every socket to catch up from Postgres.
    pub fn resync_all(&self) {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        for socket in inner.agents.values().flat_map(|s| s.values()) {
            socket.mailbox.deliver(Delivery::Resync);
        }
        for socket in inner.visitors.values().flat_map(|s| s.values()) {
            socket.mailbox.deliver(Delivery::Resync);
        }
    }

    /// Shutdown: every socket of this instance closes with 1012 once its acks are out, and
    /// sockets that open from now on close at once. Returns how many were asked.
    pub fn restart_all(&self) -> usize {
        self.restarting.store(true, Ordering::Release);
        self.reconnect_all()
    }

    /// Closes every socket of this instance with 1012 once its acks are out, without refusing
    /// new ones: its clients come straight back. Returns how many were asked.
    pub fn reconnect_all(&self) -> usize {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        let sockets = inner.agents.values().flat_map(|s| s.values().map(|s| &s.mailbox));
        let sockets = sockets.chain(inner.visitors.values().flat_map(|s| s.values().map(|s| &s.mailbox)));
        let mut asked = 0;
        for mailbox in sockets {
            mailbox.deliver(Delivery::Restart);
            asked += 1;
        }
        asked
    }

    pub fn is_restarting(&self) -> bool {
        self.restarting.load(Ordering::Acquire)
    }

    pub fn socket_count(&self) -> usize {
        let inner = self.inner.read().unwrap_or_else(|e| e.into_inner());
        inner.agents.values().map(HashMap::len).sum::<usize>() + inner.visitors.values().map(HashMap::len).sum::<usize>()
    }
}
