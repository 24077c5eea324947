//! Pendo account or visitor CSV exports: weekly active users, days active and adoption per
//! account, one row per import.
//!
//! An account list gives each account's own columns; a visitor list is summed per account: a
//! visitor whose last visit is within the 7 days to the import date counts as active, and the
//! account's days active is the highest of its visitors' (a lower bound, because Pendo does
//! not export which days each visitor was active).

use std::collections::HashMap;
use std::path::PathBuf;

use super::usage::{self, Reading};
use super::{field, open_csv};
use crate::import::csvin::FieldSpec;
use crate::import::matching::Query;
use crate::import::report::Messages;
use crate::import::values::{parse_count, parse_datetime};
use crate::import::{Context, ImportError, Parsed};

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
        ],
    ),
    field("last_visit", &["Last Visit", "Last visit", "Last Visited"]),
];

#[derive(Debug, Default)]
struct Totals {
    wau: u64,
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
        opened.push(open_csv(
            path,
            &FIELDS,
            &["days_active"],
            &["account_id", "account_name"],
            "Pendo account or visitor export",
            ctx,
        )?);
    }
    let mut totals: HashMap<usize, Totals> = HashMap::new();
    let mut names = Vec::new();
    for export in opened {
        let visitors = export.columns.has("visitor_id");
        let file = export.read_rows(parsed, |row, columns, file, messages, parsed| {
            let line = row.line;
            let cell = |name: &str, messages: &mut Messages| row.cell(columns.get(name), messages);
            let account_id = cell("account_id", messages);
            let mut query = Query::default();
            query
                .ids
                .extend(account_id.clone().map(|id| ("salesforce_id", id)));
            query.names.extend(cell("account_name", messages));
            query.names.extend(account_id);
            query.domains.extend(cell("email", messages));
            if query.is_empty() {
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
            let count = |name: &str, usual: &str, messages: &mut Messages| {
                let text = cell(name, messages)?;
                parse_count(&text)
                    .map_err(|err| {
                        messages.warning(
                            "invalid-number",
                            line,
                            Some(row.header(columns.get(name)).unwrap_or(usual)),
                            format!("{err}; left out"),
                        );
                    })
                    .ok()
            };
            let days = count("days_active", "Days Active", messages);
            let known = count("visitors", "Number of Visitors", messages);
            let active = count("active_visitors", "Active Visitors", messages);
            let last_visit = cell("last_visit", messages);
            let Some(account) = ctx.resolve(&query, file, line, parsed) else {
                return;
            };
            let entry = totals.entry(account).or_default();
            if visitors {
                entry.known_users += 1;
                entry.days_active = entry.days_active.max(days);
                let recent = last_visit
                    .and_then(|text| {
                        parse_datetime(&text, ctx.config.timezone, ctx.config.date_order).ok()
                    })
                    .map(|time| {
                        (ctx.today - time.with_timezone(&ctx.config.timezone).date_naive())
                            .num_days()
                    })
                    .is_some_and(|age| (0..7).contains(&age));
                entry.wau += u64::from(recent);
            } else {
                entry.wau += active.unwrap_or(0);
                entry.known_users += known.unwrap_or(0);
                entry.days_active = entry.days_active.max(days);
            }
        });
        names.push(file);
    }
    write_blocks(ctx, parsed, totals, &names);
    Ok(())
}

fn write_blocks(
    ctx: &Context<'_>,
    parsed: &mut Parsed,
    totals: HashMap<usize, Totals>,
    names: &[String],
) {
    let provenance = ctx.provenance(names);
    for (account, totals) in totals {
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
        let block = usage::build(ctx, account, &[reading], true, provenance.clone());
        parsed.updates.entry(account).or_default().block = Some(block);
    }
}
