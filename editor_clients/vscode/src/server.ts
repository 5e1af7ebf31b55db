/**
 * Starting the server process, and telling the user how to fix a missing or crashing server
 * (never a silently dead client).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as vscode from "vscode";
import { describe, findExecutable, INSTALL_HINT, type LaunchCommand } from "./launch";

/** Why the server could not run, with what the user should do about it. */
export class ServerStartError extends Error {
    constructor(message: string, readonly command: LaunchCommand) {
        super(message);
    }
}

/** Fail early, with a useful message, when the program does not exist. */
export function checkLaunchable(command: LaunchCommand, cwd: string | undefined): void {
    if (findExecutable(command.program, cwd) === undefined) {
        throw new ServerStartError(
            `Docs Daemon: cannot start the language server: \`${command.program}\` (from ${command.source}) `
            + `was not found or is not executable. ${INSTALL_HINT}`,
            command,
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
        env: { ...process.env, PYTHONUNBUFFERED: "1" },
        stdio: ["pipe", "pipe", "pipe"],
    });
    const stderr = new StderrTail();
    child.stderr?.on("data", (chunk: Buffer) => stderr.append(chunk));
    const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
    await new Promise<void>((resolve, reject) => {
        child.once("spawn", () => resolve());
        child.once("error", (error) =>
            reject(new ServerStartError(
                `Docs Daemon: cannot start \`${describe(command)}\`: ${error.message}. ${INSTALL_HINT}`,
                command,
            )),
        );
    });
    return { child, stderr, closed };
}

/** How long to wait for a dying server's last words (its stderr) before explaining the exit. */
const LAST_WORDS_MS = 3000;

/**
 * The message for a server that exited before it was ready. The client can see the pipe
 * close before the process's stderr has been read, so wait (bounded) for the process to close.
 */
export async function earlyExitMessage(
    command: LaunchCommand,
    server: ServerProcess | undefined,
): Promise<string> {
    if (server !== undefined) {
        await Promise.race([server.closed, new Promise((resolve) => setTimeout(resolve, LAST_WORDS_MS))]);
    }
    const code = server?.child.exitCode;
    const said = server?.stderr.lastLines();
    const status = code === null || code === undefined ? "stopped" : `exited with code ${code}`;
    return `Docs Daemon: the language server \`${describe(command)}\` ${status} while starting`
        + (said ? `: ${said}` : "") + `. ${INSTALL_HINT}`;
}

/** Show an error with buttons that lead to the fix. */
export async function showStartError(message: string, output: vscode.OutputChannel): Promise<void> {
    const openSettings = "Open Settings";
    const showOutput = "Show Output";
    const choice = await vscode.window.showErrorMessage(message, openSettings, showOutput);
    if (choice === openSettings) {
        await vscode.commands.executeCommand("workbench.action.openSettings", "docsDaemon.server");
    } else if (choice === showOutput) {
        output.show(true);
    }
}
