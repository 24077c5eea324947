import * as vscode from "vscode";

import { DexSession } from "./client";
import { registerCommands } from "./commands";
import { Config, RESTART_KEYS } from "./config";
import { errorMessage, log, traceChannel } from "./log";
import type { ConfigurationContribution } from "./settings";
import { parseVersion } from "./version";

interface PackageJson extends ConfigurationContribution {
    dexServer: { minimumVersion: string };
}

let session: DexSession | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    try {
        const packageJson = context.extension.packageJSON as PackageJson;
        const minimum = parseVersion(packageJson.dexServer.minimumVersion);
        if (minimum === undefined) {
            throw new Error(
                `invalid dexServer.minimumVersion in package.json: ${packageJson.dexServer.minimumVersion}`,
            );
        }
        const dex = new DexSession(new Config(packageJson), minimum);
        session = dex;
        context.subscriptions.push(
            log,
            traceChannel,
            ...registerCommands(dex),
            vscode.workspace.onDidChangeConfiguration((event) => {
                if (RESTART_KEYS.some((key) => event.affectsConfiguration(key))) {
                    log.info("A server setting changed; restarting the server.");
                    void dex.restart();
                }
            }),
            vscode.workspace.onDidChangeWorkspaceFolders(() => dex.onFoldersChanged()),
        );
        await dex.restart();
    } catch (error) {
        // VS Code does not show activation failures by itself.
        log.error(`Activation failed: ${errorMessage(error)}`);
        void vscode.window.showErrorMessage(`Dex failed to start: ${errorMessage(error)}`);
    }
}

export async function deactivate(): Promise<void> {
    await session?.stop();
}
