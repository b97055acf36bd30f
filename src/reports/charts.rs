//! The report's charts as server-rendered SVG, drawn with plotters' SVG backend.
//!
//! plotters is built without its default features: no bitmap backend, no font files. Its SVG
//! backend writes text as `<text font-family="sans-serif">` for the browser to set, and every
//! colour as a presentation attribute (`fill=`, `stroke=`), never a `style=` attribute, so the
//! charts render under the dashboard's `style-src 'self'` policy. What plotters does not write
//! is added around its output ([`accessible`]): `role="img"`, a `<title>` and a `<desc>` named by
//! `aria-labelledby`, and a width of 100% over the `viewBox` so a chart scales to its box. The
//! page puts every chart's numbers in a table under it; a chart with nothing to show is `None`,
//! and the page says so in words instead.

use plotters::{
    coord::{Shift, ranged1d::SegmentValue},
    prelude::*,
    style::text_anchor::{HPos, Pos, VPos},
};
use time::Date;

use super::{Csat, DayCounts, Durations};
use crate::{error::AppError, workspaces::availability::WEEKDAYS};

/// The most days drawn as bars; a longer range is drawn as lines.
pub const MAX_BAR_DAYS: usize = 31;

const WIDTH: u32 = 520;
/// plotters sets SVG text at 1/1.24 of the size it is given: 21 makes 17 px, 19 makes 15 px.
const FONT: (&str, f64) = ("sans-serif", 21.0);
const SMALL_FONT: (&str, f64) = ("sans-serif", 19.0);
const INK: RGBColor = RGBColor(0x11, 0x18, 0x27);
const GRID: RGBColor = RGBColor(0xe5, 0xe7, 0xeb);
const STARTED: RGBColor = RGBColor(0x43, 0x38, 0xca);
const RESOLVED: RGBColor = RGBColor(0x16, 0xa3, 0x4a);
const STILL_OPEN: RGBColor = RGBColor(0xd9, 0x77, 0x06);
const MEDIAN: RGBColor = RGBColor(0x43, 0x38, 0xca);
const P90: RGBColor = RGBColor(0xa5, 0xb4, 0xfc);
/// Scores 1 to 5, from unhappy red to happy green.
const SCORES: [RGBColor; 5] = [
    RGBColor(0xdc, 0x26, 0x26),
    RGBColor(0xf9, 0x73, 0x16),
    RGBColor(0xea, 0xb3, 0x08),
    RGBColor(0x84, 0xcc, 0x16),
    RGBColor(0x16, 0xa3, 0x4a),
];
/// The heat grid's discrete scale: no conversations, then four steps up to the busiest hour.
pub const HEAT: [RGBColor; 5] = [
    RGBColor(0xf1, 0xf5, 0xf9),
    RGBColor(0xc7, 0xd2, 0xfe),
    RGBColor(0x81, 0x8c, 0xf8),
    RGBColor(0x4f, 0x46, 0xe5),
    RGBColor(0x31, 0x2e, 0x81),
];

fn drawing_failed(error: impl std::fmt::Display) -> AppError {
    AppError::internal(anyhow::anyhow!("drawing a report chart: {error}"))
}

/// A duration as people read it: `45s`, `4m`, `2h 10m`, `1d 3h`.
pub fn human_duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (days, hours, minutes) = (seconds / 86_400, seconds % 86_400 / 3600, seconds % 3600 / 60);
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{seconds}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

/// A day as an axis shows it: `Mar 4`.
pub fn short_date(date: Date) -> String {
    let month = date.month().to_string();
    format!("{} {}", &month[..3.min(month.len())], date.day())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// plotters' drawing with what assistive technology and a narrow screen need: its fixed
/// `width`/`height` become a width of 100% over the same `viewBox`, and it gains `role="img"`,
/// a `<title>` and a `<desc>`.
fn accessible(svg: &str, id: &str, title: &str, description: &str, (width, height): (u32, u32)) -> Result<String, AppError> {
    let body_start = svg.find('>').ok_or_else(|| drawing_failed("no <svg> element"))? + 1;
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" class=\"chart\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" id=\"{id}\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{}",
        escape(title),
        escape(description),
        &svg[body_start..]
    ))
}

/// Draws on a `size` canvas and returns the SVG text.
fn draw(size: (u32, u32), paint: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), AppError>) -> Result<String, AppError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        paint(&root)?;
        root.present().map_err(drawing_failed)?;
    }
    Ok(svg)
}

/// A row of coloured squares and their names, across the top of `area`.
fn legend(area: &DrawingArea<SVGBackend<'_>, Shift>, entries: &[(&str, RGBColor)]) -> Result<(), AppError> {
    let mut x = 12;
    for (name, color) in entries {
        area.draw(&Rectangle::new([(x, 8), (x + 16, 24)], color.filled())).map_err(drawing_failed)?;
        let style = TextStyle::from(FONT.into_font()).color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(name.to_string(), (x + 22, 16), style)).map_err(drawing_failed)?;
        // plotters' estimate of a label's width, with room to breathe.
        x += 22 + (name.chars().count() as i32) * 9 + 24;
    }
    Ok(())
}

/// A y axis that leaves room above the tallest bar for its number.
fn headroom(max: i64) -> i64 {
    (max + max / 5).max(max + 1).max(4)
}

/// (a) Conversations started, resolved and still open per day: grouped bars, or lines over a
/// long range. `None` when every count is zero.
pub fn days_chart(days: &[DayCounts]) -> Result<Option<String>, AppError> {
    let max = days.iter().map(|d| d.started.max(d.resolved).max(d.still_open)).max().unwrap_or(0);
    if max == 0 {
        return Ok(None);
    }
    let size = (WIDTH, 320);
    let count = days.len() as u32;
    let labels: Vec<String> = days.iter().map(|d| short_date(d.date)).collect();
    let svg = draw(size, |root| {
        let (top, plot) = root.split_vertically(36);
        legend(&top, &[("Started", STARTED), ("Resolved", RESOLVED), ("Still open", STILL_OPEN)])?;
        let mut chart = ChartBuilder::on(&plot)
            .margin_right(12)
            .margin_top(8)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d((0..count - 1).into_segmented(), 0..headroom(max))
            .map_err(drawing_failed)?;
        let date_label = |value: &SegmentValue<u32>| match value {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            SegmentValue::Last => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(labels.len().min(6))
            .y_labels(5)
            .x_label_formatter(&date_label)
            .label_style(SMALL_FONT.into_font().color(&INK))
            .draw()
            .map_err(drawing_failed)?;
        let series = [(STARTED, 0usize), (RESOLVED, 1), (STILL_OPEN, 2)];
        let value = |day: &DayCounts, which: usize| [day.started, day.resolved, day.still_open][which];
        if days.len() <= MAX_BAR_DAYS {
            let segment = chart.plotting_area().dim_in_pixel().0 / count.max(1);
            let pad = segment / 8;
            let bar = (segment - 2 * pad) / 3;
            for (color, which) in series {
                chart
                    .draw_series(days.iter().enumerate().map(|(i, day)| {
                        let i = i as u32;
                        let left = pad + bar * which as u32;
                        let right = segment.saturating_sub(left + bar);
                        let mut rect =
                            Rectangle::new([(SegmentValue::Exact(i), 0), (SegmentValue::Exact(i + 1), value(day, which))], color.filled());
                        rect.set_margin(0, 0, left, right);
                        rect
                    }))
                    .map_err(drawing_failed)?;
            }
        } else {
            for (color, which) in series {
                let points = days.iter().enumerate().map(|(i, day)| (SegmentValue::CenterOf(i as u32), value(day, which)));
                chart.draw_series(LineSeries::new(points, color.stroke_width(2))).map_err(drawing_failed)?;
            }
        }
        Ok(())
    })?;
    let (started, resolved): (i64, i64) = (days.iter().map(|d| d.started).sum(), days.iter().map(|d| d.resolved).sum());
    let description = format!(
        "{started} started and {resolved} resolved over {} days, from {} to {}; the table below gives each day.",
        days.len(),
        days.first().map(|d| d.date.to_string()).unwrap_or_default(),
        days.last().map(|d| d.date.to_string()).unwrap_or_default()
    );
    Ok(Some(accessible(&svg, "chart-days", "Conversations per day", &description, size)?))
}

/// (b) First response and resolution times, median against 90th percentile, as horizontal
/// bars labelled with human durations. `None` when neither was measured.
pub fn durations_chart(first_response: &Durations, resolution: &Durations) -> Result<Option<String>, AppError> {
    let rows = [("Resolution", resolution), ("First response", first_response)];
    let max = rows.iter().flat_map(|(_, d)| [d.median_seconds, d.p90_seconds]).flatten().max();
    let Some(max) = max else { return Ok(None) };
    // The axis counts in the unit that gives round steps: 0, 1, 2 days rather than 0, 100000 s.
    let (unit, suffix) = match max {
        m if m >= 2 * 86_400 => (86_400.0, "d"),
        m if m >= 2 * 3600 => (3600.0, "h"),
        m if m >= 120 => (60.0, "m"),
        _ => (1.0, "s"),
    };
    let in_units = |seconds: i64| seconds as f64 / unit;
    let size = (WIDTH, 240);
    let svg = draw(size, |root| {
        let (top, plot) = root.split_vertically(36);
        legend(&top, &[("Median", MEDIAN), ("90th percentile", P90)])?;
        let mut chart = ChartBuilder::on(&plot)
            .margin_right(16)
            .x_label_area_size(36)
            .y_label_area_size(150)
            // Room on the right of the longest bar for its label.
            .build_cartesian_2d(0.0..in_units(max) * 1.35, (0u32..1).into_segmented())
            .map_err(drawing_failed)?;
        let name = |value: &SegmentValue<u32>| match value {
            SegmentValue::CenterOf(i) => rows.get(*i as usize).map(|(n, _)| n.to_string()).unwrap_or_default(),
            _ => String::new(),
        };
        let axis_label = |value: &f64| format!("{}{suffix}", (value * 10.0).round() / 10.0);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK)
            .x_labels(4)
            .x_label_formatter(&axis_label)
            .y_label_formatter(&name)
            .label_style(SMALL_FONT.into_font().color(&INK))
            .draw()
            .map_err(drawing_failed)?;
        let segment = chart.plotting_area().dim_in_pixel().1 / 2;
        let pad = segment / 6;
        let bar = (segment - 2 * pad) / 2;
        for (row, (_, durations)) in rows.iter().enumerate() {
            let row = row as u32;
            for (which, (seconds, color)) in [(durations.median_seconds, MEDIAN), (durations.p90_seconds, P90)].into_iter().enumerate() {
                let Some(seconds) = seconds else { continue };
                // Segments grow upwards and margins count from the top: the median sits on top.
                let top_margin = pad + bar * which as u32;
                let bottom_margin = segment.saturating_sub(top_margin + bar);
                let mut rect =
                    Rectangle::new([(0.0, SegmentValue::Exact(row)), (in_units(seconds), SegmentValue::Exact(row + 1))], color.filled());
                rect.set_margin(top_margin, bottom_margin, 0, 0);
                chart.draw_series(std::iter::once(rect)).map_err(drawing_failed)?;
                let style = TextStyle::from(SMALL_FONT.into_font()).color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
                let label = EmptyElement::at((in_units(seconds), SegmentValue::Exact(row + 1)))
                    + Text::new(human_duration(seconds), (6, (top_margin + bar / 2) as i32), style);
                chart.draw_series(std::iter::once(label)).map_err(drawing_failed)?;
            }
        }
        Ok(())
    })?;
    let describe = |name: &str, d: &Durations| match (d.median_seconds, d.p90_seconds) {
        (Some(median), Some(p90)) => format!("{name}: median {}, 90th percentile {}.", human_duration(median), human_duration(p90)),
        _ => format!("{name}: not measured."),
    };
    let description = format!("{} {}", describe("First response", first_response), describe("Resolution", resolution));
    Ok(Some(accessible(&svg, "chart-durations", "First response and resolution times", &description, size)?))
}

/// (c) How many ratings of each score, 1 to 5. `None` without ratings.
pub fn csat_chart(csat: &Csat) -> Result<Option<String>, AppError> {
    if csat.ratings == 0 {
        return Ok(None);
    }
    let max = csat.distribution.iter().copied().max().unwrap_or(0);
    let size = (WIDTH, 260);
    let svg = draw(size, |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(12)
            .x_label_area_size(52)
            .y_label_area_size(44)
            .build_cartesian_2d((0u32..4).into_segmented(), 0..headroom(max))
            .map_err(drawing_failed)?;
        let score = |value: &SegmentValue<u32>| match value {
            SegmentValue::CenterOf(i) => format!("{}", i + 1),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .axis_style(INK)
            .y_labels(5)
            .x_label_formatter(&score)
            .x_desc("Score (1 unhappy, 5 happy)")
            .axis_desc_style(SMALL_FONT.into_font().color(&INK))
            .label_style(SMALL_FONT.into_font().color(&INK))
            .draw()
            .map_err(drawing_failed)?;
        let segment = chart.plotting_area().dim_in_pixel().0 / 5;
        let pad = segment / 5;
        for (i, (count, color)) in csat.distribution.iter().zip(SCORES).enumerate() {
            let i = i as u32;
            let mut rect = Rectangle::new([(SegmentValue::Exact(i), 0), (SegmentValue::Exact(i + 1), *count)], color.filled());
            rect.set_margin(0, 0, pad, pad);
            chart.draw_series(std::iter::once(rect)).map_err(drawing_failed)?;
            let style = TextStyle::from(SMALL_FONT.into_font()).color(&INK).pos(Pos::new(HPos::Center, VPos::Bottom));
            chart
                .draw_series(std::iter::once(Text::new(count.to_string(), (SegmentValue::CenterOf(i), *count), style)))
                .map_err(drawing_failed)?;
        }
        Ok(())
    })?;
    let counts: Vec<String> = csat.distribution.iter().enumerate().map(|(i, n)| format!("{n} rated {}", i + 1)).collect();
    let description = format!("{} ratings: {}.", csat.ratings, counts.join(", "));
    Ok(Some(accessible(&svg, "chart-csat", "Ratings by score", &description, size)?))
}

/// The step of the heat scale a count falls in: 0 for none, then 1 to 4 up to `max`.
pub fn heat_step(count: i64, max: i64) -> usize {
    if count <= 0 || max <= 0 { 0 } else { ((count * 4 + max - 1) / max).clamp(1, 4) as usize }
}

/// The counts each step of the heat scale covers, as the legend names them (`"1–3"`); steps
/// no count can fall in are left out.
pub fn heat_legend(max: i64) -> Vec<(usize, String)> {
    let mut steps = vec![(0, "0".to_string())];
    for step in 1..=4i64 {
        let (low, high) = (max * (step - 1) / 4 + 1, max * step / 4);
        if low > high {
            continue;
        }
        steps.push((step as usize, if low == high { low.to_string() } else { format!("{low}\u{2013}{high}") }));
    }
    steps
}

/// (d) Conversations started by day of the week and hour: a 7 × 24 grid on a discrete colour
/// scale with its legend. `None` when no conversation started.
pub fn hours_chart(grid: &[[i64; 24]; 7]) -> Result<Option<String>, AppError> {
    let max = grid.iter().flatten().copied().max().unwrap_or(0);
    if max == 0 {
        return Ok(None);
    }
    let size = (680, 330);
    let svg = draw(size, |root| {
        let (plot, bottom) = root.split_vertically(290);
        let mut chart = ChartBuilder::on(&plot)
            .margin_right(12)
            .margin_top(8)
            .x_label_area_size(32)
            .y_label_area_size(52)
            .build_cartesian_2d((0u32..23).into_segmented(), (0u32..6).into_segmented())
            .map_err(drawing_failed)?;
        let hour = |value: &SegmentValue<u32>| match value {
            SegmentValue::CenterOf(h) => format!("{h:02}"),
            _ => String::new(),
        };
        // Monday on top: segments grow upwards.
        let weekday = |value: &SegmentValue<u32>| match value {
            SegmentValue::CenterOf(row) => {
                WEEKDAYS.get(6usize.saturating_sub(*row as usize)).map(|d| d[..3].to_string()).unwrap_or_default()
            }
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .axis_style(TRANSPARENT)
            .set_all_tick_mark_size(0)
            .x_labels(12)
            .y_labels(7)
            .x_label_formatter(&hour)
            .y_label_formatter(&weekday)
            .label_style(SMALL_FONT.into_font().color(&INK))
            .draw()
            .map_err(drawing_failed)?;
        let cells = grid.iter().enumerate().flat_map(|(day, hours)| {
            let row = 6 - day as u32;
            hours.iter().enumerate().map(move |(hour, count)| {
                let hour = hour as u32;
                let mut rect = Rectangle::new(
                    [(SegmentValue::Exact(hour), SegmentValue::Exact(row)), (SegmentValue::Exact(hour + 1), SegmentValue::Exact(row + 1))],
                    HEAT[heat_step(*count, max)].filled(),
                );
                rect.set_margin(1, 1, 1, 1);
                rect
            })
        });
        chart.draw_series(cells).map_err(drawing_failed)?;
        let mut x = 52;
        let text = TextStyle::from(SMALL_FONT.into_font()).color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
        bottom.draw(&Text::new("Conversations:", (x, 20), text.clone())).map_err(drawing_failed)?;
        x += 130;
        for (step, name) in heat_legend(max) {
            bottom.draw(&Rectangle::new([(x, 10), (x + 20, 30)], HEAT[step].filled())).map_err(drawing_failed)?;
            bottom.draw(&Rectangle::new([(x, 10), (x + 20, 30)], GRID.stroke_width(1))).map_err(drawing_failed)?;
            bottom.draw(&Text::new(name.clone(), (x + 26, 20), text.clone())).map_err(drawing_failed)?;
            x += 26 + name.chars().count() as i32 * 9 + 24;
        }
        Ok(())
    })?;
    let (busiest_day, busiest_hour) = (0..7)
        .flat_map(|d| (0..24).map(move |h| (d, h)))
        .max_by_key(|(d, h)| (grid[*d][*h], std::cmp::Reverse((*d, *h))))
        .unwrap_or((0, 0));
    let description = format!(
        "The busiest hour is {} {:02}:00 with {max} conversations started; the table below gives every hour.",
        WEEKDAYS[busiest_day], busiest_hour
    );
    Ok(Some(accessible(&svg, "chart-hours", "Busiest hours", &description, size)?))
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn week() -> Vec<DayCounts> {
        (0..7)
            .map(|i| DayCounts { date: date!(2026 - 03 - 02) + time::Duration::days(i), started: i * 2, resolved: i, still_open: i % 3 })
            .collect()
    }

    /// What any chart must hold to be read by a screen reader and stay within the page's CSP.
    fn assert_accessible(svg: &str, id: &str, title: &str) {
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.contains("role=\"img\""), "{svg}");
        assert!(svg.contains(&format!("aria-labelledby=\"{id}-title {id}-desc\"")), "{svg}");
        assert!(svg.contains(&format!("<title id=\"{id}-title\">{title}</title>")), "{svg}");
        assert!(svg.contains(&format!("<desc id=\"{id}-desc\">")), "{svg}");
        assert!(svg.contains("viewBox=\"0 0 ") && svg.contains("width=\"100%\""), "{svg}");
        assert!(!svg.contains("height=\"") || !svg[..svg.find('>').unwrap()].contains("height="), "no fixed height on the root");
        assert!(!svg.contains("style="), "no style attributes: the CSP would drop them");
        assert!(svg.trim_end().ends_with("</svg>"), "{svg}");
    }

    #[test]
    fn durations_read_like_people_say_them() {
        assert_eq!(human_duration(0), "0s");
        assert_eq!(human_duration(45), "45s");
        assert_eq!(human_duration(240), "4m");
        assert_eq!(human_duration(7800), "2h 10m");
        assert_eq!(human_duration(7200), "2h");
        assert_eq!(human_duration(97_200), "1d 3h");
        assert_eq!(human_duration(86_400 * 3 + 59), "3d");
    }

    #[test]
    fn the_days_chart_has_a_title_a_legend_and_the_dates() {
        let svg = days_chart(&week()).unwrap().expect("a chart");
        assert_accessible(&svg, "chart-days", "Conversations per day");
        for text in ["Started", "Resolved", "Still open", "Mar 2", "Mar 8", "42 started and 21 resolved over 7 days"] {
            assert!(svg.contains(text), "{text} in {svg}");
        }
        assert!(svg.matches("<rect").count() >= 21, "three bars a day");
    }

    #[test]
    fn a_single_day_is_one_group_of_bars() {
        let svg = days_chart(&week()[1..2]).unwrap().expect("a chart");
        assert_accessible(&svg, "chart-days", "Conversations per day");
        assert!(svg.contains("Mar 3"), "{svg}");
    }

    #[test]
    fn a_long_range_is_drawn_as_lines() {
        let days: Vec<DayCounts> = (0..90)
            .map(|i| DayCounts { date: date!(2026 - 01 - 01) + time::Duration::days(i), started: i % 5, resolved: 1, still_open: 0 })
            .collect();
        let svg = days_chart(&days).unwrap().expect("a chart");
        assert_accessible(&svg, "chart-days", "Conversations per day");
        assert!(svg.matches("<polyline").count() >= 3, "{svg}");
    }

    #[test]
    fn durations_show_median_and_90th_percentile_in_words() {
        let first = Durations { count: 12, median_seconds: Some(240), p90_seconds: Some(7800) };
        let resolution = Durations { count: 10, median_seconds: Some(97_200), p90_seconds: Some(200_000) };
        let svg = durations_chart(&first, &resolution).unwrap().expect("a chart");
        assert_accessible(&svg, "chart-durations", "First response and resolution times");
        for text in ["First response", "Resolution", "Median", "90th percentile", "4m", "2h 10m", "1d 3h", "2d 7h"] {
            assert!(svg.contains(&format!(">\n{text}\n<")) || svg.contains(text), "{text} in {svg}");
        }
        assert!(svg.contains("First response: median 4m, 90th percentile 2h 10m."), "{svg}");
    }

    #[test]
    fn csat_shows_each_score_and_its_count() {
        let csat = Csat { ratings: 10, satisfied: 7, distribution: [1, 0, 2, 3, 4], latest_comments: Vec::new() };
        let svg = csat_chart(&csat).unwrap().expect("a chart");
        assert_accessible(&svg, "chart-csat", "Ratings by score");
        assert!(svg.contains("10 ratings: 1 rated 1, 0 rated 2, 2 rated 3, 3 rated 4, 4 rated 5."), "{svg}");
        assert!(svg.contains("#16A34A") || svg.contains("#16a34a"), "score 5 in green: {svg}");
    }

    #[test]
    fn the_heat_grid_names_days_hours_and_its_scale() {
        let mut grid = [[0i64; 24]; 7];
        grid[0][9] = 8;
        grid[2][14] = 3;
        grid[6][23] = 1;
        let svg = hours_chart(&grid).unwrap().expect("a chart");
        assert_accessible(&svg, "chart-hours", "Busiest hours");
        for text in ["Mon", "Sun", "09", "23", "Conversations:", "1\u{2013}2", "7\u{2013}8", "Monday 09:00 with 8"] {
            assert!(svg.contains(text), "{text} in {svg}");
        }
        assert!(svg.matches("<rect").count() >= 168, "a cell per hour of the week");
    }

    #[test]
    fn the_heat_scale_has_four_steps_up_to_the_busiest_hour() {
        assert_eq!(heat_step(0, 8), 0);
        assert_eq!(heat_step(1, 8), 1);
        assert_eq!(heat_step(2, 8), 1);
        assert_eq!(heat_step(3, 8), 2);
        assert_eq!(heat_step(8, 8), 4);
        assert_eq!(
            heat_legend(8).iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>(),
            ["0", "1\u{2013}2", "3\u{2013}4", "5\u{2013}6", "7\u{2013}8"]
        );
        // With a busiest hour of 2, steps 1 and 3 hold nothing.
        assert_eq!(heat_legend(2), vec![(0, "0".into()), (2, "1".into()), (4, "2".into())]);
        assert_eq!(heat_step(1, 2), 2);
        assert_eq!(heat_step(2, 2), 4);
    }

    #[test]
    fn nothing_to_show_is_no_chart() {
        let empty: Vec<DayCounts> = week().into_iter().map(|d| DayCounts { started: 0, resolved: 0, still_open: 0, ..d }).collect();
        assert_eq!(days_chart(&empty).unwrap(), None);
        assert_eq!(days_chart(&[]).unwrap(), None);
        assert_eq!(durations_chart(&Durations::default(), &Durations::default()).unwrap(), None);
        assert_eq!(csat_chart(&Csat::default()).unwrap(), None);
        assert_eq!(hours_chart(&[[0; 24]; 7]).unwrap(), None);
    }
}
