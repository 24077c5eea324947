//! Applying an editor's incremental changes to an open note held as a rope.

use ropey::Rope;

use super::{LineCol, PositionEncoding};

/// Converts a position to a char index in `rope`. A line past the end maps to the end of the
/// text, a column past the end of its line to the line's end (before the line break), and a
/// column inside a character to that character's start.
pub fn position_to_char(rope: &Rope, position: LineCol, encoding: PositionEncoding) -> usize {
    let line_index = position.line as usize;
    if line_index >= rope.len_lines() {
        return rope.len_chars();
    }
    let line = rope.line(line_index);
    let content_chars = line.len_chars() - line_break_chars(&line);
    let col = position.col as usize;
    let in_line = match encoding {
        PositionEncoding::Utf8 => {
            let content_bytes = line.char_to_byte(content_chars);
            line.byte_to_char(col.min(content_bytes))
        }
        PositionEncoding::Utf16 => {
            let content_units = line.char_to_utf16_cu(content_chars);
            line.utf16_cu_to_char(col.min(content_units))
        }
        PositionEncoding::Utf32 => col.min(content_chars),
    };
    rope.line_to_char(line_index) + in_line.min(content_chars)
}

/// Number of chars in the line break that ends `line`: 0, 1 or 2 (`\r\n`).
fn line_break_chars(line: &ropey::RopeSlice<'_>) -> usize {
    let len = line.len_chars();
    match (
        len.checked_sub(2).map(|i| line.char(i)),
        len.checked_sub(1).map(|i| line.char(i)),
    ) {
        (Some('\r'), Some('\n')) => 2,
        (_, Some('\n' | '\r')) => 1,
        _ => 0,
    }
}

/// Replaces the text between `range` (or the whole text, when `range` is `None`) with
/// `new_text`. Positions are clamped as [`position_to_char`] describes, and a reversed range is
/// read in order, so no input can make this panic.
pub fn apply_change(
    rope: &mut Rope,
    range: Option<(LineCol, LineCol)>,
    new_text: &str,
    encoding: PositionEncoding,
) {
    let Some((start, end)) = range else {
        *rope = Rope::from_str(new_text);
        return;
    };
    let mut start = position_to_char(rope, start, encoding);
    let mut end = position_to_char(rope, end, encoding);
    if start > end {
        std::mem::swap(&mut start, &mut end);
    }
    rope.remove(start..end);
    rope.insert(start, new_text);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lc(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    #[test]
    fn edit_after_emoji_in_utf16() {
        let mut rope = Rope::from_str("- [ ] 📅 2026-03-10 call\n");
        // 📅 is two UTF-16 units, so "2026" starts at column 9.
        apply_change(
            &mut rope,
            Some((lc(0, 9), lc(0, 13))),
            "2027",
            PositionEncoding::Utf16,
        );
        assert_eq!(rope.to_string(), "- [ ] 📅 2027-03-10 call\n");
        apply_change(
            &mut rope,
            Some((lc(0, 11), lc(0, 15))),
            "2028",
            PositionEncoding::Utf8,
        );
        assert_eq!(rope.to_string(), "- [ ] 📅 2028-03-10 call\n");
    }

    #[test]
    fn crlf_line_end_is_not_split() {
        let mut rope = Rope::from_str("ab\r\ncd");
        apply_change(
            &mut rope,
            Some((lc(0, 99), lc(0, 99))),
            "X",
            PositionEncoding::Utf16,
        );
        assert_eq!(rope.to_string(), "abX\r\ncd");
        apply_change(
            &mut rope,
            Some((lc(1, 0), lc(1, 0))),
            "Y",
            PositionEncoding::Utf16,
        );
        assert_eq!(rope.to_string(), "abX\r\nYcd");
    }

    #[test]
    fn out_of_range_and_reversed_ranges_clamp() {
        let mut rope = Rope::from_str("one\ntwo");
        apply_change(
            &mut rope,
            Some((lc(9, 9), lc(0, 1))),
            "",
            PositionEncoding::Utf16,
        );
        assert_eq!(rope.to_string(), "o");
        apply_change(
            &mut rope,
            Some((lc(0, 1), lc(0, 1))),
            "😀",
            PositionEncoding::Utf16,
        );
        // Column 1 of the emoji is its second surrogate: the insert goes before the emoji.
        apply_change(
            &mut rope,
            Some((lc(0, 2), lc(0, 2))),
            "!",
            PositionEncoding::Utf16,
        );
        assert_eq!(rope.to_string(), "o!😀");
    }
}
