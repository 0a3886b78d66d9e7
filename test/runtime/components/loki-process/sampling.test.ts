// stage.sampling: expectations follow Alloy's stages/sampling.go.

import { afterEach, describe, expect, it } from 'vitest';
import { metricValue, stopAll } from '../harness.js';
import { buildError, entry, startProcess } from './helpers.js';

afterEach(stopAll);

describe('stage.sampling (stages/sampling.go)', () => {
    it('rate 1 keeps every entry, rate 0 drops every one and counts it under drop_counter_reason', async () => {
        const all = await startProcess([['sampling', { rate: 1 }]]);
        await all.receiver.appendEntries([entry('a'), entry('b')]);
        expect(all.sink.entries.map((e) => e.line)).toEqual(['a', 'b']);
        const none = await startProcess([['sampling', { rate: 0, drop_counter_reason: 'sampled_out' }]], 'none');
        await none.receiver.appendEntries([entry('a'), entry('b'), entry('c')]);
        expect(none.sink.entries).toEqual([]);
        expect(await metricValue(none.running.ctx.registry, 'loki_process_dropped_lines_total', { component_id: 'loki.process.none', reason: 'sampled_out' })).toBe(3);
    });

    it('rate 0.5 keeps about half', async () => {
        const { receiver, sink } = await startProcess([['sampling', { rate: 0.5 }]]);
        await receiver.appendEntries(Array.from({ length: 2000 }, (_, i) => entry(String(i))));
        expect(sink.entries.length).toBeGreaterThan(800);
        expect(sink.entries.length).toBeLessThan(1200);
    });

    it('refuses a rate outside 0..1', async () => {
        expect(await buildError([['sampling', { rate: 1.5 }]])).toBe(
            'stage.sampling: sampling stage failed to parse rate,Sampling Rate must be between 0.0 and 1.0, received 1.500000',
        );
    });
});
