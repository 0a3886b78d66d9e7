// loki.write: sends log entries to Loki's push API, as Alloy's loki.write does
// (internal/component/loki/write and common/loki/client):
// - per endpoint, entries collect in one batch per tenant (`tenant_id`, or the `__tenant_id__` label);
//   a batch is sent when adding an entry would pass `batch_size` bytes (lines plus structured
//   metadata) or when it is `batch_wait` old; labels starting with `__` are not sent;
// - the body is a protobuf PushRequest, Snappy-compressed, with X-Scope-OrgID for a tenant;
// - 429 (unless retry_on_http_429 = false, then dropped at once), 5xx and network errors are retried
//   with a backoff doubling from min_backoff_period to max_backoff_period, at most max_backoff_retries
//   times (0: forever); other statuses drop the batch; every drop is counted by reason;
// - `max_streams` limits the streams of one batch (further streams' entries are dropped, reason
//   stream_limited); `external_labels` are added to every entry, its own labels win;
// - `queue_config.capacity` bounds the bytes buffered per endpoint: appendEntries waits for room
//   (block_on_overflow, the default) or drops (reason queue_is_full).
// One request is in flight per endpoint, so each stream's entries arrive in order. Backoff waits end
// as soon as the component stops; stop() sends what is buffered for up to drain_timeout (capped).
// The WAL is not implemented: `wal { enabled = true }` is refused.

import type { ArgumentBody, Component, ComponentContext, ComponentDefinition, LogsReceiver } from '../../component.js';
import { LOGS_RECEIVER_TYPE } from '../../component.js';
import type { LogEntry } from '../../protocols/log-entry.js';
import { isValidLabelName } from '../../protocols/labels.js';
import { Args, ArgumentError, attr, block, schema } from '../decode.js';
import { EndpointHealth } from '../endpoint-health.js';
import { HTTP_CLIENT_ATTRIBUTES, HTTP_CLIENT_BLOCKS, type HttpClientConfig, createHttpClient, decodeHttpClientConfig } from '../http-client-config.js';
import { HttpClient, describeNetworkError, sleep } from '../http-client.js';
import { type CounterHandle, type HistogramHandle, InstanceMetrics } from '../metrics.js';
import { USER_AGENT } from '../version.js';
import { PUSH_HEADERS, type PushStream, encodePushRequest, labelsString } from './push-protocol.js';
import { createHash } from 'node:crypto';


const SCHEMA = schema(
    [attr('external_labels', 'map(string)'), attr('max_streams', 'int')],
    [
        block(
            'endpoint',
            false,
            [
                attr('url', 'string', true),
                attr('name', 'string'),
                attr('batch_size', 'string'),
                attr('batch_wait', 'duration'),
                ...HTTP_CLIENT_ATTRIBUTES,
                attr('headers', 'map(string)'),
                attr('http_headers', 'map(list(secret))'),
                attr('max_backoff_period', 'duration'),
                attr('max_backoff_retries', 'int'),
                attr('min_backoff_period', 'duration'),
                attr('remote_timeout', 'duration'),
                attr('retry_on_http_429', 'bool'),
                attr('tenant_id', 'string'),
            ],
            [
                ...HTTP_CLIENT_BLOCKS,
                block('queue_config', false, [attr('block_on_overflow', 'bool'), attr('capacity', 'string'), attr('drain_timeout', 'duration'), attr('min_shards', 'number')]),
            ],
        ),
        block('wal', false, [attr('drain_timeout', 'duration'), attr('enabled', 'bool'), attr('max_read_frequency', 'duration'), attr('max_segment_age', 'duration'), attr('min_read_frequency', 'duration')]),
    ],
    [{ name: 'receiver', type: 'LogsReceiver' }],
);

/** Accepted and ignored: HTTP/2 changes nothing about what is sent (requests are HTTP/1.1). */
export const IGNORED: readonly string[] = ['endpoint.enable_http2'];

const TENANT_LABEL = '__tenant_id__';
/** stop() sends what is buffered for at most this long (the runtime gives stop() 10 s in all). */
const MAX_STOP_DRAIN_MS = 5000;

interface EndpointConfig {
    readonly url: string;
    readonly host: string;
    readonly name: string;
    readonly tenantId: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly batchWaitMs: number;
    readonly batchSize: number;
    readonly remoteTimeoutMs: number;
    readonly minBackoffMs: number;
    readonly maxBackoffMs: number;
    readonly maxRetries: number;
    readonly retryOn429: boolean;
    readonly capacity: number;
    readonly blockOnOverflow: boolean;
    readonly drainTimeoutMs: number;
    readonly client: HttpClientConfig;
}

const HOST_TENANT = ['host', 'tenant'];
const SPEC = {
    sentBytes: { name: 'loki_write_sent_bytes_total', help: 'Number of bytes sent.', type: 'counter', labelNames: HOST_TENANT },
    droppedBytes: { name: 'loki_write_dropped_bytes_total', help: 'Number of bytes dropped because failed to be sent to the ingester after all retries.', type: 'counter', labelNames: [...HOST_TENANT, 'reason'] },
    sentEntries: { name: 'loki_write_sent_entries_total', help: 'Number of log entries sent to the ingester.', type: 'counter', labelNames: HOST_TENANT },
    droppedEntries: { name: 'loki_write_dropped_entries_total', help: 'Number of log entries dropped because failed to be sent to the ingester after all retries.', type: 'counter', labelNames: [...HOST_TENANT, 'reason'] },
    retries: { name: 'loki_write_batch_retries_total', help: 'Number of times batches has had to be retried.', type: 'counter', labelNames: HOST_TENANT },
    requestSize: { name: 'loki_write_request_size_bytes', help: 'Number of bytes for requests.', type: 'histogram', labelNames: HOST_TENANT, buckets: [1024, 4096, 16384, 65536, 262144, 524288, 1048576, 2097152, 4194304, 8388608, 16777216, 20971520] },
    requestDuration: { name: 'loki_write_request_duration_seconds', help: 'Duration of send requests.', type: 'histogram', labelNames: ['status_code', ...HOST_TENANT], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
    pending: { name: 'loki_write_pending_entries', help: 'Log entries buffered or in flight for the endpoint (flowlens).', type: 'gauge', labelNames: ['host'] },
} as const;

type DropReason = 'ingester_error' | 'rate_limited' | 'stream_limited' | 'queue_is_full' | 'shutdown';

/** A size as alecthomas/units.Base2Bytes parses it: every unit is a power of 1024 (`1MB` = `1MiB`). */
export function parseBase2Bytes(text: string): number {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGTPE]i?B|B)\s*$/i.exec(text);
    if (m === null) throw new Error(`invalid size ${JSON.stringify(text)} (expected e.g. "1MiB", "512KiB")`);
    const unit = m[2].toUpperCase();
    const power = unit === 'B' ? 0 : 'KMGTPE'.indexOf(unit[0]) + 1;
    return Math.floor(Number(m[1]) * 1024 ** power);
}

function entrySize(e: LogEntry): number {
    let n = Buffer.byteLength(e.line);
    for (const l of e.structuredMetadata) n += l.name.length + l.value.length;
    return n;
}

class Batch {
    readonly streams = new Map<string, { labels: string; entries: { timestamp: bigint; line: string; structuredMetadata: LogEntry['structuredMetadata'] }[] }>();
    size = 0;
    count = 0;
    readonly createdAt = Date.now();
    constructor(readonly tenant: string) {}

    request(): PushStream[] {
        return [...this.streams.values()];
    }
}

/** One endpoint's batches, queue and sender. */
class Endpoint {
    /** Open batches by tenant. */
    private open = new Map<string, Batch>();
    /** Full or expired batches, sent in order. */
    private ready: Batch[] = [];
    private bufferedBytes = 0;
    private bufferedEntries = 0;
    private inFlight = 0;
    private sending = false;
    private timer: NodeJS.Timeout | undefined;
    private roomWaiters: (() => void)[] = [];
    private idleWaiters: (() => void)[] = [];
    private stopping = false;
    private readonly abort = new AbortController();
    private client: HttpClient;
    private readonly metrics: InstanceMetrics;
    /** Series handles by name and label values (series appear per tenant and status as they occur). */
    private readonly counters = new Map<string, CounterHandle>();
    private readonly histograms = new Map<string, HistogramHandle>();

    constructor(
        private readonly owner: LokiWrite,
        public cfg: EndpointConfig,
    ) {
        this.client = createHttpClient(cfg.url, cfg.client);
        this.metrics = new InstanceMetrics(owner.ctx.registry, owner.ctx.metricLabels);
        for (const spec of [SPEC.sentBytes, SPEC.droppedBytes, SPEC.sentEntries, SPEC.droppedEntries, SPEC.retries, SPEC.requestSize, SPEC.requestDuration]) this.metrics.declare(spec);
        this.metrics.gaugeFn(SPEC.pending, { host: cfg.host }, () => this.pending());
    }

    private counter(spec: (typeof SPEC)[keyof typeof SPEC], labels: Record<string, string>): CounterHandle {
        const key = spec.name + '\u0000' + Object.values(labels).join('\u0000');
        let c = this.counters.get(key);
        if (c === undefined) {
            c = this.metrics.counter(spec, labels);
            this.counters.set(key, c);
        }
        return c;
    }

    private histogram(spec: typeof SPEC.requestSize | typeof SPEC.requestDuration, labels: Record<string, string>): HistogramHandle {
        const key = spec.name + '\u0000' + Object.values(labels).join('\u0000');
        let h = this.histograms.get(key);
        if (h === undefined) {
            h = this.metrics.histogram(spec, labels);
            this.histograms.set(key, h);
        }
        return h;
    }

    pending(): number {
        return this.bufferedEntries + this.inFlight;
    }

    private drop(tenant: string, reason: DropReason, entries: number, bytes: number): void {
        this.counter(SPEC.droppedEntries, { host: this.cfg.host, tenant, reason }).inc(entries);
        this.counter(SPEC.droppedBytes, { host: this.cfg.host, tenant, reason }).inc(bytes);
        this.owner.ctx.countError();
    }

    /** Adds entries (waiting for room when the queue is full and block_on_overflow is set). */
    async append(entries: readonly LogEntry[]): Promise<void> {
        for (const e of entries) {
            const size = entrySize(e);
            while (!this.stopping && this.bufferedBytes > 0 && this.bufferedBytes + size > this.cfg.capacity) {
                if (!this.cfg.blockOnOverflow) break;
                // Room comes from sending: hand the open batches to the sender instead of waiting for batch_wait.
                const room = new Promise<void>((resolve) => this.roomWaiters.push(resolve));
                this.schedule(true);
                await room;
            }
            const tenant = e.labels[TENANT_LABEL] ?? this.cfg.tenantId;
            if (this.stopping) {
                this.drop(tenant, 'shutdown', 1, size);
                continue;
            }
            if (this.bufferedBytes > 0 && this.bufferedBytes + size > this.cfg.capacity) {
                this.drop(tenant, 'queue_is_full', 1, size);
                continue;
            }
            this.add(tenant, e, size);
        }
        this.schedule();
    }

    private add(tenant: string, e: LogEntry, size: number): void {
        let batch = this.open.get(tenant);
        if (batch === undefined) {
            batch = new Batch(tenant);
            this.open.set(tenant, batch);
        }
        const labels = labelsString(e.labels);
        let stream = batch.streams.get(labels);
        if (stream === undefined && this.owner.maxStreams > 0 && batch.streams.size >= this.owner.maxStreams) {
            this.drop(tenant, 'stream_limited', 1, size);
            this.owner.ctx.log('error', `loki.write: streams limit exceeded, streams: ${batch.streams.size} exceeds limit: ${this.owner.maxStreams}, stream: '${labels}'`, { tenant });
            return;
        }
        // At least one entry always fits, even one larger than batch_size.
        if (batch.count > 0 && batch.size + size > this.cfg.batchSize) {
            this.ready.push(batch);
            this.open.delete(tenant);
            batch = new Batch(tenant);
            this.open.set(tenant, batch);
            stream = undefined;
        }
        if (stream === undefined) {
            stream = { labels, entries: [] };
            batch.streams.set(labels, stream);
        }
        stream.entries.push({ timestamp: e.timestamp, line: e.line, structuredMetadata: e.structuredMetadata });
        batch.size += size;
        batch.count++;
        this.bufferedBytes += size;
        this.bufferedEntries++;
    }

    /** Moves expired batches (or all of them, when `all`) to the ready queue and starts the sender. */
    private schedule(all = false): void {
        const now = Date.now();
        for (const [tenant, b] of this.open) {
            if (all || this.stopping || now - b.createdAt >= this.cfg.batchWaitMs) {
                this.ready.push(b);
                this.open.delete(tenant);
            }
        }
        if (!this.sending && this.ready.length > 0) {
            this.sending = true;
            void this.sendLoop();
        }
        if (this.timer === undefined && this.open.size > 0 && !this.stopping) {
            let oldest = Infinity;
            for (const b of this.open.values()) oldest = Math.min(oldest, b.createdAt);
            this.timer = setTimeout(() => {
                this.timer = undefined;
                this.schedule();
            }, Math.max(0, oldest + this.cfg.batchWaitMs - now));
        }
        this.checkIdle();
    }

    private async sendLoop(): Promise<void> {
        try {
            for (let b = this.ready.shift(); b !== undefined; b = this.ready.shift()) {
                this.bufferedBytes -= b.size;
                this.bufferedEntries -= b.count;
                this.inFlight += b.count;
                try {
                    await this.send(b);
                } finally {
                    this.inFlight -= b.count;
                    const waiters = this.roomWaiters;
                    this.roomWaiters = [];
                    for (const w of waiters) w();
                }
            }
        } finally {
            this.sending = false;
            this.checkIdle();
        }
    }

    private checkIdle(): void {
        if (this.sending || this.ready.length > 0 || this.open.size > 0) return;
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
    }

    private async send(batch: Batch): Promise<void> {
        const ctx = this.owner.ctx;
        const tenant = batch.tenant;
        const host = this.cfg.host;
        const body = encodePushRequest(batch.request());
        this.histogram(SPEC.requestSize, { host, tenant }).observe(body.byteLength);
        let backoff = this.cfg.minBackoffMs;
        let status = 0;
        let problem = '';
        for (let attempt = 1; ; attempt++) {
            const t0 = performance.now();
            const span = ctx.tracer.startSpan('loki.write send', { attributes: { 'flowlens.component_id': ctx.globalId, 'url.full': this.cfg.url, 'flowlens.entries': batch.count, 'flowlens.attempt': attempt } });
            try {
                const headers = this.headers(tenant);
                const res = await this.client.post(body, headers, this.cfg.remoteTimeoutMs, this.abort.signal);
                status = res.status;
                problem = status >= 200 && status < 300 ? '' : `server returned HTTP status ${status}: ${res.text.split('\n')[0]}`;
            } catch (e) {
                status = 0;
                problem = describeNetworkError(e);
            }
            this.histogram(SPEC.requestDuration, { status_code: status === 0 ? '-1' : String(status), host, tenant }).observe((performance.now() - t0) / 1000);
            if (problem !== '') span.setStatus({ code: 2, message: problem });
            span.end();
            if (status === 429 && !this.cfg.retryOn429) {
                ctx.log('warn', 'dropping batch due to rate limiting applied at ingester', { endpoint: this.cfg.url, tenant });
                this.drop(tenant, 'rate_limited', batch.count, body.byteLength);
                this.owner.health.failed(this.cfg.name, `${this.cfg.url}: ${problem}`);
                return;
            }
            if (problem === '') {
                this.counter(SPEC.sentBytes, { host, tenant }).inc(body.byteLength);
                this.counter(SPEC.sentEntries, { host, tenant }).inc(batch.count);
                ctx.countOut(batch.count);
                this.owner.health.ok(this.cfg.name);
                return;
            }
            this.owner.health.failed(this.cfg.name, `${this.cfg.url}: ${problem}`);
            const retryable = status === 0 || status === 429 || Math.floor(status / 100) === 5;
            if (!retryable) break;
            if (this.cfg.maxRetries > 0 && attempt >= this.cfg.maxRetries) break;
            if (ctx.signal.aborted || this.abort.signal.aborted) break;
            this.counter(SPEC.retries, { host, tenant }).inc();
            if (attempt === 1 || attempt % 10 === 0) ctx.log('warn', `error sending batch to ${this.cfg.url}, will retry in ${Math.round(backoff)} ms: ${problem}`, { status, tenant, attempt });
            // The stop signal ends the wait at once (a stopping runtime does not wait out a backoff).
            if (!(await sleep(backoff, ctx.signal))) break;
            backoff = Math.min(backoff * 2, this.cfg.maxBackoffMs);
        }
        ctx.log('error', `final error sending batch to ${this.cfg.url}, no retries left, dropping ${batch.count} entries: ${problem}`, { status, tenant });
        this.drop(tenant, status === 429 ? 'rate_limited' : 'ingester_error', batch.count, body.byteLength);
    }

    private headers(tenant: string): Record<string, string> {
        const headers: Record<string, string> = { ...PUSH_HEADERS, 'User-Agent': USER_AGENT };
        if (tenant !== '') headers['X-Scope-OrgID'] = tenant;
        // Custom headers never replace the ones loki.write sets (Alloy skips them with a warning).
        const taken = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
        for (const [k, v] of Object.entries(this.cfg.headers)) if (!taken.has(k.toLowerCase())) headers[k] = v;
        return headers;
    }

    /** Sends every batch now (pause and drain); resolves when nothing is buffered. */
    flush(): Promise<void> {
        const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
        this.schedule(true);
        return idle;
    }

    reconfigure(cfg: EndpointConfig): void {
        if (cfg.url !== this.cfg.url || cfg.client.key !== this.cfg.client.key) {
            this.client.close();
            this.client = createHttpClient(cfg.url, cfg.client);
        }
        this.cfg = cfg;
    }

    async stop(): Promise<void> {
        const drain = this.flush();
        this.stopping = true;
        const deadline = Math.min(this.cfg.drainTimeoutMs, MAX_STOP_DRAIN_MS);
        const drained = await Promise.race([drain.then(() => true), sleep(deadline).then(() => false)]);
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.abort.abort();
        for (let i = 0; i < 100 && this.sending; i++) await sleep(10);
        let left = 0;
        for (const b of this.ready) {
            left += b.count;
            this.drop(b.tenant, 'shutdown', b.count, b.size);
        }
        this.ready = [];
        const waiters = this.roomWaiters;
        this.roomWaiters = [];
        for (const w of waiters) w();
        if (!drained || left > 0) this.owner.ctx.log('warn', `loki.write to ${this.cfg.url}: ${left} buffered entries dropped at shutdown (drain_timeout)`);
        this.client.close();
        this.metrics.close();
    }
}

export class LokiWrite implements Component {
    private endpoints = new Map<string, Endpoint>();
    private external: Readonly<Record<string, string>> = {};
    maxStreams = 0;
    private readonly receiver: LogsReceiver;
    readonly health: EndpointHealth;

    constructor(readonly ctx: ComponentContext) {
        this.receiver = { appendEntries: (entries) => this.append(entries) };
        this.health = new EndpointHealth(ctx);
    }

    update(body: ArgumentBody): void {
        const args = Args.of('loki.write', SCHEMA, body, { ignored: IGNORED });
        const wal = args.block('wal');
        if (wal?.bool('enabled', false)) {
            wal.fail('enabled', "the write-ahead log is not supported by flowlens' embedded runtime (entries are buffered in memory); set enabled = false or run this on Grafana Alloy");
        }
        const external: Record<string, string> = {};
        for (const [name, value] of args.stringMap('external_labels') ?? []) {
            if (!isValidLabelName(name)) args.fail(`external_labels["${name}"]`, 'invalid label name');
            external[name] = value;
        }
        const maxStreams = args.int('max_streams', 0, 0);
        const configs = args.blocks('endpoint').map((ep) => decodeEndpoint(ep));
        const names = new Set<string>();
        for (const c of configs) {
            if (names.has(c.name)) throw new ArgumentError(`endpoint names must be unique: "${c.name}" is used twice (set a distinct name for each endpoint)`);
            names.add(c.name);
        }
        this.external = external;
        this.maxStreams = maxStreams;
        const next = new Map<string, Endpoint>();
        for (const c of configs) {
            const key = `${c.name}\u0000${c.url}`;
            const existing = this.endpoints.get(key);
            if (existing !== undefined) existing.reconfigure(c);
            next.set(key, existing ?? new Endpoint(this, c));
        }
        for (const [key, e] of this.endpoints) if (!next.has(key)) void e.stop();
        this.endpoints = next;
        this.ctx.setExports({ receiver: { kind: 'capsule', type: LOGS_RECEIVER_TYPE, payload: this.receiver } });
        this.health.configure(
            configs.length === 0 ? 'no endpoints configured: entries are discarded' : `${configs.length} endpoint(s): ${configs.map((c) => c.url).join(', ')}`,
            names,
        );
    }

    private append(entries: readonly LogEntry[]): void | Promise<void> {
        if (entries.length === 0) return;
        this.ctx.countIn(entries.length);
        const ext = this.external;
        let batch = entries;
        if (Object.keys(ext).length > 0) batch = entries.map((e) => ({ ...e, labels: { ...ext, ...e.labels } }));
        const waits: Promise<void>[] = [];
        for (const e of this.endpoints.values()) waits.push(e.append(batch));
        return Promise.all(waits).then(() => undefined);
    }

    pending(): number {
        let n = 0;
        for (const e of this.endpoints.values()) n += e.pending();
        return n;
    }

    async flush(): Promise<void> {
        await Promise.all([...this.endpoints.values()].map((e) => e.flush()));
    }

    async stop(): Promise<void> {
        const endpoints = [...this.endpoints.values()];
        this.endpoints.clear();
        await Promise.all(endpoints.map((e) => e.stop()));
    }
}

function decodeEndpoint(ep: Args): EndpointConfig {
    const url = ep.string('url', '');
    let parsed: URL;
    try {
        parsed = new URL(url);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
    } catch {
        ep.fail('url', `expected an http(s) URL, got ${JSON.stringify(url)}`);
    }
    let batchSize = 1024 * 1024;
    const batchSizeText = ep.string('batch_size');
    if (batchSizeText !== undefined) {
        try {
            batchSize = parseBase2Bytes(batchSizeText);
        } catch (e) {
            ep.fail('batch_size', (e as Error).message);
        }
    }
    const q = ep.block('queue_config');
    let capacity = 10 * 1024 * 1024;
    const capacityText = q?.string('capacity');
    if (capacityText !== undefined) {
        try {
            capacity = parseBase2Bytes(capacityText);
        } catch (e) {
            q!.fail('capacity', (e as Error).message);
        }
    }
    q?.number('min_shards', 1);
    const minBackoffMs = ep.duration('min_backoff_period', 500);
    const maxBackoffMs = ep.duration('max_backoff_period', 5 * 60_000);
    const headers: Record<string, string> = {};
    for (const [k, v] of ep.stringMap('headers') ?? []) headers[k] = v;
    for (const [k, vs] of ep.stringListMap('http_headers', true) ?? []) headers[k] = vs.join(', ');
    return {
        url,
        host: parsed!.host,
        name: ep.string('name', '') || createHash('sha256').update(url).digest('hex').slice(0, 6),
        tenantId: ep.string('tenant_id', ''),
        headers,
        batchWaitMs: ep.duration('batch_wait', 1000),
        batchSize,
        remoteTimeoutMs: ep.duration('remote_timeout', 10_000, { allowZero: false }),
        minBackoffMs: Math.max(minBackoffMs, 1),
        maxBackoffMs: Math.max(maxBackoffMs, minBackoffMs, 1),
        maxRetries: ep.int('max_backoff_retries', 10, 0),
        retryOn429: ep.bool('retry_on_http_429', true),
        capacity,
        blockOnOverflow: q?.bool('block_on_overflow', true) ?? true,
        drainTimeoutMs: q?.duration('drain_timeout', 15_000) ?? 15_000,
        client: decodeHttpClientConfig(ep),
    };
}

export const lokiWrite: ComponentDefinition = {
    name: 'loki.write',
    schema: SCHEMA,
    create: (ctx) => new LokiWrite(ctx),
};
