//! Settings, API keys: admins create secret keys (shown once) with their scopes, list the live
//! ones with the time of their last use, and revoke them, which closes the sockets they opened.
//!
//! Tenant rule: every route takes a [`WorkspaceAdmin`], and every query and update filters on
//! its workspace, so another workspace's key answers 404.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    auth::{
        CsrfForm, CsrfToken, EmptyForm, WorkspaceAdmin,
        api_keys::{Scope, Scopes},
        secret_token,
    },
    db::{self, WorkspaceId, schema::api_keys},
    error::AppError,
    realtime::revocation::{Credential, Revocation},
    state::AppState,
    web::{Nav, Shell, render, see_other},
};

/// At most this many live keys per workspace.
pub const MAX_KEYS: i64 = 50;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = api_keys, check_for_backend(diesel::pg::Pg))]
pub struct KeyListing {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub scopes: Vec<Option<String>>,
}

impl KeyListing {
    /// Its scopes, as the listing shows them.
    pub fn scope_list(&self) -> String {
        self.scopes.iter().flatten().map(String::as_str).collect::<Vec<_>>().join(", ")
    }

    pub fn created(&self) -> String {
        Self::describe(Some(self.created_at))
    }

    pub fn last_used(&self) -> String {
        Self::describe(self.last_used_at)
    }

    fn describe(at: Option<OffsetDateTime>) -> String {
        let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
        at.and_then(|at| at.format(&format).ok()).unwrap_or_else(|| "never".into())
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/settings/api-keys", web::get().to(page))
        .route("/app/{workspace_id}/settings/api-keys", web::post().to(create))
        .route("/app/{workspace_id}/settings/api-keys/{id}/revoke", web::post().to(revoke));
}

#[derive(Template)]
#[template(path = "app/api_keys.html")]
struct KeysPage {
    shell: Shell,
    keys: Vec<KeyListing>,
    /// A key just created: shown this once.
    created: Option<String>,
    error: Option<String>,
    /// The scopes ticked in the form.
    chosen: Scopes,
}

fn live_keys(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<Vec<KeyListing>, AppError> {
    Ok(api_keys::table
        .filter(api_keys::workspace_id.eq(workspace_id))
        .filter(api_keys::revoked_at.is_null())
        .order(api_keys::created_at.desc())
        .select(KeyListing::as_select())
        .load(conn)?)
}

async fn page(state: web::Data<AppState>, WorkspaceAdmin(member): WorkspaceAdmin, csrf: CsrfToken) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let keys = db::run(&state.pool, move |conn| live_keys(conn, workspace_id)).await?;
    let shell = Shell::load(&state, &member, csrf, Nav::Settings, None).await?;
    render(StatusCode::OK, &KeysPage { shell, keys, created: None, error: None, chosen: Scopes::default() })
}

/// The form of a new key. Each scope is a checkbox of its own, because HTML sends nothing for
/// an unticked box and the form parser takes one value per name.
#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
    scope_read: Option<String>,
    scope_write: Option<String>,
    scope_admin: Option<String>,
}

impl CreateForm {
    fn scopes(&self) -> Scopes {
        [(Scope::Read, &self.scope_read), (Scope::Write, &self.scope_write), (Scope::Admin, &self.scope_admin)]
            .into_iter()
            .filter(|(_, ticked)| ticked.is_some())
            .fold(Scopes::NONE, |scopes, (scope, _)| scopes.with(scope))
    }
}

async fn create(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<CreateForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let name = form.name.trim().to_string();
    let creator = member.current.user.id;
    let chosen = form.scopes();
    let outcome = if name.is_empty() || name.chars().count() > 100 {
        Err("Name the key (1 to 100 characters), after what will use it.".to_string())
    } else if chosen.is_empty() {
        Err("Choose what the key may do: read, write, admin, or several.".to_string())
    } else {
        let secret = format!("sk_{}", secret_token::generate());
        let stored = secret.clone();
        let actor = member.actor();
        db::run(&state.pool, move |conn| {
            let live: i64 = api_keys::table
                .filter(api_keys::workspace_id.eq(workspace_id))
                .filter(api_keys::revoked_at.is_null())
                .count()
                .get_result(conn)?;
            if live >= MAX_KEYS {
                return Ok(Err(format!("A workspace has at most {MAX_KEYS} keys; revoke one first.")));
            }
            let detail = format!("{name} ({}, {chosen})", &stored[..10]);
            crate::workspaces::audit::record(conn, workspace_id, &actor, "api_key.created", &detail)?;
            diesel::insert_into(api_keys::table)
                .values((
                    api_keys::id.eq(Uuid::now_v7()),
                    api_keys::workspace_id.eq(workspace_id),
                    api_keys::name.eq(&name),
                    api_keys::prefix.eq(&stored[..10]),
                    api_keys::key_hash.eq(secret_token::digest(&stored)),
                    api_keys::created_by.eq(creator),
                    api_keys::scopes.eq(chosen.to_column()),
                ))
                .execute(conn)?;
            Ok(Ok(secret))
        })
        .await?
    };
    let keys = db::run(&state.pool, move |conn| live_keys(conn, workspace_id)).await?;
    let shell = Shell::load(&state, &member, csrf, Nav::Settings, None).await?;
    match outcome {
        // Rendered, not redirected: the secret must not sit in a URL or a later page.
        Ok(secret) => render(StatusCode::OK, &KeysPage { shell, keys, created: Some(secret), error: None, chosen: Scopes::default() }),
        Err(error) => render(StatusCode::UNPROCESSABLE_ENTITY, &KeysPage { shell, keys, created: None, error: Some(error), chosen }),
    }
}

async fn revoke(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let id = path.1;
    let actor = member.actor();
    let revoked = db::run(&state.pool, move |conn| {
        let revoked = diesel::update(
            api_keys::table
                .filter(api_keys::workspace_id.eq(workspace_id))
                .filter(api_keys::id.eq(id))
                .filter(api_keys::revoked_at.is_null()),
        )
        .set(api_keys::revoked_at.eq(diesel::dsl::now))
        .execute(conn)?;
        if revoked > 0 {
            crate::workspaces::audit::record(conn, workspace_id, &actor, "api_key.revoked", &id.to_string())?;
        }
        Ok(revoked)
    })
    .await?;
    if revoked == 0 {
        return Err(AppError::NotFound);
    }
    state.realtime.revoke(Revocation::Credentials(vec![Credential::ApiKey(id)]));
    Ok(see_other(&format!("/app/{workspace_id}/settings/api-keys?notice=api_key_revoked")))
}
