//! Server state shared by all handlers: the open documents, the vaults and what the client
//! supports.
//!
//! Open documents live in a `DashMap` of ropes, which are cheap to clone.
//! Each vault's index sits behind a `parking_lot` read-write lock that handlers take only inside
//! blocking tasks, never across an `.await`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use chrono::NaiveDate;
use dashmap::{DashMap, DashSet};
use parking_lot::{Mutex, RwLock};
use ropey::Rope;

use super::config::ClientSettings;
use super::lsp::{Client, Uri};
use crate::ide::CompletionCache;
use crate::text::PositionEncoding;
use crate::vault::{Config, Vault, config::TODAY_ENV};

/// Client capabilities, reduced to the flags the server branches on.
#[derive(Clone, Debug, Default)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "one flag per client capability"
)]
pub struct ClientFlags {
    /// Pull diagnostics (`textDocument/diagnostic`) instead of push.
    pub pull_diagnostics: bool,
    /// `workspace/diagnostic/refresh`.
    pub diagnostic_refresh: bool,
    /// Server-initiated work-done progress.
    pub work_done_progress: bool,
    /// Dynamic registration of `workspace/didChangeWatchedFiles`.
    pub watched_files: bool,
    /// `workspace/configuration`.
    pub configuration: bool,
    /// Markdown in hover.
    pub hover_markdown: bool,
    /// `LocationLink` results for go to definition, which carry the range of the link they start
    /// from.
    pub definition_links: bool,
    /// Hierarchical document symbols.
    pub hierarchical_symbols: bool,
    /// `workspace/applyEdit`.
    pub apply_edit: bool,
    /// `documentChanges` in workspace edits.
    pub document_changes: bool,
    /// `CreateFile` operations in workspace edits.
    pub create_files: bool,
    /// `RenameFile` operations in workspace edits.
    pub rename_files: bool,
    /// `window/showDocument`.
    pub show_document: bool,
    /// `CodeAction` literals (else only `Command`s may be returned).
    pub code_action_literals: bool,
}

/// One vault: a workspace folder or the folder found above an opened note.
pub struct VaultHandle {
    /// Absolute root folder.
    pub root: PathBuf,
    /// Configuration from `.dex.toml`, before editor settings.
    pub file_config: RwLock<Config>,
    /// The index.
    pub index: RwLock<Vault>,
    /// Cached `[[` completion candidates. Code that locks both locks `index` first.
    pub completion: Mutex<CompletionCache>,
    /// The server's own watcher, when the client does not watch files for us.
    pub watcher: Mutex<Option<notify::RecommendedWatcher>>,
    /// Whether the initial scan has finished.
    pub ready: AtomicBool,
    /// Whether the scan has put every note in the index. It is set before `ready`, which also
    /// waits for the completion cache, and before the client hears that indexing has ended.
    pub indexed: AtomicBool,
    /// Changes that the server's own watcher has seen on disk and not yet applied to the index.
    pub pending_changes: Arc<AtomicUsize>,
}

impl VaultHandle {
    /// A vault with an empty index.
    pub fn new(root: PathBuf, file_config: Config, config: Config) -> VaultHandle {
        VaultHandle {
            index: RwLock::new(Vault::new(root.clone(), config)),
            root,
            file_config: RwLock::new(file_config),
            completion: Mutex::new(CompletionCache::default()),
            watcher: Mutex::new(None),
            ready: AtomicBool::new(false),
            indexed: AtomicBool::new(false),
            pending_changes: Arc::new(AtomicUsize::new(0)),
        }
    }
}

/// An open document: the editor's copy beats the file on disk.
#[derive(Clone)]
pub struct OpenDocument {
    /// Version from the last `didOpen`/`didChange`.
    pub version: i32,
    /// The editor's text.
    pub rope: Rope,
    /// Absolute path.
    pub path: PathBuf,
    /// The vault the note belongs to.
    pub vault: Arc<VaultHandle>,
    /// Whether the editor has changed the text since it opened the note.
    pub edited: bool,
}

/// State shared by every handler.
pub struct Shared {
    /// Channel to the client.
    pub client: Client,
    /// Negotiated position encoding.
    pub encoding: RwLock<PositionEncoding>,
    /// Client capabilities the server uses.
    pub flags: RwLock<ClientFlags>,
    /// Workspace folders given at initialize.
    pub initial_roots: Mutex<Vec<PathBuf>>,
    /// Every vault, longest root first after each change.
    pub vaults: RwLock<Vec<Arc<VaultHandle>>>,
    /// Open documents by URI.
    pub docs: DashMap<Uri, OpenDocument>,
    /// Absolute paths of open documents, for the scanner and watcher to leave alone.
    pub open_paths: DashSet<PathBuf>,
    /// `--today` from the command line.
    pub today_flag: Option<NaiveDate>,
    /// Editor settings.
    pub settings: RwLock<ClientSettings>,
    /// Per-document counter of scheduled diagnostics runs (push mode).
    pub diagnostics_pending: DashMap<Uri, Arc<AtomicU64>>,
    /// Counter for work-done progress tokens.
    pub progress_tokens: AtomicU64,
    /// File renames that the server's own rename edits asked for, with when, so that the
    /// `workspace/willRenameFiles` that some editors send for them adds no second edit.
    pub sent_file_renames: Mutex<Vec<SentFileRename>>,
}

/// A file rename in a workspace edit that the server sent.
#[derive(Clone, Debug)]
pub struct SentFileRename {
    /// The file before and after, as absolute paths.
    pub from: PathBuf,
    pub to: PathBuf,
    /// When the edit was sent.
    pub at: std::time::Instant,
}

impl Shared {
    /// Fresh state for a new connection.
    pub fn new(client: Client, today_flag: Option<NaiveDate>) -> Shared {
        Shared {
            client,
            encoding: RwLock::new(PositionEncoding::Utf16),
            flags: RwLock::new(ClientFlags::default()),
            initial_roots: Mutex::new(Vec::new()),
            vaults: RwLock::new(Vec::new()),
            docs: DashMap::new(),
            open_paths: DashSet::new(),
            today_flag,
            settings: RwLock::new(ClientSettings::default()),
            diagnostics_pending: DashMap::new(),
            progress_tokens: AtomicU64::new(0),
            sent_file_renames: Mutex::new(Vec::new()),
        }
    }

    /// The negotiated position encoding.
    pub fn encoding(&self) -> PositionEncoding {
        *self.encoding.read()
    }

    /// Today's date for a vault, from the one place that decides it.
    pub fn today(&self, config: &Config) -> NaiveDate {
        let env = std::env::var(TODAY_ENV).ok();
        crate::vault::config::resolve_today(self.today_flag, env.as_deref(), config).unwrap_or_else(
            |err| {
                tracing::warn!(%err, "ignoring invalid today setting");
                chrono::Local::now().date_naive()
            },
        )
    }

    /// The vault whose root contains `path`: the deepest root wins.
    pub fn vault_for(&self, path: &Path) -> Option<Arc<VaultHandle>> {
        self.vaults
            .read()
            .iter()
            .filter(|v| path.starts_with(&v.root))
            .max_by_key(|v| v.root.components().count())
            .cloned()
    }

    /// Adds a vault, or returns the one already at `root`.
    pub fn add_vault(&self, root: PathBuf) -> (Arc<VaultHandle>, bool) {
        let mut vaults = self.vaults.write();
        if let Some(existing) = vaults.iter().find(|v| v.root == root) {
            return (existing.clone(), false);
        }
        let (file_config, error) = Config::load(&root);
        if let Some(err) = error {
            tracing::warn!(%err, "invalid vault configuration; using defaults");
        }
        let config = self
            .settings
            .read()
            .apply(&file_config)
            .unwrap_or_else(|err| {
                tracing::warn!(%err, "invalid editor settings; using the vault file alone");
                file_config.clone()
            });
        let handle = Arc::new(VaultHandle::new(root, file_config, config));
        vaults.push(handle.clone());
        (handle, true)
    }

    /// Removes the vault at `root`; its watcher stops when the handle drops.
    pub fn remove_vault(&self, root: &Path) -> Option<Arc<VaultHandle>> {
        let mut vaults = self.vaults.write();
        let index = vaults.iter().position(|v| v.root == root)?;
        Some(vaults.remove(index))
    }

    /// Open documents that belong to `vault`.
    pub fn open_docs_in(&self, vault: &Arc<VaultHandle>) -> Vec<Uri> {
        self.docs
            .iter()
            .filter(|entry| Arc::ptr_eq(&entry.value().vault, vault))
            .map(|entry| entry.key().clone())
            .collect()
    }

    /// The pending-diagnostics counter of a document.
    pub fn diagnostics_counter(&self, uri: &Uri) -> Arc<AtomicU64> {
        self.diagnostics_pending
            .entry(uri.clone())
            .or_default()
            .clone()
    }

    /// A new, unique work-done progress token.
    pub fn next_progress_token(&self) -> String {
        format!(
            "dex/progress/{}",
            self.progress_tokens.fetch_add(1, Ordering::Relaxed)
        )
    }
}

/// The folder to use as the vault for a note opened outside every workspace folder: the nearest
/// folder above it holding `.dex.toml`, `.obsidian` or `.git`.
pub fn find_vault_root(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .skip(1)
        .find(|dir| {
            [crate::vault::config::CONFIG_FILE, ".obsidian", ".git"]
                .iter()
                .any(|marker| dir.join(marker).exists())
        })
        .map(Path::to_path_buf)
}
