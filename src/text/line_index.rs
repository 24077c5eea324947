//! A compact line index that converts byte offsets to line/column positions and back.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, exactly the three breaks LSP recognises. The index
//! stores each line's start and content end plus one small entry per non-ASCII character, so a
//! note's index stays small and converts without the note's text.

use super::{PositionEncoding, TextSize};

/// A zero-based line and a column counted in the units of some [`PositionEncoding`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    /// Zero-based line number.
    pub line: u32,
    /// Zero-based column in the encoding's code units.
    pub col: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Line {
    /// Byte offset of the line's first character.
    start: TextSize,
    /// Byte offset just before the line terminator (or the end of the text).
    end: TextSize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WideChar {
    /// Byte offset of the character.
    offset: TextSize,
    /// Length in UTF-8 bytes (2 to 4).
    len_utf8: u8,
    /// Length in UTF-16 code units (1 or 2).
    len_utf16: u8,
}

/// Line starts and non-ASCII characters of one text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of each line's first character.
    starts: Box<[TextSize]>,
    /// One bit a line, set when the line ends in the two bytes `\r\n` rather than one; empty
    /// when no line does. With `starts`, this gives each line's end.
    crlf: Box<[u64]>,
    wide: Box<[WideChar]>,
    len: TextSize,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 40 + 1);
        let mut crlf: Vec<u64> = Vec::new();
        let mut wide = Vec::new();
        starts.push(0);
        for end in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[end] == b'\n' && end > 0 && bytes[end - 1] == b'\r' {
                // The `\n` of a `\r\n` pair: the line ended at the `\r`; mark it two bytes long.
                let line = starts.len() - 2;
                crlf.resize(crlf.len().max(line / 64 + 1), 0);
                crlf[line / 64] |= 1 << (line % 64);
                let last = starts.len() - 1;
                starts[last] = super::to_size(end + 1);
                continue;
            }
            starts.push(super::to_size(end + 1));
        }
        // Line breaks are ASCII, so one pass over the whole text finds every wide character.
        wide_chars(text, 0, bytes.len(), &mut wide);
        LineIndex {
            starts: starts.into_boxed_slice(),
            crlf: crlf.into_boxed_slice(),
            wide: wide.into_boxed_slice(),
            len: super::to_size(bytes.len()),
        }
    }

    /// Start and content end of line `line`, which must exist.
    fn line(&self, line: usize) -> Line {
        let start = self.starts[line];
        let end = match self.starts.get(line + 1) {
            Some(&next) => {
                let two = self
                    .crlf
                    .get(line / 64)
                    .is_some_and(|bits| bits & (1 << (line % 64)) != 0);
                next - if two { 2 } else { 1 }
            }
            None => self.len,
        };
        Line { start, end }
    }

    /// Length of the indexed text in bytes.
    pub fn len(&self) -> TextSize {
        self.len
    }

    /// Whether the indexed text is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of lines; a text ending in a line break has an empty last line.
    pub fn line_count(&self) -> u32 {
        u32::try_from(self.starts.len()).unwrap_or(u32::MAX)
    }

    /// Zero-based line that contains `offset` (clamped to the text).
    pub fn line_of(&self, offset: TextSize) -> u32 {
        let offset = offset.min(self.len);
        let index = self
            .starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        u32::try_from(index).unwrap_or(u32::MAX)
    }

    /// Byte range of line `line`'s content, without its terminator; clamped to the last line.
    pub fn line_range(&self, line: u32) -> super::TextRange {
        let line = self.line((line as usize).min(self.starts.len() - 1));
        super::TextRange::new(line.start, line.end)
    }

    /// Converts a byte offset to a position. An offset past the end maps to the end of the text,
    /// an offset inside a multi-byte character to that character's start, and an offset inside a
    /// `\r\n` pair to the end of the line.
    pub fn line_col(&self, offset: TextSize, encoding: PositionEncoding) -> LineCol {
        let mut offset = offset.min(self.len);
        let line_no = self.line_of(offset);
        let line = self.line(line_no as usize);
        offset = offset.min(line.end);
        let wide = self.wide_chars(line.start, offset + 1);
        // Snap an offset that falls inside a multi-byte character back to its first byte.
        if let Some(last) = wide.last() {
            if last.offset < offset && offset < last.offset + TextSize::from(last.len_utf8) {
                offset = last.offset;
            }
        }
        let shrink: u32 = wide
            .iter()
            .filter(|w| w.offset < offset)
            .map(|w| u32::from(w.len_utf8) - w.width(encoding))
            .sum();
        let col = offset - line.start - shrink;
        LineCol { line: line_no, col }
    }

    /// Converts a position to a byte offset. A line past the end maps to the end of the text, a
    /// column past the end of its line to the line's end, and a column inside a character (the
    /// middle of a UTF-8 sequence or of a surrogate pair) to that character's start.
    pub fn offset(&self, position: LineCol, encoding: PositionEncoding) -> TextSize {
        if position.line as usize >= self.starts.len() {
            return self.len;
        }
        let line = self.line(position.line as usize);
        let wide = self.wide_chars(line.start, line.end);
        let mut at = line.start;
        let mut remaining = position.col;
        for w in wide {
            let gap = w.offset - at;
            if remaining <= gap {
                return at + remaining;
            }
            remaining -= gap;
            at = w.offset;
            let width = w.width(encoding);
            if remaining < width {
                return at;
            }
            remaining -= width;
            at += TextSize::from(w.len_utf8);
        }
        at.saturating_add(remaining).min(line.end)
    }

    /// Non-ASCII characters whose first byte is in `start..end`, sorted by offset.
    fn wide_chars(&self, start: TextSize, end: TextSize) -> &[WideChar] {
        let from = self.wide.partition_point(|w| w.offset < start);
        let to = self.wide.partition_point(|w| w.offset < end);
        &self.wide[from..to]
    }
}

impl WideChar {
    /// Width of the character in the encoding's code units.
    fn width(self, encoding: PositionEncoding) -> u32 {
        match encoding {
            PositionEncoding::Utf8 => u32::from(self.len_utf8),
            PositionEncoding::Utf16 => u32::from(self.len_utf16),
            PositionEncoding::Utf32 => 1,
        }
    }
}

/// Records the non-ASCII characters of `text[start..end]`.
fn wide_chars(text: &str, start: usize, end: usize, wide: &mut Vec<WideChar>) {
    let bytes = &text.as_bytes()[start..end];
    if bytes.is_ascii() {
        return;
    }
    // Skip ASCII runs without decoding them; a lead byte gives the character's length.
    let mut at = 0;
    while let Some(skip) = first_non_ascii(&bytes[at..]) {
        at += skip;
        let len_utf8: u8 = match bytes[at] {
            0xF0.. => 4,
            0xE0.. => 3,
            _ => 2,
        };
        wide.push(WideChar {
            offset: super::to_size(start + at),
            len_utf8,
            len_utf16: if len_utf8 == 4 { 2 } else { 1 },
        });
        at += usize::from(len_utf8);
    }
}

/// Offset of the first byte of `bytes` that is not ASCII, reading eight bytes at a time.
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut offset = 0;
    for word in words.by_ref() {
        let word = u64::from_le_bytes(word.try_into().expect("chunks of eight bytes"));
        let high = word & HIGH_BITS;
        if high != 0 {
            return Some(offset + high.trailing_zeros() as usize / 8);
        }
        offset += 8;
    }
    let rest = words.remainder();
    rest.iter().position(|b| !b.is_ascii()).map(|i| offset + i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use PositionEncoding::{Utf8, Utf16, Utf32};

    fn lc(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    #[test]
    fn emoji_counts_two_utf16_units() {
        let text = "- [ ] Call 📅 2026-03-20 [[Dana]]";
        let index = LineIndex::new(text);
        let link = u32::try_from(text.find("[[").unwrap()).unwrap();
        assert_eq!(index.line_col(link, Utf16), lc(0, 25));
        assert_eq!(index.line_col(link, Utf8), lc(0, 27));
        assert_eq!(index.offset(lc(0, 25), Utf16), link);
        assert_eq!(index.offset(lc(0, 27), Utf8), link);
    }

    #[test]
    fn line_breaks_of_all_three_kinds() {
        let index = LineIndex::new("a\r\nb\rc\nd");
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_col(3, Utf16), lc(1, 0));
        assert_eq!(index.line_col(5, Utf16), lc(2, 0));
        assert_eq!(index.line_col(7, Utf16), lc(3, 0));
        // Between `\r` and `\n` is not a position: it clamps to the end of the line.
        assert_eq!(index.line_col(2, Utf16), lc(0, 1));
    }

    #[test]
    fn positions_past_the_end_clamp() {
        let index = LineIndex::new("ab\ncd\n");
        assert_eq!(index.offset(lc(0, 99), Utf16), 2);
        assert_eq!(index.offset(lc(9, 0), Utf16), 6);
        assert_eq!(index.line_col(99, Utf16), lc(2, 0));
    }

    #[test]
    fn column_inside_surrogate_pair_snaps_to_char_start() {
        let index = LineIndex::new("x📅y");
        assert_eq!(index.offset(lc(0, 2), Utf16), 1);
        assert_eq!(index.offset(lc(0, 3), Utf16), 5);
        assert_eq!(index.line_col(3, Utf8), lc(0, 1));
    }

    #[test]
    fn zwj_sequence_and_cjk() {
        let text = "👩‍💻 北星 [[x]]";
        let index = LineIndex::new(text);
        let link = u32::try_from(text.find("[[").unwrap()).unwrap();
        // 👩 (2) + ZWJ (1) + 💻 (2) + space (1) + 北星 (2) + space (1) = 9 units.
        assert_eq!(index.line_col(link, Utf16), lc(0, 9));
        assert_eq!(index.offset(lc(0, 9), Utf16), link);
        // In characters: 👩 ZWJ 💻 space 北 星 space = 7.
        assert_eq!(index.line_col(link, Utf32), lc(0, 7));
        assert_eq!(index.offset(lc(0, 7), Utf32), link);
    }

    #[test]
    fn non_ascii_byte_at_any_word_position() {
        for at in 0..20 {
            let mut bytes = vec![b'a'; 20];
            bytes[at] = 0xC3;
            assert_eq!(first_non_ascii(&bytes), Some(at), "non-ASCII byte at {at}");
            assert_eq!(first_non_ascii(&bytes[..at]), None);
        }
    }

    #[test]
    fn columns_after_wide_characters_anywhere_on_crlf_lines() {
        // A wide character at each column of a 20-byte line, on the second line of a CRLF text,
        // counted against the characters' own UTF-16 lengths.
        for wide in ["é", "北", "📅"] {
            for at in 0..20 {
                let line = format!("{}{wide}{}", "a".repeat(at), "b".repeat(20 - at));
                let text = format!("first line\r\n{line}\r\nlast");
                let index = LineIndex::new(&text);
                let end = u32::try_from(text.find("\r\nlast").unwrap()).unwrap();
                let units = u32::try_from(line.encode_utf16().count()).unwrap();
                assert_eq!(index.line_col(end, Utf16), lc(1, units), "{wide} at {at}");
                assert_eq!(index.offset(lc(1, units), Utf16), end);
            }
        }
    }

    #[test]
    fn empty_text_has_one_line() {
        let index = LineIndex::new("");
        assert_eq!(index.line_count(), 1);
        assert_eq!(index.line_col(0, Utf16), lc(0, 0));
        assert_eq!(index.offset(lc(3, 3), Utf16), 0);
    }
}
