//! `dex import` against a running `dex lsp`: the server's own file watcher picks up the notes
//! the import writes, so the account's hover card counts the new meeting stub's action item, and
//! the imported risk signals get risk-signal diagnostics.

mod common;

use std::time::{Duration, Instant};

use common::{Lsp, capabilities, example_vault, file_uri};
use serde_json::{Value, json};

const TODAY: &str = "2026-03-15";
const PLAYBOOK: &str = "Active/Content/Playbooks/Champion_Loss.md";
const HEALTH: &str = "Active/Accounts/Borealis_Freight/Health.md";

/// Requests the account hover card on `[[Borealis Freight]]` in line 28 of the playbook.
fn account_card(lsp: &mut Lsp, uri: &str) -> String {
    let hover: Value = lsp.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 27, "character": 12 } }),
    );
    hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn running_server_sees_imported_notes() {
    let dir = example_vault();
    let mut lsp = Lsp::start(&["--today", TODAY]);
    lsp.initialize(dir.path(), capabilities());
    lsp.wait_indexed();
    let playbook = dir.path().join(PLAYBOOK);
    let text = std::fs::read_to_string(&playbook).expect("playbook note");
    let uri = lsp.open(&playbook, &text);
    let before = account_card(&mut lsp, &uri);
    assert!(before.starts_with("**Borealis Freight**"), "{before}");
    assert!(!before.contains("Support spike"), "{before}");

    let fixtures = format!("{}/tests/fixtures/import", env!("CARGO_MANIFEST_DIR"));
    for (source, file) in [
        ("zendesk", "zendesk/tickets.csv"),
        ("ics", "ics/calendar.ics"),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_dex"))
            .args(["import", source, &format!("{fixtures}/{file}")])
            .args(["--today", TODAY, "--vault"])
            .arg(dir.path())
            .output()
            .expect("run dex import");
        let out = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{out}");
    }

    // The watcher indexes the new QBR stub, whose "Prepare QBR" item is due within 7 days;
    // poll the card until it counts it.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut after = account_card(&mut lsp, &uri);
    while after == before && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        after = account_card(&mut lsp, &uri);
    }
    assert!(
        before.contains("- 11 open commitments, 2 overdue, 4 due within 7 days"),
        "{before}"
    );
    assert!(
        after.contains("- 12 open commitments, 2 overdue, 5 due within 7 days"),
        "{after}"
    );

    // An editor opening the imported note gets a risk-signal diagnostic on the signal's line.
    let health = dir.path().join(HEALTH);
    let health_text = std::fs::read_to_string(&health).expect("Health.md");
    let health_uri = lsp.open(&health, &health_text);
    let diagnostics = lsp.diagnostics(&health_uri, Some(1));
    let line = health_text
        .lines()
        .position(|l| l.contains("Support spike"))
        .expect("signal line");
    let signal = diagnostics
        .iter()
        .find(|d| d["code"] == "risk-signal" && d["range"]["start"]["line"] == line)
        .unwrap_or_else(|| panic!("no risk-signal diagnostic on line {line}: {diagnostics:?}"));
    assert!(
        signal["message"]
            .as_str()
            .unwrap_or_default()
            .contains("risk signal"),
        "{signal}"
    );
    assert_eq!(file_uri(&health), health_uri);
    lsp.shutdown();
}
