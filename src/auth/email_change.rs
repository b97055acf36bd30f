//! Changing a user's email address: the rules for the new address, the link mailed to it with
//! the notices to the current one, and the page that link opens, signed in on that browser or not.
//! The account page ([`crate::admin::account`]) asks for a change and cancels it.
//!
//! The address changes only when the link is used, so a typo or a mailbox someone else reads
//! leaves the account where it was. The link opens a page with a button rather than changing
//! the address at once: mail scanners that open every link confirm nothing.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;

use super::{
    CsrfForm, CsrfToken, CurrentUser, EmptyForm,
    routes::LinkInvalidPage,
    users::{TokenPurpose, User, UserToken, normalize_email},
};
use crate::{
    db::{self, UserId},
    email,
    error::AppError,
    state::AppState,
    web::{render, see_other},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/email-change/{token}", web::get().to(confirm_form)).route("/email-change/{token}", web::post().to(confirm));
}

/// Checks the address `user` asks to move to; the message is shown beside the field.
pub fn validate_new_address(user: &User, raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Err("Enter the new email address.".into());
    }
    let email = normalize_email(raw)?;
    if email == user.email {
        return Err("That is already your email address.".into());
    }
    Ok(email)
}

/// Whether another account has `email` now; the unique index checks again when the link is used.
pub async fn address_taken(state: &AppState, email: &str) -> Result<bool, AppError> {
    let email = email.to_string();
    Ok(db::run(&state.pool, move |conn| User::find_by_email(conn, &email)).await?.is_some())
}

/// Replaces any change still waiting with one to `new_email`, mails its link to the new
/// address and tells the current address, whose owner can still cancel it.
pub async fn request(state: &AppState, user: &User, new_email: &str) -> Result<(), AppError> {
    let (user_id, address) = (user.id, new_email.to_string());
    let token = db::run(&state.pool, move |conn| UserToken::issue_email_change(conn, user_id, &address)).await?;
    let base = state.settings.public_base();
    state.mailer.send_later(email::email_change_confirm(user.tr(), new_email, &user.name, format!("{base}/email-change/{token}"))?);
    let (account_link, reset_link) = (format!("{base}/app/account"), format!("{base}/password/forgot"));
    state.mailer.send_later(email::email_change_requested(user.tr(), &user.email, &user.name, new_email, account_link, &reset_link)?);
    tracing::info!(user.id = %user_id, "email change asked for");
    Ok(())
}

/// Withdraws the change waiting for `user_id`: its link stops working.
pub async fn cancel(state: &AppState, user_id: UserId) -> Result<(), AppError> {
    db::run(&state.pool, move |conn| UserToken::revoke_all(conn, user_id, TokenPurpose::ChangeEmail)).await
}

#[derive(Template)]
#[template(path = "auth/email_change.html")]
struct EmailChangePage {
    tr: crate::i18n::Tr,
    csrf: CsrfToken,
    step: Step,
}

enum Step {
    /// The link is good: one button to make `new_email` the account's address.
    Confirm { token: String, new_email: String },
    /// Done, for a browser not signed in to that account.
    Changed { new_email: String },
    /// Another account took the address between the request and the link.
    Taken { new_email: String },
}

fn link_invalid(tr: crate::i18n::Tr) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::GONE,
        &LinkInvalidPage {
            tr,
            what: tr.t("link-invalid-email-change"),
            retry_href: "/app/account",
            retry_label: tr.t("link-invalid-email-change-retry"),
        },
    )
}

async fn confirm_form(
    state: web::Data<AppState>,
    csrf: CsrfToken,
    tr: crate::i18n::Tr,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let lookup = token.clone();
    let Some((_, new_email)) = db::run(&state.pool, move |conn| UserToken::peek_email_change(conn, &lookup)).await? else {
        return link_invalid(tr);
    };
    render(StatusCode::OK, &EmailChangePage { tr, csrf, step: Step::Confirm { token, new_email } })
}

enum Outcome {
    Invalid,
    Taken(String),
    Changed { user: User, new_email: String },
}

/// Uses the link up and moves the account to its address. Links mailed to the former address
/// (password reset, confirmation) stop working with it.
async fn confirm(
    state: web::Data<AppState>,
    current: Option<CurrentUser>,
    csrf: CsrfToken,
    tr: crate::i18n::Tr,
    token: web::Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let outcome = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            let Some((user_id, new_email)) = UserToken::consume_email_change(conn, &token)? else { return Ok(Outcome::Invalid) };
            let user = User::find(conn, user_id)?;
            // A savepoint: losing the address to another account keeps the link used up.
            match conn.transaction(|conn| User::set_confirmed_email(conn, user_id, &new_email)) {
                Ok(()) => {}
                Err(AppError::Conflict(_)) => return Ok(Outcome::Taken(new_email)),
                Err(other) => return Err(other),
            }
            UserToken::revoke_all(conn, user_id, TokenPurpose::ResetPassword)?;
            UserToken::revoke_all(conn, user_id, TokenPurpose::VerifyEmail)?;
            Ok(Outcome::Changed { user, new_email })
        })
    })
    .await?;
    let (user, new_email) = match outcome {
        Outcome::Invalid => return link_invalid(tr),
        Outcome::Taken(new_email) => {
            tracing::info!("email change refused: the address was taken meanwhile");
            return render(StatusCode::CONFLICT, &EmailChangePage { tr, csrf, step: Step::Taken { new_email } });
        }
        Outcome::Changed { user, new_email } => (user, new_email),
    };
    tracing::info!(user.id = %user.id, "email changed");
    state.mailer.send_later(email::email_changed(user.tr(), &user.email, &user.name, &new_email)?);
    if current.is_some_and(|c| c.user.id == user.id) {
        return Ok(see_other("/app/account?notice=email_changed"));
    }
    render(StatusCode::OK, &EmailChangePage { tr, csrf, step: Step::Changed { new_email } })
}
