//! `dex import gainsight` and `dex import churnzero` end to end: company exports saved by Excel
//! as UTF-16 text, money in three notations, and scores converted to one scale and direction.

mod import_common;

use import_common::{
    block, changed, fixture, frontmatter, import, import_text, read, snapshot, stdout, vault,
};

#[test]
fn gainsight_values_per_key() {
    let dir = vault();
    let output = import(
        dir.path(),
        "gainsight",
        &[fixture("gainsight/companies.txt")],
        &[],
    );
    let out = stdout(&output);
    let overview = read(dir.path(), "Active/Accounts/Borealis_Freight/Overview.md");
    let expected = [
        ("gainsight_id", "1P02Q7ZC0VRWEXAMPLE1"),
        ("arr", "240000"),
        ("mrr", "20000"),
        ("renewal_date", "2026-09-30"),
        ("csm", "\"[[Maya Okafor]]\""),
        ("stage", "Adoption"),
        ("status", "Active"),
        ("health_score", "62"),
        ("health_score_previous", "71"),
        ("account_nps", "32"),
    ];
    for (key, value) in expected {
        assert_eq!(frontmatter(&overview, key).as_deref(), Some(value), "{key}");
    }
    // The company's NPS (-100 to 100) is not read as one 0 to 10 response.
    let checked = import_common::check(dir.path());
    assert!(!checked.contains("invalid-health-value"), "{checked}");
    let northwind = read(dir.path(), "Active/Accounts/Northwind_Labs/Overview.md");
    assert_eq!(
        frontmatter(&northwind, "mrr").as_deref(),
        Some("10000"),
        "45k-style amount"
    );
    let orbital = read(dir.path(), "Active/Accounts/Orbital_Foods/Overview.md");
    assert_eq!(
        frontmatter(&orbital, "mrr").as_deref(),
        Some("7916.67"),
        "1.200,50 € amount"
    );
    assert_eq!(frontmatter(&orbital, "health_score"), None);

    let health = read(dir.path(), "Active/Accounts/Borealis_Freight/Health.md");
    let gainsight = block(&health, "gainsight");
    assert!(
        gainsight.contains("## Customer success (imported from Gainsight)"),
        "{gainsight}"
    );
    assert!(
        gainsight
            .contains("| 2026-03-15 | $240,000 | $20,000 | 62 | 71 | 32 | Adoption | Active |"),
        "{gainsight}"
    );
    assert!(
        out.contains("companies.txt: note: read as UTF-16LE"),
        "{out}"
    );
    assert!(
        out.contains("companies.txt: note: columns are separated by tab"),
        "{out}"
    );
    assert!(
        out.contains("companies.txt:4: warning: Current Score: invalid number `n/a`"),
        "{out}"
    );
    assert!(
        out.contains("companies.txt:5: unmatched: `Initech Robotics`"),
        "{out}"
    );
}

#[test]
fn churnzero_scores_flip_direction() {
    let dir = vault();
    let config = dir.path().join(".dex.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[import.churnzero]\nhigher_is_healthier = false\n");
    std::fs::write(&config, text).unwrap();
    let output = import(
        dir.path(),
        "churnzero",
        &[fixture("churnzero/accounts.csv")],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    // `TWB` is an alias of Tidewater Bank; a ChurnScore of 80 (lower is healthier) is 20.
    let tidewater = read(dir.path(), "Active/Accounts/Tidewater_Bank/Overview.md");
    assert_eq!(
        frontmatter(&tidewater, "health_score").as_deref(),
        Some("20")
    );
    assert_eq!(
        frontmatter(&tidewater, "health_score_previous").as_deref(),
        Some("45")
    );
    assert_eq!(
        frontmatter(&tidewater, "account_nps").as_deref(),
        Some("-12")
    );
    assert_eq!(
        frontmatter(&tidewater, "status").as_deref(),
        Some("At Risk")
    );
    assert_eq!(frontmatter(&tidewater, "gainsight_id"), None);
    let health = read(dir.path(), "Active/Accounts/Tidewater_Bank/Health.md");
    assert!(block(&health, "churnzero").contains("where lower is healthier"));
}

#[test]
fn invalid_setting_names_key_and_value() {
    let dir = vault();
    let config = dir.path().join(".dex.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[import.gainsight]\nscore_scale = \"ten\"\n");
    std::fs::write(&config, text).unwrap();
    let output = import(
        dir.path(),
        "gainsight",
        &[fixture("gainsight/companies.txt")],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    let err = import_common::stderr(&output);
    assert!(
        err.contains("import.gainsight.score_scale: invalid value `\"ten\"`"),
        "{err}"
    );
}

#[test]
fn second_import_changes_no_byte() {
    let dir = vault();
    let files = [fixture("gainsight/companies.txt")];
    import(dir.path(), "gainsight", &files, &[]);
    let before = snapshot(dir.path());
    import(dir.path(), "gainsight", &files, &[]);
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<std::path::PathBuf>::new()
    );
}

#[test]
fn out_of_range_values_left_out() {
    let dir = vault();
    let output = import_text(
        dir.path(),
        "gainsight",
        "companies.csv",
        "Company Name,ARR,MRR,Current Score,Previous Score,NPS\n\
         Tidewater Bank,$310000,-5,101,-3,130\n\
         Kestrel Health,$180000,15000,88,70,45\n",
    );
    let out = stdout(&output);
    let expected = [
        "companies.csv:2: warning: MRR: negative amount `-5`; left out",
        "companies.csv:2: warning: Current Score: value `101` is outside the 0 to 100 scale",
        "companies.csv:2: warning: Previous Score: value `-3` is outside the 0 to 100 scale",
        "companies.csv:2: warning: NPS: value `130` is outside -100 to 100",
    ];
    for line in expected {
        assert!(out.contains(line), "missing `{line}` in:\n{out}");
    }
    assert!(!out.contains("companies.csv:3:"), "{out}");

    let tidewater = read(dir.path(), "Active/Accounts/Tidewater_Bank/Overview.md");
    assert_eq!(frontmatter(&tidewater, "arr").as_deref(), Some("310000"));
    for key in ["mrr", "health_score", "health_score_previous"] {
        assert_eq!(frontmatter(&tidewater, key), None, "{key}");
    }
    let kestrel = read(dir.path(), "Active/Accounts/Kestrel_Health/Overview.md");
    assert_eq!(frontmatter(&kestrel, "account_nps").as_deref(), Some("45"));
    assert_eq!(frontmatter(&kestrel, "health_score").as_deref(), Some("88"));
}

#[test]
fn aliases_of_utf16_and_bom_pages_match() {
    let dir = vault();
    // Tidewater's Overview in UTF-16, Kestrel's in UTF-8 with a byte-order mark and an alias.
    let tidewater = "Active/Accounts/Tidewater_Bank/Overview.md";
    let text = read(dir.path(), tidewater);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(dir.path().join(tidewater), &utf16).unwrap();
    let kestrel = "Active/Accounts/Kestrel_Health/Overview.md";
    let text = read(dir.path(), kestrel).replacen("aliases: [", "aliases: [KHX, ", 1);
    std::fs::write(dir.path().join(kestrel), format!("\u{feff}{text}")).unwrap();

    let export = "Company Name,ARR\nTWB,100\nKHX,200\n";
    let out = stdout(&import_text(
        dir.path(),
        "gainsight",
        "companies.csv",
        export,
    ));

    // Both rows find their accounts by alias. The UTF-16 page is named, not created anew.
    assert!(
        out.contains(&format!("{tidewater}: error: note is saved as UTF-16")),
        "{out}"
    );
    assert!(out.contains("0 unmatched"), "{out}");
    assert_eq!(std::fs::read(dir.path().join(tidewater)).unwrap(), utf16);
    // The account's Health.md is left as it was too, since its block would record properties
    // that the Overview does not have.
    let health = "Active/Accounts/Tidewater_Bank/Health.md";
    assert!(!read(dir.path(), health).contains("dex:begin gainsight"));
    assert!(!out.contains(&format!("updated {health}")), "{out}");

    let kestrel_bytes = std::fs::read(dir.path().join(kestrel)).unwrap();
    assert!(
        kestrel_bytes.starts_with("\u{feff}".as_bytes()),
        "the BOM stays"
    );
    let kestrel_text = read(dir.path(), kestrel);
    let kestrel_text = kestrel_text.trim_start_matches('\u{feff}');
    assert_eq!(frontmatter(kestrel_text, "arr").as_deref(), Some("200"));
}

/// Two accounts whose names differ only in case, punctuation or a legal suffix: a row that
/// spells one of them exactly finds it, and any other spelling is an error naming both, not a
/// guess.
#[test]
fn shared_name_matches_exact_spelling_only() {
    let dir = vault();
    for (folder, title) in [
        ("Acme_Corp", "Acme Corp"),
        ("ACME_Corp_Inc", "ACME Corp Inc"),
    ] {
        let path = dir.path().join("Active/Accounts").join(folder);
        std::fs::create_dir_all(&path).unwrap();
        std::fs::write(path.join("Overview.md"), format!("# {title}\n")).unwrap();
    }
    let output = import_text(
        dir.path(),
        "gainsight",
        "shared.csv",
        "Name,ARR\nAcme Corp,1000\nacme-corp,2000\n",
    );
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    let acme = read(dir.path(), "Active/Accounts/Acme_Corp/Overview.md");
    assert_eq!(frontmatter(&acme, "arr").as_deref(), Some("1000"), "{out}");
    let inc = read(dir.path(), "Active/Accounts/ACME_Corp_Inc/Overview.md");
    assert_eq!(frontmatter(&inc, "arr"), None, "{out}");
    let expected = "shared.csv:3: error: `acme-corp` could be any of 2 accounts \
                    (Active/Accounts/ACME_Corp_Inc, Active/Accounts/Acme_Corp), so its rows were \
                    left out";
    assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
}

/// Two rows for one account: the later row's values are used, with a warning naming both rows.
#[test]
fn second_row_for_an_account_is_named() {
    let dir = vault();
    let output = import_text(
        dir.path(),
        "gainsight",
        "twice.csv",
        "Name,ARR\nTidewater Bank,1000\nBorealis Freight,5000\nTIDEWATER BANK,2000\n",
    );
    let out = stdout(&output);
    let expected = "twice.csv:4: warning: this row is for Active/Accounts/Tidewater_Bank, as the \
                    row on line 2 is; its values replace that row's";
    assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    let overview = read(dir.path(), "Active/Accounts/Tidewater_Bank/Overview.md");
    assert_eq!(frontmatter(&overview, "arr").as_deref(), Some("2000"));
}

/// A row is found by its GSID first, then by its Salesforce id, before its name: a GSID that no
/// account has yet falls through to the Salesforce id.
#[test]
fn ids_match_in_order_before_names() {
    let dir = vault();
    for (folder, frontmatter) in [
        (
            "Acme_Corp",
            "gainsight_id: 1P02ACME\nsalesforce_id: 0015g00000ACME1AAA",
        ),
        ("Globex", "salesforce_id: 0015g00000GLOBXAAA"),
    ] {
        let path = dir.path().join("Active/Accounts").join(folder);
        std::fs::create_dir_all(&path).unwrap();
        let text = format!("---\n{frontmatter}\n---\n# {}\n", folder.replace('_', " "));
        std::fs::write(path.join("Overview.md"), text).unwrap();
    }
    let output = import_text(
        dir.path(),
        "gainsight",
        "ids.csv",
        "GSID,SFDC Account ID,Name,ARR\n\
         1P02acme,0015g00000GLOBXAAA,Globex,1000\n\
         1P02NEW,0015g00000GLOBXAAA,Acme Corp,2000\n\
         1P02OTHER,,Globex,3000\n",
    );
    let out = stdout(&output);
    let acme = read(dir.path(), "Active/Accounts/Acme_Corp/Overview.md");
    assert_eq!(frontmatter(&acme, "arr").as_deref(), Some("1000"), "{out}");
    let globex = read(dir.path(), "Active/Accounts/Globex/Overview.md");
    assert_eq!(
        frontmatter(&globex, "arr").as_deref(),
        Some("3000"),
        "{out}"
    );
    let expected = "ids.csv:4: warning: this row is for Active/Accounts/Globex, as the row on \
                    line 3 is; its values replace that row's";
    assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
}
