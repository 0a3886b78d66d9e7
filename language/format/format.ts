// `alloy fmt`: walks the AST and tells the printer which tokens to write and
// where lines, alignment runs and indentation begin, following Alloy's rules
// (blank line before blocks, `{ }` for empty bodies, trailing commas when a
// closing bracket is on its own line, source line breaks kept in lists).
// Where Alloy's printer is not idempotent, it differs so that formatting the
// output again changes nothing: alignment runs end after a statement or field
// value that spans lines in the output (Alloy looks at the source), `.`, `=`
// and parentheses are written at their source positions so comments next to
// them stay put, and comments inside a dotted block name go before the name.

import type * as ast from '../syntax/ast.js';
import { goQuote } from '../syntax/chars.js';
import { parse, type ParsedFile } from '../syntax/parser.js';
import type { SourceText } from '../syntax/source.js';
import { Tok } from '../syntax/token.js';
import { Printer, type SourcePositions, Ws } from './printer.js';

export type FormatResult =
    | { ok: true; text: string }
    | { ok: false; errors: ParsedFile['errors']; parsed: ParsedFile };

/** Formats a file exactly as `alloy fmt` would, or refuses it when it has syntax errors. */
export function formatSource(input: SourceText | string): FormatResult {
    const parsed = parse(input);
    if (parsed.errors.length > 0) return { ok: false, errors: parsed.errors, parsed };
    return { ok: true, text: formatParsed(parsed) };
}

/** Formats an error-free parse; the result ends with exactly one newline, like `alloy fmt`. */
export function formatParsed(parsed: ParsedFile): string {
    const positions = new PositionMap(parsed);
    const printer = new Printer(parsed.ast.$comments, positions, positions.ascii ? (s) => s.length : byteLength);
    new Walker(printer, positions).statements(parsed.ast.body);
    return printer.finish() + '\n';
}

function byteLength(s: string): number {
    return isAscii(s) ? s.length : Buffer.byteLength(s, 'utf8');
}

function isAscii(s: string): boolean {
    return !/[^\x00-\x7f]/.test(s);
}

/** UTF-16 offsets to Alloy positions (byte offset, line, byte column). */
class PositionMap implements SourcePositions {
    private readonly byteOffsets?: Int32Array;
    /** True when every character is one byte, so UTF-16 and byte offsets agree. */
    readonly ascii: boolean;

    constructor(private readonly parsed: ParsedFile) {
        const text = parsed.source.text;
        this.ascii = isAscii(text);
        if (!this.ascii) {
            const map = new Int32Array(text.length + 1);
            let bytes = 0;
            for (let i = 0; i < text.length; i++) {
                map[i] = bytes;
                const c = text.charCodeAt(i);
                if (c < 0x80) bytes += 1;
                else if (c < 0x800) bytes += 2;
                else if (c >= 0xd800 && c <= 0xdbff) {
                    bytes += 4;
                    map[++i] = bytes - 2;
                } else if (c === 0xfffd && parsed.source.invalidUtf8.has(i)) bytes += 1;
                else bytes += 3;
            }
            map[text.length] = bytes;
            this.byteOffsets = map;
        }
    }

    byteOffset(offset: number): number {
        return this.byteOffsets ? this.byteOffsets[offset] : offset;
    }

    byteColumn(offset: number): number {
        const lines = this.parsed.lines;
        return this.byteOffset(offset) - this.byteOffset(lines.lineStart(lines.line(offset))) + 1;
    }

    line(offset: number): number {
        return this.parsed.lines.line(offset);
    }

    textAt(offset: number, length: number): string {
        return this.parsed.source.text.slice(offset, offset + length);
    }
}

const start = (n: { $cstNode?: { offset: number } }) => n.$cstNode!.offset;
/** Alloy's EndPos: the offset of a node's last character. */
const lastChar = (n: { $cstNode?: { end: number } }) => n.$cstNode!.end - 1;

class Walker {
    constructor(private readonly p: Printer, private readonly pos: PositionMap) {}

    private differentLines(a: number, b: number): boolean {
        return this.pos.line(a) !== this.pos.line(b);
    }

    statements(stmts: readonly ast.Statement[]): void {
        const p = this.p;
        stmts.forEach((s, i) => {
            let spaced = false;
            if (i > 0 && s.$type === 'Block') {
                p.ws(Ws.Formfeed); // blocks are always separated by a blank line
                spaced = true;
            }
            if (i > 0 && !spaced && this.pos.line(start(s)) - this.pos.line(lastChar(stmts[i - 1])) > 1) {
                p.ws(Ws.Formfeed); // keep a blank line from the source
            }
            p.markNextToken();
            if (s.$type === 'Attribute') this.attribute(s);
            else this.block(s);
            // A statement spanning lines ends the alignment run.
            p.ws(p.linesSinceMark() > 1 ? Ws.Formfeed : Ws.Newline);
        });
    }

    private attribute(s: ast.Attribute): void {
        const p = this.p;
        p.at(s.$nameOffset);
        p.ident(s.name);
        p.ws(Ws.VTab);
        p.at(s.$assignOffset);
        p.token(Tok.ASSIGN);
        p.ws(Ws.Blank);
        this.expr(s.value);
    }

    private block(s: ast.Block): void {
        const p = this.p;
        const name = s.$fragments.join('.');
        const afterName = s.label ? s.$labelOffset : s.$lcurly;
        // Comments between the fragments of a name (`a./* c */b`) cannot stay there once the
        // name is printed as one identifier: they go before it, where they cannot end the statement.
        p.at(this.pos.textAt(start(s), name.length) === name ? start(s) : afterName);
        p.ident(name);
        if (s.label) {
            p.ws(Ws.Blank);
            p.at(s.$labelOffset);
            p.literal(Tok.STRING, goQuote(s.label));
        }
        p.ws(Ws.Blank);
        p.at(s.$lcurly);
        p.token(Tok.LCURLY);
        p.ws(Ws.Indent);
        if (s.body.length > 0) {
            p.ws(Ws.Formfeed);
            this.statements(s.body);
        } else {
            p.ws(Ws.Blank);
        }
        p.ws(Ws.Unindent);
        p.at(s.$rcurly);
        p.token(Tok.RCURLY);
    }

    private expr(e: ast.Expression): void {
        const p = this.p;
        switch (e.$type) {
            case 'StringLiteral':
                p.at(start(e));
                p.literal(Tok.STRING, e.value);
                break;
            case 'NumberLiteral':
                p.at(start(e));
                p.literal(/[.eE]/.test(e.value) ? Tok.FLOAT : Tok.NUMBER, e.value);
                break;
            case 'BooleanLiteral':
                p.at(start(e));
                p.literal(Tok.BOOL, e.value);
                break;
            case 'NullLiteral':
                p.at(start(e));
                p.literal(Tok.NULL, 'null');
                break;
            case 'IdentifierExpression':
                p.at(start(e));
                p.ident(e.name);
                break;
            case 'AccessExpression':
                this.expr(e.receiver);
                p.at(e.$dotOffset);
                p.token(Tok.DOT);
                p.at(e.$memberOffset);
                p.ident(e.member);
                break;
            case 'IndexExpression':
                this.expr(e.receiver);
                p.at(e.$lbrack);
                p.token(Tok.LBRACK);
                this.expr(e.index);
                p.at(e.$rbrack);
                p.token(Tok.RBRACK);
                break;
            case 'CallExpression':
                this.call(e);
                break;
            case 'UnaryExpression':
                p.at(start(e));
                p.token(e.operator === '!' ? Tok.NOT : Tok.SUB);
                this.expr(e.operand);
                break;
            case 'BinaryExpression':
                this.expr(e.left);
                p.ws(Ws.Blank);
                p.at(e.$operatorOffset);
                p.token(BINARY_TOKENS[e.operator]);
                p.ws(Ws.Blank);
                this.expr(e.right);
                break;
            case 'ParenExpression':
                p.at(start(e));
                p.token(Tok.LPAREN);
                this.expr(e.inner);
                p.at(lastChar(e));
                p.token(Tok.RPAREN);
                break;
            case 'ArrayExpression':
                this.array(e);
                break;
            case 'ObjectExpression':
                this.object(e);
                break;
        }
    }

    private array(e: ast.ArrayExpression): void {
        const p = this.p;
        p.at(start(e));
        p.token(Tok.LBRACK);
        let prev = start(e);
        e.elements.forEach((el, i) => {
            let newline = false;
            if (this.differentLines(prev, start(el))) {
                // Indent before the line break so comments before the element indent too.
                p.ws(Ws.Indent, Ws.Formfeed);
                newline = true;
            } else if (i > 0) {
                p.ws(Ws.Blank);
            }
            prev = lastChar(el);
            this.expr(el);
            if (i + 1 < e.elements.length) p.token(Tok.COMMA);
            if (newline) p.ws(Ws.Unindent);
        });
        const rbrack = lastChar(e);
        let suffix = false;
        if (e.elements.length > 0 && this.differentLines(prev, rbrack)) {
            p.token(Tok.COMMA);
            p.ws(Ws.Indent, Ws.Formfeed);
            suffix = true;
        }
        if (suffix) p.ws(Ws.Unindent);
        p.at(rbrack);
        p.token(Tok.RBRACK);
    }

    private object(e: ast.ObjectExpression): void {
        const p = this.p;
        p.at(start(e));
        p.token(Tok.LCURLY);
        p.ws(Ws.Indent);
        let prev = start(e);
        let previousValueLines = 0;
        e.fields.forEach((field, i) => {
            if (this.differentLines(prev, start(field))) {
                // Align `=` with the previous field unless that one spanned lines.
                p.ws(i > 0 && previousValueLines === 1 ? Ws.Newline : Ws.Formfeed);
            } else if (i > 0) {
                p.ws(Ws.Blank);
            }
            prev = this.keyEnd(field);
            p.at(start(field));
            if (field.$quoted) p.literal(Tok.STRING, goQuote(field.name));
            else p.ident(field.name);
            p.ws(Ws.VTab);
            p.at(field.$assignOffset);
            p.token(Tok.ASSIGN);
            p.ws(Ws.Blank);
            p.markNextToken();
            this.expr(field.value);
            previousValueLines = p.linesSinceMark();
            if (i + 1 < e.fields.length) p.token(Tok.COMMA);
        });
        const rcurly = lastChar(e);
        if (e.fields.length > 0 && this.differentLines(prev, rcurly)) {
            p.token(Tok.COMMA);
            p.ws(Ws.Formfeed);
        }
        p.ws(Ws.Unindent);
        p.at(rcurly);
        p.token(Tok.RCURLY);
    }

    /** Alloy's EndPos of a field name: the name's start plus its unquoted length. */
    private keyEnd(field: ast.ObjectField): number {
        return start(field) + field.name.length - 1;
    }

    private call(e: ast.CallExpression): void {
        const p = this.p;
        this.expr(e.callee);
        p.at(e.$lparen);
        p.token(Tok.LPAREN);
        let prev = e.$lparen;
        e.args.forEach((arg, i) => {
            let newline = false;
            if (this.differentLines(prev, start(arg))) {
                p.ws(Ws.Formfeed, Ws.Indent);
                newline = true;
            }
            this.expr(arg);
            prev = lastChar(arg);
            if (i + 1 < e.args.length) {
                p.token(Tok.COMMA);
                p.ws(Ws.Blank);
            }
            if (newline) p.ws(Ws.Unindent);
        });
        if (this.differentLines(prev, e.$rparen)) {
            p.token(Tok.COMMA);
            p.ws(Ws.Formfeed);
        }
        p.at(e.$rparen);
        p.token(Tok.RPAREN);
    }
}

const BINARY_TOKENS: Record<ast.BinaryExpression['operator'], Tok> = {
    '||': Tok.OR, '&&': Tok.AND, '==': Tok.EQ, '!=': Tok.NEQ, '<': Tok.LT, '<=': Tok.LTE, '>': Tok.GT, '>=': Tok.GTE,
    '+': Tok.ADD, '-': Tok.SUB, '*': Tok.MUL, '/': Tok.DIV, '%': Tok.MOD, '^': Tok.POW,
};
