//! Parser tests on real-looking notes, including the hard cases: emoji before links, CRLF,
//! nested and quoted tasks, code that holds fake syntax, broken YAML and empty notes.

use std::fmt::Write;

use super::*;

/// Renders everything a summary holds, one item a line, with each range shown as the text it
/// covers, so a snapshot shows what a range selects without counting bytes.
fn render(text: &str) -> String {
    let summary = parse(text);
    let slice = |r: TextRange| text[r.as_usize()].replace('\r', "\\r");
    let mut out = String::new();
    if let Some(fm) = &summary.frontmatter {
        writeln!(
            out,
            "frontmatter aliases={:?} type={:?} account={:?} date={:?} status={:?} role={:?}",
            fm.aliases, fm.kind, fm.account, fm.date, fm.status, fm.role
        )
        .unwrap();
    }
    for h in &summary.headings {
        let section = slice(TextRange::new(h.range.start, h.section_end));
        writeln!(
            out,
            "heading {} {:?} section_lines={}",
            h.level,
            h.text,
            section.lines().count()
        )
        .unwrap();
    }
    for b in &summary.block_ids {
        writeln!(out, "block {:?} at {:?}", b.id, slice(b.range)).unwrap();
    }
    for l in &summary.links {
        writeln!(
            out,
            "link {:?} target={:?} subpath={:?} alias={:?} at {:?} path {:?}{}",
            l.kind,
            l.target,
            l.subpath,
            l.alias,
            slice(l.range),
            slice(l.target_range),
            if l.in_comment { " in comment" } else { "" }
        )
        .unwrap();
    }
    for t in &summary.tags {
        writeln!(out, "tag {:?} at {:?}", t.name, slice(t.range)).unwrap();
    }
    for t in &summary.tasks {
        write!(
            out,
            "task {:?} {:?} priority={:?}",
            t.status, t.text, t.priority
        )
        .unwrap();
        if let Some(owner) = &t.owner {
            write!(out, " owner={owner:?}").unwrap();
        }
        if let Some(id) = &t.block_id {
            write!(out, " block={id:?}").unwrap();
        }
        if t.due_not_at_end {
            write!(out, " due-not-at-end").unwrap();
        }
        for d in &t.dates {
            write!(out, " {:?}={}@{:?}", d.kind, slice(d.range), slice(d.range)).unwrap();
            if d.date.is_none() {
                write!(out, "(invalid)").unwrap();
            }
        }
        writeln!(out).unwrap();
    }
    for f in &summary.fields {
        writeln!(
            out,
            "field {:?} {:?}={:?} at {:?}",
            f.source,
            f.key,
            f.value,
            slice(f.value_range)
        )
        .unwrap();
    }
    for p in &summary.problems {
        writeln!(out, "problem {:?} at {:?}", p.kind, slice(p.range)).unwrap();
    }
    out
}

#[test]
fn meeting_note_with_every_part() {
    let text = "---
date: 2026-03-12
account: \"[[Borealis Freight]]\"
tags: [qbr, renewal]
aliases:
  - Borealis QBR
---
# 2026-03-12 - QBR: Borealis Freight

## Account Health
- NPS: 7 (down from 9 last quarter)
- Adoption: 64% WAU, target was 75%
Renewal:: 2026-09-30

## Concerns
- [[Priya Raman]] moving to another division #risk/champion-loss,
- Competitor demo booked ^comp-1

## Action Items
- [ ] Meet Priya's successor 📅 2026-03-20
- [ ] Send adoption report to [[Tomas Lind]] due: 2026-03-18
- [x] Share the roadmap deck ✅ 2026-03-12
  - [/] Nested follow-up @maya [due:: 2026-03-25] ⏫
> [!warning] Renewal
> - [ ] Task inside a callout 📅 2026-03-11
";
    insta::assert_snapshot!(render(text));
}

#[test]
fn task_vectors_from_the_tasks_plugin() {
    let text = "- [ ] Send QBR deck to [[Dana Reyes]] ⏫ 📅 2026-01-22
- [ ] Send QBR deck 📅2026-01-22
- [ ] Send QBR deck 📅\u{fe0f} 2026-01-22
- [ ] 📅 2026-01-22 Send QBR deck
- [ ] Call champion 📅 2026-01-22 #risk ⏳ 2026-01-20
- [-] Exec dinner ❌ 2026-01-10
- [>] Follow up with procurement
* [ ]no space after bracket
-[ ] missing space
- [ ] Check usage 📅 2026-02-30
- [ ] Renew (due:: 2026-03-31)
- [ ] Weekly sync 🔁 every week when done 📅 2026-01-19
- [ ] Prep EBR ^qbr-prep
- [ ] Quote due:2026-02-01 +Acme
1. [ ] Ordered item 🔽 ➕ 2026-01-01 🛫 2026-01-05
";
    insta::assert_snapshot!(render(text));
}

#[test]
fn dataview_repeat_is_the_recurrence() {
    let summary = parse("- [ ] Renew ( repeat :: every 2 weeks when done ) [due:: 2026-03-01]\n");
    let task = &summary.tasks[0];
    assert_eq!(task.recurrence.as_deref(), Some("every 2 weeks when done"));
    assert_eq!(task.text, "Renew");
}

#[test]
fn task_fields_in_odd_spacing() {
    let text = "- [ ] Two spaces 📅  2026-01-22 and a selector ⏳\u{fe0f}2026-01-20
- [ ] Upper case DUE:: 2026-02-01 and Due: 2026-02-02
- [ ] No break before overdue:2026-02-03 nor due-2026-02-04
- [ ] Wide space before\u{3000}due: 2026-02-05
- [ ] Dataview [due:: 2026-02-06] is read once
- [ ] Field first [priority:: low] then sign 🔺
- [ ] Sign first ⏬\u{fe0f} then [priority:: high]
- [ ] Digits that are not ASCII 📅 ٢٠٢٦-٠١-٢٢
- [ ] Short date 📅 2026-1-22 and a date cut short due: 2026-02
- [ ]   Spaces   inside    the   text  📅 2026-03-01   ⏫
";
    insta::assert_snapshot!(render(text));
}

#[test]
fn tag_and_block_id_edges() {
    let text = "#start and mid#word #a#b #123 #2026-q1 C# #tag/ #nested/tag/
Ends with #tag, then #tag. and (#paren) \u{3000}#wide-space #タグ #emoji🚀 #dash\u{2014}x
# Heading #in-heading ##double #
A line with a block id ^block-1
Trailing spaces after it ^id-2 \t
Not after text x^nope and ^not-last here
^only
Caret alone ^ and an empty id ^
- [ ] Task with id ^task-id
- [ ] Task with id inside ^mid text
";
    insta::assert_snapshot!(render(text));
}

#[test]
fn wikilink_ends_at_line_end() {
    let summary = parse("[[abc\ndef]] and [[Acme\r\nCorp]] then [[Real Note]]\n");
    let targets: Vec<&str> = summary.links.iter().map(|l| &*l.target).collect();
    assert_eq!(targets, ["Real Note"]);
}

#[test]
fn code_math_html_and_comments_hide_syntax() {
    let text = "Real [[Acme Corp]] and `[[Not A Link]]` #real-tag

```text
[[Fenced Link]] #fenced-tag
- [ ] fenced task 📅 2026-01-01
```

    [[Indented Code Link]]

- item
    [[Continuation Link]]

$x = [[1]]$

<div>[[Html Link]]</div>

%% [[Comment Link]] %%

~~~
- [ ] tilde fenced 📅 2026-01-01
";
    let out = render(text);
    insta::assert_snapshot!(out);
    for hidden in [
        "Not A Link",
        "Fenced Link",
        "Indented Code Link",
        "Html Link",
        "fenced",
    ] {
        assert!(!out.contains(hidden), "{hidden} was indexed:\n{out}");
    }
}

/// Display math hides what looks like syntax in the LaTeX, across blank lines, headings and list
/// items, with CRLF line ends and with `$$` after text on its line. Text after the closing `$$`
/// is prose again.
#[test]
fn display_math_across_blank_lines_hides_syntax() {
    let text = "# Notes\r
Before [[Real One]]\r
$$\r
[[Math Link]] #math-tag\r
\r
# Not A Heading\r
- [ ] not a task 📅 2026-01-01\r
key:: value\r
| a | b |\r
| - | - |\r
| [[Cell Link]] | x |\r
[md](Math%20Note.md) ^not-a-block\r
\r
[ref]: Ref%20Note.md\r
2026-02-30\r
y $$\r
after #real-tag [[Real Two]]\r
Inline $x = [[Inline Link]] #inline\r
y$ and 📅 $$ [[Same Line]] $$ 北星 [[Real Three]]\r
";
    let summary = parse(text);
    let targets: Vec<&str> = summary.links.iter().map(|l| &*l.target).collect();
    assert_eq!(targets, ["Real One", "Real Two", "Real Three"]);
    let tags: Vec<&str> = summary.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tags, ["real-tag"]);
    let headings: Vec<&str> = summary.headings.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(headings, ["Notes"]);
    assert!(summary.tasks.is_empty(), "{:?}", summary.tasks);
    assert!(summary.fields.is_empty(), "{:?}", summary.fields);
    assert!(summary.tables.is_empty(), "{:?}", summary.tables);
    assert!(summary.list_items.is_empty(), "{:?}", summary.list_items);
    assert!(summary.block_ids.is_empty(), "{:?}", summary.block_ids);
    assert!(summary.dates.is_empty(), "{:?}", summary.dates);
    assert!(summary.problems.is_empty(), "{:?}", summary.problems);
    let math_start = text.find("$$").unwrap();
    let math_end = text.find("y $$").unwrap() + "y $$".len();
    let math = TextRange::from_usize(math_start..math_end);
    assert!(summary.excluded.contains(&math), "{:?}", summary.excluded);

    // Without the math, `a` over `---` would be a setext heading.
    let setext = parse("$$\na #tag\n---\n$$\n");
    assert!(setext.headings.is_empty(), "{:?}", setext.headings);
    assert!(setext.tags.is_empty(), "{:?}", setext.tags);
}

#[test]
fn link_forms_and_tags() {
    let text = "🚀 Kickoff with [[Zoë Lindqvist]] and 👩‍💻 [[北星物流|Hokusei]].
See [[Acme Corp#Renewal#Risks|renewal]], [[#Local Heading]], [[Acme Corp#^risk-1]].
Embed ![[Acme Corp]] and [QBR](<2026-01-22 - QBR: Borealis.md>) and [x](My%20Note.md#Risks).
Not notes: [site](https://example.com/a.md) [img](pic.png).

| Account | Owner |
| --- | --- |
| [[Acme Corp\\|Acme]] | [[Dana Reyes]] |

#2026 #q1-2026 foo#bar #risk/champion-loss, #renewal. #foo:x
";
    insta::assert_snapshot!(render(text));
}

#[test]
fn crlf_note_keeps_ranges_on_the_line() {
    let text = "# Title\r\n\r\n- [ ] Call [[Dana]] 📅 2026-03-14\r\n- NPS: 8\r\n";
    let summary = parse(text);
    let task = &summary.tasks[0];
    assert_eq!(
        &text[task.range.as_usize()],
        "- [ ] Call [[Dana]] 📅 2026-03-14"
    );
    assert_eq!(&text[task.due().unwrap().range.as_usize()], "2026-03-14");
    assert_eq!(summary.fields[0].value, "8");
    assert_eq!(summary.headings[0].text, "Title");
}

#[test]
fn broken_yaml_is_reported_and_body_still_indexed() {
    let text =
        "---\ntitle: [unclosed\naliases: x\n---\n# Body\n- [ ] Task 📅 2026-01-02 [[Link]]\n";
    let summary = parse(text);
    assert!(matches!(
        summary.problems[0].kind,
        ProblemKind::InvalidFrontmatter(_)
    ));
    assert_eq!(summary.tasks.len(), 1);
    assert_eq!(summary.links.len(), 1);
    assert_eq!(summary.headings[0].text, "Body");
}

#[test]
fn unclosed_frontmatter_is_reported() {
    let summary = parse("---\ntitle: x\n# Body [[Link]]\n");
    assert_eq!(summary.problems[0].kind, ProblemKind::UnclosedFrontmatter);
    assert_eq!(summary.links.len(), 1);
}

#[test]
fn leading_rule_before_prose_is_no_frontmatter() {
    for text in [
        "---\nMet with the team today.\n\n## Notes\n",
        "---\r\n\r\n🚀 北星 kickoff went well\r\n",
        "---\n- [ ] Follow up [[Acme]]: call\n",
        "---\n",
    ] {
        let summary = parse(text);
        assert!(
            summary.problems.is_empty(),
            "{text:?}: {:?}",
            summary.problems
        );
        assert!(summary.frontmatter.is_none(), "{text:?}");
    }
    for text in [
        "---\n\ntags: [risk]\n# Body\n",
        "---\r\nAccount Owner: Dana\r\n",
    ] {
        let summary = parse(text);
        assert_eq!(summary.problems.len(), 1, "{text:?}");
        assert_eq!(summary.problems[0].kind, ProblemKind::UnclosedFrontmatter);
    }
}

#[test]
fn frontmatter_updated_and_commented_values() {
    let text = "---\r\narr: 250000 # finance\r\nupdated: 2026-03-01\r\n---\r\n";
    let summary = parse(text);
    let fm = summary.frontmatter.as_ref().unwrap();
    assert_eq!(fm.updated.as_deref(), Some("2026-03-01"));
    let arr = summary.fields.iter().find(|f| f.key == "arr").unwrap();
    assert_eq!(arr.value, "250000");
    assert_eq!(&text[arr.value_range.as_usize()], "250000");
    let updated = summary.fields.iter().find(|f| f.key == "updated").unwrap();
    assert_eq!(&text[updated.value_range.as_usize()], "2026-03-01");
}

#[test]
fn empty_and_whitespace_notes() {
    for text in ["", "\n", "\r\n\r\n", "   ", "---", "---\n"] {
        let summary = parse(text);
        assert!(summary.links.is_empty(), "{text:?}");
        assert!(summary.tasks.is_empty(), "{text:?}");
    }
}

#[test]
fn setext_and_closed_atx_headings() {
    let summary = parse("Overview\n========\n\n## Risks ##\n### C# notes\n");
    let titles: Vec<_> = summary.headings.iter().map(|h| h.text.as_str()).collect();
    assert_eq!(titles, ["Overview", "Risks", "C# notes"]);
    assert_eq!(summary.headings[0].level, 1);
}

#[test]
fn sections_by_heading_with_synonyms() {
    let text = "# QBR\n## Account Health\n- NPS: 7\n## Next Steps\n- [ ] call\n### Detail\n- [ ] nested\n## Risks & Concerns\n- churn\n## Notes\n- other\n";
    let summary = parse(text);
    let at = |needle: &str| summary.section_at(u32::try_from(text.find(needle).unwrap()).unwrap());
    assert_eq!(at("NPS"), Some(SectionKind::Health));
    assert_eq!(at("call"), Some(SectionKind::ActionItems));
    assert_eq!(
        at("nested"),
        Some(SectionKind::ActionItems),
        "a subheading stays inside its section"
    );
    assert_eq!(at("churn"), Some(SectionKind::Risks));
    assert_eq!(at("other"), None);
    assert_eq!(
        SectionKind::from_heading("Expansion Opportunity"),
        Some(SectionKind::Expansion)
    );
    assert_eq!(
        SectionKind::from_heading("key WINS"),
        Some(SectionKind::Wins)
    );
}

#[test]
fn tables_keep_header_rows_and_ranges() {
    let text = "## History\n| Date       | NPS | WAU |\n|---|---|---|\n| 2026-01-22 | 8   | 68% |\n| 2026-03-12 | 7 | [[A\\|a]] |\n";
    let summary = parse(text);
    let table = &summary.tables[0];
    let header: Vec<&str> = table.header.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(header, ["Date", "NPS", "WAU"]);
    assert_eq!(table.rows.len(), 2);
    assert_eq!(table.rows[0][0].text, "2026-01-22");
    assert_eq!(&text[table.rows[0][2].range.as_usize()], "68%");
    assert_eq!(table.rows[1][2].text, "[[A|a]]");
}

#[test]
fn field_key_range_skips_space_after_bold() {
    // The key range starts after the whitespace that follows `**` or `__`. A range taken from the
    // untrimmed start would cover a one-byte key's length of U+2003, ending inside that character.
    for text in [
        "- ** key:: v",
        "** key:: v",
        "**\u{2003}k:: v",
        "- __\u{2003}k:: v",
    ] {
        let summary = parse(text);
        let field = &summary.fields[0];
        assert_eq!(
            text.get(field.key_range.as_usize()),
            Some(field.key.as_str()),
            "{text:?}"
        );
        assert_eq!(&text[field.value_range.as_usize()], "v", "{text:?}");
    }
}

/// The target range of a wikilink is its path and subpath without the spaces or tabs around
/// them, after an emoji, in CJK text, on CRLF lines and in frontmatter alike.
#[test]
fn wikilink_target_range_leaves_out_spaces() {
    let text = "---\r\nattendees: [\"[[ Dana Reyes ]]\"]\r\n---\r\n📅 [[ Spaced ]] 北星 [[\tTabbed\t]]\r\n[[ Note | alias ]] ![[ Note #H ]] [[  #Local | x ]]\r\n| [[ Cell \\| shown ]] |\r\n";
    let summary = parse(text);
    let links: Vec<(&str, &str)> = summary
        .all_links()
        .map(|l| (l.target.as_ref(), &text[l.target_range.as_usize()]))
        .collect();
    assert_eq!(
        links,
        [
            ("Dana Reyes", "Dana Reyes"),
            ("Spaced", "Spaced"),
            ("Tabbed", "Tabbed"),
            ("Note", "Note"),
            ("Note", "Note #H"),
            ("", "#Local"),
            ("Cell", "Cell"),
        ]
    );
}

/// `[text](#Heading)` links to a heading of the same note, like `[[#Heading]]`.
#[test]
fn markdown_links_to_the_same_note() {
    let text = "📅 [a](#Key%20Risks) [b](<#Key Risks>) [c](#^blk) [none](#) [[#Key Risks]]\r\n\r\n[r]: #Key%20Risks\r\n";
    let summary = parse(text);
    let links: Vec<(LinkKind, &str, Option<&Subpath>, &str)> = summary
        .links
        .iter()
        .map(|l| {
            let range = &text[l.target_range.as_usize()];
            (l.kind, l.target.as_ref(), l.subpath.as_deref(), range)
        })
        .collect();
    let key_risks = Subpath::Heading(vec!["Key Risks".into()]);
    let block = Subpath::Block("blk".into());
    assert_eq!(
        links,
        [
            (LinkKind::Markdown, "", Some(&key_risks), "#Key%20Risks"),
            (LinkKind::Markdown, "", Some(&key_risks), "<#Key Risks>"),
            (LinkKind::Markdown, "", Some(&block), "#^blk"),
            (LinkKind::Wiki, "", Some(&key_risks), "#Key Risks"),
            (LinkKind::Markdown, "", Some(&key_risks), "#Key%20Risks"),
        ]
    );
    assert!(summary.tags.is_empty(), "{:?}", summary.tags);
}

#[test]
fn markdown_link_target_range_stops_before_the_title() {
    let text = "See [QBR](Notes/QBR%20Q1.md \"the deck\") and [x](<a b.md>) and [y](p(1).md).\n";
    let summary = parse(text);
    let targets: Vec<&str> = summary
        .links
        .iter()
        .map(|l| &text[l.target_range.as_usize()])
        .collect();
    assert_eq!(targets, ["Notes/QBR%20Q1.md", "<a b.md>", "p(1).md"]);
}

/// A reference definition is the link of every `[text][label]` that uses it. A web address is
/// not a link to a note, and a definition inside code is no definition.
#[test]
fn reference_definitions_are_links() {
    let text = "See [x][ref] and [web].\r\n\r\n[ref]: Missing%20Note.md#Goals \"t\"\r\n[web]: https://example.com\r\n[two]:\r\n  <Other Note.md>\r\n\r\n```\r\n[code]: Code.md\r\n```\r\n";
    let summary = parse(text);
    let links: Vec<(&str, &str)> = summary
        .links
        .iter()
        .map(|l| (l.target.as_ref(), &text[l.target_range.as_usize()]))
        .collect();
    assert_eq!(
        links,
        [
            ("Missing Note", "Missing%20Note.md#Goals"),
            ("Other Note", "<Other Note.md>"),
        ]
    );
    assert_eq!(
        &text[summary.links[0].range.as_usize()],
        "[ref]: Missing%20Note.md#Goals \"t\""
    );
}

#[test]
fn frontmatter_only_parse_matches_full_parse() {
    let texts = [
        "---\naliases: [Acme, ACME Inc]\nsalesforce_id: 001A\nseats: 012\ntags: [a, '#b']\n---\n# Body #tag\nkey:: v\n",
        "\u{feff}---\r\ndomain: acme.com\r\n---\r\nbody\r\n",
        "---\ntitle: [unclosed\naliases: x\n---\n# Body\n",
        "---\ntitle: x\n# Body [[Link]]\n",
        "----\ntitle: x\n---\n",
        "# No frontmatter\nkey:: v\n",
        "",
    ];
    let is_frontmatter_problem = |p: &&Problem| {
        matches!(
            p.kind,
            ProblemKind::InvalidFrontmatter(_) | ProblemKind::UnclosedFrontmatter
        )
    };
    for text in texts {
        let full = parse(text);
        let only = parse_frontmatter(text);
        assert_eq!(only.frontmatter, full.frontmatter, "{text:?}");
        let full_fields: Vec<&Field> = full
            .fields
            .iter()
            .filter(|f| f.source == FieldSource::Frontmatter)
            .collect();
        assert_eq!(
            only.fields.iter().collect::<Vec<_>>(),
            full_fields,
            "{text:?}"
        );
        let full_tags: Vec<&Tag> = full
            .tags
            .iter()
            .filter(|t| {
                only.frontmatter.as_ref().is_some_and(|fm| {
                    fm.range.start <= t.range.start && t.range.end <= fm.range.end
                })
            })
            .collect();
        assert_eq!(only.tags.iter().collect::<Vec<_>>(), full_tags, "{text:?}");
        let full_problems: Vec<&Problem> = full
            .problems
            .iter()
            .filter(is_frontmatter_problem)
            .collect();
        assert_eq!(
            only.problems.iter().collect::<Vec<_>>(),
            full_problems,
            "{text:?}"
        );
    }
}

#[test]
fn unusual_frontmatter_adds_no_heading() {
    for text in [
        "\u{feff}---\ntitle: Acme\naliases: [Acme Corp]\n---\n# Body\n",
        "---\n\ntitle: Acme\ntags: [renewal]\n---\n# Body\n",
        "\u{feff}---\r\ntitle: Acme\r\n---\r\n# Body\r\n",
        "---\n\n- [ ] not a task\nowner: Dana\n---\n# Body\n",
    ] {
        let summary = parse(text);
        let titles: Vec<_> = summary.headings.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(titles, ["Body"], "{text:?}");
        assert!(summary.tasks.is_empty(), "{text:?}");
        assert!(summary.frontmatter.is_some(), "{text:?}");
    }
}

#[test]
fn byte_order_mark_keeps_first_line_syntax() {
    let heading = parse("\u{feff}# Acme Corp\n[[Dana Reyes]]\n");
    assert_eq!(heading.headings.len(), 1);
    assert_eq!(heading.headings[0].text, "Acme Corp");

    let task = parse("\u{feff}- [ ] Send the QBR deck 📅 2026-03-14\n");
    assert_eq!(task.tasks.len(), 1);
    assert_eq!(task.tasks[0].text, "Send the QBR deck");

    let tag = parse("\u{feff}#renewal notes\n");
    let names: Vec<_> = tag.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["renewal"]);
}

#[test]
fn frontmatter_wikilinks_are_property_links() {
    let text = "\u{feff}---\r\nattendees: [\"[[Dana Reyes]]\", \"[[Priya Raman|Priya]]\"]\r\ncsm: \"[[Maya Okafor]]\" # was [[Old CSM]]\r\n# owner: \"[[Nobody]]\"\r\nempty: \"[[]]\"\r\n---\r\n# Body [[Acme Corp]]\r\n";
    let summary = parse(text);
    let properties: Vec<(&str, &str)> = summary
        .property_links
        .iter()
        .map(|l| (&*l.target, &text[l.range.as_usize()]))
        .collect();
    assert_eq!(
        properties,
        [
            ("Dana Reyes", "[[Dana Reyes]]"),
            ("Priya Raman", "[[Priya Raman|Priya]]"),
            ("Maya Okafor", "[[Maya Okafor]]"),
        ]
    );
    let alias = summary.property_links[1].alias.as_deref();
    assert_eq!(alias, Some("Priya"));
    let body: Vec<&str> = summary.links.iter().map(|l| &*l.target).collect();
    assert_eq!(body, ["Acme Corp"]);
}

#[test]
fn nested_tasks_under_any_indentation() {
    let text = "- [ ] Parent 📅 2026-03-01
\t- [ ] Tab child 📅 2026-03-02
\t\t- [ ] Tab grandchild
- Plain parent
   - [ ] Three spaces
    - [ ] Four spaces
> - [ ] Quoted parent
>     - [ ] Quoted child
1. [ ] Ordered parent
\t1. [ ] Ordered tab child
";
    let summary = parse(text);
    let tasks: Vec<&str> = summary.tasks.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(
        tasks,
        [
            "Parent",
            "Tab child",
            "Tab grandchild",
            "Three spaces",
            "Four spaces",
            "Quoted parent",
            "Quoted child",
            "Ordered parent",
            "Ordered tab child",
        ]
    );
    let due = summary.tasks[1].due().unwrap();
    assert_eq!(&text[due.range.as_usize()], "2026-03-02");
    let child = summary.list_items[1];
    assert_eq!(
        &text[child.range.as_usize()],
        "- [ ] Tab child 📅 2026-03-02"
    );
    assert_eq!(child.indent, 1);
}

fn tag_names(text: &str) -> Vec<String> {
    parse(text).tags.into_iter().map(|t| t.name).collect()
}

#[test]
fn frontmatter_tag_strings_split_on_spaces() {
    // Dataview splits a `tags` string, and each list item, on commas and whitespace.
    for (text, expected) in [
        ("---\ntags: risk renewal\n---\n", &["risk", "renewal"][..]),
        (
            "---\ntags: \"#churn #expansion\"\n---\n",
            &["churn", "expansion"],
        ),
        (
            "---\ntags: risk,  renewal ,q1-2026\n---\n",
            &["risk", "renewal", "q1-2026"],
        ),
        (
            "---\ntag: [\"one two\", three]\n---\n",
            &["one", "two", "three"],
        ),
        ("---\r\ntags:\r\n  - \"#a b\"\r\n---\r\n", &["a", "b"]),
    ] {
        assert_eq!(tag_names(text), expected, "{text:?}");
    }
    // Aliases keep their spaces: a string splits on commas only.
    let summary = parse("---\naliases: Acme Corp, ACME Inc\n---\n");
    let aliases = &summary.frontmatter.unwrap().aliases;
    assert_eq!(aliases, &["Acme Corp", "ACME Inc"]);
}

#[test]
fn wikilink_text_contains_no_tags() {
    let text = "See [[Acme Corp|the #renewal deal]] and ![[Acme Corp#Risks|#risk view]] #real\n";
    assert_eq!(tag_names(text), ["real"]);
}

#[test]
fn inline_comment_hides_tags() {
    let text = "Call went well %% #churn-risk was a guess %% #renewal\n%%\n#hidden\n%%\n";
    assert_eq!(tag_names(text), ["renewal"]);
}

#[test]
fn task_dates_in_code_spans_are_text() {
    let text =
        "- [ ] Show Dana the `📅 2026-03-01` format 📅 2026-03-20\n- [ ] Explain `⏳ 2026-01-01`\n";
    let summary = parse(text);
    let first = &summary.tasks[0];
    assert_eq!(first.dates.len(), 1);
    assert_eq!(&text[first.dates[0].range.as_usize()], "2026-03-20");
    assert_eq!(first.text, "Show Dana the `📅 2026-03-01` format");
    assert!(!first.due_not_at_end);
    assert!(summary.tasks[1].dates.is_empty());
}
