// otelcol.exporter.debug: logs the traces it receives.
//
// verbosity "basic"/"normal": one line per batch (`TracesExporter`, resource spans and span counts);
// "detailed": the line plus every resource, scope and span. Lines go to the runtime log (ctx.log)
// unless use_internal_logger = false, in which case they go to output_paths ("stdout", "stderr" or
// files). Sampling follows the upstream logger: per second, the first `sampling_initial` messages are
// logged, then every `sampling_thereafter`-th.

import { appendFileSync } from 'node:fs';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition, TracesConsumer } from '../../component.js';
import { TRACES_CONSUMER_TYPE } from '../../component.js';
import type { AnyValue, KeyValue, TraceBatch } from '../../protocols/otlp-json.js';
import { spanCount } from '../../protocols/otlp-json.js';
import { Args, attr, schema } from '../decode.js';
import { type CounterHandle, InstanceMetrics, SENT_SPANS } from '../metrics.js';

const SCHEMA = schema(
    [
        attr('output_paths', 'list(string)'),
        attr('sampling_initial', 'int'),
        attr('sampling_thereafter', 'int'),
        attr('use_internal_logger', 'bool'),
        attr('verbosity', 'string'),
    ],
    [],
    [{ name: 'input', type: 'otelcol.Consumer' }],
);

export const IGNORED: readonly string[] = ['debug_metrics'];

type Verbosity = 'basic' | 'normal' | 'detailed';

const KIND_NAMES = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const STATUS_NAMES = ['Unset', 'Ok', 'Error'];

function formatValue(v: AnyValue): string {
    switch (v.type) {
        case 'string':
            return `Str(${v.value})`;
        case 'bool':
            return `Bool(${v.value})`;
        case 'int':
            return `Int(${v.value})`;
        case 'double':
            return `Double(${v.value})`;
        case 'bytes':
            return `Bytes(${Buffer.from(v.value).toString('hex')})`;
        case 'array':
            return `Slice([${v.values.map(formatValue).join(', ')}])`;
        case 'kvlist':
            return `Map({${v.values.map((kv) => `${kv.key}: ${formatValue(kv.value)}`).join(', ')}})`;
        case 'empty':
            return 'Empty()';
    }
}

function formatAttributes(lines: string[], title: string, attrs: readonly KeyValue[], indent = ''): void {
    if (attrs.length === 0) return;
    lines.push(`${indent}${title}:`);
    for (const a of attrs) lines.push(`${indent}     -> ${a.key}: ${formatValue(a.value)}`);
}

function formatTime(nanos: bigint): string {
    const ms = Number(nanos / 1_000_000n);
    const frac = (nanos % 1_000_000_000n).toString().padStart(9, '0');
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${frac} +0000 UTC`).replace('T', ' ');
}

/** The detailed dump of a batch (one string, many lines), in the shape of the upstream debug exporter. */
export function formatDetailed(batch: TraceBatch): string {
    const lines: string[] = [];
    batch.resourceSpans.forEach((rs, ri) => {
        lines.push(`ResourceSpans #${ri}`);
        lines.push(`Resource SchemaURL: ${rs.schemaUrl}`);
        formatAttributes(lines, 'Resource attributes', rs.resource.attributes);
        rs.scopeSpans.forEach((ss, si) => {
            lines.push(`ScopeSpans #${si}`);
            lines.push(`ScopeSpans SchemaURL: ${ss.schemaUrl}`);
            lines.push(`InstrumentationScope ${ss.scope.name} ${ss.scope.version}`.trimEnd());
            ss.spans.forEach((span, i) => {
                lines.push(`Span #${i}`);
                lines.push(`    Trace ID       : ${span.traceId}`);
                lines.push(`    Parent ID      : ${span.parentSpanId}`);
                lines.push(`    ID             : ${span.spanId}`);
                lines.push(`    Name           : ${span.name}`);
                lines.push(`    Kind           : ${KIND_NAMES[span.kind] ?? span.kind}`);
                lines.push(`    Start time     : ${formatTime(span.startTimeUnixNano)}`);
                lines.push(`    End time       : ${formatTime(span.endTimeUnixNano)}`);
                lines.push(`    Status code    : ${STATUS_NAMES[span.status.code] ?? span.status.code}`);
                lines.push(`    Status message : ${span.status.message}`);
                formatAttributes(lines, 'Attributes', span.attributes);
                if (span.events.length > 0) {
                    lines.push('Events:');
                    span.events.forEach((e, ei) => {
                        lines.push(`SpanEvent #${ei}`);
                        lines.push(`     -> Name: ${e.name}`);
                        lines.push(`     -> Timestamp: ${formatTime(e.timeUnixNano)}`);
                        formatAttributes(lines, '     -> Attributes', e.attributes);
                    });
                }
                if (span.links.length > 0) {
                    lines.push('Links:');
                    span.links.forEach((l, li) => {
                        lines.push(`SpanLink #${li}`);
                        lines.push(`     -> Trace ID: ${l.traceId}`);
                        lines.push(`     -> ID: ${l.spanId}`);
                    });
                }
            });
        });
    });
    return lines.join('\n');
}

export interface DebugExporterStats {
    batches: number;
    spans: number;
    logged: number;
    sampledOut: number;
}

class OtelcolExporterDebug implements Component {
    private verbosity: Verbosity = 'basic';
    private samplingInitial = 2;
    private samplingThereafter = 1;
    private internal = true;
    private outputs: string[] = ['stdout'];
    private windowStart = 0;
    private windowCount = 0;
    readonly stats: DebugExporterStats = { batches: 0, spans: 0, logged: 0, sampledOut: 0 };
    private readonly consumer: TracesConsumer;
    private readonly metrics: InstanceMetrics;
    private readonly sent: CounterHandle;
    private readonly batches: CounterHandle;

    constructor(private readonly ctx: ComponentContext) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.sent = this.metrics.counter(SENT_SPANS);
        this.batches = this.metrics.counter({ name: 'otelcol_exporter_debug_batches_total', help: 'Number of trace batches the debug exporter received.', type: 'counter' });
        this.consumer = { consumeTraces: (batch) => this.consume(batch) };
    }

    update(body: ArgumentBody): void {
        const args = Args.of('otelcol.exporter.debug', SCHEMA, body, { ignored: IGNORED });
        const verbosity = args.string('verbosity', 'basic');
        if (verbosity !== 'basic' && verbosity !== 'normal' && verbosity !== 'detailed') {
            args.fail('verbosity', `expected "basic", "normal" or "detailed", got ${JSON.stringify(verbosity)}`);
        }
        this.verbosity = verbosity as Verbosity;
        this.samplingInitial = args.int('sampling_initial', 2, 0);
        this.samplingThereafter = args.int('sampling_thereafter', 1, 0);
        this.internal = args.bool('use_internal_logger', true);
        this.outputs = args.stringList('output_paths') ?? ['stdout'];
        this.ctx.setExports({ input: { kind: 'capsule', type: TRACES_CONSUMER_TYPE, payload: this.consumer } });
        this.ctx.setHealth('healthy', `logging traces (verbosity ${verbosity})`);
    }

    /** Upstream zap sampling: per second, the first N messages, then every M-th (M = 0: none). */
    private sample(): boolean {
        const now = Date.now();
        if (now - this.windowStart >= 1000) {
            this.windowStart = now;
            this.windowCount = 0;
        }
        this.windowCount++;
        if (this.windowCount <= this.samplingInitial) return true;
        if (this.samplingThereafter <= 0) return false;
        return (this.windowCount - this.samplingInitial) % this.samplingThereafter === 0;
    }

    private consume(batch: TraceBatch): void {
        const spans = spanCount(batch);
        this.ctx.countIn(spans);
        this.stats.batches++;
        this.stats.spans += spans;
        this.batches.inc();
        if (this.sample()) {
            this.stats.logged++;
            const fields = { 'resource spans': batch.resourceSpans.length, spans };
            const detail = this.verbosity === 'detailed' ? formatDetailed(batch) : undefined;
            if (this.internal) {
                this.ctx.log('info', 'TracesExporter', fields);
                if (detail !== undefined) this.ctx.log('info', detail);
            } else {
                const line = `TracesExporter {"resource spans": ${fields['resource spans']}, "spans": ${spans}}\n${detail !== undefined ? detail + '\n' : ''}`;
                this.write(line);
            }
        } else {
            this.stats.sampledOut++;
        }
        this.sent.inc(spans);
        this.ctx.countOut(spans);
    }

    private write(text: string): void {
        for (const path of this.outputs) {
            try {
                if (path === 'stdout') process.stdout.write(text);
                else if (path === 'stderr') process.stderr.write(text);
                else appendFileSync(path, text);
            } catch (e) {
                this.ctx.countError();
                this.ctx.log('warn', `debug exporter cannot write to ${path}: ${(e as Error).message}`);
            }
        }
    }

    async stop(): Promise<void> {
        this.metrics.close();
    }
}

export const otelcolExporterDebug: ComponentDefinition = {
    name: 'otelcol.exporter.debug',
    schema: SCHEMA,
    create: (ctx) => new OtelcolExporterDebug(ctx),
};
