// Collects items and hands them over in one batch after a short delay: a burst of health
// notifications (thousands at start-up) becomes a few panel messages instead of thousands.

export class Batcher<T> {
    private items: T[] = [];
    private timer: ReturnType<typeof setTimeout> | undefined;

    constructor(
        private readonly delayMs: number,
        private readonly deliver: (items: T[]) => void,
    ) {}

    add(item: T): void {
        this.items.push(item);
        this.timer ??= setTimeout(() => this.flush(), this.delayMs);
    }

    /** Delivers what is pending now (also before a message that must come after it). */
    flush(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        if (this.items.length === 0) return;
        const items = this.items;
        this.items = [];
        this.deliver(items);
    }

    /** Drops what is pending (it is already part of a full update). */
    clear(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.items = [];
    }
}
