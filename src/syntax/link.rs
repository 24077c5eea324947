//! Reading the inside of a wikilink or the destination of a Markdown link.

use super::Subpath;

/// The parts of a link's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkText {
    /// The link path, without `.md` and surrounding whitespace.
    pub target: String,
    /// Heading or block part.
    pub subpath: Option<Subpath>,
    /// Display text.
    pub alias: Option<String>,
    /// Byte range of the path and subpath within the inner text, without the whitespace around
    /// them. It is empty, and after the whitespace, when the link has no path or subpath.
    pub target_span: std::ops::Range<usize>,
}

/// Splits the inner text of a wikilink (`Note#Heading|shown`) into its parts. A pipe escaped for
/// a table cell (`\|`) separates the alias too.
pub fn parse_link_text(inner: &str) -> LinkText {
    let (link, alias) = match inner.find('|') {
        Some(pipe) => {
            let link_end = if inner[..pipe].ends_with('\\') {
                pipe - 1
            } else {
                pipe
            };
            (
                &inner[..link_end],
                Some(inner[pipe + 1..].trim().to_string()),
            )
        }
        None => (inner, None),
    };
    let (path, subpath) = match link.find('#') {
        Some(hash) => (&link[..hash], parse_subpath(&link[hash + 1..])),
        None => (link, None),
    };
    let lead = link.len() - link.trim_start().len();
    LinkText {
        target: strip_md(path.trim()).to_string(),
        subpath,
        alias,
        target_span: lead..link.trim_end().len().max(lead),
    }
}

/// Reads a subpath such as `Heading#Sub` or `^block-id`.
fn parse_subpath(subpath: &str) -> Option<Subpath> {
    let subpath = subpath.trim();
    if let Some(block) = subpath.strip_prefix('^') {
        return Some(Subpath::Block(block.trim().to_string()));
    }
    let headings: Vec<String> = subpath
        .split('#')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect();
    (!headings.is_empty()).then_some(Subpath::Heading(headings))
}

/// Removes a trailing `.md` (any case) from a link path.
pub fn strip_md(path: &str) -> &str {
    let len = path.len();
    if len > 3 && path.is_char_boundary(len - 3) && path[len - 3..].eq_ignore_ascii_case(".md") {
        &path[..len - 3]
    } else {
        path
    }
}

/// Reads a Markdown link destination if it points at a Markdown note: percent-decoded, without
/// `<>`, and with `.md` (any case) before an optional `#subpath`, or a bare `#subpath` that links
/// to a heading or block of the linking note (the target is then empty). Returns `None` for URLs
/// and for other file types.
pub fn parse_markdown_destination(destination: &str) -> Option<(String, Option<Subpath>)> {
    let destination = destination
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>');
    if destination.contains("://") || destination.starts_with("mailto:") {
        return None;
    }
    let decoded = percent_decode(destination);
    let (path, subpath) = match decoded.find('#') {
        Some(hash) => (&decoded[..hash], parse_subpath(&decoded[hash + 1..])),
        None => (decoded.as_str(), None),
    };
    let stripped = strip_md(path);
    let own_note = path.is_empty() && subpath.is_some();
    if stripped.len() == path.len() && !own_note {
        return None;
    }
    // A leading `./` stays: link resolution reads it as the linking note's folder.
    Some((stripped.to_string(), subpath))
}

/// Decodes `%XX` escapes; invalid escapes and invalid UTF-8 are kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(value) = hex.and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_target_heading_and_alias() {
        let parsed = parse_link_text("Acme Corp#Renewal|renewal");
        assert_eq!(parsed.target, "Acme Corp");
        assert_eq!(
            parsed.subpath,
            Some(Subpath::Heading(vec!["Renewal".into()]))
        );
        assert_eq!(parsed.alias.as_deref(), Some("renewal"));
        assert_eq!(parsed.target_span, 0.."Acme Corp#Renewal".len());
    }

    #[test]
    fn escaped_table_pipe_separates_alias() {
        let parsed = parse_link_text("Acme Corp\\|Acme");
        assert_eq!(parsed.target, "Acme Corp");
        assert_eq!(parsed.alias.as_deref(), Some("Acme"));
    }

    #[test]
    fn target_span_leaves_out_surrounding_whitespace() {
        let cases = [
            (" Note ", "Note"),
            ("\tNote\t", "Note"),
            (" Note | alias ", "Note"),
            (" Note\\| alias", "Note"),
            (" Note #H ", "Note #H"),
            (" #H |x", "#H"),
            ("  |x", ""),
        ];
        for (inner, expected) in cases {
            let parsed = parse_link_text(inner);
            assert_eq!(&inner[parsed.target_span.clone()], expected, "{inner:?}");
        }
        assert_eq!(parse_link_text("  |x").target_span, 2..2);
    }

    #[test]
    fn block_and_self_links() {
        let parsed = parse_link_text("#^risk-1");
        assert_eq!(parsed.target, "");
        assert_eq!(parsed.subpath, Some(Subpath::Block("risk-1".into())));
        assert_eq!(parse_link_text("Note.MD").target, "Note");
    }

    #[test]
    fn markdown_destinations() {
        assert_eq!(
            parse_markdown_destination("My%20Note.md#Risks"),
            Some((
                "My Note".into(),
                Some(Subpath::Heading(vec!["Risks".into()]))
            ))
        );
        assert_eq!(
            parse_markdown_destination("<a b.md>"),
            Some(("a b".into(), None))
        );
        assert_eq!(parse_markdown_destination("https://x.io/a.md"), None);
        assert_eq!(parse_markdown_destination("image.png"), None);
        assert_eq!(
            parse_markdown_destination("100%.md"),
            Some(("100%".into(), None))
        );
    }

    #[test]
    fn markdown_destinations_in_the_same_note() {
        let heading = |text: &str| Some(Subpath::Heading(vec![text.into()]));
        assert_eq!(
            parse_markdown_destination("#Key%20Risks"),
            Some((String::new(), heading("Key Risks")))
        );
        assert_eq!(
            parse_markdown_destination("<#Key Risks>"),
            Some((String::new(), heading("Key Risks")))
        );
        assert_eq!(
            parse_markdown_destination("#^risk-1"),
            Some((String::new(), Some(Subpath::Block("risk-1".into()))))
        );
        assert_eq!(parse_markdown_destination("#"), None);
        assert_eq!(parse_markdown_destination("image.png#Top"), None);
    }
}
