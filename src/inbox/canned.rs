//! Canned responses: saved replies an agent inserts by typing `/` and the shortcut. Managed by
//! the workspace's members (any role) on `/app/{id}/settings/canned`: created, edited in place
//! (`.../{response}/edit`, a plain form) and deleted.
//!
//! A reply may hold the placeholders `{{contact.name}}`, `{{contact.email}}` and `{{agent.name}}`
//! (listed on the page by `canned_placeholders.html`); the inbox's composer (`static/inbox.js`)
//! fills them in when it inserts the reply, so the stored text keeps them.
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

    /// Changes the shortcut and the reply; a shortcut another response of the workspace has is
    /// a conflict and changes nothing.
    fn update(conn: &mut PgConnection, workspace_id: WorkspaceId, id: Uuid, shortcut: &str, body: &str) -> Result<(), AppError> {
        use diesel::result::{DatabaseErrorKind, Error};
        let updated = diesel::update(
            canned_responses::table.filter(canned_responses::workspace_id.eq(workspace_id)).filter(canned_responses::id.eq(id)),
        )
        .set((canned_responses::shortcut.eq(shortcut), canned_responses::body.eq(body)))
        .execute(conn);
        match updated {
            Ok(0) => Err(AppError::NotFound),
            Ok(_) => Ok(()),
            Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                Err(AppError::Conflict(format!("The shortcut /{shortcut} is taken; choose another.")))
            }
            Err(other) => Err(other.into()),
        }
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
        .route("/app/{workspace_id}/settings/canned/{id}/edit", web::get().to(edit_page))
        .route("/app/{workspace_id}/settings/canned/{id}", web::post().to(update))
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
    /// The response whose edit form replaces it in the list.
    editing: Option<Editing>,
}

/// An edit form as shown: the stored values, or what was sent with why it was refused.
struct Editing {
    id: Uuid,
    shortcut: String,
    body: String,
    error: Option<String>,
}

impl CannedPage {
    fn new(shell: Shell, responses: Vec<CannedResponse>) -> Self {
        CannedPage { shell, responses, shortcut: String::new(), body: String::new(), error: None, editing: None }
    }

    fn editing_of(&self, id: &Uuid) -> Option<&Editing> {
        self.editing.as_ref().filter(|editing| editing.id == *id)
    }
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
    render(StatusCode::OK, &CannedPage::new(shell, responses))
}

/// The page with one response's edit form in place of it (works without JavaScript).
async fn edit_page(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let (_, id) = path.into_inner();
    let responses = db::run(&state.pool, move |conn| CannedResponse::list(conn, workspace_id)).await?;
    let current = responses.iter().find(|r| r.id == id).ok_or(AppError::NotFound)?;
    let editing = Editing { id, shortcut: current.shortcut.clone(), body: current.body.clone(), error: None };
    let shell = Shell::load(&state, &member, csrf, Nav::Settings, None).await?;
    render(StatusCode::OK, &CannedPage { editing: Some(editing), ..CannedPage::new(shell, responses) })
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
            let page = CannedPage { shortcut: form.shortcut, body: form.body, error: Some(error), ..CannedPage::new(shell, responses) };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// `POST .../canned/{id}`: the edit form. Refused input shows the form again with what was sent
/// and why (409 for a taken shortcut, 422 for the rest) and changes nothing.
async fn update(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<CannedForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let (_, id) = path.into_inner();
    let responses = db::run(&state.pool, move |conn| CannedResponse::list(conn, workspace_id)).await?;
    if !responses.iter().any(|r| r.id == id) {
        return Err(AppError::NotFound);
    }
    let (status, error) = match validate(&form) {
        Ok((shortcut, body)) => {
            match db::run(&state.pool, move |conn| CannedResponse::update(conn, workspace_id, id, &shortcut, &body)).await {
                Ok(()) => return Ok(see_other(&format!("/app/{workspace_id}/settings/canned?notice=canned_updated"))),
                Err(AppError::Conflict(message)) => (StatusCode::CONFLICT, message),
                Err(other) => return Err(other),
            }
        }
        Err(message) => (StatusCode::UNPROCESSABLE_ENTITY, message),
    };
    let shell = Shell::load(&state, &member, csrf, Nav::Settings, None).await?;
    let editing = Editing { id, shortcut: form.shortcut, body: form.body, error: Some(error) };
    render(status, &CannedPage { editing: Some(editing), ..CannedPage::new(shell, responses) })
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
