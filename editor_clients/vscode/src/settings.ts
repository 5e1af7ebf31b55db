/** Typed access to the `docsDaemon.*` settings of the current window. */
import * as os from "node:os";
import * as vscode from "vscode";
import { expandVariables, stringList, toInitializationOptions, type InitializationOptions, type ServerLaunchSettings, type Variables } from "./options";

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

/** Read the current settings (window scope: one server serves the whole window). */
export function readSettings(): Settings {
    const config = vscode.workspace.getConfiguration(SECTION);
    const variables = currentVariables();
    const python = config.get<string>("server.python", "").trim();
    return {
        launch: {
            command: stringList(config.get("server.command")).map((item) => expandVariables(item, variables)),
            python: python ? expandVariables(python, variables) : "",
        },
        options: toInitializationOptions((key) => config.get(key), variables),
    };
}
