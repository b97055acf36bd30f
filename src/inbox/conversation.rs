//! One conversation in the inbox: its page (history, labels, contact panel with the visitor's
//! rating, past conversations, beside the list), older history when scrolling back, the label control as a fragment for
//! live updates, and replies sent without JavaScript.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::{
    back_to, describe_time, iso,
    list::{ListQuery, load_list, render_inbox},
    queries::{self, ContactDetails},
};
use crate::{
    auth::{CsrfForm, CsrfToken, Member},
    conversations::{
        self, Audience, Author, Conversation, Message,
        labels::{self, Label},
        writer::NewMessage,
    },
    db::{self, ConversationId, UserId, WorkspaceId, schema::users},
    error::AppError,
    state::AppState,
    web::render,
    workspaces::{MemberListing, Workspace},
};

/// Messages per page of a conversation's history.
const HISTORY_PAGE: i64 = 50;

/// The conversation shown beside the list.
pub struct OpenConversation {
    pub conversation: Conversation,
    pub name: String,
    pub contact: ContactDetails,
    pub messages: Vec<MessageView>,
    pub older: Option<i64>,
    pub members: Vec<MemberListing>,
    /// The files sent in the conversation, for the contact panel.
    pub files: Vec<crate::files::Attachment>,
    pub past: Vec<Conversation>,
    /// The labels on the conversation, by name.
    pub labels: Vec<Label>,
    pub snoozed_until: Option<String>,
    pub visitor_read_seq: i64,
    pub online: bool,
    pub first_seen: String,
    /// Who blocked the contact and when, while they are blocked.
    pub block: Option<BlockView>,
    /// The contact's custom attributes, as the panel's form shows them.
    pub attribute_form: crate::contacts::attribute_form::AttributeForm,
    /// The visitor's rating of the conversation, if they gave one.
    pub rating: Option<RatingView>,
    pub error: Option<String>,
}

/// A visitor's rating as the inbox and the contact page show it ("4/5").
pub struct RatingView {
    pub score: i16,
    pub comment: Option<String>,
    pub when: String,
    pub when_iso: String,
}

impl RatingView {
    pub fn new(rating: &crate::conversations::ratings::Rating) -> Self {
        RatingView {
            score: rating.score,
            comment: rating.comment.clone(),
            when: describe_time(rating.rated_at),
            when_iso: iso(rating.rated_at),
        }
    }
}

pub struct BlockView {
    /// `None` when that member's account is gone.
    pub by: Option<String>,
    pub when: String,
}

impl OpenConversation {
    pub fn is_assignee(&self, user: impl std::borrow::Borrow<UserId>) -> bool {
        self.conversation.assignee_id.as_ref() == Some(user.borrow())
    }
}

pub struct MessageView {
    pub seq: i64,
    pub kind: &'static str,
    pub author: String,
    /// An agent's message: where their 64-pixel avatar loads from, if they have one.
    pub avatar: Option<String>,
    pub body: String,
    pub private: bool,
    pub when: String,
    pub when_iso: String,
    /// With signed links, fresh for this page.
    pub attachments: Vec<crate::files::Attachment>,
    /// The email the message came in as, if it did.
    pub email: Option<EmailView>,
}

/// A message that came in by email: the link to its original and what the receiving server
/// said of its sender ("SPF pass · DKIM pass"), when it said something.
pub struct EmailView {
    pub original_url: String,
    pub auth: Option<String>,
}

impl EmailView {
    fn new(
        workspace_id: crate::db::WorkspaceId,
        conversation_id: ConversationId,
        id: Uuid,
        spf: Option<String>,
        dkim: Option<String>,
    ) -> Self {
        let auth =
            [spf.map(|v| format!("SPF {v}")), dkim.map(|v| format!("DKIM {v}"))].into_iter().flatten().collect::<Vec<_>>().join(" · ");
        EmailView {
            original_url: format!("/app/{workspace_id}/inbox/{conversation_id}/emails/{id}/original"),
            auth: (!auth.is_empty()).then_some(auth),
        }
    }
}

/// The longer side, in CSS pixels, of an image shown in the conversation (its thumbnail is
/// twice as large, for sharp screens).
const SHOWN_IMAGE: i32 = 240;

/// The size to show an image of `width` × `height` at in the conversation: its own, or scaled
/// down to fit [`SHOWN_IMAGE`]. Given to the `<img>` so that the history keeps its place while
/// images load. (`static/inbox.js` computes the same for live messages.)
pub fn shown_size(attachment: &crate::files::Attachment) -> Option<(i32, i32)> {
    let (width, height) = (attachment.width?, attachment.height?);
    if width < 1 || height < 1 {
        return None;
    }
    let longer = width.max(height);
    if longer <= SHOWN_IMAGE {
        return Some((width, height));
    }
    let scale = |side: i32| ((i64::from(side) * i64::from(SHOWN_IMAGE) + i64::from(longer) / 2) / i64::from(longer)).max(1) as i32;
    Some((scale(width), scale(height)))
}

impl MessageView {
    /// See [`shown_size`].
    pub fn shown_size(&self, attachment: &crate::files::Attachment) -> Option<(i32, i32)> {
        shown_size(attachment)
    }

    /// The body as text and links, each escaped by the template (see [`crate::web::links`]).
    pub fn body_pieces(&self) -> Vec<crate::web::links::Segment> {
        crate::web::links::segments(&self.body)
    }

    fn from_message(message: Message, visitor_name: &str) -> Self {
        MessageView {
            seq: message.seq,
            kind: message.author_kind.as_str(),
            author: match message.author_kind.as_str() {
                "visitor" => visitor_name.to_string(),
                _ => message.author_name.clone().unwrap_or_else(|| "Parlor".into()),
            },
            avatar: message.author_avatar.as_deref().map(crate::avatars::small_path),
            when: describe_time(message.created_at),
            when_iso: iso(message.created_at),
            private: message.private,
            body: message.body,
            attachments: message.attachments,
            email: None,
        }
    }
}

/// The emails the `messages` of a conversation came in as, by message id.
fn emails_of(
    conn: &mut diesel::PgConnection,
    workspace_id: crate::db::WorkspaceId,
    conversation_id: ConversationId,
    messages: &[Message],
) -> Result<std::collections::HashMap<Uuid, EmailView>, AppError> {
    use crate::db::schema::email_messages;
    use diesel::prelude::*;
    let ids: Vec<crate::db::MessageId> = messages.iter().filter(|m| m.author_kind.as_str() == "visitor").map(|m| m.id).collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    type Row = (Uuid, Option<crate::db::MessageId>, Option<String>, Option<String>);
    let rows: Vec<Row> = email_messages::table
        .filter(email_messages::workspace_id.eq(workspace_id))
        .filter(email_messages::conversation_id.eq(conversation_id))
        .filter(email_messages::direction.eq("in"))
        .filter(email_messages::message_id.eq_any(ids))
        .filter(email_messages::raw_storage_key.is_not_null())
        .select((email_messages::id, email_messages::message_id, email_messages::spf, email_messages::dkim))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, message, spf, dkim)| Some((message?.0, EmailView::new(workspace_id, conversation_id, id, spf, dkim))))
        .collect())
}

/// The messages as the inbox shows them, each with the email it came in as.
fn with_emails(messages: Vec<Message>, name: &str, mut emails: std::collections::HashMap<Uuid, EmailView>) -> Vec<MessageView> {
    messages
        .into_iter()
        .map(|m| {
            let email = emails.remove(&m.id.0);
            let mut view = MessageView::from_message(m, name);
            view.email = email;
            view
        })
        .collect()
}

pub(super) async fn load_conversation(
    state: &web::Data<AppState>,
    member: &Member,
    conversation_id: ConversationId,
) -> Result<OpenConversation, AppError> {
    use diesel::prelude::*;
    let workspace_id = member.workspace_id();
    let (conversation, state_row, contact, messages, members, past, files, blocker, labels, definitions, rating, emails) =
        db::run(&state.pool, move |conn| {
            let conversation = Conversation::find(conn, workspace_id, Audience::Agents, conversation_id)?.ok_or(AppError::NotFound)?;
            let state_row = queries::state(conn, workspace_id, conversation_id)?.ok_or(AppError::NotFound)?;
            let contact = queries::contact(conn, workspace_id, conversation.contact_id)?.ok_or(AppError::NotFound)?;
            let after = (conversation.last_seq - HISTORY_PAGE).max(0);
            let messages = conversations::messages_after(conn, workspace_id, Audience::Agents, conversation_id, after, None, HISTORY_PAGE)?;
            let members = Workspace::members(conn, workspace_id)?;
            let past = Conversation::list_for_contact(conn, workspace_id, conversation.contact_id)?;
            let files =
                crate::files::uploads::sent_files(conn, workspace_id, crate::files::uploads::FilesOf::Conversation(conversation_id))?;
            let blocker = match contact.blocked_by {
                Some(user_id) => users::table.find(user_id).select(users::name).first::<String>(conn).optional()?,
                None => None,
            };
            let labels = labels::on_conversation(conn, workspace_id, conversation_id)?;
            let definitions = crate::contacts::attributes::list(conn, workspace_id)?;
            let rating = crate::conversations::ratings::find(conn, workspace_id, conversation_id)?;
            let emails = emails_of(conn, workspace_id, conversation_id, &messages)?;
            Ok((conversation, state_row, contact, messages, members, past, files, blocker, labels, definitions, rating, emails))
        })
        .await?;
    let mut messages = messages;
    state.files.links.sign_messages(&mut messages);
    let mut files: Vec<crate::files::Attachment> = files.into_iter().map(|f| f.attachment).collect();
    state.files.links.sign(workspace_id, &mut files);
    let name = contact.name.clone().unwrap_or_else(|| queries::friendly_name(contact.id.0));
    let older = messages.first().map(|m| m.seq).filter(|&seq| seq > 1);
    let attribute_form = crate::contacts::attribute_form::AttributeForm::new(
        workspace_id,
        contact.id,
        Some(conversation.id),
        &definitions,
        &contact.attributes,
    );
    Ok(OpenConversation {
        attribute_form,
        rating: rating.as_ref().map(RatingView::new),
        online: state.realtime.hub.visitor_connected(contact.id),
        first_seen: describe_time(contact.created_at),
        block: contact.blocked_at.map(|at| BlockView { by: blocker, when: describe_time(at) }),
        messages: with_emails(messages, &name, emails),
        past: past.into_iter().filter(|c| c.id != conversation.id).collect(),
        snoozed_until: state_row.snoozed_until.map(describe_time),
        visitor_read_seq: state_row.visitor_read_seq,
        conversation,
        name,
        contact,
        older,
        members,
        files,
        labels,
        error: None,
    })
}

/// The conversation's label control: the labels on it, each with a button to take it off, and
/// a choice of the others to add.
#[derive(Template)]
#[template(path = "app/inbox_labels.html")]
pub struct LabelsFragment {
    pub tr: crate::i18n::Tr,
    pub workspace_id: WorkspaceId,
    pub conversation_id: ConversationId,
    pub on: Vec<Label>,
    /// The workspace's labels not on the conversation yet.
    pub addable: Vec<Label>,
    /// Whether the workspace has any label at all.
    pub any_defined: bool,
    pub csrf: String,
    pub keep: String,
}

/// The workspace's labels (`all`) that are not among `on`.
pub fn addable_labels(all: &[Label], on: &[Label]) -> Vec<Label> {
    all.iter().filter(|l| !on.iter().any(|o| o.id == l.id)).cloned().collect()
}

#[derive(Deserialize)]
pub struct LabelsQuery {
    keep: Option<String>,
}

/// The label control again, for `inbox.js` to replace when the labels change.
pub(super) async fn labels_fragment(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<LabelsQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let conversation_id = ConversationId(path.1);
    let (on, all) = db::run(&state.pool, move |conn| {
        Conversation::find(conn, workspace_id, Audience::Agents, conversation_id)?.ok_or(AppError::NotFound)?;
        Ok((labels::on_conversation(conn, workspace_id, conversation_id)?, labels::list(conn, workspace_id)?))
    })
    .await?;
    let keep = query.keep.clone().filter(|k| k.bytes().all(|b| b.is_ascii_alphanumeric() || b"=&-_".contains(&b))).unwrap_or_default();
    let (addable, any_defined) = (addable_labels(&all, &on), !all.is_empty());
    render(
        StatusCode::OK,
        &LabelsFragment { tr: member.current.user.tr(), workspace_id, conversation_id, on, addable, any_defined, csrf: csrf.0, keep },
    )
}

pub(super) async fn conversation_page(
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

#[derive(Deserialize)]
pub struct HistoryQuery {
    before: i64,
}

#[derive(Template)]
#[template(path = "app/inbox_history.html")]
struct HistoryFragment {
    tr: crate::i18n::Tr,
    messages: Vec<MessageView>,
    older: Option<i64>,
}

/// Older messages of a conversation (scrolling back), as HTML to put above the others.
pub(super) async fn history_fragment(
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
    let (messages, name, emails) = db::run(&state.pool, move |conn| {
        let conversation = Conversation::find(conn, workspace_id, Audience::Agents, conversation_id)?.ok_or(AppError::NotFound)?;
        let contact = queries::contact(conn, workspace_id, conversation.contact_id)?.ok_or(AppError::NotFound)?;
        let after = (before - 1 - HISTORY_PAGE).max(0);
        let messages =
            conversations::messages_after(conn, workspace_id, Audience::Agents, conversation_id, after, Some(before - 1), HISTORY_PAGE)?;
        let emails = emails_of(conn, workspace_id, conversation_id, &messages)?;
        Ok((messages, contact.name.unwrap_or_else(|| queries::friendly_name(contact.id.0)), emails))
    })
    .await?;
    let older = messages.first().map(|m| m.seq).filter(|&seq| seq > 1);
    let mut messages = messages;
    state.files.links.sign_messages(&mut messages);
    let messages = with_emails(messages, &name, emails);
    render(StatusCode::OK, &HistoryFragment { tr: member.current.user.tr(), messages, older })
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
pub(super) async fn reply(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<ReplyForm>,
) -> Result<HttpResponse, AppError> {
    let conversation_id = ConversationId(path.1);
    let workspace_id = member.workspace_id();
    if let Err((_, message)) = conversations::validate_body(&form.body, 0) {
        let mut open = load_conversation(&state, &member, conversation_id).await?;
        open.error = Some(message);
        let list = load_list(&state, &member, &ListQuery::default(), Some(conversation_id.0)).await?;
        return render_inbox(&state, &member, csrf, list, Some(open), None, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let private = form.private.is_some();
    let contact_blocked = db::run(&state.pool, move |conn| {
        let conversation = Conversation::find(conn, workspace_id, Audience::Agents, conversation_id)?.ok_or(AppError::NotFound)?;
        conversations::contacts::is_blocked(conn, workspace_id, conversation.contact_id)
    })
    .await?;
    if contact_blocked && !private {
        let mut open = load_conversation(&state, &member, conversation_id).await?;
        open.error = Some(conversations::contacts::REPLY_TO_BLOCKED.into());
        let list = load_list(&state, &member, &ListQuery::default(), Some(conversation_id.0)).await?;
        return render_inbox(&state, &member, csrf, list, Some(open), None, StatusCode::FORBIDDEN).await;
    }
    let new = NewMessage {
        workspace_id,
        author: Author::Agent {
            user_id: member.current.user.id,
            name: member.current.user.name.clone(),
            avatar: member.current.user.avatar.clone(),
        },
        conversation_id: Some(conversation_id),
        client_id: form.client_id.unwrap_or_else(Uuid::now_v7),
        body: form.body,
        private,
        // Files go with replies sent by the page's script, over the socket.
        attachments: Vec::new(),
    };
    state.realtime.writer.send(new).await?;
    Ok(back_to(workspace_id, conversation_id, form.keep.as_deref(), "reply_sent"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(width: Option<i32>, height: Option<i32>) -> crate::files::Attachment {
        crate::files::Attachment {
            id: crate::db::UploadId::new(),
            name: "photo.png".into(),
            content_type: "image/png".into(),
            size: 1,
            width,
            height,
            url: String::new(),
            thumbnail_url: None,
            has_thumbnail: true,
        }
    }

    #[test]
    fn images_show_at_their_size_or_scaled_to_fit() {
        assert_eq!(shown_size(&image(Some(100), Some(50))), Some((100, 50)));
        assert_eq!(shown_size(&image(Some(800), Some(600))), Some((240, 180)));
        assert_eq!(shown_size(&image(Some(300), Some(4000))), Some((18, 240)));
        assert_eq!(shown_size(&image(Some(10_000), Some(1))), Some((240, 1)));
        assert_eq!(shown_size(&image(None, Some(10))), None);
        assert_eq!(shown_size(&image(Some(0), Some(10))), None);
    }
}
