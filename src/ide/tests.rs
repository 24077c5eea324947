//! Feature tests over small vault fixtures. A fixture is one string: `//- /path.md` starts a
//! file, and `$0` in the current file marks the cursor.

use std::fmt::Write;
use std::sync::Arc;

use chrono::NaiveDate;

use super::*;
use crate::vault::{Config, Note, Vault};

const TODAY: &str = "2026-03-15";

struct Fixture {
    vault: Vault,
    current: NoteId,
    text: String,
    offset: u32,
    texts: std::collections::HashMap<NoteId, Arc<str>>,
}

impl TextSource for Fixture {
    fn text(&self, _: &Vault, id: NoteId) -> Option<Arc<str>> {
        self.texts.get(&id).cloned()
    }
}

fn fixture(spec: &str) -> Fixture {
    let mut vault = Vault::new("/vault".into(), Config::default());
    let mut current = None;
    let mut offset = 0;
    let mut texts: std::collections::HashMap<NoteId, Arc<str>> = std::collections::HashMap::new();
    let mut current_text = String::new();
    for chunk in spec.split("//- /").skip(1) {
        let (header, body) = chunk.split_once('\n').unwrap();
        // A last word `modified=YYYY-MM-DD` after the path (which may hold spaces) sets the
        // file's modification date.
        let header = header.trim();
        let (path, modified) = match header.rsplit_once(' ') {
            Some((path, word)) if word.starts_with("modified=") => {
                let date = word["modified=".len()..].parse::<NaiveDate>().unwrap();
                (path.trim(), Some(date))
            }
            _ => (header, None),
        };
        let mut body = body.to_string();
        let cursor = body.find("$0");
        if let Some(at) = cursor {
            body.replace_range(at..at + 2, "");
        }
        let mut note = Note::parse(path, &body, &vault.config);
        note.modified = modified;
        let id = vault.insert(note);
        texts.insert(id, Arc::from(body.as_str()));
        if let Some(at) = cursor {
            current = Some(id);
            offset = u32::try_from(at).unwrap();
            current_text = body;
        }
    }
    let current = current.unwrap_or(NoteId(0));
    if current_text.is_empty() {
        current_text = texts[&current].to_string();
    }
    Fixture {
        vault,
        current,
        text: current_text,
        offset,
        texts,
    }
}

fn today() -> NaiveDate {
    TODAY.parse().unwrap()
}

fn check_diagnostics(spec: &str) -> String {
    check_diagnostics_of(&fixture(spec))
}

fn check_diagnostics_of(f: &Fixture) -> String {
    let mut out = String::new();
    for d in diagnostics::diagnostics(&f.vault, f.current, today(), f) {
        let covered = &f.text[d.range.as_usize()];
        writeln!(
            out,
            "{} {} {covered:?}: {}",
            d.severity.as_str(),
            d.code,
            d.message
        )
        .unwrap();
    }
    out
}

fn check_completion(spec: &str) -> String {
    let f = fixture(spec);
    let mut cache = CompletionCache::default();
    let Some(result) =
        completion::completion(&f.vault, &mut cache, f.current, &f.text, f.offset, today())
    else {
        return "none".into();
    };
    let mut out = String::new();
    for i in &result.items {
        let replaced = &f.text[i.replace.as_usize()];
        let detail = i.detail.clone().unwrap_or_default();
        writeln!(
            out,
            "{:?} {:?} -> {:?} replacing {replaced:?} ({detail})",
            i.kind, i.label, i.insert
        )
        .unwrap();
    }
    out
}

#[test]
fn overdue_due_today_and_future_tasks() {
    let out = check_diagnostics(
        "//- /Inbox/Meetings/2026-03-12 - QBR: Acme.md
- [ ] Overdue 📅 2026-03-10
- [ ] Today 📅 2026-03-15
- [ ] Future 📅 2026-03-16
- [x] Done long ago 📅 2026-01-01
- [-] Cancelled 📅 2026-01-01
- [/] In progress [due:: 2026-03-14]
- [ ] Bad 📅 2026-02-30$0
",
    );
    insta::assert_snapshot!(out, @r#"
    warning overdue "📅 2026-03-10": action item is 5 days overdue (due 2026-03-10): Overdue
    info due-today "📅 2026-03-15": action item is due today: Today
    warning overdue "[due:: 2026-03-14]": action item is 1 day overdue (due 2026-03-14): In progress
    error invalid-date "2026-02-30": `2026-02-30` is not a real date: February 2026 has 28 days, not 30
    "#);
}

#[test]
fn dates_in_urls_and_labels_are_not_prose() {
    let out = check_diagnostics(
        "//- /Notes/Links.md
# Links 2026-02-31
[x](https://example.com/2026-02-31) and [Call on 2026-02-30](https://example.com)
![img](img/2026-02-31.png) and <https://a.example/2026-02-31>
Bare https://example.com/2026-02-31 and www.example.com/2026-02-31 here.
Tag #2026-02-31, PO#2026-02-30, footnote[^2026-02-31].

[r]: https://example.com/r/2026-02-31
[^2026-02-31]: A note written 2026-04-31.$0
",
    );
    insta::assert_snapshot!(out, @r#"
    error invalid-date "2026-02-31": `2026-02-31` is not a real date: February 2026 has 28 days, not 31
    error invalid-date "2026-02-30": `2026-02-30` is not a real date: February 2026 has 28 days, not 30
    error invalid-date "2026-04-31": `2026-04-31` is not a real date: April 2026 has 30 days, not 31
    "#);
}

#[test]
fn risk_tags_count_on_action_items() {
    let out = check_diagnostics(
        "//- /Inbox/Meetings/2026-03-12 - Call: Acme.md
- [ ] Counter the rival's offer #risk/competitor 📅 2026-03-20
- [ ] Send the churn analysis to finance 📅 2026-03-20$0
",
    );
    let signals: Vec<&str> = out.lines().filter(|l| l.contains("risk-signal")).collect();
    assert_eq!(signals.len(), 1, "{out}");
    assert!(signals[0].contains("\"#risk/competitor\""), "{out}");
}

#[test]
fn impossible_date_in_file_name() {
    let out = check_diagnostics(
        "//- /Inbox/Meetings/2026-02-30 - QBR: Acme.md
# QBR$0
",
    );
    insta::assert_snapshot!(out, @r#"error invalid-date "": file name: `2026-02-30` is not a real date: February 2026 has 28 days, not 30; rename the note so that it counts as a meeting"#);
}

#[test]
fn bare_due_range_starts_at_key() {
    let out = check_diagnostics(
        "//- /Notes/A.md
- [ ] Call due:: 2026-03-11
- [ ] Send DUE: 2026-03-12$0
",
    );
    insta::assert_snapshot!(out, @r#"
    warning overdue "due:: 2026-03-11": action item is 4 days overdue (due 2026-03-11): Call
    warning overdue "DUE: 2026-03-12": action item is 3 days overdue (due 2026-03-12): Send
    "#);
}

#[test]
fn impossible_dates_outside_action_items() {
    let out = check_diagnostics(
        "//- /Inbox/Meetings/2026-03-12 - Call: Acme.md
---
date: 2026-02-30
---
Moved to 2026-02-29, kickoff 2026-04-31T10:00, then 2026-03-20 as planned.
Invoice INV-2026-02-30, build 2026-02-301 and `2026-02-30` are not dates; nor is %% 2026-13-01 %%.
- [ ] Review 📅 2026-02-30 with notes from 2026-06-31
- Renewal: 2026-11-31
See [[2026-02-30 - QBR]].$0
",
    );
    insta::assert_snapshot!(out, @r#"
    error invalid-date "2026-02-30": `2026-02-30` is not a real date: February 2026 has 28 days, not 30
    error invalid-date "2026-02-29": `2026-02-29` is not a real date: February 2026 has 28 days, not 29
    error invalid-date "2026-04-31": `2026-04-31` is not a real date: April 2026 has 30 days, not 31
    error invalid-date "2026-02-30": `2026-02-30` is not a real date: February 2026 has 28 days, not 30
    error invalid-date "2026-06-31": `2026-06-31` is not a real date: June 2026 has 30 days, not 31
    error invalid-date "2026-11-31": `2026-11-31` is not a real date: November 2026 has 30 days, not 31
    warning unresolved-link "2026-02-30 - QBR": unresolved link: no note named `2026-02-30 - QBR`
    "#);
}

#[test]
fn link_diagnostics_cover_every_failure() {
    let out = check_diagnostics(
        "//- /Note.md
[[Missing]] [[a/QBR]] [[QBR]] [[Target#Nope]] [[Target#Real]] [[Target#^gone]] [[Target#^here]] `[[Code]]` $0
%% [[Commented Missing]] %%
//- /a/QBR.md
//- /b/QBR.md
//- /Target.md
## Real
line ^here
",
    );
    insta::assert_snapshot!(out);
    assert!(!out.contains("Code"));
    assert!(!out.contains("Commented"));
}

/// A folder in the link cannot pick among notes that share an alias, so the message gives another
/// way to pick one.
#[test]
fn shared_alias_warning_suggests_file_name() {
    let out = check_diagnostics(
        "//- /Note.md
See [[Plan]]. $0
//- /Notes/Plan A.md
---
aliases: [Plan]
---
//- /Notes/Plan B.md
---
aliases: [plan]
---
",
    );
    assert!(
        out.contains(
            "`Plan` is an alias of 2 notes (Notes/Plan A.md, Notes/Plan B.md); it opens \
             Notes/Plan A.md, the shortest path; link to the note by its file name, or remove \
             the alias from the others"
        ),
        "{out}"
    );
    assert!(!out.contains("add a folder"), "{out}");
}

#[test]
fn severity_overrides_and_off() {
    let mut f = fixture("//- /n.md\n- [ ] x [[Missing]] 📅 2026-03-01$0\n");
    f.vault
        .config
        .severity
        .insert("overdue".into(), crate::vault::Severity::Error);
    f.vault
        .config
        .severity
        .insert("unresolved-link".into(), crate::vault::Severity::Off);
    let found = diagnostics::diagnostics(&f.vault, f.current, today(), &f);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, crate::vault::Severity::Error);
}

#[test]
fn link_completion_ranks_people_and_accounts() {
    let out = check_completion(
        "//- /Inbox/Meetings/2026-03-12 - QBR.md
Met with [[pri$0
//- /Active/Relationships/Champions/Priya Raman.md
---
type: person
role: VP Operations
account: \"[[Borealis Freight]]\"
---
//- /Active/Accounts/Borealis_Freight/Overview.md
---
aliases: [Borealis]
---
//- /Notes/Pricing.md
//- /Notes/Principles.md
",
    );
    insta::assert_snapshot!(out);
    assert!(
        out.starts_with("Person \"Priya Raman\" -> \"Priya Raman]]\""),
        "{out}"
    );
}

#[test]
fn completion_does_not_double_closing_brackets() {
    let out = check_completion(
        "//- /a.md\nSee [[Bor$0]]\n//- /Active/Accounts/Borealis_Freight/Overview.md\n",
    );
    assert!(
        out.starts_with("Account \"Borealis Freight\" -> \"Borealis Freight\" replacing \"Bor\""),
        "{out}"
    );
}

#[test]
fn alias_completion_inserts_name_and_alias() {
    let out = check_completion(
        "//- /a.md\n[[Dan$0\n//- /People/Daniel Achterberg.md\n---\naliases: [Dan A]\n---\n",
    );
    assert!(
        out.contains("Alias \"Dan A\" -> \"Daniel Achterberg|Dan A]]\""),
        "{out}"
    );
}

#[test]
fn alias_completion_in_table_escapes_pipe() {
    // A `|` inside a table row ends the cell, so the alias separator is written `\|` there.
    let person = "//- /People/Daniel Achterberg.md\n---\naliases: [Dan A]\n---\n";
    let escaped = "Alias \"Dan A\" -> \"Daniel Achterberg\\\\|Dan A]]\"";
    for row in [
        "| Who | Note |\n| --- | --- |\n| [[Dan$0 | x |\n",
        "| Who | Note |\n| --- | --- |\n| 🚀 x | 北星 [[Dan$0",
        "| Who | Note |\r\n| --- | --- |\r\n| [[Dan$0 | x |\r\n",
        "> | Who |\n> | --- |\n> | [[Dan$0 |\n",
    ] {
        let out = check_completion(&format!("//- /a.md\n{row}\n{person}"));
        assert!(out.contains(escaped), "{row:?}: {out}");
    }
    for outside in [
        "| Who | Note |\n| --- | --- |\n| x | y |\n\n[[Dan$0\n",
        "Not a table | [[Dan$0\n",
    ] {
        let out = check_completion(&format!("//- /a.md\n{outside}\n{person}"));
        assert!(
            out.contains("Alias \"Dan A\" -> \"Daniel Achterberg|Dan A]]\""),
            "{outside:?}: {out}"
        );
    }
}

#[test]
fn completion_inside_existing_link_keeps_its_rest() {
    // Completing the target of a link that is already written replaces the whole target and
    // keeps the heading, alias and closing brackets after it.
    let person = "//- /People/Dana Reyes.md\n---\naliases: [Dani]\n---\n# Dana\n## Background\n";
    for (line, replaced) in [
        ("[[Da$0|Dana]]", "Da"),
        ("| [[Da$0\\|Dana]] | x |", "Da"),
        ("[[Da$0#Background]]", "Da"),
        ("🚀 北星 [[Da$0na Re#Background|x]]", "Dana Re"),
    ] {
        let out = check_completion(&format!("//- /a.md\n{line}\n{person}"));
        let note = format!("\"Dana Reyes\" -> \"Dana Reyes\" replacing {replaced:?}");
        let alias = format!("\"Dani\" -> \"Dana Reyes\" replacing {replaced:?}");
        assert!(out.contains(&note), "{line:?}: {out}");
        assert!(out.contains(&alias), "{line:?}: {out}");
    }

    // Before a bare `]]` an alias item still writes its alias.
    let out = check_completion(&format!("//- /a.md\n[[Da$0na]]\n{person}"));
    assert!(
        out.contains("\"Dani\" -> \"Dana Reyes|Dani\" replacing \"Dana\""),
        "{out}"
    );

    // A `]]` after another `[[` closes that link, not the one being typed.
    let out = check_completion(&format!("//- /a.md\n[[Da$0 and [[Other]]\n{person}"));
    assert!(
        out.contains("\"Dana Reyes\" -> \"Dana Reyes]]\" replacing \"Da\""),
        "{out}"
    );

    let heading = check_completion(&format!("//- /a.md\n[[Dana Reyes#Ba$0ckgr|bg]]\n{person}"));
    assert_eq!(
        heading,
        "Heading \"Background\" -> \"Background\" replacing \"Backgr\" (## in Dana Reyes)\n"
    );
}

#[test]
fn account_alias_links_to_the_account() {
    let out = check_completion(
        "//- /a.md\n[[tw$0\n//- /Active/Accounts/Tidewater_Bank/Overview.md
---
aliases: [TWB, Tidewater Bank]
---
//- /Active/Accounts/Acme_Corp/Overview.md
# Acme
",
    );
    assert!(
        out.contains("Alias \"TWB\" -> \"Tidewater Bank|TWB]]\""),
        "{out}"
    );
    // The alias spelled like the account adds no second item.
    assert_eq!(out.matches("\"Tidewater Bank\" ->").count(), 1, "{out}");
}

#[test]
fn completion_labels_keep_whole_graphemes() {
    // The matcher keeps one character a grapheme; labels and links must keep every one.
    let out = check_completion(
        "//- /a.md\n[[zoe$0\n//- /People/Zoe\u{308} Fa\u{308}rber.md\n---\naliases: [\"Zoe\u{308} 👩‍💻\"]\n---\n",
    );
    let name = "Zoe\u{308} Fa\u{308}rber";
    let alias = "Zoe\u{308} 👩\u{200d}💻";
    let note_line = format!("Note {name:?} -> {:?}", format!("{name}]]"));
    let alias_line = format!("Alias {alias:?} -> {:?}", format!("{name}|{alias}]]"));
    assert!(out.contains(&note_line), "{out}");
    assert!(out.contains(&alias_line), "{out}");
}

#[test]
fn heading_and_block_completion() {
    let heading = check_completion(
        "//- /a.md\n[[Target#ri$0\n//- /Target.md\n# Top\n## Risks\n## Wins\nx ^blk-1\n",
    );
    assert_eq!(
        heading,
        "Heading \"Risks\" -> \"Risks]]\" replacing \"ri\" (## in Target)\n"
    );
    let block = check_completion("//- /a.md\n[[Target#^b$0\n//- /Target.md\nx ^blk-1\n");
    assert_eq!(
        block,
        "Block \"blk-1\" -> \"blk-1]]\" replacing \"b\" (block in Target)\n"
    );
}

#[test]
fn tag_completion_after_hash() {
    let out = check_completion(
        "//- /a.md\nNotes #ri$0\n//- /b.md\n#risk/champion-loss #risk #renewal\n//- /c.md\n#risk\n",
    );
    insta::assert_snapshot!(out, @r#"
    Tag "risk" -> "risk" replacing "ri" (2 notes)
    Tag "risk/champion-loss" -> "risk/champion-loss" replacing "ri" (1 note)
    "#);
    assert_eq!(
        check_completion("//- /a.md\nfoo#ri$0\n//- /b.md\n#risk\n"),
        "none"
    );
}

#[test]
fn tag_completion_replaces_the_written_tag() {
    let out = check_completion(
        "//- /a.md\n🚀 北星 #ri$0k/sub next\r\n//- /b.md\n#risk/champion-loss #risk\n",
    );
    insta::assert_snapshot!(out, @r#"
    Tag "risk" -> "risk" replacing "rik/sub" (1 note)
    Tag "risk/champion-loss" -> "risk/champion-loss" replacing "rik/sub" (1 note)
    "#);
}

#[test]
fn completion_after_emoji_on_the_line() {
    let out = check_completion("//- /a.md\n🚀 👩‍💻 Kickoff [[Zo$0\n//- /People/Zoë Lindqvist.md\n");
    assert!(
        out.contains("\"Zoë Lindqvist]]\" replacing \"Zo\""),
        "{out}"
    );
}

#[test]
fn definition_of_heading_block_and_note() {
    let f = fixture(
        "//- /a.md\n[[Target#Risks]] [[Target#^b1]] [[Target]]$0\n//- /Target.md\n# T\n## Risks\nline ^b1\n",
    );
    let target_text = &f.texts[&f.vault.id_of_path("Target.md").unwrap()];
    let at = |needle: &str| u32::try_from(f.text.find(needle).unwrap()).unwrap() + 2;
    let heading = navigation::goto_definition(&f.vault, f.current, at("[[Target#Risks")).unwrap();
    assert_eq!(&target_text[heading.range.as_usize()], "## Risks");
    let block = navigation::goto_definition(&f.vault, f.current, at("[[Target#^b1")).unwrap();
    assert_eq!(&target_text[block.range.as_usize()], "line ^b1");
    let note = navigation::goto_definition(&f.vault, f.current, at("[[Target]]")).unwrap();
    assert_eq!(note.range, NOTE_START);
}

#[test]
fn references_include_closed_notes_and_headings() {
    let f = fixture(
        "//- /Target.md\nintro\n# T\n## Risks$0\n//- /a.md\n[[Target]] [[target#risks]]\n//- /b/c.md\n![[Target#Risks]] [[Other]]\n",
    );
    let refs = navigation::references(&f.vault, f.current, f.offset, false);
    let rendered: Vec<String> = refs
        .iter()
        .map(|l| {
            format!(
                "{} {}",
                f.vault.note(l.note).unwrap().path,
                &f.texts[&l.note][l.range.as_usize()]
            )
        })
        .collect();
    assert_eq!(
        rendered,
        ["a.md [[target#risks]]", "b/c.md ![[Target#Risks]]"]
    );
    let all = navigation::references(&f.vault, f.current, 0, false);
    assert_eq!(all.len(), 3);
}

#[test]
fn hover_on_person_date_and_note() {
    let f = fixture(
        "//- /Inbox/Meetings/2026-03-12 - QBR: Borealis.md
- [ ] Send deck to [[Priya Raman]] 📅 2026-03-18$0
//- /Active/Relationships/Champions/Priya Raman.md
---
type: person
role: VP Operations
account: \"[[Borealis Freight]]\"
status: leaving
---
# Priya Raman
Runs dispatch.
",
    );
    let at = |needle: &str| u32::try_from(f.text.find(needle).unwrap()).unwrap() + 3;
    let person = hover::hover(&f.vault, f.current, at("[[Priya"), today(), &f).unwrap();
    insta::assert_snapshot!(person.markdown);
    let date = hover::hover(&f.vault, f.current, at("📅"), today(), &f).unwrap();
    assert_eq!(date.markdown, "**Due** 2026-03-18 (Wednesday) · in 3 days");
}

#[test]
fn hover_on_dates_in_prose() {
    let f = fixture(
        "//- /Notes/Plan.md
---
date: 2026-03-01
---
🚀 Kickoff on 2026-03-20, review 2026-03-14, launch 2026-02-30.
`2026-03-20` in code, INV-2026-03-20 and [a link](https://example.com/2026-03-20) are not dates.$0
",
    );
    let hover_at = |needle: &str| {
        let at = u32::try_from(f.text.find(needle).unwrap()).unwrap();
        hover::hover(&f.vault, f.current, at + 2, today(), &f).map(|h| {
            let covered = f.text[h.range.as_usize()].to_string();
            (h.markdown, covered)
        })
    };
    assert_eq!(
        hover_at("2026-03-20,"),
        Some((
            "**Date** 2026-03-20 (Friday) · in 5 days".to_string(),
            "2026-03-20".to_string()
        ))
    );
    let yesterday = hover_at("2026-03-14").unwrap();
    assert_eq!(yesterday.0, "**Date** 2026-03-14 (Saturday) · yesterday");
    let past = hover_at("2026-03-01").unwrap();
    assert_eq!(past.0, "**Date** 2026-03-01 (Sunday) · 14 days ago");
    let impossible = hover_at("2026-02-30").unwrap();
    assert_eq!(
        impossible.0,
        "**Date**: `2026-02-30` is not a real date: February 2026 has 28 days, not 30"
    );
    assert_eq!(hover_at("`2026-03-20`"), None);
    assert_eq!(hover_at("/2026-03-20)"), None);
    assert_eq!(hover_at("-2026-03-20 and"), None);
}

#[test]
fn document_symbols_nest_by_level() {
    let summary = crate::syntax::parse("# A\n## B\n### C\n## D\n# E\n");
    let symbols = symbols::document_symbols(NoteId(0), &summary);
    let names: Vec<(String, Vec<String>)> = symbols
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.children.iter().map(|c| c.name.clone()).collect(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("A".to_string(), vec!["B".to_string(), "D".to_string()]),
            ("E".to_string(), vec![])
        ]
    );
    assert_eq!(symbols[0].children[0].children[0].name, "C");
}

#[test]
fn workspace_symbols_find_accounts_people_and_headings() {
    let f = fixture(
        "//- /Active/Accounts/Borealis_Freight/Overview.md\n# Borealis summary\n//- /Active/Relationships/Sales/Ben.md\n//- /x.md\n$0",
    );
    let names: Vec<String> = symbols::workspace_symbols(&f.vault, "bor")
        .iter()
        .map(|s| format!("{:?} {}", s.kind, s.name))
        .collect();
    assert_eq!(
        names,
        ["Account Borealis Freight", "Heading Borealis summary"]
    );
}

fn report(spec: &str, account: &str) -> account::AccountReport {
    let f = fixture(spec);
    let account = f.vault.account(account).expect("account exists");
    account::account_report(&f.vault, account, today(), &f)
}

const SCORED: &str = "//- /Active/Accounts/Acme_Corp/Overview.md
---
type: account
aliases: [Acme]
---
# Acme Corp
## Account Health
- NPS: 8
- Adoption: 60%, target 80%
- Renewal: 2026-05-14
## People
- Champion: [[Dana Reyes]]
- Executive sponsor: [[Omar Haddad]] (leaving in April)
//- /Active/Relationships/Champions/Dana Reyes.md
---
type: person
role: Head of Ops
account: \"[[Acme Corp]]\"
---
//- /Active/Relationships/Champions/Omar Haddad.md
---
type: person
role: CFO
account: \"[[Acme]]\"
---
//- /Inbox/Meetings/2026-03-01 - QBR: Acme Corp.md
## Concerns
- Budget freeze announced for Q3
## Action Items
- [ ] Send ROI deck 📅 2026-03-10
- [ ] Book workshop 📅 2026-03-20
## Key Wins
- Cut onboarding time in half
## Expansion Opportunity
- Finance team pilot, ACV uplift $30k
$0";

#[test]
fn health_score_with_hand_checked_numbers() {
    let report = report(SCORED, "Acme Corp");
    let score = report.score.as_ref().unwrap();
    let parts: Vec<(&str, f64)> = score
        .components
        .iter()
        .map(|c| (c.measure, c.score))
        .collect();
    // NPS 8 -> 80; adoption 60 of 80 -> 75; two open risk categories (budget, sponsor loss) -> 50;
    // one of two commitments overdue -> 75; last meeting 14 days ago -> 100; champion but the
    // sponsor is leaving -> 50.
    assert_eq!(
        parts,
        [
            ("nps", 80.0),
            ("adoption", 75.0),
            ("risks", 50.0),
            ("overdue", 75.0),
            ("contact", 100.0),
            ("champion", 50.0)
        ]
    );
    // (20*80 + 25*75 + 20*50 + 10*75 + 15*100 + 10*50) / 100 = 72.25 -> 72, yellow.
    assert_eq!(score.value, 72);
    assert_eq!(score.band, account::Band::Yellow);
    let renewal = report.renewal.unwrap();
    assert_eq!(renewal.days, 60);
    assert_eq!(renewal.window, Some(60));
    assert_eq!(report.wins[0].text, "Cut onboarding time in half");
    assert_eq!(report.expansion[0].amount, Some(30_000.0));
    let names: Vec<(&str, bool, bool, bool)> = report
        .stakeholders
        .iter()
        .map(|s| (s.name.as_str(), s.champion, s.sponsor, s.leaving))
        .collect();
    assert_eq!(
        names,
        [
            ("Dana Reyes", true, false, false),
            ("Omar Haddad", false, true, true)
        ]
    );
}

#[test]
fn missing_measures_are_left_out_and_weights_normalised() {
    let report = report(
        "//- /Active/Accounts/Solo/Overview.md\n- NPS: 5\n$0",
        "Solo",
    );
    let score = report.score.unwrap();
    let measures: Vec<&str> = score.components.iter().map(|c| c.measure).collect();
    assert_eq!(measures, ["nps", "risks"]);
    // (20*50 + 20*100) / 40 = 75.
    assert_eq!(score.value, 75);
}

#[test]
fn current_and_previous_values() {
    let report = report(
        "//- /Active/Accounts/Acme_Corp/Health.md
| Date | NPS | WAU |
|---|---|---|
| 2026-01-10 | 9 | 70% |
| 2026-02-10 | 8 | 66% |
//- /Inbox/Meetings/2026-03-01 - QBR: Acme Corp.md
- NPS: 6 (down from 8 last quarter)
$0",
        "Acme Corp",
    );
    let current = report.current(account::HealthKey::Nps).unwrap();
    assert_eq!(current.parsed.value, account::Value::Number(6.0));
    assert_eq!(
        report.previous(account::HealthKey::Nps),
        Some(account::Value::Number(8.0))
    );
    let series: Vec<String> = report
        .series(account::HealthKey::Adoption)
        .iter()
        .map(|o| o.raw.clone())
        .collect();
    assert_eq!(series, ["70%", "66%"]);
}

/// An account whose Overview has ARR $240k and NPS 8 written by hand, next to a history table
/// on `Health.md` whose newest row (2026-03-10) has $250k and NPS 6. `OVERVIEW` is replaced by the
/// Overview's file metadata and `FRONTMATTER` by extra properties.
const READINGS: &str = "//- /Active/Accounts/Acme_Corp/Overview.md OVERVIEW
---
type: account
FRONTMATTER
---
# Acme Corp
## Account Health
- ARR: $240k
- NPS: 8
//- /Active/Accounts/Acme_Corp/Health.md modified=2026-01-01
| Date | ARR | NPS |
|---|---|---|
| 2026-02-01 | $230k | 9 |
| 2026-03-10 | $250k | 6 |
$0";

fn readings(overview: &str, frontmatter: &str) -> account::AccountReport {
    let spec = READINGS
        .replace("OVERVIEW", overview)
        .replace("FRONTMATTER", frontmatter);
    report(&spec, "Acme Corp")
}

fn current_arr(report: &account::AccountReport) -> String {
    report
        .current(account::HealthKey::Arr)
        .unwrap()
        .parsed
        .value
        .display()
}

#[test]
fn newer_dated_reading_wins() {
    let report = readings("modified=2026-03-01", "");
    assert_eq!(current_arr(&report), "$250k");
    let nps = report.current(account::HealthKey::Nps).unwrap();
    assert_eq!(nps.date, NaiveDate::from_ymd_opt(2026, 3, 10));
    // Before the current row comes the older row, not the older hand-written value.
    assert_eq!(
        report.previous(account::HealthKey::Nps),
        Some(account::Value::Number(9.0))
    );
}

#[test]
fn newer_hand_written_value_wins() {
    let report = readings("modified=2026-03-12", "");
    assert_eq!(current_arr(&report), "$240k");
    let nps = report.current(account::HealthKey::Nps).unwrap();
    assert_eq!(nps.date, None);
    // The page's NPS 8 differs from the newest row's 6, so that row is the value before it.
    assert_eq!(
        report.previous(account::HealthKey::Nps),
        Some(account::Value::Number(6.0))
    );
}

#[test]
fn same_day_goes_to_hand_written_value() {
    let report = readings("modified=2026-03-10", "");
    assert_eq!(current_arr(&report), "$240k");
}

#[test]
fn updated_property_dates_the_page() {
    // The file changed after the newest row, but the page's `updated` property dates its
    // content before that row.
    let report = readings("modified=2026-03-14", "updated: 2026-03-05");
    assert_eq!(current_arr(&report), "$250k");
    let report = readings("modified=2026-01-01", "updated: 2026-03-11");
    assert_eq!(current_arr(&report), "$240k");
}

#[test]
fn modified_after_today_counts_as_today() {
    // A file changed after the pinned today (2026-03-15) counts as changed today, so a row
    // dated after today is newer.
    let spec = READINGS
        .replace("OVERVIEW", "modified=2026-12-04")
        .replace("FRONTMATTER", "")
        .replace("2026-03-10", "2026-03-16");
    let report = report(&spec, "Acme Corp");
    assert_eq!(current_arr(&report), "$250k");
}

#[test]
fn hand_written_value_without_dated_readings() {
    let spec = "//- /Active/Accounts/Acme_Corp/Overview.md modified=2025-01-01
# Acme Corp
- ARR: $240k
//- /Active/Accounts/Acme_Corp/Health.md modified=2026-03-01
ARR:: $260k
$0";
    let report = report(spec, "Acme Corp");
    // The newer page wins among hand-written values; there is no trend without dated readings.
    assert_eq!(current_arr(&report), "$260k");
    assert_eq!(report.previous(account::HealthKey::Arr), None);
    assert!(report.series(account::HealthKey::Arr).is_empty());
}

#[test]
fn imported_rows_and_properties_carry_their_import() {
    let spec = "//- /Active/Accounts/Acme_Corp/Overview.md modified=2026-03-15
---
type: account
arr: 275000
---
# Acme Corp
- ARR: $240k
//- /Active/Accounts/Acme_Corp/Health.md modified=2026-03-15
# Health
Renewal:: 2026-09-30

<!-- dex:begin salesforce sha256=0000000000000000 -->
## CRM (imported from Salesforce)

| Date | ARR | Renewal |
| --- | --- | --- |
| 2026-03-12 | $275,000 | 2026-12-31 |

Imported from accounts.csv on 2026-03-12 by dex import salesforce.
Set on Overview.md: `arr: 275000`.
<!-- dex:pages Overview.md 2026-03-01 OVERVIEW_PRINT; Health.md 2026-03-02 HEALTH_PRINT -->
<!-- dex:end salesforce -->
$0";
    let overview_text = "---\ntype: account\narr: 275000\n---\n# Acme Corp\n- ARR: $240k\n";
    let health_text = "# Health\nRenewal:: 2026-09-30\n";
    let spec = spec
        .replace(
            "OVERVIEW_PRINT",
            &crate::syntax::dex_block::page_fingerprint(overview_text),
        )
        .replace(
            "HEALTH_PRINT",
            &crate::syntax::dex_block::page_fingerprint(health_text),
        );
    let acme = report(&spec, "Acme Corp");
    // Both pages were written on 2026-03-15 by the import, whose records date their
    // hand-written values to 2026-03-01 and 2026-03-02.
    let arr = acme.current(account::HealthKey::Arr).unwrap();
    assert_eq!(arr.parsed.value.display(), "$275k");
    let imported = arr.imported.as_ref().unwrap();
    assert_eq!(imported.title, "Salesforce");
    assert_eq!(imported.provenance.files, ["accounts.csv"]);
    let renewal = acme.current(account::HealthKey::Renewal).unwrap();
    assert_eq!(renewal.parsed.value.display(), "2026-12-31");
    assert_eq!(renewal.date, NaiveDate::from_ymd_opt(2026, 3, 12));
    let hand = acme.observations.iter().find(|o| o.raw == "$240k").unwrap();
    assert_eq!(hand.as_of, NaiveDate::from_ymd_opt(2026, 3, 1));
    assert_eq!(hand.imported, None);
    // Once the Overview changes by hand, its fingerprint no longer matches and the file's
    // date counts: the hand-written value is then the newest.
    let edited = spec.replace("- ARR: $240k", "- ARR: $245k");
    assert_eq!(current_arr(&report(&edited, "Acme Corp")), "$245k");
}

#[test]
fn account_diagnostics_on_the_overview() {
    let spec = SCORED
        .replace("$0", "")
        .replace("# Acme Corp\n", "# Acme Corp$0\n");
    let out = check_diagnostics(&spec);
    insta::assert_snapshot!(out);
    assert!(
        out.contains("warning renewal-window \"2026-05-14\": renewal in 60 days"),
        "{out}"
    );
    assert!(
        out.contains("stakeholder-coverage")
            && out.contains("executive sponsor Omar Haddad is leaving"),
        "{out}"
    );
}

#[test]
fn red_account_raises_renewal_severity() {
    let out = check_diagnostics(
        "//- /Active/Accounts/Sinking/Overview.md
# Sinking$0
- NPS: 2
- Adoption: 10%
- Renewal: 2026-04-01
- Competitor demo booked; budget freeze announced
",
    );
    assert!(
        out.contains("error renewal-window \"2026-04-01\": renewal in 17 days"),
        "{out}"
    );
}

#[test]
fn risk_hints_and_invalid_values_in_a_meeting() {
    let out = check_diagnostics(
        "//- /Inbox/Meetings/2026-03-10 - Check-in: Acme.md
## Account Health
- NPS: 11
- Adoption: lots
## Concerns
- Legal wants a new DPA
## Notes
No risk of churn this quarter.
Usage dropped 30% after the reorg.
$0",
    );
    insta::assert_snapshot!(out);
    assert!(
        !out.contains("Not Renewing"),
        "a negated phrase fired: {out}"
    );
}

#[test]
fn date_completion_after_signifiers() {
    let out = check_completion("//- /a.md\n- [ ] Send deck 📅 tom$0\n");
    assert_eq!(
        out,
        "Date \"tomorrow\" -> \"2026-03-16\" replacing \"tom\" (2026-03-16 (Monday))\n"
    );
    let out = check_completion("//- /a.md\n- [ ] Send deck due: $0\n");
    assert!(out.starts_with("Date \"today\" -> \"2026-03-15\""), "{out}");
    assert!(out.contains("Date \"friday\" -> \"2026-03-20\""), "{out}");
    assert!(
        out.contains("Date \"next week\" -> \"2026-03-22\""),
        "{out}"
    );
    assert!(
        out.contains("Date \"end of month\" -> \"2026-03-31\""),
        "{out}"
    );
}

#[test]
fn health_field_completion_under_account_health() {
    let out = check_completion("//- /a.md\n## Account Health\n- NP$0\n");
    assert!(
        out.starts_with("Field \"NPS\" -> \"NPS: \" replacing \"NP\""),
        "{out}"
    );
    assert_eq!(check_completion("//- /a.md\n## Notes\n- NP$0\n"), "none");
    let colours = check_completion("//- /a.md\n## Account Health\n- Health: ye$0\n");
    assert!(
        colours.contains("Field \"yellow\" -> \"yellow\" replacing \"ye\""),
        "{colours}"
    );
}

#[test]
fn excerpt_cuts_long_text_only() {
    assert_eq!(
        super::excerpt("Send the QBR deck 📅"),
        "Send the QBR deck 📅"
    );
    let long = "界".repeat(300);
    let cut = super::excerpt(&long);
    assert_eq!(cut.chars().count(), 121);
    assert!(cut.ends_with("界…"), "{cut}");
    let exact = "a".repeat(120);
    assert_eq!(super::excerpt(&exact), exact);
}

#[test]
fn person_commitments_same_order_any_scan() {
    let person = "//- /Active/Relationships/Champions/Priya Raman.md
---
type: person
---
# Priya Raman
";
    let notes = [
        "//- /Notes/B.md\n- [ ] Beta task [[Priya Raman]] 📅 2026-03-20\n",
        "//- /Notes/A.md\n- [ ] Alpha task [[Priya Raman]] 📅 2026-03-20\n",
        "//- /Notes/C.md\n- [ ] Gamma task [[Priya Raman]] 📅 2026-03-19\n",
    ];
    let cursor = "//- /Notes/Here.md\nAsk [[Priya$0 Raman]]\n";
    let card = |order: [usize; 3]| {
        let mut spec = String::from(person);
        for index in order {
            spec.push_str(notes[index]);
        }
        spec.push_str(cursor);
        let f = fixture(&spec);
        hover::hover(&f.vault, f.current, f.offset, today(), &f)
            .unwrap()
            .markdown
    };
    let first = card([0, 1, 2]);
    assert_eq!(card([2, 1, 0]), first);
    assert_eq!(card([1, 2, 0]), first);
    let gamma = first.find("Gamma task").unwrap();
    let alpha = first.find("Alpha task").unwrap();
    let beta = first.find("Beta task").unwrap();
    assert!(gamma < alpha, "{first}");
    assert!(alpha < beta, "{first}");
}

#[test]
fn heading_completion_drops_link_breaking_characters() {
    let out = check_completion(
        "//- /a.md\n[[Daily#$0\n//- /Daily.md\n## 10:30 Sync with [[Dana]]\n## Q3: Renewal | Risks\n",
    );
    insta::assert_snapshot!(out, @r#"
    Heading "10:30 Sync with [[Dana]]" -> "10 30 Sync with Dana]]" replacing "" (## in Daily)
    Heading "Q3: Renewal | Risks" -> "Q3 Renewal Risks]]" replacing "" (## in Daily)
    "#);
    let typed =
        check_completion("//- /a.md\n[[Daily#q3 ren$0\n//- /Daily.md\n## Q3: Renewal | Risks\n");
    assert!(typed.contains("\"Q3 Renewal Risks]]\""), "{typed}");
}

#[test]
fn heading_link_written_by_obsidian_resolves() {
    let out = check_diagnostics(
        "//- /a.md\n[[Daily#10 30 Sync]] [[Daily#Q3 Renewal Risks]] [[Daily#Wrap up]]$0\n//- /Daily.md\n## 10:30 Sync\n## Q3:Renewal|Risks\n## Wrap-up\n",
    );
    assert!(!out.contains("10 30 Sync"), "{out}");
    assert!(!out.contains("Q3 Renewal Risks"), "{out}");
    assert!(
        out.contains("unresolved-heading \"Daily#Wrap up\""),
        "{out}"
    );
}

#[test]
fn links_to_attachments_are_not_unresolved() {
    let mut f = fixture(
        "//- /Notes/QBR.md\n![[logo.png|100]] [[Acme MSA.pdf#page=3]] ![[Assets/logo.png]] ![[chart.png]]$0\n",
    );
    f.vault.add_attachment("Assets/logo.png");
    f.vault.add_attachment("Contracts/Acme MSA.pdf");
    let out = check_diagnostics_of(&f);
    insta::assert_snapshot!(out, @r#"warning unresolved-link "chart.png": unresolved link: no note named `chart.png`"#);
}

#[test]
fn empty_link_query_is_incomplete() {
    let f = fixture(
        "//- /a.md\nSee [[$0\n//- /People/Dana Reyes.md\n---\ntype: person\n---\n//- /Roadmap.md\n",
    );
    let mut cache = CompletionCache::default();
    let result =
        completion::completion(&f.vault, &mut cache, f.current, &f.text, f.offset, today())
            .unwrap();
    let labels: Vec<&str> = result.items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels, ["Dana Reyes"]);
    assert!(
        result.incomplete,
        "Roadmap is left out, so typing must request the list again"
    );
}

#[test]
fn frontmatter_links_resolve_and_count_as_references() {
    let f = fixture(
        "//- /Inbox/Meetings/2026-03-12 - Sync.md
---
attendees: [\"[[Priya Raman]]\", \"[[Nobody Here]]\"]
---
Notes for [[Acme Corp]].$0
//- /Active/Accounts/Acme_Corp/Overview.md
# Acme Corp
//- /People/Priya Raman.md
# Priya Raman
Runs dispatch.
",
    );
    let out = check_diagnostics_of(&f);
    insta::assert_snapshot!(out, @r#"warning unresolved-link "Nobody Here": unresolved link: no note named `Nobody Here`"#);

    let at = u32::try_from(f.text.find("Priya").unwrap()).unwrap();
    let definition = navigation::goto_definition(&f.vault, f.current, at).unwrap();
    let priya = f.vault.id_of_path("People/Priya Raman.md").unwrap();
    assert_eq!(definition.note, priya);

    let body = u32::try_from("# Priya Raman\n".len()).unwrap();
    let references = navigation::references(&f.vault, priya, body, false);
    assert_eq!(references.len(), 1);
    assert_eq!(references[0].note, f.current);

    // The first link of the body, not of the frontmatter, names the account.
    let account = f.vault.account_of(f.current).map(|a| a.name.as_str());
    assert_eq!(account, Some("Acme Corp"));
}

#[test]
fn heading_link_matches_other_unicode_form() {
    // The heading is in NFD (e and a combining accent), as text pasted from a macOS file name.
    let out = check_diagnostics(
        "//- /a.md\n[[Cafe\u{301} Notes#Re\u{301}sume\u{301}]] [[Café Notes#Résumé]]$0\n//- /Café Notes.md\n## Re\u{301}sume\u{301}\n",
    );
    assert_eq!(out, "");
}

#[test]
fn no_completion_in_code() {
    let note = "//- /People/Zoë Lindqvist.md\n#renewal\n";
    for cursor in [
        "```\n[[Zo$0\n```\n",
        "```\n[[Zo$0",
        "~~~text\nsee #re$0\n~~~\n",
        "Inline `[[Zo$0` code\n",
        "<div>\n[[Zo$0\n</div>\n",
    ] {
        let out = check_completion(&format!("//- /a.md\n{cursor}\n{note}"));
        assert_eq!(out, "none", "{cursor:?}");
    }
    let at_end = check_completion(&format!("{note}//- /a.md\n```\n[[Zo$0"));
    assert_eq!(at_end, "none", "unclosed fence at the end of the note");
    for cursor in ["`code` [[Zo$0", "---\nattendees: \"[[Zo$0\n---\n"] {
        let out = check_completion(&format!("//- /a.md\n{cursor}\n{note}"));
        assert!(out.contains("Zoë Lindqvist"), "{cursor:?}: {out}");
    }
}

/// `[text](#Heading)`, `[[#Heading]]`, `![[#Heading]]` and `[[#^id]]` link to the note they are
/// written in, and behave like links to another note's heading or block.
#[test]
fn links_to_headings_of_the_same_note() {
    let f = fixture(
        "//- /Notes/Plan.md
# Plan
## Key Risks$0
line ^blk
[a](#Key%20Risks) [b](#No%20Such) [[#Key Risks]] [[#Nope]] ![[#key risks]] ![[#Gone]]
[[#^blk]] [[#^none]] [c](#^blk) [d](<#Key Risks>)
//- /Other.md
[[Plan#Key Risks]] [e](#Key%20Risks)
## Key Risks
",
    );
    let out = check_diagnostics_of(&f);
    assert_eq!(
        out,
        "\
warning unresolved-heading \"#No%20Such\": no heading `No Such` in Plan
warning unresolved-heading \"#Nope\": no heading `Nope` in Plan
warning unresolved-heading \"#Gone\": no heading `Gone` in Plan
warning unresolved-block \"#^none\": no block `^none` in Plan
"
    );

    let heading_line = "## Key Risks";
    let at = |needle: &str| u32::try_from(f.text.find(needle).unwrap()).unwrap() + 1;
    for link in ["[a](", "[[#Key", "![[#key", "[d]("] {
        let found = navigation::goto_definition(&f.vault, f.current, at(link)).unwrap();
        assert_eq!(found.note, f.current, "{link}");
        assert_eq!(&f.text[found.range.as_usize()], heading_line, "{link}");
    }
    for link in ["[[#^blk", "[c]("] {
        let found = navigation::goto_definition(&f.vault, f.current, at(link)).unwrap();
        assert_eq!(&f.text[found.range.as_usize()], "line ^blk", "{link}");
    }

    let references = navigation::references(&f.vault, f.current, f.offset, false);
    let rendered: Vec<String> = references
        .iter()
        .map(|l| {
            let path = &f.vault.note(l.note).unwrap().path;
            format!("{path} {}", &f.texts[&l.note][l.range.as_usize()])
        })
        .collect();
    assert_eq!(
        rendered,
        [
            "Notes/Plan.md [a](#Key%20Risks)",
            "Notes/Plan.md [[#Key Risks]]",
            "Notes/Plan.md ![[#key risks]]",
            "Notes/Plan.md [d](<#Key Risks>)",
            "Other.md [[Plan#Key Risks]]",
        ]
    );

    let hover = hover::hover(&f.vault, f.current, at("[a]("), today(), &f).unwrap();
    assert_eq!(&f.text[hover.range.as_usize()], "[a](#Key%20Risks)");
    assert!(
        hover.markdown.starts_with("**Plan** · Notes/Plan.md\n"),
        "{}",
        hover.markdown
    );
    assert!(hover.markdown.contains(heading_line), "{}", hover.markdown);
}

/// Spaces and tabs inside the brackets are not part of the link, so ranges leave them out.
#[test]
fn spaced_wikilink_ranges_leave_out_spaces() {
    let f = fixture(
        "//- /a.md
[[ Missing ]] [[\tGone\t]] [[ Target | shown ]] [[ Target #Nope ]] [[ Target # Real ]]$0
//- /Target.md
## Real
",
    );
    let out = check_diagnostics_of(&f);
    assert_eq!(
        out,
        "\
warning unresolved-link \"Missing\": unresolved link: no note named `Missing`
warning unresolved-link \"Gone\": unresolved link: no note named `Gone`
warning unresolved-heading \"Target #Nope\": no heading `Nope` in Target
"
    );
    let at = |needle: &str| u32::try_from(f.text.find(needle).unwrap()).unwrap();
    let heading = navigation::goto_definition(&f.vault, f.current, at("# Real")).unwrap();
    let target_text = &f.texts[&heading.note];
    assert_eq!(&target_text[heading.range.as_usize()], "## Real");
    let prepared = rename::prepare_rename(&f.vault, &f, f.current, at("Target |"))
        .unwrap()
        .unwrap();
    assert_eq!(&f.text[prepared.range.as_usize()], "Target");
    let on_heading = rename::prepare_rename(&f.vault, &f, f.current, at("Real"))
        .unwrap()
        .unwrap();
    assert_eq!(&f.text[on_heading.range.as_usize()], "Real");
}
