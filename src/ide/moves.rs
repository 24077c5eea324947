//! Link updates for notes that the editor moves or renames as files, from its file explorer.
//!
//! The editor sends the request before it moves the files (`workspace/willRenameFiles`), so the vault still
//! has the notes at their old paths. Each link that opens a moved note is rewritten in the form
//! it was written in, so that it opens the note at its new path:
//! - a file name alone (`[[Note]]`) changes only when the file name changes;
//! - a path with folders (`[[Folder/Note]]`) keeps as many folders as it had when that still
//!   names one note, else it spells the whole vault path;
//! - a path from the vault root (`/Folder/Note.md`) spells the new one;
//! - a relative path (`../Folder/Note.md`) is written again from the linking note's folder,
//!   which moves too when the linking note is moved.
//!
//! A link to an account by its name follows a renamed account folder. Links through an alias
//! stay as written.

use std::collections::HashMap;

use super::TextSource;
use super::rename::{LinkParts, PathForm, TextChange, links_to, percent_encode, read};
use crate::syntax::{Link, LinkKind, strip_md};
use crate::vault::model::account_name_from_folder;
use crate::vault::{Note, NoteId, NoteKind, Resolution, ResolvedVia, Vault, key};

/// A note the editor is about to move or rename.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteMove {
    /// The note, at its current path.
    pub note: NoteId,
    /// Its vault-relative path after the move, with its extension.
    pub to: String,
}

/// Returns the edits that keep every link to the moved notes working once the editor has moved
/// them, sorted by note and position. The edits apply to the notes' current texts.
pub fn link_updates(
    vault: &Vault,
    texts: &dyn TextSource,
    moves: &[NoteMove],
) -> Result<Vec<TextChange>, String> {
    let moved: HashMap<NoteId, &str> = moves.iter().map(|m| (m.note, m.to.as_str())).collect();
    let paths = Paths { vault, moved };
    let mut changes = Vec::new();

    for NoteMove { note: target, .. } in moves {
        let renamed_account = paths.renamed_account(*target);
        let opens_target = |source: &Note, link: &Link| {
            if link.target.is_empty() {
                return false;
            }
            match vault.resolve(&link.target, &source.path) {
                Resolution::Note {
                    id,
                    via: ResolvedVia::Name,
                }
                | Resolution::Ambiguous {
                    id,
                    via: ResolvedVia::Name,
                    ..
                } => id == *target,
                Resolution::Note {
                    id,
                    via: ResolvedVia::Account,
                } => id == *target && renamed_account.is_some(),
                Resolution::Note { .. } | Resolution::Ambiguous { .. } | Resolution::Unresolved => {
                    false
                }
            }
        };
        for (source, kind, parts) in links_to(vault, texts, *target, opens_target)? {
            let written = parts.written.as_str();
            let new_text = match &renamed_account {
                Some(folder)
                    if parts.form == PathForm::Name && !paths.names_file(*target, written) =>
                {
                    Some(account_link(written, folder))
                }
                _ => paths.link_path(source, *target, &parts),
            };
            push_change(&mut changes, source, kind, &parts, new_text);
        }
    }

    // Relative links from a moved note to a note that stays.
    for NoteMove { note: source, .. } in moves {
        let Some(note) = vault.note(*source) else {
            continue;
        };
        if paths.folder_after(*source) == note.folder() {
            continue;
        }
        let mut text = None;
        for link in note.summary.all_links() {
            let Resolution::Note {
                id: target,
                via: ResolvedVia::Name,
            } = vault.resolve(&link.target, &note.path)
            else {
                continue;
            };
            if paths.moved.contains_key(&target) {
                continue;
            }
            if text.is_none() {
                text = Some(read(vault, texts, *source)?);
            }
            let text = text.as_deref().unwrap_or_default();
            let Some(parts) = LinkParts::read(text, link) else {
                return Err("a link changed while moving; try again".to_string());
            };
            if parts.form != PathForm::Relative {
                continue;
            }
            let new_text = paths.link_path(*source, target, &parts);
            push_change(&mut changes, *source, link.kind, &parts, new_text);
        }
    }

    changes.sort_by_key(|c| (c.note, c.range.start));
    changes.dedup_by(|a, b| a.note == b.note && a.range == b.range);
    Ok(changes)
}

/// Adds the edit that writes `new_text` over the link's path, encoded for the link's kind,
/// unless the path is already written so.
fn push_change(
    changes: &mut Vec<TextChange>,
    note: NoteId,
    kind: LinkKind,
    parts: &LinkParts,
    new_text: Option<String>,
) {
    let Some(new_text) = new_text else {
        return;
    };
    let text = match kind {
        LinkKind::Markdown if !parts.angle => percent_encode(&new_text),
        LinkKind::Markdown | LinkKind::Wiki | LinkKind::Embed => new_text,
    };
    if text != parts.written {
        changes.push(TextChange {
            note,
            range: parts.path,
            text,
        });
    }
}

/// Paths of notes before and after the moves.
struct Paths<'a> {
    vault: &'a Vault,
    moved: HashMap<NoteId, &'a str>,
}

impl Paths<'_> {
    /// Returns the vault-relative path of note `id` after the moves, with its extension.
    fn after(&self, id: NoteId) -> &str {
        match self.moved.get(&id) {
            Some(to) => to,
            None => self.vault.note(id).map_or("", |n| n.path.as_str()),
        }
    }

    fn folder_after(&self, id: NoteId) -> &str {
        self.after(id)
            .rsplit_once('/')
            .map_or("", |(folder, _)| folder)
    }

    /// Returns the path that a link from note `source` writes to open note `target` after the
    /// moves, in the form of the link's current path. Returns `None` for a link by file name to
    /// a note that keeps its file name.
    fn link_path(&self, source: NoteId, target: NoteId, parts: &LinkParts) -> Option<String> {
        let written = parts.written.as_str();
        let stem = &self.vault.note(target)?.stem;
        let after = strip_md(self.after(target));
        let path = match parts.form {
            PathForm::Name => {
                let name = file_name(after);
                if key(name) == key(stem) {
                    return None;
                }
                name.to_string()
            }
            PathForm::Absolute => format!("/{after}"),
            PathForm::Relative => {
                let relative = relative_path(self.folder_after(source), after);
                if written.starts_with("./") && !relative.starts_with("../") {
                    format!("./{relative}")
                } else {
                    relative
                }
            }
            PathForm::Folders => {
                let segments = written.split(['/', '\\']).filter(|s| !s.is_empty()).count();
                let suffix = last_segments(after, segments);
                if self.only_note_ending_with(target, suffix) {
                    suffix.to_string()
                } else {
                    after.to_string()
                }
            }
        };
        Some(path)
    }

    /// Checks whether `target` is the one note whose path after the moves ends with `suffix`,
    /// as a link with folders names notes by the end of their path.
    fn only_note_ending_with(&self, target: NoteId, suffix: &str) -> bool {
        let suffix_key = key(suffix);
        let slash_suffix = format!("/{suffix_key}");
        let ends_with = |id: NoteId| {
            let path = key(strip_md(self.after(id)));
            path == suffix_key || path.ends_with(&slash_suffix)
        };
        let others = self.vault.notes_named(file_name(suffix));
        ends_with(target) && others.iter().all(|&id| id == target || !ends_with(id))
    }

    /// Returns the new folder name of the account whose Overview is `id`, when the move renames
    /// the account's folder.
    fn renamed_account(&self, id: NoteId) -> Option<String> {
        let note = self.vault.note(id)?;
        let NoteKind::AccountPage { account } = &note.kind else {
            return None;
        };
        let account = self.vault.account(account)?;
        if self.vault.account_overview(account) != Some(id) || note.folder() != account.folder {
            return None;
        }
        let old = file_name(&account.folder);
        let new = file_name(self.folder_after(id));
        (old != new && !new.is_empty()).then(|| new.to_string())
    }

    /// Checks whether a link path `written` by file name names note `id` by its file name,
    /// rather than by its account's name.
    fn names_file(&self, id: NoteId, written: &str) -> bool {
        self.vault
            .note(id)
            .is_some_and(|note| key(strip_md(written)) == key(&note.stem))
    }
}

/// Returns the text of an account link `written` after the account's folder is renamed to
/// `folder`. A link that spells the folder name (with `_`) gets the new folder name, and other
/// links the account name that Dex reads from it.
fn account_link(written: &str, folder: &str) -> String {
    if written.contains('_') {
        folder.to_string()
    } else {
        account_name_from_folder(folder)
    }
}

/// Returns the last part of a slash-separated path.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Returns the last `count` segments of `path`, or all of it when it has fewer.
fn last_segments(path: &str, count: usize) -> &str {
    let mut start = path.len();
    for _ in 0..count {
        match path[..start].rfind('/') {
            Some(slash) if start > 0 => start = slash,
            _ => return path,
        }
    }
    &path[start + 1..]
}

/// Returns the path from folder `from` to `to` (both vault-relative), with `..` for each folder
/// to leave. Folder names compare as the vault compares paths, ignoring case.
fn relative_path(from: &str, to: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<&str> = to.split('/').collect();
    let folders = to.len().saturating_sub(1);
    let common = (from.iter().zip(&to[..folders]))
        .take_while(|(a, b)| key(a) == key(b))
        .count();
    let mut parts = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(relative_path("A/B", "A/C/Note"), "../C/Note");
        assert_eq!(relative_path("", "A/Note"), "A/Note");
        assert_eq!(relative_path("A", "Note"), "../Note");
        assert_eq!(relative_path("a/b", "A/B/Note"), "Note");
        assert_eq!(relative_path("A/B/C", "A/Note"), "../../Note");
    }

    #[test]
    fn path_ends() {
        assert_eq!(last_segments("A/B/C", 2), "B/C");
        assert_eq!(last_segments("A/B/C", 1), "C");
        assert_eq!(last_segments("A/B/C", 5), "A/B/C");
        assert_eq!(last_segments("C", 1), "C");
    }
}
