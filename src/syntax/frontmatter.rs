//! YAML frontmatter: the properties block at the top of a note.

use yaml_rust2::{Yaml, YamlLoader};

use super::{Field, FieldSource, Problem, ProblemKind, Tag};
use crate::text::{TextRange, to_size};

/// Properties read from a note's frontmatter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frontmatter {
    /// The whole block, fences included.
    pub range: TextRange,
    /// `aliases` (or the older `alias`), as a list or a comma-separated string.
    pub aliases: Vec<String>,
    /// `type`, lower-cased (`account`, `person`, ...).
    pub kind: Option<String>,
    /// `account`, with link brackets removed.
    pub account: Option<String>,
    /// `date`, as written.
    pub date: Option<String>,
    /// `updated`, as written: the day the note's content was last brought up to date.
    pub updated: Option<String>,
    /// `status`, lower-cased.
    pub status: Option<String>,
    /// `role`.
    pub role: Option<String>,
    /// `csm`, with link brackets removed.
    pub csm: Option<String>,
    /// `email`, as written.
    pub email: Option<String>,
}

/// What parsing the frontmatter adds to a summary.
pub(super) struct Parsed {
    pub frontmatter: Frontmatter,
    pub tags: Vec<Tag>,
    pub fields: Vec<Field>,
    pub problem: Option<Problem>,
}

/// Parses the YAML `content` of a frontmatter block. `content_start` is the byte offset of the
/// content in the note; `range` is the whole block. When `with_fields` is set, every scalar
/// property also becomes a field.
pub(super) fn parse(
    content: &str,
    content_start: u32,
    range: TextRange,
    with_fields: bool,
) -> Parsed {
    let mut parsed = Parsed {
        frontmatter: Frontmatter {
            range,
            ..Frontmatter::default()
        },
        tags: Vec::new(),
        fields: Vec::new(),
        problem: None,
    };
    let lines = top_level_lines(content, content_start);
    let docs = match YamlLoader::load_from_str(content) {
        Ok(docs) => docs,
        Err(err) => {
            let line = err.marker().line().saturating_sub(1);
            let line_range = line_range_of(content, content_start, line).unwrap_or(range);
            parsed.problem = Some(Problem {
                kind: ProblemKind::InvalidFrontmatter(err.info().to_string()),
                range: line_range,
            });
            return parsed;
        }
    };
    let Some(Yaml::Hash(map)) = docs.into_iter().next() else {
        return parsed;
    };
    for (key, value) in map {
        let Some(key) = yaml_scalar(&key) else {
            continue;
        };
        let line = lines
            .iter()
            .find(|line| line.key.eq_ignore_ascii_case(&key));
        let key_range = line.map_or(range, |line| line.key_range);
        let value_range = line.map_or(range, |line| line.value_range);
        apply_key(&mut parsed, &key, &value, value_range);
        if !with_fields {
            continue;
        }
        if let Some(value) = yaml_scalar(&value) {
            parsed.fields.push(Field {
                key,
                value,
                source: FieldSource::Frontmatter,
                key_range,
                value_range,
            });
        }
    }
    parsed
}

fn apply_key(parsed: &mut Parsed, key: &str, value: &Yaml, value_range: TextRange) {
    let fm = &mut parsed.frontmatter;
    let is = |name: &str| key.eq_ignore_ascii_case(name);
    if is("aliases") || is("alias") {
        fm.aliases.extend(yaml_list(value));
    } else if is("tags") || is("tag") {
        parsed
            .tags
            .extend(yaml_tags(value).into_iter().map(|name| Tag {
                name,
                range: value_range,
            }));
    } else if is("type") {
        fm.kind = yaml_scalar(value).map(|v| v.to_lowercase());
    } else if is("account") {
        fm.account = yaml_scalar(value).map(|v| strip_link(&v).to_string());
    } else if is("date") {
        fm.date = yaml_scalar(value);
    } else if is("updated") {
        fm.updated = yaml_scalar(value);
    } else if is("status") {
        fm.status = yaml_scalar(value).map(|v| v.to_lowercase());
    } else if is("role") {
        fm.role = yaml_scalar(value);
    } else if is("csm") {
        fm.csm = yaml_scalar(value).map(|v| strip_link(&v).to_string());
    } else if is("email") {
        fm.email = yaml_scalar(value);
    }
}

/// Strips a trailing ` # comment` from a YAML value; a `#` inside quotes stays. Inside double
/// quotes a backslash escapes the next character, so `\"` does not end the quoted text.
pub fn strip_yaml_comment(value: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match (quote, c) {
            _ if escaped => escaped = false,
            (Some('"'), '\\') => escaped = true,
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if previous.is_whitespace() => return value[..i].trim_end(),
            _ => {}
        }
        previous = c;
    }
    value
}

/// Removes `[[` `]]` around a link written as a property value, and any `|alias`.
pub fn strip_link(value: &str) -> &str {
    let value = value.trim();
    let inner = value
        .strip_prefix("[[")
        .and_then(|v| v.strip_suffix("]]"))
        .unwrap_or(value);
    inner.split('|').next().unwrap_or(inner).trim()
}

fn yaml_scalar(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

fn yaml_list(value: &Yaml) -> Vec<String> {
    match value {
        Yaml::Array(items) => items
            .iter()
            .filter_map(yaml_scalar)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        other => yaml_scalar(other)
            .map(|s| {
                s.split(',')
                    .map(|part| part.trim().to_string())
                    .filter(|part| !part.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// Reads the tag names of a `tags` value without their `#`. A tag contains no comma or
/// whitespace, so a string and each list item split on both, as Dataview's `extractTags`
/// (`src/data-import/markdown-file.ts`) splits them.
/// NOTE: a third-party reading of Obsidian 1.12's bundle finds that Obsidian drops a value with
/// a space instead of splitting it.
fn yaml_tags(value: &Yaml) -> Vec<String> {
    let items: Vec<String> = match value {
        Yaml::Array(items) => items.iter().filter_map(yaml_scalar).collect(),
        other => yaml_scalar(other).into_iter().collect(),
    };
    items
        .iter()
        .flat_map(|item| item.split(|c: char| c == ',' || c.is_whitespace()))
        .map(|name| name.trim_start_matches('#'))
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

struct KeyLine<'a> {
    key: &'a str,
    key_range: TextRange,
    value_range: TextRange,
}

/// Finds `key: value` lines at the top level of the YAML text, for ranges.
fn top_level_lines(content: &str, content_start: u32) -> Vec<KeyLine<'_>> {
    let mut lines = Vec::new();
    let mut offset = 0usize;
    for raw in content.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        if let Some(colon) = line.find(':') {
            let key = &line[..colon];
            if !key.is_empty() && !key.starts_with([' ', '\t', '-', '#']) {
                // The value's range stops before a trailing ` # comment`.
                let value = strip_yaml_comment(&line[colon + 1..]);
                let value_start = colon + 1 + (value.len() - value.trim_start().len());
                let value_end = colon + 1 + value.trim_end().len();
                let start = content_start + to_size(offset);
                lines.push(KeyLine {
                    key: key.trim().trim_matches(['"', '\'']),
                    key_range: TextRange::new(start, start + to_size(colon)),
                    value_range: TextRange::new(
                        start + to_size(value_start),
                        start + to_size(value_end.max(value_start)),
                    ),
                });
            }
        }
        offset += raw.len();
    }
    lines
}

/// Range of zero-based line `line` of `content`.
fn line_range_of(content: &str, content_start: u32, line: usize) -> Option<TextRange> {
    let mut offset = 0usize;
    for (number, raw) in content.split_inclusive('\n').enumerate() {
        if number == line {
            let len = raw.trim_end_matches(['\n', '\r']).len();
            let start = content_start + to_size(offset);
            return Some(TextRange::new(start, start + to_size(len)));
        }
        offset += raw.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::strip_yaml_comment;

    #[test]
    fn comments_after_quoted_values() {
        let cases = [
            (" plain # note", " plain"),
            (" a#b", " a#b"),
            (r#" "a \" # b" # note"#, r#" "a \" # b""#),
            (r#" "ends in \\" # note"#, r#" "ends in \\""#),
            (" 'it''s # kept' # note", " 'it''s # kept'"),
            (r" 'back\' # note", r" 'back\'"),
        ];
        for (value, expected) in cases {
            assert_eq!(strip_yaml_comment(value), expected, "{value}");
        }
    }
}
