//! One WebSocket connection at `GET /ws`: authentication by the first frame, resume, sends
//! with acks after commit, and delivery with de-duplication and gap repair by `seq`.

use std::{
    collections::HashMap,
    num::NonZeroU32,
    sync::{Arc, atomic::Ordering},
    time::{Duration, Instant},
};

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, ProtocolError, Session};
use futures_util::{StreamExt, stream::FuturesUnordered};
use governor::{Quota, RateLimiter};
use uuid::Uuid;

use super::{
    hub::{Delivery, Mailbox, MailboxFlags, Recipients, SocketId},
    protocol::{
        AgentStatus, AuthorRef, ClientFrame, ConversationSummary, FrameError, MAX_FRAME_BYTES, MAX_RESUME, ServerFrame, parse_client_frame,
    },
    revocation::{CLOSE_REVOKED, Credential},
};
use crate::{
    auth::CurrentUser,
    conversations::{
        Audience, Author, AuthorKind, Conversation, Message, NewMessage, Stored,
        contacts::{self, Visitor},
        messages_after, validate_body,
    },
    db::{self, ContactId, ConversationId, UserId, WorkspaceId},
    error::AppError,
    state::AppState,
    widget::settings::WidgetSettings,
    workspaces::Workspace,
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
/// Frames per second a visitor may send on average, and in a burst; more closes the socket.
const VISITOR_FRAMES_PER_SECOND: u32 = 20;
const VISITOR_FRAME_BURST: u32 = 100;
/// Agents (and, later, API clients) answer many conversations from one socket.
const AGENT_FRAMES_PER_SECOND: u32 = 100;
const AGENT_FRAME_BURST: u32 = 500;
const REPLAY_PAGE: i64 = 500;

/// Upgrades to a WebSocket. The session cookie counts only when the page that opened the socket
/// is Parlor's own (`Origin` equal to `PUBLIC_URL`): no cross-site WebSocket hijacking.
pub async fn connect(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
    user: Option<CurrentUser>,
) -> Result<HttpResponse, actix_web::Error> {
    let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let own_origin = origin == Some(state.settings.public_origin().as_str());
    let agent = user.filter(|_| own_origin);
    // A visitor's socket from a page other than Parlor's chat window: checked against the
    // workspace's allowed domains once the token says which workspace.
    let foreign_origin = origin.filter(|_| !own_origin).map(str::to_string);
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let stream = stream.max_frame_size(MAX_FRAME_BYTES).aggregate_continuations().max_continuation_size(MAX_FRAME_BYTES);
    actix_web::rt::spawn(run(state.into_inner(), agent, foreign_origin, session, stream));
    Ok(response)
}

/// Who is on the other end, once `hello` is accepted.
#[derive(Clone, Debug)]
enum Identity {
    Visitor { workspace_id: WorkspaceId, contact_id: ContactId, name: Option<String> },
    Agent { workspace_id: WorkspaceId, user_id: UserId, name: String },
}

impl Identity {
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
            Self::Agent { user_id, name, .. } => Author::Agent { user_id: *user_id, name: name.clone() },
        }
    }

    fn author_ref(&self) -> AuthorRef<'_> {
        match self {
            Self::Visitor { contact_id, name, .. } => {
                AuthorRef { kind: AuthorKind::Visitor, id: Some(contact_id.0), name: name.as_deref() }
            }
            Self::Agent { user_id, name, .. } => AuthorRef { kind: AuthorKind::Agent, id: Some(user_id.0), name: Some(name) },
        }
    }
}

/// Why a socket is being closed.
struct Closing(CloseReason);

fn close(code: CloseCode, description: &str) -> Closing {
    Closing(CloseReason { code, description: Some(description.to_string()) })
}

type Ack = std::pin::Pin<Box<dyn std::future::Future<Output = (Uuid, Result<Stored, AppError>)>>>;

async fn run(
    state: Arc<AppState>,
    agent: Option<CurrentUser>,
    foreign_origin: Option<String>,
    mut session: Session,
    mut stream: AggregatedMessageStream,
) {
    let outcome = match wait_for_hello(&mut session, &mut stream).await {
        Ok((frame, resume)) => match authenticate(&state, agent, foreign_origin, frame).await {
            Ok((identity, credential, read_only, conversations)) => {
                let mut connection = Connection::new(state, session.clone(), identity, credential);
                connection.read_only = read_only;
                // Boxed: the idle socket's task then stays small (memory per socket).
                Box::pin(connection.serve(&mut stream, resume, conversations)).await
            }
            Err(error) => {
                let _ = session.text(error_frame(&error)).await;
                Err(close(CloseCode::Policy, &error.message))
            }
        },
        Err(closing) => Err(closing),
    };
    if let Err(Closing(reason)) = outcome {
        let _ = session.close(Some(reason)).await;
    } else {
        let _ = session.close(None).await;
    }
}

fn error_frame(error: &FrameError) -> String {
    ServerFrame::Error { code: error.code, message: &error.message, client_id: error.client_id, conversation_id: None }.to_json()
}

fn frame_error(code: &'static str, message: impl Into<String>, client_id: Option<Uuid>) -> FrameError {
    FrameError { code, message: message.into(), client_id }
}

struct Hello {
    visitor_token: Option<String>,
    api_key: Option<String>,
    workspace_id: Option<WorkspaceId>,
}

/// Waits for the first valid `hello`; anything else before it gets an error frame.
async fn wait_for_hello(
    session: &mut Session,
    stream: &mut AggregatedMessageStream,
) -> Result<(Hello, HashMap<ConversationId, i64>), Closing> {
    let deadline = tokio::time::sleep(HELLO_TIMEOUT);
    tokio::pin!(deadline);
    let limiter = frame_limiter(VISITOR_FRAMES_PER_SECOND, VISITOR_FRAME_BURST);
    loop {
        let message = tokio::select! {
            message = stream.next() => message,
            _ = &mut deadline => return Err(close(CloseCode::Policy, "no hello frame within 10 seconds")),
        };
        if matches!(message, Some(Ok(_))) && limiter.check().is_err() {
            return Err(close(CloseCode::Policy, "too many frames; slow down"));
        }
        let reply = match message {
            Some(Ok(AggregatedMessage::Text(text))) => match parse_client_frame(&text) {
                Ok(ClientFrame::Hello { visitor_token, api_key, workspace_id, resume }) => {
                    return Ok((Hello { visitor_token, api_key, workspace_id }, resume));
                }
                Ok(other) => frame_error("hello_required", format!("Send a hello frame first, not {}.", frame_name(&other)), None),
                Err(error) => error,
            },
            Some(Ok(AggregatedMessage::Ping(bytes))) => {
                session.pong(&bytes).await.map_err(|_| close(CloseCode::Normal, "closed"))?;
                continue;
            }
            Some(Ok(AggregatedMessage::Pong(_))) => continue,
            Some(Ok(AggregatedMessage::Binary(_))) => frame_error("binary_not_supported", "Frames are JSON text.", None),
            Some(Ok(AggregatedMessage::Close(_))) | None => return Err(close(CloseCode::Normal, "closed")),
            Some(Err(error)) => return Err(protocol_close(error)),
        };
        session.text(error_frame(&reply)).await.map_err(|_| close(CloseCode::Normal, "closed"))?;
    }
}

fn frame_limiter(per_second: u32, burst: u32) -> governor::DefaultDirectRateLimiter {
    RateLimiter::direct(
        Quota::per_second(NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN)),
    )
}

/// A revoked credential: the documented close code, so a client knows not to retry with it.
fn revoked(reason: &str) -> Closing {
    close(CloseCode::Other(CLOSE_REVOKED), reason)
}

fn protocol_close(error: ProtocolError) -> Closing {
    match error {
        ProtocolError::Overflow => close(CloseCode::Size, "frame larger than 64 KiB"),
        _ => close(CloseCode::Protocol, "invalid WebSocket frame"),
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
        ClientFrame::Ping {} => "ping",
    }
}

/// The identity, and for a visitor its conversations (loaded in the same database call: a
/// reconnect storm costs one round trip per socket here).
async fn authenticate(
    state: &AppState,
    agent: Option<CurrentUser>,
    foreign_origin: Option<String>,
    hello: Hello,
) -> Result<(Identity, Credential, bool, Option<Vec<Conversation>>), FrameError> {
    let unauthorized =
        || frame_error("unauthorized", "This visitor token is not valid (it may have been revoked); start a new widget session.", None);
    if let Some(secret) = hello.api_key {
        let key = db::run(&state.pool, move |conn| crate::auth::api_keys::ApiKey::authenticate(conn, &secret))
            .await
            .map_err(|_| unavailable())?;
        let Some(key) = key else {
            return Err(frame_error("unauthorized", "This API key is not valid (it may have been revoked).", None));
        };
        if !key.may(crate::auth::api_keys::Scope::Read) {
            return Err(frame_error("forbidden", "This API key lacks the read scope, which a socket needs.", None));
        }
        let read_only = !key.can_write();
        let Some(crate::conversations::Author::Agent { user_id, name }) = key.author else {
            return Err(frame_error("unauthorized", "The member who created this API key has left the workspace; create a new key.", None));
        };
        let identity = Identity::Agent { workspace_id: key.workspace_id, user_id, name };
        return Ok((identity, Credential::ApiKey(key.id), read_only, None));
    }
    if let Some(token) = hello.visitor_token {
        let session_id = contacts::decode_token(state.settings.secret_bytes(), &token).ok_or_else(unauthorized)?;
        let public_origin = state.settings.public_origin();
        let found = db::run(&state.pool, move |conn| {
            let Some(visitor) = Visitor::find(conn, session_id)? else { return Ok(None) };
            if let Some(origin) = foreign_origin {
                let settings = WidgetSettings::load(conn, visitor.contact.workspace_id)?;
                if !settings.allows_origin(&origin, &public_origin) {
                    return Ok(Some(Err(())));
                }
            }
            let conversations = Conversation::list_for_contact(conn, visitor.contact.workspace_id, visitor.contact.id)?;
            Ok(Some(Ok((visitor, conversations))))
        })
        .await
        .map_err(|_| unavailable())?;
        let (visitor, conversations) = found.ok_or_else(unauthorized)?.map_err(|()| {
            frame_error("origin_not_allowed", "This website may not use this chat: its domain is not among the allowed domains.", None)
        })?;
        let identity =
            Identity::Visitor { workspace_id: visitor.contact.workspace_id, contact_id: visitor.contact.id, name: visitor.contact.name };
        return Ok((identity, Credential::Visitor(session_id), false, Some(conversations)));
    }
    let Some(current) = agent else {
        return Err(frame_error("unauthorized", "Say hello with a visitor_token, or open the socket from a signed-in Parlor page.", None));
    };
    let (user_id, session_id) = (current.user.id, current.session_id);
    let requested = hello.workspace_id;
    let workspace = db::run(&state.pool, move |conn| match requested {
        Some(id) => Ok(Workspace::find_for_member(conn, id, user_id)?.map(|(w, _)| w)),
        None => {
            let mut all = Workspace::list_for_user(conn, user_id)?;
            Ok(if all.len() == 1 { all.pop() } else { None })
        }
    })
    .await
    .map_err(|_| unavailable())?;
    let Some(workspace) = workspace else {
        return Err(match requested {
            Some(_) => frame_error("not_found", "No such workspace.", None),
            None => frame_error("workspace_required", "You belong to several workspaces: say which one with workspace_id.", None),
        });
    };
    Ok((Identity::Agent { workspace_id: workspace.id, user_id, name: current.user.name }, Credential::Session(session_id), false, None))
}

fn unavailable() -> FrameError {
    frame_error("unavailable", "The service is not available right now; try again.", None)
}

/// An authenticated socket.
struct Connection {
    state: Arc<AppState>,
    session: Session,
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

/// How far before the last delivered message a catch-up looks: a message is stamped before its
/// batch commits, so one committed just after may carry a slightly older time.
const CATCH_UP_MARGIN: time::Duration = time::Duration::seconds(5);

type Step = Result<(), Closing>;

impl Connection {
    fn new(state: Arc<AppState>, session: Session, identity: Identity, credential: Credential) -> Self {
        Self {
            state,
            session,
            identity,
            credential,
            read_only: false,
            socket_id: 0,
            seen: HashMap::new(),
            known: HashMap::new(),
            connected_at: time::OffsetDateTime::now_utc(),
            last_delivered_at: None,
        }
    }

    async fn text(&mut self, frame: impl Into<String>) -> Step {
        let frame: String = frame.into();
        self.session.text(frame).await.map_err(|_| close(CloseCode::Normal, "closed"))
    }

    async fn error(&mut self, error: FrameError) -> Step {
        self.text(error_frame(&error)).await
    }

    async fn serve(
        &mut self,
        stream: &mut AggregatedMessageStream,
        resume: HashMap<ConversationId, i64>,
        conversations: Option<Vec<Conversation>>,
    ) -> Step {
        let capacity = match self.identity {
            Identity::Visitor { .. } => super::hub::VISITOR_QUEUE,
            Identity::Agent { .. } => super::hub::AGENT_QUEUE,
        };
        let (mailbox, mut deliveries, flags) = Mailbox::new(capacity);
        // Subscribe before replaying: whatever is committed meanwhile is queued, and the
        // overlap is dropped by seq.
        let first_socket = self.join(mailbox);
        let result = self.session_loop(stream, resume, conversations, &mut deliveries, &flags, first_socket).await;
        self.leave();
        result
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
        let (workspace_id, user_id, pool) = (*workspace_id, *user_id, self.state.pool.clone());
        let until = online.then(|| time::OffsetDateTime::now_utc() + ONLINE_LEASE);
        actix_web::rt::spawn(async move {
            if let Err(error) =
                crate::db::run(&pool, move |conn| crate::workspaces::Workspace::mark_online(conn, workspace_id, user_id, until)).await
            {
                tracing::warn!(error = ?error, "could not record an agent's presence");
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
        if left == 0 {
            self.announce_presence("offline");
            // Gone from this instance; an inbox open on another one renews the lease within a
            // heartbeat.
            self.mark_online(false);
        }
    }

    fn announce_presence(&self, status: &'static str) {
        let (kind, id) = match &self.identity {
            Identity::Agent { user_id, .. } => (AuthorKind::Agent, user_id.0),
            Identity::Visitor { contact_id, .. } => (AuthorKind::Visitor, contact_id.0),
        };
        let frame = ServerFrame::Presence { kind, id, status }.to_json();
        let to = Recipients { workspace_id: self.identity.workspace_id(), agents: true, contact: None, except: Some(self.socket_id) };
        self.state.realtime.broadcast_frame(to, frame);
    }

    /// Says welcome; a visitor's welcome lists its conversations with their last seq.
    async fn welcome(&mut self, conversations: &[Conversation]) -> Step {
        let frame = match &self.identity {
            Identity::Visitor { workspace_id, contact_id, .. } => ServerFrame::Welcome {
                role: "visitor",
                workspace_id: *workspace_id,
                visitor_id: Some(contact_id.0),
                user_id: None,
                conversations: Some(
                    conversations.iter().map(|c| ConversationSummary { id: c.id, status: c.status, last_seq: c.last_seq }).collect(),
                ),
                heartbeat_seconds: HEARTBEAT.as_secs(),
            }
            .to_json(),
            Identity::Agent { workspace_id, user_id, .. } => ServerFrame::Welcome {
                role: "agent",
                workspace_id: *workspace_id,
                visitor_id: None,
                user_id: Some(user_id.0),
                conversations: None,
                heartbeat_seconds: HEARTBEAT.as_secs(),
            }
            .to_json(),
        };
        self.text(frame).await
    }

    async fn session_loop(
        &mut self,
        stream: &mut AggregatedMessageStream,
        resume: HashMap<ConversationId, i64>,
        conversations: Option<Vec<Conversation>>,
        deliveries: &mut tokio::sync::mpsc::Receiver<Delivery>,
        flags: &MailboxFlags,
        first_socket: bool,
    ) -> Step {
        let conversations = conversations.unwrap_or_default();
        self.welcome(&conversations).await?;
        for conversation in &conversations {
            self.known.insert(conversation.id, conversation.contact_id);
        }
        if first_socket {
            self.announce_presence("online");
        }
        if resume.len() > MAX_RESUME {
            self.error(frame_error("too_many_conversations", format!("Resume at most {MAX_RESUME} conversations per hello."), None))
                .await?;
        }
        for (conversation_id, last_seq) in resume.into_iter().take(MAX_RESUME) {
            Box::pin(self.replay(conversation_id, last_seq)).await?;
        }

        let (per_second, burst) = match self.identity {
            Identity::Visitor { .. } => (VISITOR_FRAMES_PER_SECOND, VISITOR_FRAME_BURST),
            Identity::Agent { .. } => (AGENT_FRAMES_PER_SECOND, AGENT_FRAME_BURST),
        };
        let limiter = frame_limiter(per_second, burst);
        let mut acks: FuturesUnordered<Ack> = FuturesUnordered::new();
        let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + HEARTBEAT, HEARTBEAT);
        let mut last_heard = Instant::now();
        loop {
            tokio::select! {
                message = stream.next() => {
                    last_heard = Instant::now();
                    // Every frame a client sends costs the server work: pings and binary
                    // frames count against the flood limit as much as text.
                    if matches!(message, Some(Ok(_))) && limiter.check().is_err() {
                        return Err(close(CloseCode::Policy, "too many frames; slow down"));
                    }
                    match message {
                        Some(Ok(AggregatedMessage::Text(text))) => {
                            Box::pin(self.handle_text(&text, &mut acks)).await?;
                        }
                        Some(Ok(AggregatedMessage::Binary(_))) => {
                            self.error(frame_error("binary_not_supported", "Frames are JSON text.", None)).await?;
                        }
                        Some(Ok(AggregatedMessage::Ping(bytes))) => {
                            self.session.pong(&bytes).await.map_err(|_| close(CloseCode::Normal, "closed"))?;
                        }
                        Some(Ok(AggregatedMessage::Pong(_))) => {}
                        Some(Ok(AggregatedMessage::Close(_))) | None => return Ok(()),
                        Some(Err(error)) => return Err(protocol_close(error)),
                    }
                }
                Some(delivery) = deliveries.recv() => Box::pin(self.deliver(delivery)).await?,
                Some((client_id, result)) = acks.next(), if !acks.is_empty() => Box::pin(self.acknowledge(client_id, result)).await?,
                _ = heartbeat.tick() => {
                    if last_heard.elapsed() > IDLE_TIMEOUT {
                        return Err(close(CloseCode::Away, "no answer to pings"));
                    }
                    self.session.ping(b"").await.map_err(|_| close(CloseCode::Normal, "closed"))?;
                    self.mark_online(true);
                }
            }
            if let Some(reason) = flags.revoked.get() {
                return Err(revoked(reason));
            }
            if flags.lagging.swap(false, Ordering::AcqRel) {
                Box::pin(self.resync()).await?;
            }
        }
    }

    async fn handle_text(&mut self, text: &str, acks: &mut FuturesUnordered<Ack>) -> Step {
        let frame = match parse_client_frame(text) {
            Ok(frame) => frame,
            Err(error) => return self.error(error).await,
        };
        match frame {
            ClientFrame::Hello { .. } => {
                self.error(frame_error("already_authenticated", "This socket has already said hello.", None)).await
            }
            ClientFrame::Ping {} => self.text(ServerFrame::Pong {}.to_json()).await,
            ClientFrame::Send { client_id, .. } if self.read_only => {
                self.error(frame_error("forbidden", "This API key lacks the write scope: it may listen, not send.", Some(client_id))).await
            }
            ClientFrame::Typing { .. } | ClientFrame::Read { .. } | ClientFrame::Presence { .. } | ClientFrame::Viewing { .. }
                if self.read_only =>
            {
                self.error(frame_error("forbidden", "This API key lacks the write scope: it may listen, not act.", None)).await
            }
            ClientFrame::Send { client_id, conversation_id, body, private } => {
                self.send(client_id, conversation_id, body, private, acks).await
            }
            ClientFrame::Typing { conversation_id, typing } => self.typing(conversation_id, typing).await,
            ClientFrame::Read { conversation_id, seq } => self.read(conversation_id, seq).await,
            ClientFrame::Presence { status } => self.presence(status).await,
            ClientFrame::Viewing { conversation_id, viewing } => self.viewing(conversation_id, viewing).await,
        }
    }

    async fn send(
        &mut self,
        client_id: Uuid,
        conversation_id: Option<ConversationId>,
        body: String,
        private: bool,
        acks: &mut FuturesUnordered<Ack>,
    ) -> Step {
        if let Err((code, message)) = validate_body(&body) {
            return self.error(frame_error(code, message, Some(client_id))).await;
        }
        if private && matches!(self.identity, Identity::Visitor { .. }) {
            return self.error(frame_error("forbidden", "Only agents can write internal notes.", Some(client_id))).await;
        }
        if conversation_id.is_none() && matches!(self.identity, Identity::Agent { .. }) {
            return self.error(frame_error("invalid_frame", "Agents must name the conversation_id.", Some(client_id))).await;
        }
        if acks.len() >= MAX_IN_FLIGHT {
            return self
                .error(frame_error(
                    "too_many_in_flight",
                    format!("Wait for acks: at most {MAX_IN_FLIGHT} sends may be pending."),
                    Some(client_id),
                ))
                .await;
        }
        let new = NewMessage {
            workspace_id: self.identity.workspace_id(),
            author: self.identity.author(),
            conversation_id,
            client_id,
            body,
            private,
        };
        match self.state.realtime.writer.enqueue(new) {
            Ok(answer) => {
                acks.push(Box::pin(async move {
                    let result = answer.await.unwrap_or_else(|_| Err(AppError::Unavailable(anyhow::anyhow!("writer stopped"))));
                    (client_id, result)
                }));
                Ok(())
            }
            Err(error) => self.send_failed(client_id, error).await,
        }
    }

    async fn send_failed(&mut self, client_id: Uuid, error: AppError) -> Step {
        let (code, message) = match &error {
            AppError::NotFound => ("not_found", "No such conversation.".to_string()),
            AppError::LimitReached(message) => ("limit", message.clone()),
            AppError::BadRequest(message) => ("invalid_frame", message.clone()),
            AppError::Unavailable(_) => ("unavailable", "The message was not stored; send it again with the same client_id.".to_string()),
            _ => ("internal", "The message was not stored; send it again with the same client_id.".to_string()),
        };
        if !matches!(error, AppError::NotFound | AppError::BadRequest(_) | AppError::LimitReached(_)) {
            tracing::warn!(error = ?error, "send failed");
        }
        self.error(frame_error(code, message, Some(client_id))).await
    }

    async fn acknowledge(&mut self, client_id: Uuid, result: Result<Stored, AppError>) -> Step {
        match result {
            Ok(stored) => {
                let message = &stored.message;
                self.known.insert(message.conversation_id, message.contact_id);
                let ack = ServerFrame::Ack {
                    client_id,
                    conversation_id: message.conversation_id,
                    seq: message.seq,
                    message_id: message.id.0,
                    created_at: message.created_at,
                }
                .to_json();
                self.text(ack).await?;
                if stored.reopened {
                    let frame = ServerFrame::Conversation {
                        conversation_id: message.conversation_id,
                        status: crate::conversations::ConversationStatus::Open,
                        assignee_id: None,
                    }
                    .to_json();
                    let to =
                        Recipients { workspace_id: message.workspace_id, agents: true, contact: Some(message.contact_id), except: None };
                    self.state.realtime.broadcast_frame(to, frame);
                }
                Ok(())
            }
            Err(error) => self.send_failed(client_id, error).await,
        }
    }

    /// The visitor of a conversation this socket may touch; `None` answers "not found".
    async fn contact_of(&mut self, conversation_id: ConversationId) -> Result<Option<ContactId>, Closing> {
        if let Some(contact) = self.known.get(&conversation_id) {
            return Ok(Some(*contact));
        }
        let (workspace_id, audience) = (self.identity.workspace_id(), self.identity.audience());
        let found = db::run(&self.state.pool, move |conn| Conversation::find(conn, workspace_id, audience, conversation_id))
            .await
            .map_err(|_| close(CloseCode::Error, "database unavailable"))?;
        if let Some(conversation) = &found {
            self.known.insert(conversation.id, conversation.contact_id);
        }
        Ok(found.map(|c| c.contact_id))
    }

    async fn not_found(&mut self, conversation_id: ConversationId) -> Step {
        let frame = ServerFrame::Error {
            code: "not_found",
            message: "No such conversation.",
            client_id: None,
            conversation_id: Some(conversation_id),
        }
        .to_json();
        self.text(frame).await
    }

    async fn typing(&mut self, conversation_id: ConversationId, typing: bool) -> Step {
        let Some(contact) = self.contact_of(conversation_id).await? else { return self.not_found(conversation_id).await };
        let frame = ServerFrame::Typing { conversation_id, author: self.identity.author_ref(), typing }.to_json();
        let to_visitor = matches!(self.identity, Identity::Agent { .. }).then_some(contact);
        let to = Recipients { workspace_id: self.identity.workspace_id(), agents: true, contact: to_visitor, except: Some(self.socket_id) };
        self.state.realtime.broadcast_frame(to, frame);
        Ok(())
    }

    async fn read(&mut self, conversation_id: ConversationId, seq: i64) -> Step {
        let Some(contact) = self.contact_of(conversation_id).await? else { return self.not_found(conversation_id).await };
        let (workspace_id, audience) = (self.identity.workspace_id(), self.identity.audience());
        db::run(&self.state.pool, move |conn| Conversation::mark_read(conn, workspace_id, audience, conversation_id, seq))
            .await
            .map_err(|_| close(CloseCode::Error, "database unavailable"))?;
        let frame = ServerFrame::Read { conversation_id, seq, reader: self.identity.author_ref() }.to_json();
        let to = Recipients { workspace_id, agents: true, contact: Some(contact), except: Some(self.socket_id) };
        self.state.realtime.broadcast_frame(to, frame);
        Ok(())
    }

    async fn viewing(&mut self, conversation_id: ConversationId, viewing: bool) -> Step {
        if !matches!(self.identity, Identity::Agent { .. }) {
            return self.error(frame_error("forbidden", "Only agents say what they are viewing.", None)).await;
        }
        if self.contact_of(conversation_id).await?.is_none() {
            return self.not_found(conversation_id).await;
        }
        let frame = ServerFrame::Viewing { conversation_id, agent: self.identity.author_ref(), viewing }.to_json();
        let to = Recipients { workspace_id: self.identity.workspace_id(), agents: true, contact: None, except: Some(self.socket_id) };
        self.state.realtime.broadcast_frame(to, frame);
        Ok(())
    }

    async fn presence(&mut self, status: AgentStatus) -> Step {
        let Identity::Agent { workspace_id, user_id, .. } = self.identity.clone() else {
            return self.error(frame_error("forbidden", "Only agents set a presence.", None)).await;
        };
        // Kept, so that the next page load shows the agent's choice.
        let away = status == AgentStatus::Away;
        db::run(&self.state.pool, move |conn| crate::workspaces::Workspace::set_away(conn, workspace_id, user_id, away))
            .await
            .map_err(|_| close(CloseCode::Error, "the service is not available"))?;
        self.announce_presence(match status {
            AgentStatus::Online => "online",
            AgentStatus::Away => "away",
        });
        Ok(())
    }

    /// Sends messages of a conversation after `after` (up to `up_to`), in order, and remembers
    /// the last seq. Returns how many were sent.
    async fn send_range(&mut self, conversation_id: ConversationId, after: i64, up_to: Option<i64>) -> Result<usize, Closing> {
        let (workspace_id, audience) = (self.identity.workspace_id(), self.identity.audience());
        let mut cursor = after;
        let mut sent = 0;
        loop {
            let page = db::run(&self.state.pool, move |conn| {
                messages_after(conn, workspace_id, audience, conversation_id, cursor, up_to, REPLAY_PAGE)
            })
            .await
            .map_err(|_| close(CloseCode::Error, "database unavailable"))?;
            let count = page.len();
            for message in page {
                cursor = message.seq;
                self.text(super::protocol::message_frame(&message)).await?;
                sent += 1;
            }
            if let Some(limit) = up_to {
                cursor = cursor.max(limit);
            }
            self.seen.insert(conversation_id, cursor.max(self.seen.get(&conversation_id).copied().unwrap_or(0)));
            if (count as i64) < REPLAY_PAGE {
                return Ok(sent);
            }
        }
    }

    /// Sends what a resuming client lacks, read after the socket joined the hub: a message
    /// committed in between is either replayed here or delivered live, and `seen` drops the
    /// overlap. Ownership comes from the visitor's welcome list when it is there.
    async fn replay(&mut self, conversation_id: ConversationId, last_seq: i64) -> Step {
        if !self.known.contains_key(&conversation_id) && self.contact_of(conversation_id).await?.is_none() {
            return self.not_found(conversation_id).await;
        }
        let last_seq = last_seq.max(0);
        self.seen.insert(conversation_id, last_seq);
        self.send_range(conversation_id, last_seq, None).await?;
        Ok(())
    }

    async fn deliver(&mut self, delivery: Delivery) -> Step {
        match delivery {
            Delivery::Message(message, frame) => self.deliver_message(&message, &frame).await,
            Delivery::Frame(frame) => self.text(frame.to_string()).await,
            Delivery::Resync => self.resync().await,
            Delivery::Revoked(reason) => Err(revoked(reason)),
        }
    }

    async fn deliver_message(&mut self, message: &Message, frame: &str) -> Step {
        let conversation_id = message.conversation_id;
        self.known.insert(conversation_id, message.contact_id);
        match self.seen.get(&conversation_id).copied() {
            Some(last) if message.seq <= last => return Ok(()),
            Some(last) if message.seq > last + 1 => {
                // A wake-up was lost (or an internal note skipped): fetch the gap first.
                self.send_range(conversation_id, last, Some(message.seq - 1)).await?;
            }
            _ => {}
        }
        self.text(frame.to_string()).await?;
        self.seen.insert(conversation_id, message.seq);
        self.last_delivered_at = Some(self.last_delivered_at.map_or(message.created_at, |at| at.max(message.created_at)));
        Ok(())
    }

    /// Catches up every conversation this socket has seen, from Postgres.
    async fn resync(&mut self) -> Step {
        tracing::debug!(conversations = self.seen.len(), "socket fell behind; catching up from Postgres");
        if matches!(self.identity, Identity::Agent { .. }) {
            return self.catch_up_workspace().await;
        }
        let seen: Vec<(ConversationId, i64)> = self.seen.iter().map(|(c, s)| (*c, *s)).collect();
        for (conversation_id, last) in seen {
            self.send_range(conversation_id, last, None).await?;
        }
        Ok(())
    }

    /// An agent follows a whole workspace: one query for everything created since the last
    /// message it was sent (with a margin for commits still in flight), then the usual
    /// de-duplication and gap repair per conversation.
    async fn catch_up_workspace(&mut self) -> Step {
        const PAGE: i64 = 2_000;
        let workspace_id = self.identity.workspace_id();
        let mut since = self.last_delivered_at.unwrap_or(self.connected_at) - CATCH_UP_MARGIN;
        loop {
            let from = since;
            let page = db::run(&self.state.pool, move |conn| crate::conversations::messages_since(conn, workspace_id, from, PAGE))
                .await
                .map_err(|_| close(CloseCode::Error, "database unavailable"))?;
            let full = page.len() as i64 == PAGE;
            for message in page {
                since = since.max(message.created_at);
                let frame = super::protocol::message_frame(&message);
                self.deliver_message(&message, &frame).await?;
            }
            if !full {
                return Ok(());
            }
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.leave();
    }
}
