//! Health fields: which keys Dex reads and how their values are read.
//!
//! Values are written by people, so the readers are lenient about form ("$240k", "64% WAU,
//! target 75%", "7 (down from 9 last quarter)", "Q3 2026") and strict about range: an NPS of 11
//! or an adoption of "lots" is reported, not guessed.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

/// A health field Dex understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HealthKey {
    /// Net Promoter Score response, 0 to 10.
    Nps,
    /// Adoption as a percentage, with an optional target.
    Adoption,
    /// Renewal date.
    Renewal,
    /// Annual recurring revenue.
    Arr,
    /// Annual contract value.
    Acv,
    /// Monthly recurring revenue.
    Mrr,
    /// Health colour: green, yellow or red.
    Health,
    /// A health score from 0 to 100 (for example from a CS platform).
    HealthScore,
    /// Customer satisfaction.
    Csat,
    /// Licensed seats.
    Seats,
    /// Free-text sentiment.
    Sentiment,
}

impl HealthKey {
    /// Every key, in display order.
    pub const ALL: [HealthKey; 11] = [
        HealthKey::Nps,
        HealthKey::Adoption,
        HealthKey::Renewal,
        HealthKey::Arr,
        HealthKey::Acv,
        HealthKey::Mrr,
        HealthKey::Health,
        HealthKey::HealthScore,
        HealthKey::Csat,
        HealthKey::Seats,
        HealthKey::Sentiment,
    ];

    /// Recognises a field name, case-insensitively, with `_` and `-` read as spaces.
    pub fn from_name(name: &str) -> Option<HealthKey> {
        let name = name
            .trim()
            .trim_matches('*')
            .to_lowercase()
            .replace(['_', '-'], " ");
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        Some(match name.as_str() {
            "nps" | "nps score" => HealthKey::Nps,
            "adoption" | "adoption %" | "adoption rate" | "usage" => HealthKey::Adoption,
            "renewal" | "renewal date" | "renews" | "renewal due" => HealthKey::Renewal,
            "arr" => HealthKey::Arr,
            "acv" => HealthKey::Acv,
            "mrr" => HealthKey::Mrr,
            "health" | "health status" | "status colour" | "status color" => HealthKey::Health,
            "health score" | "score" => HealthKey::HealthScore,
            "csat" => HealthKey::Csat,
            "seats" | "licenses" | "licences" => HealthKey::Seats,
            "sentiment" => HealthKey::Sentiment,
            _ => return None,
        })
    }

    /// The name used in notes and generated text.
    pub fn name(self) -> &'static str {
        match self {
            HealthKey::Nps => "NPS",
            HealthKey::Adoption => "Adoption",
            HealthKey::Renewal => "Renewal",
            HealthKey::Arr => "ARR",
            HealthKey::Acv => "ACV",
            HealthKey::Mrr => "MRR",
            HealthKey::Health => "Health",
            HealthKey::HealthScore => "Health score",
            HealthKey::Csat => "CSAT",
            HealthKey::Seats => "Seats",
            HealthKey::Sentiment => "Sentiment",
        }
    }

    /// An example of a valid value, for completion and messages.
    pub fn example(self) -> &'static str {
        match self {
            HealthKey::Nps => "8",
            HealthKey::Adoption => "64% WAU, target 75%",
            HealthKey::Renewal => "2026-09-30",
            HealthKey::Arr | HealthKey::Acv => "$240k",
            HealthKey::Mrr => "$20k",
            HealthKey::Health => "green",
            HealthKey::HealthScore => "72",
            HealthKey::Csat => "92%",
            HealthKey::Seats => "150",
            HealthKey::Sentiment => "positive",
        }
    }
}

/// A health colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Band {
    /// At risk.
    Red,
    /// Needs attention.
    Yellow,
    /// Healthy.
    Green,
}

impl Band {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Red => "red",
            Band::Yellow => "yellow",
            Band::Green => "green",
        }
    }
}

/// A parsed health value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A plain number (NPS, score, seats, CSAT on a 1–5 scale).
    Number(f64),
    /// A percentage with an optional target percentage.
    Percent {
        /// The value in percent.
        value: f64,
        /// The target in percent, when written.
        target: Option<f64>,
    },
    /// A date (renewal).
    Date(NaiveDate),
    /// An amount of money, in the unit written (currency symbols dropped).
    Money(f64),
    /// A health colour.
    Band(Band),
    /// Free text.
    Text(String),
}

impl Value {
    /// The number the value carries, if any (percent value, money, number).
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Number(n) | Value::Money(n) | Value::Percent { value: n, .. } => Some(*n),
            _ => None,
        }
    }

    /// Renders the value for generated notes and hovers.
    pub fn display(&self) -> String {
        match self {
            Value::Number(n) => format_number(*n),
            Value::Percent {
                value,
                target: Some(target),
            } => {
                format!(
                    "{}% (target {}%)",
                    format_number(*value),
                    format_number(*target)
                )
            }
            Value::Percent {
                value,
                target: None,
            } => format!("{}%", format_number(*value)),
            Value::Date(date) => date.to_string(),
            Value::Money(amount) => format_money(*amount),
            Value::Band(band) => band.as_str().to_string(),
            Value::Text(text) => text.clone(),
        }
    }
}

/// A value with the previous value when the text gives it ("down from 9").
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The value now.
    pub value: Value,
    /// The value before, when written in the same field.
    pub previous: Option<Value>,
}

static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"-?\d+(?:\.\d+)?").expect("valid regex"));
static PREVIOUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:down|up|changed|moved|dropped|rose|fell)?\s*(?:from|was)\s+(-?\d+(?:\.\d+)?)\s*(%)?")
        .expect("valid regex")
});
static SHARE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d+(?:\.\d+)?)\s+(?:of|out of|/)\s+(\d+(?:\.\d+)?)").expect("valid regex")
});
static ABSENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:n/?a\b|none\b|not\b|no\b|tbd\b|tbc\b|unknown\b|pending\b|unset\b|[-—–?]+$)",
    )
    .expect("valid regex")
});
static PERCENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(-?\d+(?:\.\d+)?)\s*%").expect("valid regex"));
static TARGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:target|goal)(?:\s+(?:was|is|of))?\s*:?\s*(\d+(?:\.\d+)?)\s*%?")
        .expect("valid regex")
});
static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})-(\d{2})-(\d{2})\b").expect("valid regex"));
static MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{4})\b")
        .expect("valid regex")
});
static QUARTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bQ([1-4])\s*(?:FY)?\s*'?(\d{4})\b").expect("valid regex"));
static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)([$€£¥])?\s*(\d[\d,.]*)\s*([km]|mm|million|thousand)?\b\s*([$€£¥]|usd|eur|gbp)?",
    )
    .expect("valid regex")
});

/// Checks whether a field has no value yet: left blank, as templates leave it, or saying so
/// ("not surveyed yet", "n/a", "TBD", "-").
pub fn is_absent(text: &str) -> bool {
    let text = text.trim();
    text.is_empty() || ABSENT.is_match(text)
}

/// Reads the value of a health field, or explains why it cannot be read.
pub fn parse(key: HealthKey, text: &str) -> Result<Parsed, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!(
            "{} has no value; for example `{}: {}`",
            key.name(),
            key.name(),
            key.example()
        ));
    }
    match key {
        HealthKey::Nps => {
            let value =
                first_number(text).ok_or_else(|| not_a(key, text, "a number from 0 to 10"))?;
            if !(0.0..=10.0).contains(&value) {
                return Err(format!(
                    "NPS `{}` is out of range: a response is 0 to 10",
                    format_number(value)
                ));
            }
            let previous = previous_number(text)
                .filter(|p| (0.0..=10.0).contains(p))
                .map(Value::Number);
            Ok(Parsed {
                value: Value::Number(value),
                previous,
            })
        }
        HealthKey::Adoption | HealthKey::Csat => parse_percent(key, text),
        HealthKey::Renewal => parse_date(text)
            .map(|d| Parsed {
                value: Value::Date(d),
                previous: None,
            })
            .ok_or_else(|| {
                not_a(
                    key,
                    text,
                    "a date such as `2026-09-30`, `September 2026` or `Q3 2026`",
                )
            }),
        HealthKey::Arr | HealthKey::Acv | HealthKey::Mrr => parse_money(text)
            .map(|amount| Parsed {
                value: Value::Money(amount),
                previous: None,
            })
            .ok_or_else(|| not_a(key, text, "an amount such as `$240k` or `1.2M`")),
        HealthKey::Health => {
            let word = text
                .split(|c: char| !c.is_alphabetic())
                .find(|w| !w.is_empty())
                .unwrap_or("");
            let band = match word.to_lowercase().as_str() {
                "green" => Band::Green,
                "yellow" | "amber" | "orange" => Band::Yellow,
                "red" => Band::Red,
                _ => return Err(not_a(key, text, "green, yellow or red")),
            };
            Ok(Parsed {
                value: Value::Band(band),
                previous: None,
            })
        }
        HealthKey::HealthScore => {
            let value =
                first_number(text).ok_or_else(|| not_a(key, text, "a number from 0 to 100"))?;
            if !(0.0..=100.0).contains(&value) {
                return Err(format!(
                    "health score `{}` is out of range: 0 to 100",
                    format_number(value)
                ));
            }
            Ok(Parsed {
                value: Value::Number(value),
                previous: previous_number(text).map(Value::Number),
            })
        }
        HealthKey::Seats => {
            let value = first_number(text).filter(|n| *n >= 0.0 && n.fract() == 0.0);
            let value = value.ok_or_else(|| not_a(key, text, "a whole number of seats"))?;
            Ok(Parsed {
                value: Value::Number(value),
                previous: previous_number(text).map(Value::Number),
            })
        }
        HealthKey::Sentiment => Ok(Parsed {
            value: Value::Text(text.to_string()),
            previous: None,
        }),
    }
}

fn not_a(key: HealthKey, text: &str, expected: &str) -> String {
    format!("cannot read {} `{text}`: expected {expected}", key.name())
}

fn first_number(text: &str) -> Option<f64> {
    NUMBER.find(text).and_then(|m| m.as_str().parse().ok())
}

fn previous_number(text: &str) -> Option<f64> {
    PREVIOUS
        .captures(text)
        .and_then(|caps| caps[1].parse().ok())
}

fn parse_percent(key: HealthKey, text: &str) -> Result<Parsed, String> {
    let mut target = TARGET
        .captures(text)
        .and_then(|caps| caps[1].parse::<f64>().ok());
    // "18 of 25 seats active, target 25": a share of a total, and a target in the same unit.
    let share = SHARE.captures(text).and_then(|caps| {
        let part: f64 = caps[1].parse().ok()?;
        let whole: f64 = caps[2].parse().ok()?;
        (whole > 0.0).then_some((part, whole))
    });
    if let Some((_, whole)) = share {
        let target_is_count = TARGET
            .captures(text)
            .is_some_and(|caps| !caps[0].contains('%'));
        if target_is_count {
            target = target.map(|t| t / whole * 100.0);
        }
    }
    let value = match PERCENT.captures(text).filter(|_| share.is_none()) {
        Some(caps) => caps[1].parse::<f64>().ok(),
        // A bare fraction such as `0.64` is a share; a bare whole number is a percentage.
        None => first_number(text).map(|n| {
            if n > 0.0 && n <= 1.0 && text.contains('.') {
                n * 100.0
            } else {
                n
            }
        }),
    };
    let value = share.map(|(part, whole)| part / whole * 100.0).or(value);
    let Some(value) = value else {
        return Err(not_a(key, text, "a percentage such as `64%`"));
    };
    if !(0.0..=100.0).contains(&value) {
        return Err(format!(
            "{} `{}%` is out of range: 0% to 100%",
            key.name(),
            format_number(value)
        ));
    }
    let previous = PREVIOUS
        .captures(text)
        .and_then(|caps| caps[1].parse::<f64>().ok())
        .map(|p| Value::Percent {
            value: p,
            target: None,
        });
    Ok(Parsed {
        value: Value::Percent { value, target },
        previous,
    })
}

/// Reads a date: ISO `YYYY-MM-DD`, a month and year (the first of that month), or a quarter
/// (its first day).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    if let Some(caps) = ISO_DATE.captures(text) {
        return NaiveDate::from_ymd_opt(
            caps[1].parse().ok()?,
            caps[2].parse().ok()?,
            caps[3].parse().ok()?,
        );
    }
    if let Some(caps) = MONTH_YEAR.captures(text) {
        let month = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ]
        .iter()
        .position(|m| caps[1].eq_ignore_ascii_case(m))?;
        return NaiveDate::from_ymd_opt(caps[2].parse().ok()?, u32::try_from(month).ok()? + 1, 1);
    }
    let caps = QUARTER.captures(text)?;
    let quarter: u32 = caps[1].parse().ok()?;
    NaiveDate::from_ymd_opt(caps[2].parse().ok()?, (quarter - 1) * 3 + 1, 1)
}

/// Reads an amount of money: `$240k`, `$420,000`, `1.2M`, `1.200,50 €`, `45 thousand`.
pub fn parse_money(text: &str) -> Option<f64> {
    let caps = MONEY
        .captures_iter(text)
        .find(|caps| caps[2].chars().any(|c| c.is_ascii_digit()))?;
    let digits = caps[2].trim_end_matches(['.', ',']);
    let european = digits.contains(',') && digits.rfind(',') > digits.rfind('.') && {
        let after = &digits[digits.rfind(',')? + 1..];
        after.len() != 3 || digits.contains('.')
    };
    let normalized = if european {
        digits.replace('.', "").replace(',', ".")
    } else {
        digits.replace(',', "")
    };
    let base: f64 = normalized.parse().ok()?;
    let multiplier = match caps.get(3).map(|m| m.as_str().to_lowercase()) {
        Some(unit) if unit == "k" || unit == "thousand" => 1_000.0,
        Some(unit) if unit == "m" || unit == "mm" || unit == "million" => 1_000_000.0,
        _ => 1.0,
    };
    Some(base * multiplier)
}

/// A number without a trailing `.0`.
pub fn format_number(n: f64) -> String {
    if n.fract().abs() < 1e-9 {
        format!("{n:.0}")
    } else {
        format!("{n:.1}")
    }
}

/// An amount as `$240k`, `$1.2M` or `$950`.
pub fn format_money(amount: f64) -> String {
    if amount.abs() >= 1_000_000.0 {
        format!("${}M", format_number((amount / 100_000.0).round() / 10.0))
    } else if amount.abs() >= 1_000.0 {
        format!("${}k", format_number((amount / 100.0).round() / 10.0))
    } else {
        format!("${}", format_number(amount))
    }
}

/// Days from `today` to `date` (negative in the past).
pub fn days_until(date: NaiveDate, today: NaiveDate) -> i64 {
    (date - today).num_days()
}

/// The last day of `date`'s month.
pub fn end_of_month(date: NaiveDate) -> NaiveDate {
    let (year, month) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(key: HealthKey, text: &str) -> Value {
        parse(key, text).unwrap().value
    }

    #[test]
    fn nps_with_previous_and_out_of_range() {
        let parsed = parse(HealthKey::Nps, "7 (down from 9 last quarter)").unwrap();
        assert_eq!(parsed.value, Value::Number(7.0));
        assert_eq!(parsed.previous, Some(Value::Number(9.0)));
        assert!(
            parse(HealthKey::Nps, "11")
                .unwrap_err()
                .contains("out of range")
        );
        assert!(
            parse(HealthKey::Nps, "great")
                .unwrap_err()
                .contains("cannot read NPS `great`")
        );
    }

    #[test]
    fn adoption_with_target() {
        assert_eq!(
            value(HealthKey::Adoption, "64% WAU, target was 75%"),
            Value::Percent {
                value: 64.0,
                target: Some(75.0)
            }
        );
        assert_eq!(
            value(HealthKey::Adoption, "0.64"),
            Value::Percent {
                value: 64.0,
                target: None
            }
        );
        assert!(parse(HealthKey::Adoption, "lots").is_err());
        assert!(
            parse(HealthKey::Adoption, "140%")
                .unwrap_err()
                .contains("out of range")
        );
    }

    #[test]
    fn shares_and_absent_values() {
        assert_eq!(
            value(
                HealthKey::Adoption,
                "18 of 25 seats active, target 25 by 2026-04-30"
            ),
            Value::Percent {
                value: 72.0,
                target: Some(100.0)
            }
        );
        for text in [
            "not surveyed yet (first survey after 90 days)",
            "n/a",
            "TBD",
            "-",
            "none",
            "",
            "   ",
        ] {
            assert!(is_absent(text), "{text}");
        }
        assert!(!is_absent("7"));
        assert!(!is_absent("lots"));
    }

    #[test]
    fn renewal_dates_in_three_forms() {
        let date = |y, m, d| Value::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap());
        assert_eq!(value(HealthKey::Renewal, "2026-09-30"), date(2026, 9, 30));
        assert_eq!(
            value(
                HealthKey::Renewal,
                "September 2026, procurement review started"
            ),
            date(2026, 9, 1)
        );
        assert_eq!(value(HealthKey::Renewal, "Q3 2026"), date(2026, 7, 1));
        assert!(parse(HealthKey::Renewal, "soon").is_err());
    }

    #[test]
    fn money_in_common_forms() {
        for (text, amount) in [
            ("$240k", 240_000.0),
            ("$420,000", 420_000.0),
            ("1.2M", 1_200_000.0),
            ("1.200,50 €", 1_200.5),
            ("$1,200.50", 1_200.5),
            ("Estimated ACV uplift: $45k", 45_000.0),
            ("€ 45 thousand", 45_000.0),
        ] {
            assert_eq!(parse_money(text), Some(amount), "{text}");
        }
        assert_eq!(format_money(240_000.0), "$240k");
        assert_eq!(format_money(1_250_000.0), "$1.3M");
    }

    #[test]
    fn health_colour_and_key_names() {
        assert_eq!(
            value(HealthKey::Health, "Amber, watching"),
            Value::Band(Band::Yellow)
        );
        assert!(parse(HealthKey::Health, "purple").is_err());
        assert_eq!(
            HealthKey::from_name("renewal_date"),
            Some(HealthKey::Renewal)
        );
        assert_eq!(HealthKey::from_name("**NPS**"), Some(HealthKey::Nps));
        assert_eq!(HealthKey::from_name("Champion"), None);
    }
}
