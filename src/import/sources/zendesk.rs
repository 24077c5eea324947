//! Zendesk ticket CSV exports and Intercom conversation CSV exports: per account open tickets,
//! urgent and high tickets, reopens and bad satisfaction ratings over the last 30 and 90 days,
//! and a support spike as an escalation risk signal.
//!
//! Zendesk writes times in the Zendesk account's time zone without an offset, so they are read
//! in `[import.zendesk] timezone`. Ticket ids are the stable key: a ticket id seen twice in one
//! run is counted once. Memory is the per-account counters plus a compressed bitmap of the ticket
//! ids for that check: about one bit per id where ids are dense, two bytes where they are sparse.

mod batch;
mod seen;

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::Datelike;
use compact_str::{ToCompactString, format_compact};

use self::batch::{Batch, Decoded, Facts, Reopens};
use self::seen::SeenIds;
use super::{Expected, field, open_csv};
use crate::import::block::{Block, Cell, Frame};
use crate::import::csvin::{FieldSpec, written_header};
use crate::import::frontmatter::{Policy, Value};
use crate::import::keymap::KeyMap;
use crate::import::matching::Query;
use crate::import::report::{Level, Messages, excerpt};
use crate::import::values::{parse_count, parse_local_day, parse_u64};
use crate::import::{ByAccount, Context, ImportError, Parsed, Source};

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

/// The columns of an Intercom conversations export, for fields whose first alias is Zendesk's.
const INTERCOM_NAMES: [(&str, &str); 5] = [
    ("id", "Conversation ID"),
    ("organization", "Company name"),
    ("requester_email", "User email"),
    ("status", "Conversation state"),
    ("created", "Conversation started at"),
];

/// Ticket ids listed in a spike message, at most.
const LISTED_IDS: usize = 10;

/// Ticket counters, of one organization (or domain) while a file is read and of one account
/// after it.
#[derive(Clone, Copy, Debug, Default)]
struct Counts {
    open: u64,
    urgent_30: u64,
    urgent_prev_30: u64,
    reopens_90: u64,
    bad_30: u64,
    bad_90: u64,
    good_90: u64,
}

/// The tickets of one organization, else requester domain or email, in the files of one name.
/// Every ticket updates one of these, so it is kept beside its key in a [`KeyMap`] entry. The
/// fields before `counts` take 16 bytes, which share a cache line with the key.
#[derive(Debug, Default)]
#[repr(C)]
struct KeyTally {
    account: KeyAccount,
    /// Whether a counted ticket of this key had an organization.
    named: bool,
    counts: Counts,
}

/// The account that a key names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum KeyAccount {
    /// Not known yet: the key was first seen while the accounts were loading, and waits in
    /// [`Pending`].
    #[default]
    Pending,
    /// The key matches no account.
    Unmatched,
    /// The account's index.
    Account(u32),
}

impl KeyAccount {
    fn from_match(account: Option<usize>) -> KeyAccount {
        match account {
            None => KeyAccount::Unmatched,
            Some(index) => {
                KeyAccount::Account(u32::try_from(index).expect("fewer than 2^32 accounts"))
            }
        }
    }

    /// Returns the index of the account, when the key is matched to one.
    fn index(self) -> Option<usize> {
        match self {
            KeyAccount::Account(index) => usize::try_from(index).ok(),
            KeyAccount::Pending | KeyAccount::Unmatched => None,
        }
    }
}

/// The keys first seen while the accounts load, and what their tickets add to their accounts once
/// the keys are matched. Tickets are counted per key meanwhile, and [`Tally::match_pending`] then
/// does what matching each key on its first row would have done, in the same order.
#[derive(Debug, Default)]
struct Pending {
    /// Keys to match, in the order first seen: the position in `Tally::keys`, and the line and
    /// query of the first row.
    keys: Vec<(usize, u64, Query)>,
    /// Keys whose first counted ticket with an organization came meanwhile, in row order.
    named: Vec<usize>,
    /// Urgent tickets of the last 30 days: the key and the ticket id.
    urgent: Vec<(usize, u64)>,
    /// Warnings about counted tickets, in row order, which only a matched key reports.
    warnings: Vec<PendingWarning>,
}

/// A warning about a ticket whose key was not matched yet.
#[derive(Debug)]
struct PendingWarning {
    key: usize,
    /// The warning's place among the file's messages: [`Messages::kept`] at its row.
    index: usize,
    line: u64,
    message: String,
}

/// Pending urgent tickets and warnings at most. Past that the reader waits for the accounts, so
/// that a large file read while they load slowly does not keep one of these per row in memory.
const MAX_PENDING: usize = 10_000;

impl Pending {
    fn is_full(&self) -> bool {
        self.urgent.len() + self.warnings.len() >= MAX_PENDING
    }
}

/// The tickets of one account, summed from its keys.
#[derive(Debug, Default)]
struct AccountTally {
    counts: Counts,
    /// Urgent and high tickets of the last 30 days, cut to the lowest [`LISTED_IDS`] whenever
    /// there are more than four times as many.
    urgent_ids: Vec<u64>,
    /// The organization of the first counted ticket that has one.
    organization: Option<String>,
}

pub(super) fn read(
    files: &[PathBuf],
    ctx: &mut Context<'_>,
    parsed: &mut Parsed,
) -> Result<(), ImportError> {
    let (description, names): (_, &[_]) = if ctx.source == Source::Intercom {
        ("an Intercom conversations export", &INTERCOM_NAMES)
    } else {
        ("a Zendesk ticket export", &[])
    };
    let expected = Expected {
        description,
        required: &["id", "status", "created"],
        any_of: &["organization", "requester_domain", "requester_email"],
        names,
    };
    let mut opened = Vec::new();
    for path in files {
        opened.push(open_csv(path, &FIELDS, &expected, ctx)?);
    }
    let mut tally = Tally::default();
    let mut names = Vec::new();
    for mut export in opened {
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
        tally.headers = Headers::of(&export.input.headers, &index_of);
        let messages = &mut export.messages;
        while let Some(row) = export.input.next_data_row(messages) {
            parsed.rows_read += 1;
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
            tally.add(&ticket, row.line, &export.file, ctx, parsed, messages);
        }
        tally.flush(&export.file, ctx, parsed, messages);
        // The file's messages move to `parsed` next, so its pending warnings go in first.
        if tally.loading {
            ctx.wait_for_accounts();
            tally.match_pending(&export.file, ctx, parsed, messages);
        }
        names.push(export.finish(parsed));
    }
    tally.sum_keys();
    let frame = ctx.frame(
        format!("Support (imported from {})", ctx.source.title()),
        &[
            "Open tickets",
            "Urgent tickets",
            "Reopens",
            "Bad ratings",
            "CSAT",
        ],
        true,
        &names,
    );
    for (account, stats) in tally.accounts.iter() {
        let update = parsed.updates.entry(account);
        if let Some(org) = &stats.organization {
            if ctx.source == Source::Zendesk {
                update.set("zendesk_org", Value::Text(org.into()), Policy::FillIn);
            }
        }
        update.block = Some(build_block(stats, ctx, &frame));
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

impl Ticket<'_> {
    /// Returns the organization, unless the cell is empty or `-`.
    fn organization(&self) -> Option<&str> {
        self.organization.as_deref().filter(|o| *o != "-")
    }
}

/// Counters for every account, and the ticket ids seen so far.
struct Tally {
    /// By account index; `None` for accounts without a counted ticket.
    accounts: ByAccount<AccountTally>,
    /// Ticket ids read so far.
    seen: SeenIds,
    /// Counters by organization (else domain or email) for the files named `keys_file`, which are
    /// added to `accounts` when a file of another name starts and at the end.
    keys: KeyMap<KeyTally>,
    keys_file: String,
    /// Position in `keys` and [`KeyMap::hash`] of the previous row's key, which is checked first
    /// because exports often list the tickets of one organization together. The hashes are
    /// compared first, so that a row of another key mostly skips comparing the keys.
    last_key: Option<(usize, u64)>,
    /// Whether the accounts may still be loading, so that new keys wait in `pending`.
    loading: bool,
    pending: Pending,
    /// Rows decoded but not counted yet.
    batch: Batch,
    /// The current file's headers of the cells that messages name.
    headers: Headers,
}

/// Headers of the cells that messages name, as the current file writes them: `Id` in a
/// Zendesk export, `Conversation ID` in an Intercom one.
#[derive(Debug)]
struct Headers {
    id: String,
    created: String,
    reopens: String,
}

impl Default for Headers {
    fn default() -> Self {
        Headers {
            id: "Id".to_string(),
            created: "Created at".to_string(),
            reopens: "Reopens".to_string(),
        }
    }
}

impl Headers {
    /// Returns the headers of the columns at `index_of`, given in the order that the reader looks
    /// them up. A column without a header keeps the Zendesk name.
    fn of(headers: &[String], index_of: &[Option<usize>; 10]) -> Headers {
        let name = |at: usize, default: &str| {
            written_header(headers, index_of[at])
                .unwrap_or(default)
                .to_string()
        };
        Headers {
            id: name(0, "Id"),
            created: name(1, "Created at"),
            reopens: name(8, "Reopens"),
        }
    }
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            accounts: ByAccount::default(),
            seen: SeenIds::default(),
            keys: KeyMap::default(),
            keys_file: String::new(),
            last_key: None,
            loading: true,
            pending: Pending::default(),
            batch: Batch::default(),
            headers: Headers::default(),
        }
    }
}

impl Tally {
    /// Keeps the keys found for another file of the same name, else adds their counters to their
    /// accounts and clears them.
    fn start_file(&mut self, file: &str) {
        if self.keys_file != file {
            self.sum_keys();
            self.keys_file = file.to_string();
        }
    }

    /// Adds the counters of every key to its account's and clears the keys.
    fn sum_keys(&mut self) {
        for (_, key) in self.keys.iter() {
            if let Some(account) = key.account.index() {
                let sum = &mut self.accounts.entry(account).counts;
                sum.add(&key.counts);
            }
        }
        self.keys.clear();
        self.last_key = None;
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
                Some(&self.headers.id),
                "row has no ticket id; row skipped".to_string(),
            );
            parsed.rows_rejected += 1;
            return;
        };
        let hashes = id_text.bytes().take_while(|byte| *byte == b'#').count();
        let Some(id) = parse_u64(&id_text[hashes..]) else {
            messages.error(
                "invalid-id",
                line,
                Some(&self.headers.id),
                format!(
                    "invalid ticket id `{}`; expected a number; row skipped",
                    excerpt(id_text)
                ),
            );
            parsed.rows_rejected += 1;
            return;
        };
        if !self.seen.insert(id) {
            messages.warning(
                "duplicate-id",
                line,
                Some(&self.headers.id),
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
                    Some(&self.headers.created),
                    format!("{}; row skipped", err.message(ctx.source.slug())),
                );
                parsed.rows_rejected += 1;
                return;
            }
        };
        let today = i64::from(ctx.today.num_days_from_ce());
        // A rating was given at the last update at the latest, which only a rated ticket needs.
        let rating = ticket.rating.as_deref().and_then(rating_kind).map(|good| {
            let updated = ticket
                .updated
                .as_deref()
                .and_then(|text| parse_local_day(text, zone, order).ok())
                .unwrap_or(created);
            Rating {
                good,
                age: today - i64::from(updated),
            }
        });
        let facts = Facts::of(ticket, today - i64::from(created), rating);
        // A row that may warn is counted at once, so that its warning follows the messages of
        // the rows before it and precedes those of the rows after it.
        let warns = matches!(facts.reopens, Reopens::Invalid(_));
        let cells = [
            ticket.organization(),
            ticket.domain.as_deref(),
            ticket.email.as_deref(),
        ];
        if self.batch.push(line, id, cells, facts) || warns {
            self.flush(file, ctx, parsed, messages);
        }
    }

    /// Counts the rows of the batch in file order.
    fn flush(
        &mut self,
        file: &str,
        ctx: &mut Context<'_>,
        parsed: &mut Parsed,
        messages: &mut Messages,
    ) {
        let batch = std::mem::take(&mut self.batch);
        for (row, hash) in batch.rows.iter().zip(&batch.hashes) {
            // Matching the keys that waited comes first, as if each had been matched on its
            // first row.
            if self.loading && (ctx.accounts_loaded() || self.pending.is_full()) {
                ctx.wait_for_accounts();
                self.match_pending(file, ctx, parsed, messages);
            }
            let key = batch.key(row);
            let position = match self.find_key(key, *hash) {
                Some(position) => position,
                None => self.insert_key(key, batch.query(row), file, row.line, ctx, parsed),
            };
            self.last_key = Some((position, *hash));
            let organization = batch.organization(row);
            self.count(position, row, organization, messages);
        }
        self.batch = batch;
        self.batch.clear();
    }

    /// Adds a key seen for the first time. Its account is matched now, or after the accounts
    /// have loaded.
    fn insert_key(
        &mut self,
        key: &str,
        query: Query,
        file: &str,
        line: u64,
        ctx: &mut Context<'_>,
        parsed: &mut Parsed,
    ) -> usize {
        let account = if self.loading {
            let position = self.keys.len();
            self.pending.keys.push((position, line, query));
            KeyAccount::Pending
        } else {
            KeyAccount::from_match(ctx.resolve(&query, file, line, parsed))
        };
        let tally = KeyTally {
            account,
            ..KeyTally::default()
        };
        self.keys.insert(key, tally)
    }

    /// Counts a ticket of the key at `position`, unless the key matches no account.
    fn count(
        &mut self,
        position: usize,
        row: &Decoded,
        organization: Option<&str>,
        messages: &mut Messages,
    ) {
        let key = self.keys.value_mut(position);
        if key.account == KeyAccount::Unmatched {
            return;
        }
        let account = key.account.index();
        if let (false, Some(organization)) = (key.named, organization) {
            key.named = true;
            match account {
                Some(account) => name_account(&mut self.accounts, account, organization),
                None => self.pending.named.push(position),
            }
        }
        if key.counts.count(&row.facts) {
            match account {
                Some(account) => self.accounts.entry(account).add_urgent(row.id),
                None => self.pending.urgent.push((position, row.id)),
            }
        }
        if let Reopens::Invalid(message) = &row.facts.reopens {
            let message = message.clone();
            let line = row.line;
            match account {
                Some(_) => {
                    messages.warning("invalid-number", line, Some(&self.headers.reopens), message);
                }
                None => self.pending.warnings.push(PendingWarning {
                    key: position,
                    index: messages.kept(),
                    line,
                    message,
                }),
            }
        }
    }

    /// Matches the keys that waited for the accounts, in the order they were first seen, and
    /// adds what their tickets found to their accounts and `messages`.
    fn match_pending(
        &mut self,
        file: &str,
        ctx: &mut Context<'_>,
        parsed: &mut Parsed,
        messages: &mut Messages,
    ) {
        self.loading = false;
        let pending = std::mem::take(&mut self.pending);
        for (position, line, query) in pending.keys {
            let account = ctx.resolve(&query, file, line, parsed);
            self.keys.value_mut(position).account = KeyAccount::from_match(account);
        }
        for position in pending.named {
            if let Some(account) = self.keys.value(position).account.index() {
                // A named key is the organization itself.
                name_account(&mut self.accounts, account, self.keys.key(position));
            }
        }
        for (position, id) in pending.urgent {
            if let Some(account) = self.keys.value(position).account.index() {
                self.accounts.entry(account).add_urgent(id);
            }
        }
        let mut inserted = 0;
        for warning in pending.warnings {
            if self.keys.value(warning.key).account.index().is_some() {
                let index = warning.index + inserted;
                let kept = messages.insert(
                    index,
                    "invalid-number",
                    Level::Warning,
                    Some(warning.line),
                    Some(&self.headers.reopens),
                    warning.message,
                );
                inserted += usize::from(kept);
            }
        }
    }

    /// Returns the position of `key`, whose [`KeyMap::hash`] is `hash`, in `keys`, checking the
    /// previous row's key first.
    fn find_key(&self, key: &str, hash: u64) -> Option<usize> {
        match self.last_key {
            Some((last, last_hash)) if last_hash == hash && self.keys.is_key(last, key) => {
                Some(last)
            }
            _ => self.keys.find_hashed(key, hash),
        }
    }
}

/// Sets the organization of `account`, unless an earlier ticket set it.
fn name_account(accounts: &mut ByAccount<AccountTally>, account: usize, organization: &str) {
    let tally = accounts.entry(account);
    if tally.organization.is_none() {
        tally.organization = Some(organization.to_string());
    }
}

impl AccountTally {
    /// Adds an urgent ticket of the last 30 days to the ones listed in a spike message.
    fn add_urgent(&mut self, id: u64) {
        self.urgent_ids.push(id);
        if self.urgent_ids.len() > LISTED_IDS * 4 {
            self.urgent_ids.sort_unstable();
            self.urgent_ids.truncate(LISTED_IDS);
        }
    }
}

/// A ticket's satisfaction rating.
#[derive(Clone, Copy, Debug)]
struct Rating {
    good: bool,
    /// Days since the ticket's last update, when the rating was given at the latest.
    age: i64,
}

impl Facts {
    /// Decodes what `ticket`, created `age` days before the import date, adds to the counters.
    fn of(ticket: &Ticket<'_>, age: i64, rating: Option<Rating>) -> Facts {
        let is = |value: Option<&str>, names: &[&str]| {
            let value = value.unwrap_or_default();
            names.iter().any(|n| value.eq_ignore_ascii_case(n))
        };
        let open = is(
            ticket.status.as_deref(),
            &["new", "open", "pending", "hold", "on-hold", "snoozed"],
        );
        let urgent = is(
            ticket.priority.as_deref(),
            &["urgent", "high", "priority", "true"],
        );
        let reopens = match (&ticket.reopens, (0..90).contains(&age)) {
            (Some(text), true) => match parse_count(text) {
                Ok(n) => Reopens::Count(n),
                Err(err) => Reopens::Invalid(format!("{err}; reopens not counted")),
            },
            _ => Reopens::Uncounted,
        };
        Facts {
            age,
            rating,
            open,
            urgent,
            reopens,
        }
    }
}

impl Counts {
    /// Adds one ticket, and returns whether it is an urgent or high ticket of the last 30 days.
    fn count(&mut self, facts: &Facts) -> bool {
        let age = facts.age;
        if facts.open {
            self.open += 1;
        }
        let recent_urgent = facts.urgent && (0..30).contains(&age);
        if recent_urgent {
            self.urgent_30 += 1;
        } else if facts.urgent && (30..60).contains(&age) {
            self.urgent_prev_30 += 1;
        }
        if let Reopens::Count(n) = facts.reopens {
            self.reopens_90 += n;
        }
        match facts.rating {
            Some(Rating { good: true, age }) if (0..90).contains(&age) => self.good_90 += 1,
            Some(Rating { good: false, age }) if (0..90).contains(&age) => {
                self.bad_90 += 1;
                if age < 30 {
                    self.bad_30 += 1;
                }
            }
            _ => {}
        }
        recent_urgent
    }

    fn add(&mut self, other: &Counts) {
        self.open += other.open;
        self.urgent_30 += other.urgent_30;
        self.urgent_prev_30 += other.urgent_prev_30;
        self.reopens_90 += other.reopens_90;
        self.bad_30 += other.bad_30;
        self.bad_90 += other.bad_90;
        self.good_90 += other.good_90;
    }
}

/// Reads a rating cell (trimmed) as `Some(true)` for good and `Some(false)` for bad. It takes
/// Zendesk's Good and Bad, with or without a comment. It also takes an Intercom 1 to 5 rating,
/// as a number or as its name (Terrible, Bad, OK, Great, Amazing), where 1 and 2 are bad and 4
/// and 5 good.
fn rating_kind(text: &str) -> Option<bool> {
    let starts = |word: &str| {
        text.get(..word.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(word))
    };
    if ["good", "great", "amazing"].into_iter().any(starts) {
        return Some(true);
    }
    if ["bad", "terrible"].into_iter().any(starts) {
        return Some(false);
    }
    match text.chars().next()? {
        '1' | '2' => Some(false),
        '4' | '5' => Some(true),
        _ => None,
    }
}

fn build_block(tally: &AccountTally, ctx: &Context<'_>, frame: &Arc<Frame>) -> Block {
    let stats = &tally.counts;
    let today = ctx.today;
    let csat = if stats.good_90 + stats.bad_90 > 0 {
        #[allow(
            clippy::cast_precision_loss,
            reason = "ticket counts are far below 2^52"
        )]
        let percent = stats.good_90 as f64 * 100.0 / (stats.good_90 + stats.bad_90) as f64;
        format_compact!("{percent:.0}%")
    } else {
        Cell::default()
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
        let mut ids = tally.urgent_ids.clone();
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
    Block {
        frame: Arc::clone(frame),
        rows: vec![(
            today,
            vec![
                stats.open.to_compact_string(),
                stats.urgent_30.to_compact_string(),
                stats.reopens_90.to_compact_string(),
                stats.bad_30.to_compact_string(),
                csat,
            ],
        )],
        risks,
        expansion: None,
        notes: vec![format!(
            "Urgent tickets (urgent or high priority) and bad ratings cover the last 30 days, reopens and CSAT the last 90. Bad ratings: {} in 30 days, {} in 90 days ({trend}).",
            stats.bad_30, stats.bad_90,
        )],
        drop_check: None,
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::path::Path;

    use chrono::NaiveDate;

    use super::*;
    use crate::import::matching::Matcher;
    use crate::import::{Loading, config};
    use crate::vault::Config;

    const HEADER: &str = "Id,Status,Priority,Created at,Updated at,Organization,\
                          Requester domain,Satisfaction Score,Reopens\n";

    /// Writes a vault with three accounts.
    fn vault(root: &Path) {
        for (folder, domain) in [
            ("Acme_Corp", "acme.com"),
            ("Globex", "globex.com"),
            ("Initech", "initech.com"),
        ] {
            let dir = root.join("Active/Accounts").join(folder);
            std::fs::create_dir_all(&dir).unwrap();
            let overview = format!("---\ntype: account\ndomain: {domain}\n---\n# {folder}\n");
            std::fs::write(dir.join("Overview.md"), overview).unwrap();
        }
    }

    /// Returns ticket rows that take every path of the reader. They have matched, unmatched and
    /// domain-only keys, an organization spelled like a domain, urgent tickets, a duplicate id,
    /// an invalid date and a cell that is not UTF-8. More than [`Messages::MAX_PER_KIND`]
    /// reopens cells are invalid, the first ones in rows of an unmatched organization.
    fn tickets() -> Vec<u8> {
        let mut rows = HEADER.as_bytes().to_vec();
        let mut add = |row: &[u8]| rows.extend_from_slice(row);
        for id in 1..=4 {
            add(format!(
                "{id},open,low,2026-03-01 10:00:00,2026-03-02 10:00:00,Umbrella,,,x{id}\n"
            )
            .as_bytes());
        }
        add(b"5,open,urgent,2026-03-01 10:00:00,,,acme.com,Bad,1\n");
        add(b"6,solved,high,2026-03-02 10:00:00,,acme.com,,Good,x\n");
        add(b"7,open,urgent,2026-03-03 10:00:00,,Acme Corp,acme.com,1,2\n");
        add(b"7,open,urgent,2026-03-03 10:00:00,,Acme Corp,acme.com,1,2\n");
        add(b"8,open,high,2026-02-31 10:00:00,,Globex,,,\n");
        for id in 9..40 {
            let org = ["Globex", "Initech", "Umbrella", "ACME CORP."][id % 4];
            let priority = ["urgent", "low", "high"][id % 3];
            add(format!(
                "{id},pending,{priority},2026-02-{:02} 08:00:00,,{org},,5,bad{id}\n",
                id % 28 + 1
            )
            .as_bytes());
        }
        add(b"40,open,urgent,2026-03-10 10:00:00,,Caf\xE9 Ltd,,,\n");
        add(b"41,open,urgent,2026-03-10 10:00:00,,-,initech.com,,\n");
        rows
    }

    /// Reads `files` into the vault at `root` with the accounts ready after `checks` rows have
    /// asked for them (`None`: ready from the start). Returns what the read found and the
    /// account folders.
    fn read_files(
        root: &Path,
        files: &[PathBuf],
        checks: Option<usize>,
        create: bool,
    ) -> (Parsed, Vec<String>) {
        let (vault_config, _) = Config::load(root);
        let settings =
            config::load(&vault_config.import, Source::Zendesk, vault_config.timezone).unwrap();
        let loaded = Matcher::load(root, &vault_config.accounts_folder, &settings);
        let (matcher, loading) = match checks {
            None => (loaded, None),
            Some(checks) => (
                Matcher::new(&vault_config.accounts_folder, &settings),
                Some(Loading::AfterChecks(checks, Box::new(loaded))),
            ),
        };
        let mut ctx = Context {
            root,
            vault: &vault_config,
            config: settings,
            matcher,
            loading,
            today: NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(),
            create_accounts: create,
            source: Source::Zendesk,
        };
        let mut parsed = Parsed::default();
        read(files, &mut ctx, &mut parsed).unwrap();
        let folders = ctx.matcher.accounts.iter().map(|a| a.folder.clone());
        (parsed, folders.collect())
    }

    /// Returns everything that [`read_files`] found, as text.
    fn read_with(root: &Path, files: &[PathBuf], checks: Option<usize>, create: bool) -> String {
        let (parsed, folders) = read_files(root, files, checks, create);
        format!(
            "{:#?}\n{:#?}\n{:#?}\nread {}, rejected {}\n{folders:?}",
            parsed.messages,
            parsed.unmatched,
            parsed.updates,
            parsed.rows_read,
            parsed.rows_rejected
        )
    }

    #[test]
    fn ratings_of_zendesk_and_intercom() {
        let cases = [
            ("Good", Some(true)),
            ("Bad with comment", Some(false)),
            ("Offered", None),
            ("1", Some(false)),
            ("3", None),
            ("5", Some(true)),
            ("Terrible", Some(false)),
            ("OK", None),
            ("Great", Some(true)),
            ("amazing", Some(true)),
        ];
        for (text, kind) in cases {
            assert_eq!(rating_kind(text), kind, "{text}");
        }
    }

    #[test]
    fn accounts_loading_late_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        vault(dir.path());
        let first = dir.path().join("tickets.csv");
        std::fs::write(&first, tickets()).unwrap();
        // A second file of the same name keeps the keys; a third one starts over.
        std::fs::create_dir(dir.path().join("more")).unwrap();
        let second = dir.path().join("more/tickets.csv");
        std::fs::write(&second, format!("{HEADER}50,open,low,2026-03-01 10:00:00,,Umbrella,,,z\n60,open,urgent,2026-03-11 10:00:00,,Globex,,,\n")).unwrap();
        let third = dir.path().join("later.csv");
        std::fs::write(
            &third,
            format!("{HEADER}70,open,low,2026-03-01 10:00:00,,Umbrella,,,z\n"),
        )
        .unwrap();
        let files = [first, second, third];
        let rows = 47;
        for create in [false, true] {
            let expected = read_with(dir.path(), &files, None, create);
            assert!(
                expected.contains("more `invalid-number` messages"),
                "{expected}"
            );
            assert!(expected.contains("Umbrella"), "{expected}");
            for checks in 0..=rows {
                let found = read_with(dir.path(), &files, Some(checks), create);
                assert_eq!(found, expected, "accounts ready after {checks} rows");
            }
        }
    }

    #[test]
    fn key_tally_starts_with_16_bytes() {
        assert_eq!(std::mem::offset_of!(KeyTally, counts), 16);
        assert!(std::mem::size_of::<KeyTally>() <= 80);
    }

    #[test]
    fn full_pending_list_waits_for_accounts() {
        let dir = tempfile::tempdir().unwrap();
        vault(dir.path());
        let mut rows = HEADER.to_string();
        for id in 0..MAX_PENDING + 50 {
            let org = if id % 3 == 0 { "Umbrella" } else { "Globex" };
            writeln!(rows, "{id},open,low,2026-03-01 10:00:00,,{org},,,bad").unwrap();
        }
        let file = dir.path().join("tickets.csv");
        std::fs::write(&file, rows).unwrap();
        let files = [file];
        let expected = read_with(dir.path(), &files, None, false);
        let found = read_with(dir.path(), &files, Some(usize::MAX), false);
        assert_eq!(found, expected);
    }

    #[test]
    fn pending_list_fills_at_max() {
        let dir = tempfile::tempdir().unwrap();
        vault(dir.path());
        let (vault_config, _) = Config::load(dir.path());
        let settings =
            config::load(&vault_config.import, Source::Zendesk, vault_config.timezone).unwrap();
        let loaded = Matcher::load(dir.path(), &vault_config.accounts_folder, &settings);
        let mut ctx = Context {
            root: dir.path(),
            vault: &vault_config,
            matcher: Matcher::new(&vault_config.accounts_folder, &settings),
            config: settings,
            loading: Some(Loading::AfterChecks(usize::MAX, Box::new(loaded))),
            today: NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(),
            create_accounts: false,
            source: Source::Zendesk,
        };
        let mut parsed = Parsed::default();
        let mut messages = Messages::new("tickets.csv");
        let mut tally = Tally::default();

        // Each row adds a warning that waits for the accounts.
        for id in 0..=MAX_PENDING {
            let text = |value: &str| Some(Cow::Owned(value.to_string()));
            let ticket = Ticket {
                id: text(&id.to_string()),
                created: text("2026-03-01 10:00:00"),
                updated: None,
                organization: text("Globex"),
                domain: None,
                email: None,
                status: text("open"),
                priority: text("low"),
                reopens: text("bad"),
                rating: None,
            };
            tally.add(
                &ticket,
                2,
                "tickets.csv",
                &mut ctx,
                &mut parsed,
                &mut messages,
            );
            // The row after the one that fills the list waits for the accounts.
            assert_eq!(tally.loading, id < MAX_PENDING, "row {id}");
        }

        assert!(!tally.loading);
        assert!(ctx.loading.is_none());
        assert_eq!(tally.keys.value(0).account, KeyAccount::Account(1));
        let warnings = messages.finish();
        assert_eq!(warnings.len(), 21, "20 warnings and a note on the rest");
    }

    #[test]
    fn next_row_of_another_organization() {
        let dir = tempfile::tempdir().unwrap();
        vault(dir.path());
        // Consecutive rows of one organization, then other organizations on the next rows: one
        // of the same length, one longer and one that is a prefix of the first.
        let rows = format!(
            "{HEADER}1,open,low,2026-03-01 10:00:00,,Globex,,,\n\
             2,open,low,2026-03-01 10:00:00,,Globex,,,\n\
             3,open,low,2026-03-01 10:00:00,,Globez,,,\n\
             4,open,low,2026-03-01 10:00:00,,Initech,,,\n\
             5,open,low,2026-03-01 10:00:00,,Globex,,,\n\
             6,open,low,2026-03-01 10:00:00,,Globe,,,\n"
        );
        let file = dir.path().join("tickets.csv");
        std::fs::write(&file, rows).unwrap();
        let (parsed, _) = read_files(dir.path(), &[file], None, false);
        let open_tickets = |account: usize| {
            let block = parsed.updates.get(account).unwrap().block.as_ref().unwrap();
            block.rows[0].1[0].clone()
        };
        assert_eq!(parsed.updates.len(), 2);
        assert_eq!(open_tickets(1), "3", "Globex");
        assert_eq!(open_tickets(2), "1", "Initech");
        let unmatched: Vec<(&str, u64)> = parsed
            .unmatched
            .iter()
            .map(|row| (row.account.as_str(), row.line))
            .collect();
        assert_eq!(unmatched, [("Globez", 4), ("Globe", 7)]);
    }
}
