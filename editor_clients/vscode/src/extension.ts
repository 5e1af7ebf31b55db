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
import * as path from "node:path";
import { asPageSymbols, PAGE_SCHEME, PageProvider } from "./pages";
import { searchDocumentation } from "./search";
import { describe, resolveLaunchCommand } from "./launch";
import {
    activeInterpreter,
    onActiveInterpreterChange,
    pythonExtensionInstalled,
    SELECT_INTERPRETER,
    type ActiveInterpreter,
} from "./pythonEnvironment";
import {
    checkLaunchable,
    earlyExit,
    ServerStartError,
    showStartError,
    startProcess,
    type ServerProcess,
} from "./server";
import { readSettings, RESTART_SECTIONS, SECTION, settingsResource } from "./settings";
import { STATUS_METHOD, StatusItem, type ServerStatus } from "./status";

const CLIENT_ID = "docsDaemon";
const CLIENT_NAME = "Docs Daemon";
const OPEN_IN_BROWSER = "docsDaemon.openInBrowser";
const MAX_RESTARTS = 4;
/** The oldest Python the server runs on. */
const MINIMUM_PYTHON = [3, 11];

/**
 * A language client that stays quiet about failures while starting: the extension then shows
 * one notification with the cause and a fix instead of the library's generic one.
 */
class DocsLanguageClient extends LanguageClient {
    starting = true;
    log: vscode.LogOutputChannel | undefined;

    override error(message: string, data?: unknown, showNotification?: boolean | "force"): void {
        if (this.starting && this.log !== undefined) {
            // The library's own account of a failed start (a dropped connection, then a stop that
            // cannot stop) is noise beside the extension's explanation: one debug line, no trace.
            this.log.debug(message);
            return;
        }
        super.error(message, data, showNotification);
    }
}

/** One language client at a time, started, stopped and restarted in order. */
class DocsDaemon implements vscode.Disposable {
    private client: LanguageClient | undefined;
    private lastOptions = "";
    private queue: Promise<void> = Promise.resolve();
    /** The Python extension's interpreter for the workspace, read at each start and on change. */
    private interpreter: ActiveInterpreter | undefined;

    constructor(
        private readonly output: vscode.LogOutputChannel,
        private readonly status: StatusItem,
        private readonly launcher: string,
    ) {}

    private get activeEnvironment(): string {
        return this.interpreter?.path ?? "";
    }

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
        const options = readSettings(this.activeEnvironment).options;
        if (JSON.stringify(options) === this.lastOptions) {
            return;
        }
        this.lastOptions = JSON.stringify(options);
        await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: options } });
    }

    /** The user picked another environment in the Python extension. */
    async interpreterChanged(): Promise<void> {
        const { launch } = readSettings();
        if (launch.importStrategy === "fromEnvironment" && launch.command.length === 0 && !launch.python) {
            return this.restart(); // the server's own code may come from the new environment
        }
        this.interpreter = await activeInterpreter(this.output, settingsResource());
        return this.sendSettings();
    }

    private fail(problem: ServerStartError): void {
        this.output.error(problem.message);
        this.status.stopped(problem.message);
        void showStartError(problem, this.output, pythonExtensionInstalled() ? SELECT_INTERPRETER : undefined);
    }

    private async doStart(): Promise<void> {
        this.status.starting();
        this.interpreter = await activeInterpreter(this.output, settingsResource());
        const settings = readSettings(this.activeEnvironment);
        const command = resolveLaunchCommand(settings.launch, {
            launcher: this.launcher,
            activeInterpreter: this.interpreter?.path,
        });
        this.output.info(`starting ${describe(command)} (from ${command.source})`);
        const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
        try {
            checkLaunchable(command, cwd);
            this.checkVersion(command);
        } catch (error) {
            this.fail(error instanceof ServerStartError ? error : new ServerStartError(String(error), ["output"]));
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
        client.log = this.output;
        client.onNotification(STATUS_METHOD, (status: ServerStatus) => this.status.update(status));
        client.onDidChangeState(({ newState }) => {
            if (newState === State.Starting) {
                this.status.starting();
            } else if (newState === State.Running && initialized) {
                this.requestStatus(client); // back after a crash: the new process has its own state
            } else if (newState === State.Stopped && initialized && this.client === client) {
                this.status.stopped("The language server stopped; see the Docs Daemon output.");
            }
        });
        this.client = client;
        try {
            await client.start();
            initialized = true;
        } catch (error) {
            client.starting = false;
            this.client = undefined;
            this.fail(error instanceof ServerStartError ? error : await earlyExit(command, server));
            return;
        }
        client.starting = false;
        this.requestStatus(client);
    }

    /** A too-old interpreter the Python extension knows the version of is refused before it runs. */
    private checkVersion(command: ReturnType<typeof resolveLaunchCommand>): void {
        const version = this.interpreter?.version;
        if (command.source !== "the Python extension" || version === undefined) {
            return; // the bundled launcher checks the version itself
        }
        const [major, minor] = version.split(".").map(Number);
        if (major < MINIMUM_PYTHON[0] || (major === MINIMUM_PYTHON[0] && minor < MINIMUM_PYTHON[1])) {
            throw new ServerStartError(
                `Python ${version} (${command.program}) is too old for Docs Daemon; choose Python ${MINIMUM_PYTHON.join(".")} or newer.`,
                ["interpreter", "settings"],
            );
        }
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
                const current = readSettings(this.activeEnvironment).options;
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
                // Symbol rows name the owner and docset instead of the page's cache path.
                provideWorkspaceSymbols: async (query, token, next) => asPageSymbols(await next(query, token)),
                workspace: {
                    // A server that pulls its settings gets exactly what it was initialized with,
                    // not the client-only `server.*`/`trace.*` keys.
                    configuration: async (params, token, next) => {
                        const answers = await next(params, token);
                        if (!Array.isArray(answers)) {
                            return answers;
                        }
                        return params.items.map((item, index): unknown =>
                            item.section === SECTION ? readSettings(this.activeEnvironment).options : answers[index],
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
                client === undefined ? "The language server is not running." : "No editor is active.",
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
            void vscode.window.showInformationMessage("No documented name is under the cursor.");
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
    daemon = new DocsDaemon(output, status, path.join(context.extensionPath, "bundled", "launch.py"));
    const current = daemon;
    context.subscriptions.push(
        output,
        status,
        current,
        vscode.workspace.registerTextDocumentContentProvider(PAGE_SCHEME, new PageProvider(() => current.running)),
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
    void onActiveInterpreterChange(output, () => void current.interpreterChanged()).then(
        (listener) => listener && context.subscriptions.push(listener),
    );
}

export async function deactivate(): Promise<void> {
    await daemon?.stop();
    daemon = undefined;
}
