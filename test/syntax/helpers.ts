import { Scanner } from '../../language/syntax/scanner.js';
import { parse } from '../../language/syntax/parser.js';
import { decodeSource, sourceFromString, type SourceText } from '../../language/syntax/source.js';
import { Tok, tokenName } from '../../language/syntax/token.js';

/** Scans text into `KIND:literal` strings (literal omitted for operators), plus errors as `LINE:COL: message`. */
export function scan(input: string | Uint8Array): { tokens: string[]; errors: string[] } {
    const source: SourceText = typeof input === 'string' ? sourceFromString(input) : decodeSource(input);
    const errors: Array<[number, string]> = [];
    const scanner = new Scanner(source, (offset, message) => errors.push([offset, message]));
    const tokens: string[] = [];
    for (let i = 0; i < 10_000; i++) {
        scanner.scan();
        const name = tokenName(scanner.tok);
        const withLit = [Tok.IDENT, Tok.NUMBER, Tok.FLOAT, Tok.STRING, Tok.BOOL, Tok.NULL, Tok.COMMENT, Tok.ILLEGAL].includes(scanner.tok);
        tokens.push(withLit ? `${name}:${scanner.lit}` : name);
        if (scanner.tok === Tok.EOF) break;
    }
    const lines = parse(source).lines;
    return { tokens, errors: errors.map(([o, m]) => `${lines.line(o)}:${lines.byteColumn(o)}: ${m}`) };
}

/** Parse errors as `LINE:COL: message` (Alloy's form, byte columns). */
export function parseErrors(input: string | Uint8Array): string[] {
    const source = typeof input === 'string' ? sourceFromString(input) : decodeSource(input);
    const parsed = parse(source);
    return parsed.errors.map((e) => {
        const p = parsed.lines.position(e.offset);
        return `${p.line}:${p.column}: ${e.message}`;
    });
}
