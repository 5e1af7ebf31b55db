// End-to-end test in a real VS Code: installs the self-contained .vsix into a fresh code-server,
// opens a Python workspace in headless Chromium and checks what a user would see. The server is
// the one bundled in the .vsix, run by the python3 on PATH, which must not have docs-daemon:
//
//   PATH=<node 24>:<a python3 without docs-daemon>:/usr/bin:/bin node test/e2e.mjs
//
// DOCS_DAEMON_VSIX: the .vsix to test (default: `npm run package` builds it).
// DOCS_DAEMON_EXTRA_DATABASE: a small database (docs-daemon build --module NAME) for the
// databases-setting step. DOCS_DAEMON_OLD_PYTHON (optional): a Python older than 3.11, for the
// too-old step. Optional: DOCS_DAEMON_TOOLS (default <repo>/.tools), DOCS_DAEMON_ARTIFACTS (default
// <repo>/test-artifacts/vscode), CHROMIUM (default: chromium on PATH). Exit status 0 = all passed.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const EXTENSION_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REPO = path.resolve(EXTENSION_DIR, "..", "..");
const TOOLS = process.env.DOCS_DAEMON_TOOLS ?? path.join(REPO, ".tools");
const ARTIFACTS = process.env.DOCS_DAEMON_ARTIFACTS ?? path.join(REPO, "test-artifacts", "vscode");
const NODE_BIN = path.join(TOOLS, "bin");
const CODE_SERVER = path.join(TOOLS, "code-server", "out", "node", "entry.js");

// What the official documentation says, as a reader would check it on docs.python.org.
const HOVER_TEXT = "Serialize obj to a JSON formatted str";
const JOIN_DOC_TEXT = "Join one or more path";
const MISSING_PROGRAM = "docs-daemon-missing-program";

const SOURCE = `import json
import os.path

data = json.dumps({"answer": 42})
print(data)
os.path`;

const results = [];
const started = Date.now();

function log(message) {
    console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

/** The machine has no docs-daemon: not on PATH, not importable by the python3 the extension will use. */
function checkCleanMachine() {
    if (which("docs-daemon")) {
        throw new Error(`docs-daemon is on PATH (${which("docs-daemon")}): this test needs a machine without it`);
    }
    const python = which("python3");
    if (!python) {
        throw new Error("no python3 on PATH for the bundled server to run on");
    }
    const probe = spawnSync(python, ["-c", "import docs_daemon"], { env: process.env });
    if (probe.status === 0) {
        throw new Error(`${python} can import docs_daemon: this test needs a Python without it`);
    }
    return python;
}

function which(program) {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const candidate = path.join(dir, program);
        if (dir && fs.existsSync(candidate)) {
            return candidate;
        }
    }
    return undefined;
}

function toolEnv(temp) {
    const env = { ...process.env, PATH: `${NODE_BIN}${path.delimiter}${process.env.PATH ?? ""}` };
    if (temp) {
        // code-server keeps logs and a heartbeat under the XDG data dir: keep them in the temp dir.
        env.XDG_DATA_HOME = path.join(temp, "xdg-data");
        env.XDG_CONFIG_HOME = path.join(temp, "xdg-config");
    }
    return env;
}

function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

async function until(what, timeoutMs, probe, intervalMs = 250) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
        try {
            const value = await probe();
            if (value) {
                return value;
            }
        } catch (error) {
            last = error;
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last.message})` : ""}`);
}

function packageExtension() {
    if (process.env.DOCS_DAEMON_VSIX) {
        log(`testing ${process.env.DOCS_DAEMON_VSIX}`);
        return process.env.DOCS_DAEMON_VSIX;
    }
    log("packaging the extension (server bundled)");
    execFileSync("npm", ["run", "--silent", "package"], { cwd: EXTENSION_DIR, env: toolEnv(), stdio: ["ignore", "ignore", "inherit"] });
    return path.join(REPO, "dist", `docs-daemon-${process.platform}-${process.arch}.vsix`);
}

function writeJson(file, value) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(value, null, 2));
}

/** A fresh VS Code profile, extensions directory, config file and workspace under one temp dir. */
function prepare(temp) {
    const dirs = {
        temp,
        userData: path.join(temp, "user-data"),
        extensions: path.join(temp, "extensions"),
        workspace: path.join(temp, "workspace"),
        config: path.join(temp, "code-server.yaml"),
    };
    fs.writeFileSync(dirs.config, "auth: none\ncert: false\n");
    writeJson(path.join(dirs.userData, "User", "settings.json"), {
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "workbench.enableExperiments": false,
        "extensions.ignoreRecommendations": true,
        "telemetry.telemetryLevel": "off",
        "security.workspace.trust.enabled": false,
        "editor.hover.delay": 200,
        "editor.minimap.enabled": false,
        "chat.disableAIFeatures": true,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
    });
    writeJson(path.join(dirs.workspace, ".vscode", "settings.json"), {});
    fs.writeFileSync(path.join(dirs.workspace, "example.py"), SOURCE);
    return dirs;
}

function codeServerArgs(dirs) {
    return ["--config", dirs.config, "--user-data-dir", dirs.userData, "--extensions-dir", dirs.extensions];
}

function installExtension(dirs, vsix) {
    log("installing the .vsix into a fresh extensions directory");
    execFileSync(path.join(NODE_BIN, "node"), [CODE_SERVER, ...codeServerArgs(dirs), "--install-extension", vsix], {
        env: toolEnv(dirs.temp),
        stdio: ["ignore", "ignore", "inherit"],
    });
}

async function startCodeServer(dirs, port, logFile) {
    log(`starting code-server on 127.0.0.1:${port}`);
    const out = fs.openSync(logFile, "w");
    const child = spawn(
        path.join(NODE_BIN, "node"),
        [
            CODE_SERVER, ...codeServerArgs(dirs),
            "--bind-addr", `127.0.0.1:${port}`, "--auth", "none",
            "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
            "--disable-getting-started-override", dirs.workspace,
        ],
        { env: toolEnv(dirs.temp), detached: true, stdio: ["ignore", out, out] },
    );
    await until("code-server /healthz", 60_000, async () => {
        if (child.exitCode !== null) {
            throw new Error(`code-server exited with ${child.exitCode}; see ${logFile}`);
        }
        const response = await fetch(`http://127.0.0.1:${port}/healthz`);
        return response.ok;
    });
    return child;
}

function stopProcessGroup(child) {
    if (!child?.pid) {
        return;
    }
    for (const signal of ["SIGTERM", "SIGKILL"]) {
        try {
            process.kill(-child.pid, signal);
        } catch {
            return; // the group is gone
        }
        if (signal === "SIGTERM") {
            execFileSync("sleep", ["1"]);
        }
    }
}

/** Screenshot; names without a step number get the current step's. */
async function shot(page, name) {
    if (name.startsWith("notification")) {
        await page.waitForTimeout(1000); // let the toast finish sliding in
    }
    const file = path.join(ARTIFACTS, `${/^\d/.test(name) ? name : `${String(step).padStart(2, "0")}-${name}`}.png`);
    await page.screenshot({ path: file });
    return path.basename(file);
}

let step = 0;

async function check(page, slug, description, body) {
    const name = `${String(++step).padStart(2, "0")}-${slug}`;
    const t0 = Date.now();
    try {
        const detail = await body();
        const screenshot = await shot(page, name);
        results.push({ name, ok: true, description, detail, screenshot, seconds: (Date.now() - t0) / 1000 });
        log(`PASS ${name}: ${detail}`);
    } catch (error) {
        const screenshot = await shot(page, `${name}-FAILED`).catch(() => undefined);
        results.push({ name, ok: false, description, detail: error.message, screenshot, seconds: (Date.now() - t0) / 1000 });
        log(`FAIL ${name}: ${error.message}`);
    }
}

/** Centre of `word` (its first characters) inside the editor line that contains `line`. */
function wordPosition(page, line, word) {
    return page.evaluate(([line, word]) => {
        const lines = [...document.querySelectorAll(".monaco-editor .view-lines .view-line")].map((element) => ({
            element, text: (element.textContent ?? "").replace(/\u00a0/g, " "),
        }));
        // A line that is exactly `line` wins over one that merely contains it.
        lines.sort((a, b) => Number(b.text.trim() === line) - Number(a.text.trim() === line));
        for (const { element, text } of lines) {
            const at = text.indexOf(line);
            if (at < 0) {
                continue;
            }
            let offset = at + line.indexOf(word);
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const length = node.textContent.length;
                if (offset < length) {
                    const range = document.createRange();
                    range.setStart(node, offset);
                    range.setEnd(node, Math.min(length, offset + 2));
                    const box = range.getBoundingClientRect();
                    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
                }
                offset -= length;
            }
        }
        return null;
    }, [line, word]);
}

async function visibleText(page, selector) {
    const locator = page.locator(selector).filter({ visible: true });
    if ((await locator.count()) === 0) {
        return "";
    }
    return (await locator.allInnerTexts()).join("\n");
}

async function openExample(page) {
    await page.locator(".monaco-workbench").waitFor({ timeout: 60_000 });
    const explorerItem = page.getByRole("treeitem", { name: /example\.py/ });
    await explorerItem.waitFor({ timeout: 30_000 });
    await explorerItem.click();
    await until("example.py in an editor", 20_000, async () => (await wordPosition(page, "json.dumps", "dumps")) !== null);
}

async function checkHover(page) {
    // The server may still be starting: move away and back until the hover has the docs.
    return until(`a hover containing "${HOVER_TEXT}"`, 60_000, async () => {
        const at = await wordPosition(page, "json.dumps", "dumps");
        await page.mouse.move(5, 5);
        await page.mouse.move(at.x, at.y, { steps: 3 });
        const text = await until("a hover", 3_000, () => visibleText(page, ".monaco-hover"), 150).catch(() => "");
        return text.includes(HOVER_TEXT) && `hover shows "${HOVER_TEXT}..." (${text.length} characters)`;
    }, 500);
}

async function checkStatusBar(page) {
    const text = await until("the status bar item with the loaded docsets", 30_000, async () => {
        const items = await visibleText(page, ".statusbar-item");
        const match = items.split("\n").find((item) => /Docs: python 3\.11 \([\d,]+\)/.test(item));
        return match;
    });
    const count = Number(text.match(/\(([\d,]+)\)/)[1].replace(/,/g, ""));
    if (count < 1000) {
        throw new Error(`status bar says ${text}: fewer entries than the Python docs have`);
    }
    // The settings the extension sent were all accepted: the server reports bad ones as warnings.
    const toasts = await visibleText(page, ".notifications-toasts .notification-toast");
    if (/docs-daemon|Docs Daemon/.test(toasts)) {
        throw new Error(`unexpected notification: ${toasts}`);
    }
    return `status bar shows "${text.trim()}", no warning notifications`;
}

async function checkCompletion(page) {
    await page.keyboard.press("Escape");
    const last = await wordPosition(page, "os.path", "path");
    await page.mouse.click(last.x, last.y);
    await page.keyboard.press("End");
    await page.keyboard.type(".");
    const rows = ".editor-widget.suggest-widget .monaco-list-row";
    await until("the suggest widget after typing '.'", 10_000, async () => {
        if ((await visibleText(page, rows)) === "") {
            await page.keyboard.press("Control+Space");
            return false;
        }
        return true;
    }, 1000);
    // Each row: the name, its parameters right after it, and no owner repeating "os.path".
    const columns = await page.locator(rows).filter({ visible: true }).evaluateAll((elements) => elements.map((row) => ({
        name: row.querySelector(".label-name")?.textContent ?? "",
        parameters: row.querySelector(".signature-label")?.textContent ?? "",
        owner: row.querySelector(".qualifier-label")?.textContent ?? "",
    })));
    await shot(page, "completion-list");
    const abspath = columns.find((row) => row.name === "abspath");
    if (abspath?.parameters !== "(path)" || columns.some((row) => row.owner.includes("os.path"))) {
        throw new Error(`completion rows read ${JSON.stringify(columns.slice(0, 4))}`);
    }
    await page.keyboard.type("join");
    await until("join in the completion list", 10_000, async () => (await visibleText(page, rows)).includes("join"));
    // Ctrl+Space on an open list toggles the documentation panel (filled by completionItem/resolve).
    const details = await until(`completion documentation containing "${JOIN_DOC_TEXT}"`, 10_000, async () => {
        const text = await visibleText(page, ".suggest-details");
        if (text.includes(JOIN_DOC_TEXT)) {
            return text;
        }
        await page.keyboard.press("Control+Space");
        return false;
    }, 1500);
    return `completion after "os.path." lists ${columns.slice(0, 3).map((row) => row.name + row.parameters).join(", ")}...; join's docs: "${details.split("\n").find((l) => l.includes(JOIN_DOC_TEXT))?.trim().slice(0, 100)}..."`;
}

async function checkWorkspaceSymbol(page) {
    await page.keyboard.press("Escape");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+P");
    await page.locator(".quick-input-widget").filter({ visible: true }).waitFor({ timeout: 10_000 });
    await page.keyboard.type("#dumps");
    const rows = ".quick-input-widget .monaco-list-row";
    // Each row: the name, then the owner and the docset, not the page file in the cache.
    const text = await until("json.dumps among the workspace symbols", 20_000, async () => {
        const texts = await page.locator(rows).filter({ visible: true }).evaluateAll((elements) => elements.map((row) =>
            [".label-name", ".label-description"].map((part) => row.querySelector(part)?.textContent?.trim() ?? "").join(" ")));
        return texts.find((text) => text.startsWith("dumps json"));
    });
    if (text !== "dumps json \u2022 python") {
        throw new Error(`the json.dumps row reads "${text}"`);
    }
    await shot(page, "workspace-symbol-rows");
    await page.locator(rows).filter({ visible: true, hasText: /json/ }).first().click();
    const tab = await until("the json.dumps page in an editor", 40_000, async () =>
        (await page.locator(".tabs-container .tab").allInnerTexts()).find((t) => t.includes("json.dumps")));
    await until("the page showing the docs", 20_000, async () =>
        (await visibleText(page, ".monaco-editor .view-lines")).replace(/\u00a0/g, " ").includes("Serialize"));
    await shot(page, "workspace-symbol-page");
    return `"#dumps" lists "${text}"; picking it opens tab "${tab.trim()}" with the docs`;
}

async function runCommand(page, title) {
    await page.keyboard.press("Escape");
    await page.keyboard.press("F1");
    await page.locator(".quick-input-widget").filter({ visible: true }).waitFor({ timeout: 10_000 });
    await page.keyboard.type(title);
    await until(`"${title}" in the command palette`, 10_000, async () =>
        (await visibleText(page, ".quick-input-widget .monaco-list-row")).includes(title));
    await page.keyboard.press("Enter");
}

function frameText(page, needle) {
    return Promise.all(page.frames().map((frame) => frame.locator("body").innerText({ timeout: 1000 }).catch(() => "")))
        .then((texts) => texts.find((text) => text.includes(needle)));
}

async function checkSearch(page) {
    await runCommand(page, "Docs Daemon: Search Documentation");
    await until("the Search Documentation quick pick", 10_000, async () =>
        (await page.locator(".quick-input-widget input").getAttribute("placeholder"))?.includes("json.dumps"));
    // Results arrive as the user types; a short query lists several entries to choose from.
    await page.keyboard.type("dumps");
    const rows = page.locator(".quick-input-widget .monaco-list-row").filter({ visible: true });
    await until("json.dumps among several search results", 20_000, async () =>
        (await rows.count()) > 1 && (await rows.allInnerTexts()).some((text) => text.startsWith("json.dumps")));
    const listed = await rows.locator(".label-name").allInnerTexts();
    await shot(page, "search-quickpick");
    await rows.filter({ hasText: /^json\.dumps/ }).first().click();
    const tab = await until("a Markdown preview tab", 20_000, async () => {
        const tabs = await page.locator(".tabs-container .tab").allInnerTexts();
        return tabs.find((text) => text.includes("Preview") && text.includes("dumps"));
    });
    const body = await until(`the preview showing "${HOVER_TEXT}"`, 20_000, () => frameText(page, HOVER_TEXT));
    return `typing "dumps" listed ${listed.slice(0, 4).join(", ")}...; picking json.dumps opened tab "${tab.trim()}" whose page says "${body.split("\n").find((l) => l.includes(HOVER_TEXT)).trim().slice(0, 80)}"`;
}

async function checkOpenInBrowser(page) {
    await page.keyboard.press("Escape");
    await page.locator(".tabs-container .tab").filter({ hasText: "example.py" }).click();
    const at = await until("json.dumps in the editor", 10_000, () => wordPosition(page, "json.dumps", "dumps"));
    await page.mouse.click(at.x, at.y);
    await runCommand(page, "Docs Daemon: Open in Browser");
    // VS Code asks before it opens an external site, naming the URL; the test reads it there
    // and cancels (the machine may be offline).
    const dialog = page.locator(".monaco-dialog-box").filter({ visible: true });
    const text = await until("VS Code asking to open the online docs", 20_000, async () =>
        (await dialog.count()) > 0 && (await dialog.innerText()));
    const url = text.match(/https:\/\/\S+/)?.[0];
    if (!url?.startsWith("https://docs.python.org/3.11/library/json.html#json.dumps")) {
        throw new Error(`the dialog names ${url ?? "no URL"}, not the json.dumps entry: ${text}`);
    }
    await shot(page, "open-in-browser-dialog");
    await dialog.locator(".monaco-button").filter({ hasText: /^Cancel$/ }).click();
    return `VS Code asks to open ${url}`;
}

/** How many times the extension has started a server, from its output channel's log file. */
function serverStarts(userData) {
    const logs = fs.readdirSync(path.join(userData, "logs"), { recursive: true })
        .filter((file) => file.endsWith("Docs Daemon.log"))
        .map((file) => fs.readFileSync(path.join(userData, "logs", file), "utf8"));
    return logs.join("\n").split("\n").filter((line) => /\] starting /.test(line)).length;
}

async function checkSettingsChange(page, dirs) {
    // A server option reaches the running server (didChangeConfiguration), without a restart.
    const startsBefore = serverStarts(dirs.userData);
    writeJson(path.join(dirs.workspace, ".vscode", "settings.json"), { "docsDaemon.maxResults": 3 });
    const rows = ".editor-widget.suggest-widget .monaco-list-row";
    const last = await wordPosition(page, "os.path.join", "join");
    const counts = await until("at most 3 completion items", 20_000, async () => {
        await page.keyboard.press("Escape");
        await page.mouse.click(last.x, last.y);
        await page.keyboard.press("End");
        await page.keyboard.press("Enter");
        await page.keyboard.type("os.path.");
        const labels = await until("the suggest widget", 5_000, async () => {
            const text = await visibleText(page, `${rows} .label-name`);
            if (!text) {
                await page.keyboard.press("Control+Space");
            }
            return text;
        }, 1000).catch(() => "");
        const count = labels ? labels.split("\n").length : 0;
        await page.keyboard.press("Escape");
        if (count > 0 && count <= 3) {
            await page.keyboard.press("Control+Space");
            await until("the suggest widget again", 5_000, () => visibleText(page, rows));
            return `${count} (${labels.replace(/\n/g, ", ")})`;
        }
        await page.keyboard.press("Control+Z");
        return false;
    }, 500);
    const starts = serverStarts(dirs.userData);
    if (startsBefore < 1 || starts !== startsBefore) {
        throw new Error(`the server was started ${starts - startsBefore} more times for a setting it can apply live`);
    }
    return `with docsDaemon.maxResults = 3 completion after "os.path." lists ${counts}; server still the first one (${starts} start logged)`;
}

/** The visible notification whose message contains `needle`: its message, source and buttons. */
async function toast(page, needle) {
    const toasts = page.locator(".notifications-toasts .notification-toast").filter({ visible: true });
    for (let index = 0; index < (await toasts.count()); index++) {
        const item = toasts.nth(index);
        const message = (await item.locator(".notification-list-item-message").innerText()).trim();
        if (message.includes(needle)) {
            const buttons = (await item.locator(".notification-list-item-buttons-container .monaco-button").allInnerTexts())
                .map((text) => text.trim());
            return { message, buttons, item };
        }
    }
    return undefined;
}

/** One short plain sentence: no Markdown, no repeated "Docs Daemon:", no second line. */
function checkPlainSentence(message) {
    if (/[`*]/.test(message) || message.includes("Docs Daemon:") || message.includes("\n") || message.length > 220) {
        throw new Error(`the notification is not one short plain sentence: ${JSON.stringify(message)}`);
    }
}

async function checkMissingServer(page, workspace) {
    await page.keyboard.press("Escape");
    // Pointing the setting at a program that does not exist restarts the server and must say so.
    writeJson(path.join(workspace, ".vscode", "settings.json"), { "docsDaemon.server.command": [MISSING_PROGRAM, "serve"] });
    const shown = await until("the error notification for a missing server", 30_000, () => toast(page, MISSING_PROGRAM));
    const expected = `The server command ${MISSING_PROGRAM} was not found.`;
    if (shown.message !== expected || shown.buttons.join("|") !== "Open Settings|Show Output") {
        throw new Error(`notification ${JSON.stringify(shown.message)} with ${shown.buttons}, not ${JSON.stringify(expected)}`);
    }
    const status = await until("the status bar saying the server is not running", 10_000, async () =>
        (await visibleText(page, ".statusbar-item")).split("\n").find((item) => item.includes("Docs: not running")));
    await shot(page, "notification-missing-server");
    return `notification "${shown.message}" [${shown.buttons.join("] [")}]; status bar: "${status.trim()}"`;
}

async function checkTooOldPython(page, dirs) {
    // An interpreter older than 3.11 gets one sentence naming it and the fix, not a traceback.
    await clearNotifications(page);
    const old = process.env.DOCS_DAEMON_OLD_PYTHON;
    writeJson(path.join(dirs.workspace, ".vscode", "settings.json"), { "docsDaemon.server.python": old });
    const shown = await until("the error notification for a too-old Python", 30_000, () => toast(page, "too old"));
    checkPlainSentence(shown.message);
    if (!/^Python 3\.\d+ \(.+\) is too old for Docs Daemon; choose Python 3\.11 or newer\.$/.test(shown.message)
        || !shown.buttons.includes("Open Settings")) {
        throw new Error(`notification ${JSON.stringify(shown.message)} with ${shown.buttons}`);
    }
    await shot(page, "notification-too-old-python");
    return `notification "${shown.message}" [${shown.buttons.join("] [")}]`;
}

async function clearNotifications(page) {
    await page.keyboard.press("Escape");
    await runCommand(page, "Notifications: Clear All Notifications");
    await until("no notification toasts", 10_000, async () => (await visibleText(page, ".notifications-toasts .notification-toast")) === "");
}

/** The extension's log (its output channel's file). */
function extensionLog(userData) {
    return fs.readdirSync(path.join(userData, "logs"), { recursive: true })
        .filter((file) => file.endsWith("Docs Daemon.log"))
        .map((file) => fs.readFileSync(path.join(userData, "logs", file), "utf8"))
        .join("\n");
}

async function checkServerExitsAtStart(page, dirs, python) {
    // A Python without the package: the process starts, then dies; the user must learn why.
    await clearNotifications(page);
    const missingModule = "docs_daemon_not_installed";
    writeJson(path.join(dirs.workspace, ".vscode", "settings.json"), {
        "docsDaemon.server.command": [python, "-m", missingModule, "serve"],
    });
    const shown = await until("the error notification for a server that exits", 30_000, () => toast(page, `No module named ${missingModule}`));
    checkPlainSentence(shown.message);
    if (shown.buttons.join("|") !== "Show Output|Open Settings") {
        throw new Error(`the notification offers ${shown.buttons}, not Show Output and Open Settings`);
    }
    const generic = await visibleText(page, ".notifications-toasts .notification-toast");
    if (generic.includes("couldn't create connection")) {
        throw new Error("a second, generic notification appeared beside the explanation");
    }
    await shot(page, "notification-server-exits");
    // Show Output leads to the log, which explains without a stack trace.
    await shown.item.locator(".monaco-button").filter({ hasText: "Show Output" }).click();
    await until("the output panel", 10_000, async () => (await visibleText(page, ".part.panel .view-lines")).includes(missingModule));
    await shot(page, "output-after-server-exits");
    const logged = extensionLog(dirs.userData);
    const trace = logged.split("\n").filter((line) => /^\s+at /.test(line));
    if (trace.length > 0) {
        throw new Error(`the Docs Daemon output has a stack trace:\n${trace.slice(0, 5).join("\n")}`);
    }
    return `notification "${shown.message}" [${shown.buttons.join("] [")}]; Show Output opens a log without stack traces`;
}

async function checkRecovery(page, dirs) {
    // Fixing the setting brings the bundled server back; Restart Server starts a fresh one.
    await page.keyboard.press("Escape");
    writeJson(path.join(dirs.workspace, ".vscode", "settings.json"), {});
    const ready = async () => (await visibleText(page, ".statusbar-item")).split("\n").find((item) => /Docs: python 3\.11 \(/.test(item));
    await until("the status bar ready again after fixing the setting", 30_000, ready);
    const starts = serverStarts(dirs.userData);
    await runCommand(page, "Docs Daemon: Restart Server");
    await until("a new server start in the log", 20_000, async () => serverStarts(dirs.userData) === starts + 1);
    const text = await until("the status bar ready after Restart Server", 30_000, ready);
    return `fixing the setting and then Restart Server each started a server; status bar: "${text.trim()}"`;
}

/** PIDs in code-server's process group running the bundled server (`<python> .../bundled/launch.py serve`). */
function serverPids(groupId) {
    const pids = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) {
            continue;
        }
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const group = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
            const argv = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
            if (group === groupId && argv[1]?.endsWith(path.join("bundled", "launch.py")) && argv[2] === "serve") {
                pids.push(Number(entry));
            }
        } catch {
            // the process ended while we looked
        }
    }
    return pids;
}

async function checkDatabasesSetting(page, dirs) {
    // An extra database named relative to the workspace is loaded by the running server.
    const extra = process.env.DOCS_DAEMON_EXTRA_DATABASE;
    if (!extra) {
        throw new Error("set DOCS_DAEMON_EXTRA_DATABASE to a database built with docs-daemon build");
    }
    await page.keyboard.press("Escape");
    fs.mkdirSync(path.join(dirs.workspace, "docs"), { recursive: true });
    fs.copyFileSync(extra, path.join(dirs.workspace, "docs", "extra.sqlite"));
    const startsBefore = serverStarts(dirs.userData);
    writeJson(path.join(dirs.workspace, ".vscode", "settings.json"), {
        "docsDaemon.databases": ["${workspaceFolder}/docs/extra.sqlite"],
    });
    const text = await until("two docsets in the status bar", 30_000, async () =>
        (await visibleText(page, ".statusbar-item")).split("\n").find((item) => /Docs: \S+ \S+ \([\d,]+\), python 3\.11 \(/.test(item)));
    if (serverStarts(dirs.userData) !== startsBefore) {
        throw new Error("the server was restarted instead of reloading its databases");
    }
    return `docsDaemon.databases = ["\${workspaceFolder}/docs/extra.sqlite"]: status bar "${text.trim()}", same server`;
}

async function checkCrashRecovery(page, codeServer) {
    // The server dies under the user: the client starts a new one and the docs come back.
    const docsets = (await visibleText(page, ".statusbar-item")).split("\n").find((item) => item.includes("Docs: "))?.trim();
    const [pid] = await until("the running server's process", 10_000, () => serverPids(codeServer.pid));
    process.kill(pid, "SIGKILL");
    const replacement = await until("a replacement server process", 30_000, () =>
        serverPids(codeServer.pid).find((other) => other !== pid));
    await page.locator(".tabs-container .tab").filter({ hasText: "example.py" }).click();
    const hover = await checkHover(page);
    // The new server must have the current settings (the extra database), not the first ones.
    const status = await until(`the status bar back to "${docsets}"`, 20_000, async () =>
        (await visibleText(page, ".statusbar-item")).split("\n").find((item) => item.trim() === docsets));
    return `killed server ${pid}; the client started ${replacement}, the ${hover}, status bar "${status.trim()}"`;
}

async function main() {
    const python = checkCleanMachine();
    for (const [what, file] of [["Node 24", path.join(NODE_BIN, "node")], ["code-server", CODE_SERVER]]) {
        if (!fs.existsSync(file)) {
            throw new Error(`${what} is missing (${file}): run bash .ci/install-vscode-tools.sh`);
        }
    }
    const chromiumPath = process.env.CHROMIUM ?? which("chromium") ?? which("chromium-browser");
    if (!chromiumPath) {
        throw new Error("chromium is missing: run bash .ci/install-vscode-tools.sh");
    }
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const vsix = packageExtension();
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "docs-daemon-vscode-"));
    const dirs = prepare(temp);
    installExtension(dirs, vsix);
    const port = await freePort();
    const codeServer = await startCodeServer(dirs, port, path.join(ARTIFACTS, "code-server.log"));
    let browser;
    try {
        browser = await chromium.launch({
            executablePath: chromiumPath,
            args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(dirs.workspace)}`);
        log("waiting for the workbench");
        await openExample(page);
        log(`server: the bundled one, on ${python} (no docs-daemon on PATH or in that Python)`);
        await check(page, "hover", "hover over json.dumps shows the official docs (bundled server, clean machine)", () => checkHover(page));
        await check(page, "status-bar", "status bar shows the loaded docset and its size", () => checkStatusBar(page));
        await check(page, "completion", "completion after os.path. lists join with its documentation", () => checkCompletion(page));
        await check(page, "workspace-symbol", "workspace symbol #dumps lists json.dumps", () => checkWorkspaceSymbol(page));
        await check(page, "search-page", "Search Documentation opens the entry's page as Markdown", () => checkSearch(page));
        await check(page, "open-in-browser", "Open in Browser opens the entry's online docs", () => checkOpenInBrowser(page));
        await check(page, "settings-change", "a changed setting reaches the running server", () => checkSettingsChange(page, dirs));
        await check(page, "databases-setting", "a database path with ${workspaceFolder} is expanded and loaded", () => checkDatabasesSetting(page, dirs));
        if (process.platform === "linux") {
            await check(page, "crash-recovery", "a killed server is replaced and hovers work again", () => checkCrashRecovery(page, codeServer));
        }
        await check(page, "missing-server", "a missing server shows an error notification with a fix", () => checkMissingServer(page, dirs.workspace));
        if (process.env.DOCS_DAEMON_OLD_PYTHON) {
            await check(page, "too-old-python", "a too-old interpreter gets one sentence with the fix", () => checkTooOldPython(page, dirs));
        } else {
            log("skipping the too-old-python step: DOCS_DAEMON_OLD_PYTHON is not set");
        }
        await check(page, "server-exits", "a server that exits at start shows why, with a fix", () => checkServerExitsAtStart(page, dirs, python));
        await check(page, "recovery", "fixing the setting and Restart Server bring the bundled server back", () => checkRecovery(page, dirs));
    } finally {
        await browser?.close().catch(() => undefined);
        stopProcessGroup(codeServer);
        const logs = path.join(dirs.userData, "logs");
        if (fs.existsSync(logs)) {
            fs.cpSync(logs, path.join(ARTIFACTS, "vscode-logs"), { recursive: true });
        }
        fs.rmSync(temp, { recursive: true, force: true });
    }
    writeJson(path.join(ARTIFACTS, "results.json"), results);
    const failed = results.filter((result) => !result.ok);
    log(`${results.length - failed.length}/${results.length} checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${ARTIFACTS}`);
    return failed.length === 0 ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (error) => {
        console.error(`[e2e] ${error.stack ?? error}`);
        process.exit(2);
    },
);
