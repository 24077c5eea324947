//! The records an import keeps in its block on `Health.md` about the pages it writes: the
//! Overview properties it set, and the day each written page's hand-written content dates from.
//! The account model reads both back, so an imported value counts from its import's day and the
//! values the user wrote keep their own age although the import changed the file.

use chrono::NaiveDate;
use std::path::Path;

use super::block::Records;
use super::frontmatter::{self, Policy, Value};
use crate::syntax::dex_block::{self, DexBlock, PageRecord, Property};
use crate::vault::Config;

/// The Overview's name in the records: its path relative to the account folder.
pub const OVERVIEW: &str = "Overview.md";
/// `Health.md`'s name in the records.
pub const HEALTH: &str = "Health.md";

/// The Overview as the import found it and as it leaves it.
pub struct OverviewText {
    /// The text before the import; `None` when the import creates the page.
    pub old: Option<String>,
    /// The text after the import (the old text when nothing changes).
    pub new: String,
    /// The file, for its modification date.
    pub path: std::path::PathBuf,
}

impl OverviewText {
    fn is_rewritten(&self) -> bool {
        self.old.as_deref().is_some_and(|old| old != self.new)
    }
}

/// A `Health.md` the import writes a block into.
pub struct HealthText<'a> {
    /// The text before the import.
    pub old: &'a str,
    /// The file, for its modification date.
    pub path: &'a Path,
}

/// Builds the records for the block of `source`: the properties line from the Overview
/// `updates`, and the page records, renewed for the pages this import writes and kept from
/// the block's earlier record for the others.
pub fn records(
    source: &str,
    updates: &[(&'static str, Value, Policy)],
    overview: Option<&OverviewText>,
    health: Option<&HealthText<'_>>,
    config: &Config,
    today: NaiveDate,
) -> Records {
    let old_blocks = health.map_or_else(Vec::new, |h| dex_block::blocks(h.old));
    let own = old_blocks.iter().find(|b| b.source == source);
    let recorded = own.map_or(&[][..], |b| b.properties.as_slice());
    let properties = overview.and_then(|o| properties_line(updates, o, recorded));
    let mut pages: Vec<PageRecord> = own.map_or_else(Vec::new, |b| b.pages.clone());
    let mut renew = |record: Option<PageRecord>| {
        if let Some(record) = record {
            pages.retain(|r| r.page != record.page);
            pages.push(record);
        }
    };
    let renews_pages = overview.is_some_and(OverviewText::is_rewritten);
    if let Some(o) = overview.filter(|o| o.is_rewritten()) {
        let old = o.old.as_deref().unwrap_or_default();
        let written = dex_block::page_fingerprint(&o.new);
        renew(page_record(
            OVERVIEW,
            &o.path,
            old,
            written,
            &old_blocks,
            config,
            today,
        ));
    }
    if let Some(h) = health {
        // The import changes only its block, which the fingerprint leaves out.
        let written = dex_block::page_fingerprint(h.old);
        renew(page_record(
            HEALTH,
            h.path,
            h.old,
            written,
            &old_blocks,
            config,
            today,
        ));
    }
    pages.sort_by_key(|r| r.page != OVERVIEW);
    Records {
        properties,
        pages,
        renews_pages,
    }
}

/// Renders the properties line: the keys of `updates` whose value on the new Overview is the
/// import's. A key the import owns counts whenever it has the import's value. A fill-in key
/// counts when this import fills it in, or when the source's earlier record lists it with the
/// same value, so a value the user wrote first stays theirs.
fn properties_line(
    updates: &[(&'static str, Value, Policy)],
    overview: &OverviewText,
    recorded: &[Property],
) -> Option<String> {
    let mut listed = Vec::new();
    for (key, value, policy) in updates {
        let Some(text) = frontmatter::value_text(&overview.new, key) else {
            continue;
        };
        if !value.same_as(&text) {
            // A value the user wrote over the import's stays recorded with the import's value
            // while the export gives that value, so the next import keeps the user's too.
            let set_before = recorded
                .iter()
                .find(|p| p.page == OVERVIEW && p.key == *key && value.same_as(&p.value));
            if let Some(p) = set_before.filter(|_| *policy == Policy::Owned) {
                listed.push(((*key).to_string(), p.value.clone()));
            }
            continue;
        }
        let counts = match policy {
            Policy::Owned => true,
            Policy::FillIn => {
                let before = overview
                    .old
                    .as_deref()
                    .and_then(|old| frontmatter::value_text(old, key));
                before.is_none()
                    || recorded
                        .iter()
                        .any(|p| p.page == OVERVIEW && p.key == *key && p.value == text)
            }
        };
        if counts {
            listed.push(((*key).to_string(), text));
        }
    }
    dex_block::render_properties(OVERVIEW, &listed)
}

/// Builds the record of a page the import writes over `old`: the day its hand-written content
/// dates from and `written`, its fingerprint after the write. The day is the one an earlier
/// record gives while the page still matched that record, else the file's modification date.
/// Returns `None` when neither is known.
fn page_record(
    page: &str,
    path: &Path,
    old: &str,
    written: String,
    old_blocks: &[DexBlock],
    config: &Config,
    today: NaiveDate,
) -> Option<PageRecord> {
    let old_fingerprint = dex_block::page_fingerprint(old);
    let recorded = old_blocks
        .iter()
        .flat_map(|b| &b.pages)
        .filter(|r| r.page == page && r.fingerprint == old_fingerprint)
        .map(|r| r.date)
        .max();
    // A file changed after the import's today (a date given with `--today`) counts as today.
    let date = recorded
        .or_else(|| crate::vault::file_modified(path, config))?
        .min(today);
    Some(PageRecord {
        page: page.to_string(),
        date,
        fingerprint: written,
    })
}
