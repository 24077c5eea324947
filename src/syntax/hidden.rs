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

    /// Checks whether any range overlaps `range`. The ranges do not overlap each other, so their
    /// ends are sorted too, and only the last one that starts before `range` ends can reach it.
    pub(super) fn intersects(&self, range: TextRange) -> bool {
        let i = self.0.partition_point(|r| r.start < range.end);
        self.0[..i].last().is_some_and(|r| r.end > range.start)
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
/// inside one paragraph, so it misses such a block.
///
/// Such a block opens with a `$$` at the start of a line (after spaces or a quote's `>`) and
/// closes with a `$$` at the end of a line. Any other
/// `$$` is text: one that is never closed, one after a backslash (`\$$`), and a run of three or
/// more dollars (`$$$`), so that money written in notes hides nothing.
pub(super) fn comments_and_math(text: &str, body_start: u32, code: &Excluded) -> CommentsAndMath {
    let bytes = text.as_bytes();
    let comment_markers = memchr::memmem::find_iter(bytes, b"%%").map(|at| (at, Marker::Comment));
    let math_markers = memchr::memmem::find_iter(bytes, b"$$")
        .filter(|&at| !is_escaped(bytes, at) && !in_longer_run(bytes, at))
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
            (Marker::Math, Some(end))
                if starts_line(bytes, start) && ends_line(bytes, markers[end].0 + 2) =>
            {
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
            (Marker::Math, _) => i += 1,
        }
    }
    found
}

/// Checks whether the `$$` at `at` is part of a run of three or more `$`.
fn in_longer_run(bytes: &[u8], at: usize) -> bool {
    (at > 0 && bytes[at - 1] == b'$') || bytes.get(at + 2) == Some(&b'$')
}

/// Checks whether only spaces, tabs and quote markers (`>`) come before `at` on its line.
fn starts_line(bytes: &[u8], at: usize) -> bool {
    (bytes[..at].iter().rev())
        .take_while(|&&b| b != b'\n')
        .all(|&b| matches!(b, b' ' | b'\t' | b'>'))
}

/// Checks whether only spaces, tabs and a line ending come after `at` on its line.
fn ends_line(bytes: &[u8], at: usize) -> bool {
    (bytes[at..].iter())
        .take_while(|&&b| b != b'\n')
        .all(|&b| matches!(b, b' ' | b'\t' | b'\r'))
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
        let (comments, math) = read("a\n$$x\r\n\r\ny$$\r\nb\n > $$\n\n- z\n$$ \n");
        assert!(comments.is_empty());
        assert_eq!(math, ["$$x\r\n\r\ny$$", "$$\n\n- z\n$$"]);
    }

    #[test]
    fn dollars_in_prose_are_text() {
        let text = "Budget $$ approved.\n\n$$$ upsell, [[Acme]] $$\n\nPaid $$5 and $$\nx";
        let (_, math) = read(text);
        assert!(math.is_empty(), "{math:?}");
    }

    #[test]
    fn markers_hide_each_other() {
        let (comments, math) = read("%% $$ %%\n$$ %% $$\n");
        assert_eq!(comments, ["%% $$ %%"]);
        assert_eq!(math, ["$$ %% $$"]);
    }

    #[test]
    fn unclosed_and_escaped_math_is_text() {
        let (comments, math) = read("costs \\$$5 and\n$$ %% note\n");
        assert_eq!(comments, ["%% note\n"]);
        assert!(math.is_empty());
        let (_, math) = read("\\\\$$x$$\n");
        assert!(
            math.is_empty(),
            "a backslash before the opening `$$` is not at a line start"
        );
        let (_, math) = read("$$x \\$$\n$$\n");
        assert_eq!(math, ["$$x \\$$\n$$"]);
    }

    #[test]
    fn markers_in_code_are_skipped() {
        let text = "`$$` %%c%% `%%`\n$$x\n`$$`\n$$\n";
        let code = Excluded(vec![
            TextRange::new(0, 4),
            TextRange::new(11, 15),
            TextRange::new(20, 24),
        ]);
        let found = comments_and_math(text, 0, &code);
        assert_eq!(found.comments, [TextRange::new(5, 10)]);
        assert_eq!(found.math, [TextRange::new(16, 27)]);
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
        assert!(excluded.intersects(TextRange::new(29, 40)));
        assert!(excluded.intersects(TextRange::new(3, 12)));
        assert!(!excluded.intersects(TextRange::new(5, 10)));
        assert!(!excluded.intersects(TextRange::new(31, 40)));
        assert!(!excluded.covers(TextRange::new(11, 31)));
    }
}
