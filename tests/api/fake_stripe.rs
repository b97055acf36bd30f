//! A local fake of the parts of Stripe's HTTP API that Parlor calls (customers, Checkout
//! sessions, portal sessions, subscriptions), served over real HTTP, and the events Stripe
//! would send, signed as Stripe signs them. Tests play Stripe's side with it: "the customer
//! paid", "the card was declined", "the subscription was cancelled".

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use actix_web::{App, HttpResponse, HttpServer, web};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

pub const SECRET_KEY: &str = "sk_test_parlor_fake";
pub const WEBHOOK_SECRET: &str = "whsec_test_parlor_fake_secret";
pub const PRICE_PRO: &str = "price_pro_monthly";
const UNIT_AMOUNT: i64 = 1200;

#[derive(Default)]
pub struct State {
    next: u64,
    pub customers: HashMap<String, Value>,
    pub sessions: HashMap<String, Value>,
    pub subscriptions: HashMap<String, Value>,
    /// Every call: method, path, form fields.
    pub requests: Vec<(String, String, HashMap<String, String>)>,
    /// Portal sessions: where their page's link goes back to.
    pub portal_returns: HashMap<String, String>,
    /// Where the Checkout page's "Pay" delivers its events (Parlor's address).
    pub webhook_target: Option<String>,
}

impl State {
    fn id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}_{:06}", self.next)
    }
}

#[derive(Clone)]
pub struct FakeStripe {
    pub url: String,
    pub state: Arc<Mutex<State>>,
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn form(body: &web::Bytes) -> HashMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default().into_iter().collect()
}

/// The `prefix[key]` entries of a form, as a map.
fn map_of(fields: &HashMap<String, String>, prefix: &str) -> Value {
    let mut map = serde_json::Map::new();
    for (key, value) in fields {
        if let Some(name) = key.strip_prefix(&format!("{prefix}[")).and_then(|rest| rest.strip_suffix(']'))
            && !name.contains('[')
        {
            map.insert(name.to_string(), json!(value));
        }
    }
    Value::Object(map)
}

async fn create_customer(state: web::Data<Arc<Mutex<State>>>, body: web::Bytes) -> HttpResponse {
    let fields = form(&body);
    let mut state = state.lock().unwrap();
    state.requests.push(("POST".into(), "/v1/customers".into(), fields.clone()));
    let id = state.id("cus");
    let customer = json!({
        "id": id, "object": "customer", "created": now(), "livemode": false,
        "email": fields.get("email"), "name": fields.get("name"), "metadata": map_of(&fields, "metadata"),
    });
    state.customers.insert(id, customer.clone());
    HttpResponse::Ok().json(customer)
}

async fn create_checkout(state: web::Data<Arc<Mutex<State>>>, base: web::Data<String>, body: web::Bytes) -> HttpResponse {
    let fields = form(&body);
    let mut state = state.lock().unwrap();
    state.requests.push(("POST".into(), "/v1/checkout/sessions".into(), fields.clone()));
    let id = state.id("cs_test");
    let session = json!({
        "id": id, "object": "checkout.session", "created": now(), "expires_at": now() + 86_400, "livemode": false,
        "mode": fields.get("mode"), "payment_status": "unpaid", "status": "open", "payment_method_types": ["card"],
        "custom_fields": [], "custom_text": {}, "automatic_tax": {"enabled": false, "liability": null, "status": null},
        "shipping_options": [], "url": format!("{}/checkout/{id}", base.get_ref()),
        "customer": fields.get("customer"), "client_reference_id": fields.get("client_reference_id"),
        "metadata": map_of(&fields, "metadata"), "subscription": null,
        "success_url": fields.get("success_url"), "cancel_url": fields.get("cancel_url"),
        "currency": "usd",
        // What the session was asked for, kept for complete_checkout.
        "x_price": fields.get("line_items[0][price]"),
        "x_quantity": fields.get("line_items[0][quantity]").and_then(|q| q.parse::<u64>().ok()),
        "x_trial_days": fields.get("subscription_data[trial_period_days]").and_then(|d| d.parse::<i64>().ok()),
        "x_subscription_metadata": map_of(&fields, "subscription_data[metadata]"),
    });
    state.sessions.insert(id, session.clone());
    HttpResponse::Ok().json(session)
}

async fn create_portal(state: web::Data<Arc<Mutex<State>>>, base: web::Data<String>, body: web::Bytes) -> HttpResponse {
    let fields = form(&body);
    let mut state = state.lock().unwrap();
    state.requests.push(("POST".into(), "/v1/billing_portal/sessions".into(), fields.clone()));
    let id = state.id("bps");
    state.portal_returns.insert(id.clone(), fields.get("return_url").cloned().unwrap_or_default());
    HttpResponse::Ok().json(json!({
        "id": id, "object": "billing_portal.session", "configuration": "bpc_default", "created": now(),
        "customer": fields.get("customer"), "livemode": false, "return_url": fields.get("return_url"),
        "url": format!("{}/portal/{id}", base.get_ref()),
    }))
}

async fn get_subscription(state: web::Data<Arc<Mutex<State>>>, path: web::Path<String>) -> HttpResponse {
    let mut state = state.lock().unwrap();
    let id = path.into_inner();
    state.requests.push(("GET".into(), format!("/v1/subscriptions/{id}"), HashMap::new()));
    match state.subscriptions.get(&id) {
        Some(subscription) => HttpResponse::Ok().json(subscription),
        None => HttpResponse::NotFound()
            .json(json!({"error": {"type": "invalid_request_error", "message": format!("No such subscription: '{id}'")}})),
    }
}

/// The hosted Checkout page, reduced to its decision.
async fn checkout_page(fake: web::Data<FakeStripe>, path: web::Path<String>) -> HttpResponse {
    let id = path.into_inner();
    if !fake.state.lock().unwrap().sessions.contains_key(&id) {
        return HttpResponse::NotFound().body("no such session");
    }
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(format!(
        "<!doctype html><title>Checkout (fake Stripe)</title><h1>Subscribe to Parlor Pro</h1>\
         <form method=post action=\"/checkout/{id}/pay\"><button type=submit>Pay and subscribe</button></form>"
    ))
}

/// "Pay": the subscription starts, Stripe sends its webhook, the browser goes to success_url.
async fn checkout_pay(fake: web::Data<FakeStripe>, path: web::Path<String>) -> HttpResponse {
    let id = path.into_inner();
    fake.complete_checkout(&id);
    let event = fake.checkout_completed(&id);
    let (target, success) = {
        let state = fake.state.lock().unwrap();
        (state.webhook_target.clone(), state.sessions[&id]["success_url"].as_str().unwrap_or_default().to_string())
    };
    if let Some(target) = target {
        let delivered = deliver(&target, &event).await;
        assert_eq!(delivered.status(), 200, "Parlor took the checkout webhook");
    }
    HttpResponse::SeeOther().insert_header(("location", success)).finish()
}

async fn portal_page(fake: web::Data<FakeStripe>, path: web::Path<String>) -> HttpResponse {
    let Some(back) = fake.state.lock().unwrap().portal_returns.get(&path.into_inner()).cloned() else {
        return HttpResponse::NotFound().body("no such portal session");
    };
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(format!(
        "<!doctype html><title>Billing portal (fake Stripe)</title><h1>Customer portal</h1><a href=\"{back}\">Return to Parlor</a>"
    ))
}

impl FakeStripe {
    /// Parlor's billing settings against this fake: one Pro plan, one free seat, a 14-day trial.
    pub fn settings(&self, free_conversations: u32) -> parlor::config::StripeSettings {
        parlor::config::StripeSettings {
            secret_key: SECRET_KEY.to_string().into(),
            webhook_secret: WEBHOOK_SECRET.to_string().into(),
            api_base: self.url.clone(),
            plans: vec![parlor::config::PaidPlan { key: "pro", name: "Pro", price_id: PRICE_PRO.into() }],
            free_seats: 1,
            free_conversations,
            trial_days: 14,
        }
    }

    /// Where the Checkout page's "Pay" sends Stripe's webhook.
    pub fn send_webhooks_to(&self, address: &str) {
        self.state.lock().unwrap().webhook_target = Some(address.to_string());
    }

    pub async fn start() -> FakeStripe {
        let state: Arc<Mutex<State>> = Arc::default();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let (shared, base) = (state.clone(), url.clone());
        let fake = FakeStripe { url: url.clone(), state: state.clone() };
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(shared.clone()))
                .app_data(web::Data::new(base.clone()))
                .app_data(web::Data::new(fake.clone()))
                .route("/checkout/{id}", web::get().to(checkout_page))
                .route("/checkout/{id}/pay", web::post().to(checkout_pay))
                .route("/portal/{id}", web::get().to(portal_page))
                .route("/v1/customers", web::post().to(create_customer))
                .route("/v1/checkout/sessions", web::post().to(create_checkout))
                .route("/v1/billing_portal/sessions", web::post().to(create_portal))
                .route("/v1/subscriptions/{id}", web::get().to(get_subscription))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        tokio::spawn(server);
        FakeStripe { url, state }
    }

    /// The form fields of the last call to `path`.
    pub fn last_request(&self, path: &str) -> Option<HashMap<String, String>> {
        self.state.lock().unwrap().requests.iter().rev().find(|(_, p, _)| p == path).map(|(_, _, fields)| fields.clone())
    }

    pub fn count_requests(&self, path: &str) -> usize {
        self.state.lock().unwrap().requests.iter().filter(|(_, p, _)| p == path).count()
    }

    pub fn last_session_id(&self) -> String {
        let state = self.state.lock().unwrap();
        let mut ids: Vec<&String> = state.sessions.keys().collect();
        ids.sort();
        ids.last().expect("a checkout session").to_string()
    }

    /// A subscription object as Stripe renders it.
    fn subscription_json(
        id: &str,
        customer: &str,
        price: &str,
        quantity: u64,
        status: &str,
        trial_days: Option<i64>,
        metadata: Value,
    ) -> Value {
        let t = now();
        let trial_end = trial_days.filter(|d| *d > 0).map(|d| t + d * 86_400);
        let plan = json!({"id": price, "object": "plan", "active": true, "billing_scheme": "per_unit", "created": t, "currency": "usd",
            "interval": "month", "interval_count": 1, "livemode": false, "usage_type": "licensed", "amount": UNIT_AMOUNT});
        let price = json!({"id": price, "object": "price", "active": true, "billing_scheme": "per_unit", "created": t, "currency": "usd",
            "livemode": false, "metadata": {}, "product": "prod_parlor", "type": "recurring", "unit_amount": UNIT_AMOUNT,
            "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"}});
        let item = json!({
            "id": format!("si_{id}"), "object": "subscription_item", "created": t, "current_period_start": t,
            "current_period_end": t + 30 * 86_400, "discounts": [], "metadata": {}, "quantity": quantity, "subscription": id,
            "plan": plan, "price": price,
        });
        let items =
            json!({"object": "list", "has_more": false, "url": format!("/v1/subscription_items?subscription={id}"), "data": [item]});
        json!({
            "id": id, "object": "subscription", "automatic_tax": {"enabled": false}, "billing_cycle_anchor": t,
            "billing_mode": {"type": "classic"}, "billing_schedules": [], "cancel_at_period_end": false,
            "collection_method": "charge_automatically", "created": t, "currency": "usd", "customer": customer,
            "discounts": [], "invoice_settings": {"issuer": {"type": "self"}}, "livemode": false, "metadata": metadata,
            "start_date": t, "status": status, "trial_end": trial_end, "trial_start": trial_end.map(|_| t), "items": items,
        })
    }

    /// The customer pays on the Checkout page: the subscription exists (trialing when the
    /// session asked for a trial) and the session is complete. Returns the subscription id.
    pub fn complete_checkout(&self, session_id: &str) -> String {
        let mut state = self.state.lock().unwrap();
        let sub_id = state.id("sub");
        let session = state.sessions.get(session_id).expect("the session exists").clone();
        let trial = session["x_trial_days"].as_i64();
        let status = if trial.unwrap_or(0) > 0 { "trialing" } else { "active" };
        let subscription = Self::subscription_json(
            &sub_id,
            session["customer"].as_str().unwrap_or_default(),
            session["x_price"].as_str().unwrap_or_default(),
            session["x_quantity"].as_u64().unwrap_or(1),
            status,
            trial,
            session["x_subscription_metadata"].clone(),
        );
        state.subscriptions.insert(sub_id.clone(), subscription);
        let session = state.sessions.get_mut(session_id).unwrap();
        session["status"] = json!("complete");
        session["payment_status"] = json!(if status == "trialing" { "no_payment_required" } else { "paid" });
        session["subscription"] = json!(sub_id);
        sub_id
    }

    /// A subscription created outside Checkout (by someone with Stripe access), with the
    /// metadata given.
    pub fn create_subscription(&self, customer: &str, quantity: u64, metadata: Value) -> String {
        let mut state = self.state.lock().unwrap();
        let sub_id = state.id("sub");
        let subscription = Self::subscription_json(&sub_id, customer, PRICE_PRO, quantity, "active", None, metadata);
        state.subscriptions.insert(sub_id.clone(), subscription);
        sub_id
    }

    pub fn update_subscription(&self, id: &str, change: impl FnOnce(&mut Value)) {
        let mut state = self.state.lock().unwrap();
        change(state.subscriptions.get_mut(id).expect("the subscription exists"));
    }

    pub fn set_quantity(subscription: &mut Value, quantity: u64) {
        subscription["items"]["data"][0]["quantity"] = json!(quantity);
    }

    fn envelope(&self, kind: &str, object: Value) -> Value {
        let id = self.state.lock().unwrap().id("evt");
        json!({
            "id": id, "object": "event", "api_version": "2025-10-29.clover", "created": now(), "livemode": false,
            "pending_webhooks": 1, "request": {"id": null, "idempotency_key": null}, "type": kind, "data": {"object": object},
        })
    }

    pub fn checkout_completed(&self, session_id: &str) -> Value {
        let session = self.state.lock().unwrap().sessions.get(session_id).expect("the session exists").clone();
        self.envelope("checkout.session.completed", session)
    }

    /// `customer.subscription.created|updated|deleted` with the subscription as it is now.
    pub fn subscription_event(&self, kind: &str, subscription_id: &str) -> Value {
        let subscription = self.state.lock().unwrap().subscriptions.get(subscription_id).expect("the subscription exists").clone();
        self.envelope(kind, subscription)
    }

    /// `invoice.paid` or `invoice.payment_failed` for the subscription.
    pub fn invoice_event(&self, kind: &str, subscription_id: &str) -> Value {
        let (customer, invoice_id) = {
            let mut state = self.state.lock().unwrap();
            let customer = state.subscriptions[subscription_id]["customer"].clone();
            (customer, state.id("in"))
        };
        let paid = kind == "invoice.paid";
        let t = now();
        let invoice = json!({
            "id": invoice_id, "object": "invoice", "amount_due": UNIT_AMOUNT, "amount_overpaid": 0,
            "amount_paid": if paid { UNIT_AMOUNT } else { 0 }, "amount_remaining": if paid { 0 } else { UNIT_AMOUNT },
            "amount_shipping": 0, "attempt_count": 1, "attempted": true, "automatic_tax": {"enabled": false},
            "collection_method": "charge_automatically", "created": t, "currency": "usd", "customer": customer,
            "default_tax_rates": [], "discounts": [], "issuer": {"type": "self"},
            "lines": {"object": "list", "data": [], "has_more": false, "url": format!("/v1/invoices/{invoice_id}/lines")},
            "livemode": false, "metadata": {},
            "parent": {"type": "subscription_details", "subscription_details": {"subscription": subscription_id, "metadata": {}}},
            "payment_settings": {}, "period_end": t, "period_start": t, "post_payment_credit_notes_amount": 0,
            "pre_payment_credit_notes_amount": 0, "starting_balance": 0, "status": if paid { "paid" } else { "open" },
            "status_transitions": {}, "subtotal": UNIT_AMOUNT, "total": UNIT_AMOUNT,
        });
        self.envelope(kind, invoice)
    }
}

/// `Stripe-Signature` for `payload` signed at `timestamp` with `secret`, as Stripe makes it.
pub fn signature(payload: &str, secret: &str, timestamp: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{payload}").as_bytes());
    format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Delivers an event to Parlor as Stripe would: signed now with the webhook secret.
pub async fn deliver(address: &str, event: &Value) -> reqwest::Response {
    deliver_signed(address, &event.to_string(), &signature(&event.to_string(), WEBHOOK_SECRET, now())).await
}

pub async fn deliver_signed(address: &str, payload: &str, signature: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{address}/webhooks/stripe"))
        .header("Stripe-Signature", signature)
        .header("content-type", "application/json")
        .body(payload.to_string())
        .send()
        .await
        .unwrap()
}

pub fn now_seconds() -> i64 {
    now()
}
