// The collector's exporterhelper for flowlens' OTLP exporters (otelcol.exporter.otlp over gRPC,
// otelcol.exporter.otlphttp): the `sending_queue` and `retry_on_failure` blocks, decoded with
// Alloy's defaults and validation, and the sender that honours them.
//
// - sending_queue (enabled by default): a bounded queue of `queue_size` requests (or spans with
//   sizer = "items") drained by `num_consumers` senders; a full queue refuses the batch with an error
//   (counted; the caller sees the failure), or waits with block_on_overflow = true; with
//   wait_for_result the caller waits for the export's outcome.
// - retry_on_failure: a failed attempt the transport calls retryable is retried after the
//   collector's exponential backoff (cenkalti/backoff: the interval starts at initial_interval, is
//   randomized by ±randomization_factor, grows by multiplier up to max_interval); a throttle delay
//   from the peer (Retry-After, gRPC RetryInfo) lengthens the wait to at least that delay; the batch
//   is given up when the next attempt would start after max_elapsed_time (0: never).
// The sender owns the exporter's health while it exports: unhealthy from the first failed attempt
// until an export succeeds.

import type { ArgumentBody, Component, ComponentContext, TracesConsumer } from '../../component.js';
import { type TraceBatch, spanCount } from '../../protocols/otlp-json.js';
import { type Args, UNSUPPORTED_SUFFIX, attr, block } from '../decode.js';
import { sleep } from '../http-client.js';
import { type CounterHandle, InstanceMetrics, SEND_FAILED_SPANS, SENT_SPANS } from '../metrics.js';

export const SENDING_QUEUE_BLOCK = block('sending_queue', false, [
    attr('block_on_overflow', 'boolean'),
    attr('enabled', 'boolean'),
    attr('num_consumers', 'number'),
    attr('queue_size', 'number'),
    attr('sizer', 'string'),
    attr('wait_for_result', 'boolean'),
]);

export const RETRY_ON_FAILURE_BLOCK = block('retry_on_failure', false, [
    attr('enabled', 'boolean'),
    attr('initial_interval', 'duration'),
    attr('max_elapsed_time', 'duration'),
    attr('max_interval', 'duration'),
    attr('multiplier', 'number'),
    attr('randomization_factor', 'number'),
]);

/**
 * Harmless to ignore: the exporter-side batching of the sending queue (it changes request sizes,
 * not what is delivered).
 */
export const IGNORED_QUEUE_ARGUMENTS: readonly string[] = ['sending_queue.batch'];

export interface RetryConfig {
    enabled: boolean;
    initialMs: number;
    maxIntervalMs: number;
    /** 0: retry until the exporter stops. */
    maxElapsedMs: number;
    multiplier: number;
    randomization: number;
}

export interface QueueConfig {
    enabled: boolean;
    size: number;
    consumers: number;
    blockOnOverflow: boolean;
    sizer: 'requests' | 'items';
    waitForResult: boolean;
}

/** Decodes `retry_on_failure` and `sending_queue` with Alloy's defaults and validation. */
export function decodeQueueRetry(args: Args): { retry: RetryConfig; queue: QueueConfig } {
    const r = args.block('retry_on_failure');
    const multiplier = r?.number('multiplier', 1.5) ?? 1.5;
    if (multiplier <= 1) r!.fail('multiplier', 'must be greater than 1.0');
    const randomization = r?.number('randomization_factor', 0.5) ?? 0.5;
    if (randomization < 0) r!.fail('randomization_factor', 'must be greater or equal to 0');
    const q = args.block('sending_queue');
    const enabled = q?.bool('enabled', true) ?? true;
    const sizer = q?.string('sizer', 'requests') ?? 'requests';
    const size = q?.int('queue_size', 1000) ?? 1000;
    if (enabled && size <= 0) q!.fail('queue_size', 'must be greater than zero');
    if (enabled && sizer === 'bytes') q!.fail('sizer', `"bytes" ${UNSUPPORTED_SUFFIX}`);
    if (enabled && sizer !== 'requests' && sizer !== 'items') q!.fail('sizer', `invalid sizer: ${sizer}`);
    return {
        retry: {
            enabled: r?.bool('enabled', true) ?? true,
            initialMs: r?.duration('initial_interval', 5000) ?? 5000,
            maxIntervalMs: r?.duration('max_interval', 30_000) ?? 30_000,
            maxElapsedMs: r?.duration('max_elapsed_time', 300_000) ?? 300_000,
            multiplier,
            randomization,
        },
        queue: {
            enabled,
            size,
            consumers: q?.int('num_consumers', 10, 1) ?? 10,
            blockOnOverflow: q?.bool('block_on_overflow', false) ?? false,
            sizer: sizer === 'items' ? 'items' : 'requests',
            waitForResult: q?.bool('wait_for_result', false) ?? false,
        },
    };
}

/** The outcome of one export attempt, as the transport judges it. */
export type AttemptOutcome = { ok: true } | { ok: false; problem: string; retryable: boolean; throttleMs?: number };

/** One transport: sends a batch once; never throws (a failure is an outcome). */
export type ExportAttempt = (batch: TraceBatch, spans: number, attempt: number, signal: AbortSignal) => Promise<AttemptOutcome>;

interface QueueItem {
    batch: TraceBatch;
    spans: number;
    done?: (error?: Error) => void;
}

/** stop() waits this long for the queue to drain (the runtime drains before stopping). */
const STOP_DRAIN_MS = 1000;

/** The next backoff interval after `interval` (cenkalti/backoff's incrementCurrentInterval). */
function grow(interval: number, retry: RetryConfig): number {
    return interval >= retry.maxIntervalMs / retry.multiplier ? retry.maxIntervalMs : interval * retry.multiplier;
}

export class ExportQueue {
    private retry!: RetryConfig;
    private queueCfg!: QueueConfig;
    private target = '';
    private healthBase = '';
    private queue: QueueItem[] = [];
    private queuedSpans = 0;
    private inFlightSpans = 0;
    private workers = 0;
    private spaceWaiters: (() => void)[] = [];
    private stopping = false;
    /** The last export problem while exports are failing (health is unhealthy meanwhile). */
    private failing: string | undefined;
    private readonly abort = new AbortController();
    private readonly sent: CounterHandle;
    private readonly retried: CounterHandle;
    private readonly failedSend: CounterHandle;
    private readonly failedQueueFull: CounterHandle;
    private readonly failedShutdown: CounterHandle;
    private readonly enqueueFailed: CounterHandle;
    /** The `input` export: hand it to setExports. */
    readonly consumer: TracesConsumer = { consumeTraces: (batch) => this.consume(batch) };

    constructor(
        private readonly ctx: ComponentContext,
        metrics: InstanceMetrics,
        private readonly send: ExportAttempt,
    ) {
        this.sent = metrics.counter(SENT_SPANS);
        this.retried = metrics.counter({ name: 'otelcol_exporter_retried_requests_total', help: 'Export attempts that failed with a retryable error and were retried.', type: 'counter' });
        this.failedSend = metrics.counter(SEND_FAILED_SPANS, { reason: 'send' });
        this.failedQueueFull = metrics.counter(SEND_FAILED_SPANS, { reason: 'queue_full' });
        this.failedShutdown = metrics.counter(SEND_FAILED_SPANS, { reason: 'shutdown' });
        this.enqueueFailed = metrics.counter({ name: 'otelcol_exporter_enqueue_failed_spans_total', help: 'Number of spans refused because the sending queue was full.', type: 'counter' });
        metrics.gaugeFn({ name: 'otelcol_exporter_queue_size', help: 'Current size of the sending queue (requests or spans, per sizer).', type: 'gauge' }, undefined, () => this.queueLevel());
        metrics.gaugeFn({ name: 'otelcol_exporter_pending_spans', help: 'Spans queued or being sent.', type: 'gauge' }, undefined, () => this.pending());
    }

    /** Applies new settings; `target` names the peer in logs, `healthBase` is the healthy message. */
    configure(cfg: { retry: RetryConfig; queue: QueueConfig; target: string; healthBase: string }): void {
        this.retry = cfg.retry;
        this.queueCfg = cfg.queue;
        this.target = cfg.target;
        this.healthBase = cfg.healthBase;
        this.failing = undefined;
        this.ctx.setHealth('healthy', this.healthBase);
        this.pump();
    }

    private queueLevel(): number {
        return this.queueCfg?.sizer === 'items' ? this.queuedSpans : this.queue.length;
    }

    private hasRoom(spans: number): boolean {
        return this.queueCfg.sizer === 'items' ? this.queuedSpans + spans <= this.queueCfg.size : this.queue.length < this.queueCfg.size;
    }

    private async consume(batch: TraceBatch): Promise<void> {
        const spans = spanCount(batch);
        if (spans === 0) return;
        this.ctx.countIn(spans);
        if (this.stopping) {
            this.failedShutdown.inc(spans);
            throw new Error('exporter is stopping');
        }
        if (!this.queueCfg.enabled) {
            this.inFlightSpans += spans;
            try {
                await this.export(batch, spans);
            } finally {
                this.inFlightSpans -= spans;
            }
            return;
        }
        while (!this.hasRoom(spans)) {
            if (!this.queueCfg.blockOnOverflow || this.stopping) {
                this.enqueueFailed.inc(spans);
                this.failedQueueFull.inc(spans);
                this.ctx.countError();
                throw new Error(`sending queue is full (${this.queueCfg.size} ${this.queueCfg.sizer}); ${spans} spans refused`);
            }
            await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
        }
        const item: QueueItem = { batch, spans };
        let result: Promise<void> | undefined;
        if (this.queueCfg.waitForResult) {
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
        if (this.queueCfg === undefined) return;
        while (this.queue.length > 0 && this.workers < this.queueCfg.consumers) {
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
        const retry = this.retry;
        const deadline = retry.maxElapsedMs > 0 ? Date.now() + retry.maxElapsedMs : Infinity;
        let interval = retry.initialMs;
        for (let attempt = 0; ; attempt++) {
            const outcome = await this.send(batch, spans, attempt, this.abort.signal);
            if (outcome.ok) {
                this.sent.inc(spans);
                this.ctx.countOut(spans);
                if (this.failing !== undefined) {
                    this.failing = undefined;
                    this.ctx.setHealth('healthy', this.healthBase);
                }
                return;
            }
            const { problem } = outcome;
            if (this.failing !== problem) {
                this.failing = problem;
                this.ctx.setHealth('unhealthy', `exporting to ${this.target} failed: ${problem}`);
            }
            const stopped = this.abort.signal.aborted;
            const delay = Math.max(0, interval * (1 + retry.randomization * (2 * Math.random() - 1)), outcome.throttleMs ?? 0);
            interval = grow(interval, retry);
            const why = stopped ? 'exporter stopped' : !outcome.retryable ? 'permanent error' : !retry.enabled ? 'retries disabled' : Date.now() + delay > deadline ? 'no more retries left' : undefined;
            if (why !== undefined) this.giveUp(spans, why, problem, stopped);
            if (attempt === 0 || attempt % 10 === 0) this.ctx.log('warn', `exporting to ${this.target} failed (${problem}); retrying in ${Math.round(delay)} ms`);
            this.retried.inc();
            if (!(await sleep(delay, this.abort.signal))) this.giveUp(spans, 'exporter stopped', problem, true);
        }
    }

    private giveUp(spans: number, why: string, problem: string, stopped: boolean): never {
        (stopped ? this.failedShutdown : this.failedSend).inc(spans);
        this.ctx.countError();
        this.ctx.log('error', `exporting ${spans} spans to ${this.target} failed (${why}): ${problem}`, { endpoint: this.target });
        throw new Error(`exporting ${spans} spans failed (${why}): ${problem}`);
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

    /** Drains what it can within the stop bound, then aborts what is in flight and drops the rest (counted). */
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
                this.ctx.log('warn', `${n} queued spans dropped at shutdown (${this.target} did not accept them in time)`);
            }
            for (let i = 0; i < 100 && this.inFlightSpans > 0; i++) await sleep(10);
        }
        for (const w of this.spaceWaiters.splice(0)) w();
    }
}

/**
 * An exporter component whose transport is one `attempt` per batch: the queue, retries, metrics,
 * health, draining and a span per attempt are shared; subclasses decode their arguments and send.
 */
export abstract class QueuedExporter implements Component {
    protected readonly metrics: InstanceMetrics;
    protected readonly queue: ExportQueue;

    constructor(
        protected readonly ctx: ComponentContext,
        /** The span name of one attempt (`otelcol.exporter.otlp export`). */
        private readonly spanName: string,
    ) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.queue = new ExportQueue(ctx, this.metrics, (batch, spans, attempt, signal) => this.tracedAttempt(batch, spans, attempt, signal));
    }

    abstract update(body: ArgumentBody): void;

    /** Sends the batch once; a failure is an outcome, never a throw. */
    protected abstract attempt(batch: TraceBatch, spans: number, signal: AbortSignal): Promise<AttemptOutcome>;

    /** The peer, as span attributes (`url.full`, `server.address`). */
    protected abstract peerAttributes(): Record<string, string>;

    /** Releases the transport (connections, channels) after the queue stopped. */
    protected abstract closeTransport(): void;

    private async tracedAttempt(batch: TraceBatch, spans: number, attempt: number, signal: AbortSignal): Promise<AttemptOutcome> {
        const span = this.ctx.tracer.startSpan(this.spanName, { attributes: { 'flowlens.component_id': this.ctx.globalId, ...this.peerAttributes(), 'flowlens.spans': spans, 'flowlens.attempt': attempt } });
        const outcome = await this.attempt(batch, spans, signal);
        if (!outcome.ok) span.setStatus({ code: 2, message: outcome.problem });
        span.end();
        return outcome;
    }

    pending(): number {
        return this.queue.pending();
    }

    flush(): Promise<void> {
        return this.queue.flush();
    }

    async stop(): Promise<void> {
        await this.queue.stop();
        this.closeTransport();
        this.metrics.close();
    }
}
