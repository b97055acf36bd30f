//! Labels: the names and colours a workspace's admins define to sort conversations ("billing",
//! "bug", "vip"), and reading which labels a conversation carries. Putting a label on a
//! conversation or taking it off is a change of the conversation, so it goes through
//! [`super::actions`]; this module only defines, renames and deletes the labels themselves.
//!
//! Tenant rule: every function takes the caller's `WorkspaceId`; another workspace's label
//! answers `NotFound`. The database holds the same rule: `conversation_labels` refers to a label
//! by `(workspace_id, label_id)`, so a label can only sit on a conversation of its workspace.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    db::{
        ConversationId, LabelId, WorkspaceId,
        schema::{conversation_labels, labels},
    },
    error::AppError,
};

/// The most labels one workspace defines.
pub const MAX_PER_WORKSPACE: i64 = 100;
/// The longest label name, in characters.
pub const MAX_NAME_CHARS: usize = 40;
/// The colours the form offers first; any `#rrggbb` is accepted.
pub const PALETTE: [&str; 8] = ["#2563eb", "#16a34a", "#dc2626", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

/// A label as pages, the API and webhooks show it.
#[derive(Queryable, Selectable, Serialize, Deserialize, Clone, Debug, PartialEq, Eq, utoipa::ToSchema)]
#[diesel(table_name = labels, check_for_backend(diesel::pg::Pg))]
pub struct Label {
    #[schema(value_type = uuid::Uuid)]
    pub id: LabelId,
    /// 1 to 40 characters, unique in the workspace whatever the case.
    pub name: String,
    /// `#rrggbb`, lower case.
    pub color: String,
}

/// A label's name and colour as a form or the API gives them, checked: the name trimmed with
/// its inner spaces collapsed, the colour `#rrggbb` in lower case. The error is the sentence to
/// show beside the form.
pub fn validate(name: &str, color: &str) -> Result<(String, String), String> {
    // The limit holds for the name as given (the API's document states it so), not only once
    // white space is trimmed: a 41-character name never passes for a 40-character one.
    let given_chars = name.chars().count();
    // Checked as given too: a tab or a line break is white space that the tidying below would
    // turn into a space, and the document refuses control characters anywhere.
    if name.chars().any(char::is_control) {
        return Err("A label's name cannot hold control characters.".into());
    }
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || given_chars > MAX_NAME_CHARS {
        return Err(format!("A label's name is 1 to {MAX_NAME_CHARS} characters."));
    }
    let color = color.trim().to_ascii_lowercase();
    let valid = color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit());
    if !valid {
        return Err("Choose a colour like #2563eb.".into());
    }
    Ok((name, color))
}

fn taken(name: &str) -> AppError {
    AppError::Conflict(format!("There is already a label named \u{201c}{name}\u{201d}."))
}

/// The workspace's labels by name.
pub fn list(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<Vec<Label>, AppError> {
    Ok(labels::table
        .filter(labels::workspace_id.eq(workspace_id))
        .order((diesel::dsl::sql::<diesel::sql_types::Text>("lower(name)"), labels::id))
        .select(Label::as_select())
        .load(conn)?)
}

/// One of the workspace's labels; `None` for any other id.
pub fn find(conn: &mut PgConnection, workspace_id: WorkspaceId, id: LabelId) -> Result<Option<Label>, AppError> {
    Ok(labels::table
        .filter(labels::workspace_id.eq(workspace_id))
        .filter(labels::id.eq(id))
        .select(Label::as_select())
        .first(conn)
        .optional()?)
}

/// Adds a label, checked by [`validate`]. `Conflict` when the name is taken or the workspace
/// has [`MAX_PER_WORKSPACE`] already; `BadRequest` for a bad name or colour.
pub fn create(conn: &mut PgConnection, workspace_id: WorkspaceId, name: &str, color: &str) -> Result<Label, AppError> {
    let (name, color) = validate(name, color).map_err(AppError::BadRequest)?;
    // A savepoint when the caller has a transaction open already (to add its audit record).
    conn.transaction(|conn| {
        // Serialises creations in one workspace, so two at once cannot both pass the count.
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended('labels:' || $1::text, 0))")
            .bind::<diesel::sql_types::Uuid, _>(workspace_id)
            .execute(conn)?;
        let count: i64 = labels::table.filter(labels::workspace_id.eq(workspace_id)).count().get_result(conn)?;
        if count >= MAX_PER_WORKSPACE {
            return Err(AppError::Conflict(format!("A workspace has at most {MAX_PER_WORKSPACE} labels; delete one to add another.")));
        }
        let label = Label { id: LabelId::new(), name, color };
        let inserted = diesel::insert_into(labels::table)
            .values((
                labels::id.eq(label.id),
                labels::workspace_id.eq(workspace_id),
                labels::name.eq(&label.name),
                labels::color.eq(&label.color),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
        if inserted == 0 {
            return Err(taken(&label.name));
        }
        Ok(label)
    })
}

/// Renames or recolours a label. `NotFound` for another workspace's; `Conflict` when the new
/// name is another label's.
pub fn update(conn: &mut PgConnection, workspace_id: WorkspaceId, id: LabelId, name: &str, color: &str) -> Result<Label, AppError> {
    let (name, color) = validate(name, color).map_err(AppError::BadRequest)?;
    let updated = diesel::update(labels::table.filter(labels::workspace_id.eq(workspace_id)).filter(labels::id.eq(id)))
        .set((labels::name.eq(&name), labels::color.eq(&color)))
        .returning(Label::as_returning())
        .get_result(conn)
        .optional();
    match updated {
        Ok(Some(label)) => Ok(label),
        Ok(None) => Err(AppError::NotFound),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => Err(taken(&name)),
        Err(error) => Err(error.into()),
    }
}

/// Deletes a label, and with it every use of it on a conversation. Returns the deleted label.
pub fn delete(conn: &mut PgConnection, workspace_id: WorkspaceId, id: LabelId) -> Result<Label, AppError> {
    diesel::delete(labels::table.filter(labels::workspace_id.eq(workspace_id)).filter(labels::id.eq(id)))
        .returning(Label::as_returning())
        .get_result(conn)
        .optional()?
        .ok_or(AppError::NotFound)
}

/// The labels on one of the workspace's conversations, by name.
pub fn on_conversation(conn: &mut PgConnection, workspace_id: WorkspaceId, id: ConversationId) -> Result<Vec<Label>, AppError> {
    Ok(conversation_labels::table
        .inner_join(labels::table.on(labels::id.eq(conversation_labels::label_id)))
        .filter(conversation_labels::workspace_id.eq(workspace_id))
        .filter(conversation_labels::conversation_id.eq(id))
        .order((diesel::dsl::sql::<diesel::sql_types::Text>("lower(labels.name)"), labels::id))
        .select(Label::as_select())
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_tidied_and_bounded_and_colours_must_be_hex() {
        assert_eq!(validate("  Billing   issue ", "#2563EB"), Ok(("Billing issue".into(), "#2563eb".into())));
        assert!(validate("   ", "#2563eb").is_err());
        assert!(validate(&"x".repeat(41), "#2563eb").is_err());
        assert!(validate(&"é".repeat(40), "#2563eb").is_ok());
        assert!(validate("a\u{7}b", "#2563eb").is_err());
        assert!(validate("a\tb", "#2563eb").is_err(), "a tab is a control character, not a space");
        assert!(validate("a\nb", "#2563eb").is_err());
        for bad in ["2563eb", "#2563e", "#2563ebb", "#zzzzzz", "red", ""] {
            assert!(validate("ok", bad).is_err(), "{bad}");
        }
    }
}
