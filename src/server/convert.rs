//! Conversions between LSP types and the byte ranges and plain types of the `ide` layer.

/// From LSP types to ours.
pub mod from_proto {
    use std::path::PathBuf;

    use crate::server::lsp::{Position, Uri};
    use crate::text::{LineCol, LineIndex, PositionEncoding};

    /// The absolute path of a `file:` URI; `None` for other schemes, such as an editor's
    /// `untitled:` buffers.
    pub fn path(uri: &Uri) -> Option<PathBuf> {
        if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
            return None;
        }
        let path = uri.to_file_path()?.into_owned();
        path.is_absolute().then_some(path)
    }

    /// The byte offset of a position, clamped to the text.
    pub fn offset(index: &LineIndex, position: Position, encoding: PositionEncoding) -> u32 {
        index.offset(line_col(position), encoding)
    }

    /// A position as a line and column.
    pub fn line_col(position: Position) -> LineCol {
        LineCol {
            line: position.line,
            col: position.character,
        }
    }
}

/// From our types to LSP types.
pub mod to_proto {
    use std::path::Path;

    use crate::ide::{
        CompletionItem as IdeCompletion, CompletionKind, Diagnostic as IdeDiagnostic, symbols,
    };
    use crate::server::lsp::{
        CompletionItem, CompletionItemKind, CompletionTextEdit, Diagnostic, DiagnosticSeverity,
        MarkupContent, MarkupKind, NumberOrString, Position, Range, SymbolKind, TextEdit, Uri,
    };
    use crate::text::{LineIndex, PositionEncoding, TextRange};
    use crate::vault::Severity;

    /// The `file:` URI of an absolute path.
    pub fn uri(path: &Path) -> Option<Uri> {
        Uri::from_file_path(path)
    }

    /// The position of a byte offset.
    pub fn position(index: &LineIndex, offset: u32, encoding: PositionEncoding) -> Position {
        let lc = index.line_col(offset, encoding);
        Position {
            line: lc.line,
            character: lc.col,
        }
    }

    /// The range of a byte range.
    pub fn range(index: &LineIndex, range: TextRange, encoding: PositionEncoding) -> Range {
        Range {
            start: position(index, range.start, encoding),
            end: position(index, range.end, encoding),
        }
    }

    /// An LSP diagnostic.
    pub fn diagnostic(
        index: &LineIndex,
        d: &IdeDiagnostic,
        encoding: PositionEncoding,
    ) -> Diagnostic {
        Diagnostic {
            range: range(index, d.range, encoding),
            severity: Some(severity(d.severity)),
            code: Some(NumberOrString::String(d.code.to_string())),
            source: Some("dex".to_string()),
            message: d.message.clone(),
            ..Diagnostic::default()
        }
    }

    fn severity(severity: Severity) -> DiagnosticSeverity {
        match severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Information | Severity::Off => DiagnosticSeverity::INFORMATION,
            Severity::Hint => DiagnosticSeverity::HINT,
        }
    }

    /// An LSP completion item that replaces the typed text.
    pub fn completion_item(
        index: &LineIndex,
        item: &IdeCompletion,
        encoding: PositionEncoding,
    ) -> CompletionItem {
        let kind = match item.kind {
            CompletionKind::Account => CompletionItemKind::MODULE,
            CompletionKind::Person | CompletionKind::Alias => CompletionItemKind::REFERENCE,
            CompletionKind::Note => CompletionItemKind::FILE,
            CompletionKind::Heading => CompletionItemKind::FIELD,
            CompletionKind::Block => CompletionItemKind::VALUE,
            CompletionKind::Tag => CompletionItemKind::KEYWORD,
            CompletionKind::Field => CompletionItemKind::PROPERTY,
            CompletionKind::Date => CompletionItemKind::CONSTANT,
        };
        CompletionItem {
            label: item.label.clone(),
            kind: Some(kind),
            detail: item.detail.clone(),
            sort_text: Some(format!("{:05}", item.rank)),
            filter_text: Some(item.filter.clone()),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range: range(index, item.replace, encoding),
                new_text: item.insert.clone(),
            })),
            ..CompletionItem::default()
        }
    }

    /// Hover or documentation text as Markdown, or plain text when the client lacks Markdown.
    pub fn markup(text: String, markdown: bool) -> MarkupContent {
        MarkupContent {
            kind: if markdown {
                MarkupKind::Markdown
            } else {
                MarkupKind::PlainText
            },
            value: text,
        }
    }

    /// An LSP symbol kind.
    pub fn symbol_kind(kind: symbols::SymbolKind) -> SymbolKind {
        match kind {
            symbols::SymbolKind::Heading => SymbolKind::STRING,
            symbols::SymbolKind::Note => SymbolKind::FILE,
            symbols::SymbolKind::Account => SymbolKind::MODULE,
            symbols::SymbolKind::Person => SymbolKind::OBJECT,
            symbols::SymbolKind::Meeting => SymbolKind::EVENT,
        }
    }
}
