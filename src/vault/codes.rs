//! Stable diagnostic codes, as shown to users and accepted in `[diagnostics.severity]`.

use super::Severity;

/// An open action item whose due date has passed.
pub const OVERDUE: &str = "overdue";
/// An open action item due today.
pub const DUE_TODAY: &str = "due-today";
/// A `YYYY-MM-DD` date that does not exist.
pub const INVALID_DATE: &str = "invalid-date";
/// A 📅 due date followed by description text, which the Tasks plugin does not read.
pub const DUE_NOT_AT_END: &str = "due-not-at-end";
/// A link to a note that does not exist.
pub const UNRESOLVED_LINK: &str = "unresolved-link";
/// A link that matches several notes.
pub const AMBIGUOUS_LINK: &str = "ambiguous-link";
/// A link to a heading the target note does not have.
pub const UNRESOLVED_HEADING: &str = "unresolved-heading";
/// A link to a block id the target note does not have.
pub const UNRESOLVED_BLOCK: &str = "unresolved-block";
/// Frontmatter that is not valid YAML or is never closed.
pub const INVALID_FRONTMATTER: &str = "invalid-frontmatter";
/// An account's renewal inside a planning window.
pub const RENEWAL_WINDOW: &str = "renewal-window";
/// A churn phrase, concern or `#risk/...` tag.
pub const RISK_SIGNAL: &str = "risk-signal";
/// An account without a meeting for longer than the configured days.
pub const NO_RECENT_MEETING: &str = "no-recent-meeting";
/// A health field whose value cannot be read (`NPS: 11`, `Adoption: lots`).
pub const INVALID_HEALTH_VALUE: &str = "invalid-health-value";
/// No champion or executive sponsor, or one who is leaving.
pub const STAKEHOLDER_COVERAGE: &str = "stakeholder-coverage";

/// Every code with its default severity.
pub const ALL: &[(&str, Severity)] = &[
    (OVERDUE, Severity::Warning),
    (DUE_TODAY, Severity::Information),
    (INVALID_DATE, Severity::Error),
    (DUE_NOT_AT_END, Severity::Hint),
    (UNRESOLVED_LINK, Severity::Warning),
    (AMBIGUOUS_LINK, Severity::Warning),
    (UNRESOLVED_HEADING, Severity::Warning),
    (UNRESOLVED_BLOCK, Severity::Warning),
    (INVALID_FRONTMATTER, Severity::Warning),
    (RENEWAL_WINDOW, Severity::Information),
    (RISK_SIGNAL, Severity::Hint),
    (NO_RECENT_MEETING, Severity::Information),
    (INVALID_HEALTH_VALUE, Severity::Warning),
    (STAKEHOLDER_COVERAGE, Severity::Warning),
];
