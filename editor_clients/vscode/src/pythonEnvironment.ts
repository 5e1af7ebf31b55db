/**
 * The Python extension's active environment for the workspace, through its public API: it
 * runs the bundled server, and it is the environment the server documents (`python` setting).
 */
import { PVSC_EXTENSION_ID, PythonExtension } from "@vscode/python-extension";
import * as vscode from "vscode";

/** The Python extension's command that lets the user pick an interpreter. */
export const SELECT_INTERPRETER = "python.setInterpreter";

/** An interpreter as the Python extension reports it. */
export interface ActiveInterpreter {
    /** The interpreter program (or, for an environment without one, its folder). */
    path: string;
    /** `major.minor`, when the Python extension knows it. */
    version?: string;
}

export function pythonExtensionInstalled(): boolean {
    return vscode.extensions.getExtension(PVSC_EXTENSION_ID) !== undefined;
}

async function api(output: vscode.LogOutputChannel): Promise<PythonExtension | undefined> {
    if (!pythonExtensionInstalled()) {
        return undefined;
    }
    try {
        return await PythonExtension.api();
    } catch (error) {
        output.warn(`the Python extension's API is not available: ${String(error)}`);
        return undefined;
    }
}

/** The active interpreter for `resource` (the first workspace folder), or undefined. */
export async function activeInterpreter(
    output: vscode.LogOutputChannel,
    resource: vscode.Uri | undefined,
): Promise<ActiveInterpreter | undefined> {
    const python = await api(output);
    if (python === undefined) {
        return undefined;
    }
    try {
        const chosen = python.environments.getActiveEnvironmentPath(resource);
        const resolved = await python.environments.resolveEnvironment(chosen).catch(() => undefined);
        const version = resolved?.version;
        return {
            path: resolved?.executable.uri?.fsPath ?? chosen.path,
            version: version?.major !== undefined && version.minor !== undefined ? `${version.major}.${version.minor}` : undefined,
        };
    } catch (error) {
        output.warn(`the Python extension did not say which environment is active: ${String(error)}`);
        return undefined;
    }
}

/** Call `listener` whenever the user picks another environment; disposed with the extension. */
export async function onActiveInterpreterChange(
    output: vscode.LogOutputChannel,
    listener: () => void,
): Promise<vscode.Disposable | undefined> {
    const python = await api(output);
    return python?.environments.onDidChangeActiveEnvironmentPath(() => listener());
}
