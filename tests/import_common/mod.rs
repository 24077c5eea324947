//! Helpers shared by the `dex import` end-to-end tests: a temporary copy of the example vault,
//! running the built `dex` binary, and reading what it wrote.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The import date every test passes with `--today`.
pub const TODAY: &str = "2026-03-15";

/// A temporary copy of `examples/vault`.
pub fn vault() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&repo().join("examples/vault"), dir.path());
    dir
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Returns `bytes` compressed as one gzip stream.
pub fn gzipped(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("compress");
    encoder.finish().expect("finish gzip")
}

/// Returns a zip archive of `members`, each a name and its bytes, deflated.
pub fn zipped(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        let options = zip::write::SimpleFileOptions::default();
        writer.start_file(*name, options).expect("start member");
        writer.write_all(bytes).expect("write member");
    }
    writer.finish().expect("finish zip").into_inner()
}

/// A fixture under `tests/fixtures/import/`.
pub fn fixture(rel: &str) -> String {
    repo()
        .join("tests/fixtures/import")
        .join(rel)
        .display()
        .to_string()
}

/// Runs `dex import SOURCE FILES... --vault VAULT --today 2026-03-15 EXTRA...`.
pub fn import(vault: &Path, source: &str, files: &[String], extra: &[&str]) -> Output {
    import_on(vault, source, files, TODAY, extra)
}

/// Writes `text` as the export file `name` in `vault` and imports it as [`import`] does.
pub fn import_text(vault: &Path, source: &str, name: &str, text: &str) -> Output {
    let export = vault.join(name);
    std::fs::write(&export, text).expect("write the export");
    import(vault, source, &[export.display().to_string()], &[])
}

/// Runs `dex import SOURCE FILES... --vault VAULT --today TODAY EXTRA...` on a machine whose
/// time zone is UTC.
pub fn import_on(
    vault: &Path,
    source: &str,
    files: &[String],
    today: &str,
    extra: &[&str],
) -> Output {
    import_command(vault, source, files, today, extra)
        .output()
        .expect("run dex")
}

/// Runs `dex import SOURCE FILES... --vault VAULT --today 2026-03-15` on a machine whose time
/// zone is `zone`, an IANA name given to `dex` as the `TZ` variable.
pub fn import_in_zone(vault: &Path, source: &str, files: &[String], zone: &str) -> Output {
    import_command(vault, source, files, TODAY, &[])
        .env("TZ", zone)
        .output()
        .expect("run dex")
}

fn import_command(
    vault: &Path,
    source: &str,
    files: &[String],
    today: &str,
    extra: &[&str],
) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dex"));
    command
        .arg("import")
        .arg(source)
        .args(files)
        .arg("--vault")
        .arg(vault)
        .args(["--today", today])
        .args(extra)
        .env_remove("DEX_TODAY")
        .env("TZ", "UTC");
    command
}

/// Runs `dex check VAULT --today TODAY` and returns its standard output.
pub fn check(vault: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_dex"))
        .arg("check")
        .arg(vault)
        .args(["--today", TODAY])
        .env_remove("DEX_TODAY")
        .env("TZ", "UTC")
        .output()
        .expect("run dex check");
    stdout(&output)
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A note of the vault as text.
pub fn read(vault: &Path, rel: &str) -> String {
    std::fs::read_to_string(vault.join(rel)).unwrap_or_else(|err| panic!("{rel}: {err}"))
}

/// Every file of the vault with its bytes.
pub fn snapshot(vault: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    collect(vault, vault, &mut files);
    files
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let entry = entry.expect("entry");
        let path = entry.path();
        if entry.file_type().expect("type").is_dir() {
            collect(root, &path, files);
        } else {
            let rel = path.strip_prefix(root).expect("inside").to_path_buf();
            files.insert(rel, std::fs::read(&path).expect("read"));
        }
    }
}

/// The paths whose bytes differ between two snapshots, or that only one has.
pub fn changed(
    before: &BTreeMap<PathBuf, Vec<u8>>,
    after: &BTreeMap<PathBuf, Vec<u8>>,
) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .cloned()
        .collect();
    paths.dedup();
    paths
}

/// The text of a top-level frontmatter key, as written.
pub fn frontmatter(text: &str, key: &str) -> Option<String> {
    let body = text.trim_start_matches('\u{feff}');
    let block = body.strip_prefix("---")?;
    let end = block.find("\n---")?;
    block[..end].lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

/// The Dex-owned block of `source` in a note, markers included.
pub fn block<'a>(text: &'a str, source: &str) -> &'a str {
    let begin = text
        .find(&format!("<!-- dex:begin {source} "))
        .unwrap_or_else(|| panic!("no {source} block in:\n{text}"));
    let end_marker = format!("<!-- dex:end {source} -->");
    let end = text[begin..].find(&end_marker).expect("end marker") + begin + end_marker.len();
    &text[begin..end]
}

/// Reads the frontmatter of a note with yaml-rust2, the YAML reader `dex` itself uses. Panics
/// when the note has no frontmatter or its YAML is invalid.
pub fn frontmatter_yaml(text: &str) -> yaml_rust2::Yaml {
    let body = text.trim_start_matches('\u{feff}');
    let Some((yaml, _)) = body
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
    else {
        panic!("no frontmatter in:\n{text}");
    };
    let docs = yaml_rust2::YamlLoader::load_from_str(yaml)
        .unwrap_or_else(|err| panic!("invalid frontmatter: {err}\n{text}"));
    docs.into_iter().next().expect("one YAML document")
}

/// Runs `dex check` on the vault and returns its findings, each as its note path and code.
pub fn check_findings(vault: &Path) -> Vec<(String, String)> {
    let output = Command::new(env!("CARGO_BIN_EXE_dex"))
        .arg("check")
        .arg(vault)
        .args(["--today", TODAY, "--format", "json"])
        .env_remove("DEX_TODAY")
        .output()
        .expect("run dex check");
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("dex check prints JSON");
    report["findings"]
        .as_array()
        .expect("a findings list")
        .iter()
        .map(|finding| {
            let text = |key: &str| finding[key].as_str().unwrap_or_default().to_string();
            (text("path"), text("code"))
        })
        .collect()
}
