//! Benchmark of `dex import` on large generated exports: Salesforce and Gainsight exports of
//! 10k accounts, 1M Zendesk tickets, 300k Pendo visitors and 10M Amplitude events (made by
//! `scripts/gen_exports.py`).
//!
//! Run with `cargo bench --bench import_bench -- [--dir DIR] [--runs N] [--accounts N]
//! [--tickets N] [--events N] [--visitors N] [--only SOURCE]`. Each measurement runs in a child process (this
//! binary re-run with `--child`), so its peak resident set size (`VmHWM`) is its own. Each child
//! measures wall time and the CPU time of its process (`CLOCK_PROCESS_CPUTIME_ID`), which counts
//! every thread. Four things are timed per source:
//!
//! - the baseline: reading the same files with the `csv` crate (every record, no decoding), or
//!   for Amplitude gunzipping every member and parsing each JSON line with `serde_json` into
//!   `IgnoredAny`;
//! - `dex::import::read_only`: the streaming step of the import (decoding, matching, counting),
//!   and the same on files without rows, which measures loading the vault's accounts alone;
//! - `dex::import::Import::read` after `Import::load_accounts` in the same process: the
//!   streaming step alone, timed from after the accounts are loaded until the read returns its
//!   updates (freeing them and the accounts is left out, as planning the notes consumes them);
//! - `dex::import::run`: the whole import, writing into a fresh copy of the generated vault.
//!
//! Two tables go to standard output, and progress to standard error.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark binary reports its results on standard output and its progress on standard error"
)]
#![allow(
    clippy::cast_precision_loss,
    reason = "times and byte counts converted to f64 for display stay far below 2^52"
)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::NaiveDate;
use dex::import::{Import, Options, Source};

/// The allocator of the `dex` binary, so that the import's allocations cost what they cost in
/// `dex import`.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage: cargo bench --bench import_bench -- [options]
  --dir DIR        where the exports are generated (default target/bench-exports)
  --runs N         runs per measurement; the median is reported (default 3)
  --accounts N     accounts in the vault and the Salesforce export (default 10000)
  --tickets N      Zendesk tickets (default 1000000)
  --events N       Amplitude events (default 10000000)
  --visitors N     Pendo visitors (default 300000)
  --only SOURCE    salesforce, gainsight, zendesk, pendo or amplitude";

/// One child measurement.
#[derive(Clone, Copy, Debug, Default)]
struct Sample {
    /// Wall time of the measured work.
    seconds: f64,
    /// CPU time of the child process, all threads, over the same work.
    cpu_seconds: f64,
    peak_kib: u64,
    rows: u64,
}

struct Settings {
    dir: PathBuf,
    runs: usize,
    accounts: u64,
    tickets: u64,
    events: u64,
    visitors: u64,
    only: Option<String>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..]);
        return;
    }
    let settings = match parse_settings(&args) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("import_bench: {message}\n{USAGE}");
            std::process::exit(2);
        }
    };
    generate(&settings);
    let dir = &settings.dir;
    let cases: [(&str, Vec<PathBuf>, &str); 5] = [
        (
            "salesforce",
            vec![
                dir.join("salesforce/accounts.csv"),
                dir.join("salesforce/opportunities.csv"),
            ],
            "csv",
        ),
        (
            "gainsight",
            vec![dir.join("gainsight/companies.csv")],
            "csv",
        ),
        ("zendesk", vec![dir.join("zendesk/tickets.csv")], "csv"),
        ("pendo", vec![dir.join("pendo/visitors.csv")], "csv"),
        ("amplitude", vec![dir.join("amplitude/export.zip")], "json"),
    ];
    println!(
        "| Source | Rows | Baseline | Read | Vault load | Read / baseline | (Read - load) / baseline | Full import | Peak RSS read | Peak RSS full |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut loaded_rows = Vec::new();
    for (source, files, baseline) in cases {
        if settings.only.as_deref().is_some_and(|only| only != source) {
            continue;
        }
        eprintln!("measuring {source}");
        let base = median(&settings, &["baseline", baseline], &files, None);
        let read = median(
            &settings,
            &["read", source],
            &files,
            Some(&dir.join("vault")),
        );
        let empty = empty_exports(&files);
        let load = median(
            &settings,
            &["read", source],
            &empty,
            Some(&dir.join("vault")),
        );
        let streaming = (read.seconds - load.seconds).max(0.0);
        let loaded = median(
            &settings,
            &["loaded", source],
            &files,
            Some(&dir.join("vault")),
        );
        let full = median_full(&settings, source, &files);
        println!(
            "| {source} | {} | {:.3} s | {:.3} s | {:.3} s | {:.2}x | {:.2}x | {:.2} s | {:.0} MB | {:.0} MB |",
            read.rows,
            base.seconds,
            read.seconds,
            load.seconds,
            read.seconds / base.seconds,
            streaming / base.seconds,
            full.seconds,
            read.peak_kib as f64 / 1024.0,
            full.peak_kib as f64 / 1024.0,
        );
        loaded_rows.push(format!(
            "| {source} | {:.3} s | {:.3} s | {:.3} s | {:.3} s | {:.2}x | {:.2}x |",
            base.seconds,
            base.cpu_seconds,
            loaded.seconds,
            loaded.cpu_seconds,
            loaded.seconds / base.seconds,
            loaded.cpu_seconds / base.cpu_seconds,
        ));
    }
    println!();
    println!(
        "| Source | Baseline | Baseline CPU | Read, accounts loaded | Its CPU | Loaded read / baseline | Loaded read CPU / baseline CPU |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for row in loaded_rows {
        println!("{row}");
    }
}

/// Writes export files with no rows (CSV header lines, an empty JSON-lines file) next to
/// `files`, so a read of them measures only loading the vault's accounts. A file that already
/// has the content is left alone, so that a benchmark running alongside can read it meanwhile.
fn empty_exports(files: &[PathBuf]) -> Vec<PathBuf> {
    files
        .iter()
        .map(|file| {
            let is_csv = file.extension().is_some_and(|e| e == "csv");
            let empty = file.with_extension(if is_csv { "header.csv" } else { "empty.jsonl" });
            let content = if is_csv {
                let text = std::fs::File::open(file).expect("open export");
                let mut header = String::new();
                BufReader::new(text)
                    .read_line(&mut header)
                    .expect("read header");
                header
            } else {
                String::new()
            };
            if std::fs::read_to_string(&empty).ok() != Some(content.clone()) {
                std::fs::write(&empty, content).expect("write empty export");
            }
            empty
        })
        .collect()
}

fn parse_settings(args: &[String]) -> Result<Settings, String> {
    let mut settings = Settings {
        dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-exports"),
        runs: 3,
        accounts: 10_000,
        tickets: 1_000_000,
        events: 10_000_000,
        visitors: 300_000,
        only: None,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = || {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value"))
        };
        let number = |text: String| {
            text.parse::<u64>()
                .map_err(|_| format!("invalid number `{text}` for {arg}"))
        };
        match arg.as_str() {
            "--bench" => {}
            "--dir" => settings.dir = PathBuf::from(value()?),
            "--runs" => settings.runs = usize::try_from(number(value()?)?.max(1)).unwrap_or(1),
            "--accounts" => settings.accounts = number(value()?)?,
            "--tickets" => settings.tickets = number(value()?)?,
            "--events" => settings.events = number(value()?)?,
            "--visitors" => settings.visitors = number(value()?)?,
            "--only" => settings.only = Some(value()?),
            "--help" | "-h" => return Err("help".to_string()),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    Ok(settings)
}

/// Runs `scripts/gen_exports.py` unless the directory already has exports of these sizes.
fn generate(settings: &Settings) {
    let manifest = settings.dir.join("manifest.json");
    let wanted = format!(
        "\"accounts\": {}, \"tickets\": {}, \"events\": {}, \"visitors\": {}",
        settings.accounts, settings.tickets, settings.events, settings.visitors
    );
    if std::fs::read_to_string(&manifest).is_ok_and(|text| text.contains(&wanted)) {
        return;
    }
    let _ = std::fs::remove_dir_all(&settings.dir);
    eprintln!("generating exports into {}", settings.dir.display());
    let started = Instant::now();
    let status = Command::new("python3")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/gen_exports.py"))
        .arg("--out")
        .arg(&settings.dir)
        .args(["--accounts", &settings.accounts.to_string()])
        .args(["--tickets", &settings.tickets.to_string()])
        .args(["--events", &settings.events.to_string()])
        .args(["--visitors", &settings.visitors.to_string()])
        .status()
        .expect("run python3 scripts/gen_exports.py");
    assert!(status.success(), "gen_exports.py failed: {status}");
    eprintln!("generated in {:.0} s", started.elapsed().as_secs_f64());
}

/// Runs `mode` in `runs` children and returns the medians of wall and CPU time; peak RSS is the
/// highest seen.
fn median(settings: &Settings, mode: &[&str], files: &[PathBuf], vault: Option<&Path>) -> Sample {
    let mut samples: Vec<Sample> = (0..settings.runs)
        .map(|_| run_child(mode, files, vault))
        .collect();
    summarize(&mut samples)
}

/// Runs full imports, each into a fresh copy of the generated vault, and returns the median.
/// The copy is named after this process, so that two benchmarks can share the exports.
fn median_full(settings: &Settings, source: &str, files: &[PathBuf]) -> Sample {
    let mut samples = Vec::new();
    let copy = settings
        .dir
        .join(format!("run-vault-{}", std::process::id()));
    for _ in 0..settings.runs {
        let _ = std::fs::remove_dir_all(&copy);
        copy_dir(&settings.dir.join("vault"), &copy);
        samples.push(run_child(&["full", source], files, Some(&copy)));
    }
    let _ = std::fs::remove_dir_all(&copy);
    summarize(&mut samples)
}

fn summarize(samples: &mut [Sample]) -> Sample {
    samples.sort_by(|a, b| a.cpu_seconds.total_cmp(&b.cpu_seconds));
    let cpu_seconds = samples[samples.len() / 2].cpu_seconds;
    samples.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    let mut middle = samples[samples.len() / 2];
    middle.cpu_seconds = cpu_seconds;
    middle.peak_kib = samples.iter().map(|s| s.peak_kib).max().unwrap_or(0);
    middle
}

fn run_child(mode: &[&str], files: &[PathBuf], vault: Option<&Path>) -> Sample {
    let exe = std::env::current_exe().expect("current exe");
    let mut command = Command::new(exe);
    command.arg("--child").args(mode);
    if let Some(vault) = vault {
        command.arg("--vault").arg(vault);
    }
    command.args(files);
    let output = command.output().expect("run child");
    assert!(
        output.status.success(),
        "child {mode:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let mut fields = text.split_whitespace();
    let mut next = || fields.next().unwrap_or("0").to_string();
    Sample {
        seconds: next().parse().unwrap_or(0.0),
        cpu_seconds: next().parse().unwrap_or(0.0),
        peak_kib: next().parse().unwrap_or(0),
        rows: next().parse().unwrap_or(0),
    }
}

/// Child mode: `--child MODE KIND [--vault DIR] FILES...`, where MODE is `baseline`, `read`,
/// `loaded` or `full`; prints `seconds cpu_seconds peak_kib rows`.
fn child(args: &[String]) {
    let (mode, kind) = (args[0].as_str(), args[1].as_str());
    let mut vault = None;
    let mut files = Vec::new();
    let mut rest = args[2..].iter();
    while let Some(arg) = rest.next() {
        if arg == "--vault" {
            vault = rest.next().map(PathBuf::from);
        } else {
            files.push(PathBuf::from(arg));
        }
    }
    let options = |source: &str| Options {
        vault: vault.clone().expect("--vault"),
        source: Source::from_slug(source).expect("known source"),
        files: files.clone(),
        dry_run: false,
        create_accounts: false,
        force: false,
        today: NaiveDate::from_ymd_opt(2026, 3, 15).expect("valid date"),
    };
    let (seconds, cpu_seconds, rows) = match (mode, kind) {
        ("baseline", "csv") => timed(|| files.iter().map(|f| read_csv(f)).sum()),
        ("baseline", _) => timed(|| files.iter().map(|f| read_json_lines(f)).sum()),
        ("read", source) => timed(|| {
            dex::import::read_only(&options(source))
                .expect("import")
                .rows_read
        }),
        ("loaded", source) => {
            let mut import = Import::open(&options(source)).expect("open import");
            import.load_accounts();
            // The updates and accounts that the read returns are freed after the timer stops.
            let (seconds, cpu_seconds, output) = timed(|| import.read().expect("import"));
            (seconds, cpu_seconds, output.counts.rows_read)
        }
        ("full", source) => timed(|| {
            dex::import::run(&options(source))
                .expect("import")
                .summary
                .rows_read
        }),
        _ => panic!("unknown child mode `{mode}`"),
    };
    println!("{seconds} {cpu_seconds} {} {rows}", peak_kib());
}

/// Runs `work` and returns its wall time and the process's CPU time in seconds, and its result.
fn timed<T>(work: impl FnOnce() -> T) -> (f64, f64, T) {
    let cpu_started = process_cpu_seconds();
    let started = Instant::now();
    let rows = work();
    let seconds = started.elapsed().as_secs_f64();
    (seconds, process_cpu_seconds() - cpu_started, rows)
}

/// Returns the CPU time that every thread of this process has used, in seconds.
fn process_cpu_seconds() -> f64 {
    let time = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    time.tv_sec as f64 + time.tv_nsec as f64 / 1e9
}

fn read_csv(path: &Path) -> u64 {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .expect("open CSV");
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    while reader.read_byte_record(&mut record).expect("read CSV") {
        rows += 1;
    }
    rows
}

fn read_json_lines(path: &Path) -> u64 {
    let file = std::fs::File::open(path).expect("open zip");
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).expect("read zip");
    let mut rows = 0;
    for index in 0..archive.len() {
        let member = archive.by_index(index).expect("zip member");
        let decoder = flate2::read::MultiGzDecoder::new(member);
        let mut lines = BufReader::with_capacity(256 * 1024, decoder);
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).expect("gunzip") == 0 {
                break;
            }
            let _: serde::de::IgnoredAny = serde_json::from_str(&line).expect("JSON line");
            rows += 1;
        }
    }
    rows
}

fn peak_kib() -> u64 {
    let mut status = String::new();
    std::fs::File::open("/proc/self/status")
        .and_then(|mut f| f.read_to_string(&mut status))
        .expect("read /proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy file");
        }
    }
}
