//! Zendesk ticket CSV exports and Intercom conversation CSV exports: per account open tickets,
//! urgent and high tickets, reopens and bad satisfaction ratings over the last 30 and 90 days,
//! and a support spike as an escalation risk signal.
//!
//! Zendesk writes times in the Zendesk account's time zone without an offset, so they are read
//! in `[import.zendesk] timezone`. Ticket ids are the stable key: a ticket id seen twice in one
//! run is counted once. Memory is the per-account counters plus a compressed bitmap of the ticket
//! ids for that check: about one bit per id where ids are dense, two bytes where they are sparse.

use std::borrow::Cow;

use chrono::Datelike;
use roaring::RoaringTreemap;
use rustc_hash::FxHashMap;
use std::path::PathBuf;

use super::{field, open_csv};
use crate::import::block::Block;
use crate::import::csvin::FieldSpec;
use crate::import::frontmatter::{Policy, Value};
use crate::import::matching::Query;
use crate::import::report::Messages;
use crate::import::values::{parse_count, parse_local_day};
use crate::import::{Context, ImportError, Parsed, Source};

const FIELDS: [FieldSpec; 10] = [
    field(
        "id",
        &["Id", "Ticket ID", "Conversation ID", "Conversation Id"],
    ),
    field(
        "organization",
        &[
            "Organization",
            "Organization name",
            "Company name",
            "Company",
        ],
    ),
    field("requester_domain", &["Requester domain"]),
    field(
        "requester_email",
        &["Requester email", "User email", "Email", "Contact email"],
    ),
    field("status", &["Status", "State", "Conversation state"]),
    field("priority", &["Priority"]),
    field(
        "created",
        &["Created at", "Conversation started at", "Created"],
    ),
    field("updated", &["Updated at", "Last updated at", "Updated"]),
    field("reopens", &["Reopens", "Times reopened"]),
    field(
        "satisfaction",
        &[
            "Satisfaction Score",
            "Satisfaction rating",
            "Conversation rating",
            "Rating",
        ],
    ),
];

/// Ticket ids listed in a spike message, at most.
const LISTED_IDS: usize = 10;

/// Counters for one account.
#[derive(Debug, Default)]
struct Stats {
    open: u64,
    urgent_30: u64,
    urgent_prev_30: u64,
    urgent_ids: Vec<u64>,
    reopens_90: u64,
    bad_30: u64,
    bad_90: u64,
    good_90: u64,
    organization: Option<String>,
}

pub(super) fn read(
    files: &[PathBuf],
    ctx: &mut Context<'_>,
    parsed: &mut Parsed,
) -> Result<(), ImportError> {
    let what = if ctx.source == Source::Intercom {
        "Intercom conversations export"
    } else {
        "Zendesk ticket export"
    };
    let mut opened = Vec::new();
    for path in files {
        opened.push(open_csv(
            path,
            &FIELDS,
            &["id", "status", "created"],
            &["organization", "requester_domain", "requester_email"],
            what,
            ctx,
        )?);
    }
    let mut tally = Tally::default();
    let mut names = Vec::new();
    for export in opened {
        // Column indices in the order of the `Ticket` fields, looked up once per file.
        let index_of = [
            "id",
            "created",
            "updated",
            "organization",
            "requester_domain",
            "requester_email",
            "status",
            "priority",
            "reopens",
            "satisfaction",
        ]
        .map(|name| export.columns.get(name));
        tally.start_file(&export.file);
        let file = export.read_rows(parsed, |row, _, file, messages, parsed| {
            let mut cell = |index: usize| row.text(index_of[index], messages);
            let ticket = Ticket {
                id: cell(0),
                created: cell(1),
                updated: cell(2),
                organization: cell(3),
                domain: cell(4),
                email: cell(5),
                status: cell(6),
                priority: cell(7),
                reopens: cell(8),
                rating: cell(9),
            };
            tally.add(&ticket, row.line, file, ctx, parsed, messages);
        });
        names.push(file);
    }
    let provenance = ctx.provenance(&names);
    let counted = tally.stats.into_iter().enumerate();
    for (account, stats) in counted.filter_map(|(account, stats)| Some((account, stats?))) {
        let update = parsed.updates.entry(account).or_default();
        if let Some(org) = &stats.organization {
            if ctx.source == Source::Zendesk {
                update.set("zendesk_org", Value::Text(org.clone()), Policy::FillIn);
            }
        }
        update.block = Some(build_block(&stats, ctx, provenance.clone()));
    }
    Ok(())
}

/// The cells of one ticket row.
struct Ticket<'a> {
    id: Option<Cow<'a, str>>,
    created: Option<Cow<'a, str>>,
    updated: Option<Cow<'a, str>>,
    organization: Option<Cow<'a, str>>,
    domain: Option<Cow<'a, str>>,
    email: Option<Cow<'a, str>>,
    status: Option<Cow<'a, str>>,
    priority: Option<Cow<'a, str>>,
    reopens: Option<Cow<'a, str>>,
    rating: Option<Cow<'a, str>>,
}

/// Counters for every account, and the ticket ids seen so far.
#[derive(Default)]
struct Tally {
    /// By account index; `None` for accounts without a ticket.
    stats: Vec<Option<Stats>>,
    /// Ticket ids read so far. Ticket ids are usually numbered in sequence, so they fill dense
    /// ranges, which a roaring bitmap inserts into with few cache misses.
    seen: RoaringTreemap,
    /// Account by organization (else domain or email) for the current file.
    cache: FxHashMap<String, Option<usize>>,
    cache_file: String,
}

impl Tally {
    /// Keeps the account cache for another file of the same name, else empties it.
    fn start_file(&mut self, file: &str) {
        if self.cache_file != file {
            self.cache.clear();
            self.cache_file = file.to_string();
        }
    }

    fn add(
        &mut self,
        ticket: &Ticket<'_>,
        line: u64,
        file: &str,
        ctx: &mut Context<'_>,
        parsed: &mut Parsed,
        messages: &mut Messages,
    ) {
        let Some(id_text) = &ticket.id else {
            messages.error(
                "missing-id",
                line,
                Some("ID"),
                "row has no ticket id; row skipped".to_string(),
            );
            parsed.rows_rejected += 1;
            return;
        };
        let Ok(id) = id_text.trim_start_matches('#').parse::<u64>() else {
            messages.error(
                "invalid-id",
                line,
                Some("ID"),
                format!("invalid ticket id `{id_text}`; expected a number; row skipped"),
            );
            parsed.rows_rejected += 1;
            return;
        };
        if !self.seen.insert(id) {
            messages.warning(
                "duplicate-id",
                line,
                Some("ID"),
                format!("ticket {id} appears again; the first row for it is used"),
            );
            return;
        }
        let zone = ctx.config.timezone;
        let order = ctx.config.date_order;
        let created_text = ticket.created.as_deref().unwrap_or_default();
        let created = match parse_local_day(created_text, zone, order) {
            Ok(day) => day,
            Err(err) => {
                messages.error(
                    "invalid-date",
                    line,
                    Some("Created at"),
                    format!("{err}; row skipped"),
                );
                parsed.rows_rejected += 1;
                return;
            }
        };
        let updated = ticket
            .updated
            .as_deref()
            .and_then(|text| parse_local_day(text, zone, order).ok())
            .unwrap_or(created);
        let organization = ticket.organization.as_deref().filter(|o| *o != "-");
        let Some(account) = self.account(ticket, organization, file, line, ctx, parsed) else {
            return;
        };
        if self.stats.len() <= account {
            self.stats.resize_with(account + 1, || None);
        }
        let entry = self.stats[account].get_or_insert_with(Stats::default);
        if entry.organization.is_none() {
            entry.organization = organization.map(str::to_string);
        }
        let today = i64::from(ctx.today.num_days_from_ce());
        entry.count(
            ticket,
            id,
            today - i64::from(created),
            today - i64::from(updated),
            line,
            messages,
        );
    }
}

impl Tally {
    /// Finds the ticket's account by organization, requester domain or email, looked up once per
    /// distinct value and file.
    fn account(
        &mut self,
        ticket: &Ticket<'_>,
        organization: Option<&str>,
        file: &str,
        line: u64,
        ctx: &mut Context<'_>,
        parsed: &mut Parsed,
    ) -> Option<usize> {
        let key = organization
            .or(ticket.domain.as_deref())
            .or(ticket.email.as_deref())
            .unwrap_or_default();
        if let Some(found) = self.cache.get(key) {
            return *found;
        }
        let mut query = Query::default();
        if let Some(org) = organization {
            query.ids.push(("zendesk_org", org.to_string()));
            query.names.push(org.to_string());
        }
        query
            .domains
            .extend(ticket.domain.as_deref().map(str::to_string));
        query
            .domains
            .extend(ticket.email.as_deref().map(str::to_string));
        let found = ctx.resolve(&query, file, line, parsed);
        self.cache.insert(key.to_string(), found);
        found
    }
}

impl Stats {
    /// Adds one ticket, `age` days after it was created and `rating_age` days after its last
    /// update (when its rating was given, at the latest).
    fn count(
        &mut self,
        ticket: &Ticket<'_>,
        id: u64,
        age: i64,
        rating_age: i64,
        line: u64,
        messages: &mut Messages,
    ) {
        let status = ticket.status.as_deref().unwrap_or_default();
        let is = |value: &str, names: &[&str]| names.iter().any(|n| value.eq_ignore_ascii_case(n));
        if is(
            status,
            &["new", "open", "pending", "hold", "on-hold", "snoozed"],
        ) {
            self.open += 1;
        }
        let priority = ticket.priority.as_deref().unwrap_or_default();
        let urgent = is(priority, &["urgent", "high", "priority", "true"]);
        if urgent && (0..30).contains(&age) {
            self.urgent_30 += 1;
            self.urgent_ids.push(id);
            if self.urgent_ids.len() > LISTED_IDS * 4 {
                self.urgent_ids.sort_unstable();
                self.urgent_ids.truncate(LISTED_IDS);
            }
        } else if urgent && (30..60).contains(&age) {
            self.urgent_prev_30 += 1;
        }
        if let (Some(text), true) = (&ticket.reopens, (0..90).contains(&age)) {
            match parse_count(text) {
                Ok(n) => self.reopens_90 += n,
                Err(err) => messages.warning(
                    "invalid-number",
                    line,
                    Some("Reopens"),
                    format!("{err}; reopens not counted"),
                ),
            }
        }
        match ticket.rating.as_deref().and_then(rating_kind) {
            Some(true) if (0..90).contains(&rating_age) => self.good_90 += 1,
            Some(false) if (0..90).contains(&rating_age) => {
                self.bad_90 += 1;
                if rating_age < 30 {
                    self.bad_30 += 1;
                }
            }
            _ => {}
        }
    }
}

/// `Some(true)` for a good rating, `Some(false)` for a bad one: Zendesk's Good and Bad, or an
/// Intercom 1 to 5 rating where 1 and 2 are bad and 4 and 5 good.
fn rating_kind(text: &str) -> Option<bool> {
    let text = text.trim();
    let starts = |word: &str| {
        text.get(..word.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(word))
    };
    if starts("good") {
        return Some(true);
    }
    if starts("bad") {
        return Some(false);
    }
    match text.chars().next()? {
        '1' | '2' => Some(false),
        '4' | '5' => Some(true),
        _ => None,
    }
}

fn build_block(stats: &Stats, ctx: &Context<'_>, provenance: String) -> Block {
    let today = ctx.today;
    let csat = if stats.good_90 + stats.bad_90 > 0 {
        #[allow(
            clippy::cast_precision_loss,
            reason = "ticket counts are far below 2^52"
        )]
        let percent = stats.good_90 as f64 * 100.0 / (stats.good_90 + stats.bad_90) as f64;
        format!("{percent:.0}%")
    } else {
        String::new()
    };
    let earlier_bad = stats.bad_90 - stats.bad_30;
    #[allow(
        clippy::cast_precision_loss,
        reason = "ticket counts are far below 2^52"
    )]
    let trend = if stats.bad_90 == 0 {
        "none"
    } else if stats.bad_30 as f64 > earlier_bad as f64 / 2.0 {
        "rising"
    } else if (stats.bad_30 as f64) < earlier_bad as f64 / 2.0 {
        "falling"
    } else {
        "steady"
    };
    let mut risks = Vec::new();
    #[allow(
        clippy::cast_precision_loss,
        reason = "ticket counts are far below 2^52"
    )]
    let spike = stats.urgent_30 >= ctx.config.spike_min
        && stats.urgent_30 as f64 >= ctx.config.spike_ratio * stats.urgent_prev_30.max(1) as f64;
    if spike {
        let mut ids = stats.urgent_ids.clone();
        ids.sort_unstable();
        ids.truncate(LISTED_IDS);
        let listed: Vec<String> = ids.iter().map(u64::to_string).collect();
        let more = if stats.urgent_30 > LISTED_IDS as u64 {
            ", ..."
        } else {
            ""
        };
        risks.push(format!(
            "{today} Support spike: {} urgent or high tickets in the last 30 days, up from {} (tickets {}{more}) #risk/escalation",
            stats.urgent_30,
            stats.urgent_prev_30,
            listed.join(", ")
        ));
    }
    let title = ctx.source.title();
    Block {
        source: ctx.source.slug().to_string(),
        heading: format!("Support (imported from {title})"),
        columns: [
            "Open tickets",
            "Urgent tickets",
            "Reopens",
            "Bad ratings",
            "CSAT",
        ]
        .map(str::to_string)
        .to_vec(),
        rows: vec![(
            today,
            vec![
                stats.open.to_string(),
                stats.urgent_30.to_string(),
                stats.reopens_90.to_string(),
                stats.bad_30.to_string(),
                csat,
            ],
        )],
        snapshot: true,
        risks,
        expansion: None,
        notes: vec![format!(
            "Urgent tickets (urgent or high priority) and bad ratings cover the last 30 days, reopens and CSAT the last 90. Bad ratings: {} in 30 days, {} in 90 days ({trend}).",
            stats.bad_30, stats.bad_90,
        )],
        provenance,
    }
}
