// Components for the runtime's tests, modelled on Alloy's testcomponents
// (internal/runtime/internal/testcomponents): count, passthrough, summation,
// pulse and summation_receiver, plus a few of flowlens' own for pause, span
// and metric tests. Tests register them through the runtime's registry; the
// CLI and worker tests bundle this file and load it with the test-only
// FLOWLENS_RUNTIME_EXTRA_COMPONENTS variable.

import fs from 'node:fs';
import { Counter } from 'prom-client';
import { NULL, num, type Value } from '../../language/eval/value.js';
import { type ArgumentBody, type ArgumentSchema, type Component, type ComponentContext, type ComponentDefinition, TRACES_CONSUMER_TYPE, type TracesConsumer } from '../../server/runtime/component.js';
import { parseDuration } from '../../server/runtime/duration.js';

const attr = (name: string, type: string, required = false) => ({ name, type, required });
const schema = (attributes: ArgumentSchema['attributes'], exports: string[] = [], exportType = 'any'): ArgumentSchema => ({
    attributes,
    blocks: [],
    exports: exports.map((name) => ({ name, type: exportType })),
});

function numberArg(args: ArgumentBody, name: string, fallback?: number): number {
    const v = args.attributes.get(name);
    if (v === undefined || v.kind === 'null') {
        if (fallback === undefined) throw new Error(`missing required attribute "${name}"`);
        return fallback;
    }
    if (v.kind !== 'number') throw new Error(`${name} must be a number, got ${v.kind}`);
    return v.value;
}

function stringArg(args: ArgumentBody, name: string, fallback = ''): string {
    const v = args.attributes.get(name);
    if (v === undefined || v.kind === 'null') return fallback;
    if (v.kind !== 'string') throw new Error(`${name} must be a string, got ${v.kind}`);
    return v.value;
}

function durationArg(args: ArgumentBody, name: string, fallback = 0): number {
    const s = stringArg(args, name);
    return s ? parseDuration(s) : fallback;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** testcomponents.count: counts from 1 to max, one step per `frequency`, exporting `count`. */
export const count: ComponentDefinition = {
    name: 'testcomponents.count',
    schema: schema([attr('frequency', 'duration', true), attr('max', 'int', true)], ['count'], 'int'),
    source: true,
    create(ctx: ComponentContext): Component {
        let frequency = 10;
        let max = 0;
        let current = 0;
        let timer: NodeJS.Timeout | undefined;
        let paused = false;
        const tick = () => {
            if (current >= max) return stopTimer();
            current++;
            ctx.countOut(1);
            ctx.setExports({ count: num(current) });
        };
        const stopTimer = () => {
            clearInterval(timer);
            timer = undefined;
        };
        const startTimer = () => {
            if (!timer && !paused && current < max) timer = setInterval(tick, frequency);
        };
        return {
            update(args) {
                frequency = durationArg(args, 'frequency', 10);
                max = numberArg(args, 'max');
                if (timer) {
                    stopTimer();
                    startTimer();
                }
            },
            start: () => startTimer(),
            stop: async () => stopTimer(),
            pending: () => 0,
            pauseSource() {
                paused = true;
                stopTimer();
            },
            resumeSource() {
                paused = false;
                startTimer();
            },
        };
    },
};

/** testcomponents.passthrough: exports `output` = `input`, after `lag`. */
export const passthrough: ComponentDefinition = {
    name: 'testcomponents.passthrough',
    schema: schema([attr('input', 'any', true), attr('lag', 'duration')], ['output']),
    create(ctx) {
        return {
            async update(args) {
                const lag = durationArg(args, 'lag');
                if (lag > 0) await sleep(lag);
                ctx.countIn(1);
                ctx.countOut(1);
                ctx.setExports({ output: args.attributes.get('input') ?? NULL });
            },
            stop: async () => undefined,
        };
    },
};

/** testcomponents.summation: adds every `input` it is updated with; exports `sum` and `last_added`. */
export const summation: ComponentDefinition = {
    name: 'testcomponents.summation',
    schema: schema([attr('input', 'int', true)], ['sum', 'last_added'], 'int'),
    create(ctx) {
        let sum = 0;
        return {
            update(args) {
                const input = args.attributes.get('input');
                if (!input || input.kind === 'null') return; // not exported yet
                if (input.kind !== 'number') throw new Error(`input must be a number, got ${input.kind}`);
                sum += input.value;
                ctx.countIn(1);
                ctx.setExports({ sum: num(sum), last_added: input });
            },
            stop: async () => undefined,
        };
    },
};

/** The capsule summation_receiver exports; pulse sends to it. */
export interface IntReceiver {
    receive(values: readonly number[]): void;
}

function receiversOf(v: Value | undefined): IntReceiver[] {
    if (!v || v.kind !== 'array') return [];
    return v.items.flatMap((i) => (i.kind === 'capsule' && i.payload && typeof (i.payload as IntReceiver).receive === 'function' ? [i.payload as IntReceiver] : []));
}

/** testcomponents.pulse: sends 1..max to `forward_to`, `batch` values per `frequency` (a source). */
export const pulse: ComponentDefinition = {
    name: 'testcomponents.pulse',
    schema: schema([attr('frequency', 'duration', true), attr('max', 'int', true), attr('batch', 'int'), attr('forward_to', 'list(any)')]),
    source: true,
    create(ctx) {
        let frequency = 10;
        let max = 0;
        let batch = 1;
        let next = 1;
        let targets: IntReceiver[] = [];
        let timer: NodeJS.Timeout | undefined;
        let paused = false;
        const tick = () => {
            const values: number[] = [];
            while (values.length < batch && next <= max) values.push(next++);
            if (values.length === 0) return stopTimer();
            for (const t of targets) t.receive(values);
            ctx.countOut(values.length);
        };
        const stopTimer = () => {
            clearInterval(timer);
            timer = undefined;
        };
        const startTimer = () => {
            if (!timer && !paused && next <= max) timer = setInterval(tick, frequency);
        };
        return {
            update(args) {
                frequency = durationArg(args, 'frequency', 10);
                max = numberArg(args, 'max');
                batch = numberArg(args, 'batch', 1);
                targets = receiversOf(args.attributes.get('forward_to'));
            },
            start: () => startTimer(),
            stop: async () => stopTimer(),
            pending: () => 0,
            pauseSource() {
                paused = true;
                stopTimer();
            },
            resumeSource() {
                paused = false;
                startTimer();
            },
        };
    },
};

/**
 * testcomponents.summation_receiver: exports a `receiver` capsule; values it
 * receives are buffered and added up `per_tick` at a time every `lag`
 * (pending() = the buffer). Fault injection for pause tests: with
 * `pending_error` set, pending() throws that message — forever, or for the
 * first `pending_error_for` after the component starts.
 */
export const summationReceiver: ComponentDefinition = {
    name: 'testcomponents.summation_receiver',
    schema: {
        attributes: [attr('lag', 'duration'), attr('per_tick', 'int'), attr('pending_error', 'string'), attr('pending_error_for', 'duration')],
        blocks: [],
        exports: [
            { name: 'receiver', type: 'capsule(testcomponents.IntReceiver)' },
            { name: 'sum', type: 'int' },
            { name: 'received', type: 'int' },
        ],
    },
    create(ctx) {
        let lag = 0;
        let perTick = 1;
        let pendingError = '';
        let pendingErrorFor = 0;
        let startedAt = Date.now();
        const buffer: number[] = [];
        let sum = 0;
        let received = 0;
        let timer: NodeJS.Timeout | undefined;
        const publish = () => ctx.setExports({ receiver: capsule, sum: num(sum), received: num(received) });
        const process = (n: number) => {
            const values = buffer.splice(0, n);
            for (const v of values) sum += v;
            received += values.length;
            if (values.length) publish();
        };
        const receiver: IntReceiver = {
            receive(values) {
                ctx.countIn(values.length);
                buffer.push(...values);
                if (lag === 0) process(buffer.length);
            },
        };
        const capsule: Value = { kind: 'capsule', type: 'testcomponents.IntReceiver', payload: receiver };
        publish();
        return {
            update(args) {
                lag = durationArg(args, 'lag');
                perTick = numberArg(args, 'per_tick', 1);
                pendingError = stringArg(args, 'pending_error');
                pendingErrorFor = durationArg(args, 'pending_error_for');
                clearInterval(timer);
                timer = lag > 0 ? setInterval(() => process(perTick), lag) : undefined;
            },
            start() {
                startedAt = Date.now();
            },
            stop: async () => clearInterval(timer),
            pending() {
                if (pendingError && (pendingErrorFor === 0 || Date.now() - startedAt < pendingErrorFor)) {
                    throw new Error(pendingError);
                }
                return buffer.length;
            },
        };
    },
};

/**
 * testcomponents.spans: a source that ends `total` spans named "burst", `chunk`
 * per event-loop turn, and writes how many it has ended to `report_file`
 * (synchronously, after each chunk) so a killed process still tells.
 */
export const spans: ComponentDefinition = {
    name: 'testcomponents.spans',
    schema: schema([attr('total', 'int', true), attr('chunk', 'int'), attr('report_file', 'string')], ['ended'], 'int'),
    source: true,
    create(ctx) {
        let total = 0;
        let chunk = 500;
        let reportFile = '';
        let ended = 0;
        let paused = false;
        let scheduled: NodeJS.Immediate | undefined;
        const report = () => {
            if (reportFile) fs.writeFileSync(reportFile, String(ended));
        };
        const burst = () => {
            scheduled = undefined;
            if (paused || ended >= total) return;
            const n = Math.min(chunk, total - ended);
            for (let i = 0; i < n; i++) {
                const span = ctx.tracer.startSpan('burst', { attributes: { 'flowlens.component.global_id': ctx.globalId, seq: ended } });
                span.end();
                ended++;
            }
            ctx.countOut(n);
            report();
            scheduled = setImmediate(burst);
        };
        return {
            update(args) {
                total = numberArg(args, 'total');
                chunk = numberArg(args, 'chunk', 500);
                reportFile = stringArg(args, 'report_file');
            },
            start() {
                report();
                scheduled = setImmediate(burst);
            },
            async stop() {
                if (scheduled) clearImmediate(scheduled);
                report();
            },
            pending: () => 0,
            pauseSource() {
                paused = true;
                if (scheduled) clearImmediate(scheduled);
                scheduled = undefined;
                report();
            },
            resumeSource() {
                paused = false;
                scheduled ??= setImmediate(burst);
            },
        };
    },
};

/**
 * testcomponents.raw_metric: registers a counter named `name` with a plain
 * `new Counter({ registers: [ctx.registry] })` in create() and never removes
 * it — the careless component the runtime must still restart without
 * "already registered".
 */
export const rawMetric: ComponentDefinition = {
    name: 'testcomponents.raw_metric',
    schema: schema([attr('name', 'string', true), attr('value', 'int')]),
    create(ctx) {
        let counter: Counter | undefined;
        return {
            update(args) {
                if (!counter) {
                    counter = new Counter({ name: stringArg(args, 'name'), help: 'a test counter', labelNames: ['component_id', 'component_path'], registers: [ctx.registry] });
                }
                counter.inc(ctx.metricLabels, numberArg(args, 'value', 1));
            },
            stop: async () => undefined,
        };
    },
};

/**
 * testcomponents.shared_metric: all instances share one counter family
 * (get-or-create), each counting under its own component labels.
 */
export const sharedMetric: ComponentDefinition = {
    name: 'testcomponents.shared_metric',
    schema: schema([attr('value', 'int')]),
    create(ctx) {
        const name = 'flowlens_test_shared_total';
        const counter =
            (ctx.registry.getSingleMetric(name) as Counter | undefined) ??
            new Counter({ name, help: 'shared by instances', labelNames: ['component_id', 'component_path'], registers: [ctx.registry] });
        return {
            update(args) {
                counter.inc(ctx.metricLabels, numberArg(args, 'value', 1));
            },
            stop: async () => undefined,
        };
    },
};

/** testcomponents.trace_sink: exports an otelcol consumer `input` that counts the spans it receives (`spans`). */
export const traceSink: ComponentDefinition = {
    name: 'testcomponents.trace_sink',
    schema: { attributes: [], blocks: [], exports: [{ name: 'input', type: 'otelcol.Consumer' }, { name: 'spans', type: 'int' }] },
    create(ctx) {
        let spans = 0;
        const consumer: TracesConsumer = {
            consumeTraces(batch) {
                const n = spanCountOf(batch);
                spans += n;
                ctx.countIn(n);
                ctx.setExports({ input, spans: num(spans) });
            },
        };
        const input: Value = { kind: 'capsule', type: TRACES_CONSUMER_TYPE, payload: consumer };
        ctx.setExports({ input, spans: num(0) });
        return { update() {}, stop: async () => undefined };
    },
};

function spanCountOf(batch: Parameters<TracesConsumer['consumeTraces']>[0]): number {
    let n = 0;
    for (const rs of batch.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
    return n;
}

/** testcomponents.lifecycle: records its create/update/start/stop calls in LIFECYCLE; exports `value`. */
export const LIFECYCLE: string[] = [];
export const lifecycle: ComponentDefinition = {
    name: 'testcomponents.lifecycle',
    schema: schema([attr('value', 'any')], ['value']),
    create(ctx) {
        LIFECYCLE.push(`create ${ctx.globalId}`);
        return {
            update(args) {
                LIFECYCLE.push(`update ${ctx.globalId}`);
                ctx.setExports({ value: args.attributes.get('value') ?? NULL });
            },
            start() {
                LIFECYCLE.push(`start ${ctx.globalId}`);
            },
            async stop() {
                LIFECYCLE.push(`stop ${ctx.globalId}`);
            },
        };
    },
};

export const TEST_COMPONENTS: readonly ComponentDefinition[] = [count, passthrough, summation, pulse, summationReceiver, spans, rawMetric, sharedMetric, traceSink, lifecycle];

/** What the test-only loader (FLOWLENS_RUNTIME_EXTRA_COMPONENTS) imports. */
export const definitions = TEST_COMPONENTS;
