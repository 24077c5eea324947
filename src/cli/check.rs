//! `dex check`: the server's diagnostics for every note of a vault, compiler style.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use super::{CheckArgs, Format};
use crate::ide::DiskText;
use crate::ide::diagnostics::diagnostics;
use crate::text::PositionEncoding;
use crate::vault::config::{TODAY_ENV, resolve_today};
use crate::vault::discover::{self, ScanItem, Skipped};
use crate::vault::{Config, Severity, Vault};

/// One finding, as printed.
#[derive(Debug, Serialize)]
struct Finding {
    path: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    severity: &'static str,
    code: &'static str,
    message: String,
}

#[derive(Debug, Default, Serialize)]
struct Summary {
    notes: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    hints: usize,
    skipped: usize,
}

#[derive(Serialize)]
struct SkippedFile {
    path: String,
    reason: String,
}

#[derive(Serialize)]
struct Report<'a> {
    today: String,
    findings: &'a [Finding],
    skipped: &'a [SkippedFile],
    summary: &'a Summary,
}

/// Runs `dex check`; exit status 0 when clean, 1 with findings, 2 on a usage or I/O error.
pub fn run(args: &CheckArgs) -> ExitCode {
    match check(args) {
        Ok(clean) => ExitCode::from(u8::from(!clean)),
        Err(message) => super::fail_as("check", &message, args.format),
    }
}

fn check(args: &CheckArgs) -> Result<bool, String> {
    let root = args
        .vault
        .canonicalize()
        .map_err(|err| format!("cannot open vault folder `{}`: {err}", args.vault.display()))?;
    if !root.is_dir() {
        return Err(format!("`{}` is not a folder", args.vault.display()));
    }
    let (config, config_error) = Config::load(&root);
    if let Some(err) = config_error {
        return Err(format!("invalid configuration: {err}"));
    }
    let env = std::env::var(TODAY_ENV).ok();
    let today = resolve_today(args.today, env.as_deref(), &config)?;

    let (vault, skipped) = index(&root, config);
    let ids: Vec<_> = vault.notes().map(|(id, _)| id).collect();
    let mut findings: Vec<Finding> = ids
        .par_iter()
        .flat_map_iter(|&id| {
            let note = vault.note(id).expect("ids come from the vault");
            let index = &note.summary.line_index;
            diagnostics(&vault, id, today, &DiskText)
                .into_iter()
                .map(move |d| {
                    let start = index.line_col(d.range.start, PositionEncoding::Utf32);
                    let end = index.line_col(d.range.end, PositionEncoding::Utf32);
                    Finding {
                        path: note.path.clone(),
                        line: start.line + 1,
                        column: start.col + 1,
                        end_line: end.line + 1,
                        end_column: end.col + 1,
                        severity: d.severity.as_str(),
                        code: d.code,
                        message: d.message,
                    }
                })
        })
        .collect();
    findings.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.code).cmp(&(&b.path, b.line, b.column, b.code))
    });

    let mut skipped: Vec<SkippedFile> = skipped
        .into_iter()
        .map(|s| SkippedFile {
            path: display_path(&root, &s.path),
            reason: s.reason.to_string(),
        })
        .collect();
    skipped.sort_by(|a, b| a.path.cmp(&b.path));

    let mut summary = Summary {
        notes: vault.len(),
        skipped: skipped.len(),
        ..Summary::default()
    };
    for finding in &findings {
        match Severity::parse(finding.severity) {
            Some(Severity::Error) => summary.errors += 1,
            Some(Severity::Warning) => summary.warnings += 1,
            Some(Severity::Information) => summary.infos += 1,
            _ => summary.hints += 1,
        }
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        Format::Text => print_text(&mut out, &findings, &skipped, &summary),
        Format::Json => {
            let report = Report {
                today: today.to_string(),
                findings: &findings,
                skipped: &skipped,
                summary: &summary,
            };
            serde_json::to_writer_pretty(&mut out, &report)
                .map_err(std::io::Error::other)
                .and_then(|()| writeln!(out))
        }
    };
    written.map_err(|err| format!("cannot write the report: {err}"))?;
    Ok(findings.is_empty() && skipped.is_empty())
}

fn print_text(
    out: &mut impl Write,
    findings: &[Finding],
    skipped: &[SkippedFile],
    summary: &Summary,
) -> std::io::Result<()> {
    for f in findings {
        writeln!(
            out,
            "{}:{}:{}: {}: {} [{}]",
            f.path, f.line, f.column, f.severity, f.message, f.code
        )?;
    }
    for s in skipped {
        writeln!(
            out,
            "{}: warning: skipped: {} [skipped-file]",
            s.path, s.reason
        )?;
    }
    let total = findings.len() + skipped.len();
    if total == 0 {
        writeln!(
            out,
            "checked {}: no findings",
            crate::ide::plural(summary.notes, "note")
        )
    } else {
        writeln!(
            out,
            "checked {}: {}, {}, {}, {}, {}",
            crate::ide::plural(summary.notes, "note"),
            crate::ide::plural(summary.errors, "error"),
            crate::ide::plural(summary.warnings, "warning"),
            crate::ide::plural(summary.infos, "info"),
            crate::ide::plural(summary.hints, "hint"),
            crate::ide::plural(summary.skipped, "skipped file"),
        )
    }
}

/// Scans the vault, showing progress on standard error when it is a terminal.
#[allow(
    clippy::print_stderr,
    reason = "progress goes to the terminal, not to the report"
)]
pub(crate) fn index(root: &Path, config: Config) -> (Vault, Vec<Skipped>) {
    let mut vault = Vault::new(root.to_path_buf(), config);
    let config = vault.config.clone();
    let mut skipped = Vec::new();
    let show_progress = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut last_report = started;
    discover::scan(root, &config, None, |item| {
        match item {
            ScanItem::Note(note) => {
                vault.insert(note);
            }
            ScanItem::Attachment(path) => {
                vault.add_attachment(&path);
            }
            ScanItem::Skipped(skip) => {
                let relative = discover::relative(root, &skip.path);
                vault.note_skipped(&relative, skip.reason.to_string());
                skipped.push(skip);
            }
        }
        if show_progress && last_report.elapsed() > Duration::from_millis(100) {
            last_report = Instant::now();
            eprint!("\rindexing: {} notes", vault.len());
        }
    });
    if show_progress && started.elapsed() > Duration::from_millis(100) {
        eprintln!(
            "\rindexed {} notes in {:.1} s",
            vault.len(),
            started.elapsed().as_secs_f64()
        );
    }
    (vault, skipped)
}

fn display_path(root: &Path, path: &Path) -> String {
    let relative = discover::relative(root, path);
    if relative.is_empty() {
        path.display().to_string()
    } else {
        relative
    }
}
