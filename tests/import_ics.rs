//! `dex import ics` end to end: meeting stubs with attendees and accounts, recurrences with
//! exclusions and overrides, all-day events, QBR preparation items, and notes never replaced.

mod import_common;

use import_common::{
    changed, fixture, frontmatter, import, import_in_zone, import_text, read, snapshot, stdout,
    vault,
};

const MEETINGS: &str = "Inbox/Meetings";

fn calendar() -> Vec<String> {
    vec![fixture("ics/calendar.ics")]
}

fn stub(dir: &std::path::Path, name: &str) -> String {
    read(dir, &format!("{MEETINGS}/{name}.md"))
}

#[test]
fn qbr_stub_with_people_and_preparation() {
    let dir = vault();
    let output = import(dir.path(), "ics", &calendar(), &[]);
    let out = stdout(&output);
    let qbr = stub(dir.path(), "2026-03-25 - QBR: Borealis Freight");
    assert_eq!(frontmatter(&qbr, "date").as_deref(), Some("2026-03-25"));
    assert_eq!(
        frontmatter(&qbr, "account").as_deref(),
        Some("\"[[Borealis Freight]]\"")
    );
    assert_eq!(
        frontmatter(&qbr, "attendees").as_deref(),
        Some("[\"[[Priya Raman]]\", \"[[Tomas Lind]]\", \"[[Maya Okafor]]\"]")
    );
    assert_eq!(
        frontmatter(&qbr, "ics_uid").as_deref(),
        Some("\"qbr-borealis-2026q1@fernwood.io\"")
    );
    assert_eq!(frontmatter(&qbr, "ics_sequence").as_deref(), Some("1"));
    // Escaped commas, the TZID and the folded description are read.
    assert!(
        qbr.contains(
            "Q1 QBR, Borealis Freight, 15:00–16:30 (Europe/Berlin), Borealis HQ, Hamburg."
        ),
        "{qbr}"
    );
    assert!(
        qbr.contains("> and the renewal timeline. This line was folded by the calendar app.\n"),
        "{qbr}"
    );
    for heading in ["## Agenda", "## Notes", "## Action Items"] {
        assert!(qbr.contains(heading), "{heading}");
    }
    assert!(
        qbr.ends_with("- [ ] Prepare QBR for [[Borealis Freight]] 📅 2026-03-18\n"),
        "{qbr}"
    );
    assert!(out.contains("6 notes created"), "{out}");
}

#[test]
fn dry_run_counts_notes_it_would_create() {
    let dir = vault();
    let before = snapshot(dir.path());
    let output = import(dir.path(), "ics", &calendar(), &["--dry-run"]);
    let out = stdout(&output);
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );
    assert!(out.ends_with(", would create 6 notes\n"), "{out}");
    assert!(out.contains("would create Inbox/Meetings/"), "{out}");
    assert!(!out.contains("notes created"), "{out}");
}

#[test]
fn recurrences_follow_exclusions_and_overrides() {
    let dir = vault();
    import(dir.path(), "ics", &calendar(), &[]);
    for date in ["2026-03-03", "2026-03-10", "2026-03-25", "2026-03-31"] {
        let name = format!("{MEETINGS}/{date} - Check-in: Kestrel Health.md");
        assert!(dir.path().join(&name).is_file(), "{name}");
    }
    for date in ["2026-03-17", "2026-03-24"] {
        let name = format!("{MEETINGS}/{date} - Check-in: Kestrel Health.md");
        assert!(!dir.path().join(&name).exists(), "{name}");
    }
    let moved = stub(dir.path(), "2026-03-25 - Check-in: Kestrel Health");
    assert!(
        moved.contains("Kestrel weekly check-in (moved), 14:00–14:30 (America/New_York)."),
        "{moved}"
    );
    assert_eq!(
        frontmatter(&moved, "ics_recurrence_id").as_deref(),
        Some("2026-03-24T14:00:00Z")
    );
    assert!(!moved.contains("Prepare QBR"));
    let onsite = stub(dir.path(), "2026-04-02 - Meeting: Tidewater Bank");
    assert!(onsite.contains("Onsite workshop, all day."), "{onsite}");
    assert_eq!(
        frontmatter(&onsite, "attendees").as_deref(),
        Some("[\"[[Lucía Fernández]]\"]")
    );
}

/// A rule that repeats every second since 1970 would take days to step through to the import
/// window. It is left out with a warning, and the other events still import.
#[test]
fn too_frequent_recurrence_is_left_out() {
    let dir = vault();
    let event = |uid: &str, start: &str, rule: &str| {
        format!(
            "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260301T000000Z\r\nDTSTART:{start}\r\n\
             {rule}SUMMARY:Check-in\r\nORGANIZER:mailto:maya.okafor@fernwood.io\r\n\
             ATTENDEE:mailto:amara.osei@kestrelhealth.org\r\nEND:VEVENT\r\n"
        )
    };
    let text = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{}{}{}END:VCALENDAR\r\n",
        event(
            "every-second",
            "19700101T000000Z",
            "RRULE:FREQ=SECONDLY\r\n"
        ),
        event("daily", "20250101T150000Z", "RRULE:FREQ=DAILY\r\n"),
        event("once", "20260312T150000Z", ""),
    );
    let out = stdout(&import_text(dir.path(), "ics", "often.ics", &text));
    let warning = "often.ics:7: warning: RRULE: RRULE `FREQ=SECONDLY` repeats more than 100000 \
                   times between its start (1970-01-01) and the import window; its instances \
                   are left out";
    assert!(out.contains(warning), "{out}");
    assert!(
        dir.path()
            .join(format!(
                "{MEETINGS}/2026-03-12 - Check-in: Kestrel Health.md"
            ))
            .is_file(),
        "{out}"
    );
}

/// A rule that gives two instances a day is no meeting series: no stub is made for it.
#[test]
fn recurrence_more_than_daily_is_left_out() {
    let dir = vault();
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:twice\r\n\
                DTSTAMP:20260301T000000Z\r\nDTSTART:20260310T090000Z\r\n\
                RRULE:FREQ=DAILY;BYHOUR=9,15\r\nSUMMARY:Sync\r\n\
                ORGANIZER:mailto:maya.okafor@fernwood.io\r\n\
                ATTENDEE:mailto:amara.osei@kestrelhealth.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let export = dir.path().join("twice.ics");
    std::fs::write(&export, text).unwrap();
    let before = snapshot(dir.path());
    let out = stdout(&import(
        dir.path(),
        "ics",
        &[export.display().to_string()],
        &[],
    ));
    let warning = "twice.ics:7: warning: RRULE: RRULE `FREQ=DAILY;BYHOUR=9,15` repeats more than \
                   once a day (2026-03-10 09:00 and 15:00), which no meeting series does; its \
                   instances are left out";
    assert!(out.contains(warning), "{out}");
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new(),
        "{out}"
    );
}

/// A rule that gives no date at all is named, not dropped without a word.
#[test]
fn recurrence_without_any_date_is_named() {
    let dir = vault();
    for rule in [
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    ] {
        let text = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:never\r\n\
             DTSTAMP:20260301T000000Z\r\nDTSTART:20260310T090000Z\r\nRRULE:{rule}\r\n\
             SUMMARY:Sync\r\nORGANIZER:mailto:maya.okafor@fernwood.io\r\n\
             ATTENDEE:mailto:amara.osei@kestrelhealth.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        let out = stdout(&import_text(dir.path(), "ics", "never.ics", &text));
        let warning = format!("never.ics:7: warning: RRULE: RRULE `{rule}` gives no date at all");
        assert!(out.contains(&warning), "{out}");
    }
}

/// A meeting whose other attendees all write from webmail has no account to find. A note reports
/// it, and it is not listed as an unmatched account.
#[test]
fn webmail_attendees_are_noted_not_unmatched() {
    let dir = vault();
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:gmail\r\n\
                DTSTAMP:20260301T000000Z\r\nDTSTART:20260312T150000Z\r\nSUMMARY:Intro call\r\n\
                ORGANIZER:mailto:maya.okafor@fernwood.io\r\n\
                ATTENDEE:mailto:someone@gmail.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let out = stdout(&import_text(dir.path(), "ics", "gmail.ics", text));
    let note = "gmail.ics:3: note: ATTENDEE: the other attendees write from webmail or ignored \
                domains (gmail.com), so the meeting's account is unknown and no stub is made";
    assert!(out.contains(note), "missing `{note}` in:\n{out}");
    assert!(!out.contains(": unmatched:"), "{out}");
}

/// A meeting with attendees from two accounts gets one stub, with a note naming both.
#[test]
fn meeting_of_two_accounts_is_noted() {
    let dir = vault();
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:joint\r\n\
                DTSTAMP:20260301T000000Z\r\nDTSTART:20260312T150000Z\r\nSUMMARY:Joint call\r\n\
                ORGANIZER:mailto:maya.okafor@fernwood.io\r\n\
                ATTENDEE:mailto:amara.osei@kestrelhealth.org\r\n\
                ATTENDEE:mailto:priya.raman@borealis-freight.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let out = stdout(&import_text(dir.path(), "ics", "joint.ics", text));
    let note = "joint.ics:3: note: ATTENDEE: attendees come from 2 accounts (Borealis Freight, \
                Kestrel Health); the stub is for the one with the most attendees";
    assert!(out.contains(note), "missing `{note}` in:\n{out}");
}

#[test]
fn hand_written_meeting_note_is_kept() {
    let dir = vault();
    let original = stub(dir.path(), "2026-03-10 - QBR: Kestrel Health");
    let out = stdout(&import(dir.path(), "ics", &calendar(), &[]));
    assert_eq!(
        stub(dir.path(), "2026-03-10 - QBR: Kestrel Health"),
        original
    );
    // The event is the meeting that note records, so no second note is made for it.
    let second = format!("{MEETINGS}/2026-03-10 - QBR: Kestrel Health (2).md");
    assert!(!dir.path().join(&second).exists(), "{second}");
    assert!(
        out.contains(
            "calendar.ics:60: note: `Inbox/Meetings/2026-03-10 - QBR: Kestrel Health.md` exists \
             already, so it stays this meeting's note and no stub is made"
        ),
        "{out}"
    );
}

#[test]
fn two_events_of_one_day_get_two_stubs() {
    let dir = vault();
    let path = dir.path().join("two.ics");
    let event = |uid: &str, hour: u32| {
        format!(
            "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260301T000000Z\r\n\
             DTSTART:20260320T{hour:02}0000Z\r\nDTEND:20260320T{:02}0000Z\r\n\
             SUMMARY:Kestrel check-in\r\nATTENDEE:mailto:amara.osei@kestrelhealth.org\r\n\
             END:VEVENT\r\n",
            hour + 1
        )
    };
    let calendar = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n{}{}END:VCALENDAR\r\n",
        event("first@fernwood.io", 9),
        event("second@fernwood.io", 15)
    );
    std::fs::write(&path, calendar).unwrap();
    let files = [path.display().to_string()];
    import(dir.path(), "ics", &files, &[]);
    let first = stub(dir.path(), "2026-03-20 - Check-in: Kestrel Health");
    let second = stub(dir.path(), "2026-03-20 - Check-in: Kestrel Health (2)");
    assert_eq!(
        frontmatter(&first, "ics_uid").as_deref(),
        Some("\"first@fernwood.io\"")
    );
    assert_eq!(
        frontmatter(&second, "ics_uid").as_deref(),
        Some("\"second@fernwood.io\"")
    );
    // A second import finds both by their UIDs and changes nothing.
    let before = snapshot(dir.path());
    import(dir.path(), "ics", &files, &[]);
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );
}

#[test]
fn bad_events_and_others_are_reported() {
    let dir = vault();
    let out = stdout(&import(dir.path(), "ics", &calendar(), &[]));
    let expected = [
        "calendar.ics:80: warning: DTSTART: unknown TZID `Customized Time Zone`",
        "calendar.ics:88: error: DTSTART: invalid date-time `20261345T100000`",
        "calendar.ics:77: unmatched: `initech.example` matches no account",
        "9 rows read, updated 0 accounts, 0 created, 1 unmatched, 1 row rejected",
    ];
    for line in expected {
        assert!(out.contains(line), "missing `{line}` in:\n{out}");
    }
    assert!(
        !out.contains("Renewal forecast"),
        "internal meeting got a stub:\n{out}"
    );
    assert!(
        !out.contains("Cancelled sync"),
        "cancelled meeting got a stub:\n{out}"
    );
}

/// Builds a calendar whose bad properties come after folded lines and a nested alarm, with each
/// line ending in `eol`.
fn calendar_with_bad_properties(eol: &str) -> String {
    let lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "UID:folded@fernwood.io",
        "DESCRIPTION:A description that the calendar app",
        "  folded over",
        "  three lines",
        "DTSTART;TZID=Mars/Olympus:20260320T100000",
        "RRULE:FREQ=SOMETIMES",
        "EXDATE:2026031",
        "SUMMARY:Kestrel check-in",
        "ORGANIZER:mailto:maya.okafor@fernwood.io",
        "ATTENDEE:mailto:amara.osei@kestrelhealth.org",
        "SEQUENCE:-1",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:bad-start@fernwood.io",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:Reminder",
        "END:VALARM",
        "SUMMARY:Kestrel",
        "  sync",
        "dtstart;tzid=America/New_York:",
        " 20261345T100000",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:bad-override@fernwood.io",
        "DTSTART:20260320T150000Z",
        "",
        "DTEND:20260320T1530",
        "RECURRENCE-ID:2026-03-20",
        "END:VEVENT",
        "END:VCALENDAR",
    ];
    lines.map(|line| format!("{line}{eol}")).concat()
}

#[test]
fn property_errors_cite_their_line() {
    for eol in ["\r\n", "\n"] {
        let dir = vault();
        let path = dir.path().join("bad.ics");
        std::fs::write(&path, calendar_with_bad_properties(eol)).unwrap();
        let out = stdout(&import(
            dir.path(),
            "ics",
            &[path.display().to_string()],
            &[],
        ));
        let expected = [
            "bad.ics:8: warning: DTSTART: unknown TZID `Mars/Olympus`",
            "bad.ics:9: error: RRULE: invalid RRULE `FREQ=SOMETIMES`",
            "bad.ics:10: warning: EXDATE: invalid date-time `2026031`",
            "bad.ics:14: warning: SEQUENCE: invalid SEQUENCE `-1`, not a whole number of zero or \
             more; read as 0",
            "bad.ics:24: error: DTSTART: invalid date-time `20261345T100000`",
            "bad.ics:31: warning: DTEND: invalid date-time `20260320T1530`",
            "bad.ics:32: error: RECURRENCE-ID: invalid date-time `2026-03-20`",
        ];
        for line in expected {
            assert!(out.contains(line), "{eol:?}: missing `{line}` in:\n{out}");
        }
        // The messages come in line order, the RRULE error found while expanding included.
        let at: Vec<usize> = expected
            .iter()
            .map(|line| out.find(line).unwrap())
            .collect();
        assert!(at.is_sorted(), "{eol:?}: out of line order:\n{out}");
    }
}

/// Three evening meetings: 18:00 in Los Angeles on 10 March, 02:00 UTC on 12 March (19:00 in
/// Los Angeles the day before) and 23:00 floating on 13 March.
const EVENING_MEETINGS: &str = "BEGIN:VCALENDAR\r\n\
VERSION:2.0\r\n\
BEGIN:VEVENT\r\n\
UID:kestrel-evening@fernwood.io\r\n\
DTSTART;TZID=America/Los_Angeles:20260310T180000\r\n\
SUMMARY:Kestrel evening sync\r\n\
ORGANIZER:mailto:maya.okafor@fernwood.io\r\n\
ATTENDEE:mailto:amara.osei@kestrelhealth.org\r\n\
END:VEVENT\r\n\
BEGIN:VEVENT\r\n\
UID:borealis-late@fernwood.io\r\n\
DTSTART:20260312T020000Z\r\n\
SUMMARY:Borealis late check-in\r\n\
ORGANIZER:mailto:maya.okafor@fernwood.io\r\n\
ATTENDEE:mailto:priya.raman@borealis-freight.com\r\n\
END:VEVENT\r\n\
BEGIN:VEVENT\r\n\
UID:tidewater-floating@fernwood.io\r\n\
DTSTART:20260313T230000\r\n\
SUMMARY:Tidewater sync\r\n\
ORGANIZER:mailto:maya.okafor@fernwood.io\r\n\
ATTENDEE:mailto:lucia.fernandez@tidewaterbank.com\r\n\
END:VEVENT\r\n\
END:VCALENDAR\r\n";

/// Imports [`EVENING_MEETINGS`] into a vault whose `.dex.toml` starts with `settings`, on a
/// machine in `machine_zone`, and returns the Kestrel, Borealis and Tidewater stubs.
fn evening_meeting_stubs(settings: &str, machine_zone: &str) -> [String; 3] {
    let dir = vault();
    let config = dir.path().join(".dex.toml");
    let old = std::fs::read_to_string(&config).expect("read .dex.toml");
    std::fs::write(&config, format!("{settings}{old}")).expect("write .dex.toml");
    let calendar = dir.path().join("evening.ics");
    std::fs::write(&calendar, EVENING_MEETINGS).expect("write calendar");
    let output = import_in_zone(
        dir.path(),
        "ics",
        &[calendar.display().to_string()],
        machine_zone,
    );
    let out = stdout(&output);
    assert!(out.contains("3 notes created"), "{out}");
    ["Kestrel Health", "Borealis Freight", "Tidewater Bank"].map(|account| {
        let folder = dir.path().join(MEETINGS);
        let entries = std::fs::read_dir(&folder).expect("read meetings folder");
        let stub = entries
            .map(|entry| entry.expect("entry").path())
            .find(|path| {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                text.contains("ics_uid") && text.contains(account)
            })
            .unwrap_or_else(|| panic!("no stub for {account}:\n{out}"));
        let text = std::fs::read_to_string(&stub).expect("read stub");
        let date = frontmatter(&text, "date").expect("date");
        let name = stub
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(name.starts_with(&date), "{name} is not named by {date}");
        text
    })
}

/// Returns the `date:` of each stub.
fn dates(stubs: &[String; 3]) -> [String; 3] {
    stubs
        .each_ref()
        .map(|text| frontmatter(text, "date").expect("date"))
}

#[test]
fn meeting_date_without_configured_zone() {
    // The event's TZID for the first, the machine's zone for the UTC and floating times.
    let on_utc_machine = evening_meeting_stubs("", "UTC");
    assert_eq!(
        dates(&on_utc_machine),
        ["2026-03-10", "2026-03-12", "2026-03-13"]
    );
    assert!(
        on_utc_machine[0].contains("Kestrel evening sync, 18:00 (America/Los_Angeles)."),
        "{}",
        on_utc_machine[0]
    );
    let on_pacific_machine = evening_meeting_stubs("", "America/Los_Angeles");
    assert_eq!(
        dates(&on_pacific_machine),
        ["2026-03-10", "2026-03-11", "2026-03-13"]
    );
    assert!(
        on_pacific_machine[1].contains("Borealis late check-in, 19:00 (America/Los_Angeles)."),
        "{}",
        on_pacific_machine[1]
    );
    assert!(
        on_pacific_machine[2].contains("Tidewater sync, 23:00 (America/Los_Angeles)."),
        "{}",
        on_pacific_machine[2]
    );
}

#[test]
fn meeting_date_in_configured_zone() {
    // The vault's zone, whatever the machine's.
    let berlin = evening_meeting_stubs("timezone = \"Europe/Berlin\"\n", "America/Los_Angeles");
    assert_eq!(dates(&berlin), ["2026-03-11", "2026-03-12", "2026-03-13"]);
    assert!(
        berlin[0].contains("Kestrel evening sync, 02:00 (Europe/Berlin)."),
        "{}",
        berlin[0]
    );
    // `[import.ics] timezone` over the vault's zone.
    let both = "timezone = \"Europe/Berlin\"\n[import.ics]\ntimezone = \"America/Los_Angeles\"\n";
    assert_eq!(
        dates(&evening_meeting_stubs(both, "Asia/Tokyo")),
        ["2026-03-10", "2026-03-11", "2026-03-13"]
    );
}

#[test]
fn newer_sequence_updates_frontmatter_only() {
    let dir = vault();
    import(dir.path(), "ics", &calendar(), &[]);
    let path = dir
        .path()
        .join(MEETINGS)
        .join("2026-03-25 - QBR: Borealis Freight.md");
    let edited = std::fs::read_to_string(&path)
        .expect("stub")
        .replace("## Notes\n", "## Notes\n- Priya wants the Osaka numbers\n");
    std::fs::write(&path, &edited).expect("write stub");
    let before = snapshot(dir.path());
    import(dir.path(), "ics", &calendar(), &[]);
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );

    let newer = dir.path().join("newer.ics");
    let text = std::fs::read_to_string(fixture("ics/calendar.ics")).expect("fixture");
    let text = text.replacen("SEQUENCE:1\r\n", "SEQUENCE:2\r\n", 1).replace(
        "ATTENDEE;CN=Maya Okafor:mailto:maya.okafor@fernwood.io\r\n",
        "ATTENDEE;CN=Maya Okafor:mailto:maya.okafor@fernwood.io\r\nATTENDEE;CN=Ines Duarte:mailto:ines.duarte@borealis-freight.com\r\n",
    );
    std::fs::write(&newer, text).expect("write calendar");
    let output = import(dir.path(), "ics", &[newer.display().to_string()], &[]);
    let after = std::fs::read_to_string(&path).expect("stub");
    assert!(
        stdout(&output).contains("SEQUENCE 1 -> 2"),
        "{}",
        stdout(&output)
    );
    assert_eq!(frontmatter(&after, "ics_sequence").as_deref(), Some("2"));
    assert!(
        after.contains("\"Ines Duarte <ines.duarte@borealis-freight.com>\"]"),
        "{after}"
    );
    assert!(
        after.contains("- Priya wants the Osaka numbers\n"),
        "{after}"
    );
}

/// A meeting moved or cancelled after its stub was made: the stub's name and preparation item
/// are the user's text and stay, and the run reports what no longer matches.
#[test]
fn moved_and_cancelled_meetings_are_named() {
    let dir = vault();
    import(dir.path(), "ics", &calendar(), &[]);
    let stub_rel = format!("{MEETINGS}/2026-03-25 - QBR: Borealis Freight.md");
    let original = std::fs::read_to_string(fixture("ics/calendar.ics")).expect("fixture");
    let moved = original
        .replacen("SEQUENCE:1\r\n", "SEQUENCE:2\r\n", 1)
        .replace("Europe/Berlin:20260325T", "Europe/Berlin:20260326T");
    let cancelled = original.replacen("SEQUENCE:1\r\n", "SEQUENCE:2\r\nSTATUS:CANCELLED\r\n", 1);
    let out = stdout(&import_text(dir.path(), "ics", "moved.ics", &moved));
    let expected = format!(
        "moved.ics:13: warning: event qbr-borealis-2026q1@fernwood.io moved from 2026-03-25 to \
         2026-03-26; the note `{stub_rel}` gets the new date, and its name and any preparation \
         item keep the old one"
    );
    assert!(out.contains(&expected), "missing `{expected}` in:\n{out}");
    let stub = read(dir.path(), &stub_rel);
    assert_eq!(frontmatter(&stub, "date").as_deref(), Some("2026-03-26"));

    let out = stdout(&import_text(dir.path(), "ics", "cancelled.ics", &cancelled));
    let expected = format!(
        "cancelled.ics:13: warning: event qbr-borealis-2026q1@fernwood.io is cancelled, and its \
         note `{stub_rel}` stays"
    );
    assert!(out.contains(&expected), "missing `{expected}` in:\n{out}");
}

#[test]
fn csv_file_is_refused() {
    let dir = vault();
    let output = import(dir.path(), "ics", &[fixture("zendesk/tickets.csv")], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(import_common::stderr(&output).contains("not an iCalendar file"));
}
