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
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::usage::{self, Reading};
use crate::import::archive::{self, Container};
use crate::import::matching::Query;
use crate::import::report::{Level, Messages, excerpt};
use crate::import::values::parse_datetime;
use crate::import::{Context, ImportError, Parsed};

/// The fields of an event that the import reads; serde skips the rest without building them,
/// and strings without escapes are borrowed from the line.
#[derive(Deserialize)]
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

/// A JSON string, borrowed when it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
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
        }
        deserializer.deserialize_str(TextVisitor)
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
    /// The earlier readings of the accounts found so far, read meanwhile.
    baselines: usage::Baselines,
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
    let baselines = usage::Baselines::start(ctx);
    let mut counter = Counter {
        ctx,
        baselines,
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

    /// Reads JSON lines from `reader`. The first event of the run must look like an Amplitude
    /// event, else the file is refused (`Err`); later problems are messages.
    fn read_stream(
        &mut self,
        reader: &mut (dyn Read + Send),
        label: &str,
        check: bool,
        parsed: &mut Parsed,
    ) -> Result<(), String> {
        // Decompressing runs on a second thread, ahead of the parsing below.
        archive::read_ahead(reader, 256 * 1024, |lines| {
            self.read_lines(lines, label, check, parsed)
        })
    }

    fn read_lines(
        &mut self,
        lines: &mut dyn BufRead,
        label: &str,
        check: bool,
        parsed: &mut Parsed,
    ) -> Result<(), String> {
        let mut messages = Messages::new(label);
        let mut buffer = String::new();
        let mut number = 0u64;
        let mut checked = !check;
        loop {
            buffer.clear();
            match lines.read_line(&mut buffer) {
                Ok(0) => break,
                Ok(_) => {}
                Err(err) => {
                    messages.push(
                        "truncated",
                        Level::Error,
                        Some(number + 1),
                        None,
                        format!("the stream ends early or is damaged ({err}); the {number} lines before it were imported"),
                    );
                    break;
                }
            }
            number += 1;
            let text = buffer.trim();
            if text.is_empty() {
                continue;
            }
            let event: ExportedEvent<'_> = match serde_json::from_str(text) {
                Ok(event) => event,
                Err(err) => {
                    if !checked {
                        return Err(format!(
                            "not an Amplitude export: line {number} is not a JSON event ({err})"
                        ));
                    }
                    parsed.rows_read += 1;
                    parsed.rows_rejected += 1;
                    messages.error(
                        "invalid-json",
                        number,
                        Some(&format!("column {}", err.column())),
                        format!("invalid JSON: {err}; line skipped"),
                    );
                    continue;
                }
            };
            if !checked {
                if event.event_time.is_none() && event.event_type.is_none() {
                    return Err(format!(
                        "not an Amplitude export: line {number} has no event_time or event_type field"
                    ));
                }
                checked = true;
            }
            parsed.rows_read += 1;
            self.count(&event, label, number, parsed, &mut messages);
        }
        parsed.messages.extend(messages.finish());
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
        if let Some(account) = found {
            self.baselines.request(self.ctx, account);
        }
        self.accounts.insert(key.to_string(), found);
        found
    }

    fn finish(mut self, parsed: &mut Parsed, names: &[String]) {
        self.count_pending();
        let frame = usage::frame(self.ctx, false, names);
        let mut earlier = self.baselines.finish();
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
            let block = usage::build(self.ctx, earlier.remove(&account), &readings, &frame);
            parsed.updates.entry(account).or_default().block = Some(block);
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
