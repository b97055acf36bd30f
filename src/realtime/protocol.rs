//! The WebSocket wire protocol: JSON text frames, each an object with a `"type"`.
//! docs/protocol.md documents it for widget and SDK authors.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    conversations::{AuthorKind, ConversationStatus, Message},
    db::{ConversationId, UploadId, WorkspaceId},
    files::Attachment,
};

/// The largest frame a client may send; a larger one closes the socket (1009).
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// Conversations one `hello` may resume.
pub const MAX_RESUME: usize = 200;

/// A frame a client sends. Serialize is for SDKs and tests written in Rust, and lets the fuzz
/// target check that what parses is read back unchanged.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    Hello {
        visitor_token: Option<String>,
        /// A secret API key (`sk_...`): an agent socket for a server, without a cookie.
        api_key: Option<String>,
        /// For agents who belong to several workspaces.
        workspace_id: Option<Uuid>,
        #[serde(default)]
        resume: HashMap<ConversationId, i64>,
    },
    Send {
        client_id: Uuid,
        conversation_id: Option<ConversationId>,
        body: String,
        /// An internal note (agents only): never sent to the visitor.
        #[serde(default)]
        private: bool,
        /// Uploads to send with the message (at most 10), each from `POST .../uploads` by the
        /// same sender; the body may then be empty.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<UploadId>,
    },
    Typing {
        conversation_id: ConversationId,
        typing: bool,
    },
    Read {
        conversation_id: ConversationId,
        seq: i64,
    },
    Presence {
        status: AgentStatus,
    },
    /// An agent opened (`true`) or left (`false`) a conversation: the other agents see it.
    Viewing {
        conversation_id: ConversationId,
        viewing: bool,
    },
    /// A visitor opens one of their conversations: its messages after `after` (0 for all), as
    /// on resume.
    History {
        conversation_id: ConversationId,
        #[serde(default)]
        after: i64,
    },
    Ping {},
    /// A visitor rates one of their resolved conversations (again, to change it or add a
    /// comment): `score` from 1 to 5, `comment` optional.
    Rate {
        conversation_id: ConversationId,
        #[serde(deserialize_with = "score_from_json")]
        score: i16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
}

const CLIENT_TYPES: [&str; 9] = ["hello", "send", "typing", "read", "presence", "viewing", "history", "ping", "rate"];

/// A score as sent: any JSON that is not a whole number from 1 to 5 is refused with words that
/// say so (serde's own would only name the type).
fn score_from_json<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i16, D::Error> {
    use crate::conversations::ratings::{SCORE_MAX, SCORE_MIN, SCORE_RANGE_MESSAGE};
    let value = serde_json::Value::deserialize(deserializer)?;
    value
        .as_i64()
        .and_then(|score| i16::try_from(score).ok())
        .filter(|score| (SCORE_MIN..=SCORE_MAX).contains(score))
        .ok_or_else(|| serde::de::Error::custom(SCORE_RANGE_MESSAGE))
}

/// Why a client frame was refused, as sent back in an `error` frame.
#[derive(Debug)]
pub struct FrameError {
    pub code: &'static str,
    pub message: String,
    pub client_id: Option<Uuid>,
}

/// Parses a text frame, naming exactly what is wrong with a bad one.
pub fn parse_client_frame(text: &str) -> Result<ClientFrame, FrameError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|_| FrameError {
        code: "invalid_json",
        message: "The frame is not valid JSON.".into(),
        client_id: None,
    })?;
    let client_id = value.get("client_id").and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok());
    let Some(kind) = value.get("type").and_then(|t| t.as_str()).map(str::to_string) else {
        return Err(FrameError { code: "invalid_frame", message: "A frame must be a JSON object with a \"type\".".into(), client_id });
    };
    if !CLIENT_TYPES.contains(&kind.as_str()) {
        return Err(FrameError {
            code: "unknown_type",
            message: format!("Unknown frame type {kind:?}; expected one of {}.", CLIENT_TYPES.join(", ")),
            client_id,
        });
    }
    serde_json::from_value(value).map_err(|e| FrameError {
        code: "invalid_frame",
        message: format!("Invalid {kind} frame: {e}."),
        client_id,
    })
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum AgentStatus {
    Online,
    Away,
}

#[derive(Serialize, Debug)]
pub struct AuthorRef<'a> {
    pub kind: AuthorKind,
    pub id: Option<Uuid>,
    pub name: Option<&'a str>,
    /// In `message` frames, for agents: their avatar's absolute URL, or null without one.
    /// Left out for visitors and the system, and in other frames.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<Option<&'a str>>,
}

#[derive(Serialize, Debug)]
pub struct ConversationSummary {
    pub id: ConversationId,
    pub status: ConversationStatus,
    pub last_seq: i64,
}

#[derive(Serialize, Debug)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame<'a> {
    Welcome {
        role: &'static str,
        workspace_id: WorkspaceId,
        #[serde(skip_serializing_if = "Option::is_none")]
        visitor_id: Option<Uuid>,
        #[serde(skip_serializing_if = "Option::is_none")]
        user_id: Option<Uuid>,
        #[serde(skip_serializing_if = "Option::is_none")]
        conversations: Option<Vec<ConversationSummary>>,
        heartbeat_seconds: u64,
    },
    Ack {
        client_id: Uuid,
        conversation_id: ConversationId,
        seq: i64,
        message_id: Uuid,
        #[serde(with = "time::serde::rfc3339")]
        created_at: time::OffsetDateTime,
    },
    Message {
        conversation_id: ConversationId,
        seq: i64,
        message_id: Uuid,
        client_id: Uuid,
        author: AuthorRef<'a>,
        body: &'a str,
        private: bool,
        #[serde(with = "time::serde::rfc3339")]
        created_at: time::OffsetDateTime,
        #[serde(skip_serializing_if = "<[Attachment]>::is_empty")]
        attachments: &'a [Attachment],
    },
    Typing {
        conversation_id: ConversationId,
        author: AuthorRef<'a>,
        typing: bool,
    },
    Read {
        conversation_id: ConversationId,
        seq: i64,
        reader: AuthorRef<'a>,
    },
    Presence {
        kind: AuthorKind,
        id: Uuid,
        status: &'static str,
    },
    /// Visitors who came online or went offline since the last such frame (see
    /// [`super::presence`]).
    VisitorPresence {
        online: &'a [Uuid],
        offline: &'a [Uuid],
    },
    Conversation {
        conversation_id: ConversationId,
        status: ConversationStatus,
        assignee_id: Option<Uuid>,
        /// Who gave the conversation to `assignee_id`, only on the frame of that change: a
        /// member (`agent`, by the dashboard or their API key) or Parlor's auto-assignment
        /// (`system`). An inbox tells its agent about a conversation assigned to them by it.
        #[serde(skip_serializing_if = "Option::is_none")]
        assigned_by: Option<AuthorRef<'a>>,
    },
    Viewing {
        conversation_id: ConversationId,
        agent: AuthorRef<'a>,
        viewing: bool,
    },
    Error {
        code: &'a str,
        message: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        client_id: Option<Uuid>,
        #[serde(skip_serializing_if = "Option::is_none")]
        conversation_id: Option<ConversationId>,
    },
    /// To agents: a visitor rated a conversation, or changed their rating.
    Rating {
        conversation_id: ConversationId,
        score: i16,
        comment: Option<&'a str>,
        #[serde(with = "time::serde::rfc3339")]
        rated_at: time::OffsetDateTime,
    },
    /// To the visitor's sockets: their rating was stored (every open window shows it).
    Rated {
        conversation_id: ConversationId,
        score: i16,
        comment: Option<&'a str>,
        #[serde(with = "time::serde::rfc3339")]
        rated_at: time::OffsetDateTime,
    },
    /// To the visitor's sockets: the team changed the status of their conversation. `csat`:
    /// whether the chat now asks them to rate it (resolved, and the workspace asks).
    ConversationStatus {
        conversation_id: ConversationId,
        status: ConversationStatus,
        csat: bool,
    },
    /// To visitors: whether the team can answer now changed (an agent came or went, or the
    /// business hours began or ended).
    Availability {
        agents_online: bool,
        within_hours: bool,
        offline_message: &'a str,
    },
    Pong {},
}

impl ServerFrame<'_> {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| r#"{"type":"error","code":"internal","message":"unserialisable frame"}"#.into())
    }
}

/// The `message` frame of a stored message, whose attachments' links are signed.
pub fn message_frame(message: &Message) -> String {
    ServerFrame::Message {
        conversation_id: message.conversation_id,
        seq: message.seq,
        message_id: message.id.0,
        client_id: message.client_id,
        author: AuthorRef {
            kind: message.author_kind,
            id: message.author_id,
            name: message.author_name.as_deref(),
            avatar_url: (message.author_kind == AuthorKind::Agent).then_some(message.author_avatar_url.as_deref()),
        },
        body: &message.body,
        private: message.private,
        created_at: message.created_at,
        attachments: &message.attachments,
    }
    .to_json()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_frames_are_named_precisely() {
        assert_eq!(parse_client_frame("not json").unwrap_err().code, "invalid_json");
        assert_eq!(parse_client_frame("[1]").unwrap_err().code, "invalid_frame");
        assert_eq!(parse_client_frame(r#"{"type":"dance"}"#).unwrap_err().code, "unknown_type");
        let missing = parse_client_frame(r#"{"type":"send","client_id":"0191d5a0-0000-7000-8000-000000000000"}"#).unwrap_err();
        assert_eq!(missing.code, "invalid_frame");
        assert!(missing.message.contains("body"), "{}", missing.message);
        assert!(missing.client_id.is_some());
        assert!(matches!(parse_client_frame(r#"{"type":"hello"}"#), Ok(ClientFrame::Hello { .. })));
        let conversation = "0191d5a0-0000-7000-8000-000000000000";
        for score in ["0", "6", "\"x\"", "2.5", "null"] {
            let refused =
                parse_client_frame(&format!(r#"{{"type":"rate","conversation_id":"{conversation}","score":{score}}}"#)).unwrap_err();
            assert_eq!(refused.code, "invalid_frame", "{score}");
            assert!(refused.message.contains("1 to 5"), "{score}: {}", refused.message);
        }
        let rate = parse_client_frame(&format!(r#"{{"type":"rate","conversation_id":"{conversation}","score":4,"comment":"Quick"}}"#));
        assert!(matches!(rate, Ok(ClientFrame::Rate { score: 4, comment: Some(_), .. })), "{rate:?}");
    }
}
