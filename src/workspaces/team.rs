//! A workspace's team: invitations by email, roles, removing members, leaving, and handing
//! over ownership. The rules every change keeps: a workspace always has an owner, only owners
//! touch owners, and admins manage everyone else.
//!
//! Tenant rule: every function takes the `WorkspaceId` of an authenticated member.

use diesel::prelude::*;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Role, Workspace};
use crate::{
    auth::secret_token,
    db::{
        UserId, WorkspaceId,
        schema::{invitations, memberships, workspaces},
    },
    error::AppError,
};

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;
/// Pending invitations per workspace.
pub const MAX_PENDING: i64 = 100;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = invitations, check_for_backend(diesel::pg::Pg))]
pub struct Invitation {
    pub id: Uuid,
    pub workspace_id: WorkspaceId,
    pub email: String,
    pub role: String,
    pub expires_at: OffsetDateTime,
}

/// A workspace's invitations that can still be accepted.
#[diesel::dsl::auto_type]
fn pending_in(workspace_id: WorkspaceId) -> _ {
    invitations::table
        .filter(invitations::workspace_id.eq(workspace_id))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::revoked_at.is_null())
        .filter(invitations::expires_at.gt(diesel::dsl::now))
}

impl Invitation {
    /// A new invitation and the token of its link (the only time the token exists in clear).
    pub fn create(
        conn: &mut PgConnection,
        workspace_id: WorkspaceId,
        email: &str,
        role: Role,
        invited_by: UserId,
    ) -> Result<(Invitation, String), AppError> {
        if role == Role::Owner {
            return Err(AppError::bad_request("Invite as an admin or an agent; ownership is handed over once they have joined."));
        }
        let already_member: i64 = memberships::table
            .inner_join(crate::db::schema::users::table)
            .filter(memberships::workspace_id.eq(workspace_id))
            .filter(crate::db::schema::users::email.eq(email))
            .count()
            .get_result(conn)?;
        if already_member > 0 {
            return Err(AppError::Conflict(format!("{email} is already in this workspace.")));
        }
        let pending: i64 = pending_in(workspace_id).count().get_result(conn)?;
        if pending >= MAX_PENDING {
            return Err(AppError::bad_request(format!("At most {MAX_PENDING} invitations can wait at once; revoke some first.")));
        }
        // A new invitation to the same address replaces the old one.
        diesel::update(pending_in(workspace_id).filter(invitations::email.eq(email)))
            .set(invitations::revoked_at.eq(diesel::dsl::now))
            .execute(conn)?;
        let token = secret_token::generate();
        let invitation = diesel::insert_into(invitations::table)
            .values((
                invitations::id.eq(Uuid::now_v7()),
                invitations::workspace_id.eq(workspace_id),
                invitations::email.eq(email),
                invitations::role.eq(role.as_str()),
                invitations::token_hash.eq(secret_token::digest(&token)),
                invitations::invited_by.eq(invited_by),
                invitations::expires_at.eq(OffsetDateTime::now_utc() + time::Duration::days(INVITATION_DAYS)),
            ))
            .returning(Invitation::as_returning())
            .get_result(conn)?;
        Ok((invitation, token))
    }

    pub fn pending(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<Vec<Invitation>, AppError> {
        Ok(pending_in(workspace_id).order(invitations::created_at.desc()).select(Invitation::as_select()).load(conn)?)
    }

    pub fn revoke(conn: &mut PgConnection, workspace_id: WorkspaceId, id: Uuid) -> Result<(), AppError> {
        let revoked = diesel::update(pending_in(workspace_id).filter(invitations::id.eq(id)))
            .set(invitations::revoked_at.eq(diesel::dsl::now))
            .execute(conn)?;
        if revoked == 0 { Err(AppError::NotFound) } else { Ok(()) }
    }

    /// The live invitation of a link, with its workspace's name.
    pub fn find_by_token(conn: &mut PgConnection, token: &str) -> Result<Option<(Invitation, String)>, AppError> {
        if !secret_token::looks_valid(token) {
            return Ok(None);
        }
        Ok(invitations::table
            .inner_join(workspaces::table)
            .filter(invitations::token_hash.eq(secret_token::digest(token)))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::revoked_at.is_null())
            .filter(invitations::expires_at.gt(diesel::dsl::now))
            .select((Invitation::as_select(), workspaces::name))
            .first(conn)
            .optional()?)
    }

    /// Uses the link once: `user_id` joins with the invited role. Whoever holds the link may
    /// accept it: it went to the invited address.
    /// Joins the invitation's workspace, if its plan still has a seat for the invitee (billing
    /// may have shrunk since the invitation went out: 402).
    pub fn accept(
        conn: &mut PgConnection,
        token: &str,
        user_id: UserId,
        billing: Option<&crate::config::StripeSettings>,
    ) -> Result<WorkspaceId, AppError> {
        conn.transaction(|conn| {
            let (invitation, _) = Self::find_by_token(conn, token)?.ok_or(AppError::NotFound)?;
            if Workspace::find_for_member(conn, invitation.workspace_id, user_id)?.is_none() {
                crate::billing::ensure_seat_available(conn, billing, invitation.workspace_id, true)?;
            }
            let used = diesel::update(
                invitations::table
                    .find(invitation.id)
                    .filter(invitations::workspace_id.eq(invitation.workspace_id))
                    .filter(invitations::accepted_at.is_null()),
            )
            .set(invitations::accepted_at.eq(diesel::dsl::now))
            .execute(conn)?;
            if used == 0 {
                return Err(AppError::NotFound);
            }
            diesel::insert_into(memberships::table)
                .values((
                    memberships::workspace_id.eq(invitation.workspace_id),
                    memberships::user_id.eq(user_id),
                    memberships::role.eq(&invitation.role),
                ))
                .on_conflict_do_nothing()
                .execute(conn)?;
            Ok(invitation.workspace_id)
        })
    }
}

fn role_of(conn: &mut PgConnection, workspace_id: WorkspaceId, user_id: UserId) -> Result<Option<Role>, AppError> {
    Ok(Workspace::find_for_member(conn, workspace_id, user_id)?.map(|(_, role)| role))
}

fn owner_count(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<i64, AppError> {
    Ok(memberships::table
        .filter(memberships::workspace_id.eq(workspace_id))
        .filter(memberships::role.eq(Role::Owner.as_str()))
        .count()
        .get_result(conn)?)
}

/// Checks that `actor` may change `target`'s membership: admins manage admins and agents,
/// owners manage everyone. Returns the target's current role.
fn may_manage(conn: &mut PgConnection, workspace_id: WorkspaceId, actor: Role, target: UserId) -> Result<Role, AppError> {
    let target_role = role_of(conn, workspace_id, target)?.ok_or(AppError::NotFound)?;
    if target_role == Role::Owner && actor != Role::Owner {
        return Err(AppError::Forbidden("Only an owner can change an owner.".into()));
    }
    Ok(target_role)
}

/// Gives `target` a new role. Never leaves the workspace without an owner.
pub fn change_role(conn: &mut PgConnection, workspace_id: WorkspaceId, actor: Role, target: UserId, role: Role) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let current = may_manage(conn, workspace_id, actor, target)?;
        if role == Role::Owner && actor != Role::Owner {
            return Err(AppError::Forbidden("Only an owner can make someone an owner.".into()));
        }
        if current == Role::Owner && role != Role::Owner && owner_count(conn, workspace_id)? <= 1 {
            return Err(AppError::Conflict("A workspace needs an owner: make someone else owner first.".into()));
        }
        diesel::update(memberships::table.filter(memberships::workspace_id.eq(workspace_id)).filter(memberships::user_id.eq(target)))
            .set(memberships::role.eq(role.as_str()))
            .execute(conn)?;
        Ok(())
    })
}

/// Takes `target` out of the workspace (also used to leave). Never the last owner.
pub fn remove(conn: &mut PgConnection, workspace_id: WorkspaceId, actor: Role, target: UserId) -> Result<(), AppError> {
    conn.transaction(|conn| {
        let current = may_manage(conn, workspace_id, actor, target)?;
        if current == Role::Owner && owner_count(conn, workspace_id)? <= 1 {
            return Err(AppError::Conflict("The last owner cannot leave: make someone else owner first.".into()));
        }
        diesel::delete(memberships::table.filter(memberships::workspace_id.eq(workspace_id)).filter(memberships::user_id.eq(target)))
            .execute(conn)?;
        Ok(())
    })
}

/// The owner hands the workspace over: `target` becomes owner, `owner` becomes admin.
pub fn transfer_ownership(conn: &mut PgConnection, workspace_id: WorkspaceId, owner: UserId, target: UserId) -> Result<(), AppError> {
    conn.transaction(|conn| {
        if role_of(conn, workspace_id, owner)? != Some(Role::Owner) {
            return Err(AppError::Forbidden("Only an owner can hand over the workspace.".into()));
        }
        if target == owner || role_of(conn, workspace_id, target)?.is_none() {
            return Err(AppError::NotFound);
        }
        let scope = memberships::table.filter(memberships::workspace_id.eq(workspace_id));
        diesel::update(scope.filter(memberships::user_id.eq(target))).set(memberships::role.eq(Role::Owner.as_str())).execute(conn)?;
        diesel::update(scope.filter(memberships::user_id.eq(owner))).set(memberships::role.eq(Role::Admin.as_str())).execute(conn)?;
        Ok(())
    })
}
