// The part of LogQL stage.match uses (Alloy's internal/loki/logql, from Loki): a stream selector with
// label matchers (=, !=, =~, !~; regexes fully anchored as in Prometheus) followed by line filters
// (|=, !=, |~, !~, each optionally with `or` alternatives). Parsing errors say where, like Loki's.

import { GoRegexp } from './go-regexp.js';

export type LabelMatcher = (labels: ReadonlyMap<string, string>) => boolean;
export type LineFilter = (line: string) => boolean;

export interface LogSelector {
    readonly matchers: readonly LabelMatcher[];
    /** undefined when there is no line filter. */
    readonly filter: LineFilter | undefined;
}

export class LogQLParseError extends Error {}

const ESCAPES: Readonly<Record<string, string>> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

class Parser {
    private pos = 0;

    constructor(private readonly s: string) {}

    private fail(what: string): never {
        const before = this.s.slice(0, this.pos);
        const line = before.split('\n').length;
        const col = this.pos - before.lastIndexOf('\n');
        throw new LogQLParseError(`parse error at line ${line}, col ${col}: ${what}`);
    }

    private skip(): void {
        while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
    }

    private peek(...tokens: string[]): string | undefined {
        this.skip();
        return tokens.find((t) => this.s.startsWith(t, this.pos));
    }

    private expect(token: string): void {
        if (this.peek(token) === undefined) this.fail(`syntax error: unexpected ${this.describeNext()}, expecting ${token}`);
        this.pos += token.length;
    }

    private describeNext(): string {
        this.skip();
        if (this.pos >= this.s.length) return '$end';
        return JSON.stringify(this.s.slice(this.pos, this.pos + 1)).slice(1, -1);
    }

    private identifier(): string {
        this.skip();
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.pos));
        if (m === null) this.fail(`syntax error: unexpected ${this.describeNext()}, expecting IDENTIFIER`);
        this.pos += m[0].length;
        return m[0];
    }

    /** A Go string literal: "..." with escapes, or `raw`. */
    string(): string {
        this.skip();
        const q = this.s[this.pos];
        if (q === '`') {
            const end = this.s.indexOf('`', this.pos + 1);
            if (end < 0) this.fail('literal not terminated');
            const v = this.s.slice(this.pos + 1, end);
            this.pos = end + 1;
            return v;
        }
        if (q !== '"') this.fail(`syntax error: unexpected ${this.describeNext()}, expecting STRING`);
        let out = '';
        let i = this.pos + 1;
        for (;;) {
            if (i >= this.s.length || this.s[i] === '\n') this.fail('literal not terminated');
            const c = this.s[i];
            if (c === '"') break;
            if (c !== '\\') {
                out += c;
                i++;
                continue;
            }
            const e = this.s[i + 1];
            if (e in ESCAPES) {
                out += ESCAPES[e];
                i += 2;
            } else if (e === 'x' || e === 'u' || e === 'U') {
                const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
                const hex = this.s.slice(i + 2, i + 2 + n);
                if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) this.fail('invalid syntax');
                out += String.fromCodePoint(parseInt(hex, 16));
                i += 2 + n;
            } else if (e >= '0' && e <= '7') {
                const oct = this.s.slice(i + 1, i + 4);
                if (!/^[0-7]{3}$/.test(oct)) this.fail('invalid syntax');
                out += String.fromCharCode(parseInt(oct, 8));
                i += 4;
            } else {
                this.fail('invalid syntax');
            }
        }
        this.pos = i + 1;
        return out;
    }

    private regex(pattern: string, anchored: boolean): GoRegexp {
        try {
            return new GoRegexp(anchored ? `^(?s:${pattern})$` : pattern);
        } catch (e) {
            this.fail((e as Error).message);
        }
    }

    private matcher(): LabelMatcher {
        const name = this.identifier();
        const op = this.peek('=~', '!~', '!=', '=');
        if (op === undefined) this.fail(`syntax error: unexpected ${this.describeNext()}, expecting = or != or =~ or !~`);
        this.pos += op.length;
        const value = this.string();
        switch (op) {
            case '=':
                return (l) => (l.get(name) ?? '') === value;
            case '!=':
                return (l) => (l.get(name) ?? '') !== value;
            default: {
                const re = this.regex(value, true);
                return op === '=~' ? (l) => re.test(l.get(name) ?? '') : (l) => !re.test(l.get(name) ?? '');
            }
        }
    }

    private lineFilter(op: string): LineFilter {
        const values = [this.string()];
        while (this.peek('or') !== undefined && /^or\s*["`]/.test(this.s.slice(this.pos))) {
            this.pos += 2;
            values.push(this.string());
        }
        switch (op) {
            case '|=':
                return (line) => values.some((v) => line.includes(v));
            case '!=':
                return (line) => !values.some((v) => line.includes(v));
            default: {
                const res = values.map((v) => this.regex(v, false));
                return op === '|~' ? (line) => res.some((r) => r.test(line)) : (line) => !res.some((r) => r.test(line));
            }
        }
    }

    parse(): LogSelector {
        this.expect('{');
        const matchers: LabelMatcher[] = [this.matcher()];
        while (this.peek(',') !== undefined) {
            this.pos++;
            if (this.peek('}') !== undefined) break;
            matchers.push(this.matcher());
        }
        this.expect('}');
        const filters: LineFilter[] = [];
        for (;;) {
            const op = this.peek('|=', '!=', '|~', '!~', '|>', '!>', '|');
            if (op === undefined) break;
            if (op === '|' || op === '|>' || op === '!>') {
                this.fail(`only line filters (|=, !=, |~, !~) are supported after the stream selector in stage.match, got "${this.s.slice(this.pos).trim()}"`);
            }
            this.pos += op.length;
            filters.push(this.lineFilter(op));
        }
        this.skip();
        if (this.pos < this.s.length) this.fail(`syntax error: unexpected ${this.describeNext()}`);
        const filter = filters.length === 0 ? undefined : filters.length === 1 ? filters[0] : (line: string) => filters.every((f) => f(line));
        return { matchers, filter };
    }
}

/** Parses a LogQL log selector; throws LogQLParseError. */
export function parseLogSelector(text: string): LogSelector {
    return new Parser(text).parse();
}
