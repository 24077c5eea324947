//! `dex import pendo` end to end: account and visitor lists, adoption, and a usage drop
//! against the account's own earlier imports.

mod import_common;

use import_common::{
    block, changed, fixture, import, import_on, import_text, read, snapshot, stdout, vault,
};

#[test]
fn newer_export_adds_a_row_and_a_drop() {
    let dir = vault();
    let february = [fixture("pendo/accounts_2026-02-15.csv")];
    import_on(dir.path(), "pendo", &february, "2026-02-15", &[]);
    let march = [
        fixture("pendo/accounts_2026-03-15.csv"),
        fixture("pendo/visitors.csv"),
    ];
    let output = import(dir.path(), "pendo", &march, &[]);
    let out = stdout(&output);
    let health = read(dir.path(), "Active/Accounts/Borealis_Freight/Health.md");
    let pendo = block(&health, "pendo");
    assert!(
        pendo.contains("| Date | WAU | Days active | Adoption |"),
        "{pendo}"
    );
    assert!(pendo.contains("| 2026-02-15 | 30 | 24 | 75% |"), "{pendo}");
    assert!(pendo.contains("| 2026-03-15 | 12 | 11 | 30% |"), "{pendo}");
    assert!(
        pendo.contains(
            "- 2026-03-15 Usage drop: 12 weekly active users, down 60% from a baseline of 30 (2026-02-15) #risk/usage-drop"
        ),
        "{pendo}"
    );
    // Northwind grew: a new row, no signal.
    let northwind = read(dir.path(), "Active/Accounts/Northwind_Labs/Health.md");
    assert!(block(&northwind, "pendo").contains("| 2026-03-15 | 19 | 21 | 76% |"));
    assert!(!block(&northwind, "pendo").contains("### Risks"));
    assert!(
        out.contains("pendo block: added row 2026-03-15: WAU 12, Days active 11, Adoption 30%"),
        "{out}"
    );
    assert!(
        out.contains("accounts_2026-03-15.csv:6: warning: Days Active: invalid number `lots`"),
        "{out}"
    );
    assert!(
        out.contains("visitors.csv:5: unmatched: `guest@gmail.com`"),
        "{out}"
    );
}

#[test]
fn visitor_list_sums_per_account() {
    let dir = vault();
    let output = import(dir.path(), "pendo", &[fixture("pendo/visitors.csv")], &[]);
    let out = stdout(&output);
    assert!(
        out.contains("visitors.csv: note: columns are separated by `;`"),
        "{out}"
    );
    // Two of three Kestrel visitors came in the last 7 days; the most active had 14 days.
    let kestrel = read(dir.path(), "Active/Accounts/Kestrel_Health/Health.md");
    assert!(
        block(&kestrel, "pendo").contains("| 2026-03-15 | 2 | 14 | 67% |"),
        "{kestrel}"
    );
}

#[test]
fn visitor_last_visits_in_zone_and_invalid() {
    let dir = vault();
    let out = stdout(&import_text(
        dir.path(),
        "pendo",
        "visitors.csv",
        "Visitor ID;Account ID;Email;Days Active;Last Visit\n\
         v-1;KH;a@kestrelhealth.org;5;2026-03-14 16:00:00\n\
         v-2;KH;b@kestrelhealth.org;4;2026-02-30 09:00:00\n\
         v-3;KH;c@kestrelhealth.org;2;yesterday\n\
         v-4;KH;d@kestrelhealth.org;1;2026-03-08T23:30:00-08:00\n",
    ));
    let expected = [
        "visitors.csv:3: warning: Last Visit: invalid date and time `2026-02-30 09:00:00`",
        "visitors.csv:4: warning: Last Visit: invalid date and time `yesterday`",
    ];
    for line in expected {
        assert!(out.contains(line), "missing `{line}` in:\n{out}");
    }
    // v-4's visit is 2026-03-09 07:30 in UTC, six days before the import: recent.
    let kestrel = read(dir.path(), "Active/Accounts/Kestrel_Health/Health.md");
    assert!(
        block(&kestrel, "pendo").contains("| 2026-03-15 | 2 | 5 | 50% |"),
        "{kestrel}"
    );
}

#[test]
fn second_import_changes_no_byte() {
    let dir = vault();
    let files = [fixture("pendo/accounts_2026-03-15.csv")];
    import(dir.path(), "pendo", &files, &[]);
    let before = snapshot(dir.path());
    import_on(dir.path(), "pendo", &files, "2026-03-16", &[]);
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );
}

#[test]
fn missing_active_users_stay_empty() {
    let dir = vault();
    let february = [fixture("pendo/accounts_2026-02-15.csv")];
    import_on(dir.path(), "pendo", &february, "2026-02-15", &[]);
    let out = stdout(&import_text(
        dir.path(),
        "pendo",
        "accounts.csv",
        "Account Name,Days Active,Adoption\nBorealis Freight,9,40%\n",
    ));
    assert!(
        out.contains("accounts.csv: warning: no active visitors column"),
        "{out}"
    );
    let health = read(dir.path(), "Active/Accounts/Borealis_Freight/Health.md");
    let pendo = block(&health, "pendo");
    assert!(pendo.contains("| 2026-02-15 | 30 | 24 | 75% |"), "{pendo}");
    assert!(pendo.contains("| 2026-03-15 |  | 9 |  |"), "{pendo}");
    // An unknown count is not a drop from 30 to 0.
    assert!(!pendo.contains("Usage drop"), "{pendo}");
}
