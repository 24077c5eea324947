//! Risk signals: churn phrases in notes, items under Concerns or Risks, `#risk/...` tags, and
//! the built-in mitigation for each category.

use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};

/// A risk category with its built-in mitigation.
#[derive(Debug)]
pub struct Category {
    /// Slug used in tags (`#risk/champion-loss`) and configuration.
    pub slug: &'static str,
    /// Display name; with spaces as `_` it is the playbook file name (`Champion_Loss.md`).
    pub name: &'static str,
    /// Suggested mitigation when the vault has no playbook for the category.
    pub mitigation: &'static str,
    patterns: &'static [&'static str],
}

/// Built-in categories, in the order phrases are tried: specific before general.
pub const CATEGORIES: &[Category] = &[
    Category {
        slug: "not-renewing",
        name: "Not Renewing",
        mitigation: "Escalate internally now, meet the economic buyer to learn the real reason, and start a save plan with a clear walk-away point.",
        patterns: &[
            r"\b(?:not|won't|will not|unlikely to|may not|might not|do not plan to) renew",
            r"\bnon-?renewal\b",
            r"\bchurn(?:ing|ed)?\b",
            r"\bcancel\w*\b.{0,20}\b(?:contract|subscription|account)\b",
        ],
    },
    Category {
        slug: "champion-loss",
        name: "Champion Loss",
        mitigation: "Confirm who inherits ownership, re-onboard the successor with a value recap, and rebuild the stakeholder map with more than one contact.",
        patterns: &[
            r"\bchampion\b.{0,40}\b(?:leav|left|mov|depart|resign|quit|gone)",
            r"\b(?:leaving|left|departing|resigned|resigning)\b.{0,20}\b(?:the )?(?:company|role|team|division|business)\b",
            r"\bmov(?:es|ing) to (?:another|a new|a different|the group's)\b",
            r"\bnew champion\b",
            r"\bchampion (?:loss|change|gap)\b",
        ],
    },
    Category {
        slug: "sponsor-loss",
        name: "Sponsor Loss",
        mitigation: "Meet the new executive early about their goals, refresh the ROI story in their terms, and set up an exec-to-exec relationship.",
        patterns: &[
            r"\b(?:exec(?:utive)? sponsor|sponsor|cfo|ceo|cio|cto|coo)\b.{0,30}\b(?:leav|left|depart|replaced|resign)",
            r"\bnew (?:cfo|ceo|cio|cto|coo|executive sponsor)\b",
        ],
    },
    Category {
        slug: "competitor",
        name: "Competitor",
        mitigation: "Bring the evaluation into the open, restate the differentiated value and switching costs, and involve executive sponsors on both sides.",
        patterns: &[
            r"\bcompetitor",
            r"\bevaluating\b.{0,30}\b(?:vendors?|tools?|alternatives?|platforms?|solutions?|options)\b",
            r"\brfp\b",
            r"\bcompetitive (?:evaluation|bake-?off|threat|pressure)\b",
        ],
    },
    Category {
        slug: "budget",
        name: "Budget Cut",
        mitigation: "Separate price from value concerns, rebuild the business case in the buyer's numbers, and offer options tied to commitment (multi-year, right-sizing) instead of bare discounts; start at least 90 days before renewal.",
        patterns: &[
            r"\bbudget\b.{0,20}\b(?:cut|freeze|frozen|reduc|slash|review|pressure|squeeze)",
            r"\b(?:cost[- ]cutting|spend(?:ing)? freeze|hiring freeze|price objection|vendor consolidation|procurement review)\b",
            r"\btoo expensive\b",
        ],
    },
    Category {
        slug: "missed-sla",
        name: "Missed SLA",
        mitigation: "Acknowledge the miss in writing, agree on remediation and any credits, and report progress until the SLA holds again.",
        patterns: &[
            r"\b(?:missed|breach\w*|violat\w*)\b.{0,15}\bslas?\b",
            r"\bslas?\b.{0,15}\b(?:miss|breach|violat)",
        ],
    },
    Category {
        slug: "outage",
        name: "Outage",
        mitigation: "Send a written incident summary with the prevention plan, hold a review with the customer, and check whether credits are owed.",
        patterns: &[
            r"\b(?:outage|downtime|service disruption)\b",
            r"\bwas down\b",
        ],
    },
    Category {
        slug: "downgrade",
        name: "Downgrade",
        mitigation: "Find which teams stopped getting value, propose a right-sized plan tied to a usage recovery, and agree on success criteria.",
        patterns: &[
            r"\bdowngrad",
            r"\b(?:reduc|cut|drop)\w*\b.{0,15}\b(?:seats|licen[cs]es)\b",
        ],
    },
    Category {
        slug: "usage-drop",
        name: "Usage Drop",
        mitigation: "Compare usage with the account's own baseline, find the cause, and run targeted training or a use-case workshop.",
        patterns: &[
            r"\b(?:usage|adoption|logins?|active users|engagement|wau|dau|mau)\b.{0,30}\b(?:drop|dropp|declin|fell|fall|down|dip|decreas|flat)",
            r"\b(?:drop|declin|fall|dip|decreas)\w*\b.{0,20}\b(?:usage|adoption|logins?|active users)\b",
            r"\bfewer (?:active )?users\b",
            r"\blow (?:usage|adoption)\b",
        ],
    },
    Category {
        slug: "escalation",
        name: "Escalation",
        mitigation: "Pull the ticket history, work with the support lead, own the customer communication, and track each fix commitment as a task.",
        patterns: &[r"\bescalat\w*", r"\b(?:p1|sev[- ]?1|priority 1)\b"],
    },
];

/// The category for concerns that match no phrase.
pub const GENERAL: Category = Category {
    slug: "general",
    name: "General",
    mitigation: "Name an owner and a next step for this concern, and review it at the next account check-in.",
    patterns: &[],
};

static COMPILED: LazyLock<Vec<(usize, Regex)>> = LazyLock::new(|| {
    CATEGORIES
        .iter()
        .enumerate()
        .flat_map(|(index, category)| {
            category.patterns.iter().map(move |pattern| {
                let regex = RegexBuilder::new(pattern)
                    .case_insensitive(true)
                    .build()
                    .expect("built-in patterns are valid");
                (index, regex)
            })
        })
        .collect()
});

/// Words that, shortly before a phrase in the same clause, say the risk is absent.
const NEGATIONS: &[&str] = &[
    "no", "not", "never", "without", "none", "nothing", "zero", "isn't", "aren't", "wasn't",
    "weren't", "don't", "doesn't", "didn't", "hasn't", "haven't", "won't", "cannot", "can't",
];

/// The category slug of a tag such as `risk/usage-drop`, if it is a risk tag.
pub fn category_of_tag(tag: &str) -> Option<String> {
    let rest = tag
        .strip_prefix("risk/")
        .or_else(|| tag.strip_prefix("Risk/"))?;
    let slug = rest.trim().to_lowercase();
    (!slug.is_empty()).then_some(slug)
}

/// A phrase found in a line: the category slug and the byte range within the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhraseHit {
    /// Category slug.
    pub category: String,
    /// Byte range of the phrase within the line.
    pub range: std::ops::Range<usize>,
}

/// Finds the first churn phrase in `line` that is not negated ("no risk of churn"). Phrases from
/// the configuration are tried before the built-in ones.
pub fn find_phrase(line: &str, extra: &[(Regex, String)]) -> Option<PhraseHit> {
    for (regex, category) in extra {
        if let Some(found) = regex.find_iter(line).find(|m| !negated(line, m.start())) {
            return Some(PhraseHit {
                category: category.clone(),
                range: found.range(),
            });
        }
    }
    let mut best: Option<(usize, PhraseHit)> = None;
    for (index, regex) in COMPILED.iter() {
        if best.as_ref().is_some_and(|(b, _)| *b < *index) {
            break;
        }
        if let Some(found) = regex.find_iter(line).find(|m| !negated(line, m.start())) {
            let hit = PhraseHit {
                category: CATEGORIES[*index].slug.to_string(),
                range: found.range(),
            };
            best = Some((*index, hit));
        }
    }
    best.map(|(_, hit)| hit)
}

/// Whether a negation word stands among the last few words before `start`, in the same clause.
fn negated(line: &str, start: usize) -> bool {
    let before = &line[..start];
    let clause_start = before
        .rfind(['.', ';', '!', '?', ':', '(', '—'])
        .map_or(0, |i| i + 1);
    let clause = before[clause_start..].to_lowercase();
    clause
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .rev()
        .take(5)
        .any(|word| NEGATIONS.contains(&word.replace('’', "'").as_str()))
}

/// Finds every category with a phrase in `text`, once each, in the order of the categories
/// (configured phrases first); negated phrases do not count.
pub fn find_phrases(text: &str, extra: &[(Regex, String)]) -> Vec<PhraseHit> {
    let mut hits: Vec<PhraseHit> = Vec::new();
    for (regex, category) in extra {
        if let Some(found) = regex.find_iter(text).find(|m| !negated(text, m.start())) {
            if !hits.iter().any(|h| &h.category == category) {
                hits.push(PhraseHit {
                    category: category.clone(),
                    range: found.range(),
                });
            }
        }
    }
    for (index, regex) in COMPILED.iter() {
        let slug = CATEGORIES[*index].slug;
        if hits.iter().any(|h| h.category == slug) {
            continue;
        }
        if let Some(found) = regex.find_iter(text).find(|m| !negated(text, m.start())) {
            hits.push(PhraseHit {
                category: slug.to_string(),
                range: found.range(),
            });
        }
    }
    hits
}

/// The built-in category with this slug; unknown slugs get the general category's mitigation.
pub fn category(slug: &str) -> &'static Category {
    CATEGORIES
        .iter()
        .find(|c| c.slug == slug)
        .unwrap_or(&GENERAL)
}

/// Display name of a category slug: the built-in name, or the slug in title case.
pub fn display_name(slug: &str) -> String {
    if let Some(category) = CATEGORIES.iter().find(|c| c.slug == slug) {
        return category.name.to_string();
    }
    if slug == GENERAL.slug {
        return GENERAL.name.to_string();
    }
    slug.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_uppercase().collect::<String>() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn category_of(line: &str) -> Option<String> {
        find_phrase(line, &[]).map(|hit| hit.category)
    }

    #[test]
    fn phrases_by_category() {
        let cases = [
            (
                "[[Priya Raman]] moving to another division; need a new champion",
                "champion-loss",
            ),
            (
                "Our champion is leaving at the end of March",
                "champion-loss",
            ),
            ("New CFO started and reviews every contract", "sponsor-loss"),
            ("Weekly logins dropped 30% since January", "usage-drop"),
            ("Usage dropped sharply after the reorg", "usage-drop"),
            ("Budget freeze announced for Q3", "budget"),
            ("Competitor demo booked by their ops team", "competitor"),
            ("They are evaluating two other vendors", "competitor"),
            ("Ticket escalated to the VP of support", "escalation"),
            ("Two-hour outage on the EU cluster", "outage"),
            ("We missed the SLA twice in February", "missed-sla"),
            ("They want to downgrade to the starter plan", "downgrade"),
            ("Procurement says they are not renewing", "not-renewing"),
            ("Real risk of churn if the fix slips", "not-renewing"),
        ];
        for (line, expected) in cases {
            assert_eq!(category_of(line).as_deref(), Some(expected), "{line}");
        }
    }

    #[test]
    fn negated_and_neutral_lines_do_not_fire() {
        for line in [
            "No risk of churn this quarter",
            "There is no sign of a budget freeze",
            "We have not seen any outage since the migration",
            "Nothing escalated this month",
            "Route planning cut dispatch time by a third",
            "Champion is happy and renewing early",
        ] {
            assert_eq!(category_of(line), None, "{line}");
        }
        // The negation applies only within its clause.
        assert_eq!(
            category_of("No issues with SSO. Budget freeze announced").as_deref(),
            Some("budget")
        );
    }

    #[test]
    fn configured_phrases_come_first() {
        let extra = vec![(Regex::new("(?i)layoffs?").unwrap(), "budget".to_string())];
        let hit = find_phrase("Layoffs at the customer's HQ", &extra).unwrap();
        assert_eq!(hit.category, "budget");
        assert_eq!(hit.range, 0..7);
    }

    #[test]
    fn tags_and_names() {
        assert_eq!(
            category_of_tag("risk/champion-loss").as_deref(),
            Some("champion-loss")
        );
        assert_eq!(category_of_tag("renewal"), None);
        assert_eq!(display_name("missed-sla"), "Missed SLA");
        assert_eq!(display_name("legal-review"), "Legal Review");
    }
}
