//! When a workspace answers chats: its business hours in its time zone, the message the
//! widget shows outside them, and how long a reply waits before it is emailed to the visitor.
//!
//! Tenant rule: read and written only for the `WorkspaceId` of an authenticated admin, or of the
//! site key a widget presented.

use diesel::prelude::*;
use serde::Serialize;
use time::OffsetDateTime;

use crate::{
    db::{WorkspaceId, schema::workspaces},
    error::AppError,
};

pub const OFFLINE_MESSAGE_MAX: usize = 500;
pub const FOLLOW_UP_DELAY_MIN_SECONDS: i32 = 30;
pub const FOLLOW_UP_DELAY_MAX_SECONDS: i32 = 86_400;
pub const RETENTION_MAX_DAYS: i32 = 3650;
pub const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// Opening and closing time of one day, in minutes after local midnight; closing may be 1440.
pub type DayHours = Option<(u16, u16)>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Availability {
    pub hours_enabled: bool,
    pub time_zone: String,
    /// Monday first.
    pub hours: [DayHours; 7],
    pub offline_message: String,
    pub follow_up_delay_seconds: i32,
    pub retention_days: Option<i32>,
}

/// What the widget is told.
#[derive(Serialize, Clone, Debug)]
pub struct PublicAvailability {
    /// Within business hours (always, when hours are off).
    pub within_hours: bool,
    pub offline_message: String,
}

fn hours_from_json(value: &serde_json::Value) -> [DayHours; 7] {
    let mut hours = [None; 7];
    if let Some(days) = value.as_array() {
        for (slot, day) in hours.iter_mut().zip(days) {
            *slot = day.as_array().and_then(|pair| match (pair.first()?.as_u64(), pair.get(1)?.as_u64()) {
                (Some(open), Some(close)) if open < close && close <= 1440 => Some((open as u16, close as u16)),
                _ => None,
            });
        }
    }
    hours
}

fn hours_to_json(hours: &[DayHours; 7]) -> serde_json::Value {
    serde_json::Value::Array(
        hours.iter().map(|day| day.map_or(serde_json::Value::Null, |(open, close)| serde_json::json!([open, close]))).collect(),
    )
}

/// `09:30` as minutes after midnight; `24:00` is the end of the day.
pub fn parse_clock(text: &str) -> Option<u16> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let (hours, minutes): (u16, u16) = (hours.parse().ok()?, minutes.parse().ok()?);
    match (hours, minutes) {
        (24, 0) => Some(1440),
        (0..=23, 0..=59) => Some(hours * 60 + minutes),
        _ => None,
    }
}

pub fn format_clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// An IANA time zone name this server knows, such as `Europe/Paris`.
pub fn validate_time_zone(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return Err("Choose a time zone such as Europe/Paris.".into());
    }
    jiff::tz::TimeZone::get(name)
        .map(|_| name.to_string())
        .map_err(|_| format!("{name:?} is not a time zone; use a name such as Europe/Paris."))
}

impl Availability {
    pub fn load(conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<Self, AppError> {
        let (hours_enabled, time_zone, hours, offline_message, follow_up_delay_seconds, retention_days): (
            bool,
            String,
            serde_json::Value,
            String,
            i32,
            Option<i32>,
        ) = workspaces::table
            .find(workspace_id)
            .select((
                workspaces::hours_enabled,
                workspaces::time_zone,
                workspaces::business_hours,
                workspaces::offline_message,
                workspaces::followup_delay_seconds,
                workspaces::retention_days,
            ))
            .first(conn)?;
        Ok(Self { hours_enabled, time_zone, hours: hours_from_json(&hours), offline_message, follow_up_delay_seconds, retention_days })
    }

    pub fn save(&self, conn: &mut PgConnection, workspace_id: WorkspaceId) -> Result<(), AppError> {
        diesel::update(workspaces::table.find(workspace_id))
            .set((
                workspaces::hours_enabled.eq(self.hours_enabled),
                workspaces::time_zone.eq(&self.time_zone),
                workspaces::business_hours.eq(hours_to_json(&self.hours)),
                workspaces::offline_message.eq(&self.offline_message),
                workspaces::followup_delay_seconds.eq(self.follow_up_delay_seconds),
                workspaces::retention_days.eq(self.retention_days),
                workspaces::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        Ok(())
    }

    /// Whether `at` falls inside the business hours; always true when hours are off. An unknown
    /// time zone (removed from the system's database since) counts as UTC.
    pub fn within_hours(&self, at: OffsetDateTime) -> bool {
        if !self.hours_enabled {
            return true;
        }
        let zone = jiff::tz::TimeZone::get(&self.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let Ok(timestamp) = jiff::Timestamp::from_second(at.unix_timestamp()) else { return true };
        let local = timestamp.to_zoned(zone);
        let day = local.weekday().to_monday_zero_offset() as usize;
        let minute = local.hour() as u16 * 60 + local.minute() as u16;
        matches!(self.hours.get(day), Some(Some((open, close))) if *open <= minute && minute < *close)
    }

    pub fn public(&self, at: OffsetDateTime) -> PublicAvailability {
        PublicAvailability { within_hours: self.within_hours(at), offline_message: self.offline_message.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weekdays_nine_to_five(zone: &str) -> Availability {
        Availability {
            hours_enabled: true,
            time_zone: zone.into(),
            hours: [Some((540, 1020)), Some((540, 1020)), Some((540, 1020)), Some((540, 1020)), Some((540, 1020)), None, None],
            offline_message: String::new(),
            follow_up_delay_seconds: 120,
            retention_days: None,
        }
    }

    fn at(text: &str) -> OffsetDateTime {
        OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).expect("time")
    }

    #[test]
    fn hours_are_read_in_the_workspace_time_zone() {
        let paris = weekdays_nine_to_five("Europe/Paris");
        // Monday 2026-11-30, 08:30 UTC is 09:30 in Paris (UTC+1 in winter).
        assert!(paris.within_hours(at("2026-11-30T08:30:00Z")));
        // 07:30 UTC is 08:30 in Paris: not yet open.
        assert!(!paris.within_hours(at("2026-11-30T07:30:00Z")));
        // 16:00 UTC is 17:00: closed (closing time is exclusive).
        assert!(!paris.within_hours(at("2026-11-30T16:00:00Z")));
        // Saturday.
        assert!(!paris.within_hours(at("2026-12-05T10:00:00Z")));
        // Summer time: 2026-07-06 is a Monday, Paris is UTC+2, 07:30 UTC is 09:30.
        assert!(paris.within_hours(at("2026-07-06T07:30:00Z")));
    }

    #[test]
    fn hours_off_means_always_open() {
        let mut always = weekdays_nine_to_five("UTC");
        always.hours_enabled = false;
        assert!(always.within_hours(at("2026-12-05T03:00:00Z")));
    }

    #[test]
    fn clocks_and_time_zones_are_validated() {
        assert_eq!(parse_clock("09:30"), Some(570));
        assert_eq!(parse_clock("24:00"), Some(1440));
        assert_eq!(parse_clock("24:01"), None);
        assert_eq!(parse_clock("9"), None);
        assert_eq!(format_clock(570), "09:30");
        assert!(validate_time_zone("America/New_York").is_ok());
        assert!(validate_time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn stored_hours_round_trip_and_bad_json_means_closed() {
        let hours = weekdays_nine_to_five("UTC").hours;
        assert_eq!(hours_from_json(&hours_to_json(&hours)), hours);
        assert_eq!(hours_from_json(&serde_json::json!([[600, 500], "x"])), [None; 7]);
    }
}
