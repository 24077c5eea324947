//! Finding and parsing every note of a vault, in parallel.
//!
//! The walk follows the `ignore` crate's rules: hidden files and folders (`.obsidian`, `.git`,
//! `.trash`) and paths matched by `.gitignore` or the `[folders] ignore` setting are left out.
//! Files that cannot be indexed are reported with the reason instead of stopping the scan.

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use ignore::{WalkBuilder, WalkState, overrides::OverrideBuilder};

use super::{Config, Note};

/// Notes larger than this are skipped: they are almost always exports or logs, not notes.
pub const MAX_NOTE_BYTES: u64 = 8 * 1024 * 1024;

/// Why a file was left out of the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// The file is not valid UTF-8.
    InvalidUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// The file starts with a UTF-16 byte-order mark but is not valid UTF-16.
    InvalidUtf16 {
        /// Offset of the first invalid unit.
        offset: usize,
    },
    /// The file looks like UTF-16 text without a byte-order mark, which cannot be read safely.
    Utf16WithoutBom,
    /// The file contains a NUL byte, so it is binary.
    Binary,
    /// The file is larger than [`MAX_NOTE_BYTES`].
    TooLarge {
        /// Size in bytes.
        bytes: u64,
    },
    /// The file vanished between the walk and the read.
    Deleted,
    /// Reading the file or folder failed.
    Io(String),
}

impl fmt::Display for SkipReason {
    #[allow(clippy::cast_precision_loss, reason = "a size shown to one decimal")]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::InvalidUtf8 { offset } => {
                write!(
                    f,
                    "not valid UTF-8 (first invalid byte at offset {offset}); save it as UTF-8"
                )
            }
            SkipReason::InvalidUtf16 { offset } => {
                write!(
                    f,
                    "not valid UTF-16 (first invalid unit at offset {offset}); save it as UTF-8"
                )
            }
            SkipReason::Utf16WithoutBom => write!(
                f,
                "looks like UTF-16 text without a byte-order mark; save it as UTF-8"
            ),
            SkipReason::Binary => {
                write!(f, "binary file (contains a NUL byte), not a Markdown note")
            }
            SkipReason::TooLarge { bytes } => write!(
                f,
                "{:.1} MiB is over the {} MiB limit for a note",
                *bytes as f64 / 1_048_576.0,
                MAX_NOTE_BYTES / 1_048_576
            ),
            SkipReason::Deleted => write!(f, "deleted while the vault was being scanned"),
            SkipReason::Io(message) => write!(f, "{message}"),
        }
    }
}

/// A file the scan could not index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The file or folder, as an absolute path when known.
    pub path: PathBuf,
    /// Why it was skipped.
    pub reason: SkipReason,
}

/// One result of a scan.
pub enum ScanItem {
    /// A parsed note.
    Note(Note),
    /// A file left out.
    Skipped(Skipped),
    /// A file that is not a note, such as an image or a PDF, by its vault-relative path.
    Attachment(String),
}

/// Results a walker thread gathers before handing them over, so that the threads do not wake
/// the receiving thread once per note.
const BATCH: usize = 64;

/// Walks `root` with as many threads as the machine has cores, parsing each note on the thread
/// that found it, and hands every result to `sink` on the calling thread, in no fixed order.
/// `max_depth` limits how deep the walk goes (1 reads only `root` itself).
pub fn scan(
    root: &Path,
    config: &Config,
    max_depth: Option<usize>,
    mut sink: impl FnMut(ScanItem),
) {
    let (sender, receiver) = mpsc::sync_channel::<Vec<ScanItem>>(64);
    let walker = walker(root, config, max_depth);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            walker.visit(&mut VisitorBuilder {
                root,
                config,
                sender,
            });
        });
        for batch in receiver {
            batch.into_iter().for_each(&mut sink);
        }
    });
}

struct VisitorBuilder<'s> {
    root: &'s Path,
    config: &'s Config,
    sender: mpsc::SyncSender<Vec<ScanItem>>,
}

impl<'s> ignore::ParallelVisitorBuilder<'s> for VisitorBuilder<'s> {
    fn build(&mut self) -> Box<dyn ignore::ParallelVisitor + 's> {
        Box::new(Visitor {
            root: self.root,
            config: self.config,
            sender: self.sender.clone(),
            batch: Vec::with_capacity(BATCH),
        })
    }
}

/// One walker thread: reads and parses the notes it finds and passes them on in batches.
struct Visitor<'s> {
    root: &'s Path,
    config: &'s Config,
    sender: mpsc::SyncSender<Vec<ScanItem>>,
    batch: Vec<ScanItem>,
}

impl Visitor<'_> {
    /// Hands the batch over. Returns `false` when the receiver is gone.
    fn flush(&mut self) -> bool {
        if self.batch.is_empty() {
            return true;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.sender.send(batch).is_ok()
    }
}

impl ignore::ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<ignore::DirEntry, ignore::Error>) -> WalkState {
        let item = match entry {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if !is_file {
                    return WalkState::Continue;
                }
                if is_markdown(entry.path()) {
                    read_note(self.root, entry.path(), self.config)
                } else if is_attachment(entry.path()) {
                    ScanItem::Attachment(relative(self.root, entry.path()))
                } else {
                    return WalkState::Continue;
                }
            }
            Err(err) => {
                // The walker reports a loop or an unreadable folder before it applies the
                // `[folders] ignore` patterns to that path, so an ignored one is left out here.
                let ignored = error_path(&err).is_some_and(|path| {
                    is_ignored(self.root, &relative(self.root, &path), self.config)
                });
                if ignored {
                    return WalkState::Continue;
                }
                ScanItem::Skipped(walk_error(self.root, &err))
            }
        };
        self.batch.push(item);
        if self.batch.len() >= BATCH && !self.flush() {
            return WalkState::Quit;
        }
        WalkState::Continue
    }
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        // The receiver is gone only when the scan's caller stopped listening.
        let _ = self.flush();
    }
}

/// Reads and parses one file; `path` is absolute.
pub fn read_note(root: &Path, path: &Path, config: &Config) -> ScanItem {
    let skipped = |reason| {
        ScanItem::Skipped(Skipped {
            path: path.to_path_buf(),
            reason,
        })
    };
    // One open gives the size, the modification time and the bytes, without a second path lookup.
    let (bytes, modified) = match read_file(path) {
        Ok(Read::Text(bytes, modified)) => (bytes, modified),
        Ok(Read::TooLarge(bytes)) => return skipped(SkipReason::TooLarge { bytes }),
        Err(err) => return skipped(read_error(path, &err)),
    };
    let text = match check_text(bytes) {
        Ok(text) => text,
        Err(reason) => return skipped(reason),
    };
    let relative = relative(root, path);
    let mut note = Note::parse(&relative, &text, config);
    note.modified = modified.map(|time| super::modified_date(time, config));
    ScanItem::Note(note)
}

enum Read {
    Text(Vec<u8>, Option<std::time::SystemTime>),
    TooLarge(u64),
}

fn read_file(path: &Path) -> std::io::Result<Read> {
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    if meta.len() > MAX_NOTE_BYTES {
        return Ok(Read::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The file may grow between the size check and the read, so the read stops past the limit.
    (&mut file)
        .take(MAX_NOTE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_NOTE_BYTES {
        return Ok(Read::TooLarge(bytes.len() as u64));
    }
    Ok(Read::Text(bytes, meta.modified().ok()))
}

/// Reads a note's file as text, the way editors open it: UTF-8, or UTF-16 with a byte-order
/// mark, with any byte-order mark removed.
pub fn read_text(path: &Path) -> Result<String, SkipReason> {
    match read_file(path) {
        Ok(Read::Text(bytes, _)) => check_text(bytes),
        Ok(Read::TooLarge(bytes)) => Err(SkipReason::TooLarge { bytes }),
        Err(err) => Err(read_error(path, &err)),
    }
}

/// Decodes a note's bytes: UTF-8, or UTF-16 with a byte-order mark. A leading byte-order mark is
/// dropped, as editors drop it from the text they send, so that offsets agree with theirs.
pub fn check_text(mut bytes: Vec<u8>) -> Result<String, SkipReason> {
    match encoding_rs::Encoding::for_bom(&bytes) {
        Some((encoding, _)) if encoding == encoding_rs::UTF_8 => {
            bytes.drain(..3);
        }
        Some((encoding, bom_len)) => return decode_utf16(encoding, &bytes, bom_len),
        None => {}
    }
    if memchr::memchr(0, &bytes).is_some() {
        return Err(if looks_like_utf16(&bytes) {
            SkipReason::Utf16WithoutBom
        } else {
            SkipReason::Binary
        });
    }
    String::from_utf8(bytes).map_err(|err| SkipReason::InvalidUtf8 {
        offset: err.utf8_error().valid_up_to(),
    })
}

fn decode_utf16(
    encoding: &'static encoding_rs::Encoding,
    bytes: &[u8],
    bom_len: usize,
) -> Result<String, SkipReason> {
    let body = &bytes[bom_len..];
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len() * 3);
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(text),
        encoding_rs::DecoderResult::Malformed(bad, after) => Err(SkipReason::InvalidUtf16 {
            offset: bom_len + read - usize::from(bad) - usize::from(after),
        }),
        // The buffer was sized for the whole input.
        encoding_rs::DecoderResult::OutputFull => Err(SkipReason::InvalidUtf16 {
            offset: bom_len + read,
        }),
    }
}

/// Checks whether NUL bytes sit mostly at every other position, as in UTF-16 text that is mostly
/// ASCII.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(4096)];
    let (even, odd) = sample.iter().enumerate().filter(|&(_, &b)| b == 0).fold(
        (0usize, 0usize),
        |(even, odd), (i, _)| {
            if i % 2 == 0 {
                (even + 1, odd)
            } else {
                (even, odd + 1)
            }
        },
    );
    let half = sample.len() / 2;
    half > 0 && (even.max(odd) * 10 >= half * 8) && even.min(odd) * 10 <= half
}

/// Why reading `path` failed; a dangling symbolic link is distinguished from a file that vanished.
fn read_error(path: &Path, err: &std::io::Error) -> SkipReason {
    if err.kind() == std::io::ErrorKind::NotFound {
        if let Ok(target) = std::fs::read_link(path) {
            return SkipReason::Io(format!("broken symbolic link to `{}`", target.display()));
        }
    }
    io_reason(err)
}

fn io_reason(err: &std::io::Error) -> SkipReason {
    match err.kind() {
        std::io::ErrorKind::NotFound => SkipReason::Deleted,
        std::io::ErrorKind::PermissionDenied => SkipReason::Io("permission denied".into()),
        _ => SkipReason::Io(err.to_string()),
    }
}

fn walk_error(root: &Path, err: &ignore::Error) -> Skipped {
    let path = error_path(err).unwrap_or_else(|| root.to_path_buf());
    let message = match err {
        ignore::Error::WithPath { err, .. } => err.to_string(),
        other => other.to_string(),
    };
    let reason = if matches!(err, ignore::Error::Loop { .. }) || message.contains("loop") {
        SkipReason::Io("symbolic link loop; the folder is not read again".into())
    } else if let Some(io) = err.io_error() {
        read_error(&path, io)
    } else {
        SkipReason::Io(message)
    };
    Skipped { path, reason }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        _ => None,
    }
}

/// Whether a path names a Markdown note (`.md`, any case).
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("md"))
}

/// Checks whether a link can name the file at `path` as an attachment: it has an extension, and
/// the extension is not `.md`. A link without an extension names a note.
pub fn is_attachment(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| !ext.eq_ignore_ascii_case("md"))
}

/// Vault-relative path with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Checks whether the scan indexes the file at `path`, vault-relative `relative`, as a note: a
/// `.md` file that neither a hidden path segment nor an ignore pattern leaves out.
pub fn is_indexed_note(root: &Path, path: &Path, relative: &str, config: &Config) -> bool {
    is_markdown(path) && !is_ignored(root, relative, config)
}

/// Whether the vault's ignore settings leave `path` (vault-relative) out of the index. Hidden
/// path segments are always left out.
pub fn is_ignored(root: &Path, relative: &str, config: &Config) -> bool {
    if relative.split('/').any(|part| part.starts_with('.')) {
        return true;
    }
    let Some(overrides) = overrides(root, config) else {
        return false;
    };
    overrides.matched(relative, false).is_ignore()
}

fn overrides(root: &Path, config: &Config) -> Option<ignore::overrides::Override> {
    if config.ignore.is_empty() {
        return None;
    }
    let mut builder = OverrideBuilder::new(root);
    for pattern in &config.ignore {
        if let Err(err) = builder.add(&format!("!{pattern}")) {
            tracing::warn!(%pattern, %err, "invalid ignore pattern in .dex.toml");
        }
    }
    builder.build().ok()
}

fn walker(root: &Path, config: &Config, max_depth: Option<usize>) -> ignore::WalkParallel {
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let mut builder = WalkBuilder::new(root);
    builder
        .follow_links(true)
        .threads(threads)
        .require_git(false)
        .max_depth(max_depth);
    if let Some(overrides) = overrides(root, config) {
        builder.overrides(overrides);
    }
    builder.build_parallel()
}
