/**
 * Entry point: starts the docs-daemon language client, keeps it in step with the settings, and
 * registers the commands (search, open in browser, restart).
 */
import * as vscode from "vscode";
import {
    CloseAction,
    DidChangeConfigurationNotification,
    ErrorAction,
    ExecuteCommandRequest,
    LanguageClient,
    State,
    type LanguageClientOptions,
} from "vscode-languageclient/node";
import { searchDocumentation } from "./search";
import { describe, resolveLaunchCommand } from "./launch";
import {
    checkLaunchable,
    earlyExitMessage,
    ServerStartError,
    showStartError,
    startProcess,
    type ServerProcess,
} from "./server";
import { readSettings, RESTART_SECTIONS, SECTION } from "./settings";
import { STATUS_METHOD, StatusItem, type ServerStatus } from "./status";

const CLIENT_ID = "docsDaemon";
const CLIENT_NAME = "Docs Daemon";
const OPEN_IN_BROWSER = "docsDaemon.openInBrowser";
const MAX_RESTARTS = 4;

/**
 * A language client that stays quiet about failures while starting: the extension then shows
 * one notification with the cause and a fix instead of the library's generic one.
 */
class DocsLanguageClient extends LanguageClient {
    starting = true;

    override error(message: string, data?: unknown, showNotification?: boolean | "force"): void {
        super.error(message, data, this.starting ? false : showNotification);
    }
}

/** One language client at a time, started, stopped and restarted in order. */
class DocsDaemon implements vscode.Disposable {
    private client: LanguageClient | undefined;
    private lastOptions = "";
    private queue: Promise<void> = Promise.resolve();

    constructor(
        private readonly output: vscode.LogOutputChannel,
        private readonly status: StatusItem,
    ) {}

    get running(): LanguageClient | undefined {
        return this.client?.isRunning() ? this.client : undefined;
    }

    /** Run lifecycle steps one after another, so quick setting edits cannot interleave them. */
    private enqueue(step: () => Promise<void>): Promise<void> {
        this.queue = this.queue.then(step, step);
        return this.queue;
    }

    start(): Promise<void> {
        return this.enqueue(() => this.doStart());
    }

    restart(): Promise<void> {
        return this.enqueue(async () => {
            await this.doStop();
            await this.doStart();
        });
    }

    stop(): Promise<void> {
        return this.enqueue(() => this.doStop());
    }

    /** Send changed server options without a restart. */
    async sendSettings(): Promise<void> {
        const client = this.running;
        if (client === undefined) {
            return this.restart();
        }
        const options = readSettings().options;
        if (JSON.stringify(options) === this.lastOptions) {
            return;
        }
        this.lastOptions = JSON.stringify(options);
        await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: options } });
    }

    private fail(message: string): void {
        this.output.error(message);
        this.status.stopped(message);
        void showStartError(message, this.output);
    }

    private async doStart(): Promise<void> {
        const settings = readSettings();
        const command = resolveLaunchCommand(settings.launch);
        this.status.starting();
        this.output.info(`starting ${describe(command)} (from ${command.source})`);
        const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
        try {
            checkLaunchable(command, cwd);
        } catch (error) {
            this.fail(error instanceof Error ? error.message : String(error));
            return;
        }
        let server: ServerProcess | undefined;
        let initialized = false;
        const client: DocsLanguageClient = new DocsLanguageClient(
            CLIENT_ID,
            CLIENT_NAME,
            async () => {
                server = await startProcess(command, cwd);
                return server.child;
            },
            this.clientOptions(() => initialized, () => client),
        );
        client.onNotification(STATUS_METHOD, (status: ServerStatus) => this.status.update(status));
        client.onDidChangeState(({ newState }) => {
            if (newState === State.Starting) {
                this.status.starting();
            } else if (newState === State.Running && initialized) {
                this.requestStatus(client); // back after a crash: the new process has its own state
            } else if (newState === State.Stopped && initialized && this.client === client) {
                this.status.stopped("the language server stopped. See the Docs Daemon output.");
            }
        });
        this.client = client;
        try {
            await client.start();
            initialized = true;
        } catch (error) {
            client.starting = false;
            this.client = undefined;
            this.fail(error instanceof ServerStartError ? error.message : await earlyExitMessage(command, server));
            return;
        }
        client.starting = false;
        this.requestStatus(client);
    }

    /** Ask for the server's state; not awaited, so a slow answer never holds up a queued restart. */
    private requestStatus(client: LanguageClient): void {
        client.sendRequest<ServerStatus>(STATUS_METHOD, {}).then(
            (status) => this.status.update(status),
            (error: unknown) => this.output.warn(`${STATUS_METHOD} request failed: ${String(error)}`),
        );
    }

    private clientOptions(
        initialized: () => boolean,
        client: () => LanguageClient,
    ): LanguageClientOptions {
        let defaultHandler: ReturnType<LanguageClient["createDefaultErrorHandler"]> | undefined;
        const fallback = () => (defaultHandler ??= client().createDefaultErrorHandler(MAX_RESTARTS));
        return {
            documentSelector: [
                { scheme: "file", language: "python" },
                { scheme: "untitled", language: "python" },
            ],
            outputChannel: this.output,
            // Read again on every (re)start, so a server restarted after a crash gets today's settings.
            initializationOptions: () => {
                const current = readSettings().options;
                this.lastOptions = JSON.stringify(current);
                return current;
            },
            // Our own notification (with the cause and a fix) replaces the generic one.
            initializationFailedHandler: () => false,
            errorHandler: {
                error: (error, message, count) =>
                    initialized() ? fallback().error(error, message, count) : { action: ErrorAction.Shutdown, handled: true },
                closed: () =>
                    initialized() ? fallback().closed() : { action: CloseAction.DoNotRestart, handled: true },
            },
            middleware: {
                workspace: {
                    // A server that pulls its settings gets exactly what it was initialized with,
                    // not the client-only `server.*`/`trace.*` keys.
                    configuration: async (params, token, next) => {
                        const answers = await next(params, token);
                        if (!Array.isArray(answers)) {
                            return answers;
                        }
                        return params.items.map((item, index): unknown =>
                            item.section === SECTION ? readSettings().options : answers[index],
                        );
                    },
                },
            },
        };
    }

    private async doStop(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (client === undefined) {
            return;
        }
        try {
            if (client.needsStop()) {
                await client.stop(3000);
            }
        } catch (error) {
            this.output.warn(`stopping the server: ${String(error)}`);
        }
    }

    /** `Docs Daemon: Open in Browser` for the name under the active editor's cursor. */
    async openInBrowser(): Promise<void> {
        const client = this.running;
        const editor = vscode.window.activeTextEditor;
        if (client === undefined || editor === undefined) {
            void vscode.window.showWarningMessage(
                client === undefined ? "Docs Daemon: the language server is not running." : "Docs Daemon: no active editor.",
            );
            return;
        }
        const c2p = client.code2ProtocolConverter;
        const url: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
            command: OPEN_IN_BROWSER,
            arguments: [{
                textDocument: { uri: c2p.asUri(editor.document.uri) },
                position: c2p.asPosition(editor.selection.active),
            }],
        });
        if (url === null || url === undefined) {
            void vscode.window.showInformationMessage("Docs Daemon: no documented name under the cursor.");
        }
    }

    dispose(): void {
        void this.stop();
    }
}

let daemon: DocsDaemon | undefined;

export function activate(context: vscode.ExtensionContext): void {
    const output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
    const status = new StatusItem();
    daemon = new DocsDaemon(output, status);
    const current = daemon;
    context.subscriptions.push(
        output,
        status,
        current,
        vscode.commands.registerCommand("docsDaemon.restart", () => current.restart()),
        vscode.commands.registerCommand("docsDaemon.search", () => searchDocumentation(current.running)),
        vscode.commands.registerCommand("docsDaemon.openEntryInBrowser", () => current.openInBrowser()),
        vscode.workspace.onDidChangeConfiguration((event) => {
            if (!event.affectsConfiguration(SECTION)) {
                return;
            }
            if (RESTART_SECTIONS.some((section) => event.affectsConfiguration(section))) {
                void current.restart();
            } else {
                void current.sendSettings();
            }
        }),
    );
    void current.start();
}

export async function deactivate(): Promise<void> {
    await daemon?.stop();
    daemon = undefined;
}
