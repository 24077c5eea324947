//! Go to definition and find references.

use super::diagnostics::heading_matches;
use super::{NOTE_START, link_at};
use crate::syntax::{Link, Subpath};
use crate::text::TextRange;
use crate::vault::{NoteId, Vault};

/// A range in a note.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The note.
    pub note: NoteId,
    /// Byte range in the note.
    pub range: TextRange,
}

/// Where the link at `offset` in note `id` points: the note, heading or block.
pub fn goto_definition(vault: &Vault, id: NoteId, offset: u32) -> Option<Location> {
    let note = vault.note(id)?;
    let link = link_at(&note.summary, offset)?;
    link_target(vault, &note.path, link)
}

/// Returns the range that go to definition at `offset` starts from: the path and subpath of the
/// link there, without brackets, alias and the whitespace around them.
pub fn definition_origin(vault: &Vault, id: NoteId, offset: u32) -> Option<TextRange> {
    let note = vault.note(id)?;
    link_at(&note.summary, offset).map(|link| link.target_range)
}

/// The location a link opens, if its note exists. A missing heading or block falls back to the
/// start of the note.
pub fn link_target(vault: &Vault, source_path: &str, link: &Link) -> Option<Location> {
    let target = vault.resolve(&link.target, source_path).id()?;
    let note = vault.note(target)?;
    let range = match link.subpath.as_deref() {
        Some(Subpath::Heading(chain)) => {
            let wanted = chain.last().map_or("", String::as_str);
            note.summary
                .headings
                .iter()
                .find(|h| heading_matches(&h.text, wanted))
                .map(|h| h.range)
        }
        Some(Subpath::Block(block)) => {
            let block = note
                .summary
                .block_ids
                .iter()
                .find(|b| b.id.eq_ignore_ascii_case(block));
            block.map(|b| {
                let line = note.summary.line_index.line_of(b.range.start);
                note.summary.line_index.line_range(line)
            })
        }
        None => None,
    };
    Some(Location {
        note: target,
        range: range.unwrap_or(NOTE_START),
    })
}

/// Every link in the vault that points at what the cursor is on: the target of a link under the
/// cursor, the heading under the cursor, or else the note itself. Sorted by note path and
/// position; `include_declaration` adds the heading or note start itself.
pub fn references(
    vault: &Vault,
    id: NoteId,
    offset: u32,
    include_declaration: bool,
) -> Vec<Location> {
    let Some(note) = vault.note(id) else {
        return Vec::new();
    };
    let (target, heading) = if let Some(link) = link_at(&note.summary, offset) {
        let Some(location) = link_target(vault, &note.path, link) else {
            return Vec::new();
        };
        let heading = match link.subpath.as_deref() {
            Some(Subpath::Heading(chain)) => chain.last().cloned(),
            _ => None,
        };
        (location.note, heading)
    } else {
        let heading = note
            .summary
            .headings
            .iter()
            .find(|h| h.range.contains_inclusive(offset))
            .map(|h| h.text.clone());
        (id, heading)
    };
    let mut out = Vec::new();
    for source in vault.possible_referrers(target) {
        let Some(source_note) = vault.note(source) else {
            continue;
        };
        for link in source_note.summary.all_links() {
            if vault.resolve(&link.target, &source_note.path).id() != Some(target) {
                continue;
            }
            let matches_heading = match (&heading, link.subpath.as_deref()) {
                (None, _) => true,
                (Some(wanted), Some(Subpath::Heading(chain))) => {
                    chain.last().is_some_and(|h| heading_matches(h, wanted))
                }
                _ => false,
            };
            if matches_heading {
                out.push(Location {
                    note: source,
                    range: link.range,
                });
            }
        }
    }
    if include_declaration {
        let declaration = match &heading {
            Some(wanted) => vault.note(target).and_then(|n| {
                n.summary
                    .headings
                    .iter()
                    .find(|h| heading_matches(&h.text, wanted))
                    .map(|h| h.range)
            }),
            None => Some(NOTE_START),
        };
        out.extend(declaration.map(|range| Location {
            note: target,
            range,
        }));
    }
    out.sort_by_cached_key(|l| (vault.note(l.note).map(|n| n.path.clone()), l.range.start));
    out.dedup();
    out
}
