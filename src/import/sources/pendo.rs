//! Pendo account or visitor CSV exports: weekly active users, days active and adoption per
//! account, one row per import.
//!
//! An account list gives each account's own columns; a visitor list is summed per account: a
//! visitor whose last visit is within the 7 days to the import date counts as active, and the
//! account's days active is the highest of its visitors' (a lower bound, because Pendo does
//! not export which days each visitor was active).

use chrono::Datelike;
use std::borrow::Cow;
use std::path::PathBuf;

use super::usage::{self, Reading};
use super::{Expected, field, open_csv};
use crate::import::csvin::{Columns, FieldSpec, Row};
use crate::import::matching::Query;
use crate::import::report::{Level, Messages};
use crate::import::values::{parse_count, parse_local_day};
use crate::import::{ByAccount, Context, ImportError, Parsed};

const FIELDS: [FieldSpec; 8] = [
    field("account_id", &["Account ID", "accountId", "Account Id"]),
    field(
        "account_name",
        &["Account Name", "agent/name", "Account", "Name"],
    ),
    field("visitor_id", &["Visitor ID", "visitorId", "Visitor Id"]),
    field(
        "email",
        &["Email", "Visitor Email", "agent/email", "Email Address"],
    ),
    field("days_active", &["Days Active", "Number of Days Active"]),
    field(
        "visitors",
        &["Number of Visitors", "Visitors", "Total Visitors"],
    ),
    field(
        "active_visitors",
        &[
            "Active Visitors",
            "Weekly Active Visitors",
            "WAU",
            "Active Visitors (7 days)",
            "Weekly Active Users",
            "Active Users",
        ],
    ),
    field("last_visit", &["Last Visit", "Last visit", "Last Visited"]),
];

/// The columns of the fields a row is read for, found once per file.
struct Cells {
    account_id: Option<usize>,
    account_name: Option<usize>,
    email: Option<usize>,
    days_active: Option<usize>,
    visitors: Option<usize>,
    active_visitors: Option<usize>,
    last_visit: Option<usize>,
}

impl Cells {
    fn of(columns: &Columns) -> Cells {
        Cells {
            account_id: columns.get("account_id"),
            account_name: columns.get("account_name"),
            email: columns.get("email"),
            days_active: columns.get("days_active"),
            visitors: columns.get("visitors"),
            active_visitors: columns.get("active_visitors"),
            last_visit: columns.get("last_visit"),
        }
    }
}

#[derive(Debug, Default)]
struct Totals {
    /// `None` for an account list whose rows give no active visitors.
    wau: Option<u64>,
    days_active: Option<u64>,
    known_users: u64,
}

pub(super) fn read(
    files: &[PathBuf],
    ctx: &mut Context<'_>,
    parsed: &mut Parsed,
) -> Result<(), ImportError> {
    let mut opened = Vec::new();
    for path in files {
        let expected = Expected {
            description: "a Pendo account or visitor export",
            required: &["days_active"],
            any_of: &["account_id", "account_name"],
            names: &[],
        };
        opened.push(open_csv(path, &FIELDS, &expected, ctx)?);
    }
    // `find_account` reads `ctx.matcher` before `Context::resolve` would wait for the load.
    ctx.wait_for_accounts();
    // By account index; most accounts have rows, so a list is smaller and faster than a map.
    let mut totals: ByAccount<Totals> = ByAccount::for_accounts(ctx.matcher.accounts.len());
    let mut names = Vec::new();
    for mut export in opened {
        let visitors = export.columns.has("visitor_id");
        if !visitors && !export.columns.has("active_visitors") {
            export.messages.push(
                "missing-column",
                Level::Warning,
                None,
                None,
                "no active visitors column (Active Visitors, Weekly Active Visitors, WAU or \
                 Weekly Active Users); weekly active users are left empty"
                    .to_string(),
            );
        }
        let at = Cells::of(&export.columns);
        let file = export.read_rows(parsed, |row, columns, file, messages, parsed| {
            let line = row.line;
            let text = |column: Option<usize>, messages: &mut Messages| row.text(column, messages);
            let account_id = text(at.account_id, messages);
            let account_name = text(at.account_name, messages);
            let email = text(at.email, messages);
            if account_id.is_none() && account_name.is_none() && email.is_none() {
                messages.error(
                    "missing-account",
                    line,
                    Some(
                        row.header(columns.get("account_id"))
                            .unwrap_or("Account ID"),
                    ),
                    "row names no account; row skipped".to_string(),
                );
                parsed.rows_rejected += 1;
                return;
            }
            let count = |column: Option<usize>, usual: &str, messages: &mut Messages| {
                let text = text(column, messages)?;
                parse_count(&text)
                    .map_err(|err| {
                        messages.warning(
                            "invalid-number",
                            line,
                            Some(row.header(column).unwrap_or(usual)),
                            format!("{err}; left out"),
                        );
                    })
                    .ok()
            };
            let days = count(at.days_active, "Days Active", messages);
            let known = count(at.visitors, "Number of Visitors", messages);
            let active = count(at.active_visitors, "Active Visitors", messages);
            let last_visit = if visitors {
                last_visit_day(row, at.last_visit, ctx, messages)
            } else {
                None
            };
            let cells = [account_id, account_name, email];
            let Some(account) = find_account(cells, ctx, file, line, parsed) else {
                return;
            };
            let entry = totals.entry(account);
            if visitors {
                entry.known_users += 1;
                entry.days_active = entry.days_active.max(days);
                let today = i64::from(ctx.today.num_days_from_ce());
                let recent =
                    last_visit.is_some_and(|day| (0..7).contains(&(today - i64::from(day))));
                entry.wau = Some(entry.wau.unwrap_or(0) + u64::from(recent));
            } else {
                if let Some(active) = active {
                    entry.wau = Some(entry.wau.unwrap_or(0) + active);
                }
                entry.known_users += known.unwrap_or(0);
                entry.days_active = entry.days_active.max(days);
            }
        });
        names.push(file);
    }
    write_blocks(ctx, parsed, totals, &names);
    Ok(())
}

/// Finds the account of a row whose account id, account name and email cells are `cells`. Most
/// rows name their account by its Salesforce id, which needs no owned query.
fn find_account(
    [account_id, account_name, email]: [Option<Cow<'_, str>>; 3],
    ctx: &mut Context<'_>,
    file: &str,
    line: u64,
    parsed: &mut Parsed,
) -> Option<usize> {
    let query = || Query {
        ids: (account_id.iter())
            .map(|id| ("salesforce_id", id.to_string()))
            .collect(),
        names: (account_name.iter().chain(&account_id))
            .map(ToString::to_string)
            .collect(),
        domains: email.iter().map(ToString::to_string).collect(),
    };
    let by_id = [("salesforce_id", account_id.as_deref())];
    ctx.resolve_id_first(&by_id, query, file, line, parsed)
}

/// Returns the day of a visitor's last visit in days from the common era, warning about a cell
/// that is not a date and time.
fn last_visit_day(
    row: &Row<'_>,
    column: Option<usize>,
    ctx: &Context<'_>,
    messages: &mut Messages,
) -> Option<i32> {
    let text = row.text(column, messages)?;
    parse_local_day(&text, ctx.config.timezone, ctx.config.date_order)
        .map_err(|err| {
            messages.warning(
                "invalid-date",
                row.line,
                Some(row.header(column).unwrap_or("Last Visit")),
                format!(
                    "{}; the visit is not counted as recent",
                    err.message(ctx.source.slug())
                ),
            );
        })
        .ok()
}

fn write_blocks(
    ctx: &Context<'_>,
    parsed: &mut Parsed,
    totals: ByAccount<Totals>,
    names: &[String],
) {
    let frame = usage::frame(ctx, true, names);
    for (account, totals) in totals.into_entries() {
        #[allow(clippy::cast_precision_loss, reason = "user counts are far below 2^52")]
        let seats = ctx.matcher.accounts[account]
            .seats
            .or((totals.known_users > 0).then_some(totals.known_users as f64));
        let reading = Reading {
            date: ctx.today,
            wau: totals.wau,
            days_active: totals.days_active,
            seats,
        };
        let block = usage::build(&[reading], &frame);
        parsed.updates.entry(account).block = Some(block);
    }
}
