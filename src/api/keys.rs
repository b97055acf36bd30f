//! Secret API keys: created by admins in Settings (shown once), stored as a SHA-256 digest,
//! revocable, with the time of their last use; and [`ApiKey`], the extractor that turns an
//! `Authorization: Bearer sk_...` header into a workspace.
//!
//! Tenant rule: a key belongs to one workspace; managing keys takes a [`WorkspaceAdmin`].

use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, http::StatusCode, web};
use askama::Template;
use diesel::prelude::*;
use futures_util::future::LocalBoxFuture;
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::auth::EmptyForm;
use crate::{
    admin::{Nav, Shell},
    auth::{CsrfForm, CsrfToken, WorkspaceAdmin, secret_token},
    conversations::Author,
    db::{
        self, UserId, WorkspaceId,
        schema::{api_keys, users},
    },
    error::AppError,
    state::AppState,
    web::{render, see_other},
};

/// At most this many live keys per workspace.
pub const MAX_KEYS: i64 = 50;

/// The workspace a valid key opens, and who it writes as.
#[derive(Clone, Debug)]
pub struct ApiKey {
    pub id: Uuid,
    pub workspace_id: WorkspaceId,
    /// The member who created the key; `None` once they left.
    pub author: Option<Author>,
}

impl ApiKey {
    /// The key of a secret, if it is live; records its use.
    pub fn authenticate(conn: &mut PgConnection, secret: &str) -> Result<Option<ApiKey>, AppError> {
        let Some(token) = secret.strip_prefix("sk_") else { return Ok(None) };
        if !secret_token::looks_valid(token) {
            return Ok(None);
        }
        let found: Option<(Uuid, WorkspaceId, Option<UserId>, Option<String>)> = api_keys::table
            .left_join(users::table.on(users::id.nullable().eq(api_keys::created_by)))
            .filter(api_keys::key_hash.eq(secret_token::digest(secret)))
            .filter(api_keys::revoked_at.is_null())
            .select((api_keys::id, api_keys::workspace_id, api_keys::created_by, users::name.nullable()))
            .first(conn)
            .optional()?;
        let Some((id, workspace_id, created_by, name)) = found else { return Ok(None) };
        diesel::update(api_keys::table.find(id)).set(api_keys::last_used_at.eq(diesel::dsl::now)).execute(conn)?;
        // The creator writes only while still a member.
        let author = match (created_by, name) {
            (Some(user_id), Some(name)) if crate::workspaces::Workspace::find_for_member(conn, workspace_id, user_id)?.is_some() => {
                Some(Author::Agent { user_id, name })
            }
            _ => None,
        };
        Ok(Some(ApiKey { id, workspace_id, author }))
    }
}

impl FromRequest for ApiKey {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let header = req.headers().get(actix_web::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?;
            let secret =
                header.as_deref().and_then(|h| h.strip_prefix("Bearer ")).map(str::trim).ok_or(AppError::SignInRequired)?.to_string();
            db::run(&state.pool, move |conn| ApiKey::authenticate(conn, &secret)).await?.ok_or(AppError::SignInRequired)
        })
    }
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = api_keys, check_for_backend(diesel::pg::Pg))]
pub struct KeyListing {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
}

impl KeyListing {
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
    render(StatusCode::OK, &KeysPage { shell, keys, created: None, error: None })
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    name: String,
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
    let outcome = if name.is_empty() || name.chars().count() > 100 {
        Err("Name the key (1 to 100 characters), after what will use it.".to_string())
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
            crate::workspaces::audit::record(conn, workspace_id, &actor, "api_key.created", &format!("{name} ({})", &stored[..10]))?;
            diesel::insert_into(api_keys::table)
                .values((
                    api_keys::id.eq(Uuid::now_v7()),
                    api_keys::workspace_id.eq(workspace_id),
                    api_keys::name.eq(&name),
                    api_keys::prefix.eq(&stored[..10]),
                    api_keys::key_hash.eq(secret_token::digest(&stored)),
                    api_keys::created_by.eq(creator),
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
        Ok(secret) => render(StatusCode::OK, &KeysPage { shell, keys, created: Some(secret), error: None }),
        Err(error) => render(StatusCode::UNPROCESSABLE_ENTITY, &KeysPage { shell, keys, created: None, error: Some(error) }),
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
    state.realtime.revoke(crate::realtime::revocation::Revocation::Credentials(vec![crate::realtime::revocation::Credential::ApiKey(id)]));
    Ok(see_other(&format!("/app/{workspace_id}/settings/api-keys?notice=api_key_revoked")))
}
