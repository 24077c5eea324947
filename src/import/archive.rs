//! Streams from compressed exports: the members of a zip archive (read through its central
//! directory, or one by one from the local headers when the archive is truncated) and gzip
//! streams, each handed to a callback as a reader, and reading ahead on a second thread.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek};
use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};

use flate2::read::MultiGzDecoder;

/// What a file starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    /// A zip archive (`PK\x03\x04`).
    Zip,
    /// A gzip stream (`\x1f\x8b`).
    Gzip,
    /// Anything else, read as it is.
    Plain,
}

/// Tells a zip archive and a gzip stream from plain text by their magic bytes.
pub fn sniff(path: &Path) -> Result<Container, String> {
    let mut magic = [0u8; 4];
    let mut file = File::open(path).map_err(|err| format!("cannot open: {err}"))?;
    let read = file
        .read(&mut magic)
        .map_err(|err| format!("cannot read: {err}"))?;
    Ok(container_of(&magic[..read]))
}

/// Tells a zip archive and a gzip stream from plain text by the first bytes of a file.
pub fn container_of(first_bytes: &[u8]) -> Container {
    match first_bytes {
        [b'P', b'K', 3, 4, ..] | [b'P', b'K', 5, 6, ..] => Container::Zip,
        [0x1f, 0x8b, ..] => Container::Gzip,
        _ => Container::Plain,
    }
}

/// Calls `each` with every member of the zip archive at `path` whose name `wanted` accepts, in
/// archive order, gzip members decompressed. A damaged archive is reported through `warn`
/// and read member by member from its local headers as far as it goes.
pub fn for_each_member(
    path: &Path,
    wanted: &dyn Fn(&str) -> bool,
    warn: &mut dyn FnMut(String),
    each: &mut dyn FnMut(&str, &mut (dyn Read + Send)) -> Result<(), String>,
) -> Result<(), String> {
    let file = File::open(path).map_err(|err| format!("cannot open: {err}"))?;
    match zip::ZipArchive::new(BufReader::new(file)) {
        Ok(mut archive) => {
            for index in 0..archive.len() {
                let mut member = match archive.by_index(index) {
                    Ok(member) => member,
                    Err(err) => {
                        warn(format!(
                            "cannot read zip member {}: {err}; skipped",
                            index + 1
                        ));
                        continue;
                    }
                };
                let name = member.name().to_string();
                if member.is_dir() || !wanted(&name) {
                    continue;
                }
                read_member(&name, &mut member, each)?;
            }
            Ok(())
        }
        Err(err) => {
            warn(format!(
                "the zip archive is damaged or truncated ({err}); reading its members one by one \
                 as far as they go"
            ));
            let mut file =
                BufReader::new(File::open(path).map_err(|err| format!("cannot open: {err}"))?);
            stream_members(&mut file, wanted, warn, each)
        }
    }
}

fn stream_members<R: Read + Seek + Send>(
    reader: &mut R,
    wanted: &dyn Fn(&str) -> bool,
    warn: &mut dyn FnMut(String),
    each: &mut dyn FnMut(&str, &mut (dyn Read + Send)) -> Result<(), String>,
) -> Result<(), String> {
    loop {
        match zip::read::read_zipfile_from_stream(reader) {
            Ok(Some(mut member)) => {
                let name = member.name().to_string();
                if member.is_dir() || !wanted(&name) {
                    let _ = std::io::copy(&mut member, &mut std::io::sink());
                    continue;
                }
                read_member(&name, &mut member, each)?;
            }
            Ok(None) => return Ok(()),
            Err(err) => {
                warn(format!(
                    "the zip archive ends early: {err}; the members before it were read"
                ));
                return Ok(());
            }
        }
    }
}

fn read_member(
    name: &str,
    member: &mut (dyn Read + Send),
    each: &mut dyn FnMut(&str, &mut (dyn Read + Send)) -> Result<(), String>,
) -> Result<(), String> {
    if has_extension(name, &["gz"]) {
        let mut decoder = MultiGzDecoder::new(member);
        each(name, &mut decoder)
    } else {
        each(name, member)
    }
}

/// Whether the file name `name` ends in one of `extensions` (without dots), in any case.
pub fn has_extension(name: &str, extensions: &[&str]) -> bool {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Reads `reader` on a second thread while `consume` reads the stream on this one, so that
/// decompressing overlaps with parsing. The second thread calls `read` with a buffer of
/// `chunk` bytes each time, as `BufReader::with_capacity(chunk, reader)` does, so `consume`
/// reads the same bytes and gets the same read error at the same offset as through that reader.
/// At most three chunks are read ahead.
pub fn read_ahead<T>(
    reader: &mut (dyn Read + Send),
    chunk: usize,
    consume: impl FnOnce(&mut dyn BufRead) -> T,
) -> T {
    let (sender, chunks) = mpsc::sync_channel::<io::Result<Vec<u8>>>(2);
    let (returned, spares) = mpsc::channel::<Vec<u8>>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            loop {
                let mut buffer = spares.try_recv().unwrap_or_default();
                buffer.resize(chunk, 0);
                let result = match reader.read(&mut buffer) {
                    Ok(read) => {
                        buffer.truncate(read);
                        Ok(buffer)
                    }
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                    Err(err) => Err(err),
                };
                let last = !matches!(&result, Ok(buffer) if !buffer.is_empty());
                // A send fails once `consume` has returned; nothing is left to read for.
                if sender.send(result).is_err() || last {
                    break;
                }
            }
        });
        let mut stream = ChunkStream {
            chunks,
            returned,
            current: Vec::new(),
            position: 0,
            finished: false,
        };
        consume(&mut stream)
    })
}

/// The reading side of [`read_ahead`]: the chunks in order, each buffer sent back for reuse
/// once read.
struct ChunkStream {
    chunks: Receiver<io::Result<Vec<u8>>>,
    returned: Sender<Vec<u8>>,
    current: Vec<u8>,
    position: usize,
    /// Set at the end of the stream and after a read error, when the reading thread has stopped.
    finished: bool,
}

impl BufRead for ChunkStream {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.position >= self.current.len() && !self.finished {
            match self.chunks.recv() {
                Ok(Ok(next)) => {
                    self.finished = next.is_empty();
                    let used = std::mem::replace(&mut self.current, next);
                    // The reading thread may have stopped already; the buffer is then dropped.
                    let _ = self.returned.send(used);
                    self.position = 0;
                }
                Ok(Err(err)) => {
                    self.finished = true;
                    return Err(err);
                }
                Err(mpsc::RecvError) => self.finished = true,
            }
        }
        Ok(&self.current[self.position..])
    }

    fn consume(&mut self, amount: usize) {
        self.position = (self.position + amount).min(self.current.len());
    }
}

impl Read for ChunkStream {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let count = available.len().min(buffer.len());
        buffer[..count].copy_from_slice(&available[..count]);
        self.consume(count);
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns `data` in reads of at most 5 bytes, then fails if `fail` is set.
    struct Chunked {
        data: Vec<u8>,
        position: usize,
        fail: bool,
    }

    impl Read for Chunked {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let rest = &self.data[self.position..];
            if rest.is_empty() && self.fail {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "damaged"));
            }
            let count = rest.len().min(buffer.len()).min(5);
            buffer[..count].copy_from_slice(&rest[..count]);
            self.position += count;
            Ok(count)
        }
    }

    /// Reads lines until the end or the first error, as the Amplitude reader does.
    fn read_lines(lines: &mut dyn BufRead) -> (Vec<String>, Option<String>) {
        let mut read = Vec::new();
        loop {
            let mut line = String::new();
            match lines.read_line(&mut line) {
                Ok(0) => return (read, None),
                Ok(_) => read.push(line),
                Err(err) => return (read, Some(err.to_string())),
            }
        }
    }

    #[test]
    fn read_ahead_matches_buf_reader() {
        let texts: [&[u8]; 2] = [b"one\ntwo\nthree\nfour", b"one\n\xff\ntwo\n"];
        for (text, fail) in texts.into_iter().flat_map(|t| [(t, false), (t, true)]) {
            let source = || Chunked {
                data: text.to_vec(),
                position: 0,
                fail,
            };
            let expected = read_lines(&mut BufReader::with_capacity(4, source()));
            let actual = read_ahead(&mut source(), 4, read_lines);
            assert_eq!(actual, expected, "{text:?}, fail: {fail}");
        }
    }
}
