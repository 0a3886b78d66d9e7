// stage.metrics, stage.limit and stage.eventlogmessage: expectations follow Alloy's
// stages/metric.go with process/metric/{counters,gauges,histograms,metricvec}.go, stages/limit.go
// (golang.org/x/time/rate semantics) and stages/eventlogmessage.go.

import { Registry } from 'prom-client';
import type { LogsReceiver } from '../../../../server/runtime/component.js';
import { lokiProcess } from '../../../../server/runtime/components/loki/process.js';
import { afterEach, describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../../server/runtime/components/loki/process/limit.js';
import { parseExposition } from '../../../../server/runtime/protocols/exposition.js';
import { body, entrySink, metricValue, startComponent, stopAll, waitFor } from '../harness.js';
import { type StageSpec, buildError, entry, processBody, run, startProcess } from './helpers.js';

afterEach(stopAll);

/** The registry's /metrics text parsed back: every sample as `name{labels}` → value. */
async function scrape(registry: Registry): Promise<{ samples: Map<string, number>; types: Map<string, string> }> {
    const result = parseExposition(await registry.metrics(), 0);
    expect(result.errors).toEqual([]);
    const samples = new Map<string, number>();
    for (const s of result.samples) {
        const name = s.labels.find((l) => l.name === '__name__')!.value;
        const rest = s.labels.filter((l) => l.name !== '__name__' && l.name !== 'component_path').map((l) => `${l.name}=${l.value}`);
        samples.set(`${name}{${rest.join(',')}}`, s.value);
    }
    return { samples, types: new Map([...result.families].map(([k, f]) => [k, f.type])) };
}

const json = (source: Record<string, string>): StageSpec => ['json', { expressions: source }];

describe('stage.metrics (stages/metric.go)', () => {
    it('counts, sums, sets and observes from the extracted map, one series per stream', async () => {
        const { running, receiver } = await startProcess([
            json({ status: 'status', bytes: 'bytes', latency: 'latency' }),
            [
                'metrics',
                {},
                {
                    'metric.counter': [
                        body({ name: 'requests_total', source: 'status', action: 'inc' }),
                        body({ name: 'errors_total', source: 'status', value: '500', action: 'inc' }),
                        body({ name: 'bytes_total', prefix: 'my_', source: 'bytes', action: 'add' }),
                        body({ name: 'line_bytes', match_all: true, count_entry_bytes: true, action: 'add' }),
                    ],
                    'metric.gauge': body({ name: 'last_bytes', source: 'bytes', action: 'set' }),
                    'metric.histogram': body({ name: 'latency_seconds', source: 'latency', buckets: [0.01, 0.1, 1] }),
                },
            ],
        ]);
        const a = { app: 'a', __path__: '/var/log/a.log' };
        const lineA1 = '{"status":200,"bytes":"10","latency":"5ms"}';
        const lineA2 = '{"status":500,"bytes":32,"latency":0.5,"é":1}';
        await receiver.appendEntries([
            entry(lineA1, a),
            entry(lineA2, a),
            entry('{"status":200,"bytes":"x","latency":"2"}', { app: 'b' }),
        ]);
        const { samples, types } = await scrape(running.ctx.registry);
        const id = 'component_id=loki.process.test';
        expect(samples.get(`loki_process_custom_requests_total{app=a,${id}}`)).toBe(2);
        expect(samples.get(`loki_process_custom_requests_total{app=b,${id}}`)).toBe(1);
        expect(samples.get(`loki_process_custom_errors_total{app=a,${id}}`)).toBe(1);
        expect(samples.has(`loki_process_custom_errors_total{app=b,${id}}`)).toBe(false);
        // "x" is neither a float nor a duration: the add is skipped, as getFloat fails.
        expect(samples.get(`my_bytes_total{app=a,${id}}`)).toBe(42);
        expect(samples.has(`my_bytes_total{app=b,${id}}`)).toBe(false);
        // Bytes of UTF-8, not UTF-16 units: "é" is two.
        expect(samples.get(`loki_process_custom_line_bytes{app=a,${id}}`)).toBe(lineA1.length + lineA2.length + 1);
        expect(samples.get(`loki_process_custom_last_bytes{app=a,${id}}`)).toBe(32);
        // 5ms is 0.005 s (a Go duration); 0.5 and 2 are floats.
        expect(samples.get(`loki_process_custom_latency_seconds_bucket{app=a,${id},le=0.01}`)).toBe(1);
        expect(samples.get(`loki_process_custom_latency_seconds_bucket{app=a,${id},le=1}`)).toBe(2);
        expect(samples.get(`loki_process_custom_latency_seconds_bucket{app=a,${id},le=+Inf}`)).toBe(2);
        expect(samples.get(`loki_process_custom_latency_seconds_sum{app=a,${id}}`)).toBeCloseTo(0.505);
        expect(samples.get(`loki_process_custom_latency_seconds_count{app=b,${id}}`)).toBe(1);
        expect(types.get('loki_process_custom_requests_total')).toBe('counter');
        expect(types.get('loki_process_custom_last_bytes')).toBe('gauge');
        expect(types.get('loki_process_custom_latency_seconds')).toBe('histogram');
        // The __path__ label (reserved "__" prefix) is not a label of the series.
        expect([...samples.keys()].some((k) => k.includes('__path__'))).toBe(false);

        await running.stop();
        expect((await running.ctx.registry.metrics()).includes('loki_process_custom_')).toBe(false);
    });

    it('two instances with the same metric name share one family, each with its own series', async () => {
        const registry = new Registry();
        const stages: StageSpec[] = [['metrics', {}, { 'metric.counter': body({ name: 'lines', match_all: true, action: 'inc' }) }]];
        const start = async (label: string) => {
            const sink = entrySink();
            const r = await startComponent(lokiProcess, processBody(stages, sink), { label, registry });
            return { r, receiver: r.ctx.exportPayload<LogsReceiver>('receiver') };
        };
        const one = await start('one');
        const two = await start('two');
        await one.receiver.appendEntries([entry('x'), entry('y')]);
        await two.receiver.appendEntries([entry('z')]);
        const { samples } = await scrape(registry);
        expect(samples.get('loki_process_custom_lines{component_id=loki.process.one}')).toBe(2);
        expect(samples.get('loki_process_custom_lines{component_id=loki.process.two}')).toBe(1);
        await one.r.stop();
        const after = await scrape(registry);
        expect(after.samples.has('loki_process_custom_lines{component_id=loki.process.one}')).toBe(false);
        expect(after.samples.get('loki_process_custom_lines{component_id=loki.process.two}')).toBe(1);
    });

    it("refuses Alloy's invalid metric configurations with its words", async () => {
        const counter = (attrs: Record<string, unknown>) => [['metrics', {}, { 'metric.counter': body({ name: 'c', ...attrs }) }]] as StageSpec[];
        const gauge = (attrs: Record<string, unknown>) => [['metrics', {}, { 'metric.gauge': body({ name: 'g', ...attrs }) }]] as StageSpec[];
        expect(await buildError(counter({ action: 'set' }))).toMatch(/the 'action' counter field must be either 'inc' or 'add'$/);
        expect(await buildError(counter({ action: 'inc', match_all: true, value: 'x' }))).toMatch(/a 'counter' metric supports either 'match_all' or a 'value', but not both$/);
        expect(await buildError(gauge({ action: 'inc', max_idle_duration: '500ms' }))).toMatch(/max_idle_duration must be greater or equal than 1s$/);
        expect(await buildError(gauge({ action: 'up' }))).toMatch(/the 'action' gauge field must be one of the following values: \[set, inc, dec, add, sub\]$/);
    });
});

describe('stage.limit (stages/limit.go)', () => {
    it('with drop, passes a burst and drops the rest, counted as ratelimit_drop_stage', async () => {
        const { running, receiver, sink } = await startProcess([['limit', { rate: 0.001, burst: 3, drop: true }]], 'drops');
        await receiver.appendEntries(['1', '2', '3', '4', '5'].map((l) => entry(l)));
        expect(sink.entries.map((e) => e.line)).toEqual(['1', '2', '3']);
        expect(await metricValue(running.ctx.registry, 'loki_process_dropped_lines_total', { component_id: 'loki.process.drops', reason: 'ratelimit_drop_stage' })).toBe(2);
    });

    it('by label: one bucket per value, lines without the label pass, drops counted per label', async () => {
        const { running, receiver, sink } = await startProcess([['limit', { rate: 0.001, burst: 1, drop: true, by_label_name: 'app' }]], 'bylabel');
        await receiver.appendEntries([entry('a1', { app: 'a' }), entry('a2', { app: 'a' }), entry('b1', { app: 'b' }), entry('n1'), entry('n2')]);
        expect(sink.entries.map((e) => e.line)).toEqual(['a1', 'b1', 'n1', 'n2']);
        expect(await metricValue(running.ctx.registry, 'loki_process_dropped_lines_by_label_total', { label_name: 'app', label_value: 'a' })).toBe(1);
    });

    it('without drop, holds lines back in order and releases them as tokens come', async () => {
        const { receiver, sink } = await startProcess([['limit', { rate: 50, burst: 2 }]]);
        await receiver.appendEntries(['1', '2', '3', '4'].map((l) => entry(l)));
        expect(sink.entries.map((e) => e.line)).toEqual(['1', '2']);
        await waitFor(() => sink.entries.length === 4, 5000);
        expect(sink.entries.map((e) => e.line)).toEqual(['1', '2', '3', '4']);
    });

    it('refuses a rate or burst of 0, and by_label_name without drop', async () => {
        expect(await buildError([['limit', { rate: 0, burst: 1 }]])).toMatch(/invalid stage config limit stage failed to parse rate or burst$/);
        expect(await buildError([['limit', { rate: 1, burst: 1, by_label_name: 'app' }]])).toMatch(/invalid stage config when ratelimiting by label, drop must be true$/);
    });

    it('a token bucket refills at `rate` per second up to `burst`', () => {
        let now = 0;
        const b = new TokenBucket(2, 2, () => now);
        expect([b.allow(), b.allow(), b.allow()]).toEqual([true, true, false]);
        expect(b.waitMs()).toBe(500);
        now = 500;
        expect([b.allow(), b.allow()]).toEqual([true, false]);
        now = 10_000;
        expect([b.allow(), b.allow(), b.allow()]).toEqual([true, true, false]);
    });
});

describe('stage.eventlogmessage (stages/eventlogmessage.go)', () => {
    it('splits "Key: value" lines into extracted values, sanitising keys and keeping existing ones', async () => {
        const message = 'Account Name: alice\r\nLogon ID: 0x3e7\r\nno colon here\r\n1st: x\r\nlevel: warn';
        const out = await run(
            [
                ['json', { expressions: { message: '', level: '' } }],
                ['eventlogmessage', {}],
                ['labels', { values: { Account_Name: '', Logon_ID: '', _st: '', level: '', level_extracted: '' } }],
            ],
            [JSON.stringify({ message, level: 'info' })],
        );
        expect(out[0].labels).toEqual({ Account_Name: 'alice', Logon_ID: '0x3e7', _st: 'x', level: 'info', level_extracted: 'warn' });
    });

    it('drop_invalid_labels skips keys that are not label names; overwrite_existing replaces', async () => {
        const out = await run(
            [
                ['json', { expressions: { msg: '', level: '' } }],
                ['eventlogmessage', { source: 'msg', drop_invalid_labels: true, overwrite_existing: true }],
                ['labels', { values: { Account_Name: '', level: '' } }],
            ],
            [JSON.stringify({ msg: 'Account Name: alice\r\nlevel: warn', level: 'info' })],
        );
        expect(out[0].labels).toEqual({ level: 'warn' });
    });

    it('refuses a source that is not a label name', async () => {
        expect(await buildError([['eventlogmessage', { source: 'not valid' }]])).toMatch(/invalid label name: not valid$/);
    });
});
