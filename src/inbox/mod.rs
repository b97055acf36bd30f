//! The agent inbox: the conversation list (views, statuses, keyset pages, live updates), a
//! conversation with its history and contact panel, the actions on it (reply, assign, status,
//! snooze, contact edits), search, and canned responses ([`canned`]).
//!
//! Tenant rule: every handler takes a [`Member`], whose `WorkspaceId` every query takes; a
//! conversation or contact of another workspace answers 404.
//!
//! Pages are server-rendered and work without JavaScript; `static/inbox.js` adds the live
//! parts over the agent's WebSocket (new messages, typing, presence, replies with client ids).

pub mod canned;
pub mod queries;
pub mod snooze;

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use self::{
    canned::CannedResponse,
    queries::{ContactDetails, ConversationRow, View},
};
use crate::{
    auth::{CsrfForm, CsrfToken, Member},
    conversations::{self, Audience, Author, Conversation, Message, writer::NewMessage},
    db::{self, ContactId, ConversationId, UserId, schema::conversations as conversations_table},
    error::AppError,
    realtime::{hub::Recipients, protocol::ServerFrame},
    state::AppState,
    web::{Nav, Shell, render, see_other},
    workspaces::{MemberListing, Workspace},
};

/// Messages per page of a conversation's history.
const HISTORY_PAGE: i64 = 50;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/inbox", web::get().to(list_page))
        .route("/app/{workspace_id}/inbox/search", web::get().to(search_page))
        .route("/app/{workspace_id}/inbox/rows/{conversation_id}", web::get().to(row_fragment))
        .route("/app/{workspace_id}/inbox/{conversation_id}", web::get().to(conversation_page))
        .route("/app/{workspace_id}/inbox/{conversation_id}/history", web::get().to(history_fragment))
        .route("/app/{workspace_id}/inbox/{conversation_id}/reply", web::post().to(reply))
        .route("/app/{workspace_id}/inbox/{conversation_id}/assign", web::post().to(assign))
        .route("/app/{workspace_id}/inbox/{conversation_id}/status", web::post().to(set_status))
        .route("/app/{workspace_id}/contacts/{contact_id}", web::post().to(edit_contact))
        .configure(canned::configure);
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    view: Option<String>,
    status: Option<String>,
    after: Option<String>,
    notice: Option<String>,
}

/// A row as the list shows it.
pub struct RowView {
    pub id: Uuid,
    pub contact_id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub preview: String,
    pub preview_prefix: &'static str,
    pub unread: i64,
    pub when: String,
    pub when_iso: String,
    pub status: String,
    pub assignee_id: Option<Uuid>,
    pub assignee_name: Option<String>,
    pub online: bool,
    pub selected: bool,
}

fn describe_time(at: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[month repr:short] [day padding:none], [hour]:[minute] UTC");
    at.format(&format).unwrap_or_default()
}

fn iso(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

fn preview_text(body: &str) -> String {
    let line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 90 { format!("{}…", line.chars().take(89).collect::<String>()) } else { line }
}

impl RowView {
    fn from_row(state: &AppState, row: ConversationRow, selected: Option<Uuid>) -> Self {
        let preview_prefix = match (row.last_author_kind.as_deref(), row.last_private) {
            (_, Some(true)) => "Note: ",
            (Some("agent"), _) => "Agent: ",
            _ => "",
        };
        RowView {
            id: row.id,
            contact_id: row.contact_id,
            name: row.contact_name.clone().unwrap_or_else(|| queries::friendly_name(row.contact_id)),
            email: row.contact_email.clone(),
            preview: row.last_body.as_deref().map(preview_text).unwrap_or_default(),
            preview_prefix,
            unread: row.unread,
            when: describe_time(row.last_message_at),
            when_iso: iso(row.last_message_at),
            status: row.status.clone(),
            assignee_id: row.assignee_id,
            assignee_name: row.assignee_name.clone(),
            online: state.realtime.hub.visitor_connected(ContactId(row.contact_id)),
            selected: selected == Some(row.id),
        }
    }
}

/// The list column, shared by the list page and the conversation page.
pub struct ListPane {
    pub view: &'static str,
    pub status: &'static str,
    pub rows: Vec<RowView>,
    pub next: Option<String>,
    pub counts: (i64, i64, i64),
    pub query: String,
}

impl ListPane {
    pub fn count_label(count: impl std::borrow::Borrow<i64>) -> String {
        let count = *count.borrow();
        if count >= 100 { "99+".into() } else { count.to_string() }
    }

    /// The list's own query string, to keep the list as it is when opening a conversation.
    pub fn keep(&self) -> String {
        format!("view={}&status={}", self.view, self.status)
    }
}

async fn load_list(state: &web::Data<AppState>, member: &Member, query: &ListQuery, selected: Option<Uuid>) -> Result<ListPane, AppError> {
    let (workspace_id, me) = (member.workspace_id(), member.current.user.id);
    let view = View::parse(query.view.as_deref());
    let status = queries::parse_status(query.status.as_deref());
    let cursor = match query.after.as_deref() {
        Some(text) => Some(queries::parse_cursor(text).ok_or_else(|| AppError::bad_request("This page link is not valid."))?),
        None => None,
    };
    let ((rows, more), counts) = db::run(&state.pool, move |conn| {
        queries::wake_snoozed(conn, workspace_id)?;
        Ok((queries::list(conn, workspace_id, me, view, status, cursor)?, queries::open_counts(conn, workspace_id, me)?))
    })
    .await?;
    let next = if more { rows.last().map(ConversationRow::cursor) } else { None };
    let rows = rows.into_iter().map(|row| RowView::from_row(state, row, selected)).collect();
    Ok(ListPane { view: view.as_str(), status, rows, next, counts, query: String::new() })
}

#[derive(Template)]
#[template(path = "app/inbox.html")]
struct InboxPage {
    shell: Shell,
    list: ListPane,
    open: Option<OpenConversation>,
    away: bool,
    /// The workspace's canned responses, as JSON for the composer.
    canned_json: String,
    me: UserId,
}

/// The conversation shown beside the list.
pub struct OpenConversation {
    pub conversation: Conversation,
    pub name: String,
    pub contact: ContactDetails,
    pub messages: Vec<MessageView>,
    pub older: Option<i64>,
    pub members: Vec<MemberListing>,
    pub past: Vec<Conversation>,
    pub snoozed_until: Option<String>,
    pub visitor_read_seq: i64,
    pub online: bool,
    pub first_seen: String,
    pub error: Option<String>,
}

impl OpenConversation {
    pub fn is_assignee(&self, user: impl std::borrow::Borrow<UserId>) -> bool {
        self.conversation.assignee_id.as_ref() == Some(user.borrow())
    }

    /// The custom attributes the website sent, as text.
    pub fn attributes(&self) -> Vec<(String, String)> {
        let Some(map) = self.contact.attributes.as_object() else { return Vec::new() };
        map.iter()
            .map(|(key, value)| {
                let text = match value {
                    serde_json::Value::String(text) => text.clone(),
                    other => other.to_string(),
                };
                (key.clone(), text)
            })
            .collect()
    }
}

pub struct MessageView {
    pub seq: i64,
    pub kind: &'static str,
    pub author: String,
    pub body: String,
    pub private: bool,
    pub when: String,
    pub when_iso: String,
}

impl MessageView {
    fn from_message(message: Message, visitor_name: &str) -> Self {
        MessageView {
            seq: message.seq,
            kind: message.author_kind.as_str(),
            author: match message.author_kind.as_str() {
                "visitor" => visitor_name.to_string(),
                _ => message.author_name.clone().unwrap_or_else(|| "Parlor".into()),
            },
            when: describe_time(message.created_at),
            when_iso: iso(message.created_at),
            private: message.private,
            body: message.body,
        }
    }
}

async fn list_page(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let list = load_list(&state, &member, &query, None).await?;
    render_inbox(&state, &member, csrf, list, None, query.notice.as_deref(), StatusCode::OK).await
}

async fn render_inbox(
    state: &web::Data<AppState>,
    member: &Member,
    csrf: CsrfToken,
    list: ListPane,
    open: Option<OpenConversation>,
    notice: Option<&str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (workspace_id, me) = (member.workspace_id(), member.current.user.id);
    let (away, canned) =
        db::run(&state.pool, move |conn| Ok((Workspace::is_away(conn, workspace_id, me)?, CannedResponse::list(conn, workspace_id)?)))
            .await?;
    let shell = Shell::load(state, member, csrf, Nav::Inbox, notice).await?;
    let canned_json = serde_json::to_string(&canned).unwrap_or_else(|_| "[]".into());
    render(status, &InboxPage { shell, list, open, away, canned_json, me })
}

async fn load_conversation(
    state: &web::Data<AppState>,
    member: &Member,
    conversation_id: ConversationId,
) -> Result<OpenConversation, AppError> {
    let workspace_id = member.workspace_id();
    let (conversation, state_row, contact, messages, members, past) = db::run(&state.pool, move |conn| {
        let conversation = Conversation::find(conn, workspace_id, Audience::Agents, conversation_id)?.ok_or(AppError::NotFound)?;
        let state_row = queries::state(conn, workspace_id, conversation_id)?.ok_or(AppError::NotFound)?;
        let contact = queries::contact(conn, workspace_id, conversation.contact_id)?.ok_or(AppError::NotFound)?;
        let after = (conversation.last_seq - HISTORY_PAGE).max(0);
        let messages = conversations::messages_after(conn, workspace_id, Audience::Agents, conversation_id, after, None, HISTORY_PAGE)?;
        let members = Workspace::members(conn, workspace_id)?;
        let past = Conversation::list_for_contact(conn, workspace_id, conversation.contact_id)?;
        Ok((conversation, state_row, contact, messages, members, past))
    })
    .await?;
    let name = contact.name.clone().unwrap_or_else(|| queries::friendly_name(contact.id.0));
    let older = messages.first().map(|m| m.seq).filter(|&seq| seq > 1);
    Ok(OpenConversation {
        online: state.realtime.hub.visitor_connected(contact.id),
        first_seen: describe_time(contact.created_at),
        messages: messages.into_iter().map(|m| MessageView::from_message(m, &name)).collect(),
        past: past.into_iter().filter(|c| c.id != conversation.id).collect(),
        snoozed_until: state_row.snoozed_until.map(describe_time),
        visitor_read_seq: state_row.visitor_read_seq,
        conversation,
        name,
        contact,
        older,
        members,
        error: None,
    })
}

async fn conversation_page(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let conversation_id = ConversationId(path.1);
    let open = load_conversation(&state, &member, conversation_id).await?;
    let list = load_list(&state, &member, &query, Some(conversation_id.0)).await?;
    render_inbox(&state, &member, csrf, list, Some(open), query.notice.as_deref(), StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "app/inbox_row.html")]
struct RowFragment {
    row: RowView,
    workspace_id: Uuid,
    keep: String,
}

#[derive(Deserialize)]
pub struct RowQuery {
    view: Option<String>,
    status: Option<String>,
}

/// One row of the list, for `inbox.js` to insert or replace when something happens.
async fn row_fragment(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<RowQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let conversation_id = ConversationId(path.1);
    let row = db::run(&state.pool, move |conn| queries::row(conn, workspace_id, conversation_id)).await?.ok_or(AppError::NotFound)?;
    let keep = format!("view={}&status={}", View::parse(query.view.as_deref()).as_str(), queries::parse_status(query.status.as_deref()));
    render(StatusCode::OK, &RowFragment { row: RowView::from_row(&state, row, None), workspace_id: workspace_id.0, keep })
}

#[derive(Deserialize)]
pub struct HistoryQuery {
    before: i64,
}

#[derive(Template)]
#[template(path = "app/inbox_history.html")]
struct HistoryFragment {
    messages: Vec<MessageView>,
    older: Option<i64>,
}

/// Older messages of a conversation (scrolling back), as HTML to put above the others.
async fn history_fragment(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let conversation_id = ConversationId(path.1);
    if query.before < 1 {
        return Err(AppError::bad_request("before is the number of a message, 1 or more."));
    }
    let before = query.before;
    let (messages, name) = db::run(&state.pool, move |conn| {
        let conversation = Conversation::find(conn, workspace_id, Audience::Agents, conversation_id)?.ok_or(AppError::NotFound)?;
        let contact = queries::contact(conn, workspace_id, conversation.contact_id)?.ok_or(AppError::NotFound)?;
        let after = (before - 1 - HISTORY_PAGE).max(0);
        let messages =
            conversations::messages_after(conn, workspace_id, Audience::Agents, conversation_id, after, Some(before - 1), HISTORY_PAGE)?;
        Ok((messages, contact.name.unwrap_or_else(|| queries::friendly_name(contact.id.0))))
    })
    .await?;
    let older = messages.first().map(|m| m.seq).filter(|&seq| seq > 1);
    let messages = messages.into_iter().map(|m| MessageView::from_message(m, &name)).collect();
    render(StatusCode::OK, &HistoryFragment { messages, older })
}

fn back_to(workspace_id: Uuid, conversation_id: ConversationId, keep: Option<&str>, notice: &str) -> HttpResponse {
    let keep = keep.filter(|k| k.split('&').all(|p| p.starts_with("view=") || p.starts_with("status="))).unwrap_or("");
    see_other(&format!("/app/{workspace_id}/inbox/{conversation_id}?{keep}&notice={notice}"))
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    body: String,
    private: Option<String>,
    client_id: Option<Uuid>,
    keep: Option<String>,
}

/// `POST .../reply`: the composer without JavaScript (with it, replies go over the socket).
async fn reply(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<ReplyForm>,
) -> Result<HttpResponse, AppError> {
    let conversation_id = ConversationId(path.1);
    let workspace_id = member.workspace_id();
    if let Err((_, message)) = conversations::validate_body(&form.body) {
        let mut open = load_conversation(&state, &member, conversation_id).await?;
        open.error = Some(message);
        let list = load_list(&state, &member, &ListQuery::default(), Some(conversation_id.0)).await?;
        return render_inbox(&state, &member, csrf, list, Some(open), None, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let new = NewMessage {
        workspace_id,
        author: Author::Agent { user_id: member.current.user.id, name: member.current.user.name.clone() },
        conversation_id: Some(conversation_id),
        client_id: form.client_id.unwrap_or_else(Uuid::now_v7),
        body: form.body,
        private: form.private.is_some(),
    };
    state.realtime.writer.send(new).await?;
    Ok(back_to(workspace_id.0, conversation_id, form.keep.as_deref(), "reply_sent"))
}

/// Tells every agent socket of the workspace that a conversation changed.
fn announce(
    state: &AppState,
    workspace_id: crate::db::WorkspaceId,
    conversation_id: ConversationId,
    status: &str,
    assignee: Option<UserId>,
) {
    let frame = ServerFrame::Conversation { conversation_id, status, assignee_id: assignee.map(|a| a.0) }.to_json();
    state.realtime.broadcast_frame(Recipients { workspace_id, agents: true, contact: None, except: None }, frame);
}

#[derive(Deserialize)]
pub struct AssignForm {
    /// A member's user id, or empty to unassign.
    #[serde(default)]
    assignee: String,
    keep: Option<String>,
}

async fn assign(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<AssignForm>,
) -> Result<HttpResponse, AppError> {
    use diesel::prelude::*;
    let workspace_id = member.workspace_id();
    let conversation_id = ConversationId(path.1);
    let assignee = match form.assignee.trim() {
        "" => None,
        text => Some(UserId(Uuid::parse_str(text).map_err(|_| AppError::bad_request("Choose someone from the list."))?)),
    };
    let status = db::run(&state.pool, move |conn| {
        if let Some(user_id) = assignee
            && Workspace::find_for_member(conn, workspace_id, user_id)?.is_none()
        {
            return Err(AppError::bad_request("Only a member of this workspace can be assigned."));
        }
        let status: Option<String> = diesel::update(
            conversations_table::table
                .filter(conversations_table::workspace_id.eq(workspace_id))
                .filter(conversations_table::id.eq(conversation_id)),
        )
        .set((conversations_table::assignee_id.eq(assignee), conversations_table::updated_at.eq(diesel::dsl::now)))
        .returning(conversations_table::status)
        .get_result(conn)
        .optional()?;
        status.ok_or(AppError::NotFound)
    })
    .await?;
    announce(&state, workspace_id, conversation_id, &status, assignee);
    Ok(back_to(workspace_id.0, conversation_id, form.keep.as_deref(), "conversation_assigned"))
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

async fn set_status(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> Result<HttpResponse, AppError> {
    use diesel::prelude::*;
    let workspace_id = member.workspace_id();
    let conversation_id = ConversationId(path.1);
    let status = queries::STATUSES
        .iter()
        .copied()
        .find(|s| *s == form.status)
        .ok_or_else(|| AppError::bad_request("Choose open, pending, snoozed or resolved."))?;
    let until = if status == "snoozed" {
        let choice = form.snooze.as_deref().unwrap_or("");
        Some(snooze::wake_time(choice, form.until.as_deref(), form.offset_minutes, OffsetDateTime::now_utc())?)
    } else {
        None
    };
    // The change and its webhook event commit together.
    let assignee = db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let assignee: Option<Option<UserId>> = diesel::update(
                conversations_table::table
                    .filter(conversations_table::workspace_id.eq(workspace_id))
                    .filter(conversations_table::id.eq(conversation_id)),
            )
            .set((
                conversations_table::status.eq(status),
                conversations_table::snoozed_until.eq(until),
                conversations_table::updated_at.eq(diesel::dsl::now),
            ))
            .returning(conversations_table::assignee_id)
            .get_result(conn)
            .optional()?;
            let assignee = assignee.ok_or(AppError::NotFound)?;
            crate::webhooks::events::emit(
                conn,
                &[crate::webhooks::events::status_changed(workspace_id, conversation_id, status, assignee)],
            )?;
            Ok::<_, AppError>(assignee)
        })
    })
    .await?;
    announce(&state, workspace_id, conversation_id, status, assignee);
    let notice = match status {
        "resolved" => "conversation_resolved",
        "snoozed" => "conversation_snoozed",
        _ => "conversation_updated",
    };
    Ok(back_to(workspace_id.0, conversation_id, form.keep.as_deref(), notice))
}

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    conversation_id: Option<Uuid>,
}

async fn edit_contact(
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
        Some(conversation) => back_to(workspace_id.0, ConversationId(conversation), None, "contact_saved"),
        None => see_other(&format!("/app/{}/inbox?notice=contact_saved", workspace_id.0)),
    })
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// A search hit, with its matched words marked.
pub struct HitView {
    pub kind: String,
    pub conversation_id: Option<Uuid>,
    pub name: String,
    pub email: Option<String>,
    pub parts: Vec<(String, bool)>,
    pub when: String,
}

/// Splits ts_headline's `«match»` markers into (text, matched) parts, escaped later by askama.
fn marked(snippet: &str) -> Vec<(String, bool)> {
    let mut parts = Vec::new();
    let mut rest = snippet;
    while let Some(start) = rest.find('«') {
        parts.push((rest[..start].to_string(), false));
        let after = &rest[start + '«'.len_utf8()..];
        match after.find('»') {
            Some(end) => {
                parts.push((after[..end].to_string(), true));
                rest = &after[end + '»'.len_utf8()..];
            }
            None => {
                rest = after;
                break;
            }
        }
    }
    parts.push((rest.to_string(), false));
    parts.retain(|(text, _)| !text.is_empty());
    parts
}

#[derive(Template)]
#[template(path = "app/search.html")]
struct SearchPage {
    shell: Shell,
    q: String,
    hits: Vec<HitView>,
    searched: bool,
}

async fn search_page(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let q: String = query.q.trim().chars().take(200).collect();
    let hits = if q.is_empty() {
        Vec::new()
    } else {
        let text = q.clone();
        db::run(&state.pool, move |conn| queries::search(conn, workspace_id, &text)).await?
    };
    let hits = hits
        .into_iter()
        .map(|hit| HitView {
            name: hit.contact_name.clone().unwrap_or_else(|| queries::friendly_name(hit.contact_id)),
            email: hit.contact_email,
            parts: marked(&hit.snippet),
            when: describe_time(hit.at),
            conversation_id: hit.conversation_id,
            kind: hit.kind,
        })
        .collect();
    let shell = Shell::load(&state, &member, csrf, Nav::Inbox, None).await?;
    render(StatusCode::OK, &SearchPage { shell, searched: !q.is_empty(), q, hits })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_snippets_split_into_marked_parts() {
        assert_eq!(
            marked("my «refund» is late «again»"),
            vec![("my ".into(), false), ("refund".into(), true), (" is late ".into(), false), ("again".into(), true)]
        );
        assert_eq!(marked("no match"), vec![("no match".into(), false)]);
    }
}
