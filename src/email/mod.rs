//! Outgoing email: one [`Mailer`] with three transports, and the emails Parlor sends.
//!
//! - SMTP through lettre when `SMTP_URL` is set;
//! - otherwise one `.eml` file per email under `DATA_DIR/mail/`, and a log line with the
//!   subject and the link, so a developer can click it;
//! - in memory for tests, which read the outbox back.
//!
//! Two-way email (`INBOUND_DOMAIN`, see docs/email.md): the signed address a visitor's reply
//! goes to ([`reply_address`]), the thread of a conversation's emails, whose ids each new one
//! names ([`thread`]), and the mail that comes in, through the SMTP listener or a provider's
//! webhook ([`inbound`]).

pub mod inbound;
pub mod reply_address;
pub mod thread;

use std::{
    path::PathBuf,
    sync::{Arc, Mutex},
};

use anyhow::Context;
use askama::Template;
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};
use secrecy::ExposeSecret;

use crate::{
    config::{MailSettings, Settings},
    i18n::Tr,
};

tokio::task_local! {
    /// The kind of the background job sending an email, for the metrics' `kind` label; emails
    /// sent outside a job (sign-up, password reset, invitations) are `account`.
    pub static SENT_BY: &'static str;
}

/// An email ready to send. `link` is the one action it asks for, logged in file mode.
///
/// The threading fields are set for emails about a conversation ([`thread`]): `reply_to` is the
/// conversation's signed reply address, `message_id` this email's own id (without angle
/// brackets), `in_reply_to` and `references` the thread's earlier ids. `auto_submitted` marks
/// mail no person wrote (RFC 3834 `Auto-Submitted: auto-generated`), so that auto-responders do
/// not answer it and no loop can start; an agent's reply by email is a person's and goes without.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub link: Option<String>,
    #[serde(default)]
    pub reply_to: Option<String>,
    #[serde(default)]
    pub message_id: Option<String>,
    #[serde(default)]
    pub in_reply_to: Option<String>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default = "automatic")]
    pub auto_submitted: bool,
}

fn automatic() -> bool {
    true
}

/// The `Auto-Submitted` header (RFC 3834), which lettre does not know.
#[derive(Clone)]
struct AutoSubmitted;

impl lettre::message::header::Header for AutoSubmitted {
    fn name() -> lettre::message::header::HeaderName {
        lettre::message::header::HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> lettre::message::header::HeaderValue {
        lettre::message::header::HeaderValue::new(Self::name(), "auto-generated".into())
    }
}

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files { dir: PathBuf, transport: AsyncFileTransport<Tokio1Executor> },
    Memory(Arc<Mutex<Vec<Email>>>),
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let from: Mailbox = settings.mail_from.parse().with_context(|| format!("MAIL_FROM is not an address: {}", settings.mail_from))?;
        let transport = match &settings.mail {
            MailSettings::Smtp(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret()).context("SMTP_URL is not a valid SMTP URL")?.build(),
            ),
            MailSettings::Files(dir) => {
                std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
                Transport::Files { dir: dir.clone(), transport: AsyncFileTransport::new(dir) }
            }
            MailSettings::Memory => Transport::Memory(Arc::default()),
        };
        Ok(Self { from, transport })
    }

    /// Sends one email, counted in the metrics by who sent it ([`SENT_BY`]).
    pub async fn send(&self, email: Email) -> anyhow::Result<()> {
        use crate::ops::metrics::{EMAILS_FAILED, EMAILS_SENT};
        let kind = SENT_BY.try_with(|kind| *kind).unwrap_or("account");
        let sent = self.deliver(email).await;
        match &sent {
            Ok(()) => ::metrics::counter!(EMAILS_SENT, "kind" => kind).increment(1),
            Err(_) => ::metrics::counter!(EMAILS_FAILED, "kind" => kind).increment(1),
        }
        sent
    }

    async fn deliver(&self, email: Email) -> anyhow::Result<()> {
        let to: Mailbox = email.to.parse().with_context(|| format!("not an address: {}", email.to))?;
        let mut builder = Message::builder().from(self.from.clone()).to(to).subject(&email.subject).header(ContentType::TEXT_PLAIN);
        if let Some(reply_to) = &email.reply_to {
            builder = builder.reply_to(reply_to.parse().with_context(|| format!("not an address: {reply_to}"))?);
        }
        if let Some(id) = &email.message_id {
            builder = builder.message_id(Some(format!("<{id}>")));
        }
        if let Some(id) = &email.in_reply_to {
            builder = builder.in_reply_to(format!("<{id}>"));
        }
        if !email.references.is_empty() {
            builder = builder.references(email.references.iter().map(|id| format!("<{id}>")).collect::<Vec<_>>().join(" "));
        }
        if email.auto_submitted {
            builder = builder.header(AutoSubmitted);
        }
        let message = builder.body(email.text.clone()).context("cannot build the email")?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await.context("SMTP delivery failed")?;
                tracing::info!(subject = %email.subject, "email sent over SMTP");
            }
            Transport::Files { dir, transport } => {
                let id = transport.send(message).await.context("cannot write the email file")?;
                tracing::info!(
                    subject = %email.subject,
                    to = %email.to,
                    link = email.link.as_deref().unwrap_or("-"),
                    file = %dir.join(format!("{id}.eml")).display(),
                    "email written to a file (set SMTP_URL to send real email)"
                );
            }
            Transport::Memory(outbox) => {
                outbox.lock().map_err(|_| anyhow::anyhow!("outbox lock poisoned"))?.push(email);
            }
        }
        Ok(())
    }

    /// Sends in the background: a slow mail server never slows a page, and the time a form
    /// takes does not tell whether an email went out.
    pub fn send_later(&self, email: Email) {
        let mailer = self.clone();
        actix_web::rt::spawn(async move {
            let subject = email.subject.clone();
            if let Err(error) = mailer.send(email).await {
                tracing::error!(%subject, error = ?error, "email not sent");
            }
        });
    }

    /// What the in-memory transport holds; `None` for the other transports.
    pub fn outbox(&self) -> Option<Vec<Email>> {
        match &self.transport {
            Transport::Memory(outbox) => outbox.lock().ok().map(|o| o.clone()),
            _ => None,
        }
    }
}

#[derive(Template)]
#[template(path = "email/verify_email.txt")]
struct VerifyEmailText<'a> {
    tr: Tr,
    name: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "email/reset_password.txt")]
struct ResetPasswordText<'a> {
    tr: Tr,
    name: &'a str,
    link: &'a str,
}

pub fn verify_email(tr: Tr, to: &str, name: &str, link: String) -> Result<Email, askama::Error> {
    Ok(Email {
        to: to.into(),
        subject: tr.t("verify-subject"),
        text: VerifyEmailText { tr, name, link: &link }.render()?,
        link: Some(link),
        auto_submitted: true,
        ..Default::default()
    })
}

pub fn reset_password(tr: Tr, to: &str, name: &str, link: String) -> Result<Email, askama::Error> {
    Ok(Email {
        to: to.into(),
        subject: tr.t("reset-subject"),
        text: ResetPasswordText { tr, name, link: &link }.render()?,
        link: Some(link),
        auto_submitted: true,
        ..Default::default()
    })
}

#[derive(Template)]
#[template(path = "email/password_changed.txt")]
struct PasswordChangedText<'a> {
    tr: Tr,
    name: &'a str,
    link: &'a str,
}

/// The notice after a password change; its link is the way back in for an owner who did not make it.
pub fn password_changed(tr: Tr, to: &str, name: &str, link: String) -> Result<Email, askama::Error> {
    Ok(Email {
        to: to.into(),
        subject: tr.t("password-changed-subject"),
        text: PasswordChangedText { tr, name, link: &link }.render()?,
        link: Some(link),
        auto_submitted: true,
        ..Default::default()
    })
}

#[derive(Template)]
#[template(path = "email/email_change_confirm.txt")]
struct EmailChangeConfirmText<'a> {
    tr: Tr,
    name: &'a str,
    new_email: &'a str,
    link: &'a str,
}

/// To the new address of a change: the link that makes it the account's address.
pub fn email_change_confirm(tr: Tr, new_email: &str, name: &str, link: String) -> Result<Email, askama::Error> {
    Ok(Email {
        to: new_email.into(),
        subject: tr.t("email-change-confirm-subject"),
        text: EmailChangeConfirmText { tr, name, new_email, link: &link }.render()?,
        link: Some(link),
        auto_submitted: true,
        ..Default::default()
    })
}

#[derive(Template)]
#[template(path = "email/email_change_requested.txt")]
struct EmailChangeRequestedText<'a> {
    tr: Tr,
    name: &'a str,
    new_email: &'a str,
    account_link: &'a str,
    reset_link: &'a str,
}

/// To the current address when a change is asked for: the owner can still stop it.
pub fn email_change_requested(
    tr: Tr,
    to: &str,
    name: &str,
    new_email: &str,
    account_link: String,
    reset_link: &str,
) -> Result<Email, askama::Error> {
    Ok(Email {
        to: to.into(),
        subject: tr.t("email-change-requested-subject"),
        text: EmailChangeRequestedText { tr, name, new_email, account_link: &account_link, reset_link }.render()?,
        link: Some(account_link),
        auto_submitted: true,
        ..Default::default()
    })
}

#[derive(Template)]
#[template(path = "email/email_changed.txt")]
struct EmailChangedText<'a> {
    tr: Tr,
    name: &'a str,
    old_email: &'a str,
    new_email: &'a str,
}

/// To the former address once a change is confirmed.
pub fn email_changed(tr: Tr, old_email: &str, name: &str, new_email: &str) -> Result<Email, askama::Error> {
    Ok(Email {
        to: old_email.into(),
        subject: tr.t("email-changed-subject"),
        text: EmailChangedText { tr, name, old_email, new_email }.render()?,
        link: None,
        auto_submitted: true,
        ..Default::default()
    })
}

#[derive(Template)]
#[template(path = "email/invitation.txt")]
struct InvitationText<'a> {
    tr: Tr,
    body: &'a str,
    inviter: &'a str,
    link: &'a str,
}

/// An invitation to join a workspace, in the inviter's language (the invitee has none yet).
pub fn invitation(
    tr: Tr,
    to: &str,
    inviter: &str,
    workspace: &str,
    role: crate::workspaces::Role,
    link: String,
) -> Result<Email, askama::Error> {
    let role = tr.t(if role == crate::workspaces::Role::Admin { "invitation-role-admin" } else { "invitation-role-agent" });
    let body = tr.format("invitation-body", &[("inviter", inviter.into()), ("workspace", workspace.into()), ("role", role.into())]);
    Ok(Email {
        to: to.into(),
        subject: tr.t2("invitation-subject", "inviter", inviter, "workspace", workspace),
        text: InvitationText { tr, body: &body, inviter, link: &link }.render()?,
        link: Some(link),
        auto_submitted: true,
        ..Default::default()
    })
}
#[derive(Template)]
#[template(path = "email/transcript.txt")]
struct TranscriptText<'a> {
    tr: Tr,
    name: Option<&'a str>,
    workspace: &'a str,
    lines: Vec<TranscriptLine>,
}

/// One message of a transcript: who wrote it and when, in UTC.
pub struct TranscriptLine {
    pub author: String,
    pub at: String,
    pub body: String,
    pub files: Vec<String>,
}

/// A conversation as the visitor saw it, sent at their request. Plain text: nothing in it is
/// escaped, so what people wrote reads as they wrote it.
pub fn transcript(
    tr: Tr,
    to: &str,
    workspace: &str,
    name: Option<&str>,
    messages: &[crate::conversations::Message],
) -> Result<Email, askama::Error> {
    use crate::conversations::AuthorKind;
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    let lines = messages
        .iter()
        .map(|m| TranscriptLine {
            author: match m.author_kind {
                AuthorKind::Visitor => tr.t("visitor-you"),
                AuthorKind::Agent => m.author_name.clone().unwrap_or_else(|| workspace.to_string()),
                AuthorKind::System => workspace.to_string(),
            },
            at: m.created_at.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default(),
            body: m.body.clone(),
            files: m.attachments.iter().map(|a| a.name.clone()).collect(),
        })
        .collect();
    Ok(Email {
        to: to.into(),
        subject: tr.t1("transcript-subject", "workspace", workspace),
        text: TranscriptText { tr, name, workspace, lines }.render()?,
        link: None,
        auto_submitted: true,
        ..Default::default()
    })
}

/// One quoted message of a notification email.
pub struct Quoted {
    pub author: String,
    pub body: String,
}

fn quote(messages: &[crate::conversations::Message], fallback: &str) -> Vec<Quoted> {
    messages
        .iter()
        .map(|m| Quoted { author: m.author_name.clone().unwrap_or_else(|| fallback.to_string()), body: m.body.clone() })
        .collect()
}

#[derive(Template)]
#[template(path = "email/reply_follow_up.txt")]
struct ReplyFollowUpText<'a> {
    tr: Tr,
    /// Two-way email is on: the visitor answers by replying.
    by_email: bool,
    name: Option<&'a str>,
    workspace: &'a str,
    replies: Vec<Quoted>,
    page_url: Option<&'a str>,
    rating: Option<&'a RatingQuestion>,
}

/// "How was this conversation?" as an email asks it: a link per score, each opening the rating
/// page with that score chosen (opening one records nothing).
pub struct RatingQuestion {
    /// The score, its words (in the visitor's language) and its link, from 1 to 5.
    pub choices: Vec<(i16, String, String)>,
    /// When the links stop working, in words.
    pub until: String,
}

impl RatingQuestion {
    /// A line per score: "4 of 5, good: <link>".
    fn lines(&self, tr: Tr) -> Vec<String> {
        self.choices
            .iter()
            .map(|(score, words, link)| {
                tr.format("rating-choice", &[("score", (*score).into()), ("words", words.as_str().into()), ("link", link.as_str().into())])
            })
            .collect()
    }
}

#[derive(Template)]
#[template(path = "email/rating_request.txt")]
struct RatingRequestText<'a> {
    tr: Tr,
    name: Option<&'a str>,
    workspace: &'a str,
    rating: &'a RatingQuestion,
}

/// Asks the visitor of a resolved conversation how it went.
pub fn rating_request(tr: Tr, to: &str, workspace: &str, name: Option<&str>, rating: &RatingQuestion) -> Result<Email, askama::Error> {
    Ok(Email {
        to: to.into(),
        subject: tr.t1("rating-subject", "workspace", workspace),
        text: RatingRequestText { tr, name, workspace, rating }.render()?,
        link: rating.choices.last().map(|(_, _, link)| link.clone()),
        auto_submitted: true,
        ..Default::default()
    })
}

/// An agent's public reply in a conversation that started by email, sent at once as an answer
/// to the contact's email (`Re: <subject>`). A person wrote it: no `Auto-Submitted`.
pub fn agent_reply(
    tr: Tr,
    to: &str,
    workspace: &str,
    subject: Option<&str>,
    reply: &crate::conversations::Message,
) -> Result<Email, askama::Error> {
    let subject = match subject.map(str::trim).filter(|s| !s.is_empty()) {
        Some(subject) if subject.get(..3).is_some_and(|re| re.eq_ignore_ascii_case("re:")) => subject.to_string(),
        Some(subject) => format!("Re: {subject}"),
        None => tr.t1("transcript-subject", "workspace", workspace),
    };
    let author = reply.author_name.clone().unwrap_or_else(|| workspace.to_string());
    let mut text = reply.body.clone();
    for file in &reply.attachments {
        text.push('\n');
        text.push_str(&tr.t1("transcript-file", "name", &file.name));
    }
    text.push_str(&format!("\n\n{author}, {workspace}\n"));
    Ok(Email { to: to.into(), subject, text, auto_submitted: false, ..Default::default() })
}

/// A visitor's unseen replies, sent once they have not read them for the follow-up delay.
#[allow(clippy::too_many_arguments)]
pub fn reply_follow_up(
    tr: Tr,
    by_email: bool,
    to: &str,
    workspace: &str,
    name: Option<&str>,
    replies: &[crate::conversations::Message],
    page_url: Option<&str>,
    rating: Option<&RatingQuestion>,
) -> Result<Email, askama::Error> {
    let subject = if replies.len() == 1 {
        tr.t1("follow-up-subject-one", "workspace", workspace)
    } else {
        tr.t2("follow-up-subject-many", "count", replies.len(), "workspace", workspace)
    };
    Ok(Email {
        to: to.into(),
        subject,
        text: ReplyFollowUpText { tr, by_email, name, workspace, replies: quote(replies, workspace), page_url, rating }.render()?,
        link: page_url.map(str::to_string),
        auto_submitted: true,
        ..Default::default()
    })
}

#[derive(Template)]
#[template(path = "email/unread_notice.txt")]
struct UnreadNoticeText<'a> {
    tr: Tr,
    visitor: &'a str,
    workspace: &'a str,
    messages: Vec<Quoted>,
    link: &'a str,
    outside_hours: bool,
}

/// Visitor messages no agent has read, to the assignee or every member.
pub fn unread_notice(
    tr: Tr,
    to: &str,
    workspace: &str,
    visitor: Option<&str>,
    messages: &[crate::conversations::Message],
    link: &str,
    outside_hours: bool,
) -> Result<Email, askama::Error> {
    let visitor = visitor.map(str::to_string).unwrap_or_else(|| tr.t("team-a-visitor"));
    let visitor = visitor.as_str();
    Ok(Email {
        to: to.into(),
        subject: tr.t2("unread-subject", "visitor", visitor, "workspace", workspace),
        text: UnreadNoticeText { tr, visitor, workspace, messages: quote(messages, visitor), link, outside_hours }.render()?,
        link: Some(link.to_string()),
        auto_submitted: true,
        ..Default::default()
    })
}

#[derive(Template)]
#[template(path = "email/new_conversation.txt")]
struct NewConversationText<'a> {
    tr: Tr,
    visitor: &'a str,
    workspace: &'a str,
    body: &'a str,
    link: &'a str,
    settings_link: &'a str,
}

/// A new conversation, to the members who asked to hear of each one. `settings_link` is the
/// recipient's notifications page.
pub fn new_conversation(
    tr: Tr,
    to: &str,
    workspace: &str,
    visitor: Option<&str>,
    first: &crate::conversations::Message,
    link: &str,
    settings_link: &str,
) -> Result<Email, askama::Error> {
    let visitor = visitor.map(str::to_string).unwrap_or_else(|| tr.t("team-a-visitor"));
    let visitor = visitor.as_str();
    Ok(Email {
        to: to.into(),
        subject: tr.t2("new-conversation-subject", "workspace", workspace, "visitor", visitor),
        text: NewConversationText { tr, visitor, workspace, body: &first.body, link, settings_link }.render()?,
        link: Some(link.to_string()),
        auto_submitted: true,
        ..Default::default()
    })
}

/// One conversation of a digest: who started it (`None`: an anonymous visitor), their first
/// words, and the way to it.
pub struct StartedConversation {
    pub visitor: Option<String>,
    pub body: String,
    pub link: String,
}

impl StartedConversation {
    fn named(&self, tr: Tr) -> String {
        self.visitor.clone().unwrap_or_else(|| tr.t("team-a-visitor"))
    }
}

#[derive(Template)]
#[template(path = "email/new_conversations.txt")]
struct NewConversationsText<'a> {
    tr: Tr,
    workspace: &'a str,
    started: &'a [StartedConversation],
    settings_link: &'a str,
}

/// Several new conversations in one email: notices are sent at most once a minute, and what
/// started meanwhile comes together.
pub fn new_conversations(
    tr: Tr,
    to: &str,
    workspace: &str,
    started: &[StartedConversation],
    settings_link: &str,
) -> Result<Email, askama::Error> {
    Ok(Email {
        to: to.into(),
        subject: tr.t2("new-conversations-subject", "count", started.len(), "workspace", workspace),
        text: NewConversationsText { tr, workspace, started, settings_link }.render()?,
        link: started.first().map(|s| s.link.clone()),
        auto_submitted: true,
        ..Default::default()
    })
}

#[derive(Template)]
#[template(path = "email/assigned.txt")]
struct AssignedText<'a> {
    tr: Tr,
    headline: &'a str,
    messages: Vec<Quoted>,
    link: &'a str,
    settings_link: &'a str,
}

/// To a member: a conversation is theirs now, given by `assigned_by` (a member's name) or, with
/// `None`, by auto-assignment; with its latest messages.
#[allow(clippy::too_many_arguments)]
pub fn assigned(
    tr: Tr,
    to: &str,
    workspace: &str,
    visitor: Option<&str>,
    assigned_by: Option<&str>,
    latest: &[crate::conversations::Message],
    link: &str,
    settings_link: &str,
) -> Result<Email, askama::Error> {
    let messages = quote(latest, &visitor.map(str::to_string).unwrap_or_else(|| tr.t("team-visitor")));
    let visitor = visitor.map(str::to_string).unwrap_or_else(|| tr.t("team-a-visitor-inline"));
    let headline = match assigned_by {
        Some(by) => tr.format("assigned-by", &[("by", by.into()), ("visitor", visitor.as_str().into()), ("workspace", workspace.into())]),
        None => tr.t2("assigned-auto", "visitor", &visitor, "workspace", workspace),
    };
    Ok(Email {
        to: to.into(),
        subject: tr.t2("assigned-subject", "visitor", &visitor, "workspace", workspace),
        text: AssignedText { tr, headline: &headline, messages, link, settings_link }.render()?,
        link: Some(link.to_string()),
        auto_submitted: true,
        ..Default::default()
    })
}

#[derive(Template)]
#[template(path = "email/new_message.txt")]
struct NewMessageText<'a> {
    tr: Tr,
    visitor: &'a str,
    workspace: &'a str,
    messages: Vec<Quoted>,
    link: &'a str,
    settings_link: &'a str,
    interval_minutes: i32,
}

/// To an assignee who is offline or away: the visitor wrote in their conversation. At most one
/// every `interval_minutes` per conversation, which the email says.
#[allow(clippy::too_many_arguments)]
pub fn new_message(
    tr: Tr,
    to: &str,
    workspace: &str,
    visitor: Option<&str>,
    messages: &[crate::conversations::Message],
    link: &str,
    settings_link: &str,
    interval_minutes: i32,
) -> Result<Email, askama::Error> {
    let visitor = visitor.map(str::to_string).unwrap_or_else(|| tr.t("team-a-visitor"));
    let visitor = visitor.as_str();
    Ok(Email {
        to: to.into(),
        subject: tr.t2("new-message-subject", "visitor", visitor, "workspace", workspace),
        text: NewMessageText { tr, visitor, workspace, messages: quote(messages, visitor), link, settings_link, interval_minutes }
            .render()?,
        link: Some(link.to_string()),
        auto_submitted: true,
        ..Default::default()
    })
}

#[derive(Template)]
#[template(path = "email/payment_failed.txt")]
struct PaymentFailedText<'a> {
    tr: Tr,
    workspace: &'a str,
    link: &'a str,
}

/// To a workspace's owners: Stripe could not charge the subscription.
pub fn payment_failed(tr: Tr, to: &str, workspace: &str, link: &str) -> Result<Email, askama::Error> {
    Ok(Email {
        to: to.into(),
        subject: tr.t1("payment-failed-subject", "workspace", workspace),
        text: PaymentFailedText { tr, workspace, link }.render()?,
        link: Some(link.to_string()),
        auto_submitted: true,
        ..Default::default()
    })
}
