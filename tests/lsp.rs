//! End-to-end tests: the built `dex` binary over JSON-RPC on stdio.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

mod common;

use common::{Lsp, capabilities, example_vault, file_uri, slice_utf16, vault};
use serde_json::{Value, json};

const TODAY: &str = "2026-03-15";
const MEETING: &str = "Inbox/Meetings/2026-03-12 - QBR: Acme Corp.md";

fn acme_vault() -> tempfile::TempDir {
    vault(&[
        (
            MEETING,
            "# QBR\n\n## Action Items\n- [ ] 🚀 Call [[Priya Raman]] 📅 2026-03-10\n- [ ] 北星 review 📅 2026-03-15\n- [ ] Ask [[Nobody Here]]\n",
        ),
        (
            "Active/Relationships/Champions/Priya Raman.md",
            "---\ntype: person\nrole: VP Operations\naccount: \"[[Acme Corp]]\"\n---\n# Priya Raman\n## Background\nRuns dispatch.\n",
        ),
        (
            "Active/Accounts/Acme_Corp/Overview.md",
            "# Acme Corp\nSee [[Priya Raman#Background]].\n",
        ),
    ])
}

fn start(root: &std::path::Path, caps: Value) -> (Lsp, Value) {
    let mut lsp = Lsp::start(&["--today", TODAY]);
    let init = lsp.initialize(root, caps);
    (lsp, init)
}

#[test]
fn initialize_negotiates_position_encoding() {
    let dir = acme_vault();
    let (lsp, init) = start(
        dir.path(),
        json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } }),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(init["serverInfo"]["name"], "dex");
    lsp.shutdown();
    let (lsp, init) = start(dir.path(), json!({}));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert!(
        init["capabilities"].get("diagnosticProvider").is_none(),
        "push clients get no pull provider"
    );
    lsp.shutdown();
}

#[test]
fn overdue_range_is_right_after_emoji_in_both_encodings() {
    let dir = acme_vault();
    let text = std::fs::read_to_string(dir.path().join(MEETING)).unwrap();
    // `- [ ] ` (6) + 🚀 (2 UTF-16 units, 4 bytes) + ` Call ` (6) + `[[Priya Raman]]` (15) + space.
    for (offered, due_start) in [("utf-16", 30), ("utf-8", 32)] {
        let (mut lsp, _) = start(
            dir.path(),
            json!({ "general": { "positionEncodings": [offered] }, "window": { "workDoneProgress": true } }),
        );
        // Diagnostics published mid-scan may still miss notes; start from a complete index.
        lsp.wait_indexed();
        let uri = lsp.open(&dir.path().join(MEETING), &text);
        let diagnostics = lsp.diagnostics(&uri, Some(1));
        let overdue = diagnostics
            .iter()
            .find(|d| d["code"] == "overdue")
            .expect("overdue warning");
        assert_eq!(overdue["severity"], 2);
        assert_eq!(overdue["source"], "dex");
        assert_eq!(
            overdue["range"]["start"],
            json!({ "line": 3, "character": due_start }),
            "{offered}"
        );
        assert!(
            overdue["message"]
                .as_str()
                .unwrap()
                .contains("5 days overdue (due 2026-03-10)")
        );
        if offered == "utf-16" {
            assert_eq!(slice_utf16(&text, &overdue["range"]), "📅 2026-03-10");
            let today = diagnostics
                .iter()
                .find(|d| d["code"] == "due-today")
                .expect("due today");
            assert_eq!(today["severity"], 3);
            assert_eq!(slice_utf16(&text, &today["range"]), "📅 2026-03-15");
            let unresolved = diagnostics
                .iter()
                .find(|d| d["code"] == "unresolved-link")
                .expect("unresolved");
            assert_eq!(slice_utf16(&text, &unresolved["range"]), "Nobody Here");
        }
        lsp.shutdown();
    }
}

#[test]
fn incremental_edit_shifts_the_diagnostic_range() {
    let dir = acme_vault();
    let text = std::fs::read_to_string(dir.path().join(MEETING)).unwrap();
    let (mut lsp, _) = start(dir.path(), capabilities());
    let uri = lsp.open(&dir.path().join(MEETING), &text);
    lsp.diagnostics(&uri, Some(1));
    // Insert a two-unit emoji and a space before the task text: the due date moves right by 3.
    lsp.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "range": { "start": { "line": 3, "character": 6 }, "end": { "line": 3, "character": 6 } }, "text": "🎉 " }],
        }),
    );
    let diagnostics = lsp.diagnostics(&uri, Some(2));
    let overdue = diagnostics.iter().find(|d| d["code"] == "overdue").unwrap();
    assert_eq!(
        overdue["range"]["start"],
        json!({ "line": 3, "character": 33 })
    );
    let server_text = lsp.request("dex/noteText", json!({ "uri": uri }));
    assert_eq!(server_text["version"], 2);
    assert!(
        server_text["text"]
            .as_str()
            .unwrap()
            .contains("- [ ] 🎉 🚀 Call")
    );
    lsp.shutdown();
}

#[test]
fn completion_definition_references_hover_and_symbols() {
    let dir = acme_vault();
    let (mut lsp, _) = start(dir.path(), capabilities());
    lsp.wait_indexed();
    let path = dir
        .path()
        .join("Inbox/Meetings/2026-03-14 - Check-in: Acme Corp.md");
    let text = "# Check-in\n🚀 Met [[pri\n## Notes\n### Deep\n";
    let uri = lsp.open(&path, text);

    let completion = lsp.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 12 } }),
    );
    let first = &completion["items"][0];
    assert_eq!(first["label"], "Priya Raman");
    assert_eq!(first["detail"], "VP Operations · Acme Corp");
    assert_eq!(first["textEdit"]["newText"], "Priya Raman]]");
    assert_eq!(
        first["textEdit"]["range"],
        json!({ "start": { "line": 1, "character": 9 }, "end": { "line": 1, "character": 12 } })
    );

    let overview = file_uri(&dir.path().join("Active/Accounts/Acme_Corp/Overview.md"));
    let definition = lsp.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": overview }, "position": { "line": 1, "character": 8 } }),
    );
    assert_eq!(
        definition["uri"],
        file_uri(
            &dir.path()
                .join("Active/Relationships/Champions/Priya Raman.md")
        )
    );
    assert_eq!(
        definition["range"]["start"]["line"], 6,
        "the Background heading"
    );

    let person = file_uri(
        &dir.path()
            .join("Active/Relationships/Champions/Priya Raman.md"),
    );
    let references = lsp.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": person }, "position": { "line": 0, "character": 0 }, "context": { "includeDeclaration": false } }),
    );
    let sources: Vec<&str> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            overview.as_str(),
            file_uri(&dir.path().join(MEETING)).as_str()
        ],
        "backlinks from notes that are not open"
    );

    let meeting = file_uri(&dir.path().join(MEETING));
    let hover = lsp.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": meeting }, "position": { "line": 3, "character": 15 } }),
    );
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        markdown.contains("**Priya Raman** · VP Operations"),
        "{markdown}"
    );
    assert!(markdown.contains("Open commitments (1)"), "{markdown}");
    let date = lsp.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": meeting }, "position": { "line": 3, "character": 32 } }),
    );
    assert_eq!(
        date["contents"]["value"],
        "**Due** 2026-03-10 (Tuesday) · 5 days overdue"
    );

    let symbols = lsp.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(symbols[0]["name"], "Check-in");
    assert_eq!(symbols[0]["children"][0]["name"], "Notes");
    assert_eq!(symbols[0]["children"][0]["children"][0]["name"], "Deep");

    let found = lsp.request("workspace/symbol", json!({ "query": "acme" }));
    assert_eq!(found[0]["name"], "Acme Corp");
    assert_eq!(found[0]["kind"], 2);
    lsp.shutdown();
}

#[test]
fn alias_completion_in_table_row_escapes_pipe() {
    let person = "Active/Relationships/Champions/Daniel Achterberg.md";
    let dir = vault(&[(
        person,
        "---\ntype: person\naliases: [Dan A]\n---\n# Daniel\n",
    )]);
    let (mut lsp, _) = start(dir.path(), capabilities());
    lsp.wait_indexed();
    let text = "| Who | Note |\r\n| --- | --- |\r\n| 🚀 北星 | [[Dan |\r\n";
    let uri = lsp.open(&dir.path().join("Notes/Plan.md"), text);
    // `| 🚀 北星 | [[` is 2 + 2 + 1 + 2 + 5 = 12 UTF-16 units; the cursor sits after `Dan`.
    let completion = lsp.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 2, "character": 15 } }),
    );
    let items = completion["items"].as_array().unwrap();
    let alias = items
        .iter()
        .find(|item| item["label"] == "Dan A")
        .expect("alias item");
    assert_eq!(alias["textEdit"]["newText"], "Daniel Achterberg\\|Dan A]]");
    assert_eq!(slice_utf16(text, &alias["textEdit"]["range"]), "Dan");
    lsp.shutdown();
}

#[test]
fn completion_in_written_link_replaces_only_the_name() {
    let person = "Active/Relationships/Champions/Dana Reyes.md";
    let dir = vault(&[(person, "---\ntype: person\n---\n# Dana\n## Background\n")]);
    let (mut lsp, _) = start(dir.path(), capabilities());
    lsp.wait_indexed();
    let text = "# Plan\r\n🚀 北星 [[Dax#Background|x]] next\r\n";
    let uri = lsp.open(&dir.path().join("Notes/Plan.md"), text);
    // `🚀 北星 [[` is 2 + 1 + 2 + 3 = 8 UTF-16 units; the cursor sits after `Da`.
    let completion = lsp.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 10 } }),
    );
    let item = &completion["items"][0];
    assert_eq!(item["label"], "Dana Reyes");
    assert_eq!(item["textEdit"]["newText"], "Dana Reyes");
    assert_eq!(slice_utf16(text, &item["textEdit"]["range"]), "Dax");
    lsp.shutdown();
}

#[test]
fn tag_completion_replaces_the_whole_written_tag() {
    let dir = vault(&[("Notes/Other.md", "#risk/champion-loss\n")]);
    let (mut lsp, _) = start(dir.path(), capabilities());
    lsp.wait_indexed();
    let text = "# Plan\r\n🚀 北星 #risk/cha next\r\n";
    let uri = lsp.open(&dir.path().join("Notes/Plan.md"), text);
    // `🚀 北星 #risk` is 2 + 1 + 2 + 1 + 5 = 11 UTF-16 units; the cursor sits before `/cha`.
    let completion = lsp.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 11 } }),
    );
    let item = &completion["items"][0];
    assert_eq!(item["label"], "risk/champion-loss");
    assert_eq!(item["textEdit"]["newText"], "risk/champion-loss");
    assert_eq!(slice_utf16(text, &item["textEdit"]["range"]), "risk/cha");
    lsp.shutdown();
}

#[test]
fn prose_date_ranges_after_emoji() {
    let text = "# Plan\r\n🚀 北星 kickoff 2026-03-20, 🗓 launch 2026-02-30 👩‍💻.\r\n";
    let dir = vault(&[("Notes/Plan.md", text)]);
    let (mut lsp, _) = start(
        dir.path(),
        json!({ "window": { "workDoneProgress": true } }),
    );
    lsp.wait_indexed();
    let uri = lsp.open(&dir.path().join("Notes/Plan.md"), text);
    let diagnostics = lsp.diagnostics(&uri, Some(1));
    let invalid = diagnostics
        .iter()
        .find(|d| d["code"] == "invalid-date")
        .expect("invalid date");
    assert_eq!(invalid["severity"], 1);
    assert_eq!(slice_utf16(text, &invalid["range"]), "2026-02-30");
    // 🚀 (2) + ` 北星 kickoff ` (12) = 14 UTF-16 units before the first date.
    let hover = lsp.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 16 } }),
    );
    assert_eq!(
        hover["contents"]["value"],
        "**Date** 2026-03-20 (Friday) · in 5 days"
    );
    assert_eq!(
        hover["range"],
        json!({ "start": { "line": 1, "character": 14 }, "end": { "line": 1, "character": 24 } })
    );
    lsp.shutdown();
}

#[test]
fn untitled_buffers_are_left_alone() {
    let dir = acme_vault();
    let (mut lsp, _) = start(
        dir.path(),
        json!({ "window": { "workDoneProgress": true } }),
    );
    lsp.wait_indexed();

    let untitled = "untitled:Untitled-1";
    lsp.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": untitled, "languageId": "markdown", "version": 1, "text": "[[Acme" } }),
    );
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": untitled, "version": 2 }, "contentChanges": [{ "text": "[[Acme C" }] }),
    );
    let hover = lsp.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": untitled }, "position": { "line": 0, "character": 3 } }),
    );
    assert_eq!(hover, Value::Null);

    // A scan started for the buffer would report within this time.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let found = lsp.request("workspace/symbol", json!({ "query": "acme" }));
    assert_eq!(found[0]["name"], "Acme Corp", "the vault still answers");
    let warnings: Vec<&Value> = lsp
        .seen
        .iter()
        .filter(|m| m["method"] == "window/showMessage" || m["params"]["type"] == 2)
        .collect();
    assert!(warnings.is_empty(), "{warnings:#?}");
    lsp.shutdown();
}

#[test]
fn opened_unindexed_files_stay_out_of_the_vault() {
    let use_text = "# Use\n[[Old Plan]]\n";
    let dir = vault(&[
        ("Use.md", use_text),
        (".trash/Old Plan.md", "# Old plan\n"),
        (".obsidian/snippets/Old Plan 2.md", "# Snippet\n"),
        ("Old Plan 3.markdown", "# Not a note for Obsidian\n"),
    ]);
    let (mut lsp, _) = start(dir.path(), capabilities());
    lsp.wait_indexed();
    let use_uri = lsp.open(&dir.path().join("Use.md"), use_text);
    let unresolved = |diagnostics: &[Value]| {
        diagnostics.iter().any(|d| {
            d["code"] == "unresolved-link" && d["message"].as_str().unwrap().contains("Old Plan")
        })
    };
    assert!(unresolved(&lsp.diagnostics(&use_uri, Some(1))));

    // Open, edit and close each file the scan leaves out, as an editor does when the user looks
    // at one.
    for hidden in [
        ".trash/Old Plan.md",
        ".obsidian/snippets/Old Plan 2.md",
        "Old Plan 3.markdown",
    ] {
        let path = dir.path().join(hidden);
        let text = std::fs::read_to_string(&path).unwrap();
        let uri = lsp.open(&path, &text);
        lsp.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": "# Old plan 🚀\n" }] }),
        );
        lsp.notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        );
    }

    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": use_uri, "version": 2 }, "contentChanges": [{ "text": "# Use\n[[Old Plan]] \n[[Old" }] }),
    );
    assert!(
        unresolved(&lsp.diagnostics(&use_uri, Some(2))),
        "the link stays unresolved"
    );
    let completion = lsp.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": use_uri }, "position": { "line": 2, "character": 5 } }),
    );
    let labels: Vec<&str> = completion["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["label"].as_str().unwrap())
        .collect();
    assert!(
        !labels.iter().any(|label| label.contains("Old")),
        "{labels:?}"
    );
    let found = lsp.request("workspace/symbol", json!({ "query": "old" }));
    assert_eq!(found, json!([]));
    lsp.shutdown();
}

#[test]
fn progress_is_reported_only_when_supported() {
    let dir = example_vault();
    let (mut lsp, _) = start(dir.path(), capabilities());
    let end = lsp.wait_indexed();
    assert!(
        end["value"]["message"]
            .as_str()
            .unwrap()
            .contains("66 notes"),
        "{end}"
    );
    assert!(
        lsp.seen
            .iter()
            .any(|m| m["method"] == "window/workDoneProgress/create")
    );
    lsp.shutdown();

    let (mut lsp, _) = start(dir.path(), json!({}));
    let symbols = lsp.request("workspace/symbol", json!({ "query": "" }));
    assert!(symbols.is_array());
    assert!(!lsp.seen.iter().any(|m| m["method"] == "window/workDoneProgress/create" || m["method"] == "$/progress"));
    lsp.shutdown();
}

#[test]
fn pull_diagnostics_replace_push_when_the_client_pulls() {
    let dir = acme_vault();
    let mut caps = capabilities();
    caps["textDocument"]["diagnostic"] = json!({ "dynamicRegistration": false });
    let (mut lsp, init) = start(dir.path(), caps);
    assert_eq!(
        init["capabilities"]["diagnosticProvider"]["interFileDependencies"],
        true
    );
    lsp.wait_indexed();
    let text = std::fs::read_to_string(dir.path().join(MEETING)).unwrap();
    let uri = lsp.open(&dir.path().join(MEETING), &text);
    let report = lsp.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(report["kind"], "full");
    let codes: Vec<&str> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["overdue", "due-today", "unresolved-link"]);
    lsp.request("workspace/symbol", json!({ "query": "x" }));
    assert!(
        !lsp.seen
            .iter()
            .any(|m| m["method"] == "textDocument/publishDiagnostics"),
        "never both push and pull"
    );
    lsp.shutdown();
}

#[test]
fn did_close_restores_saved_text() {
    let dir = acme_vault();
    let path = dir.path().join(MEETING);
    let text = std::fs::read_to_string(&path).unwrap();
    let (mut lsp, _) = start(dir.path(), capabilities());
    lsp.wait_indexed();
    let uri = lsp.open(&path, &text);
    lsp.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "text": format!("{text}\n## Unsaved Heading\n") }],
        }),
    );
    let names = |found: &Value| -> Vec<String> {
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    let found = lsp.request("workspace/symbol", json!({ "query": "Unsaved Heading" }));
    assert!(
        names(&found).contains(&"Unsaved Heading".to_string()),
        "{found}"
    );

    lsp.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    let cleared = lsp.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && p["diagnostics"] == json!([])
    });
    assert!(cleared["version"].is_null(), "{cleared}");
    // The server still responds, and its index contains the file as saved.
    let found = lsp.request("workspace/symbol", json!({ "query": "Unsaved Heading" }));
    assert!(
        !names(&found).contains(&"Unsaved Heading".to_string()),
        "{found}"
    );
    lsp.shutdown();
}

#[test]
fn exit_without_shutdown_ends_with_status_1() {
    let dir = acme_vault();
    let (mut lsp, _) = start(dir.path(), capabilities());
    let status = lsp.exit();
    assert_eq!(status.code(), Some(1));
}

#[test]
fn watched_file_events_resolve_links() {
    let dir = acme_vault();
    let mut caps = capabilities();
    caps["workspace"] = json!({ "didChangeWatchedFiles": { "dynamicRegistration": true } });
    let (mut lsp, _) = start(dir.path(), caps);
    lsp.wait_indexed();
    assert!(
        lsp.seen
            .iter()
            .any(|m| m["method"] == "client/registerCapability")
    );
    let text = std::fs::read_to_string(dir.path().join(MEETING)).unwrap();
    let uri = lsp.open(&dir.path().join(MEETING), &text);
    let before = lsp.diagnostics(&uri, Some(1));
    assert!(before.iter().any(|d| d["code"] == "unresolved-link"));
    let new_note = dir.path().join("Active/Relationships/Sales/Nobody Here.md");
    std::fs::create_dir_all(new_note.parent().unwrap()).unwrap();
    std::fs::write(&new_note, "# Nobody Here\n").unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&new_note), "type": 1 }] }),
    );
    let after = lsp.diagnostics_until(&uri, |d| !d.iter().any(|d| d["code"] == "unresolved-link"));
    assert!(after.iter().any(|d| d["code"] == "overdue"), "{after:?}");
    lsp.shutdown();
}

#[test]
fn own_watcher_sees_new_notes_without_client_watching() {
    let dir = acme_vault();
    let (mut lsp, _) = start(dir.path(), capabilities());
    lsp.wait_indexed();
    let text = std::fs::read_to_string(dir.path().join(MEETING)).unwrap();
    let uri = lsp.open(&dir.path().join(MEETING), &text);
    assert!(
        lsp.diagnostics(&uri, Some(1))
            .iter()
            .any(|d| d["code"] == "unresolved-link")
    );
    std::fs::write(dir.path().join("Nobody Here.md"), "# Nobody Here\n").unwrap();
    let after = lsp.diagnostics_until(&uri, |d| !d.iter().any(|d| d["code"] == "unresolved-link"));
    assert!(after.iter().any(|d| d["code"] == "overdue"), "{after:?}");
    lsp.shutdown();
}

#[test]
fn workspace_folders_can_be_added_and_removed() {
    let first = acme_vault();
    let second = vault(&[
        ("Other.md", "# Other\n"),
        ("Active/Accounts/Zenith_Air/Overview.md", "# Zenith\n"),
    ]);
    let (mut lsp, _) = start(first.path(), capabilities());
    lsp.wait_indexed();
    let folder = json!({ "uri": file_uri(second.path()), "name": "second" });
    lsp.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [folder], "removed": [] } }),
    );
    lsp.wait_indexed();
    let found = lsp.request("workspace/symbol", json!({ "query": "zenith" }));
    assert_eq!(found[0]["name"], "Zenith Air");
    lsp.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [], "removed": [folder] } }),
    );
    let found = lsp.request("workspace/symbol", json!({ "query": "zenith" }));
    assert_eq!(found, json!([]));
    lsp.shutdown();
}

#[test]
fn positions_past_the_end_are_clamped() {
    let dir = acme_vault();
    let (mut lsp, _) = start(dir.path(), capabilities());
    let uri = lsp.open(&dir.path().join("New.md"), "short\n");
    let response = lsp.request_response(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 99, "character": 999 } }),
    );
    assert!(response.get("error").is_none(), "{response}");
    lsp.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "range": { "start": { "line": 0, "character": 500 }, "end": { "line": 40, "character": 0 } }, "text": " tail" }],
        }),
    );
    let text = lsp.request("dex/noteText", json!({ "uri": uri }));
    assert_eq!(text["text"], "short tail");
    lsp.shutdown();
}

#[test]
fn initialization_options_survive_an_empty_configuration_answer() {
    let dir = acme_vault();
    let mut lsp = Lsp::start(&[]);
    let uri = file_uri(dir.path());
    let mut caps = capabilities();
    caps["workspace"] = json!({ "configuration": true });
    lsp.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": uri,
            "capabilities": caps,
            "initializationOptions": { "dex": { "today": "2026-03-15" } },
            "workspaceFolders": [{ "uri": uri, "name": "vault" }],
        }),
    );
    lsp.notify("initialized", json!({}));
    lsp.wait_indexed();
    assert!(
        lsp.seen
            .iter()
            .any(|m| m["method"] == "workspace/configuration"),
        "the server pulled settings"
    );
    let text = std::fs::read_to_string(dir.path().join(MEETING)).unwrap();
    let note = lsp.open(&dir.path().join(MEETING), &text);
    let diagnostics = lsp.diagnostics(&note, Some(1));
    let overdue = diagnostics.iter().find(|d| d["code"] == "overdue").unwrap();
    assert!(
        overdue["message"]
            .as_str()
            .unwrap()
            .contains("5 days overdue"),
        "{overdue}"
    );
    lsp.shutdown();
}

/// Starts a server whose client watches files, waits for the scan, and opens the note at
/// vault-relative `note` with its text on disk.
fn start_watching(root: &std::path::Path, note: &str) -> (Lsp, String) {
    let mut caps = capabilities();
    caps["workspace"] = json!({ "didChangeWatchedFiles": { "dynamicRegistration": true } });
    let (mut lsp, _) = start(root, caps);
    lsp.wait_indexed();
    let path = root.join(note);
    let uri = lsp.open(&path, &std::fs::read_to_string(&path).unwrap());
    (lsp, uri)
}

#[test]
fn removed_folder_keeps_note_of_same_name() {
    let dir = vault(&[
        ("Acme.md", "# Acme\n"),
        ("Acme/Old call.md", "# Old call\n"),
        ("QBR.md", "# QBR\n[[Acme]] [[Old call]]\n"),
    ]);
    let (mut lsp, uri) = start_watching(dir.path(), "QBR.md");
    assert_eq!(lsp.diagnostics(&uri, Some(1)), Vec::<Value>::new());

    let folder = dir.path().join("Acme");
    std::fs::remove_dir_all(&folder).unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&folder), "type": 3 }] }),
    );
    let after = lsp.diagnostics_until(&uri, |d| !d.is_empty());
    let messages: Vec<&str> = after
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages, ["unresolved link: no note named `Old call`"]);
    lsp.shutdown();
}

#[test]
fn watched_attachment_resolves_embed() {
    let dir = vault(&[("QBR.md", "# QBR\n![[chart.png|300]]\n")]);
    let (mut lsp, uri) = start_watching(dir.path(), "QBR.md");
    let before = lsp.diagnostics(&uri, Some(1));
    assert_eq!(before.len(), 1, "{before:?}");
    assert_eq!(before[0]["code"], "unresolved-link");

    let chart = dir.path().join("chart.png");
    std::fs::write(&chart, b"\x89PNG").unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&chart), "type": 1 }] }),
    );
    lsp.diagnostics_until(&uri, <[Value]>::is_empty);

    std::fs::remove_file(&chart).unwrap();
    lsp.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&chart), "type": 3 }] }),
    );
    let after = lsp.diagnostics_until(&uri, |d| !d.is_empty());
    assert_eq!(after[0]["code"], "unresolved-link");
    lsp.shutdown();
}
