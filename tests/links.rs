//! End-to-end tests over JSON-RPC of what counts as a link and of link ranges: links to a heading
//! of the same note, wikilinks with spaces inside the brackets, and display math, on lines with
//! emoji, CJK text and CRLF.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

mod common;

use std::path::Path;

use common::{Lsp, capabilities, file_uri, slice_utf16, vault};
use serde_json::{Value, json};

const PLAN: &str = "Notes/Plan.md";
const OTHER: &str = "Inbox/Other.md";

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

const OTHER_TEXT: &str = "[[Plan#Key Risks]] [x](../Notes/Plan.md#Key%20Risks)\n";

/// Starts a server for an editor that supports definition links (`linkSupport`) and can rename
/// files, so that a rename on a link is allowed.
fn start(root: &Path) -> Lsp {
    let mut caps = capabilities();
    caps["textDocument"]["definition"] = json!({ "linkSupport": true });
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
fn same_note_heading_links_warn_and_navigate() {
    let dir = vault(&[(PLAN, PLAN_TEXT), (OTHER, OTHER_TEXT)]);
    let root = dir.path();
    let mut lsp = start(root);
    let plan = lsp.open(&root.join(PLAN), PLAN_TEXT);

    let diagnostics = lsp.diagnostics(&plan, Some(1));
    assert_eq!(
        render_diagnostics(PLAN_TEXT, &diagnostics),
        [
            "unresolved-heading \"#北星%20Nope\": no heading `北星 Nope` in Plan",
            "unresolved-heading \"#No%20Such%20Heading\": no heading `No Such Heading` in Plan",
            "unresolved-heading \"#Nowhere\": no heading `Nowhere` in Plan",
            "unresolved-heading \"#Gone Too\": no heading `Gone Too` in Plan",
            "unresolved-block \"#^missing\": no block `^missing` in Plan",
        ]
    );
    // `📅 北星 ` is 6 UTF-16 units, and the links before `[bad](` 67 more.
    assert_eq!(
        diagnostics[0]["range"],
        json!({ "start": { "line": 3, "character": 73 }, "end": { "line": 3, "character": 83 } })
    );
    assert!(diagnostics.iter().all(|d| d["severity"] == 2));

    let heading =
        json!({ "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 12 } });
    let block =
        json!({ "start": { "line": 6, "character": 0 }, "end": { "line": 6, "character": 9 } });
    let cases = [
        ((3, 8), "#Key%20Risks", &heading),
        ((3, 35), "#Key Risks", &heading),
        ((3, 53), "#Key Risks", &heading),
        ((5, 2), "<#Key Risks>", &heading),
        ((8, 1), "#Key%20Risks", &heading),
        ((4, 75), "#^blk", &block),
        ((5, 33), "#^blk", &block),
    ];
    for ((line, character), origin, expected) in cases {
        let definition = lsp.request(
            "textDocument/definition",
            position_params(&plan, line, character),
        );
        let link = &definition[0];
        assert_eq!(link["targetUri"], plan, "{line}:{character}");
        assert_eq!(&link["targetRange"], expected, "{line}:{character}");
        assert_eq!(
            &link["targetSelectionRange"], expected,
            "{line}:{character}"
        );
        let origin_range = &link["originSelectionRange"];
        assert_eq!(
            slice_utf16(PLAN_TEXT, origin_range),
            origin,
            "{line}:{character}"
        );
    }
    // The origin on the emoji line starts after `📅 北星 [risks](`, 14 UTF-16 units.
    let emoji_line = lsp.request("textDocument/definition", position_params(&plan, 3, 8));
    assert_eq!(
        emoji_line[0]["originSelectionRange"]["start"],
        json!({ "line": 3, "character": 14 })
    );

    let references = lsp.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": plan }, "position": { "line": 2, "character": 5 }, "context": { "includeDeclaration": false } }),
    );
    let other = file_uri(&root.join(OTHER));
    let found: Vec<(bool, String)> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let in_plan = r["uri"] == plan;
            let text = if in_plan { PLAN_TEXT } else { OTHER_TEXT };
            assert!(in_plan || r["uri"] == other, "{r}");
            (in_plan, slice_utf16(text, &r["range"]))
        })
        .collect();
    let expected = [
        (false, "[[Plan#Key Risks]]"),
        (false, "[x](../Notes/Plan.md#Key%20Risks)"),
        (true, "[risks](#Key%20Risks)"),
        (true, "[[#Key Risks]]"),
        (true, "![[#Key Risks]]"),
        (true, "[angle](<#Key Risks>)"),
        (true, "[r]: #Key%20Risks"),
    ];
    let expected: Vec<(bool, String)> = expected
        .iter()
        .map(|(in_plan, text)| (*in_plan, (*text).to_string()))
        .collect();
    assert_eq!(found, expected);

    let hover = lsp.request("textDocument/hover", position_params(&plan, 3, 8));
    assert_eq!(
        slice_utf16(PLAN_TEXT, &hover["range"]),
        "[risks](#Key%20Risks)"
    );
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        markdown.starts_with("**Plan** · Notes/Plan.md"),
        "{markdown}"
    );
    assert!(markdown.contains("## Key Risks"), "{markdown}");
    lsp.shutdown();
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
    assert_eq!(note[0]["targetUri"], plan);
    let origin = &note[0]["originSelectionRange"];
    assert_eq!(slice_utf16(text, origin), "Plan");
    // `📅 北星 [[ Missing One ]] [[\t` is 27 UTF-16 units.
    assert_eq!(
        *origin,
        json!({ "start": { "line": 0, "character": 27 }, "end": { "line": 0, "character": 31 } })
    );
    let heading = lsp.request("textDocument/definition", position_params(&spaced, 1, 35));
    assert_eq!(heading[0]["targetUri"], plan);
    assert_eq!(
        heading[0]["targetRange"]["start"],
        json!({ "line": 2, "character": 0 })
    );
    let origin = &heading[0]["originSelectionRange"];
    assert_eq!(slice_utf16(text, origin), "Plan #Key Risks");

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

/// Display math across blank lines hides the links, tags, tasks and dates in its LaTeX, on lines
/// with emoji, CJK text and CRLF, and offers no completion inside.
#[test]
fn display_math_hides_links_and_tasks() {
    let text = "# Formulas\r
📅 北星\r
$$ [[Inside Math]]\r
\r
- [ ] task inside 📅 2026-01-01\r
#not-a-tag [[Also Inside]] 2026-02-30 $$\r
📅 then [[Missing After]] #real\r
\r
$$\r
[[Pri\r
\r
$$\r
";
    let dir = vault(&[
        ("People/Priya.md", "# Priya\n"),
        ("Notes/Formulas.md", text),
    ]);
    let root = dir.path();
    let mut lsp = start(root);
    let formulas = lsp.open(&root.join("Notes/Formulas.md"), text);

    let diagnostics = lsp.diagnostics(&formulas, Some(1));
    assert_eq!(
        render_diagnostics(text, &diagnostics),
        ["unresolved-link \"Missing After\": unresolved link: no note named `Missing After`"]
    );
    assert_eq!(
        diagnostics[0]["range"],
        json!({ "start": { "line": 6, "character": 10 }, "end": { "line": 6, "character": 23 } })
    );

    let in_math = lsp.request("textDocument/completion", position_params(&formulas, 9, 5));
    assert!(in_math.is_null(), "{in_math}");
    let open_link = "\r\n[[Pri";
    let outside = format!("{text}{open_link}");
    lsp.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": formulas, "version": 2 },
            "contentChanges": [{ "text": outside }]
        }),
    );
    let after_math = lsp.request("textDocument/completion", position_params(&formulas, 13, 5));
    assert_eq!(after_math["items"][0]["label"], "Priya", "{after_math}");
    lsp.shutdown();
}
