//! `dex init`, `dex new-account`, `dex qbr`, `dex save-plan`, `dex escalation`,
//! `dex portfolio` and `dex accounts`: the account model and note generators on the command
//! line. Notes are printed, or written with `--write`, never over an existing file.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use serde::Serialize;

use super::Format;
use crate::ide::DiskText;
use crate::ide::account::{HealthKey, account_report};
use crate::ide::generate::{self, NewNote, TemplateKind, notes::Request, portfolio};
use crate::vault::config::{CONFIG_FILE, TODAY_ENV, resolve_today};
use crate::vault::{Config, Vault};

/// Options shared by the commands that read a vault.
#[derive(Debug, clap::Args)]
pub struct VaultArgs {
    /// The vault folder.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub vault: PathBuf,
    /// Treat this date as today (YYYY-MM-DD); overrides `DEX_TODAY` and the configuration.
    #[arg(long, value_name = "DATE", value_parser = super::parse_date_arg)]
    pub today: Option<NaiveDate>,
}

/// Options of `dex qbr`, `dex save-plan` and `dex escalation`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Account name (folder name, display name or alias).
    pub account: String,
    /// Write the note into the vault instead of printing it.
    #[arg(long)]
    pub write: bool,
    /// The vault and the date.
    #[command(flatten)]
    pub vault: VaultArgs,
}

/// Options of `dex escalation`.
#[derive(Debug, clap::Args)]
pub struct EscalationArgs {
    /// The account and where to write.
    #[command(flatten)]
    pub generate: GenerateArgs,
    /// The issue, in a few sentences; defaults to the account's open risk signals.
    #[arg(long, value_name = "TEXT")]
    pub issue: Option<String>,
    /// Write the internal leadership draft in Slack's mrkdwn.
    #[arg(long)]
    pub slack: bool,
}

/// Options of `dex new-account`.
#[derive(Debug, clap::Args)]
pub struct NewAccountArgs {
    /// Account name, such as "Acme Corp".
    pub name: String,
    /// Write the pages into the vault instead of printing them.
    #[arg(long)]
    pub write: bool,
    /// The vault and the date.
    #[command(flatten)]
    pub vault: VaultArgs,
}

/// Options of `dex portfolio` and `dex accounts`.
#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    /// The vault folder.
    #[arg(default_value = ".", value_name = "VAULT")]
    pub vault: PathBuf,
    /// Treat this date as today (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = super::parse_date_arg)]
    pub today: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Save the review as a note in the vault (portfolio only).
    #[arg(long)]
    pub write: bool,
}

/// Options of `dex init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Folder to lay out as a vault; created when missing.
    #[arg(default_value = ".", value_name = "DIR")]
    pub dir: PathBuf,
}

/// Folders `dex init` creates.
const LAYOUT: &[&str] = &[
    "Active/Accounts",
    "Active/Portfolio/At_Risk",
    "Active/Portfolio/Healthy",
    "Active/Portfolio/Growth",
    "Active/Relationships/Champions",
    "Active/Relationships/Sales",
    "Active/Relationships/Product",
    "Active/Relationships/Support",
    "Active/Content/Playbooks",
    "Active/Content/Case_Studies",
    "Inbox/Meetings",
    "Inbox/Escalations",
    "Inbox/Ideas",
    "Resources/Templates",
    "Resources/Best_Practices",
    "Resources/Learnings",
    "System/Templates",
];

const CONFIG_TEMPLATE: &str = "# Dex settings for this vault; every key is optional.
# today = \"2026-03-15\"        # fixed date for reproducible output
# timezone = \"Europe/Berlin\"  # zone for computing today

[folders]
accounts = \"Active/Accounts\"

[health.bands]
red = 50
yellow = 75

[renewal]
windows = [120, 90, 60, 30]
";

fn fail(command: &str, message: &str) -> ExitCode {
    super::fail_as(command, message, Format::Text)
}

fn stdout(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}

/// Opens a vault and resolves today, as every command here does.
fn open(path: &Path, today: Option<NaiveDate>) -> Result<(Vault, NaiveDate), String> {
    let root = path
        .canonicalize()
        .map_err(|err| format!("cannot open vault folder `{}`: {err}", path.display()))?;
    if !root.is_dir() {
        return Err(format!("`{}` is not a folder", path.display()));
    }
    let (config, error) = Config::load(&root);
    if let Some(err) = error {
        return Err(format!("invalid configuration: {err}"));
    }
    let env = std::env::var(TODAY_ENV).ok();
    let today = resolve_today(today, env.as_deref(), &config)?;
    let (vault, _) = super::check::index(&root, config);
    Ok((vault, today))
}

/// Writes new notes, never over an existing file; returns the lines to print.
fn write_notes(root: &Path, notes: &[NewNote]) -> Result<Vec<String>, String> {
    let mut created = Vec::new();
    for note in notes {
        let mut path = root.to_path_buf();
        path.extend(note.path.split('/'));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| format!("cannot create folder `{}`: {err}", parent.display()))?;
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path);
        let mut file = file.map_err(|err| {
            if err.kind() == std::io::ErrorKind::AlreadyExists {
                format!("`{}` exists already; nothing was overwritten", note.path)
            } else {
                format!("cannot create `{}`: {err}", note.path)
            }
        })?;
        file.write_all(note.text.as_bytes())
            .map_err(|err| format!("cannot write `{}`: {err}", note.path))?;
        created.push(format!("created {}", note.path));
    }
    Ok(created)
}

fn emit(command: &str, root: &Path, notes: &[NewNote], write: bool) -> ExitCode {
    if !write {
        let text: Vec<String> = notes
            .iter()
            .map(|n| {
                if notes.len() > 1 {
                    format!("<!-- {} -->\n{}", n.path, n.text)
                } else {
                    n.text.clone()
                }
            })
            .collect();
        return stdout(&text.join("\n"));
    }
    match write_notes(root, notes) {
        Ok(lines) => stdout(&(lines.join("\n") + "\n")),
        Err(message) => fail(command, &message),
    }
}

/// `dex qbr`, `dex save-plan`: build the note for an account, print or write it.
pub fn run_generate(command: &str, args: &GenerateArgs) -> ExitCode {
    let (vault, today) = match open(&args.vault.vault, args.vault.today) {
        Ok(opened) => opened,
        Err(message) => return fail(command, &message),
    };
    let request = Request {
        vault: &vault,
        root: &vault.root,
        today,
        texts: &DiskText,
    };
    let note = match command {
        "qbr" => generate::qbr(&request, &args.account),
        _ => generate::save_plan(&request, &args.account),
    };
    match note {
        Ok(note) => emit(command, &vault.root, &[note], args.write),
        Err(err) => fail(command, &err.to_string()),
    }
}

/// `dex escalation`.
pub fn run_escalation(args: &EscalationArgs) -> ExitCode {
    let (vault, today) = match open(&args.generate.vault.vault, args.generate.vault.today) {
        Ok(opened) => opened,
        Err(message) => return fail("escalation", &message),
    };
    let request = Request {
        vault: &vault,
        root: &vault.root,
        today,
        texts: &DiskText,
    };
    match generate::escalation_brief(
        &request,
        &args.generate.account,
        args.issue.as_deref(),
        args.slack,
    ) {
        Ok(note) => emit("escalation", &vault.root, &[note], args.generate.write),
        Err(err) => fail("escalation", &err.to_string()),
    }
}

/// `dex new-account`.
pub fn run_new_account(args: &NewAccountArgs) -> ExitCode {
    let (vault, today) = match open(&args.vault.vault, args.vault.today) {
        Ok(opened) => opened,
        Err(message) => return fail("new-account", &message),
    };
    let request = Request {
        vault: &vault,
        root: &vault.root,
        today,
        texts: &DiskText,
    };
    match generate::new_account(&request, &args.name) {
        Ok(notes) => emit("new-account", &vault.root, &notes, args.write),
        Err(err) => fail("new-account", &err.to_string()),
    }
}

/// `dex portfolio`.
pub fn run_portfolio(args: &ReviewArgs) -> ExitCode {
    let (vault, today) = match open(&args.vault, args.today) {
        Ok(opened) => opened,
        Err(message) => return super::fail_as("portfolio", &message, args.format),
    };
    let review = portfolio::portfolio(&vault, today, &DiskText);
    if args.format == Format::Json {
        return super::print_json(&serde_json::to_value(&review).unwrap_or_default());
    }
    let text = portfolio::render(&review, &vault.config.renewal_windows);
    if !args.write {
        return stdout(&text);
    }
    let stem = format!("{today} - Portfolio review");
    let path = generate::unique_path(&vault, &vault.root, "Active/Portfolio", &stem);
    emit("portfolio", &vault.root, &[NewNote { path, text }], true)
}

#[derive(Serialize)]
struct AccountRow {
    name: String,
    score: Option<u32>,
    band: &'static str,
    renewal: Option<NaiveDate>,
    renewal_days: Option<i64>,
    open_commitments: usize,
    overdue_commitments: usize,
    open_risks: usize,
    nps: Option<f64>,
}

/// `dex accounts`: one line per account with score, band, renewal and counts.
pub fn run_accounts(args: &ReviewArgs) -> ExitCode {
    let (vault, today) = match open(&args.vault, args.today) {
        Ok(opened) => opened,
        Err(message) => return super::fail_as("accounts", &message, args.format),
    };
    let rows: Vec<AccountRow> = vault
        .accounts()
        .map(|account| {
            let report = account_report(&vault, account, today, &DiskText);
            let mut categories: Vec<&str> =
                report.open_signals().map(|s| s.category.as_str()).collect();
            categories.sort_unstable();
            categories.dedup();
            AccountRow {
                score: report.score.as_ref().map(|s| s.value),
                band: report.score.as_ref().map_or("none", |s| s.band.as_str()),
                renewal: report.renewal.map(|r| r.date),
                renewal_days: report.renewal.map(|r| r.days),
                open_commitments: report.commitments.len(),
                overdue_commitments: report.overdue().count(),
                open_risks: categories.len(),
                nps: report
                    .current(HealthKey::Nps)
                    .and_then(|o| o.parsed.value.number()),
                name: report.name,
            }
        })
        .collect();
    if args.format == Format::Json {
        return super::print_json(&serde_json::to_value(&rows).unwrap_or_default());
    }
    let width = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut text = format!(
        "{:<width$}  score  band    renewal              open  overdue  risks\n",
        "account"
    );
    for row in &rows {
        let renewal = match (row.renewal, row.renewal_days) {
            (Some(date), Some(days)) => format!("{date} ({days:>4}d)"),
            _ => "-".to_string(),
        };
        let score = row.score.map_or("-".to_string(), |s| s.to_string());
        let _ = writeln!(
            text,
            "{:<width$}  {score:>5}  {:<6}  {renewal:<19}  {:>4}  {:>7}  {:>5}",
            row.name, row.band, row.open_commitments, row.overdue_commitments, row.open_risks
        );
    }
    stdout(&text)
}

/// `dex init`: lays out the folders, the templates and a commented `.dex.toml`; never
/// overwrites, and says what it created and what it kept.
pub fn run_init(args: &InitArgs) -> ExitCode {
    let root = &args.dir;
    if root.exists() && !root.is_dir() {
        return fail(
            "init",
            &format!(
                "`{}` is not a folder; give a new or existing folder",
                root.display()
            ),
        );
    }
    if let Err(err) = std::fs::create_dir_all(root) {
        return fail(
            "init",
            &format!("cannot create `{}`: {err}", root.display()),
        );
    }
    let mut created = Vec::new();
    let mut kept = Vec::new();
    for folder in LAYOUT {
        let path = root.join(folder);
        if path.is_dir() {
            kept.push(format!("{folder}/"));
        } else if let Err(err) = std::fs::create_dir_all(&path) {
            return fail(
                "init",
                &format!("cannot create `{}`: {err}", path.display()),
            );
        } else {
            created.push(format!("{folder}/"));
        }
    }
    let mut files: Vec<(String, String)> = TemplateKind::ALL
        .iter()
        .map(|kind| {
            (
                format!("System/Templates/{}.md", kind.file_stem()),
                kind.builtin().to_string(),
            )
        })
        .collect();
    files.push((CONFIG_FILE.to_string(), CONFIG_TEMPLATE.to_string()));
    for (relative, text) in files {
        let path = root.join(&relative);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => match file.write_all(text.as_bytes()) {
                Ok(()) => created.push(relative),
                Err(err) => return fail("init", &format!("cannot write `{relative}`: {err}")),
            },
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => kept.push(relative),
            Err(err) => return fail("init", &format!("cannot create `{relative}`: {err}")),
        }
    }
    let mut report = String::new();
    for line in &created {
        let _ = writeln!(report, "created {line}");
    }
    for line in &kept {
        let _ = writeln!(report, "kept    {line}");
    }
    let _ = writeln!(
        report,
        "{} created, {} kept as they were",
        created.len(),
        kept.len()
    );
    stdout(&report)
}
