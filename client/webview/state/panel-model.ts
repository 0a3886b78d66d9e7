// The panel's data, folded from host messages: components with their health and current rates,
// the metrics history, the pause timeline and the span flush log. `apply` says what changed so
// the view touches only that (with thousands of components a metrics tick must not rebuild the
// graph). Pure and DOM-free: unit-tested as the panel's reducer.

import type { ComponentInfo, FlushEvent, HealthState, MetricsSnapshot, PauseEvent } from '../../../protocol/runtime.js';
import { FLUSH_EVENTS_KEPT, type FlushTotals, type HostMessage, PAUSE_EVENTS_KEPT, type RuntimeStatus, type SessionSnapshot } from '../messages.js';
import { MetricHistory, type Reading } from './metric-history.js';
import { ratePerSecond, type Rates } from './rates.js';

export interface ComponentView {
    readonly info: ComponentInfo;
    health: HealthState;
    healthMessage: string;
    /** Null until two metrics snapshots have been seen. */
    rates: Rates | null;
    queueDepth: number | null;
    /** Counters of the previous snapshot, for rates. */
    counters: { time: number; samplesIn: number; samplesOut: number; errors: number } | null;
}

export type ModelChange =
    /** Everything (a new or restored session). */
    | { readonly kind: 'reset' }
    | { readonly kind: 'status' }
    | { readonly kind: 'topology' }
    /** Health or rates of these components. */
    | { readonly kind: 'components'; readonly ids: readonly string[] }
    | { readonly kind: 'pause' }
    | { readonly kind: 'flush'; readonly event: FlushEvent };

const LIVE_STATES = new Set(['starting', 'running', 'pausing', 'paused', 'stopping']);
const NO_TOTALS: FlushTotals = { flushes: 0, exported: 0, dropped: 0 };

export class PanelModel {
    status: RuntimeStatus | null = null;
    /** True while the panel shows a session restored from its saved state, with no runtime behind it. */
    stale = false;
    readonly components = new Map<string, ComponentView>();
    /** Incremented on every topology change: the graph is laid out again only then. */
    topologyVersion = 0;
    readonly history: MetricHistory;
    pauseEvents: PauseEvent[] = [];
    flushEvents: FlushEvent[] = [];
    flushTotals: FlushTotals = NO_TOTALS;
    /** The last metrics snapshot's summary. */
    uptimeSeconds: number | null = null;
    totals: Rates | null = null;
    private lastTotals: { time: number; samplesIn: number; samplesOut: number; errors: number } | null = null;

    constructor(historyCapacity = 120) {
        this.history = new MetricHistory(historyCapacity);
    }

    apply(message: HostMessage): ModelChange {
        switch (message.type) {
            case 'init':
                if (message.session) this.load(message.session, false);
                else if (this.components.size > 0) this.stale = true;
                else this.status = { state: 'idle', since: Date.now(), metricsAvailable: false };
                return { kind: 'reset' };
            case 'status':
                this.status = message.status;
                this.stale = false;
                return { kind: 'status' };
            case 'topology':
                this.setTopology(message.components);
                return { kind: 'topology' };
            case 'metrics':
                return { kind: 'components', ids: this.applyMetrics(message.snapshot) };
            case 'health': {
                const ids: string[] = [];
                for (const e of message.events) {
                    const view = this.components.get(e.globalId);
                    if (!view) continue;
                    view.health = e.health.state;
                    view.healthMessage = e.health.message;
                    ids.push(e.globalId);
                }
                return { kind: 'components', ids };
            }
            case 'pause':
                this.pauseEvents.push(message.event);
                if (this.pauseEvents.length > PAUSE_EVENTS_KEPT) this.pauseEvents.shift();
                return { kind: 'pause' };
            case 'flush':
                this.flushEvents.push(message.event);
                if (this.flushEvents.length > FLUSH_EVENTS_KEPT) this.flushEvents.shift();
                this.flushTotals = message.totals;
                return { kind: 'flush', event: message.event };
        }
    }

    /**
     * Shows a session saved before the webview was reloaded; it stays marked stale until the host
     * says what runs now. A run that was live then is not live any more.
     */
    restore(session: SessionSnapshot): void {
        this.load(session, true);
        const status = this.status!;
        if (LIVE_STATES.has(status.state)) {
            this.status = { ...status, state: 'stopped', reason: 'the panel was reloaded', metricsAvailable: false };
        }
    }

    /** The session as the webview saves it (without metrics: they are stale after a reload). */
    toSnapshot(): SessionSnapshot | null {
        if (!this.status) return null;
        return {
            status: this.status,
            components: [...this.components.values()].map((v) => ({
                ...v.info,
                health: { state: v.health, message: v.healthMessage, updatedAt: v.info.health.updatedAt },
            })),
            metrics: null,
            pauseEvents: this.pauseEvents,
            flushEvents: this.flushEvents,
            flushTotals: this.flushTotals,
        };
    }

    private load(session: SessionSnapshot, stale: boolean): void {
        this.status = session.status;
        this.stale = stale;
        this.history.clear();
        this.lastTotals = null;
        this.totals = null;
        this.uptimeSeconds = null;
        this.setTopology(session.components);
        this.pauseEvents = session.pauseEvents.slice(-PAUSE_EVENTS_KEPT);
        this.flushEvents = session.flushEvents.slice(-FLUSH_EVENTS_KEPT);
        this.flushTotals = session.flushTotals;
        if (session.metrics) this.applyMetrics(session.metrics);
    }

    private setTopology(components: readonly ComponentInfo[]): void {
        const previous = new Map(this.components);
        this.components.clear();
        for (const info of components) {
            const old = previous.get(info.globalId);
            this.components.set(info.globalId, {
                info,
                health: info.health.state,
                healthMessage: info.health.message,
                // A component that survives a reload keeps its rates and history.
                rates: old?.rates ?? null,
                queueDepth: old?.queueDepth ?? null,
                counters: old?.counters ?? null,
            });
        }
        this.history.retain(new Set(this.components.keys()));
        this.topologyVersion++;
    }

    /** Returns the components whose health or rates changed. */
    private applyMetrics(snapshot: MetricsSnapshot): string[] {
        const ids: string[] = [];
        const readings = new Map<string, Reading>();
        for (const m of snapshot.components) {
            const view = this.components.get(m.globalId);
            if (!view) continue;
            const previous = view.counters;
            if (previous && snapshot.time > previous.time) {
                const seconds = (snapshot.time - previous.time) / 1000;
                view.rates = {
                    samplesInPerSecond: ratePerSecond(previous.samplesIn, m.samplesIn, seconds),
                    samplesOutPerSecond: ratePerSecond(previous.samplesOut, m.samplesOut, seconds),
                    errorsPerSecond: ratePerSecond(previous.errors, m.errors, seconds),
                };
            }
            view.counters = { time: snapshot.time, samplesIn: m.samplesIn, samplesOut: m.samplesOut, errors: m.errors };
            view.queueDepth = m.queueDepth;
            view.health = m.health;
            const r = view.rates;
            readings.set(m.globalId, [
                r ? r.samplesInPerSecond : NaN,
                r ? r.samplesOutPerSecond : NaN,
                r ? r.errorsPerSecond : NaN,
                m.queueDepth ?? NaN,
            ]);
            ids.push(m.globalId);
        }
        this.history.push(snapshot.time, readings);
        const t = snapshot.totals;
        if (this.lastTotals && snapshot.time > this.lastTotals.time) {
            const seconds = (snapshot.time - this.lastTotals.time) / 1000;
            this.totals = {
                samplesInPerSecond: ratePerSecond(this.lastTotals.samplesIn, t.samplesIn, seconds),
                samplesOutPerSecond: ratePerSecond(this.lastTotals.samplesOut, t.samplesOut, seconds),
                errorsPerSecond: ratePerSecond(this.lastTotals.errors, t.errors, seconds),
            };
        }
        this.lastTotals = { time: snapshot.time, ...t };
        this.uptimeSeconds = snapshot.uptimeSeconds;
        return ids;
    }
}
