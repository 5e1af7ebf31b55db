/** The status-bar item: which documentation is loaded, how big it is, or why there is none. */
import * as vscode from "vscode";

export const STATUS_METHOD = "docsDaemon/status";

export interface DocsetStatus {
    name: string;
    version: string;
    entryCount: number;
    database: string;
}

/** The payload of the `docsDaemon/status` request and notification. */
export interface ServerStatus {
    state: "loading" | "ready" | "failed";
    docsets: DocsetStatus[];
    error: string | null;
}

const count = new Intl.NumberFormat("en-US");

/** "python 3.11 (9,412)" for one docset; the first two and "+N" for more. */
export function describeDocsets(docsets: readonly DocsetStatus[]): string {
    const shown = docsets
        .slice(0, 2)
        .map((d) => `${[d.name, d.version].filter(Boolean).join(" ")} (${count.format(d.entryCount)})`);
    const more = docsets.length > 2 ? ` +${docsets.length - 2}` : "";
    return shown.join(", ") + more;
}

export class StatusItem implements vscode.Disposable {
    private readonly item: vscode.StatusBarItem;

    constructor() {
        this.item = vscode.window.createStatusBarItem("docsDaemon.status", vscode.StatusBarAlignment.Right, 100);
        this.item.name = "Docs Daemon";
        this.starting();
        this.item.show();
    }

    /** The server process is being started. */
    starting(): void {
        this.set("$(sync~spin) Docs: starting", "Docs Daemon: starting the language server", undefined);
    }

    /** The server is not running (failed to start or stopped); clicking restarts it. */
    stopped(reason: string): void {
        this.set("$(error) Docs: not running", `Docs Daemon\n\n${reason}\n\nClick to restart the server.`, "docsDaemon.restart");
        this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.errorBackground");
    }

    /** Show what the server reports. */
    update(status: ServerStatus): void {
        if (status.state === "loading") {
            this.set("$(sync~spin) Docs: loading", "Docs Daemon: loading documentation", undefined);
        } else if (status.state === "failed") {
            this.stopped(`Loading the documentation failed: ${status.error ?? "unknown error"}`);
        } else if (status.docsets.length === 0) {
            this.set("$(book) Docs: none loaded", "Docs Daemon: no documentation databases are loaded", "docsDaemon.search");
        } else {
            const details = status.docsets
                .map((d) => `${d.name} ${d.version}: ${count.format(d.entryCount)} entries (${d.database})`)
                .join("\n");
            this.set(`$(book) Docs: ${describeDocsets(status.docsets)}`, `Docs Daemon\n\n${details}\n\nClick to search.`, "docsDaemon.search");
        }
    }

    private set(text: string, tooltip: string, command: string | undefined): void {
        this.item.text = text;
        this.item.tooltip = tooltip;
        this.item.command = command;
        this.item.backgroundColor = undefined;
    }

    dispose(): void {
        this.item.dispose();
    }
}
