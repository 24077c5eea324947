//! The next occurrence of a recurring task (`🔁 every week`, `[repeat:: every week]`), computed
//! as the Tasks plugin computes it when the task is marked done (`src/Task/Recurrence.ts` and
//! `Task.ts` in obsidian-tasks-group/obsidian-tasks).

use chrono::{Days, Months, NaiveDate};

use crate::syntax::{DateKind, Task};
use crate::text::TextRange;

/// A recurrence rule of the form `every [N] day|week|month|year[s] [when done]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// How many units apart the occurrences are.
    count: u32,
    unit: Unit,
    /// Whether the next date counts from the day the task is done, not from its own date.
    when_done: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

impl Rule {
    /// Reads a rule such as `every week`, `every 2 months` or `every day when done`.
    /// Returns `None` for the other rules the plugin reads through rrule's text parser
    /// (`every weekday`, `every week on Monday`, `every month on the last`).
    pub fn parse(text: &str) -> Option<Rule> {
        let lower = text.trim().to_ascii_lowercase();
        let (rule, when_done) = match lower.strip_suffix("when done") {
            Some(rule) => (rule.trim_end(), true),
            None => (lower.as_str(), false),
        };
        let mut words = rule.split_whitespace();
        if words.next()? != "every" {
            return None;
        }
        let mut word = words.next()?;
        let count = match word.parse::<u32>() {
            Ok(count) => {
                word = words.next()?;
                count
            }
            Err(_) => 1,
        };
        let unit = match word.strip_suffix('s').unwrap_or(word) {
            "day" => Unit::Day,
            "week" => Unit::Week,
            "month" => Unit::Month,
            "year" => Unit::Year,
            _ => return None,
        };
        if words.next().is_some() || count == 0 {
            return None;
        }
        Some(Rule {
            count,
            unit,
            when_done,
        })
    }

    /// Returns the first date of the rule after `date`. A month or year step that lands past
    /// the end of a shorter month stops at its last day, so `every month` from January 31 gives
    /// February 28, as the plugin does.
    fn after(self, date: NaiveDate) -> Option<NaiveDate> {
        match self.unit {
            Unit::Day => date.checked_add_days(Days::new(u64::from(self.count))),
            Unit::Week => date.checked_add_days(Days::new(7 * u64::from(self.count))),
            Unit::Month => date.checked_add_months(Months::new(self.count)),
            Unit::Year => date.checked_add_months(Months::new(12 * self.count)),
        }
    }
}

/// Builds the text of a recurring task's next occurrence from `line`, the task's text from its
/// list marker to the end of its line. The checkbox is emptied. The start, scheduled and due
/// dates move to the next occurrence and keep their distance from the reference date, which is
/// the due date, else the scheduled date, else the start date. Created, done and cancelled
/// dates and the block id are dropped. Returns `None` when [`Rule::parse`] does not read the
/// rule, or when a date would be out of range.
pub fn next_occurrence(task: &Task, line: &str, today: NaiveDate) -> Option<String> {
    let rule = Rule::parse(task.recurrence.as_deref()?)?;
    let reference = [DateKind::Due, DateKind::Scheduled, DateKind::Start]
        .into_iter()
        .find_map(|kind| task.date(kind));
    let next_reference = match reference {
        Some(reference) if !rule.when_done => rule.after(reference)?,
        _ => rule.after(today)?,
    };

    let start = task.range.start;
    let local = |range: TextRange| (range.start - start) as usize..(range.end - start) as usize;
    // Edits to `line` as (byte range, new text), applied from the end.
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    edits.push((local(task.marker_range), " ".to_string()));
    for field in &task.dates {
        match field.kind {
            DateKind::Due | DateKind::Scheduled | DateKind::Start => {
                // Without a reference date the plugin gives the next occurrence no dates.
                let (Some(reference), Some(date)) = (reference, field.date) else {
                    edits.push((
                        with_space_before(line, local(field.field_range)),
                        String::new(),
                    ));
                    continue;
                };
                let moved = next_reference.checked_add_signed(date - reference)?;
                edits.push((local(field.range), moved.to_string()));
            }
            DateKind::Created | DateKind::Done | DateKind::Cancelled => {
                edits.push((
                    with_space_before(line, local(field.field_range)),
                    String::new(),
                ));
            }
        }
    }
    if let Some(block) = crate::syntax::trailing_block_id(line) {
        edits.push((with_space_before(line, block), String::new()));
    }

    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut next = line.to_string();
    for (range, text) in edits {
        next.replace_range(range, &text);
    }
    Some(next)
}

/// Widens `range` over one space before it, so that removing a field leaves no double space.
fn with_space_before(line: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    if line[..range.start].ends_with(' ') {
        range.start - 1..range.end
    } else {
        range
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// Parses `line` as a note's only line and returns its next occurrence.
    fn next(line: &str, today: &str) -> Option<String> {
        let summary = crate::syntax::parse(line);
        let task = summary.tasks.first().expect("a task");
        let text = &line[task.range.as_usize()];
        next_occurrence(task, text, date(today))
    }

    #[test]
    fn rules_that_parse() {
        let rule = |count, unit, when_done| {
            Some(Rule {
                count,
                unit,
                when_done,
            })
        };
        assert_eq!(Rule::parse("every week"), rule(1, Unit::Week, false));
        assert_eq!(Rule::parse("Every 2 Months"), rule(2, Unit::Month, false));
        assert_eq!(Rule::parse("every day when done"), rule(1, Unit::Day, true));
        assert_eq!(Rule::parse(" every 3 years "), rule(3, Unit::Year, false));
        assert_eq!(Rule::parse("every weekday"), None);
        assert_eq!(Rule::parse("every week on Monday"), None);
        assert_eq!(Rule::parse("every 0 days"), None);
        assert_eq!(Rule::parse("weekly"), None);
    }

    #[test]
    fn next_occurrence_moves_every_date() {
        let line = "- [ ] Weekly sync 🛫 2026-03-08 ⏳ 2026-03-09 📅 2026-03-10 🔁 every week";
        assert_eq!(
            next(line, "2026-03-15").as_deref(),
            Some("- [ ] Weekly sync 🛫 2026-03-15 ⏳ 2026-03-16 📅 2026-03-17 🔁 every week")
        );
    }

    #[test]
    fn when_done_counts_from_today() {
        let line = "* [/] 北星 renewal call 🔁 every 2 weeks when done [due:: 2026-03-01]";
        assert_eq!(
            next(line, "2026-03-15").as_deref(),
            Some("* [ ] 北星 renewal call 🔁 every 2 weeks when done [due:: 2026-03-29]")
        );
    }

    #[test]
    fn done_created_and_block_id_are_dropped() {
        let line = "1) [ ] Report ➕ 2026-01-01 📅 2026-01-31 🔁 every month ✅ 2026-01-30 ^rep-1";
        assert_eq!(
            next(line, "2026-03-15").as_deref(),
            Some("1) [ ] Report 📅 2026-02-28 🔁 every month")
        );
    }

    #[test]
    fn dataview_fields_recur_too() {
        let line = "- [ ] Renew [repeat:: every month] [due:: 2026-01-31]";
        assert_eq!(
            next(line, "2026-03-15").as_deref(),
            Some("- [ ] Renew [repeat:: every month] [due:: 2026-02-28]")
        );
    }

    #[test]
    fn undated_task_gets_no_dates() {
        assert_eq!(
            next("- [ ] Water plants 🔁 every day", "2026-03-15").as_deref(),
            Some("- [ ] Water plants 🔁 every day")
        );
    }

    #[test]
    fn other_rules_give_none() {
        assert_eq!(
            next("- [ ] Standup 📅 2026-03-10 🔁 every weekday", "2026-03-15"),
            None
        );
        assert_eq!(next("- [ ] Plain 📅 2026-03-10", "2026-03-15"), None);
    }
}
