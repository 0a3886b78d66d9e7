import { describe, expect, it } from 'vitest';
import { formatFloat, formatValues, numberToString, quoteRune, quoteToASCII, toGoValue } from '../../language/eval/go-format.js';
import { arr, bool, NULL, num, obj, str, unknown, type Value } from '../../language/eval/value.js';

const int = (n: number) => num(n, false);
const float = (n: number) => num(n, true);
const secret = (value: string): Value => ({ kind: 'secret', value });

function format(spec: string, ...args: Value[]): string {
    const v = formatValues(spec, args);
    if (v.kind !== 'string') throw new Error(`not a string: ${JSON.stringify(v)}`);
    return v.value;
}

type Case = readonly [spec: string, args: readonly Value[], expected: string];

function table(cases: readonly Case[]): void {
    for (const [spec, args, expected] of cases) {
        it(`${JSON.stringify(spec)} → ${JSON.stringify(expected)}`, () => {
            expect(format(spec, ...args)).toBe(expected);
        });
    }
}

describe('string.format docs examples', () => {
    table([
        ['Hello, %s!', [str('Ander')], 'Hello, Ander!'],
        ['There are %d lights', [int(4)], 'There are 4 lights'],
        ['%#v', [int(1)], '1'],
        ['%#v', [bool(true)], 'true'],
        ['%q', [str('hello')], '"hello"'],
    ]);
});

describe('integers', () => {
    table([
        ['%d', [int(4)], '4'],
        ['%v', [int(-4)], '-4'],
        ['%5d', [int(42)], '   42'],
        ['%-5d|', [int(42)], '42   |'],
        ['%05d', [int(-42)], '-0042'],
        ['%-05d|', [int(42)], '42   |'],
        ['%+d', [int(5)], '+5'],
        ['% d', [int(5)], ' 5'],
        ['%x', [int(255)], 'ff'],
        ['%X', [int(255)], 'FF'],
        ['%#x', [int(255)], '0xff'],
        ['%#X', [int(255)], '0XFF'],
        ['%x', [int(-255)], '-ff'],
        ['%06x', [int(-255)], '-000ff'],
        ['%o', [int(8)], '10'],
        ['%#o', [int(8)], '010'],
        ['%O', [int(8)], '0o10'],
        ['%b', [int(5)], '101'],
        ['%#b', [int(5)], '0b101'],
        ['%.3d', [int(7)], '007'],
        ['%08.3d', [int(7)], '     007'],
        ['%.0d', [int(0)], ''],
        ['%3.0d|', [int(0)], '   |'],
        ['%c', [int(65)], 'A'],
        ['%c', [int(0x1f600)], '😀'],
        ['%c', [int(-1)], '\ufffd'],
        ['%q', [int(65)], "'A'"],
        ['%q', [int(39)], "'\\''"],
        ['%q', [int(10)], "'\\n'"],
        ['%+q', [int(0xe9)], "'\\u00e9'"],
        ['%U', [int(0x1f600)], 'U+1F600'],
        ['%U', [int(0x41)], 'U+0041'],
        ['%#U', [int(0x41)], "U+0041 'A'"],
        ['%.6U', [int(0x41)], 'U+000041'],
        ['%d', [int(9007199254740991)], '9007199254740991'],
    ]);
});

describe('floats', () => {
    table([
        ['%v', [float(1.5)], '1.5'],
        ['%v', [float(4)], '4'],
        ['%v', [float(0.1)], '0.1'],
        ['%v', [float(1e6)], '1e+06'],
        ['%v', [float(100000)], '100000'],
        ['%v', [float(123456789)], '1.23456789e+08'],
        ['%v', [float(1e21)], '1e+21'],
        ['%v', [float(0.0001)], '0.0001'],
        ['%v', [float(0.00001)], '1e-05'],
        ['%v', [float(-0)], '-0'],
        ['%f', [float(3.14159)], '3.141590'],
        ['%F', [float(3.14159)], '3.141590'],
        ['%.2f', [float(3.14159)], '3.14'],
        ['%8.3f', [float(3.14159)], '   3.142'],
        ['%-8.3f|', [float(3.14159)], '3.142   |'],
        ['%08.3f', [float(-3.14159)], '-003.142'],
        ['%+.1f', [float(2)], '+2.0'],
        ['% .1f', [float(2)], ' 2.0'],
        ['%.0f', [float(0.5)], '0'],
        ['%.0f', [float(1.5)], '2'],
        ['%.0f', [float(2.5)], '2'],
        ['%.1f', [float(0.25)], '0.2'],
        ['%.1f', [float(0.05)], '0.1'],
        ['%f', [float(1e21)], '1000000000000000000000.000000'],
        ['%e', [float(1234.5678)], '1.234568e+03'],
        ['%E', [float(1234.5678)], '1.234568E+03'],
        ['%.2e', [float(9.999)], '1.00e+01'],
        ['%10.3e', [float(1234.5678)], ' 1.235e+03'],
        ['%e', [float(0)], '0.000000e+00'],
        ['%e', [float(1e-300)], '1.000000e-300'],
        ['%g', [float(1234.5678)], '1234.5678'],
        ['%g', [float(0.000012)], '1.2e-05'],
        ['%G', [float(1e-7)], '1E-07'],
        ['%g', [float(100)], '100'],
        ['%.2g', [float(100)], '1e+02'],
        ['%.3g', [float(1234.5678)], '1.23e+03'],
        ['%#g', [float(1)], '1.00000'],
        ['%#.3g', [float(1)], '1.00'],
        ['%#.0f', [float(3)], '3.'],
        ['%b', [float(1)], '4503599627370496p-52'],
        ['%b', [float(0)], '0p-1074'],
        ['%x', [float(1)], '0x1p+00'],
        ['%x', [float(3)], '0x1.8p+01'],
        ['%X', [float(3)], '0X1.8P+01'],
        ['%x', [float(0)], '0x0p+00'],
        ['%.1x', [float(1.96875)], '0x1.0p+01'],
        ['%v', [float(1e308 * 10)], '+Inf'],
        ['%5.1f|', [float(-1e308 * 10)], ' -Inf|'],
        ['%05v', [float(1e308 * 10)], ' +Inf'],
    ]);
});

describe('strings, bools and nil', () => {
    table([
        ['%s', [str('hi')], 'hi'],
        ['%v', [str('hi')], 'hi'],
        ['%5s', [str('hi')], '   hi'],
        ['%-5s|', [str('hi')], 'hi   |'],
        ['%5s', [str('héllo')], 'héllo'],
        ['%7s', [str('héllo')], '  héllo'],
        ['%.2s', [str('héllo')], 'hé'],
        ['%.3v', [str('abcdef')], 'abc'],
        ['%q', [str('a"b\n')], '"a\\"b\\n"'],
        ['%+q', [str('héllo')], '"h\\u00e9llo"'],
        ['%#q', [str('hi')], '`hi`'],
        ['%#q', [str('a`b')], '"a`b"'],
        ['%#v', [str('hi')], '"hi"'],
        ['%x', [str('hi')], '6869'],
        ['%X', [str('hi')], '6869'],
        ['% x', [str('hi')], '68 69'],
        ['%# x', [str('hi')], '0x68 0x69'],
        ['%#x', [str('hi')], '0x6869'],
        ['%x', [str('é')], 'c3a9'],
        ['%.1x', [str('hi')], '68'],
        ['%t', [bool(true)], 'true'],
        ['%v', [bool(false)], 'false'],
        ['%6t', [bool(true)], '  true'],
        ['%v', [NULL], '<nil>'],
        ['%T', [NULL], '<nil>'],
        ['%v', [secret('s')], 's'],
        ['%T', [secret('s')], 'alloytypes.Secret'],
    ]);
});

describe('arrays and objects', () => {
    table([
        ['%v', [arr([int(1), str('a')])], '[1 a]'],
        ['%+v', [arr([int(1)])], '[1]'],
        ['%v', [arr([])], '[]'],
        ['%d', [arr([int(1), int(2)])], '[1 2]'],
        ['%q', [arr([str('a'), str('b')])], '["a" "b"]'],
        ['%x', [arr([int(10), int(11)])], '[a b]'],
        ['%5v', [arr([int(1), int(2)])], '[    1     2]'],
        ['%s', [arr([NULL])], '[<nil>]'],
        ['%v', [arr([arr([int(1)]), obj({ a: NULL })])], '[[1] map[a:<nil>]]'],
        ['%#v', [arr([int(1), str('a'), NULL, float(1.5)])], '[]interface {}{1, "a", interface {}(nil), 1.5}'],
        ['%#v', [arr([])], '[]interface {}{}'],
        ['%v', [obj({ b: int(2), a: int(1) })], 'map[a:1 b:2]'],
        ['%v', [obj({})], 'map[]'],
        ['%#v', [obj({ b: int(2), a: arr([str('x')]) })], 'map[string]interface {}{"a":[]interface {}{"x"}, "b":2}'],
        ['%s', [obj({ a: str('x') })], 'map[a:x]'],
    ]);
});

describe('%T', () => {
    table([
        ['%T', [int(1)], 'int'],
        ['%T', [float(1.5)], 'float64'],
        ['%T', [str('a')], 'string'],
        ['%T', [bool(true)], 'bool'],
        ['%T', [arr([])], '[]interface {}'],
        ['%T', [obj({})], 'map[string]interface {}'],
        ['%10T|', [int(1)], '       int|'],
    ]);
});

describe('argument indexes, width and precision from arguments', () => {
    table([
        ['%[2]d %[1]d', [int(1), int(2)], '2 1'],
        ['%[1]d %d', [int(1), int(2)], '1 2'],
        ['%[2]*[1]d', [int(12), int(5)], '   12'],
        ['%[1]d', [int(1), int(2)], '1'],
        ['%*d', [int(5), int(42)], '   42'],
        ['%-*d|', [int(5), int(42)], '42   |'],
        ['%*d|', [int(-5), int(42)], '42   |'],
        ['%.*f', [int(2), float(3.14159)], '3.14'],
        ['%*.*f|', [int(8), int(2), float(3.14159)], '    3.14|'],
    ]);
});

describe("Go's error output", () => {
    table([
        ['%d', [str('hi')], '%!d(string=hi)'],
        ['%s', [int(1)], '%!s(int=1)'],
        ['%d', [float(1.5)], '%!d(float64=1.5)'],
        ['%d', [float(4)], '%!d(float64=4)'],
        ['%t', [str('x')], '%!t(string=x)'],
        ['%d', [bool(true)], '%!d(bool=true)'],
        ['%x', [bool(true)], '%!x(bool=true)'],
        ['%s', [NULL], '%!s(<nil>)'],
        ['%d', [NULL], '%!d(<nil>)'],
        ['%d', [secret('s')], '%!d(alloytypes.Secret=s)'],
        ['%d', [arr([int(1), str('a')])], '[1 %!d(string=a)]'],
        ['%d', [obj({ a: int(1) })], 'map[%!d(string=a):1]'],
        ['%z', [int(1)], '%!z(int=1)'],
        ['%5z', [int(1)], '%!z(int=    1)'],
        ['%é', [int(1)], '%!é(int=1)'],
        ['%w', [int(1)], '%!w(int=1)'],
        ['%!', [int(1)], '%!!(int=1)'],
        ['%s', [], '%!s(MISSING)'],
        ['%d %d', [int(1)], '1 %!d(MISSING)'],
        ['%d', [int(1), int(2)], '1%!(EXTRA int=2)'],
        ['%d', [int(1), int(2), str('x')], '1%!(EXTRA int=2, string=x)'],
        ['', [NULL, arr([int(1)])], '%!(EXTRA <nil>, []interface {}=[1])'],
        ['%v %v', [int(1), int(2), int(3)], '1 2%!(EXTRA int=3)'],
        ['abc%', [], 'abc%!(NOVERB)'],
        ['%-', [int(1)], '%!(NOVERB)%!(EXTRA int=1)'],
        ['%[0]d', [int(1)], '%!d(BADINDEX)'],
        ['%[3]d', [int(1)], '%!d(BADINDEX)'],
        ['%[x]d', [int(1)], '%!d(BADINDEX)'],
        ['%[2]3d', [int(1), int(2)], '%!d(BADINDEX)'],
        ['%*d', [str('x'), int(42)], '%!(BADWIDTH)42'],
        ['%.*d', [str('x'), int(42)], '%!(BADPREC)42'],
        ['%%', [], '%'],
        ['%5%', [], '%'],
        ['100%% %s', [str('sure')], '100% sure'],
    ]);
});

describe('values without static text', () => {
    it('gives an unknown string for unknown values, capsules, functions and %p of slices', () => {
        expect(formatValues('%s', [unknown()])).toEqual(unknown('string'));
        expect(formatValues('%v', [arr([unknown('string')])])).toEqual(unknown('string'));
        expect(formatValues('%v', [{ kind: 'capsule', type: 'prometheus.Receiver' }])).toEqual(unknown('string'));
        expect(formatValues('%p', [arr([])])).toEqual(unknown('string'));
        expect(format('%p', int(1))).toBe('%!p(int=1)');
    });

    it('converts values to Go values like Alloy', () => {
        expect(toGoValue(int(1))).toEqual({ t: 'int', v: 1n });
        expect(toGoValue(float(1))).toEqual({ t: 'float64', v: 1 });
        expect(toGoValue(obj({ b: NULL, a: bool(true) }))).toEqual({
            t: 'map',
            entries: [['a', { t: 'bool', v: true }], ['b', { t: 'nil' }]],
        });
        expect(toGoValue({ kind: 'function', name: 'f', call: () => NULL })).toBeUndefined();
    });
});

describe('strconv', () => {
    it('formats floats like FormatFloat', () => {
        expect(formatFloat(1e21, 'f', -1)).toBe('1000000000000000000000');
        expect(formatFloat(1e-7, 'f', -1)).toBe('0.0000001');
        expect(formatFloat(0.1 + 0.2, 'g', -1)).toBe('0.30000000000000004');
        expect(formatFloat(123.456, 'e', -1)).toBe('1.23456e+02');
        expect(formatFloat(5e-324, 'g', -1)).toBe('5e-324');
        expect(formatFloat(1.7976931348623157e308, 'g', -1)).toBe('1.7976931348623157e+308');
        expect(formatFloat(2.5, 'f', 0)).toBe('2');
        expect(formatFloat(NaN, 'g', -1)).toBe('NaN');
        expect(formatFloat(-Infinity, 'f', 2)).toBe('-Inf');
    });

    it("prints numbers as Alloy's Number.ToString", () => {
        expect(numberToString(int(42))).toBe('42');
        expect(numberToString(float(15))).toBe('15');
        expect(numberToString(float(2.5))).toBe('2.5');
        expect(numberToString(float(1e21))).toBe('1000000000000000000000');
    });

    it('quotes like strconv', () => {
        expect(quoteToASCII('a😀\x01')).toBe('"a\\U0001f600\\x01"');
        expect(quoteRune(0x22)).toBe(`'"'`);
        expect(quoteRune(0x110000)).toBe("'\ufffd'");
    });
});
