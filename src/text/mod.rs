//! Byte offsets, line indexes and conversion between byte offsets and editor positions.
//!
//! Everything above this module works in byte offsets into a note's UTF-8 text. Only this module
//! and the protocol layer know about line/column positions and the UTF-8 or UTF-16 column units
//! that an LSP client negotiates. Nothing here panics on out-of-range input: positions past the end
//! of a line or document are clamped. [`join_lines`] puts text that Dex writes into one line.

mod edit;
mod line_index;

pub use edit::{apply_change, position_to_char};
pub use line_index::{LineCol, LineIndex};

/// Returns whether `c` ends a line in some reader: `\n`, `\r`, a vertical tab, a form feed, U+0085
/// (next line), U+2028 (line separator) or U+2029 (paragraph separator).
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Joins the lines of `text` into one: each run of whitespace that contains a line break (see
/// [`is_line_break`]) becomes one space, and whitespace at both ends is removed. Other runs of
/// whitespace stay as they are.
pub fn join_lines(text: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = text.trim();
    if !trimmed.contains(is_line_break) {
        return std::borrow::Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    let mut run = String::new();
    let mut run_has_break = false;
    for c in trimmed.chars() {
        if c.is_whitespace() {
            run.push(c);
            run_has_break |= is_line_break(c);
            continue;
        }
        if run_has_break {
            out.push(' ');
        } else {
            out.push_str(&run);
        }
        run.clear();
        run_has_break = false;
        out.push(c);
    }
    std::borrow::Cow::Owned(out)
}

/// A byte offset into a note's UTF-8 text.
pub type TextSize = u32;

/// A half-open byte range `start..end` into a note's UTF-8 text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    /// First byte of the range.
    pub start: TextSize,
    /// One past the last byte of the range.
    pub end: TextSize,
}

impl TextRange {
    /// Creates a range; `end` is raised to `start` when it is smaller.
    pub fn new(start: TextSize, end: TextSize) -> Self {
        TextRange {
            start,
            end: end.max(start),
        }
    }

    /// Creates a range from `usize` offsets, as pulldown-cmark and `regex` produce them.
    pub fn from_usize(range: std::ops::Range<usize>) -> Self {
        TextRange::new(to_size(range.start), to_size(range.end))
    }

    /// Returns the range shifted right by `offset` bytes.
    #[must_use]
    pub fn shifted(self, offset: TextSize) -> Self {
        TextRange::new(self.start + offset, self.end + offset)
    }

    /// Whether `offset` lies inside the range or touches its end (a cursor right after a link).
    pub fn contains_inclusive(self, offset: TextSize) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// Whether the two ranges share at least one byte.
    pub fn intersects(self, other: TextRange) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The range as a `usize` range, for slicing.
    pub fn as_usize(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Length in bytes.
    pub fn len(self) -> TextSize {
        self.end - self.start
    }

    /// Whether the range covers no bytes.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// Converts a `usize` offset to a [`TextSize`], saturating for texts over 4 GiB, which the vault
/// scanner never reads.
pub fn to_size(offset: usize) -> TextSize {
    TextSize::try_from(offset).unwrap_or(TextSize::MAX)
}

/// The unit in which an editor counts columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PositionEncoding {
    /// Columns are UTF-8 bytes.
    Utf8,
    /// Columns are UTF-16 code units, the LSP default.
    #[default]
    Utf16,
    /// Columns are Unicode scalar values (characters).
    Utf32,
}

impl std::fmt::Display for PositionEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PositionEncoding::Utf8 => "utf-8",
            PositionEncoding::Utf16 => "utf-16",
            PositionEncoding::Utf32 => "utf-32",
        })
    }
}

/// Returns the longest prefix of `text[..offset]` that ends on a char boundary.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_lines_of_every_break_kind() {
        for br in [
            "\n", "\r\n", "\r", "\u{b}", "\u{c}", "\u{85}", "\u{2028}", "\u{2029}",
        ] {
            let text = format!("Banking{br}and{br}{br}  Finance{br}");
            assert_eq!(join_lines(&text), "Banking and Finance", "{br:?}");
        }
    }

    #[test]
    fn join_lines_keeps_other_whitespace() {
        assert_eq!(join_lines("  a  b\tc  "), "a  b\tc");
        assert_eq!(join_lines("a \t\n\t b"), "a b");
        assert_eq!(join_lines("\n\n"), "");
        assert!(matches!(
            join_lines("one line"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
