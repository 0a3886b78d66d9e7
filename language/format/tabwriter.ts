// Elastic tabstops, with the semantics of Go's text/tabwriter as `alloy fmt`
// configures it: minimum width 0, tab width 8, padding 1, padded with spaces,
// DiscardEmptyColumns and TabIndent. Alloy's printer emits '\t' and '\v' to
// end cells, '\n' to end lines and '\f' to end lines and close the current
// column block; text between two ESCAPE characters is one opaque piece of a cell.

export const ESCAPE = '\xff';

const TAB_WIDTH = 8;
const PADDING = 1;

/**
 * Cells are kept in parallel arrays (size, width, hard-tab flag) rather than
 * objects: formatting a large file creates millions of them.
 */
export class TabWriter {
    private buf = '';
    private pos = 0;
    // The cell being filled.
    private size = 0;
    private width = 0;
    private inEscape = false;
    // Terminated cells of the buffered lines; line i owns cells [lineStart[i], lineStart[i+1]).
    private readonly cellSize: number[] = [];
    private readonly cellWidth: number[] = [];
    private readonly cellHtab: boolean[] = [];
    private readonly lineStart: number[] = [0];
    private readonly widths: number[] = [];
    private readonly out: string[] = [];

    write(text: string): void {
        let n = 0;
        for (let i = 0; i < text.length; i++) {
            const ch = text.charCodeAt(i);
            if (!this.inEscape) {
                if (ch === 0x09 || ch === 0x0b || ch === 0x0a || ch === 0x0c) {
                    this.append(text, n, i);
                    this.updateWidth();
                    n = i + 1;
                    const cells = this.terminateCell(ch === 0x09);
                    if (ch === 0x0a || ch === 0x0c) {
                        this.lineStart.push(this.cellSize.length);
                        // A form feed closes every column block; a line with a single cell
                        // cannot affect the lines after it, so it is safe to flush too.
                        if (ch === 0x0c || cells === 1) this.flushLines();
                    }
                } else if (ch === 0xff) {
                    this.append(text, n, i);
                    this.updateWidth();
                    n = i;
                    this.inEscape = true;
                }
            } else if (ch === 0xff) {
                this.append(text, n, i + 1);
                n = i + 1;
                this.endEscape();
            }
        }
        this.append(text, n, text.length);
    }

    /** Flushes everything and returns the output written so far. */
    finish(): string {
        if (this.size > 0) {
            if (this.inEscape) this.endEscape();
            this.terminateCell(false);
        }
        this.flushLines();
        return this.out.join('');
    }

    private lineCount(): number {
        return this.lineStart.length;
    }

    private cellsIn(line: number): number {
        const end = line + 1 < this.lineStart.length ? this.lineStart[line + 1] : this.cellSize.length;
        return end - this.lineStart[line];
    }

    private append(text: string, from: number, to: number): void {
        if (to > from) {
            this.buf += text.slice(from, to);
            this.size += to - from;
        }
    }

    private updateWidth(): void {
        this.width += codePoints(this.buf, this.pos, this.buf.length);
        this.pos = this.buf.length;
    }

    private endEscape(): void {
        this.updateWidth();
        this.width -= 2; // the two ESCAPE characters take no room
        this.inEscape = false;
    }

    /** Ends the current cell; returns the number of cells of the current line. */
    private terminateCell(htab: boolean): number {
        this.cellSize.push(this.size);
        this.cellWidth.push(this.width);
        this.cellHtab.push(htab);
        this.size = 0;
        this.width = 0;
        return this.cellSize.length - this.lineStart[this.lineStart.length - 1];
    }

    private flushLines(): void {
        this.format(0, 0, this.lineCount());
        this.buf = '';
        this.pos = 0;
        this.size = 0;
        this.width = 0;
        this.inEscape = false;
        this.cellSize.length = 0;
        this.cellWidth.length = 0;
        this.cellHtab.length = 0;
        this.lineStart.length = 1;
        this.widths.length = 0;
    }

    /** Formats lines [line0, line1) from buffer position pos0; returns the new position. */
    private format(pos0: number, line0: number, line1: number): number {
        let pos = pos0;
        const column = this.widths.length;
        for (let current = line0; current < line1; current++) {
            // The last cell of a line is the text before the newline; it is not part of a column.
            if (column >= this.cellsIn(current) - 1) continue;

            pos = this.writeLines(pos, line0, current);
            line0 = current;

            // A block of consecutive lines that all have a cell in this column.
            let width = 0;
            let discardable = true;
            for (; current < line1; current++) {
                if (column >= this.cellsIn(current) - 1) break;
                const c = this.lineStart[current] + column;
                const w = this.cellWidth[c] + PADDING;
                if (w > width) width = w;
                if (this.cellWidth[c] > 0 || this.cellHtab[c]) discardable = false;
            }
            if (discardable) width = 0;

            this.widths.push(width);
            pos = this.format(pos, line0, current);
            this.widths.pop();
            line0 = current;
        }
        return this.writeLines(pos, line0, line1);
    }

    private writeLines(pos0: number, line0: number, line1: number): number {
        let pos = pos0;
        const out = this.out;
        const lines = this.lineCount();
        for (let i = line0; i < line1; i++) {
            const first = this.lineStart[i];
            const count = this.cellsIn(i);
            let useTabs = true; // leading empty cells are indentation
            for (let j = 0; j < count; j++) {
                const size = this.cellSize[first + j];
                const width = this.cellWidth[first + j];
                if (size === 0) {
                    if (j < this.widths.length) out.push(padding(width, this.widths[j], useTabs));
                } else {
                    useTabs = false;
                    out.push(this.buf.slice(pos, pos + size));
                    pos += size;
                    if (j < this.widths.length) out.push(padding(width, this.widths[j], false));
                }
            }
            if (i + 1 === lines) {
                // The last buffered line has no newline yet: write what is pending of its cell.
                out.push(this.buf.slice(pos, pos + this.size));
                pos += this.size;
            } else {
                out.push('\n');
            }
        }
        return pos;
    }
}

const TABS = ['', '\t', '\t\t', '\t\t\t', '\t\t\t\t'];

function padding(textWidth: number, cellWidth: number, useTabs: boolean): string {
    if (useTabs) {
        const rounded = Math.ceil(cellWidth / TAB_WIDTH) * TAB_WIDTH;
        const n = Math.ceil((rounded - textWidth) / TAB_WIDTH);
        return TABS[n] ?? '\t'.repeat(n);
    }
    return ' '.repeat(cellWidth - textWidth);
}

function codePoints(s: string, from: number, to: number): number {
    let n = to - from;
    for (let i = from; i < to; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
            i++;
            n--;
        }
    }
    return n;
}
