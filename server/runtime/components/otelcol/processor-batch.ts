// otelcol.processor.batch: buffers spans and sends them on in batches.
//
// A batch is sent when `send_batch_size` spans are buffered (at most `send_batch_max_size` per batch;
// the excess stays for the next one) or `timeout` after the first span of the batch arrived; with
// timeout = 0 spans are sent at once (split by send_batch_max_size). stop() flushes everything.
// pending() counts buffered spans plus spans handed to a consumer that has not finished yet.

import type { ArgumentBody, Component, ComponentContext, ComponentDefinition, TracesConsumer } from '../../component.js';
import { TRACES_CONSUMER_TYPE } from '../../component.js';
import { type TraceBatch, spanCount } from '../../protocols/otlp-json.js';
import { Args, ArgumentError, attr, block, schema } from '../decode.js';
import { errorMessage, forwardTraces } from '../fanout.js';
import { type CounterHandle, InstanceMetrics } from '../metrics.js';
import { decodeTracesOutput } from './receiver-otlp.js';
import { EMPTY_BATCH, concatBatches, takeSpans } from './trace-batch.js';

const SCHEMA = schema(
    [
        attr('metadata_keys', 'list(string)'),
        attr('send_batch_max_size', 'number'),
        attr('send_batch_size', 'number'),
        attr('timeout', 'duration'),
    ],
    [
        block('output', true, [
            attr('logs', 'list(otelcol.Consumer)'),
            attr('metrics', 'list(otelcol.Consumer)'),
            attr('traces', 'list(otelcol.Consumer)'),
        ]),
    ],
    [{ name: 'input', type: 'otelcol.Consumer' }],
);

/** Harmless to ignore: internal debug metrics options; the cardinality limit only applies with metadata_keys (refused). */
export const IGNORED: readonly string[] = ['debug_metrics', 'metadata_cardinality_limit'];

/** stop() waits this long for consumers to accept the final flush. */
const STOP_FLUSH_MS = 2000;

class OtelcolProcessorBatch implements Component {
    private consumers: TracesConsumer[] = [];
    private timeoutMs = 200;
    private sendBatchSize = 2000;
    private maxSize = 3000;
    private buffer: TraceBatch[] = [];
    private buffered = 0;
    private inFlight = 0;
    private timer: NodeJS.Timeout | undefined;
    private inFlightPromises = new Set<Promise<void>>();
    private readonly consumer: TracesConsumer;
    private readonly metrics: InstanceMetrics;
    private readonly sizeTrigger: CounterHandle;
    private readonly timeoutTrigger: CounterHandle;
    private readonly failedSpans: CounterHandle;

    constructor(private readonly ctx: ComponentContext) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.sizeTrigger = this.metrics.counter({ name: 'otelcol_processor_batch_batch_size_trigger_send_total', help: 'Number of times the batch was sent due to a size trigger.', type: 'counter' });
        this.timeoutTrigger = this.metrics.counter({ name: 'otelcol_processor_batch_timeout_trigger_send_total', help: 'Number of times the batch was sent due to a timeout trigger.', type: 'counter' });
        this.failedSpans = this.metrics.counter({ name: 'otelcol_processor_batch_failed_spans_total', help: 'Spans a downstream consumer failed to accept.', type: 'counter' });
        this.metrics.gaugeFn({ name: 'otelcol_processor_batch_pending_spans', help: 'Spans buffered or being sent.', type: 'gauge' }, undefined, () => this.pending());
        this.consumer = { consumeTraces: (batch) => this.consume(batch) };
    }

    update(body: ArgumentBody): void {
        const args = Args.of('otelcol.processor.batch', SCHEMA, body, { ignored: IGNORED });
        const consumers = decodeTracesOutput(args);
        const keys = args.stringList('metadata_keys') ?? [];
        if (keys.length > 0) args.fail('metadata_keys', "batching by metadata is not supported by flowlens' embedded runtime; it runs on Grafana Alloy");
        const sendBatchSize = args.int('send_batch_size', 2000, 0);
        const maxSize = args.int('send_batch_max_size', 3000, 0);
        if (maxSize > 0 && maxSize < sendBatchSize) {
            throw new ArgumentError(`send_batch_max_size (${maxSize}) must be greater than or equal to send_batch_size (${sendBatchSize})`);
        }
        this.timeoutMs = args.duration('timeout', 200);
        this.sendBatchSize = sendBatchSize;
        this.maxSize = maxSize;
        this.consumers = consumers;
        this.ctx.setExports({ input: { kind: 'capsule', type: TRACES_CONSUMER_TYPE, payload: this.consumer } });
        this.ctx.setHealth('healthy', `batching up to ${sendBatchSize} spans or ${this.timeoutMs} ms`);
        // New settings apply to what is buffered now.
        if (this.buffered > 0) {
            this.clearTimer();
            this.drain(false);
        }
    }

    private consume(batch: TraceBatch): void {
        const n = spanCount(batch);
        if (n === 0) return;
        this.ctx.countIn(n);
        this.buffer.push(batch);
        this.buffered += n;
        this.drain(false);
    }

    /** Sends full batches; with `all`, sends everything buffered. Starts the timer for what remains. */
    private drain(all: boolean): void {
        const immediate = this.timeoutMs === 0;
        while (this.buffered > 0 && (all || immediate || this.buffered >= this.sendBatchSize)) {
            const size = this.maxSize > 0 ? Math.min(this.maxSize, this.buffered) : this.buffered;
            const merged = concatBatches(this.buffer);
            let head: TraceBatch;
            let rest: TraceBatch;
            if (size >= this.buffered) {
                head = merged;
                rest = EMPTY_BATCH;
            } else {
                [head, rest] = takeSpans(merged, size);
            }
            this.buffer = rest.resourceSpans.length > 0 ? [rest] : [];
            this.buffered -= size;
            if (!all && !immediate) this.sizeTrigger.inc();
            this.send(head, size);
        }
        if (this.buffered === 0) this.clearTimer();
        else if (this.timer === undefined) {
            this.timer = setTimeout(() => {
                this.timer = undefined;
                if (this.buffered > 0) this.timeoutTrigger.inc();
                this.drain(true);
            }, this.timeoutMs);
        }
    }

    private send(batch: TraceBatch, n: number): void {
        this.inFlight += n;
        let result: void | Promise<void>;
        try {
            result = forwardTraces(this.consumers, batch);
        } catch (e) {
            this.inFlight -= n;
            this.failed(n, e);
            return;
        }
        if (result === undefined) {
            this.inFlight -= n;
            this.ctx.countOut(n);
            return;
        }
        const p: Promise<void> = result.then(
            () => {
                this.ctx.countOut(n);
            },
            (e: unknown) => this.failed(n, e),
        ).finally(() => {
            this.inFlight -= n;
            this.inFlightPromises.delete(p);
        });
        this.inFlightPromises.add(p);
    }

    private failed(n: number, e: unknown): void {
        this.failedSpans.inc(n);
        this.ctx.countError();
        this.ctx.log('warn', `sending a batch of ${n} spans failed: ${errorMessage(e)}`);
    }

    private clearTimer(): void {
        if (this.timer !== undefined) {
            clearTimeout(this.timer);
            this.timer = undefined;
        }
    }

    /** Sends everything buffered now; resolves when consumers have finished. */
    async flush(): Promise<void> {
        this.clearTimer();
        this.drain(true);
        await Promise.all([...this.inFlightPromises]);
    }

    pending(): number {
        return this.buffered + this.inFlight;
    }

    async stop(): Promise<void> {
        const flushed = this.flush();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), STOP_FLUSH_MS);
        });
        const late = await Promise.race([flushed.then(() => false), timedOut]);
        clearTimeout(timer);
        if (late) this.ctx.log('warn', `stopped with ${this.inFlight} spans still being sent downstream`);
        this.metrics.close();
    }
}

export const otelcolProcessorBatch: ComponentDefinition = {
    name: 'otelcol.processor.batch',
    schema: SCHEMA,
    create: (ctx) => new OtelcolProcessorBatch(ctx),
};
