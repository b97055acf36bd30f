//! How long something took, as a report counts it: every second, or, when the workspace sets
//! business hours, only the seconds inside them, in the workspace's time zone.
//!
//! A duration is counted on local wall-clock time: both ends are turned into the workspace's
//! local date and time once, then the open hours of each day between them are added up, whole
//! weeks at a time. That is exact except when a daylight-saving change falls inside open
//! hours (an hour counted too many or too few that night), and it costs the same for a
//! conversation resolved in a minute as for one resolved after a year.

use jiff::tz::TimeZone;
use time::{OffsetDateTime, PrimitiveDateTime};

use crate::workspaces::availability::{Availability, DayHours};

const SECONDS_PER_DAY: i64 = 86_400;

/// Measures durations for one workspace's report.
#[derive(Clone, Debug)]
pub struct Clock {
    zone: TimeZone,
    /// Monday first; `None` counts every hour.
    hours: Option<[DayHours; 7]>,
}

impl Clock {
    /// Counts every second; local dates in `zone`.
    pub fn every_hour(zone: TimeZone) -> Self {
        Self { zone, hours: None }
    }

    /// Counts only `hours` (Monday first), read in `zone`.
    pub fn business_hours(zone: TimeZone, hours: [DayHours; 7]) -> Self {
        Self { zone, hours: Some(hours) }
    }

    /// The clock of a workspace's settings. An unknown time zone (removed from the database
    /// since it was chosen) counts as UTC, as the widget's availability does.
    pub fn of(availability: &Availability) -> Self {
        let zone = TimeZone::get(&availability.time_zone).unwrap_or(TimeZone::UTC);
        if availability.hours_enabled { Self::business_hours(zone, availability.hours) } else { Self::every_hour(zone) }
    }

    /// Whether durations count business hours only.
    pub fn counts_business_hours(&self) -> bool {
        self.hours.is_some()
    }

    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// The local date and time of `at`.
    pub fn local(&self, at: OffsetDateTime) -> PrimitiveDateTime {
        let Ok(timestamp) = jiff::Timestamp::from_second(at.unix_timestamp()) else {
            return PrimitiveDateTime::new(at.date(), at.time());
        };
        let offset = self.zone.to_offset(timestamp).seconds();
        let local = at.to_offset(time::UtcOffset::from_whole_seconds(offset).unwrap_or(time::UtcOffset::UTC));
        PrimitiveDateTime::new(local.date(), local.time())
    }

    /// The seconds from `start` to `end` this clock counts; none when `end` is not after
    /// `start`.
    pub fn seconds_between(&self, start: OffsetDateTime, end: OffsetDateTime) -> i64 {
        if end <= start {
            return 0;
        }
        match &self.hours {
            None => (end - start).whole_seconds(),
            Some(hours) => open_seconds_between(self.local(start), self.local(end), hours),
        }
    }
}

/// The seconds between two local times that fall inside `hours`.
fn open_seconds_between(start: PrimitiveDateTime, end: PrimitiveDateTime, hours: &[DayHours; 7]) -> i64 {
    if end <= start {
        return 0;
    }
    let (first, last) = (start.date().to_julian_day(), end.date().to_julian_day());
    if first == last {
        return open_seconds_of_day(hours, first, second_of_day(start), second_of_day(end));
    }
    let mut total =
        open_seconds_of_day(hours, first, second_of_day(start), SECONDS_PER_DAY) + open_seconds_of_day(hours, last, 0, second_of_day(end));
    let whole_days = (last - first - 1) as i64;
    let week: i64 = (0..7).map(|day| open_seconds_of_day(hours, first + 1 + day, 0, SECONDS_PER_DAY)).sum();
    total += whole_days / 7 * week;
    let rest_start = first + 1 + (whole_days / 7 * 7) as i32;
    for day in 0..(whole_days % 7) as i32 {
        total += open_seconds_of_day(hours, rest_start + day, 0, SECONDS_PER_DAY);
    }
    total
}

/// The open seconds of the day with Julian day number `day` between two of its seconds.
fn open_seconds_of_day(hours: &[DayHours; 7], day: i32, from: i64, to: i64) -> i64 {
    let Ok(date) = time::Date::from_julian_day(day) else { return 0 };
    match hours[date.weekday().number_days_from_monday() as usize] {
        Some((open, close)) => (to.min(i64::from(close) * 60) - from.max(i64::from(open) * 60)).max(0),
        None => 0,
    }
}

fn second_of_day(at: PrimitiveDateTime) -> i64 {
    i64::from(at.hour()) * 3600 + i64::from(at.minute()) * 60 + i64::from(at.second())
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn nine_to_five_weekdays() -> [DayHours; 7] {
        let day = Some((9 * 60, 17 * 60));
        [day, day, day, day, day, None, None]
    }

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").expect("Europe/Paris is in the bundled database")
    }

    #[test]
    fn every_hour_counts_wall_time() {
        let clock = Clock::every_hour(paris());
        assert_eq!(clock.seconds_between(datetime!(2026-11-27 16:00 UTC), datetime!(2026-11-30 08:00 UTC)), 64 * 3600);
        assert_eq!(clock.seconds_between(datetime!(2026-11-30 08:00 UTC), datetime!(2026-11-27 16:00 UTC)), 0);
    }

    #[test]
    fn business_hours_skip_nights_and_weekends() {
        let clock = Clock::business_hours(paris(), nine_to_five_weekdays());
        // Friday 2026-11-27 16:30 Paris (15:30 UTC) to Monday 09:45 Paris (08:45 UTC):
        // 30 minutes on Friday and 45 on Monday.
        assert_eq!(clock.seconds_between(datetime!(2026-11-27 15:30 UTC), datetime!(2026-11-30 08:45 UTC)), 75 * 60);
        // Asked at night, answered before opening: nothing counted.
        assert_eq!(clock.seconds_between(datetime!(2026-11-30 22:00 UTC), datetime!(2026-12-01 07:30 UTC)), 0);
        // Within one day.
        assert_eq!(clock.seconds_between(datetime!(2026-12-01 09:00 UTC), datetime!(2026-12-01 10:30 UTC)), 90 * 60);
    }

    #[test]
    fn whole_weeks_count_five_days_of_eight_hours() {
        let clock = Clock::business_hours(paris(), nine_to_five_weekdays());
        // Monday 09:00 Paris to Monday 09:00 Paris three weeks later.
        let start = datetime!(2026-11-30 08:00 UTC);
        assert_eq!(clock.seconds_between(start, datetime!(2026-12-21 08:00 UTC)), 3 * 5 * 8 * 3600);
        // And two days more: Monday and Tuesday whole.
        assert_eq!(clock.seconds_between(start, datetime!(2026-12-23 08:00 UTC)), (3 * 5 + 2) * 8 * 3600);
    }

    #[test]
    fn local_time_follows_the_zone() {
        let clock = Clock::every_hour(paris());
        let local = clock.local(datetime!(2026-07-01 22:30 UTC));
        assert_eq!((local.date(), local.hour(), local.minute()), (time::macros::date!(2026 - 07 - 02), 0, 30));
    }
}
