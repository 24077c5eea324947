import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

import { CLIENT_KEYS } from "../src/settings";

// The dex binary whose `settings-schema` package.json must match. The editor test runner sets
// it; run `npm test` with DEX=path/to/dex to include this check.
const dex = process.env.DEX;

interface Category {
    title: string;
    properties: Record<string, unknown>;
}

function packageSettings(): Record<string, unknown> {
    const packageJson = JSON.parse(
        fs.readFileSync(path.resolve(__dirname, "../../package.json"), "utf8"),
    ) as { contributes: { configuration: Category[] } };
    const settings: Record<string, unknown> = {};
    for (const category of packageJson.contributes.configuration) {
        for (const [name, property] of Object.entries(category.properties)) {
            if (!CLIENT_KEYS.includes(name.replace(/^dex\./, ""))) {
                settings[name] = property;
            }
        }
    }
    return settings;
}

test("package.json settings match the server", { skip: !dex && "DEX is not set" }, () => {
    const schema = JSON.parse(
        execFileSync(dex!, ["settings-schema"], { encoding: "utf8" }),
    ) as Record<string, unknown>;
    const settings = packageSettings();
    const hint = "run `node scripts/generate-settings.mjs path/to/dex` in editors/vscode";
    assert.deepEqual(
        Object.keys(settings).sort(),
        Object.keys(schema).sort(),
        `setting names differ from \`dex settings-schema\`; ${hint}`,
    );
    for (const name of Object.keys(schema)) {
        assert.deepEqual(settings[name], schema[name], `${name} differs; ${hint}`);
    }
});
