//! Contacts and their visitor credentials.
//!
//! A visitor token is `vt_<session id>.<HMAC-SHA256(SECRET_KEY, session id)>`: the signature
//! rejects forged tokens without touching the database, and the `visitor_sessions` row makes
//! each token revocable.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::{
    db::{
        ContactId, VisitorSessionId, WorkspaceId,
        schema::{contacts, visitor_sessions},
    },
    error::AppError,
};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = contacts, check_for_backend(diesel::pg::Pg))]
pub struct Contact {
    pub id: ContactId,
    pub workspace_id: WorkspaceId,
    pub name: Option<String>,
    pub email: Option<String>,
}

/// Who a valid visitor token speaks for.
#[derive(Clone, Debug)]
pub struct Visitor {
    pub session_id: VisitorSessionId,
    pub contact: Contact,
}

fn mac(secret: &[u8], session_id: VisitorSessionId) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(b"visitor:");
    mac.update(session_id.0.as_bytes());
    mac
}

pub fn encode_token(secret: &[u8], session_id: VisitorSessionId) -> String {
    let signature = mac(secret, session_id).finalize().into_bytes();
    format!("vt_{}.{}", URL_SAFE_NO_PAD.encode(session_id.0.as_bytes()), URL_SAFE_NO_PAD.encode(signature))
}

/// The session id of a correctly signed token; `None` for anything else.
pub fn decode_token(secret: &[u8], token: &str) -> Option<VisitorSessionId> {
    let (id_part, signature_part) = token.strip_prefix("vt_")?.split_once('.')?;
    let id_bytes = URL_SAFE_NO_PAD.decode(id_part).ok()?;
    let session_id = VisitorSessionId(Uuid::from_slice(&id_bytes).ok()?);
    let signature = URL_SAFE_NO_PAD.decode(signature_part).ok()?;
    mac(secret, session_id).verify_slice(&signature).ok()?;
    Some(session_id)
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
        let found: Option<Contact> = visitor_sessions::table
            .inner_join(contacts::table)
            .filter(visitor_sessions::id.eq(session_id))
            .filter(visitor_sessions::revoked_at.is_null())
            .select(Contact::as_select())
            .first(conn)
            .optional()?;
        Ok(found.map(|contact| Visitor { session_id, contact }))
    }

    pub fn touch(conn: &mut PgConnection, visitor: &Visitor) -> Result<(), AppError> {
        diesel::update(visitor_sessions::table.find(visitor.session_id))
            .set(visitor_sessions::last_seen_at.eq(diesel::dsl::now))
            .execute(conn)?;
        diesel::update(contacts::table.find(visitor.contact.id)).set(contacts::last_seen_at.eq(diesel::dsl::now)).execute(conn)?;
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
