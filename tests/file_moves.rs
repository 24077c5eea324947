//! End-to-end tests of `workspace/willRenameFiles` over JSON-RPC: notes and folders moved or
//! renamed in the editor's file explorer keep their links working.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

mod common;

use std::path::Path;

use common::{Lsp, apply, capabilities, edits_for, file_uri, vault};
use serde_json::{Value, json};

const PLAN: &str = "Notes/Project Plan.md";
const LINKS: &str = "Inbox/Links.md";
const CRLF: &str = "Inbox/Windows.md";

const PLAN_TEXT: &str = "\
# Project Plan
See [next](./Roadmap.md), [[Roadmap]] and [back](../Inbox/Links.md).
## Key Risks
";

const LINKS_TEXT: &str = "\
- [[Project Plan]]
- [[project plan|the plan]]
- [[Project Plan#Key Risks]]
- ![[Project Plan#^abc]]
- [[Notes/Project Plan.md]]
- [see](../Notes/Project%20Plan.md#Key%20Risks)
- [angle](<../Notes/Project Plan.md>)
- [root](/Notes/Project%20Plan.md)
- [[Plan]]
- 📅 北星 [[Project Plan|計画]] end
";

const CRLF_TEXT: &str = "Line one\r\n📅 北星 [[Project Plan]] and [[Notes/Roadmap]]\r\n";

fn plan_vault() -> tempfile::TempDir {
    vault(&[
        (PLAN, PLAN_TEXT),
        (LINKS, LINKS_TEXT),
        (CRLF, CRLF_TEXT),
        ("Notes/Roadmap.md", "---\naliases: [Plan]\n---\n# Roadmap\n"),
        ("Active/Accounts/Acme_Corp/Overview.md", "# Acme Corp\n"),
        (
            "Inbox/Account.md",
            "Call [[Acme Corp]], [[acme_corp]] and [[Acme_Corp/Overview]].\n",
        ),
        ("Inbox/Picture.png", "not a note"),
    ])
}

fn start(root: &Path) -> Lsp {
    let mut caps = capabilities();
    caps["workspace"] = json!({
        "applyEdit": true,
        "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create", "rename"] },
        "fileOperations": { "willRename": true }
    });
    let mut lsp = Lsp::start(&["--today", "2026-03-15"]);
    lsp.initialize(root, caps);
    lsp.wait_indexed();
    lsp
}

fn uri_of(root: &Path, relative: &str) -> String {
    file_uri(&root.join(relative))
}

fn will_rename(lsp: &mut Lsp, root: &Path, renames: &[(&str, &str)]) -> Value {
    let files: Vec<Value> = (renames.iter())
        .map(|(from, to)| json!({ "oldUri": uri_of(root, from), "newUri": uri_of(root, to) }))
        .collect();
    lsp.request("workspace/willRenameFiles", json!({ "files": files }))
}

/// Applies the text edits of `edit` for note `relative` to `text`.
fn apply_to(edit: &Value, root: &Path, relative: &str, text: &str) -> String {
    apply(text, &edits_for(edit, &uri_of(root, relative)), "utf-16")
}

#[test]
fn capabilities_advertise_will_rename() {
    let dir = plan_vault();
    let mut lsp = Lsp::start(&[]);
    let init = lsp.initialize(dir.path(), capabilities());
    let filters = &init["capabilities"]["workspace"]["fileOperations"]["willRename"]["filters"];
    assert_eq!(filters[0]["pattern"]["glob"], "**/*.md");
    assert_eq!(filters[0]["pattern"]["matches"], "file");
    assert_eq!(filters[0]["pattern"]["options"]["ignoreCase"], true);
    assert_eq!(filters[1]["pattern"]["matches"], "folder");
    lsp.shutdown();
}

/// A note moved to another folder under a new name: each link keeps its form and opens it.
#[test]
fn moved_note_keeps_link_forms() {
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root);
    let edit = will_rename(&mut lsp, root, &[(PLAN, "Archive/2026/Launch Plan.md")]);

    assert_eq!(
        apply_to(&edit, root, LINKS, LINKS_TEXT),
        "\
- [[Launch Plan]]
- [[Launch Plan|the plan]]
- [[Launch Plan#Key Risks]]
- ![[Launch Plan#^abc]]
- [[2026/Launch Plan.md]]
- [see](../Archive/2026/Launch%20Plan.md#Key%20Risks)
- [angle](<../Archive/2026/Launch Plan.md>)
- [root](/Archive/2026/Launch%20Plan.md)
- [[Plan]]
- 📅 北星 [[Launch Plan|計画]] end
"
    );
    assert_eq!(
        apply_to(&edit, root, CRLF, CRLF_TEXT),
        "Line one\r\n📅 北星 [[Launch Plan]] and [[Notes/Roadmap]]\r\n"
    );
    // The moved note's relative links are written from its new folder.
    assert_eq!(
        apply_to(&edit, root, PLAN, PLAN_TEXT),
        "\
# Project Plan
See [next](../../Notes/Roadmap.md), [[Roadmap]] and [back](../../Inbox/Links.md).
## Key Risks
"
    );
    // No operation renames a file: the editor moves it itself.
    let operations = edit["documentChanges"].as_array().unwrap();
    assert!(operations.iter().all(|o| o.get("kind").is_none()), "{edit}");
    lsp.shutdown();
}

/// A folder moved into another: paths from the vault root and relative paths follow, and links
/// whose folders still name one note stay as written.
#[test]
fn moved_folder_updates_paths() {
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root);
    let edit = will_rename(&mut lsp, root, &[("Notes", "Archive/Notes")]);

    assert_eq!(
        apply_to(&edit, root, LINKS, LINKS_TEXT),
        LINKS_TEXT
            .replace("../Notes/", "../Archive/Notes/")
            .replace("(/Notes/", "(/Archive/Notes/")
    );
    // Both notes moved together, so the relative link between them is unchanged; the link
    // back to the inbox is one folder deeper.
    assert_eq!(
        apply_to(&edit, root, PLAN, PLAN_TEXT),
        PLAN_TEXT.replace("(../Inbox/", "(../../Inbox/")
    );
    assert_eq!(apply_to(&edit, root, CRLF, CRLF_TEXT), CRLF_TEXT);
    lsp.shutdown();
}

/// Renaming an account folder renames the account, so links by its name follow.
#[test]
fn renamed_account_folder_renames_account_links() {
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root);
    let edit = will_rename(
        &mut lsp,
        root,
        &[("Active/Accounts/Acme_Corp", "Active/Accounts/Acme_Inc")],
    );
    assert_eq!(
        apply_to(
            &edit,
            root,
            "Inbox/Account.md",
            "Call [[Acme Corp]], [[acme_corp]] and [[Acme_Corp/Overview]].\n"
        ),
        "Call [[Acme Inc]], [[Acme_Inc]] and [[Acme_Inc/Overview]].\n"
    );
    lsp.shutdown();
}

/// The editor reports the file rename of Dex's own rename edit too. That edit updated the links
/// already, so the report gets no second edit.
#[test]
fn own_rename_gets_no_second_edit() {
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root);
    let links = uri_of(root, LINKS);
    let rename = lsp.request(
        "textDocument/rename",
        json!({
            "textDocument": { "uri": links },
            "position": { "line": 0, "character": 6 },
            "newName": "Launch Plan"
        }),
    );
    assert!(rename["documentChanges"].is_array(), "{rename}");

    let echoed = will_rename(&mut lsp, root, &[(PLAN, "Notes/Launch Plan.md")]);
    assert!(echoed.is_null(), "{echoed}");
    // A later move of the same file by the user is a new one.
    let again = will_rename(&mut lsp, root, &[(PLAN, "Notes/Launch Plan.md")]);
    assert!(again["documentChanges"].is_array(), "{again}");
    lsp.shutdown();
}

/// Moves that no link can follow get no edit: a file that is not a note, and a note moved out of
/// the vault.
#[test]
fn moves_without_link_changes() {
    let dir = plan_vault();
    let root = dir.path();
    let mut lsp = start(root);
    let outside = tempfile::tempdir().unwrap();
    let files = json!({ "files": [
        { "oldUri": uri_of(root, "Notes/Roadmap.md"), "newUri": file_uri(&outside.path().join("Roadmap.md")) },
        { "oldUri": uri_of(root, "Inbox/Picture.png"), "newUri": uri_of(root, "Inbox/Photo.png") },
    ]});
    let edit = lsp.request("workspace/willRenameFiles", files);
    assert!(edit.is_null(), "{edit}");
    lsp.shutdown();
}

/// A link through an alias that two notes share stays as written when the note it opens moves.
#[test]
fn shared_alias_link_stays_on_move() {
    let text = "📅 [[Plan]] and [[Plan A]]\r\n";
    let dir = vault(&[
        ("Notes/Plan A.md", "---\naliases: [Plan]\n---\n# Plan A\n"),
        ("Notes/Plan B.md", "---\naliases: [Plan]\n---\n# Plan B\n"),
        ("Inbox/Links.md", text),
    ]);
    let root = dir.path();
    let mut lsp = start(root);
    let edit = will_rename(&mut lsp, root, &[("Notes/Plan A.md", "Notes/Plan Z.md")]);
    assert_eq!(
        apply_to(&edit, root, "Inbox/Links.md", text),
        "📅 [[Plan]] and [[Plan Z]]\r\n"
    );
    lsp.shutdown();
}
