//! Changes to a conversation's state: its status (snoozing included, with the time of its
//! resolution stamped for reports), its assignee, its labels, its visitor's rating ([`rate`]),
//! and the waking of snoozed conversations whose time has come. The one place that writes those
//! columns: the inbox's forms, the REST API, the job sweep and auto-assignment all come here. One exception,
//! on purpose: a visitor's message reopens its conversation inside the message writer's batch
//! statement (`writer/batch.rs` says why), with its webhook event stored beside the message.
//!
//! Each change is one transaction holding the UPDATE, its audit record and its webhook event
//! (and, for a new assignee, their email job: [`notices::enqueue_assigned_email`]), so that the
//! history, the webhooks and the email hold a change exactly when it happened; the
//! `conversation` frame goes to the workspace's agents (here and, through the broker, on the
//! other instances) only after the commit, naming who assigned it when the assignee is new. A new kind of change (labels, a rating) is a field
//! of [`Change`] with its part in `apply`: its columns, its audit record, its event.
//!
//! Tenant rule: every change takes the caller's `WorkspaceId` and updates by it and the
//! conversation's id together, so another workspace's conversation answers `NotFound` and
//! nothing changes. The sweep, which acts for every workspace, reads each conversation's
//! workspace from its row.

use diesel::{
    prelude::*,
    sql_types::{Nullable, Uuid as SqlUuid},
};
use time::OffsetDateTime;

use crate::{
    conversations::{
        AuthorKind, Conversation, ConversationStatus, labels, notices,
        ratings::{self, RateError, Rating, Refusal},
    },
    db::{
        self, ContactId, ConversationId, LabelId, UserId, WorkspaceId,
        schema::{conversation_labels, conversations, memberships, users},
    },
    error::AppError,
    realtime::{
        Realtime,
        hub::Recipients,
        protocol::{AuthorRef, ServerFrame},
    },
    state::AppState,
    webhooks::events,
    workspaces::audit::{self, Actor},
};

/// The message of the `Unprocessable` refusal of an assignee who is not a member.
pub const NOT_A_MEMBER: &str = "Only a member of this workspace can be assigned.";

/// A new status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusChange {
    /// Open, pending or resolved; a snooze ends with it.
    To(ConversationStatus),
    /// Snoozed: open again by itself at `until`.
    Snooze { until: OffsetDateTime },
}

impl StatusChange {
    /// The status and wake time to store.
    fn columns(self) -> Result<(ConversationStatus, Option<OffsetDateTime>), AppError> {
        match self {
            Self::To(ConversationStatus::Snoozed) => Err(AppError::bad_request("Choose how long to snooze.")),
            Self::To(status) => Ok((status, None)),
            Self::Snooze { until } => Ok((ConversationStatus::Snoozed, Some(until))),
        }
    }
}

/// A label put on a conversation or taken off it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelEdit {
    Add(LabelId),
    Remove(LabelId),
}

/// What one call changes: every part given is made in the same transaction, with one frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Change {
    pub status: Option<StatusChange>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<UserId>>,
    pub label: Option<LabelEdit>,
}

impl Change {
    fn is_empty(&self) -> bool {
        self.status.is_none() && self.assignee.is_none() && self.label.is_none()
    }
}

/// The columns an UPDATE sets; `None` leaves one as it is.
#[derive(AsChangeset)]
#[diesel(table_name = conversations)]
struct Columns {
    status: Option<ConversationStatus>,
    snoozed_until: Option<Option<OffsetDateTime>>,
    assignee_id: Option<Option<UserId>>,
}

/// Gives the conversation a new status (see [`change`]).
pub async fn set_status(
    state: &AppState,
    workspace_id: WorkspaceId,
    actor: Actor,
    id: ConversationId,
    status: StatusChange,
) -> Result<Conversation, AppError> {
    change(state, workspace_id, actor, id, Change { status: Some(status), ..Change::default() }).await
}

/// Assigns the conversation to a member, or to nobody (see [`change`]).
pub async fn assign(
    state: &AppState,
    workspace_id: WorkspaceId,
    actor: Actor,
    id: ConversationId,
    assignee: Option<UserId>,
) -> Result<Conversation, AppError> {
    change(state, workspace_id, actor, id, Change { assignee: Some(assignee), ..Change::default() }).await
}

/// Puts a label on the conversation or takes it off (see [`change`]); doing what is already
/// done changes nothing and tells nobody.
pub async fn edit_label(
    state: &AppState,
    workspace_id: WorkspaceId,
    actor: Actor,
    id: ConversationId,
    edit: LabelEdit,
) -> Result<Conversation, AppError> {
    change(state, workspace_id, actor, id, Change { label: Some(edit), ..Change::default() }).await
}

/// Makes `change` to the workspace's conversation `id` as `actor` and tells the workspace's
/// agents; returns the conversation as it now is. An empty change only reads it.
///
/// Refusals: `NotFound` for a conversation or a label that is not the workspace's;
/// `Unprocessable` ([`NOT_A_MEMBER`]) for an assignee who is not a member; `BadRequest` for a
/// snooze without a time.
pub async fn change(
    state: &AppState,
    workspace_id: WorkspaceId,
    actor: Actor,
    id: ConversationId,
    change: Change,
) -> Result<Conversation, AppError> {
    let by = actor.clone();
    let (Applied { conversation, changed, newly_assigned }, asks_rating) = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let applied = apply(conn, workspace_id, &by, id, change)?;
            let asks_rating = resolves(&applied, change) && ratings::on_resolved(conn, workspace_id, id)?;
            Ok::<_, AppError>((applied, asks_rating))
        })
    })
    .await?;
    if changed {
        let assigned_by = newly_assigned.then_some(&actor);
        announce(&state.realtime, workspace_id, conversation.id, conversation.status, conversation.assignee_id, assigned_by);
        if change.status.is_some() {
            tell_visitor_status(&state.realtime, &conversation, asks_rating);
        }
        // A member may be under their limit now, or the conversation waiting for someone.
        state.assignment.workspace(workspace_id);
    }
    Ok(conversation)
}

/// Assigns inside the caller's transaction, with the audit record and the assignee's email of
/// [`change`]: how auto-assignment gives several conversations under one workspace lock. The
/// caller tells the agents after its commit ([`announce_change`]).
pub(crate) fn assign_in_transaction(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    actor: &Actor,
    id: ConversationId,
    assignee: Option<UserId>,
) -> Result<Conversation, AppError> {
    apply(conn, workspace_id, actor, id, Change { assignee: Some(assignee), ..Change::default() }).map(|applied| applied.conversation)
}

/// Tells the workspace's agents where a conversation changed by
/// [`assign_in_transaction`] stands, once its transaction has committed. Auto-assignment only
/// ever gives a conversation to someone other than who had it, so a conversation with an
/// assignee is announced as given to them by Parlor.
pub(crate) fn announce_change(realtime: &Realtime, conversation: &Conversation) {
    let parlor = Actor::parlor();
    let assigned_by = conversation.assignee_id.is_some().then_some(&parlor);
    announce(realtime, conversation.workspace_id, conversation.id, conversation.status, conversation.assignee_id, assigned_by);
}

/// What [`apply`] did.
struct Applied {
    conversation: Conversation,
    /// Anything changed (a label already on it, or already off, is no change).
    changed: bool,
    /// The conversation went to an assignee who did not have it.
    newly_assigned: bool,
}

/// Makes the change in the caller's transaction.
fn apply(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    actor: &Actor,
    id: ConversationId,
    change: Change,
) -> Result<Applied, AppError> {
    let target = conversations::table.filter(conversations::workspace_id.eq(workspace_id)).filter(conversations::id.eq(id));
    if change.is_empty() {
        let conversation = target.select(Conversation::as_select()).first(conn).optional()?.ok_or(AppError::NotFound)?;
        return Ok(Applied { conversation, changed: false, newly_assigned: false });
    }
    // The label first: a label-only change that changes nothing must not touch the row.
    let label_changed = match change.label {
        Some(edit) => edit_label_rows(conn, workspace_id, actor, id, edit)?,
        None => false,
    };
    if change.status.is_none() && change.assignee.is_none() {
        let conversation = target.select(Conversation::as_select()).first(conn).optional()?.ok_or(AppError::NotFound)?;
        if label_changed {
            let event = conversation_updated(conn, &conversation)?;
            events::emit(conn, &[event])?;
        }
        return Ok(Applied { conversation, changed: label_changed, newly_assigned: false });
    }
    let status = change.status.map(StatusChange::columns).transpose()?;
    // The new assignee by name, for the audit log: `Some(None)` unassigns.
    let assignee_named = match change.assignee {
        Some(Some(user)) => match member_name(conn, workspace_id, user)? {
            Some(name) => Some(Some(name)),
            // Another workspace's conversation is not found, whatever else the request says.
            None if diesel::select(diesel::dsl::exists(target)).get_result(conn)? => {
                return Err(AppError::Unprocessable(NOT_A_MEMBER.into()));
            }
            None => return Err(AppError::NotFound),
        },
        Some(None) => Some(None),
        None => None,
    };
    // Who had it, read under the row's lock: giving a conversation to its own assignee again
    // tells nobody.
    let previous_assignee: Option<UserId> = match change.assignee {
        Some(Some(_)) => target.select(conversations::assignee_id).for_no_key_update().first(conn).optional()?.flatten(),
        _ => None,
    };
    if let Some((ConversationStatus::Resolved, _)) = status {
        stamp_resolution(conn, workspace_id, actor, id, change.assignee)?;
    }
    let columns = Columns { status: status.map(|(s, _)| s), snoozed_until: status.map(|(_, until)| until), assignee_id: change.assignee };
    let updated: Conversation = diesel::update(target)
        .set((columns, conversations::updated_at.eq(diesel::dsl::now)))
        .returning(Conversation::as_returning())
        .get_result(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
    if let Some((status, until)) = status {
        let (action, detail) = match until {
            Some(until) => ("conversation.snoozed", format!("{id} until {}", describe_time(until))),
            None => ("conversation.status_changed", format!("{id} to {status}")),
        };
        audit::record(conn, workspace_id, actor, action, &detail)?;
        events::emit(conn, &[events::status_changed(workspace_id, id, status, updated.assignee_id)])?;
    }
    match assignee_named {
        Some(Some(ref name)) => audit::record(conn, workspace_id, actor, "conversation.assigned", &format!("{id} to {name}"))?,
        Some(None) => audit::record(conn, workspace_id, actor, "conversation.unassigned", &id.to_string())?,
        None => {}
    }
    if assignee_named.is_some() || label_changed {
        let event = conversation_updated(conn, &updated)?;
        events::emit(conn, &[event])?;
    }
    let newly_assigned = match change.assignee {
        Some(Some(assignee)) if previous_assignee != Some(assignee) => {
            notices::enqueue_assigned_email(conn, workspace_id, id, assignee, actor)?;
            true
        }
        _ => false,
    };
    Ok(Applied { conversation: updated, changed: true, newly_assigned })
}

/// Records, for reports, that the conversation is being resolved now and whose it was: the
/// assignee it will have after this change, else the member resolving it. A conversation
/// already resolved keeps the time of its resolution. Runs before the status changes, in the
/// same transaction; touches no row of another workspace.
fn stamp_resolution(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    actor: &Actor,
    id: ConversationId,
    new_assignee: Option<Option<UserId>>,
) -> Result<(), AppError> {
    let keeps_assignee = new_assignee.is_none();
    diesel::sql_query(
        "UPDATE conversations SET resolved_at = now(), \
         resolved_by = COALESCE(CASE WHEN $3 THEN assignee_id ELSE $4 END, $5) \
         WHERE id = $1 AND workspace_id = $2 AND status <> 'resolved'",
    )
    .bind::<SqlUuid, _>(id)
    .bind::<SqlUuid, _>(workspace_id)
    .bind::<diesel::sql_types::Bool, _>(keeps_assignee)
    .bind::<Nullable<SqlUuid>, _>(new_assignee.flatten())
    .bind::<Nullable<SqlUuid>, _>(actor.user_id)
    .execute(conn)?;
    Ok(())
}

/// Puts the label on the conversation or takes it off; returns whether it did. `NotFound` for a
/// conversation or label that is not the workspace's.
fn edit_label_rows(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    actor: &Actor,
    id: ConversationId,
    edit: LabelEdit,
) -> Result<bool, AppError> {
    let label_id = match edit {
        LabelEdit::Add(label) | LabelEdit::Remove(label) => label,
    };
    // Locks the conversation's row, so that two edits of one conversation queue one behind the
    // other and each webhook event carries the labels as that edit left them.
    let exists: Option<ConversationId> = conversations::table
        .filter(conversations::workspace_id.eq(workspace_id))
        .filter(conversations::id.eq(id))
        .select(conversations::id)
        .for_no_key_update()
        .first(conn)
        .optional()?;
    let label = labels::find(conn, workspace_id, label_id)?;
    let (Some(_), Some(label)) = (exists, label) else {
        return Err(AppError::NotFound);
    };
    let changed = match edit {
        LabelEdit::Add(_) => diesel::insert_into(conversation_labels::table)
            .values((
                conversation_labels::workspace_id.eq(workspace_id),
                conversation_labels::conversation_id.eq(id),
                conversation_labels::label_id.eq(label.id),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?,
        LabelEdit::Remove(_) => diesel::delete(
            conversation_labels::table
                .filter(conversation_labels::workspace_id.eq(workspace_id))
                .filter(conversation_labels::conversation_id.eq(id))
                .filter(conversation_labels::label_id.eq(label.id)),
        )
        .execute(conn)?,
    } > 0;
    if changed {
        let (action, detail) = match edit {
            LabelEdit::Add(_) => ("conversation.labeled", format!("{id} with {}", label.name)),
            LabelEdit::Remove(_) => ("conversation.unlabeled", format!("{id}: {}", label.name)),
        };
        audit::record(conn, workspace_id, actor, action, &detail)?;
    }
    Ok(changed)
}

/// The `conversation.updated` event of the conversation as it now is, labels included.
fn conversation_updated(conn: &mut PgConnection, conversation: &Conversation) -> Result<events::Event, AppError> {
    let labels = labels::on_conversation(conn, conversation.workspace_id, conversation.id)?;
    Ok(events::conversation_updated(conversation, &labels))
}

/// The name of a member of the workspace; `None` for anyone else.
fn member_name(conn: &mut PgConnection, workspace_id: WorkspaceId, user: UserId) -> Result<Option<String>, AppError> {
    Ok(users::table
        .inner_join(memberships::table)
        .filter(memberships::workspace_id.eq(workspace_id))
        .filter(users::id.eq(user))
        .select(users::name)
        .first(conn)
        .optional()?)
}

fn describe_time(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

/// A conversation whose snooze ended.
#[derive(QueryableByName)]
struct Woken {
    #[diesel(sql_type = SqlUuid)]
    id: ConversationId,
    #[diesel(sql_type = SqlUuid)]
    workspace_id: WorkspaceId,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    assignee_id: Option<UserId>,
}

/// Opens again the snoozed conversations whose time has come, in `workspace` or, with `None`
/// (the background sweep), in every workspace: one transaction with an audit record and a
/// webhook event each, then a frame each. Returns how many woke.
pub async fn wake_snoozed(state: &AppState, workspace: Option<WorkspaceId>) -> Result<usize, AppError> {
    let woken = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let woken: Vec<Woken> = diesel::sql_query(
                "UPDATE conversations SET status = 'open', snoozed_until = NULL, updated_at = now() \
                 WHERE status = 'snoozed' AND snoozed_until <= now() AND ($1::uuid IS NULL OR workspace_id = $1) \
                 RETURNING id, workspace_id, assignee_id",
            )
            .bind::<Nullable<SqlUuid>, _>(workspace)
            .load(conn)?;
            let parlor = Actor::parlor();
            for conversation in &woken {
                audit::record(
                    conn,
                    conversation.workspace_id,
                    &parlor,
                    "conversation.snooze_ended",
                    &format!("{} to open", conversation.id),
                )?;
            }
            let events: Vec<_> =
                woken.iter().map(|w| events::status_changed(w.workspace_id, w.id, ConversationStatus::Open, w.assignee_id)).collect();
            events::emit(conn, &events)?;
            Ok::<_, AppError>(woken)
        })
    })
    .await?;
    for conversation in &woken {
        announce(&state.realtime, conversation.workspace_id, conversation.id, ConversationStatus::Open, conversation.assignee_id, None);
        if conversation.assignee_id.is_none() {
            state.assignment.workspace(conversation.workspace_id);
        }
    }
    Ok(woken.len())
}

/// Tells every agent socket of the workspace, on every instance, where a conversation stands,
/// and who gave it to its assignee when that is what changed.
fn announce(
    realtime: &Realtime,
    workspace_id: WorkspaceId,
    id: ConversationId,
    status: ConversationStatus,
    assignee: Option<UserId>,
    assigned_by: Option<&Actor>,
) {
    let assigned_by = assigned_by.map(|actor| AuthorRef {
        kind: if actor.user_id.is_some() { AuthorKind::Agent } else { AuthorKind::System },
        id: actor.user_id.map(|u| u.0),
        name: Some(&actor.name),
        avatar_url: None,
    });
    let frame = ServerFrame::Conversation { conversation_id: id, status, assignee_id: assignee.map(|a| a.0), assigned_by }.to_json();
    realtime.broadcast_frame(Recipients { workspace_id, agents: true, contact: None, except: None }, frame);
}

/// Whether `change`, as applied, resolved the conversation.
fn resolves(applied: &Applied, change: Change) -> bool {
    applied.changed && applied.conversation.status == ConversationStatus::Resolved && change.status.is_some()
}

/// Tells the conversation's visitor, on every instance, its new status, and whether the chat
/// now asks them to rate it.
fn tell_visitor_status(realtime: &Realtime, conversation: &Conversation, asks_rating: bool) {
    let frame =
        ServerFrame::ConversationStatus { conversation_id: conversation.id, status: conversation.status, csat: asks_rating }.to_json();
    let to = Recipients { workspace_id: conversation.workspace_id, agents: false, contact: Some(conversation.contact_id), except: None };
    realtime.broadcast_frame(to, frame);
}

/// The visitor `contact_id` (called `visitor_name`) rates their conversation `id` with `score`
/// and an optional `comment`, from the chat or the rating email: the rule of
/// [`ratings::store`], the rating, its audit record and its `conversation.rated` webhook event
/// in one transaction; then the workspace's agents get a `rating` frame (an open inbox shows
/// it) and the visitor's own sockets a `rated` frame (every open chat shows the thanks).
///
/// Refusals ([`Refusal`]) store nothing.
pub async fn rate(
    state: &AppState,
    workspace_id: WorkspaceId,
    contact_id: ContactId,
    visitor_name: Option<String>,
    id: ConversationId,
    score: i64,
    comment: Option<String>,
) -> Result<Rating, RateError> {
    let actor = Actor::visitor(visitor_name.as_deref());
    let stored: Result<Rating, Refusal> = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let rating = match ratings::store(conn, workspace_id, contact_id, id, score, comment.as_deref()) {
                Ok(rating) => rating,
                // Nothing was written before a refusal: the transaction holds only a read.
                Err(RateError::Refused(refusal)) => return Ok(Err(refusal)),
                Err(RateError::Failed(error)) => return Err(error),
            };
            audit::record(conn, workspace_id, &actor, "conversation.rated", &format!("{id}: {}/5", rating.score))?;
            events::emit(conn, &[events::conversation_rated(contact_id, &rating)])?;
            Ok(Ok(rating))
        })
    })
    .await?;
    let rating = stored?;
    let comment = rating.comment.as_deref();
    let for_agents = ServerFrame::Rating { conversation_id: id, score: rating.score, comment, rated_at: rating.rated_at }.to_json();
    state.realtime.broadcast_frame(Recipients { workspace_id, agents: true, contact: None, except: None }, for_agents);
    let for_visitor = ServerFrame::Rated { conversation_id: id, score: rating.score, comment, rated_at: rating.rated_at }.to_json();
    state.realtime.broadcast_frame(Recipients { workspace_id, agents: false, contact: Some(contact_id), except: None }, for_visitor);
    Ok(rating)
}

/// The longest subject kept for a conversation that an email started, in characters.
pub const EMAIL_SUBJECT_MAX_CHARS: usize = 998;

/// Marks conversation `id`, which an email just started, as an email conversation with that
/// email's subject: agents' replies then go out by email at once, as answers to it
/// ([`crate::email::thread`]). Written once, when the conversation starts.
pub fn mark_started_by_email(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    id: ConversationId,
    subject: &str,
) -> Result<(), AppError> {
    let subject: String = subject.chars().take(EMAIL_SUBJECT_MAX_CHARS).collect();
    diesel::update(conversations::table.filter(conversations::workspace_id.eq(workspace_id)).filter(conversations::id.eq(id)))
        .set((conversations::channel.eq("email"), conversations::email_subject.eq(subject)))
        .execute(conn)?;
    Ok(())
}
