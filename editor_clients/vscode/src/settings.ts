/** Typed access to the `docsDaemon.*` settings of the current window. */
import * as os from "node:os";
import * as vscode from "vscode";
import {
    expandVariables,
    importStrategy,
    stringList,
    toInitializationOptions,
    type InitializationOptions,
    type ServerLaunchSettings,
    type Variables,
} from "./options";

export const SECTION = "docsDaemon";

/** Settings whose change needs a new server process rather than didChangeConfiguration. */
export const RESTART_SECTIONS = [`${SECTION}.server`];

export interface Settings {
    launch: ServerLaunchSettings;
    options: InitializationOptions;
}

function currentVariables(): Variables {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return { workspaceFolder: folder?.uri.fsPath, userHome: os.homedir() };
}

/** The resource settings are read for: one server serves the window, so its first folder. */
export function settingsResource(): vscode.Uri | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri;
}

/**
 * Read the current settings. `activeEnvironment` is the Python extension's interpreter for the
 * workspace, sent as the server's `python` unless `docsDaemon.python` is set.
 */
export function readSettings(activeEnvironment = ""): Settings {
    const config = vscode.workspace.getConfiguration(SECTION, settingsResource());
    const variables = currentVariables();
    const python = config.get<string>("server.python", "").trim();
    return {
        launch: {
            command: stringList(config.get("server.command")).map((item) => expandVariables(item, variables)),
            python: python ? expandVariables(python, variables) : "",
            importStrategy: importStrategy(config.get("server.importStrategy")),
        },
        options: toInitializationOptions((key) => config.get(key), variables, activeEnvironment),
    };
}
