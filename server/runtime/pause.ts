// Pausing a pipeline with a grace period, and resuming it.
//
// pause(grace): Running → Pausing → Paused. Sources stop producing first;
// then a reconcile loop asks whether everything in flight drained (every
// component's pending() and the controller's queues). Drained → Paused with
// drainedOnPause=true. Otherwise, once the grace period has passed → Paused
// with drainedOnPause=false and the reason.
//
// Numaflow #2088: its controller returned early when buffer information could
// not be read, before it reached the grace-period check, so a pipeline whose
// buffers could not be inspected never paused. Here the deadline is computed
// at the top of every reconcile, before anything that can throw, and a failed
// drain check is remembered and reported rather than returned early from.
// The pause start time is set once, on entering Pausing; retries never move
// the deadline.

import type { PauseEvent } from '../../protocol/runtime.js';

export type PauseState = 'running' | 'pausing' | 'paused';

export interface PauseHooks {
    /** Stops the sources (components with `source: true`). */
    pauseSources(): Promise<void>;
    resumeSources(): Promise<void>;
    /** Items still in flight (components' pending() plus queued evaluations); throws when it cannot tell. */
    inFlight(): number;
}

export interface PauseOptions {
    /** Time between reconciles (default 50 ms). */
    readonly intervalMs?: number;
    readonly now?: () => number;
    /** Events kept in the history (default 100). */
    readonly historySize?: number;
}

export class PauseController {
    private current: PauseState = 'running';
    private pauseStartedAt = 0;
    private deadline = 0;
    private timer?: NodeJS.Timeout;
    private lastError?: string;
    private waiters: Array<(e: PauseEvent) => void> = [];
    private readonly history: PauseEvent[] = [];
    private generation = 0;
    private sourcesStopped = false;
    private readonly intervalMs: number;
    private readonly now: () => number;
    private readonly historySize: number;
    /** Drain checks that failed during the current pause. */
    failedChecks = 0;

    constructor(
        private readonly hooks: PauseHooks,
        private readonly emit: (event: PauseEvent) => void,
        options: PauseOptions = {},
    ) {
        this.intervalMs = options.intervalMs ?? 50;
        this.now = options.now ?? Date.now;
        this.historySize = options.historySize ?? 100;
    }

    get state(): PauseState {
        return this.current;
    }

    get events(): readonly PauseEvent[] {
        return this.history;
    }

    /** The last Paused event of this runtime, if any. */
    get lastPaused(): PauseEvent | undefined {
        for (let i = this.history.length - 1; i >= 0; i--) if (this.history[i].state === 'paused') return this.history[i];
        return undefined;
    }

    /** Starts pausing; resolves with the Paused event (or the Running one if resumed first). */
    pause(graceSeconds: number): Promise<PauseEvent> {
        if (!(graceSeconds >= 0)) return Promise.reject(new Error(`the grace period must be a number of seconds ≥ 0, got ${graceSeconds}`));
        if (this.current === 'paused') return Promise.resolve(this.lastPaused!);
        const done = new Promise<PauseEvent>((resolve) => this.waiters.push(resolve));
        if (this.current === 'pausing') return done;

        const generation = ++this.generation;
        this.pauseStartedAt = this.now(); // once, here: retries do not move the deadline
        this.deadline = this.pauseStartedAt + graceSeconds * 1000;
        this.lastError = undefined;
        this.failedChecks = 0;
        this.transition({ time: this.pauseStartedAt, state: 'pausing', reason: `grace period ${graceSeconds}s` });
        // The loop starts now, not when the sources have stopped: a source that
        // never finishes stopping must not keep the grace period from ending.
        this.sourcesStopped = false;
        this.hooks.pauseSources().then(
            () => {
                if (generation === this.generation) this.sourcesStopped = true;
            },
            (e: unknown) => {
                if (generation === this.generation) this.lastError = `stopping the sources failed: ${message(e)}`;
            },
        );
        this.schedule(generation, 0);
        return done;
    }

    /** Back to Running; sources produce again. Resolves with the Running event. */
    async resume(): Promise<PauseEvent> {
        if (this.current === 'running') return this.history[this.history.length - 1] ?? { time: this.now(), state: 'running' };
        this.generation++;
        clearTimeout(this.timer);
        this.timer = undefined;
        await this.hooks.resumeSources();
        const event: PauseEvent = { time: this.now(), state: 'running', reason: 'resumed' };
        this.transition(event);
        return event;
    }

    /** Stops the reconcile loop (the runtime is stopping). */
    dispose(): void {
        this.generation++;
        clearTimeout(this.timer);
        this.timer = undefined;
    }

    private schedule(generation: number, delay: number): void {
        if (generation !== this.generation) return;
        this.timer = setTimeout(() => this.reconcile(generation), delay);
    }

    private reconcile(generation: number): void {
        if (generation !== this.generation || this.current !== 'pausing') return;
        // The deadline first: nothing below may keep it from being honoured.
        const now = this.now();
        const graceOver = now >= this.deadline;
        let drained = false;
        let pending: number | undefined;
        try {
            if (this.sourcesStopped) {
                pending = this.hooks.inFlight();
                drained = pending === 0;
            }
        } catch (e) {
            this.failedChecks++;
            this.lastError = `buffer information unavailable: ${message(e)}`;
        }
        if (drained) {
            this.finish({ time: now, state: 'paused', drainedOnPause: true, reason: 'everything in flight drained' });
        } else if (graceOver) {
            const why =
                pending !== undefined ? `${pending} item${pending === 1 ? '' : 's'} still in flight` : (this.lastError ?? (this.sourcesStopped ? 'not drained' : 'the sources did not stop'));
            const lastError = pending === undefined || !this.lastError ? '' : ` (earlier: ${this.lastError})`;
            this.finish({ time: now, state: 'paused', drainedOnPause: false, reason: `grace period of ${(this.deadline - this.pauseStartedAt) / 1000}s ended: ${why}${lastError}` });
        } else {
            // Wake up at the deadline at the latest, so the grace period ends on time.
            this.schedule(generation, Math.max(0, Math.min(this.intervalMs, this.deadline - now)));
        }
    }

    private finish(event: PauseEvent): void {
        this.timer = undefined;
        this.transition(event);
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w(event);
    }

    private transition(event: PauseEvent): void {
        this.current = event.state;
        this.history.push(event);
        if (this.history.length > this.historySize) this.history.splice(0, this.history.length - this.historySize);
        if (event.state === 'running') {
            const waiters = this.waiters;
            this.waiters = [];
            for (const w of waiters) w(event);
        }
        this.emit(event);
    }
}

function message(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}
