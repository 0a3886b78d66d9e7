// The delta of cumulative pprof profiles, as Alloy's fastdelta computes it (scrape/internal/fastdelta).

import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DELTA_PROFILE_TYPES, DeltaComputer } from '../../../../server/runtime/components/pyroscope/pprof-delta.js';
import { buildPprof, readPprof, type SimpleProfile } from './pprof-fixture.js';

const heap = (samples: SimpleProfile['samples'], timeNanos: number): Buffer =>
    zlib.gunzipSync(
        buildPprof({
            sampleTypes: [
                ['alloc_objects', 'count'],
                ['alloc_space', 'bytes'],
                ['inuse_objects', 'count'],
                ['inuse_space', 'bytes'],
            ],
            samples,
            timeNanos,
        }),
    );

describe('pprof delta (fastdelta)', () => {
    it('subtracts the previous alloc_* values, keeps inuse_*, sums duplicate stacks, drops all-zero samples', () => {
        const dc = new DeltaComputer(DELTA_PROFILE_TYPES.memory);
        readPprof(dc.delta(heap([{ stack: ['a', 'main'], values: [5, 500, 1, 100] }, { stack: ['b', 'main'], values: [2, 200, 0, 0] }], 1_000_000_000)));
        const second = readPprof(
            dc.delta(
                heap(
                    [
                        { stack: ['a', 'main'], values: [4, 400, 1, 100] },
                        { stack: ['a', 'main'], values: [4, 400, 0, 0] }, // same stack: summed with the one above
                        { stack: ['b', 'main'], values: [2, 200, 0, 0] }, // nothing new: left out
                    ],
                    3_000_000_000,
                ),
            ),
        );
        expect(second.samples).toEqual([{ stack: ['a', 'main'], values: [3, 300, 1, 100] }]);
        expect(second.durationNanos).toBe(2_000_000_000);
    });

    it('leaves out locations and functions only dropped samples used, keeping string indices valid', () => {
        const dc = new DeltaComputer(DELTA_PROFILE_TYPES.memory);
        dc.delta(heap([{ stack: ['gone'], values: [1, 10, 0, 0] }], 1));
        const out = dc.delta(heap([{ stack: ['gone'], values: [1, 10, 0, 0] }, { stack: ['kept'], values: [1, 10, 0, 0] }], 2));
        const p = readPprof(out);
        expect(p.samples).toEqual([{ stack: ['kept'], values: [1, 10, 0, 0] }]);
        expect(Buffer.from(out).includes('gone')).toBe(false);
    });

    it('refuses what is not a profile, and the next profile only re-seeds the state', () => {
        const dc = new DeltaComputer(DELTA_PROFILE_TYPES.memory);
        expect(() => dc.delta(new Uint8Array([0x0a, 0xff]))).toThrow(/^computing delta: /);
        expect(() => dc.delta(heap([{ stack: ['a'], values: [1, 1, 0, 0] }], 1))).toThrow('delta profiler recovering from bad state, skipping this profile');
        expect(readPprof(dc.delta(heap([{ stack: ['a'], values: [3, 3, 0, 0] }], 2))).samples).toEqual([{ stack: ['a'], values: [2, 2, 0, 0] }]);
    });
});
