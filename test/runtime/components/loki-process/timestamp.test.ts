// stage.timestamp: expectations follow Alloy's stages/timestamp.go and util.go (convertDateLayout), with
// Go's time.Parse rules for layouts.

import { afterEach, describe, expect, it } from 'vitest';
import { parseGoTime } from '../../../../server/runtime/components/loki/process/go-time.js';
import { stopAll } from '../harness.js';
import { buildError, entry, run } from './helpers.js';

afterEach(stopAll);

const ns = (iso: string, extraNs = 0n) => BigInt(Date.parse(iso)) * 1_000_000n + extraNs;

describe('Go layouts (time.Parse)', () => {
    it.each<[string, string, string | undefined, bigint]>([
        ['2006-01-02T15:04:05Z07:00', '2024-03-05T10:20:30Z', undefined, ns('2024-03-05T10:20:30Z')],
        ['2006-01-02T15:04:05Z07:00', '2024-03-05T10:20:30.123456789+02:00', undefined, ns('2024-03-05T08:20:30Z', 123_456_789n)],
        ['2006-01-02 15:04:05.000', '2024-03-05 10:20:30.007', undefined, ns('2024-03-05T10:20:30Z', 7_000_000n)],
        ['02/Jan/2006:15:04:05 -0700', '25/Jan/2000:14:00:01 -0500', undefined, ns('2000-01-25T19:00:01Z')],
        ['Mon Jan _2 15:04:05 2006', 'Tue Mar  5 10:20:30 2024', undefined, ns('2024-03-05T10:20:30Z')],
        ['January 2, 2006 3:04PM', 'March 5, 2024 1:04PM', undefined, ns('2024-03-05T13:04:00Z')],
        ['06-01-02 15:04', '24-03-05 10:20', 'America/New_York', ns('2024-03-05T15:20:00Z')],
        ['2006-01-02 15:04', '2024-07-05 10:20', 'Europe/Berlin', ns('2024-07-05T08:20:00Z')],
    ])('%s on %s (%s)', (layout, value, location, want) => {
        expect(parseGoTime(layout, value, location).ns).toBe(want);
    });

    it.each<[string, string]>([
        ['2006-01-02', '2024-13-01'],
        ['2006-01-02', '2024-02-30'],
        ['2006-01-02', '2024-02-03 extra'],
        ['15:04', '25:00'],
        ['2006-01-02T15:04:05Z07:00', '2024-03-05 10:20:30Z'],
    ])('%s rejects %s', (layout, value) => {
        expect(() => parseGoTime(layout, value)).toThrow();
    });
});

describe('stage.timestamp (stages/timestamp.go)', () => {
    const json = (t: unknown) => JSON.stringify({ t });
    const withTs = (format: string, value: unknown, extra: Record<string, unknown> = {}) =>
        run([['json', { expressions: { t: '' } }], ['timestamp', { source: 't', format, ...extra }]], [entry(json(value), {}, 5n)]).then((o) => o[0].timestamp);

    it.each<[string, unknown, bigint]>([
        ['RFC3339', '2024-03-05T10:20:30+01:00', ns('2024-03-05T09:20:30Z')],
        ['RFC3339Nano', '2024-03-05T10:20:30.000000001Z', ns('2024-03-05T10:20:30Z', 1n)],
        ['RFC1123', 'Tue, 05 Mar 2024 10:20:30 UTC', ns('2024-03-05T10:20:30Z')],
        ['RFC822Z', '05 Mar 24 10:20 +0000', ns('2024-03-05T10:20:00Z')],
        ['Unix', '1709634030', ns('2024-03-05T10:20:30Z')],
        ['Unix', '1709634030.25', ns('2024-03-05T10:20:30Z', 250_000_000n)],
        ['Unix', 1709634030, ns('2024-03-05T10:20:30Z')],
        ['UnixMs', '1709634030123', ns('2024-03-05T10:20:30Z', 123_000_000n)],
        ['UnixUs', '1709634030123456', ns('2024-03-05T10:20:30Z', 123_456_000n)],
        ['UnixNs', '1709634030123456789', ns('2024-03-05T10:20:30Z', 123_456_789n)],
    ])('%s: %s', async (format, value, want) => {
        expect(await withTs(format, value)).toBe(want);
    });

    it('fallback_formats are tried in order; location applies to zone-less layouts', async () => {
        expect(await withTs('RFC3339', '1709634030', { fallback_formats: ['UnixMs', 'Unix'] })).toBe(ns('1970-01-20T18:53:54.030Z'));
        expect(await withTs('2006-01-02 15:04:05', '2024-03-05 10:20:30', { location: 'Asia/Tokyo' })).toBe(ns('2024-03-05T01:20:30Z'));
    });

    it('a layout without year gets the current year', async () => {
        const year = new Date().getUTCFullYear();
        const month = new Date().getUTCMonth();
        const t = await withTs('Jan _2 15:04:05', month === 0 ? 'Jan  1 00:00:01' : 'Feb  1 00:00:01');
        expect(new Date(Number(t / 1_000_000n)).getUTCFullYear()).toBe(year);
        // A year in such a layout's value is an error, so the entry keeps its timestamp.
        expect(await withTs('Jan _2 15:04:05', '2024', { action_on_failure: 'skip' })).toBe(5n);
    });

    it('on failure: "skip" keeps the timestamp, "fudge" is 1ns after the stream\'s last one', async () => {
        const lines = [json('2024-03-05T10:20:30Z'), json('garbage'), json('garbage')].map((l) => entry(l, { app: 'a' }, 5n));
        const stages = (action: string) => [['json', { expressions: { t: '' } }], ['timestamp', { source: 't', format: 'RFC3339', action_on_failure: action }]] as const;
        expect((await run(stages('skip') as never, lines)).map((e) => e.timestamp)).toEqual([ns('2024-03-05T10:20:30Z'), 5n, 5n]);
        expect((await run(stages('fudge') as never, lines)).map((e) => e.timestamp)).toEqual([ns('2024-03-05T10:20:30Z'), ns('2024-03-05T10:20:30Z', 1n), ns('2024-03-05T10:20:30Z', 2n)]);
    });

    it('duplicate timestamps in a stream are fudged unless action_on_duplicate_timestamp = "keep"', async () => {
        const lines = [entry(json('2024-03-05T10:20:30Z'), { app: 'a' }), entry(json('2024-03-05T10:20:30Z'), { app: 'a' }), entry(json('2024-03-05T10:20:30Z'), { app: 'b' })];
        const base = ns('2024-03-05T10:20:30Z');
        expect((await run([['json', { expressions: { t: '' } }], ['timestamp', { source: 't', format: 'RFC3339' }]], lines)).map((e) => e.timestamp)).toEqual([base, base + 1n, base]);
        expect((await run([['json', { expressions: { t: '' } }], ['timestamp', { source: 't', format: 'RFC3339', action_on_duplicate_timestamp: 'keep' }]], lines)).map((e) => e.timestamp)).toEqual([base, base, base]);
    });

    it.each<[string, Record<string, unknown>, string]>([
        ['an empty source', { source: '', format: 'RFC3339' }, 'timestamp source value is required if timestamp is specified'],
        ['an empty format', { source: 't', format: '' }, 'timestamp format is required'],
        ['an unknown location', { source: 't', format: 'RFC3339', location: 'Mars/Olympus' }, 'invalid location specified: %v: unknown time zone Mars/Olympus'],
        ['a bad action_on_failure', { source: 't', format: 'RFC3339', action_on_failure: 'drop' }, 'invalid action on failure (supported values are [skip fudge])'],
        ['a bad action_on_duplicate_timestamp', { source: 't', format: 'RFC3339', action_on_duplicate_timestamp: 'x' }, 'invalid action on duplicate timestamp (supported values are [keep fudge])'],
    ])('refuses %s', async (_name, attrs, message) => {
        expect(await buildError([['timestamp', attrs]])).toBe(`stage.timestamp: invalid stage config ${message}`);
    });
});
