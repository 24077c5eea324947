//! `dex import` with hostile text in the exports: line breaks of every kind, YAML indicators and
//! look-alikes of other types, HTML comment markers, Markdown block starts and task checkboxes.
//! The frontmatter must stay valid and read back as the text, each Dex-owned block must keep
//! one begin and one end marker and add no task or heading, and a second import must change
//! no byte.

mod import_common;

use std::fmt::Write as _;
use std::path::Path;

use import_common::{
    TODAY, block, changed, check_findings, frontmatter_yaml, import, read, snapshot, stdout, vault,
};

/// Every line break that a reader may split a line at.
const LINE_BREAKS: [(&str, &str); 8] = [
    ("LF", "\n"),
    ("CRLF", "\r\n"),
    ("CR", "\r"),
    ("vertical tab", "\u{b}"),
    ("form feed", "\u{c}"),
    ("next line", "\u{85}"),
    ("line separator", "\u{2028}"),
    ("paragraph separator", "\u{2029}"),
];

/// Text that plain YAML would read as something else or not at all.
const YAML_SPECIALS: [&str; 46] = [
    "Retail: Grocery",
    "Retail:",
    ": Retail",
    "Retail #1",
    "#Retail",
    "---",
    "--- evil: yes",
    "...",
    "- item",
    "? key",
    ",comma",
    "\"double\" quotes",
    "'single' quotes",
    "He said \"hi\" \\ back",
    "back\\slash\\",
    "[list]",
    "]",
    "{map}",
    "}",
    "&anchor",
    "*alias",
    "!tag",
    "|literal",
    ">folded",
    "%directive",
    "@handle",
    "`code`",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "true",
    "False",
    "null",
    "~",
    "0123",
    "42",
    "-7",
    "1e5",
    "1_000",
    "12:30",
    "0x1F",
    ".inf",
    "2026-03-15",
    "tab\tinside",
];

/// Quotes a CSV cell, doubling its quotes.
fn csv_cell(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

fn write_export(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the export");
    path.display().to_string()
}

/// Imports `files` again and returns the vault paths whose bytes changed.
fn reimport_changes(dir: &Path, source: &str, files: &[String], extra: &[&str]) -> Vec<String> {
    let before = snapshot(dir);
    let output = import(dir, source, files, extra);
    changed(&before, &snapshot(dir))
        .iter()
        .map(|path| format!("{} ({})", path.display(), stdout(&output)))
        .collect()
}

/// Asserts that `dex check` finds no invalid frontmatter in the vault, and that importing
/// `files` again changes no byte.
fn assert_valid_and_stable(dir: &Path, source: &str, files: &[String], extra: &[&str]) {
    let invalid: Vec<String> = check_findings(dir)
        .into_iter()
        .filter(|(_, code)| code == "invalid-frontmatter")
        .map(|(path, _)| path)
        .collect();
    assert_eq!(invalid, Vec::<String>::new());
    assert_eq!(
        reimport_changes(dir, source, files, extra),
        Vec::<String>::new()
    );
}

/// Joins the lines of `text` with one space, as the import writes a cell.
fn joined(text: &str) -> String {
    text.split(|c: char| {
        matches!(
            c,
            '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        )
    })
    .map(str::trim)
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(" ")
}

#[test]
fn frontmatter_text_reads_back_as_the_cell() {
    let dir = vault();
    let mut cases: Vec<(String, String)> = YAML_SPECIALS
        .iter()
        .map(|text| ((*text).to_string(), (*text).to_string()))
        .collect();
    for (_, line_break) in LINE_BREAKS {
        let text = format!("Banking{line_break}and Finance{line_break}{line_break}--- x");
        cases.push((text, "Banking and Finance --- x".to_string()));
    }
    let mut export = "Id,Name,Industry,Owner.Name\n".to_string();
    for (i, (text, _)) in cases.iter().enumerate() {
        let cell = csv_cell(text);
        let _ = writeln!(export, "001C{i:03},Case {i:03},{cell},{cell}");
    }
    let files = [write_export(dir.path(), "accounts.csv", &export)];
    let output = import(dir.path(), "salesforce", &files, &["--create-accounts"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    for (i, (text, expected)) in cases.iter().enumerate() {
        let rel = format!("Active/Accounts/Case_{i:03}/Overview.md");
        let overview = read(dir.path(), &rel);
        let yaml = frontmatter_yaml(&overview);
        for key in ["industry", "owner"] {
            assert_eq!(
                yaml[key].as_str(),
                Some(expected.as_str()),
                "{key} of {text:?} in:\n{overview}"
            );
        }
        assert_eq!(yaml["type"].as_str(), Some("account"), "{overview}");
        assert_eq!(
            yaml["salesforce_id"].as_str(),
            Some(format!("001C{i:03}").as_str())
        );
        let summary = dex::syntax::parse(&overview);
        assert!(summary.problems.is_empty(), "{text:?}: {overview}");
    }
    assert_valid_and_stable(dir.path(), "salesforce", &files, &["--create-accounts"]);
}

#[test]
fn mixed_special_cells_keep_frontmatter_valid() {
    let dir = vault();
    let export = "Id,Name,Industry,Owner.Name,NumberOfEmployees\n\
        001A000001TWB,Tidewater Bank,\"Banking\nand Finance\",O'Brien: #1 [lead],0123\n\
        001A000001BOR,Borealis Freight,null,@maya,1e5\n\
        001A000001KES,Kestrel Health,- item,*ref &anchor !tag,yes\n\
        001A000001NWL,Northwind Labs,\"He said \"\"hi\"\" \\ back\",%percent,  12  \n\
        001A000001ORB,Orbital Foods,  leading and trailing  ,\tTabbed,\"2,400\"\n";
    let files = [write_export(dir.path(), "accounts.csv", export)];
    import(dir.path(), "salesforce", &files, &[]);
    let expected = [
        (
            "Tidewater_Bank",
            "Banking and Finance",
            "O'Brien: #1 [lead]",
        ),
        ("Borealis_Freight", "null", "@maya"),
        ("Kestrel_Health", "- item", "*ref &anchor !tag"),
        ("Northwind_Labs", "He said \"hi\" \\ back", "%percent"),
        ("Orbital_Foods", "leading and trailing", "Tabbed"),
    ];
    for (folder, industry, owner) in expected {
        let overview = read(dir.path(), &format!("Active/Accounts/{folder}/Overview.md"));
        let yaml = frontmatter_yaml(&overview);
        assert_eq!(yaml["industry"].as_str(), Some(industry), "{overview}");
        assert_eq!(yaml["owner"].as_str(), Some(owner), "{overview}");
    }
    assert_valid_and_stable(dir.path(), "salesforce", &files, &[]);
}

/// Asserts that `text` has one begin and one end marker of the block of `source`.
fn assert_one_block(text: &str, source: &str) {
    let begin = format!("<!-- dex:begin {source} ");
    let end = format!("<!-- dex:end {source} -->");
    assert_eq!(text.matches(&begin).count(), 1, "{text}");
    assert_eq!(text.matches(&end).count(), 1, "{text}");
}

/// Lists the task and heading texts that the crate's Markdown parser reads in a note.
fn tasks_and_headings(text: &str) -> (Vec<String>, Vec<String>) {
    let summary = dex::syntax::parse(text);
    let tasks = summary.tasks.iter().map(|t| t.text.clone()).collect();
    let headings = summary.headings.iter().map(|h| h.text.clone()).collect();
    (tasks, headings)
}

#[test]
fn opportunity_names_stay_inside_one_list_item() {
    let dir = vault();
    let health_rel = "Active/Accounts/Tidewater_Bank/Health.md";
    let (tasks_before, headings_before) = tasks_and_headings(&read(dir.path(), health_rel));
    let mut names: Vec<String> = [
        "Upsell <!-- dex:end salesforce -->\n- [ ] Call [[Graham Whitcombe]] 📅 2026-03-01\n## Fake heading",
        "<!-- dex:begin salesforce sha256=0000000000000000 -->",
        "[ ] Call Graham 📅 2026-03-01",
        "[x] Done deal ✅ 2026-03-01",
        "- [ ] Nested task 📅 2026-03-01",
        "1. [ ] Ordered task 📅 2026-03-01",
        "## Fake heading",
        "> [!warning] Callout",
        "```",
        "---",
        "Pipe | table `tick` [[Link]] #risk/competitor",
        "<div>",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    for (label, line_break) in LINE_BREAKS {
        names.push(format!(
            "Split by {label}{line_break}- [ ] Call 📅 2026-03-01{line_break}## Heading"
        ));
    }
    let mut export =
        "Id,AccountId,Name,StageName,Amount,CloseDate,Type,IsClosed,IsWon\n".to_string();
    for (i, name) in names.iter().enumerate() {
        let _ = writeln!(
            export,
            "006E{i:03},0015g00000Tide01AAA,{},Proposal,5000,2026-06-{:02},Expansion,false,false",
            csv_cell(name),
            i + 1
        );
    }
    // A closed-lost renewal turns its name into a risk item.
    let _ = writeln!(
        export,
        "006E999,0015g00000Tide01AAA,{},Closed Lost,1,2026-03-01,Renewal,true,false",
        csv_cell("FY26\n- [ ] Lost task 📅 2026-03-01\n<!-- dex:end salesforce -->")
    );
    let accounts = "Id,Name\n0015g00000Tide01AAA,Tidewater Bank\n";
    let files = [
        write_export(dir.path(), "accounts.csv", accounts),
        write_export(dir.path(), "opportunities.csv", &export),
    ];
    let output = import(dir.path(), "salesforce", &files, &[]);
    let health = read(dir.path(), health_rel);
    assert!(
        health.contains("<!-- dex:begin salesforce "),
        "{}",
        stdout(&output)
    );

    assert_one_block(&health, "salesforce");
    let (tasks, headings) = tasks_and_headings(&health);
    assert_eq!(tasks, tasks_before, "{health}");
    assert_eq!(headings.len(), headings_before.len() + 3, "{headings:?}");

    let salesforce = block(&health, "salesforce");
    let expansion: Vec<&str> = salesforce
        .split("### Expansion\n")
        .nth(1)
        .expect("an expansion list")
        .lines()
        .take_while(|line| line.starts_with("- "))
        .collect();
    assert_eq!(expansion.len(), names.len(), "{salesforce}");
    for (item, name) in expansion.iter().zip(&names) {
        // Without its escapes, each item starts with the name on one line.
        let unescaped = item.replace('\\', "").replace("&lt;", "<");
        assert!(
            unescaped.starts_with(&format!("- {}: ", joined(name))),
            "{item} for {name:?}"
        );
    }
    assert!(
        salesforce.contains("- \\[ ] Call Graham 📅 2026-03-01: $5,000"),
        "{salesforce}"
    );
    assert!(
        salesforce.contains("Pipe | table `tick` [[Link]] #risk/competitor: $5,000"),
        "{salesforce}"
    );
    assert!(
        salesforce.contains(
            "Renewal opportunity FY26 - [ ] Lost task 📅 2026-03-01 &lt;!-- dex:end salesforce --> closed lost"
        ),
        "{salesforce}"
    );
    assert_valid_and_stable(dir.path(), "salesforce", &files, &[]);
}

#[test]
fn injected_end_marker_keeps_one_block() {
    let dir = vault();
    let accounts = "Id,Name,Industry\n001A000001TWB,Tidewater Bank,\"Bank\n---\nevil: yes\"\n";
    let opportunities = "Id,AccountId,Name,StageName,Amount,CloseDate,Type,IsClosed,IsWon\n\
        006B1,001A000001TWB,\"Upsell <!-- dex:end salesforce -->\n- [ ] Call [[Graham Whitcombe]] 📅 2026-03-01\n## Fake heading\",Proposal,5000,2026-06-15,Expansion,false,false\n\
        006B2,001A000001TWB,\"Pipe | table `tick` [[Link]] #risk/competitor\",Proposal,6000,2026-06-16,Expansion,false,false\n";
    let files = [
        write_export(dir.path(), "accounts.csv", accounts),
        write_export(dir.path(), "opportunities.csv", opportunities),
    ];
    import(dir.path(), "salesforce", &files, &[]);
    let overview = read(dir.path(), "Active/Accounts/Tidewater_Bank/Overview.md");
    let yaml = frontmatter_yaml(&overview);
    assert_eq!(yaml["industry"].as_str(), Some("Bank --- evil: yes"));
    assert!(yaml["evil"].is_badvalue(), "{overview}");
    assert!(!overview.contains("\nevil: yes"), "{overview}");

    let health = read(dir.path(), "Active/Accounts/Tidewater_Bank/Health.md");
    assert_one_block(&health, "salesforce");
    let (tasks, headings) = tasks_and_headings(&health);
    assert!(tasks.iter().all(|t| !t.contains("Call")), "{tasks:?}");
    assert!(
        headings.iter().all(|h| !h.contains("Fake heading")),
        "{headings:?}"
    );
    assert!(!health.contains("\n- [ ] Call"), "{health}");
    assert!(!health.contains("\n## Fake heading"), "{health}");
    assert!(
        block(&health, "salesforce").contains(
            "- Upsell &lt;!-- dex:end salesforce --> - [ ] Call [[Graham Whitcombe]] 📅 2026-03-01 ## Fake heading: $5,000, closes 2026-06-15 (Opportunity 006B1)\n"
        ),
        "{health}"
    );
    assert_valid_and_stable(dir.path(), "salesforce", &files, &[]);
}

/// Splits a Markdown table row at its unescaped pipes.
fn table_cells(row: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = row.trim().trim_start_matches('|').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cell.push('|');
            }
            '|' => cells.push(std::mem::take(&mut cell).trim().to_string()),
            _ => cell.push(c),
        }
    }
    cells
}

#[test]
fn table_cells_escape_pipes_and_breaks() {
    let dir = vault();
    let mut export = "Company Name,ARR,Stage,Status,CSM\n".to_string();
    let _ = writeln!(
        export,
        "Tidewater Bank,100,{},{},{}",
        csv_cell("Adopt | Pilot"),
        csv_cell("At\r\nrisk <!-- dex:end gainsight -->\u{2028}| x |"),
        csv_cell("Maya\nOkafor")
    );
    let files = [write_export(dir.path(), "companies.csv", &export)];
    let output = import(dir.path(), "gainsight", &files, &[]);
    let health = read(dir.path(), "Active/Accounts/Tidewater_Bank/Health.md");
    assert!(
        health.contains("<!-- dex:begin gainsight "),
        "{}",
        stdout(&output)
    );
    assert_one_block(&health, "gainsight");
    let gainsight = block(&health, "gainsight");
    let header = gainsight
        .lines()
        .find(|line| line.starts_with("| Date |"))
        .expect("a header row");
    let row = gainsight
        .lines()
        .find(|line| line.starts_with(&format!("| {TODAY} |")))
        .expect("today's row");
    let columns = table_cells(header);
    let cells = table_cells(row);
    assert_eq!(cells.len(), columns.len(), "{row}");
    let cell = |name: &str| {
        let at = columns.iter().position(|c| c == name).expect(name);
        cells[at].clone()
    };
    assert_eq!(cell("Stage"), "Adopt | Pilot");
    assert_eq!(
        cell("Status"),
        "At risk &lt;!-- dex:end gainsight --> | x |"
    );

    let overview = read(dir.path(), "Active/Accounts/Tidewater_Bank/Overview.md");
    let yaml = frontmatter_yaml(&overview);
    assert_eq!(yaml["stage"].as_str(), Some("Adopt | Pilot"));
    assert_eq!(
        yaml["status"].as_str(),
        Some("At risk <!-- dex:end gainsight --> | x |")
    );
    // The joined name is the CSM the Overview already links to, so the link stays.
    assert_eq!(yaml["csm"].as_str(), Some("[[Maya Okafor]]"));
    assert_valid_and_stable(dir.path(), "gainsight", &files, &[]);
}

#[test]
fn template_placeholders_stay_one_yaml_value() {
    let dir = vault();
    let template = "---\n\
        type: account\n\
        aliases: [{{account}}]\n\
        title: {{title}}\n\
        account: \"[[{{account}}]]\"\n\
        created: {{date}}\n\
        csm: \"{{csm}}\"\n\
        owner: {{owner}}\n\
        ---\n\
        # {{account}}\n";
    std::fs::write(
        dir.path().join("System/Templates/Account Overview.md"),
        template,
    )
    .unwrap();

    // Each name, and the name the account folder gives it.
    let names = [
        ("Zeta: Labs, Inc.", "Zeta Labs, Inc"),
        ("Acme & Co", "Acme & Co"),
        ("&Anchor Co", "&Anchor Co"),
        ("!Bang Co", "!Bang Co"),
        ("%Pct Co", "%Pct Co"),
        ("@Handle Co", "@Handle Co"),
        ("`Tick` Co", "`Tick` Co"),
        ("{Curly} Co", "{Curly} Co"),
        ("Quote's \"Co\"", "Quote's Co"),
        ("Foo #1 Bar", "Foo 1 Bar"),
        ("Acme [EMEA]", "Acme EMEA"),
        ("Yes", "Yes"),
        ("Null", "Null"),
        ("1e5", "1e5"),
        ("0123", "0123"),
        ("- Dash Co", "- Dash Co"),
        ("Tab\tCo", "Tab Co"),
    ];
    let mut export = "Id,Name\n".to_string();
    for (i, (name, _)) in names.iter().enumerate() {
        let _ = writeln!(export, "001T{i:03},{}", csv_cell(name));
    }
    let files = [write_export(dir.path(), "accounts.csv", &export)];
    let output = import(dir.path(), "salesforce", &files, &["--create-accounts"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    for (name, display) in names {
        let folder = display.replace(' ', "_");
        let overview = read(dir.path(), &format!("Active/Accounts/{folder}/Overview.md"));
        let yaml = frontmatter_yaml(&overview);
        let aliases = yaml["aliases"].as_vec().expect("an alias list");
        assert_eq!(aliases.len(), 1, "{name:?}: {overview}");
        assert_eq!(aliases[0].as_str(), Some(display), "{name:?}: {overview}");
        assert_eq!(yaml["title"].as_str(), Some(display), "{overview}");
        assert_eq!(
            yaml["account"].as_str(),
            Some(format!("[[{display}]]").as_str()),
            "{overview}"
        );
        assert_eq!(yaml["created"].as_str(), Some(TODAY), "{overview}");
        assert!(
            overview.contains(&format!("\ncreated: {TODAY}\n")),
            "{overview}"
        );
        assert!(overview.contains(&format!("\n# {display}\n")), "{overview}");
        // Placeholders the import has no value for are left empty.
        assert!(!overview.contains("{{"), "{overview}");
        assert_eq!(yaml["csm"].as_str(), Some(""), "{overview}");
    }

    assert_valid_and_stable(dir.path(), "salesforce", &files, &["--create-accounts"]);
}

#[test]
fn meeting_stub_escapes_event_text() {
    let dir = vault();
    let calendar = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "UID:odd\"uid\\\\@fernwood.io",
        "DTSTART:20260320T150000Z",
        "DTEND:20260320T153000Z",
        "SUMMARY:Kestrel sync\\n- [ ] Fake task 📅 2026-03-01\\n## Fake heading",
        "LOCATION:Room\\n# 2",
        "DESCRIPTION:Agenda\\n- [ ] Quoted task 📅 2026-03-01\\n<!-- hidden",
        "ORGANIZER:mailto:maya.okafor@fernwood.io",
        "ATTENDEE;CN=\"Back\\slash, [Amara] #1: yes\":mailto:new.person@kestrelhealth.org",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    .join("\r\n");

    let files = [write_export(dir.path(), "calendar.ics", &calendar)];
    let output = import(dir.path(), "ics", &files, &[]);
    let stub_rel = "Inbox/Meetings/2026-03-20 - Check-in: Kestrel Health.md";
    assert!(dir.path().join(stub_rel).exists(), "{}", stdout(&output));

    let stub = read(dir.path(), stub_rel);
    let yaml = frontmatter_yaml(&stub);
    // The calendar's `\\` is an escaped backslash.
    assert_eq!(
        yaml["ics_uid"].as_str(),
        Some("odd\"uid\\@fernwood.io"),
        "{stub}"
    );
    let attendees = yaml["attendees"].as_vec().expect("an attendee list");
    assert_eq!(attendees.len(), 1, "{stub}");
    assert_eq!(
        attendees[0].as_str(),
        Some("Back\\slash, [Amara] #1: yes <new.person@kestrelhealth.org>"),
        "{stub}"
    );

    let (tasks, headings) = tasks_and_headings(&stub);
    assert_eq!(tasks, Vec::<String>::new(), "{stub}");
    assert!(
        headings.iter().all(|h| !h.contains("Fake heading")),
        "{headings:?}"
    );
    assert!(!stub.contains("\n<!--"), "{stub}");
    assert!(!stub.contains("> <!--"), "{stub}");
    assert_valid_and_stable(dir.path(), "ics", &files, &[]);
}
