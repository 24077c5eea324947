//! Cell values as export tools write them: money in any locale (`$1,200.50`, `1.200,50 €`,
//! `45k`), counts, percentages, booleans, and dates and times in each source's convention.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::block::Cell;
use super::report::excerpt;

/// How to read a date written with slashes, such as `03/04/2026`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DateOrder {
    /// Month first (`03/04/2026` is 4 March), as US-locale exports write it.
    #[default]
    MonthFirst,
    /// Day first (`03/04/2026` is 3 April).
    DayFirst,
}

impl DateOrder {
    /// Returns the `date_order` setting that selects this order.
    pub fn setting(self) -> &'static str {
        match self {
            DateOrder::MonthFirst => "mdy",
            DateOrder::DayFirst => "dmy",
        }
    }

    fn other(self) -> DateOrder {
        match self {
            DateOrder::MonthFirst => DateOrder::DayFirst,
            DateOrder::DayFirst => DateOrder::MonthFirst,
        }
    }
}

/// The value that a date cell is expected to contain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateKind {
    /// A date, with any time after it ignored.
    Date,
    /// A date and time, or a date alone for midnight.
    DateTime,
}

/// A cell that could not be read as a date or a date and time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    /// The cell is empty.
    Empty(DateKind),
    /// The text is not a date in an accepted form.
    Invalid {
        text: String,
        kind: DateKind,
        /// The order the text was read in.
        order: DateOrder,
        /// The date that the other `date_order` reads from the text, if it reads one.
        other_order_date: Option<NaiveDate>,
    },
}

impl DateError {
    fn invalid(text: &str, kind: DateKind, order: DateOrder) -> DateError {
        let trimmed = text.trim();
        let other_order_date = match kind {
            DateKind::Date => {
                let date_text = trimmed.split([' ', 'T']).next().unwrap_or_default();
                parse_date_only(date_text, order.other())
            }
            DateKind::DateTime => {
                let local = (trimmed.strip_suffix('Z'))
                    .or_else(|| trimmed.strip_suffix(" UTC"))
                    .unwrap_or(trimmed);
                parse_naive_datetime(local, order.other()).map(|time| time.date())
            }
        };
        DateError::Invalid {
            text: text.to_string(),
            kind,
            order,
            other_order_date,
        }
    }

    /// Formats the error for a message about an export of `source`, the `[import.SOURCE]`
    /// table that a `date_order` hint names.
    pub fn message(&self, source: &str) -> String {
        let (text, kind, order, other_order_date) = match self {
            DateError::Empty(DateKind::Date) => return "missing date: the cell is empty".into(),
            DateError::Empty(DateKind::DateTime) => {
                return "missing date and time: the cell is empty".into();
            }
            DateError::Invalid {
                text,
                kind,
                order,
                other_order_date,
            } => (text, *kind, *order, *other_order_date),
        };
        let slashed = match order {
            DateOrder::MonthFirst => "03/14/2026",
            DateOrder::DayFirst => "14/03/2026",
        };
        let text = excerpt(text);
        let mut message = match kind {
            DateKind::Date => format!(
                "invalid date `{text}`; expected a date such as 2026-03-14, 2026/03/14, {slashed} \
                 or 14.03.2026"
            ),
            DateKind::DateTime => format!(
                "invalid date and time `{text}`; expected a date such as 2026-03-14, {slashed} or \
                 14.03.2026, optionally with a time such as 10:30, 10:30:15 or 10:30 PM and then \
                 Z, UTC or (after a YYYY-MM-DD date) an offset such as -05:00"
            ),
        };
        if let Some(date) = other_order_date {
            let setting = order.other().setting();
            let _ = write!(
                message,
                "; with date_order = \"{setting}\" under [import.{source}] in .dex.toml it reads \
                 as {date}"
            );
        }
        message
    }
}

/// Parses an amount of money: currency signs and codes, thousands separators in either locale,
/// `k`/`M` suffixes and accounting negatives in parentheses.
pub fn parse_money(text: &str) -> Result<f64, String> {
    let value = text.trim();
    match parse_plain_amount(value) {
        Some(amount) => Ok(amount),
        None => parse_any_money(text, value),
    }
}

/// Reads the amounts most exports write, `1200`, `1,200.50` or `$45,000`, as [`parse_money`]
/// does but without copying the text; returns `None` for any other form. The value is whole
/// cents over 100, which rounds as parsing the decimal text does, since both round the same
/// exact value once.
fn parse_plain_amount(text: &str) -> Option<f64> {
    let bytes = text.strip_prefix('$').unwrap_or(text).as_bytes();
    let (whole, cents) = match bytes.iter().position(|&b| b == b'.') {
        Some(dot) => (&bytes[..dot], Some(&bytes[dot + 1..])),
        None => (bytes, None),
    };

    // Thirteen digits keep the cents below 2^53, where every whole number is exact.
    let mut digits = 0;
    let mut value: u64 = 0;
    let mut groups = whole.split(|&b| b == b',');
    let first = groups.next()?;
    let has_commas = whole.contains(&b',');
    if first.is_empty() || (has_commas && first.len() > 3) {
        return None;
    }
    for (i, group) in std::iter::once(first).chain(groups).enumerate() {
        if i > 0 && group.len() != 3 {
            return None;
        }
        for &b in group {
            if !b.is_ascii_digit() || digits == 13 {
                return None;
            }
            value = value * 10 + u64::from(b - b'0');
            digits += 1;
        }
    }

    #[allow(clippy::cast_precision_loss, reason = "below 2^53, checked above")]
    match cents {
        None => Some(value as f64),
        // A dot before three digits can separate thousands (`1.200`), which the general parser
        // decides.
        Some(fraction) if fraction.is_empty() || fraction.len() > 2 => None,
        Some(fraction) => {
            let mut hundredths = value;
            for &b in fraction {
                if !b.is_ascii_digit() {
                    return None;
                }
                hundredths = hundredths * 10 + u64::from(b - b'0');
            }
            if fraction.len() == 1 {
                hundredths *= 10;
            }
            Some(hundredths as f64 / 100.0)
        }
    }
}

/// Parses an amount in any of the forms [`parse_money`] takes; `value` is `text` trimmed.
fn parse_any_money(text: &str, value: &str) -> Result<f64, String> {
    let invalid = || {
        format!(
            "invalid amount `{}`; expected a number such as 1200.50, $1,200.50 or 45k",
            excerpt(text)
        )
    };
    let mut value = value;
    // Plain digits parse the same way without the copies below.
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse().map_err(|_| invalid());
    }
    let mut negative = false;
    if let Some(inner) = value.strip_prefix('(').and_then(|v| v.strip_suffix(')')) {
        negative = true;
        value = inner.trim();
    }
    let cleaned: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '$' | '€' | '£' | '¥' | '\''))
        .collect();
    let mut cleaned = cleaned.as_str();
    for code in [
        "USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY", "SEK", "NOK", "DKK",
    ] {
        if let Some(rest) = cleaned
            .strip_prefix(code)
            .or_else(|| cleaned.strip_suffix(code))
        {
            cleaned = rest;
        }
    }
    if let Some(rest) = cleaned.strip_prefix('-') {
        negative = !negative;
        cleaned = rest;
    }
    let (number, multiplier) = match cleaned.char_indices().last() {
        Some((i, 'k' | 'K')) => (&cleaned[..i], 1_000.0),
        Some((i, 'm' | 'M')) => (&cleaned[..i], 1_000_000.0),
        Some((i, 'b' | 'B')) => (&cleaned[..i], 1_000_000_000.0),
        _ => (cleaned, 1.0),
    };
    if number.is_empty()
        || !number
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return Err(invalid());
    }
    let normalized = normalize_separators(number).ok_or_else(invalid)?;
    let parsed: f64 = normalized.parse().map_err(|_| invalid())?;
    let amount = parsed * multiplier;
    Ok(if negative { -amount } else { amount })
}

/// Rewrites a number with `,` and `.` separators into Rust's syntax. The last separator is the
/// decimal one when both appear; a lone separator followed by exactly three digits is a
/// thousands separator (`1,200` and `1.200` are both 1200).
fn normalize_separators(number: &str) -> Option<String> {
    let last_comma = number.rfind(',');
    let last_dot = number.rfind('.');
    let decimal = match (last_comma, last_dot) {
        (Some(c), Some(d)) => Some(c.max(d)),
        (Some(i), None) | (None, Some(i)) => {
            let separator = number.as_bytes()[i];
            let repeated = number.bytes().filter(|b| *b == separator).count() > 1;
            let digits_after = number.len() - i - 1;
            (!repeated && digits_after != 3).then_some(i)
        }
        (None, None) => None,
    };
    let mut out = String::with_capacity(number.len());
    for (i, c) in number.char_indices() {
        match c {
            ',' | '.' if Some(i) == decimal => out.push('.'),
            ',' | '.' => {}
            _ => out.push(c),
        }
    }
    (!out.is_empty() && out != ".").then_some(out)
}

/// Parses a count such as `1,200` or `45`; a fraction is rejected.
pub fn parse_count(text: &str) -> Result<u64, String> {
    if let Some(count) = parse_u64(text.trim()) {
        return Ok(count);
    }
    let value = parse_money(text).map_err(|_| format!("invalid number `{}`", excerpt(text)))?;
    if value < 0.0 || value.fract() != 0.0 || value > 9.0e15 {
        return Err(format!(
            "invalid count `{}`; expected a whole number of 0 or more",
            excerpt(text)
        ));
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked above: a whole number between 0 and 9e15"
    )]
    Ok(value as u64)
}

/// Parses a whole number as `text.parse::<u64>().ok()` does. Texts of 1 to 19 ASCII digits, as
/// ids and counts are written, are read without the general parser.
pub fn parse_u64(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if (1..=19).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_digit) {
        // 19 digits are less than `u64::MAX`, so this cannot overflow.
        return Some(
            bytes
                .iter()
                .fold(0, |value, digit| value * 10 + u64::from(digit - b'0')),
        );
    }
    text.parse().ok()
}

/// Parses a plain decimal number such as `7`, `-12.5` or `7,5`.
pub fn parse_number(text: &str) -> Result<f64, String> {
    let trimmed = text.trim().trim_end_matches('%').trim();
    parse_money(trimmed).map_err(|_| format!("invalid number `{}`", excerpt(text)))
}

/// Parses a boolean as Salesforce Data Loader writes them (`true/false`, `yes/no`, `y/n`,
/// `on/off`, `1/0`), case-insensitively.
pub fn parse_bool(text: &str) -> Result<bool, String> {
    let word = text.trim();
    let is_any = |words: &[&str]| words.iter().any(|w| word.eq_ignore_ascii_case(w));
    if is_any(&["true", "yes", "y", "on", "1"]) {
        Ok(true)
    } else if is_any(&["false", "no", "n", "off", "0"]) {
        Ok(false)
    } else {
        Err(format!(
            "invalid boolean `{}`; expected true or false",
            excerpt(text)
        ))
    }
}

/// Parses a date, or the date part of a date-time, in the forms export tools write:
/// `2026-03-14`, `2026/03/14`, `03/14/2026` (see [`DateOrder`]), `14.03.2026`, with any time
/// after a space or `T` ignored.
pub fn parse_date(text: &str, order: DateOrder) -> Result<NaiveDate, DateError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(DateError::Empty(DateKind::Date));
    }
    let date_part = trimmed
        .split(|c: char| c == 'T' || c.is_whitespace())
        .next()
        .unwrap_or(trimmed);
    parse_date_only(date_part, order).ok_or_else(|| DateError::invalid(text, DateKind::Date, order))
}

fn parse_date_only(text: &str, order: DateOrder) -> Option<NaiveDate> {
    let mut parts = text.split(['-', '/', '.']);
    let (Some(a), Some(b), Some(c), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let number = |s: &str| s.parse::<u32>().ok();
    let (year, month, day) = if a.len() == 4 {
        (number(a)?, number(b)?, number(c)?)
    } else if c.len() == 4 || c.len() == 2 {
        let year = number(c)? + if c.len() == 2 { 2000 } else { 0 };
        if text.contains('.') || order == DateOrder::DayFirst {
            (year, number(b)?, number(a)?)
        } else {
            (year, number(a)?, number(b)?)
        }
    } else {
        return None;
    };
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// Parses a date-time. A value with an offset (`+0000`, `-05:00`, `Z`) is exact; one without is
/// read in `zone`. A bare date is midnight in `zone`.
pub fn parse_datetime(text: &str, zone: Tz, order: DateOrder) -> Result<DateTime<Utc>, DateError> {
    let trimmed = text.trim();
    if let Some(local) = parse_iso_local(trimmed) {
        return Ok(local_to_utc(local, zone));
    }
    if trimmed.is_empty() {
        return Err(DateError::Empty(DateKind::DateTime));
    }
    let invalid = || DateError::invalid(text, DateKind::DateTime, order);
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%.f%#z",
        "%Y-%m-%dT%H:%M%#z",
        "%Y-%m-%d %H:%M%#z",
    ] {
        if let Ok(value) = DateTime::parse_from_str(trimmed, format) {
            return Ok(value.with_timezone(&Utc));
        }
    }
    if let Some(rest) = trimmed
        .strip_suffix('Z')
        .or_else(|| trimmed.strip_suffix(" UTC"))
    {
        let local = parse_naive_datetime(rest, order).ok_or_else(invalid)?;
        return Ok(Utc.from_utc_datetime(&local));
    }
    let local = parse_naive_datetime(trimmed, order).ok_or_else(invalid)?;
    Ok(local_to_utc(local, zone))
}

/// Parses the date of a date-time in `zone`. A value without an offset is already a wall-clock
/// time there, so its written date is taken as it is; one with an offset is converted.
pub fn parse_local_date(text: &str, zone: Tz, order: DateOrder) -> Result<NaiveDate, DateError> {
    if let Some(local) = parse_iso_local(text.trim()) {
        return Ok(local.date());
    }
    parse_datetime(text, zone, order).map(|time| time.with_timezone(&zone).date_naive())
}

/// Parses the date of a date-time in `zone` as [`parse_local_date`] does, and returns it as days
/// from the common era (0001-01-01 is day 1, as `Datelike::num_days_from_ce` counts). The form
/// Zendesk writes, `YYYY-MM-DD HH:MM:SS`, is read without building chrono values.
pub fn parse_local_day(text: &str, zone: Tz, order: DateOrder) -> Result<i32, DateError> {
    if let Some(day) = iso_local_day(text.as_bytes()) {
        return Ok(day);
    }
    parse_local_date(text, zone, order).map(|date| date.num_days_from_ce())
}

/// Returns the day of `YYYY-MM-DD HH:MM:SS` (or with `T`) as days from the common era, or `None`
/// unless `text` is exactly that with a valid date and time. Every text it accepts,
/// [`parse_iso_local`] accepts with the same date, so falling back to that for the rest is exact.
fn iso_local_day(text: &[u8]) -> Option<i32> {
    let bytes: &[u8; 19] = text.try_into().ok()?;
    let separators = bytes[4] == b'-'
        && bytes[7] == b'-'
        && matches!(bytes[10], b' ' | b'T')
        && bytes[13] == b':'
        && bytes[16] == b':';
    // The value of each digit. A byte that is not a digit gives 10 or more, so one check of all
    // of them at the end finds it.
    let digit = |at: usize| u32::from(bytes[at].wrapping_sub(b'0'));
    let (y0, y1, y2, y3) = (digit(0), digit(1), digit(2), digit(3));
    let (m0, m1, d0, d1) = (digit(5), digit(6), digit(8), digit(9));
    let (h0, h1, n0, n1, s0, s1) = (
        digit(11),
        digit(12),
        digit(14),
        digit(15),
        digit(17),
        digit(18),
    );
    let date_max = y0.max(y1).max(y2).max(y3).max(m0).max(m1).max(d0).max(d1);
    let all_digits = date_max.max(h0).max(h1).max(n0).max(n1).max(s0).max(s1) <= 9;
    if !separators || !all_digits {
        return None;
    }
    let year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
    let (month, day) = (m0 * 10 + m1, d0 * 10 + d1);
    let time_valid = h0 * 10 + h1 <= 23 && n0 * 10 + n1 <= 59 && s0 * 10 + s1 <= 59;
    if !time_valid || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_ce(year, month, day))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Returns the days from the common era of a valid date of year 0 to 9999: Howard Hinnant's
/// `days_from_civil`, which counts from 1970-01-01, shifted to count from 0001-01-01.
fn days_from_ce(year: u32, month: u32, day: u32) -> i32 {
    // Years start in March here, so that the leap day ends a year. They are counted from year
    // -400, so that every value stays positive and divides without sign corrections.
    let march_year = year + 400 - u32::from(month <= 2);
    let era = march_year / 400;
    let year_of_era = march_year % 400;
    let month_from_march = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    // Era 1 starts at 0000-03-01, which is day -305 from the common era, and era 0 400 years
    // before.
    let days = (i64::from(era) - 1) * 146_097 + i64::from(day_of_era) - 305;
    // Years up to 9999 fit in an i32.
    i32::try_from(days).unwrap_or(i32::MAX)
}

/// Parses `YYYY-MM-DD HH:MM:SS` (or with `T`, and an optional fraction) without an offset, the
/// form most exports write, without trying other formats; `None` for anything else.
fn parse_iso_local(text: &str) -> Option<NaiveDateTime> {
    let bytes = text.as_bytes();
    if bytes.len() < 19 || bytes[4] != b'-' || bytes[7] != b'-' || !matches!(bytes[10], b' ' | b'T')
    {
        return None;
    }
    if bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    // Byte 19 may fall inside a character when the text is not a date at all.
    let rest = text.get(19..)?;
    let fraction = match rest.strip_prefix('.') {
        Some(digits)
            if !digits.is_empty()
                && digits.len() <= 9
                && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            // Nanoseconds: the digits padded with zeros on the right to nine.
            let value = parse_digits(digits.as_bytes())?;
            value * 10u32.pow(u32::try_from(9 - digits.len()).ok()?)
        }
        None if rest.is_empty() => 0,
        _ => return None,
    };
    let number = |range: std::ops::Range<usize>| parse_digits(&bytes[range]);
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(0..4)?).ok()?,
        number(5..7)?,
        number(8..10)?,
    )?;
    let time =
        NaiveTime::from_hms_nano_opt(number(11..13)?, number(14..16)?, number(17..19)?, fraction)?;
    Some(date.and_time(time))
}

/// Parses a field of at most nine bytes as `str::parse::<u32>` does, without building a `str`:
/// an optional `+`, then one or more ASCII digits.
fn parse_digits(bytes: &[u8]) -> Option<u32> {
    let digits = bytes.strip_prefix(b"+").unwrap_or(bytes);
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    digits.iter().try_fold(0u32, |value, byte| {
        byte.is_ascii_digit()
            .then(|| value * 10 + u32::from(byte - b'0'))
    })
}

/// Reads a wall-clock time in `zone`; in a DST gap the later reading is used, in an overlap the
/// earlier one.
pub fn local_to_utc(local: NaiveDateTime, zone: Tz) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        chrono::LocalResult::Single(value) | chrono::LocalResult::Ambiguous(value, _) => {
            value.with_timezone(&Utc)
        }
        chrono::LocalResult::None => {
            let later = local + chrono::Duration::hours(1);
            zone.from_local_datetime(&later)
                .earliest()
                .map_or_else(|| Utc.from_utc_datetime(&local), |v| v.with_timezone(&Utc))
        }
    }
}

fn parse_naive_datetime(text: &str, order: DateOrder) -> Option<NaiveDateTime> {
    let text = text.trim();
    let (date_text, time_text) = match text.find(['T', ' ']) {
        Some(i) => (&text[..i], text[i + 1..].trim()),
        None => (text, ""),
    };
    let date = parse_date_only(date_text, order)?;
    if time_text.is_empty() {
        return Some(date.and_time(NaiveTime::MIN));
    }
    let upper = time_text.to_ascii_uppercase();
    let time = ["%H:%M:%S%.f", "%H:%M", "%I:%M:%S %p", "%I:%M %p"]
        .iter()
        .find_map(|format| NaiveTime::parse_from_str(&upper, format).ok())?;
    Some(date.and_time(time))
}

/// Formats an amount for frontmatter: whole numbers without a fraction, others with two
/// decimals.
pub fn format_amount(value: f64) -> Cell {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        // Whole numbers print as integers, as `{value:.0}` prints them, without its slower exact
        // float formatting. Negative zero prints as `0`.
        #[allow(
            clippy::cast_possible_truncation,
            reason = "a whole number below 9e15 fits in an i64"
        )]
        let whole = value as i64;
        Cell::from(itoa::Buffer::new().format(whole))
    } else {
        compact_str::format_compact!("{value:.2}")
    }
}

/// Formats an amount for a table or list: `$45,000` or `$1,200.50`.
pub fn format_money(value: f64) -> Cell {
    let cents = (value.abs() * 100.0).round();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "amounts in exports are far below u64::MAX cents"
    )]
    let cents = cents as u64;
    let mut digits = itoa::Buffer::new();
    let whole = digits.format(cents / 100).as_bytes();
    // `-$`, 18 digits, 5 commas and `.00` fit in 32 bytes. The text is written on the stack and
    // copied once, which is faster than pushing each character.
    let mut out = [0u8; 32];
    let mut len = 0;
    let mut put = |byte: u8| {
        out[len] = byte;
        len += 1;
    };
    if value < 0.0 {
        put(b'-');
    }
    put(b'$');
    for (i, &digit) in whole.iter().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            put(b',');
        }
        put(digit);
    }
    let fraction = cents % 100;
    if fraction != 0 {
        put(b'.');
        put(b'0' + u8::try_from(fraction / 10).unwrap_or(0));
        put(b'0' + u8::try_from(fraction % 10).unwrap_or(0));
    }
    Cell::from_utf8(&out[..len]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The fast path for plain amounts gives exactly what the general parser gives.
        #[test]
        fn plain_amount_matches_general_parser(
            text in r"\$?[0-9]{1,4}(,[0-9]{2,4}){0,5}(\.[0-9]{0,4})?|[0-9]{10,22}(\.[0-9]{1,2})?"
        ) {
            let trimmed = text.trim();
            if let Some(fast) = parse_plain_amount(trimmed) {
                proptest::prop_assert_eq!(Ok(fast), parse_any_money(&text, trimmed));
            }
        }
    }

    #[test]
    fn money_in_every_locale() {
        let cases = [
            ("$1,200.50", 1200.5),
            ("1.200,50 €", 1200.5),
            ("45k", 45_000.0),
            ("1.5M", 1_500_000.0),
            ("USD 2,000", 2000.0),
            ("(300)", -300.0),
            ("1 200,5", 1200.5),
            ("240000", 240_000.0),
            ("1,200", 1200.0),
            ("1.200", 1200.0),
            ("7,5", 7.5),
            ("CHF 1'250.00", 1250.0),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_money(text), Ok(expected), "{text}");
        }
        assert!(parse_money("twelve").unwrap_err().contains("twelve"));
        assert!(parse_money("").is_err());
    }

    #[test]
    fn dates_in_each_convention() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            parse_date("2026-03-14", DateOrder::MonthFirst),
            Ok(d(2026, 3, 14))
        );
        assert_eq!(
            parse_date("3/4/2026", DateOrder::MonthFirst),
            Ok(d(2026, 3, 4))
        );
        assert_eq!(
            parse_date("3/4/2026", DateOrder::DayFirst),
            Ok(d(2026, 4, 3))
        );
        assert_eq!(
            parse_date("14.03.2026", DateOrder::MonthFirst),
            Ok(d(2026, 3, 14))
        );
        assert_eq!(
            parse_date("2026-03-14T10:22:00.000+0000", DateOrder::MonthFirst),
            Ok(d(2026, 3, 14))
        );
        assert!(parse_date("2026-02-30", DateOrder::MonthFirst).is_err());
    }

    #[test]
    fn date_errors_say_what_is_accepted() {
        let order = DateOrder::MonthFirst;
        let message =
            |result: Result<NaiveDate, DateError>| result.unwrap_err().message("salesforce");
        assert_eq!(
            message(parse_date("  ", order)),
            "missing date: the cell is empty"
        );
        assert_eq!(
            message(parse_date("soon", order)),
            "invalid date `soon`; expected a date such as 2026-03-14, 2026/03/14, 03/14/2026 or \
             14.03.2026"
        );
        assert_eq!(
            message(parse_date("13/04/2026", order)),
            "invalid date `13/04/2026`; expected a date such as 2026-03-14, 2026/03/14, \
             03/14/2026 or 14.03.2026; with date_order = \"dmy\" under [import.salesforce] in \
             .dex.toml it reads as 2026-04-13"
        );
        // Read day first, a month-first date gets the opposite hint.
        let day_first = parse_date("04/13/2026", DateOrder::DayFirst).unwrap_err();
        assert!(
            day_first.message("gainsight").ends_with(
                "14/03/2026 or 14.03.2026; with date_order = \"mdy\" under \
                            [import.gainsight] in .dex.toml it reads as 2026-04-13"
            ),
            "{}",
            day_first.message("gainsight")
        );
        // A date that neither order reads gets no hint.
        assert!(!message(parse_date("13/13/2026", order)).contains("date_order"));
    }

    #[test]
    fn datetime_errors_say_what_is_accepted() {
        let order = DateOrder::MonthFirst;
        let message = |text: &str| {
            let result = parse_datetime(text, chrono_tz::UTC, order);
            result.unwrap_err().message("zendesk")
        };
        assert_eq!(message(""), "missing date and time: the cell is empty");
        assert_eq!(
            message("Mar 4"),
            "invalid date and time `Mar 4`; expected a date such as 2026-03-14, 03/14/2026 or \
             14.03.2026, optionally with a time such as 10:30, 10:30:15 or 10:30 PM and then Z, \
             UTC or (after a YYYY-MM-DD date) an offset such as -05:00"
        );
        assert!(
            message("13/04/2026 10:00 UTC").ends_with(
                "; with date_order = \"dmy\" under [import.zendesk] in .dex.toml it reads as \
                 2026-04-13"
            ),
            "{}",
            message("13/04/2026 10:00 UTC")
        );
        // The other order reads the date, but the time is invalid either way.
        assert!(!message("13/04/2026 25:00").contains("date_order"));
        // Every form the message names is read.
        for text in [
            "2026-03-14",
            "03/14/2026",
            "14.03.2026",
            "2026-03-14 10:30",
            "03/14/2026 10:30:15",
            "14.03.2026 10:30 PM",
            "03/14/2026 10:30Z",
            "14.03.2026 10:30 UTC",
            "2026-03-14T10:30:00-05:00",
        ] {
            assert!(
                parse_datetime(text, chrono_tz::UTC, order).is_ok(),
                "{text}"
            );
        }
    }

    #[test]
    fn datetimes_with_and_without_offsets() {
        let utc = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let zone = chrono_tz::America::Chicago;
        let order = DateOrder::MonthFirst;
        assert_eq!(
            parse_datetime("2026-03-14T23:30:00.000+0000", zone, order),
            Ok(utc("2026-03-14T23:30:00Z"))
        );
        assert_eq!(
            parse_datetime("2026-03-14 18:30:00", zone, order),
            Ok(utc("2026-03-14T23:30:00Z"))
        );
        assert_eq!(
            parse_datetime("2026-03-14 18:30:00.123456", chrono_tz::UTC, order),
            Ok(utc("2026-03-14T18:30:00.123456Z"))
        );
        assert_eq!(
            parse_datetime("3/14/2026 6:30 PM", zone, order),
            Ok(utc("2026-03-14T23:30:00Z"))
        );
        assert_eq!(
            parse_datetime("2026-03-14T18:30:00Z", zone, order),
            Ok(utc("2026-03-14T18:30:00Z"))
        );
    }

    #[test]
    fn local_dates_in_the_source_zone() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let chicago = chrono_tz::America::Chicago;
        let order = DateOrder::MonthFirst;
        // Zendesk CSV times have no offset: they are already in the Zendesk account's zone.
        assert_eq!(
            parse_local_date("2026-02-13 23:30:00", chicago, order),
            Ok(d(2026, 2, 13))
        );
        // A time with an offset is converted into the zone first.
        assert_eq!(
            parse_local_date("2026-02-14T05:30:00Z", chicago, order),
            Ok(d(2026, 2, 13))
        );
        assert_eq!(
            parse_local_date("2026-02-14T05:30:00+0100", chicago, order),
            Ok(d(2026, 2, 13))
        );
        assert!(parse_local_date("2026-02-30 10:00:00", chicago, order).is_err());
    }

    #[test]
    fn dates_with_multibyte_characters_are_errors_not_panics() {
        let chicago = chrono_tz::America::Chicago;
        let order = DateOrder::MonthFirst;
        let base = "2026-03-14 10:22:00.123";
        // A two-, three- and four-byte character inserted at, or written over, every position.
        for ch in ['é', '€', '📅'] {
            for at in 0..base.len() {
                let inserted = format!("{}{ch}{}", &base[..at], &base[at..]);
                let replaced = format!("{}{ch}{}", &base[..at], &base[at + 1..]);
                for text in [inserted, replaced] {
                    let _ = parse_local_date(&text, chicago, order);
                    let _ = parse_datetime(&text, chicago, order);
                }
            }
        }
        assert!(parse_local_date("2026-03-14 10:22:0é", chicago, order).is_err());
    }

    #[test]
    fn digit_fields_parse_like_str_parse() {
        for text in [
            "0",
            "7",
            "07",
            "+7",
            "+",
            "",
            "-1",
            "1a",
            " 1",
            "2026",
            "+202",
            "999999999",
            "1.5",
            "\u{663}",
        ] {
            assert_eq!(
                parse_digits(text.as_bytes()),
                text.parse::<u32>().ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn iso_local_times_with_fractions() {
        let time = |text: &str| parse_iso_local(text).map(|t| t.to_string());
        assert_eq!(
            time("2026-03-14 18:30:00.5"),
            Some("2026-03-14 18:30:00.500".to_string())
        );
        assert_eq!(
            time("2026-03-14T18:30:00.000000001"),
            Some("2026-03-14 18:30:00.000000001".to_string())
        );
        assert_eq!(
            time("2026-+3-14 18:30:00"),
            Some("2026-03-14 18:30:00".to_string())
        );
        assert_eq!(time("2026-03-14 18:30:00.1234567890"), None);
        assert_eq!(time("2026-03-14 18:30:00."), None);
        assert_eq!(time("2026-13-14 18:30:00"), None);
    }

    #[test]
    fn local_days_match_chrono() {
        let chicago = chrono_tz::America::Chicago;
        let order = DateOrder::MonthFirst;
        let day = |text: &str| parse_local_day(text, chicago, order);
        let chrono_day =
            |text: &str| parse_local_date(text, chicago, order).map(|d| d.num_days_from_ce());
        // The first, 28th, 29th and last day of every month of every four-digit year, and year 0.
        for year in 0..=9999 {
            for month in 1..=12 {
                for day_of_month in [1, 28, 29, 30, 31] {
                    let text = format!("{year:04}-{month:02}-{day_of_month:02} 23:59:59");
                    assert_eq!(day(&text), chrono_day(&text), "{text}");
                }
            }
        }
        for text in [
            "2026-03-14T00:00:00",
            "2026-02-29 10:00:00",
            "2024-02-29 10:00:00",
            "1900-02-29 10:00:00",
            "2000-02-29 10:00:00",
            "2026-00-10 10:00:00",
            "2026-13-10 10:00:00",
            "2026-03-00 10:00:00",
            "2026-03-14 24:00:00",
            "2026-03-14 23:60:00",
            "2026-03-14 23:59:60",
            "2026-+3-14 18:30:00",
            "2026-03-14 18:30:00.5",
            "2026-03-14 18:30",
            "2026-03-14",
            "03/14/2026 18:30",
            "2026-03-14T05:30:00Z",
            "2026-03-14 05:30:00 UTC",
            "2026/03/14 18:30:00",
            "2026-03-14x18:30:00",
            "2026-03-14 1é:30:0",
            "",
        ] {
            assert_eq!(day(text), chrono_day(text), "{text}");
        }
        // Each digit replaced by the bytes just before `0` and just after `9`.
        let valid = "2026-03-14 18:30:00";
        for (at, byte) in valid.bytes().enumerate() {
            if byte.is_ascii_digit() {
                for other in ["/", ":"] {
                    let text = format!("{}{other}{}", &valid[..at], &valid[at + 1..]);
                    assert_eq!(day(&text), chrono_day(&text), "{text}");
                }
            }
        }
        assert_eq!(iso_local_day(b"2026-03-14 18:30:00"), Some(739_689));
        assert_eq!(iso_local_day(b"2026-+3-14 18:30:00"), None);
        assert_eq!(iso_local_day(b"2026-03-14 24:00:00"), None);
    }

    #[test]
    fn whole_numbers_as_str_parse() {
        let longest = "9".repeat(19);
        let too_long = "9".repeat(20);
        let texts = [
            "0",
            "7",
            "007",
            "+7",
            "-0",
            "-7",
            "",
            " 7",
            "7 ",
            "1e3",
            "7.0",
            "١",
            &longest,
            &too_long,
            "18446744073709551615",
            "18446744073709551616",
        ];
        for text in texts {
            assert_eq!(parse_u64(text), text.parse::<u64>().ok(), "{text:?}");
        }
    }

    #[test]
    fn money_formatting() {
        let cases = [
            (0.0, "$0"),
            (45_000.0, "$45,000"),
            (1200.5, "$1,200.50"),
            (999.999, "$1,000"),
            (1_234_567.05, "$1,234,567.05"),
            (-300.0, "-$300"),
            (-0.07, "-$0.07"),
            (1_234_567_890_123.25, "$1,234,567,890,123.25"),
            (-9.0e15, "-$9,000,000,000,000,000"),
        ];
        for (value, expected) in cases {
            assert_eq!(format_money(value), expected, "{value}");
        }
        assert_eq!(format_amount(240_000.0), "240000");
        assert_eq!(format_amount(12.345), "12.35");
        assert_eq!(format_amount(-0.0), "0");
        let wholes = (0..2000).map(|n| f64::from(n) * 997.0 - 500_000.0);
        let edges = [
            8.999_999_999_999_998e15,
            -8.999_999_999_999_998e15,
            1e15,
            4_503_599_627_370_497.0,
        ];
        for value in wholes.chain(edges) {
            assert_eq!(format_amount(value), format!("{value:.0}"), "{value}");
        }
    }
}
