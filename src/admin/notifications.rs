//! Settings, Notifications: each member (agents too) chooses, for each event, desktop
//! notifications, sounds and emails for themselves ([`crate::workspaces::notifications`]).
//!
//! Tenant rule: the page takes a [`Member`] and reads and writes only that member's own row in
//! the path's workspace; another workspace answers 404 before the handler runs.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;

use crate::{
    auth::{CsrfForm, CsrfToken, Member},
    db,
    error::AppError,
    state::AppState,
    web::{Nav, NoticeQuery, Shell, render, see_other},
    workspaces::notifications::{self, Channel, Event, Preferences},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/settings/notifications", web::get().to(page))
        .route("/app/{workspace_id}/settings/notifications", web::post().to(save));
}

#[derive(Template)]
#[template(path = "app/notifications.html")]
struct NotificationsPage {
    shell: Shell,
    events: [Event; 3],
    channels: [Channel; 3],
    chosen: Preferences,
}

impl NotificationsPage {
    fn field(&self, event: &Event, channel: &Channel) -> String {
        notifications::field_name(*event, *channel)
    }

    fn label(&self, event: &Event, channel: &Channel) -> String {
        notifications::choice_label(*event, *channel)
    }

    fn is_on(&self, event: &Event, channel: &Channel) -> bool {
        self.chosen.wants(*event, *channel)
    }
}

async fn page(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let (workspace_id, user_id) = (member.workspace_id(), member.current.user.id);
    let chosen = db::run(&state.pool, move |conn| Preferences::load(conn, workspace_id, user_id)).await?;
    let shell = Shell::load(&state, &member, csrf, Nav::Settings, query.notice.as_deref()).await?;
    render(StatusCode::OK, &NotificationsPage { shell, events: Event::ALL, channels: Channel::ALL, chosen })
}

/// Saves the whole table: a box left unticked turns its notification off.
async fn save(
    state: web::Data<AppState>,
    member: Member,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let (workspace_id, user_id) = (member.workspace_id(), member.current.user.id);
    let chosen = Preferences::from_form(&fields).map_err(AppError::bad_request)?;
    db::run(&state.pool, move |conn| chosen.save(conn, workspace_id, user_id)).await?;
    Ok(see_other(&format!("/app/{workspace_id}/settings/notifications?notice=notifications_saved")))
}
