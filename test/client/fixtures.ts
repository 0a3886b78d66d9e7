// Protocol values for the client tests.
import type { ComponentInfo, ComponentMetrics, MetricsSnapshot } from '../../protocol/runtime.js';
import type { SessionSnapshot } from '../../client/webview/messages.js';

export function component(globalId: string, references: string[] = [], over: Partial<ComponentInfo> = {}): ComponentInfo {
    const slash = globalId.lastIndexOf('/');
    return {
        globalId,
        localId: globalId.slice(slash + 1),
        modulePath: slash < 0 ? '' : globalId.slice(0, slash),
        kind: 'component',
        name: globalId.slice(slash + 1).split('.').slice(0, -1).join('.'),
        health: { state: 'healthy', message: '', updatedAt: 1 },
        file: '/work/config/main.alloy',
        line: 3,
        column: 1,
        references,
        referencedBy: [],
        ...over,
    };
}

export function metrics(time: number, counters: Record<string, [samplesIn: number, samplesOut: number, errors: number, queue: number | null]>): MetricsSnapshot {
    const components: ComponentMetrics[] = Object.entries(counters).map(([globalId, [samplesIn, samplesOut, errors, queueDepth]]) => ({
        globalId,
        samplesIn,
        samplesOut,
        errors,
        queueDepth,
        evaluations: 1,
        evaluationSeconds: 0,
        lastEvaluationSeconds: 0,
        dropped: 0,
        health: 'healthy',
    }));
    const sum = (k: 'samplesIn' | 'samplesOut' | 'errors') => components.reduce((n, c) => n + c[k], 0);
    return {
        time,
        state: 'running',
        uptimeSeconds: 10,
        components,
        totals: { samplesIn: sum('samplesIn'), samplesOut: sum('samplesOut'), errors: sum('errors'), dropped: 0 },
        evaluationQueue: 0,
        spans: { exported: 0, dropped: 0 },
    };
}

export function session(over: Partial<SessionSnapshot> = {}): SessionSnapshot {
    return {
        status: { state: 'running', since: 1, startedAt: 1, target: '/work/config/main.alloy', metricsAvailable: true },
        components: [component('prometheus.scrape.a'), component('prometheus.remote_write.w', []), component('prometheus.relabel.r', ['prometheus.remote_write.w'])],
        metrics: null,
        pauseEvents: [],
        flushEvents: [],
        flushTotals: { flushes: 0, exported: 0, dropped: 0 },
        ...over,
    };
}
