//! The inbox's keyset cursor and the snooze time parser, with "now" anywhere in the date type's
//! range: no panic, a cursor round-trips, and a snooze wakes after now, within the year, at the
//! moment the agent typed.

#![no_main]

use libfuzzer_sys::fuzz_target;
use parlor::{
    error::AppError,
    inbox::{
        queries::{CURSOR_YEARS, format_cursor, parse_cursor},
        snooze::{LOCAL_FORMAT, MAX_SNOOZE, wake_time},
    },
};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// -9999-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the ends of the date type.
const FIRST_SECOND: i64 = -377_705_116_800;
const LAST_SECOND: i64 = 253_402_300_799;

fuzz_target!(|input: (&str, &str, &str, Option<i32>, i64)| {
    let (cursor, choice, until, offset_minutes, seconds) = input;

    if let Some((at, id)) = parse_cursor(cursor) {
        assert_eq!(at.offset(), UtcOffset::UTC);
        assert!(CURSOR_YEARS.contains(&at.year()), "{cursor}");
        let written = format_cursor(at, id);
        assert_eq!(parse_cursor(&written), Some((at, id)), "{cursor} was written as {written}");
    }

    let now = OffsetDateTime::from_unix_timestamp(seconds.rem_euclid(LAST_SECOND - FIRST_SECOND + 1) + FIRST_SECOND)
        .expect("a second within the date type's range");
    match wake_time(choice, Some(until), offset_minutes, now) {
        Ok(wake) => {
            assert!(wake > now && wake - now <= MAX_SNOOZE, "{choice} {until} at {now} wakes at {wake}");
            if choice == "custom" {
                let offset = UtcOffset::from_whole_seconds(offset_minutes.unwrap_or(0) * 60).expect("an accepted offset is valid");
                let typed = PrimitiveDateTime::parse(until, LOCAL_FORMAT).expect("an accepted time parses");
                let local = wake.to_offset(offset);
                assert_eq!(PrimitiveDateTime::new(local.date(), local.time()), typed, "{until} at {offset}");
            }
        }
        Err(error) => assert!(matches!(error, AppError::BadRequest(_)), "{error:?}"),
    }
});
