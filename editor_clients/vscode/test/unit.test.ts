// Unit tests of the extension's pure parts (no editor needed): `npm run test:unit` (Node 24+).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, afterEach, describe, test } from "node:test";
import { findExecutable, resolveLaunchCommand } from "../src/launch.ts";
import { expandVariables, INITIALIZATION_OPTION_KEYS, toInitializationOptions } from "../src/options.ts";

const home = "/home/ada";
const folder = "/work/project";

interface Property {
    default: unknown;
}

function manifestProperties(): Record<string, Property> {
    const manifest = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
        contributes: { configuration: { properties: Record<string, Property> } };
    };
    return manifest.contributes.configuration.properties;
}

describe("expandVariables", () => {
    test("replaces the workspace folder and home variables", () => {
        const variables = { workspaceFolder: folder, userHome: home };
        assert.equal(expandVariables("${workspaceFolder}/docs/x.sqlite", variables), "/work/project/docs/x.sqlite");
        assert.equal(expandVariables("${userHome}/x.sqlite", variables), "/home/ada/x.sqlite");
        assert.equal(expandVariables("~/x.sqlite", variables), "/home/ada/x.sqlite");
    });

    test("leaves what it cannot expand as written", () => {
        assert.equal(expandVariables("${workspaceFolder}/x", { userHome: home }), "${workspaceFolder}/x");
        assert.equal(expandVariables("${env:HOME}/x", { userHome: home }), "${env:HOME}/x");
        assert.equal(expandVariables("a~/x", { userHome: home }), "a~/x");
    });
});

describe("toInitializationOptions", () => {
    test("package.json's defaults become exactly the server options, unchanged", () => {
        const properties = manifestProperties();
        const get = (key: string): unknown => properties[`docsDaemon.${key}`]?.default;
        const options = toInitializationOptions(get, { userHome: home });
        const serverKeys = Object.keys(properties)
            .map((key) => key.replace(/^docsDaemon\./, ""))
            .filter((key) => !key.startsWith("server.") && !key.startsWith("trace."));
        assert.deepEqual(Object.keys(options).sort(), [...serverKeys].sort());
        assert.deepEqual([...INITIALIZATION_OPTION_KEYS].sort(), [...serverKeys].sort());
        for (const key of serverKeys) {
            assert.deepEqual(options[key as keyof typeof options], properties[`docsDaemon.${key}`].default, key);
        }
    });

    test("expands database paths and drops values of the wrong type", () => {
        const values: Record<string, unknown> = {
            databases: ["${workspaceFolder}/a.sqlite", 3],
            bundled: "yes",
            docsets: "python",
            maxResults: 2.5,
            hoverMaxLength: 900,
        };
        const options = toInitializationOptions((key) => values[key], { workspaceFolder: folder, userHome: home });
        assert.deepEqual(options, {
            databases: ["/work/project/a.sqlite"],
            bundled: true,
            docsets: [],
            maxResults: 50,
            hoverMaxLength: 900,
        });
    });
});

describe("resolveLaunchCommand", () => {
    const savedPath = process.env.PATH;
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "docs-daemon-launch-"));
    afterEach(() => {
        process.env.PATH = savedPath;
    });
    after(() => fs.rmSync(temp, { recursive: true, force: true }));

    function executable(dir: string, name: string): string {
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, name);
        fs.writeFileSync(file, "#!/bin/sh\n", { mode: 0o755 });
        return file;
    }

    test("an explicit command wins", () => {
        const command = resolveLaunchCommand({ command: ["/opt/venv/bin/python", "-m", "docs_daemon", "serve"], python: "py" });
        assert.deepEqual(command, {
            program: "/opt/venv/bin/python",
            args: ["-m", "docs_daemon", "serve"],
            source: "docsDaemon.server.command",
        });
    });

    test("then docs-daemon on PATH", () => {
        const onPath = executable(path.join(temp, "bin"), "docs-daemon");
        process.env.PATH = path.join(temp, "bin");
        assert.deepEqual(resolveLaunchCommand({ command: [], python: "" }), { program: onPath, args: ["serve"], source: "PATH" });
    });

    test("then the configured Python, else python3, with -m", () => {
        process.env.PATH = path.join(temp, "empty");
        assert.deepEqual(resolveLaunchCommand({ command: [], python: "/opt/py" }).program, "/opt/py");
        const fallback = resolveLaunchCommand({ command: [], python: "" });
        assert.equal(fallback.program, process.platform === "win32" ? "python" : "python3");
        assert.deepEqual(fallback.args, ["-m", "docs_daemon", "serve"]);
    });

    test("a configured Python is used even when docs-daemon is on PATH", () => {
        executable(path.join(temp, "bin"), "docs-daemon");
        process.env.PATH = path.join(temp, "bin");
        assert.equal(resolveLaunchCommand({ command: [], python: "/opt/py" }).source, "docsDaemon.server.python");
    });

    test("findExecutable takes relative paths from the given folder and skips non-executables", () => {
        const script = executable(path.join(temp, "project", ".venv", "bin"), "python");
        assert.equal(findExecutable(".venv/bin/python", path.join(temp, "project")), script);
        assert.equal(findExecutable(".venv/bin/python", temp), undefined);
        const plain = path.join(temp, "plain");
        fs.writeFileSync(plain, "not a program", { mode: 0o644 });
        assert.equal(findExecutable(plain), undefined);
    });
});
