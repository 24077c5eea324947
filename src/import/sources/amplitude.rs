//! Amplitude exports: a zip of gzipped JSON-lines files (what the Export API returns), or one
//! `.json`, `.jsonl` or `.gz` file, read as a stream.
//!
//! Events are counted per account and week (weeks start on Monday, dates in `[import.amplitude]
//! timezone`, default UTC, which is how Amplitude writes `event_time`). A week's WAU is its
//! distinct users and its days active the days with any event; both are distinct counts, so an
//! event exported twice (the same `$insert_id`) cannot change them and no per-event state is
//! kept. Memory is one 8-byte hash per distinct user, account and week.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::usage::{self, Reading};
use crate::import::archive::{self, Container};
use crate::import::matching::Query;
use crate::import::report::{Level, Messages, excerpt, json_error_text, plural};
use crate::import::values::parse_datetime;
use crate::import::{Context, ImportError, Parsed};

/// The fields of an event that the import reads; serde skips the rest without building them,
/// and strings without escapes are borrowed from the line.
#[derive(Deserialize)]
#[serde(expecting = "an event object")]
struct ExportedEvent<'a> {
    #[serde(borrow)]
    user_id: Option<Text<'a>>,
    #[serde(borrow)]
    device_id: Option<Text<'a>>,
    amplitude_id: Option<u64>,
    #[serde(borrow)]
    event_time: Option<Text<'a>>,
    #[serde(borrow)]
    event_type: Option<Text<'a>>,
    #[serde(borrow)]
    groups: Option<Properties<'a>>,
    #[serde(borrow)]
    user_properties: Option<Properties<'a>>,
}

/// A JSON string, borrowed when it has no escapes, or a JSON number as its text.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
            // A number (a numeric user id, a time in epoch milliseconds) is read as its text,
            // so that the field that cannot use it names itself in the message.
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

/// An object of properties (`groups`, `user_properties`), each value read as text: a string,
/// the first string of an array, or a number. Other values are skipped.
struct Properties<'a>(Vec<(Cow<'a, str>, Option<Cow<'a, str>>)>);

impl Properties<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.as_deref())
    }
}

/// One property value as text.
struct PropertyValue<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for PropertyValue<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValueVisitor;
        impl<'de> Visitor<'de> for ValueVisitor {
            type Value = PropertyValue<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a property value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(PropertyValue(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(PropertyValue(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(PropertyValue(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(PropertyValue(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(PropertyValue(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(PropertyValue(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(PropertyValue(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let first = seq.next_element::<PropertyValue<'de>>()?.and_then(|v| v.0);
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(PropertyValue(first))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(PropertyValue(None))
            }
        }
        deserializer.deserialize_any(ValueVisitor)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Properties<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor;
        impl<'de> Visitor<'de> for MapVisitor {
            type Value = Properties<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, value)) = map.next_entry::<Text<'de>, PropertyValue<'de>>()? {
                    entries.push((key.0, value.0));
                }
                Ok(Properties(entries))
            }
        }
        deserializer.deserialize_map(MapVisitor)
    }
}

/// Events counted in one batch: 32768 events of 24 bytes (768 KiB), small enough to sort within
/// the L2 cache of current server processors (1 to 2 MiB per core).
const PENDING_EVENTS: usize = 32 * 1024;

/// One event waiting to be counted.
struct Pending {
    account: usize,
    monday: NaiveDate,
    user: u64,
    /// The event's weekday as a bit, Monday first.
    day: u8,
}

#[derive(Default)]
struct Week {
    users: FxHashSet<u64>,
    days: u8,
}

/// The event property that names the account: `groups.<type>` or `user_properties.<key>`.
struct AccountProperty {
    in_groups: bool,
    key: String,
}

struct Counter<'c, 'v> {
    ctx: &'c mut Context<'v>,
    property: AccountProperty,
    /// By account index: each week's Monday and counts, in the order first seen. Exports are
    /// usually in time order, so the week looked up is usually the last one.
    weeks: Vec<Vec<(NaiveDate, Week)>>,
    /// Events matched to an account and not yet added to `weeks`, at most [`PENDING_EVENTS`].
    pending: Vec<Pending>,
    accounts: FxHashMap<String, Option<usize>>,
    last_date: Option<NaiveDate>,
}

pub(super) fn read(
    files: &[PathBuf],
    ctx: &mut Context<'_>,
    parsed: &mut Parsed,
) -> Result<(), ImportError> {
    let property = match ctx.config.account_property.split_once('.') {
        Some(("groups", key)) => AccountProperty {
            in_groups: true,
            key: key.to_string(),
        },
        Some(("user_properties", key)) => AccountProperty {
            in_groups: false,
            key: key.to_string(),
        },
        _ => {
            return Err(ImportError::Vault(format!(
                "invalid configuration: import.amplitude.account_property: invalid value `{}`; use groups.<group type> or user_properties.<key>",
                ctx.config.account_property
            )));
        }
    };
    let mut counter = Counter {
        ctx,
        property,
        weeks: Vec::new(),
        pending: Vec::with_capacity(PENDING_EVENTS),
        accounts: FxHashMap::default(),
        last_date: None,
    };
    let mut names = Vec::new();
    for path in files {
        let file = crate::import::display_name(path);
        counter.read_file(path, &file, parsed)?;
        names.push(file);
    }
    counter.finish(parsed, &names);
    Ok(())
}

impl Counter<'_, '_> {
    fn read_file(
        &mut self,
        path: &Path,
        file: &str,
        parsed: &mut Parsed,
    ) -> Result<(), ImportError> {
        let refuse = |message: String| ImportError::Refused {
            file: path.display().to_string(),
            message,
        };
        match archive::sniff(path).map_err(refuse)? {
            Container::Zip => {
                let mut notes = Messages::new(file);
                let mut first = true;
                let result = archive::for_each_member(
                    path,
                    &|name| archive::has_extension(name, &["json", "jsonl", "gz"]),
                    &mut |warning| notes.push("zip", Level::Error, None, None, warning),
                    &mut |name, reader| {
                        let label = format!("{file}/{name}");
                        let outcome = self.read_stream(reader, &label, first, parsed);
                        first = false;
                        outcome
                    },
                );
                parsed.messages.extend(notes.finish());
                result.map_err(refuse)
            }
            Container::Gzip => {
                let opened = std::fs::File::open(path)
                    .map_err(|err| refuse(format!("cannot open: {err}")))?;
                let mut decoder = flate2::read::MultiGzDecoder::new(BufReader::new(opened));
                self.read_stream(&mut decoder, file, true, parsed)
                    .map_err(refuse)
            }
            Container::Plain => {
                let mut opened = std::fs::File::open(path)
                    .map_err(|err| refuse(format!("cannot open: {err}")))?;
                self.read_stream(&mut opened, file, true, parsed)
                    .map_err(refuse)
            }
        }
    }

    /// Reads the events of `reader`, as JSON lines or a JSON array. The first event of the run
    /// must look like an Amplitude event, else the file is refused (`Err`); later problems are
    /// messages.
    fn read_stream(
        &mut self,
        reader: &mut (dyn Read + Send),
        label: &str,
        check: bool,
        parsed: &mut Parsed,
    ) -> Result<(), String> {
        // Decompressing runs on a second thread, ahead of the parsing below.
        archive::read_ahead(reader, 256 * 1024, |input| {
            self.read_events(input, label, check, parsed)
        })
    }

    /// Reads the events of one stream: JSON lines, or one JSON array of events. A UTF-8 byte
    /// order mark at its start is skipped.
    fn read_events(
        &mut self,
        input: &mut dyn BufRead,
        label: &str,
        check: bool,
        parsed: &mut Parsed,
    ) -> Result<(), String> {
        let mut stream = Stream {
            label,
            checked: !check,
            messages: Messages::new(label),
        };
        let outcome = match skip_bom_and_blank_lines(input) {
            Ok(Start {
                first: Some(b'['),
                position,
            }) => self.read_array(input, position, &mut stream, parsed),
            Ok(Start { position, .. }) => self.read_lines(input, position, &mut stream, parsed),
            Err(err) => {
                stream.report_damage(1, &err, &plural(0, "line"));
                Ok(())
            }
        };
        parsed.messages.extend(stream.messages.finish());
        outcome
    }

    /// Reads one JSON event per line, from `start` in the stream.
    fn read_lines(
        &mut self,
        lines: &mut dyn BufRead,
        start: TextPosition,
        stream: &mut Stream<'_>,
        parsed: &mut Parsed,
    ) -> Result<(), String> {
        let mut buffer = String::new();
        let mut number = start.line - 1;
        let mut column = start.column;
        loop {
            buffer.clear();
            match lines.read_line(&mut buffer) {
                Ok(0) => return Ok(()),
                Ok(_) => {}
                Err(err) => {
                    stream.report_damage(number + 1, &err, &plural(number, "line"));
                    return Ok(());
                }
            }
            number += 1;
            let text = buffer.trim_end();
            if text.trim_start().is_empty() {
                continue;
            }
            let event = serde_json::from_str::<ExportedEvent<'_>>(text);
            let place = Place {
                line: number,
                column,
                unit: Unit::Line,
            };
            column = 1;
            self.take_event(event, &place, stream, parsed)?;
        }
    }

    /// Reads the elements of a JSON array one at a time, so that memory grows with the largest
    /// event and not with the array. The array's `[` is at `start` in the stream.
    fn read_array(
        &mut self,
        input: &mut dyn BufRead,
        start: TextPosition,
        stream: &mut Stream<'_>,
        parsed: &mut Parsed,
    ) -> Result<(), String> {
        let mut elements = ArrayElements::new(input, start);
        let mut element = Vec::new();
        let mut read = 0u64;
        loop {
            match elements.next(&mut element) {
                Ok(Next::Element { line, column }) => {
                    read += 1;
                    let event = serde_json::from_slice::<ExportedEvent<'_>>(&element);
                    let place = Place {
                        line,
                        column,
                        unit: Unit::Element,
                    };
                    self.take_event(event, &place, stream, parsed)?;
                }
                Ok(Next::End) => break,
                Ok(Next::Unclosed) => {
                    stream.messages.push(
                        "truncated",
                        Level::Error,
                        Some(elements.position.line),
                        None,
                        format!(
                            "the JSON array is not closed with `]`; the stream may end early; \
                             the {} before its end were imported",
                            plural(read, "event")
                        ),
                    );
                    return Ok(());
                }
                Err(err) => {
                    let line = elements.position.line;
                    stream.report_damage(line, &err, &plural(read, "event"));
                    return Ok(());
                }
            }
        }
        match elements.text_after_end() {
            Ok(Some(line)) => stream.messages.warning(
                "after-array",
                line,
                None,
                "text after the JSON array of events is ignored".to_string(),
            ),
            Ok(None) => {}
            Err(err) => {
                let line = elements.position.line;
                stream.report_damage(line, &err, &plural(read, "event"));
            }
        }
        Ok(())
    }

    /// Counts one event that was read at `place`, or reports why it cannot be counted. Until an
    /// event of the run has been checked, an event that does not look like an Amplitude event
    /// rejects the file (`Err`). Later problems are messages.
    fn take_event(
        &mut self,
        event: Result<ExportedEvent<'_>, serde_json::Error>,
        place: &Place,
        stream: &mut Stream<'_>,
        parsed: &mut Parsed,
    ) -> Result<(), String> {
        let event = match event {
            Ok(event) => event,
            Err(err) => {
                let (line, column) = place.of_error(&err);
                let text = json_error_text(&err);
                if !stream.checked {
                    return Err(format!(
                        "not an Amplitude export: {} is not a JSON event ({text}); expected one \
                         JSON event object per line, or a JSON array of them",
                        place.unit.on_line(line)
                    ));
                }
                parsed.rows_read += 1;
                parsed.rows_rejected += 1;
                stream.messages.error(
                    "invalid-json",
                    line,
                    Some(&format!("column {column}")),
                    format!("invalid JSON: {text}; {} skipped", place.unit.noun()),
                );
                return Ok(());
            }
        };
        if !stream.checked {
            if event.event_time.is_none() && event.event_type.is_none() {
                return Err(format!(
                    "not an Amplitude export: {} has no event_time or event_type field",
                    place.unit.on_line(place.line)
                ));
            }
            stream.checked = true;
        }
        parsed.rows_read += 1;
        self.count(
            &event,
            stream.label,
            place.line,
            parsed,
            &mut stream.messages,
        );
        Ok(())
    }

    fn count(
        &mut self,
        event: &ExportedEvent<'_>,
        label: &str,
        line: u64,
        parsed: &mut Parsed,
        messages: &mut Messages,
    ) {
        let Some(time) = event.event_time.as_deref() else {
            messages.error(
                "missing-time",
                line,
                Some("event_time"),
                "event has no event_time; skipped".to_string(),
            );
            parsed.rows_rejected += 1;
            return;
        };
        let Some(date) = self.event_date(time) else {
            messages.error(
                "invalid-date",
                line,
                Some("event_time"),
                format!("invalid event_time `{}`; event skipped", excerpt(time)),
            );
            parsed.rows_rejected += 1;
            return;
        };
        let user = match (&event.user_id, &event.device_id, event.amplitude_id) {
            (Some(user), _, _) => hash(user.0.as_ref()),
            (None, Some(device), _) => hash(device.0.as_ref()),
            (None, None, Some(id)) => hash(&id),
            (None, None, None) => {
                messages.warning(
                    "missing-user",
                    line,
                    Some("user_id"),
                    "event has no user_id, device_id or amplitude_id; skipped".to_string(),
                );
                return;
            }
        };
        let Some(account) = self.account_of(event, label, line, parsed) else {
            return;
        };
        self.last_date = self.last_date.max(Some(date));
        let weekday = date.weekday().num_days_from_monday();
        let monday = date - Duration::days(i64::from(weekday));
        self.pending.push(Pending {
            account,
            monday,
            user,
            day: 1 << weekday,
        });
        if self.pending.len() == PENDING_EVENTS {
            self.count_pending();
        }
    }

    /// Adds the pending events to their weeks, sorted so that each week is looked up once per
    /// batch rather than once per event. The weeks of all accounts do not fit in the CPU cache,
    /// so a lookup per event missed it nearly every time.
    fn count_pending(&mut self) {
        self.pending
            .sort_unstable_by_key(|event| (event.account, event.monday));
        for group in self
            .pending
            .chunk_by(|a, b| a.account == b.account && a.monday == b.monday)
        {
            let (account, monday) = (group[0].account, group[0].monday);
            if self.weeks.len() <= account {
                self.weeks.resize_with(account + 1, Vec::new);
            }
            let weeks = &mut self.weeks[account];
            let position = match weeks.iter().rposition(|(start, _)| *start == monday) {
                Some(position) => position,
                None => {
                    weeks.push((monday, Week::default()));
                    weeks.len() - 1
                }
            };
            let week = &mut weeks[position].1;
            for event in group {
                week.users.insert(event.user);
                week.days |= event.day;
            }
        }
        self.pending.clear();
    }

    fn event_date(&self, time: &str) -> Option<NaiveDate> {
        let zone = self.ctx.config.timezone;
        if zone == chrono_tz::UTC {
            return parse_ymd(time);
        }
        let utc = parse_datetime(time, chrono_tz::UTC, self.ctx.config.date_order).ok()?;
        Some(utc.with_timezone(&zone).date_naive())
    }

    /// Finds the event's account: the configured group or user property, else the domain of a
    /// `user_id` that is an email address. Lookups are cached per distinct value.
    fn account_of(
        &mut self,
        event: &ExportedEvent<'_>,
        label: &str,
        line: u64,
        parsed: &mut Parsed,
    ) -> Option<usize> {
        let properties = if self.property.in_groups {
            &event.groups
        } else {
            &event.user_properties
        };
        let named = properties
            .as_ref()
            .and_then(|map| map.get(&self.property.key));
        let user = event.user_id.as_ref().map(|t| t.0.as_ref());
        // Names are cached as they are; email domains with a leading `@`.
        let (key, domain) = match (named, user) {
            (Some(name), _) => (name, None),
            (None, Some(user)) if user.contains('@') => {
                let domain = user.rsplit('@').next().unwrap_or("");
                (&user[user.len() - domain.len() - 1..], Some(domain))
            }
            _ => return None,
        };
        if let Some(cached) = self.accounts.get(key) {
            return *cached;
        }
        let mut query = Query::default();
        match domain {
            None => {
                query.ids.push(("salesforce_id", key.to_string()));
                query.names.push(key.to_string());
            }
            Some(domain) => query.domains.push(domain.to_string()),
        }
        let found = self.ctx.resolve(&query, label, line, parsed);
        self.accounts.insert(key.to_string(), found);
        found
    }

    fn finish(mut self, parsed: &mut Parsed, names: &[String]) {
        self.count_pending();
        let frame = usage::frame(self.ctx, false, names);
        let last = self.last_date;
        let mut per_account: HashMap<usize, Vec<Reading>> = HashMap::new();
        let mut partial = std::collections::BTreeSet::new();
        let weeks = self.weeks.into_iter().enumerate();
        let weeks = weeks.flat_map(|(account, weeks)| weeks.into_iter().map(move |w| (account, w)));
        for (account, (monday, week)) in weeks {
            // A partial week would look like a drop, so a week counts once it ended before the
            // import date and the export reaches its Friday.
            // NOTE: an export that stops mid-week on a Friday still counts that week as whole.
            let ended = monday + Duration::days(7) <= self.ctx.today;
            let covered = last.is_some_and(|last| monday + Duration::days(4) <= last);
            let complete = ended && covered;
            if !complete {
                partial.insert(monday);
                continue;
            }
            per_account.entry(account).or_default().push(Reading {
                date: monday,
                wau: Some(week.users.len() as u64),
                days_active: Some(u64::from(week.days.count_ones())),
                seats: self.ctx.matcher.accounts[account].seats,
            });
        }
        for (account, mut readings) in per_account {
            readings.sort_by_key(|r| r.date);
            let block = usage::build(&readings, &frame);
            parsed.updates.entry(account).block = Some(block);
        }
        if !partial.is_empty() {
            let weeks: Vec<String> = partial.iter().map(ToString::to_string).collect();
            let last = last.map_or_else(|| "none".to_string(), |day| day.to_string());
            let mut notes = Messages::new(&names.join(", "));
            let subject = match weeks.as_slice() {
                [one] => format!("the week starting {one} is"),
                many => format!("the weeks starting {} are", many.join(", ")),
            };
            notes.note(format!(
                "{subject} left out: a week counts once it ended before the import date and the \
                 export reaches its Friday (last event {last}); import again when it has"
            ));
            parsed.messages.extend(notes.finish());
        }
    }
}

/// The state of reading one stream of events.
struct Stream<'l> {
    /// The file, or the archive and member, as messages name it.
    label: &'l str,
    /// Whether an event of the run was checked to look like an Amplitude event.
    checked: bool,
    messages: Messages,
}

impl Stream<'_> {
    /// Reports a read error at `line`, after which the rest of the stream is lost. `read` names
    /// what was imported before it, such as `12 lines`.
    fn report_damage(&mut self, line: u64, err: &io::Error, read: &str) {
        self.messages.push(
            "truncated",
            Level::Error,
            Some(line),
            None,
            format!(
                "the stream ends early or is damaged ({err}); the {read} before it were imported"
            ),
        );
    }
}

/// The unit of text that an event was read from.
#[derive(Clone, Copy)]
enum Unit {
    /// A line of JSON lines.
    Line,
    /// An element of a JSON array.
    Element,
}

impl Unit {
    fn noun(self) -> &'static str {
        match self {
            Unit::Line => "line",
            Unit::Element => "array element",
        }
    }

    /// Names the unit that starts on `line`: `line 3`, `the array element on line 3`.
    fn on_line(self, line: u64) -> String {
        match self {
            Unit::Line => format!("line {line}"),
            Unit::Element => format!("the array element on line {line}"),
        }
    }
}

/// The start of the text of one event in its stream, as a one-based line and column.
struct Place {
    line: u64,
    column: u64,
    unit: Unit,
}

impl Place {
    /// Returns the line and column in the stream of an error in the event's text, which
    /// `serde_json` counts from the event's start.
    fn of_error(&self, err: &serde_json::Error) -> (u64, u64) {
        let line = u64::try_from(err.line()).unwrap_or(1).max(1);
        let column = u64::try_from(err.column()).unwrap_or(0);
        if line == 1 {
            (self.line, self.column + column.saturating_sub(1))
        } else {
            (self.line + line - 1, column)
        }
    }
}

/// The start of a stream after its byte order mark and leading whitespace.
struct Start {
    /// The first byte that is not whitespace, not consumed; `None` for an empty stream.
    first: Option<u8>,
    /// The position of the first byte not consumed.
    position: TextPosition,
}

/// Consumes a UTF-8 byte order mark at the start of `input`, then every buffer of `input`
/// that holds only whitespace, and returns the first byte after them.
fn skip_bom_and_blank_lines(input: &mut dyn BufRead) -> io::Result<Start> {
    // Byte by byte, since a read may end inside the mark. Text that starts with the mark's first
    // bytes but not the whole mark is not valid UTF-8, and loses those bytes.
    for &expected in b"\xEF\xBB\xBF" {
        if input.fill_buf()?.first() != Some(&expected) {
            break;
        }
        input.consume(1);
    }
    let mut position = TextPosition { line: 1, column: 1 };
    loop {
        let buffer = input.fill_buf()?;
        if let Some(&first) = buffer.iter().find(|byte| !byte.is_ascii_whitespace()) {
            return Ok(Start {
                first: Some(first),
                position,
            });
        }
        if buffer.is_empty() {
            return Ok(Start {
                first: None,
                position,
            });
        }
        for &byte in buffer {
            position.advance(byte);
        }
        let length = buffer.len();
        input.consume(length);
    }
}

/// The result of [`ArrayElements::next`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Next {
    /// An element, starting at this one-based line and column.
    Element { line: u64, column: u64 },
    /// The `]` that closes the array.
    End,
    /// The end of the input before the `]`.
    Unclosed,
}

/// A one-based line and column in a stream.
#[derive(Clone, Copy, Debug)]
struct TextPosition {
    line: u64,
    column: u64,
}

impl TextPosition {
    fn advance(&mut self, byte: u8) {
        if byte == b'\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
    }
}

/// Splits a JSON array read from a stream into the text of its elements, each parsed on its
/// own. It follows strings and nesting only to find where an element ends, and leaves every
/// other check of the JSON to the parser.
struct ArrayElements<'i> {
    input: &'i mut dyn BufRead,
    /// The position of the next byte.
    position: TextPosition,
    /// Whether the opening `[` was read.
    opened: bool,
    /// The end of the array once it was reached, which every later call returns.
    finished: Option<Next>,
}

impl<'i> ArrayElements<'i> {
    /// Starts at `position`, before whitespace and the array's opening `[`.
    fn new(input: &'i mut dyn BufRead, position: TextPosition) -> ArrayElements<'i> {
        ArrayElements {
            input,
            position,
            opened: false,
            finished: None,
        }
    }

    /// Reads the next element into `element`.
    fn next(&mut self, element: &mut Vec<u8>) -> io::Result<Next> {
        if let Some(finished) = self.finished {
            return Ok(finished);
        }
        if !self.opened {
            // The caller saw the `[` after the whitespace.
            self.skip_whitespace()?;
            self.consume_byte(b'[');
            self.opened = true;
        }
        match self.skip_whitespace()? {
            None => {
                self.finished = Some(Next::Unclosed);
                return Ok(Next::Unclosed);
            }
            Some(b']') => {
                self.consume_byte(b']');
                self.finished = Some(Next::End);
                return Ok(Next::End);
            }
            Some(_) => {}
        }
        let start = self.position;
        element.clear();
        match self.read_element(element)? {
            Some(b']') => self.finished = Some(Next::End),
            Some(_) => {}
            None => self.finished = Some(Next::Unclosed),
        }
        Ok(Next::Element {
            line: start.line,
            column: start.column,
        })
    }

    /// Returns the line of the first text after the closing `]`, if there is any.
    fn text_after_end(&mut self) -> io::Result<Option<u64>> {
        Ok(self.skip_whitespace()?.map(|_| self.position.line))
    }

    fn consume_byte(&mut self, byte: u8) {
        self.input.consume(1);
        self.position.advance(byte);
    }

    /// Consumes whitespace and returns the next byte without consuming it, or `None` at the end
    /// of the input.
    fn skip_whitespace(&mut self) -> io::Result<Option<u8>> {
        loop {
            let buffer = self.input.fill_buf()?;
            if buffer.is_empty() {
                return Ok(None);
            }
            let blank = buffer.iter().position(|byte| !byte.is_ascii_whitespace());
            let skipped = blank.unwrap_or(buffer.len());
            for &byte in &buffer[..skipped] {
                self.position.advance(byte);
            }
            let next = blank.map(|at| buffer[at]);
            self.input.consume(skipped);
            if next.is_some() {
                return Ok(next);
            }
        }
    }

    /// Reads an element up to the `,` or `]` that ends it at the array's own level. Returns that
    /// byte, which is consumed, or `None` when the input ends first.
    fn read_element(&mut self, element: &mut Vec<u8>) -> io::Result<Option<u8>> {
        let mut depth = 0u64;
        let mut in_string = false;
        let mut escaped = false;
        loop {
            let buffer = self.input.fill_buf()?;
            if buffer.is_empty() {
                return Ok(None);
            }
            let mut end = None;
            for (at, &byte) in buffer.iter().enumerate() {
                self.position.advance(byte);
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if byte == b'\\' {
                        escaped = true;
                    } else if byte == b'"' {
                        in_string = false;
                    }
                    continue;
                }
                match byte {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth > 0 => depth -= 1,
                    b',' | b']' if depth == 0 => {
                        end = Some(at);
                        break;
                    }
                    _ => {}
                }
            }
            match end {
                Some(at) => {
                    element.extend_from_slice(&buffer[..at]);
                    let terminator = buffer[at];
                    self.input.consume(at + 1);
                    return Ok(Some(terminator));
                }
                None => {
                    element.extend_from_slice(buffer);
                    let length = buffer.len();
                    self.input.consume(length);
                }
            }
        }
    }
}

fn hash(value: &(impl Hash + ?Sized)) -> u64 {
    let mut hasher = FxHasher::default();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Reads the `YYYY-MM-DD` at the start of `text` without a format parser.
fn parse_ymd(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0u32, |acc, b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(
        i32::try_from(number(0..4)?).ok()?,
        number(5..7)?,
        number(8..10)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Splits `text` read in buffers of `capacity` bytes, returning each element's text and
    /// start, then how the array ended.
    fn split(text: &str, capacity: usize) -> (Vec<(String, u64, u64)>, Next) {
        let mut input = BufReader::with_capacity(capacity, text.as_bytes());
        let start = skip_bom_and_blank_lines(&mut input).unwrap();
        assert_eq!(start.first, Some(b'['));
        let mut elements = ArrayElements::new(&mut input, start.position);
        let mut element = Vec::new();
        let mut found = Vec::new();
        loop {
            match elements.next(&mut element).unwrap() {
                Next::Element { line, column } => {
                    let text = String::from_utf8(element.clone()).unwrap();
                    found.push((text.trim().to_string(), line, column));
                }
                ended => return (found, ended),
            }
        }
    }

    #[test]
    fn array_elements_with_their_places() {
        let text = "\u{feff}\n [{\"a\": \"x,]}\\\"\", \"b\": [1, {\"c\": 2}]},\n  {\"d\": 3}\n,4 ]";
        let expected = vec![
            (
                "{\"a\": \"x,]}\\\"\", \"b\": [1, {\"c\": 2}]}".to_string(),
                2,
                3,
            ),
            ("{\"d\": 3}".to_string(), 3, 3),
            ("4".to_string(), 4, 2),
        ];
        for capacity in 1..=text.len() {
            assert_eq!(
                split(text, capacity),
                (expected.clone(), Next::End),
                "buffers of {capacity} bytes"
            );
        }
    }

    #[test]
    fn array_ends() {
        assert_eq!(split("[]", 8), (vec![], Next::End));
        assert_eq!(split("[{\"a\": 1},]", 8).1, Next::End);
        let (found, ended) = split("[{\"a\": 1}, {\"b\"", 8);
        assert_eq!(found.len(), 2);
        assert_eq!(ended, Next::Unclosed);
        assert_eq!(split("[\n", 8), (vec![], Next::Unclosed));
    }

    #[test]
    fn text_after_the_array_is_found() {
        let mut input = "[1]\n\n[2]".as_bytes();
        let mut elements = ArrayElements::new(&mut input, TextPosition { line: 1, column: 1 });
        let mut element = Vec::new();
        assert_eq!(
            elements.next(&mut element).unwrap(),
            Next::Element { line: 1, column: 2 }
        );
        assert_eq!(elements.next(&mut element).unwrap(), Next::End);
        assert_eq!(elements.text_after_end().unwrap(), Some(3));
    }

    #[test]
    fn stream_start_skips_bom_and_blank_lines() {
        let mut input = "\u{feff}\n\n  {\"a\": 1}\n".as_bytes();
        let start = skip_bom_and_blank_lines(&mut input).unwrap();
        assert_eq!(start.first, Some(b'{'));
        let mut input = BufReader::with_capacity(1, "\n\n  {}".as_bytes());
        let start = skip_bom_and_blank_lines(&mut input).unwrap();
        assert_eq!(start.first, Some(b'{'));
        assert_eq!((start.position.line, start.position.column), (3, 3));
        let mut input = " \n".as_bytes();
        assert_eq!(skip_bom_and_blank_lines(&mut input).unwrap().first, None);
    }

    #[test]
    fn error_places_count_from_the_stream_start() {
        let place = Place {
            line: 7,
            column: 5,
            unit: Unit::Element,
        };
        let first_line = serde_json::from_str::<serde_json::Value>("{\"a\": x}").unwrap_err();
        assert_eq!(place.of_error(&first_line), (7, 11));
        let third_line =
            serde_json::from_str::<serde_json::Value>("{\n\"a\": 1,\n\"b\": x}").unwrap_err();
        assert_eq!(place.of_error(&third_line), (9, 6));
    }
}
