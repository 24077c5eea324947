//! `dex import amplitude` end to end: a zip of gzipped JSON lines read as a stream, weekly
//! usage per account, a usage drop, and damaged archives and streams.

mod import_common;

use import_common::{
    block, changed, fixture, gzipped, import_on, read, snapshot, stdout, vault, zipped,
};

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

/// Events of three users of Borealis Freight on three days of the week of 2026-03-02, the
/// last of them on its Friday, so that the week counts.
fn borealis_events() -> Vec<String> {
    [
        ("u1", "2026-03-02 09:00:00"),
        ("u2", "2026-03-03 10:00:00"),
        ("u3", "2026-03-06 11:00:00"),
        ("u1", "2026-03-06 12:00:00"),
    ]
    .iter()
    .map(|(user, time)| {
        format!(
            "{{\"event_type\": \"Route Planned\", \"user_id\": \"{user}\", \"event_time\": \
             \"{time}\", \"groups\": {{\"company\": \"Borealis Freight\"}}}}"
        )
    })
    .collect()
}

fn json_lines(events: &[String]) -> String {
    let mut lines = events.join("\n");
    lines.push('\n');
    lines
}

fn json_array(events: &[String]) -> String {
    format!("[\n  {}\n]\n", events.join(",\n  "))
}

/// Imports the file `name` with `bytes` into a new vault and returns the output and the
/// Borealis Freight usage block.
fn import_bytes(name: &str, bytes: &[u8]) -> (std::process::Output, String) {
    let dir = vault();
    let exports = tempfile::tempdir().expect("temp dir");
    let path = exports.path().join(name);
    std::fs::write(&path, bytes).expect("write the export");
    let output = import_on(
        dir.path(),
        "amplitude",
        &[path.display().to_string()],
        TODAY,
        &[],
    );
    let health = read(dir.path(), "Active/Accounts/Borealis_Freight/Health.md");
    let usage = if health.contains("<!-- dex:begin amplitude ") {
        block(&health, "amplitude").to_string()
    } else {
        String::new()
    };
    (output, usage)
}

#[test]
fn bom_and_arrays_read_like_lines() {
    const BOM: &str = "\u{feff}";
    let events = borealis_events();
    let (first_half, second_half) = events.split_at(2);
    let lines = json_lines(&events);
    let array = json_array(&events);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("events.jsonl", format!("{BOM}{lines}").into_bytes()),
        ("events.json", array.clone().into_bytes()),
        ("events_bom.json", format!("{BOM}{array}").into_bytes()),
        (
            "events.json.gz",
            gzipped(format!("{BOM}{array}").as_bytes()),
        ),
        (
            "events.jsonl.gz",
            gzipped(format!("{BOM}{lines}").as_bytes()),
        ),
        (
            "export.zip",
            zipped(&[
                (
                    "409876/lines.json",
                    format!("{BOM}{}", json_lines(first_half)).as_bytes(),
                ),
                (
                    "409876/array.json.gz",
                    &gzipped(format!("{BOM}{}", json_array(second_half)).as_bytes()),
                ),
            ]),
        ),
    ];
    let week = "| 2026-03-02 | 3 | 3 |  |";
    for (name, bytes) in cases {
        let (output, usage) = import_bytes(name, &bytes);
        let out = stdout(&output);
        let err = import_common::stderr(&output);
        assert_eq!(output.status.code(), Some(0), "{name}: {out}{err}");
        assert!(
            out.contains(": 4 rows read, updated 1 account"),
            "{name}: {out}"
        );
        assert!(usage.contains(week), "{name}: {usage}");
    }
}

#[test]
fn json_errors_name_the_line_of_the_file() {
    let events = borealis_events();
    let lines = format!(
        "\u{feff}{}\n\n  {{\"event_type\": x}}\n{}",
        events[0],
        json_lines(&events[1..])
    );
    let (output, usage) = import_bytes("events.jsonl", lines.as_bytes());
    let out = stdout(&output);
    assert!(
        out.contains(
            "events.jsonl:3: error: column 18: invalid JSON: expected value; line skipped"
        ),
        "{out}"
    );
    assert!(usage.contains("| 2026-03-02 | 3 | 3 |  |"), "{usage}");

    let mut elements = events.clone();
    elements.insert(1, "{\"event_type\":\n    \"x\", oops}".to_string());
    elements.insert(
        3,
        "{\"event_type\": \"x\", \"user_id\": \"u9\", \"event_time\": \"soon\"}".to_string(),
    );
    let (output, usage) = import_bytes("events.json", json_array(&elements).as_bytes());
    let out = stdout(&output);
    assert!(
        out.contains(
            "events.json:4: error: column 10: invalid JSON: key must be a string; array element \
             skipped"
        ),
        "{out}"
    );
    assert!(
        out.contains("events.json:6: error: event_time: invalid event_time `soon`; event skipped"),
        "{out}"
    );
    assert!(usage.contains("| 2026-03-02 | 3 | 3 |  |"), "{usage}");
}

#[test]
fn damaged_arrays_are_reported() {
    let events = borealis_events();
    let unclosed = format!("[\n{},\n{}", events[0], events[1]);
    let (output, _) = import_bytes("events.json", unclosed.as_bytes());
    let out = stdout(&output);
    assert!(
        out.contains(
            "events.json:3: error: the JSON array is not closed with `]`; the stream may end \
             early; the 2 events before its end were imported"
        ),
        "{out}"
    );
    let followed = format!("{}\n\n[]", json_array(&events));
    let (output, _) = import_bytes("events.json", followed.as_bytes());
    let out = stdout(&output);
    assert!(
        out.contains("events.json:9: warning: text after the JSON array of events is ignored"),
        "{out}"
    );
}

#[test]
fn other_json_is_refused_with_the_expected_shape() {
    let wrapped = format!("{{\n  \"events\": {}}}\n", json_array(&borealis_events()));
    let (output, _) = import_bytes("events.json", wrapped.as_bytes());
    assert_eq!(output.status.code(), Some(2));
    let err = import_common::stderr(&output);
    assert!(
        err.contains(
            "not an Amplitude export: line 1 is not a JSON event (EOF while parsing an object); \
             expected one JSON event object per line, or a JSON array of them"
        ),
        "{err}"
    );
    let strings = "[\"a\", \"b\"]";
    let (output, _) = import_bytes("events.json", strings.as_bytes());
    let err = import_common::stderr(&output);
    assert!(
        err.contains(
            "not an Amplitude export: the array element on line 1 is not a JSON event (invalid \
             type: string \"a\", expected an event object)"
        ),
        "{err}"
    );
}

/// A number where a text is expected is read as its text: a numeric user id counts, and an
/// `event_time` in epoch milliseconds is named as an invalid `event_time`.
#[test]
fn numbers_in_text_fields_are_read_as_text() {
    let dir = vault();
    let export = dir.path().join("numbers.jsonl");
    let event = |user: &str, time: &str| {
        format!(
            "{{\"user_id\":{user},\"event_time\":{time},\"event_type\":\"open\",\
             \"groups\":{{\"salesforce_id\":\"0015g00000Borea1AAA\"}}}}\n"
        )
    };
    let text = [
        event("1001", "\"2026-03-03 10:00:00.000000\""),
        event("\"u2\"", "1772532000000"),
    ]
    .concat();
    std::fs::write(&export, text).unwrap();
    let output = import_on(
        dir.path(),
        "amplitude",
        &[export.display().to_string()],
        TODAY,
        &[],
    );
    let out = stdout(&output);
    let expected =
        "numbers.jsonl:2: error: event_time: invalid event_time `1772532000000`; event skipped";
    assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    assert!(!out.contains("invalid type"), "{out}");
}
