//! The one place that imports the framework's LSP types, so an upgrade that renames the types
//! module touches only this file.

pub use tower_lsp_server::jsonrpc::{Error as RpcError, ErrorCode, Result as RpcResult};
pub use tower_lsp_server::ls_types::*;
pub use tower_lsp_server::{Client, LanguageServer, LspService, Server};
