// Sizes as github.com/alecthomas/units parses a units.Base2Bytes (its UnmarshalText calls
// ParseBase2Bytes): `10KiB` and `10KB` are both 10240, parts add up (`1MiB512KiB`), a bare
// number has no unit and is rejected, "0" is 0. Errors are the package's own words.

import { GoParseError } from './go-duration.js';

function unitMap(suffix: string): Readonly<Record<string, number>> {
    const map: Record<string, number> = { B: 1 };
    ['K', 'M', 'G', 'T', 'P', 'E'].forEach((prefix, i) => (map[prefix + suffix] = 1024 ** (i + 1)));
    return map;
}

/** units' bytesUnitMap ("KiB") and oldBytesUnitMap ("KB"), both powers of 1024. */
const IEC_UNITS = unitMap('iB');
const OLD_UNITS = unitMap('B');

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** units.leadingInt: [0-9]* as int64, failing before it could overflow. */
function leadingInt(s: string): { x: number; length: number } | undefined {
    let x = 0n;
    let i = 0;
    for (; isDigit(s[i]); i++) {
        if (x >= ((1n << 63n) - 10n) / 10n) return undefined;
        x = x * 10n + BigInt(s.charCodeAt(i) - 48);
    }
    return { x: Number(x), length: i };
}

/** units.ParseUnit with one unit map. */
function parseUnit(text: string, units: Readonly<Record<string, number>>): number {
    const invalid = () => new GoParseError(`units: invalid ${text}`);
    let s = text;
    let neg = false;
    if (s !== '' && (s[0] === '-' || s[0] === '+')) {
        neg = s[0] === '-';
        s = s.slice(1);
    }
    if (s === '0') return 0;
    if (s === '') throw invalid();
    let f = 0;
    while (s !== '') {
        if (!(s[0] === '.' || isDigit(s[0]))) throw invalid();
        const int = leadingInt(s);
        if (int === undefined) throw invalid();
        let g = int.x;
        const pre = int.length > 0;
        s = s.slice(int.length);
        let post = false;
        if (s[0] === '.') {
            s = s.slice(1);
            const frac = leadingInt(s);
            if (frac === undefined) throw invalid();
            g += frac.x / 10 ** frac.length;
            post = frac.length > 0;
            s = s.slice(frac.length);
        }
        if (!pre && !post) throw invalid();
        let u = 0;
        while (u < s.length && s[u] !== '.' && !isDigit(s[u])) u++;
        const unitName = s.slice(0, u);
        s = s.slice(u);
        const unit = units[unitName];
        if (unit === undefined) throw new GoParseError(`units: unknown unit ${unitName} in ${text}`);
        f += g * unit;
    }
    if (neg) f = -f;
    if (f < -(2 ** 63) || f >= 2 ** 63) throw new GoParseError('units: overflow parsing unit');
    return Math.trunc(f);
}

/** units.ParseBase2Bytes: bytes, or a GoParseError with the error of the second (`KB`) attempt. */
export function parseBase2Bytes(text: string): number {
    try {
        return parseUnit(text, IEC_UNITS);
    } catch {
        return parseUnit(text, OLD_UNITS);
    }
}
