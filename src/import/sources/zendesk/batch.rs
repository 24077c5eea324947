//! Ticket rows decoded but not counted yet. The reader counts them a batch at a time. The loop
//! that counts a batch does little besides looking up each row's key, so the processor overlaps
//! the cache misses of several lookups. Counting each row as soon as it was read put the work of
//! decoding the next row between two lookups.

use std::ops::Range;

use super::{KeyTally, Rating};
use crate::import::keymap::KeyMap;
use crate::import::matching::Query;

/// Rows in a batch at most.
const BATCH_ROWS: usize = 32;

/// A ticket row whose cells are decoded and checked, waiting to be counted.
#[derive(Debug)]
pub(super) struct Decoded {
    /// One-based line where the row starts.
    pub line: u64,
    pub id: u64,
    /// The organization's place in [`Batch::text`], unless the cell is empty or `-`.
    organization: Option<Range<usize>>,
    /// The requester domain's place in [`Batch::text`].
    domain: Option<Range<usize>>,
    /// The requester email's place in [`Batch::text`].
    email: Option<Range<usize>>,
    pub facts: Facts,
}

/// The values of a ticket that its key's counters use.
#[derive(Debug)]
pub(super) struct Facts {
    /// Days from the ticket's creation to the import date.
    pub age: i64,
    pub rating: Option<Rating>,
    /// Whether the status is one of an open ticket.
    pub open: bool,
    /// Whether the priority is urgent or high.
    pub urgent: bool,
    pub reopens: Reopens,
}

/// The reopens cell of a ticket created in the last 90 days.
#[derive(Debug)]
pub(super) enum Reopens {
    /// The cell is empty, or the ticket is older.
    Uncounted,
    Count(u64),
    /// The warning about a cell that is not a count.
    Invalid(String),
}

/// Decoded rows, in file order, with the text of their keys.
#[derive(Debug, Default)]
pub(super) struct Batch {
    pub rows: Vec<Decoded>,
    /// The [`KeyMap::hash`] of each row's key.
    pub hashes: Vec<u64>,
    /// The organizations, domains and emails of the rows, one after another.
    text: String,
}

impl Batch {
    /// Adds a row whose cells are `organization` (unless empty or `-`), `domain` and `email`,
    /// and returns whether the batch is full.
    pub fn push(
        &mut self,
        line: u64,
        id: u64,
        [organization, domain, email]: [Option<&str>; 3],
        facts: Facts,
    ) -> bool {
        let mut place = |cell: Option<&str>| {
            cell.map(|text| {
                let start = self.text.len();
                self.text.push_str(text);
                start..self.text.len()
            })
        };
        let row = Decoded {
            line,
            id,
            organization: place(organization),
            domain: place(domain),
            email: place(email),
            facts,
        };
        self.hashes.push(KeyMap::<KeyTally>::hash(self.key(&row)));
        self.rows.push(row);
        self.rows.len() >= BATCH_ROWS
    }

    /// Returns the row's organization, unless the cell is empty or `-`.
    pub fn organization(&self, row: &Decoded) -> Option<&str> {
        row.organization.clone().map(|range| &self.text[range])
    }

    /// Returns the key that the row's tickets are counted under: its organization, else its
    /// requester domain, else its email, else the empty string.
    pub fn key(&self, row: &Decoded) -> &str {
        let range = (row.organization.clone())
            .or_else(|| row.domain.clone())
            .or_else(|| row.email.clone());
        range.map_or("", |range| &self.text[range])
    }

    /// Builds the query that finds the account of a row by organization, requester domain or
    /// email.
    pub fn query(&self, row: &Decoded) -> Query {
        let text = |range: &Option<Range<usize>>| range.clone().map(|r| self.text[r].to_string());
        let mut query = Query::default();
        if let Some(org) = text(&row.organization) {
            query.ids.push(("zendesk_org", org.clone()));
            query.names.push(org);
        }
        query.domains.extend(text(&row.domain));
        query.domains.extend(text(&row.email));
        query
    }

    /// Removes every row, keeping the memory for the next ones.
    pub fn clear(&mut self) {
        self.rows.clear();
        self.hashes.clear();
        self.text.clear();
    }
}
