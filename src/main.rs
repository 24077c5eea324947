//! The `dex` binary: a language server and command-line checker for Customer Success vaults.

use std::process::ExitCode;

use clap::Parser;
use dex::cli;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match &cli.command {
        cli::Command::Check(args) => cli::check::run(args),
        cli::Command::Lsp(_) => ExitCode::from(2),
    }
}
