//! What an import run found and did: messages about the input, unmatched rows, planned file
//! changes and the closing summary.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde::Serialize;

/// How serious a message about the input is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// A row or value was rejected.
    Error,
    /// A value was read with a guess or ignored.
    Warning,
    /// How the file was read (its encoding or delimiter), for the record.
    Note,
}

impl Level {
    /// The lower-case name used in text output.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

/// A message about one place in an input file.
#[derive(Clone, Debug, Serialize)]
pub struct Message {
    /// The input file, as given on the command line.
    pub file: String,
    /// One-based line, when the message is about a line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The column header or field name (or a one-based column number for text formats).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// How serious it is.
    pub level: Level,
    /// What is wrong and what Dex did about it.
    pub message: String,
}

/// A row that matched no account.
#[derive(Clone, Debug, Serialize)]
pub struct Unmatched {
    /// The input file.
    pub file: String,
    /// One-based line of the row.
    pub line: u64,
    /// What the row calls its account: a name, id or domain.
    pub account: String,
}

/// One planned or written change to a file of the vault.
#[derive(Clone, Debug, Serialize)]
pub struct FileChange {
    /// Vault-relative path with `/` separators.
    pub path: String,
    /// `create` or `update`.
    pub action: &'static str,
    /// What changed, one short line each (`arr: 240000 -> 250000`).
    pub details: Vec<String>,
    /// Unified diff of the change, filled for `--dry-run`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// A Dex-owned block that the user edited, left as it is.
#[derive(Clone, Debug, Serialize)]
pub struct Conflict {
    /// Vault-relative path of the note.
    pub path: String,
    /// The source whose block it is.
    pub source: String,
    /// Why the block was left alone.
    pub reason: String,
}

/// The closing counts of a run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Data rows (or events, tickets, messages) read from every file.
    pub rows_read: u64,
    /// Rows that could not be used, each with an error message.
    pub rows_rejected: u64,
    /// Existing accounts whose pages changed.
    pub accounts_updated: usize,
    /// Accounts created with `--create-accounts`.
    pub accounts_created: usize,
    /// Distinct accounts named in rows that matched no account.
    pub unmatched: usize,
    /// Dex-owned blocks left alone because the user edited them.
    pub conflicts: usize,
    /// Notes created (meeting stubs, account pages).
    pub notes_created: usize,
}

/// Everything an import run reports.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// The source's command-line name.
    pub source: String,
    /// The import date.
    pub today: String,
    /// Whether this was a `--dry-run`.
    pub dry_run: bool,
    /// Messages about the input, in file and line order.
    pub messages: Vec<Message>,
    /// Rows that matched no account, one per distinct account and file.
    pub unmatched: Vec<Unmatched>,
    /// Blocks left alone.
    pub conflicts: Vec<Conflict>,
    /// Changes to the vault, written or (with `--dry-run`) planned.
    pub changes: Vec<FileChange>,
    /// The counts.
    pub summary: Summary,
    /// Whether the run was asked to create accounts for unmatched rows.
    #[serde(skip)]
    pub create_accounts: bool,
}

impl Report {
    /// Whether anything needs the user's attention: a rejected row, an unmatched account, a
    /// conflict, or any other error, such as a note the import could not read.
    pub fn needs_attention(&self) -> bool {
        self.summary.rows_rejected > 0
            || !self.unmatched.is_empty()
            || !self.conflicts.is_empty()
            || self.messages.iter().any(|m| m.level == Level::Error)
    }

    /// Formats the summary line that ends every text report. After `--dry-run` the line
    /// counts what the run would create and update, because nothing was written.
    pub fn summary_line(&self) -> String {
        let s = &self.summary;
        let accounts_updated = u64::try_from(s.accounts_updated).unwrap_or(u64::MAX);
        let accounts_created = u64::try_from(s.accounts_created).unwrap_or(u64::MAX);
        let notes_created = u64::try_from(s.notes_created).unwrap_or(u64::MAX);
        let conflicts = u64::try_from(s.conflicts).unwrap_or(u64::MAX);
        let mut line = if self.dry_run {
            format!(
                "dex import {} (dry run, nothing written): {} read, would update {}, would create \
                 {}, {} unmatched, {} rejected",
                self.source,
                plural(s.rows_read, "row"),
                plural(accounts_updated, "account"),
                plural(accounts_created, "account"),
                s.unmatched,
                plural(s.rows_rejected, "row"),
            )
        } else {
            format!(
                "dex import {}: {} read, updated {}, {} created, {} unmatched, {} rejected",
                self.source,
                plural(s.rows_read, "row"),
                plural(accounts_updated, "account"),
                s.accounts_created,
                s.unmatched,
                plural(s.rows_rejected, "row"),
            )
        };
        if notes_created > 0 {
            let notes = plural(notes_created, "note");
            if self.dry_run {
                let _ = write!(line, ", would create {notes}");
            } else {
                let _ = write!(line, ", {notes} created");
            }
        }
        if conflicts > 0 {
            let blocks = plural(conflicts, "edited block");
            if self.dry_run {
                let _ = write!(line, ", would leave {blocks} alone");
            } else {
                let _ = write!(line, ", {blocks} left alone");
            }
        }
        line
    }
}

/// Characters of an input value that a message quotes at most.
pub const EXCERPT_CHARS: usize = 64;

/// Formats a cell, header or other input value for quoting in a message: control characters
/// escaped (see [`escape_controls`]) and the text cut after [`EXCERPT_CHARS`] characters with `…`.
pub fn excerpt(text: &str) -> String {
    let mut cut = text
        .char_indices()
        .nth(EXCERPT_CHARS)
        .map_or(text, |(at, _)| &text[..at]);
    let truncated = cut.len() < text.len();
    if truncated {
        cut = cut.trim_end();
    }
    let mut quoted = escape_controls(cut).into_owned();
    if truncated {
        quoted.push('…');
    }
    quoted
}

/// Escapes the characters of `text` that a terminal would act on or hide instead of showing:
/// C0 and C1 control characters as `char::escape_default` writes them (`\n`, `\t`, `\u{0}`,
/// `\u{1b}`), and the byte order mark and bidirectional formatting characters as `\u{…}`.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{feff}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Returns the text of a `serde_json` error without the ` at line L column C` that its
/// `Display` adds, for messages that give the place in the file themselves.
pub fn json_error_text(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let place = format!(" at line {} column {}", err.line(), err.column());
    match text.strip_suffix(&place) {
        Some(bare) => bare.to_string(),
        None => text,
    }
}

/// `1 row`, `2 rows`.
pub fn plural(count: u64, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Collects messages for one input file, keeping at most [`Messages::MAX_PER_KIND`] of each kind
/// so that a file with the same fault on every row does not flood the output.
#[derive(Debug)]
pub struct Messages {
    file: String,
    list: Vec<Message>,
    counts: std::collections::HashMap<&'static str, u64>,
}

impl Messages {
    /// Messages of one kind kept per file; the rest are counted in one closing message.
    pub const MAX_PER_KIND: u64 = 20;

    /// An empty list for `file` (the name as given on the command line).
    pub fn new(file: &str) -> Messages {
        Messages {
            file: file.to_string(),
            list: Vec::new(),
            counts: std::collections::HashMap::new(),
        }
    }

    /// The file the messages are about.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Adds a message of kind `kind` (a short fixed tag used only for counting repeats).
    pub fn push(
        &mut self,
        kind: &'static str,
        level: Level,
        line: Option<u64>,
        field: Option<&str>,
        message: String,
    ) {
        self.insert(self.list.len(), kind, level, line, field, message);
    }

    /// Returns how many messages are kept so far, which is where [`Messages::push`] adds the
    /// next one.
    pub fn kept(&self) -> usize {
        self.list.len()
    }

    /// Adds a message as [`Messages::push`] does, but at `index` of the kept messages, for a
    /// message about an earlier row that could only be decided later. Returns whether it was
    /// kept. Messages of one kind must be added in the order they would have been pushed.
    pub fn insert(
        &mut self,
        index: usize,
        kind: &'static str,
        level: Level,
        line: Option<u64>,
        field: Option<&str>,
        message: String,
    ) -> bool {
        let count = self.counts.entry(kind).or_insert(0);
        *count += 1;
        if *count > Self::MAX_PER_KIND {
            return false;
        }
        let message = Message {
            file: self.file.clone(),
            line,
            field: field.map(excerpt),
            level,
            message: match escape_controls(&message) {
                Cow::Borrowed(_) => message,
                Cow::Owned(escaped) => escaped,
            },
        };
        self.list.insert(index, message);
        true
    }

    /// Adds an error about a row.
    pub fn error(&mut self, kind: &'static str, line: u64, field: Option<&str>, message: String) {
        self.push(kind, Level::Error, Some(line), field, message);
    }

    /// Adds a warning about a row.
    pub fn warning(&mut self, kind: &'static str, line: u64, field: Option<&str>, message: String) {
        self.push(kind, Level::Warning, Some(line), field, message);
    }

    /// Adds a message about a row before the first kept message about a later line, for a
    /// problem found only after later rows were read.
    pub fn push_in_line_order(
        &mut self,
        kind: &'static str,
        level: Level,
        line: u64,
        field: Option<&str>,
        message: String,
    ) {
        let index = self
            .list
            .iter()
            .position(|kept| kept.line.is_some_and(|kept_line| kept_line > line))
            .unwrap_or(self.list.len());
        self.insert(index, kind, level, Some(line), field, message);
    }

    /// Adds a note about a line.
    pub fn note_at(&mut self, line: u64, message: String) {
        self.push("note", Level::Note, Some(line), None, message);
    }

    /// Adds a note about the whole file.
    pub fn note(&mut self, message: String) {
        self.push("note", Level::Note, None, None, message);
    }

    /// The messages, with one closing line per kind whose repeats were cut.
    pub fn finish(mut self) -> Vec<Message> {
        let mut cut: Vec<(&'static str, u64)> = self
            .counts
            .iter()
            .filter(|(_, count)| **count > Self::MAX_PER_KIND)
            .map(|(kind, count)| (*kind, count - Self::MAX_PER_KIND))
            .collect();
        cut.sort_unstable();
        for (kind, more) in cut {
            self.list.push(Message {
                file: self.file.clone(),
                line: None,
                field: None,
                level: Level::Note,
                message: format!("{more} more `{kind}` messages like the ones above"),
            });
        }
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unread_note_needs_attention() {
        let mut report = Report::default();
        assert!(!report.needs_attention());
        report.messages.push(Message {
            file: "Active/Accounts/Acme/Overview.md".to_string(),
            line: None,
            field: None,
            level: Level::Warning,
            message: "a warning alone".to_string(),
        });
        assert!(!report.needs_attention());
        report.messages.push(Message {
            file: "Active/Accounts/Acme/Overview.md".to_string(),
            line: None,
            field: None,
            level: Level::Error,
            message: "note is saved as UTF-16".to_string(),
        });
        assert!(report.needs_attention());
    }

    #[test]
    fn excerpt_escapes_and_shortens() {
        assert_eq!(excerpt("Acme Corp"), "Acme Corp");
        assert_eq!(
            excerpt("a\nb\tc\0d\u{1b}[31m"),
            "a\\nb\\tc\\u{0}d\\u{1b}[31m"
        );
        assert_eq!(excerpt("\u{feff}Id \u{202e}x"), "\\u{feff}Id \\u{202e}x");
        let long = "é".repeat(EXCERPT_CHARS + 10);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with("é…"), "{cut}");
        assert_eq!(
            excerpt(&"a".repeat(EXCERPT_CHARS)),
            "a".repeat(EXCERPT_CHARS)
        );
        // A cut before a space does not end the excerpt in that space.
        let spaced = format!("{} tail", "a".repeat(EXCERPT_CHARS - 1));
        assert_eq!(
            excerpt(&spaced),
            format!("{}…", "a".repeat(EXCERPT_CHARS - 1))
        );
    }

    #[test]
    fn messages_escape_control_characters() {
        let mut messages = Messages::new("tickets.csv");
        let header = format!("Na\0me{}", "x".repeat(100));
        messages.warning("test", 2, Some(&header), "cell `a\r\nb`".to_string());
        let kept = messages.finish();
        assert_eq!(kept[0].message, "cell `a\\r\\nb`");
        let field = kept[0].field.as_deref().unwrap();
        assert!(field.starts_with("Na\\u{0}mexxx"), "{field}");
        assert!(field.chars().count() <= EXCERPT_CHARS + 8, "{field}");
    }

    #[test]
    fn json_error_text_drops_the_place() {
        let err = serde_json::from_str::<serde_json::Value>("{\"a\": tru}").unwrap_err();
        assert_eq!(err.to_string(), "expected ident at line 1 column 10");
        assert_eq!(json_error_text(&err), "expected ident");
    }

    #[test]
    fn insert_places_and_caps_messages() {
        let mut messages = Messages::new("tickets.csv");
        messages.warning("dated", 1, None, "first".to_string());
        messages.warning("dated", 3, None, "third".to_string());
        assert_eq!(messages.kept(), 2);
        let late = |text: &str| text.to_string();
        assert!(messages.insert(1, "late", Level::Warning, Some(2), None, late("second")));
        let lines: Vec<Option<u64>> = messages.list.iter().map(|m| m.line).collect();
        assert_eq!(lines, [Some(1), Some(2), Some(3)]);

        // The insert above counts, so the kind has room for MAX_PER_KIND - 1 more.
        for _ in 1..Messages::MAX_PER_KIND {
            assert!(messages.insert(0, "late", Level::Warning, None, None, late("more")));
        }
        assert!(!messages.insert(0, "late", Level::Warning, None, None, late("cut")));
        let finished = messages.finish();
        let max = usize::try_from(Messages::MAX_PER_KIND).unwrap();
        assert_eq!(finished.len(), 2 + max + 1);
        assert!(!finished.iter().any(|m| m.message == "cut"));
        let last = &finished.last().unwrap().message;
        assert_eq!(last, "1 more `late` messages like the ones above");
    }
}
