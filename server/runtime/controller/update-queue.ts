// Nodes whose exports changed, waiting for their dependants to be evaluated:
// an insertion-ordered set, drained all at once like Alloy's update queue.
// Handing the controller the whole batch lets it evaluate a node that depends
// on two changed nodes once instead of twice.

export interface QueuedUpdate {
    readonly globalId: string;
    /** performance.now() when the node was first queued (for the dependencies-wait histogram). */
    readonly queuedAt: number;
}

export class UpdateQueue {
    private items = new Map<string, number>();
    private notifyScheduled = false;

    /** `onReady` is called (on a microtask) when items arrive in an empty queue. */
    constructor(private readonly onReady: () => void) {}

    enqueue(globalId: string): void {
        if (!this.items.has(globalId)) this.items.set(globalId, performance.now());
        if (this.notifyScheduled) return;
        this.notifyScheduled = true;
        queueMicrotask(() => {
            this.notifyScheduled = false;
            if (this.items.size > 0) this.onReady();
        });
    }

    /** Everything queued, in the order it was first queued; the queue is empty after. */
    dequeueAll(): QueuedUpdate[] {
        const out = [...this.items].map(([globalId, queuedAt]) => ({ globalId, queuedAt }));
        this.items = new Map();
        return out;
    }

    get size(): number {
        return this.items.size;
    }

    clear(): void {
        this.items.clear();
    }
}
