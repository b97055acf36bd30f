//! Who is asking: the client's IP (behind trusted proxies) and its user agent.

use std::net::IpAddr;

use actix_web::{HttpRequest, http::header, web};

use crate::{config::ForwardedTrust, state::AppState};

/// The client's IP for rate limits and the session list: the TCP peer, or behind trusted
/// proxies the right-most `X-Forwarded-For` address that no trusted proxy added (see
/// [`ForwardedTrust`]). Left-most entries are whatever the client wrote, so they never count.
pub fn client_ip(req: &HttpRequest) -> String {
    let peer = req.peer_addr().map(|addr| addr.ip());
    let trust = req.app_data::<web::Data<AppState>>().map(|s| &s.settings.trust_forwarded_for);
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    match (trust, peer) {
        (Some(trust), Some(peer)) => forwarded_client(trust, peer, &forwarded).to_string(),
        (None, Some(peer)) => peer.to_string(),
        (_, None) => "unknown".into(),
    }
}

/// Walks the chain from the TCP peer leftwards through `X-Forwarded-For` while the hop is a
/// trusted proxy; the first address that is not one is the client.
pub fn forwarded_client(trust: &ForwardedTrust, peer: IpAddr, forwarded: &[&str]) -> IpAddr {
    // An unparsable entry ends the walk: nothing left of it can be believed.
    let chain = forwarded.iter().rev().map_while(|entry| parse_forwarded_ip(entry));
    match trust {
        ForwardedTrust::Nobody | ForwardedTrust::Hops(0) => peer,
        ForwardedTrust::Hops(hops) => {
            // The peer is the first trusted proxy; each further hop added one entry.
            let mut client = peer;
            for (index, address) in chain.enumerate() {
                client = address;
                if index + 1 >= usize::from(*hops) {
                    break;
                }
            }
            client
        }
        ForwardedTrust::Networks(networks) => {
            let trusted = |ip: &IpAddr| networks.iter().any(|n| n.contains(ip));
            let mut client = peer;
            for address in chain {
                if !trusted(&client) {
                    break;
                }
                client = address;
            }
            client
        }
    }
}

/// `203.0.113.7`, `[2001:db8::1]`, or either with a port.
fn parse_forwarded_ip(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse() {
        return Some(ip);
    }
    entry.parse::<std::net::SocketAddr>().ok().map(|s| s.ip())
}

pub fn user_agent(req: &HttpRequest) -> String {
    req.headers().get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn the_client_is_the_right_most_address_no_trusted_proxy_added() {
        let peer = ip("10.0.0.2");
        let chain = ["6.6.6.6", "198.51.100.7"];
        assert_eq!(forwarded_client(&ForwardedTrust::Nobody, peer, &chain), peer);
        assert_eq!(forwarded_client(&ForwardedTrust::Hops(1), peer, &chain), ip("198.51.100.7"));
        assert_eq!(forwarded_client(&ForwardedTrust::Hops(2), peer, &["6.6.6.6", "198.51.100.7", "10.0.0.9"]), ip("198.51.100.7"));
        // Fewer entries than hops: the left-most there is.
        assert_eq!(forwarded_client(&ForwardedTrust::Hops(3), peer, &["198.51.100.7"]), ip("198.51.100.7"));
        assert_eq!(forwarded_client(&ForwardedTrust::Hops(1), peer, &[]), peer);
        let private = ForwardedTrust::parse("10.0.0.0/8, 192.168.1.7").expect("networks");
        assert_eq!(forwarded_client(&private, peer, &["6.6.6.6", "198.51.100.7", "10.1.2.3"]), ip("198.51.100.7"));
        // A peer that is not a trusted proxy is the client, whatever it claims.
        assert_eq!(forwarded_client(&private, ip("203.0.113.5"), &chain), ip("203.0.113.5"));
        // Garbage stops the walk at the last believable hop.
        assert_eq!(forwarded_client(&ForwardedTrust::Hops(2), peer, &["1.2.3.4", "not-an-ip"]), peer);
        assert_eq!(forwarded_client(&ForwardedTrust::Hops(1), peer, &["[2001:db8::1]:443"]), ip("2001:db8::1"));
    }

    #[test]
    fn trust_settings_parse_or_say_what_is_wrong() {
        assert_eq!(ForwardedTrust::parse("false").expect("false"), ForwardedTrust::Nobody);
        assert_eq!(ForwardedTrust::parse("true").expect("true"), ForwardedTrust::Hops(1));
        assert_eq!(ForwardedTrust::parse("2").expect("2"), ForwardedTrust::Hops(2));
        assert!(ForwardedTrust::parse("11").is_err());
        assert!(ForwardedTrust::parse("10.0.0.0/8,nonsense").is_err());
    }
}
