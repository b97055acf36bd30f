//! The writer's SQL: a fixed set of statements over arrays, each one round trip whatever the
//! size of the batch, prepared once per connection through [`CachedSql`].
//!
//! Their plans cannot depend on table statistics: a lateral subquery per key (one index probe
//! each, whatever the table's size) rather than a join the planner may turn into a scan of the
//! whole table. A connection keeps a statement's plan for its life, and a plan made while a
//! table was small would otherwise be kept after it grew.
//!
//! Tenant rule: every key is a pair with its `WorkspaceId`, and every lookup, lock and update
//! filters on both; ids come back decoded as their newtypes, never rebuilt from raw uuids.

use std::collections::{BTreeMap, HashSet};

use diesel::{
    prelude::*,
    sql_types::{Array, BigInt, Bool, Integer, Nullable, SmallInt, Text, Timestamptz, Uuid as SqlUuid},
};
use time::OffsetDateTime;
use uuid::Uuid;

use super::NewMessage;
use crate::conversations::{Author, ConversationStatus};
use crate::db::{CachedSql, ContactId, ConversationId, MessageId, UploadId, UserId, WorkspaceId};

/// Finds which (workspace, client id) pairs of a batch are already stored: one probe of the
/// unique index per pair. (Two `= ANY` filters instead let the planner read every message of
/// the workspace through the search index.)
const TAKEN_CLIENT_IDS: &str = "\
SELECT k.workspace_id, k.client_id
FROM unnest($1::uuid[], $2::uuid[]) AS k(workspace_id, client_id)
CROSS JOIN LATERAL (
    SELECT 1 FROM messages m WHERE m.workspace_id = k.workspace_id AND m.client_id = k.client_id LIMIT 1
) AS stored";

/// Locks the contacts that start conversations, in the order given (sorted), so that two
/// sends of one visitor on two instances cannot both pass the count that follows.
const LOCK_CONTACTS: &str = "\
SELECT c.id, c.workspace_id
FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS k(id, workspace_id, n)
CROSS JOIN LATERAL (
    SELECT id, workspace_id FROM contacts WHERE id = k.id AND workspace_id = k.workspace_id FOR UPDATE
) AS c
ORDER BY k.n";

/// A visitor's open conversations and those started in the last day. A statement of its own,
/// after the lock: its snapshot then sees every conversation committed before the lock was ours.
const COUNT_CONVERSATIONS: &str = "\
SELECT k.id, k.workspace_id, s.open, s.started_today
FROM unnest($1::uuid[], $2::uuid[]) AS k(id, workspace_id)
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE status <> 'resolved') AS open,
           count(*) FILTER (WHERE created_at > now() - interval '1 day') AS started_today
    FROM conversations WHERE contact_id = k.id AND workspace_id = k.workspace_id
) AS s";

/// Locks a batch's conversations and reads what numbering its messages needs, whether their
/// contact is blocked, and whether their workspace has a webhook endpoint (a probe of an index
/// each, in the same statement: refusing a reply to a blocked contact costs no round trip, and
/// a batch for workspaces without webhooks skips the statement that records their events).
/// In the order of the ids given (sorted), so that two transactions locking several
/// conversations never wait on each other in a cycle.
const LOCK_CONVERSATIONS: &str = "\
SELECT c.id, c.workspace_id, c.contact_id, c.status, c.last_seq, c.assignee_id,
       EXISTS (SELECT 1 FROM contacts p WHERE p.id = c.contact_id AND p.blocked_at IS NOT NULL) AS contact_blocked,
       EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.workspace_id = c.workspace_id AND w.enabled) AS has_webhooks
FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS k(id, workspace_id, n)
CROSS JOIN LATERAL (
    SELECT id, workspace_id, contact_id, status, last_seq, assignee_id FROM conversations
    WHERE id = k.id AND workspace_id = k.workspace_id FOR UPDATE
) AS c
ORDER BY k.n";

/// Stores a whole batch in one statement (one round trip, one plan): new conversations are
/// inserted with their first message's seq, existing ones take their new `last_seq`, status
/// and read marks (and, at the first public reply of an agent, when and by whom it was answered:
/// what reports read), each member's public replies are added to their count of the quarter
/// hour, and the messages are inserted with the seqs numbered from the locked rows.
/// The messages' foreign key to a conversation inserted here is checked at the end of the
/// statement, when the insert is visible. `c.id = ANY` lets the update find its rows through
/// the primary key. (The one plan here that statistics sway: a connection that prepared this
/// while `conversations` was nearly empty and never analyzed scans the table on each batch,
/// until autovacuum's first analyze, within a minute of the table's growth, replaces the plan.
/// A new database only; measured in docs/performance.md.)
const STORE: &str = "\
WITH started AS (
    INSERT INTO conversations (id, workspace_id, contact_id, last_seq, visitor_read_seq, last_message_at)
    SELECT s.id, s.workspace_id, s.contact_id, 1, 1, $1::timestamptz
    FROM unnest($2::uuid[], $3::uuid[], $4::uuid[]) AS s(id, workspace_id, contact_id)
), counted AS (
    INSERT INTO agent_reply_counts (workspace_id, quarter, user_id, replies)
    SELECT r.workspace_id, date_bin('15 minutes', $1::timestamptz, TIMESTAMPTZ '2000-01-01 00:00:00+00'), r.user_id, r.replies
    FROM unnest($22::uuid[], $23::uuid[], $24::int4[]) AS r(workspace_id, user_id, replies)
    ON CONFLICT (workspace_id, quarter, user_id) DO UPDATE SET replies = agent_reply_counts.replies + EXCLUDED.replies
), bumped AS (
    UPDATE conversations c
    SET last_seq = v.last_seq, status = v.status, last_message_at = $1::timestamptz, updated_at = $1::timestamptz,
        agent_read_seq = GREATEST(c.agent_read_seq, v.agent_read),
        visitor_read_seq = GREATEST(c.visitor_read_seq, v.visitor_read),
        first_reply_at = CASE WHEN c.first_reply_at IS NULL AND v.replier IS NOT NULL THEN $1::timestamptz ELSE c.first_reply_at END,
        first_reply_by = CASE WHEN c.first_reply_at IS NULL THEN v.replier ELSE c.first_reply_by END
    FROM unnest($5::uuid[], $6::uuid[], $7::int8[], $8::text[], $9::int8[], $10::int8[], $21::uuid[])
        AS v(id, workspace_id, last_seq, status, agent_read, visitor_read, replier)
    WHERE c.id = v.id AND c.workspace_id = v.workspace_id AND c.id = ANY($5::uuid[])
)
INSERT INTO messages (id, workspace_id, conversation_id, seq, client_id, author_kind, author_id, body, private, created_at, attachment_count)
SELECT m.id, m.workspace_id, m.conversation_id, m.seq, m.client_id, m.author_kind, m.author_id, m.body, m.private, $1::timestamptz, m.attachments
FROM unnest($11::uuid[], $12::uuid[], $13::uuid[], $14::int8[], $15::uuid[], $16::text[], $17::uuid[], $18::text[], $19::bool[], $20::int2[])
    AS m(id, workspace_id, conversation_id, seq, client_id, author_kind, author_id, body, private, attachments)";

/// Locks the uploads a batch attaches that are still free (no message took them), with what
/// an attachment shows. One missing from the answer is another workspace's, or taken, or gone.
const LOCK_UPLOADS: &str = "\
SELECT u.id, u.workspace_id, u.uploader_kind, u.uploader_id, u.name, u.content_type, u.size, u.width, u.height,
       u.thumbnail_key IS NOT NULL AS has_thumbnail
FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS k(id, workspace_id, n)
CROSS JOIN LATERAL (
    SELECT * FROM uploads WHERE id = k.id AND workspace_id = k.workspace_id AND message_id IS NULL FOR UPDATE
) AS u
ORDER BY k.n";

/// Gives the locked uploads to their messages.
const CLAIM_UPLOADS: &str = "\
UPDATE uploads u
SET message_id = c.message_id, conversation_id = c.conversation_id, contact_id = c.contact_id, position = c.position
FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::int2[])
    AS c(id, workspace_id, message_id, conversation_id, contact_id, position)
WHERE u.id = c.id AND u.workspace_id = c.workspace_id AND u.id = ANY($1::uuid[])";

#[derive(QueryableByName)]
struct TakenClientId {
    #[diesel(sql_type = SqlUuid)]
    workspace_id: WorkspaceId,
    #[diesel(sql_type = SqlUuid)]
    client_id: Uuid,
}

/// The sends of `batch` whose client id is already stored in their workspace.
pub(super) fn taken_client_ids(conn: &mut PgConnection, batch: &[&NewMessage]) -> QueryResult<HashSet<(WorkspaceId, Uuid)>> {
    let workspace_ids: Vec<WorkspaceId> = batch.iter().map(|new| new.workspace_id).collect();
    let client_ids: Vec<Uuid> = batch.iter().map(|new| new.client_id).collect();
    Ok(CachedSql::new(TAKEN_CLIENT_IDS)
        .bind::<Array<SqlUuid>, _>(&workspace_ids)
        .bind::<Array<SqlUuid>, _>(&client_ids)
        .load::<TakenClientId>(conn)?
        .into_iter()
        .map(|taken| (taken.workspace_id, taken.client_id))
        .collect())
}

#[derive(QueryableByName)]
struct LockedContact {
    #[diesel(sql_type = SqlUuid)]
    id: ContactId,
    #[diesel(sql_type = SqlUuid)]
    workspace_id: WorkspaceId,
}

/// How many conversations one visitor has, as counted under the lock of its contact.
#[derive(QueryableByName)]
pub(super) struct VisitorCounts {
    #[diesel(sql_type = SqlUuid)]
    pub id: ContactId,
    #[diesel(sql_type = SqlUuid)]
    pub workspace_id: WorkspaceId,
    #[diesel(sql_type = BigInt)]
    pub open: i64,
    #[diesel(sql_type = BigInt)]
    pub started_today: i64,
}

/// Locks the given contacts (sorted, without repeats) and counts their conversations; a
/// contact missing from the answer does not exist in that workspace.
pub(super) fn lock_and_count_visitors(conn: &mut PgConnection, keys: &[(ContactId, WorkspaceId)]) -> QueryResult<Vec<VisitorCounts>> {
    let (ids, workspace_ids): (Vec<ContactId>, Vec<WorkspaceId>) = keys.iter().copied().unzip();
    let locked = CachedSql::new(LOCK_CONTACTS)
        .bind::<Array<SqlUuid>, _>(&ids)
        .bind::<Array<SqlUuid>, _>(&workspace_ids)
        .load::<LockedContact>(conn)?;
    if locked.is_empty() {
        return Ok(Vec::new());
    }
    let (ids, workspace_ids): (Vec<ContactId>, Vec<WorkspaceId>) = locked.into_iter().map(|c| (c.id, c.workspace_id)).unzip();
    CachedSql::new(COUNT_CONVERSATIONS).bind::<Array<SqlUuid>, _>(&ids).bind::<Array<SqlUuid>, _>(&workspace_ids).load(conn)
}

/// A conversation of the batch as locked.
#[derive(QueryableByName)]
pub(super) struct LockedConversation {
    #[diesel(sql_type = SqlUuid)]
    pub id: ConversationId,
    #[diesel(sql_type = SqlUuid)]
    pub workspace_id: WorkspaceId,
    #[diesel(sql_type = SqlUuid)]
    pub contact_id: ContactId,
    #[diesel(sql_type = Text)]
    pub status: ConversationStatus,
    #[diesel(sql_type = BigInt)]
    pub last_seq: i64,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub assignee_id: Option<UserId>,
    #[diesel(sql_type = Bool)]
    pub contact_blocked: bool,
    /// Whether the workspace has an enabled webhook endpoint, as this statement saw it.
    #[diesel(sql_type = Bool)]
    pub has_webhooks: bool,
}

/// Locks the given conversations (sorted, without repeats); one missing from the answer does
/// not exist in that workspace.
pub(super) fn lock_conversations(conn: &mut PgConnection, keys: &[(ConversationId, WorkspaceId)]) -> QueryResult<Vec<LockedConversation>> {
    let (ids, workspace_ids): (Vec<ConversationId>, Vec<WorkspaceId>) = keys.iter().copied().unzip();
    CachedSql::new(LOCK_CONVERSATIONS).bind::<Array<SqlUuid>, _>(&ids).bind::<Array<SqlUuid>, _>(&workspace_ids).load(conn)
}

/// A free upload of the batch, as locked.
#[derive(QueryableByName, Clone, Debug)]
pub(super) struct LockedUpload {
    #[diesel(sql_type = SqlUuid)]
    pub id: UploadId,
    #[diesel(sql_type = SqlUuid)]
    pub workspace_id: WorkspaceId,
    #[diesel(sql_type = Text)]
    pub uploader_kind: String,
    #[diesel(sql_type = SqlUuid)]
    pub uploader_id: Uuid,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Text)]
    pub content_type: String,
    #[diesel(sql_type = BigInt)]
    pub size: i64,
    #[diesel(sql_type = Nullable<Integer>)]
    pub width: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub height: Option<i32>,
    #[diesel(sql_type = Bool)]
    pub has_thumbnail: bool,
}

/// Locks the free uploads among `keys`; only called when some send attaches files.
pub(super) fn lock_uploads(conn: &mut PgConnection, keys: &[(UploadId, WorkspaceId)]) -> QueryResult<Vec<LockedUpload>> {
    let (ids, workspace_ids): (Vec<UploadId>, Vec<WorkspaceId>) = keys.iter().copied().unzip();
    CachedSql::new(LOCK_UPLOADS).bind::<Array<SqlUuid>, _>(&ids).bind::<Array<SqlUuid>, _>(&workspace_ids).load(conn)
}

/// Everything one batch writes, as the arrays of [`STORE`].
#[derive(Default)]
pub(super) struct Rows<'a> {
    started_ids: Vec<ConversationId>,
    started_workspace_ids: Vec<WorkspaceId>,
    started_contact_ids: Vec<ContactId>,
    touched_ids: Vec<ConversationId>,
    touched_workspace_ids: Vec<WorkspaceId>,
    touched_seqs: Vec<i64>,
    touched_statuses: Vec<ConversationStatus>,
    agent_reads: Vec<i64>,
    visitor_reads: Vec<i64>,
    repliers: Vec<Option<UserId>>,
    /// Public replies per (workspace, member), in key order: two batches on two instances add
    /// to the same counts in the same order, so they never wait on each other in a cycle.
    reply_counts: BTreeMap<(WorkspaceId, UserId), i32>,
    ids: Vec<MessageId>,
    workspace_ids: Vec<WorkspaceId>,
    conversation_ids: Vec<ConversationId>,
    seqs: Vec<i64>,
    client_ids: Vec<Uuid>,
    author_kinds: Vec<&'static str>,
    author_ids: Vec<Option<Uuid>>,
    bodies: Vec<&'a str>,
    privates: Vec<bool>,
    attachment_counts: Vec<i16>,
    claim_ids: Vec<UploadId>,
    claim_workspace_ids: Vec<WorkspaceId>,
    claim_message_ids: Vec<MessageId>,
    claim_conversation_ids: Vec<ConversationId>,
    claim_contact_ids: Vec<ContactId>,
    claim_positions: Vec<i16>,
}

/// A conversation after the batch's messages, for the update of [`STORE`]. An author has read
/// what came before their message: their read mark moves to it.
pub(super) struct Touched {
    pub id: ConversationId,
    pub workspace_id: WorkspaceId,
    pub last_seq: i64,
    pub status: ConversationStatus,
    pub agent_read: i64,
    pub visitor_read: i64,
    /// The author of the batch's first public agent message into it, if any.
    pub replier: Option<UserId>,
}

impl<'a> Rows<'a> {
    pub(super) fn start(&mut self, id: ConversationId, workspace_id: WorkspaceId, contact_id: ContactId) {
        self.started_ids.push(id);
        self.started_workspace_ids.push(workspace_id);
        self.started_contact_ids.push(contact_id);
    }

    pub(super) fn touch(&mut self, touched: Touched) {
        self.touched_ids.push(touched.id);
        self.touched_workspace_ids.push(touched.workspace_id);
        self.touched_seqs.push(touched.last_seq);
        self.touched_statuses.push(touched.status);
        self.agent_reads.push(touched.agent_read);
        self.visitor_reads.push(touched.visitor_read);
        self.repliers.push(touched.replier);
    }

    /// Adds a message; `author_id` and `private` as [`NewMessage`] decides them.
    pub(super) fn message(&mut self, id: MessageId, new: &'a NewMessage, conversation_id: ConversationId, seq: i64, private: bool) {
        self.ids.push(id);
        self.workspace_ids.push(new.workspace_id);
        self.conversation_ids.push(conversation_id);
        self.seqs.push(seq);
        self.client_ids.push(new.client_id);
        self.author_kinds.push(new.author.kind().as_str());
        self.author_ids.push(Some(new.author.id()));
        self.bodies.push(&new.body);
        self.privates.push(private);
        self.attachment_counts.push(new.attachments.len() as i16);
        if let (Author::Agent { user_id, .. }, false) = (&new.author, private) {
            *self.reply_counts.entry((new.workspace_id, *user_id)).or_default() += 1;
        }
    }

    /// Gives an upload to a message of the batch.
    pub(super) fn claim(
        &mut self,
        upload: UploadId,
        workspace_id: WorkspaceId,
        message: (MessageId, ConversationId, ContactId),
        position: i16,
    ) {
        self.claim_ids.push(upload);
        self.claim_workspace_ids.push(workspace_id);
        self.claim_message_ids.push(message.0);
        self.claim_conversation_ids.push(message.1);
        self.claim_contact_ids.push(message.2);
        self.claim_positions.push(position);
    }

    /// Writes it all in one statement, if there is anything to write.
    pub(super) fn write(&self, conn: &mut PgConnection, now: OffsetDateTime) -> QueryResult<()> {
        if self.ids.is_empty() {
            return Ok(());
        }
        let (count_workspaces, count_users): (Vec<WorkspaceId>, Vec<UserId>) = self.reply_counts.keys().copied().unzip();
        let counts: Vec<i32> = self.reply_counts.values().copied().collect();
        CachedSql::new(STORE)
            .bind::<Timestamptz, _>(now)
            .bind::<Array<SqlUuid>, _>(&self.started_ids)
            .bind::<Array<SqlUuid>, _>(&self.started_workspace_ids)
            .bind::<Array<SqlUuid>, _>(&self.started_contact_ids)
            .bind::<Array<SqlUuid>, _>(&self.touched_ids)
            .bind::<Array<SqlUuid>, _>(&self.touched_workspace_ids)
            .bind::<Array<BigInt>, _>(&self.touched_seqs)
            .bind::<Array<Text>, _>(&self.touched_statuses)
            .bind::<Array<BigInt>, _>(&self.agent_reads)
            .bind::<Array<BigInt>, _>(&self.visitor_reads)
            .bind::<Array<SqlUuid>, _>(&self.ids)
            .bind::<Array<SqlUuid>, _>(&self.workspace_ids)
            .bind::<Array<SqlUuid>, _>(&self.conversation_ids)
            .bind::<Array<BigInt>, _>(&self.seqs)
            .bind::<Array<SqlUuid>, _>(&self.client_ids)
            .bind::<Array<Text>, _>(&self.author_kinds)
            .bind::<Array<Nullable<SqlUuid>>, _>(&self.author_ids)
            .bind::<Array<Text>, _>(&self.bodies)
            .bind::<Array<Bool>, _>(&self.privates)
            .bind::<Array<SmallInt>, _>(&self.attachment_counts)
            .bind::<Array<Nullable<SqlUuid>>, _>(&self.repliers)
            .bind::<Array<SqlUuid>, _>(&count_workspaces)
            .bind::<Array<SqlUuid>, _>(&count_users)
            .bind::<Array<Integer>, _>(&counts)
            .execute(conn)?;
        if !self.claim_ids.is_empty() {
            CachedSql::new(CLAIM_UPLOADS)
                .bind::<Array<SqlUuid>, _>(&self.claim_ids)
                .bind::<Array<SqlUuid>, _>(&self.claim_workspace_ids)
                .bind::<Array<SqlUuid>, _>(&self.claim_message_ids)
                .bind::<Array<SqlUuid>, _>(&self.claim_conversation_ids)
                .bind::<Array<SqlUuid>, _>(&self.claim_contact_ids)
                .bind::<Array<SmallInt>, _>(&self.claim_positions)
                .execute(conn)?;
        }
        Ok(())
    }
}
