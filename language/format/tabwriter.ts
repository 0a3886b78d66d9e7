// Elastic tabstops, with the semantics of Go's text/tabwriter as `alloy fmt`
// configures it: minimum width 0, tab width 8, padding 1, padded with spaces,
// DiscardEmptyColumns and TabIndent. Alloy's printer emits '\t' and '\v' to
// end cells, '\n' to end lines and '\f' to end lines and close the current
// column block; text between two ESCAPE characters is one opaque piece of a cell.
//
// Unlike Go's recursive formatter, column blocks are laid out with an explicit
// stack, so a line with thousands of cells (a one-line object with thousands
// of fields) needs no deep call stack, and cells are offsets into the input,
// so a very long line costs no more than many short ones.

/**
 * Brackets text the tabwriter must not interpret. A lone low surrogate: the
 * scanner rejects one in a source, so it can never be part of what is formatted.
 */
export const ESCAPE = '\udfff';

const TAB_WIDTH = 8;
const PADDING = 1;

/** Aligns the cells of `text`; ESCAPE characters are kept for the trimmer to remove. */
export function alignColumns(text: string): string {
    return new Aligner(text).run();
}

/**
 * Cells are kept in parallel arrays (start, end, width, hard-tab flag) rather
 * than objects: formatting a large file creates millions of them.
 */
class Aligner {
    // Terminated cells of the buffered lines.
    private cellStart = new Int32Array(1024);
    private cellEnd = new Int32Array(1024);
    private cellWidth = new Int32Array(1024);
    private cellHtab = new Uint8Array(1024);
    private cells = 0;
    /** Line i owns cells [lineStart[i], lineStart[i+1]); the last line is the one being filled. */
    private lineStart = new Int32Array(256);
    private lines = 1;
    /** Column widths of the column blocks being laid out, and the frames laying them out. */
    private readonly widths: number[] = [];
    private readonly frames: Frame[] = [];
    /** Start of the cell being filled and the number of ESCAPE characters in it. */
    private start = 0;
    private escapes = 0;
    private readonly out: string[] = [];
    private readonly hasSurrogates: boolean;

    constructor(private readonly text: string) {
        this.hasSurrogates = /[\ud800-\udbff]/.test(text);
    }

    run(): string {
        const text = this.text;
        const length = text.length;
        for (let i = 0; i < length; i++) {
            const ch = text.charCodeAt(i);
            if (ch > 0x0c && ch !== 0xdfff) continue;
            if (ch === 0xdfff) {
                // Everything up to the closing ESCAPE belongs to the cell.
                const close = text.indexOf(ESCAPE, i + 1);
                this.escapes += close < 0 ? 1 : 2;
                i = close < 0 ? length : close;
                continue;
            }
            if (ch < 0x09) continue;
            const cells = this.terminateCell(i, ch === 0x09);
            this.start = i + 1;
            if (ch === 0x0a || ch === 0x0c) {
                if (this.lines === this.lineStart.length) this.lineStart = grow(this.lineStart);
                this.lineStart[this.lines++] = this.cells;
                // A form feed closes every column block; a line with a single cell
                // cannot affect the lines after it, so it is safe to flush too.
                if (ch === 0x0c || cells === 1) this.flushLines();
            }
        }
        if (this.start < length) this.terminateCell(length, false);
        this.flushLines();
        return this.out.join('');
    }

    /** Ends the current cell at `end`; returns the number of cells of the current line. */
    private terminateCell(end: number, htab: boolean): number {
        if (this.cells === this.cellEnd.length) {
            this.cellStart = grow(this.cellStart);
            this.cellEnd = grow(this.cellEnd);
            this.cellWidth = grow(this.cellWidth);
            this.cellHtab = grow(this.cellHtab);
        }
        const c = this.cells++;
        this.cellStart[c] = this.start;
        this.cellEnd[c] = end;
        this.cellWidth[c] = this.width(this.start, end) - this.escapes;
        this.cellHtab[c] = htab ? 1 : 0;
        this.escapes = 0;
        return this.cells - this.lineStart[this.lines - 1];
    }

    /** Width in code points, as Go counts runes. */
    private width(from: number, to: number): number {
        let n = to - from;
        if (!this.hasSurrogates) return n;
        const text = this.text;
        for (let i = from; i < to - 1; i++) {
            const c = text.charCodeAt(i);
            if (c >= 0xd800 && c <= 0xdbff) {
                i++;
                n--;
            }
        }
        return n;
    }

    private cellsIn(line: number): number {
        const end = line + 1 < this.lines ? this.lineStart[line + 1] : this.cells;
        return end - this.lineStart[line];
    }

    private flushLines(): void {
        this.format(this.lines);
        this.cells = 0;
        this.lines = 1;
    }

    /**
     * Go's tabwriter format(), with the recursion over columns unrolled: each
     * frame is a run of lines [line0, line1) laid out at column `widths.length`.
     */
    private format(lines: number): void {
        const frames = this.frames;
        frames.push({ line0: 0, line1: lines, current: 0 });
        while (frames.length > 0) {
            const frame = frames[frames.length - 1];
            const column = this.widths.length;
            let current = frame.current;
            // The last cell of a line is the text before the newline; it is not part of a column.
            while (current < frame.line1 && column >= this.cellsIn(current) - 1) current++;
            if (current === frame.line1) {
                this.writeLines(frame.line0, frame.line1);
                frames.pop();
                if (frames.length > 0) this.widths.pop();
                continue;
            }
            this.writeLines(frame.line0, current);

            // A block of consecutive lines that all have a cell in this column.
            const first = current;
            let width = 0;
            let discardable = true;
            for (; current < frame.line1; current++) {
                if (column >= this.cellsIn(current) - 1) break;
                const c = this.lineStart[current] + column;
                const w = this.cellWidth[c] + PADDING;
                if (w > width) width = w;
                if (this.cellWidth[c] > 0 || this.cellHtab[c]) discardable = false;
            }
            this.widths.push(discardable ? 0 : width);
            frame.line0 = current;
            frame.current = current;
            frames.push({ line0: first, line1: current, current: first });
        }
    }

    private writeLines(line0: number, line1: number): void {
        const text = this.text;
        const lines = this.lines;
        const widths = this.widths;
        const out = this.out;
        for (let i = line0; i < line1; i++) {
            const first = this.lineStart[i];
            const count = this.cellsIn(i);
            let useTabs = true; // leading empty cells are indentation
            for (let j = 0; j < count; j++) {
                const c = first + j;
                const start = this.cellStart[c];
                const end = this.cellEnd[c];
                if (start === end) {
                    if (j < widths.length) out.push(padding(this.cellWidth[c], widths[j], useTabs));
                } else {
                    useTabs = false;
                    out.push(text.slice(start, end));
                    if (j < widths.length) out.push(padding(this.cellWidth[c], widths[j], false));
                }
            }
            // The last buffered line has no newline yet: what is pending of its cell comes later.
            if (i + 1 < lines) out.push('\n');
        }
    }
}

interface Frame {
    line0: number;
    line1: number;
    current: number;
}

function grow<T extends Int32Array | Uint8Array>(array: T): T {
    const bigger = new (array.constructor as new (n: number) => T)(array.length * 2);
    bigger.set(array);
    return bigger;
}

const TABS = ['', '\t', '\t\t', '\t\t\t', '\t\t\t\t'];
const SPACES = Array.from({ length: 64 }, (_, n) => ' '.repeat(n));

function padding(textWidth: number, cellWidth: number, useTabs: boolean): string {
    if (useTabs) {
        const rounded = Math.ceil(cellWidth / TAB_WIDTH) * TAB_WIDTH;
        const n = Math.ceil((rounded - textWidth) / TAB_WIDTH);
        return TABS[n] ?? '\t'.repeat(n);
    }
    const n = cellWidth - textWidth;
    return SPACES[n] ?? ' '.repeat(n);
}
