// Timing helpers: run warm, report the median of several runs.

export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: readonly number[], p: number): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Median wall time in ms of `fn`, after warm-up runs: at least `runs` runs and
 * at least `minMs` of measuring, so that small inputs are timed warm too.
 */
export function timeIt(fn: () => void, runs = 7, warmup = 3, minMs = 300): number {
    for (let i = 0; i < warmup; i++) fn();
    const times: number[] = [];
    let total = 0;
    while (times.length < runs || total < minMs) {
        const start = performance.now();
        fn();
        const t = performance.now() - start;
        times.push(t);
        total += t;
    }
    return median(times);
}

export function table(rows: Array<Record<string, string | number>>): string {
    const headers = Object.keys(rows[0] ?? {});
    const cells = [headers, ...rows.map((r) => headers.map((h) => String(r[h])))];
    const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
    return cells.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}
