//! Integration tests: each test starts Parlor in-process on port 0 against its own database,
//! cloned from a migrated template, and talks to it over HTTP like a browser. The fault tests
//! (`faults`) run the `parlor` binary instead, beside private Postgres and NATS servers
//! (`servers`), so that they can kill and restart real processes.

mod chromium;
mod helpers;
mod servers;
mod sites;
mod socket_client;

mod actions;
mod api_keys;
mod api_snapshots;
mod assignment;
mod avatars;
mod billing;
mod blocking;
mod console;
mod console_language;
mod contact_attributes;
mod contact_merge;
mod contacts;
mod csat;
mod csrf;
mod email;
mod email_change;
mod email_languages;
mod fake_stripe;
mod faults;
mod file_storage;
mod files;
mod health;
mod inbox;
mod inbox_browser;
mod inbox_files;
mod input_ranges;
mod labels;
mod login;
mod notifications;
mod operations;
mod password_reset;
mod phone_layout;
mod profile;
mod rate_limits;
mod realtime;
mod reports;
mod reports_page;
mod rest_api;
mod revocation;
mod s3;
mod sessions;
mod signup;
mod team;
mod tenancy;
mod traces;
mod two_way_email;
mod upgrade;
mod widget;
mod widget_browser;
mod widget_conversations;
mod widget_languages;
