//! The portfolio review across the book: accounts by band, renewals inside each window,
//! overdue commitments, top risks and expansion.

use std::fmt::Write;

use chrono::NaiveDate;
use serde::Serialize;

use crate::ide::TextSource;
use crate::ide::account::{Band, HealthKey, account_report, risk, values};
use crate::vault::Vault;

/// One account's line in the review.
#[derive(Clone, Debug, Serialize)]
pub struct AccountLine {
    /// Account name.
    pub name: String,
    /// Path of the Overview, relative to the vault root.
    pub overview: Option<String>,
    /// Health score.
    pub score: Option<u32>,
    /// Band: `green`, `yellow`, `red`, or `none` without data.
    pub band: &'static str,
    /// ARR, when recorded.
    pub arr: Option<f64>,
    /// Renewal date.
    pub renewal: Option<NaiveDate>,
    /// Days to renewal.
    pub renewal_days: Option<i64>,
    /// The renewal window the date falls in.
    pub renewal_window: Option<u32>,
    /// Open commitments.
    pub open_commitments: usize,
    /// Overdue commitments.
    pub overdue_commitments: usize,
    /// Open risk categories, most recent first.
    pub risks: Vec<String>,
    /// Expansion items.
    pub expansion: Vec<String>,
    /// Sum of expansion amounts.
    pub expansion_total: f64,
}

/// The whole review.
#[derive(Clone, Debug, Serialize)]
pub struct Portfolio {
    /// The day it describes.
    pub today: NaiveDate,
    /// Every account, red first, then by score and name.
    pub accounts: Vec<AccountLine>,
}

/// Builds the review of every account.
pub fn portfolio(vault: &Vault, today: NaiveDate, texts: &dyn TextSource) -> Portfolio {
    let mut accounts: Vec<AccountLine> = vault
        .accounts()
        .map(|account| {
            let report = account_report(vault, account, today, texts);
            let mut risks: Vec<String> = Vec::new();
            for signal in report.open_signals() {
                let name = risk::display_name(&signal.category);
                if !risks.contains(&name) {
                    risks.push(name);
                }
            }
            AccountLine {
                overview: report
                    .overview
                    .and_then(|id| vault.note(id))
                    .map(|n| n.path.clone()),
                score: report.score.as_ref().map(|s| s.value),
                band: report.score.as_ref().map_or("none", |s| s.band.as_str()),
                arr: report
                    .current(HealthKey::Arr)
                    .and_then(|o| o.parsed.value.number()),
                renewal: report.renewal.map(|r| r.date),
                renewal_days: report.renewal.map(|r| r.days),
                renewal_window: report.renewal.and_then(|r| r.window),
                open_commitments: report.commitments.len(),
                overdue_commitments: report.overdue().count(),
                risks,
                expansion: report.expansion.iter().map(|i| i.text.clone()).collect(),
                expansion_total: report.expansion.iter().filter_map(|i| i.amount).sum(),
                name: report.name,
            }
        })
        .collect();
    let band_order = |band: &str| match band {
        "red" => 0,
        "yellow" => 1,
        "green" => 2,
        _ => 3,
    };
    accounts.sort_by(|a, b| {
        (band_order(a.band), a.score, &a.name).cmp(&(band_order(b.band), b.score, &b.name))
    });
    Portfolio { today, accounts }
}

/// The review as a Markdown note.
pub fn render(portfolio: &Portfolio, windows: &[u32]) -> String {
    let mut out = format!(
        "---\ndate: {}\ntype: portfolio-review\n---\n# {} - Portfolio review\n\n",
        portfolio.today, portfolio.today
    );
    render_bands(&mut out, portfolio);
    render_renewals(&mut out, portfolio, windows);
    let _ = writeln!(out, "## Overdue commitments\n");
    let overdue: Vec<&AccountLine> = portfolio
        .accounts
        .iter()
        .filter(|a| a.overdue_commitments > 0)
        .collect();
    if overdue.is_empty() {
        out.push_str("- None.\n");
    }
    for line in overdue {
        let _ = writeln!(
            out,
            "- [[{}]]: {} overdue of {} open",
            line.name, line.overdue_commitments, line.open_commitments
        );
    }
    let _ = writeln!(out, "\n## Top risks\n");
    let risky: Vec<&AccountLine> = portfolio
        .accounts
        .iter()
        .filter(|a| !a.risks.is_empty())
        .collect();
    if risky.is_empty() {
        out.push_str("- None.\n");
    }
    for line in risky {
        let _ = writeln!(out, "- [[{}]]: {}", line.name, line.risks.join(", "));
    }
    let _ = writeln!(out, "\n## Expansion\n");
    let growing: Vec<&AccountLine> = portfolio
        .accounts
        .iter()
        .filter(|a| !a.expansion.is_empty())
        .collect();
    if growing.is_empty() {
        out.push_str("- None.\n");
    }
    for line in growing {
        let total = if line.expansion_total > 0.0 {
            format!(" (about {})", values::format_money(line.expansion_total))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "- [[{}]]{total}: {}",
            line.name,
            line.expansion.join("; ")
        );
    }
    out
}

fn render_bands(out: &mut String, portfolio: &Portfolio) {
    let _ = writeln!(out, "## Accounts by band\n");
    for band in [Band::Red, Band::Yellow, Band::Green] {
        let lines: Vec<&AccountLine> = portfolio
            .accounts
            .iter()
            .filter(|a| a.band == band.as_str())
            .collect();
        let _ = writeln!(out, "### {} ({})", capitalize(band.as_str()), lines.len());
        for line in lines {
            let score = line
                .score
                .map_or(String::new(), |s| format!(" — health {s}"));
            let arr = line.arr.map_or(String::new(), |a| {
                format!(", ARR {}", values::format_money(a))
            });
            let _ = writeln!(out, "- [[{}]]{score}{arr}", line.name);
        }
        out.push('\n');
    }
    let no_data: Vec<&AccountLine> = portfolio
        .accounts
        .iter()
        .filter(|a| a.band == "none")
        .collect();
    if !no_data.is_empty() {
        let _ = writeln!(out, "### No health data ({})", no_data.len());
        for line in no_data {
            let _ = writeln!(out, "- [[{}]]", line.name);
        }
        out.push('\n');
    }
}

fn render_renewals(out: &mut String, portfolio: &Portfolio, windows: &[u32]) {
    let _ = writeln!(out, "## Renewals inside a window\n");
    let mut any = false;
    for window in windows.iter().rev() {
        let lines: Vec<&AccountLine> = portfolio
            .accounts
            .iter()
            .filter(|a| a.renewal_window == Some(*window))
            .collect();
        if lines.is_empty() {
            continue;
        }
        any = true;
        let _ = writeln!(out, "### Within {window} days");
        for line in lines {
            let date = line.renewal.map(|d| d.to_string()).unwrap_or_default();
            let days = line.renewal_days.unwrap_or_default();
            let _ = writeln!(
                out,
                "- [[{}]] renews {date} (in {days} days), {}",
                line.name, line.band
            );
        }
        out.push('\n');
    }
    if !any {
        out.push_str("- None.\n\n");
    }
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}
