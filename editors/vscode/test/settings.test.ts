import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";

import { buildServerSettings, mostSpecificValue, serverKeys } from "../src/settings";
import type { ConfigurationContribution } from "../src/settings";

const packageJson = JSON.parse(
    fs.readFileSync(path.resolve(__dirname, "../../package.json"), "utf8"),
) as ConfigurationContribution;

test("client-only settings are not sent", () => {
    const keys = serverKeys(packageJson);
    assert.ok(keys.includes("today"));
    assert.ok(keys.includes("diagnostics.severity"));
    assert.ok(!keys.includes("server.path"));
    assert.ok(!keys.includes("trace.server"));
    assert.ok(!keys.includes("logLevel"));
});

test("only settings the user set are sent", () => {
    const set: Record<string, unknown> = {
        today: "2026-03-15",
        "diagnostics.enabled": false,
        "diagnostics.severity": { overdue: "error" },
    };
    const settings = buildServerSettings(
        ["today", "timezone", "diagnostics.enabled", "diagnostics.severity"],
        (key) => set[key],
    );
    assert.deepEqual(settings, {
        today: "2026-03-15",
        diagnostics: { enabled: false, severity: { overdue: "error" } },
    });
});

test("empty today and time zone mean unset", () => {
    const settings = buildServerSettings(["today", "timezone"], () => "");
    assert.deepEqual(settings, {});
});

test("most specific scope wins", () => {
    assert.equal(
        mostSpecificValue({ globalValue: "2026-01-01", workspaceFolderValue: "2026-03-15" }),
        "2026-03-15",
    );
    assert.equal(mostSpecificValue({ globalValue: false }), false);
    assert.equal(mostSpecificValue({}), undefined);
});

test("objects merge across scopes", () => {
    assert.deepEqual(
        mostSpecificValue({
            globalValue: { overdue: "error", "due-today": "off" },
            workspaceValue: { overdue: "hint" },
        }),
        { overdue: "hint", "due-today": "off" },
    );
});

test("arrays are not merged", () => {
    assert.deepEqual(mostSpecificValue({ globalValue: [120, 90], workspaceValue: [30] }), [30]);
});
