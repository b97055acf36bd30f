//! Settings, Labels: the workspace's labels, defined, renamed, recoloured and deleted by its
//! admins. Agents put them on conversations from the inbox (`inbox::changes`); the rules of a
//! label (length, colour, at most 100) are [`crate::conversations::labels`].
//!
//! Tenant rule: every route takes a [`WorkspaceAdmin`] (agents get 403) and reaches labels only
//! through the workspace's id, so another workspace's label answers 404.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    auth::{CsrfForm, CsrfToken, EmptyForm, Member, WorkspaceAdmin},
    conversations::labels::{self, Label, MAX_NAME_CHARS, MAX_PER_WORKSPACE, PALETTE},
    db::{self, LabelId},
    error::AppError,
    state::AppState,
    web::{Nav, NoticeQuery, Shell, render, see_other},
    workspaces::audit,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/settings/labels", web::get().to(page))
        .route("/app/{workspace_id}/settings/labels", web::post().to(create))
        .route("/app/{workspace_id}/settings/labels/{label_id}", web::post().to(update))
        .route("/app/{workspace_id}/settings/labels/{label_id}/delete", web::post().to(delete));
}

#[derive(Template)]
#[template(path = "app/labels.html")]
struct LabelsPage {
    shell: Shell,
    labels: Vec<Label>,
    /// The new-label form as it was sent, when it was refused.
    name: String,
    color: String,
    /// The refusal, and the label whose form it belongs to (`None`: the new-label form).
    error: Option<(Option<LabelId>, String)>,
}

impl LabelsPage {
    fn max_name(&self) -> usize {
        MAX_NAME_CHARS
    }

    fn max_labels(&self) -> i64 {
        MAX_PER_WORKSPACE
    }

    fn palette(&self) -> &'static [&'static str] {
        &PALETTE
    }

    /// The refusal of the form of `label`, if that form was the one refused.
    fn error_for(&self, label: &Label) -> Option<&str> {
        match &self.error {
            Some((Some(id), message)) if *id == label.id => Some(message),
            _ => None,
        }
    }

    fn new_form_error(&self) -> Option<&str> {
        match &self.error {
            Some((None, message)) => Some(message),
            _ => None,
        }
    }
}

async fn render_page(
    state: &web::Data<AppState>,
    member: &Member,
    csrf: CsrfToken,
    form: Option<&LabelForm>,
    error: Option<(Option<LabelId>, String)>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let labels = db::run(&state.pool, move |conn| labels::list(conn, workspace_id)).await?;
    let shell = Shell::load(state, member, csrf, Nav::Settings, None).await?;
    // A refused new label keeps what was typed; a refused edit shows the saved values again.
    let (name, color) = match (form, &error) {
        (Some(form), Some((None, _))) => (form.name.clone(), form.color.clone()),
        _ => (String::new(), PALETTE[labels.len() % PALETTE.len()].to_string()),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(status, &LabelsPage { shell, labels, name, color, error })
}

async fn page(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let labels = db::run(&state.pool, move |conn| labels::list(conn, workspace_id)).await?;
    let shell = Shell::load(&state, &member, csrf, Nav::Settings, query.notice.as_deref()).await?;
    let color = PALETTE[labels.len() % PALETTE.len()].to_string();
    render(StatusCode::OK, &LabelsPage { shell, labels, name: String::new(), color, error: None })
}

#[derive(Deserialize)]
pub struct LabelForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    color: String,
}

/// A refusal the form shows beside itself; anything else is the error page.
fn form_error(error: AppError) -> Result<String, AppError> {
    match error {
        AppError::BadRequest(message) | AppError::Conflict(message) => Ok(message),
        other => Err(other),
    }
}

async fn create(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<LabelForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let (actor, name, color) = (member.actor(), form.name.clone(), form.color.clone());
    let created = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let label = labels::create(conn, workspace_id, &name, &color)?;
            audit::record(conn, workspace_id, &actor, "label.created", &label.name)?;
            Ok::<_, AppError>(label)
        })
    })
    .await;
    match created {
        Ok(_) => Ok(see_other(&format!("/app/{workspace_id}/settings/labels?notice=label_created"))),
        Err(error) => render_page(&state, &member, csrf, Some(&form), Some((None, form_error(error)?))).await,
    }
}

async fn update(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<LabelForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let id = LabelId(path.1);
    let (actor, name, color) = (member.actor(), form.name.clone(), form.color.clone());
    let updated = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let before = labels::find(conn, workspace_id, id)?.ok_or(AppError::NotFound)?;
            let label = labels::update(conn, workspace_id, id, &name, &color)?;
            let detail = if before.name == label.name { label.name.clone() } else { format!("{} to {}", before.name, label.name) };
            audit::record(conn, workspace_id, &actor, "label.updated", &detail)?;
            Ok::<_, AppError>(label)
        })
    })
    .await;
    match updated {
        Ok(_) => Ok(see_other(&format!("/app/{workspace_id}/settings/labels?notice=label_saved"))),
        Err(error) => render_page(&state, &member, csrf, Some(&form), Some((Some(id), form_error(error)?))).await,
    }
}

async fn delete(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let (id, actor) = (LabelId(path.1), member.actor());
    db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let label = labels::delete(conn, workspace_id, id)?;
            audit::record(conn, workspace_id, &actor, "label.deleted", &label.name)?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    Ok(see_other(&format!("/app/{workspace_id}/settings/labels?notice=label_deleted")))
}
