// Spans (AgentOps #717/#758): stop() exports every ended span, ends the open
// ones (root last) before flushing, waits for exports in flight, and counts
// every span it could not export.

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parseExportTraceRequest, spanCount } from '../../server/runtime/protocols/otlp-json.js';
import type { FlushEvent } from '../../protocol/runtime.js';
import type { Runtime } from '../../server/runtime/runtime.js';
import { CollectingExporter, startRuntime, waitFor } from './helpers.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-spans-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

let rt: Runtime | undefined;
afterEach(async () => {
    await rt?.stop('test done');
    rt = undefined;
});

const burst = (total: number, chunk = 500) => `
testcomponents.spans "burst" {
	total = ${total}
	chunk = ${chunk}
}
`;

const endedBurst = (rt: Runtime) => rt.exportsOf('testcomponents.spans.burst') && rt.metricsSnapshot().components.find((c) => c.globalId === 'testcomponents.spans.burst')!.samplesOut;

describe('spans', () => {
    it('stop() exports every span, the root span last, with flush events that add up', async () => {
        const exporter = new CollectingExporter();
        const flushes: FlushEvent[] = [];
        ({ rt } = await startRuntime({ 'main.alloy': burst(5000) + '\ntestcomponents.summation "s" {\n\tinput = 1\n}\n' }, { spanExporters: [exporter] }));
        rt.on('flush', (e) => flushes.push(e));
        const runtime = rt;
        await waitFor(() => endedBurst(runtime) === 5000, 5000, 'the burst');
        const summary = await rt.stop('done');
        rt = undefined;
        const spans = exporter.spans;
        expect(spans.filter((s) => s.name === 'burst')).toHaveLength(5000);
        const root = spans.find((s) => s.name === 'flowlens.run')!;
        expect(root).toBeDefined();
        const evaluations = spans.filter((s) => s.name === 'EvaluateNode');
        expect(evaluations.map((s) => s.attributes['flowlens.component.global_id'])).toContain('testcomponents.summation.s');
        expect(spans.some((s) => s.name === 'GraphEvaluate')).toBe(true);
        for (const s of spans) expect(cmp(s.endTime, root.endTime)).toBeLessThanOrEqual(0);
        expect(summary.spansExported).toBe(spans.length);
        expect(summary.spansDropped).toBe(0);
        expect(flushes.reduce((n, e) => n + e.exported, 0)).toBe(spans.length);
        expect(flushes.some((e) => e.reason.startsWith('force-flush') || e.reason.startsWith('shutdown'))).toBe(true);
        for (const e of flushes) expect(typeof e.time).toBe('number');
    });

    it('ends spans still open at stop (children before parents) and exports them', async () => {
        const exporter = new CollectingExporter();
        ({ rt } = await startRuntime({ 'main.alloy': burst(1) }, { spanExporters: [exporter] }));
        const tracer = rt.tracing.tracer('test');
        const { trace } = await import('@opentelemetry/api');
        // The same start time: the order of starting, not the clock, decides which ends first.
        const startTime = Date.now();
        const parent = tracer.startSpan('open-parent', { startTime });
        tracer.startSpan('open-child', { startTime }, trace.setSpan(rt.tracing.rootContext, parent));
        expect(rt.tracing.openSpans).toBeGreaterThanOrEqual(3); // root + the two
        await rt.stop('done');
        rt = undefined;
        const spans = exporter.spans; // in the order they ended
        const p = spans.findIndex((s) => s.name === 'open-parent');
        const c = spans.findIndex((s) => s.name === 'open-child');
        expect(spans[p].attributes['flowlens.ended_at_shutdown']).toBe(true);
        expect(spans[c].attributes['flowlens.ended_at_shutdown']).toBe(true);
        expect(c).toBeLessThan(p);
        expect(cmp(spans[c].endTime, spans[p].endTime)).toBeLessThanOrEqual(0);
    });

    it('counts spans ended after shutdown as dropped, in a flush event', async () => {
        const exporter = new CollectingExporter();
        const flushes: FlushEvent[] = [];
        ({ rt } = await startRuntime({ 'main.alloy': burst(10) }, { spanExporters: [exporter] }));
        rt.on('flush', (e) => flushes.push(e));
        const runtime = rt;
        await rt.stop('done');
        rt = undefined;
        const late = runtime.tracing.tracer('late');
        for (let i = 0; i < 3; i++) late.startSpan('too-late').end();
        await waitFor(() => flushes.some((e) => e.reason.includes('ended after shutdown')), 1000, 'a drop event');
        expect(runtime.tracing.droppedBy['ended after shutdown']).toBe(3);
        expect(flushes.filter((e) => e.reason.includes('ended after shutdown')).reduce((n, e) => n + e.dropped, 0)).toBe(3);
        expect(exporter.spans.some((s) => s.name === 'too-late')).toBe(false);
        expect(await runtime.metrics.render()).toContain('flowlens_spans_dropped_total{reason="ended after shutdown"} 3');
    });

    it('counts spans dropped because the queue is full; exported + dropped = ended', async () => {
        const slow = new SlowExporter(50);
        ({ rt } = await startRuntime({ 'main.alloy': burst(3000, 1000) }, { spanExporters: [slow], tracing: { maxQueueSize: 200, maxExportBatchSize: 100, scheduledDelayMillis: 10 } }));
        const runtime = rt;
        await waitFor(() => endedBurst(runtime) === 3000, 5000, 'the burst');
        const summary = await rt.stop('done');
        rt = undefined;
        const bursts = slow.spans.filter((s) => s.name === 'burst').length;
        expect(summary.spansDroppedBy['queue full']).toBeGreaterThan(0);
        // Every burst span is either exported or counted as dropped (runtime spans may be dropped too).
        const droppedBursts = 3000 - bursts;
        expect(summary.spansDroppedBy['queue full']).toBeGreaterThanOrEqual(droppedBursts);
        expect(summary.spansExported + summary.spansDropped).toBe(slow.spans.length + summary.spansDropped);
    });

    it('writes OTLP JSON lines (hex ids, nanos as strings) to the spans file', async () => {
        const file = path.join(scratch, 'spans.jsonl');
        ({ rt } = await startRuntime({ 'main.alloy': burst(1200) }, { spansFile: file }));
        const runtime = rt;
        await waitFor(() => endedBurst(runtime) === 1200, 5000, 'the burst');
        const summary = await rt.stop('done');
        rt = undefined;
        const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
        let total = 0;
        let bursts = 0;
        for (const line of lines) {
            const json = JSON.parse(line);
            const span = json.resourceSpans[0].scopeSpans[0].spans[0];
            expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
            expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
            expect(typeof span.startTimeUnixNano).toBe('string');
            const batch = parseExportTraceRequest(json);
            total += spanCount(batch);
            for (const rs of batch.resourceSpans) for (const ss of rs.scopeSpans) bursts += ss.spans.filter((s) => s.name === 'burst').length;
        }
        expect(bursts).toBe(1200);
        expect(total).toBe(summary.spansExported);
    });

    it('measures spans/s through the batch processor into the JSONL file', async () => {
        const file = path.join(scratch, 'rate.jsonl');
        const n = 50_000;
        const t0 = performance.now();
        ({ rt } = await startRuntime({ 'main.alloy': burst(n, 1000) }, { spansFile: file }));
        const runtime = rt;
        await waitFor(() => endedBurst(runtime) === n, 30_000, 'the burst');
        const summary = await rt.stop('done');
        rt = undefined;
        const seconds = (performance.now() - t0) / 1000;
        const bytes = fs.statSync(file).size;
        console.log(`[measure] ${summary.spansExported} spans to JSONL in ${seconds.toFixed(2)} s: ${Math.round(summary.spansExported / seconds).toLocaleString('en-US')} spans/s (created, batched, encoded, written; ${(bytes / 1e6).toFixed(1)} MB)`);
        expect(summary.spansDropped).toBe(0);
        expect(summary.spansExported).toBeGreaterThanOrEqual(n);
    });

    it('waits for an OTLP/HTTP export in flight before stop() resolves', async () => {
        let received = 0;
        const server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', (c) => chunks.push(c));
            req.on('end', () => {
                // Answer slowly, so the last batch is still in flight when stop() flushes.
                setTimeout(() => {
                    received += spanCount(parseExportTraceRequest(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
                    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
                }, 300);
            });
        });
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
        try {
            const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
            ({ rt } = await startRuntime({ 'main.alloy': burst(2000) }, { otlpEndpoint: url }));
            const runtime = rt;
            await waitFor(() => endedBurst(runtime) === 2000, 5000, 'the burst');
            const summary = await rt.stop('done');
            rt = undefined;
            expect(summary.spansDropped).toBe(0);
            expect(received).toBe(summary.spansExported);
            expect(received).toBeGreaterThanOrEqual(2000);
        } finally {
            server.closeAllConnections();
            await new Promise((r) => server.close(r));
        }
    });

    it('stop() is idempotent: a second call returns the same promise', async () => {
        ({ rt } = await startRuntime({ 'main.alloy': burst(10) }));
        const a = rt.stop('first');
        const b = rt.stop('second');
        expect(b).toBe(a);
        expect((await a).reason).toBe('first');
        rt = undefined;
    });
});

/** An exporter that answers after `ms` and tracks what is in flight. */
class SlowExporter implements SpanExporter {
    readonly spans: ReadableSpan[] = [];
    private readonly inFlight = new Set<Promise<void>>();

    constructor(private readonly ms: number) {}

    export(spans: ReadableSpan[], done: (r: { code: ExportResultCode }) => void): void {
        const p = new Promise<void>((r) => setTimeout(r, this.ms)).then(() => {
            this.spans.push(...spans);
            done({ code: ExportResultCode.SUCCESS });
        });
        this.inFlight.add(p);
        void p.then(() => this.inFlight.delete(p));
    }

    async forceFlush(): Promise<void> {
        await Promise.all([...this.inFlight]);
    }

    async shutdown(): Promise<void> {
        await this.forceFlush();
    }
}

function cmp(a: [number, number], b: [number, number]): number {
    return a[0] - b[0] || a[1] - b[1];
}
