// A bounded time series per component (samples in/out per second, errors per second, queue
// depth) in preallocated ring buffers: with thousands of components a metrics update writes a
// few numbers per component and allocates nothing. Pure and DOM-free.

const SERIES = ['samplesInPerSecond', 'samplesOutPerSecond', 'errorsPerSecond', 'queueDepth'] as const;
const WIDTH = SERIES.length;

/** One reading per series; NaN where there is no value (e.g. a queue depth the component cannot tell). */
export type Reading = readonly [samplesIn: number, samplesOut: number, errors: number, queueDepth: number];

/** uPlot's aligned data: x = seconds since the epoch, then one array per series (null = gap). */
export type SeriesData = [times: number[], ...values: Array<Array<number | null>>];

export class MetricHistory {
    private readonly times: Float64Array;
    private readonly values = new Map<string, Float32Array>();
    /** Slots written so far (≤ capacity) and the next slot to write. */
    private filled = 0;
    private next = 0;

    constructor(readonly capacity = 120) {
        this.times = new Float64Array(capacity);
    }

    get length(): number {
        return this.filled;
    }

    /** Adds one point in time: `readings` for the components that reported, gaps for the rest. */
    push(time: number, readings: ReadonlyMap<string, Reading>): void {
        const slot = this.next;
        this.times[slot] = time;
        for (const id of readings.keys()) {
            if (!this.values.has(id)) this.values.set(id, new Float32Array(this.capacity * WIDTH).fill(NaN));
        }
        for (const [id, buffer] of this.values) {
            const reading = readings.get(id);
            const base = slot * WIDTH;
            for (let s = 0; s < WIDTH; s++) buffer[base + s] = reading ? reading[s] : NaN;
        }
        this.next = (slot + 1) % this.capacity;
        this.filled = Math.min(this.filled + 1, this.capacity);
    }

    /** Drops the series of components that are gone. */
    retain(ids: ReadonlySet<string>): void {
        for (const id of this.values.keys()) if (!ids.has(id)) this.values.delete(id);
    }

    clear(): void {
        this.values.clear();
        this.filled = 0;
        this.next = 0;
    }

    has(id: string): boolean {
        return this.values.has(id);
    }

    /** Oldest first, for charting. */
    series(id: string): SeriesData {
        const buffer = this.values.get(id);
        const start = (this.next - this.filled + this.capacity) % this.capacity;
        const times: number[] = [];
        const columns: Array<Array<number | null>> = SERIES.map(() => []);
        for (let k = 0; k < this.filled; k++) {
            const slot = (start + k) % this.capacity;
            times.push(this.times[slot] / 1000);
            for (let s = 0; s < WIDTH; s++) {
                const v = buffer ? buffer[slot * WIDTH + s] : NaN;
                columns[s].push(Number.isNaN(v) ? null : v);
            }
        }
        return [times, ...columns];
    }
}
