//! The `dex` binary: a language server and command-line checker for Customer Success vaults.

use std::process::ExitCode;

use clap::Parser as _;
use dex::cli;
use tracing_subscriber::EnvFilter;

/// mimalloc keeps the many small allocations of a large vault's summaries compact and fast
/// across the scanner's threads, where the system allocator's per-thread arenas grow. It is built
/// without transparent huge pages (`no_thp`): with them, a page of 2 MiB counts in full towards
/// the server's memory as soon as one byte of it is touched.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Environment variable with an `EnvFilter` directive for the logs, such as `dex=debug`.
const LOG_ENV: &str = "DEX_LOG";

#[allow(
    clippy::print_stderr,
    reason = "the command line reports its errors on standard error"
)]
fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return cli::usage_error(&err),
    };
    if let Err(message) = init_logging(cli.log_file.as_deref()) {
        eprintln!("dex: {message}");
        return ExitCode::from(2);
    }
    match &cli.command {
        cli::Command::Check(args) => cli::check::run(args),
        cli::Command::Import(args) => cli::import::run(args),
        cli::Command::Lsp(args) => dex::server::run(args.today),
        cli::Command::Init(args) => cli::notes::run_init(args),
        cli::Command::NewAccount(args) => cli::notes::run_new_account(args),
        cli::Command::Qbr(args) => cli::notes::run_generate("qbr", args),
        cli::Command::SavePlan(args) => cli::notes::run_generate("save-plan", args),
        cli::Command::Escalation(args) => cli::notes::run_escalation(args),
        cli::Command::Portfolio(args) => cli::notes::run_portfolio(args),
        cli::Command::Accounts(args) => cli::notes::run_accounts(args),
        cli::Command::SettingsSchema => cli::print_json(&dex::server::config::settings_schema()),
    }
}

/// Logs go to standard error (standard output carries the protocol) or to `--log-file`.
fn init_logging(log_file: Option<&std::path::Path>) -> Result<(), String> {
    let filter =
        EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new("dex=info,warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_target(false);
    match log_file {
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|err| format!("cannot open log file `{}`: {err}", path.display()))?;
            builder.with_writer(std::sync::Mutex::new(file)).init();
        }
        None => builder.with_writer(std::io::stderr).init(),
    }
    Ok(())
}
