// loki.process (Alloy's internal/component/loki/process/process.go): runs every entry it receives through
// its `stage.*` blocks and forwards what comes out to `forward_to`. Entries of one append leave as one
// batch, in order; a stage that holds entries back (multiline) releases them later on its own.

import type { ArgumentBody, Component, ComponentContext, ComponentDefinition, LogsReceiver } from '../../component.js';
import { LOGS_RECEIVER_TYPE } from '../../component.js';
import type { LogEntry } from '../../protocols/log-entry.js';
import { Args, attr, isLogsReceiver, schema } from '../decode.js';
import { CountedForward, errorMessage, forwardEntries } from '../fanout.js';
import { type MetricSpec, InstanceMetrics, type CounterHandle } from '../metrics.js';
import { STAGE_BLOCKS, buildPipeline, checkStages } from './process/pipeline.js';
import type { Pipeline, PipelineEntry } from './process/stage.js';

const SCHEMA = schema([attr('forward_to', 'list(LogsReceiver)', true)], STAGE_BLOCKS, [{ name: 'receiver', type: 'LogsReceiver' }]);

export const DROPPED_LINES: MetricSpec = {
    name: 'loki_process_dropped_lines_total',
    help: 'A count of all log lines dropped as a result of a pipeline stage',
    type: 'counter',
    labelNames: ['reason'],
};

function toPipelineEntry(e: LogEntry): PipelineEntry {
    return {
        labels: new Map(Object.entries(e.labels)),
        extracted: new Map(),
        timestamp: e.timestamp,
        line: e.line,
        structuredMetadata: [...e.structuredMetadata],
    };
}

function toLogEntry(e: PipelineEntry): LogEntry {
    return { labels: Object.fromEntries(e.labels), timestamp: e.timestamp, line: e.line, structuredMetadata: e.structuredMetadata };
}

class LokiProcess implements Component {
    private forwardTo: LogsReceiver[] = [];
    private pipeline: Pipeline | undefined;
    private stagesKey: string | undefined;
    private readonly metrics: InstanceMetrics;
    private readonly dropCounters = new Map<string, CounterHandle>();
    /** Entries leaving the pipeline during the current append; undefined outside one (timer releases). */
    private collecting: LogEntry[] | undefined;
    private readonly forwarded: CountedForward;
    private readonly receiver: LogsReceiver;
    private readonly sink = (e: PipelineEntry) => {
        const entry = toLogEntry(e);
        if (this.collecting !== undefined) this.collecting.push(entry);
        else void this.forward([entry])?.catch((err: unknown) => this.ctx.log('error', `forwarding released entries failed: ${errorMessage(err)}`));
    };

    constructor(private readonly ctx: ComponentContext) {
        this.forwarded = new CountedForward(ctx);
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.metrics.declare(DROPPED_LINES);
        this.receiver = { appendEntries: (entries) => this.append(entries) };
    }

    update(body: ArgumentBody): void {
        checkStages(body);
        const args = Args.of('loki.process', SCHEMA, body);
        const forwardTo = args.capsules('forward_to', LOGS_RECEIVER_TYPE, isLogsReceiver);
        // Like Alloy, rebuild the pipeline only when the stages changed (limit, sampling and multiline keep state).
        const key = JSON.stringify(body.blocks, (_k, v: unknown) => (v instanceof Map ? [...v] : typeof v === 'bigint' ? v.toString() : v));
        if (this.pipeline === undefined || key !== this.stagesKey) {
            const pipeline = buildPipeline(args, {
                metrics: this.metrics,
                dropped: (reason) => this.dropped(reason),
                log: (level, message, fields) => this.ctx.log(level, message, fields),
            });
            if (this.pipeline !== undefined) {
                this.pipeline.flush(this.sink);
                this.pipeline.stop();
            }
            this.pipeline = pipeline;
            this.stagesKey = key;
        }
        this.forwardTo = forwardTo;
        this.ctx.setExports({ receiver: { kind: 'capsule', type: LOGS_RECEIVER_TYPE, payload: this.receiver } });
        this.ctx.setHealth('healthy', `${this.pipeline.stages.length} stage(s)`);
    }

    private dropped(reason: string): void {
        let c = this.dropCounters.get(reason);
        if (c === undefined) {
            c = this.metrics.counter(DROPPED_LINES, { reason });
            this.dropCounters.set(reason, c);
        }
        c.inc();
    }

    private append(entries: readonly LogEntry[]): void | Promise<void> {
        const pipeline = this.pipeline;
        if (entries.length === 0 || pipeline === undefined) return;
        this.ctx.countIn(entries.length);
        const out: LogEntry[] = [];
        this.collecting = out;
        try {
            for (const e of entries) pipeline.run(toPipelineEntry(e), this.sink);
        } finally {
            this.collecting = undefined;
        }
        return this.forward(out);
    }

    private forward(entries: LogEntry[]): void | Promise<void> {
        if (entries.length === 0 || this.forwardTo.length === 0) return;
        return this.forwarded.send(entries.length, () => forwardEntries(this.forwardTo, entries));
    }

    pending(): number {
        return this.forwarded.pending + (this.pipeline?.pending() ?? 0);
    }

    async flush(): Promise<void> {
        this.pipeline?.flush(this.sink);
    }

    async stop(): Promise<void> {
        this.pipeline?.flush(this.sink);
        this.pipeline?.stop();
        this.pipeline = undefined;
        this.metrics.close();
    }
}

export const lokiProcess: ComponentDefinition = {
    name: 'loki.process',
    schema: SCHEMA,
    create: (ctx) => new LokiProcess(ctx),
};
