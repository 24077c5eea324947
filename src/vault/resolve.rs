//! Link resolution, following what Obsidian does: case-insensitive names, an exact vault path
//! first, then a note in the linking note's own folder, then the shortest path (ties broken
//! alphabetically and reported as ambiguous). Account names and frontmatter aliases are tried
//! after file names.

use super::{NoteId, Vault, key};
use crate::syntax::strip_md;

/// How a link found its note.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResolvedVia {
    /// The link names the note's path or file name.
    Name,
    /// The link names an account; it opens the account's Overview.
    Account,
    /// The link names one of the note's frontmatter aliases.
    Alias,
}

/// Where a link points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// A single note.
    Note {
        /// The note.
        id: NoteId,
        /// How it was found.
        via: ResolvedVia,
    },
    /// Several notes match; `id` is the one chosen (shortest path, then alphabetical).
    Ambiguous {
        /// The chosen note.
        id: NoteId,
        /// Every matching note, the chosen one first.
        candidates: Vec<NoteId>,
        /// The rule that found them: file name or path, or an alias they share.
        via: ResolvedVia,
    },
    /// No note matches.
    Unresolved,
}

impl Resolution {
    /// The note the link opens, if any.
    pub fn id(&self) -> Option<NoteId> {
        match self {
            Resolution::Note { id, .. } | Resolution::Ambiguous { id, .. } => Some(*id),
            Resolution::Unresolved => None,
        }
    }
}

impl Vault {
    /// Resolves a link target (the part before `#`) written in the note at `source_path`. An
    /// empty target is a link to the source note itself.
    pub fn resolve(&self, target: &str, source_path: &str) -> Resolution {
        let source_folder = source_path
            .rsplit_once('/')
            .map_or("", |(folder, _)| folder);
        let Some(target) = normalize(target, source_folder) else {
            return match self.id_of_path(source_path) {
                Some(id) => Resolution::Note {
                    id,
                    via: ResolvedVia::Name,
                },
                None => Resolution::Unresolved,
            };
        };
        if let Some(&id) = self.by_path.get(&target) {
            return Resolution::Note {
                id,
                via: ResolvedVia::Name,
            };
        }
        let (folder_part, name) = match target.rsplit_once('/') {
            Some((folder, name)) => (Some(folder), name),
            None => (None, target.as_str()),
        };
        let mut candidates: Vec<NoteId> = self.by_name.get(name).cloned().unwrap_or_default();
        if let Some(folder) = folder_part {
            // A partial path matches notes whose path ends with it.
            let suffix = format!("/{target}");
            candidates.retain(|&id| self.path_key(id).is_some_and(|p| p.ends_with(&suffix)));
            if candidates.is_empty() {
                return self.resolve_account_page(folder, name);
            }
        }
        if let Some(resolution) = self.pick(candidates, source_folder, ResolvedVia::Name) {
            return resolution;
        }
        if folder_part.is_none() {
            if let Some(account) = self.account(&target) {
                if let Some(id) = self.account_overview(account) {
                    return Resolution::Note {
                        id,
                        via: ResolvedVia::Account,
                    };
                }
            }
            let by_alias = self.by_alias.get(&target).cloned().unwrap_or_default();
            if let Some(resolution) = self.pick(by_alias, source_folder, ResolvedVia::Alias) {
                return resolution;
            }
        }
        Resolution::Unresolved
    }

    /// Checks whether a link target (the part before `#`) written in the note at `source_path`
    /// names a file that is not a note, such as `logo.png` or `assets/Contract.pdf`. A bare
    /// name matches the file anywhere in the vault, and a path matches by its end.
    pub fn resolves_to_attachment(&self, target: &str, source_path: &str) -> bool {
        let source_folder = source_path
            .rsplit_once('/')
            .map_or("", |(folder, _)| folder);
        let Some(target) = normalize(target, source_folder) else {
            return false;
        };
        let name = target.rsplit('/').next().unwrap_or_default();
        let Some(paths) = self.attachments.get(name) else {
            return false;
        };
        if name.len() == target.len() {
            return true;
        }
        let suffix = format!("/{target}");
        paths.iter().any(|path| {
            let path = key(path);
            path == target || path.ends_with(&suffix)
        })
    }

    /// `[[Acme Corp/Health]]`: a page in an account's folder, named by the account.
    fn resolve_account_page(&self, account: &str, page: &str) -> Resolution {
        let Some(account) = self.account(account) else {
            return Resolution::Unresolved;
        };
        let path = key(&format!("{}/{page}", account.folder));
        match self.by_path.get(&path) {
            Some(&id) => Resolution::Note {
                id,
                via: ResolvedVia::Name,
            },
            None => Resolution::Unresolved,
        }
    }

    fn pick(
        &self,
        mut candidates: Vec<NoteId>,
        source_folder: &str,
        via: ResolvedVia,
    ) -> Option<Resolution> {
        match candidates.len() {
            0 => None,
            1 => Some(Resolution::Note {
                id: candidates[0],
                via,
            }),
            _ => {
                let source_folder = key(source_folder);
                let same_folder: Vec<NoteId> = candidates
                    .iter()
                    .copied()
                    .filter(|&id| {
                        self.note(id)
                            .is_some_and(|n| key(n.folder()) == source_folder)
                    })
                    .collect();
                if same_folder.len() == 1 {
                    return Some(Resolution::Note {
                        id: same_folder[0],
                        via,
                    });
                }
                candidates.sort_by_cached_key(|&id| {
                    let path = self.note(id).map(|n| n.path.clone()).unwrap_or_default();
                    (path.len(), path)
                });
                Some(Resolution::Ambiguous {
                    id: candidates[0],
                    candidates,
                    via,
                })
            }
        }
    }

    fn path_key(&self, id: NoteId) -> Option<String> {
        self.note(id).map(|n| key(strip_md(&n.path)))
    }
}

/// Lower-cases a link target, strips `.md`, and applies `./` and `../` against the source
/// folder. Returns `None` for an empty target.
fn normalize(target: &str, source_folder: &str) -> Option<String> {
    let target = strip_md(target.trim()).replace('\\', "/");
    let target = target.trim_start_matches('/');
    if target.is_empty() {
        return None;
    }
    if !(target.starts_with("./") || target.starts_with("../")) {
        return Some(key(target));
    }
    let mut parts: Vec<&str> = source_folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in target.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    Some(key(&parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::{Config, Note};

    fn vault(paths: &[&str]) -> Vault {
        let mut vault = Vault::new("/v".into(), Config::default());
        for path in paths {
            let text = if path.contains("Acme Corp.md") {
                "---\naliases: [Acme]\n---\n"
            } else {
                ""
            };
            vault.insert(Note::parse(path, text, &vault.config));
        }
        vault
    }

    fn resolved_path(vault: &Vault, target: &str, source: &str) -> Option<String> {
        vault
            .resolve(target, source)
            .id()
            .map(|id| vault.note(id).unwrap().path.clone())
    }

    #[test]
    fn case_insensitive_name_and_extension() {
        let v = vault(&["Log.md", "Ext.md"]);
        assert_eq!(resolved_path(&v, "log", "x.md").as_deref(), Some("Log.md"));
        assert_eq!(resolved_path(&v, "LOG", "x.md").as_deref(), Some("Log.md"));
        assert_eq!(
            resolved_path(&v, "Ext.MD", "x.md").as_deref(),
            Some("Ext.md")
        );
    }

    #[test]
    fn exact_vault_path_beats_same_folder() {
        let v = vault(&["Notes.md", "Accounts/Notes.md"]);
        assert_eq!(
            resolved_path(&v, "Notes", "Accounts/src.md").as_deref(),
            Some("Notes.md")
        );
    }

    #[test]
    fn same_folder_beats_shorter_path() {
        let v = vault(&["A/QBR.md", "A/B/QBR.md"]);
        assert_eq!(
            resolved_path(&v, "QBR", "A/B/src.md").as_deref(),
            Some("A/B/QBR.md")
        );
    }

    #[test]
    fn shortest_path_then_ambiguous() {
        let v = vault(&["a/b/QBR.md", "zzzz/QBR.md"]);
        let resolution = v.resolve("QBR", "src.md");
        let Resolution::Ambiguous {
            id,
            candidates,
            via,
        } = resolution
        else {
            panic!("{resolution:?}")
        };
        assert_eq!(v.note(id).unwrap().path, "a/b/QBR.md");
        assert_eq!(candidates.len(), 2);
        assert_eq!(via, ResolvedVia::Name);
    }

    #[test]
    fn partial_path_picks_one_of_duplicates() {
        let v = vault(&["Rel/Champions/Priya Raman.md", "Old/Priya Raman.md"]);
        assert_eq!(
            resolved_path(&v, "Champions/Priya Raman", "x.md").as_deref(),
            Some("Rel/Champions/Priya Raman.md")
        );
        assert_eq!(resolved_path(&v, "Nope/Priya Raman", "x.md"), None);
    }

    #[test]
    fn accounts_by_name_folder_and_page() {
        let v = vault(&[
            "Active/Accounts/Acme_Corp/Overview.md",
            "Active/Accounts/Acme_Corp/Health.md",
        ]);
        let overview = Some("Active/Accounts/Acme_Corp/Overview.md".to_string());
        assert_eq!(resolved_path(&v, "Acme Corp", "x.md"), overview);
        assert_eq!(resolved_path(&v, "acme_corp", "x.md"), overview);
        assert_eq!(
            resolved_path(&v, "Acme Corp/Health", "x.md").as_deref(),
            Some("Active/Accounts/Acme_Corp/Health.md")
        );
        assert_eq!(
            resolved_path(&v, "Acme_Corp/Health", "x.md").as_deref(),
            Some("Active/Accounts/Acme_Corp/Health.md")
        );
    }

    #[test]
    fn aliases_resolve_after_names() {
        let v = vault(&["People/Acme Corp.md"]);
        assert_eq!(
            v.resolve("acme", "x.md").id(),
            v.id_of_path("People/Acme Corp.md")
        );
        assert!(matches!(
            v.resolve("acme", "x.md"),
            Resolution::Note {
                via: ResolvedVia::Alias,
                ..
            }
        ));
    }

    #[test]
    fn relative_and_self_links() {
        let v = vault(&["a/b/Note.md", "a/Other.md"]);
        assert_eq!(
            resolved_path(&v, "../Other", "a/b/Note.md").as_deref(),
            Some("a/Other.md")
        );
        assert_eq!(
            resolved_path(&v, "", "a/b/Note.md").as_deref(),
            Some("a/b/Note.md")
        );
        assert_eq!(resolved_path(&v, "Missing", "a/b/Note.md"), None);
    }

    #[test]
    fn markdown_link_with_dot_slash_is_relative() {
        let v = vault(&["Note.md", "A/Note.md"]);
        let summary = crate::syntax::parse("[same folder](./Note.md) [root](Note.md)\n");
        let targets: Vec<_> = summary
            .links
            .iter()
            .map(|l| resolved_path(&v, &l.target, "A/src.md"))
            .collect();
        assert_eq!(targets[0].as_deref(), Some("A/Note.md"));
        assert_eq!(targets[1].as_deref(), Some("Note.md"));
    }

    #[test]
    fn dots_and_unicode_in_names() {
        let v = vault(&["People/Dr. J. Smith.md", "Zoe\u{0308}.md"]);
        assert_eq!(
            resolved_path(&v, "dr. j. smith", "x.md").as_deref(),
            Some("People/Dr. J. Smith.md")
        );
        // NFD on disk, NFC in the link.
        assert_eq!(
            resolved_path(&v, "Zoë", "x.md").as_deref(),
            Some("Zoe\u{0308}.md")
        );
    }
}
