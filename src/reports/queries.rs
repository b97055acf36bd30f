//! The report's queries: each one range of an index over one workspace, never a scan of its
//! messages or of conversations outside the range.
//!
//! Counts by time are read in quarter-hour buckets (every time zone's offset is a whole number
//! of quarter hours) and placed on local days and hours here, with the same time-zone database
//! the rest of Parlor uses; durations are computed here from the two stamps of each
//! conversation in the range, so that business hours can be counted ([`super::business`]).
//!
//! One agent's figures (the `agent` filter, and each row of the agents' table) are their own
//! work: conversations assigned to them, the conversations they answered first, those resolved
//! while theirs, their replies, and ratings given while the conversation was theirs.
//!
//! Replies are not read from messages but from the counts the message writer keeps per member
//! and quarter hour (`agent_reply_counts`); they are not counted by label.

use std::collections::{BTreeMap, HashMap};

use diesel::{
    prelude::*,
    sql_types::{BigInt, Bool, Nullable, SmallInt, Text, Timestamptz, Uuid as SqlUuid},
};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{AgentRow, Csat, DayCounts, Durations, Filter, LATEST_COMMENTS, Range, RatingComment, Summary, business::Clock};
use crate::{
    db::{WorkspaceId, schema::memberships, schema::users},
    error::AppError,
    workspaces::availability::Availability,
};

/// Shown for figures of someone no longer a member.
pub const FORMER_MEMBER: &str = "Former member";

/// The filter's clauses over a table aliased `c` (a conversation) or `m`/`r` (a row naming its
/// conversation): `$4` is the agent, `$5` the label.
fn filter_sql(agent_column: &str, conversation_column: &str) -> String {
    format!(
        "AND ($4::uuid IS NULL OR {agent_column} = $4) \
         AND ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM conversation_labels l \
              WHERE l.conversation_id = {conversation_column} AND l.label_id = $5 AND l.workspace_id = $1))"
    )
}

/// A group of the conversations started in the range: a quarter hour's, or an assignee's.
#[derive(QueryableByName)]
struct Started {
    #[diesel(sql_type = Nullable<Timestamptz>)]
    at: Option<OffsetDateTime>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    user_id: Option<Uuid>,
    #[diesel(sql_type = Bool)]
    by_assignee: bool,
    #[diesel(sql_type = BigInt)]
    started: i64,
    #[diesel(sql_type = BigInt)]
    still_open: i64,
}

#[derive(QueryableByName)]
struct PerUser {
    #[diesel(sql_type = Nullable<SqlUuid>)]
    user_id: Option<Uuid>,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

#[derive(QueryableByName)]
struct Stamped {
    #[diesel(sql_type = Timestamptz)]
    started_at: OffsetDateTime,
    #[diesel(sql_type = Timestamptz)]
    at: OffsetDateTime,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    by: Option<Uuid>,
}

#[derive(QueryableByName)]
struct Scores {
    #[diesel(sql_type = Nullable<SqlUuid>)]
    agent_id: Option<Uuid>,
    #[diesel(sql_type = SmallInt)]
    score: i16,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

#[derive(QueryableByName)]
struct CommentRow {
    #[diesel(sql_type = SqlUuid)]
    conversation_id: Uuid,
    #[diesel(sql_type = SmallInt)]
    score: i16,
    #[diesel(sql_type = Text)]
    comment: String,
    #[diesel(sql_type = Timestamptz)]
    rated_at: OffsetDateTime,
    #[diesel(sql_type = Nullable<Text>)]
    contact_name: Option<String>,
}

/// Runs one of the report's statements with the workspace, the range's instants and the filter
/// bound as `$1` to `$5`.
fn bound(
    sql: String,
    workspace_id: WorkspaceId,
    (start, end): (OffsetDateTime, OffsetDateTime),
    filter: Filter,
) -> diesel::query_builder::BoxedSqlQuery<'static, diesel::pg::Pg, diesel::query_builder::SqlQuery> {
    diesel::sql_query(sql)
        .into_boxed()
        .bind::<SqlUuid, _>(workspace_id)
        .bind::<Timestamptz, _>(start)
        .bind::<Timestamptz, _>(end)
        .bind::<Nullable<SqlUuid>, _>(filter.agent.map(|agent| agent.0))
        .bind::<Nullable<SqlUuid>, _>(filter.label.map(|label| label.0))
}

/// The conversations whose stamp (`first_reply_at` or `resolved_at`, with who made it) falls in
/// the range, each with its start: one index-only scan of that stamp's partial index.
fn stamped(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    instants: (OffsetDateTime, OffsetDateTime),
    filter: Filter,
    (at, by): (&str, &str),
) -> Result<Vec<Stamped>, AppError> {
    Ok(bound(
        format!(
            "SELECT c.created_at AS started_at, c.{at} AS at, c.{by} AS by FROM conversations c \
             WHERE c.workspace_id = $1 AND c.{at} >= $2 AND c.{at} < $3 {}",
            filter_sql(&format!("c.{by}"), "c.id")
        ),
        workspace_id,
        instants,
        filter,
    )
    .load(conn)?)
}

/// The first instant of local day `date` in the clock's zone (its first valid time, where a
/// daylight-saving change skips midnight).
fn start_of_day(clock: &Clock, date: Date) -> Result<OffsetDateTime, AppError> {
    let civil = jiff::civil::Date::new(date.year() as i16, u8::from(date.month()) as i8, date.day() as i8)
        .map_err(|error| AppError::bad_request(format!("{date} is not a date: {error}")))?;
    let zoned = civil.to_zoned(clock.zone().clone()).map_err(|error| AppError::bad_request(format!("{date} is out of range: {error}")))?;
    OffsetDateTime::from_unix_timestamp(zoned.timestamp().as_second()).map_err(AppError::internal)
}

/// The report of `workspace_id` over `range` for `filter`.
pub fn summary(conn: &mut PgConnection, workspace_id: WorkspaceId, range: &Range, filter: Filter) -> Result<Summary, AppError> {
    let availability = Availability::load(conn, workspace_id)?;
    let mut clock = Clock::of(&availability);
    if range.time_zone != availability.time_zone {
        // The caller chose another zone: days are that zone's, hours stay the workspace's.
        let zone = jiff::tz::TimeZone::get(&range.time_zone)
            .map_err(|_| AppError::bad_request(format!("{:?} is not a time zone.", range.time_zone)))?;
        clock = if availability.hours_enabled { Clock::business_hours(zone, availability.hours) } else { Clock::every_hour(zone) };
    }
    let end_date = range.to.next_day().ok_or_else(|| AppError::bad_request("The range ends too late."))?;
    let instants = (start_of_day(&clock, range.from)?, start_of_day(&clock, end_date)?);
    let day_index = |date: Date| -> Option<usize> {
        let index = (date - range.from).whole_days();
        (date >= range.from && date <= range.to).then_some(index as usize)
    };
    let mut days: Vec<DayCounts> = std::iter::successors(Some(range.from), |day| day.next_day().filter(|next| *next <= range.to))
        .map(|date| DayCounts { date, started: 0, resolved: 0, still_open: 0 })
        .collect();
    let mut busiest_hours = [[0i64; 24]; 7];

    // One pass over the conversations started in the range, grouped twice: by quarter hour
    // (the days and the busiest hours) and by assignee (the agents' table).
    let started: Vec<Started> = bound(
        format!(
            "SELECT date_bin('15 minutes', c.created_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS at, c.assignee_id AS user_id, \
                    GROUPING(c.assignee_id) = 0 AS by_assignee, \
                    count(*) AS started, count(*) FILTER (WHERE c.status <> 'resolved') AS still_open \
             FROM conversations c \
             WHERE c.workspace_id = $1 AND c.created_at >= $2 AND c.created_at < $3 {} \
             GROUP BY GROUPING SETS ((1), (c.assignee_id))",
            filter_sql("c.assignee_id", "c.id")
        ),
        workspace_id,
        instants,
        filter,
    )
    .load(conn)?;
    let mut assigned = Vec::new();
    for group in &started {
        match (group.by_assignee, group.at) {
            (true, _) => assigned.push(PerUser { user_id: group.user_id, count: group.started }),
            (false, Some(at)) => {
                let local = clock.local(at);
                if let Some(day) = day_index(local.date()).and_then(|index| days.get_mut(index)) {
                    day.started += group.started;
                    day.still_open += group.still_open;
                }
                busiest_hours[local.weekday().number_days_from_monday() as usize][local.hour() as usize] += group.started;
            }
            (false, None) => {}
        }
    }

    let first_replies = stamped(conn, workspace_id, instants, filter, ("first_reply_at", "first_reply_by"))?;
    let resolutions = stamped(conn, workspace_id, instants, filter, ("resolved_at", "resolved_by"))?;
    for resolution in &resolutions {
        if let Some(day) = day_index(clock.local(resolution.at).date()).and_then(|index| days.get_mut(index)) {
            day.resolved += 1;
        }
    }

    // Counted by the writer per quarter hour; not by label (a label says nothing of when a
    // reply was sent, and counting the messages of its conversations would be a scan).
    let replies: Option<Vec<PerUser>> = match filter.label {
        Some(_) => None,
        None => Some(
            bound(
                "SELECT r.user_id, sum(r.replies)::int8 AS count FROM agent_reply_counts r \
                 WHERE r.workspace_id = $1 AND r.quarter >= $2 AND r.quarter < $3 AND ($4::uuid IS NULL OR r.user_id = $4) \
                   AND $5::uuid IS NULL \
                 GROUP BY 1"
                    .to_string(),
                workspace_id,
                instants,
                filter,
            )
            .load(conn)?,
        ),
    };

    let scores: Vec<Scores> = bound(
        format!(
            "SELECT r.agent_id, r.score, count(*) AS count FROM conversation_ratings r \
             WHERE r.workspace_id = $1 AND r.rated_at >= $2 AND r.rated_at < $3 {} \
             GROUP BY 1, 2",
            filter_sql("r.agent_id", "r.conversation_id")
        ),
        workspace_id,
        instants,
        filter,
    )
    .load(conn)?;

    let comments: Vec<CommentRow> = bound(
        format!(
            "SELECT r.conversation_id, r.score, r.comment, r.rated_at, p.name AS contact_name \
             FROM conversation_ratings r \
             JOIN conversations c ON c.id = r.conversation_id AND c.workspace_id = r.workspace_id \
             JOIN contacts p ON p.id = c.contact_id AND p.workspace_id = c.workspace_id \
             WHERE r.workspace_id = $1 AND r.rated_at >= $2 AND r.rated_at < $3 AND r.comment IS NOT NULL {} \
             ORDER BY r.rated_at DESC, r.conversation_id LIMIT {LATEST_COMMENTS}",
            filter_sql("r.agent_id", "r.conversation_id")
        ),
        workspace_id,
        instants,
        filter,
    )
    .load(conn)?;

    let mut csat = Csat::default();
    for row in &scores {
        if let Some(slot) = csat.distribution.get_mut((row.score - 1) as usize) {
            *slot += row.count;
        }
        csat.ratings += row.count;
        if row.score >= 4 {
            csat.satisfied += row.count;
        }
    }
    csat.latest_comments = comments
        .into_iter()
        .map(|row| RatingComment {
            conversation_id: row.conversation_id,
            score: row.score,
            comment: row.comment,
            rated_at: row.rated_at,
            contact_name: row.contact_name,
        })
        .collect();

    let first_response = durations(first_replies.iter().map(|row| clock.seconds_between(row.started_at, row.at)).collect());
    let resolution = durations(resolutions.iter().map(|row| clock.seconds_between(row.started_at, row.at)).collect());
    let agents = agent_rows(
        conn,
        workspace_id,
        filter,
        &clock,
        AgentFigures {
            assigned: &assigned,
            replies: replies.as_deref(),
            first_replies: &first_replies,
            resolutions: &resolutions,
            scores: &scores,
        },
    )?;

    Ok(Summary {
        from: range.from,
        to: range.to,
        time_zone: range.time_zone.clone(),
        business_hours: clock.counts_business_hours(),
        days,
        first_response,
        resolution,
        csat,
        agents,
        busiest_hours,
    })
}

/// The rows the agents' table is made from.
struct AgentFigures<'a> {
    assigned: &'a [PerUser],
    /// `None` under a label filter.
    replies: Option<&'a [PerUser]>,
    first_replies: &'a [Stamped],
    resolutions: &'a [Stamped],
    scores: &'a [Scores],
}

/// One row per member (only the filtered agent's, with a filter), and one per former member
/// whose work is in the range; by name.
fn agent_rows(
    conn: &mut PgConnection,
    workspace_id: WorkspaceId,
    filter: Filter,
    clock: &Clock,
    figures: AgentFigures<'_>,
) -> Result<Vec<AgentRow>, AppError> {
    let members: Vec<(Uuid, String)> = memberships::table
        .inner_join(users::table)
        .filter(memberships::workspace_id.eq(workspace_id))
        .select((users::id, users::name))
        .load(conn)?;
    let mut rows: BTreeMap<Uuid, AgentRow> = BTreeMap::new();
    for (user, _) in &members {
        row(&mut rows, *user);
    }
    for assigned in figures.assigned {
        if let Some(user) = assigned.user_id {
            row(&mut rows, user).conversations += assigned.count;
        }
    }
    for replies in figures.replies.unwrap_or_default() {
        if let Some(user) = replies.user_id {
            *row(&mut rows, user).replies.get_or_insert(0) += replies.count;
        }
    }
    if figures.replies.is_some() {
        for row in rows.values_mut() {
            row.replies.get_or_insert(0);
        }
    }
    for scores in figures.scores {
        if let Some(user) = scores.agent_id {
            let row = row(&mut rows, user);
            row.ratings += scores.count;
            if scores.score >= 4 {
                row.satisfied += scores.count;
            }
        }
    }
    let mut first_seconds: HashMap<Uuid, Vec<i64>> = HashMap::new();
    for stamped in figures.first_replies {
        if let Some(user) = stamped.by {
            first_seconds.entry(user).or_default().push(clock.seconds_between(stamped.started_at, stamped.at));
        }
    }
    let mut resolution_seconds: HashMap<Uuid, Vec<i64>> = HashMap::new();
    for stamped in figures.resolutions {
        if let Some(user) = stamped.by {
            resolution_seconds.entry(user).or_default().push(clock.seconds_between(stamped.started_at, stamped.at));
        }
    }
    for (user, seconds) in first_seconds {
        row(&mut rows, user).first_response = durations(seconds);
    }
    for (user, seconds) in resolution_seconds {
        row(&mut rows, user).resolution = durations(seconds);
    }
    let names: HashMap<Uuid, String> = members.into_iter().collect();
    let mut rows: Vec<AgentRow> = rows
        .into_values()
        .filter(|row| filter.agent.is_none_or(|agent| agent.0 == row.user_id))
        .map(|mut row| {
            row.name = names.get(&row.user_id).cloned().unwrap_or_else(|| FORMER_MEMBER.to_string());
            row
        })
        .collect();
    rows.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.user_id.cmp(&b.user_id)));
    Ok(rows)
}

/// The agents' table's row of `user`, empty until figures are added.
fn row(rows: &mut BTreeMap<Uuid, AgentRow>, user: Uuid) -> &mut AgentRow {
    rows.entry(user).or_insert_with(|| AgentRow {
        user_id: user,
        name: String::new(),
        conversations: 0,
        replies: None,
        first_response: Durations::default(),
        resolution: Durations::default(),
        ratings: 0,
        satisfied: 0,
    })
}

/// The median and 90th percentile of `seconds`, interpolated between the two nearest values
/// as Postgres' `percentile_cont` does, rounded to the second.
pub fn durations(mut seconds: Vec<i64>) -> Durations {
    if seconds.is_empty() {
        return Durations::default();
    }
    seconds.sort_unstable();
    Durations { count: seconds.len() as i64, median_seconds: Some(percentile(&seconds, 0.5)), p90_seconds: Some(percentile(&seconds, 0.9)) }
}

fn percentile(sorted: &[i64], fraction: f64) -> i64 {
    let position = fraction * (sorted.len() - 1) as f64;
    let (below, above) = (position.floor() as usize, position.ceil() as usize);
    let (low, high) = (sorted[below] as f64, sorted[above] as f64);
    (low + (high - low) * (position - below as f64)).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_like_postgres() {
        let spread = durations(vec![60, 10, 30, 20, 50, 40, 70, 80, 90, 100]);
        assert_eq!(spread, Durations { count: 10, median_seconds: Some(55), p90_seconds: Some(91) });
        assert_eq!(durations(vec![42]), Durations { count: 1, median_seconds: Some(42), p90_seconds: Some(42) });
        assert_eq!(durations(Vec::new()), Durations::default());
    }
}
