//! Mail that comes in, and the languages people ask for: parsing any bytes as an email and
//! judging whether a person wrote it, cutting the quoted history from any text, reading any
//! recipient as a reply address, and negotiating any `Accept-Language` never panic; a reply
//! token verifies for its own conversation only, and a changed one never does.

#![no_main]

use libfuzzer_sys::fuzz_target;
use parlor::{
    db::{ContactId, ConversationId, WorkspaceId},
    email::{
        inbound::{automatic::automatic_reason, strip::reply_text},
        reply_address::{ReplyAddresses, claimed_conversation, token_of_local_part},
    },
    i18n::{Lang, Tr, negotiate},
};

fn check_email(raw: &[u8]) {
    let Some(message) = mail_parser::MessageParser::default().parse(raw) else { return };
    let header = |name: &str| message.header_raw(name).map(|v| v.trim().to_string());
    let from = message.from().and_then(|a| a.first()).and_then(|a| a.address());
    let _ = automatic_reason(header, message.return_address(), from);
    if let Some(body) = message.body_text(0) {
        let kept = reply_text(&body);
        assert!(kept.chars().count() <= body.chars().count(), "the reply grew: {kept:?} from {body:?}");
    }
}

fn check_token(secret: &[u8], recipient: &str, flip: usize) {
    let addresses = ReplyAddresses::new(secret);
    let (workspace, conversation, contact) = (WorkspaceId::new(), ConversationId::new(), ContactId::new());
    let token = addresses.token(workspace, conversation, contact);
    assert!(addresses.verify(&token, workspace, conversation, contact));
    assert_eq!(claimed_conversation(&token), Some(conversation));
    assert!(!addresses.verify(&token, WorkspaceId::new(), conversation, contact), "another workspace");
    assert!(!addresses.verify(&token, workspace, conversation, ContactId::new()), "another contact");
    let mut changed = token.into_bytes();
    let at = flip % changed.len();
    changed[at] = if changed[at] == b'a' { b'b' } else { b'a' };
    let changed = String::from_utf8(changed).expect("base32 is ASCII");
    assert!(!addresses.verify(&changed, workspace, conversation, contact), "a changed token: {changed}");
    // Whatever a sender writes is not a token of this conversation (forging one would take
    // breaking HMAC).
    if let Some(token) = token_of_local_part(recipient) {
        let _ = claimed_conversation(token);
        assert!(!addresses.verify(token, workspace, conversation, contact), "{recipient} verified");
    }
}

fn check_language(requested: &str) {
    let lang = negotiate(requested, Lang::all(), Lang::ENGLISH);
    assert!(Lang::from_code(lang.code()).is_some());
    let console = Tr::for_visitor(&[Some(requested)], requested);
    assert!(!console.lang().is_empty());
}

fuzz_target!(|input: (&[u8], &[u8], &str, &str, usize)| {
    let (raw, secret, recipient, requested, flip) = input;
    check_email(raw);
    check_token(secret, recipient, flip);
    check_language(requested);
});
