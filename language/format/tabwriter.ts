// Elastic tabstops, with the semantics of Go's text/tabwriter as `alloy fmt`
// configures it: minimum width 0, tab width 8, padding 1, padded with spaces,
// DiscardEmptyColumns and TabIndent. Alloy's printer emits '\t' and '\v' to
// end cells, '\n' to end lines and '\f' to end lines and close the current
// column block; text between two ESCAPE characters is one opaque piece of a cell.

export const ESCAPE = '\xff';

const TAB_WIDTH = 8;
const PADDING = 1;

interface Cell {
    /** Length of the cell's text in the buffer (UTF-16 units, escapes included). */
    size: number;
    /** Display width: code points, escapes excluded. */
    width: number;
    /** True when the cell was ended by '\t' (a "hard" tab that keeps an empty column). */
    htab: boolean;
}

export class TabWriter {
    private buf = '';
    private pos = 0;
    private cell: Cell = { size: 0, width: 0, htab: false };
    private inEscape = false;
    private lines: Cell[][] = [[]];
    private widths: number[] = [];
    private readonly out: string[] = [];

    write(text: string): void {
        let n = 0;
        for (let i = 0; i < text.length; i++) {
            const ch = text.charCodeAt(i);
            if (!this.inEscape) {
                if (ch === 0x09 || ch === 0x0b || ch === 0x0a || ch === 0x0c) {
                    this.append(text.slice(n, i));
                    this.updateWidth();
                    n = i + 1;
                    const cells = this.terminateCell(ch === 0x09);
                    if (ch === 0x0a || ch === 0x0c) {
                        this.lines.push([]);
                        // A form feed closes every column block; a line with a single cell
                        // cannot affect the lines after it, so it is safe to flush too.
                        if (ch === 0x0c || cells === 1) this.flushLines();
                    }
                } else if (ch === 0xff) {
                    this.append(text.slice(n, i));
                    this.updateWidth();
                    n = i;
                    this.inEscape = true;
                }
            } else if (ch === 0xff) {
                this.append(text.slice(n, i + 1));
                n = i + 1;
                this.endEscape();
            }
        }
        this.append(text.slice(n));
    }

    /** Flushes everything and returns the output written so far. */
    finish(): string {
        if (this.cell.size > 0) {
            if (this.inEscape) this.endEscape();
            this.terminateCell(false);
        }
        this.flushLines();
        return this.out.join('');
    }

    private append(text: string): void {
        this.buf += text;
        this.cell.size += text.length;
    }

    private updateWidth(): void {
        this.cell.width += codePoints(this.buf, this.pos, this.buf.length);
        this.pos = this.buf.length;
    }

    private endEscape(): void {
        this.updateWidth();
        this.cell.width -= 2; // the two ESCAPE characters take no room
        this.pos = this.buf.length;
        this.inEscape = false;
    }

    private terminateCell(htab: boolean): number {
        this.cell.htab = htab;
        const line = this.lines[this.lines.length - 1];
        line.push(this.cell);
        this.cell = { size: 0, width: 0, htab: false };
        return line.length;
    }

    private flushLines(): void {
        this.format(0, 0, this.lines.length);
        this.buf = '';
        this.pos = 0;
        this.cell = { size: 0, width: 0, htab: false };
        this.inEscape = false;
        this.lines = [[]];
        this.widths = [];
    }

    /** Formats lines [line0, line1) from buffer position pos0; returns the new position. */
    private format(pos0: number, line0: number, line1: number): number {
        let pos = pos0;
        const column = this.widths.length;
        for (let current = line0; current < line1; current++) {
            let line = this.lines[current];
            // The last cell of a line is the text before the newline; it is not part of a column.
            if (column >= line.length - 1) continue;

            pos = this.writeLines(pos, line0, current);
            line0 = current;

            // A block of consecutive lines that all have a cell in this column.
            let width = 0;
            let discardable = true;
            for (; current < line1; current++) {
                line = this.lines[current];
                if (column >= line.length - 1) break;
                const c = line[column];
                const w = c.width + PADDING;
                if (w > width) width = w;
                if (c.width > 0 || c.htab) discardable = false;
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
        for (let i = line0; i < line1; i++) {
            const line = this.lines[i];
            let useTabs = true; // leading empty cells are indentation
            for (let j = 0; j < line.length; j++) {
                const c = line[j];
                if (c.size === 0) {
                    if (j < this.widths.length) out.push(padding(c.width, this.widths[j], useTabs));
                } else {
                    useTabs = false;
                    out.push(this.buf.slice(pos, pos + c.size));
                    pos += c.size;
                    if (j < this.widths.length) out.push(padding(c.width, this.widths[j], false));
                }
            }
            if (i + 1 === this.lines.length) {
                // The last buffered line has no newline yet: write what is pending of its cell.
                out.push(this.buf.slice(pos, pos + this.cell.size));
                pos += this.cell.size;
            } else {
                out.push('\n');
            }
        }
        return pos;
    }
}

function padding(textWidth: number, cellWidth: number, useTabs: boolean): string {
    if (useTabs) {
        const rounded = Math.ceil(cellWidth / TAB_WIDTH) * TAB_WIDTH;
        return '\t'.repeat(Math.ceil((rounded - textWidth) / TAB_WIDTH));
    }
    return ' '.repeat(cellWidth - textWidth);
}

function codePoints(s: string, from: number, to: number): number {
    let n = 0;
    for (let i = from; i < to; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) i++;
        n++;
    }
    return n;
}
