//! Per-IP and per-account limits on the account forms (sign-up, sign-in, password reset,
//! email change), on widget sessions and on the rating email's page.
//!
//! Counters live in each instance's memory (the `governor` crate, GCRA): behind N instances
//! an attacker gets at most N times the limit, which still stops brute force and mail bombing.

use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::{
    config::{Limit, RateLimits},
    error::AppError,
};

pub struct Limiter(DefaultKeyedRateLimiter<String>);

impl Limiter {
    pub fn new(limit: Limit) -> Self {
        let count = NonZeroU32::new(limit.count.max(1)).unwrap_or(NonZeroU32::MIN);
        let quota =
            Quota::with_period(limit.period / count.get()).map(|q| q.allow_burst(count)).unwrap_or_else(|| Quota::per_second(count));
        Self(RateLimiter::keyed(quota))
    }

    /// Counts one attempt for `key`; `RateLimited` once the key has used its allowance.
    pub fn check(&self, key: &str) -> Result<(), AppError> {
        self.0.check_key(&key.to_string()).map_err(|_| AppError::RateLimited)
    }

    fn forget_idle_keys(&self) {
        self.0.retain_recent();
    }
}

/// Every per-IP and per-account limiter, one per rule of [`RateLimits`].
pub struct Limiters {
    pub signup_per_ip: Limiter,
    pub login_per_ip: Limiter,
    pub login_per_account: Limiter,
    pub reset_per_ip: Limiter,
    pub reset_per_account: Limiter,
    pub verify_resend_per_account: Limiter,
    /// Keyed by the user id.
    pub email_change_per_account: Limiter,
    pub widget_session_per_ip: Limiter,
    /// Keyed by the visitor's contact id.
    pub uploads_per_visitor: Limiter,
    /// The rating email's page, keyed by IP.
    pub ratings_per_ip: Limiter,
}

impl Limiters {
    pub fn new(limits: &RateLimits) -> Self {
        Self {
            signup_per_ip: Limiter::new(limits.signup_per_ip),
            login_per_ip: Limiter::new(limits.login_per_ip),
            login_per_account: Limiter::new(limits.login_per_account),
            reset_per_ip: Limiter::new(limits.reset_per_ip),
            reset_per_account: Limiter::new(limits.reset_per_account),
            verify_resend_per_account: Limiter::new(limits.verify_resend_per_account),
            email_change_per_account: Limiter::new(limits.email_change_per_account),
            widget_session_per_ip: Limiter::new(limits.widget_session_per_ip),
            uploads_per_visitor: Limiter::new(limits.uploads_per_visitor),
            ratings_per_ip: Limiter::new(limits.ratings_per_ip),
        }
    }

    /// Drops keys whose allowance is full again, so memory does not grow with every IP seen.
    pub fn forget_idle_keys(&self) {
        for limiter in [
            &self.signup_per_ip,
            &self.login_per_ip,
            &self.login_per_account,
            &self.reset_per_ip,
            &self.reset_per_account,
            &self.verify_resend_per_account,
            &self.email_change_per_account,
            &self.widget_session_per_ip,
            &self.uploads_per_visitor,
            &self.ratings_per_ip,
        ] {
            limiter.forget_idle_keys();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_after_its_allowance_and_others_are_not() {
        let limiter = Limiter::new(Limit::per_hour(2));
        assert!(limiter.check("1.2.3.4").is_ok());
        assert!(limiter.check("1.2.3.4").is_ok());
        assert!(matches!(limiter.check("1.2.3.4"), Err(AppError::RateLimited)));
        assert!(limiter.check("5.6.7.8").is_ok());
    }
}
