import * as assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";

import { expandHome, findOnPath } from "../src/paths";

test("leading tilde expands to home", () => {
    assert.equal(expandHome("~/bin/dex", "/home/ana"), "/home/ana/bin/dex");
    assert.equal(expandHome("~", "/home/ana"), "/home/ana");
});

test("tilde elsewhere is kept", () => {
    assert.equal(expandHome("/opt/~dex/dex", "/home/ana"), "/opt/~dex/dex");
    assert.equal(expandHome("~ana/dex", "/home/ana"), "~ana/dex");
});

test("PATH lookup returns the first executable", () => {
    const executables = new Set([path.join("/b", "dex"), path.join("/c", "dex")]);
    const found = findOnPath("dex", ["/a", "", "/b", "/c"].join(path.delimiter), (file) =>
        executables.has(file),
    );
    assert.equal(found, path.join("/b", "dex"));
});

test("PATH lookup without a match", () => {
    assert.equal(
        findOnPath("dex", ["/a", "/b"].join(path.delimiter), () => false),
        undefined,
    );
    assert.equal(
        findOnPath("dex", "", () => true),
        undefined,
    );
});
