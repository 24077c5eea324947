//! Dex: a language server and command-line checker for the Markdown vaults that Customer
//! Success managers keep on their accounts.
//!
//! Layers, from the bottom: [`text`] (offsets and positions), [`syntax`] (one note's Markdown to a
//! summary), [`vault`] (the index of every note), [`ide`] (editor features on plain types),
//! [`server`] (the only module that speaks LSP) and [`cli`] (the command line).

pub mod cli;
pub mod ide;
pub mod import;
pub mod server;
pub mod syntax;
pub mod text;
pub mod vault;
