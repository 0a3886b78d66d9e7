// Sizes as alecthomas/units' ParseBase2Bytes (bytes.go, util.go ParseUnit) returns them.

import { describe, expect, it } from 'vitest';
import { parseBase2Bytes } from '../../language/values/base2-bytes.js';

describe('parseBase2Bytes mirrors units.ParseBase2Bytes', () => {
    it.each([
        ['0', 0],
        ['-0', 0],
        ['0B', 0],
        ['1B', 1],
        ['10KiB', 10_240],
        ['10KB', 10_240],
        ['1MiB', 1_048_576],
        ['4MB', 4_194_304],
        ['1.5KiB', 1_536],
        ['1.5MB', 1_572_864],
        ['.5KiB', 512],
        ['63KiB488B', 65_000],
        ['1GiB', 1_073_741_824],
        ['2TiB', 2 * 1024 ** 4],
        ['1EiB', 1024 ** 6],
        ['-1KiB', -1_024],
        ['+2B', 2],
    ])('%s = %d bytes', (text, bytes) => {
        expect(parseBase2Bytes(text)).toBe(bytes);
    });

    it.each([
        ['', 'units: invalid '],
        ['-', 'units: invalid -'],
        ['KiB', 'units: invalid KiB'],
        ['.KiB', 'units: invalid .KiB'],
        ['1024', 'units: unknown unit  in 1024'],
        ['10kB', 'units: unknown unit kB in 10kB'],
        ['10kiB', 'units: unknown unit kiB in 10kiB'],
        ['10 MiB', 'units: unknown unit  MiB in 10 MiB'],
        ['10XB', 'units: unknown unit XB in 10XB'],
        // The error is the second attempt's, with "KB"-style units.
        ['1KiB1', 'units: unknown unit KiB in 1KiB1'],
        ['8EiB', 'units: unknown unit EiB in 8EiB'],
        ['8EB', 'units: overflow parsing unit'],
        ['99999999999999999999B', 'units: invalid 99999999999999999999B'],
    ])('rejects %j: %s', (text, message) => {
        expect(() => parseBase2Bytes(text)).toThrow(message);
        try {
            parseBase2Bytes(text);
        } catch (e) {
            expect((e as Error).message).toBe(message);
        }
    });
});
