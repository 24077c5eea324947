//! The language server: the only module that knows tower-lsp, JSON-RPC and async code.
//!
//! Handlers take a snapshot of the state they need, run the `ide` function on a blocking thread,
//! and convert the result. Text-sync notifications change state before their first `.await`, so
//! edits apply in the order the client sent them even though the framework polls handlers
//! concurrently.

mod backend;
mod capabilities;
pub mod config;
mod convert;
mod diagnostics;
mod handlers;
mod indexing;
pub mod lsp;
mod state;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;

use backend::Backend;
use lsp::{LspService, Server};

/// Handler futures the framework may poll at once. Requests that wait on the client (progress
/// tokens, configuration) hold a slot; 32 leaves room for those plus a burst of edits and
/// completions, while the framework's default (4) lets a few slow requests block the queue.
const CONCURRENCY: usize = 32;

/// Runs the server on standard input and output until the client exits.
pub fn run(today: Option<NaiveDate>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!(%err, "cannot start the async runtime");
            return ExitCode::from(2);
        }
    };
    let shut_down = Arc::new(AtomicBool::new(false));
    runtime.block_on(async {
        let flag = shut_down.clone();
        let (service, socket) = LspService::build(|client| Backend::new(client, today, flag))
            .custom_method("dex/noteText", Backend::note_text)
            .custom_method("dex/accounts", Backend::accounts)
            .finish();
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .concurrency_level(CONCURRENCY)
            .serve(service)
            .await;
    });
    // Blocking tasks (a scan in progress) must not keep the process alive after `exit`.
    runtime.shutdown_background();
    // The protocol requires exit status 1 when `exit` arrives without a prior `shutdown`.
    if shut_down.load(Ordering::SeqCst) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
