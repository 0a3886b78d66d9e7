// The flowlens VS Code extension's entry: wires the language client (diagnostics, quick fixes,
// formatting…) and the pipeline runtime (commands, status bar, output channel, panel). Each
// concern lives in its own module; this file only connects them.

import * as path from 'node:path';
import { commands, type ExtensionContext, window } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { COMMANDS, PANEL_COMMAND_IDS, registerRuntimeCommands } from './commands.js';
import { trackRuntimeContextKeys } from './context-keys.js';
import { revealComponent } from './editor/reveal-component.js';
import { startLanguageClient } from './language-client.js';
import { RuntimePanelHost } from './panel/runtime-panel.js';
import { reloadOnSave } from './runtime/reload-on-save.js';
import { connectRuntimeOutput } from './runtime/runtime-output.js';
import { RuntimeProcess } from './runtime/runtime-process.js';
import { RuntimeSession } from './runtime/runtime-session.js';
import { RuntimeStatusBar } from './status/status-bar.js';

/** How long deactivation waits for an orderly stop before the runtime process is killed. */
const DEACTIVATE_STOP_MS = 3000;

let client: LanguageClient | undefined;
let session: RuntimeSession | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
    const output = window.createOutputChannel('flowlens runtime', { log: true });
    const workerPath = context.asAbsolutePath(path.join('out', 'runtime.cjs'));
    const runtime = new RuntimeSession({ startProcess: () => RuntimeProcess.start({ modulePath: workerPath }) });
    session = runtime;
    const panel = new RuntimePanelHost(context.extensionUri, runtime, {
        command: (command) => void commands.executeCommand(PANEL_COMMAND_IDS[command]),
        reveal: (globalId, column) => {
            const info = runtime.model.component(globalId);
            if (info) revealComponent(info, column).catch((e: unknown) => output.warn(`cannot reveal ${globalId}: ${e instanceof Error ? e.message : String(e)}`));
        },
        warn: (message) => output.warn(message),
    });
    const storageDir = (context.storageUri ?? context.globalStorageUri).fsPath;
    context.subscriptions.push(
        output,
        panel,
        new RuntimeStatusBar(runtime, COMMANDS.showPanel),
        connectRuntimeOutput(runtime, output),
        reloadOnSave(runtime, output),
        trackRuntimeContextKeys(runtime),
        ...registerRuntimeCommands({ session: runtime, panel, output, workerPath, storageDir }),
    );
    // The runtime UI works without the language server; start it last.
    client = await startLanguageClient(context);
}

export async function deactivate(): Promise<void> {
    await Promise.allSettled([session?.dispose(DEACTIVATE_STOP_MS), client?.stop()]);
    session = undefined;
    client = undefined;
}
