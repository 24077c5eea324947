//! Task list items: status, due and other dates, priority, owner and block id.
//!
//! Dates are read wherever they stand on the line, as Dataview reads them. The Tasks plugin only
//! reads signifiers in the run of fields at the end of the line, so a due date with description
//! text after it is flagged as one that plugin does not see.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::text::TextRange;

/// A task's status, mapped from its checkbox character the way the Tasks plugin maps its
/// default statuses. Unknown characters count as to-do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskStatus {
    /// `[ ]`, `[>]` and unknown characters.
    Todo,
    /// `[/]`.
    InProgress,
    /// `[h]`.
    OnHold,
    /// `[x]` or `[X]`.
    Done,
    /// `[-]`.
    Cancelled,
}

impl TaskStatus {
    /// Maps a checkbox character to a status.
    pub fn from_marker(marker: char) -> TaskStatus {
        match marker {
            'x' | 'X' => TaskStatus::Done,
            '-' => TaskStatus::Cancelled,
            '/' => TaskStatus::InProgress,
            'h' => TaskStatus::OnHold,
            _ => TaskStatus::Todo,
        }
    }

    /// Checks whether the task still needs doing: to-do, in progress or on hold.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TaskStatus::Todo | TaskStatus::InProgress | TaskStatus::OnHold
        )
    }
}

/// Which of a task's dates a [`DateField`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DateKind {
    /// 📅, `due::`, `due:`.
    Due,
    /// ⏳, `scheduled::`.
    Scheduled,
    /// 🛫, `start::`.
    Start,
    /// ➕, `created::`.
    Created,
    /// ✅, `completion::`.
    Done,
    /// ❌, `cancelled::`.
    Cancelled,
}

/// Tasks plugin priority, highest first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// 🔺.
    Highest,
    /// ⏫.
    High,
    /// 🔼.
    Medium,
    /// No priority sign.
    #[default]
    Normal,
    /// 🔽.
    Low,
    /// ⏬.
    Lowest,
}

/// A date written on a task line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateField {
    /// Which date this is.
    pub kind: DateKind,
    /// The date, or `None` when the text names a day that does not exist (`2026-02-30`).
    pub date: Option<NaiveDate>,
    /// Range of the date text.
    pub range: TextRange,
    /// Range of the whole field: signifier or key, and date.
    pub field_range: TextRange,
}

/// A task list item (an action item or commitment).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// Status from the checkbox.
    pub status: TaskStatus,
    /// The character between the brackets.
    pub marker: char,
    /// Description with date, priority and block-id fields removed.
    pub text: String,
    /// From the list marker to the end of the line.
    pub range: TextRange,
    /// The checkbox character.
    pub marker_range: TextRange,
    /// All dates on the line, in line order.
    pub dates: Box<[DateField]>,
    /// Priority sign.
    pub priority: Priority,
    /// First `[[Person]]` link target or `@Name` on the line.
    pub owner: Option<String>,
    /// Trailing `^block-id`.
    pub block_id: Option<String>,
    /// Recurrence rule text, from `🔁 every week` or `[repeat:: every week]`.
    pub recurrence: Option<String>,
    /// Whether a 📅 due date is followed by description text, where the Tasks plugin does not
    /// read it.
    pub due_not_at_end: bool,
}

impl Task {
    /// Returns the due date field, if the task has one; the first one wins when there are several.
    pub fn due(&self) -> Option<&DateField> {
        self.dates.iter().find(|d| d.kind == DateKind::Due)
    }

    /// Returns the date of the given kind, if the task has a valid one.
    pub fn date(&self, kind: DateKind) -> Option<NaiveDate> {
        self.dates
            .iter()
            .find(|d| d.kind == kind)
            .and_then(|d| d.date)
    }
}

static DATAVIEW_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[\[(]\s*(due|scheduled|start|created|completion|cancelled)\s*::\s*([0-9]{4}-[0-9]{2}-[0-9]{2})\s*,?\s*[\])]",
    )
    .expect("valid regex")
});
static DATAVIEW_PRIORITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[\[(]\s*priority\s*::\s*(highest|high|medium|low|lowest)\s*[\])]")
        .expect("valid regex")
});
static RECURRENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"🔁\x{FE0F}? *([A-Za-z0-9, !]+)").expect("valid regex"));
/// The Tasks plugin's Dataview form of a recurrence rule, `[repeat:: every week]`.
static DATAVIEW_REPEAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[\[(]\s*repeat\s*::\s*([A-Za-z0-9, !]+?)\s*,?\s*[\])]").expect("valid regex")
});
static MENTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s(])@([\p{L}][\p{L}\p{N}._-]*)").expect("valid regex"));
/// Tokens that the Tasks plugin accepts in the run of fields at the end of a task line.
static TRAILING_FIELDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:\s|(?:📅|📆|🗓|⏳|⌛|🛫|➕|✅|❌)\x{FE0F}? *[0-9]{4}-[0-9]{2}-[0-9]{2}",
        r"|(?:🔺|⏫|🔼|🔽|⏬)\x{FE0F}?|#[^\s#]+|🔁\x{FE0F}? *[A-Za-z0-9, !]+",
        r"|🏁 *\w+|🆔 *[\w-]+|⛔ *[\w,-]+|\^[A-Za-z0-9-]+)*$"
    ))
    .expect("valid regex")
});

/// Reads a task from `line`, which starts at a list marker at byte `start` of the note. `owner`
/// is the first wikilink target on the line, if any. A date field for which `in_code` is true
/// (one inside a code span) is left in the text. Returns `None` when the item has no checkbox.
pub(super) fn parse_task(
    line: &str,
    start: u32,
    link_owner: Option<&str>,
    in_code: impl Fn(TextRange) -> bool,
) -> Option<Task> {
    let checkbox = read_checkbox(line)?;
    let marker = checkbox.marker;
    let body_start = checkbox.end;
    let body = &line[body_start..];
    let at = |range: std::ops::Range<usize>| {
        TextRange::from_usize(range.start + body_start..range.end + body_start).shifted(start)
    };

    let mut found = find_dates(body);
    found.retain(|f| !in_code(at(f.whole.clone())));
    // Room for the dates, a priority, a recurrence and a block id, so nothing grows.
    let mut removed: Vec<std::ops::Range<usize>> = Vec::with_capacity(found.len() + 3);
    removed.extend(found.iter().map(|f| f.whole.clone()));
    let mut dates: Vec<DateField> = found
        .iter()
        .map(|found| {
            let date = found.date_start..found.date_start + ISO_DATE_LEN;
            DateField {
                kind: found.kind,
                date: iso_date(&body[date.clone()]),
                range: at(date),
                field_range: at(found.whole.clone()),
            }
        })
        .collect();
    let has_fields = body.contains("::");
    dates.sort_by_key(|d| d.range.start);

    // Priority signs are non-ASCII; the Dataview form needs `::`.
    let maybe_priority = has_fields || !body.is_ascii();
    let priority = read_priority(if maybe_priority { body } else { "" }, &mut removed);
    let recurrence = RECURRENCE
        .captures(if body.contains('🔁') { body } else { "" })
        .or_else(|| DATAVIEW_REPEAT.captures(if has_fields { body } else { "" }))
        .map(|caps| {
            removed.push(caps.get(0).expect("group 0 always matches").range());
            caps[1].trim().to_string()
        });
    let block_id = super::trailing_block_id(body).map(|range| {
        removed.push(range.clone());
        body[range.start + 1..range.end].to_string()
    });
    let owner = link_owner.map(str::to_string).or_else(|| {
        if !body.contains('@') {
            return None;
        }
        MENTION
            .captures(body)
            .map(|caps| caps[1].trim_end_matches(['.', '-']).to_string())
    });
    // The Tasks plugin reads a 📅 date only in the run of fields that ends the line.
    let due_not_at_end = found.iter().any(|f| {
        let rest = &body[f.whole.end..];
        f.kind == DateKind::Due
            && f.emoji
            && !rest.trim_start().is_empty()
            && !TRAILING_FIELDS.is_match(rest)
    });

    Some(Task {
        status: TaskStatus::from_marker(marker),
        marker,
        text: description(body, &mut removed),
        range: TextRange::from_usize(0..line.len()).shifted(start),
        marker_range: TextRange::from_usize(checkbox.marker_range).shifted(start),
        dates: dates.into_boxed_slice(),
        priority,
        owner,
        block_id,
        recurrence,
        due_not_at_end,
    })
}

/// A date field found on a task line.
struct FoundDate {
    kind: DateKind,
    /// The whole field: signifier or key, and date.
    whole: std::ops::Range<usize>,
    /// Start offset of the `YYYY-MM-DD` date.
    date_start: usize,
    /// Whether an emoji signifier introduced the date.
    emoji: bool,
}

/// The Tasks plugin's date signifiers and the date each one sets.
const DATE_SIGNIFIERS: [(char, DateKind); 9] = [
    ('📅', DateKind::Due),
    ('📆', DateKind::Due),
    ('🗓', DateKind::Due),
    ('⏳', DateKind::Scheduled),
    ('⌛', DateKind::Scheduled),
    ('🛫', DateKind::Start),
    ('➕', DateKind::Created),
    ('✅', DateKind::Done),
    ('❌', DateKind::Cancelled),
];

/// The Tasks plugin's priority signs, highest first.
const PRIORITY_SIGNS: [(char, Priority); 5] = [
    ('🔺', Priority::Highest),
    ('⏫', Priority::High),
    ('🔼', Priority::Medium),
    ('🔽', Priority::Low),
    ('⏬', Priority::Lowest),
];

/// Emoji variation selector, which may follow a signifier.
const VARIATION_SELECTOR: char = '\u{FE0F}';

/// Checks whether `bytes` starts with a `YYYY-MM-DD` date in ASCII digits.
fn starts_with_iso_date(bytes: &[u8]) -> bool {
    bytes.len() >= ISO_DATE_LEN
        && bytes[..ISO_DATE_LEN].iter().enumerate().all(|(i, &b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

/// Returns the offset after the variation selector and spaces that follow `at` in `body`.
fn skip_selector_and_spaces(body: &str, mut at: usize) -> usize {
    if body[at..].starts_with(VARIATION_SELECTOR) {
        at += VARIATION_SELECTOR.len_utf8();
    }
    at + body[at..].bytes().take_while(|&b| b == b' ').count()
}

/// Finds the emoji, Dataview and bare `due:` dates of a task's text, in that order. A bare
/// `due` inside one of the other fields is skipped, so no date is read twice.
fn find_dates(body: &str) -> Vec<FoundDate> {
    let mut found = Vec::new();
    // Every date signifier is a non-ASCII emoji.
    let signs = body.char_indices().filter(|(_, c)| !c.is_ascii());
    for (at, sign) in signs.take(if body.is_ascii() { 0 } else { usize::MAX }) {
        let Some(&(_, kind)) = DATE_SIGNIFIERS.iter().find(|(s, _)| *s == sign) else {
            continue;
        };
        let date_start = skip_selector_and_spaces(body, at + sign.len_utf8());
        if starts_with_iso_date(&body.as_bytes()[date_start..]) {
            found.push(FoundDate {
                kind,
                whole: at..date_start + ISO_DATE_LEN,
                date_start,
                emoji: true,
            });
        }
    }
    for field in DATAVIEW_DATE.find_iter(if body.contains("::") { body } else { "" }) {
        // `[key:: date]`: the key runs from after the bracket to `::`, the date follows.
        let text = field.as_str();
        let separator = text.find("::").unwrap_or(0);
        let after = &text[separator + 2..];
        let kind = match text[1..separator].trim().to_ascii_lowercase().as_str() {
            "due" => DateKind::Due,
            "scheduled" => DateKind::Scheduled,
            "start" => DateKind::Start,
            "created" => DateKind::Created,
            "completion" => DateKind::Done,
            _ => DateKind::Cancelled,
        };
        found.push(FoundDate {
            kind,
            whole: field.range(),
            date_start: field.start() + separator + 2 + (after.len() - after.trim_start().len()),
            emoji: false,
        });
    }
    let before_bare = found.len();
    for field in bare_due_dates(body) {
        let overlaps = found[..before_bare]
            .iter()
            .any(|f| f.whole.start < field.whole.end && field.whole.start < f.whole.end);
        if !overlaps {
            found.push(field);
        }
    }
    found
}

/// Finds `due: YYYY-MM-DD` and `due:: YYYY-MM-DD` (any case) at the start of `body` or after
/// whitespace.
fn bare_due_dates(body: &str) -> impl Iterator<Item = FoundDate> + '_ {
    let bytes = body.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(i) = memchr::memchr2_iter(b'd', b'D', &bytes[from..])
            .map(|i| i + from)
            .find(|&i| {
                bytes
                    .get(i..i + 3)
                    .is_some_and(|w| w.eq_ignore_ascii_case(b"due"))
            })
        {
            from = i + 1;
            let before = body[..i].chars().next_back();
            if before.is_some_and(|c| !c.is_whitespace()) {
                continue;
            }
            let mut at = i + 3;
            if bytes.get(at) != Some(&b':') {
                continue;
            }
            at += if bytes.get(at + 1) == Some(&b':') {
                2
            } else {
                1
            };
            let date_start = at + bytes[at..].iter().take_while(|&&b| b == b' ').count();
            if starts_with_iso_date(&bytes[date_start..]) {
                from = date_start + ISO_DATE_LEN;
                return Some(FoundDate {
                    kind: DateKind::Due,
                    whole: i..date_start + ISO_DATE_LEN,
                    date_start,
                    emoji: false,
                });
            }
        }
        None
    })
}

/// Length of a `YYYY-MM-DD` date.
const ISO_DATE_LEN: usize = 10;

/// Reads a `YYYY-MM-DD` date in ASCII digits; `None` for a day that does not exist.
pub(super) fn iso_date(raw: &str) -> Option<NaiveDate> {
    let number = |range: std::ops::Range<usize>| raw.get(range)?.parse::<u32>().ok();
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

/// Reads the first priority sign or `[priority:: ...]`, noting its range in `removed`.
fn read_priority(body: &str, removed: &mut Vec<std::ops::Range<usize>>) -> Priority {
    let sign = body.char_indices().find_map(|(at, c)| {
        let (_, priority) = PRIORITY_SIGNS.iter().find(|(s, _)| *s == c)?;
        let mut end = at + c.len_utf8();
        if body[end..].starts_with(VARIATION_SELECTOR) {
            end += VARIATION_SELECTOR.len_utf8();
        }
        Some((at..end, *priority))
    });
    let search_end = sign.as_ref().map_or(body.len(), |(range, _)| range.start);
    let field = DATAVIEW_PRIORITY
        .captures(if body.contains("::") {
            &body[..search_end]
        } else {
            ""
        })
        .map(|caps| {
            let priority = match caps[1].to_ascii_lowercase().as_str() {
                "highest" => Priority::Highest,
                "high" => Priority::High,
                "medium" => Priority::Medium,
                "low" => Priority::Low,
                _ => Priority::Lowest,
            };
            (
                caps.get(0).expect("group 0 always matches").range(),
                priority,
            )
        });
    match field.or(sign) {
        Some((range, priority)) => {
            removed.push(range);
            priority
        }
        None => Priority::Normal,
    }
}

/// Cuts the `removed` ranges out of the body and collapses whitespace.
fn description(body: &str, removed: &mut [std::ops::Range<usize>]) -> String {
    removed.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    let mut push_words = |part: &str| {
        for word in part.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    };
    for range in removed.iter() {
        if range.start >= at {
            push_words(&body[at..range.start]);
        }
        at = at.max(range.end);
    }
    push_words(&body[at.min(body.len())..]);
    out.shrink_to_fit();
    out
}

/// The start of a task line: list marker, spaces and the `[c]` checkbox.
struct Checkbox {
    /// The character between the brackets.
    marker: char,
    /// Byte range of that character.
    marker_range: std::ops::Range<usize>,
    /// Byte offset just after the closing bracket.
    end: usize,
}

/// Reads the checkbox of a line that starts with a list marker (`-`, `*`, `+`, or up to nine
/// digits and `.` or `)`), then spaces or tabs, then `[c]`.
fn read_checkbox(line: &str) -> Option<Checkbox> {
    let bytes = line.as_bytes();
    let mut i = match bytes.first()? {
        b'-' | b'*' | b'+' => 1,
        _ => {
            let digits = bytes
                .iter()
                .take(10)
                .take_while(|b| b.is_ascii_digit())
                .count();
            if !(1..=9).contains(&digits) || !matches!(bytes.get(digits), Some(b'.' | b')')) {
                return None;
            }
            digits + 1
        }
    };
    let spaces = bytes[i..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    if spaces == 0 || bytes.get(i + spaces) != Some(&b'[') {
        return None;
    }
    i += spaces + 1;
    let marker = line[i..].chars().next()?;
    let marker_end = i + marker.len_utf8();
    if marker == '\n' || bytes.get(marker_end) != Some(&b']') {
        return None;
    }
    Some(Checkbox {
        marker,
        marker_range: i..marker_end,
        end: marker_end + 1,
    })
}

/// Length of the task prefix (`- [ ]`) if `line` starts with one.
pub(super) fn checkbox_len(line: &str) -> Option<usize> {
    read_checkbox(line).map(|checkbox| checkbox.end)
}
