//! Document symbols (the heading tree of a note) and workspace symbols (notes, accounts,
//! people, headings across the vault).

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config as MatcherConfig, Matcher, Utf32Str};

use super::NOTE_START;
use crate::syntax::NoteSummary;
use crate::text::TextRange;
use crate::vault::{NoteId, NoteKind, Vault};

/// Most workspace symbols returned for one query.
pub const MAX_WORKSPACE_SYMBOLS: usize = 200;

/// What a symbol stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A heading.
    Heading,
    /// A note.
    Note,
    /// An account.
    Account,
    /// A stakeholder.
    Person,
    /// A meeting note.
    Meeting,
}

/// A symbol with its children (for document symbols) or its note (for workspace symbols).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// Displayed name.
    pub name: String,
    /// What it stands for.
    pub kind: SymbolKind,
    /// Extra detail (folder, role).
    pub detail: Option<String>,
    /// The note that holds it.
    pub note: NoteId,
    /// Whole extent: a heading's section.
    pub range: TextRange,
    /// The part to select: a heading's line.
    pub selection: TextRange,
    /// Nested headings.
    pub children: Vec<Symbol>,
}

/// The heading tree of a note: each heading holds the deeper headings of its section.
pub fn document_symbols(note: NoteId, summary: &NoteSummary) -> Vec<Symbol> {
    let mut roots: Vec<Symbol> = Vec::new();
    let mut stack: Vec<(u8, Symbol)> = Vec::new();
    for heading in &summary.headings {
        let symbol = Symbol {
            name: if heading.text.is_empty() {
                "(empty heading)".to_string()
            } else {
                heading.text.clone()
            },
            kind: SymbolKind::Heading,
            detail: Some("#".repeat(usize::from(heading.level))),
            note,
            range: TextRange::new(heading.range.start, heading.section_end),
            selection: heading.range,
            children: Vec::new(),
        };
        while stack
            .last()
            .is_some_and(|(level, _)| *level >= heading.level)
        {
            let (_, done) = stack.pop().expect("stack is not empty");
            attach(&mut stack, &mut roots, done);
        }
        stack.push((heading.level, symbol));
    }
    while let Some((_, done)) = stack.pop() {
        attach(&mut stack, &mut roots, done);
    }
    roots
}

fn attach(stack: &mut [(u8, Symbol)], roots: &mut Vec<Symbol>, symbol: Symbol) {
    match stack.last_mut() {
        Some((_, parent)) => parent.children.push(symbol),
        None => roots.push(symbol),
    }
}

/// Notes, accounts, people and headings whose names match `query` fuzzily, best first.
pub fn workspace_symbols(vault: &Vault, query: &str) -> Vec<Symbol> {
    let mut matcher = Matcher::new(MatcherConfig::DEFAULT);
    let pattern = Pattern::new(
        query,
        CaseMatching::Ignore,
        Normalization::Smart,
        AtomKind::Fuzzy,
    );
    let mut buf = Vec::new();
    let mut score = |name: &str| -> Option<u32> {
        if query.is_empty() {
            Some(0)
        } else {
            pattern.score(Utf32Str::new(name, &mut buf), &mut matcher)
        }
    };
    let mut scored: Vec<(u32, Symbol)> = Vec::new();
    for account in vault.accounts() {
        let Some(id) = vault.account_overview(account) else {
            continue;
        };
        if let Some(s) = score(&account.name) {
            scored.push((
                s + 2,
                symbol(
                    account.name.clone(),
                    SymbolKind::Account,
                    Some(account.folder.clone()),
                    id,
                    NOTE_START,
                ),
            ));
        }
    }
    for (id, note) in vault.notes() {
        let (kind, detail) = match &note.kind {
            NoteKind::Person(person) => (SymbolKind::Person, person.role.clone()),
            NoteKind::Meeting(_) => (SymbolKind::Meeting, Some(note.folder().to_string())),
            _ => (SymbolKind::Note, Some(note.folder().to_string())),
        };
        if let Some(s) = score(&note.stem) {
            scored.push((
                s + 1,
                symbol(note.stem.clone(), kind, detail, id, NOTE_START),
            ));
        }
        // Headings are many; with no query, notes alone are a more useful list.
        if query.is_empty() {
            continue;
        }
        for heading in &note.summary.headings {
            if let Some(s) = score(&heading.text) {
                scored.push((
                    s,
                    symbol(
                        heading.text.clone(),
                        SymbolKind::Heading,
                        Some(note.stem.clone()),
                        id,
                        heading.range,
                    ),
                ));
            }
        }
    }
    scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
    scored
        .into_iter()
        .take(MAX_WORKSPACE_SYMBOLS)
        .map(|(_, s)| s)
        .collect()
}

fn symbol(
    name: String,
    kind: SymbolKind,
    detail: Option<String>,
    note: NoteId,
    range: TextRange,
) -> Symbol {
    Symbol {
        name,
        kind,
        detail,
        note,
        range,
        selection: range,
        children: Vec::new(),
    }
}
