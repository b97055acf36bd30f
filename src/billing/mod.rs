//! Billing: plans from configuration, a workspace's subscription as Stripe reports it, and the
//! limits that follow from it.
//!
//! - Self-hosted, with no `STRIPE_SECRET_KEY`, billing is off: no billing page, nothing limited.
//! - With billing on, a workspace starts on the Free plan ([`StripeSettings::free_seats`] agent
//!   seats, [`StripeSettings::free_conversations`] conversations a month) and upgrades through
//!   Stripe Checkout to a paid plan charged per seat. A trialing, active or past-due
//!   subscription gives its seats; anything else falls back to Free. Nothing is ever deleted by
//!   a downgrade: limits only stop new seats and show the cap.
//! - State comes from Stripe's webhooks ([`webhook`]); each event is processed once.
//!
//! Tenant rule: every query takes the `WorkspaceId` of an authenticated owner, or of the
//! `workspace_id` metadata Parlor set on the Stripe objects at checkout (never an email).

pub mod pages;
pub mod stripe_api;
pub mod webhook;

use diesel::prelude::*;
use time::OffsetDateTime;

use crate::{
    config::{PaidPlan, StripeSettings},
    db::{
        WorkspaceId,
        schema::{billing_accounts, conversations, invitations, memberships},
    },
    error::AppError,
};

/// A workspace's billing account as stored: what Stripe last said.
#[derive(Queryable, Selectable, Clone, Debug, Default)]
#[diesel(table_name = billing_accounts, check_for_backend(diesel::pg::Pg))]
pub struct Account {
    pub stripe_customer_id: Option<String>,
    pub stripe_subscription_id: Option<String>,
    pub plan: Option<String>,
    pub status: Option<String>,
    pub seats: i32,
    pub unit_amount: Option<i64>,
    pub currency: Option<String>,
    pub current_period_end: Option<OffsetDateTime>,
    pub trial_end: Option<OffsetDateTime>,
    pub cancel_at_period_end: bool,
    pub payment_failed_at: Option<OffsetDateTime>,
    pub trial_used: bool,
}

impl Account {
    /// The workspace's account; the Free plan's defaults when it never had one.
    pub fn load(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<Account, AppError> {
        Ok(billing_accounts::table.find(workspace_id).select(Account::as_select()).first(conn).optional()?.unwrap_or_default())
    }

    /// Whether the subscription gives its paid seats: trialing, active, or past due (Stripe is
    /// still retrying the payment; the owner is told).
    pub fn is_paid(&self) -> bool {
        self.plan.is_some() && matches!(self.status.as_deref(), Some("trialing" | "active" | "past_due"))
    }

    pub fn is_past_due(&self) -> bool {
        self.is_paid() && (self.status.as_deref() == Some("past_due") || self.payment_failed_at.is_some())
    }
}

/// What a workspace may use now. `None` is unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub seats: Option<u32>,
    pub conversations_per_month: Option<u32>,
}

impl Limits {
    pub const UNLIMITED: Limits = Limits { seats: None, conversations_per_month: None };
}

/// The limits of an account under these settings; unlimited with billing off.
pub fn limits(settings: Option<&StripeSettings>, account: &Account) -> Limits {
    let Some(settings) = settings else { return Limits::UNLIMITED };
    if account.is_paid() {
        Limits { seats: Some(account.seats.max(1) as u32), conversations_per_month: None }
    } else {
        Limits { seats: Some(settings.free_seats), conversations_per_month: Some(settings.free_conversations) }
    }
}

/// The plan a price id belongs to.
pub fn plan_for_price<'a>(settings: &'a StripeSettings, price_id: &str) -> Option<&'a PaidPlan> {
    settings.plans.iter().find(|plan| plan.price_id == price_id)
}

/// What a workspace uses: members plus invitations waiting for an answer (each will take a
/// seat), and the conversations started this calendar month (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    pub members: i64,
    pub pending_invitations: i64,
    pub conversations_this_month: i64,
}

impl Usage {
    pub fn seats_used(&self) -> i64 {
        self.members + self.pending_invitations
    }
}

pub fn month_start(now: OffsetDateTime) -> OffsetDateTime {
    now.replace_day(1).map(|d| d.replace_time(time::Time::MIDNIGHT)).unwrap_or(now)
}

pub fn usage(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<Usage, AppError> {
    let (members, pending_invitations) = seats_taken(conn, workspace_id)?;
    Ok(Usage { members, pending_invitations, conversations_this_month: conversations_this_month(conn, workspace_id)? })
}

/// Members, and invitations waiting for an answer.
fn seats_taken(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<(i64, i64), AppError> {
    let members: i64 = memberships::table.filter(memberships::workspace_id.eq(workspace_id)).count().get_result(conn)?;
    let pending_invitations: i64 = invitations::table
        .filter(invitations::workspace_id.eq(workspace_id))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::revoked_at.is_null())
        .filter(invitations::expires_at.gt(OffsetDateTime::now_utc()))
        .count()
        .get_result(conn)?;
    Ok((members, pending_invitations))
}

fn conversations_this_month(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<i64, AppError> {
    Ok(conversations::table
        .filter(conversations::workspace_id.eq(workspace_id))
        .filter(conversations::created_at.ge(month_start(OffsetDateTime::now_utc())))
        .count()
        .get_result(conn)?)
}

/// Seats used (members and pending invitations) and the plan's seats; `None` with billing off.
pub fn seats(
    conn: &mut PgConnection,
    settings: Option<&StripeSettings>,
    workspace_id: WorkspaceId,
) -> Result<Option<(i64, i64)>, AppError> {
    if settings.is_none() {
        return Ok(None);
    }
    let Some(limit) = limits(settings, &Account::load(conn, workspace_id)?).seats else { return Ok(None) };
    let (members, pending_invitations) = seats_taken(conn, workspace_id)?;
    Ok(Some((members + pending_invitations, i64::from(limit))))
}

/// Refuses one more seat (an invitation, or joining) past the plan's seats, with HTTP 402 and
/// what to do about it. `joining` counts a member about to take the seat of their invitation.
pub fn ensure_seat_available(
    conn: &mut PgConnection,
    settings: Option<&StripeSettings>,
    workspace_id: WorkspaceId,
    joining: bool,
) -> Result<(), AppError> {
    let Some(settings) = settings else { return Ok(()) };
    let account = Account::load(conn, workspace_id)?;
    let Some(seats) = limits(Some(settings), &account).seats else { return Ok(()) };
    let (members, pending_invitations) = seats_taken(conn, workspace_id)?;
    // An invitation being accepted already holds its seat among the pending ones.
    let taken = if joining { members } else { members + pending_invitations };
    if taken < i64::from(seats) {
        return Ok(());
    }
    Err(AppError::PaymentRequired(if account.is_paid() {
        format!("All {seats} paid seats are taken. The owner can add seats in Billing, then invite again.")
    } else {
        format!("The Free plan has {seats} seat{}. Upgrade in Billing to invite your team.", if seats == 1 { "" } else { "s" })
    }))
}

/// The banner every workspace page shows about billing, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Banner {
    /// A payment failed; Stripe retries. Owners can fix the card in the portal.
    PastDue,
    /// The Free plan's conversations of the month are used up (new ones still arrive).
    ConversationCap { used: i64, cap: u32 },
}

pub fn banner(conn: &mut PgConnection, settings: Option<&StripeSettings>, workspace_id: WorkspaceId) -> Result<Option<Banner>, AppError> {
    let Some(settings) = settings else { return Ok(None) };
    let account = Account::load(conn, workspace_id)?;
    if account.is_past_due() {
        return Ok(Some(Banner::PastDue));
    }
    if let Some(cap) = limits(Some(settings), &account).conversations_per_month {
        let used = conversations_this_month(conn, workspace_id)?;
        if used >= i64::from(cap) {
            return Ok(Some(Banner::ConversationCap { used, cap }));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn settings() -> StripeSettings {
        StripeSettings {
            secret_key: SecretString::from("sk_test"),
            webhook_secret: SecretString::from("whsec_test"),
            api_base: "http://127.0.0.1:1".into(),
            plans: vec![PaidPlan { key: "pro", name: "Pro", price_id: "price_pro".into() }],
            free_seats: 1,
            free_conversations: 100,
            trial_days: 14,
        }
    }

    fn account(status: &str, seats: i32) -> Account {
        Account { plan: Some("pro".into()), status: Some(status.into()), seats, ..Account::default() }
    }

    #[test]
    fn billing_off_limits_nothing() {
        assert_eq!(limits(None, &Account::default()), Limits::UNLIMITED);
    }

    #[test]
    fn paying_statuses_give_their_seats_and_others_fall_back_to_free() {
        let s = settings();
        let free = Limits { seats: Some(1), conversations_per_month: Some(100) };
        assert_eq!(limits(Some(&s), &Account::default()), free);
        for status in ["trialing", "active", "past_due"] {
            assert_eq!(limits(Some(&s), &account(status, 5)), Limits { seats: Some(5), conversations_per_month: None }, "{status}");
        }
        for status in ["canceled", "unpaid", "incomplete", "incomplete_expired", "paused"] {
            assert_eq!(limits(Some(&s), &account(status, 5)), free, "{status}");
        }
    }

    #[test]
    fn a_failed_payment_shows_until_paid() {
        let mut failing = account("active", 2);
        assert!(!failing.is_past_due());
        failing.payment_failed_at = Some(OffsetDateTime::now_utc());
        assert!(failing.is_past_due());
        assert!(account("past_due", 2).is_past_due());
        assert!(!account("canceled", 2).is_past_due());
    }

    #[test]
    fn months_start_at_midnight_utc_on_the_first() {
        let at = time::macros::datetime!(2026-11-28 15:04:05 UTC);
        assert_eq!(month_start(at), time::macros::datetime!(2026-11-01 00:00:00 UTC));
    }
}
