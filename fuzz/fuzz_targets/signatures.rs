//! The two webhook signatures: Stripe's (`verify_event`, which Parlor checks on every incoming
//! event) and Parlor's own on outgoing deliveries (`sign`). A signature made with the key
//! verifies, one changed byte does not, a time outside the tolerance is refused, and no header
//! or payload panics.

#![no_main]

use hmac::{Hmac, Mac};
use libfuzzer_sys::fuzz_target;
use parlor::{
    billing::webhook::{SIGNATURE_TOLERANCE_SECONDS, verify_event},
    webhooks::sign,
};
use sha2::Sha256;

const NOW: i64 = 1_764_460_800;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

fn mac(secret: &str, parts: &[&[u8]]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    for part in parts {
        mac.update(part);
    }
    mac
}

/// Parlor's outgoing signature, verified as a receiver would (docs/api.md).
fn check_outgoing(secret: &str, timestamp: i64, body: &[u8], flip: usize) {
    let signature = sign(secret, timestamp, body);
    let digest = signature.strip_prefix("v1=").and_then(unhex).expect("v1= and hex");
    assert_eq!(digest.len(), 32);
    let signed = |body: &[u8]| mac(secret, &[timestamp.to_string().as_bytes(), b".", body]);
    assert!(signed(body).verify_slice(&digest).is_ok(), "a receiver verifies it");
    if !body.is_empty() {
        let mut changed = body.to_vec();
        changed[flip % body.len()] ^= 1;
        assert!(signed(&changed).verify_slice(&digest).is_err(), "a changed body fails");
        assert_ne!(sign(secret, timestamp, &changed), signature);
    }
    assert_ne!(sign(secret, timestamp.wrapping_add(1), body), signature, "the time is signed too");
}

/// Stripe's signature over an event Parlor would accept, signed at `NOW - skew`.
fn check_stripe(secret: &str, event_id: &str, skew: i64, flip: usize) {
    let id: String = event_id.chars().filter(char::is_ascii_alphanumeric).take(40).collect();
    let payload = format!(
        r#"{{"id":"evt_{id}","object":"event","api_version":"2025-10-29.clover","created":{NOW},"livemode":false,"pending_webhooks":1,"request":{{"id":null,"idempotency_key":null}},"type":"parlor.fuzz","data":{{"object":{{}}}}}}"#
    );
    let t = NOW.wrapping_sub(skew);
    let header = format!("t={t},v1={}", hex(&mac(secret, &[t.to_string().as_bytes(), b".", payload.as_bytes()]).finalize().into_bytes()));
    let in_time = skew.unsigned_abs() <= SIGNATURE_TOLERANCE_SECONDS;
    match verify_event(&payload, &header, secret, NOW) {
        Ok(event) => {
            assert!(in_time, "t={t} accepted at {NOW}");
            assert_eq!(event.id.as_str(), format!("evt_{id}"));
        }
        Err(error) => assert!(!in_time, "t={t} refused at {NOW}: {error}"),
    }
    let mut changed = payload.into_bytes();
    let at = flip % changed.len();
    changed[at] ^= 1;
    let changed = String::from_utf8(changed).expect("the payload is ASCII");
    assert!(verify_event(&changed, &header, secret, NOW).is_err(), "a changed payload fails");
}

fuzz_target!(|input: (&str, &str, &[u8], &str, i64, i64, usize)| {
    let (secret, header, body, event_id, timestamp, skew, flip) = input;
    check_outgoing(secret, timestamp, body, flip);
    check_stripe(secret, event_id, skew, flip);
    // Whatever else arrives is refused (forging it would take breaking HMAC), never a panic.
    let payload = String::from_utf8_lossy(body);
    assert!(verify_event(&payload, header, secret, NOW).is_err(), "{header} accepted");
});
