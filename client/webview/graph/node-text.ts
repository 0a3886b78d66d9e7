// The text a graph node shows and its hover text. Only IDs, health and metrics: the panel never
// shows argument or export values (which may be secrets). Pure.

import type { ComponentInfo } from '../../../protocol/runtime.js';
import { formatCompact } from '../format.js';
import type { ComponentView } from '../state/panel-model.js';

/** `↓1.2k ↑1.1k/s  ✕3/s  q12`: samples in and out per second, errors per second, queue depth. */
export function nodeDetail(view: ComponentView): string {
    const parts: string[] = [];
    const r = view.rates;
    if (r && (r.samplesInPerSecond > 0 || r.samplesOutPerSecond > 0)) {
        parts.push(`↓${formatCompact(r.samplesInPerSecond)} ↑${formatCompact(r.samplesOutPerSecond)}/s`);
    }
    if (r && r.errorsPerSecond > 0) parts.push(`✕${formatCompact(r.errorsPerSecond)}/s`);
    if (view.queueDepth) parts.push(`q${formatCompact(view.queueDepth)}`);
    return parts.join('  ');
}

export function kindLabel(info: ComponentInfo): string {
    return info.kind === 'component' ? info.name : `${info.name} (${info.kind})`;
}

/** The hover text: the global ID first (the label shows only the local ID). */
export function nodeTooltip(view: ComponentView): string {
    const health = view.healthMessage ? `${view.health}: ${view.healthMessage}` : view.health;
    return `${view.info.globalId}\n${kindLabel(view.info)}\nhealth: ${health}`;
}
