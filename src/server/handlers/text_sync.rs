//! `didOpen`, `didChange` and `didClose`. Each applies its change before any `.await`, so
//! changes land in the order the client sent them.

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use ropey::Rope;

use super::{index_text, open_note_modified};
use crate::server::convert::from_proto;
use crate::server::diagnostics;
use crate::server::indexing;
use crate::server::lsp::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
};
use crate::server::state::{OpenDocument, Shared, VaultHandle, find_vault_root};
use crate::text::apply_change;
use crate::vault::discover::{self, ScanItem};

/// Opens a note: the editor's text now beats the file on disk.
pub fn handle_did_open(shared: &Arc<Shared>, params: DidOpenTextDocumentParams) {
    let document = params.text_document;
    let _span = tracing::debug_span!("did_open", uri = %document.uri.as_str()).entered();
    let Some(path) = from_proto::path(&document.uri) else {
        tracing::debug!("ignoring a document that is not a file");
        return;
    };
    let vault = vault_for_new_document(shared, &path);
    let rope = Rope::from_str(&document.text);
    shared.open_paths.insert(path.clone());
    shared.docs.insert(
        document.uri.clone(),
        OpenDocument {
            version: document.version,
            rope,
            path: path.clone(),
            vault: vault.clone(),
            edited: false,
        },
    );
    let modified = open_note_modified(shared, &vault, &path, false);
    let names_changed = reindex(&vault, &path, &document.text, modified);
    diagnostics::schedule(shared, &document.uri);
    if names_changed {
        diagnostics::refresh_others(shared, &vault, &document.uri);
    }
}

/// Applies incremental (or full) changes in order. A version that is not newer than the stored
/// one is a replay and is dropped.
pub fn handle_did_change(shared: &Arc<Shared>, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let version = params.text_document.version;
    let encoding = shared.encoding();
    let (vault, path, text) = {
        let Some(mut doc) = shared.docs.get_mut(&uri) else {
            // Buffers that are not files, such as `untitled:` ones, are never opened here.
            if from_proto::path(&uri).is_some() {
                tracing::warn!(uri = %uri.as_str(), "change for a document that is not open");
            }
            return;
        };
        if version <= doc.version {
            tracing::warn!(uri = %uri.as_str(), version, current = doc.version, "dropping a stale change");
            return;
        }
        for change in &params.content_changes {
            let range = change
                .range
                .map(|r| (from_proto::line_col(r.start), from_proto::line_col(r.end)));
            apply_change(&mut doc.rope, range, &change.text, encoding);
        }
        doc.version = version;
        doc.edited = true;
        (doc.vault.clone(), doc.path.clone(), doc.rope.to_string())
    };
    let modified = open_note_modified(shared, &vault, &path, true);
    let names_changed = reindex(&vault, &path, &text, modified);
    diagnostics::schedule(shared, &uri);
    if names_changed {
        diagnostics::refresh_others(shared, &vault, &uri);
    }
}

/// Closes a note: the index goes back to the file on disk, or forgets a note never saved.
pub fn handle_did_close(shared: &Arc<Shared>, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    let Some((_, doc)) = shared.docs.remove(&uri) else {
        return;
    };
    shared.open_paths.remove(&doc.path);
    shared.diagnostics_pending.remove(&uri);
    let root = doc.vault.root.clone();
    // The read guard must be gone before the write below: a match scrutinee's temporaries live
    // until the end of the match.
    let config = doc.vault.index.read().config.clone();
    let relative = discover::relative(&root, &doc.path);
    let item = discover::is_indexed_note(&root, &doc.path, &relative, &config)
        .then(|| discover::read_note(&root, &doc.path, &config));
    let names_changed = match item {
        Some(ScanItem::Note(note)) => {
            let mut index = doc.vault.index.write();
            let before = index.names_generation;
            index.insert(note);
            index.names_generation != before
        }
        Some(ScanItem::Skipped(_) | ScanItem::Attachment(_)) | None => {
            doc.vault.index.write().remove(&relative).is_some()
        }
    };
    diagnostics::clear(shared, uri.clone());
    if names_changed {
        diagnostics::refresh_others(shared, &doc.vault, &uri);
    }
}

/// Parses the note without letting a parser bug take the server down.
fn reindex(vault: &VaultHandle, path: &Path, text: &str, modified: Option<NaiveDate>) -> bool {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        index_text(vault, path, text, modified)
    })) {
        Ok(changed) => changed,
        Err(_) => {
            tracing::error!(path = %path.display(), "parsing the note panicked; its index entry is stale");
            false
        }
    }
}

/// The vault a newly opened note belongs to, creating one when the note lies outside every
/// known vault.
fn vault_for_new_document(shared: &Arc<Shared>, path: &Path) -> Arc<VaultHandle> {
    if let Some(vault) = shared.vault_for(path) {
        return vault;
    }
    let (root, loose) = match find_vault_root(path) {
        Some(root) => (root, false),
        None => (
            path.parent()
                .map_or_else(|| path.to_path_buf(), Path::to_path_buf),
            true,
        ),
    };
    let (vault, created) = shared.add_vault(root);
    if created {
        indexing::start(shared.clone(), vault.clone(), loose);
    }
    vault
}
