// The flowlens VS Code extension: starts the bundled language server for
// Grafana Alloy (.alloy) and Agent Flow (.river) files.

import * as path from 'node:path';
import type { ExtensionContext } from 'vscode';
import { workspace } from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';

export const LANGUAGE_ID = 'grafana-alloy';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
    const serverModule = context.asAbsolutePath(path.join('out', 'server.cjs'));
    const serverOptions: ServerOptions = {
        run: { module: serverModule, transport: TransportKind.ipc },
        debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
    const clientOptions: LanguageClientOptions = {
        documentSelector: [{ language: LANGUAGE_ID }],
        synchronize: {
            configurationSection: 'flowlens',
            // Imported modules live in other files: tell the server when they change on disk.
            fileEvents: workspace.createFileSystemWatcher('**/*.{alloy,river}'),
        },
    };
    client = new LanguageClient('flowlens', 'flowlens (Grafana Alloy)', serverOptions, clientOptions);
    context.subscriptions.push(client);
    await client.start();
}

export async function deactivate(): Promise<void> {
    await client?.stop();
    client = undefined;
}
