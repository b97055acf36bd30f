//! Settings, Webhooks: a workspace's endpoints, their signing secrets, and the log of each
//! delivery with its response code.
//!
//! Tenant rule: every route takes a [`WorkspaceAdmin`] (agents get 403) and reads endpoints
//! only through the workspace's id, so another workspace's endpoint answers 404.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::EmptyForm;
use crate::web::{Nav, NoticeQuery, Shell};
use crate::{
    auth::{CsrfForm, CsrfToken, WorkspaceAdmin},
    db,
    error::AppError,
    state::AppState,
    web::{render, see_other, utc_minute},
    webhooks::{self, DeliveryLog, EVENTS, Endpoint},
    workspaces::audit,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/settings/webhooks", web::get().to(list_page))
        .route("/app/{workspace_id}/settings/webhooks", web::post().to(create))
        .route("/app/{workspace_id}/settings/webhooks/{endpoint_id}", web::get().to(endpoint_page))
        .route("/app/{workspace_id}/settings/webhooks/{endpoint_id}", web::post().to(update))
        .route("/app/{workspace_id}/settings/webhooks/{endpoint_id}/test", web::post().to(send_test))
        .route("/app/{workspace_id}/settings/webhooks/{endpoint_id}/delete", web::post().to(delete));
}

/// The event checkboxes of the forms: field name, event, what it means.
pub const EVENT_CHOICES: [(&str, &str, &str); 6] = [
    ("conversation_created", EVENTS[0], "A visitor starts a conversation"),
    ("message_created", EVENTS[1], "A message is sent, by a visitor or an agent (notes included, marked private)"),
    ("conversation_status_changed", EVENTS[2], "A conversation is resolved, reopened, snoozed or set pending"),
    ("conversation_updated", EVENTS[3], "A conversation is assigned, or a label is put on it or taken off"),
    ("contact_merged", EVENTS[4], "Two contacts are merged into one: the other's id is gone"),
    ("conversation_rated", EVENTS[5], "A visitor rates a resolved conversation, or changes their rating"),
];

#[derive(Deserialize, Default)]
pub struct EndpointForm {
    #[serde(default)]
    url: String,
    conversation_created: Option<String>,
    message_created: Option<String>,
    conversation_status_changed: Option<String>,
    conversation_updated: Option<String>,
    contact_merged: Option<String>,
    conversation_rated: Option<String>,
    enabled: Option<String>,
}

impl EndpointForm {
    fn events(&self) -> Vec<String> {
        [
            &self.conversation_created,
            &self.message_created,
            &self.conversation_status_changed,
            &self.conversation_updated,
            &self.contact_merged,
            &self.conversation_rated,
        ]
        .iter()
        .zip(EVENTS)
        .filter(|(chosen, _)| chosen.is_some())
        .map(|(_, event)| event.to_string())
        .collect()
    }
}

pub struct EndpointRow {
    pub endpoint: Endpoint,
    pub events: String,
}

#[derive(Template)]
#[template(path = "app/webhooks.html")]
struct ListPage {
    shell: Shell,
    endpoints: Vec<EndpointRow>,
    url: String,
    chosen: Vec<String>,
    error: Option<String>,
}

fn rows(endpoints: Vec<Endpoint>) -> Vec<EndpointRow> {
    endpoints
        .into_iter()
        .map(|endpoint| {
            let events = endpoint.events.iter().flatten().cloned().collect::<Vec<_>>().join(", ");
            EndpointRow { endpoint, events }
        })
        .collect()
}

async fn list_page(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let endpoints = db::run(&state.pool, move |conn| webhooks::list(conn, workspace_id)).await?;
    let shell = Shell::load(&state, &member, csrf, Nav::Settings, query.notice.as_deref()).await?;
    let chosen = EVENTS.iter().map(|e| e.to_string()).collect();
    render(StatusCode::OK, &ListPage { shell, endpoints: rows(endpoints), url: String::new(), chosen, error: None })
}

async fn create(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<EndpointForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let chosen = form.events();
    let checked = webhooks::validate_url(&form.url, state.settings.webhooks_allow_private_networks)
        .and_then(|url| webhooks::validate_events(&chosen).map(|events| (url, events)));
    let outcome = match checked {
        Err(message) => Err(message),
        Ok((url, events)) => {
            let actor = member.actor();
            match db::run(&state.pool, move |conn| {
                conn.build_transaction().run(|conn| {
                    let endpoint = webhooks::create(conn, workspace_id, &url, &events)?;
                    audit::record(conn, workspace_id, &actor, "webhook.created", &url)?;
                    Ok(endpoint)
                })
            })
            .await
            {
                Ok(endpoint) => Ok(endpoint),
                Err(AppError::Conflict(message)) => Err(message),
                Err(other) => return Err(other),
            }
        }
    };
    match outcome {
        Ok(endpoint) => Ok(see_other(&format!("/app/{workspace_id}/settings/webhooks/{}?notice=webhook_created", endpoint.id))),
        Err(message) => {
            let endpoints = db::run(&state.pool, move |conn| webhooks::list(conn, workspace_id)).await?;
            let shell = Shell::load(&state, &member, csrf, Nav::Settings, None).await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ListPage { shell, endpoints: rows(endpoints), url: form.url, chosen, error: Some(message) },
            )
        }
    }
}

pub struct DeliveryRow {
    pub log: DeliveryLog,
    pub when: String,
    pub next: String,
}

#[derive(Template)]
#[template(path = "app/webhook.html")]
struct EndpointPage {
    shell: Shell,
    endpoint: Endpoint,
    deliveries: Vec<DeliveryRow>,
    error: Option<String>,
}

async fn load_endpoint_page(
    state: &web::Data<AppState>,
    member: &crate::auth::Member,
    csrf: CsrfToken,
    endpoint_id: Uuid,
    notice: Option<&str>,
    error: Option<String>,
) -> Result<EndpointPage, AppError> {
    let workspace_id = member.workspace_id();
    let (endpoint, deliveries) = db::run(&state.pool, move |conn| {
        let endpoint = webhooks::find(conn, workspace_id, endpoint_id)?;
        Ok((endpoint, webhooks::deliveries(conn, workspace_id, endpoint_id)?))
    })
    .await?;
    let deliveries = deliveries
        .into_iter()
        .map(|log| DeliveryRow { when: utc_minute(log.created_at), next: utc_minute(log.next_attempt_at), log })
        .collect();
    let shell = Shell::load(state, member, csrf, Nav::Settings, notice).await?;
    Ok(EndpointPage { shell, endpoint, deliveries, error })
}

async fn endpoint_page(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &load_endpoint_page(&state, &member, csrf, path.1, query.notice.as_deref(), None).await?)
}

async fn update(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<EndpointForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let endpoint_id = path.1;
    match webhooks::validate_events(&form.events()) {
        Ok(events) => {
            let enabled = form.enabled.is_some();
            let (actor, detail) = (member.actor(), format!("{} ({})", events.join(", "), if enabled { "enabled" } else { "paused" }));
            db::run(&state.pool, move |conn| {
                audit::recorded(conn, workspace_id, &actor, "webhook.updated", &detail, |conn| {
                    webhooks::update(conn, workspace_id, endpoint_id, &events, enabled)
                })
            })
            .await?;
            Ok(see_other(&format!("/app/{workspace_id}/settings/webhooks/{endpoint_id}?notice=webhook_saved")))
        }
        Err(message) => {
            let page = load_endpoint_page(&state, &member, csrf, endpoint_id, None, Some(message)).await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn send_test(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let endpoint_id = path.1;
    db::run(&state.pool, move |conn| webhooks::send_test(conn, workspace_id, endpoint_id)).await?;
    Ok(see_other(&format!("/app/{workspace_id}/settings/webhooks/{endpoint_id}?notice=webhook_test_sent")))
}

async fn delete(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let endpoint_id = path.1;
    let actor = member.actor();
    db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let endpoint = webhooks::find(conn, workspace_id, endpoint_id)?;
            webhooks::delete(conn, workspace_id, endpoint_id)?;
            audit::record(conn, workspace_id, &actor, "webhook.deleted", &endpoint.url)
        })
    })
    .await?;
    Ok(see_other(&format!("/app/{workspace_id}/settings/webhooks?notice=webhook_deleted")))
}
