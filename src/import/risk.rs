//! Risk phrases in imported free text (Slack messages), read with the same phrase list and
//! categories as notes (`crate::ide::account::risk`), and the `#risk/<category>` tags written
//! for them.

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

/// The risk categories `text` signals, each once, with the matched text. The phrases and the
/// negation rule ("no risk of churn" does not count) are the ones notes are read with.
pub fn scan(text: &str) -> Vec<(Category, String)> {
    crate::ide::account::risk::find_phrases(text, &[])
        .into_iter()
        .map(|hit| {
            let slug = crate::ide::account::risk::category(&hit.category).slug;
            (Category(slug), text[hit.range].to_string())
        })
        .collect()
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
