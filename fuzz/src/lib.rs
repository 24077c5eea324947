//! Checks shared by the fuzz targets. Each check panics with a message naming the broken
//! invariant, which libFuzzer records as a crash.

use dex::syntax::{FieldSource, LinkKind, NoteSummary, parse};
use dex::text::{LineCol, LineIndex, PositionEncoding, TextRange};

/// Parses `text` and checks that every range in the summary lies within the text, on char
/// boundaries, with `start <= end`. Link targets and task dates must lie inside their link or
/// task, and ranges must select the text their item was read from.
pub fn check_parse(text: &str) {
    let summary = parse(text);
    let mut ranges: Vec<(&str, TextRange)> = Vec::new();
    if let Some(frontmatter) = &summary.frontmatter {
        ranges.push(("frontmatter", frontmatter.range));
    }

    for heading in &summary.headings {
        ranges.push(("heading", heading.range));
        ranges.push((
            "heading section",
            TextRange::new(heading.range.start, heading.section_end),
        ));
    }

    for block in &summary.block_ids {
        ranges.push(("block id", block.range));
    }

    for link in &summary.links {
        ranges.push(("link", link.range));
        ranges.push(("link target", link.target_range));
        assert!(
            link.range.start <= link.target_range.start && link.target_range.end <= link.range.end,
            "link target {:?} outside link {:?}",
            link.target_range,
            link.range
        );
    }

    for tag in &summary.tags {
        ranges.push(("tag", tag.range));
    }

    for task in &summary.tasks {
        ranges.push(("task", task.range));
        ranges.push(("task marker", task.marker_range));
        for date in &task.dates {
            ranges.push(("task date", date.range));
            ranges.push(("task date field", date.field_range));
            assert!(
                task.range.start <= date.field_range.start
                    && date.field_range.end <= task.range.end,
                "date field {:?} outside task {:?}",
                date.field_range,
                task.range
            );
        }
    }

    for field in &summary.fields {
        ranges.push(("field key", field.key_range));
        ranges.push(("field value", field.value_range));
    }

    for item in &summary.list_items {
        ranges.push(("list item", item.range));
        ranges.push((
            "list item content",
            TextRange::new(item.content_start, item.range.end),
        ));
    }

    for problem in &summary.problems {
        ranges.push(("problem", problem.range));
    }

    for (label, range) in ranges {
        let (start, end) = (range.start as usize, range.end as usize);
        assert!(start <= end, "{label} {range:?}: start after end");
        assert!(
            end <= text.len(),
            "{label} {range:?}: past the text end {}",
            text.len()
        );
        assert!(
            text.is_char_boundary(start),
            "{label} {range:?}: start inside a char"
        );
        assert!(
            text.is_char_boundary(end),
            "{label} {range:?}: end inside a char"
        );
    }

    check_range_contents(text, &summary);
}

/// Checks that ranges select the text their item was read from. Call only after the ranges are
/// known to be valid slices.
fn check_range_contents(text: &str, summary: &NoteSummary) {
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
        assert!(raw.starts_with(open), "{:?} link {raw:?}", link.kind);
        if link.kind != LinkKind::Markdown {
            assert!(raw.ends_with("]]"), "{:?} link {raw:?}", link.kind);
        }
    }

    for tag in summary.tags.iter().filter(|t| !in_frontmatter(t.range)) {
        assert_eq!(slice(tag.range), format!("#{}", tag.name), "tag range");
    }

    for block in &summary.block_ids {
        assert_eq!(
            slice(block.range),
            format!("^{}", block.id),
            "block id range"
        );
    }

    for task in &summary.tasks {
        assert_eq!(
            slice(task.marker_range),
            task.marker.to_string(),
            "task marker range"
        );
        for date in &task.dates {
            // The range selects `YYYY-MM-DD`, in ASCII digits, inside its field.
            let text = slice(date.range);
            let shape = text.len() == 10
                && text.bytes().enumerate().all(|(at, byte)| match at {
                    4 | 7 => byte == b'-',
                    _ => byte.is_ascii_digit(),
                });
            assert!(shape, "task date range selects {text:?}");
            assert!(
                date.field_range.start <= date.range.start
                    && date.range.end <= date.field_range.end,
                "task date range outside its field"
            );
            if let Some(day) = date.date {
                assert_eq!(text, day.format("%Y-%m-%d").to_string(), "task date value");
            }
        }
    }

    // Frontmatter fields take their ranges from the raw YAML line, quotes included.
    for field in summary
        .fields
        .iter()
        .filter(|f| f.source != FieldSource::Frontmatter)
    {
        assert_eq!(slice(field.key_range), field.key, "field key range");
        assert_eq!(slice(field.value_range), field.value, "field value range");
    }

    for item in &summary.list_items {
        assert!(
            item.range.start <= item.content_start && item.content_start <= item.range.end,
            "content start {} outside list item {:?}",
            item.content_start,
            item.range
        );
    }
}

/// Byte ranges of each line's content, without terminators. Lines end at `\n`, `\r\n` or a
/// lone `\r`.
pub fn reference_lines(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, ch)) = chars.next() {
        if ch == '\n' || ch == '\r' {
            lines.push(start..at);
            start = at + 1;
            if ch == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n') {
                chars.next();
                start += 1;
            }
        }
    }
    lines.push(start..text.len());
    lines
}

/// Length of `s` in the encoding's code units.
pub fn units(s: &str, encoding: PositionEncoding) -> u32 {
    let count = match encoding {
        PositionEncoding::Utf8 => s.len(),
        PositionEncoding::Utf16 => s.encode_utf16().count(),
        PositionEncoding::Utf32 => s.chars().count(),
    };
    u32::try_from(count).expect("fuzz inputs are far below 4 GiB")
}

/// Checks whether `position` names a line of `text` and a column no further than that line's end.
pub fn in_range(text: &str, position: LineCol, encoding: PositionEncoding) -> bool {
    reference_lines(text)
        .get(position.line as usize)
        .is_some_and(|line| position.col <= units(&text[line.clone()], encoding))
}

/// Applies a change to a `String`, converting positions with [`LineIndex::offset`] and reading
/// a reversed range in order.
pub fn reference_apply(
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
    let mut out = text.to_string();
    out.replace_range(start.min(end)..start.max(end), new_text);
    out
}

/// Checks that `text`'s line index agrees with [`reference_lines`] and that every char-boundary
/// offset outside a `\r\n` pair round-trips through a position in all three encodings.
pub fn check_line_index(text: &str) {
    let index = LineIndex::new(text);
    let lines = reference_lines(text);
    assert_eq!(index.line_count() as usize, lines.len(), "line count");
    for (line_no, line) in lines.iter().enumerate() {
        let line_no = u32::try_from(line_no).expect("line count fits in u32");
        assert_eq!(
            index.line_range(line_no).as_usize(),
            line.clone(),
            "line {line_no}"
        );
    }
    let bytes = text.as_bytes();
    for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
        if offset > 0 && bytes[offset - 1] == b'\r' && bytes.get(offset) == Some(&b'\n') {
            continue;
        }
        let offset = u32::try_from(offset).expect("fuzz inputs are far below 4 GiB");
        for encoding in [
            PositionEncoding::Utf8,
            PositionEncoding::Utf16,
            PositionEncoding::Utf32,
        ] {
            let position = index.line_col(offset, encoding);
            assert_eq!(
                index.offset(position, encoding),
                offset,
                "offset {offset} via {position:?} in {encoding:?}"
            );
        }
    }
}
