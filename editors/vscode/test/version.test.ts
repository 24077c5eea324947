import * as assert from "node:assert/strict";
import { test } from "node:test";

import { compareVersions, parseVersion, parseVersionOutput } from "../src/version";

test("version output of dex is parsed", () => {
    assert.deepEqual(parseVersionOutput("dex 0.1.0\n"), { major: 0, minor: 1, patch: 0 });
});

test("version suffix is ignored", () => {
    assert.deepEqual(parseVersionOutput("dex 1.2.3-dev"), { major: 1, minor: 2, patch: 3 });
});

test("other program's output is rejected", () => {
    assert.equal(parseVersionOutput("git version 2.47.3"), undefined);
    assert.equal(parseVersionOutput("dex unknown"), undefined);
    assert.equal(parseVersionOutput(""), undefined);
});

test("versions compare numerically", () => {
    const v = (text: string) => parseVersion(text)!;
    assert.ok(compareVersions(v("0.1.0"), v("0.1.0")) === 0);
    assert.ok(compareVersions(v("0.0.9"), v("0.1.0")) < 0);
    assert.ok(compareVersions(v("0.10.0"), v("0.9.9")) > 0);
    assert.ok(compareVersions(v("1.0.0"), v("0.99.99")) > 0);
});
