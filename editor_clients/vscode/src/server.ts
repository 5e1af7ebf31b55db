/**
 * Starting the server process, and telling the user in one plain sentence how to fix a missing
 * or crashing server (never a silently dead client).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as vscode from "vscode";
import { describe, findExecutable, type LaunchCommand } from "./launch";

/** What a notification offers to fix a problem. */
export type Fix = "interpreter" | "settings" | "output";

/** Why the server could not run, in one sentence, with the fixes to offer. */
export class ServerStartError extends Error {
    constructor(message: string, readonly fixes: readonly Fix[]) {
        super(message);
    }
}

/** Exit statuses of the bundled launcher (bundled/launch.py), which prints one line saying why. */
const LAUNCHER_EXITS = new Set([3, 4]);
const MAX_QUOTE = 200;

/** Fail early, with a useful message, when the program does not exist. */
export function checkLaunchable(command: LaunchCommand, cwd: string | undefined): void {
    if (findExecutable(command.program, cwd) !== undefined) {
        return;
    }
    switch (command.source) {
        case "docsDaemon.server.command":
            throw new ServerStartError(`The server command ${command.program} was not found.`, ["settings", "output"]);
        case "docsDaemon.server.python":
            throw new ServerStartError(
                `The Python interpreter ${command.program} set in docsDaemon.server.python was not found.`,
                ["settings", "interpreter"],
            );
        case "the Python extension":
            throw new ServerStartError(
                `The Python interpreter ${command.program} selected in the Python extension was not found.`,
                ["interpreter", "settings"],
            );
        case "PATH":
            throw new ServerStartError(
                "No Python interpreter was found: install Python 3.11 or newer, or choose one.",
                ["interpreter", "settings"],
            );
    }
}

/** The tail of a process's stderr, kept to explain an early exit. */
export class StderrTail {
    private text = "";
    constructor(private readonly limit = 4000) {}
    append(chunk: Buffer | string): void {
        this.text = (this.text + chunk.toString()).slice(-this.limit);
    }
    lastLines(count = 3): string {
        return this.text.trim().split(/\r?\n/).slice(-count).join(" | ");
    }
    /** The last line, which for a Python traceback is the exception itself. */
    lastLine(): string {
        return this.lastLines(1).trim();
    }
}

/** A started server process, with what it printed if it dies. */
export interface ServerProcess {
    child: ChildProcess;
    stderr: StderrTail;
    /** Settles once the process has exited and its stdio is drained (all of stderr read). */
    closed: Promise<void>;
}

/**
 * Spawn the server (stdio is its default transport, so a user's own command gets no extra flag);
 * resolves once the OS started it, rejects with a ServerStartError when it could not.
 */
export async function startProcess(command: LaunchCommand, cwd: string | undefined): Promise<ServerProcess> {
    const child = spawn(command.program, command.args, {
        cwd,
        env: { ...process.env, ...command.env, PYTHONUNBUFFERED: "1" },
        stdio: ["pipe", "pipe", "pipe"],
    });
    const stderr = new StderrTail();
    child.stderr?.on("data", (chunk: Buffer) => stderr.append(chunk));
    const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
    await new Promise<void>((resolve, reject) => {
        child.once("spawn", () => resolve());
        child.once("error", (error) =>
            reject(new ServerStartError(`${describe(command)} could not be started: ${error.message}.`, ["settings", "output"])),
        );
    });
    return { child, stderr, closed };
}

/** How long to wait for a dying server's last words (its stderr) before explaining the exit. */
const LAST_WORDS_MS = 3000;

function sentence(text: string): string {
    const short = text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE - 1)}…` : text;
    return /[.!?…]$/.test(short) ? short : `${short}.`;
}

/**
 * Why a server exited before it was ready. The client can see the pipe close before the
 * process's stderr has been read, so wait (bounded) for the process to close.
 */
export async function earlyExit(command: LaunchCommand, server: ServerProcess | undefined): Promise<ServerStartError> {
    if (server !== undefined) {
        await Promise.race([server.closed, new Promise((resolve) => setTimeout(resolve, LAST_WORDS_MS))]);
    }
    const code = server?.child.exitCode;
    // Python starts its own complaints with its path ("/usr/bin/python3: No module named x").
    const said = (server?.stderr.lastLine() ?? "").replace(`${command.program}: `, "");
    if (command.source !== "docsDaemon.server.command" && code !== null && code !== undefined && LAUNCHER_EXITS.has(code) && said) {
        return new ServerStartError(sentence(said), ["interpreter", "settings"]);
    }
    const status = code === null || code === undefined ? "stopped" : `exited with code ${code}`;
    return new ServerStartError(
        sentence(`The language server ${status} while starting${said ? `: ${said}` : ""}`),
        ["output", "settings"],
    );
}

const LABELS: Record<Fix, string> = {
    interpreter: "Select Interpreter",
    settings: "Open Settings",
    output: "Show Output",
};

/** The one start problem on screen, so a repeated failure does not stack copies of it. */
let shown: string | undefined;

/**
 * Show a start problem: one sentence and buttons that lead to the fix. VS Code gives extensions
 * no way to close a notification, so a fixed problem is cleared from the status bar instead.
 */
export async function showStartError(
    problem: ServerStartError,
    output: vscode.OutputChannel,
    selectInterpreter: string | undefined,
): Promise<void> {
    if (shown === problem.message) {
        return;
    }
    shown = problem.message;
    const fixes = problem.fixes.filter((fix) => fix !== "interpreter" || selectInterpreter !== undefined);
    const choice = await vscode.window.showErrorMessage(problem.message, ...fixes.map((fix) => LABELS[fix]));
    if (shown === problem.message) {
        shown = undefined;
    }
    if (choice === LABELS.settings) {
        await vscode.commands.executeCommand("workbench.action.openSettings", "docsDaemon.server");
    } else if (choice === LABELS.output) {
        output.show(true);
    } else if (choice === LABELS.interpreter && selectInterpreter !== undefined) {
        await vscode.commands.executeCommand(selectInterpreter);
    }
}
