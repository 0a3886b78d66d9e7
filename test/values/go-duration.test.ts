// The project's one duration parser, against Go's: every row is what Go's function returns for the
// input (value in nanoseconds, or the error's exact text).

import { describe, expect, it } from 'vitest';
import { GoParseError, formatGoDuration, goDurationMs, parseGoDuration, parseModelDuration } from '../../language/values/go-duration.js';

const failure = (parse: (s: string) => bigint, text: string): string => {
    try {
        return `ok ${parse(text)}`;
    } catch (e) {
        expect(e).toBeInstanceOf(GoParseError);
        return (e as Error).message;
    }
};

describe('parseGoDuration mirrors time.ParseDuration (Go time/format.go)', () => {
    it.each([
        ['0', 0n],
        ['-0', 0n],
        ['+0', 0n],
        ['5s', 5_000_000_000n],
        ['30s', 30_000_000_000n],
        ['1478s', 1_478_000_000_000n],
        ['-5s', -5_000_000_000n],
        ['+5s', 5_000_000_000n],
        ['-0s', 0n],
        ['5.0s', 5_000_000_000n],
        ['5.6s', 5_600_000_000n],
        ['5.s', 5_000_000_000n],
        ['.5s', 500_000_000n],
        ['1.0s', 1_000_000_000n],
        ['1.004s', 1_004_000_000n],
        ['100.00100s', 100_001_000_000n],
        ['10ns', 10n],
        ['11us', 11_000n],
        ['12µs', 12_000n],
        ['12μs', 12_000n],
        ['13ms', 13_000_000n],
        ['14s', 14_000_000_000n],
        ['15m', 900_000_000_000n],
        ['16h', 57_600_000_000_000n],
        ['3h30m', 12_600_000_000_000n],
        ['10.5s4m', 250_500_000_000n],
        ['-2m3.4s', -123_400_000_000n],
        ['1h2m3s4ms5us6ns', 3_723_004_005_006n],
        ['39h9m14.425s', 140_954_425_000_000n],
        ['52763797000ns', 52_763_797_000n],
        ['0.3333333333333333333h', 1_200_000_000_000n],
        ['9007199254740993ns', 9_007_199_254_740_993n],
        ['9223372036854775807ns', 9_223_372_036_854_775_807n],
        ['9223372036854775.807us', 9_223_372_036_854_775_807n],
        ['-9223372036854775808ns', -9_223_372_036_854_775_808n],
        ['0.100000000000000000000h', 360_000_000_000n],
        ['0.830103483285477580700h', 2_988_372_539_827n],
    ])('%s = %d ns', (text, ns) => {
        expect(parseGoDuration(text)).toBe(ns);
    });

    it.each([
        ['', 'time: invalid duration ""'],
        ['3', 'time: missing unit in duration "3"'],
        ['-', 'time: invalid duration "-"'],
        ['s', 'time: invalid duration "s"'],
        ['.', 'time: invalid duration "."'],
        ['-.', 'time: invalid duration "-."'],
        ['.s', 'time: invalid duration ".s"'],
        ['+.s', 'time: invalid duration "+.s"'],
        ['1d', 'time: unknown unit "d" in duration "1d"'],
        ['10x', 'time: unknown unit "x" in duration "10x"'],
        ['1s2', 'time: missing unit in duration "1s2"'],
        ['1 s', 'time: unknown unit " s" in duration "1 s"'],
        ['\x85\x85', 'time: invalid duration "\\xc2\\x85\\xc2\\x85"'],
        ['\xffff', 'time: invalid duration "\\xc3\\xbfff"'],
        ['hello \xffff world', 'time: invalid duration "hello \\xc3\\xbfff world"'],
        ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
        ['9223372036854775.808us', 'time: invalid duration "9223372036854775.808us"'],
        ['9223372036854ms775us808ns', 'time: invalid duration "9223372036854ms775us808ns"'],
        ['-9223372036854775809ns', 'time: invalid duration "-9223372036854775809ns"'],
        ['"5s"', 'time: invalid duration "\\"5s\\""'],
    ])('rejects %j: %s', (text, message) => {
        expect(failure(parseGoDuration, text)).toBe(message);
    });

    it('gives milliseconds with fractions for code that counts in ms', () => {
        expect(goDurationMs('1m30s')).toBe(90_000);
        expect(goDurationMs('250ns')).toBeCloseTo(0.00025, 12);
    });
});

describe('formatGoDuration mirrors time.Duration.String', () => {
    it.each([
        [0n, '0s'],
        [1n, '1ns'],
        [1_100n, '1.1µs'],
        [2_200_000n, '2.2ms'],
        [3_300_000_000n, '3.3s'],
        [240_000_000_000n + 5_001_000_000n, '4m5.001s'],
        [18_000_000_000_000n + 240_000_000_000n + 5_001_000_000n, '5h4m5.001s'],
        [3_600_000_000_000n, '1h0m0s'],
        [90_000_000_000n, '1m30s'],
        [-1n, '-1ns'],
        [-9_223_372_036_854_775_808n, '-2562047h47m16.854775808s'],
        [9_223_372_036_854_775_807n, '2562047h47m16.854775807s'],
    ])('%d ns = %s', (ns, text) => {
        expect(formatGoDuration(ns)).toBe(text);
    });
});

describe('parseModelDuration mirrors model.ParseDuration (prometheus/common model/time.go)', () => {
    it.each([
        ['0', 0n],
        ['0s', 0n],
        ['324ms', 324_000_000n],
        ['3s', 3_000_000_000n],
        ['5m', 300_000_000_000n],
        ['1h', 3_600_000_000_000n],
        ['4d', 4n * 86_400_000_000_000n],
        ['4d1h', 4n * 86_400_000_000_000n + 3_600_000_000_000n],
        ['14d', 14n * 86_400_000_000_000n],
        ['3w', 21n * 86_400_000_000_000n],
        ['3w2d1h', 23n * 86_400_000_000_000n + 3_600_000_000_000n],
        ['10y', 3650n * 86_400_000_000_000n],
        ['1h30m', 5_400_000_000_000n],
    ])('%s = %d ns', (text, ns) => {
        expect(parseModelDuration(text)).toBe(ns);
    });

    it.each([
        ['', 'empty duration string'],
        ['1', 'not a valid duration string: "1"'],
        ['1.5s', 'unknown unit "." in duration "1.5s"'],
        ['-1s', 'not a valid duration string: "-1s"'],
        ['1m1h', 'not a valid duration string: "1m1h"'],
        ['1h1h', 'not a valid duration string: "1h1h"'],
        ['1us', 'unknown unit "us" in duration "1us"'],
        ['1x', 'unknown unit "x" in duration "1x"'],
        ['9223372036854775807s', 'duration out of range'],
        ['293y', 'duration out of range'],
        ['292y25w', 'duration out of range'],
    ])('rejects %j: %s', (text, message) => {
        expect(failure(parseModelDuration, text)).toBe(message);
    });
});
