//! The account page: your profile (name, avatar, password, time zone, language), your email address
//! (whether it is confirmed, and a change to a new one, confirmed by a link:
//! [`crate::auth::email_change`]), and where you are signed in (each device can be signed out,
//! or all at once).
//!
//! A user belongs to many workspaces, so these changes are account-wide and stay out of the
//! per-workspace audit log.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use secrecy::SecretString;
use serde::Deserialize;
use time::OffsetDateTime;

mod avatar;

use crate::auth::EmptyForm;
use crate::web::{Nav, NoticeQuery, Shell};
use crate::{
    auth::{
        CsrfForm, CsrfToken, CurrentUser, email_change, password,
        session::{self, Session},
        users::{EMAIL_TAKEN, PendingEmailChange, TokenPurpose, User, UserToken, validate_name},
    },
    db::{self, SessionId},
    email,
    error::AppError,
    state::AppState,
    web::{client_ip, render, safe_next, see_other},
    workspaces::availability::validate_time_zone,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/account", web::get().to(account))
        .route("/app/account/sessions/revoke-all", web::post().to(revoke_all_sessions))
        .route("/app/account/sessions/{session_id}/revoke", web::post().to(revoke_session))
        .route("/app/account/verify-email", web::post().to(resend_verification))
        .route("/app/account/name", web::post().to(save_name))
        .route("/app/account/password", web::post().to(change_password))
        .route("/app/account/time-zone", web::post().to(save_time_zone))
        .route("/app/account/language", web::post().to(save_language))
        .route("/app/account/email", web::post().to(request_email_change))
        .route("/app/account/email/cancel", web::post().to(cancel_email_change))
        .configure(avatar::configure);
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
    /// What the profile forms show: the stored values, or what was sent with an error.
    name: String,
    time_zone: String,
    zones: Vec<String>,
    /// What the new-address field shows: empty, or what was sent with an error.
    new_email: String,
    email_change: Option<PendingEmailChange>,
    errors: ProfileErrors,
    /// The largest avatar picture, as the form's hint and script state it.
    avatar_max_bytes: u64,
    avatar_max_label: String,
}

impl AccountPage {
    fn email_change_expires(&self) -> String {
        self.email_change.as_ref().map(|c| describe_date(c.expires_at)).unwrap_or_default()
    }

    /// The languages the console speaks, as (code, name in itself), for the language picker.
    fn languages(&self) -> Vec<(&'static str, &'static str)> {
        crate::i18n::Lang::console().map(|lang| (lang.code(), lang.native_name())).collect()
    }
}

/// One message per field, shown beside it.
#[derive(Default)]
struct ProfileErrors {
    name: Option<String>,
    current_password: Option<String>,
    new_password: Option<String>,
    time_zone: Option<String>,
    new_email: Option<String>,
    email_password: Option<String>,
    avatar: Option<String>,
    /// Already in the member's language: it never comes from code the API shares.
    language: Option<String>,
}

/// The profile form a refused request came from: its field keeps what was typed.
enum Refused {
    Name(String),
    TimeZone(String),
    Password,
    Email(String),
    Avatar,
    Language,
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
    let notice = query.notice.clone();
    page(state, current, csrf, notice.as_deref(), None, ProfileErrors::default()).await
}

async fn page(
    state: web::Data<AppState>,
    current: CurrentUser,
    csrf: CsrfToken,
    notice: Option<&str>,
    refused: Option<Refused>,
    errors: ProfileErrors,
) -> Result<HttpResponse, AppError> {
    let user_id = current.user.id;
    let (sessions, email_change) =
        db::run(&state.pool, move |conn| Ok((Session::list_for_user(conn, user_id)?, UserToken::pending_email_change(conn, user_id)?)))
            .await?;
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
    let mut name = current.user.name.clone();
    let mut time_zone = current.user.time_zone.clone().unwrap_or_default();
    let mut new_email = String::new();
    let status = match refused {
        None => StatusCode::OK,
        Some(Refused::Name(sent)) => {
            name = sent;
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Some(Refused::TimeZone(sent)) => {
            time_zone = sent;
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Some(Refused::Password | Refused::Avatar | Refused::Language) => StatusCode::UNPROCESSABLE_ENTITY,
        Some(Refused::Email(sent)) => {
            new_email = sent;
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    let mut shell = Shell::load_for_user(&state, &current, csrf, Nav::Account, notice).await?;
    // Keep the navigation of the user's first workspace, so the way back is one click.
    shell.current = shell.workspaces.first().cloned();
    let zones = super::availability::zones();
    let (avatar_max_bytes, avatar_max_label) = (crate::avatars::MAX_BYTES, crate::avatars::max_label());
    render(
        status,
        &AccountPage { shell, sessions, name, time_zone, zones, new_email, email_change, errors, avatar_max_bytes, avatar_max_label },
    )
}

#[derive(Deserialize)]
pub struct NameForm {
    #[serde(default)]
    name: String,
}

/// Renames the user; messages and the widget read the name at display time, so every past
/// reply shows the new one too.
async fn save_name(
    state: web::Data<AppState>,
    current: CurrentUser,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<NameForm>,
) -> Result<HttpResponse, AppError> {
    let name = match validate_name(&form.name) {
        Ok(name) => name,
        Err(error) => {
            let errors = ProfileErrors { name: Some(error), ..Default::default() };
            return page(state, current, csrf, None, Some(Refused::Name(form.name)), errors).await;
        }
    };
    let user_id = current.user.id;
    db::run(&state.pool, move |conn| User::set_name(conn, user_id, &name)).await?;
    Ok(see_other("/app/account?notice=name_saved"))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// Changes the password after checking the current one, and signs out every other device:
/// whoever knew the old password loses the sessions it opened.
async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let refuse = |errors: ProfileErrors| page(state.clone(), current.clone(), csrf.clone(), None, Some(Refused::Password), errors);
    // The current-password check is a password guess like a sign-in: same allowance.
    if state.limiters.login_per_ip.check(&client_ip(&req)).is_err() || state.limiters.login_per_account.check(&current.user.email).is_err()
    {
        tracing::warn!("password change rate limited");
        return refuse(ProfileErrors { current_password: Some(AppError::RateLimited.to_string()), ..Default::default() }).await;
    }
    let new_password = SecretString::from(form.new_password);
    let user_id = current.user.id;
    let stored = db::run(&state.pool, move |conn| User::password_hash(conn, user_id)).await?;
    if form.current_password.is_empty() || !password::verify(SecretString::from(form.current_password), Some(stored)).await? {
        return refuse(ProfileErrors { current_password: Some("That is not your current password.".into()), ..Default::default() }).await;
    }
    if let Err(error) = password::validate(&new_password) {
        return refuse(ProfileErrors { new_password: Some(error), ..Default::default() }).await;
    }
    let hash = password::hash(new_password).await?;
    let keep = current.session_id;
    let ended = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            User::set_password_hash(conn, user_id, &hash)?;
            Session::revoke_all(conn, user_id, Some(keep))
        })
    })
    .await?;
    tracing::info!(user.id = %user_id, sessions = ended.len(), "password changed");
    state.realtime.revoke(session::signed_out(ended));
    let link = format!("{}/password/forgot", state.settings.public_base());
    state.mailer.send_later(email::password_changed(current.user.tr(), &current.user.email, &current.user.name, link)?);
    Ok(see_other("/app/account?notice=password_changed"))
}

#[derive(Deserialize)]
pub struct EmailChangeForm {
    #[serde(default)]
    new_email: String,
    #[serde(default)]
    current_password: String,
}

/// Asks for a change of address: checks it and the current password, then mails the link to
/// the new address. Nothing changes until that link is used.
async fn request_email_change(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: CurrentUser,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<EmailChangeForm>,
) -> Result<HttpResponse, AppError> {
    let sent = form.new_email.clone();
    let refuse =
        |errors: ProfileErrors| page(state.clone(), current.clone(), csrf.clone(), None, Some(Refused::Email(sent.clone())), errors);
    // The current-password check is a password guess like a sign-in: same allowance.
    if state.limiters.login_per_ip.check(&client_ip(&req)).is_err() || state.limiters.login_per_account.check(&current.user.email).is_err()
    {
        tracing::warn!("email change rate limited");
        let errors = ProfileErrors { email_password: Some(AppError::RateLimited.to_string()), ..Default::default() };
        return refuse(errors).await.map(too_many_requests);
    }
    let mut errors = ProfileErrors::default();
    let new_email = email_change::validate_new_address(&current.user, &form.new_email).map_err(|e| errors.new_email = Some(e)).ok();
    let user_id = current.user.id;
    let stored = db::run(&state.pool, move |conn| User::password_hash(conn, user_id)).await?;
    if form.current_password.is_empty() || !password::verify(SecretString::from(form.current_password), Some(stored)).await? {
        errors.email_password = Some("That is not your current password.".into());
    }
    let Some(new_email) = new_email.filter(|_| errors.email_password.is_none()) else {
        return refuse(errors).await;
    };
    if email_change::address_taken(&state, &new_email).await? {
        return refuse(ProfileErrors { new_email: Some(EMAIL_TAKEN.into()), ..Default::default() }).await;
    }
    // Each request mails two addresses: counted only when it would.
    if state.limiters.email_change_per_account.check(&user_id.to_string()).is_err() {
        tracing::warn!("email change rate limited");
        let errors = ProfileErrors { new_email: Some(AppError::RateLimited.to_string()), ..Default::default() };
        return refuse(errors).await.map(too_many_requests);
    }
    email_change::request(&state, &current.user, &new_email).await?;
    Ok(see_other("/app/account?notice=email_change_sent"))
}

/// The account page refused for a rate limit answers 429 rather than 422.
fn too_many_requests(mut page: HttpResponse) -> HttpResponse {
    *page.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    page
}

async fn cancel_email_change(
    state: web::Data<AppState>,
    current: CurrentUser,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    email_change::cancel(&state, current.user.id).await?;
    Ok(see_other("/app/account?notice=email_change_cancelled"))
}

#[derive(Deserialize)]
pub struct TimeZoneForm {
    #[serde(default)]
    time_zone: String,
}

/// Saves the zone the console shows times in; an empty field goes back to the browser's zone.
async fn save_time_zone(
    state: web::Data<AppState>,
    current: CurrentUser,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<TimeZoneForm>,
) -> Result<HttpResponse, AppError> {
    let time_zone = if form.time_zone.trim().is_empty() {
        None
    } else {
        match validate_time_zone(&form.time_zone) {
            Ok(zone) => Some(zone),
            Err(error) => {
                let errors = ProfileErrors { time_zone: Some(error), ..Default::default() };
                return page(state, current, csrf, None, Some(Refused::TimeZone(form.time_zone)), errors).await;
            }
        }
    };
    let user_id = current.user.id;
    db::run(&state.pool, move |conn| User::set_time_zone(conn, user_id, time_zone.as_deref())).await?;
    Ok(see_other("/app/account?notice=time_zone_saved"))
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    language: String,
}

/// Saves the language the console and Parlor's emails to this member speak: one of
/// [`crate::i18n::CONSOLE_LANGUAGES`], anything else is refused and nothing changes.
async fn save_language(
    state: web::Data<AppState>,
    current: CurrentUser,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<LanguageForm>,
) -> Result<HttpResponse, AppError> {
    let Some(lang) = crate::i18n::Lang::from_code(form.language.trim()).filter(|lang| lang.is_console()) else {
        let errors = ProfileErrors { language: Some(current.user.tr().t("account-language-invalid")), ..Default::default() };
        return page(state, current, csrf, None, Some(Refused::Language), errors).await;
    };
    let user_id = current.user.id;
    db::run(&state.pool, move |conn| User::set_language(conn, user_id, lang.code())).await?;
    Ok(see_other("/app/account?notice=language_saved"))
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
    state.mailer.send_later(email::verify_email(current.user.tr(), &current.user.email, &current.user.name, link)?);
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
