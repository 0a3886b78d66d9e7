// The pool that runs node evaluations, keyed like Alloy's worker pool: at most
// one waiting and one running task per key. A submit while the key's task is
// running queues it once more (the update is not lost: the new run sees the
// newest exports); a submit while one is already waiting coalesces with it
// (no duplicate work). The waiting list is bounded; a full queue throws
// QueueFullError and the caller retries with backoff.
//
// The key must be the node's global ID. Keyed by local ID, two modules'
// `export.output` nodes would coalesce into one and the other's update would
// be dropped (grafana/agent PR #6212).
//
// Tasks start on a later microtask, never inside submit(), so everything a
// batch submits is waiting together — the situation in which keys collide.

export class QueueFullError extends Error {
    constructor(readonly limit: number) {
        super(`the evaluation queue is full (${limit} waiting)`);
        this.name = 'QueueFullError';
    }
}

export interface WorkQueueOptions {
    /** Tasks running at once (they interleave at their awaits). */
    readonly concurrency: number;
    /** Tasks waiting at most. */
    readonly maxWaiting: number;
    /** Called with a task's error (tasks should handle their own). */
    readonly onError?: (key: string, error: unknown) => void;
}

export type SubmitResult = 'queued' | 'coalesced';

type Task = () => void | Promise<void>;

export class WorkQueue {
    private readonly waiting = new Map<string, Task>();
    private readonly running = new Set<string>();
    private scheduled = false;
    private idle: Array<() => void> = [];
    private closed = false;
    /** Counters for tests and diagnostics. */
    readonly stats = { queued: 0, coalesced: 0, requeuedWhileRunning: 0, completed: 0 };

    constructor(private readonly options: WorkQueueOptions) {}

    /** Schedules `task` under `key`; throws QueueFullError when the waiting list is full. */
    submit(key: string, task: Task): SubmitResult {
        if (this.closed) return 'coalesced';
        if (this.waiting.has(key)) {
            this.stats.coalesced++;
            return 'coalesced';
        }
        if (this.waiting.size >= this.options.maxWaiting) throw new QueueFullError(this.options.maxWaiting);
        if (this.running.has(key)) this.stats.requeuedWhileRunning++;
        this.waiting.set(key, task);
        this.stats.queued++;
        this.schedule();
        return 'queued';
    }

    /** Waiting plus running tasks. */
    get size(): number {
        return this.waiting.size + this.running.size;
    }

    isWaiting(key: string): boolean {
        return this.waiting.has(key);
    }

    isRunning(key: string): boolean {
        return this.running.has(key);
    }

    /** Resolves when nothing waits or runs. */
    whenIdle(): Promise<void> {
        if (this.size === 0) return Promise.resolve();
        return new Promise((resolve) => this.idle.push(resolve));
    }

    /** Drops waiting tasks and refuses new ones; running tasks finish. */
    close(): void {
        this.closed = true;
        this.waiting.clear();
        this.settle();
    }

    private schedule(): void {
        if (this.scheduled) return;
        this.scheduled = true;
        queueMicrotask(() => {
            this.scheduled = false;
            this.pump();
        });
    }

    private pump(): void {
        for (const [key, task] of this.waiting) {
            if (this.running.size >= this.options.concurrency) break;
            if (this.running.has(key)) continue; // one running per key: this one waits its turn
            this.waiting.delete(key);
            this.running.add(key);
            this.run(key, task);
        }
    }

    private run(key: string, task: Task): void {
        let result: void | Promise<void>;
        try {
            result = task();
        } catch (e) {
            this.finish(key, e);
            return;
        }
        if (result instanceof Promise) result.then(() => this.finish(key), (e: unknown) => this.finish(key, e));
        else queueMicrotask(() => this.finish(key));
    }

    private finish(key: string, error?: unknown): void {
        if (error !== undefined) this.options.onError?.(key, error);
        this.running.delete(key);
        this.stats.completed++;
        if (this.waiting.size > 0) this.schedule();
        this.settle();
    }

    private settle(): void {
        if (this.size !== 0 || this.idle.length === 0) return;
        const waiters = this.idle;
        this.idle = [];
        for (const w of waiters) w();
    }
}
