//! The `LanguageServer` implementation: each method hands over to a handler.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::handlers::{actions, features, rename, text_sync, workspace};
use super::lsp::{
    Client, CodeActionParams, CodeActionResponse, CodeLens, CodeLensParams, CompletionParams,
    CompletionResponse, DidChangeConfigurationParams, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWorkspaceFoldersParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, DocumentDiagnosticParams,
    DocumentDiagnosticReportResult, DocumentSymbolParams, DocumentSymbolResponse,
    ExecuteCommandParams, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverParams,
    InitializeParams, InitializeResult, InitializedParams, InlayHint, InlayHintParams,
    LanguageServer, Location, PrepareRenameResponse, ReferenceParams, RenameFilesParams,
    RenameParams, RpcResult, TextDocumentPositionParams, Uri, WorkspaceEdit, WorkspaceSymbolParams,
    WorkspaceSymbolResponse,
};
use super::state::Shared;

/// The server object the framework calls.
pub struct Backend {
    shared: Arc<Shared>,
    /// Set by `shutdown`, so that the process can exit with 1 after an `exit` without it.
    shut_down: Arc<AtomicBool>,
}

impl Backend {
    /// A backend for a new connection.
    pub fn new(client: Client, today: Option<NaiveDate>, shut_down: Arc<AtomicBool>) -> Backend {
        Backend {
            shared: Arc::new(Shared::new(client, today)),
            shut_down,
        }
    }

    /// `dex/accounts`: the accounts of every vault with score, band and renewal, for pickers.
    pub async fn accounts(&self) -> RpcResult<Vec<actions::AccountEntry>> {
        actions::handle_accounts(&self.shared).await
    }

    /// `dex/noteText`: the server's copy of an open note, for clients and tests that check the
    /// server and the editor agree.
    #[allow(clippy::unused_async, reason = "custom methods must be async")]
    pub async fn note_text(&self, params: NoteTextParams) -> RpcResult<Option<NoteText>> {
        Ok(self.shared.docs.get(&params.uri).map(|doc| NoteText {
            version: doc.version,
            text: doc.rope.to_string(),
        }))
    }
}

/// Parameters of `dex/noteText`.
#[derive(Debug, Deserialize)]
pub struct NoteTextParams {
    /// The note.
    pub uri: Uri,
}

/// Result of `dex/noteText`.
#[derive(Debug, Serialize)]
pub struct NoteText {
    /// Version of the last applied change.
    pub version: i32,
    /// The text.
    pub text: String,
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> RpcResult<InitializeResult> {
        Ok(workspace::handle_initialize(&self.shared, &params))
    }

    async fn initialized(&self, _: InitializedParams) {
        workspace::handle_initialized(&self.shared);
    }

    async fn shutdown(&self) -> RpcResult<()> {
        tracing::info!("shutdown requested");
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        text_sync::handle_did_open(&self.shared, params);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        text_sync::handle_did_change(&self.shared, params);
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        text_sync::handle_did_close(&self.shared, params);
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        workspace::handle_did_change_watched_files(&self.shared, params);
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        workspace::handle_did_change_workspace_folders(&self.shared, params);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        workspace::handle_did_change_configuration(&self.shared, params);
    }

    async fn completion(&self, params: CompletionParams) -> RpcResult<Option<CompletionResponse>> {
        features::handle_completion(&self.shared, params).await
    }

    async fn hover(&self, params: HoverParams) -> RpcResult<Option<Hover>> {
        features::handle_hover(&self.shared, params).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> RpcResult<Option<GotoDefinitionResponse>> {
        features::handle_goto_definition(&self.shared, params).await
    }

    async fn references(&self, params: ReferenceParams) -> RpcResult<Option<Vec<Location>>> {
        features::handle_references(&self.shared, params).await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> RpcResult<Option<PrepareRenameResponse>> {
        rename::handle_prepare_rename(&self.shared, params).await
    }

    async fn rename(&self, params: RenameParams) -> RpcResult<Option<WorkspaceEdit>> {
        rename::handle_rename(&self.shared, params).await
    }

    async fn will_rename_files(
        &self,
        params: RenameFilesParams,
    ) -> RpcResult<Option<WorkspaceEdit>> {
        rename::handle_will_rename_files(&self.shared, params).await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> RpcResult<Option<DocumentSymbolResponse>> {
        features::handle_document_symbol(&self.shared, params).await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> RpcResult<Option<WorkspaceSymbolResponse>> {
        features::handle_workspace_symbol(&self.shared, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> RpcResult<Option<CodeActionResponse>> {
        actions::handle_code_action(&self.shared, params).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> RpcResult<Option<Vec<CodeLens>>> {
        actions::handle_code_lens(&self.shared, params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> RpcResult<Option<Vec<InlayHint>>> {
        actions::handle_inlay_hint(&self.shared, params).await
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> RpcResult<Option<serde_json::Value>> {
        actions::handle_execute_command(&self.shared, params).await
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> RpcResult<DocumentDiagnosticReportResult> {
        super::diagnostics::handle_document_diagnostic(&self.shared, params).await
    }
}
