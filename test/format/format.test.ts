import { describe, expect, it } from 'vitest';
import { formatSource } from '../../language/format/format.js';

function fmt(source: string): string {
    const result = formatSource(source);
    if (!result.ok) throw new Error(`unexpected syntax errors: ${result.errors.map((e) => e.message).join('; ')}`);
    return result.text;
}

/** Writes tabs as → so expectations stay readable. */
const show = (s: string) => s.replace(/\t/g, '→');

describe('formatter', () => {
    it('indents with tabs and ends with one newline', () => {
        expect(show(fmt('a {\n    b {\n  c = 1\n}\n}\n\n\n'))).toBe('a {\n→b {\n→→c = 1\n→}\n}\n');
    });

    it('aligns = across a run of single-line attributes', () => {
        expect(fmt('a = 1\nlong_name = 2\nbb = 3\n')).toBe('a         = 1\nlong_name = 2\nbb        = 3\n');
    });

    it('starts a new alignment run after a blank line or a multi-line statement', () => {
        expect(fmt('a = 1\nlong_name = 2\n\nb = 3\nccc = 4\n')).toBe('a         = 1\nlong_name = 2\n\nb   = 3\nccc = 4\n');
        expect(fmt('a = [\n  1,\n]\nlong_name = 2\nb = 3\n')).toBe('a = [\n\t1,\n]\nlong_name = 2\nb         = 3\n');
    });

    it('aligns trailing comments of consecutive lines', () => {
        expect(fmt('short = "x" // one\nlonger_name = "longer value" // two\n')).toBe(
            'short       = "x"            // one\nlonger_name = "longer value" // two\n',
        );
    });

    it('measures alignment in characters, not bytes', () => {
        expect(fmt('é = 1\nab = 2\n')).toBe('é  = 1\nab = 2\n');
    });

    it('puts a blank line before every block that is not first', () => {
        expect(fmt('a = 1\nb {\n}\nc {}\n')).toBe('a = 1\n\nb { }\n\nc { }\n');
    });

    it('keeps one blank line from the source and collapses runs of them', () => {
        expect(fmt('a = 1\n\n\n\nb = 2\n')).toBe('a = 1\n\nb = 2\n');
    });

    it('prints empty bodies as { }', () => {
        expect(fmt('x {}\n')).toBe('x { }\n');
        expect(fmt('x {\n\n}\n')).toBe('x { }\n');
    });

    it('re-quotes labels and drops an empty one', () => {
        expect(fmt('prometheus.scrape   "default"{\n}\nfoo "" {}\n')).toBe('prometheus.scrape "default" { }\n\nfoo { }\n');
    });

    it('spaces binary operators but not unary ones, and keeps parentheses', () => {
        expect(fmt('x = (1+2)*-3^4 || !y\n')).toBe('x = (1 + 2) * -3 ^ 4 || !y\n');
    });

    it('writes a trailing comma exactly when the closing bracket is on its own line', () => {
        expect(show(fmt('x = [\n1,\n2,\n]\n'))).toBe('x = [\n→1,\n→2,\n]\n');
        expect(show(fmt('x = [\n1,\n2,]\n'))).toBe('x = [\n→1,\n→2]\n');
        expect(show(fmt('x = {\na = 1,\nbb = 2,\n}\n'))).toBe('x = {\n→a  = 1,\n→bb = 2,\n}\n');
        expect(show(fmt('x = f(\n1,\n)\n'))).toBe('x = f(\n→1,\n)\n');
    });

    it('keeps elements inline when they were inline', () => {
        expect(fmt('x = [1,2,   3]\ny = {a=1,b=2}\nz = f( 1 ,2 )\n')).toBe('x = [1, 2, 3]\ny = {a = 1, b = 2}\nz = f(1, 2)\n');
    });

    it('keeps comments: file header, on a header line, in an empty body, before a closing brace', () => {
        const source = '// header\n\nb { // on the header line\n  // only a comment\n}\n\nc {\n  x = 1\n  // trailing\n}\n';
        expect(show(fmt(source))).toBe('// header\n\nb { // on the header line\n→// only a comment\n}\n\nc {\n→x = 1\n→// trailing\n}\n');
    });

    it('keeps a number and a following dot apart', () => {
        expect(fmt('x = 1 .foo\n')).toBe('x = 1 .foo\n');
    });

    it('leaves multi-line raw strings untouched, tabs and trailing spaces included', () => {
        expect(fmt('b {\n  x = `a\tb  \n   c`\n}\n')).toBe('b {\n\tx = `a\tb  \n   c`\n}\n');
    });

    it('normalizes CRLF line endings', () => {
        expect(fmt('a = 1\r\nb {\r\n}\r\n')).toBe('a = 1\n\nb { }\n');
    });

    it('is idempotent', () => {
        const messy = 'x=1\n// c\nblock "l" {a=[1,\n2]\n  obj = { k = "v", // note\n   k2 = 2 }\n}\n';
        const once = fmt(messy);
        expect(fmt(once)).toBe(once);
    });

    it('refuses a file with syntax errors, as alloy fmt does', () => {
        const result = formatSource('a = 1 b = 2\n');
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.errors.map((e) => e.message)).toEqual(['expected TERMINATOR, got IDENT']);
    });
});
