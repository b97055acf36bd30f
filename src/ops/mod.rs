//! Running Parlor as a service: what an operator sees ([`metrics`]: Prometheus on its own
//! listener) and how an instance leaves without dropping anyone ([`drain`]: SIGTERM turns
//! `/readyz` to 503, stops accepting, lets sends and requests finish, closes the sockets with
//! 1012 so their clients reconnect at once to another instance, and exits within the grace).

pub mod drain;
pub mod metrics;
