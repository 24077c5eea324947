//! Reads the Dex-owned blocks that `dex import` writes into an account's `Health.md`.
//! A block records its position, the source and import that wrote it, the properties that import
//! set on the account's other pages, and when the pages it wrote were last edited by hand.
//!
//! The import renders a block like this, with the note's own line endings:
//!
//! ```text
//! <!-- dex:begin salesforce sha256=0123456789abcdef -->
//! ## CRM (imported from Salesforce)
//!
//! | Date | ARR | Renewal |
//! | --- | --- | --- |
//! | 2026-03-15 | $250,000 | 2026-09-30 |
//!
//! Imported from accounts.csv on 2026-03-15 by dex import salesforce.
//! Set on Overview.md: `arr: 250000`, `renewal_date: 2026-09-30`.
//! <!-- dex:pages Overview.md 2026-03-01 0123456789abcdef; Health.md 2026-02-20 fedcba9876543210 -->
//! <!-- dex:end salesforce -->
//! ```
//!
//! The `dex:pages` record keeps, for each page the import wrote, the day its hand-written content
//! dates from and a fingerprint of the page ([`page_fingerprint`]). Writing a page changes its
//! modification time, so without the record the page's own values would look as new as the import.

use std::fmt::Write as _;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::text::TextRange;

const BEGIN: &str = "<!-- dex:begin ";
/// The prefix of the `dex:pages` record line.
pub const PAGES: &str = "<!-- dex:pages ";
const PROVENANCE: &str = "Imported from ";
/// The prefix of the properties line.
pub const PROPERTIES: &str = "Set on ";

/// One Dex-owned block found in a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DexBlock {
    /// The source's slug from the markers (`salesforce`, `zendesk`, ...).
    pub source: String,
    /// The product name from the heading's "(imported from …)"; the slug when the heading has
    /// none.
    pub title: String,
    /// From the start of the begin marker's line to the end of the end marker's line, its line
    /// ending included.
    pub range: TextRange,
    /// The provenance line, when it can be read.
    pub provenance: Option<Provenance>,
    /// Properties the import set on other pages of the account.
    pub properties: Vec<Property>,
    /// Pages the import wrote, with the day their hand-written content dates from.
    pub pages: Vec<PageRecord>,
}

/// A block's provenance line, "Imported from … on … by dex import ….".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// The export files, as the line names them.
    pub files: Vec<String>,
    /// The day of the import that last changed the block.
    pub date: NaiveDate,
    /// The command, such as `dex import salesforce`.
    pub command: String,
    /// The line's range, line ending excluded.
    pub range: TextRange,
}

/// A frontmatter property an import set on another page of the account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    /// The page's path relative to the account folder (`Overview.md`).
    pub page: String,
    /// The property name.
    pub key: String,
    /// The YAML value text the import left on the page.
    pub value: String,
}

/// A page an import wrote: the day its hand-written content dates from and the page's
/// [`page_fingerprint`] right after the write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRecord {
    /// The page's path relative to the account folder (`Overview.md`, `Health.md`).
    pub page: String,
    /// The day the page's hand-written content dates from.
    pub date: NaiveDate,
    /// The page's fingerprint after the import wrote it.
    pub fingerprint: String,
}

impl PageRecord {
    /// Renders records as the `dex:pages` comment line.
    pub fn render(records: &[PageRecord]) -> String {
        let entries: Vec<String> = records
            .iter()
            .map(|r| format!("{} {} {}", r.page, r.date, r.fingerprint))
            .collect();
        format!("{PAGES}{} -->", entries.join("; "))
    }
}

/// Finds every Dex-owned block in `text`. A begin marker without its end marker is not a block.
pub fn blocks(text: &str) -> Vec<DexBlock> {
    let mut found = Vec::new();
    if !text.contains(BEGIN) {
        return found;
    }
    let lines = lines(text);
    let mut i = 0;
    while i < lines.len() {
        let (start, line) = lines[i];
        let Some(source) = begin_source(line) else {
            i += 1;
            continue;
        };
        let end_marker = format!("<!-- dex:end {source} -->");
        let Some(end) = (i + 1..lines.len()).find(|&j| lines[j].1.trim() == end_marker) else {
            i += 1;
            continue;
        };
        let end_offset = lines.get(end + 1).map_or(text.len(), |(next, _)| *next);
        let mut block = DexBlock {
            title: source.to_string(),
            source: source.to_string(),
            range: TextRange::from_usize(start..end_offset),
            provenance: None,
            properties: Vec::new(),
            pages: Vec::new(),
        };
        for &(offset, content) in &lines[i + 1..end] {
            read_line(&mut block, offset, content);
        }
        found.push(block);
        i = end + 1;
    }
    found
}

/// Splits `text` into lines without their endings (`\n`, `\r\n` or a lone `\r` before `\n`),
/// each with its byte offset.
fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        out.push((offset, raw.trim_end_matches(['\n', '\r'])));
        offset += raw.len();
    }
    out
}

/// Returns the slug of a begin marker line (`<!-- dex:begin zendesk sha256=… -->`).
fn begin_source(line: &str) -> Option<&str> {
    let trimmed = line.trim();
    let rest = trimmed.strip_prefix(BEGIN)?;
    if !trimmed.ends_with("-->") {
        return None;
    }
    let source = rest.split_whitespace().next()?;
    (source != "-->").then_some(source)
}

fn read_line(block: &mut DexBlock, offset: usize, line: &str) {
    let trimmed = line.trim();
    let start = offset + (line.len() - line.trim_start().len());
    if let Some(heading) = trimmed.strip_prefix("## ") {
        if let Some((_, rest)) = heading.rsplit_once("(imported from ") {
            if let Some(title) = rest.strip_suffix(')') {
                block.title = title.trim().to_string();
            }
        }
    } else if trimmed.starts_with(PROVENANCE) {
        let range = TextRange::from_usize(start..start + trimmed.len());
        block.provenance = parse_provenance(trimmed, range);
    } else if let Some(rest) = trimmed.strip_prefix(PROPERTIES) {
        block.properties.extend(parse_properties(rest));
    } else if let Some(rest) = trimmed.strip_prefix(PAGES) {
        block.pages = parse_pages(rest.strip_suffix("-->").unwrap_or(rest));
    }
}

/// Reads "Imported from a.csv, b.csv on 2026-03-15 by dex import salesforce.".
fn parse_provenance(line: &str, range: TextRange) -> Option<Provenance> {
    let rest = line.strip_prefix(PROVENANCE)?;
    let rest = rest.strip_suffix('.').unwrap_or(rest);
    let (head, command) = rest.rsplit_once(" by ")?;
    let (files, date) = head.rsplit_once(" on ")?;
    Some(Provenance {
        files: files.split(", ").map(str::to_string).collect(),
        date: NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?,
        command: command.trim().to_string(),
        range,
    })
}

/// Reads "Overview.md: `arr: 250000`, `owner: Dana Whitfield`." after "Set on ".
fn parse_properties(rest: &str) -> Vec<Property> {
    let Some((page, spans)) = rest.split_once(": ") else {
        return Vec::new();
    };
    // Odd parts of a split on backticks are the code spans.
    spans
        .split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|span| {
            let (key, value) = span.split_once(": ")?;
            Some(Property {
                page: page.trim().to_string(),
                key: key.trim().to_string(),
                value: decode_value(value.trim()),
            })
        })
        .collect()
}

/// Reads "Overview.md 2026-03-01 0123456789abcdef; Health.md …" after `<!-- dex:pages `.
fn parse_pages(rest: &str) -> Vec<PageRecord> {
    rest.split(';')
        .filter_map(|entry| {
            let mut parts = entry.trim().rsplitn(3, ' ');
            let fingerprint = parts.next()?;
            let date = NaiveDate::parse_from_str(parts.next()?, "%Y-%m-%d").ok()?;
            let page = parts.next()?.trim();
            (!page.is_empty()).then(|| PageRecord {
                page: page.to_string(),
                date,
                fingerprint: fingerprint.to_string(),
            })
        })
        .collect()
}

/// Renders the properties line for `page`, or `None` when there is nothing to list. A backtick
/// in a value would end its code span, and a `<` could start a comment marker inside the block.
/// So they are written as `&#96;` and `&lt;`, and an `&` that would read as one of these as
/// `&amp;`. [`parse_properties`] reads them back.
pub fn render_properties(page: &str, properties: &[(String, String)]) -> Option<String> {
    let spans: Vec<String> = properties
        .iter()
        .map(|(key, value)| format!("`{key}: {}`", encode_value(value)))
        .collect();
    (!spans.is_empty()).then(|| format!("{PROPERTIES}{page}: {}.", spans.join(", ")))
}

/// The character references a recorded value uses, with the characters they stand for.
const REFERENCES: [(&str, char); 3] = [("&#96;", '`'), ("&lt;", '<'), ("&amp;", '&')];

fn encode_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.char_indices() {
        let reads_as_reference =
            c == '&' && REFERENCES.iter().any(|(r, _)| value[i..].starts_with(r));
        match REFERENCES.iter().find(|(_, plain)| *plain == c) {
            Some((reference, _)) if c != '&' || reads_as_reference => out.push_str(reference),
            _ => out.push(c),
        }
    }
    out
}

fn decode_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match REFERENCES.iter().find(|(r, _)| rest.starts_with(r)) {
            Some((reference, plain)) => {
                out.push(*plain);
                rest = &rest[reference.len()..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Fingerprints a page's hand-written content: the first 16 hex digits of the SHA-256 of its
/// text without its Dex-owned blocks and without trailing whitespace. Adding, changing or
/// removing a block leaves the fingerprint as it was; any other edit changes it.
pub fn page_fingerprint(text: &str) -> String {
    let mut hasher = Sha256::new();
    let mut kept = String::with_capacity(text.len());
    let mut offset = 0;
    for block in blocks(text) {
        kept.push_str(&text[offset..block.range.start as usize]);
        offset = block.range.end as usize;
    }
    kept.push_str(&text[offset.min(text.len())..]);
    hasher.update(kept.trim_end().as_bytes());
    short_hex(&hasher.finalize())
}

/// Formats the first 8 bytes of a digest as 16 hex digits, the form of Dex's hashes in notes.
pub fn short_hex(digest: &[u8]) -> String {
    let mut hex = String::with_capacity(16);
    for byte in digest.iter().take(8) {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: &str = "# Health\n\
NPS:: 7\n\
\n\
<!-- dex:begin salesforce sha256=0123456789abcdef -->\n\
## CRM (imported from Salesforce)\n\
\n\
| Date | ARR | Renewal |\n\
| --- | --- | --- |\n\
| 2026-03-15 | $250,000 | 2026-09-30 |\n\
\n\
Imported from accounts.csv, opportunities.csv on 2026-03-15 by dex import salesforce.\n\
Set on Overview.md: `arr: 250000`, `owner: \"Dana Whitfield\"`.\n\
<!-- dex:pages Overview.md 2026-03-01 0123456789abcdef; Health.md 2026-02-20 fedcba9876543210 -->\n\
<!-- dex:end salesforce -->\n\
after\n";

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn block_with_every_line() {
        let found = blocks(BLOCK);
        assert_eq!(found.len(), 1);
        let block = &found[0];
        assert_eq!(block.source, "salesforce");
        assert_eq!(block.title, "Salesforce");
        let covered = &BLOCK[block.range.as_usize()];
        assert!(
            covered.starts_with("<!-- dex:begin salesforce"),
            "{covered}"
        );
        assert!(
            covered.ends_with("<!-- dex:end salesforce -->\n"),
            "{covered}"
        );
        let provenance = block.provenance.as_ref().unwrap();
        assert_eq!(provenance.files, ["accounts.csv", "opportunities.csv"]);
        assert_eq!(provenance.date, day("2026-03-15"));
        assert_eq!(provenance.command, "dex import salesforce");
        assert!(BLOCK[provenance.range.as_usize()].starts_with("Imported from"));
        assert!(BLOCK[provenance.range.as_usize()].ends_with("salesforce."));
        assert_eq!(
            block.properties,
            [
                Property {
                    page: "Overview.md".into(),
                    key: "arr".into(),
                    value: "250000".into()
                },
                Property {
                    page: "Overview.md".into(),
                    key: "owner".into(),
                    value: "\"Dana Whitfield\"".into()
                },
            ]
        );
        assert_eq!(
            block.pages,
            [
                PageRecord {
                    page: "Overview.md".into(),
                    date: day("2026-03-01"),
                    fingerprint: "0123456789abcdef".into()
                },
                PageRecord {
                    page: "Health.md".into(),
                    date: day("2026-02-20"),
                    fingerprint: "fedcba9876543210".into()
                },
            ]
        );
    }

    #[test]
    fn crlf_block_ranges() {
        let crlf = BLOCK.replace('\n', "\r\n");
        let block = &blocks(&crlf)[0];
        assert!(crlf[block.range.as_usize()].ends_with("<!-- dex:end salesforce -->\r\n"));
        let provenance = block.provenance.as_ref().unwrap();
        let line = &crlf[provenance.range.as_usize()];
        assert!(line.ends_with("salesforce."), "{line:?}");
        assert_eq!(provenance.date, day("2026-03-15"));
        assert_eq!(block.pages.len(), 2);
    }

    #[test]
    fn unterminated_and_unreadable_blocks() {
        let text = "<!-- dex:begin zendesk sha256=00 -->\n## Support\n\
<!-- dex:begin pendo -->\n## Usage\nImported from x.csv on someday by dex import pendo.\n\
<!-- dex:end pendo -->\n";
        let found = blocks(text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].source, "pendo");
        assert_eq!(found[0].title, "pendo");
        assert_eq!(found[0].provenance, None);
        assert!(blocks("no blocks here\n").is_empty());
    }

    #[test]
    fn fingerprint_ignores_blocks_only() {
        let without = "# Health\nNPS:: 7\n";
        let with = BLOCK.replace("after\n", "");
        assert_eq!(page_fingerprint(without), page_fingerprint(&with));
        assert_ne!(
            page_fingerprint(without),
            page_fingerprint("# Health\nNPS:: 6\n")
        );
        assert_eq!(page_fingerprint(without).len(), 16);
    }

    #[test]
    fn properties_line_round_trip() {
        let values = [
            "250000",
            "`code`",
            "At risk <!-- dex:end gainsight -->",
            "Freight & Rail",
            "a &lt; b &#96; &amp;",
            "&",
        ];
        let properties: Vec<(String, String)> = (values.iter().enumerate())
            .map(|(i, value)| (format!("key{i}"), (*value).to_string()))
            .collect();
        let line = render_properties("Overview.md", &properties).unwrap();
        assert!(!line.contains("<!--"));
        assert_eq!(line.matches('`').count(), 2 * values.len());
        assert!(line.contains("`key3: Freight & Rail`"), "{line}");
        let parsed = parse_properties(line.strip_prefix(PROPERTIES).unwrap());
        let read: Vec<&str> = parsed.iter().map(|p| p.value.as_str()).collect();
        assert_eq!(read, values);
        assert_eq!(render_properties("Overview.md", &[]), None);
    }
}
