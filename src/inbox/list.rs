//! The conversation list: a workspace's conversations of one status in a view (mine,
//! unassigned, all), optionally with one label, newest activity first in keyset pages, as the list page, as the column
//! beside an open conversation, and as single rows for live updates.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::{
    canned::CannedResponse,
    conversation::OpenConversation,
    describe_time, iso,
    queries::{self, ConversationRow, ListFilter, View},
};
use crate::{
    auth::{CsrfToken, Member},
    conversations::{
        ConversationStatus, actions,
        labels::{self, Label},
    },
    db::{self, ContactId, ConversationId, LabelId, UserId, WorkspaceId},
    error::AppError,
    state::AppState,
    web::{Nav, Shell, render},
    workspaces::{
        Workspace,
        notifications::{Channel, Preferences},
    },
};

#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub(super) view: Option<String>,
    pub(super) status: Option<String>,
    /// A label's id: only the conversations carrying it.
    pub(super) label: Option<String>,
    pub(super) after: Option<String>,
    pub(super) notice: Option<String>,
}

/// The label a list link names: `None` when it names none; `NotFound` for anything but one of
/// the workspace's labels (a deleted one, another workspace's, or no id at all).
pub(super) fn parse_label(
    conn: &mut diesel::PgConnection,
    workspace_id: WorkspaceId,
    text: Option<&str>,
) -> Result<Option<Label>, AppError> {
    match text.filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => {
            let id = text.parse::<LabelId>().map_err(|_| AppError::NotFound)?;
            Ok(Some(labels::find(conn, workspace_id, id)?.ok_or(AppError::NotFound)?))
        }
    }
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
    pub status: ConversationStatus,
    pub assignee_id: Option<Uuid>,
    pub assignee_name: Option<String>,
    pub online: bool,
    pub selected: bool,
    pub labels: Vec<Label>,
}

impl RowView {
    /// The label ids, space-separated, for `inbox.js` to tell whether the row belongs to a list
    /// filtered by label.
    pub fn label_ids(&self) -> String {
        self.labels.iter().map(|l| l.id.to_string()).collect::<Vec<_>>().join(" ")
    }
}

fn preview_text(body: &str) -> String {
    let line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 90 { format!("{}…", line.chars().take(89).collect::<String>()) } else { line }
}

/// A conversation's last message in one line: its text, or what files it sent.
pub(crate) fn preview(body: Option<&str>, files: i64) -> String {
    match (body.map(preview_text).unwrap_or_default(), files) {
        (text, 0) => text,
        (text, _) if !text.is_empty() => text,
        (_, 1) => "Sent a file".into(),
        (_, files) => format!("Sent {files} files"),
    }
}

/// Who wrote a conversation's last message, when it was not the visitor.
pub(crate) fn preview_prefix(author_kind: Option<&str>, private: Option<bool>) -> &'static str {
    match (author_kind, private) {
        (_, Some(true)) => "Note: ",
        (Some("agent"), _) => "Agent: ",
        _ => "",
    }
}

impl RowView {
    fn from_row(state: &AppState, row: ConversationRow, selected: Option<Uuid>) -> Self {
        let preview_prefix = preview_prefix(row.last_author_kind.as_deref(), row.last_private);
        RowView {
            id: row.id,
            contact_id: row.contact_id,
            name: row.contact_name.clone().unwrap_or_else(|| queries::friendly_name(row.contact_id)),
            email: row.contact_email.clone(),
            preview: preview(row.last_body.as_deref(), row.last_files),
            preview_prefix,
            unread: row.unread,
            when: describe_time(row.last_message_at),
            when_iso: iso(row.last_message_at),
            status: row.status,
            assignee_id: row.assignee_id,
            assignee_name: row.assignee_name.clone(),
            online: state.realtime.hub.visitor_connected(ContactId(row.contact_id)),
            selected: selected == Some(row.id),
            labels: row.labels(),
        }
    }
}

/// The list column, shared by the list page and the conversation page.
pub struct ListPane {
    pub view: &'static str,
    pub status: ConversationStatus,
    pub rows: Vec<RowView>,
    pub next: Option<String>,
    pub counts: (i64, i64, i64),
    pub query: String,
    /// The label the list is filtered by.
    pub label: Option<Label>,
    /// Every label of the workspace, for the filter and the conversation's label control.
    pub labels: Vec<Label>,
}

impl ListPane {
    pub fn count_label(count: impl std::borrow::Borrow<i64>) -> String {
        let count = *count.borrow();
        if count >= 100 { "99+".into() } else { count.to_string() }
    }

    /// The list's own query string, to keep the list as it is when opening a conversation.
    pub fn keep(&self) -> String {
        keep(self.view, self.status, self.label.as_ref().map(|l| l.id))
    }

    /// The label filter's id, or nothing.
    pub fn label_id(&self) -> String {
        self.label.as_ref().map(|l| l.id.to_string()).unwrap_or_default()
    }

    /// Whether `label` is the one the list is filtered by.
    pub fn is_label(&self, label: &Label) -> bool {
        self.label.as_ref().is_some_and(|l| l.id == label.id)
    }
}

/// A list's query string: its view, status and label.
pub fn keep(view: &str, status: ConversationStatus, label: Option<LabelId>) -> String {
    match label {
        Some(label) => format!("view={view}&status={status}&label={label}"),
        None => format!("view={view}&status={status}"),
    }
}

pub(super) async fn load_list(
    state: &web::Data<AppState>,
    member: &Member,
    query: &ListQuery,
    selected: Option<Uuid>,
) -> Result<ListPane, AppError> {
    let (workspace_id, me) = (member.workspace_id(), member.current.user.id);
    let view = View::parse(query.view.as_deref());
    let status = queries::parse_status(query.status.as_deref());
    let cursor = match query.after.as_deref() {
        Some(text) => Some(queries::parse_cursor(text).ok_or_else(|| AppError::bad_request("This page link is not valid."))?),
        None => None,
    };
    // The sweep wakes snoozed conversations too, but the list must not wait for it.
    actions::wake_snoozed(state, Some(workspace_id)).await?;
    let label_text = query.label.clone();
    let ((rows, more), counts, label, labels) = db::run(&state.pool, move |conn| {
        let label = parse_label(conn, workspace_id, label_text.as_deref())?;
        let filter = ListFilter { view, status, label: label.as_ref().map(|l| l.id) };
        Ok((
            queries::list(conn, workspace_id, me, filter, cursor)?,
            queries::open_counts(conn, workspace_id, me)?,
            label,
            labels::list(conn, workspace_id)?,
        ))
    })
    .await?;
    let next = if more { rows.last().map(ConversationRow::cursor) } else { None };
    let rows = rows.into_iter().map(|row| RowView::from_row(state, row, selected)).collect();
    Ok(ListPane { view: view.as_str(), status, rows, next, counts, query: String::new(), label, labels })
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
    /// The largest file an agent may upload, so that the composer refuses a larger one before
    /// sending a byte of it.
    upload_max: u64,
    /// The events this member wants a desktop notification and a sound for, space-separated
    /// (`inbox.js` reads them from data attributes: the CSP allows no inline script).
    notify_desktop: String,
    notify_sound: String,
    /// The texts `inbox.js` writes itself, in the member's language, as JSON.
    texts_json: String,
}

/// The texts `inbox.js` writes itself (typing hints, upload states, notifications), in the
/// member's language, each with `{slots}` that the script fills in.
fn script_texts(tr: crate::i18n::Tr) -> String {
    let texts: std::collections::BTreeMap<&str, String> = [
        ("inbox-note-tag", tr.t("inbox-note-tag")),
        ("inbox-files", tr.t("inbox-files")),
        ("inbox-js-typing-one", tr.t1("inbox-js-typing-one", "name", "{name}")),
        ("inbox-js-typing-many", tr.t1("inbox-js-typing-many", "names", "{names}")),
        ("inbox-js-viewing-one", tr.t1("inbox-js-viewing-one", "name", "{name}")),
        ("inbox-js-viewing-many", tr.t1("inbox-js-viewing-many", "names", "{names}")),
        ("inbox-js-new-conversation", tr.t1("inbox-js-new-conversation", "name", "{name}")),
        ("inbox-js-by-auto", tr.t("inbox-js-by-auto")),
        ("inbox-js-by", tr.t1("inbox-js-by", "name", "{name}")),
        ("inbox-js-assigned", tr.t("inbox-js-assigned")),
        ("inbox-js-notify-on", tr.t("inbox-js-notify-on")),
        ("inbox-js-notify-blocked", tr.t("inbox-js-notify-blocked")),
        ("inbox-rated", tr.t1("inbox-rated", "score", "{score}")),
        ("inbox-js-not-sent", tr.t1("inbox-js-not-sent", "reason", "{reason}")),
        ("inbox-js-offline", tr.t("inbox-js-offline")),
        ("inbox-online-now", tr.t("inbox-online-now")),
        ("inbox-offline", tr.t("inbox-offline")),
        ("inbox-js-still-uploading", tr.t("inbox-js-still-uploading")),
        ("inbox-js-upload-failed-some", tr.t("inbox-js-upload-failed-some")),
        ("inbox-js-sending", tr.t("inbox-js-sending")),
        ("inbox-js-too-many-files-one", tr.t1("inbox-js-too-many-files-one", "count", "{count}")),
        ("inbox-js-too-many-files-many", tr.t1("inbox-js-too-many-files-many", "count", "{count}")),
        ("inbox-js-file-empty", tr.t("inbox-js-file-empty")),
        ("inbox-js-file-too-large", tr.t1("inbox-js-file-too-large", "max", "{max}")),
        ("inbox-js-upload-failed-status", tr.t1("inbox-js-upload-failed-status", "status", "{status}")),
        ("inbox-js-upload-failed-connection", tr.t("inbox-js-upload-failed-connection")),
        ("inbox-js-upload-of", tr.t1("inbox-js-upload-of", "name", "{name}")),
        ("inbox-js-retry", tr.t("inbox-js-retry")),
        ("team-remove", tr.t("team-remove")),
        ("inbox-js-ready", tr.t("inbox-js-ready")),
        ("inbox-js-uploading", tr.t1("inbox-js-uploading", "percent", "{percent}")),
        ("inbox-js-canned-no-match", tr.t1("inbox-js-canned-no-match", "query", "{query}")),
        ("inbox-js-canned-none", tr.t("inbox-js-canned-none")),
    ]
    .into_iter()
    .collect();
    serde_json::to_string(&texts).unwrap_or_else(|_| "{}".into())
}

impl InboxPage {
    /// The workspace's labels that the open conversation does not carry yet.
    fn addable_labels(&self) -> Vec<Label> {
        self.open.as_ref().map(|open| super::conversation::addable_labels(&self.list.labels, &open.labels)).unwrap_or_default()
    }

    /// The upload limit as the composer states it ("25 MB").
    fn upload_max_label(&self) -> String {
        crate::files::human_size(i64::try_from(self.upload_max).unwrap_or(i64::MAX))
    }
}

pub(super) async fn list_page(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let list = load_list(&state, &member, &query, None).await?;
    render_inbox(&state, &member, csrf, list, None, query.notice.as_deref(), StatusCode::OK).await
}

pub(super) async fn render_inbox(
    state: &web::Data<AppState>,
    member: &Member,
    csrf: CsrfToken,
    list: ListPane,
    open: Option<OpenConversation>,
    notice: Option<&str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (workspace_id, me) = (member.workspace_id(), member.current.user.id);
    let (away, canned, notify) = db::run(&state.pool, move |conn| {
        Ok((
            Workspace::is_away(conn, workspace_id, me)?,
            CannedResponse::list(conn, workspace_id)?,
            Preferences::load(conn, workspace_id, me)?,
        ))
    })
    .await?;
    let shell = Shell::load(state, member, csrf, Nav::Inbox, notice).await?;
    let canned_json = serde_json::to_string(&canned).unwrap_or_else(|_| "[]".into());
    let upload_max = state.settings.upload_max_bytes;
    let (notify_desktop, notify_sound) = (notify.events_on(Channel::Desktop), notify.events_on(Channel::Sound));
    let texts_json = script_texts(shell.tr);
    render(status, &InboxPage { shell, list, open, away, canned_json, me, upload_max, notify_desktop, notify_sound, texts_json })
}

#[derive(Template)]
#[template(path = "app/inbox_row.html")]
struct RowFragment {
    tr: crate::i18n::Tr,
    row: RowView,
    workspace_id: WorkspaceId,
    keep: String,
}

#[derive(Deserialize)]
pub struct RowQuery {
    view: Option<String>,
    status: Option<String>,
    label: Option<String>,
}

/// One row of the list, for `inbox.js` to insert or replace when something happens.
pub(super) async fn row_fragment(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<RowQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let conversation_id = ConversationId(path.1);
    let label_text = query.label.clone();
    let (row, label) = db::run(&state.pool, move |conn| {
        Ok((queries::row(conn, workspace_id, conversation_id)?, parse_label(conn, workspace_id, label_text.as_deref())?))
    })
    .await?;
    let row = row.ok_or(AppError::NotFound)?;
    let keep = keep(View::parse(query.view.as_deref()).as_str(), queries::parse_status(query.status.as_deref()), label.map(|l| l.id));
    render(StatusCode::OK, &RowFragment { tr: member.current.user.tr(), row: RowView::from_row(&state, row, None), workspace_id, keep })
}
