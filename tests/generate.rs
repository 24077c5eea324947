//! Golden tests of every generated note on the example vault with a fixed date, and the
//! command line's promise never to overwrite a file.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

mod common;

use std::process::{Command, Output};

use common::example_vault;

fn dex(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dex"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DEX_TODAY")
        .output()
        .expect("dex runs")
}

fn stdout(args: &[&str]) -> String {
    let output = dex(args);
    assert!(
        output.status.success(),
        "dex {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

const VAULT: [&str; 4] = ["--vault", "examples/vault", "--today", "2026-03-15"];

fn with_vault(args: &[&'static str]) -> Vec<&'static str> {
    args.iter().copied().chain(VAULT).collect()
}

#[test]
fn qbr_note() {
    insta::assert_snapshot!(stdout(&with_vault(&["qbr", "Borealis Freight"])));
}

#[test]
fn save_plan_note() {
    insta::assert_snapshot!(stdout(&with_vault(&["save-plan", "Tidewater Bank"])));
}

#[test]
fn escalation_brief_note() {
    insta::assert_snapshot!(stdout(&with_vault(&["escalation", "Tidewater Bank"])));
}

#[test]
fn escalation_brief_in_slack_mrkdwn() {
    let text = stdout(&with_vault(&[
        "escalation",
        "Tidewater",
        "--slack",
        "--issue",
        "Exports fail since the upgrade",
    ]));
    assert!(text.contains("> Exports fail since the upgrade"), "{text}");
    assert!(text.contains("*Escalation*: Tidewater Bank"), "{text}");
    assert!(!text.contains("**Escalation**"), "{text}");
}

#[test]
fn new_account_pages() {
    insta::assert_snapshot!(stdout(&with_vault(&["new-account", "Zenith Air"])));
}

#[test]
fn portfolio_review() {
    insta::assert_snapshot!(stdout(&[
        "portfolio",
        "examples/vault",
        "--today",
        "2026-03-15"
    ]));
}

#[test]
fn portfolio_json_and_accounts() {
    let json: serde_json::Value = serde_json::from_str(&stdout(&[
        "portfolio",
        "examples/vault",
        "--today",
        "2026-03-15",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(json["accounts"][0]["name"], "Tidewater Bank");
    assert_eq!(json["accounts"][0]["band"], "red");
    insta::assert_snapshot!(stdout(&[
        "accounts",
        "examples/vault",
        "--today",
        "2026-03-15"
    ]));
}

#[test]
fn unknown_account_is_a_usage_error() {
    let output = dex(&with_vault(&["qbr", "Nobody Inc"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no account named `Nobody Inc`"));
}

#[test]
fn write_never_overwrites() {
    let dir = example_vault();
    let vault = dir.path().to_str().unwrap();
    let args = [
        "qbr",
        "Kestrel Health",
        "--write",
        "--vault",
        vault,
        "--today",
        "2026-03-15",
    ];
    assert_eq!(
        stdout(&args),
        "created Inbox/Meetings/2026-03-15 - QBR: Kestrel Health.md\n"
    );
    assert_eq!(
        stdout(&args),
        "created Inbox/Meetings/2026-03-15 - QBR: Kestrel Health (2).md\n"
    );
    let account = [
        "new-account",
        "Zenith Air",
        "--write",
        "--vault",
        vault,
        "--today",
        "2026-03-15",
    ];
    let created = stdout(&account);
    assert_eq!(created.lines().count(), 4, "{created}");
    let again = dex(&account);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("account `Zenith Air` exists already"));
    let escape = dex(&["new-account", "../../outside", "--write", "--vault", vault]);
    assert!(escape.status.success());
    assert!(
        dir.path()
            .join("Active/Accounts/outside/Overview.md")
            .exists(),
        "names stay inside the vault"
    );
}

#[test]
fn init_creates_then_keeps() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("book");
    let first = stdout(&["init", target.to_str().unwrap()]);
    assert!(first.contains("created System/Templates/QBR.md"), "{first}");
    assert!(first.contains("created .dex.toml"), "{first}");
    assert!(
        first.ends_with("27 created, 0 kept as they were\n"),
        "{first}"
    );
    std::fs::write(target.join("System/Templates/QBR.md"), "mine\n").unwrap();
    let second = stdout(&["init", target.to_str().unwrap()]);
    assert!(
        second.ends_with("0 created, 27 kept as they were\n"),
        "{second}"
    );
    assert_eq!(
        std::fs::read_to_string(target.join("System/Templates/QBR.md")).unwrap(),
        "mine\n"
    );
    let check = dex(&["check", target.to_str().unwrap(), "--today", "2026-03-15"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn new_account_passes_its_own_check() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("book");
    let vault = vault.to_str().unwrap();
    stdout(&["init", vault]);
    stdout(&["new-account", "Zenith Air", "--write", "--vault", vault]);
    let check = dex(&["check", vault, "--today", "2026-03-15"]);
    let out = String::from_utf8_lossy(&check.stdout);
    assert!(!out.contains("invalid-health-value"), "{out}");
}

#[test]
fn init_on_a_file_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("README.md");
    std::fs::write(&file, "# mine\n").unwrap();
    let output = dex(&["init", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("README.md` is not a folder"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# mine\n");
}
