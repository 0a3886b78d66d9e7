import { describe, expect, it } from 'vitest';
import { evaluateExpression } from '../../language/eval/evaluate-expression.js';
import { printValue } from '../../language/eval/print-value.js';
import {
    ArgumentError, cleanPath, createStdlib, DEPRECATED_ALIASES, EXPERIMENTAL_FUNCTIONS, FunctionError, goJsonSyntaxError, joinPath,
    normalizeVersion, RIVER_IDENTIFIERS,
} from '../../language/eval/stdlib.js';
import { arr, EvalError, type FunctionValue, NULL, num, obj, type ObjectValue, str, unknown, type Value } from '../../language/eval/value.js';
import type { Attribute } from '../../language/syntax/ast.js';
import { parse } from '../../language/syntax/parser.js';

const int = (n: number) => num(n, false);
const float = (n: number) => num(n, true);
const secret = (value: string): Value => ({ kind: 'secret', value });

const alloy = createStdlib({
    dialect: 'alloy',
    env: { TEST_VAR: 'Hello!', EMPTY: '' },
    constants: { hostname: 'my-hostname', os: 'linux', arch: 'amd64', version: '1.5.0' },
});
const river = createStdlib({ dialect: 'river', env: { TEST_VAR: 'Hello!' }, constants: { hostname: 'h', os: 'linux', arch: 'arm64' } });

function evaluate(text: string, scope: ReadonlyMap<string, Value> = alloy): Value {
    const parsed = parse(`x = ${text}`);
    expect(parsed.errors).toEqual([]);
    return evaluateExpression((parsed.ast.body[0] as Attribute).value, scope);
}

/** The printed result, or `error: <message>`. */
function run(text: string, scope: ReadonlyMap<string, Value> = alloy): string {
    try {
        return printValue(evaluate(text, scope));
    } catch (e) {
        if (e instanceof EvalError) return `error: ${e.message}`;
        throw e;
    }
}

function fn(path: string, scope: ReadonlyMap<string, Value> = alloy): FunctionValue {
    const [head, ...rest] = path.split('.');
    let v = scope.get(head)!;
    for (const p of rest) v = (v as ObjectValue).fields.get(p)!;
    expect(v.kind).toBe('function');
    return v as FunctionValue;
}

function callError(f: FunctionValue, args: Value[]): EvalError {
    try {
        f.call(args);
    } catch (e) {
        if (e instanceof EvalError) return e;
        throw e;
    }
    throw new Error('no error');
}

describe('identifiers in scope', () => {
    it('puts the Alloy namespaces, un-namespaced functions and deprecated aliases in scope', () => {
        expect([...alloy.keys()].sort()).toEqual([
            'array', 'base64_decode', 'coalesce', 'concat', 'constants', 'convert', 'encoding', 'env', 'file', 'format', 'join', 'json_decode',
            'json_path', 'nonsensitive', 'replace', 'split', 'string', 'sys', 'to_lower', 'to_upper', 'trim', 'trim_prefix', 'trim_space',
            'trim_suffix', 'yaml_decode',
        ]);
        const names = (ns: string) => [...(alloy.get(ns) as ObjectValue).fields.keys()].sort();
        expect(names('string')).toEqual(['format', 'join', 'replace', 'split', 'to_lower', 'to_upper', 'trim', 'trim_prefix', 'trim_space', 'trim_suffix']);
        expect(names('array')).toEqual(['combine_maps', 'concat', 'group_by']);
        expect(names('encoding')).toEqual(['from_URLbase64', 'from_base64', 'from_json', 'from_yaml', 'to_URLbase64', 'to_base64', 'to_json', 'url_decode', 'url_encode']);
        expect(names('convert')).toEqual(['nonsensitive']);
        expect(names('file')).toEqual(['path_join']);
        expect(names('sys')).toEqual(['env']);
        expect(names('constants')).toEqual(['arch', 'hostname', 'os', 'version']);
    });

    it('names functions by their full name or alias', () => {
        expect(fn('string.format').name).toBe('string.format');
        expect(fn('format').name).toBe('format');
        expect(fn('sys.env').name).toBe('sys.env');
    });

    it('puts exactly the 19 Agent Flow identifiers in scope for River', () => {
        expect([...river.keys()].sort()).toEqual([...RIVER_IDENTIFIERS].sort());
        expect(RIVER_IDENTIFIERS).toHaveLength(19);
        expect(run('format("%s-%s", env("TEST_VAR"), constants.arch)', river)).toBe('"Hello!-arm64"');
        expect(run('constants.version', river)).toBe('error: field "version" does not exist');
        expect(run('string.format("x")', river)).toBe('error: identifier "string" does not exist');
    });

    it('lists deprecated aliases and experimental functions', () => {
        expect(Object.keys(DEPRECATED_ALIASES)).toHaveLength(16);
        expect(DEPRECATED_ALIASES.json_decode).toBe('encoding.from_json');
        expect(DEPRECATED_ALIASES.env).toBe('sys.env');
        expect(DEPRECATED_ALIASES.trim_space).toBe('string.trim_space');
        expect([...EXPERIMENTAL_FUNCTIONS].sort()).toEqual(['array.combine_maps', 'array.group_by']);
    });

    it('has constants with Go names and a normalised version', () => {
        expect(run('constants')).toBe('{ arch = "amd64", hostname = "my-hostname", os = "linux", version = "v1.5.0" }');
        const defaults = createStdlib({ dialect: 'alloy', env: {} }).get('constants') as ObjectValue;
        expect(defaults.fields.get('version')).toEqual(str('v0.0.0'));
        expect(['linux', 'darwin', 'windows', 'freebsd']).toContain((defaults.fields.get('os') as { value: string }).value);
        expect(['amd64', 'arm64', '386', 'arm']).toContain((defaults.fields.get('arch') as { value: string }).value);
        expect(normalizeVersion('v1.2')).toBe('v1.2.0');
        expect(normalizeVersion(' 1.2.3-rc.1 ')).toBe('v1.2.3-rc.1');
        expect(normalizeVersion('devel')).toBe('devel');
    });
});

describe('sys.env', () => {
    it('reads only the given environment; a missing variable is an unknown string', () => {
        expect(run('sys.env("TEST_VAR")')).toBe('"Hello!"');
        expect(run('sys.env("EMPTY")')).toBe('""');
        expect(run('sys.env("PATH")')).toBe('(unknown string)');
        expect(run('env("TEST_VAR")')).toBe('"Hello!"');
        expect(run('sys.env("A", "B")')).toBe('error: sys.env expected 1 args, got 2');
    });
});

describe('string functions', () => {
    it('formats', () => {
        expect(run('string.format("Hello, %s!", "Ander")')).toBe('"Hello, Ander!"');
        expect(run('string.format("%d-%v", 1, [1, 2])')).toBe('"1-[1 2]"');
        expect(run('string.format(12)')).toBe('"12"');
        expect(run('string.format()')).toBe('error: string.format expected at least 1 args, got 0');
        expect(run('string.format(true)')).toBe('error: true should be string, got bool');
    });

    it('joins, converting numbers to strings', () => {
        expect(run('string.join(["foo", "bar", "baz"], ", ")')).toBe('"foo, bar, baz"');
        expect(run('string.join([0, 0, 1], ", ")')).toBe('"0, 0, 1"');
        expect(run('string.join([1.5, null], "-")')).toBe('"1.5-"');
        expect(run('string.join(null, "-")')).toBe('""');
        expect(run('string.join("a", "-")')).toBe('error: "a" should be array, got string');
        expect(run('string.join(["a", {}], "-")')).toBe('error: {} should be string, got object');
        expect(run('string.join(["a"])')).toBe('error: string.join expected 2 args, got 1');
    });

    it('replaces, splits, trims and changes case like Go', () => {
        expect(run('string.replace("1 + 2 + 3", "+", "-")')).toBe('"1 - 2 - 3"');
        expect(run('string.replace("ab", "", "-")')).toBe('"-a-b-"');
        expect(run('string.split("/aaa/bbb", "/")')).toBe('["", "aaa", "bbb"]');
        expect(run('string.split("", ",")')).toBe('[""]');
        expect(run('string.split("a😀", "")')).toBe('["a", "😀"]');
        expect(run('string.to_lower("HELLO")')).toBe('"hello"');
        expect(run('string.to_upper("hello ß")')).toBe('"HELLO ß"');
        expect(run('string.trim("?!hello?!", "!?")')).toBe('"hello"');
        expect(run('string.trim("foobar", "far")')).toBe('"oob"');
        expect(run('string.trim("   hello! world.!  ", "! ")')).toBe('"hello! world."');
        expect(run('string.trim_prefix("helloworld", "hello")')).toBe('"world"');
        expect(run('string.trim_prefix("helloworld", "x")')).toBe('"helloworld"');
        expect(run('string.trim_suffix("helloworld", "world")')).toBe('"hello"');
        expect(run('string.trim_space("  hello\\n\\n")')).toBe('"hello"');
        expect(run('string.trim_space("\\u00a0\\u0085x\\u3000")')).toBe('"x"');
        expect(run('string.trim_space("\\ufeffx")')).toBe('"\\ufeffx"'); // not a space in Go
        expect(run('to_upper(1.5)')).toBe('"1.5"');
    });

    it('refuses secrets where strings are expected', () => {
        expect(callError(fn('string.to_upper'), [secret('x')]).message).toBe('secrets may not be converted into strings');
        const scope = new Map([...alloy, ['s', secret('x')]]);
        expect(run('string.to_upper(s)', scope)).toBe('error: s secrets may not be converted into strings');
    });
});

describe('array functions', () => {
    it('concatenates', () => {
        expect(run('array.concat()')).toBe('[]');
        expect(run('array.concat([])')).toBe('[]');
        expect(run('array.concat([1, 2], [3, 4])')).toBe('[1, 2, 3, 4]');
        expect(run('concat([true, "foo"], [], [false, 1])')).toBe('[true, "foo", false, 1]');
        expect(run('array.concat([1], 2)')).toBe('error: 2 should be array, got number');
        expect(callError(fn('array.concat'), [arr([]), str('x')])).toBeInstanceOf(ArgumentError);
    });

    it('combines maps', () => {
        expect(run('array.combine_maps([{"a" = "a1", "b" = "b1"}], [{"a" = "a1", "c" = "c1"}], ["a"])')).toBe('[{ a = "a1", b = "b1", c = "c1" }]');
        expect(run('array.combine_maps([{"a" = 1, "b" = 2.2}], [{"a" = 1, "b" = "3.3"}], ["a"])')).toBe('[{ a = 1, b = "3.3" }]');
        expect(run('array.combine_maps([{"a" = 1, "b" = 2.2}], [{"a" = "1", "b" = "3.3"}], ["a"])')).toBe('[]');
        expect(run('array.combine_maps([{"a" = 1, "n" = 1.1}, {"n" = 1.2}], [{"a" = 1, "n" = 2.1}], ["a"])')).toBe('[{ a = 1, n = 2.1 }]');
        expect(run('array.combine_maps([{"pod" = "a", "lbl" = "q"}, {"pod" = "b", "lbl" = "q"}], [{"pod" = "c", "lbl" = "q"}, {"pod" = "d", "lbl" = "q"}], ["lbl"])')).toBe(
            '[{ lbl = "q", pod = "c" }, { lbl = "q", pod = "d" }, { lbl = "q", pod = "c" }, { lbl = "q", pod = "d" }]',
        );
        // The fourth argument passes unmatched items of the first list through (once per unmatched pair).
        expect(run('array.combine_maps([{"a" = 1}, {"a" = 2}], [{"a" = 1, "b" = 1}], ["a"], true)')).toBe('[{ a = 1, b = 1 }, { a = 2 }]');
        expect(run('array.combine_maps([{"a" = 2}], [{"a" = 1}, {"a" = 3}], ["a"], true)')).toBe('[{ a = 2 }, { a = 2 }]');
    });

    it('reports combine_maps errors', () => {
        expect(run('array.combine_maps([], [])')).toBe('error: combine_maps: expected 3 or 4 arguments, got 2');
        expect(run('array.combine_maps([{"a" = "a1", "b" = "b1"}], "a", ["a"])')).toBe('error: "a" should be array, got string');
        expect(run('array.combine_maps([{"a" = "a1", "b" = "b1"}], ["a"], ["a"])')).toBe('error: "a" should be object, got string');
        expect(run('array.combine_maps([{"a" = "a1"}], [{"a" = "a1"}], [])')).toBe('error: [] combine_maps: merge conditions must not be empty');
        expect(run('array.combine_maps([], [], ["a"], 1)')).toBe('error: 1 should be bool, got number');
        expect(callError(fn('array.combine_maps'), [arr([]), arr([]), arr([])]).message).toBe('combine_maps: merge conditions must not be empty');
    });

    it('groups by a key', () => {
        expect(run('array.group_by([{"t" = "a", "n" = 1}, {"n" = 2}, {"t" = "b"}, {"t" = "a"}], "t", false)')).toBe(
            '[{ items = [{ n = 1, t = "a" }, { t = "a" }], t = "a" }, { items = [{ n = 2 }], t = "" }, { items = [{ t = "b" }], t = "b" }]',
        );
        expect(run('array.group_by([{"t" = "a"}, {"n" = 2}], "t", true)')).toBe('[{ items = [{ t = "a" }], t = "a" }]');
        expect(run('array.group_by([{"t" = 1}], "t", true)')).toBe('error: 1 should be string, got number');
        expect(run('array.group_by([1], "t", true)')).toBe('error: 1 should be object, got number');
        expect(run('array.group_by([], 1, true)')).toBe('error: 1 should be string, got number');
        expect(run('array.group_by([], "t")')).toBe('error: group_by: expected 3 arguments, got 2');
    });
});

describe('encoding functions', () => {
    it('decodes JSON with numbers as floats', () => {
        expect(evaluate('encoding.from_json("15")')).toEqual(float(15));
        expect(run('encoding.from_json("{\\"foo\\": [0, null, true, \\"x\\"]}")')).toBe('{ foo = [0, null, true, "x"] }');
        expect(run('json_decode("null")')).toBe('null');
        expect(run('encoding.from_json("{\\"a\\": 1, \\"a\\": 2}")')).toBe('{ a = 2 }');
    });

    it("reports JSON syntax errors with Go's messages", () => {
        const cases: [string, string][] = [
            ['', 'unexpected end of JSON input'],
            ['{', 'unexpected end of JSON input'],
            ['[1,]', "invalid character ']' looking for beginning of value"],
            ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
            ['{"a" 1}', "invalid character '1' after object key"],
            ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
            ['[1 2]', "invalid character '2' after array element"],
            ['1 2', "invalid character '2' after top-level value"],
            ['01', "invalid character '1' after top-level value"],
            ['-x', "invalid character 'x' in numeric literal"],
            ['1.x', "invalid character 'x' after decimal point in numeric literal"],
            ['1ex', "invalid character 'x' in exponent of numeric literal"],
            ['tru', 'unexpected end of JSON input'],
            ['trux', "invalid character 'x' in literal true (expecting 'e')"],
            ['nul', 'unexpected end of JSON input'],
            ['"a\\x"', "invalid character 'x' in string escape code"],
            ['"\\u12x4"', "invalid character 'x' in \\u hexadecimal character escape"],
            ['"a\nb"', "invalid character '\\n' in string literal"],
            ["'a'", "invalid character '\\'' looking for beginning of value"],
            ['{"a":1}}', "invalid character '}' after top-level value"],
        ];
        for (const [input, message] of cases) expect([input, goJsonSyntaxError(input)]).toEqual([input, message]);
        expect(goJsonSyntaxError(' {"a": [1, 2.5e-3, -0, "\\u00e9"]} ')).toBeUndefined();
        expect(run('encoding.from_json("[1,]")')).toBe("error: encoding.from_json invalid character ']' looking for beginning of value");
        expect(callError(fn('encoding.from_json'), [str('{')])).toBeInstanceOf(FunctionError);
    });

    it('decodes YAML, keeping integers integral', () => {
        expect(evaluate('encoding.from_yaml("[0, 1.5, 2.0]")')).toEqual(arr([int(0), float(1.5), float(2)]));
        expect(run('encoding.from_yaml("foo: bar")')).toBe('{ foo = "bar" }');
        expect(run('encoding.from_yaml("foo: null\\nb: [yes, true]")')).toBe('{ b = ["yes", true], foo = null }');
        expect(run('yaml_decode("")')).toBe('null');
        expect(run('encoding.from_yaml("a: 1\\n---\\nb: 2")')).toBe('{ a = 1 }');
        expect(run('encoding.from_yaml("1: a")')).toBe('capsule("map[interface {}]interface {}")');
        expect(run('encoding.from_yaml("a: [")').startsWith('error: encoding.from_yaml yaml: ')).toBe(true);
    });

    it('encodes and decodes base64', () => {
        expect(run('encoding.from_base64("dGFuZ2VyaW5l")')).toBe('"tangerine"');
        expect(run('base64_decode("Zm9vYmFyMTIzIT8kKiYoKSctPUB+")')).toBe('"foobar123!?$*&()\'-=@~"');
        expect(run('encoding.from_URLbase64("c3RyaW5nMTIzIT8kKiYoKSctPUB-")')).toBe('"string123!?$*&()\'-=@~"');
        expect(run('encoding.to_base64("string123!?$*&()\'-=@~")')).toBe('"c3RyaW5nMTIzIT8kKiYoKSctPUB+"');
        expect(run('encoding.to_URLbase64("string123!?$*&()\'-=@~")')).toBe('"c3RyaW5nMTIzIT8kKiYoKSctPUB-"');
        expect(run('encoding.to_URLbase64("a")')).toBe('"YQ=="');
        expect(run('encoding.from_base64("YQ==")')).toBe('"a"');
        expect(run('encoding.from_base64("YQ\\n==")')).toBe('"a"');
        expect(run('encoding.from_base64("YQ")')).toBe('error: encoding.from_base64 illegal base64 data at input byte 0');
        expect(run('encoding.from_base64("YQ=")')).toBe('error: encoding.from_base64 illegal base64 data at input byte 3');
        expect(run('encoding.from_base64("Y!==")')).toBe('error: encoding.from_base64 illegal base64 data at input byte 1');
        expect(run('encoding.from_base64("YQ==YQ==")')).toBe('error: encoding.from_base64 illegal base64 data at input byte 4');
        expect(run('encoding.from_URLbase64("c3+=")')).toBe('error: encoding.from_URLbase64 illegal base64 data at input byte 2');
    });

    it('encodes and decodes URLs like url.QueryEscape', () => {
        expect(run('encoding.url_encode("string123!?$*&()\'-=@~")')).toBe('"string123%21%3F%24%2A%26%28%29%27-%3D%40~"');
        expect(run('encoding.url_encode("a b/é")')).toBe('"a+b%2F%C3%A9"');
        expect(run('encoding.url_decode("string123%21%3F%24%2A%26%28%29%27-%3D%40~")')).toBe('"string123!?$*&()\'-=@~"');
        expect(run('encoding.url_decode("a+b%2f%C3%A9")')).toBe('"a b/é"');
        expect(run('encoding.url_decode("%zz")')).toBe('error: encoding.url_decode invalid URL escape "%zz"');
        expect(run('encoding.url_decode("ab%4")')).toBe('error: encoding.url_decode invalid URL escape "%4"');
    });

    it('encodes maps as JSON like json.Marshal', () => {
        expect(run('encoding.to_json({"modules"={"http_2xx"={"prober"="http","timeout"="5s","http"={"headers"={"Authorization"=sys.env("TEST_VAR")}}}}})')).toBe(
            '"{\\"modules\\":{\\"http_2xx\\":{\\"http\\":{\\"headers\\":{\\"Authorization\\":\\"Hello!\\"}},\\"prober\\":\\"http\\",\\"timeout\\":\\"5s\\"}}}"',
        );
        expect(evaluate('encoding.to_json({b = [1, 2.5, null, true], a = "<&>\\n", c = 1e21, d = 0.0000001, e = 1.0})')).toEqual(
            str('{"a":"\\u003c\\u0026\\u003e\\n","b":[1,2.5,null,true],"c":1e+21,"d":1e-7,"e":1}'),
        );
        expect(run('encoding.to_json(12)')).toBe('error: encoding.to_json jsonEncode only supports map');
        expect(run('encoding.to_json([])')).toBe('error: encoding.to_json jsonEncode only supports map');
        expect(run('encoding.to_json(null)')).toBe('error: encoding.to_json jsonEncode only supports map');
        expect(run('encoding.to_json({a = sys.env("NOPE")})')).toBe('(unknown string)');
    });
});

describe('convert.nonsensitive', () => {
    it('turns secrets and strings into strings', () => {
        expect(fn('convert.nonsensitive').call([secret('foo')])).toEqual(str('foo'));
        expect(fn('nonsensitive').call([str('bar')])).toEqual(str('bar'));
        expect(callError(fn('convert.nonsensitive'), [int(1)]).message).toBe('should be capsule, got number');
        expect(run('convert.nonsensitive(1)')).toBe('error: 1 should be capsule, got number');
    });
});

describe('file.path_join', () => {
    it('joins and cleans like filepath.Join on POSIX', () => {
        expect(run('file.path_join()')).toBe('""');
        expect(run('file.path_join("this/is", "a/path")')).toBe('"this/is/a/path"');
        expect(run('file.path_join("a/../b", "c/")')).toBe('"b/c"');
        expect(run('file.path_join("", "")')).toBe('""');
        expect(run('file.path_join("", "a", "", "b")')).toBe('"a/b"');
        expect(run('file.path_join("/", "..", "x")')).toBe('"/x"');
        expect(run('file.path_join("..", "x")')).toBe('"../x"');
        expect(run('file.path_join("a", "..")')).toBe('"."');
        expect(run('file.path_join("a", 1)')).toBe('"a/1"');
        expect(joinPath(['a//b', './c'])).toBe('a/b/c');
        expect(cleanPath('')).toBe('.');
    });
});

describe('coalesce', () => {
    it('returns the first non-empty argument, else the last', () => {
        expect(run('coalesce()')).toBe('null');
        expect(run('coalesce("a", "b")')).toBe('"a"');
        expect(run('coalesce("", "b")')).toBe('"b"');
        expect(run('coalesce([], ["fallback"])')).toBe('["fallback"]');
        expect(run('coalesce(0, 1, 2)')).toBe('1');
        expect(run('coalesce(false, true)')).toBe('true');
        expect(run('coalesce(encoding.from_json("{}"), false)')).toBe('false');
        expect(run('coalesce([], null)')).toBe('null');
        expect(run('coalesce("", 0, [], {})')).toBe('{}');
    });

    it('is unknown when an unknown argument comes first', () => {
        expect(run('coalesce(sys.env("NOPE"), "c")')).toBe('(unknown string)');
        expect(run('coalesce(sys.env("NOPE"), 1)')).toBe('(unknown)');
        expect(run('coalesce("x", sys.env("NOPE"))')).toBe('"x"');
        expect(fn('coalesce').call([unknown(), str('')])).toEqual(unknown());
    });
});

describe('json_path', () => {
    it('returns the list of matches', () => {
        expect(run('json_path("{\\"key\\": \\"value\\"}", ".key")')).toBe('["value"]');
        expect(run('json_path("{\\"key\\": \\"value\\"}", ".nonexists")')).toBe('[]');
        expect(run('json_path("[{\\"name\\": \\"Department\\",\\"value\\": \\"IT\\"},{\\"name\\":\\"TestStatus\\",\\"value\\":\\"Pending\\"}]", "[?(@.name == \\"Department\\")].value")')).toBe('["IT"]');
        expect(run('json_path("{\\"a\\": [1, 2.5]}", "$.a[*]")')).toBe('[1, 2.5]');
        expect(evaluate('json_path("{\\"a\\": [1, 2.5]}", "$.a[*]")')).toEqual(arr([int(1), float(2.5)]));
        expect(run('json_path("{", ".a")')).toBe('error: json_path unexpected end of JSON input');
    });
});

describe('unknown arguments', () => {
    const u = unknown();
    it('give unknown results', () => {
        expect(fn('string.format').call([str('%s'), u])).toEqual(unknown('string'));
        expect(fn('string.format').call([u])).toEqual(unknown('string'));
        expect(fn('string.split').call([u, str(',')])).toEqual(unknown('list(string)'));
        expect(fn('string.join').call([arr([str('a'), u]), str(',')])).toEqual(unknown('string'));
        expect(fn('encoding.from_json').call([u])).toEqual(unknown());
        expect(fn('array.concat').call([arr([]), unknown('list(string)')])).toEqual(unknown('list(string)'));
        expect(fn('array.combine_maps').call([u, arr([]), arr([str('a')])])).toEqual(unknown('array'));
        expect(fn('array.combine_maps').call([arr([obj({ a: u })]), arr([obj({ a: str('x') })]), arr([str('a')])])).toEqual(unknown('array'));
        expect(fn('array.group_by').call([arr([u]), str('t'), { kind: 'bool', value: true }])).toEqual(unknown('array'));
        expect(fn('convert.nonsensitive').call([unknown('secret')])).toEqual(unknown('string'));
        expect(fn('file.path_join').call([str('a'), u])).toEqual(unknown('string'));
    });

    it('still report errors that are certain', () => {
        expect(callError(fn('string.to_upper'), [unknown('bool')]).message).toBe('should be string, got bool');
        expect(callError(fn('string.to_upper'), [unknown('list(string)')]).message).toBe('should be string, got array');
        expect(callError(fn('string.to_upper'), [u, u]).message).toBe('expected 1 args, got 2');
        expect(callError(fn('array.concat'), [u, int(1)]).message).toBe('should be array, got number');
        expect(callError(fn('array.group_by'), [arr([u]), str('t'), NULL]).message).toBe('should be bool, got null');
        expect(callError(fn('string.join'), [u, { kind: 'bool', value: true }]).message).toBe('should be string, got bool');
    });
});
