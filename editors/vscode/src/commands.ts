import * as vscode from "vscode";
import { ExecuteCommandRequest } from "vscode-languageclient/node";
import type { LanguageClient } from "vscode-languageclient/node";

import type { DexSession } from "./client";
import { errorMessage, log } from "./log";

/** One entry of the server's `dex/accounts` reply. */
interface Account {
    name: string;
    score?: number | null;
    band?: string | null;
    renewal?: string | null;
    uri?: string | null;
}

/** Result of the server's note-creating commands. */
interface CreatedNote {
    uri: string;
}

/**
 * Registers the palette commands. Each collects its arguments in the UI, then sends
 * `workspace/executeCommand`. The server creates the note and sends `window/showDocument` for it.
 *
 * The server's own command ids (`dex.generateQbr` and the others) are registered by
 * vscode-languageclient for code actions, so the palette commands use ids of their own.
 */
export function registerCommands(session: DexSession): vscode.Disposable[] {
    return [
        vscode.commands.registerCommand("dex.palette.generateQbr", () =>
            runForAccount(session, "dex.generateQbr", "Generate a QBR note for which account?"),
        ),
        vscode.commands.registerCommand("dex.palette.generateSavePlan", () =>
            runForAccount(
                session,
                "dex.generateSavePlan",
                "Generate a save plan for which account?",
            ),
        ),
        vscode.commands.registerCommand("dex.palette.draftEscalationBrief", () =>
            draftEscalationBrief(session),
        ),
        vscode.commands.registerCommand("dex.palette.newAccount", () => newAccount(session)),
        vscode.commands.registerCommand("dex.palette.portfolioReview", () =>
            withClient(session, (client) =>
                executeServerCommand(client, "dex.portfolioReview", {}),
            ),
        ),
        vscode.commands.registerCommand("dex.restartServer", () => session.restart()),
        vscode.commands.registerCommand("dex.showOutput", () => log.show()),
    ];
}

async function withClient(
    session: DexSession,
    action: (client: LanguageClient) => Promise<void>,
): Promise<void> {
    const client = session.client;
    if (client === undefined) {
        void vscode.window.showErrorMessage(
            "Dex: the server is not running. Open a vault folder (one with .dex.toml, " +
                ".obsidian/ or Active/Accounts/) or run Dex: Restart Server.",
        );
        return;
    }
    try {
        await action(client);
    } catch (error) {
        log.error(errorMessage(error));
        void vscode.window.showErrorMessage(`Dex: ${errorMessage(error)}`);
    }
}

function runForAccount(session: DexSession, command: string, title: string): Promise<void> {
    return withClient(session, async (client) => {
        const account = await pickAccount(client, title);
        if (account !== undefined) {
            await executeServerCommand(client, command, { account: account.name });
        }
    });
}

async function pickAccount(client: LanguageClient, title: string): Promise<Account | undefined> {
    // Sent without params: the server rejects an empty params object for this request.
    const accounts = await client.sendRequest<Account[] | null>("dex/accounts");
    if (!accounts || accounts.length === 0) {
        void vscode.window.showInformationMessage(
            "Dex: the vault has no accounts yet (folders under Active/Accounts/).",
        );
        return undefined;
    }
    const activeUri = vscode.window.activeTextEditor?.document.uri.toString();
    const items = accounts.map((account) => ({
        label: account.name,
        description: [
            account.band ? `${account.band}` : undefined,
            typeof account.score === "number" ? `score ${account.score}` : undefined,
        ]
            .filter((part) => part !== undefined)
            .join(" · "),
        detail: account.renewal ? `Renewal ${account.renewal}` : undefined,
        account,
    }));
    // Offer the account of the open note first.
    const current = items.findIndex((item) => isInAccountFolder(activeUri, item.account.uri));
    if (current > 0) {
        items.unshift(...items.splice(current, 1));
    }
    const picked = await vscode.window.showQuickPick(items, {
        title,
        placeHolder: "Account",
        matchOnDescription: true,
    });
    return picked?.account;
}

/** Returns whether `noteUri` lies in the folder of the account page `accountUri`. */
function isInAccountFolder(
    noteUri: string | undefined,
    accountUri: string | null | undefined,
): boolean {
    if (!noteUri || !accountUri) {
        return false;
    }
    const folder = accountUri.slice(0, accountUri.lastIndexOf("/") + 1);
    return noteUri.startsWith(folder);
}

/**
 * Drafts an escalation brief for the account of the open note, quoting the selected text as the
 * issue when there is a selection. Without an open note, the user picks the account.
 */
function draftEscalationBrief(session: DexSession): Promise<void> {
    return withClient(session, async (client) => {
        const editor = vscode.window.activeTextEditor;
        let argument: Record<string, unknown>;
        if (editor !== undefined && editor.document.languageId === "markdown") {
            argument = { uri: editor.document.uri.toString() };
            const selected = editor.document.getText(editor.selection).trim();
            if (selected !== "") {
                argument.issue = selected;
            }
        } else {
            const account = await pickAccount(
                client,
                "Draft an escalation brief for which account?",
            );
            if (account === undefined) {
                return;
            }
            argument = { account: account.name };
        }
        await executeServerCommand(client, "dex.draftEscalationBrief", argument);
    });
}

function newAccount(session: DexSession): Promise<void> {
    return withClient(session, async (client) => {
        const name = await vscode.window.showInputBox({
            title: "New account",
            prompt: "Account name, as it should appear in links, such as Acme Corp",
            validateInput: (value) => {
                if (value.trim() === "") {
                    return "Enter a name.";
                }
                return /[\\/]/.test(value) ? "A name cannot contain / or \\." : undefined;
            },
        });
        if (name !== undefined) {
            await executeServerCommand(client, "dex.newAccount", { name: name.trim() });
        }
    });
}

/**
 * Sends one of the server's commands. The server applies the edit and shows the new note
 * itself (`window/showDocument`); the note is opened here only if it is not visible yet.
 */
async function executeServerCommand(
    client: LanguageClient,
    command: string,
    argument: Record<string, unknown>,
): Promise<void> {
    log.info(`Running ${command} ${JSON.stringify(argument)}`);
    const created = (await client.sendRequest(ExecuteCommandRequest.type, {
        command,
        arguments: [argument],
    })) as CreatedNote | null | undefined;
    if (!created?.uri) {
        return;
    }
    const uri = vscode.Uri.parse(created.uri);
    const visible = vscode.window.visibleTextEditors.some(
        (editor) => editor.document.uri.toString() === uri.toString(),
    );
    if (!visible) {
        await vscode.window.showTextDocument(uri);
    }
}
