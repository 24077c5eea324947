//! The vault index: every note's summary, the link graph, accounts, people and tags.
//!
//! The index contains parsed summaries only, never the notes' text. It is updated one note at a
//! time ([`Vault::insert`], [`Vault::remove`]), so an edit or a changed file costs one parse and
//! a few map updates, whatever the size of the vault.

pub mod codes;
pub mod config;
pub mod discover;
pub mod model;
mod resolve;
pub mod watch;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::time::SystemTime;

use chrono::NaiveDate;

use rustc_hash::FxBuildHasher;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use unicode_normalization::UnicodeNormalization;

pub use config::{Config, Severity};
pub use model::{Meeting, NoteKind, Person};
pub use resolve::{Resolution, ResolvedVia};

use crate::syntax::{self, NoteSummary};

/// Index of a note in a [`Vault`]; stable while the note exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NoteId(pub u32);

/// Returns the vault-relative path with `/` separators, and its file name without `.md`.
fn path_and_stem(path: &str) -> (String, String) {
    let path = path.replace('\\', "/");
    let file = path.rsplit('/').next().unwrap_or(&path);
    let stem = syntax::strip_md(file).to_string();
    (path, stem)
}

/// One indexed note.
#[derive(Debug)]
pub struct Note {
    /// Path relative to the vault root, with `/` separators, `.md` included.
    pub path: String,
    /// File name without `.md`.
    pub stem: String,
    /// Role of the note in the vault.
    pub kind: NoteKind,
    /// Parsed contents of the note.
    pub summary: Arc<NoteSummary>,
    /// The day the note was last changed: the file's modification date, or today for an open
    /// note edited in the editor; `None` when unknown.
    pub modified: Option<NaiveDate>,
}

impl Note {
    /// Parses `text` as the note at vault-relative `path`.
    pub fn parse(path: &str, text: &str, config: &Config) -> Note {
        let mut summary = syntax::parse_outline(text);
        let (path, stem) = path_and_stem(path);
        let kind = model::classify(&path, &stem, &summary, config);
        // The index keeps only what it serves without the text; a large vault cannot afford
        // every note's fields and list items in memory.
        summary.strip_for_index();
        Note {
            path,
            stem,
            kind,
            summary: Arc::new(summary),
            modified: None,
        }
    }

    /// Builds a note from an existing summary.
    pub fn from_summary(path: &str, summary: Arc<NoteSummary>, config: &Config) -> Note {
        let (path, stem) = path_and_stem(path);
        let kind = model::classify(&path, &stem, &summary, config);
        Note {
            path,
            stem,
            kind,
            summary,
            modified: None,
        }
    }

    /// Returns the folder part of the path, without a trailing `/`; empty at the root.
    pub fn folder(&self) -> &str {
        self.path.rsplit_once('/').map_or("", |(folder, _)| folder)
    }

    /// Returns the account the note's own kind names: its account folder, a person's or a meeting's
    /// `account`.
    pub fn declared_account(&self) -> Option<&str> {
        match &self.kind {
            NoteKind::AccountPage { account } => Some(account),
            NoteKind::Person(person) => person.account.as_deref(),
            NoteKind::Meeting(meeting) => meeting.account.as_deref(),
            NoteKind::Plain => self.summary.frontmatter.as_ref()?.account.as_deref(),
        }
    }
}

/// Converts a file's modification time to a date in the vault's time zone (else the machine's).
pub fn modified_date(modified: SystemTime, config: &Config) -> NaiveDate {
    let time: chrono::DateTime<chrono::Utc> = modified.into();
    match config.timezone {
        Some(zone) => time.with_timezone(&zone).date_naive(),
        None => time.with_timezone(&chrono::Local).date_naive(),
    }
}

/// Reads the modification date of the file at `path`, or `None` when it cannot be read.
pub fn file_modified(path: &Path, config: &Config) -> Option<NaiveDate> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    Some(modified_date(modified, config))
}

/// An account: a folder under the accounts folder.
#[derive(Clone, Debug, Default)]
pub struct Account {
    /// Display name: the folder name with `_` read as spaces.
    pub name: String,
    /// The folder, relative to the vault root.
    pub folder: String,
    /// Notes inside the folder, sorted by path.
    pub pages: Vec<NoteId>,
}

/// Lower-cases and NFC-normalises a name or path for case-insensitive lookup.
pub fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    key_into(&mut out, text);
    out
}

/// Writes [`key`] of `text` into `out`, replacing what it held.
fn key_into(out: &mut String, text: &str) {
    out.clear();
    // ASCII text is already in NFC; most names are ASCII, so skip normalisation for them.
    if text.is_ascii() {
        out.push_str(text);
        out.make_ascii_lowercase();
    } else {
        out.extend(text.nfc().flat_map(char::to_lowercase));
    }
}

/// The index's maps: keyed by [`key`]s, looked up by `&str` without copying the key.
type HashMap<K, V> = hashbrown::HashMap<K, V, FxBuildHasher>;

/// Returns the entry for `key`, creating an empty one if needed. The key is copied only when new.
fn entry_mut<'m, V: Default>(map: &'m mut HashMap<String, V>, key: &str) -> &'m mut V {
    map.entry_ref(key).or_default()
}

/// Adds `id` to a list of notes unless it is already the last one. A note's entries are added
/// together, so this keeps each list free of repeats.
fn push_once(ids: &mut Vec<NoteId>, id: NoteId) {
    if ids.last() != Some(&id) {
        ids.push(id);
    }
}

/// The index of one vault.
#[derive(Debug)]
pub struct Vault {
    /// Absolute path of the vault root.
    pub root: PathBuf,
    /// Settings from `.dex.toml`.
    pub config: Config,
    notes: Vec<Option<Arc<Note>>>,
    free: Vec<u32>,
    by_path: HashMap<String, NoteId>,
    by_name: HashMap<String, Vec<NoteId>>,
    by_alias: HashMap<String, Vec<NoteId>>,
    accounts: BTreeMap<String, Account>,
    /// Notes by the names their links point at, in insertion order without repeats.
    incoming: HashMap<String, Vec<NoteId>>,
    tags: HashMap<String, (String, u32)>,
    /// Notes by the account name they declare (or, lacking one, their first link), keyed by
    /// [`model::name_key`]; callers confirm membership with [`Vault::account_of`].
    account_candidates: HashMap<String, Vec<NoteId>>,
    /// Bumped whenever a note is added or removed (not when one changes), so callers can cache
    /// lists of names.
    pub names_generation: u64,
    /// Files the scan could not index, by the lookup key of their name: the vault-relative path
    /// and the reason, which the diagnostic of a link to one of them reports.
    skipped: HashMap<String, (String, String)>,
    /// Files that are not notes (images, PDFs, canvases), by the key of their file name with its
    /// extension: their vault-relative paths. Links to them resolve.
    attachments: HashMap<String, Vec<String>>,
}

impl Vault {
    /// Creates an empty index for the vault at `root`.
    pub fn new(root: PathBuf, config: Config) -> Vault {
        Vault {
            root,
            config,
            notes: Vec::new(),
            free: Vec::new(),
            by_path: HashMap::default(),
            by_name: HashMap::default(),
            by_alias: HashMap::default(),
            accounts: BTreeMap::new(),
            incoming: HashMap::default(),
            tags: HashMap::default(),
            account_candidates: HashMap::default(),
            names_generation: 0,
            skipped: HashMap::default(),
            attachments: HashMap::default(),
        }
    }

    /// Number of indexed notes.
    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    /// Checks whether no note is indexed.
    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    /// Returns the note with this id.
    pub fn note(&self, id: NoteId) -> Option<&Arc<Note>> {
        self.notes.get(id.0 as usize)?.as_ref()
    }

    /// Iterates over every note with its id, in no particular order.
    pub fn notes(&self) -> impl Iterator<Item = (NoteId, &Arc<Note>)> {
        self.notes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| Some((NoteId(u32::try_from(i).ok()?), n.as_ref()?)))
    }

    /// Finds the note at a vault-relative path (`.md` included), case-insensitively.
    pub fn id_of_path(&self, path: &str) -> Option<NoteId> {
        self.by_path
            .get(&key(syntax::strip_md(&path.replace('\\', "/"))))
            .copied()
    }

    /// Converts an absolute path inside the vault to a vault-relative one with `/` separators.
    pub fn relative_path(&self, path: &Path) -> Option<String> {
        let relative = path.strip_prefix(&self.root).ok()?;
        let parts: Vec<_> = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect();
        (!parts.is_empty()).then(|| parts.join("/"))
    }

    /// Absolute path of a note.
    pub fn absolute_path(&self, note: &Note) -> PathBuf {
        let mut path = self.root.clone();
        path.extend(note.path.split('/'));
        path
    }

    /// Accounts by lookup key, sorted by name.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values()
    }

    /// Finds the account called `name` (folder name or display name, any case).
    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts
            .get(&key(&model::account_name_from_folder(name)))
    }

    /// The account's main page: `Overview.md`, else its first page.
    pub fn account_overview(&self, account: &Account) -> Option<NoteId> {
        account
            .pages
            .iter()
            .copied()
            .find(|&id| {
                self.note(id)
                    .is_some_and(|n| n.stem.eq_ignore_ascii_case("overview"))
            })
            .or_else(|| account.pages.first().copied())
    }

    /// Tags with their display spelling and the number of notes that use them.
    pub fn tags(&self) -> impl Iterator<Item = (&str, u32)> {
        self.tags
            .values()
            .map(|(name, count)| (name.as_str(), *count))
    }

    /// Records a file at vault-relative `path` that could not be indexed, and why.
    pub fn note_skipped(&mut self, path: &str, reason: String) {
        let (path, stem) = path_and_stem(path);
        self.skipped.insert(key(&stem), (path, reason));
    }

    /// Returns the vault-relative path and the reason of a skipped file named like a link
    /// target's last segment.
    pub fn skipped_named(&self, target: &str) -> Option<(&str, &str)> {
        let mut name = String::new();
        if !link_name_into(&mut name, target) {
            return None;
        }
        self.skipped
            .get(&name)
            .map(|(path, reason)| (path.as_str(), reason.as_str()))
    }

    /// Forgets that the file at a vault-relative path was skipped; returns whether it was, in
    /// which case the diagnostics of links to it change.
    pub fn forget_skipped(&mut self, path: &str) -> bool {
        if self.skipped.is_empty() {
            return false;
        }
        let path = path.replace('\\', "/");
        let stem = path.rsplit('/').next().unwrap_or(&path);
        let stem_key = key(syntax::strip_md(stem));
        if self.skipped.get(&stem_key).is_some_and(|(p, _)| *p == path) {
            self.skipped.remove(&stem_key);
            return true;
        }
        false
    }

    /// Records a file that is not a note at vault-relative `path`; returns whether it is new.
    pub fn add_attachment(&mut self, path: &str) -> bool {
        let path = path.replace('\\', "/");
        let path_key = key(&path);
        let name = path_key.rsplit('/').next().unwrap_or_default();
        let paths = entry_mut(&mut self.attachments, name);
        if paths.iter().any(|p| key(p) == path_key) {
            return false;
        }
        paths.push(path);
        true
    }

    /// Forgets the file that is not a note at vault-relative `path`; returns whether it was
    /// recorded.
    pub fn remove_attachment(&mut self, path: &str) -> bool {
        let path_key = key(&path.replace('\\', "/"));
        let name = path_key.rsplit('/').next().unwrap_or_default();
        let Some(paths) = self.attachments.get_mut(name) else {
            return false;
        };
        let before = paths.len();
        paths.retain(|p| key(p) != path_key);
        let removed = paths.len() < before;
        if paths.is_empty() {
            self.attachments.remove(name);
        }
        removed
    }

    /// Adds or replaces the note at `note.path`.
    pub fn insert(&mut self, note: Note) -> NoteId {
        self.forget_skipped(&note.path);
        let path_key = key(syntax::strip_md(&note.path));
        let existing = self.by_path.get(&path_key).copied();
        let id = match existing {
            Some(id) => {
                self.unlink(id);
                id
            }
            None => {
                self.names_generation += 1;
                match self.free.pop() {
                    Some(slot) => NoteId(slot),
                    None => {
                        self.notes.push(None);
                        NoteId(
                            u32::try_from(self.notes.len() - 1)
                                .expect("fewer than 4 billion notes"),
                        )
                    }
                }
            }
        };
        self.link(id, &note);
        if existing.is_none() || self.aliases_changed(id, &note) {
            self.names_generation += 1;
        }
        self.by_path.insert(path_key, id);
        self.notes[id.0 as usize] = Some(Arc::new(note));
        id
    }

    /// Removes the note at a vault-relative path; returns its id if it was indexed.
    pub fn remove(&mut self, path: &str) -> Option<NoteId> {
        self.forget_skipped(path);
        let id = self
            .by_path
            .remove(&key(syntax::strip_md(&path.replace('\\', "/"))))?;
        self.unlink(id);
        self.notes[id.0 as usize] = None;
        self.free.push(id.0);
        self.names_generation += 1;
        Some(id)
    }

    /// Removes every note, skipped-file entry and attachment under a vault-relative folder, and
    /// returns their paths.
    pub fn remove_folder(&mut self, folder: &str) -> Vec<String> {
        let prefix = format!("{}/", key(folder.trim_end_matches('/')));
        let mut paths: Vec<String> = self
            .notes()
            .filter(|(_, n)| key(&n.path).starts_with(&prefix))
            .map(|(_, n)| n.path.clone())
            .collect();
        for path in &paths {
            self.remove(path);
        }
        self.skipped.retain(|_, (path, _)| {
            let inside = key(path).starts_with(&prefix);
            if inside {
                paths.push(path.clone());
            }
            !inside
        });
        self.attachments.retain(|_, attachments| {
            attachments.retain(|path| {
                let inside = key(path).starts_with(&prefix);
                if inside {
                    paths.push(path.clone());
                }
                !inside
            });
            !attachments.is_empty()
        });
        paths
    }

    /// Notes whose links might point at `id`: those that link to its name, an alias, or its
    /// account. The caller resolves their links to check.
    pub fn possible_referrers(&self, id: NoteId) -> Vec<NoteId> {
        let Some(note) = self.note(id) else {
            return Vec::new();
        };
        let mut keys = vec![key(&note.stem)];
        if let Some(fm) = &note.summary.frontmatter {
            keys.extend(fm.aliases.iter().map(|a| key(a)));
        }
        if let NoteKind::AccountPage { account } = &note.kind {
            keys.push(key(account));
            if let Some(acc) = self.account(account) {
                keys.push(key(acc.folder.rsplit('/').next().unwrap_or_default()));
            }
        }
        let mut ids: Vec<NoteId> = keys
            .iter()
            .filter_map(|k| self.incoming.get(k))
            .flatten()
            .copied()
            .collect();
        ids.push(id);
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Notes whose file name (without `.md`) is `stem`, any case.
    pub fn notes_named(&self, stem: &str) -> &[NoteId] {
        self.by_name.get(&key(stem)).map_or(&[], Vec::as_slice)
    }

    /// Notes that link to a name (the last path segment of a link target, any case).
    pub fn notes_linking_to_name(&self, name: &str) -> Vec<NoteId> {
        self.incoming.get(&key(name)).cloned().unwrap_or_default()
    }

    fn aliases_changed(&self, id: NoteId, note: &Note) -> bool {
        let old = self
            .note(id)
            .and_then(|n| n.summary.frontmatter.as_ref())
            .map(|f| &f.aliases);
        let new = note.summary.frontmatter.as_ref().map(|f| &f.aliases);
        old != new
    }

    fn link(&mut self, id: NoteId, note: &Note) {
        let mut buf = String::new();
        key_into(&mut buf, &note.stem);
        entry_mut(&mut self.by_name, &buf).push(id);
        if let Some(candidate) = account_candidate(note) {
            push_once(entry_mut(&mut self.account_candidates, &candidate), id);
        }
        if let Some(fm) = &note.summary.frontmatter {
            for alias in &fm.aliases {
                key_into(&mut buf, alias);
                entry_mut(&mut self.by_alias, &buf).push(id);
            }
        }
        for link in note.summary.all_links() {
            if link_name_into(&mut buf, &link.target) {
                push_once(entry_mut(&mut self.incoming, &buf), id);
            }
        }
        for (tag_key, name) in distinct_tags(note) {
            self.tags
                .entry(tag_key)
                .or_insert_with(|| (name.to_string(), 0))
                .1 += 1;
        }
        if let Some(folder) = model::account_folder(&note.path, &self.config) {
            let name = model::account_name_from_folder(folder);
            let account = self.accounts.entry(key(&name)).or_insert_with(|| Account {
                name,
                folder: format!("{}/{folder}", self.config.accounts_folder),
                pages: Vec::new(),
            });
            // Pages stay sorted by path; the note itself is not in `notes` yet.
            let notes = &self.notes;
            let path_of = |page: NoteId| {
                notes
                    .get(page.0 as usize)
                    .and_then(Option::as_ref)
                    .map_or("", |n| n.path.as_str())
            };
            let at = account
                .pages
                .partition_point(|&page| path_of(page) < note.path.as_str());
            account.pages.insert(at, id);
        }
    }

    fn unlink(&mut self, id: NoteId) {
        let Some(note) = self.note(id).cloned() else {
            return;
        };
        remove_id(&mut self.by_name, &key(&note.stem), id);
        if let Some(candidate) = account_candidate(&note) {
            remove_id(&mut self.account_candidates, &candidate, id);
        }
        if let Some(fm) = &note.summary.frontmatter {
            for alias in &fm.aliases {
                remove_id(&mut self.by_alias, &key(alias), id);
            }
        }
        let mut buf = String::new();
        for link in note.summary.all_links() {
            if link_name_into(&mut buf, &link.target) {
                remove_id(&mut self.incoming, &buf, id);
            }
        }
        for (tag_key, _) in distinct_tags(&note) {
            if let Some(entry) = self.tags.get_mut(&tag_key) {
                entry.1 -= 1;
                if entry.1 == 0 {
                    self.tags.remove(&tag_key);
                }
            }
        }
        if let Some(folder) = model::account_folder(&note.path, &self.config) {
            let account_key = key(&model::account_name_from_folder(folder));
            if let Some(account) = self.accounts.get_mut(&account_key) {
                account.pages.retain(|&page| page != id);
                if account.pages.is_empty() {
                    self.accounts.remove(&account_key);
                }
            }
        }
    }
}

/// Returns the name under which a note is filed as a possible account member: its declared account,
/// else its first wikilink's target.
fn account_candidate(note: &Note) -> Option<String> {
    let name = note.declared_account().map(str::to_string).or_else(|| {
        note.summary
            .links
            .iter()
            .find(|l| l.kind != crate::syntax::LinkKind::Markdown && !l.target.is_empty())
            .map(|l| l.target.to_string())
    })?;
    let last = name.rsplit('/').next().unwrap_or(&name).to_string();
    Some(model::name_key(&last))
}

impl Vault {
    /// The account a note belongs to: its own account folder; else the account its frontmatter,
    /// meeting title or person `account` names (by account name, alias or a link to an account
    /// page); else, for a meeting or plain note, the account its first link points at.
    pub fn account_of(&self, id: NoteId) -> Option<&Account> {
        let note = self.note(id)?;
        if let NoteKind::AccountPage { account } = &note.kind {
            return self.account(account);
        }
        if let Some(declared) = note.declared_account() {
            return self.account_by_reference(declared, &note.path);
        }
        if matches!(note.kind, NoteKind::Person(_)) {
            return None;
        }
        let first = note
            .summary
            .links
            .iter()
            .find(|l| l.kind != crate::syntax::LinkKind::Markdown && !l.target.is_empty())?;
        let target = self.resolve(&first.target, &note.path).id()?;
        match &self.note(target)?.kind {
            NoteKind::AccountPage { account } => self.account(account),
            _ => None,
        }
    }

    /// The account a name or link text refers to: an account name or folder, or a link that
    /// resolves to an account page.
    pub fn account_by_reference(&self, reference: &str, source_path: &str) -> Option<&Account> {
        if let Some(account) = self.account(reference) {
            return Some(account);
        }
        let target = self.resolve(reference, source_path).id()?;
        match &self.note(target)?.kind {
            NoteKind::AccountPage { account } => self.account(account),
            _ => None,
        }
    }

    /// Every note that belongs to the account, sorted by path: its pages plus notes that name
    /// it (by name, folder name or an alias of its pages).
    pub fn account_members(&self, account: &Account) -> Vec<NoteId> {
        let mut names = vec![model::name_key(&account.name)];
        for &page in &account.pages {
            if let Some(fm) = self.note(page).and_then(|n| n.summary.frontmatter.as_ref()) {
                names.extend(fm.aliases.iter().map(|a| model::name_key(a)));
            }
        }
        names.sort();
        names.dedup();
        let account_key = key(&account.name);
        let mut members: Vec<NoteId> = account.pages.clone();
        for name in names {
            for &id in self.account_candidates.get(&name).into_iter().flatten() {
                if self
                    .account_of(id)
                    .is_some_and(|a| key(&a.name) == account_key)
                {
                    members.push(id);
                }
            }
        }
        members.sort_by_cached_key(|&id| self.note(id).map(|n| n.path.clone()));
        members.dedup();
        members
    }
}

/// Writes the lookup key of the last path segment of a link target into `out`. Returns `false`
/// when the segment is empty.
fn link_name_into(out: &mut String, target: &str) -> bool {
    let name = target.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    key_into(out, syntax::strip_md(name));
    !name.is_empty()
}

/// Lists the note's tags once each, as lookup key and the name as first written.
fn distinct_tags(note: &Note) -> Vec<(String, &str)> {
    let mut tags: Vec<(String, &str)> = Vec::with_capacity(note.summary.tags.len());
    for tag in &note.summary.tags {
        let tag_key = key(&tag.name);
        if !tags.iter().any(|(seen, _)| *seen == tag_key) {
            tags.push((tag_key, &tag.name));
        }
    }
    tags
}

fn remove_id(map: &mut HashMap<String, Vec<NoteId>>, name: &str, id: NoteId) {
    if let Some(ids) = map.get_mut(name) {
        ids.retain(|&other| other != id);
        if ids.is_empty() {
            map.remove(name);
        }
    }
}
