//! CSV input shared by every CSV source: encoding and delimiter detection, header lookup
//! through alias tables, and rows read as a stream with their line numbers. The rows are parsed
//! on a thread of their own, a batch ahead of the source that takes them.
//!
//! Excel and export tools write UTF-8 with or without a byte order mark, Windows-1252 and
//! UTF-16 (Excel's "Unicode Text"), with `,`, `;`, tab or `|` delimiters and sometimes a
//! `sep=;` first line. UTF-16 is found from the first 64 KiB and transcoded through
//! `encoding_rs_io`. Other files are read as UTF-8 when they hold at least as many valid
//! multi-byte UTF-8 characters as invalid sequences; in a cell that is not valid UTF-8, each
//! invalid byte is then read as Windows-1252, with a warning. A file with more invalid sequences
//! is transcoded from Windows-1252 as a whole.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};
use encoding_rs_io::DecodeReaderBytesBuilder;
use rustc_hash::FxHashMap;

use super::Parsed;
use super::archive::{Container, container_of};
use super::block::Cell;
use super::report::{Level, Messages, excerpt};

/// Bytes looked at to guess the encoding and the delimiter.
const SNIFF_BYTES: usize = 64 * 1024;

/// Rows that the reading thread sends at a time, once the rows flow.
const BATCH_ROWS: usize = 4096;

/// Rows of the first batch. Each later batch doubles up to [`BATCH_ROWS`], so the source starts
/// on a short file's rows without waiting for a full batch.
const FIRST_BATCH_ROWS: usize = 128;

/// Batches that the reading thread may read ahead of the rows taken.
const BATCHES_AHEAD: usize = 2;

/// A column the importer reads, with the header names that mean it.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    /// The field's name in `.dex.toml` `columns` overrides.
    pub name: &'static str,
    /// Header names, API names first, then report labels; compared case-insensitively with
    /// whitespace folded and a trailing ` [list]` removed.
    pub aliases: &'static [&'static str],
}

/// An open CSV file with its header read.
pub struct CsvInput {
    /// Header names as written (trimmed).
    pub headers: Vec<String>,
    /// Normalised header name to the first column that has it.
    by_name: HashMap<String, usize>,
    /// The source of the data rows.
    rows: Rows,
}

/// The data rows of a [`CsvInput`]. They are read on a thread of their own, which starts at the
/// first row taken, so that parsing the CSV overlaps with what the source does with each row.
enum Rows {
    /// Before the first row: the reader, which has read the header.
    Waiting(Box<RecordReader>),
    /// Rows read by the reading thread, in batches.
    Streaming(Stream),
    /// After the last row, or after an error that stopped the reading.
    Ended,
}

/// The receiving end of the reading thread.
struct Stream {
    batches: Receiver<Batch>,
    /// Returns the rows of used batches to the reading thread, which reads into their buffers.
    spent: Sender<Vec<(u64, Record)>>,
    /// The batch being taken, and the index of its next row.
    current: Batch,
    next: usize,
}

/// Consecutive rows, each with the line where its text starts.
#[derive(Default)]
struct Batch {
    rows: Vec<(u64, Record)>,
    /// The end of the reading, in the last batch.
    end: Option<Ending>,
}

/// The end of the reading of the rows.
enum Ending {
    /// At the end of the file, with the quoted field there that is never closed, if any.
    Finished(Option<UnclosedQuote>),
    /// At a record that cannot be read, with the message.
    Failed(String),
}

/// A quoted field that is never closed, so it runs to the end of the file.
struct UnclosedQuote {
    /// The lines where the quote opens and where the file ends.
    line: u64,
    last_line: u64,
    /// The column, as messages name it.
    field: String,
}

/// The part of an open CSV file that reads its records, moved to the reading thread.
struct RecordReader {
    reader: csv::Reader<Watched>,
    /// Header names as written, to name the column of an unclosed quote.
    headers: Vec<String>,
    /// Lines before the header that the CSV reader does not see (a `sep=` line).
    line_offset: u64,
    /// The file and decoding behind the stream, to read the last record again when the tail
    /// does not contain all of it.
    source: StreamSource,
    delimiter: u8,
    /// The start of the last record read, the header included.
    last_start: Option<RecordStart>,
}

/// A row as the CSV reader read it: as text when all of it is valid UTF-8, which `csv`
/// checks once per row, else as bytes.
enum Record {
    Text(csv::StringRecord),
    Bytes(csv::ByteRecord),
}

impl Record {
    fn len(&self) -> usize {
        match self {
            Record::Text(record) => record.len(),
            Record::Bytes(record) => record.len(),
        }
    }

    /// Returns the buffers of the record, to read another one into.
    fn into_bytes(self) -> csv::ByteRecord {
        match self {
            Record::Text(record) => record.into_byte_record(),
            Record::Bytes(record) => record,
        }
    }

    fn from_bytes(record: csv::ByteRecord) -> Record {
        match csv::StringRecord::from_byte_record(record) {
            Ok(text) => Record::Text(text),
            Err(err) => Record::Bytes(err.into_byte_record()),
        }
    }
}

/// The column index of each field found in the file.
#[derive(Clone, Debug, Default)]
pub struct Columns {
    index: FxHashMap<&'static str, usize>,
}

impl Columns {
    /// Returns the column index of `field`, if the file has it.
    pub fn get(&self, field: &str) -> Option<usize> {
        self.index.get(field).copied()
    }

    /// Returns whether the file has `field`.
    pub fn has(&self, field: &str) -> bool {
        self.index.contains_key(field)
    }
}

/// One data row.
pub struct Row<'a> {
    /// One-based line where the row starts.
    pub line: u64,
    record: &'a Record,
    headers: &'a [String],
}

impl Row<'_> {
    /// Returns the cell of column `index`, trimmed; `None` when empty or missing. A cell that is not
    /// valid UTF-8 is decoded as Windows-1252 and reported each time it is read.
    pub fn cell(&self, index: Option<usize>, messages: &mut Messages) -> Option<Cell> {
        self.text(index, messages).map(Cell::from)
    }

    /// Returns the header of column `index` as the file writes it, if it has a non-empty one.
    /// Messages about a cell name the column this way, so they match what the user sees.
    pub fn header(&self, index: Option<usize>) -> Option<&str> {
        written_header(self.headers, index)
    }

    /// [`Row::cell`] without copying the text when it is valid UTF-8.
    pub fn text(&self, index: Option<usize>, messages: &mut Messages) -> Option<Cow<'_, str>> {
        let bytes = match self.record {
            Record::Text(record) => return non_empty(Cow::Borrowed(trim(record.get(index?)?))),
            Record::Bytes(record) => record.get(index?)?,
        };
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => Cow::Borrowed(trim(text)),
            Err(_) => {
                let column = index?;
                let field = match self.headers.get(column) {
                    Some(header) if !header.is_empty() => header.clone(),
                    _ => format!("column {}", column + 1),
                };
                Cow::Owned(decode_1252(bytes, self.line, &field, messages))
            }
        };
        non_empty(text)
    }
}

/// Returns the header of column `index` among `headers` as the file writes it, if it has a
/// non-empty one. [`Row::header`] does the same for a row.
pub fn written_header(headers: &[String], index: Option<usize>) -> Option<&str> {
    headers
        .get(index?)
        .map(|header| header.trim_start_matches('\u{feff}').trim())
        .filter(|header| !header.is_empty())
}

/// Decodes a cell that is not valid UTF-8, trimmed, with a warning that shows its bytes (invalid
/// ones as `\xNN`). Its valid UTF-8 sequences stay UTF-8 and each invalid byte is read as
/// Windows-1252, so `Renée` typed in UTF-8 next to a pasted Windows-1252 `’` keeps its `é`.
fn decode_1252(bytes: &[u8], line: u64, field: &str, messages: &mut Messages) -> String {
    let mut decoded = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        decoded.push_str(chunk.valid());
        decoded.push_str(&WINDOWS_1252.decode_without_bom_handling(chunk.invalid()).0);
    }
    let decoded = decoded.trim().to_string();
    messages.warning(
        "encoding",
        line,
        Some(field),
        format!(
            "invalid UTF-8 `{}`; read as Windows-1252 `{}`",
            excerpt(&escape_invalid_utf8(bytes.trim_ascii())),
            excerpt(&decoded)
        ),
    );
    decoded
}

/// Returns `bytes` as text with each byte that is not part of valid UTF-8 written as `\xNN`.
fn escape_invalid_utf8(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for byte in chunk.invalid() {
            let _ = write!(text, "\\x{byte:02X}");
        }
    }
    text
}

fn non_empty(text: Cow<'_, str>) -> Option<Cow<'_, str>> {
    (!text.is_empty()).then_some(text)
}

/// Returns `text.trim()`, skipping the Unicode whitespace search when the text starts and ends
/// with a visible ASCII character, as most cells do.
fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// An export file opened for reading, with the columns found and the messages about it.
pub struct Export {
    /// The file name, as messages and provenance lines show it.
    pub file: String,
    /// The open file.
    pub input: CsvInput,
    /// The column of each field the file has.
    pub columns: Columns,
    /// Messages about the file.
    pub messages: Messages,
}

impl Export {
    /// Reads every data row in order, counts it in `parsed` and passes it to `read_row` with the
    /// file's columns, name and messages. A row that cannot be read ends the file with a
    /// `truncated` error, and the rows before it stay read. The file's messages then move to
    /// `parsed`. Returns the file name, for the provenance line.
    pub fn read_rows(
        self,
        parsed: &mut Parsed,
        read_row: impl FnMut(&Row<'_>, &Columns, &str, &mut Messages, &mut Parsed),
    ) -> String {
        self.read_rows_except(parsed, |_, _| false, read_row)
    }

    /// Reads the rows as [`Export::read_rows`] does, but leaves out, uncounted, the rows for
    /// which `skip` returns true.
    pub fn read_rows_except(
        mut self,
        parsed: &mut Parsed,
        mut skip: impl FnMut(&Row<'_>, &mut Messages) -> bool,
        mut read_row: impl FnMut(&Row<'_>, &Columns, &str, &mut Messages, &mut Parsed),
    ) -> String {
        while let Some(row) = self.input.next_data_row(&mut self.messages) {
            if skip(&row, &mut self.messages) {
                continue;
            }
            parsed.rows_read += 1;
            read_row(&row, &self.columns, &self.file, &mut self.messages, parsed);
        }
        self.finish(parsed)
    }

    /// Moves the file's messages to `parsed` once its rows are read, and returns the file name.
    pub fn finish(self, parsed: &mut Parsed) -> String {
        parsed.messages.extend(self.messages.finish());
        self.file
    }
}

/// The line-break bytes of a stream that come right after another line break, recorded as the
/// stream is read and dropped once the reader has passed them: the `\n` of a `\r\n`, and the
/// breaks of blank lines. The CSV reader starts a record at the first of them, so counting the
/// `\n`s among them gives the line where the record's text starts.
#[derive(Default)]
struct LineBreaks(VecDeque<Break>);

/// A line-break byte after another one: its stream offset and whether it is a `\n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Break {
    at: u64,
    newline: bool,
}

impl LineBreaks {
    /// Counts the `\n`s in the run of recorded breaks that starts at byte `offset`. Breaks
    /// before it are forgotten, so calls must come in stream order.
    fn newlines_from(&mut self, offset: u64) -> u64 {
        let breaks = &mut self.0;
        while breaks.front().is_some_and(|b| b.at < offset) {
            breaks.pop_front();
        }
        let run = breaks
            .iter()
            .zip(offset..)
            .take_while(|(b, at)| b.at == *at);
        run.filter(|(b, _)| b.newline).count() as u64
    }
}

/// A reader that records the line breaks of what passes through it into [`LineBreaks`].
struct BreakWatch<R> {
    inner: R,
    breaks: LineBreaks,
    read: u64,
    /// The last byte of the previous read.
    last: Option<u8>,
}

impl<R: BufRead> BreakWatch<R> {
    fn new(inner: R) -> BreakWatch<R> {
        BreakWatch {
            inner,
            breaks: LineBreaks::default(),
            read: 0,
            last: None,
        }
    }
}

impl<R: BufRead> Read for BreakWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        // A `\r` that no `\n` follows ends a line too, as in the "CSV (Macintosh)" files that Excel
        // writes. The CSV reader counts lines by `\n`, so such a `\r` is passed on as `\n`, which
        // keeps every offset.
        let next = match buf[..n].last() {
            Some(b'\r') => self.inner.fill_buf()?.first().copied(),
            _ => None,
        };
        // Searching for `\r` and for `\n\n` passes over a file with `\n` line endings at the
        // speed of `memchr`, where searching for `\n` would stop on every line.
        let mut carriage_returns = Vec::new();
        let mut from = 0;
        while let Some(found) = memchr::memchr(b'\r', &buf[from..n]) {
            let at = from + found;
            if buf[..n].get(at + 1).copied().or(next) == Some(b'\n') {
                carriage_returns.push(at);
            } else {
                buf[at] = b'\n';
            }
            from = at + 1;
        }
        let chunk = &buf[..n];
        let is_break = |byte: Option<u8>| matches!(byte, Some(b'\r' | b'\n'));
        let before = |at: usize| {
            if at == 0 {
                self.last
            } else {
                Some(chunk[at - 1])
            }
        };
        let mut found = Vec::new();
        for at in carriage_returns {
            if is_break(before(at)) {
                found.push((at, false));
            }
            // The `\n` of a `\r\n` that the next read starts with is found below.
            if at + 1 < chunk.len() {
                found.push((at + 1, true));
            }
        }
        // A `\n` first in this read after a break that ended the last one.
        if is_break(self.last) && chunk.first() == Some(&b'\n') {
            found.push((0, true));
        }
        let finder = memchr::memmem::Finder::new(b"\n\n");
        let mut from = 0;
        while let Some(at) = finder.find(&chunk[from..]) {
            found.push((from + at + 1, true));
            from += at + 1;
        }
        if !found.is_empty() {
            found.sort_unstable();
            found.dedup();
            self.breaks
                .0
                .extend(found.into_iter().map(|(at, newline)| Break {
                    at: self.read + at as u64,
                    newline,
                }));
        }
        if let Some(&last) = chunk.last() {
            self.last = Some(last);
        }
        self.read += n as u64;
        Ok(n)
    }
}

/// Bytes at the end of a stream that [`StreamTail`] keeps: the last record of a file is checked
/// for an unclosed quote in them, and read again from the file only when it is longer.
const TAIL_BYTES: usize = 16 * 1024;

/// The last bytes of a stream, recorded as the stream is read.
#[derive(Default)]
struct StreamTail {
    /// At least the last [`TAIL_BYTES`] bytes read, and at most twice as many.
    bytes: Vec<u8>,
    /// Stream offset of `bytes[0]`.
    start: u64,
}

impl StreamTail {
    /// Adds the bytes of one read. It copies at most [`TAIL_BYTES`] bytes, however long the
    /// read.
    fn record(&mut self, chunk: &[u8]) {
        let n = chunk.len();
        let end = self.start + self.bytes.len() as u64;
        if n >= TAIL_BYTES {
            self.bytes.clear();
            self.bytes.extend_from_slice(&chunk[n - TAIL_BYTES..]);
            self.start = end + (n - TAIL_BYTES) as u64;
        } else {
            if self.bytes.len() + n > 2 * TAIL_BYTES {
                let dropped = self.bytes.len() + n - TAIL_BYTES;
                self.bytes.drain(..dropped);
                self.start += dropped as u64;
            }
            self.bytes.extend_from_slice(chunk);
        }
    }

    /// Feeds the stream's bytes from `offset` to the end of what was read to `scan`. Returns
    /// false, feeding nothing, when the first of them is no longer kept.
    fn feed_from(&self, offset: u64, scan: &mut QuoteScan) -> bool {
        let bytes = offset
            .checked_sub(self.start)
            .and_then(|skip| usize::try_from(skip).ok())
            .and_then(|skip| self.bytes.get(skip..));
        match bytes {
            Some(bytes) => {
                scan.feed(bytes);
                true
            }
            None => false,
        }
    }

    /// Returns the last byte read.
    fn last_byte(&self) -> Option<u8> {
        self.bytes.last().copied()
    }
}

/// A reader that keeps the last bytes of what passes through it in a [`StreamTail`].
struct TailWatch<R> {
    inner: R,
    tail: StreamTail,
}

impl<R: Read> TailWatch<R> {
    fn new(inner: R) -> TailWatch<R> {
        TailWatch {
            inner,
            tail: StreamTail::default(),
        }
    }
}

impl<R: Read> Read for TailWatch<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.tail.record(&buf[..n]);
        Ok(n)
    }
}

/// The stream that the CSV reader reads: the first line, read to find the delimiter, then the
/// rest of the decoded file, watched for line breaks and its last bytes.
type Watched =
    TailWatch<BreakWatch<std::io::Chain<Cursor<Vec<u8>>, BufReader<Box<dyn Read + Send>>>>>;

/// The file and decoding behind the stream that the CSV reader reads.
struct StreamSource {
    path: std::path::PathBuf,
    /// The encoding transcoded from, or `None` for bytes read as they are.
    encoding: Option<&'static Encoding>,
    /// The offset of stream offset 0: in the file for bytes read as they are, else in the
    /// decoded text. It is past a byte order mark and a `sep=` line.
    start: u64,
}

impl StreamSource {
    /// Wraps `file` in a decoder from [`StreamSource::encoding`], if there is one.
    fn decode(&self, file: BufReader<File>) -> Box<dyn Read + Send> {
        match self.encoding {
            Some(encoding) => Box::new(
                DecodeReaderBytesBuilder::new()
                    .encoding(Some(encoding))
                    .bom_override(true)
                    .build(file),
            ),
            None => Box::new(file),
        }
    }

    /// Opens the stream again at stream offset `offset`. A transcoded file is decoded again from
    /// its start, because decoded offsets do not map to file offsets.
    fn open_at(&self, offset: u64) -> std::io::Result<Box<dyn Read + Send>> {
        let mut file = File::open(&self.path)?;
        if self.encoding.is_none() {
            file.seek(SeekFrom::Start(self.start + offset))?;
            return Ok(Box::new(BufReader::new(file)));
        }
        let mut decoded = self.decode(BufReader::new(file));
        let skip = self.start + offset;
        let skipped = std::io::copy(&mut decoded.by_ref().take(skip), &mut std::io::sink())?;
        if skipped < skip {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(decoded)
    }
}

/// The start of a record in the stream, as the CSV reader counts: the byte offset, and the line,
/// which is one plus the `\n` bytes before it.
#[derive(Clone, Copy, Debug)]
struct RecordStart {
    byte: u64,
    line: u64,
}

impl RecordStart {
    fn of(position: &csv::Position) -> RecordStart {
        RecordStart {
            byte: position.byte(),
            line: position.line(),
        }
    }
}

/// Follows the quotes of CSV text as the `csv` crate reads it, to find a quoted field that is
/// still open where the text ends. A field is quoted when it starts with `"`, and `""` inside it
/// is one quote. A quote elsewhere is text, and there is no escape character.
#[derive(Debug)]
struct QuoteScan {
    delimiter: u8,
    state: QuoteState,
    /// `\n` bytes read so far.
    newlines: u64,
    /// Zero-based column of the current field in its record.
    column: usize,
    /// The column of the last quoted field that started, and the `\n` bytes before its quote.
    opened: (usize, u64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QuoteState {
    FieldStart,
    Unquoted,
    Quoted,
    /// After a `"` inside a quoted field: a second `"` continues the field, anything else ends
    /// the quoting.
    QuoteInQuoted,
}

/// A quoted field that the text never closes.
#[derive(Debug, PartialEq, Eq)]
struct OpenQuote {
    /// Zero-based column of the field.
    column: usize,
    /// `\n` bytes before the opening quote.
    newlines_before: u64,
    /// `\n` bytes after it, up to the end of the text.
    newlines_after: u64,
}

impl QuoteScan {
    fn new(delimiter: u8) -> QuoteScan {
        QuoteScan {
            delimiter,
            state: QuoteState::FieldStart,
            newlines: 0,
            column: 0,
            opened: (0, 0),
        }
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.state == QuoteState::Quoted {
                // Quoted text is passed over up to its next quote.
                let inside = memchr::memchr(b'"', bytes).unwrap_or(bytes.len());
                self.newlines += memchr::memchr_iter(b'\n', &bytes[..inside]).count() as u64;
                bytes = &bytes[inside..];
                if bytes.is_empty() {
                    return;
                }
            }
            let byte = bytes[0];
            self.state = self.next_state(byte);
            if byte == b'\n' {
                self.newlines += 1;
            }
            bytes = &bytes[1..];
        }
    }

    fn next_state(&mut self, byte: u8) -> QuoteState {
        match (self.state, byte) {
            (QuoteState::Quoted, b'"') => QuoteState::QuoteInQuoted,
            (QuoteState::Quoted, _) | (QuoteState::QuoteInQuoted, b'"') => QuoteState::Quoted,
            (QuoteState::FieldStart, b'"') => {
                self.opened = (self.column, self.newlines);
                QuoteState::Quoted
            }
            (_, byte) if byte == self.delimiter => {
                self.column += 1;
                QuoteState::FieldStart
            }
            (_, b'\n' | b'\r') => {
                self.column = 0;
                QuoteState::FieldStart
            }
            _ => QuoteState::Unquoted,
        }
    }

    /// Returns the quoted field that is open at the end of the text fed, if any.
    fn open_quote(&self) -> Option<OpenQuote> {
        (self.state == QuoteState::Quoted).then(|| OpenQuote {
            column: self.opened.0,
            newlines_before: self.opened.1,
            newlines_after: self.newlines - self.opened.1,
        })
    }
}

/// Normalises a header for lookup: trimmed, lower case, whitespace folded, a trailing
/// ` [list]` (Zendesk drop-down fields) removed.
pub fn header_key(header: &str) -> String {
    let trimmed = header.trim().trim_start_matches('\u{feff}').trim();
    let trimmed = trimmed
        .strip_suffix("[list]")
        .or_else(|| trimmed.strip_suffix("[List]"))
        .unwrap_or(trimmed)
        .trim();
    let mut key = String::with_capacity(trimmed.len());
    for word in trimmed.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(&word.to_lowercase());
    }
    key
}

impl CsvInput {
    /// Opens `path`, detects its encoding and delimiter, and reads the header row. Notes about
    /// how the file was read and warnings about its header go to `messages`.
    pub fn open(path: &Path, messages: &mut Messages) -> Result<CsvInput, String> {
        let file = File::open(path).map_err(|err| format!("cannot open: {err}"))?;
        let file_len = file.metadata().map_or(u64::MAX, |metadata| metadata.len());
        let mut buffered = BufReader::with_capacity(SNIFF_BYTES, file);
        let sample = fill_sample(&mut buffered)?;
        check_container(&sample)?;
        let mut encoding = sniff_encoding(&sample);
        check_text(&sample, encoding)?;
        let sample_is_whole_file = sample.len() as u64 >= file_len;
        if encoding == Some(WINDOWS_1252) && !sample_is_whole_file {
            // The UTF-8 text may start after the sample, and reading it as Windows-1252 would
            // garble it, so the whole file decides.
            if tally_file(path)?.is_mostly_utf8() {
                encoding = None;
            }
        }
        if let Some(encoding) = encoding {
            messages.note(format!("read as {}", encoding.name()));
        }
        let mut source = StreamSource {
            path: path.to_path_buf(),
            encoding,
            start: 0,
        };
        if encoding.is_none() && sample.starts_with(b"\xEF\xBB\xBF") {
            buffered.consume(3);
            source.start = 3;
        }
        let decoded = source.decode(buffered);
        let mut decoded = BufReader::with_capacity(SNIFF_BYTES, decoded);
        let mut first_line = Vec::new();
        decoded
            .read_until(b'\n', &mut first_line)
            .map_err(|err| format!("cannot read: {err}"))?;
        let mut line_offset = 0u64;
        let mut delimiter = None;
        let trimmed_first = String::from_utf8_lossy(&first_line);
        let trimmed_first = trimmed_first.trim();
        if let Some(sep) = trimmed_first
            .strip_prefix("sep=")
            .or_else(|| trimmed_first.strip_prefix("SEP="))
        {
            if let [byte] = sep.as_bytes() {
                delimiter = Some(*byte);
                line_offset = 1;
                source.start += first_line.len() as u64;
                first_line.clear();
                decoded
                    .read_until(b'\n', &mut first_line)
                    .map_err(|err| format!("cannot read: {err}"))?;
            }
        }
        let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&first_line));
        if delimiter != b',' {
            let name = match delimiter {
                b';' => "`;`".to_string(),
                b'\t' => "tab".to_string(),
                other => format!("`{}`", char::from(other)),
            };
            messages.note(format!("columns are separated by {name}"));
        }
        let stream = TailWatch::new(BreakWatch::new(Cursor::new(first_line).chain(decoded)));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(false)
            .buffer_capacity(SNIFF_BYTES)
            .from_reader(stream);
        let mut header = csv::ByteRecord::new();
        let has_header = reader
            .read_byte_record(&mut header)
            .map_err(|err| format!("cannot read the header row: {err}"))?;
        if !has_header {
            return Err("the file is empty: no header row".to_string());
        }
        let headers = decode_headers(&header, 1 + line_offset, messages);
        let by_name = index_headers(&headers, 1 + line_offset, messages);
        let records = RecordReader {
            reader,
            headers: headers.clone(),
            line_offset,
            source,
            delimiter,
            last_start: header.position().map(RecordStart::of),
        };
        Ok(CsvInput {
            headers,
            by_name,
            rows: Rows::Waiting(Box::new(records)),
        })
    }

    /// Number of cells in the current row.
    pub fn cells_in(row: &Row<'_>) -> usize {
        row.record.len()
    }

    /// Finds each field's column: a `columns` override from the configuration first, then the
    /// aliases.
    pub fn columns(&self, fields: &[FieldSpec], overrides: &HashMap<String, String>) -> Columns {
        let mut index = FxHashMap::default();
        for field in fields {
            let found = match overrides.get(field.name) {
                Some(header) => self.by_name.get(&header_key(header)).copied(),
                None => field
                    .aliases
                    .iter()
                    .find_map(|alias| self.by_name.get(&header_key(alias)).copied()),
            };
            if let Some(column) = found {
                index.insert(field.name, column);
            }
        }
        Columns { index }
    }

    /// Finds the column whose header is exactly `header` (normalised), for configured custom fields.
    pub fn column_named(&self, header: &str) -> Option<usize> {
        self.by_name.get(&header_key(header)).copied()
    }

    /// Reads the next row; ragged rows are reported and padded with empty cells. Returns `None`
    /// at the end of the file. A file that cannot be read further (truncated or unreadable)
    /// gets a `truncated` error and then returns `None`, and the rows already read still count.
    pub fn next_data_row(&mut self, messages: &mut Messages) -> Option<Row<'_>> {
        self.advance(messages)?;
        let Rows::Streaming(stream) = &self.rows else {
            return None;
        };
        let (line, record) = &stream.current.rows[stream.next - 1];
        Some(Row {
            line: *line,
            record,
            headers: &self.headers,
        })
    }

    /// Moves to the next row, receiving the next batch when the current one is used up, and
    /// returns `None` at the end. Messages about the row, or about how the reading ended, go to
    /// `messages`.
    fn advance(&mut self, messages: &mut Messages) -> Option<()> {
        loop {
            match &mut self.rows {
                Rows::Waiting(_) => self.start(),
                Rows::Streaming(stream) => {
                    if let Some((line, record)) = stream.current.rows.get(stream.next) {
                        stream.next += 1;
                        warn_if_ragged(*line, record.len(), self.headers.len(), messages);
                        return Some(());
                    }
                    // The reading thread frees or reuses the rows it read. It is gone only after
                    // this stream is dropped.
                    let spent = std::mem::take(&mut stream.current.rows);
                    let _ = stream.spent.send(spent);
                    let end = match stream.current.end.take() {
                        Some(end) => Some(end),
                        None => match stream.batches.recv() {
                            Ok(batch) => {
                                stream.current = batch;
                                stream.next = 0;
                                None
                            }
                            Err(_) => Some(Ending::Failed(
                                "the reading stopped unexpectedly".to_string(),
                            )),
                        },
                    };
                    if let Some(end) = end {
                        report_ending(end, messages);
                        self.rows = Rows::Ended;
                        return None;
                    }
                }
                Rows::Ended => return None,
            }
        }
    }

    /// Starts the reading thread.
    fn start(&mut self) {
        let Rows::Waiting(records) = std::mem::replace(&mut self.rows, Rows::Ended) else {
            return;
        };
        let (batch_sender, batches) = mpsc::sync_channel(BATCHES_AHEAD);
        let (spent, spent_receiver) = mpsc::channel();
        let started = std::thread::Builder::new()
            .name("dex-csv".to_string())
            .spawn(move || records.send_batches(&batch_sender, &spent_receiver));
        self.rows = match started {
            Ok(_) => Rows::Streaming(Stream {
                batches,
                spent,
                current: Batch::default(),
                next: 0,
            }),
            Err(err) => Rows::Streaming(Stream {
                batches,
                spent,
                current: Batch {
                    rows: Vec::new(),
                    end: Some(Ending::Failed(format!("cannot start reading: {err}"))),
                },
                next: 0,
            }),
        };
    }
}

/// Returns the header names of the header row on `line`, trimmed. A name that is not valid
/// UTF-8 is read as Windows-1252, with a warning.
fn decode_headers(header: &csv::ByteRecord, line: u64, messages: &mut Messages) -> Vec<String> {
    let decode = |(column, cell): (usize, &[u8])| match std::str::from_utf8(cell) {
        Ok(text) => text.trim().to_string(),
        Err(_) => decode_1252(cell, line, &format!("column {}", column + 1), messages),
    };
    header.iter().enumerate().map(decode).collect()
}

/// Warns about a row of `found` cells under a header of `expected`. A single-cell row is a
/// comment or a report footer, which the source decides about.
fn warn_if_ragged(line: u64, found: usize, expected: usize, messages: &mut Messages) {
    if found == expected || found <= 1 {
        return;
    }
    let message = if found < expected {
        format!(
            "row has {found} fields but the header has {expected}; the missing fields are read \
             as empty"
        )
    } else {
        format!(
            "row has {found} fields but the header has {expected}; fields after column \
             {expected} are ignored"
        )
    };
    messages.warning("ragged-row", line, None, message);
}

/// Reports how the reading of the rows ended, when it ended at a problem.
fn report_ending(end: Ending, messages: &mut Messages) {
    match end {
        Ending::Finished(None) => {}
        Ending::Finished(Some(quote)) => {
            let UnclosedQuote {
                line,
                last_line,
                field,
            } = quote;
            if last_line > line {
                let message = format!(
                    "quoted field is never closed, so the rest of the file (lines {line} to \
                     {last_line}) was read as this one cell and the rows after line {line} were \
                     not imported; add the closing `\"` and import again"
                );
                messages.error("unclosed-quote", line, Some(&field), message);
            } else {
                let message =
                    "quoted field is never closed; the cell was read to the end of the file";
                messages.warning("unclosed-quote", line, Some(&field), message.to_string());
            }
        }
        Ending::Failed(err) => messages.push(
            "truncated",
            Level::Error,
            None,
            None,
            format!("{err}; the rows before it were imported"),
        ),
    }
}

impl RecordReader {
    /// Reads every record and sends them in batches, the last batch saying how the reading
    /// ended. Stops early when the rows are no longer taken.
    fn send_batches(mut self, batches: &SyncSender<Batch>, spent: &Receiver<Vec<(u64, Record)>>) {
        let mut buffers: Vec<(u64, Record)> = Vec::new();
        let mut size = FIRST_BATCH_ROWS;
        loop {
            let mut batch = Batch {
                rows: Vec::with_capacity(size),
                end: None,
            };
            while batch.rows.len() < size {
                if buffers.is_empty() {
                    buffers = spent.try_recv().unwrap_or_default();
                }
                let buffer = buffers.pop().map(|(_, record)| record.into_bytes());
                match self.read_next(buffer.unwrap_or_default()) {
                    Ok(Some(row)) => batch.rows.push(row),
                    Ok(None) => {
                        batch.end = Some(Ending::Finished(self.unclosed_quote()));
                        break;
                    }
                    Err(err) => {
                        batch.end = Some(Ending::Failed(err));
                        break;
                    }
                }
            }
            let last = batch.end.is_some();
            if batches.send(batch).is_err() {
                return;
            }
            if last {
                // Frees the rows that the stream returns until it is dropped: mimalloc frees
                // memory faster on the thread that allocated it.
                for rows in spent {
                    drop(rows);
                }
                return;
            }
            size = (size * 2).min(BATCH_ROWS);
        }
    }

    /// Reads the next row that is not blank into `record` and returns it with the line where it
    /// starts. Returns `Ok(None)` at the end of the file, and `Err` when it cannot be read
    /// further.
    fn read_next(&mut self, mut record: csv::ByteRecord) -> Result<Option<(u64, Record)>, String> {
        loop {
            match self.reader.read_byte_record(&mut record) {
                Ok(false) => return Ok(None),
                Ok(true) => self.last_start = record.position().map(RecordStart::of),
                Err(err) => {
                    let line = err.position().map_or(0, |at| self.line_of(at));
                    return Err(format!("line {line}: cannot read further: {err}"));
                }
            }
            let blank = record
                .iter()
                .all(|cell| cell.iter().all(u8::is_ascii_whitespace));
            if !blank {
                let line = record.position().map_or(0, |at| self.line_of(at));
                return Ok(Some((line, Record::from_bytes(record))));
            }
        }
    }

    /// Finds a quoted field of the last record that is never closed, after which the CSV reader
    /// read the rest of the file into that one cell. Called at the end of the file.
    // NOTE: a stray quote that a later quote closes again is not found here. The rows between
    // the two quotes become one cell, and only a wrong field count of the merged record, if it
    // has one, shows as a `ragged-row` warning.
    fn unclosed_quote(&self) -> Option<UnclosedQuote> {
        let start = self.last_start?;
        let mut scan = QuoteScan::new(self.delimiter);
        // A last record longer than the tail is read again from the file. A read error there
        // leaves the file unchecked, as its rows were all read already.
        // The last bytes of the stream usually contain the whole last record.
        let tail = &self.reader.get_ref().tail;
        if !tail.feed_from(start.byte, &mut scan)
            && self.scan_from_file(start.byte, &mut scan).is_err()
        {
            return None;
        }
        let open = scan.open_quote()?;
        let line = start.line + self.line_offset + open.newlines_before;
        // A `\n` that ends the file ends its last line rather than starting another. It comes
        // after the quote, so `newlines_after` counts it.
        let ends_in_newline = tail.last_byte() == Some(b'\n');
        let field = match written_header(&self.headers, Some(open.column)) {
            Some(header) => header.to_string(),
            None => format!("column {}", open.column + 1),
        };
        Some(UnclosedQuote {
            line,
            last_line: line + open.newlines_after - u64::from(ends_in_newline),
            field,
        })
    }

    /// Feeds the stream from `offset` to its end to `scan`, read again from the file.
    fn scan_from_file(&self, offset: u64, scan: &mut QuoteScan) -> std::io::Result<()> {
        let mut stream = self.source.open_at(offset)?;
        let mut buffer = vec![0; SNIFF_BYTES];
        loop {
            match stream.read(&mut buffer) {
                Ok(0) => return Ok(()),
                Ok(read) => scan.feed(&buffer[..read]),
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
    }

    /// Returns the line of the file where a record's text starts. The CSV reader ends a record
    /// at the `\r` of a `\r\n` and starts the next one at its `\n`. After blank lines it starts
    /// a record at the first of them, so the breaks from the record's start are counted.
    fn line_of(&mut self, at: &csv::Position) -> u64 {
        let breaks = &mut self.reader.get_mut().inner.breaks;
        at.line() + self.line_offset + breaks.newlines_from(at.byte())
    }
}

/// Maps each normalised header to its first column, warning about duplicates.
fn index_headers(headers: &[String], line: u64, messages: &mut Messages) -> HashMap<String, usize> {
    let mut by_name = HashMap::new();
    for (index, name) in headers.iter().enumerate() {
        let key = header_key(name);
        if key.is_empty() {
            continue;
        }
        if let Some(first) = by_name.get(&key) {
            messages.warning(
                "duplicate-header",
                line,
                Some(name),
                format!(
                    "duplicate column `{}` (columns {} and {}); using column {}",
                    excerpt(name),
                    first + 1,
                    index + 1,
                    first + 1
                ),
            );
        } else {
            by_name.insert(key, index);
        }
    }
    by_name
}

/// Rejects a file whose first bytes show a zip archive (as an Excel workbook is), a gzip stream
/// or an Excel 97-2003 workbook, with what to do instead.
fn check_container(sample: &[u8]) -> Result<(), String> {
    const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    match container_of(sample) {
        Container::Zip => Err(
            "looks like an Excel workbook or zip archive, not a CSV file; \
                               export the sheet as CSV and import that file"
                .to_string(),
        ),
        Container::Gzip => Err(
            "is gzip-compressed, not a CSV file; decompress it (gunzip) and \
                                import the CSV file inside"
                .to_string(),
        ),
        Container::Plain if sample.starts_with(OLE_MAGIC) => Err(
            "looks like an Excel 97-2003 workbook, not a CSV file; export the sheet as CSV and \
             import that file"
                .to_string(),
        ),
        Container::Plain => Ok(()),
    }
}

/// Rejects a file whose first bytes contain a NUL character, which text never does: a NUL byte
/// in UTF-8 or Windows-1252 text, or a NUL code unit in UTF-16.
fn check_text(sample: &[u8], encoding: Option<&Encoding>) -> Result<(), String> {
    let nul_at = if encoding == Some(UTF_16LE) || encoding == Some(UTF_16BE) {
        sample
            .chunks_exact(2)
            .position(|unit| unit == [0, 0])
            .map(|unit| unit * 2)
    } else {
        memchr::memchr(0, sample)
    };
    match nul_at {
        Some(at) => Err(format!(
            "is a binary file, not CSV text (a NUL character at byte {at}); export the data as \
             CSV and import that file"
        )),
        None => Ok(()),
    }
}

fn fill_sample(reader: &mut BufReader<File>) -> Result<Vec<u8>, String> {
    let buffer = reader
        .fill_buf()
        .map_err(|err| format!("cannot read: {err}"))?;
    Ok(buffer.to_vec())
}

/// Chooses how to decode the file from its first bytes: `Some(encoding)` to transcode, `None`
/// to read as UTF-8 with Windows-1252 for each cell that is not valid UTF-8.
fn sniff_encoding(sample: &[u8]) -> Option<&'static Encoding> {
    if let Some((encoding, _)) = Encoding::for_bom(sample) {
        if encoding == UTF_16LE || encoding == UTF_16BE {
            return Some(encoding);
        }
        return None;
    }
    let pairs = sample.len() / 2;
    if pairs >= 4 {
        let even_zeros = sample.iter().step_by(2).filter(|b| **b == 0).count();
        let odd_zeros = sample
            .iter()
            .skip(1)
            .step_by(2)
            .filter(|b| **b == 0)
            .count();
        if odd_zeros * 3 > pairs {
            return Some(UTF_16LE);
        }
        if even_zeros * 3 > pairs {
            return Some(UTF_16BE);
        }
    }
    let mut tally = Utf8Tally::default();
    // A sample cut inside a character leaves its first bytes uncounted.
    tally.add(sample);
    if tally.is_mostly_utf8() {
        None
    } else {
        Some(WINDOWS_1252)
    }
}

/// Counts of what a byte stream contains, to tell UTF-8 from Windows-1252. Text in Windows-1252
/// rarely forms valid multi-byte UTF-8, because that needs a letter such as `Ã` followed at once
/// by a symbol such as `©`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Utf8Tally {
    /// Valid UTF-8 characters of two to four bytes.
    multibyte: u64,
    /// Byte sequences that are not valid UTF-8, such as one Windows-1252 `é` (0xE9).
    invalid: u64,
}

impl Utf8Tally {
    /// Counts `bytes` and returns how many bytes at its end begin a character that may continue
    /// in the next chunk, which are left uncounted.
    fn add(&mut self, bytes: &[u8]) -> usize {
        let mut chunks = bytes.utf8_chunks().peekable();
        while let Some(chunk) = chunks.next() {
            // Each multi-byte character has exactly one lead byte, and lead bytes are 0xC0 or more.
            let leads = chunk.valid().bytes().filter(|byte| *byte >= 0xC0).count();
            self.multibyte += leads as u64;
            let invalid = chunk.invalid();
            if invalid.is_empty() {
                continue;
            }
            let unfinished =
                std::str::from_utf8(invalid).is_err_and(|err| err.error_len().is_none());
            if chunks.peek().is_none() && unfinished {
                return invalid.len();
            }
            self.invalid += 1;
        }
        0
    }

    /// Checks whether the bytes contain at least as many valid multi-byte characters as invalid
    /// sequences.
    fn is_mostly_utf8(self) -> bool {
        self.multibyte >= self.invalid
    }
}

/// Counts the bytes of the whole file at `path`.
fn tally_file(path: &Path) -> Result<Utf8Tally, String> {
    let mut file = File::open(path).map_err(|err| format!("cannot open: {err}"))?;
    let mut tally = Utf8Tally::default();
    let mut buffer = vec![0; SNIFF_BYTES];
    let mut carried = 0;
    loop {
        let read = file
            .read(&mut buffer[carried..])
            .map_err(|err| format!("cannot read: {err}"))?;
        if read == 0 {
            if carried > 0 {
                tally.invalid += 1;
            }
            return Ok(tally);
        }
        let filled = carried + read;
        let unfinished = tally.add(&buffer[..filled]);
        buffer.copy_within(filled - unfinished..filled, 0);
        carried = unfinished;
    }
}

/// Picks the delimiter that occurs most often outside quotes in the header line.
fn sniff_delimiter(line: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    let candidates = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for &byte in line {
        if byte == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = candidates.iter().position(|c| *c == byte) {
                counts[i] += 1;
            }
        }
    }
    let mut best = 0;
    for i in 1..counts.len() {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    candidates[best]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_lines_with_every_line_ending() {
        let lines_of = |bytes: &[u8]| {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("accounts.csv");
            std::fs::write(&path, bytes).unwrap();
            let mut messages = Messages::new("accounts.csv");
            let mut input = CsvInput::open(&path, &mut messages).unwrap();
            let mut lines = Vec::new();
            while let Some(row) = input.next_data_row(&mut messages) {
                lines.push(row.line);
            }
            lines
        };
        assert_eq!(lines_of(b"Id,Name\n1,a\n2,b\n"), [2, 3]);
        assert_eq!(lines_of(b"Id,Name\r\n1,a\r\n2,b\r\n"), [2, 3]);
        // A quoted cell that spans two lines, and mixed endings.
        assert_eq!(
            lines_of(b"Id,Name\r\n1,\"x\r\ny\"\r\n2,b\n3,c\r\n4,d"),
            [2, 4, 5, 6]
        );
        assert_eq!(lines_of(b"sep=;\r\nId;Name\r\n1;a\r\n"), [3]);
        // A `\r` alone ends a line, as in Excel's "CSV (Macintosh)", also before blank lines, in a
        // quoted cell and before a `\r\n`.
        assert_eq!(lines_of(b"Id,Name\r1,a\r2,b\r"), [2, 3]);
        assert_eq!(lines_of(b"Id,Name\r\r1,a\r\r\r2,b"), [3, 6]);
        assert_eq!(lines_of(b"Id,Name\r1,\"x\ry\"\r2,b\r\r\n3,c\n"), [2, 4, 6]);
    }

    /// A reader that returns at most `chunk` bytes per read.
    struct Chunked<'a> {
        bytes: &'a [u8],
        chunk: usize,
    }

    impl Read for Chunked<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.chunk.min(buf.len()).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    impl BufRead for Chunked<'_> {
        fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
            Ok(&self.bytes[..self.chunk.min(self.bytes.len())])
        }

        fn consume(&mut self, amount: usize) {
            self.bytes = &self.bytes[amount..];
        }
    }

    #[test]
    fn line_breaks_across_reads() {
        let text = b"\r\na\r\n\nb\rc\r\r\n\r\nd\n\r\n\n\ne";
        // Every line-break byte right after another one, by the bytes around it.
        let expected: Vec<Break> = (1..text.len())
            .filter(|&at| {
                matches!(text[at], b'\r' | b'\n') && matches!(text[at - 1], b'\r' | b'\n')
            })
            .map(|at| Break {
                at: at as u64,
                newline: text[at] == b'\n',
            })
            .collect();
        for chunk in 1..=text.len() {
            let mut watch = BreakWatch::new(Chunked { bytes: text, chunk });
            std::io::copy(&mut watch, &mut std::io::sink()).unwrap();
            let found: Vec<Break> = watch.breaks.0.iter().copied().collect();
            assert_eq!(found, expected, "reads of {chunk} bytes");
        }
        let mut watch = BreakWatch::new(&text[..]);
        std::io::copy(&mut watch, &mut std::io::sink()).unwrap();
        let breaks = &mut watch.breaks;
        // `\n\r\n\n\ne` from byte 15: four breaks after the first, three of them `\n`.
        assert_eq!(breaks.newlines_from(4), 2);
        assert_eq!(breaks.newlines_from(16), 3);
        assert_eq!(breaks.newlines_from(20), 0);
    }

    /// Rows come in file order with their lines and warnings across the batches that the
    /// reading thread sends.
    #[test]
    fn rows_span_many_batches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("many.csv");
        let mut text = String::from("Id,Name\n");
        let mut expected = Vec::new();
        let mut ragged = Vec::new();
        let mut line = 1;

        for id in 0..3 * BATCH_ROWS + 7 {
            line += 1;
            if id % 100 == 0 {
                text.push('\n');
                line += 1;
            }
            if id % 1000 == 0 {
                let _ = writeln!(text, "{id},n{id},extra");
                ragged.push(line);
            } else {
                let _ = writeln!(text, "{id},n{id}");
            }
            expected.push((line, id.to_string()));
        }
        std::fs::write(&path, text).unwrap();

        let mut messages = Messages::new("many.csv");
        let mut input = CsvInput::open(&path, &mut messages).unwrap();
        let mut rows = Vec::new();
        while let Some(row) = input.next_data_row(&mut messages) {
            let id = row.text(Some(0), &mut messages).unwrap().into_owned();
            rows.push((row.line, id));
        }
        assert_eq!(rows, expected);
        let warned: Vec<u64> = (messages.finish().iter())
            .filter(|m| m.message.contains("row has 3 fields"))
            .filter_map(|m| m.line)
            .collect();
        assert_eq!(warned, ragged);
    }

    /// An input left before its last row stops its reading thread and returns.
    #[test]
    fn input_dropped_mid_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.csv");
        // More rows than the batches that the reading thread may read ahead.
        let mut text = String::from("Id,Name\n");
        for id in 0..(BATCHES_AHEAD + 3) * BATCH_ROWS {
            let _ = writeln!(text, "{id},n");
        }
        std::fs::write(&path, text).unwrap();
        let mut messages = Messages::new("long.csv");
        let mut input = CsvInput::open(&path, &mut messages).unwrap();
        assert_eq!(input.next_data_row(&mut messages).unwrap().line, 2);
        drop(input);
        assert!(messages.finish().is_empty());
    }

    /// Rows after blank lines, in LF and CRLF files, get the lines their text is on.
    #[test]
    fn rows_after_blank_lines_get_their_lines() {
        let dir = tempfile::tempdir().unwrap();
        for eol in ["\n", "\r\n"] {
            let path = dir.path().join("blank.csv");
            let text = ["Name,ARR", "", "Acme,1", "", "", "Globex,2", "Initech,3"].join(eol);
            std::fs::write(&path, text).unwrap();
            let mut messages = Messages::new("blank.csv");
            let mut input = CsvInput::open(&path, &mut messages).unwrap();
            let mut lines = Vec::new();
            while let Some(row) = input.next_data_row(&mut messages) {
                lines.push(row.line);
            }
            assert_eq!(lines, [3, 6, 7], "{eol:?}");
        }
    }

    #[test]
    fn read_rows_counts_skips_and_keeps_messages() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accounts.csv");
        std::fs::write(&path, b"Id,Name\n1,Caf\xE9\nTotal\n2,Globex\n").unwrap();
        let mut messages = Messages::new("accounts.csv");
        let input = CsvInput::open(&path, &mut messages).unwrap();
        let fields = [FieldSpec {
            name: "name",
            aliases: &["Name"],
        }];
        let columns = input.columns(&fields, &HashMap::new());
        let export = Export {
            file: "accounts.csv".into(),
            input,
            columns,
            messages,
        };

        let mut parsed = Parsed::default();
        let mut seen = Vec::new();
        let is_total = |row: &Row<'_>, messages: &mut Messages| {
            row.cell(Some(0), messages).as_deref() == Some("Total")
        };
        let file =
            export.read_rows_except(&mut parsed, is_total, |row, columns, file, messages, _| {
                let name = row.cell(columns.get("name"), messages);
                seen.push((file.to_string(), row.line, name));
            });

        assert_eq!(file, "accounts.csv");
        assert_eq!(parsed.rows_read, 2, "the skipped row is not counted");
        assert_eq!(
            seen,
            [
                ("accounts.csv".to_string(), 2, Some(Cell::from("Café"))),
                ("accounts.csv".to_string(), 4, Some(Cell::from("Globex"))),
            ]
        );
        assert_eq!(parsed.messages.len(), 1, "{:?}", parsed.messages);
        assert!(parsed.messages[0].message.contains("windows-1252"));
    }

    #[test]
    fn stray_bytes_read_as_windows_1252() {
        let mut messages = Messages::new("accounts.csv");
        let cases: [(&[u8], &str); 4] = [
            (b"Caf\xE9 Corp", "Café Corp"),
            // UTF-8 `é` and a Windows-1252 right single quote (0x92) in one cell.
            (b"Ren\xC3\xA9e\x92s Bakery", "Renée’s Bakery"),
            (b" \xE9lise \xF0\x9F\x93\x85 ", "élise 📅"),
            // A truncated UTF-8 sequence: each of its bytes on its own.
            (b"M\xC3ller", "MÃller"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(decode_1252(bytes, 2, "Name", &mut messages), expected);
        }
        let warnings = messages.finish();
        assert_eq!(warnings.len(), 4);
        assert!(
            warnings[1]
                .message
                .contains("`Ren\u{e9}e\\x92s Bakery`; read as Windows-1252 `Renée’s Bakery`"),
            "{}",
            warnings[1].message
        );
    }

    #[test]
    fn header_keys_fold_case_space_and_list_suffix() {
        assert_eq!(header_key(" Plan  Tier [list] "), "plan tier");
        assert_eq!(header_key("\u{feff}ID"), "id");
    }

    #[test]
    fn cell_trim_matches_str_trim() {
        for text in [
            "",
            " ",
            "a",
            " a ",
            "a\u{a0}",
            "\u{2003}a",
            "a\u{b}",
            "\tA b\r",
            "é",
            "ab",
        ] {
            assert_eq!(trim(text), text.trim(), "{text:?}");
        }
    }

    #[test]
    fn delimiters_outside_quotes() {
        assert_eq!(sniff_delimiter(b"a;b;\"c,d,e\"\n"), b';');
        assert_eq!(sniff_delimiter(b"a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a,b\n"), b',');
    }

    #[test]
    fn encodings_from_first_bytes() {
        assert_eq!(sniff_encoding(b"\xEF\xBB\xBFId,Name\n"), None);
        assert_eq!(sniff_encoding(b"\xFF\xFEI\0d\0,\0N\0"), Some(UTF_16LE));
        assert_eq!(sniff_encoding(b"\xFE\xFF\0I\0d\0,\0N"), Some(UTF_16BE));
        assert_eq!(sniff_encoding(b"I\0d\0,\0N\0a\0m\0e\0"), Some(UTF_16LE));
        assert_eq!(sniff_encoding(b"\0I\0d\0,\0N\0a\0m\0e"), Some(UTF_16BE));
        assert_eq!(sniff_encoding(b"Name\nCaf\xE9 Corp\n"), Some(WINDOWS_1252));
        assert_eq!(sniff_encoding("Name\nCafé\n".as_bytes()), None);
        assert_eq!(sniff_encoding(b"Name\nAcme\n"), None);
        // Mostly UTF-8, with one name saved as Windows-1252.
        let mixed = [
            "Name\nCafé Lumière\n".as_bytes(),
            b"M\xFCller\n",
            "Zoë\n".as_bytes(),
        ]
        .concat();
        assert_eq!(sniff_encoding(&mixed), None);
        // More Windows-1252 than UTF-8.
        let mostly_1252 = ["Name\nZoë\n".as_bytes(), b"\xC9lise\nF\xE9lix\n"].concat();
        assert_eq!(sniff_encoding(&mostly_1252), Some(WINDOWS_1252));
    }

    /// Feeds `text` to a [`QuoteScan`] in reads of `chunk` bytes.
    fn open_quote_of(text: &[u8], chunk: usize) -> Option<OpenQuote> {
        let mut scan = QuoteScan::new(b',');
        for piece in text.chunks(chunk) {
            scan.feed(piece);
        }
        scan.open_quote()
    }

    #[test]
    fn quote_scan_finds_open_quotes_only() {
        let open = |column, newlines_before, newlines_after| {
            Some(OpenQuote {
                column,
                newlines_before,
                newlines_after,
            })
        };
        let cases: [(&[u8], Option<OpenQuote>); 9] = [
            (b"1,a,b\n", None),
            // Closed cells over several lines, with doubled quotes and CRLF endings.
            (b"1,\"x\r\ny\",b\r\n", None),
            (b"1,\"say \"\"hi\"\"\nthere\"\n", None),
            // A quote inside an unquoted cell is text.
            (b"1,27\" monitor\n2,b\n", None),
            // Text after a closing quote continues the cell unquoted.
            (b"1,\"a\"b\"c,d\n", None),
            (b"1,\"unterminated\n2,b\n3,c\n", open(1, 0, 3)),
            (b"1,\"unterminated,b\n2,c\n", open(1, 0, 2)),
            (b"Id,Name\n1,a\n\"2,b", open(0, 2, 0)),
            (b"1,\"x\"\"\n", open(1, 0, 1)),
        ];
        for (text, expected) in cases {
            for chunk in 1..=text.len() {
                assert_eq!(
                    open_quote_of(text, chunk),
                    expected,
                    "{} in reads of {chunk} bytes",
                    String::from_utf8_lossy(text)
                );
            }
        }
    }

    #[test]
    fn tail_keeps_last_bytes_across_reads() {
        let text: Vec<u8> = (0..=250u8).cycle().take(5 * TAIL_BYTES).collect();
        for chunk in [
            1,
            7,
            TAIL_BYTES - 1,
            TAIL_BYTES,
            TAIL_BYTES + 3,
            3 * TAIL_BYTES,
        ] {
            let mut watch = TailWatch::new(Chunked {
                bytes: &text,
                chunk,
            });
            std::io::copy(&mut watch, &mut std::io::sink()).unwrap();
            let tail = &watch.tail;
            let start = usize::try_from(tail.start).unwrap();
            let end = start + tail.bytes.len();
            assert_eq!(end, text.len(), "reads of {chunk} bytes");
            assert!(tail.bytes.len() >= TAIL_BYTES, "reads of {chunk} bytes");
            assert!(tail.bytes.len() <= 2 * TAIL_BYTES, "reads of {chunk} bytes");
            assert_eq!(tail.bytes, text[start..], "reads of {chunk} bytes");
        }
    }

    /// Reads every row of `bytes` as the file `accounts.csv` and returns the messages.
    fn messages_of(bytes: &[u8]) -> Vec<crate::import::report::Message> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accounts.csv");
        std::fs::write(&path, bytes).unwrap();
        let mut messages = Messages::new("accounts.csv");
        let mut input = CsvInput::open(&path, &mut messages).unwrap();
        while input.next_data_row(&mut messages).is_some() {}
        messages.finish()
    }

    fn utf16le(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }

    #[test]
    fn unclosed_quote_at_end_is_reported() {
        let long_cell = "x".repeat(3 * TAIL_BYTES);
        let after = "2,b\n3,c\n";
        let unclosed = [
            // In the tail, and in a last record longer than the tail, which is read again.
            format!("Id,Name\n1,\"a\n{after}"),
            format!("Id,Name\n1,\"{long_cell}\n{after}"),
            format!("sep=,\r\nId,Name\r\n0,z\r\n1,\"{long_cell}\r\n2,b\r\n3,c\r\n"),
        ];
        for text in &unclosed {
            let encodings = [
                text.as_bytes().to_vec(),
                [b"\xEF\xBB\xBF", text.as_bytes()].concat(),
                utf16le(text),
            ];
            for bytes in encodings {
                let messages = messages_of(&bytes);
                let reported: Vec<_> = messages
                    .iter()
                    .filter(|m| m.message.contains("never closed"))
                    .collect();
                let line = if text.starts_with("sep=") { 4 } else { 2 };
                assert_eq!(reported.len(), 1, "{text:.40}: {messages:?}");
                assert_eq!(reported[0].line, Some(line), "{text:.40}");
                assert_eq!(reported[0].field.as_deref(), Some("Name"));
                assert_eq!(reported[0].level, Level::Error);
                let lines = format!("lines {line} to {}", line + 2);
                assert!(
                    reported[0].message.contains(&lines),
                    "{}",
                    reported[0].message
                );
            }
        }
    }

    #[test]
    fn closed_quotes_are_not_reported() {
        let long_cell = "x".repeat(3 * TAIL_BYTES);
        let closed = [
            "Id,Name\n1,\"a\nb\"\n2,c\n".to_string(),
            "Id,Name\n1,a\n2,\"b\nc\"".to_string(),
            format!("Id,Name\n1,\"{long_cell}\n\"\n"),
            "Id,Name\n1,27\" screen\n".to_string(),
        ];
        for text in &closed {
            for bytes in [text.as_bytes().to_vec(), utf16le(text)] {
                let messages = messages_of(&bytes);
                assert!(
                    !messages.iter().any(|m| m.message.contains("never closed")),
                    "{text:.40}: {messages:?}"
                );
            }
        }
    }

    #[test]
    fn unclosed_quote_on_last_line_is_a_warning() {
        let messages = messages_of(b"Id,Name\n1,a\n2,\"b\n");
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert_eq!(messages[0].line, Some(3));
        assert_eq!(messages[0].level, Level::Warning);
        assert_eq!(
            messages[0].message,
            "quoted field is never closed; the cell was read to the end of the file"
        );
    }

    #[test]
    fn binary_files_are_rejected() {
        let zip = b"PK\x03\x04\x14\0\x06\0[Content_Types].xml";
        assert!(
            check_container(zip)
                .unwrap_err()
                .contains("Excel workbook or zip archive")
        );
        let gzip = b"\x1f\x8b\x08\0\0\0\0\0";
        assert!(
            check_container(gzip)
                .unwrap_err()
                .contains("gzip-compressed")
        );
        let xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0";
        assert!(
            check_container(xls)
                .unwrap_err()
                .contains("Excel 97-2003 workbook")
        );
        assert_eq!(check_container(b"Id,Name\n"), Ok(()));

        assert_eq!(
            check_text(b"Id,Na\0me\n", None),
            Err(
                "is a binary file, not CSV text (a NUL character at byte 5); export the data as \
                 CSV and import that file"
                    .to_string()
            )
        );
        assert!(check_text(b"Caf\xE9\0", Some(WINDOWS_1252)).is_err());
        // UTF-16 text has a zero byte in most code units, but no zero code unit.
        assert_eq!(check_text(&utf16le("Id,Name\n"), Some(UTF_16LE)), Ok(()));
        let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";
        assert_eq!(sniff_encoding(elf), Some(UTF_16LE));
        assert!(
            check_text(elf, Some(UTF_16LE))
                .unwrap_err()
                .contains("byte 8")
        );
    }

    #[test]
    fn tally_counts_characters_and_invalid_sequences() {
        let mut tally = Utf8Tally::default();
        assert_eq!(tally.add("Zoë Ström, 東京, 🙂".as_bytes()), 0);
        assert_eq!(
            tally,
            Utf8Tally {
                multibyte: 5,
                invalid: 0
            }
        );
        // A lone 0xE9 followed by text, and a 0xE9 that is the last byte, which may be cut.
        let mut tally = Utf8Tally::default();
        assert_eq!(tally.add(b"Caf\xE9 and caf\xE9"), 1);
        assert_eq!(
            tally,
            Utf8Tally {
                multibyte: 0,
                invalid: 1
            }
        );
        // The first two bytes of `東` at the end are held back.
        let mut tally = Utf8Tally::default();
        assert_eq!(tally.add(b"ab\xE6\x9D"), 2);
        assert_eq!(tally, Utf8Tally::default());
    }

    #[test]
    fn tally_file_joins_characters_across_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("accounts.csv");
        // `é` (C3 A9) straddles the first read, and the file ends in a lone 0xE9.
        let mut bytes = vec![b'a'; SNIFF_BYTES - 1];
        bytes.extend_from_slice("é".as_bytes());
        bytes.extend_from_slice(b"\nCaf\xE9");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            tally_file(&path).unwrap(),
            Utf8Tally {
                multibyte: 1,
                invalid: 1
            }
        );
    }
}
