//! Canned responses: saved replies an agent inserts by typing `/` and the shortcut. Managed by
//! the workspace's members on `/app/{id}/settings/canned`.
//!
//! Tenant rule: every query takes the member's `WorkspaceId`; another workspace's response
//! answers 404.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::EmptyForm;
use crate::{
    auth::{CsrfForm, CsrfToken, Member},
    db::{self, WorkspaceId, schema::canned_responses},
    error::AppError,
    state::AppState,
    web::{Nav, NoticeQuery, Shell, render, see_other},
};

pub const MAX_BODY: usize = 5000;
pub const MAX_PER_WORKSPACE: i64 = 500;

#[derive(Queryable, Selectable, Serialize, Clone, Debug)]
#[diesel(table_name = canned_responses, check_for_backend(diesel::pg::Pg))]
pub struct CannedResponse {
    pub id: Uuid,
    pub shortcut: String,
    pub body: String,
}

impl CannedResponse {
    pub fn list(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<Vec<CannedResponse>, AppError> {
        Ok(canned_responses::table
            .filter(canned_responses::workspace_id.eq(workspace_id))
            .order(canned_responses::shortcut.asc())
            .select(CannedResponse::as_select())
            .load(conn)?)
    }

    fn create(conn: &mut PgConnection, workspace_id: WorkspaceId, shortcut: &str, body: &str) -> Result<(), AppError> {
        let count: i64 = canned_responses::table.filter(canned_responses::workspace_id.eq(workspace_id)).count().get_result(conn)?;
        if count >= MAX_PER_WORKSPACE {
            return Err(AppError::bad_request(format!("A workspace has at most {MAX_PER_WORKSPACE} canned responses.")));
        }
        let inserted = diesel::insert_into(canned_responses::table)
            .values((
                canned_responses::id.eq(Uuid::now_v7()),
                canned_responses::workspace_id.eq(workspace_id),
                canned_responses::shortcut.eq(shortcut),
                canned_responses::body.eq(body),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
        if inserted == 0 {
            return Err(AppError::Conflict(format!("The shortcut /{shortcut} is taken; choose another.")));
        }
        Ok(())
    }

    fn delete(conn: &mut PgConnection, workspace_id: WorkspaceId, id: Uuid) -> Result<(), AppError> {
        let deleted = diesel::delete(
            canned_responses::table.filter(canned_responses::workspace_id.eq(workspace_id)).filter(canned_responses::id.eq(id)),
        )
        .execute(conn)?;
        if deleted == 0 {
            return Err(AppError::NotFound);
        }
        Ok(())
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/settings/canned", web::get().to(page))
        .route("/app/{workspace_id}/settings/canned", web::post().to(create))
        .route("/app/{workspace_id}/settings/canned/{id}/delete", web::post().to(delete));
}

#[derive(Template)]
#[template(path = "app/canned.html")]
struct CannedPage {
    shell: Shell,
    responses: Vec<CannedResponse>,
    shortcut: String,
    body: String,
    error: Option<String>,
}

async fn page(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let responses = db::run(&state.pool, move |conn| CannedResponse::list(conn, workspace_id)).await?;
    let shell = Shell::load(&state, &member, csrf, Nav::Settings, query.notice.as_deref()).await?;
    render(StatusCode::OK, &CannedPage { shell, responses, shortcut: String::new(), body: String::new(), error: None })
}

#[derive(Deserialize)]
pub struct CannedForm {
    #[serde(default)]
    shortcut: String,
    #[serde(default)]
    body: String,
}

fn validate(form: &CannedForm) -> Result<(String, String), String> {
    let shortcut = form.shortcut.trim().trim_start_matches('/').to_ascii_lowercase();
    let valid = !shortcut.is_empty()
        && shortcut.len() <= 32
        && shortcut.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && shortcut.starts_with(|c: char| c.is_ascii_alphanumeric());
    if !valid {
        return Err("A shortcut is 1 to 32 letters, digits, - or _, like refund-policy.".into());
    }
    let body = form.body.trim().to_string();
    if body.is_empty() || body.chars().count() > MAX_BODY {
        return Err(format!("The reply is 1 to {MAX_BODY} characters."));
    }
    Ok((shortcut, body))
}

async fn create(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<CannedForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let outcome = match validate(&form) {
        Ok((shortcut, body)) => db::run(&state.pool, move |conn| CannedResponse::create(conn, workspace_id, &shortcut, &body))
            .await
            .map_err(|error| match error {
                AppError::Conflict(message) | AppError::BadRequest(message) => message,
                other => other.to_string(),
            }),
        Err(message) => Err(message),
    };
    match outcome {
        Ok(()) => Ok(see_other(&format!("/app/{workspace_id}/settings/canned?notice=canned_saved"))),
        Err(error) => {
            let responses = db::run(&state.pool, move |conn| CannedResponse::list(conn, workspace_id)).await?;
            let shell = Shell::load(&state, &member, csrf, Nav::Settings, None).await?;
            let page = CannedPage { shell, responses, shortcut: form.shortcut, body: form.body, error: Some(error) };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn delete(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let (_, id) = path.into_inner();
    db::run(&state.pool, move |conn| CannedResponse::delete(conn, workspace_id, id)).await?;
    Ok(see_other(&format!("/app/{workspace_id}/settings/canned?notice=canned_deleted")))
}
