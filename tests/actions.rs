//! Code actions, commands, code lenses and inlay hints through the built binary: the edits the
//! server sends, the `CreateFile` options, and that no existing note is ever targeted.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

mod common;

use common::{Lsp, capabilities, example_vault, file_uri};
use serde_json::{Value, json};

const TODAY: &str = "2026-03-15";
const MEETING: &str = "Inbox/Meetings/2026-03-12 - Renewal Planning: Borealis Freight.md";

/// A client that can apply edits, create files and open documents.
fn editing_client() -> Value {
    let mut caps = capabilities();
    caps["workspace"] = json!({
        "applyEdit": true,
        "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create"] }
    });
    caps["window"]["showDocument"] = json!({ "support": true });
    caps["textDocument"]["codeAction"] = json!({ "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix", "refactor", "source"] } } });
    caps
}

fn start(dir: &std::path::Path, caps: Value) -> Lsp {
    let mut lsp = Lsp::start(&["--today", TODAY]);
    lsp.initialize(dir, caps);
    lsp.wait_indexed();
    lsp
}

fn open(lsp: &mut Lsp, dir: &std::path::Path, relative: &str) -> String {
    let text = std::fs::read_to_string(dir.join(relative)).unwrap();
    lsp.open(&dir.join(relative), &text)
}

fn actions_at(lsp: &mut Lsp, uri: &str, line: u32, character: u32) -> Vec<Value> {
    let position = json!({ "line": line, "character": character });
    let result = lsp.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": { "start": position, "end": position }, "context": { "diagnostics": [] } }),
    );
    result.as_array().cloned().unwrap_or_default()
}

fn titled<'a>(actions: &'a [Value], prefix: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no action starting with {prefix:?}: {actions:#?}"))
}

fn last_apply_edit(lsp: &Lsp) -> Value {
    lsp.seen
        .iter()
        .rev()
        .find(|m| m["method"] == "workspace/applyEdit")
        .expect("an applyEdit request")["params"]["edit"]
        .clone()
}

#[test]
fn qbr_action_creates_and_opens_note() {
    let dir = example_vault();
    let mut lsp = start(dir.path(), editing_client());
    let uri = open(&mut lsp, dir.path(), MEETING);
    let actions = actions_at(&mut lsp, &uri, 0, 0);
    let qbr = titled(&actions, "Generate QBR note for Borealis Freight");
    assert_eq!(qbr["kind"], "source.dex.generateQbr");
    assert_eq!(qbr["command"]["command"], "dex.generateQbr");

    let result = lsp.request(
        "workspace/executeCommand",
        json!({ "command": "dex.generateQbr", "arguments": qbr["command"]["arguments"] }),
    );
    let expected = dir
        .path()
        .join("Inbox/Meetings/2026-03-15 - QBR: Borealis Freight.md");
    assert_eq!(result["uri"], file_uri(&expected));
    let edit = last_apply_edit(&lsp);
    let changes = edit["documentChanges"].as_array().unwrap();
    assert_eq!(changes[0]["kind"], "create");
    assert_eq!(changes[0]["uri"], file_uri(&expected));
    assert_eq!(
        changes[0]["options"],
        json!({ "overwrite": false, "ignoreIfExists": false })
    );
    assert_eq!(changes[1]["textDocument"]["version"], Value::Null);
    let text = changes[1]["edits"][0]["newText"].as_str().unwrap();
    assert!(
        text.contains("# 2026-03-15 - QBR: Borealis Freight"),
        "{text}"
    );
    assert!(text.contains("[[Priya Raman]]"), "{text}");
    let show_request = lsp
        .seen
        .iter()
        .rev()
        .find(|m| m["method"] == "window/showDocument")
        .expect("showDocument");
    assert_eq!(show_request["params"]["uri"], file_uri(&expected));
    assert!(!expected.exists(), "the server never writes files itself");
    lsp.shutdown();
}

#[test]
fn existing_note_is_never_targeted() {
    let dir = example_vault();
    let existing_note = dir
        .path()
        .join("Inbox/Meetings/2026-03-15 - QBR: Borealis Freight.md");
    std::fs::write(&existing_note, "my own notes\n").unwrap();
    let mut lsp = start(dir.path(), editing_client());
    let result = lsp.request(
        "workspace/executeCommand",
        json!({ "command": "dex.generateQbr", "arguments": [{ "account": "Borealis Freight" }] }),
    );
    let free = dir
        .path()
        .join("Inbox/Meetings/2026-03-15 - QBR: Borealis Freight (2).md");
    assert_eq!(result["uri"], file_uri(&free));
    let edit = last_apply_edit(&lsp);
    assert_eq!(edit["documentChanges"][0]["uri"], file_uri(&free));
    assert_eq!(
        std::fs::read_to_string(&existing_note).unwrap(),
        "my own notes\n"
    );
    lsp.shutdown();
}

#[test]
fn client_without_create_support_gets_a_clear_error() {
    let dir = example_vault();
    let mut lsp = start(dir.path(), capabilities());
    let response = lsp.request_response("workspace/executeCommand", json!({ "command": "dex.generateSavePlan", "arguments": [{ "account": "Tidewater Bank" }] }));
    let message = response["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("does not accept edits") || message.contains("cannot create files"),
        "{message}"
    );
    let show_request = lsp.wait_notification("window/showMessage", |p| p["type"] == 1);
    assert!(
        show_request["message"]
            .as_str()
            .unwrap()
            .starts_with("Dex: ")
    );
    lsp.shutdown();
}

#[test]
fn every_generator_command_creates_a_note() {
    let dir = example_vault();
    let mut lsp = start(dir.path(), editing_client());
    for (command, args, expected) in [
        (
            "dex.generateSavePlan",
            json!({ "account": "Tidewater Bank" }),
            "Active/Accounts/Tidewater_Bank/2026-03-15 - Save plan: Tidewater Bank.md",
        ),
        (
            "dex.draftEscalationBrief",
            json!({ "account": "Tidewater Bank", "issue": "Exports failing since the upgrade" }),
            "Inbox/Escalations/2026-03-15 - Escalation: Tidewater Bank.md",
        ),
        (
            "dex.newAccount",
            json!({ "name": "Zenith Air" }),
            "Active/Accounts/Zenith_Air/Overview.md",
        ),
        (
            "dex.portfolioReview",
            json!({}),
            "Active/Portfolio/2026-03-15 - Portfolio review.md",
        ),
    ] {
        let result = lsp.request(
            "workspace/executeCommand",
            json!({ "command": command, "arguments": [args] }),
        );
        assert_eq!(
            result["uri"],
            file_uri(&dir.path().join(expected)),
            "{command}"
        );
        let edit = last_apply_edit(&lsp);
        for change in edit["documentChanges"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "create")
        {
            assert_eq!(change["options"]["overwrite"], false, "{command}");
        }
    }
    let edit = last_apply_edit(&lsp);
    assert!(
        edit["documentChanges"][1]["edits"][0]["newText"]
            .as_str()
            .unwrap()
            .contains("## Accounts by band")
    );
    let bad = lsp.request_response(
        "workspace/executeCommand",
        json!({ "command": "dex.generateQbr", "arguments": [{ "account": "Nobody Inc" }] }),
    );
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no account named `Nobody Inc`")
    );
    lsp.shutdown();
}

#[test]
fn quick_fix_creates_the_missing_stakeholder() {
    let dir = example_vault();
    let mut lsp = start(dir.path(), editing_client());
    let uri = open(&mut lsp, dir.path(), MEETING);
    let text = std::fs::read_to_string(dir.path().join(MEETING)).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("[[Jordan Vale]]"))
        .unwrap();
    let column = text.lines().nth(line).unwrap().find("[[Jordan").unwrap() + 3;
    let actions = actions_at(
        &mut lsp,
        &uri,
        u32::try_from(line).unwrap(),
        u32::try_from(column).unwrap(),
    );
    let fix = titled(
        &actions,
        "Create stakeholder note Active/Relationships/Champions/Jordan Vale.md",
    );
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    let changes = fix["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(
        changes[0]["uri"],
        file_uri(
            &dir.path()
                .join("Active/Relationships/Champions/Jordan Vale.md")
        )
    );
    let body = changes[1]["edits"][0]["newText"].as_str().unwrap();
    assert!(
        body.contains("type: person")
            && body.contains("account: \"[[Borealis Freight]]\"")
            && body.contains("# Jordan Vale"),
        "{body}"
    );
    lsp.shutdown();
}

#[test]
fn task_actions_mark_done_snooze_and_reassign() {
    let dir = example_vault();
    let mut lsp = start(dir.path(), editing_client());
    let relative = "Inbox/Meetings/2026-03-02 - Escalation: Tidewater Bank.md";
    let uri = open(&mut lsp, dir.path(), relative);
    let text = std::fs::read_to_string(dir.path().join(relative)).unwrap();
    let line = u32::try_from(
        text.lines()
            .position(|l| l.contains("Send usage recovery plan"))
            .unwrap(),
    )
    .unwrap();
    let actions = actions_at(&mut lsp, &uri, line, 3);
    let done = titled(&actions, "Mark action item done");
    let edits = &done["edit"]["documentChanges"][0]["edits"];
    assert_eq!(edits[0]["newText"], "x");
    assert_eq!(edits[1]["newText"], " ✅ 2026-03-15");
    assert_eq!(
        done["edit"]["documentChanges"][0]["textDocument"]["version"],
        1
    );
    let snooze = titled(&actions, "Snooze one week (due 2026-03-22)");
    assert_eq!(
        snooze["edit"]["documentChanges"][0]["edits"][0]["newText"],
        "2026-03-22"
    );
    assert!(
        actions
            .iter()
            .any(|a| a["title"].as_str().unwrap().starts_with("Reassign to "))
    );
    lsp.shutdown();
}

#[test]
fn mark_done_adds_next_recurring_occurrence() {
    let text = "# Syncs\r\n> - [ ] 🚀 北星 sync ⏳ 2026-03-09 📅 2026-03-10 🔁 every week ^s1\r\n- [ ] Standup 📅 2026-03-10 🔁 every weekday\r\n";
    let dir = common::vault(&[("Inbox/Syncs.md", text)]);
    let mut lsp = start(dir.path(), editing_client());
    let uri = open(&mut lsp, dir.path(), "Inbox/Syncs.md");

    let weekly = actions_at(&mut lsp, &uri, 1, 5);
    let done = titled(&weekly, "Mark action item done and add the next occurrence");
    let edits = done["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .unwrap();
    assert_eq!(edits.len(), 3, "{edits:#?}");
    assert_eq!(edits[0]["newText"], "x");
    // `> - [ ] ` (8) + 🚀 (2) + ` 北星 sync ⏳ 2026-03-09 📅 2026-03-10 🔁 every week ` (50): the
    // caret of `^s1`.
    assert_eq!(edits[1]["newText"], "✅ 2026-03-15 ");
    assert_eq!(
        edits[1]["range"]["start"],
        json!({ "line": 1, "character": 60 })
    );
    assert_eq!(
        edits[2]["newText"],
        "> - [ ] 🚀 北星 sync ⏳ 2026-03-16 📅 2026-03-17 🔁 every week\r\n"
    );
    assert_eq!(
        edits[2]["range"],
        json!({ "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 0 } })
    );

    // A rule the server does not compute gets no done action, which would end the series.
    let weekday = actions_at(&mut lsp, &uri, 2, 3);
    let titles: Vec<&str> = weekday
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        !titles
            .iter()
            .any(|t| t.starts_with("Mark action item done")),
        "{titles:?}"
    );
    assert!(titles.iter().any(|t| t.starts_with("Snooze")), "{titles:?}");
    lsp.shutdown();
}

#[test]
fn new_task_fields_go_before_block_id() {
    let dir = common::vault(&[
        (
            "Inbox/Act.md",
            "# Act\r\n- [ ] 👩‍💻 Call [[Acme Corp]] ⏫ ^b1\r\n- [ ] Send 北星 deck ^b2  \r\n",
        ),
        ("Active/Accounts/Acme_Corp/Overview.md", "# Acme\n"),
    ]);
    let mut lsp = start(dir.path(), editing_client());
    let uri = open(&mut lsp, dir.path(), "Inbox/Act.md");
    let first = actions_at(&mut lsp, &uri, 1, 3);
    let done = &titled(&first, "Mark action item done")["edit"]["documentChanges"][0]["edits"];
    // `- [ ] ` (6) + 👩‍💻 (5 UTF-16 units) + ` Call [[Acme Corp]] ⏫ ` (22): the caret of `^b1`.
    assert_eq!(done[1]["newText"], "✅ 2026-03-15 ");
    assert_eq!(
        done[1]["range"],
        json!({ "start": { "line": 1, "character": 33 }, "end": { "line": 1, "character": 33 } })
    );
    let second = actions_at(&mut lsp, &uri, 2, 3);
    let due = &titled(&second, "Add a due date")["edit"]["documentChanges"][0]["edits"];
    assert_eq!(due[0]["newText"], "📅 2026-03-22 ");
    assert_eq!(
        due[0]["range"]["start"],
        json!({ "line": 2, "character": 19 })
    );
    lsp.shutdown();
}

#[test]
fn code_lens_and_inlay_hints() {
    let dir = example_vault();
    let mut lsp = start(dir.path(), editing_client());
    let overview = file_uri(
        &dir.path()
            .join("Active/Accounts/Tidewater_Bank/Overview.md"),
    );
    let lenses = lsp.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": overview } }),
    );
    let title = lenses[0]["command"]["title"].as_str().unwrap();
    assert!(
        title.starts_with("Health 39 (red) · renewal in 77 days · 4 overdue"),
        "{title}"
    );
    assert_eq!(lenses[1]["command"]["command"], "dex.generateQbr");
    let meeting = "Inbox/Meetings/2026-03-02 - Escalation: Tidewater Bank.md";
    let uri = file_uri(&dir.path().join(meeting));
    let hints = lsp.request("textDocument/inlayHint", json!({ "textDocument": { "uri": uri }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 200, "character": 0 } } }));
    let labels: Vec<&str> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"5 days overdue"), "{labels:?}");
    let accounts = lsp.request("dex/accounts", Value::Null);
    let names: Vec<&str> = accounts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Borealis Freight",
            "Kestrel Health",
            "Northwind Labs",
            "Orbital Foods",
            "Tidewater Bank"
        ]
    );
    assert_eq!(accounts[4]["band"], "red");
    lsp.shutdown();
}

#[test]
fn apply_meeting_appends_health_history_and_new_people() {
    let dir = example_vault();
    let meeting = "Inbox/Meetings/2026-03-16 - Check-in: Kestrel Health.md";
    std::fs::write(
        dir.path().join(meeting),
        "---\naccount: \"[[Kestrel Health]]\"\n---\n# Check-in\n## Account Health\n- NPS: 9\n- Adoption: 81%\n## Notes\nMet [[Ben Castellano]] and [[Priya Raman]].\n",
    )
    .unwrap();
    let mut lsp = start(dir.path(), editing_client());
    let uri = open(&mut lsp, dir.path(), meeting);
    let actions = actions_at(&mut lsp, &uri, 5, 2);
    let apply = titled(&actions, "Apply this meeting to Kestrel Health");
    let changes = apply["edit"]["documentChanges"].as_array().unwrap();
    let health = changes
        .iter()
        .find(|c| {
            c["textDocument"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("Kestrel_Health/Health.md")
        })
        .unwrap();
    let line = health["edits"][0]["newText"].as_str().unwrap();
    assert!(
        line.contains(
            "2026-03-16: NPS: 9, Adoption: 81% ([[2026-03-16 - Check-in: Kestrel Health]])"
        ),
        "{line}"
    );
    assert_eq!(
        health["textDocument"]["version"],
        Value::Null,
        "a closed page is edited against the disk copy"
    );
    let people = changes
        .iter()
        .find(|c| {
            c["textDocument"]["uri"]
                .as_str()
                .unwrap()
                .ends_with("Kestrel_Health/Stakeholders.md")
        })
        .unwrap();
    let added = people["edits"][0]["newText"].as_str().unwrap();
    assert!(
        added.contains("[[Priya Raman]] (met 2026-03-16)"),
        "{added}"
    );
    lsp.shutdown();
}

#[test]
fn create_actions_explain_missing_create_support() {
    let dir = example_vault();
    let mut caps = capabilities();
    caps["workspace"] = json!({ "applyEdit": true, "workspaceEdit": { "documentChanges": true } });
    caps["textDocument"]["codeAction"] =
        json!({ "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix"] } } });
    let mut lsp = start(dir.path(), caps);
    let uri = open(&mut lsp, dir.path(), MEETING);
    let text = std::fs::read_to_string(dir.path().join(MEETING)).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("[[Jordan Vale]]"))
        .unwrap();
    let column = text.lines().nth(line).unwrap().find("[[Jordan").unwrap() + 3;
    let actions = actions_at(
        &mut lsp,
        &uri,
        u32::try_from(line).unwrap(),
        u32::try_from(column).unwrap(),
    );
    let fix = titled(&actions, "Create stakeholder note");
    assert!(fix.get("edit").is_none_or(Value::is_null), "{fix}");
    assert_eq!(fix["command"]["command"], "dex.applyEdit");
    let response = lsp.request_response("workspace/executeCommand", fix["command"].clone());
    assert!(
        response["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot create files"),
        "{response}"
    );
    lsp.shutdown();
}
