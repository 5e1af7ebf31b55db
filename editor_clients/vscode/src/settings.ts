/**
 * Typed access to the `docsDaemon.*` settings and their translation into the server's
 * initializationOptions, so the names on both sides are spelled in one place.
 */
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";

export const SECTION = "docsDaemon";

/** How to start the server; read by the client only, never sent to the server. */
export interface ServerLaunchSettings {
    command: string[];
    python: string;
}

/** The server's own options, camelCase as the server expects them. */
export interface InitializationOptions {
    databases: string[];
    bundled: boolean;
    docsets: string[];
    maxResults: number;
    hoverMaxLength: number;
}

/** Settings that go to the server; every other `docsDaemon.*` key stays in the client. */
export const INITIALIZATION_OPTION_KEYS = [
    "databases",
    "bundled",
    "docsets",
    "maxResults",
    "hoverMaxLength",
] as const satisfies readonly (keyof InitializationOptions)[];

/** Compiles only while the list above names every option (a check, never used at run time). */
type Unlisted<T extends never> = T;
export type EveryOptionListed = Unlisted<Exclude<keyof InitializationOptions, (typeof INITIALIZATION_OPTION_KEYS)[number]>>;

/** Settings whose change needs a new server process rather than didChangeConfiguration. */
export const RESTART_SECTIONS = [`${SECTION}.server`];

export interface Settings {
    launch: ServerLaunchSettings;
    options: InitializationOptions;
}

/** Values for the variables a path setting may contain. */
export interface Variables {
    workspaceFolder?: string;
    userHome: string;
}

/** Replace `${workspaceFolder}`, `${userHome}` and a leading `~`; unknown variables stay as written. */
export function expandVariables(value: string, variables: Variables): string {
    let expanded = value.replace(/\$\{(workspaceFolder|userHome)\}/g, (match, name: string) => {
        const replacement = name === "workspaceFolder" ? variables.workspaceFolder : variables.userHome;
        return replacement ?? match;
    });
    if (expanded === "~" || expanded.startsWith("~/")) {
        expanded = path.join(variables.userHome, expanded.slice(1));
    }
    return expanded;
}

function stringList(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/**
 * The options sent to the server, from any source of raw setting values (a pure function so
 * tests can feed it package.json's defaults).
 */
export function toInitializationOptions(
    get: (key: string) => unknown,
    variables: Variables,
): InitializationOptions {
    const integer = (key: string, fallback: number): number => {
        const value = get(key);
        return typeof value === "number" && Number.isInteger(value) ? value : fallback;
    };
    const bundled = get("bundled");
    return {
        databases: stringList(get("databases")).map((item) => expandVariables(item, variables)),
        bundled: typeof bundled === "boolean" ? bundled : true,
        docsets: stringList(get("docsets")),
        maxResults: integer("maxResults", 50),
        hoverMaxLength: integer("hoverMaxLength", 4000),
    };
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
