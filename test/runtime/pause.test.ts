// Pause with a grace period (Numaflow #2088): drained → Paused with
// drainedOnPause=true; grace over → Paused with drainedOnPause=false and the
// reason, even when buffer information cannot be read at all; resume loses
// nothing.

import { afterEach, describe, expect, it } from 'vitest';
import { PauseController } from '../../server/runtime/pause.js';
import type { PauseEvent } from '../../protocol/runtime.js';
import type { Runtime } from '../../server/runtime/runtime.js';
import { exportNumber, sleep, startRuntime, waitFor } from './helpers.js';

let rt: Runtime | undefined;
afterEach(async () => {
    await rt?.stop('test done');
    rt = undefined;
});

const RECEIVER = 'testcomponents.summation_receiver.r';

function pipeline(opts: { max: number; batch: number; frequency: string; lag: string; perTick: number; receiverExtra?: string }): string {
    return `
testcomponents.pulse "p" {
	frequency  = "${opts.frequency}"
	max        = ${opts.max}
	batch      = ${opts.batch}
	forward_to = [testcomponents.summation_receiver.r.receiver]
}

testcomponents.summation_receiver "r" {
	lag      = "${opts.lag}"
	per_tick = ${opts.perTick}
${opts.receiverExtra ?? ''}
}
`;
}

describe('pause', () => {
    it('drains in-flight data, then Paused with drainedOnPause=true', async () => {
        // The source outpaces the receiver, so a backlog builds up.
        ({ rt } = await startRuntime({ 'main.alloy': pipeline({ max: 1_000_000, batch: 20, frequency: '5ms', lag: '10ms', perTick: 10 }) }));
        const runtime = rt;
        await waitFor(() => (runtime['controller'].pendingOf(runtime['controller'].node(RECEIVER)!) ?? 0) >= 100, 5000, 'a backlog');
        const t0 = Date.now();
        const paused = await rt.pause(10);
        const ms = Date.now() - t0;
        console.log(`[measure] drained a backlog and paused in ${ms} ms`);
        expect(paused.state).toBe('paused');
        expect(paused.drainedOnPause).toBe(true);
        expect(rt.state).toBe('paused');
        expect(rt['controller'].inFlight()).toBe(0);
        // Everything the source sent arrived.
        const sent = rt.metricsSnapshot().components.find((c) => c.globalId === 'testcomponents.pulse.p')!.samplesOut;
        expect(exportNumber(rt, RECEIVER, 'received')).toBe(sent);
        expect(rt.pauseEvents.map((e) => e.state)).toEqual(['pausing', 'paused']);
    });

    it('when pending() always throws, the grace period still ends the pause (Paused within grace + 200 ms, drainedOnPause=false, with the reason)', async () => {
        ({ rt } = await startRuntime(
            { 'main.alloy': pipeline({ max: 1_000_000, batch: 1, frequency: '5ms', lag: '0s', perTick: 1, receiverExtra: '\tpending_error = "failed to get information of buffer \\"r-0\\""' }) },
            { drainOnStopMs: 100 },
        ));
        const grace = 1;
        const t0 = Date.now();
        const paused = await rt.pause(grace);
        const ms = Date.now() - t0;
        console.log(`[measure] pending() always failing: Paused after ${ms} ms (grace ${grace * 1000} ms)`);
        expect(paused.drainedOnPause).toBe(false);
        expect(paused.reason).toContain('failed to get information of buffer "r-0"');
        expect(ms).toBeGreaterThanOrEqual(grace * 1000 - 5);
        expect(ms).toBeLessThan(grace * 1000 + 200);
        expect(rt.state).toBe('paused');
    });

    it('buffer info failing first, then recovering: Paused drained without waiting for the grace period', async () => {
        ({ rt } = await startRuntime({ 'main.alloy': pipeline({ max: 1_000_000, batch: 1, frequency: '5ms', lag: '0s', perTick: 1, receiverExtra: '\tpending_error = "buffer service restarting"\n\tpending_error_for = "600ms"' }) }));
        const runtime = rt;
        let failures = 0;
        const t0 = Date.now();
        const pausing = rt.pause(30);
        await waitFor(() => (failures = runtime['pauser'].failedChecks) > 0, 2000, 'a failed drain check');
        const paused = await pausing;
        const ms = Date.now() - t0;
        console.log(`[measure] buffer info failed ${runtime['pauser'].failedChecks}× then recovered: Paused after ${ms} ms (grace 30 s)`);
        expect(failures).toBeGreaterThan(0);
        expect(paused.drainedOnPause).toBe(true);
        expect(ms).toBeLessThan(2000);
    });

    it('ends with drainedOnPause=false and the count when data is still in flight at the deadline', async () => {
        ({ rt } = await startRuntime({ 'main.alloy': pipeline({ max: 1_000_000, batch: 50, frequency: '2ms', lag: '50ms', perTick: 1 }) }, { drainOnStopMs: 100 }));
        const runtime = rt;
        await waitFor(() => (runtime['controller'].pendingOf(runtime['controller'].node(RECEIVER)!) ?? 0) >= 500, 5000, 'a big backlog');
        const paused = await rt.pause(0.3);
        expect(paused.drainedOnPause).toBe(false);
        expect(paused.reason).toMatch(/grace period of 0.3s ended: \d+ items still in flight/);
    });

    it('resume restores Running with nothing lost; state changes are timestamped events', async () => {
        const max = 400;
        ({ rt } = await startRuntime({ 'main.alloy': pipeline({ max, batch: 5, frequency: '2ms', lag: '4ms', perTick: 5 }) }));
        const runtime = rt;
        const events: PauseEvent[] = [];
        const states: string[] = [];
        rt.on('pause', (e) => events.push(e));
        rt.on('state', (e) => states.push(e.state));
        await waitFor(() => (exportNumber(runtime, RECEIVER, 'received') ?? 0) >= 50, 5000, 'some data');
        const paused = await rt.pause(10);
        expect(paused.drainedOnPause).toBe(true);
        const atPause = exportNumber(rt, RECEIVER, 'received')!;
        expect(atPause).toBeLessThan(max);
        await sleep(100);
        expect(exportNumber(rt, RECEIVER, 'received')).toBe(atPause); // the source really stopped
        const resumed = await rt.resume();
        expect(resumed.state).toBe('running');
        expect(rt.state).toBe('running');
        await waitFor(() => exportNumber(runtime, RECEIVER, 'received') === max, 10_000, 'every value');
        expect(exportNumber(rt, RECEIVER, 'sum')).toBe((max * (max + 1)) / 2);
        expect(events.map((e) => e.state)).toEqual(['pausing', 'paused', 'running']);
        expect(states).toEqual(['pausing', 'paused', 'running']);
        for (const e of events) expect(e.time).toBeGreaterThan(Date.now() - 60_000);
        expect(events[1].time).toBeGreaterThanOrEqual(events[0].time);
        expect(events[2].time).toBeGreaterThanOrEqual(events[1].time);
    });
});

describe('PauseController', () => {
    it('checks the deadline on every reconcile before the drain check, and retries never move it', async () => {
        let checks = 0;
        const events: PauseEvent[] = [];
        const pc = new PauseController(
            {
                pauseSources: async () => undefined,
                resumeSources: async () => undefined,
                inFlight: () => {
                    checks++;
                    throw new Error(`daemon unavailable #${checks}`);
                },
            },
            (e) => events.push(e),
            { intervalMs: 20 },
        );
        const t0 = Date.now();
        const paused = await pc.pause(0.5);
        const ms = Date.now() - t0;
        expect(paused.drainedOnPause).toBe(false);
        expect(paused.reason).toMatch(/buffer information unavailable: daemon unavailable #\d+/);
        expect(checks).toBeGreaterThan(10);
        expect(ms).toBeGreaterThanOrEqual(495);
        expect(ms).toBeLessThan(700);
        expect(events.map((e) => e.state)).toEqual(['pausing', 'paused']);
        expect(pc.events).toHaveLength(2);
    });

    it('pausing again while Pausing waits for the same outcome; resume while Pausing cancels it', async () => {
        let pending = 5;
        const pc = new PauseController({ pauseSources: async () => undefined, resumeSources: async () => undefined, inFlight: () => pending }, () => undefined, { intervalMs: 10 });
        const a = pc.pause(10);
        const b = pc.pause(10);
        await sleep(30);
        expect(pc.state).toBe('pausing');
        const r = await pc.resume();
        expect(r.state).toBe('running');
        expect((await a).state).toBe('running');
        expect((await b).state).toBe('running');
        pending = 0;
        expect((await pc.pause(10)).drainedOnPause).toBe(true);
    });

    it('keeps a bounded history', async () => {
        const pc = new PauseController({ pauseSources: async () => undefined, resumeSources: async () => undefined, inFlight: () => 0 }, () => undefined, { intervalMs: 1, historySize: 5 });
        for (let i = 0; i < 5; i++) {
            await pc.pause(1);
            await pc.resume();
        }
        expect(pc.events).toHaveLength(5);
    });
});
