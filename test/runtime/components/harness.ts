// Test harness for runtime components: a ComponentContext with a real
// prom-client Registry, a no-op tracer, and captured logs, exports and health;
// plus helpers to build ArgumentBody values, capture samples and spans, and
// run loopback HTTP servers. Everything binds 127.0.0.1 on ephemeral ports.

import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { Registry } from 'prom-client';
import type { Value } from '../../../language/eval/value.js';
import { fromJs } from '../../../language/eval/value.js';
import type {
    ArgumentBody,
    Component,
    ComponentContext,
    ComponentDefinition,
    HealthState,
    LogsReceiver,
    MetricsReceiver,
    TracesConsumer,
} from '../../../server/runtime/component.js';
import { LOGS_RECEIVER_TYPE, METRICS_RECEIVER_TYPE, TRACES_CONSUMER_TYPE } from '../../../server/runtime/component.js';
import type { LogEntry as LokiEntry } from '../../../server/runtime/protocols/log-entry.js';
import type { Sample } from '../../../server/runtime/protocols/labels.js';
import { type TraceBatch, spanCount } from '../../../server/runtime/protocols/otlp-json.js';

export { sleep, waitFor } from '../helpers.js';

// ---------------------------------------------------------------------------------------------
// Values and bodies
// ---------------------------------------------------------------------------------------------

const VALUE_KINDS = new Set(['null', 'number', 'string', 'bool', 'array', 'object', 'function', 'capsule', 'secret', 'unknown']);

function isValue(x: unknown): x is Value {
    return typeof x === 'object' && x !== null && !Array.isArray(x) && VALUE_KINDS.has((x as { kind?: string }).kind ?? '') && Object.keys(x).every((k) => ['kind', 'value', 'float', 'items', 'fields', 'type', 'payload', 'name', 'call'].includes(k));
}

/** Converts JS to an Alloy value; Value objects (capsules, secrets) pass through. */
export function toValue(x: unknown): Value {
    if (isValue(x)) return x;
    if (Array.isArray(x)) return { kind: 'array', items: x.map(toValue) };
    if (typeof x === 'object' && x !== null) return { kind: 'object', fields: new Map(Object.entries(x).map(([k, v]) => [k, toValue(v)])) };
    return fromJs(x);
}

export const secret = (value: string): Value => ({ kind: 'secret', value });
export const capsule = (type: string, payload: unknown): Value => ({ kind: 'capsule', type, payload });

export type Blocks = Record<string, ArgumentBody | ArgumentBody[]>;

/** `body({ attr: value }, { block: body(...), rule: [body(...), body(...)] })` */
export function body(attributes: Record<string, unknown> = {}, blocks: Blocks = {}): ArgumentBody {
    const list: { name: string; body: ArgumentBody }[] = [];
    for (const [name, b] of Object.entries(blocks)) {
        for (const one of Array.isArray(b) ? b : [b]) list.push({ name, body: one });
    }
    return {
        attributes: new Map(Object.entries(attributes).map(([k, v]) => [k, toValue(v)])),
        blocks: list,
    };
}

// ---------------------------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------------------------

export interface LogEntry {
    level: 'debug' | 'info' | 'warn' | 'error';
    message: string;
    fields?: Record<string, unknown>;
}

let contexts = 0;

export class TestContext implements ComponentContext {
    readonly globalId: string;
    readonly localId: string;
    readonly modulePath: string;
    readonly registry: Registry;
    readonly metricLabels: Readonly<{ component_id: string; component_path: string }>;
    readonly tracer = trace.getTracer('flowlens-test');
    readonly defaultHost = '127.0.0.1';
    readonly dataPath: string;
    readonly logs: LogEntry[] = [];
    exports: Readonly<Record<string, Value>> | undefined;
    exportsCount = 0;
    health: { state: HealthState; message: string; updatedAt: number } = { state: 'unknown', message: '', updatedAt: 0 };
    readonly counts = { in: 0, out: 0, errors: 0, dropped: 0 };
    private readonly controller = new AbortController();
    readonly signal = this.controller.signal;

    constructor(localId: string, options: { registry?: Registry; modulePath?: string; dataPath?: string } = {}) {
        this.localId = localId;
        this.modulePath = options.modulePath ?? '';
        this.globalId = this.modulePath === '' ? localId : `${this.modulePath}/${localId}`;
        this.dataPath = options.dataPath ?? path.join(os.tmpdir(), 'flowlens-test-data', `${process.pid}-${++contexts}`, this.globalId);
        this.registry = options.registry ?? new Registry();
        this.metricLabels = { component_id: localId, component_path: '/' + this.modulePath };
    }

    log(level: LogEntry['level'], message: string, fields?: Record<string, unknown>): void {
        this.logs.push({ level, message, fields });
        if (process.env.FLOWLENS_TEST_LOGS) console.log(`[${this.globalId}] ${level}: ${message}`, fields ?? '');
    }

    setExports(exports: Readonly<Record<string, Value>>): void {
        this.exports = exports;
        this.exportsCount++;
    }

    setHealth(state: HealthState, message: string): void {
        this.health = { state, message, updatedAt: Date.now() };
    }

    countIn(n: number): void {
        this.counts.in += n;
    }

    countOut(n: number): void {
        this.counts.out += n;
    }

    countError(n = 1): void {
        this.counts.errors += n;
    }

    countDropped(n: number): void {
        this.counts.dropped += n;
    }

    abort(): void {
        this.controller.abort();
    }

    /** The payload of a capsule export. */
    exportPayload<T>(name: string): T {
        const v = this.exports?.[name];
        if (v?.kind !== 'capsule') throw new Error(`export ${name} is not a capsule: ${JSON.stringify(v)}`);
        return v.payload as T;
    }
}

export interface Running<C extends Component = Component> {
    ctx: TestContext;
    component: C;
    stop(): Promise<void>;
}

const running = new Set<Running>();

/** Creates, updates and starts a component; `stopAll()` (in afterEach) stops whatever is left. */
export async function startComponent<C extends Component = Component>(
    def: ComponentDefinition,
    args: ArgumentBody,
    options: { label?: string; registry?: Registry; modulePath?: string; dataPath?: string; start?: boolean } = {},
): Promise<Running<C>> {
    const ctx = new TestContext(`${def.name}.${options.label ?? 'test'}`, options);
    const component = def.create(ctx) as C;
    const r: Running<C> = {
        ctx,
        component,
        stop: async () => {
            if (!running.has(r as Running)) return;
            running.delete(r as Running);
            ctx.abort();
            await component.stop();
        },
    };
    running.add(r as Running);
    try {
        await component.update(args);
        if (options.start !== false) await component.start?.();
    } catch (e) {
        await r.stop();
        throw e;
    }
    return r;
}

export async function stopAll(): Promise<void> {
    await Promise.all([...running].map((r) => r.stop()));
    await Promise.all([...servers].map((s) => s.close()));
}

// ---------------------------------------------------------------------------------------------
// Capturing receivers and consumers
// ---------------------------------------------------------------------------------------------

export interface SampleSink {
    receiver: MetricsReceiver;
    value: Value;
    samples: Sample[];
    batches: number[];
}

export function sampleSink(onAppend?: (samples: readonly Sample[]) => void | Promise<void>): SampleSink {
    const sink: SampleSink = {
        samples: [],
        batches: [],
        receiver: {
            appendSamples: (samples) => {
                sink.samples.push(...samples);
                sink.batches.push(samples.length);
                return onAppend?.(samples);
            },
        },
        value: undefined as unknown as Value,
    };
    sink.value = capsule(METRICS_RECEIVER_TYPE, sink.receiver);
    return sink;
}

export interface EntrySink {
    receiver: LogsReceiver;
    value: Value;
    entries: LokiEntry[];
}

/** A loki.LogsReceiver capsule that keeps every entry appended to it. */
export function entrySink(onAppend?: (entries: readonly LokiEntry[]) => void | Promise<void>): EntrySink {
    const sink: EntrySink = {
        entries: [],
        receiver: {
            appendEntries: (entries) => {
                sink.entries.push(...entries);
                return onAppend?.(entries);
            },
        },
        value: undefined as unknown as Value,
    };
    sink.value = capsule(LOGS_RECEIVER_TYPE, sink.receiver);
    return sink;
}

export interface TraceSink {
    consumer: TracesConsumer;
    value: Value;
    batches: TraceBatch[];
    spans(): number;
}

export function traceSink(onConsume?: (batch: TraceBatch) => void | Promise<void>): TraceSink {
    const sink: TraceSink = {
        batches: [],
        consumer: {
            consumeTraces: (batch) => {
                sink.batches.push(batch);
                return onConsume?.(batch);
            },
        },
        value: undefined as unknown as Value,
        spans: () => sink.batches.reduce((n, b) => n + spanCount(b), 0),
    };
    sink.value = capsule(TRACES_CONSUMER_TYPE, sink.consumer);
    return sink;
}

// ---------------------------------------------------------------------------------------------
// Loopback servers and waiting
// ---------------------------------------------------------------------------------------------

export interface TestServer {
    url: string;
    port: number;
    close(): Promise<void>;
}

const servers = new Set<TestServer>();

export async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void | Promise<void>): Promise<TestServer> {
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
            Promise.resolve(handler(req, res, Buffer.concat(chunks))).catch((e: unknown) => {
                res.writeHead(500);
                res.end(String(e));
            });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const s: TestServer = {
        url: `http://127.0.0.1:${port}`,
        port,
        close: () =>
            new Promise<void>((resolve) => {
                servers.delete(s);
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
    servers.add(s);
    return s;
}

/** A port nothing listens on (bound then released). */
export async function freePort(): Promise<number> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return port;
}

/** Value of one series in the registry's text output (undefined when absent). */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
    const json = await registry.getMetricsAsJSON();
    const metric = json.find((m) => m.name === name);
    if (metric === undefined) return undefined;
    const values = (metric as unknown as { values: { labels: Record<string, string | number>; value: number; metricName?: string }[] }).values;
    const hit = values.find((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want) && (v.metricName === undefined || v.metricName === name));
    return hit?.value;
}

export function labelsOf(s: Sample): Record<string, string> {
    return Object.fromEntries(s.labels.map((l) => [l.name, l.value]));
}
