//! Line-based edits of YAML frontmatter: set the keys an import owns and keep every other byte
//! of the block (key order, comments, quoting, line endings) as the user wrote it.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::block::Cell;
use super::values::format_amount;
use crate::syntax::yaml;
use crate::text::join_lines;

/// A value the import writes.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A number, written without a fraction when whole.
    Number(f64),
    /// A date, written `YYYY-MM-DD`.
    Date(NaiveDate),
    /// Text, written on one line (see [`join_lines`]) and quoted when YAML would read it as
    /// something else, so the property reads back as the joined text. Kept inline when short.
    Text(Cell),
    /// YAML written as it is, such as a flow list; compared as text.
    Raw(String),
}

impl Value {
    /// Renders the YAML text of the value.
    pub fn render(&self) -> String {
        match self {
            Value::Number(n) => format_amount(*n).into(),
            Value::Date(d) => d.to_string(),
            Value::Text(t) => yaml::render_scalar(&join_lines(t)).into_owned(),
            Value::Raw(r) => r.clone(),
        }
    }

    /// Returns whether `existing` (the YAML text after the colon) already has this value. Quoted
    /// text is compared by the string it reads as, so `"yes"` and `'yes'` both have the text
    /// `yes`.
    pub fn same_as(&self, existing: &str) -> bool {
        let read = || yaml::read_scalar(existing);
        match self {
            Value::Number(n) => read().is_some_and(|old| {
                super::values::parse_number(&old).is_ok_and(|old| (old - n).abs() < 0.005)
            }),
            Value::Date(d) => read().is_some_and(|old| old.trim() == d.to_string()),
            Value::Text(t) => read().is_some_and(|old| {
                let text = join_lines(t);
                strip_link_text(&old) == text || old == text
            }),
            Value::Raw(r) => existing.trim() == r.trim(),
        }
    }
}

/// When the import may write a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// The import owns the key: it writes it whenever the value differs.
    Owned,
    /// The key is the user's once written: the import only fills it in when it is missing.
    FillIn,
}

/// Sets `updates` in the frontmatter of `text` and returns the new text with one line per
/// change; other lines keep their bytes. A note without frontmatter gets a new block at the top
/// (after a byte order mark, if any).
pub fn update(text: &str, updates: &[(&str, Value, Policy)]) -> (String, Vec<String>) {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let eol = if body.contains("\r\n") { "\r\n" } else { "\n" };
    let mut lines: Vec<String> = body.split_inclusive('\n').map(str::to_string).collect();
    let closing = closing_fence(&lines);
    let mut changes = Vec::new();
    let Some(mut closing) = closing else {
        let mut block = format!("---{eol}");
        for (key, value, _) in updates {
            let _ = write!(block, "{key}: {}{eol}", value.render());
            changes.push(format!("{key}: set to {}", value.render()));
        }
        if updates.is_empty() {
            return (text.to_string(), changes);
        }
        let _ = write!(block, "---{eol}");
        return (format!("{bom}{block}{body}"), changes);
    };
    for (key, value, policy) in updates {
        let found =
            (1..closing).find(|&i| key_of(&lines[i]).is_some_and(|k| k.eq_ignore_ascii_case(key)));
        match found {
            Some(i) => {
                let continuation = (i + 1..closing)
                    .take_while(|&j| {
                        lines[j].starts_with([' ', '\t']) || lines[j].trim_start().starts_with("- ")
                    })
                    .count();
                let line = lines[i].clone();
                let content = line.trim_end_matches(['\n', '\r']);
                let line_eol = &line[content.len()..];
                let colon = content.find(':').unwrap_or(content.len());
                let after = &content[colon + 1..];
                let (value_text, comment) = split_comment(after);
                let empty = value_text.trim().is_empty() && continuation == 0;
                if *policy == Policy::FillIn && !empty {
                    continue;
                }
                if continuation == 0 && value.same_as(value_text) {
                    continue;
                }
                let old = value_text.trim();
                let new_line = format!(
                    "{}: {}{}{}",
                    &content[..colon],
                    value.render(),
                    comment,
                    line_eol
                );
                changes.push(if empty {
                    format!("{key}: set to {}", value.render())
                } else if continuation > 0 {
                    format!("{key}: replaced a multi-line value with {}", value.render())
                } else {
                    format!("{key}: {old} -> {}", value.render())
                });
                lines.splice(i..=i + continuation, [new_line]);
                closing -= continuation;
            }
            None => {
                lines.insert(closing, format!("{key}: {}{eol}", value.render()));
                closing += 1;
                changes.push(format!("{key}: set to {}", value.render()));
            }
        }
    }
    (format!("{bom}{}", lines.concat()), changes)
}

/// Finds the index of the line that closes the frontmatter, when `lines` start with one.
fn closing_fence<S: AsRef<str>>(lines: &[S]) -> Option<usize> {
    let is_fence = |line: &str, closing: bool| {
        let t = line.trim_end_matches(['\n', '\r']).trim_end();
        t == "---" || (closing && t == "...")
    };
    if !lines.first().is_some_and(|l| is_fence(l.as_ref(), false)) {
        return None;
    }
    lines
        .iter()
        .skip(1)
        .position(|l| is_fence(l.as_ref(), true))
        .map(|i| i + 1)
}

/// Reads the value text of the top-level frontmatter key `key`, without a trailing comment.
/// Returns `None` when the key is missing or its value spans several lines.
pub fn value_text(text: &str, key: &str) -> Option<String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = body.split_inclusive('\n').collect();
    let closing = closing_fence(&lines)?;
    let i =
        (1..closing).find(|&i| key_of(lines[i]).is_some_and(|k| k.eq_ignore_ascii_case(key)))?;
    let continues = lines.get(i + 1).is_some_and(|l| {
        i + 1 < closing && (l.starts_with([' ', '\t']) || l.trim_start().starts_with("- "))
    });
    let content = lines[i].trim_end_matches(['\n', '\r']);
    let (_, after) = content.split_once(':')?;
    let value = split_comment(after).0.trim();
    (!continues && !value.is_empty()).then(|| value.to_string())
}

/// The key of a top-level `key: value` line.
fn key_of(line: &str) -> Option<&str> {
    if line.starts_with([' ', '\t', '-', '#']) {
        return None;
    }
    let (key, _) = line.split_once(':')?;
    let key = key.trim().trim_matches(['"', '\'']);
    (!key.is_empty()).then_some(key)
}

/// Splits ` value # comment` into the value and the comment (with its leading space).
fn split_comment(after: &str) -> (&str, &str) {
    let value = crate::syntax::strip_yaml_comment(after);
    (value, &after[value.len()..])
}

/// Removes `[[` `]]` and any `|alias` around a link written as a value.
fn strip_link_text(value: &str) -> &str {
    let value = value.trim();
    let inner = value
        .strip_prefix("[[")
        .and_then(|v| v.strip_suffix("]]"))
        .unwrap_or(value);
    inner.split('|').next().unwrap_or(inner).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_keys_change_and_others_stay() {
        let text = "\u{feff}---\r\ntype: account\r\narr: 240000 # finance\r\naliases: [A]\r\n---\r\nBody\r\n";
        let (new, changes) = update(
            text,
            &[
                ("arr", Value::Number(250_000.0), Policy::Owned),
                ("owner", Value::Text("Dana Whit".into()), Policy::Owned),
            ],
        );
        assert_eq!(
            new,
            "\u{feff}---\r\ntype: account\r\narr: 250000 # finance\r\naliases: [A]\r\nowner: Dana Whit\r\n---\r\nBody\r\n"
        );
        assert_eq!(
            changes,
            vec!["arr: 240000 -> 250000", "owner: set to Dana Whit"]
        );
        let (again, changes) = update(&new, &[("arr", Value::Number(250_000.0), Policy::Owned)]);
        assert_eq!(again, new);
        assert!(changes.is_empty());
    }

    #[test]
    fn fill_in_keys_and_links() {
        let text = "---\ndomain: acme.com\ncsm: \"[[Maya Okafor]]\"\n---\n";
        let (new, changes) = update(
            text,
            &[
                ("domain", Value::Text("other.com".into()), Policy::FillIn),
                ("csm", Value::Text("Maya Okafor".into()), Policy::Owned),
            ],
        );
        assert_eq!(new, text);
        assert!(changes.is_empty());
    }

    #[test]
    fn value_text_of_keys() {
        let text = "\u{feff}---\r\narr: 250000 # finance\r\nowner: \"Dana Whitfield\"\r\naliases:\r\n  - A\r\n---\r\nnps: 7\r\n";
        assert_eq!(value_text(text, "arr").as_deref(), Some("250000"));
        assert_eq!(
            value_text(text, "Owner").as_deref(),
            Some("\"Dana Whitfield\"")
        );
        assert_eq!(value_text(text, "aliases"), None);
        assert_eq!(value_text(text, "nps"), None);
        assert_eq!(value_text("# no frontmatter\n", "arr"), None);
    }

    #[test]
    fn text_values_read_back_and_stay_unchanged() {
        let texts = [
            "Banking\nand Finance",
            "Bank\n---\nevil: yes",
            "a\r\nb\rc\u{b}d\u{c}e\u{85}f\u{2028}g\u{2029}h",
            "O'Brien: #1 [lead]",
            "He said \"hi\" \\ back",
            "a\" # not a comment",
            "- item",
            "*ref &anchor !tag",
            "%percent",
            "@maya",
            "`tick`",
            "| pipe",
            "> folded",
            "{map}",
            "---",
            "yes",
            "null",
            "0123",
            "1e5",
            "2026-03-15",
            "tab\there",
            "  padded  ",
        ];
        for text in texts {
            let expected = join_lines(text);
            let note = "---\ntype: account\nindustry: Retail # from CRM\n---\nBody\n";
            let updates = [("industry", Value::Text(text.into()), Policy::Owned)];
            let (new, changes) = update(note, &updates);
            assert_eq!(changes.len(), 1, "{text:?}");
            let yaml = new
                .strip_prefix("---\n")
                .and_then(|rest| rest.split_once("---\n"))
                .map(|(yaml, _)| yaml)
                .unwrap();
            let docs = yaml_rust2::YamlLoader::load_from_str(yaml)
                .unwrap_or_else(|err| panic!("{text:?}: {err}\n{new}"));
            assert_eq!(
                docs[0]["industry"].as_str(),
                Some(expected.as_ref()),
                "{new}"
            );
            assert_eq!(docs[0]["type"].as_str(), Some("account"), "{new}");
            assert!(new.ends_with(" # from CRM\n---\nBody\n"), "{new}");
            let (again, changes) = update(&new, &updates);
            assert_eq!(again, new, "{text:?}");
            assert!(changes.is_empty(), "{text:?}: {changes:?}");
        }
    }

    #[test]
    fn new_frontmatter_and_quoting() {
        let (new, _) = update(
            "# Title\n",
            &[(
                "stage",
                Value::Text("3 - Adopt: Pilot".into()),
                Policy::Owned,
            )],
        );
        assert_eq!(new, "---\nstage: \"3 - Adopt: Pilot\"\n---\n# Title\n");
    }
}
