import * as vscode from "vscode";

/**
 * The **Dex** output channel: the extension's own log lines and the server's log messages
 * (vscode-languageclient writes `window/logMessage` and the server's standard error here).
 */
export const log: vscode.LogOutputChannel = vscode.window.createOutputChannel("Dex", {
    log: true,
});

/** The **Dex Trace** channel, where `dex.trace.server` writes the protocol trace. */
export const traceChannel: vscode.LogOutputChannel = vscode.window.createOutputChannel(
    "Dex Trace",
    { log: true },
);

/** Returns the message of a caught value, whatever was thrown. */
export function errorMessage(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
