//! Contacts and their visitor credentials.
//!
//! A visitor token is `vt_<session id>.<HMAC-SHA256(SECRET_KEY, session id)>`: the signature
//! rejects forged tokens without touching the database, and the `visitor_sessions` row makes
//! each token revocable.
//!
//! A blocked contact ([`block`]) has every token revoked at once and is refused a new one: by
//! token ([`Visitor::standing`]) and by verified identity ([`Visitor::identify`]). A token
//! issued in a race with the block still names a blocked contact, which [`Visitor::find`]
//! reports, so the per-request check costs no query of its own.
//!
//! Tenant rule: a visitor's `WorkspaceId` comes from its contact row (row decoding, once the
//! signed token named the session); every other function takes one, and every update filters
//! on it together with the id.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use diesel::prelude::*;
use uuid::Uuid;

use crate::{
    db::{
        ContactId, VisitorSessionId, WorkspaceId,
        schema::{contacts, visitor_sessions},
    },
    error::AppError,
    workspaces::audit::{self, Actor},
};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = contacts, check_for_backend(diesel::pg::Pg))]
pub struct Contact {
    pub id: ContactId,
    pub workspace_id: WorkspaceId,
    pub name: Option<String>,
    pub email: Option<String>,
    /// The customer's own id for this visitor: signed by the website when
    /// `identity_verified`, otherwise only what the page claimed.
    pub external_id: Option<String>,
    pub identity_verified: bool,
    /// Set while the contact is blocked: nothing they send is accepted.
    pub blocked_at: Option<time::OffsetDateTime>,
}

impl Contact {
    pub fn is_blocked(&self) -> bool {
        self.blocked_at.is_some()
    }
}

/// What a blocked visitor is told, by the widget API (403) and on a socket.
pub const BLOCKED_MESSAGE: &str = "This chat is not available to you: the team has blocked this contact.";

/// Why an agent's reply to a blocked contact is refused, wherever it is sent from.
pub const REPLY_TO_BLOCKED: &str = "This contact is blocked: unblock them to reply (internal notes are still allowed).";

/// A token's session as found, revoked or not: whether a new session may take over from it.
pub enum Standing {
    /// A live session.
    Live(Visitor),
    /// A revoked (or ended) session of a contact who is not blocked: start afresh.
    Ended,
    /// A session of a blocked contact, revoked or not.
    Blocked,
}

/// Where a visitor is and what they browse with, as the widget last reported it. `None` leaves
/// a field as it was.
#[derive(AsChangeset, Default, Clone, Debug)]
#[diesel(table_name = contacts)]
pub struct VisitorContext {
    pub current_url: Option<String>,
    pub page_title: Option<String>,
    pub referrer: Option<String>,
    pub browser: Option<String>,
    pub os: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
}

impl VisitorContext {
    fn is_empty(&self) -> bool {
        [&self.current_url, &self.page_title, &self.referrer, &self.browser, &self.os, &self.language, &self.time_zone]
            .iter()
            .all(|field| field.is_none())
    }

    /// Browser and OS, readable ("Chrome 131.0.0.0", "Mac OSX 10.15.7"), from a User-Agent header.
    pub fn with_user_agent(mut self, user_agent: &str) -> Self {
        if let Some(parsed) = woothee::parser::Parser::new().parse(user_agent) {
            let describe = |name: &str, version: &str| -> Option<String> {
                if name == "UNKNOWN" {
                    return None;
                }
                let text = if version.is_empty() || version == "UNKNOWN" { name.to_string() } else { format!("{name} {version}") };
                Some(text.chars().take(100).collect())
            };
            self.browser = describe(parsed.name, parsed.version);
            self.os = describe(parsed.os, parsed.os_version.as_ref());
        }
        self
    }
}

/// At most this many custom attributes per contact besides those the workspace defines (at
/// most [`crate::contacts::attributes::MAX_PER_WORKSPACE`] more), and per widget request.
pub const MAX_ATTRIBUTES: usize = 50;

/// A visitor identified by the customer's website.
#[derive(Clone, Debug)]
pub struct Identification {
    pub external_id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    /// The website signed the id with the workspace's identity secret (`user_hash`). Without
    /// it the identity is a claim anyone can make, and it never reaches another contact.
    pub verified: bool,
}

/// Who a valid visitor token speaks for.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub session_id: VisitorSessionId,
    pub contact: Contact,
}

pub fn encode_token(secret: &[u8], session_id: VisitorSessionId) -> String {
    let signature = crate::auth::signing::hmac_sha256(secret, &[b"visitor:", session_id.0.as_bytes()]);
    format!("vt_{}.{}", URL_SAFE_NO_PAD.encode(session_id.0.as_bytes()), URL_SAFE_NO_PAD.encode(signature))
}

/// The session id of a correctly signed token; `None` for anything else.
pub fn decode_token(secret: &[u8], token: &str) -> Option<VisitorSessionId> {
    let (id_part, signature_part) = token.strip_prefix("vt_")?.split_once('.')?;
    let id_bytes = URL_SAFE_NO_PAD.decode(id_part).ok()?;
    let session_id = VisitorSessionId(Uuid::from_slice(&id_bytes).ok()?);
    let signature = URL_SAFE_NO_PAD.decode(signature_part).ok()?;
    crate::auth::signing::hmac_sha256_matches(secret, &[b"visitor:", session_id.0.as_bytes()], &signature).then_some(session_id)
}

impl Visitor {
    /// A new anonymous contact in `workspace_id` with its first credential.
    pub fn create(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<Visitor, AppError> {
        conn.transaction(|conn| {
            let contact = diesel::insert_into(contacts::table)
                .values((contacts::id.eq(ContactId::new()), contacts::workspace_id.eq(workspace_id)))
                .returning(Contact::as_returning())
                .get_result(conn)?;
            let session_id = VisitorSessionId::new();
            diesel::insert_into(visitor_sessions::table)
                .values((
                    visitor_sessions::id.eq(session_id),
                    visitor_sessions::workspace_id.eq(workspace_id),
                    visitor_sessions::contact_id.eq(contact.id),
                ))
                .execute(conn)?;
            Ok(Visitor { session_id, contact })
        })
    }

    /// The visitor of a live (unrevoked) session.
    pub fn find(conn: &mut PgConnection, session_id: VisitorSessionId) -> Result<Option<Visitor>, AppError> {
        Ok(Self::find_many(conn, &[session_id])?.pop())
    }

    /// The visitors of the live (unrevoked) sessions among `session_ids`, in one statement: the
    /// hellos of a reconnect storm are checked together.
    pub fn find_many(conn: &mut PgConnection, session_ids: &[VisitorSessionId]) -> Result<Vec<Visitor>, AppError> {
        let found: Vec<(VisitorSessionId, Contact)> = visitor_sessions::table
            .inner_join(contacts::table)
            .filter(visitor_sessions::id.eq_any(session_ids))
            .filter(visitor_sessions::revoked_at.is_null())
            .select((visitor_sessions::id, Contact::as_select()))
            .load(conn)?;
        Ok(found.into_iter().map(|(session_id, contact)| Visitor { session_id, contact }).collect())
    }

    /// What a token a widget returns with says about its visitor, revoked or not: a blocked
    /// contact is refused a new session whatever the state of the old one.
    pub fn standing(conn: &mut PgConnection, session_id: VisitorSessionId) -> Result<Option<(WorkspaceId, Standing)>, AppError> {
        let found: Option<(Contact, Option<time::OffsetDateTime>)> = visitor_sessions::table
            .inner_join(contacts::table)
            .filter(visitor_sessions::id.eq(session_id))
            .select((Contact::as_select(), visitor_sessions::revoked_at))
            .first(conn)
            .optional()?;
        Ok(found.map(|(contact, revoked_at)| {
            let workspace_id = contact.workspace_id;
            let standing = match revoked_at {
                _ if contact.is_blocked() => Standing::Blocked,
                Some(_) => Standing::Ended,
                None => Standing::Live(Visitor { session_id, contact }),
            };
            (workspace_id, standing)
        }))
    }

    /// A new credential for an existing contact (an identified visitor on another device).
    fn start_session(conn: &mut PgConnection, contact: Contact) -> Result<Visitor, AppError> {
        let session_id = VisitorSessionId::new();
        diesel::insert_into(visitor_sessions::table)
            .values((
                visitor_sessions::id.eq(session_id),
                visitor_sessions::workspace_id.eq(contact.workspace_id),
                visitor_sessions::contact_id.eq(contact.id),
            ))
            .execute(conn)?;
        Ok(Visitor { session_id, contact })
    }

    /// The visitor the website says this is.
    ///
    /// A verified identity is one contact on every device: its sessions join the contact that
    /// carries the id, and an anonymous (or merely claimed) visitor who verifies becomes it.
    /// A claim without a valid hash never joins, reads or writes an existing contact: it stays
    /// on the visitor's own contact (or a new one), recorded as unverified.
    pub fn identify(
        conn: &mut PgConnection,
        workspace_id: WorkspaceId,
        current: Option<Visitor>,
        who: &Identification,
    ) -> Result<Visitor, AppError> {
        conn.transaction(|conn| {
            let visitor = if who.verified {
                Self::verified(conn, workspace_id, current, who)?
            } else {
                Self::claimed(conn, workspace_id, current, who)?
            };
            // A verified contact's details come only from verified identifies.
            let may_describe = who.verified || !visitor.contact.identity_verified;
            let contact = diesel::update(contacts::table.find(visitor.contact.id).filter(contacts::workspace_id.eq(workspace_id)))
                .set((
                    who.email.as_ref().filter(|_| may_describe).map(|email| contacts::email.eq(email)),
                    who.name.as_ref().filter(|_| may_describe).map(|name| contacts::name.eq(name)),
                    contacts::last_seen_at.eq(diesel::dsl::now),
                ))
                .returning(Contact::as_returning())
                .get_result(conn)?;
            Ok(Visitor { session_id: visitor.session_id, contact })
        })
    }

    fn verified(
        conn: &mut PgConnection,
        workspace_id: WorkspaceId,
        current: Option<Visitor>,
        who: &Identification,
    ) -> Result<Visitor, AppError> {
        let known: Option<Contact> = contacts::table
            .filter(contacts::workspace_id.eq(workspace_id))
            .filter(contacts::external_id.eq(&who.external_id))
            .filter(contacts::identity_verified.eq(true))
            .select(Contact::as_select())
            .first(conn)
            .optional()?;
        if known.as_ref().is_some_and(Contact::is_blocked) {
            return Err(AppError::Forbidden(BLOCKED_MESSAGE.into()));
        }
        Ok(match (known, current) {
            (Some(contact), Some(current)) if current.contact.id == contact.id => current,
            (Some(contact), _) => Self::start_session(conn, contact)?,
            (None, Some(current)) if !current.contact.identity_verified => {
                diesel::update(contacts::table.find(current.contact.id).filter(contacts::workspace_id.eq(workspace_id)))
                    .set((contacts::external_id.eq(&who.external_id), contacts::identity_verified.eq(true)))
                    .execute(conn)?;
                current
            }
            (None, _) => {
                let contact = Self::new_contact(conn, workspace_id, who)?;
                Self::start_session(conn, contact)?
            }
        })
    }

    fn claimed(
        conn: &mut PgConnection,
        workspace_id: WorkspaceId,
        current: Option<Visitor>,
        who: &Identification,
    ) -> Result<Visitor, AppError> {
        Ok(match current {
            // The same browser saying the same thing again (a verified contact's own session
            // included: it got its token by verifying).
            Some(current) if current.contact.external_id.as_deref() == Some(who.external_id.as_str()) => current,
            Some(current) if current.contact.external_id.is_none() => {
                diesel::update(contacts::table.find(current.contact.id).filter(contacts::workspace_id.eq(workspace_id)))
                    .set(contacts::external_id.eq(&who.external_id))
                    .execute(conn)?;
                current
            }
            // Nobody yet, or a browser that was someone else: a contact of its own.
            _ => {
                let contact = Self::new_contact(conn, workspace_id, who)?;
                Self::start_session(conn, contact)?
            }
        })
    }

    fn new_contact(conn: &mut PgConnection, workspace_id: WorkspaceId, who: &Identification) -> Result<Contact, AppError> {
        Ok(diesel::insert_into(contacts::table)
            .values((
                contacts::id.eq(ContactId::new()),
                contacts::workspace_id.eq(workspace_id),
                contacts::external_id.eq(&who.external_id),
                contacts::identity_verified.eq(who.verified),
            ))
            .returning(Contact::as_returning())
            .get_result(conn)?)
    }

    /// Records where the visitor is now, and the custom attributes the website sent (merged
    /// into the earlier ones; `null` removes one). The values of the attributes the workspace
    /// defines are checked by their definitions ([`crate::contacts::attributes`]).
    pub fn update_context(
        conn: &mut PgConnection,
        visitor: &Visitor,
        context: &VisitorContext,
        attributes: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> Result<(), AppError> {
        let target = contacts::table.find(visitor.contact.id).filter(contacts::workspace_id.eq(visitor.contact.workspace_id));
        let Some(attributes) = attributes.filter(|a| !a.is_empty()) else {
            if !context.is_empty() {
                diesel::update(target).set(context).execute(conn)?;
            }
            return Ok(());
        };
        // Attributes that do not fit refuse the whole request, the page it names included.
        let workspace_id = visitor.contact.workspace_id;
        conn.transaction(|conn| {
            let definitions = crate::contacts::attributes::definitions_for_values(conn, workspace_id)?;
            let changes = crate::contacts::attributes::changes_from_widget(&definitions, attributes)?;
            crate::contacts::attributes::apply_from_widget(conn, workspace_id, visitor.contact.id, &definitions, &changes, MAX_ATTRIBUTES)?;
            if !context.is_empty() {
                diesel::update(target).set(context).execute(conn)?;
            }
            Ok(())
        })
    }

    /// The email (and name) an anonymous visitor typed into the chat. A verified visitor's
    /// come from the website and are not overwritten from the widget.
    pub fn introduce(conn: &mut PgConnection, visitor: &Visitor, email: &str, name: Option<&str>) -> Result<(), AppError> {
        if visitor.contact.identity_verified {
            return Ok(());
        }
        diesel::update(contacts::table.find(visitor.contact.id).filter(contacts::workspace_id.eq(visitor.contact.workspace_id)))
            .set((contacts::email.eq(email), name.map(|name| contacts::name.eq(name))))
            .execute(conn)?;
        Ok(())
    }

    pub fn touch(conn: &mut PgConnection, visitor: &Visitor) -> Result<(), AppError> {
        diesel::update(
            visitor_sessions::table.find(visitor.session_id).filter(visitor_sessions::workspace_id.eq(visitor.contact.workspace_id)),
        )
        .set(visitor_sessions::last_seen_at.eq(diesel::dsl::now))
        .execute(conn)?;
        diesel::update(contacts::table.find(visitor.contact.id).filter(contacts::workspace_id.eq(visitor.contact.workspace_id)))
            .set(contacts::last_seen_at.eq(diesel::dsl::now))
            .execute(conn)?;
        Ok(())
    }

    /// Ends a credential: the token stops working at once.
    pub fn revoke(conn: &mut PgConnection, workspace_id: WorkspaceId, session_id: VisitorSessionId) -> Result<(), AppError> {
        diesel::update(visitor_sessions::table.find(session_id).filter(visitor_sessions::workspace_id.eq(workspace_id)))
            .set(visitor_sessions::revoked_at.eq(diesel::dsl::now))
            .execute(conn)?;
        Ok(())
    }
}

/// Blocks a contact: records who and when, revokes every token of theirs, and writes the audit
/// record, in one transaction. Returns the revoked sessions, whose sockets the caller closes
/// after the commit; blocking a blocked contact changes nothing. `NotFound` for a contact that
/// is not in `workspace_id`.
pub fn block(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    actor: &Actor,
    contact_id: ContactId,
) -> Result<Vec<VisitorSessionId>, AppError> {
    conn.build_transaction().run(|conn| {
        let target = contacts::table.filter(contacts::workspace_id.eq(workspace_id)).filter(contacts::id.eq(contact_id));
        let blocked = diesel::update(target.filter(contacts::blocked_at.is_null()))
            .set((contacts::blocked_at.eq(diesel::dsl::now), contacts::blocked_by.eq(actor.user_id)))
            .execute(conn)?;
        if blocked == 0 {
            let exists: i64 = target.count().get_result(conn)?;
            return if exists == 0 { Err(AppError::NotFound) } else { Ok(Vec::new()) };
        }
        let revoked = diesel::update(
            visitor_sessions::table
                .filter(visitor_sessions::workspace_id.eq(workspace_id))
                .filter(visitor_sessions::contact_id.eq(contact_id))
                .filter(visitor_sessions::revoked_at.is_null()),
        )
        .set(visitor_sessions::revoked_at.eq(diesel::dsl::now))
        .returning(visitor_sessions::id)
        .get_results(conn)?;
        audit::record(conn, workspace_id, actor, "contact.blocked", &contact_id.to_string())?;
        Ok(revoked)
    })
}

/// Lifts a block: the contact may start a new widget session again (their old tokens stay
/// revoked). Lifting no block changes nothing. `NotFound` for a contact not in `workspace_id`.
pub fn unblock(conn: &mut PgConnection, workspace_id: WorkspaceId, actor: &Actor, contact_id: ContactId) -> Result<(), AppError> {
    conn.build_transaction().run(|conn| {
        let target = contacts::table.filter(contacts::workspace_id.eq(workspace_id)).filter(contacts::id.eq(contact_id));
        let lifted = diesel::update(target.filter(contacts::blocked_at.is_not_null()))
            .set((contacts::blocked_at.eq(None::<time::OffsetDateTime>), contacts::blocked_by.eq(None::<crate::db::UserId>)))
            .execute(conn)?;
        if lifted == 0 {
            let exists: i64 = target.count().get_result(conn)?;
            return if exists == 0 { Err(AppError::NotFound) } else { Ok(()) };
        }
        audit::record(conn, workspace_id, actor, "contact.unblocked", &contact_id.to_string())
    })
}

/// Whether a contact of `workspace_id` is blocked (false for one that does not exist).
pub fn is_blocked(conn: &mut PgConnection, workspace_id: WorkspaceId, contact_id: ContactId) -> Result<bool, AppError> {
    let blocked_at: Option<Option<time::OffsetDateTime>> = contacts::table
        .filter(contacts::workspace_id.eq(workspace_id))
        .filter(contacts::id.eq(contact_id))
        .select(contacts::blocked_at)
        .first(conn)
        .optional()?;
    Ok(blocked_at.flatten().is_some())
}

/// The longest name taken from an email's `From`, in characters.
const EMAIL_NAME_MAX_CHARS: usize = 100;

/// The contact an email from `address` comes from: the workspace's earliest contact with that
/// address (compared without regard to case), or a new one named after the `From` display name.
/// Mail to the support address has only its sender to go by: the address is a claim, as an
/// unverified identity in the widget is, and the contact is one of this workspace only.
pub fn find_or_create_by_email(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    address: &str,
    name: Option<&str>,
) -> Result<ContactId, AppError> {
    let known: Option<ContactId> = contacts::table
        .filter(contacts::workspace_id.eq(workspace_id))
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>("lower(email) = ").bind::<diesel::sql_types::Text, _>(address.to_lowercase()))
        .order(contacts::created_at)
        .select(contacts::id)
        .first(conn)
        .optional()?;
    if let Some(id) = known {
        return Ok(id);
    }
    let name: Option<String> =
        name.map(|n| n.trim().chars().filter(|c| !c.is_control()).take(EMAIL_NAME_MAX_CHARS).collect::<String>()).filter(|n| !n.is_empty());
    let id = ContactId::new();
    diesel::insert_into(contacts::table)
        .values((contacts::id.eq(id), contacts::workspace_id.eq(workspace_id), contacts::email.eq(address), contacts::name.eq(name)))
        .execute(conn)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_decodes_only_with_its_own_secret_and_signature() {
        let id = VisitorSessionId::new();
        let token = encode_token(b"secret one", id);
        assert_eq!(decode_token(b"secret one", &token), Some(id));
        assert_eq!(decode_token(b"secret two", &token), None);
        let mut forged = token.clone();
        forged.pop();
        forged.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(decode_token(b"secret one", &forged), None);
        assert_eq!(decode_token(b"secret one", "vt_garbage"), None);
    }
}
