// Alloy's standard library (syntax/internal/stdlib) over flowlens values,
// and Agent Flow's (River's) older, un-namespaced one.
//
// Most functions are Go functions in Alloy: their arguments are converted to
// Go types first (a number passed where a string is expected becomes its
// text, null becomes the zero value) and a wrong count gives `expected 2
// args, got 1`. flowlens mirrors those conversions and messages. Errors are
// thrown as:
//   - FunctionError: about the call; Alloy prefixes the callee's text
//     (`encoding.to_json jsonEncode only supports map`);
//   - ArgumentError: about an argument (or an element inside it, `path`);
//     Alloy prefixes that expression's text (`"a" should be array, got string`);
//   - EvalError: messages Alloy prints bare (`combine_maps: expected 3 or 4
//     arguments, got 2`).
// Calling a FunctionValue directly gives the bare message; evaluateExpression
// adds the prefixes.
//
// Unknown arguments give unknown results, never errors, except when an
// error is certain from what is known (a bool where a string is expected).
//
// `sys.env` reads only the environment given in the options, never the
// process's: flowlens checks a configuration for the machine it will run on,
// which is not the editor's. A variable missing from that environment is
// unknown (a string), not "" as Alloy would have it at run time.

import os from 'node:os';
import { JSONPath } from 'jsonpath-plus';
import { parseAllDocuments } from 'yaml';
import { goQuote } from '../syntax/chars.js';
import { compareGoStrings, formatFloat, formatValues, numberToString } from './go-format.js';
import { alloyTypeName, type Kind, knownKind } from './operators.js';
import {
    arr, EvalError, type FunctionValue, isUnknown, NULL, num, type NumberValue, obj, type ObjectValue, str, unknown, type Value,
} from './value.js';

// ---- errors -------------------------------------------------------------------------------

/** An error about the call as a whole; Alloy prints it after the callee's text. */
export class FunctionError extends EvalError {}

/**
 * An error about argument `index` (or, with `path`, about an element inside
 * it: array indexes and object keys); Alloy prints it after that
 * expression's text.
 */
export class ArgumentError extends EvalError {
    constructor(
        message: string,
        readonly index: number,
        readonly path: readonly (number | string)[] = [],
        node?: unknown,
    ) {
        super(message, node);
    }
}

// ---- names ----------------------------------------------------------------------------------

/** Deprecated Alloy identifiers and their replacements. */
export const DEPRECATED_ALIASES: Record<string, string> = {
    env: 'sys.env',
    nonsensitive: 'convert.nonsensitive',
    concat: 'array.concat',
    json_decode: 'encoding.from_json',
    yaml_decode: 'encoding.from_yaml',
    base64_decode: 'encoding.from_base64',
    format: 'string.format',
    join: 'string.join',
    replace: 'string.replace',
    split: 'string.split',
    to_lower: 'string.to_lower',
    to_upper: 'string.to_upper',
    trim: 'string.trim',
    trim_prefix: 'string.trim_prefix',
    trim_suffix: 'string.trim_suffix',
    trim_space: 'string.trim_space',
};

/** Stdlib functions at stability level "experimental" (full names). */
export const EXPERIMENTAL_FUNCTIONS: Set<string> = new Set(['array.combine_maps', 'array.group_by']);

/** The identifiers of Agent Flow's stdlib. */
export const RIVER_IDENTIFIERS: readonly string[] = [
    'base64_decode', 'coalesce', 'concat', 'constants', 'env', 'format', 'join', 'json_decode', 'json_path', 'nonsensitive',
    'replace', 'split', 'to_lower', 'to_upper', 'trim', 'trim_prefix', 'trim_space', 'trim_suffix', 'yaml_decode',
];

export interface StdlibConstants {
    hostname: string;
    os: string;
    arch: string;
    version: string;
}

export interface StdlibOptions {
    dialect: 'alloy' | 'river';
    /** The environment `sys.env` reads (never process.env). */
    env: Readonly<Record<string, string>>;
    constants?: Partial<StdlibConstants>;
}

// ---- conversions of arguments (Go's decoding of Alloy values) ---------------------------------

/** Marks an argument whose Go value is not known statically. */
const UNKNOWN_ARG = Symbol('unknown');
type Arg<T> = T | typeof UNKNOWN_ARG;

function typeWord(v: Value): string {
    const k = knownKind(v);
    return k === undefined ? 'unknown' : alloyTypeName(k);
}

/** Decodes into a Go string: numbers become their text, null "", secrets refuse. */
function toGoString(v: Value, index: number, path: readonly (number | string)[] = []): Arg<string> {
    switch (v.kind) {
        case 'string': return v.value;
        case 'number': return numberToString(v);
        case 'null': return '';
        case 'secret': throw new ArgumentError('secrets may not be converted into strings', index, path);
        case 'unknown': {
            const k = knownKind(v);
            if (k === 'secret') throw new ArgumentError('secrets may not be converted into strings', index, path);
            if (k !== undefined && k !== 'string' && k !== 'number' && k !== 'null') {
                throw new ArgumentError(`should be string, got ${alloyTypeName(k)}`, index, path);
            }
            return UNKNOWN_ARG;
        }
        default: throw new ArgumentError(`should be string, got ${typeWord(v)}`, index, path);
    }
}

/** Decodes into a Go []string. */
function toGoStrings(v: Value, index: number): Arg<string[]> {
    if (v.kind === 'null') return [];
    if (v.kind === 'array') {
        const out: string[] = [];
        let unknownItem = false;
        v.items.forEach((item, i) => {
            const s = toGoString(item, index, [i]);
            if (s === UNKNOWN_ARG) unknownItem = true;
            else out.push(s);
        });
        return unknownItem ? UNKNOWN_ARG : out;
    }
    const k = knownKind(v);
    if (k === undefined || k === 'array' || k === 'null') return UNKNOWN_ARG;
    throw new ArgumentError(`should be array, got ${alloyTypeName(k)}`, index);
}

/** Decodes into alloytypes.Secret: strings and secrets convert, null is "". */
function toGoSecret(v: Value, index: number): Arg<string> {
    switch (v.kind) {
        case 'secret': case 'string': return v.value;
        case 'null': return '';
        case 'capsule': throw new ArgumentError(`expected capsule("alloytypes.Secret"), got capsule(${goQuote(v.type)})`, index);
        case 'unknown': {
            const k = knownKind(v);
            if (k !== undefined && k !== 'secret' && k !== 'string' && k !== 'null' && k !== 'capsule') {
                throw new ArgumentError(`should be capsule, got ${alloyTypeName(k)}`, index);
            }
            return UNKNOWN_ARG;
        }
        default: throw new ArgumentError(`should be capsule, got ${typeWord(v)}`, index);
    }
}

type Param = 'string' | 'strings' | 'secret' | 'any';
type Decoded = string | string[] | Value;

function decode(param: Param, v: Value, index: number): Arg<Decoded> {
    switch (param) {
        case 'string': return toGoString(v, index);
        case 'strings': return toGoStrings(v, index);
        case 'secret': return toGoSecret(v, index);
        case 'any': return isUnknown(v) ? UNKNOWN_ARG : v;
    }
}

function fn(name: string, call: (args: readonly Value[]) => Value): FunctionValue {
    return {
        kind: 'function',
        name,
        call: (args) => {
            try {
                return call(args);
            } catch (e) {
                // Hostile depth (a JSON document nested thousands of levels):
                // the value stays unknown rather than crashing the checker.
                if (e instanceof RangeError) return unknown();
                throw e;
            }
        },
    };
}

/**
 * A function Alloy implements as a Go function: checks the argument count,
 * decodes the arguments in order (the first certain error wins) and returns
 * `unknown(result)` when an argument is unknown.
 */
function goFunction(
    name: string,
    params: readonly Param[],
    variadic: Param | undefined,
    result: string | undefined,
    impl: (args: Decoded[]) => Value,
): FunctionValue {
    return fn(name, (args) => {
        if (variadic !== undefined) {
            if (args.length < params.length) throw new FunctionError(`expected at least ${params.length} args, got ${args.length}`);
        } else if (args.length !== params.length) {
            throw new FunctionError(`expected ${params.length} args, got ${args.length}`);
        }
        const decoded: Decoded[] = [];
        let unknownArg = false;
        args.forEach((a, i) => {
            const d = decode(i < params.length ? params[i] : variadic!, a, i);
            if (d === UNKNOWN_ARG) unknownArg = true;
            else decoded.push(d);
        });
        if (unknownArg) return unknown(result);
        return impl(decoded);
    });
}

function strFn(name: string, arity: number, impl: (...s: string[]) => string): FunctionValue {
    return goFunction(name, new Array<Param>(arity).fill('string'), undefined, 'string', (a) => str(impl(...(a as string[]))));
}

// ---- strings ------------------------------------------------------------------------------------

/** Go's unicode.IsSpace. */
function isGoSpace(cp: number): boolean {
    switch (cp) {
        case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x20: case 0x85: case 0xa0:
        case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
            return true;
    }
    return cp >= 0x2000 && cp <= 0x200a;
}

function trimFunc(s: string, drop: (cp: number) => boolean): string {
    const cps = Array.from(s);
    let start = 0;
    let end = cps.length;
    while (start < end && drop(cps[start].codePointAt(0)!)) start++;
    while (end > start && drop(cps[end - 1].codePointAt(0)!)) end--;
    return cps.slice(start, end).join('');
}

/** Go's unicode.ToLower/ToUpper per code point (simple case mapping: one code point for one). */
function mapCase(s: string, upper: boolean): string {
    let out = '';
    for (const ch of s) {
        if (!upper && ch === '\u0130') {
            out += 'i';
            continue;
        }
        const m = upper ? ch.toUpperCase() : ch.toLowerCase();
        out += Array.from(m).length === 1 ? m : ch;
    }
    return out;
}

function goSplit(s: string, sep: string): string[] {
    if (sep === '') return Array.from(s);
    return s.split(sep);
}

function goReplaceAll(s: string, old: string, replacement: string): string {
    if (old === '') {
        const cps = Array.from(s);
        return replacement + cps.map((c) => c + replacement).join('');
    }
    return s.split(old).join(replacement);
}

// ---- file.path_join ------------------------------------------------------------------------------

/** Go's path/filepath.Clean on POSIX. */
export function cleanPath(path: string): string {
    if (path === '') return '.';
    const rooted = path.startsWith('/');
    const out: string[] = [];
    for (const part of path.split('/')) {
        if (part === '' || part === '.') continue;
        if (part === '..') {
            if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
            else if (!rooted) out.push('..');
            continue;
        }
        out.push(part);
    }
    const joined = (rooted ? '/' : '') + out.join('/');
    return joined === '' ? '.' : joined;
}

/** Go's path/filepath.Join on POSIX: empty elements are ignored, the result is cleaned, "" when all are empty. */
export function joinPath(elems: readonly string[]): string {
    const first = elems.findIndex((e) => e !== '');
    return first < 0 ? '' : cleanPath(elems.slice(first).join('/'));
}

// ---- encodings ------------------------------------------------------------------------------------

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Go's base64.StdEncoding/URLEncoding.DecodeString, with its error offsets. */
function decodeBase64(s: string, alphabet: string): Uint8Array | string {
    const src = encoder.encode(s);
    const map = new Int16Array(256).fill(-1);
    for (let i = 0; i < alphabet.length; i++) map[alphabet.charCodeAt(i)] = i;
    const PAD = 0x3d;
    const out: number[] = [];
    const corrupt = (at: number) => `illegal base64 data at input byte ${at}`;
    let si = 0;
    while (si < src.length) {
        const dbuf = [0, 0, 0, 0];
        let dlen = 4;
        let trailing: string | undefined;
        let j = 0;
        for (; j < 4; j++) {
            if (si === src.length) {
                if (j === 0) return new Uint8Array(out);
                if (j === 1) return corrupt(si - j);
                return corrupt(si - j); // padding is required
            }
            const c = src[si++];
            const d = map[c];
            if (d >= 0) {
                dbuf[j] = d;
                continue;
            }
            if (c === 0x0a || c === 0x0d) {
                j--;
                continue;
            }
            if (c !== PAD) return corrupt(si - 1);
            // Padding: the end of the input.
            if (j === 0 || j === 1) return corrupt(si - 1);
            if (j === 2) {
                // "==" is expected; the first "=" is consumed.
                while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
                if (si === src.length) return corrupt(src.length);
                if (src[si] !== PAD) return corrupt(si - 1);
                si++;
            }
            while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
            if (si < src.length) trailing = corrupt(si);
            dlen = j;
            break;
        }
        const val = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
        const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
        for (let k = 0; k < dlen - 1; k++) out.push(bytes[k]);
        if (trailing) return trailing;
        if (dlen < 4) break;
    }
    return new Uint8Array(out);
}

function encodeBase64(s: string, url: boolean): string {
    const b64 = Buffer.from(s, 'utf8').toString('base64');
    return url ? b64.replace(/\+/g, '-').replace(/\//g, '_') : b64;
}

/** Go's url.QueryEscape. */
function queryEscape(s: string): string {
    let out = '';
    for (const b of encoder.encode(s)) {
        const c = String.fromCharCode(b);
        if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
        else if (b === 0x20) out += '+';
        else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
    }
    return out;
}

/** Go's url.QueryUnescape; a string is the error message. */
function queryUnescape(s: string): { value: string } | { error: string } {
    const src = encoder.encode(s);
    const isHex = (c: number | undefined) => c !== undefined && /[0-9A-Fa-f]/.test(String.fromCharCode(c));
    const out: number[] = [];
    for (let i = 0; i < src.length; ) {
        const c = src[i];
        if (c === 0x25) {
            if (i + 2 >= src.length || !isHex(src[i + 1]) || !isHex(src[i + 2])) {
                const bad = decoder.decode(src.subarray(i, Math.min(i + 3, src.length)));
                return { error: `invalid URL escape ${goQuote(bad)}` };
            }
            out.push(parseInt(String.fromCharCode(src[i + 1], src[i + 2]), 16));
            i += 3;
        } else {
            out.push(c === 0x2b ? 0x20 : c);
            i++;
        }
    }
    return { value: decoder.decode(new Uint8Array(out)) };
}

// ---- JSON ---------------------------------------------------------------------------------------------

function quoteByte(c: number): string {
    if (c === 0x27) return "'\\''";
    if (c === 0x22) return `'"'`;
    return "'" + goQuote(String.fromCharCode(c)).slice(1, -1) + "'";
}

/** Checks JSON syntax like Go's encoding/json scanner; the message of the first error, or undefined. */
export function goJsonSyntaxError(text: string): string | undefined {
    const b = encoder.encode(text);
    const n = b.length;
    const END = 'unexpected end of JSON input';
    const bad = (c: number, context: string) => `invalid character ${quoteByte(c)} ${context}`;
    const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
    const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
    const stack: number[] = []; // 0x7b object, 0x5b array
    let i = 0;
    const skip = () => {
        while (i < n && isSpace(b[i])) i++;
    };
    const string = (): string | undefined => {
        // b[i - 1] was the opening quote.
        for (;;) {
            if (i >= n) return END;
            const c = b[i++];
            if (c === 0x22) return undefined;
            if (c === 0x5c) {
                if (i >= n) return END;
                const e = b[i++];
                if (e === 0x75) {
                    for (let k = 0; k < 4; k++) {
                        if (i >= n) return END;
                        const h = b[i++];
                        if (!/[0-9A-Fa-f]/.test(String.fromCharCode(h))) return bad(h, 'in \\u hexadecimal character escape');
                    }
                } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e))) {
                    return bad(e, 'in string escape code');
                }
            } else if (c < 0x20) {
                return bad(c, 'in string literal');
            }
        }
    };
    const number = (): string | undefined => {
        if (b[i] === 0x2d) {
            i++;
            if (i >= n) return END;
            if (!isDigit(b[i])) return bad(b[i], 'in numeric literal');
        }
        if (b[i] === 0x30) i++;
        else while (i < n && isDigit(b[i])) i++;
        if (i < n && b[i] === 0x2e) {
            i++;
            if (i >= n) return END;
            if (!isDigit(b[i])) return bad(b[i], 'after decimal point in numeric literal');
            while (i < n && isDigit(b[i])) i++;
        }
        if (i < n && (b[i] === 0x65 || b[i] === 0x45)) {
            i++;
            if (i < n && (b[i] === 0x2b || b[i] === 0x2d)) i++;
            if (i >= n) return END;
            if (!isDigit(b[i])) return bad(b[i], 'in exponent of numeric literal');
            while (i < n && isDigit(b[i])) i++;
        }
        return undefined;
    };
    const literal = (word: string): string | undefined => {
        for (let k = 1; k < word.length; k++) {
            i++;
            if (i >= n) return END;
            if (b[i] !== word.charCodeAt(k)) return bad(b[i], `in literal ${word} (expecting ${quoteByte(word.charCodeAt(k))})`);
        }
        i++;
        return undefined;
    };
    const key = (): string | undefined => {
        skip();
        if (i >= n) return END;
        if (b[i] !== 0x22) return bad(b[i], 'looking for beginning of object key string');
        i++;
        const e = string();
        if (e) return e;
        skip();
        if (i >= n) return END;
        if (b[i] !== 0x3a) return bad(b[i], 'after object key');
        i++;
        return undefined;
    };

    for (;;) {
        // The beginning of a value.
        skip();
        if (i >= n) return END;
        const c = b[i];
        let err: string | undefined;
        let opened = false;
        if (c === 0x7b || c === 0x5b) {
            if (stack.length >= 10000) return bad(c, 'exceeded max depth');
            stack.push(c);
            i++;
            skip();
            if (i >= n) return END;
            if ((c === 0x7b && b[i] === 0x7d) || (c === 0x5b && b[i] === 0x5d)) {
                stack.pop();
                i++;
            } else if (c === 0x7b) {
                err = key();
                opened = true;
            } else {
                opened = true;
            }
        } else if (c === 0x22) {
            i++;
            err = string();
        } else if (c === 0x2d || isDigit(c)) {
            err = number();
        } else if (c === 0x74) {
            err = literal('true');
        } else if (c === 0x66) {
            err = literal('false');
        } else if (c === 0x6e) {
            err = literal('null');
        } else {
            return bad(c, 'looking for beginning of value');
        }
        if (err) return err;
        if (opened) continue;

        // The end of a value.
        for (;;) {
            skip();
            if (stack.length === 0) return i < n ? bad(b[i], 'after top-level value') : undefined;
            if (i >= n) return END;
            const d = b[i];
            const top = stack[stack.length - 1];
            if (d === 0x2c) {
                i++;
                if (top === 0x7b) {
                    const e = key();
                    if (e) return e;
                }
                break; // a value follows
            }
            if ((top === 0x7b && d === 0x7d) || (top === 0x5b && d === 0x5d)) {
                stack.pop();
                i++;
                continue;
            }
            return bad(d, top === 0x7b ? 'after object key:value pair' : 'after array element');
        }
    }
}

/**
 * Converts parsed JSON/YAML data to a value, without recursion. `number`
 * decides how a JS number becomes an Alloy number; Maps with non-string keys
 * become capsules, as Go's map[interface{}]interface{} does in Alloy.
 */
function dataToValue(root: unknown, number: (x: number) => Value): Value {
    type Frame = { entries: [string | undefined, unknown][]; i: number; out: [string | undefined, Value][]; object: boolean; key: string | undefined };
    const leaf = (x: unknown): Value | Frame => {
        if (x === null || x === undefined) return NULL;
        if (typeof x === 'number') return number(x);
        if (typeof x === 'bigint') return num(Number(x), false);
        if (typeof x === 'string') return str(x);
        if (typeof x === 'boolean') return { kind: 'bool', value: x };
        if (x instanceof Date) return str(x.toISOString());
        if (Array.isArray(x)) return { entries: x.map((v) => [undefined, v]), i: 0, out: [], object: false, key: undefined };
        if (x instanceof Map) {
            if ([...x.keys()].some((k) => typeof k !== 'string')) return { kind: 'capsule', type: 'map[interface {}]interface {}' };
            return { entries: [...x.entries()] as [string, unknown][], i: 0, out: [], object: true, key: undefined };
        }
        if (typeof x === 'object') return { entries: Object.entries(x as Record<string, unknown>), i: 0, out: [], object: true, key: undefined };
        return unknown();
    };
    const first = leaf(root);
    if ('kind' in first) return first;
    const stack: Frame[] = [first];
    for (;;) {
        const top = stack[stack.length - 1];
        if (top.i < top.entries.length) {
            const [k, v] = top.entries[top.i++];
            const child = leaf(v);
            if ('kind' in child) {
                top.out.push([k, child]);
            } else {
                child.key = k;
                stack.push(child);
            }
            continue;
        }
        const done: Value = top.object ? obj(new Map(top.out as [string, Value][])) : arr(top.out.map((e) => e[1]));
        stack.pop();
        if (stack.length === 0) return done;
        stack[stack.length - 1].out.push([top.key, done]);
    }
}

/** Go's json.Unmarshal into interface{}: numbers are float64. */
function jsonDecode(text: string): Value {
    const err = goJsonSyntaxError(text);
    if (err) throw new FunctionError(err);
    return dataToValue(JSON.parse(text), (x) => num(x, true));
}

/** yaml.v3's Unmarshal into interface{}: the first document; ints stay ints. */
function yamlDecode(text: string): Value {
    const docs = parseAllDocuments(text, { intAsBigInt: true, merge: true });
    if (!Array.isArray(docs)) {
        // A stream holding only directives or errors.
        const e = (docs as { errors?: { message: string }[] }).errors?.[0];
        if (e) throw new FunctionError(`yaml: ${e.message.split('\n')[0]}`);
        return NULL;
    }
    if (docs.length === 0) return NULL;
    const doc = docs[0];
    if (doc.errors.length > 0) throw new FunctionError(`yaml: ${doc.errors[0].message.split('\n')[0]}`);
    return dataToValue(doc.toJS({ mapAsMap: true, maxAliasCount: 10000 }), (x) => num(x, true));
}

/** ojg parses JSON integers as int64 and other numbers as float64. */
function jsonNumber(x: number): Value {
    return num(x, !Number.isInteger(x));
}

function jsonPath(text: string, path: string): Value {
    const err = goJsonSyntaxError(text);
    if (err) throw new FunctionError(err);
    const data = JSON.parse(text) as unknown;
    let p = path.trim();
    if (p.startsWith('@')) p = '$' + p.slice(1);
    else if (p.startsWith('.') || p.startsWith('[')) p = '$' + p;
    else if (!p.startsWith('$')) p = '$.' + p;
    let matches: unknown;
    try {
        matches = JSONPath({ path: p, json: data as object, wrap: true, eval: 'safe' });
    } catch (e) {
        throw new FunctionError(e instanceof Error ? e.message : String(e));
    }
    return dataToValue(Array.isArray(matches) ? matches : [], jsonNumber);
}

/** Go's encoding/json string encoding with HTML escaping. */
function jsonString(s: string): string {
    let out = '"';
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdfff) {
            const d = s.charCodeAt(i + 1);
            if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
                out += s[i] + s[i + 1];
                i++;
            } else {
                out += '\\ufffd';
            }
            continue;
        }
        switch (c) {
            case 0x22: out += '\\"'; break;
            case 0x5c: out += '\\\\'; break;
            case 0x08: out += '\\b'; break;
            case 0x0c: out += '\\f'; break;
            case 0x0a: out += '\\n'; break;
            case 0x0d: out += '\\r'; break;
            case 0x09: out += '\\t'; break;
            case 0x3c: case 0x3e: case 0x26: case 0x2028: case 0x2029:
                out += '\\u' + c.toString(16).padStart(4, '0');
                break;
            default:
                out += c < 0x20 ? '\\u' + c.toString(16).padStart(4, '0') : s[i];
        }
    }
    return out + '"';
}

function jsonFloat(f: number): string {
    if (!Number.isFinite(f)) throw new FunctionError(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
    const abs = Math.abs(f);
    const fmt = abs !== 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f';
    let s = formatFloat(f, fmt, -1);
    if (fmt === 'e') s = s.replace(/e-0(\d)$/, 'e-$1');
    return s;
}

/** Go's json.Marshal of the Go value Alloy decodes (maps with sorted keys). */
function jsonEncode(v: Value): string | undefined {
    let out = '';
    type Task = string | Value;
    const stack: Task[] = [v];
    while (stack.length > 0) {
        const t = stack.pop()!;
        if (typeof t === 'string') {
            out += t;
            continue;
        }
        switch (t.kind) {
            case 'null': out += 'null'; break;
            case 'bool': out += String(t.value); break;
            case 'number': out += t.float ? jsonFloat(t.value) : numberToString(t); break;
            case 'string': case 'secret': out += jsonString(t.value); break;
            case 'array':
                out += '[';
                stack.push(']');
                for (let i = t.items.length - 1; i >= 0; i--) {
                    stack.push(t.items[i]);
                    if (i > 0) stack.push(',');
                }
                break;
            case 'object': {
                const keys = [...t.fields.keys()].sort(compareGoStrings);
                out += '{';
                stack.push('}');
                for (let i = keys.length - 1; i >= 0; i--) {
                    stack.push(t.fields.get(keys[i])!);
                    stack.push(jsonString(keys[i]) + ':');
                    if (i > 0) stack.push(',');
                }
                break;
            }
            default:
                return undefined; // capsules, functions, unknown: only known at run time
        }
    }
    return out;
}

// ---- raw functions -----------------------------------------------------------------------------

function concat(name: string): FunctionValue {
    return fn(name, (args) => {
        let unknownArg = false;
        args.forEach((a, i) => {
            const k = knownKind(a);
            if (k === undefined || a.kind === 'unknown') {
                if (k !== undefined && k !== 'array') throw new ArgumentError(`should be array, got ${alloyTypeName(k)}`, i);
                unknownArg = true;
            } else if (k !== 'array') {
                throw new ArgumentError(`should be array, got ${alloyTypeName(k)}`, i);
            }
        });
        if (unknownArg) {
            const hints = new Set(args.filter((a) => a.kind === 'unknown').map((a) => (a as { type?: string }).type));
            const [only] = hints;
            return unknown(hints.size === 1 && only?.startsWith('list(') ? only : 'array');
        }
        if (args.length === 1) return args[0];
        return arr(args.flatMap((a) => (a as { items: readonly Value[] }).items));
    });
}

/** Whether an argument is "empty" for coalesce: null, a Go zero value, an empty array or object. */
function isEmptyForCoalesce(v: Value): boolean | undefined {
    switch (v.kind) {
        case 'null': return true;
        case 'number': return v.float ? Object.is(v.value, 0) : v.value === 0;
        case 'string': case 'secret': return v.value === '';
        case 'bool': return !v.value;
        case 'array': return v.items.length === 0;
        case 'object': return v.fields.size === 0;
        case 'function': return false;
        default: return undefined; // unknown, capsule
    }
}

function typeWordOf(v: Value): string | undefined {
    if (v.kind === 'unknown') return v.type;
    if (v.kind === 'capsule') return `capsule(${goQuote(v.type)})`;
    return v.kind;
}

function coalesce(name: string): FunctionValue {
    return fn(name, (args) => {
        if (args.length === 0) return NULL;
        for (let i = 0; i < args.length; i++) {
            const empty = isEmptyForCoalesce(args[i]);
            if (empty === false) return args[i];
            if (empty === undefined) {
                // Any later non-empty candidate, or the last argument, may be the result.
                const types = new Set<string | undefined>();
                for (let j = i; j < args.length; j++) {
                    const e = isEmptyForCoalesce(args[j]);
                    if (e === true && j < args.length - 1) continue;
                    types.add(typeWordOf(args[j]));
                    if (e === false) break;
                }
                const [only] = types;
                return types.size === 1 ? unknown(only) : unknown();
            }
        }
        return args[args.length - 1];
    });
}

/** Go's reflect.Value.Equal on the values of two keys; undefined when Alloy would panic or it is unknown. */
function keysEqual(a: Value, b: Value): boolean | undefined {
    if (a.kind === 'unknown' || b.kind === 'unknown') return undefined;
    if (a.kind !== b.kind) return false;
    switch (a.kind) {
        case 'null': return true;
        case 'number': return a.float === (b as NumberValue).float && a.value === (b as NumberValue).value;
        case 'string': case 'secret': case 'bool': return a.value === (b as typeof a).value;
        default: return undefined;
    }
}

function combineMaps(name: string): FunctionValue {
    return fn(name, (args) => {
        if (args.length !== 3 && args.length !== 4) throw new EvalError(`combine_maps: expected 3 or 4 arguments, got ${args.length}`);
        let unknownArg = false;
        for (const i of [0, 1]) {
            const a = args[i];
            const k = knownKind(a);
            if (k !== undefined && k !== 'array') throw new ArgumentError(`should be array, got ${alloyTypeName(k)}`, i);
            if (a.kind !== 'array') {
                unknownArg = true;
                continue;
            }
            a.items.forEach((item, j) => {
                const ik = knownKind(item);
                if (item.kind === 'object') return;
                if (ik === undefined || ik === 'object' || ik === 'capsule') {
                    // An unknown item, or a capsule that may convert to an object.
                    unknownArg = true;
                    return;
                }
                throw new ArgumentError(`should be object, got ${alloyTypeName(ik)}`, i, [j]);
            });
        }
        const conds = args[2];
        const ck = knownKind(conds);
        if (ck !== undefined && ck !== 'array') throw new ArgumentError(`should be array, got ${alloyTypeName(ck)}`, 2);
        if (conds.kind === 'array' && conds.items.length === 0) throw new ArgumentError('combine_maps: merge conditions must not be empty', 2);
        let passthrough = false;
        if (args.length === 4) {
            const pk = knownKind(args[3]);
            if (pk !== undefined && pk !== 'bool') throw new ArgumentError(`should be bool, got ${alloyTypeName(pk)}`, 3);
            if (args[3].kind === 'bool') passthrough = args[3].value;
            else unknownArg = true;
        }
        if (unknownArg || conds.kind !== 'array' || isUnknown(conds)) return unknown('array');
        const keys: string[] = [];
        for (const c of conds.items) {
            if (c.kind !== 'string') return unknown('array'); // Alloy panics on a non-string condition
            keys.push(c.value);
        }
        const left = (args[0] as { items: readonly Value[] }).items as readonly ObjectValue[];
        const right = (args[1] as { items: readonly Value[] }).items as readonly ObjectValue[];
        const result: Value[] = [];
        for (const l of left) {
            for (const r of right) {
                let join = true;
                for (const key of keys) {
                    const lv = l.fields.get(key);
                    const rv = r.fields.get(key);
                    if (lv === undefined || rv === undefined) {
                        join = false;
                        break;
                    }
                    const eq = keysEqual(lv, rv);
                    if (eq === undefined) return unknown('array');
                    if (!eq) {
                        join = false;
                        break;
                    }
                }
                if (join) result.push(obj(new Map([...l.fields, ...r.fields])));
                else if (passthrough) result.push(l); // once per unmatched pair, as Alloy does
            }
        }
        return arr(result);
    });
}

function groupBy(name: string): FunctionValue {
    return fn(name, (args) => {
        if (args.length !== 3) throw new EvalError(`group_by: expected 3 arguments, got ${args.length}`);
        const expect = (i: number, kind: Kind) => {
            const k = knownKind(args[i]);
            if (k !== undefined && k !== kind) throw new ArgumentError(`should be ${kind}, got ${alloyTypeName(k)}`, i);
        };
        expect(0, 'array');
        expect(1, 'string');
        expect(2, 'bool');
        const [list, keyArg, dropArg] = args;
        if (list.kind !== 'array' || keyArg.kind !== 'string' || dropArg.kind !== 'bool') return unknown('array');
        const key = keyArg.value;
        const groups = new Map<string, Value[]>();
        let unknownItem = false;
        list.items.forEach((item, i) => {
            const k = knownKind(item);
            if (k !== 'object') {
                if (k !== undefined && k !== 'capsule') throw new ArgumentError(`should be object, got ${alloyTypeName(k)}`, 0, [i]);
                unknownItem = true;
                return;
            }
            if (item.kind !== 'object') {
                unknownItem = true;
                return;
            }
            const v = item.fields.get(key);
            if (v === undefined) {
                if (dropArg.value) return;
                const g = groups.get('') ?? [];
                g.push(item);
                groups.set('', g);
                return;
            }
            const vk = knownKind(v);
            if (vk !== 'string' || v.kind !== 'string') {
                if (vk !== undefined && vk !== 'string') throw new ArgumentError(`should be string, got ${alloyTypeName(vk)}`, 0, [i, key]);
                unknownItem = true;
                return;
            }
            const g = groups.get(v.value) ?? [];
            g.push(item);
            groups.set(v.value, g);
        });
        if (unknownItem) return unknown('array');
        // Alloy collects the groups in a Go map, so their order varies from run
        // to run; flowlens lists them in the order they first appear.
        return arr([...groups].map(([value, items]) => obj(new Map<string, Value>([[key, str(value)], ['items', arr(items)]]))));
    });
}

// ---- constants -----------------------------------------------------------------------------------

const GOOS: Record<string, string> = { win32: 'windows', sunos: 'solaris' };
const GOARCH: Record<string, string> = { x64: 'amd64', ia32: '386', mipsel: 'mipsle', x32: 'amd64p32' };

function goArch(): string {
    if (process.arch === 'ppc64') return os.endianness() === 'LE' ? 'ppc64le' : 'ppc64';
    return GOARCH[process.arch] ?? process.arch;
}

/** Alloy's normalizeVersion: a "v"-prefixed semantic version, "v0.0.0" when empty. */
export function normalizeVersion(version: string): string {
    const v = version.trim();
    if (v === '') return 'v0.0.0';
    const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(v);
    if (!m) return v;
    const n = (s: string | undefined) => String(Number(s ?? '0'));
    return `v${n(m[1])}.${n(m[2])}.${n(m[3])}${m[4] ?? ''}${m[5] ?? ''}`;
}

function constantsObject(options: StdlibOptions): ObjectValue {
    const c = options.constants ?? {};
    const fields = new Map<string, Value>([
        ['hostname', str(c.hostname ?? safeHostname())],
        ['os', str(c.os ?? GOOS[process.platform] ?? process.platform)],
        ['arch', str(c.arch ?? goArch())],
    ]);
    // Agent Flow's constants had no version.
    if (options.dialect === 'alloy') fields.set('version', str(normalizeVersion(c.version ?? '')));
    return obj(fields);
}

function safeHostname(): string {
    try {
        return os.hostname();
    } catch {
        return '';
    }
}

// ---- the library ------------------------------------------------------------------------------------

type Factory = (name: string) => FunctionValue;

function functions(options: StdlibOptions): Record<string, Factory> {
    const env = options.env;
    return {
        'sys.env': (name) => goFunction(name, ['string'], undefined, 'string', ([key]) =>
            Object.prototype.hasOwnProperty.call(env, key as string) ? str(env[key as string]) : unknown('string')),
        'string.format': (name) => fn(name, (args) => {
            if (args.length < 1) throw new FunctionError(`expected at least 1 args, got ${args.length}`);
            const format = toGoString(args[0], 0);
            if (format === UNKNOWN_ARG) return unknown('string');
            return formatValues(format, args.slice(1));
        }),
        'string.join': (name) => goFunction(name, ['strings', 'string'], undefined, 'string', ([elems, sep]) => str((elems as string[]).join(sep as string))),
        'string.replace': (name) => strFn(name, 3, goReplaceAll),
        'string.split': (name) => goFunction(name, ['string', 'string'], undefined, 'list(string)', ([s, sep]) => arr(goSplit(s as string, sep as string).map(str))),
        'string.to_lower': (name) => strFn(name, 1, (s) => mapCase(s, false)),
        'string.to_upper': (name) => strFn(name, 1, (s) => mapCase(s, true)),
        'string.trim': (name) => strFn(name, 2, (s, cutset) => {
            if (s === '' || cutset === '') return s;
            const set = new Set(Array.from(cutset).map((c) => c.codePointAt(0)!));
            return trimFunc(s, (cp) => set.has(cp));
        }),
        'string.trim_prefix': (name) => strFn(name, 2, (s, prefix) => (s.startsWith(prefix) ? s.slice(prefix.length) : s)),
        'string.trim_suffix': (name) => strFn(name, 2, (s, suffix) => (suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s)),
        'string.trim_space': (name) => strFn(name, 1, (s) => trimFunc(s, isGoSpace)),
        'array.concat': concat,
        'array.combine_maps': combineMaps,
        'array.group_by': groupBy,
        'encoding.from_json': (name) => goFunction(name, ['string'], undefined, undefined, ([s]) => jsonDecode(s as string)),
        'encoding.from_yaml': (name) => goFunction(name, ['string'], undefined, undefined, ([s]) => yamlDecode(s as string)),
        'encoding.from_base64': (name) => goFunction(name, ['string'], undefined, 'string', ([s]) => {
            const r = decodeBase64(s as string, STD_ALPHABET);
            if (typeof r === 'string') throw new FunctionError(r);
            return str(decoder.decode(r));
        }),
        'encoding.from_URLbase64': (name) => goFunction(name, ['string'], undefined, 'string', ([s]) => {
            const r = decodeBase64(s as string, URL_ALPHABET);
            if (typeof r === 'string') throw new FunctionError(r);
            return str(decoder.decode(r));
        }),
        'encoding.to_base64': (name) => strFn(name, 1, (s) => encodeBase64(s, false)),
        'encoding.to_URLbase64': (name) => strFn(name, 1, (s) => encodeBase64(s, true)),
        'encoding.url_encode': (name) => strFn(name, 1, queryEscape),
        'encoding.url_decode': (name) => strFn(name, 1, (s) => {
            const r = queryUnescape(s);
            if ('error' in r) throw new FunctionError(r.error);
            return r.value;
        }),
        'encoding.to_json': (name) => goFunction(name, ['any'], undefined, 'string', ([v]) => {
            const value = v as Value;
            if (value.kind !== 'object') throw new FunctionError('jsonEncode only supports map');
            const out = jsonEncode(value);
            return out === undefined ? unknown('string') : str(out);
        }),
        'convert.nonsensitive': (name) => goFunction(name, ['secret'], undefined, 'string', ([s]) => str(s as string)),
        'file.path_join': (name) => goFunction(name, [], 'string', 'string', (elems) => str(joinPath(elems as string[]))),
        coalesce,
        json_path: (name) => goFunction(name, ['string', 'string'], undefined, 'array', ([s, p]) => jsonPath(s as string, p as string)),
    };
}

/** The identifiers the stdlib of a dialect puts in scope. */
export function createStdlib(options: StdlibOptions): ReadonlyMap<string, Value> {
    const fns = functions(options);
    const scope = new Map<string, Value>();
    if (options.dialect === 'river') {
        for (const id of RIVER_IDENTIFIERS) {
            if (id === 'constants') {
                scope.set(id, constantsObject(options));
                continue;
            }
            const full = DEPRECATED_ALIASES[id] ?? id;
            scope.set(id, fns[full](id));
        }
        return scope;
    }
    scope.set('constants', constantsObject(options));
    scope.set('coalesce', fns.coalesce('coalesce'));
    scope.set('json_path', fns.json_path('json_path'));
    const namespaces = new Map<string, Map<string, Value>>();
    for (const [full, make] of Object.entries(fns)) {
        const dot = full.indexOf('.');
        if (dot < 0) continue;
        const ns = full.slice(0, dot);
        let fields = namespaces.get(ns);
        if (!fields) namespaces.set(ns, (fields = new Map()));
        fields.set(full.slice(dot + 1), make(full));
    }
    for (const ns of ['sys', 'convert', 'array', 'encoding', 'string', 'file']) scope.set(ns, obj(namespaces.get(ns)!));
    for (const [alias, full] of Object.entries(DEPRECATED_ALIASES)) scope.set(alias, fns[full](alias));
    return scope;
}
