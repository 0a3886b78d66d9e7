// What the status bar item says for each runtime state. Pure, so every state's text is tested.

import type { MetricsSnapshot } from '../../protocol/runtime.js';
import { formatCompact, formatDuration } from '../webview/format.js';
import type { RuntimeStatus } from '../webview/messages.js';
import type { Rates } from '../webview/state/rates.js';
import { isLive, statusLabel } from '../webview/state/status-label.js';

export interface StatusPresentation {
    /** With a codicon, e.g. `$(debug-pause) Paused (drained)`. */
    readonly text: string;
    /** The state in words, for screen readers. */
    readonly label: string;
    readonly tooltip: string;
    /** Selects the item's background: error and warning colours for Failed and Paused (not drained). */
    readonly tone: 'normal' | 'warning' | 'error';
}

export interface StatusDetails {
    readonly rates: Rates | null;
    readonly metrics: MetricsSnapshot | null;
    readonly now: number;
}

function uptimeSeconds(status: RuntimeStatus, details: StatusDetails): number | undefined {
    if (details.metrics) return details.metrics.uptimeSeconds;
    return status.startedAt !== undefined ? (details.now - status.startedAt) / 1000 : undefined;
}

export function statusPresentation(status: RuntimeStatus, details: StatusDetails): StatusPresentation {
    const { icon, label, tone } = statusLabel(status);
    const lines = [`flowlens runtime: ${label}`];
    if (status.target) lines.push(`Configuration: ${status.target}`);
    if (isLive(status)) {
        const uptime = uptimeSeconds(status, details);
        if (uptime !== undefined) lines.push(`Uptime: ${formatDuration(uptime)}`);
        if (details.rates) {
            lines.push(`Samples/s: ${formatCompact(details.rates.samplesInPerSecond)} in · ${formatCompact(details.rates.samplesOutPerSecond)} out`);
            lines.push(`Errors/s: ${formatCompact(details.rates.errorsPerSecond)}`);
        }
        if (details.metrics) lines.push(`Components: ${details.metrics.components.length}`);
    }
    if (status.state === 'idle') lines.push('No pipeline has run yet: use "Run Pipeline" on an .alloy or .river file.');
    if (status.reason) lines.push(`Reason: ${status.reason}`);
    lines.push('', 'Click to open the runtime panel.');
    return { text: `$(${icon}) ${label}`, label, tooltip: lines.join('\n'), tone: tone === 'busy' ? 'normal' : tone };
}
