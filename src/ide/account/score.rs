//! The health score (0 to 100, weighted measures, missing measures left out and the remaining
//! weights normalised), its band, and the renewal window.

use chrono::NaiveDate;

use super::AccountReport;
use super::values::{Band, HealthKey, Value};
use crate::vault::Config;

/// One measure's contribution to the score.
#[derive(Clone, Debug, PartialEq)]
pub struct Component {
    /// Measure name (`nps`, `adoption`, `risks`, `overdue`, `contact`, `champion`).
    pub measure: &'static str,
    /// Score of the measure, 0 to 100.
    pub score: f64,
    /// Configured weight.
    pub weight: f64,
    /// What the measure is based on, for hovers and generated notes.
    pub basis: String,
}

/// A health score.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// 0 to 100, rounded.
    pub value: u32,
    /// Band from the configured limits.
    pub band: Band,
    /// The measures that had data.
    pub components: Vec<Component>,
}

/// The renewal date and the planning window it falls in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Renewal {
    /// Renewal date.
    pub date: NaiveDate,
    /// Days from today (negative when past).
    pub days: i64,
    /// The narrowest configured window that contains the date (`Some(60)` for 48 days), if any.
    pub window: Option<u32>,
}

/// The band of a score: up to `red` is red, up to `yellow` yellow, above green.
pub fn band(value: u32, bands: (u32, u32)) -> Band {
    if value <= bands.0 {
        Band::Red
    } else if value <= bands.1 {
        Band::Yellow
    } else {
        Band::Green
    }
}

/// The account's renewal from its current Renewal reading.
pub fn renewal(report: &AccountReport, config: &Config) -> Option<Renewal> {
    let Value::Date(date) = report.current(HealthKey::Renewal)?.parsed.value else {
        return None;
    };
    let days = (date - report.today).num_days();
    let window = config
        .renewal_windows
        .iter()
        .copied()
        .filter(|w| days >= 0 && days <= i64::from(*w))
        .min();
    Some(Renewal { date, days, window })
}

/// Computes the score from the measures that have data; `None` when none has.
pub fn score(report: &AccountReport, config: &Config) -> Option<Score> {
    let weights = &config.health_weights;
    let mut components = Vec::new();
    let mut push = |measure: &'static str, score: f64, basis: String| {
        components.push(Component {
            measure,
            score: score.clamp(0.0, 100.0),
            weight: weights.get(measure),
            basis,
        });
    };
    if let Some(nps) = report
        .current(HealthKey::Nps)
        .and_then(|o| o.parsed.value.number())
    {
        push(
            "nps",
            nps * 10.0,
            format!("NPS {}", super::values::format_number(nps)),
        );
    }
    if let Some(Value::Percent { value, target }) =
        report.current(HealthKey::Adoption).map(|o| &o.parsed.value)
    {
        match target {
            Some(target) if *target > 0.0 => push(
                "adoption",
                value / target * 100.0,
                format!(
                    "adoption {}% of a {}% target",
                    super::values::format_number(*value),
                    super::values::format_number(*target)
                ),
            ),
            _ => push(
                "adoption",
                *value,
                format!("adoption {}%", super::values::format_number(*value)),
            ),
        }
    }
    let mut categories: Vec<&str> = report.open_signals().map(|s| s.category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    push(
        "risks",
        100.0 - 25.0 * count(categories.len()),
        format!("{} open risk categories", categories.len()),
    );
    if !report.commitments.is_empty() {
        let overdue = report.overdue().count();
        push(
            "overdue",
            100.0 - 25.0 * count(overdue),
            format!(
                "{overdue} overdue of {} open commitments",
                report.commitments.len()
            ),
        );
    }
    if let Some(last) = report.last_meeting() {
        let days = (report.today - last.date).num_days();
        // Contact within two weeks is full marks, falling to nothing at 90 days.
        let contact = if days <= 14 {
            100.0
        } else {
            100.0 * (90.0 - count(usize::try_from(days).unwrap_or(usize::MAX))).max(0.0) / 76.0
        };
        push("contact", contact, format!("last meeting {days} days ago"));
    }
    if !report.stakeholders.is_empty() {
        let champion = report.stakeholders.iter().any(|p| p.champion && !p.leaving);
        let sponsor = report.stakeholders.iter().any(|p| p.sponsor && !p.leaving);
        let value = 50.0 * f64::from(u8::from(champion)) + 50.0 * f64::from(u8::from(sponsor));
        let basis = match (champion, sponsor) {
            (true, true) => "champion and sponsor in place".to_string(),
            (true, false) => "no active executive sponsor".to_string(),
            (false, true) => "no active champion".to_string(),
            (false, false) => "no active champion or sponsor".to_string(),
        };
        push("champion", value, basis);
    }
    let total_weight: f64 = components.iter().map(|c| c.weight).sum();
    if components.is_empty() || total_weight <= 0.0 {
        return None;
    }
    let weighted: f64 = components.iter().map(|c| c.weight * c.score).sum::<f64>() / total_weight;
    // The weighted mean of scores in 0..=100 is itself in 0..=100.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to 0..=100"
    )]
    let value = weighted.round().clamp(0.0, 100.0) as u32;
    Some(Score {
        value,
        band: band(value, config.bands),
        components,
    })
}

#[allow(
    clippy::cast_precision_loss,
    reason = "counts of risks and tasks are small"
)]
fn count(n: usize) -> f64 {
    n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_follow_the_limits() {
        assert_eq!(band(50, (50, 75)), Band::Red);
        assert_eq!(band(51, (50, 75)), Band::Yellow);
        assert_eq!(band(75, (50, 75)), Band::Yellow);
        assert_eq!(band(76, (50, 75)), Band::Green);
    }
}
