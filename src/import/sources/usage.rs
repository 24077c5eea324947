//! What the usage sources (Pendo, Amplitude) share: the usage block and the usage-drop risk
//! signal, measured against the account's own baseline.

use chrono::NaiveDate;

use crate::import::Context;
use crate::import::block::{self, Block, ParsedBlock};
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
    fn adoption(&self) -> String {
        match (self.wau, self.seats) {
            #[allow(clippy::cast_precision_loss, reason = "user counts are far below 2^52")]
            (Some(wau), Some(seats)) if seats > 0.0 => {
                format!("{:.0}%", (wau as f64 * 100.0 / seats).min(100.0))
            }
            _ => String::new(),
        }
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.wau.map(|wau| wau.to_string()).unwrap_or_default(),
            self.days_active.map(|d| d.to_string()).unwrap_or_default(),
            self.adoption(),
        ]
    }
}

/// The usage block already on the account's `Health.md`, if any and readable.
pub(super) fn existing(ctx: &Context<'_>, account: usize) -> Option<ParsedBlock> {
    let folder = &ctx.matcher.accounts.get(account)?.folder;
    let text = std::fs::read_to_string(ctx.root.join(folder).join("Health.md")).ok()?;
    let found = block::locate(&text, ctx.source.slug())?;
    Some(block::parse(&found.content))
}

/// Builds the usage block: one row per reading, and a usage-drop signal when the latest
/// reading is more than `drop_threshold` below the mean of up to `baseline_weeks` earlier
/// readings (from this import and from the block's earlier rows).
pub(super) fn build(
    ctx: &Context<'_>,
    account: usize,
    readings: &[Reading],
    snapshot: bool,
    provenance: String,
) -> Block {
    let mut series: Vec<(NaiveDate, f64)> = existing(ctx, account)
        .map(|old| {
            old.rows
                .iter()
                .filter_map(|(date, row)| Some((*date, parse_number(row.get("WAU")?).ok()?)))
                .collect()
        })
        .unwrap_or_default();
    for reading in readings {
        series.retain(|(date, _)| *date != reading.date);
        #[allow(clippy::cast_precision_loss, reason = "user counts are far below 2^52")]
        series.extend(reading.wau.map(|wau| (reading.date, wau as f64)));
    }
    series.sort_by_key(|(date, _)| *date);
    let mut risks = Vec::new();
    // Without this import's latest WAU, the series ends on an older reading, which an earlier
    // import already judged.
    let latest_has_wau = readings.last().is_some_and(|reading| reading.wau.is_some());
    if let Some(signal) = drop_signal(&series, ctx).filter(|_| latest_has_wau) {
        risks.push(signal);
    }
    let title = ctx.source.title();
    Block {
        source: ctx.source.slug().to_string(),
        heading: format!("Usage (imported from {title})"),
        columns: ["WAU", "Days active", "Adoption"]
            .map(str::to_string)
            .to_vec(),
        rows: readings.iter().map(|r| (r.date, r.cells())).collect(),
        snapshot,
        risks,
        expansion: None,
        notes: vec![if snapshot {
            "WAU counts users active in the 7 days to each date; adoption is WAU over seats (or known users).".to_string()
        } else {
            "Each row is a week starting on Monday: WAU counts distinct users, days active the days with any event; adoption is WAU over seats.".to_string()
        }],
        provenance,
    }
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
