//! `dex import amplitude` end to end: a zip of gzipped JSON lines read as a stream, weekly
//! usage per account, a usage drop, and damaged archives and streams.

mod import_common;

use import_common::{block, changed, fixture, import_on, read, snapshot, stdout, vault};

const TODAY: &str = "2026-03-16";

fn with_seats(dir: &std::path::Path) {
    let path = dir.join("Active/Accounts/Borealis_Freight/Overview.md");
    let text = std::fs::read_to_string(&path).expect("read Overview.md");
    std::fs::write(
        &path,
        text.replace("tier: enterprise\n", "tier: enterprise\nseats: 40\n"),
    )
    .expect("write Overview.md");
}

#[test]
fn weekly_usage_and_drop_per_account() {
    let dir = vault();
    with_seats(dir.path());
    let output = import_on(
        dir.path(),
        "amplitude",
        &[fixture("amplitude/export.zip")],
        TODAY,
        &[],
    );
    let out = stdout(&output);
    let health = read(dir.path(), "Active/Accounts/Borealis_Freight/Health.md");
    let amplitude = block(&health, "amplitude");
    let rows = [
        "| 2026-02-09 | 20 | 4 | 50% |",
        "| 2026-02-16 | 20 | 4 | 50% |",
        "| 2026-02-23 | 19 | 4 | 48% |",
        "| 2026-03-02 | 18 | 4 | 45% |",
        "| 2026-03-09 | 8 | 4 | 20% |",
    ];
    for row in rows {
        assert!(amplitude.contains(row), "missing {row} in:\n{amplitude}");
    }
    assert!(
        amplitude.contains(
            "- 2026-03-09 Usage drop: 8 weekly active users, down 58% from a baseline of 19 (2026-02-09 to 2026-03-02) #risk/usage-drop"
        ),
        "{amplitude}"
    );
    // Matched by the email domain of user_id; duplicated events do not change the counts.
    let northwind = read(dir.path(), "Active/Accounts/Northwind_Labs/Health.md");
    assert!(
        block(&northwind, "amplitude").contains("| 2026-03-09 | 10 | 4 |  |"),
        "{northwind}"
    );
    assert!(!block(&northwind, "amplitude").contains("### Risks"));
    assert!(
        out.contains("unmatched: `Hooli` matches no account"),
        "{out}"
    );
    assert!(out.contains("331 rows read, updated 2 accounts"), "{out}");
}

#[test]
fn damaged_inputs_are_named_and_the_rest_imports() {
    let dir = vault();
    let files = [
        fixture("amplitude/export_truncated.zip"),
        fixture("amplitude/events.jsonl"),
        fixture("amplitude/events_truncated.json.gz"),
    ];
    let output = import_on(dir.path(), "amplitude", &files, TODAY, &[]);
    let out = stdout(&output);
    let expected = [
        "export_truncated.zip: error: the zip archive is damaged or truncated",
        "export_truncated.zip/409876/409876_2026-03-02_0#0.json.gz:100: error: the stream ends early or is damaged",
        "events.jsonl:3: error: column 79: invalid JSON: EOF while parsing a value",
        "events.jsonl:4: error: event_time: invalid event_time `yesterday`; event skipped",
        "events_truncated.json.gz:39: error: the stream ends early or is damaged",
    ];
    for line in expected {
        assert!(out.contains(line), "missing `{line}` in:\n{out}");
    }
    let health = read(dir.path(), "Active/Accounts/Borealis_Freight/Health.md");
    assert!(
        block(&health, "amplitude").contains("| 2026-02-09 | 20 | 4 |  |"),
        "{health}"
    );
}

#[test]
fn csv_file_is_refused() {
    let dir = vault();
    let before = snapshot(dir.path());
    let output = import_on(
        dir.path(),
        "amplitude",
        &[fixture("zendesk/tickets.csv")],
        TODAY,
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    let err = import_common::stderr(&output);
    assert!(
        err.contains("not an Amplitude export: line 1 is not a JSON event"),
        "{err}"
    );
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );
}

#[test]
fn second_import_changes_no_byte() {
    let dir = vault();
    let files = [fixture("amplitude/export.zip")];
    import_on(dir.path(), "amplitude", &files, TODAY, &[]);
    let before = snapshot(dir.path());
    import_on(dir.path(), "amplitude", &files, "2026-03-17", &[]);
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );
}

#[test]
fn partial_week_is_named() {
    let dir = vault();
    let files = [fixture("amplitude/export.zip")];
    let out = stdout(&import_on(
        dir.path(),
        "amplitude",
        &files,
        "2026-03-12",
        &[],
    ));
    assert!(
        out.contains(
            "export.zip: note: the week starting 2026-03-09 is left out: a week counts once it \
             ended before the import date"
        ),
        "{out}"
    );
    let health = read(dir.path(), "Active/Accounts/Borealis_Freight/Health.md");
    assert!(!block(&health, "amplitude").contains("| 2026-03-09 |"));
}
