//! Publishing diagnostics. Push mode coalesces bursts of edits: a run is scheduled per change,
//! waits a few milliseconds, and only the last run of a burst computes and publishes. Pull mode
//! answers `textDocument/diagnostic` and asks the client to pull again when other notes change.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::convert::{from_proto, to_proto};
use super::handlers::blocking;
use super::lsp::{
    Diagnostic, DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    FullDocumentDiagnosticReport, RelatedFullDocumentDiagnosticReport, RpcResult, Uri,
};
use super::state::{Shared, VaultHandle};
use crate::ide::diagnostics::diagnostics;

/// How long a scheduled run waits for more edits before it computes. Short enough that the
/// warning under the cursor follows typing; long enough to fold a paste or a replayed burst of
/// changes into one run.
const DEBOUNCE: Duration = Duration::from_millis(10);

/// Computes the LSP diagnostics of a note by absolute path, with the open document's version.
fn compute(
    shared: &Arc<Shared>,
    vault: &VaultHandle,
    uri: &Uri,
) -> Option<(Vec<Diagnostic>, Option<i32>)> {
    let version = shared.docs.get(uri).map(|doc| doc.version);
    let path = from_proto::path(uri)?;
    let index = vault.index.read();
    let id = index.id_of_path(&index.relative_path(&path)?)?;
    let note = index.note(id)?;
    let today = shared.today(&index.config);
    let encoding = shared.encoding();
    let texts = super::handlers::ServerText::new(shared.clone());
    let found = diagnostics(&index, id, today, &texts)
        .iter()
        .map(|d| to_proto::diagnostic(&note.summary.line_index, d, encoding))
        .collect();
    Some((found, version))
}

/// Schedules a diagnostics run for an open note (push mode only).
pub fn schedule(shared: &Arc<Shared>, uri: &Uri) {
    if shared.flags.read().pull_diagnostics {
        return;
    }
    let counter = shared.diagnostics_counter(uri);
    let ticket = counter.fetch_add(1, Ordering::SeqCst) + 1;
    let shared = shared.clone();
    let uri = uri.clone();
    tokio::spawn(async move {
        tokio::time::sleep(DEBOUNCE).await;
        if counter.load(Ordering::SeqCst) != ticket {
            return;
        }
        let Some(vault) = shared.docs.get(&uri).map(|doc| doc.vault.clone()) else {
            return;
        };
        let task_shared = shared.clone();
        let task_uri = uri.clone();
        let result = blocking(move || compute(&task_shared, &vault, &task_uri)).await;
        // A newer change may have arrived while computing; its own run publishes instead.
        if counter.load(Ordering::SeqCst) != ticket {
            return;
        }
        if let Ok(Some((found, version))) = result {
            shared.client.publish_diagnostics(uri, found, version).await;
        }
    });
}

/// Clears the published diagnostics of a closed note (push mode).
pub fn clear(shared: &Arc<Shared>, uri: Uri) {
    if shared.flags.read().pull_diagnostics {
        return;
    }
    let client = shared.client.clone();
    tokio::spawn(async move { client.publish_diagnostics(uri, Vec::new(), None).await });
}

/// Recomputes the diagnostics of every open note in `vault` except `changed`, after a change
/// that can resolve or break their links.
pub fn refresh_others(shared: &Arc<Shared>, vault: &Arc<VaultHandle>, changed: &Uri) {
    let flags = shared.flags.read().clone();
    if flags.pull_diagnostics {
        if flags.diagnostic_refresh {
            let client = shared.client.clone();
            tokio::spawn(async move {
                if let Err(err) = client.workspace_diagnostic_refresh().await {
                    tracing::debug!(%err, "diagnostic refresh failed");
                }
            });
        }
        return;
    }
    for uri in shared.open_docs_in(vault) {
        if &uri != changed {
            schedule(shared, &uri);
        }
    }
}

/// Recomputes the diagnostics of every open note in `vault`.
pub fn refresh_all(shared: &Arc<Shared>, vault: &Arc<VaultHandle>) {
    let flags = shared.flags.read().clone();
    if flags.pull_diagnostics {
        if flags.diagnostic_refresh {
            let client = shared.client.clone();
            tokio::spawn(async move {
                if let Err(err) = client.workspace_diagnostic_refresh().await {
                    tracing::debug!(%err, "diagnostic refresh failed");
                }
            });
        }
        return;
    }
    for uri in shared.open_docs_in(vault) {
        schedule(shared, &uri);
    }
}

/// `textDocument/diagnostic`: the full report for one note, open or not.
pub async fn handle_document_diagnostic(
    shared: &Arc<Shared>,
    params: DocumentDiagnosticParams,
) -> RpcResult<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    let vault = match shared.docs.get(&uri) {
        Some(doc) => Some(doc.vault.clone()),
        None => from_proto::path(&uri).and_then(|path| shared.vault_for(&path)),
    };
    let shared = shared.clone();
    let items = match vault {
        Some(vault) => blocking(move || compute(&shared, &vault, &uri))
            .await?
            .map(|(d, _)| d)
            .unwrap_or_default(),
        None => Vec::new(),
    };
    Ok(DocumentDiagnosticReportResult::Report(
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: None,
                items,
            },
        }),
    ))
}
