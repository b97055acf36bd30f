//! The account page: who you are, whether your email is confirmed, and where you are signed in
//! (each device can be signed out, or all at once).

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::auth::EmptyForm;
use crate::web::{Nav, NoticeQuery, Shell};
use crate::{
    auth::{
        CsrfForm, CsrfToken, CurrentUser,
        session::{self, Session},
        users::{TokenPurpose, UserToken},
    },
    db::{self, SessionId},
    email,
    error::AppError,
    state::AppState,
    web::{render, safe_next, see_other},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/account", web::get().to(account))
        .route("/app/account/sessions/revoke-all", web::post().to(revoke_all_sessions))
        .route("/app/account/sessions/{session_id}/revoke", web::post().to(revoke_session))
        .route("/app/account/verify-email", web::post().to(resend_verification));
}

pub struct SessionRow {
    pub id: SessionId,
    pub device: String,
    pub ip: String,
    pub signed_in: String,
    pub last_seen: String,
    pub is_current: bool,
}

#[derive(Template)]
#[template(path = "app/account.html")]
struct AccountPage {
    shell: Shell,
    sessions: Vec<SessionRow>,
}

fn describe_date(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

/// A short, readable device name from a user agent ("Chrome on Mac OSX").
fn describe_device(user_agent: &str) -> String {
    match woothee::parser::Parser::new().parse(user_agent) {
        Some(parsed) if parsed.name != "UNKNOWN" && parsed.os != "UNKNOWN" => format!("{} on {}", parsed.name, parsed.os),
        Some(parsed) if parsed.name != "UNKNOWN" => parsed.name.to_string(),
        _ if user_agent.is_empty() => "Unknown device".into(),
        _ => user_agent.chars().take(60).collect(),
    }
}

async fn account(
    state: web::Data<AppState>,
    current: CurrentUser,
    csrf: CsrfToken,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let user_id = current.user.id;
    let sessions = db::run(&state.pool, move |conn| Session::list_for_user(conn, user_id)).await?;
    let sessions = sessions
        .into_iter()
        .map(|s| SessionRow {
            id: s.id,
            device: describe_device(&s.user_agent),
            ip: s.ip,
            signed_in: describe_date(s.created_at),
            last_seen: describe_date(s.last_seen_at),
            is_current: s.id == current.session_id,
        })
        .collect();
    let mut shell = Shell::load_for_user(&state, &current, csrf, Nav::Account, query.notice.as_deref()).await?;
    // Keep the navigation of the user's first workspace, so the way back is one click.
    shell.current = shell.workspaces.first().cloned();
    render(StatusCode::OK, &AccountPage { shell, sessions })
}

async fn revoke_session(
    state: web::Data<AppState>,
    current: CurrentUser,
    session_id: web::Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let session_id: SessionId = session_id.parse().map_err(|_| AppError::NotFound)?;
    let user_id = current.user.id;
    db::run(&state.pool, move |conn| Session::revoke(conn, user_id, session_id)).await?;
    state.realtime.revoke(session::signed_out([session_id]));
    if session_id == current.session_id {
        let mut response = see_other("/login?notice=signed_out");
        response.add_cookie(&session::removal_cookie(state.settings.cookies_secure())).map_err(AppError::internal)?;
        return Ok(response);
    }
    Ok(see_other("/app/account?notice=session_revoked"))
}

/// Signs out every device, this one included.
async fn revoke_all_sessions(
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let user_id = current.user.id;
    let ended = db::run(&state.pool, move |conn| Session::revoke_all(conn, user_id, None)).await?;
    tracing::info!(user.id = %user_id, sessions = ended.len(), "signed out everywhere");
    state.realtime.revoke(session::signed_out(ended));
    let mut response = see_other("/login?notice=signed_out_everywhere");
    response.add_cookie(&session::removal_cookie(state.settings.cookies_secure())).map_err(AppError::internal)?;
    Ok(response)
}

#[derive(Deserialize)]
pub struct ResendForm {
    next: Option<String>,
}

async fn resend_verification(
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(form): CsrfForm<ResendForm>,
) -> Result<HttpResponse, AppError> {
    let back = safe_next(form.next.as_deref());
    if current.user.is_verified() {
        return Ok(see_other(&back));
    }
    state.limiters.verify_resend_per_account.check(&current.user.id.to_string())?;
    let user_id = current.user.id;
    let token = db::run(&state.pool, move |conn| UserToken::issue(conn, user_id, TokenPurpose::VerifyEmail)).await?;
    let link = format!("{}/verify-email/{token}", state.settings.public_base());
    state.mailer.send_later(email::verify_email(&current.user.email, &current.user.name, link)?);
    let separator = if back.contains('?') { '&' } else { '?' };
    Ok(see_other(&format!("{back}{separator}notice=verification_sent")))
}

#[cfg(test)]
mod tests {
    use super::describe_device;

    #[test]
    fn devices_are_named_from_user_agents() {
        let chrome_mac =
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
        assert_eq!(describe_device(chrome_mac), "Chrome on Mac OSX");
        assert_eq!(describe_device(""), "Unknown device");
    }
}
