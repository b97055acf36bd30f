//! A contact's attributes form, on their page and in the inbox's contact panel
//! (`templates/app/contact_attribute_fields.html`): one labelled, type-aware input per attribute
//! the workspace defines, and the keys without a definition read-only. Any member saves it
//! (`POST /app/{workspace}/contacts/{contact}/attributes`); only the values that differ from
//! what the page showed change, each checked by [`super::attributes`]. A refused value is shown
//! beside its field, on the contact's page, and nothing is saved.
//!
//! Tenant rule: the handler takes a [`Member`] and reaches the contact and the definitions only
//! through its `WorkspaceId`; another workspace's contact answers 404.

use actix_web::{HttpResponse, web};
use serde_json::Value;
use uuid::Uuid;

use super::attributes::{self, Changes, Definition, ValueType};
use crate::{
    auth::{CsrfForm, CsrfToken, Member},
    db::{self, ContactId, ConversationId, WorkspaceId},
    error::AppError,
    inbox,
    state::AppState,
    web::see_other,
};

/// The name of a field's input in the form.
fn input_name(key: &str) -> String {
    format!("attribute.{key}")
}

/// The hidden field that says a checkbox was on the form: an unticked box sends nothing.
fn shown_name(key: &str) -> String {
    format!("shown.{key}")
}

/// One defined attribute as the form shows it.
pub struct FieldView {
    pub key: String,
    pub label: String,
    pub value_type: ValueType,
    /// What the input holds: the stored value, or what was typed when the form was refused.
    pub text: String,
    /// For a boolean: whether the box is ticked.
    pub checked: bool,
    pub options: Vec<String>,
    /// The stored value does not fit the definition (it was stored before the attribute was
    /// defined, or its option was since removed): it is shown as it is, so that saving the form
    /// does not lose it.
    pub misfit: bool,
    pub error: Option<String>,
}

impl FieldView {
    pub fn id(&self) -> String {
        format!("attribute-{}", self.key)
    }

    pub fn name(&self) -> String {
        input_name(&self.key)
    }

    pub fn shown_name(&self) -> String {
        shown_name(&self.key)
    }

    pub fn is_checkbox(&self) -> bool {
        self.value_type == ValueType::Boolean && !self.misfit
    }

    pub fn is_select(&self) -> bool {
        self.value_type == ValueType::List
    }

    /// The `type` of the input of a field that is neither a checkbox nor a select.
    pub fn input_type(&self) -> &'static str {
        match self.value_type {
            _ if self.misfit => "text",
            ValueType::Number => "number",
            ValueType::Date => "date",
            _ => "text",
        }
    }

    pub fn max_chars(&self) -> usize {
        attributes::MAX_TEXT_CHARS
    }

    /// The stored value is not one of a list's options: the select offers it too.
    pub fn extra_option(&self) -> Option<&str> {
        (self.value_type == ValueType::List && !self.text.is_empty() && !self.options.contains(&self.text)).then_some(self.text.as_str())
    }

    /// The ids of the hint and error that describe the input, for `aria-describedby`.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.misfit {
            ids.push(format!("{}-hint", self.id()));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id()));
        }
        ids.join(" ")
    }
}

/// The form as a page shows it.
pub struct AttributeForm {
    pub workspace_id: WorkspaceId,
    pub contact_id: ContactId,
    /// The inbox conversation the form is shown beside, to go back to once saved.
    pub conversation_id: Option<ConversationId>,
    pub fields: Vec<FieldView>,
    /// The keys without a definition, with their values as text.
    pub other: Vec<(String, String)>,
}

impl AttributeForm {
    /// The form for a contact whose stored attributes are `stored`.
    pub fn new(
        workspace_id: WorkspaceId,
        contact_id: ContactId,
        conversation_id: Option<ConversationId>,
        definitions: &[Definition],
        stored: &Value,
    ) -> Self {
        let empty = serde_json::Map::new();
        let stored = stored.as_object().unwrap_or(&empty);
        let fields = definitions
            .iter()
            .map(|d| {
                let value = stored.get(&d.key);
                FieldView {
                    key: d.key.clone(),
                    label: d.label.clone(),
                    value_type: d.value_type,
                    text: value.map(|v| d.form_text(v)).unwrap_or_default(),
                    checked: value == Some(&Value::Bool(true)),
                    options: d.options.clone(),
                    misfit: value.is_some_and(|v| !d.fits(v)),
                    error: None,
                }
            })
            .collect();
        let other = stored
            .iter()
            .filter(|(key, _)| !definitions.iter().any(|d| d.key == **key))
            .map(|(key, value)| (key.clone(), attributes::display(value)))
            .collect();
        AttributeForm { workspace_id, contact_id, conversation_id, fields, other }
    }

    /// Whether any field was refused.
    pub fn refused(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }

    /// Shows what was sent, and each refusal beside its field.
    fn with_submission(mut self, submission: &Submission, refusals: &[(String, String)]) -> Self {
        for field in &mut self.fields {
            if let Some(text) = submission.value(&input_name(&field.key)) {
                field.text = text.to_string();
            }
            if field.is_checkbox() && submission.value(&shown_name(&field.key)).is_some() {
                field.checked = submission.value(&input_name(&field.key)).is_some();
            }
            field.error = refusals.iter().find(|(key, _)| *key == field.key).map(|(_, message)| message.clone());
        }
        self
    }
}

/// A sent attributes form: its fields, as sent.
pub struct Submission(Vec<(String, String)>);

impl Submission {
    fn value(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The changes the form asks for, against the `stored` attributes: only fields that were on
    /// the form and differ from what it showed. Refusals are `(key, sentence)`, one a field.
    pub fn changes(&self, definitions: &[Definition], stored: &Value) -> Result<Changes, Vec<(String, String)>> {
        let mut changes = Changes::default();
        let mut refusals = Vec::new();
        for definition in definitions {
            let current = stored.get(&definition.key);
            let misfit = current.is_some_and(|v| !definition.fits(v));
            let key = definition.key.as_str();
            if definition.value_type == ValueType::Boolean && !misfit {
                if self.value(&shown_name(key)).is_none() {
                    continue;
                }
                // An unticked box is "no" for a contact who had "yes"; it leaves an unset one unset.
                let ticked = self.value(&input_name(key)).is_some();
                match (ticked, current) {
                    (true, Some(Value::Bool(true))) | (false, None | Some(Value::Bool(false))) => {}
                    (ticked, _) => {
                        changes.set.insert(key.to_string(), Value::Bool(ticked));
                    }
                }
                continue;
            }
            let Some(sent) = self.value(&input_name(key)) else { continue };
            let shown = current.map(|v| definition.form_text(v)).unwrap_or_default();
            if sent.trim() == shown.trim() {
                continue;
            }
            match definition.check_form(sent) {
                Ok(Some(value)) => {
                    changes.set.insert(key.to_string(), value);
                }
                Ok(None) => changes.clear.push(key.to_string()),
                Err(message) => refusals.push((key.to_string(), message)),
            }
        }
        if refusals.is_empty() { Ok(changes) } else { Err(refusals) }
    }
}

/// `POST /app/{workspace}/contacts/{contact}/attributes`: any member.
pub(super) async fn save(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let contact_id = ContactId(path.1);
    let submission = Submission(fields);
    let conversation_id = submission.value("conversation_id").and_then(|id| Uuid::parse_str(id).ok()).map(ConversationId);
    let (submission, outcome) = db::run(&state.pool, move |conn| {
        let outcome = conn.build_transaction().run(|conn| {
            let contact = inbox::queries::contact(conn, workspace_id, contact_id)?.ok_or(AppError::NotFound)?;
            let definitions = attributes::definitions_for_values(conn, workspace_id)?;
            Ok::<_, AppError>(match submission.changes(&definitions, &contact.attributes) {
                Ok(changes) if changes.is_empty() => Ok(()),
                Ok(changes) => attributes::apply(conn, workspace_id, contact_id, &changes).map(Ok)?,
                Err(refusals) => Err(refusals),
            })
        })?;
        Ok((submission, outcome))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(match conversation_id {
            Some(conversation) => inbox::back_to(workspace_id, conversation, None, "attributes_saved"),
            None => see_other(&format!("/app/{workspace_id}/contacts/{contact_id}?notice=attributes_saved")),
        }),
        Err(refusals) => {
            let refused = move |form: AttributeForm| AttributeForm { conversation_id, ..form }.with_submission(&submission, &refusals);
            super::render_contact(&state, &member, csrf, contact_id, None, refused).await
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::OffsetDateTime;

    use super::*;
    use crate::db::AttributeId;

    fn definition(key: &str, value_type: ValueType, options: &[&str]) -> Definition {
        Definition {
            id: AttributeId::new(),
            key: key.into(),
            label: key.to_uppercase(),
            value_type,
            options: options.iter().map(|o| o.to_string()).collect(),
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn sent(fields: &[(&str, &str)]) -> Submission {
        Submission(fields.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect())
    }

    #[test]
    fn only_what_differs_from_the_page_changes() {
        let definitions = [
            definition("company", ValueType::Text, &[]),
            definition("seats", ValueType::Number, &[]),
            definition("vip", ValueType::Boolean, &[]),
            definition("trial", ValueType::Boolean, &[]),
            definition("plan", ValueType::List, &["Free", "Pro"]),
        ];
        let stored = json!({"company": "Acme", "seats": 3, "vip": true, "plan": "Gold", "legacy": "x"});
        let form = sent(&[
            ("attribute.company", "Acme "),
            ("attribute.seats", ""),
            ("shown.vip", "1"),
            ("shown.trial", "1"),
            ("attribute.plan", "Gold"),
        ]);
        let changes = form.changes(&definitions, &stored).unwrap();
        assert_eq!(changes.set, *json!({"vip": false}).as_object().unwrap(), "unticked: no; an unset box stays unset");
        assert_eq!(changes.clear, ["seats"], "emptied: cleared; an option no longer listed stays");
        let none = sent(&[]).changes(&definitions, &stored).unwrap();
        assert!(none.is_empty(), "fields not on the form are not touched");
    }

    #[test]
    fn a_refused_field_refuses_the_whole_form() {
        let definitions = [definition("seats", ValueType::Number, &[]), definition("since", ValueType::Date, &[])];
        let form = sent(&[("attribute.seats", "many"), ("attribute.since", "2026-12-03")]);
        let refusals = form.changes(&definitions, &json!({})).unwrap_err();
        assert_eq!(refusals, [("seats".to_string(), "Enter a number, like 42 or 3.5.".to_string())]);
        let shown =
            AttributeForm::new(WorkspaceId::new(), ContactId::new(), None, &definitions, &json!({})).with_submission(&form, &refusals);
        assert_eq!(shown.fields[0].text, "many", "what was typed stays");
        assert!(shown.refused() && shown.fields[1].error.is_none());
    }

    #[test]
    fn values_that_do_not_fit_are_shown_as_they_are() {
        let definitions = [definition("seats", ValueType::Number, &[]), definition("plan", ValueType::List, &["Free"])];
        let form =
            AttributeForm::new(WorkspaceId::new(), ContactId::new(), None, &definitions, &json!({"seats": "lots", "plan": "Gold", "x": 1}));
        assert!(form.fields[0].misfit && form.fields[0].input_type() == "text" && form.fields[0].text == "lots");
        assert_eq!(form.fields[1].extra_option(), Some("Gold"));
        assert_eq!(form.other, [("x".to_string(), "1".to_string())]);
    }
}
