//! The account model: everything the vault records about one account — health fields as time
//! series, the health score and band, renewal, commitments, stakeholders, wins, risks and
//! expansion — each pointing back to the note and range it came from.
//!
//! Note text is read through a [`TextSource`], since the index keeps summaries only.

pub mod risk;
pub mod score;
pub mod values;

use std::collections::HashMap;

use chrono::NaiveDate;

pub use score::{Renewal, Score};
pub use values::{Band, HealthKey, Parsed, Value};

use super::TextSource;
use crate::syntax::dex_block::{self, DexBlock, Provenance};
use crate::syntax::{FieldSource, NoteSummary, SectionKind, Task};
use crate::text::TextRange;
use crate::vault::{Account, NoteId, NoteKind, Vault};

/// Risk signals older than this many days no longer count as open in the health score.
pub const RISK_WINDOW_DAYS: i64 = 90;

/// One reading of a health field.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// Which field.
    pub key: HealthKey,
    /// The value read.
    pub parsed: Parsed,
    /// The value as written.
    pub raw: String,
    /// When it was true: the table row's, meeting's or note's `date`, or the day of the import
    /// that set an imported property. It is `None` for values written by hand on undated pages.
    pub date: Option<NaiveDate>,
    /// For a reading without a date: the day its page was last changed by hand (see
    /// [`AccountReport::current`]); `None` when unknown.
    pub as_of: Option<NaiveDate>,
    /// The import that wrote the value, for rows of Dex-owned blocks and for properties an
    /// import set.
    pub imported: Option<Imported>,
    /// Whether the value is a frontmatter property.
    pub property: bool,
    /// The note it is written in.
    pub note: NoteId,
    /// The value's range in that note.
    pub range: TextRange,
    /// Whether the note is one of the account's own pages.
    pub on_account_page: bool,
}

/// The import a value came from: a Dex-owned block's source and provenance line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// The product name, such as `Salesforce`.
    pub title: String,
    /// The block's provenance line.
    pub provenance: Provenance,
}

impl Imported {
    fn of(block: &DexBlock) -> Option<Imported> {
        Some(Imported {
            title: block.title.clone(),
            provenance: block.provenance.clone()?,
        })
    }
}

/// A health field whose value cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidValue {
    /// Which field.
    pub key: HealthKey,
    /// Why, naming the value.
    pub message: String,
    /// The value's range.
    pub range: TextRange,
}

/// A risk signal: a churn phrase, a concern, a `#risk/...` tag or a leaving stakeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signal {
    /// Category slug (`champion-loss`, `usage-drop`, ..., or `general`).
    pub category: String,
    /// The line's text.
    pub text: String,
    /// The note it is written in.
    pub note: NoteId,
    /// The phrase, tag or item range.
    pub range: TextRange,
    /// The note's date, when it has one.
    pub date: Option<NaiveDate>,
}

/// A list item under Key Wins or Expansion, with its source.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Item text without the list marker.
    pub text: String,
    /// The note it is written in.
    pub note: NoteId,
    /// The item's range.
    pub range: TextRange,
    /// The note's date, when it has one.
    pub date: Option<NaiveDate>,
    /// An amount found in the text (expansion uplift).
    pub amount: Option<f64>,
}

/// Facts one note contributes to its account.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NoteFacts {
    /// Health field readings.
    pub observations: Vec<Observation>,
    /// Health fields that cannot be read.
    pub invalid: Vec<InvalidValue>,
    /// Risk signals.
    pub signals: Vec<Signal>,
    /// Items under Key Wins.
    pub wins: Vec<Item>,
    /// Items under Expansion.
    pub expansion: Vec<Item>,
}

/// Returns the date a note speaks for: a meeting's date or a `date` property.
pub fn note_date(vault: &Vault, id: NoteId) -> Option<NaiveDate> {
    let note = vault.note(id)?;
    if let NoteKind::Meeting(meeting) = &note.kind {
        return Some(meeting.date);
    }
    let raw = note.summary.frontmatter.as_ref()?.date.as_deref()?;
    values::parse_date(raw.get(..10)?)
}

/// Checks whether a note's text is reference material (templates, playbooks) rather than facts about an
/// account.
pub fn is_reference(vault: &Vault, id: NoteId) -> bool {
    let Some(note) = vault.note(id) else {
        return true;
    };
    let templates = format!("{}/", vault.config.templates_folder);
    note.path.starts_with(&templates) || note.path.contains("Content/Playbooks/")
}

/// Reads a note's health fields, risk signals, wins and expansion items. `text` is the note's
/// current text.
pub fn note_facts(vault: &Vault, id: NoteId, text: &str) -> NoteFacts {
    let mut facts = NoteFacts::default();
    let Some(note) = vault.note(id) else {
        return facts;
    };
    if is_reference(vault, id) {
        return facts;
    }
    // The index keeps no fields or list items: read them from the text.
    let parsed = crate::syntax::parse(text);
    let summary = &parsed;
    let date = note_date(vault, id);
    let on_account_page = matches!(note.kind, NoteKind::AccountPage { .. });
    let page = NoteContext {
        note: id,
        as_of: summary
            .frontmatter
            .as_ref()
            .and_then(|fm| fm.updated.as_deref())
            .and_then(values::parse_date)
            .or(note.modified),
        on_account_page,
    };
    let slice = |range: TextRange| text.get(range.as_usize()).unwrap_or("");
    read_fields(&mut facts, summary, &page, date);
    let blocks = if on_account_page {
        dex_block::blocks(text)
    } else {
        Vec::new()
    };
    read_tables(&mut facts, summary, &page, &blocks);
    let mut signal_lines: Vec<u32> = Vec::new();
    for item in &summary.list_items {
        let content = TextRange::new(item.content_start, item.range.end);
        let item_text = slice(content).trim().to_string();
        if item_text.is_empty()
            || summary
                .tasks
                .iter()
                .any(|t| t.range.start == item.range.start)
        {
            continue;
        }
        match summary.section_at(item.range.start) {
            Some(SectionKind::Risks) => {
                let category = tag_category(summary, item.range)
                    .or_else(|| {
                        risk::find_phrase(&item_text, &vault.config.risk_phrases)
                            .map(|h| h.category)
                    })
                    .unwrap_or_else(|| risk::GENERAL.slug.to_string());
                facts.signals.push(Signal {
                    category,
                    text: item_text,
                    note: id,
                    range: content,
                    date,
                });
                signal_lines.push(summary.line_index.line_of(item.range.start));
            }
            Some(SectionKind::Wins) => {
                facts.wins.push(Item {
                    text: item_text,
                    note: id,
                    range: content,
                    date,
                    amount: None,
                });
            }
            Some(SectionKind::Expansion) => {
                let amount =
                    values::parse_money(&item_text).filter(|_| looks_like_money(&item_text));
                facts.expansion.push(Item {
                    text: item_text,
                    note: id,
                    range: content,
                    date,
                    amount,
                });
            }
            _ => {}
        }
    }
    scan_prose(
        vault,
        &mut facts,
        summary,
        id,
        text,
        date,
        &mut signal_lines,
    );
    facts
}

/// The facts that every reading of one note shares.
struct NoteContext {
    note: NoteId,
    /// The note's `updated` property, else its modification date.
    as_of: Option<NaiveDate>,
    on_account_page: bool,
}

/// One value to read, with where and when it was written.
struct Reading<'a> {
    key: HealthKey,
    raw: &'a str,
    range: TextRange,
    date: Option<NaiveDate>,
    imported: Option<Imported>,
    property: bool,
}

fn push_reading(facts: &mut NoteFacts, page: &NoteContext, reading: Reading<'_>) {
    let Reading {
        key, raw, range, ..
    } = reading;
    if values::is_absent(raw) {
        return;
    }
    match values::parse(key, raw) {
        Ok(parsed) => facts.observations.push(Observation {
            key,
            parsed,
            raw: raw.to_string(),
            date: reading.date,
            as_of: if reading.date.is_none() {
                page.as_of
            } else {
                None
            },
            imported: reading.imported,
            property: reading.property,
            note: page.note,
            range,
            on_account_page: page.on_account_page,
        }),
        Err(message) => facts.invalid.push(InvalidValue {
            key,
            message,
            range,
        }),
    }
}

/// Reads the health fields written as properties, inline fields and `Key: value` items.
fn read_fields(
    facts: &mut NoteFacts,
    summary: &NoteSummary,
    page: &NoteContext,
    date: Option<NaiveDate>,
) {
    for field in &summary.fields {
        let Some(key) = HealthKey::from_name(&field.key) else {
            continue;
        };
        let reading = Reading {
            key,
            raw: &field.value,
            range: field.value_range,
            date,
            imported: None,
            property: field.source == FieldSource::Frontmatter,
        };
        push_reading(facts, page, reading);
    }
}

/// Reads history tables: a first column `Date` and one column per health field. Rows of a
/// Dex-owned block carry the block's import.
fn read_tables(
    facts: &mut NoteFacts,
    summary: &NoteSummary,
    page: &NoteContext,
    blocks: &[DexBlock],
) {
    for table in &summary.tables {
        if !table
            .header
            .first()
            .is_some_and(|c| c.text.eq_ignore_ascii_case("date"))
        {
            continue;
        }
        let imported = blocks
            .iter()
            .find(|b| b.range.contains_inclusive(table.range.start))
            .and_then(Imported::of);
        for row in &table.rows {
            let Some(date) = row.first().and_then(|c| values::parse_date(&c.text)) else {
                continue;
            };
            for (column, cell) in table.header.iter().zip(row).skip(1) {
                if cell.text.is_empty() {
                    continue;
                }
                // Weekly active users written as a share of seats is adoption.
                let key = if column.text.eq_ignore_ascii_case("wau") && cell.text.contains('%') {
                    Some(HealthKey::Adoption)
                } else {
                    HealthKey::from_name(&column.text)
                };
                if let Some(key) = key {
                    let reading = Reading {
                        key,
                        raw: &cell.text,
                        range: cell.range,
                        date: Some(date),
                        imported: imported.clone(),
                        property: false,
                    };
                    push_reading(facts, page, reading);
                }
            }
        }
    }
}

/// Returns the risk category of a `#risk/...` tag inside `range`.
fn tag_category(summary: &NoteSummary, range: TextRange) -> Option<String> {
    summary
        .tags
        .iter()
        .filter(|t| t.range.intersects(range) || range.contains_inclusive(t.range.start))
        .find_map(|t| risk::category_of_tag(&t.name))
}

fn looks_like_money(text: &str) -> bool {
    text.contains(['$', '€', '£', '¥'])
        || text.to_lowercase().contains("acv")
        || text.to_lowercase().contains("arr")
}

/// Finds churn phrases and `#risk/...` tags in prose lines outside the Risks sections, one
/// signal a line.
fn scan_prose(
    vault: &Vault,
    facts: &mut NoteFacts,
    summary: &NoteSummary,
    id: NoteId,
    text: &str,
    date: Option<NaiveDate>,
    signal_lines: &mut Vec<u32>,
) {
    for line in 0..summary.line_index.line_count() {
        if signal_lines.contains(&line) {
            continue;
        }
        let range = summary.line_index.line_range(line);
        let Some(line_text) = text.get(range.as_usize()) else {
            continue;
        };
        if line_text.trim().is_empty()
            || line_text.trim_start().starts_with('#')
                && !line_text.trim_start().starts_with("#risk")
        {
            continue;
        }
        // Both lists are sorted by start. Excluded ranges can nest (an HTML block and its lines),
        // so look back over a few of the ranges that start before the line.
        let before = summary.excluded.partition_point(|r| r.start <= range.start);
        let excluded = summary.excluded[..before]
            .iter()
            .rev()
            .take(8)
            .any(|r| range.start < r.end);
        let first_task = summary
            .tasks
            .partition_point(|t| t.range.start < range.start);
        let is_task = summary
            .tasks
            .get(first_task)
            .is_some_and(|t| t.range.start <= range.end);
        if excluded {
            continue;
        }
        let tagged = summary
            .tags
            .iter()
            .filter(|t| range.contains_inclusive(t.range.start) && t.range.end <= range.end)
            .find_map(|t| risk::category_of_tag(&t.name).map(|c| (c, t.range)));
        let found = match tagged {
            Some((category, tag_range)) => Some((category, tag_range)),
            // An action item that names a risk is its mitigation; only a `#risk` tag marks one.
            None if is_task => None,
            None => risk::find_phrase(line_text, &vault.config.risk_phrases).map(|hit| {
                let start = range.start + crate::text::to_size(hit.range.start);
                (
                    hit.category,
                    TextRange::new(start, range.start + crate::text::to_size(hit.range.end)),
                )
            }),
        };
        if let Some((category, phrase)) = found {
            let text = if line_text.trim_start().starts_with('|') {
                table_cell_at(line_text, (phrase.start - range.start) as usize)
            } else {
                clean_line(line_text)
            };
            facts.signals.push(Signal {
                category,
                text,
                note: id,
                range: phrase,
                date,
            });
            signal_lines.push(line);
        }
    }
}

/// Returns the text of the table cell that contains byte `at` of a table row.
fn table_cell_at(row: &str, at: usize) -> String {
    let start = row[..at.min(row.len())].rfind('|').map_or(0, |i| i + 1);
    let end = row[start..].find('|').map_or(row.len(), |i| start + i);
    row[start..end].trim().to_string()
}

/// Strips a line's list marker, quote markers and surrounding space.
fn clean_line(line: &str) -> String {
    let trimmed = line.trim_start_matches(['>', ' ', '\t']);
    let trimmed = trimmed
        .strip_prefix("- ")
        .or_else(|| trimmed.strip_prefix("* "))
        .unwrap_or(trimmed);
    trimmed.trim().to_string()
}

/// Finds the mitigation for a risk category: from the vault's playbook for it
/// (`Content/Playbooks/<Category>.md`, its first list items), else from the configuration, else
/// built in. Returns the text and the playbook's name when one was used.
pub fn mitigation(
    vault: &Vault,
    texts: &dyn TextSource,
    category: &str,
) -> (String, Option<String>) {
    let display = risk::display_name(category);
    let names = [
        display.replace(' ', "_"),
        display,
        category.replace('-', "_"),
        category.replace('-', " "),
    ];
    let playbook = names
        .iter()
        .flat_map(|name| vault.notes_named(name))
        .filter_map(|&id| Some((id, vault.note(id)?)))
        .find(|(_, n)| n.path.contains("Content/Playbooks/"));
    if let Some((id, note)) = playbook {
        if let Some(text) = texts.text(vault, id) {
            let steps = playbook_steps(&crate::syntax::parse(&text), &text);
            if !steps.is_empty() {
                return (steps.join("; "), Some(note.stem.clone()));
            }
        }
    }
    if let Some(text) = vault.config.mitigations.get(category) {
        return (text.clone(), None);
    }
    (risk::category(category).mitigation.to_string(), None)
}

/// Up to three list items of a playbook: those under a heading that mentions mitigation when
/// there is one, else the first ones.
fn playbook_steps(summary: &NoteSummary, text: &str) -> Vec<String> {
    let section = summary
        .headings
        .iter()
        .find(|h| h.text.to_lowercase().contains("mitigation"))
        .map(|h| TextRange::new(h.range.end, h.section_end));
    summary
        .list_items
        .iter()
        .filter(|item| section.is_none_or(|s| s.contains_inclusive(item.range.start)))
        .filter_map(|item| text.get(TextRange::new(item.content_start, item.range.end).as_usize()))
        .map(|line| line.trim().to_string())
        .filter(|line| !line.is_empty())
        .take(3)
        .collect()
}

/// An open commitment.
#[derive(Clone, Debug, PartialEq)]
pub struct Commitment {
    /// The note that contains the task.
    pub note: NoteId,
    /// The task.
    pub task: Task,
    /// Due date, if it has a valid one.
    pub due: Option<NaiveDate>,
}

impl Commitment {
    /// Checks whether the due date has passed.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.due.is_some_and(|d| d < today)
    }

    /// Checks whether it is due from today up to `days` ahead.
    pub fn is_due_soon(&self, today: NaiveDate, days: u32) -> bool {
        self.due
            .is_some_and(|d| d >= today && (d - today).num_days() <= i64::from(days))
    }
}

/// A stakeholder of the account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stakeholder {
    /// The person's note.
    pub note: NoteId,
    /// Name (the note's file name).
    pub name: String,
    /// Role from frontmatter.
    pub role: Option<String>,
    /// Whether they are the champion.
    pub champion: bool,
    /// Whether they are the executive sponsor.
    pub sponsor: bool,
    /// Whether they are leaving or have left.
    pub leaving: bool,
}

/// A meeting of the account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingRef {
    /// The meeting note.
    pub note: NoteId,
    /// Its date.
    pub date: NaiveDate,
    /// Its kind from the title (`QBR`, `Check-in`, ...).
    pub kind: Option<String>,
}

/// Everything Dex knows about one account on a given day.
#[derive(Clone, Debug)]
pub struct AccountReport {
    /// Display name.
    pub name: String,
    /// Folder relative to the vault root.
    pub folder: String,
    /// The Overview page.
    pub overview: Option<NoteId>,
    /// Notes that belong to the account.
    pub members: Vec<NoteId>,
    /// Health field readings, dated ones sorted by date.
    pub observations: Vec<Observation>,
    /// Unreadable health fields.
    pub invalid: Vec<(NoteId, InvalidValue)>,
    /// Risk signals, newest first.
    pub signals: Vec<Signal>,
    /// Wins, newest first.
    pub wins: Vec<Item>,
    /// Expansion opportunities, newest first.
    pub expansion: Vec<Item>,
    /// Open commitments, by due date.
    pub commitments: Vec<Commitment>,
    /// Stakeholders, champions and sponsors first.
    pub stakeholders: Vec<Stakeholder>,
    /// Meetings, oldest first.
    pub meetings: Vec<MeetingRef>,
    /// Renewal date and window.
    pub renewal: Option<Renewal>,
    /// Health score, when any measure has data.
    pub score: Option<Score>,
    /// The day the report describes.
    pub today: NaiveDate,
    /// Days ahead that count as due soon (`[tasks] due_soon_days`).
    pub due_soon_days: u32,
}

impl AccountReport {
    /// The current reading of a field: the most recent one. A dated reading (a history or
    /// imported table row, a meeting's field, an imported property) counts from its date. A
    /// value written by hand on an undated account page counts from the day the page was last
    /// changed by hand, and never from later than today. That day is the page's `updated`
    /// property, else the day recorded by the import that last wrote the page while the page is
    /// unchanged since, else its modification date (today for a note being edited). On the same
    /// day the hand-written value wins, and among hand-written values of the same day the
    /// Overview's.
    pub fn current(&self, key: HealthKey) -> Option<&Observation> {
        let newest_dated = self.series(key).last().copied();
        let mut hand_written: Option<&Observation> = None;
        for reading in self
            .observations
            .iter()
            .filter(|o| o.key == key && o.on_account_page && o.date.is_none())
        {
            let rank = |o: &Observation| (self.as_of(o), self.overview == Some(o.note));
            // A later reading replaces an earlier one only when it ranks strictly higher, so the
            // first written wins a tie.
            if hand_written.is_none_or(|best| rank(reading) > rank(best)) {
                hand_written = Some(reading);
            }
        }
        match (hand_written, newest_dated) {
            (Some(page), Some(dated)) if dated.date > Some(self.as_of(page)) => Some(dated),
            (Some(page), _) => Some(page),
            (None, dated) => dated,
        }
    }

    /// Returns the day a reading counts from in [`AccountReport::current`].
    pub fn as_of(&self, observation: &Observation) -> NaiveDate {
        match observation.date {
            Some(date) => date,
            None => observation
                .as_of
                .map_or(self.today, |day| day.min(self.today)),
        }
    }

    /// The value before the current one: written in the same field ("down from 9"), else the
    /// dated reading before the current one. A hand-written current value usually restates the
    /// newest dated reading, so that reading is skipped when the two values are the same.
    pub fn previous(&self, key: HealthKey) -> Option<Value> {
        let current = self.current(key)?;
        if let Some(previous) = &current.parsed.previous {
            return Some(previous.clone());
        }
        let series = self.series(key);
        let before: Vec<&Observation> = match current.date {
            Some(date) => series.into_iter().filter(|o| o.date < Some(date)).collect(),
            None => {
                let mut older = series;
                if older
                    .last()
                    .is_some_and(|o| same_value(&o.parsed.value, &current.parsed.value))
                {
                    older.pop();
                }
                older
            }
        };
        before.last().map(|o| o.parsed.value.clone())
    }

    /// Dated readings of a field, oldest first; one per date (the last written wins).
    pub fn series(&self, key: HealthKey) -> Vec<&Observation> {
        let mut by_date: Vec<&Observation> = Vec::new();
        for observation in self
            .observations
            .iter()
            .filter(|o| o.key == key && o.date.is_some())
        {
            match by_date.iter_mut().find(|o| o.date == observation.date) {
                Some(slot) => *slot = observation,
                None => by_date.push(observation),
            }
        }
        by_date.sort_by_key(|o| o.date);
        by_date
    }

    /// Overdue commitments.
    pub fn overdue(&self) -> impl Iterator<Item = &Commitment> {
        self.commitments.iter().filter(|c| c.is_overdue(self.today))
    }

    /// Signals from the last [`RISK_WINDOW_DAYS`] days, or undated ones.
    pub fn open_signals(&self) -> impl Iterator<Item = &Signal> {
        self.signals.iter().filter(|s| {
            s.date
                .is_none_or(|d| (self.today - d).num_days() <= RISK_WINDOW_DAYS)
        })
    }

    /// The newest meeting on or before today.
    pub fn last_meeting(&self) -> Option<&MeetingRef> {
        self.meetings
            .iter()
            .filter(|m| m.date <= self.today)
            .max_by_key(|m| m.date)
    }
}

/// Checks whether two values are the same reading: equal numbers (a percentage's target aside), else
/// equal values.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a.number(), b.number()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

/// Builds the report of one account as of `today`.
pub fn account_report(
    vault: &Vault,
    account: &Account,
    today: NaiveDate,
    texts: &dyn TextSource,
) -> AccountReport {
    let members = vault.account_members(account);
    let mut report = AccountReport {
        name: account.name.clone(),
        folder: account.folder.clone(),
        overview: vault.account_overview(account),
        members: members.clone(),
        observations: Vec::new(),
        invalid: Vec::new(),
        signals: Vec::new(),
        wins: Vec::new(),
        expansion: Vec::new(),
        commitments: Vec::new(),
        stakeholders: Vec::new(),
        meetings: Vec::new(),
        renewal: None,
        score: None,
        today,
        due_soon_days: vault.config.due_soon_days,
    };
    let mut page_texts: Vec<(NoteId, std::sync::Arc<str>)> = Vec::new();
    for &id in &members {
        let Some(note) = vault.note(id) else { continue };
        if is_reference(vault, id) {
            continue;
        }
        if let Some(text) = texts.text(vault, id) {
            let facts = note_facts(vault, id, &text);
            report.observations.extend(facts.observations);
            report
                .invalid
                .extend(facts.invalid.into_iter().map(|i| (id, i)));
            report.signals.extend(facts.signals);
            report.wins.extend(facts.wins);
            report.expansion.extend(facts.expansion);
            if matches!(note.kind, NoteKind::AccountPage { .. }) {
                page_texts.push((id, text));
            }
        }
        for task in note.summary.tasks.iter().filter(|t| t.status.is_open()) {
            let due = task.due().and_then(|d| d.date);
            report.commitments.push(Commitment {
                note: id,
                task: task.clone(),
                due,
            });
        }
        if let NoteKind::Meeting(meeting) = &note.kind {
            report.meetings.push(MeetingRef {
                note: id,
                date: meeting.date,
                kind: meeting.kind.clone(),
            });
        }
    }
    date_from_import_records(vault, account, &mut report.observations, &page_texts);
    report.stakeholders = stakeholders(vault, &members, &page_texts);
    for person in report
        .stakeholders
        .iter()
        .filter(|p| p.leaving && (p.champion || p.sponsor))
    {
        let category = if person.champion {
            "champion-loss"
        } else {
            "sponsor-loss"
        };
        let role = if person.champion {
            "champion"
        } else {
            "executive sponsor"
        };
        report.signals.push(Signal {
            category: category.to_string(),
            text: format!("{} ({role}) is leaving", person.name),
            note: person.note,
            range: super::NOTE_START,
            date: None,
        });
    }
    report.observations.sort_by_key(|o| o.date);
    report.signals.sort_by_key(|s| std::cmp::Reverse(s.date));
    report.wins.sort_by_key(|i| std::cmp::Reverse(i.date));
    report.expansion.sort_by_key(|i| std::cmp::Reverse(i.date));
    report
        .commitments
        .sort_by_key(|c| c.due.unwrap_or(NaiveDate::MAX));
    report.meetings.sort_by_key(|m| m.date);
    report.renewal = score::renewal(&report, &vault.config);
    report.score = score::score(&report, &vault.config);
    report
}

/// Dates the account pages' undated values from the records in their Dex-owned blocks. A
/// property that an import set, and that still has the value the import recorded, counts from
/// that import's day. Another value on a page the import wrote counts from the day the import
/// recorded for the page's hand-written content, as long as the page is unchanged since. A
/// page's `updated` property takes precedence over that record.
fn date_from_import_records(
    vault: &Vault,
    account: &Account,
    observations: &mut [Observation],
    pages: &[(NoteId, std::sync::Arc<str>)],
) {
    let blocks: Vec<DexBlock> = pages
        .iter()
        .flat_map(|(_, text)| dex_block::blocks(text))
        .collect();
    if blocks.is_empty() {
        return;
    }
    for (id, text) in pages {
        let Some(note) = vault.note(*id) else {
            continue;
        };
        let Some(page) = page_name(account, &note.path) else {
            continue;
        };
        let has_updated = note
            .summary
            .frontmatter
            .as_ref()
            .is_some_and(|fm| fm.updated.is_some());
        let recorded = if has_updated {
            None
        } else {
            recorded_date(&blocks, page, text)
        };
        for observation in observations
            .iter_mut()
            .filter(|o| o.note == *id && o.date.is_none())
        {
            let written = text.get(observation.range.as_usize()).unwrap_or("");
            let key = observation.key;
            let imported = observation
                .property
                .then(|| {
                    property_import(&blocks, page, written, |name| {
                        HealthKey::from_name(name) == Some(key)
                    })
                })
                .flatten();
            if let Some(imported) = imported {
                observation.date = Some(imported.provenance.date);
                observation.as_of = None;
                observation.imported = Some(imported);
            } else if let Some(day) = recorded {
                observation.as_of = Some(day);
            }
        }
    }
}

/// Returns the path of an account page relative to the account folder, as import records name
/// it.
fn page_name<'a>(account: &Account, path: &'a str) -> Option<&'a str> {
    path.strip_prefix(account.folder.as_str())?
        .strip_prefix('/')
}

/// Finds the day recorded for a page's hand-written content by an import whose fingerprint of the
/// page still matches `text`; the latest when several do.
fn recorded_date(blocks: &[DexBlock], page: &str, text: &str) -> Option<NaiveDate> {
    let mut records = blocks
        .iter()
        .flat_map(|b| &b.pages)
        .filter(|r| r.page == page)
        .peekable();
    records.peek()?;
    let fingerprint = dex_block::page_fingerprint(text);
    records
        .filter(|r| r.fingerprint == fingerprint)
        .map(|r| r.date)
        .max()
}

/// Finds the latest import that set a property named as `key_matches` accepts on `page` to the value
/// text `written`.
fn property_import(
    blocks: &[DexBlock],
    page: &str,
    written: &str,
    key_matches: impl Fn(&str) -> bool,
) -> Option<Imported> {
    blocks
        .iter()
        .filter(|b| {
            b.properties
                .iter()
                .any(|p| p.page == page && p.value == written && key_matches(&p.key))
        })
        .filter_map(Imported::of)
        .max_by_key(|i| i.provenance.date)
}

/// Finds the import that set the frontmatter property `key` of account page `id` to the value
/// text `written`, from the Dex-owned blocks on the account's pages.
pub fn imported_property(
    vault: &Vault,
    id: NoteId,
    key: &str,
    written: &str,
    texts: &dyn TextSource,
) -> Option<Imported> {
    let account = vault.account_of(id)?;
    let page = page_name(account, &vault.note(id)?.path)?;
    let blocks: Vec<DexBlock> = account
        .pages
        .iter()
        .filter_map(|&page| texts.text(vault, page))
        .flat_map(|text| dex_block::blocks(&text))
        .collect();
    property_import(&blocks, page, written, |name| {
        name.eq_ignore_ascii_case(key)
    })
}

/// People of the account: person notes that name it, marked champion, sponsor or leaving from
/// their role and status and from the account pages' lines that link to them.
fn stakeholders(
    vault: &Vault,
    members: &[NoteId],
    pages: &[(NoteId, std::sync::Arc<str>)],
) -> Vec<Stakeholder> {
    let mut people: HashMap<NoteId, Stakeholder> = HashMap::new();
    for &id in members {
        let Some(note) = vault.note(id) else { continue };
        let NoteKind::Person(person) = &note.kind else {
            continue;
        };
        let role = person.role.clone().unwrap_or_default().to_lowercase();
        let status = person.status.clone().unwrap_or_default();
        people.insert(
            id,
            Stakeholder {
                note: id,
                name: note.stem.clone(),
                role: person.role.clone(),
                champion: role.contains("champion"),
                sponsor: role.contains("sponsor"),
                leaving: ["leav", "left", "depart", "gone"]
                    .iter()
                    .any(|w| status.contains(w)),
            },
        );
    }
    for (page, text) in pages {
        let Some(note) = vault.note(*page) else {
            continue;
        };
        for link in &note.summary.links {
            let Some(target) = vault.resolve(&link.target, &note.path).id() else {
                continue;
            };
            let Some(person) = people.get_mut(&target) else {
                continue;
            };
            let line = note.summary.line_index.line_of(link.range.start);
            let line_text = text
                .get(note.summary.line_index.line_range(line).as_usize())
                .unwrap_or("")
                .to_lowercase();
            person.champion |= line_text.contains("champion");
            person.sponsor |= line_text.contains("sponsor");
            person.leaving |= line_text.contains("leaving") || line_text.contains(" left ");
        }
    }
    let mut list: Vec<Stakeholder> = people.into_values().collect();
    list.sort_by(|a, b| {
        (!a.champion, !a.sponsor, &a.name).cmp(&(!b.champion, !b.sponsor, &b.name))
    });
    list
}
