//! The Contacts page: the workspace's people, last seen first, searchable, in keyset pages
//! (`GET /app/{workspace}/contacts`), and one contact's page with their details, their
//! conversations and the name and email form (`GET /app/{workspace}/contacts/{contact}`). The
//! form posts to the inbox's contact edit ([`crate::inbox::changes`]), which owns that change.
//! The custom attributes a workspace defines, and their values, are [`attributes`]; their form
//! on this page and in the inbox's contact panel is [`attribute_form`].
//! Merging two contacts into one is [`merge`], with its pages in [`merge_page`].
//!
//! Tenant rule: every handler takes a [`Member`] (any role may look), whose `WorkspaceId` every
//! query in [`queries`] takes; another workspace's contact answers 404.

pub mod attribute_form;
pub mod attributes;
pub mod merge;
mod merge_page;
pub mod queries;

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    auth::{CsrfToken, Member},
    conversations::ConversationStatus,
    db::{self, ContactId},
    error::AppError,
    inbox::{
        self,
        queries::{ContactDetails, friendly_name, parse_cursor},
    },
    state::AppState,
    web::{Nav, Shell, render},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/contacts", web::get().to(list_page))
        .route("/app/{workspace_id}/contacts/{contact_id}", web::get().to(contact_page))
        .route("/app/{workspace_id}/contacts/{contact_id}/attributes", web::post().to(attribute_form::save))
        .configure(merge_page::configure);
}

/// The longest search the page takes, in characters.
const SEARCH_MAX: usize = 200;

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    after: Option<String>,
}

/// A row as the list shows it.
pub struct RowView {
    pub id: Uuid,
    pub name: String,
    /// The contact has no name of their own: `name` is the inbox's friendly one.
    pub anonymous: bool,
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub identity_verified: bool,
    pub last_seen: String,
    pub last_seen_iso: String,
    pub conversations: i64,
}

#[derive(Template)]
#[template(path = "app/contacts.html")]
struct ListPage {
    shell: Shell,
    q: String,
    rows: Vec<RowView>,
    /// The cursor of the next page.
    next: Option<String>,
    /// This page follows another: an empty one is the end of the list, not an empty workspace.
    paged: bool,
}

impl ListPage {
    /// The search as a query-string value, for the "Older" link.
    fn q_param(&self) -> String {
        url::form_urlencoded::byte_serialize(self.q.as_bytes()).collect()
    }
}

async fn list_page(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let q: String = query.q.trim().chars().take(SEARCH_MAX).collect();
    let cursor = match query.after.as_deref().filter(|a| !a.is_empty()) {
        Some(text) => Some(parse_cursor(text).ok_or_else(|| AppError::bad_request("This page link is not valid."))?),
        None => None,
    };
    let search = (!q.is_empty()).then(|| q.clone());
    let (rows, more) = db::run(&state.pool, move |conn| queries::list(conn, workspace_id, search.as_deref(), cursor)).await?;
    let next = if more { rows.last().map(queries::ContactRow::cursor) } else { None };
    let rows = rows
        .into_iter()
        .map(|row| RowView {
            name: row.name.clone().unwrap_or_else(|| friendly_name(row.id)),
            anonymous: row.name.is_none(),
            id: row.id,
            email: row.email,
            external_id: row.external_id,
            identity_verified: row.identity_verified,
            last_seen: inbox::describe_time(row.last_seen_at),
            last_seen_iso: inbox::iso(row.last_seen_at),
            conversations: row.conversations,
        })
        .collect();
    let shell = Shell::load(&state, &member, csrf, Nav::Contacts, None).await?;
    render(StatusCode::OK, &ListPage { shell, q, rows, next, paged: cursor.is_some() })
}

/// One of the contact's conversations as their page shows it.
pub struct ConversationView {
    pub id: Uuid,
    pub status: ConversationStatus,
    pub messages: i64,
    pub assignee_name: Option<String>,
    pub preview: String,
    pub preview_prefix: &'static str,
    pub when: String,
    pub when_iso: String,
    /// The visitor's rating of it, if they gave one.
    pub rating: Option<inbox::conversation::RatingView>,
}

impl From<queries::ContactConversation> for ConversationView {
    fn from(c: queries::ContactConversation) -> Self {
        ConversationView {
            id: c.id,
            status: c.status,
            messages: c.last_seq,
            preview: inbox::list::preview(c.last_body.as_deref(), c.last_files),
            preview_prefix: inbox::list::preview_prefix(c.last_author_kind.as_deref(), c.last_private),
            assignee_name: c.assignee_name,
            when: inbox::describe_time(c.last_message_at),
            when_iso: inbox::iso(c.last_message_at),
            rating: None,
        }
    }
}

impl ContactPage {
    /// Since when the contact is blocked, as the page says it.
    fn blocked_since(&self) -> Option<String> {
        self.contact.blocked_at.map(inbox::describe_time)
    }
}

#[derive(Template)]
#[template(path = "app/contact.html")]
struct ContactPage {
    shell: Shell,
    contact: ContactDetails,
    name: String,
    first_seen: String,
    last_seen: String,
    last_seen_iso: String,
    conversations: Vec<ConversationView>,
    online: bool,
    attribute_form: attribute_form::AttributeForm,
}

#[derive(Deserialize)]
pub struct ContactQuery {
    notice: Option<String>,
}

async fn contact_page(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<ContactQuery>,
) -> Result<HttpResponse, AppError> {
    let contact_id = ContactId(path.1);
    render_contact(&state, &member, csrf, contact_id, query.notice.as_deref(), |form| form).await
}

/// The contact's page; `adjust` changes its attributes form (to show a refused one, which
/// makes the answer a 422).
async fn render_contact(
    state: &web::Data<AppState>,
    member: &Member,
    csrf: CsrfToken,
    contact_id: ContactId,
    notice: Option<&str>,
    adjust: impl FnOnce(attribute_form::AttributeForm) -> attribute_form::AttributeForm,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let (contact, conversations, definitions) = db::run(&state.pool, move |conn| {
        let contact = inbox::queries::contact(conn, workspace_id, contact_id)?.ok_or(AppError::NotFound)?;
        let conversations = queries::conversations(conn, workspace_id, contact_id)?;
        let ids: Vec<_> = conversations.iter().map(|c| crate::db::ConversationId(c.id)).collect();
        let ratings = crate::conversations::ratings::of_conversations(conn, workspace_id, &ids)?;
        let conversations: Vec<ConversationView> = conversations
            .into_iter()
            .map(|c| {
                let rating = ratings.get(&crate::db::ConversationId(c.id)).map(inbox::conversation::RatingView::new);
                ConversationView { rating, ..ConversationView::from(c) }
            })
            .collect();
        Ok((contact, conversations, attributes::list(conn, workspace_id)?))
    })
    .await?;
    let shell = Shell::load(state, member, csrf, Nav::Contacts, notice).await?;
    let form = adjust(attribute_form::AttributeForm::new(workspace_id, contact_id, None, &definitions, &contact.attributes));
    let status = if form.refused() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = ContactPage {
        name: contact.name.clone().unwrap_or_else(|| friendly_name(contact.id.0)),
        first_seen: inbox::describe_time(contact.created_at),
        last_seen: inbox::describe_time(contact.last_seen_at),
        last_seen_iso: inbox::iso(contact.last_seen_at),
        online: state.realtime.hub.visitor_connected(contact.id),
        conversations,
        attribute_form: form,
        shell,
        contact,
    };
    render(status, &page)
}
