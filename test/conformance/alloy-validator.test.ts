// Alloy's validator corpus (internal/validator/testdata): every expected diagnostic of a
// case's golden `.diags` is reported with the same severity, file, line, column and
// message, and nothing else is reported as an error or warning. Checked through the CLI at
// --stability-level experimental, the level Alloy's validator tests run at. Prints the
// per-case exact-match count.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flowlens } from '../cli/run-cli.js';
import { ALLOY_CORPUS, listFiles, readTxtar } from './shared.js';

const corpus = path.join(ALLOY_CORPUS, 'validator');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-validator-corpus-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

interface Found {
    readonly severity: string;
    readonly file: string;
    readonly line: number;
    readonly column: number;
    readonly message: string;
}

function expected(golden: string): Found[] {
    return [...golden.matchAll(/^(Error|Warning): ([^:\n]+):(\d+):(\d+): (.*)$/gm)].map((m) => ({
        severity: m[1].toLowerCase(),
        file: m[2],
        line: Number(m[3]),
        column: Number(m[4]),
        message: m[5],
    }));
}

const key = (d: Found) => `${d.severity} ${d.file}:${d.line}:${d.column}: ${d.message}`;

if (!fs.existsSync(corpus)) {
    describe('Alloy validator corpus', () => {
        it('is skipped: the corpus is absent', () => console.warn(`validator corpus NOT checked: ${corpus} not found (set FLOWLENS_SHARED)`));
    });
} else {
    describe('Alloy validator corpus', () => {
        const cases = listFiles(corpus, /\.txtar$/);
        let exact = 0;
        afterAll(() => console.log(`validator corpus: ${exact}/${cases.length} cases exact (message, position, severity; no extra)`));
        for (const file of cases) {
            const name = path.basename(file, '.txtar');
            it(name, () => {
                const dir = path.join(scratch, name);
                for (const [f, text] of Object.entries(readTxtar(file).files)) {
                    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
                    fs.writeFileSync(path.join(dir, f), text);
                }
                const r = flowlens(['check', '--json', '--stability-level', 'experimental', dir]);
                const got = (JSON.parse(r.stdout) as { diagnostics: (Found & { file: string })[] }).diagnostics
                    .filter((d) => d.severity === 'error' || d.severity === 'warning')
                    .map((d) => ({ ...d, file: path.relative(dir, d.file) }));
                const want = expected(fs.readFileSync(file.replace(/\.txtar$/, '.diags'), 'utf8'));
                const gotKeys = got.map(key).sort();
                const wantKeys = want.map(key).sort();
                if (JSON.stringify(gotKeys) === JSON.stringify(wantKeys)) exact++;
                expect(gotKeys).toEqual(wantKeys);
            });
        }
    });
}
