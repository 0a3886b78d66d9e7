// The contract between flowlens' pipeline runtime and its components. Each
// built-in component is a file of its own under server/runtime/components/
// that exports a ComponentDefinition: its argument schema (which must agree
// with the catalog entry the language server uses) and a factory.

import type { Tracer } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import type { Value } from '../../language/eval/value.js';
import type { LogEntry } from './protocols/log-entry.js';
import type { Sample } from './protocols/labels.js';
import type { TraceBatch } from './protocols/otlp-json.js';

/** The evaluated body of a block: attributes by name, nested blocks in source order. */
export interface ArgumentBody {
    readonly attributes: ReadonlyMap<string, Value>;
    readonly blocks: ReadonlyArray<{ readonly name: string; readonly label?: string; readonly body: ArgumentBody }>;
}

/** One attribute or block of a component's arguments, as the component decodes them. */
export interface ArgumentSchemaEntry {
    readonly name: string;
    /** The Alloy type as the catalog writes it (`list(MetricsReceiver)`, `duration`, ...). */
    readonly type: string;
    readonly required: boolean;
    /** For blocks: the nested schema. */
    readonly block?: ArgumentSchema;
}

export interface ArgumentSchema {
    readonly attributes: readonly ArgumentSchemaEntry[];
    readonly blocks: readonly ArgumentSchemaEntry[];
    /** Export names and their types, as the catalog lists them. */
    readonly exports: readonly { readonly name: string; readonly type: string }[];
}

export type HealthState = 'unknown' | 'healthy' | 'unhealthy' | 'exited' | 'skipped';

export interface Health {
    readonly state: HealthState;
    readonly message: string;
    /** Milliseconds since the epoch. */
    readonly updatedAt: number;
}

/** What a component can do and see; one per component instance, keyed by global ID. */
export interface ComponentContext {
    readonly globalId: string;
    readonly localId: string;
    /** The controller the component runs in: '' at the root. */
    readonly modulePath: string;
    /** The runtime's single prom-client registry (register per-instance metrics once, remove them in stop()). */
    readonly registry: Registry;
    /** Labels every metric of this instance carries: component_id and component_path (Alloy's split of the global ID). */
    readonly metricLabels: Readonly<{ component_id: string; component_path: string }>;
    readonly tracer: Tracer;
    log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
    /** Publishes new exports; dependants are re-evaluated when they changed. */
    setExports(exports: Readonly<Record<string, Value>>): void;
    setHealth(state: HealthState, message: string): void;
    /** Counts samples or spans through the component (the runtime's per-component metrics). */
    countIn(n: number): void;
    countOut(n: number): void;
    countError(n?: number): void;
    /** Counts items (samples, log entries, spans) the component lost: they will never be delivered. */
    countDropped(n: number): void;
    /** Aborted when the component is stopped. */
    readonly signal: AbortSignal;
    /** The host a server component binds to unless the user set an address (127.0.0.1). */
    readonly defaultHost: string;
    /**
     * The directory this instance keeps state in across restarts (Alloy's per-component data path,
     * `<storage path>/<global ID>`, e.g. loki.source.file's positions.yml). Created by the component when needed.
     */
    readonly dataPath: string;
}

export interface Component {
    /** Applies new arguments; throws an Error with a clear message when they are invalid. */
    update(args: ArgumentBody): void | Promise<void>;
    /** Starts background work (servers, timers); called once after the first update. */
    start?(): void | Promise<void>;
    /** Stops background work and removes the component's metrics from the registry. */
    stop(): Promise<void>;
    /**
     * Items (samples, spans, requests) buffered inside the component, for draining
     * on pause. May throw when it cannot tell; the pause logic copes.
     */
    pending?(): number;
    /** Sources stop producing new data while the pipeline pauses, and resume after. */
    pauseSource?(): void | Promise<void>;
    resumeSource?(): void | Promise<void>;
    /**
     * Sends what is buffered now instead of at the next deadline (batch timeout,
     * batch_send_deadline): called on pause once the sources stopped, so the
     * pipeline drains promptly.
     */
    flush?(): Promise<void>;
}

export interface ComponentDefinition {
    readonly name: string;
    readonly schema: ArgumentSchema;
    /** True for components that bring data in (scrape, receivers, exporters of self): paused first. */
    readonly source?: boolean;
    /**
     * A source that accepts data pushed over the network. Its clients may be this pipeline's own
     * senders (remote_write → receive_http on loopback), so it pauses after the other sources, once
     * what they buffered has been sent.
     */
    readonly receiver?: boolean;
    create(ctx: ComponentContext): Component;
}

/** The capsule value behind a `prometheus.Receiver` export (`receiver`). */
export interface MetricsReceiver {
    appendSamples(samples: readonly Sample[]): void | Promise<void>;
}

/** The capsule value behind an `otelcol.Consumer` export (`input`). */
export interface TracesConsumer {
    consumeTraces(batch: TraceBatch): void | Promise<void>;
}

/** The capsule value behind a `loki.LogsReceiver` export (`receiver`). */
export interface LogsReceiver {
    appendEntries(entries: readonly LogEntry[]): void | Promise<void>;
}

export const METRICS_RECEIVER_TYPE = 'MetricsReceiver';
export const LOGS_RECEIVER_TYPE = 'loki.LogsReceiver';
export const TRACES_CONSUMER_TYPE = 'otelcol.Consumer';
