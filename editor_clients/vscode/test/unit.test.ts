// Unit tests of the extension's pure parts (no editor needed): `npm run test:unit` (Node 24+).
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { findExecutable, pathInterpreters, resolveLaunchCommand } from "../src/launch.ts";
import { expandVariables, INITIALIZATION_OPTION_KEYS, toInitializationOptions, type ServerLaunchSettings } from "../src/options.ts";

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
            python: 3,
            downloads: "sometimes",
        };
        const options = toInitializationOptions((key) => values[key], { workspaceFolder: folder, userHome: home });
        assert.deepEqual(options, {
            databases: ["/work/project/a.sqlite"],
            bundled: true,
            docsets: [],
            maxResults: 50,
            hoverMaxLength: 900,
            python: "",
            downloads: "ask",
        });
    });

    test("python: the Python extension's environment unless docsDaemon.python is set", () => {
        const variables = { workspaceFolder: folder, userHome: home };
        const unset = toInitializationOptions(() => undefined, variables, "/env/bin/python");
        assert.equal(unset.python, "/env/bin/python");
        const set = toInitializationOptions((key) => (key === "python" ? "${workspaceFolder}/.venv" : undefined), variables, "/env/bin/python");
        assert.equal(set.python, "/work/project/.venv");
        assert.equal(toInitializationOptions((key) => (key === "python" ? "  " : undefined), variables).python, "");
    });
});

describe("resolveLaunchCommand", () => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), "docs-daemon-launch-"));
    after(() => fs.rmSync(temp, { recursive: true, force: true }));
    const launcher = "/ext/bundled/launch.py";
    const bundled: ServerLaunchSettings = { command: [], python: "", importStrategy: "useBundled" };

    function executable(dir: string, name: string): string {
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, name);
        fs.writeFileSync(file, "#!/bin/sh\n", { mode: 0o755 });
        return file;
    }

    test("an explicit command wins over everything", () => {
        const command = resolveLaunchCommand(
            { ...bundled, command: ["/opt/venv/bin/docs-daemon", "serve"], python: "/opt/python3.12" },
            { launcher, activeInterpreter: "/env/bin/python" },
        );
        assert.deepEqual(command, {
            program: "/opt/venv/bin/docs-daemon",
            args: ["serve"],
            source: "docsDaemon.server.command",
            env: {},
        });
    });

    test("then the bundled server on docsDaemon.server.python", () => {
        const command = resolveLaunchCommand({ ...bundled, python: "/opt/python3.12" }, { launcher, activeInterpreter: "/env/bin/python" });
        assert.deepEqual(command, {
            program: "/opt/python3.12",
            args: [launcher, "serve"],
            source: "docsDaemon.server.python",
            env: { DOCS_DAEMON_IMPORT_STRATEGY: "useBundled" },
        });
    });

    test("then on the Python extension's interpreter", () => {
        const command = resolveLaunchCommand(bundled, { launcher, activeInterpreter: "/env/bin/python" });
        assert.equal(command.program, "/env/bin/python");
        assert.equal(command.source, "the Python extension");
    });

    test("then on python3 from PATH, even when docs-daemon is on PATH too", () => {
        const bin = path.join(temp, "bin");
        executable(bin, "docs-daemon");
        executable(bin, "python");
        const command = resolveLaunchCommand(
            { ...bundled, importStrategy: "fromEnvironment" },
            { launcher, platform: "linux", searchPath: bin },
        );
        assert.deepEqual(command, {
            program: "python",
            args: [launcher, "serve"],
            source: "PATH",
            env: { DOCS_DAEMON_IMPORT_STRATEGY: "fromEnvironment" },
        });
        const nothing = resolveLaunchCommand(bundled, { launcher, platform: "linux", searchPath: path.join(temp, "empty") });
        assert.equal(nothing.program, "python3");
    });

    test("the Windows py launcher is asked for Python 3", () => {
        const command = resolveLaunchCommand({ ...bundled, python: "C:\\Windows\\py.exe" }, { launcher });
        assert.deepEqual(command.args, ["-3", launcher, "serve"]);
        assert.deepEqual(pathInterpreters("win32"), ["python", "py"]);
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
