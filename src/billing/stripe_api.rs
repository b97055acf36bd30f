//! The Stripe calls Parlor makes, through async-stripe, against `STRIPE_API_BASE`: create a
//! customer, open a Checkout session for a subscription, open the customer portal, and read a
//! subscription. Every object Parlor creates carries the workspace's id in its metadata: that,
//! never an email address, is how Stripe's objects map back to a workspace.

use std::collections::HashMap;

use secrecy::ExposeSecret;
use stripe_billing::{Subscription, billing_portal_session::CreateBillingPortalSession, subscription::RetrieveSubscription};
use stripe_checkout::{
    CheckoutSessionMode,
    checkout_session::{CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionSubscriptionData},
};
use stripe_core::customer::CreateCustomer;

use crate::{config::StripeSettings, db::WorkspaceId, error::AppError};

/// The metadata key naming a workspace on Stripe's customers, sessions and subscriptions.
pub const WORKSPACE_KEY: &str = "workspace_id";

#[derive(Clone)]
pub struct StripeApi {
    client: stripe::Client,
}

fn unavailable(error: stripe::StripeError) -> AppError {
    AppError::Unavailable(anyhow::anyhow!("Stripe call failed: {error}"))
}

fn metadata(workspace_id: WorkspaceId) -> HashMap<String, String> {
    HashMap::from([(WORKSPACE_KEY.to_string(), workspace_id.to_string())])
}

/// What a Checkout session is for.
pub struct CheckoutRequest<'a> {
    pub workspace_id: WorkspaceId,
    pub customer_id: &'a str,
    pub price_id: &'a str,
    pub seats: u64,
    pub trial_days: Option<u32>,
    pub success_url: String,
    pub cancel_url: String,
}

impl StripeApi {
    pub fn new(settings: &StripeSettings) -> anyhow::Result<Self> {
        // The client appends `v1/...` to the base as written: it must end with a slash.
        let base = format!("{}/", settings.api_base.trim_end_matches('/'));
        let client = stripe::ClientBuilder::new(settings.secret_key.expose_secret())
            .url(base)
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .map_err(|e| anyhow::anyhow!("cannot build the Stripe client: {e}"))?;
        Ok(Self { client })
    }

    /// A Stripe customer for the workspace, billed to its owner's address.
    pub async fn create_customer(&self, workspace_id: WorkspaceId, name: &str, email: &str) -> Result<String, AppError> {
        let customer =
            CreateCustomer::new().name(name).email(email).metadata(metadata(workspace_id)).send(&self.client).await.map_err(unavailable)?;
        Ok(customer.id.to_string())
    }

    /// A Checkout session for `seats` seats of a price; returns the page to send the owner to.
    pub async fn create_checkout(&self, request: CheckoutRequest<'_>) -> Result<String, AppError> {
        let mut subscription = CreateCheckoutSessionSubscriptionData::new();
        subscription.metadata = Some(metadata(request.workspace_id));
        subscription.trial_period_days = request.trial_days;
        let line = CreateCheckoutSessionLineItems {
            price: Some(request.price_id.to_string()),
            quantity: Some(request.seats),
            ..Default::default()
        };
        let session = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Subscription)
            .customer(request.customer_id)
            .client_reference_id(request.workspace_id.to_string())
            .metadata(metadata(request.workspace_id))
            .line_items(vec![line])
            .subscription_data(subscription)
            .success_url(request.success_url)
            .cancel_url(request.cancel_url)
            .send(&self.client)
            .await
            .map_err(unavailable)?;
        session.url.ok_or_else(|| AppError::Unavailable(anyhow::anyhow!("Stripe returned a Checkout session without a URL")))
    }

    /// The customer portal (payment methods, invoices, seats, cancelling); returns its URL.
    pub async fn create_portal(&self, customer_id: &str, return_url: String) -> Result<String, AppError> {
        let session =
            CreateBillingPortalSession::new().customer(customer_id).return_url(return_url).send(&self.client).await.map_err(unavailable)?;
        Ok(session.url)
    }

    /// The subscription as it is now (events may arrive late or out of order; this does not).
    pub async fn subscription(&self, id: &str) -> Result<Subscription, AppError> {
        RetrieveSubscription::new(id.to_string()).send(&self.client).await.map_err(unavailable)
    }
}
