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
    pub notice: Option<String>,
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
            notice: notice_text(current.user.tr(), notice),
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

/// Fixed messages shown after a redirect (`?notice=...`), in the reader's language; unknown
/// keys show nothing, so no one can put their own words on a Parlor page.
pub fn notice_text(tr: crate::i18n::Tr, key: Option<&str>) -> Option<String> {
    Some(match key? {
        "signed_out" => tr.t("notice-signed-out"),
        "signed_out_everywhere" => tr.t("notice-signed-out-everywhere"),
        "password_reset" => tr.t("notice-password-reset"),
        "email_verified" => tr.t("notice-email-verified"),
        "verification_sent" => tr.t("notice-verification-sent"),
        "session_revoked" => tr.t("notice-session-revoked"),
        "name_saved" => tr.t("notice-name-saved"),
        "password_changed" => tr.t("notice-password-changed"),
        "time_zone_saved" => tr.t("notice-time-zone-saved"),
        "email_change_sent" => tr.t("notice-email-change-sent"),
        "email_change_cancelled" => tr.t("notice-email-change-cancelled"),
        "email_changed" => tr.t("notice-email-changed"),
        "avatar_saved" => tr.t("notice-avatar-saved"),
        "avatar_removed" => tr.t("notice-avatar-removed"),
        "workspace_renamed" => tr.t("notice-workspace-renamed"),
        "workspace_created" => tr.t("notice-workspace-created"),
        "invitation_sent" => tr.t("notice-invitation-sent"),
        "invitation_revoked" => tr.t("notice-invitation-revoked"),
        "role_changed" => tr.t("notice-role-changed"),
        "member_removed" => tr.t("notice-member-removed"),
        "ownership_transferred" => tr.t("notice-ownership-transferred"),
        "left_workspace" => tr.t("notice-left-workspace"),
        "joined_workspace" => tr.t("notice-joined-workspace"),
        "api_key_revoked" => tr.t("notice-api-key-revoked"),
        "reply_sent" => tr.t("notice-reply-sent"),
        "conversation_assigned" => tr.t("notice-conversation-assigned"),
        "conversation_resolved" => tr.t("notice-conversation-resolved"),
        "conversation_snoozed" => tr.t("notice-conversation-snoozed"),
        "conversation_updated" => tr.t("notice-conversation-updated"),
        "contact_saved" => tr.t("notice-contact-saved"),
        "attributes_saved" => tr.t("notice-attributes-saved"),
        "attribute_created" => tr.t("notice-attribute-created"),
        "attribute_saved" => tr.t("notice-attribute-saved"),
        "attribute_deleted" => tr.t("notice-attribute-deleted"),
        "label_added" => tr.t("notice-label-added"),
        "label_removed" => tr.t("notice-label-removed"),
        "label_created" => tr.t("notice-label-created"),
        "label_saved" => tr.t("notice-label-saved"),
        "label_deleted" => tr.t("notice-label-deleted"),
        "contact_blocked" => tr.t("notice-contact-blocked"),
        "contact_unblocked" => tr.t("notice-contact-unblocked"),
        "canned_saved" => tr.t("notice-canned-saved"),
        "canned_updated" => tr.t("notice-canned-updated"),
        "canned_deleted" => tr.t("notice-canned-deleted"),
        "widget_saved" => tr.t("notice-widget-saved"),
        "identity_secret_rotated" => tr.t("notice-identity-secret-rotated"),
        "assignment_saved" => tr.t("notice-assignment-saved"),
        "availability_saved" => tr.t("notice-availability-saved"),
        "notifications_saved" => tr.t("notice-notifications-saved"),
        "webhook_created" => tr.t("notice-webhook-created"),
        "webhook_saved" => tr.t("notice-webhook-saved"),
        "webhook_deleted" => tr.t("notice-webhook-deleted"),
        "webhook_test_sent" => tr.t("notice-webhook-test-sent"),
        "retention_saved" => tr.t("notice-retention-saved"),
        "contact_deleted" => tr.t("notice-contact-deleted"),
        "contacts_merged" => tr.t("notice-contacts-merged"),
        "workspace_deleted" => tr.t("notice-workspace-deleted"),
        "language_saved" => tr.t("notice-language-saved"),
        _ => return None,
    })
}
