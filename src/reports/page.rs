//! The reports page, `GET /app/{workspace}/reports`, and its CSV downloads,
//! `GET /app/{workspace}/reports/{table}.csv` ([`super::csv::Table`]), both with the query of
//! [`ReportQuery`].
//!
//! Tenant rule: both take a [`Member`] of the workspace in the path (404 for anyone else). An
//! owner or admin may choose any agent or label of the workspace (another workspace's id
//! answers 404); anyone else sees their own figures: the page offers them no choice, and an
//! `agent=` or `label=` they write by hand is ignored ([`params::filter_for_role`]).

use actix_web::{HttpResponse, http::StatusCode, http::header, web};
use askama::Template;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::{
    DayCounts, Durations, Filter, Range, Summary, charts,
    csv::{self, Table},
    params::{self, Preset, RangeError, ReportQuery},
    queries,
};
use crate::{
    auth::{CsrfToken, Member},
    conversations::labels::{self, Label},
    db,
    error::AppError,
    state::AppState,
    web::{Nav, Shell, render},
    workspaces::{
        MemberListing, Workspace,
        availability::{Availability, DayHours, WEEKDAYS, format_clock},
    },
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/app/{workspace_id}/reports", web::get().to(page)).route("/app/{workspace_id}/reports/{table}.csv", web::get().to(download));
}

/// What a request asks to see, checked against who asks.
struct Request {
    preset: Preset,
    range: Result<Range, RangeError>,
    filter: Filter,
}

/// Reads the query for `member`: the range (an error to show, not to answer with) and the
/// filter their role allows. An agent or label id that is not the workspace's answers 404.
async fn request(state: &web::Data<AppState>, member: &Member, query: &ReportQuery) -> Result<(Request, Availability), AppError> {
    let workspace_id = member.workspace_id();
    let filter = params::filter_for_role(member.role, member.current.user.id, query.requested_filter()?);
    let availability = db::run(&state.pool, move |conn| {
        params::check_filter(conn, workspace_id, filter)?;
        Availability::load(conn, workspace_id)
    })
    .await?;
    let preset = query.preset().unwrap_or(params::DEFAULT_PRESET);
    let range = query.range(&availability.time_zone, OffsetDateTime::now_utc());
    Ok((Request { preset, range, filter }, availability))
}

/// The report with a row for every day of the range, and only their own row for a member who
/// is not an admin.
async fn load_summary(state: &web::Data<AppState>, member: &Member, range: Range, filter: Filter) -> Result<Summary, AppError> {
    let workspace_id = member.workspace_id();
    let mut summary = db::run(&state.pool, move |conn| queries::summary(conn, workspace_id, &range, filter)).await?;
    summary.days = every_day(&summary);
    if !member.role.is_admin() {
        let me = member.current.user.id.0;
        summary.agents.retain(|row| row.user_id == me);
    }
    Ok(summary)
}

/// The summary's days, with the days it left out counted as zero.
fn every_day(summary: &Summary) -> Vec<DayCounts> {
    let mut days = Vec::new();
    let mut date = summary.from;
    while date <= summary.to {
        days.push(summary.days.iter().find(|d| d.date == date).cloned().unwrap_or(DayCounts {
            date,
            started: 0,
            resolved: 0,
            still_open: 0,
        }));
        match date.checked_add(Duration::days(1)) {
            Some(next) => date = next,
            None => break,
        }
    }
    days
}

/// Business hours as a sentence: `Mon–Fri 09:00–17:00, Sat 10:00–14:00`.
pub fn describe_hours(hours: &[DayHours; 7]) -> String {
    let mut parts = Vec::new();
    let mut day = 0;
    while day < 7 {
        let mut last = day;
        while last + 1 < 7 && hours[last + 1] == hours[day] {
            last += 1;
        }
        if let Some((open, close)) = hours[day] {
            let days = if last == day {
                WEEKDAYS[day][..3].to_string()
            } else {
                format!("{}\u{2013}{}", &WEEKDAYS[day][..3], &WEEKDAYS[last][..3])
            };
            parts.push(format!("{days} {}\u{2013}{}", format_clock(open), format_clock(close)));
        }
        day = last + 1;
    }
    if parts.is_empty() { "closed every day".into() } else { parts.join(", ") }
}

/// A share as the page shows it: `87%`.
fn percent(part: i64, whole: i64) -> Option<String> {
    (whole > 0).then(|| format!("{:.0}%", part as f64 * 100.0 / whole as f64))
}

fn duration_text(seconds: Option<i64>) -> String {
    seconds.map(charts::human_duration).unwrap_or_else(|| "\u{2014}".into())
}

/// One row of the response-times table.
struct DurationRow {
    name: &'static str,
    count: i64,
    median: String,
    p90: String,
}

impl DurationRow {
    fn new(name: &'static str, d: &Durations) -> Self {
        Self { name, count: d.count, median: duration_text(d.median_seconds), p90: duration_text(d.p90_seconds) }
    }
}

struct ScoreRow {
    score: usize,
    count: i64,
    share: String,
}

struct CommentRow {
    conversation_id: Uuid,
    score: i16,
    comment: String,
    contact: String,
    rated_on: String,
    rated_iso: String,
}

struct AgentView {
    name: String,
    conversations: i64,
    /// A dash when filtered by a label (replies are not counted by label).
    replies: String,
    first_response: DurationRow,
    resolution: DurationRow,
    csat: String,
    ratings: i64,
}

struct HourRow {
    day: &'static str,
    counts: [i64; 24],
}

/// The figures of a range, ready to show.
struct Figures {
    summary: Summary,
    started: i64,
    resolved: i64,
    still_open: i64,
    first_response_median: String,
    csat_percent: Option<String>,
    days_chart: Option<String>,
    durations_chart: Option<String>,
    csat_chart: Option<String>,
    hours_chart: Option<String>,
    durations: Vec<DurationRow>,
    scores: Vec<ScoreRow>,
    comments: Vec<CommentRow>,
    agents: Vec<AgentView>,
    hours: Vec<HourRow>,
}

impl Figures {
    fn new(summary: Summary) -> Result<Self, AppError> {
        let csat = &summary.csat;
        let figures = Self {
            started: summary.days.iter().map(|d| d.started).sum(),
            resolved: summary.days.iter().map(|d| d.resolved).sum(),
            still_open: summary.days.iter().map(|d| d.still_open).sum(),
            first_response_median: duration_text(summary.first_response.median_seconds),
            csat_percent: percent(csat.satisfied, csat.ratings),
            days_chart: charts::days_chart(&summary.days)?,
            durations_chart: charts::durations_chart(&summary.first_response, &summary.resolution)?,
            csat_chart: charts::csat_chart(csat)?,
            hours_chart: charts::hours_chart(&summary.busiest_hours)?,
            durations: vec![
                DurationRow::new("First response", &summary.first_response),
                DurationRow::new("Resolution", &summary.resolution),
            ],
            scores: csat
                .distribution
                .iter()
                .enumerate()
                .map(|(i, count)| ScoreRow { score: i + 1, count: *count, share: percent(*count, csat.ratings).unwrap_or_default() })
                .collect(),
            comments: csat
                .latest_comments
                .iter()
                .map(|c| CommentRow {
                    conversation_id: c.conversation_id,
                    score: c.score,
                    comment: c.comment.clone(),
                    contact: c.contact_name.clone().unwrap_or_else(|| "A visitor without a name".into()),
                    rated_on: crate::web::utc_minute(c.rated_at),
                    rated_iso: crate::inbox::iso(c.rated_at),
                })
                .collect(),
            agents: summary
                .agents
                .iter()
                .map(|a| AgentView {
                    name: a.name.clone(),
                    conversations: a.conversations,
                    replies: a.replies.map_or_else(|| "\u{2014}".to_string(), |n| n.to_string()),
                    first_response: DurationRow::new("First response", &a.first_response),
                    resolution: DurationRow::new("Resolution", &a.resolution),
                    csat: percent(a.satisfied, a.ratings).unwrap_or_else(|| "\u{2014}".into()),
                    ratings: a.ratings,
                })
                .collect(),
            hours: summary.busiest_hours.iter().zip(WEEKDAYS).map(|(counts, day)| HourRow { day, counts: *counts }).collect(),
            summary,
        };
        Ok(figures)
    }

    /// Nothing happened in the range: no conversation started or resolved, no rating.
    fn is_empty(&self) -> bool {
        self.started == 0 && self.resolved == 0 && self.still_open == 0 && self.summary.csat.ratings == 0
    }
}

#[derive(Template)]
#[template(path = "app/reports.html")]
struct ReportsPage {
    shell: Shell,
    workspace: Workspace,
    is_admin: bool,
    preset: Preset,
    /// The dates in the form: the range shown, or what was typed when it was refused.
    from: String,
    to: String,
    range_error: Option<String>,
    filter: Filter,
    members: Vec<MemberListing>,
    labels: Vec<Label>,
    time_zone: String,
    business_hours: Option<String>,
    figures: Option<Figures>,
}

impl ReportsPage {
    fn base(&self) -> String {
        format!("/app/{}/reports", self.workspace.id)
    }

    /// The agent and label chosen, as query parameters to keep across links.
    fn filter_query(&self) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        if self.is_admin {
            if let Some(agent) = self.filter.agent {
                query.append_pair("agent", &agent.to_string());
            }
            if let Some(label) = self.filter.label {
                query.append_pair("label", &label.to_string());
            }
        }
        query.finish()
    }

    fn preset_link(&self, preset: &Preset) -> String {
        let filter = self.filter_query();
        let sep = if filter.is_empty() { "" } else { "&" };
        format!("{}?range={}{sep}{filter}", self.base(), preset.as_str())
    }

    fn is_current(&self, preset: &Preset) -> &'static str {
        if self.preset == *preset { "page" } else { "false" }
    }

    /// The download of `table` for exactly the days shown.
    fn csv_link(&self, table: &str) -> String {
        let filter = self.filter_query();
        let sep = if filter.is_empty() { "" } else { "&" };
        format!("{}/{table}.csv?range=custom&from={}&to={}{sep}{filter}", self.base(), self.from, self.to)
    }

    fn agent_selected(&self, member: &MemberListing) -> bool {
        self.filter.agent == Some(member.user_id)
    }

    fn label_selected(&self, label: &Label) -> bool {
        self.filter.label == Some(label.id)
    }

    fn range_text(&self) -> String {
        if self.from == self.to { self.from.clone() } else { format!("{} to {}", self.from, self.to) }
    }

    fn conversation_link(&self, id: &Uuid) -> String {
        format!("/app/{}/inbox/{id}", self.workspace.id)
    }

    fn hour_label(&self, hour: &usize) -> String {
        format!("{hour:02}")
    }
}

async fn page(
    state: web::Data<AppState>,
    member: Member,
    csrf: CsrfToken,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let (request, availability) = request(&state, &member, &query).await?;
    let is_admin = member.role.is_admin();
    let workspace_id = member.workspace_id();
    let (members, labels) = if is_admin {
        db::run(&state.pool, move |conn| Ok((Workspace::members(conn, workspace_id)?, labels::list(conn, workspace_id)?))).await?
    } else {
        (Vec::new(), Vec::new())
    };
    let (from, to, range_error, figures) = match request.range {
        Ok(range) => {
            let (from, to) = (range.from.to_string(), range.to.to_string());
            let summary = load_summary(&state, &member, range, request.filter).await?;
            (from, to, None, Some(Figures::new(summary)?))
        }
        Err(error) => (query.from.clone().unwrap_or_default(), query.to.clone().unwrap_or_default(), Some(error.0), None),
    };
    let status = if range_error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let business_hours =
        figures.as_ref().map_or(availability.hours_enabled, |f| f.summary.business_hours).then(|| describe_hours(&availability.hours));
    let shell = Shell::load(&state, &member, csrf, Nav::Reports, None).await?;
    render(
        status,
        &ReportsPage {
            shell,
            workspace: member.workspace.clone(),
            is_admin,
            preset: request.preset,
            from: from.chars().take(32).collect(),
            to: to.chars().take(32).collect(),
            range_error,
            filter: request.filter,
            members,
            labels,
            time_zone: availability.time_zone,
            business_hours,
            figures,
        },
    )
}

async fn download(
    state: web::Data<AppState>,
    member: Member,
    path: web::Path<(Uuid, String)>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    let table = Table::parse(&path.1).ok_or(AppError::NotFound)?;
    let (request, _) = request(&state, &member, &query).await?;
    let summary = load_summary(&state, &member, request.range?, request.filter).await?;
    let body = csv::render(table, &summary)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", table.file_name(&summary))))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn business_hours_read_as_runs_of_days() {
        let weekdays = [Some((540, 1020)); 5];
        let hours = [weekdays[0], weekdays[1], weekdays[2], weekdays[3], weekdays[4], Some((600, 840)), None];
        assert_eq!(describe_hours(&hours), "Mon\u{2013}Fri 09:00\u{2013}17:00, Sat 10:00\u{2013}14:00");
        assert_eq!(describe_hours(&[None; 7]), "closed every day");
        let split = [Some((540, 1020)), None, Some((540, 1020)), None, None, None, Some((0, 1440))];
        assert_eq!(describe_hours(&split), "Mon 09:00\u{2013}17:00, Wed 09:00\u{2013}17:00, Sun 00:00\u{2013}24:00");
    }

    #[test]
    fn every_day_of_the_range_has_a_row() {
        let mut summary = crate::reports::csv::tests::summary();
        summary.to = summary.from + Duration::days(3);
        let days = every_day(&summary);
        assert_eq!(days.len(), 4);
        assert_eq!((days[0].started, days[1].started, days[2].started, days[3].started), (4, 2, 0, 0));
    }
}
