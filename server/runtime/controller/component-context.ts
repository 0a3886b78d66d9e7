// The ComponentContext one component instance gets. Everything in it is keyed
// by the instance's global ID; calls made after the instance was stopped (a
// late timer, a response arriving after a reload) are ignored.

import path from 'node:path';
import type { Tracer } from '@opentelemetry/api';
import type { Value } from '../../../language/eval/value.js';
import type { ComponentContext, HealthState } from '../component.js';
import type { RuntimeMetrics } from '../metrics.js';
import type { LogLevel } from '../../../protocol/runtime.js';
import type { RuntimeNode } from './nodes.js';

export interface ContextDeps {
    readonly metrics: RuntimeMetrics;
    readonly tracer: (scope: string) => Tracer;
    readonly defaultHost: string;
    /** The runtime's storage directory; each instance gets `<storagePath>/<global ID>`. */
    readonly storagePath: string;
    log(level: LogLevel, message: string, globalId?: string, fields?: Record<string, unknown>): void;
    setExports(node: RuntimeNode, exports: ReadonlyMap<string, Value>): void;
    healthChanged(node: RuntimeNode): void;
}

/** Prepares `node` for a new component instance and returns its context. */
export function createComponentContext(node: RuntimeNode, deps: ContextDeps): ComponentContext {
    const abort = new AbortController();
    node.abort = abort;
    const instruments = deps.metrics.forComponent(node.globalId);
    node.instruments = instruments;
    // The AbortController identifies this instance: a restarted node has a new one.
    const live = () => node.alive && node.abort === abort && !abort.signal.aborted;
    const stats = node.stats;
    return {
        globalId: node.globalId,
        localId: node.localId,
        modulePath: node.modulePath,
        registry: deps.metrics.registry,
        metricLabels: instruments.labels,
        tracer: deps.tracer(node.name),
        log: (level, message, fields) => deps.log(level, message, node.globalId, fields),
        setExports: (exports) => {
            if (live()) deps.setExports(node, new Map(Object.entries(exports)));
        },
        setHealth: (state: HealthState, message: string) => {
            if (!live()) return;
            node.health.setComponent(state, message);
            deps.healthChanged(node);
        },
        // Counting after stop would re-create the removed series, so it is ignored.
        countIn: (n) => {
            if (node.abort !== abort) return;
            stats.samplesIn += n;
            instruments.countIn(n);
        },
        countOut: (n) => {
            if (node.abort !== abort) return;
            stats.samplesOut += n;
            instruments.countOut(n);
        },
        countError: (n = 1) => {
            if (node.abort !== abort) return;
            stats.errors += n;
            instruments.countError(n);
        },
        countDropped: (n) => {
            if (node.abort !== abort) return;
            stats.dropped += n;
        },
        signal: abort.signal,
        defaultHost: deps.defaultHost,
        dataPath: path.join(deps.storagePath, node.globalId),
    };
}
