//! `dex import`: the command-line front of [`crate::import`].

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

use super::Format;
use crate::import::Source;

/// Options of `dex import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The tool the files were exported from.
    #[arg(value_enum)]
    pub source: Source,
    /// Export files to read (CSV, zip, gzip, JSON lines or .ics, depending on the source).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The vault folder.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub vault: PathBuf,
    /// Print the changes as a unified diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Create account pages for rows that match no account, from the vault's templates.
    #[arg(long)]
    pub create_accounts: bool,
    /// Replace Dex-owned blocks even where they were edited by hand.
    #[arg(long)]
    pub force: bool,
    /// Treat this date as today (YYYY-MM-DD); overrides `DEX_TODAY` and the configuration.
    #[arg(long, value_name = "DATE", value_parser = super::parse_date_arg)]
    pub today: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Runs `dex import`; exit status 0 when every row imported, 1 when rows were rejected or
/// unmatched or a block had a conflicting edit, 2 on a usage or I/O error or a refused file.
#[allow(
    clippy::print_stderr,
    reason = "the command line reports its errors on standard error"
)]
pub fn run(args: &ImportArgs) -> ExitCode {
    eprintln!(
        "dex import: the {} importer is not built yet; {} file(s) given, vault `{}`",
        args.source.slug(),
        args.files.len(),
        args.vault.display()
    );
    ExitCode::from(2)
}
