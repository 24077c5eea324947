//! Scanning vaults in the background, reporting progress, and keeping the index in step with
//! changes on disk.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::diagnostics;
use super::handlers::{index_text, open_note_modified};
use super::lsp::{MessageType, NumberOrString};
use super::state::{Shared, VaultHandle};
use crate::vault::discover::{self, ScanItem, Skipped};
use crate::vault::watch::{self, FileChange};
use crate::vault::{Config, Note, Vault};

/// Notes parsed before the index lock is taken to insert them; small enough that requests
/// during a scan wait only briefly, large enough that the lock is not taken per note.
const BATCH: usize = 512;
/// Skipped files listed one by one in the client's log before the rest are only counted.
const LISTED_SKIPS: usize = 20;

/// Scans `vault` in the background, serving requests from the partial index meanwhile, and
/// reports progress when the client supports it. When the client does not watch files, the
/// server watches the folder from before the scan, so that no change made during it is missed.
/// `loose` limits the scan to the folder itself, for a note opened outside any vault.
pub fn start(shared: Arc<Shared>, vault: Arc<VaultHandle>, loose: bool) {
    if !shared.flags.read().watched_files {
        start_watcher(&shared, &vault);
    }
    tokio::spawn(async move {
        rescan(&shared, &vault, loose).await;
    });
}

async fn rescan(shared: &Arc<Shared>, vault: &Arc<VaultHandle>, loose: bool) {
    vault.ready.store(false, Ordering::SeqCst);
    vault.indexed.store(false, Ordering::SeqCst);
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<usize>();
    let started = Instant::now();
    let task = {
        let shared = shared.clone();
        let vault = vault.clone();
        tokio::task::spawn_blocking(move || scan(&shared, &vault, loose, &sender))
    };
    // The scan does not wait for the client to accept a progress token.
    let progress = begin_progress(shared, vault).await;
    while let Some(count) = receiver.recv().await {
        if let Some(progress) = &progress {
            progress.report(format!("{count} notes")).await;
        }
    }
    let skipped = match task.await {
        Ok(skipped) => skipped,
        Err(err) => {
            tracing::error!(%err, root = %vault.root.display(), "vault scan failed");
            Vec::new()
        }
    };
    vault.indexed.store(true, Ordering::SeqCst);
    let notes = vault.index.read().len();
    let elapsed = started.elapsed();
    tracing::info!(root = %vault.root.display(), notes, skipped = skipped.len(), ms = elapsed.as_millis(), "vault indexed");
    if let Some(progress) = progress {
        progress
            .finish_with_message(format!("{notes} notes in {} ms", elapsed.as_millis()))
            .await;
    }
    report_skipped(shared, &skipped).await;
    let warm = vault.clone();
    // Lock order, here as in the completion handler: the index, then the candidate cache.
    let warmed = tokio::task::spawn_blocking(move || {
        let index = warm.index.read();
        warm.completion.lock().warm(&index);
    })
    .await;
    if let Err(err) = warmed {
        tracing::error!(%err, "building completion candidates failed");
    }
    vault.ready.store(true, Ordering::SeqCst);
    diagnostics::refresh_all(shared, vault);
}

async fn begin_progress(
    shared: &Arc<Shared>,
    vault: &VaultHandle,
) -> Option<
    tower_lsp_server::OngoingProgress<
        tower_lsp_server::Unbounded,
        tower_lsp_server::NotCancellable,
    >,
> {
    if !shared.flags.read().work_done_progress {
        return None;
    }
    let token = NumberOrString::String(shared.next_progress_token());
    // A token the client refused to create must never be used.
    if let Err(err) = shared.client.create_work_done_progress(token.clone()).await {
        tracing::debug!(%err, "client refused a progress token");
        return None;
    }
    let title = format!(
        "Indexing {}",
        vault
            .root
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    );
    Some(
        shared
            .client
            .progress(token, title)
            .with_message("starting")
            .begin()
            .await,
    )
}

fn scan(
    shared: &Shared,
    vault: &VaultHandle,
    loose: bool,
    progress: &tokio::sync::mpsc::UnboundedSender<usize>,
) -> Vec<Skipped> {
    let config = vault.index.read().config.clone();
    let mut batch: Vec<Note> = Vec::with_capacity(BATCH);
    let mut skipped = Vec::new();
    let flush = |batch: &mut Vec<Note>| {
        let mut index = vault.index.write();
        for note in batch.drain(..) {
            // The editor's copy of an open note beats the file the scan read.
            let open = !shared.open_paths.is_empty()
                && shared.open_paths.contains(&index.absolute_path(&note));
            if !open {
                index.insert(note);
            }
        }
        // The receiver is gone only when the server is shutting down.
        let _ = progress.send(index.len());
    };
    discover::scan(&vault.root, &config, loose.then_some(1), |item| {
        match item {
            ScanItem::Note(note) => batch.push(note),
            ScanItem::Attachment(path) => {
                vault.index.write().add_attachment(&path);
            }
            ScanItem::Skipped(skip) => {
                let relative = discover::relative(&vault.root, &skip.path);
                vault
                    .index
                    .write()
                    .note_skipped(&relative, skip.reason.to_string());
                skipped.push(skip);
            }
        }
        if batch.len() >= BATCH {
            flush(&mut batch);
        }
    });
    flush(&mut batch);
    skipped
}

async fn report_skipped(shared: &Shared, skipped: &[Skipped]) {
    for skip in skipped.iter().take(LISTED_SKIPS) {
        tracing::warn!(path = %skip.path.display(), reason = %skip.reason, "skipped a file");
        let message = format!("dex: skipped {}: {}", skip.path.display(), skip.reason);
        shared
            .client
            .log_message(MessageType::WARNING, message)
            .await;
    }
    if skipped.len() > LISTED_SKIPS {
        let message = format!(
            "dex: skipped {} more files; run `dex check` to list them",
            skipped.len() - LISTED_SKIPS
        );
        shared
            .client
            .log_message(MessageType::WARNING, message)
            .await;
    }
    if !skipped.is_empty() {
        let message = format!(
            "Dex skipped {} that it could not read; the output log names each file and the reason.",
            crate::ide::plural(skipped.len(), "file")
        );
        shared
            .client
            .show_message(MessageType::WARNING, message)
            .await;
    }
}

fn start_watcher(shared: &Arc<Shared>, vault: &Arc<VaultHandle>) {
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<FileChange>();
    let pending = vault.pending_changes.clone();
    let seen = pending.clone();
    match watch::watch(&vault.root, move |change| {
        seen.fetch_add(1, Ordering::SeqCst);
        // The receiver is gone only when the server is shutting down.
        let _ = sender.send(change);
    }) {
        Ok(watcher) => *vault.watcher.lock() = Some(watcher),
        Err(err) => {
            tracing::warn!(%err, root = %vault.root.display(), "cannot watch the vault; changes made outside the editor are not seen");
            return;
        }
    }
    let shared = shared.clone();
    let scanned = vault.clone();
    tokio::spawn(async move {
        while let Some(change) = receiver.recv().await {
            // A change waits for a scan in progress, which may have read the file before it
            // changed. Applied afterwards, the change reads the file as it is now.
            while !scanned.indexed.load(Ordering::SeqCst) {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            apply_file_change(&shared, change);
            pending.fetch_sub(1, Ordering::SeqCst);
        }
    });
}

/// Brings the index in step with one change on disk. Open notes are left alone: the editor's
/// text is newer than the file.
pub fn apply_file_change(shared: &Arc<Shared>, change: FileChange) {
    let (path, removed) = match change {
        FileChange::Changed(path) => (path, false),
        FileChange::Removed(path) => (path, true),
    };
    let Some(vault) = shared.vault_for(&path) else {
        return;
    };
    if path
        .file_name()
        .is_some_and(|name| name == crate::vault::config::CONFIG_FILE)
        && path.parent() == Some(vault.root.as_path())
    {
        reload_config(shared, &vault);
        return;
    }
    if shared.open_paths.contains(&path) {
        return;
    }
    let relative = discover::relative(&vault.root, &path);
    let config = vault.index.read().config.clone();
    if discover::is_ignored(&vault.root, &relative, &config) {
        return;
    }
    let changed = if removed {
        let mut index = vault.index.write();
        // Links to a skipped file gave the reason it was skipped. Now they are plainly unresolved.
        let was_skipped = index.forget_skipped(&relative);
        // Only a `.md` path names a note: the folder `Acme` is not the note `Acme.md`.
        let removed_file = if discover::is_markdown(&path) {
            index.remove(&relative).is_some()
        } else {
            index.remove_attachment(&relative)
        };
        removed_file || was_skipped || !index.remove_folder(&relative).is_empty()
    } else {
        update_note(shared, &vault, &path)
    };
    if changed {
        diagnostics::refresh_all(shared, &vault);
    }
}

fn update_note(shared: &Shared, vault: &VaultHandle, path: &Path) -> bool {
    if !discover::is_markdown(path) {
        // A new attachment resolves the links to it. A folder is not one.
        let relative = discover::relative(&vault.root, path);
        let is_attachment = discover::is_attachment(path) && path.is_file();
        return is_attachment && vault.index.write().add_attachment(&relative);
    }
    let config = vault.index.read().config.clone();
    match discover::read_note(&vault.root, path, &config) {
        ScanItem::Note(note) => {
            vault.index.write().insert(note);
            true
        }
        ScanItem::Skipped(skip) => {
            tracing::warn!(path = %skip.path.display(), reason = %skip.reason, "skipped a changed file");
            let message = format!("dex: skipped {}: {}", skip.path.display(), skip.reason);
            let client = shared.client.clone();
            tokio::spawn(async move { client.log_message(MessageType::WARNING, message).await });
            let relative = discover::relative(&vault.root, path);
            let mut index = vault.index.write();
            index.remove(&relative);
            index.note_skipped(&relative, skip.reason.to_string());
            // Diagnostics of links to the file now give the reason, so they change.
            true
        }
        ScanItem::Attachment(_) => false,
    }
}

/// Re-reads `.dex.toml`, then rebuilds the vault's index with the new settings.
pub fn reload_config(shared: &Arc<Shared>, vault: &Arc<VaultHandle>) {
    let (file_config, error) = Config::load(&vault.root);
    if let Some(err) = &error {
        tracing::warn!(%err, "invalid vault configuration; keeping the previous one");
        let client = shared.client.clone();
        let message = format!("Dex: {err}");
        tokio::spawn(async move { client.show_message(MessageType::WARNING, message).await });
        return;
    }
    *vault.file_config.write() = file_config;
    rebuild(shared, vault);
}

/// Applies the current file and editor settings and rescans the vault.
pub fn rebuild(shared: &Arc<Shared>, vault: &Arc<VaultHandle>) {
    let file_config = vault.file_config.read().clone();
    let config = match shared.settings.read().apply(&file_config) {
        Ok(config) => config,
        Err(err) => {
            tracing::warn!(%err, "invalid editor settings; using the vault file alone");
            file_config
        }
    };
    *vault.index.write() = Vault::new(vault.root.clone(), config);
    for uri in shared.open_docs_in(vault) {
        if let Some(doc) = shared.docs.get(&uri).map(|d| d.clone()) {
            let modified = open_note_modified(shared, vault, &doc.path, doc.edited);
            index_text(vault, &doc.path, &doc.rope.to_string(), modified);
        }
    }
    let shared = shared.clone();
    let vault = vault.clone();
    tokio::spawn(async move { rescan(&shared, &vault, false).await });
}
