//! Hundreds of rapid incremental edits with emoji, interleaved with completion requests: the
//! server must apply them in order, so its text and its diagnostic ranges match the editor's.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

mod common;

use common::{Lsp, capabilities, slice_utf16, vault};
use serde_json::json;

/// A small deterministic generator, so a failure replays the same edits.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

const PIECES: &[&str] = &[
    "a",
    "Zoë ",
    "📅",
    "👩‍💻",
    "北星",
    " [[Pri",
    "\n",
    "- [ ] x\n",
    "🚀 ",
    "é",
    "\r\n",
    "#tag ",
];

/// UTF-16 column of byte `byte` in `line`.
fn utf16_col(line: &str, byte: usize) -> usize {
    line[..byte].encode_utf16().count()
}

fn lines(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// Byte offset in `text` of a line and byte column (the column is within the line's content).
fn offset_of(text: &str, line: usize, byte_col: usize) -> usize {
    let mut start = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        if index == line {
            return start + byte_col;
        }
        start += raw.len();
    }
    start + byte_col
}

fn char_boundaries(line: &str) -> Vec<usize> {
    let mut bounds: Vec<usize> = line.char_indices().map(|(i, _)| i).collect();
    bounds.push(line.len());
    bounds
}

#[test]
fn rapid_edits_apply_in_order() {
    let tasks = "- [ ] Call [[Priya]] 📅 2026-03-01\n- [ ] Send deck 📅 2026-03-02\n";
    let dir = vault(&[("note.md", ""), ("Priya Raman.md", "# Priya\n")]);
    let mut lsp = Lsp::start(&["--today", "2026-03-15"]);
    lsp.initialize(dir.path(), capabilities());
    let mut model = format!("# Notes\n\nintro line\n{tasks}");
    let uri = lsp.open(&dir.path().join("note.md"), &model);
    let mut rng = Lcg(42);
    let mut completions = Vec::new();
    let edits: i32 = 400;
    for version in 2..=edits + 1 {
        let all = lines(&model);
        let protected = all.len() - 3; // The two task lines and the empty last line.
        let (line, start_byte, end_byte, insert) = if rng.next(5) == 0 {
            // Shift the columns of a task line: insert right after `- [ ] `.
            let line = protected + rng.next(2);
            (line, 6, 6, ["🎉", "北", "é", "👩‍💻"][rng.next(4)].to_string())
        } else {
            let line = rng.next(protected);
            let bounds = char_boundaries(all[line]);
            let start = bounds[rng.next(bounds.len())];
            let after: Vec<usize> = bounds.iter().copied().filter(|&b| b >= start).collect();
            let end = if rng.next(3) == 0 {
                after[rng.next(after.len().min(4))]
            } else {
                start
            };
            (line, start, end, PIECES[rng.next(PIECES.len())].to_string())
        };
        let line_text = lines(&model)[line].to_string();
        let range = json!({
            "start": { "line": line, "character": utf16_col(&line_text, start_byte) },
            "end": { "line": line, "character": utf16_col(&line_text, end_byte) },
        });
        let from = offset_of(&model, line, start_byte);
        let to = offset_of(&model, line, end_byte);
        model.replace_range(from..to, &insert);
        lsp.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "range": range, "text": insert }] }),
        );
        if version % 7 == 0 {
            let position = json!({ "line": line, "character": utf16_col(&line_text, start_byte) });
            completions.push(lsp.send_request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": uri }, "position": position }),
            ));
        }
    }
    for id in completions {
        let response = lsp.response(id);
        assert!(
            response.get("error").is_none(),
            "completion failed: {response}"
        );
    }
    let final_version = i64::from(edits + 1);
    let server = lsp.request("dex/noteText", json!({ "uri": uri }));
    assert_eq!(server["version"], final_version);
    assert_eq!(
        server["text"].as_str().unwrap(),
        model,
        "the server's text drifted from the editor's"
    );

    let diagnostics = lsp.diagnostics(&uri, Some(final_version));
    let overdue: Vec<String> = diagnostics
        .iter()
        .filter(|d| d["code"] == "overdue")
        .map(|d| slice_utf16(&model, &d["range"]))
        .collect();
    assert_eq!(
        overdue,
        ["📅 2026-03-01", "📅 2026-03-02"],
        "{diagnostics:#?}"
    );
    lsp.shutdown();
}
