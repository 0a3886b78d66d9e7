// Minimal line edits turning one text into another, so that formatting a
// document changes only the lines that need it (cursor and undo stay sane).

export interface LineEdit {
    /** UTF-16 offsets into the old text. */
    readonly offset: number;
    readonly end: number;
    readonly newText: string;
}

function splitLines(text: string): string[] {
    // Keep line endings with their lines so edits reassemble the exact text.
    return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The lines of both texts and the changed regions between them (absolute line indexes), in order. */
function lineHunks(before: string, after: string): { a: string[]; b: string[]; hunks: Hunk[] } {
    const a = splitLines(before);
    const b = splitLines(after);
    // Trim the common prefix and suffix; formatting and fixes usually change little.
    let prefix = 0;
    while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
    let suffix = 0;
    while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
    const a1 = a.slice(prefix, a.length - suffix);
    const b1 = b.slice(prefix, b.length - suffix);
    const inner = a1.length * b1.length > 4_000_000 ? [{ a0: 0, a1: a1.length, b0: 0, b1: b1.length }] : diffHunks(a1, b1);
    const hunks = inner.map((h) => ({ a0: h.a0 + prefix, a1: h.a1 + prefix, b0: h.b0 + prefix, b1: h.b1 + prefix }));
    return { a, b, hunks };
}

/** Line edits from `before` to `after` (Myers' O(ND) diff on lines). */
export function lineEdits(before: string, after: string): LineEdit[] {
    if (before === after) return [];
    const { a, b, hunks } = lineHunks(before, after);
    const offsets = [0];
    for (const line of a) offsets.push(offsets[offsets.length - 1] + line.length);
    return hunks.map((h) => ({ offset: offsets[h.a0], end: offsets[h.a1], newText: b.slice(h.b0, h.b1).join('') }));
}

const CONTEXT_LINES = 3;

/**
 * A unified diff (`diff -u`, what `patch` and `git apply` read) from `before` to `after`, with
 * three lines of context; empty when they are equal.
 */
export function unifiedDiff(before: string, after: string, oldName: string, newName: string): string {
    if (before === after) return '';
    const { a, b, hunks } = lineHunks(before, after);
    const out = [`--- ${oldName}`, `+++ ${newName}`];
    const line = (prefix: string, text: string) => {
        out.push(prefix + text.replace(/\n$/, ''));
        if (!text.endsWith('\n')) out.push('\\ No newline at end of file');
    };
    let i = 0;
    while (i < hunks.length) {
        // Hunks whose context would touch join into one.
        let j = i;
        while (j + 1 < hunks.length && hunks[j + 1].a0 - hunks[j].a1 <= 2 * CONTEXT_LINES) j++;
        const aStart = Math.max(0, hunks[i].a0 - CONTEXT_LINES);
        const aEnd = Math.min(a.length, hunks[j].a1 + CONTEXT_LINES);
        const bStart = hunks[i].b0 - (hunks[i].a0 - aStart);
        const bEnd = hunks[j].b1 + (aEnd - hunks[j].a1);
        // An empty range is numbered by the line before it, as diff does.
        const range = (start: number, count: number) => `${count === 0 ? start : start + 1}${count === 1 ? '' : `,${count}`}`;
        out.push(`@@ -${range(aStart, aEnd - aStart)} +${range(bStart, bEnd - bStart)} @@`);
        let at = aStart;
        for (let k = i; k <= j; k++) {
            const h = hunks[k];
            for (; at < h.a0; at++) line(' ', a[at]);
            for (let x = h.a0; x < h.a1; x++) line('-', a[x]);
            for (let y = h.b0; y < h.b1; y++) line('+', b[y]);
            at = h.a1;
        }
        for (; at < aEnd; at++) line(' ', a[at]);
        i = j + 1;
    }
    return out.join('\n') + '\n';
}

interface Hunk {
    a0: number;
    a1: number;
    b0: number;
    b1: number;
}

/** Changed regions between two line arrays, in order. */
function diffHunks(a: string[], b: string[]): Hunk[] {
    const n = a.length;
    const m = b.length;
    const max = n + m;
    const offset = max + 1;
    const v = new Int32Array(2 * max + 3);
    const trace: Int32Array[] = [];
    let found = false;
    for (let d = 0; d <= max && !found; d++) {
        trace.push(v.slice());
        for (let k = -d; k <= d; k += 2) {
            let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
            let y = x - k;
            while (x < n && y < m && a[x] === b[y]) {
                x++;
                y++;
            }
            v[offset + k] = x;
            if (x >= n && y >= m) {
                found = true;
                break;
            }
        }
    }
    // Walk back through the trace to recover the edit script as matched pairs.
    const matches: Array<[number, number]> = [];
    let x = n;
    let y = m;
    for (let d = trace.length - 1; d > 0; d--) {
        const vd = trace[d];
        const k = x - y;
        const prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
        const prevX = vd[offset + prevK];
        const prevY = prevX - prevK;
        while (x > prevX && y > prevY) {
            matches.push([x - 1, y - 1]);
            x--;
            y--;
        }
        x = prevX;
        y = prevY;
    }
    while (x > 0 && y > 0) {
        matches.push([x - 1, y - 1]);
        x--;
        y--;
    }
    matches.reverse();

    const hunks: Hunk[] = [];
    let ai = 0;
    let bi = 0;
    for (const [ma, mb] of [...matches, [n, m] as [number, number]]) {
        if (ma > ai || mb > bi) hunks.push({ a0: ai, a1: ma, b0: bi, b1: mb });
        ai = ma + 1;
        bi = mb + 1;
    }
    return hunks;
}

/** Applies edits (non-overlapping, any order) to a text. */
export function applyEdits(text: string, edits: readonly { offset: number; end: number; newText: string }[]): string {
    const sorted = [...edits].sort((x, y) => y.offset - x.offset);
    let out = text;
    for (const e of sorted) out = out.slice(0, e.offset) + e.newText + out.slice(e.end);
    return out;
}
