//! The account pages people type or bookmark: `/signup`, `/login`, `/password/forgot`, the
//! links mailed to them (the email-change link's page lives in [`super::email_change`]), and
//! sign-out.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use secrecy::SecretString;
use serde::Deserialize;

use super::csrf::EmptyForm;
use super::{
    csrf::{CsrfForm, CsrfToken},
    password,
    session::{self, CurrentUser, Session},
    users::{NewUser, TokenPurpose, User, UserToken, normalize_email, validate_name},
};
use crate::{
    db::{self, UserId},
    email,
    error::AppError,
    i18n::Tr,
    state::AppState,
    web::{client_ip, notice_text, render, safe_next, see_other, user_agent},
    workspaces::{self, Workspace},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/signup", web::get().to(signup_form))
        .route("/signup", web::post().to(signup))
        .route("/login", web::get().to(login_form))
        .route("/login", web::post().to(login))
        .route("/logout", web::post().to(logout))
        .route("/password/forgot", web::get().to(forgot_form))
        .route("/password/forgot", web::post().to(forgot))
        .route("/password/reset/{token}", web::get().to(reset_form))
        .route("/password/reset/{token}", web::post().to(reset))
        .route("/verify-email/{token}", web::get().to(verify_email))
        .configure(super::email_change::configure);
}

#[derive(Default)]
struct SignupErrors {
    form: Option<String>,
    name: Option<String>,
    email: Option<String>,
    password: Option<String>,
    workspace_name: Option<String>,
}

impl SignupErrors {
    fn any(&self) -> bool {
        self.form.is_some() || self.name.is_some() || self.email.is_some() || self.password.is_some() || self.workspace_name.is_some()
    }
}

#[derive(Deserialize, Default)]
pub struct SignupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    workspace_name: String,
}

#[derive(Template)]
#[template(path = "auth/signup.html")]
struct SignupPage<'a> {
    tr: Tr,
    csrf: CsrfToken,
    form: &'a SignupForm,
    errors: SignupErrors,
}

async fn signup_form(current: Option<CurrentUser>, csrf: CsrfToken, tr: Tr) -> Result<HttpResponse, AppError> {
    if current.is_some() {
        return Ok(see_other("/app"));
    }
    render(StatusCode::OK, &SignupPage { tr, csrf, form: &SignupForm::default(), errors: SignupErrors::default() })
}

async fn signup(
    req: HttpRequest,
    state: web::Data<AppState>,
    csrf: CsrfToken,
    tr: Tr,
    CsrfForm(form): CsrfForm<SignupForm>,
) -> Result<HttpResponse, AppError> {
    if state.limiters.signup_per_ip.check(&client_ip(&req)).is_err() {
        let errors = SignupErrors { form: Some(AppError::RateLimited.to_string()), ..Default::default() };
        return render(StatusCode::TOO_MANY_REQUESTS, &SignupPage { tr, csrf, form: &form, errors });
    }
    let mut errors = SignupErrors::default();
    let name = validate_name(&form.name).map_err(|e| errors.name = Some(e)).unwrap_or_default();
    let email = normalize_email(&form.email).map_err(|e| errors.email = Some(e)).ok();
    let password = SecretString::from(form.password.clone());
    if let Err(e) = password::validate(&password) {
        errors.password = Some(e);
    }
    let workspace_name = workspaces::validate_name(&form.workspace_name).map_err(|e| errors.workspace_name = Some(e)).ok();
    let (Some(email), Some(workspace_name), false) = (email, workspace_name, errors.any()) else {
        return render(StatusCode::UNPROCESSABLE_ENTITY, &SignupPage { tr, csrf, form: &form, errors });
    };

    let password_hash = password::hash(password).await?;
    let (agent, ip) = (user_agent(&req), client_ip(&req));
    let language = tr.lang();
    let (user_email, user_name) = (email.clone(), name.clone());
    let created = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            let user =
                User::insert(conn, &NewUser { id: UserId::new(), name: &name, email: &email, password_hash: &password_hash, language })?;
            let workspace = Workspace::create_with_owner(conn, &workspace_name, user.id)?;
            let session_token = Session::create(conn, user.id, &agent, &ip)?;
            let verify_token = UserToken::issue(conn, user.id, TokenPurpose::VerifyEmail)?;
            Ok((workspace, session_token, verify_token))
        })
    })
    .await;
    let (workspace, session_token, verify_token) = match created {
        Ok(created) => created,
        Err(AppError::Conflict(_)) => {
            let errors = SignupErrors {
                email: Some("An account with this email already exists. Sign in, or reset your password.".into()),
                ..Default::default()
            };
            return render(StatusCode::CONFLICT, &SignupPage { tr, csrf, form: &form, errors });
        }
        Err(other) => return Err(other),
    };
    tracing::info!(workspace.id = %workspace.id, "signed up");
    let link = format!("{}/verify-email/{verify_token}", state.settings.public_base());
    state.mailer.send_later(email::verify_email(crate::i18n::Tr::from_code(language), &user_email, &user_name, link)?);
    let mut response = see_other(&format!("/app/{}?welcome=1", workspace.id));
    response.add_cookie(&session::session_cookie(session_token, state.settings.cookies_secure())).map_err(AppError::internal)?;
    Ok(response)
}

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage<'a> {
    tr: Tr,
    csrf: CsrfToken,
    email: &'a str,
    next: String,
    error: Option<String>,
    notice: Option<String>,
}

async fn login_form(
    current: Option<CurrentUser>,
    csrf: CsrfToken,
    tr: Tr,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(query.next.as_deref());
    if current.is_some() {
        return Ok(see_other(&next));
    }
    render(StatusCode::OK, &LoginPage { tr, csrf, email: "", next, error: None, notice: notice_text(tr, query.notice.as_deref()) })
}

async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    csrf: CsrfToken,
    tr: Tr,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let next = safe_next(form.next.as_deref());
    let email = form.email.trim().to_lowercase();
    let page = |status, error: String| {
        render(status, &LoginPage { tr, csrf: csrf.clone(), email: &form.email, next: next.clone(), error: Some(error), notice: None })
    };
    if email.is_empty() || form.password.is_empty() {
        return page(StatusCode::UNPROCESSABLE_ENTITY, "Enter your email and password.".into());
    }
    if state.limiters.login_per_ip.check(&client_ip(&req)).is_err() || state.limiters.login_per_account.check(&email).is_err() {
        tracing::warn!("sign-in rate limited");
        return page(StatusCode::TOO_MANY_REQUESTS, AppError::RateLimited.to_string());
    }
    let lookup_email = email.clone();
    let found = db::run(&state.pool, move |conn| User::find_with_password_hash(conn, &lookup_email)).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let password_ok = password::verify(SecretString::from(form.password.clone()), hash).await?;
    let Some(user) = user.filter(|_| password_ok) else {
        return page(StatusCode::UNAUTHORIZED, "Incorrect email or password.".into());
    };
    let (agent, ip, user_id) = (user_agent(&req), client_ip(&req), user.id);
    let token = db::run(&state.pool, move |conn| Session::create(conn, user_id, &agent, &ip)).await?;
    tracing::info!(user.id = %user.id, "signed in");
    let mut response = see_other(&next);
    response.add_cookie(&session::session_cookie(token, state.settings.cookies_secure())).map_err(AppError::internal)?;
    Ok(response)
}

async fn logout(
    state: web::Data<AppState>,
    current: Option<CurrentUser>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    if let Some(current) = current {
        let (user_id, session_id) = (current.user.id, current.session_id);
        // Already gone (revoked elsewhere) is as good as signed out.
        match db::run(&state.pool, move |conn| Session::revoke(conn, user_id, session_id)).await {
            Ok(()) | Err(AppError::NotFound) => {}
            Err(other) => return Err(other),
        }
        state.realtime.revoke(super::session::signed_out([session_id]));
    }
    let mut response = see_other("/login?notice=signed_out");
    response.add_cookie(&session::removal_cookie(state.settings.cookies_secure())).map_err(AppError::internal)?;
    Ok(response)
}

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct ForgotPage<'a> {
    tr: Tr,
    csrf: CsrfToken,
    email: &'a str,
    error: Option<String>,
    sent_to: Option<&'a str>,
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

async fn forgot_form(csrf: CsrfToken, tr: Tr) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &ForgotPage { tr, csrf, email: "", error: None, sent_to: None })
}

/// Answers the same for a known and an unknown email; the work happens in the background.
async fn forgot(
    req: HttpRequest,
    state: web::Data<AppState>,
    csrf: CsrfToken,
    tr: Tr,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let email = match normalize_email(&form.email) {
        Ok(email) => email,
        Err(error) => {
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ForgotPage { tr, csrf, email: &form.email, error: Some(error), sent_to: None },
            );
        }
    };
    if state.limiters.reset_per_ip.check(&client_ip(&req)).is_err() || state.limiters.reset_per_account.check(&email).is_err() {
        let error = Some(AppError::RateLimited.to_string());
        return render(StatusCode::TOO_MANY_REQUESTS, &ForgotPage { tr, csrf, email: &form.email, error, sent_to: None });
    }
    let background_state = state.clone();
    let background_email = email.clone();
    actix_web::rt::spawn(async move {
        if let Err(error) = send_reset_link(background_state, background_email).await {
            tracing::error!(error = ?error, "password reset email not sent");
        }
    });
    render(StatusCode::OK, &ForgotPage { tr, csrf, email: "", error: None, sent_to: Some(&email) })
}

async fn send_reset_link(state: web::Data<AppState>, email: String) -> Result<(), AppError> {
    let lookup = email.clone();
    let issued = db::run(&state.pool, move |conn| {
        let Some(user) = User::find_by_email(conn, &lookup)? else { return Ok(None) };
        let token = UserToken::issue(conn, user.id, TokenPurpose::ResetPassword)?;
        Ok(Some((user, token)))
    })
    .await?;
    let Some((user, token)) = issued else {
        tracing::info!("password reset asked for an unknown email");
        return Ok(());
    };
    let link = format!("{}/password/reset/{token}", state.settings.public_base());
    state.mailer.send(email::reset_password(user.tr(), &user.email, &user.name, link)?).await.map_err(AppError::internal)
}

#[derive(Template)]
#[template(path = "auth/reset.html")]
struct ResetPage {
    tr: Tr,
    csrf: CsrfToken,
    token: String,
    error: Option<String>,
}

/// The page of a mailed link that expired, was used, or never existed.
#[derive(Template)]
#[template(path = "auth/link_invalid.html")]
pub(super) struct LinkInvalidPage {
    pub tr: Tr,
    pub what: String,
    pub retry_href: &'static str,
    pub retry_label: String,
}

fn reset_link_invalid(tr: Tr) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::GONE,
        &LinkInvalidPage {
            tr,
            what: tr.t("link-invalid-reset"),
            retry_href: "/password/forgot",
            retry_label: tr.t("link-invalid-reset-retry"),
        },
    )
}

async fn reset_form(state: web::Data<AppState>, csrf: CsrfToken, tr: Tr, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let lookup = token.clone();
    let valid = db::run(&state.pool, move |conn| UserToken::peek(conn, &lookup, TokenPurpose::ResetPassword)).await?;
    if valid.is_none() {
        return reset_link_invalid(tr);
    }
    render(StatusCode::OK, &ResetPage { tr, csrf, token, error: None })
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

/// Sets the new password, uses the link up, signs out every session and signs this browser in.
async fn reset(
    req: HttpRequest,
    state: web::Data<AppState>,
    csrf: CsrfToken,
    tr: Tr,
    token: web::Path<String>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let password = SecretString::from(form.password);
    if let Err(error) = password::validate(&password) {
        return render(StatusCode::UNPROCESSABLE_ENTITY, &ResetPage { tr, csrf, token, error: Some(error) });
    }
    let hash = password::hash(password).await?;
    let (agent, ip) = (user_agent(&req), client_ip(&req));
    let session_token = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            let Some(user_id) = UserToken::consume(conn, &token, TokenPurpose::ResetPassword)? else { return Ok(None) };
            User::set_password_hash(conn, user_id, &hash)?;
            // Whoever reads the mailbox owns the address.
            User::mark_verified(conn, user_id)?;
            let ended = Session::revoke_all(conn, user_id, None)?;
            Ok(Some((Session::create(conn, user_id, &agent, &ip)?, ended)))
        })
    })
    .await?;
    let Some((session_token, ended)) = session_token else {
        return reset_link_invalid(tr);
    };
    state.realtime.revoke(super::session::signed_out(ended));
    let mut response = see_other("/app?notice=password_reset");
    response.add_cookie(&session::session_cookie(session_token, state.settings.cookies_secure())).map_err(AppError::internal)?;
    Ok(response)
}

async fn verify_email(
    state: web::Data<AppState>,
    current: Option<CurrentUser>,
    tr: Tr,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let verified = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            let Some(user_id) = UserToken::consume(conn, &token, TokenPurpose::VerifyEmail)? else { return Ok(false) };
            User::mark_verified(conn, user_id)?;
            Ok(true)
        })
    })
    .await?;
    if !verified {
        return render(
            StatusCode::GONE,
            &LinkInvalidPage {
                tr,
                what: tr.t("link-invalid-confirmation"),
                retry_href: "/app/account",
                retry_label: tr.t("link-invalid-confirmation-retry"),
            },
        );
    }
    Ok(see_other(if current.is_some() { "/app?notice=email_verified" } else { "/login?notice=email_verified" }))
}
