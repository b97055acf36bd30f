//! The dashboard's pages: a workspace's home and settings, creating another workspace, and the
//! account page (sessions, verification). The layout around them is [`crate::web::layout`].
//!
//! Tenant rule: every workspace page takes a [`Member`] (or [`WorkspaceAdmin`]) extractor, so
//! a workspace the user does not belong to answers 404 before the handler runs.

mod account;
mod api_keys;
mod assignment;
mod availability;
mod contact_attributes;
mod labels;
mod notifications;
mod privacy;
mod team;
pub mod webhooks;
pub mod widget;

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::{
    auth::{CsrfForm, CsrfToken, CurrentUser, Member, WorkspaceAdmin},
    db,
    error::AppError,
    state::AppState,
    web::{Nav, NoticeQuery, Shell, notice_text, render, see_other},
    workspaces::{self, Workspace},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app", web::get().to(app_root))
        .route("/app/workspaces/new", web::get().to(new_workspace_form))
        .route("/app/workspaces/new", web::post().to(create_workspace))
        .configure(account::configure)
        .configure(api_keys::configure)
        .route("/app/{workspace_id}", web::get().to(home))
        .configure(widget::configure)
        .configure(team::configure)
        .configure(availability::configure)
        .configure(assignment::configure)
        .configure(webhooks::configure)
        .configure(labels::configure)
        .configure(contact_attributes::configure)
        .configure(privacy::configure)
        .configure(notifications::configure)
        .route("/app/{workspace_id}/settings", web::get().to(settings))
        .route("/app/{workspace_id}/settings", web::post().to(rename_workspace));
}

/// `/app` opens the user's first workspace; a user without one is asked to create one.
async fn app_root(state: web::Data<AppState>, current: CurrentUser, query: web::Query<NoticeQuery>) -> Result<HttpResponse, AppError> {
    let user_id = current.user.id;
    let workspaces = db::run(&state.pool, move |conn| Workspace::list_for_user(conn, user_id)).await?;
    let notice = query.notice.as_deref().filter(|n| notice_text(crate::i18n::Tr::default(), Some(n)).is_some());
    let suffix = notice.map(|n| format!("?notice={n}")).unwrap_or_default();
    Ok(match workspaces.first() {
        Some(workspace) => see_other(&format!("/app/{}{suffix}", workspace.id)),
        None => see_other(&format!("/app/workspaces/new{suffix}")),
    })
}

/// The `<script>` tag a workspace pastes onto its website.
pub fn install_snippet(public_base: &str, site_key: &str) -> String {
    format!(r#"<script src="{public_base}/widget.js" data-site-key="{site_key}" async></script>"#)
}

#[derive(Template)]
#[template(path = "app/home.html")]
struct HomePage {
    shell: Shell,
    snippet: String,
    welcome: bool,
}

async fn home(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let snippet = install_snippet(&state.settings.public_base(), &member.workspace.site_key);
    let shell = Shell::load(&state, &member, csrf, Nav::Home, query.notice.as_deref()).await?;
    render(StatusCode::OK, &HomePage { shell, snippet, welcome: query.welcome.is_some() })
}

#[derive(Template)]
#[template(path = "app/settings.html")]
struct SettingsPage {
    shell: Shell,
    name: String,
    error: Option<String>,
    can_edit: bool,
}

async fn settings(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let name = member.workspace.name.clone();
    let can_edit = member.role.is_admin();
    let shell = Shell::load(&state, &member, csrf, Nav::Settings, query.notice.as_deref()).await?;
    render(StatusCode::OK, &SettingsPage { shell, name, error: None, can_edit })
}

#[derive(Deserialize)]
pub struct WorkspaceNameForm {
    #[serde(default)]
    name: String,
}

async fn rename_workspace(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<WorkspaceNameForm>,
) -> Result<HttpResponse, AppError> {
    let name = match workspaces::validate_name(&form.name) {
        Ok(name) => name,
        Err(error) => {
            let shell = Shell::load(&state, &member, csrf, Nav::Settings, None).await?;
            let page = SettingsPage { shell, name: form.name, error: Some(error), can_edit: true };
            return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let workspace_id = member.workspace_id();
    let actor = member.actor();
    db::run(&state.pool, move |conn| {
        workspaces::audit::recorded(conn, workspace_id, &actor, "workspace.renamed", &name, |conn| {
            Workspace::rename(conn, workspace_id, &name)
        })
    })
    .await?;
    Ok(see_other(&format!("/app/{workspace_id}/settings?notice=workspace_renamed")))
}

#[derive(Template)]
#[template(path = "app/new_workspace.html")]
struct NewWorkspacePage {
    shell: Shell,
    name: String,
    error: Option<String>,
}

async fn new_workspace_form(state: web::Data<AppState>, current: CurrentUser, csrf: CsrfToken) -> Result<HttpResponse, AppError> {
    let shell = Shell::load_for_user(&state, &current, csrf, Nav::NewWorkspace, None).await?;
    render(StatusCode::OK, &NewWorkspacePage { shell, name: String::new(), error: None })
}

async fn create_workspace(
    state: web::Data<AppState>,
    current: CurrentUser,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<WorkspaceNameForm>,
) -> Result<HttpResponse, AppError> {
    let name = match workspaces::validate_name(&form.name) {
        Ok(name) => name,
        Err(error) => {
            let shell = Shell::load_for_user(&state, &current, csrf, Nav::NewWorkspace, None).await?;
            return render(StatusCode::UNPROCESSABLE_ENTITY, &NewWorkspacePage { shell, name: form.name, error: Some(error) });
        }
    };
    let user_id = current.user.id;
    let workspace = db::run(&state.pool, move |conn| Workspace::create_with_owner(conn, &name, user_id)).await?;
    tracing::info!(workspace.id = %workspace.id, "workspace created");
    Ok(see_other(&format!("/app/{}?welcome=1", workspace.id)))
}
