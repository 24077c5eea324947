// Writes the server's settings into package.json's contributes.configuration, from the output of
// `dex settings-schema`. The first category (Server) belongs to the extension and is kept; the
// others are replaced, grouped by the first part of each key.
//
// Usage: node scripts/generate-settings.mjs path/to/dex
// test/settingsSchema.test.ts fails when package.json and the server's schema differ.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const CATEGORIES = [
    { prefixes: ["today", "timezone"], title: "Dates" },
    { prefixes: ["diagnostics"], title: "Diagnostics" },
    { prefixes: ["health"], title: "Health score" },
    { prefixes: ["renewal"], title: "Renewals" },
];
const OTHER_TITLE = "Other server settings";

const dex = process.argv[2];
if (!dex) {
    console.error("usage: node scripts/generate-settings.mjs path/to/dex");
    process.exit(2);
}
const schema = JSON.parse(execFileSync(dex, ["settings-schema"], { encoding: "utf8" }));
const packagePath = new URL("../package.json", import.meta.url);
const packageJson = JSON.parse(readFileSync(packagePath, "utf8"));
const [clientCategory] = packageJson.contributes.configuration;

const categories = new Map();
for (const [name, property] of Object.entries(schema)) {
    const first = name.replace(/^dex\./, "").split(".")[0];
    const title = CATEGORIES.find((c) => c.prefixes.includes(first))?.title ?? OTHER_TITLE;
    if (!categories.has(title)) {
        categories.set(title, {});
    }
    categories.get(title)[name] = property;
}
const titles = [...CATEGORIES.map((c) => c.title), OTHER_TITLE].filter((t) => categories.has(t));
packageJson.contributes.configuration = [
    clientCategory,
    ...titles.map((title, index) => ({
        title,
        order: index + 2,
        properties: categories.get(title),
    })),
];
writeFileSync(packagePath, JSON.stringify(packageJson, null, 4) + "\n");
console.log(`wrote ${Object.keys(schema).length} server settings in ${titles.length} categories`);
