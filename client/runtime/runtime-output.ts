// Writes the runtime's log, stderr, state changes and stop summaries to the "flowlens runtime"
// output channel.

import type { Disposable, LogOutputChannel } from 'vscode';
import { statusLabel } from '../webview/state/status-label.js';
import { formatLogEvent, formatReload, formatStopSummary } from './log-format.js';
import type { RuntimeSession, SessionEvent } from './runtime-session.js';

export function connectRuntimeOutput(session: RuntimeSession, channel: LogOutputChannel): Disposable {
    let lastStateLine = '';
    const write = (event: SessionEvent): void => {
        switch (event.kind) {
            case 'log': {
                const line = formatLogEvent(event.event);
                const level = event.event.level;
                if (level === 'debug') channel.debug(line);
                else if (level === 'warn') channel.warn(line);
                else if (level === 'error') channel.error(line);
                else channel.info(line);
                break;
            }
            case 'stderr':
                channel.warn(`[stderr] ${event.line}`);
                break;
            case 'status': {
                const { state, reason, target } = event.status;
                const line = `${statusLabel(event.status).label}${state === 'starting' && target ? `: ${target}` : ''}${reason ? ` (${reason})` : ''}`;
                // Status updates that change nothing in words (e.g. /metrics became available) are not logged.
                if (line === lastStateLine) break;
                lastStateLine = line;
                if (state === 'failed') channel.error(line);
                else channel.info(line);
                break;
            }
            case 'reload':
                if (event.event.ok) channel.info(formatReload(event.event));
                else channel.error(formatReload(event.event));
                break;
            case 'stopped':
                if (event.summary) for (const line of formatStopSummary(event.summary)) channel.info(line);
                if (event.problem) channel.warn(event.problem);
                break;
        }
    };
    return { dispose: session.onEvent(write) };
}
