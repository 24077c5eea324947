//! Text where links, tags, tasks and fields cannot appear: code, HTML, math, frontmatter and
//! Obsidian `%% comments %%`.

use crate::text::{TextRange, to_size};

/// Byte ranges where links, tags, tasks and fields cannot appear, sorted by start.
pub(super) struct Excluded(pub(super) Vec<TextRange>);

impl Excluded {
    /// Sorts `ranges` and joins those that overlap, so that each offset is in at most one.
    pub(super) fn merged(mut ranges: Vec<TextRange>) -> Excluded {
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<TextRange> = Vec::with_capacity(ranges.len());
        for range in ranges {
            match merged.last_mut() {
                Some(last) if range.start < last.end => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        Excluded(merged)
    }

    pub(super) fn contains(&self, offset: u32) -> bool {
        let i = self.0.partition_point(|r| r.start <= offset);
        i > 0 && offset < self.0[i - 1].end
    }

    /// Checks whether one range contains the whole of `range`.
    pub(super) fn covers(&self, range: TextRange) -> bool {
        let i = self.0.partition_point(|r| r.start <= range.start);
        i > 0 && range.end <= self.0[i - 1].end
    }

    pub(super) fn intersects(&self, range: TextRange) -> bool {
        let i = self.0.partition_point(|r| r.start < range.end);
        self.0[..i]
            .iter()
            .rev()
            .take(8)
            .any(|r| r.intersects(range))
            || self.0[..i].last().is_some_and(|r| r.end > range.start)
    }
}

/// Obsidian comments and display math, each sorted by start.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct CommentsAndMath {
    /// `%% comments %%`. An unclosed `%%` runs to the end of the note.
    pub(super) comments: Vec<TextRange>,
    /// `$$ display math $$`, from the opening `$$` to the end of the closing one.
    pub(super) math: Vec<TextRange>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    Comment,
    Math,
}

/// Reads the `%% comments %%` and the `$$ display math $$` that pulldown-cmark did not read, in
/// the text after `body_start`, skipping the markers inside `code` (code, HTML and the math that
/// pulldown-cmark read).
///
/// One pass reads both, because each hides the other's markers: a `$$` inside a comment opens no
/// math, and a `%%` inside math opens no comment. Display math runs to the next `$$`, across blank
/// lines and lines that Markdown reads as list items or headings. pulldown-cmark reads math only
/// inside one paragraph, so it misses such a block. A `$$` that is never closed, or that follows a
/// backslash (`\$$`), is text.
///
/// NOTE: two stray `$$` in different paragraphs, such as in prices, hide the text between them.
pub(super) fn comments_and_math(text: &str, body_start: u32, code: &Excluded) -> CommentsAndMath {
    let bytes = text.as_bytes();
    let comment_markers = memchr::memmem::find_iter(bytes, b"%%").map(|at| (at, Marker::Comment));
    let math_markers = memchr::memmem::find_iter(bytes, b"$$")
        .filter(|&at| !is_escaped(bytes, at))
        .map(|at| (at, Marker::Math));
    let mut markers: Vec<(usize, Marker)> = comment_markers
        .chain(math_markers)
        .filter(|&(at, _)| to_size(at) >= body_start && !code.contains(to_size(at)))
        .collect();
    markers.sort_by_key(|&(at, _)| at);

    let mut found = CommentsAndMath::default();
    let mut i = 0;
    while let Some(&(start, kind)) = markers.get(i) {
        // The next marker of the same kind closes this one, and the markers between are text.
        let close = markers[i + 1..]
            .iter()
            .position(|&(at, other)| other == kind && at >= start + 2)
            .map(|offset| i + 1 + offset);
        match (kind, close) {
            (Marker::Comment, Some(end)) => {
                found
                    .comments
                    .push(TextRange::from_usize(start..markers[end].0 + 2));
                i = end + 1;
            }
            (Marker::Math, Some(end)) => {
                found
                    .math
                    .push(TextRange::from_usize(start..markers[end].0 + 2));
                i = end + 1;
            }
            (Marker::Comment, None) => {
                found
                    .comments
                    .push(TextRange::from_usize(start..text.len()));
                break;
            }
            (Marker::Math, None) => i += 1,
        }
    }
    found
}

/// Checks whether the byte at `at` follows an odd number of backslashes, which escape it.
fn is_escaped(bytes: &[u8], at: usize) -> bool {
    let backslashes = bytes[..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    backslashes % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns the text of each comment and math range of `text`, without code.
    fn read(text: &str) -> (Vec<&str>, Vec<&str>) {
        let found = comments_and_math(text, 0, &Excluded(Vec::new()));
        let slice = |ranges: &[TextRange]| -> Vec<&str> {
            ranges.iter().map(|r| &text[r.as_usize()]).collect()
        };
        let comments = slice(&found.comments);
        let math = slice(&found.math);
        (comments, math)
    }

    #[test]
    fn math_spans_blank_lines() {
        let (comments, math) = read("a $$x\r\n\r\ny$$ b $$z$$\n");
        assert!(comments.is_empty());
        assert_eq!(math, ["$$x\r\n\r\ny$$", "$$z$$"]);
    }

    #[test]
    fn markers_hide_each_other() {
        let (comments, math) = read("%% $$ %% $$ %% $$\n");
        assert_eq!(comments, ["%% $$ %%"]);
        assert_eq!(math, ["$$ %% $$"]);
    }

    #[test]
    fn unclosed_and_escaped_math_is_text() {
        let (comments, math) = read("costs \\$$5 and $$ %% note\n");
        assert_eq!(comments, ["%% note\n"]);
        assert!(math.is_empty());
        let (_, math) = read("\\\\$$x$$\n");
        assert_eq!(math, ["$$x$$"]);
    }

    #[test]
    fn markers_in_code_are_skipped() {
        let text = "`$$` $$x$$ `%%` %%c%%\n";
        let code = Excluded(vec![TextRange::new(0, 4), TextRange::new(11, 15)]);
        let found = comments_and_math(text, 0, &code);
        assert_eq!(found.math, [TextRange::new(5, 10)]);
        assert_eq!(found.comments, [TextRange::new(16, 21)]);
    }

    #[test]
    fn merged_ranges_do_not_overlap() {
        let ranges = vec![
            TextRange::new(10, 20),
            TextRange::new(0, 5),
            TextRange::new(12, 30),
            TextRange::new(30, 31),
        ];
        let excluded = Excluded::merged(ranges);
        assert_eq!(
            excluded.0,
            [
                TextRange::new(0, 5),
                TextRange::new(10, 30),
                TextRange::new(30, 31)
            ]
        );
        assert!(excluded.contains(25));
        assert!(excluded.covers(TextRange::new(11, 29)));
        assert!(!excluded.covers(TextRange::new(11, 31)));
    }
}
