//! `textDocument/prepareRename` and `textDocument/rename` for notes, headings and tags, and
//! `workspace/willRenameFiles` for notes and folders moved in the editor.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{ServerText, blocking};
use crate::ide::moves::{self, NoteMove};
use crate::ide::rename::{self, PreparedRename, RenameEdit, RenameTarget};
use crate::server::convert::{from_proto, to_proto};
use crate::server::lsp::{
    DocumentChangeOperation, DocumentChanges, ErrorCode, OneOf,
    OptionalVersionedTextDocumentIdentifier, PrepareRenameResponse, RenameFile, RenameFileOptions,
    RenameFilesParams, RenameParams, ResourceOp, RpcError, RpcResult, TextDocumentEdit,
    TextDocumentPositionParams, TextEdit, Uri, WorkspaceEdit,
};
use crate::server::state::{SentFileRename, Shared, VaultHandle};
use crate::text::PositionEncoding;
use crate::vault::{NoteId, Vault};

/// How long a rename waits for the changes on disk that the server's watcher has seen.
const PENDING_CHANGES_WAIT: Duration = Duration::from_secs(2);

/// How long the server remembers a file rename that its own edit asked for. VS Code sends
/// `workspace/willRenameFiles` for such a rename too, while it applies the edit, whose text edits
/// already updated the links.
const SENT_RENAME_MEMORY: Duration = Duration::from_secs(60);

/// The message for a client that cannot rename files through the server.
const NO_FILE_RENAME: &str = "this editor cannot rename files through the language server (its workspace edits do not list the `rename` resource operation), so Dex cannot rename the note and update its links together; headings and tags can still be renamed";

fn request_failed(message: String) -> RpcError {
    tracing::info!(%message, "rename rejected");
    RpcError {
        code: ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

/// Finds what the cursor is on, under the index lock, and checks that the client can apply its
/// rename.
fn prepare(
    shared: &Shared,
    index: &Vault,
    texts: &ServerText,
    uri: &Uri,
    position: crate::server::lsp::Position,
) -> RpcResult<Option<(NoteId, PreparedRename)>> {
    let Some(path) = shared
        .docs
        .get(uri)
        .map(|d| d.path.clone())
        .or_else(|| from_proto::path(uri))
    else {
        return Ok(None);
    };
    let Some(id) = index
        .relative_path(&path)
        .and_then(|p| index.id_of_path(&p))
    else {
        return Ok(None);
    };
    let Some(note) = index.note(id) else {
        return Ok(None);
    };
    let offset = from_proto::offset(&note.summary.line_index, position, shared.encoding());
    let prepared = rename::prepare_rename(index, texts, id, offset).map_err(request_failed)?;
    if let Some(PreparedRename {
        target: RenameTarget::Note(_),
        ..
    }) = &prepared
    {
        if !shared.flags.read().rename_files {
            return Err(request_failed(NO_FILE_RENAME.to_string()));
        }
    }
    Ok(prepared.map(|p| (id, p)))
}

/// Returns the vault of an open note, or of a note file on disk.
fn vault_of(shared: &Shared, uri: &Uri) -> Option<Arc<VaultHandle>> {
    if let Some(doc) = shared.docs.get(uri) {
        return Some(doc.vault.clone());
    }
    from_proto::path(uri).and_then(|path| shared.vault_for(&path))
}

/// `textDocument/prepareRename`: the range of the name under the cursor and its current text,
/// `null` where nothing can be renamed, or an error that explains why the rename is rejected.
pub async fn handle_prepare_rename(
    shared: &Arc<Shared>,
    params: TextDocumentPositionParams,
) -> RpcResult<Option<PrepareRenameResponse>> {
    let uri = params.text_document.uri;
    let Some(vault) = vault_of(shared, &uri) else {
        return Ok(None);
    };
    let shared = shared.clone();
    blocking(move || {
        let texts = ServerText::new(shared.clone());
        let index = vault.index.read();
        let Some((note, prepared)) = prepare(&shared, &index, &texts, &uri, params.position)?
        else {
            return Ok(None);
        };
        let line_index = &index.note(note).ok_or_else(gone)?.summary.line_index;
        Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
            range: to_proto::range(line_index, prepared.range, shared.encoding()),
            placeholder: prepared.placeholder,
        }))
    })
    .await?
}

/// `textDocument/rename`: a `WorkspaceEdit` that rewrites the name and every link or tag that
/// uses it, and for a note, renames its file last.
pub async fn handle_rename(
    shared: &Arc<Shared>,
    params: RenameParams,
) -> RpcResult<Option<WorkspaceEdit>> {
    let position = params.text_document_position;
    let uri = position.text_document.uri;
    let Some(vault) = vault_of(shared, &uri) else {
        return Ok(None);
    };

    // Links in notes not indexed yet would keep the old name.
    if !vault.indexed.load(Ordering::SeqCst) {
        return Err(request_failed(
            "the vault is still being indexed, so some links could be missed; try the rename again when indexing has finished".to_string(),
        ));
    }

    wait_for_changes(&vault).await?;

    let shared = shared.clone();
    blocking(move || {
        let texts = ServerText::new(shared.clone());
        let index = vault.index.read();
        let Some((_, prepared)) = prepare(&shared, &index, &texts, &uri, position.position)?
        else {
            return Err(request_failed(
                "nothing here can be renamed: place the cursor on a link, a heading or a tag"
                    .to_string(),
            ));
        };
        let edit = rename::rename(&index, &texts, &prepared, &params.new_name)
            .map_err(request_failed)?;
        let response = workspace_edit(&shared, &index, &edit)?;
        if let Some(file) = &edit.file {
            tracing::info!(from = %file.from, to = %file.to, edits = edit.changes.len(), "renaming a note");
            remember_sent_rename(&shared, join(&index, &file.from), join(&index, &file.to));
        }
        Ok(Some(response))
    })
    .await?
}

/// Waits until the files that changed on disk, as by the edit of a rename just before, are
/// read, so that their links are found as they now are.
async fn wait_for_changes(vault: &VaultHandle) -> RpcResult<()> {
    let deadline = Instant::now() + PENDING_CHANGES_WAIT;
    while vault.pending_changes.load(Ordering::SeqCst) > 0 {
        if Instant::now() >= deadline {
            return Err(request_failed(
                "files in the vault are still changing on disk, so some links could be missed; try the rename again".to_string(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}

fn remember_sent_rename(shared: &Shared, from: std::path::PathBuf, to: std::path::PathBuf) {
    let mut sent = shared.sent_file_renames.lock();
    sent.retain(|rename| rename.at.elapsed() < SENT_RENAME_MEMORY);
    sent.push(SentFileRename {
        from,
        to,
        at: Instant::now(),
    });
}

/// Removes the remembered rename of `from` to `to` that the server's own edit asked for, and
/// returns whether there was one.
fn take_sent_rename(shared: &Shared, from: &std::path::Path, to: &std::path::Path) -> bool {
    let mut sent = shared.sent_file_renames.lock();
    sent.retain(|rename| rename.at.elapsed() < SENT_RENAME_MEMORY);
    match sent.iter().position(|r| r.from == from && r.to == to) {
        Some(found) => {
            sent.remove(found);
            true
        }
        None => false,
    }
}

/// A file or folder rename, as absolute paths before and after.
type PathRename = (std::path::PathBuf, std::path::PathBuf);

/// `workspace/willRenameFiles`: before the editor moves or renames notes and folders, the edits
/// that keep every link to them working. Renames that the server's own rename edit asked for
/// get no edit, as that edit updated the links already.
pub async fn handle_will_rename_files(
    shared: &Arc<Shared>,
    params: RenameFilesParams,
) -> RpcResult<Option<WorkspaceEdit>> {
    // The renames by vault, as absolute paths, in the order given.
    let mut by_vault: Vec<(Arc<VaultHandle>, Vec<PathRename>)> = Vec::new();
    for file in &params.files {
        let path = |uri: &str| uri.parse::<Uri>().ok().and_then(|u| from_proto::path(&u));
        let (Some(from), Some(to)) = (path(&file.old_uri), path(&file.new_uri)) else {
            continue;
        };
        if take_sent_rename(shared, &from, &to) {
            continue;
        }
        let Some(vault) = shared.vault_for(&from) else {
            continue;
        };
        match by_vault.iter_mut().find(|(v, _)| Arc::ptr_eq(v, &vault)) {
            Some((_, renames)) => renames.push((from, to)),
            None => by_vault.push((vault, vec![(from, to)])),
        }
    }

    let mut merged: Option<WorkspaceEdit> = None;
    for (vault, renames) in by_vault {
        // Links in notes not indexed yet would be missed; the files still move.
        if !vault.indexed.load(Ordering::SeqCst) {
            tracing::warn!(root = %vault.root.display(), "files moved while the vault is indexed; their links are not updated");
            continue;
        }
        wait_for_changes(&vault).await?;
        let shared = shared.clone();
        let edit = blocking(move || {
            let texts = ServerText::new(shared.clone());
            let index = vault.index.read();
            let moves = note_moves(&index, &renames);
            let changes = moves::link_updates(&index, &texts, &moves).map_err(request_failed)?;
            tracing::info!(
                notes = moves.len(),
                edits = changes.len(),
                "updating links to moved notes"
            );
            if changes.is_empty() {
                return Ok(None);
            }
            let edit = RenameEdit {
                changes,
                file: None,
            };
            workspace_edit(&shared, &index, &edit).map(Some)
        })
        .await??;
        merged = match (merged, edit) {
            (Some(first), Some(second)) => Some(merge_edits(first, second)),
            (first, second) => first.or(second),
        };
    }
    Ok(merged)
}

/// Lists the notes that `renames` (absolute paths of files and folders) move, each with its
/// vault-relative path after the move. A note moved out of the vault, or renamed to a file that
/// is not a note, is left out: no link can follow it.
fn note_moves(index: &Vault, renames: &[PathRename]) -> Vec<NoteMove> {
    let is_note = |path: &str| crate::syntax::strip_md(path).len() < path.len();
    let mut moves = Vec::new();
    for (from, to) in renames {
        let (Some(from), Some(to)) = (index.relative_path(from), index.relative_path(to)) else {
            continue;
        };
        if is_note(&from) {
            if let Some(note) = index.id_of_path(&from).filter(|_| is_note(&to)) {
                moves.push(NoteMove { note, to });
            }
            continue;
        }
        let prefix = format!("{from}/");
        for (note, page) in index.notes() {
            if let Some(rest) = page.path.strip_prefix(&prefix) {
                moves.push(NoteMove {
                    note,
                    to: format!("{to}/{rest}"),
                });
            }
        }
    }
    moves
}

/// Joins two workspace edits for different vaults into one.
fn merge_edits(mut first: WorkspaceEdit, second: WorkspaceEdit) -> WorkspaceEdit {
    if let Some(changes) = second.changes {
        first
            .changes
            .get_or_insert_with(HashMap::new)
            .extend(changes);
    }
    match (&mut first.document_changes, second.document_changes) {
        (Some(DocumentChanges::Operations(ops)), Some(DocumentChanges::Operations(more))) => {
            ops.extend(more);
        }
        (slot @ None, more) => *slot = more,
        (Some(_), _) => {}
    }
    first
}

fn gone() -> RpcError {
    request_failed("the note changed while renaming; try again".to_string())
}

/// Converts a rename to LSP: one `TextDocumentEdit` per note (versioned when the note is open),
/// then the `RenameFile`, which never overwrites. Clients without `documentChanges` get plain
/// `changes` for a heading or tag rename; a note rename always needs `documentChanges`.
fn workspace_edit(shared: &Shared, index: &Vault, edit: &RenameEdit) -> RpcResult<WorkspaceEdit> {
    let encoding: PositionEncoding = shared.encoding();
    let mut documents: Vec<(Uri, Vec<TextEdit>)> = Vec::new();
    for change in &edit.changes {
        let note = index.note(change.note).ok_or_else(gone)?;
        let uri = to_proto::uri(&index.absolute_path(note)).ok_or_else(gone)?;
        let text_edit = TextEdit {
            range: to_proto::range(&note.summary.line_index, change.range, encoding),
            new_text: change.text.clone(),
        };
        match documents.last_mut() {
            Some((last, edits)) if *last == uri => edits.push(text_edit),
            _ => documents.push((uri, vec![text_edit])),
        }
    }
    let flags = shared.flags.read().clone();
    if edit.file.is_none() && !flags.document_changes {
        let changes: HashMap<Uri, Vec<TextEdit>> = documents.into_iter().collect();
        return Ok(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        });
    }
    let mut operations: Vec<DocumentChangeOperation> = documents
        .into_iter()
        .map(|(uri, edits)| {
            let version = shared.docs.get(&uri).map(|d| d.version);
            DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            })
        })
        .collect();
    if let Some(file) = &edit.file {
        if !flags.rename_files {
            return Err(request_failed(NO_FILE_RENAME.to_string()));
        }
        let old_uri = to_proto::uri(&join(index, &file.from)).ok_or_else(gone)?;
        let new_uri = to_proto::uri(&join(index, &file.to)).ok_or_else(gone)?;
        operations.push(DocumentChangeOperation::Op(ResourceOp::Rename(
            RenameFile {
                old_uri,
                new_uri,
                options: Some(RenameFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(false),
                }),
                annotation_id: None,
            },
        )));
    }
    Ok(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(operations)),
        ..WorkspaceEdit::default()
    })
}

fn join(index: &Vault, relative: &str) -> std::path::PathBuf {
    let mut path = index.root.clone();
    path.extend(relative.split('/'));
    path
}
