// The token printer behind the formatter. It reproduces the behaviour of
// Alloy's printer byte for byte: whitespace is buffered as intentions (blank,
// vtab, newline, formfeed, indent, unindent) and only written before the next
// token, comments are injected where their source position falls between
// tokens, and the result goes through elastic tabstops and a trailing-space
// trimmer. Positions are Alloy's: byte offsets, lines, byte columns.

import type { Comment, CommentGroup } from '../syntax/ast.js';
import { Tok, tokenName } from '../syntax/token.js';
import { ESCAPE, TabWriter } from './tabwriter.js';

export interface Position {
    offset: number;
    line: number;
    column: number;
}

/** Whitespace intentions, named by the character they stand for. */
export const enum Ws {
    Ignore = 0,
    Blank = 0x20,
    VTab = 0x0b,
    Newline = 0x0a,
    Formfeed = 0x0c,
    Indent = 0x3e, // '>'
    Unindent = 0x3c, // '<'
}

/** Marks "the last thing written was whitespace" (Alloy's token.LITERAL). */
const LAST_WAS_WHITESPACE = -1;
const MAX_NEWLINES = 2;

/** Resolves a UTF-16 source offset to Alloy's position. */
export type PositionOf = (offset: number) => Position;

interface PendingComments {
    groups: readonly CommentGroup[];
    index: number;
    current: CommentGroup;
    /** Position of the next comment group's first comment, or undefined when none is left. */
    at?: Position;
}

export class Printer {
    private output = '';
    private indent = 0;
    private lastTok: number = Tok.EOF;
    private whitespace: Ws[] = [];
    private readonly comments: PendingComments;

    /** The estimated position in source space. */
    private pos: Position = { offset: 0, line: 1, column: 1 };
    /** The position of the last thing written. */
    private last: Position = { offset: 0, line: 0, column: 0 };
    /** The position in output space. */
    private out = { line: 1, column: 1 };

    constructor(comments: readonly CommentGroup[], private readonly positionOf: PositionOf, private readonly byteLength: (s: string) => number) {
        this.comments = { groups: comments, index: 0, current: [] };
        this.nextComment();
    }

    // ---- what the walker sends -----------------------------------------

    ws(...items: Ws[]): void {
        for (const w of items) {
            if (w === Ws.Ignore) continue;
            this.whitespace.push(w);
            this.lastTok = LAST_WAS_WHITESPACE;
        }
    }

    /** Moves the source-space position to a known token offset. */
    at(offset: number): void {
        if (offset >= 0) this.pos = this.positionOf(offset);
    }

    ident(name: string): void {
        this.lastTok = Tok.IDENT;
        this.emit(name, false);
    }

    literal(kind: Tok, text: string): void {
        this.lastTok = kind;
        // Multi-line raw strings are escaped so elastic tabstops never touch their contents.
        this.emit(text, text.includes('\n'));
    }

    token(tok: Tok): void {
        const text = tokenName(tok);
        // Keep tokens apart that would scan as one when glued: `1` `.` and `/` `*`.
        if ((this.lastTok === Tok.NUMBER && text[0] === '.') || (this.lastTok === Tok.DIV && text[0] === '*')) {
            this.whitespace = [Ws.Blank];
        }
        this.lastTok = tok;
        this.emit(text, false);
    }

    /** Writes pending comments and returns the formatted text (without Alloy's final newline). */
    finish(): string {
        this.flush({ offset: Number.MAX_SAFE_INTEGER, line: Number.MAX_SAFE_INTEGER, column: Number.MAX_SAFE_INTEGER }, Tok.EOF);
        const tw = new TabWriter();
        tw.write(this.output);
        return trimTrailingSpace(tw.finish());
    }

    // ---- internals -------------------------------------------------------

    private emit(text: string, escape: boolean): void {
        const next = this.pos;
        this.flush(next, this.lastTok);
        this.writeString(next, text, escape);
    }

    private nextComment(): void {
        const c = this.comments;
        while (c.index < c.groups.length) {
            const group = c.groups[c.index++];
            if (group.length > 0) {
                c.current = group;
                c.at = this.positionOf(group[0].offset);
                return;
            }
        }
        c.at = undefined;
    }

    private commentBefore(next: Position): boolean {
        return this.comments.at !== undefined && this.comments.at.offset <= next.offset;
    }

    /** Writes the comments and whitespace that come before the next token. */
    private flush(next: Position, tok: number): void {
        if (this.commentBefore(next)) {
            let lastComment: Comment | undefined;
            while (this.commentBefore(next)) {
                for (const c of this.comments.current) {
                    this.writeCommentPrefix(next, c);
                    this.writeString(this.positionOf(c.offset), c.text, true);
                    lastComment = c;
                }
                this.nextComment();
            }
            this.writeCommentSuffix(next, tok, lastComment!);
        } else if (tok !== Tok.EOF) {
            this.writeWhitespace(this.whitespace.length);
        }
    }

    private writeCommentPrefix(next: Position, c: Comment): void {
        if (this.output.length === 0) return; // nothing before the first comment of the file
        const cPos = this.positionOf(c.offset);
        if (cPos.line === this.last.line) {
            // On the line of the last token: a tab to align it, or a space before a
            // token that follows on the same line (a block comment).
            this.writeByte(cPos.line === next.line ? ' ' : '\t', 1);
            return;
        }
        // On a line of its own: keep pending indentation, drop other pending whitespace.
        let count = 0;
        const ws = this.whitespace;
        for (let i = 0; i < ws.length; i++) {
            const w = ws[i];
            if (w === Ws.Indent || w === Ws.Unindent) continue;
            if (w === Ws.Blank || w === Ws.VTab || w === Ws.Newline || w === Ws.Formfeed) ws[i] = Ws.Ignore;
            count = i;
            break;
        }
        this.writeWhitespace(count);
        const newlines = cPos.line > 0 && this.last.line > 0 ? cPos.line - this.last.line : 0;
        if (newlines > 0) this.writeByte('\f', Math.min(newlines, MAX_NEWLINES));
    }

    private writeCommentSuffix(next: Position, tok: number, lastComment: Comment): void {
        if (tok === Tok.EOF) return; // no blank lines at the end of the file
        const lastEnd = this.positionOf(lastComment.offset + lastComment.text.length - 1);
        if (lastComment.text[1] === '*' && next.line === lastEnd.line) this.writeByte(' ', 1);

        const newlines = next.line - this.last.line;
        let droppedFormfeed = false;
        const ws = this.whitespace;
        for (let i = 0; i < ws.length; i++) {
            const w = ws[i];
            if (w === Ws.Blank || w === Ws.VTab) ws[i] = Ws.Ignore;
            else if (w === Ws.Newline || w === Ws.Formfeed) {
                if (w === Ws.Formfeed) droppedFormfeed = true;
                ws[i] = Ws.Ignore;
            }
        }
        this.writeWhitespace(ws.length);
        if (newlines > 0) this.writeByte(droppedFormfeed ? '\f' : '\n', Math.min(newlines, MAX_NEWLINES));
    }

    private writeString(pos: Position, s: string, escape: boolean): void {
        if (this.out.column === 1) this.writeIndent();
        this.pos = { ...pos };
        this.output += escape ? ESCAPE + s + ESCAPE : s;

        let newlines = 0;
        let lastNewline = 0;
        for (let i = 0; i < s.length; i++) {
            const ch = s.charCodeAt(i);
            if (ch === 0x0a || ch === 0x0c) {
                newlines++;
                lastNewline = i;
            }
        }
        const length = this.byteLength(s);
        this.pos.offset += length;
        if (newlines > 0) {
            this.pos.line += newlines;
            this.out.line += newlines;
            const column = this.byteLength(s.slice(lastNewline));
            this.pos.column = column;
            this.out.column = column;
        } else {
            this.pos.column += length;
            this.out.column += length;
        }
        this.last = { ...this.pos };
    }

    private writeIndent(): void {
        const depth = this.indent;
        this.output += '\t'.repeat(depth);
        this.pos = { offset: this.pos.offset + depth, line: this.pos.line, column: this.pos.column + depth };
        this.out.column += depth;
    }

    /** Writes a whitespace character n times. */
    private writeByte(ch: string, n: number): void {
        if (this.out.column === 1) this.writeIndent();
        this.output += ch.repeat(n);
        this.pos = { offset: this.pos.offset + n, line: this.pos.line, column: this.pos.column };
        if (ch === '\n' || ch === '\f') {
            this.pos.line += n;
            this.out.line += n;
            this.pos.column = 1;
            this.out.column = 1;
        } else {
            this.pos.column += n;
            this.out.column += n;
        }
    }

    /** Writes the first n pending whitespace intentions and keeps the rest. */
    private writeWhitespace(n: number): void {
        const ws = this.whitespace;
        for (let i = 0; i < n; i++) {
            const w = ws[i];
            switch (w) {
                case Ws.Ignore: break;
                case Ws.Indent: this.indent++; break;
                case Ws.Unindent: this.indent = Math.max(0, this.indent - 1); break;
                default: this.writeByte(String.fromCharCode(w), 1);
            }
        }
        this.whitespace = ws.slice(n);
    }
}

/**
 * Removes trailing blanks and tabs from every line and the ESCAPE markers,
 * leaving escaped text untouched.
 */
function trimTrailingSpace(text: string): string {
    const out: string[] = [];
    let state: 'space' | 'text' | 'escape' = 'space';
    let space = '';
    let start = 0;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (state === 'escape') {
            if (ch === ESCAPE) {
                out.push(text.slice(start, i));
                state = 'space';
                space = '';
            }
            continue;
        }
        const isSpace = ch === ' ' || ch === '\t' || ch === '\v';
        const isNewline = ch === '\n' || ch === '\f';
        if (state === 'text') {
            if (!isSpace && !isNewline && ch !== ESCAPE) continue;
            out.push(text.slice(start, i));
            state = 'space';
            space = '';
        }
        if (isSpace) {
            space += ch === '\v' ? '\t' : ch;
        } else if (isNewline) {
            space = '';
            out.push('\n');
        } else if (ch === ESCAPE) {
            out.push(space);
            state = 'escape';
            start = i + 1;
        } else {
            out.push(space);
            state = 'text';
            start = i;
        }
    }
    if (state !== 'space') out.push(text.slice(start));
    return out.join('');
}
