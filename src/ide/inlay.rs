//! Inlay hints after due dates: "in 3 days", "5 days overdue".

use chrono::NaiveDate;

use super::describe_due;
use crate::text::TextRange;
use crate::vault::{NoteId, Vault};

/// A hint shown at a byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint sits: right after the due date.
    pub offset: u32,
    /// The hint text.
    pub label: String,
}

/// Hints for the open tasks whose due dates lie in `range`.
pub fn inlay_hints(
    vault: &Vault,
    id: NoteId,
    range: TextRange,
    today: NaiveDate,
) -> Vec<InlayHint> {
    let Some(note) = vault.note(id) else {
        return Vec::new();
    };
    note.summary
        .tasks
        .iter()
        .filter(|t| t.status.is_open())
        .filter_map(|t| t.due())
        .filter(|due| range.contains_inclusive(due.range.start))
        .filter_map(|due| {
            Some(InlayHint {
                offset: due.range.end,
                label: describe_due(due.date?, today),
            })
        })
        .collect()
}
