// The lifecycle of pipeline runs in the editor: each run gets a fresh worker process (so a
// crashed or wedged runtime is simply replaced), Stop asks the worker to stop in order and then
// ends the process, and a process that dies on its own turns the session Failed with the reason.
// Folds the worker's notifications into a SessionModel and re-emits them as SessionEvents.
// No `vscode` import: tested against a fake worker.

import {
    type ComponentInfo,
    type FlushEvent,
    type HealthEvent,
    type LogEvent,
    type MetricsSnapshot,
    type PauseEvent,
    type ReloadEvent,
    RPC,
    type RunOptions,
    type RunParams,
    type RunResult,
    type StateEvent,
    type StopSummary,
} from '../../protocol/runtime.js';
import { type FlushTotals, isFlushEvent, isMetricsSnapshot, isPauseEvent, type RuntimeStatus } from '../webview/messages.js';
import { firstLine, RuntimeError, toRuntimeError } from './runtime-errors.js';
import { describeExit, type ExitInfo, type RuntimeProcess } from './runtime-process.js';
import { SessionModel } from './session-model.js';

export type SessionEvent =
    | { readonly kind: 'status'; readonly status: RuntimeStatus }
    | { readonly kind: 'topology'; readonly components: readonly ComponentInfo[] }
    | { readonly kind: 'metrics'; readonly snapshot: MetricsSnapshot }
    | { readonly kind: 'health'; readonly event: HealthEvent }
    | { readonly kind: 'pause'; readonly event: PauseEvent }
    | { readonly kind: 'flush'; readonly event: FlushEvent; readonly totals: FlushTotals }
    | { readonly kind: 'reload'; readonly event: ReloadEvent }
    | { readonly kind: 'log'; readonly event: LogEvent }
    | { readonly kind: 'stderr'; readonly line: string }
    | { readonly kind: 'stopped'; readonly summary: StopSummary | undefined; readonly problem?: string };

export interface SessionTimeouts {
    /** Analysing and starting a configuration. */
    readonly runMs: number;
    /** The orderly stop (components, span flush) before the process is ended anyway. */
    readonly stopMs: number;
    /** Other requests (components, resume). */
    readonly requestMs: number;
    /** Between SIGTERM and SIGKILL. */
    readonly killGraceMs: number;
}

export const DEFAULT_TIMEOUTS: SessionTimeouts = { runMs: 60_000, stopMs: 35_000, requestMs: 15_000, killGraceMs: 2_000 };

/** A pause may take the whole grace period; the answer gets this much longer. */
const PAUSE_ANSWER_SLACK_MS = 15_000;

export interface RuntimeSessionOptions {
    /** Starts a new worker process (one per run). */
    readonly startProcess: () => RuntimeProcess;
    readonly timeouts?: Partial<SessionTimeouts>;
    readonly now?: () => number;
}

export class RuntimeSession {
    readonly model: SessionModel;
    private readonly timeouts: SessionTimeouts;
    private readonly listeners = new Set<(event: SessionEvent) => void>();
    private process: RuntimeProcess | undefined;
    /** The process being stopped on purpose: its exit is not a failure. */
    private stopping: RuntimeProcess | undefined;
    /** Run and Stop take turns, so a Run during a Stop starts only after the old process is gone. */
    private lifecycle: Promise<unknown> = Promise.resolve();
    private lastStatus: RuntimeStatus | undefined;

    constructor(private readonly options: RuntimeSessionOptions) {
        this.model = new SessionModel(options.now);
        this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    }

    onEvent(listener: (event: SessionEvent) => void): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    /** Whether a worker process is up (starting, running, pausing, paused or stopping). */
    get active(): boolean {
        return this.process !== undefined;
    }

    /** Starts `target` in a new worker, stopping the current run first. */
    run(target: string, runOptions: RunOptions): Promise<RunResult> {
        return this.serialize(async () => {
            if (this.process) await this.stopProcess('restarted', this.timeouts.stopMs);
            this.emitStatus(this.model.begin(target));
            this.emit({ kind: 'topology', components: [] });
            let proc: RuntimeProcess;
            try {
                proc = this.options.startProcess();
            } catch (e) {
                const error = toRuntimeError(e);
                this.emitStatus(this.model.fail(firstLine(error.message)));
                throw error;
            }
            this.process = proc;
            this.attach(proc);
            try {
                const params: RunParams = { path: target, options: runOptions };
                const result = await proc.request<RunResult>(RPC.run, params, this.timeouts.runMs);
                this.emit({ kind: 'topology', components: result.components });
                this.emitStatus(this.model.started(result));
                return result;
            } catch (e) {
                const error = toRuntimeError(e);
                // Stopped while starting (dispose): not a failure of the run.
                if (this.stopping === proc) throw error;
                const reason = error.kind === 'exited' ? this.exitReason(proc, await proc.exited) : firstLine(error.message);
                // Nothing runs (refused, or start failed): end the worker quietly, then report.
                this.stopping = proc;
                await proc.terminate(this.timeouts.killGraceMs);
                if (this.process === proc) this.process = undefined;
                this.emitStatus(this.model.fail(reason));
                throw error;
            }
        });
    }

    pause(graceSeconds: number): Promise<PauseEvent> {
        return this.request<PauseEvent>(RPC.pause, { graceSeconds }, graceSeconds * 1000 + PAUSE_ANSWER_SLACK_MS).then((event) => {
            this.applyPause(event);
            return event;
        });
    }

    resume(): Promise<PauseEvent> {
        return this.request<PauseEvent>(RPC.resume, {}, this.timeouts.requestMs).then((event) => {
            this.applyPause(event);
            return event;
        });
    }

    /**
     * Re-reads the running configuration: changed nodes are updated in place, a broken
     * configuration keeps the old pipeline (the event says why). The topology follows the event.
     */
    reload(): Promise<ReloadEvent> {
        return this.request<ReloadEvent>(RPC.reload, {}, this.timeouts.runMs);
    }

    /** Stops in order (the worker flushes its spans), then ends the process. Undefined when nothing ran. */
    stop(reason = 'stopped from the editor'): Promise<StopSummary | undefined> {
        return this.serialize(() => this.stopProcess(reason, this.timeouts.stopMs));
    }

    /** For deactivation: an orderly stop within `timeoutMs`, then the process is killed. Does not wait for a Run in progress. */
    async dispose(timeoutMs: number): Promise<void> {
        await this.stopProcess('the editor is closing', timeoutMs);
        this.listeners.clear();
    }

    private serialize<T>(op: () => Promise<T>): Promise<T> {
        const next = this.lifecycle.then(op);
        this.lifecycle = next.catch(() => undefined);
        return next;
    }

    private async request<R>(method: string, params: unknown, timeoutMs: number): Promise<R> {
        const proc = this.process;
        if (!proc || this.stopping === proc) throw new RuntimeError('notRunning', 'No pipeline is running.');
        try {
            return await proc.request<R>(method, params, timeoutMs);
        } catch (e) {
            throw toRuntimeError(e);
        }
    }

    private async stopProcess(reason: string, timeoutMs: number): Promise<StopSummary | undefined> {
        const proc = this.process;
        if (!proc) return undefined;
        this.stopping = proc;
        this.emitStatus(this.model.setState('stopping', reason));
        let summary: StopSummary | undefined;
        let problem: string | undefined;
        try {
            summary = await proc.request<StopSummary>(RPC.stop, { reason }, timeoutMs);
        } catch (e) {
            problem = `the runtime did not stop in order (${toRuntimeError(e).message}); its process was ended`;
        }
        await proc.terminate(this.timeouts.killGraceMs);
        if (this.process === proc) this.process = undefined;
        this.emitStatus(this.model.setState('stopped', problem ? `${reason}; ${problem}` : reason));
        this.emit({ kind: 'stopped', summary, ...(problem ? { problem } : {}) });
        return summary;
    }

    private attach(proc: RuntimeProcess): void {
        proc.onStderr((line) => this.emit({ kind: 'stderr', line }));
        proc.onNotification<StateEvent>(RPC.state, (e) => {
            // The session decides Stopping/Stopped itself (it also ends the process).
            if (this.stopping === proc || this.process !== proc) return;
            if (e && typeof e.state === 'string') this.emitStatus(this.model.setState(e.state, e.reason, e.time));
        });
        proc.onNotification<PauseEvent>(RPC.pauseEvent, (e) => isPauseEvent(e) && this.applyPause(e));
        proc.onNotification<FlushEvent>(RPC.flush, (e) => {
            if (isFlushEvent(e)) this.emit({ kind: 'flush', event: e, totals: this.model.applyFlush(e) });
        });
        proc.onNotification<HealthEvent>(RPC.health, (e) => {
            if (e && typeof e.globalId === 'string' && this.model.applyHealth(e)) this.emit({ kind: 'health', event: e });
        });
        proc.onNotification<MetricsSnapshot>(RPC.metrics, (s) => {
            if (!isMetricsSnapshot(s)) return;
            this.model.applyMetrics(s);
            this.emit({ kind: 'metrics', snapshot: s });
        });
        proc.onNotification<LogEvent>(RPC.log, (e) => e && this.emit({ kind: 'log', event: e }));
        proc.onNotification<ReloadEvent>(RPC.reloadEvent, (e) => {
            if (!e) return;
            this.emit({ kind: 'reload', event: e });
            if (e.ok) void this.refreshTopology(proc);
        });
        void proc.exited.then((exit) => this.onExit(proc, exit));
    }

    private async refreshTopology(proc: RuntimeProcess): Promise<void> {
        try {
            const components = await proc.request<ComponentInfo[]>(RPC.components, {}, this.timeouts.requestMs);
            if (this.process !== proc) return;
            this.model.setTopology(components);
            this.emit({ kind: 'topology', components });
        } catch (e) {
            this.emit({ kind: 'stderr', line: `flowlens: could not list the components after a reload: ${toRuntimeError(e).message}` });
        }
    }

    private applyPause(event: PauseEvent): void {
        if (!this.model.applyPause(event)) return;
        this.emit({ kind: 'pause', event });
        this.emitStatus(this.model.status);
    }

    private onExit(proc: RuntimeProcess, exit: ExitInfo): void {
        if (this.process !== proc) return;
        this.process = undefined;
        if (this.stopping === proc) return;
        this.emitStatus(this.model.fail(this.exitReason(proc, exit)));
    }

    private exitReason(proc: RuntimeProcess, exit: ExitInfo): string {
        const cause = crashCause(proc.recentStderr);
        return `the runtime process ${describeExit(exit)}${cause ? `: ${cause}` : ''}`;
    }

    /** Emits a status unless it equals the last one (a pause event and the state notification that follows agree). */
    private emitStatus(status: RuntimeStatus): void {
        if (this.lastStatus && sameStatus(this.lastStatus, status)) return;
        this.lastStatus = status;
        this.emit({ kind: 'status', status });
    }

    private emit(event: SessionEvent): void {
        for (const listener of this.listeners) {
            try {
                listener(event);
            } catch {
                // A failing listener (e.g. a disposed panel) must not break the others or the session.
            }
        }
    }
}

function sameStatus(a: RuntimeStatus, b: RuntimeStatus): boolean {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof RuntimeStatus>;
    for (const k of keys) if (a[k] !== b[k]) return false;
    return true;
}

/** The stderr line that best explains a crash: the last one that names an error (a stack trace or
 * Node's native frames usually follow it), else the last non-empty one. */
export function crashCause(stderr: readonly string[]): string | undefined {
    const lines = stderr.map((l) => l.trim()).filter((l) => l !== '');
    return lines.findLast((l) => /\b(error|fatal|panic|exception)\b/i.test(l)) ?? lines.at(-1);
}
