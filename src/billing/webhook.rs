//! `POST /webhooks/stripe`: Stripe tells Parlor about checkouts, subscriptions and invoices.
//!
//! - The `Stripe-Signature` header is verified over the raw body with `STRIPE_WEBHOOK_SECRET`
//!   (HMAC-SHA256, at most 5 minutes old). Anything else answers 400 and is logged.
//! - Each event id is stored in the transaction that applies it: a replayed event answers 200
//!   and changes nothing.
//! - The subscription an event concerns is read back from Stripe and stored as it is *now*, so
//!   events that arrive late or out of order cannot roll a workspace back.
//! - The workspace comes from the `workspace_id` metadata Parlor set at checkout, never from an
//!   email address.
//!
//! Tenant rule: the `WorkspaceId` is the one the `workspaces` row decodes for that metadata (an
//! unknown workspace changes nothing), and every write is keyed by it.

use actix_web::{HttpRequest, HttpResponse, web};
use diesel::prelude::*;
use secrecy::ExposeSecret;
use serde_json::json;
use stripe_billing::Subscription;
use stripe_webhook::{EventObject, Webhook, WebhookError};
use time::OffsetDateTime;

use super::{Account, plan_for_price, stripe_api::WORKSPACE_KEY};
use crate::{
    config::StripeSettings,
    db::{
        self, WorkspaceId,
        schema::{billing_accounts, stripe_events, workspaces},
    },
    error::AppError,
    queue::{self, JobKind},
    state::AppState,
};

/// What an event asks to change.
struct Change {
    /// The workspace named by the event's object (a subscription's is read back from Stripe).
    workspace_id: Option<String>,
    subscription_id: Option<String>,
    customer_id: Option<String>,
}

fn workspace_in(metadata: Option<&std::collections::HashMap<String, String>>) -> Option<String> {
    metadata.and_then(|m| m.get(WORKSPACE_KEY)).cloned()
}

fn change_of(object: &EventObject) -> Option<Change> {
    match object {
        EventObject::CheckoutSessionCompleted(session) => Some(Change {
            workspace_id: workspace_in(session.metadata.as_ref()).or_else(|| session.client_reference_id.clone()),
            subscription_id: session.subscription.as_ref().map(|s| s.id().to_string()),
            customer_id: session.customer.as_ref().map(|c| c.id().to_string()),
        }),
        EventObject::CustomerSubscriptionCreated(sub)
        | EventObject::CustomerSubscriptionUpdated(sub)
        | EventObject::CustomerSubscriptionDeleted(sub) => Some(Change {
            workspace_id: workspace_in(Some(&sub.metadata)),
            subscription_id: Some(sub.id.to_string()),
            customer_id: Some(sub.customer.id().to_string()),
        }),
        EventObject::InvoicePaid(invoice) | EventObject::InvoicePaymentFailed(invoice) => Some(Change {
            workspace_id: None,
            subscription_id: invoice
                .parent
                .as_ref()
                .and_then(|p| p.subscription_details.as_ref())
                .map(|d| d.subscription.id().to_string())
                .or_else(|| invoice.subscription.as_ref().map(|s| s.id().to_string())),
            customer_id: invoice.customer.as_ref().map(|c| c.id().to_string()),
        }),
        _ => None,
    }
}

/// The columns a subscription sets on its workspace's billing account.
struct SubscriptionState {
    subscription_id: String,
    customer_id: String,
    plan: String,
    status: String,
    seats: i32,
    unit_amount: Option<i64>,
    currency: Option<String>,
    current_period_end: Option<OffsetDateTime>,
    trial_end: Option<OffsetDateTime>,
    cancel_at_period_end: bool,
    had_trial: bool,
}

fn timestamp(seconds: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(seconds).ok()
}

fn state_of(settings: &StripeSettings, sub: &Subscription) -> SubscriptionState {
    let item = sub.items.data.first();
    let price_id = item.map(|i| i.price.id.to_string()).unwrap_or_default();
    let plan = match plan_for_price(settings, &price_id) {
        Some(plan) => plan.key.to_string(),
        None => {
            tracing::warn!(price = %price_id, "a subscription's price is none of the configured plans");
            price_id.clone()
        }
    };
    SubscriptionState {
        subscription_id: sub.id.to_string(),
        customer_id: sub.customer.id().to_string(),
        plan,
        status: sub.status.as_str().to_string(),
        seats: item.and_then(|i| i.quantity).unwrap_or(1).min(10_000) as i32,
        unit_amount: item.and_then(|i| i.price.unit_amount),
        currency: item.map(|i| i.price.currency.to_string()),
        current_period_end: item.and_then(|i| timestamp(i.current_period_end)),
        trial_end: sub.trial_end.and_then(timestamp),
        cancel_at_period_end: sub.cancel_at_period_end,
        had_trial: sub.trial_start.is_some() || sub.trial_end.is_some(),
    }
}

const PAYING: [&str; 3] = ["trialing", "active", "past_due"];

/// Stores the subscription on its workspace, unless the workspace has since moved to another
/// subscription that still pays (the end of an old one must not cancel the new one).
fn apply_subscription(conn: &mut PgConnection, workspace_id: WorkspaceId, new: &SubscriptionState) -> Result<(), AppError> {
    let current = Account::load(conn, workspace_id)?;
    let other_paying = current.stripe_subscription_id.as_deref().is_some_and(|id| id != new.subscription_id) && current.is_paid();
    if other_paying && !PAYING.contains(&new.status.as_str()) {
        tracing::info!(subscription = %new.subscription_id, "an older subscription ended; the workspace keeps its newer one");
        return Ok(());
    }
    let values = (
        billing_accounts::stripe_customer_id.eq(&new.customer_id),
        billing_accounts::stripe_subscription_id.eq(&new.subscription_id),
        billing_accounts::plan.eq(&new.plan),
        billing_accounts::status.eq(&new.status),
        billing_accounts::seats.eq(new.seats),
        billing_accounts::unit_amount.eq(new.unit_amount),
        billing_accounts::currency.eq(&new.currency),
        billing_accounts::current_period_end.eq(new.current_period_end),
        billing_accounts::trial_end.eq(new.trial_end),
        billing_accounts::cancel_at_period_end.eq(new.cancel_at_period_end),
        billing_accounts::trial_used.eq(current.trial_used || new.had_trial),
        billing_accounts::updated_at.eq(diesel::dsl::now),
    );
    diesel::insert_into(billing_accounts::table)
        .values((billing_accounts::workspace_id.eq(workspace_id), values))
        .on_conflict(billing_accounts::workspace_id)
        .do_update()
        .set(values)
        .execute(conn)?;
    Ok(())
}

/// The workspace an event names, if it exists; its id is read back from the table, never
/// built from the text Stripe sent.
fn known_workspace(conn: &mut PgConnection, raw: Option<&str>) -> Result<Option<WorkspaceId>, AppError> {
    let Some(id) = raw.and_then(|r| r.parse::<uuid::Uuid>().ok()) else { return Ok(None) };
    Ok(workspaces::table.filter(workspaces::id.eq(id)).select(workspaces::id).first::<WorkspaceId>(conn).optional()?)
}

/// How far a signature's time may be from ours, as Stripe's libraries allow.
pub const SIGNATURE_TOLERANCE_SECONDS: u64 = 300;

/// The event of a `Stripe-Signature` header (`t=<unix seconds>,v1=<hex HMAC-SHA256>,...`) over
/// `payload` with `secret`, checked at `now` (unix seconds).
///
/// A `t` too far from `now` is refused here first: the library subtracts it from the clock
/// unchecked, which overflows for a `t` near the ends of `i64`.
pub fn verify_event(payload: &str, signature: &str, secret: &str, now: i64) -> Result<stripe_webhook::Event, WebhookError> {
    for value in signature.split(',').filter_map(|pair| pair.strip_prefix("t=")) {
        let t: i64 = value.parse().map_err(WebhookError::BadHeader)?;
        if now.checked_sub(t).is_none_or(|skew| skew.unsigned_abs() > SIGNATURE_TOLERANCE_SECONDS) {
            return Err(WebhookError::BadTimestamp(t));
        }
    }
    Webhook::construct_event_with_timestamp(payload, signature, secret, now)
}

/// Verifies, then applies an event once.
pub async fn receive(state: web::Data<AppState>, req: HttpRequest, body: web::Bytes) -> Result<HttpResponse, AppError> {
    let (Some(settings), Some(api)) = (state.settings.stripe.as_ref(), state.stripe.as_ref()) else { return Err(AppError::NotFound) };
    let event = verified(settings, &req, &body)?;
    let event_id = event.id.to_string();
    let kind = event.type_.as_str().to_string();
    tracing::info!(event.id = %event_id, event.kind = %kind, "Stripe webhook");

    let seen_id = event_id.clone();
    let seen = db::run(&state.pool, move |conn| {
        Ok(diesel::select(diesel::dsl::exists(stripe_events::table.find(seen_id))).get_result::<bool>(conn)?)
    })
    .await?;
    if seen {
        return Ok(HttpResponse::Ok().json(json!({ "received": true, "duplicate": true })));
    }

    let change = change_of(&event.data.object);
    // The subscription as it is now, and the workspace its metadata names.
    let subscription = match change.as_ref().and_then(|c| c.subscription_id.as_deref()) {
        Some(id) => Some(api.subscription(id).await?),
        None => None,
    };
    let incoming = Incoming {
        named: subscription
            .as_ref()
            .and_then(|s| workspace_in(Some(&s.metadata)))
            .or_else(|| change.as_ref().and_then(|c| c.workspace_id.clone())),
        new_state: subscription.as_ref().map(|s| state_of(settings, s)),
        customer_id: change.and_then(|c| c.customer_id),
        event_id,
        kind,
    };
    let applied = db::run(&state.pool, move |conn| conn.build_transaction().run(|conn| apply(conn, &incoming))).await?;
    Ok(HttpResponse::Ok().json(json!({ "received": true, "duplicate": !applied })))
}

/// The event of a request whose `Stripe-Signature` holds; else the 400 that says why.
fn verified(settings: &StripeSettings, req: &HttpRequest, body: &[u8]) -> Result<stripe_webhook::Event, AppError> {
    let signature = req.headers().get("Stripe-Signature").and_then(|v| v.to_str().ok()).unwrap_or("");
    let payload = std::str::from_utf8(body).map_err(|_| AppError::bad_request("The body is not UTF-8."))?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    verify_event(payload, signature, settings.webhook_secret.expose_secret(), now).map_err(|error| {
        tracing::warn!(%error, signature_present = !signature.is_empty(), "Stripe webhook refused");
        AppError::bad_request(format!("The webhook is not valid: {error}."))
    })
}

/// A verified event with what it asks to change, read back from Stripe.
struct Incoming {
    event_id: String,
    kind: String,
    /// The workspace id the event's object names, as Stripe sent it back.
    named: Option<String>,
    new_state: Option<SubscriptionState>,
    customer_id: Option<String>,
}

/// Records the event and applies it to its workspace, in the caller's transaction. Returns
/// false when the event was already recorded (a replay that raced this one).
fn apply(conn: &mut PgConnection, incoming: &Incoming) -> Result<bool, AppError> {
    let Incoming { event_id, kind, named, new_state, customer_id } = incoming;
    let workspace_id = known_workspace(conn, named.as_deref())?;
    let inserted = diesel::insert_into(stripe_events::table)
        .values((stripe_events::id.eq(event_id), stripe_events::type_.eq(kind), stripe_events::workspace_id.eq(workspace_id)))
        .on_conflict_do_nothing()
        .execute(conn)?;
    if inserted == 0 {
        return Ok(false);
    }
    let Some(workspace_id) = workspace_id else {
        if change_of_interest(kind) {
            tracing::warn!(event.id = %event_id, event.kind = %kind, "a Stripe event names no known workspace; ignored");
        }
        return Ok(true);
    };
    let account = billing_accounts::table.find(workspace_id);
    if let Some(new_state) = new_state {
        apply_subscription(conn, workspace_id, new_state)?;
    } else if let Some(customer_id) = customer_id {
        diesel::update(account).set(billing_accounts::stripe_customer_id.eq(customer_id)).execute(conn)?;
    }
    match kind.as_str() {
        "invoice.payment_failed" => {
            diesel::update(account).set(billing_accounts::payment_failed_at.eq(OffsetDateTime::now_utc())).execute(conn)?;
            queue::enqueue(
                conn,
                workspace_id,
                JobKind::PaymentFailed,
                &format!("payment_failed:{event_id}"),
                json!({}),
                OffsetDateTime::now_utc(),
            )?;
        }
        "invoice.paid" => {
            diesel::update(account).set(billing_accounts::payment_failed_at.eq(None::<OffsetDateTime>)).execute(conn)?;
        }
        _ => {}
    }
    tracing::info!(workspace.id = %workspace_id, event.kind = %kind, "billing updated from Stripe");
    Ok(true)
}

fn change_of_interest(kind: &str) -> bool {
    matches!(
        kind,
        "checkout.session.completed"
            | "customer.subscription.created"
            | "customer.subscription.updated"
            | "customer.subscription.deleted"
            | "invoice.paid"
            | "invoice.payment_failed"
    )
}
