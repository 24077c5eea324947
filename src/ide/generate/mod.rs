//! Notes Dex writes from what the vault records: QBR, save plan, escalation brief, new account
//! pages, a missing stakeholder's page and the portfolio review.
//!
//! Generators return the path and text of each new note; callers create the files (the server
//! through a `WorkspaceEdit`, the command line only when the path is free). Paths come from
//! [`unique_path`], so a generated note never replaces one that exists.

pub mod notes;
pub mod portfolio;
pub mod templates;

use std::path::Path;

use sha2::Digest as _;

use crate::vault::{NoteId, Vault};

pub use notes::{escalation_brief, new_account, person_note, qbr, save_plan};
pub use templates::TemplateKind;

/// A note to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewNote {
    /// Path relative to the vault root, with `/` separators.
    pub path: String,
    /// Full text.
    pub text: String,
}

/// Why a note cannot be generated.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum GenerateError {
    /// No account has this name.
    #[error("no account named `{0}`; run `dex accounts` to list them")]
    UnknownAccount(String),
    /// The name is empty or only characters a file name cannot hold.
    #[error("invalid name `{0}`: it has no characters a file name can use")]
    InvalidName(String),
    /// An account folder with this name exists already.
    #[error("account `{0}` exists already")]
    AccountExists(String),
}

/// Maximum length in bytes of a name that [`sanitize_name`] returns. File systems take 255 bytes a name, and
/// generated notes add a date, a kind and a ` (2)` to it.
const MAX_NAME_BYTES: usize = 120;

/// Cleans a name for use in a file name: path separators, `:`, control characters and the
/// characters Windows and Obsidian reject become spaces, runs of spaces fold, and leading dots
/// go, so the name can never leave its folder. A longer name than [`MAX_NAME_BYTES`] is cut at a
/// character boundary and ends with 7 hex digits of its digest, so two long names that share
/// their start stay two names. Returns `None` when nothing usable is left.
pub fn sanitize_name(name: &str) -> Option<String> {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control()
                || matches!(
                    c,
                    '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '#' | '^' | '[' | ']'
                )
            {
                ' '
            } else {
                c
            }
        })
        .collect();
    let folded = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut trimmed = folded
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' '])
        .to_string();
    if trimmed.is_empty() {
        return None;
    }
    if trimmed.len() > MAX_NAME_BYTES {
        // Names that share their start stay apart: the cut name ends with a digest of the
        // whole name.
        let digest = crate::syntax::dex_block::short_hex(&sha2::Sha256::digest(trimmed.as_bytes()));
        let mut cut = MAX_NAME_BYTES - 8;
        while !trimmed.is_char_boundary(cut) {
            cut -= 1;
        }
        let head = trimmed[..cut].trim_end_matches(['.', ' ']);
        trimmed = format!("{head} {}", &digest[..7]);
    }
    // Windows reserves device names, with any extension, in every folder.
    let stem = trimmed.split('.').next().unwrap_or_default().trim_end();
    let reserved = ["CON", "PRN", "AUX", "NUL"]
        .iter()
        .any(|d| stem.eq_ignore_ascii_case(d))
        || (stem.len() == 4
            && ["COM", "LPT"]
                .iter()
                .any(|d| stem[..3].eq_ignore_ascii_case(d))
            && matches!(stem.as_bytes()[3], b'1'..=b'9'));
    Some(if reserved {
        format!("{trimmed}_")
    } else {
        trimmed
    })
}

/// Turns a name into a folder name: sanitized, with spaces as `_` (`Acme Corp` → `Acme_Corp`).
pub fn folder_name(name: &str) -> Option<String> {
    sanitize_name(name).map(|n| n.replace(' ', "_"))
}

/// The first free path among `<stem>.md`, `<stem> (2).md`, `<stem> (3).md`, ...: free in the
/// index (any case) and on disk under `root`.
pub fn unique_path(vault: &Vault, root: &Path, folder: &str, stem: &str) -> String {
    let folder = folder.trim_matches('/');
    let join = |name: &str| {
        if folder.is_empty() {
            format!("{name}.md")
        } else {
            format!("{folder}/{name}.md")
        }
    };
    let taken = |path: &str| {
        vault.id_of_path(path).is_some() || {
            let mut full = root.to_path_buf();
            full.extend(path.split('/'));
            full.exists()
        }
    };
    let mut path = join(stem);
    let mut n = 2;
    while taken(&path) {
        path = join(&format!("{stem} ({n})"));
        n += 1;
    }
    path
}

/// The text that links to a note: its name when unique in the vault, else its path.
pub fn link_text(vault: &Vault, id: NoteId) -> String {
    let Some(note) = vault.note(id) else {
        return String::new();
    };
    if vault.notes_named(&note.stem).len() > 1 {
        crate::syntax::strip_md(&note.path).to_string()
    } else {
        note.stem.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_never_leave_the_folder() {
        assert_eq!(
            sanitize_name("../../etc/passwd").as_deref(),
            Some("etc passwd")
        );
        assert_eq!(
            sanitize_name("Acme: Corp / EU").as_deref(),
            Some("Acme Corp EU")
        );
        assert_eq!(sanitize_name("a\u{0}b\nc").as_deref(), Some("a b c"));
        assert_eq!(sanitize_name(".hidden").as_deref(), Some("hidden"));
        assert_eq!(sanitize_name("  ..  "), None);
        assert_eq!(sanitize_name("北星物流").as_deref(), Some("北星物流"));
        assert_eq!(folder_name("Acme Corp").as_deref(), Some("Acme_Corp"));
        let long = format!("{} Co", "Ünïcödé ".repeat(40));
        let cut = sanitize_name(&long).unwrap();
        assert!(cut.len() <= MAX_NAME_BYTES);
        assert!(cut.starts_with("Ünïcödé Ünïcödé"));
        let other = sanitize_name(&format!("{} Inc", "Ünïcödé ".repeat(40))).unwrap();
        assert_ne!(cut, other);
        assert_eq!(sanitize_name(&long).unwrap(), cut);
        for (name, clean) in [
            ("CON", "CON_"),
            ("con", "con_"),
            ("Aux.md", "Aux.md_"),
            ("COM7", "COM7_"),
            ("LPT0", "LPT0"),
            ("Console", "Console"),
            ("Conseil Corp", "Conseil Corp"),
        ] {
            assert_eq!(sanitize_name(name).as_deref(), Some(clean), "{name}");
        }
    }
}
