//! Files that cannot be notes: invalid UTF-8, binary data, a 20 MB file, a symbolic link loop, a
//! dangling link, an unreadable file. The server and `dex check` name each one and the reason,
//! and keep serving the rest of the vault.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use common::{Lsp, capabilities, file_uri, vault};
use serde_json::{Value, json};

fn bad_vault() -> tempfile::TempDir {
    let dir = vault(&[
        (
            "Good.md",
            "# Good\n- [ ] Call [[Person]] 📅 2026-03-01\nSee [[Latin1]].\n",
        ),
        ("People/Person.md", "# Person\n"),
    ]);
    let root = dir.path();
    std::fs::write(root.join("Latin1.md"), b"caf\xe9 [[Good]]\n").unwrap();
    std::fs::write(root.join("Binary.md"), b"PK\x03\x04\x00\x00binary").unwrap();
    std::fs::write(
        root.join("Huge.md"),
        "- [ ] line [[Good]]\n".repeat(1_100_000),
    )
    .unwrap();
    let wide = "# Notes\r\n- [ ] Call [[Nobody Here]] 📅 2026-03-01\r\n";
    std::fs::write(
        root.join("Utf16 LE.md"),
        utf16(wide, [0xFF, 0xFE], u16::to_le_bytes),
    )
    .unwrap();
    std::fs::write(
        root.join("Utf16 BE.md"),
        utf16(wide, [0xFE, 0xFF], u16::to_be_bytes),
    )
    .unwrap();
    std::fs::write(
        root.join("No BOM.md"),
        &utf16(wide, [0xFF, 0xFE], u16::to_le_bytes)[2..],
    )
    .unwrap();
    // An unpaired high surrogate after two characters.
    std::fs::write(root.join("Broken16.md"), b"\xff\xfea\x00b\x00\x00\xd8c\x00").unwrap();
    std::fs::write(root.join("Bom8.md"), "\u{feff}[[Nobody]] first\n").unwrap();
    std::os::unix::fs::symlink(root, root.join("People/loop")).unwrap();
    std::os::unix::fs::symlink(root.join("Vanished.md"), root.join("Dangling.md")).unwrap();
    let locked = root.join("Locked.md");
    std::fs::write(&locked, "# Locked\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Let another user walk the vault, for the unreadable-file check run without root.
    for folder in [root, &root.join("People")] {
        std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    for file in [
        "Good.md",
        "People/Person.md",
        "Latin1.md",
        "Binary.md",
        "Huge.md",
        "Utf16 LE.md",
        "Utf16 BE.md",
        "No BOM.md",
        "Broken16.md",
        "Bom8.md",
    ] {
        std::fs::set_permissions(root.join(file), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    dir
}

/// Encodes `text` as UTF-16 after the byte-order mark `bom`.
fn utf16(text: &str, bom: [u8; 2], unit: fn(u16) -> [u8; 2]) -> Vec<u8> {
    let mut bytes = bom.to_vec();
    bytes.extend(text.encode_utf16().flat_map(unit));
    bytes
}

fn expected_reasons() -> Vec<(&'static str, &'static str)> {
    vec![
        ("Binary.md", "binary file"),
        (
            "Broken16.md",
            "not valid UTF-16 (first invalid unit at offset 6)",
        ),
        (
            "No BOM.md",
            "looks like UTF-16 text without a byte-order mark",
        ),
        ("Dangling.md", "broken symbolic link"),
        ("Huge.md", "over the 8 MiB limit"),
        (
            "Latin1.md",
            "not valid UTF-8 (first invalid byte at offset 3)",
        ),
        ("People/loop", "symbolic link loop"),
    ]
}

/// Whether this process runs as root, so permissions do not stop it from reading.
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn dex_check(root: &Path, as_nobody: bool) -> std::process::Output {
    let dex = env!("CARGO_BIN_EXE_dex");
    let mut command = if as_nobody {
        let mut command = Command::new("setpriv");
        command.args(["--reuid=65534", "--regid=65534", "--clear-groups", dex]);
        command
    } else {
        Command::new(dex)
    };
    command
        .arg("check")
        .arg(root)
        .args(["--today", "2026-03-15"])
        .env_remove("DEX_TODAY")
        .output()
        .expect("dex runs")
}

#[test]
fn check_names_every_skipped_file() {
    let dir = bad_vault();
    let output = dex_check(dir.path(), false);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    for (file, reason) in expected_reasons() {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{file}: warning: skipped: ")))
            .unwrap_or_else(|| panic!("{file} not reported:\n{stdout}"));
        assert!(line.contains(reason), "{line}");
    }
    assert!(
        stdout.contains("Good.md:2:"),
        "the good note is still checked:\n{stdout}"
    );
    let skipped_link = "Good.md:3:7: warning: unresolved link: `Latin1.md` exists but could not be indexed: not valid UTF-8";
    assert!(stdout.contains(skipped_link), "{stdout}");
}

#[test]
fn check_reads_utf16_and_drops_byte_order_marks() {
    let dir = bad_vault();
    let output = dex_check(dir.path(), false);
    let stdout = String::from_utf8_lossy(&output.stdout);
    for file in ["Utf16 LE.md", "Utf16 BE.md"] {
        for expected in [
            format!("{file}:2:14: warning: unresolved link: no note named `Nobody Here`"),
            format!("{file}:2:28: warning: action item is 14 days overdue (due 2026-03-01)"),
        ] {
            assert!(stdout.contains(&expected), "{expected}\n{stdout}");
        }
    }
    // Editors do not count the byte-order mark, so the link starts in column 1.
    let bom8 = "Bom8.md:1:3: warning: unresolved link: no note named `Nobody`";
    assert!(stdout.contains(bom8), "{stdout}");
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "tells the reader of the test log why the case did not run"
)]
fn check_reports_an_unreadable_file() {
    let dir = bad_vault();
    // Root reads any file, so the check runs as the `nobody` user where that is possible.
    let as_nobody = is_root();
    if as_nobody
        && !Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                env!("CARGO_BIN_EXE_dex"),
                "--version",
            ])
            .output()
            .is_ok_and(|o| o.status.success())
    {
        eprintln!(
            "NOTE: running as root and the dex binary is not runnable as nobody; the permission case is covered only by the message test"
        );
        return;
    }
    let output = dex_check(dir.path(), as_nobody);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("Locked.md: warning: skipped: permission denied [skipped-file]"),
        "{stdout}"
    );
}

#[test]
fn server_reports_skipped_files_and_keeps_serving() {
    let dir = bad_vault();
    let mut lsp = Lsp::start(&["--today", "2026-03-15"]);
    lsp.initialize(dir.path(), capabilities());
    let end = lsp.wait_indexed();
    // Good.md, Person.md, the two UTF-16 notes and Bom8.md, plus Locked.md when root can read
    // it anyway.
    let indexed = if is_root() { "6 notes" } else { "5 notes" };
    assert!(
        end["value"]["message"]
            .as_str()
            .unwrap()
            .starts_with(indexed),
        "{end}"
    );
    let warning = lsp.wait_notification("window/showMessage", |p| p["type"] == 2);
    assert!(
        warning["message"].as_str().unwrap().contains("skipped"),
        "{warning}"
    );
    let logs: Vec<String> = lsp
        .seen
        .iter()
        .filter(|m| m["method"] == "window/logMessage")
        .map(|m| m["params"]["message"].as_str().unwrap().to_string())
        .collect();
    for (file, reason) in expected_reasons() {
        assert!(
            logs.iter().any(|l| l.contains(file) && l.contains(reason)),
            "{file}: {logs:#?}"
        );
    }
    let uri = lsp.open(
        &dir.path().join("Good.md"),
        "# Good\n- [ ] Call [[Person]] 📅 2026-03-01\n[[Per",
    );
    let diagnostics = lsp.diagnostics(&uri, Some(1));
    assert_eq!(diagnostics[0]["code"], "overdue");
    let edited = "# Good\n- [ ] Call [[Person]] 📅 2026-03-01\n[[Latin1]] [[Per";
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": edited }] }),
    );
    let after_edit = lsp.diagnostics(&uri, Some(2));
    let unresolved = after_edit
        .iter()
        .find(|d| d["code"] == "unresolved-link")
        .expect("the link to the skipped note");
    assert!(
        unresolved["message"]
            .as_str()
            .unwrap()
            .starts_with("unresolved link: `Latin1.md` exists but could not be indexed"),
        "{unresolved}"
    );
    lsp.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 3 }, "contentChanges": [{ "text": "# Good\n- [ ] Call [[Person]] 📅 2026-03-01\n[[Per" }] }),
    );
    let completion = lsp.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 2, "character": 5 } }),
    );
    assert_eq!(completion["items"][0]["label"], "Person");
    let hover = lsp.request("textDocument/hover", json!({ "textDocument": { "uri": file_uri(&dir.path().join("Good.md")) }, "position": { "line": 1, "character": 14 } }));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("Person")
    );
    // A note that vanished after the scan listed it is dropped from the index, not an error.
    std::fs::remove_file(dir.path().join("People/Person.md")).unwrap();
    lsp.notify("workspace/didChangeWatchedFiles", json!({ "changes": [{ "uri": file_uri(&dir.path().join("People/Person.md")), "type": 2 }] }));
    let after = lsp.diagnostics_until(&uri, |d| d.iter().any(|d| d["code"] == "unresolved-link"));
    assert!(after.iter().any(|d| d["code"] == "overdue"));
    lsp.shutdown();
}

#[test]
fn removing_skipped_files_updates_links_to_them() {
    let dir = bad_vault();
    std::fs::create_dir(dir.path().join("Archive")).unwrap();
    std::fs::write(dir.path().join("Archive/Latin2.md"), b"na\xefve\n").unwrap();
    let mut lsp = Lsp::start(&["--today", "2026-03-15"]);
    lsp.initialize(dir.path(), capabilities());
    lsp.wait_indexed();
    let uri = lsp.open(
        &dir.path().join("Good.md"),
        "# Good\nSee [[Latin1]] and [[Latin2]].\n",
    );
    let before = lsp.diagnostics(&uri, Some(1));
    let skipped = |diagnostics: &[Value]| {
        diagnostics
            .iter()
            .filter(|d| {
                d["message"]
                    .as_str()
                    .unwrap()
                    .contains("could not be indexed")
            })
            .count()
    };
    assert_eq!(skipped(&before), 2, "{before:#?}");

    // A deleted file, then a deleted folder: each link is unresolved like any other, with no
    // reason left to give.
    std::fs::remove_file(dir.path().join("Latin1.md")).unwrap();
    let deleted =
        |path: &str| json!({ "changes": [{ "uri": file_uri(&dir.path().join(path)), "type": 3 }] });
    lsp.notify("workspace/didChangeWatchedFiles", deleted("Latin1.md"));
    let after_file = lsp.diagnostics_until(&uri, |d| skipped(d) == 1);
    assert_eq!(after_file.len(), 2, "{after_file:#?}");
    std::fs::remove_dir_all(dir.path().join("Archive")).unwrap();
    lsp.notify("workspace/didChangeWatchedFiles", deleted("Archive"));
    let after_folder = lsp.diagnostics_until(&uri, |d| skipped(d) == 0);
    assert!(
        after_folder.iter().all(|d| d["code"] == "unresolved-link"),
        "{after_folder:#?}"
    );
    assert_eq!(after_folder.len(), 2, "{after_folder:#?}");
    lsp.shutdown();
}
