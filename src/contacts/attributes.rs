//! Custom contact attributes: the definitions a workspace's admins make (a label, a key, a type
//! and, for a list, its options), and the one place that checks a value against its definition,
//! for the console's forms, the REST API and the widget alike.
//!
//! Values live in `contacts.attributes` (jsonb), under the definition's key: text and list
//! choices as JSON strings, numbers as JSON numbers, dates as `"YYYY-MM-DD"` strings, booleans as
//! `true` or `false`. A key the website sends without a definition stays there too, free-form
//! (the widget's rules, [`crate::widget::api::validate_attributes`]), and the console shows it
//! read-only. A value stored before its definition existed (or before a list lost an option) is
//! kept as it is until someone changes it: [`Definition::fits`] tells the pages to show it as
//! text rather than lose it in an input that cannot hold it.
//!
//! Tenant rule: every function takes the caller's `WorkspaceId` and filters on it; another
//! workspace's definition answers `NotFound`.

use diesel::{
    prelude::*,
    sql_types::{Array, Jsonb, Text, Uuid as SqlUuid},
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::{
    db::{AttributeId, ContactId, WorkspaceId, schema::contact_attributes},
    error::AppError,
};

/// The most attributes one workspace defines.
pub const MAX_PER_WORKSPACE: i64 = 50;
/// The longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 60;
/// The longest key, in characters (the widget's limit for any attribute name).
pub const MAX_KEY_CHARS: usize = 64;
/// The most options a list has.
pub const MAX_OPTIONS: usize = 50;
/// The longest option, in characters.
pub const MAX_OPTION_CHARS: usize = 100;
/// The longest text value, in characters (the widget's limit for any text value).
pub const MAX_TEXT_CHARS: usize = 500;
/// How many options an error message names before it says "…".
const OPTIONS_NAMED: usize = 10;

/// What kind of value an attribute holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ContactAttributeType)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    Text,
    Number,
    Date,
    Boolean,
    List,
}

impl ValueType {
    /// Every type, in the order the form offers them.
    pub const ALL: [Self; 5] = [Self::Text, Self::Number, Self::Date, Self::Boolean, Self::List];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Number => "number",
            Self::Date => "date",
            Self::Boolean => "boolean",
            Self::List => "list",
        }
    }

    /// The type a word names, as stored and as forms and the API send it.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// The type as the console names it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Text => "Text",
            Self::Number => "Number",
            Self::Date => "Date",
            Self::Boolean => "Yes or no",
            Self::List => "List",
        }
    }
}

impl std::fmt::Display for ValueType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An attribute a workspace defines for its contacts, as pages and the API show it.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = ContactAttribute)]
pub struct Definition {
    #[schema(value_type = uuid::Uuid)]
    pub id: AttributeId,
    /// What contacts' `attributes` hold the value under, and what the widget's
    /// `Parlor.setAttributes` and the REST API name it by. Never changes.
    #[schema(example = "plan")]
    pub key: String,
    /// What the console shows, 1 to 60 characters.
    #[schema(example = "Plan")]
    pub label: String,
    #[serde(rename = "type")]
    pub value_type: ValueType,
    /// A list's choices (1 to 50, each 1 to 100 characters); empty for every other type.
    pub options: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

type DefinitionRow = (AttributeId, String, String, String, Vec<Option<String>>, OffsetDateTime);

const COLUMNS: (
    contact_attributes::id,
    contact_attributes::key,
    contact_attributes::label,
    contact_attributes::value_type,
    contact_attributes::options,
    contact_attributes::created_at,
) = (
    contact_attributes::id,
    contact_attributes::key,
    contact_attributes::label,
    contact_attributes::value_type,
    contact_attributes::options,
    contact_attributes::created_at,
);

impl TryFrom<DefinitionRow> for Definition {
    type Error = AppError;

    fn try_from((id, key, label, value_type, options, created_at): DefinitionRow) -> Result<Self, AppError> {
        // The column's CHECK constraint admits only these words; anything else is a schema bug.
        let value_type = ValueType::parse(&value_type)
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("unknown attribute type in the database: {value_type}")))?;
        Ok(Definition { id, key, label, value_type, options: options.into_iter().flatten().collect(), created_at })
    }
}

fn definitions(rows: Vec<DefinitionRow>) -> Result<Vec<Definition>, AppError> {
    rows.into_iter().map(Definition::try_from).collect()
}

/// The workspace's definitions, oldest first (the order the pages list them in).
pub fn list(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<Vec<Definition>, AppError> {
    definitions(
        contact_attributes::table
            .filter(contact_attributes::workspace_id.eq(workspace_id))
            .order(contact_attributes::id)
            .select(COLUMNS)
            .load(conn)?,
    )
}

/// [`list`] for a change of contacts' values: the rows stay locked until the transaction ends,
/// so a definition deleted meanwhile cannot leave a value behind under its key.
fn list_for_values(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<Vec<Definition>, AppError> {
    definitions(
        contact_attributes::table
            .filter(contact_attributes::workspace_id.eq(workspace_id))
            .order(contact_attributes::id)
            .select(COLUMNS)
            .for_share()
            .load(conn)?,
    )
}

/// One of the workspace's definitions; `None` for any other id.
pub fn find(conn: &mut PgConnection, workspace_id: WorkspaceId, id: AttributeId) -> Result<Option<Definition>, AppError> {
    contact_attributes::table
        .filter(contact_attributes::workspace_id.eq(workspace_id))
        .filter(contact_attributes::id.eq(id))
        .select(COLUMNS)
        .first::<DefinitionRow>(conn)
        .optional()?
        .map(Definition::try_from)
        .transpose()
}

/// The part of a definition a refusal is about, so that a form shows it beside that field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Label,
    Key,
    Type,
    Options,
}

/// A definition that was refused: why, and the field it is about (`None`: the whole form, such
/// as the limit of definitions).
#[derive(Debug)]
pub struct Refused {
    pub field: Option<Field>,
    pub error: AppError,
}

impl Refused {
    fn bad(field: Field, message: impl Into<String>) -> Self {
        Self { field: Some(field), error: AppError::BadRequest(message.into()) }
    }
}

impl From<AppError> for Refused {
    fn from(error: AppError) -> Self {
        Self { field: None, error }
    }
}

impl From<diesel::result::Error> for Refused {
    fn from(error: diesel::result::Error) -> Self {
        AppError::from(error).into()
    }
}

impl From<Refused> for AppError {
    fn from(refused: Refused) -> Self {
        refused.error
    }
}

/// A label as typed, tidied (runs of white space as one space) and checked.
pub fn validate_label(label: &str) -> Result<String, String> {
    // The limit holds for the label as given (the API's document states it so), not only once
    // white space is tidied.
    let given_chars = label.chars().count();
    // Checked as given: the tidying below would turn a tab or a line break into a space.
    if label.chars().any(char::is_control) {
        return Err("A label cannot hold control characters.".into());
    }
    let label = label.split_whitespace().collect::<Vec<_>>().join(" ");
    if label.is_empty() || given_chars > MAX_LABEL_CHARS {
        return Err(format!("A label is 1 to {MAX_LABEL_CHARS} characters."));
    }
    Ok(label)
}

/// Whether `key` is one a definition may have: 1 to 64 ASCII letters, digits, `_` and `-`,
/// starting with a letter or digit.
pub fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && key.len() <= MAX_KEY_CHARS
}

/// The key a label suggests: lower-case ASCII letters and digits, with `_` for anything between
/// words and accents dropped ("Plan tier" is `plan_tier`, "Société" is `societe`). Empty when
/// the label holds no such letter or digit at all.
pub fn key_from_label(label: &str) -> String {
    use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};
    let mut key = String::new();
    let mut gap = false;
    for c in label.nfkd().filter(|c| !is_combining_mark(*c)) {
        if !c.is_ascii_alphanumeric() {
            gap = true;
            continue;
        }
        let needed = if gap && !key.is_empty() { 2 } else { 1 };
        if key.len() + needed > MAX_KEY_CHARS {
            break;
        }
        if needed == 2 {
            key.push('_');
        }
        key.push(c.to_ascii_lowercase());
        gap = false;
    }
    key
}

/// The key of a new definition: the one typed, or else the label's ([`key_from_label`]).
pub fn validate_key(typed: Option<&str>, label: &str) -> Result<String, String> {
    let key = match typed.map(str::trim).filter(|k| !k.is_empty()) {
        Some(key) => key.to_string(),
        None => {
            let key = key_from_label(label);
            if key.is_empty() {
                return Err("This label gives no key: type one, with letters a to z, digits, - and _.".into());
            }
            key
        }
    };
    if !valid_key(&key) {
        return Err(format!(
            "A key is 1 to {MAX_KEY_CHARS} letters a to z (either case), digits, - and _, starting with a letter or digit."
        ));
    }
    Ok(key)
}

/// A list's options, checked: each trimmed, 1 to 100 characters, no two alike whatever their
/// case, 1 to 50 of them.
pub fn validate_options(options: Vec<String>) -> Result<Vec<String>, String> {
    // Each option's limit holds as given, before trimming, as the API's document states it.
    if options.iter().any(|option| option.chars().count() > MAX_OPTION_CHARS) {
        return Err(format!("An option is 1 to {MAX_OPTION_CHARS} characters."));
    }
    let options: Vec<String> = options.into_iter().map(|o| o.trim().to_string()).collect();
    if options.is_empty() || options.len() > MAX_OPTIONS {
        return Err(format!("A list has 1 to {MAX_OPTIONS} options."));
    }
    for (at, option) in options.iter().enumerate() {
        if option.is_empty() || option.chars().count() > MAX_OPTION_CHARS {
            return Err(format!("An option is 1 to {MAX_OPTION_CHARS} characters."));
        }
        if option.chars().any(char::is_control) {
            return Err("An option cannot hold control characters.".into());
        }
        if options[..at].iter().any(|o| o.to_lowercase() == option.to_lowercase()) {
            return Err(format!("\u{201c}{option}\u{201d} is listed twice."));
        }
    }
    Ok(options)
}

/// A list's options as typed into a form: one a line, empty lines left out.
pub fn options_from_lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_string).collect()
}

/// A definition to create, as a form or the API sends it.
pub struct NewDefinition {
    pub label: String,
    /// `None` (or empty): derived from the label.
    pub key: Option<String>,
    pub value_type: ValueType,
    /// Only for a list; must be empty for any other type.
    pub options: Vec<String>,
}

/// Adds a definition. `Conflict` when the key is taken (whatever its case) or the workspace has
/// [`MAX_PER_WORKSPACE`] already; `BadRequest` for a bad label, key or options.
pub fn create(conn: &mut PgConnection, workspace_id: WorkspaceId, new: NewDefinition) -> Result<Definition, Refused> {
    let label = validate_label(&new.label).map_err(|m| Refused::bad(Field::Label, m))?;
    let key = validate_key(new.key.as_deref(), &label).map_err(|m| Refused::bad(Field::Key, m))?;
    let options = match new.value_type {
        ValueType::List => validate_options(new.options).map_err(|m| Refused::bad(Field::Options, m))?,
        _ if new.options.is_empty() => Vec::new(),
        _ => return Err(Refused::bad(Field::Options, "Only a list has options.")),
    };
    // A savepoint when the caller has a transaction open already (to add its audit record).
    conn.transaction(|conn| {
        // Serialises creations in one workspace, so two at once cannot both pass the count.
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended('contact_attributes:' || $1::text, 0))")
            .bind::<SqlUuid, _>(workspace_id)
            .execute(conn)?;
        let count: i64 = contact_attributes::table.filter(contact_attributes::workspace_id.eq(workspace_id)).count().get_result(conn)?;
        if count >= MAX_PER_WORKSPACE {
            return Err(AppError::Conflict(format!(
                "A workspace has at most {MAX_PER_WORKSPACE} contact attributes; delete one to add another."
            ))
            .into());
        }
        let inserted = diesel::insert_into(contact_attributes::table)
            .values((
                contact_attributes::id.eq(AttributeId::new()),
                contact_attributes::workspace_id.eq(workspace_id),
                contact_attributes::key.eq(&key),
                contact_attributes::label.eq(&label),
                contact_attributes::value_type.eq(new.value_type.as_str()),
                contact_attributes::options.eq(options.iter().map(|o| Some(o.as_str())).collect::<Vec<_>>()),
            ))
            .on_conflict_do_nothing()
            .returning(COLUMNS)
            .get_result::<DefinitionRow>(conn)
            .optional()?;
        match inserted {
            Some(row) => Ok(Definition::try_from(row)?),
            None => Err(Refused {
                field: Some(Field::Key),
                error: AppError::Conflict(format!("An attribute with the key \u{201c}{key}\u{201d} exists already.")),
            }),
        }
    })
}

/// Renames a definition and, for a list, replaces its options (`None` for any other type).
/// Returns it as it was and as it is now. Values already stored stay as they are, also one that
/// is no longer an option.
pub fn update(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    id: AttributeId,
    label: &str,
    options: Option<Vec<String>>,
) -> Result<(Definition, Definition), Refused> {
    let label = validate_label(label).map_err(|m| Refused::bad(Field::Label, m))?;
    let before = find(conn, workspace_id, id)?.ok_or(AppError::NotFound)?;
    let options = match (before.value_type, options) {
        (ValueType::List, Some(options)) => validate_options(options).map_err(|m| Refused::bad(Field::Options, m))?,
        (ValueType::List, None) => before.options.clone(),
        (_, None) => Vec::new(),
        (_, Some(_)) => return Err(Refused::bad(Field::Options, "Only a list has options.")),
    };
    let row = diesel::update(
        contact_attributes::table.filter(contact_attributes::workspace_id.eq(workspace_id)).filter(contact_attributes::id.eq(id)),
    )
    .set((
        contact_attributes::label.eq(&label),
        contact_attributes::options.eq(options.iter().map(|o| Some(o.as_str())).collect::<Vec<_>>()),
    ))
    .returning(COLUMNS)
    .get_result::<DefinitionRow>(conn)
    .optional()?
    .ok_or(AppError::NotFound)?;
    Ok((before, Definition::try_from(row)?))
}

/// How many of the workspace's contacts hold a value under `key`.
pub fn contacts_with_value(conn: &mut PgConnection, workspace_id: WorkspaceId, key: &str) -> Result<i64, AppError> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        count: i64,
    }
    let found: Count = diesel::sql_query("SELECT count(*) AS count FROM contacts WHERE workspace_id = $1 AND attributes ? $2")
        .bind::<SqlUuid, _>(workspace_id)
        .bind::<Text, _>(key)
        .get_result(conn)?;
    Ok(found.count)
}

/// Deletes a definition and removes its key from every contact of the workspace, in one
/// transaction. Returns the deleted definition and how many contacts lost a value.
pub fn delete(conn: &mut PgConnection, workspace_id: WorkspaceId, id: AttributeId) -> Result<(Definition, usize), AppError> {
    conn.transaction(|conn| {
        let row = diesel::delete(
            contact_attributes::table.filter(contact_attributes::workspace_id.eq(workspace_id)).filter(contact_attributes::id.eq(id)),
        )
        .returning(COLUMNS)
        .get_result::<DefinitionRow>(conn)
        .optional()?
        .ok_or(AppError::NotFound)?;
        let definition = Definition::try_from(row)?;
        let cleared = diesel::sql_query("UPDATE contacts SET attributes = attributes - $2 WHERE workspace_id = $1 AND attributes ? $2")
            .bind::<SqlUuid, _>(workspace_id)
            .bind::<Text, _>(&definition.key)
            .execute(conn)?;
        Ok((definition, cleared))
    })
}

/// A date as `YYYY-MM-DD`, checked against the calendar.
fn parse_date(text: &str) -> Option<time::Date> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(at, b)| at == 4 || at == 7 || b.is_ascii_digit());
    if !shaped {
        return None;
    }
    let year: i32 = text[0..4].parse().ok()?;
    let month: u8 = text[5..7].parse().ok()?;
    let day: u8 = text[8..10].parse().ok()?;
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

/// A number as a form sends it: an integer stays one (`42`, not `42.0`); anything else that
/// reads as a finite number is kept as a float.
fn parse_number(text: &str) -> Option<serde_json::Number> {
    if let Ok(integer) = text.parse::<i64>() {
        return Some(integer.into());
    }
    // Rust also reads "inf" and "NaN", which are not numbers a person means.
    text.parse::<f64>().ok().filter(|n| n.is_finite()).and_then(serde_json::Number::from_f64)
}

impl Definition {
    fn list_hint(&self) -> String {
        let mut named: Vec<&str> = self.options.iter().take(OPTIONS_NAMED).map(String::as_str).collect();
        if self.options.len() > OPTIONS_NAMED {
            named.push("…");
        }
        format!("Choose one of its options: {}.", named.join(", "))
    }

    fn check_text(&self, text: &str) -> Result<Option<Value>, String> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        match self.value_type {
            ValueType::Text => {
                if text.chars().count() > MAX_TEXT_CHARS {
                    return Err(format!("Use at most {MAX_TEXT_CHARS} characters."));
                }
                if text.chars().any(char::is_control) {
                    return Err("Use one line of text, without control characters.".into());
                }
                Ok(Some(Value::String(text.to_string())))
            }
            ValueType::Number => parse_number(text).map(|n| Some(Value::Number(n))).ok_or_else(|| "Enter a number, like 42 or 3.5.".into()),
            ValueType::Date => match parse_date(text) {
                Some(_) => Ok(Some(Value::String(text.to_string()))),
                None => Err("Enter a date as YYYY-MM-DD, like 2026-12-03.".into()),
            },
            ValueType::Boolean => match text.to_lowercase().as_str() {
                "true" | "yes" | "on" => Ok(Some(Value::Bool(true))),
                "false" | "no" | "off" => Ok(Some(Value::Bool(false))),
                _ => Err("Enter yes or no.".into()),
            },
            ValueType::List => self
                .options
                .iter()
                .find(|o| o.to_lowercase() == text.to_lowercase())
                .map(|o| Some(Value::String(o.clone())))
                .ok_or_else(|| self.list_hint()),
        }
    }

    /// A value a form sent for this attribute: `None` (clear it) when empty; otherwise the value
    /// to store, or the sentence to show beside the field.
    pub fn check_form(&self, text: &str) -> Result<Option<Value>, String> {
        self.check_text(text)
    }

    /// A value the REST API or the widget sent: `None` (clear it) for `null` or an empty string;
    /// otherwise the value to store, or why it does not fit.
    pub fn check_json(&self, value: &Value) -> Result<Option<Value>, String> {
        match (self.value_type, value) {
            (_, Value::Null) => Ok(None),
            (_, Value::String(text)) if text.trim().is_empty() => Ok(None),
            (ValueType::Text | ValueType::Date | ValueType::List, Value::String(text)) => self.check_text(text),
            (ValueType::Number, Value::Number(number)) if number.as_f64().is_some_and(f64::is_finite) => Ok(Some(value.clone())),
            (ValueType::Boolean, Value::Bool(_)) => Ok(Some(value.clone())),
            (ValueType::Text, _) => Err(format!("expected text (a JSON string) of at most {MAX_TEXT_CHARS} characters.")),
            (ValueType::Number, _) => Err("expected a number, like 42 or 3.5.".into()),
            (ValueType::Date, _) => Err("expected a date as a string YYYY-MM-DD, like \"2026-12-03\".".into()),
            (ValueType::Boolean, _) => Err("expected true or false.".into()),
            (ValueType::List, _) => Err(format!("expected a string. {}", self.list_hint())),
        }
    }

    /// How the audit log names it: "Plan (plan, list)".
    pub fn audit_name(&self) -> String {
        format!("{} ({}, {})", self.label, self.key, self.value_type.describe().to_lowercase())
    }

    /// What the audit log says of its deletion, which removed its value from `cleared` contacts.
    pub fn deleted_detail(&self, cleared: usize) -> String {
        format!("{}, its value removed from {cleared} contact{}", self.audit_name(), if cleared == 1 { "" } else { "s" })
    }

    /// Whether a stored value is one this definition would store itself.
    pub fn fits(&self, value: &Value) -> bool {
        matches!(self.check_json(value), Ok(Some(checked)) if checked == *value)
    }

    /// A stored value as a form's input holds it (empty for booleans: the checkbox says it).
    pub fn form_text(&self, value: &Value) -> String {
        match value {
            Value::String(text) => text.clone(),
            Value::Bool(_) | Value::Null => String::new(),
            other => other.to_string(),
        }
    }
}

/// A stored value as text, for a page: strings as they are, `true` and `false` as Yes and No.
pub fn display(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Bool(true) => "Yes".into(),
        Value::Bool(false) => "No".into(),
        other => other.to_string(),
    }
}

/// Changes to one contact's values: keys to set and keys to remove.
#[derive(Default, Debug, Clone, PartialEq)]
pub struct Changes {
    pub set: Map<String, Value>,
    pub clear: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.clear.is_empty()
    }

    fn put(&mut self, key: &str, value: Option<Value>) {
        match value {
            Some(value) => {
                self.set.insert(key.to_string(), value);
            }
            None => self.clear.push(key.to_string()),
        }
    }
}

/// What the REST API sent as a contact's `attributes`: every key must have a definition (its
/// value checked by it), except that `null` clears any key, defined or not. A refusal is
/// `Unprocessable`: the request fits the API's schema, but not the workspace's definitions.
pub fn changes_from_api(definitions: &[Definition], sent: &Map<String, Value>) -> Result<Changes, AppError> {
    let mut changes = Changes::default();
    for (key, value) in sent {
        match definitions.iter().find(|d| d.key == *key) {
            Some(definition) => {
                let checked = definition.check_json(value).map_err(|m| AppError::Unprocessable(format!("attributes.{key}: {m}")))?;
                changes.put(key, checked);
            }
            None if value.is_null() => changes.put(key, None),
            None => {
                return Err(AppError::Unprocessable(format!(
                    "attributes.{key}: no contact attribute has this key. An admin defines it first (Settings, Contact attributes, or POST /api/v1/contact_attributes)."
                )));
            }
        }
    }
    Ok(changes)
}

/// What a website sent through the widget: a defined key's value is checked by its definition;
/// any other key is free-form (already checked by the widget's rules) and `null` clears it.
pub fn changes_from_widget(definitions: &[Definition], sent: &Map<String, Value>) -> Result<Changes, AppError> {
    let mut changes = Changes::default();
    for (key, value) in sent {
        let checked = match definitions.iter().find(|d| d.key == *key) {
            Some(definition) => definition.check_json(value).map_err(|m| AppError::BadRequest(format!("Attribute {key:?}: {m}")))?,
            None => Some(value.clone()).filter(|v| !v.is_null()),
        };
        changes.put(key, checked);
    }
    Ok(changes)
}

/// The workspace's definitions, locked for the rest of the caller's transaction while it changes
/// contacts' values by them.
pub fn definitions_for_values(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<Vec<Definition>, AppError> {
    list_for_values(conn, workspace_id)
}

/// Makes `changes` on the workspace's contact; `NotFound` for any other contact. Other keys,
/// written meanwhile by the widget or another member, stay as they are.
pub fn apply(conn: &mut PgConnection, workspace_id: WorkspaceId, contact_id: ContactId, changes: &Changes) -> Result<(), AppError> {
    let updated = diesel::sql_query("UPDATE contacts SET attributes = (attributes || $1) - $2 WHERE workspace_id = $3 AND id = $4")
        .bind::<Jsonb, _>(Value::Object(changes.set.clone()))
        .bind::<Array<Text>, _>(&changes.clear)
        .bind::<SqlUuid, _>(workspace_id)
        .bind::<SqlUuid, _>(contact_id.0)
        .execute(conn)?;
    if updated == 0 { Err(AppError::NotFound) } else { Ok(()) }
}

/// [`apply`] for the widget, which may add keys nobody defined: refused when the contact would
/// then hold more than `max_free_form` of those.
pub fn apply_from_widget(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    contact_id: ContactId,
    definitions: &[Definition],
    changes: &Changes,
    max_free_form: usize,
) -> Result<(), AppError> {
    if changes.is_empty() {
        return Ok(());
    }
    let defined: Vec<&str> = definitions.iter().map(|d| d.key.as_str()).collect();
    let updated = diesel::sql_query(
        "UPDATE contacts SET attributes = (attributes || $1) - $2 WHERE workspace_id = $3 AND id = $4 \
         AND (SELECT count(*) FROM jsonb_object_keys((attributes || $1) - $2) AS k WHERE k <> ALL ($5)) <= $6",
    )
    .bind::<Jsonb, _>(Value::Object(changes.set.clone()))
    .bind::<Array<Text>, _>(&changes.clear)
    .bind::<SqlUuid, _>(workspace_id)
    .bind::<SqlUuid, _>(contact_id.0)
    .bind::<Array<Text>, _>(defined)
    .bind::<diesel::sql_types::BigInt, _>(max_free_form as i64)
    .execute(conn)?;
    if updated == 0 {
        return Err(AppError::bad_request(format!(
            "A visitor has at most {max_free_form} attributes besides those the workspace defines."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn labels_are_tidied_and_refuse_control_characters_as_given() {
        assert_eq!(validate_label("  Plan   tier "), Ok("Plan tier".into()));
        assert!(validate_label("Plan\ttier").is_err(), "a tab is a control character, not a space");
        assert!(validate_label("Plan\ntier").is_err());
        assert!(validate_label(" ").is_err());
        assert!(validate_label(&"x".repeat(MAX_LABEL_CHARS + 1)).is_err());
    }

    fn definition(value_type: ValueType, options: &[&str]) -> Definition {
        Definition {
            id: AttributeId::new(),
            key: "k".into(),
            label: "K".into(),
            value_type,
            options: options.iter().map(|o| o.to_string()).collect(),
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn keys_come_from_labels_as_lower_case_ascii() {
        assert_eq!(key_from_label("Plan tier"), "plan_tier");
        assert_eq!(key_from_label("  Société Générale! "), "societe_generale");
        assert_eq!(key_from_label("Seats (paid)"), "seats_paid");
        assert_eq!(key_from_label("日本語"), "");
        let long = key_from_label(&"ab ".repeat(40));
        assert!(long.len() == 64 && valid_key(&long) && !long.ends_with('_'), "{long}");
        assert!(valid_key(&key_from_label(&"x".repeat(100))));
        assert_eq!(validate_key(Some(" planType "), "Plan"), Ok("planType".into()));
        assert_eq!(validate_key(None, "MRR (€)"), Ok("mrr".into()));
        for bad in ["_plan", "plan type", "plan.type", "ünï", &"x".repeat(65)] {
            assert!(validate_key(Some(bad), "Plan").is_err(), "{bad}");
        }
        assert!(validate_key(None, "日本語").is_err());
    }

    #[test]
    fn options_are_trimmed_bounded_and_distinct() {
        assert_eq!(validate_options(vec![" Free ".into(), "Pro".into()]), Ok(vec!["Free".into(), "Pro".into()]));
        assert!(validate_options(vec![]).is_err());
        assert!(validate_options(vec!["Pro".into(), "pro".into()]).is_err());
        assert!(validate_options(vec!["x".repeat(101)]).is_err());
        assert!(validate_options((0..51).map(|n| n.to_string()).collect()).is_err());
        assert!(validate_options((0..50).map(|n| n.to_string()).collect()).is_ok());
        assert_eq!(options_from_lines("Free\n\n  Pro \r\nEnterprise"), ["Free", "Pro", "Enterprise"]);
    }

    #[test]
    fn each_type_takes_its_values_from_forms() {
        let text = definition(ValueType::Text, &[]);
        assert_eq!(text.check_form("  Acme  "), Ok(Some(json!("Acme"))));
        assert_eq!(text.check_form("   "), Ok(None));
        assert!(text.check_form(&"x".repeat(501)).is_err());
        assert!(text.check_form(&"é".repeat(500)).is_ok());
        assert!(text.check_form("a\u{0}b").is_err());

        let number = definition(ValueType::Number, &[]);
        assert_eq!(number.check_form("42"), Ok(Some(json!(42))));
        assert_eq!(number.check_form("-3.5"), Ok(Some(json!(-3.5))));
        for bad in ["inf", "NaN", "1e400", "4 2", "1,5", "forty"] {
            assert!(number.check_form(bad).is_err(), "{bad}");
        }

        let date = definition(ValueType::Date, &[]);
        assert_eq!(date.check_form("2024-02-29"), Ok(Some(json!("2024-02-29"))));
        for bad in ["2023-02-29", "2024-13-01", "24-01-01", "2024/01/01", "2024-1-1", "2024-01-01T00:00:00Z"] {
            assert!(date.check_form(bad).is_err(), "{bad}");
        }

        let boolean = definition(ValueType::Boolean, &[]);
        assert_eq!(boolean.check_form("true"), Ok(Some(json!(true))));
        assert_eq!(boolean.check_form("No"), Ok(Some(json!(false))));
        assert!(boolean.check_form("maybe").is_err());

        let list = definition(ValueType::List, &["Free", "Pro"]);
        assert_eq!(list.check_form("pro"), Ok(Some(json!("Pro"))), "the option's own spelling");
        assert_eq!(list.check_form("Gold"), Err("Choose one of its options: Free, Pro.".into()));
    }

    #[test]
    fn each_type_takes_its_values_from_json() {
        let number = definition(ValueType::Number, &[]);
        assert_eq!(number.check_json(&json!(7)), Ok(Some(json!(7))));
        assert!(number.check_json(&json!("7")).is_err(), "a number, not text");
        assert_eq!(number.check_json(&json!(null)), Ok(None));
        assert_eq!(number.check_json(&json!("")), Ok(None));
        let boolean = definition(ValueType::Boolean, &[]);
        assert!(boolean.check_json(&json!("true")).is_err());
        assert_eq!(boolean.check_json(&json!(false)), Ok(Some(json!(false))));
        let date = definition(ValueType::Date, &[]);
        assert!(date.check_json(&json!(20240101)).is_err());
        let text = definition(ValueType::Text, &[]);
        assert!(text.check_json(&json!(["a"])).is_err());
        assert!(text.fits(&json!("Acme")) && !text.fits(&json!(" Acme")) && !text.fits(&json!(3)));
        let list = definition(ValueType::List, &["Free", "Pro"]);
        assert!(list.fits(&json!("Pro")) && !list.fits(&json!("pro")) && !list.fits(&json!("Gold")));
    }

    #[test]
    fn the_api_needs_a_definition_except_to_clear() {
        let mut plan = definition(ValueType::List, &["Free", "Pro"]);
        plan.key = "plan".into();
        let sent = json!({"plan": "Pro", "legacy": null});
        let changes = changes_from_api(std::slice::from_ref(&plan), sent.as_object().unwrap()).unwrap();
        assert_eq!(changes.set, *json!({"plan": "Pro"}).as_object().unwrap());
        assert_eq!(changes.clear, ["legacy"]);
        assert!(changes_from_api(std::slice::from_ref(&plan), json!({"seats": 3}).as_object().unwrap()).is_err());
        let widget = changes_from_widget(std::slice::from_ref(&plan), json!({"seats": 3, "old": null}).as_object().unwrap()).unwrap();
        assert_eq!((widget.set, widget.clear), (json!({"seats": 3}).as_object().unwrap().clone(), vec!["old".to_string()]));
        assert!(changes_from_widget(&[plan], json!({"plan": "Gold"}).as_object().unwrap()).is_err());
    }
}
