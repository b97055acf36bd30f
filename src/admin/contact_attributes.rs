//! Settings, Contact attributes: the custom attributes a workspace's admins define for its
//! contacts (a label, a key, a type and a list's options), rename, give other options and
//! delete after a confirmation page. Members fill in the values on each contact's page
//! ([`crate::contacts::attribute_form`]); the rules of both are [`crate::contacts::attributes`].
//!
//! Tenant rule: every route takes a [`WorkspaceAdmin`] (agents get 403) and reaches definitions
//! only through the workspace's id, so another workspace's definition answers 404.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    auth::{CsrfForm, CsrfToken, EmptyForm, Member, WorkspaceAdmin},
    contacts::attributes::{
        self, Definition, Field, MAX_KEY_CHARS, MAX_LABEL_CHARS, MAX_OPTION_CHARS, MAX_OPTIONS, MAX_PER_WORKSPACE, NewDefinition, ValueType,
    },
    db::{self, AttributeId},
    error::AppError,
    state::AppState,
    web::{Nav, NoticeQuery, Shell, render, see_other},
    workspaces::audit,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/settings/attributes", web::get().to(page))
        .route("/app/{workspace_id}/settings/attributes", web::post().to(create))
        .route("/app/{workspace_id}/settings/attributes/{attribute_id}", web::post().to(update))
        .route("/app/{workspace_id}/settings/attributes/{attribute_id}/delete", web::get().to(confirm_delete))
        .route("/app/{workspace_id}/settings/attributes/{attribute_id}/delete", web::post().to(delete));
}

/// The form of a definition as it was sent, when it was refused, with the refusals by field.
#[derive(Default)]
struct Sent {
    label: String,
    key: String,
    value_type: String,
    options: String,
    /// `None`: about the whole form.
    errors: Vec<(Option<Field>, String)>,
}

#[derive(Template)]
#[template(path = "app/contact_attributes.html")]
struct AttributesPage {
    shell: Shell,
    definitions: Vec<Definition>,
    /// The new-attribute form as it was sent, when it was refused.
    new: Sent,
    /// A refused edit: the definition and its form as sent.
    edit: Option<(AttributeId, Sent)>,
}

impl AttributesPage {
    fn max_definitions(&self) -> i64 {
        MAX_PER_WORKSPACE
    }

    fn max_label(&self) -> usize {
        MAX_LABEL_CHARS
    }

    fn max_key(&self) -> usize {
        MAX_KEY_CHARS
    }

    fn max_options(&self) -> usize {
        MAX_OPTIONS
    }

    fn max_option(&self) -> usize {
        MAX_OPTION_CHARS
    }

    fn types(&self) -> &'static [ValueType] {
        &ValueType::ALL
    }

    /// The refusal of the new-attribute form about `field` (`None`: the whole form).
    fn new_error(&self, field: Option<Field>) -> Option<&str> {
        self.new.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    fn label_error(&self) -> Option<&str> {
        self.new_error(Some(Field::Label))
    }

    fn key_error(&self) -> Option<&str> {
        self.new_error(Some(Field::Key))
    }

    fn type_error(&self) -> Option<&str> {
        self.new_error(Some(Field::Type))
    }

    fn options_error(&self) -> Option<&str> {
        self.new_error(Some(Field::Options))
    }

    fn form_error(&self) -> Option<&str> {
        self.new_error(None)
    }

    fn type_chosen(&self, value_type: &ValueType) -> bool {
        self.new.value_type == value_type.as_str() || (self.new.value_type.is_empty() && *value_type == ValueType::Text)
    }

    /// The refused edit of `definition`, if it was the one refused.
    fn edit_of(&self, definition: &Definition) -> Option<&Sent> {
        self.edit.as_ref().filter(|(id, _)| *id == definition.id).map(|(_, sent)| sent)
    }

    /// What the label input of `definition`'s form holds.
    fn label_of(&self, definition: &Definition) -> String {
        self.edit_of(definition).map_or_else(|| definition.label.clone(), |sent| sent.label.clone())
    }

    /// What the options box of `definition`'s form holds, one a line.
    fn options_of(&self, definition: &Definition) -> String {
        self.edit_of(definition).map_or_else(|| definition.options.join("\n"), |sent| sent.options.clone())
    }

    /// The refusal of `definition`'s form, if it was the one refused, and whether it is about
    /// its options (otherwise its label, or the form).
    fn edit_error(&self, definition: &Definition) -> Option<(&str, bool)> {
        let sent = self.edit_of(definition)?;
        sent.errors.first().map(|(field, message)| (message.as_str(), *field == Some(Field::Options)))
    }
}

async fn render_page(
    state: &web::Data<AppState>,
    member: &Member,
    csrf: CsrfToken,
    notice: Option<&str>,
    new: Sent,
    edit: Option<(AttributeId, Sent)>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let definitions = db::run(&state.pool, move |conn| attributes::list(conn, workspace_id)).await?;
    let shell = Shell::load(state, member, csrf, Nav::Settings, notice).await?;
    let refused = !new.errors.is_empty() || edit.is_some();
    let status = if refused { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render(status, &AttributesPage { shell, definitions, new, edit })
}

async fn page(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    render_page(&state, &member, csrf, query.notice.as_deref(), Sent::default(), None).await
}

#[derive(Deserialize)]
pub struct NewForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    value_type: String,
    #[serde(default)]
    options: String,
}

/// A refusal the form shows beside itself; anything else is the error page.
fn shown(refused: attributes::Refused) -> Result<(Option<Field>, String), AppError> {
    match refused.error {
        AppError::BadRequest(message) | AppError::Conflict(message) => Ok((refused.field, message)),
        other => Err(other),
    }
}

async fn create(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<NewForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let actor = member.actor();
    let mut sent = Sent { label: form.label, key: form.key, value_type: form.value_type, options: form.options, errors: Vec::new() };
    let Some(value_type) = ValueType::parse(&sent.value_type) else {
        sent.errors.push((Some(Field::Type), "Choose a type: text, number, date, yes or no, or list.".into()));
        return render_page(&state, &member, csrf, None, sent, None).await;
    };
    // Options only count for a list: the form keeps the box for every type.
    let options = if value_type == ValueType::List { attributes::options_from_lines(&sent.options) } else { Vec::new() };
    let new = NewDefinition { label: sent.label.clone(), key: Some(sent.key.clone()), value_type, options };
    // A refusal comes back inside the `Ok` of `db::run`, after its transaction rolled back.
    let created = db::run(&state.pool, move |conn| {
        Ok(conn.build_transaction().run(|conn| {
            let definition = attributes::create(conn, workspace_id, new)?;
            audit::record(conn, workspace_id, &actor, "contact_attribute.created", &definition.audit_name())?;
            Ok::<_, attributes::Refused>(definition)
        }))
    })
    .await?;
    match created {
        Ok(_) => Ok(see_other(&format!("/app/{workspace_id}/settings/attributes?notice=attribute_created"))),
        Err(refused) => {
            sent.errors.push(shown(refused)?);
            render_page(&state, &member, csrf, None, sent, None).await
        }
    }
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    label: String,
    /// Only a list's form has it.
    options: Option<String>,
}

async fn update(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(form): CsrfForm<EditForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let id = AttributeId(path.1);
    let actor = member.actor();
    let (label, options) = (form.label.clone(), form.options.as_deref().map(attributes::options_from_lines));
    let updated = db::run(&state.pool, move |conn| {
        Ok(conn.build_transaction().run(|conn| {
            let (before, after) = attributes::update(conn, workspace_id, id, &label, options)?;
            let mut changed = Vec::new();
            if before.label != after.label {
                changed.push(format!("renamed from {}", before.label));
            }
            if before.options != after.options {
                changed.push(format!("options now {}", after.options.join(", ")));
            }
            if !changed.is_empty() {
                let detail = format!("{}: {}", after.audit_name(), changed.join("; "));
                audit::record(conn, workspace_id, &actor, "contact_attribute.updated", &detail)?;
            }
            Ok::<_, attributes::Refused>(after)
        }))
    })
    .await?;
    match updated {
        Ok(_) => Ok(see_other(&format!("/app/{workspace_id}/settings/attributes?notice=attribute_saved"))),
        Err(refused) => {
            let error = shown(refused)?;
            let sent = Sent { label: form.label, options: form.options.unwrap_or_default(), errors: vec![error], ..Sent::default() };
            render_page(&state, &member, csrf, None, Sent::default(), Some((id, sent))).await
        }
    }
}

#[derive(Template)]
#[template(path = "app/contact_attribute_delete.html")]
struct DeletePage {
    shell: Shell,
    definition: Definition,
    /// How many contacts hold a value of it.
    holders: i64,
}

/// The confirmation step: what deleting the definition removes, and the button that does it.
async fn confirm_delete(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let id = AttributeId(path.1);
    let (definition, holders) = db::run(&state.pool, move |conn| {
        let definition = attributes::find(conn, workspace_id, id)?.ok_or(AppError::NotFound)?;
        let holders = attributes::contacts_with_value(conn, workspace_id, &definition.key)?;
        Ok((definition, holders))
    })
    .await?;
    let shell = Shell::load(&state, &member, csrf, Nav::Settings, None).await?;
    render(StatusCode::OK, &DeletePage { shell, definition, holders })
}

async fn delete(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    path: web::Path<(Uuid, Uuid)>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let (id, actor) = (AttributeId(path.1), member.actor());
    db::run(&state.pool, move |conn| {
        conn.build_transaction().run(|conn| {
            let (definition, cleared) = attributes::delete(conn, workspace_id, id)?;
            audit::record(conn, workspace_id, &actor, "contact_attribute.deleted", &definition.deleted_detail(cleared))?;
            Ok::<_, AppError>(())
        })
    })
    .await?;
    Ok(see_other(&format!("/app/{workspace_id}/settings/attributes?notice=attribute_deleted")))
}
