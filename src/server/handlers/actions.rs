//! Code actions, commands, code lenses, inlay hints and `dex/accounts`.
//!
//! Generated notes reach the disk only through the client: the server sends a `WorkspaceEdit`
//! (`CreateFile` for a free name, then the text) with `workspace/applyEdit`, and opens the note
//! with `window/showDocument` when the client supports it.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{ServerText, blocking};
use crate::ide::actions::{self, Action, ActionKind, Command, Effect, NoteChange};
use crate::ide::generate::{self, NewNote, notes::Request, portfolio};
use crate::ide::{inlay, lens};
use crate::server::convert::{from_proto, to_proto};
use crate::server::lsp::{
    ApplyWorkspaceEditParams, CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    CodeActionResponse, CodeLens, CodeLensParams, Command as LspCommand, CreateFile,
    CreateFileOptions, DocumentChangeOperation, DocumentChanges, ErrorCode, ExecuteCommandParams,
    InlayHint, InlayHintLabel, InlayHintParams, MessageType, OneOf,
    OptionalVersionedTextDocumentIdentifier, Position, Range, ResourceOp, RpcError, RpcResult,
    ShowDocumentParams, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};
use crate::server::state::{Shared, VaultHandle};
use crate::text::{LineIndex, TextRange};
use crate::vault::Vault;

/// Commands the server runs through `workspace/executeCommand`.
pub const COMMANDS: &[&str] = &[
    "dex.generateQbr",
    "dex.generateSavePlan",
    "dex.draftEscalationBrief",
    "dex.newAccount",
    "dex.portfolioReview",
    "dex.applyEdit",
];

/// Arguments of the note commands; each command reads the fields it needs.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CommandArgs {
    /// Account name.
    pub account: Option<String>,
    /// A note of the account, to find the account and the vault.
    pub uri: Option<Uri>,
    /// Issue text for an escalation brief.
    pub issue: Option<String>,
    /// Name of a new account.
    pub name: Option<String>,
}

fn request_failed(message: String) -> RpcError {
    RpcError {
        code: ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

/// The open document's version, or `None` for a note not open in the editor.
fn version_of(shared: &Shared, uri: &Uri) -> Option<i32> {
    shared.docs.get(uri).map(|d| d.version)
}

/// Converts note changes to a `WorkspaceEdit` with `documentChanges`: for each new note a
/// `CreateFile` that refuses to overwrite, then its text.
fn workspace_edit(shared: &Shared, index: &Vault, changes: &[NoteChange]) -> Option<WorkspaceEdit> {
    let encoding = shared.encoding();
    let mut operations = Vec::new();
    for change in changes {
        match change {
            NoteChange::Create(note) => {
                let mut path = index.root.clone();
                path.extend(note.path.split('/'));
                let uri = to_proto::uri(&path)?;
                operations.push(DocumentChangeOperation::Op(ResourceOp::Create(
                    CreateFile {
                        uri: uri.clone(),
                        options: Some(CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(false),
                        }),
                        annotation_id: None,
                    },
                )));
                let start = Range {
                    start: Position::new(0, 0),
                    end: Position::new(0, 0),
                };
                operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
                    edits: vec![OneOf::Left(TextEdit {
                        range: start,
                        new_text: note.text.clone(),
                    })],
                }));
            }
            NoteChange::Edit { note, range, text } => {
                let target = index.note(*note)?;
                let uri = to_proto::uri(&index.absolute_path(target))?;
                let range = to_proto::range(&target.summary.line_index, *range, encoding);
                let version = version_of(shared, &uri);
                let edit = OneOf::Left(TextEdit {
                    range,
                    new_text: text.clone(),
                });
                // Edits to the same note travel in one TextDocumentEdit, all against one version.
                if let Some(DocumentChangeOperation::Edit(last)) = operations.last_mut() {
                    if last.text_document.uri == uri {
                        last.edits.push(edit);
                        continue;
                    }
                }
                operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                    edits: vec![edit],
                }));
            }
        }
    }
    let creates = changes.iter().any(|c| matches!(c, NoteChange::Create(_)));
    if !creates && !shared.flags.read().document_changes {
        // A client without `documentChanges` takes plain per-document edits.
        let mut by_uri: std::collections::HashMap<Uri, Vec<TextEdit>> =
            std::collections::HashMap::new();
        for operation in operations {
            if let DocumentChangeOperation::Edit(edit) = operation {
                let edits = edit.edits.into_iter().filter_map(|e| match e {
                    OneOf::Left(edit) => Some(edit),
                    OneOf::Right(_) => None,
                });
                by_uri
                    .entry(edit.text_document.uri)
                    .or_default()
                    .extend(edits);
            }
        }
        return Some(WorkspaceEdit {
            changes: Some(by_uri),
            ..WorkspaceEdit::default()
        });
    }
    Some(WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(operations)),
        ..WorkspaceEdit::default()
    })
}

/// Explains why the client cannot take an edit, in words the user can act on; `None` when it can.
fn unsupported(shared: &Shared, creates: bool) -> Option<String> {
    let flags = shared.flags.read();
    if !flags.apply_edit {
        return Some("this editor does not accept edits from the language server (workspace/applyEdit); use the `dex` command line with --write instead".to_string());
    }
    // Listing the `create` resource operation implies `documentChanges` support: Neovim lists
    // the operation without the flag, and applies such edits.
    if creates && !flags.create_files {
        return Some("this editor cannot create files through the language server (no CreateFile support); use the `dex` command line with --write instead".to_string());
    }
    None
}

fn kind(action: &Action) -> CodeActionKind {
    match action.kind {
        ActionKind::QuickFix => CodeActionKind::QUICKFIX,
        ActionKind::Rewrite => CodeActionKind::REFACTOR_REWRITE,
        ActionKind::Source(sub) => CodeActionKind::from(format!("source.dex.{sub}")),
    }
}

fn command_for(command: &Command, uri: &Uri) -> LspCommand {
    let (name, title, args) = match command {
        Command::GenerateQbr(account) => (
            "dex.generateQbr",
            "Generate QBR note",
            json!({ "account": account, "uri": uri }),
        ),
        Command::GenerateSavePlan(account) => (
            "dex.generateSavePlan",
            "Generate save plan",
            json!({ "account": account, "uri": uri }),
        ),
        Command::DraftEscalationBrief { account, issue } => (
            "dex.draftEscalationBrief",
            "Draft escalation brief",
            json!({ "account": account, "uri": uri, "issue": issue }),
        ),
        Command::NewAccount(name) => ("dex.newAccount", "New account", json!({ "name": name })),
    };
    LspCommand {
        title: title.to_string(),
        command: name.to_string(),
        arguments: Some(vec![args]),
    }
}

/// `textDocument/codeAction`.
pub async fn handle_code_action(
    shared: &Arc<Shared>,
    params: CodeActionParams,
) -> RpcResult<Option<CodeActionResponse>> {
    let uri = params.text_document.uri.clone();
    let Some(doc) = shared.docs.get(&uri).map(|d| d.clone()) else {
        return Ok(None);
    };
    let only = params.context.only.clone();
    let texts = ServerText::new(shared.clone());
    let task_shared = shared.clone();
    let found = blocking(move || {
        let index = doc.vault.index.read();
        let id = index.id_of_path(&index.relative_path(&doc.path)?)?;
        let line_index = &index.note(id)?.summary.line_index;
        let encoding = task_shared.encoding();
        let range = TextRange::new(
            from_proto::offset(line_index, params.range.start, encoding),
            from_proto::offset(line_index, params.range.end, encoding),
        );
        let today = task_shared.today(&index.config);
        let text = doc.rope.to_string();
        let actions = actions::code_actions(&index, id, &text, range, today, &texts);
        let edits: Vec<Option<WorkspaceEdit>> = actions
            .iter()
            .map(|a| match &a.effect {
                Effect::Edits(changes) => workspace_edit(&task_shared, &index, changes),
                Effect::Command(_) => None,
            })
            .collect();
        Some((actions, edits))
    })
    .await?;
    let Some((found, edits)) = found else {
        return Ok(None);
    };
    let literals = shared.flags.read().code_action_literals;
    let create_files = shared.flags.read().create_files;
    let mut response = Vec::new();
    for (action, edit) in found.iter().zip(edits) {
        let kind = kind(action);
        if only
            .as_ref()
            .is_some_and(|only| !only.iter().any(|o| kind.as_str().starts_with(o.as_str())))
        {
            continue;
        }
        // An edit that creates a note goes through the server when the client cannot create
        // files, so running it shows the user why nothing happened.
        let creates = matches!(&action.effect, Effect::Edits(changes) if changes.iter().any(|c| matches!(c, NoteChange::Create(_))));
        let through_server = !literals || (creates && !create_files);
        let command = match &action.effect {
            Effect::Command(command) => Some(command_for(command, &uri)),
            Effect::Edits(_) if through_server => Some(LspCommand {
                title: action.title.clone(),
                command: "dex.applyEdit".to_string(),
                arguments: Some(vec![serde_json::to_value(&edit).unwrap_or_default()]),
            }),
            Effect::Edits(_) => None,
        };
        if literals {
            response.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: action.title.clone(),
                kind: Some(kind),
                is_preferred: action.preferred.then_some(true),
                edit: if command.is_none() { edit } else { None },
                command,
                ..CodeAction::default()
            }));
        } else if let Some(mut command) = command {
            command.title.clone_from(&action.title);
            response.push(CodeActionOrCommand::Command(command));
        }
    }
    Ok(Some(response))
}

/// Picks the vault a command acts on: the one holding `uri`, else the one with the account, else the
/// only one.
fn command_vault(shared: &Shared, args: &CommandArgs) -> Option<Arc<VaultHandle>> {
    if let Some(path) = args.uri.as_ref().and_then(from_proto::path) {
        if let Some(vault) = shared.vault_for(&path) {
            return Some(vault);
        }
    }
    let vaults = shared.vaults.read().clone();
    if let Some(account) = &args.account {
        if let Some(vault) = vaults
            .iter()
            .find(|v| v.index.read().account(account).is_some())
        {
            return Some(vault.clone());
        }
    }
    vaults.first().cloned()
}

/// `workspace/executeCommand`.
pub async fn handle_execute_command(
    shared: &Arc<Shared>,
    params: ExecuteCommandParams,
) -> RpcResult<Option<Value>> {
    let first = params.arguments.into_iter().next().unwrap_or(Value::Null);
    if params.command == "dex.applyEdit" {
        let edit: WorkspaceEdit = serde_json::from_value(first)
            .map_err(|err| RpcError::invalid_params(err.to_string()))?;
        apply(shared, edit, None).await?;
        return Ok(None);
    }
    let args: CommandArgs = if first.is_null() {
        CommandArgs::default()
    } else {
        serde_json::from_value(first).map_err(|err| {
            RpcError::invalid_params(format!("invalid arguments for {}: {err}", params.command))
        })?
    };
    let Some(vault) = command_vault(shared, &args) else {
        return Err(request_failed(
            "no vault is open; open a folder that holds your notes".to_string(),
        ));
    };
    let account = match (&args.account, &args.uri) {
        (Some(account), _) => Some(account.clone()),
        (None, Some(uri)) => from_proto::path(uri).and_then(|path| {
            let index = vault.index.read();
            let id = index.id_of_path(&index.relative_path(&path)?)?;
            index.account_of(id).map(|a| a.name.clone())
        }),
        (None, None) => None,
    };
    let texts = ServerText::new(shared.clone());
    let task_shared = shared.clone();
    let task_vault = vault.clone();
    let command = params.command.clone();
    let issue = args.issue.clone();
    let name = args.name.clone();
    let notes: Result<Vec<NewNote>, String> = blocking(move || {
        let index = task_vault.index.read();
        let today = task_shared.today(&index.config);
        let request = Request {
            vault: &index,
            root: &task_vault.root,
            today,
            texts: &texts,
        };
        let need_account = || {
            account.clone().ok_or_else(|| {
                "this command needs an account: pass `account` or the `uri` of one of its notes"
                    .to_string()
            })
        };
        match command.as_str() {
            "dex.generateQbr" => generate::qbr(&request, &need_account()?)
                .map(|n| vec![n])
                .map_err(|e| e.to_string()),
            "dex.generateSavePlan" => generate::save_plan(&request, &need_account()?)
                .map(|n| vec![n])
                .map_err(|e| e.to_string()),
            "dex.draftEscalationBrief" => {
                generate::escalation_brief(&request, &need_account()?, issue.as_deref(), false)
                    .map(|n| vec![n])
                    .map_err(|e| e.to_string())
            }
            "dex.newAccount" => {
                let name = name.ok_or_else(|| "dex.newAccount needs a `name`".to_string())?;
                generate::new_account(&request, &name).map_err(|e| e.to_string())
            }
            "dex.portfolioReview" => {
                let review = portfolio::portfolio(&index, today, &texts);
                let text = portfolio::render(&review, &index.config.renewal_windows);
                let path = generate::unique_path(
                    &index,
                    &task_vault.root,
                    "Active/Portfolio",
                    &format!("{today} - Portfolio review"),
                );
                Ok(vec![NewNote { path, text }])
            }
            other => Err(format!("unknown command `{other}`")),
        }
    })
    .await?;
    let notes = notes.map_err(request_failed)?;
    let changes: Vec<NoteChange> = notes.iter().cloned().map(NoteChange::Create).collect();
    let edit = workspace_edit(shared, &vault.index.read(), &changes)
        .ok_or_else(|| request_failed("cannot turn the note path into a file URI".to_string()))?;
    let first_path = notes.first().map(|n| {
        let mut path = vault.root.clone();
        path.extend(n.path.split('/'));
        path
    });
    let opened = first_path.as_deref().and_then(to_proto::uri);
    apply(shared, edit, opened.clone()).await?;
    Ok(Some(
        json!({ "uri": opened, "paths": notes.iter().map(|n| n.path.clone()).collect::<Vec<_>>() }),
    ))
}

/// Sends an edit to the client and opens `show` afterwards when the client supports it.
async fn apply(shared: &Arc<Shared>, edit: WorkspaceEdit, show: Option<Uri>) -> RpcResult<()> {
    let creates = matches!(&edit.document_changes, Some(DocumentChanges::Operations(ops)) if ops.iter().any(|o| matches!(o, DocumentChangeOperation::Op(ResourceOp::Create(_)))));
    if let Some(reason) = unsupported(shared, creates) {
        shared
            .client
            .show_message(MessageType::ERROR, format!("Dex: {reason}"))
            .await;
        return Err(request_failed(reason));
    }
    let response = shared
        .client
        .send_request::<crate::server::lsp::request::ApplyWorkspaceEdit>(ApplyWorkspaceEditParams {
            label: Some("Dex".to_string()),
            edit,
        })
        .await?;
    if !response.applied {
        let reason = response
            .failure_reason
            .unwrap_or_else(|| "no reason given".to_string());
        return Err(request_failed(format!(
            "the editor did not apply the edit: {reason}"
        )));
    }
    if let Some(uri) = show {
        if shared.flags.read().show_document {
            let params = ShowDocumentParams {
                uri,
                external: Some(false),
                take_focus: Some(true),
                selection: None,
            };
            if let Err(err) = shared.client.show_document(params).await {
                tracing::debug!(%err, "client did not open the new note");
            }
        }
    }
    Ok(())
}

/// `textDocument/codeLens`.
pub async fn handle_code_lens(
    shared: &Arc<Shared>,
    params: CodeLensParams,
) -> RpcResult<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri;
    let Some(path) = from_proto::path(&uri) else {
        return Ok(None);
    };
    let Some(vault) = shared.vault_for(&path) else {
        return Ok(None);
    };
    let texts = ServerText::new(shared.clone());
    let task_shared = shared.clone();
    blocking(move || {
        let index = vault.index.read();
        let id = index.id_of_path(&index.relative_path(&path)?)?;
        let line_index = &index.note(id)?.summary.line_index;
        let today = task_shared.today(&index.config);
        let encoding = task_shared.encoding();
        let lenses = lens::code_lenses(&index, id, today, &texts)
            .into_iter()
            .map(|l| {
                let (command, arguments) = match &l.command {
                    lens::LensCommand::None => (String::new(), None),
                    lens::LensCommand::GenerateQbr(a) => (
                        "dex.generateQbr".to_string(),
                        Some(vec![json!({ "account": a })]),
                    ),
                    lens::LensCommand::GenerateSavePlan(a) => (
                        "dex.generateSavePlan".to_string(),
                        Some(vec![json!({ "account": a })]),
                    ),
                    lens::LensCommand::DraftEscalationBrief(a) => (
                        "dex.draftEscalationBrief".to_string(),
                        Some(vec![json!({ "account": a })]),
                    ),
                };
                CodeLens {
                    range: to_proto::range(line_index, l.range, encoding),
                    command: Some(LspCommand {
                        title: l.title,
                        command,
                        arguments,
                    }),
                    data: None,
                }
            })
            .collect();
        Some(lenses)
    })
    .await
}

/// `textDocument/inlayHint`.
pub async fn handle_inlay_hint(
    shared: &Arc<Shared>,
    params: InlayHintParams,
) -> RpcResult<Option<Vec<InlayHint>>> {
    let Some(path) = from_proto::path(&params.text_document.uri) else {
        return Ok(None);
    };
    let Some(vault) = shared.vault_for(&path) else {
        return Ok(None);
    };
    let task_shared = shared.clone();
    blocking(move || {
        let index = vault.index.read();
        let id = index.id_of_path(&index.relative_path(&path)?)?;
        let line_index: &LineIndex = &index.note(id)?.summary.line_index;
        let encoding = task_shared.encoding();
        let range = TextRange::new(
            from_proto::offset(line_index, params.range.start, encoding),
            from_proto::offset(line_index, params.range.end, encoding),
        );
        let today = task_shared.today(&index.config);
        let hints = inlay::inlay_hints(&index, id, range, today)
            .into_iter()
            .map(|h| InlayHint {
                position: to_proto::position(line_index, h.offset, encoding),
                label: InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect();
        Some(hints)
    })
    .await
}

/// One account in the `dex/accounts` answer.
#[derive(Debug, Serialize)]
pub struct AccountEntry {
    /// Name.
    pub name: String,
    /// Health score.
    pub score: Option<u32>,
    /// Band: green, yellow, red or none.
    pub band: &'static str,
    /// Renewal date.
    pub renewal: Option<String>,
    /// The Overview note.
    pub uri: Option<Uri>,
}

/// `dex/accounts`: every account of every vault, for pickers.
pub async fn handle_accounts(shared: &Arc<Shared>) -> RpcResult<Vec<AccountEntry>> {
    let vaults = shared.vaults.read().clone();
    let texts = ServerText::new(shared.clone());
    let task_shared = shared.clone();
    blocking(move || {
        let mut out = Vec::new();
        for vault in vaults {
            let index = vault.index.read();
            let today = task_shared.today(&index.config);
            for line in portfolio::portfolio(&index, today, &texts).accounts {
                let uri = line.overview.as_ref().and_then(|p| {
                    let mut path = vault.root.clone();
                    path.extend(p.split('/'));
                    to_proto::uri(&path)
                });
                out.push(AccountEntry {
                    name: line.name,
                    score: line.score,
                    band: line.band,
                    renewal: line.renewal.map(|d| d.to_string()),
                    uri,
                });
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    })
    .await
}
