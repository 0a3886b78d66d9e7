// Go's two duration syntaxes, parsed exactly as Go parses them and rejected with Go's words:
// time.ParseDuration (a time.Duration field: `1m30s`, `1.5h`, `-2s`, `250µs`) and Prometheus'
// model.ParseDuration (a model.Duration field: `1d`, `2w`, `1y`, no fractions, units biggest
// first). Values are nanoseconds as bigint, so Go's int64 overflow rules hold exactly.
// The one duration parser of the project: the checker, the runtime and the catalog generator use it.

import { goQuote } from '../syntax/chars.js';

/** A value Go rejects; `message` is the Go error's text. */
export class GoParseError extends Error {}

const NS_UNITS: Readonly<Record<string, bigint>> = {
    ns: 1n,
    us: 1_000n,
    'µs': 1_000n, // U+00B5 micro sign
    'μs': 1_000n, // U+03BC Greek small letter mu
    ms: 1_000_000n,
    s: 1_000_000_000n,
    m: 60_000_000_000n,
    h: 3_600_000_000_000n,
};

const MAX_UINT = 1n << 63n;

/** time's own quote(): ASCII printable characters as they are, every other byte as \xNN. */
function timeQuote(s: string): string {
    let out = '"';
    for (const ch of s) {
        const cp = ch.codePointAt(0)!;
        if (cp >= 0x80 || cp < 0x20) {
            for (const byte of new TextEncoder().encode(ch)) out += `\\x${byte.toString(16).padStart(2, '0')}`;
        } else {
            out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
        }
    }
    return out + '"';
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Go's time.ParseDuration: nanoseconds, or a GoParseError with time's message. */
export function parseGoDuration(text: string): bigint {
    const orig = text;
    const invalid = () => new GoParseError(`time: invalid duration ${timeQuote(orig)}`);
    let s = text;
    let neg = false;
    if (s !== '' && (s[0] === '-' || s[0] === '+')) {
        neg = s[0] === '-';
        s = s.slice(1);
    }
    if (s === '0') return 0n;
    if (s === '') throw invalid();
    let d = 0n;
    while (s !== '') {
        if (!(s[0] === '.' || isDigit(s[0]))) throw invalid();
        // Consume [0-9]*: leadingInt fails past 1<<63.
        let i = 0;
        let v = 0n;
        for (; isDigit(s[i]); i++) {
            if (v > MAX_UINT / 10n) throw invalid();
            v = v * 10n + BigInt(s.charCodeAt(i) - 48);
            if (v > MAX_UINT) throw invalid();
        }
        const pre = i > 0;
        s = s.slice(i);
        // Consume (\.[0-9]*)?: leadingFraction stops accumulating (but keeps consuming) on overflow.
        let f = 0n;
        let scale = 1;
        let post = false;
        if (s[0] === '.') {
            s = s.slice(1);
            let overflow = false;
            let j = 0;
            for (; isDigit(s[j]); j++) {
                if (overflow) continue;
                if (f > (MAX_UINT - 1n) / 10n) {
                    overflow = true;
                    continue;
                }
                const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
                if (y > MAX_UINT) {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10;
            }
            post = j > 0;
            s = s.slice(j);
        }
        if (!pre && !post) throw invalid();
        let u = 0;
        while (u < s.length && s[u] !== '.' && !isDigit(s[u])) u++;
        if (u === 0) throw new GoParseError(`time: missing unit in duration ${timeQuote(orig)}`);
        const unitName = s.slice(0, u);
        s = s.slice(u);
        const unit = NS_UNITS[unitName];
        if (unit === undefined) throw new GoParseError(`time: unknown unit ${timeQuote(unitName)} in duration ${timeQuote(orig)}`);
        if (v > MAX_UINT / unit) throw invalid();
        v *= unit;
        if (f > 0n) {
            // float64, as Go computes it, to be nanosecond accurate for fractions of hours.
            v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
            if (v > MAX_UINT) throw invalid();
        }
        d += v;
        if (d > MAX_UINT) throw invalid();
    }
    if (neg) return -d;
    if (d > MAX_UINT - 1n) throw invalid();
    return d;
}

/** Prometheus' units, biggest first (position) and their length in nanoseconds. */
const MODEL_UNITS: Readonly<Record<string, { pos: number; mult: bigint }>> = {
    ms: { pos: 7, mult: 1_000_000n },
    s: { pos: 6, mult: 1_000_000_000n },
    m: { pos: 5, mult: 60_000_000_000n },
    h: { pos: 4, mult: 3_600_000_000_000n },
    d: { pos: 3, mult: 24n * 3_600_000_000_000n },
    w: { pos: 2, mult: 7n * 24n * 3_600_000_000_000n },
    y: { pos: 1, mult: 365n * 24n * 3_600_000_000_000n },
};

/** Prometheus' model.ParseDuration (prometheus/common): nanoseconds, or a GoParseError with its message. */
export function parseModelDuration(text: string): bigint {
    if (text === '0') return 0n;
    if (text === '') throw new GoParseError('empty duration string');
    const notValid = () => new GoParseError(`not a valid duration string: ${goQuote(text)}`);
    let s = text;
    let dur = 0n;
    let lastUnitPos = 0;
    while (s !== '') {
        if (!isDigit(s[0])) throw notValid();
        let i = 0;
        while (isDigit(s[i])) i++;
        const v = BigInt(s.slice(0, i));
        // strconv.ParseUint(s, 10, 0) fails past the uint64 range.
        if (v >= 1n << 64n) throw notValid();
        s = s.slice(i);
        let u = 0;
        while (u < s.length && !isDigit(s[u])) u++;
        if (u === 0) throw notValid();
        const unitName = s.slice(0, u);
        s = s.slice(u);
        const unit = MODEL_UNITS[unitName];
        if (unit === undefined) throw new GoParseError(`unknown unit ${goQuote(unitName)} in duration ${goQuote(text)}`);
        if (unit.pos <= lastUnitPos) throw notValid();
        lastUnitPos = unit.pos;
        if (v > MAX_UINT / unit.mult) throw new GoParseError('duration out of range');
        dur += v * unit.mult;
        if (dur > MAX_UINT - 1n) throw new GoParseError('duration out of range');
    }
    return dur;
}

/** Go's time.Duration.String(): `1h0m0s`, `1m30s`, `1.5s`, `500ms`, `1µs`, `0s`. */
export function formatGoDuration(ns: bigint): string {
    if (ns === 0n) return '0s';
    const neg = ns < 0n;
    let u = neg ? -ns : ns;
    const sign = neg ? '-' : '';
    if (u < 1_000_000_000n) {
        // Less than a second: one unit, with a fraction.
        const [scale, unit] = u < 1_000n ? [1n, 'ns'] : u < 1_000_000n ? [1_000n, 'µs'] : [1_000_000n, 'ms'];
        return sign + fraction(u, scale) + unit;
    }
    let out = fraction(u % 60_000_000_000n, 1_000_000_000n) + 's';
    u /= 60_000_000_000n;
    if (u > 0n) {
        out = `${u % 60n}m` + out;
        u /= 60n;
        if (u > 0n) out = `${u}h` + out;
    }
    return sign + out;
}

/** `value / scale` with the fraction's trailing zeros (and a bare point) dropped, as Go's fmtFrac. */
function fraction(value: bigint, scale: bigint): string {
    const whole = value / scale;
    const rest = value % scale;
    if (rest === 0n) return String(whole);
    const digits = String(rest).padStart(String(scale).length - 1, '0').replace(/0+$/, '');
    return `${whole}.${digits}`;
}

/** Milliseconds (fractions kept) of a time.ParseDuration duration, for code that counts in ms. */
export function goDurationMs(text: string): number {
    return Number(parseGoDuration(text)) / 1e6;
}
