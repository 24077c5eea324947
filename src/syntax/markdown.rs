//! The parse itself: one pulldown-cmark pass for structure, then a line pass for the syntax that
//! `CommonMark` does not know.

use pulldown_cmark::{Event, LinkType, OffsetIter, Options, Parser, Tag as MdTag};

use super::hidden::{Excluded, comments_and_math};
use super::link::{parse_link_text, parse_markdown_destination};
use super::{
    BlockId, Cell, Heading, Link, LinkKind, ListItem, NoteSummary, Problem, ProblemKind, Table,
    Tag, fields, frontmatter, task,
};
use crate::text::{LineIndex, TextRange, to_size};

/// How much of a note to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Detail {
    /// Everything in a [`NoteSummary`].
    Full,
    /// The parts the vault index keeps: no inline fields (frontmatter fields stay), list
    /// items, tables or non-prose ranges.
    Outline,
}

/// The Markdown that pulldown-cmark reads besides `CommonMark`: GitHub's tables, task lists,
/// strikethrough and footnotes, Obsidian's wikilinks, and math.
const MARKDOWN_OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_WIKILINKS)
    .union(Options::ENABLE_MATH)
    .union(Options::ENABLE_GFM);

pub(super) fn parse(text: &str, detail: Detail) -> NoteSummary {
    let full = detail == Detail::Full;
    let mut summary = NoteSummary {
        line_index: LineIndex::new(text),
        ..NoteSummary::default()
    };
    let mut excluded = Vec::new();
    let body_start = read_frontmatter(text, full, &mut summary, &mut excluded);

    // pulldown-cmark reads only the body, because it does not take every frontmatter block for
    // metadata. It reads one after a byte-order mark or with a blank first line as a setext
    // heading or a list.
    let mut item_starts = Vec::new();
    let mut wiki_ranges = Vec::new();
    // Link destinations, images and footnote labels: text where a date is not prose.
    let mut not_prose = Vec::new();
    // A byte-order mark is not whitespace to pulldown-cmark, so it would hide a heading on the
    // first line.
    let markdown_start = body_start.max(bom_len(text));
    let body = &text[markdown_start as usize..];
    let mut events = Parser::new_ext(body, MARKDOWN_OPTIONS).into_offset_iter();
    for (event, range) in &mut events {
        let range = TextRange::from_usize(range).shifted(markdown_start);
        match event {
            Event::Start(MdTag::CodeBlock(_) | MdTag::HtmlBlock)
            | Event::Code(_)
            | Event::InlineMath(_)
            | Event::DisplayMath(_)
            | Event::InlineHtml(_)
            | Event::Html(_) => excluded.push(range),
            Event::Start(MdTag::Heading { level, .. }) => {
                summary.headings.push(heading(text, range, level as u8));
            }
            Event::Start(MdTag::Item) => item_starts.push(item_marker_start(text, range)),
            Event::Start(tag @ (MdTag::Table(_) | MdTag::TableRow | MdTag::TableCell)) if full => {
                read_table_part(&mut summary.tables, text, &tag, range);
            }
            Event::Start(MdTag::Link {
                link_type: LinkType::WikiLink { .. },
                ..
            }) => {
                wiki_ranges.push((LinkKind::Wiki, range));
            }
            Event::Start(MdTag::Image {
                link_type: LinkType::WikiLink { .. },
                ..
            }) => {
                wiki_ranges.push((LinkKind::Embed, range));
            }
            Event::Start(MdTag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                not_prose.push(link_destination(text, range));
                let plain = !matches!(link_type, LinkType::Autolink | LinkType::Email);
                if let Some(link) = markdown_link(text, range, &dest_url).filter(|_| plain) {
                    summary.links.push(link);
                }
            }
            Event::Start(MdTag::Image { .. }) | Event::FootnoteReference(_) => {
                not_prose.push(range);
            }
            Event::Start(MdTag::FootnoteDefinition(_)) => {
                let label = text[range.as_usize()].find("]:").map_or(0, |i| i + 2);
                not_prose.push(TextRange::new(range.start, range.start + to_size(label)));
            }
            _ => {}
        }
    }
    (summary.links).extend(reference_links(
        &events,
        text,
        markdown_start,
        &mut not_prose,
    ));
    let (excluded, comments) =
        read_comments_and_math(text, body_start, excluded, &mut summary, &mut wiki_ranges);
    if full {
        summary.excluded.clone_from(&excluded.0);
    }

    for (kind, range) in wiki_ranges {
        if let Some(link) = wikilink(text, kind, range, &comments) {
            summary.links.push(link);
        }
    }
    summary.links.sort_by_key(|l| l.range.start);
    finish_headings(&mut summary.headings, text.len());
    scan_lines(
        text,
        body_start,
        detail,
        &mut summary,
        &item_starts,
        &excluded,
        &comments,
    );
    not_prose.extend(url_ranges(text));
    let dates = prose_dates(text, &excluded, &comments, &not_prose, &summary);
    impossible_dates(text, &dates, &mut summary);
    if full {
        summary.dates = dates;
    }
    summary.shrink_to_fit();
    summary
}

/// Reads the comments and display math of the text after `body_start`, outside the `code`
/// ranges (code, HTML, frontmatter and the math pulldown-cmark read), and drops what
/// pulldown-cmark read inside math that spans paragraphs. Returns the excluded text, math
/// included, and the comments.
fn read_comments_and_math(
    text: &str,
    body_start: u32,
    code: Vec<TextRange>,
    summary: &mut NoteSummary,
    wiki_ranges: &mut Vec<(LinkKind, TextRange)>,
) -> (Excluded, Vec<TextRange>) {
    let code = Excluded::merged(code);
    let found = comments_and_math(text, body_start, &code);
    let math = Excluded(found.math);
    drop_inside_math(summary, wiki_ranges, &math);
    let mut excluded = code.0;
    excluded.extend(math.0);
    (Excluded::merged(excluded), found.comments)
}

/// Drops what pulldown-cmark read inside display math that spans paragraphs, where it reads
/// headings, links and tables in the LaTeX. List items inside are dropped later with the rest of
/// the excluded text.
fn drop_inside_math(
    summary: &mut NoteSummary,
    wiki_ranges: &mut Vec<(LinkKind, TextRange)>,
    math: &Excluded,
) {
    if math.0.is_empty() {
        return;
    }
    summary.headings.retain(|h| !math.contains(h.range.start));
    summary.links.retain(|l| !math.contains(l.range.start));
    summary.tables.retain(|t| !math.contains(t.range.start));
    wiki_ranges.retain(|(_, range)| !math.contains(range.start));
}

/// Lists the dates written in prose, properties and fields: every `YYYY-MM-DD` outside code,
/// comments, links, URLs, tags and footnote labels.
fn prose_dates(
    text: &str,
    excluded: &Excluded,
    comments: &[TextRange],
    not_prose: &[TextRange],
    summary: &NoteSummary,
) -> Vec<TextRange> {
    let properties = summary.frontmatter.as_ref().map(|f| f.range);
    super::iso_dates(text)
        .filter(|&range| {
            let in_properties =
                properties.is_some_and(|p| p.start <= range.start && range.end <= p.end);
            let hidden = (excluded.intersects(range) && !in_properties)
                || comments.iter().any(|c| c.intersects(range))
                || not_prose.iter().any(|r| r.intersects(range));
            let in_link = summary.links.iter().any(|l| l.range.intersects(range));
            let in_tag = summary.tags.iter().any(|t| t.range.intersects(range));
            !(hidden || in_link || in_tag)
        })
        .collect()
}

/// Reports the prose dates that name a day that does not exist, such as `2026-02-30`, unless an
/// action item's date field already did.
fn impossible_dates(text: &str, dates: &[TextRange], summary: &mut NoteSummary) {
    for &range in dates {
        let raw = &text[range.as_usize()];
        let real = task::iso_date(raw).is_some();
        if real || summary.problems.iter().any(|p| p.range.intersects(range)) {
            continue;
        }
        summary.problems.push(Problem {
            kind: ProblemKind::ImpossibleDate(raw.to_string()),
            range,
        });
    }
}

/// Returns the destination part of an inline link (`(...)` after `]`), the whole of an autolink,
/// or nothing for a reference link, whose destination is elsewhere.
fn link_destination(text: &str, range: TextRange) -> TextRange {
    let raw = &text[range.as_usize()];
    match raw.rfind("](") {
        Some(split) => TextRange::new(range.start + to_size(split), range.end),
        None if raw.starts_with('<') => range,
        None => TextRange::new(range.end, range.end),
    }
}

/// Finds bare URLs (`https://...`, `www....`), each up to the next whitespace or closing bracket.
fn url_ranges(text: &str) -> Vec<TextRange> {
    let bytes = text.as_bytes();
    let starts = memchr::memmem::find_iter(bytes, b"://")
        .map(|at| {
            let scheme = bytes[..at]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
                .count();
            at - scheme
        })
        .chain(memchr::memmem::find_iter(bytes, b"www."));
    let mut ranges: Vec<TextRange> = starts
        .map(|start| {
            let len = bytes[start..]
                .iter()
                .position(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b')' | b']' | b'"'))
                .unwrap_or(bytes.len() - start);
            TextRange::from_usize(start..start + len)
        })
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

pub(super) fn parse_frontmatter(text: &str) -> NoteSummary {
    let mut summary = NoteSummary::default();
    read_frontmatter(text, true, &mut summary, &mut Vec::new());
    summary
}

/// Reads a frontmatter block at the very top (after an optional byte-order mark) and returns the
/// offset where the body starts.
fn read_frontmatter(
    text: &str,
    with_fields: bool,
    summary: &mut NoteSummary,
    excluded: &mut Vec<TextRange>,
) -> u32 {
    let start = bom_len(text) as usize;
    let rest = &text[start..];
    let Some(first_line) = rest.split_inclusive('\n').next() else {
        return 0;
    };
    if first_line.trim_end() != "---" || !first_line.ends_with('\n') {
        return 0;
    }
    let content_start = start + first_line.len();
    let mut offset = content_start;
    for line in text[content_start..].split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            let range =
                TextRange::from_usize(start..offset + line.trim_end_matches(['\n', '\r']).len());
            let parsed = frontmatter::parse(
                &text[content_start..offset],
                to_size(content_start),
                range,
                with_fields,
            );
            summary.property_links = property_links(text, content_start..offset);
            summary.frontmatter = Some(Box::new(parsed.frontmatter));
            summary.tags.extend(parsed.tags);
            summary.fields.extend(parsed.fields);
            summary.problems.extend(parsed.problem);
            excluded.push(range);
            return range.end;
        }
        offset += line.len();
    }
    // Without a closing line the opening `---` is a thematic break, and a note that goes on
    // with prose usually means one. Only a property line after it earns a warning.
    if starts_with_property(&text[content_start..]) {
        summary.problems.push(Problem {
            kind: ProblemKind::UnclosedFrontmatter,
            range: TextRange::from_usize(start..start + 3),
        });
    }
    0
}

/// Checks whether the first line of `text` that is not blank reads as a YAML `key: value` line,
/// not as a list item, heading, quote or prose without a key.
fn starts_with_property(text: &str) -> bool {
    let Some(line) = text.lines().map(str::trim).find(|line| !line.is_empty()) else {
        return false;
    };
    if line.starts_with(['-', '#', '>', '[', '{']) {
        return false;
    }
    line.split_once(':')
        .is_some_and(|(key, value)| !key.is_empty() && (value.is_empty() || value.starts_with(' ')))
}

/// Finds the wikilinks in the frontmatter lines at `content` of `text`, leaving out YAML
/// comments. A link ends on its line, as in the body.
fn property_links(text: &str, content: std::ops::Range<usize>) -> Vec<Link> {
    let mut links = Vec::new();
    let mut line_start = content.start;
    for full_line in text[content].split_inclusive('\n') {
        let line = frontmatter::strip_yaml_comment(full_line);
        let mut from = 0;
        while let Some(open) = line[from..].find("[[").map(|i| from + i) {
            let Some(close) = line[open + 2..].find("]]").map(|i| open + 2 + i) else {
                break;
            };
            // The last `[[` before the `]]` opens the link, so `[[a [[b]]` links to `b`.
            let open = line[..close].rfind("[[").unwrap_or(open);
            if !line[open + 2..close].trim().is_empty() {
                let range = TextRange::from_usize(line_start + open..line_start + close + 2);
                links.extend(wikilink(text, LinkKind::Wiki, range, &[]));
            }
            from = close + 2;
        }
        line_start += full_line.len();
    }
    links
}

/// Byte length of a byte-order mark at the start of `text`: 3, or 0 when there is none.
fn bom_len(text: &str) -> u32 {
    if text.starts_with('\u{feff}') { 3 } else { 0 }
}

/// Adds the start of a table, row or cell to the tables read so far.
fn read_table_part(tables: &mut Vec<Table>, text: &str, tag: &MdTag<'_>, range: TextRange) {
    if let MdTag::Table(_) = tag {
        tables.push(Table {
            range,
            ..Table::default()
        });
        return;
    }
    let Some(table) = tables.last_mut() else {
        return;
    };
    if let MdTag::TableRow = tag {
        table.rows.push(Vec::new());
    } else {
        let cell = cell(text, range);
        match table.rows.last_mut() {
            Some(row) => row.push(cell),
            None => table.header.push(cell),
        }
    }
}

fn cell(text: &str, range: TextRange) -> Cell {
    let raw = &text[range.as_usize()];
    let raw = raw.trim_start_matches('|');
    let raw_start = range.end - to_size(raw.len());
    let trimmed = raw.trim().trim_end_matches('|').trim_end();
    let lead = to_size(raw.len() - raw.trim_start().len());
    let start = raw_start + lead;
    Cell {
        text: trimmed.replace("\\|", "|"),
        range: TextRange::new(start, start + to_size(trimmed.len())),
    }
}

fn heading(text: &str, range: TextRange, level: u8) -> Heading {
    let raw = &text[range.as_usize()];
    let first_line = raw.lines().next().unwrap_or("");
    let trimmed = first_line.trim_start();
    let title = if trimmed.starts_with('#') {
        let without_open = trimmed.trim_start_matches('#').trim();
        // An ATX heading may end with a closing run of `#` after a space.
        let without_close = without_open.trim_end_matches('#');
        if without_close.len() < without_open.len()
            && (without_close.is_empty() || without_close.ends_with([' ', '\t']))
        {
            without_close.trim()
        } else {
            without_open
        }
    } else {
        first_line.trim()
    };
    let end = range.start + to_size(raw.trim_end_matches(['\n', '\r']).len());
    Heading {
        level,
        text: title.to_string(),
        range: TextRange::new(range.start, end),
        section_end: 0,
    }
}

fn finish_headings(headings: &mut [Heading], text_len: usize) {
    for i in 0..headings.len() {
        let level = headings[i].level;
        headings[i].section_end = headings[i + 1..]
            .iter()
            .find(|h| h.level <= level)
            .map_or(to_size(text_len), |h| h.range.start);
    }
}

fn wikilink(text: &str, kind: LinkKind, range: TextRange, comments: &[TextRange]) -> Option<Link> {
    let raw = &text[range.as_usize()];
    let open = if kind == LinkKind::Embed { "![[" } else { "[[" };
    let inner = raw.strip_prefix(open)?.strip_suffix("]]")?;
    // Obsidian ends a wikilink at the end of its line.
    if inner.contains(['\n', '\r']) {
        return None;
    }
    let parsed = parse_link_text(inner);
    let inner_start = range.start + to_size(open.len());
    let span = parsed.target_span;
    Some(Link {
        kind,
        target: parsed.target.into(),
        subpath: parsed.subpath.map(Box::new),
        alias: parsed.alias.map(String::into_boxed_str),
        range,
        target_range: TextRange::new(
            inner_start + to_size(span.start),
            inner_start + to_size(span.end),
        ),
        in_comment: comments.iter().any(|c| c.intersects(range)),
    })
}

fn markdown_link(text: &str, range: TextRange, destination: &str) -> Option<Link> {
    let (target, subpath) = parse_markdown_destination(destination)?;
    let raw = &text[range.as_usize()];
    // `[shown](dest)`: the display text runs to the first `](`.
    let split = raw.find("](")?;
    let alias = raw.get(1..split).map(str::to_string);
    // The destination is `<...>`, or runs to the first space (before a title) or the closing
    // parenthesis, counting nested parentheses.
    let after = &raw[split + 2..];
    let lead = after.len() - after.trim_start().len();
    let body = &after[lead..];
    let len = if body.starts_with('<') {
        body.find('>').map_or(body.len(), |i| i + 1)
    } else {
        let mut depth = 0usize;
        body.char_indices()
            .find(|&(_, c)| match c {
                '(' => {
                    depth += 1;
                    false
                }
                ')' if depth == 0 => true,
                ')' => {
                    depth -= 1;
                    false
                }
                c => c.is_whitespace(),
            })
            .map_or(body.len(), |(i, _)| i)
    };
    let dest_start = range.start + to_size(split + 2 + lead);
    let dest_end = dest_start + to_size(len);
    Some(Link {
        kind: LinkKind::Markdown,
        target: target.into(),
        subpath: subpath.map(Box::new),
        alias: alias.map(String::into_boxed_str),
        range,
        target_range: TextRange::new(dest_start, dest_end),
        in_comment: false,
    })
}

/// Returns the links of the reference definitions that `events` read from the text at byte
/// `start` of `text`, and adds their destinations to `not_prose`. A definition,
/// `[label]: Note.md`, is where a `[text][label]` link's destination is written, so it is the
/// link that resolves, breaks and is renamed.
fn reference_links(
    events: &OffsetIter<'_>,
    text: &str,
    start: u32,
    not_prose: &mut Vec<TextRange>,
) -> Vec<Link> {
    let definitions = events.reference_definitions().iter();
    let links: Vec<Link> = definitions
        .filter_map(|(_, definition)| {
            let span = TextRange::from_usize(definition.span.clone()).shifted(start);
            reference_definition(text, span, &definition.dest)
        })
        .collect();
    not_prose.extend(links.iter().map(|link| link.target_range));
    links
}

/// Reads a reference definition `[label]: destination "title"` at `span` as a Markdown link
/// whose target is the destination, unless it names no note or file (a web address).
fn reference_definition(text: &str, span: TextRange, destination: &str) -> Option<Link> {
    let (target, subpath) = parse_markdown_destination(destination)?;
    let raw = text.get(span.as_usize())?;
    let colon = raw.find("]:")?;
    let after = &raw[colon + 2..];
    let lead = after.len() - after.trim_start().len();
    let body = &after[lead..];
    let len = if body.starts_with('<') {
        body.find('>').map_or(body.len(), |i| i + 1)
    } else {
        body.find(char::is_whitespace).unwrap_or(body.len())
    };
    let dest_start = span.start + to_size(colon + 2 + lead);
    // The span ends with the definition's line break, which is not part of the link.
    let end = span.start + to_size(raw.trim_end().len());
    Some(Link {
        kind: LinkKind::Markdown,
        target: target.into(),
        subpath: subpath.map(Box::new),
        alias: None,
        range: TextRange::new(span.start, end),
        target_range: TextRange::new(dest_start, dest_start + to_size(len)),
        in_comment: false,
    })
}

fn scan_lines(
    text: &str,
    body_start: u32,
    detail: Detail,
    summary: &mut NoteSummary,
    item_starts: &[u32],
    excluded: &Excluded,
    comments: &[TextRange],
) {
    let in_comment = |offset: u32| comments.iter().any(|c| c.start <= offset && offset < c.end);
    for line_no in 0..summary.line_index.line_count() {
        let line_range = summary.line_index.line_range(line_no);
        if line_range.end < body_start || line_range.is_empty() {
            continue;
        }
        let line = &text[line_range.as_usize()];
        // Items whose marker is on this line; the innermost (last) one owns the line.
        let first = item_starts.partition_point(|&s| s < line_range.start);
        let item = item_starts[first..]
            .iter()
            .take_while(|&&s| s <= line_range.end)
            .last()
            .copied()
            .filter(|&s| !excluded.contains(s) && !in_comment(s));
        // A line that ends after the code or math it starts in can hold tags after it.
        let code_line = excluded.covers(line_range) && item.is_none();
        if code_line || in_comment(line_range.start) {
            continue;
        }
        let mut is_task = false;
        if let Some(item_start) = item {
            let item_text = &text[item_start as usize..line_range.end as usize];
            // Links are sorted by position: start the search at the item.
            let first_link = summary
                .links
                .partition_point(|l| l.range.start < item_start);
            let owner = summary.links[first_link..]
                .iter()
                .take_while(|l| l.range.start <= line_range.end)
                .find(|l| l.kind == LinkKind::Wiki && !l.target.is_empty())
                .map(|l| &*l.target);
            let content_start = task::checkbox_len(item_text)
                .or_else(|| item_marker_len(item_text))
                .unwrap_or(0);
            if let Some(task) = task::parse_task(item_text, item_start, owner, |range| {
                excluded.intersects(range)
            }) {
                for date in task.dates.iter().filter(|d| d.date.is_none()) {
                    summary.problems.push(Problem {
                        kind: ProblemKind::ImpossibleDate(text[date.range.as_usize()].to_string()),
                        range: date.range,
                    });
                }
                summary.tasks.push(task);
                is_task = true;
            }
            if detail == Detail::Full {
                summary.list_items.push(ListItem {
                    range: TextRange::new(item_start, line_range.end),
                    content_start: item_start + to_size(content_start),
                    indent: item_start - line_range.start,
                });
            }
        }
        if detail == Detail::Full {
            let content_offset = item.map(|s| {
                (s - line_range.start) as usize
                    + item_marker_len(&text[s as usize..line_range.end as usize]).unwrap_or(0)
            });
            let before = summary.fields.len();
            fields::scan_line(
                line,
                line_range.start,
                content_offset,
                is_task,
                &mut summary.fields,
            );
            let mut index = before;
            while index < summary.fields.len() {
                let field = &summary.fields[index];
                if excluded.intersects(TextRange::new(field.key_range.start, field.value_range.end))
                {
                    summary.fields.remove(index);
                } else {
                    index += 1;
                }
            }
        }
        if let Some(id) = super::trailing_block_id(line) {
            let range = TextRange::from_usize(id.clone()).shifted(line_range.start);
            if !excluded.intersects(range) {
                summary.block_ids.push(BlockId {
                    id: line[id.start + 1..id.end].to_string(),
                    range,
                });
            }
        }
        let tags_before = summary.tags.len();
        scan_tags(
            line,
            line_range.start,
            excluded,
            &summary.links,
            &mut summary.tags,
        );
        // A `%% comment %%` inside the line hides its tags too, like a comment spanning lines.
        let line_tags = summary.tags.split_off(tags_before);
        let visible_tags = line_tags.into_iter().filter(|t| !in_comment(t.range.start));
        summary.tags.extend(visible_tags);
    }
}

/// Returns the offset of a list item's marker. pulldown-cmark starts a nested item's range where
/// the parent item's content starts. That can be inside the marker line's indentation, or at the
/// end of the line above when the indentation is a tab, and it can come before a `>` of a quote.
fn item_marker_start(text: &str, range: TextRange) -> u32 {
    let raw = &text[range.as_usize()];
    let marker = raw.trim_start_matches([' ', '\t', '\r', '\n', '>']);
    range.start + to_size(raw.len() - marker.len())
}

/// Length of the list marker and the whitespace after it (`- `, `1. `), if `item` starts with one.
fn item_marker_len(item: &str) -> Option<usize> {
    let bytes = item.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'-' | b'*' | b'+')) {
        i = 1;
    } else {
        while i < bytes.len() && i < 9 && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == 0 || !matches!(bytes.get(i), Some(b'.' | b')')) {
            return None;
        }
        i += 1;
    }
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    Some(i)
}

/// Checks whether `offset` is inside a wikilink or embed, whose text (`[[Acme|the #renewal
/// deal]]`) contains no tags, or inside the destination of a Markdown link (`[x](#Risks)`,
/// `[ref]: #Risks`). `links` is sorted by start.
fn in_link_without_tags(links: &[Link], offset: u32) -> bool {
    let i = links.partition_point(|l| l.range.start <= offset);
    let Some(link) = i.checked_sub(1).map(|i| &links[i]) else {
        return false;
    };
    let hidden = match link.kind {
        LinkKind::Markdown => link.target_range,
        LinkKind::Wiki | LinkKind::Embed => link.range,
    };
    hidden.start <= offset && offset < hidden.end
}

/// Reads the `#tags` of one line: a `#` at the start or after whitespace, then tag characters
/// (a name of digits alone is not a tag).
fn scan_tags(line: &str, start: u32, excluded: &Excluded, links: &[Link], tags: &mut Vec<Tag>) {
    for hash in memchr::memchr_iter(b'#', line.as_bytes()) {
        let after_space = line[..hash]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_whitespace() || c == '\u{feff}');
        let rest = &line[hash + 1..];
        let len = rest
            .char_indices()
            .find(|&(_, c)| !super::is_tag_char(c))
            .map_or(rest.len(), |(at, _)| at);
        let name = &rest[..len];
        if !after_space || name.is_empty() {
            continue;
        }
        let range = TextRange::from_usize(hash..hash + 1 + len).shifted(start);
        if name.bytes().all(|b| b.is_ascii_digit()) || excluded.intersects(range) {
            continue;
        }
        if in_link_without_tags(links, range.start) {
            continue;
        }
        let name = name.trim_end_matches('/');
        tags.push(Tag {
            name: name.to_string(),
            range: TextRange::new(range.start, range.start + 1 + to_size(name.len())),
        });
    }
}
