//! The Team page: members and their roles, invitations by email, removing someone, leaving,
//! handing over ownership; and `/invitations/{token}`, where an invitee joins.
//!
//! Tenant rule: the page takes a [`Member`]; every change takes a [`WorkspaceAdmin`] (agents get
//! 403) except leaving, and the rules of [`team`] decide what an admin may do to an owner.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use askama::Template;
use secrecy::SecretString;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::EmptyForm;
use crate::realtime::revocation::Revocation;
use crate::web::{Nav, NoticeQuery, Shell};
use crate::{
    auth::{
        CsrfForm, CsrfToken, CurrentUser, Member, WorkspaceAdmin, password,
        session::{self, Session},
        users::{NewUser, User, normalize_email},
    },
    db::{self, UserId},
    email,
    error::AppError,
    state::AppState,
    web::{client_ip, render, see_other, user_agent},
    workspaces::{
        MemberListing, Role, Workspace, audit,
        team::{self, Invitation},
    },
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/team", web::get().to(page))
        .route("/app/{workspace_id}/team/invitations", web::post().to(invite))
        .route("/app/{workspace_id}/team/invitations/{id}/revoke", web::post().to(revoke_invitation))
        .route("/app/{workspace_id}/team/leave", web::post().to(leave))
        .route("/app/{workspace_id}/team/{user_id}/role", web::post().to(change_role))
        .route("/app/{workspace_id}/team/{user_id}/remove", web::post().to(remove))
        .route("/app/{workspace_id}/team/{user_id}/ownership", web::post().to(transfer_ownership))
        .route("/invitations/{token}", web::get().to(invitation_page))
        .route("/invitations/{token}", web::post().to(accept_invitation));
}

#[derive(Template)]
#[template(path = "app/team.html")]
struct TeamPage {
    shell: Shell,
    members: Vec<MemberListing>,
    invitations: Vec<Invitation>,
    can_manage: bool,
    is_owner: bool,
    email: String,
    error: Option<String>,
    /// With billing on: seats used (members and pending invitations) and the plan's seats.
    seats: Option<(i64, i64)>,
}

async fn team_page(
    state: &web::Data<AppState>,
    member: &Member,
    csrf: CsrfToken,
    notice: Option<&str>,
    email: String,
    error: Option<String>,
) -> Result<TeamPage, AppError> {
    let workspace_id = member.workspace_id();
    let can_manage = member.role.is_admin();
    let settings = state.settings.clone();
    let (members, invitations, seats) = db::run(&state.pool, move |conn| {
        let invitations = if can_manage { Invitation::pending(conn, workspace_id)? } else { Vec::new() };
        let seats = crate::billing::seats(conn, settings.stripe.as_ref(), workspace_id)?;
        Ok((Workspace::members(conn, workspace_id)?, invitations, seats))
    })
    .await?;
    let shell = Shell::load(state, member, csrf, Nav::Team, notice).await?;
    Ok(TeamPage { shell, members, invitations, can_manage, is_owner: member.role == Role::Owner, email, error, seats })
}

async fn page(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    render(StatusCode::OK, &team_page(&state, &member, csrf, query.notice.as_deref(), String::new(), None).await?)
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn invite(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let refuse = |message: String| (form.email.clone(), Some(message), StatusCode::UNPROCESSABLE_ENTITY);
    let outcome = match (normalize_email(&form.email), Role::from_choice(&form.role)) {
        (Err(message), _) => Err(refuse(message)),
        (_, None) | (_, Some(Role::Owner)) => Err(refuse("Choose admin or agent.".into())),
        (Ok(address), Some(role)) => {
            let inviter = member.current.user.id;
            let to = address.clone();
            let settings = state.settings.clone();
            let (actor, detail) = (member.actor(), format!("{address} as {}", role.as_str()));
            let created = db::run(&state.pool, move |conn| {
                audit::recorded(conn, workspace_id, &actor, "member.invited", &detail, |conn| {
                    crate::billing::ensure_seat_available(conn, settings.stripe.as_ref(), workspace_id, false)?;
                    Invitation::create(conn, workspace_id, &to, role, inviter)
                })
            })
            .await;
            match created {
                Ok((_, token)) => Ok((address, role, token)),
                Err(AppError::Conflict(message) | AppError::BadRequest(message)) => Err(refuse(message)),
                // Past the plan's seats: the page answers 402 with the way to upgrade.
                Err(AppError::PaymentRequired(message)) => Err((form.email.clone(), Some(message), StatusCode::PAYMENT_REQUIRED)),
                Err(other) => return Err(other),
            }
        }
    };
    match outcome {
        Ok((address, role, token)) => {
            let link = format!("{}/invitations/{token}", state.settings.public_base());
            let invitation =
                email::invitation(member.current.user.tr(), &address, &member.current.user.name, &member.workspace.name, role, link)?;
            state.mailer.send_later(invitation);
            Ok(see_other(&format!("/app/{workspace_id}/team?notice=invitation_sent")))
        }
        Err((email, error, status)) => {
            let page = team_page(&state, &member, csrf, None, email, error).await?;
            render(status, &page)
        }
    }
}

async fn revoke_invitation(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let id = path.1;
    let actor = member.actor();
    db::run(&state.pool, move |conn| {
        audit::recorded(conn, workspace_id, &actor, "member.invitation_revoked", "", |conn| Invitation::revoke(conn, workspace_id, id))
    })
    .await?;
    Ok(see_other(&format!("/app/{workspace_id}/team?notice=invitation_revoked")))
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

async fn change_role(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let (actor, target) = (member.role, UserId(path.1));
    let role = Role::from_choice(&form.role).ok_or_else(|| AppError::bad_request("Choose owner, admin or agent."))?;
    let by = member.actor();
    db::run(&state.pool, move |conn| {
        audit::recorded(conn, workspace_id, &by, "member.role_changed", &format!("{target} to {}", role.as_str()), |conn| {
            team::change_role(conn, workspace_id, actor, target, role)
        })
    })
    .await?;
    Ok(see_other(&format!("/app/{workspace_id}/team?notice=role_changed")))
}

/// Takes someone out: their membership goes, their sessions end and their sockets here close.
async fn remove(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let (actor, target) = (member.role, UserId(path.1));
    if target == member.current.user.id {
        return Err(AppError::bad_request("To leave the workspace yourself, use Leave."));
    }
    let by = member.actor();
    db::run(&state.pool, move |conn| {
        audit::recorded(conn, workspace_id, &by, "member.removed", &target.to_string(), |conn| {
            team::remove(conn, workspace_id, actor, target)?;
            Session::revoke_all(conn, target, None)
        })
    })
    .await?;
    state.realtime.revoke(Revocation::Member(workspace_id, target));
    tracing::info!(workspace.id = %workspace_id, user.id = %target.0, "member removed");
    Ok(see_other(&format!("/app/{workspace_id}/team?notice=member_removed")))
}

async fn leave(state: web::Data<AppState>, member: Member, CsrfForm(_): CsrfForm<EmptyForm>) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let (role, me) = (member.role, member.current.user.id);
    let by = member.actor();
    db::run(&state.pool, move |conn| {
        audit::recorded(conn, workspace_id, &by, "member.left", "", |conn| team::remove(conn, workspace_id, role, me))
    })
    .await?;
    state.realtime.revoke(Revocation::Member(workspace_id, me));
    Ok(see_other("/app?notice=left_workspace"))
}

async fn transfer_ownership(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let (owner, target) = (member.current.user.id, UserId(path.1));
    let by = member.actor();
    db::run(&state.pool, move |conn| {
        audit::recorded(conn, workspace_id, &by, "member.ownership_transferred", &target.to_string(), |conn| {
            team::transfer_ownership(conn, workspace_id, owner, target)
        })
    })
    .await?;
    Ok(see_other(&format!("/app/{workspace_id}/team?notice=ownership_transferred")))
}

#[derive(Template)]
#[template(path = "auth/invitation.html")]
struct InvitationPage {
    tr: crate::i18n::Tr,
    csrf: CsrfToken,
    token: String,
    workspace_name: String,
    email: String,
    role: String,
    signed_in_as: Option<String>,
    name: String,
    error: Option<String>,
}

async fn invitation_page(
    state: web::Data<AppState>,
    current: Option<CurrentUser>,
    csrf: CsrfToken,
    tr: crate::i18n::Tr,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let lookup = token.clone();
    let (invitation, workspace_name) =
        db::run(&state.pool, move |conn| Invitation::find_by_token(conn, &lookup)).await?.ok_or(AppError::NotFound)?;
    let page = InvitationPage {
        tr,
        csrf,
        token,
        workspace_name,
        email: invitation.email,
        role: invitation.role,
        signed_in_as: current.map(|c| c.user.email),
        name: String::new(),
        error: None,
    };
    render(StatusCode::OK, &page)
}

#[derive(Deserialize)]
pub struct AcceptForm {
    /// For someone new to Parlor: the account to create with the invited address.
    name: Option<String>,
    password: Option<String>,
}

/// Joins the workspace: as the signed-in user, or with a new account for the invited address
/// (confirmed by the link itself, which only that address received).
async fn accept_invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    current: Option<CurrentUser>,
    csrf: CsrfToken,
    tr: crate::i18n::Tr,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    if let Some(current) = current {
        let user_id = current.user.id;
        let settings = state.settings.clone();
        let workspace_id = db::run(&state.pool, move |conn| Invitation::accept(conn, &token, user_id, settings.stripe.as_ref())).await?;
        return Ok(see_other(&format!("/app/{workspace_id}?notice=joined_workspace")));
    }
    if state.limiters.signup_per_ip.check(&client_ip(&req)).is_err() {
        return Err(AppError::RateLimited);
    }
    let lookup = token.clone();
    let (invitation, workspace_name) =
        db::run(&state.pool, move |conn| Invitation::find_by_token(conn, &lookup)).await?.ok_or(AppError::NotFound)?;
    let name = form.name.unwrap_or_default().trim().to_string();
    let password = SecretString::from(form.password.unwrap_or_default());
    let error = if name.is_empty() || name.chars().count() > 100 {
        Some("Enter your name (at most 100 characters).".to_string())
    } else {
        password::validate(&password).err()
    };
    if let Some(error) = error {
        let page = InvitationPage {
            tr,
            csrf,
            token,
            workspace_name,
            email: invitation.email,
            role: invitation.role,
            signed_in_as: None,
            name,
            error: Some(error),
        };
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let password_hash = password::hash(password).await?;
    let (agent, ip) = (user_agent(&req), client_ip(&req));
    let language = tr.lang();
    let email_address = invitation.email.clone();
    let settings = state.settings.clone();
    let created = db::run(&state.pool, move |conn| {
        use diesel::Connection;
        conn.transaction(|conn| {
            let user = User::insert(
                conn,
                &NewUser { id: UserId::new(), name: &name, email: &email_address, password_hash: &password_hash, language },
            )?;
            User::mark_verified(conn, user.id)?;
            let workspace_id = Invitation::accept(conn, &token, user.id, settings.stripe.as_ref())?;
            let session_token = Session::create(conn, user.id, &agent, &ip)?;
            Ok((workspace_id, session_token))
        })
    })
    .await;
    let (workspace_id, session_token) = match created {
        Ok(created) => created,
        Err(AppError::Conflict(_)) => {
            return Err(AppError::Conflict("An account with this email already exists: sign in, then open the link again.".into()));
        }
        Err(other) => return Err(other),
    };
    let mut response = see_other(&format!("/app/{workspace_id}?notice=joined_workspace"));
    response.add_cookie(&session::session_cookie(session_token, state.settings.cookies_secure())).map_err(AppError::internal)?;
    Ok(response)
}
