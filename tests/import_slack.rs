//! `dex import slack` end to end: channels mapped by configuration or by name, risk phrases
//! with negations, and a damaged day file.

mod import_common;

use import_common::{block, changed, fixture, import, read, snapshot, stdout, vault};

fn workspace() -> Vec<String> {
    vec![fixture("slack/workspace.zip")]
}

fn configure(dir: &std::path::Path) {
    configure_channels(dir, "cs-tidewater = \"Tidewater Bank\"");
}

fn configure_channels(dir: &std::path::Path, channels: &str) {
    let path = dir.join(".dex.toml");
    let text = std::fs::read_to_string(&path).expect("read .dex.toml");
    let text = format!("{text}\n[import.slack]\nchannels = {{ {channels} }}\n");
    std::fs::write(&path, text).expect("write .dex.toml");
}

#[test]
fn risk_phrases_become_dated_signals() {
    let dir = vault();
    configure(dir.path());
    let output = import(dir.path(), "slack", &workspace(), &[]);
    let out = stdout(&output);
    let borealis = read(dir.path(), "Active/Accounts/Borealis_Freight/Health.md");
    let slack = block(&borealis, "slack");
    assert!(slack.contains("| 2026-03-15 | 4 | 2 |"), "{slack}");
    assert!(
        slack.contains(
            "- 2026-03-10 Champion loss in Slack `#ext-borealis-freight` at 1773134100.000200: `Heads up: our champion Priya is leaving at the end of March, her successor starts in April.` #risk/champion-loss\n"
        ),
        "{slack}"
    );
    assert!(slack.contains("at 1773151320.000400: `FYI the ops team is evaluating alternatives for route planning #urgent` #risk/competitor"), "{slack}");
    assert!(
        !slack.contains("no risk of churn"),
        "a negated phrase matched:\n{slack}"
    );
    let kestrel = read(dir.path(), "Active/Accounts/Kestrel_Health/Health.md");
    assert!(
        block(&kestrel, "slack").contains("- 2026-03-11 Budget in Slack `#kestrel-health-shared`"),
        "{kestrel}"
    );
    // Mapped through [import.slack] channels.
    let tidewater = read(dir.path(), "Active/Accounts/Tidewater_Bank/Health.md");
    assert!(
        block(&tidewater, "slack")
            .contains("`We will not renew unless SSO is fixed by May.` #risk/not-renewing"),
        "{tidewater}"
    );
    assert!(
        out.contains(
            "workspace.zip/ext-borealis-freight/2026-03-12.json:1: error: column 34: invalid \
             JSON: EOF while parsing a string; the file's messages were skipped"
        ),
        "{out}"
    );
    assert!(
        out.contains("6 rows read, updated 3 accounts, 0 created, 0 unmatched, 1 row rejected"),
        "{out}"
    );
}

/// A channel mapped to a misspelt account is a setting to fix: its messages are left out, and
/// no account is created even with `--create-accounts`. A mapping for a channel the export lacks
/// is named too.
#[test]
fn misspelt_channel_mapping_is_an_error() {
    let dir = vault();
    configure_channels(
        dir.path(),
        "cs-tidewater = \"Tidewater Bnak\", cs-nowhere = \"Kestrel Health\"",
    );
    let output = import(dir.path(), "slack", &workspace(), &["--create-accounts"]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    for expected in [
        ".dex.toml: error: import.slack.channels.cs-tidewater: `Tidewater Bnak` matches no \
         account, so the channel's messages were left out",
        ".dex.toml: warning: import.slack.channels.cs-nowhere: workspace.zip has no channel \
         `cs-nowhere`",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
    assert!(!dir.path().join("Active/Accounts/Tidewater_Bnak").exists());
}

#[test]
fn unmapped_channels_are_not_scanned() {
    let dir = vault();
    import(dir.path(), "slack", &workspace(), &[]);
    let tidewater = read(dir.path(), "Active/Accounts/Tidewater_Bank/Health.md");
    assert!(!tidewater.contains("dex:begin slack"), "{tidewater}");
    for account in [
        "Borealis_Freight",
        "Kestrel_Health",
        "Orbital_Foods",
        "Northwind_Labs",
    ] {
        let health = read(dir.path(), &format!("Active/Accounts/{account}/Health.md"));
        assert!(!health.contains("snacks"), "#random was scanned");
    }
}

#[test]
fn second_import_changes_no_byte() {
    let dir = vault();
    configure(dir.path());
    import(dir.path(), "slack", &workspace(), &[]);
    let before = snapshot(dir.path());
    import(dir.path(), "slack", &workspace(), &[]);
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );
}

#[test]
fn non_zip_is_refused() {
    let dir = vault();
    let output = import(dir.path(), "slack", &[fixture("ics/calendar.ics")], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(import_common::stderr(&output).contains("not a Slack workspace export"));
}
