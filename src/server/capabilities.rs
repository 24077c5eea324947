//! What the server offers, and what it reads from the client's capabilities. Each feature's
//! client check sits next to the capability it decides.

use super::lsp::{
    ClientCapabilities, CompletionOptions, DiagnosticOptions, DiagnosticServerCapabilities,
    FileOperationFilter, FileOperationPattern, FileOperationPatternKind,
    FileOperationPatternOptions, FileOperationRegistrationOptions, HoverProviderCapability, OneOf,
    PositionEncodingKind, SaveOptions, ServerCapabilities, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
    WorkDoneProgressOptions, WorkspaceFileOperationsServerCapabilities,
    WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};
use super::state::ClientFlags;
use crate::text::PositionEncoding;

/// Picks UTF-8 when the client offers it (Rust strings are UTF-8, so no conversion is needed),
/// else UTF-16, which every client must support.
pub fn negotiate_encoding(caps: &ClientCapabilities) -> PositionEncoding {
    let offered = caps
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

/// Reads the client features the server branches on.
pub fn client_flags(caps: &ClientCapabilities) -> ClientFlags {
    let text = caps.text_document.as_ref();
    let workspace = caps.workspace.as_ref();
    ClientFlags {
        pull_diagnostics: text.and_then(|t| t.diagnostic.as_ref()).is_some(),
        diagnostic_refresh: workspace
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false),
        work_done_progress: caps
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false),
        watched_files: workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
        configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
        hover_markdown: text
            .and_then(|t| t.hover.as_ref())
            .and_then(|h| h.content_format.as_ref())
            .is_none_or(|formats| formats.contains(&super::lsp::MarkupKind::Markdown)),
        definition_links: text
            .and_then(|t| t.definition.as_ref())
            .and_then(|d| d.link_support)
            .unwrap_or(false),
        apply_edit: workspace.and_then(|w| w.apply_edit).unwrap_or(false),
        document_changes: workspace
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false),
        create_files: workspace
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.resource_operations.as_ref())
            .is_some_and(|ops| ops.contains(&super::lsp::ResourceOperationKind::Create)),
        // Neovim lists resource operations without the `documentChanges` flag and applies such
        // edits, so the listed operation alone decides.
        rename_files: workspace
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.resource_operations.as_ref())
            .is_some_and(|ops| ops.contains(&super::lsp::ResourceOperationKind::Rename)),
        show_document: caps
            .window
            .as_ref()
            .and_then(|w| w.show_document.as_ref())
            .is_some_and(|s| s.support),
        code_action_literals: text
            .and_then(|t| t.code_action.as_ref())
            .is_some_and(|c| c.code_action_literal_support.is_some()),
        hierarchical_symbols: text
            .and_then(|t| t.document_symbol.as_ref())
            .and_then(|s| s.hierarchical_document_symbol_support)
            .unwrap_or(false),
    }
}

/// Builds a filter for files or folders on disk whose path matches `glob`, in any case.
fn file_operation_filter(glob: &str, kind: FileOperationPatternKind) -> FileOperationFilter {
    FileOperationFilter {
        scheme: Some("file".to_string()),
        pattern: FileOperationPattern {
            glob: glob.to_string(),
            matches: Some(kind),
            options: Some(FileOperationPatternOptions {
                ignore_case: Some(true),
            }),
        },
    }
}

/// The server's capabilities for a client with `flags` and the negotiated `encoding`.
pub fn server_capabilities(flags: &ClientFlags, encoding: PositionEncoding) -> ServerCapabilities {
    let encoding_kind = match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    };
    ServerCapabilities {
        position_encoding: Some(encoding_kind),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(["[", "#", "^", "|"].map(String::from).to_vec()),
            resolve_provider: Some(false),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(super::lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(super::lsp::CodeActionProviderCapability::Options(
            super::lsp::CodeActionOptions {
                code_action_kinds: Some(vec![
                    super::lsp::CodeActionKind::QUICKFIX,
                    super::lsp::CodeActionKind::REFACTOR_REWRITE,
                    super::lsp::CodeActionKind::SOURCE,
                ]),
                resolve_provider: Some(false),
                ..super::lsp::CodeActionOptions::default()
            },
        )),
        code_lens_provider: Some(super::lsp::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        inlay_hint_provider: Some(OneOf::Left(true)),
        execute_command_provider: Some(super::lsp::ExecuteCommandOptions {
            commands: super::handlers::actions::COMMANDS
                .iter()
                .map(|c| (*c).to_string())
                .collect(),
            ..super::lsp::ExecuteCommandOptions::default()
        }),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        // Pull only when the client pulls; a server that advertises pull but pushes, or both,
        // leaves some clients with stale or doubled diagnostics.
        diagnostic_provider: flags.pull_diagnostics.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("dex".to_string()),
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })
        }),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            // Notes and folders moved or renamed in the editor's file explorer.
            file_operations: Some(WorkspaceFileOperationsServerCapabilities {
                will_rename: Some(FileOperationRegistrationOptions {
                    filters: vec![
                        file_operation_filter("**/*.md", FileOperationPatternKind::File),
                        file_operation_filter("**/*", FileOperationPatternKind::Folder),
                    ],
                }),
                ..WorkspaceFileOperationsServerCapabilities::default()
            }),
        }),
        ..ServerCapabilities::default()
    }
}
