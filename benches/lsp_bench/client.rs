//! A minimal LSP client over a child process's stdio, for timing the real `dex lsp` binary.
//!
//! A reader thread parses each `Content-Length` frame and stamps it with the time it was read.
//! A latency therefore runs from just before the request is written to the moment its response
//! is read from the pipe, and excludes the channel hand-over to the benchmark thread.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// One message from the server with the time its last byte was read.
pub struct Incoming {
    pub received: Instant,
    pub message: Value,
}

/// A running language server and the client side of its connection.
pub struct LspClient {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Incoming>,
    next_id: i64,
    /// `window/logMessage` and `window/showMessage` texts of type Error (1) or Warning (2).
    pub warnings: Vec<String>,
}

impl LspClient {
    /// Spawns `binary` with `args`, writing its standard error to `stderr_log`.
    pub fn spawn(binary: &Path, args: &[&str], stderr_log: File) -> LspClient {
        let mut child = Command::new(binary)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr_log))
            .spawn()
            .unwrap_or_else(|err| panic!("failed to start {}: {err}", binary.display()));
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(body) = read_frame(&mut reader) {
                let received = Instant::now();
                let message = serde_json::from_slice(&body)
                    .unwrap_or_else(|err| panic!("server sent invalid JSON: {err}"));
                if sender.send(Incoming { received, message }).is_err() {
                    return;
                }
            }
        });
        LspClient {
            child,
            stdin,
            incoming,
            next_id: 1,
            warnings: Vec::new(),
        }
    }

    /// Process id of the server.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a request and returns its id and the time just before it was written.
    pub fn request(&mut self, method: &str, params: Value) -> (i64, Instant) {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        message["params"] = params;
        (id, self.send(&message))
    }

    /// Sends a notification and returns the time just before it was written.
    pub fn notify(&mut self, method: &str, params: Value) -> Instant {
        let mut message = json!({"jsonrpc": "2.0", "method": method});
        message["params"] = params;
        self.send(&message)
    }

    /// Waits for the response to request `id` and returns it with its arrival time. Panics on an
    /// error response or after `timeout`.
    pub fn response(&mut self, id: i64, timeout: Duration) -> Incoming {
        let incoming = self.wait_for(timeout, &format!("the response to request {id}"), |m| {
            m.get("id").and_then(Value::as_i64) == Some(id) && m.get("method").is_none()
        });
        if let Some(error) = incoming.message.get("error") {
            panic!("request {id} failed: {error}");
        }
        incoming
    }

    /// Waits for the first message that `matches` accepts, replying to the server's own requests
    /// and dropping other messages meanwhile. Panics after `timeout`, naming `what`.
    pub fn wait_for(
        &mut self,
        timeout: Duration,
        what: &str,
        mut matches: impl FnMut(&Value) -> bool,
    ) -> Incoming {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let incoming = match self.incoming.recv_timeout(left) {
                Ok(incoming) => incoming,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out after {timeout:?} waiting for {what}")
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server closed its output while the benchmark waited for {what}")
                }
            };
            if matches(&incoming.message) {
                return incoming;
            }
            self.handle_unmatched(&incoming.message);
        }
    }

    /// Sends `shutdown` and `exit`, then waits up to five seconds for the process to end before
    /// killing it.
    pub fn shutdown(mut self) {
        let (id, _) = self.request("shutdown", Value::Null);
        self.response(id, Duration::from_secs(30));
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!("dex lsp did not exit within 5 s of `exit`; killing it");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn send(&mut self, message: &Value) -> Instant {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let sent = Instant::now();
        self.stdin
            .write_all(frame.as_bytes())
            .and_then(|()| self.stdin.flush())
            .unwrap_or_else(|err| panic!("failed to write to the server: {err}"));
        sent
    }

    /// Replies to server-to-client requests with a `null` result (one `null` per item for
    /// `workspace/configuration`) and collects the warnings the server shows or logs.
    fn handle_unmatched(&mut self, message: &Value) {
        let method = message.get("method").and_then(Value::as_str);
        if let (Some(method), Some(id)) = (method, message.get("id")) {
            let result = match method {
                // One `null` per requested configuration item: no settings.
                "workspace/configuration" => {
                    let items = message["params"]["items"].as_array().map_or(0, Vec::len);
                    Value::Array(vec![Value::Null; items])
                }
                _ => Value::Null,
            };
            self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
            return;
        }
        if matches!(method, Some("window/logMessage" | "window/showMessage")) {
            let level = message["params"]["type"].as_i64().unwrap_or(4);
            if level <= 2 {
                let text = message["params"]["message"].as_str().unwrap_or_default();
                self.warnings.push(text.to_string());
            }
        }
    }
}

/// Reads one frame body; `None` at the end of the stream.
fn read_frame(reader: &mut impl BufRead) -> Option<Vec<u8>> {
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
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let length = length.unwrap_or_else(|| panic!("server sent a frame without Content-Length"));
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}

/// Builds a `file://` URI for an absolute path, percent-encoding every byte outside the unreserved set
/// and `/`.
pub fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            write!(uri, "%{byte:02X}").expect("writing to a String cannot fail");
        }
    }
    uri
}

/// Decodes `%XX` escapes, so URIs that encode the same path differently compare equal.
pub fn decode_uri(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Returns the LSP position (line, UTF-16 column) of byte `offset` in `text`.
pub fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[line_start..].encode_utf16().count();
    json!({"line": line, "character": character})
}
