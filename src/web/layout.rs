//! The dashboard layout: what every dashboard page shows around its content (who is signed
//! in, the workspace switcher, the navigation, the email-verification and billing banners, the
//! sign-out form), and the one-line notices shown after a redirect.

use actix_web::web;
use serde::Deserialize;

use crate::{
    auth::{CsrfToken, CurrentUser, Member, users::User},
    db,
    error::AppError,
    state::AppState,
    workspaces::{Role, Workspace},
};

/// The query of a dashboard page reached by a redirect: which notice to show.
#[derive(Deserialize)]
pub struct NoticeQuery {
    pub notice: Option<String>,
    /// Set once, right after a workspace is created.
    #[serde(default)]
    pub welcome: Option<String>,
}

/// The navigation entry a page belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nav {
    Home,
    Inbox,
    Contacts,
    Reports,
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
    /// The member's language: every text of the page comes from it.
    pub tr: crate::i18n::Tr,
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
            tr: current.user.tr(),
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
            (Some(ws), Nav::Contacts) => format!("/app/{}/contacts", ws.id),
            (Some(ws), Nav::Reports) => format!("/app/{}/reports", ws.id),
            (Some(ws), Nav::Widget) => format!("/app/{}/widget", ws.id),
            (Some(ws), Nav::Team) => format!("/app/{}/team", ws.id),
            (Some(ws), Nav::Billing) => format!("/app/{}/billing", ws.id),
            (Some(ws), Nav::Settings) => format!("/app/{}/settings", ws.id),
            (_, Nav::NewWorkspace) => "/app/workspaces/new".into(),
            _ => "/app/account".into(),
        }
    }
}

/// Fixed messages shown after a redirect (`?notice=...`); unknown keys show nothing, so no
/// one can put their own words on a Parlor page.
pub fn notice_text(key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "signed_out" => "You are signed out.",
        "signed_out_everywhere" => "You are signed out on every device.",
        "password_reset" => "Your password is changed, and every other device is signed out.",
        "email_verified" => "Thanks, your email address is confirmed.",
        "verification_sent" => "We sent you a new confirmation link.",
        "session_revoked" => "That device is signed out.",
        "name_saved" => "Your name is saved. Teammates and visitors see it from now on.",
        "password_changed" => "Your password is changed, and every other device is signed out.",
        "time_zone_saved" => "Your time zone is saved. Times in the console show in it.",
        "email_change_sent" => "Check your new address: the change happens when you open the link we sent there.",
        "email_change_cancelled" => "The change of email address is cancelled; its link no longer works.",
        "email_changed" => "Your email address is changed. Sign in with the new one from now on.",
        "avatar_saved" => "Your avatar is saved. Teammates see it in the console, and visitors next to your replies.",
        "avatar_removed" => "Your avatar is removed: your initials show in its place.",
        "workspace_renamed" => "The workspace name is saved.",
        "workspace_created" => "Your new workspace is ready.",
        "invitation_sent" => "The invitation is on its way. Its link works for 7 days.",
        "invitation_revoked" => "The invitation is revoked; its link no longer works.",
        "role_changed" => "The role is changed.",
        "member_removed" => "They are removed from the workspace and signed out.",
        "ownership_transferred" => "The workspace has a new owner; you are an admin now.",
        "left_workspace" => "You left the workspace.",
        "joined_workspace" => "Welcome to the team!",
        "api_key_revoked" => "The key is revoked: requests with it are refused from now on.",
        "reply_sent" => "Your reply is sent.",
        "conversation_assigned" => "The assignee is saved.",
        "conversation_resolved" => "The conversation is resolved. A new message from the visitor reopens it.",
        "conversation_snoozed" => "The conversation is snoozed; it comes back as open at the time you chose.",
        "conversation_updated" => "The conversation's status is saved.",
        "contact_saved" => "The contact is saved.",
        "attributes_saved" => "The contact's attributes are saved.",
        "attribute_created" => "The attribute is added. Members fill it in on each contact's page.",
        "attribute_saved" => "The attribute is saved.",
        "attribute_deleted" => "The attribute is deleted, and its values are removed from every contact.",
        "label_added" => "The label is on the conversation.",
        "label_removed" => "The label is off the conversation.",
        "label_created" => "The label is added. Agents can put it on conversations now.",
        "label_saved" => "The label is saved.",
        "label_deleted" => "The label is deleted and taken off every conversation.",
        "contact_blocked" => "The contact is blocked: their chat is closed and they cannot start a new one.",
        "contact_unblocked" => "The contact is unblocked: they can chat again.",
        "canned_saved" => "The canned response is saved. Type / and its shortcut in a reply to use it.",
        "canned_updated" => "The canned response is updated.",
        "canned_deleted" => "The canned response is deleted.",
        "widget_saved" => "The widget settings are saved. Pages that already show the chat pick them up on their next load.",
        "identity_secret_rotated" => {
            "The identity secret is new: update it on your server, since hashes made with the old one are refused now."
        }
        "assignment_saved" => "Auto-assignment is saved.",
        "availability_saved" => "Business hours and follow-up are saved. The widget picks them up on its next load.",
        "notifications_saved" => "Your notifications are saved. An open inbox picks them up when it next loads.",
        "webhook_created" => "The endpoint is added. Copy its signing secret below to verify deliveries.",
        "webhook_saved" => "The endpoint is saved.",
        "webhook_deleted" => "The endpoint is deleted; no more events go to it.",
        "webhook_test_sent" => "A test event is on its way; its delivery shows below within seconds.",
        "retention_saved" => "Data retention is saved. The clean-up runs daily.",
        "contact_deleted" => "The contact and all of their conversations and messages are deleted.",
        "contacts_merged" => "The contacts are merged: all of their conversations are here now.",
        "workspace_deleted" => "The workspace and all of its data are deleted.",
        _ => return None,
    })
}
