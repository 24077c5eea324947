//! What the usage sources (Pendo, Amplitude) share: the usage block and the usage-drop risk
//! signal, measured against the account's own baseline.

use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;

use chrono::NaiveDate;
use compact_str::{ToCompactString, format_compact};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::import::Context;
use crate::import::block::{self, Block, Cell, Frame};
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

/// An account's earlier WAU readings, from the usage block already on its `Health.md`.
pub(super) type Series = Vec<(NaiveDate, f64)>;

/// Reads the earlier readings of accounts on another thread while the export streams, so that
/// opening each account's `Health.md` overlaps with reading rows. The reader asks for an account
/// when its first row comes.
pub(super) struct Baselines {
    sender: mpsc::Sender<(usize, PathBuf)>,
    thread: JoinHandle<FxHashMap<usize, Series>>,
}

impl Baselines {
    /// Starts the thread that reads the blocks of `ctx`'s source.
    pub fn start(ctx: &Context<'_>) -> Baselines {
        let (sender, receiver) = mpsc::channel::<(usize, PathBuf)>();
        let source = ctx.source.slug();
        let thread = std::thread::spawn(move || {
            let mut found = FxHashMap::default();
            let mut asked = FxHashSet::default();
            for (account, path) in receiver {
                if !asked.insert(account) {
                    continue;
                }
                if let Some(series) = read_series(&path, source) {
                    found.insert(account, series);
                }
            }
            found
        });
        Baselines { sender, thread }
    }

    /// Asks for the earlier readings of `account`; asking again reads nothing more.
    pub fn request(&self, ctx: &Context<'_>, account: usize) {
        if let Some(page) = ctx.matcher.accounts.get(account) {
            let path = ctx.root.join(&page.folder).join("Health.md");
            // A send fails only when the thread has panicked, and `finish` passes that panic on.
            let _ = self.sender.send((account, path));
        }
    }

    /// Waits for the readings asked for, by account; an account without a readable block has
    /// none.
    pub fn finish(self) -> FxHashMap<usize, Series> {
        drop(self.sender);
        match self.thread.join() {
            Ok(found) => found,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

/// Reads the WAU readings of the `source` block on the `Health.md` at `path`, if any and readable.
fn read_series(path: &Path, source: &str) -> Option<Series> {
    let text = std::fs::read_to_string(path).ok()?;
    let found = block::locate(&text, source).ok()??;
    let old = block::parse(&found.content);
    let readings = old.rows.iter();
    Some(
        readings
            .filter_map(|(date, row)| Some((*date, parse_number(row.get("WAU")?).ok()?)))
            .collect(),
    )
}

/// Builds the usage block: one row per reading, and a usage-drop signal when the latest
/// reading is more than `drop_threshold` below the mean of up to `baseline_weeks` earlier
/// readings (from this import and from the `earlier` rows of the block).
pub(super) fn build(
    ctx: &Context<'_>,
    earlier: Option<Series>,
    readings: &[Reading],
    frame: &Arc<Frame>,
) -> Block {
    let mut series = earlier.unwrap_or_default();
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
    Block {
        frame: Arc::clone(frame),
        rows: readings.iter().map(|r| (r.date, r.cells())).collect(),
        risks,
        expansion: None,
        notes: Vec::new(),
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
