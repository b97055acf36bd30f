//! `GET /api/v1/reports/summary`: the figures of the reports page ([`crate::reports`]) for a
//! range of days, for the whole team, one agent or one label, with a `read` key.
//!
//! The role rule is the page's ([`params::filter_for_role`]): a key whose creator is an admin
//! reads anyone's figures; a key created by an agent reads only that agent's, whatever
//! `agent_id` or `label_id` it asks for.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{ReadKey, openapi};
use crate::{
    conversations::Author,
    db::{self, LabelId, UserId},
    error::AppError,
    reports::{self, Filter, Summary, params},
    state::AppState,
    workspaces::availability::Availability,
};

/// Which days and conversations to report on.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// The first day, `YYYY-MM-DD`, in the workspace's time zone.
    #[param(example = "2026-11-01", format = Date)]
    from: String,
    /// The last day, included, not after today; at most 366 days from `from`.
    #[param(example = "2026-11-30", format = Date)]
    to: String,
    /// Only this member's work: conversations assigned to them, answered first or resolved by
    /// them, their replies and their ratings.
    agent_id: Option<Uuid>,
    /// Only conversations with this label.
    label_id: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/reports/summary", tag = "reports", params(SummaryQuery), security(("api_key" = ["read"])),
    responses((status = 200, description = "The report: conversations per day, first response and resolution times (median and 90th percentile, \
            in seconds, within business hours when the workspace sets them), ratings, each member's figures and the busiest hours", body = Summary),
        (status = 400, description = "A date is missing or malformed", body = openapi::ErrorBody),
        (status = 401, description = "No key, or a revoked one, or its creator left the workspace", body = openapi::ErrorBody),
        (status = 403, description = "The key lacks the `read` scope", body = openapi::ErrorBody),
        (status = 404, description = "The agent or the label is not the workspace's", body = openapi::ErrorBody),
        (status = 422, description = "`to` is before `from` or after today, or the range is longer than 366 days", body = openapi::ErrorBody)))]
pub(super) async fn summary(
    state: web::Data<AppState>,
    ReadKey(key): ReadKey,
    query: web::Query<SummaryQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let workspace_id = key.workspace_id;
    let requested = Filter { agent: query.agent_id.map(UserId), label: query.label_id.map(LabelId) };
    // Every key that authenticates names its creator; an agent's reads only the agent's figures.
    let filter = match &key.author {
        Some(Author::Agent { user_id, .. }) => params::filter_for_role(key.creator_role, *user_id, requested),
        _ => return Err(AppError::SignInRequired),
    };
    let summary = db::run(&state.pool, move |conn| {
        let time_zone = Availability::load(conn, workspace_id)?.time_zone;
        // A malformed date is a bad request (400); two dates that make no range to report on
        // (reversed, too long, ending after today) are well-formed but unprocessable (422).
        let (from, to) = (params::parse_date(&query.from, "`from`")?, params::parse_date(&query.to, "`to`")?);
        let today = params::today_in(&time_zone, OffsetDateTime::now_utc());
        let (from, to) = params::check_days(from, to, today).map_err(|refusal| AppError::Unprocessable(refusal.0))?;
        let range = reports::Range { from, to, time_zone };
        let filter = params::check_filter(conn, workspace_id, filter)?;
        reports::queries::summary(conn, workspace_id, &range, filter)
    })
    .await?;
    Ok(HttpResponse::Ok().json(summary))
}
