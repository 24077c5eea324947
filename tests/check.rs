//! `dex check` on the bundled example vault with a fixed date, and its exit codes.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

use std::path::Path;
use std::process::{Command, Output};

fn dex(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dex"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DEX_TODAY")
        .output()
        .expect("dex runs")
}

#[test]
fn example_vault_matches_expected_output() {
    let output = dex(&["check", "examples/vault", "--today", "2026-03-15"]);
    let expected = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected/check_example.txt"),
    )
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
    assert_eq!(output.status.code(), Some(1), "findings exit with 1");
}

#[test]
fn json_format_carries_every_finding() {
    let output = dex(&[
        "check",
        "examples/vault",
        "--today",
        "2026-03-15",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(report["today"], "2026-03-15");
    assert_eq!(report["summary"]["notes"], 66);
    assert_eq!(report["summary"]["errors"], 1);
    let findings = report["findings"].as_array().unwrap();
    let invalid = findings
        .iter()
        .find(|f| f["code"] == "invalid-date")
        .unwrap();
    assert_eq!(
        invalid["path"],
        "Active/Accounts/Northwind_Labs/Success_Plan.md"
    );
    assert_eq!(invalid["line"], 16);
    assert_eq!(invalid["severity"], "error");
}

#[test]
fn date_comes_from_flag_then_environment() {
    let flag = dex(&[
        "check",
        "examples/vault",
        "--today",
        "2025-01-01",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_slice(&flag.stdout).unwrap();
    assert_eq!(report["today"], "2025-01-01");
    let env = Command::new(env!("CARGO_BIN_EXE_dex"))
        .args(["check", "examples/vault", "--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DEX_TODAY", "2026-03-20")
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&env.stdout).unwrap();
    assert_eq!(report["today"], "2026-03-20");
    let bad = Command::new(env!("CARGO_BIN_EXE_dex"))
        .args(["check", "examples/vault"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DEX_TODAY", "2026-02-30")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("DEX_TODAY: invalid date `2026-02-30`"));
}

#[test]
fn clean_vault_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "# A\n- [ ] later with [[b]] 📅 2030-01-01\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("b.md"), "# B\n").unwrap();
    let output = dex(&[
        "check",
        dir.path().to_str().unwrap(),
        "--today",
        "2026-03-15",
    ]);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "checked 2 notes: no findings\n"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn usage_and_io_errors_exit_two() {
    let missing = dex(&["check", "no/such/vault"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&missing.stderr)
            .contains("cannot open vault folder `no/such/vault`")
    );
    let bad_date = dex(&["check", "examples/vault", "--today", "March 3rd"]);
    assert_eq!(bad_date.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_date.stderr).contains("invalid date `March 3rd`"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".dex.toml"), "tody = 1\n").unwrap();
    let config = dex(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(config.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&config.stderr).contains("unknown field `tody`"));
}

#[test]
fn json_format_reports_errors_as_json() {
    let missing = dex(&["check", "no/such/vault", "--format", "json"]);
    assert_eq!(missing.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&missing.stdout).unwrap();
    assert_eq!(report["error"]["command"], "check");
    let message = report["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("cannot open vault folder `no/such/vault`"),
        "{message}"
    );
    // The text stays on standard error for a person watching.
    assert!(String::from_utf8_lossy(&missing.stderr).contains("dex check: cannot open"));

    let accounts = dex(&["accounts", "no/such/vault", "--format", "json"]);
    assert_eq!(accounts.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&accounts.stdout).unwrap();
    assert_eq!(report["error"]["command"], "accounts");

    // Arguments that cannot be parsed at all are reported the same way.
    let cases = [
        (
            &["import", "hubspot", "x.csv", "--format", "json"][..],
            "import",
            "hubspot",
        ),
        (
            &["check", "--today", "2026-02-30", "--format=json"][..],
            "check",
            "2026-02-30",
        ),
        (
            &["check", "--today", "2026-3-5", "--format=json"][..],
            "check",
            "YYYY-MM-DD",
        ),
        (
            &["import", "salesforce", "--format", "json"][..],
            "import",
            "<FILE>",
        ),
        (
            &["import", "hubspot", "x", "--format", "json"][..],
            "import",
            "gainsight",
        ),
    ];
    for (args, command, value) in cases {
        let output = dex(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["error"]["command"], command);
        let message = report["error"]["message"].as_str().unwrap();
        assert!(message.contains(value), "{message}");
    }
}

#[test]
fn ignored_folder_loop_not_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("Archive")).unwrap();
    std::os::unix::fs::symlink("..", root.join("Archive/loop")).unwrap();
    std::fs::write(root.join("Note.md"), "# Note\n").unwrap();
    std::fs::write(
        root.join(".dex.toml"),
        "[folders]\nignore = [\"Archive/**\"]\n",
    )
    .unwrap();
    let output = dex(&["check", root.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(!out.contains("loop"), "{out}");
    assert!(out.contains("checked 1 note: no findings"), "{out}");
}

#[test]
fn help_and_version() {
    let help = dex(&["--help"]);
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(text.contains("check") && text.contains("lsp"), "{text}");
    let version = dex(&["--version"]);
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("dex {}", env!("CARGO_PKG_VERSION"))
    );
}
