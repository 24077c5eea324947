//! Property tests for position conversion, incremental edits and the parser's ranges.
//!
//! Texts are built from fragments that stress the conversions: emoji outside the Basic
//! Multilingual Plane, ZWJ sequences, combining marks, CJK, tabs and all three line breaks
//! (`\n`, `\r\n`, lone `\r`). Every expected value comes from a reference written with plain
//! `str` methods, not from the code under test.

use dex::syntax::{FieldSource, LinkKind, NoteSummary, parse};
use dex::text::{LineCol, LineIndex, PositionEncoding, TextRange, apply_change};
use proptest::prelude::*;
use proptest::sample::select;
use ropey::Rope;

const ENCODINGS: [PositionEncoding; 3] = [
    PositionEncoding::Utf8,
    PositionEncoding::Utf16,
    PositionEncoding::Utf32,
];

/// Fragments for plain text: one or more characters each.
const TEXT_FRAGMENTS: &[&str] = &[
    "a",
    "Acme",
    " ",
    "\t",
    "📅",
    "😀",
    "👩\u{200d}💻",
    "e\u{301}",
    "北星",
    "é",
    "\n",
    "\r\n",
    "\r",
    "\r\r\n",
    "\n\r",
];

/// Fragments for Markdown-ish notes: the syntax Dex reads, broken and unbalanced on purpose.
const MARKDOWN_FRAGMENTS: &[&str] = &[
    "[[",
    "]]",
    "![[",
    "Dana",
    "#",
    "# ",
    "## Risks",
    "#tag",
    "#2026",
    "- [ ] ",
    "\n- [ ] ",
    "- [x] ",
    "1. ",
    "- ",
    "  ",
    "> ",
    "📅 2026-02-30",
    "📅 2026-03-10",
    "⏳2026-01-01",
    "[due:: 2026-04-01]",
    "due: 2026-13-01",
    "🔺",
    "🔁 every week",
    "@Sam",
    "`",
    "```\n",
    "$",
    "$$",
    "<div>",
    "---\n",
    "---",
    "...\n",
    "tags: [a, b]\n",
    "key: [\n",
    "%%",
    "|",
    "\\|",
    "^id",
    " ^block-1",
    " ^block-1\n",
    "Health:: green",
    "(owner:: Sam)",
    "**Status**: ok",
    "**",
    "__",
    "[text](Note.md#Head)",
    "[x](%zz.md)",
    "](",
    "(",
    ")",
    "[",
    "]",
    "::",
    "\u{feff}",
    "\u{2003}",
    "===\n",
];

/// Plain text mixing ASCII, multi-unit characters, tabs and every kind of line break.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(select(TEXT_FRAGMENTS), 0..40).prop_map(|parts| parts.concat())
}

/// Markdown-ish text: note syntax mixed with the plain-text fragments.
fn markdown() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        3 => select(MARKDOWN_FRAGMENTS),
        2 => select(TEXT_FRAGMENTS),
    ];
    prop::collection::vec(fragment, 0..60).prop_map(|parts| parts.concat())
}

fn encoding() -> impl Strategy<Value = PositionEncoding> {
    select(&ENCODINGS[..])
}

/// Generates a line or column number: usually small enough to land in the text, sometimes far
/// past it.
fn coordinate() -> impl Strategy<Value = u32> {
    prop_oneof![
        8 => 0u32..24,
        1 => 24u32..200,
        1 => Just(u32::MAX),
    ]
}

fn position() -> impl Strategy<Value = LineCol> {
    (coordinate(), coordinate()).prop_map(|(line, col)| LineCol { line, col })
}

/// Checks whether `offset` falls between the `\r` and the `\n` of a `\r\n` pair, which is not a
/// position.
fn inside_crlf(text: &str, offset: usize) -> bool {
    offset > 0
        && text.as_bytes()[offset - 1] == b'\r'
        && text.as_bytes().get(offset) == Some(&b'\n')
}

/// Byte ranges of each line's content, without terminators, found by scanning chars.
fn reference_lines(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, ch)) = chars.next() {
        match ch {
            '\n' => {
                lines.push(start..at);
                start = at + 1;
            }
            '\r' => {
                lines.push(start..at);
                start = at + 1;
                if chars.peek().is_some_and(|&(_, next)| next == '\n') {
                    chars.next();
                    start += 1;
                }
            }
            _ => {}
        }
    }
    lines.push(start..text.len());
    lines
}

/// Length of `s` in the encoding's code units.
fn units(s: &str, encoding: PositionEncoding) -> u32 {
    let count = match encoding {
        PositionEncoding::Utf8 => s.len(),
        PositionEncoding::Utf16 => s.encode_utf16().count(),
        PositionEncoding::Utf32 => s.chars().count(),
    };
    u32::try_from(count).expect("test texts are far below 4 GiB")
}

/// Applies a change to a `String` by converting the positions with [`LineIndex::offset`]. That
/// function clamps the way `apply_change` documents: a line past the last maps to the end of the
/// text, a column past the end of a line to the line's end, and a column inside a character to its
/// start.
fn reference_apply(
    text: &str,
    range: Option<(LineCol, LineCol)>,
    new_text: &str,
    encoding: PositionEncoding,
) -> String {
    let Some((start, end)) = range else {
        return new_text.to_string();
    };
    let index = LineIndex::new(text);
    let start = index.offset(start, encoding) as usize;
    let end = index.offset(end, encoding) as usize;
    let (start, end) = (start.min(end), start.max(end));
    let mut out = text.to_string();
    out.replace_range(start..end, new_text);
    out
}

/// Checks whether `position` names a line of `text` and a column no further than that line's end.
fn in_range(text: &str, position: LineCol, encoding: PositionEncoding) -> bool {
    let lines = reference_lines(text);
    lines
        .get(position.line as usize)
        .is_some_and(|line| position.col <= units(&text[line.clone()], encoding))
}

/// Collects every byte range in a summary, labelled for failure messages.
fn summary_ranges(summary: &NoteSummary) -> Vec<(String, TextRange)> {
    let mut ranges = Vec::new();
    if let Some(frontmatter) = &summary.frontmatter {
        ranges.push(("frontmatter".to_string(), frontmatter.range));
    }

    for heading in &summary.headings {
        ranges.push((format!("heading {:?}", heading.text), heading.range));
        ranges.push((
            format!("section of heading {:?}", heading.text),
            TextRange::new(heading.range.start, heading.section_end),
        ));
    }

    for block in &summary.block_ids {
        ranges.push((format!("block id {:?}", block.id), block.range));
    }

    for link in &summary.links {
        ranges.push((format!("link {:?}", link.target), link.range));
        ranges.push((
            format!("target of link {:?}", link.target),
            link.target_range,
        ));
    }

    for tag in &summary.tags {
        ranges.push((format!("tag {:?}", tag.name), tag.range));
    }

    for task in &summary.tasks {
        ranges.push((format!("task {:?}", task.text), task.range));
        ranges.push((format!("marker of task {:?}", task.text), task.marker_range));
        for date in &task.dates {
            ranges.push((format!("date of task {:?}", task.text), date.range));
            ranges.push((
                format!("date field of task {:?}", task.text),
                date.field_range,
            ));
        }
    }

    for field in &summary.fields {
        ranges.push((format!("key of field {:?}", field.key), field.key_range));
        ranges.push((format!("value of field {:?}", field.key), field.value_range));
    }

    for item in &summary.list_items {
        ranges.push(("list item".to_string(), item.range));
        ranges.push((
            "content of list item".to_string(),
            TextRange::new(item.content_start, item.range.end),
        ));
    }

    for problem in &summary.problems {
        ranges.push((format!("problem {:?}", problem.kind), problem.range));
    }

    ranges
}

/// Checks that every range of `parse(text)` lies within the text, on char boundaries, in order.
fn check_summary_ranges(text: &str) -> Result<(), TestCaseError> {
    let summary = parse(text);
    for (label, range) in summary_ranges(&summary) {
        let (start, end) = (range.start as usize, range.end as usize);
        prop_assert!(start <= end, "{label}: start {start} > end {end}");
        prop_assert!(end <= text.len(), "{label}: end {end} > len {}", text.len());
        prop_assert!(
            text.is_char_boundary(start),
            "{label}: start {start} in a char"
        );
        prop_assert!(text.is_char_boundary(end), "{label}: end {end} in a char");
    }

    check_range_contents(text, &summary)
}

/// Checks that ranges select the text their item was read from. Call only after the ranges are
/// known to be valid slices.
fn check_range_contents(text: &str, summary: &NoteSummary) -> Result<(), TestCaseError> {
    let slice = |range: TextRange| &text[range.as_usize()];
    let frontmatter = summary.frontmatter.as_ref().map(|f| f.range);
    let in_frontmatter = |range: TextRange| {
        frontmatter.is_some_and(|f| f.start <= range.start && range.end <= f.end)
    };
    for link in &summary.links {
        let raw = slice(link.range);
        let open = match link.kind {
            LinkKind::Wiki => "[[",
            LinkKind::Embed => "![[",
            LinkKind::Markdown => "[",
        };
        prop_assert!(raw.starts_with(open), "{:?} link {:?}", link.kind, raw);
        if link.kind != LinkKind::Markdown {
            prop_assert!(raw.ends_with("]]"), "{:?} link {:?}", link.kind, raw);
        }
        prop_assert!(
            link.range.start <= link.target_range.start && link.target_range.end <= link.range.end,
            "target {:?} outside link {:?}",
            link.target_range,
            link.range
        );
    }

    for tag in summary.tags.iter().filter(|t| !in_frontmatter(t.range)) {
        prop_assert_eq!(slice(tag.range), format!("#{}", tag.name));
    }

    for block in &summary.block_ids {
        prop_assert_eq!(slice(block.range), format!("^{}", block.id));
    }

    for task in &summary.tasks {
        prop_assert_eq!(slice(task.marker_range), task.marker.to_string());
        for date in &task.dates {
            let written = slice(date.range);
            prop_assert!(
                written.len() == 10
                    && written.as_bytes()[4] == b'-'
                    && written.as_bytes()[7] == b'-',
                "date range {:?} holds {:?}",
                date.range,
                written
            );
            if let Some(day) = date.date {
                prop_assert_eq!(written, day.to_string());
            }
            prop_assert!(
                task.range.start <= date.field_range.start
                    && date.field_range.end <= task.range.end,
                "date field {:?} outside task {:?}",
                date.field_range,
                task.range
            );
        }
    }

    // Frontmatter fields take their ranges from the raw YAML line, quotes included.
    for field in summary
        .fields
        .iter()
        .filter(|f| f.source != FieldSource::Frontmatter)
    {
        prop_assert_eq!(slice(field.key_range), field.key.as_str());
        prop_assert_eq!(slice(field.value_range), field.value.as_str());
    }

    for item in &summary.list_items {
        prop_assert!(
            item.range.start <= item.content_start && item.content_start <= item.range.end,
            "content start {} outside list item {:?}",
            item.content_start,
            item.range
        );
    }

    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every offset that is a position survives the round trip through a line and column.
    #[test]
    fn offset_round_trips_through_line_col(text in text()) {
        let index = LineIndex::new(&text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            if inside_crlf(&text, offset) {
                continue;
            }
            let offset = u32::try_from(offset).unwrap();
            for encoding in ENCODINGS {
                let position = index.line_col(offset, encoding);
                prop_assert_eq!(
                    index.offset(position, encoding),
                    offset,
                    "{:?} via {:?} in {:?}",
                    encoding,
                    position,
                    text
                );
            }
        }
    }

    /// The end of the text is the end of the last line.
    #[test]
    fn text_end_is_last_line_end(text in text()) {
        let index = LineIndex::new(&text);
        let lines = reference_lines(&text);
        let last = lines.last().unwrap().clone();
        prop_assert_eq!(index.line_count() as usize, lines.len());
        for encoding in ENCODINGS {
            let expected = LineCol {
                line: u32::try_from(lines.len() - 1).unwrap(),
                col: units(&text[last.clone()], encoding),
            };
            let len = u32::try_from(text.len()).unwrap();
            prop_assert_eq!(index.line_col(len, encoding), expected, "{:?}", encoding);
        }
    }

    /// Columns equal the code units of the line prefix, counted by the standard library.
    #[test]
    fn column_counts_prefix_units(text in text()) {
        let index = LineIndex::new(&text);
        let lines = reference_lines(&text);
        for (line_no, line) in lines.iter().enumerate() {
            let range = index.line_range(u32::try_from(line_no).unwrap());
            prop_assert_eq!(range.as_usize(), line.clone(), "line {}", line_no);
            for offset in (line.start..=line.end).filter(|&o| text.is_char_boundary(o)) {
                let prefix = &text[line.start..offset];
                let at = u32::try_from(offset).unwrap();
                let utf16 = index.line_col(at, PositionEncoding::Utf16);
                prop_assert_eq!(utf16.line as usize, line_no);
                prop_assert_eq!(
                    utf16.col as usize,
                    prefix.encode_utf16().count(),
                    "prefix {:?}",
                    prefix
                );
                let utf8 = index.line_col(at, PositionEncoding::Utf8);
                prop_assert_eq!(utf8.col as usize, prefix.len());
                let utf32 = index.line_col(at, PositionEncoding::Utf32);
                prop_assert_eq!(utf32.col as usize, prefix.chars().count());
            }
        }
    }

    /// Incremental edits do not panic and match a `String` splice.
    #[test]
    fn apply_change_matches_string_splice(
        text in text(),
        start in position(),
        end in position(),
        replace_all in prop::bool::weighted(0.05),
        new_text in text(),
        encoding in encoding(),
    ) {
        let range = (!replace_all).then_some((start, end));
        let mut rope = Rope::from_str(&text);
        apply_change(&mut rope, range, &new_text, encoding);
        let expected = reference_apply(&text, range, &new_text, encoding);
        let in_bounds = in_range(&text, start, encoding) && in_range(&text, end, encoding);
        // Out-of-range positions clamp in both implementations, so they must agree as well.
        prop_assert_eq!(
            rope.to_string(),
            expected,
            "range {:?} ({}) {:?} in {:?}",
            range,
            if in_bounds { "in range" } else { "clamped" },
            encoding,
            text
        );
    }

    /// The parser does not panic and all its ranges are valid slices of the text.
    #[test]
    fn parse_ranges_are_valid_slices(text in markdown()) {
        check_summary_ranges(&text)?;
    }

    /// The parser's ranges are valid slices in notes that open with a frontmatter fence.
    #[test]
    fn parse_ranges_with_frontmatter(body in markdown(), bom in prop::bool::ANY) {
        let text = format!("{}---\n{body}", if bom { "\u{feff}" } else { "" });
        check_summary_ranges(&text)?;
    }
}

#[test]
fn reference_lines_split_all_breaks() {
    assert_eq!(
        reference_lines("a\r\nb\rc\nd"),
        vec![0..1, 3..4, 5..6, 7..8]
    );
    assert_eq!(reference_lines("\r\r\n"), vec![0..0, 1..1, 3..3]);
    assert_eq!(reference_lines(""), vec![0..0]);
}
