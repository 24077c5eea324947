//! Findings for one note: overdue and due-today action items, impossible dates, unresolved and
//! ambiguous links, broken frontmatter.

use chrono::NaiveDate;

use super::{TextSource, account, excerpt, explain_impossible_date, plural};
use crate::syntax::{DateKind, Link, ProblemKind, Subpath};
use crate::text::TextRange;
use crate::vault::{NoteId, NoteKind, Resolution, ResolvedVia, Severity, Vault, key};

pub use crate::vault::codes;

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
pub fn diagnostics(
    vault: &Vault,
    id: NoteId,
    today: NaiveDate,
    texts: &dyn TextSource,
) -> Vec<Diagnostic> {
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
    if let Some(message) = impossible_name_date(&note.stem) {
        push(
            &mut out,
            vault,
            TextRange::new(0, 0),
            codes::INVALID_DATE,
            message,
        );
    }
    let in_templates = note
        .path
        .starts_with(&format!("{}/", vault.config.templates_folder));
    if in_templates {
        out.retain(|d| d.code == codes::INVALID_FRONTMATTER);
        return out;
    }
    task_diagnostics(vault, id, today, &mut out);
    for link in summary.all_links() {
        if !link.in_comment {
            link_diagnostics(vault, &note.path, link, &mut out);
        }
    }
    if let Some(text) = texts.text(vault, id) {
        account_diagnostics(vault, id, &text, today, texts, &mut out);
    }
    out.sort_by_key(|d| (d.range.start, d.range.end, d.code));
    out
}

/// Explains a file name that starts with a date that does not exist, such as
/// `2026-02-30 - QBR: Acme Corp`: the note then does not count as a meeting.
fn impossible_name_date(stem: &str) -> Option<String> {
    let range = crate::syntax::iso_dates(stem)
        .next()
        .filter(|r| r.start == 0)?;
    let raw = &stem[range.as_usize()];
    if chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").is_ok() {
        return None;
    }
    Some(format!(
        "file name: {}; rename the note so that it counts as a meeting",
        explain_impossible_date(raw)
    ))
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
                excerpt(&task.text)
            );
            push(out, vault, due.field_range, codes::OVERDUE, message);
        } else if days == 0 {
            push(
                out,
                vault,
                due.field_range,
                codes::DUE_TODAY,
                format!("action item is due today: {}", excerpt(&task.text)),
            );
        }
        if task.due_not_at_end && due.kind == DateKind::Due {
            let message = "the Tasks plugin reads 📅 only in the fields at the end of the line; move the date after the description".to_string();
            push(out, vault, due.field_range, codes::DUE_NOT_AT_END, message);
        }
    }
}

fn account_diagnostics(
    vault: &Vault,
    id: NoteId,
    text: &str,
    today: NaiveDate,
    texts: &dyn TextSource,
    out: &mut Vec<Diagnostic>,
) {
    let facts = account::note_facts(vault, id, text);
    let impossible_dates: Vec<_> = vault
        .note(id)
        .map(|n| n.summary.problems.iter())
        .into_iter()
        .flatten()
        .filter(|p| matches!(p.kind, ProblemKind::ImpossibleDate(_)))
        .map(|p| p.range)
        .collect();
    for invalid in &facts.invalid {
        // An impossible date already has its own, more precise error.
        if impossible_dates.iter().any(|r| r.intersects(invalid.range)) {
            continue;
        }
        push(
            out,
            vault,
            invalid.range,
            codes::INVALID_HEALTH_VALUE,
            invalid.message.clone(),
        );
    }
    for signal in &facts.signals {
        let (mitigation, source) = account::mitigation(vault, texts, &signal.category);
        let from = source.map_or(String::new(), |playbook| format!(" (playbook: {playbook})"));
        let message = format!(
            "risk signal: {} — suggested mitigation{from}: {mitigation}",
            account::risk::display_name(&signal.category)
        );
        push(out, vault, signal.range, codes::RISK_SIGNAL, message);
    }
    let Some(account) = vault.account_of(id) else {
        return;
    };
    let is_page = vault
        .note(id)
        .is_some_and(|n| matches!(n.kind, NoteKind::AccountPage { .. }));
    let is_overview = vault.account_overview(account) == Some(id);
    let has_renewal = facts
        .observations
        .iter()
        .any(|o| o.key == account::HealthKey::Renewal);
    // The account report reads every note of the account: build it only where it is used.
    if !is_page || !(is_overview || has_renewal) {
        return;
    }
    let report = account::account_report(vault, account, today, texts);
    // The renewal is reported once, on the reading the account model uses.
    let current = report
        .current(account::HealthKey::Renewal)
        .filter(|o| o.note == id);
    if let (Some(renewal), Some(reading)) = (&report.renewal, current) {
        out.extend(renewal_diagnostic(vault, &report, renewal, reading.range));
    }
    if report.overview != Some(id) {
        return;
    }
    let heading = vault
        .note(id)
        .and_then(|n| n.summary.headings.first().map(|h| h.range))
        .unwrap_or(super::NOTE_START);
    match report.last_meeting() {
        Some(last) if (today - last.date).num_days() > i64::from(vault.config.stale_after_days) => {
            let days = (today - last.date).num_days();
            let message = format!(
                "no meeting with {} for {days} days (last on {})",
                report.name, last.date
            );
            push(out, vault, heading, codes::NO_RECENT_MEETING, message);
        }
        None => {
            let message = format!("no meeting with {} is recorded yet", report.name);
            push(out, vault, heading, codes::NO_RECENT_MEETING, message);
        }
        Some(_) => {}
    }
    for message in coverage_messages(&report) {
        push(out, vault, heading, codes::STAKEHOLDER_COVERAGE, message);
    }
}

/// Gaps in the account's stakeholder map.
fn coverage_messages(report: &account::AccountReport) -> Vec<String> {
    let mut messages = Vec::new();
    let people = &report.stakeholders;
    if !people.iter().any(|p| p.champion) {
        messages.push(format!(
            "{} has no champion recorded; mark one with `champion` in a role or next to their link",
            report.name
        ));
    }
    if !people.iter().any(|p| p.sponsor) {
        messages.push(format!("{} has no executive sponsor recorded", report.name));
    }
    for person in people
        .iter()
        .filter(|p| p.leaving && (p.champion || p.sponsor))
    {
        let role = if person.champion {
            "champion"
        } else {
            "executive sponsor"
        };
        messages.push(format!(
            "{role} {} is leaving; name a successor",
            person.name
        ));
    }
    messages
}

/// The renewal diagnostic: information in a wide window, warning in 60 or fewer days, one step
/// higher for a red account, and a warning when the date has passed.
fn renewal_diagnostic(
    vault: &Vault,
    report: &account::AccountReport,
    renewal: &account::Renewal,
    range: TextRange,
) -> Option<Diagnostic> {
    let band = report.score.as_ref().map(|s| s.band);
    let (severity, message) = if renewal.days < 0 {
        (
            Severity::Warning,
            format!(
                "renewal date {} passed {} days ago; update the Renewal field",
                renewal.date, -renewal.days
            ),
        )
    } else {
        let window = renewal.window?;
        let base = if window <= 60 {
            Severity::Warning
        } else {
            Severity::Information
        };
        let severity = match (band, base) {
            (Some(account::Band::Red), Severity::Information) => Severity::Warning,
            (Some(account::Band::Red), _) => Severity::Error,
            _ => base,
        };
        let health = report.score.as_ref().map_or(String::new(), |s| {
            format!("; health {} ({})", s.value, s.band.as_str())
        });
        (
            severity,
            format!(
                "renewal in {} days ({}), inside the {window}-day window{health}",
                renewal.days, renewal.date
            ),
        )
    };
    let configured = vault.config.severity.get(codes::RENEWAL_WINDOW).copied();
    let severity = match configured {
        Some(Severity::Off) => return None,
        Some(other) => other,
        None => severity,
    };
    Some(Diagnostic {
        range,
        severity,
        code: codes::RENEWAL_WINDOW,
        message,
    })
}

fn link_diagnostics(vault: &Vault, source: &str, link: &Link, out: &mut Vec<Diagnostic>) {
    let resolution = vault.resolve(&link.target, source);
    let id = match &resolution {
        Resolution::Unresolved if vault.resolves_to_attachment(&link.target, source) => return,
        Resolution::Unresolved => {
            let message = match vault.skipped_named(&link.target) {
                Some((path, reason)) => {
                    format!("unresolved link: `{path}` exists but could not be indexed: {reason}")
                }
                None => format!("unresolved link: no note named `{}`", link.target),
            };
            push(
                out,
                vault,
                link.target_range,
                codes::UNRESOLVED_LINK,
                message,
            );
            return;
        }
        Resolution::Ambiguous {
            id,
            candidates,
            via,
        } => {
            let paths: Vec<&str> = candidates
                .iter()
                .filter_map(|c| vault.note(*c).map(|n| n.path.as_str()))
                .collect();
            let chosen = vault.note(*id).map_or("", |n| n.path.as_str());
            // A folder in the link picks among notes of one name, not among notes that share an
            // alias.
            let message = match via {
                ResolvedVia::Alias => format!(
                    "ambiguous link: `{}` is an alias of {} notes ({}); it opens {chosen}, the shortest path; link to the note by its file name, or remove the alias from the others",
                    link.target,
                    paths.len(),
                    paths.join(", ")
                ),
                ResolvedVia::Name | ResolvedVia::Account => format!(
                    "ambiguous link: `{}` matches {} notes ({}); it opens {chosen}, the shortest path; add a folder to pick one",
                    link.target,
                    paths.len(),
                    paths.join(", ")
                ),
            };
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
    let (code, message) = match link.subpath.as_deref() {
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

/// Compares a heading with the heading part of a link after [`heading_link_text`] has rewritten
/// both, ignoring case and Unicode normalization form.
pub fn heading_matches(heading: &str, wanted: &str) -> bool {
    key(&heading_link_text(heading)) == key(&heading_link_text(wanted))
}

/// Rewrites a heading in the form Obsidian's link suggestions write after `#`. Each character
/// that would break the link (`#`, `|`, `^`, `:`, `%`, `[`, `]`) becomes a space, and each run of
/// whitespace becomes one space, so `10:30 Sync` is linked as `10 30 Sync`.
pub fn heading_link_text(heading: &str) -> String {
    let spaced: String = heading
        .chars()
        .map(|c| {
            if matches!(c, '#' | '|' | '^' | ':' | '%' | '[' | ']') {
                ' '
            } else {
                c
            }
        })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
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
