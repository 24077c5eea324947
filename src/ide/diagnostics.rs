//! Findings for one note: overdue and due-today action items, impossible dates, unresolved and
//! ambiguous links, broken frontmatter.

use chrono::NaiveDate;

use super::{explain_impossible_date, plural};
use crate::syntax::{DateKind, Link, ProblemKind, Subpath};
use crate::text::TextRange;
use crate::vault::{NoteId, Resolution, Severity, Vault};

/// Stable diagnostic codes, as shown to users and accepted in `[diagnostics.severity]`.
pub mod codes {
    /// An open action item whose due date has passed.
    pub const OVERDUE: &str = "overdue";
    /// An open action item due today.
    pub const DUE_TODAY: &str = "due-today";
    /// A `YYYY-MM-DD` date that does not exist.
    pub const INVALID_DATE: &str = "invalid-date";
    /// A 📅 due date followed by description text, which the Tasks plugin does not read.
    pub const DUE_NOT_AT_END: &str = "due-not-at-end";
    /// A link to a note that does not exist.
    pub const UNRESOLVED_LINK: &str = "unresolved-link";
    /// A link that matches several notes.
    pub const AMBIGUOUS_LINK: &str = "ambiguous-link";
    /// A link to a heading the target note does not have.
    pub const UNRESOLVED_HEADING: &str = "unresolved-heading";
    /// A link to a block id the target note does not have.
    pub const UNRESOLVED_BLOCK: &str = "unresolved-block";
    /// Frontmatter that is not valid YAML or is never closed.
    pub const INVALID_FRONTMATTER: &str = "invalid-frontmatter";

    /// Every code with its default severity.
    pub const ALL: &[(&str, super::Severity)] = &[
        (OVERDUE, super::Severity::Warning),
        (DUE_TODAY, super::Severity::Information),
        (INVALID_DATE, super::Severity::Error),
        (DUE_NOT_AT_END, super::Severity::Hint),
        (UNRESOLVED_LINK, super::Severity::Warning),
        (AMBIGUOUS_LINK, super::Severity::Warning),
        (UNRESOLVED_HEADING, super::Severity::Warning),
        (UNRESOLVED_BLOCK, super::Severity::Warning),
        (INVALID_FRONTMATTER, super::Severity::Warning),
    ];
}

/// One finding in a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// What the finding is about.
    pub range: TextRange,
    /// How serious it is (never [`Severity::Off`]).
    pub severity: Severity,
    /// Stable code from [`codes`].
    pub code: &'static str,
    /// One sentence for the user.
    pub message: String,
}

/// Computes the diagnostics of one indexed note, sorted by position.
pub fn diagnostics(vault: &Vault, id: NoteId, today: NaiveDate) -> Vec<Diagnostic> {
    let Some(note) = vault.note(id) else {
        return Vec::new();
    };
    if !vault.config.diagnostics_enabled {
        return Vec::new();
    }
    let mut out = Vec::new();
    let summary = &note.summary;
    for problem in &summary.problems {
        let (code, message) = match &problem.kind {
            ProblemKind::InvalidFrontmatter(reason) => (
                codes::INVALID_FRONTMATTER,
                format!(
                    "invalid frontmatter: {reason}; the note's properties are ignored until it is fixed"
                ),
            ),
            ProblemKind::UnclosedFrontmatter => (
                codes::INVALID_FRONTMATTER,
                "frontmatter is not closed: add a `---` line after the properties".to_string(),
            ),
            ProblemKind::ImpossibleDate(raw) => (codes::INVALID_DATE, explain_impossible_date(raw)),
        };
        push(&mut out, vault, problem.range, code, message);
    }
    let in_templates = note
        .path
        .starts_with(&format!("{}/", vault.config.templates_folder));
    if in_templates {
        out.retain(|d| d.code == codes::INVALID_FRONTMATTER);
        return out;
    }
    task_diagnostics(vault, id, today, &mut out);
    for link in &summary.links {
        if !link.in_comment {
            link_diagnostics(vault, &note.path, link, &mut out);
        }
    }
    out.sort_by_key(|d| (d.range.start, d.range.end, d.code));
    out
}

fn task_diagnostics(vault: &Vault, id: NoteId, today: NaiveDate, out: &mut Vec<Diagnostic>) {
    let Some(note) = vault.note(id) else { return };
    for task in note.summary.tasks.iter().filter(|t| t.status.is_open()) {
        let Some(due) = task.due() else { continue };
        let Some(date) = due.date else { continue };
        let days = (today - date).num_days();
        if days > 0 {
            let message = format!(
                "action item is {} overdue (due {date}): {}",
                plural(usize::try_from(days).unwrap_or(usize::MAX), "day"),
                task.text
            );
            push(out, vault, due.field_range, codes::OVERDUE, message);
        } else if days == 0 {
            push(
                out,
                vault,
                due.field_range,
                codes::DUE_TODAY,
                format!("action item is due today: {}", task.text),
            );
        }
        if task.due_not_at_end && due.kind == DateKind::Due {
            let message = "the Tasks plugin reads 📅 only in the fields at the end of the line; move the date after the description".to_string();
            push(out, vault, due.field_range, codes::DUE_NOT_AT_END, message);
        }
    }
}

fn link_diagnostics(vault: &Vault, source: &str, link: &Link, out: &mut Vec<Diagnostic>) {
    let resolution = vault.resolve(&link.target, source);
    let id = match &resolution {
        Resolution::Unresolved => {
            let message = format!("unresolved link: no note named `{}`", link.target);
            push(
                out,
                vault,
                link.target_range,
                codes::UNRESOLVED_LINK,
                message,
            );
            return;
        }
        Resolution::Ambiguous { id, candidates } => {
            let paths: Vec<&str> = candidates
                .iter()
                .filter_map(|c| vault.note(*c).map(|n| n.path.as_str()))
                .collect();
            let chosen = vault.note(*id).map_or("", |n| n.path.as_str());
            let message = format!(
                "ambiguous link: `{}` matches {} notes ({}); it opens {chosen}, the shortest path; add a folder to pick one",
                link.target,
                paths.len(),
                paths.join(", ")
            );
            push(
                out,
                vault,
                link.target_range,
                codes::AMBIGUOUS_LINK,
                message,
            );
            *id
        }
        Resolution::Note { id, .. } => *id,
    };
    let Some(target) = vault.note(id) else { return };
    let summary = &target.summary;
    let (code, message) = match &link.subpath {
        Some(Subpath::Heading(chain)) => {
            let wanted = chain.last().map_or("", String::as_str);
            if summary
                .headings
                .iter()
                .any(|h| heading_matches(&h.text, wanted))
            {
                return;
            }
            (
                codes::UNRESOLVED_HEADING,
                format!("no heading `{wanted}` in {}", target.stem),
            )
        }
        Some(Subpath::Block(block)) => {
            if summary
                .block_ids
                .iter()
                .any(|b| b.id.eq_ignore_ascii_case(block))
            {
                return;
            }
            (
                codes::UNRESOLVED_BLOCK,
                format!("no block `^{block}` in {}", target.stem),
            )
        }
        None => return,
    };
    push(out, vault, link.target_range, code, message);
}

/// Compares a heading with the heading part of a link: case-insensitive, trimmed, and with the
/// characters Obsidian drops from heading links (`#`, `|`, `^`, `:`, `%`, `[`, `]`) ignored.
pub fn heading_matches(heading: &str, wanted: &str) -> bool {
    let normalize = |s: &str| {
        s.chars()
            .filter(|c| !matches!(c, '#' | '|' | '^' | ':' | '%' | '[' | ']'))
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    normalize(heading) == normalize(wanted)
}

fn push(
    out: &mut Vec<Diagnostic>,
    vault: &Vault,
    range: TextRange,
    code: &'static str,
    message: String,
) {
    let default = codes::ALL
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(Severity::Warning, |(_, s)| *s);
    let severity = vault.config.severity.get(code).copied().unwrap_or(default);
    if severity != Severity::Off {
        out.push(Diagnostic {
            range,
            severity,
            code,
            message,
        });
    }
}
