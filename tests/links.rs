//! End-to-end tests of link ranges and link targets over JSON-RPC, on lines with emoji, CJK text
//! and CRLF.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

mod common;

use std::path::Path;

use common::{Lsp, capabilities, file_uri, slice_utf16, vault};
use serde_json::{Value, json};

const PLAN: &str = "Notes/Plan.md";

const PLAN_TEXT: &str = "# Plan\r
\r
## Key Risks\r
📅 北星 [risks](#Key%20Risks) and [[#Key Risks]] and ![[#Key Risks]] [bad](#北星%20Nope)\r
[gone](#No%20Such%20Heading) [[#Nowhere]] ![[#Gone Too]] [[#^missing]] [[#^blk]]\r
[angle](<#Key Risks>) [ref][r] [blk](#^blk)\r
line ^blk\r
\r
[r]: #Key%20Risks\r
";

/// Starts a server for an editor that can rename files, so that a rename on a link is allowed.
fn start(root: &Path) -> Lsp {
    let mut caps = capabilities();
    caps["workspace"] = json!({
        "applyEdit": true,
        "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create", "rename"] }
    });
    let mut lsp = Lsp::start(&["--today", "2026-03-15"]);
    lsp.initialize(root, caps);
    lsp.wait_indexed();
    lsp
}

fn position_params(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

/// Renders diagnostics as `code "covered text": message`, one a line.
fn render_diagnostics(text: &str, diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let covered = slice_utf16(text, &d["range"]);
            format!(
                "{} {covered:?}: {}",
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn spaced_wikilink_ranges_leave_out_spaces() {
    let text = "📅 北星 [[ Missing One ]] [[\tPlan\t]]\r\n[[ Plan | the plan ]] [[ Plan #Key Risks ]] [[ Plan # Nope ]]\r\n";
    let dir = vault(&[(PLAN, PLAN_TEXT), ("Inbox/Spaced.md", text)]);
    let root = dir.path();
    let mut lsp = start(root);
    let spaced = lsp.open(&root.join("Inbox/Spaced.md"), text);

    let diagnostics = lsp.diagnostics(&spaced, Some(1));
    assert_eq!(
        render_diagnostics(text, &diagnostics),
        [
            "unresolved-link \"Missing One\": unresolved link: no note named `Missing One`",
            "unresolved-heading \"Plan # Nope\": no heading `Nope` in Plan",
        ]
    );
    // `📅 北星 [[ ` is 9 UTF-16 units.
    assert_eq!(
        diagnostics[0]["range"],
        json!({ "start": { "line": 0, "character": 9 }, "end": { "line": 0, "character": 20 } })
    );
    assert_eq!(
        diagnostics[1]["range"],
        json!({ "start": { "line": 1, "character": 47 }, "end": { "line": 1, "character": 58 } })
    );

    let plan = file_uri(&root.join(PLAN));
    let note = lsp.request("textDocument/definition", position_params(&spaced, 0, 27));
    assert_eq!(note["uri"], plan);
    let heading = lsp.request("textDocument/definition", position_params(&spaced, 1, 35));
    assert_eq!(heading["uri"], plan);
    assert_eq!(
        heading["range"]["start"],
        json!({ "line": 2, "character": 0 })
    );

    let prepared = lsp.request("textDocument/prepareRename", position_params(&spaced, 1, 5));
    assert_eq!(slice_utf16(text, &prepared["range"]), "Plan");
    let on_heading = lsp.request(
        "textDocument/prepareRename",
        position_params(&spaced, 1, 35),
    );
    assert_eq!(slice_utf16(text, &on_heading["range"]), "Key Risks");

    let references = lsp.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": plan }, "position": { "line": 2, "character": 5 }, "context": { "includeDeclaration": false } }),
    );
    let from_spaced: Vec<String> = references
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["uri"] == spaced)
        .map(|r| slice_utf16(text, &r["range"]))
        .collect();
    assert_eq!(from_spaced, ["[[ Plan #Key Risks ]]"]);
    lsp.shutdown();
}
