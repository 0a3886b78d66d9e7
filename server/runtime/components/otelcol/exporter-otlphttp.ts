// otelcol.exporter.otlphttp: exports traces with OTLP/HTTP to `traces_endpoint`
// (default `client.endpoint + "/v1/traces"`), protobuf (default, as in Alloy) or JSON (`encoding`).
//
// - sending_queue (enabled by default): a bounded queue of `queue_size` requests (or spans with
//   sizer = "items") drained by `num_consumers` senders; a full queue refuses the batch with an error
//   (counted; the caller sees the failure), or waits with block_on_overflow = true;
// - retry_on_failure: network errors, 429 and 5xx are retried with randomized exponential backoff
//   (initial_interval × multiplier, capped at max_interval, Retry-After honoured) until
//   max_elapsed_time; other statuses are permanent failures (counted, not retried);
// - compression "gzip" (default) or "none".

import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition, TracesConsumer } from '../../component.js';
import { TRACES_CONSUMER_TYPE } from '../../component.js';
import { type TraceBatch, encodeExportTraceRequest, spanCount } from '../../protocols/otlp-json.js';
import { Args, attr, block, schema } from '../decode.js';
import { HttpClient, describeNetworkError, sleep } from '../http-client.js';
import { type CounterHandle, InstanceMetrics, SEND_FAILED_SPANS, SENT_SPANS } from '../metrics.js';
import { OTLP_PROTOBUF_CONTENT_TYPE, encodeExportTraceRequestProto } from './otlp-proto.js';
import { USER_AGENT } from '../version.js';

const gzip = promisify(zlib.gzip);

const SCHEMA = schema(
    [attr('encoding', 'string'), attr('traces_endpoint', 'string')],
    [
        block(
            'client',
            true,
            [
                attr('endpoint', 'string', true),
                attr('compression', 'string'),
                attr('headers', 'map(string)'),
                attr('timeout', 'duration'),
            ],
            [block('tls', false, [attr('insecure_skip_verify', 'boolean'), attr('insecure', 'boolean')])],
        ),
        block('retry_on_failure', false, [
            attr('enabled', 'boolean'),
            attr('initial_interval', 'duration'),
            attr('max_elapsed_time', 'duration'),
            attr('max_interval', 'duration'),
            attr('multiplier', 'number'),
            attr('randomization_factor', 'number'),
        ]),
        block('sending_queue', false, [
            attr('block_on_overflow', 'boolean'),
            attr('enabled', 'boolean'),
            attr('num_consumers', 'number'),
            attr('queue_size', 'number'),
            attr('sizer', 'string'),
            attr('wait_for_result', 'boolean'),
        ]),
    ],
    [{ name: 'input', type: 'otelcol.Consumer' }],
);

/**
 * Harmless to ignore: connection-pool, keep-alive, HTTP/2 and buffer tuning; cookies; the gzip level;
 * the logs/metrics endpoints (flowlens exports traces only); the exporter-side batch settings of the
 * sending queue (they change request sizes, not what is delivered); internal debug metrics options.
 */
export const IGNORED: readonly string[] = [
    'logs_endpoint',
    'metrics_endpoint',
    'debug_metrics',
    'client.disable_keep_alives',
    'client.force_attempt_http2',
    'client.http2_ping_timeout',
    'client.http2_read_idle_timeout',
    'client.idle_conn_timeout',
    'client.max_conns_per_host',
    'client.max_idle_conns_per_host',
    'client.max_idle_conns',
    'client.read_buffer_size',
    'client.write_buffer_size',
    'client.compression_params',
    'client.cookies',
    'sending_queue.batch',
];

interface ExporterConfig {
    url: string;
    proto: boolean;
    headers: Record<string, string>;
    timeoutMs: number;
    gzip: boolean;
    insecureSkipVerify: boolean;
    retry: { enabled: boolean; initialMs: number; maxIntervalMs: number; maxElapsedMs: number; multiplier: number; randomization: number };
    queue: { enabled: boolean; size: number; consumers: number; blockOnOverflow: boolean; sizer: 'requests' | 'items'; waitForResult: boolean };
}

interface QueueItem {
    batch: TraceBatch;
    spans: number;
    done?: (error?: Error) => void;
}

/** stop() waits this long for the queue to drain (the runtime drains before stopping). */
const STOP_DRAIN_MS = 1000;

class PermanentError extends Error {}

class OtelcolExporterOtlpHttp implements Component {
    private cfg!: ExporterConfig;
    private client: HttpClient | undefined;
    private clientKey = '';
    private queue: QueueItem[] = [];
    private queuedSpans = 0;
    private inFlightSpans = 0;
    private workers = 0;
    private spaceWaiters: (() => void)[] = [];
    private stopping = false;
    /** The last export problem while exports are failing (health is unhealthy meanwhile). */
    private failing: string | undefined;
    private healthBase = '';
    private readonly abort = new AbortController();
    private readonly consumer: TracesConsumer;
    private readonly metrics: InstanceMetrics;
    private readonly sent: CounterHandle;
    private readonly failedSend: CounterHandle;
    private readonly failedQueueFull: CounterHandle;
    private readonly failedShutdown: CounterHandle;
    private readonly enqueueFailed: CounterHandle;

    constructor(private readonly ctx: ComponentContext) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.sent = this.metrics.counter(SENT_SPANS);
        this.failedSend = this.metrics.counter(SEND_FAILED_SPANS, { reason: 'send' });
        this.failedQueueFull = this.metrics.counter(SEND_FAILED_SPANS, { reason: 'queue_full' });
        this.failedShutdown = this.metrics.counter(SEND_FAILED_SPANS, { reason: 'shutdown' });
        this.enqueueFailed = this.metrics.counter({ name: 'otelcol_exporter_enqueue_failed_spans_total', help: 'Number of spans refused because the sending queue was full.', type: 'counter' });
        this.metrics.gaugeFn({ name: 'otelcol_exporter_queue_size', help: 'Current size of the sending queue (requests or spans, per sizer).', type: 'gauge' }, undefined, () => this.queueLevel());
        this.metrics.gaugeFn({ name: 'otelcol_exporter_pending_spans', help: 'Spans queued or being sent.', type: 'gauge' }, undefined, () => this.pending());
        this.consumer = { consumeTraces: (batch) => this.consume(batch) };
    }

    update(body: ArgumentBody): void {
        const args = Args.of('otelcol.exporter.otlphttp', SCHEMA, body, { ignored: IGNORED });
        const encoding = args.string('encoding', 'proto');
        if (encoding !== 'proto' && encoding !== 'json') args.fail('encoding', `expected "proto" or "json", got ${JSON.stringify(encoding)}`);
        const client = args.block('client')!;
        const endpoint = client.string('endpoint', '');
        const tracesEndpoint = args.string('traces_endpoint') ?? endpoint.replace(/\/+$/, '') + '/v1/traces';
        try {
            const u = new URL(tracesEndpoint);
            if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
        } catch {
            if (args.has('traces_endpoint')) args.fail('traces_endpoint', `expected an http(s) URL, got ${JSON.stringify(tracesEndpoint)}`);
            client.fail('endpoint', `expected an http(s) URL, got ${JSON.stringify(endpoint)}`);
        }
        const compression = client.string('compression', 'gzip');
        if (compression !== 'gzip' && compression !== 'none' && compression !== '') {
            client.fail('compression', `flowlens' embedded runtime supports "gzip" and "none"; ${JSON.stringify(compression)} runs on Grafana Alloy`);
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of client.stringMap('headers') ?? []) headers[k] = v;
        const tls = client.block('tls');
        const r = args.block('retry_on_failure');
        const q = args.block('sending_queue');
        const sizer = q?.string('sizer', 'requests') ?? 'requests';
        if (sizer !== 'requests' && sizer !== 'items') q!.fail('sizer', `expected "requests" or "items", got ${JSON.stringify(sizer)}`);
        const multiplier = r?.number('multiplier', 1.5) ?? 1.5;
        if (multiplier < 1) r!.fail('multiplier', 'must be at least 1');
        const randomization = r?.number('randomization_factor', 0.5) ?? 0.5;
        if (randomization < 0 || randomization > 1) r!.fail('randomization_factor', 'must be between 0 and 1');
        this.cfg = {
            url: tracesEndpoint,
            proto: encoding === 'proto',
            headers,
            timeoutMs: client.duration('timeout', 30_000, { allowZero: false }),
            gzip: compression === 'gzip',
            insecureSkipVerify: tls?.bool('insecure_skip_verify', false) ?? false,
            retry: {
                enabled: r?.bool('enabled', true) ?? true,
                initialMs: r?.duration('initial_interval', 5000) ?? 5000,
                maxIntervalMs: r?.duration('max_interval', 30_000) ?? 30_000,
                maxElapsedMs: r?.duration('max_elapsed_time', 300_000) ?? 300_000,
                multiplier,
                randomization,
            },
            queue: {
                enabled: q?.bool('enabled', true) ?? true,
                size: q?.int('queue_size', 1000, 1) ?? 1000,
                consumers: q?.int('num_consumers', 10, 1) ?? 10,
                blockOnOverflow: q?.bool('block_on_overflow', false) ?? false,
                sizer: sizer as 'requests' | 'items',
                waitForResult: q?.bool('wait_for_result', false) ?? false,
            },
        };
        const key = `${tracesEndpoint}\u0000${this.cfg.insecureSkipVerify}`;
        if (key !== this.clientKey) {
            this.client?.close();
            this.client = new HttpClient(tracesEndpoint, { insecureSkipVerify: this.cfg.insecureSkipVerify });
            this.clientKey = key;
        }
        this.ctx.setExports({ input: { kind: 'capsule', type: TRACES_CONSUMER_TYPE, payload: this.consumer } });
        this.healthBase = `exporting OTLP/HTTP ${encoding === 'proto' ? 'protobuf' : 'JSON'} traces to ${tracesEndpoint}`;
        this.failing = undefined;
        this.ctx.setHealth('healthy', this.healthBase);
        this.pump();
    }

    private queueLevel(): number {
        return this.cfg?.queue.sizer === 'items' ? this.queuedSpans : this.queue.length;
    }

    private hasRoom(spans: number): boolean {
        return this.cfg.queue.sizer === 'items' ? this.queuedSpans + spans <= this.cfg.queue.size : this.queue.length < this.cfg.queue.size;
    }

    private async consume(batch: TraceBatch): Promise<void> {
        const spans = spanCount(batch);
        if (spans === 0) return;
        this.ctx.countIn(spans);
        if (this.stopping) {
            this.failedShutdown.inc(spans);
            throw new Error('exporter is stopping');
        }
        if (!this.cfg.queue.enabled) {
            this.inFlightSpans += spans;
            try {
                await this.export(batch, spans);
            } finally {
                this.inFlightSpans -= spans;
            }
            return;
        }
        while (!this.hasRoom(spans)) {
            if (!this.cfg.queue.blockOnOverflow || this.stopping) {
                this.enqueueFailed.inc(spans);
                this.failedQueueFull.inc(spans);
                this.ctx.countError();
                throw new Error(`sending queue is full (${this.cfg.queue.size} ${this.cfg.queue.sizer}); ${spans} spans refused`);
            }
            await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
        }
        const item: QueueItem = { batch, spans };
        let result: Promise<void> | undefined;
        if (this.cfg.queue.waitForResult) {
            result = new Promise<void>((resolve, reject) => {
                item.done = (e) => (e ? reject(e) : resolve());
            });
        }
        this.queue.push(item);
        this.queuedSpans += spans;
        this.pump();
        await result;
    }

    /** Starts senders up to num_consumers while there is work. */
    private pump(): void {
        if (this.cfg === undefined) return;
        while (this.queue.length > 0 && this.workers < this.cfg.queue.consumers) {
            this.workers++;
            void this.work();
        }
    }

    private async work(): Promise<void> {
        try {
            for (;;) {
                const item = this.queue.shift();
                if (item === undefined) break;
                this.queuedSpans -= item.spans;
                this.inFlightSpans += item.spans;
                const waiters = this.spaceWaiters;
                this.spaceWaiters = [];
                for (const w of waiters) w();
                let error: Error | undefined;
                try {
                    await this.export(item.batch, item.spans);
                } catch (e) {
                    error = e instanceof Error ? e : new Error(String(e));
                } finally {
                    this.inFlightSpans -= item.spans;
                }
                item.done?.(error);
            }
        } finally {
            this.workers--;
        }
    }

    /** Sends one batch with retries; resolves on success, throws when the batch is given up (already counted). */
    private async export(batch: TraceBatch, spans: number): Promise<void> {
        const payload = this.cfg.proto ? encodeExportTraceRequestProto(batch) : Buffer.from(JSON.stringify(encodeExportTraceRequest(batch)));
        const body = this.cfg.gzip ? await gzip(payload) : payload;
        const headers: Record<string, string> = { ...this.cfg.headers, 'Content-Type': this.cfg.proto ? OTLP_PROTOBUF_CONTENT_TYPE : 'application/json', 'User-Agent': USER_AGENT };
        if (this.cfg.gzip) headers['Content-Encoding'] = 'gzip';
        const retry = this.cfg.retry;
        const started = Date.now();
        let interval = retry.initialMs;
        for (let attempt = 0; ; attempt++) {
            const span = this.ctx.tracer.startSpan('otelcol.exporter.otlphttp export', { attributes: { 'flowlens.component_id': this.ctx.globalId, 'url.full': this.cfg.url, 'flowlens.spans': spans, 'flowlens.attempt': attempt } });
            let problem: string;
            let retryable: boolean;
            let retryAfterMs: number | undefined;
            try {
                const res = await this.client!.post(body, headers, this.cfg.timeoutMs, this.abort.signal);
                if (res.status >= 200 && res.status < 300) {
                    span.end();
                    this.sent.inc(spans);
                    this.ctx.countOut(spans);
                    if (this.failing !== undefined) {
                        this.failing = undefined;
                        this.ctx.setHealth('healthy', this.healthBase);
                    }
                    return;
                }
                problem = `HTTP ${res.status}${res.text ? `: ${res.text.slice(0, 300)}` : ''}`;
                retryable = res.status === 429 || res.status >= 500;
                retryAfterMs = res.retryAfterMs;
            } catch (e) {
                problem = describeNetworkError(e);
                retryable = !this.abort.signal.aborted;
            }
            span.setStatus({ code: 2, message: problem });
            span.end();
            if (this.failing !== problem) {
                this.failing = problem;
                this.ctx.setHealth('unhealthy', `exporting to ${this.cfg.url} failed: ${problem}`);
            }
            const elapsed = Date.now() - started;
            let delay = retryAfterMs ?? interval * (1 + retry.randomization * (2 * Math.random() - 1));
            if (!retryable || !retry.enabled || this.abort.signal.aborted || elapsed + delay > retry.maxElapsedMs) {
                const why = !retryable ? 'permanent error' : !retry.enabled ? 'retries disabled' : this.abort.signal.aborted ? 'exporter stopped' : `gave up after ${Math.round(elapsed)} ms`;
                (this.abort.signal.aborted ? this.failedShutdown : this.failedSend).inc(spans);
                this.ctx.countError();
                this.ctx.log('error', `exporting ${spans} spans to ${this.cfg.url} failed (${why}): ${problem}`, { endpoint: this.cfg.url });
                throw new PermanentError(`exporting ${spans} spans failed (${why}): ${problem}`);
            }
            if (attempt === 0 || attempt % 10 === 0) this.ctx.log('warn', `exporting to ${this.cfg.url} failed (${problem}); retrying in ${Math.round(delay)} ms`);
            delay = Math.max(0, delay);
            interval = Math.min(interval * retry.multiplier, retry.maxIntervalMs);
            if (!(await sleep(delay, this.abort.signal))) {
                this.failedShutdown.inc(spans);
                this.ctx.countError();
                throw new PermanentError(`exporter stopped while retrying ${spans} spans`);
            }
        }
    }

    pending(): number {
        return this.queuedSpans + this.inFlightSpans;
    }

    /** Resolves when the queue is empty and nothing is in flight (or after the drain limit). */
    async flush(): Promise<void> {
        await this.drain(STOP_DRAIN_MS);
    }

    /** Waits until the queue is empty and nothing is in flight; false when `timeoutMs` passed first. */
    private async drain(timeoutMs: number): Promise<boolean> {
        const deadline = Date.now() + timeoutMs;
        while (this.pending() > 0 && Date.now() < deadline) await sleep(10);
        return this.pending() === 0;
    }

    async stop(): Promise<void> {
        this.stopping = true;
        const drained = await this.drain(STOP_DRAIN_MS);
        this.abort.abort();
        if (!drained) {
            const left = this.queue.splice(0);
            let n = 0;
            for (const item of left) {
                n += item.spans;
                item.done?.(new Error('exporter stopped'));
            }
            this.queuedSpans = 0;
            if (n > 0) {
                this.failedShutdown.inc(n);
                this.ctx.log('warn', `${n} queued spans dropped at shutdown (endpoint ${this.cfg.url} did not accept them in time)`);
            }
            for (let i = 0; i < 100 && this.inFlightSpans > 0; i++) await sleep(10);
        }
        for (const w of this.spaceWaiters.splice(0)) w();
        this.client?.close();
        this.metrics.close();
    }
}

export const otelcolExporterOtlpHttp: ComponentDefinition = {
    name: 'otelcol.exporter.otlphttp',
    schema: SCHEMA,
    create: (ctx) => new OtelcolExporterOtlpHttp(ctx),
};
