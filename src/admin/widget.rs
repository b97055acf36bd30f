//! The widget page of the dashboard: the install snippet for everyone, and for admins the
//! widget's settings with a live preview (whether the chat asks visitors to rate resolved
//! conversations among them), and the identity secret with its rotation.
//!
//! Tenant rule: the page takes a [`Member`]; saving and rotating take a [`WorkspaceAdmin`], so
//! an agent gets 403 and another workspace's member 404.

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use super::install_snippet;
use crate::auth::EmptyForm;
use crate::web::{Nav, NoticeQuery, Shell};
use crate::{
    auth::{CsrfForm, CsrfToken, Member, WorkspaceAdmin},
    conversations::ratings,
    db,
    error::AppError,
    state::AppState,
    web::{render, see_other},
    widget::settings::{self, MAX_ALLOWED_DOMAINS, MAX_GREETING, MAX_LAUNCHER_TEXT, WidgetChanges, WidgetSettings},
    workspaces::audit,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/widget", web::get().to(page))
        .route("/app/{workspace_id}/widget", web::post().to(save))
        .route("/app/{workspace_id}/widget/identity-secret", web::post().to(rotate_secret));
}

/// The form as typed, kept to show it again with its errors.
#[derive(Deserialize, Clone, Debug, Default)]
pub struct WidgetForm {
    #[serde(default)]
    color: String,
    #[serde(default)]
    position: String,
    #[serde(default)]
    greeting: String,
    #[serde(default)]
    launcher_text: String,
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
    fn from_settings(s: &WidgetSettings, csat_enabled: bool) -> Self {
        let on = |flag: bool| flag.then(|| "on".to_string());
        WidgetForm {
            color: s.color.clone(),
            position: s.position.clone(),
            greeting: s.greeting.clone(),
            launcher_text: s.launcher_text.clone(),
            reply_time: s.reply_time.clone(),
            require_email: on(s.require_email),
            sound: on(s.sound),
            allowed_domains: s.domains().collect::<Vec<_>>().join("\n"),
            identity_required: on(s.identity_required),
            csat: on(csat_enabled),
        }
    }

    /// The changes, or the message for each field that is wrong.
    pub fn validate(&self) -> Result<WidgetChanges, Box<FieldErrors>> {
        let mut errors = FieldErrors::default();
        let color = self.color.trim().to_ascii_lowercase();
        if !(color.len() == 7 && color.starts_with('#') && color[1..].chars().all(|c| c.is_ascii_hexdigit())) {
            errors.color = Some("Enter a color like #2563eb.".into());
        }
        let position = self.position.trim().to_string();
        if position != "left" && position != "right" {
            errors.position = Some("Choose left or right.".into());
        }
        let greeting = self.greeting.trim().to_string();
        if greeting.chars().count() > MAX_GREETING {
            errors.greeting = Some(format!("Keep the greeting under {MAX_GREETING} characters."));
        }
        let launcher_text = self.launcher_text.trim().to_string();
        if launcher_text.chars().count() > MAX_LAUNCHER_TEXT {
            errors.launcher_text = Some(format!("Keep the button text under {MAX_LAUNCHER_TEXT} characters."));
        }
        let reply_time = self.reply_time.trim().to_string();
        if !["minutes", "hours", "day"].contains(&reply_time.as_str()) {
            errors.reply_time = Some("Choose one of the reply times.".into());
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
            errors.allowed_domains = Some(format!("These are not domains: {}. Write one per line, like shop.example.com.", bad.join(", ")));
        } else if allowed_domains.len() > MAX_ALLOWED_DOMAINS {
            errors.allowed_domains = Some(format!("At most {MAX_ALLOWED_DOMAINS} domains."));
        }
        if errors.any() {
            return Err(Box::new(errors));
        }
        Ok(WidgetChanges {
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
        })
    }
}

#[derive(Default, Debug)]
pub struct FieldErrors {
    color: Option<String>,
    position: Option<String>,
    greeting: Option<String>,
    launcher_text: Option<String>,
    reply_time: Option<String>,
    allowed_domains: Option<String>,
}

impl FieldErrors {
    fn any(&self) -> bool {
        [&self.color, &self.position, &self.greeting, &self.launcher_text, &self.reply_time, &self.allowed_domains]
            .iter()
            .any(|e| e.is_some())
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
    /// `<inbound_slug>@INBOUND_DOMAIN`, when two-way email is on.
    support_address: Option<String>,
}

fn support_address(state: &AppState, member: &Member) -> Option<String> {
    state.settings.inbound.as_ref().map(|inbound| format!("{}@{}", member.workspace.inbound_slug, inbound.domain))
}

async fn page(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let (settings, csat_enabled) =
        db::run(&state.pool, move |conn| Ok((WidgetSettings::load(conn, workspace_id)?, ratings::csat_enabled(conn, workspace_id)?)))
            .await?;
    let can_edit = member.role.is_admin();
    let page = WidgetPage {
        snippet: install_snippet(&state.settings.public_base(), &member.workspace.site_key),
        site_key: member.workspace.site_key.clone(),
        support_address: support_address(&state, &member),
        can_edit,
        form: WidgetForm::from_settings(&settings, csat_enabled),
        errors: Box::default(),
        // The secret is for admins' eyes only.
        identity_secret: if can_edit { settings.identity_secret } else { String::new() },
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
    match form.validate() {
        Ok(changes) => {
            let actor = member.actor();
            db::run(&state.pool, move |conn| {
                audit::recorded(conn, workspace_id, &actor, "widget.saved", "", |conn| {
                    WidgetSettings::update(conn, workspace_id, &changes)?;
                    ratings::set_csat_enabled(conn, workspace_id, changes.csat_enabled)
                })
            })
            .await?;
            Ok(see_other(&format!("/app/{workspace_id}/widget?notice=widget_saved")))
        }
        Err(errors) => {
            let settings = db::run(&state.pool, move |conn| WidgetSettings::load(conn, workspace_id)).await?;
            let page = WidgetPage {
                snippet: install_snippet(&state.settings.public_base(), &member.workspace.site_key),
                site_key: member.workspace.site_key.clone(),
                support_address: support_address(&state, &member),
                can_edit: true,
                form,
                errors,
                identity_secret: settings.identity_secret,
                shell: Shell::load(&state, &member, csrf, Nav::Widget, None).await?,
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
