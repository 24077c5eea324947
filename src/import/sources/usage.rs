//! What the usage sources (Pendo, Amplitude) share: the usage block and the usage-drop risk
//! signal, measured against the account's own baseline.

use std::sync::Arc;

use chrono::NaiveDate;
use compact_str::{ToCompactString, format_compact};

use crate::import::Context;
use crate::import::block::{Block, Cell, Frame, ParsedBlock};
use crate::import::values::parse_number;

/// One dated usage reading of an account.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Reading {
    /// The day (snapshot imports) or the Monday of the week (weekly series).
    pub date: NaiveDate,
    /// Distinct active users in the week; `None` when the export does not give them.
    pub wau: Option<u64>,
    /// Days with any activity in the week, or in the source's own window for Pendo.
    pub days_active: Option<u64>,
    /// Licensed seats or known users, for the adoption percentage.
    pub seats: Option<f64>,
}

impl Reading {
    fn adoption(&self) -> Cell {
        match (self.wau, self.seats) {
            #[allow(clippy::cast_precision_loss, reason = "user counts are far below 2^52")]
            (Some(wau), Some(seats)) if seats > 0.0 => {
                format_compact!("{:.0}%", (wau as f64 * 100.0 / seats).min(100.0))
            }
            _ => Cell::default(),
        }
    }

    fn cells(&self) -> Vec<Cell> {
        vec![
            self.wau
                .map(|wau| wau.to_compact_string())
                .unwrap_or_default(),
            (self.days_active)
                .map(|d| d.to_compact_string())
                .unwrap_or_default(),
            self.adoption(),
        ]
    }
}

/// Builds the usage block: one row per reading, and the check for a usage drop, which compares
/// the latest reading with the rows that the block has before this import.
pub(super) fn build(readings: &[Reading], frame: &Arc<Frame>) -> Block {
    let mut block = Block::new(
        frame,
        readings.iter().map(|r| (r.date, r.cells())).collect(),
    );
    block.drop_check = Some(DropCheck {
        readings: readings.iter().map(|r| (r.date, r.wau)).collect(),
    });
    block
}

/// The readings of one import, for the usage-drop signal. The signal is decided when the account's
/// `Health.md` is planned, since the earlier rows of the block are read then.
#[derive(Clone, Debug, PartialEq)]
pub struct DropCheck {
    /// Each reading's date and WAU, in date order.
    readings: Vec<(NaiveDate, Option<u64>)>,
}

impl DropCheck {
    /// Returns the usage-drop signal when the latest reading is more than `drop_threshold` below
    /// the mean of up to `baseline_weeks` earlier readings, from this import and from the rows of
    /// `earlier`, the block before this import.
    pub fn signal(&self, earlier: Option<&ParsedBlock>, ctx: &Context<'_>) -> Option<String> {
        // Without this import's latest WAU, the series ends on an older reading, which an earlier
        // import already judged.
        self.readings.last()?.1?;
        let rows = earlier.into_iter().flat_map(|block| &block.rows);
        let mut series: Vec<(NaiveDate, f64)> = rows
            .filter_map(|(date, row)| Some((*date, parse_number(row.get("WAU")?).ok()?)))
            .filter(|(date, _)| !self.readings.iter().any(|(new, _)| new == date))
            .collect();
        #[allow(clippy::cast_precision_loss, reason = "user counts are far below 2^52")]
        let readings =
            (self.readings.iter()).filter_map(|(date, wau)| Some((*date, (*wau)? as f64)));
        series.extend(readings);
        series.sort_by_key(|(date, _)| *date);
        drop_signal(&series, ctx)
    }
}

/// Builds what the usage blocks of a run share, naming the exports `files`. A `snapshot` run
/// adds one reading per import; otherwise the rows are a dated series.
pub(super) fn frame(ctx: &Context<'_>, snapshot: bool, files: &[String]) -> Arc<Frame> {
    let mut frame = ctx.frame(
        format!("Usage (imported from {})", ctx.source.title()),
        &["WAU", "Days active", "Adoption"],
        snapshot,
        files,
    );
    let note = if snapshot {
        "WAU counts users active in the 7 days to each date; adoption is WAU over seats (or known users)."
    } else {
        "Each row is a week starting on Monday: WAU counts distinct users, days active the days with any event; adoption is WAU over seats."
    };
    Arc::make_mut(&mut frame).notes.push(note.to_string());
    frame
}

/// The usage-drop signal for the latest point of `series`, if it dropped against the baseline.
fn drop_signal(series: &[(NaiveDate, f64)], ctx: &Context<'_>) -> Option<String> {
    let ((date, latest), earlier) = series.split_last()?;
    let weeks = ctx.config.baseline_weeks;
    let baseline_points = &earlier[earlier.len().saturating_sub(weeks)..];
    if baseline_points.is_empty() {
        return None;
    }
    #[allow(clippy::cast_precision_loss, reason = "at most a few hundred points")]
    let baseline =
        baseline_points.iter().map(|(_, v)| v).sum::<f64>() / baseline_points.len() as f64;
    if baseline <= 0.0 || *latest >= baseline * (1.0 - ctx.config.drop_threshold) {
        return None;
    }
    let percent = ((baseline - latest) / baseline * 100.0).round();
    let first = baseline_points.first()?.0;
    let last = baseline_points.last()?.0;
    let span = if first == last {
        first.to_string()
    } else {
        format!("{first} to {last}")
    };
    Some(format!(
        "{date} Usage drop: {latest:.0} weekly active users, down {percent:.0}% from a baseline of {baseline:.0} ({span}) #risk/usage-drop"
    ))
}
