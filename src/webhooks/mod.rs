//! Outgoing webhooks: a workspace's endpoints, the events they receive, and their delivery.
//!
//! - An event is stored as one delivery row per subscribed endpoint in the transaction that
//!   made it happen (the message's, the status change's): no event is lost to a crash between
//!   the change and the notification.
//! - Each attempt at a delivery is a job on the one job queue ([`delivery`]), run by any
//!   instance: POSTed with a signature (see [`sign`] and docs/api.md) and retried with the
//!   queue's backoff for 24 hours. Each delivery keeps its attempts, its last response code and
//!   error: the console's log.
//! - Receivers deduplicate by the event id (`Parlor-Webhook-Id`), since a delivery whose
//!   answer was lost is sent again.
//! - Endpoints on private networks (loopback, RFC 1918, link-local) are refused, at creation
//!   and again at each connection after name resolution, unless
//!   `WEBHOOKS_ALLOW_PRIVATE_NETWORKS` is set.
//!
//! Tenant rule: endpoints and deliveries are read and written with the `WorkspaceId` of an
//! authenticated admin; events carry the workspace of the change that caused them.

use std::{net::IpAddr, time::Duration};

use diesel::prelude::*;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

mod delivery;
pub mod events;

use crate::{
    auth::signing::hmac_sha256,
    db::{
        WorkspaceId,
        schema::{webhook_deliveries, webhook_endpoints},
    },
    error::AppError,
};
pub use delivery::{deliver, enqueue_due, http_client};
pub use events::{Event, emit, status_changed};

/// The events an endpoint can subscribe to.
pub const EVENTS: [&str; 6] = [
    "conversation.created",
    "message.created",
    "conversation.status_changed",
    "conversation.updated",
    "contact.merged",
    "conversation.rated",
];
/// Endpoints per workspace at most.
pub const MAX_ENDPOINTS: i64 = 10;
/// A delivery is retried for this long after its event, then marked failed.
pub const RETRY_FOR: Duration = Duration::from_secs(24 * 3600);
const TIMEOUT: Duration = Duration::from_secs(10);
/// Deliveries shown in the console per endpoint.
pub const LOG_SIZE: i64 = 50;

pub const HEADER_ID: &str = "Parlor-Webhook-Id";
pub const HEADER_TIMESTAMP: &str = "Parlor-Webhook-Timestamp";
pub const HEADER_SIGNATURE: &str = "Parlor-Webhook-Signature";

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = webhook_endpoints, check_for_backend(diesel::pg::Pg))]
pub struct Endpoint {
    pub id: Uuid,
    pub workspace_id: WorkspaceId,
    pub url: String,
    pub secret: String,
    pub events: Vec<Option<String>>,
    pub enabled: bool,
    pub created_at: OffsetDateTime,
}

impl Endpoint {
    pub fn subscribes_to(&self, event: &str) -> bool {
        self.events.iter().flatten().any(|e| e == event)
    }
}

#[derive(Queryable, Clone, Debug)]
pub struct DeliveryLog {
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_type: String,
    pub state: String,
    pub attempts: i32,
    pub response_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub next_attempt_at: OffsetDateTime,
}

/// `v1=` and the hex HMAC-SHA256, keyed with the endpoint's secret, of `{timestamp}.{body}`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let tag = hmac_sha256(secret.as_bytes(), &[timestamp.to_string().as_bytes(), b".", body]);
    format!("v1={}", hex::encode(tag))
}

/// Whether an address is on the public internet (not loopback, private, link-local, ...).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let first = v6.segments()[0];
                !(v6.is_loopback() || v6.is_unspecified() || v6.is_multicast() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80)
            }
        },
    }
}

/// Checks an endpoint URL someone typed: http(s), a host, no credentials, and not an address
/// on a private network (unless those are allowed).
pub fn validate_url(raw: &str, allow_private: bool) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 2000 {
        return Err("Enter the URL that should receive the events, like https://example.com/parlor.".into());
    }
    let url = url::Url::parse(raw).map_err(|_| "Enter a full URL, like https://example.com/parlor.".to_string())?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err("The URL must start with https:// (or http://).".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("Leave credentials out of the URL; verify the signature instead.".into());
    }
    let host = url.host().ok_or_else(|| "The URL has no host.".to_string())?;
    let literal = match host {
        url::Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        url::Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        url::Host::Domain(domain) => (domain == "localhost" || domain.ends_with(".localhost")).then_some(IpAddr::from([127, 0, 0, 1])),
    };
    if let Some(ip) = literal
        && !allow_private
        && !is_public(ip)
    {
        return Err("This address is on a private network, which Parlor cannot reach.".into());
    }
    Ok(url.to_string())
}

/// Validates chosen event names; at least one.
pub fn validate_events(chosen: &[String]) -> Result<Vec<String>, String> {
    let events: Vec<String> = EVENTS.iter().filter(|e| chosen.iter().any(|c| c == *e)).map(|e| e.to_string()).collect();
    if events.is_empty() || events.len() != chosen.len() {
        return Err("Choose at least one event from the list.".into());
    }
    Ok(events)
}

fn new_secret() -> String {
    let bytes: [u8; 24] = rand::random();
    format!("whsec_{}", hex::encode(bytes))
}

pub fn create(conn: &mut PgConnection, workspace_id: WorkspaceId, url: &str, events: &[String]) -> Result<Endpoint, AppError> {
    let count: i64 = webhook_endpoints::table.filter(webhook_endpoints::workspace_id.eq(workspace_id)).count().get_result(conn)?;
    if count >= MAX_ENDPOINTS {
        return Err(AppError::Conflict(format!("A workspace has at most {MAX_ENDPOINTS} webhook endpoints; delete one first.")));
    }
    Ok(diesel::insert_into(webhook_endpoints::table)
        .values((
            webhook_endpoints::id.eq(Uuid::now_v7()),
            webhook_endpoints::workspace_id.eq(workspace_id),
            webhook_endpoints::url.eq(url),
            webhook_endpoints::secret.eq(new_secret()),
            webhook_endpoints::events.eq(events),
        ))
        .returning(Endpoint::as_returning())
        .get_result(conn)?)
}

pub fn list(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<Vec<Endpoint>, AppError> {
    Ok(webhook_endpoints::table
        .filter(webhook_endpoints::workspace_id.eq(workspace_id))
        .order(webhook_endpoints::created_at)
        .select(Endpoint::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut PgConnection, workspace_id: WorkspaceId, id: Uuid) -> Result<Endpoint, AppError> {
    webhook_endpoints::table
        .filter(webhook_endpoints::workspace_id.eq(workspace_id))
        .filter(webhook_endpoints::id.eq(id))
        .select(Endpoint::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

pub fn update(conn: &mut PgConnection, workspace_id: WorkspaceId, id: Uuid, events: &[String], enabled: bool) -> Result<(), AppError> {
    let updated = diesel::update(
        webhook_endpoints::table.filter(webhook_endpoints::workspace_id.eq(workspace_id)).filter(webhook_endpoints::id.eq(id)),
    )
    .set((webhook_endpoints::events.eq(events), webhook_endpoints::enabled.eq(enabled)))
    .execute(conn)?;
    if updated == 0 { Err(AppError::NotFound) } else { Ok(()) }
}

pub fn delete(conn: &mut PgConnection, workspace_id: WorkspaceId, id: Uuid) -> Result<(), AppError> {
    let deleted = diesel::delete(
        webhook_endpoints::table.filter(webhook_endpoints::workspace_id.eq(workspace_id)).filter(webhook_endpoints::id.eq(id)),
    )
    .execute(conn)?;
    if deleted == 0 { Err(AppError::NotFound) } else { Ok(()) }
}

pub fn deliveries(conn: &mut PgConnection, workspace_id: WorkspaceId, endpoint_id: Uuid) -> Result<Vec<DeliveryLog>, AppError> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::workspace_id.eq(workspace_id))
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .order(webhook_deliveries::created_at.desc())
        .limit(LOG_SIZE)
        .select((
            webhook_deliveries::id,
            webhook_deliveries::event_id,
            webhook_deliveries::event_type,
            webhook_deliveries::state,
            webhook_deliveries::attempts,
            webhook_deliveries::response_status,
            webhook_deliveries::last_error,
            webhook_deliveries::created_at,
            webhook_deliveries::next_attempt_at,
        ))
        .load(conn)?)
}

/// A `ping` event to one endpoint, whatever it subscribes to, from the console's Send test.
pub fn send_test(conn: &mut PgConnection, workspace_id: WorkspaceId, endpoint_id: Uuid) -> Result<(), AppError> {
    let endpoint = find(conn, workspace_id, endpoint_id)?;
    let id = Uuid::now_v7();
    let event = Event { workspace_id, event_type: "ping", data: json!({ "message": "A test event from Parlor's console." }) };
    diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::id.eq(Uuid::now_v7()),
            webhook_deliveries::workspace_id.eq(workspace_id),
            webhook_deliveries::endpoint_id.eq(endpoint.id),
            webhook_deliveries::event_id.eq(id),
            webhook_deliveries::event_type.eq("ping"),
            webhook_deliveries::payload.eq(event.envelope(id, OffsetDateTime::now_utc())),
        ))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assert_eq!(sign("whsec_test", 1_700_000_000, br#"{"a":1}"#), "v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789");
    }

    #[test]
    fn private_addresses_are_refused_unless_allowed() {
        assert!(validate_url("https://example.com/hook", false).is_ok());
        for private in [
            "http://127.0.0.1:9000/",
            "http://10.1.2.3/",
            "http://192.168.0.4/",
            "http://169.254.169.254/",
            "http://[::1]/",
            "http://localhost/",
        ] {
            assert!(validate_url(private, false).is_err(), "{private} must be refused");
            assert!(validate_url(private, true).is_ok(), "{private} is allowed when private networks are");
        }
        assert!(validate_url("ftp://example.com/", true).is_err());
        assert!(validate_url("https://user:pw@example.com/", true).is_err());
        assert!(!is_public("100.64.0.1".parse().expect("ip")));
        assert!(is_public("93.184.216.34".parse().expect("ip")));
        assert!(!is_public("::ffff:10.0.0.1".parse().expect("ip")));
    }

    #[test]
    fn events_must_come_from_the_list() {
        assert_eq!(validate_events(&["message.created".into()]), Ok(vec!["message.created".to_string()]));
        assert!(validate_events(&[]).is_err());
        assert!(validate_events(&["message.created".into(), "bogus".into()]).is_err());
    }
}
