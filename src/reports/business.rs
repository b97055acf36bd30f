//! Durations counted within a workspace's business hours.
