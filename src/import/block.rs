//! The Dex-owned block of one source on an account's `Health.md`: rendering, finding it in a
//! note, detecting hand edits through the hash in its begin marker, and merging a new import
//! into its history table.
//!
//! A block looks like this, with the note's own line endings:
//!
//! ```text
//! <!-- dex:begin zendesk sha256=0123456789abcdef -->
//! ## Support (imported from Zendesk)
//!
//! | Date | Open tickets | Urgent tickets |
//! | --- | --- | --- |
//! | 2026-03-15 | 4 | 9 |
//!
//! Imported from tickets.csv on 2026-03-15 by dex import zendesk.
//!
//! ### Risks
//! - 2026-03-15 Support spike: ... #risk/escalation
//! <!-- dex:end zendesk -->
//! ```
//!
//! The hash is the first 16 hex digits of the SHA-256 of the lines between the markers, joined
//! with `\n`; a block whose content no longer matches it was edited by hand.
//!
//! Every imported string passes through [`merge`], which escapes it before it is compared or
//! written: [`escape_text`] for table cells, [`escape_line`] for list items and notes. So no
//! export can end the block early, add a line, or start a heading or task. What [`parse`] reads
//! back is the escaped text, so a second import of the same data compares equal.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::syntax::dex_block::{self, PageRecord};
use crate::text::join_lines;

use super::sources::DropCheck;

/// The parts that every account's block of one run shares: the heading, the columns, the notes
/// and the provenance line. A run builds it once and each account's [`Block`] points to it.
#[derive(Clone, Debug, Default)]
pub struct Frame {
    /// The source's slug, used in the markers.
    pub source: &'static str,
    /// The heading line's text, without `## `.
    pub heading: String,
    /// Metric column names after `Date`.
    pub columns: Vec<String>,
    /// When true the table keeps one row per import: the new row (dated today) is added only
    /// when it has a value and its values differ from the latest row. When false the rows are a dated series and
    /// replace the rows of the same dates.
    pub snapshot: bool,
    /// The provenance line: `Imported from <file> on <date> by dex import <source>.`
    pub provenance: String,
    /// Lines after the table that describe the data of every account (scales, directions),
    /// replaced each time.
    pub notes: Vec<String>,
}

/// The text of one table cell. A cell of up to 24 bytes, as every number, date and amount is,
/// is kept inline, so a row allocates only its list of cells.
pub type Cell = compact_str::CompactString;

/// One import's content for one account's block.
#[derive(Clone, Debug)]
pub struct Block {
    /// The parts shared with the run's other blocks.
    pub frame: Arc<Frame>,
    /// New table rows, each a date and one cell per column (empty for unknown).
    pub rows: Vec<(NaiveDate, Vec<Cell>)>,
    /// Risk signal list items, each starting with its date and ending with its tag.
    pub risks: Vec<String>,
    /// Expansion list items; `Some` replaces the previous list.
    pub expansion: Option<Vec<String>>,
    /// Lines after the frame's notes that describe this account's data, replaced each time.
    pub notes: Vec<String>,
    /// For a usage block, the check that adds a usage-drop signal against the earlier rows.
    pub drop_check: Option<DropCheck>,
}

impl Block {
    /// Creates a block of `frame` with the given rows and no risks, expansion items or notes of
    /// its own.
    pub fn new(frame: &Arc<Frame>, rows: Vec<(NaiveDate, Vec<Cell>)>) -> Block {
        Block {
            frame: Arc::clone(frame),
            rows,
            risks: Vec::new(),
            expansion: None,
            notes: Vec::new(),
            drop_check: None,
        }
    }
}

/// The records a block keeps about the account's pages, next to its provenance line.
#[derive(Clone, Debug, Default)]
pub struct Records {
    /// The line listing the properties the import set on the Overview, if any.
    pub properties: Option<String>,
    /// The `dex:pages` record: for each page the import wrote, the day its hand-written content
    /// dates from and its fingerprint after the write.
    pub pages: Vec<PageRecord>,
    /// Whether the import writes a page other than `Health.md`, whose record must be renewed even
    /// when the block's data stays the same.
    pub renews_pages: bool,
}

/// A block as found in a note.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedBlock {
    /// Column names after `Date`.
    pub columns: Vec<String>,
    /// Rows by date, each column's cell by name.
    pub rows: BTreeMap<NaiveDate, BTreeMap<String, String>>,
    /// Risk list items.
    pub risks: Vec<String>,
    /// Expansion list items.
    pub expansion: Vec<String>,
    /// Description lines after the table.
    pub notes: Vec<String>,
    /// The provenance line, if any.
    pub provenance: Option<String>,
    /// The properties line, if any.
    pub properties: Option<String>,
    /// The `dex:pages` record line, if any.
    pub pages: Option<String>,
}

/// A block's position and content in a note.
#[derive(Clone, Debug)]
pub struct Located {
    /// Byte range from the start of the begin marker's line to the end of the end marker's line
    /// (its line ending included).
    pub range: Range<usize>,
    /// The line of the begin marker, counted from 1.
    pub line: usize,
    /// The hash written in the begin marker, if any.
    pub recorded_hash: Option<String>,
    /// The content lines between the markers, without line endings.
    pub content: Vec<String>,
}

impl Located {
    /// Returns whether the content still matches the hash in the begin marker. A table that a
    /// formatter realigned (cells padded, separators lengthened, trailing spaces) still matches,
    /// since only a changed value is a hand edit.
    pub fn is_intact(&self) -> bool {
        let Some(recorded) = self.recorded_hash.as_deref() else {
            return false;
        };
        recorded == hash_lines(&self.content) || {
            let aligned: Vec<String> = self.content.iter().map(|line| unaligned(line)).collect();
            recorded == hash_lines(&aligned)
        }
    }
}

/// Writes a content line as the block renders it: without trailing spaces, and a table row
/// with one space around each cell and `---` for each separator cell.
fn unaligned(line: &str) -> String {
    let line = line.trim_end();
    if !line.trim_start().starts_with('|') {
        return line.to_string();
    }
    let is_separator =
        |cell: &str| cell.contains('-') && cell.chars().all(|c| matches!(c, '-' | ':'));
    let mut row = String::from("|");
    for cell in split_row(line) {
        if is_separator(&cell) {
            row.push_str(" --- |");
        } else {
            row.push(' ');
            row.push_str(&cell.replace('|', "\\|"));
            row.push_str(" |");
        }
    }
    row
}

/// Hashes `lines` joined with `\n`: the first 16 hex digits of their SHA-256.
pub fn hash_lines(lines: &[String]) -> String {
    let mut hasher = Sha256::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            hasher.update(b"\n");
        }
        hasher.update(line.as_bytes());
    }
    dex_block::short_hex(&hasher.finalize())
}

/// Finds the block of `source` in `text`, or `Ok(None)` when the note has no marker of `source`.
/// Returns `Err` with what is wrong when its markers do not make exactly one block (a marker
/// deleted, a block pasted twice), because no range between them is safe to replace.
pub fn locate(text: &str, source: &str) -> Result<Option<Located>, String> {
    let begin_prefix = format!("<!-- dex:begin {source}");
    let end_marker = format!("<!-- dex:end {source} -->");
    let mut offset = 0;
    // (line number, byte offset, recorded hash) of each begin marker; (line number, end offset)
    // of each end marker.
    let mut begins: Vec<(usize, usize, Option<String>)> = Vec::new();
    let mut ends: Vec<(usize, usize)> = Vec::new();
    for (number, raw) in (1..).zip(text.split_inclusive('\n')) {
        let trimmed = raw.trim();
        let is_begin = trimmed
            .strip_prefix(&begin_prefix)
            .is_some_and(|rest| rest.starts_with([' ', '-']) && trimmed.ends_with("-->"));
        if is_begin {
            let hash = trimmed
                .split_whitespace()
                .find_map(|word| word.strip_prefix("sha256="))
                .map(str::to_string);
            begins.push((number, offset, hash));
        } else if trimmed == end_marker {
            ends.push((number, offset + raw.len()));
        }
        offset += raw.len();
    }
    let lines = |numbers: &mut dyn Iterator<Item = usize>| {
        let numbers: Vec<String> = numbers.map(|n| n.to_string()).collect();
        numbers.join(", ")
    };
    match (begins.as_slice(), ends.as_slice()) {
        ([], []) => Ok(None),
        ([(begin_line, begin, hash)], [(end_line, end)]) if end_line > begin_line => {
            let inner = &text[*begin..*end];
            let content = inner
                .split_inclusive('\n')
                .skip(1)
                .take(end_line - begin_line - 1)
                .map(|raw| raw.trim_end_matches(['\n', '\r']).to_string())
                .collect();
            Ok(Some(Located {
                range: *begin..*end,
                line: *begin_line,
                recorded_hash: hash.clone(),
                content,
            }))
        }
        ([(begin_line, ..)], []) => Err(format!(
            "the begin marker of its {source} block on line {begin_line} has no end marker"
        )),
        ([], [(end_line, _)]) => Err(format!(
            "the end marker of its {source} block on line {end_line} has no begin marker"
        )),
        ([(begin_line, ..)], [(end_line, _)]) => Err(format!(
            "the end marker of its {source} block on line {end_line} comes before the begin \
             marker on line {begin_line}"
        )),
        _ => {
            let count = |n: usize, what: &str| match n {
                1 => format!("1 {what} marker (line"),
                n => format!("{n} {what} markers (lines"),
            };
            Err(format!(
                "it has {} {}) of the {source} block and {} {})",
                count(begins.len(), "begin"),
                lines(&mut begins.iter().map(|(n, ..)| *n)),
                count(ends.len(), "end"),
                lines(&mut ends.iter().map(|(n, _)| *n)),
            ))
        }
    }
}

/// Reads the table, lists and lines of a block's content.
pub fn parse(content: &[String]) -> ParsedBlock {
    let mut parsed = ParsedBlock::default();
    let mut section = "";
    let mut header_seen = false;
    for line in content {
        let trimmed = line.trim();
        if let Some(heading) = trimmed.strip_prefix("### ") {
            section = match heading.trim().to_ascii_lowercase().as_str() {
                "risks" => "risks",
                "expansion" => "expansion",
                _ => "",
            };
            continue;
        }
        if trimmed.starts_with('|') {
            let cells = split_row(trimmed);
            if !header_seen {
                parsed.columns = cells.into_iter().skip(1).collect();
                header_seen = true;
            } else if let Some(date) = cells
                .first()
                .and_then(|c| NaiveDate::parse_from_str(c, "%Y-%m-%d").ok())
            {
                let row = parsed
                    .columns
                    .iter()
                    .cloned()
                    .zip(cells.into_iter().skip(1))
                    .filter(|(_, cell)| !cell.is_empty())
                    .collect();
                parsed.rows.insert(date, row);
            }
            continue;
        }
        if let Some(item) = trimmed.strip_prefix("- ") {
            match section {
                "risks" => parsed.risks.push(item.to_string()),
                "expansion" => parsed.expansion.push(item.to_string()),
                _ => {}
            }
            continue;
        }
        if trimmed.starts_with("Imported from ") {
            parsed.provenance = Some(trimmed.to_string());
        } else if trimmed.starts_with(dex_block::PROPERTIES) && section.is_empty() {
            parsed.properties = Some(trimmed.to_string());
        } else if trimmed.starts_with(dex_block::PAGES) {
            parsed.pages = Some(trimmed.to_string());
        } else if !trimmed.is_empty() && !trimmed.starts_with("## ") && section.is_empty() {
            parsed.notes.push(trimmed.to_string());
        }
    }
    parsed
}

/// Splits a table row into its trimmed cells. `\|` is a `|` inside a cell, as in GitHub
/// Flavored Markdown, and is read as `|`.
fn split_row(line: &str) -> Vec<String> {
    let trimmed = line.trim();
    let inner = trimmed.strip_prefix('|').unwrap_or(trimmed);
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut closed = false;
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        closed = false;
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cell.push('|');
            }
            '|' => {
                cells.push(cell.trim().to_string());
                cell.clear();
                closed = true;
            }
            _ => cell.push(c),
        }
    }
    if !closed {
        cells.push(cell.trim().to_string());
    }
    cells
}

/// Escapes imported text for one line of a block: its lines are joined with spaces (see
/// [`join_lines`]), and `<!--` is written `&lt;!--`. An HTML comment opened by the text would
/// hide the rest of the note from Markdown readers or pass for a block marker.
pub fn escape_text(text: &str) -> Cow<'_, str> {
    match join_lines(text) {
        Cow::Borrowed(line) if !line.contains("<!--") => Cow::Borrowed(line),
        line => Cow::Owned(line.replace("<!--", "&lt;!--")),
    }
}

/// Escapes imported text for a list item or a paragraph line of a block, as [`escape_text`]
/// does. Also, a start that Markdown or the Tasks plugin would read as a heading, quote, list
/// marker, task checkbox, code fence, thematic break, table row or HTML gets a backslash.
pub fn escape_line(text: &str) -> Cow<'_, str> {
    let line = escape_text(text);
    match block_start(&line) {
        Some(at) => Cow::Owned(format!("{}\\{}", &line[..at], &line[at..])),
        None => line,
    }
}

/// Returns the byte offset where a backslash makes `line` plain text, when its start would
/// begin a Markdown block or a task. The backslash goes before a leading `#`, `>`, `-`, `+`,
/// `*`, `=`, `_`, `~`, backtick, `|`, `<` or `[c]` checkbox, or before the `.` or `)` of an
/// ordered list marker such as `1.`.
fn block_start(line: &str) -> Option<usize> {
    let first = line.chars().next()?;
    if matches!(
        first,
        '#' | '>' | '-' | '+' | '*' | '=' | '_' | '~' | '`' | '|' | '<'
    ) {
        return Some(0);
    }
    if first == '[' {
        let mut rest = line[1..].chars();
        return (rest.next().is_some() && rest.next() == Some(']')).then_some(0);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = matches!(line.as_bytes().get(digits), Some(b'.' | b')'));
    let then_space = line[digits..]
        .chars()
        .nth(1)
        .is_none_or(|c| c == ' ' || c == '\t');
    ((1..=9).contains(&digits) && marker && then_space).then_some(digits)
}

/// Writes a table cell: [`escape_text`] and `|` as `\|`.
fn render_cell(text: &str) -> String {
    escape_text(text).replace('|', "\\|")
}

/// The changes a merge made, one line each.
pub type Changes = Vec<String>;

/// Merges `new` into `old` (the block as found, if any) and renders the content lines with
/// `records`, or returns `None` when nothing would change.
pub fn merge(
    old: Option<&ParsedBlock>,
    new: &Block,
    records: &Records,
    today: NaiveDate,
) -> Option<(Vec<String>, Changes)> {
    let empty = ParsedBlock::default();
    let old = old.unwrap_or(&empty);
    let frame = &*new.frame;
    let mut changes = Vec::new();
    let names = frame_names(&old.columns, &frame.columns);
    let mut columns = frame.columns.clone();
    for column in &names {
        if !columns.contains(column) {
            columns.push(column.clone());
        }
    }
    let mut rows = old.rows.clone();
    let renamed: Vec<(&String, &String)> = (old.columns.iter().zip(&names))
        .filter(|(old, name)| old != name)
        .collect();
    for row in rows.values_mut().filter(|_| !renamed.is_empty()) {
        for (old, name) in &renamed {
            if let Some(value) = row.remove(*old) {
                row.entry((*name).clone()).or_insert(value);
            }
        }
    }
    let cells_of = |values: &[Cell]| -> BTreeMap<String, String> {
        frame
            .columns
            .iter()
            .cloned()
            .zip(values.iter().map(|value| escape_text(value).into_owned()))
            .filter(|(_, value)| !value.is_empty())
            .collect()
    };
    if frame.snapshot {
        if let Some((_, values)) = new.rows.last() {
            let cells = cells_of(values);
            let latest = rows.iter().next_back().map(|(_, row)| row);
            let same = latest.is_some_and(|row| {
                frame.columns.iter().all(|c| {
                    row.get(c).map_or("", String::as_str) == cells.get(c).map_or("", String::as_str)
                })
            });
            // A reading without any value adds nothing to the history.
            if !same && !cells.is_empty() {
                let verb = if rows.contains_key(&today) {
                    "replaced"
                } else {
                    "added"
                };
                changes.push(format!(
                    "{verb} row {today}: {}",
                    describe(&frame.columns, &cells)
                ));
                rows.insert(today, cells);
            }
        }
    } else {
        for (date, values) in &new.rows {
            let cells = cells_of(values);
            match rows.get(date) {
                Some(existing) if *existing == cells => {}
                Some(_) => {
                    changes.push(format!(
                        "updated row {date}: {}",
                        describe(&frame.columns, &cells)
                    ));
                    rows.insert(*date, cells);
                }
                None => {
                    changes.push(format!(
                        "added row {date}: {}",
                        describe(&frame.columns, &cells)
                    ));
                    rows.insert(*date, cells);
                }
            }
        }
    }
    // Items read from an older block are escaped too, so they compare equal to the same items
    // imported again.
    let risks = merge_risks(
        &escape_lines(&old.risks),
        &escape_lines(&new.risks),
        &mut changes,
    );
    let expansion = merge_expansion(&old.expansion, new.expansion.as_deref(), &mut changes);
    let notes = escape_lines(&[&new.frame.notes[..], &new.notes[..]].concat());
    let notes_changed = notes != old.notes;
    let data_changed = !changes.is_empty()
        || notes_changed
        || columns != old.columns
        || records.properties != old.properties
        || records.renews_pages;
    if old.provenance.is_some() && !data_changed {
        return None;
    }
    let tables = Tables {
        columns: &columns,
        rows: &rows,
        risks: &risks,
        expansion: &expansion,
        notes: &notes,
    };
    Some((render(frame, &tables, records), changes))
}

/// Returns the name in `frame_columns` of each of a block's `columns`, so that a header edited
/// by hand keeps its history under the frame's name. A header that differs only in case or
/// spacing names the frame's column. When the block has as many columns as the frame, a header
/// that no name matches names the frame's column in the same place. Other columns keep their
/// names.
fn frame_names(columns: &[String], frame_columns: &[String]) -> Vec<String> {
    let fold = |text: &str| {
        text.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let mut matched = vec![false; frame_columns.len()];
    let mut found: Vec<Option<usize>> = vec![None; columns.len()];
    // Exact names first, then names that differ in case or spacing.
    for folded in [false, true] {
        for (column, slot) in columns
            .iter()
            .zip(&mut found)
            .filter(|(_, slot)| slot.is_none())
        {
            let same = |frame: &String| {
                if folded {
                    fold(frame) == fold(column)
                } else {
                    frame == column
                }
            };
            let matching = (frame_columns.iter().enumerate())
                .position(|(i, frame)| !matched[i] && same(frame));
            if let Some(i) = matching {
                matched[i] = true;
                *slot = Some(i);
            }
        }
    }
    if columns.len() == frame_columns.len() {
        for (i, slot) in found.iter_mut().enumerate() {
            if slot.is_none() && !matched[i] {
                matched[i] = true;
                *slot = Some(i);
            }
        }
    }
    (columns.iter().zip(found))
        .map(|(column, slot)| slot.map_or_else(|| column.clone(), |i| frame_columns[i].clone()))
        .collect()
}

/// Replaces the old expansion items with the new ones, when the import has a list.
fn merge_expansion(old: &[String], new: Option<&[String]>, changes: &mut Changes) -> Vec<String> {
    let old = escape_lines(old);
    let Some(items) = new else {
        return old;
    };
    let items = escape_lines(items);
    if items != old {
        for item in items.iter().filter(|i| !old.contains(i)) {
            changes.push(format!("expansion: {item}"));
        }
        for item in old.iter().filter(|i| !items.contains(i)) {
            changes.push(format!("expansion no longer open: {item}"));
        }
    }
    items
}

fn escape_lines(items: &[String]) -> Vec<String> {
    items
        .iter()
        .map(|item| escape_line(item).into_owned())
        .collect()
}

/// Adds the new risk items to the old ones, sorted by date; a signal already listed keeps its
/// first date.
fn merge_risks(old: &[String], new: &[String], changes: &mut Changes) -> Vec<String> {
    let mut risks = old.to_vec();
    for risk in new {
        // The same signal found again on a later day keeps its first date.
        let same_signal = |old: &String| old.get(11..) == risk.get(11..);
        if !risks.iter().any(same_signal) {
            changes.push(format!("risk signal: {risk}"));
            risks.push(risk.clone());
        }
    }
    risks.sort_by(|a, b| a.get(..10).cmp(&b.get(..10)));
    risks
}

fn describe(columns: &[String], cells: &BTreeMap<String, String>) -> String {
    let parts: Vec<String> = columns
        .iter()
        .filter_map(|c| cells.get(c).map(|v| format!("{c} {v}")))
        .collect();
    if parts.is_empty() {
        "no values".to_string()
    } else {
        parts.join(", ")
    }
}

/// The merged table, lists and notes of a block, escaped.
struct Tables<'a> {
    columns: &'a [String],
    rows: &'a BTreeMap<NaiveDate, BTreeMap<String, String>>,
    risks: &'a [String],
    expansion: &'a [String],
    notes: &'a [String],
}

fn render(frame: &Frame, tables: &Tables<'_>, records: &Records) -> Vec<String> {
    let Tables {
        columns,
        rows,
        risks,
        expansion,
        notes,
    } = *tables;
    let mut lines = vec![format!("## {}", escape_text(&frame.heading)), String::new()];
    let mut header = "| Date |".to_string();
    let mut separator = "| --- |".to_string();
    for column in columns {
        let _ = write!(header, " {} |", render_cell(column));
        separator.push_str(" --- |");
    }
    lines.push(header);
    lines.push(separator);
    for (date, row) in rows {
        let mut line = format!("| {date} |");
        for column in columns {
            let cell = row.get(column).map_or("", String::as_str);
            let _ = write!(line, " {} |", render_cell(cell));
        }
        lines.push(line);
    }
    lines.push(String::new());
    for note in notes {
        lines.push(note.clone());
        lines.push(String::new());
    }
    // The provenance line names the export files, whose names may contain any character.
    lines.push(escape_text(&frame.provenance).into_owned());
    lines.extend(records.properties.clone());
    if !records.pages.is_empty() {
        lines.push(PageRecord::render(&records.pages));
    }
    if !expansion.is_empty() {
        lines.push(String::new());
        lines.push("### Expansion".to_string());
        lines.extend(expansion.iter().map(|item| format!("- {item}")));
    }
    if !risks.is_empty() {
        lines.push(String::new());
        lines.push("### Risks".to_string());
        lines.extend(risks.iter().map(|item| format!("- {item}")));
    }
    lines
}

/// Renders the whole block text, markers included, with `eol` after every line.
pub fn wrap(source: &str, content: &[String], eol: &str) -> String {
    let mut text = format!(
        "<!-- dex:begin {source} sha256={} -->{eol}",
        hash_lines(content)
    );
    for line in content {
        text.push_str(line);
        text.push_str(eol);
    }
    let _ = write!(text, "<!-- dex:end {source} -->{eol}");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn block(value: &str) -> Block {
        let frame = Arc::new(Frame {
            source: "zendesk",
            heading: "Support (imported from Zendesk)".into(),
            columns: vec!["Open tickets".into()],
            snapshot: true,
            provenance: "Imported from t.csv on 2026-03-15 by dex import zendesk.".into(),
            notes: Vec::new(),
        });
        Block::new(&frame, vec![(day(15), vec![value.into()])])
    }

    #[test]
    fn round_trip_and_hash() {
        let (content, changes) = merge(None, &block("4"), &Records::default(), day(15)).unwrap();
        assert_eq!(changes.len(), 1);
        let text = format!("intro\n{}outro\n", wrap("zendesk", &content, "\n"));
        let located = locate(&text, "zendesk").unwrap().unwrap();
        assert!(located.is_intact());
        assert_eq!(
            &text[located.range.clone()],
            wrap("zendesk", &content, "\n")
        );
        let parsed = parse(&located.content);
        assert_eq!(parsed.rows[&day(15)]["Open tickets"], "4");
        assert!(merge(Some(&parsed), &block("4"), &Records::default(), day(16)).is_none());
        let (_, changes) = merge(Some(&parsed), &block("5"), &Records::default(), day(16)).unwrap();
        assert_eq!(changes, vec!["added row 2026-03-16: Open tickets 5"]);
    }

    /// A header edited by hand keeps its history in the frame's column when the block is
    /// replaced, whether its case or its whole name changed.
    #[test]
    fn edited_headers_keep_their_history() {
        let (content, _) = merge(None, &block("4"), &Records::default(), day(15)).unwrap();
        for edited in ["| Date | Open Tickets |", "| Date | Open Tix |"] {
            let edited: Vec<String> = (content.iter())
                .map(|line| line.replace("| Date | Open tickets |", edited))
                .collect();
            let parsed = parse(&edited);
            assert_ne!(parsed.columns, ["Open tickets"], "{edited:?}");
            let (merged, _) =
                merge(Some(&parsed), &block("5"), &Records::default(), day(16)).unwrap();
            let merged = parse(&merged);
            assert_eq!(merged.columns, ["Open tickets"], "{edited:?}");
            assert_eq!(merged.rows[&day(15)]["Open tickets"], "4", "{edited:?}");
            assert_eq!(merged.rows[&day(16)]["Open tickets"], "5", "{edited:?}");
        }
    }

    /// Columns that the frame does not have, as from another version, stay beside its own.
    #[test]
    fn frame_names_of_extra_columns() {
        let frame = ["A".to_string(), "B".to_string()];
        let names = |columns: &[&str]| {
            let columns: Vec<String> = columns.iter().map(ToString::to_string).collect();
            frame_names(&columns, &frame)
        };
        assert_eq!(names(&["a", "Old"]), ["A", "B"]);
        assert_eq!(names(&["B", "A"]), ["B", "A"]);
        assert_eq!(names(&["A", "Old", "B"]), ["A", "Old", "B"]);
        assert_eq!(names(&["Old"]), ["Old"]);
    }

    #[test]
    fn escape_text_joins_lines_and_comments() {
        let cases = [
            (
                "Upsell\n- [ ] Call\r\n## Heading",
                "Upsell - [ ] Call ## Heading",
            ),
            ("a\u{b}b\u{c}c\u{85}d\u{2028}e\u{2029}f\rg", "a b c d e f g"),
            (
                "x <!-- dex:end salesforce --> y",
                "x &lt;!-- dex:end salesforce --> y",
            ),
            ("<\n!--", "< !--"),
            ("  plain text  ", "plain text"),
        ];
        for (text, expected) in cases {
            assert_eq!(escape_text(text), expected, "{text:?}");
            assert_eq!(escape_text(expected), expected, "{expected:?} again");
        }
    }

    #[test]
    fn escape_line_keeps_blocks_and_tasks_out() {
        let cases = [
            (
                "[ ] Call Graham 📅 2026-03-01",
                "\\[ ] Call Graham 📅 2026-03-01",
            ),
            ("[x](done)", "\\[x](done)"),
            ("- [ ] nested", "\\- [ ] nested"),
            ("* star", "\\* star"),
            ("+ plus", "\\+ plus"),
            ("1. [ ] ordered", "1\\. [ ] ordered"),
            ("12) ordered", "12\\) ordered"),
            ("7.", "7\\."),
            ("## Fake heading", "\\## Fake heading"),
            ("> quote", "\\> quote"),
            ("```fence", "\\```fence"),
            ("~~~fence", "\\~~~fence"),
            ("___", "\\___"),
            ("=== x", "\\=== x"),
            ("| a | b |", "\\| a | b |"),
            ("<div>", "\\<div>"),
            ("<!-- x", "&lt;!-- x"),
        ];
        for (text, expected) in cases {
            assert_eq!(escape_line(text), expected, "{text:?}");
            assert_eq!(escape_line(expected), expected, "{expected:?} again");
        }
        for plain in [
            "Warehouse pilot: $45,000, closes 2026-06-30",
            "2026-03-01 Renewal closed lost #risk/not-renewing",
            "1.5M deal",
            "3M Company",
            "[[Link]] Co",
            "[ab] two letters",
        ] {
            assert_eq!(escape_line(plain), plain);
        }
    }

    #[test]
    fn escaped_pipes_split_as_one_cell() {
        assert_eq!(
            split_row("| 2026-03-15 | a \\| b | c |"),
            ["2026-03-15", "a | b", "c"]
        );
        for cell in ["a\\", "a\\|b", "\\|", "|", "a || b"] {
            let row = format!("| {} | end |", render_cell(cell));
            assert_eq!(split_row(&row), [cell, "end"], "{row}");
        }
        assert_eq!(split_row("| a | b"), ["a", "b"]);
        assert_eq!(split_row("|"), [""]);
    }

    #[test]
    fn hostile_text_round_trips() {
        let frame = Arc::new(Frame {
            source: "gainsight",
            heading: "Customer success (imported from Gainsight)".into(),
            columns: vec!["Stage".into(), "Status".into()],
            snapshot: true,
            provenance: "Imported from a\n<!-- x.csv on 2026-03-15 by dex import gainsight.".into(),
            notes: vec!["# Scores\u{2028}- [ ] note".into()],
        });
        let mut new = Block::new(
            &frame,
            vec![(
                day(15),
                vec![
                    "Adopt | Pilot\\".into(),
                    "Active\n<!-- dex:end gainsight -->".into(),
                ],
            )],
        );
        new.risks = vec!["2026-03-14 Churn\n- [ ] Call 📅 2026-03-01 #risk/churn".into()];
        new.expansion = Some(vec![
            "Upsell <!-- dex:end gainsight -->\n- [ ] Call [[Graham]] 📅 2026-03-01\n## Fake"
                .into(),
            "[ ] Call Graham 📅 2026-03-01".into(),
            "Pipe | table `tick`".into(),
        ]);

        let (content, _) = merge(None, &new, &Records::default(), day(15)).unwrap();
        let text = format!("# Health\n\n{}", wrap("gainsight", &content, "\n"));
        assert_eq!(text.matches("<!-- dex:begin").count(), 1, "{text}");
        assert_eq!(text.matches("<!-- dex:end").count(), 1, "{text}");
        assert_eq!(text.matches("<!--").count(), 2, "{text}");

        let summary = crate::syntax::parse(&text);
        assert!(summary.tasks.is_empty(), "{text}");
        assert_eq!(summary.headings.len(), 4, "{text}");

        let located = locate(&text, "gainsight").unwrap().unwrap();
        assert!(located.is_intact());
        let parsed = parse(&located.content);
        assert_eq!(parsed.rows[&day(15)]["Stage"], "Adopt | Pilot\\");
        assert_eq!(
            parsed.rows[&day(15)]["Status"],
            "Active &lt;!-- dex:end gainsight -->"
        );
        assert_eq!(parsed.expansion.len(), 3);
        assert_eq!(parsed.risks.len(), 1);
        assert!(merge(Some(&parsed), &new, &Records::default(), day(16)).is_none());
    }

    #[test]
    fn realigned_table_is_not_an_edit() {
        let (content, _) = merge(None, &block("4"), &Records::default(), day(15)).unwrap();
        let text = wrap("zendesk", &content, "\n")
            .replace("| Date | Open tickets |", "| Date       | Open tickets |  ")
            .replace("| --- | --- |", "|:-----------|-------------:|")
            .replace("| 2026-03-15 | 4 |", "| 2026-03-15 |            4 |");
        let located = locate(&text, "zendesk").unwrap().unwrap();
        assert!(located.is_intact(), "{text}");
        let edited = text.replace("|            4 |", "|            5 |");
        assert!(!locate(&edited, "zendesk").unwrap().unwrap().is_intact());
    }

    #[test]
    fn edited_block_is_detected() {
        let (content, _) = merge(None, &block("4"), &Records::default(), day(15)).unwrap();
        let text = wrap("zendesk", &content, "\r\n").replace("| 4 |", "| 40 |");
        assert!(!locate(&text, "zendesk").unwrap().unwrap().is_intact());
    }
}
