//! What the inbox reads: pages of a workspace's conversations (keyset, by last activity), one
//! conversation with its contact, and full-text search. It writes nothing: conversation
//! changes are [`crate::conversations::actions`].
//!
//! Tenant rule: every function takes the `WorkspaceId` of the signed-in member (or of the API
//! key) and filters by it.

use diesel::{
    prelude::*,
    sql_types::{BigInt, Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid},
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    conversations::{ConversationStatus, labels::Label},
    db::{ContactId, ConversationId, LabelId, UserId, WorkspaceId, schema::contacts},
    error::AppError,
};

/// Rows per page of the conversation list.
pub const PAGE_SIZE: i64 = 25;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Mine,
    Unassigned,
    All,
}

impl View {
    pub fn parse(text: Option<&str>) -> View {
        match text {
            Some("mine") => View::Mine,
            Some("unassigned") => View::Unassigned,
            _ => View::All,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            View::Mine => "mine",
            View::Unassigned => "unassigned",
            View::All => "all",
        }
    }
}

/// The status a list link asks for: open, unless it names another.
pub fn parse_status(text: Option<&str>) -> ConversationStatus {
    text.and_then(ConversationStatus::parse).unwrap_or(ConversationStatus::Open)
}

/// One row of the conversation list.
#[derive(QueryableByName, Clone, Debug)]
pub struct ConversationRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub status: ConversationStatus,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub assignee_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub assignee_name: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub unread: i64,
    #[diesel(sql_type = Timestamptz)]
    pub last_message_at: OffsetDateTime,
    #[diesel(sql_type = SqlUuid)]
    pub contact_id: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    pub contact_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub contact_email: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_body: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_author_kind: Option<String>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub last_private: Option<bool>,
    /// How many files the last message carries.
    #[diesel(sql_type = BigInt)]
    pub last_files: i64,
    /// The conversation's labels, a JSON array of `{id, name, color}` by name.
    #[diesel(sql_type = Text)]
    pub labels: String,
}

impl ConversationRow {
    /// The conversation's labels, by name.
    pub fn labels(&self) -> Vec<Label> {
        // The query builds this JSON itself; should it ever not parse, the row shows no labels
        // rather than failing the whole list.
        serde_json::from_str(&self.labels).unwrap_or_default()
    }

    /// The keyset cursor of this row.
    pub fn cursor(&self) -> String {
        format_cursor(self.last_message_at, self.id)
    }
}

/// The years a cursor's time may name: it is the time of a message, and a wider range would
/// only let a hand-made cursor reach the ends of the date type.
pub const CURSOR_YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;

/// A keyset cursor: `<RFC 3339 time in UTC>_<id>`.
pub fn format_cursor(at: OffsetDateTime, id: Uuid) -> String {
    let at = at.checked_to_offset(time::UtcOffset::UTC).unwrap_or(at);
    let at = at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    format!("{at}_{id}")
}

/// The time (in UTC) and id of a cursor from [`format_cursor`]; `None` for anything else,
/// including a time outside [`CURSOR_YEARS`] once in UTC.
pub fn parse_cursor(cursor: &str) -> Option<(OffsetDateTime, Uuid)> {
    let (at, id) = cursor.rsplit_once('_')?;
    let at = OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()?;
    // Stored as UTC: a time that has no UTC form within the date type's range is no cursor.
    let at = at.checked_to_offset(time::UtcOffset::UTC).filter(|at| CURSOR_YEARS.contains(&at.year()))?;
    Some((at, Uuid::parse_str(id).ok()?))
}

const ROW_COLUMNS: &str = "\
SELECT c.id, c.status, c.assignee_id, u.name AS assignee_name, GREATEST(c.last_seq - c.agent_read_seq, 0) AS unread,
       c.last_message_at, ct.id AS contact_id, ct.name AS contact_name, ct.email AS contact_email,
       lm.body AS last_body, lm.author_kind AS last_author_kind, lm.private AS last_private,
       COALESCE(lm.files, 0) AS last_files,
       COALESCE((SELECT json_agg(json_build_object('id', l.id, 'name', l.name, 'color', l.color) ORDER BY lower(l.name), l.id)
                 FROM conversation_labels cl JOIN labels l ON l.id = cl.label_id
                 WHERE cl.conversation_id = c.id), '[]')::text AS labels
FROM conversations c
JOIN contacts ct ON ct.id = c.contact_id
LEFT JOIN users u ON u.id = c.assignee_id
LEFT JOIN LATERAL (
    SELECT m.body, m.author_kind, m.private,
           (SELECT count(*) FROM uploads f WHERE f.message_id = m.id) AS files
    FROM messages m
    WHERE m.conversation_id = c.id ORDER BY m.seq DESC LIMIT 1
) lm ON true";

/// What the list shows: a view, one status, and optionally only the conversations carrying a
/// label (one of the workspace's: the caller looks it up first).
#[derive(Clone, Copy, Debug)]
pub struct ListFilter {
    pub view: View,
    pub status: ConversationStatus,
    pub label: Option<LabelId>,
}

/// One page of the list, newest activity first, after `cursor` (exclusive). Returns up to
/// [`PAGE_SIZE`] rows and whether more follow.
pub fn list(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    me: UserId,
    filter: ListFilter,
    cursor: Option<(OffsetDateTime, Uuid)>,
) -> Result<(Vec<ConversationRow>, bool), AppError> {
    let ListFilter { view, status, label } = filter;
    // Fixed fragments per view, so that each shape uses its index: (workspace, status, time)
    // for All, (workspace, assignee, status, time) for Mine and Unassigned.
    let view_filter = match view {
        View::Mine => " AND c.assignee_id = $3",
        View::Unassigned => " AND c.assignee_id IS NULL AND $3::uuid IS NOT NULL",
        View::All => " AND $3::uuid IS NOT NULL",
    };
    let cursor_filter =
        if cursor.is_some() { " AND (c.last_message_at, c.id) < ($4, $5)" } else { " AND $4::timestamptz IS NULL AND $5::uuid IS NULL" };
    // A semi-join the planner may start from either side: from the inbox index for a common
    // label, from the label's own index for a rare one.
    let label_filter = if label.is_some() {
        " AND EXISTS (SELECT 1 FROM conversation_labels cl WHERE cl.conversation_id = c.id AND cl.label_id = $7)"
    } else {
        " AND $7::uuid IS NULL"
    };
    let sql = format!(
        "{ROW_COLUMNS} WHERE c.workspace_id = $1 AND c.status = $2{view_filter}{cursor_filter}{label_filter} \
         ORDER BY c.last_message_at DESC, c.id DESC LIMIT $6"
    );
    let (at, id) = cursor.map_or((None, None), |(at, id)| (Some(at), Some(id)));
    let mut rows: Vec<ConversationRow> = diesel::sql_query(sql)
        .bind::<SqlUuid, _>(workspace_id)
        .bind::<Text, _>(status)
        .bind::<SqlUuid, _>(me.0)
        .bind::<Nullable<Timestamptz>, _>(at)
        .bind::<Nullable<SqlUuid>, _>(id)
        .bind::<BigInt, _>(PAGE_SIZE + 1)
        .bind::<Nullable<SqlUuid>, _>(label)
        .load(conn)?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok((rows, more))
}

/// One row, for a live update of the list; `None` when it is not this workspace's.
pub fn row(conn: &mut PgConnection, workspace_id: WorkspaceId, id: ConversationId) -> Result<Option<ConversationRow>, AppError> {
    let sql = format!("{ROW_COLUMNS} WHERE c.workspace_id = $1 AND c.id = $2");
    Ok(diesel::sql_query(sql).bind::<SqlUuid, _>(workspace_id).bind::<SqlUuid, _>(id.0).get_result(conn).optional()?)
}

/// How many open conversations each view holds, counted up to 100 (shown as "99+").
pub fn open_counts(conn: &mut PgConnection, workspace_id: WorkspaceId, me: UserId) -> Result<(i64, i64, i64), AppError> {
    #[derive(QueryableByName)]
    struct Counts {
        #[diesel(sql_type = BigInt)]
        mine: i64,
        #[diesel(sql_type = BigInt)]
        unassigned: i64,
        #[diesel(sql_type = BigInt)]
        all: i64,
    }
    let counts: Counts = diesel::sql_query(
        "SELECT \
           (SELECT count(*) FROM (SELECT 1 FROM conversations WHERE workspace_id = $1 AND assignee_id = $2 AND status = 'open' LIMIT 100) a) AS mine, \
           (SELECT count(*) FROM (SELECT 1 FROM conversations WHERE workspace_id = $1 AND assignee_id IS NULL AND status = 'open' LIMIT 100) b) AS unassigned, \
           (SELECT count(*) FROM (SELECT 1 FROM conversations WHERE workspace_id = $1 AND status = 'open' LIMIT 100) c) AS all",
    )
    .bind::<SqlUuid, _>(workspace_id)
    .bind::<SqlUuid, _>(me.0)
    .get_result(conn)?;
    Ok((counts.mine, counts.unassigned, counts.all))
}

/// What the contact panel shows.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = contacts, check_for_backend(diesel::pg::Pg))]
pub struct ContactDetails {
    pub id: ContactId,
    pub name: Option<String>,
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub identity_verified: bool,
    pub current_url: Option<String>,
    pub page_title: Option<String>,
    pub referrer: Option<String>,
    pub browser: Option<String>,
    pub os: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    pub attributes: serde_json::Value,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub blocked_at: Option<OffsetDateTime>,
    pub blocked_by: Option<crate::db::UserId>,
}

impl ContactDetails {
    /// The visitor's page as a link, only when it is http(s): the widget reports whatever the
    /// page's script says, and a `javascript:` URL must never become something to click.
    pub fn current_page_link(&self) -> Option<&str> {
        self.current_url.as_deref().filter(|url| crate::web::is_web_link(url))
    }

    /// An id the visitor's page claimed without the website's signature.
    pub fn claimed_id(&self) -> Option<&str> {
        self.external_id.as_deref().filter(|_| !self.identity_verified)
    }
}

pub fn contact(conn: &mut PgConnection, workspace_id: WorkspaceId, id: ContactId) -> Result<Option<ContactDetails>, AppError> {
    Ok(contacts::table
        .filter(contacts::workspace_id.eq(workspace_id))
        .filter(contacts::id.eq(id))
        .select(ContactDetails::as_select())
        .first(conn)
        .optional()?)
}

/// The conversation's own fields the page needs beyond [`crate::conversations::Conversation`].
#[derive(QueryableByName, Clone, Debug)]
pub struct ConversationState {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub snoozed_until: Option<OffsetDateTime>,
    #[diesel(sql_type = BigInt)]
    pub visitor_read_seq: i64,
}

pub fn state(conn: &mut PgConnection, workspace_id: WorkspaceId, id: ConversationId) -> Result<Option<ConversationState>, AppError> {
    Ok(diesel::sql_query("SELECT snoozed_until, visitor_read_seq FROM conversations WHERE workspace_id = $1 AND id = $2")
        .bind::<SqlUuid, _>(workspace_id)
        .bind::<SqlUuid, _>(id.0)
        .get_result(conn)
        .optional()?)
}

/// A search hit: a message (with its conversation) or a contact.
#[derive(QueryableByName, Clone, Debug)]
pub struct SearchHit {
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub conversation_id: Option<Uuid>,
    #[diesel(sql_type = SqlUuid)]
    pub contact_id: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    pub contact_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub contact_email: Option<String>,
    #[diesel(sql_type = Text)]
    pub snippet: String,
    #[diesel(sql_type = Timestamptz)]
    pub at: OffsetDateTime,
}

/// Messages matching `query` (every word, as typed) and contacts matching it or the beginnings
/// of its words (as names are typed half-way), best first, at most 50.
pub fn search(conn: &mut PgConnection, workspace_id: WorkspaceId, query: &str) -> Result<Vec<SearchHit>, AppError> {
    Ok(diesel::sql_query(
        "WITH q AS (SELECT plainto_tsquery('simple', $2) AS q, plainto_tsquery('simple', $2) || to_tsquery('simple', $3) AS people) \
         (SELECT 'contact' AS kind, \
                 (SELECT id FROM conversations WHERE contact_id = ct.id ORDER BY last_message_at DESC LIMIT 1) AS conversation_id, \
                 ct.id AS contact_id, ct.name AS contact_name, ct.email AS contact_email, \
                 coalesce(ct.email, ct.name, '') AS snippet, ct.last_seen_at AS at, \
                 ts_rank(to_tsvector('simple', coalesce(ct.name, '') || ' ' || coalesce(ct.email, '') || ' ' || translate(coalesce(ct.email, ''), '@.+_-', '     ') || ' ' || coalesce(ct.external_id, '')), q.people) * 2 AS rank \
          FROM contacts ct, q \
          WHERE ct.workspace_id = $1 \
            AND to_tsvector('simple', coalesce(ct.name, '') || ' ' || coalesce(ct.email, '') || ' ' || translate(coalesce(ct.email, ''), '@.+_-', '     ') || ' ' || coalesce(ct.external_id, '')) @@ q.people \
          ORDER BY rank DESC LIMIT 10) \
         UNION ALL \
         (SELECT 'message', m.conversation_id, c.contact_id, ct.name, ct.email, \
                 ts_headline('simple', m.body, q.q, 'StartSel=«,StopSel=»,MaxWords=30,MinWords=10'), m.created_at, \
                 ts_rank(to_tsvector('simple', m.body), q.q) AS rank \
          FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts ct ON ct.id = c.contact_id, q \
          WHERE m.workspace_id = $1 AND to_tsvector('simple', m.body) @@ q.q \
          ORDER BY rank DESC, m.created_at DESC LIMIT 40)",
    )
    .bind::<SqlUuid, _>(workspace_id)
    .bind::<Text, _>(query)
    .bind::<Text, _>(crate::contacts::queries::prefix_query(query).unwrap_or_default())
    .load(conn)?)
}

/// A readable name for a visitor who has not said theirs, the same every time for one contact.
pub fn friendly_name(contact_id: Uuid) -> String {
    const COLORS: [&str; 16] = [
        "Amber", "Azure", "Coral", "Crimson", "Golden", "Indigo", "Ivory", "Jade", "Lilac", "Mint", "Olive", "Pearl", "Ruby", "Sage",
        "Silver", "Teal",
    ];
    const ANIMALS: [&str; 16] = [
        "Badger", "Crane", "Dolphin", "Falcon", "Fox", "Hare", "Heron", "Koala", "Lynx", "Otter", "Owl", "Panda", "Robin", "Seal", "Tiger",
        "Wren",
    ];
    let bytes = contact_id.as_bytes();
    // The last bytes of a v7 id are random.
    format!("{} {}", COLORS[usize::from(bytes[15]) % 16], ANIMALS[usize::from(bytes[14]) % 16])
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_cursor_round_trips_and_one_beyond_the_years_is_refused() {
        let id = Uuid::now_v7();
        let at = datetime!(2026-11-30 12:34:56.789 +02:00);
        let parsed = parse_cursor(&format_cursor(at, id));
        assert_eq!(parsed, Some((at, id)));
        assert_eq!(parsed.map(|(at, _)| at.offset()), Some(time::UtcOffset::UTC));
        for time in ["9999-12-31T23:59:59-23:59", "0000-01-01T00:00:00+23:59", "1969-12-31T23:59:59Z", "garbage"] {
            assert_eq!(parse_cursor(&format!("{time}_{id}")), None, "{time}");
        }
        assert_eq!(parse_cursor("2026-11-30T12:00:00Z_not-a-uuid"), None);
    }
}
