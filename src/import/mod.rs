//! `dex import`: reads exports from CRM, success-platform, support, analytics, calendar and chat
//! tools and writes what they say about each account into the vault.
//!
//! Every source follows the same path: read the files as streams into per-account aggregates
//! (memory grows with the number of accounts, not rows), match each row to an account, then plan
//! the edits to the account pages and write them atomically, or print them as a diff with
//! `--dry-run`. Values land in frontmatter keys the import owns and in one Dex-owned block per
//! source on the account's `Health.md`; everything else in the notes is kept byte for byte.

use std::path::PathBuf;

use chrono::NaiveDate;

/// The tools `dex import` reads exports from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Source {
    /// Salesforce Account and Opportunity CSV exports.
    Salesforce,
    /// Gainsight company export CSV.
    Gainsight,
    /// `ChurnZero` account export CSV (same shape as Gainsight).
    Churnzero,
    /// Zendesk ticket CSV export.
    Zendesk,
    /// Intercom conversations CSV export.
    Intercom,
    /// Pendo account or visitor CSV.
    Pendo,
    /// Amplitude export: a zip of gzipped JSON lines, or one `.json`, `.jsonl` or `.gz` file.
    Amplitude,
    /// An iCalendar (`.ics`) file.
    Ics,
    /// A Slack workspace export zip.
    Slack,
}

impl Source {
    /// Every source, in the order the command line lists them.
    pub const ALL: [Source; 9] = [
        Source::Salesforce,
        Source::Gainsight,
        Source::Churnzero,
        Source::Zendesk,
        Source::Intercom,
        Source::Pendo,
        Source::Amplitude,
        Source::Ics,
        Source::Slack,
    ];

    /// The lower-case name used on the command line, in `.dex.toml` and in block markers.
    pub fn slug(self) -> &'static str {
        match self {
            Source::Salesforce => "salesforce",
            Source::Gainsight => "gainsight",
            Source::Churnzero => "churnzero",
            Source::Zendesk => "zendesk",
            Source::Intercom => "intercom",
            Source::Pendo => "pendo",
            Source::Amplitude => "amplitude",
            Source::Ics => "ics",
            Source::Slack => "slack",
        }
    }

    /// The product name as its vendor writes it.
    pub fn title(self) -> &'static str {
        match self {
            Source::Salesforce => "Salesforce",
            Source::Gainsight => "Gainsight",
            Source::Churnzero => "ChurnZero",
            Source::Zendesk => "Zendesk",
            Source::Intercom => "Intercom",
            Source::Pendo => "Pendo",
            Source::Amplitude => "Amplitude",
            Source::Ics => "iCalendar",
            Source::Slack => "Slack",
        }
    }

    /// Parses a source name as written in `.dex.toml`.
    pub fn from_slug(name: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|s| s.slug() == name)
    }
}

/// What one `dex import` run is asked to do.
#[derive(Clone, Debug)]
pub struct Options {
    /// The vault root.
    pub vault: PathBuf,
    /// The tool the files come from.
    pub source: Source,
    /// The export files, read in order.
    pub files: Vec<PathBuf>,
    /// Print the changes as a unified diff instead of writing them.
    pub dry_run: bool,
    /// Create account pages for rows that match no account.
    pub create_accounts: bool,
    /// Replace Dex-owned blocks even when the user edited them.
    pub force: bool,
    /// The import date; rows of the history tables and the provenance lines carry it.
    pub today: NaiveDate,
}
