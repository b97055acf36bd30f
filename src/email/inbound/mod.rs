//! Email that comes in: what a visitor wrote in a reply ([`strip`]) and whether a person wrote
//! it at all ([`automatic`]). These are the pure parts of two-way email, kept apart from any
//! transport so that every rule can be tested line by line.

pub mod automatic;
pub mod strip;
