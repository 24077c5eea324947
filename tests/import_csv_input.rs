//! `dex import` of CSV files that are damaged or not CSV at all. The cases are cells too long
//! or odd for a message to quote whole.

mod import_common;

use import_common::{import_text, stderr, stdout, vault};

#[test]
fn messages_quote_cells_in_part() {
    let dir = vault();
    let junk = format!("\x1b[31m{}", "9".repeat(500));
    let text = format!(
        "Id,Status,Created at,Organization,Reopens\n\
         7,Open,2026-03-10,Tidewater Bank,{junk}\n"
    );
    let out = stdout(&import_text(dir.path(), "zendesk", "tickets.csv", &text));
    assert!(!out.contains('\x1b'), "{out}");
    assert!(!out.contains(&"9".repeat(60)), "{out}");
    let quoted = format!("`\\u{{1b}}[31m{}…`", "9".repeat(59));
    let expected = format!("tickets.csv:2: warning: Reopens: invalid number {quoted}");
    assert!(out.contains(&expected), "missing `{expected}` in:\n{out}");
}

#[test]
fn refusal_quotes_headers_in_part() {
    let dir = vault();
    let header = format!("Col\tumn{},B\n1,2\n", "z".repeat(300));
    let output = import_text(dir.path(), "zendesk", "tickets.csv", &header);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    let first = format!("Col\\tumn{}…, B", "z".repeat(57));
    assert!(
        err.contains(&format!("the file's columns start with {first}.")),
        "{err}"
    );
    assert!(!err.contains('\t'), "{err}");
}
