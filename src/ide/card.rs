//! The account health card shown on hover: score and band, NPS and adoption with trend,
//! renewal, commitments and top risks.

use std::fmt::Write;

use super::account::{AccountReport, HealthKey, Observation, Value, risk, values};
use super::{describe_due, plural};

/// Risks listed on the card.
const TOP_RISKS: usize = 3;

/// Renders the card as Markdown.
pub fn health_card(report: &AccountReport) -> String {
    let mut card = format!("**{}**", report.name);
    match &report.score {
        Some(score) => {
            let _ = write!(
                card,
                " · health **{}** ({})",
                score.value,
                score.band.as_str()
            );
        }
        None => card.push_str(" · no health data yet"),
    }
    card.push('\n');
    let mut lines = Vec::new();
    for key in [HealthKey::Nps, HealthKey::Adoption, HealthKey::Arr] {
        if let Some(line) = reading(report, key) {
            lines.push(line);
        }
    }
    if let Some(renewal) = &report.renewal {
        let when = if renewal.days < 0 {
            format!("{} days ago", -renewal.days)
        } else {
            describe_due(renewal.date, report.today)
        };
        let window = renewal
            .window
            .map_or(String::new(), |w| format!(", inside the {w}-day window"));
        let source = report
            .current(HealthKey::Renewal)
            .map_or(String::new(), imported_from);
        lines.push(format!("Renewal {} ({when}{window}){source}", renewal.date));
    }
    let overdue = report.overdue().count();
    let days = report.due_soon_days;
    let soon = report
        .commitments
        .iter()
        .filter(|c| c.is_due_soon(report.today, days))
        .count();
    lines.push(format!(
        "{}, {overdue} overdue, {soon} due within {days} days",
        plural(report.commitments.len(), "open commitment")
    ));
    if let Some(last) = report.last_meeting() {
        let days = (report.today - last.date).num_days();
        let kind = last.kind.as_deref().unwrap_or("meeting");
        lines.push(format!(
            "Last meeting {} ({kind}), {} ago",
            last.date,
            plural(usize::try_from(days).unwrap_or(0), "day")
        ));
    }
    for line in lines {
        let _ = writeln!(card, "- {line}");
    }
    let mut seen = Vec::new();
    let risks: Vec<String> = report
        .open_signals()
        .filter(|s| {
            let new = !seen.contains(&s.category);
            seen.push(s.category.clone());
            new
        })
        .take(TOP_RISKS)
        .map(|s| format!("{}: {}", risk::display_name(&s.category), s.text))
        .collect();
    if !risks.is_empty() {
        let _ = writeln!(card, "\nTop risks:");
        for risk in risks {
            let _ = writeln!(card, "- {risk}");
        }
    }
    card
}

/// "NPS 7 (down from 9)", "Adoption 64% (target 75%, down from 66%)".
pub fn reading(report: &AccountReport, key: HealthKey) -> Option<String> {
    let current = report.current(key)?;
    let mut line = format!("{} {}", key.name(), current.parsed.value.display());
    if let (Some(previous), Some(now)) = (report.previous(key), current.parsed.value.number()) {
        if let Some(before) = previous.number() {
            let trend = if now > before {
                "up"
            } else if now < before {
                "down"
            } else {
                "flat"
            };
            let before = match previous {
                Value::Percent { value, .. } => format!("{}%", values::format_number(value)),
                other => other.display(),
            };
            let _ = write!(line, ", {trend} from {before}");
        }
    }
    line.push_str(&imported_from(current));
    Some(line)
}

/// Formats " · imported from Salesforce on 2026-03-15" for an imported reading, with the
/// reading's date, and nothing for a value written by hand.
fn imported_from(reading: &Observation) -> String {
    match (&reading.imported, reading.date) {
        (Some(imported), Some(date)) => format!(" · imported from {} on {date}", imported.title),
        (Some(imported), None) => format!(" · imported from {}", imported.title),
        (None, _) => String::new(),
    }
}
