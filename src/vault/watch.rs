//! The server's own file watcher, for clients that do not send `workspace/didChangeWatchedFiles`
//! (Neovim on Linux, for one).

use std::path::{Path, PathBuf};

use notify::{EventKind, RecursiveMode, Watcher};

/// A change to a note or to the vault configuration on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileChange {
    /// Created or modified; re-read it.
    Changed(PathBuf),
    /// Deleted or moved away.
    Removed(PathBuf),
}

/// Watches `root` recursively and calls `on_change` (on the watcher's thread) for each change to a
/// `.md` file or `.dex.toml`. The watch stops when the returned watcher is dropped.
pub fn watch(
    root: &Path,
    on_change: impl Fn(FileChange) + Send + 'static,
) -> notify::Result<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let event = match event {
            Ok(event) => event,
            Err(err) => {
                tracing::warn!(%err, "file watcher error");
                return;
            }
        };
        for path in event.paths {
            // A removed folder is not a note, but the notes inside it are gone too.
            let removal = matches!(event.kind, EventKind::Remove(_));
            if !is_watched(&path) && !removal {
                continue;
            }
            let change = match event.kind {
                EventKind::Remove(_) => FileChange::Removed(path),
                EventKind::Create(_) | EventKind::Modify(_) => {
                    if path.exists() {
                        FileChange::Changed(path)
                    } else {
                        FileChange::Removed(path)
                    }
                }
                _ => continue,
            };
            on_change(change);
        }
    })?;
    watcher.watch(root, RecursiveMode::Recursive)?;
    Ok(watcher)
}

fn is_watched(path: &Path) -> bool {
    super::discover::is_markdown(path)
        || super::discover::is_attachment(path)
        || path
            .file_name()
            .is_some_and(|name| name == super::config::CONFIG_FILE)
}
