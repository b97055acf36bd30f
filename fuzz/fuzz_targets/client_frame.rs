//! The WebSocket client frame parser: any text is a frame or a named error, never a panic, and a
//! frame that parses is read back unchanged once written out again.

#![no_main]

use libfuzzer_sys::fuzz_target;
use parlor::realtime::protocol::parse_client_frame;

const CODES: [&str; 3] = ["invalid_json", "invalid_frame", "unknown_type"];

fuzz_target!(|text: &str| {
    match parse_client_frame(text) {
        Ok(frame) => {
            let written = serde_json::to_string(&frame).expect("a parsed frame serialises");
            match parse_client_frame(&written) {
                Ok(again) => assert_eq!(frame, again, "{text} was written as {written}"),
                Err(error) => panic!("{text} was written as {written}, which does not parse: {}", error.message),
            }
        }
        Err(error) => {
            assert!(CODES.contains(&error.code), "unexpected code {}", error.code);
            assert!(!error.message.is_empty());
        }
    }
});
