import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";

import { findVaultMarker } from "../src/vault";

function tempFolder(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "dex-vault-test-"));
}

test("folder with .dex.toml is a vault", async () => {
    const folder = tempFolder();
    fs.writeFileSync(path.join(folder, ".dex.toml"), "");
    assert.equal(await findVaultMarker(folder), ".dex.toml");
});

test("folder with .obsidian is a vault", async () => {
    const folder = tempFolder();
    fs.mkdirSync(path.join(folder, ".obsidian"));
    assert.equal(await findVaultMarker(folder), ".obsidian");
});

test("folder with Active/Accounts is a vault", async () => {
    const folder = tempFolder();
    fs.mkdirSync(path.join(folder, "Active", "Accounts"), { recursive: true });
    assert.equal(await findVaultMarker(folder), path.join("Active", "Accounts"));
});

test("markers of the wrong kind do not count", async () => {
    const folder = tempFolder();
    fs.mkdirSync(path.join(folder, ".dex.toml"));
    fs.writeFileSync(path.join(folder, ".obsidian"), "");
    assert.equal(await findVaultMarker(folder), undefined);
});

test("plain folder is not a vault", async () => {
    assert.equal(await findVaultMarker(tempFolder()), undefined);
});

test("example vault is a vault", async () => {
    const example = path.resolve(__dirname, "../../../../examples/vault");
    assert.equal(await findVaultMarker(example), ".dex.toml");
});
