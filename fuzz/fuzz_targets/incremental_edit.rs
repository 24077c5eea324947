//! Applies a sequence of editor changes to a rope, as `textDocument/didChange` does, and checks
//! each result against a `String` splice and the line index of the new text.

#![no_main]

use dex::text::{LineCol, PositionEncoding, apply_change};
use dex_fuzz::{check_line_index, in_range, reference_apply, reference_lines, units};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use ropey::Rope;

#[derive(Arbitrary, Debug)]
struct Input {
    initial: String,
    edits: Vec<Edit>,
}

#[derive(Arbitrary, Debug)]
struct Edit {
    /// `None` replaces the whole text, as a change without a range does.
    range: Option<(Coordinate, Coordinate, Coordinate, Coordinate)>,
    new_text: String,
    encoding: Encoding,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

/// A raw line or column. Values up to 250 are reduced into the text (or one step past its last
/// line or column), so most edits land in range. The other five give far-out values.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct Coordinate(u8);

impl Coordinate {
    fn resolve(self, limit: u32) -> u32 {
        match self.0 {
            raw @ 0..=250 => u32::from(raw) % (limit + 2),
            251 => limit + 2,
            252 => limit + 100,
            253 => 1 << 16,
            254 => u32::MAX - 1,
            _ => u32::MAX,
        }
    }
}

/// Builds a position from raw coordinates, bounding the column by the length of the line.
fn position(text: &str, line: Coordinate, col: Coordinate, encoding: PositionEncoding) -> LineCol {
    let lines = reference_lines(text);
    let line_count = u32::try_from(lines.len()).expect("line count fits in u32");
    let line = line.resolve(line_count - 1);
    let line_len = lines
        .get(line as usize)
        .map_or(0, |range| units(&text[range.clone()], encoding));
    LineCol {
        line,
        col: col.resolve(line_len),
    }
}

fuzz_target!(|input: Input| {
    let mut text = input.initial;
    let mut rope = Rope::from_str(&text);
    for edit in input.edits {
        let encoding = match edit.encoding {
            Encoding::Utf8 => PositionEncoding::Utf8,
            Encoding::Utf16 => PositionEncoding::Utf16,
            Encoding::Utf32 => PositionEncoding::Utf32,
        };
        let range = edit
            .range
            .map(|(start_line, start_col, end_line, end_col)| {
                (
                    position(&text, start_line, start_col, encoding),
                    position(&text, end_line, end_col, encoding),
                )
            });
        apply_change(&mut rope, range, &edit.new_text, encoding);
        let expected = reference_apply(&text, range, &edit.new_text, encoding);
        let actual = rope.to_string();
        let clamped = range.is_some_and(|(start, end)| {
            !in_range(&text, start, encoding) || !in_range(&text, end, encoding)
        });
        // Both sides clamp out-of-range positions the same documented way, so they must agree
        // even then; `clamped` only labels the failure.
        assert_eq!(
            actual, expected,
            "edit {range:?} {encoding:?} (clamped: {clamped}) of {text:?}"
        );
        let index = dex::text::LineIndex::new(&actual);
        assert_eq!(
            rope.len_lines(),
            index.line_count() as usize,
            "rope and line index disagree on the line count of {actual:?}"
        );
        check_line_index(&actual);
        text = actual;
    }
});
