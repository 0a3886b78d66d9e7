// Go's text/template, the subset Alloy users write in stage.template and stage.replace: actions with
// pipelines, fields (.name, $.name, $var.name), variables ($x := ...), if / else if / else, with, range,
// comments, {{- -}} trimming, parenthesised commands, literals, and the functions Alloy registers (Go's
// built-ins, its own ToLower/Replace/Trim*/Hash/Sha2Hash/regexReplaceAll*, and the common sprig ones).
// A template using anything else is refused when it is parsed, like Go does for an undefined function.

import { createHash } from 'node:crypto';
import { GoRegexp } from './go-regexp.js';
import { formatFloatF } from './go-values.js';

export class TemplateError extends Error {}

/** A missing map key: printed "<no value>" from a map[string]any, "" from a map[string]string. */
export const NO_VALUE = Symbol('no value');

type Val = unknown;

interface Cmd {
    readonly args: Operand[];
}
interface Pipe {
    readonly decl?: { name: string; assign: boolean };
    readonly cmds: Cmd[];
}
type Operand =
    | { kind: 'field'; base: 'dot' | 'root' | string; path: string[] }
    | { kind: 'lit'; value: Val }
    | { kind: 'func'; name: string }
    | { kind: 'pipe'; pipe: Pipe; path: string[] };
type Node =
    | { kind: 'text'; text: string }
    | { kind: 'action'; pipe: Pipe }
    | { kind: 'if' | 'with' | 'range'; pipe: Pipe; body: Node[]; orElse: Node[] };

// ---------------------------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------------------------

function str(v: Val): string {
    return printValue(v, '');
}

function truthy(v: Val): boolean {
    if (v === NO_VALUE || v === null || v === undefined || v === false || v === 0 || v === '') return false;
    if (Array.isArray(v)) return v.length > 0;
    if (v instanceof Map) return v.size > 0;
    return true;
}

function num(v: Val): number {
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    const n = Number(str(v));
    return Number.isFinite(n) ? n : 0;
}

function goTrim(s: string, cutset: string, left: boolean, right: boolean): string {
    const set = new Set(cutset);
    let a = 0;
    let b = s.length;
    if (left) while (a < b && set.has(s[a])) a++;
    if (right) while (b > a && set.has(s[b - 1])) b--;
    return s.slice(a, b);
}

/** Go's Regexp.Expand template syntax ($1, ${1}, $name, ${name}, $$) for ReplaceAllString. */
function expand(template: string, groups: string[], names: readonly string[]): string {
    return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_m, all: string, braced?: string, bare?: string) => {
        if (all === '$') return '$';
        const name = braced ?? bare ?? '';
        if (/^\d+$/.test(name)) return groups[Number(name)] ?? '';
        const i = names.indexOf(name);
        return i > 0 ? (groups[i] ?? '') : '';
    });
}

function regexReplace(pattern: string, s: string, repl: string, literal: boolean): string {
    const re = new GoRegexp(pattern);
    let out = '';
    let last = 0;
    for (const idx of re.execAll(s)) {
        const groups: string[] = [];
        for (let i = 0; i < idx.length; i += 2) groups.push(idx[i] < 0 ? '' : s.slice(idx[i], idx[i + 1]));
        out += s.slice(last, idx[0]) + (literal ? repl : expand(repl, groups, re.subexpNames));
        last = idx[1];
    }
    return out + s.slice(last);
}

function compare(a: Val, b: Val): number {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
    throw new TemplateError('incompatible types for comparison');
}

function eqValues(a: Val, b: Val): boolean {
    const na = a === NO_VALUE || a === undefined ? null : a;
    const nb = b === NO_VALUE || b === undefined ? null : b;
    if (na !== null && nb !== null && typeof na !== typeof nb) throw new TemplateError('incompatible types for comparison');
    return na === nb;
}

function sprintf(format: string, args: Val[]): string {
    let i = 0;
    return format.replace(/%([-+# 0]*)(\d+)?(?:\.(\d+))?([vsdqfxXtgeT%])/g, (m, _flags: string, width?: string, prec?: string, verb?: string) => {
        if (verb === '%') return '%';
        if (i >= args.length) return `%!${verb}(MISSING)`;
        const a = args[i++];
        let s: string;
        switch (verb) {
            case 'd':
                s = typeof a === 'number' ? Math.trunc(a).toString() : `%!d(string=${str(a)})`;
                break;
            case 'q':
                s = JSON.stringify(str(a));
                break;
            case 'f':
                s = num(a).toFixed(prec === undefined ? 6 : Number(prec));
                break;
            case 'x':
            case 'X':
                s = typeof a === 'number' ? Math.trunc(a).toString(16) : Buffer.from(str(a)).toString('hex');
                if (verb === 'X') s = s.toUpperCase();
                break;
            case 'T':
                s = typeof a === 'number' ? 'float64' : typeof a === 'boolean' ? 'bool' : 'string';
                break;
            default:
                s = str(a);
                if (prec !== undefined && verb === 's') s = s.slice(0, Number(prec));
        }
        return width !== undefined ? (m.includes('-') ? s.padEnd(Number(width)) : s.padStart(Number(width))) : s;
    }) + (i < args.length ? `%!(EXTRA ${args.slice(i).map((a) => `${typeof a === 'number' ? 'float64' : 'string'}=${str(a)}`).join(', ')})` : '');
}

const hash = (algo: string) => (salt: Val, input: Val) => createHash(algo).update(str(salt) + str(input)).digest('hex');

/** Functions by name; `and`/`or` are handled lazily by the executor. */
export const FUNCTIONS: Readonly<Record<string, (...args: Val[]) => Val>> = {
    // Go built-ins
    not: (a) => !truthy(a),
    eq: (a, ...bs) => bs.some((b) => eqValues(a, b)),
    ne: (a, b) => !eqValues(a, b),
    lt: (a, b) => compare(a, b) < 0,
    le: (a, b) => compare(a, b) <= 0,
    gt: (a, b) => compare(a, b) > 0,
    ge: (a, b) => compare(a, b) >= 0,
    len: (a) => (Array.isArray(a) ? a.length : a instanceof Map ? a.size : Buffer.byteLength(str(a))),
    index: (a, ...keys) => keys.reduce((v: Val, k) => (Array.isArray(v) ? v[num(k)] : v instanceof Map ? (v.has(str(k)) ? v.get(str(k)) : NO_VALUE) : NO_VALUE), a),
    print: (...args) => args.map((a, i) => (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') + str(a)).join(''),
    println: (...args) => args.map(str).join(' ') + '\n',
    printf: (f, ...args) => sprintf(str(f), args),
    html: (...args) => args.map(str).join('').replace(/[&'<>"\0]/g, (c: string) => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' })[c]!),
    js: (...args) => args.map(str).join('').replace(/[\\'"<>&=]/g, (c) => (c === '\\' || c === "'" || c === '"' ? `\\${c}` : `\\u00${c.charCodeAt(0).toString(16).toUpperCase()}`)),
    urlquery: (...args) => encodeURIComponent(args.map(str).join('')).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    slice: (a, ...ix) => (Array.isArray(a) ? a.slice(num(ix[0] ?? 0), ix[1] === undefined ? undefined : num(ix[1])) : str(a).slice(num(ix[0] ?? 0), ix[1] === undefined ? undefined : num(ix[1]))),
    // Alloy's extra functions (stages/template.go)
    ToLower: (s) => str(s).toLowerCase(),
    ToUpper: (s) => str(s).toUpperCase(),
    Replace: (s, o, n, count) => {
        let out = str(s);
        const old = str(o);
        const limit = num(count);
        if (limit < 0) return out.split(old).join(str(n));
        for (let i = 0, from = 0; i < limit; i++) {
            const at = out.indexOf(old, from);
            if (at < 0) break;
            out = out.slice(0, at) + str(n) + out.slice(at + old.length);
            from = at + str(n).length;
        }
        return out;
    },
    Trim: (s, c) => goTrim(str(s), str(c), true, true),
    TrimLeft: (s, c) => goTrim(str(s), str(c), true, false),
    TrimRight: (s, c) => goTrim(str(s), str(c), false, true),
    TrimPrefix: (s, p) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
    TrimSuffix: (s, p) => (str(p) !== '' && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s)),
    TrimSpace: (s) => str(s).replace(/^[\t\n\v\f\r \u0085\u00a0]+|[\t\n\v\f\r \u0085\u00a0]+$/g, ''),
    Hash: hash('sha3-256'),
    Sha2Hash: hash('sha256'),
    regexReplaceAll: (re, s, repl) => regexReplace(str(re), str(s), str(repl), false),
    regexReplaceAllLiteral: (re, s, repl) => regexReplace(str(re), str(s), str(repl), true),
    // sprig (the string, default and math functions configurations use)
    lower: (s) => str(s).toLowerCase(),
    upper: (s) => str(s).toUpperCase(),
    title: (s) => str(s).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, a: string, b: string) => a + b.toUpperCase()),
    trim: (s) => str(s).trim(),
    trimAll: (c, s) => goTrim(str(s), str(c), true, true),
    trimPrefix: (p, s) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)),
    trimSuffix: (p, s) => (str(p) !== '' && str(s).endsWith(str(p)) ? str(s).slice(0, -str(p).length) : str(s)),
    replace: (o, n, s) => str(s).split(str(o)).join(str(n)),
    contains: (sub, s) => str(s).includes(str(sub)),
    hasPrefix: (p, s) => str(s).startsWith(str(p)),
    hasSuffix: (p, s) => str(s).endsWith(str(p)),
    quote: (...args) => args.filter((a) => a !== NO_VALUE && a !== null).map((a) => JSON.stringify(str(a))).join(' '),
    squote: (...args) => args.filter((a) => a !== NO_VALUE && a !== null).map((a) => `'${str(a)}'`).join(' '),
    cat: (...args) => args.filter((a) => a !== NO_VALUE && a !== null).map(str).join(' '),
    repeat: (n, s) => str(s).repeat(Math.max(0, num(n))),
    substr: (a, b, s) => {
        const t = str(s);
        const start = num(a);
        const end = num(b);
        if (start < 0) return t.slice(0, end);
        if (end < 0 || end > t.length) return t.slice(start);
        return t.slice(start, end);
    },
    trunc: (n, s) => (num(n) >= 0 ? str(s).slice(0, num(n)) : str(s).slice(num(n))),
    nospace: (s) => str(s).replace(/\s/g, ''),
    default: (d, ...given) => (given.length === 0 || !truthy(given[0]) ? d : given[0]),
    empty: (v) => !truthy(v),
    coalesce: (...args) => args.find(truthy) ?? null,
    ternary: (a, b, c) => (truthy(c) ? a : b),
    toString: (v: Val) => str(v),
    b64enc: (s) => Buffer.from(str(s)).toString('base64'),
    b64dec: (s) => Buffer.from(str(s), 'base64').toString(),
    sha1sum: (s) => createHash('sha1').update(str(s)).digest('hex'),
    sha256sum: (s) => createHash('sha256').update(str(s)).digest('hex'),
    regexMatch: (re, s) => new GoRegexp(str(re)).test(str(s)),
    regexFind: (re, s) => new GoRegexp(str(re)).exec(str(s))?.[0] ?? '',
    splitList: (sep, s) => str(s).split(str(sep)),
    join: (sep, l) => (Array.isArray(l) ? l.map(str).join(str(sep)) : str(l)),
    list: (...args) => args,
    first: (l) => (Array.isArray(l) ? l[0] : null),
    last: (l) => (Array.isArray(l) ? l[l.length - 1] : null),
    int: (v) => Math.trunc(num(v)),
    int64: (v) => Math.trunc(num(v)),
    float64: (v) => num(v),
    atoi: (v) => Math.trunc(num(v)),
    add: (...args) => args.reduce((a: number, b) => a + Math.trunc(num(b)), 0),
    sub: (a, b) => Math.trunc(num(a)) - Math.trunc(num(b)),
    mul: (...args) => args.reduce((a: number, b) => a * Math.trunc(num(b)), 1),
    div: (a, b) => Math.trunc(Math.trunc(num(a)) / Math.trunc(num(b))),
    mod: (a, b) => Math.trunc(num(a)) % Math.trunc(num(b)),
    max: (...args) => Math.max(...args.map((a) => Math.trunc(num(a)))),
    min: (...args) => Math.min(...args.map((a) => Math.trunc(num(a)))),
};

/** How text/template prints a value (fmt's %v); `missing` is what a missing key prints. */
function printValue(v: Val, missing: string): string {
    if (v === NO_VALUE) return missing;
    if (v === null || v === undefined) return '<nil>';
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 1e21 ? String(v) : Math.abs(v) >= 1e21 || (Math.abs(v) < 1e-4 && v !== 0) ? v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2') : formatFloatF(v);
    if (Array.isArray(v)) return `[${v.map((x) => printValue(x, missing)).join(' ')}]`;
    return String(v);
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

class TemplateParser {
    private pos = 0;
    private line = 1;

    constructor(private readonly src: string) {}

    private fail(what: string): never {
        throw new TemplateError(`template: pipeline_template:${this.line}: ${what}`);
    }

    parse(): Node[] {
        const [nodes, end] = this.list();
        if (end !== undefined) this.fail(`unexpected {{${end}}}`);
        return nodes;
    }

    /** Nodes up to {{end}} / {{else ...}} (returned as the second element) or the end of input. */
    private list(): [Node[], string | undefined] {
        const nodes: Node[] = [];
        for (;;) {
            const open = this.src.indexOf('{{', this.pos);
            let text = this.src.slice(this.pos, open < 0 ? undefined : open);
            if (open < 0) {
                if (text !== '') nodes.push({ kind: 'text', text });
                this.pos = this.src.length;
                return [nodes, undefined];
            }
            const trimLeft = /^\{\{- /.test(this.src.slice(open, open + 4)) || /^\{\{-[\t\n\r]/.test(this.src.slice(open, open + 4));
            if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
            if (text !== '') nodes.push({ kind: 'text', text });
            this.line += (this.src.slice(this.pos, open).match(/\n/g) ?? []).length;
            this.pos = open + (trimLeft ? 3 : 2);
            const action = this.action();
            if (typeof action === 'string') return [nodes, action];
            if (action !== undefined) nodes.push(action);
        }
    }

    /** Reads one action after `{{`; returns a node, a keyword (end/else...) or undefined for a comment. */
    private action(): Node | string | undefined {
        this.skipSpace();
        if (this.src.startsWith('/*', this.pos)) {
            const end = this.src.indexOf('*/', this.pos);
            if (end < 0) this.fail('unclosed comment');
            this.pos = end + 2;
            this.closeAction();
            return undefined;
        }
        const kw = /^(if|else if|else with|else|end|range|with|define|template|block|break|continue)\b/.exec(this.src.slice(this.pos));
        if (kw !== null) {
            this.pos += kw[0].length;
            switch (kw[1]) {
                case 'end':
                    this.closeAction();
                    return 'end';
                case 'else':
                    this.closeAction();
                    return 'else';
                case 'else if':
                case 'else with':
                    return kw[1];
                case 'if':
                case 'with':
                case 'range':
                    return this.control(kw[1]);
                default:
                    this.fail(`{{${kw[1]}}} is not supported by flowlens' embedded runtime`);
            }
        }
        const pipe = this.pipeline();
        this.closeAction();
        return { kind: 'action', pipe };
    }

    private control(kind: 'if' | 'with' | 'range'): Node {
        const pipe = this.pipeline();
        this.closeAction();
        const [body, end] = this.list();
        if (end === undefined) this.fail(`unexpected EOF`);
        let orElse: Node[] = [];
        if (end === 'else') {
            const [nodes, end2] = this.list();
            if (end2 !== 'end') this.fail(`expected end; found ${end2 ?? 'EOF'}`);
            orElse = nodes;
        } else if (end === 'else if' || end === 'else with') {
            // {{else if x}} ... is {{else}}{{if x}} ... {{end}}{{end}}, sharing the closing {{end}}.
            orElse = [this.control(end === 'else if' ? 'if' : 'with')];
        }
        return { kind, pipe, body, orElse };
    }

    private skipSpace(): void {
        while (this.pos < this.src.length && /[ \t\r\n]/.test(this.src[this.pos])) {
            if (this.src[this.pos] === '\n') this.line++;
            this.pos++;
        }
    }

    private closeAction(): void {
        this.skipSpace();
        if (this.src.startsWith('-}}', this.pos) && /[ \t\r\n]/.test(this.src[this.pos - 1])) {
            this.pos += 3;
            const m = /^[ \t\r\n]*/.exec(this.src.slice(this.pos))!;
            this.line += (m[0].match(/\n/g) ?? []).length;
            this.pos += m[0].length;
            return;
        }
        if (!this.src.startsWith('}}', this.pos)) this.fail(`unexpected "${this.src[this.pos] ?? 'EOF'}" in command`);
        this.pos += 2;
    }

    private atClose(): boolean {
        return this.src.startsWith('}}', this.pos) || (this.src.startsWith('-}}', this.pos) && /[ \t\r\n]/.test(this.src[this.pos - 1]));
    }

    private pipeline(): Pipe {
        this.skipSpace();
        let decl: Pipe['decl'];
        const d = /^(\$[A-Za-z0-9_]*)\s*(:=|=)(?!=)/.exec(this.src.slice(this.pos));
        if (d !== null) {
            decl = { name: d[1], assign: d[2] === '=' };
            this.pos += d[0].length;
        }
        const cmds: Cmd[] = [];
        for (;;) {
            const args: Operand[] = [];
            for (;;) {
                this.skipSpace();
                if (this.atClose() || this.src[this.pos] === '|' || this.src[this.pos] === ')' || this.pos >= this.src.length) break;
                args.push(this.operand());
            }
            if (args.length === 0) this.fail('missing value for command');
            cmds.push({ args });
            if (this.src[this.pos] !== '|') break;
            this.pos++;
        }
        return { decl, cmds };
    }

    private fieldPath(): string[] {
        const path: string[] = [];
        for (;;) {
            const m = /^\.([A-Za-z_][A-Za-z0-9_]*)/.exec(this.src.slice(this.pos));
            if (m === null) return path;
            path.push(m[1]);
            this.pos += m[0].length;
        }
    }

    private operand(): Operand {
        const rest = this.src.slice(this.pos);
        let m: RegExpExecArray | null;
        if (rest[0] === '(') {
            this.pos++;
            const pipe = this.pipeline();
            this.skipSpace();
            if (this.src[this.pos] !== ')') this.fail('unclosed left paren');
            this.pos++;
            return { kind: 'pipe', pipe, path: this.fieldPath() };
        }
        if (rest[0] === '.') {
            if (/^\.(?![A-Za-z_])/.test(rest)) {
                this.pos++;
                return { kind: 'field', base: 'dot', path: [] };
            }
            return { kind: 'field', base: 'dot', path: this.fieldPath() };
        }
        if ((m = /^\$[A-Za-z0-9_]*/.exec(rest)) !== null) {
            this.pos += m[0].length;
            return { kind: 'field', base: m[0] === '$' ? 'root' : m[0], path: this.fieldPath() };
        }
        if (rest[0] === '"') {
            m = /^"(?:[^"\\\n]|\\.)*"/.exec(rest);
            if (m === null) this.fail('unterminated quoted string');
            this.pos += m[0].length;
            try {
                return { kind: 'lit', value: JSON.parse(m[0].replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')) as string };
            } catch {
                this.fail(`invalid syntax: ${m[0]}`);
            }
        }
        if (rest[0] === '`') {
            const end = this.src.indexOf('`', this.pos + 1);
            if (end < 0) this.fail('unterminated raw quoted string');
            const value = this.src.slice(this.pos + 1, end);
            this.pos = end + 1;
            return { kind: 'lit', value };
        }
        if ((m = /^[-+]?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+)/.exec(rest)) !== null) {
            this.pos += m[0].length;
            return { kind: 'lit', value: Number(m[0]) };
        }
        if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)) !== null) {
            this.pos += m[0].length;
            if (m[0] === 'true' || m[0] === 'false') return { kind: 'lit', value: m[0] === 'true' };
            if (m[0] === 'nil') return { kind: 'lit', value: null };
            if (m[0] !== 'and' && m[0] !== 'or' && !Object.hasOwn(FUNCTIONS, m[0])) this.fail(`function "${m[0]}" not defined`);
            return { kind: 'func', name: m[0] };
        }
        this.fail(`unexpected "${rest[0]}" in command`);
    }
}

// ---------------------------------------------------------------------------------------------
// Execution
// ---------------------------------------------------------------------------------------------

class Exec {
    private readonly vars: Map<string, Val>[] = [];

    constructor(
        private readonly root: Val,
        private readonly missing: string,
    ) {
        this.vars.push(new Map([['$', root]]));
    }

    private lookupVar(name: string): Val {
        for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].has(name)) return this.vars[i].get(name);
        throw new TemplateError(`undefined variable: ${name}`);
    }

    private field(v: Val, path: readonly string[]): Val {
        for (const name of path) {
            if (v instanceof Map) v = v.has(name) ? v.get(name) : NO_VALUE;
            else if (v === NO_VALUE || v === null) return NO_VALUE;
            else throw new TemplateError(`can't evaluate field ${name} in type ${typeof v}`);
        }
        return v;
    }

    private operand(op: Operand, dot: Val, final: Val[] | undefined): Val {
        switch (op.kind) {
            case 'lit':
                return op.value;
            case 'field':
                return this.field(op.base === 'dot' ? dot : op.base === 'root' ? this.root : this.lookupVar(op.base), op.path);
            case 'pipe':
                return this.field(this.pipe(op.pipe, dot), op.path);
            case 'func':
                return this.call(op.name, [], dot, final);
        }
    }

    private call(name: string, args: Operand[], dot: Val, final: Val[] | undefined): Val {
        if (name === 'and' || name === 'or') {
            const all = [...args.map((a) => () => this.operand(a, dot, undefined)), ...(final ?? []).map((v) => () => v)];
            if (all.length === 0) throw new TemplateError(`wrong number of args for ${name}: want at least 1 got 0`);
            let v: Val;
            for (const get of all) {
                v = get();
                if (name === 'and' ? !truthy(v) : truthy(v)) return v;
            }
            return v;
        }
        const values = args.map((a) => this.operand(a, dot, undefined));
        if (final !== undefined) values.push(...final);
        try {
            return FUNCTIONS[name](...values);
        } catch (e) {
            throw new TemplateError(`error calling ${name}: ${(e as Error).message}`);
        }
    }

    pipe(p: Pipe, dot: Val): Val {
        let value: Val[] | undefined;
        for (const cmd of p.cmds) {
            const [first, ...rest] = cmd.args;
            if (first.kind === 'func') value = [this.call(first.name, rest, dot, value)];
            else {
                if (rest.length > 0 || value !== undefined) throw new TemplateError(`can't give argument to non-function`);
                value = [this.operand(first, dot, undefined)];
            }
        }
        const v = value![0];
        if (p.decl !== undefined) {
            if (p.decl.assign) {
                for (let i = this.vars.length - 1; i >= 0; i--) {
                    if (this.vars[i].has(p.decl.name)) {
                        this.vars[i].set(p.decl.name, v);
                        return v;
                    }
                }
                throw new TemplateError(`undefined variable: ${p.decl.name}`);
            }
            this.vars[this.vars.length - 1].set(p.decl.name, v);
        }
        return v;
    }

    run(nodes: readonly Node[], dot: Val, out: string[]): void {
        for (const n of nodes) {
            switch (n.kind) {
                case 'text':
                    out.push(n.text);
                    break;
                case 'action': {
                    const v = this.pipe(n.pipe, dot);
                    if (n.pipe.decl === undefined) out.push(printValue(v, this.missing));
                    break;
                }
                case 'if':
                case 'with': {
                    this.vars.push(new Map());
                    const v = this.pipe(n.pipe, dot);
                    if (truthy(v)) this.run(n.body, n.kind === 'with' ? v : dot, out);
                    else this.run(n.orElse, dot, out);
                    this.vars.pop();
                    break;
                }
                case 'range': {
                    this.vars.push(new Map());
                    const v = this.pipe(n.pipe, dot);
                    const items: Val[] = Array.isArray(v) ? v : v instanceof Map ? [...v.keys()].sort().map((k) => v.get(k)) : typeof v === 'number' ? Array.from({ length: v }, (_x, i) => i) : [];
                    if (!Array.isArray(v) && !(v instanceof Map) && typeof v !== 'number' && truthy(v)) throw new TemplateError(`range can't iterate over ${str(v)}`);
                    if (items.length === 0) this.run(n.orElse, dot, out);
                    for (const item of items) this.run(n.body, item, out);
                    this.vars.pop();
                    break;
                }
            }
        }
    }
}

export class GoTemplate {
    private readonly nodes: Node[];

    /** Parses like template.New("pipeline_template").Funcs(...).Parse; throws TemplateError with Go's wording. */
    constructor(source: string) {
        this.nodes = new TemplateParser(source).parse();
    }

    /**
     * Executes on a map; `missing` is what a missing key prints ("<no value>" for a map[string]any,
     * "" for a map[string]string). Throws TemplateError on execution errors.
     */
    execute(data: ReadonlyMap<string, Val>, missing: string): string {
        const out: string[] = [];
        new Exec(data, missing).run(this.nodes, data, out);
        return out.join('');
    }
}
