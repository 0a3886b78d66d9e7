// Small parts of the panel: update timings, the saved state, and the health batcher.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Batcher } from '../../client/panel/batcher.js';
import { readSavedState } from '../../client/webview/state/saved-state.js';
import { timingStats, UpdateTimings } from '../../client/webview/timings.js';
import { session } from './fixtures.js';

describe('UpdateTimings', () => {
    it('summarises per message type and overall, keeping a bounded window', () => {
        expect(timingStats([])).toEqual({ count: 0, medianMs: 0, p95Ms: 0, maxMs: 0 });
        expect(timingStats([4, 1, 3, 2])).toEqual({ count: 4, medianMs: 2.5, p95Ms: 4, maxMs: 4 });
        const timings = new UpdateTimings(3);
        for (const ms of [100, 1, 2, 3]) timings.record('render', 'metrics', ms);
        timings.record('render', 'topology', 20);
        timings.record('frame', 'metrics', 9);
        const summary = timings.summary(2000);
        expect(summary.render.metrics).toEqual({ count: 3, medianMs: 2, p95Ms: 3, maxMs: 3 });
        expect(summary.render.all.count).toBe(4);
        expect(summary.frame.metrics.medianMs).toBe(9);
        expect(summary.components).toBe(2000);
    });
});

describe('readSavedState', () => {
    it('keeps a valid saved state and drops a malformed session', () => {
        const saved = { version: 1, selected: 'a', filter: 'scrape', zoom: 0.5, scrollLeft: 10, scrollTop: 20, session: session() };
        expect(readSavedState(saved)).toEqual(saved);
        expect(readSavedState({ ...saved, session: { components: 'x' }, zoom: 'big' })).toEqual({ ...saved, session: undefined, zoom: 1 });
    });

    it('starts fresh from nothing or another version', () => {
        const fresh = { version: 1, filter: '', zoom: 1, scrollLeft: 0, scrollTop: 0 };
        expect(readSavedState(undefined)).toEqual(fresh);
        expect(readSavedState({ version: 0, filter: 'x' })).toEqual(fresh);
    });
});

describe('Batcher', () => {
    afterEach(() => vi.useRealTimers());

    it('delivers a burst as one batch after the delay, or at once on flush', () => {
        vi.useFakeTimers();
        const batches: number[][] = [];
        const batcher = new Batcher<number>(50, (items) => batches.push(items));
        for (let i = 0; i < 1000; i++) batcher.add(i);
        expect(batches).toEqual([]);
        vi.advanceTimersByTime(50);
        expect(batches).toHaveLength(1);
        expect(batches[0]).toHaveLength(1000);
        batcher.add(1);
        batcher.flush();
        batcher.add(2);
        batcher.clear();
        vi.advanceTimersByTime(100);
        expect(batches).toEqual([batches[0], [1]]);
    });
});
