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
    /// `🔁` recurrence rule text.
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

static EMOJI_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(📅|📆|🗓|⏳|⌛|🛫|➕|✅|❌)\x{FE0F}? *(\d{4}-\d{2}-\d{2})").expect("valid regex")
});
static DATAVIEW_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[\[(]\s*(due|scheduled|start|created|completion|cancelled)\s*::\s*(\d{4}-\d{2}-\d{2})\s*,?\s*[\])]",
    )
    .expect("valid regex")
});
static BARE_DUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|\s)(due)::? *(\d{4}-\d{2}-\d{2})").expect("valid regex")
});
static PRIORITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(🔺|⏫|🔼|🔽|⏬)\x{FE0F}?|(?i)[\[(]\s*priority\s*::\s*(highest|high|medium|low|lowest)\s*[\])]")
        .expect("valid regex")
});
static RECURRENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"🔁\x{FE0F}? *([A-Za-z0-9, !]+)").expect("valid regex"));
static BLOCK_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)\^([A-Za-z0-9-]+)\s*$").expect("valid regex"));
static MENTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s(])@([\p{L}][\p{L}\p{N}._-]*)").expect("valid regex"));
/// Tokens that the Tasks plugin accepts in the run of fields at the end of a task line.
static TRAILING_FIELDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:\s|(?:📅|📆|🗓|⏳|⌛|🛫|➕|✅|❌)\x{FE0F}? *\d{4}-\d{2}-\d{2}",
        r"|(?:🔺|⏫|🔼|🔽|⏬)\x{FE0F}?|#[^\s#]+|🔁\x{FE0F}? *[A-Za-z0-9, !]+",
        r"|🏁 *\w+|🆔 *[\w-]+|⛔ *[\w,-]+|\^[A-Za-z0-9-]+)*$"
    ))
    .expect("valid regex")
});

/// Reads a task from `line`, which starts at a list marker at byte `start` of the note. `owner`
/// is the first wikilink target on the line, if any. Returns `None` when the item has no
/// checkbox.
pub(super) fn parse_task(line: &str, start: u32, link_owner: Option<&str>) -> Option<Task> {
    let checkbox = read_checkbox(line)?;
    let marker = checkbox.marker;
    let body_start = checkbox.end;
    let body = &line[body_start..];
    let at = |range: std::ops::Range<usize>| {
        TextRange::from_usize(range.start + body_start..range.end + body_start).shifted(start)
    };

    let mut removed: Vec<std::ops::Range<usize>> = Vec::new();
    let mut dates: Vec<DateField> = find_dates(body)
        .into_iter()
        .map(|found| {
            let date = found.date_start..found.date_start + ISO_DATE_LEN;
            removed.push(found.whole.clone());
            DateField {
                kind: found.kind,
                date: iso_date(&body[date.clone()]),
                range: at(date),
                field_range: at(found.whole),
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
        .map(|caps| {
            removed.push(caps.get(0).expect("group 0 always matches").range());
            caps[1].trim().to_string()
        });
    let block_id = BLOCK_ID
        .captures(if body.contains('^') { body } else { "" })
        .map(|caps| {
            removed.push(caps.get(0).expect("group 0 always matches").range());
            caps[1].to_string()
        });
    let owner = link_owner.map(str::to_string).or_else(|| {
        if !body.contains('@') {
            return None;
        }
        MENTION
            .captures(body)
            .map(|caps| caps[1].trim_end_matches(['.', '-']).to_string())
    });
    let has_emoji_due = dates.iter().any(|d| d.kind == DateKind::Due) && !body.is_ascii();
    let due_not_at_end = EMOJI_DATE
        .captures_iter(if has_emoji_due { body } else { "" })
        .any(|caps| {
            matches!(&caps[1], "📅" | "📆" | "🗓")
                && !TRAILING_FIELDS.is_match(&body[caps.get(0).expect("always").end()..])
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
}

/// Finds the emoji, Dataview and bare `due:` dates of a task's text, in that order. A bare
/// `due` inside one of the other fields is skipped, so no date is read twice.
fn find_dates(body: &str) -> Vec<FoundDate> {
    let mut found = Vec::new();
    // Every date signifier is a non-ASCII emoji.
    for field in EMOJI_DATE.find_iter(if body.is_ascii() { "" } else { body }) {
        let kind = match field.as_str().chars().next() {
            Some('📅' | '📆' | '🗓') => DateKind::Due,
            Some('⏳' | '⌛') => DateKind::Scheduled,
            Some('🛫') => DateKind::Start,
            Some('➕') => DateKind::Created,
            Some('✅') => DateKind::Done,
            _ => DateKind::Cancelled,
        };
        found.push(FoundDate {
            kind,
            whole: field.range(),
            date_start: field.end() - ISO_DATE_LEN,
        });
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
        });
    }
    let has_due_word = body
        .as_bytes()
        .windows(3)
        .any(|w| w.eq_ignore_ascii_case(b"due"));
    for field in BARE_DUE.find_iter(if has_due_word { body } else { "" }) {
        let overlaps = found
            .iter()
            .any(|f| f.whole.start < field.end() && field.start() < f.whole.end);
        if !overlaps {
            found.push(FoundDate {
                kind: DateKind::Due,
                whole: field.range(),
                date_start: field.end() - ISO_DATE_LEN,
            });
        }
    }
    found
}

/// Length of a `YYYY-MM-DD` date.
const ISO_DATE_LEN: usize = 10;

/// Reads a date that the patterns above matched as `\d{4}-\d{2}-\d{2}`; `None` for a day
/// that does not exist.
fn iso_date(raw: &str) -> Option<NaiveDate> {
    let number = |range: std::ops::Range<usize>| raw.get(range)?.parse::<u32>().ok();
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

/// Reads a priority sign or `[priority:: ...]`, noting its range in `removed`.
fn read_priority(body: &str, removed: &mut Vec<std::ops::Range<usize>>) -> Priority {
    let Some(caps) = PRIORITY.captures(body) else {
        return Priority::Normal;
    };
    removed.push(caps.get(0).expect("group 0 always matches").range());
    let word = caps
        .get(1)
        .or_else(|| caps.get(2))
        .map_or("", |m| m.as_str());
    match word.to_ascii_lowercase().as_str() {
        "🔺" | "highest" => Priority::Highest,
        "⏫" | "high" => Priority::High,
        "🔼" | "medium" => Priority::Medium,
        "🔽" | "low" => Priority::Low,
        _ => Priority::Lowest,
    }
}

/// Cuts the `removed` ranges out of the body and collapses whitespace.
fn description(body: &str, removed: &mut [std::ops::Range<usize>]) -> String {
    removed.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(body.len());
    let mut at = 0;
    for range in removed.iter() {
        if range.start >= at {
            out.push_str(&body[at..range.start]);
            out.push(' ');
        }
        at = at.max(range.end);
    }
    out.push_str(&body[at.min(body.len())..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
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
