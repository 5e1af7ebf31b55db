/** Which program starts the server, by the settings' order of preference (pure, no editor API). */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ServerLaunchSettings } from "./options";

/** Where the choice of program came from, named as the user knows it. */
export type LaunchSource =
    | "docsDaemon.server.command"
    | "docsDaemon.server.python"
    | "the Python extension"
    | "PATH";

/** The program to run and where the choice came from (for error messages). */
export interface LaunchCommand {
    program: string;
    args: string[];
    source: LaunchSource;
    /** Extra environment for the process (the import strategy for the bundled launcher). */
    env: Record<string, string>;
}

/** What the launch depends on besides the settings. */
export interface LaunchContext {
    /** The bundled launcher, `<extension>/bundled/launch.py`. */
    launcher: string;
    /** The interpreter of the Python extension's active environment, if it has one. */
    activeInterpreter?: string;
    platform?: NodeJS.Platform;
    searchPath?: string;
}

/** Interpreter names tried on PATH, in order, when nothing else names one. */
export function pathInterpreters(platform: NodeJS.Platform = process.platform): string[] {
    return platform === "win32" ? ["python", "py"] : ["python3", "python"];
}

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

/**
 * The command the settings ask for: the explicit command; else the bundled server run by
 * `docsDaemon.server.python`, the Python extension's interpreter, or python3/py on PATH.
 */
export function resolveLaunchCommand(settings: ServerLaunchSettings, context: LaunchContext): LaunchCommand {
    if (settings.command.length > 0) {
        const [program, ...args] = settings.command;
        return { program, args, source: "docsDaemon.server.command", env: {} };
    }
    const strategy: Record<string, string> = { DOCS_DAEMON_IMPORT_STRATEGY: settings.importStrategy };
    const run = (program: string, source: LaunchSource): LaunchCommand => ({
        program,
        // The Windows launcher picks its newest Python 3 with -3.
        args: [...(/(^|[\\/])py(\.exe)?$/i.test(program) ? ["-3"] : []), context.launcher, "serve"],
        source,
        env: strategy,
    });
    if (settings.python) {
        return run(settings.python, "docsDaemon.server.python");
    }
    if (context.activeInterpreter) {
        return run(context.activeInterpreter, "the Python extension");
    }
    const names = pathInterpreters(context.platform);
    const found = names.find((name) => findExecutable(name, undefined, context.searchPath) !== undefined);
    return run(found ?? names[0], "PATH");
}

export function describe(command: LaunchCommand): string {
    return [command.program, ...command.args].join(" ");
}
