//! The jobs that send email: a visitor's unseen replies, agents' unread visitor messages, new
//! conversations for the agents who asked, a conversation assigned to a member and a visitor's
//! new message to an assignee who is away (each as their notification preferences say),
//! failed payments, transcripts visitors asked for, and the question of a resolved conversation's
//! rating (with the unseen replies when there are some). Each re-reads the conversation
//! first, so a job run twice (a retry after a lost acknowledgement) or run late sends nothing
//! that is no longer true. A notice to several people fans out into one [`JobKind::SendEmail`]
//! per recipient, enqueued in one transaction under the notice's own key: a failure retries
//! that recipient alone.
//!
//! Tenant rule: each job reads and writes only the rows of its own `workspace_id` (decoded from
//! the job row).

use actix_web::web;
use diesel::prelude::*;
use serde::Deserialize;

use crate::i18n::Tr;
use crate::queue::{self, ClaimedJob, JobKind, enqueue};
use crate::{
    config::Settings,
    conversations::{
        Audience, AuthorKind, Message, messages_after,
        notices::NEW_MESSAGE_EMAIL_INTERVAL_MINUTES,
        ratings::{self, RatingLinks},
    },
    db::{
        self, ConversationId, UserId, WorkspaceId,
        schema::{contacts, conversations, jobs, memberships, users, workspaces},
    },
    email,
    error::AppError,
    state::AppState,
    workspaces::notifications::{Channel, Event, Preferences},
};

/// Messages quoted in one email at most; the rest are a click away.
const QUOTED_MAX: i64 = 20;

#[derive(Deserialize)]
struct Range {
    conversation_id: ConversationId,
    from_seq: i64,
    through_seq: i64,
    #[serde(default)]
    reason: String,
}

#[derive(Queryable)]
struct Context {
    workspace_name: String,
    contact_name: Option<String>,
    contact_email: Option<String>,
    page_url: Option<String>,
    assignee: Option<UserId>,
    visitor_read_seq: i64,
    agent_read_seq: i64,
    /// `email` for a conversation that started by email: its agents' replies went out at once
    /// ([`email_reply`]), so no follow-up repeats them.
    channel: String,
    /// The language the visitor's browser had in the chat, and the workspace's default.
    contact_language: Option<String>,
    default_language: String,
}

impl Context {
    /// The language Parlor's emails to this conversation's visitor are written in.
    fn visitor_tr(&self) -> Tr {
        Tr::for_visitor(&[self.contact_language.as_deref()], &self.default_language)
    }
}

fn load_context(conn: &mut PgConnection, workspace_id: WorkspaceId, id: ConversationId) -> Result<Option<Context>, AppError> {
    Ok(conversations::table
        .inner_join(contacts::table)
        .inner_join(workspaces::table)
        .filter(conversations::workspace_id.eq(workspace_id))
        .filter(conversations::id.eq(id))
        .select((
            workspaces::name,
            contacts::name,
            contacts::email,
            contacts::current_url,
            conversations::assignee_id,
            conversations::visitor_read_seq,
            conversations::agent_read_seq,
            conversations::channel,
            contacts::language,
            workspaces::default_language,
        ))
        .first::<Context>(conn)
        .optional()?)
}

impl Range {
    /// The range's messages past what the reader has seen (`read`) that `keep` accepts.
    fn unseen(
        &self,
        conn: &mut PgConnection,
        workspace_id: WorkspaceId,
        read: i64,
        keep: impl Fn(&Message) -> bool,
    ) -> Result<Vec<Message>, AppError> {
        let after = self.from_seq.max(read);
        let messages =
            messages_after(conn, workspace_id, Audience::Agents, self.conversation_id, after, Some(self.through_seq), QUOTED_MAX)?;
        Ok(messages.into_iter().filter(|m| keep(m)).collect())
    }
}

fn range_id(job: &ClaimedJob) -> Result<ConversationId, AppError> {
    Ok(parse_range(job)?.conversation_id)
}

fn parse_range(job: &ClaimedJob) -> Result<Range, AppError> {
    serde_json::from_value(job.payload.clone()).map_err(|e| AppError::internal(anyhow::anyhow!("bad job payload: {e}")))
}

fn inbox_link(state: &AppState, workspace_id: WorkspaceId, conversation_id: ConversationId) -> String {
    conversation_link(&state.settings.public_base(), workspace_id, conversation_id)
}

fn conversation_link(base: &str, workspace_id: WorkspaceId, conversation_id: ConversationId) -> String {
    format!("{base}/app/{workspace_id}/inbox/{conversation_id}")
}

/// Where a member chooses their notifications in the workspace.
fn notifications_link(base: &str, workspace_id: WorkspaceId) -> String {
    format!("{base}/app/{workspace_id}/settings/notifications")
}

/// Emails the visitor the agents' replies of the range they still have not seen. When the
/// conversation was resolved and its visitor is still to be asked for a rating
/// ([`ratings::askable`]), the same email asks it (or asks it alone, when the replies were read
/// meanwhile): one email, not two.
pub async fn reply_follow_up(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    let range = parse_range(job)?;
    let workspace_id = job.workspace_id;
    let (base, links) = (state.settings.public_base(), RatingLinks::new(state.settings.secret_bytes()));
    let settings = state.settings.clone();
    let found = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let Some(context) = load_context(conn, workspace_id, range.conversation_id)? else { return Ok(None) };
            let by_email = context.channel == "email";
            let replies = range
                .unseen(conn, workspace_id, context.visitor_read_seq, |m| m.author_kind == AuthorKind::Agent && !m.private && !by_email)?;
            let id = range.conversation_id;
            let Some(askable) = ratings::askable(conn, workspace_id, id)? else { return Ok(Some((context, replies))) };
            if queue::exists(conn, workspace_id, &ratings::request_email_key(id))? {
                return Ok(Some((context, replies)));
            }
            let tr = context.visitor_tr();
            let question = rating_question(tr, &links, &base, workspace_id, id, askable.resolved_at);
            let (to, name) = (&askable.contact_email, askable.contact_name.as_deref());
            let message = if replies.is_empty() {
                email::rating_request(tr, to, &askable.workspace_name, name, &question)?
            } else {
                let by_email = settings.inbound.is_some();
                email::reply_follow_up(
                    tr,
                    by_email,
                    to,
                    &askable.workspace_name,
                    name,
                    &replies,
                    context.page_url.as_deref(),
                    Some(&question),
                )?
            };
            enqueue_rating_email(conn, &settings, workspace_id, id, message)?;
            tracing::info!(replies = replies.len(), "the rating question goes with the reply follow-up");
            Ok::<_, AppError>(None)
        })
    })
    .await?;
    let Some((context, replies)) = found else { return Ok(()) };
    let Some(to) = context.contact_email.as_deref() else { return Ok(()) };
    if replies.is_empty() {
        return Ok(());
    }
    let mut message = email::reply_follow_up(
        context.visitor_tr(),
        state.settings.inbound.is_some(),
        to,
        &context.workspace_name,
        context.contact_name.as_deref(),
        &replies,
        context.page_url.as_deref(),
        None,
    )?;
    let (settings, id) = (state.settings.clone(), range_id(job)?);
    let message = db::run(&state.pool, move |conn| {
        email::thread::thread(conn, &settings, workspace_id, id, None, &mut message)?;
        Ok(message)
    })
    .await?;
    state.mailer.send(message).await.map_err(AppError::internal)?;
    tracing::info!(replies = replies.len(), "reply follow-up emailed to the visitor");
    Ok(())
}

/// Who hears about a conversation: its assignee, or every member when nobody is assigned.
///
/// An assignee's own choice for their conversations governs this notice too: one who turned
/// off email for visitors writing in their conversations gets none, and one who was just
/// emailed about this conversation (within [`NEW_MESSAGE_EMAIL_INTERVAL_MINUTES`]) does not get
/// a second email about the same messages.
fn recipients(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    conversation_id: ConversationId,
    assignee: Option<UserId>,
) -> Result<Vec<(String, Tr)>, AppError> {
    use crate::db::schema::new_message_emails as sent;
    use diesel::dsl::{exists, not};
    let recently = time::OffsetDateTime::now_utc() - time::Duration::minutes(i64::from(NEW_MESSAGE_EMAIL_INTERVAL_MINUTES));
    let mut query = memberships::table.inner_join(users::table).filter(memberships::workspace_id.eq(workspace_id)).into_boxed();
    if let Some(assignee) = assignee {
        let just_emailed = sent::table
            .filter(sent::workspace_id.eq(workspace_id))
            .filter(sent::conversation_id.eq(conversation_id))
            .filter(sent::user_id.eq(assignee))
            .filter(sent::sent_at.gt(recently));
        query = query
            .filter(memberships::user_id.eq(assignee))
            .filter(memberships::email_new_message.eq(true))
            .filter(not(exists(just_emailed)));
    }
    let found: Vec<(String, String)> = query.select((users::email, users::language)).load(conn)?;
    Ok(found.into_iter().map(|(email, language)| (email, Tr::from_code(&language))).collect())
}

/// Emails the agents the visitor messages of the range that nobody has read yet.
pub async fn unread_notice(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    let range = parse_range(job)?;
    let (workspace_id, conversation_id, outside_hours) = (job.workspace_id, range.conversation_id, range.reason == "outside_hours");
    let found = db::run(&state.pool, move |conn| {
        let Some(context) = load_context(conn, workspace_id, range.conversation_id)? else { return Ok(None) };
        let unread = range.unseen(conn, workspace_id, context.agent_read_seq, |m| m.author_kind == AuthorKind::Visitor)?;
        let to = if unread.is_empty() { Vec::new() } else { recipients(conn, workspace_id, conversation_id, context.assignee)? };
        Ok(Some((context, unread, to)))
    })
    .await?;
    let Some((context, unread, to)) = found else { return Ok(()) };
    let link = inbox_link(state, workspace_id, conversation_id);
    let mut emails = Vec::with_capacity(to.len());
    for (address, tr) in &to {
        emails.push(email::unread_notice(
            *tr,
            address,
            &context.workspace_name,
            context.contact_name.as_deref(),
            &unread,
            &link,
            outside_hours,
        )?);
    }
    fan_out(state, job, emails).await?;
    tracing::info!(messages = unread.len(), agents = to.len(), "unread visitor messages: an email for each agent enqueued");
    Ok(())
}

/// At most this many conversations are described in one digest; the inbox has the rest.
const DIGEST_MAX: usize = 20;

/// Emails the members who opted in the conversations started since the last such email: the
/// pending notes are taken and the emails enqueued in one transaction, so a retry after a
/// crash sends each conversation once, and one that started meanwhile waits for the next job.
pub async fn new_conversation(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    use crate::db::schema::pending_conversation_notices as pending;
    let (workspace_id, parent) = (job.workspace_id, job.id);
    let base = state.settings.public_base();
    db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let taken: Vec<ConversationId> = diesel::delete(pending::table.filter(pending::workspace_id.eq(workspace_id)))
                .returning(pending::conversation_id)
                .get_results(conn)?;
            let mut started = Vec::new();
            let mut workspace_name = String::new();
            for conversation_id in taken {
                let Some(context) = load_context(conn, workspace_id, conversation_id)? else { continue };
                let first = messages_after(conn, workspace_id, Audience::Agents, conversation_id, 0, Some(1), 1)?;
                let Some(first) = first.into_iter().next() else { continue };
                workspace_name = context.workspace_name;
                started.push((context.contact_name, first, conversation_link(&base, workspace_id, conversation_id)));
            }
            if started.is_empty() {
                return Ok(());
            }
            started.sort_by_key(|(_, first, _)| first.created_at);
            let to: Vec<(String, String)> = memberships::table
                .inner_join(users::table)
                .filter(memberships::workspace_id.eq(workspace_id))
                .filter(memberships::email_new_conversations.eq(true))
                .select((users::email, users::language))
                .load(conn)?;
            let digest: Vec<email::StartedConversation> = started
                .iter()
                .take(DIGEST_MAX)
                .map(|(visitor, first, link)| email::StartedConversation {
                    visitor: visitor.clone(),
                    body: first.body.chars().take(300).collect(),
                    link: link.clone(),
                })
                .collect();
            let settings_link = notifications_link(&base, workspace_id);
            let mut emails = Vec::with_capacity(to.len());
            for (address, language) in &to {
                let tr = Tr::from_code(language);
                emails.push(match started.as_slice() {
                    [(visitor, first, link)] => {
                        email::new_conversation(tr, address, &workspace_name, visitor.as_deref(), first, link, &settings_link)?
                    }
                    _ => email::new_conversations(tr, address, &workspace_name, &digest, &settings_link)?,
                });
            }
            enqueue_sends(conn, workspace_id, parent, &emails)?;
            tracing::info!(conversations = started.len(), recipients = to.len(), "new-conversation notice enqueued");
            Ok::<_, AppError>(())
        })
    })
    .await
}

/// A member a notice is about, as they are when the job runs.
struct Addressee {
    email: String,
    tr: Tr,
    /// Their inbox is open on some instance and they are not away.
    connected: bool,
}

/// The conversation's assignee, if that is still `user_id`, they are still a member and they
/// still want the email of `event`; `None` otherwise (the job then sends nothing).
fn assignee_wanting(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    context: &Context,
    user_id: UserId,
    event: Event,
) -> Result<Option<Addressee>, AppError> {
    if context.assignee != Some(user_id) {
        return Ok(None);
    }
    let wants = match Preferences::load(conn, workspace_id, user_id) {
        Ok(preferences) => preferences.wants(event, Channel::Email),
        Err(AppError::NotFound) => false,
        Err(error) => return Err(error),
    };
    if !wants {
        return Ok(None);
    }
    let (email, language, away, online_until): (String, String, bool, Option<time::OffsetDateTime>) = memberships::table
        .inner_join(users::table)
        .filter(memberships::workspace_id.eq(workspace_id))
        .filter(memberships::user_id.eq(user_id))
        .select((users::email, users::language, memberships::away, memberships::online_until))
        .first(conn)?;
    let connected = !away && online_until.is_some_and(|until| until > time::OffsetDateTime::now_utc());
    Ok(Some(Addressee { email, tr: Tr::from_code(&language), connected }))
}

#[derive(Deserialize)]
struct AssignedJob {
    conversation_id: ConversationId,
    user_id: UserId,
    /// The member who assigned it; `None` for auto-assignment.
    assigned_by: Option<String>,
}

/// Messages an assignment email quotes: the conversation's latest.
const ASSIGNED_QUOTED: i64 = 5;

/// Emails a member that a conversation was assigned to them, unless it went to someone else
/// since, they left the workspace or they no longer want this email.
pub async fn assigned_notice(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    let AssignedJob { conversation_id, user_id, assigned_by } =
        serde_json::from_value(job.payload.clone()).map_err(|e| AppError::internal(anyhow::anyhow!("bad job payload: {e}")))?;
    let workspace_id = job.workspace_id;
    let found = db::run(&state.pool, move |conn| {
        let Some(context) = load_context(conn, workspace_id, conversation_id)? else { return Ok(None) };
        let Some(addressee) = assignee_wanting(conn, workspace_id, &context, user_id, Event::Assigned)? else { return Ok(None) };
        let after = (last_seq(conn, workspace_id, conversation_id)? - ASSIGNED_QUOTED).max(0);
        let latest = messages_after(conn, workspace_id, Audience::Agents, conversation_id, after, None, ASSIGNED_QUOTED)?;
        Ok(Some((context, addressee, latest)))
    })
    .await?;
    let Some((context, addressee, latest)) = found else { return Ok(()) };
    let base = state.settings.public_base();
    let message = email::assigned(
        addressee.tr,
        &addressee.email,
        &context.workspace_name,
        context.contact_name.as_deref(),
        assigned_by.as_deref(),
        &latest,
        &conversation_link(&base, workspace_id, conversation_id),
        &notifications_link(&base, workspace_id),
    )?;
    state.mailer.send(message).await.map_err(AppError::internal)?;
    tracing::info!(conversation.id = %conversation_id, "assignment emailed to the assignee");
    Ok(())
}

fn last_seq(conn: &mut PgConnection, workspace_id: WorkspaceId, conversation_id: ConversationId) -> Result<i64, AppError> {
    Ok(conversations::table
        .filter(conversations::workspace_id.eq(workspace_id))
        .filter(conversations::id.eq(conversation_id))
        .select(conversations::last_seq)
        .first(conn)?)
}

#[derive(Deserialize)]
struct NewMessageJob {
    conversation_id: ConversationId,
    user_id: UserId,
    /// The visitor's message that set the notice off.
    seq: i64,
}

/// Emails an assignee who is still offline or away the visitor messages of their conversation
/// that no agent has read (the latest [`QUOTED_MAX`] messages at most: those the interval held
/// back come along), unless the conversation went to someone else, they left the workspace or
/// no longer want this email. The interval between two of these was claimed when the job was
/// enqueued ([`crate::conversations::notices`]).
pub async fn new_message_notice(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    let NewMessageJob { conversation_id, user_id, seq } =
        serde_json::from_value(job.payload.clone()).map_err(|e| AppError::internal(anyhow::anyhow!("bad job payload: {e}")))?;
    let workspace_id = job.workspace_id;
    let found = db::run(&state.pool, move |conn| {
        let Some(context) = load_context(conn, workspace_id, conversation_id)? else { return Ok(None) };
        let Some(addressee) = assignee_wanting(conn, workspace_id, &context, user_id, Event::NewMessage)? else { return Ok(None) };
        if addressee.connected {
            return Ok(None);
        }
        // Read since the notice was enqueued: nothing to tell.
        if context.agent_read_seq >= seq {
            return Ok(None);
        }
        let after = (last_seq(conn, workspace_id, conversation_id)? - QUOTED_MAX).max(context.agent_read_seq);
        let unread = messages_after(conn, workspace_id, Audience::Agents, conversation_id, after, None, QUOTED_MAX)?;
        let unread: Vec<Message> = unread.into_iter().filter(|m| m.author_kind == AuthorKind::Visitor).collect();
        Ok(Some((context, addressee, unread)))
    })
    .await?;
    let Some((context, addressee, unread)) = found else { return Ok(()) };
    if unread.is_empty() {
        return Ok(());
    }
    let base = state.settings.public_base();
    let message = email::new_message(
        addressee.tr,
        &addressee.email,
        &context.workspace_name,
        context.contact_name.as_deref(),
        &unread,
        &conversation_link(&base, workspace_id, conversation_id),
        &notifications_link(&base, workspace_id),
        NEW_MESSAGE_EMAIL_INTERVAL_MINUTES,
    )?;
    state.mailer.send(message).await.map_err(AppError::internal)?;
    tracing::info!(conversation.id = %conversation_id, messages = unread.len(), "new visitor message emailed to the assignee");
    Ok(())
}

/// Emails the workspace's owners that a payment failed, with the way to fix it.
pub async fn payment_failed(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    let workspace_id = job.workspace_id;
    let (workspace_name, owners) = db::run(&state.pool, move |conn| {
        let name: String = workspaces::table.find(workspace_id).select(workspaces::name).first(conn)?;
        let owners: Vec<(String, String)> = memberships::table
            .inner_join(users::table)
            .filter(memberships::workspace_id.eq(workspace_id))
            .filter(memberships::role.eq("owner"))
            .select((users::email, users::language))
            .load(conn)?;
        Ok((name, owners))
    })
    .await?;
    let link = format!("{}/app/{workspace_id}/billing", state.settings.public_base());
    let emails = owners
        .iter()
        .map(|(owner, language)| email::payment_failed(Tr::from_code(language), owner, &workspace_name, &link))
        .collect::<Result<Vec<_>, _>>()?;
    fan_out(state, job, emails).await
}

#[derive(Deserialize)]
struct TranscriptJob {
    conversation_id: ConversationId,
    to: String,
}

/// The most messages one transcript holds: the first ones, in order.
const TRANSCRIPT_MAX: i64 = 2_000;

/// Emails a visitor the conversation they asked for, as they see it (no internal notes). The
/// request was limited when enqueued; a retry of this job sends the same email.
pub async fn transcript(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    let TranscriptJob { conversation_id, to } =
        serde_json::from_value(job.payload.clone()).map_err(|e| AppError::internal(anyhow::anyhow!("bad job payload: {e}")))?;
    let workspace_id = job.workspace_id;
    let found = db::run(&state.pool, move |conn| {
        let Some(context) = load_context(conn, workspace_id, conversation_id)? else { return Ok(None) };
        let mut messages = Vec::new();
        let mut after = 0;
        while (messages.len() as i64) < TRANSCRIPT_MAX {
            let page = messages_after(conn, workspace_id, Audience::Agents, conversation_id, after, None, 500)?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            messages.extend(page.into_iter().filter(|m| !m.private));
        }
        messages.truncate(TRANSCRIPT_MAX as usize);
        Ok(Some((context, messages)))
    })
    .await?;
    // Deleted since: nothing to send.
    let Some((context, messages)) = found else { return Ok(()) };
    let mut message = email::transcript(context.visitor_tr(), &to, &context.workspace_name, context.contact_name.as_deref(), &messages)?;
    let settings = state.settings.clone();
    let message = db::run(&state.pool, move |conn| {
        email::thread::thread(conn, &settings, workspace_id, conversation_id, None, &mut message)?;
        Ok(message)
    })
    .await?;
    state.mailer.send(message).await.map_err(AppError::internal)?;
    tracing::info!(messages = messages.len(), "transcript emailed to the visitor");
    Ok(())
}

/// One send job per email, keyed by this job and the recipient, in one transaction.
async fn fan_out(state: &web::Data<AppState>, job: &ClaimedJob, emails: Vec<email::Email>) -> Result<(), AppError> {
    let (workspace_id, parent) = (job.workspace_id, job.id);
    db::run(&state.pool, move |conn| conn.build_transaction().run(|conn| enqueue_sends(conn, workspace_id, parent, &emails))).await
}

/// One send job per email under the notice job `parent`, in the caller's transaction.
fn enqueue_sends(conn: &mut PgConnection, workspace_id: WorkspaceId, parent: uuid::Uuid, emails: &[email::Email]) -> Result<(), AppError> {
    for email in emails {
        let payload = serde_json::to_value(email).map_err(AppError::internal)?;
        enqueue(
            conn,
            workspace_id,
            JobKind::SendEmail,
            // The address hashed: keys stay short whatever the address's length.
            &format!("email:{parent}:{}", hex_digest(&email.to)),
            payload,
            time::OffsetDateTime::now_utc(),
        )?;
    }
    Ok(())
}

/// Sends one email written by a notice job.
pub async fn send_email(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    let email: email::Email =
        serde_json::from_value(job.payload.clone()).map_err(|e| AppError::internal(anyhow::anyhow!("bad job payload: {e}")))?;
    state.mailer.send(email).await.map_err(AppError::internal)
}

fn hex_digest(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

/// The rating email's question: a link per score to the rating page of conversation `id`,
/// working until [`ratings::CHANGE_WINDOW_DAYS`] after its resolution.
fn rating_question(
    tr: Tr,
    links: &RatingLinks,
    base: &str,
    workspace_id: WorkspaceId,
    id: ConversationId,
    resolved_at: time::OffsetDateTime,
) -> email::RatingQuestion {
    let expires = resolved_at + time::Duration::days(ratings::CHANGE_WINDOW_DAYS);
    let token = links.token(workspace_id, id, expires);
    let choices = (ratings::SCORE_MIN..=ratings::SCORE_MAX)
        .map(|score| (score, tr.t(&format!("rating-words-{score}")), format!("{base}/rate/{token}?score={score}")))
        .collect();
    email::RatingQuestion { choices, until: crate::web::utc_minute(expires) }
}

/// Queues the one email that asks conversation `id`'s visitor for a rating, under the key that
/// says they were asked.
fn enqueue_rating_email(
    conn: &mut PgConnection,
    settings: &Settings,
    workspace_id: WorkspaceId,
    id: ConversationId,
    mut message: email::Email,
) -> Result<(), AppError> {
    email::thread::thread(conn, settings, workspace_id, id, None, &mut message)?;
    let payload = serde_json::to_value(&message).map_err(AppError::internal)?;
    let now = time::OffsetDateTime::now_utc();
    enqueue(conn, workspace_id, JobKind::SendEmail, &ratings::request_email_key(id), payload, now)?;
    Ok(())
}

#[derive(Deserialize)]
struct RatingJob {
    conversation_id: ConversationId,
}

/// Asks the visitor of a resolved conversation for a rating by email, once the workspace's
/// follow-up delay has passed since the resolution: unless they rated it meanwhile, it was
/// reopened, the workspace stopped asking, or they were asked already
/// ([`ratings::askable`], [`ratings::request_email_key`]). Agent replies they have not seen
/// go in the same email: when a follow-up of them is queued, it asks the question
/// ([`reply_follow_up`]); when they are not followed up yet, this job queues that follow-up
/// now, as the sweep would, and leaves the question to it.
pub async fn rating_request(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    let RatingJob { conversation_id: id } =
        serde_json::from_value(job.payload.clone()).map_err(|e| AppError::internal(anyhow::anyhow!("bad job payload: {e}")))?;
    let workspace_id = job.workspace_id;
    let (base, links) = (state.settings.public_base(), RatingLinks::new(state.settings.secret_bytes()));
    let settings = state.settings.clone();
    db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            // Locks the conversation: a follow-up job running now waits, then finds the question asked.
            let Some(askable) = ratings::askable(conn, workspace_id, id)? else { return Ok(()) };
            if queue::exists(conn, workspace_id, &ratings::request_email_key(id))? {
                return Ok(());
            }
            let pending_follow_up = jobs::table
                .filter(jobs::workspace_id.eq(workspace_id))
                .filter(jobs::kind.eq(JobKind::ReplyFollowUp.as_str()))
                .filter(jobs::dedupe_key.like(format!("follow_up:{id}:%")))
                .filter(jobs::done_at.is_null())
                .filter(jobs::failed_at.is_null());
            if diesel::select(diesel::dsl::exists(pending_follow_up)).get_result(conn)? {
                return Ok(());
            }
            let (last_seq, read, emailed): (i64, i64, i64) = conversations::table
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::id.eq(id))
                .select((conversations::last_seq, conversations::visitor_read_seq, conversations::visitor_emailed_seq))
                .first(conn)?;
            if read < last_seq && emailed < last_seq {
                diesel::update(conversations::table.filter(conversations::workspace_id.eq(workspace_id)).filter(conversations::id.eq(id)))
                    .set(conversations::visitor_emailed_seq.eq(last_seq))
                    .execute(conn)?;
                enqueue(
                    conn,
                    workspace_id,
                    JobKind::ReplyFollowUp,
                    &format!("follow_up:{id}:{last_seq}"),
                    serde_json::json!({ "conversation_id": id, "from_seq": read.max(emailed), "through_seq": last_seq }),
                    time::OffsetDateTime::now_utc(),
                )?;
                return Ok(());
            }
            let Some(context) = load_context(conn, workspace_id, id)? else { return Ok(()) };
            let tr = context.visitor_tr();
            let question = rating_question(tr, &links, &base, workspace_id, id, askable.resolved_at);
            let message =
                email::rating_request(tr, &askable.contact_email, &askable.workspace_name, askable.contact_name.as_deref(), &question)?;
            enqueue_rating_email(conn, &settings, workspace_id, id, message)?;
            tracing::info!(conversation.id = %id, "rating request emailed to the visitor");
            Ok::<_, AppError>(())
        })
    })
    .await
}

#[derive(Deserialize)]
struct EmailReplyJob {
    message_id: crate::db::MessageId,
}

/// Emails the contact of a conversation that started by email an agent's public reply, at
/// once, as an answer in the thread of their emails (`Re: <subject>`, the conversation's
/// `Reply-To`). Keyed by the message, and a retry sends the same email: its Message-ID is kept
/// in the job's own record.
pub async fn email_reply(state: &web::Data<AppState>, job: &ClaimedJob) -> Result<(), AppError> {
    use crate::db::schema::messages;
    let EmailReplyJob { message_id } =
        serde_json::from_value(job.payload.clone()).map_err(|e| AppError::internal(anyhow::anyhow!("bad job payload: {e}")))?;
    let workspace_id = job.workspace_id;
    let settings = state.settings.clone();
    let message = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let found: Option<(ConversationId, i64)> = messages::table
                .filter(messages::workspace_id.eq(workspace_id))
                .filter(messages::id.eq(message_id))
                .filter(messages::author_kind.eq(AuthorKind::Agent.as_str()))
                .filter(messages::private.eq(false))
                .select((messages::conversation_id, messages::seq))
                .first(conn)
                .optional()?;
            let Some((conversation_id, seq)) = found else { return Ok(None) };
            let Some(context) = load_context(conn, workspace_id, conversation_id)? else { return Ok(None) };
            let Some(to) = context.contact_email.clone() else { return Ok(None) };
            if context.channel != "email" {
                return Ok(None);
            }
            // Sent before (a retry after the email went out but the job was not marked done).
            let sent: Option<String> = crate::db::schema::email_messages::table
                .filter(crate::db::schema::email_messages::workspace_id.eq(workspace_id))
                .filter(crate::db::schema::email_messages::message_id.eq(message_id))
                .filter(crate::db::schema::email_messages::direction.eq("out"))
                .select(crate::db::schema::email_messages::rfc_message_id)
                .first(conn)
                .optional()?;
            let subject: Option<String> = conversations::table
                .filter(conversations::workspace_id.eq(workspace_id))
                .filter(conversations::id.eq(conversation_id))
                .select(conversations::email_subject)
                .first(conn)?;
            let reply = messages_after(conn, workspace_id, Audience::Agents, conversation_id, seq - 1, Some(seq), 1)?;
            let Some(reply) = reply.into_iter().next() else { return Ok(None) };
            let mut message = email::agent_reply(context.visitor_tr(), &to, &context.workspace_name, subject.as_deref(), &reply)?;
            email::thread::thread(conn, &settings, workspace_id, conversation_id, Some(message_id), &mut message)?;
            if let Some(first_id) = sent {
                // Keeps the first attempt's id, so the visitor's mail program sees one email.
                diesel::delete(
                    crate::db::schema::email_messages::table
                        .filter(crate::db::schema::email_messages::workspace_id.eq(workspace_id))
                        .filter(crate::db::schema::email_messages::rfc_message_id.eq(message.message_id.clone().unwrap_or_default())),
                )
                .execute(conn)?;
                message.references.retain(|id| *id != first_id);
                message.message_id = Some(first_id);
            }
            Ok::<_, AppError>(Some(message))
        })
    })
    .await?;
    let Some(message) = message else { return Ok(()) };
    state.mailer.send(message).await.map_err(AppError::internal)?;
    tracing::info!(message.id = %message_id, "agent reply emailed to the contact");
    Ok(())
}
