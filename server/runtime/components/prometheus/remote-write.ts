// prometheus.remote_write: Prometheus remote write 1.0 to one or more endpoints.
//
// Each endpoint has a bounded in-memory queue (`queue_config.capacity` samples) and one sender:
// - a request is sent when `max_samples_per_send` samples are queued or `batch_send_deadline` has
//   passed since the batch started filling;
// - body: protobuf WriteRequest, snappy block compressed, with Content-Encoding, Content-Type,
//   X-Prometheus-Remote-Write-Version and User-Agent `flowlens/<version>`;
// - network errors, 5xx and 429 (unless retry_on_http_429 = false) are retried with exponential
//   backoff from min_backoff to max_backoff, honouring Retry-After; the batch stays at the head of the
//   queue, so nothing is lost while the queue has room; other 4xx are not retried (counted as failed);
// - samples that do not fit in the queue are dropped and counted
//   (`prometheus_remote_storage_samples_dropped_total{reason="queue_full"}`), never silently.
// One request is in flight per endpoint, which keeps each series' samples in timestamp order;
// max_shards/min_shards (parallel senders in Alloy) are therefore accepted and ignored.

import { createHash } from 'node:crypto';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition, MetricsReceiver } from '../../component.js';
import { METRICS_RECEIVER_TYPE } from '../../component.js';
import { type Label, type Labels, type Sample, isValidLabelName } from '../../protocols/labels.js';
import { type CompiledRules, Relabeler } from '../../protocols/relabel.js';
import { REMOTE_WRITE_HEADERS } from '../../protocols/remote-write.js';
import { Args, ArgumentError, RULE_ATTRIBUTES, attr, block, schema } from '../decode.js';
import { EndpointHealth } from '../endpoint-health.js';
import { errorMessage } from '../fanout.js';
import { HTTP_CLIENT_ATTRIBUTES, HTTP_CLIENT_BLOCKS, type HttpClientConfig, REMOTE_WRITE_AUTH_BLOCKS, createHttpClient, decodeHttpClientConfig } from '../http-client-config.js';
import { HttpClient, describeNetworkError, sleep } from '../http-client.js';
import { type CounterHandle, type HistogramHandle, InstanceMetrics } from '../metrics.js';
import { decodeRules } from '../relabel-rules.js';
import { WriteRequestEncoder } from './remote-write-encoder.js';
import { USER_AGENT } from '../version.js';

const SCHEMA = schema(
    [attr('external_labels', 'map(string)')],
    [
        block(
            'endpoint',
            false,
            [
                attr('url', 'string', true),
                ...HTTP_CLIENT_ATTRIBUTES,
                attr('headers', 'map(string)'),
                attr('http_headers', 'map(list(secret))'),
                attr('name', 'string'),
                attr('protobuf_message', 'string'),
                attr('remote_timeout', 'duration'),
            ],
            [
                ...HTTP_CLIENT_BLOCKS,
                ...REMOTE_WRITE_AUTH_BLOCKS,
                block('queue_config', false, [
                    attr('batch_send_deadline', 'duration'),
                    attr('capacity', 'number'),
                    attr('max_backoff', 'duration'),
                    attr('max_samples_per_send', 'number'),
                    attr('max_shards', 'number'),
                    attr('min_backoff', 'duration'),
                    attr('min_shards', 'number'),
                    attr('retry_on_http_429', 'bool'),
                    attr('sample_age_limit', 'duration'),
                ]),
                block('write_relabel_config', false, RULE_ATTRIBUTES),
            ],
        ),
    ],
    [{ name: 'receiver', type: 'MetricsReceiver' }],
);

/**
 * Accepted and ignored (harmless locally): HTTP/2 (requests are HTTP/1.1), exemplar and native-histogram sending
 * (flowlens' samples carry neither), round-robin DNS, metadata sending (flowlens sends no metadata),
 * and the WAL block (flowlens queues in memory; its sizes do not change what is sent).
 */
export const IGNORED: readonly string[] = [
    'endpoint.enable_http2',
    'endpoint.send_exemplars',
    'endpoint.send_native_histograms',
    'endpoint.round_robin_dns',
    'endpoint.metadata_config',
    'wal',
];

interface EndpointConfig {
    url: string;
    name: string;
    headers: Record<string, string>;
    remoteTimeoutMs: number;
    capacity: number;
    maxSamplesPerSend: number;
    batchSendDeadlineMs: number;
    minBackoffMs: number;
    maxBackoffMs: number;
    retryOn429: boolean;
    sampleAgeLimitMs: number;
    rules: CompiledRules;
    client: HttpClientConfig;
}

const RW_LABELS = ['remote_name', 'url'];

const SPEC = {
    samples: { name: 'prometheus_remote_storage_samples_total', help: 'Total number of samples sent to remote storage.', type: 'counter', labelNames: RW_LABELS },
    failed: { name: 'prometheus_remote_storage_samples_failed_total', help: 'Total number of samples that failed to be sent to remote storage because of non-recoverable errors.', type: 'counter', labelNames: RW_LABELS },
    retried: { name: 'prometheus_remote_storage_samples_retried_total', help: 'Total number of samples that failed to be sent and were retried because of recoverable errors.', type: 'counter', labelNames: RW_LABELS },
    dropped: { name: 'prometheus_remote_storage_samples_dropped_total', help: 'Total number of samples dropped before sending (queue full, too old, or still queued at shutdown).', type: 'counter', labelNames: [...RW_LABELS, 'reason'] },
    pending: { name: 'prometheus_remote_storage_samples_pending', help: 'The number of samples queued or in flight for the remote storage.', type: 'gauge', labelNames: RW_LABELS },
    capacity: { name: 'prometheus_remote_storage_shard_capacity', help: 'The capacity of the queue (samples).', type: 'gauge', labelNames: RW_LABELS },
    maxPerSend: { name: 'prometheus_remote_storage_max_samples_per_send', help: 'The maximum number of samples sent in a single request.', type: 'gauge', labelNames: RW_LABELS },
    bytes: { name: 'prometheus_remote_storage_bytes_total', help: 'Total number of compressed bytes of samples sent.', type: 'counter', labelNames: RW_LABELS },
    requests: { name: 'prometheus_remote_storage_requests_total', help: 'Remote write requests by HTTP status code ("error" for network errors).', type: 'counter', labelNames: [...RW_LABELS, 'status_code'] },
    duration: {
        name: 'prometheus_remote_storage_sent_batch_duration_seconds',
        help: 'Duration of send calls to the remote storage.',
        type: 'histogram',
        labelNames: RW_LABELS,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    },
} as const;

/** Adds external labels to a sorted label set; labels already on the series win (Prometheus). */
function addExternal(labels: Labels, external: Labels): Labels {
    const out: Label[] = [];
    let i = 0;
    let j = 0;
    while (i < labels.length || j < external.length) {
        if (j >= external.length) out.push(labels[i++]);
        else if (i >= labels.length) out.push(external[j++]);
        else if (labels[i].name < external[j].name) out.push(labels[i++]);
        else if (labels[i].name > external[j].name) out.push(external[j++]);
        else {
            out.push(labels[i++]);
            j++;
        }
    }
    return out;
}

/** stop() tries to send what is queued for this long (the runtime drains before stopping). */
const SHUTDOWN_FLUSH_MS = 1000;
const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** The queue and sender of one endpoint. */
class EndpointQueue {
    private chunks: Sample[][] = [];
    private headOffset = 0;
    private queued = 0;
    private inFlight = 0;
    private sending = false;
    private fillStartedAt = 0;
    private timer: NodeJS.Timeout | undefined;
    private flushWaiters: (() => void)[] = [];
    private flushRequested = false;
    private stopping = false;
    private readonly abort = new AbortController();
    private client: HttpClient;
    private relabeler: Relabeler | undefined;
    private lastOverflowLog = 0;
    private readonly metrics: InstanceMetrics;
    private readonly m: {
        samples: CounterHandle;
        failed: CounterHandle;
        retried: CounterHandle;
        droppedFull: CounterHandle;
        droppedOld: CounterHandle;
        droppedShutdown: CounterHandle;
        bytes: CounterHandle;
        duration: HistogramHandle;
        requests: Map<string, CounterHandle>;
    };
    private readonly capacityGauge;
    private readonly maxPerSendGauge;

    constructor(
        private readonly owner: PrometheusRemoteWrite,
        public cfg: EndpointConfig,
    ) {
        this.client = createHttpClient(cfg.url, cfg.client);
        this.relabeler = cfg.rules.length > 0 ? new Relabeler(cfg.rules) : undefined;
        this.metrics = new InstanceMetrics(owner.ctx.registry, owner.ctx.metricLabels);
        const l = { remote_name: cfg.name, url: cfg.url };
        this.m = {
            samples: this.metrics.counter(SPEC.samples, l),
            failed: this.metrics.counter(SPEC.failed, l),
            retried: this.metrics.counter(SPEC.retried, l),
            droppedFull: this.metrics.counter(SPEC.dropped, { ...l, reason: 'queue_full' }),
            droppedOld: this.metrics.counter(SPEC.dropped, { ...l, reason: 'too_old' }),
            droppedShutdown: this.metrics.counter(SPEC.dropped, { ...l, reason: 'shutdown' }),
            bytes: this.metrics.counter(SPEC.bytes, l),
            duration: this.metrics.histogram(SPEC.duration, l),
            requests: new Map(),
        };
        this.metrics.gaugeFn(SPEC.pending, l, () => this.pending());
        this.metrics.declare(SPEC.requests); // series per status code are added as responses arrive
        this.capacityGauge = this.metrics.gauge(SPEC.capacity, l);
        this.maxPerSendGauge = this.metrics.gauge(SPEC.maxPerSend, l);
        this.capacityGauge.set(cfg.capacity);
        this.maxPerSendGauge.set(cfg.maxSamplesPerSend);
    }

    reconfigure(cfg: EndpointConfig): void {
        if (cfg.url !== this.cfg.url || cfg.client.key !== this.cfg.client.key) {
            this.client.close();
            this.client = createHttpClient(cfg.url, cfg.client);
        }
        this.cfg = cfg;
        this.relabeler = cfg.rules.length > 0 ? new Relabeler(cfg.rules) : undefined;
        this.capacityGauge.set(cfg.capacity);
        this.maxPerSendGauge.set(cfg.maxSamplesPerSend);
        this.clearTimer(); // the deadline may have changed
        this.maybeSend();
    }

    pending(): number {
        return this.queued + this.inFlight;
    }

    /** Queues samples; returns how many were dropped because the queue was full. */
    enqueue(samples: readonly Sample[]): number {
        if (this.stopping) {
            this.drop(this.m.droppedShutdown, samples.length);
            return samples.length;
        }
        let batch: Sample[];
        if (this.relabeler !== undefined) {
            batch = [];
            for (const s of samples) {
                const labels = this.relabeler.apply(s.labels);
                if (labels !== undefined && labels.length > 0) batch.push(labels === s.labels ? s : { labels, value: s.value, timestampMs: s.timestampMs });
            }
        } else {
            batch = samples as Sample[];
        }
        const room = this.cfg.capacity - this.queued;
        let dropped = 0;
        if (batch.length > room) {
            dropped = batch.length - Math.max(0, room);
            batch = room > 0 ? batch.slice(0, room) : [];
            this.drop(this.m.droppedFull, dropped);
            const now = Date.now();
            if (now - this.lastOverflowLog > 5000) {
                this.lastOverflowLog = now;
                this.owner.ctx.log('warn', `remote_write queue for ${this.cfg.name} (${this.cfg.url}) is full (capacity ${this.cfg.capacity}); dropped ${dropped} samples`, { endpoint: this.cfg.url });
            }
        }
        if (batch.length > 0) {
            if (this.queued === 0) this.fillStartedAt = Date.now();
            // The caller's array is kept by reference: samples and their arrays are treated as immutable.
            this.chunks.push(batch);
            this.queued += batch.length;
            this.maybeSend();
        }
        return dropped;
    }

    /** Takes up to `max` samples from the head of the queue. */
    private take(max: number): Sample[] {
        const out: Sample[] = [];
        while (out.length < max && this.chunks.length > 0) {
            const chunk = this.chunks[0];
            const want = max - out.length;
            const available = chunk.length - this.headOffset;
            if (available <= want) {
                if (this.headOffset === 0 && out.length === 0 && available === want) {
                    this.chunks.shift();
                    this.queued -= available;
                    return chunk;
                }
                for (let i = this.headOffset; i < chunk.length; i++) out.push(chunk[i]);
                this.chunks.shift();
                this.headOffset = 0;
                this.queued -= available;
            } else {
                for (let i = this.headOffset; i < this.headOffset + want; i++) out.push(chunk[i]);
                this.headOffset += want;
                this.queued -= want;
            }
        }
        return out;
    }

    private maybeSend(): void {
        if (this.sending) return;
        if (this.queued === 0) {
            this.clearTimer();
            this.resolveFlush();
            return;
        }
        const now = Date.now();
        const due = this.fillStartedAt + this.cfg.batchSendDeadlineMs;
        if (this.queued >= this.cfg.maxSamplesPerSend || this.flushRequested || this.stopping || now >= due) {
            this.clearTimer();
            this.sending = true;
            void this.sendNext();
            return;
        }
        if (this.timer === undefined) {
            this.timer = setTimeout(() => {
                this.timer = undefined;
                this.maybeSend();
            }, due - now);
        }
    }

    private clearTimer(): void {
        if (this.timer !== undefined) {
            clearTimeout(this.timer);
            this.timer = undefined;
        }
    }

    private resolveFlush(): void {
        if (this.queued === 0 && !this.sending) {
            this.flushRequested = false;
            const waiters = this.flushWaiters;
            this.flushWaiters = [];
            for (const w of waiters) w();
        }
    }

    /** Sends everything queued now (without waiting for batch_send_deadline); resolves when empty. */
    /** Counts lost samples in Alloy's metric and in the runtime's dropped total. */
    private drop(counter: CounterHandle, n: number): void {
        if (n <= 0) return;
        counter.inc(n);
        this.owner.ctx.countDropped(n);
    }

    flush(): Promise<void> {
        if (this.queued === 0 && !this.sending) return Promise.resolve();
        this.flushRequested = true;
        const p = new Promise<void>((resolve) => this.flushWaiters.push(resolve));
        this.maybeSend();
        return p;
    }

    private async sendNext(): Promise<void> {
        let batch = this.take(this.cfg.maxSamplesPerSend);
        this.fillStartedAt = Date.now();
        if (this.cfg.sampleAgeLimitMs > 0) {
            const oldest = Date.now() - this.cfg.sampleAgeLimitMs;
            const fresh = batch.filter((s) => s.timestampMs >= oldest);
            this.drop(this.m.droppedOld, batch.length - fresh.length);
            batch = fresh;
        }
        this.inFlight = batch.length;
        try {
            if (batch.length > 0) await this.sendBatch(batch);
        } catch (e) {
            // sendBatch handles its own errors; this is a bug guard so the queue never wedges.
            this.owner.ctx.log('error', `remote_write sender error: ${errorMessage(e)}`);
        } finally {
            this.inFlight = 0;
            this.sending = false;
        }
        this.maybeSend();
    }

    private encode(batch: readonly Sample[]): Uint8Array {
        const owner = this.owner;
        return owner.encoder.encode(batch, owner.externalLabels.length === 0 ? undefined : (s) => owner.withExternal(s.labels));
    }

    private countRequest(status: string): void {
        let c = this.m.requests.get(status);
        if (c === undefined) {
            c = this.metrics.counter(SPEC.requests, { remote_name: this.cfg.name, url: this.cfg.url, status_code: status });
            this.m.requests.set(status, c);
        }
        c.inc();
    }

    private async sendBatch(batch: Sample[]): Promise<void> {
        const n = batch.length;
        const body = this.encode(batch);
        let backoff = this.cfg.minBackoffMs;
        const ctx = this.owner.ctx;
        for (let attempt = 0; ; attempt++) {
            const span = ctx.tracer.startSpan('prometheus.remote_write send', { attributes: { 'flowlens.component_id': ctx.globalId, 'url.full': this.cfg.url, 'flowlens.samples': n, 'flowlens.attempt': attempt } });
            const t0 = performance.now();
            let status = 0;
            let retryAfterMs: number | undefined;
            let problem: string | undefined;
            try {
                const headers = this.owner.requestHeaders(this.cfg);
                const res = await this.client.post(body, headers, this.cfg.remoteTimeoutMs, this.abort.signal);
                status = res.status;
                retryAfterMs = res.retryAfterMs;
                if (status < 200 || status >= 300) problem = `HTTP ${status}${res.text ? `: ${res.text}` : ''}`;
            } catch (e) {
                problem = describeNetworkError(e);
            }
            this.m.duration.observe((performance.now() - t0) / 1000);
            this.countRequest(status === 0 ? 'error' : String(status));
            if (problem === undefined) {
                span.end();
                this.m.samples.inc(n);
                this.m.bytes.inc(body.byteLength);
                ctx.countOut(n);
                this.owner.health.ok(this.cfg.name);
                return;
            }
            this.owner.health.failed(this.cfg.name, `${this.cfg.url}: ${problem}`);
            span.setStatus({ code: 2, message: problem });
            span.end();
            const recoverable = status === 0 || status >= 500 || (status === 429 && this.cfg.retryOn429);
            if (!recoverable) {
                this.drop(this.m.failed, n);
                ctx.countError();
                ctx.log('error', `remote_write to ${this.cfg.url} failed with a non-recoverable error, dropping ${n} samples: ${problem}`, { endpoint: this.cfg.url, status });
                return;
            }
            if (this.abort.signal.aborted) {
                this.drop(this.m.droppedShutdown, n);
                ctx.log('warn', `remote_write to ${this.cfg.url} stopped while retrying; dropped ${n} samples: ${problem}`);
                return;
            }
            this.m.retried.inc(n);
            // Retry-After is honoured (capped at 5 minutes so a bogus value cannot wedge the queue).
            const delay = retryAfterMs !== undefined ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : backoff;
            if (attempt === 0 || attempt % 10 === 0) {
                ctx.log('warn', `remote_write to ${this.cfg.url} failed (${problem}); retrying in ${Math.round(delay)} ms`, { endpoint: this.cfg.url, status, attempt });
            }
            backoff = Math.min(backoff * 2, this.cfg.maxBackoffMs);
            const waited = await sleep(delay, this.abort.signal);
            if (!waited) {
                this.drop(this.m.droppedShutdown, n);
                ctx.log('warn', `remote_write to ${this.cfg.url} stopped while retrying; dropped ${n} samples`);
                return;
            }
        }
    }

    /** Flushes for up to `deadlineMs`, then abandons what is left (counted as dropped, reason shutdown). */
    async stop(deadlineMs: number): Promise<void> {
        this.stopping = true;
        this.clearTimer();
        // A flush someone is still waiting for (the runtime's drain before stopping) already had
        // its grace period: it is not waited for a second time.
        const alreadyDraining = this.flushWaiters.length > 0;
        if ((this.queued > 0 || this.sending) && !alreadyDraining) {
            this.flushRequested = true;
            const flushed = new Promise<void>((resolve) => this.flushWaiters.push(resolve));
            this.maybeSend();
            await Promise.race([flushed, sleep(deadlineMs)]);
        }
        this.abort.abort();
        // Wait for the in-flight send to notice the abort.
        for (let i = 0; i < 100 && this.sending; i++) await sleep(10);
        const left = this.queued;
        if (left > 0) {
            this.drop(this.m.droppedShutdown, left);
            this.owner.ctx.log('warn', `remote_write to ${this.cfg.url}: ${left} queued samples dropped at shutdown`);
        }
        this.chunks = [];
        this.queued = 0;
        this.headOffset = 0;
        this.resolveFlush();
        this.client.close();
        this.metrics.close();
    }
}

export class PrometheusRemoteWrite implements Component {
    private endpoints = new Map<string, EndpointQueue>();
    externalLabels: Labels = [];
    /** Encodes request bodies, caching each label set's bytes (shared by the endpoints). */
    readonly encoder = new WriteRequestEncoder();
    private externalCache = new WeakMap<Labels, Labels>();
    private readonly receiver: MetricsReceiver;
    private readonly metrics: InstanceMetrics;
    readonly health: EndpointHealth;

    constructor(readonly ctx: ComponentContext) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.metrics.gaugeFn({ name: 'prometheus_remote_write_pending_samples', help: 'Samples queued or in flight across all endpoints of this component.', type: 'gauge' }, undefined, () => this.pending());
        this.receiver = { appendSamples: (samples) => this.append(samples) };
        this.health = new EndpointHealth(ctx);
    }

    update(body: ArgumentBody): void {
        const args = Args.of('prometheus.remote_write', SCHEMA, body, { ignored: IGNORED });
        const ext = args.stringMap('external_labels') ?? new Map<string, string>();
        const external: Label[] = [];
        for (const [name, value] of ext) {
            if (!isValidLabelName(name)) args.fail(`external_labels["${name}"]`, 'invalid label name');
            if (value !== '') external.push({ name, value });
        }
        external.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

        const configs: EndpointConfig[] = args.blocks('endpoint').map((ep) => {
            const url = ep.string('url', '');
            try {
                const u = new URL(url);
                if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
            } catch {
                ep.fail('url', `expected an http(s) URL, got ${JSON.stringify(url)}`);
            }
            const proto = ep.string('protobuf_message', 'prometheus.WriteRequest');
            if (proto !== 'prometheus.WriteRequest') {
                ep.fail('protobuf_message', `flowlens' embedded runtime sends remote write 1.0 (prometheus.WriteRequest) only; ${JSON.stringify(proto)} runs on Grafana Alloy`);
            }
            const q = ep.block('queue_config');
            const capacity = q?.int('capacity', 10_000, 1) ?? 10_000;
            const maxSamplesPerSend = q?.int('max_samples_per_send', 2000, 1) ?? 2000;
            const minBackoffMs = q?.duration('min_backoff', 30) ?? 30;
            const maxBackoffMs = q?.duration('max_backoff', 5000) ?? 5000;
            if (maxBackoffMs < minBackoffMs) q!.fail('max_backoff', 'must not be less than min_backoff');
            q?.int('max_shards', 50, 1);
            q?.int('min_shards', 1, 1);
            const headers: Record<string, string> = {};
            for (const [k, v] of ep.stringMap('headers') ?? []) headers[k] = v;
            for (const [k, vs] of ep.stringListMap('http_headers', true) ?? []) headers[k] = vs.join(', ');
            for (const k of Object.keys(headers)) {
                const lower = k.toLowerCase();
                if (lower === 'content-encoding' || lower === 'content-type' || lower === 'x-prometheus-remote-write-version' || lower === 'user-agent' || lower === 'content-length') {
                    ep.fail('headers', `header ${JSON.stringify(k)} is set by remote write itself and cannot be overridden`);
                }
            }
            return {
                url,
                name: ep.string('name', '') || createHash('sha256').update(url).digest('hex').slice(0, 6),
                headers,
                remoteTimeoutMs: ep.duration('remote_timeout', 30_000, { allowZero: false }),
                capacity,
                maxSamplesPerSend,
                batchSendDeadlineMs: q?.duration('batch_send_deadline', 5000) ?? 5000,
                minBackoffMs,
                maxBackoffMs,
                retryOn429: q?.bool('retry_on_http_429', true) ?? true,
                sampleAgeLimitMs: q?.duration('sample_age_limit', 0) ?? 0,
                rules: decodeRules(ep, 'write_relabel_config'),
                client: decodeHttpClientConfig(ep, true),
            } satisfies EndpointConfig;
        });
        const names = new Set<string>();
        for (const c of configs) {
            if (names.has(c.name)) throw new ArgumentError(`endpoint names must be unique: "${c.name}" is used twice (set a distinct name for each endpoint)`);
            names.add(c.name);
        }

        if (external.length !== this.externalLabels.length || external.some((l, i) => l.name !== this.externalLabels[i].name || l.value !== this.externalLabels[i].value)) {
            this.externalLabels = external;
            this.externalCache = new WeakMap();
        }
        const next = new Map<string, EndpointQueue>();
        for (const c of configs) {
            const key = `${c.name}\u0000${c.url}`;
            const existing = this.endpoints.get(key);
            if (existing !== undefined) {
                existing.reconfigure(c);
                next.set(key, existing);
            } else {
                next.set(key, new EndpointQueue(this, c));
            }
        }
        for (const [key, q] of this.endpoints) if (!next.has(key)) void q.stop(SHUTDOWN_FLUSH_MS);
        this.endpoints = next;
        this.ctx.setExports({ receiver: { kind: 'capsule', type: METRICS_RECEIVER_TYPE, payload: this.receiver } });
        this.health.configure(
            configs.length === 0 ? 'no endpoints configured: samples are discarded' : `${configs.length} endpoint(s): ${configs.map((c) => c.url).join(', ')}`,
            names,
        );
    }

    withExternal(labels: Labels): Labels {
        let out = this.externalCache.get(labels);
        if (out === undefined) {
            out = addExternal(labels, this.externalLabels);
            this.externalCache.set(labels, out);
        }
        return out;
    }

    requestHeaders(cfg: EndpointConfig): Record<string, string> {
        return { ...cfg.headers, ...REMOTE_WRITE_HEADERS, 'User-Agent': USER_AGENT };
    }

    private append(samples: readonly Sample[]): void {
        const n = samples.length;
        if (n === 0) return;
        this.ctx.countIn(n);
        for (const q of this.endpoints.values()) q.enqueue(samples);
    }

    /** Samples queued or in flight, over all endpoints. */
    pending(): number {
        let n = 0;
        for (const q of this.endpoints.values()) n += q.pending();
        return n;
    }

    /** Sends everything queued without waiting for batch_send_deadline (for draining on pause). */
    async flush(): Promise<void> {
        await Promise.all([...this.endpoints.values()].map((q) => q.flush()));
    }

    /** The bound URL per endpoint name, for tests and debug views. */
    endpointNames(): string[] {
        return [...this.endpoints.values()].map((q) => q.cfg.name);
    }

    async stop(): Promise<void> {
        const queues = [...this.endpoints.values()];
        this.endpoints.clear();
        await Promise.all(queues.map((q) => q.stop(SHUTDOWN_FLUSH_MS)));
        this.metrics.close();
    }
}

export const prometheusRemoteWrite: ComponentDefinition = {
    name: 'prometheus.remote_write',
    schema: SCHEMA,
    create: (ctx) => new PrometheusRemoteWrite(ctx),
};
