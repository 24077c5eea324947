import { execFile } from "node:child_process";
import * as path from "node:path";

import { expandHome, findOnPath, isExecutableFile } from "./paths";
import { compareVersions, formatVersion, parseVersionOutput } from "./version";
import type { Version } from "./version";

/** The `dex` executable that the extension will start. */
export interface ServerBinary {
    path: string;
    version: Version;
}

/** A problem with the server binary that the user has to fix. The message tells how. */
export class ServerBinaryError extends Error {}

const VERSION_TIMEOUT_MS = 10_000;

/**
 * Finds the `dex` executable (the `dex.server.path` setting, else `PATH`) and checks that
 * `dex --version` reports at least `minimum`.
 *
 * @param configuredPath `dex.server.path`, or `undefined` when the setting is empty.
 * @param workspaceRoot folder against which a relative `dex.server.path` is resolved.
 */
export async function findServerBinary(
    configuredPath: string | undefined,
    minimum: Version,
    workspaceRoot: string | undefined,
): Promise<ServerBinary> {
    const file = locate(configuredPath, workspaceRoot);
    const output = await runVersion(file);
    const version = parseVersionOutput(output);
    if (!version) {
        throw new ServerBinaryError(
            `\`${file} --version\` printed \`${output.trim()}\`, not \`dex <version>\`. ` +
                "Check that `dex.server.path` points at the Dex language server.",
        );
    }
    if (compareVersions(version, minimum) < 0) {
        throw new ServerBinaryError(
            `\`${file}\` is Dex ${formatVersion(version)}, but this extension needs ` +
                `${formatVersion(minimum)} or newer. Install a newer Dex ` +
                "(`cargo install --path .` in the Dex repository) or point `dex.server.path` at one.",
        );
    }
    return { path: file, version };
}

function locate(configuredPath: string | undefined, workspaceRoot: string | undefined): string {
    if (configuredPath !== undefined) {
        let file = expandHome(configuredPath);
        if (!path.isAbsolute(file) && workspaceRoot !== undefined) {
            file = path.join(workspaceRoot, file);
        }
        if (!isExecutableFile(file)) {
            throw new ServerBinaryError(
                `\`dex.server.path\` is \`${configuredPath}\`, but there is no executable file ` +
                    `at \`${file}\`. Fix the setting, or clear it to use \`dex\` from PATH.`,
            );
        }
        return file;
    }
    const found = findOnPath("dex");
    if (found === undefined) {
        throw new ServerBinaryError(
            "The Dex language server (`dex`) was not found on PATH. Install it with " +
                "`cargo install --path .` in the Dex repository, or set `dex.server.path` " +
                "to the `dex` executable.",
        );
    }
    return found;
}

function runVersion(file: string): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(file, ["--version"], { timeout: VERSION_TIMEOUT_MS }, (error, stdout, stderr) => {
            if (error) {
                const detail = stderr.trim() || error.message;
                reject(
                    new ServerBinaryError(
                        `\`${file} --version\` failed: ${detail}. ` +
                            "Check that `dex.server.path` points at the Dex language server.",
                    ),
                );
                return;
            }
            resolve(stdout);
        });
    });
}
