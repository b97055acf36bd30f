//! What every dashboard page shows around its content: who is signed in, the workspace
//! switcher, the navigation, the email-verification banner and the sign-out form.

use actix_web::web;

use crate::{
    auth::{CsrfToken, CurrentUser, Member, users::User},
    db,
    error::AppError,
    state::AppState,
    web::notice_text,
    workspaces::{Role, Workspace},
};

/// The navigation entry a page belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nav {
    Home,
    Inbox,
    Widget,
    Team,
    Billing,
    Settings,
    Account,
    NewWorkspace,
}

pub struct Shell {
    pub user: User,
    pub csrf: CsrfToken,
    /// The workspace the page belongs to; none on account-wide pages.
    pub current: Option<Workspace>,
    pub role: Option<Role>,
    pub workspaces: Vec<Workspace>,
    pub active: Nav,
    pub notice: Option<&'static str>,
    /// Billing is on and this member is the owner: the Billing page is theirs.
    pub show_billing: bool,
    pub billing_banner: Option<crate::billing::Banner>,
}

impl Shell {
    pub async fn load(
        state: &web::Data<AppState>,
        member: &Member,
        csrf: CsrfToken,
        active: Nav,
        notice: Option<&str>,
    ) -> Result<Self, AppError> {
        let mut shell = Self::load_for_user(state, &member.current, csrf, active, notice).await?;
        shell.current = Some(member.workspace.clone());
        shell.role = Some(member.role);
        shell.show_billing = state.settings.stripe.is_some() && member.role == Role::Owner;
        // The Billing page says it all itself, in more detail.
        if state.settings.stripe.is_some() && active != Nav::Billing {
            let (settings, workspace_id) = (state.settings.clone(), member.workspace_id());
            shell.billing_banner =
                db::run(&state.pool, move |conn| crate::billing::banner(conn, settings.stripe.as_ref(), workspace_id)).await?;
        }
        Ok(shell)
    }

    pub async fn load_for_user(
        state: &web::Data<AppState>,
        current: &CurrentUser,
        csrf: CsrfToken,
        active: Nav,
        notice: Option<&str>,
    ) -> Result<Self, AppError> {
        let user_id = current.user.id;
        let workspaces = db::run(&state.pool, move |conn| Workspace::list_for_user(conn, user_id)).await?;
        Ok(Self {
            user: current.user.clone(),
            csrf,
            current: None,
            role: None,
            workspaces,
            active,
            notice: notice_text(notice),
            show_billing: false,
            billing_banner: None,
        })
    }

    /// `aria-current="page"` for the active navigation link.
    pub fn current_attr(&self, nav: Nav) -> &'static str {
        if self.active == nav { "page" } else { "false" }
    }

    pub fn is_current_workspace(&self, workspace: &Workspace) -> bool {
        self.current.as_ref().is_some_and(|c| c.id == workspace.id)
    }

    /// `/app/{workspace id}` of the current workspace.
    pub fn workspace_base(&self) -> String {
        self.current.as_ref().map(|ws| format!("/app/{}", ws.id)).unwrap_or_else(|| "/app".into())
    }

    /// The path of the current page, to come back to after a form in the shell.
    pub fn here(&self) -> String {
        match (&self.current, self.active) {
            (Some(ws), Nav::Home) => format!("/app/{}", ws.id),
            (Some(ws), Nav::Inbox) => format!("/app/{}/inbox", ws.id),
            (Some(ws), Nav::Widget) => format!("/app/{}/widget", ws.id),
            (Some(ws), Nav::Team) => format!("/app/{}/team", ws.id),
            (Some(ws), Nav::Billing) => format!("/app/{}/billing", ws.id),
            (Some(ws), Nav::Settings) => format!("/app/{}/settings", ws.id),
            (_, Nav::NewWorkspace) => "/app/workspaces/new".into(),
            _ => "/app/account".into(),
        }
    }
}
