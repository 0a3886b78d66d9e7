/**
 * Translation of Go RE2 regular-expression syntax (as used in Prometheus/Alloy relabel rules) into an
 * equivalent JavaScript `RegExp` (always compiled with the `u` flag, so `.` and classes work on code
 * points like RE2 does).
 *
 * Rather than relying on JS flags, flag-dependent constructs are rewritten explicitly, which makes scoped
 * flags such as `(?s:...)` or `(?m)` in the middle of a pattern work:
 * - `.` becomes `[^\n]` (RE2 without `s` excludes only `\n`; JS `.` would also exclude `\r`, U+2028/9)
 *   or `[^]` with `s`;
 * - `^`/`$` become line-aware lookarounds with `m`; `\A` / `\z` become start/end-of-input assertions;
 * - `U` (ungreedy) swaps the laziness of quantifiers;
 * - `\s` is RE2's ASCII `[\t\n\f\r ]`, not JavaScript's Unicode whitespace.
 *
 * `i` has no rewrite: it is supported only for the whole pattern (`(?i)` at the very start), which maps
 * to the JS `i` flag. RE2 rejects backreferences and lookarounds, and so do we, so that a rule accepted
 * here is also accepted by Alloy.
 */

export class Re2SyntaxError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'Re2SyntaxError';
    }
}

export interface TranslatedRegex {
    source: string;
    /** Always contains `u`; contains `i` when the pattern starts with a `(?i)` flag group. */
    flags: string;
}

export interface TranslateOptions {
    /** Initial value of the `s` flag (`.` matches `\n`). Prometheus/Alloy relabel regexes use true. */
    dotAll?: boolean;
}

interface FlagState {
    s: boolean;
    m: boolean;
    U: boolean;
    i: boolean;
}

/** Characters that must be backslash-escaped to be literal in a JS `u`-mode pattern outside a class. */
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));
/** Characters that must be escaped inside a JS `u`-mode character class. */
const JS_CLASS_SPECIAL = new Set('\\]-^['.split(''));

const POSIX_CLASSES: Readonly<Record<string, string>> = {
    alnum: '0-9A-Za-z',
    alpha: 'A-Za-z',
    ascii: '\\u{0}-\\u{7f}',
    blank: '\\t ',
    cntrl: '\\u{0}-\\u{1f}\\u{7f}',
    digit: '0-9',
    graph: '!-~',
    lower: 'a-z',
    print: ' -~',
    punct: '!-\\/:-@\\[-`{-~',
    space: '\\t\\n\\v\\f\\r ',
    upper: 'A-Z',
    word: '0-9A-Za-z_',
    xdigit: '0-9A-Fa-f',
};

const GENERAL_CATEGORIES = new Set([
    'C', 'Cc', 'Cf', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn', 'N', 'Nd', 'Nl', 'No',
    'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So', 'Z', 'Zl', 'Zp', 'Zs',
]);

const RE2_SPACE_CLASS = '\\t\\n\\f\\r ';

function codePoint(cp: number): string {
    return `\\u{${cp.toString(16)}}`;
}

function isOctal(ch: string | undefined): boolean {
    return ch !== undefined && ch >= '0' && ch <= '7';
}

function isAsciiWord(ch: string | undefined): boolean {
    return ch !== undefined && /^[A-Za-z0-9_]$/.test(ch);
}

class Translator {
    private i = 0;
    private out = '';
    private readonly stack: FlagState[] = [];
    private flags: FlagState;
    private globalI = false;

    constructor(private readonly p: string, dotAll: boolean) {
        this.flags = { s: dotAll, m: false, U: false, i: false };
    }

    run(): TranslatedRegex {
        const p = this.p;
        while (this.i < p.length) {
            const ch = p[this.i];
            switch (ch) {
                case '\\':
                    this.escapeOutsideClass();
                    break;
                case '[':
                    this.charClass();
                    break;
                case '(':
                    this.openGroup();
                    break;
                case ')':
                    if (this.stack.length === 0) throw new Re2SyntaxError(`unexpected ) at offset ${this.i}`);
                    this.flags = this.stack.pop()!;
                    this.out += ')';
                    this.i++;
                    break;
                case '.':
                    this.out += this.flags.s ? '[^]' : '[^\\n]';
                    this.i++;
                    break;
                case '^':
                    this.out += this.flags.m ? '(?<=^|\\n)' : '^';
                    this.i++;
                    break;
                case '$':
                    this.out += this.flags.m ? '(?=\\n|$)' : '$';
                    this.i++;
                    break;
                case '*':
                case '+':
                case '?':
                    this.i++;
                    this.quantifier(ch);
                    break;
                case '{': {
                    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(this.i));
                    if (m) {
                        // RE2 caps repetition counts at 1000.
                        if (Number(m[1]) > 1000 || (m[3] !== undefined && m[3] !== '' && Number(m[3]) > 1000)) {
                            throw new Re2SyntaxError(`invalid repeat count ${m[0]}`);
                        }
                        this.i += m[0].length;
                        this.quantifier(m[0]);
                    } else {
                        this.out += '\\{'; // RE2 treats a brace that is not a repetition as a literal
                        this.i++;
                    }
                    break;
                }
                case '}':
                case ']':
                    this.out += '\\' + ch;
                    this.i++;
                    break;
                default:
                    this.out += ch;
                    this.i++;
            }
        }
        if (this.stack.length > 0) throw new Re2SyntaxError('missing closing )');
        return { source: this.out, flags: this.globalI ? 'iu' : 'u' };
    }

    private quantifier(q: string): void {
        let lazy = false;
        if (this.p[this.i] === '?') {
            lazy = true;
            this.i++;
        }
        if (this.flags.U) lazy = !lazy;
        this.out += q + (lazy ? '?' : '');
    }

    private openGroup(): void {
        const p = this.p;
        const rest = p.slice(this.i);
        this.stack.push(this.flags);
        this.flags = { ...this.flags };
        if (!rest.startsWith('(?')) {
            this.out += '(';
            this.i++;
            return;
        }
        const named = /^\(\?P?<([^>]*)>/.exec(rest);
        if (named && !rest.startsWith('(?<=') && !rest.startsWith('(?<!')) {
            const name = named[1];
            if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Re2SyntaxError(`invalid capture group name "${name}"`);
            if (!/^[A-Za-z_]/.test(name)) {
                throw new Re2SyntaxError(`capture group name "${name}" starts with a digit, which JavaScript does not support`);
            }
            this.out += `(?<${name}>`;
            this.i += named[0].length;
            return;
        }
        if (rest.startsWith('(?=') || rest.startsWith('(?!') || rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
            throw new Re2SyntaxError('lookaround assertions are not supported by RE2');
        }
        const flagGroup = /^\(\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
        if (!flagGroup || flagGroup[2] === '') {
            throw new Re2SyntaxError(`unsupported group syntax at offset ${this.i}: "${rest.slice(0, 4)}"`);
        }
        const on = flagGroup[1];
        const off = flagGroup[2] ?? '';
        const isSetter = flagGroup[3] === ')';
        // A setter changes the flags of the enclosing group, not a new one.
        const atStart = isSetter && this.i === 0;
        this.flags = this.stack.pop()!;
        const target = isSetter ? this.flags : { ...this.flags };
        for (const f of on) {
            if (f === 'i') {
                if (!atStart) {
                    throw new Re2SyntaxError('case-insensitive matching is only supported as a (?i) flag at the very start of the regex');
                }
                this.globalI = true;
            } else {
                target[f as 's' | 'm' | 'U'] = true;
            }
        }
        for (const f of off) {
            if (f === 'i') {
                if (this.globalI || atStart) throw new Re2SyntaxError('turning off case-insensitive matching with (?-i) is not supported');
                continue;
            }
            target[f as 's' | 'm' | 'U'] = false;
        }
        this.i += flagGroup[0].length;
        if (!isSetter) {
            this.stack.push(this.flags);
            this.flags = target;
            this.out += '(?:';
        }
    }

    /** Handles `\x` outside a character class; `this.i` points at the backslash. */
    private escapeOutsideClass(): void {
        const p = this.p;
        const c = p[this.i + 1];
        if (c === undefined) throw new Re2SyntaxError('trailing backslash at end of regex');
        switch (c) {
            case 'Q': {
                const endQ = p.indexOf('\\E', this.i + 2);
                const literal = p.slice(this.i + 2, endQ < 0 ? p.length : endQ);
                for (const ch of literal) this.out += JS_SYNTAX.has(ch) ? '\\' + ch : ch;
                this.i = endQ < 0 ? p.length : endQ + 2;
                return;
            }
            case 'E':
                this.i += 2; // a stray \E is ignored
                return;
            case 'A':
                this.out += '(?<![^])';
                this.i += 2;
                return;
            case 'z':
                this.out += '(?![^])';
                this.i += 2;
                return;
            case 'b':
            case 'B':
                this.out += '\\' + c;
                this.i += 2;
                return;
            case 's':
                this.out += `[${RE2_SPACE_CLASS}]`;
                this.i += 2;
                return;
            case 'S':
                this.out += `[^${RE2_SPACE_CLASS}]`;
                this.i += 2;
                return;
            case 'C':
                throw new Re2SyntaxError('\\C (any byte) is not supported');
            default:
                this.out += this.commonEscape(false);
        }
    }

    /**
     * Escapes valid both inside and outside classes: `\d \D \w \W`, Unicode classes, `\x..`, octal,
     * control characters and escaped punctuation. Advances `this.i` past the escape.
     */
    private commonEscape(inClass: boolean): string {
        const p = this.p;
        const start = this.i;
        const c = p[this.i + 1];
        this.i += 2;
        switch (c) {
            case 'd': case 'D': case 'w': case 'W':
                return '\\' + c;
            case 'a':
                return codePoint(7);
            case 'f': case 't': case 'n': case 'r': case 'v':
                return '\\' + c;
            case 'x': {
                const braced = /^\{([0-9A-Fa-f]+)\}/.exec(p.slice(this.i));
                if (braced) {
                    const cp = parseInt(braced[1], 16);
                    if (cp > 0x10ffff) throw new Re2SyntaxError(`invalid escape ${p.slice(start, this.i + braced[0].length)}`);
                    this.i += braced[0].length;
                    return codePoint(cp);
                }
                const two = /^[0-9A-Fa-f]{2}/.exec(p.slice(this.i));
                if (!two) throw new Re2SyntaxError(`invalid escape ${p.slice(start, this.i + 2)}`);
                this.i += 2;
                return codePoint(parseInt(two[0], 16));
            }
            case 'p': case 'P': {
                let name: string;
                if (p[this.i] === '{') {
                    const close = p.indexOf('}', this.i);
                    if (close < 0) throw new Re2SyntaxError(`invalid Unicode class ${p.slice(start)}`);
                    name = p.slice(this.i + 1, close);
                    this.i = close + 1;
                } else {
                    name = p[this.i] ?? '';
                    this.i++;
                }
                let negate = c === 'P';
                if (name.startsWith('^')) {
                    negate = !negate;
                    name = name.slice(1);
                }
                if (!/^[A-Za-z_]+$/.test(name)) throw new Re2SyntaxError(`invalid Unicode class \\${c}{${name}}`);
                const prop = name === 'Any' || GENERAL_CATEGORIES.has(name) ? name : `Script=${name}`;
                return `\\${negate ? 'P' : 'p'}{${prop}}`;
            }
            default:
                break;
        }
        if (c >= '0' && c <= '9') {
            // Octal: \0, \0NN, or \NNN where the first digit is 1-7 and followed by more octal digits.
            if (c === '0' || (c <= '7' && isOctal(p[this.i]))) {
                let digits = c;
                while (digits.length < 3 && isOctal(p[this.i])) digits += p[this.i++];
                return codePoint(parseInt(digits, 8));
            }
            throw new Re2SyntaxError(`backreferences such as \\${c} are not supported by RE2`);
        }
        if (!isAsciiWord(c) && c.charCodeAt(0) < 0x80) {
            // Escaped punctuation is a literal in RE2.
            if (inClass) return JS_CLASS_SPECIAL.has(c) || JS_SYNTAX.has(c) ? '\\' + c : c;
            return JS_SYNTAX.has(c) ? '\\' + c : c;
        }
        throw new Re2SyntaxError(`invalid escape sequence \\${c}`);
    }

    /** Translates `[...]`; `this.i` points at `[`. */
    private charClass(): void {
        const p = this.p;
        const start = this.i;
        this.i++;
        let negated = false;
        if (p[this.i] === '^') {
            negated = true;
            this.i++;
        }
        // A class made of a single negated POSIX class, e.g. [[:^digit:]], can be expressed as [^...].
        const soleNegPosix = /^\[:\^([a-z]+):\]\]/.exec(p.slice(this.i));
        if (soleNegPosix) {
            const body = POSIX_CLASSES[soleNegPosix[1]];
            if (body === undefined) throw new Re2SyntaxError(`invalid POSIX class [:^${soleNegPosix[1]}:]`);
            this.out += (negated ? '[' : '[^') + body + ']';
            this.i += soleNegPosix[0].length;
            return;
        }
        let body = '';
        let first = true;
        for (;;) {
            if (this.i >= p.length) throw new Re2SyntaxError(`missing closing ] for class starting at offset ${start}`);
            const ch = p[this.i];
            if (ch === ']' && !first) {
                this.i++;
                break;
            }
            first = false;
            if (ch === '[' && p[this.i + 1] === ':') {
                const m = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(this.i));
                if (m) {
                    if (m[1]) throw new Re2SyntaxError(`negated POSIX class [:^${m[2]}:] inside a larger class is not supported`);
                    const cls = POSIX_CLASSES[m[2]];
                    if (cls === undefined) throw new Re2SyntaxError(`invalid POSIX class [:${m[2]}:]`);
                    body += cls;
                    this.i += m[0].length;
                    continue;
                }
            }
            if (ch === '\\') {
                const c = p[this.i + 1];
                if (c === undefined) throw new Re2SyntaxError('trailing backslash at end of regex');
                if (c === 's') { body += RE2_SPACE_CLASS; this.i += 2; continue; }
                if (c === 'S') { body += '\\S'; this.i += 2; continue; } // approximation: JS \S also excludes Unicode spaces
                if (c === 'b' || c === 'B' || c === 'A' || c === 'z' || c === 'Q' || c === 'E' || c === 'C') {
                    throw new Re2SyntaxError(`escape \\${c} is not supported inside a character class`);
                }
                body += this.commonEscape(true);
                continue;
            }
            if (ch === '[' || ch === ']') {
                body += '\\' + ch;
                this.i++;
                continue;
            }
            body += ch;
            this.i++;
        }
        this.out += (negated ? '[^' : '[') + body + ']';
    }
}

/** Translates an RE2 pattern to JS; throws {@link Re2SyntaxError} for unsupported or invalid syntax. */
export function translateRe2(pattern: string, options: TranslateOptions = {}): TranslatedRegex {
    return new Translator(pattern, options.dotAll ?? false).run();
}

/**
 * Compiles an RE2 pattern into a fully anchored JS RegExp, the way Prometheus/Alloy relabel rules do
 * (`^(?s:pattern)$`: the whole input must match and `.` also matches newlines).
 */
export function compileAnchoredRe2(pattern: string): RegExp {
    const { source, flags } = translateRe2(pattern, { dotAll: true });
    try {
        return new RegExp(`^(?:${source})$`, flags);
    } catch (e) {
        throw new Re2SyntaxError((e as Error).message.replace(/^Invalid regular expression: /, ''));
    }
}
