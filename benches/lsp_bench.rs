//! End-to-end benchmark of indexing, `[[` completion, keystroke-to-diagnostics latency and memory,
//! on vaults made by `scripts/genvault.py`.
//!
//! Run with `cargo bench --bench lsp_bench -- [--accounts N]... [--runs N]`. Vaults are generated
//! into `target/bench-vaults/accounts-N` when missing. The latency and memory figures come from
//! the real `dex lsp` binary (built by `cargo bench` itself) driven over stdio. The table goes to
//! standard output, progress to standard error, and the server's own standard error to
//! `target/bench-vaults/dex-lsp-N.log`.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark binary reports its results on standard output and its progress on standard error"
)]
#![allow(
    clippy::cast_precision_loss,
    reason = "byte counts converted to f64 for display stay far below 2^52"
)]

#[path = "lsp_bench/client.rs"]
mod client;

use std::fs::File;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use dex::vault::discover::{ScanItem, scan};
use dex::vault::{Config, Vault};
use ignore::{WalkBuilder, WalkState};
use pulldown_cmark::{Options, Parser};
use serde_json::{Value, json};

use client::{LspClient, decode_uri, file_uri, position};

const USAGE: &str = "\
usage: cargo bench --bench lsp_bench -- [options]
  --accounts N      vault size in accounts; repeat for several sizes (default: 1000 and 10000)
  --runs N          timed runs per index measurement, after one warm-up run (default: 5)
  --completions N   completion requests timed on one server (default: 200)
  --edits N         due-date edits timed from didChange to publishDiagnostics (default: 100)";

/// Date the server treats as today, so overdue diagnostics do not depend on the calendar.
const TODAY: &str = "2026-03-15";
/// Text typed after `[[`, in turn, before each completion request.
const PREFIXES: [&str; 5] = ["", "a", "ja", "pri", "acm"];
/// Due dates written in turn by the edit benchmark: one overdue on `TODAY`, one in the future.
const OVERDUE_DATE: &str = "2026-03-01";
const FUTURE_DATE: &str = "2026-04-01";
/// Time allowed for indexing the largest vault through the server before the run is abandoned.
const INDEX_TIMEOUT: Duration = Duration::from_secs(300);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Returns the pulldown-cmark options that `src/syntax/markdown.rs` uses, so the baseline parses
/// the same way.
fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_MATH
        | Options::ENABLE_GFM
}

struct BenchOptions {
    accounts: Vec<usize>,
    runs: usize,
    completions: usize,
    edits: usize,
}

impl BenchOptions {
    fn from_args() -> BenchOptions {
        let mut options = BenchOptions {
            accounts: Vec::new(),
            runs: 5,
            completions: 200,
            edits: 100,
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let mut number = |name: &str| -> usize {
                let value = args.next().unwrap_or_default();
                value.parse().ok().filter(|&n| n > 0).unwrap_or_else(|| {
                    exit_with_usage(&format!("{name} needs a positive integer, got `{value}`"))
                })
            };
            match arg.as_str() {
                // `cargo bench` passes `--bench` to every benchmark binary.
                "--bench" => {}
                "--accounts" => options.accounts.push(number("--accounts")),
                "--runs" => options.runs = number("--runs"),
                "--completions" => options.completions = number("--completions"),
                "--edits" => options.edits = number("--edits"),
                "-h" | "--help" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                other => exit_with_usage(&format!("unknown argument `{other}`")),
            }
        }
        if options.accounts.is_empty() {
            options.accounts = vec![1000, 10_000];
        }
        options
    }
}

fn exit_with_usage(message: &str) -> ! {
    eprintln!("lsp_bench: {message}\n{USAGE}");
    std::process::exit(2);
}

/// Everything measured on one vault.
#[derive(Default)]
struct VaultResults {
    accounts: usize,
    files: u64,
    bytes: u64,
    baseline: Vec<Duration>,
    /// The same work as `baseline` on one thread.
    baseline_one_thread: Vec<Duration>,
    scan_only: Vec<Duration>,
    scan_insert: Vec<Duration>,
    lsp_index: Vec<Duration>,
    /// CPU time of the server process, all threads, user and system, at the end of indexing.
    lsp_index_cpu: Vec<Duration>,
    lsp_initialize: Vec<Duration>,
    /// Milliseconds from the server's own `N notes in M ms` progress message.
    lsp_reported_ms: Vec<u64>,
    lsp_notes: u64,
    completion_cold: Duration,
    completion: Vec<Duration>,
    completion_by_prefix: Vec<(&'static str, Vec<Duration>, usize)>,
    diagnostics: Vec<Duration>,
    diagnostics_wrong: usize,
    rss_after_index_kib: u64,
    peak_rss_kib: u64,
    client_warnings: Vec<String>,
    log_path: PathBuf,
}

fn main() {
    let options = BenchOptions::from_args();
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    let server = PathBuf::from(env!("CARGO_BIN_EXE_dex"));
    let load_at_start = load_average();
    let mut all = Vec::new();
    for &accounts in &options.accounts {
        let root = ensure_vault(repository, accounts);
        let mut results = VaultResults {
            accounts,
            ..VaultResults::default()
        };
        measure_in_process(&root, &options, &mut results);
        measure_server(&server, &root, &options, &mut results);
        all.push(results);
    }
    print_table(&all);
    print_details(&all);
    println!();
    println!(
        "Load average (1, 5, 15 min) at start: {load_at_start}; at end: {}",
        load_average()
    );
}

/// Reads the 1, 5 and 15 minute load averages from `/proc/loadavg`, or returns `unknown`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".to_string(),
        |text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        },
    )
}

/// Generates the vault for `accounts` unless its manifest exists; returns its canonical path.
fn ensure_vault(repository: &Path, accounts: usize) -> PathBuf {
    let root = repository
        .join("target/bench-vaults")
        .join(format!("accounts-{accounts}"));
    if !root.join(".genvault.json").is_file() {
        eprintln!("generating {} ...", root.display());
        let status = Command::new("python3")
            .arg(repository.join("scripts/genvault.py"))
            .args(["--accounts", &accounts.to_string(), "--force", "--out"])
            .arg(&root)
            .status()
            .unwrap_or_else(|err| panic!("failed to run python3 scripts/genvault.py: {err}"));
        assert!(status.success(), "scripts/genvault.py failed with {status}");
    }
    root.canonicalize()
        .unwrap_or_else(|err| panic!("vault {} not found: {err}", root.display()))
}

/// Runs `work` once untimed, then `runs` times timed.
fn timed_runs(runs: usize, mut work: impl FnMut() -> Duration) -> Vec<Duration> {
    work();
    (0..runs).map(|_| work()).collect()
}

fn measure_in_process(root: &Path, options: &BenchOptions, results: &mut VaultResults) {
    eprintln!(
        "{} accounts: baseline walk + read + pulldown-cmark",
        results.accounts
    );
    let files = AtomicU64::new(0);
    let bytes = AtomicU64::new(0);
    results.baseline = timed_runs(options.runs, || {
        files.store(0, Ordering::Relaxed);
        bytes.store(0, Ordering::Relaxed);
        let started = Instant::now();
        walk_and_parse_markdown(root, &files, &bytes);
        started.elapsed()
    });
    results.files = files.load(Ordering::Relaxed);
    results.bytes = bytes.load(Ordering::Relaxed);
    eprintln!("{} accounts: baseline on one thread", results.accounts);
    results.baseline_one_thread = timed_runs(options.runs, || {
        let started = Instant::now();
        walk_and_parse_markdown_on_one_thread(root);
        started.elapsed()
    });

    let (config, error) = Config::load(root);
    assert!(error.is_none(), "invalid .dex.toml in the vault: {error:?}");

    eprintln!("{} accounts: scan, notes kept in a Vec", results.accounts);
    results.scan_only = timed_runs(options.runs, || {
        let mut notes = Vec::new();
        let started = Instant::now();
        scan(root, &config, None, |item| {
            if let ScanItem::Note(note) = item {
                notes.push(note);
            }
        });
        let elapsed = started.elapsed();
        assert_eq!(
            notes.len() as u64,
            results.files,
            "scan found a different number of notes"
        );
        elapsed
    });

    eprintln!("{} accounts: scan + Vault::insert", results.accounts);
    results.scan_insert = timed_runs(options.runs, || {
        let mut vault = Vault::new(root.to_path_buf(), config.clone());
        let started = Instant::now();
        scan(root, &config, None, |item| {
            if let ScanItem::Note(note) = item {
                vault.insert(note);
            }
        });
        let elapsed = started.elapsed();
        assert_eq!(
            vault.len() as u64,
            results.files,
            "the index holds a different number of notes"
        );
        elapsed
    });
}

/// Does the work of [`walk_and_parse_markdown`] with the `ignore` crate's sequential walker.
fn walk_and_parse_markdown_on_one_thread(root: &Path) {
    let options = markdown_options();
    for entry in WalkBuilder::new(root)
        .follow_links(true)
        .require_git(false)
        .build()
        .flatten()
    {
        let is_file = entry.file_type().is_some_and(|t| t.is_file());
        let is_markdown = entry
            .path()
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("md"));
        if !is_file || !is_markdown {
            continue;
        }
        let Ok(Ok(text)) = std::fs::read(entry.path()).map(String::from_utf8) else {
            continue;
        };
        for item in Parser::new_ext(&text, options).into_offset_iter() {
            black_box(item);
        }
    }
}

/// Walks with the same `ignore` settings as `dex::vault::discover::scan`, and reads and parses
/// each `.md` file with pulldown-cmark alone, on the walker's threads.
fn walk_and_parse_markdown(root: &Path, files: &AtomicU64, bytes: &AtomicU64) {
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let options = markdown_options();
    WalkBuilder::new(root)
        .follow_links(true)
        .threads(threads)
        .require_git(false)
        .build_parallel()
        .run(|| {
            Box::new(move |entry| {
                let Ok(entry) = entry else {
                    return WalkState::Continue;
                };
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                let is_markdown = entry
                    .path()
                    .extension()
                    .is_some_and(|ext| ext.eq_ignore_ascii_case("md"));
                if !is_file || !is_markdown {
                    return WalkState::Continue;
                }
                let Ok(raw) = std::fs::read(entry.path()) else {
                    return WalkState::Continue;
                };
                let Ok(text) = String::from_utf8(raw) else {
                    return WalkState::Continue;
                };
                for item in Parser::new_ext(&text, options).into_offset_iter() {
                    black_box(item);
                }
                files.fetch_add(1, Ordering::Relaxed);
                bytes.fetch_add(text.len() as u64, Ordering::Relaxed);
                WalkState::Continue
            })
        });
}

fn measure_server(server: &Path, root: &Path, options: &BenchOptions, results: &mut VaultResults) {
    results.log_path = root.with_file_name(format!("dex-lsp-{}.log", results.accounts));
    let log = File::create(&results.log_path)
        .unwrap_or_else(|err| panic!("failed to create {}: {err}", results.log_path.display()));
    let mut kept = None;
    for run in 0..=options.runs {
        eprintln!(
            "{} accounts: dex lsp index run {run} of {} (run 0 is the warm-up)",
            results.accounts, options.runs
        );
        let stderr = log.try_clone().expect("log file handle can be cloned");
        let (client, ready) = start_and_index(server, root, stderr);
        if run > 0 {
            results.lsp_initialize.push(ready.initialize);
            results.lsp_index.push(ready.index);
            results.lsp_index_cpu.push(ready.cpu);
            results.lsp_reported_ms.push(ready.reported_ms);
        }
        results.lsp_notes = ready.notes;
        if run == options.runs {
            kept = Some(client);
        } else {
            results
                .client_warnings
                .extend(client.warnings.iter().cloned());
            client.shutdown();
        }
    }
    let mut client = kept.expect("at least one run");
    results.rss_after_index_kib = proc_status_kib(client.pid(), "VmRSS");

    // The server starts its file watcher right after indexing; let that finish first.
    std::thread::sleep(Duration::from_secs(2));
    let manifest_path = root.join(".genvault.json");
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(&manifest_path)
            .unwrap_or_else(|err| panic!("failed to read {}: {err}", manifest_path.display())),
    )
    .expect("the vault manifest is JSON");
    let note = root.join(
        manifest["broken_link_note"]
            .as_str()
            .expect("the manifest names a meeting note"),
    );
    let mut document = OpenDocument::open(&mut client, &note);
    eprintln!("{} accounts: completion latency", results.accounts);
    measure_completion(&mut client, &mut document, options, results);
    eprintln!("{} accounts: keystroke to diagnostics", results.accounts);
    measure_diagnostics(&mut client, &mut document, options, results);
    results.peak_rss_kib = proc_status_kib(client.pid(), "VmHWM");
    results
        .client_warnings
        .extend(client.warnings.iter().cloned());
    client.shutdown();
}

/// Durations from spawning the server to its `initialize` response and to the end of its
/// indexing progress.
struct IndexReady {
    initialize: Duration,
    index: Duration,
    cpu: Duration,
    reported_ms: u64,
    notes: u64,
}

/// Spawns `dex lsp` on `root` and waits for the end of its indexing progress.
fn start_and_index(server: &Path, root: &Path, stderr: File) -> (LspClient, IndexReady) {
    let started = Instant::now();
    let mut client = LspClient::spawn(server, &["lsp", "--today", TODAY], stderr);

    let root_uri = file_uri(root);
    let name = root.file_name().map(|n| n.to_string_lossy().into_owned());
    let (id, _) = client.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootUri": root_uri,
            "workspaceFolders": [{"uri": root_uri, "name": name}],
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "window": {"workDoneProgress": true},
                "textDocument": {
                    "synchronization": {"dynamicRegistration": false},
                    "completion": {"completionItem": {"snippetSupport": false}},
                    "publishDiagnostics": {"versionSupport": true}
                }
            }
        }),
    );
    let initialized = client.response(id, REQUEST_TIMEOUT).received;
    client.notify("initialized", json!({}));

    let end = client.wait_for(INDEX_TIMEOUT, "the end of indexing progress", |m| {
        m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end"
    });
    let cpu = proc_cpu_time(client.pid());
    let message = end.message["params"]["value"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (notes, reported_ms) = parse_index_message(&message)
        .unwrap_or_else(|| panic!("unexpected progress end message `{message}`"));

    let ready = IndexReady {
        initialize: initialized - started,
        index: end.received - started,
        cpu,
        reported_ms,
        notes,
    };
    (client, ready)
}

/// Reads `N notes in M ms`.
fn parse_index_message(message: &str) -> Option<(u64, u64)> {
    let (notes, rest) = message.split_once(" notes in ")?;
    let ms = rest.strip_suffix(" ms")?;
    Some((notes.trim().parse().ok()?, ms.trim().parse().ok()?))
}

/// The client's copy of an open note, kept in step with every change sent.
struct OpenDocument {
    uri: String,
    text: String,
    version: i64,
}

impl OpenDocument {
    /// Sends `didOpen` with the file's text and waits for the first diagnostics.
    fn open(client: &mut LspClient, path: &Path) -> OpenDocument {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|err| panic!("failed to read {}: {err}", path.display()));
        let document = OpenDocument {
            uri: file_uri(path),
            text,
            version: 1,
        };
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {
                "uri": document.uri,
                "languageId": "markdown",
                "version": document.version,
                "text": document.text,
            }}),
        );
        document.wait_for_diagnostics(client);
        document
    }

    /// Replaces bytes `start..end` with `new_text` and sends the change; returns the send time.
    fn replace(
        &mut self,
        client: &mut LspClient,
        start: usize,
        end: usize,
        new_text: &str,
    ) -> Instant {
        let range = json!({"start": position(&self.text, start), "end": position(&self.text, end)});
        self.text.replace_range(start..end, new_text);
        self.version += 1;
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": self.uri, "version": self.version},
                "contentChanges": [{"range": range, "text": new_text}],
            }),
        )
    }

    /// Waits for `publishDiagnostics` of this note at its current version.
    fn wait_for_diagnostics(&self, client: &mut LspClient) -> client::Incoming {
        let uri = decode_uri(&self.uri);
        let version = self.version;
        client.wait_for(
            REQUEST_TIMEOUT,
            &format!("diagnostics of version {version}"),
            |m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["version"].as_i64() == Some(version)
                    && m["params"]["uri"].as_str().map(decode_uri) == Some(uri.clone())
            },
        )
    }
}

/// Types `See [[` on a new last line, then for each sample switches the text after `[[` to the
/// next prefix (one `didChange`) and times one completion request at the end of it.
fn measure_completion(
    client: &mut LspClient,
    document: &mut OpenDocument,
    options: &BenchOptions,
    results: &mut VaultResults,
) {
    let end = document.text.len();
    let line = if document.text.ends_with('\n') {
        "See [["
    } else {
        "\nSee [["
    };
    document.replace(client, end, end, &format!("{line}\n"));
    let link_start = end + line.len();
    let mut typed = "";
    let mut by_prefix: Vec<(&'static str, Vec<Duration>, usize)> =
        PREFIXES.iter().map(|&p| (p, Vec::new(), 0)).collect();
    // Sample 0 is the first completion after indexing, which builds the candidate cache.
    for sample in 0..=options.completions {
        let slot = sample % PREFIXES.len();
        let prefix = PREFIXES[slot];
        if prefix != typed {
            document.replace(client, link_start, link_start + typed.len(), prefix);
            typed = prefix;
        }
        let cursor = position(&document.text, link_start + prefix.len());
        let (id, sent) = client.request(
            "textDocument/completion",
            json!({
                "textDocument": {"uri": document.uri},
                "position": cursor,
                "context": {"triggerKind": 1},
            }),
        );
        let response = client.response(id, REQUEST_TIMEOUT);
        let latency = response.received - sent;
        let items = response.message["result"]["items"]
            .as_array()
            .map_or(0, Vec::len);
        by_prefix[slot].2 = items;
        if sample == 0 {
            results.completion_cold = latency;
        } else {
            results.completion.push(latency);
            by_prefix[slot].1.push(latency);
        }
    }
    results.completion_by_prefix = by_prefix;
}

/// Rewrites the due date of the note's first open action item, alternating between an overdue
/// and a future date, and times each change until the diagnostics of that version arrive.
fn measure_diagnostics(
    client: &mut LspClient,
    document: &mut OpenDocument,
    options: &BenchOptions,
    results: &mut VaultResults,
) {
    let date = find_due_date(&document.text)
        .unwrap_or_else(|| panic!("no open action item with a due date in {}", document.uri));
    for sample in 0..options.edits {
        let new_date = if sample % 2 == 0 {
            OVERDUE_DATE
        } else {
            FUTURE_DATE
        };
        let sent = document.replace(client, date, date + new_date.len(), new_date);
        let published = document.wait_for_diagnostics(client);
        results.diagnostics.push(published.received - sent);
        let mentions_overdue_date = published.message["params"]["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d["message"].as_str())
            .any(|m| m.contains(&format!("(due {OVERDUE_DATE})")));
        if mentions_overdue_date != (new_date == OVERDUE_DATE) {
            results.diagnostics_wrong += 1;
        }
    }
}

/// Byte offset of the date in the first `- [ ] ` line with `📅 YYYY-MM-DD` or `due: YYYY-MM-DD`.
fn find_due_date(text: &str) -> Option<usize> {
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("- [ ] ") {
            for marker in ["📅 ", "due: "] {
                if let Some(at) = line.find(marker) {
                    let start = at + marker.len();
                    let is_date = line.get(start..start + 10).is_some_and(|d| {
                        d.bytes().enumerate().all(|(i, b)| {
                            if i == 4 || i == 7 {
                                b == b'-'
                            } else {
                                b.is_ascii_digit()
                            }
                        })
                    });
                    if is_date {
                        return Some(line_start + start);
                    }
                }
            }
        }
        line_start += line.len();
    }
    None
}

/// Reads the user and system CPU time of every thread of a process from `/proc/<pid>/stat`.
fn proc_cpu_time(pid: u32) -> Duration {
    let path = format!("/proc/{pid}/stat");
    let stat =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("failed to read {path}: {err}"));
    // The command name in parentheses may hold spaces; the fields after it are space-separated,
    // with utime and stime the 12th and 13th.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |index: usize| -> u64 {
        fields
            .get(index)
            .and_then(|value| value.parse().ok())
            .unwrap_or_else(|| panic!("field {index} missing from {path}"))
    };
    let per_second = clock_ticks_per_second();
    Duration::from_secs_f64((ticks(11) + ticks(12)) as f64 / per_second as f64)
}

/// Returns the kernel's clock ticks per second, the unit of CPU time in `/proc/<pid>/stat`.
fn clock_ticks_per_second() -> u64 {
    let output = Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .expect("getconf runs");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("getconf CLK_TCK prints a number")
}

/// Reads a `kB` field of `/proc/<pid>/status`, such as `VmHWM` (peak resident set size).
fn proc_status_kib(pid: u32, field: &str) -> u64 {
    let path = format!("/proc/{pid}/status");
    let status =
        std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("failed to read {path}: {err}"));
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} missing from {path}"))
}

fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 0 {
        (sorted[mid - 1] + sorted[mid]) / 2
    } else {
        sorted[mid]
    }
}

/// Nearest-rank 95th percentile.
fn p95(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let rank = (sorted.len() * 95).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn ratio(samples: &[Duration], baseline: &[Duration]) -> f64 {
    median(samples).as_secs_f64() / median(baseline).as_secs_f64()
}

fn print_table(all: &[VaultResults]) {
    let header: Vec<String> = all
        .iter()
        .map(|r| format!("{} accounts", r.accounts))
        .collect();
    println!("| Measure | {} | Target |", header.join(" | "));
    println!("|---|{}---|", "---:|".repeat(all.len()));
    let row = |name: &str, target: &str, cell: &dyn Fn(&VaultResults) -> String| {
        let cells: Vec<String> = all.iter().map(cell).collect();
        println!("| {name} | {} | {target} |", cells.join(" | "));
    };

    row("Notes (MiB)", "", &|r| {
        format!("{} ({:.1})", r.files, r.bytes as f64 / 1_048_576.0)
    });
    row("Baseline: walk + read + pulldown-cmark, median", "", &|r| {
        format!("{:.0} ms", ms(median(&r.baseline)))
    });
    row("The same baseline on one thread, median", "", &|r| {
        format!("{:.0} ms", ms(median(&r.baseline_one_thread)))
    });
    row(
        "In-process scan (walk, read, dex parse), median",
        "",
        &|r| {
            format!(
                "{:.0} ms ({:.2}x)",
                ms(median(&r.scan_only)),
                ratio(&r.scan_only, &r.baseline)
            )
        },
    );
    row("In-process scan + Vault::insert, median", "", &|r| {
        format!(
            "{:.0} ms ({:.2}x)",
            ms(median(&r.scan_insert)),
            ratio(&r.scan_insert, &r.baseline)
        )
    });
    row(
        "dex lsp spawn to progress end, median",
        "<= 1.5x baseline at 10k",
        &|r| {
            format!(
                "{:.0} ms ({:.2}x; {:.2}x one thread)",
                ms(median(&r.lsp_index)),
                ratio(&r.lsp_index, &r.baseline),
                ratio(&r.lsp_index, &r.baseline_one_thread)
            )
        },
    );
    row(
        "dex lsp CPU time at progress end, all threads, median",
        "",
        &|r| {
            format!(
                "{:.0} ms ({:.2}x one-thread baseline)",
                ms(median(&r.lsp_index_cpu)),
                ratio(&r.lsp_index_cpu, &r.baseline_one_thread)
            )
        },
    );
    row(
        "`[[` completion, median / p95",
        "p95 < 10 ms at 10k",
        &|r| {
            format!(
                "{:.2} / {:.2} ms",
                ms(median(&r.completion)),
                ms(p95(&r.completion))
            )
        },
    );
    row("Keystroke to diagnostics, median / p95", "< 20 ms", &|r| {
        format!(
            "{:.2} / {:.2} ms",
            ms(median(&r.diagnostics)),
            ms(p95(&r.diagnostics))
        )
    });
    row("Server peak RSS (VmHWM)", "< 400 MB at 10k", &|r| {
        format!("{:.0} MB", r.peak_rss_kib as f64 * 1024.0 / 1e6)
    });
}

fn print_details(all: &[VaultResults]) {
    for r in all {
        println!();
        println!("{} accounts:", r.accounts);
        let list = |samples: &[Duration]| {
            samples
                .iter()
                .map(|d| format!("{:.0}", ms(*d)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!("- baseline runs (ms): {}", list(&r.baseline));
        println!(
            "- one-thread baseline runs (ms): {}",
            list(&r.baseline_one_thread)
        );
        println!("- scan only runs (ms): {}", list(&r.scan_only));
        println!("- scan + insert runs (ms): {}", list(&r.scan_insert));
        println!("- dex lsp index runs (ms): {}", list(&r.lsp_index));
        println!(
            "- dex lsp CPU time at progress end (ms): {}",
            list(&r.lsp_index_cpu)
        );
        println!(
            "- dex lsp: initialize answered after a median {:.1} ms; the server's own progress message gives a median {} ms for {} notes",
            ms(median(&r.lsp_initialize)),
            median_u64(&r.lsp_reported_ms),
            r.lsp_notes
        );
        println!(
            "- completion: first request after indexing {:.2} ms; {} timed requests",
            ms(r.completion_cold),
            r.completion.len()
        );
        for (prefix, samples, items) in &r.completion_by_prefix {
            println!(
                "  - `[[{prefix}`: median {:.2} ms, p95 {:.2} ms, {items} items",
                ms(median(samples)),
                ms(p95(samples))
            );
        }
        println!(
            "- keystroke to diagnostics: {} edits, {} with diagnostics that did not match the new date",
            r.diagnostics.len(),
            r.diagnostics_wrong
        );
        println!(
            "- server RSS: {:.0} MB right after indexing, peak {:.0} MB",
            r.rss_after_index_kib as f64 * 1024.0 / 1e6,
            r.peak_rss_kib as f64 * 1024.0 / 1e6
        );
        println!(
            "- warnings the server sent to the client: {}",
            r.client_warnings.len()
        );
        for warning in r.client_warnings.iter().take(5) {
            println!("  - {warning}");
        }
        print_log_summary(&r.log_path);
    }
}

fn median_u64(values: &[u64]) -> u64 {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

/// Counts WARN and ERROR lines in the server's standard error and prints the first few.
fn print_log_summary(path: &Path) {
    let log = std::fs::read_to_string(path).unwrap_or_default();
    let problems: Vec<&str> = log
        .lines()
        .filter(|line| line.contains(" WARN ") || line.contains(" ERROR "))
        .collect();
    println!(
        "- WARN or ERROR lines in {}: {}",
        path.display(),
        problems.len()
    );
    for line in problems.iter().take(5) {
        println!("  - {line}");
    }
}
