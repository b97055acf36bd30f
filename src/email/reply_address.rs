//! The address a visitor answers a conversation's email at: `reply+<token>@INBOUND_DOMAIN`. The
//! token names the conversation and carries a signature over it, its workspace and its contact,
//! so that a reply reaches that conversation only: a made-up or altered token, one of another
//! workspace, or one left over after the contact was merged into another is refused when the
//! reply arrives ([`ReplyAddresses::verify`] against the conversation as it is then).
//!
//! The token is short enough for an address's local part (at most 64 characters): a version
//! byte, the conversation's 16 bytes and the first 12 bytes of the HMAC-SHA256 (96 bits, far
//! beyond guessing at any rate a mail server accepts), in lowercase base32 without padding,
//! which survives mail servers that change the case of addresses.

use data_encoding::BASE32_DNSSEC;
use uuid::Uuid;

use crate::{
    auth::signing::{hmac_sha256, hmac_sha256_prefix_matches},
    db::{ContactId, ConversationId, WorkspaceId},
};

/// The local part's prefix before the token.
pub const LOCAL_PREFIX: &str = "reply+";
const VERSION: u8 = 1;
const TAG_BYTES: usize = 12;
const TOKEN_BYTES: usize = 1 + 16 + TAG_BYTES;

/// Makes and checks reply tokens under a key derived from the server's secret.
#[derive(Clone)]
pub struct ReplyAddresses {
    key: [u8; 32],
}

impl ReplyAddresses {
    pub fn new(secret: &[u8]) -> Self {
        // A key of its own, so that no other signature Parlor makes can serve as a token.
        Self { key: hmac_sha256(secret, &[b"parlor reply addresses"]) }
    }

    /// The token of the conversation `id` of `workspace_id`, whose contact is `contact_id`.
    pub fn token(&self, workspace_id: WorkspaceId, id: ConversationId, contact_id: ContactId) -> String {
        let tag = hmac_sha256(&self.key, &[workspace_id.as_uuid().as_bytes(), id.0.as_bytes(), contact_id.0.as_bytes()]);
        let mut bytes = Vec::with_capacity(TOKEN_BYTES);
        bytes.push(VERSION);
        bytes.extend_from_slice(id.0.as_bytes());
        bytes.extend_from_slice(&tag[..TAG_BYTES]);
        BASE32_DNSSEC.encode(&bytes)
    }

    /// The address a visitor's reply goes to.
    pub fn address(&self, domain: &str, workspace_id: WorkspaceId, id: ConversationId, contact_id: ContactId) -> String {
        format!("{LOCAL_PREFIX}{}@{domain}", self.token(workspace_id, id, contact_id))
    }

    /// Whether `token` was made for this conversation of this workspace with this contact.
    pub fn verify(&self, token: &str, workspace_id: WorkspaceId, id: ConversationId, contact_id: ContactId) -> bool {
        match decode(token) {
            Some((claimed, tag)) if claimed == id => {
                hmac_sha256_prefix_matches(&self.key, &[workspace_id.as_uuid().as_bytes(), id.0.as_bytes(), contact_id.0.as_bytes()], &tag)
            }
            _ => false,
        }
    }
}

/// The conversation a token claims to name, before anything is checked: what to look up so as
/// to [`ReplyAddresses::verify`] it. `None` for anything that is not a token at all.
pub fn claimed_conversation(token: &str) -> Option<ConversationId> {
    decode(token).map(|(id, _)| id)
}

/// The token in a recipient's local part (`reply+<token>`), whatever its case.
pub fn token_of_local_part(local_part: &str) -> Option<&str> {
    let prefix = local_part.get(..LOCAL_PREFIX.len())?;
    prefix.eq_ignore_ascii_case(LOCAL_PREFIX).then(|| &local_part[LOCAL_PREFIX.len()..])
}

fn decode(token: &str) -> Option<(ConversationId, [u8; TAG_BYTES])> {
    // Decoding is case-insensitive in this encoding; bound the input before decoding it.
    if token.len() > 64 {
        return None;
    }
    let bytes = BASE32_DNSSEC.decode(token.as_bytes()).ok()?;
    if bytes.len() != TOKEN_BYTES || bytes[0] != VERSION {
        return None;
    }
    let id = ConversationId(Uuid::from_slice(&bytes[1..17]).ok()?);
    let tag: [u8; TAG_BYTES] = bytes[17..].try_into().ok()?;
    Some((id, tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> (WorkspaceId, ConversationId, ContactId) {
        (WorkspaceId::new(), ConversationId(Uuid::now_v7()), ContactId(Uuid::now_v7()))
    }

    #[test]
    fn no_other_character_at_any_place_makes_a_token_that_verifies() {
        let addresses = ReplyAddresses::new(b"a secret of at least thirty-two bytes!");
        let (workspace, conversation, contact) = ids();
        let token = addresses.token(workspace, conversation, contact);
        for at in 0..token.len() {
            // Mail servers may change the case of an address, so a token is read in any case.
            for c in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".chars() {
                let mut changed: Vec<char> = token.chars().collect();
                if changed[at].eq_ignore_ascii_case(&c) {
                    continue;
                }
                changed[at] = c;
                let changed: String = changed.into_iter().collect();
                assert!(!addresses.verify(&changed, workspace, conversation, contact), "{changed} verified");
            }
        }
    }

    #[test]
    fn a_token_names_its_conversation_and_fits_an_address() {
        let addresses = ReplyAddresses::new(b"a secret of at least thirty-two bytes!");
        let (workspace, conversation, contact) = ids();
        let address = addresses.address("in.example.com", workspace, conversation, contact);
        let local = address.split('@').next().unwrap();
        assert!(local.len() <= 64, "{local}");
        assert_eq!(local, local.to_lowercase());
        let token = token_of_local_part(&local.to_uppercase()).unwrap().to_string();
        assert_eq!(claimed_conversation(&token), Some(conversation), "case does not matter");
        assert!(addresses.verify(&token, workspace, conversation, contact));
    }

    #[test]
    fn altered_foreign_or_stale_tokens_are_refused() {
        let addresses = ReplyAddresses::new(b"a secret of at least thirty-two bytes!");
        let (workspace, conversation, contact) = ids();
        let token = addresses.token(workspace, conversation, contact);
        let (other_workspace, other_conversation, other_contact) = ids();
        assert!(!addresses.verify(&token, other_workspace, conversation, contact), "another workspace");
        assert!(!addresses.verify(&token, workspace, conversation, other_contact), "the contact was merged away");
        assert!(!addresses.verify(&token, workspace, other_conversation, contact), "another conversation");
        assert!(!ReplyAddresses::new(b"another secret, also thirty-two bytes").verify(&token, workspace, conversation, contact));
        let mut altered = token.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'a' { b'b' } else { b'a' };
        assert!(!addresses.verify(std::str::from_utf8(&altered).unwrap(), workspace, conversation, contact));
        for junk in ["", "reply", "zzzz", &"a".repeat(65), "0123456789!"] {
            assert_eq!(claimed_conversation(junk), None, "{junk}");
        }
        assert_eq!(token_of_local_part("support"), None);
    }
}
