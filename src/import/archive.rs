//! Streams from compressed exports: the members of a zip archive (read through its central
//! directory, or one by one from the local headers when the archive is truncated) and gzip
//! streams, each handed to a callback as a reader.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

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
    Ok(match &magic[..read] {
        [b'P', b'K', 3, 4] | [b'P', b'K', 5, 6] => Container::Zip,
        [0x1f, 0x8b, ..] => Container::Gzip,
        _ => Container::Plain,
    })
}

/// Calls `each` with every member of the zip archive at `path` whose name `wanted` accepts, in
/// archive order, gzip members decompressed. A damaged archive is reported through `warn`
/// and read member by member from its local headers as far as it goes.
pub fn for_each_member(
    path: &Path,
    wanted: &dyn Fn(&str) -> bool,
    warn: &mut dyn FnMut(String),
    each: &mut dyn FnMut(&str, &mut dyn Read) -> Result<(), String>,
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

fn stream_members<R: Read + Seek>(
    reader: &mut R,
    wanted: &dyn Fn(&str) -> bool,
    warn: &mut dyn FnMut(String),
    each: &mut dyn FnMut(&str, &mut dyn Read) -> Result<(), String>,
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
    member: &mut dyn Read,
    each: &mut dyn FnMut(&str, &mut dyn Read) -> Result<(), String>,
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
