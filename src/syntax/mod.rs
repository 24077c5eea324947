//! Markdown parsing: one note's text in, a [`NoteSummary`] out.
//!
//! pulldown-cmark decides the block structure, code spans, HTML and math inside a paragraph.
//! Our own scanners then read display math that spans paragraphs, and the Obsidian, Tasks and
//! Dataview syntax (comments, wikilinks, tags, block ids, task fields, inline fields) from the
//! text that is left. No pulldown-cmark type leaves
//! this module, and nothing in it deals with files, the vault or the protocol.

pub mod dex_block;
mod fields;
mod frontmatter;
mod hidden;
mod link;
mod markdown;
mod task;
#[cfg(test)]
mod tests;
pub mod yaml;

pub use frontmatter::{Frontmatter, strip_yaml_comment};
pub use link::{parse_link_text, strip_md};
pub use task::{DateField, DateKind, Priority, Task, TaskStatus};

use crate::text::{LineIndex, TextRange};

/// Everything Dex reads from one note. All ranges are byte ranges into the note's text.
#[derive(Clone, Debug, Default)]
pub struct NoteSummary {
    /// Line index of the text the summary was parsed from.
    pub line_index: LineIndex,
    /// YAML frontmatter, when the note starts with a closed `---` block; boxed because most
    /// notes of a large vault are smaller without it inline.
    pub frontmatter: Option<Box<Frontmatter>>,
    /// Headings in document order.
    pub headings: Vec<Heading>,
    /// Block ids (`^id` at the end of a line) in document order.
    pub block_ids: Vec<BlockId>,
    /// Links of every form in the body, in document order.
    pub links: Vec<Link>,
    /// Wikilinks written in frontmatter values (`attendees: ["[[Dana Reyes]]"]`), in document
    /// order. Obsidian counts them as links since version 1.4, so they resolve, navigate and
    /// count as references. The note's account still comes from its first body link.
    pub property_links: Vec<Link>,
    /// Inline and frontmatter tags.
    pub tags: Vec<Tag>,
    /// Task list items (action items) in document order.
    pub tasks: Vec<Task>,
    /// Inline fields: `- Key: value` list items, `Key:: value` and `[key:: value]`.
    pub fields: Vec<Field>,
    /// Every list item's first line, in document order.
    pub list_items: Vec<ListItem>,
    /// GFM tables in document order.
    pub tables: Vec<Table>,
    /// Code blocks, HTML blocks, math and frontmatter, sorted: text that is not prose.
    pub excluded: Vec<TextRange>,
    /// Dates written in prose, properties and fields, real days or not; not those in code,
    /// links, URLs, tags or footnote labels.
    pub dates: Vec<TextRange>,
    /// Problems found while parsing.
    pub problems: Vec<Problem>,
}

impl Default for LineIndex {
    fn default() -> Self {
        LineIndex::new("")
    }
}

/// An ATX or setext heading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    /// Level 1 to 6.
    pub level: u8,
    /// Heading text without the `#` markers, trimmed.
    pub text: String,
    /// The heading's whole line (or lines, for setext headings).
    pub range: TextRange,
    /// End of the section the heading opens: the start of the next heading of the same or a
    /// higher level, or the end of the note.
    pub section_end: u32,
}

/// The standard sections of a CSM note, recognised by heading text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SectionKind {
    /// "Account Health", "Health".
    Health,
    /// "Key Wins", "Wins".
    Wins,
    /// "Concerns", "Risks".
    Risks,
    /// "Action Items", "Next Steps".
    ActionItems,
    /// "Expansion Opportunity", "Expansion", "Upsell".
    Expansion,
}

impl SectionKind {
    /// Recognises a section heading case-insensitively, with its common synonyms.
    pub fn from_heading(text: &str) -> Option<SectionKind> {
        let normalized: String = text
            .replace('&', " and ")
            .chars()
            .filter(|c| c.is_alphanumeric() || c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        let words = normalized.split_whitespace().collect::<Vec<_>>().join(" ");
        Some(match words.as_str() {
            "account health" | "health" | "health check" | "health signals" => SectionKind::Health,
            "key wins" | "wins" | "highlights" | "successes" => SectionKind::Wins,
            "concerns" | "risks" | "risks and concerns" | "concerns and risks" | "blockers" => {
                SectionKind::Risks
            }
            "action items" | "next steps" | "actions" | "follow ups" | "followups" | "todo"
            | "to do" => SectionKind::ActionItems,
            "expansion opportunity"
            | "expansion opportunities"
            | "expansion"
            | "upsell"
            | "upsell opportunities" => SectionKind::Expansion,
            _ => return None,
        })
    }
}

/// A block id that makes a line linkable as `[[Note#^id]]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockId {
    /// The id without the caret.
    pub id: String,
    /// Range of `^id`.
    pub range: TextRange,
}

/// How a link is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// `[[Note]]`.
    Wiki,
    /// `![[Note]]`.
    Embed,
    /// `[text](Note.md)`.
    Markdown,
}

/// The part of a link after `#`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subpath {
    /// `#Heading` or a chain `#Heading#Subheading`; the last heading is the target.
    Heading(Vec<String>),
    /// `#^block-id`.
    Block(String),
}

/// A link to another note, or to a part of this one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// How the link is written.
    pub kind: LinkKind,
    /// The link path before `#`, without a trailing `.md`; empty for `[[#Heading]]`.
    pub target: Box<str>,
    /// Heading or block part; boxed, since most links have none.
    pub subpath: Option<Box<Subpath>>,
    /// Display text after `|` (wikilinks) or between brackets (Markdown links).
    pub alias: Option<Box<str>>,
    /// The whole link, brackets included.
    pub range: TextRange,
    /// The link path and subpath, without brackets, alias and the whitespace around them:
    /// `Note#Risks` in `[[ Note#Risks | shown ]]`. Diagnostics and renames cover this range.
    pub target_range: TextRange,
    /// Whether the link sits inside an Obsidian `%% comment %%`.
    pub in_comment: bool,
}

/// A `#tag`, from the text or from frontmatter `tags`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// Tag name without `#`, as written.
    pub name: String,
    /// Range of `#name` in the text, or of the value in the frontmatter.
    pub range: TextRange,
}

/// Where an inline field was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldSource {
    /// `- Key: value` list item.
    ListItem,
    /// Dataview `Key:: value`, `[key:: value]` or `(key:: value)`.
    Inline,
    /// A frontmatter key with a scalar value.
    Frontmatter,
}

/// A key/value pair written in the note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// Key as written, trimmed, without Markdown emphasis.
    pub key: String,
    /// Value as written, trimmed.
    pub value: String,
    /// Where the field was written.
    pub source: FieldSource,
    /// Range of the key.
    pub key_range: TextRange,
    /// Range of the value.
    pub value_range: TextRange,
}

/// A GFM table: its header cells and rows, each cell trimmed with its range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// The whole table.
    pub range: TextRange,
    /// Header cells.
    pub header: Vec<Cell>,
    /// Body rows, each a list of cells.
    pub rows: Vec<Vec<Cell>>,
}

/// One table cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Cell text as written, trimmed, with `\|` read as `|`.
    pub text: String,
    /// Range of the trimmed text.
    pub range: TextRange,
}

/// The first line of a list item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListItem {
    /// From the list marker to the end of the line.
    pub range: TextRange,
    /// Start of the item's content after the marker (and checkbox, for tasks).
    pub content_start: u32,
    /// Column of the marker in bytes from the start of the line, a proxy for nesting.
    pub indent: u32,
}

/// What is wrong with a part of the note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The frontmatter is not valid YAML; the text is the parser's message.
    InvalidFrontmatter(String),
    /// The note starts with `---` but the block is never closed.
    UnclosedFrontmatter,
    /// A date that matches `YYYY-MM-DD` but does not exist.
    ImpossibleDate(String),
}

/// A problem found while parsing, with the range it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What is wrong.
    pub kind: ProblemKind,
    /// Where.
    pub range: TextRange,
}

impl Heading {
    /// The standard section this heading opens, if any.
    pub fn section_kind(&self) -> Option<SectionKind> {
        SectionKind::from_heading(&self.text)
    }
}

impl NoteSummary {
    /// Drops what only a reader of the note's text needs (fields, list items, tables and the
    /// non-prose ranges), keeping what the vault index serves without the text: headings, block
    /// ids, links, tags, tasks, frontmatter and problems. Callers that need the rest parse the
    /// text again.
    pub fn strip_for_index(&mut self) {
        self.fields = Vec::new();
        self.list_items = Vec::new();
        self.tables = Vec::new();
        self.excluded = Vec::new();
        self.dates = Vec::new();
    }

    /// Releases the spare capacity of every list, which a large vault would otherwise pay for
    /// in memory.
    pub fn shrink_to_fit(&mut self) {
        self.headings.shrink_to_fit();
        self.block_ids.shrink_to_fit();
        self.links.shrink_to_fit();
        self.property_links.shrink_to_fit();
        self.tags.shrink_to_fit();
        self.tasks.shrink_to_fit();
        self.fields.shrink_to_fit();
        self.list_items.shrink_to_fit();
        self.tables.shrink_to_fit();
        self.excluded.shrink_to_fit();
        self.dates.shrink_to_fit();
        self.problems.shrink_to_fit();
    }

    /// Returns every link of the note: the frontmatter's, then the body's.
    pub fn all_links(&self) -> impl Iterator<Item = &Link> {
        self.property_links.iter().chain(&self.links)
    }

    /// The innermost standard section that contains byte `offset`: the deepest heading whose
    /// section spans the offset and names a known section.
    pub fn section_at(&self, offset: u32) -> Option<SectionKind> {
        self.headings
            .iter()
            .filter(|h| h.range.start <= offset && offset < h.section_end)
            .filter_map(Heading::section_kind)
            .next_back()
    }
}

/// Parses one note. It has no error case: text that cannot be read as Markdown structure is
/// plain text, and the fuzz target `parse_note` checks that no input panics.
pub fn parse(text: &str) -> NoteSummary {
    markdown::parse(text, markdown::Detail::Full)
}

/// Parses what the vault index keeps of a note: like [`parse`], without inline fields, list items,
/// tables and non-prose ranges. Frontmatter fields are read.
pub fn parse_outline(text: &str) -> NoteSummary {
    markdown::parse(text, markdown::Detail::Outline)
}

/// Parses only the frontmatter block at the top of `text`, giving the same frontmatter,
/// frontmatter fields and frontmatter tags as [`parse`]. The body is not read, so the summary
/// has no line index, headings, links or body fields.
pub fn parse_frontmatter(text: &str) -> NoteSummary {
    markdown::parse_frontmatter(text)
}

/// Finds the `YYYY-MM-DD` dates written in `text`, in ASCII digits and not part of a longer
/// number or word (`2026-03-14T10:00` counts, `INV-2026-03-14`, `PO#2026-03-14` and `2026-03-145`
/// do not). The
/// dates need not exist: `2026-02-30` is found too.
pub fn iso_dates(text: &str) -> impl Iterator<Item = TextRange> + '_ {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    memchr::memchr_iter(b'-', bytes).filter_map(move |dash| {
        let start = dash.checked_sub(4)?;
        let end = dash + 6;
        if end > bytes.len() || bytes[dash + 3] != b'-' {
            return None;
        }
        if !digits(start..dash) || !digits(dash + 1..dash + 3) || !digits(dash + 4..end) {
            return None;
        }
        let before = start.checked_sub(1).map(|i| bytes[i]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'#')) {
            return None;
        }
        let after = bytes.get(end).copied();
        let time_follows =
            after == Some(b'T') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
        if after.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') && !time_follows {
            return None;
        }
        Some(TextRange::from_usize(start..end))
    })
}

/// Finds a block id (`^id`, letters, digits and `-`) that ends `line`, after the start of the line
/// or whitespace. Trailing whitespace may follow. Returns the byte range of `^id`.
pub fn trailing_block_id(line: &str) -> Option<std::ops::Range<usize>> {
    let trimmed = line.trim_end();
    let id_len = trimmed
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
        .count();
    let caret = trimmed.len().checked_sub(id_len + 1)?;
    if id_len == 0 || trimmed.as_bytes()[caret] != b'^' {
        return None;
    }
    let after_space = trimmed[..caret]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    after_space.then_some(caret..trimmed.len())
}

/// Checks whether `name` is a valid tag body (without `#`): at least one character that is not a
/// digit, and none of the characters that end a tag.
pub fn is_valid_tag(name: &str) -> bool {
    !name.is_empty() && name.chars().all(is_tag_char) && name.chars().any(|c| !c.is_ascii_digit())
}

/// Characters allowed in a tag: anything but whitespace, ASCII punctuation other than `_ - /`,
/// and the General and Supplemental Punctuation blocks.
pub fn is_tag_char(c: char) -> bool {
    if c.is_whitespace() {
        return false;
    }
    if c.is_ascii_punctuation() {
        return matches!(c, '_' | '-' | '/');
    }
    !matches!(c, '\u{2000}'..='\u{206F}' | '\u{2E00}'..='\u{2E7F}')
}
