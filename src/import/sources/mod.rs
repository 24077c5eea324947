//! The readers, one per export format, and what they share: opening a CSV file and refusing a
//! file that is not the named source before anything is written.

mod amplitude;
mod gainsight;
mod ics;
mod pendo;
mod salesforce;
mod slack;
mod usage;
mod zendesk;

pub use usage::DropCheck;

use std::path::{Path, PathBuf};

use super::csvin::{CsvInput, Export, FieldSpec};
use super::report::{Messages, excerpt};
use super::{Context, ImportError, Parsed, Source};

/// Reads every file of the run into `parsed`.
pub(super) fn read(
    files: &[PathBuf],
    ctx: &mut Context<'_>,
    parsed: &mut Parsed,
) -> Result<(), ImportError> {
    match ctx.source {
        Source::Salesforce => salesforce::read(files, ctx, parsed),
        Source::Gainsight | Source::Churnzero => gainsight::read(files, ctx, parsed),
        Source::Zendesk | Source::Intercom => zendesk::read(files, ctx, parsed),
        Source::Pendo => pendo::read(files, ctx, parsed),
        Source::Amplitude => amplitude::read(files, ctx, parsed),
        Source::Ics => ics::read(files, ctx, parsed),
        Source::Slack => slack::read(files, ctx, parsed),
    }
}

/// The columns that a CSV source requires of a file.
pub(super) struct Expected<'a> {
    /// The export's name with its article, such as `a Zendesk ticket export`.
    pub description: &'a str,
    /// Fields the file must have.
    pub required: &'a [&'a str],
    /// Fields of which the file must have one, unless empty.
    pub any_of: &'a [&'a str],
    /// The column name to list for a missing field, where the field's first alias is not the
    /// name this export uses.
    pub names: &'a [(&'a str, &'a str)],
}

/// Opens a CSV export and finds its columns. A file without the required fields, or without
/// any of `any_of` (when given), is refused, naming the missing columns.
pub(super) fn open_csv(
    path: &Path,
    fields: &[FieldSpec],
    expected: &Expected<'_>,
    ctx: &Context<'_>,
) -> Result<Export, ImportError> {
    let Expected {
        description,
        required,
        any_of,
        names,
    } = expected;
    let file = super::display_name(path);
    let mut messages = Messages::new(&file);
    let input = CsvInput::open(path, &mut messages).map_err(|message| ImportError::Refused {
        file: path.display().to_string(),
        message,
    })?;
    let columns = input.columns(fields, &ctx.config.columns);
    let label = |name: &str| {
        if let Some(configured) = ctx.config.columns.get(name) {
            return configured.clone();
        }
        let named = names.iter().find(|(field, _)| *field == name);
        let field = fields.iter().find(|f| f.name == name);
        match (named, field) {
            (Some((_, column)), _) => (*column).to_string(),
            (None, Some(field)) => field.aliases[0].to_string(),
            (None, None) => name.to_string(),
        }
    };
    let mut missing: Vec<String> = required
        .iter()
        .filter(|f| !columns.has(f))
        .map(|f| label(f))
        .collect();
    if !any_of.is_empty() && !any_of.iter().any(|f| columns.has(f)) {
        let choices: Vec<String> = any_of.iter().map(|f| label(f)).collect();
        missing.push(format!("one of {}", choices.join(", ")));
    }
    if !missing.is_empty() {
        let found = first_headers(&input.headers);
        return Err(ImportError::Refused {
            file: path.display().to_string(),
            message: format!(
                "not {description}: missing columns {}; the file's columns start with {}. Map \
                 differently named columns under [import.{}] columns in .dex.toml",
                missing.join(", "),
                if found.is_empty() {
                    "nothing".to_string()
                } else {
                    found.join(", ")
                },
                ctx.source.slug()
            ),
        });
    }
    Ok(Export {
        file,
        input,
        columns,
        messages,
    })
}

/// Warns that the row on `line` of `file` is for the account in `folder` that an earlier row
/// (`earlier`, a file and line) was for, and that its values replace that row's.
pub(super) fn warn_repeated_account(
    messages: &mut Messages,
    (file, line): (&str, u64),
    (earlier_file, earlier_line): (&str, u64),
    folder: &str,
) {
    let place = if earlier_file == file {
        format!("line {earlier_line}")
    } else {
        format!("{earlier_file}:{earlier_line}")
    };
    messages.warning(
        "repeated-account",
        line,
        None,
        format!(
            "this row is for {folder}, as the row on {place} is; its values replace that row's"
        ),
    );
}

/// Lists the first eight headers of a file for a message, each as an excerpt.
pub(super) fn first_headers(headers: &[String]) -> Vec<String> {
    headers
        .iter()
        .take(8)
        .map(|header| excerpt(header))
        .collect()
}

/// A shorthand for a [`FieldSpec`].
pub(super) const fn field(name: &'static str, aliases: &'static [&'static str]) -> FieldSpec {
    FieldSpec { name, aliases }
}
