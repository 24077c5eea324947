//! iCalendar (`.ics`) files: each customer meeting in the configured window becomes a meeting
//! note stub in the meetings folder, and each upcoming QBR gets a "prepare QBR" action item.
//!
//! Lines are unfolded (keeping each line's number for messages) and every `VEVENT` is
//! parsed on its own with the `icalendar` crate, so one malformed event does not stop the rest.
//! Recurring events are expanded with the `rrule` crate (RFC 5545 `RRULE`, `EXDATE`), and an
//! instance with a `RECURRENCE-ID` override replaces the instance it names. Stubs are keyed by
//! `UID` and the instance's start; a newer `SEQUENCE` updates the stub's frontmatter, and an
//! existing note is never replaced. A stub is dated in the zone the user's calendar shows the
//! meeting in, which `Zones::for_dates` picks.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::import::block::escape_line;
use crate::import::config::{SourceConfig, machine_timezone};
use crate::import::frontmatter::{Policy, Value};
use crate::import::matching::normalize_domain;
use crate::import::report::{Level, Messages, Unmatched};
use crate::import::values::local_to_utc;
use crate::import::{Context, ImportError, NoteWrite, Parsed};
use crate::syntax::yaml;
use crate::text::join_lines;

mod parse;

/// Instances of one recurring event generated at most.
const MAX_INSTANCES: usize = 1000;

/// Occurrences of one recurring event stepped through at most before the import window: more
/// than 270 years of a daily meeting, 11 years of an hourly one.
const MAX_SKIPPED: u32 = 100_000;

/// One `VEVENT`, as read.
#[derive(Clone, Debug)]
struct Event {
    line: u64,
    uid: String,
    sequence: u32,
    summary: String,
    description: Option<String>,
    location: Option<String>,
    start: Start,
    end: Option<Start>,
    rrule: Option<String>,
    /// Line where the `RRULE` property starts.
    rrule_line: u64,
    exdates: Vec<DateTime<Utc>>,
    recurrence_id: Option<DateTime<Utc>>,
    organizer: Option<String>,
    attendees: Vec<(String, Option<String>)>,
    cancelled: bool,
}

/// A start or end time.
#[derive(Clone, Copy, Debug)]
enum Start {
    /// An all-day event's date.
    Date(NaiveDate),
    /// A moment.
    Time {
        at: DateTime<Utc>,
        /// The zone it was written in, for showing the time and expanding rules: its `TZID`,
        /// UTC for a time ending in `Z`, or the reading zone for a floating time.
        zone: Tz,
        /// Whether a known `TZID` named `zone`.
        from_tzid: bool,
    },
}

impl Start {
    fn utc(self, zone: Tz) -> DateTime<Utc> {
        match self {
            Start::Date(date) => local_to_utc(date.and_hms_opt(0, 0, 0).unwrap_or_default(), zone),
            Start::Time { at, .. } => at,
        }
    }

    /// Returns the zone the user's calendar shows this time in (see [`Zones::for_dates`]).
    fn calendar_zone(self, zones: Zones) -> Tz {
        match self {
            Start::Date(_) => zones.reading,
            Start::Time {
                zone, from_tzid, ..
            } => zones.for_dates(from_tzid.then_some(zone)),
        }
    }
}

/// The zones times are read in and meetings are dated in.
#[derive(Clone, Copy, Debug)]
struct Zones {
    /// The zone of floating times and unknown `TZID`s: the configured zone, else the machine's.
    reading: Tz,
    /// The zone `[import.ics] timezone` or the vault's `timezone` sets.
    configured: Option<Tz>,
}

impl Zones {
    fn of(config: &SourceConfig) -> Zones {
        let configured = config.configured_timezone;
        Zones {
            reading: configured
                .or_else(machine_timezone)
                .unwrap_or(chrono_tz::UTC),
            configured,
        }
    }

    /// Returns the zone whose calendar date names a meeting, which is the date the user sees
    /// in their own calendar: the configured zone, else the event's `TZID`, else the machine's
    /// zone for a UTC or floating time.
    fn for_dates(self, tzid: Option<Tz>) -> Tz {
        self.configured.or(tzid).unwrap_or(self.reading)
    }
}

/// One meeting to write: an event instance.
struct Instance<'e> {
    event: &'e Event,
    start: Start,
    /// The zone the user's calendar shows the meeting in, which its note's time is given in.
    zone: Tz,
    /// The day the meeting falls on in that zone, which names its note.
    date: NaiveDate,
    /// The original start of a recurring instance, which keys its stub.
    recurrence: Option<DateTime<Utc>>,
}

pub(super) fn read(
    files: &[PathBuf],
    ctx: &mut Context<'_>,
    parsed: &mut Parsed,
) -> Result<(), ImportError> {
    let zones = Zones::of(&ctx.config);
    let mut events = Vec::new();
    let mut names = Vec::new();
    // One list per file, in the order of the files, for the messages of reading and expanding.
    let mut messages_by_file: Vec<Messages> = Vec::new();
    for (index, path) in files.iter().enumerate() {
        let file = crate::import::display_name(path);
        let mut messages = Messages::new(&file);
        let (read, rejected) = parse::read_file(path, zones.reading, &mut messages)?;
        parsed.rows_read += rejected;
        parsed.rows_rejected += rejected;
        events.extend(read.into_iter().map(|e| (index, e)));
        messages_by_file.push(messages);
        names.push(file);
    }
    parsed.rows_read += events.len() as u64;
    let people = load_people(ctx);
    let mut existing = load_stubs(ctx);
    let mut taken: HashSet<String> = HashSet::new();
    let first_day = ctx.today - Duration::days(ctx.config.past_days);
    let last_day = ctx.today + Duration::days(ctx.config.future_days);
    // Recurrences are expanded with two days to spare on each side, because a meeting's date
    // can be in a zone up to 26 hours from the reading zone. The dates are checked below.
    let midnight =
        |day: NaiveDate| local_to_utc(day.and_hms_opt(0, 0, 0).unwrap_or_default(), zones.reading);
    let from = midnight(first_day - Duration::days(2));
    let to = midnight(last_day + Duration::days(3));
    let overrides: HashSet<(String, DateTime<Utc>)> = events
        .iter()
        .filter_map(|(_, e)| Some((e.uid.clone(), e.recurrence_id?)))
        .collect();
    for (index, event) in &events {
        let file = &names[*index];
        let messages = &mut messages_by_file[*index];
        if event.cancelled {
            let instance = event
                .recurrence_id
                .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string());
            if let Some(stub) = existing.get(&(event.uid.clone(), instance.unwrap_or_default())) {
                messages.warning(
                    "meeting-cancelled",
                    event.line,
                    None,
                    format!(
                        "event {} is cancelled, and its note `{}` stays; delete or mark it if the \
                         meeting will not happen",
                        event.uid, stub.path
                    ),
                );
            }
            continue;
        }
        for instance in instances(event, &overrides, from, to, zones, messages) {
            if instance.date < first_day || instance.date > last_day {
                continue;
            }
            write_stub(
                &instance,
                (file, messages),
                ctx,
                &people,
                &mut existing,
                &mut taken,
                parsed,
            );
        }
    }
    for messages in messages_by_file {
        parsed.messages.extend(messages.finish());
    }
    Ok(())
}

/// Returns the instances of `set` from `first` to `last`. A rule that repeats more than once a day, that
/// would be stepped through [`MAX_SKIPPED`] times before `first`, or that gives no date at all
/// gives none, with a warning in `messages`.
fn window_dates(
    set: &rrule::RRuleSet,
    (first, last): (DateTime<rrule::Tz>, DateTime<rrule::Tz>),
    event: &Event,
    messages: &mut Messages,
) -> Vec<DateTime<rrule::Tz>> {
    let rule_text = event.rrule.as_deref().unwrap_or_default();
    let dtstart = set.get_dt_start();
    let mut warn = |kind: &'static str, message: String| {
        messages.push_in_line_order(
            kind,
            Level::Warning,
            event.rrule_line,
            Some("RRULE"),
            message,
        );
    };
    let mut dates = Vec::new();
    let mut skipped = 0;
    let mut any = false;
    for time in set {
        any = true;
        if time > last || dates.len() == MAX_INSTANCES {
            break;
        }
        if time >= first {
            // Meetings with a customer repeat daily at most. A rule that gives two instances a
            // day (hourly, or several BYHOUR values) would fill the meetings folder.
            if dates.last().is_some_and(|previous: &DateTime<rrule::Tz>| {
                previous.date_naive() == time.date_naive()
            }) {
                warn(
                    "rrule-too-frequent",
                    format!(
                        "RRULE `{rule_text}` repeats more than once a day ({} and {}), which no \
                         meeting series does; its instances are left out",
                        dates
                            .last()
                            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                            .unwrap_or_default(),
                        time.format("%H:%M")
                    ),
                );
                return Vec::new();
            }
            dates.push(time);
            continue;
        }
        skipped += 1;
        if skipped == MAX_SKIPPED {
            warn(
                "rrule-too-frequent",
                format!(
                    "RRULE `{rule_text}` repeats more than {MAX_SKIPPED} times between its start \
                     ({}) and the import window; its instances are left out",
                    dtstart.format("%Y-%m-%d")
                ),
            );
            break;
        }
    }
    if !any {
        warn(
            "invalid-rrule",
            format!(
                "RRULE `{rule_text}` gives no date at all (an INTERVAL of 0, or parts no date has); the event is left out"
            ),
        );
    }
    dates
}

/// The instances of an event inside `[from, to)`: the event itself, or its recurrences minus
/// exclusions and minus instances replaced by overrides.
fn instances<'e>(
    event: &'e Event,
    overrides: &HashSet<(String, DateTime<Utc>)>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    zones: Zones,
    messages: &mut Messages,
) -> Vec<Instance<'e>> {
    if event.recurrence_id.is_some() || event.rrule.is_none() {
        return vec![Instance::new(
            event,
            event.start,
            event.recurrence_id,
            zones,
        )];
    }
    let rule_text = event.rrule.as_deref().unwrap_or_default();
    let zone = zones.reading;
    let (start_utc, written_zone) = match event.start {
        Start::Date(date) => (
            local_to_utc(date.and_hms_opt(0, 0, 0).unwrap_or_default(), zone),
            zone,
        ),
        Start::Time { at, zone, .. } => (at, zone),
    };
    let rrule_zone: rrule::Tz = written_zone.into();
    let dtstart = start_utc.with_timezone(&rrule_zone);
    let set = match rule_text
        .parse::<rrule::RRule<rrule::Unvalidated>>()
        .and_then(|r| r.build(dtstart))
    {
        Ok(set) => set,
        Err(err) => {
            messages.push_in_line_order(
                "invalid-rrule",
                Level::Error,
                event.rrule_line,
                Some("RRULE"),
                format!(
                    "invalid RRULE `{rule_text}`: {}; only the first instance is used",
                    err.to_string().trim_end_matches('.')
                ),
            );
            return vec![Instance::new(event, event.start, None, zones)];
        }
    };
    let set = event
        .exdates
        .iter()
        .fold(set, |set, ex| set.exdate(ex.with_timezone(&rrule_zone)));
    let first = (from - Duration::days(1)).with_timezone(&rrule_zone);
    let last = to.with_timezone(&rrule_zone);
    let dates = window_dates(&set, (first, last), event, messages);
    dates
        .into_iter()
        .map(|time| time.with_timezone(&Utc))
        .filter(|time| !overrides.contains(&(event.uid.clone(), *time)))
        .map(|time| {
            let start = match event.start {
                Start::Date(_) => Start::Date(time.with_timezone(&zone).date_naive()),
                Start::Time {
                    zone, from_tzid, ..
                } => Start::Time {
                    at: time,
                    zone,
                    from_tzid,
                },
            };
            Instance::new(event, start, Some(time), zones)
        })
        .collect()
}

impl<'e> Instance<'e> {
    fn new(
        event: &'e Event,
        start: Start,
        recurrence: Option<DateTime<Utc>>,
        zones: Zones,
    ) -> Instance<'e> {
        let zone = start.calendar_zone(zones);
        let date = match start {
            Start::Date(date) => date,
            Start::Time { at, .. } => at.with_timezone(&zone).date_naive(),
        };
        Instance {
            event,
            start,
            zone,
            date,
            recurrence,
        }
    }
}

/// Person notes by email address: notes under a relationships folder with `email:` in their
/// frontmatter, named by their file name.
fn load_people(ctx: &Context<'_>) -> HashMap<String, String> {
    let mut people = HashMap::new();
    let folder = format!("/{}/", ctx.vault.relationships_folder);
    for entry in ignore::WalkBuilder::new(ctx.root)
        .hidden(true)
        .build()
        .flatten()
    {
        let path = entry.path();
        let Some(rel) = path
            .strip_prefix(ctx.root)
            .ok()
            .map(|p| format!("/{}", p.to_string_lossy().replace('\\', "/")))
        else {
            continue;
        };
        if !rel.contains(&folder) || !crate::import::archive::has_extension(&rel, &["md"]) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let summary = crate::syntax::parse(&text);
        let email = summary
            .fields
            .iter()
            .find(|f| {
                f.source == crate::syntax::FieldSource::Frontmatter
                    && f.key.eq_ignore_ascii_case("email")
            })
            .map(|f| f.value.trim().to_lowercase());
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        if let (Some(email), Some(stem)) = (email, stem) {
            people.entry(email).or_insert(stem);
        }
    }
    people
}

/// A stub already in the meetings folder.
struct Stub {
    path: String,
    sequence: u32,
    /// The `date` in its frontmatter.
    date: Option<NaiveDate>,
}

/// Existing notes in the meetings folder with an `ics_uid`, by UID and instance start.
fn load_stubs(ctx: &Context<'_>) -> HashMap<(String, String), Stub> {
    let mut stubs = HashMap::new();
    let folder = ctx.root.join(&ctx.vault.meetings_folder);
    for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !crate::import::archive::has_extension(&name, &["md"]) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let summary = crate::syntax::parse(&text);
        let field = |key: &str| {
            summary
                .fields
                .iter()
                .find(|f| f.source == crate::syntax::FieldSource::Frontmatter && f.key == key)
                .map(|f| f.value.trim().trim_matches('"').to_string())
        };
        if let Some(uid) = field("ics_uid") {
            let instance = field("ics_recurrence_id").unwrap_or_default();
            stubs.insert(
                (uid, instance),
                Stub {
                    path: format!("{}/{name}", ctx.vault.meetings_folder),
                    sequence: field("ics_sequence")
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0),
                    date: field("date").and_then(|d| d.parse().ok()),
                },
            );
        }
    }
    stubs
}

/// The meeting kind from its title.
fn kind_of(summary: &str) -> &'static str {
    let lower = summary.to_lowercase();
    let table: [(&[&str], &str); 7] = [
        (
            &["qbr", "quarterly business review", "business review"],
            "QBR",
        ),
        (&["kickoff", "kick-off", "kick off"], "Kickoff"),
        (&["onboarding"], "Onboarding"),
        (&["renewal"], "Renewal Planning"),
        (&["escalation", "incident review"], "Escalation"),
        (&["exec", "executive"], "Exec Sync"),
        (
            &[
                "check-in", "check in", "checkin", "sync", "catch-up", "catch up",
            ],
            "Check-in",
        ),
    ];
    table
        .iter()
        .find(|(words, _)| words.iter().any(|w| lower.contains(w)))
        .map_or("Meeting", |(_, kind)| kind)
}

/// The account of a meeting: the account most customer attendees' domains match. A meeting
/// with only internal attendees has none; one whose customers match no account is listed as
/// unmatched.
fn meeting_account(
    event: &Event,
    (file, messages): (&str, &mut Messages),
    ctx: &Context<'_>,
    parsed: &mut Parsed,
) -> Option<usize> {
    let internal: Vec<String> = if ctx.config.internal_domains.is_empty() {
        event
            .organizer
            .iter()
            .filter_map(|o| normalize_domain(o))
            .collect()
    } else {
        ctx.config.internal_domains.clone()
    };
    let customers: Vec<&(String, Option<String>)> = event
        .attendees
        .iter()
        .filter(|(email, _)| {
            normalize_domain(email).is_some_and(|d| {
                !internal
                    .iter()
                    .any(|i| d == *i || d.ends_with(&format!(".{i}")))
            })
        })
        .collect();
    if customers.is_empty() {
        return None;
    }
    if customers
        .iter()
        .all(|(email, _)| ctx.matcher.domain_of(email).is_none())
    {
        // Webmail and ignored domains name no account, so there is nothing to look up.
        let domains: Vec<String> = customers
            .iter()
            .filter_map(|(email, _)| normalize_domain(email))
            .collect();
        messages.push(
            "webmail-attendees",
            Level::Note,
            Some(event.line),
            Some("ATTENDEE"),
            format!(
                "the other attendees write from webmail or ignored domains ({}), so the \
                 meeting's account is unknown and no stub is made",
                domains.join(", ")
            ),
        );
        return None;
    }
    let mut votes: HashMap<usize, usize> = HashMap::new();
    for (email, _) in &customers {
        if let Some(account) = ctx.matcher.find_domain(email) {
            *votes.entry(account).or_default() += 1;
        }
    }
    if votes.len() > 1 {
        let mut names: Vec<&str> = (votes.keys())
            .map(|&a| ctx.matcher.accounts[a].name.as_str())
            .collect();
        names.sort_unstable();
        messages.push(
            "several-accounts",
            Level::Note,
            Some(event.line),
            Some("ATTENDEE"),
            format!(
                "attendees come from {} accounts ({}); the stub is for the one with the most \
                 attendees",
                names.len(),
                names.join(", ")
            ),
        );
    }
    let Some(account) = votes
        .into_iter()
        .max_by_key(|(account, count)| (*count, usize::MAX - account))
        .map(|(a, _)| a)
    else {
        let domain = customers
            .first()
            .and_then(|(email, _)| ctx.matcher.domain_of(email))
            .unwrap_or_default();
        let key = (file.to_string(), domain.clone());
        if !parsed
            .unmatched
            .iter()
            .any(|u| (u.file.as_str(), u.account.as_str()) == (key.0.as_str(), key.1.as_str()))
        {
            parsed.unmatched.push(Unmatched {
                file: file.to_string(),
                line: event.line,
                account: domain,
            });
        }
        return None;
    };
    Some(account)
}

/// Builds the frontmatter update of `stub` for a newer `SEQUENCE` of its event, which now starts on
/// `date`. A moved meeting is named in `messages`, since the stub's name and body keep the old
/// date.
fn update_stub(
    stub: &Stub,
    event: &Event,
    date: NaiveDate,
    attendees_yaml: String,
    messages: &mut Messages,
) -> NoteWrite {
    if let Some(old) = stub.date.filter(|old| *old != date) {
        messages.warning(
            "meeting-moved",
            event.line,
            None,
            format!(
                "event {} moved from {old} to {date}; the note `{}` gets the new date, and its \
                 name and any preparation item keep the old one",
                event.uid, stub.path
            ),
        );
    }
    NoteWrite {
        path: stub.path.clone(),
        text: String::new(),
        updates: vec![
            ("date", Value::Date(date), Policy::Owned),
            ("attendees", Value::Raw(attendees_yaml), Policy::Owned),
            (
                "ics_sequence",
                Value::Number(f64::from(event.sequence)),
                Policy::Owned,
            ),
        ],
        exists: true,
        detail: format!(
            "event {} changed (SEQUENCE {} -> {})",
            event.uid, stub.sequence, event.sequence
        ),
    }
}

fn write_stub(
    instance: &Instance<'_>,
    (file, messages): (&str, &mut Messages),
    ctx: &mut Context<'_>,
    people: &HashMap<String, String>,
    existing: &mut HashMap<(String, String), Stub>,
    taken: &mut HashSet<String>,
    parsed: &mut Parsed,
) {
    let event = instance.event;
    let Some(account) = meeting_account(event, (file, messages), ctx, parsed) else {
        return;
    };
    let account_name = ctx.matcher.accounts[account].name.clone();
    let date = instance.date;
    let kind = kind_of(&event.summary);
    let recurrence = instance
        .recurrence
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default();
    let attendees: Vec<String> = event
        .attendees
        .iter()
        .map(|(email, name)| match people.get(email) {
            Some(person) => format!("[[{person}]]"),
            None => match name {
                Some(name) => format!("{name} <{email}>"),
                None => email.clone(),
            },
        })
        .collect();
    let attendees_yaml = format!(
        "[{}]",
        attendees
            .iter()
            .map(|a| yaml::double_quoted(&join_lines(a)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(stub) = existing.get(&(event.uid.clone(), recurrence.clone())) {
        if event.sequence > stub.sequence {
            parsed
                .notes
                .push(update_stub(stub, event, date, attendees_yaml, messages));
        }
        return;
    }
    let base = format!("{date} - {kind}: {account_name}");
    let folder = &ctx.vault.meetings_folder;
    if let Some(base_path) = note_by_hand(ctx, &base, existing, taken) {
        messages.push(
            "meeting-exists",
            Level::Note,
            Some(event.line),
            None,
            format!(
                "`{base_path}` exists already, so it stays this meeting's note and no stub is made"
            ),
        );
        return;
    }
    let mut stem = base.clone();
    let mut counter = 1;
    while taken.contains(&stem) || ctx.root.join(folder).join(format!("{stem}.md")).exists() {
        counter += 1;
        stem = format!("{base} ({counter})");
    }
    taken.insert(stem.clone());
    let path = format!("{folder}/{stem}.md");
    existing.insert(
        (event.uid.clone(), recurrence.clone()),
        Stub {
            path: path.clone(),
            sequence: event.sequence,
            date: Some(date),
        },
    );
    let text = stub_text(
        instance,
        &stem,
        &account_name,
        &attendees_yaml,
        &recurrence,
        kind,
        ctx,
    );
    parsed.notes.push(NoteWrite {
        path,
        text,
        updates: Vec::new(),
        exists: false,
        detail: format!("meeting stub for {} ({})", event.summary, event.uid),
    });
}

/// Returns the path of the note named `base` in the meetings folder when it exists and no
/// import wrote it: the CSM's own note of this meeting.
fn note_by_hand(
    ctx: &Context<'_>,
    base: &str,
    existing: &HashMap<(String, String), Stub>,
    taken: &HashSet<String>,
) -> Option<String> {
    let folder = &ctx.vault.meetings_folder;
    let path = format!("{folder}/{base}.md");
    let by_hand = !taken.contains(base)
        && ctx.root.join(folder).join(format!("{base}.md")).exists()
        && !existing.values().any(|stub| stub.path == path);
    by_hand.then_some(path)
}

fn stub_text(
    instance: &Instance<'_>,
    stem: &str,
    account: &str,
    attendees_yaml: &str,
    recurrence: &str,
    kind: &str,
    ctx: &Context<'_>,
) -> String {
    let event = instance.event;
    let date = instance.date;
    let mut text = format!(
        "---\ndate: {date}\naccount: \"[[{account}]]\"\nattendees: {attendees_yaml}\nics_uid: {}\nics_sequence: {}\n",
        yaml::double_quoted(&event.uid),
        event.sequence
    );
    if !recurrence.is_empty() {
        let _ = writeln!(text, "ics_recurrence_id: {recurrence}");
    }
    let _ = write!(text, "---\n# {stem}\n\n");
    let when = match instance.start {
        Start::Date(_) => "all day".to_string(),
        Start::Time { at, .. } => {
            let zone = instance.zone;
            let local = at.with_timezone(&zone);
            let end = event.end.and_then(|end| match (end, event.start) {
                (Start::Time { at: end, .. }, Start::Time { at: start, .. }) => {
                    Some(local + (end - start))
                }
                _ => None,
            });
            match end {
                Some(end) => format!(
                    "{}–{} ({})",
                    local.format("%H:%M"),
                    end.format("%H:%M"),
                    zone.name()
                ),
                None => format!("{} ({})", local.format("%H:%M"), zone.name()),
            }
        }
    };
    // The event's text comes from the sender of the invitation, so each line is escaped and
    // cannot start a heading, list or task of the stub.
    let mut line = format!("{}, {when}", event.summary);
    if let Some(location) = &event.location {
        let _ = write!(line, ", {location}");
    }
    let _ = write!(text, "{}.\n\n", escape_line(&line));
    if let Some(description) = &event.description {
        for line in description.lines() {
            let quoted = format!("> {}", escape_line(line));
            let _ = writeln!(text, "{}", quoted.trim_end());
        }
        text.push('\n');
    }
    text.push_str("## Agenda\n\n## Notes\n\n## Action Items\n");
    if kind == "QBR" && date >= ctx.today {
        let due = (date - Duration::days(ctx.config.qbr_prep_days)).max(ctx.today);
        let _ = writeln!(text, "- [ ] Prepare QBR for [[{account}]] 📅 {due}");
    }
    text
}
