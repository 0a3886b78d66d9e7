// Context keys for `when` and `enablement` clauses in package.json:
//   flowlens.runtimeState     idle | starting | running | pausing | paused | stopping | stopped | failed
//   flowlens.metricsAvailable true while a run serves /metrics

import { commands, type Disposable } from 'vscode';
import type { RuntimeSession } from './runtime/runtime-session.js';

export function trackRuntimeContextKeys(session: RuntimeSession): Disposable {
    const set = () => {
        const status = session.model.status;
        void commands.executeCommand('setContext', 'flowlens.runtimeState', status.state);
        void commands.executeCommand('setContext', 'flowlens.metricsAvailable', status.metricsAvailable);
    };
    set();
    return { dispose: session.onEvent((e) => e.kind === 'status' && set()) };
}
