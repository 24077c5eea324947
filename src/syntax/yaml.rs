//! YAML scalars as Dex writes them into frontmatter. Text is quoted only where YAML would read
//! the plain form as something else, and a property's value text is read back as a string.
//! The `{{name}}` placeholders of a note template are filled so the frontmatter keeps its
//! structure.
//!
//! Quoting follows YAML 1.2 and also the YAML 1.1 forms (`yes`, `on`, `0123`, `12:30`, dates)
//! that older readers still resolve, so a value reads back as the same string in either.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use yaml_rust2::{Yaml, YamlLoader};

use crate::text::join_lines;

/// Plain scalars that YAML 1.1 or 1.2 reads as an integer or a float: decimal, binary, octal
/// and hexadecimal integers, sexagesimal numbers (`12:30`), `_` separators, exponents, `.inf`
/// and `.nan`.
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^[-+]?(?:0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+",
        r"|[0-9][0-9_]*(?::[0-5]?[0-9])*(?:\.[0-9_.]*)?(?:[eE][-+]?[0-9]+)?",
        r"|\.[0-9_.]+(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF))$",
        r"|^\.(?:nan|NaN|NAN)$"
    ))
    .expect("valid regex")
});

/// The start of a YAML 1.1 timestamp: `2026-03-15`, `2026-3-5`, or either followed by a time.
static TIMESTAMP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}").expect("valid regex"));

/// Renders `text` as the scalar of a `key: value` line: plain when YAML reads the plain form
/// back as the same string, else double-quoted. Text that looks like a date is quoted too, so
/// it stays text for readers that resolve YAML 1.1 timestamps.
pub fn render_scalar(text: &str) -> Cow<'_, str> {
    if breaks_plain(text, false) || reads_as_other_type(text) || TIMESTAMP.is_match(text) {
        Cow::Owned(double_quoted(text))
    } else {
        Cow::Borrowed(text)
    }
}

/// Renders `text` as a double-quoted YAML scalar. `"` and `\` are escaped, and so is every
/// character that YAML does not allow as it is or reads as a line break (tab, C0 and C1
/// controls, U+2028, U+2029, a byte order mark, U+FFFE and U+FFFF).
pub fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    push_double_quoted_content(&mut out, text);
    out.push('"');
    out
}

/// Appends `text` escaped for the inside of a double-quoted scalar.
fn push_double_quoted_content(out: &mut String, text: &str) {
    for c in text.chars() {
        let escape = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\0' => "\\0",
            '\u{7}' => "\\a",
            '\u{8}' => "\\b",
            '\t' => "\\t",
            '\n' => "\\n",
            '\u{b}' => "\\v",
            '\u{c}' => "\\f",
            '\r' => "\\r",
            '\u{1b}' => "\\e",
            '\u{85}' => "\\N",
            '\u{2028}' => "\\L",
            '\u{2029}' => "\\P",
            c if !is_printable(c) => {
                let code = u32::from(c);
                let _ = if code <= 0xFF {
                    std::fmt::Write::write_fmt(out, format_args!("\\x{code:02X}"))
                } else if code <= 0xFFFF {
                    std::fmt::Write::write_fmt(out, format_args!("\\u{code:04X}"))
                } else {
                    std::fmt::Write::write_fmt(out, format_args!("\\U{code:08X}"))
                };
                continue;
            }
            c => {
                out.push(c);
                continue;
            }
        };
        out.push_str(escape);
    }
}

/// Returns whether YAML allows `c` as it is inside a scalar on one line: the printable
/// characters of YAML 1.2 without the byte order mark.
fn is_printable(c: char) -> bool {
    matches!(u32::from(c), 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x1_0000..)
        && c != '\u{feff}'
}

/// Returns whether `text` written as a plain scalar would not read back as exactly `text`: it
/// is empty, has whitespace at either end, has a character that needs an escape, starts with
/// an indicator, or contains `: ` or ` #`. In a flow collection (`flow`), `,[]{}` and `:` end the
/// scalar as well.
fn breaks_plain(text: &str, flow: bool) -> bool {
    let Some(first) = text.chars().next() else {
        return true;
    };
    let indicator = matches!(
        first,
        '-' | '?'
            | ':'
            | ','
            | '['
            | ']'
            | '{'
            | '}'
            | '#'
            | '&'
            | '*'
            | '!'
            | '|'
            | '>'
            | '\''
            | '"'
            | '%'
            | '@'
            | '`'
    );
    indicator
        || text.starts_with(char::is_whitespace)
        || text.ends_with(char::is_whitespace)
        || text.ends_with(':')
        || text.chars().any(|c| !is_printable(c))
        || text.contains(": ")
        || text.contains(" #")
        || (flow && text.contains([',', '[', ']', '{', '}', ':']))
}

/// Returns whether YAML 1.1 or 1.2 reads the plain scalar `text` as a null, a boolean or a
/// number, or as a merge or value key.
fn reads_as_other_type(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "" | "~" | "null" | "y" | "n" | "yes" | "no" | "true" | "false" | "on" | "off" | "<<" | "="
    ) || NUMBER.is_match(text)
        // Rust also reads `inf`, `infinity` and `nan`, which some YAML readers accept too.
        || text.parse::<f64>().is_ok()
}

/// Reads the value text of a `key: value` line (without its comment) as a string: a quoted
/// scalar unescaped, a plain one trimmed. Returns `None` for a quoted scalar that
/// is not valid YAML.
pub fn read_scalar(value: &str) -> Option<Cow<'_, str>> {
    let value = value.trim();
    if !value.starts_with(['"', '\'']) {
        return Some(Cow::Borrowed(value));
    }
    match YamlLoader::load_from_str(value).ok()?.into_iter().next()? {
        Yaml::String(text) => Some(Cow::Owned(text)),
        _ => None,
    }
}

/// Fills the `{{name}}` placeholders of a note template with `values`. Inside the frontmatter a
/// value is put on one line and escaped for its place: inside a double- or single-quoted
/// scalar, or in a plain scalar. A plain scalar is double-quoted when the filled text would
/// otherwise change the YAML structure or read as a null, boolean or number. A date stays
/// plain, so `date: {{date}}` stays a date. In the body, values are written as they are.
/// Placeholders that `values` does not name are left as they are.
pub fn fill_placeholders(template: &str, values: &[(&str, &str)]) -> String {
    let (bom, text) = match template.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", template),
    };
    let Some(body_start) = frontmatter_end(text) else {
        return format!(
            "{bom}{}",
            fill(text, values, |value, out| out.push_str(value))
        );
    };
    let first_line = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut out = String::with_capacity(template.len() + 32);
    out.push_str(bom);
    out.push_str(&text[..first_line]);
    let mut filler = FrontmatterFiller {
        values,
        out: &mut out,
        flow_depth: 0,
        quote: None,
        block_scalar_indent: None,
    };
    for line in text[first_line..body_start].split_inclusive('\n') {
        filler.fill_line(line);
    }
    let body = fill(&text[body_start..], values, |value, out| {
        out.push_str(value);
    });
    out.push_str(&body);
    out
}

/// Returns the byte offset of the line that closes the frontmatter of `text` (`---` or `...`),
/// or `None` when `text` has no closed frontmatter.
fn frontmatter_end(text: &str) -> Option<usize> {
    let is_fence = |line: &str, closing: bool| {
        let line = line.trim_end();
        line == "---" || (closing && line == "...")
    };
    let mut lines = text.split_inclusive('\n');
    if !is_fence(lines.next()?, false) {
        return None;
    }
    let mut offset = text.find('\n')? + 1;
    for line in lines {
        offset += line.len();
        if is_fence(line, true) {
            return Some(offset - line.len());
        }
    }
    None
}

/// Replaces each `{{name}}` of `text` that `values` names, writing the value (on one line for
/// the frontmatter) through `write`.
fn fill(text: &str, values: &[(&str, &str)], write: impl Fn(&str, &mut String)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let candidate = &rest[at..];
        let found = placeholder_len(candidate).and_then(|len| {
            let name = &candidate[2..len - 2];
            values
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (len, *value))
        });
        match found {
            Some((len, value)) => {
                write(value, &mut out);
                rest = &candidate[len..];
            }
            None => {
                out.push_str("{{");
                rest = &candidate[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Returns the length of the `{{name}}` placeholder that `text` starts with, if any. A name is
/// ASCII letters, digits and `_`.
fn placeholder_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix("{{")?;
    let name_len = inner
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    (name_len > 0 && inner[name_len..].starts_with("}}")).then_some(name_len + 4)
}

/// Fills the frontmatter of a template line by line, keeping track of flow collections, quoted
/// scalars and block scalars across lines.
struct FrontmatterFiller<'a> {
    values: &'a [(&'a str, &'a str)],
    out: &'a mut String,
    /// How many `[` and `{` are open.
    flow_depth: usize,
    /// The quote character of a quoted scalar still open at the end of the previous line.
    quote: Option<char>,
    /// The indentation of the line that started a `|` or `>` block scalar, while in one.
    block_scalar_indent: Option<usize>,
}

impl FrontmatterFiller<'_> {
    fn fill_line(&mut self, line: &str) {
        let content = line.trim_end_matches(['\n', '\r']);
        let eol = &line[content.len()..];
        let indent = content.len() - content.trim_start_matches(' ').len();
        if self.continues_block_scalar(content, indent) {
            self.push_as_text(content);
            self.out.push_str(eol);
            return;
        }

        let mut i = 0;
        // Where the plain scalar being read starts, and how far `content` is written out.
        let mut plain_start: Option<usize> = None;
        let mut written = 0;
        while i < content.len() {
            if let Some(quote) = self.quote {
                i = self.push_quoted_from(content, i, quote);
                written = i;
                continue;
            }

            let rest = &content[i..];
            if let Some(len) = placeholder_len(rest) {
                if plain_start.is_none() {
                    self.out.push_str(&content[written..i]);
                    written = i;
                    plain_start = Some(i);
                }
                i += len;
                continue;
            }

            let c = rest.chars().next().unwrap_or(' ');
            let next_is_space = rest[c.len_utf8()..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace);
            let after_space = i == 0 || content[..i].ends_with([' ', '\t']);

            if let Some(start) = plain_start {
                let ends = (c == ':' && next_is_space)
                    || (c == '#' && after_space)
                    || (self.flow_depth > 0 && matches!(c, ',' | '[' | ']' | '{' | '}'));
                if ends {
                    self.push_plain(&content[start..i]);
                    written = i;
                    plain_start = None;
                } else {
                    i += c.len_utf8();
                }
                continue;
            }

            match c {
                ' ' | '\t' => i += 1,
                '#' => {
                    // A comment runs to the end of the line.
                    self.out.push_str(&content[written..i]);
                    self.push_as_text(&content[i..]);
                    written = content.len();
                    i = content.len();
                }
                '"' | '\'' => {
                    self.out.push_str(&content[written..=i]);
                    self.quote = Some(c);
                    i += 1;
                    written = i;
                }
                '[' | '{' => {
                    self.flow_depth += 1;
                    i += 1;
                }
                ']' | '}' => {
                    self.flow_depth = self.flow_depth.saturating_sub(1);
                    i += 1;
                }
                ',' if self.flow_depth > 0 => i += 1,
                '-' | '?' | ':' if next_is_space => i += 1,
                '&' | '*' | '!' => {
                    // An anchor, alias or tag runs to the next space or flow indicator.
                    let flow = self.flow_depth > 0;
                    let len = rest
                        .find(|c: char| c.is_whitespace() || (flow && ",[]{}".contains(c)))
                        .unwrap_or(rest.len());
                    i += len;
                }
                '|' | '>' if self.flow_depth == 0 => {
                    // The lines below that are indented further are the block scalar's text.
                    self.block_scalar_indent = Some(indent);
                    self.out.push_str(&content[written..i]);
                    self.push_as_text(&content[i..]);
                    written = content.len();
                    i = content.len();
                }
                _ => {
                    self.out.push_str(&content[written..i]);
                    written = i;
                    plain_start = Some(i);
                    i += c.len_utf8();
                }
            }
        }

        if let Some(start) = plain_start {
            self.push_plain(&content[start..]);
            written = content.len();
        }
        self.out.push_str(&content[written..]);
        self.out.push_str(eol);
    }

    /// Returns whether a line with `content` and `indent` spaces belongs to the block scalar
    /// being read, and ends the block scalar when it does not.
    fn continues_block_scalar(&mut self, content: &str, indent: usize) -> bool {
        let Some(block_indent) = self.block_scalar_indent else {
            return false;
        };
        if content.trim().is_empty() || indent > block_indent {
            return true;
        }
        self.block_scalar_indent = None;
        false
    }

    /// Writes the quoted scalar text that continues at byte `from` of `content`, and its closing
    /// quote when the line has it. Returns the offset after what it wrote.
    fn push_quoted_from(&mut self, content: &str, from: usize, quote: char) -> usize {
        let (end, closed) = quoted_end(content, from, quote);
        self.push_quoted(&content[from..end], quote);
        if !closed {
            return end;
        }
        self.out.push(quote);
        self.quote = None;
        end + 1
    }

    /// Writes a plain scalar of the template (with any whitespace after it) with its
    /// placeholders filled, double-quoted when the filled text needs it.
    fn push_plain(&mut self, segment: &str) {
        let scalar = segment.trim_end();
        let trailing = &segment[scalar.len()..];
        let filled = fill(scalar, self.values, |value, out| {
            out.push_str(&join_lines(value));
        });
        if filled != scalar
            && (breaks_plain(&filled, self.flow_depth > 0) || reads_as_other_type(&filled))
        {
            self.out.push_str(&double_quoted(&filled));
        } else {
            self.out.push_str(&filled);
        }
        self.out.push_str(trailing);
    }

    /// Writes the inside of a quoted scalar with its placeholders filled and escaped.
    fn push_quoted(&mut self, text: &str, quote: char) {
        let filled = fill(text, self.values, |value, out| {
            let value = join_lines(value);
            if quote == '"' {
                push_double_quoted_content(out, &value);
            } else {
                // NOTE: a single-quoted scalar has no escapes, so a control character in a
                // value stays as it is there.
                out.push_str(&value.replace('\'', "''"));
            }
        });
        self.out.push_str(&filled);
    }

    /// Writes text that YAML reads as it is (a comment, a block scalar line) with its
    /// placeholders filled on one line.
    fn push_as_text(&mut self, text: &str) {
        let filled = fill(text, self.values, |value, out| {
            out.push_str(&join_lines(value));
        });
        self.out.push_str(&filled);
    }
}

/// Finds the end of a quoted scalar's text that continues at byte `from` of `line`: the offset
/// of its closing quote and `true`, or the end of the line and `false`.
fn quoted_end(line: &str, from: usize, quote: char) -> (usize, bool) {
    let bytes = line.as_bytes();
    let double = quote == '"';
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if double => i += 2,
            b'"' if double => return (i, true),
            b'\'' if !double && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b'\'' if !double => return (i, true),
            _ => i += 1,
        }
    }
    (line.len(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads `key: <scalar>` with yaml-rust2, the reader Dex parses frontmatter with.
    fn read_back(scalar: &str) -> Yaml {
        let docs = YamlLoader::load_from_str(&format!("key: {scalar}\n"))
            .unwrap_or_else(|err| panic!("{scalar}: {err}"));
        docs[0]["key"].clone()
    }

    const HARD_TEXTS: [&str; 48] = [
        "Banking and Finance",
        "O'Brien: #1 [lead]",
        "key: value",
        "ends with colon:",
        "a #hash",
        "#hashtag",
        "---",
        "--- x",
        "...",
        "- item",
        "? question",
        ": colon",
        "[list]",
        "{map}",
        "]",
        "}",
        ",comma",
        "&anchor",
        "*alias",
        "!tag",
        "|literal",
        ">folded",
        "%directive",
        "@at",
        "`tick`",
        "\"double\"",
        "'single'",
        "He said \"hi\" \\ back",
        "back\\slash",
        " leading",
        "trailing ",
        "yes",
        "No",
        "ON",
        "off",
        "y",
        "true",
        "False",
        "null",
        "~",
        "0123",
        "1e5",
        "12:30",
        "0x1F",
        ".inf",
        "-.5",
        "1_000",
        "2026-03-15",
    ];

    #[test]
    fn scalars_read_back_as_the_same_string() {
        let controls = [
            "tab\there",
            "nul\0byte",
            "bell\u{7}",
            "esc\u{1b}",
            "del\u{7f}",
            "c1\u{80}",
            "nel\u{85}",
            "line\u{2028}sep",
            "para\u{2029}sep",
            "bom\u{feff}",
            "fffe\u{fffe}",
            "new\nline",
            "cr\rhere",
            "vt\u{b}ff\u{c}",
            "emoji 📅 2026-03-01",
        ];
        for text in HARD_TEXTS.iter().chain(&controls) {
            let scalar = render_scalar(text);
            assert_eq!(
                read_back(&scalar),
                Yaml::String((*text).to_string()),
                "{text:?} rendered as {scalar}"
            );
            assert_eq!(
                read_scalar(&scalar).as_deref(),
                Some(*text),
                "{scalar} read back"
            );
        }
    }

    #[test]
    fn plain_text_stays_unquoted() {
        for text in [
            "Dana Whitfield",
            "0015g00000Borea1AAA",
            "borealis-freight.com",
            "2,400",
            "Acme (EMEA) & Co",
            "a:b",
            "a#b",
            "3M Company",
            "Zürich",
        ] {
            assert_eq!(render_scalar(text), text);
        }
    }

    #[test]
    fn read_scalar_of_plain_single_and_double_quotes() {
        assert_eq!(read_scalar(" Dana Whit ").as_deref(), Some("Dana Whit"));
        assert_eq!(read_scalar("'It''s'").as_deref(), Some("It's"));
        assert_eq!(read_scalar(r#""a\"b\\c\n""#).as_deref(), Some("a\"b\\c\n"));
        assert_eq!(read_scalar("\"unclosed"), None);
    }

    #[test]
    fn placeholders_in_flow_lists_are_quoted() {
        let template = "---\naliases: [{{account}}]\nowner: {{account}}\n---\n# {{account}}\n";
        let filled = fill_placeholders(template, &[("account", "Zeta Labs, Inc")]);
        assert_eq!(
            filled,
            "---\naliases: [\"Zeta Labs, Inc\"]\nowner: Zeta Labs, Inc\n---\n# Zeta Labs, Inc\n"
        );
    }

    #[test]
    fn placeholders_read_back_in_every_context() {
        let template = "---\n\
            aliases: [{{account}}, other]\n\
            items:\n  - {{account}}\n\
            map: {name: {{account}}}\n\
            link: \"[[{{account}}]]\"\n\
            single: 'x {{account}} y'\n\
            words: The {{account}} team # {{account}}\n\
            date: {{date}}\n\
            text: |\n  {{account}}: kept\n\
            unknown: \"{{csm}}\"\n\
            anchored: &name {{account}}\n\
            tagged: !!str {{account}}\n\
            ---\n";
        for name in HARD_TEXTS {
            if name.trim() != name {
                // Names come trimmed from account folders.
                continue;
            }
            let filled = fill_placeholders(template, &[("account", name), ("date", "2026-03-15")]);
            let docs = YamlLoader::load_from_str(filled.trim_matches('-'))
                .unwrap_or_else(|err| panic!("{name:?}: {err}\n{filled}"));
            let yaml = &docs[0];
            let text = |value: &Yaml| value.as_str().map(str::to_string);
            assert_eq!(text(&yaml["aliases"][0]).as_deref(), Some(name), "{filled}");
            assert_eq!(text(&yaml["aliases"][1]).as_deref(), Some("other"));
            assert_eq!(text(&yaml["items"][0]).as_deref(), Some(name), "{filled}");
            assert_eq!(
                text(&yaml["map"]["name"]).as_deref(),
                Some(name),
                "{filled}"
            );
            assert_eq!(text(&yaml["link"]), Some(format!("[[{name}]]")), "{filled}");
            assert_eq!(
                text(&yaml["single"]),
                Some(format!("x {name} y")),
                "{filled}"
            );
            assert_eq!(
                text(&yaml["words"]),
                Some(format!("The {name} team")),
                "{filled}"
            );
            assert_eq!(text(&yaml["date"]).as_deref(), Some("2026-03-15"));
            assert!(filled.contains("\ndate: 2026-03-15\n"), "{filled}");
            assert_eq!(
                text(&yaml["text"]),
                Some(format!("{name}: kept\n")),
                "{filled}"
            );
            assert_eq!(text(&yaml["unknown"]).as_deref(), Some("{{csm}}"));
            assert_eq!(text(&yaml["anchored"]).as_deref(), Some(name), "{filled}");
            assert_eq!(text(&yaml["tagged"]).as_deref(), Some(name), "{filled}");
        }
    }

    #[test]
    fn placeholder_values_are_joined_onto_one_line() {
        let template = "---\ntitle: {{account}}\nquoted: \"{{account}}\"\n---\n";
        let filled = fill_placeholders(template, &[("account", "Bank\n---\nevil: yes")]);
        assert_eq!(
            filled,
            "---\ntitle: \"Bank --- evil: yes\"\nquoted: \"Bank --- evil: yes\"\n---\n"
        );
    }

    #[test]
    fn templates_without_frontmatter_fill_as_text() {
        assert_eq!(
            fill_placeholders("# {{account}}: {{other}}\n", &[("account", "A, B")]),
            "# A, B: {{other}}\n"
        );
        assert_eq!(
            fill_placeholders(
                "\u{feff}---\r\nname: {{account}}\r\n---\r\n",
                &[("account", "yes")]
            ),
            "\u{feff}---\r\nname: \"yes\"\r\n---\r\n"
        );
    }
}
