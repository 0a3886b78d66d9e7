// Saving a configuration file while a pipeline runs reloads it, as Alloy reloads on /-/reload:
// the runtime matches nodes by global ID, so only what changed is updated, and a configuration
// with errors leaves the running pipeline as it was (the Output channel says why).

import { type Disposable, type LogOutputChannel, type TextDocument, workspace } from 'vscode';
import { isLive } from '../webview/state/status-label.js';
import { toRuntimeError } from './runtime-errors.js';
import type { RuntimeSession } from './runtime-session.js';

/** Saves that arrive together (Save All) cause one reload. */
const COALESCE_MS = 250;

export function reloadOnSave(session: RuntimeSession, output: LogOutputChannel): Disposable {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reload = () => {
        timer = undefined;
        if (!isLive(session.model.status)) return;
        session.reload().catch((e: unknown) => output.warn(`reloading the configuration failed: ${toRuntimeError(e).message}`));
    };
    const onSave = (document: TextDocument) => {
        if (document.languageId !== 'grafana-alloy' || document.uri.scheme !== 'file') return;
        if (!isLive(session.model.status)) return;
        if (!workspace.getConfiguration('flowlens', document.uri).get<boolean>('runtime.reloadOnSave', true)) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(reload, COALESCE_MS);
    };
    const subscription = workspace.onDidSaveTextDocument(onSave);
    return {
        dispose() {
            if (timer) clearTimeout(timer);
            subscription.dispose();
        },
    };
}
