// Lines for the "flowlens runtime" output channel. Pure.

import type { LogEvent, ReloadEvent, StopSummary } from '../../protocol/runtime.js';
import { formatCount, formatDuration } from '../webview/format.js';

function fieldValue(value: unknown): string {
    if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
    try {
        return JSON.stringify(value) ?? String(value);
    } catch {
        return String(value);
    }
}

/** `[module.file.a/prometheus.scrape.x] scrape failed target=… err="…"` (the channel adds time and level). */
export function formatLogEvent(event: LogEvent): string {
    const fields = Object.entries(event.fields ?? {}).map(([k, v]) => ` ${k}=${fieldValue(v)}`);
    return `${event.globalId ? `[${event.globalId}] ` : ''}${event.message}${fields.join('')}`;
}

export function formatReload(event: ReloadEvent): string {
    if (!event.ok) return `reload refused, the running pipeline is unchanged: ${event.error ?? 'unknown error'}`;
    return `reloaded: ${event.added.length} added, ${event.updated.length} updated, ${event.removed.length} removed`;
}

export function formatStopSummary(summary: StopSummary): string[] {
    const dropReasons = Object.entries(summary.spansDroppedBy)
        .filter(([, n]) => n > 0)
        .map(([reason, n]) => `${reason}: ${formatCount(n)}`);
    const lines = [
        `stopped (${summary.reason}) after ${formatDuration(summary.uptimeSeconds)}: ${summary.components} components, ` +
            `${formatCount(summary.samplesIn)} samples in, ${formatCount(summary.samplesOut)} out, ${formatCount(summary.errors)} errors, ${formatCount(summary.dropped)} dropped`,
        ...summary.unhealthy.map((u) => `unhealthy at stop: ${u.globalId} (${u.message})`),
        ...summary.skipped.map((s) => `skipped: ${s.globalId} (${s.reason})`),
        `spans: ${formatCount(summary.spansExported)} exported, ${formatCount(summary.spansDropped)} dropped${dropReasons.length ? ` (${dropReasons.join(', ')})` : ''}`,
    ];
    if (summary.pause) {
        const drained = summary.pause.drainedOnPause === undefined ? '' : summary.pause.drainedOnPause ? ', drained' : ', not drained';
        lines.push(`last pause: ${summary.pause.state}${drained}${summary.pause.reason ? ` (${summary.pause.reason})` : ''}`);
    }
    for (const problem of summary.problems) lines.push(`problem while stopping: ${problem}`);
    return lines;
}
