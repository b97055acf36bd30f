//! Settings, Auto-assignment: off, or round-robin among available agents with a limit of open
//! conversations each (what it does is [`crate::conversations::assignment`]).
//!
//! Tenant rule: the page takes a [`WorkspaceAdmin`] (agents get 403, other workspaces 404).

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use diesel::{
    prelude::*,
    sql_types::{BigInt, Uuid as SqlUuid},
};
use serde::Deserialize;

use crate::{
    auth::{CsrfForm, CsrfToken, WorkspaceAdmin},
    db::{self, WorkspaceId},
    error::AppError,
    state::AppState,
    web::{Nav, NoticeQuery, Shell, render, see_other},
    workspaces::{
        assignment::{self, AssignmentSettings, Mode},
        audit,
    },
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/settings/assignment", web::get().to(page))
        .route("/app/{workspace_id}/settings/assignment", web::post().to(save));
}

#[derive(Template)]
#[template(path = "app/assignment.html")]
struct AssignmentPage {
    shell: Shell,
    modes: [Mode; 2],
    mode: String,
    limit: String,
    mode_error: Option<String>,
    limit_error: Option<String>,
    available: i64,
    waiting: i64,
}

/// Available members and waiting conversations, for the page's "Right now".
fn right_now(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<(i64, i64), AppError> {
    #[derive(QueryableByName)]
    struct Counts {
        #[diesel(sql_type = BigInt)]
        available: i64,
        #[diesel(sql_type = BigInt)]
        waiting: i64,
    }
    let counts: Counts = diesel::sql_query(
        "SELECT (SELECT count(*) FROM memberships WHERE workspace_id = $1 AND online_until > now() AND NOT away) AS available,
                (SELECT count(*) FROM conversations WHERE workspace_id = $1 AND assignee_id IS NULL AND status = 'open') AS waiting",
    )
    .bind::<SqlUuid, _>(workspace_id)
    .get_result(conn)?;
    Ok((counts.available, counts.waiting))
}

async fn page(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let (current, (available, waiting)) =
        db::run(&state.pool, move |conn| Ok((AssignmentSettings::load(conn, workspace_id)?, right_now(conn, workspace_id)?))).await?;
    let shell = Shell::load(&state, &member, csrf, Nav::Settings, query.notice.as_deref()).await?;
    render(
        StatusCode::OK,
        &AssignmentPage {
            shell,
            modes: Mode::ALL,
            mode: current.mode.as_str().into(),
            limit: current.limit.to_string(),
            mode_error: None,
            limit_error: None,
            available,
            waiting,
        },
    )
}

#[derive(Deserialize)]
pub struct AssignmentForm {
    #[serde(default)]
    mode: String,
    #[serde(default)]
    limit: String,
}

async fn save(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<AssignmentForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let mode = Mode::parse(&form.mode).ok_or_else(|| "Choose off or round-robin.".to_string());
    let limit = assignment::parse_limit(&form.limit);
    let (mode, limit) = match (mode, limit) {
        (Ok(mode), Ok(limit)) => (mode, limit),
        (mode, limit) => {
            let (available, waiting) = db::run(&state.pool, move |conn| right_now(conn, workspace_id)).await?;
            let shell = Shell::load(&state, &member, csrf, Nav::Settings, None).await?;
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AssignmentPage {
                    shell,
                    modes: Mode::ALL,
                    mode: form.mode,
                    limit: form.limit,
                    mode_error: mode.err(),
                    limit_error: limit.err(),
                    available,
                    waiting,
                },
            );
        }
    };
    let settings = AssignmentSettings { mode, limit };
    let actor = member.actor();
    let detail = settings.describe();
    db::run(&state.pool, move |conn| {
        audit::recorded(conn, workspace_id, &actor, "assignment.saved", &detail, |conn| settings.save(conn, workspace_id))
    })
    .await?;
    // Turned on, or a higher limit: conversations waiting may be given now.
    state.assignment.workspace(workspace_id);
    Ok(see_other(&format!("/app/{workspace_id}/settings/assignment?notice=assignment_saved")))
}
