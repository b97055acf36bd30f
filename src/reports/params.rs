//! What a report covers, read from a request: the range of days (a preset or two dates, in the
//! workspace's time zone) and the filter (an agent, a label), with who may ask for what.
//!
//! The page and its CSV downloads read `?range=today|7d|30d|custom&from=&to=&agent=&label=`
//! ([`ReportQuery`]); the REST API reads explicit dates ([`explicit_range`]). Days are calendar
//! dates, so a range never depends on a daylight-saving change inside it.
//!
//! Tenant rule: an agent or a label named in a request must belong to the member's workspace
//! ([`check_filter`], 404 otherwise); a member who is not an admin always gets their own figures
//! ([`filter_for_role`]).

use diesel::prelude::*;
use serde::Deserialize;
use time::{Date, Duration, OffsetDateTime, UtcOffset, macros::format_description};
use uuid::Uuid;

use super::{Filter, MAX_RANGE_DAYS, Range};
use crate::{
    db::{
        LabelId, UserId, WorkspaceId,
        schema::{labels, memberships},
    },
    error::AppError,
    workspaces::Role,
};

/// The range a report shows when the request names none.
pub const DEFAULT_PRESET: Preset = Preset::Last7Days;

/// The ranges offered in one click, each ending today, and the custom one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Today,
    Last7Days,
    Last30Days,
    Custom,
}

impl Preset {
    pub const ALL: [Preset; 4] = [Preset::Today, Preset::Last7Days, Preset::Last30Days, Preset::Custom];

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "today" => Self::Today,
            "7d" => Self::Last7Days,
            "30d" => Self::Last30Days,
            "custom" => Self::Custom,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Today => "today",
            Self::Last7Days => "7d",
            Self::Last30Days => "30d",
            Self::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Today => "Today",
            Self::Last7Days => "Last 7 days",
            Self::Last30Days => "Last 30 days",
            Self::Custom => "Custom",
        }
    }

    /// How many days a preset covers, today included; `None` for a custom range.
    fn days(self) -> Option<i64> {
        match self {
            Self::Today => Some(1),
            Self::Last7Days => Some(7),
            Self::Last30Days => Some(30),
            Self::Custom => None,
        }
    }
}

/// The query string of the reports page and its downloads. Every field is text so that a bad
/// value becomes a sentence beside the form rather than a bare 400.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReportQuery {
    pub range: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub agent: Option<String>,
    pub label: Option<String>,
}

/// Why a requested range cannot be shown; the text is for the person who asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeError(pub String);

impl std::fmt::Display for RangeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<RangeError> for AppError {
    fn from(error: RangeError) -> Self {
        AppError::BadRequest(error.0)
    }
}

/// Today's date in `time_zone` at `now`; an unknown zone counts as UTC.
pub fn today_in(time_zone: &str, now: OffsetDateTime) -> Date {
    let zone = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let offset_seconds = jiff::Timestamp::from_second(now.unix_timestamp()).map(|at| zone.to_offset(at).seconds()).unwrap_or(0);
    let offset = UtcOffset::from_whole_seconds(offset_seconds).unwrap_or(UtcOffset::UTC);
    now.to_offset(offset).date()
}

/// The days of a preset ending `today`, both included.
pub fn preset_days(preset: Preset, today: Date) -> (Date, Date) {
    let days = preset.days().unwrap_or(1);
    (today.saturating_sub(Duration::days(days - 1)), today)
}

/// A `YYYY-MM-DD` date, or the sentence saying what is wrong with it.
pub fn parse_date(text: &str, which: &str) -> Result<Date, RangeError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(RangeError(format!("Choose the {which} date.")));
    }
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|_| RangeError(format!("The {which} date must be a date written as YYYY-MM-DD, such as 2026-03-01.")))
}

/// Checks two dates as a report's range: the first not after the last, the last not after
/// `today`, and at most [`MAX_RANGE_DAYS`] days.
pub fn check_days(from: Date, to: Date, today: Date) -> Result<(Date, Date), RangeError> {
    if from > to {
        return Err(RangeError("The start date must be on or before the end date.".into()));
    }
    if to > today {
        return Err(RangeError(format!("The end date cannot be after today ({today}).")));
    }
    let days = (to - from).whole_days() + 1;
    if days > MAX_RANGE_DAYS {
        return Err(RangeError(format!("A report covers at most {MAX_RANGE_DAYS} days; this range has {days}.")));
    }
    Ok((from, to))
}

/// The range between two dates as a request gives them (the REST API's `from` and `to`), in
/// `time_zone`, at `now`: both are required.
pub fn explicit_range(from: Option<&str>, to: Option<&str>, time_zone: &str, now: OffsetDateTime) -> Result<Range, RangeError> {
    let from = parse_date(from.unwrap_or(""), "start")?;
    let to = parse_date(to.unwrap_or(""), "end")?;
    let (from, to) = check_days(from, to, today_in(time_zone, now))?;
    Ok(Range { from, to, time_zone: time_zone.to_string() })
}

impl ReportQuery {
    /// The preset asked for: [`DEFAULT_PRESET`] when none is named, custom when only dates are.
    pub fn preset(&self) -> Result<Preset, RangeError> {
        match self.range.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            Some(text) => {
                Preset::parse(text).ok_or_else(|| RangeError("Choose today, the last 7 days, the last 30 days or custom dates.".into()))
            }
            None if self.from.as_deref().is_some_and(|f| !f.trim().is_empty())
                || self.to.as_deref().is_some_and(|t| !t.trim().is_empty()) =>
            {
                Ok(Preset::Custom)
            }
            None => Ok(DEFAULT_PRESET),
        }
    }

    /// The range this query asks for, in `time_zone`, at `now`.
    pub fn range(&self, time_zone: &str, now: OffsetDateTime) -> Result<Range, RangeError> {
        match self.preset()? {
            Preset::Custom => explicit_range(self.from.as_deref(), self.to.as_deref(), time_zone, now),
            preset => {
                let (from, to) = preset_days(preset, today_in(time_zone, now));
                Ok(Range { from, to, time_zone: time_zone.to_string() })
            }
        }
    }

    /// The agent and label as asked for: empty means all; anything but a UUID names nothing
    /// that exists, so it answers 404 like another workspace's id.
    pub fn requested_filter(&self) -> Result<Filter, AppError> {
        Ok(Filter { agent: optional_id(self.agent.as_deref())?.map(UserId), label: optional_id(self.label.as_deref())?.map(LabelId) })
    }
}

fn optional_id(text: Option<&str>) -> Result<Option<Uuid>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => Uuid::parse_str(text).map(Some).map_err(|_| AppError::NotFound),
        None => Ok(None),
    }
}

/// What a member may see: an owner or admin gets the filter asked for; anyone else gets their
/// own figures, whatever agent or label the request names (the page offers them no choice).
pub fn filter_for_role(role: Role, me: UserId, requested: Filter) -> Filter {
    if role.is_admin() { requested } else { Filter { agent: Some(me), label: None } }
}

/// Checks that the filter's agent is a member of `workspace_id` and its label one of its
/// labels; another workspace's (or no one's) id answers 404.
pub fn check_filter(conn: &mut PgConnection, workspace_id: WorkspaceId, filter: Filter) -> Result<Filter, AppError> {
    if let Some(agent) = filter.agent {
        let member: i64 = memberships::table
            .filter(memberships::workspace_id.eq(workspace_id))
            .filter(memberships::user_id.eq(agent))
            .count()
            .get_result(conn)?;
        if member == 0 {
            return Err(AppError::NotFound);
        }
    }
    if let Some(label) = filter.label {
        let found: i64 =
            labels::table.filter(labels::workspace_id.eq(workspace_id)).filter(labels::id.eq(label)).count().get_result(conn)?;
        if found == 0 {
            return Err(AppError::NotFound);
        }
    }
    Ok(filter)
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    fn query(range: Option<&str>, from: Option<&str>, to: Option<&str>) -> ReportQuery {
        ReportQuery { range: range.map(Into::into), from: from.map(Into::into), to: to.map(Into::into), agent: None, label: None }
    }

    #[test]
    fn today_is_the_local_date_of_the_workspace() {
        // 23:30 UTC on 1 March is already 2 March in Paris and still 1 March in New York.
        let now = datetime!(2026-03-01 23:30 UTC);
        assert_eq!(today_in("Europe/Paris", now), date!(2026 - 03 - 02));
        assert_eq!(today_in("America/New_York", now), date!(2026 - 03 - 01));
        assert_eq!(today_in("Not/AZone", now), date!(2026 - 03 - 01));
    }

    #[test]
    fn presets_end_today_and_count_today() {
        let now = datetime!(2026-03-31 12:00 UTC);
        let range = |r: &str| query(Some(r), None, None).range("Europe/Paris", now).unwrap();
        assert_eq!((range("today").from, range("today").to), (date!(2026 - 03 - 31), date!(2026 - 03 - 31)));
        assert_eq!((range("7d").from, range("7d").to), (date!(2026 - 03 - 25), date!(2026 - 03 - 31)));
        assert_eq!((range("30d").from, range("30d").to), (date!(2026 - 03 - 02), date!(2026 - 03 - 31)));
        assert_eq!(range("7d").time_zone, "Europe/Paris");
    }

    #[test]
    fn no_range_is_the_last_seven_days_and_dates_alone_are_custom() {
        let now = datetime!(2026-03-31 12:00 UTC);
        let default = ReportQuery::default().range("UTC", now).unwrap();
        assert_eq!((default.from, default.to), (date!(2026 - 03 - 25), date!(2026 - 03 - 31)));
        let dates = query(None, Some("2026-03-01"), Some("2026-03-03")).range("UTC", now).unwrap();
        assert_eq!((dates.from, dates.to), (date!(2026 - 03 - 01), date!(2026 - 03 - 03)));
    }

    #[test]
    fn days_are_calendar_dates_across_a_daylight_saving_change() {
        // Paris moves its clocks forward on 29 March 2026: seven days are still seven dates.
        let now = datetime!(2026-04-01 10:00 UTC);
        let range = query(Some("7d"), None, None).range("Europe/Paris", now).unwrap();
        assert_eq!((range.from, range.to), (date!(2026 - 03 - 26), date!(2026 - 04 - 01)));
        let custom = query(Some("custom"), Some("2026-03-28"), Some("2026-03-30")).range("Europe/Paris", now).unwrap();
        assert_eq!((custom.from, custom.to), (date!(2026 - 03 - 28), date!(2026 - 03 - 30)));
    }

    #[test]
    fn a_custom_range_needs_two_good_dates_in_order_up_to_today() {
        let now = datetime!(2026-03-31 12:00 UTC);
        let error = |from: Option<&str>, to: Option<&str>| query(Some("custom"), from, to).range("UTC", now).unwrap_err().0;
        assert_eq!(error(None, Some("2026-03-02")), "Choose the start date.");
        assert_eq!(error(Some("2026-03-02"), Some("")), "Choose the end date.");
        assert!(error(Some("2026-02-30"), Some("2026-03-02")).contains("YYYY-MM-DD"), "no 30 February");
        assert!(error(Some("03/01/2026"), Some("2026-03-02")).contains("YYYY-MM-DD"));
        assert_eq!(error(Some("2026-03-05"), Some("2026-03-02")), "The start date must be on or before the end date.");
        assert_eq!(error(Some("2026-03-05"), Some("2026-04-01")), "The end date cannot be after today (2026-03-31).");
        assert!(error(Some("2025-03-30"), Some("2026-03-31")).starts_with("A report covers at most 366 days; this range has 367."));
        assert!(query(Some("custom"), Some("2025-03-31"), Some("2026-03-31")).range("UTC", now).is_ok(), "366 days");
        assert_eq!(query(Some("custom"), Some("2026-03-31"), Some("2026-03-31")).range("UTC", now).unwrap().from, date!(2026 - 03 - 31));
        assert!(query(Some("yesterday"), None, None).range("UTC", now).unwrap_err().0.starts_with("Choose today"));
    }

    #[test]
    fn explicit_ranges_take_both_dates() {
        let now = datetime!(2026-03-31 12:00 UTC);
        assert!(explicit_range(Some("2026-03-01"), None, "UTC", now).is_err());
        let range = explicit_range(Some("2026-03-01"), Some("2026-03-31"), "Asia/Tokyo", now).unwrap();
        assert_eq!((range.from, range.to, range.time_zone.as_str()), (date!(2026 - 03 - 01), date!(2026 - 03 - 31), "Asia/Tokyo"));
    }

    #[test]
    fn agents_who_are_not_admins_get_their_own_figures() {
        let (me, someone) = (UserId(Uuid::now_v7()), UserId(Uuid::now_v7()));
        let label = LabelId(Uuid::now_v7());
        let asked = Filter { agent: Some(someone), label: Some(label) };
        assert_eq!(filter_for_role(Role::Admin, me, asked), asked);
        assert_eq!(filter_for_role(Role::Owner, me, asked), asked);
        assert_eq!(filter_for_role(Role::Agent, me, asked), Filter { agent: Some(me), label: None });
        assert_eq!(filter_for_role(Role::Agent, me, Filter::default()), Filter { agent: Some(me), label: None });
    }

    #[test]
    fn ids_are_uuids_or_nothing() {
        let mut q = ReportQuery { agent: Some(String::new()), label: Some(" ".into()), ..Default::default() };
        assert_eq!(q.requested_filter().unwrap(), Filter::default());
        q.agent = Some("not-a-uuid".into());
        assert!(matches!(q.requested_filter(), Err(AppError::NotFound)));
    }
}
