//! One WebSocket connection at `GET /ws`: the handshake ([`connect`], handed over by
//! [`upgrade`]), the WebSocket itself ([`transport`]), authentication by the first frame
//! ([`auth`]), the session loop with sends acked after commit ([`session`]), and resume,
//! de-duplication and gap repair by `seq` ([`replay`]). This file holds the connection's state
//! and its place in the hub.
//!
//! Tenant rule: a socket acts only within the workspace its credential names ([`Identity`]);
//! every read, write and broadcast it makes carries that `WorkspaceId`.

mod auth;
pub mod reads;
mod replay;
mod session;
mod transport;
pub mod upgrade;

use auth::{Authenticated, authenticate, wait_for_hello};

use std::{collections::HashMap, num::NonZeroU32, sync::Arc, time::Duration};

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use governor::{Quota, RateLimiter};
use uuid::Uuid;

use transport::{CloseCode, ReadError, Socket};
use upgrade::PendingSocket;

use crate::realtime::{
    hub::{Mailbox, Recipients, SocketId},
    protocol::{AuthorRef, ClientFrame, FrameError, ServerFrame},
    revocation::{Credential, close_code},
};
use crate::{
    auth::CurrentUser,
    conversations::{Audience, Author, AuthorKind, Conversation, Stored},
    db::{ContactId, ConversationId, UserId, WorkspaceId},
    error::AppError,
    state::AppState,
};

/// A socket must say `hello` within this time.
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// The server pings this often...
pub const HEARTBEAT: Duration = Duration::from_secs(20);
/// ...and drops a socket it has not heard from for this long.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// An agent's open inbox marks them online this far ahead, renewed at every heartbeat: other
/// instances (the widget's "online now", offline mode) see it through Postgres.
const ONLINE_LEASE: Duration = Duration::from_secs(45);
/// Sends of one socket waiting for their commit.
const MAX_IN_FLIGHT: usize = 64;
/// On shutdown, how long a socket waits for the acks of the sends it took before closing.
const RESTART_ACK_WAIT: Duration = Duration::from_secs(2);
/// Frames per second a visitor may send on average, and in a burst; more closes the socket.
const VISITOR_FRAMES_PER_SECOND: u32 = 20;
const VISITOR_FRAME_BURST: u32 = 100;
/// Agents (and, later, API clients) answer many conversations from one socket.
const AGENT_FRAMES_PER_SECOND: u32 = 100;
const AGENT_FRAME_BURST: u32 = 500;

/// Answers a WebSocket handshake; [`upgrade`] then hands the connection to the socket's task.
/// The session cookie counts only when the page that opened the socket is Parlor's own
/// (`Origin` equal to `PUBLIC_URL`): no cross-site WebSocket hijacking.
pub async fn connect(req: HttpRequest, state: web::Data<AppState>, user: Option<CurrentUser>) -> Result<HttpResponse, actix_web::Error> {
    let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let own_origin = origin == Some(state.settings.public_origin().as_str());
    let agent = user.filter(|_| own_origin);
    // A visitor's socket from a page other than Parlor's chat window: checked against the
    // workspace's allowed domains once the token says which workspace.
    let foreign_origin = origin.filter(|_| !own_origin).map(str::to_string);
    let mut response = actix_http::ws::handshake(req.head())?.message_body(actix_web::body::BoxBody::new(()))?;
    response.extensions_mut().insert(PendingSocket { state: state.into_inner(), agent, foreign_origin });
    Ok(response.into())
}

/// Who is on the other end, once `hello` is accepted.
#[derive(Clone, Debug)]
enum Identity {
    Visitor { workspace_id: WorkspaceId, contact_id: ContactId, name: Option<String> },
    Agent { workspace_id: WorkspaceId, user_id: UserId, name: String, avatar: Option<String> },
}

impl Identity {
    /// The `role` label of the socket metrics.
    fn role(&self) -> &'static str {
        match self {
            Self::Visitor { .. } => "visitor",
            Self::Agent { .. } => "agent",
        }
    }

    fn workspace_id(&self) -> WorkspaceId {
        match self {
            Self::Visitor { workspace_id, .. } | Self::Agent { workspace_id, .. } => *workspace_id,
        }
    }

    fn audience(&self) -> Audience {
        match self {
            Self::Visitor { contact_id, .. } => Audience::Visitor(*contact_id),
            Self::Agent { .. } => Audience::Agents,
        }
    }

    fn author(&self) -> Author {
        match self {
            Self::Visitor { contact_id, name, .. } => Author::Visitor { contact_id: *contact_id, name: name.clone() },
            Self::Agent { user_id, name, avatar, .. } => Author::Agent { user_id: *user_id, name: name.clone(), avatar: avatar.clone() },
        }
    }

    fn author_ref(&self) -> AuthorRef<'_> {
        match self {
            Self::Visitor { contact_id, name, .. } => {
                AuthorRef { kind: AuthorKind::Visitor, id: Some(contact_id.0), name: name.as_deref(), avatar_url: None }
            }
            Self::Agent { user_id, name, .. } => {
                AuthorRef { kind: AuthorKind::Agent, id: Some(user_id.0), name: Some(name), avatar_url: None }
            }
        }
    }
}

/// Why a socket is being closed: the close frame's code and reason.
struct Closing(CloseCode, String);

fn close(code: CloseCode, description: &str) -> Closing {
    Closing(code, description.to_string())
}

/// A peer that is gone, or takes nothing, ends its socket as a normal close.
impl From<transport::Gone> for Closing {
    fn from(_: transport::Gone) -> Self {
        close(CloseCode::Normal, "closed")
    }
}

impl From<Closing> for (CloseCode, String) {
    fn from(Closing(code, reason): Closing) -> Self {
        (code, reason)
    }
}

type Ack = std::pin::Pin<Box<dyn std::future::Future<Output = (Uuid, Result<Stored, AppError>)>>>;

async fn run(pending: PendingSocket, mut socket: Socket) {
    let PendingSocket { state, agent, foreign_origin } = pending;
    let closing = match wait_for_hello(&mut socket).await {
        Ok((frame, resume)) => match authenticate(&state, agent, foreign_origin, frame).await {
            Ok(mut authenticated) => {
                let conversations = authenticated.conversations.take();
                let mut connection = Connection::new(state, socket, authenticated);
                // Boxed: the idle socket's task then stays small (memory per socket).
                let outcome = Box::pin(connection.serve(resume, conversations)).await;
                // The close frame is out before the socket leaves the hub: a drain waits for
                // the hub to empty, and so for every client to have its 1012.
                connection.socket.send_close(outcome.err().map(Into::into)).await;
                connection.leave();
                connection.socket.linger().await;
                return;
            }
            Err(error) => {
                let _ = socket.queue(error_frame(&error)).await;
                Some(close(CloseCode::Policy, &error.message))
            }
        },
        Err(closing) => Some(closing),
    };
    socket.send_close(closing.map(Into::into)).await;
    socket.linger().await;
}

fn error_frame(error: &FrameError) -> String {
    ServerFrame::Error { code: error.code, message: &error.message, client_id: error.client_id, conversation_id: None }.to_json()
}

fn frame_error(code: &'static str, message: impl Into<String>, client_id: Option<Uuid>) -> FrameError {
    FrameError { code, message: message.into(), client_id }
}

/// One clock for every socket's flood limit. Making a clock probes the CPU (`CPUID`, a trap to
/// the hypervisor on a virtual machine): per socket it cost several percent of the CPU during a
/// reconnect storm (measured with `perf`).
static LIMITER_CLOCK: std::sync::LazyLock<governor::clock::DefaultClock> = std::sync::LazyLock::new(Default::default);

fn frame_limiter(per_second: u32, burst: u32) -> governor::DefaultDirectRateLimiter {
    RateLimiter::direct_with_clock(
        Quota::per_second(NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN)),
        LIMITER_CLOCK.clone(),
    )
}

/// A revoked credential: the documented close code, so a client knows not to retry with it
/// (or, after a merge, to retry with it at once).
fn revoked(reason: &str) -> Closing {
    close(CloseCode::from(close_code(reason)), reason)
}

/// How a socket whose frame could not be read ends: `None` when the peer is already gone.
fn protocol_close(error: ReadError) -> Option<Closing> {
    match error {
        ReadError::TooLarge => Some(close(CloseCode::Size, "frame larger than 64 KiB")),
        ReadError::Invalid => Some(close(CloseCode::Protocol, "invalid WebSocket frame")),
        ReadError::Gone => None,
    }
}

fn frame_name(frame: &ClientFrame) -> &'static str {
    match frame {
        ClientFrame::Hello { .. } => "hello",
        ClientFrame::Send { .. } => "send",
        ClientFrame::Typing { .. } => "typing",
        ClientFrame::Read { .. } => "read",
        ClientFrame::Presence { .. } => "presence",
        ClientFrame::Viewing { .. } => "viewing",
        ClientFrame::History { .. } => "history",
        ClientFrame::Ping {} => "ping",
        ClientFrame::Rate { .. } => "rate",
    }
}

/// An authenticated socket.
struct Connection {
    state: Arc<AppState>,
    socket: Socket,
    identity: Identity,
    /// What the socket was opened with: revoking it closes the socket.
    credential: Credential,
    /// An API key without the `write` scope: it may listen, not act.
    read_only: bool,
    socket_id: SocketId,
    /// The last `seq` delivered per conversation: what is at or below it is a duplicate.
    seen: HashMap<ConversationId, i64>,
    /// Conversations this socket may touch, with their visitor.
    known: HashMap<ConversationId, ContactId>,
    connected_at: time::OffsetDateTime,
    /// `created_at` of the newest message sent on this socket: where a catch-up starts.
    last_delivered_at: Option<time::OffsetDateTime>,
}

type Step = Result<(), Closing>;

impl Connection {
    fn new(state: Arc<AppState>, socket: Socket, authenticated: Authenticated) -> Self {
        let Authenticated { identity, credential, read_only, conversations: _ } = authenticated;
        Self {
            state,
            socket,
            identity,
            credential,
            read_only,
            socket_id: 0,
            seen: HashMap::new(),
            known: HashMap::new(),
            connected_at: time::OffsetDateTime::now_utc(),
            last_delivered_at: None,
        }
    }

    /// Queues a frame; the session loop writes it before it next waits.
    async fn text(&mut self, frame: impl Into<String>) -> Step {
        self.socket.queue(frame.into()).await.map_err(Closing::from)
    }

    async fn error(&mut self, error: FrameError) -> Step {
        self.text(error_frame(&error)).await
    }

    async fn serve(&mut self, resume: HashMap<ConversationId, i64>, conversations: Option<Vec<Conversation>>) -> Step {
        let capacity = match self.identity {
            Identity::Visitor { .. } => super::hub::VISITOR_QUEUE,
            Identity::Agent { .. } => super::hub::AGENT_QUEUE,
        };
        let (mailbox, mut deliveries, flags) = Mailbox::new(capacity);
        let _open = crate::ops::metrics::OpenSocket::new(self.identity.role());
        // Subscribe before replaying: whatever is committed meanwhile is queued, and the
        // overlap is dropped by seq.
        let first_socket = self.join(mailbox);
        if self.state.realtime.hub.is_restarting() {
            // Opened while the instance shuts down: straight to another instance.
            return Err(close(CloseCode::Restart, "server restarting"));
        }
        // The caller leaves the hub once the close frame is out.
        self.session_loop(resume, conversations, &mut deliveries, &flags, first_socket).await
    }

    fn join(&mut self, mailbox: Mailbox) -> bool {
        let realtime = &self.state.realtime;
        let (id, count) = match &self.identity {
            Identity::Agent { workspace_id, user_id, .. } => realtime.hub.join_agent(*workspace_id, *user_id, self.credential, mailbox),
            Identity::Visitor { workspace_id, contact_id, .. } => {
                realtime.hub.join_visitor(*workspace_id, *contact_id, self.credential, mailbox)
            }
        };
        self.socket_id = id;
        self.mark_online(true);
        count == 1
    }

    /// Records in Postgres that this agent is online (for a lease) or gone, in the background.
    fn mark_online(&self, online: bool) {
        let Identity::Agent { workspace_id, user_id, .. } = &self.identity else { return };
        let (workspace_id, user_id, state) = (*workspace_id, *user_id, self.state.clone());
        let until = online.then(|| time::OffsetDateTime::now_utc() + ONLINE_LEASE);
        actix_web::rt::spawn(async move {
            let outcome = crate::db::run(&state.pool, move |conn| {
                let came_online = crate::workspaces::Workspace::mark_online(conn, workspace_id, user_id, until)?;
                Ok((came_online, crate::realtime::availability_flip(conn, workspace_id)?))
            })
            .await;
            match outcome {
                Ok((came_online, flipped)) => {
                    if let Some(frame) = flipped {
                        state.realtime.broadcast_to_visitors(workspace_id, frame);
                    }
                    // Someone available may take the conversations that wait.
                    if came_online {
                        state.assignment.workspace(workspace_id);
                    }
                }
                Err(error) => tracing::warn!(error = ?error, "could not record an agent's presence"),
            }
        });
    }

    /// Unregisters from the hub and announces the departure. Called by `Drop`, so that a socket
    /// whose task ends early (a panic included) never stays registered or online.
    fn leave(&mut self) {
        if self.socket_id == 0 {
            return;
        }
        let realtime = &self.state.realtime;
        let left = match &self.identity {
            Identity::Agent { workspace_id, user_id, .. } => realtime.hub.leave_agent(*workspace_id, *user_id, self.socket_id),
            Identity::Visitor { contact_id, .. } => realtime.hub.leave_visitor(*contact_id, self.socket_id),
        };
        self.socket_id = 0;
        // On shutdown the agent reconnects to another instance within a moment: announcing
        // them gone would make their visitors see the team go offline and come back.
        if left == 0 && !realtime.hub.is_restarting() {
            self.announce_presence("offline");
            // Gone from this instance; an inbox open on another one renews the lease within a
            // heartbeat.
            self.mark_online(false);
        }
    }

    /// Tells the workspace's agents: at once for an agent, coalesced for a visitor (see
    /// [`crate::realtime::presence`]).
    fn announce_presence(&self, status: &'static str) {
        match &self.identity {
            Identity::Visitor { workspace_id, contact_id, .. } => {
                self.state.realtime.presence.note(*workspace_id, *contact_id, status == "online");
            }
            Identity::Agent { workspace_id, user_id, .. } => {
                let frame = ServerFrame::Presence { kind: AuthorKind::Agent, id: user_id.0, status }.to_json();
                let to = Recipients { workspace_id: *workspace_id, agents: true, contact: None, except: Some(self.socket_id) };
                self.state.realtime.broadcast_frame(to, frame);
            }
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.leave();
    }
}
