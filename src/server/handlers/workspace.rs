//! Lifecycle and workspace notifications: initialize, initialized, workspace folders, watched
//! files and configuration.

use std::sync::Arc;

use super::super::capabilities::{client_flags, negotiate_encoding, server_capabilities};
use super::super::config::ClientSettings;
use super::super::convert::from_proto;
use super::super::indexing;
use super::super::lsp::{
    ConfigurationItem, DidChangeConfigurationParams, DidChangeWatchedFilesParams,
    DidChangeWatchedFilesRegistrationOptions, DidChangeWorkspaceFoldersParams, FileChangeType,
    FileSystemWatcher, GlobPattern, InitializeParams, InitializeResult, MessageType, Registration,
    ServerInfo,
};
use super::super::state::Shared;
use crate::vault::watch::FileChange;

/// `initialize`: negotiates the encoding and reads the workspace folders. The vault scan starts
/// after `initialized`, so this answers at once.
pub fn handle_initialize(shared: &Arc<Shared>, params: &InitializeParams) -> InitializeResult {
    let encoding = negotiate_encoding(&params.capabilities);
    let flags = client_flags(&params.capabilities);
    *shared.encoding.write() = encoding;
    *shared.flags.write() = flags.clone();
    if let Some(options) = &params.initialization_options {
        match ClientSettings::from_json(options) {
            Ok(settings) => *shared.settings.write() = settings,
            Err(err) => tracing::warn!(%err, "ignoring initializationOptions"),
        }
    }
    let mut roots: Vec<_> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|folder| from_proto::path(&folder.uri))
        .collect();
    #[allow(deprecated, reason = "older clients send only rootUri")]
    if roots.is_empty() {
        roots.extend(params.root_uri.as_ref().and_then(from_proto::path));
    }
    for root in &roots {
        shared.add_vault(root.clone());
    }
    *shared.initial_roots.lock() = roots;
    tracing::info!(%encoding, pull_diagnostics = flags.pull_diagnostics, "initialized");
    InitializeResult {
        capabilities: server_capabilities(&flags, encoding),
        server_info: Some(ServerInfo {
            name: "dex".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        offset_encoding: None,
    }
}

/// `initialized`: pulls settings, registers file watching and starts scanning, all in the
/// background.
pub fn handle_initialized(shared: &Arc<Shared>) {
    let shared = shared.clone();
    tokio::spawn(async move {
        let flags = shared.flags.read().clone();
        if flags.configuration {
            pull_settings(&shared).await;
        }
        if flags.watched_files {
            register_watchers(&shared).await;
        }
        let vaults = shared.vaults.read().clone();
        let roots: Vec<String> = vaults
            .iter()
            .map(|v| v.root.display().to_string())
            .collect();
        let message = format!(
            "dex {} started; position encoding {}; vaults: {}",
            env!("CARGO_PKG_VERSION"),
            shared.encoding(),
            if roots.is_empty() {
                "none yet".to_string()
            } else {
                roots.join(", ")
            }
        );
        shared.client.log_message(MessageType::INFO, message).await;
        for vault in vaults {
            indexing::start(shared.clone(), vault, false);
        }
    });
}

async fn register_watchers(shared: &Shared) {
    // Attachments of the types Obsidian opens itself. A new file of another type is seen at the
    // next scan.
    let attachments = "**/*.{avif,bmp,gif,jpeg,jpg,png,svg,webp,flac,m4a,mp3,ogg,wav,webm,3gp,mkv,mov,mp4,ogv,pdf,canvas,base}";
    let watchers = ["**/*.md", "**/.dex.toml", attachments]
        .into_iter()
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.to_string()),
            kind: None,
        })
        .collect();
    let options = DidChangeWatchedFilesRegistrationOptions { watchers };
    let registration = Registration {
        id: "dex-watched-files".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    };
    if let Err(err) = shared.client.register_capability(vec![registration]).await {
        tracing::warn!(%err, "client refused to watch files; changes made outside the editor are not seen");
    }
}

async fn pull_settings(shared: &Arc<Shared>) {
    let item = ConfigurationItem {
        scope_uri: None,
        section: Some("dex".to_string()),
    };
    match shared.client.configuration(vec![item]).await {
        Ok(values) => {
            let value = values.into_iter().next().unwrap_or_default();
            // A client with nothing configured answers null; keep what initializationOptions
            // gave rather than resetting it.
            if !value.is_null() {
                apply_settings(shared, &value);
            }
        }
        Err(err) => tracing::debug!(%err, "client did not answer workspace/configuration"),
    }
}

fn apply_settings(shared: &Arc<Shared>, value: &serde_json::Value) {
    let settings = match ClientSettings::from_json(value) {
        Ok(settings) => settings,
        Err(err) => {
            tracing::warn!(%err, "keeping the previous settings");
            let client = shared.client.clone();
            tokio::spawn(async move {
                client
                    .show_message(MessageType::WARNING, format!("Dex: {err}"))
                    .await;
            });
            return;
        }
    };
    if *shared.settings.read() == settings {
        return;
    }
    *shared.settings.write() = settings;
    for vault in shared.vaults.read().clone() {
        let file_config = vault.file_config.read().clone();
        match shared.settings.read().apply(&file_config) {
            Ok(config) => vault.index.write().config = config,
            Err(err) => tracing::warn!(%err, "invalid editor settings; using the vault file alone"),
        }
        super::super::diagnostics::refresh_all(shared, &vault);
    }
}

/// `workspace/didChangeConfiguration`: pull the section again, or read the pushed value.
pub fn handle_did_change_configuration(shared: &Arc<Shared>, params: DidChangeConfigurationParams) {
    let shared = shared.clone();
    tokio::spawn(async move {
        if shared.flags.read().configuration {
            pull_settings(&shared).await;
        } else {
            apply_settings(&shared, &params.settings);
        }
    });
}

/// `workspace/didChangeWatchedFiles`: re-index each changed note.
pub fn handle_did_change_watched_files(shared: &Arc<Shared>, params: DidChangeWatchedFilesParams) {
    for event in params.changes {
        let Some(path) = from_proto::path(&event.uri) else {
            continue;
        };
        let change = if event.typ == FileChangeType::DELETED {
            FileChange::Removed(path)
        } else {
            FileChange::Changed(path)
        };
        indexing::apply_file_change(shared, change);
    }
}

/// `workspace/didChangeWorkspaceFolders`: every folder is a vault.
pub fn handle_did_change_workspace_folders(
    shared: &Arc<Shared>,
    params: DidChangeWorkspaceFoldersParams,
) {
    for folder in params.event.removed {
        if let Some(root) = from_proto::path(&folder.uri) {
            if shared.remove_vault(&root).is_some() {
                tracing::info!(root = %root.display(), "vault removed");
            }
        }
    }
    for folder in params.event.added {
        if let Some(root) = from_proto::path(&folder.uri) {
            let (vault, created) = shared.add_vault(root);
            if created {
                indexing::start(shared.clone(), vault, false);
            }
        }
    }
}
