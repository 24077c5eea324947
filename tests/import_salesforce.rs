//! `dex import salesforce` end to end: Account and Opportunity exports with API names and
//! labels, won and lost from `IsWon`/`IsClosed`, Excel quirks, and created accounts.

mod import_common;

use import_common::{block, changed, fixture, frontmatter, import, read, snapshot, stdout, vault};

fn exports() -> Vec<String> {
    ["opportunities.csv", "accounts.csv", "accounts_excel.csv"]
        .iter()
        .map(|f| fixture(&format!("salesforce/{f}")))
        .collect()
}

#[test]
fn account_fields_land_in_frontmatter() {
    let dir = vault();
    let output = import(dir.path(), "salesforce", &exports(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let overview = read(dir.path(), "Active/Accounts/Borealis_Freight/Overview.md");
    let expected = [
        ("salesforce_id", "0015g00000Borea1AAA"),
        ("arr", "250000"),
        ("renewal_date", "2026-09-30"),
        ("owner", "Dana Whitfield"),
        ("industry", "Transportation"),
        ("employees", "2400"),
        ("domain", "borealis-freight.com"),
        ("csm", "\"[[Maya Okafor]]\""),
    ];
    for (key, value) in expected {
        assert_eq!(frontmatter(&overview, key).as_deref(), Some(value), "{key}");
    }
    // `Kestrel Health Inc.` matches the Kestrel_Health folder; its renewal date comes from the
    // configured-by-default `Renewal_Date__c` column with an offset.
    let kestrel = read(dir.path(), "Active/Accounts/Kestrel_Health/Overview.md");
    assert_eq!(
        frontmatter(&kestrel, "renewal_date").as_deref(),
        Some("2026-06-30")
    );
    assert_eq!(frontmatter(&kestrel, "employees").as_deref(), Some("5100"));
    assert_eq!(frontmatter(&kestrel, "arr").as_deref(), Some("180000"));
}

#[test]
fn page_dates_never_pass_today() {
    // The vault's files were written just now, after the import's `--today 2026-03-15`.
    let dir = vault();
    import(dir.path(), "salesforce", &exports(), &[]);
    let health = read(dir.path(), "Active/Accounts/Borealis_Freight/Health.md");
    let pages = health
        .lines()
        .find(|l| l.starts_with("<!-- dex:pages "))
        .expect("a dex:pages record");
    let dates: Vec<&str> = pages
        .split_whitespace()
        .filter(|w| w.len() == 10 && w.as_bytes()[4] == b'-')
        .collect();
    assert!(!dates.is_empty(), "{pages}");
    assert!(dates.iter().all(|d| *d <= "2026-03-15"), "{pages}");
}

#[test]
fn utf16_account_page_is_left_unchanged() {
    let dir = vault();
    let rel = "Active/Accounts/Kestrel_Health/Overview.md";
    let text = read(dir.path(), rel);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(dir.path().join(rel), &utf16).unwrap();
    let output = import(dir.path(), "salesforce", &exports(), &[]);
    let out = stdout(&output);
    assert!(
        out.contains(&format!("{rel}: error: note is saved as UTF-16")),
        "{out}"
    );
    assert_eq!(std::fs::read(dir.path().join(rel)).unwrap(), utf16);
    assert_ne!(output.status.code(), Some(0), "{out}");
}

#[test]
fn opportunities_give_expansion_and_risks() {
    let dir = vault();
    import(dir.path(), "salesforce", &exports(), &[]);
    let borealis = read(dir.path(), "Active/Accounts/Borealis_Freight/Health.md");
    let salesforce = block(&borealis, "salesforce");
    assert!(
        salesforce.contains("## CRM (imported from Salesforce)"),
        "{salesforce}"
    );
    assert!(
        salesforce.contains("| 2026-03-15 | $250,000 | 2026-09-30 | 2 | $295,000 |"),
        "{salesforce}"
    );
    assert!(
        salesforce.contains("### Expansion\n- Warehouse pilot: $45,000, closes 2026-06-30 (Opportunity 0065g00000Opp002AAA)\n"),
        "{salesforce}"
    );
    // Closed won opportunities are not expansion items.
    assert!(!salesforce.contains("Osaka dashboards"), "{salesforce}");
    // The stage is named "Closed Won" but IsWon is 0, so the renewal is lost.
    let tidewater = read(dir.path(), "Active/Accounts/Tidewater_Bank/Health.md");
    assert!(
        block(&tidewater, "salesforce").contains(
            "### Risks\n- 2026-03-01 Renewal opportunity Tidewater renewal FY26 closed lost (Opportunity 0065g00000Opp004AAA) #risk/not-renewing\n"
        ),
        "{tidewater}"
    );
}

#[test]
fn excel_quirks_are_read_and_reported() {
    let dir = vault();
    let out = stdout(&import(dir.path(), "salesforce", &exports(), &[]));
    let expected = [
        "accounts.csv:5: error: Id: row has no Account Id; row skipped",
        "accounts.csv:6: warning: NumberOfEmployees: invalid number `twelve hundred`",
        "accounts_excel.csv: note: read as windows-1252",
        "accounts_excel.csv: note: columns are separated by `;`",
        "opportunities.csv:1: warning: Stage: duplicate column `Stage` (columns 5 and 11); using column 5",
        "opportunities.csv:7: error: Close Date: invalid date `13/45/2026`",
        "opportunities.csv:8: error: Closed: invalid boolean `maybe`",
        "accounts_excel.csv:3: unmatched: `Café Lumière` matches no account",
        "dex import salesforce: 14 rows read, updated 4 accounts, 0 created, 2 unmatched, 3 rows rejected",
    ];
    for line in expected {
        assert!(out.contains(line), "missing `{line}` in:\n{out}");
    }
    // The report footer is not a row.
    assert!(!out.contains("Confidential"), "{out}");
    let orbital = read(dir.path(), "Active/Accounts/Orbital_Foods/Overview.md");
    assert_eq!(
        frontmatter(&orbital, "industry").as_deref(),
        Some("Food & Beverage")
    );
}

#[test]
fn create_accounts_adds_pages_once() {
    let dir = vault();
    let output = import(dir.path(), "salesforce", &exports(), &["--create-accounts"]);
    let out = stdout(&output);
    assert!(out.contains("4 accounts, 2 created, 0 unmatched"), "{out}");
    let folder = "Active/Accounts/Café_Lumière";
    for page in [
        "Overview.md",
        "Health.md",
        "Stakeholders.md",
        "Success_Plan.md",
    ] {
        assert!(dir.path().join(folder).join(page).is_file(), "{page}");
    }
    let overview = read(dir.path(), &format!("{folder}/Overview.md"));
    assert!(overview.contains("# Café Lumière"), "{overview}");
    assert_eq!(frontmatter(&overview, "arr").as_deref(), Some("1200.50"));
    let before = snapshot(dir.path());
    let again = import(dir.path(), "salesforce", &exports(), &["--create-accounts"]);
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );
    assert!(stdout(&again).contains("0 created"), "{}", stdout(&again));
}

/// A name too long for a file name gets a shortened folder, a name with nothing a folder can be
/// made from stays unmatched, and the rows after them still create their accounts.
#[test]
fn created_accounts_from_long_and_unusable_names() {
    let dir = vault();
    let long = format!("Very {} Co", "Long".repeat(80));
    let export = dir.path().join("names.csv");
    std::fs::write(
        &export,
        format!("Id,Name\n001X00000000001,{long}\n001X00000000002,///\n001X00000000003,Gamma Co\n"),
    )
    .unwrap();
    let files = [export.display().to_string()];

    let output = import(dir.path(), "salesforce", &files, &["--create-accounts"]);
    let out = stdout(&output);
    assert!(
        out.contains("3 rows read, updated 0 accounts, 2 created, 1 unmatched"),
        "{out}"
    );
    assert!(
        out.contains("names.csv:3: unmatched: `///` matches no account and the row gives no name that an account folder can be made from"),
        "{out}"
    );
    assert!(
        dir.path()
            .join("Active/Accounts/Gamma_Co/Overview.md")
            .is_file()
    );

    // Rows with an id and a name alone add no empty row to the history table.
    assert!(!out.contains("no values"), "{out}");
    let health = read(dir.path(), "Active/Accounts/Gamma_Co/Health.md");
    assert!(
        !block(&health, "salesforce").contains("| 2026-03-15 |"),
        "{health}"
    );

    let folders: Vec<String> = std::fs::read_dir(dir.path().join("Active/Accounts"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("Very_Long"))
        .collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
    assert!(folders[0].len() <= 120, "{}", folders[0]);
}

#[test]
fn dry_run_counts_accounts_it_would_create() {
    let dir = vault();
    let before = snapshot(dir.path());
    let output = import(
        dir.path(),
        "salesforce",
        &exports(),
        &["--create-accounts", "--dry-run"],
    );
    let out = stdout(&output);
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );
    assert!(
        out.contains(
            "dex import salesforce (dry run, nothing written): 14 rows read, would update 4 \
             accounts, would create 2 accounts, 0 unmatched, 3 rows rejected"
        ),
        "{out}"
    );
    assert!(!out.contains(" created"), "{out}");
}

/// Accounts whose names need more than ASCII, none of them in the example vault.
const ACCENTED_NAMES: [&str; 4] = [
    "Café Lumière",
    "Zoë Ström",
    "Müller Maschinenbau",
    "São Paulo Têxteis",
];

/// Builds an Account export with one row per name in [`ACCENTED_NAMES`], from line 2 on.
fn accented_accounts() -> String {
    let rows = ACCENTED_NAMES
        .iter()
        .enumerate()
        .map(|(index, name)| format!("0015g00000Acc{index}0AAA,{name},Retail\n"));
    std::iter::once("Id,Name,Industry\n".to_string())
        .chain(rows)
        .collect()
}

/// Saves `bytes` as `accounts.csv` in a copy of the example vault, imports it and returns the
/// output.
fn import_accounts(bytes: &[u8]) -> String {
    let dir = vault();
    let path = dir.path().join("accounts.csv");
    std::fs::write(&path, bytes).expect("write accounts.csv");
    stdout(&import(
        dir.path(),
        "salesforce",
        &[path.display().to_string()],
        &[],
    ))
}

fn assert_names_read(out: &str) {
    for name in ACCENTED_NAMES {
        assert!(
            out.contains(&format!(": unmatched: `{name}` matches no account")),
            "missing `{name}` in:\n{out}"
        );
    }
}

/// Returns `text` as UTF-8 except that each `ü` is the Windows-1252 byte 0xFC.
fn with_stray_1252_byte(text: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (index, part) in text.split('ü').enumerate() {
        if index > 0 {
            bytes.push(0xFC);
        }
        bytes.extend_from_slice(part.as_bytes());
    }
    bytes
}

#[test]
fn stray_1252_byte_in_utf8_export() {
    let text = accented_accounts();
    let lf = with_stray_1252_byte(&text);
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), &lf].concat();
    let crlf = with_stray_1252_byte(&text.replace('\n', "\r\n"));
    for (case, bytes) in [("LF", lf), ("BOM", with_bom), ("CRLF", crlf)] {
        let out = import_accounts(&bytes);
        assert_names_read(&out);
        assert!(
            out.contains(
                "accounts.csv:4: warning: Name: invalid UTF-8 `M\\xFCller Maschinenbau`; read as \
                 Windows-1252 `Müller Maschinenbau`"
            ),
            "{case}: {out}"
        );
        assert!(!out.contains("read as windows-1252"), "{case}: {out}");
        assert_eq!(out.matches("invalid UTF-8").count(), 1, "{case}: {out}");
    }
}

#[test]
fn stray_1252_byte_before_utf8_text() {
    // The stray byte is on line 2 and the UTF-8 names come after 90 KB of blank rows, past the
    // part of the file read first.
    let text = accented_accounts();
    let (header, rows) = text.split_once('\n').unwrap();
    let (mueller, others): (Vec<&str>, Vec<&str>) =
        rows.lines().partition(|row| row.contains("Müller"));
    let reordered = format!(
        "{header}\n{}\n{}{}\n",
        mueller[0],
        ",,\n".repeat(30_000),
        others.join("\n")
    );
    let out = import_accounts(&with_stray_1252_byte(&reordered));
    assert_names_read(&out);
    assert!(
        out.contains("accounts.csv:2: warning: Name: invalid UTF-8 `M\\xFCller Maschinenbau`"),
        "{out}"
    );
    assert!(!out.contains("read as windows-1252"), "{out}");
}

#[test]
fn utf16_exports_in_both_byte_orders() {
    let text = accented_accounts();
    let units: Vec<u16> = text.encode_utf16().collect();
    let little: Vec<u8> = units.iter().flat_map(|unit| unit.to_le_bytes()).collect();
    let big: Vec<u8> = units.iter().flat_map(|unit| unit.to_be_bytes()).collect();
    let cases = [
        ("UTF-16LE", [b"\xFF\xFE".as_slice(), &little].concat()),
        ("UTF-16BE", [b"\xFE\xFF".as_slice(), &big].concat()),
        ("UTF-16LE", little),
        ("UTF-16BE", big),
    ];
    for (encoding, bytes) in cases {
        let out = import_accounts(&bytes);
        assert_names_read(&out);
        assert!(
            out.contains(&format!("accounts.csv: note: read as {encoding}")),
            "{out}"
        );
        assert!(!out.contains("invalid UTF-8"), "{out}");
    }
}

#[test]
fn second_import_changes_no_byte() {
    let dir = vault();
    import(dir.path(), "salesforce", &exports(), &[]);
    let before = snapshot(dir.path());
    import(dir.path(), "salesforce", &exports(), &[]);
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );
}

#[test]
fn zendesk_file_is_refused() {
    let dir = vault();
    let output = import(
        dir.path(),
        "salesforce",
        &[fixture("zendesk/tickets.csv")],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    let err = import_common::stderr(&output);
    // The ticket export has an `Id` column, so only the others are named as missing.
    assert!(
        err.contains(
            "not a Salesforce Account or Opportunity export: an Account export is missing Name \
             (Account Name), an Opportunity export CloseDate (Close Date), IsClosed (Closed) and \
             IsWon (Won);"
        ),
        "{err}"
    );
}

#[test]
fn conflicting_block_keeps_the_overview_too() {
    let dir = vault();
    import(
        dir.path(),
        "salesforce",
        &[fixture("salesforce/accounts.csv")],
        &[],
    );
    let health_rel = "Active/Accounts/Borealis_Freight/Health.md";
    let overview_rel = "Active/Accounts/Borealis_Freight/Overview.md";
    let edited =
        read(dir.path(), health_rel).replace("| 2026-03-15 | $250,000 |", "| 2026-03-15 | $999 |");
    std::fs::write(dir.path().join(health_rel), &edited).unwrap();
    let overview = read(dir.path(), overview_rel);
    let exports = tempfile::tempdir().unwrap();
    let newer = exports.path().join("accounts_newer.csv");
    std::fs::write(
        &newer,
        "Id,Name,ARR__c\n0015g00000Borea1AAA,Borealis Freight,\"$300,000.00\"\n",
    )
    .unwrap();
    let newer = vec![newer.display().to_string()];

    let output = import_common::import_on(dir.path(), "salesforce", &newer, "2026-03-20", &[]);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains("Health.md: conflict: the salesforce block (line 25) was edited by hand"),
        "{out}"
    );
    assert_eq!(read(dir.path(), health_rel), edited);
    assert_eq!(read(dir.path(), overview_rel), overview);

    let output =
        import_common::import_on(dir.path(), "salesforce", &newer, "2026-03-20", &["--force"]);
    let out = stdout(&output);
    assert_eq!(
        frontmatter(&read(dir.path(), overview_rel), "arr").as_deref(),
        Some("300000"),
        "{out}"
    );
    let health = read(dir.path(), health_rel);
    assert!(
        block(&health, "salesforce").contains("| 2026-03-20 | $300,000 |"),
        "{health}"
    );
}

#[test]
fn report_export_headers_in_messages() {
    // A report export writes labels such as `Close Date` and `Closed` for the API's `CloseDate`
    // and `IsClosed`. Messages name the column as the file writes it.
    let dir = vault();
    let accounts = dir.path().join("accounts report.csv");
    std::fs::write(
        &accounts,
        "Account ID,Account Name,Employees\n0015g00000Kes01AAA,Kestrel Health,a few\n",
    )
    .expect("write the accounts report");
    let opportunities = dir.path().join("opportunities report.csv");
    std::fs::write(
        &opportunities,
        "Opportunity ID,Opportunity Name,Account Name,Close Date,Closed,Won,Amount (converted)\n\
         0065g00000Opp01AAA,Kestrel expansion,Kestrel Health,2026-31-12,false,false,$10k\n\
         0065g00000Opp02AAA,Kestrel renewal,Kestrel Health,2026-06-30,sometimes,false,$90k\n\
         0065g00000Opp03AAA,Kestrel seats,Kestrel Health,2026-07-30,false,false,many\n",
    )
    .expect("write the opportunities report");

    let files = [accounts, opportunities].map(|path| path.display().to_string());
    let out = stdout(&import(dir.path(), "salesforce", &files, &[]));

    let expected = [
        "accounts report.csv:2: warning: Employees: invalid number `a few`",
        "opportunities report.csv:2: error: Close Date: invalid date `2026-31-12`",
        "opportunities report.csv:3: error: Closed: invalid boolean `sometimes`",
        "opportunities report.csv:4: warning: Amount (converted): invalid amount `many`",
    ];
    for line in expected {
        assert!(out.contains(line), "missing `{line}` in:\n{out}");
    }
    for api_name in ["CloseDate", "IsClosed", "NumberOfEmployees"] {
        assert!(!out.contains(api_name), "`{api_name}` in:\n{out}");
    }
}

/// Two Account rows for one account: the later row's values are used, with a warning naming
/// both rows.
#[test]
fn second_account_row_for_an_account_is_named() {
    let dir = vault();
    let export = dir.path().join("twice.csv");
    std::fs::write(
        &export,
        "Id,Name,Industry\n001X00000000001,Tidewater Bank,Banking\n001X00000000002,TIDEWATER BANK,Finance\n",
    )
    .unwrap();
    let output = import(
        dir.path(),
        "salesforce",
        &[export.display().to_string()],
        &[],
    );
    let out = stdout(&output);
    let expected = "twice.csv:3: warning: this row is for Active/Accounts/Tidewater_Bank, as the \
                    row on line 2 is; its values replace that row's";
    assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    let overview = read(dir.path(), "Active/Accounts/Tidewater_Bank/Overview.md");
    assert_eq!(
        frontmatter(&overview, "industry").as_deref(),
        Some("Finance")
    );
}

/// A property the user changed after an import stays theirs while the export still gives the
/// value that import set. A newer value in the export replaces it.
#[test]
fn edited_property_kept_until_export_changes() {
    let dir = vault();
    let overview_rel = "Active/Accounts/Borealis_Freight/Overview.md";
    import(dir.path(), "salesforce", &exports(), &[]);
    let overview = read(dir.path(), overview_rel);
    assert_eq!(
        frontmatter(&overview, "industry").as_deref(),
        Some("Transportation")
    );
    let edited = overview.replace("industry: Transportation", "industry: Freight & Rail");
    std::fs::write(dir.path().join(overview_rel), &edited).unwrap();

    let output = import_common::import_on(dir.path(), "salesforce", &exports(), "2026-03-20", &[]);
    let out = stdout(&output);
    assert_eq!(read(dir.path(), overview_rel), edited, "{out}");
    let kept = format!(
        "{overview_rel}: note: industry: kept `Freight & Rail`, written by hand after the last \
         import set `Transportation`, since the export still gives that value"
    );
    assert!(out.contains(&kept), "missing `{kept}` in:\n{out}");
    let before = snapshot(dir.path());
    import_common::import_on(dir.path(), "salesforce", &exports(), "2026-03-21", &[]);
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );

    let newer = dir.path().join("newer.csv");
    std::fs::write(
        &newer,
        "Id,Name,Industry\n0015g00000Borea1AAA,Borealis Freight,Logistics\n",
    )
    .unwrap();
    import_common::import_on(
        dir.path(),
        "salesforce",
        &[newer.display().to_string()],
        "2026-03-22",
        &[],
    );
    let overview = read(dir.path(), overview_rel);
    assert_eq!(
        frontmatter(&overview, "industry").as_deref(),
        Some("Logistics")
    );
}

/// A hand edit stays over an imported value that holds a backtick or `<!--` too, which the
/// block records as character references.
#[test]
fn edited_value_with_code_marks_kept() {
    let dir = vault();
    let overview_rel = "Active/Accounts/Borealis_Freight/Overview.md";
    let export = dir.path().join("marks.csv");
    std::fs::write(
        &export,
        "Id,Name,Industry\n0015g00000Borea1AAA,Borealis Freight,Uses `code` <!-- x\n",
    )
    .unwrap();
    let files = [export.display().to_string()];
    import(dir.path(), "salesforce", &files, &[]);
    let overview = read(dir.path(), overview_rel);
    let imported = frontmatter(&overview, "industry").unwrap();
    let edited = overview.replace(&format!("industry: {imported}"), "industry: Freight");
    assert_ne!(edited, overview);
    std::fs::write(dir.path().join(overview_rel), &edited).unwrap();
    import_common::import_on(dir.path(), "salesforce", &files, "2026-03-20", &[]);
    assert_eq!(read(dir.path(), overview_rel), edited);
}

/// The one-cell lines that end a report export (its name, copyright, who generated it, the
/// organization's name) are not rows, and the first one that is not a known footer is noted.
#[test]
fn report_title_and_footer_lines_are_not_rows() {
    let dir = vault();
    let export = dir.path().join("report.csv");
    std::fs::write(
        &export,
        "\"Account ID\",\"Account Name\",\"Industry\"\n\
         \"0015g00000Borea1AAA\",\"Borealis Freight\",\"Logistics\"\n\
         \n\
         \"Key accounts\"\n\
         \"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\n\
         \"Confidential Information - Do Not Distribute\"\n\
         \"Generated By:  Maya Okafor  3/15/2026 10:00 AM\"\n\
         \"Fernwood Inc.\"\n",
    )
    .unwrap();
    let output = import(
        dir.path(),
        "salesforce",
        &[export.display().to_string()],
        &[],
    );
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(out.contains("1 row read"), "{out}");
    assert!(!out.contains(": unmatched:"), "{out}");
    let note = "report.csv:4: note: this line has one cell, so it and any later one-cell line are \
                read as the report's title or footer and left out";
    assert!(out.contains(note), "missing `{note}` in:\n{out}");
}
