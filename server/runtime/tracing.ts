// The runtime's spans, with the OpenTelemetry SDK: a BasicTracerProvider
// whose BatchSpanProcessor exports to the configured destinations (JSONL
// file, OTLP/HTTP JSON, the consumers of a `tracing` block's write_to).
//
// Nothing is lost silently. A span the batch processor would drop because its
// queue is full, a batch an exporter failed, a span ended after shutdown, a
// span still queued when the flush deadline passed: each is counted by reason
// and reported in the next flush event. The BatchSpanProcessor does the
// batching; a thin processor in front of it mirrors its queue-length check to
// count what it drops.
//
// Shutdown (AgentOps #717/#758): the caller first stops the producers; then
// every open span is ended (root last), the provider is flushed (bounded,
// and the flush also waits for exports in flight, which the SDK's flush does
// not), and finally shut down. shutdown() is idempotent.

import { type Context, type Span, trace, type Tracer, ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
    BasicTracerProvider,
    BatchSpanProcessor,
    type ReadableSpan,
    type Sampler,
    SamplingDecision,
    type Span as SdkSpan,
    type SpanExporter,
    type SpanProcessor,
    TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { TracesConsumer } from './component.js';
import type { FlushEvent } from '../../protocol/runtime.js';
import type { Redactor } from './redact.js';
import { ConsumerExporter, JsonlFileExporter, OtlpHttpJsonExporter } from './tracing-exporters.js';

export interface TracingOptions {
    readonly spansFile?: string;
    readonly otlpEndpoint?: string;
    /** More destinations (tests use an InMemorySpanExporter). */
    readonly exporters?: readonly SpanExporter[];
    readonly serviceName?: string;
    /** BatchSpanProcessor settings. The queue is large so a burst is not dropped. */
    readonly maxQueueSize?: number;
    readonly maxExportBatchSize?: number;
    readonly scheduledDelayMillis?: number;
    readonly exportTimeoutMillis?: number;
    /** How long shutdown waits for the final flush and for the provider's shutdown, each. */
    readonly flushTimeoutMs?: number;
    readonly onFlush?: (event: FlushEvent) => void;
    /** Called for every lost span, with the reason (for a counter). */
    readonly onDrop?: (reason: string, n: number) => void;
    /** Scrubs secrets from span attributes, events and status before export. */
    readonly redactor?: Redactor;
}

export interface TracingReport {
    readonly exported: number;
    readonly dropped: number;
    readonly droppedBy: Readonly<Record<string, number>>;
    readonly problems: readonly string[];
}

export const DROP_QUEUE_FULL = 'queue full';
export const DROP_AFTER_SHUTDOWN = 'ended after shutdown';
export const DROP_NOT_FLUSHED = 'not flushed before the deadline';

type Mode = 'scheduled' | 'force-flush' | 'shutdown';

export class RuntimeTracing {
    readonly provider: BasicTracerProvider;
    private readonly sampler: RuntimeSampler;
    private readonly fanout: FanoutExporter;
    private readonly gate: GateProcessor;
    private consumers: readonly TracesConsumer[] = [];
    private readonly tracers = new Map<string, Tracer>();
    private shutdownPromise?: Promise<TracingReport>;
    private root?: Span;
    private rootCtx: Context = ROOT_CONTEXT;
    private readonly hasFixedDestinations: boolean;

    exported = 0;
    readonly droppedBy: Record<string, number> = {};
    private pendingDrops = new Map<string, number>();
    private dropEventScheduled = false;

    constructor(private readonly options: TracingOptions = {}) {
        const destinations: SpanExporter[] = [];
        if (options.spansFile) destinations.push(new JsonlFileExporter(options.spansFile));
        if (options.otlpEndpoint) destinations.push(new OtlpHttpJsonExporter(options.otlpEndpoint));
        destinations.push(...(options.exporters ?? []));
        this.hasFixedDestinations = destinations.length > 0;
        destinations.push(new ConsumerExporter(() => this.consumers));

        const maxQueueSize = options.maxQueueSize ?? 65_536;
        this.fanout = new FanoutExporter(destinations, this);
        const batch = new BatchSpanProcessor(this.fanout, {
            maxQueueSize,
            maxExportBatchSize: options.maxExportBatchSize ?? 512,
            scheduledDelayMillis: options.scheduledDelayMillis ?? 1000,
            exportTimeoutMillis: options.exportTimeoutMillis ?? 10_000,
        });
        this.gate = new GateProcessor(batch, this.fanout, maxQueueSize, this, options.redactor);
        this.sampler = new RuntimeSampler();
        this.sampler.enabled = this.hasFixedDestinations;
        this.provider = new BasicTracerProvider({
            resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'flowlens', 'telemetry.sdk.language': 'nodejs' }),
            sampler: this.sampler,
            spanProcessors: [this.gate],
        });
    }

    /** A tracer for an instrumentation scope (the runtime, or a component's block name). */
    tracer(scope = 'flowlens.runtime'): Tracer {
        let t = this.tracers.get(scope);
        if (!t) this.tracers.set(scope, (t = this.provider.getTracer(scope)));
        return t;
    }

    /** Starts the root span of the run; the runtime's other spans are its descendants. */
    startRoot(name: string, attributes: Record<string, string>): Context {
        this.root = this.tracer().startSpan(name, { attributes, root: true });
        this.rootCtx = trace.setSpan(ROOT_CONTEXT, this.root);
        return this.rootCtx;
    }

    get rootContext(): Context {
        return this.rootCtx;
    }

    /**
     * Applies a `tracing` block: its sampling fraction and write_to consumers.
     * `recording` forces recording before the consumers are known.
     */
    configure(config: { samplingFraction?: number; consumers?: readonly TracesConsumer[]; recording?: boolean }): void {
        if (config.samplingFraction !== undefined) this.sampler.fraction = config.samplingFraction;
        if (config.consumers !== undefined) this.consumers = config.consumers;
        this.sampler.enabled = config.recording === true || this.hasFixedDestinations || this.consumers.length > 0;
    }

    /** Spans started and not ended yet. */
    get openSpans(): number {
        return this.gate.open.size;
    }

    get dropped(): number {
        return Object.values(this.droppedBy).reduce((a, b) => a + b, 0);
    }

    get isShutdown(): boolean {
        return this.shutdownPromise !== undefined;
    }

    /** Ends open spans (root last), flushes (bounded) and shuts the provider down; idempotent. */
    shutdown(): Promise<TracingReport> {
        return (this.shutdownPromise ??= this.doShutdown());
    }

    private async doShutdown(): Promise<TracingReport> {
        const problems: string[] = [];
        const limit = this.options.flushTimeoutMs ?? 5000;
        // Newest first, so children end before their parents and the root span ends last. The set
        // is in start order; start times cannot tell spans started within the same microsecond apart.
        const open = [...this.gate.open].reverse();
        for (const span of open) {
            if (span === this.root) continue;
            span.setAttribute('flowlens.ended_at_shutdown', true);
            span.end();
        }
        if (this.root && this.gate.open.has(this.root as SdkSpan)) this.root.end();

        this.fanout.mode = 'force-flush';
        if ((await withDeadline(this.gate.forceFlush(), limit)) === 'timeout') problems.push(`flushing spans did not finish within ${limit} ms`);
        this.fanout.mode = 'shutdown';
        this.gate.closed = true;
        if ((await withDeadline(this.provider.shutdown(), limit)) === 'timeout') problems.push(`shutting the tracer provider down did not finish within ${limit} ms`);
        const unflushed = this.gate.queued;
        if (unflushed > 0) this.drop(DROP_NOT_FLUSHED, unflushed);
        this.emitDrops();
        return { exported: this.exported, dropped: this.dropped, droppedBy: { ...this.droppedBy }, problems };
    }

    /** Counts lost spans; they are reported in the next flush event (or one of their own). */
    drop(reason: string, n: number): void {
        if (n <= 0) return;
        this.options.onDrop?.(reason, n);
        this.droppedBy[reason] = (this.droppedBy[reason] ?? 0) + n;
        this.pendingDrops.set(reason, (this.pendingDrops.get(reason) ?? 0) + n);
        if (this.dropEventScheduled) return;
        this.dropEventScheduled = true;
        setImmediate(() => this.emitDrops());
    }

    /** Reported by the exporter after each export. */
    exportedBatch(n: number, mode: Mode, error?: string): void {
        if (error) {
            this.drop(`export failed: ${error}`, n);
            this.emitDrops(mode);
            return;
        }
        this.exported += n;
        const dropped = this.takeDrops();
        this.options.onFlush?.({ time: Date.now(), exported: n, dropped: dropped.n, reason: dropped.n ? `${mode}; dropped: ${dropped.reasons}` : mode });
    }

    private emitDrops(mode?: Mode): void {
        this.dropEventScheduled = false;
        const dropped = this.takeDrops();
        if (dropped.n === 0) return;
        this.options.onFlush?.({ time: Date.now(), exported: 0, dropped: dropped.n, reason: mode ? `${mode}; dropped: ${dropped.reasons}` : dropped.reasons });
    }

    private takeDrops(): { n: number; reasons: string } {
        let n = 0;
        const parts: string[] = [];
        for (const [reason, count] of this.pendingDrops) {
            n += count;
            parts.push(`${count} ${reason}`);
        }
        this.pendingDrops = new Map();
        return { n, reasons: parts.join(', ') };
    }
}

/** Records a failed span with the error. */
export function failSpan(span: Span, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    span.recordException(error instanceof Error ? error : new Error(message));
    span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/**
 * Samples by trace ID with the `tracing` block's sampling_fraction (1 until
 * one is set: a user who asked for spans wants them); records nothing while
 * there is nowhere to send spans.
 */
class RuntimeSampler implements Sampler {
    enabled = false;
    private ratio = 1;
    private ratioSampler = new TraceIdRatioBasedSampler(1);

    set fraction(f: number) {
        const clamped = Number.isFinite(f) ? Math.min(1, Math.max(0, f)) : 1;
        if (clamped === this.ratio) return;
        this.ratio = clamped;
        this.ratioSampler = new TraceIdRatioBasedSampler(clamped);
    }

    shouldSample(...args: Parameters<Sampler['shouldSample']>): ReturnType<Sampler['shouldSample']> {
        if (!this.enabled) return { decision: SamplingDecision.NOT_RECORD };
        if (this.ratio >= 1) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
        return this.ratioSampler.shouldSample(args[0], args[1]);
    }

    toString(): string {
        return `flowlens{enabled=${this.enabled},ratio=${this.ratio}}`;
    }
}

/**
 * In front of the BatchSpanProcessor: tracks open spans (to end them at
 * shutdown), counts spans ended after shutdown, and drops — counting — what
 * the batch processor would drop silently because its queue is full. The
 * batch processor's queue length is what was handed to it minus what it
 * handed to the exporter, since it hands spans over synchronously.
 */
class GateProcessor implements SpanProcessor {
    readonly open = new Set<SdkSpan>();
    closed = false;
    private forwarded = 0;

    constructor(
        private readonly batch: BatchSpanProcessor,
        private readonly exporter: FanoutExporter,
        private readonly maxQueueSize: number,
        private readonly tracing: RuntimeTracing,
        private readonly redactor?: Redactor,
    ) {}

    get queued(): number {
        return this.forwarded - this.exporter.handed;
    }

    onStart(span: SdkSpan): void {
        this.open.add(span);
    }

    onEnd(span: ReadableSpan): void {
        this.open.delete(span as SdkSpan);
        if ((span.spanContext().traceFlags & 1) === 0) return; // not sampled
        if (this.closed) {
            this.tracing.drop(DROP_AFTER_SHUTDOWN, 1);
            return;
        }
        if (this.queued >= this.maxQueueSize) {
            this.tracing.drop(DROP_QUEUE_FULL, 1);
            return;
        }
        if (this.redactor) scrubSpan(span, this.redactor);
        this.forwarded++;
        this.batch.onEnd(span);
    }

    async forceFlush(): Promise<void> {
        await this.batch.forceFlush();
        await this.exporter.forceFlush();
    }

    shutdown(): Promise<void> {
        this.closed = true;
        return this.batch.shutdown();
    }
}

/** The one exporter the batch processor knows: sends each batch to every destination and counts. */
class FanoutExporter implements SpanExporter {
    mode: Mode = 'scheduled';
    /** Spans handed to export() so far. */
    handed = 0;

    constructor(
        private readonly destinations: readonly SpanExporter[],
        private readonly tracing: RuntimeTracing,
    ) {}

    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
        this.handed += spans.length;
        const mode = this.mode;
        let remaining = this.destinations.length;
        const errors: string[] = [];
        const finish = (i: number, result: ExportResult) => {
            if (result.code !== ExportResultCode.SUCCESS) errors.push(`${this.destinations[i].constructor.name}: ${result.error?.message ?? 'failed'}`);
            if (--remaining > 0) return;
            this.tracing.exportedBatch(spans.length, mode, errors.length ? errors.join('; ') : undefined);
            done(errors.length ? { code: ExportResultCode.FAILED, error: new Error(errors.join('; ')) } : { code: ExportResultCode.SUCCESS });
        };
        this.destinations.forEach((d, i) => {
            try {
                d.export(spans, (r) => finish(i, r));
            } catch (e) {
                finish(i, { code: ExportResultCode.FAILED, error: e instanceof Error ? e : new Error(String(e)) });
            }
        });
    }

    async forceFlush(): Promise<void> {
        await Promise.all(this.destinations.map((d) => d.forceFlush?.()));
    }

    async shutdown(): Promise<void> {
        await Promise.all(this.destinations.map((d) => d.shutdown()));
    }
}

async function withDeadline(p: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), ms);
    });
    try {
        return await Promise.race([p.then(() => 'done' as const, () => 'done' as const), timeout]);
    } finally {
        clearTimeout(timer);
    }
}

/** Scrubs an ended span in place: the SDK's ended span is what the exporters serialise. */
function scrubSpan(span: ReadableSpan, redactor: Redactor): void {
    const attrs = span.attributes as Record<string, unknown>;
    for (const [k, v] of Object.entries(attrs)) attrs[k] = redactor.any(v);
    for (const e of span.events) {
        if (e.attributes) for (const [k, v] of Object.entries(e.attributes)) (e.attributes as Record<string, unknown>)[k] = redactor.any(v);
    }
    if (span.status.message) (span.status as { message?: string }).message = redactor.text(span.status.message);
}
