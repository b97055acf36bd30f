//! The pages of a merge ([`super::merge`]), from a contact's page: pick the other contact
//! (`GET /app/{workspace}/contacts/{contact}/merge`, searchable, the people seen last first),
//! confirm with both side by side and what will happen (`...?with={other}`), and merge
//! (`POST .../merge`), which goes back to the kept contact's page.
//!
//! Tenant rule: every handler takes a [`Member`] (any role may merge: nothing is lost), whose
//! `WorkspaceId` every query takes; a contact of another workspace answers 404.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use super::{SEARCH_MAX, merge, queries};
use crate::{
    auth::{CsrfForm, CsrfToken, Member},
    db::{self, ContactId},
    error::AppError,
    inbox::{
        self,
        queries::{ContactDetails, friendly_name},
    },
    state::AppState,
    web::{Nav, Shell, render, see_other},
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/contacts/{contact_id}/merge", web::get().to(merge_page))
        .route("/app/{workspace_id}/contacts/{contact_id}/merge", web::post().to(merge_contacts));
}

/// A contact as the merge pages show them.
pub struct ContactView {
    pub id: Uuid,
    pub name: String,
    /// No name of their own: `name` is the inbox's friendly one.
    pub anonymous: bool,
    pub email: Option<String>,
    pub external_id: Option<String>,
    pub identity_verified: bool,
    pub first_seen: String,
    pub last_seen: String,
    pub last_seen_iso: String,
    pub conversations: i64,
    pub blocked: bool,
}

impl ContactView {
    fn new(contact: &ContactDetails, conversations: i64) -> Self {
        ContactView {
            id: contact.id.0,
            name: contact.name.clone().unwrap_or_else(|| friendly_name(contact.id.0)),
            anonymous: contact.name.is_none(),
            email: contact.email.clone(),
            external_id: contact.external_id.clone(),
            identity_verified: contact.identity_verified,
            first_seen: inbox::describe_time(contact.created_at),
            last_seen: inbox::describe_time(contact.last_seen_at),
            last_seen_iso: inbox::iso(contact.last_seen_at),
            conversations,
            blocked: contact.blocked_at.is_some(),
        }
    }
}

/// The confirmation: both contacts, and what merging them does (or why it cannot).
pub struct Confirmation {
    pub kept: ContactView,
    pub other: ContactView,
    /// The reason the two cannot be merged; nothing else below applies then.
    pub refusal: Option<String>,
    /// The details the kept contact takes from the other, in a sentence ("email and user id").
    pub filled: String,
    pub attributes_added: usize,
    pub attributes_left_out: usize,
}

impl Confirmation {
    /// The two sides of the screen: an id for the heading, its label, the label's badge, the contact.
    fn sides(&self, tr: &crate::i18n::Tr) -> [(&'static str, String, &'static str, &ContactView); 2] {
        [("kept", tr.t("merge-kept"), "ok", &self.kept), ("merged", tr.t("merge-merged"), "warn", &self.other)]
    }

    /// What happens to the other's conversations, in the reader's language.
    fn moves_text(&self, tr: &crate::i18n::Tr) -> String {
        use fluent_bundle::FluentValue;
        tr.format(
            "merge-moves",
            &[
                ("count", FluentValue::from(self.other.conversations as f64)),
                ("other", FluentValue::from(self.other.name.as_str())),
                ("kept", FluentValue::from(self.kept.name.as_str())),
                ("total", FluentValue::from(self.total_conversations().to_string())),
            ],
        )
    }

    /// The attributes taken over, and those left out, in the reader's language.
    fn attributes_text(&self, tr: &crate::i18n::Tr) -> String {
        use fluent_bundle::FluentValue;
        let added = tr.format(
            "merge-attributes-added",
            &[("count", FluentValue::from(self.attributes_added as f64)), ("other", FluentValue::from(self.other.name.as_str()))],
        );
        if self.attributes_left_out == 0 {
            return format!("{added}.");
        }
        let left_out = tr.format("merge-attributes-left-out", &[("count", FluentValue::from(self.attributes_left_out as f64))]);
        format!("{added}; {left_out}.")
    }

    /// Conversations the kept contact has once the other's move in.
    fn total_conversations(&self) -> i64 {
        self.kept.conversations + self.other.conversations
    }

    /// Whose block the merged contact inherits, when either is blocked.
    fn blocked_by_name(&self) -> Option<&str> {
        if self.kept.blocked {
            Some(&self.kept.name)
        } else if self.other.blocked {
            Some(&self.other.name)
        } else {
            None
        }
    }
}

#[derive(Template)]
#[template(path = "app/contact_merge.html")]
struct MergePage {
    shell: Shell,
    contact: ContactView,
    /// The search for the other contact.
    q: String,
    /// The people to choose from (when none is chosen yet).
    candidates: Vec<ContactView>,
    confirmation: Option<Confirmation>,
    /// Why the choice cannot be shown (a contact chosen twice).
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct MergeQuery {
    #[serde(default)]
    q: String,
    /// The other contact, once chosen.
    with: Option<String>,
}

/// "and" between the last two of a list, commas before.
fn sentence(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

async fn merge_page(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<MergeQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let contact_id = ContactId(path.1);
    let q: String = query.q.trim().chars().take(SEARCH_MAX).collect();
    let with = match query.with.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        // A link that names no contact names none of this workspace's.
        Some(text) => Some(ContactId(Uuid::parse_str(text).map_err(|_| AppError::NotFound)?)),
        None => None,
    };
    let search = (!q.is_empty()).then(|| q.clone());
    let (contact, candidates, preview) = db::run(&state.pool, move |conn| {
        let contact = inbox::queries::contact(conn, workspace_id, contact_id)?.ok_or(AppError::NotFound)?;
        let conversations = merge::conversation_count(conn, workspace_id, contact_id)?;
        let preview = match with {
            Some(other) if other == contact_id => Some(Err(merge::SELF_MERGE.to_string())),
            Some(other) => Some(Ok(merge::preview(conn, workspace_id, contact_id, other)?)),
            None => None,
        };
        let candidates = if preview.is_none() {
            let (rows, _) = queries::list(conn, workspace_id, search.as_deref(), None)?;
            rows.into_iter().filter(|row| row.id != contact_id.0).collect()
        } else {
            Vec::new()
        };
        Ok((ContactView::new(&contact, conversations), candidates, preview))
    })
    .await?;
    let candidates = candidates
        .into_iter()
        .map(|row: queries::ContactRow| ContactView {
            name: row.name.clone().unwrap_or_else(|| friendly_name(row.id)),
            anonymous: row.name.is_none(),
            id: row.id,
            email: row.email,
            external_id: row.external_id,
            identity_verified: row.identity_verified,
            first_seen: String::new(),
            last_seen: inbox::describe_time(row.last_seen_at),
            last_seen_iso: inbox::iso(row.last_seen_at),
            conversations: row.conversations,
            blocked: false,
        })
        .collect();
    let (confirmation, error) = match preview {
        Some(Ok(preview)) => {
            let (refusal, filled, attributes_added, attributes_left_out) = match &preview.outcome {
                Ok(combined) => (None, sentence(&combined.filled), combined.attributes_added, combined.attributes_left_out),
                Err(refusal) => (Some(refusal.clone()), String::new(), 0, 0),
            };
            let confirmation = Confirmation {
                kept: ContactView::new(&preview.kept, preview.kept_conversations),
                other: ContactView::new(&preview.other, preview.other_conversations),
                refusal,
                filled,
                attributes_added,
                attributes_left_out,
            };
            (Some(confirmation), None)
        }
        Some(Err(error)) => (None, Some(error)),
        None => (None, None),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let shell = Shell::load(&state, &member, csrf, Nav::Contacts, None).await?;
    render(status, &MergePage { shell, contact, q, candidates, confirmation, error })
}

#[derive(Deserialize)]
pub struct MergeForm {
    merge_contact_id: String,
}

async fn merge_contacts(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<MergeForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let kept = ContactId(path.1);
    let other = ContactId(Uuid::parse_str(form.merge_contact_id.trim()).map_err(|_| AppError::NotFound)?);
    merge::merge_contacts(&state, workspace_id, member.actor(), kept, other).await?;
    Ok(see_other(&format!("/app/{workspace_id}/contacts/{kept}?notice=contacts_merged")))
}
