// Go's time.Parse / time.ParseInLocation for the layouts stage.timestamp accepts: the reference time
// "Mon Jan 2 15:04:05 MST 2006" written in the wanted form (numeric and named fields, fractional
// seconds .000/.999 and after any seconds field, zones Z07:00/-0700/MST), IANA locations, and Go's
// defaults (a missing year is year 0). Times are nanoseconds since the epoch (bigint).

const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Layout tokens, longest first where one is a prefix of another (Go's nextStdChunk). */
const TOKENS = [
    'January', 'Jan', 'Monday', 'Mon', 'MST',
    'Z07:00:00', 'Z070000', 'Z07:00', 'Z0700', 'Z07',
    '-07:00:00', '-070000', '-07:00', '-0700', '-07',
    '2006', '002', '__2', '_2', '01', '02', '03', '04', '05', '06', '15', 'PM', 'pm',
    '1', '2', '3', '4', '5',
];

export class GoTimeParseError extends Error {}

export interface ParsedTime {
    /** Nanoseconds since the epoch. */
    readonly ns: bigint;
    /** The year as parsed (0 when the layout has none). */
    readonly year: number;
}

function daysIn(month: number, year: number): number {
    return new Date(Date.UTC(year, month, 0)).getUTCDate() || [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Milliseconds since the epoch of a UTC wall time; supports years 0..9999 (Date.UTC maps 0..99 to 19xx). */
function utcMs(year: number, month: number, day: number, h: number, m: number, s: number): number {
    const d = new Date(Date.UTC(2000, month - 1, day, h, m, s));
    d.setUTCFullYear(year, month - 1, day);
    return d.getTime();
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** A time.Location: '' / 'UTC' is UTC; otherwise an IANA zone name. Throws like time.LoadLocation. */
export function loadLocation(name: string): string {
    if (name === '' || name === 'UTC') return 'UTC';
    if (name === 'Local') return Intl.DateTimeFormat().resolvedOptions().timeZone;
    try {
        zoneFormat(name);
    } catch {
        throw new Error(`unknown time zone ${name}`);
    }
    return name;
}

function zoneFormat(zone: string): Intl.DateTimeFormat {
    let f = zoneFormats.get(zone);
    if (f === undefined) {
        f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short' });
        zoneFormats.set(zone, f);
    }
    return f;
}

/** The zone's UTC offset in ms at instant `ms`. */
function offsetAt(zone: string, ms: number): number {
    if (zone === 'UTC') return 0;
    const parts: Record<string, string> = {};
    for (const p of zoneFormat(zone).formatToParts(new Date(ms))) parts[p.type] = p.value;
    let year = Number(parts.year);
    if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
    const wall = utcMs(year, Number(parts.month), Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return wall - Math.floor(ms / 1000) * 1000;
}

/** The instant of a wall time in a zone (Go's Date with a Location: the first of two candidates). */
function wallToInstant(zone: string, wallMs: number): number {
    const o1 = offsetAt(zone, wallMs);
    const o2 = offsetAt(zone, wallMs - o1);
    return wallMs - o2;
}

/** Where the next layout token starts and which it is ([-1, ''] when none): Go's nextStdChunk. */
function nextToken(layout: string): [number, string] {
    for (let i = 0; i < layout.length; i++) {
        const frac = /^[.,](0+|9+)(?!\d)/.exec(layout.slice(i));
        if (frac !== null) return [i, frac[0]];
        for (const t of TOKENS) {
            if (!layout.startsWith(t, i)) continue;
            // "Jan" and "Mon" followed by a lowercase letter are literal text ("Jane", "Month").
            if ((t === 'Jan' || t === 'Mon') && /^[a-z]/.test(layout.slice(i + 3))) continue;
            return [i, t];
        }
    }
    return [-1, ''];
}

function lookupName(value: string, names: readonly string[], short: boolean): [number, string] | undefined {
    for (let i = 0; i < names.length; i++) {
        const n = short ? names[i].slice(0, 3) : names[i];
        if (value.length >= n.length && value.slice(0, n.length).toLowerCase() === n.toLowerCase()) return [i, value.slice(n.length)];
    }
    return undefined;
}

/** Parses `value` with Go layout `layout`; `location` (a name from loadLocation) applies when the value has no zone. */
export function parseGoTime(layout: string, value: string, location?: string): ParsedTime {
    const orig = value;
    const bad = (what: string): never => {
        throw new GoTimeParseError(`parsing time ${JSON.stringify(orig)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(value)} as ${JSON.stringify(what)}`);
    };
    const range = (what: string): never => {
        throw new GoTimeParseError(`parsing time ${JSON.stringify(orig)}: ${what} out of range`);
    };
    let year = 0;
    let month = -1;
    let day = -1;
    let yday = -1;
    let hour = 0;
    let min = 0;
    let sec = 0;
    let nsec = 0;
    let pmSet = false;
    let amSet = false;
    let zoneOffset: number | undefined; // seconds east of UTC
    let zoneName: string | undefined;

    const num = (fixed: boolean, width = 2): number => {
        const m = (fixed ? new RegExp(`^\\d{${width}}`) : new RegExp(`^\\d{1,${width}}`)).exec(value);
        if (m === null) throw new Error();
        value = value.slice(m[0].length);
        return Number(m[0]);
    };
    const fraction = (digits: number | undefined): void => {
        // digits: exact count (".000"), or undefined for any (".999" or after a seconds field)
        if (value[0] !== '.' && value[0] !== ',') throw new Error();
        const m = /^\d+/.exec(value.slice(1));
        if (m === null || (digits !== undefined && m[0].length !== digits)) throw new Error();
        value = value.slice(1 + m[0].length);
        nsec = Number((m[0] + '000000000').slice(0, 9));
    };

    let rest = layout;
    while (rest !== '') {
        const [tokenAt, token] = nextToken(rest);
        const literal = tokenAt < 0 ? rest : rest.slice(0, tokenAt);
        // Go skips spaces loosely: a run of spaces in the layout matches a run in the value.
        for (let i = 0; i < literal.length; i++) {
            if (literal[i] === ' ' && value[0] === ' ') {
                while (literal[i + 1] === ' ') i++;
                value = value.replace(/^ +/, '');
                continue;
            }
            if (value[0] !== literal[i]) bad(literal.slice(i));
            value = value.slice(1);
        }
        if (tokenAt < 0) break;
        rest = rest.slice(tokenAt + token.length);
        try {
            switch (token) {
                case 'January':
                case 'Jan': {
                    const r = lookupName(value, LONG_MONTHS, token === 'Jan');
                    if (r === undefined) throw new Error();
                    month = r[0] + 1;
                    value = r[1];
                    break;
                }
                case 'Monday':
                case 'Mon': {
                    const r = lookupName(value, LONG_DAYS, token === 'Mon');
                    if (r === undefined) throw new Error();
                    value = r[1];
                    break;
                }
                case '1':
                case '01':
                    month = num(token === '01');
                    if (month < 1 || month > 12) range('month');
                    break;
                case '2':
                case '02':
                    day = num(token === '02');
                    break;
                case '_2':
                    if (value[0] === ' ') value = value.slice(1);
                    day = num(false);
                    break;
                case '__2':
                case '002':
                    if (token === '__2') value = value.replace(/^ {1,2}/, '');
                    yday = num(token === '002', 3);
                    break;
                case '2006':
                    year = num(true, 4);
                    break;
                case '06': {
                    const y = num(true);
                    year = y >= 69 ? 1900 + y : 2000 + y;
                    break;
                }
                case '15':
                    hour = num(false);
                    if (hour > 23) range('hour');
                    break;
                case '3':
                case '03':
                    hour = num(token === '03');
                    if (hour > 12) range('hour');
                    break;
                case '4':
                case '04':
                    min = num(token === '04');
                    if (min > 59) range('minute');
                    break;
                case '5':
                case '05':
                    sec = num(token === '05');
                    if (sec > 59) range('second');
                    // A fractional second in the value is accepted even when the layout has none here.
                    if (/^[.,]\d/.test(value) && !/^[.,](0+|9+)(?!\d)/.test(rest)) fraction(undefined);
                    break;
                case 'PM':
                case 'pm': {
                    const p = value.slice(0, 2);
                    if (p.toUpperCase() === 'PM') pmSet = true;
                    else if (p.toUpperCase() === 'AM') amSet = true;
                    else throw new Error();
                    value = value.slice(2);
                    break;
                }
                case 'MST': {
                    const m = /^(UTC|GMT(?:[+-]\d{1,2})?|[A-Z]{3,5}T?|ChST|MeST)/.exec(value);
                    if (m === null) throw new Error();
                    zoneName = m[0];
                    value = value.slice(m[0].length);
                    const g = /^GMT([+-]\d{1,2})$/.exec(zoneName);
                    if (zoneName === 'UTC' || zoneName === 'GMT') zoneOffset = 0;
                    else if (g !== null) zoneOffset = Number(g[1]) * 3600;
                    break;
                }
                default:
                    if (token.startsWith('Z') || token.startsWith('-')) {
                        if (token.startsWith('Z') && value[0] === 'Z') {
                            value = value.slice(1);
                            zoneOffset = 0;
                            break;
                        }
                        const colon = token.includes(':');
                        const digits = token.replace(/[^0-9]/g, '').length; // 2, 4 or 6
                        const re = colon ? (digits === 6 ? /^([+-])(\d\d):(\d\d):(\d\d)/ : digits === 4 ? /^([+-])(\d\d):(\d\d)/ : /^([+-])(\d\d)/) : digits === 6 ? /^([+-])(\d\d)(\d\d)(\d\d)/ : digits === 4 ? /^([+-])(\d\d)(\d\d)/ : /^([+-])(\d\d)/;
                        const m = re.exec(value);
                        if (m === null) throw new Error();
                        value = value.slice(m[0].length);
                        const off = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
                        zoneOffset = m[1] === '-' ? -off : off;
                        break;
                    }
                    // fractional seconds
                    fraction(token[1] === '0' ? token.length - 1 : undefined);
            }
        } catch (e) {
            if (e instanceof GoTimeParseError) throw e;
            if (token[1] === '9' && !/^[.,]/.test(value)) continue; // .999 may be absent
            bad(token);
        }
    }
    if (value !== '') throw new GoTimeParseError(`parsing time ${JSON.stringify(orig)}: extra text: ${JSON.stringify(value)}`);
    if (pmSet && hour < 12) hour += 12;
    else if (amSet && hour === 12) hour = 0;
    if (yday >= 0) {
        const leap = daysIn(2, year) === 29;
        if (yday < 1 || yday > (leap ? 366 : 365)) range('day-of-year');
        const d = new Date(utcMs(year, 1, 1, 0, 0, 0) + (yday - 1) * 86_400_000);
        const m = d.getUTCMonth() + 1;
        if (month >= 0 && month !== m) range('day-of-year');
        month = m;
        day = d.getUTCDate();
    } else {
        if (month < 0) month = 1;
        if (day < 0) day = 1;
    }
    if (day < 1 || day > daysIn(month, year)) range('day');
    let wall = utcMs(year, month, day, hour, min, sec);
    let instant: number;
    if (zoneOffset !== undefined) instant = wall - zoneOffset * 1000;
    else if (location !== undefined && location !== 'UTC') instant = wallToInstant(location, wall);
    else instant = wall;
    wall = instant;
    return { ns: BigInt(wall) * 1_000_000n + BigInt(nsec), year };
}

export const RFC3339_NANO = '2006-01-02T15:04:05.999999999Z07:00';

/** time.Parse(time.RFC3339Nano, s) in nanoseconds; undefined when it does not parse. */
export function parseRfc3339Nano(s: string): bigint | undefined {
    try {
        return parseGoTime(RFC3339_NANO, s).ns;
    } catch {
        return undefined;
    }
}
