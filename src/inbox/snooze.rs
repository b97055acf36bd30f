//! When a snoozed conversation wakes: the snooze menu's presets and the custom time an agent
//! types in their own time zone, turned into a moment in UTC within the coming year.
//!
//! Everything here comes from a form, so it is range-checked before any arithmetic: a year far
//! from now or an offset outside real time zones is refused with a message, and every step that
//! moves a date is checked, so that no input can overflow the date type.

use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset, format_description::FormatItem, macros::format_description};

use crate::error::AppError;

/// The furthest a snooze may reach.
pub const MAX_SNOOZE: Duration = Duration::days(366);
/// The largest offset from UTC an agent's time zone may claim, in minutes either way. Real zones
/// span UTC-12:00 to UTC+14:00; the margin costs nothing.
pub const MAX_OFFSET_MINUTES: i32 = 18 * 60;
/// How a custom time is typed (`<input type="datetime-local">`): `2026-12-05T09:30`.
pub const LOCAL_FORMAT: &[FormatItem<'static>] = format_description!("[year]-[month]-[day]T[hour]:[minute]");

const COMING_YEAR: &str = "Snooze until a time in the coming year.";

/// The moment to wake a conversation snoozed with `choice` (`1h`, `4h`, `1d`, `1w`, or `custom`
/// with `until` typed at `offset_minutes` east of UTC), after `now` and at most [`MAX_SNOOZE`]
/// later.
pub fn wake_time(choice: &str, until: Option<&str>, offset_minutes: Option<i32>, now: OffsetDateTime) -> Result<OffsetDateTime, AppError> {
    let wake = match choice {
        "1h" => now.checked_add(Duration::hours(1)),
        "4h" => now.checked_add(Duration::hours(4)),
        "1d" => now.checked_add(Duration::days(1)),
        "1w" => now.checked_add(Duration::weeks(1)),
        "custom" => Some(custom_time(until.unwrap_or(""), offset_minutes.unwrap_or(0), now)?),
        _ => return Err(AppError::bad_request("Choose how long to snooze.")),
    };
    match (wake, now.checked_add(MAX_SNOOZE)) {
        (Some(wake), Some(latest)) if wake > now && wake <= latest => Ok(wake),
        _ => Err(AppError::bad_request(COMING_YEAR)),
    }
}

/// A local date and time typed by the agent, as UTC.
fn custom_time(text: &str, offset_minutes: i32, now: OffsetDateTime) -> Result<OffsetDateTime, AppError> {
    if !(-MAX_OFFSET_MINUTES..=MAX_OFFSET_MINUTES).contains(&offset_minutes) {
        return Err(AppError::bad_request(format!(
            "offset_minutes is your time zone's offset from UTC in minutes, from -{MAX_OFFSET_MINUTES} to {MAX_OFFSET_MINUTES}."
        )));
    }
    let local =
        PrimitiveDateTime::parse(text, LOCAL_FORMAT).map_err(|_| AppError::bad_request("Choose a date and time to snooze until."))?;
    // Refused before the conversion to UTC, which cannot then leave the date type's range.
    if local.year().abs_diff(now.year()) > 1 {
        return Err(AppError::bad_request(COMING_YEAR));
    }
    let offset = UtcOffset::from_whole_seconds(offset_minutes * 60).map_err(|_| AppError::bad_request(COMING_YEAR))?;
    local.assume_offset(offset).checked_to_offset(UtcOffset::UTC).ok_or_else(|| AppError::bad_request(COMING_YEAR))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-30 12:00 UTC);

    fn message(result: Result<OffsetDateTime, AppError>) -> String {
        result.err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn presets_and_custom_times_give_a_moment_in_the_coming_year() {
        assert_eq!(wake_time("1h", None, None, NOW).ok(), Some(NOW + Duration::hours(1)));
        assert_eq!(wake_time("1w", None, None, NOW).ok(), Some(NOW + Duration::weeks(1)));
        let wake = wake_time("custom", Some("2026-12-05T09:00"), Some(120), NOW).ok();
        assert_eq!(wake, Some(datetime!(2026-12-05 07:00 UTC)), "09:00 at UTC+2 is 07:00 UTC");
        assert_eq!(message(wake_time("forever", None, None, NOW)), "Choose how long to snooze.");
        assert_eq!(message(wake_time("custom", Some("2001-01-01T09:00"), None, NOW)), COMING_YEAR);
        assert_eq!(message(wake_time("custom", Some("tomorrow"), None, NOW)), "Choose a date and time to snooze until.");
    }

    #[test]
    fn dates_and_offsets_at_the_ends_of_their_ranges_are_refused_not_overflowed() {
        for (until, offset) in
            [("9999-12-31T23:59", -1080), ("9999-12-31T23:59", 0), ("-9999-01-01T00:00", 1080), ("0000-01-01T00:00", 1080)]
        {
            assert_eq!(message(wake_time("custom", Some(until), Some(offset), NOW)), COMING_YEAR, "{until} at {offset}");
        }
        for offset in [i32::MIN, -1081, 1081, i32::MAX] {
            let refused = message(wake_time("custom", Some("2026-12-05T09:00"), Some(offset), NOW));
            assert!(refused.starts_with("offset_minutes is your time zone's offset"), "{offset}: {refused}");
        }
        let end_of_time = datetime!(9999-12-31 23:00 UTC);
        assert_eq!(message(wake_time("1w", None, None, end_of_time)), COMING_YEAR);
    }
}
