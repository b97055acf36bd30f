//! Merging two contacts who are one person (someone who chatted anonymously, then again with
//! their email): the kept contact keeps its id and takes over everything of the other, which is
//! then deleted. Its pages are [`super::merge_page`]; the REST API's is
//! `POST /api/v1/contacts/{id}/merge`.
//!
//! What moves, in one transaction with the audit record and the `contact.merged` webhook event:
//! the other's conversations (and, in their messages, the visitor's authorship), their files,
//! and their visitor sessions. Moving the sessions, rather than revoking them, is what keeps
//! the merged visitor's chat going: their widget's token now speaks for the kept contact, so
//! the widget API answers with all of its conversations, and their open sockets close with
//! [`CLOSE_RECONNECT`](crate::realtime::revocation::CLOSE_RECONNECT) after the commit and come
//! straight back as the kept contact. A socket whose wake-up was lost is found by the heartbeat's
//! credential check, which compares the contact a socket speaks for with its token's.
//!
//! What the kept contact lacks (name, email, user id, each custom attribute, the page they are
//! on and their browser details) comes from the other; where both have a value the kept one's
//! stays. First seen is the earlier, last seen the later. Nothing is lost but the other's id,
//! so any member may merge. Two contacts with different user ids are different people to the
//! website and are never merged; if either is blocked, the merged contact is.
//!
//! Tenant rule: every statement takes the caller's `WorkspaceId` together with the ids, and a
//! contact of another workspace answers 404.

use diesel::{
    prelude::*,
    sql_types::{Array, Uuid as SqlUuid},
};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::{
    conversations::contacts::MAX_ATTRIBUTES,
    db::{self, ContactId, ConversationId, UserId, WorkspaceId, schema::contacts},
    error::AppError,
    inbox::queries::ContactDetails,
    realtime::revocation::Revocation,
    state::AppState,
    webhooks::{self, Event},
    workspaces::audit::{self, Actor},
};

/// Why a contact cannot be merged with itself.
pub const SELF_MERGE: &str = "A contact cannot be merged with itself: choose another contact.";

/// The kept contact's fields after a merge.
#[derive(AsChangeset, Clone, Debug)]
#[diesel(table_name = contacts, treat_none_as_null = true)]
pub struct MergedFields {
    pub name: Option<String>,
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub identity_verified: bool,
    pub attributes: Value,
    pub current_url: Option<String>,
    pub page_title: Option<String>,
    pub referrer: Option<String>,
    pub browser: Option<String>,
    pub os: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub blocked_at: Option<OffsetDateTime>,
    pub blocked_by: Option<UserId>,
}

/// What a merge makes of two contacts, and what the confirmation says about it.
#[derive(Clone, Debug)]
pub struct Combined {
    pub fields: MergedFields,
    /// The details the kept contact lacked and takes from the other, as the page names them.
    pub filled: Vec<&'static str>,
    /// Custom attributes of the other contact the kept one takes.
    pub attributes_added: usize,
    /// Custom attributes of the other contact left out: the kept one would have more than
    /// [`MAX_ATTRIBUTES`], which the widget could then never update.
    pub attributes_left_out: usize,
}

/// The kept contact's value, or else the other's (recording that it was taken).
fn fill<T: Clone>(kept: &Option<T>, other: &Option<T>, label: &'static str, filled: &mut Vec<&'static str>) -> Option<T> {
    match (kept, other) {
        (None, Some(value)) => {
            filled.push(label);
            Some(value.clone())
        }
        _ => kept.clone(),
    }
}

/// The kept contact completed from the other, or why the two cannot be merged (as a 422).
pub fn combine(kept: &ContactDetails, other: &ContactDetails) -> Result<Combined, AppError> {
    let mut filled = Vec::new();
    let (external_id, identity_verified) = match (&kept.external_id, &other.external_id) {
        (Some(a), Some(b)) if a != b => {
            return Err(AppError::Unprocessable(format!(
                "These contacts have different user ids ({a} and {b}): your website knows them as two different people, so they cannot be merged."
            )));
        }
        // The same id, claimed by one and signed for the other: verified.
        (Some(id), Some(_)) => (Some(id.clone()), kept.identity_verified || other.identity_verified),
        (Some(id), None) => (Some(id.clone()), kept.identity_verified),
        (None, Some(id)) => {
            filled.push("user id");
            (Some(id.clone()), other.identity_verified)
        }
        (None, None) => (None, false),
    };
    let name = fill(&kept.name, &other.name, "name", &mut filled);
    let email = fill(&kept.email, &other.email, "email", &mut filled);
    // A page and its title go together.
    let (current_url, page_title) = if kept.current_url.is_none() && other.current_url.is_some() {
        filled.push("current page");
        (other.current_url.clone(), other.page_title.clone())
    } else {
        (kept.current_url.clone(), kept.page_title.clone())
    };
    let referrer = fill(&kept.referrer, &other.referrer, "where they came from", &mut filled);
    let browser = fill(&kept.browser, &other.browser, "browser", &mut filled);
    let os = fill(&kept.os, &other.os, "system", &mut filled);
    let language = fill(&kept.language, &other.language, "language", &mut filled);
    let time_zone = fill(&kept.time_zone, &other.time_zone, "time zone", &mut filled);

    let mut attributes: Map<String, Value> = kept.attributes.as_object().cloned().unwrap_or_default();
    let (mut attributes_added, mut attributes_left_out) = (0, 0);
    for (key, value) in other.attributes.as_object().into_iter().flatten() {
        if attributes.contains_key(key) {
            continue;
        }
        if attributes.len() < MAX_ATTRIBUTES {
            attributes.insert(key.clone(), value.clone());
            attributes_added += 1;
        } else {
            attributes_left_out += 1;
        }
    }

    let (blocked_at, blocked_by) =
        if kept.blocked_at.is_some() { (kept.blocked_at, kept.blocked_by) } else { (other.blocked_at, other.blocked_by) };
    let fields = MergedFields {
        name,
        email,
        external_id,
        identity_verified,
        attributes: Value::Object(attributes),
        current_url,
        page_title,
        referrer,
        browser,
        os,
        language,
        time_zone,
        created_at: kept.created_at.min(other.created_at),
        last_seen_at: kept.last_seen_at.max(other.last_seen_at),
        blocked_at,
        blocked_by,
    };
    Ok(Combined { fields, filled, attributes_added, attributes_left_out })
}

/// The two contacts of a merge, kept first, both of `workspace_id` (else `NotFound`); locked
/// for the transaction when `lock`. A contact named twice is refused, after the 404 of one that
/// is not the workspace's.
fn load_pair(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    kept_id: ContactId,
    other_id: ContactId,
    lock: bool,
) -> Result<(ContactDetails, ContactDetails), AppError> {
    let query = contacts::table
        .filter(contacts::workspace_id.eq(workspace_id))
        .filter(contacts::id.eq_any([kept_id, other_id]))
        // In id order: two merges of the same pair, either way round, lock in the same order.
        .order(contacts::id)
        .select(ContactDetails::as_select());
    let found: Vec<ContactDetails> = if lock { query.for_update().load(conn)? } else { query.load(conn)? };
    if kept_id == other_id {
        return if found.is_empty() { Err(AppError::NotFound) } else { Err(AppError::Unprocessable(SELF_MERGE.into())) };
    }
    let mut kept = None;
    let mut other = None;
    for contact in found {
        if contact.id == kept_id {
            kept = Some(contact);
        } else {
            other = Some(contact);
        }
    }
    Ok((kept.ok_or(AppError::NotFound)?, other.ok_or(AppError::NotFound)?))
}

pub fn conversation_count(conn: &mut PgConnection, workspace_id: WorkspaceId, contact_id: ContactId) -> Result<i64, AppError> {
    use crate::db::schema::conversations;
    Ok(conversations::table
        .filter(conversations::workspace_id.eq(workspace_id))
        .filter(conversations::contact_id.eq(contact_id))
        .count()
        .get_result(conn)?)
}

/// What the confirmation screen shows: both contacts, their conversations, and the merge's
/// outcome, or why there can be none.
pub struct Preview {
    pub kept: ContactDetails,
    pub other: ContactDetails,
    pub kept_conversations: i64,
    pub other_conversations: i64,
    /// The merge, or the message that refuses it.
    pub outcome: Result<Combined, String>,
}

pub fn preview(conn: &mut PgConnection, workspace_id: WorkspaceId, kept_id: ContactId, other_id: ContactId) -> Result<Preview, AppError> {
    let (kept, other) = load_pair(conn, workspace_id, kept_id, other_id, false)?;
    let outcome = combine(&kept, &other).map_err(|refusal| refusal.to_string());
    Ok(Preview {
        kept_conversations: conversation_count(conn, workspace_id, kept_id)?,
        other_conversations: conversation_count(conn, workspace_id, other_id)?,
        kept,
        other,
        outcome,
    })
}

/// What a merge did.
#[derive(Clone, Debug)]
pub struct Merged {
    pub conversations_moved: usize,
    /// The merged contact is blocked (one of the two was).
    pub blocked: bool,
}

/// Merges `other_id` into `kept_id` in one transaction (see the module doc), with the audit
/// record `contact.merged` and its webhook event. Realtime is the caller's, after the commit:
/// [`merge_contacts`] does both.
pub fn merge(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    actor: &Actor,
    kept_id: ContactId,
    other_id: ContactId,
) -> Result<Merged, AppError> {
    conn.build_transaction().run(|conn| {
        // The message writer locks a visitor's uploads, then their contact, then conversations;
        // locking in the same order here means the two wait for each other, never deadlock.
        db::CachedSql::new("SELECT id FROM uploads WHERE workspace_id = $1 AND contact_id = $2 ORDER BY id FOR UPDATE")
            .bind::<SqlUuid, _>(workspace_id)
            .bind::<SqlUuid, _>(other_id)
            .execute(conn)?;
        let (kept, other) = load_pair(conn, workspace_id, kept_id, other_id, true)?;
        let combined = combine(&kept, &other)?;

        let moved: Vec<ConversationId> = db::CachedSql::new(
            "UPDATE conversations SET contact_id = $3, updated_at = now() WHERE workspace_id = $1 AND contact_id = $2 RETURNING id",
        )
        .bind::<SqlUuid, _>(workspace_id)
        .bind::<SqlUuid, _>(other_id)
        .bind::<SqlUuid, _>(kept_id)
        .load::<MovedConversation>(conn)?
        .into_iter()
        .map(|c| c.id)
        .collect();
        if !moved.is_empty() {
            // A visitor's messages are signed with their contact's id.
            db::CachedSql::new(
                "UPDATE messages SET author_id = $3 WHERE workspace_id = $1 AND conversation_id = ANY($4) \
                 AND author_kind = 'visitor' AND author_id = $2",
            )
            .bind::<SqlUuid, _>(workspace_id)
            .bind::<SqlUuid, _>(other_id)
            .bind::<SqlUuid, _>(kept_id)
            .bind::<Array<SqlUuid>, _>(&moved)
            .execute(conn)?;
        }
        // Files the visitor sent, or sent to them; one not yet in a message stays theirs to send.
        db::CachedSql::new(
            "UPDATE uploads SET contact_id = $3, \
                 uploader_id = CASE WHEN uploader_kind = 'visitor' AND uploader_id = $2 THEN $3 ELSE uploader_id END \
             WHERE workspace_id = $1 AND contact_id = $2",
        )
        .bind::<SqlUuid, _>(workspace_id)
        .bind::<SqlUuid, _>(other_id)
        .bind::<SqlUuid, _>(kept_id)
        .execute(conn)?;
        db::CachedSql::new("UPDATE visitor_sessions SET contact_id = $3 WHERE workspace_id = $1 AND contact_id = $2")
            .bind::<SqlUuid, _>(workspace_id)
            .bind::<SqlUuid, _>(other_id)
            .bind::<SqlUuid, _>(kept_id)
            .execute(conn)?;
        // Deleted before the kept contact takes its user id: the unique index on verified ids
        // then never sees the id twice.
        diesel::delete(contacts::table.filter(contacts::workspace_id.eq(workspace_id)).filter(contacts::id.eq(other_id))).execute(conn)?;
        let blocked = combined.fields.blocked_at.is_some();
        diesel::update(contacts::table.filter(contacts::workspace_id.eq(workspace_id)).filter(contacts::id.eq(kept_id)))
            .set(&combined.fields)
            .execute(conn)?;
        if blocked {
            // The other's tokens, now the kept contact's, end as a block ends them.
            db::CachedSql::new(
                "UPDATE visitor_sessions SET revoked_at = now() WHERE workspace_id = $1 AND contact_id = $2 AND revoked_at IS NULL",
            )
            .bind::<SqlUuid, _>(workspace_id)
            .bind::<SqlUuid, _>(kept_id)
            .execute(conn)?;
        }
        let detail = format!("{other_id} into {kept_id}, {} conversation{} moved", moved.len(), if moved.len() == 1 { "" } else { "s" });
        audit::record(conn, workspace_id, actor, "contact.merged", &detail)?;
        webhooks::emit(conn, &[merged_event(workspace_id, kept_id, &combined.fields, other_id, moved.len())])?;
        Ok(Merged { conversations_moved: moved.len(), blocked })
    })
}

#[derive(QueryableByName)]
struct MovedConversation {
    #[diesel(sql_type = SqlUuid)]
    id: ConversationId,
}

/// The `contact.merged` webhook event: the kept contact as it now is, and the id that is gone.
fn merged_event(workspace_id: WorkspaceId, kept_id: ContactId, fields: &MergedFields, other_id: ContactId, moved: usize) -> Event {
    Event {
        workspace_id,
        event_type: "contact.merged",
        data: json!({
            "contact": {
                "id": kept_id,
                "name": fields.name,
                "email": fields.email,
                "external_id": fields.external_id,
                "identity_verified": fields.identity_verified,
                "blocked": fields.blocked_at.is_some(),
            },
            "merged_contact_id": other_id,
            "conversations_moved": moved,
        }),
    }
}

/// Merges `other_id` into `kept_id` ([`merge`]), then closes the merged contact's sockets on
/// every instance: to reconnect as the kept contact, or, when the result is blocked, as blocked
/// (the kept contact's own sockets too).
pub async fn merge_contacts(
    state: &AppState,
    workspace_id: WorkspaceId,
    actor: Actor,
    kept_id: ContactId,
    other_id: ContactId,
) -> Result<Merged, AppError> {
    let merged = db::run(&state.pool, move |conn| merge(conn, workspace_id, &actor, kept_id, other_id)).await?;
    if merged.blocked {
        state.realtime.revoke(Revocation::Blocked(workspace_id, other_id));
        state.realtime.revoke(Revocation::Blocked(workspace_id, kept_id));
    } else {
        state.realtime.revoke(Revocation::Merged(workspace_id, other_id));
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(name: Option<&str>, external_id: Option<&str>, verified: bool) -> ContactDetails {
        let now = OffsetDateTime::now_utc();
        ContactDetails {
            id: ContactId::new(),
            name: name.map(str::to_string),
            email: None,
            external_id: external_id.map(str::to_string),
            identity_verified: verified,
            current_url: None,
            page_title: None,
            referrer: None,
            browser: None,
            os: None,
            language: None,
            time_zone: None,
            attributes: json!({}),
            created_at: now,
            last_seen_at: now,
            blocked_at: None,
            blocked_by: None,
        }
    }

    #[test]
    fn the_kept_contact_wins_and_takes_only_what_it_lacks() {
        let mut kept = contact(Some("Ada"), None, false);
        kept.attributes = json!({"plan": "pro", "seats": 3});
        kept.browser = Some("Firefox 133".into());
        let mut other = contact(Some("ada"), Some("u-1"), true);
        other.email = Some("ada@example.com".into());
        other.attributes = json!({"plan": "free", "company": "Analytical"});
        other.browser = Some("Chrome 131".into());
        other.current_url = Some("https://example.com/pricing".into());
        other.page_title = Some("Pricing".into());
        other.created_at = kept.created_at - time::Duration::days(3);
        other.last_seen_at = kept.last_seen_at - time::Duration::days(1);
        let combined = combine(&kept, &other).expect("mergeable");
        let f = &combined.fields;
        assert_eq!(f.name.as_deref(), Some("Ada"));
        assert_eq!(f.email.as_deref(), Some("ada@example.com"));
        assert_eq!((f.external_id.as_deref(), f.identity_verified), (Some("u-1"), true));
        assert_eq!(f.attributes, json!({"plan": "pro", "seats": 3, "company": "Analytical"}));
        assert_eq!(f.browser.as_deref(), Some("Firefox 133"));
        assert_eq!((f.current_url.as_deref(), f.page_title.as_deref()), (Some("https://example.com/pricing"), Some("Pricing")));
        assert_eq!((f.created_at, f.last_seen_at), (other.created_at, kept.last_seen_at));
        assert_eq!(combined.filled, vec!["user id", "email", "current page"]);
        assert_eq!((combined.attributes_added, combined.attributes_left_out), (1, 0));
    }

    #[test]
    fn different_user_ids_are_different_people() {
        let refused = combine(&contact(None, Some("u-1"), true), &contact(None, Some("u-2"), false));
        assert!(matches!(refused, Err(AppError::Unprocessable(m)) if m.contains("u-1") && m.contains("u-2")));
        // The same id, claimed on one and signed on the other, is one verified person.
        let same = combine(&contact(None, Some("u-1"), false), &contact(None, Some("u-1"), true)).expect("mergeable");
        assert!(same.fields.identity_verified);
    }

    #[test]
    fn attributes_stop_at_the_limit_and_a_block_carries_over() {
        let mut kept = contact(None, None, false);
        kept.attributes = Value::Object((0..MAX_ATTRIBUTES - 1).map(|i| (format!("k{i}"), json!(i))).collect());
        let mut other = contact(None, None, false);
        other.attributes = json!({"a": 1, "b": 2, "k0": "theirs"});
        other.blocked_at = Some(OffsetDateTime::now_utc());
        let combined = combine(&kept, &other).expect("mergeable");
        assert_eq!(combined.fields.attributes.as_object().map(Map::len), Some(MAX_ATTRIBUTES));
        assert_eq!(combined.fields.attributes["k0"], json!(0), "the kept value stays");
        assert_eq!((combined.attributes_added, combined.attributes_left_out), (1, 1));
        assert_eq!(combined.fields.blocked_at, other.blocked_at);
    }
}
