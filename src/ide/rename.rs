//! Rename of notes, headings and tags, with every link or tag that names them.
//!
//! What the cursor is on decides what is renamed:
//! - the path of a link (or its brackets or alias) renames the note it opens;
//! - the `#Heading` part of a link, or a heading line, renames that heading;
//! - an H1 heading that matches the note's file name renames the note, and the heading with it;
//! - a `#tag`, or a tag in frontmatter `tags`, renames the tag and its nested tags.
//!
//! A note keeps its folder: the new name is a file name without `.md`. Links that reach the note
//! through a frontmatter alias still work after the rename, so they are left as written.

use std::fmt::Write as _;

use super::TextSource;
use super::diagnostics::heading_link_text;
use super::diagnostics::heading_matches;
use crate::syntax::{Heading, Link, LinkKind, Subpath, is_tag_char, is_valid_tag};
use crate::text::{TextRange, to_size};
use crate::vault::{Note, NoteId, NoteKind, Resolution, ResolvedVia, Vault, key};

/// The thing a rename at a position changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameTarget {
    /// A note, renamed as a file.
    Note(NoteId),
    /// A heading of a note, by its text as written in the note.
    Heading {
        /// The note that has the heading.
        note: NoteId,
        /// The heading text.
        text: String,
    },
    /// A tag and its nested tags, by the name as written at the cursor (without `#`).
    Tag(String),
}

/// The name under the cursor that a rename would replace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedRename {
    /// The note, heading or tag renamed.
    pub target: RenameTarget,
    /// Byte range of the name in the note where the cursor is.
    pub range: TextRange,
    /// The current name, for the editor's input box.
    pub placeholder: String,
    /// For a note renamed from its title heading: the heading, which is renamed too.
    pub title: Option<String>,
}

/// A file rename, as vault-relative paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRename {
    /// The note's current path.
    pub from: String,
    /// The path after the rename.
    pub to: String,
}

/// One replacement in a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextChange {
    /// The note.
    pub note: NoteId,
    /// Byte range in the note's current text.
    pub range: TextRange,
    /// The replacement.
    pub text: String,
}

/// Everything a rename changes: text edits against the current texts, sorted by note and
/// position, then the file rename, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RenameEdit {
    /// Edits, sorted by note id and start offset; none overlap.
    pub changes: Vec<TextChange>,
    /// The note's file rename.
    pub file: Option<FileRename>,
}

/// Characters a note name cannot contain: those that file systems reject, and those that end
/// or split a wikilink.
pub const INVALID_NAME_CHARS: &[char] = &[
    '/', '\\', ':', '*', '?', '"', '<', '>', '|', '#', '^', '[', ']', '`',
];

/// The maximum file name length, in bytes, that ext4 accepts. APFS and NTFS allow 255 characters,
/// which are at least as many.
const MAX_FILE_NAME_BYTES: usize = 255;

/// Finds what a rename at byte `offset` of note `id` changes. Returns `Ok(None)` where nothing
/// can be renamed and `Err` with a message where renaming is rejected, such as on a link through
/// an alias or to an account.
pub fn prepare_rename(
    vault: &Vault,
    texts: &dyn TextSource,
    id: NoteId,
    offset: u32,
) -> Result<Option<PreparedRename>, String> {
    let Some(note) = vault.note(id) else {
        return Ok(None);
    };
    let text = read(vault, texts, id)?;
    if let Some(link) = super::link_at(&note.summary, offset) {
        return prepare_on_link(vault, &text, &note.path, link, offset);
    }
    // A tag comes before the heading it may be written in.
    for tag in &note.summary.tags {
        let found = if is_in_frontmatter(note, tag.range) {
            frontmatter_tag_at(&text, frontmatter_value(&text, tag.range), offset)
        } else if tag.range.contains_inclusive(offset) {
            body_tag_name(&text, tag.range)
        } else {
            None
        };
        if let Some((range, name)) = found {
            return Ok(Some(PreparedRename {
                target: RenameTarget::Tag(name.clone()),
                range,
                placeholder: name,
                title: None,
            }));
        }
    }
    if let Some(heading) = note
        .summary
        .headings
        .iter()
        .find(|h| h.range.contains_inclusive(offset))
    {
        let Some(range) = heading_text_range(&text, heading) else {
            return Ok(None);
        };
        let is_title = heading.level == 1 && heading_matches(&heading.text, &note.stem);
        if is_title {
            check_note_renamable(vault, id)?;
            return Ok(Some(PreparedRename {
                target: RenameTarget::Note(id),
                range,
                placeholder: note.stem.clone(),
                title: Some(heading.text.clone()),
            }));
        }
        return Ok(Some(PreparedRename {
            target: RenameTarget::Heading {
                note: id,
                text: heading.text.clone(),
            },
            range,
            placeholder: heading.text.clone(),
            title: None,
        }));
    }
    Ok(None)
}

fn prepare_on_link(
    vault: &Vault,
    text: &str,
    source_path: &str,
    link: &Link,
    offset: u32,
) -> Result<Option<PreparedRename>, String> {
    let Some(parts) = LinkParts::read(text, link) else {
        return Ok(None);
    };
    let resolution = vault.resolve(&link.target, source_path);
    let on_subpath = parts.subpath.is_some_and(|s| offset >= s.start);
    if on_subpath || link.target.is_empty() {
        let Some(subpath) = link.subpath.as_deref() else {
            return Ok(None);
        };
        let Subpath::Heading(chain) = subpath else {
            return Err(
                "Dex does not rename block ids: edit the `^id` in the note and the links to it"
                    .to_string(),
            );
        };
        let Some(target) = resolution.id() else {
            return Err(format!("`{}` is not a note in the vault", link.target));
        };
        let linked_heading = chain.last().map_or("", String::as_str);
        let Some(heading) = vault.note(target).and_then(|n| {
            n.summary
                .headings
                .iter()
                .find(|h| heading_matches(&h.text, linked_heading))
        }) else {
            return Err(format!(
                "the heading `{linked_heading}` was not found in the linked note"
            ));
        };
        let Some(range) = parts.last_heading else {
            return Ok(None);
        };
        return Ok(Some(PreparedRename {
            target: RenameTarget::Heading {
                note: target,
                text: heading.text.clone(),
            },
            range,
            placeholder: heading.text.clone(),
            title: None,
        }));
    }
    let target = match resolution {
        Resolution::Note {
            id,
            via: ResolvedVia::Name,
        } => id,
        Resolution::Note {
            id,
            via: ResolvedVia::Alias,
        } => {
            let stem = vault.note(id).map_or("", |n| n.stem.as_str());
            return Err(format!(
                "`{}` is an alias of the note `{stem}`: rename the note from a link that names `{stem}`, or edit the alias in its frontmatter `aliases`",
                link.target
            ));
        }
        Resolution::Note {
            via: ResolvedVia::Account,
            ..
        } => {
            return Err(account_rejection(&link.target));
        }
        Resolution::Ambiguous {
            candidates,
            via: ResolvedVia::Alias,
            ..
        } => {
            return Err(format!(
                "`{}` is an alias of {} notes: rename the note from a link that names its file, or edit the alias in its frontmatter `aliases`",
                link.target,
                candidates.len()
            ));
        }
        Resolution::Ambiguous { candidates, .. } => {
            return Err(format!(
                "`{}` matches {} notes: rename from a link with the note's folder path, or from the note's title heading",
                link.target,
                candidates.len()
            ));
        }
        Resolution::Unresolved => {
            return Err(format!(
                "`{}` is not a note in the vault, so there is no note to rename",
                link.target
            ));
        }
    };
    check_note_renamable(vault, target)?;
    let note = vault.note(target).ok_or("the linked note is gone")?;
    Ok(Some(PreparedRename {
        target: RenameTarget::Note(target),
        range: parts.name,
        placeholder: note.stem.clone(),
        title: None,
    }))
}

fn account_rejection(name: &str) -> String {
    format!(
        "`{name}` is an account: Dex does not rename accounts, because links name an account by its folder; rename the account folder in the file explorer, then update the links to `[[{name}]]`"
    )
}

/// Rejects notes whose rename would break more than links: an account's Overview, which names
/// the account through its folder.
fn check_note_renamable(vault: &Vault, id: NoteId) -> Result<(), String> {
    let note = vault.note(id).ok_or("the note is gone")?;
    if let NoteKind::AccountPage { account } = &note.kind {
        let is_overview = vault
            .account(account)
            .and_then(|a| vault.account_overview(a))
            == Some(id);
        if is_overview {
            return Err(account_rejection(account));
        }
    }
    Ok(())
}

/// Computes the edit for renaming what `prepared` names to `new_name`.
pub fn rename(
    vault: &Vault,
    texts: &dyn TextSource,
    prepared: &PreparedRename,
    new_name: &str,
) -> Result<RenameEdit, String> {
    let mut edit = match &prepared.target {
        RenameTarget::Note(id) => {
            let mut edit = rename_note(vault, texts, *id, new_name)?;
            if let Some(title) = &prepared.title {
                let new_title = validate_note_name(new_name)?;
                let headings = rename_heading(vault, texts, *id, title, new_title)?;
                edit.changes.extend(headings.changes);
            }
            edit
        }
        RenameTarget::Heading { note, text } => {
            rename_heading(vault, texts, *note, text, new_name)?
        }
        RenameTarget::Tag(name) => rename_tag(vault, texts, name, new_name)?,
    };
    edit.changes.sort_by_key(|c| (c.note, c.range.start));
    edit.changes.dedup();
    Ok(edit)
}

/// Checks a new note name and returns it without surrounding spaces and `.md`.
pub fn validate_note_name(new_name: &str) -> Result<&str, String> {
    let name = crate::syntax::strip_md(new_name.trim()).trim();
    if name.is_empty() {
        return Err("the new name is empty".to_string());
    }
    if let Some(c) = name.chars().find(|c| INVALID_NAME_CHARS.contains(c)) {
        return Err(format!(
            "invalid note name `{name}`: `{c}` is not allowed in a note name (none of / \\ : * ? \" < > | # ^ [ ] ` are)"
        ));
    }
    if crate::syntax::strip_md(name).len() < name.len() {
        return Err(format!(
            "invalid note name `{name}`: links to a name ending in `.md` would name the note without it; leave out the `.md`"
        ));
    }
    if name.len() + ".md".len() > MAX_FILE_NAME_BYTES {
        return Err(format!(
            "invalid note name: {} bytes is too long for a file name (at most {} with `.md`)",
            name.len(),
            MAX_FILE_NAME_BYTES
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(format!(
            "invalid note name `{name}`: control characters are not allowed"
        ));
    }
    if name.starts_with('.') {
        return Err(format!(
            "invalid note name `{name}`: a name starting with `.` makes a hidden file"
        ));
    }
    Ok(name)
}

/// Checks that no note, file, account or alias already has `name`, and that nothing exists at
/// the vault-relative path `to`.
fn check_name_free(vault: &Vault, note: &Note, name: &str, to: &str) -> Result<(), String> {
    if let Some(&other) = vault.notes_named(name).first() {
        let path = vault.note(other).map_or("", |n| n.path.as_str());
        return Err(format!(
            "a note named `{name}` already exists (`{path}`); choose another name"
        ));
    }
    if vault.root.join(to).exists() {
        return Err(format!(
            "the file `{to}` already exists; choose another name"
        ));
    }
    if vault.resolves_to_attachment(name, &note.path) || vault.skipped_named(name).is_some() {
        return Err(format!(
            "a file named `{name}` already exists in the vault; choose another name"
        ));
    }
    if vault.account(name).is_some() {
        return Err(format!(
            "`{name}` is the name of an account; choose another name"
        ));
    }
    if let Some((other, _)) = vault.notes().find(|(_, n)| {
        n.summary
            .frontmatter
            .as_ref()
            .is_some_and(|f| f.aliases.iter().any(|a| key(a) == key(name)))
    }) {
        let path = vault.note(other).map_or("", |n| n.path.as_str());
        return Err(format!(
            "`{name}` is an alias of `{path}`, so links to it would change meaning; choose another name"
        ));
    }
    Ok(())
}

fn rename_note(
    vault: &Vault,
    texts: &dyn TextSource,
    id: NoteId,
    new_name: &str,
) -> Result<RenameEdit, String> {
    let note = vault.note(id).ok_or("the note is gone")?;
    let name = validate_note_name(new_name)?;
    if name == note.stem {
        return Err(format!("the note is already named `{name}`"));
    }

    let folder = note.folder();
    // The file keeps its extension as written (`.md` or `.MD`), which Markdown links spell out.
    let extension = &note.path[crate::syntax::strip_md(&note.path).len()..];
    let to = if folder.is_empty() {
        format!("{name}{extension}")
    } else {
        format!("{folder}/{name}{extension}")
    };
    // A new name that differs only in case names the same note.
    if key(name) != key(&note.stem) {
        check_name_free(vault, note, name, &to)?;
    }

    // A link by the file name or path follows the new name. Links through an alias or an
    // account still work and stay as written.
    let by_name = |source: &Note, link: &Link| {
        if link.target.is_empty() {
            return false;
        }
        let resolution = vault.resolve(&link.target, &source.path);
        match resolution {
            Resolution::Note {
                id: target,
                via: ResolvedVia::Name,
            }
            | Resolution::Ambiguous {
                id: target,
                via: ResolvedVia::Name,
                ..
            } => target == id,
            Resolution::Note { .. } | Resolution::Ambiguous { .. } | Resolution::Unresolved => {
                false
            }
        }
    };
    let links = links_to(vault, texts, id, by_name)?;
    let changes = (links.into_iter())
        .map(|(source, kind, parts)| TextChange {
            note: source,
            range: parts.name,
            text: match kind {
                LinkKind::Markdown if !parts.angle => percent_encode(name),
                _ => name.to_string(),
            },
        })
        .collect();
    Ok(RenameEdit {
        changes,
        file: Some(FileRename {
            from: note.path.clone(),
            to,
        }),
    })
}

fn rename_heading(
    vault: &Vault,
    texts: &dyn TextSource,
    id: NoteId,
    old: &str,
    new_name: &str,
) -> Result<RenameEdit, String> {
    let note = vault.note(id).ok_or("the note is gone")?;
    let new_heading = new_name.trim();
    if new_heading.is_empty() || heading_link_text(new_heading).is_empty() {
        return Err("the new heading is empty".to_string());
    }
    if new_heading.contains(['\n', '\r']) {
        return Err("a heading cannot span lines".to_string());
    }
    if new_heading == old {
        return Err(format!("the heading is already `{old}`"));
    }

    let headings = &note.summary.headings;
    let Some(position) = headings.iter().position(|h| h.text == old) else {
        return Err(format!("the heading `{old}` is gone"));
    };
    if let Some(other) = headings
        .iter()
        .enumerate()
        .find(|(i, h)| *i != position && heading_matches(&h.text, new_heading))
    {
        return Err(format!(
            "the note already has a heading `{}`, so links could not tell them apart; choose another name",
            other.1.text
        ));
    }

    let own_text = read(vault, texts, id)?;
    let range = heading_text_range(&own_text, &headings[position])
        .ok_or("the heading changed while renaming; try again")?;
    let mut changes = vec![TextChange {
        note: id,
        range,
        text: new_heading.to_string(),
    }];
    // Links open the first heading that matches, so only that one has links to follow.
    let first = headings.iter().position(|h| heading_matches(&h.text, old));
    if first == Some(position) {
        changes.extend(heading_link_changes(vault, texts, id, old, new_heading)?);
    }
    Ok(RenameEdit {
        changes,
        file: None,
    })
}

/// Rewrites the heading part of every link to heading `old` of note `id`, in the form Obsidian
/// writes for `new_heading`.
fn heading_link_changes(
    vault: &Vault,
    texts: &dyn TextSource,
    id: NoteId,
    old: &str,
    new_heading: &str,
) -> Result<Vec<TextChange>, String> {
    let link_text = heading_link_text(new_heading);
    let to_heading = |source: &Note, link: &Link| {
        let Some(Subpath::Heading(chain)) = link.subpath.as_deref() else {
            return false;
        };
        chain.last().is_some_and(|h| heading_matches(h, old))
            && vault.resolve(&link.target, &source.path).id() == Some(id)
    };
    let mut changes = Vec::new();
    for (source, kind, parts) in links_to(vault, texts, id, to_heading)? {
        let range = parts.last_heading.ok_or_else(changed_while_renaming)?;
        let text = match kind {
            LinkKind::Markdown if !parts.angle => percent_encode(&link_text),
            LinkKind::Markdown | LinkKind::Wiki | LinkKind::Embed => link_text.clone(),
        };
        changes.push(TextChange {
            note: source,
            range,
            text,
        });
    }
    Ok(changes)
}

/// Returns the links to note `id` that `keep` accepts, given the note they are in, each with
/// that note, the link's kind and its parts in the note's current text. Each note is read once.
pub(super) fn links_to(
    vault: &Vault,
    texts: &dyn TextSource,
    id: NoteId,
    keep: impl Fn(&Note, &Link) -> bool,
) -> Result<Vec<(NoteId, LinkKind, LinkParts)>, String> {
    let mut found = Vec::new();
    for source in vault.possible_referrers(id) {
        let Some(source_note) = vault.note(source) else {
            continue;
        };
        let mut text = None;
        let links = source_note.summary.all_links();
        for link in links.filter(|link| keep(source_note, link)) {
            if text.is_none() {
                text = Some(read(vault, texts, source)?);
            }
            let text = text.as_deref().unwrap_or_default();
            // The index and the text disagree when the note changed on disk since it was read.
            let parts = LinkParts::read(text, link).ok_or_else(changed_while_renaming)?;
            found.push((source, link.kind, parts));
        }
    }
    Ok(found)
}

fn changed_while_renaming() -> String {
    "a link changed while renaming; try again".to_string()
}

fn rename_tag(
    vault: &Vault,
    texts: &dyn TextSource,
    old: &str,
    new_name: &str,
) -> Result<RenameEdit, String> {
    let new_tag = new_name.trim().trim_start_matches('#');
    // A nested tag has a name between each two slashes.
    let empty_part = new_tag.split('/').any(str::is_empty);
    if !is_valid_tag(new_tag) || empty_part {
        return Err(format!(
            "invalid tag `{new_tag}`: a tag needs a character that is not a digit, no spaces or punctuation other than `_ - /`, and a name between each two slashes"
        ));
    }
    if new_tag == old {
        return Err(format!("the tag is already `{old}`"));
    }
    let old_key = key(old);
    let mut changes = Vec::new();
    for (id, note) in vault.notes() {
        let touched = note
            .summary
            .tags
            .iter()
            .any(|t| tag_prefix_len(&t.name, &old_key).is_some());
        if !touched {
            continue;
        }
        let text = read(vault, texts, id)?;
        let first_change = changes.len();
        let mut frontmatter_done = Vec::new();
        for tag in &note.summary.tags {
            if is_in_frontmatter(note, tag.range) {
                if frontmatter_done.contains(&tag.range) {
                    continue;
                }
                frontmatter_done.push(tag.range);
                for (range, name) in frontmatter_tags(&text, frontmatter_value(&text, tag.range)) {
                    if let Some(len) = tag_prefix_len(&name, &old_key) {
                        changes.push(TextChange {
                            note: id,
                            range: TextRange::new(range.start, range.start + to_size(len)),
                            text: new_tag.to_string(),
                        });
                    }
                }
            } else if let Some((range, name)) = body_tag_name(&text, tag.range) {
                if let Some(len) = tag_prefix_len(&name, &old_key) {
                    changes.push(TextChange {
                        note: id,
                        range: TextRange::new(range.start, range.start + to_size(len)),
                        text: new_tag.to_string(),
                    });
                }
            }
        }
        let in_note = changes[first_change..].to_vec();
        changes.extend(headings_with_tags(vault, texts, id, &text, &in_note)?);
    }
    Ok(RenameEdit {
        changes,
        file: None,
    })
}

/// Returns the link changes that follow the headings of note `id` whose text the tag `changes`
/// edit: a heading `## Risks #risk` links as `#Risks risk`, so renaming the tag renames the
/// heading too.
fn headings_with_tags(
    vault: &Vault,
    texts: &dyn TextSource,
    id: NoteId,
    text: &str,
    changes: &[TextChange],
) -> Result<Vec<TextChange>, String> {
    let Some(note) = vault.note(id) else {
        return Ok(Vec::new());
    };
    let headings = &note.summary.headings;
    let mut link_changes = Vec::new();
    for (position, heading) in headings.iter().enumerate() {
        let Some(range) = heading_text_range(text, heading) else {
            continue;
        };
        let mut inside: Vec<&TextChange> = (changes.iter())
            .filter(|c| range.start <= c.range.start && c.range.end <= range.end)
            .collect();
        // Links open the first heading that matches, so only that one has links to follow.
        let first = headings
            .iter()
            .position(|h| heading_matches(&h.text, &heading.text));
        if inside.is_empty() || first != Some(position) {
            continue;
        }
        inside.sort_by_key(|c| c.range.start);
        let mut new_heading = String::with_capacity(heading.text.len());
        let mut at = range.start as usize;
        for change in inside {
            new_heading.push_str(&text[at..change.range.start as usize]);
            new_heading.push_str(&change.text);
            at = change.range.end as usize;
        }
        new_heading.push_str(&text[at..range.end as usize]);
        link_changes.extend(heading_link_changes(
            vault,
            texts,
            id,
            &heading.text,
            &new_heading,
        )?);
    }
    Ok(link_changes)
}

/// Returns the byte length of the part of tag `name` that is the renamed tag, when `name` is that tag
/// (any case) or nested under it.
fn tag_prefix_len(name: &str, old_key: &str) -> Option<usize> {
    let name_key = key(name);
    if name_key == old_key {
        return Some(name.len());
    }
    let nested = name_key.starts_with(old_key) && name_key[old_key.len()..].starts_with('/');
    if !nested {
        return None;
    }
    // The prefix ends at the slash whose position in the key is `old_key.len()`.
    let depth = old_key.matches('/').count();
    name.match_indices('/').nth(depth).map(|(i, _)| i)
}

fn is_in_frontmatter(note: &crate::vault::Note, range: TextRange) -> bool {
    note.summary
        .frontmatter
        .as_ref()
        .is_some_and(|f| f.range.start <= range.start && range.end <= f.range.end)
}

/// Returns the range and name of a body `#tag`, after its `#`.
fn body_tag_name(text: &str, range: TextRange) -> Option<(TextRange, String)> {
    let raw = text.get(range.as_usize())?;
    let name = raw.strip_prefix('#')?;
    Some((TextRange::new(range.start + 1, range.end), name.to_string()))
}

/// Extends the range of a frontmatter value over the indented or `- ` lines below it, since the
/// index records an empty range for a list written one item a line.
fn frontmatter_value(text: &str, range: TextRange) -> TextRange {
    let start = range.end as usize;
    let Some(rest) = text.get(start..) else {
        return range;
    };
    let mut end = start + rest.find('\n').map_or(rest.len(), |i| i + 1);
    for line in text[end..].split_inclusive('\n') {
        let continues = line.starts_with([' ', '\t', '-']) && line.trim_end() != "---";
        if !continues {
            break;
        }
        end += line.len();
    }
    TextRange::new(range.start, to_size(end))
}

/// Lists the tags in a frontmatter `tags` value (a list, inline or by lines, or a string), each with
/// the range of its name without `#`. YAML comments are left out, and a quoted value splits on
/// commas and whitespace, as the index reads it.
fn frontmatter_tags(text: &str, range: TextRange) -> Vec<(TextRange, String)> {
    let Some(raw) = text.get(range.as_usize()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut push = |start: usize, name: &str| {
        let name = name.strip_prefix('#').unwrap_or(name);
        let start = start + usize::from(raw[start..].starts_with('#'));
        if is_valid_tag(name) && name != "-" {
            let start = range.start + to_size(start);
            out.push((
                TextRange::new(start, start + to_size(name.len())),
                name.to_string(),
            ));
        }
    };
    let mut line_start = 0;
    for line in raw.split_inclusive('\n') {
        let mut chars = line.char_indices().peekable();
        let mut after_space = true;
        while let Some((i, c)) = chars.next() {
            match c {
                '"' | '\'' => {
                    let inner = &line[i + 1..];
                    let Some(len) = inner.find(c) else { break };
                    let quoted = &inner[..len];
                    let quoted_start = line_start + i + 1;
                    let mut start = 0;
                    for (at, separator) in quoted.match_indices(is_tag_separator) {
                        push(quoted_start + start, &quoted[start..at]);
                        start = at + separator.len();
                    }
                    push(quoted_start + start, &quoted[start..]);
                    while chars.next_if(|&(j, _)| j <= i + len + 1).is_some() {}
                    after_space = false;
                }
                // A `#` after a space starts a YAML comment.
                '#' if after_space => break,
                c if is_tag_char(c) || c == '#' => {
                    let mut end = line.len();
                    while let Some(&(j, next)) = chars.peek() {
                        if !is_tag_char(next) {
                            end = j;
                            break;
                        }
                        chars.next();
                    }
                    push(line_start + i, &line[i..end]);
                    after_space = false;
                }
                _ => after_space = c.is_whitespace(),
            }
        }
        line_start += line.len();
    }
    out
}

fn is_tag_separator(c: char) -> bool {
    c == ',' || c.is_whitespace()
}

fn frontmatter_tag_at(text: &str, range: TextRange, offset: u32) -> Option<(TextRange, String)> {
    frontmatter_tags(text, range)
        .into_iter()
        .find(|(r, _)| r.contains_inclusive(offset))
}

/// Returns the range of a heading's text in its line, without the `#` marks.
fn heading_text_range(text: &str, heading: &Heading) -> Option<TextRange> {
    let raw = text.get(heading.range.as_usize())?;
    let marks = raw.len() - raw.trim_start_matches([' ', '#']).len();
    let at = raw[marks..].find(heading.text.as_str())? + marks;
    let start = heading.range.start + to_size(at);
    Some(TextRange::new(start, start + to_size(heading.text.len())))
}

/// The form in which a link writes the path of the note it opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PathForm {
    /// The file name alone: `[[Note]]`.
    Name,
    /// Folders and the file name, matched against the end of note paths: `[[Folder/Note]]`.
    Folders,
    /// A path from the vault root: `[x](/Folder/Note.md)`.
    Absolute,
    /// A path from the linking note's folder: `[x](../Folder/Note.md)`.
    Relative,
}

/// The ranges inside a link's path and subpath, read from the note's text.
pub(super) struct LinkParts {
    /// The file name in the link path, without folders, `.md` and `<>`.
    name: TextRange,
    /// The whole path with its folders (and a leading `/`), without `.md` and `<>`.
    pub(super) path: TextRange,
    /// The text of `path`.
    pub(super) written: String,
    /// The form of the path.
    pub(super) form: PathForm,
    /// The subpath after `#`, if any.
    subpath: Option<TextRange>,
    /// The last heading of a heading subpath.
    last_heading: Option<TextRange>,
    /// Whether a Markdown link destination is written in `<...>`.
    pub(super) angle: bool,
}

impl LinkParts {
    pub(super) fn read(text: &str, link: &Link) -> Option<LinkParts> {
        // The index and the text must agree: a file changed on disk since it was indexed may
        // have moved the link.
        let whole = text.get(link.range.as_usize())?;
        let matches = match link.kind {
            LinkKind::Wiki => whole.starts_with("[[") && whole.ends_with("]]"),
            LinkKind::Embed => whole.starts_with("![[") && whole.ends_with("]]"),
            // `[text](destination)`, or a reference definition `[label]: destination`.
            LinkKind::Markdown => {
                whole.starts_with('[') && (whole.ends_with(')') || whole.contains("]:"))
            }
        };
        if !matches {
            return None;
        }
        let start = link.target_range.start;
        let raw = text.get(link.target_range.as_usize())?;
        let (raw, lead, angle) = match raw.strip_prefix('<') {
            Some(inner) if link.kind == LinkKind::Markdown => {
                (inner.strip_suffix('>').unwrap_or(inner), 1, true)
            }
            _ => (raw, 0, false),
        };
        let at = |offset: usize| start + to_size(lead + offset);

        // The file name is the last segment of the path before `#`, without `.md`.
        let hash = raw.find('#');
        let path = &raw[..hash.unwrap_or(raw.len())];
        let path = path.trim_end();
        let segment_start = path.rfind(['/', '\\']).map_or(0, |i| i + 1);
        let segment = &path[segment_start..];
        let name_start = segment_start + (segment.len() - segment.trim_start().len());
        let name_end = crate::syntax::strip_md(path).len().max(name_start);

        let path_start = path.len() - path.trim_start().len();
        let written = &path[path_start..name_end.max(path_start)];
        let form = if written.starts_with("./") || written.starts_with("../") {
            PathForm::Relative
        } else if written.starts_with(['/', '\\']) {
            PathForm::Absolute
        } else if written.contains(['/', '\\']) {
            PathForm::Folders
        } else {
            PathForm::Name
        };

        let subpath = hash.map(|h| TextRange::new(at(h + 1), at(raw.len())));
        let last_heading = match link.subpath.as_deref() {
            Some(Subpath::Heading(_)) => hash.map(|h| {
                let sub = &raw[h..];
                let last = sub.rfind('#').map_or(0, |i| i + 1);
                let part = &sub[last..];
                let leading = part.len() - part.trim_start().len();
                let begin = h + last + leading;
                TextRange::new(at(begin), at(begin + part.trim().len()))
            }),
            _ => None,
        };
        Some(LinkParts {
            name: TextRange::new(at(name_start), at(name_end)),
            path: TextRange::new(at(path_start), at(name_end.max(path_start))),
            written: written.to_string(),
            form,
            subpath,
            last_heading,
            angle,
        })
    }
}

/// Encodes a name for a Markdown link destination the way Obsidian writes one: spaces and the
/// characters that end or confuse a destination as `%XX`, other characters as they are.
pub(super) fn percent_encode(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '#' => out.push_str("%23"),
            c if c.is_whitespace() => {
                let mut buf = [0; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "%{byte:02X}");
                }
            }
            c => out.push(c),
        }
    }
    out
}

pub(super) fn read(
    vault: &Vault,
    texts: &dyn TextSource,
    id: NoteId,
) -> Result<std::sync::Arc<str>, String> {
    texts.text(vault, id).ok_or_else(|| {
        let path = vault.note(id).map_or("", |n| n.path.as_str());
        format!("cannot read `{path}`, so its links cannot be updated; nothing was renamed")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_tag_prefix() {
        assert_eq!(tag_prefix_len("A/B/c", "a/b"), Some(3));
        assert_eq!(tag_prefix_len("a/b", "a/b"), Some(3));
        assert_eq!(tag_prefix_len("a/bc", "a/b"), None);
        assert_eq!(tag_prefix_len("x/a/b", "a/b"), None);
    }

    /// Returns the tags of a whole frontmatter value, each as the text of its range.
    fn tags_of(text: &str) -> Vec<&str> {
        let tags = frontmatter_tags(text, TextRange::new(0, to_size(text.len())));
        tags.iter()
            .map(|(range, _)| &text[range.as_usize()])
            .collect()
    }

    #[test]
    fn frontmatter_tag_list() {
        assert_eq!(tags_of("[risk, \"#a/b\", 42]"), ["risk", "a/b"]);
    }

    #[test]
    fn frontmatter_comments_and_quoted_text() {
        let lines = "\n  - risk # the risk tag\n  - \"big risk\"\n  - 'plan'\n";
        assert_eq!(tags_of(lines), ["risk", "big", "risk", "plan"]);
        assert_eq!(
            tags_of("\"#churn  #北星,expansion\""),
            ["churn", "北星", "expansion"]
        );
        assert_eq!(tags_of("'#2026 q1'"), ["q1"]);
        assert_eq!(tags_of("risk, planning # two tags"), ["risk", "planning"]);
    }

    /// Returns the text of the file name and last heading that a rename rewrites in the first
    /// link.
    fn link_parts(text: &str) -> (String, Option<String>) {
        let summary = crate::syntax::parse(text);
        let link = summary.all_links().next().expect("a link");
        let parts = LinkParts::read(text, link).expect("link parts");
        let heading = parts.last_heading.map(|r| text[r.as_usize()].to_string());
        (text[parts.name.as_usize()].to_string(), heading)
    }

    #[test]
    fn link_parts_of_each_form() {
        let cases = [
            ("[[ Plan ]]", "Plan", None),
            ("| [[Plan\\|shown]] |", "Plan", None),
            ("[[A/B/Plan.md#Top#Sub|x]]", "Plan", Some("Sub")),
            ("![[Plan# Risks ]]", "Plan", Some("Risks")),
            (
                "[x](../a/My%20Plan.md#Key%20Risks)",
                "My%20Plan",
                Some("Key%20Risks"),
            ),
            ("[x](<My Plan.md> \"title\")", "My Plan", None),
            ("[x](./Plan.MD)", "Plan", None),
        ];
        for (text, name, heading) in cases {
            let (found_name, found_heading) = link_parts(text);
            assert_eq!(found_name, name, "{text}");
            assert_eq!(found_heading.as_deref(), heading, "{text}");
        }
    }

    #[test]
    fn markdown_encoding() {
        assert_eq!(percent_encode("New Plan (v2)"), "New%20Plan%20%28v2%29");
        assert_eq!(percent_encode("北星"), "北星");
    }

    #[test]
    fn invalid_note_names() {
        assert!(validate_note_name("  ").is_err());
        assert!(validate_note_name("a/b").is_err());
        assert!(validate_note_name("a#b").is_err());
        assert!(validate_note_name("a|b").is_err());
        assert_eq!(validate_note_name(" New.md "), Ok("New"));
        // The name that links would write is the one the file gets.
        assert!(validate_note_name("New.md.md").is_err());
        assert!(validate_note_name("a`b").is_err());
        assert!(validate_note_name(&"a".repeat(252)).is_ok());
        assert!(validate_note_name(&"a".repeat(253)).is_err());
    }
}
