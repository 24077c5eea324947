//! `dex import`: reads exports from CRM, success-platform, support, analytics, calendar and chat
//! tools and writes their account data into the vault.
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

    /// Returns the lower-case name used on the command line, in `.dex.toml` and in block markers.
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

    /// Returns the product name as its vendor writes it.
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

/// The settings of one `dex import` run.
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

mod apply;
mod archive;
mod block;
pub mod config;
mod csvin;
mod frontmatter;
mod keymap;
mod matching;
mod records;
pub mod report;
pub mod risk;
mod sources;
mod values;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::thread::JoinHandle;

use chrono_tz::Tz;

use self::block::{Block, Frame};
use self::config::SourceConfig;
use self::frontmatter::{Policy, Value};
use self::matching::{Matcher, Query};
use self::report::{Message, Report, Unmatched};
use crate::vault::Config;

/// An error that stopped a run before it wrote anything.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The vault folder or its configuration cannot be used.
    #[error("{0}")]
    Vault(String),
    /// A file is not an export of the named source, or cannot be opened at all.
    #[error("{file}: {message}")]
    Refused {
        /// The file as given on the command line.
        file: String,
        /// The missing or wrong part.
        message: String,
    },
}

/// An import's updates for one account.
#[derive(Clone, Debug, Default)]
pub struct AccountUpdate {
    /// Overview frontmatter keys to set.
    pub frontmatter: Vec<(&'static str, Value, Policy)>,
    /// The source's block on `Health.md`.
    pub block: Option<Block>,
}

impl AccountUpdate {
    /// Sets `key` to `value`, replacing an earlier value for the same key.
    pub fn set(&mut self, key: &'static str, value: Value, policy: Policy) {
        match self.frontmatter.iter_mut().find(|(k, _, _)| *k == key) {
            Some(earlier) => *earlier = (key, value, policy),
            None => self.frontmatter.push((key, value, policy)),
        }
    }

    /// Replaces the frontmatter values with `values`, each key given once.
    pub fn set_all(&mut self, values: impl IntoIterator<Item = (&'static str, Value, Policy)>) {
        let values = values.into_iter();
        self.frontmatter.clear();
        // Room for every value that may come, so that the list grows once.
        let (at_least, at_most) = values.size_hint();
        self.frontmatter.reserve(at_most.unwrap_or(at_least));
        self.frontmatter.extend(values);
        debug_assert!(
            (self.frontmatter.iter().enumerate())
                .all(|(i, (key, ..))| self.frontmatter[..i].iter().all(|(k, ..)| k != key)),
            "a key given twice"
        );
    }
}

/// Values by account, indexed by the account's place among the matcher's accounts, so that a
/// row finds its account's value without a search.
#[derive(Clone)]
pub struct ByAccount<T> {
    slots: Vec<Option<T>>,
    len: usize,
}

/// The updates of an import by account.
pub type Updates = ByAccount<AccountUpdate>;

impl<T> Default for ByAccount<T> {
    fn default() -> Self {
        ByAccount {
            slots: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Default> ByAccount<T> {
    /// Returns the value of `account`, adding a default one if it has none yet.
    pub fn entry(&mut self, account: usize) -> &mut T {
        self.entry_or_insert_with(account, T::default)
    }
}

impl<T> ByAccount<T> {
    /// Creates an empty map with room for `accounts` accounts, so that values of those accounts
    /// are never moved as the map grows.
    pub fn for_accounts(accounts: usize) -> Self {
        ByAccount {
            slots: Vec::with_capacity(accounts),
            len: 0,
        }
    }

    /// Returns the value of `account`, adding the one that `make` returns if it has none yet.
    pub fn entry_or_insert_with(&mut self, account: usize, make: impl FnOnce() -> T) -> &mut T {
        if account >= self.slots.len() {
            self.slots.resize_with(account + 1, || None);
        }
        let slot = &mut self.slots[account];
        if slot.is_none() {
            self.len += 1;
        }
        slot.get_or_insert_with(make)
    }

    /// Returns the value of `account`, if it has one.
    pub fn get(&self, account: usize) -> Option<&T> {
        self.slots.get(account)?.as_ref()
    }

    /// Returns the number of accounts with a value.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Returns whether no account has a value.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Returns each account with a value and its value, in account order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &T)> {
        let slots = self.slots.iter().enumerate();
        slots.filter_map(|(account, slot)| Some((account, slot.as_ref()?)))
    }

    /// Returns each account with a value and its value, in account order, taking the values.
    pub fn into_entries(self) -> impl Iterator<Item = (usize, T)> {
        let slots = self.slots.into_iter().enumerate();
        slots.filter_map(|(account, slot)| Some((account, slot?)))
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for ByAccount<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// A note the import creates or edits outside the account pages (meeting stubs).
#[derive(Clone, Debug)]
pub struct NoteWrite {
    /// Vault-relative path.
    pub path: String,
    /// The new text. For an existing note, the frontmatter updates below apply instead.
    pub text: String,
    /// For an existing note: frontmatter keys to update.
    pub updates: Vec<(&'static str, Value, Policy)>,
    /// Whether the note exists already.
    pub exists: bool,
    /// One line saying why it changes.
    pub detail: String,
}

/// The result of reading a source's files.
#[derive(Debug, Default)]
pub struct Parsed {
    /// Data rows read.
    pub rows_read: u64,
    /// Rows rejected with an error message.
    pub rows_rejected: u64,
    /// Messages about the input.
    pub messages: Vec<Message>,
    /// Rows that matched no account.
    pub unmatched: Vec<Unmatched>,
    unmatched_seen: HashSet<(String, String)>,
    /// Per-account updates, by index into the matcher's accounts.
    pub updates: Updates,
    /// Other notes to write.
    pub notes: Vec<NoteWrite>,
}

/// The input of a source's reader: the vault, the settings and the account matcher.
pub struct Context<'a> {
    /// The vault root.
    pub root: &'a Path,
    /// The vault configuration.
    pub vault: &'a Config,
    /// This source's settings.
    pub config: SourceConfig,
    /// The accounts. While `loading` is set, they are still loading and this is empty, so
    /// [`Context::resolve`] waits for them. Readers other than Zendesk's get a context whose
    /// accounts are loaded.
    pub matcher: Matcher,
    /// The accounts while they load, for a reader that counts rows meanwhile.
    loading: Option<Loading>,
    /// The import date.
    pub today: NaiveDate,
    /// Whether unmatched rows create accounts.
    pub create_accounts: bool,
    /// The source.
    pub source: Source,
}

/// Accounts that are still loading.
enum Loading {
    /// On this thread.
    Thread(JoinHandle<Matcher>),
    /// Loaded, but reported as loading until [`Context::accounts_loaded`] has returned false
    /// this many more times, so that tests choose the row where loading ends.
    #[cfg(test)]
    AfterChecks(usize, Box<Matcher>),
}

impl Context<'_> {
    /// Checks whether the accounts are loaded, without waiting for them.
    pub fn accounts_loaded(&mut self) -> bool {
        let finished = match &mut self.loading {
            None => return true,
            Some(Loading::Thread(thread)) => thread.is_finished(),
            #[cfg(test)]
            Some(Loading::AfterChecks(checks, _)) => {
                let finished = *checks == 0;
                *checks = checks.saturating_sub(1);
                finished
            }
        };
        if finished {
            self.wait_for_accounts();
        }
        finished
    }

    /// Waits until the accounts are loaded.
    pub fn wait_for_accounts(&mut self) {
        match self.loading.take() {
            None => {}
            Some(Loading::Thread(thread)) => match thread.join() {
                Ok(matcher) => self.matcher = matcher,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            #[cfg(test)]
            Some(Loading::AfterChecks(_, matcher)) => self.matcher = *matcher,
        }
    }

    /// Finds the row's account, creates it with `--create-accounts`, or lists the row as
    /// unmatched (once per account name and file). Waits for the accounts to load first.
    /// Resolves a row's account as [`Context::resolve`] does, but first looks each id of `ids`
    /// up under its key, in order, when ids are the first matching rule, so that a row found by
    /// an id builds no query. `ids` are the ids that `query` gives, in the same order.
    pub fn resolve_id_first(
        &mut self,
        ids: &[(&str, Option<&str>)],
        query: impl FnOnce() -> Query,
        file: &str,
        line: u64,
        parsed: &mut Parsed,
    ) -> Option<usize> {
        self.wait_for_accounts();
        let found = (ids.iter()).find_map(|&(key, id)| self.matcher.find_by_id_first(key, id?));
        found.or_else(|| self.resolve(&query(), file, line, parsed))
    }

    pub fn resolve(
        &mut self,
        query: &Query,
        file: &str,
        line: u64,
        parsed: &mut Parsed,
    ) -> Option<usize> {
        self.wait_for_accounts();
        if let Some(index) = self.matcher.find(query) {
            return Some(index);
        }
        if let Some(sharers) = self.matcher.ambiguity(query) {
            let account = query.describe();
            if parsed
                .unmatched_seen
                .insert((file.to_string(), format!("ambiguous {account}")))
            {
                let folders: Vec<&str> = (sharers.iter())
                    .map(|&i| self.matcher.accounts[i].folder.as_str())
                    .collect();
                parsed.messages.push(Message {
                    file: file.to_string(),
                    line: Some(line),
                    field: None,
                    level: report::Level::Error,
                    message: format!(
                        "`{account}` could be any of {} accounts ({}), so its rows were left \
                         out; give each account an id, or a name or domain no other account \
                         has",
                        folders.len(),
                        folders.join(", ")
                    ),
                });
            }
            return None;
        }
        if self.create_accounts {
            if let Some(name) = query.names.first() {
                if let Some(index) = self.matcher.create(name) {
                    return Some(index);
                }
            }
        }
        let account = query.describe();
        if parsed
            .unmatched_seen
            .insert((file.to_string(), account.clone()))
        {
            parsed.unmatched.push(Unmatched {
                file: file.to_string(),
                line,
                account,
            });
        }
        None
    }

    /// Returns the zone that dates are counted in: the source's `timezone`.
    pub fn zone(&self) -> Tz {
        self.config.timezone
    }

    /// Builds what every block of this run shares: `heading`, `columns` and the provenance line,
    /// which names `files`.
    pub fn frame(
        &self,
        heading: String,
        columns: &[&str],
        snapshot: bool,
        files: &[String],
    ) -> Arc<Frame> {
        Arc::new(Frame {
            source: self.source.slug(),
            heading,
            columns: columns.iter().map(ToString::to_string).collect(),
            snapshot,
            provenance: format!(
                "Imported from {} on {} by dex import {}.",
                files.join(", "),
                self.today,
                self.source.slug()
            ),
            notes: Vec::new(),
        })
    }
}

/// Returns the name of a file as messages and provenance lines show it: its file name.
pub fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Runs an import: reads every file, plans the edits, and writes them unless `--dry-run`.
pub fn run(options: &Options) -> Result<Report, ImportError> {
    Import::open(options)?.run()
}

/// Counts from reading exports without planning or writing anything.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadCounts {
    /// Rows (events, tickets, messages) read.
    pub rows_read: u64,
    /// Rows rejected.
    pub rows_rejected: u64,
    /// Accounts with an update.
    pub accounts: usize,
    /// Rows whose account was not found, counted once per account name and file.
    pub unmatched: usize,
}

impl ReadCounts {
    fn of(parsed: &Parsed) -> ReadCounts {
        ReadCounts {
            rows_read: parsed.rows_read,
            rows_rejected: parsed.rows_rejected,
            accounts: parsed.updates.len(),
            unmatched: parsed.unmatched.len(),
        }
    }
}

/// The result of [`Import::read`]: its counts, with the updates and accounts it built, which
/// are freed when this is dropped.
pub struct ReadOutput {
    /// The counts of the read.
    pub counts: ReadCounts,
    _parsed: Parsed,
    _matcher: Matcher,
}

/// Reads the exports and matches them to accounts, as [`run`] does, but plans and writes
/// nothing. The import benchmark compares this streaming step with reading the same files.
pub fn read_only(options: &Options) -> Result<ReadCounts, ImportError> {
    Ok(Import::open(options)?.read()?.counts)
}

/// One import with its vault opened and its settings read, before any export row is read.
/// [`run`] and [`read_only`] go through it. A caller that loads the vault's accounts first,
/// with [`Import::load_accounts`], can time the read of the exports without that fixed cost.
pub struct Import {
    options: Options,
    root: PathBuf,
    vault: Config,
    config: SourceConfig,
    /// The accounts, when loaded before the read.
    accounts: Option<Matcher>,
}

impl Import {
    /// Opens the vault that `options` names and reads its configuration and the source's
    /// settings. Fails, reading nothing, when the vault or its configuration cannot be used or
    /// an export file is missing.
    pub fn open(options: &Options) -> Result<Import, ImportError> {
        let root = vault_root(options)?;
        let (vault, error) = Config::load(&root);
        if let Some(err) = error {
            return Err(ImportError::Vault(format!("invalid configuration: {err}")));
        }
        let config =
            config::load(&vault.import, options.source, vault.timezone).map_err(|err| {
                ImportError::Vault(format!(
                    "invalid configuration: {}: {err}",
                    config_path(&root)
                ))
            })?;
        for file in &options.files {
            if !file.is_file() {
                return Err(ImportError::Refused {
                    file: file.display().to_string(),
                    message: "not found or not a file".to_string(),
                });
            }
        }
        Ok(Import {
            options: options.clone(),
            root,
            vault,
            config,
            accounts: None,
        })
    }

    /// Loads the vault's accounts now, reading the frontmatter of each account's Overview.
    /// Without this call the read loads them itself: the Zendesk and Intercom readers on another
    /// thread while they count rows, the other readers before their first row.
    pub fn load_accounts(&mut self) {
        if self.accounts.is_none() {
            self.accounts = Some(Matcher::load(
                &self.root,
                &self.vault.accounts_folder,
                &self.config,
            ));
        }
    }

    /// Reads the exports and matches their rows to accounts, as [`Import::run`] does, but plans
    /// and writes nothing. The updates and the accounts come back with the counts, so that the
    /// caller chooses when to free them.
    pub fn read(self) -> Result<ReadOutput, ImportError> {
        self.read_then(|context, parsed, _| {
            Ok(ReadOutput {
                counts: ReadCounts::of(&parsed),
                _parsed: parsed,
                _matcher: context.matcher,
            })
        })
    }

    /// Reads every file, plans the edits, and writes them unless `--dry-run`.
    pub fn run(self) -> Result<Report, ImportError> {
        self.read_then(|context, parsed, options| {
            let mut report = Report {
                source: options.source.slug().to_string(),
                today: options.today.to_string(),
                dry_run: options.dry_run,
                create_accounts: options.create_accounts,
                ..Report::default()
            };
            apply::apply(&context, parsed, options, &mut report);
            Ok(report)
        })
    }

    /// Reads the exports into per-account updates and passes them to `then`.
    fn read_then<T>(
        self,
        then: impl FnOnce(Context<'_>, Parsed, &Options) -> Result<T, ImportError>,
    ) -> Result<T, ImportError> {
        let Import {
            options,
            root,
            vault,
            config,
            accounts,
        } = self;
        let (context, parsed) = read_exports(&root, &vault, config, &options, accounts)?;
        then(context, parsed, &options)
    }
}

fn vault_root(options: &Options) -> Result<std::path::PathBuf, ImportError> {
    let root = options.vault.canonicalize().map_err(|err| {
        ImportError::Vault(format!(
            "cannot open vault folder `{}`: {err}",
            options.vault.display()
        ))
    })?;
    if !root.is_dir() {
        return Err(ImportError::Vault(format!(
            "`{}` is not a folder",
            options.vault.display()
        )));
    }
    Ok(root)
}

/// Reads the exports into per-account updates, with `accounts` if they are loaded already.
fn read_exports<'a>(
    root: &'a Path,
    vault_config: &'a Config,
    config: SourceConfig,
    options: &Options,
    accounts: Option<Matcher>,
) -> Result<(Context<'a>, Parsed), ImportError> {
    let accounts_folder = &vault_config.accounts_folder;
    // The Zendesk reader counts tickets by organization before it needs their accounts, so the
    // accounts load on another thread meanwhile. Other readers need them from the first row.
    let (matcher, loading) = match (accounts, options.source) {
        (Some(matcher), _) => (matcher, None),
        (None, Source::Zendesk | Source::Intercom) => {
            let (root, folder, settings) =
                (root.to_path_buf(), accounts_folder.clone(), config.clone());
            let thread = std::thread::spawn(move || Matcher::load(&root, &folder, &settings));
            (
                Matcher::new(accounts_folder, &config),
                Some(Loading::Thread(thread)),
            )
        }
        (None, _) => (Matcher::load(root, accounts_folder, &config), None),
    };
    let mut context = Context {
        root,
        vault: vault_config,
        config,
        matcher,
        loading,
        today: options.today,
        create_accounts: options.create_accounts,
        source: options.source,
    };
    let mut parsed = Parsed {
        updates: Updates::for_accounts(context.matcher.accounts.len()),
        ..Parsed::default()
    };
    sources::read(&options.files, &mut context, &mut parsed)?;
    context.wait_for_accounts();
    Ok((context, parsed))
}

fn config_path(root: &Path) -> String {
    root.join(crate::vault::config::CONFIG_FILE)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Options for a dry run of `source` on the example vault with the fixtures in `files`.
    fn options(source: Source, files: &[&str]) -> Options {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let fixtures = repo.join("tests/fixtures/import");
        Options {
            vault: repo.join("examples/vault"),
            source,
            files: files.iter().map(|file| fixtures.join(file)).collect(),
            dry_run: true,
            create_accounts: false,
            force: false,
            today: NaiveDate::from_ymd_opt(2026, 3, 15).expect("valid date"),
        }
    }

    #[test]
    fn accounts_loaded_first_change_nothing() {
        let cases = [
            (Source::Zendesk, &["zendesk/tickets.csv"][..]),
            (
                Source::Salesforce,
                &["salesforce/accounts.csv", "salesforce/opportunities.csv"][..],
            ),
        ];
        for (source, files) in cases {
            let options = options(source, files);
            let expected = Import::open(&options).unwrap().run().unwrap();
            assert!(expected.summary.rows_read > 0, "{source:?}");
            let mut import = Import::open(&options).unwrap();
            import.load_accounts();
            let report = import.run().unwrap();
            assert_eq!(
                serde_json::to_string(&report).unwrap(),
                serde_json::to_string(&expected).unwrap(),
                "{source:?}"
            );

            let mut import = Import::open(&options).unwrap();
            import.load_accounts();
            let counts = import.read().unwrap().counts;
            assert_eq!(counts.rows_read, expected.summary.rows_read, "{source:?}");
            assert_eq!(
                counts.rows_rejected, expected.summary.rows_rejected,
                "{source:?}"
            );
            assert_eq!(counts.unmatched, expected.unmatched.len(), "{source:?}");
        }
    }
}
