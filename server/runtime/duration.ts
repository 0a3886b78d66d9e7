// Go-style durations, as Alloy writes them: `500ms`, `10s`, `1m30s`, `1h`,
// `1.5s`, `250us`. Used by `flowlens run` flags.

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a duration; throws with a clear message when it is not one. */
export function parseDuration(text: string): number {
    const s = text.trim();
    if (s === '0') return 0;
    const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
    let total = 0;
    let matched = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) {
        total += Number(m[1]) * UNITS[m[2]];
        matched = re.lastIndex;
    }
    if (matched === 0 || matched !== s.length) throw new Error(`"${text}" is not a duration (use e.g. 500ms, 10s, 1m30s)`);
    return total;
}
