//! Who may reach a workspace page, decided by the type a handler takes.
//!
//! [`Member`] loads the workspace named in the path (`{workspace_id}`) through the signed-in
//! user's membership: no membership, no workspace (404). [`WorkspaceAdmin`] adds that the
//! member is an owner or admin (403 otherwise), so a handler taking it cannot be reached by an
//! agent. [`WorkspaceOwner`] admits the owner only (billing, deleting the workspace).

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use futures_util::future::LocalBoxFuture;

use super::session::CurrentUser;
use crate::{
    db::{self, WorkspaceId},
    error::AppError,
    state::AppState,
    workspaces::{Role, Workspace},
};

/// A signed-in member of the workspace in the path.
#[derive(Clone, Debug)]
pub struct Member {
    pub current: CurrentUser,
    pub workspace: Workspace,
    pub role: Role,
}

impl Member {
    pub fn workspace_id(&self) -> WorkspaceId {
        self.workspace.id
    }

    /// This member, as the audit log names them.
    pub fn actor(&self) -> crate::workspaces::audit::Actor {
        crate::workspaces::audit::Actor { user_id: Some(self.current.user.id), name: self.current.user.name.clone() }
    }
}

impl FromRequest for Member {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let current = CurrentUser::from_request(&req, payload);
        Box::pin(async move {
            if let Some(member) = req.extensions().get::<Member>() {
                return Ok(member.clone());
            }
            let current = current.await?;
            let named: uuid::Uuid = req.match_info().get("workspace_id").and_then(|raw| raw.parse().ok()).ok_or(AppError::NotFound)?;
            let state = req.app_data::<web::Data<AppState>>().ok_or_else(|| AppError::internal(anyhow::anyhow!("no app state")))?;
            let user_id = current.user.id;
            let (workspace, role) =
                db::run(&state.pool, move |conn| Workspace::find_named_by_member(conn, named, user_id)).await?.ok_or(AppError::NotFound)?;
            tracing::Span::current().record("workspace.id", tracing::field::display(workspace.id));
            let member = Member { current, workspace, role };
            req.extensions_mut().insert(member.clone());
            Ok(member)
        })
    }
}

/// The member of the path's workspace, if their role passes `allowed`; 403 with `refusal` if not.
fn member_whose_role(
    req: &HttpRequest,
    payload: &mut Payload,
    allowed: fn(Role) -> bool,
    refusal: &'static str,
) -> LocalBoxFuture<'static, Result<Member, AppError>> {
    let member = Member::from_request(req, payload);
    Box::pin(async move {
        let member = member.await?;
        if !allowed(member.role) {
            return Err(AppError::Forbidden(refusal.into()));
        }
        Ok(member)
    })
}

/// A member who is an owner or admin of the workspace in the path.
#[derive(Clone, Debug)]
pub struct WorkspaceAdmin(pub Member);

impl FromRequest for WorkspaceAdmin {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let member = member_whose_role(req, payload, Role::is_admin, "Only the workspace's owners and admins can do this.");
        Box::pin(async move { member.await.map(WorkspaceAdmin) })
    }
}

/// The owner of the workspace in the path (403 for admins and agents): billing, deletion.
#[derive(Clone, Debug)]
pub struct WorkspaceOwner(pub Member);

impl FromRequest for WorkspaceOwner {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let member = member_whose_role(req, payload, |role| role == Role::Owner, "Only the workspace's owner can do this.");
        Box::pin(async move { member.await.map(WorkspaceOwner) })
    }
}
