/** Which program starts the server, by the settings' order of preference (pure, no editor API). */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ServerLaunchSettings } from "./options";

/** The program to run and where the choice came from (for error messages). */
export interface LaunchCommand {
    program: string;
    args: string[];
    source: "docsDaemon.server.command" | "PATH" | "docsDaemon.server.python";
}

const EXECUTABLE = "docs-daemon";
export const INSTALL_HINT = "Install it with `pip install docs-daemon`, or set `docsDaemon.server.python` "
    + "to a Python that has it (or `docsDaemon.server.command` to the full command).";

function candidates(name: string): string[] {
    if (process.platform !== "win32") {
        return [name];
    }
    const extensions = (process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").filter(Boolean);
    return [name, ...extensions.map((ext) => name + ext.toLowerCase())];
}

function isExecutableFile(file: string): boolean {
    try {
        if (!fs.statSync(file).isFile()) {
            return false;
        }
        fs.accessSync(file, fs.constants.X_OK);
        return true;
    } catch {
        return false;
    }
}

/**
 * The absolute path of `program` (a path, relative ones taken from `cwd` as the spawned process
 * will, or a name searched on PATH), or undefined.
 */
export function findExecutable(
    program: string,
    cwd = process.cwd(),
    searchPath = process.env.PATH ?? "",
): string | undefined {
    if (program.includes("/") || program.includes(path.sep)) {
        return candidates(path.resolve(cwd, program)).find(isExecutableFile);
    }
    for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
        const found = candidates(path.join(dir, program)).find(isExecutableFile);
        if (found !== undefined) {
            return found;
        }
    }
    return undefined;
}

/** The command the settings ask for: explicit command, else `docs-daemon` on PATH, else `python -m`. */
export function resolveLaunchCommand(settings: ServerLaunchSettings): LaunchCommand {
    if (settings.command.length > 0) {
        const [program, ...args] = settings.command;
        return { program, args, source: "docsDaemon.server.command" };
    }
    if (!settings.python) {
        const onPath = findExecutable(EXECUTABLE);
        if (onPath !== undefined) {
            return { program: onPath, args: ["serve"], source: "PATH" };
        }
    }
    return {
        program: settings.python || (process.platform === "win32" ? "python" : "python3"),
        args: ["-m", "docs_daemon", "serve"],
        source: "docsDaemon.server.python",
    };
}

export function describe(command: LaunchCommand): string {
    return [command.program, ...command.args].join(" ");
}
