//! A test client that drives the real `dex` binary over JSON-RPC on stdio, with genuine
//! `Content-Length` framing. Requests the server sends (progress tokens, registrations,
//! configuration) are answered automatically; notifications are queued for the test to wait on.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the harness"
)]
#![allow(
    clippy::needless_pass_by_value,
    clippy::cast_possible_truncation,
    reason = "test helpers favour short call sites over borrowing rules"
)]

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a test waits for any one message before failing.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A running `dex lsp` process.
pub struct Lsp {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    queued: VecDeque<Value>,
    next_id: i64,
    /// Every notification seen, in order, for tests that look back.
    pub seen: Vec<Value>,
    shut_down: bool,
}

impl Lsp {
    /// Starts `dex lsp --stdio` with extra arguments.
    pub fn start(args: &[&str]) -> Lsp {
        Lsp::start_with(args, &[])
    }

    /// Starts the server with extra arguments and environment variables.
    pub fn start_with(args: &[&str], env: &[(&str, &str)]) -> Lsp {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dex"));
        command.arg("lsp").arg("--stdio").args(args);
        // Set DEX_TEST_LOG to a file path to keep the server's debug log of a failing test.
        if let Ok(log) = std::env::var("DEX_TEST_LOG") {
            command.arg("--log-file").arg(log);
        }
        command.env_remove("DEX_TODAY").env("DEX_LOG", "dex=debug");
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("DEX_TEST_STDERR").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .expect("the dex binary starts");
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Lsp {
            child,
            stdin,
            messages,
            queued: VecDeque::new(),
            next_id: 1,
            seen: Vec::new(),
            shut_down: false,
        }
    }

    /// Sends `initialize` and `initialized` for one workspace folder; returns the result.
    pub fn initialize(&mut self, root: &Path, capabilities: Value) -> Value {
        let uri = file_uri(root);
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri,
                "capabilities": capabilities,
                "workspaceFolders": [{ "uri": uri, "name": "vault" }],
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    /// Writes one message.
    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).expect("messages serialize");
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("server stdin is open");
        self.stdin.write_all(&body).expect("server stdin is open");
        self.stdin.flush().expect("server stdin is open");
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Sends a request and returns its whole response (result or error).
    pub fn request_response(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    /// Sends a request and returns its result; fails the test on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_response(method, params);
        assert!(
            response.get("error").is_none(),
            "{method} failed: {response}"
        );
        response["result"].clone()
    }

    /// Waits for the response to request `id`, queueing notifications that arrive first.
    pub fn response(&mut self, id: i64) -> Value {
        let is_response = |m: &Value| m.get("method").is_none() && m["id"] == json!(id);
        if let Some(index) = self.queued.iter().position(is_response) {
            return self.queued.remove(index).expect("index is valid");
        }
        loop {
            let message = self.next_message();
            if message.get("method").is_none() && message["id"] == json!(id) {
                return message;
            }
            self.queued.push_back(message);
        }
    }

    /// Waits for a notification `method` whose params satisfy `accept`; earlier ones that do
    /// not match are dropped.
    pub fn wait_notification(&mut self, method: &str, accept: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let found = self
                .queued
                .iter()
                .position(|m| m["method"] == method && accept(&m["params"]));
            if let Some(index) = found {
                let message = self.queued.remove(index).expect("index is valid");
                self.queued.retain(|m| m["method"] != method);
                return message["params"].clone();
            }
            assert!(
                Instant::now() < deadline,
                "no {method} notification arrived; seen: {:#?}",
                self.seen
            );
            let message = self.next_message();
            self.queued.push_back(message);
        }
    }

    /// Waits for the diagnostics published for `uri`, optionally for a given document version.
    pub fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let params = self.wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && version.is_none_or(|v| p["version"] == json!(v))
        });
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Waits for diagnostics for `uri` that satisfy `accept`, skipping earlier publications.
    pub fn diagnostics_until(
        &mut self,
        uri: &str,
        accept: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let params = self.wait_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && accept(p["diagnostics"].as_array().map_or(&[][..], Vec::as_slice))
        });
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Waits until the server reports the end of its vault scan (needs `window.workDoneProgress`).
    pub fn wait_indexed(&mut self) -> Value {
        self.wait_notification("$/progress", |p| p["value"]["kind"] == "end")
    }

    /// Opens a note with the given text; returns its URI.
    pub fn open(&mut self, path: &Path, text: &str) -> String {
        let uri = file_uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
        );
        uri
    }

    /// Sends `shutdown` and `exit` and checks the process ends with status 0.
    pub fn shutdown(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        let status = self.exit();
        assert!(status.success(), "dex exited with {status}");
    }

    /// Sends `exit` and returns the status the process ends with.
    pub fn exit(&mut self) -> std::process::ExitStatus {
        self.shut_down = true;
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait works") {
                return status;
            }
            assert!(Instant::now() < deadline, "dex did not exit after `exit`");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn next_message(&mut self) -> Value {
        loop {
            let message = match self.messages.recv_timeout(TIMEOUT) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => panic!(
                    "the server sent nothing for {TIMEOUT:?}; seen: {:#?}",
                    self.seen
                ),
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server closed its output; seen: {:#?}", self.seen)
                }
            };
            if message.get("method").is_some() && message.get("id").is_some() {
                self.answer_server_request(&message);
                continue;
            }
            if message.get("method").is_some() {
                self.seen.push(message.clone());
            }
            return message;
        }
    }

    fn answer_server_request(&mut self, request: &Value) {
        self.seen.push(request.clone());
        let result = match request["method"].as_str() {
            Some("workspace/configuration") => json!([null]),
            Some("workspace/applyEdit") => json!({ "applied": true }),
            Some("window/showDocument") => json!({ "success": true }),
            _ => Value::Null,
        };
        self.send(&json!({ "jsonrpc": "2.0", "id": request["id"], "result": result }));
    }
}

impl Drop for Lsp {
    fn drop(&mut self) {
        if !self.shut_down {
            // A failed test must not leave a server process behind.
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The `file:` URI of a path, with spaces and other reserved characters percent-encoded the way
/// editors send them.
pub fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                uri.push(char::from(byte));
            }
            other => {
                let _ = write!(uri, "%{other:02X}");
            }
        }
    }
    uri
}

/// Copies the bundled example vault into a fresh temporary folder.
pub fn example_vault() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/vault"),
        dir.path(),
    );
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Writes a vault from `(relative path, text)` pairs into a fresh temporary folder.
pub fn vault(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let full: PathBuf = dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("files have a folder"))
            .expect("create folder");
        std::fs::write(full, text).expect("write note");
    }
    dir
}

/// Client capabilities of a typical modern editor: UTF-16 only, push diagnostics, progress.
pub fn capabilities() -> Value {
    json!({
        "general": { "positionEncodings": ["utf-16"] },
        "window": { "workDoneProgress": true },
        "textDocument": {
            "hover": { "contentFormat": ["markdown", "plaintext"] },
            "documentSymbol": { "hierarchicalDocumentSymbolSupport": true }
        }
    })
}

/// The text a range covers in `text`, counting columns in UTF-16 units.
pub fn slice_utf16(text: &str, range: &Value) -> String {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let offset = |position: &Value| -> (usize, usize) {
        let line = position["line"].as_u64().expect("line") as usize;
        let character = position["character"].as_u64().expect("character") as usize;
        let line_text = lines[line];
        let mut units = 0;
        for (byte, ch) in line_text.char_indices() {
            if units >= character {
                return (line, byte);
            }
            units += ch.len_utf16();
        }
        (line, line_text.len())
    };
    let (start_line, start) = offset(&range["start"]);
    let (end_line, end) = offset(&range["end"]);
    assert_eq!(start_line, end_line, "range spans lines: {range}");
    lines[start_line][start..end].to_string()
}

/// Byte offset of an LSP position in `text`, counting columns in `encoding` units.
pub fn byte_offset(text: &str, position: &Value, encoding: &str) -> usize {
    let line = position["line"].as_u64().expect("line") as usize;
    let character = position["character"].as_u64().expect("character") as usize;
    let line_start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let line_text = text[line_start..].split('\n').next().unwrap_or_default();
    let line_text = line_text.strip_suffix('\r').unwrap_or(line_text);
    let mut units = 0;
    for (byte, ch) in line_text.char_indices() {
        if units >= character {
            return line_start + byte;
        }
        units += if encoding == "utf-8" {
            ch.len_utf8()
        } else {
            ch.len_utf16()
        };
    }
    line_start + line_text.len()
}

/// Applies LSP text edits to `text`.
pub fn apply(text: &str, edits: &[Value], encoding: &str) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                byte_offset(text, &e["range"]["start"], encoding),
                byte_offset(text, &e["range"]["end"], encoding),
                e["newText"].as_str().expect("newText").to_string(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new_text) in spans {
        out.replace_range(start..end, &new_text);
    }
    out
}

/// Collects the text edits of `edit` for `uri`, from `documentChanges` or `changes`.
pub fn edits_for(edit: &Value, uri: &str) -> Vec<Value> {
    if let Some(operations) = edit["documentChanges"].as_array() {
        return operations
            .iter()
            .filter(|o| o["textDocument"]["uri"] == uri)
            .flat_map(|o| o["edits"].as_array().expect("edits").clone())
            .collect();
    }
    edit["changes"][uri].as_array().cloned().unwrap_or_default()
}
