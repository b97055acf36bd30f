//! Authentication of a socket by its first frame, `hello`: a visitor token, an API key, or the
//! session cookie of a signed-in agent on Parlor's own page.
//!
//! Tenant rule: the workspace comes from the credential alone (for an agent, one they are a
//! member of); nothing the client names widens it.

use super::{
    Closing, HELLO_TIMEOUT, Identity, VISITOR_FRAME_BURST, VISITOR_FRAMES_PER_SECOND, close, error_frame, frame_error, frame_limiter,
    frame_name, protocol_close,
    reads::{HelloAnswer, VisitorHello},
    transport::{CloseCode, Incoming, Socket},
};
use std::collections::HashMap;

use crate::realtime::{
    protocol::{ClientFrame, FrameError, parse_client_frame},
    revocation::Credential,
};
use crate::{
    auth::CurrentUser,
    conversations::{Conversation, contacts},
    db::{self, ConversationId},
    state::AppState,
    workspaces::Workspace,
};

pub(super) struct Hello {
    visitor_token: Option<String>,
    api_key: Option<String>,
    workspace_id: Option<uuid::Uuid>,
}

/// Waits for the first valid `hello`; anything else before it gets an error frame.
pub(super) async fn wait_for_hello(socket: &mut Socket) -> Result<(Hello, HashMap<ConversationId, i64>), Closing> {
    let deadline = tokio::time::sleep(HELLO_TIMEOUT);
    tokio::pin!(deadline);
    let limiter = frame_limiter(VISITOR_FRAMES_PER_SECOND, VISITOR_FRAME_BURST);
    loop {
        socket.flush().await?;
        let message = tokio::select! {
            message = socket.next() => message,
            _ = &mut deadline => return Err(close(CloseCode::Policy, "no hello frame within 10 seconds")),
        };
        if matches!(message, Some(Ok(_))) && limiter.check().is_err() {
            return Err(close(CloseCode::Policy, "too many frames; slow down"));
        }
        let reply = match message {
            Some(Ok(Incoming::Text(text))) => match parse_client_frame(&text) {
                Ok(ClientFrame::Hello { visitor_token, api_key, workspace_id, resume }) => {
                    return Ok((Hello { visitor_token, api_key, workspace_id }, resume));
                }
                Ok(other) => frame_error("hello_required", format!("Send a hello frame first, not {}.", frame_name(&other)), None),
                Err(error) => error,
            },
            Some(Ok(Incoming::Ping | Incoming::Pong)) => continue,
            Some(Ok(Incoming::Binary)) => frame_error("binary_not_supported", "Frames are JSON text.", None),
            Some(Ok(Incoming::Close)) | None => return Err(close(CloseCode::Normal, "closed")),
            Some(Err(error)) => return Err(protocol_close(error).unwrap_or_else(|| close(CloseCode::Normal, "closed"))),
        };
        socket.queue(error_frame(&reply)).await?;
    }
}

/// Who a `hello` proves the socket to be, and what it may do.
pub(super) struct Authenticated {
    pub identity: Identity,
    /// What the socket was opened with: revoking it closes the socket.
    pub credential: Credential,
    /// An API key without the `write` scope: it may listen, not act.
    pub read_only: bool,
    /// A visitor's conversations, for its welcome (read with its hello).
    pub conversations: Option<Vec<Conversation>>,
}

/// Checks the credential of a `hello`: an API key first, then a visitor token, then the
/// agent's session cookie.
pub(super) async fn authenticate(
    state: &AppState,
    agent: Option<CurrentUser>,
    foreign_origin: Option<String>,
    hello: Hello,
) -> Result<Authenticated, FrameError> {
    if let Some(secret) = hello.api_key {
        return by_api_key(state, secret).await;
    }
    if let Some(token) = hello.visitor_token {
        return by_visitor_token(state, &token, foreign_origin).await;
    }
    let Some(current) = agent else {
        return Err(frame_error("unauthorized", "Say hello with a visitor_token, or open the socket from a signed-in Parlor page.", None));
    };
    by_session(state, current, hello.workspace_id).await
}

async fn by_api_key(state: &AppState, secret: String) -> Result<Authenticated, FrameError> {
    let key =
        db::run(&state.pool, move |conn| crate::auth::api_keys::ApiKey::authenticate(conn, &secret)).await.map_err(|_| unavailable())?;
    let Some(key) = key else {
        return Err(frame_error("unauthorized", "This API key is not valid (it may have been revoked).", None));
    };
    if !key.may(crate::auth::api_keys::Scope::Read) {
        return Err(frame_error("forbidden", "This API key lacks the read scope, which a socket needs.", None));
    }
    let read_only = !key.can_write();
    let Some(crate::conversations::Author::Agent { user_id, name, avatar }) = key.author else {
        return Err(frame_error("unauthorized", "The member who created this API key has left the workspace; create a new key.", None));
    };
    let identity = Identity::Agent { workspace_id: key.workspace_id, user_id, name, avatar };
    Ok(Authenticated { identity, credential: Credential::ApiKey(key.id), read_only, conversations: None })
}

/// A visitor, with its conversations read in the same batch as the other sockets saying hello
/// meanwhile (see [`super::reads`]).
async fn by_visitor_token(state: &AppState, token: &str, foreign_origin: Option<String>) -> Result<Authenticated, FrameError> {
    let unauthorized =
        || frame_error("unauthorized", "This visitor token is not valid (it may have been revoked); start a new widget session.", None);
    let session_id = contacts::decode_token(state.settings.secret_bytes(), token).ok_or_else(unauthorized)?;
    let hello = VisitorHello { session_id, foreign_origin, public_origin: state.settings.public_origin() };
    let (visitor, conversations) = match state.realtime.reads.visitor_hello(hello).await.map_err(|_| unavailable())? {
        HelloAnswer::Welcome(visitor, conversations) => (visitor, conversations),
        HelloAnswer::Unknown => return Err(unauthorized()),
        HelloAnswer::Blocked => return Err(frame_error("forbidden", contacts::BLOCKED_MESSAGE, None)),
        HelloAnswer::OriginRefused => {
            return Err(frame_error(
                "origin_not_allowed",
                "This website may not use this chat: its domain is not among the allowed domains.",
                None,
            ));
        }
    };
    let identity =
        Identity::Visitor { workspace_id: visitor.contact.workspace_id, contact_id: visitor.contact.id, name: visitor.contact.name };
    Ok(Authenticated { identity, credential: Credential::Visitor(session_id), read_only: false, conversations: Some(conversations) })
}

/// A signed-in agent, in the workspace they name, or in their only one.
async fn by_session(state: &AppState, current: CurrentUser, requested: Option<uuid::Uuid>) -> Result<Authenticated, FrameError> {
    let (user_id, session_id) = (current.user.id, current.session_id);
    let workspace = db::run(&state.pool, move |conn| match requested {
        Some(named) => Ok(Workspace::find_named_by_member(conn, named, user_id)?.map(|(w, _)| w)),
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
    Ok(Authenticated {
        identity: Identity::Agent { workspace_id: workspace.id, user_id, name: current.user.name, avatar: current.user.avatar },
        credential: Credential::Session(session_id),
        read_only: false,
        conversations: None,
    })
}

fn unavailable() -> FrameError {
    frame_error("unavailable", "The service is not available right now; try again.", None)
}
