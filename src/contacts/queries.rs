//! What the Contacts page reads: a page of the workspace's people, last seen first, with an
//! optional search, and one contact's conversations. It writes nothing: the contact edit form
//! is the inbox's ([`crate::inbox::changes`]).
//!
//! Tenant rule: every function takes the `WorkspaceId` of the signed-in member and filters by
//! it, also inside every subquery.

use diesel::{
    prelude::*,
    sql_types::{BigInt, Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid},
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    conversations::ConversationStatus,
    db::{ContactId, WorkspaceId},
    error::AppError,
    inbox::queries::format_cursor,
};

/// Rows per page of the contact list.
pub const PAGE_SIZE: i64 = 50;

/// Conversations a contact's page lists, newest first.
pub const CONVERSATIONS_SHOWN: i64 = 100;

/// One row of the contact list.
#[derive(QueryableByName, Clone, Debug)]
pub struct ContactRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    pub name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub external_id: Option<String>,
    #[diesel(sql_type = Bool)]
    pub identity_verified: bool,
    #[diesel(sql_type = Timestamptz)]
    pub last_seen_at: OffsetDateTime,
    #[diesel(sql_type = BigInt)]
    pub conversations: i64,
}

impl ContactRow {
    /// The keyset cursor of this row: the same form as the inbox's.
    pub fn cursor(&self) -> String {
        format_cursor(self.last_seen_at, self.id)
    }
}

/// The words a contact is found by. It must stay character for character the expression of
/// `contacts_search_idx` (migration `2026-11-28-000004_inbox`), or the search reads every
/// contact of the workspace instead of that index; the inbox's search uses the same one.
const SEARCH_VECTOR: &str = "to_tsvector('simple', coalesce(ct.name, '') || ' ' || coalesce(ct.email, '') || ' ' || translate(coalesce(ct.email, ''), '@.+_-', '     ') || ' ' || coalesce(ct.external_id, ''))";

/// The most words of a search that count; more would only slow the index down.
const MAX_SEARCH_WORDS: usize = 8;

/// A `to_tsquery` text matching contacts with a word that starts with each word of `search`
/// ("ali lov" finds Alice Lovelace), as people type names half-way. Words are the runs of
/// letters and digits, so nothing of the query syntax (`&|!():*'`) gets through; `None` when
/// `search` has none.
pub fn prefix_query(search: &str) -> Option<String> {
    let words: Vec<String> = search
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .take(MAX_SEARCH_WORDS)
        .map(|word| format!("{}:*", word.to_lowercase()))
        .collect();
    (!words.is_empty()).then(|| words.join(" & "))
}

/// One page of the workspace's people, last seen first, after `cursor` (exclusive), matching
/// every word of `search` (as a prefix, see [`prefix_query`]) when one is given. Returns up to [`PAGE_SIZE`] rows and whether more
/// follow.
///
/// People are the contacts who wrote (have a conversation) or are known (a name, an email, a
/// user id): the widget makes a contact for every browser that opens a page, and a list of
/// anonymous page views would bury the people. Without a search the page is one scan of
/// `contacts_last_seen_idx` in order, stopping after the page; with one, the search index finds
/// the matches and they are sorted.
pub fn list(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    search: Option<&str>,
    cursor: Option<(OffsetDateTime, Uuid)>,
) -> Result<(Vec<ContactRow>, bool), AppError> {
    let prefixes = match search.map(prefix_query) {
        Some(None) => return Ok((Vec::new(), false)),
        Some(Some(query)) => Some(query),
        None => None,
    };
    // The words as typed match whole (`user-4711`, which the parser keeps as `user` and
    // `-4711`), and their beginnings match too.
    let search_filter = if search.is_some() {
        format!(" AND {SEARCH_VECTOR} @@ (plainto_tsquery('simple', $2) || to_tsquery('simple', $6))")
    } else {
        " AND $2::text IS NULL AND $6::text IS NULL".to_string()
    };
    let cursor_filter =
        if cursor.is_some() { " AND (ct.last_seen_at, ct.id) < ($3, $4)" } else { " AND $3::timestamptz IS NULL AND $4::uuid IS NULL" };
    let sql = format!(
        "SELECT ct.id, ct.name, ct.email, ct.external_id, ct.identity_verified, ct.last_seen_at, \
                (SELECT count(*) FROM conversations c WHERE c.contact_id = ct.id AND c.workspace_id = $1) AS conversations \
         FROM contacts ct \
         WHERE ct.workspace_id = $1{search_filter}{cursor_filter} \
           AND (ct.name IS NOT NULL OR ct.email IS NOT NULL OR ct.external_id IS NOT NULL \
                OR EXISTS (SELECT 1 FROM conversations c WHERE c.contact_id = ct.id AND c.workspace_id = $1)) \
         ORDER BY ct.last_seen_at DESC, ct.id DESC LIMIT $5"
    );
    let (at, id) = cursor.map_or((None, None), |(at, id)| (Some(at), Some(id)));
    let mut rows: Vec<ContactRow> = diesel::sql_query(sql)
        .bind::<SqlUuid, _>(workspace_id)
        .bind::<Nullable<Text>, _>(search)
        .bind::<Nullable<Timestamptz>, _>(at)
        .bind::<Nullable<SqlUuid>, _>(id)
        .bind::<BigInt, _>(PAGE_SIZE + 1)
        .bind::<Nullable<Text>, _>(prefixes)
        .load(conn)?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok((rows, more))
}

/// One of a contact's conversations, as their page lists it.
#[derive(QueryableByName, Clone, Debug)]
pub struct ContactConversation {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub status: ConversationStatus,
    /// Every message has its own `seq`, so the last one is how many the conversation holds.
    #[diesel(sql_type = BigInt)]
    pub last_seq: i64,
    #[diesel(sql_type = Timestamptz)]
    pub last_message_at: OffsetDateTime,
    #[diesel(sql_type = Nullable<Text>)]
    pub assignee_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_body: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_author_kind: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub last_private: Option<bool>,
    #[diesel(sql_type = BigInt)]
    pub last_files: i64,
}

/// The contact's conversations, newest first, at most [`CONVERSATIONS_SHOWN`]: one scan of
/// `conversations_contact_idx` (contact, workspace, last message).
pub fn conversations(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    contact_id: ContactId,
) -> Result<Vec<ContactConversation>, AppError> {
    Ok(diesel::sql_query(
        "SELECT c.id, c.status, c.last_seq, c.last_message_at, u.name AS assignee_name, \
                lm.body AS last_body, lm.author_kind AS last_author_kind, lm.private AS last_private, COALESCE(lm.files, 0) AS last_files \
         FROM conversations c \
         LEFT JOIN users u ON u.id = c.assignee_id \
         LEFT JOIN LATERAL ( \
             SELECT m.body, m.author_kind, m.private, (SELECT count(*) FROM uploads f WHERE f.message_id = m.id) AS files \
             FROM messages m WHERE m.conversation_id = c.id ORDER BY m.seq DESC LIMIT 1 \
         ) lm ON true \
         WHERE c.workspace_id = $1 AND c.contact_id = $2 \
         ORDER BY c.last_message_at DESC, c.id DESC LIMIT $3",
    )
    .bind::<SqlUuid, _>(workspace_id)
    .bind::<SqlUuid, _>(contact_id.0)
    .bind::<BigInt, _>(CONVERSATIONS_SHOWN)
    .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::prefix_query;

    #[test]
    fn every_word_becomes_a_prefix_and_the_query_syntax_is_dropped() {
        assert_eq!(prefix_query("Ali LOV").as_deref(), Some("ali:* & lov:*"));
        assert_eq!(prefix_query("ada.lovelace@example.com").as_deref(), Some("ada:* & lovelace:* & example:* & com:*"));
        assert_eq!(prefix_query("a & b | !c:*'(d)").as_deref(), Some("a:* & b:* & c:* & d:*"));
        assert_eq!(prefix_query("Zoë 4711").as_deref(), Some("zoë:* & 4711:*"));
        assert_eq!(prefix_query(" &|!:*' "), None);
        assert_eq!(prefix_query("a b c d e f g h i j").map(|q| q.matches(":*").count()), Some(8));
    }
}
