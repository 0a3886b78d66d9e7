// Per-second rates from cumulative counters, shared by the panel and the status bar. Pure.

/** The rate between two readings of a counter; 0 across a counter reset or a zero interval. */
export function ratePerSecond(previous: number, current: number, seconds: number): number {
    return seconds > 0 && current >= previous ? (current - previous) / seconds : 0;
}

export interface Rates {
    readonly samplesInPerSecond: number;
    readonly samplesOutPerSecond: number;
    readonly errorsPerSecond: number;
}
