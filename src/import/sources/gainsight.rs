//! Placeholder reader, replaced by the real one in the next commits.

use std::path::PathBuf;

use crate::import::{Context, ImportError, Parsed};

pub(super) fn read(
    files: &[PathBuf],
    ctx: &mut Context<'_>,
    _parsed: &mut Parsed,
) -> Result<(), ImportError> {
    Err(ImportError::Refused {
        file: files
            .first()
            .map(|f| f.display().to_string())
            .unwrap_or_default(),
        message: format!("the {} importer is not built yet", ctx.source.slug()),
    })
}
