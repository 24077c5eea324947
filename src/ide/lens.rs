//! Code lenses on an account's Overview: the health summary and the generators.

use chrono::NaiveDate;

use super::TextSource;
use super::account::account_report;
use crate::text::TextRange;
use crate::vault::{NoteId, NoteKind, Vault};

/// What clicking a lens does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LensCommand {
    /// Nothing: the lens is a label.
    None,
    /// Generate a QBR note for the account.
    GenerateQbr(String),
    /// Generate a save plan for the account.
    GenerateSavePlan(String),
    /// Draft an escalation brief for the account.
    DraftEscalationBrief(String),
}

/// A code lens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lens {
    /// The line it sits above.
    pub range: TextRange,
    /// Text shown.
    pub title: String,
    /// What it runs.
    pub command: LensCommand,
}

/// Lenses for note `id`: on an account's Overview, a summary such as
/// "Health 62 (yellow) · renewal in 48 days · 2 overdue", then one lens per generator.
pub fn code_lenses(
    vault: &Vault,
    id: NoteId,
    today: NaiveDate,
    texts: &dyn TextSource,
) -> Vec<Lens> {
    let Some(note) = vault.note(id) else {
        return Vec::new();
    };
    let NoteKind::AccountPage { account } = &note.kind else {
        return Vec::new();
    };
    let Some(account) = vault.account(account) else {
        return Vec::new();
    };
    if vault.account_overview(account) != Some(id) {
        return Vec::new();
    }
    let report = account_report(vault, account, today, texts);
    let range = note
        .summary
        .headings
        .first()
        .map_or(super::NOTE_START, |h| h.range);
    let mut parts = Vec::new();
    match &report.score {
        Some(score) => parts.push(format!("Health {} ({})", score.value, score.band.as_str())),
        None => parts.push("Health: no data".to_string()),
    }
    if let Some(renewal) = &report.renewal {
        parts.push(if renewal.days >= 0 {
            format!("renewal in {} days", renewal.days)
        } else {
            format!("renewal {} days ago", -renewal.days)
        });
    }
    parts.push(format!("{} overdue", report.overdue().count()));
    let name = report.name.clone();
    vec![
        Lens {
            range,
            title: parts.join(" · "),
            command: LensCommand::None,
        },
        Lens {
            range,
            title: "Generate QBR".to_string(),
            command: LensCommand::GenerateQbr(name.clone()),
        },
        Lens {
            range,
            title: "Save plan".to_string(),
            command: LensCommand::GenerateSavePlan(name.clone()),
        },
        Lens {
            range,
            title: "Escalation brief".to_string(),
            command: LensCommand::DraftEscalationBrief(name),
        },
    ]
}
