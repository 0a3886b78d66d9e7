// Access to the reference data in ../shared (grafana/alloy test corpora and
// docs). Conformance tests read it when present and say so when it is absent.

import fs from 'node:fs';
import path from 'node:path';

/** ../shared next to the checkout, or FLOWLENS_SHARED (for checkouts that live elsewhere). */
export const SHARED = process.env.FLOWLENS_SHARED ?? path.resolve(__dirname, '../../../shared');
export const ALLOY_CORPUS = path.join(SHARED, 'alloy/corpus');

export function sharedAvailable(): boolean {
    const available = fs.existsSync(ALLOY_CORPUS);
    if (!available) console.warn(`conformance: ${ALLOY_CORPUS} not found; the Alloy reference corpus tests are skipped`);
    return available;
}

export function listFiles(dir: string, pattern: RegExp): string[] {
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => pattern.test(f)).sort().map((f) => path.join(dir, f)) : [];
}

/** Splits a txtar archive into its files. */
export function readTxtar(file: string): { comment: string; files: Record<string, string> } {
    const files: Record<string, string> = {};
    let current: string | undefined;
    const comment: string[] = [];
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        const header = /^-- (.+) --$/.exec(line);
        if (header) {
            current = header[1];
            files[current] = '';
        } else if (current) {
            files[current] += line + '\n';
        } else {
            comment.push(line);
        }
    }
    return { comment: comment.join('\n'), files };
}
