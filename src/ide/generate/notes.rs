//! The generators: each compiles the account's picture into the sections of a template.

use std::fmt::Write;
use std::path::Path;

use chrono::{Duration, NaiveDate};

use super::templates::{Section, TemplateKind, render, template_text};
use super::{GenerateError, NewNote, folder_name, link_text, sanitize_name, unique_path};
use crate::ide::account::{
    AccountReport, HealthKey, Item, Signal, account_report, mitigation, risk, values,
};
use crate::ide::card::reading;
use crate::ide::diagnostics::heading_link_text;
use crate::ide::{TextSource, describe_due};
use crate::syntax::SectionKind;
use crate::text::TextRange;
use crate::vault::{Account, NoteId, Vault};

/// Where a generated note goes and what it is built from.
pub struct Request<'a> {
    /// The vault.
    pub vault: &'a Vault,
    /// The vault root on disk, to keep new paths free there too.
    pub root: &'a Path,
    /// The day the note is written.
    pub today: NaiveDate,
    /// Note texts.
    pub texts: &'a dyn TextSource,
}

fn account<'a>(vault: &'a Vault, name: &str) -> Result<&'a Account, GenerateError> {
    vault
        .account(name)
        .or_else(|| vault.account_by_reference(name, ""))
        .ok_or_else(|| GenerateError::UnknownAccount(name.to_string()))
}

/// `([[Note#Section]])`: where an item was written, as a link to its note and section.
fn source(vault: &Vault, note: NoteId, range: TextRange) -> String {
    let Some(n) = vault.note(note) else {
        return String::new();
    };
    let heading = n
        .summary
        .headings
        .iter()
        .rfind(|h| h.range.start <= range.start && range.start < h.section_end && h.level > 1);
    match heading {
        Some(h) => format!(
            "([[{}#{}]])",
            link_text(vault, note),
            heading_link_text(&h.text)
        ),
        None => format!("([[{}]])", link_text(vault, note)),
    }
}

fn csm(vault: &Vault, report: &AccountReport) -> String {
    let overview = report.overview.and_then(|id| vault.note(id));
    overview
        .and_then(|n| n.summary.frontmatter.as_ref()?.csm.clone())
        .filter(|v| !v.is_empty())
        .map_or_else(|| "the CSM".to_string(), |v| format!("[[{v}]]"))
}

fn bullet_items(vault: &Vault, items: &[Item], empty: &str) -> String {
    if items.is_empty() {
        return format!("- {empty}\n");
    }
    let mut out = String::new();
    for item in items {
        let _ = writeln!(
            out,
            "- {} {}",
            item.text,
            source(vault, item.note, item.range)
        );
    }
    out
}

/// Lists one entry per risk category, newest signal first, with the other mentions, the mitigation
/// and the owner.
fn risk_lines(req: &Request<'_>, report: &AccountReport, with_owner: bool) -> String {
    let mut categories: Vec<&str> = Vec::new();
    for signal in report.open_signals() {
        if !categories.contains(&signal.category.as_str()) {
            categories.push(&signal.category);
        }
    }
    let mut out = String::new();
    let owner = csm(req.vault, report);
    for category in categories {
        let signals: Vec<&Signal> = report
            .open_signals()
            .filter(|s| s.category == category)
            .collect();
        let newest = signals[0];
        let (steps, playbook) = mitigation(req.vault, req.texts, category);
        let from = playbook.map_or(String::new(), |p| format!(" (playbook [[{p}]])"));
        let _ = writeln!(
            out,
            "- **{}**: {} {}",
            risk::display_name(category),
            newest.text,
            signal_source(req.vault, newest)
        );
        for other in signals.iter().skip(1).take(3) {
            let _ = writeln!(
                out,
                "  - Also: {} {}",
                other.text,
                signal_source(req.vault, other)
            );
        }
        let _ = writeln!(out, "  - Mitigation{from}: {steps}");
        if with_owner {
            let _ = writeln!(out, "  - Owner: {owner}");
        }
    }
    if out.is_empty() {
        out.push_str("- No open risk signals in the last 90 days.\n");
    }
    out
}

fn signal_source(vault: &Vault, signal: &Signal) -> String {
    source(vault, signal.note, signal.range)
}

fn commitment_lines(vault: &Vault, report: &AccountReport) -> String {
    let mut overdue = String::new();
    let mut open = String::new();
    for commitment in &report.commitments {
        let owner = commitment
            .task
            .owner
            .as_deref()
            .map_or("no owner".to_string(), |o| format!("owner {o}"));
        let due = commitment.due.map_or("no due date".to_string(), |d| {
            format!("due {d}, {}", describe_due(d, report.today))
        });
        let line = format!(
            "- [ ] {} — {owner}, {due} {}\n",
            commitment.task.text,
            source(vault, commitment.note, commitment.task.range)
        );
        if commitment.is_overdue(report.today) {
            overdue.push_str(&line);
        } else {
            open.push_str(&line);
        }
    }
    let mut out = String::new();
    if !overdue.is_empty() {
        let _ = write!(out, "### Overdue\n{overdue}\n");
    }
    let _ = write!(
        out,
        "### Open\n{}",
        if open.is_empty() {
            "- None.\n".to_string()
        } else {
            open
        }
    );
    out
}

fn stakeholder_table(vault: &Vault, report: &AccountReport) -> String {
    if report.stakeholders.is_empty() {
        return "- No stakeholders recorded yet.\n".to_string();
    }
    let mut out = String::from("| Person | Role | Status |\n|--------|------|--------|\n");
    for person in &report.stakeholders {
        let mut status = Vec::new();
        if person.champion {
            status.push("champion");
        }
        if person.sponsor {
            status.push("executive sponsor");
        }
        status.push(if person.leaving { "leaving" } else { "active" });
        let _ = writeln!(
            out,
            "| [[{}]] | {} | {} |",
            link_text(vault, person.note),
            person.role.as_deref().unwrap_or(""),
            status.join(", ")
        );
    }
    out
}

fn renewal_lines(report: &AccountReport) -> String {
    let Some(renewal) = &report.renewal else {
        return "- No renewal date recorded; add `- Renewal: YYYY-MM-DD` to the Overview.\n"
            .to_string();
    };
    let when = if renewal.days >= 0 {
        format!("in {} days", renewal.days)
    } else {
        format!("{} days ago", -renewal.days)
    };
    let window = renewal.window.map_or_else(
        || "outside the planning windows".to_string(),
        |w| format!("inside the {w}-day window"),
    );
    format!("- Renewal on {} ({when}), {window}.\n", renewal.date)
}

fn health_lines(report: &AccountReport) -> String {
    let mut out = String::new();
    for key in [
        HealthKey::Nps,
        HealthKey::Adoption,
        HealthKey::Renewal,
        HealthKey::Arr,
        HealthKey::Health,
    ] {
        if let Some(line) = reading(report, key) {
            let (name, rest) = line.split_once(' ').unwrap_or((&line, ""));
            let _ = writeln!(out, "- {name}: {rest}");
        }
    }
    if let Some(score) = &report.score {
        let _ = writeln!(
            out,
            "- Health score: {} ({})",
            score.value,
            score.band.as_str()
        );
        for component in &score.components {
            let _ = writeln!(
                out,
                "  - {}: {} ({})",
                component.measure,
                values::format_number(component.score.round()),
                component.basis
            );
        }
    }
    if out.is_empty() {
        out.push_str("- No health fields recorded yet.\n");
    }
    out
}

/// Finds the latest QBR before today.
fn last_qbr(report: &AccountReport) -> Option<NaiveDate> {
    report
        .meetings
        .iter()
        .filter(|m| {
            m.date < report.today
                && m.kind
                    .as_deref()
                    .is_some_and(|k| k.eq_ignore_ascii_case("qbr"))
        })
        .map(|m| m.date)
        .max()
}

fn trend_table(vault: &Vault, report: &AccountReport, since: Option<NaiveDate>) -> String {
    let keys = [HealthKey::Nps, HealthKey::Adoption, HealthKey::Health];
    let mut dates: Vec<NaiveDate> = keys
        .iter()
        .flat_map(|k| report.series(*k))
        .filter_map(|o| o.date)
        .filter(|d| since.is_none_or(|s| *d >= s))
        .collect();
    dates.sort_unstable();
    dates.dedup();
    if dates.is_empty() {
        return "- No dated health readings since the last QBR.\n".to_string();
    }
    let mut out = String::from(
        "| Date | NPS | Adoption | Health | Source |\n|------|-----|----------|--------|--------|\n",
    );
    for date in dates {
        let mut cells = Vec::new();
        let mut sources = Vec::new();
        for key in keys {
            let found = report
                .series(key)
                .into_iter()
                .find(|o| o.date == Some(date));
            cells.push(found.map_or(String::new(), |o| o.parsed.value.display()));
            if let Some(o) = found {
                let link = format!("[[{}]]", link_text(vault, o.note));
                if !sources.contains(&link) {
                    sources.push(link);
                }
            }
        }
        let _ = writeln!(
            out,
            "| {date} | {} | {} |",
            cells.join(" | "),
            sources.join(", ").replace('|', "\\|")
        );
    }
    out
}

fn base_vars(
    vault: &Vault,
    report: &AccountReport,
    today: NaiveDate,
) -> Vec<(&'static str, String)> {
    vec![
        ("account", report.name.clone()),
        ("date", today.to_string()),
        ("today", today.to_string()),
        (
            "folder",
            report
                .folder
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string(),
        ),
        ("csm", csm(vault, report)),
    ]
}

fn section(
    placeholder: &'static str,
    title: &'static str,
    kind: Option<SectionKind>,
    body: String,
) -> Section {
    Section {
        placeholder,
        title,
        kind,
        body,
    }
}

/// Compiles a QBR note for an account: health and its trend since the last QBR, wins, risks with
/// mitigations, commitments, stakeholders, renewal and expansion, each item linking back to
/// the note it came from.
pub fn qbr(req: &Request<'_>, account_name: &str) -> Result<NewNote, GenerateError> {
    let account = account(req.vault, account_name)?;
    let report = account_report(req.vault, account, req.today, req.texts);
    let since = last_qbr(&report);
    let score = report
        .score
        .as_ref()
        .map_or("no health score yet".to_string(), |s| {
            format!("health {} ({})", s.value, s.band.as_str())
        });
    let summary = format!(
        "{} is at {score}{}. {} open commitments, {} overdue. {}",
        report.name,
        since.map_or(String::new(), |d| format!(
            ", compiled since the last QBR on {d}"
        )),
        report.commitments.len(),
        report.overdue().count(),
        renewal_lines(&report).trim_start_matches("- ").trim_end()
    );
    let trend_title = since.map_or("- All dated readings.\n".to_string(), |d| {
        format!("Since the last QBR on {d}:\n\n")
    });
    let sections = vec![
        section("summary", "Executive summary", None, format!("{summary}\n")),
        section(
            "health",
            "Account Health",
            Some(SectionKind::Health),
            health_lines(&report),
        ),
        section(
            "trend",
            "Health trend",
            None,
            format!("{trend_title}{}", trend_table(req.vault, &report, since)),
        ),
        section(
            "wins",
            "Key Wins",
            Some(SectionKind::Wins),
            bullet_items(req.vault, &report.wins, "No wins recorded yet."),
        ),
        section(
            "risks",
            "Concerns",
            Some(SectionKind::Risks),
            risk_lines(req, &report, true),
        ),
        section(
            "commitments",
            "Commitments",
            None,
            commitment_lines(req.vault, &report),
        ),
        section(
            "stakeholders",
            "Stakeholders",
            None,
            stakeholder_table(req.vault, &report),
        ),
        section("renewal", "Renewal", None, renewal_lines(&report)),
        section(
            "expansion",
            "Expansion Opportunity",
            Some(SectionKind::Expansion),
            expansion_lines(req.vault, &report),
        ),
    ];
    let template = template_text(req.vault, req.texts, TemplateKind::Qbr);
    let text = render(
        &template,
        &base_vars(req.vault, &report, req.today),
        &sections,
    );
    let stem = format!(
        "{} - QBR: {}",
        req.today,
        sanitize_name(&report.name).unwrap_or_default()
    );
    let path = unique_path(
        req.vault,
        req.root,
        &req.vault.config.meetings_folder,
        &stem,
    );
    Ok(NewNote { path, text })
}

fn expansion_lines(vault: &Vault, report: &AccountReport) -> String {
    let mut out = bullet_items(
        vault,
        &report.expansion,
        "No expansion opportunities recorded yet.",
    );
    let total: f64 = report.expansion.iter().filter_map(|i| i.amount).sum();
    if total > 0.0 {
        let _ = writeln!(
            out,
            "- Total estimated uplift: {}",
            values::format_money(total)
        );
    }
    out
}

/// Compiles a save plan: situation, risks with mitigations and owners, stakeholders and executive
/// engagement, milestones dated back from the renewal, success criteria.
pub fn save_plan(req: &Request<'_>, account_name: &str) -> Result<NewNote, GenerateError> {
    let account = account(req.vault, account_name)?;
    let report = account_report(req.vault, account, req.today, req.texts);
    let owner = csm(req.vault, &report);
    let mut situation = String::new();
    match &report.score {
        Some(score) => {
            let _ = writeln!(
                situation,
                "- Health {} ({})",
                score.value,
                score.band.as_str()
            );
        }
        None => situation.push_str("- No health score yet\n"),
    }
    if let Some(arr) = report.current(HealthKey::Arr) {
        let _ = writeln!(situation, "- ARR at risk: {}", arr.parsed.value.display());
    }
    situation.push_str(&renewal_lines(&report));
    let _ = writeln!(
        situation,
        "- {} open commitments, {} overdue",
        report.commitments.len(),
        report.overdue().count()
    );
    let mut engagement = stakeholder_table(req.vault, &report);
    let sponsor = report.stakeholders.iter().find(|p| p.sponsor && !p.leaving);
    let meet_by = (req.today + Duration::days(10)).to_string();
    match sponsor {
        Some(person) => {
            let _ = writeln!(
                engagement,
                "\n- [ ] Executive meeting with [[{}]] about their goals and the renewal 📅 {meet_by}",
                link_text(req.vault, person.note)
            );
        }
        None => {
            let _ = writeln!(
                engagement,
                "\n- [ ] Find and meet an executive sponsor 📅 {meet_by}"
            );
        }
    }
    let team = format!(
        "- CSM: {owner}\n- Account executive:\n- Support lead:\n- Executive sponsor on our side:\n"
    );
    let sections = vec![
        section("situation", "Situation", None, situation),
        section(
            "risks",
            "Risks and mitigations",
            Some(SectionKind::Risks),
            risk_lines(req, &report, true),
        ),
        section(
            "stakeholders",
            "Stakeholders and executive engagement",
            None,
            engagement,
        ),
        section("team", "Save team", None, team),
        section(
            "milestones",
            "Milestones",
            None,
            milestones(&report, req.vault.config.renewal_windows.as_slice()),
        ),
        section(
            "criteria",
            "Success criteria",
            None,
            success_criteria(&report, req.vault.config.bands.1),
        ),
    ];
    let template = template_text(req.vault, req.texts, TemplateKind::SavePlan);
    let text = render(
        &template,
        &base_vars(req.vault, &report, req.today),
        &sections,
    );
    let stem = format!(
        "{} - Save plan: {}",
        req.today,
        sanitize_name(&report.name).unwrap_or_default()
    );
    let folder = report.folder.clone();
    let path = unique_path(req.vault, req.root, &folder, &stem);
    Ok(NewNote { path, text })
}

/// Dated steps back from the renewal (T−120 ... T−30, and T−180 for a red account), as tasks;
/// steps already past are due within the week.
fn milestones(report: &AccountReport, windows: &[u32]) -> String {
    let steps = [
        (
            180,
            "Start the save: internal review of the account and the save team",
        ),
        (
            120,
            "Internal readiness: root cause agreed, save team named",
        ),
        (90, "Health and value review with the customer"),
        (
            60,
            "Stakeholder and expansion discussion with the economic buyer",
        ),
        (30, "Proposal and negotiation"),
    ];
    let red = report
        .score
        .as_ref()
        .is_some_and(|s| s.band == crate::ide::account::Band::Red);
    let mut out = String::new();
    let Some(renewal) = &report.renewal else {
        for (days, label) in [
            (7, "Diagnose the root cause with the champion"),
            (14, "Agree on the save plan internally"),
            (30, "Review progress with the customer"),
        ] {
            let _ = writeln!(
                out,
                "- [ ] {label} 📅 {}",
                report.today + Duration::days(days)
            );
        }
        out.push_str(
            "- [ ] Record the renewal date on the Overview so milestones can be dated from it\n",
        );
        return out;
    };
    let soon = report.today + Duration::days(7);
    for (days, label) in steps {
        let wanted = windows.contains(&u32::try_from(days).unwrap_or(0)) || (days == 180 && red);
        if !wanted {
            continue;
        }
        let date = renewal.date - Duration::days(days);
        let (date, note) = if date < report.today {
            (soon, " (window already open)")
        } else {
            (date, "")
        };
        let _ = writeln!(out, "- [ ] T−{days}: {label}{note} 📅 {date}");
    }
    let _ = writeln!(out, "- [ ] Renewal signed 📅 {}", renewal.date);
    out
}

fn success_criteria(report: &AccountReport, yellow: u32) -> String {
    let mut out = format!("- Health score above {yellow} (green)\n");
    if let Some(nps) = report
        .current(HealthKey::Nps)
        .and_then(|o| o.parsed.value.number())
    {
        let _ = writeln!(
            out,
            "- NPS at 8 or more (now {})",
            values::format_number(nps)
        );
    }
    if let Some(crate::ide::account::Value::Percent { value, target }) =
        report.current(HealthKey::Adoption).map(|o| &o.parsed.value)
    {
        let goal = target.unwrap_or(75.0);
        let _ = writeln!(
            out,
            "- Adoption at {}% or more (now {}%)",
            values::format_number(goal),
            values::format_number(*value)
        );
    }
    if report.overdue().count() > 0 {
        out.push_str("- No overdue commitments\n");
    }
    out.push_str("- An active champion and executive sponsor\n");
    if let Some(renewal) = &report.renewal {
        let _ = writeln!(out, "- Renewal signed by {}", renewal.date);
    }
    out
}

/// Drafts an escalation brief from a note or a selection in it: issue, impact, timeline, requests,
/// owners, and short drafts to the customer and to internal leadership. `slack` writes the
/// internal draft in Slack's mrkdwn.
pub fn escalation_brief(
    req: &Request<'_>,
    account_name: &str,
    issue: Option<&str>,
    slack: bool,
) -> Result<NewNote, GenerateError> {
    let account = account(req.vault, account_name)?;
    let report = account_report(req.vault, account, req.today, req.texts);
    let owner = csm(req.vault, &report);
    let (customer, internal) = draft_messages(&report, &owner, slack);
    let sections = vec![
        section(
            "glance",
            "Account at a glance",
            None,
            glance_lines(req.vault, &report),
        ),
        section(
            "issue",
            "Issue",
            Some(SectionKind::Risks),
            issue_lines(req.vault, &report, issue),
        ),
        section("impact", "Impact", None, impact_lines(&report)),
        section(
            "timeline",
            "Timeline",
            None,
            timeline_lines(req.vault, &report),
        ),
        section("asks", "Asks", None, ask_lines(req.vault, &report)),
        section("owners", "Owners", None, owner_lines(&report, &owner)),
        section(
            "customer_message",
            "Draft message to the customer",
            None,
            customer,
        ),
        section(
            "internal_message",
            "Draft message to internal leadership",
            None,
            internal,
        ),
    ];
    let template = template_text(req.vault, req.texts, TemplateKind::EscalationBrief);
    let text = render(
        &template,
        &base_vars(req.vault, &report, req.today),
        &sections,
    );
    let stem = format!(
        "{} - Escalation: {}",
        req.today,
        sanitize_name(&report.name).unwrap_or_default()
    );
    let path = unique_path(req.vault, req.root, "Inbox/Escalations", &stem);
    Ok(NewNote { path, text })
}

fn glance_lines(vault: &Vault, report: &AccountReport) -> String {
    let mut glance = String::new();
    if let Some(arr) = report.current(HealthKey::Arr) {
        let _ = writeln!(glance, "- ARR: {}", arr.parsed.value.display());
    }
    glance.push_str(&renewal_lines(report));
    if let Some(score) = &report.score {
        let _ = writeln!(
            glance,
            "- Health: {} ({})",
            score.value,
            score.band.as_str()
        );
    }
    let sponsors: Vec<String> = report
        .stakeholders
        .iter()
        .filter(|p| p.sponsor)
        .map(|p| format!("[[{}]]", link_text(vault, p.note)))
        .collect();
    let sponsors = if sponsors.is_empty() {
        "none recorded".to_string()
    } else {
        sponsors.join(", ")
    };
    let _ = writeln!(glance, "- Executive sponsor: {sponsors}");
    glance
}

/// Quotes the selected text, else lists the account's newest risk signals.
fn issue_lines(vault: &Vault, report: &AccountReport, issue: Option<&str>) -> String {
    let mut out = String::new();
    if let Some(text) = issue.map(str::trim).filter(|s| !s.is_empty()) {
        for line in text.lines() {
            let _ = writeln!(out, "> {line}");
        }
        return out;
    }
    for signal in report.open_signals().take(5) {
        let _ = writeln!(
            out,
            "- {}: {} {}",
            risk::display_name(&signal.category),
            signal.text,
            signal_source(vault, signal)
        );
    }
    if out.is_empty() {
        out.push_str("- Describe the issue in three to five sentences.\n");
    }
    out
}

fn impact_lines(report: &AccountReport) -> String {
    let customer = report
        .open_signals()
        .next()
        .map_or("to be confirmed".to_string(), |s| {
            risk::display_name(&s.category)
        });
    let arr = report
        .current(HealthKey::Arr)
        .map_or("revenue at risk".to_string(), |o| {
            format!("{} ARR at risk", o.parsed.value.display())
        });
    let renewal = report
        .renewal
        .map_or("(no date recorded)".to_string(), |r| r.date.to_string());
    format!("- Customer: {customer}\n- Us: {arr} and the renewal on {renewal}\n")
}

fn timeline_lines(vault: &Vault, report: &AccountReport) -> String {
    let mut timeline = String::new();
    let since = report.today - Duration::days(60);
    for meeting in report
        .meetings
        .iter()
        .filter(|m| m.date >= since && m.date <= report.today)
    {
        let kind = meeting.kind.as_deref().unwrap_or("meeting");
        let _ = writeln!(
            timeline,
            "- {} {kind} ([[{}]])",
            meeting.date,
            link_text(vault, meeting.note)
        );
    }
    if timeline.is_empty() {
        timeline.push_str("- No meetings in the last 60 days.\n");
    }
    timeline
}

fn ask_lines(vault: &Vault, report: &AccountReport) -> String {
    let mut asks = String::new();
    for commitment in report.commitments.iter().take(8) {
        let due = commitment
            .due
            .map_or(String::new(), |d| format!(" (due {d})"));
        let from = source(vault, commitment.note, commitment.task.range);
        let _ = writeln!(asks, "- {}{due} {from}", commitment.task.text);
    }
    if asks.is_empty() {
        asks.push_str("- What the customer is asking for:\n");
    }
    asks
}

fn owner_lines(report: &AccountReport, owner: &str) -> String {
    let mut owners: Vec<String> = report
        .commitments
        .iter()
        .filter_map(|c| c.task.owner.clone())
        .map(|o| {
            if o.contains(' ') || !o.starts_with('@') {
                format!("[[{o}]]")
            } else {
                o
            }
        })
        .collect();
    owners.sort();
    owners.dedup();
    let mut out = format!("- Escalation owner: {owner}\n");
    for other in owners {
        let _ = writeln!(out, "- {other}");
    }
    out
}

/// Short drafts to the customer and to internal leadership (in Slack's mrkdwn when `slack`).
fn draft_messages(report: &AccountReport, owner: &str, slack: bool) -> (String, String) {
    let headline = report
        .open_signals()
        .next()
        .map_or("the open issues".to_string(), |s| {
            risk::display_name(&s.category).to_lowercase()
        });
    let customer = format!(
        "Hello,\n\nThank you for raising {headline} with us. We have escalated it internally and {owner} is your single point of contact until it is resolved. We will send a written plan with owners and dates within two working days, and an update every week after that.\n\nBest regards,\n{owner}\n"
    );
    let bold = |text: &str| {
        if slack {
            format!("*{text}*")
        } else {
            format!("**{text}**")
        }
    };
    let health = report
        .score
        .as_ref()
        .map_or("no health score".to_string(), |s| {
            format!("health {} {}", s.value, s.band.as_str())
        });
    let renewal = report.renewal.map_or("date unknown".to_string(), |r| {
        format!("in {} days", r.days)
    });
    let internal = format!(
        "{}: {} ({health}), renewal {renewal}.\n{} {headline}.\n{} {}\n{} a named executive sponsor on our side and a decision on commercial options this week.\n",
        bold("Escalation"),
        report.name,
        bold("Issue:"),
        bold("Overdue commitments:"),
        report.overdue().count(),
        bold("Ask:"),
    );
    (customer, internal)
}

/// Builds the four pages of a new account (Overview, Health, Stakeholders, Success Plan) from the
/// templates.
pub fn new_account(req: &Request<'_>, name: &str) -> Result<Vec<NewNote>, GenerateError> {
    let display =
        sanitize_name(name).ok_or_else(|| GenerateError::InvalidName(name.to_string()))?;
    let folder = folder_name(name).ok_or_else(|| GenerateError::InvalidName(name.to_string()))?;
    let folder_path = format!("{}/{folder}", req.vault.config.accounts_folder);
    let mut on_disk = req.root.to_path_buf();
    on_disk.extend(folder_path.split('/'));
    if req.vault.account(&display).is_some() || on_disk.exists() {
        return Err(GenerateError::AccountExists(display));
    }
    let vars = vec![
        ("account", display.clone()),
        ("name", display.clone()),
        ("folder", folder.clone()),
        ("date", req.today.to_string()),
        ("today", req.today.to_string()),
    ];
    let pages = [
        (TemplateKind::AccountOverview, "Overview"),
        (TemplateKind::HealthCheck, "Health"),
        (TemplateKind::Stakeholders, "Stakeholders"),
        (TemplateKind::SuccessPlan, "Success_Plan"),
    ];
    Ok(pages
        .into_iter()
        .map(|(kind, stem)| NewNote {
            path: format!("{folder_path}/{stem}.md"),
            text: render(&template_text(req.vault, req.texts, kind), &vars, &[]),
        })
        .collect())
}

/// Builds a stakeholder page for a person linked but not yet written, in the relationship group
/// folder `group` (for example `Champions`), for the account of the linking note.
pub fn person_note(
    req: &Request<'_>,
    name: &str,
    group: &str,
    account: Option<&str>,
) -> Result<NewNote, GenerateError> {
    let clean = sanitize_name(name).ok_or_else(|| GenerateError::InvalidName(name.to_string()))?;
    let group = sanitize_name(group).unwrap_or_else(|| "Champions".to_string());
    let vars = vec![
        ("name", clean.clone()),
        ("account", account.unwrap_or_default().to_string()),
        ("date", req.today.to_string()),
        ("today", req.today.to_string()),
    ];
    let mut text = render(
        &template_text(req.vault, req.texts, TemplateKind::Person),
        &vars,
        &[],
    );
    if account.is_none() {
        text = text.replace("account: \"[[]]\"\n", "account:\n");
    }
    let folder = relationships_folder(req.vault, &group);
    let path = unique_path(req.vault, req.root, &folder, &clean);
    Ok(NewNote { path, text })
}

/// Picks the folder for a relationship group: an existing `.../Relationships/<group>` folder in the
/// vault, else `Active/Relationships/<group>`.
pub fn relationships_folder(vault: &Vault, group: &str) -> String {
    let marker = format!("{}/{group}/", vault.config.relationships_folder);
    vault
        .notes()
        .find_map(|(_, n)| {
            n.path
                .find(&marker)
                .map(|i| n.path[..i + marker.len() - 1].to_string())
        })
        .unwrap_or_else(|| format!("Active/{}/{group}", vault.config.relationships_folder))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{Config, Note};

    #[test]
    fn source_link_to_heading_with_colon() {
        let text = "# QBR\n## Risks: Q3 | exec\n- Champion leaving\n";
        let mut vault = Vault::new("/vault".into(), Config::default());
        let id = vault.insert(Note::parse("Acme/QBR.md", text, &vault.config));
        let at = u32::try_from(text.find("- Champion").unwrap()).unwrap();
        let link = source(&vault, id, TextRange::new(at, at));
        assert_eq!(link, "([[QBR#Risks Q3 exec]])");
    }
}
