//! The texts a workspace writes for its visitors, per language: the greeting, the launcher's
//! text, the away message and the CSAT question ("How was this conversation?").
//!
//! The default language's greeting, button text and away message are the columns they always
//! were (`widget_settings.greeting`, `widget_settings.launcher_text`,
//! `workspaces.offline_message`), so the REST API, the availability page and the data export
//! keep reading and writing them. `workspace_texts` holds the other languages' texts, and the
//! CSAT question of every language. A visitor sees their language's text, else the default
//! language's, else (for the CSAT question) Parlor's own in their language.
//!
//! Tenant rule: every read and write takes the `WorkspaceId` of an authenticated admin or of the
//! site key the widget presented.

use diesel::prelude::*;

use crate::{
    db::{
        WorkspaceId,
        schema::{widget_settings, workspace_texts, workspaces},
    },
    error::AppError,
    i18n::{Lang, Tr},
};

pub const MAX_GREETING: usize = super::settings::MAX_GREETING;
pub const MAX_LAUNCHER_TEXT: usize = super::settings::MAX_LAUNCHER_TEXT;
pub const MAX_OFFLINE_MESSAGE: usize = crate::workspaces::availability::OFFLINE_MESSAGE_MAX;
pub const MAX_CSAT_QUESTION: usize = 200;

/// One language's texts as the workspace wrote them; an empty one is not written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Texts {
    pub greeting: String,
    pub launcher_text: String,
    pub offline_message: String,
    pub csat_question: String,
}

/// What a visitor sees, every text resolved.
#[derive(Clone, Debug)]
pub struct ShownTexts {
    pub greeting: String,
    pub launcher_text: String,
    /// The away message in the visitor's language, when it differs from the default one that
    /// the session and the availability frames carry.
    pub offline_message: Option<String>,
    pub csat_question: String,
}

/// A workspace's default language (English when it holds a tag Parlor does not ship).
pub fn default_language(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<Lang, AppError> {
    let code: Option<String> = workspaces::table.find(workspace_id).select(workspaces::default_language).first(conn).optional()?;
    Ok(code.and_then(|c| Lang::from_code(&c)).unwrap_or(Lang::ENGLISH))
}

/// The row of `language`, as stored (empty texts when there is none).
fn row(conn: &mut PgConnection, workspace_id: WorkspaceId, language: Lang) -> Result<Texts, AppError> {
    let found: Option<(String, String, String, String)> = workspace_texts::table
        .find((workspace_id, language.code()))
        .select((
            workspace_texts::greeting,
            workspace_texts::launcher_text,
            workspace_texts::offline_message,
            workspace_texts::csat_question,
        ))
        .first(conn)
        .optional()?;
    Ok(found
        .map(|(greeting, launcher_text, offline_message, csat_question)| Texts { greeting, launcher_text, offline_message, csat_question })
        .unwrap_or_default())
}

fn write_row(conn: &mut PgConnection, workspace_id: WorkspaceId, language: Lang, texts: &Texts) -> Result<(), AppError> {
    diesel::insert_into(workspace_texts::table)
        .values((
            workspace_texts::workspace_id.eq(workspace_id),
            workspace_texts::language.eq(language.code()),
            workspace_texts::greeting.eq(&texts.greeting),
            workspace_texts::launcher_text.eq(&texts.launcher_text),
            workspace_texts::offline_message.eq(&texts.offline_message),
            workspace_texts::csat_question.eq(&texts.csat_question),
        ))
        .on_conflict((workspace_texts::workspace_id, workspace_texts::language))
        .do_update()
        .set((
            workspace_texts::greeting.eq(&texts.greeting),
            workspace_texts::launcher_text.eq(&texts.launcher_text),
            workspace_texts::offline_message.eq(&texts.offline_message),
            workspace_texts::csat_question.eq(&texts.csat_question),
            workspace_texts::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The default language's texts, from the columns that hold them.
fn default_texts(conn: &mut PgConnection, workspace_id: WorkspaceId, default: Lang) -> Result<Texts, AppError> {
    let widget = super::settings::WidgetSettings::load(conn, workspace_id)?;
    default_texts_beside(conn, &widget, default)
}

/// The default language's texts, the widget's settings already read.
fn default_texts_beside(conn: &mut PgConnection, widget: &super::settings::WidgetSettings, default: Lang) -> Result<Texts, AppError> {
    let workspace_id = widget.workspace_id;
    let offline_message: String = workspaces::table.find(workspace_id).select(workspaces::offline_message).first(conn)?;
    let csat_question = row(conn, workspace_id, default)?.csat_question;
    Ok(Texts { greeting: widget.greeting.clone(), launcher_text: widget.launcher_text.clone(), offline_message, csat_question })
}

/// The texts of `language` as the workspace wrote them, for its editor.
pub fn load(conn: &mut PgConnection, workspace_id: WorkspaceId, language: Lang) -> Result<Texts, AppError> {
    let default = default_language(conn, workspace_id)?;
    if language == default { default_texts(conn, workspace_id, default) } else { row(conn, workspace_id, language) }
}

/// Stores the texts of `language` (validated by the caller).
pub fn save(conn: &mut PgConnection, workspace_id: WorkspaceId, language: Lang, texts: &Texts) -> Result<(), AppError> {
    let default = default_language(conn, workspace_id)?;
    if language != default {
        return write_row(conn, workspace_id, language, texts);
    }
    super::settings::WidgetSettings::load(conn, workspace_id)?;
    diesel::update(widget_settings::table.find(workspace_id))
        .set((
            widget_settings::greeting.eq(&texts.greeting),
            widget_settings::launcher_text.eq(&texts.launcher_text),
            widget_settings::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    diesel::update(workspaces::table.find(workspace_id)).set(workspaces::offline_message.eq(&texts.offline_message)).execute(conn)?;
    write_row(conn, workspace_id, language, &Texts { csat_question: texts.csat_question.clone(), ..Texts::default() })
}

/// Makes `language` the default. Each language keeps its own texts: the new default's move
/// into the default columns (where it wrote them), the old default's into its own row.
pub fn set_default_language(conn: &mut PgConnection, workspace_id: WorkspaceId, language: Lang) -> Result<(), AppError> {
    let old = default_language(conn, workspace_id)?;
    if old == language {
        return Ok(());
    }
    let old_texts = default_texts(conn, workspace_id, old)?;
    let new_texts = row(conn, workspace_id, language)?;
    let pick = |new: &str, old: &str| if new.is_empty() { old.to_string() } else { new.to_string() };
    let defaults = Texts {
        greeting: pick(&new_texts.greeting, &old_texts.greeting),
        launcher_text: pick(&new_texts.launcher_text, &old_texts.launcher_text),
        offline_message: pick(&new_texts.offline_message, &old_texts.offline_message),
        csat_question: new_texts.csat_question.clone(),
    };
    write_row(conn, workspace_id, old, &old_texts)?;
    diesel::update(workspaces::table.find(workspace_id)).set(workspaces::default_language.eq(language.code())).execute(conn)?;
    save(conn, workspace_id, language, &defaults)
}

/// The greeting and away message every workspace starts with (the columns' defaults).
const STOCK_GREETING: &str = "Hi there! Ask us anything, we are happy to help.";
const STOCK_OFFLINE_MESSAGE: &str = "We are away right now. Leave your email and we will answer you there.";

/// What a visitor reading `visitor` sees.
/// `widget` and `default` are the workspace's widget settings and default language, which the
/// chat window has read already.
pub fn for_visitor(
    conn: &mut PgConnection,
    widget: &super::settings::WidgetSettings,
    default: Lang,
    visitor: Lang,
) -> Result<ShownTexts, AppError> {
    let workspace_id = widget.workspace_id;
    let defaults = default_texts_beside(conn, widget, default)?;
    let own = if visitor == default { Texts::default() } else { row(conn, workspace_id, visitor)? };
    let or = |own: &str, default: &str| if own.is_empty() { default.to_string() } else { own.to_string() };
    // A text the workspace never changed is Parlor's own, which speaks every language.
    let stock = |text: &str, english: &str, key: &str| if text == english { Tr(visitor).t(key) } else { text.to_string() };
    let csat_question = if !own.csat_question.is_empty() {
        own.csat_question.clone()
    } else if !defaults.csat_question.is_empty() {
        defaults.csat_question.clone()
    } else {
        Tr(visitor).t("w-csat")
    };
    Ok(ShownTexts {
        greeting: or(&own.greeting, &stock(&defaults.greeting, STOCK_GREETING, "stock-greeting")),
        launcher_text: or(&own.launcher_text, &defaults.launcher_text),
        offline_message: if !own.offline_message.is_empty() {
            Some(own.offline_message.clone())
        } else if visitor != Lang::ENGLISH && defaults.offline_message == STOCK_OFFLINE_MESSAGE {
            Some(Tr(visitor).t("stock-offline-message"))
        } else {
            None
        },
        csat_question,
    })
}
