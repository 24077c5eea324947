//! `dex import` of CSV files that are damaged or not CSV at all. The cases are a quoted cell
//! that the file never closes, binary files such as workbooks and compressed exports (rejected
//! before anything is written), and cells too long or odd for a message to quote whole.

mod import_common;

use std::path::{Path, PathBuf};

use import_common::{
    changed, gzipped, import, import_text, snapshot, stderr, stdout, vault, zipped,
};

const TICKETS_HEADER: &str = "Id,Status,Created at,Organization,Priority,Subject\n";

#[test]
fn unclosed_quote_in_last_column() {
    let dir = vault();
    let text = format!(
        "{TICKETS_HEADER}\
         1,Open,2026-03-10,Tidewater Bank,Urgent,27\" monitor broken\n\
         3,Open,2026-03-11,Tidewater Bank,High,\"unterminated quote\n\
         4,Open,2026-03-12,Tidewater Bank,High,next\n\
         5,Open,2026-03-12,Tidewater Bank,High,last\n"
    );
    let output = import_text(dir.path(), "zendesk", "tickets.csv", &text);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{out}");
    assert!(
        out.contains(
            "tickets.csv:3: error: Subject: quoted field is never closed, so the rest of the file \
             (lines 3 to 5) was read as this one cell and the rows after line 3 were not \
             imported; add the closing `\"` and import again"
        ),
        "{out}"
    );
    assert!(out.contains(": 2 rows read"), "{out}");
    // The quote inside the unquoted cell on line 2 is text, not the start of a quoted cell.
    assert_eq!(out.matches("never closed").count(), 1, "{out}");
}

#[test]
fn unclosed_quote_in_middle_column() {
    let dir = vault();
    let text = format!(
        "{TICKETS_HEADER}\
         1,Open,2026-03-10,Tidewater Bank,Urgent,Login fails\r\n\
         2,Open,2026-03-11,\"Tidewater Bank,High,Export broken\r\n\
         3,Open,2026-03-12,Tidewater Bank,High,Slow search\r\n"
    );
    let output = import_text(dir.path(), "zendesk", "tickets.csv", &text);
    let out = stdout(&output);
    assert!(
        out.contains(
            "tickets.csv:3: error: Organization: quoted field is never closed, so the rest of \
             the file (lines 3 to 4) was read as this one cell"
        ),
        "{out}"
    );
}

#[test]
fn unclosed_quote_after_long_cell() {
    // The last record is longer than what the reader keeps of the file's end, so it is read
    // again from the file, here transcoded from UTF-16.
    let dir = vault();
    let long = "x".repeat(100_000);
    let text = format!(
        "{TICKETS_HEADER}\
         1,Open,2026-03-10,Tidewater Bank,Urgent,\"{long}\n\
         2,Open,2026-03-11,Tidewater Bank,High,next\n"
    );
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let export = dir.path().join("tickets.csv");
    std::fs::write(&export, utf16).expect("write the export");
    let output = import(dir.path(), "zendesk", &[export.display().to_string()], &[]);
    let out = stdout(&output);
    assert!(
        out.contains("tickets.csv:2: error: Subject: quoted field is never closed"),
        "{out}"
    );
    assert!(out.contains("(lines 2 to 3)"), "{out}");
}

/// Excel's "CSV (Macintosh)" ends each line with a `\r` alone; messages still name the row's line.
#[test]
fn mac_line_endings_give_row_lines() {
    let dir = vault();
    let text = format!(
        "{TICKETS_HEADER}\
         1,Open,2026-03-10,Tidewater Bank,Urgent,first\n\
         2,Open,2026-03-11,Tidewater Bank,High,\"two\nlines\"\n\
         3,Open,2026-02-30,Tidewater Bank,High,bad date\n"
    )
    .replace('\n', "\r");
    let output = import_text(dir.path(), "zendesk", "tickets.csv", &text);
    let out = stdout(&output);
    assert!(out.contains("tickets.csv:5: error: Created at:"), "{out}");
    assert!(out.contains(": 3 rows read"), "{out}");
}

#[test]
fn closed_multiline_cells_are_not_reported() {
    let dir = vault();
    let long = "y".repeat(100_000);
    let text = format!(
        "{TICKETS_HEADER}\
         1,Open,2026-03-10,Tidewater Bank,Urgent,\"two\nlines, and a \"\"quote\"\"\"\n\
         2,Open,2026-03-11,Tidewater Bank,Normal,\"last\nrow\"\n\
         3,Open,2026-03-12,Tidewater Bank,High,\"{long}\n\""
    );
    let output = import_text(dir.path(), "zendesk", "tickets.csv", &text);
    let out = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{out}");
    assert!(!out.contains("never closed"), "{out}");
    assert!(out.contains(": 3 rows read"), "{out}");
}

/// Returns a minimal Excel workbook: a zip archive with the parts Excel writes first.
fn workbook() -> Vec<u8> {
    zipped(&[
        ("[Content_Types].xml", b"<?xml version=\"1.0\"?><Types/>"),
        ("xl/workbook.xml", b"<workbook><sheets/></workbook>"),
    ])
}

/// Returns the first bytes of an x86-64 ELF program, followed by bytes with a NUL in every
/// seven.
fn program() -> Vec<u8> {
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0".to_vec();
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ".iter().cycle();
    for (at, &letter) in letters.take(600).enumerate() {
        bytes.push(if at % 7 == 0 { 0 } else { letter });
    }
    bytes
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the file");
    path
}

#[test]
fn binary_files_are_rejected() {
    let dir = vault();
    let exports = tempfile::tempdir().expect("temp dir");
    let csv = "Id,Name\n001,Acme\n";
    let mut with_nul = csv.as_bytes().to_vec();
    with_nul.extend_from_slice(b"002,Glo\0bex\n");
    let cases: [(&str, Vec<u8>, &str); 5] = [
        (
            "accounts.xlsx",
            workbook(),
            "looks like an Excel workbook or zip archive, not a CSV file; export the sheet as \
             CSV and import that file",
        ),
        (
            "accounts.csv.gz",
            gzipped(csv.as_bytes()),
            "is gzip-compressed, not a CSV file; decompress it (gunzip) and import the CSV file \
             inside",
        ),
        (
            "accounts.xls",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0".to_vec(),
            "looks like an Excel 97-2003 workbook, not a CSV file",
        ),
        (
            "dex.csv",
            program(),
            "is a binary file, not CSV text (a NUL character at byte 7)",
        ),
        (
            "nul.csv",
            with_nul,
            "is a binary file, not CSV text (a NUL character at byte 24)",
        ),
    ];
    let before = snapshot(dir.path());
    for (name, bytes, expected) in cases {
        let path = write_file(exports.path(), name, &bytes);
        for source in ["salesforce", "zendesk", "gainsight", "pendo"] {
            let output = import(dir.path(), source, &[path.display().to_string()], &[]);
            let err = stderr(&output);
            assert_eq!(output.status.code(), Some(2), "{source} {name}: {err}");
            let message = format!("{}: {expected}", path.display());
            assert!(err.contains(&message), "{source} {name}: {err}");
            assert!(err.len() < 400, "{source} {name}: {err}");
            assert!(!err.contains('\0'), "{source} {name}: {err}");

            let json = import(
                dir.path(),
                source,
                &[path.display().to_string()],
                &["--format", "json"],
            );
            let out = stdout(&json);
            assert!(out.contains(expected), "{source} {name}: {out}");
            assert!(!out.contains("\\u0000"), "{source} {name}: {out}");
        }
    }
    assert_eq!(
        changed(&before, &snapshot(dir.path())),
        Vec::<PathBuf>::new()
    );
}

#[test]
fn utf16_text_is_not_binary() {
    let dir = vault();
    let text = "Id\tName\tAnnualRevenue\n001A\tTidewater Bank\t240000\n";
    let mut utf16 = Vec::new();
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let path = write_file(dir.path(), "accounts.txt", &utf16);
    let output = import(dir.path(), "salesforce", &[path.display().to_string()], &[]);
    let out = stdout(&output);
    assert!(
        out.contains("accounts.txt: note: read as UTF-16LE"),
        "{out}"
    );
    assert!(out.contains(": 1 row read"), "{out}");
}

#[test]
fn messages_quote_cells_in_part() {
    let dir = vault();
    let junk = format!("\x1b[31m{}", "9".repeat(500));
    let text = format!(
        "Id,Status,Created at,Organization,Reopens\n\
         7,Open,2026-03-10,Tidewater Bank,{junk}\n\
         8,Open,{junk},Tidewater Bank,0\n"
    );
    let out = stdout(&import_text(dir.path(), "zendesk", "tickets.csv", &text));
    assert!(!out.contains('\x1b'), "{out}");
    assert!(!out.contains(&"9".repeat(60)), "{out}");
    let quoted = format!("`\\u{{1b}}[31m{}…`", "9".repeat(59));
    let expected = [
        format!("tickets.csv:2: warning: Reopens: invalid number {quoted}"),
        format!("tickets.csv:3: error: Created at: invalid date and time {quoted}"),
    ];
    for line in expected {
        assert!(out.contains(&line), "missing `{line}` in:\n{out}");
    }
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
