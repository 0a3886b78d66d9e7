import { describe, expect, it } from 'vitest';
import { scan } from './helpers.js';

describe('scanner: tokens', () => {
    it('scans identifiers, keywords and Unicode letters', () => {
        expect(scan('foo _bar b2 true false null ünïcode 名前1').tokens).toEqual([
            'IDENT:foo', 'IDENT:_bar', 'IDENT:b2', 'BOOL:true', 'BOOL:false', 'NULL:null', 'IDENT:ünïcode', 'IDENT:名前1', 'TERMINATOR', 'EOF',
        ]);
    });

    it('keeps import, declare and export as plain identifiers', () => {
        expect(scan('import.file declare export argument').tokens).toEqual([
            'IDENT:import', '.', 'IDENT:file', 'IDENT:declare', 'IDENT:export', 'IDENT:argument', 'TERMINATOR', 'EOF',
        ]);
    });

    it('scans integers and every float form', () => {
        expect(scan('1 1.5 1. .5 1e5 1E+3 2.5e-3 007').tokens).toEqual([
            'NUMBER:1', 'FLOAT:1.5', 'FLOAT:1.', 'FLOAT:.5', 'FLOAT:1e5', 'FLOAT:1E+3', 'FLOAT:2.5e-3', 'NUMBER:007', 'TERMINATOR', 'EOF',
        ]);
    });

    it('reports an exponent without digits at the number', () => {
        expect(scan('x = 1e+').errors).toEqual(['1:5: exponent has no digits']);
    });

    it('scans every operator', () => {
        expect(scan('|| && ! != = == < <= > >= + - * / % ^ { } ( ) [ ] , .').tokens).toEqual([
            '||', '&&', '!', '!=', '=', '==', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '^', '{', '}', '(', ')', '[', ']', ',', '.', 'EOF',
        ]);
    });

    it('reports a lone | or &', () => {
        expect(scan('a | b & c').errors).toEqual(['1:4: missing second | in ||', '1:8: missing second & in &&']);
    });
});

describe('scanner: terminators', () => {
    it('ends a statement at a newline after an identifier, literal, ) ] or }', () => {
        for (const last of ['a', '1', '1.5', '"s"', '`r`', 'true', 'null', ')', ']', '}']) {
            expect(scan(`${last}\n`).tokens).toContain('TERMINATOR');
        }
    });

    it('ignores a newline after an operator, =, comma, dot or opening bracket', () => {
        for (const last of ['+', '=', ',', '.', '(', '[', '{', '&&']) {
            expect(scan(`${last}\n`).tokens).not.toContain('TERMINATOR');
        }
    });

    it('inserts a terminator at EOF after a value', () => {
        expect(scan('a = 1').tokens).toEqual(['IDENT:a', '=', 'NUMBER:1', 'TERMINATOR', 'EOF']);
    });

    it('puts the terminator before a comment that runs to the end of the line', () => {
        expect(scan('a // c\nb').tokens).toEqual(['IDENT:a', 'TERMINATOR', 'COMMENT:// c', 'IDENT:b', 'TERMINATOR', 'EOF']);
        expect(scan('a /* c */\nb').tokens).toEqual(['IDENT:a', 'TERMINATOR', 'COMMENT:/* c */', 'IDENT:b', 'TERMINATOR', 'EOF']);
    });

    it('puts the terminator after a block comment followed by a token on the same line', () => {
        expect(scan('a /* c */ b\n').tokens).toEqual(['IDENT:a', 'COMMENT:/* c */', 'IDENT:b', 'TERMINATOR', 'EOF']);
    });

    it('treats CR as whitespace', () => {
        expect(scan('a = 1\r\nb = 2\r\n').tokens).toEqual(['IDENT:a', '=', 'NUMBER:1', 'TERMINATOR', 'IDENT:b', '=', 'NUMBER:2', 'TERMINATOR', 'EOF']);
    });
});

describe('scanner: strings', () => {
    it('accepts every Go escape plus \\\'', () => {
        const s = String.raw`"\a\b\f\n\r\t\v\\\"\'\101\x41\u00e9\U0001F600"`;
        expect(scan(s)).toEqual({ tokens: [`STRING:${s}`, 'TERMINATOR', 'EOF'], errors: [] });
    });

    it('reports escape errors at the escape', () => {
        expect(scan(String.raw`"\q"`).errors).toEqual(['1:3: unknown escape sequence']);
        expect(scan(String.raw`"\x4"`).errors).toEqual(["1:3: illegal character U+0022 '\"' in escape sequence"]);
        expect(scan(String.raw`"\uD800"`).errors).toEqual(['1:3: escape sequence is invalid Unicode code point']);
        expect(scan(String.raw`"\U00110000"`).errors).toEqual(['1:3: escape sequence is invalid Unicode code point']);
        expect(scan(String.raw`"\400"`).errors).toEqual(['1:3: escape sequence is invalid Unicode code point']);
        expect(scan('"\\').errors).toEqual(['1:3: escape sequence not terminated', '1:1: string literal not terminated']);
    });

    it('rejects strings that are not terminated on their line', () => {
        expect(scan('"abc\n"').errors[0]).toBe('1:1: string literal not terminated');
    });

    it('scans raw strings across lines without escapes', () => {
        expect(scan('`a\\n\nb`').tokens).toEqual(['STRING:`a\\n\nb`', 'TERMINATOR', 'EOF']);
    });

    it('rejects single-quoted strings', () => {
        const r = scan("'x'");
        expect(r.errors).toEqual(['1:1: illegal single-quoted string; use double quotes']);
        expect(r.tokens[0]).toBe("ILLEGAL:'x'");
    });
});

describe('scanner: comments and illegal input', () => {
    it('keeps comment text without carriage returns', () => {
        expect(scan('// a\r\n/* b\r\nc */').tokens).toEqual(['COMMENT:// a', 'COMMENT:/* b\nc */', 'EOF']);
    });

    it('reports an unterminated block comment', () => {
        expect(scan('/* open').errors).toEqual(['1:1: block comment not terminated']);
    });

    it('rejects # comments', () => {
        expect(scan('# not a comment').errors).toEqual(["1:1: illegal character U+0023 '#'"]);
    });

    it('reports a NUL byte', () => {
        expect(scan('a\0').errors).toEqual(['1:2: illegal character NUL', '1:2: illegal character U+0000']);
    });

    it('skips a leading BOM and rejects one in the middle', () => {
        expect(scan('\ufeffa').errors).toEqual([]);
        expect(scan('a \ufeff').errors).toEqual(['1:3: illegal byte order mark']);
    });

    it('reports each invalid UTF-8 byte at its byte column', () => {
        const bytes = new Uint8Array([0x61, 0x20, 0xc3, 0xa9, 0x20, 0xff, 0xe2, 0x82]);
        // The order is Alloy's: a byte is reported when the scanner reads it, one
        // character ahead of the token being scanned.
        expect(scan(bytes).errors).toEqual([
            '1:6: illegal UTF-8 encoding',
            '1:7: illegal UTF-8 encoding',
            "1:6: illegal character U+FFFD '\ufffd'",
            '1:8: illegal UTF-8 encoding',
            "1:7: illegal character U+FFFD '\ufffd'",
            "1:8: illegal character U+FFFD '\ufffd'",
        ]);
    });
});
