//! Contacts (visitors), conversations and messages.
//!
//! Tenant rule: every function here takes the `WorkspaceId` of an authenticated caller and
//! filters by it; a visitor's calls also filter by its `ContactId`. A conversation outside
//! those bounds is reported as not found.

pub mod actions;
pub mod assignment;
pub mod batched_reads;
pub mod contacts;
pub mod labels;
pub mod notices;
pub mod ratings;
pub mod status;
pub mod writer;

use diesel::{IntoSql, prelude::*, sql_types::Bool};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    db::{
        ContactId, ConversationId, MessageId, UserId, WorkspaceId,
        schema::{contacts as contacts_table, conversations, messages, users},
    },
    error::AppError,
};

/// How many of a visitor's conversations are listed (a welcome, the widget, the inbox's
/// "past conversations"), newest first.
pub const VISITOR_CONVERSATIONS_LISTED: i64 = 50;

/// The longest message body, in characters.
pub const BODY_MAX_CHARS: usize = 10_000;

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AuthorKind {
    Visitor,
    Agent,
    System,
}

impl AuthorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visitor => "visitor",
            Self::Agent => "agent",
            Self::System => "system",
        }
    }

    fn parse(value: &str) -> Self {
        match value {
            "visitor" => Self::Visitor,
            "agent" => Self::Agent,
            _ => Self::System,
        }
    }
}

/// The author of a message being sent: a visitor (one contact) or an agent (one user).
#[derive(Clone, Debug)]
pub enum Author {
    Visitor {
        contact_id: ContactId,
        name: Option<String>,
    },
    /// `avatar`: the name of their avatar when their credential was read (the request's, or the
    /// socket's at its hello; see [`crate::avatars`]).
    Agent {
        user_id: UserId,
        name: String,
        avatar: Option<String>,
    },
}

impl Author {
    pub fn kind(&self) -> AuthorKind {
        match self {
            Self::Visitor { .. } => AuthorKind::Visitor,
            Self::Agent { .. } => AuthorKind::Agent,
        }
    }

    fn id(&self) -> Uuid {
        match self {
            Self::Visitor { contact_id, .. } => contact_id.0,
            Self::Agent { user_id, .. } => user_id.0,
        }
    }

    fn name(&self) -> Option<String> {
        match self {
            Self::Visitor { name, .. } => name.clone(),
            Self::Agent { name, .. } => Some(name.clone()),
        }
    }

    fn avatar(&self) -> Option<String> {
        match self {
            Self::Visitor { .. } => None,
            Self::Agent { avatar, .. } => avatar.clone(),
        }
    }
}

/// A stored message with its author's display name, as sockets and pages show it.
// Deserialize: a broker wake-up carries a copy to the other instances.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Message {
    #[schema(value_type = Uuid)]
    pub id: MessageId,
    #[schema(value_type = Uuid)]
    pub workspace_id: WorkspaceId,
    #[schema(value_type = Uuid)]
    pub conversation_id: ConversationId,
    #[schema(value_type = Uuid)]
    pub contact_id: ContactId,
    /// Its place in the conversation: 1, 2, 3, ... without gaps.
    pub seq: i64,
    /// The sender's id for this send; a retry with it returns this message.
    pub client_id: Uuid,
    pub author_kind: AuthorKind,
    /// The contact's id for a visitor, the user's id for an agent.
    pub author_id: Option<Uuid>,
    pub author_name: Option<String>,
    /// The agent's avatar, a 64 × 64 picture, public, at a URL whose picture never changes;
    /// null for visitors, the system, and agents without one.
    pub author_avatar_url: Option<String>,
    /// The name of the agent's avatar; [`crate::files::Links::sign_messages`] turns it into
    /// `author_avatar_url` where the message is handed out.
    #[serde(skip)]
    #[schema(ignore)]
    pub author_avatar: Option<String>,
    /// May be empty when the message carries attachments.
    pub body: String,
    /// An internal note of the team.
    pub private: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// Files sent with the message, in the order they were attached.
    pub attachments: Vec<crate::files::Attachment>,
    /// How many attachments it has: loaders look them up only when there are some.
    #[serde(skip)]
    #[schema(ignore)]
    pub attachment_count: i16,
}

type MessageRow = (
    MessageId,
    WorkspaceId,
    ConversationId,
    ContactId,
    i64,
    Uuid,
    String,
    Option<Uuid>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    bool,
    OffsetDateTime,
    i16,
);

impl From<MessageRow> for Message {
    fn from(row: MessageRow) -> Self {
        let (
            id,
            workspace_id,
            conversation_id,
            contact_id,
            seq,
            client_id,
            kind,
            author_id,
            user_name,
            user_avatar,
            contact_name,
            body,
            private,
            created_at,
            attachment_count,
        ) = row;
        let author_kind = AuthorKind::parse(&kind);
        let author_name = match author_kind {
            AuthorKind::Agent => user_name,
            AuthorKind::Visitor => contact_name,
            AuthorKind::System => None,
        };
        Self {
            id,
            workspace_id,
            conversation_id,
            contact_id,
            seq,
            client_id,
            author_kind,
            author_id,
            author_name,
            author_avatar_url: None,
            author_avatar: user_avatar,
            body,
            private,
            created_at,
            attachments: Vec::new(),
            attachment_count,
        }
    }
}

/// Messages with what a frame shows besides them: the conversation's visitor and names.
#[diesel::dsl::auto_type(no_type_alias)]
fn messages_with_authors() -> _ {
    let agent: &'static str = "agent";
    messages::table
        .inner_join(conversations::table)
        .inner_join(contacts_table::table.on(contacts_table::id.eq(conversations::contact_id)))
        .left_join(users::table.on(users::id.nullable().eq(messages::author_id).and(messages::author_kind.eq(agent))))
}

/// The columns of a [`MessageRow`], in its order.
#[diesel::dsl::auto_type(no_type_alias)]
fn message_columns() -> _ {
    (
        messages::id,
        messages::workspace_id,
        messages::conversation_id,
        conversations::contact_id,
        messages::seq,
        messages::client_id,
        messages::author_kind,
        messages::author_id,
        users::name.nullable(),
        users::avatar.nullable(),
        contacts_table::name,
        messages::body,
        messages::private,
        messages::created_at,
        messages::attachment_count,
    )
}

/// Which messages a reader may see: visitors never see internal notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Agents,
    Visitor(ContactId),
}

/// The messages of one conversation with `after < seq <= up_to`, in order, at most `limit`.
/// Empty when the conversation is not the caller's (other workspace, other visitor).
pub fn messages_after(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    audience: Audience,
    conversation_id: ConversationId,
    after: i64,
    up_to: Option<i64>,
    limit: i64,
) -> Result<Vec<Message>, AppError> {
    // One static query for every audience (neutral binds instead of optional filters), so the
    // statement is prepared once per connection: resumes and gap repairs run it constantly.
    let (contact, everyone) = match audience {
        Audience::Visitor(contact_id) => (contact_id, false),
        Audience::Agents => (ContactId(Uuid::nil()), true),
    };
    let query = messages_with_authors()
        .filter(messages::workspace_id.eq(workspace_id))
        .filter(messages::conversation_id.eq(conversation_id))
        .filter(messages::seq.gt(after))
        .filter(messages::seq.le(up_to.unwrap_or(i64::MAX)))
        .filter(conversations::contact_id.eq(contact).or(everyone.into_sql::<Bool>()))
        .filter(messages::private.eq(false).or(everyone.into_sql::<Bool>()));
    let rows: Vec<MessageRow> = query.order(messages::seq.asc()).limit(limit).select(message_columns()).load(conn)?;
    with_attachments(conn, rows)
}

/// A workspace's messages created at or after `since`, oldest first, at most `limit`: how an
/// agent socket that fell behind catches up in one query.
pub fn messages_since(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    since: OffsetDateTime,
    limit: i64,
) -> Result<Vec<Message>, AppError> {
    let rows: Vec<MessageRow> = messages_with_authors()
        .filter(messages::workspace_id.eq(workspace_id))
        .filter(messages::created_at.ge(since))
        .order((messages::created_at.asc(), messages::conversation_id, messages::seq.asc()))
        .limit(limit)
        .select(message_columns())
        .load(conn)?;
    with_attachments(conn, rows)
}

/// Messages from their rows, with their attachments (one more query, only when some have any).
fn with_attachments(conn: &mut PgConnection, rows: Vec<MessageRow>) -> Result<Vec<Message>, AppError> {
    let mut messages: Vec<Message> = rows.into_iter().map(Message::from).collect();
    crate::files::uploads::fill_attachments(conn, &mut messages)?;
    Ok(messages)
}

/// Loads messages by id (for wake-ups from other instances), in the given workspace only.
pub fn messages_by_id(conn: &mut PgConnection, workspace_id: WorkspaceId, ids: &[MessageId]) -> Result<Vec<Message>, AppError> {
    let rows: Vec<MessageRow> = messages_with_authors()
        .filter(messages::workspace_id.eq(workspace_id))
        .filter(messages::id.eq_any(ids))
        .order((messages::conversation_id, messages::seq.asc()))
        .select(message_columns())
        .load(conn)?;
    with_attachments(conn, rows)
}

/// A conversation as its participants see it.
#[derive(Queryable, QueryableByName, Selectable, Clone, Debug, Serialize)]
#[diesel(table_name = conversations, check_for_backend(diesel::pg::Pg))]
pub struct Conversation {
    pub id: ConversationId,
    pub workspace_id: WorkspaceId,
    pub contact_id: ContactId,
    pub status: ConversationStatus,
    pub assignee_id: Option<UserId>,
    pub last_seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub last_message_at: OffsetDateTime,
}

impl Conversation {
    /// The conversation if `audience` may see it.
    pub fn find(
        conn: &mut PgConnection,
        workspace_id: WorkspaceId,
        audience: Audience,
        id: ConversationId,
    ) -> Result<Option<Self>, AppError> {
        let mut query = conversations::table
            .filter(conversations::workspace_id.eq(workspace_id))
            .filter(conversations::id.eq(id))
            .select(Conversation::as_select())
            .into_boxed();
        if let Audience::Visitor(contact_id) = audience {
            query = query.filter(conversations::contact_id.eq(contact_id));
        }
        Ok(query.first(conn).optional()?)
    }

    /// A visitor's conversation, with its row locked until the transaction ends.
    pub fn lock_for_visitor(
        conn: &mut PgConnection,
        workspace_id: WorkspaceId,
        contact_id: ContactId,
        id: ConversationId,
    ) -> Result<Option<Self>, AppError> {
        Ok(conversations::table
            .filter(conversations::workspace_id.eq(workspace_id))
            .filter(conversations::contact_id.eq(contact_id))
            .filter(conversations::id.eq(id))
            .select(Conversation::as_select())
            .for_update()
            .first(conn)
            .optional()?)
    }

    /// A visitor's conversations, newest first.
    pub fn list_for_contact(conn: &mut PgConnection, workspace_id: WorkspaceId, contact_id: ContactId) -> Result<Vec<Self>, AppError> {
        Ok(conversations::table
            .filter(conversations::workspace_id.eq(workspace_id))
            .filter(conversations::contact_id.eq(contact_id))
            .order(conversations::last_message_at.desc())
            .limit(VISITOR_CONVERSATIONS_LISTED)
            .select(Conversation::as_select())
            .load(conn)?)
    }

    /// Records how far a reader has read; never moves backwards.
    pub fn mark_read(
        conn: &mut PgConnection,
        workspace_id: WorkspaceId,
        audience: Audience,
        id: ConversationId,
        seq: i64,
    ) -> Result<bool, AppError> {
        use diesel::{dsl::sql, sql_types::BigInt};
        // Never backwards, never past the last message.
        let advanced = |column: &str| sql::<BigInt>(&format!("GREATEST({column}, LEAST(last_seq, ")).bind::<BigInt, _>(seq).sql("))");
        let target = conversations::table.filter(conversations::workspace_id.eq(workspace_id)).filter(conversations::id.eq(id));
        let updated = match audience {
            Audience::Visitor(contact_id) => diesel::update(target.filter(conversations::contact_id.eq(contact_id)))
                .set(conversations::visitor_read_seq.eq(advanced("visitor_read_seq")))
                .execute(conn)?,
            Audience::Agents => diesel::update(target).set(conversations::agent_read_seq.eq(advanced("agent_read_seq"))).execute(conn)?,
        };
        Ok(updated > 0)
    }
}

/// One of a visitor's conversations as the widget lists it.
#[derive(QueryableByName, Serialize, Debug)]
pub struct VisitorConversation {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: ConversationId,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub status: ConversationStatus,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub last_seq: i64,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    #[serde(with = "time::serde::rfc3339")]
    pub last_message_at: OffsetDateTime,
    /// The start of the last message the visitor may see (no internal notes).
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub preview: Option<String>,
    /// Who wrote it: `visitor`, `agent` or `system`.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub preview_author: Option<String>,
    /// How many files it carries.
    #[diesel(sql_type = diesel::sql_types::SmallInt)]
    pub preview_files: i16,
    /// Replies of the team after the visitor's read mark.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub unread: i64,
}

/// The most conversations the widget lists: the newest.
pub const VISITOR_LIST_MAX: i64 = 50;
/// The characters of a last message the list shows.
const PREVIEW_CHARS: usize = 120;

impl VisitorConversation {
    /// A visitor's conversations, newest first (at most [`VISITOR_LIST_MAX`]), or only `only`
    /// when it is theirs.
    pub fn list(
        conn: &mut PgConnection,
        workspace_id: WorkspaceId,
        contact_id: ContactId,
        only: Option<ConversationId>,
    ) -> Result<Vec<Self>, AppError> {
        use diesel::sql_types::{BigInt, Nullable, Uuid as SqlUuid};
        let mut rows: Vec<Self> = diesel::sql_query(
            "SELECT c.id, c.status, c.last_seq, c.last_message_at, \
                    left(last.body, 400) AS preview, last.author_kind AS preview_author, \
                    coalesce(last.attachment_count, 0::int2) AS preview_files, \
                    (SELECT count(*) FROM messages m WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id \
                      AND m.seq > c.visitor_read_seq AND m.author_kind = 'agent' AND NOT m.private) AS unread \
             FROM conversations c \
             LEFT JOIN LATERAL (SELECT m.body, m.author_kind, m.attachment_count FROM messages m \
                 WHERE m.workspace_id = c.workspace_id AND m.conversation_id = c.id AND NOT m.private \
                 ORDER BY m.seq DESC LIMIT 1) last ON true \
             WHERE c.workspace_id = $1 AND c.contact_id = $2 AND ($3::uuid IS NULL OR c.id = $3) \
             ORDER BY c.last_message_at DESC, c.id DESC LIMIT $4",
        )
        .bind::<SqlUuid, _>(workspace_id)
        .bind::<SqlUuid, _>(contact_id)
        .bind::<Nullable<SqlUuid>, _>(only)
        .bind::<BigInt, _>(VISITOR_LIST_MAX)
        .load(conn)?;
        for row in &mut rows {
            if let Some(preview) = &mut row.preview {
                let line = preview.split_whitespace().collect::<Vec<_>>().join(" ");
                *preview = match line.char_indices().nth(PREVIEW_CHARS) {
                    Some((cut, _)) => format!("{}…", &line[..cut]),
                    None => line,
                };
            }
        }
        Ok(rows)
    }
}

/// Checks a message typed by a person: its body, and how many files it carries. A message
/// may be files alone, but not nothing.
pub fn validate_body(body: &str, attachments: usize) -> Result<(), (&'static str, String)> {
    if attachments > crate::files::MAX_ATTACHMENTS {
        return Err(("too_many_attachments", format!("A message can carry at most {} files.", crate::files::MAX_ATTACHMENTS)));
    }
    if body.trim().is_empty() && attachments == 0 {
        return Err(("empty_body", "The message is empty.".into()));
    }
    if body.chars().count() > BODY_MAX_CHARS {
        return Err(("body_too_long", format!("A message can be at most {BODY_MAX_CHARS} characters.")));
    }
    Ok(())
}

pub use status::ConversationStatus;
pub use writer::{MessageWriter, NewMessage, Stored};
