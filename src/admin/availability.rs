//! Settings, Business hours: when the workspace answers chats, what the widget says outside
//! those hours, and how long an unseen reply waits before it is emailed to the visitor.
//!
//! Tenant rule: the page takes a [`WorkspaceAdmin`] (agents get 403, other workspaces 404).

use actix_web::{HttpResponse, http::StatusCode, web};
use askama::Template;
use serde::Deserialize;

use crate::web::{Nav, NoticeQuery, Shell};
use crate::{
    auth::{CsrfForm, CsrfToken, WorkspaceAdmin},
    db,
    error::AppError,
    state::AppState,
    web::{render, see_other},
    workspaces::{
        audit,
        availability::{self, Availability, WEEKDAYS},
    },
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/settings/availability", web::get().to(page))
        .route("/app/{workspace_id}/settings/availability", web::post().to(save));
}

/// One weekday's row of the form.
pub struct DayRow {
    pub index: usize,
    pub name: &'static str,
    pub open: bool,
    pub opens: String,
    pub closes: String,
}

#[derive(Template)]
#[template(path = "app/availability.html")]
struct AvailabilityPage {
    shell: Shell,
    hours_enabled: bool,
    time_zone: String,
    days: Vec<DayRow>,
    offline_message: String,
    follow_up_minutes: String,
    zones: Vec<String>,
    errors: Vec<String>,
    open_now: bool,
}

fn rows(hours: &[availability::DayHours; 7]) -> Vec<DayRow> {
    WEEKDAYS
        .iter()
        .enumerate()
        .map(|(index, name)| {
            let day = hours.get(index).copied().flatten();
            DayRow {
                index,
                name,
                open: day.is_some(),
                opens: availability::format_clock(day.map_or(540, |d| d.0)),
                closes: availability::format_clock(day.map_or(1020, |d| d.1)),
            }
        })
        .collect()
}

/// Every zone the bundled tz database knows, sorted, for a datalist.
pub(crate) fn zones() -> Vec<String> {
    let mut zones: Vec<String> = jiff::tz::db().available().map(|name| name.to_string()).collect();
    zones.sort();
    zones
}

async fn page(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let current = db::run(&state.pool, move |conn| Availability::load(conn, workspace_id)).await?;
    let shell = Shell::load(&state, &member, csrf, Nav::Settings, query.notice.as_deref()).await?;
    render(
        StatusCode::OK,
        &AvailabilityPage {
            shell,
            hours_enabled: current.hours_enabled,
            time_zone: current.time_zone.clone(),
            days: rows(&current.hours),
            offline_message: current.offline_message.clone(),
            follow_up_minutes: format_minutes(current.follow_up_delay_seconds),
            zones: zones(),
            errors: Vec::new(),
            open_now: current.within_hours(time::OffsetDateTime::now_utc()),
        },
    )
}

fn format_minutes(seconds: i32) -> String {
    let minutes = f64::from(seconds) / 60.0;
    if minutes.fract() == 0.0 { format!("{minutes:.0}") } else { format!("{minutes:.1}") }
}

/// The form as posted: `open_0` ... `open_6` are checkboxes, `opens_N` and `closes_N` times.
#[derive(Deserialize)]
pub struct AvailabilityForm {
    hours_enabled: Option<String>,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    offline_message: String,
    #[serde(default)]
    follow_up_minutes: String,
    #[serde(flatten)]
    days: std::collections::HashMap<String, String>,
}

/// Reads the form into settings, or the list of what is wrong with it.
fn parse(form: &AvailabilityForm, retention_days: Option<i32>) -> Result<Availability, (Vec<String>, [availability::DayHours; 7])> {
    let mut errors = Vec::new();
    let mut hours = [None; 7];
    for (index, name) in WEEKDAYS.iter().enumerate() {
        let field = |prefix: &str| form.days.get(&format!("{prefix}_{index}")).map(String::as_str).unwrap_or("");
        if field("open").is_empty() {
            continue;
        }
        match (availability::parse_clock(field("opens")), availability::parse_clock(field("closes"))) {
            (Some(opens), Some(closes)) if opens < closes => hours[index] = Some((opens, closes)),
            (Some(_), Some(_)) => errors.push(format!("{name}: closing time must come after opening time.")),
            _ => errors.push(format!("{name}: enter times like 09:00 and 17:30.")),
        }
    }
    let time_zone = availability::validate_time_zone(&form.time_zone).unwrap_or_else(|message| {
        errors.push(message);
        form.time_zone.trim().to_string()
    });
    let offline_message = form.offline_message.trim().to_string();
    if offline_message.is_empty() || offline_message.chars().count() > availability::OFFLINE_MESSAGE_MAX {
        errors.push(format!("Write an offline message of 1 to {} characters.", availability::OFFLINE_MESSAGE_MAX));
    }
    let follow_up_delay_seconds = match form.follow_up_minutes.trim().replace(',', ".").parse::<f64>() {
        Ok(minutes) if minutes.is_finite() => (minutes * 60.0).round() as i64,
        _ => -1,
    };
    let (min, max) = (availability::FOLLOW_UP_DELAY_MIN_SECONDS, availability::FOLLOW_UP_DELAY_MAX_SECONDS);
    if follow_up_delay_seconds < i64::from(min) || follow_up_delay_seconds > i64::from(max) {
        errors.push("Wait between 0.5 and 1440 minutes (a day) before emailing a reply.".into());
    }
    let hours_enabled = form.hours_enabled.is_some();
    if hours_enabled && hours.iter().all(Option::is_none) {
        errors.push("Open on at least one day, or turn business hours off.".into());
    }
    if !errors.is_empty() {
        return Err((errors, hours));
    }
    Ok(Availability {
        hours_enabled,
        time_zone,
        hours,
        offline_message,
        follow_up_delay_seconds: follow_up_delay_seconds as i32,
        retention_days,
    })
}

async fn save(
    state: web::Data<AppState>,
    WorkspaceAdmin(member): WorkspaceAdmin,
    csrf: CsrfToken,
    CsrfForm(form): CsrfForm<AvailabilityForm>,
) -> Result<HttpResponse, AppError> {
    let workspace_id = member.workspace_id();
    let current = db::run(&state.pool, move |conn| Availability::load(conn, workspace_id)).await?;
    match parse(&form, current.retention_days) {
        Ok(changed) => {
            let actor = member.actor();
            let detail =
                if changed.hours_enabled { format!("business hours on, {}", changed.time_zone) } else { "business hours off".into() };
            let now = time::OffsetDateTime::now_utc();
            let (before, after) = (current.public(now), changed.public(now));
            let told = (before.within_hours, before.offline_message) != (after.within_hours, after.offline_message);
            let frame = db::run(&state.pool, move |conn| {
                audit::recorded(conn, workspace_id, &actor, "availability.saved", &detail, |conn| changed.save(conn, workspace_id))?;
                // Visitors with the chat open see new hours or a new offline message at once.
                if told { crate::realtime::availability_now(conn, workspace_id).map(Some) } else { Ok(None) }
            })
            .await?;
            if let Some(frame) = frame {
                state.realtime.broadcast_to_visitors(workspace_id, frame);
            }
            Ok(see_other(&format!("/app/{workspace_id}/settings/availability?notice=availability_saved")))
        }
        Err((errors, hours)) => {
            let mut days = rows(&hours);
            for day in &mut days {
                let field = |prefix: &str| form.days.get(&format!("{prefix}_{}", day.index)).cloned().unwrap_or_default();
                day.open = !field("open").is_empty();
                day.opens = field("opens");
                day.closes = field("closes");
            }
            let shell = Shell::load(&state, &member, csrf, Nav::Settings, None).await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AvailabilityPage {
                    shell,
                    hours_enabled: form.hours_enabled.is_some(),
                    time_zone: form.time_zone.clone(),
                    days,
                    offline_message: form.offline_message.clone(),
                    follow_up_minutes: form.follow_up_minutes.clone(),
                    zones: zones(),
                    errors,
                    open_now: current.within_hours(time::OffsetDateTime::now_utc()),
                },
            )
        }
    }
}
