//! The session loop of an authenticated socket: frames in (sends, typing, read marks,
//! presence), deliveries and acks out, heartbeats, the flood limit and revocation.
//!
//! Tenant rule: every conversation a frame names is looked up within the socket's workspace
//! (and, for a visitor, its contact) before anything is done with it.

use super::transport::{CloseCode, Incoming};
use super::{
    AGENT_FRAME_BURST, AGENT_FRAMES_PER_SECOND, Ack, Closing, Connection, HEARTBEAT, IDLE_TIMEOUT, Identity, MAX_IN_FLIGHT,
    RESTART_ACK_WAIT, Step, VISITOR_FRAME_BURST, VISITOR_FRAMES_PER_SECOND, close, frame_error, frame_limiter, protocol_close, revoked,
};
use std::{collections::HashMap, sync::atomic::Ordering, time::Instant};

use futures_util::{StreamExt, stream::FuturesUnordered};
use uuid::Uuid;

use crate::realtime::{
    hub::{Delivery, MailboxFlags, Recipients},
    protocol::{AgentStatus, ClientFrame, ConversationSummary, MAX_RESUME, ServerFrame, parse_client_frame},
};
use crate::{
    conversations::{Conversation, NewMessage, Stored, actions, ratings::RateError, validate_body},
    db::{self, ContactId, ConversationId, UploadId},
    error::AppError,
};

/// Deliveries handled before the socket writes: at most this many frames wait for one write.
const DELIVERY_BURST: usize = 64;

impl Connection {
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

    /// Welcome, presence and resume: what a socket gets before the loop.
    async fn open(&mut self, resume: HashMap<ConversationId, i64>, conversations: Option<Vec<Conversation>>, first_socket: bool) -> Step {
        let conversations = conversations.unwrap_or_default();
        self.welcome(&conversations).await?;
        // Out at once, not with the replay: the client learns it is connected without waiting
        // for the queries of its catch-up.
        self.socket.flush().await?;
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
        // A visitor's own conversations are resumed together; anything else is checked first.
        let (owned, others): (Vec<_>, Vec<_>) =
            resume.into_iter().take(MAX_RESUME).partition(|(conversation_id, _)| self.known.contains_key(conversation_id));
        Box::pin(self.replay_owned(owned)).await?;
        for (conversation_id, last_seq) in others {
            Box::pin(self.replay(conversation_id, last_seq)).await?;
        }
        Ok(())
    }

    pub(super) async fn session_loop(
        &mut self,
        resume: HashMap<ConversationId, i64>,
        conversations: Option<Vec<Conversation>>,
        deliveries: &mut tokio::sync::mpsc::Receiver<Delivery>,
        flags: &MailboxFlags,
        first_socket: bool,
    ) -> Step {
        // Boxed: its future is dropped once done, and the idle socket's task stays small.
        Box::pin(self.open(resume, conversations, first_socket)).await?;
        let (per_second, burst) = match self.identity {
            Identity::Visitor { .. } => (VISITOR_FRAMES_PER_SECOND, VISITOR_FRAME_BURST),
            Identity::Agent { .. } => (AGENT_FRAMES_PER_SECOND, AGENT_FRAME_BURST),
        };
        let limiter = frame_limiter(per_second, burst);
        let mut acks: FuturesUnordered<Ack> = FuturesUnordered::new();
        let mut heartbeat = tokio::time::interval_at(tokio::time::Instant::now() + HEARTBEAT, HEARTBEAT);
        let mut last_heard = Instant::now();
        loop {
            // What the last event queued goes out before the socket waits for the next one.
            self.socket.flush().await?;
            tokio::select! {
                message = self.socket.next() => {
                    last_heard = Instant::now();
                    // Every frame a client sends costs the server work: pings and binary
                    // frames count against the flood limit as much as text.
                    if matches!(message, Some(Ok(_))) && limiter.check().is_err() {
                        return Err(close(CloseCode::Policy, "too many frames; slow down"));
                    }
                    match message {
                        Some(Ok(Incoming::Text(text))) => {
                            Box::pin(self.handle_text(&text, &mut acks)).await?;
                        }
                        Some(Ok(Incoming::Binary)) => {
                            self.error(frame_error("binary_not_supported", "Frames are JSON text.", None)).await?;
                        }
                        // Answered by the transport with the next write.
                        Some(Ok(Incoming::Ping | Incoming::Pong)) => {}
                        Some(Ok(Incoming::Close)) | None => return Ok(()),
                        Some(Err(error)) => return protocol_close(error).map_or(Ok(()), Err),
                    }
                }
                Some(delivery) = deliveries.recv() => {
                    Box::pin(self.deliver(delivery)).await?;
                    // What is already queued behind it goes out in the same write: an agent
                    // socket at thousands of messages a second makes one write per burst,
                    // not one per message. A revocation ends the burst (its delivery is an
                    // error), and so does a shutdown.
                    for _ in 1..DELIVERY_BURST {
                        if flags.restart.load(Ordering::Acquire) {
                            break;
                        }
                        let Ok(next) = deliveries.try_recv() else { break };
                        Box::pin(self.deliver(next)).await?;
                    }
                }
                Some((client_id, result)) = acks.next(), if !acks.is_empty() => Box::pin(self.acknowledge(client_id, result)).await?,
                _ = heartbeat.tick() => {
                    if last_heard.elapsed() > IDLE_TIMEOUT {
                        return Err(close(CloseCode::Away, "no answer to pings"));
                    }
                    self.socket.ping().await?;
                    self.mark_online(true);
                }
            }
            if let Some(reason) = flags.revoked.get() {
                return Err(revoked(reason));
            }
            if flags.restart.load(Ordering::Acquire) {
                return Box::pin(self.restart(&mut acks)).await;
            }
            if flags.lagging.swap(false, Ordering::AcqRel) {
                Box::pin(self.resync()).await?;
            }
        }
    }

    /// Shutdown: the sends this socket handed to the writer are acked first (they commit
    /// within milliseconds; at most [`RESTART_ACK_WAIT`] is spent on them), so that the client
    /// resends as little as possible; then the socket closes with 1012 and the client
    /// reconnects at once to another instance.
    async fn restart(&mut self, acks: &mut FuturesUnordered<Ack>) -> Step {
        let deadline = tokio::time::Instant::now() + RESTART_ACK_WAIT;
        while !acks.is_empty() {
            match tokio::time::timeout_at(deadline, acks.next()).await {
                Ok(Some((client_id, result))) => Box::pin(self.acknowledge(client_id, result)).await?,
                Ok(None) | Err(_) => break,
            }
        }
        Err(close(CloseCode::Restart, "server restarting"))
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
            ClientFrame::Send { client_id, conversation_id, body, private, attachments } => {
                self.send(client_id, conversation_id, body, private, attachments, acks).await
            }
            ClientFrame::Typing { conversation_id, typing } => self.typing(conversation_id, typing).await,
            ClientFrame::Read { conversation_id, seq } => self.read(conversation_id, seq).await,
            ClientFrame::Presence { status } => self.presence(status).await,
            ClientFrame::Viewing { conversation_id, viewing } => self.viewing(conversation_id, viewing).await,
            ClientFrame::History { conversation_id, after } => Box::pin(self.replay(conversation_id, after)).await,
            ClientFrame::Rate { conversation_id, score, comment } => Box::pin(self.rate(conversation_id, score, comment)).await,
        }
    }

    /// A visitor's rating of one of their conversations, through the actions module; the
    /// `rated` frame that confirms it comes back to every socket of the visitor.
    async fn rate(&mut self, conversation_id: ConversationId, score: i16, comment: Option<String>) -> Step {
        let Identity::Visitor { workspace_id, contact_id, name } = self.identity.clone() else {
            return self.error(frame_error("forbidden", "Only visitors rate conversations.", None)).await;
        };
        let rated = actions::rate(&self.state, workspace_id, contact_id, name, conversation_id, i64::from(score), comment).await;
        let (code, message) = match rated {
            Ok(_) => return Ok(()),
            Err(RateError::Refused(refusal)) => (refusal.code(), refusal.message()),
            Err(RateError::Failed(error)) => {
                tracing::warn!(error = ?error, "a rating could not be stored");
                ("unavailable", "The rating was not stored; send it again.".to_string())
            }
        };
        let frame = ServerFrame::Error { code, message: &message, client_id: None, conversation_id: Some(conversation_id) }.to_json();
        self.text(frame).await
    }

    async fn send(
        &mut self,
        client_id: Uuid,
        conversation_id: Option<ConversationId>,
        body: String,
        private: bool,
        attachments: Vec<UploadId>,
        acks: &mut FuturesUnordered<Ack>,
    ) -> Step {
        if let Err((code, message)) = validate_body(&body, attachments.len()) {
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
            attachments,
        };
        match self.state.realtime.writer.enqueue(new) {
            Ok(answer) => {
                let sent = Instant::now();
                acks.push(Box::pin(async move {
                    let result = answer.await.unwrap_or_else(|_| Err(AppError::Unavailable(anyhow::anyhow!("writer stopped"))));
                    metrics::histogram!(crate::ops::metrics::ACK_DURATION).record(sent.elapsed().as_secs_f64());
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
            AppError::Unprocessable(message) => ("invalid_attachment", message.clone()),
            AppError::Forbidden(message) => ("forbidden", message.clone()),
            AppError::Unavailable(_) => ("unavailable", "The message was not stored; send it again with the same client_id.".to_string()),
            _ => ("internal", "The message was not stored; send it again with the same client_id.".to_string()),
        };
        if !matches!(
            error,
            AppError::NotFound | AppError::BadRequest(_) | AppError::LimitReached(_) | AppError::Unprocessable(_) | AppError::Forbidden(_)
        ) {
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
                        assignee_id: stored.assignee_id.map(|a| a.0),
                        assigned_by: None,
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
    pub(super) async fn contact_of(&mut self, conversation_id: ConversationId) -> Result<Option<ContactId>, Closing> {
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

    pub(super) async fn not_found(&mut self, conversation_id: ConversationId) -> Step {
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
        let flipped = db::run(&self.state.pool, move |conn| {
            crate::workspaces::Workspace::set_away(conn, workspace_id, user_id, away)?;
            crate::realtime::availability_flip(conn, workspace_id)
        })
        .await
        .map_err(|_| close(CloseCode::Error, "the service is not available"))?;
        if let Some(frame) = flipped {
            self.state.realtime.broadcast_to_visitors(workspace_id, frame);
        }
        if !away {
            self.state.assignment.workspace(workspace_id);
        }
        self.announce_presence(match status {
            AgentStatus::Online => "online",
            AgentStatus::Away => "away",
        });
        Ok(())
    }
}
