// Source text as the scanner sees it. Alloy reads bytes and reports positions
// as 1-based lines (counted by '\n') and 1-based byte columns; flowlens works on
// JavaScript strings and converts positions on output.

/** A configuration file's text plus what the decoder found wrong with its bytes. */
export interface SourceText {
    readonly text: string;
    /** UTF-16 offsets of characters that replace a byte that was not valid UTF-8. */
    readonly invalidUtf8: ReadonlySet<number>;
}

const REPLACEMENT = 0xfffd;

/**
 * Decodes bytes the way Go's utf8.DecodeRune walks them: every byte that does
 * not start a valid sequence becomes one U+FFFD and is remembered, so the
 * scanner can report `illegal UTF-8 encoding` at it (TextDecoder would merge
 * invalid runs and lose the positions).
 */
export function decodeSource(bytes: Uint8Array): SourceText {
    if (isWellFormedUtf8(bytes)) {
        return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), invalidUtf8: new Set() };
    }
    const parts: string[] = [];
    const invalid = new Set<number>();
    let utf16 = 0;
    let chunk: number[] = [];
    const flush = () => {
        if (chunk.length) {
            parts.push(String.fromCodePoint(...chunk));
            chunk = [];
        }
    };
    for (let i = 0; i < bytes.length;) {
        const [cp, width] = decodeRune(bytes, i);
        if (cp < 0) {
            invalid.add(utf16);
            chunk.push(REPLACEMENT);
            utf16 += 1;
            i += 1;
        } else {
            chunk.push(cp);
            utf16 += cp > 0xffff ? 2 : 1;
            i += width;
        }
        if (chunk.length >= 4096) flush();
    }
    flush();
    return { text: parts.join(''), invalidUtf8: invalid };
}

export function sourceFromString(text: string): SourceText {
    return { text, invalidUtf8: new Set() };
}

function isWellFormedUtf8(bytes: Uint8Array): boolean {
    const isUtf8 = (Buffer as unknown as { isUtf8?: (b: Uint8Array) => boolean }).isUtf8;
    if (isUtf8) return isUtf8(bytes);
    for (let i = 0; i < bytes.length;) {
        const [cp, width] = decodeRune(bytes, i);
        if (cp < 0) return false;
        i += width;
    }
    return true;
}

/** Returns [codePoint, width], or [-1, 1] for an invalid byte (Go's RuneError, width 1). */
function decodeRune(b: Uint8Array, i: number): [number, number] {
    const b0 = b[i];
    if (b0 < 0x80) return [b0, 1];
    const need = b0 >= 0xc2 && b0 <= 0xdf ? 1 : b0 >= 0xe0 && b0 <= 0xef ? 2 : b0 >= 0xf0 && b0 <= 0xf4 ? 3 : -1;
    if (need < 0 || i + need >= b.length) return [-1, 1];
    let lo = 0x80;
    let hi = 0xbf;
    if (b0 === 0xe0) lo = 0xa0;
    else if (b0 === 0xed) hi = 0x9f; // no surrogates
    else if (b0 === 0xf0) lo = 0x90;
    else if (b0 === 0xf4) hi = 0x8f;
    const b1 = b[i + 1];
    if (b1 < lo || b1 > hi) return [-1, 1];
    let cp = b0 & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    cp = (cp << 6) | (b1 & 0x3f);
    for (let k = 2; k <= need; k++) {
        const bk = b[i + k];
        if (bk < 0x80 || bk > 0xbf) return [-1, 1];
        cp = (cp << 6) | (bk & 0x3f);
    }
    return [cp, need + 1];
}

/**
 * Line starts of a text, counting only '\n' as Alloy does, with conversion of
 * UTF-16 offsets to Alloy's 1-based line and byte column.
 */
export class LineIndex {
    private readonly starts: number[];

    constructor(private readonly source: SourceText) {
        const starts = [0];
        const text = source.text;
        let i = text.indexOf('\n');
        while (i >= 0) {
            starts.push(i + 1);
            i = text.indexOf('\n', i + 1);
        }
        this.starts = starts;
    }

    /** 1-based line of a UTF-16 offset. */
    line(offset: number): number {
        return lineContaining(this.starts, offset) + 1;
    }

    lineStart(line: number): number {
        return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))];
    }

    /** 1-based byte column of a UTF-16 offset, as Alloy prints it. */
    byteColumn(offset: number): number {
        const start = this.lineStart(this.line(offset));
        return utf8Length(this.source, start, offset) + 1;
    }

    /** Alloy's `LINE:COL` for a UTF-16 offset. */
    position(offset: number): { line: number; column: number } {
        return { line: this.line(offset), column: this.byteColumn(offset) };
    }
}

/** The 0-based index of the line (by sorted line starts) that holds `offset`. */
function lineContaining(starts: readonly number[], offset: number): number {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

/** Number of source bytes the UTF-16 range [from, to) stood for. */
function utf8Length(source: SourceText, from: number, to: number): number {
    const text = source.text;
    let n = 0;
    for (let i = from; i < to; i++) {
        const c = text.charCodeAt(i);
        if (c < 0x80) n += 1;
        else if (c < 0x800) n += 2;
        else if (c >= 0xd800 && c <= 0xdbff) {
            n += 4;
            i++;
        } else if (c === REPLACEMENT && source.invalidUtf8.has(i)) n += 1;
        else n += 3;
    }
    return n;
}

/** Maps UTF-16 offsets to LSP positions (lines end at \n, \r\n or \r, like VS Code's). */
export class LspLineMap {
    private starts?: number[];

    constructor(private readonly text: string) {}

    private lineStarts(): number[] {
        if (!this.starts) {
            const starts = [0];
            const text = this.text;
            for (let i = 0; i < text.length; i++) {
                const c = text.charCodeAt(i);
                if (c === 0x0d) {
                    if (text.charCodeAt(i + 1) === 0x0a) i++;
                    starts.push(i + 1);
                } else if (c === 0x0a) {
                    starts.push(i + 1);
                }
            }
            this.starts = starts;
        }
        return this.starts;
    }

    position(offset: number): { line: number; character: number } {
        const starts = this.lineStarts();
        const line = lineContaining(starts, offset);
        return { line, character: offset - starts[line] };
    }

    offset(position: { line: number; character: number }): number {
        const starts = this.lineStarts();
        if (position.line >= starts.length) return this.text.length;
        if (position.line < 0) return 0;
        const lineEnd = position.line + 1 < starts.length ? starts[position.line + 1] : this.text.length;
        return Math.min(starts[position.line] + position.character, lineEnd);
    }

    range(start: number, end: number): { start: { line: number; character: number }; end: { line: number; character: number } } {
        return { start: this.position(start), end: this.position(end) };
    }
}
