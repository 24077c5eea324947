/**
 * The `dex` settings section as the server reads it (`initializationOptions` and
 * `workspace/configuration`), built from VS Code's settings.
 *
 * Only values the user set are sent, so that the vault's `.dex.toml` and the server's own
 * defaults apply to everything else: VS Code would otherwise report each setting's default as
 * if it had been chosen.
 */

/** Settings under `dex.` that the extension reads itself and does not send to the server. */
export const CLIENT_KEYS: readonly string[] = [
    "server.path",
    "server.extraEnv",
    "logLevel",
    "trace.server",
];

/** Setting keys (without the `dex.` prefix) whose empty string means "not set". */
const EMPTY_MEANS_UNSET = new Set(["today", "timezone"]);

/** The `contributes.configuration` part of package.json that this module reads. */
export interface ConfigurationContribution {
    contributes: { configuration: { properties: Record<string, unknown> }[] };
}

/** Returns the server-owned keys declared in package.json, without the `dex.` prefix. */
export function serverKeys(packageJson: ConfigurationContribution): string[] {
    const keys: string[] = [];
    for (const category of packageJson.contributes.configuration) {
        for (const name of Object.keys(category.properties)) {
            const key = name.replace(/^dex\./, "");
            if (!CLIENT_KEYS.includes(key)) {
                keys.push(key);
            }
        }
    }
    return keys;
}

/**
 * Builds the nested settings object for the server. `explicitValue(key)` returns the value the
 * user set for `dex.<key>`, or `undefined` when they set none.
 */
export function buildServerSettings(
    keys: readonly string[],
    explicitValue: (key: string) => unknown,
): Record<string, unknown> {
    const settings: Record<string, unknown> = {};
    for (const key of keys) {
        const value = explicitValue(key);
        if (value === undefined || value === null) {
            continue;
        }
        if (EMPTY_MEANS_UNSET.has(key) && value === "") {
            continue;
        }
        setPath(settings, key.split("."), value);
    }
    return settings;
}

/**
 * Returns the value of the most specific scope that has one (folder, then workspace, then
 * user). Objects are merged key by key across scopes, as VS Code's own `get` does.
 */
export function mostSpecificValue(inspected: {
    globalValue?: unknown;
    workspaceValue?: unknown;
    workspaceFolderValue?: unknown;
}): unknown {
    const scopes = [
        inspected.globalValue,
        inspected.workspaceValue,
        inspected.workspaceFolderValue,
    ].filter((value) => value !== undefined);
    if (scopes.length === 0) {
        return undefined;
    }
    if (scopes.every(isPlainObject)) {
        return Object.assign({}, ...scopes) as Record<string, unknown>;
    }
    return scopes[scopes.length - 1];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function setPath(target: Record<string, unknown>, parts: string[], value: unknown): void {
    let node = target;
    for (const part of parts.slice(0, -1)) {
        const child = node[part];
        if (!isPlainObject(child)) {
            node[part] = {};
        }
        node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
}
