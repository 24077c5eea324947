//! `dex import zendesk` end to end: mapping, matching, bad input, idempotence, kept user text,
//! conflicting edits, dry runs and a refused file.

mod import_common;

use import_common::{
    block, changed, fixture, frontmatter, import, import_text, read, snapshot, stdout, vault,
};

const BOREALIS_HEALTH: &str = "Active/Accounts/Borealis_Freight/Health.md";

fn tickets() -> Vec<String> {
    vec![fixture("zendesk/tickets.csv")]
}

#[test]
fn ticket_counts_per_account() {
    let dir = vault();
    let output = import(dir.path(), "zendesk", &tickets(), &[]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    let borealis = read(dir.path(), BOREALIS_HEALTH);
    let zendesk = block(&borealis, "zendesk");
    assert!(
        zendesk.contains("## Support (imported from Zendesk)"),
        "{zendesk}"
    );
    assert!(
        zendesk.contains("| Date | Open tickets | Urgent tickets | Reopens | Bad ratings | CSAT |"),
        "{zendesk}"
    );
    assert!(
        zendesk.contains("| 2026-03-15 | 5 | 9 | 1 | 2 | 50% |"),
        "{zendesk}"
    );
    assert!(
        zendesk.contains(
            "- 2026-03-15 Support spike: 9 urgent or high tickets in the last 30 days, up from 2 \
             (tickets 4512, 4519, 4523, 4527, 4531, 4536, 4540, 4544, 4548) #risk/escalation"
        ),
        "{zendesk}"
    );
    assert!(
        zendesk.contains("Imported from tickets.csv on 2026-03-15 by dex import zendesk."),
        "{zendesk}"
    );
    let overview = read(dir.path(), "Active/Accounts/Borealis_Freight/Overview.md");
    assert_eq!(
        frontmatter(&overview, "zendesk_org").as_deref(),
        Some("Borealis Freight")
    );

    // Matched by requester domain only, and by an upper-case name with a trailing dot.
    let kestrel = read(dir.path(), "Active/Accounts/Kestrel_Health/Health.md");
    assert!(block(&kestrel, "zendesk").contains("| 2026-03-15 | 1 | 0 | 2 | 0 | 50% |"));
    let tidewater = read(dir.path(), "Active/Accounts/Tidewater_Bank/Health.md");
    assert!(block(&tidewater, "zendesk").contains("| 2026-03-15 | 1 | 1 | 0 | 0 |  |"));
    assert!(!block(&kestrel, "zendesk").contains("### Risks"));

    assert!(
        out.contains("tickets.csv:17: unmatched: `Globex Shipping` matches no account"),
        "{out}"
    );
    assert!(out.ends_with(
        "dex import zendesk: 20 rows read, updated 3 accounts, 0 created, 1 unmatched, 3 rows rejected\n"
    ), "{out}");
}

#[test]
fn bad_rows_are_named_and_the_rest_imports() {
    let dir = vault();
    let out = stdout(&import(dir.path(), "zendesk", &tickets(), &[]));
    let expected = [
        "tickets.csv:18: error: Created at: invalid date and time `2026-02-31 10:00:00`",
        "tickets.csv:19: warning: Id: ticket 4512 appears again; the first row for it is used",
        "tickets.csv:20: warning: row has 8 fields but the header has 16",
        "tickets.csv:21: error: Id: row has no ticket id; row skipped",
        "tickets.csv:22: warning: Reopens: invalid number `two`; reopens not counted",
    ];
    for line in expected {
        assert!(out.contains(line), "missing `{line}` in:\n{out}");
    }
}

#[test]
fn second_import_changes_no_byte() {
    let dir = vault();
    import(dir.path(), "zendesk", &tickets(), &[]);
    let before = snapshot(dir.path());
    let output = import(dir.path(), "zendesk", &tickets(), &[]);
    let after = snapshot(dir.path());
    assert_eq!(changed(&before, &after), Vec::<std::path::PathBuf>::new());
    assert!(
        stdout(&output).contains("updated 0 accounts"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn user_text_outside_the_block_is_kept() {
    let dir = vault();
    let original = read(dir.path(), BOREALIS_HEALTH);
    import(dir.path(), "zendesk", &tickets(), &[]);
    let after = read(dir.path(), BOREALIS_HEALTH);
    assert!(after.starts_with(&original), "the note's own text changed");
    let overview_before = std::fs::read_to_string(import_common::fixture(
        "../../../examples/vault/Active/Accounts/Borealis_Freight/Overview.md",
    ))
    .unwrap();
    let overview = read(dir.path(), "Active/Accounts/Borealis_Freight/Overview.md");
    let added = "zendesk_org: Borealis Freight\n---\n";
    assert_eq!(
        overview,
        overview_before.replacen(
            "tags: [renewal, expansion]\n---\n",
            &format!("tags: [renewal, expansion]\n{added}"),
            1
        )
    );
}

#[test]
fn crlf_and_bom_notes_keep_their_bytes() {
    let dir = vault();
    let path = dir.path().join("Active/Accounts/Kestrel_Health/Health.md");
    let crlf = format!(
        "\u{feff}{}",
        std::fs::read_to_string(&path)
            .unwrap()
            .replace('\n', "\r\n")
    );
    std::fs::write(&path, &crlf).unwrap();
    import(dir.path(), "zendesk", &tickets(), &[]);
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.starts_with(&crlf));
    let added = &after[crlf.len()..];
    assert!(
        added.starts_with("\r\n<!-- dex:begin zendesk sha256="),
        "{added:?}"
    );
    assert_eq!(
        added.matches('\n').count(),
        added.matches("\r\n").count(),
        "{added:?}"
    );
}

/// Imports the tickets, then changes a count in Borealis Freight's zendesk block by hand and
/// returns the edited note.
fn import_and_edit_block(vault: &std::path::Path) -> String {
    import(vault, "zendesk", &tickets(), &[]);
    let path = vault.join(BOREALIS_HEALTH);
    let edited = std::fs::read_to_string(&path)
        .expect("read Health.md")
        .replace("| 2026-03-15 | 5 | 9 |", "| 2026-03-15 | 5 | 7 |");
    std::fs::write(&path, &edited).expect("write Health.md");
    edited
}

#[test]
fn edited_block_is_left_alone_unless_forced() {
    let dir = vault();
    let edited = import_and_edit_block(dir.path());
    let path = dir.path().join(BOREALIS_HEALTH);
    let output = import_common::import_on(dir.path(), "zendesk", &tickets(), "2026-03-20", &[]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        out.contains("Active/Accounts/Borealis_Freight/Health.md: conflict: the zendesk block (line 25) was edited by hand"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);

    let output = import_common::import_on(
        dir.path(),
        "zendesk",
        &tickets(),
        "2026-03-20",
        &["--force"],
    );
    let forced = std::fs::read_to_string(&path).unwrap();
    assert!(
        stdout(&output).contains("replaced the hand-edited zendesk block"),
        "{}",
        stdout(&output)
    );
    assert!(import_common::block(&forced, "zendesk").contains("| 2026-03-20 |"));
}

/// A table that a formatter realigned is not a hand edit: the next import updates the block.
#[test]
fn realigned_table_is_not_a_conflict() {
    let dir = vault();
    import(dir.path(), "zendesk", &tickets(), &[]);
    let path = dir.path().join(BOREALIS_HEALTH);
    let text = std::fs::read_to_string(&path).unwrap();
    let realigned: String = text
        .lines()
        .map(|line| {
            if line.starts_with("| ") {
                // Pad every cell and write separators as a formatter aligns them.
                line.replace(" | ", "   |   ")
                    .replace("| --- ", "|:-------")
            } else {
                line.to_string()
            }
        })
        .map(|line| line + "\n")
        .collect();
    assert_ne!(realigned, text);
    std::fs::write(&path, &realigned).unwrap();
    let output = import_common::import_on(dir.path(), "zendesk", &tickets(), "2026-03-20", &[]);
    let out = stdout(&output);
    assert!(!out.contains("conflict"), "{out}");
    let updated = std::fs::read_to_string(&path).unwrap();
    assert!(
        import_common::block(&updated, "zendesk").contains("| 2026-03-20 |"),
        "{updated}"
    );
}

/// Markers that do not make one block (one deleted, a block pasted twice) leave the note alone,
/// even with `--force`, since the text between them may be the user's.
#[test]
fn unpaired_markers_are_a_conflict_even_when_forced() {
    let dir = vault();
    import(dir.path(), "zendesk", &tickets(), &[]);
    let path = dir.path().join(BOREALIS_HEALTH);
    let imported = std::fs::read_to_string(&path).unwrap();
    let block = import_common::block(&imported, "zendesk");
    let without_end = imported.replace("<!-- dex:end zendesk -->\n", "## My notes\n- keep me\n");
    let pasted_twice = format!("{imported}\n{block}");
    let cases = [
        (
            without_end,
            "the begin marker of its zendesk block on line 25 has no end marker",
        ),
        (
            pasted_twice,
            "it has 2 begin markers (lines 25, 42) of the zendesk block and 2 end markers",
        ),
    ];
    for (text, problem) in cases {
        std::fs::write(&path, &text).unwrap();
        for extra in [&[][..], &["--force"][..]] {
            let output =
                import_common::import_on(dir.path(), "zendesk", &tickets(), "2026-03-20", extra);
            let out = stdout(&output);
            assert_eq!(output.status.code(), Some(1), "{out}");
            let expected = format!("Borealis_Freight/Health.md: conflict: {problem}");
            assert!(out.contains(&expected), "missing `{expected}` in:\n{out}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        }
    }
}

/// A `Health.md` that is a symbolic link is written where it points, and stays a link.
#[cfg(unix)]
#[test]
fn linked_note_is_written_through_its_link() {
    let dir = vault();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("Borealis Health.md");
    let link = dir.path().join(BOREALIS_HEALTH);
    std::fs::rename(&link, &target).unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    import(dir.path(), "zendesk", &tickets(), &[]);
    assert!(link.is_symlink());
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(import_common::block(&written, "zendesk").contains("| 2026-03-15 |"));
}

/// A `Health.md` that is a link to nowhere cannot be read, so its account is left alone as a
/// whole, Overview included.
#[cfg(unix)]
#[test]
fn broken_link_leaves_its_account_alone() {
    let dir = vault();
    let link = dir.path().join(BOREALIS_HEALTH);
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(dir.path().join("nowhere.md"), &link).unwrap();
    let overview = "Active/Accounts/Borealis_Freight/Overview.md";
    let before = read(dir.path(), overview);
    let output = import(dir.path(), "zendesk", &tickets(), &[]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains(&format!("{BOREALIS_HEALTH}: error: ")),
        "{out}"
    );
    assert_eq!(read(dir.path(), overview), before, "{out}");
    assert!(link.is_symlink());
}

/// A note the import creates gets the permissions any new file gets under the umask.
#[cfg(unix)]
#[test]
fn created_notes_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = vault();
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode();
    let reference = dir.path().join("reference.txt");
    std::fs::write(&reference, "").unwrap();
    let health = dir.path().join("Active/Accounts/Kestrel_Health/Health.md");
    std::fs::remove_file(&health).unwrap();
    import(dir.path(), "zendesk", &tickets(), &[]);
    assert_eq!(mode(&health), mode(&reference));
}

#[test]
fn dry_run_prints_a_diff_and_writes_nothing() {
    let dir = vault();
    let before = snapshot(dir.path());
    let output = import(dir.path(), "zendesk", &tickets(), &["--dry-run"]);
    let out = stdout(&output);
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );
    assert!(
        out.contains("--- a/Active/Accounts/Borealis_Freight/Health.md"),
        "{out}"
    );
    assert!(
        out.contains("+++ b/Active/Accounts/Borealis_Freight/Health.md"),
        "{out}"
    );
    assert!(out.contains("+<!-- dex:end zendesk -->"), "{out}");
    assert!(
        out.ends_with(
            "dex import zendesk (dry run, nothing written): 20 rows read, would update 3 accounts, \
             would create 0 accounts, 1 unmatched, 3 rows rejected\n"
        ),
        "{out}"
    );
}

#[test]
fn dry_run_json_is_marked() {
    let dir = vault();
    let before = snapshot(dir.path());
    let output = import(
        dir.path(),
        "zendesk",
        &tickets(),
        &["--dry-run", "--format", "json"],
    );
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["summary"]["accounts_updated"], 3);

    let written = import(dir.path(), "zendesk", &tickets(), &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&written.stdout).unwrap();
    assert_eq!(report["dry_run"], false);
}

#[test]
fn dry_run_names_blocks_it_would_leave() {
    let dir = vault();
    import_and_edit_block(dir.path());
    let output = import_common::import_on(
        dir.path(),
        "zendesk",
        &tickets(),
        "2026-03-20",
        &["--dry-run"],
    );
    let out = stdout(&output);
    assert!(
        out.ends_with(", would leave 1 edited block alone\n"),
        "{out}"
    );
    assert!(!out.contains("left alone\n"), "{out}");
}

#[test]
fn file_of_another_source_is_refused() {
    let dir = vault();
    let before = snapshot(dir.path());
    let output = import(
        dir.path(),
        "zendesk",
        &[fixture("salesforce/accounts.csv")],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    let err = import_common::stderr(&output);
    assert!(
        err.contains("not a Zendesk ticket export: missing columns Status, Created at"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );
}

#[test]
fn json_report_has_the_summary() {
    let dir = vault();
    let output = import(dir.path(), "zendesk", &tickets(), &["--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["rows_read"], 20);
    assert_eq!(report["summary"]["rows_rejected"], 3);
    assert_eq!(report["summary"]["accounts_updated"], 3);
    assert_eq!(report["unmatched"][0]["account"], "Globex Shipping");
    assert_eq!(report["unmatched"][0]["line"], 17);
}

#[test]
fn intercom_conversations_per_account() {
    let dir = vault();
    let files = [fixture("intercom/conversations.csv")];
    let output = import(dir.path(), "intercom", &files, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let northwind = read(dir.path(), "Active/Accounts/Northwind_Labs/Health.md");
    let intercom = block(&northwind, "intercom");
    assert!(
        intercom.contains("## Support (imported from Intercom)"),
        "{intercom}"
    );
    // Open and snoozed are open; "priority" is urgent; a rating of 1 is bad, 4 and 5 good.
    assert!(
        intercom.contains("| 2026-03-15 | 2 | 1 | 0 | 1 | 67% |"),
        "{intercom}"
    );
    let overview = read(dir.path(), "Active/Accounts/Northwind_Labs/Overview.md");
    assert_eq!(frontmatter(&overview, "zendesk_org"), None);
}

#[test]
fn intercom_messages_name_intercom_headers() {
    let dir = vault();
    let out = stdout(&import_text(
        dir.path(),
        "intercom",
        "conversations.csv",
        "Conversation ID,Company name,State,Priority,Conversation started at,Times reopened\n\
         215001,Northwind Labs,open,priority,2026-03-12 10:00:00,0\n\
         215x02,Northwind Labs,open,priority,2026-03-12 11:00:00,0\n\
         215003,Northwind Labs,open,priority,2026-03-32 10:00:00,0\n\
         215004,Northwind Labs,open,priority,2026-03-13 10:00:00,twice\n",
    ));
    let expected = [
        "conversations.csv:3: error: Conversation ID: invalid ticket id `215x02`",
        "conversations.csv:4: error: Conversation started at: invalid date and time `2026-03-32 \
         10:00:00`",
        "conversations.csv:5: warning: Times reopened: invalid number `twice`",
    ];
    for line in expected {
        assert!(out.contains(line), "missing `{line}` in:\n{out}");
    }
}

#[test]
fn refusals_name_each_source_with_its_columns() {
    let dir = vault();
    let cases = [
        (
            "intercom",
            "not an Intercom conversations export: missing columns Conversation ID, \
             Conversation state, Conversation started at, one of Company name, Requester domain, \
             User email; the file's columns start with Ticket, Owner.",
        ),
        (
            "zendesk",
            "not a Zendesk ticket export: missing columns Id, Status, Created at, one of \
             Organization, Requester domain, Requester email; the file's columns start with \
             Ticket, Owner.",
        ),
    ];
    for (source, expected) in cases {
        let output = import_text(dir.path(), source, "export.csv", "Ticket,Owner\n1,Ann\n");
        assert_eq!(output.status.code(), Some(2));
        let err = import_common::stderr(&output);
        assert!(err.contains(expected), "{source}: {err}");
    }
}

#[test]
fn date_messages_say_what_is_accepted() {
    let dir = vault();
    let out = stdout(&import_text(
        dir.path(),
        "zendesk",
        "tickets.csv",
        "Id,Status,Created at,Organization\n\
         1,Open,,Borealis Freight\n\
         2,Open,13/04/2026 10:00,Borealis Freight\n\
         3,Open,in a week,Borealis Freight\n\
         4,Open,3/4/2026,Borealis Freight\n",
    ));
    let expected = [
        "tickets.csv:2: error: Created at: missing date and time: the cell is empty; row skipped",
        "tickets.csv:3: error: Created at: invalid date and time `13/04/2026 10:00`; expected a \
         date such as 2026-03-14, 03/14/2026 or 14.03.2026, optionally with a time such as \
         10:30, 10:30:15 or 10:30 PM and then Z, UTC or (after a YYYY-MM-DD date) an offset \
         such as -05:00; with date_order = \"dmy\" under [import.zendesk] in .dex.toml it reads \
         as 2026-04-13; row skipped",
        "tickets.csv:4: error: Created at: invalid date and time `in a week`; expected a date \
         such as 2026-03-14, 03/14/2026 or 14.03.2026, optionally with a time such as 10:30, \
         10:30:15 or 10:30 PM and then Z, UTC or (after a YYYY-MM-DD date) an offset such as \
         -05:00; row skipped",
    ];
    for line in expected {
        assert!(out.contains(line), "missing `{line}` in:\n{out}");
    }
    assert!(!out.contains("tickets.csv:5:"), "{out}");
    assert!(out.contains(": 4 rows read"), "{out}");
}

#[test]
fn dmy_setting_reads_day_first_dates() {
    let dir = vault();
    std::fs::write(
        dir.path().join(".dex.toml"),
        format!(
            "{}\n[import.zendesk]\ndate_order = \"dmy\"\n",
            read(dir.path(), ".dex.toml")
        ),
    )
    .expect("write .dex.toml");
    let out = stdout(&import_text(
        dir.path(),
        "zendesk",
        "tickets.csv",
        "Id,Status,Created at,Organization\n\
         1,Open,13/03/2026 10:00,Borealis Freight\n\
         2,Open,03/13/2026,Borealis Freight\n",
    ));
    assert!(!out.contains("tickets.csv:2:"), "{out}");
    assert!(
        out.contains(
            "tickets.csv:3: error: Created at: invalid date and time `03/13/2026`; expected a date \
             such as 2026-03-14, 14/03/2026 or 14.03.2026"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "with date_order = \"mdy\" under [import.zendesk] in .dex.toml it reads as 2026-03-13"
        ),
        "{out}"
    );
}
