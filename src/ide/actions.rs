//! Code actions: generators for the note's account, a stakeholder page for an unresolved link,
//! applying a meeting to its account, and the action-item edits (done, snooze, reassign).
//!
//! Actions that create notes from the whole account picture are commands the server runs; the
//! small ones carry their edits.

use chrono::{Duration, NaiveDate};

use super::account::{Band, HealthKey, account_report, note_facts};
use super::generate::{self, NewNote, notes::Request};
use super::{TextSource, link_at};
use crate::syntax::LinkKind;
use crate::text::{TextRange, to_size};
use crate::vault::{NoteId, NoteKind, Resolution, Vault};

/// The LSP code action kind an action is offered under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    /// Fixes a problem at the cursor.
    QuickFix,
    /// Rewrites the text at the cursor.
    Rewrite,
    /// Acts on the whole note or account; the string is the sub-kind (`generateQbr`).
    Source(&'static str),
}

/// A command the server runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Compile a QBR note for the account.
    GenerateQbr(String),
    /// Compile a save plan for the account.
    GenerateSavePlan(String),
    /// Draft an escalation brief for the account, from the selected text when there is one.
    DraftEscalationBrief {
        /// The account.
        account: String,
        /// Selected text describing the issue.
        issue: Option<String>,
    },
    /// Create the four pages of a new account.
    NewAccount(String),
}

/// A change to one note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoteChange {
    /// Create a new note (the path is free).
    Create(NewNote),
    /// Replace a range of an existing note.
    Edit {
        /// The note.
        note: NoteId,
        /// Byte range in the note's current text.
        range: TextRange,
        /// Replacement text.
        text: String,
    },
}

/// What an action does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Runs a command.
    Command(Command),
    /// Applies edits.
    Edits(Vec<NoteChange>),
}

/// A code action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// Title shown in the menu.
    pub title: String,
    /// Kind.
    pub kind: ActionKind,
    /// Whether the editor may apply it with a single shortcut.
    pub preferred: bool,
    /// What it does.
    pub effect: Effect,
}

/// Reassignment targets offered per task.
const REASSIGN_TARGETS: usize = 4;

/// Actions for the cursor or selection `range` in note `id` (whose current text is `text`).
pub fn code_actions(
    vault: &Vault,
    id: NoteId,
    text: &str,
    range: TextRange,
    today: NaiveDate,
    texts: &dyn TextSource,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let Some(note) = vault.note(id) else {
        return actions;
    };
    let request = Request {
        vault,
        root: &vault.root,
        today,
        texts,
    };
    if let Some(link) = link_at(&note.summary, range.start) {
        if link.kind != LinkKind::Markdown
            && !link.target.is_empty()
            && vault.resolve(&link.target, &note.path) == Resolution::Unresolved
            && !vault.resolves_to_attachment(&link.target, &note.path)
        {
            actions.extend(missing_note_actions(vault, id, &request, &link.target));
        }
    }
    if let Some(task) = note
        .summary
        .tasks
        .iter()
        .find(|t| t.range.contains_inclusive(range.start))
    {
        actions.extend(task_actions(vault, id, task, today, texts));
    }
    let Some(account) = vault.account_of(id) else {
        return actions;
    };
    let name = account.name.clone();
    let report = account_report(vault, account, today, texts);
    let at_risk = report.score.as_ref().is_some_and(|s| s.band != Band::Green);
    let signal_here = note_facts(vault, id, text)
        .signals
        .iter()
        .any(|s| s.range.intersects(range) || s.range.contains_inclusive(range.start));
    if matches!(note.kind, NoteKind::Meeting(_)) {
        actions.extend(apply_meeting_action(vault, id, &report, texts));
    }
    actions.push(Action {
        title: format!("Generate QBR note for {name}"),
        kind: ActionKind::Source("generateQbr"),
        preferred: false,
        effect: Effect::Command(Command::GenerateQbr(name.clone())),
    });
    let save_plan = Effect::Command(Command::GenerateSavePlan(name.clone()));
    if at_risk || signal_here {
        let why = match &report.score {
            Some(score) if at_risk => format!("health {} ({})", score.value, score.band.as_str()),
            _ => "risk signal".to_string(),
        };
        actions.push(Action {
            title: format!("Generate save plan for {name} ({why})"),
            kind: ActionKind::QuickFix,
            preferred: false,
            effect: save_plan.clone(),
        });
    }
    actions.push(Action {
        title: format!("Generate save plan for {name}"),
        kind: ActionKind::Source("generateSavePlan"),
        preferred: false,
        effect: save_plan,
    });
    let selected = text
        .get(range.as_usize())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let title = if selected.is_some() {
        format!("Draft escalation brief for {name} from the selection")
    } else {
        format!("Draft escalation brief for {name}")
    };
    actions.push(Action {
        title,
        kind: ActionKind::Source("draftEscalationBrief"),
        preferred: false,
        effect: Effect::Command(Command::DraftEscalationBrief {
            account: name,
            issue: selected,
        }),
    });
    actions
}

/// Quick fixes for an unresolved link: a stakeholder page in each relationship group, and the
/// pages of a new account of that name.
fn missing_note_actions(
    vault: &Vault,
    id: NoteId,
    request: &Request<'_>,
    target: &str,
) -> Vec<Action> {
    let name = target.rsplit('/').next().unwrap_or(target);
    let account = vault.account_of(id).map(|a| a.name.clone());
    let mut groups: Vec<String> = vault
        .notes()
        .filter_map(|(_, n)| match &n.kind {
            NoteKind::Person(person) => person.group.clone(),
            _ => None,
        })
        .collect();
    groups.sort();
    groups.dedup();
    if groups.is_empty() {
        groups.push("Champions".to_string());
    }
    // Customer contacts live under Champions in the standard layout: offer that first.
    groups.sort_by_key(|g| g != "Champions");
    let mut actions = Vec::new();
    for (index, group) in groups.iter().enumerate() {
        let Ok(note) = generate::person_note(request, name, group, account.as_deref()) else {
            continue;
        };
        actions.push(Action {
            title: format!("Create stakeholder note {}", note.path),
            kind: ActionKind::QuickFix,
            preferred: index == 0,
            effect: Effect::Edits(vec![NoteChange::Create(note)]),
        });
    }
    if let Ok(pages) = generate::new_account(request, name) {
        actions.push(Action {
            title: format!("Create account {name} (Overview, Health, Stakeholders, Success Plan)"),
            kind: ActionKind::QuickFix,
            preferred: false,
            effect: Effect::Edits(pages.into_iter().map(NoteChange::Create).collect()),
        });
    }
    actions
}

/// Adds `field` to the end of a task line, before a trailing `^block-id`: the id must stay last
/// for links to find it.
fn append_field(id: NoteId, task: &crate::syntax::Task, line: &str, field: &str) -> NoteChange {
    let (at, text) = match crate::syntax::trailing_block_id(line) {
        Some(block) => (task.range.start + to_size(block.start), format!("{field} ")),
        None => (task.range.end, format!(" {field}")),
    };
    NoteChange::Edit {
        note: id,
        range: TextRange::new(at, at),
        text,
    }
}

/// Builds the insertion of a recurring task's next occurrence as a new line above it, where
/// the Tasks plugin adds it. Returns `None` when Dex does not compute the task's rule.
fn next_occurrence_insert(
    text: &str,
    task: &crate::syntax::Task,
    today: NaiveDate,
) -> Option<(TextRange, String)> {
    let line = text.get(task.range.as_usize())?;
    let next = super::recurrence::next_occurrence(task, line, today)?;
    let start = task.range.start as usize;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    // The new line ends as the task's line does, or as the note's lines do at its end.
    let rest = &text[task.range.end as usize..];
    let crlf = rest.starts_with("\r\n") || (rest.is_empty() && text.contains("\r\n"));
    let ending = if crlf { "\r\n" } else { "\n" };
    let at = to_size(line_start);
    let prefix = &text[line_start..start];
    Some((TextRange::new(at, at), format!("{prefix}{next}{ending}")))
}

/// Mark done, snooze, and reassign for an open task.
fn task_actions(
    vault: &Vault,
    id: NoteId,
    task: &crate::syntax::Task,
    today: NaiveDate,
    texts: &dyn TextSource,
) -> Vec<Action> {
    let mut actions = Vec::new();
    if !task.status.is_open() {
        return actions;
    }
    let edit = |range: TextRange, new: String| NoteChange::Edit {
        note: id,
        range,
        text: new,
    };
    let text = texts.text(vault, id).unwrap_or_default();
    let line = text.get(task.range.as_usize()).unwrap_or_default();
    let append = |field: String| append_field(id, task, line, &field);
    let done = vec![
        edit(task.marker_range, "x".to_string()),
        append(format!("✅ {today}")),
    ];
    if task.recurrence.is_none() {
        actions.push(Action {
            title: "Mark action item done".to_string(),
            kind: ActionKind::Rewrite,
            preferred: false,
            effect: Effect::Edits(done),
        });
    } else if let Some((at, next)) = next_occurrence_insert(&text, task, today) {
        let mut done = done;
        done.push(edit(at, next));
        actions.push(Action {
            title: "Mark action item done and add the next occurrence".to_string(),
            kind: ActionKind::Rewrite,
            preferred: false,
            effect: Effect::Edits(done),
        });
    }
    // NOTE: a recurrence rule other than `every [N] day|week|month|year` is not computed, so
    // such a task gets no done action rather than one that ends its series.
    if let Some(due) = task.due() {
        let base = due.date.map_or(today, |d| d.max(today));
        for (label, days) in [("one day", 1), ("one week", 7)] {
            let new = (base + Duration::days(days)).to_string();
            actions.push(Action {
                title: format!("Snooze {label} (due {new})"),
                kind: ActionKind::Rewrite,
                preferred: false,
                effect: Effect::Edits(vec![edit(due.range, new)]),
            });
        }
    } else {
        let new = (today + Duration::days(7)).to_string();
        actions.push(Action {
            title: format!("Add a due date a week from today ({new})"),
            kind: ActionKind::Rewrite,
            preferred: false,
            effect: Effect::Edits(vec![append(format!("📅 {new}"))]),
        });
    }
    let Some(account) = vault.account_of(id) else {
        return actions;
    };
    let report = account_report(vault, account, today, texts);
    let current_owner = task.owner.as_deref().map(crate::vault::key);
    let owner_link = vault.note(id).and_then(|n| {
        n.summary.links.iter().find(|l| {
            task.range.contains_inclusive(l.range.start)
                && l.kind == LinkKind::Wiki
                && Some(crate::vault::key(&l.target)) == current_owner
        })
    });
    for person in report
        .stakeholders
        .iter()
        .filter(|p| !p.leaving)
        .take(REASSIGN_TARGETS)
    {
        if Some(crate::vault::key(&person.name)) == current_owner {
            continue;
        }
        let link = format!("[[{}]]", generate::link_text(vault, person.note));
        let change = match owner_link {
            Some(old) => edit(old.range, link.clone()),
            None => {
                // No owner link yet: put the new owner before the first field.
                let at = task
                    .dates
                    .first()
                    .map_or(task.range.end, |d| d.field_range.start);
                let insert = if at == task.range.end {
                    format!(" {link}")
                } else {
                    format!("{link} ")
                };
                edit(TextRange::new(at, at), insert)
            }
        };
        actions.push(Action {
            title: format!("Reassign to {}", person.name),
            kind: ActionKind::Rewrite,
            preferred: false,
            effect: Effect::Edits(vec![change]),
        });
    }
    actions
}

/// Appends the meeting's health readings to the account's Health page history and adds people
/// the meeting links to who are missing from the Stakeholders page.
fn apply_meeting_action(
    vault: &Vault,
    id: NoteId,
    report: &super::account::AccountReport,
    texts: &dyn TextSource,
) -> Option<Action> {
    let note = vault.note(id)?;
    let date = super::account::note_date(vault, id)?;
    let text = texts.text(vault, id)?;
    let facts = note_facts(vault, id, &text);
    let mut changes = Vec::new();
    let page = |stem: &str| {
        report.members.iter().copied().find(|&m| {
            vault.note(m).is_some_and(|n| {
                matches!(n.kind, NoteKind::AccountPage { .. }) && n.stem.eq_ignore_ascii_case(stem)
            })
        })
    };
    let readings: Vec<String> = [
        HealthKey::Nps,
        HealthKey::Adoption,
        HealthKey::Health,
        HealthKey::Renewal,
        HealthKey::Arr,
    ]
    .iter()
    .filter_map(|key| {
        facts
            .observations
            .iter()
            .find(|o| o.key == *key)
            .map(|o| format!("{}: {}", key.name(), o.parsed.value.display()))
    })
    .collect();
    if let (Some(health), false) = (page("Health"), readings.is_empty()) {
        let health_text = texts.text(vault, health)?;
        let line = format!(
            "- {date}: {} ([[{}]])\n",
            readings.join(", "),
            generate::link_text(vault, id)
        );
        changes.push(append_under_heading(
            vault,
            health,
            &health_text,
            "History",
            &line,
        ));
    }
    let known: Vec<NoteId> = report.stakeholders.iter().map(|s| s.note).collect();
    let mut new_people: Vec<String> = Vec::new();
    for link in &note.summary.links {
        let Some(target) = vault.resolve(&link.target, &note.path).id() else {
            continue;
        };
        let Some(person) = vault.note(target) else {
            continue;
        };
        if matches!(person.kind, NoteKind::Person(_)) && !known.contains(&target) {
            let name = format!("[[{}]]", generate::link_text(vault, target));
            if !new_people.contains(&name) {
                new_people.push(name);
            }
        }
    }
    if let (Some(stakeholders), false) = (page("Stakeholders"), new_people.is_empty()) {
        let page_text = texts.text(vault, stakeholders)?;
        let lines: String = new_people
            .iter()
            .flat_map(|p| [format!("- {p} (met {date})"), "\n".to_string()])
            .collect();
        changes.push(append_under_heading(
            vault,
            stakeholders,
            &page_text,
            "New stakeholders",
            &lines,
        ));
    }
    (!changes.is_empty()).then(|| Action {
        title: format!(
            "Apply this meeting to {}: health history and stakeholders",
            report.name
        ),
        kind: ActionKind::Source("applyMeeting"),
        preferred: false,
        effect: Effect::Edits(changes),
    })
}

/// An edit that appends `lines` at the end of the section `heading` (created at the end of the
/// note when missing).
fn append_under_heading(
    vault: &Vault,
    id: NoteId,
    text: &str,
    heading: &str,
    lines: &str,
) -> NoteChange {
    let summary = vault.note(id).map(|n| n.summary.clone());
    let section = summary.as_ref().and_then(|s| {
        s.headings
            .iter()
            .find(|h| h.text.eq_ignore_ascii_case(heading))
            .map(|h| h.section_end)
    });
    let (at, insert) = match section {
        Some(end) => {
            let end = end as usize;
            let before = text[..end].trim_end_matches(['\n', '\r']);
            let at = crate::text::to_size(before.len());
            (
                TextRange::new(at, at),
                format!("\n{}", lines.trim_end_matches('\n')),
            )
        }
        None => {
            let at = crate::text::to_size(text.len());
            let gap = if text.ends_with('\n') { "\n" } else { "\n\n" };
            (
                TextRange::new(at, at),
                format!("{gap}## {heading}\n{lines}"),
            )
        }
    };
    NoteChange::Edit {
        note: id,
        range: at,
        text: insert,
    }
}
