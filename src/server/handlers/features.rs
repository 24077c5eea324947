//! Completion, hover, go to definition, references and symbols.

use std::path::PathBuf;
use std::sync::Arc;

use ropey::Rope;

use super::{ServerText, blocking};
use crate::ide::{self, completion::completion, hover::hover, navigation, symbols};
use crate::server::convert::{from_proto, to_proto};
use crate::server::lsp::{
    CompletionList, CompletionParams, CompletionResponse, DocumentSymbol, DocumentSymbolParams,
    DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents,
    HoverParams, Location, LocationLink, OneOf, Position, ReferenceParams, RpcResult,
    SymbolInformation, Uri, WorkspaceSymbol, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};
use crate::server::state::{Shared, VaultHandle};
use crate::text::PositionEncoding;
use crate::vault::{NoteId, Vault};

/// What a request about one note needs, taken without holding any lock.
struct NoteSnapshot {
    vault: Arc<VaultHandle>,
    path: PathBuf,
    rope: Option<Rope>,
    encoding: PositionEncoding,
}

impl NoteSnapshot {
    fn take(shared: &Shared, uri: &Uri) -> Option<NoteSnapshot> {
        let encoding = shared.encoding();
        if let Some(doc) = shared.docs.get(uri) {
            return Some(NoteSnapshot {
                vault: doc.vault.clone(),
                path: doc.path.clone(),
                rope: Some(doc.rope.clone()),
                encoding,
            });
        }
        let path = from_proto::path(uri)?;
        let vault = shared.vault_for(&path)?;
        Some(NoteSnapshot {
            vault,
            path,
            rope: None,
            encoding,
        })
    }

    /// The note's id and the byte offset of `position`, read under the index lock.
    fn locate(&self, index: &Vault, position: Position) -> Option<(NoteId, u32)> {
        let id = index.id_of_path(&index.relative_path(&self.path)?)?;
        let note = index.note(id)?;
        Some((
            id,
            from_proto::offset(&note.summary.line_index, position, self.encoding),
        ))
    }
}

/// Converts a location in any note of the vault.
fn location(
    index: &Vault,
    location: ide::Location,
    encoding: PositionEncoding,
) -> Option<Location> {
    let note = index.note(location.note)?;
    let uri = to_proto::uri(&index.absolute_path(note))?;
    Some(Location {
        uri,
        range: to_proto::range(&note.summary.line_index, location.range, encoding),
    })
}

/// `textDocument/completion`.
pub async fn handle_completion(
    shared: &Arc<Shared>,
    params: CompletionParams,
) -> RpcResult<Option<CompletionResponse>> {
    let position = params.text_document_position;
    let Some(snap) = NoteSnapshot::take(shared, &position.text_document.uri) else {
        return Ok(None);
    };
    let shared = shared.clone();
    blocking(move || {
        let rope = snap.rope.as_ref()?;
        let text = rope.to_string();
        let index = snap.vault.index.read();
        let (id, offset) = snap.locate(&index, position.position)?;
        let mut cache = snap.vault.completion.lock();
        let today = shared.today(&index.config);
        let result = completion(&index, &mut cache, id, &text, offset, today)?;
        let line_index = &index.note(id)?.summary.line_index;
        let items = result
            .items
            .iter()
            .map(|item| to_proto::completion_item(line_index, item, snap.encoding))
            .collect();
        // While the scan runs, the list is marked incomplete, so the editor requests it again
        // as the user types and gets the notes indexed meanwhile.
        let scanning = !snap.vault.ready.load(std::sync::atomic::Ordering::SeqCst);
        Some(CompletionResponse::List(CompletionList {
            is_incomplete: result.incomplete || scanning,
            items,
        }))
    })
    .await
}

/// `textDocument/hover`.
pub async fn handle_hover(shared: &Arc<Shared>, params: HoverParams) -> RpcResult<Option<Hover>> {
    let position = params.text_document_position_params;
    let Some(snap) = NoteSnapshot::take(shared, &position.text_document.uri) else {
        return Ok(None);
    };
    let texts = ServerText::new(shared.clone());
    let markdown = shared.flags.read().hover_markdown;
    let shared = shared.clone();
    blocking(move || {
        let index = snap.vault.index.read();
        let (id, offset) = snap.locate(&index, position.position)?;
        let today = shared.today(&index.config);
        let result = hover(&index, id, offset, today, &texts)?;
        let line_index = &index.note(id)?.summary.line_index;
        Some(Hover {
            contents: HoverContents::Markup(to_proto::markup(result.markdown, markdown)),
            range: Some(to_proto::range(line_index, result.range, snap.encoding)),
        })
    })
    .await
}

/// `textDocument/definition`.
pub async fn handle_goto_definition(
    shared: &Arc<Shared>,
    params: GotoDefinitionParams,
) -> RpcResult<Option<GotoDefinitionResponse>> {
    let position = params.text_document_position_params;
    let Some(snap) = NoteSnapshot::take(shared, &position.text_document.uri) else {
        return Ok(None);
    };
    let links = shared.flags.read().definition_links;
    blocking(move || {
        let index = snap.vault.index.read();
        let (id, offset) = snap.locate(&index, position.position)?;
        let target = navigation::goto_definition(&index, id, offset)?;
        let target = location(&index, target, snap.encoding)?;
        if !links {
            return Some(GotoDefinitionResponse::Scalar(target));
        }
        let line_index = &index.note(id)?.summary.line_index;
        let origin = navigation::definition_origin(&index, id, offset)
            .map(|range| to_proto::range(line_index, range, snap.encoding));
        Some(GotoDefinitionResponse::Link(vec![LocationLink {
            origin_selection_range: origin,
            target_uri: target.uri,
            target_range: target.range,
            target_selection_range: target.range,
        }]))
    })
    .await
}

/// `textDocument/references`.
pub async fn handle_references(
    shared: &Arc<Shared>,
    params: ReferenceParams,
) -> RpcResult<Option<Vec<Location>>> {
    let position = params.text_document_position;
    let include_declaration = params.context.include_declaration;
    let Some(snap) = NoteSnapshot::take(shared, &position.text_document.uri) else {
        return Ok(None);
    };
    blocking(move || {
        let index = snap.vault.index.read();
        let (id, offset) = snap.locate(&index, position.position)?;
        let found = navigation::references(&index, id, offset, include_declaration);
        Some(
            found
                .into_iter()
                .filter_map(|l| location(&index, l, snap.encoding))
                .collect(),
        )
    })
    .await
}

/// `textDocument/documentSymbol`: the heading tree, flattened for clients without hierarchy.
pub async fn handle_document_symbol(
    shared: &Arc<Shared>,
    params: DocumentSymbolParams,
) -> RpcResult<Option<DocumentSymbolResponse>> {
    let uri = params.text_document.uri;
    let Some(snap) = NoteSnapshot::take(shared, &uri) else {
        return Ok(None);
    };
    let hierarchical = shared.flags.read().hierarchical_symbols;
    blocking(move || {
        let index = snap.vault.index.read();
        let id = index.id_of_path(&index.relative_path(&snap.path)?)?;
        let note = index.note(id)?;
        let tree = symbols::document_symbols(id, &note.summary);
        let line_index = &note.summary.line_index;
        if hierarchical {
            Some(DocumentSymbolResponse::Nested(
                tree.iter()
                    .map(|s| document_symbol(line_index, s, snap.encoding))
                    .collect(),
            ))
        } else {
            let mut flat = Vec::new();
            flatten(line_index, &uri, &tree, None, snap.encoding, &mut flat);
            Some(DocumentSymbolResponse::Flat(flat))
        }
    })
    .await
}

#[allow(
    deprecated,
    reason = "the deprecated field has no default and must be written"
)]
fn document_symbol(
    index: &crate::text::LineIndex,
    symbol: &symbols::Symbol,
    encoding: PositionEncoding,
) -> DocumentSymbol {
    DocumentSymbol {
        name: symbol.name.clone(),
        detail: symbol.detail.clone(),
        kind: to_proto::symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: to_proto::range(index, symbol.range, encoding),
        selection_range: to_proto::range(index, symbol.selection, encoding),
        children: Some(
            symbol
                .children
                .iter()
                .map(|c| document_symbol(index, c, encoding))
                .collect(),
        ),
    }
}

#[allow(
    deprecated,
    reason = "the deprecated field has no default and must be written"
)]
fn flatten(
    index: &crate::text::LineIndex,
    uri: &Uri,
    symbols: &[symbols::Symbol],
    container: Option<&str>,
    encoding: PositionEncoding,
    out: &mut Vec<SymbolInformation>,
) {
    for symbol in symbols {
        out.push(SymbolInformation {
            name: symbol.name.clone(),
            kind: to_proto::symbol_kind(symbol.kind),
            tags: None,
            deprecated: None,
            location: Location {
                uri: uri.clone(),
                range: to_proto::range(index, symbol.range, encoding),
            },
            container_name: container.map(str::to_string),
        });
        flatten(
            index,
            uri,
            &symbol.children,
            Some(&symbol.name),
            encoding,
            out,
        );
    }
}

/// `workspace/symbol` across every vault.
pub async fn handle_workspace_symbol(
    shared: &Arc<Shared>,
    params: WorkspaceSymbolParams,
) -> RpcResult<Option<WorkspaceSymbolResponse>> {
    let vaults = shared.vaults.read().clone();
    let encoding = shared.encoding();
    blocking(move || {
        let mut out = Vec::new();
        for vault in vaults {
            let index = vault.index.read();
            for symbol in symbols::workspace_symbols(&index, &params.query) {
                let Some(note) = index.note(symbol.note) else {
                    continue;
                };
                let Some(uri) = to_proto::uri(&index.absolute_path(note)) else {
                    continue;
                };
                let range = to_proto::range(&note.summary.line_index, symbol.selection, encoding);
                out.push(WorkspaceSymbol {
                    name: symbol.name,
                    kind: to_proto::symbol_kind(symbol.kind),
                    tags: None,
                    container_name: symbol.detail,
                    location: OneOf::Left(Location { uri, range }),
                    data: None,
                });
            }
        }
        Some(WorkspaceSymbolResponse::Nested(out))
    })
    .await
}
