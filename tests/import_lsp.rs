//! `dex import` against a running `dex lsp`: the server's own file watcher picks up the notes
//! the import writes. The account's hover card then counts the new meeting stub's action item
//! and shows imported values that are newer than the hand-written ones. The imported risk
//! signals get risk-signal diagnostics, and a hover on an imported value names its import.

mod common;

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use common::{Lsp, capabilities, example_vault, file_uri, slice_utf16};
use serde_json::{Value, json};

const TODAY: &str = "2026-03-15";
const PLAYBOOK: &str = "Active/Content/Playbooks/Champion_Loss.md";
const HEALTH: &str = "Active/Accounts/Borealis_Freight/Health.md";
const OVERVIEW: &str = "Active/Accounts/Borealis_Freight/Overview.md";
/// A Salesforce Account export that moves Borealis Freight's ARR and renewal date.
const ACCOUNTS: &str = "\"Id\",\"Name\",\"ARR__c\",\"Renewal_Date__c\"\n\
\"0015g00000Borea1AAA\",\"Borealis Freight\",\"$275,000.00\",\"2026-12-31\"\n";
/// A Salesforce Opportunity export with an emoji in the open opportunity's name.
const OPPORTUNITIES: &str = "\"Id\",\"Name\",\"AccountId\",\"StageName\",\"Amount\",\"CloseDate\",\"IsClosed\",\"IsWon\",\"Type\"\n\
\"0065g00000Opp002AAA\",\"Warehouse pilot 🚚\",\"0015g00000Borea1AAA\",\"Proposal\",\"45000\",\"2026-06-30\",\"false\",\"false\",\"Expansion\"\n";
const PROVENANCE: &str = "Imported from Salesforce (`accounts.csv`, `opportunities.csv`) on 2026-03-15 by `dex import salesforce`";

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

/// Runs `dex import SOURCE FILES... --today 2026-03-15 --vault VAULT`; returns its output.
fn import(vault: &Path, source: &str, files: &[&Path]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_dex"))
        .arg("import")
        .arg(source)
        .args(files)
        .args(["--today", TODAY, "--vault"])
        .arg(vault)
        .env_remove("DEX_TODAY")
        .output()
        .expect("run dex import");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Starts `dex lsp` on `vault`, waits for its scan and opens the playbook; returns the server and
/// the playbook's URI.
fn open_playbook(vault: &Path) -> (Lsp, String) {
    let mut lsp = Lsp::start(&["--today", TODAY]);
    lsp.initialize(vault, capabilities());
    lsp.wait_indexed();
    let playbook = vault.join(PLAYBOOK);
    let text = std::fs::read_to_string(&playbook).expect("playbook note");
    let uri = lsp.open(&playbook, &text);
    (lsp, uri)
}

/// Writes the Salesforce exports into `dir`; returns their paths.
fn salesforce_exports(dir: &Path) -> [std::path::PathBuf; 2] {
    let accounts = dir.join("accounts.csv");
    let opportunities = dir.join("opportunities.csv");
    std::fs::write(&accounts, ACCOUNTS).expect("write accounts.csv");
    std::fs::write(&opportunities, OPPORTUNITIES).expect("write opportunities.csv");
    [accounts, opportunities]
}

/// Sets the modification time of every file under `dir` to noon UTC on 2026-03-01, before the
/// import date, as if the notes had last been edited then.
fn date_notes_march_first(dir: &Path) {
    // 2026-03-01T12:00:00Z.
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_772_366_400);
    for entry in std::fs::read_dir(dir).expect("read folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            date_notes_march_first(&path);
        } else {
            let file = std::fs::File::options()
                .write(true)
                .open(&path)
                .expect("open note");
            file.set_modified(time).expect("set modification time");
        }
    }
}

/// Requests a hover at `line` and UTF-16 `character` of `uri`.
fn hover(lsp: &mut Lsp, uri: &str, line: usize, character: usize) -> Value {
    lsp.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }),
    )
}

/// Finds the zero-based number of the line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
}

#[test]
fn card_shows_newer_imported_values() {
    let dir = example_vault();
    date_notes_march_first(dir.path());
    let exports = tempfile::tempdir().expect("temp dir");
    let [accounts, _] = salesforce_exports(exports.path());
    let (mut lsp, uri) = open_playbook(dir.path());
    // The Renewal Planning meeting of 2026-03-12 is newer than the pages, so its "September
    // 2026" is the renewal before the import.
    let before = account_card(&mut lsp, &uri);
    assert!(before.contains("- ARR $240k\n"), "{before}");
    assert!(before.contains("- Renewal 2026-09-01 ("), "{before}");

    let out = import(dir.path(), "salesforce", &[&accounts]);
    assert!(out.contains("updated 1 account"), "{out}");

    // The import rewrote Overview.md and Health.md today, but their hand-written ARR and
    // renewal date still date from 2026-03-01, before the import's 2026-03-15.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut after = account_card(&mut lsp, &uri);
    while !after.contains("$275k") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        after = account_card(&mut lsp, &uri);
    }
    assert!(
        after.contains("- ARR $275k · imported from Salesforce on 2026-03-15\n"),
        "{after}"
    );
    assert!(
        after.contains(
            "- Renewal 2026-12-31 (in 291 days) · imported from Salesforce on 2026-03-15\n"
        ),
        "{after}"
    );
    // The hover's preview of the Overview below the card still shows the page's own text.
    let card = after.split("\n---\n").next().unwrap_or_default();
    assert!(!card.contains("$240k"), "{after}");
    assert!(!card.contains("2026-09-01"), "{after}");
    lsp.shutdown();
}

#[test]
fn import_hover_on_crlf_emoji_lines() {
    let dir = example_vault();
    let health = dir.path().join(HEALTH);
    let crlf = std::fs::read_to_string(&health)
        .expect("Health.md")
        .replace('\n', "\r\n");
    std::fs::write(&health, crlf).expect("write Health.md");
    date_notes_march_first(dir.path());
    let exports = tempfile::tempdir().expect("temp dir");
    let [accounts, opportunities] = salesforce_exports(exports.path());
    let out = import(dir.path(), "salesforce", &[&accounts, &opportunities]);
    assert!(out.contains("updated 1 account"), "{out}");

    let mut lsp = Lsp::start(&["--today", TODAY]);
    lsp.initialize(dir.path(), capabilities());
    lsp.wait_indexed();
    let text = std::fs::read_to_string(&health).expect("Health.md");
    assert!(
        text.contains(
            "- Warehouse pilot 🚚: $45,000, closes 2026-06-30 (Opportunity 0065g00000Opp002AAA)\r\n"
        ),
        "{text:?}"
    );
    let uri = lsp.open(&health, &text);

    // The expansion item has a two-unit emoji before the hovered amount.
    let line = line_of(&text, "Warehouse pilot 🚚");
    let line_text = text.lines().nth(line).expect("line").trim_end_matches('\r');
    let byte = line_text.find("$45,000").expect("amount");
    let character = line_text[..byte].encode_utf16().count();
    let result = hover(&mut lsp, &uri, line, character);
    assert_eq!(result["contents"]["value"], PROVENANCE, "{result}");
    assert_eq!(
        result["range"]["end"]["character"],
        line_text.encode_utf16().count()
    );
    assert_eq!(slice_utf16(&text, &result["range"]), line_text);

    // A row of the block's table.
    let row = line_of(&text, "| 2026-03-15 |");
    let result = hover(&mut lsp, &uri, row, 16);
    assert_eq!(result["contents"]["value"], PROVENANCE, "{result}");

    // A hand-written value outside the block has no hover.
    let nps = line_of(&text, "NPS:: 7");
    let result = hover(&mut lsp, &uri, nps, 6);
    assert!(result.is_null(), "{result}");

    // A property the import set on the Overview.
    let overview = dir.path().join(OVERVIEW);
    let overview_text = std::fs::read_to_string(&overview).expect("Overview.md");
    let overview_uri = lsp.open(&overview, &overview_text);
    let arr = line_of(&overview_text, "arr: 275000");
    let result = hover(&mut lsp, &overview_uri, arr, 7);
    assert_eq!(result["contents"]["value"], PROVENANCE, "{result}");
    assert_eq!(slice_utf16(&overview_text, &result["range"]), "arr: 275000");
    // Over a property the import did not set, the account card shows as before.
    let domain = line_of(&overview_text, "domain:");
    let result = hover(&mut lsp, &overview_uri, domain, 3);
    let markdown = result["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.starts_with("**Borealis Freight**"), "{result}");
    lsp.shutdown();
}

#[test]
fn running_server_sees_imported_notes() {
    let dir = example_vault();
    let (mut lsp, uri) = open_playbook(dir.path());
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
        before.contains("- 13 open commitments, 2 overdue, 4 due within 7 days"),
        "{before}"
    );
    assert!(
        after.contains("- 14 open commitments, 2 overdue, 5 due within 7 days"),
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
