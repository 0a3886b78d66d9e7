// Go's fmt.Sprintf, as Alloy's `string.format` runs it, and Go's
// strconv.FormatFloat, which Alloy uses to turn floats into text.
//
// Alloy hands each argument to Sprintf as a Go `interface{}`: integers become
// `int`, floats `float64`, arrays `[]interface {}`, objects
// `map[string]interface {}` (printed with sorted keys), null a nil interface
// and secrets their `alloytypes.Secret` string. Errors in the format (a verb
// that does not fit its argument, missing or extra arguments) are not
// failures: Go writes them into the result, e.g. `%!d(string=hi)`.

import { goQuote, isPrint } from '../syntax/chars.js';
import { type NumberValue, type Value, isUnknown, str, unknown } from './value.js';

// ---- Go values ---------------------------------------------------------------

/** A Go value as Sprintf receives it (the dynamic value of an interface{}). */
export type GoValue =
    | { readonly t: 'nil' }
    | { readonly t: 'int'; readonly v: bigint }
    | { readonly t: 'float64'; readonly v: number }
    | { readonly t: 'string'; readonly v: string; readonly type: 'string' | 'alloytypes.Secret' }
    | { readonly t: 'bool'; readonly v: boolean }
    | { readonly t: 'slice'; readonly items: readonly GoValue[] }
    | { readonly t: 'map'; readonly entries: readonly (readonly [string, GoValue])[] };

const GO_NIL: GoValue = { t: 'nil' };

/**
 * Converts an Alloy value to the Go value Alloy passes to a `...interface{}`
 * parameter; undefined when it has no static equivalent (unknown values,
 * capsules and functions, whose formatting only the running pipeline knows).
 */
export function toGoValue(v: Value): GoValue | undefined {
    switch (v.kind) {
        case 'null': return GO_NIL;
        case 'number': return v.float || !Number.isFinite(v.value) ? { t: 'float64', v: v.value } : { t: 'int', v: BigInt.asIntN(64, BigInt(Math.trunc(v.value))) };
        case 'string': return { t: 'string', v: v.value, type: 'string' };
        case 'secret': return { t: 'string', v: v.value, type: 'alloytypes.Secret' };
        case 'bool': return { t: 'bool', v: v.value };
        case 'array': {
            const items: GoValue[] = [];
            for (const item of v.items) {
                const g = toGoValue(item);
                if (!g) return undefined;
                items.push(g);
            }
            return { t: 'slice', items };
        }
        case 'object': {
            const entries: [string, GoValue][] = [];
            for (const [k, f] of v.fields) {
                const g = toGoValue(f);
                if (!g) return undefined;
                entries.push([k, g]);
            }
            entries.sort((a, b) => compareGoStrings(a[0], b[0]));
            return { t: 'map', entries };
        }
        default: return undefined;
    }
}

function goTypeName(g: GoValue): string {
    switch (g.t) {
        case 'nil': return '<nil>';
        case 'int': return 'int';
        case 'float64': return 'float64';
        case 'string': return g.type;
        case 'bool': return 'bool';
        case 'slice': return '[]interface {}';
        case 'map': return 'map[string]interface {}';
    }
}

/** Orders strings as Go does (by UTF-8 bytes, i.e. by code points). */
export function compareGoStrings(a: string, b: string): number {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
        const x = a.charCodeAt(i);
        const y = b.charCodeAt(i);
        if (x === y) continue;
        // A surrogate (an astral code point) sorts after every BMP code point.
        const xs = x >= 0xd800 && x <= 0xdfff;
        const ys = y >= 0xd800 && y <= 0xdfff;
        if (xs !== ys) return xs ? 1 : -1;
        return x < y ? -1 : 1;
    }
    return a.length - b.length;
}

// ---- string.format -------------------------------------------------------------

/**
 * `string.format(format, args...)` over Alloy values: the formatted string,
 * or an unknown string when an argument is unknown or has no static text.
 */
export function formatValues(format: string, args: readonly Value[]): Value {
    const goArgs: GoValue[] = [];
    for (const a of args) {
        const g = isUnknown(a) ? undefined : toGoValue(a);
        if (!g) return unknown('string');
        goArgs.push(g);
    }
    const out = sprintf(format, goArgs);
    return out === undefined ? unknown('string') : str(out);
}

/** Go's fmt.Sprintf; undefined when the result depends on a memory address (`%p`). */
export function sprintf(format: string, args: readonly GoValue[]): string | undefined {
    const p = new Printer(args);
    try {
        p.doPrintf(format);
    } catch (e) {
        if (e === ADDRESS) return undefined;
        throw e;
    }
    return p.buf;
}

const ADDRESS = Symbol('address');

const LDIGITS = '0123456789abcdefx';
const UDIGITS = '0123456789ABCDEFX';
const MAX_RUNE = 0x10ffff;
const RUNE_ERROR = 0xfffd;

interface Flags {
    widPresent: boolean;
    precPresent: boolean;
    minus: boolean;
    plus: boolean;
    sharp: boolean;
    space: boolean;
    zero: boolean;
    plusV: boolean;
    sharpV: boolean;
    wid: number;
    prec: number;
}

function clearFlags(): Flags {
    return { widPresent: false, precPresent: false, minus: false, plus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false, wid: 0, prec: 0 };
}

function tooLarge(n: number): boolean {
    return n > 1e6 || n < -1e6;
}

/** Go's parsenum over code units (digits are ASCII). */
function parseNum(s: string, start: number, end: number): { num: number; isNum: boolean; next: number } {
    if (start >= end) return { num: 0, isNum: false, next: end };
    let num = 0;
    let isNum = false;
    let i = start;
    for (; i < end && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39; i++) {
        if (tooLarge(num)) return { num: 0, isNum: false, next: end };
        num = num * 10 + (s.charCodeAt(i) - 0x30);
        isNum = true;
    }
    return { num, isNum, next: i };
}

function runeCount(s: string): number {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
            const d = s.charCodeAt(i + 1);
            if (d >= 0xdc00 && d <= 0xdfff) i++;
        }
        n++;
    }
    return n;
}

const encoder = new TextEncoder();

class Printer {
    buf = '';
    private f: Flags = clearFlags();
    /** The argument being printed: at top level, or an element inside a slice or map. */
    private arg: GoValue | undefined;
    private reordered = false;
    private goodArgNum = true;

    constructor(private readonly args: readonly GoValue[]) {}

    // -- padding ------------------------------------------------------------------

    private writePadding(n: number): void {
        if (n <= 0) return;
        const ch = this.f.zero && !this.f.minus ? '0' : ' ';
        this.buf += ch.repeat(n);
    }

    private pad(s: string): void {
        const f = this.f;
        if (!f.widPresent || f.wid === 0) {
            this.buf += s;
            return;
        }
        const width = f.wid - runeCount(s);
        if (!f.minus) {
            this.writePadding(width);
            this.buf += s;
        } else {
            this.buf += s;
            this.writePadding(width);
        }
    }

    /** Pads text that Go never pads with zeros (strings since Go 1.23). */
    private padText(s: string): void {
        const zero = this.f.zero;
        this.f.zero = false;
        this.pad(s);
        this.f.zero = zero;
    }

    // -- the format loop ------------------------------------------------------------

    private argNumber(argNum: number, format: string, i: number, numArgs: number): { argNum: number; i: number; found: boolean } {
        if (format.length <= i || format[i] !== '[') return { argNum, i, found: false };
        this.reordered = true;
        const { index, wid, ok } = parseArgNumber(format.slice(i));
        if (ok && index >= 0 && index < numArgs) return { argNum: index, i: i + wid, found: true };
        this.goodArgNum = false;
        return { argNum, i: i + wid, found: ok };
    }

    private intFromArg(argNum: number): { num: number; isInt: boolean; argNum: number } {
        let num = 0;
        let isInt = false;
        let newArgNum = argNum;
        if (argNum < this.args.length) {
            const a = this.args[argNum];
            if (a.t === 'int') {
                num = Number(a.v);
                isInt = true;
            }
            newArgNum = argNum + 1;
            if (tooLarge(num)) {
                num = 0;
                isInt = false;
            }
        }
        return { num, isInt, argNum: newArgNum };
    }

    doPrintf(format: string): void {
        const end = format.length;
        const a = this.args;
        let argNum = 0;
        let afterIndex = false;
        this.reordered = false;
        let i = 0;
        formatLoop: while (i < end) {
            this.goodArgNum = true;
            const lasti = i;
            while (i < end && format[i] !== '%') i++;
            if (i > lasti) this.buf += format.slice(lasti, i);
            if (i >= end) break;
            i++; // skip %
            this.f = clearFlags();
            const f = this.f;
            simpleFormat: for (; i < end; i++) {
                const c = format[i];
                switch (c) {
                    case '#': f.sharp = true; break;
                    case '0': f.zero = true; break;
                    case '+': f.plus = true; break;
                    case '-': f.minus = true; break;
                    case ' ': f.space = true; break;
                    default:
                        // The fast path: a lower-case verb without width, precision or index.
                        if (c >= 'a' && c <= 'z' && argNum < a.length) {
                            if (c === 'v') {
                                f.sharpV = f.sharp;
                                f.sharp = false;
                                f.plusV = f.plus;
                                f.plus = false;
                            }
                            this.printArg(a[argNum], c);
                            argNum++;
                            i++;
                            continue formatLoop;
                        }
                        break simpleFormat;
                }
            }

            // An explicit argument index?
            ({ argNum, i, found: afterIndex } = this.argNumber(argNum, format, i, a.length));

            // Width.
            if (i < end && format[i] === '*') {
                i++;
                const r = this.intFromArg(argNum);
                f.wid = r.num;
                f.widPresent = r.isInt;
                argNum = r.argNum;
                if (!f.widPresent) this.buf += '%!(BADWIDTH)';
                if (f.wid < 0) {
                    f.wid = -f.wid;
                    f.minus = true;
                    f.zero = false;
                }
                afterIndex = false;
            } else {
                const r = parseNum(format, i, end);
                f.wid = r.num;
                f.widPresent = r.isNum;
                i = r.next;
                if (afterIndex && f.widPresent) this.goodArgNum = false; // "%[3]2d"
            }

            // Precision.
            if (i + 1 < end && format[i] === '.') {
                i++;
                if (afterIndex) this.goodArgNum = false; // "%[3].2d"
                ({ argNum, i, found: afterIndex } = this.argNumber(argNum, format, i, a.length));
                if (i < end && format[i] === '*') {
                    i++;
                    const r = this.intFromArg(argNum);
                    f.prec = r.num;
                    f.precPresent = r.isInt;
                    argNum = r.argNum;
                    if (f.prec < 0) {
                        f.prec = 0;
                        f.precPresent = false;
                    }
                    if (!f.precPresent) this.buf += '%!(BADPREC)';
                    afterIndex = false;
                } else {
                    const r = parseNum(format, i, end);
                    f.prec = r.num;
                    f.precPresent = r.isNum;
                    i = r.next;
                    if (!f.precPresent) {
                        f.prec = 0;
                        f.precPresent = true;
                    }
                }
            }

            if (!afterIndex) ({ argNum, i, found: afterIndex } = this.argNumber(argNum, format, i, a.length));

            if (i >= end) {
                this.buf += '%!(NOVERB)';
                break;
            }

            const verb = String.fromCodePoint(format.codePointAt(i)!);
            i += verb.length;

            if (verb === '%') {
                this.buf += '%'; // consumes no argument; ignores width and precision
            } else if (!this.goodArgNum) {
                this.buf += `%!${verb}(BADINDEX)`;
            } else if (argNum >= a.length) {
                this.buf += `%!${verb}(MISSING)`;
            } else {
                if (verb === 'v') {
                    f.sharpV = f.sharp;
                    f.sharp = false;
                    f.plusV = f.plus;
                    f.plus = false;
                }
                this.printArg(a[argNum], verb);
                argNum++;
            }
        }

        // Extra arguments, unless the format reordered them.
        if (!this.reordered && argNum < a.length) {
            this.f = clearFlags();
            this.buf += '%!(EXTRA ';
            a.slice(argNum).forEach((arg, k) => {
                if (k > 0) this.buf += ', ';
                if (arg.t === 'nil') {
                    this.buf += '<nil>';
                } else {
                    this.buf += goTypeName(arg) + '=';
                    this.printArg(arg, 'v');
                }
            });
            this.buf += ')';
        }
    }

    // -- arguments ---------------------------------------------------------------------

    private badVerb(verb: string): void {
        this.buf += '%!' + verb + '(';
        const arg = this.arg;
        if (arg && arg.t !== 'nil') {
            this.buf += goTypeName(arg) + '=';
            this.printValue(arg, 'v', 0);
        } else {
            this.buf += '<nil>';
        }
        this.buf += ')';
    }

    private printArg(arg: GoValue, verb: string): void {
        this.arg = arg;
        if (arg.t === 'nil') {
            if (verb === 'T' || verb === 'v') this.pad('<nil>');
            else this.badVerb(verb);
            return;
        }
        if (verb === 'T') {
            this.fmtS(goTypeName(arg));
            return;
        }
        if (verb === 'p') {
            if (arg.t === 'slice' || arg.t === 'map') throw ADDRESS;
            this.badVerb(verb);
            return;
        }
        this.printValue(arg, verb, 0);
    }

    private printValue(v: GoValue, verb: string, depth: number): void {
        this.arg = v;
        switch (v.t) {
            case 'nil':
                // A nil interface inside a slice or map.
                this.buf += this.f.sharpV ? 'interface {}(nil)' : '<nil>';
                return;
            case 'bool': return this.fmtBool(v.v, verb);
            case 'int': return this.fmtInteger(v.v, verb);
            case 'float64': return this.fmtFloat(v.v, verb);
            case 'string': return this.fmtString(v.v, verb);
            case 'slice': {
                if (this.f.sharpV) {
                    this.buf += '[]interface {}{';
                    v.items.forEach((item, k) => {
                        if (k > 0) this.buf += ', ';
                        this.printValue(item, verb, depth + 1);
                    });
                    this.buf += '}';
                } else {
                    this.buf += '[';
                    v.items.forEach((item, k) => {
                        if (k > 0) this.buf += ' ';
                        this.printValue(item, verb, depth + 1);
                    });
                    this.buf += ']';
                }
                return;
            }
            case 'map': {
                this.buf += this.f.sharpV ? 'map[string]interface {}{' : 'map[';
                v.entries.forEach(([key, value], k) => {
                    if (k > 0) this.buf += this.f.sharpV ? ', ' : ' ';
                    this.printValue({ t: 'string', v: key, type: 'string' }, verb, depth + 1);
                    this.buf += ':';
                    this.printValue(value, verb, depth + 1);
                });
                this.buf += this.f.sharpV ? '}' : ']';
                return;
            }
        }
    }

    // -- booleans and integers ------------------------------------------------------

    private fmtBool(b: boolean, verb: string): void {
        if (verb === 't' || verb === 'v') this.pad(b ? 'true' : 'false');
        else this.badVerb(verb);
    }

    private fmtInteger(v: bigint, verb: string): void {
        switch (verb) {
            case 'v':
            case 'd': return this.fmtIntegerBase(v, 10, verb, LDIGITS);
            case 'b': return this.fmtIntegerBase(v, 2, verb, LDIGITS);
            case 'o':
            case 'O': return this.fmtIntegerBase(v, 8, verb, LDIGITS);
            case 'x': return this.fmtIntegerBase(v, 16, verb, LDIGITS);
            case 'X': return this.fmtIntegerBase(v, 16, verb, UDIGITS);
            case 'c': return this.fmtC(v);
            case 'q': return this.fmtQc(v);
            case 'U': return this.fmtUnicode(v);
            default: return this.badVerb(verb);
        }
    }

    private fmtIntegerBase(value: bigint, base: number, verb: string, digits: string): void {
        const f = this.f;
        const negative = value < 0n;
        const u = negative ? -value : value;

        let prec = 0;
        if (f.precPresent) {
            prec = f.prec;
            // Precision 0 and value 0 print nothing but the padding.
            if (prec === 0 && u === 0n) {
                const zero = f.zero;
                f.zero = false;
                this.writePadding(f.wid);
                f.zero = zero;
                return;
            }
        } else if (f.zero && !f.minus && f.widPresent) {
            prec = f.wid;
            if (negative || f.plus || f.space) prec--; // room for the sign
        }

        let s = u.toString(base);
        if (digits === UDIGITS) s = s.toUpperCase();
        if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
        if (f.sharp) {
            if (base === 2) s = '0b' + s;
            else if (base === 8 && s[0] !== '0') s = '0' + s;
            else if (base === 16) s = '0' + digits[16] + s;
        }
        if (verb === 'O') s = '0o' + s;
        if (negative) s = '-' + s;
        else if (f.plus) s = '+' + s;
        else if (f.space) s = ' ' + s;

        // Zero padding was done above as precision, or is ignored due to an explicit precision.
        const zero = f.zero;
        f.zero = false;
        this.pad(s);
        f.zero = zero;
    }

    private runeOf(v: bigint): number {
        const u = BigInt.asUintN(64, v);
        if (u > BigInt(MAX_RUNE)) return RUNE_ERROR;
        const cp = Number(u);
        return cp >= 0xd800 && cp <= 0xdfff ? RUNE_ERROR : cp;
    }

    private fmtC(v: bigint): void {
        this.pad(String.fromCodePoint(this.runeOf(v)));
    }

    private fmtQc(v: bigint): void {
        const u = BigInt.asUintN(64, v);
        const cp = u > BigInt(MAX_RUNE) ? RUNE_ERROR : Number(u);
        this.pad(quoteRune(cp, this.f.plus));
    }

    private fmtUnicode(v: bigint): void {
        const f = this.f;
        const u = BigInt.asUintN(64, v);
        let prec = 4;
        if (f.precPresent && f.prec > 4) prec = f.prec;
        let s = u.toString(16).toUpperCase();
        if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
        s = 'U+' + s;
        if (f.sharp && u <= BigInt(MAX_RUNE) && isPrint(Number(u)) && !(Number(u) >= 0xd800 && Number(u) <= 0xdfff)) {
            s += ` '${String.fromCodePoint(Number(u))}'`;
        }
        const zero = f.zero;
        f.zero = false;
        this.pad(s);
        f.zero = zero;
    }

    // -- floats --------------------------------------------------------------------------

    private fmtFloat(v: number, verb: string): void {
        switch (verb) {
            case 'v': return this.fmtFloatVerb(v, 'g', -1);
            case 'b':
            case 'g':
            case 'G':
            case 'x':
            case 'X': return this.fmtFloatVerb(v, verb, -1);
            case 'f':
            case 'e':
            case 'E': return this.fmtFloatVerb(v, verb, 6);
            case 'F': return this.fmtFloatVerb(v, 'f', 6);
            default: return this.badVerb(verb);
        }
    }

    private fmtFloatVerb(v: number, verb: FloatFormat, defaultPrec: number): void {
        const f = this.f;
        const prec = f.precPresent ? f.prec : defaultPrec;
        let num = formatFloat(v, verb, prec);
        // Reserve a leading sign.
        if (num[0] === '-' || num[0] === '+') {
            // keep
        } else {
            num = '+' + num;
        }
        if (f.space && num[0] === '+' && !f.plus) num = ' ' + num.slice(1);
        // Infinities and NaN are not padded with zeros.
        if (num[1] === 'I' || num[1] === 'N') {
            const zero = f.zero;
            f.zero = false;
            if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
            this.pad(num);
            f.zero = zero;
            return;
        }
        // The sharp flag forces a decimal point and keeps trailing zeros for %g.
        if (f.sharp && verb !== 'b') {
            let digits = 0;
            if (verb === 'g' || verb === 'G' || verb === 'x' || verb === 'X') {
                digits = prec;
                if (digits === -1) digits = 6;
            }
            let tail = '';
            let body = num;
            let hasDecimalPoint = false;
            let sawNonzeroDigit = false;
            for (let i = 1; i < body.length; i++) {
                const ch = body[i];
                if (ch === '.') {
                    hasDecimalPoint = true;
                } else if (ch === 'p' || ch === 'P') {
                    tail = body.slice(i);
                    body = body.slice(0, i);
                    break;
                } else if ((ch === 'e' || ch === 'E') && verb !== 'x' && verb !== 'X') {
                    tail = body.slice(i);
                    body = body.slice(0, i);
                    break;
                } else {
                    if (ch !== '0') sawNonzeroDigit = true;
                    if (sawNonzeroDigit) digits--;
                }
            }
            if (!hasDecimalPoint) {
                if (body.length === 2 && body[1] === '0') digits--; // a leading 0 counts once
                body += '.';
            }
            while (digits > 0) {
                body += '0';
                digits--;
            }
            num = body + tail;
        }
        if (f.plus || num[0] !== '+') {
            // With zero padding the sign goes before the zeros.
            if (f.zero && !f.minus && f.widPresent && f.wid > num.length) {
                this.buf += num[0];
                this.writePadding(f.wid - num.length);
                this.buf += num.slice(1);
                return;
            }
            this.pad(num);
            return;
        }
        this.pad(num.slice(1));
    }

    // -- strings ---------------------------------------------------------------------------

    private truncate(s: string): string {
        const f = this.f;
        if (!f.precPresent) return s;
        let n = f.prec;
        let i = 0;
        for (const ch of s) {
            if (n-- <= 0) return s.slice(0, i);
            i += ch.length;
        }
        return s;
    }

    private fmtS(s: string): void {
        this.padText(this.truncate(s));
    }

    private fmtQ(s: string): void {
        s = this.truncate(s);
        if (this.f.sharp && canBackquote(s)) {
            this.padText('`' + s + '`');
            return;
        }
        this.padText(this.f.plus ? quoteToASCII(s) : goQuote(s));
    }

    private fmtSx(s: string, digits: string): void {
        const f = this.f;
        let bytes = encoder.encode(s);
        if (f.precPresent && f.prec < bytes.length) bytes = bytes.subarray(0, f.prec);
        const length = bytes.length;
        let width = 2 * length;
        const zero = f.zero;
        f.zero = false;
        try {
            if (width > 0) {
                if (f.space) {
                    if (f.sharp) width *= 2;
                    width += length - 1;
                } else if (f.sharp) {
                    width += 2;
                }
            } else {
                if (f.widPresent) this.writePadding(f.wid);
                return;
            }
            if (f.widPresent && f.wid > width && !f.minus) this.writePadding(f.wid - width);
            let out = '';
            if (f.sharp) out += '0' + digits[16];
            for (let i = 0; i < length; i++) {
                if (f.space && i > 0) {
                    out += ' ';
                    if (f.sharp) out += '0' + digits[16];
                }
                const c = bytes[i];
                out += digits[c >> 4] + digits[c & 0xf];
            }
            this.buf += out;
            if (f.widPresent && f.wid > width && f.minus) this.writePadding(f.wid - width);
        } finally {
            f.zero = zero;
        }
    }

    private fmtString(s: string, verb: string): void {
        switch (verb) {
            case 'v': return this.f.sharpV ? this.fmtQ(s) : this.fmtS(s);
            case 's': return this.fmtS(s);
            case 'x': return this.fmtSx(s, LDIGITS);
            case 'X': return this.fmtSx(s, UDIGITS);
            case 'q': return this.fmtQ(s);
            default: return this.badVerb(verb);
        }
    }
}

function parseArgNumber(format: string): { index: number; wid: number; ok: boolean } {
    if (format.length < 3) return { index: 0, wid: 1, ok: false };
    for (let i = 1; i < format.length; i++) {
        if (format[i] === ']') {
            const r = parseNum(format, 1, i);
            if (!r.isNum || r.next !== i) return { index: 0, wid: i + 1, ok: false };
            return { index: r.num - 1, wid: i + 1, ok: true };
        }
    }
    return { index: 0, wid: 1, ok: false };
}

// ---- quoting -----------------------------------------------------------------------------

function hex(n: number, width: number): string {
    return n.toString(16).padStart(width, '0');
}

/** Go's strconv.QuoteToASCII. */
export function quoteToASCII(s: string): string {
    let out = '"';
    for (const ch of s) {
        const cp = ch.codePointAt(0)!;
        if (cp < 0x80) {
            out += goQuote(ch).slice(1, -1);
        } else if (cp >= 0xd800 && cp <= 0xdfff) {
            out += '\\ufffd';
        } else if (cp < 0x10000) {
            out += '\\u' + hex(cp, 4);
        } else {
            out += '\\U' + hex(cp, 8);
        }
    }
    return out + '"';
}

/** Go's strconv.QuoteRune (or QuoteRuneToASCII). */
export function quoteRune(cp: number, ascii = false): string {
    if (cp > MAX_RUNE || (cp >= 0xd800 && cp <= 0xdfff)) cp = RUNE_ERROR;
    if (cp === 0x27) return "'\\''";
    if (cp === 0x22) return `'"'`;
    if (ascii && cp >= 0x80) return "'" + (cp < 0x10000 ? '\\u' + hex(cp, 4) : '\\U' + hex(cp, 8)) + "'";
    return "'" + goQuote(String.fromCodePoint(cp)).slice(1, -1) + "'";
}

/** Go's strconv.CanBackquote. */
function canBackquote(s: string): boolean {
    for (const ch of s) {
        const cp = ch.codePointAt(0)!;
        if (cp >= 0xd800 && cp <= 0xdfff) return false;
        if (cp === 0x60 || cp === 0xfeff) return false;
        if ((cp < 0x20 && cp !== 0x09) || cp === 0x7f) return false;
    }
    return true;
}

// ---- strconv.FormatFloat -----------------------------------------------------------------------

export type FloatFormat = 'e' | 'E' | 'f' | 'g' | 'G' | 'b' | 'x' | 'X';

/** A decimal: value = 0.d[0]d[1]... × 10^dp; `d` has no leading or trailing zeros ('' for 0). */
interface Decimal {
    d: string;
    dp: number;
}

function float64Bits(x: number): { neg: boolean; exp: number; mant: bigint } {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    const bits = view.getBigUint64(0);
    return { neg: bits >> 63n === 1n, exp: Number((bits >> 52n) & 0x7ffn), mant: bits & ((1n << 52n) - 1n) };
}

/** The exact decimal value of a finite non-negative double. */
function exactDecimal(x: number): Decimal {
    if (x === 0) return { d: '', dp: 0 };
    const { exp, mant } = float64Bits(x);
    let m = mant;
    let e: number;
    if (exp === 0) {
        e = -1074;
    } else {
        m |= 1n << 52n;
        e = exp - 1075;
    }
    let digits: string;
    let dp: number;
    if (e >= 0) {
        digits = (m << BigInt(e)).toString();
        dp = digits.length;
    } else {
        digits = (m * 5n ** BigInt(-e)).toString();
        dp = digits.length + e;
    }
    return trimDecimal(digits, dp);
}

function trimDecimal(digits: string, dp: number): Decimal {
    let start = 0;
    while (start < digits.length && digits[start] === '0') {
        start++;
        dp--;
    }
    let end = digits.length;
    while (end > start && digits[end - 1] === '0') end--;
    if (start === end) return { d: '', dp: 0 };
    return { d: digits.slice(start, end), dp };
}

/** The shortest decimal that reads back as x (what Go's shortest mode and JS's toString both find). */
function shortestDecimal(x: number): Decimal {
    if (x === 0) return { d: '', dp: 0 };
    const s = x.toExponential(); // shortest round-trip digits
    const [mantissa, exponent] = s.split('e');
    const digits = mantissa.replace('.', '');
    return trimDecimal(digits, Number(exponent) + 1);
}

/** Rounds to nd digits, halves to even (on an exact decimal, as Go's decimal.Round). */
function roundDecimal(a: Decimal, nd: number): Decimal {
    if (nd < 0 || nd >= a.d.length) return a;
    const d = a.d;
    const up = d[nd] > '5' || (d[nd] === '5' && (nd + 1 < d.length || (nd > 0 && (d.charCodeAt(nd - 1) - 0x30) % 2 === 1)));
    if (!up) return trimDecimal(d.slice(0, nd), a.dp);
    // Round up.
    let i = nd - 1;
    while (i >= 0 && d[i] === '9') i--;
    if (i < 0) return { d: '1', dp: a.dp + 1 };
    return trimDecimal(d.slice(0, i) + String.fromCharCode(d.charCodeAt(i) + 1), a.dp);
}

function fmtE(neg: boolean, d: Decimal, prec: number, fmt: string): string {
    let out = neg ? '-' : '';
    out += d.d.length ? d.d[0] : '0';
    if (prec > 0) {
        out += '.';
        let i = 1;
        const m = Math.min(d.d.length, prec + 1);
        if (i < m) {
            out += d.d.slice(i, m);
            i = m;
        }
        for (; i <= prec; i++) out += '0';
    }
    out += fmt;
    let exp = d.d.length === 0 ? 0 : d.dp - 1;
    let sign = '+';
    if (exp < 0) {
        sign = '-';
        exp = -exp;
    }
    out += sign + (exp < 10 ? '0' + exp : String(exp));
    return out;
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
    let out = neg ? '-' : '';
    if (d.dp > 0) {
        const m = Math.min(d.d.length, d.dp);
        out += d.d.slice(0, m) + '0'.repeat(d.dp - m);
    } else {
        out += '0';
    }
    if (prec > 0) {
        out += '.';
        for (let i = 1; i <= prec; i++) {
            const j = d.dp + i - 1;
            out += j >= 0 && j < d.d.length ? d.d[j] : '0';
        }
    }
    return out;
}

function fmtB(neg: boolean, mant: bigint, exp: number): string {
    const e = exp - 52;
    return (neg ? '-' : '') + mant.toString() + 'p' + (e >= 0 ? '+' : '') + e;
}

function fmtX(prec: number, fmt: 'x' | 'X', neg: boolean, mant: bigint, exp: number): string {
    if (mant === 0n) exp = 0;
    // Shift the digits so that the leading 1 (if any) is at bit 60.
    mant <<= 60n - 52n;
    while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
        mant <<= 1n;
        exp--;
    }
    if (prec >= 0 && prec < 15) {
        const shift = BigInt(prec * 4);
        const extra = (mant << shift) & ((1n << 60n) - 1n);
        mant >>= 60n - shift;
        if ((extra | (mant & 1n)) > 1n << 59n) mant++;
        mant <<= 60n - shift;
        if ((mant & (1n << 61n)) !== 0n) {
            mant >>= 1n;
            exp++;
        }
    }
    const digits = fmt === 'X' ? UDIGITS : LDIGITS;
    let out = neg ? '-' : '';
    out += '0' + fmt + String((mant >> 60n) & 1n);
    mant = (mant << 4n) & ((1n << 64n) - 1n);
    if (prec < 0 && mant !== 0n) {
        out += '.';
        while (mant !== 0n) {
            out += digits[Number((mant >> 60n) & 15n)];
            mant = (mant << 4n) & ((1n << 64n) - 1n);
        }
    } else if (prec > 0) {
        out += '.';
        for (let i = 0; i < prec; i++) {
            out += digits[Number((mant >> 60n) & 15n)];
            mant = (mant << 4n) & ((1n << 64n) - 1n);
        }
    }
    out += fmt === 'X' ? 'P' : 'p';
    let sign = '+';
    if (exp < 0) {
        sign = '-';
        exp = -exp;
    }
    out += sign + (exp < 10 ? '0' + exp : String(exp));
    return out;
}

/** Go's strconv.FormatFloat(x, fmt, prec, 64); prec -1 is the shortest representation. */
export function formatFloat(x: number, fmt: FloatFormat, prec: number): string {
    const { neg, exp: biased, mant: rawMant } = float64Bits(x);
    if (Number.isNaN(x)) return 'NaN';
    if (!Number.isFinite(x)) return neg ? '-Inf' : '+Inf';

    if (fmt === 'b' || fmt === 'x' || fmt === 'X') {
        let mant = rawMant;
        let exp = biased;
        if (exp === 0) exp++;
        else mant |= 1n << 52n;
        exp -= 1023;
        return fmt === 'b' ? fmtB(neg, mant, exp) : fmtX(prec, fmt, neg, mant, exp);
    }

    const abs = Math.abs(x);
    const shortest = prec < 0;
    let digs: Decimal;
    if (shortest) {
        digs = shortestDecimal(abs);
        switch (fmt) {
            case 'e': case 'E': prec = Math.max(digs.d.length - 1, 0); break;
            case 'f': prec = Math.max(digs.d.length - digs.dp, 0); break;
            case 'g': case 'G': prec = digs.d.length; break;
        }
    } else if (fmt !== 'f') {
        let digits = prec;
        if (fmt === 'e' || fmt === 'E') {
            digits++;
        } else {
            if (prec === 0) prec = 1;
            digits = prec;
        }
        digs = roundDecimal(exactDecimal(abs), digits);
    } else {
        const d = exactDecimal(abs);
        digs = roundDecimal(d, d.dp + prec);
    }

    switch (fmt) {
        case 'e':
        case 'E':
            return fmtE(neg, digs, prec, fmt);
        case 'f':
            return fmtF(neg, digs, prec);
        default: {
            let eprec = prec;
            if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
            // %e is used when the exponent is below -4 or at least the precision;
            // for the shortest representation that precision is 6.
            if (shortest) eprec = 6;
            const exp = digs.dp - 1;
            if (exp < -4 || exp >= eprec) {
                if (prec > digs.d.length) prec = digs.d.length;
                return fmtE(neg, digs, prec - 1, fmt === 'g' ? 'e' : 'E');
            }
            if (prec > digs.dp) prec = digs.d.length;
            return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
        }
    }
}

/** Alloy's text for a number (value.Number.ToString): integers in decimal, floats as strconv 'f' -1. */
export function numberToString(n: NumberValue): string {
    if (!n.float && Number.isFinite(n.value)) return BigInt.asIntN(64, BigInt(Math.trunc(n.value))).toString();
    return formatFloat(n.value, 'f', -1);
}
