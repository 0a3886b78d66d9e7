// The token printer behind the formatter. It reproduces the behaviour of
// Alloy's printer byte for byte: whitespace is buffered as intentions (blank,
// vtab, newline, formfeed, indent, unindent) and only written before the next
// token, comments are injected where their source position falls between
// tokens, and the result goes through elastic tabstops and a trailing-space
// trimmer. Positions are Alloy's: byte offsets, lines, byte columns.

import type { Comment, CommentGroup } from '../syntax/ast.js';
import { Tok, tokenName } from '../syntax/token.js';
import { alignColumns, ESCAPE } from './tabwriter.js';

/** Where a source offset is in Alloy's terms: byte offset, line, byte column. */
export interface SourcePositions {
    byteOffset(offset: number): number;
    line(offset: number): number;
    byteColumn(offset: number): number;
}

/** A mutable position; the printer keeps a few and updates them in place. */
class Position {
    constructor(public offset = 0, public line = 0, public column = 0) {}

    set(offset: number, line: number, column: number): this {
        this.offset = offset;
        this.line = line;
        this.column = column;
        return this;
    }

    copy(from: Position): this {
        return this.set(from.offset, from.line, from.column);
    }
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
const TABS = Array.from({ length: 16 }, (_, n) => '\t'.repeat(n));

interface PendingComments {
    groups: readonly CommentGroup[];
    index: number;
    current: CommentGroup;
    /** Byte offset of the next comment group's first comment, or -1 when none is left. */
    at: number;
}

export class Printer {
    /** The printed pieces, joined once at the end. */
    private readonly output: string[] = [];
    private indent = 0;
    private lastTok: number = Tok.EOF;
    private whitespace: Ws[] = [];
    private readonly comments: PendingComments;

    /** The estimated position in source space. */
    private readonly pos = new Position(0, 1, 1);
    /** The position of the last thing written. */
    private readonly last = new Position();
    /** The position in output space (only line and column are used). */
    private readonly out = new Position(0, 1, 1);
    private readonly scratch = new Position();
    /** Output lines that marked tokens started on (a stack: marks nest with the AST). */
    private readonly marks: number[] = [];
    /** Marks from this index on wait for the next token. */
    private pendingMarks = 0;

    constructor(comments: readonly CommentGroup[], private readonly positions: SourcePositions, private readonly byteLength: (s: string) => number) {
        this.comments = { groups: comments, index: 0, current: [], at: -1 };
        this.nextComment();
    }

    private positionOf(offset: number, into: Position): Position {
        const p = this.positions;
        return into.set(p.byteOffset(offset), p.line(offset), p.byteColumn(offset));
    }

    // ---- what the walker sends -----------------------------------------

    ws(first: Ws, second = Ws.Ignore): void {
        if (first === Ws.Ignore) return;
        this.whitespace.push(first);
        if (second !== Ws.Ignore) this.whitespace.push(second);
        this.lastTok = LAST_WAS_WHITESPACE;
    }

    /** Moves the source-space position to a known token offset. */
    at(offset: number): void {
        if (offset >= 0) this.positionOf(offset, this.pos);
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

    /** Asks the next token to remember the output line it starts on. */
    markNextToken(): void {
        this.marks.push(0);
    }

    /**
     * How many output lines the text from the marked token to the last written
     * one spans. The walker decides on alignment runs from the lines a node
     * takes in the output rather than in the source (as Alloy does), so that
     * formatting twice gives the same result as formatting once.
     */
    linesSinceMark(): number {
        const line = this.marks.pop()!;
        this.pendingMarks = Math.min(this.pendingMarks, this.marks.length);
        return this.out.line - line + 1;
    }

    /** Writes pending comments and returns the formatted text (without Alloy's final newline). */
    finish(): string {
        const end = Number.MAX_SAFE_INTEGER;
        this.flush(new Position(end, end, end), Tok.EOF);
        return trimTrailingSpace(alignColumns(this.output.join('')));
    }

    // ---- internals -------------------------------------------------------

    private emit(text: string, escape: boolean): void {
        const next = this.scratch.copy(this.pos);
        this.flush(next, this.lastTok);
        for (let i = this.pendingMarks; i < this.marks.length; i++) this.marks[i] = this.out.line;
        this.pendingMarks = this.marks.length;
        this.writeString(next, text, escape);
    }

    private nextComment(): void {
        const c = this.comments;
        while (c.index < c.groups.length) {
            const group = c.groups[c.index++];
            if (group.length > 0) {
                c.current = group;
                c.at = this.positions.byteOffset(group[0].offset);
                return;
            }
        }
        c.at = -1;
    }

    private commentBefore(next: Position): boolean {
        return this.comments.at >= 0 && this.comments.at <= next.offset;
    }

    /** Writes the comments and whitespace that come before the next token. */
    private flush(next: Position, tok: number): void {
        if (this.commentBefore(next)) {
            let lastComment: Comment | undefined;
            while (this.commentBefore(next)) {
                for (const c of this.comments.current) {
                    this.writeCommentPrefix(next, c);
                    this.writeString(this.positionOf(c.offset, new Position()), c.text, true);
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
        const commentLine = this.positions.line(c.offset);
        if (commentLine === this.last.line) {
            // On the line of the last token: a tab to align it, or a space before a
            // token that follows on the same line (a block comment).
            this.writeByte(commentLine === next.line ? ' ' : '\t', 1);
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
        const newlines = this.last.line > 0 ? commentLine - this.last.line : 0;
        if (newlines > 0) this.writeByte('\f', Math.min(newlines, MAX_NEWLINES));
    }

    private writeCommentSuffix(next: Position, tok: number, lastComment: Comment): void {
        if (tok === Tok.EOF) return; // no blank lines at the end of the file
        const lastEndLine = this.positions.line(lastComment.offset + lastComment.text.length - 1);
        if (lastComment.text[1] === '*' && next.line === lastEndLine) this.writeByte(' ', 1);

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

        this.pos.copy(pos);
        if (escape) this.output.push(ESCAPE, s, ESCAPE);
        else this.output.push(s);

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
        this.last.copy(this.pos);
    }

    private writeIndent(): void {
        const depth = this.indent;
        if (depth > 0) this.output.push(depth < TABS.length ? TABS[depth] : '\t'.repeat(depth));
        this.pos.offset += depth;
        this.pos.column += depth;
        this.out.column += depth;
    }

    /** Writes a whitespace character n times. */
    private writeByte(ch: string, n: number): void {
        if (this.out.column === 1) this.writeIndent();
        this.output.push(n === 1 ? ch : ch.repeat(n));
        this.pos.offset += n;
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
        if (n >= ws.length) this.whitespace = [];
        else ws.splice(0, n);
    }
}

/**
 * Removes trailing blanks and tabs from every line and the ESCAPE markers,
 * leaving escaped text untouched (Alloy's trimmer).
 */
function trimTrailingSpace(text: string): string {
    const parts = text.split(ESCAPE);
    // Even parts are plain text, odd parts were between two ESCAPE characters.
    for (let i = 0; i < parts.length; i += 2) {
        const last = i === parts.length - 1;
        parts[i] = parts[i].replace(last ? TRAILING_AT_END : TRAILING, '').replace(/\f/g, '\n').replace(/\v/g, '\t');
    }
    return parts.join('');
}

const TRAILING = /[ \t\v]+(?=[\n\f])/g;
const TRAILING_AT_END = /[ \t\v]+(?=[\n\f])|[ \t\v]+$/g;
