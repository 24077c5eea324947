// Drives code-server in Debian's headless Chromium with playwright-core and checks the Dex
// extension the way a user would see it: completion after `[[`, the overdue warning, the
// "Generate QBR note" source action opening a new note, the save-plan command's account
// picker, and a note renamed in the file explorer keeping its links.
//
// Environment:
//   CS_URL    code-server address on loopback (http://127.0.0.1:PORT)
//   VAULT     vault folder that code-server serves (a temporary copy of examples/vault)
//   OUT       folder for screenshots
//   CHROMIUM  browser executable (default /usr/bin/chromium)
// Prints one `ok` or `FAIL` line per check and exits with the number of failed checks.
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");

const baseUrl = requiredEnv("CS_URL");
const vault = requiredEnv("VAULT");
const out = requiredEnv("OUT");

const MEETING_NOTE = "2026-03-02 - Escalation: Tidewater Bank.md";
// The overdue action item on line 23: `- [ ] Send usage recovery plan to [[Lucía Fernández]] 📅 …`.
const OVERDUE_MESSAGE = "action item is 5 days overdue (due 2026-03-10)";
const OVERDUE_POSITION = "Ln 23, Col 55";
const QBR_ACTION = "Generate QBR note for Tidewater Bank";
// A stakeholder that nine notes link to, renamed in the explorer.
const RENAMED = "Lucía Fernández";
const NEW_NAME = "Lucía Fernández Ruiz";
const STAKEHOLDERS = fs
    .readdirSync(path.join(vault, "Active", "Relationships"), { recursive: true })
    .filter((file) => file.endsWith(".md"))
    .map((file) => path.basename(file, ".md"));

function requiredEnv(name) {
    const value = process.env[name];
    if (!value) {
        console.error(`missing environment variable ${name}`);
        process.exit(2);
    }
    return value;
}

/** Returns whether `url` stays on this machine (loopback or an in-browser scheme). */
function isLocal(url) {
    return (
        /^(https?|wss?):\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(url) ||
        /^(data|blob|about|chrome|vscode-[a-z-]+):/.test(url)
    );
}

const started = Date.now();
const results = [];

function record(name, passed, detail) {
    results.push(passed);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`${seconds}s ${passed ? "ok" : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
}

/** Runs one check. An exception fails it and saves a screenshot of the page. */
async function check(page, name, body) {
    try {
        const detail = await body();
        record(name, true, detail);
        return true;
    } catch (error) {
        record(name, false, error.message.split("\n")[0]);
        const file = path.join(out, `vscode-failed-${results.length}.png`);
        await page.screenshot({ path: file }).catch(() => undefined);
        console.log(`   screenshot of the failure: ${file}`);
        return false;
    }
}

async function runCommand(page, title) {
    await page.keyboard.press("F1");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible", timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: title }).first();
    await row.waitFor({ timeout: 10_000 });
    await page.keyboard.press("Enter");
}

async function openNote(page, name) {
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible", timeout: 10_000 });
    await input.fill(name);
    const row = page.locator(".quick-input-widget .monaco-list-row", { hasText: name }).first();
    await row.waitFor({ timeout: 30_000 });
    await page.keyboard.press("Enter");
    await page
        .locator(".tabs-container .tab.active", { hasText: name })
        .waitFor({ timeout: 15_000 });
}

async function main() {
    fs.mkdirSync(out, { recursive: true });
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), "dex-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
        headless: true,
        viewport: { width: 1400, height: 900 },
        args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    });
    const blocked = new Set();
    await context.route("**/*", (route) => {
        const url = route.request().url();
        if (isLocal(url)) {
            return route.continue();
        }
        blocked.add(url);
        return route.abort();
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const editor = page.locator(".editor-instance .monaco-editor").first();

    try {
        const loaded = await check(page, "workbench loads", async () => {
            await page.goto(`${baseUrl}/?folder=${encodeURIComponent(vault)}`, {
                waitUntil: "domcontentloaded",
            });
            await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
            await page
                .locator(".explorer-folders-view .monaco-list-row")
                .first()
                .waitFor({ timeout: 30_000 });
        });
        if (!loaded) {
            return;
        }

        const opened = await check(page, "meeting note opens", async () => {
            await openNote(page, MEETING_NOTE);
            await editor.locator(".view-lines").waitFor({ timeout: 30_000 });
            return MEETING_NOTE;
        });
        if (!opened) {
            return;
        }

        await check(page, "overdue warning shown", async () => {
            // The squiggle appears once the server has published the note's diagnostics.
            await editor.locator(".squiggly-warning").first().waitFor({ timeout: 60_000 });
            await page.keyboard.press("Control+Shift+M");
            const marker = page
                .locator(".markers-panel .monaco-list-row", { hasText: OVERDUE_MESSAGE })
                .first();
            await marker.waitFor({ timeout: 15_000 });
            const text = (await marker.innerText()).replace(/\s+/g, " ");
            if (!text.includes(OVERDUE_POSITION)) {
                throw new Error(`expected ${OVERDUE_POSITION} in the Problems entry: ${text}`);
            }
            if (!text.includes("overdue")) {
                throw new Error(`diagnostic code missing from the Problems entry: ${text}`);
            }
            await page.screenshot({ path: path.join(out, "vscode-overdue.png") });
            return text;
        });

        await check(page, "stakeholder completion after [[", async () => {
            await editor.locator(".view-lines").click();
            await page.keyboard.press("Control+End");
            await page.keyboard.press("Enter");
            await page.keyboard.type("Next step with [[", { delay: 30 });
            const rows = page.locator(".suggest-widget .monaco-list-row");
            await rows.first().waitFor({ timeout: 30_000 });
            const labels = await page
                .locator(".suggest-widget .monaco-list-row .label-name")
                .allInnerTexts();
            const stakeholder = labels.find((label) =>
                STAKEHOLDERS.some((name) => label.includes(name)),
            );
            await page.screenshot({ path: path.join(out, "vscode-completion.png") });
            if (stakeholder === undefined) {
                throw new Error(`no stakeholder among the completions: ${labels.join(", ")}`);
            }
            return `${stakeholder} (of ${labels.join(", ")})`;
        });
        // Leave the note as it was: close the widget and undo the typing.
        await page.keyboard.press("Escape");
        for (let i = 0; i < 3; i++) {
            await page.keyboard.press("Control+Z");
        }

        await check(page, "QBR source action opens a new note", async () => {
            const before = new Set(listNotes(vault));
            await editor.locator(".view-lines").click();
            await page.keyboard.press("Control+Home");
            await runCommand(page, "Source Action...");
            const action = page.locator(".action-widget .monaco-list-row", {
                hasText: QBR_ACTION,
            });
            await action.first().waitFor({ timeout: 30_000 });
            await action.first().click();
            const created = await waitFor(
                () => listNotes(vault).filter((file) => !before.has(file)),
                (files) => files.length > 0,
                30_000,
            );
            const name = path.basename(created[0]);
            await page
                .locator(".tabs-container .tab.active", { hasText: path.basename(name, ".md") })
                .waitFor({ timeout: 15_000 });
            await page.screenshot({ path: path.join(out, "vscode-qbr-note.png") });
            return created.join(", ");
        });

        await check(page, "save plan from the palette account picker", async () => {
            const before = new Set(listNotes(vault));
            await runCommand(page, "Dex: Generate Save Plan");
            const rows = page.locator(".quick-input-widget .monaco-list-row");
            const account = rows.filter({ hasText: "Tidewater Bank" }).first();
            await account.waitFor({ timeout: 15_000 });
            const offered = (await rows.allInnerTexts()).map((text) => text.replace(/\s+/g, " "));
            await account.click();
            const created = await waitFor(
                () => listNotes(vault).filter((file) => !before.has(file)),
                (files) => files.length > 0,
                30_000,
            );
            await page
                .locator(".tabs-container .tab.active", { hasText: "Save plan" })
                .waitFor({ timeout: 15_000 });
            await page.screenshot({ path: path.join(out, "vscode-save-plan.png") });
            return `${created.join(", ")} (offered ${offered.join("; ")})`;
        });

        await check(page, "note renamed in the explorer keeps its links", async () => {
            const linking = listNotes(vault).filter(
                (file) =>
                    path.basename(file) !== `${RENAMED}.md` &&
                    fs.readFileSync(file, "utf8").includes(`[[${RENAMED}`),
            );
            if (linking.length < 2) {
                throw new Error(`expected notes linking to ${RENAMED}, found ${linking.length}`);
            }
            await openNote(page, `${RENAMED}.md`);
            await runCommand(page, "File: Reveal Active File in Explorer View");
            const row = page.locator(".explorer-folders-view .monaco-list-row.selected", {
                hasText: RENAMED,
            });
            await row.waitFor({ timeout: 15_000 });
            // F2 renames in the explorer only while the explorer has the focus.
            await row.click();
            await page.keyboard.press("F2");
            const input = page.locator(".explorer-folders-view .monaco-inputbox input");
            await input.waitFor({ state: "visible", timeout: 10_000 });
            await input.fill(`${NEW_NAME}.md`);
            await page.keyboard.press("Enter");
            // VS Code shows a confirmation dialog before it applies an extension's edits for a
            // file move.
            const confirm = page.locator(".monaco-dialog-box").getByRole("button", { name: "OK" });
            await confirm.waitFor({ timeout: 30_000 });
            await confirm.click();
            await waitFor(
                () => listNotes(vault).some((file) => path.basename(file) === `${NEW_NAME}.md`),
                (renamed) => renamed,
                30_000,
            );
            // VS Code saves the notes that the edits for a file move changed
            // (`files.refactoring.autoSave`).
            const stale = () =>
                linking.filter((file) => !fs.readFileSync(file, "utf8").includes(`[[${NEW_NAME}`));
            try {
                await waitFor(stale, (files) => files.length === 0, 30_000);
            } catch {
                const names = stale().map((file) => path.basename(file));
                throw new Error(`links not updated in ${names.join(", ")}`);
            }
            await page.screenshot({ path: path.join(out, "vscode-file-rename.png") });
            return `${linking.length} notes now link to ${NEW_NAME}`;
        });
    } finally {
        await page.screenshot({ path: path.join(out, "vscode-final.png") }).catch(() => undefined);
        if (blocked.size > 0) {
            console.log(`blocked requests to other hosts: ${[...blocked].join(" ")}`);
        }
        await context.close();
        fs.rmSync(profile, { recursive: true, force: true });
    }
}

function listNotes(folder) {
    return fs
        .readdirSync(folder, { recursive: true })
        .filter((file) => file.endsWith(".md"))
        .map((file) => path.join(folder, file));
}

async function waitFor(read, done, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = read();
        if (done(value)) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs / 1000} s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
    }
}

main()
    .catch((error) => record("browser session", false, error.message))
    .finally(() => {
        const failed = results.filter((passed) => !passed).length;
        console.log(`browser checks: ${results.length - failed} passed, ${failed} failed`);
        process.exit(failed);
    });
