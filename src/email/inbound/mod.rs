//! Email that comes in: visitors' replies to Parlor's emails and new emails to a workspace's
//! support address, through the built-in SMTP listener ([`smtp`]) or a provider's webhook
//! ([`webhook`]), both handing raw MIME to one pipeline ([`receive`]). The pure parts are kept
//! apart from any transport so that every rule can be tested line by line: what a visitor wrote
//! in a reply ([`strip`]), whether a person wrote it at all ([`automatic`]) and the sender's
//! SPF and DKIM results ([`auth`]).

pub mod auth;
pub mod automatic;
pub mod original;
pub mod receive;
pub mod smtp;
pub mod strip;
pub mod webhook;
