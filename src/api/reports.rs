//! `GET /api/v1/reports/summary`: the figures of the reports page ([`crate::reports`]) for a
//! range of days, for the whole team, one agent or one label, with a `read` key.
//!
//! The role rule is the page's: a key whose creator is an admin reads anyone's figures; a key
//! created by an agent reads only that agent's, whatever `agent_id` it asks for.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

use super::{ReadKey, openapi};
use crate::{
    conversations::{Author, labels},
    db::{self, LabelId, UserId},
    error::AppError,
    reports::{self, Filter, MAX_RANGE_DAYS, Range, Summary},
    state::AppState,
    workspaces::availability::Availability,
};

/// Which days and conversations to report on.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// The first day, `YYYY-MM-DD`, in the workspace's time zone.
    #[param(example = "2026-11-01", pattern = r"^\d{4}-\d{2}-\d{2}$")]
    from: String,
    /// The last day, included; at most 366 days after `from`.
    #[param(example = "2026-11-30", pattern = r"^\d{4}-\d{2}-\d{2}$")]
    to: String,
    /// Only this member's work: conversations assigned to them, answered first or resolved by
    /// them, their replies and their ratings.
    agent_id: Option<Uuid>,
    /// Only conversations with this label.
    label_id: Option<Uuid>,
}

/// A date of the query, or a 400 naming the parameter.
fn parse_date(name: &str, text: &str) -> Result<Date, AppError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, &format).map_err(|_| AppError::bad_request(format!("`{name}` must be a date such as 2026-11-30.")))
}

/// The range a query asks for, or a 400 saying why it cannot be reported on.
pub fn range_of(from: &str, to: &str, time_zone: String) -> Result<Range, AppError> {
    let (from, to) = (parse_date("from", from)?, parse_date("to", to)?);
    if to < from {
        return Err(AppError::bad_request("`to` must not be before `from`."));
    }
    if (to - from).whole_days() >= MAX_RANGE_DAYS {
        return Err(AppError::bad_request(format!("A report covers at most {MAX_RANGE_DAYS} days.")));
    }
    Ok(Range { from, to, time_zone })
}

#[utoipa::path(get, path = "/api/v1/reports/summary", tag = "reports", params(SummaryQuery), security(("api_key" = ["read"])),
    responses((status = 200, description = "The report: conversations per day, first response and resolution times (median and 90th percentile, \
            in seconds, within business hours when the workspace sets them), ratings, each member's figures and the busiest hours", body = Summary),
        (status = 400, description = "A date is missing or malformed, `to` is before `from`, or the range is longer than 366 days", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `read` scope", body = openapi::ErrorBody),
        (status = 404, description = "The agent or the label is not the workspace's", body = openapi::ErrorBody)))]
pub(super) async fn summary(
    state: web::Data<AppState>,
    ReadKey(key): ReadKey,
    query: web::Query<SummaryQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let workspace_id = key.workspace_id;
    // An agent's key reads only the agent's own figures.
    let own = match (&key.author, key.creator_role.is_admin()) {
        (Some(Author::Agent { user_id, .. }), false) => Some(*user_id),
        _ => None,
    };
    let summary = db::run(&state.pool, move |conn| {
        let time_zone = Availability::load(conn, workspace_id)?.time_zone;
        let range = range_of(&query.from, &query.to, time_zone)?;
        let agent = match own {
            Some(own) => Some(own),
            None => match query.agent_id.map(UserId) {
                Some(agent) if !reports::is_member(conn, workspace_id, agent)? => return Err(AppError::NotFound),
                agent => agent,
            },
        };
        let label = match query.label_id.map(LabelId) {
            Some(label) => Some(labels::find(conn, workspace_id, label)?.ok_or(AppError::NotFound)?.id),
            None => None,
        };
        reports::queries::summary(conn, workspace_id, &range, Filter { agent, label })
    })
    .await?;
    Ok(HttpResponse::Ok().json(summary))
}
