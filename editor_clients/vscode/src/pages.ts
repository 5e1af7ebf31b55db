/**
 * Documentation pages as read-only `docs-daemon://<docset>/<qualname>.md` documents.
 *
 * The server locates each workspace symbol at a Markdown page in its cache directory. VS Code's
 * symbol picker ends every row with the location's path, which for those pages is the same long
 * cache path each time; under this scheme the row reads `dumps  json • python` instead (the
 * owner, then the docset from the label formatter in package.json). VS Code resolves a picked
 * symbol before opening it, so the server writes the page and the editor opens that file; a
 * `docs-daemon:` URI opened any other way is served here, by the same resolve request.
 */
import { readFile } from "node:fs/promises";
import * as vscode from "vscode";
import { WorkspaceSymbolResolveRequest, type LanguageClient, type WorkspaceSymbol } from "vscode-languageclient/node";

export const PAGE_SCHEME = "docs-daemon";

interface EntryData {
    qualname: string;
    docset: string;
}

function entryData(symbol: unknown): EntryData | undefined {
    const data: unknown = typeof symbol === "object" && symbol !== null && "data" in symbol ? symbol.data : undefined;
    if (typeof data === "object" && data !== null && "qualname" in data && "docset" in data) {
        const { qualname, docset } = data;
        if (typeof qualname === "string" && typeof docset === "string") {
            return { qualname, docset };
        }
    }
    return undefined;
}

export function pageUri(entry: EntryData): vscode.Uri {
    return vscode.Uri.from({ scheme: PAGE_SCHEME, authority: entry.docset, path: `/${entry.qualname}.md` });
}

/** Point each symbol the server documented at its page under this scheme (already located). */
export function asPageSymbols(symbols: vscode.SymbolInformation[] | null | undefined): vscode.SymbolInformation[] | null | undefined {
    const top = new vscode.Range(0, 0, 0, 0);
    for (const symbol of symbols ?? []) {
        const entry = entryData(symbol);
        if (entry !== undefined) {
            symbol.location = new vscode.Location(pageUri(entry), top);
        }
    }
    return symbols;
}

/** Serves the pages' text, written by the running server on request. */
export class PageProvider implements vscode.TextDocumentContentProvider {
    constructor(private readonly client: () => LanguageClient | undefined) {}

    async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
        const client = this.client();
        if (client === undefined) {
            return "The Docs Daemon language server is not running: restart it, then open this page again.\n";
        }
        const qualname = decodeURIComponent(uri.path.replace(/^\//, "").replace(/\.md$/, ""));
        const request: WorkspaceSymbol = {
            name: qualname,
            kind: 12,
            location: { uri: uri.toString() },
            data: { qualname, docset: uri.authority },
        };
        const resolved = await client.sendRequest(WorkspaceSymbolResolveRequest.type, request, token);
        if (!("range" in resolved.location) || resolved.location.uri === uri.toString()) {
            return `${qualname} is not in the loaded documentation.\n`;
        }
        return readFile(client.protocol2CodeConverter.asUri(resolved.location.uri).fsPath, "utf8");
    }
}
