import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";

import { findServerBinary, ServerBinaryError } from "../src/bootstrap";

const MINIMUM = { major: 0, minor: 1, patch: 0 };

/** Writes an executable script that prints `output` and exits with `status`. */
function fakeServer(output: string, status = 0): string {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "dex-bootstrap-test-"));
    const file = path.join(folder, "dex");
    fs.writeFileSync(file, `#!/bin/sh\necho '${output}'\nexit ${status}\n`, { mode: 0o755 });
    return file;
}

test("configured binary of a new enough version", async () => {
    const file = fakeServer("dex 0.1.0");
    const binary = await findServerBinary(file, MINIMUM, undefined);
    assert.equal(binary.path, file);
    assert.deepEqual(binary.version, MINIMUM);
});

test("relative path resolves against the workspace", async () => {
    const file = fakeServer("dex 0.2.0");
    const binary = await findServerBinary("dex", MINIMUM, path.dirname(file));
    assert.equal(binary.path, file);
});

test("old binary names both versions", async () => {
    const file = fakeServer("dex 0.0.9");
    await assert.rejects(findServerBinary(file, MINIMUM, undefined), (error: Error) => {
        assert.ok(error instanceof ServerBinaryError);
        assert.match(error.message, /is Dex 0\.0\.9/);
        assert.match(error.message, /needs 0\.1\.0 or newer/);
        assert.match(error.message, /dex\.server\.path/);
        return true;
    });
});

test("missing configured binary names the setting", async () => {
    await assert.rejects(
        findServerBinary("/nonexistent/dex", MINIMUM, undefined),
        (error: Error) => {
            assert.ok(error instanceof ServerBinaryError);
            assert.match(error.message, /`dex\.server\.path` is `\/nonexistent\/dex`/);
            return true;
        },
    );
});

test("other program is rejected", async () => {
    const file = fakeServer("git version 2.47.3");
    await assert.rejects(findServerBinary(file, MINIMUM, undefined), /not `dex <version>`/);
});

test("failing --version is reported", async () => {
    const file = fakeServer("oops", 3);
    await assert.rejects(findServerBinary(file, MINIMUM, undefined), /--version` failed/);
});

test("binary on PATH is found", async () => {
    const file = fakeServer("dex 0.1.0");
    const saved = process.env.PATH;
    process.env.PATH = path.dirname(file);
    try {
        const binary = await findServerBinary(undefined, MINIMUM, undefined);
        assert.equal(binary.path, file);
    } finally {
        process.env.PATH = saved;
    }
});

test("no binary on PATH says how to install", async () => {
    const saved = process.env.PATH;
    process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), "dex-empty-path-"));
    try {
        await assert.rejects(
            findServerBinary(undefined, MINIMUM, undefined),
            /not found on PATH.*cargo install --path \./,
        );
    } finally {
        process.env.PATH = saved;
    }
});
