//! The report's tables as CSV downloads: the same rows the page shows, with durations in
//! seconds beside their human form, for a spreadsheet.
//!
//! A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be read by a
//! spreadsheet as a formula (a visitor's comment `=HYPERLINK(...)`), so it is written with a
//! single quote in front ([`safe_cell`]).

use std::borrow::Cow;

use super::{Durations, Summary};
use crate::{error::AppError, reports::charts::human_duration, workspaces::availability::WEEKDAYS};

/// The tables a report downloads, as their file names say them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Days,
    ResponseTimes,
    Ratings,
    Comments,
    Agents,
    BusiestHours,
}

impl Table {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "days" => Self::Days,
            "response_times" => Self::ResponseTimes,
            "ratings" => Self::Ratings,
            "comments" => Self::Comments,
            "agents" => Self::Agents,
            "busiest_hours" => Self::BusiestHours,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Days => "days",
            Self::ResponseTimes => "response_times",
            Self::Ratings => "ratings",
            Self::Comments => "comments",
            Self::Agents => "agents",
            Self::BusiestHours => "busiest_hours",
        }
    }

    /// `parlor-days-2026-03-01-2026-03-07.csv`.
    pub fn file_name(self, summary: &Summary) -> String {
        format!("parlor-{}-{}-{}.csv", self.as_str(), summary.from, summary.to)
    }
}

/// A cell as a spreadsheet may open it: text a spreadsheet would run as a formula gets a single
/// quote in front.
pub fn safe_cell(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

fn optional_seconds(seconds: Option<i64>) -> [String; 2] {
    match seconds {
        Some(s) => [s.to_string(), human_duration(s)],
        None => [String::new(), String::new()],
    }
}

fn duration_cells(durations: &Durations) -> Vec<String> {
    let mut cells = vec![durations.count.to_string()];
    cells.extend(optional_seconds(durations.median_seconds));
    cells.extend(optional_seconds(durations.p90_seconds));
    cells
}

fn percent(satisfied: i64, ratings: i64) -> String {
    if ratings > 0 { format!("{:.1}", satisfied as f64 * 100.0 / ratings as f64) } else { String::new() }
}

/// The rows of `table`, header first, every cell as text.
pub fn rows(table: Table, summary: &Summary) -> Vec<Vec<String>> {
    let header = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    let duration_header = ["count", "median_seconds", "median", "p90_seconds", "p90"];
    match table {
        Table::Days => {
            let mut rows = vec![header(&["date", "started", "resolved", "still_open"])];
            rows.extend(
                summary
                    .days
                    .iter()
                    .map(|d| vec![d.date.to_string(), d.started.to_string(), d.resolved.to_string(), d.still_open.to_string()]),
            );
            rows
        }
        Table::ResponseTimes => {
            let mut first = vec!["measure".to_string()];
            first.extend(duration_header.iter().map(|n| n.to_string()));
            let mut rows = vec![first];
            for (name, durations) in [("first_response", &summary.first_response), ("resolution", &summary.resolution)] {
                let mut row = vec![name.to_string()];
                row.extend(duration_cells(durations));
                rows.push(row);
            }
            rows
        }
        Table::Ratings => {
            let mut rows = vec![header(&["score", "ratings"])];
            rows.extend(summary.csat.distribution.iter().enumerate().map(|(i, n)| vec![(i + 1).to_string(), n.to_string()]));
            rows
        }
        Table::Comments => {
            let mut rows = vec![header(&["rated_at", "score", "comment", "contact", "conversation_id"])];
            rows.extend(summary.csat.latest_comments.iter().map(|c| {
                vec![
                    c.rated_at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
                    c.score.to_string(),
                    c.comment.clone(),
                    c.contact_name.clone().unwrap_or_default(),
                    c.conversation_id.to_string(),
                ]
            }));
            rows
        }
        Table::Agents => {
            let mut first = header(&["agent", "user_id", "conversations", "replies"]);
            first.extend(duration_header.iter().map(|n| format!("first_response_{n}")));
            first.extend(duration_header.iter().map(|n| format!("resolution_{n}")));
            first.extend(header(&["ratings", "satisfied", "csat_percent"]));
            let mut rows = vec![first];
            rows.extend(summary.agents.iter().map(|a| {
                let mut row = vec![
                    a.name.clone(),
                    a.user_id.to_string(),
                    a.conversations.to_string(),
                    a.replies.map(|n| n.to_string()).unwrap_or_default(),
                ];
                row.extend(duration_cells(&a.first_response));
                row.extend(duration_cells(&a.resolution));
                row.extend([a.ratings.to_string(), a.satisfied.to_string(), percent(a.satisfied, a.ratings)]);
                row
            }));
            rows
        }
        Table::BusiestHours => {
            let mut first = vec!["day".to_string()];
            first.extend((0..24).map(|h| format!("{h:02}:00")));
            let mut rows = vec![first];
            rows.extend(summary.busiest_hours.iter().zip(WEEKDAYS).map(|(hours, day)| {
                let mut row = vec![day.to_string()];
                row.extend(hours.iter().map(i64::to_string));
                row
            }));
            rows
        }
    }
}

/// The CSV file of `table`, every cell made safe for a spreadsheet.
pub fn render(table: Table, summary: &Summary) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows(table, summary) {
        writer.write_record(row.iter().map(|cell| safe_cell(cell).into_owned())).map_err(AppError::internal)?;
    }
    writer.into_inner().map_err(|e| AppError::internal(anyhow::anyhow!("writing a CSV: {e}")))
}

#[cfg(test)]
pub(crate) mod tests {
    use time::macros::{date, datetime};
    use uuid::Uuid;

    use super::*;
    use crate::reports::{AgentRow, Csat, DayCounts, RatingComment};

    /// A week of figures as the queries would give them.
    pub(crate) fn summary() -> Summary {
        let mut busiest_hours = [[0; 24]; 7];
        busiest_hours[0][9] = 4;
        busiest_hours[4][16] = 2;
        Summary {
            from: date!(2026 - 03 - 02),
            to: date!(2026 - 03 - 03),
            time_zone: "Europe/Paris".into(),
            business_hours: true,
            days: vec![
                DayCounts { date: date!(2026 - 03 - 02), started: 4, resolved: 3, still_open: 1 },
                DayCounts { date: date!(2026 - 03 - 03), started: 2, resolved: 0, still_open: 2 },
            ],
            first_response: Durations { count: 5, median_seconds: Some(240), p90_seconds: Some(7800) },
            resolution: Durations { count: 3, median_seconds: Some(97_200), p90_seconds: None },
            csat: Csat {
                ratings: 4,
                satisfied: 3,
                distribution: [1, 0, 0, 1, 2],
                latest_comments: vec![
                    RatingComment {
                        conversation_id: Uuid::nil(),
                        score: 1,
                        comment: "=HYPERLINK(\"http://evil.example\",\"click\")".into(),
                        rated_at: datetime!(2026-03-03 10:00 UTC),
                        contact_name: Some("@mallory".into()),
                    },
                    RatingComment {
                        conversation_id: Uuid::max(),
                        score: 5,
                        comment: "Quick, thanks, \"great\"".into(),
                        rated_at: datetime!(2026-03-02 09:00 UTC),
                        contact_name: None,
                    },
                ],
            },
            agents: vec![AgentRow {
                user_id: Uuid::nil(),
                name: "Grace Hopper".into(),
                conversations: 6,
                replies: Some(11),
                first_response: Durations { count: 5, median_seconds: Some(240), p90_seconds: Some(7800) },
                resolution: Durations::default(),
                ratings: 4,
                satisfied: 3,
            }],
            busiest_hours,
        }
    }

    fn text(table: Table) -> String {
        String::from_utf8(render(table, &summary()).unwrap()).unwrap()
    }

    #[test]
    fn formulas_are_quoted_away() {
        for dangerous in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(safe_cell(dangerous), format!("'{dangerous}"));
        }
        for harmless in ["", "hello", "1", "a=b", " =x"] {
            assert_eq!(safe_cell(harmless), harmless);
        }
    }

    #[test]
    fn days_have_one_row_each() {
        assert_eq!(text(Table::Days), "date,started,resolved,still_open\n2026-03-02,4,3,1\n2026-03-03,2,0,2\n");
    }

    #[test]
    fn durations_come_in_seconds_and_in_words() {
        assert_eq!(
            text(Table::ResponseTimes),
            "measure,count,median_seconds,median,p90_seconds,p90\nfirst_response,5,240,4m,7800,2h 10m\nresolution,3,97200,1d 3h,,\n"
        );
    }

    #[test]
    fn comments_are_escaped_for_csv_and_for_spreadsheets() {
        let comments = text(Table::Comments);
        let lines: Vec<&str> = comments.lines().collect();
        assert_eq!(lines[0], "rated_at,score,comment,contact,conversation_id");
        assert_eq!(
            lines[1],
            "2026-03-03T10:00:00Z,1,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",'@mallory,00000000-0000-0000-0000-000000000000"
        );
        assert_eq!(lines[2], "2026-03-02T09:00:00Z,5,\"Quick, thanks, \"\"great\"\"\",,ffffffff-ffff-ffff-ffff-ffffffffffff");
    }

    #[test]
    fn agents_and_ratings_and_hours() {
        let agents = text(Table::Agents);
        assert!(agents.starts_with("agent,user_id,conversations,replies,first_response_count,first_response_median_seconds,"), "{agents}");
        assert!(
            agents.contains("\nGrace Hopper,00000000-0000-0000-0000-000000000000,6,11,5,240,4m,7800,2h 10m,0,,,,,4,3,75.0\n"),
            "{agents}"
        );
        assert_eq!(text(Table::Ratings), "score,ratings\n1,1\n2,0\n3,0\n4,1\n5,2\n");
        let hours = text(Table::BusiestHours);
        assert!(hours.starts_with("day,00:00,01:00,"), "{hours}");
        assert!(hours.contains("\nMonday,0,0,0,0,0,0,0,0,0,4,0,"), "{hours}");
        assert_eq!(hours.lines().count(), 8);
    }

    #[test]
    fn tables_are_named_as_their_files() {
        for table in [Table::Days, Table::ResponseTimes, Table::Ratings, Table::Comments, Table::Agents, Table::BusiestHours] {
            assert_eq!(Table::parse(table.as_str()), Some(table));
        }
        assert_eq!(Table::parse("users"), None);
        assert_eq!(Table::Days.file_name(&summary()), "parlor-days-2026-03-02-2026-03-03.csv");
    }
}
