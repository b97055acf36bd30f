//! The inbox's forms that change a conversation (assignee, status, snooze, labels) and its
//! contact (name and email; blocking, which any member may do and only owners and admins undo);
//! the contact's page ([`crate::contacts`]) posts the same contact form here.
//! The conversation changes are made by [`crate::conversations::actions`], which records,
//! emits and announces them; these handlers read the form and choose where to go back to.
//!
//! Tenant rule: every handler takes a [`Member`] and passes its `WorkspaceId` on; a contact
//! edit filters on it together with the contact's id, so another workspace's answers 404.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{back_to, snooze};
use crate::{
    auth::{CsrfForm, Member},
    conversations::{
        ConversationStatus,
        actions::{self, LabelEdit, StatusChange},
        contacts,
    },
    db::{self, ContactId, ConversationId, LabelId, UserId},
    error::AppError,
    realtime::revocation::Revocation,
    state::AppState,
    web::see_other,
    workspaces::audit::Actor,
};

fn actor(member: &Member) -> Actor {
    Actor::member(member.current.user.id, &member.current.user.name)
}

#[derive(Deserialize)]
pub struct AssignForm {
    /// A member's user id, or empty to unassign.
    #[serde(default)]
    assignee: String,
    keep: Option<String>,
}

pub(super) async fn assign(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<AssignForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let conversation_id = ConversationId(path.1);
    let assignee = match form.assignee.trim() {
        "" => None,
        text => Some(UserId(Uuid::parse_str(text).map_err(|_| AppError::bad_request("Choose someone from the list."))?)),
    };
    actions::assign(&state, workspace_id, actor(&member), conversation_id, assignee).await.map_err(|error| match error {
        // A form answers a choice it cannot take with 400, as it does any other.
        AppError::Unprocessable(message) => AppError::BadRequest(message),
        other => other,
    })?;
    Ok(back_to(workspace_id, conversation_id, form.keep.as_deref(), "conversation_assigned"))
}

#[derive(Deserialize)]
pub struct AddLabelForm {
    #[serde(default)]
    label_id: String,
    keep: Option<String>,
}

pub(super) async fn add_label(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<AddLabelForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let conversation_id = ConversationId(path.1);
    let label = form.label_id.trim().parse::<LabelId>().map_err(|_| AppError::bad_request("Choose a label from the list."))?;
    actions::edit_label(&state, workspace_id, actor(&member), conversation_id, LabelEdit::Add(label)).await?;
    Ok(back_to(workspace_id, conversation_id, form.keep.as_deref(), "label_added"))
}

#[derive(Deserialize)]
pub struct KeepForm {
    keep: Option<String>,
}

pub(super) async fn remove_label(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<KeepForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let (_, conversation_id, label) = path.into_inner();
    let conversation_id = ConversationId(conversation_id);
    actions::edit_label(&state, workspace_id, actor(&member), conversation_id, LabelEdit::Remove(LabelId(label))).await?;
    Ok(back_to(workspace_id, conversation_id, form.keep.as_deref(), "label_removed"))
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
    /// For `snoozed`: `1h`, `4h`, `1d`, `1w`, or `custom` with `until`.
    snooze: Option<String>,
    /// `YYYY-MM-DDTHH:MM`, in the agent's time zone (`offset_minutes` east of UTC).
    until: Option<String>,
    offset_minutes: Option<i32>,
    keep: Option<String>,
}

impl StatusForm {
    fn change(&self, now: OffsetDateTime) -> Result<StatusChange, AppError> {
        match ConversationStatus::parse(&self.status) {
            Some(ConversationStatus::Snoozed) => {
                let choice = self.snooze.as_deref().unwrap_or("");
                Ok(StatusChange::Snooze { until: snooze::wake_time(choice, self.until.as_deref(), self.offset_minutes, now)? })
            }
            Some(status) => Ok(StatusChange::To(status)),
            None => Err(AppError::bad_request("Choose open, pending, snoozed or resolved.")),
        }
    }
}

pub(super) async fn set_status(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let conversation_id = ConversationId(path.1);
    let change = form.change(OffsetDateTime::now_utc())?;
    let changed = actions::set_status(&state, workspace_id, actor(&member), conversation_id, change).await?;
    let notice = match changed.status {
        ConversationStatus::Resolved => "conversation_resolved",
        ConversationStatus::Snoozed => "conversation_snoozed",
        _ => "conversation_updated",
    };
    Ok(back_to(workspace_id, conversation_id, form.keep.as_deref(), notice))
}

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    /// The inbox conversation the form was sent from, to go back to; without one, the form was
    /// the contact's page.
    conversation_id: Option<Uuid>,
}

pub(super) async fn edit_contact(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<ContactForm>,
) -> Result<HttpResponse, AppError> {
    use crate::db::schema::contacts;
    use diesel::prelude::*;
    let workspace_id = member.workspace_id();
    let contact_id = ContactId(path.1);
    let name = form.name.trim().to_string();
    let email = form.email.trim().to_string();
    if name.chars().count() > 200 {
        return Err(AppError::bad_request("A name is at most 200 characters."));
    }
    if !email.is_empty() && (!email.contains('@') || email.len() > 254 || email.contains(char::is_whitespace)) {
        return Err(AppError::bad_request("Enter an email address like name@example.com, or leave it empty."));
    }
    db::run(&state.pool, move |conn| {
        let updated = diesel::update(contacts::table.filter(contacts::workspace_id.eq(workspace_id)).filter(contacts::id.eq(contact_id)))
            .set((contacts::name.eq((!name.is_empty()).then_some(name)), contacts::email.eq((!email.is_empty()).then_some(email))))
            .execute(conn)?;
        if updated == 0 { Err(AppError::NotFound) } else { Ok(()) }
    })
    .await?;
    Ok(match form.conversation_id {
        Some(conversation) => back_to(workspace_id, ConversationId(conversation), None, "contact_saved"),
        None => see_other(&format!("/app/{workspace_id}/contacts/{contact_id}?notice=contact_saved")),
    })
}

#[derive(Deserialize)]
pub struct BlockForm {
    conversation_id: Option<Uuid>,
}

fn back_to_contact(workspace_id: crate::db::WorkspaceId, conversation: Option<Uuid>, notice: &str) -> HttpResponse {
    match conversation {
        Some(conversation) => back_to(workspace_id, ConversationId(conversation), None, notice),
        None => see_other(&format!("/app/{workspace_id}/inbox?notice={notice}")),
    }
}

/// `POST .../contacts/{id}/block`: any member. Revokes the contact's tokens, which closes their
/// sockets on every instance.
pub(super) async fn block_contact(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<BlockForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let contact_id = ContactId(path.1);
    let actor = actor(&member);
    let revoked = db::run(&state.pool, move |conn| contacts::block(conn, workspace_id, &actor, contact_id)).await?;
    if !revoked.is_empty() {
        state.realtime.revoke(Revocation::Blocked(workspace_id, contact_id));
    }
    Ok(back_to_contact(workspace_id, form.conversation_id, "contact_blocked"))
}

/// `POST .../contacts/{id}/unblock`: owners and admins only (403 for an agent, after the 404
/// for a contact of another workspace).
pub(super) async fn unblock_contact(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<BlockForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let contact_id = ContactId(path.1);
    let actor = actor(&member);
    let may_unblock = member.role.is_admin();
    db::run(&state.pool, move |conn| {
        super::queries::contact(conn, workspace_id, contact_id)?.ok_or(AppError::NotFound)?;
        if !may_unblock {
            return Err(AppError::Forbidden(crate::api::contacts::UNBLOCK_REFUSED.into()));
        }
        contacts::unblock(conn, workspace_id, &actor, contact_id)
    })
    .await?;
    Ok(back_to_contact(workspace_id, form.conversation_id, "contact_unblocked"))
}
