//! End-to-end tests of `textDocument/prepareRename` and `textDocument/rename` over JSON-RPC.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

mod common;

use std::path::Path;

use common::{Lsp, apply, capabilities, edits_for, file_uri, slice_utf16, vault};
use serde_json::{Value, json};

const PLAN: &str = "Notes/Project Plan.md";
const LINKS: &str = "Inbox/Links.md";
const CRLF: &str = "Inbox/Windows.md";
const TAGGED: &str = "Inbox/Tagged.md";

const PLAN_TEXT: &str = "---\naliases: [Plan]\ntags: [risk/budget, other]\n---\n# Project Plan\n\n## Key Risks\nBudget is tight #risk/budget and #risk.\n\n## 10:30 Sync\nSee [[#Key Risks]].\n";

const LINKS_TEXT: &str = "\
- [[Project Plan]]
- [[project plan|the plan]]
- [[Project Plan#Key Risks]]
- ![[Project Plan#^abc]]
- [[Notes/Project Plan.md]]
- [see](../Notes/Project%20Plan.md#Key%20Risks)
- [angle](<../Notes/Project Plan.md>)
- [[Plan]]
- [[Plan#Key Risks]]
- 📅 北星 [[Project Plan|計画]] end
- [[Project Plan#10 30 Sync]]
- [angle heading](<../Notes/Project Plan.md#Key Risks>)
";

const CRLF_TEXT: &str = "Line one\r\n📅 [[Project Plan]] and #Risk/Budget/Q3\r\n";

const TAGGED_TEXT: &str =
    "---\ntags:\n  - risk\n  - riskier\n---\nNothing #risky here, #risk/people too.\n";

fn plan_vault() -> tempfile::TempDir {
    vault(&[
        (PLAN, PLAN_TEXT),
        (LINKS, LINKS_TEXT),
        (CRLF, CRLF_TEXT),
        (TAGGED, TAGGED_TEXT),
        ("Notes/Roadmap.md", "# Roadmap\n"),
        (
            "Active/Accounts/Acme_Corp/Overview.md",
            "# Acme Corp\nSee [[Project Plan]].\n",
        ),
        ("Inbox/Account.md", "Call [[Acme Corp]] today.\n"),
        ("Inbox/Picture.png", "not a note"),
    ])
}

/// Capabilities of an editor that applies `documentChanges` with file renames.
fn rename_capabilities(encoding: &str) -> Value {
    let mut caps = capabilities();
    caps["general"]["positionEncodings"] = json!([encoding]);
    caps["workspace"] = json!({
        "applyEdit": true,
        "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create", "rename", "delete"] }
    });
    caps
}

fn start(root: &Path, caps: Value) -> Lsp {
    let mut lsp = Lsp::start(&["--today", "2026-03-15"]);
    lsp.initialize(root, caps);
    lsp.wait_indexed();
    lsp
}

fn position_params(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

fn rename_params(uri: &str, line: u32, character: u32, new_name: &str) -> Value {
    let mut params = position_params(uri, line, character);
    params["newName"] = json!(new_name);
    params
}

fn uri_of(root: &Path, relative: &str) -> String {
    file_uri(&root.join(relative))
}

/// Returns the error message of a response, and fails the test when the request succeeded.
fn error_message(response: &Value) -> String {
    assert!(
        response.get("error").is_some(),
        "expected an error: {response}"
    );
    response["error"]["message"].as_str().unwrap().to_string()
}

#[test]
fn capabilities_advertise_prepare_rename() {
    let dir = plan_vault();
    let mut lsp = Lsp::start(&[]);
    let init = lsp.initialize(dir.path(), rename_capabilities("utf-16"));
    assert_eq!(
        init["capabilities"]["renameProvider"],
        json!({ "prepareProvider": true })
    );
    lsp.shutdown();
}

#[test]
fn note_rename_from_link_keeps_link_forms() {
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let links = uri_of(root, LINKS);

    let prepared = lsp.request("textDocument/prepareRename", position_params(&links, 0, 6));
    assert_eq!(prepared["placeholder"], "Project Plan");
    assert_eq!(slice_utf16(LINKS_TEXT, &prepared["range"]), "Project Plan");
    // On the alias, the range is still the link target.
    let on_alias = lsp.request("textDocument/prepareRename", position_params(&links, 1, 20));
    assert_eq!(slice_utf16(LINKS_TEXT, &on_alias["range"]), "project plan");

    let edit = lsp.request(
        "textDocument/rename",
        rename_params(&links, 0, 6, "Launch Plan"),
    );
    let operations = edit["documentChanges"].as_array().unwrap();
    let last = operations.last().unwrap();
    assert_eq!(last["kind"], "rename");
    assert_eq!(last["oldUri"], uri_of(root, PLAN));
    assert_eq!(last["newUri"], uri_of(root, "Notes/Launch Plan.md"));
    assert_eq!(
        last["options"],
        json!({ "overwrite": false, "ignoreIfExists": false })
    );
    let renames = operations.iter().filter(|o| o["kind"] == "rename").count();
    assert_eq!(renames, 1);
    for operation in &operations[..operations.len() - 1] {
        assert!(
            operation["textDocument"]["version"].is_null(),
            "{operation}"
        );
    }

    let links_after = apply(LINKS_TEXT, &edits_for(&edit, &links), "utf-16");
    assert_eq!(
        links_after,
        "\
- [[Launch Plan]]
- [[Launch Plan|the plan]]
- [[Launch Plan#Key Risks]]
- ![[Launch Plan#^abc]]
- [[Notes/Launch Plan.md]]
- [see](../Notes/Launch%20Plan.md#Key%20Risks)
- [angle](<../Notes/Launch Plan.md>)
- [[Plan]]
- [[Plan#Key Risks]]
- 📅 北星 [[Launch Plan|計画]] end
- [[Launch Plan#10 30 Sync]]
- [angle heading](<../Notes/Launch Plan.md#Key Risks>)
"
    );
    let crlf = uri_of(root, CRLF);
    assert_eq!(
        apply(CRLF_TEXT, &edits_for(&edit, &crlf), "utf-16"),
        "Line one\r\n📅 [[Launch Plan]] and #Risk/Budget/Q3\r\n"
    );
    let overview = uri_of(root, "Active/Accounts/Acme_Corp/Overview.md");
    assert_eq!(edits_for(&edit, &overview).len(), 1);
    // Self links and the note's own heading are not touched by a rename from a link.
    assert!(edits_for(&edit, &uri_of(root, PLAN)).is_empty());
    lsp.shutdown();
}

#[test]
fn note_rename_from_title_heading() {
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let plan = uri_of(root, PLAN);

    let prepared = lsp.request("textDocument/prepareRename", position_params(&plan, 4, 5));
    assert_eq!(prepared["placeholder"], "Project Plan");
    assert_eq!(slice_utf16(PLAN_TEXT, &prepared["range"]), "Project Plan");

    let edit = lsp.request("textDocument/rename", rename_params(&plan, 4, 5, "Launch"));
    let plan_after = apply(PLAN_TEXT, &edits_for(&edit, &plan), "utf-16");
    assert!(plan_after.contains("\n# Launch\n"), "{plan_after}");
    let links = uri_of(root, LINKS);
    let links_after = apply(LINKS_TEXT, &edits_for(&edit, &links), "utf-16");
    assert!(links_after.starts_with("- [[Launch]]\n"), "{links_after}");
    assert!(
        links_after.contains("- [[Launch#Key Risks]]\n"),
        "{links_after}"
    );
    let operations = edit["documentChanges"].as_array().unwrap();
    assert_eq!(
        operations.last().unwrap()["newUri"],
        uri_of(root, "Notes/Launch.md")
    );
    lsp.shutdown();
}

#[test]
fn prepare_rename_rejects_alias_account_and_blocks() {
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let links = uri_of(root, LINKS);

    let alias = lsp.request_response("textDocument/prepareRename", position_params(&links, 7, 4));
    assert!(error_message(&alias).contains("alias"), "{alias}");

    let account = uri_of(root, "Inbox/Account.md");
    let response = lsp.request_response(
        "textDocument/prepareRename",
        position_params(&account, 0, 8),
    );
    assert!(error_message(&response).contains("account"), "{response}");

    let block = lsp.request_response("textDocument/prepareRename", position_params(&links, 3, 20));
    assert!(error_message(&block).contains("block"), "{block}");

    // Plain text: nothing to rename.
    let plain = lsp.request(
        "textDocument/prepareRename",
        position_params(&uri_of(root, PLAN), 7, 2),
    );
    assert!(plain.is_null(), "{plain}");
    lsp.shutdown();
}

#[test]
fn note_rename_rejects_bad_names() {
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let links = uri_of(root, LINKS);
    let cases = [
        ("", "empty"),
        ("   ", "empty"),
        ("Roadmap", "already exists"),
        ("roadmap", "already exists"),
        ("Picture.png", "already exists"),
        ("Acme Corp", "account"),
        ("Plan", "alias"),
        ("Project Plan", "already named"),
    ];
    for (name, expected) in cases {
        let response =
            lsp.request_response("textDocument/rename", rename_params(&links, 0, 6, name));
        let message = error_message(&response);
        assert!(message.contains(expected), "{name:?}: {message}");
    }
    for c in [
        '/', '\\', ':', '*', '?', '"', '<', '>', '|', '#', '^', '[', ']', '`',
    ] {
        let name = format!("New{c}Plan");
        let response =
            lsp.request_response("textDocument/rename", rename_params(&links, 0, 6, &name));
        let message = error_message(&response);
        assert!(message.contains("invalid note name"), "{name}: {message}");
    }
    // Links would name `New`, and a 300-byte name is too long for a file.
    for name in ["New.md.md".to_string(), "a".repeat(300)] {
        let response =
            lsp.request_response("textDocument/rename", rename_params(&links, 0, 6, &name));
        let message = error_message(&response);
        assert!(message.contains("invalid note name"), "{name}: {message}");
    }
    lsp.shutdown();
}

#[test]
fn heading_rename_updates_heading_links() {
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let plan = uri_of(root, PLAN);
    let links = uri_of(root, LINKS);

    // From the heading line.
    let prepared = lsp.request("textDocument/prepareRename", position_params(&plan, 6, 4));
    assert_eq!(prepared["placeholder"], "Key Risks");
    assert_eq!(slice_utf16(PLAN_TEXT, &prepared["range"]), "Key Risks");
    // From the heading part of a link.
    let from_link = lsp.request("textDocument/prepareRename", position_params(&links, 2, 20));
    assert_eq!(from_link["placeholder"], "Key Risks");
    assert_eq!(slice_utf16(LINKS_TEXT, &from_link["range"]), "Key Risks");

    let edit = lsp.request(
        "textDocument/rename",
        rename_params(&links, 2, 20, "Top Risks: Q3"),
    );
    assert!(
        edit["documentChanges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o.get("kind").is_none()),
        "a heading rename renames no file: {edit}"
    );
    let plan_after = apply(PLAN_TEXT, &edits_for(&edit, &plan), "utf-16");
    assert!(plan_after.contains("\n## Top Risks: Q3\n"), "{plan_after}");
    assert!(
        plan_after.contains("See [[#Top Risks Q3]]."),
        "{plan_after}"
    );
    let links_after = apply(LINKS_TEXT, &edits_for(&edit, &links), "utf-16");
    assert!(links_after.contains("- [[Project Plan#Top Risks Q3]]\n"));
    assert!(links_after.contains("(../Notes/Project%20Plan.md#Top%20Risks%20Q3)"));
    assert!(links_after.contains("(<../Notes/Project Plan.md#Top Risks Q3>)"));
    // A link through an alias names the note correctly, so its heading follows too.
    assert!(
        links_after.contains("- [[Plan#Top Risks Q3]]\n"),
        "{links_after}"
    );
    assert!(links_after.contains("- [[Project Plan#10 30 Sync]]\n"));

    // The Obsidian form of a heading with `:` in a link.
    let sync = lsp.request(
        "textDocument/prepareRename",
        position_params(&links, 10, 20),
    );
    assert_eq!(sync["placeholder"], "10:30 Sync");
    let duplicate = lsp.request_response(
        "textDocument/rename",
        rename_params(&links, 10, 20, "key risks"),
    );
    assert!(error_message(&duplicate).contains("already has a heading"));
    lsp.shutdown();
}

#[test]
fn tag_rename_follows_nested_tags() {
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let plan = uri_of(root, PLAN);

    // `#risk` at the end of line 7.
    let prepared = lsp.request("textDocument/prepareRename", position_params(&plan, 7, 35));
    assert_eq!(prepared["placeholder"], "risk");
    assert_eq!(slice_utf16(PLAN_TEXT, &prepared["range"]), "risk");

    let edit = lsp.request(
        "textDocument/rename",
        rename_params(&plan, 7, 35, "#danger"),
    );
    let plan_after = apply(PLAN_TEXT, &edits_for(&edit, &plan), "utf-16");
    assert!(
        plan_after.contains("tags: [danger/budget, other]"),
        "{plan_after}"
    );
    assert!(
        plan_after.contains("tight #danger/budget and #danger."),
        "{plan_after}"
    );
    let crlf = uri_of(root, CRLF);
    assert_eq!(
        apply(CRLF_TEXT, &edits_for(&edit, &crlf), "utf-16"),
        "Line one\r\n📅 [[Project Plan]] and #danger/Budget/Q3\r\n"
    );
    let tagged = uri_of(root, TAGGED);
    assert_eq!(
        apply(TAGGED_TEXT, &edits_for(&edit, &tagged), "utf-16"),
        "---\ntags:\n  - danger\n  - riskier\n---\nNothing #risky here, #danger/people too.\n"
    );

    let nested = lsp.request(
        "textDocument/rename",
        rename_params(&plan, 7, 22, "risk/spend"),
    );
    let plan_nested = apply(PLAN_TEXT, &edits_for(&nested, &plan), "utf-16");
    assert!(
        plan_nested.contains("tags: [risk/spend, other]"),
        "{plan_nested}"
    );
    assert!(
        plan_nested.contains("#risk/spend and #risk."),
        "{plan_nested}"
    );
    assert_eq!(
        apply(CRLF_TEXT, &edits_for(&nested, &crlf), "utf-16"),
        "Line one\r\n📅 [[Project Plan]] and #risk/spend/Q3\r\n"
    );

    for name in ["two words", "a//b", "/a", "a/"] {
        let invalid =
            lsp.request_response("textDocument/rename", rename_params(&plan, 7, 35, name));
        assert!(error_message(&invalid).contains("invalid tag"), "{name}");
    }
    lsp.shutdown();
}

/// A reference definition is the destination of the links that use its label, so a rename
/// rewrites it, from a link elsewhere or from the definition itself.
#[test]
fn note_rename_rewrites_reference_definitions() {
    let more_text = "See [x][ref].\n\n[ref]: Notes/Some%20Note.md#Goals\n";
    let dir = vault(&[
        ("Notes/Some Note.md", "# Goals\n"),
        ("More.md", more_text),
        ("Other.md", "[[Some Note]]\n"),
    ]);
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let more = uri_of(root, "More.md");

    let prepared = lsp.request("textDocument/prepareRename", position_params(&more, 2, 16));
    assert_eq!(prepared["placeholder"], "Some Note");
    assert_eq!(slice_utf16(more_text, &prepared["range"]), "Some%20Note");

    let other = uri_of(root, "Other.md");
    let edit = lsp.request(
        "textDocument/rename",
        rename_params(&other, 0, 4, "Zed Note"),
    );
    assert_eq!(
        apply(more_text, &edits_for(&edit, &more), "utf-16"),
        "See [x][ref].\n\n[ref]: Notes/Zed%20Note.md#Goals\n"
    );
    lsp.shutdown();
}

/// A rename right after notes change on disk, as after applying an earlier rename, finds the
/// links those notes have now.
#[test]
fn rename_right_after_disk_changes() {
    const LATE_NOTES: usize = 300;
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let late_text = "Late [[Project Plan]] link.\n";
    for i in 0..LATE_NOTES {
        std::fs::write(root.join(format!("Inbox/Late {i}.md")), late_text).unwrap();
    }
    // The file watcher reports the writes within milliseconds; the index may still be reading
    // them when the rename comes.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let links = uri_of(root, LINKS);
    let edit = lsp.request(
        "textDocument/rename",
        rename_params(&links, 0, 6, "Launch Plan"),
    );
    for i in 0..LATE_NOTES {
        let late = uri_of(root, &format!("Inbox/Late {i}.md"));
        assert_eq!(
            apply(late_text, &edits_for(&edit, &late), "utf-16"),
            "Late [[Launch Plan]] link.\n",
            "Late {i}.md"
        );
    }
    lsp.shutdown();
}

/// A note keeps its extension as written, so the Markdown links that spell it out still match.
#[test]
fn note_rename_keeps_upper_case_extension() {
    let r_text = "[[Upper]] [u](Upper.MD)\n";
    let dir = vault(&[("N/Upper.MD", "# Upper\n"), ("N/R.md", r_text)]);
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let r = uri_of(root, "N/R.md");

    let edit = lsp.request("textDocument/rename", rename_params(&r, 0, 3, "Lower"));
    let operations = edit["documentChanges"].as_array().unwrap();
    let last = operations.last().unwrap();
    assert_eq!(last["kind"], "rename");
    assert_eq!(last["newUri"], uri_of(root, "N/Lower.MD"));
    assert_eq!(
        apply(r_text, &edits_for(&edit, &r), "utf-16"),
        "[[Lower]] [u](Lower.MD)\n"
    );
    lsp.shutdown();
}

/// A tag in a heading is part of the heading's link text, so links to the heading follow it.
/// Comments in frontmatter `tags` stay as written, and each word of a quoted value is a tag.
#[test]
fn tag_rename_in_headings_and_comments() {
    let a_text =
        "---\ntags:\n  - risk # the risk tag\n  - \"big risk\"\n---\n# A\n\n## Risks #risk\n";
    let b_text = "See [[A#Risks risk]].\nAlso #risk here.\n";
    let dir = vault(&[("A.md", a_text), ("B.md", b_text)]);
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let a = uri_of(root, "A.md");
    let b = uri_of(root, "B.md");

    // The cursor on the tag of a heading line renames the tag, not the heading.
    let prepared = lsp.request("textDocument/prepareRename", position_params(&a, 7, 11));
    assert_eq!(prepared["placeholder"], "risk");
    // A word in a comment is no tag.
    let in_comment = lsp.request("textDocument/prepareRename", position_params(&a, 2, 17));
    assert_eq!(in_comment, Value::Null);

    let edit = lsp.request("textDocument/rename", rename_params(&b, 1, 7, "danger"));
    assert_eq!(
        apply(a_text, &edits_for(&edit, &a), "utf-16"),
        "---\ntags:\n  - danger # the risk tag\n  - \"big danger\"\n---\n# A\n\n## Risks #danger\n"
    );
    assert_eq!(
        apply(b_text, &edits_for(&edit, &b), "utf-16"),
        "See [[A#Risks danger]].\nAlso #danger here.\n"
    );
    lsp.shutdown();
}

#[test]
fn tag_rename_in_space_separated_string() {
    let a_text = "---\r\ntags: \"#北星 #risk\"\r\n---\r\n# A\r\n";
    let b_text = "🚀 Also #risk here.\r\n";
    let dir = vault(&[("A.md", a_text), ("B.md", b_text)]);
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let a = uri_of(root, "A.md");
    let b = uri_of(root, "B.md");

    // `🚀 Also #` is 2 + 6 + 1 UTF-16 units.
    let edit = lsp.request("textDocument/rename", rename_params(&b, 0, 9, "danger"));
    assert_eq!(
        apply(a_text, &edits_for(&edit, &a), "utf-16"),
        "---\r\ntags: \"#北星 #danger\"\r\n---\r\n# A\r\n"
    );
    assert_eq!(
        apply(b_text, &edits_for(&edit, &b), "utf-16"),
        "🚀 Also #danger here.\r\n"
    );
    lsp.shutdown();
}

#[test]
fn rename_counts_bytes_for_utf8_clients() {
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-8"));
    let links = uri_of(root, LINKS);
    // `- 📅 北星 [[`: 2 + 4 + 1 + 6 + 1 + 2 bytes before the target.
    let prepared = lsp.request("textDocument/prepareRename", position_params(&links, 9, 18));
    assert_eq!(
        prepared["range"]["start"],
        json!({ "line": 9, "character": 16 })
    );
    assert_eq!(
        prepared["range"]["end"],
        json!({ "line": 9, "character": 28 })
    );

    let edit = lsp.request(
        "textDocument/rename",
        rename_params(&links, 9, 18, "Launch Plan"),
    );
    let links_after = apply(LINKS_TEXT, &edits_for(&edit, &links), "utf-8");
    assert!(links_after.contains("- 📅 北星 [[Launch Plan|計画]] end\n"));
    let crlf = uri_of(root, CRLF);
    assert_eq!(
        apply(CRLF_TEXT, &edits_for(&edit, &crlf), "utf-8"),
        "Line one\r\n📅 [[Launch Plan]] and #Risk/Budget/Q3\r\n"
    );
    lsp.shutdown();
}

#[test]
fn utf16_range_on_emoji_and_cjk_line() {
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let links = uri_of(root, LINKS);
    // `- 📅 北星 [[`: 2 + 2 + 1 + 2 + 1 + 2 UTF-16 units before the target.
    let prepared = lsp.request("textDocument/prepareRename", position_params(&links, 9, 12));
    assert_eq!(
        prepared["range"]["start"],
        json!({ "line": 9, "character": 10 })
    );
    assert_eq!(
        prepared["range"]["end"],
        json!({ "line": 9, "character": 22 })
    );
    lsp.shutdown();
}

#[test]
fn clients_without_file_rename() {
    let dir = plan_vault();
    let root = dir.path();
    let mut caps = capabilities();
    caps["workspace"] = json!({ "applyEdit": true });
    let mut lsp = start(root, caps);
    let links = uri_of(root, LINKS);

    let prepared =
        lsp.request_response("textDocument/prepareRename", position_params(&links, 0, 6));
    assert!(error_message(&prepared).contains("cannot rename files"));
    let renamed = lsp.request_response(
        "textDocument/rename",
        rename_params(&links, 0, 6, "Launch Plan"),
    );
    assert!(error_message(&renamed).contains("cannot rename files"));

    // Headings need no file operation; without `documentChanges` they come as `changes`.
    let edit = lsp.request(
        "textDocument/rename",
        rename_params(&links, 2, 20, "Top Risks"),
    );
    assert!(edit.get("documentChanges").is_none(), "{edit}");
    let links_after = apply(LINKS_TEXT, &edits_for(&edit, &links), "utf-16");
    assert!(links_after.contains("- [[Project Plan#Top Risks]]\n"));
    lsp.shutdown();
}

#[test]
fn rename_uses_unsaved_text() {
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let links_path = root.join(LINKS);
    let links = lsp.open(&links_path, LINKS_TEXT);

    let unsaved = format!("New line with 📅 [[Project Plan]].\n{LINKS_TEXT}");
    lsp.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": links, "version": 2 },
            "contentChanges": [{ "text": unsaved }]
        }),
    );
    let edit = lsp.request(
        "textDocument/rename",
        rename_params(&links, 0, 20, "Launch Plan"),
    );

    let operation = edit["documentChanges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["textDocument"]["uri"] == links)
        .unwrap()
        .clone();
    assert_eq!(operation["textDocument"]["version"], 2);
    let after = apply(&unsaved, &edits_for(&edit, &links), "utf-16");
    assert!(after.starts_with("New line with 📅 [[Launch Plan]].\n- [[Launch Plan]]\n"));
    // The file on disk is untouched until the editor applies the edit.
    assert_eq!(std::fs::read_to_string(&links_path).unwrap(), LINKS_TEXT);
    lsp.shutdown();
}

#[test]
fn note_rename_edit_is_exact() {
    let dir = vault(&[
        ("A/Old Name.md", "# Heading\n"),
        (
            "B/Source.md",
            "[[Old Name|x]] and [y](../A/Old%20Name.md#Heading)\n",
        ),
    ]);
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let source = uri_of(root, "B/Source.md");
    let edit = lsp.request(
        "textDocument/rename",
        rename_params(&source, 0, 3, "New Name"),
    );
    let expected = json!({
        "documentChanges": [
            {
                "textDocument": { "uri": source, "version": null },
                "edits": [
                    {
                        "range": { "start": { "line": 0, "character": 2 }, "end": { "line": 0, "character": 10 } },
                        "newText": "New Name"
                    },
                    {
                        "range": { "start": { "line": 0, "character": 28 }, "end": { "line": 0, "character": 38 } },
                        "newText": "New%20Name"
                    }
                ]
            },
            {
                "kind": "rename",
                "oldUri": uri_of(root, "A/Old Name.md"),
                "newUri": uri_of(root, "A/New Name.md"),
                "options": { "overwrite": false, "ignoreIfExists": false }
            }
        ]
    });
    assert_eq!(edit, expected);
    lsp.shutdown();
}

/// Links to a heading of the same note follow a rename of the heading in the form they were
/// written: percent-encoded in a Markdown link, in Obsidian's form in a wikilink, with the
/// spaces inside the brackets kept.
#[test]
fn heading_rename_rewrites_same_note_links() {
    let plan_text = "# Plan\r\n\r\n## Key Risks\r\n📅 北星 [risks](#Key%20Risks) and [[#Key Risks]] and ![[#key risks|x]]\r\n[angle](<#Key Risks>) [[ #Key Risks ]]\r\n\r\n[r]: #Key%20Risks\r\n";
    let other_text = "[[Plan#Key Risks]] [x](Plan.md#Key%20Risks) [[ Plan # Key Risks | y ]]\n";
    let dir = vault(&[("Notes/Plan.md", plan_text), ("Notes/Other.md", other_text)]);
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let plan = uri_of(root, "Notes/Plan.md");
    let other = uri_of(root, "Notes/Other.md");

    // `📅 北星 [risks](#` is 15 UTF-16 units.
    let prepared = lsp.request("textDocument/prepareRename", position_params(&plan, 3, 16));
    assert_eq!(prepared["placeholder"], "Key Risks");
    assert_eq!(slice_utf16(plan_text, &prepared["range"]), "Key%20Risks");
    assert_eq!(
        prepared["range"]["start"],
        json!({ "line": 3, "character": 15 })
    );
    let from_wikilink = lsp.request("textDocument/prepareRename", position_params(&plan, 3, 35));
    assert_eq!(slice_utf16(plan_text, &from_wikilink["range"]), "Key Risks");

    let edit = lsp.request(
        "textDocument/rename",
        rename_params(&plan, 3, 16, "Top Risks: Q3"),
    );
    assert_eq!(
        apply(plan_text, &edits_for(&edit, &plan), "utf-16"),
        "# Plan\r\n\r\n## Top Risks: Q3\r\n📅 北星 [risks](#Top%20Risks%20Q3) and [[#Top Risks Q3]] and ![[#Top Risks Q3|x]]\r\n[angle](<#Top Risks Q3>) [[ #Top Risks Q3 ]]\r\n\r\n[r]: #Top%20Risks%20Q3\r\n"
    );
    assert_eq!(
        apply(other_text, &edits_for(&edit, &other), "utf-16"),
        "[[Plan#Top Risks Q3]] [x](Plan.md#Top%20Risks%20Q3) [[ Plan # Top Risks Q3 | y ]]\n"
    );
    lsp.shutdown();
}

/// A link through an alias that two notes share stays as written when the note it opens is
/// renamed, as a link through an alias of one note does.
#[test]
fn shared_alias_link_stays_on_rename() {
    let text = "📅 [[Plan]] and [[Plan A]]\r\n";
    let dir = vault(&[
        ("Notes/Plan A.md", "---\naliases: [Plan]\n---\n# Plan A\n"),
        ("Notes/Plan B.md", "---\naliases: [Plan]\n---\n# Plan B\n"),
        ("Inbox/Links.md", text),
    ]);
    let root = dir.path();
    let mut lsp = start(root, rename_capabilities("utf-16"));
    let links = uri_of(root, "Inbox/Links.md");
    let edit = lsp.request(
        "textDocument/rename",
        rename_params(&links, 0, 20, "Plan Z"),
    );
    assert_eq!(
        apply(text, &edits_for(&edit, &links), "utf-16"),
        "📅 [[Plan]] and [[Plan Z]]\r\n"
    );
    // On the shared alias itself, the rename is rejected with what to do instead.
    let on_alias =
        lsp.request_response("textDocument/prepareRename", position_params(&links, 0, 6));
    assert!(
        error_message(&on_alias).starts_with(
            "`Plan` is an alias of 2 notes: rename the note from a link that names its file"
        ),
        "{on_alias}"
    );
    lsp.shutdown();
}
