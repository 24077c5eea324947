//! Planning and writing: turns per-account updates into new note texts, checks Dex-owned
//! blocks for hand edits, and writes each changed note atomically (or prints a unified diff
//! with `--dry-run`).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::block::{self, Block};
use super::frontmatter::{self, Policy, Value};
use super::matching::AccountPage;
use super::records::{self, HEALTH, HealthText, OVERVIEW, OverviewText};
use super::report::{Conflict, FileChange, Level, Message, Report};
use super::{Context, Options, Parsed};
use crate::syntax::dex_block::{self, Property};

/// One planned change to a note.
struct Plan {
    rel: String,
    old: Option<String>,
    new: String,
    details: Vec<String>,
    account: Option<usize>,
}

/// The account pages a new account folder gets, with the built-in text used when the vault has
/// no template: (file name, template names to look for, built-in page).
const ACCOUNT_PAGES: [(&str, &[&str], &str); 4] = [
    (
        "Overview.md",
        &["Account Overview.md", "Account_Overview.md", "Overview.md"],
        "---\ntype: account\n---\n# {{account}}\n\n## Account Health\n\n## People\n\n## Notes\n",
    ),
    (
        "Health.md",
        &["Account Health.md", "Account_Health.md", "Health.md"],
        "---\ntype: health\naccount: \"[[{{account}}]]\"\n---\n# {{account}} health\n",
    ),
    (
        "Stakeholders.md",
        &["Stakeholders.md", "Stakeholder Map.md"],
        "---\ntype: stakeholders\naccount: \"[[{{account}}]]\"\n---\n# {{account}} stakeholders\n\n## Champions\n\n## Executive sponsors\n",
    ),
    (
        "Success_Plan.md",
        &["Success Plan.md", "Success_Plan.md"],
        "---\ntype: success-plan\naccount: \"[[{{account}}]]\"\n---\n# {{account}} success plan\n\n## Goals\n\n## Milestones\n",
    ),
];

/// Plans every change, records it in `report`, and writes it unless this is a dry run.
pub(super) fn apply(ctx: &Context<'_>, parsed: Parsed, options: &Options, report: &mut Report) {
    report.summary.rows_read = parsed.rows_read;
    report.summary.rows_rejected = parsed.rows_rejected;
    report.messages = parsed.messages;
    report.unmatched = parsed.unmatched;
    report.summary.unmatched = report.unmatched.len();
    let mut plans = Vec::new();
    for (index, update) in parsed.updates.iter() {
        let account = &ctx.matcher.accounts[index];
        // The block records what the import set on the Overview. Changing only one of them
        // would break that record, so an account whose Overview or Health.md cannot be read, or
        // whose block is in conflict, is left unchanged as a whole.
        let before_account = plans.len();
        if account.created {
            plan_new_pages(ctx, account, index, update.block.is_some(), &mut plans);
        }
        // Health.md is read once, for the properties its block records and for the block.
        let health_rel = format!("{}/{HEALTH}", account.folder);
        let health_old = if is_present(&ctx.root.join(&health_rel)) {
            let Some(text) = read_note(ctx.root, &health_rel, report) else {
                plans.truncate(before_account);
                continue;
            };
            Some(text)
        } else {
            None
        };
        let recorded = recorded_properties(health_old.as_deref(), ctx.source.slug());
        let overview = OverviewUpdate {
            updates: &update.frontmatter,
            recorded: &recorded,
        };
        let Some(overview) = plan_overview(ctx, account, index, &overview, &mut plans, report)
        else {
            plans.truncate(before_account);
            continue;
        };
        if let Some(block) = &update.block {
            let health = HealthUpdate {
                block,
                old: health_old.as_deref(),
                frontmatter: &update.frontmatter,
                overview: Some(&overview),
                force: options.force,
            };
            if plan_health(ctx, account, index, &health, &mut plans, report) == Planned::LeftAlone {
                plans.truncate(before_account);
            }
        }
    }
    for note in parsed.notes {
        if note.exists {
            let Some(old) = read_note(ctx.root, &note.path, report) else {
                continue;
            };
            let (new, details) = frontmatter::update(&old, &note.updates);
            if new != old {
                plans.push(Plan {
                    rel: note.path,
                    old: Some(old),
                    new,
                    details: std::iter::once(note.detail).chain(details).collect(),
                    account: None,
                });
            }
        } else {
            plans.push(Plan {
                rel: note.path,
                old: None,
                new: note.text,
                details: vec![note.detail],
                account: None,
            });
        }
    }
    let mut updated = BTreeSet::new();
    let mut created = BTreeSet::new();
    if !options.dry_run {
        write_plans(ctx.root, &mut plans, report);
    }
    for plan in plans {
        if let Some(index) = plan.account {
            if ctx.matcher.accounts[index].created {
                created.insert(index);
            } else {
                updated.insert(index);
            }
        } else if plan.old.is_none() {
            report.summary.notes_created += 1;
        }
        let diff = options.dry_run.then(|| unified_diff(&plan));
        report.changes.push(FileChange {
            path: plan.rel,
            action: if plan.old.is_some() {
                "update"
            } else {
                "create"
            },
            details: plan.details,
            diff,
        });
    }
    report.summary.accounts_updated = updated.len();
    report.summary.accounts_created = created.len();
    report.summary.conflicts = report.conflicts.len();
}

fn plan_new_pages(
    ctx: &Context<'_>,
    account: &AccountPage,
    index: usize,
    has_block: bool,
    plans: &mut Vec<Plan>,
) {
    // Overview.md is planned with its frontmatter, and Health.md with its block when there is
    // one, so only the pages nothing else writes are planned here.
    for (file, _, _) in &ACCOUNT_PAGES[1..] {
        let rel = format!("{}/{file}", account.folder);
        let has_block = *file == "Health.md" && has_block;
        if has_block || is_present(&ctx.root.join(&rel)) {
            continue;
        }
        plans.push(Plan {
            new: page_template(ctx, file, &account.name),
            rel,
            old: None,
            details: vec![format!("new account page for {}", account.name)],
            account: Some(index),
        });
    }
}

/// The text of a new account page: the vault's template with `{{account}}`, `{{title}}` and
/// `{{date}}` filled in (escaped as YAML inside the frontmatter) and other placeholders removed,
/// else the built-in page.
fn page_template(ctx: &Context<'_>, file: &str, account: &str) -> String {
    let (_, names, built_in) = ACCOUNT_PAGES
        .iter()
        .find(|(name, _, _)| *name == file)
        .copied()
        .unwrap_or(ACCOUNT_PAGES[0]);
    let folder = ctx.root.join(&ctx.vault.templates_folder);
    let template = names
        .iter()
        .find_map(|name| std::fs::read_to_string(folder.join(name)).ok())
        .unwrap_or_else(|| built_in.to_string());
    let today = ctx.today.to_string();
    let filled = crate::syntax::yaml::fill_placeholders(
        &template,
        &[("account", account), ("title", account), ("date", &today)],
    );
    crate::ide::generate::templates::remove_unfilled(&filled)
}

/// The Overview properties an import sets, and those the source's block records that the last
/// import set.
struct OverviewUpdate<'a> {
    updates: &'a [(&'static str, Value, Policy)],
    recorded: &'a [Property],
}

/// Returns the Overview properties that the last import of `source` set, as its block on the
/// account's `Health.md` (`health`) records them. Returns none when there is no note or block.
fn recorded_properties(health: Option<&str>, source: &str) -> Vec<Property> {
    let Some(text) = health else {
        return Vec::new();
    };
    dex_block::blocks(text)
        .into_iter()
        .find(|b| b.source == source)
        .map(|b| {
            b.properties
                .into_iter()
                .filter(|p| p.page == OVERVIEW)
                .collect()
        })
        .unwrap_or_default()
}

/// Plans the Overview's frontmatter updates; returns the Overview's old and new text, or `None`
/// when it cannot be read. A value the user changed by hand after the last import stays theirs
/// while the export still gives the value that import set.
fn plan_overview(
    ctx: &Context<'_>,
    account: &AccountPage,
    index: usize,
    update: &OverviewUpdate<'_>,
    plans: &mut Vec<Plan>,
    report: &mut Report,
) -> Option<OverviewText> {
    let rel = format!("{}/{OVERVIEW}", account.folder);
    let path = ctx.root.join(&rel);
    let old = if is_present(&path) {
        Some(read_note(ctx.root, &rel, report)?)
    } else {
        None
    };
    let base = old
        .clone()
        .unwrap_or_else(|| page_template(ctx, OVERVIEW, &account.name));
    let mut updates = update.updates.to_vec();
    updates.retain(|(key, value, policy)| {
        let current = frontmatter::value_text(&base, key);
        let Some(edited) = current.filter(|_| *policy == Policy::Owned) else {
            return true;
        };
        let set_before = update.recorded.iter().find(|p| p.key == *key);
        let Some(set_before) = set_before.filter(|p| p.value != edited && value.same_as(&p.value))
        else {
            return true;
        };
        report.messages.push(Message {
            file: rel.clone(),
            line: None,
            field: Some((*key).to_string()),
            level: Level::Note,
            message: format!(
                "kept `{edited}`, written by hand after the last import set `{}`, since the \
                 export still gives that value",
                set_before.value
            ),
        });
        false
    });
    let (new, details) = frontmatter::update(&base, &updates);
    if old.as_deref() != Some(new.as_str()) {
        plans.push(Plan {
            rel,
            details: if old.is_none() && details.is_empty() {
                vec![format!("new account page for {}", account.name)]
            } else {
                details
            },
            old: old.clone(),
            new: new.clone(),
            account: Some(index),
        });
    }
    Some(OverviewText { old, new, path })
}

/// A source's block for one account's `Health.md`, with what it records about the Overview.
struct HealthUpdate<'a> {
    block: &'a Block,
    /// The text of `Health.md`; `None` when the import creates it.
    old: Option<&'a str>,
    /// The Overview properties the import sets.
    frontmatter: &'a [(&'static str, Value, Policy)],
    overview: Option<&'a OverviewText>,
    /// Replace the block even when it was edited by hand.
    force: bool,
}

/// Outcome of planning an account's `Health.md`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Planned {
    /// A change is planned, or none is needed.
    Done,
    /// The block is in conflict, so the account is left alone.
    LeftAlone,
}

/// Returns whether a note is at `path`: a file, or a link even when it leads nowhere. A broken
/// or looping link is then read, and its error leaves the account alone. Taken as missing, it
/// would make the import create a note where the link is.
fn is_present(path: &Path) -> bool {
    path.symlink_metadata().is_ok()
}

/// Finds the block of `source` in `text` and reads it, or returns why it must be left alone: its
/// markers do not pair, or it was edited by hand and the run is not `force`d.
fn existing_block(
    text: &str,
    source: &str,
    force: bool,
) -> Result<(Option<block::Located>, Option<block::ParsedBlock>), String> {
    let located = block::locate(text, source).map_err(|problem| {
        format!(
            "{problem}, so the note and the account's Overview properties were left as they are; \
             fix or remove the markers and import again"
        )
    })?;
    match &located {
        Some(found) if !found.is_intact() && !force => Err(format!(
            "the {source} block (line {}) was edited by hand since the last import, so it and the \
             account's Overview properties were left as they are; run again with --force to \
             replace them",
            found.line
        )),
        Some(found) => {
            let parsed = block::parse(&found.content);
            Ok((located, Some(parsed)))
        }
        None => Ok((None, None)),
    }
}

fn plan_health(
    ctx: &Context<'_>,
    account: &AccountPage,
    index: usize,
    update: &HealthUpdate<'_>,
    plans: &mut Vec<Plan>,
    report: &mut Report,
) -> Planned {
    let HealthUpdate {
        block: new_block,
        old,
        force,
        ..
    } = *update;
    let rel = format!("{}/{HEALTH}", account.folder);
    let base = old.map_or_else(
        || page_template(ctx, "Health.md", &account.name),
        str::to_string,
    );
    let eol = if base.contains("\r\n") { "\r\n" } else { "\n" };
    let source = new_block.frame.source;
    let (located, previous) = match existing_block(&base, source, force) {
        Ok(found) => found,
        Err(reason) => {
            report.conflicts.push(Conflict {
                path: rel,
                source: source.to_string(),
                reason,
            });
            return Planned::LeftAlone;
        }
    };
    // A usage drop is judged against the block's earlier rows, which are read only now.
    let signal =
        (new_block.drop_check.as_ref()).and_then(|check| check.signal(previous.as_ref(), ctx));
    let with_signal;
    let new_block = match signal {
        Some(signal) => {
            let mut block = new_block.clone();
            block.risks.push(signal);
            with_signal = block;
            &with_signal
        }
        None => new_block,
    };
    let path = ctx.root.join(&rel);
    let health = old.map(|old| HealthText { old, path: &path });
    let records = records::records(
        source,
        update.frontmatter,
        update.overview,
        health.as_ref(),
        ctx.vault,
        ctx.today,
    );
    let Some((content, mut details)) =
        block::merge(previous.as_ref(), new_block, &records, ctx.today)
    else {
        return Planned::Done;
    };
    let wrapped = block::wrap(source, &content, eol);
    let new = match &located {
        Some(found) => {
            if !found.is_intact() {
                details.insert(
                    0,
                    format!("replaced the hand-edited {source} block (--force)"),
                );
            }
            format!(
                "{}{wrapped}{}",
                &base[..found.range.start],
                &base[found.range.end..]
            )
        }
        None => {
            let mut text = base.clone();
            if !text.is_empty() && !text.ends_with('\n') {
                text.push_str(eol);
            }
            if !text.is_empty() {
                text.push_str(eol);
            }
            text.push_str(&wrapped);
            text
        }
    };
    if old == Some(new.as_str()) {
        return Planned::Done;
    }
    let details = details
        .into_iter()
        .map(|d| format!("{source} block: {d}"))
        .collect();
    plans.push(Plan {
        rel,
        old: old.map(str::to_string),
        new,
        details,
        account: Some(index),
    });
    Planned::Done
}

/// Reads a note as UTF-8; a note that cannot be read is reported and left alone.
fn read_note(root: &Path, rel: &str, report: &mut Report) -> Option<String> {
    match std::fs::read(root.join(rel)) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(err) => {
                // Writing the note back as UTF-8 would change every byte of a UTF-16 file.
                let utf16 = matches!(encoding_rs::Encoding::for_bom(err.as_bytes()), Some((e, _)) if e != encoding_rs::UTF_8);
                let message = if utf16 {
                    "note is saved as UTF-16, which the import does not rewrite, so it left the note unchanged; save it as UTF-8 to import into it".to_string()
                } else {
                    format!(
                        "note is not valid UTF-8 (first invalid byte at offset {}), so the import left it unchanged; save it as UTF-8",
                        err.utf8_error().valid_up_to()
                    )
                };
                report.messages.push(Message {
                    file: rel.to_string(),
                    line: None,
                    field: None,
                    level: Level::Error,
                    message,
                });
                None
            }
        },
        Err(err) => {
            report.messages.push(Message {
                file: rel.to_string(),
                line: None,
                field: None,
                level: Level::Error,
                message: format!("cannot read the note, so the import left it unchanged: {err}"),
            });
            None
        }
    }
}

fn unified_diff(plan: &Plan) -> String {
    let old = plan.old.as_deref().unwrap_or("");
    let from = if plan.old.is_some() {
        format!("a/{}", plan.rel)
    } else {
        "/dev/null".to_string()
    };
    similar::TextDiff::from_lines(old, &plan.new)
        .unified_diff()
        .context_radius(3)
        .header(&from, &format!("b/{}", plan.rel))
        .to_string()
}

/// Writes the planned notes. Each write waits for its fsync, so notes are written in parallel.
/// A note that cannot be written is reported and dropped from `plans`, and the others are
/// written all the same.
fn write_plans(root: &Path, plans: &mut Vec<Plan>, report: &mut Report) {
    let written: Vec<Result<(), String>> = plans
        .par_iter()
        .map(|plan| write_plan(root, plan))
        .collect();
    let mut results = written.into_iter();
    plans.retain(|plan| match results.next() {
        Some(Err(message)) => {
            report.messages.push(Message {
                file: plan.rel.clone(),
                line: None,
                field: None,
                level: Level::Error,
                message,
            });
            false
        }
        _ => true,
    });
}

/// Writes a planned note: a temporary file in the same folder, renamed over the note. A note
/// that changed on disk since it was read is not replaced, and a new note never replaces an
/// existing file. A note that is a symbolic link is written where the link points, and the link
/// stays. A new note gets the permissions that the umask leaves of read and write for all, as
/// an editor's new file does.
fn write_plan(root: &Path, plan: &Plan) -> Result<(), String> {
    let fail = |what: &str, err: &dyn std::fmt::Display| format!("cannot {what}: {err}");
    let mut path: PathBuf = root.join(&plan.rel);
    if plan.old.is_some() && path.is_symlink() {
        path = std::fs::canonicalize(&path).map_err(|err| fail("follow the link", &err))?;
    }
    let folder = path
        .parent()
        .ok_or_else(|| "invalid note path".to_string())?;
    std::fs::create_dir_all(folder).map_err(|err| fail("create its folder", &err))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".dex-import-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder
        .tempfile_in(folder)
        .map_err(|err| fail("create a temporary file", &err))?;
    temp.write_all(plan.new.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|err| fail("write a temporary file", &err))?;
    match &plan.old {
        Some(old) => {
            let current = std::fs::read(&path).map_err(|err| fail("read the note again", &err))?;
            if current != old.as_bytes() {
                return Err("the note changed on disk during the import, so it was not \
                            replaced; run the import again"
                    .to_string());
            }
            if let Ok(metadata) = std::fs::metadata(&path) {
                let _ = std::fs::set_permissions(temp.path(), metadata.permissions());
            }
            temp.persist(&path)
                .map_err(|err| fail("replace the note", &err.error))?;
        }
        None => {
            temp.persist_noclobber(&path)
                .map_err(|err| fail("create the note (it may exist already)", &err.error))?;
        }
    }
    Ok(())
}
