// stage.timestamp (Alloy's stages/timestamp.go and util.go convertDateLayout): sets the entry's timestamp
// from an extracted value parsed with a Go layout or a named format (ANSIC ... RFC3339Nano, Unix,
// UnixMs, UnixUs, UnixNs), trying fallback_formats in order. On failure, "fudge" moves the entry 1ns past
// the last timestamp of its stream; duplicates of the last parsed timestamp are fudged too.

import { attr } from '../../decode.js';
import { type ParsedTime, RFC3339_NANO, loadLocation, parseGoTime } from './go-time.js';
import { tryString } from './go-values.js';
import { type StageDefinition, StageConfigError, labelSetKey } from './stage.js';

const NAMED_LAYOUTS: Readonly<Record<string, string>> = {
    ANSIC: 'Mon Jan _2 15:04:05 2006',
    UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
    RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
    RFC822: '02 Jan 06 15:04 MST',
    RFC822Z: '02 Jan 06 15:04 -0700',
    RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
    RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
    RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
    RFC3339: '2006-01-02T15:04:05Z07:00',
    RFC3339Nano: RFC3339_NANO,
};

const INT64 = /^[+-]?\d+$/;
const MAX_INT64 = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64). */
function parseInt64(s: string): bigint {
    if (!INT64.test(s)) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: invalid syntax`);
    const v = BigInt(s);
    if (v > MAX_INT64 || v < -MAX_INT64 - 1n) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(s)}: value out of range`);
    return v;
}

type Parser = (s: string) => bigint;

/** The year-less layouts (syslog's "Jan _2 15:04:05") get the current year, or the adjacent one across New Year. */
export function withCurrentYear(parsed: ParsedTime, now: Date): bigint {
    const ms = Number(parsed.ns / 1_000_000n);
    const d = new Date(ms);
    const nowMonth = now.getUTCMonth();
    let year = now.getUTCFullYear();
    if (d.getUTCMonth() === 11 && nowMonth === 0) year--;
    else if (d.getUTCMonth() === 0 && nowMonth === 11) year++;
    const shifted = new Date(ms);
    shifted.setUTCFullYear(shifted.getUTCFullYear() + year);
    return BigInt(shifted.getTime()) * 1_000_000n + (parsed.ns % 1_000_000n);
}

/** convertDateLayout: a parser for a named format or a Go layout. */
export function dateParser(format: string, location: string | undefined): Parser {
    const named = NAMED_LAYOUTS[format];
    if (named !== undefined) return (s) => parseGoTime(named, s).ns;
    switch (format) {
        case 'Unix':
            return (s) => {
                const parts = s.split('.');
                if (parts.length === 2) {
                    const sec = parseInt64(parts[0]);
                    const frac = parseInt64(parts[1]);
                    const nsec = BigInt(Math.trunc(Number(frac) * 10 ** (9 - parts[1].length)));
                    return sec * 1_000_000_000n + nsec;
                }
                return parseInt64(s) * 1_000_000_000n;
            };
        case 'UnixMs':
            return (s) => parseInt64(s) * 1_000_000n;
        case 'UnixUs':
            return (s) => parseInt64(s) * 1_000n;
        case 'UnixNs':
            return (s) => parseInt64(s);
    }
    if (!format.includes('06')) {
        return (s) => {
            const parsed = parseGoTime(format, s, location);
            if (parsed.year !== 0) throw new Error(`timestamp '${s}' is expected to not contain the year date component`);
            return withCurrentYear(parsed, new Date());
        };
    }
    return (s) => parseGoTime(format, s, location).ns;
}

const CACHE_SIZE = 10_000;

export const timestampStage: StageDefinition = {
    name: 'timestamp',
    attributes: [
        attr('source', 'string', true),
        attr('format', 'string', true),
        attr('fallback_formats', 'list(string)'),
        attr('location', 'string'),
        attr('action_on_failure', 'string'),
        attr('action_on_duplicate_timestamp', 'string'),
    ],
    build(args) {
        const source = args.string('source', '');
        const format = args.string('format', '');
        const fallbacks = args.stringList('fallback_formats') ?? [];
        const locationName = args.string('location');
        const onFailure = args.string('action_on_failure', '') || 'fudge';
        const onDuplicate = args.string('action_on_duplicate_timestamp', '') || 'fudge';
        if (source === '') throw new StageConfigError('timestamp source value is required if timestamp is specified');
        if (format === '') throw new StageConfigError('timestamp format is required');
        let location: string | undefined;
        if (locationName !== undefined) {
            try {
                location = loadLocation(locationName);
            } catch (e) {
                throw new StageConfigError(`invalid location specified: %v: ${(e as Error).message}`);
            }
        }
        if (onFailure !== 'skip' && onFailure !== 'fudge') throw new StageConfigError('invalid action on failure (supported values are [skip fudge])');
        if (onDuplicate !== 'keep' && onDuplicate !== 'fudge') throw new StageConfigError('invalid action on duplicate timestamp (supported values are [keep fudge])');
        const parsers = [format, ...fallbacks].map((f) => dateParser(f, location));
        const parse = (s: string): bigint | undefined => {
            for (const p of parsers) {
                try {
                    return p(s);
                } catch {
                    // the next format, then the failure action
                }
            }
            return undefined;
        };
        // Per stream (label set): the last parsed and the last assigned timestamp, least recently used evicted.
        const last = new Map<string, { parsed: bigint; adjusted: bigint }>();
        const remember = (key: string, v: { parsed: bigint; adjusted: bigint }): void => {
            last.delete(key);
            last.set(key, v);
            if (last.size > CACHE_SIZE) last.delete(last.keys().next().value!);
        };
        return {
            run(e, next) {
                const raw = e.extracted.has(source) ? tryString(e.extracted.get(source)) : undefined;
                const parsed = raw === undefined ? undefined : parse(raw);
                if (parsed === undefined) {
                    if (onFailure === 'fudge') {
                        const key = labelSetKey(e.labels);
                        const prev = last.get(key);
                        if (prev !== undefined) {
                            e.timestamp = prev.adjusted + 1n;
                            remember(key, { parsed: prev.parsed, adjusted: e.timestamp });
                        }
                    }
                    return next(e);
                }
                e.timestamp = parsed;
                const key = labelSetKey(e.labels);
                if (onDuplicate === 'fudge') {
                    const prev = last.get(key);
                    if (prev !== undefined && prev.parsed === parsed) e.timestamp = prev.adjusted + 1n;
                }
                remember(key, { parsed, adjusted: e.timestamp });
                next(e);
            },
        };
    },
};
