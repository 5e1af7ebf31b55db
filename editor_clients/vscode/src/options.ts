/**
 * The server's options and how setting values become them: pure (no editor API), so the
 * mapping can be unit-tested and matched against the server's own settings.
 */
import * as path from "node:path";

/** Where the server's code comes from: the extension's bundle, or the interpreter's environment. */
export type ImportStrategy = "useBundled" | "fromEnvironment";

/** Whether the official docs of imported libraries are downloaded. */
export type Downloads = "ask" | "auto" | "never";
const DOWNLOADS: readonly Downloads[] = ["ask", "auto", "never"];

/** How to start the server; read by the client only, never sent to the server. */
export interface ServerLaunchSettings {
    command: string[];
    python: string;
    importStrategy: ImportStrategy;
}

/** The server's own options, camelCase as the server expects them. */
export interface InitializationOptions {
    databases: string[];
    bundled: boolean;
    docsets: string[];
    maxResults: number;
    hoverMaxLength: number;
    python: string;
    downloads: Downloads;
}

/** Settings that go to the server; every other `docsDaemon.*` key stays in the client. */
export const INITIALIZATION_OPTION_KEYS = [
    "databases",
    "bundled",
    "docsets",
    "maxResults",
    "hoverMaxLength",
    "python",
    "downloads",
] as const satisfies readonly (keyof InitializationOptions)[];

/** Compiles only while the list above names every option (a check, never used at run time). */
type Unlisted<T extends never> = T;
export type EveryOptionListed = Unlisted<Exclude<keyof InitializationOptions, (typeof INITIALIZATION_OPTION_KEYS)[number]>>;

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

/** The import strategy a setting value names; anything else means the bundled server. */
export function importStrategy(value: unknown): ImportStrategy {
    return value === "fromEnvironment" ? "fromEnvironment" : "useBundled";
}

/** The strings of a setting that should be a list of strings; anything else is dropped. */
export function stringList(value: unknown): string[] {
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/**
 * The options sent to the server, from any source of raw setting values (a pure function so
 * tests can feed it package.json's defaults). `activeEnvironment` (the Python extension's
 * choice for the workspace) fills `python` unless the user set `docsDaemon.python`.
 */
export function toInitializationOptions(
    get: (key: string) => unknown,
    variables: Variables,
    activeEnvironment = "",
): InitializationOptions {
    const integer = (key: string, fallback: number): number => {
        const value = get(key);
        return typeof value === "number" && Number.isInteger(value) ? value : fallback;
    };
    const bundled = get("bundled");
    const python = get("python");
    const downloads = get("downloads");
    const explicitPython = typeof python === "string" ? python.trim() : "";
    return {
        databases: stringList(get("databases")).map((item) => expandVariables(item, variables)),
        bundled: typeof bundled === "boolean" ? bundled : true,
        docsets: stringList(get("docsets")),
        maxResults: integer("maxResults", 50),
        hoverMaxLength: integer("hoverMaxLength", 4000),
        python: explicitPython ? expandVariables(explicitPython, variables) : activeEnvironment,
        downloads: DOWNLOADS.includes(downloads as Downloads) ? (downloads as Downloads) : "ask",
    };
}
