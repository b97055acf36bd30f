//! Reports: how fast a workspace answers and how its visitors rate it, over a range of days in
//! the workspace's time zone, for the whole team, one agent or one label.
//!
//! Every figure is read from what was stamped when it happened: a conversation's
//! `created_at`, `first_reply_at` (by the message writer) and `resolved_at` (by the actions
//! module), agents' public replies through their partial index, and `conversation_ratings`;
//! each by an index range over the workspace, never a scan of its messages. Durations count
//! business hours only when the workspace sets them ([`business`]).
//!
//! Tenant rule: every query takes the `WorkspaceId` of an authenticated member; an agent who is
//! not an admin sees only their own figures (the page and the API force the agent filter).

pub mod business;
pub mod charts;
pub mod csv;
pub mod page;
pub mod params;
pub mod queries;

use serde::Serialize;
use time::Date;
use uuid::Uuid;

use crate::db::{LabelId, UserId};

/// The longest range a report covers, in days.
pub const MAX_RANGE_DAYS: i64 = 366;
/// How many of the latest rating comments a report lists.
pub const LATEST_COMMENTS: usize = 10;

/// A date as `2026-11-30`.
fn iso_date<S: serde::Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let text = date.format(&format).map_err(serde::ser::Error::custom)?;
    serializer.serialize_str(&text)
}

/// The days a report covers, both included, in the workspace's time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Range {
    pub from: Date,
    pub to: Date,
    /// An IANA name, such as `Europe/Paris`.
    pub time_zone: String,
}

/// Which conversations a report counts: all, one assignee's, or those with one label.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub agent: Option<UserId>,
    pub label: Option<LabelId>,
}

/// Conversations of one day of the range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DayCounts {
    #[serde(serialize_with = "iso_date")]
    pub date: Date,
    /// Started that day.
    pub started: i64,
    /// Resolved that day.
    pub resolved: i64,
    /// Started that day and not resolved now.
    pub still_open: i64,
}

/// The spread of one duration over the conversations that have it in the range.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Durations {
    /// How many conversations it was measured on.
    pub count: i64,
    pub median_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
}

/// A rating's comment, for the list of the latest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RatingComment {
    pub conversation_id: Uuid,
    pub score: i16,
    pub comment: String,
    #[serde(with = "time::serde::rfc3339")]
    pub rated_at: time::OffsetDateTime,
    pub contact_name: Option<String>,
}

/// Visitors' ratings given in the range.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Csat {
    pub ratings: i64,
    /// Ratings of 4 or 5.
    pub satisfied: i64,
    /// How many of each score, 1 first.
    #[schema(value_type = Vec<i64>, min_items = 5, max_items = 5)]
    pub distribution: [i64; 5],
    pub latest_comments: Vec<RatingComment>,
}

impl Csat {
    /// The share of 4 and 5, in percent; `None` without ratings.
    pub fn satisfied_percent(&self) -> Option<f64> {
        (self.ratings > 0).then(|| self.satisfied as f64 * 100.0 / self.ratings as f64)
    }
}

/// One member's figures over the range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AgentRow {
    pub user_id: Uuid,
    /// "Former member" for someone who left.
    pub name: String,
    /// Conversations started in the range and assigned to them now.
    pub conversations: i64,
    /// Their public replies in the range; `None` when filtered by a label (replies are
    /// counted per member and quarter hour, not per conversation).
    pub replies: Option<i64>,
    /// Over the conversations they answered first, first answered in the range.
    pub first_response: Durations,
    /// Over the conversations resolved in the range while theirs.
    pub resolution: Durations,
    pub ratings: i64,
    pub satisfied: i64,
}

/// Everything the reports page and `GET /api/v1/reports/summary` show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    #[serde(serialize_with = "iso_date")]
    pub from: Date,
    #[serde(serialize_with = "iso_date")]
    pub to: Date,
    pub time_zone: String,
    /// Durations count business hours only (the workspace sets them).
    pub business_hours: bool,
    pub days: Vec<DayCounts>,
    pub first_response: Durations,
    pub resolution: Durations,
    pub csat: Csat,
    pub agents: Vec<AgentRow>,
    /// Conversations started, by local day of the week (Monday first) and hour (7 rows of 24).
    #[schema(value_type = Vec<Vec<i64>>)]
    pub busiest_hours: [[i64; 24]; 7],
}
