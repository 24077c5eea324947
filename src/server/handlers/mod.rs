//! Request and notification handlers, one file per area.

pub mod actions;
pub mod features;
pub mod rename;
pub mod text_sync;
pub mod workspace;

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

use super::lsp::{ErrorCode, RpcError, RpcResult};
use super::state::{Shared, VaultHandle};
use crate::ide::TextSource;
use crate::vault::discover;
use crate::vault::{Note, NoteId, Vault};

/// Runs CPU-bound `ide` work on a blocking thread. A panic becomes an `InternalError` reply and
/// the server keeps serving.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> RpcResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(to_jsonrpc_error)
}

/// Decides what the client sees for a failed task.
pub fn to_jsonrpc_error(err: tokio::task::JoinError) -> RpcError {
    if err.is_panic() {
        let panic = err.into_panic();
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
            .unwrap_or_else(|| "unknown panic".to_string());
        tracing::error!(%message, "request handler panicked");
        RpcError {
            code: ErrorCode::InternalError,
            message: format!("handler panicked: {message}").into(),
            data: None,
        }
    } else {
        RpcError {
            code: ErrorCode::RequestCancelled,
            message: "request cancelled".into(),
            data: None,
        }
    }
}

/// Parses `text` as the note at absolute `path` and stores it in the vault's index, dated
/// `modified` (see [`Note::modified`]). Returns whether the set of note names or aliases
/// changed, which changes other notes' links.
pub fn index_text(
    vault: &VaultHandle,
    path: &Path,
    text: &str,
    modified: Option<NaiveDate>,
) -> bool {
    let mut index = vault.index.write();
    let Some(relative) = index.relative_path(path) else {
        return false;
    };
    // The scan leaves hidden, ignored and non-`.md` files out, so opening one does not add it.
    if !discover::is_indexed_note(&vault.root, path, &relative, &index.config) {
        return index.remove(&relative).is_some();
    }
    let mut note = Note::parse(&relative, text, &index.config);
    note.modified = modified;
    let before = index.names_generation;
    index.insert(note);
    index.names_generation != before
}

/// Dates an open note's last change: today once the editor has changed it, else the file's
/// modification date.
pub fn open_note_modified(
    shared: &Shared,
    vault: &VaultHandle,
    path: &Path,
    edited: bool,
) -> Option<NaiveDate> {
    let index = vault.index.read();
    if edited {
        Some(shared.today(&index.config))
    } else {
        crate::vault::file_modified(path, &index.config)
    }
}

/// Reads notes from the editor when they are open and from disk otherwise.
pub struct ServerText {
    shared: Arc<Shared>,
}

impl ServerText {
    /// A text source over the server's open documents.
    pub fn new(shared: Arc<Shared>) -> ServerText {
        ServerText { shared }
    }
}

impl TextSource for ServerText {
    fn text(&self, vault: &Vault, id: NoteId) -> Option<Arc<str>> {
        let note = vault.note(id)?;
        let path = vault.absolute_path(note);
        let open = self
            .shared
            .docs
            .iter()
            .find(|doc| doc.value().path == path)
            .map(|doc| doc.rope.to_string());
        match open {
            Some(text) => Some(Arc::from(text)),
            None => crate::vault::discover::read_text(&path).ok().map(Arc::from),
        }
    }
}
