/**
 * `Docs Daemon: Search Documentation`: a quick pick fed live by the server's workspace/symbol
 * search, opening the chosen entry's rendered Markdown page in a preview tab.
 */
import * as vscode from "vscode";
import {
    WorkspaceSymbolRequest,
    WorkspaceSymbolResolveRequest,
    type LanguageClient,
    type SymbolInformation,
    type WorkspaceSymbol,
} from "vscode-languageclient/node";

const DEBOUNCE_MS = 120;

interface SymbolItem extends vscode.QuickPickItem {
    symbol: SymbolInformation | WorkspaceSymbol;
}

/** The dotted name a reader knows the entry by (the server puts it in `data.qualname`). */
export function qualifiedName(symbol: SymbolInformation | WorkspaceSymbol): string {
    const data: unknown = "data" in symbol ? symbol.data : undefined;
    if (typeof data === "object" && data !== null && "qualname" in data && typeof data.qualname === "string") {
        return data.qualname;
    }
    return symbol.containerName ? `${symbol.containerName}.${symbol.name}` : symbol.name;
}

function toItem(client: LanguageClient, symbol: SymbolInformation | WorkspaceSymbol): SymbolItem {
    const kind = vscode.SymbolKind[client.protocol2CodeConverter.asSymbolKind(symbol.kind)];
    const data: unknown = "data" in symbol ? symbol.data : undefined;
    const docset = typeof data === "object" && data !== null && "docset" in data ? String(data.docset) : undefined;
    return {
        label: qualifiedName(symbol),
        description: docset ? `${kind.toLowerCase()} · ${docset}` : kind.toLowerCase(),
        iconPath: new vscode.ThemeIcon(`symbol-${kind.toLowerCase()}`),
        // The server already ranked these by its own matching; the quick pick must not refilter.
        alwaysShow: true,
        symbol,
    };
}

/** Ask the server to fill in a lazily sent location (it writes the page then). */
async function pageUri(client: LanguageClient, symbol: SymbolInformation | WorkspaceSymbol): Promise<vscode.Uri> {
    let resolved = symbol;
    if (!("range" in resolved.location)) {
        resolved = await client.sendRequest(WorkspaceSymbolResolveRequest.type, resolved as WorkspaceSymbol);
    }
    return client.protocol2CodeConverter.asUri(resolved.location.uri);
}

/** Open the picked entry's page rendered as Markdown. */
export async function openEntry(client: LanguageClient, symbol: SymbolInformation | WorkspaceSymbol): Promise<void> {
    const uri = await pageUri(client, symbol);
    await vscode.commands.executeCommand("markdown.showPreview", uri);
}

export function searchDocumentation(client: LanguageClient | undefined): void {
    if (client === undefined || !client.isRunning()) {
        void vscode.window.showWarningMessage("The language server is not running.", "Restart Server")
            .then((choice) => choice && vscode.commands.executeCommand("docsDaemon.restart"));
        return;
    }
    const pick = vscode.window.createQuickPick<SymbolItem>();
    pick.title = "Search Documentation";
    pick.placeholder = "Type a name, e.g. json.dumps or path join";
    pick.matchOnDescription = false;
    pick.matchOnDetail = false;
    let pending: vscode.CancellationTokenSource | undefined;
    let timer: NodeJS.Timeout | undefined;

    const query = async (text: string): Promise<void> => {
        pending?.cancel();
        const source = (pending = new vscode.CancellationTokenSource());
        if (!text.trim()) {
            pick.items = [];
            pick.busy = false;
            return;
        }
        pick.busy = true;
        try {
            const symbols = await client.sendRequest(WorkspaceSymbolRequest.type, { query: text }, source.token);
            if (!source.token.isCancellationRequested) {
                pick.items = (symbols ?? []).map((symbol) => toItem(client, symbol));
            }
        } catch (error) {
            if (!source.token.isCancellationRequested) {
                client.error("Search Documentation failed", error);
            }
        } finally {
            if (pending === source) {
                pick.busy = false;
            }
        }
    };

    pick.onDidChangeValue((text) => {
        clearTimeout(timer);
        timer = setTimeout(() => void query(text), DEBOUNCE_MS);
    });
    pick.onDidAccept(async () => {
        const [chosen] = pick.selectedItems;
        if (chosen === undefined) {
            return;
        }
        pick.hide();
        try {
            await openEntry(client, chosen.symbol);
        } catch (error) {
            void vscode.window.showErrorMessage(`${chosen.label} could not be opened: ${String(error)}`);
        }
    });
    pick.onDidHide(() => {
        clearTimeout(timer);
        pending?.cancel();
        pick.dispose();
    });
    pick.show();
}
