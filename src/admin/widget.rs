//! The widget page of the dashboard: the install snippet for everyone, and for admins the
//! widget's settings with a live preview (whether the chat asks visitors to rate resolved
//! conversations among them), the workspace's default language and the texts it writes in each
//! language, and the identity secret with its rotation.
//!
//! Tenant rule: the page takes a [`Member`]; saving and rotating take a [`WorkspaceAdmin`], so
//! an agent gets 403 and another workspace's member 404.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use super::install_snippet;
use crate::auth::EmptyForm;
use crate::web::{Nav, Shell};
use crate::{
    auth::{CsrfForm, CsrfToken, Member, WorkspaceAdmin},
    conversations::ratings,
    db,
    db::WorkspaceId,
    error::AppError,
    i18n::{Lang, Tr},
    state::AppState,
    web::{render, see_other},
    widget::{
        settings::{self, MAX_ALLOWED_DOMAINS, MAX_GREETING, MAX_LAUNCHER_TEXT, WidgetChanges, WidgetSettings},
        texts::{self, Texts},
    },
    workspaces::audit,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/widget", web::get().to(page))
        .route("/app/{workspace_id}/widget", web::post().to(save))
        .route("/app/{workspace_id}/widget/texts", web::post().to(save_texts))
        .route("/app/{workspace_id}/widget/identity-secret", web::post().to(rotate_secret));
}

/// The form as typed, kept to show it again with its errors.
#[derive(Deserialize, Clone, Debug, Default)]
pub struct WidgetForm {
    #[serde(default)]
    color: String,
    #[serde(default)]
    position: String,
    /// The default language's greeting and button text: the page edits them with the other
    /// languages' texts, and a form that still carries them here changes them too.
    greeting: Option<String>,
    launcher_text: Option<String>,
    /// A language tag Parlor ships; absent, the default language stays.
    default_language: Option<String>,
    #[serde(default)]
    reply_time: String,
    require_email: Option<String>,
    sound: Option<String>,
    #[serde(default)]
    allowed_domains: String,
    identity_required: Option<String>,
    /// Ask visitors to rate resolved conversations (a workspace setting, kept on the workspace).
    csat: Option<String>,
}

impl WidgetForm {
    fn from_settings(s: &WidgetSettings, csat_enabled: bool, default_language: Lang) -> Self {
        let on = |flag: bool| flag.then(|| "on".to_string());
        WidgetForm {
            color: s.color.clone(),
            position: s.position.clone(),
            greeting: None,
            launcher_text: None,
            default_language: Some(default_language.code().to_string()),
            reply_time: s.reply_time.clone(),
            require_email: on(s.require_email),
            sound: on(s.sound),
            allowed_domains: s.domains().collect::<Vec<_>>().join("\n"),
            identity_required: on(s.identity_required),
            csat: on(csat_enabled),
        }
    }

    /// The changes, or the message for each field that is wrong.
    pub fn validate(&self, tr: Tr) -> Result<ValidWidget, Box<FieldErrors>> {
        let mut errors = FieldErrors::default();
        let color = self.color.trim().to_ascii_lowercase();
        if !(color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit())) {
            errors.color = Some(tr.t("cw-error-color"));
        }
        let position = self.position.trim().to_string();
        if position != "left" && position != "right" {
            errors.position = Some(tr.t("cw-error-position"));
        }
        let greeting = self.greeting.as_deref().map(|g| g.trim().to_string());
        if greeting.as_ref().is_some_and(|g| g.chars().count() > MAX_GREETING) {
            errors.greeting = Some(tr.t1("cw-error-greeting", "max", MAX_GREETING));
        }
        let launcher_text = self.launcher_text.as_deref().map(|l| l.trim().to_string());
        if launcher_text.as_ref().is_some_and(|l| l.chars().count() > MAX_LAUNCHER_TEXT) {
            errors.launcher_text = Some(tr.t1("cw-error-launcher-text", "max", MAX_LAUNCHER_TEXT));
        }
        let default_language = match self.default_language.as_deref() {
            None => None,
            Some(code) => {
                let found = Lang::from_code(code.trim());
                if found.is_none() {
                    errors.default_language = Some(tr.t("cw-error-language"));
                }
                found
            }
        };
        let reply_time = self.reply_time.trim().to_string();
        if !["minutes", "hours", "day"].contains(&reply_time.as_str()) {
            errors.reply_time = Some(tr.t("cw-error-reply-time"));
        }
        let mut allowed_domains = Vec::new();
        let mut bad = Vec::new();
        for line in self.allowed_domains.split(['\n', ',', ' ']).map(str::trim).filter(|l| !l.is_empty()) {
            match settings::normalize_domain(line) {
                Some(domain) if !allowed_domains.contains(&domain) => allowed_domains.push(domain),
                Some(_) => {}
                None => bad.push(line.to_string()),
            }
        }
        if !bad.is_empty() {
            errors.allowed_domains = Some(tr.t1("cw-error-not-domains", "domains", bad.join(", ")));
        } else if allowed_domains.len() > MAX_ALLOWED_DOMAINS {
            errors.allowed_domains = Some(tr.t1("cw-error-too-many-domains", "max", MAX_ALLOWED_DOMAINS));
        }
        if errors.any() {
            return Err(Box::new(errors));
        }
        Ok(ValidWidget {
            default_language,
            changes: WidgetChanges {
                color,
                position,
                greeting,
                launcher_text,
                reply_time,
                require_email: self.require_email.is_some(),
                sound: self.sound.is_some(),
                allowed_domains,
                identity_required: self.identity_required.is_some(),
                csat_enabled: self.csat.is_some(),
            },
        })
    }
}

/// A valid widget form: the settings, and the default language when the form chose one.
pub struct ValidWidget {
    pub changes: WidgetChanges,
    pub default_language: Option<Lang>,
}

#[derive(Default, Debug)]
pub struct FieldErrors {
    color: Option<String>,
    position: Option<String>,
    greeting: Option<String>,
    launcher_text: Option<String>,
    reply_time: Option<String>,
    allowed_domains: Option<String>,
    default_language: Option<String>,
}

impl FieldErrors {
    fn any(&self) -> bool {
        [&self.color, &self.position, &self.greeting, &self.launcher_text, &self.reply_time, &self.allowed_domains, &self.default_language]
            .iter()
            .any(|e| e.is_some())
    }
}

/// The texts of one language as typed, kept to show them again with their errors.
#[derive(Deserialize, Clone, Debug, Default)]
pub struct TextsForm {
    #[serde(default)]
    language: String,
    #[serde(default)]
    greeting: String,
    #[serde(default)]
    launcher_text: String,
    #[serde(default)]
    offline_message: String,
    #[serde(default)]
    csat_question: String,
}

#[derive(Default, Debug)]
pub struct TextErrors {
    language: Option<String>,
    greeting: Option<String>,
    launcher_text: Option<String>,
    offline_message: Option<String>,
    csat_question: Option<String>,
}

impl TextsForm {
    fn from_texts(language: Lang, t: &Texts) -> Self {
        TextsForm {
            language: language.code().to_string(),
            greeting: t.greeting.clone(),
            launcher_text: t.launcher_text.clone(),
            offline_message: t.offline_message.clone(),
            csat_question: t.csat_question.clone(),
        }
    }

    /// The language and its texts, or the message for each field that is wrong, in the
    /// member's language. The default language's away message is the one every other falls back
    /// to, so it may not be empty (as on the availability page).
    fn validate(&self, tr: Tr, default: Lang) -> Result<(Lang, Texts), Box<TextErrors>> {
        let mut errors = TextErrors::default();
        let language = Lang::from_code(self.language.trim());
        if language.is_none() {
            errors.language = Some(tr.t("cw-error-language"));
        }
        let field = |value: &str, max: usize, key: &str, error: &mut Option<String>| {
            let value = value.trim().to_string();
            if value.chars().count() > max {
                *error = Some(tr.t1(key, "max", max));
            }
            value
        };
        let texts = Texts {
            greeting: field(&self.greeting, texts::MAX_GREETING, "cw-error-greeting", &mut errors.greeting),
            launcher_text: field(&self.launcher_text, texts::MAX_LAUNCHER_TEXT, "cw-error-launcher-text", &mut errors.launcher_text),
            offline_message: field(
                &self.offline_message,
                texts::MAX_OFFLINE_MESSAGE,
                "cw-error-offline-message",
                &mut errors.offline_message,
            ),
            csat_question: field(&self.csat_question, texts::MAX_CSAT_QUESTION, "cw-error-csat-question", &mut errors.csat_question),
        };
        if language == Some(default) && texts.offline_message.is_empty() && errors.offline_message.is_none() {
            errors.offline_message = Some(tr.t("cw-error-offline-empty"));
        }
        match language {
            Some(language)
                if [&errors.greeting, &errors.launcher_text, &errors.offline_message, &errors.csat_question]
                    .iter()
                    .all(|e| e.is_none()) =>
            {
                Ok((language, texts))
            }
            _ => Err(Box::new(errors)),
        }
    }
}

#[derive(Template)]
#[template(path = "app/widget.html")]
struct WidgetPage {
    shell: Shell,
    snippet: String,
    site_key: String,
    can_edit: bool,
    form: WidgetForm,
    errors: Box<FieldErrors>,
    identity_secret: String,
    /// The workspace's default language, and the language whose texts the page edits.
    default_language: Lang,
    editing: Lang,
    texts: TextsForm,
    text_errors: Box<TextErrors>,
    /// What a visitor of `editing` sees where a text is left empty.
    fallback: Texts,
    /// `<inbound_slug>@INBOUND_DOMAIN`, when two-way email is on.
    support_address: Option<String>,
}

fn support_address(state: &AppState, member: &Member) -> Option<String> {
    state.settings.inbound.as_ref().map(|inbound| format!("{}@{}", member.workspace.inbound_slug, inbound.domain))
}

impl WidgetPage {
    fn languages(&self) -> impl Iterator<Item = Lang> {
        Lang::all()
    }

    /// A language's name in the select: its own name, and which one is the default.
    fn language_label(&self, language: &Lang) -> String {
        if *language == self.default_language {
            self.shell.tr.t1("cw-language-default", "language", language.native_name())
        } else {
            language.native_name().to_string()
        }
    }
}

/// The page's query: a notice after a redirect, and the language whose texts it edits.
#[derive(Deserialize)]
pub struct PageQuery {
    notice: Option<String>,
    lang: Option<String>,
}

/// Everything the page shows besides the form being edited.
struct Stored {
    settings: WidgetSettings,
    csat_enabled: bool,
    default_language: Lang,
    texts: Texts,
    fallback: Texts,
}

async fn stored(state: &web::Data<AppState>, workspace_id: WorkspaceId, editing: Option<Lang>) -> Result<(Stored, Lang), AppError> {
    db::run(&state.pool, move |conn| {
        let default_language = texts::default_language(conn, workspace_id)?;
        let editing = editing.unwrap_or(default_language);
        let texts = texts::load(conn, workspace_id, editing)?;
        let mut fallback = if editing == default_language { Texts::default() } else { texts::load(conn, workspace_id, default_language)? };
        if fallback.csat_question.is_empty() {
            fallback.csat_question = Tr(editing).t("w-csat");
        }
        Ok((
            Stored {
                settings: WidgetSettings::load(conn, workspace_id)?,
                csat_enabled: ratings::csat_enabled(conn, workspace_id)?,
                default_language,
                texts,
                fallback,
            },
            editing,
        ))
    })
    .await
}

async fn page(state: web::Data<AppState>, member: Member, csrf: CsrfToken, query: web::Query<PageQuery>) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    // An unknown ?lang= shows the default language rather than an error.
    let (stored, editing) = stored(&state, workspace_id, query.lang.as_deref().and_then(Lang::from_code)).await?;
    let can_edit = member.role.is_admin();
    let page = WidgetPage {
        snippet: install_snippet(&state.settings.public_base(), &member.workspace.site_key),
        site_key: member.workspace.site_key.clone(),
        support_address: support_address(&state, &member),
        can_edit,
        form: WidgetForm::from_settings(&stored.settings, stored.csat_enabled, stored.default_language),
        errors: Box::default(),
        // The secret is for admins' eyes only.
        identity_secret: if can_edit { stored.settings.identity_secret } else { String::new() },
        default_language: stored.default_language,
        editing,
        texts: TextsForm::from_texts(editing, &stored.texts),
        text_errors: Box::default(),
        fallback: stored.fallback,
        shell: Shell::load(&state, &member, csrf, Nav::Widget, query.notice.as_deref()).await?,
    };
    render(StatusCode::OK, &page)
}

async fn save(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<WidgetForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    match form.validate(member.current.user.tr()) {
        Ok(ValidWidget { changes, default_language }) => {
            let actor = member.actor();
            db::run(&state.pool, move |conn| {
                audit::recorded(conn, workspace_id, &actor, "widget.saved", "", |conn| {
                    WidgetSettings::update(conn, workspace_id, &changes)?;
                    if let Some(language) = default_language {
                        texts::set_default_language(conn, workspace_id, language)?;
                    }
                    ratings::set_csat_enabled(conn, workspace_id, changes.csat_enabled)
                })
            })
            .await?;
            Ok(see_other(&format!("/app/{workspace_id}/widget?notice=widget_saved")))
        }
        Err(errors) => {
            let (stored, editing) = stored(&state, workspace_id, None).await?;
            let page = WidgetPage {
                snippet: install_snippet(&state.settings.public_base(), &member.workspace.site_key),
                site_key: member.workspace.site_key.clone(),
                support_address: support_address(&state, &member),
                can_edit: true,
                form,
                errors,
                identity_secret: stored.settings.identity_secret,
                default_language: stored.default_language,
                editing,
                texts: TextsForm::from_texts(editing, &stored.texts),
                text_errors: Box::default(),
                fallback: stored.fallback,
                shell: Shell::load(&state, &member, csrf, Nav::Widget, None).await?,
            };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// `POST /app/{id}/widget/texts`: one language's greeting, button text, away message and
/// rating question. Bad input shows the page again with each error beside its field, and
/// nothing is saved.
async fn save_texts(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<TextsForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let shell = Shell::load(&state, &member, csrf, Nav::Widget, None).await?;
    let default_language = db::run(&state.pool, move |conn| texts::default_language(conn, workspace_id)).await?;
    match form.validate(shell.tr, default_language) {
        Ok((language, new_texts)) => {
            let actor = member.actor();
            let frame = db::run(&state.pool, move |conn| {
                audit::recorded(conn, workspace_id, &actor, "widget.saved", &format!("texts in {language}"), |conn| {
                    texts::save(conn, workspace_id, language, &new_texts)
                })?;
                // The default language's away message is the one the availability frames carry:
                // visitors with the chat open see a new one at once, as from the availability page.
                if language == default_language { crate::realtime::availability_now(conn, workspace_id).map(Some) } else { Ok(None) }
            })
            .await?;
            if let Some(frame) = frame {
                state.realtime.broadcast_to_visitors(workspace_id, frame);
            }
            Ok(see_other(&format!("/app/{workspace_id}/widget?lang={language}&notice=widget_saved")))
        }
        Err(text_errors) => {
            let (stored, editing) = stored(&state, workspace_id, Lang::from_code(form.language.trim())).await?;
            let page = WidgetPage {
                snippet: install_snippet(&state.settings.public_base(), &member.workspace.site_key),
                site_key: member.workspace.site_key.clone(),
                can_edit: true,
                form: WidgetForm::from_settings(&stored.settings, stored.csat_enabled, stored.default_language),
                errors: Box::default(),
                identity_secret: stored.settings.identity_secret,
                default_language: stored.default_language,
                editing,
                texts: TextsForm { language: editing.code().to_string(), ..form },
                text_errors,
                fallback: stored.fallback,
                support_address: support_address(&state, &member),
                shell,
            };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn rotate_secret(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let actor = member.actor();
    db::run(&state.pool, move |conn| {
        audit::recorded(conn, workspace_id, &actor, "widget.secret_rotated", "", |conn| {
            WidgetSettings::rotate_identity_secret(conn, workspace_id)
        })
    })
    .await?;
    Ok(see_other(&format!("/app/{workspace_id}/widget?notice=identity_secret_rotated")))
}
