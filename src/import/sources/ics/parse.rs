//! Reading `.ics` files into events: unfolding lines, splitting out each `VEVENT`, and reading
//! its properties with the line each starts on, for messages.

use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::parser::{Component, Property};

use super::{Event, Start};
use crate::import::ImportError;
use crate::import::report::Messages;
use crate::import::values::local_to_utc;

/// Unfolds the file's lines, keeping the number of each logical line's first physical line.
/// Lines are joined as bytes before they are decoded: RFC 5545 folds at any octet, so a fold may
/// split a multi-byte character. The flag is set when some line was not valid UTF-8 and had
/// its invalid bytes replaced.
fn unfold(bytes: &[u8]) -> (Vec<(u64, String)>, bool) {
    let mut joined: Vec<(u64, Vec<u8>)> = Vec::new();
    for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let continuation = matches!(line.first(), Some(b' ' | b'\t'));
        match joined.last_mut() {
            Some(last) if continuation => last.1.extend_from_slice(&line[1..]),
            _ if !line.is_empty() => joined.push((index as u64 + 1, line.to_vec())),
            _ => {}
        }
    }
    let mut replaced = false;
    let lines = joined
        .into_iter()
        .map(|(number, line)| {
            let text = String::from_utf8(line).unwrap_or_else(|err| {
                replaced = true;
                String::from_utf8_lossy(err.as_bytes()).into_owned()
            });
            (number, text)
        })
        .collect();
    (lines, replaced)
}

/// Reads the events of one file, and counts the events that could not be read.
pub(super) fn read_file(
    path: &Path,
    zone: Tz,
    messages: &mut Messages,
) -> Result<(Vec<Event>, u64), ImportError> {
    let bytes = std::fs::read(path).map_err(|err| ImportError::Refused {
        file: path.display().to_string(),
        message: format!("cannot read: {err}"),
    })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let (lines, replaced) = unfold(bytes);
    if replaced {
        messages.note("the file is not valid UTF-8; invalid bytes were replaced".to_string());
    }
    if !lines
        .first()
        .is_some_and(|(_, l)| l.eq_ignore_ascii_case("BEGIN:VCALENDAR"))
    {
        return Err(ImportError::Refused {
            file: path.display().to_string(),
            message: "not an iCalendar file: it does not start with BEGIN:VCALENDAR".to_string(),
        });
    }
    let mut events = Vec::new();
    let mut rejected = 0;
    let mut current: Option<(u64, Vec<(u64, String)>)> = None;
    for (number, line) in &lines {
        if line.eq_ignore_ascii_case("BEGIN:VEVENT") {
            if let Some((start, _)) = current.take() {
                messages.error(
                    "unclosed-event",
                    start,
                    Some("VEVENT"),
                    "event has no END:VEVENT; skipped".to_string(),
                );
                rejected += 1;
            }
            current = Some((*number, vec![(*number, line.clone())]));
        } else if let Some((start, mut body)) = current.take() {
            body.push((*number, line.clone()));
            if line.eq_ignore_ascii_case("END:VEVENT") {
                match parse_event(start, &body, zone, messages) {
                    Ok(event) => events.push(event),
                    Err(rejection) => {
                        messages.error(
                            "invalid-event",
                            rejection.line,
                            Some(&rejection.field),
                            format!("{}; event skipped", rejection.message),
                        );
                        rejected += 1;
                    }
                }
            } else {
                current = Some((start, body));
            }
        }
    }
    if let Some((start, _)) = current {
        messages.error(
            "unclosed-event",
            start,
            Some("VEVENT"),
            "the file ends inside this event (truncated?); event skipped".to_string(),
        );
        rejected += 1;
    }
    Ok((events, rejected))
}

/// The reason an event was skipped, with the line and name of the property at fault. An event
/// that is invalid as a whole names its `BEGIN:VEVENT` line.
struct Rejection {
    line: u64,
    field: String,
    message: String,
}

impl Rejection {
    fn of_event(line: u64, message: impl Into<String>) -> Rejection {
        Rejection {
            line,
            field: "VEVENT".to_string(),
            message: message.into(),
        }
    }

    fn of_property(line: u64, property: &Property<'_>, message: String) -> Rejection {
        Rejection {
            line,
            field: property.name.as_str().to_ascii_uppercase(),
            message,
        }
    }
}

/// The event's own properties (not those of a nested `VALARM`) with the line each starts on.
struct Properties<'a> {
    list: Vec<(&'a Property<'a>, u64)>,
}

impl<'a> Properties<'a> {
    /// Pairs the parsed properties of `component` with the content lines of `body`, an event's
    /// unfolded lines from `BEGIN:VEVENT` to `END:VEVENT`. The parser keeps the properties in
    /// file order, so each takes the next line at the event's own level that has its name.
    fn locate(component: &'a Component<'a>, body: &[(u64, String)], event_line: u64) -> Self {
        let mut own_lines = Vec::new();
        let mut depth = 0usize;
        for (number, line) in body.iter().skip(1) {
            let name = line.split([';', ':']).next().unwrap_or_default();
            if name.eq_ignore_ascii_case("BEGIN") {
                depth += 1;
            } else if name.eq_ignore_ascii_case("END") {
                depth = depth.saturating_sub(1);
            } else if depth == 0 {
                own_lines.push((name, *number));
            }
        }
        let mut next = 0;
        let list = component
            .properties
            .iter()
            .map(|property| {
                let name = property.name.as_str();
                let found = own_lines[next..]
                    .iter()
                    .position(|(line_name, _)| line_name.eq_ignore_ascii_case(name));
                let line = match found {
                    Some(offset) => {
                        next += offset + 1;
                        own_lines[next - 1].1
                    }
                    None => event_line,
                };
                (property, line)
            })
            .collect();
        Properties { list }
    }

    /// Returns the first property named `name`, with its line.
    fn first(&self, name: &str) -> Option<(&'a Property<'a>, u64)> {
        self.all(name).next()
    }

    /// Returns every property named `name`, with its line.
    fn all(&self, name: &str) -> impl Iterator<Item = (&'a Property<'a>, u64)> {
        self.list
            .iter()
            .filter(move |(property, _)| property.name.as_str().eq_ignore_ascii_case(name))
            .copied()
    }

    /// Returns the trimmed value of the first property named `name`, unless it is empty.
    fn value(&self, name: &str) -> Option<String> {
        self.first(name)
            .map(|(property, _)| property.val.as_str().trim().to_string())
            .filter(|value| !value.is_empty())
    }
}

/// Reads one event from its unfolded lines, each with the number of its first physical line.
fn parse_event(
    line: u64,
    body: &[(u64, String)],
    zone: Tz,
    messages: &mut Messages,
) -> Result<Event, Rejection> {
    let mut text = String::new();
    for (_, content) in body {
        text.push_str(content);
        text.push_str("\r\n");
    }
    let components = icalendar::parser::read_components(&text).map_err(|err| {
        let first = err
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("invalid content")
            .trim();
        Rejection::of_event(line, format!("invalid event: {first}"))
    })?;
    let component = components
        .first()
        .ok_or_else(|| Rejection::of_event(line, "empty event"))?;
    let properties = Properties::locate(component, body, line);

    let uid = properties
        .value("UID")
        .ok_or_else(|| Rejection::of_event(line, "event has no UID"))?;
    let (start_prop, start_line) = properties
        .first("DTSTART")
        .ok_or_else(|| Rejection::of_event(line, "event has no DTSTART"))?;
    let start = parse_time(start_prop, zone, start_line, messages)
        .map_err(|message| Rejection::of_property(start_line, start_prop, message))?;
    let end = read_end(&properties, zone, messages);
    let exdates = read_exdates(&properties, zone, messages);

    let recurrence_id = match properties.first("RECURRENCE-ID") {
        Some((p, recurrence_line)) => {
            let time = parse_time(p, zone, recurrence_line, messages)
                .map_err(|message| Rejection::of_property(recurrence_line, p, message))?;
            Some(time.utc(zone))
        }
        None => None,
    };

    let attendees = properties
        .all("ATTENDEE")
        .filter_map(|(p, _)| {
            let email = mail_address(p.val.as_str())?;
            Some((email, param(p, "CN")))
        })
        .collect();

    Ok(Event {
        line,
        uid,
        sequence: read_sequence(&properties, messages),
        summary: properties
            .value("SUMMARY")
            .unwrap_or_else(|| "Meeting".to_string()),
        description: properties.value("DESCRIPTION"),
        location: properties.value("LOCATION"),
        start,
        end,
        rrule: properties.value("RRULE"),
        rrule_line: properties.first("RRULE").map_or(line, |(_, at)| at),
        exdates,
        recurrence_id,
        organizer: properties
            .first("ORGANIZER")
            .and_then(|(p, _)| mail_address(p.val.as_str())),
        attendees,
        cancelled: properties
            .value("STATUS")
            .is_some_and(|s| s.eq_ignore_ascii_case("CANCELLED")),
    })
}

/// Reads `SEQUENCE`, a revision count of zero or more. An invalid one is reported and read as 0,
/// the value of an event that was never revised.
fn read_sequence(properties: &Properties<'_>, messages: &mut Messages) -> u32 {
    let Some((p, sequence_line)) = properties.first("SEQUENCE") else {
        return 0;
    };
    let raw = p.val.as_str().trim();
    raw.parse().unwrap_or_else(|_| {
        messages.warning(
            "invalid-sequence",
            sequence_line,
            Some("SEQUENCE"),
            format!("invalid SEQUENCE `{raw}`, not a whole number of zero or more; read as 0"),
        );
        0
    })
}

/// Reads `DTEND`, reporting an invalid one and leaving it out.
fn read_end(properties: &Properties<'_>, zone: Tz, messages: &mut Messages) -> Option<Start> {
    let (p, end_line) = properties.first("DTEND")?;
    match parse_time(p, zone, end_line, messages) {
        Ok(end) => Some(end),
        Err(err) => {
            messages.warning(
                "invalid-dtend",
                end_line,
                Some("DTEND"),
                format!("{err}; the meeting's end time is left out"),
            );
            None
        }
    }
}

/// Reads every date of every `EXDATE`, reporting an invalid date and leaving it out.
fn read_exdates(
    properties: &Properties<'_>,
    zone: Tz,
    messages: &mut Messages,
) -> Vec<DateTime<Utc>> {
    let mut exdates = Vec::new();
    for (p, exdate_line) in properties.all("EXDATE") {
        for part in p.val.as_str().split(',') {
            let single = Property {
                name: p.name.clone(),
                val: part.trim().into(),
                params: p.params.clone(),
            };
            match parse_time(&single, zone, exdate_line, messages) {
                Ok(time) => exdates.push(time.utc(zone)),
                Err(err) => messages.warning(
                    "invalid-exdate",
                    exdate_line,
                    Some("EXDATE"),
                    format!("{err}; exclusion ignored"),
                ),
            }
        }
    }
    exdates
}

fn param(prop: &Property<'_>, key: &str) -> Option<String> {
    prop.params
        .iter()
        .find(|p| p.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|p| p.val.as_ref())
        .map(|v| v.as_str().trim_matches('"').to_string())
        .filter(|v| !v.is_empty())
}

fn mail_address(value: &str) -> Option<String> {
    let value = value.trim();
    let address = value
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .map_or(value, |_| &value[7..]);
    address.contains('@').then(|| address.to_lowercase())
}

/// Reads a DATE or DATE-TIME property: UTC (`Z`), with a `TZID` parameter, floating (read in
/// `zone`), or an all-day `VALUE=DATE`.
fn parse_time(
    prop: &Property<'_>,
    zone: Tz,
    line: u64,
    messages: &mut Messages,
) -> Result<Start, String> {
    let value = prop.val.as_str().trim();
    let name = prop.name.as_str().to_ascii_uppercase();
    if value.len() == 8 {
        return NaiveDate::parse_from_str(value, "%Y%m%d")
            .map(Start::Date)
            .map_err(|_| format!("invalid date `{value}`; expected YYYYMMDD"));
    }
    let invalid =
        || format!("invalid date-time `{value}`; expected YYYYMMDDTHHMMSS, optionally ending in Z");
    if let Some(utc) = value.strip_suffix('Z') {
        let naive = NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S").map_err(|_| invalid())?;
        return Ok(Start::Time {
            at: Utc.from_utc_datetime(&naive),
            zone: chrono_tz::UTC,
            from_tzid: false,
        });
    }
    let naive = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").map_err(|_| invalid())?;
    let tzid = match param(prop, "TZID") {
        Some(tzid) => {
            match tzid.trim_start_matches('/').parse::<Tz>() {
                Ok(tz) => Some(tz),
                Err(_) => {
                    messages.warning(
                    "unknown-tzid",
                    line,
                    Some(&name),
                    format!("unknown TZID `{tzid}`; read the time in {} (set [import.ics] timezone)", zone.name()),
                );
                    None
                }
            }
        }
        None => None,
    };
    let written_zone = tzid.unwrap_or(zone);
    Ok(Start::Time {
        at: local_to_utc(naive, written_zone),
        zone: written_zone,
        from_tzid: tzid.is_some(),
    })
}

#[cfg(test)]
mod tests {
    use super::unfold;

    #[test]
    fn folds_join_before_decoding() {
        // `í` is C3 AD; the fold falls between its two bytes, and a tab also continues a line.
        let bytes = b"BEGIN:VEVENT\r\nSUMMARY:QBR with Luc\xC3\r\n \xADa Fern\xC3\xA1ndez\n\t review\r\n\r\nEND:VEVENT";
        let (lines, replaced) = unfold(bytes);
        assert!(!replaced);
        assert_eq!(
            lines,
            [
                (1, "BEGIN:VEVENT".to_string()),
                (2, "SUMMARY:QBR with Lucía Fernández review".to_string()),
                (6, "END:VEVENT".to_string()),
            ]
        );
    }

    #[test]
    fn invalid_bytes_are_replaced_and_reported() {
        let (lines, replaced) = unfold(b"SUMMARY:Stra\x9Fe\n");
        assert!(replaced);
        assert_eq!(lines, [(1, "SUMMARY:Stra\u{FFFD}e".to_string())]);
    }
}
