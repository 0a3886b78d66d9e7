// The positions file of loki.source.* (Alloy's internal/component/loki/source/internal/positions):
// how far each (path, labels) has been read, persisted as YAML so a restart continues where the
// previous run stopped. The format is what Alloy writes with yaml.v2, a map keyed by {path, labels}:
//
//   positions:
//     ? path: /var/log/app.log
//       labels: '{job="app"}'
//     : "1234"
//
// Saved every sync period, at stop, and atomically (write to a temporary file, then rename), mode 0600.
// Entries of files that no longer exist are dropped when saving (cursor-/journal- keys are kept).

import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export interface PositionKey {
    readonly path: string;
    readonly labels: string;
}

const keyOf = (p: string, labels: string) => `${p}\u0000${labels}`;

/** Reads a positions file; a missing file is empty, an invalid one an error (Alloy refuses to start). */
export function readPositionsFile(file: string): Map<string, { key: PositionKey; value: string }> {
    const out = new Map<string, { key: PositionKey; value: string }>();
    let text: string;
    try {
        text = readFileSync(file, 'utf8');
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return out;
        throw e;
    }
    let doc: unknown;
    try {
        doc = YAML.parse(text, { mapAsMap: true, uniqueKeys: false });
    } catch (e) {
        throw new Error(`invalid yaml positions file [${file}]: ${(e as Error).message}`);
    }
    const positions = doc instanceof Map ? doc.get('positions') : undefined;
    if (positions === undefined || positions === null) return out;
    if (!(positions instanceof Map)) throw new Error(`invalid yaml positions file [${file}]: "positions" is not a map`);
    for (const [k, v] of positions) {
        if (!(k instanceof Map)) throw new Error(`invalid yaml positions file [${file}]: a key is not {path, labels}`);
        const p = k.get('path');
        const labels = k.get('labels') ?? '';
        if (typeof p !== 'string' || typeof labels !== 'string') throw new Error(`invalid yaml positions file [${file}]: a key is not {path, labels}`);
        out.set(keyOf(p, labels), { key: { path: p, labels }, value: String(v) });
    }
    return out;
}

/** The YAML Alloy writes for these positions. */
export function formatPositions(entries: Iterable<{ key: PositionKey; value: string }>): string {
    const doc = new YAML.Document();
    const map = new YAML.YAMLMap();
    for (const { key, value } of entries) {
        const k = new YAML.YAMLMap();
        k.add(new YAML.Pair(new YAML.Scalar('path'), new YAML.Scalar(key.path)));
        k.add(new YAML.Pair(new YAML.Scalar('labels'), new YAML.Scalar(key.labels)));
        const v = new YAML.Scalar(value);
        v.type = 'QUOTE_DOUBLE';
        map.add(new YAML.Pair(k, v));
    }
    doc.contents = new YAML.YAMLMap();
    (doc.contents as YAML.YAMLMap).add(new YAML.Pair(new YAML.Scalar('positions'), map));
    return doc.toString({ singleQuote: true });
}

function writeAtomically(file: string, text: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, file);
}

/**
 * Converts a promtail/legacy positions file (`positions: {path: "offset"}`) to the new format with
 * `{}` labels, unless the new file already has content (Alloy's ConvertLegacyPositionsFile).
 */
export function convertLegacyPositionsFile(legacyFile: string, newFile: string): boolean {
    if (!existsSync(legacyFile) || statSync(legacyFile).size === 0) return false;
    if (existsSync(newFile) && statSync(newFile).size > 0) return false;
    let doc: unknown;
    try {
        doc = YAML.parse(readFileSync(legacyFile, 'utf8'));
    } catch {
        return false;
    }
    const positions = (doc as { positions?: Record<string, unknown> } | null)?.positions;
    if (typeof positions !== 'object' || positions === null) return false;
    writeAtomically(
        newFile,
        formatPositions(Object.entries(positions).map(([p, v]) => ({ key: { path: p, labels: '{}' }, value: String(v) }))),
    );
    return true;
}

export class Positions {
    private readonly entries: Map<string, { key: PositionKey; value: string }>;
    private timer: NodeJS.Timeout | undefined;
    private dirty = false;

    constructor(
        readonly file: string,
        readonly syncPeriodMs: number,
        private readonly onError: (message: string) => void,
    ) {
        this.entries = readPositionsFile(file);
        this.timer = setInterval(() => this.save(), syncPeriodMs);
        this.timer.unref();
    }

    /** The saved offset, 0 when there is none; throws when the stored value is not an integer. */
    get(p: string, labels: string): number {
        const e = this.entries.get(keyOf(p, labels));
        if (e === undefined) return 0;
        if (!/^-?\d+$/.test(e.value)) throw new Error(`invalid position ${JSON.stringify(e.value)} for ${p}`);
        return Number(e.value);
    }

    put(p: string, labels: string, offset: number): void {
        const k = keyOf(p, labels);
        const value = String(offset);
        if (this.entries.get(k)?.value === value) return;
        this.entries.set(k, { key: { path: p, labels }, value });
        this.dirty = true;
    }

    remove(p: string, labels: string): void {
        if (this.entries.delete(keyOf(p, labels))) this.dirty = true;
    }

    /** Writes the file (dropping entries of files that are gone). Errors are reported, never thrown. */
    save(): void {
        for (const [k, e] of this.entries) {
            if (e.key.path.startsWith('cursor-') || e.key.path.startsWith('journal-')) continue;
            if (!existsSync(e.key.path)) {
                this.entries.delete(k);
                this.dirty = true;
            }
        }
        if (!this.dirty) return;
        try {
            writeAtomically(this.file, formatPositions(this.entries.values()));
            this.dirty = false;
        } catch (e) {
            this.onError(`error writing positions file ${this.file}: ${(e as Error).message}`);
        }
    }

    stop(): void {
        if (this.timer !== undefined) clearInterval(this.timer);
        this.timer = undefined;
        this.save();
    }
}
