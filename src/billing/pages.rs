//! The Billing page (owner only): the plan, seats used and paid for, this month's usage, file
//! storage used against the plan's quota, an upgrade through Stripe Checkout, and the way into Stripe's customer portal. With billing
//! off the page does not exist (404).
//!
//! Tenant rule: every route takes a [`WorkspaceOwner`]: admins and agents get 403, other
//! workspaces 404.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use super::{Account, Usage, limits, stripe_api::CheckoutRequest, usage};
use crate::auth::EmptyForm;
use crate::{
    auth::{CsrfForm, CsrfToken, WorkspaceOwner},
    config::{PaidPlan, StripeSettings},
    db::{self, schema::billing_accounts},
    error::AppError,
    files,
    state::AppState,
    web::{Nav, Shell, render, see_other, utc_minute},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/billing", web::get().to(page))
        .route("/app/{workspace_id}/billing/checkout", web::post().to(checkout))
        .route("/app/{workspace_id}/billing/portal", web::post().to(portal))
        .route("/webhooks/stripe", web::post().to(super::webhook::receive));
}

/// Seats a checkout may buy at most.
const MAX_SEATS: u64 = 1000;

#[derive(Template)]
#[template(path = "app/billing.html")]
struct BillingPage {
    shell: Shell,
    plan_name: String,
    status: Option<String>,
    paid: bool,
    past_due: bool,
    price: Option<String>,
    renews: Option<String>,
    trial_end: Option<String>,
    cancel_at_period_end: bool,
    seats_used: i64,
    seats_limit: Option<u32>,
    conversations: i64,
    conversation_cap: Option<u32>,
    /// File storage in use and the plan's quota, in bytes and as people read them.
    storage_used: i64,
    storage_used_label: String,
    storage_quota: i64,
    storage_quota_label: String,
    plans: Vec<PaidPlan>,
    trial_days: u32,
    suggested_seats: i64,
    has_customer: bool,
    message: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct BillingQuery {
    checkout: Option<String>,
}

fn settings_of(state: &AppState) -> Result<&StripeSettings, AppError> {
    state.settings.stripe.as_ref().ok_or(AppError::NotFound)
}

/// The dashboard's policy, with Stripe's pages allowed as form targets: the upgrade and portal
/// forms answer with a redirect to Stripe, and browsers hold redirects of a form to
/// `form-action` too. The origin of `STRIPE_API_BASE` is added when it is not Stripe's own (a
/// Stripe-compatible server, such as the tests' fake, serves its pages there).
fn billing_csp(settings: &StripeSettings) -> String {
    let mut targets = String::from("'self' https://checkout.stripe.com https://billing.stripe.com");
    if let Ok(base) = url::Url::parse(&settings.api_base) {
        let origin = base.origin().ascii_serialization();
        if origin != "https://api.stripe.com" && origin != "null" {
            targets.push(' ');
            targets.push_str(&origin);
        }
    }
    crate::web::DASHBOARD_CSP.replace("form-action 'self'", &format!("form-action {targets}"))
}

fn with_billing_csp(settings: &StripeSettings, mut response: HttpResponse) -> Result<HttpResponse, AppError> {
    let value = actix_web::http::header::HeaderValue::from_str(&billing_csp(settings)).map_err(AppError::internal)?;
    response.headers_mut().insert(actix_web::http::header::CONTENT_SECURITY_POLICY, value);
    Ok(response)
}

fn money(amount: i64, currency: &str) -> String {
    format!("{}.{:02} {}", amount / 100, amount % 100, currency.to_uppercase())
}

async fn build_page(
    state: &web::Data<AppState>,
    owner: &crate::auth::Member,
    csrf: CsrfToken,
    message: Option<&'static str>,
    error: Option<String>,
) -> Result<BillingPage, AppError> {
    let settings = settings_of(state)?;
    let workspace_id = owner.workspace_id();
    let stripe = settings.clone();
    let (account, used, storage_used, storage_quota): (Account, Usage, i64, Option<i64>) = db::run(&state.pool, move |conn| {
        Ok((
            Account::load(conn, workspace_id)?,
            usage(conn, workspace_id)?,
            files::uploads::storage_used(conn, workspace_id)?,
            files::uploads::quota(conn, Some(&stripe), workspace_id)?,
        ))
    })
    .await?;
    // With billing on (this page exists only then) every plan has a quota.
    let storage_quota = storage_quota.unwrap_or(files::uploads::FREE_QUOTA_BYTES);
    let limits = limits(Some(settings), &account);
    let paid = account.is_paid();
    let plan_name = match (&account.plan, paid) {
        (Some(key), true) => {
            settings.plans.iter().find(|p| p.key == key.as_str()).map(|p| p.name.to_string()).unwrap_or_else(|| key.clone())
        }
        _ => "Free".to_string(),
    };
    let price = match (paid, account.unit_amount, account.currency.as_deref()) {
        (true, Some(amount), Some(currency)) => Some(format!("{} per seat per month", money(amount, currency))),
        _ => None,
    };
    let shell = Shell::load(state, owner, csrf, Nav::Billing, None).await?;
    Ok(BillingPage {
        shell,
        plan_name,
        status: account.status.clone().filter(|_| paid),
        paid,
        past_due: account.is_past_due(),
        price,
        renews: account.current_period_end.map(utc_minute),
        trial_end: account.trial_end.filter(|_| account.status.as_deref() == Some("trialing")).map(utc_minute),
        cancel_at_period_end: account.cancel_at_period_end,
        seats_used: used.seats_used(),
        seats_limit: limits.seats,
        conversations: used.conversations_this_month,
        conversation_cap: limits.conversations_per_month,
        storage_used,
        storage_used_label: files::human_size(storage_used),
        storage_quota,
        storage_quota_label: files::human_size(storage_quota),
        plans: settings.plans.clone(),
        trial_days: if account.trial_used { 0 } else { settings.trial_days },
        suggested_seats: used.seats_used().max(1),
        has_customer: account.stripe_customer_id.is_some(),
        message,
        error,
    })
}

async fn page(
    state: web::Data<AppState>,
    WorkspaceOwner(owner): WorkspaceOwner,
    csrf: CsrfToken,
    query: web::Query<BillingQuery>,
) -> Result<HttpResponse, AppError> {
    let message = match query.checkout.as_deref() {
        Some("success") => Some("Thank you! Stripe is confirming your subscription; this page shows it within moments (reload if not)."),
        Some("cancelled") => Some("Checkout was cancelled; nothing was charged."),
        _ => None,
    };
    let page = build_page(&state, &owner, csrf, message, None).await?;
    with_billing_csp(settings_of(&state)?, render(StatusCode::OK, &page)?)
}

#[derive(Deserialize)]
pub struct CheckoutForm {
    #[serde(default)]
    plan: String,
    #[serde(default)]
    seats: String,
}

/// Creates the Stripe customer on first use (named after the workspace, billed to the owner),
/// then sends the owner to Stripe Checkout.
async fn checkout(
    state: web::Data<AppState>,
    WorkspaceOwner(owner): WorkspaceOwner,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<CheckoutForm>,
) -> Result<HttpResponse, AppError> {
    let settings = settings_of(&state)?;
    let api = state.stripe.as_ref().ok_or(AppError::NotFound)?;
    let workspace_id = owner.workspace_id();
    let (account, used) = db::run(&state.pool, move |conn| Ok((Account::load(conn, workspace_id)?, usage(conn, workspace_id)?))).await?;
    let checked = (|| {
        let plan = settings.plans.iter().find(|p| p.key == form.plan).ok_or_else(|| "Choose a plan.".to_string())?;
        let seats = match form.seats.trim().parse::<u64>() {
            Ok(seats) if (1..=MAX_SEATS).contains(&seats) => seats,
            _ => return Err(format!("Choose from 1 to {MAX_SEATS} seats.")),
        };
        if (seats as i64) < used.seats_used() {
            return Err(format!(
                "Your team already uses {} seats (members and invitations); choose at least that many.",
                used.seats_used()
            ));
        }
        if account.is_paid() {
            return Err("This workspace already has a subscription: change it in the customer portal.".to_string());
        }
        Ok((plan, seats))
    })();
    let (plan, seats) = match checked {
        Ok(chosen) => chosen,
        Err(message) => {
            let page = build_page(&state, &owner, csrf, None, Some(message)).await?;
            return with_billing_csp(settings, render(StatusCode::UNPROCESSABLE_ENTITY, &page)?);
        }
    };
    let customer_id = match account.stripe_customer_id.clone() {
        Some(id) => id,
        None => {
            let id = api.create_customer(workspace_id, &owner.workspace.name, &owner.current.user.email).await?;
            let stored = id.clone();
            db::run(&state.pool, move |conn| {
                diesel::insert_into(billing_accounts::table)
                    .values((billing_accounts::workspace_id.eq(workspace_id), billing_accounts::stripe_customer_id.eq(&stored)))
                    .on_conflict(billing_accounts::workspace_id)
                    .do_update()
                    .set(billing_accounts::stripe_customer_id.eq(&stored))
                    .execute(conn)?;
                Ok(())
            })
            .await?;
            id
        }
    };
    let base = format!("{}/app/{workspace_id}/billing", state.settings.public_base());
    let url = api
        .create_checkout(CheckoutRequest {
            workspace_id,
            customer_id: &customer_id,
            price_id: &plan.price_id,
            seats,
            trial_days: (!account.trial_used && settings.trial_days > 0).then_some(settings.trial_days),
            success_url: format!("{base}?checkout=success"),
            cancel_url: format!("{base}?checkout=cancelled"),
        })
        .await?;
    tracing::info!(workspace.id = %workspace_id, plan = plan.key, seats, "sent the owner to Stripe Checkout");
    Ok(see_other(&url))
}

/// Sends the owner to Stripe's customer portal: payment methods, invoices, seats, cancelling.
async fn portal(
    state: web::Data<AppState>,
    WorkspaceOwner(owner): WorkspaceOwner,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    settings_of(&state)?;
    let api = state.stripe.as_ref().ok_or(AppError::NotFound)?;
    let workspace_id = owner.workspace_id();
    let account = db::run(&state.pool, move |conn| Account::load(conn, workspace_id)).await?;
    let customer_id =
        account.stripe_customer_id.ok_or_else(|| AppError::bad_request("This workspace has no billing account yet: upgrade first."))?;
    let url = api.create_portal(&customer_id, format!("{}/app/{workspace_id}/billing", state.settings.public_base())).await?;
    Ok(see_other(&url))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn settings(api_base: &str) -> StripeSettings {
        StripeSettings {
            secret_key: SecretString::from("sk_test"),
            webhook_secret: SecretString::from("whsec_test"),
            api_base: api_base.into(),
            plans: Vec::new(),
            free_seats: 1,
            free_conversations: 100,
            trial_days: 14,
        }
    }

    #[test]
    fn billing_forms_may_go_to_stripe_and_nowhere_else() {
        let csp = billing_csp(&settings("https://api.stripe.com"));
        assert!(csp.contains("form-action 'self' https://checkout.stripe.com https://billing.stripe.com;"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
        let fake = billing_csp(&settings("http://127.0.0.1:4242"));
        assert!(fake.contains("https://billing.stripe.com http://127.0.0.1:4242;"), "{fake}");
    }
}
