//! Completion of links after `[[` (notes, accounts, people, aliases), of headings after
//! `[[Note#`, of block ids after `[[Note#^`, and of tags after `#`.

use std::cmp::Reverse;
use std::sync::LazyLock;

use chrono::{Duration, NaiveDate};
use regex::Regex;

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config as MatcherConfig, Matcher, Utf32String};
use rayon::prelude::*;

use super::account::HealthKey;
use super::diagnostics::heading_link_text;
use crate::syntax::{NoteSummary, is_tag_char};
use crate::text::{TextRange, to_size};
use crate::vault::{NoteId, NoteKind, Vault, key};

/// Most items returned for one request; the list is marked incomplete when there are more.
pub const MAX_ITEMS: usize = 50;

/// What a completion item inserts a link or tag to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CompletionKind {
    /// An account.
    Account,
    /// A stakeholder.
    Person,
    /// A note by one of its aliases.
    Alias,
    /// Any other note.
    Note,
    /// A heading in the target note.
    Heading,
    /// A block id in the target note.
    Block,
    /// A tag.
    Tag,
    /// A health field name or value.
    Field,
    /// A date.
    Date,
}

/// One completion proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    /// Text shown in the list.
    pub label: String,
    /// What the item is.
    pub kind: CompletionKind,
    /// Extra information shown next to the label (role and account, folder, ...).
    pub detail: Option<String>,
    /// Text that replaces `replace`.
    pub insert: String,
    /// Text the editor filters on while the user keeps typing.
    pub filter: String,
    /// Rank: lower sorts first.
    pub rank: u32,
    /// Range that the insert text replaces.
    pub replace: TextRange,
}

/// A completion result.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completions {
    /// The proposals, best first.
    pub items: Vec<CompletionItem>,
    /// Whether more items matched than were returned, so the editor should ask again as the user
    /// types.
    pub incomplete: bool,
}

/// One `[[` target. Only the label is stored, in the matcher's form; the rest is read from the
/// vault for the few candidates that are returned.
#[derive(Clone, Debug)]
struct Candidate {
    /// The label in the matcher's form, built once.
    haystack: Utf32String,
    /// The label when it is not ASCII: the matcher's form keeps one character a grapheme, so it
    /// cannot give the label back. An ASCII label is the haystack itself.
    unicode_label: Option<Box<str>>,
    kind: CompletionKind,
    /// The note linked to; `None` for an account.
    note: Option<NoteId>,
    /// Whether the note's name is shared with another note, so the link writes its path.
    by_path: bool,
}

impl Candidate {
    fn new(label: &str, kind: CompletionKind, note: Option<NoteId>, by_path: bool) -> Candidate {
        Candidate {
            haystack: Utf32String::from(label),
            unicode_label: (!label.is_ascii()).then(|| label.into()),
            kind,
            note,
            by_path,
        }
    }

    fn label_str(&self) -> &str {
        match (&self.unicode_label, &self.haystack) {
            (Some(label), _) | (None, Utf32String::Ascii(label)) => label,
            (None, Utf32String::Unicode(_)) => "",
        }
    }

    fn label(&self) -> String {
        self.label_str().to_string()
    }

    fn cmp_label(&self, other: &Candidate) -> std::cmp::Ordering {
        self.label_str().cmp(other.label_str())
    }

    /// What goes between `[[` and `]]`, before any `|alias`.
    fn link_text(&self, vault: &Vault) -> String {
        // An alias of an account's main page links to the account by name, which stays
        // unambiguous when another account gets an `Overview` too.
        if let (CompletionKind::Alias, Some(account)) =
            (self.kind, self.account_of_main_page(vault))
        {
            return account;
        }
        match self.note.and_then(|id| vault.note(id)) {
            Some(note) if self.by_path => crate::syntax::strip_md(&note.path).to_string(),
            Some(note) => note.stem.clone(),
            None => self.label(),
        }
    }

    /// The name of the account whose main page this candidate's note is, if it is one.
    fn account_of_main_page(&self, vault: &Vault) -> Option<String> {
        let id = self.note?;
        let NoteKind::AccountPage { account } = &vault.note(id)?.kind else {
            return None;
        };
        let account = vault.account(account)?;
        (vault.account_overview(account) == Some(id)).then(|| account.name.clone())
    }

    fn detail(&self, vault: &Vault) -> Option<String> {
        let Some(note) = self.note.and_then(|id| vault.note(id)) else {
            let account = vault.account(&self.label())?;
            return Some(format!("account · {}", account.folder));
        };
        match (&note.kind, self.kind) {
            (_, CompletionKind::Alias) => Some(format!("alias of {}", note.stem)),
            (NoteKind::Person(person), _) => {
                let parts: Vec<&str> = [person.role.as_deref(), person.account.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
                Some(if parts.is_empty() {
                    "person".to_string()
                } else {
                    parts.join(" · ")
                })
            }
            _ => Some(note.folder().to_string()).filter(|f| !f.is_empty()),
        }
    }
}

/// The `[[` candidates of a vault, rebuilt only when notes are added, removed or renamed.
#[derive(Default)]
pub struct CompletionCache {
    generation: Option<(usize, u64)>,
    candidates: Vec<Candidate>,
}

impl CompletionCache {
    /// Builds the candidate list now, so the first `[[` after indexing does not wait for it.
    pub fn warm(&mut self, vault: &Vault) {
        self.candidates(vault);
    }

    fn candidates(&mut self, vault: &Vault) -> &[Candidate] {
        let stamp = (std::ptr::from_ref(vault) as usize, vault.names_generation);
        if self.generation != Some(stamp) {
            self.candidates = build_candidates(vault);
            self.generation = Some(stamp);
        }
        &self.candidates
    }
}

/// Computes completions at byte `offset` of `text`, the current text of note `id`. Code, raw
/// HTML and math get none, since links, tags and dates there are not read.
pub fn completion(
    vault: &Vault,
    cache: &mut CompletionCache,
    id: NoteId,
    text: &str,
    offset: u32,
    today: NaiveDate,
) -> Option<Completions> {
    let summary = crate::syntax::parse(text);
    if in_code(&summary, text, offset) {
        return None;
    }
    let in_table = summary
        .tables
        .iter()
        .any(|table| table.range.contains_inclusive(offset));
    let offset = crate::text::floor_char_boundary(text, offset as usize);
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    if let Some(completions) = date_completion(before, to_size(line_start), today) {
        return Some(completions);
    }
    if let Some(completions) =
        field_completion(vault, id, before, to_size(line_start), to_size(offset))
    {
        return Some(completions);
    }
    if let Some(open) = open_wikilink(before) {
        let inner_start = line_start + open + 2;
        let typed = &text[inner_start..offset];
        let after = &text[offset..];
        let typing = LinkTyping {
            typed,
            inner_start: to_size(inner_start),
            offset: to_size(offset),
            after,
            in_table,
        };
        return Some(link_completion(vault, cache, id, &typing));
    }
    tag_completion(
        vault,
        before,
        &text[offset..],
        to_size(line_start),
        to_size(offset),
    )
}

/// Checks whether the cursor at byte `offset` is inside code, raw HTML or math. A block left open
/// at the end of the note, such as an unclosed fence, includes the end, where the cursor sits
/// while typing in it.
fn in_code(summary: &NoteSummary, text: &str, offset: u32) -> bool {
    let frontmatter = summary.frontmatter.as_ref().map(|f| f.range);
    // Closed code spans, inline math and HTML tags end in one of these characters.
    let open_at_end = !text.ends_with(['`', '$', '>']);
    summary
        .excluded
        .iter()
        .filter(|&&range| Some(range) != frontmatter)
        .any(|range| {
            let at_open_end = open_at_end && range.end as usize == text.len();
            range.start < offset && (offset < range.end || (offset == range.end && at_open_end))
        })
}

/// Byte offset of the `[[` that the cursor is inside, within `before` (the line up to the cursor).
fn open_wikilink(before: &str) -> Option<usize> {
    let open = before.rfind("[[")?;
    let typed = &before[open + 2..];
    (!typed.contains("]]") && !typed.contains('|')).then_some(open)
}

/// The link being typed: the text after its `[[` up to the cursor, and where it sits.
#[derive(Clone, Copy)]
struct LinkTyping<'a> {
    typed: &'a str,
    /// Byte offset just after the `[[`.
    inner_start: u32,
    /// Byte offset of the cursor.
    offset: u32,
    /// The note's text after the cursor.
    after: &'a str,
    /// Whether the cursor is in a table row, where a `|` would end the cell.
    in_table: bool,
}

fn link_completion(
    vault: &Vault,
    cache: &mut CompletionCache,
    id: NoteId,
    typing: &LinkTyping<'_>,
) -> Completions {
    let LinkTyping {
        typed,
        inner_start,
        offset,
        after,
        in_table,
    } = *typing;
    let rest = written_rest(after);
    let close = if rest.is_some() { "" } else { "]]" };
    // A link already written on the line is completed in place: the rest of the name being
    // replaced goes too, and what follows it stays.
    let end = offset + to_size(rest.map_or(0, |r| r.len));
    let continues = rest.is_some_and(|r| r.continues);
    if let Some(hash) = typed.find('#') {
        let target = &typed[..hash];
        let sub = &typed[hash + 1..];
        let source = vault.note(id).map(|n| n.path.clone()).unwrap_or_default();
        let Some(target_id) = vault.resolve(target, &source).id() else {
            return Completions::default();
        };
        let replace_start = inner_start + to_size(hash + 1);
        return if let Some(block) = sub.strip_prefix('^') {
            block_items(
                vault,
                target_id,
                block,
                TextRange::new(replace_start + 1, end),
                close,
            )
        } else {
            heading_items(
                vault,
                target_id,
                sub,
                TextRange::new(replace_start, end),
                close,
            )
        };
    }
    let replace = TextRange::new(inner_start, end);
    // A bare `|` ends a table cell, so Obsidian's help (Advanced formatting syntax, tables)
    // writes an alias there as `[[Note\|Alias]]`.
    let separator = if in_table { "\\|" } else { "|" };
    let candidates = cache.candidates(vault);
    let query = typed.trim();
    let mut scored: Vec<(u32, &Candidate)> = if query.is_empty() {
        candidates
            .iter()
            .filter(|c| c.kind <= CompletionKind::Person)
            .map(|c| (0, c))
            .collect()
    } else {
        fuzzy(query, candidates)
    };
    // An empty query offers only accounts and people, so the first typed character has to
    // request the list again to reach the other notes.
    let left_out = query.is_empty() && scored.len() < candidates.len();
    let order = |(a_score, a): &(u32, &Candidate), (b_score, b): &(u32, &Candidate)| {
        Reverse(*a_score)
            .cmp(&Reverse(*b_score))
            .then(a.kind.cmp(&b.kind))
            .then_with(|| a.cmp_label(b))
    };
    let too_many = scored.len() > MAX_ITEMS;
    let incomplete = left_out || too_many;
    // Only the best items are returned: partition them out before sorting, since a short query
    // can match most of a large vault.
    if too_many {
        scored.select_nth_unstable_by(MAX_ITEMS, order);
        scored.truncate(MAX_ITEMS);
    }
    scored.sort_by(order);
    let items = scored
        .into_iter()
        .take(MAX_ITEMS)
        .enumerate()
        .map(|(rank, (_, c))| {
            let label = c.label();
            let link_text = c.link_text(vault);
            // A heading or alias already written keeps its place, so an alias item then
            // inserts only the name: `[[Name|Alias#Heading]]` would not resolve.
            let insert = if c.kind == CompletionKind::Alias && !continues {
                format!("{link_text}{separator}{label}{close}")
            } else {
                format!("{link_text}{close}")
            };
            CompletionItem {
                kind: c.kind,
                detail: c.detail(vault),
                insert,
                filter: label.clone(),
                label,
                rank: u32::try_from(rank).unwrap_or(u32::MAX),
                replace,
            }
        })
        .collect();
    Completions { items, incomplete }
}

/// The part of a link written after the cursor, when a `]]` on the same line closes it.
#[derive(Clone, Copy)]
struct WrittenRest {
    /// Bytes after the cursor that still belong to the name being completed, up to a `#`, a
    /// `|` (or the `\|` of a table) or the `]]`.
    len: usize,
    /// Whether a heading, block id or alias follows the name.
    continues: bool,
}

/// Reads what follows the cursor in the link being typed. Returns `None` when the link is not
/// closed on its line, or when the next `]]` closes a later link.
fn written_rest(after: &str) -> Option<WrittenRest> {
    let line = after.split(['\n', '\r']).next().unwrap_or("");
    let close = line.find("]]")?;
    let inside = &line[..close];
    if inside.contains("[[") {
        return None;
    }
    let mut len = inside.find(['#', '|']).unwrap_or(inside.len());
    if inside[len..].starts_with('|') && inside[..len].ends_with('\\') {
        len -= 1;
    }
    Some(WrittenRest {
        len,
        continues: len < inside.len(),
    })
}

thread_local! {
    /// A fuzzy-pass thread's matcher and its list of (score, index in chunk) matches.
    static SCRATCH: std::cell::RefCell<(Matcher, Vec<(u32, u32)>)> =
        std::cell::RefCell::new((Matcher::new(MatcherConfig::DEFAULT), Vec::new()));
}

/// Candidates kept for the prefix and word-start ranking after the fuzzy pass.
const RANKED: usize = 512;

fn fuzzy<'a>(query: &str, candidates: &'a [Candidate]) -> Vec<(u32, &'a Candidate)> {
    let pattern = Pattern::new(
        query,
        CaseMatching::Ignore,
        Normalization::Smart,
        AtomKind::Fuzzy,
    );
    // The fuzzy pass is the cost of a large vault: run it on every core. Each thread keeps its
    // matcher and a scratch list: allocating them a request costs page faults, since the
    // allocator hands freed memory back to the system between keystrokes. Each chunk passes on
    // only its best matches, which hold the best of all.
    let mut scored: Vec<(u32, &Candidate)> = candidates
        .par_chunks(4096)
        .flat_map_iter(|chunk| {
            SCRATCH.with_borrow_mut(|(matcher, found)| {
                found.clear();
                found.extend(chunk.iter().enumerate().filter_map(|(i, c)| {
                    let score = pattern.score(c.haystack.slice(..), matcher)?;
                    Some((score, u32::try_from(i).unwrap_or(u32::MAX)))
                }));
                if found.len() > RANKED {
                    found.select_nth_unstable_by(RANKED, |a, b| b.0.cmp(&a.0));
                    found.truncate(RANKED);
                }
                found
                    .iter()
                    .map(|&(score, i)| (score, &chunk[i as usize]))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    if scored.len() > RANKED {
        scored.select_nth_unstable_by(RANKED, |a, b| b.0.cmp(&a.0));
        scored.truncate(RANKED);
    }
    let query_key = key(query);
    for (score, c) in &mut scored {
        // Prefix and word-start matches read as what the user meant; rank them first.
        let label_key = key(c.label_str());
        if label_key.starts_with(&query_key) {
            *score += 1000;
        } else if label_key.split(' ').any(|w| w.starts_with(&query_key)) {
            *score += 500;
        }
    }
    scored
}

fn heading_items(
    vault: &Vault,
    target: NoteId,
    typed: &str,
    replace: TextRange,
    close: &str,
) -> Completions {
    let Some(note) = vault.note(target) else {
        return Completions::default();
    };
    let typed = key(&heading_link_text(typed));
    let items = note
        .summary
        .headings
        .iter()
        .map(|h| (h, heading_link_text(&h.text)))
        .filter(|(_, link_text)| key(link_text).contains(&typed))
        .enumerate()
        .map(|(rank, (h, link_text))| CompletionItem {
            label: h.text.clone(),
            kind: CompletionKind::Heading,
            detail: Some(format!(
                "{} in {}",
                "#".repeat(usize::from(h.level)),
                note.stem
            )),
            insert: format!("{link_text}{close}"),
            filter: link_text,
            rank: u32::try_from(rank).unwrap_or(u32::MAX),
            replace,
        })
        .collect();
    Completions {
        items,
        incomplete: false,
    }
}

fn block_items(
    vault: &Vault,
    target: NoteId,
    typed: &str,
    replace: TextRange,
    close: &str,
) -> Completions {
    let Some(note) = vault.note(target) else {
        return Completions::default();
    };
    let items = note
        .summary
        .block_ids
        .iter()
        .filter(|b| b.id.to_lowercase().starts_with(&typed.to_lowercase()))
        .enumerate()
        .map(|(rank, b)| CompletionItem {
            label: b.id.clone(),
            kind: CompletionKind::Block,
            detail: Some(format!("block in {}", note.stem)),
            insert: format!("{}{close}", b.id),
            filter: b.id.clone(),
            rank: u32::try_from(rank).unwrap_or(u32::MAX),
            replace,
        })
        .collect();
    Completions {
        items,
        incomplete: false,
    }
}

fn tag_completion(
    vault: &Vault,
    before: &str,
    after: &str,
    line_start: u32,
    offset: u32,
) -> Option<Completions> {
    let typed_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_tag_char(*c))
        .last()
        .map_or(before.len(), |(i, _)| i);
    let hash = typed_start.checked_sub(1)?;
    if before.as_bytes().get(hash) != Some(&b'#') {
        return None;
    }
    if hash > 0 && !before[..hash].ends_with(char::is_whitespace) {
        return None;
    }
    let typed = key(&before[typed_start..]);
    // Completing inside a written tag replaces all of it, not only the part before the cursor.
    let rest_len = after
        .char_indices()
        .find(|&(_, c)| !is_tag_char(c))
        .map_or(after.len(), |(i, _)| i);
    let written = key(&format!("{}{}", &before[typed_start..], &after[..rest_len]));
    let replace = TextRange::new(
        line_start + to_size(typed_start),
        offset + to_size(rest_len),
    );
    // The tag being typed is itself indexed once the note is parsed; leave out that lone use.
    let mut tags: Vec<(&str, u32)> = vault
        .tags()
        .filter(|(name, count)| {
            let name = key(name);
            name.contains(&typed) && !(name == written && *count == 1)
        })
        .collect();
    tags.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let incomplete = tags.len() > MAX_ITEMS;
    let items = tags
        .into_iter()
        .take(MAX_ITEMS)
        .enumerate()
        .map(|(rank, (name, count))| CompletionItem {
            label: name.to_string(),
            kind: CompletionKind::Tag,
            detail: Some(super::plural(count as usize, "note")),
            insert: name.to_string(),
            filter: name.to_string(),
            rank: u32::try_from(rank).unwrap_or(u32::MAX),
            replace,
        })
        .collect();
    Some(Completions { items, incomplete })
}

fn build_candidates(vault: &Vault) -> Vec<Candidate> {
    let mut name_counts = std::collections::HashMap::<String, u32>::new();
    for (_, note) in vault.notes() {
        *name_counts.entry(key(&note.stem)).or_default() += 1;
    }
    let mut candidates = Vec::with_capacity(vault.len() + vault.accounts().count());
    for account in vault.accounts() {
        candidates.push(Candidate::new(
            &account.name,
            CompletionKind::Account,
            None,
            false,
        ));
    }
    for (id, note) in vault.notes() {
        // A link by bare name is enough when the name is unique; otherwise write the path.
        let by_path = name_counts.get(&key(&note.stem)).copied().unwrap_or(0) > 1;
        let label = if by_path {
            crate::syntax::strip_md(&note.path)
        } else {
            note.stem.as_str()
        };
        let kind = match &note.kind {
            NoteKind::Person(_) => CompletionKind::Person,
            _ => CompletionKind::Note,
        };
        candidates.push(Candidate::new(label, kind, Some(id), by_path));
        if let Some(fm) = &note.summary.frontmatter {
            // An alias spelled like the note's name or its account's name adds only a duplicate.
            let account = match &note.kind {
                NoteKind::AccountPage { account } => vault.account(account).map(|a| key(&a.name)),
                _ => None,
            };
            let names = [Some(key(&note.stem)), account];
            for alias in &fm.aliases {
                if names.contains(&Some(key(alias))) {
                    continue;
                }
                candidates.push(Candidate::new(
                    alias,
                    CompletionKind::Alias,
                    Some(id),
                    by_path,
                ));
            }
        }
    }
    candidates.shrink_to_fit();
    candidates
}

static DATE_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:(?:📅|📆|🗓|⏳|⌛|🛫|➕)\x{FE0F}? *|\b(?:due|scheduled|start)::? *)([a-z]*)$",
    )
    .expect("valid regex")
});
static LIST_FIELD_CONTEXT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[ \t>]*[-*+][ \t]+([A-Za-z ]*)$").expect("valid regex"));
static HEALTH_VALUE_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[ \t>]*[-*+][ \t]+health:: ?[ \t]*([a-z]*)$|^[ \t>]*[-*+][ \t]+health: ?[ \t]*([a-z]*)$").expect("valid regex")
});

/// Offers dates after a Tasks signifier or a `due:` key: today, tomorrow, the coming weekdays,
/// next week, in two weeks and the end of the month. Each inserts the ISO date.
fn date_completion(before: &str, line_start: u32, today: NaiveDate) -> Option<Completions> {
    let caps = DATE_CONTEXT.captures(before)?;
    let typed = caps.get(1).expect("the word group always matches");
    let replace = TextRange::new(
        line_start + to_size(typed.start()),
        line_start + to_size(typed.end()),
    );
    let mut choices: Vec<(String, NaiveDate)> = vec![
        ("today".to_string(), today),
        ("tomorrow".to_string(), today + Duration::days(1)),
    ];
    for ahead in 2..=7 {
        let day = today + Duration::days(ahead);
        choices.push((day.format("%A").to_string().to_lowercase(), day));
    }
    choices.push(("next week".to_string(), today + Duration::days(7)));
    choices.push(("in two weeks".to_string(), today + Duration::days(14)));
    choices.push((
        "end of month".to_string(),
        super::account::values::end_of_month(today),
    ));
    let typed = typed.as_str().to_lowercase();
    let items = choices
        .into_iter()
        .filter(|(label, _)| label.starts_with(&typed))
        .enumerate()
        .map(|(rank, (label, date))| CompletionItem {
            detail: Some(format!("{date} ({})", date.format("%A"))),
            insert: date.to_string(),
            filter: label.clone(),
            label,
            kind: CompletionKind::Date,
            rank: u32::try_from(rank).unwrap_or(u32::MAX),
            replace,
        })
        .collect();
    Some(Completions {
        items,
        incomplete: false,
    })
}

/// Health field names at the start of a list item under Account Health, and health colours
/// after `- Health:`.
fn field_completion(
    vault: &Vault,
    id: NoteId,
    before: &str,
    line_start: u32,
    offset: u32,
) -> Option<Completions> {
    let note = vault.note(id)?;
    if let Some(caps) = HEALTH_VALUE_CONTEXT.captures(before) {
        let typed = caps
            .get(1)
            .or_else(|| caps.get(2))
            .expect("one group matches");
        let replace = TextRange::new(line_start + to_size(typed.start()), offset);
        let items = ["green", "yellow", "red"]
            .into_iter()
            .enumerate()
            .map(|(rank, band)| CompletionItem {
                label: band.to_string(),
                kind: CompletionKind::Field,
                detail: Some("health colour".to_string()),
                insert: band.to_string(),
                filter: band.to_string(),
                rank: u32::try_from(rank).unwrap_or(u32::MAX),
                replace,
            })
            .collect();
        return Some(Completions {
            items,
            incomplete: false,
        });
    }
    let caps = LIST_FIELD_CONTEXT.captures(before)?;
    if note.summary.section_at(line_start) != Some(crate::syntax::SectionKind::Health) {
        return None;
    }
    let typed = caps.get(1).expect("the name group always matches");
    let replace = TextRange::new(line_start + to_size(typed.start()), offset);
    let items = HealthKey::ALL
        .iter()
        .enumerate()
        .map(|(rank, key)| CompletionItem {
            label: key.name().to_string(),
            kind: CompletionKind::Field,
            detail: Some(format!("for example `{}: {}`", key.name(), key.example())),
            insert: format!("{}: ", key.name()),
            filter: key.name().to_string(),
            rank: u32::try_from(rank).unwrap_or(u32::MAX),
            replace,
        })
        .collect();
    Some(Completions {
        items,
        incomplete: false,
    })
}
