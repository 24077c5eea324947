//! Hover: a preview of a link's target, a person's role and open commitments, an account's
//! recent activity, and how far away a task's date is.

use std::fmt::Write;

use chrono::NaiveDate;

use super::account::{self, Imported};
use super::navigation::link_target;
use super::{TextSource, describe_due, explain_impossible_date, link_at};
use crate::syntax::dex_block;
use crate::syntax::{DateKind, FieldSource, Task};
use crate::text::TextRange;
use crate::vault::{NoteId, NoteKind, Resolution, Vault};

/// Lines of a note shown in a link preview.
const PREVIEW_LINES: usize = 20;
/// Commitments listed in a person's or an account's hover.
const LISTED_COMMITMENTS: usize = 8;

/// Hover text (Markdown) and the range it describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    /// Markdown shown to the user.
    pub markdown: String,
    /// The link or date the hover is about.
    pub range: TextRange,
}

/// Computes the hover at byte `offset` of note `id`.
pub fn hover(
    vault: &Vault,
    id: NoteId,
    offset: u32,
    today: NaiveDate,
    texts: &dyn TextSource,
) -> Option<HoverResult> {
    let note = vault.note(id)?;
    for task in &note.summary.tasks {
        if let Some(date) = task
            .dates
            .iter()
            .find(|d| d.field_range.contains_inclusive(offset))
        {
            let label = date_label(date.kind);
            let markdown = match date.date {
                Some(day) => {
                    let relative = if task.status.is_open() || date.kind != DateKind::Due {
                        describe_due(day, today)
                    } else {
                        "done".to_string()
                    };
                    format!("**{label}** {day} ({}) · {relative}", day.format("%A"))
                }
                None => {
                    let text = texts.text(vault, id)?;
                    let raw = text.get(date.range.as_usize()).unwrap_or_default();
                    format!("**{label}**: {}", explain_impossible_date(raw))
                }
            };
            return Some(HoverResult {
                markdown,
                range: date.field_range,
            });
        }
    }
    if let NoteKind::AccountPage { account } = &note.kind {
        if let Some(result) = import_hover(vault, id, offset, texts) {
            return Some(result);
        }
        // The card also shows over an account page's title or properties.
        let title = note.summary.headings.first().map(|h| h.range);
        let properties = note.summary.frontmatter.as_ref().map(|f| f.range);
        if [title, properties]
            .into_iter()
            .flatten()
            .any(|r| r.contains_inclusive(offset))
        {
            let range = title
                .filter(|r| r.contains_inclusive(offset))
                .or(properties)?;
            return Some(HoverResult {
                markdown: account_card(vault, account, today, texts),
                range,
            });
        }
    }
    let Some(link) = link_at(&note.summary, offset) else {
        return date_hover(vault, id, offset, today, texts);
    };
    let resolution = vault.resolve(&link.target, &note.path);
    let Some(target) = link_target(vault, &note.path, link) else {
        let markdown = format!("No note named `{}` yet.", link.target);
        return Some(HoverResult {
            markdown,
            range: link.range,
        });
    };
    let target_note = vault.note(target.note)?;
    let mut markdown = match &target_note.kind {
        NoteKind::Person(_) => person_card(vault, target.note, today),
        NoteKind::AccountPage { account } if target_note.stem.eq_ignore_ascii_case("overview") => {
            account_card(vault, account, today, texts)
        }
        _ => format!("**{}** · {}\n", target_note.stem, target_note.path),
    };
    if let Resolution::Ambiguous { candidates, .. } = &resolution {
        let _ = writeln!(
            markdown,
            "\n_{} notes match this link; this is the shortest path._",
            candidates.len()
        );
    }
    if let Some(text) = texts.text(vault, target.note) {
        let preview = preview(
            &text,
            target.range,
            target_note.summary.frontmatter.as_ref().map(|f| f.range),
        );
        if !preview.is_empty() {
            let _ = write!(markdown, "\n---\n\n{preview}");
        }
    }
    Some(HoverResult {
        markdown,
        range: link.range,
    })
}

/// Describes where an imported value on an account page came from: for a property an import
/// set, or for any line of a Dex-owned block that is not a link.
fn import_hover(
    vault: &Vault,
    id: NoteId,
    offset: u32,
    texts: &dyn TextSource,
) -> Option<HoverResult> {
    let note = vault.note(id)?;
    let summary = &note.summary;
    let in_frontmatter = summary
        .frontmatter
        .as_ref()
        .is_some_and(|f| f.range.contains_inclusive(offset));
    if !in_frontmatter && link_at(summary, offset).is_some() {
        return None;
    }
    let text = texts.text(vault, id)?;
    if in_frontmatter {
        let parsed = crate::syntax::parse(&text);
        let field = parsed.fields.iter().find(|f| {
            f.source == FieldSource::Frontmatter
                && TextRange::new(f.key_range.start, f.value_range.end).contains_inclusive(offset)
        })?;
        let written = text.get(field.value_range.as_usize())?;
        let imported = account::imported_property(vault, id, &field.key, written, texts)?;
        return Some(HoverResult {
            markdown: provenance_markdown(&imported),
            range: TextRange::new(field.key_range.start, field.value_range.end),
        });
    }
    let block = dex_block::blocks(&text)
        .into_iter()
        .find(|b| b.range.start <= offset && offset < b.range.end)?;
    let imported = Imported {
        title: block.title,
        provenance: block.provenance?,
    };
    let line = summary.line_index.line_of(offset);
    Some(HoverResult {
        markdown: provenance_markdown(&imported),
        range: summary.line_index.line_range(line),
    })
}

/// Formats an import as "Imported from Salesforce (`accounts.csv`) on 2026-03-10 by
/// `dex import salesforce`".
pub fn provenance_markdown(imported: &Imported) -> String {
    let files: Vec<String> = imported
        .provenance
        .files
        .iter()
        .map(|f| format!("`{f}`"))
        .collect();
    format!(
        "Imported from {} ({}) on {} by `{}`",
        imported.title,
        files.join(", "),
        imported.provenance.date,
        imported.provenance.command
    )
}

/// Says how far a date written anywhere outside code is from today, or why it is not a real
/// date.
fn date_hover(
    vault: &Vault,
    id: NoteId,
    offset: u32,
    today: NaiveDate,
    texts: &dyn TextSource,
) -> Option<HoverResult> {
    let text = texts.text(vault, id)?;
    let range = crate::syntax::parse(&text)
        .dates
        .into_iter()
        .find(|r| r.contains_inclusive(offset))?;
    let raw = &text[range.as_usize()];
    let markdown = match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(day) => format!(
            "**Date** {day} ({}) · {}",
            day.format("%A"),
            describe_day(day, today)
        ),
        Err(_) => format!("**Date**: {}", explain_impossible_date(raw)),
    };
    Some(HoverResult { markdown, range })
}

/// Describes a date that is not a deadline relative to today: "today", "in 3 days", "5 days ago".
fn describe_day(day: NaiveDate, today: NaiveDate) -> String {
    match (day - today).num_days() {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        -1 => "yesterday".to_string(),
        d if d > 0 => format!("in {d} days"),
        d => format!("{} days ago", -d),
    }
}

fn date_label(kind: DateKind) -> &'static str {
    match kind {
        DateKind::Due => "Due",
        DateKind::Scheduled => "Scheduled",
        DateKind::Start => "Starts",
        DateKind::Created => "Created",
        DateKind::Done => "Done",
        DateKind::Cancelled => "Cancelled",
    }
}

fn person_card(vault: &Vault, id: NoteId, today: NaiveDate) -> String {
    let Some(note) = vault.note(id) else {
        return String::new();
    };
    let NoteKind::Person(person) = &note.kind else {
        return String::new();
    };
    let mut card = format!("**{}**", note.stem);
    for part in [
        person.role.as_deref(),
        person.group.as_deref(),
        person.account.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        let _ = write!(card, " · {part}");
    }
    if let Some(status) = &person.status {
        let _ = write!(card, " · status: **{status}**");
    }
    card.push('\n');
    let commitments = owned_commitments(vault, id);
    if commitments.is_empty() {
        card.push_str("\nNo open commitments.\n");
    } else {
        let _ = writeln!(card, "\nOpen commitments ({}):", commitments.len());
        list_commitments(&mut card, vault, &commitments, today);
    }
    card
}

fn account_card(
    vault: &Vault,
    account_name: &str,
    today: NaiveDate,
    texts: &dyn TextSource,
) -> String {
    let Some(account) = vault.account(account_name) else {
        return String::new();
    };
    let report = super::account::account_report(vault, account, today, texts);
    super::card::health_card(&report)
}

fn owned_commitments(vault: &Vault, person: NoteId) -> Vec<(NoteId, &Task)> {
    let mut out = Vec::new();
    for source in vault.possible_referrers(person) {
        let Some(note) = vault.note(source) else {
            continue;
        };
        for task in note.summary.tasks.iter().filter(|t| t.status.is_open()) {
            let Some(owner) = &task.owner else { continue };
            if vault.resolve(owner, &note.path).id() == Some(person) {
                out.push((source, task));
            }
        }
    }
    out
}

fn list_commitments(card: &mut String, vault: &Vault, tasks: &[(NoteId, &Task)], today: NaiveDate) {
    let mut sorted: Vec<&(NoteId, &Task)> = tasks.iter().collect();
    // By due date, then by note path and place, so the order does not depend on scan order.
    sorted.sort_by_cached_key(|(note, task)| {
        let due = task.due().and_then(|d| d.date).unwrap_or(NaiveDate::MAX);
        let path = vault.note(*note).map(|n| n.path.clone());
        (due, path, task.range.start)
    });
    for (note, task) in sorted.iter().take(LISTED_COMMITMENTS) {
        let source = vault.note(*note).map_or("", |n| n.stem.as_str());
        let when = match task.due().and_then(|d| d.date) {
            Some(due) => format!(" — due {due}, {}", describe_due(due, today)),
            None => String::new(),
        };
        let _ = writeln!(card, "- {}{when} ({source})", task.text);
    }
    if sorted.len() > LISTED_COMMITMENTS {
        let _ = writeln!(card, "- … and {} more", sorted.len() - LISTED_COMMITMENTS);
    }
}

/// The first lines of a note's body, or of the section or block a link points at.
fn preview(text: &str, target: TextRange, frontmatter: Option<TextRange>) -> String {
    let start = if target.is_empty() {
        frontmatter.map_or(0, |f| f.end as usize)
    } else {
        target.start as usize
    };
    let start = crate::text::floor_char_boundary(text, start);
    let body = text[start..].trim_start_matches(['\r', '\n']);
    let limit = if target.is_empty() || !body.starts_with('#') {
        PREVIEW_LINES
    } else {
        PREVIEW_LINES / 2
    };
    let lines: Vec<&str> = body.lines().take(limit).collect();
    let mut preview = lines.join("\n");
    if body.lines().count() > limit {
        preview.push_str("\n…");
    }
    preview
}
