// The lexical scanner. It follows Alloy's scanner token for token: the same
// token kinds, the same literal text, the same error messages at the same
// offsets, and Go-style terminator insertion (a newline ends a statement only
// after an identifier, a literal, `)`, `]` or `}`).

import { goRuneDescription, isDigit, isLetter } from './chars.js';
import type { SourceText } from './source.js';
import { Tok } from './token.js';

const EOF_CH = -1;
const BOM = 0xfeff;

export type ScanErrorHandler = (offset: number, message: string) => void;

export class Scanner {
    /** Start offset of the token returned by the last `scan()`. */
    pos = 0;
    tok: Tok = Tok.EOF;
    /** Literal text of identifiers, literals, comments and illegal characters; "\n" for terminators. */
    lit = '';

    private readonly text: string;
    private readonly invalidUtf8: ReadonlySet<number>;
    private current = EOF_CH;
    private offset = 0;
    private readOffset = 0;
    private insertTerm = false;

    constructor(source: SourceText, private readonly onError: ScanErrorHandler) {
        this.text = source.text;
        this.invalidUtf8 = source.invalidUtf8;
        this.next();
        if (this.ch() === BOM) this.next(); // a BOM is allowed as the very first character
    }

    /** Reads the next code point into `ch`. */
    private next(): void {
        const text = this.text;
        if (this.readOffset >= text.length) {
            this.offset = text.length;
            this.current = EOF_CH;
            return;
        }
        const offset = this.readOffset;
        this.offset = offset;
        let cp = text.charCodeAt(offset);
        let width = 1;
        if (cp === 0) {
            this.onError(offset, 'illegal character NUL');
        } else if (cp >= 0x80) {
            if (cp >= 0xd800 && cp <= 0xdbff && offset + 1 < text.length) {
                const low = text.charCodeAt(offset + 1);
                if (low >= 0xdc00 && low <= 0xdfff) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                    width = 2;
                }
            }
            if ((cp >= 0xd800 && cp <= 0xdfff) || (cp === 0xfffd && this.invalidUtf8.has(offset))) {
                this.onError(offset, 'illegal UTF-8 encoding');
            } else if (cp === BOM && offset > 0) {
                this.onError(offset, 'illegal byte order mark');
            }
        }
        this.readOffset = offset + width;
        this.current = cp;
    }

    /** The current code point; a method so TypeScript does not narrow it across next(). */
    private ch(): number {
        return this.current;
    }

    private peek(): number {
        return this.readOffset < this.text.length ? this.text.charCodeAt(this.readOffset) : 0;
    }

    /** Scans the next token into `pos`, `tok` and `lit`. */
    scan(): void {
        for (;;) {
            this.skipWhitespace();
            const pos = this.offset;
            this.pos = pos;
            this.lit = '';
            let insertTerm = false;
            const ch = this.ch();

            if (isLetter(ch)) {
                const lit = this.scanIdentifier();
                this.lit = lit;
                if (lit === 'true' || lit === 'false') this.tok = Tok.BOOL;
                else if (lit === 'null') this.tok = Tok.NULL;
                else this.tok = Tok.IDENT;
                insertTerm = true;
            } else if (isDecimal(ch) || (ch === 0x2e && isDecimal(this.peek()))) {
                insertTerm = true;
                this.scanNumber();
            } else {
                this.next(); // make progress; `ch` is the first character, this.ch() the second
                switch (ch) {
                    case EOF_CH:
                        if (this.insertTerm) {
                            this.insertTerm = false;
                            this.tok = Tok.TERMINATOR;
                            this.lit = '\n';
                            return;
                        }
                        this.tok = Tok.EOF;
                        break;
                    case 0x0a: // only reached when a terminator is due
                        this.insertTerm = false;
                        this.tok = Tok.TERMINATOR;
                        this.lit = '\n';
                        return;
                    case 0x27: // '
                        this.onError(pos, 'illegal single-quoted string; use double quotes');
                        insertTerm = true;
                        this.tok = Tok.ILLEGAL;
                        this.lit = this.scanString(pos, 0x27, true, false);
                        break;
                    case 0x22: // "
                        insertTerm = true;
                        this.tok = Tok.STRING;
                        this.lit = this.scanString(pos, 0x22, true, false);
                        break;
                    case 0x60: // `
                        insertTerm = true;
                        this.tok = Tok.STRING;
                        this.lit = this.scanString(pos, 0x60, false, true);
                        break;
                    case 0x7c: // |
                        if (this.ch() !== 0x7c) this.onError(this.offset, 'missing second | in ||');
                        else this.next();
                        this.tok = Tok.OR;
                        break;
                    case 0x26: // &
                        if (this.ch() !== 0x26) this.onError(this.offset, 'missing second & in &&');
                        else this.next();
                        this.tok = Tok.AND;
                        break;
                    case 0x21: this.tok = this.switch2(Tok.NOT, Tok.NEQ); break; // ! !=
                    case 0x3d: this.tok = this.switch2(Tok.ASSIGN, Tok.EQ); break; // = ==
                    case 0x3c: this.tok = this.switch2(Tok.LT, Tok.LTE); break; // < <=
                    case 0x3e: this.tok = this.switch2(Tok.GT, Tok.GTE); break; // > >=
                    case 0x2b: this.tok = Tok.ADD; break;
                    case 0x2d: this.tok = Tok.SUB; break;
                    case 0x2a: this.tok = Tok.MUL; break;
                    case 0x2f: // / or a comment
                        if (this.ch() === 0x2f || this.ch() === 0x2a) {
                            // A terminator that is due comes before a comment running to
                            // the end of the line; otherwise after the comment token.
                            if (this.insertTerm && this.findLineEnd()) {
                                this.current = 0x2f;
                                this.offset = pos;
                                this.readOffset = pos + 1;
                                this.insertTerm = false;
                                this.tok = Tok.TERMINATOR;
                                this.lit = '\n';
                                return;
                            }
                            this.lit = this.scanComment(pos);
                            this.tok = Tok.COMMENT;
                        } else {
                            this.tok = Tok.DIV;
                        }
                        break;
                    case 0x25: this.tok = Tok.MOD; break;
                    case 0x5e: this.tok = Tok.POW; break;
                    case 0x7b: this.tok = Tok.LCURLY; break;
                    case 0x7d: insertTerm = true; this.tok = Tok.RCURLY; break;
                    case 0x28: this.tok = Tok.LPAREN; break;
                    case 0x29: insertTerm = true; this.tok = Tok.RPAREN; break;
                    case 0x5b: this.tok = Tok.LBRACK; break;
                    case 0x5d: insertTerm = true; this.tok = Tok.RBRACK; break;
                    case 0x2c: this.tok = Tok.COMMA; break;
                    case 0x2e: this.tok = Tok.DOT; break;
                    default:
                        // next() already reported a misplaced BOM.
                        if (ch !== BOM) this.onError(pos, `illegal character ${goRuneDescription(ch)}`);
                        insertTerm = this.insertTerm;
                        this.tok = Tok.ILLEGAL;
                        this.lit = String.fromCodePoint(ch);
                }
            }
            this.insertTerm = insertTerm;
            return;
        }
    }

    private skipWhitespace(): void {
        for (;;) {
            const ch = this.ch();
            if (ch === 0x20 || ch === 0x09 || ch === 0x0d || (ch === 0x0a && !this.insertTerm)) this.next();
            else return;
        }
    }

    private scanIdentifier(): string {
        const text = this.text;
        const start = this.offset;
        // Fast path over ASCII letters and digits.
        let i = this.readOffset;
        for (; i < text.length; i++) {
            const c = text.charCodeAt(i);
            if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x30 && c <= 0x39)) continue;
            break;
        }
        this.readOffset = i;
        this.next();
        while (isLetter(this.ch()) || isDigit(this.ch())) this.next();
        return text.slice(start, this.offset);
    }

    private scanNumber(): void {
        const start = this.offset;
        let tok = Tok.NUMBER;
        if (this.ch() !== 0x2e) this.digits();
        if (this.ch() === 0x2e) {
            tok = Tok.FLOAT;
            this.next();
            this.digits();
        }
        if (this.ch() === 0x65 || this.ch() === 0x45) {
            tok = Tok.FLOAT;
            this.next();
            if (this.ch() === 0x2b || this.ch() === 0x2d) this.next();
            if (this.digits() === 0) this.onError(start, 'exponent has no digits');
        }
        this.tok = tok;
        this.lit = this.text.slice(start, this.offset);
    }

    private digits(): number {
        let n = 0;
        while (isDecimal(this.ch())) {
            this.next();
            n++;
        }
        return n;
    }

    private scanString(start: number, until: number, escape: boolean, multiline: boolean): string {
        for (;;) {
            const ch = this.ch();
            if ((!multiline && ch === 0x0a) || ch === EOF_CH) {
                this.onError(start, 'string literal not terminated');
                break;
            }
            this.next();
            if (ch === until) break;
            if (escape && ch === 0x5c) this.scanEscape();
        }
        return this.text.slice(start, this.offset);
    }

    /** Checks one escape sequence; on an error it stops at the offending character. */
    private scanEscape(): void {
        const start = this.offset;
        let n: number;
        let base: number;
        let max: number;
        switch (this.ch()) {
            case 0x61: case 0x62: case 0x66: case 0x6e: case 0x72: case 0x74: case 0x76: // a b f n r t v
            case 0x5c: case 0x22: case 0x27: // \ " '
                this.next();
                return;
            case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35: case 0x36: case 0x37:
                n = 3; base = 8; max = 255;
                break;
            case 0x78: // x
                this.next();
                n = 2; base = 16; max = 255;
                break;
            case 0x75: // u
                this.next();
                n = 4; base = 16; max = 0x10ffff;
                break;
            case 0x55: // U
                this.next();
                n = 8; base = 16; max = 0x10ffff;
                break;
            default:
                this.onError(start, this.ch() === EOF_CH ? 'escape sequence not terminated' : 'unknown escape sequence');
                return;
        }
        let x = 0;
        for (; n > 0; n--) {
            const d = digitValue(this.ch());
            if (d >= base) {
                this.onError(start, this.ch() === EOF_CH
                    ? 'escape sequence not terminated'
                    : `illegal character ${goRuneDescription(this.ch())} in escape sequence`);
                return;
            }
            x = x * base + d;
            this.next();
        }
        if (x > max || (x >= 0xd800 && x < 0xe000)) this.onError(start, 'escape sequence is invalid Unicode code point');
    }

    /** Scans a comment whose first '/' is consumed; returns its text without carriage returns. */
    private scanComment(start: number): string {
        let crs = 0;
        let block = false;
        if (this.ch() === 0x2f) {
            this.next();
            while (this.ch() !== 0x0a && this.ch() !== EOF_CH) {
                if (this.ch() === 0x0d) crs++;
                this.next();
            }
        } else {
            block = true;
            this.next();
            let closed = false;
            while (this.ch() !== EOF_CH) {
                const ch = this.ch();
                if (ch === 0x0d) crs++;
                this.next();
                if (ch === 0x2a && this.ch() === 0x2f) {
                    this.next();
                    closed = true;
                    break;
                }
            }
            if (!closed) this.onError(start, 'block comment not terminated');
        }
        let lit = this.text.slice(start, this.offset);
        if (crs > 0 && lit.endsWith('\r')) {
            lit = lit.slice(0, -1);
            crs--;
        }
        return crs > 0 ? stripCarriageReturns(lit, block) : lit;
    }

    /**
     * Whether the comment starting at the current '/' (already consumed) runs to
     * the end of the line, possibly through further comments. Restores the
     * scanner state afterwards.
     */
    private findLineEnd(): boolean {
        const start = this.offset - 1;
        const result = this.commentRunsToLineEnd();
        this.current = 0x2f;
        this.offset = start;
        this.readOffset = start + 1;
        this.next(); // consume the initial '/' again
        return result;
    }

    private commentRunsToLineEnd(): boolean {
        while (this.ch() === 0x2f || this.ch() === 0x2a) {
            if (this.ch() === 0x2f) return true; // a line comment always reaches the newline
            this.next();
            while (this.ch() !== EOF_CH) {
                const ch = this.ch();
                if (ch === 0x0a) return true;
                this.next();
                if (ch === 0x2a && this.ch() === 0x2f) {
                    this.next();
                    break;
                }
            }
            this.skipWhitespace(); // insertTerm is set, so newlines stop it
            if (this.ch() === EOF_CH || this.ch() === 0x0a) return true;
            if (this.ch() !== 0x2f) return false;
            this.next();
        }
        return false;
    }

    private switch2(single: Tok, double: Tok): Tok {
        if (this.ch() === 0x3d) {
            this.next();
            return double;
        }
        return single;
    }
}

function isDecimal(ch: number): boolean {
    return ch >= 0x30 && ch <= 0x39;
}

function digitValue(ch: number): number {
    if (ch >= 0x30 && ch <= 0x39) return ch - 0x30;
    const lower = ch | 0x20;
    if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
    return 16;
}

/** Drops '\r' from comment text, keeping one that separates '*' from '/' in a block comment. */
function stripCarriageReturns(s: string, block: boolean): string {
    let out = '';
    for (let j = 0; j < s.length; j++) {
        const ch = s[j];
        if (ch !== '\r' || (block && out.length > 2 && out[out.length - 1] === '*' && j + 1 < s.length && s[j + 1] === '/')) {
            out += ch;
        }
    }
    return out;
}
