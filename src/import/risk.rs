//! Risk phrases: the table of patterns that signal churn risk in free text, with negation
//! handling, used for Slack messages.
//!
//! The same categories are used for notes (`#risk/<category>` tags); the table lives in
//! [`risk_phrases`] so that notes and Slack can later share one list.

use std::sync::LazyLock;

use regex::Regex;

/// A risk category and the tag written for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Category(pub &'static str);

impl Category {
    /// The tag, such as `#risk/champion-loss`.
    pub fn tag(self) -> String {
        format!("#risk/{}", self.0)
    }

    /// A short human label, such as `Champion loss`.
    pub fn label(self) -> String {
        let words = self.0.replace('-', " ");
        let mut chars = words.chars();
        chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }
}

/// The risk phrases: each a case-insensitive regular expression and its category.
pub fn risk_phrases() -> &'static [(&'static str, Category)] {
    &[
        (
            r"\b(champion|main contact|our contact|point of contact)\b.{0,40}\b(leav\w*|left|depart\w*|mov\w* (to|on)|resign\w*|quit\w*)",
            Category("champion-loss"),
        ),
        (
            r"\b(leav\w*|left|depart\w*|resign\w*)\b.{0,40}\b(the company|for another (job|company|role))",
            Category("champion-loss"),
        ),
        (
            r"\b(sponsor|vp|cfo|cto|cio|ceo|executive)\b.{0,40}\b(leav\w*|left|depart\w*|replac\w*|resign\w*)",
            Category("sponsor-loss"),
        ),
        (
            r"\b(usage|adoption|logins?|engagement|active users)\b.{0,30}\b(drop\w*|declin\w*|down|fall\w*|fell|low\w*)",
            Category("usage-drop"),
        ),
        (r"\b(stopped|stop) using\b", Category("usage-drop")),
        (
            r"\bbudget\b.{0,30}\b(cut\w*|freez\w*|frozen|slash\w*|reduc\w*|review)",
            Category("budget"),
        ),
        (
            r"\b(cost|spend)\b.{0,20}\b(cut\w*|reduc\w*)",
            Category("budget"),
        ),
        (
            r"\b(competitor|alternative vendor|other vendors?|rfp)\b",
            Category("competitor"),
        ),
        (
            r"\b(evaluat\w*|look\w* at|demo\w*|trial\w*)\b.{0,30}\b(alternatives?|competitors?|other tools?)",
            Category("competitor"),
        ),
        (r"\bescalat\w*", Category("escalation")),
        (
            r"\b(outage|down for|service down|incident|not loading)\b",
            Category("outage"),
        ),
        (
            r"\b(missed|breach\w*|violat\w*)\b.{0,20}\bsla\b|\bsla\b.{0,20}\b(missed|breach\w*)",
            Category("missed-sla"),
        ),
        (
            r"\b(downgrad\w*|reduc\w* (seats|licen[cs]es)|fewer (seats|licen[cs]es))",
            Category("downgrade"),
        ),
        (
            r"\b(not (going to )?renew\w*|won't renew|will not renew|cancel\w*|churn\w*|terminat\w* (the )?contract)",
            Category("not-renewing"),
        ),
    ]
}

static COMPILED: LazyLock<Vec<(Regex, Category)>> = LazyLock::new(|| {
    risk_phrases()
        .iter()
        .filter_map(|(pattern, category)| {
            Regex::new(&format!("(?i){pattern}"))
                .ok()
                .map(|re| (re, *category))
        })
        .collect()
});

/// Words that, shortly before a match, turn it into its negation: "no risk of churn", "not
/// seeing a usage drop", "without any outage".
static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(no|not|never|without|zero|nor|isn't|aren't|wasn't|don't|doesn't|didn't|won't be|no longer|unlikely|ruled out)\b[^.;!?]{0,30}$")
        .expect("valid regex")
});

/// The risk categories `text` signals, each once, with the matched text. A match preceded in
/// the same clause by a negation ("no risk of churn") does not count, except "won't renew" and
/// "not renewing", which are the signal itself.
pub fn scan(text: &str) -> Vec<(Category, String)> {
    let mut found: Vec<(Category, String)> = Vec::new();
    for (regex, category) in COMPILED.iter() {
        if found.iter().any(|(c, _)| c == category) {
            continue;
        }
        for hit in regex.find_iter(text) {
            let before = &text[..hit.start()];
            let self_negating = category.0 == "not-renewing" && {
                let lower = hit.as_str().to_lowercase();
                lower.starts_with("not")
                    || lower.starts_with("won't")
                    || lower.starts_with("will not")
            };
            if !self_negating && NEGATION.is_match(before) {
                continue;
            }
            found.push((*category, hit.as_str().to_string()));
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn categories(text: &str) -> Vec<&'static str> {
        scan(text).into_iter().map(|(c, _)| c.0).collect()
    }

    #[test]
    fn phrases_match_their_categories() {
        assert_eq!(
            categories("Heads up: our champion is leaving in April"),
            ["champion-loss"]
        );
        assert_eq!(
            categories("They are evaluating alternatives"),
            ["competitor"]
        );
        assert_eq!(categories("Budget freeze announced for Q3"), ["budget"]);
        assert_eq!(categories("We will not renew next year"), ["not-renewing"]);
        assert_eq!(
            categories("Usage dropped by half since March"),
            ["usage-drop"]
        );
    }

    #[test]
    fn negations_do_not_match() {
        assert!(categories("There is no risk of churn here").is_empty());
        assert!(categories("We are not seeing any usage drop").is_empty());
        assert!(categories("Quarter closed without any outage").is_empty());
        assert_eq!(
            categories("No outage. But the champion is leaving"),
            ["champion-loss"]
        );
    }

    #[test]
    fn labels_and_tags() {
        assert_eq!(Category("champion-loss").label(), "Champion loss");
        assert_eq!(Category("missed-sla").tag(), "#risk/missed-sla");
    }
}
