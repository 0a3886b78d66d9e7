// What the extension knows about the current (or last) run, folded from the runtime's results
// and notifications: the status bar, the panel and the commands all read it. Pure: no I/O,
// no `vscode`; the clock is injectable for tests.

import type {
    ComponentInfo,
    FlushEvent,
    HealthEvent,
    MetricsSnapshot,
    PauseEvent,
    RunResult,
    RuntimeState,
} from '../../protocol/runtime.js';
import { FLUSH_EVENTS_KEPT, type FlushTotals, PAUSE_EVENTS_KEPT, type RuntimeStatus, type SessionSnapshot } from '../webview/messages.js';
import { ratePerSecond, type Rates } from '../webview/state/rates.js';

const EMPTY_TOTALS: FlushTotals = { flushes: 0, exported: 0, dropped: 0 };

function pushBounded<T>(list: T[], item: T, limit: number): void {
    list.push(item);
    if (list.length > limit) list.splice(0, list.length - limit);
}

export class SessionModel {
    private statusValue: RuntimeStatus;
    private componentList: ComponentInfo[] = [];
    private indexById = new Map<string, number>();
    private metricsValue: MetricsSnapshot | null = null;
    private ratesValue: Rates | null = null;
    private readonly pauseLog: PauseEvent[] = [];
    private readonly flushLog: FlushEvent[] = [];
    private totals: FlushTotals = EMPTY_TOTALS;
    private metricsUrlValue: string | undefined;

    constructor(private readonly now: () => number = Date.now) {
        this.statusValue = { state: 'idle', since: now(), metricsAvailable: false };
    }

    get status(): RuntimeStatus {
        return this.statusValue;
    }

    get metrics(): MetricsSnapshot | null {
        return this.metricsValue;
    }

    /** Samples and errors per second across all components, from the last two metrics snapshots. */
    get rates(): Rates | null {
        return this.ratesValue;
    }

    get metricsUrl(): string | undefined {
        return this.metricsUrlValue;
    }

    get flushTotals(): FlushTotals {
        return this.totals;
    }

    component(globalId: string): ComponentInfo | undefined {
        const i = this.indexById.get(globalId);
        return i === undefined ? undefined : this.componentList[i];
    }

    /** Forgets the previous run and starts a new one. */
    begin(target: string): RuntimeStatus {
        this.setTopology([]);
        this.metricsValue = null;
        this.ratesValue = null;
        this.pauseLog.length = 0;
        this.flushLog.length = 0;
        this.totals = EMPTY_TOTALS;
        this.metricsUrlValue = undefined;
        const now = this.now();
        this.statusValue = { state: 'starting', since: now, startedAt: now, target, metricsAvailable: false };
        return this.statusValue;
    }

    /** The run request succeeded. Returns the new status. */
    started(result: RunResult): RuntimeStatus {
        this.setTopology(result.components);
        this.metricsUrlValue = result.metricsUrl;
        // The runtime's own `running` notification may have arrived before the response.
        const current = this.statusValue;
        return this.setState(current.state === 'starting' ? 'running' : current.state, current.reason);
    }

    /** Applies a state change; the pause outcome stays attached while Paused. */
    setState(state: RuntimeState | 'idle', reason?: string, time = this.now()): RuntimeStatus {
        const previous = this.statusValue;
        const lastPause = this.pauseLog.at(-1);
        const active = state === 'running' || state === 'pausing' || state === 'paused';
        this.statusValue = {
            state,
            since: state === previous.state ? previous.since : time,
            target: previous.target,
            startedAt: previous.startedAt,
            metricsAvailable: active && this.metricsUrlValue !== undefined,
            ...(reason ? { reason } : {}),
            ...(state === 'paused' && lastPause?.state === 'paused' && lastPause.drainedOnPause !== undefined
                ? { drainedOnPause: lastPause.drainedOnPause }
                : {}),
        };
        return this.statusValue;
    }

    /** The run ended abnormally. A failure already recorded keeps its (more specific) reason. */
    fail(reason: string): RuntimeStatus {
        if (this.statusValue.state === 'failed') return this.statusValue;
        return this.setState('failed', reason);
    }

    setTopology(components: readonly ComponentInfo[]): void {
        this.componentList = [...components];
        this.indexById = new Map(this.componentList.map((c, i) => [c.globalId, i]));
    }

    applyHealth(event: HealthEvent): boolean {
        const i = this.indexById.get(event.globalId);
        if (i === undefined) return false;
        this.componentList[i] = { ...this.componentList[i], health: event.health };
        return true;
    }

    applyMetrics(snapshot: MetricsSnapshot): void {
        const previous = this.metricsValue;
        if (previous) {
            const seconds = (snapshot.time - previous.time) / 1000;
            this.ratesValue = {
                samplesInPerSecond: ratePerSecond(previous.totals.samplesIn, snapshot.totals.samplesIn, seconds),
                samplesOutPerSecond: ratePerSecond(previous.totals.samplesOut, snapshot.totals.samplesOut, seconds),
                errorsPerSecond: ratePerSecond(previous.totals.errors, snapshot.totals.errors, seconds),
            };
        }
        this.metricsValue = snapshot;
    }

    /** Records a pause step; false for a repeat of the last one (the request's answer repeats the notification). */
    applyPause(event: PauseEvent): boolean {
        const last = this.pauseLog.at(-1);
        if (last && last.time === event.time && last.state === event.state) return false;
        pushBounded(this.pauseLog, event, PAUSE_EVENTS_KEPT);
        // The pause event is the authority on Pausing/Paused (and carries drainedOnPause);
        // the runtime's state notification that follows agrees with it.
        const state = this.statusValue.state;
        if (state === 'running' || state === 'pausing' || state === 'paused') this.setState(event.state, event.reason, event.time);
        return true;
    }

    applyFlush(event: FlushEvent): FlushTotals {
        pushBounded(this.flushLog, event, FLUSH_EVENTS_KEPT);
        this.totals = {
            flushes: this.totals.flushes + 1,
            exported: this.totals.exported + event.exported,
            dropped: this.totals.dropped + event.dropped,
        };
        return this.totals;
    }

    snapshot(): SessionSnapshot {
        return {
            status: this.statusValue,
            components: this.componentList,
            metrics: this.metricsValue,
            pauseEvents: [...this.pauseLog],
            flushEvents: [...this.flushLog],
            flushTotals: this.totals,
        };
    }
}
