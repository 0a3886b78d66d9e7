// The language client: starts the bundled Langium language server (out/server.cjs) for Grafana
// Alloy (.alloy) and Agent Flow (.river) files.

import * as path from 'node:path';
import { type ExtensionContext, workspace } from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { SERVER_EXEC_ARGV } from './server-exec-argv.js';

export const LANGUAGE_ID = 'grafana-alloy';

export async function startLanguageClient(context: ExtensionContext): Promise<LanguageClient> {
    const serverModule = context.asAbsolutePath(path.join('out', 'server.cjs'));
    const serverOptions: ServerOptions = {
        run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV] } },
        debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6009'] } },
    };
    const clientOptions: LanguageClientOptions = {
        documentSelector: [{ language: LANGUAGE_ID }],
        synchronize: {
            configurationSection: 'flowlens',
            // Imported modules live in other files: tell the server when they change on disk.
            fileEvents: workspace.createFileSystemWatcher('**/*.{alloy,river}'),
        },
    };
    const client = new LanguageClient('flowlens', 'flowlens (Grafana Alloy)', serverOptions, clientOptions);
    context.subscriptions.push(client);
    await client.start();
    return client;
}
