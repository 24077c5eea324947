//! `dex import`: the command-line front of [`crate::import`].

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

use super::Format;
use crate::import::report::{Report, excerpt};
use crate::import::{ImportError, Options, Source};
use crate::vault::Config;
use crate::vault::config::{TODAY_ENV, resolve_today};

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
/// unmatched, a block had a conflicting edit or another error was reported, 2 on a usage or I/O
/// error or a refused file.
pub fn run(args: &ImportArgs) -> ExitCode {
    match import(args) {
        Ok(report) => ExitCode::from(u8::from(report.needs_attention())),
        Err(message) => super::fail_as("import", &message, args.format),
    }
}

fn import(args: &ImportArgs) -> Result<Report, String> {
    let root = args
        .vault
        .canonicalize()
        .map_err(|err| format!("cannot open vault folder `{}`: {err}", args.vault.display()))?;
    let (config, _) = Config::load(&root);
    let env = std::env::var(TODAY_ENV).ok();
    let today = resolve_today(args.today, env.as_deref(), &config)?;
    let options = Options {
        vault: root,
        source: args.source,
        files: args.files.clone(),
        dry_run: args.dry_run,
        create_accounts: args.create_accounts,
        force: args.force,
        today,
    };
    let report = crate::import::run(&options).map_err(|err| match err {
        ImportError::Refused { .. } => format!("{err}; nothing was written"),
        ImportError::Vault(message) => message,
    })?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        Format::Text => print_text(&mut out, &report),
        Format::Json => serde_json::to_writer_pretty(&mut out, &report)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out)),
    };
    written.map_err(|err| format!("cannot write the report: {err}"))?;
    Ok(report)
}

fn print_text(out: &mut impl Write, report: &Report) -> std::io::Result<()> {
    for m in &report.messages {
        let place = match m.line {
            Some(line) => format!("{}:{line}", m.file),
            None => m.file.clone(),
        };
        match &m.field {
            Some(field) => writeln!(out, "{place}: {}: {field}: {}", m.level.as_str(), m.message)?,
            None => writeln!(out, "{place}: {}: {}", m.level.as_str(), m.message)?,
        }
    }
    let hint = if report.create_accounts {
        "and the row gives no name that an account folder can be made from"
    } else {
        "(use --create-accounts to create it)"
    };
    for u in &report.unmatched {
        writeln!(
            out,
            "{}:{}: unmatched: `{}` matches no account {hint}",
            u.file,
            u.line,
            excerpt(&u.account)
        )?;
    }
    for c in &report.conflicts {
        writeln!(out, "{}: conflict: {}", c.path, c.reason)?;
    }
    let verb = |action: &str| match (action, report.dry_run) {
        ("create", false) => "created",
        ("create", true) => "would create",
        (_, false) => "updated",
        (_, true) => "would update",
    };
    for change in &report.changes {
        writeln!(out, "{} {}", verb(change.action), change.path)?;
        for detail in &change.details {
            writeln!(out, "  {detail}")?;
        }
        if let Some(diff) = &change.diff {
            write!(out, "{diff}")?;
        }
    }
    writeln!(out, "{}", report.summary_line())
}
