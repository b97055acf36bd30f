//! `/api/v1/invitations`: inviting someone to the workspace by email, as the key's creator.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{AdminKey, Object, actor, openapi};
use crate::{db, error::AppError, state::AppState, workspaces::Workspace};

/// The role an invitee gets (ownership is handed over once they have joined).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum InviteRole {
    Agent,
    Admin,
}

impl InviteRole {
    fn role(self) -> crate::workspaces::Role {
        match self {
            Self::Agent => crate::workspaces::Role::Agent,
            Self::Admin => crate::workspaces::Role::Admin,
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvitation {
    #[schema(format = Email, max_length = 254)]
    email: String,
    role: InviteRole,
}

/// An invitation that was sent.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InvitationJson {
    id: Uuid,
    /// As stored: trimmed and lowercase.
    #[schema(format = Email)]
    email: String,
    role: InviteRole,
    /// The link works until then, once.
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
}

/// `POST /api/v1/invitations`: invites someone to the workspace by email, as the key's creator
/// (an admin: the key needs the `admin` scope). Past the plan's paid seats: 402 with what to do.
#[utoipa::path(post, path = "/api/v1/invitations", tag = "team", request_body = NewInvitation, security(("api_key" = ["admin"])),
    responses((status = 201, description = "The invitation email is on its way", body = InvitationJson),
        (status = 400, description = "The body does not fit the schema", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 402, description = "No seat left on the plan: upgrade in Billing", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `admin` scope, or its creator is no longer an owner or admin", body = openapi::ErrorBody),
        (status = 409, description = "Already a member, or too many invitations are waiting", body = openapi::ErrorBody),
        (status = 413, description = "The body is larger than 64 KiB", body = openapi::ErrorBody)))]
pub(super) async fn invite(
    state: web::Data<AppState>,
    AdminKey(key): AdminKey,
    body: web::Json<Object<NewInvitation>>,
) -> Result<HttpResponse, AppError> {
    use crate::{auth::users::normalize_email, conversations::Author, workspaces::team::Invitation};
    let Object(NewInvitation { email, role }) = body.into_inner();
    if email.chars().count() > 254 {
        return Err(AppError::bad_request("email is at most 254 characters."));
    }
    let address = normalize_email(&email).map_err(AppError::BadRequest)?;
    let Some(Author::Agent { user_id, name: inviter, .. }) = key.author.clone() else { return Err(AppError::SignInRequired) };
    let (workspace_id, settings, to, actor) = (key.workspace_id, state.settings.clone(), address.clone(), actor(&key)?);
    let (invitation, token, workspace_name, inviter_language) = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            crate::billing::ensure_seat_available(conn, settings.stripe.as_ref(), workspace_id, false)?;
            // The role is never the owner here, so the only refusal left is the limit on
            // waiting invitations: a conflict with what is stored, not a malformed request.
            let (invitation, token) = Invitation::create(conn, workspace_id, &to, role.role(), user_id).map_err(|error| match error {
                AppError::BadRequest(message) => AppError::Conflict(message),
                other => other,
            })?;
            let workspace_name = Workspace::name_of(conn, workspace_id)?;
            let inviter_language = crate::auth::users::User::find(conn, user_id)?.tr();
            crate::workspaces::audit::record(conn, workspace_id, &actor, "member.invited", &format!("{to} as {}", role.role().as_str()))?;
            Ok::<_, AppError>((invitation, token, workspace_name, inviter_language))
        })
    })
    .await?;
    let link = format!("{}/invitations/{token}", state.settings.public_base());
    state.mailer.send_later(crate::email::invitation(inviter_language, &address, &inviter, &workspace_name, role.role(), link)?);
    Ok(HttpResponse::Created().json(InvitationJson { id: invitation.id, email: invitation.email, role, expires_at: invitation.expires_at }))
}
