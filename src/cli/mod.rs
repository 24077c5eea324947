//! The command line: argument parsing and the `check` command. `dex lsp` hands over to the
//! server module.

pub mod check;
pub mod import;
pub mod notes;

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

/// Dex: account-aware editing for Customer Success Markdown vaults.
#[derive(Debug, Parser)]
#[command(name = "dex", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Write logs to this file instead of standard error.
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Dex's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the language server over standard input and output.
    Lsp(LspArgs),
    /// Report overdue commitments, broken links and other findings for every note in a vault.
    Check(CheckArgs),
    /// Lay out a new vault: folders, note templates and a commented .dex.toml.
    Init(notes::InitArgs),
    /// Create the four pages of a new account from the templates.
    NewAccount(notes::NewAccountArgs),
    /// Compile a QBR note for an account.
    Qbr(notes::GenerateArgs),
    /// Compile a save plan for an at-risk account.
    SavePlan(notes::GenerateArgs),
    /// Draft an escalation brief for an account.
    Escalation(notes::EscalationArgs),
    /// Review the whole book: accounts by band, renewals, overdue commitments, risks, expansion.
    Portfolio(notes::ReviewArgs),
    /// List accounts with health score, band, renewal and counts.
    Accounts(notes::ReviewArgs),
    /// Print the editor settings the server reads, as a JSON schema object.
    SettingsSchema,
    /// Import CRM, support, usage, calendar or chat exports into the account pages.
    Import(import::ImportArgs),
}

/// Options of `dex lsp`.
#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Talk over standard input and output (the default and only transport; accepted because
    /// editor clients pass it).
    #[arg(long)]
    pub stdio: bool,
    /// Treat this date as today (YYYY-MM-DD); overrides `DEX_TODAY` and the configuration.
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub today: Option<NaiveDate>,
}

/// Output format of `dex check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One finding a line (`path:line:col: severity: message [code]` for `check`, `file:line:
    /// level: field: message` for `import`), then a summary.
    Text,
    /// One JSON document with every finding and the summary.
    Json,
}

/// Reports an error that stops `command` on standard error. With `--format json` it also prints
/// `{"error": {"command": ..., "message": ...}}` on standard output, for a script that reads the
/// JSON. Returns exit status 2.
#[allow(
    clippy::print_stderr,
    reason = "the command line reports its errors on standard error"
)]
fn fail_as(command: &str, message: &str, format: Format) -> std::process::ExitCode {
    eprintln!("dex {command}: {message}");
    if format == Format::Json {
        let error = serde_json::json!({ "error": { "command": command, "message": message } });
        let mut out = std::io::stdout().lock();
        // A closed standard output changes nothing here: the exit status reports the failure.
        let _ = serde_json::to_writer_pretty(&mut out, &error)
            .map_err(std::io::Error::from)
            .and_then(|()| std::io::Write::write_all(&mut out, b"\n"));
    }
    std::process::ExitCode::from(2)
}

/// Reports a command line that cannot be parsed as clap does, and exits with its status. With
/// `--format json` among the arguments, the error is also printed as JSON on standard output, as
/// [`fail_as`] prints it, so a script that reads the JSON gets the reason the command did not run.
pub fn usage_error(err: &clap::Error) -> std::process::ExitCode {
    use clap::error::ErrorKind;
    let informational = matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if informational {
        // Help and the version go to standard output. A closed one changes nothing.
        let _ = err.print();
        return std::process::ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2));
    }

    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args
        .windows(2)
        .any(|pair| pair[0] == "--format" && pair[1] == "json")
        || args.iter().any(|arg| arg == "--format=json");
    if !json {
        let _ = err.print();
        return std::process::ExitCode::from(2);
    }

    // The message is what clap prints before its usage line, on one line: a missing argument
    // is named on the lines after the first, and a wrong value's valid ones after a tip.
    let rendered = err.render().to_string();
    let message: Vec<&str> = rendered
        .lines()
        .take_while(|line| !line.starts_with("Usage:") && !line.starts_with("For more information"))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let message = message.join(" ");
    let message = message.trim_start_matches("error: ");

    let command = args
        .first()
        .filter(|arg| !arg.starts_with('-'))
        .map_or("dex", String::as_str);
    fail_as(command, message, Format::Json)
}

/// Options of `dex check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The vault folder.
    #[arg(default_value = ".", value_name = "VAULT")]
    pub vault: PathBuf,
    /// Treat this date as today (YYYY-MM-DD); overrides `DEX_TODAY` and the configuration.
    #[arg(long, value_name = "DATE", value_parser = parse_date_arg)]
    pub today: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

fn parse_date_arg(value: &str) -> Result<NaiveDate, String> {
    crate::vault::config::parse_date(value)
}

/// Prints a JSON value to standard output, pretty, with a final newline.
pub fn print_json(value: &serde_json::Value) -> std::process::ExitCode {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::other)
        .and_then(|()| writeln!(out));
    match written {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(_) => std::process::ExitCode::from(2),
    }
}
