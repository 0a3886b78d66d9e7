// The panel's reducer: init, metrics (rates and bounded history), health, pause, flush, topology
// changes and restoring a saved session.
import { describe, expect, it } from 'vitest';
import { FLUSH_EVENTS_KEPT, PANEL_PROTOCOL_VERSION } from '../../client/webview/messages.js';
import { PanelModel } from '../../client/webview/state/panel-model.js';
import { component, metrics, session } from './fixtures.js';

function initialised(): PanelModel {
    const model = new PanelModel(4);
    model.apply({ type: 'init', version: PANEL_PROTOCOL_VERSION, session: session() });
    return model;
}

describe('PanelModel', () => {
    it('starts idle without a session, and loads a session whole', () => {
        const empty = new PanelModel();
        expect(empty.apply({ type: 'init', version: PANEL_PROTOCOL_VERSION, session: null })).toEqual({ kind: 'reset' });
        expect(empty.status?.state).toBe('idle');
        const model = initialised();
        expect([...model.components.keys()]).toEqual(['prometheus.scrape.a', 'prometheus.remote_write.w', 'prometheus.relabel.r']);
        expect(model.topologyVersion).toBe(1);
        expect(model.stale).toBe(false);
    });

    it('turns counters into per-second rates and keeps a bounded history', () => {
        const model = initialised();
        const first = model.apply({ type: 'metrics', snapshot: metrics(1000, { 'prometheus.scrape.a': [0, 0, 0, null] }) });
        expect(first).toEqual({ kind: 'components', ids: ['prometheus.scrape.a'] });
        expect(model.components.get('prometheus.scrape.a')!.rates).toBeNull();
        model.apply({ type: 'metrics', snapshot: metrics(3000, { 'prometheus.scrape.a': [200, 100, 4, 7] }) });
        const view = model.components.get('prometheus.scrape.a')!;
        expect(view.rates).toEqual({ samplesInPerSecond: 100, samplesOutPerSecond: 50, errorsPerSecond: 2 });
        expect(view.queueDepth).toBe(7);
        expect(model.totals).toEqual({ samplesInPerSecond: 100, samplesOutPerSecond: 50, errorsPerSecond: 2 });
        // A counter reset (a restarted component) is not a negative rate.
        model.apply({ type: 'metrics', snapshot: metrics(4000, { 'prometheus.scrape.a': [10, 10, 0, 0] }) });
        expect(model.components.get('prometheus.scrape.a')!.rates!.samplesInPerSecond).toBe(0);
        for (let t = 5000; t <= 9000; t += 1000) model.apply({ type: 'metrics', snapshot: metrics(t, { 'prometheus.scrape.a': [t, t, 0, 1] }) });
        const [times, samplesIn, , , queue] = model.history.series('prometheus.scrape.a');
        expect(times).toEqual([6, 7, 8, 9]);
        expect(samplesIn).toEqual([1000, 1000, 1000, 1000]);
        expect(queue).toEqual([1, 1, 1, 1]);
        // Components without metrics have gaps, not zeros.
        expect(model.history.series('prometheus.remote_write.w')[1]).toEqual([null, null, null, null]);
    });

    it('applies health events to the components they name', () => {
        const model = initialised();
        const change = model.apply({
            type: 'health',
            events: [
                { time: 5, globalId: 'prometheus.relabel.r', health: { state: 'unhealthy', message: 'no targets', updatedAt: 5 } },
                { time: 5, globalId: 'gone', health: { state: 'exited', message: '', updatedAt: 5 } },
            ],
        });
        expect(change).toEqual({ kind: 'components', ids: ['prometheus.relabel.r'] });
        expect(model.components.get('prometheus.relabel.r')).toMatchObject({ health: 'unhealthy', healthMessage: 'no targets' });
    });

    it('records pause steps and span flushes (bounded)', () => {
        const model = initialised();
        expect(model.apply({ type: 'pause', event: { time: 1, state: 'pausing' } })).toEqual({ kind: 'pause' });
        model.apply({ type: 'pause', event: { time: 2, state: 'paused', drainedOnPause: false, reason: 'grace period over' } });
        expect(model.pauseEvents.map((e) => e.state)).toEqual(['pausing', 'paused']);
        for (let i = 0; i < FLUSH_EVENTS_KEPT + 5; i++) {
            const event = { time: i, exported: 2, dropped: 0, reason: 'scheduled' };
            expect(model.apply({ type: 'flush', event, totals: { flushes: i + 1, exported: 2 * (i + 1), dropped: 0 } })).toEqual({ kind: 'flush', event });
        }
        expect(model.flushEvents).toHaveLength(FLUSH_EVENTS_KEPT);
        expect(model.flushEvents[0].time).toBe(5);
        expect(model.flushTotals).toEqual({ flushes: FLUSH_EVENTS_KEPT + 5, exported: 2 * (FLUSH_EVENTS_KEPT + 5), dropped: 0 });
    });

    it('keeps the rates of components that survive a topology change', () => {
        const model = initialised();
        model.apply({ type: 'metrics', snapshot: metrics(1000, { 'prometheus.scrape.a': [0, 0, 0, 0] }) });
        model.apply({ type: 'metrics', snapshot: metrics(2000, { 'prometheus.scrape.a': [10, 10, 0, 0] }) });
        expect(model.apply({ type: 'topology', components: [component('prometheus.scrape.a'), component('prometheus.scrape.new')] })).toEqual({ kind: 'topology' });
        expect(model.topologyVersion).toBe(2);
        expect(model.components.get('prometheus.scrape.a')!.rates!.samplesInPerSecond).toBe(10);
        expect(model.history.has('prometheus.relabel.r')).toBe(false);
    });

    it('restores a saved session as stale and no longer live, until the host answers', () => {
        const saved = initialised();
        saved.apply({ type: 'health', events: [{ time: 5, globalId: 'prometheus.scrape.a', health: { state: 'unhealthy', message: 'down', updatedAt: 5 } }] });
        const snapshot = saved.toSnapshot()!;
        expect(snapshot.metrics).toBeNull();
        const model = new PanelModel();
        model.restore(snapshot);
        expect(model.stale).toBe(true);
        expect(model.status).toMatchObject({ state: 'stopped', reason: 'the panel was reloaded', metricsAvailable: false });
        expect(model.components.get('prometheus.scrape.a')!.health).toBe('unhealthy');
        // No session in the host (the window reloaded): the restored graph stays, marked stale.
        model.apply({ type: 'init', version: PANEL_PROTOCOL_VERSION, session: null });
        expect(model.stale).toBe(true);
        expect(model.components.size).toBe(3);
        // A live session replaces it.
        model.apply({ type: 'init', version: PANEL_PROTOCOL_VERSION, session: session({ components: [component('x.y.z')] }) });
        expect(model.stale).toBe(false);
        expect([...model.components.keys()]).toEqual(['x.y.z']);
    });
});
