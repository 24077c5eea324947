import * as vscode from "vscode";

import { buildServerSettings, mostSpecificValue, serverKeys } from "./settings";
import type { ConfigurationContribution } from "./settings";

/** Settings that take effect only when the server process starts again. */
export const RESTART_KEYS: readonly string[] = [
    "dex.server.path",
    "dex.server.extraEnv",
    "dex.logLevel",
];

/** Typed access to the `dex` settings that the extension itself reads. */
export class Config {
    private readonly keys: string[];

    constructor(packageJson: ConfigurationContribution) {
        this.keys = serverKeys(packageJson);
    }

    private get section(): vscode.WorkspaceConfiguration {
        return vscode.workspace.getConfiguration("dex");
    }

    /** `dex.server.path`, or `undefined` when empty (look on `PATH`). */
    get serverPath(): string | undefined {
        const value = this.section.get<string>("server.path", "").trim();
        return value === "" ? undefined : value;
    }

    get extraEnv(): Record<string, string> {
        return this.section.get<Record<string, string>>("server.extraEnv", {});
    }

    get logLevel(): string {
        return this.section.get<string>("logLevel", "info");
    }

    /** Builds the server's `dex` section for `scope` (a note or folder) from the values the user set. */
    serverSettings(scope?: vscode.Uri): Record<string, unknown> {
        const section = vscode.workspace.getConfiguration("dex", scope);
        return buildServerSettings(this.keys, (key) => {
            const inspected = section.inspect(key);
            return inspected ? mostSpecificValue(inspected) : undefined;
        });
    }
}
