//! The reads of many sockets' hellos made in one statement each: the conversations of many
//! visitors, and the messages each socket missed in the conversations it resumes. During a
//! reconnect storm thousands of sockets say hello within seconds; read one by one, each paid for
//! its own statements and round trips (see docs/performance.md).
//!
//! Tenant rule: every key carries the `WorkspaceId` (and, for a visitor, the `ContactId`) of the
//! socket that asked, and every row is matched on them; what one socket asks never reads
//! another's rows, whatever else shares the statement.

use std::collections::HashMap;

use diesel::{
    PgConnection, QueryableByName, RunQueryDsl,
    sql_types::{Array, BigInt, Bool, Int2, Nullable, Text, Timestamptz, Uuid as SqlUuid},
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Audience, Conversation, Message, MessageRow, VISITOR_CONVERSATIONS_LISTED};
use crate::{
    db::{ContactId, ConversationId, MessageId, WorkspaceId, cached_sql::CachedSql},
    error::AppError,
};

const CONVERSATIONS_OF_VISITORS: &str = "
SELECT c.id, c.workspace_id, c.contact_id, c.status, c.assignee_id, c.last_seq, c.last_message_at
FROM unnest($1::uuid[], $2::uuid[]) AS k(workspace_id, contact_id)
CROSS JOIN LATERAL (
    SELECT id, workspace_id, contact_id, status, assignee_id, last_seq, last_message_at
    FROM conversations
    WHERE workspace_id = k.workspace_id AND contact_id = k.contact_id
    ORDER BY last_message_at DESC
    LIMIT $3
) AS c";

/// The conversations of each visitor, newest first, at most [`VISITOR_CONVERSATIONS_LISTED`] each, in
/// the order of `visitors`.
pub fn conversations_of_visitors(
    conn: &mut PgConnection,
    visitors: &[(WorkspaceId, ContactId)],
) -> Result<Vec<Vec<Conversation>>, AppError> {
    if visitors.is_empty() {
        return Ok(Vec::new());
    }
    let (workspace_ids, contact_ids): (Vec<WorkspaceId>, Vec<ContactId>) = visitors.iter().copied().unzip();
    let rows: Vec<Conversation> = CachedSql::new(CONVERSATIONS_OF_VISITORS)
        .bind::<Array<SqlUuid>, _>(&workspace_ids)
        .bind::<Array<SqlUuid>, _>(&contact_ids)
        .bind::<BigInt, _>(VISITOR_CONVERSATIONS_LISTED)
        .load(conn)?;
    let mut by_visitor: HashMap<(WorkspaceId, ContactId), Vec<Conversation>> = HashMap::new();
    for conversation in rows {
        by_visitor.entry((conversation.workspace_id, conversation.contact_id)).or_default().push(conversation);
    }
    Ok(visitors
        .iter()
        .map(|key| {
            let mut conversations = by_visitor.get(key).cloned().unwrap_or_default();
            // The order inside each lateral read is not promised across the whole answer.
            conversations.sort_by_key(|c| std::cmp::Reverse(c.last_message_at));
            conversations
        })
        .collect())
}

/// One socket's resume of one conversation: the messages after `after` its reader may see.
#[derive(Clone, Copy, Debug)]
pub struct MissedRange {
    pub workspace_id: WorkspaceId,
    pub audience: Audience,
    pub conversation_id: ConversationId,
    pub after: i64,
}

const MESSAGES_AFTER_EACH: &str = "
SELECT k.n, m.id, m.workspace_id, m.conversation_id, m.contact_id, m.seq, m.client_id, m.author_kind, m.author_id,
       m.author_name, m.author_avatar, m.contact_name, m.body, m.private, m.created_at, m.attachment_count
FROM unnest($1::uuid[], $2::uuid[], $3::bool[], $4::uuid[], $5::int8[]) WITH ORDINALITY
     AS k(workspace_id, contact_id, everyone, conversation_id, after, n)
CROSS JOIN LATERAL (
    SELECT m.id, m.workspace_id, m.conversation_id, c.contact_id, m.seq, m.client_id, m.author_kind, m.author_id,
           u.name AS author_name, u.avatar AS author_avatar, ct.name AS contact_name, m.body, m.private, m.created_at,
           m.attachment_count
    FROM messages m
    JOIN conversations c ON c.id = m.conversation_id AND c.workspace_id = m.workspace_id
    JOIN contacts ct ON ct.id = c.contact_id
    LEFT JOIN users u ON u.id = m.author_id AND m.author_kind = 'agent'
    WHERE m.workspace_id = k.workspace_id AND m.conversation_id = k.conversation_id AND m.seq > k.after
      AND (c.contact_id = k.contact_id OR k.everyone) AND (NOT m.private OR k.everyone)
    ORDER BY m.seq
    LIMIT $6
) AS m";

#[derive(QueryableByName)]
struct MissedRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = SqlUuid)]
    id: MessageId,
    #[diesel(sql_type = SqlUuid)]
    workspace_id: WorkspaceId,
    #[diesel(sql_type = SqlUuid)]
    conversation_id: ConversationId,
    #[diesel(sql_type = SqlUuid)]
    contact_id: ContactId,
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = SqlUuid)]
    client_id: Uuid,
    #[diesel(sql_type = Text)]
    author_kind: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    author_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    author_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    author_avatar: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    contact_name: Option<String>,
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = Bool)]
    private: bool,
    #[diesel(sql_type = Timestamptz)]
    created_at: OffsetDateTime,
    #[diesel(sql_type = Int2)]
    attachment_count: i16,
}

impl MissedRow {
    fn into_message(self) -> (usize, Message) {
        let row: MessageRow = (
            self.id,
            self.workspace_id,
            self.conversation_id,
            self.contact_id,
            self.seq,
            self.client_id,
            self.author_kind,
            self.author_id,
            self.author_name,
            self.author_avatar,
            self.contact_name,
            self.body,
            self.private,
            self.created_at,
            self.attachment_count,
        );
        // WITH ORDINALITY counts from 1.
        (usize::try_from(self.n - 1).unwrap_or(usize::MAX), Message::from(row))
    }
}

/// For each range, its first `limit` messages in order, with their attachments, in the order of
/// `ranges`. A conversation outside a range's workspace or audience reads as empty, as with
/// [`super::messages_after`].
pub fn messages_after_each(conn: &mut PgConnection, ranges: &[MissedRange], limit: i64) -> Result<Vec<Vec<Message>>, AppError> {
    if ranges.is_empty() {
        return Ok(Vec::new());
    }
    let workspace_ids: Vec<WorkspaceId> = ranges.iter().map(|r| r.workspace_id).collect();
    // The neutral binds of `messages_after`: a nil contact that `everyone` overrides.
    let (contact_ids, everyone): (Vec<Uuid>, Vec<bool>) = ranges
        .iter()
        .map(|r| match r.audience {
            Audience::Visitor(contact_id) => (contact_id.0, false),
            Audience::Agents => (Uuid::nil(), true),
        })
        .unzip();
    let conversation_ids: Vec<ConversationId> = ranges.iter().map(|r| r.conversation_id).collect();
    let afters: Vec<i64> = ranges.iter().map(|r| r.after.max(0)).collect();
    let rows: Vec<MissedRow> = CachedSql::new(MESSAGES_AFTER_EACH)
        .bind::<Array<SqlUuid>, _>(&workspace_ids)
        .bind::<Array<SqlUuid>, _>(&contact_ids)
        .bind::<Array<Bool>, _>(&everyone)
        .bind::<Array<SqlUuid>, _>(&conversation_ids)
        .bind::<Array<BigInt>, _>(&afters)
        .bind::<BigInt, _>(limit)
        .load(conn)?;
    // Attachments are looked up once per workspace of the batch (and only when some message
    // has any): the rows are grouped by workspace, then dealt out to their ranges.
    let mut rows: Vec<(usize, Message)> = rows.into_iter().map(MissedRow::into_message).collect();
    rows.sort_by_key(|(index, message)| (message.workspace_id, *index, message.seq));
    let (indexes, mut messages): (Vec<usize>, Vec<Message>) = rows.into_iter().unzip();
    for same_workspace in messages.chunk_by_mut(|a, b| a.workspace_id == b.workspace_id) {
        crate::files::uploads::fill_attachments(conn, same_workspace)?;
    }
    let mut pages: Vec<Vec<Message>> = vec![Vec::new(); ranges.len()];
    for (index, message) in indexes.into_iter().zip(messages) {
        if let Some(page) = pages.get_mut(index) {
            page.push(message);
        }
    }
    Ok(pages)
}
