//! HMAC-SHA256, the one keyed hash behind every signature Parlor makes or checks: CSRF tokens,
//! visitor tokens, widget identity hashes and outgoing webhook signatures.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn keyed(key: &[u8], message: &[&[u8]]) -> HmacSha256 {
    // HMAC takes a key of any length (a longer one is hashed, a shorter one padded to the block
    // size), so for Hmac<Sha256> `new_from_slice` has no failing case: its `InvalidLength` is
    // there for MACs with a fixed key size.
    let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    for part in message {
        mac.update(part);
    }
    mac
}

/// The HMAC-SHA256 under `key` of the message made of `message`'s parts, one after the other.
pub fn hmac_sha256(key: &[u8], message: &[&[u8]]) -> [u8; 32] {
    keyed(key, message).finalize().into_bytes().into()
}

/// Whether `tag` is the HMAC-SHA256 of the message; compared in constant time, so a forger
/// learns nothing from how long the answer took.
pub fn hmac_sha256_matches(key: &[u8], message: &[&[u8]], tag: &[u8]) -> bool {
    keyed(key, message).verify_slice(tag).is_ok()
}

/// Whether `prefix` is the start of the HMAC-SHA256 of the message (a tag truncated to fit a
/// short place, such as an email address); compared in constant time. An empty prefix never
/// matches.
pub fn hmac_sha256_prefix_matches(key: &[u8], message: &[&[u8]], prefix: &[u8]) -> bool {
    keyed(key, message).verify_truncated_left(prefix).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_rfc_4231_test_case_2() {
        let tag = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(hex::encode(tag), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert!(hmac_sha256_matches(b"Jefe", &[b"what do ya want for nothing?"], &tag));
        assert!(!hmac_sha256_matches(b"Jefe", &[b"what do ya want for nothing!"], &tag));
    }
}
