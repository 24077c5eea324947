import * as vscode from "vscode";
import { LanguageClient } from "vscode-languageclient/node";
import type { LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

import { findServerBinary, ServerBinaryError } from "./bootstrap";
import type { ServerBinary } from "./bootstrap";
import type { Config } from "./config";
import { errorMessage, log, traceChannel } from "./log";
import { findVaultMarker } from "./vault";
import { formatVersion } from "./version";
import type { Version } from "./version";

/** Context key that is true while a workspace folder is a vault; palette commands use it. */
const IN_VAULT_CONTEXT = "dex.inVault";

/**
 * Owns the language client. `restart` is the only way to start it, so that activation,
 * the restart command and setting changes can never start two servers.
 */
export class DexSession {
    private current: LanguageClient | undefined;
    private queue: Promise<void> = Promise.resolve();

    constructor(
        private readonly config: Config,
        private readonly minimumVersion: Version,
    ) {}

    /** The running client, or `undefined` when there is no vault or the server failed. */
    get client(): LanguageClient | undefined {
        return this.current?.isRunning() ? this.current : undefined;
    }

    /** Stops the server if it runs, then starts it again when a workspace folder is a vault. */
    restart(): Promise<void> {
        this.queue = this.queue.then(() => this.stopThenStart());
        return this.queue;
    }

    /** Restarts only when a vault folder appeared or the last one went away. */
    async onFoldersChanged(): Promise<void> {
        const hasVault = (await findVaultFolders()).length > 0;
        if (hasVault !== (this.current !== undefined)) {
            await this.restart();
        }
    }

    async stop(): Promise<void> {
        const client = this.current;
        this.current = undefined;
        if (client === undefined) {
            return;
        }
        try {
            await client.dispose();
        } catch (error) {
            log.warn(`Stopping the server failed: ${errorMessage(error)}`);
        }
    }

    private async stopThenStart(): Promise<void> {
        await this.stop();
        const vaults = await findVaultFolders();
        await vscode.commands.executeCommand("setContext", IN_VAULT_CONTEXT, vaults.length > 0);
        if (vaults.length === 0) {
            log.info(
                "No workspace folder is a vault (none has .dex.toml, .obsidian/ or " +
                    "Active/Accounts/ at its root); the server is not started.",
            );
            return;
        }
        for (const vault of vaults) {
            log.info(`Vault ${vault.folder.uri.fsPath} (found ${vault.marker})`);
        }

        let binary: ServerBinary;
        try {
            binary = await findServerBinary(
                this.config.serverPath,
                this.minimumVersion,
                vaults[0].folder.uri.fsPath,
            );
        } catch (error) {
            reportStartFailure(error);
            return;
        }
        log.info(`Starting ${binary.path} lsp (Dex ${formatVersion(binary.version)})`);

        const client = createLanguageClient(binary, this.config);
        this.current = client;
        try {
            await client.start();
        } catch (error) {
            reportStartFailure(error);
        }
    }
}

interface VaultFolder {
    folder: vscode.WorkspaceFolder;
    marker: string;
}

async function findVaultFolders(): Promise<VaultFolder[]> {
    const vaults: VaultFolder[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
        if (folder.uri.scheme !== "file") {
            continue;
        }
        const marker = await findVaultMarker(folder.uri.fsPath);
        if (marker !== undefined) {
            vaults.push({ folder, marker });
        }
    }
    return vaults;
}

function reportStartFailure(error: unknown): void {
    const message = errorMessage(error);
    log.error(message);
    const actions = error instanceof ServerBinaryError ? ["Open Settings"] : ["Show Output"];
    void vscode.window.showErrorMessage(`Dex: ${message}`, ...actions).then((choice) => {
        if (choice === "Open Settings") {
            void vscode.commands.executeCommand("workbench.action.openSettings", "dex.server");
        } else if (choice === "Show Output") {
            log.show();
        }
    });
}

function createLanguageClient(binary: ServerBinary, config: Config): LanguageClient {
    const serverOptions: ServerOptions = {
        command: binary.path,
        args: ["lsp"],
        options: {
            env: { ...process.env, DEX_LOG: `dex=${config.logLevel},warn`, ...config.extraEnv },
        },
    };
    const clientOptions: LanguageClientOptions = {
        // NOTE: in a multi-root workspace the server also receives Markdown files from folders
        // that are not vaults, and it treats every workspace folder as a vault.
        documentSelector: [{ scheme: "file", language: "markdown" }],
        outputChannel: log,
        traceOutputChannel: traceChannel,
        initializationOptions: () => config.serverSettings(),
        synchronize: { configurationSection: "dex" },
        middleware: {
            workspace: {
                // The server pulls the `dex` section. Return only the values the user set.
                configuration: async (params, token, next) => {
                    const values = await next(params, token);
                    if (!Array.isArray(values)) {
                        return values;
                    }
                    return params.items.map((item, index): unknown =>
                        item.section === "dex"
                            ? config.serverSettings(
                                  item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined,
                              )
                            : values[index],
                    );
                },
            },
        },
    };
    // The id `dex` makes vscode-languageclient read the `dex.trace.server` setting.
    return new LanguageClient("dex", "Dex", serverOptions, clientOptions);
}
