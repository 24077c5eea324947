//! Editor features on plain Rust types: each function takes the vault index (and, where it
//! needs one, a note's text and a byte offset) and returns byte ranges and strings. Nothing here
//! knows about LSP, JSON or async code.

pub mod account;
pub mod actions;
pub mod card;
pub mod completion;
pub mod diagnostics;
pub mod generate;
pub mod hover;
pub mod inlay;
pub mod lens;
pub mod moves;
pub mod navigation;
pub mod recurrence;
pub mod rename;
pub mod symbols;

use std::sync::Arc;

use chrono::NaiveDate;

use crate::syntax::{Link, NoteSummary};
use crate::text::TextRange;
use crate::vault::{NoteId, Vault};

pub use completion::{CompletionCache, CompletionItem, CompletionKind, Completions};
pub use diagnostics::Diagnostic;
pub use hover::HoverResult;
pub use navigation::Location;
pub use symbols::Symbol;

/// Reads the current text of a note: the editor's copy when it is open, else the file on disk.
pub trait TextSource {
    /// The note's text, or `None` when it cannot be read.
    fn text(&self, vault: &Vault, id: NoteId) -> Option<Arc<str>>;
}

/// Reads notes from disk only.
pub struct DiskText;

impl TextSource for DiskText {
    fn text(&self, vault: &Vault, id: NoteId) -> Option<Arc<str>> {
        let note = vault.note(id)?;
        crate::vault::discover::read_text(&vault.absolute_path(note))
            .ok()
            .map(Arc::from)
    }
}

/// The link whose brackets contain `offset`.
pub fn link_at(summary: &NoteSummary, offset: u32) -> Option<&Link> {
    summary.all_links().find(|link| {
        link.range.start <= offset && offset < link.range.end.max(link.range.start + 1)
    })
}

/// "today", "in 3 days", "5 days overdue" and so on, for a due date.
pub fn describe_due(due: NaiveDate, today: NaiveDate) -> String {
    let days = (due - today).num_days();
    match days {
        0 => "due today".to_string(),
        1 => "due tomorrow".to_string(),
        -1 => "1 day overdue".to_string(),
        d if d > 0 => format!("in {d} days"),
        d => format!("{} days overdue", -d),
    }
}

/// Plural helper: `1 note`, `2 notes`.
pub fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// Characters of user text that a one-line message quotes at most.
const EXCERPT_CHARS: usize = 120;

/// Returns `text` for quoting in a one-line message: whole when short, else its first
/// characters and `…`, so that a huge task line does not become a huge diagnostic.
pub fn excerpt(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(EXCERPT_CHARS) {
        None => std::borrow::Cow::Borrowed(text),
        Some((end, _)) => std::borrow::Cow::Owned(format!("{}…", text[..end].trim_end())),
    }
}

/// Why a `YYYY-MM-DD` string names no real day.
pub fn explain_impossible_date(raw: &str) -> String {
    let parts: Vec<u32> = raw.split('-').filter_map(|p| p.parse().ok()).collect();
    let [year, month, day] = parts[..] else {
        return format!("`{raw}` is not a date in YYYY-MM-DD form");
    };
    if !(1..=12).contains(&month) {
        return format!("`{raw}` is not a real date: there is no month {month}");
    }
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(i32::try_from(year).unwrap_or(0) + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(i32::try_from(year).unwrap_or(0), month + 1, 1)
    };
    let days_in_month = next
        .and_then(|d| d.pred_opt())
        .map_or(31, |d| chrono::Datelike::day(&d));
    let month_name = NaiveDate::from_ymd_opt(2000, month, 1)
        .map_or(String::new(), |d| d.format("%B").to_string());
    if day == 0 {
        format!("`{raw}` is not a real date: days start at 01")
    } else {
        format!(
            "`{raw}` is not a real date: {month_name} {year} has {days_in_month} days, not {day}"
        )
    }
}

/// A range that covers nothing at the start of a note.
pub const NOTE_START: TextRange = TextRange { start: 0, end: 0 };

#[cfg(test)]
mod tests;
