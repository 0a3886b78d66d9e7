import { describe, expect, it } from 'vitest';
import { printKey, printValue } from '../../language/eval/print-value.js';
import { arr, FALSE, NULL, num, obj, str, TRUE, unknown, type Value } from '../../language/eval/value.js';

const int = (n: number) => num(n, false);
const float = (n: number) => num(n, true);

describe('printValue', () => {
    it('prints scalars as Alloy does', () => {
        expect(printValue(NULL)).toBe('null');
        expect(printValue(TRUE)).toBe('true');
        expect(printValue(FALSE)).toBe('false');
        expect(printValue(int(42))).toBe('42');
        expect(printValue(int(-7))).toBe('-7');
        expect(printValue(float(15))).toBe('15');
        expect(printValue(float(2.5))).toBe('2.5');
        expect(printValue(float(1e21))).toBe('1000000000000000000000');
        expect(printValue(float(1e-7))).toBe('0.0000001');
        expect(printValue(float(0.1 + 0.2))).toBe('0.30000000000000004');
    });

    it('quotes strings like Go', () => {
        expect(printValue(str('hello'))).toBe('"hello"');
        expect(printValue(str('a"b\\c\n\t\x01é😀'))).toBe('"a\\"b\\\\c\\n\\t\\x01é😀"');
    });

    it('prints arrays and objects on one line, keys sorted and quoted when needed', () => {
        expect(printValue(arr([]))).toBe('[]');
        expect(printValue(obj({}))).toBe('{}');
        expect(printValue(arr([int(1), int(2)]))).toBe('[1, 2]');
        expect(printValue(obj({ b: str('x'), a: int(1) }))).toBe('{ a = 1, b = "x" }');
        expect(printValue(obj({ 'c.d': NULL, 'B': TRUE, '1x': int(0), 'true': int(1), 'é': int(2) }))).toBe(
            '{ "1x" = 0, B = true, "c.d" = null, "true" = 1, é = 2 }',
        );
        expect(printValue(arr([obj({ a: arr([obj({})]) }), arr([arr([])])]))).toBe('[{ a = [{}] }, [[]]]');
    });

    it('prints secrets, capsules, functions and unknown values', () => {
        expect(printValue({ kind: 'secret', value: 'hidden' })).toBe('(secret)');
        expect(printValue({ kind: 'capsule', type: 'prometheus.Receiver' })).toBe('capsule("prometheus.Receiver")');
        expect(printValue({ kind: 'function', name: 'string.format', call: () => NULL })).toBe('function');
        expect(printValue(unknown())).toBe('(unknown)');
        expect(printValue(unknown('list(string)'))).toBe('(unknown list(string))');
        expect(printValue(obj({ a: unknown('string') }))).toBe('{ a = (unknown string) }');
    });

    it('truncates after maxLength with an ellipsis', () => {
        const v = arr([int(1), int(2), int(3), int(4)]);
        expect(printValue(v, 100)).toBe('[1, 2, 3, 4]');
        expect(printValue(v, 12)).toBe('[1, 2, 3, 4]');
        expect(printValue(v, 11)).toBe('[1, 2, 3, 4…');
        expect(printValue(v, 5)).toBe('[1, 2…');
        expect(printValue(v, 0)).toBe('…');
        expect(printValue(str('😀😀'), 2)).toBe('"…'); // a surrogate pair is not split
    });

    it('stops early on huge values', () => {
        const big = arr(Array.from({ length: 100_000 }, (_, i) => int(i)));
        expect(printValue(big, 20)).toBe('[0, 1, 2, 3, 4, 5, 6…');
    });

    it('prints deeply nested values without recursion', () => {
        let v: Value = int(1);
        for (let i = 0; i < 20_000; i++) v = arr([v]);
        const out = printValue(v);
        expect(out.length).toBe(40_001);
        expect(out.startsWith('[[[')).toBe(true);
    });
});

describe('printKey', () => {
    it('quotes keys that are not identifiers', () => {
        expect(printKey('job')).toBe('job');
        expect(printKey('__address__')).toBe('__address__');
        expect(printKey('http.method')).toBe('"http.method"');
        expect(printKey('')).toBe('""');
        expect(printKey('null')).toBe('"null"');
    });
});
