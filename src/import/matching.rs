//! Account matching: rows name their account by an id, a name or an email domain, and the
//! vault's account folders are indexed by the same three keys.
//!
//! Ids come from the Overview frontmatter (`salesforce_id`, `gainsight_id`, `zendesk_org`),
//! names from the folder name and `aliases`, domains from `domain`. Names match case- and
//! punctuation-insensitively with legal-form suffixes dropped, so `Acme Corp`, `Acme_Corp` and
//! `ACME Corp.` are one account.

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::block::Cell;
use super::config::{MatchRule, SourceConfig};
use crate::syntax::FieldSource;
use crate::vault::model::account_name_from_folder;

/// Frontmatter keys that hold an account's id in another tool.
pub const ID_KEYS: [&str; 3] = ["salesforce_id", "gainsight_id", "zendesk_org"];

/// One account folder of the vault, or one that this run creates.
#[derive(Clone, Debug)]
pub struct AccountPage {
    /// Display name: the folder name with `_` read as spaces.
    pub name: String,
    /// Folder relative to the vault root, with `/` separators.
    pub folder: String,
    /// Ids from the Overview frontmatter, by key in [`ID_KEYS`].
    pub ids: HashMap<&'static str, String>,
    /// Email domains from `domain:`.
    pub domains: Vec<String>,
    /// Licensed seats from `seats:`, for adoption percentages.
    pub seats: Option<f64>,
    /// Whether this run creates the account (`--create-accounts`).
    pub created: bool,
}

/// The ids, names and domains a row gives for its account.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Ids, each with the frontmatter key it is compared against.
    pub ids: Vec<(&'static str, String)>,
    /// Account names as the export writes them.
    pub names: Vec<String>,
    /// Email addresses, domains or website addresses.
    pub domains: Vec<String>,
}

impl Query {
    /// Describes how the row names its account, for the unmatched list.
    pub fn describe(&self) -> String {
        if let Some(name) = self.names.first() {
            return name.clone();
        }
        if let Some((key, id)) = self.ids.first() {
            return format!("{key} {id}");
        }
        self.domains
            .first()
            .cloned()
            .unwrap_or_else(|| "(no account named)".to_string())
    }

    /// Returns whether the row names no account at all.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty() && self.names.is_empty() && self.domains.is_empty()
    }
}

/// The vault's accounts indexed by id, name and domain.
#[derive(Debug)]
pub struct Matcher {
    /// Every account, existing ones first in folder order, then created ones.
    pub accounts: Vec<AccountPage>,
    accounts_folder: String,
    /// Accounts by id, per frontmatter key: one map for each key seen.
    by_id: Vec<(&'static str, IdMap)>,
    by_name: FxHashMap<String, usize>,
    by_domain: FxHashMap<String, usize>,
    /// Name keys and domains that more than one account gives, with every account that gives
    /// them. A row that names one of them matches none of these accounts, unless it spells an
    /// account's own name exactly.
    shared_names: FxHashMap<String, Vec<usize>>,
    shared_domains: FxHashMap<String, Vec<usize>>,
    rules: Vec<MatchRule>,
    suffixes: Vec<String>,
    ignore_domains: Vec<String>,
}

impl Matcher {
    /// Creates a matcher without accounts, for accounts under `accounts_folder`.
    pub fn new(accounts_folder: &str, config: &SourceConfig) -> Matcher {
        Matcher {
            accounts: Vec::new(),
            accounts_folder: accounts_folder.to_string(),
            by_id: Vec::new(),
            by_name: FxHashMap::default(),
            by_domain: FxHashMap::default(),
            shared_names: FxHashMap::default(),
            shared_domains: FxHashMap::default(),
            rules: config.matching.clone(),
            suffixes: config.name_suffixes.clone(),
            ignore_domains: config.ignore_domains.clone(),
        }
    }

    /// Indexes the account folders under `accounts_folder` (vault-relative) of the vault at
    /// `root`. An account without a readable Overview is matched by its folder name only.
    pub fn load(root: &Path, accounts_folder: &str, config: &SourceConfig) -> Matcher {
        let mut matcher = Matcher::new(accounts_folder, config);
        let mut folders: Vec<String> = std::fs::read_dir(root.join(accounts_folder))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| !name.starts_with('.'))
            .collect();
        folders.sort();
        // Reading and parsing the Overviews is most of the load, so it runs on rayon's pool;
        // `collect` keeps folder order, and indexing stays sequential.
        let pages: Vec<(AccountPage, Vec<String>)> = folders
            .par_iter()
            .map(|folder| {
                let rel = format!("{accounts_folder}/{folder}");
                // Read as the index reads notes: a UTF-8 or UTF-16 byte-order mark is understood,
                // so the page's ids and aliases match rows even where the import cannot write it.
                let overview = root.join(&rel).join("Overview.md");
                let text = crate::vault::discover::read_text(&overview).unwrap_or_default();
                let summary = crate::syntax::parse_frontmatter(frontmatter_only(&text));
                let page = page_from_summary(folder, &rel, &summary);
                let aliases = summary.frontmatter.map(|fm| fm.aliases).unwrap_or_default();
                (page, aliases)
            })
            .collect();
        for (page, aliases) in pages {
            matcher.add(page, &aliases);
        }
        matcher
    }

    fn add(&mut self, page: AccountPage, aliases: &[String]) -> usize {
        let index = self.accounts.len();
        for (key, id) in &page.ids {
            self.learn_id(key, id, index);
        }
        for name in std::iter::once(&page.name).chain(aliases) {
            let key = self.name_key(name);
            if !key.is_empty() {
                let first = *self.by_name.entry(key.clone()).or_insert(index);
                note_shared(&mut self.shared_names, key, first, index);
            }
        }
        for domain in &page.domains {
            let first = *self.by_domain.entry(domain.clone()).or_insert(index);
            note_shared(&mut self.shared_domains, domain.clone(), first, index);
        }
        self.accounts.push(page);
        index
    }

    /// Finds the account a row names, trying the configured rules in order.
    pub fn find(&self, query: &Query) -> Option<usize> {
        for rule in &self.rules {
            let found = match rule {
                MatchRule::Id => query.ids.iter().find_map(|(key, id)| self.find_id(key, id)),
                MatchRule::Name => query.names.iter().find_map(|name| self.find_name(name)),
                MatchRule::Domain => query.domains.iter().find_map(|text| self.find_domain(text)),
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// Finds the account whose frontmatter `key` (such as `salesforce_id`) is `id`, when ids are
    /// the first matching rule. A row whose id this finds matches that account whatever its
    /// other cells contain.
    pub fn find_by_id_first(&self, key: &str, id: &str) -> Option<usize> {
        if self.rules.first() != Some(&MatchRule::Id) {
            return None;
        }
        self.find_id(key, id)
    }

    /// Finds the account whose frontmatter `key` is `id`.
    fn find_id(&self, key: &str, id: &str) -> Option<usize> {
        let (_, ids) = self.by_id.iter().find(|(k, _)| *k == key)?;
        ids.get(&id_key(key, id))
    }

    /// Finds the account whose name or alias is `name` once case, punctuation and legal
    /// suffixes are set aside. When several accounts share that form, only an account whose own
    /// name is `name` (in any case) matches.
    fn find_name(&self, name: &str) -> Option<usize> {
        let key = self.name_key(name);
        match self.shared_names.get(&key) {
            None => self.by_name.get(&key).copied(),
            Some(sharers) => {
                let spelled = name.trim().to_lowercase();
                let mut exact = sharers
                    .iter()
                    .copied()
                    .filter(|&i| self.accounts[i].name.to_lowercase() == spelled);
                let first = exact.next()?;
                exact.next().is_none().then_some(first)
            }
        }
    }

    /// Returns the accounts a row could mean when it matches none because a name or domain it
    /// gives belongs to more than one account. Returns `None` for any other reason.
    pub fn ambiguity(&self, query: &Query) -> Option<&[usize]> {
        let by_name = query.names.iter().find_map(|name| {
            let sharers = self.shared_names.get(&self.name_key(name))?;
            self.find_name(name).is_none().then_some(sharers)
        });
        let by_domain = || {
            query.domains.iter().find_map(|text| {
                let mut domain = self.domain_of(text)?;
                loop {
                    if let Some(sharers) = self.shared_domains.get(&domain) {
                        return Some(sharers);
                    }
                    if self.by_domain.contains_key(&domain) {
                        return None;
                    }
                    let (_, parent) = domain.split_once('.')?;
                    if !parent.contains('.') {
                        return None;
                    }
                    domain = parent.to_string();
                }
            })
        };
        by_name.or_else(by_domain).map(Vec::as_slice)
    }

    /// Finds the account of an email address, domain or website, trying parent domains too. A
    /// domain that more than one account gives matches none of them.
    pub fn find_domain(&self, text: &str) -> Option<usize> {
        let mut domain = self.domain_of(text)?;
        loop {
            if self.shared_domains.contains_key(&domain) {
                return None;
            }
            if let Some(index) = self.by_domain.get(domain.as_str()) {
                return Some(*index);
            }
            let (_, parent) = domain.split_once('.')?;
            if !parent.contains('.') {
                return None;
            }
            domain = parent.to_string();
        }
    }

    /// Returns the domain part of an email address or website, lower-cased; `None` for webmail and
    /// ignored domains.
    pub fn domain_of(&self, text: &str) -> Option<String> {
        let domain = normalize_domain(text)?;
        (!self.ignore_domains.contains(&domain)).then_some(domain)
    }

    /// Registers an account that this run creates, named after the row, and returns it.
    pub fn create(&mut self, name: &str) -> Option<usize> {
        let folder_name = folder_name(name)?;
        let rel = format!("{}/{folder_name}", self.accounts_folder);
        if let Some(existing) = self.accounts.iter().position(|a| a.folder == rel) {
            return Some(existing);
        }
        let page = AccountPage {
            name: account_name_from_folder(&folder_name),
            folder: rel,
            ids: HashMap::new(),
            domains: Vec::new(),
            seats: None,
            created: true,
        };
        let aliases = vec![name.to_string()];
        Some(self.add(page, &aliases))
    }

    /// Records an id learnt from an export (an Account file's Salesforce Id, say), so later rows
    /// with that id match the account.
    pub fn learn_id(&mut self, key: &'static str, id: &str, account: usize) {
        let position = match self.by_id.iter().position(|(k, _)| *k == key) {
            Some(position) => position,
            None => {
                self.by_id.push((key, IdMap::default()));
                self.by_id.len() - 1
            }
        };
        self.by_id[position].1.insert_new(&id_key(key, id), account);
    }

    /// Normalises a name: lower case, punctuation and `_` as spaces, legal suffixes dropped.
    pub fn name_key(&self, name: &str) -> String {
        let cleaned: String = if name.is_ascii() {
            // The same as below for ASCII, without the Unicode tables.
            (name.bytes())
                .map(|b| match b {
                    b'0'..=b'9' | b'a'..=b'z' => char::from(b),
                    b'A'..=b'Z' => char::from(b.to_ascii_lowercase()),
                    _ => ' ',
                })
                .collect()
        } else {
            name.chars()
                .map(|c| if c.is_alphanumeric() { c } else { ' ' })
                .flat_map(char::to_lowercase)
                .collect()
        };
        let mut words: Vec<&str> = cleaned.split_whitespace().collect();
        while words.len() > 1
            && words
                .last()
                .is_some_and(|w| self.suffixes.iter().any(|s| s == w))
        {
            words.pop();
        }
        words.join(" ")
    }
}

/// Returns the frontmatter block at the top of a note (fences included), which is all the matcher
/// reads; the body is left unparsed.
fn frontmatter_only(text: &str) -> &str {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !body.starts_with("---") {
        return "";
    }
    let mut offset = 0;
    for (index, line) in body.split_inclusive('\n').enumerate() {
        offset += line.len();
        let trimmed = line.trim_end();
        if index > 0 && (trimmed == "---" || trimmed == "...") {
            return &body[..offset];
        }
    }
    ""
}

fn page_from_summary(folder: &str, rel: &str, summary: &crate::syntax::NoteSummary) -> AccountPage {
    let mut page = AccountPage {
        name: account_name_from_folder(folder),
        folder: rel.to_string(),
        ids: HashMap::new(),
        domains: Vec::new(),
        seats: None,
        created: false,
    };
    for field in summary
        .fields
        .iter()
        .filter(|f| f.source == FieldSource::Frontmatter)
    {
        let key = field.key.to_ascii_lowercase();
        let value = field.value.trim().trim_matches(['"', '\'']);
        if value.is_empty() {
            continue;
        }
        if let Some(id_key) = ID_KEYS.iter().find(|k| **k == key) {
            page.ids.insert(id_key, value.to_string());
        } else if key == "domain" || key == "domains" {
            page.domains.extend(
                value
                    .trim_matches(['[', ']'])
                    .split(',')
                    .filter_map(normalize_domain),
            );
        } else if key == "seats" {
            page.seats = super::values::parse_number(value).ok().filter(|s| *s > 0.0);
        }
    }
    page
}

/// Records that `index` gives `key` too, when `first` is another account that gave it first.
fn note_shared(
    shared: &mut FxHashMap<String, Vec<usize>>,
    key: String,
    first: usize,
    index: usize,
) {
    if first == index {
        return;
    }
    let sharers = shared.entry(key).or_insert_with(|| vec![first]);
    if !sharers.contains(&index) {
        sharers.push(index);
    }
}

/// Accounts by the comparable form of an id. Ids of up to 15 bytes, as Salesforce ids are
/// compared, are kept inside the table as numbers, so a lookup reads no other memory.
#[derive(Debug, Default)]
struct IdMap {
    short: FxHashMap<u128, usize>,
    long: FxHashMap<String, usize>,
}

impl IdMap {
    /// Packs an id of up to 15 bytes with its length, so that no two ids share a number.
    fn pack(id: &str) -> Option<u128> {
        let bytes = id.as_bytes();
        let mut packed = [0u8; 16];
        packed.get_mut(..bytes.len())?.copy_from_slice(bytes);
        packed[15] = u8::try_from(bytes.len()).ok().filter(|len| *len < 16)?;
        Some(u128::from_le_bytes(packed))
    }

    fn get(&self, id: &str) -> Option<usize> {
        match Self::pack(id) {
            Some(packed) => self.short.get(&packed).copied(),
            None => self.long.get(id).copied(),
        }
    }

    /// Adds `id` unless it is there already: the first account with an id keeps it.
    fn insert_new(&mut self, id: &str, account: usize) {
        match Self::pack(id) {
            Some(packed) => {
                self.short.entry(packed).or_insert(account);
            }
            None => {
                if !self.long.contains_key(id) {
                    self.long.insert(id.to_string(), account);
                }
            }
        }
    }
}

/// Returns the comparable form of an id: Salesforce ids by their case-sensitive 15-character prefix
/// (an 18-character id is the 15-character one plus a case checksum), others lower-cased.
fn id_key(key: &str, id: &str) -> Cell {
    let id = id.trim();
    if key == "salesforce_id" {
        // Ids are ASCII, so the fifteenth character usually ends at byte 15.
        let end = match id.as_bytes().get(..15) {
            Some(head) if head.is_ascii() => 15,
            _ => id.char_indices().nth(15).map_or(id.len(), |(i, _)| i),
        };
        Cell::from(&id[..end])
    } else if id.is_ascii() {
        // Kept inline up to 24 bytes, so that most lookups allocate nothing.
        let mut lower = Cell::from(id);
        lower.make_ascii_lowercase();
        lower
    } else {
        Cell::from(id.to_lowercase())
    }
}

/// Extracts the domain of an email address (`ana@sub.acme.com`), a website (`https://www.acme.com/x`)
/// or a bare domain, lower-cased; `None` when there is none.
pub fn normalize_domain(text: &str) -> Option<String> {
    let text = text.trim().trim_matches(['<', '>', '"']);
    let text = if text.is_ascii() {
        // The same as below for ASCII, without the Unicode tables.
        let mut lower = text.to_string();
        lower.make_ascii_lowercase();
        lower
    } else {
        text.to_lowercase()
    };
    let text = text.strip_prefix("mailto:").unwrap_or(&text);
    let host = match text.rsplit_once('@') {
        Some((_, host)) => host,
        None => {
            let without_scheme = text.split_once("://").map_or(text, |(_, rest)| rest);
            let host = without_scheme.split(['/', '?', '#']).next().unwrap_or("");
            host.strip_prefix("www.").unwrap_or(host)
        }
    };
    let host = host.split(':').next().unwrap_or(host).trim_end_matches('.');
    let valid = host.contains('.')
        && !host.starts_with('.')
        && (host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            || (host.chars()).all(|c| c.is_alphanumeric() || c == '.' || c == '-'));
    valid.then(|| host.to_string())
}

/// Makes a folder name for a new account, as `dex new-account` does. Spaces become `_`, and
/// characters that file systems reject are read as spaces. `None` when nothing is left.
pub fn folder_name(name: &str) -> Option<String> {
    crate::ide::generate::folder_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher() -> Matcher {
        let config = SourceConfig::defaults(chrono_tz::UTC);
        let mut matcher = Matcher::new("Active/Accounts", &config);
        let overview =
            "---\naliases: [Acme]\nsalesforce_id: 001000000000001AAA\ndomain: acme.com\n---\n";
        let summary = crate::syntax::parse(overview);
        let page = page_from_summary("Acme_Corp", "Active/Accounts/Acme_Corp", &summary);
        let aliases = summary.frontmatter.map(|fm| fm.aliases).unwrap_or_default();
        matcher.add(page, &aliases);
        matcher
    }

    fn names(name: &str) -> Query {
        Query {
            names: vec![name.to_string()],
            ..Query::default()
        }
    }

    #[test]
    fn names_match_across_case_punctuation_and_suffixes() {
        let m = matcher();
        for name in [
            "Acme Corp",
            "Acme_Corp",
            "ACME Corp.",
            "acme corp, inc.",
            "Acme",
        ] {
            assert_eq!(m.find(&names(name)), Some(0), "{name}");
        }
        assert_eq!(m.find(&names("Acme Labs")), None);
    }

    #[test]
    fn name_keys_of_ascii_and_other_names() {
        let m = matcher();
        let cases = [
            ("Acme Corp", "acme corp"),
            ("  ACME_corp. ", "acme corp"),
            ("Initech, Inc.", "initech"),
            ("Inc", "inc"),
            ("Globex\tHoldings\x0BLLC 2", "globex holdings llc 2"),
            ("Café Lumière GmbH", "café lumière"),
            ("ÅNGSTRÖM AB", "ångström ab"),
            ("Zoë's Corp", "zoë s corp"),
            ("", ""),
            ("!!!", ""),
        ];
        for (name, key) in cases {
            assert_eq!(m.name_key(name), key, "{name:?}");
        }
        // Every ASCII character, alone and between two words.
        for byte in 0..=127u8 {
            let name = format!("Ab{}Cd", char::from(byte));
            let unicode: String = (name.chars())
                .map(|c| if c.is_alphanumeric() { c } else { ' ' })
                .flat_map(char::to_lowercase)
                .collect();
            let expected = unicode.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(m.name_key(&name), expected, "{name:?}");
        }
    }

    #[test]
    fn ids_and_domains_match() {
        let m = matcher();
        let by_id = Query {
            ids: vec![("salesforce_id", "001000000000001".into())],
            ..Query::default()
        };
        assert_eq!(m.find(&by_id), Some(0));
        let by_email = Query {
            domains: vec!["ana@eu.acme.com".into()],
            ..Query::default()
        };
        assert_eq!(m.find(&by_email), Some(0));
        let webmail = Query {
            domains: vec!["ana@gmail.com".into()],
            ..Query::default()
        };
        assert_eq!(m.find(&webmail), None);
    }

    #[test]
    fn salesforce_ids_compare_by_their_first_fifteen_characters() {
        let key = |id| id_key("salesforce_id", id).to_string();
        assert_eq!(key(" 001000000000001AAA "), "001000000000001");
        assert_eq!(key("001000000000001"), "001000000000001");
        assert_eq!(key("00100"), "00100");
        assert_eq!(key("ÄÖÜ0000000000001xyz"), "ÄÖÜ000000000000");
        assert_eq!(key("00100000000000Ä1xyz"), "00100000000000Ä");
        assert_eq!(id_key("gainsight_id", "1P02Q7ZC"), "1p02q7zc");
    }

    #[test]
    fn shared_domain_matches_neither_account() {
        let config = SourceConfig::defaults(chrono_tz::UTC);
        let mut m = Matcher::new("Active/Accounts", &config);
        for folder in ["Acme_EU", "Acme_US", "Globex"] {
            let domain = if folder == "Globex" {
                "globex.com"
            } else {
                "acme.com"
            };
            let overview = format!("---\ndomain: {domain}\n---\n");
            let summary = crate::syntax::parse(&overview);
            let page = page_from_summary(folder, &format!("Active/Accounts/{folder}"), &summary);
            m.add(page, &[]);
        }
        let by_email = |email: &str| Query {
            domains: vec![email.into()],
            ..Query::default()
        };
        assert_eq!(m.find(&by_email("ana@eu.acme.com")), None);
        assert_eq!(m.ambiguity(&by_email("ana@eu.acme.com")), Some(&[0, 1][..]));
        assert_eq!(m.find(&by_email("bo@globex.com")), Some(2));
        assert_eq!(m.ambiguity(&by_email("bo@globex.com")), None);
    }

    #[test]
    fn ids_of_every_length_are_kept_apart() {
        let mut ids = IdMap::default();
        let texts = [
            "",
            "a",
            "a\0",
            "00100000000000",
            "001000000000001",
            "0010000000000012",
        ];
        for (account, id) in texts.iter().enumerate() {
            ids.insert_new(id, account);
        }
        ids.insert_new("a", 99);
        for (account, id) in texts.iter().enumerate() {
            assert_eq!(ids.get(id), Some(account), "{id:?}");
        }
        assert_eq!(ids.get("b"), None);
        assert_eq!(ids.get("00100000000000123"), None);
    }

    #[test]
    fn domains_from_addresses_and_sites() {
        assert_eq!(
            normalize_domain("https://www.acme.com/about"),
            Some("acme.com".into())
        );
        assert_eq!(
            normalize_domain("mailto:Ana@Acme.COM"),
            Some("acme.com".into())
        );
        assert_eq!(normalize_domain("not a domain"), None);
        assert_eq!(
            normalize_domain("<HTTPS://Shop.Example.CO.UK:8443/x>"),
            Some("shop.example.co.uk".into())
        );
        // Internationalised names lower-case as Unicode.
        assert_eq!(
            normalize_domain("Info@MÜLLER-Bäckerei.DE"),
            Some("müller-bäckerei.de".into())
        );
        assert_eq!(normalize_domain("acme_corp.com"), None);
    }

    #[test]
    fn folder_names_are_safe() {
        assert_eq!(
            folder_name("Globex: Holdings / EU"),
            Some("Globex_Holdings_EU".into())
        );
        assert_eq!(folder_name("A/B: C*?"), Some("A_B_C".into()));
        assert_eq!(folder_name(" ... "), None);
    }
}
