//! Inline fields: Dataview's `Key:: value`, `[key:: value]` and `(key:: value)`, and the
//! `- Key: value` list items CSMs write under headings such as Account Health.

use std::sync::LazyLock;

use regex::Regex;

use super::{Field, FieldSource};
use crate::text::TextRange;

/// Lines longer than this are not scanned for fields, as in Dataview.
const MAX_FIELD_LINE: usize = 32_768;

static LIST_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\*\*)?([A-Za-z][A-Za-z0-9 _/%&.-]{0,39}?)(?:\*\*)?\s*:(?:\*\*)?[ \t]+(\S.*)$")
        .expect("valid regex")
});
static FULL_LINE_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[\s>]*(?:[-*+][ \t]+)?(?:\*\*|__)?([^\[\]()*:>][^\[\]():]*?)(?:\*\*|__)?::[ \t]*(.*)$",
    )
    .expect("valid regex")
});

/// Reads the inline fields of one line that starts at byte `start`. `item_content` is the offset
/// within the line where a list item's content starts (after `- `), if the line starts an item;
/// `is_task` skips the full-line and list forms, which do not apply to tasks.
pub(super) fn scan_line(
    line: &str,
    start: u32,
    item_content: Option<usize>,
    is_task: bool,
    out: &mut Vec<Field>,
) {
    if line.len() > MAX_FIELD_LINE {
        return;
    }
    let before = out.len();
    if line.contains("::") {
        scan_bracketed(line, start, out);
        if out.len() == before && !is_task {
            if let Some(caps) = FULL_LINE_FIELD.captures(line) {
                push(out, &caps, start, FieldSource::Inline);
            }
        }
    }
    if out.len() == before && !is_task {
        // A `Key: value` item has its colon within the first few dozen bytes.
        let colon_near = |content: usize| {
            line.as_bytes()[content..]
                .iter()
                .take(48)
                .any(|&b| b == b':')
        };
        if let Some(content) = item_content.filter(|&c| c <= line.len() && colon_near(c)) {
            if let Some(caps) = LIST_FIELD.captures(&line[content..]) {
                push(
                    out,
                    &caps,
                    start + crate::text::to_size(content),
                    FieldSource::ListItem,
                );
            }
        }
    }
}

fn push(out: &mut Vec<Field>, caps: &regex::Captures<'_>, start: u32, source: FieldSource) {
    let key = caps.get(1).expect("key group always matches");
    let value = caps.get(2).expect("value group always matches");
    let key_text = key.as_str().trim();
    if key_text.is_empty() {
        return;
    }
    // The key group may start with whitespace after `**` or `__`, which the trim removed.
    let key_start = key.start() + (key.as_str().len() - key.as_str().trim_start().len());
    let value_text = value.as_str().trim_end();
    out.push(Field {
        key: key_text.to_string(),
        value: value_text.to_string(),
        source,
        key_range: TextRange::from_usize(key_start..key_start + key_text.len()).shifted(start),
        value_range: TextRange::from_usize(value.start()..value.start() + value_text.len())
            .shifted(start),
    });
}

/// Finds `[key:: value]` and `(key:: value)`, honouring nested brackets of the same kind and
/// backslash escapes in the value.
fn scan_bracketed(line: &str, start: u32, out: &mut Vec<Field>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let open = bytes[i];
        if open != b'[' && open != b'(' {
            i += 1;
            continue;
        }
        let close = if open == b'[' { b']' } else { b')' };
        let Some(sep) = line[i + 1..].find("::").map(|p| p + i + 1) else {
            return;
        };
        let key = &line[i + 1..sep];
        if key.is_empty() || key.contains(['[', ']', '(', ')']) {
            i += 1;
            continue;
        }
        let Some(end) = matching_close(bytes, sep + 2, open, close) else {
            i += 1;
            continue;
        };
        let value = &line[sep + 2..end];
        let key_trimmed = key.trim();
        let key_start = i + 1 + (key.len() - key.trim_start().len());
        let value_start = sep + 2 + (value.len() - value.trim_start().len());
        let value_trimmed = value.trim().trim_end_matches(',').trim_end();
        out.push(Field {
            key: key_trimmed.to_string(),
            value: value_trimmed.to_string(),
            source: FieldSource::Inline,
            key_range: TextRange::from_usize(key_start..key_start + key_trimmed.len())
                .shifted(start),
            value_range: TextRange::from_usize(value_start..value_start + value_trimmed.len())
                .shifted(start),
        });
        i = end + 1;
    }
}

fn matching_close(bytes: &[u8], from: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 0usize;
    let mut escaped = false;
    for (offset, &byte) in bytes[from..].iter().enumerate() {
        if escaped {
            escaped = false;
        } else if byte == b'\\' {
            escaped = true;
        } else if byte == open {
            depth += 1;
        } else if byte == close {
            if depth == 0 {
                return Some(from + offset);
            }
            depth -= 1;
        }
    }
    None
}
