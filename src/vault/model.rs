//! What a note is in a Customer Success vault: an account page, a stakeholder, a meeting, or a
//! plain note, derived from its path, file name and frontmatter.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::config::Config;
use crate::syntax::NoteSummary;

/// What role a note plays in the vault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// A page in an account folder; `Overview.md` is the account's main page.
    AccountPage {
        /// Account name (folder name with `_` read as spaces).
        account: String,
    },
    /// A stakeholder (boxed: it is the largest kind and most notes are not people).
    Person(Box<Person>),
    /// A dated meeting note.
    Meeting(Meeting),
    /// Anything else.
    Plain,
}

/// A stakeholder note's fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Person {
    /// `role` from frontmatter.
    pub role: Option<String>,
    /// The account from frontmatter `account`.
    pub account: Option<String>,
    /// Relationship group: the folder under `Relationships/` (Champions, Sales, ...).
    pub group: Option<String>,
    /// `email` from frontmatter.
    pub email: Option<String>,
    /// `status` from frontmatter, lower-cased (`leaving`, ...).
    pub status: Option<String>,
}

/// A meeting note's fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meeting {
    /// Meeting date from the file name or frontmatter.
    pub date: NaiveDate,
    /// Kind from the title (`QBR`, `Check-in`, ...).
    pub kind: Option<String>,
    /// Account from the title or frontmatter.
    pub account: Option<String>,
}

static DATED_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4}-\d{2}-\d{2})(?:\s*[-–—]?\s*(.*))?$").expect("valid regex")
});

/// Reads an account name from a folder name: underscores are spaces.
pub fn account_name_from_folder(folder: &str) -> String {
    folder.replace('_', " ").trim().to_string()
}

/// Normalises a name for case-insensitive lookup: lower case, `_` as space, whitespace folded.
pub fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    for word in name
        .split(|c: char| c.is_whitespace() || c == '_')
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

/// Derives a note's kind from its vault-relative path (with `/`), stem and summary.
pub fn classify(path: &str, stem: &str, summary: &NoteSummary, config: &Config) -> NoteKind {
    let fm = summary.frontmatter.as_ref();
    if let Some(folder) = account_folder(path, config) {
        return NoteKind::AccountPage {
            account: account_name_from_folder(folder),
        };
    }
    let relationships = config.relationships_folder.as_str();
    let folders: Vec<&str> = path.split('/').collect();
    let group = folders
        .windows(3)
        .find(|w| w[0] == relationships)
        .map(|w| w[1].to_string());
    // The folder setting may span several path segments (`People/Stakeholders`).
    let bytes = path.as_bytes();
    let in_relationships = path.match_indices(relationships).any(|(at, _)| {
        (at == 0 || bytes[at - 1] == b'/') && bytes.get(at + relationships.len()) == Some(&b'/')
    });
    if in_relationships || fm.and_then(|f| f.kind.as_deref()) == Some("person") {
        return NoteKind::Person(Box::new(Person {
            role: fm.and_then(|f| f.role.clone()),
            account: fm.and_then(|f| f.account.clone()),
            group,
            email: fm.and_then(|f| f.email.clone()),
            status: fm.and_then(|f| f.status.clone()),
        }));
    }
    if let Some(meeting) = meeting(stem, summary) {
        return NoteKind::Meeting(meeting);
    }
    NoteKind::Plain
}

/// The account folder name if `path` lies inside one.
pub fn account_folder<'a>(path: &'a str, config: &Config) -> Option<&'a str> {
    let rest = path
        .strip_prefix(config.accounts_folder.as_str())?
        .strip_prefix('/')?;
    let (folder, page) = rest.split_once('/')?;
    (!folder.is_empty() && !page.is_empty()).then_some(folder)
}

fn meeting(stem: &str, summary: &NoteSummary) -> Option<Meeting> {
    let fm = summary.frontmatter.as_ref();
    let from_name = DATED_NAME.captures(stem);
    let date = from_name
        .as_ref()
        .and_then(|caps| NaiveDate::parse_from_str(&caps[1], "%Y-%m-%d").ok())
        .or_else(|| {
            let raw = fm?.date.as_deref()?;
            NaiveDate::parse_from_str(raw.get(..10)?, "%Y-%m-%d").ok()
        })?;
    let title = from_name
        .as_ref()
        .and_then(|caps| caps.get(2))
        .map(|m| m.as_str().trim());
    let (kind, title_account) = match title.and_then(|t| t.split_once(':')) {
        Some((kind, account)) => (
            Some(kind.trim().to_string()),
            Some(account.trim().to_string()),
        ),
        None => (title.filter(|t| !t.is_empty()).map(str::to_string), None),
    };
    let account = fm
        .and_then(|f| f.account.clone())
        .or(title_account)
        .filter(|a| !a.is_empty());
    Some(Meeting {
        date,
        kind,
        account,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn kind(path: &str, text: &str) -> NoteKind {
        let stem = path.rsplit('/').next().unwrap().trim_end_matches(".md");
        classify(path, stem, &parse(text), &Config::default())
    }

    #[test]
    fn account_pages_people_and_meetings() {
        assert_eq!(
            kind("Active/Accounts/Acme_Corp/Health.md", ""),
            NoteKind::AccountPage {
                account: "Acme Corp".into()
            }
        );
        let NoteKind::Person(person) = kind(
            "Active/Relationships/Champions/Priya Raman.md",
            "---\nrole: VP Ops\nstatus: Leaving\n---\n",
        ) else {
            panic!("not a person")
        };
        assert_eq!(person.group.as_deref(), Some("Champions"));
        assert_eq!(person.role.as_deref(), Some("VP Ops"));
        assert_eq!(person.status.as_deref(), Some("leaving"));
        let NoteKind::Meeting(meeting) = kind("Inbox/Meetings/2026-01-22 - QBR: Acme Corp.md", "")
        else {
            panic!("not a meeting")
        };
        assert_eq!(meeting.kind.as_deref(), Some("QBR"));
        assert_eq!(meeting.account.as_deref(), Some("Acme Corp"));
        assert!(matches!(
            kind("Notes/plain.md", "---\ntype: person\n---\n"),
            NoteKind::Person(_)
        ));
        assert!(matches!(
            kind("x.md", "---\ndate: 2026-01-02\n---\n"),
            NoteKind::Meeting(_)
        ));
        assert_eq!(kind("Active/Accounts/Top.md", ""), NoteKind::Plain);
    }

    #[test]
    fn people_folder_is_matched_by_whole_segments() {
        let config = Config {
            relationships_folder: "People/Stakeholders".into(),
            ..Config::default()
        };
        let is_person = |path: &str| {
            let stem = path.rsplit('/').next().unwrap().trim_end_matches(".md");
            matches!(
                classify(path, stem, &parse(""), &config),
                NoteKind::Person(_)
            )
        };
        assert!(is_person("People/Stakeholders/Ann Lee.md"));
        assert!(is_person("Work/People/Stakeholders/Champions/Ann Lee.md"));
        assert!(!is_person("OtherPeople/Stakeholders/Ann Lee.md"));
        assert!(!is_person("People/StakeholdersOld/Ann Lee.md"));
        assert!(!is_person("Notes/People/Stakeholders.md"));
        assert!(!is_person("Relationships/Ann Lee.md"));
    }

    #[test]
    fn name_keys_fold_case_and_underscores() {
        assert_eq!(name_key("Acme_Corp"), "acme corp");
        assert_eq!(name_key("  ACME   Corp "), "acme corp");
        assert_eq!(name_key("Zoë"), "zoë");
    }
}
