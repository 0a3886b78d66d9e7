// How long the panel takes from receiving a host message to having rendered it, kept per message
// type in bounded windows. The panel shows the medians, posts them to the host, and keeps them in
// `window.__flowlensTimings` for the browser test. Pure and DOM-free.

import type { TimingStats, TimingSummary } from './messages.js';

export type TimingPhase = 'render' | 'frame';

export function timingStats(samples: readonly number[]): TimingStats {
    if (samples.length === 0) return { count: 0, medianMs: 0, p95Ms: 0, maxMs: 0 };
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    const round = (ms: number) => Math.round(ms * 100) / 100;
    return { count: sorted.length, medianMs: round(median), p95Ms: round(at(0.95)), maxMs: round(sorted[sorted.length - 1]) };
}

export class UpdateTimings {
    private readonly samples: Record<TimingPhase, Map<string, number[]>> = { render: new Map(), frame: new Map() };

    /** `keep`: samples kept per phase and message type (the most recent ones). */
    constructor(private readonly keep = 200) {}

    record(phase: TimingPhase, messageType: string, ms: number): void {
        const byType = this.samples[phase];
        let list = byType.get(messageType);
        if (!list) byType.set(messageType, (list = []));
        list.push(ms);
        if (list.length > this.keep) list.shift();
    }

    summary(components: number): TimingSummary {
        const table = (phase: TimingPhase) => {
            const out: Record<string, TimingStats> = {};
            const all: number[] = [];
            for (const [type, list] of this.samples[phase]) {
                out[type] = timingStats(list);
                all.push(...list);
            }
            out.all = timingStats(all);
            return out;
        };
        return { render: table('render'), frame: table('frame'), components };
    }
}
