// Alloy's runtime module tests (internal/runtime/testdata/import_*): the
// configurations that load must check without errors, and the import_error
// cases must report their expected error. Alloy's test components are
// registered, the stability level is public-preview and community components
// are off, as in Alloy's tests.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeConfiguration } from '../../language/analysis/analyze.js';
import { DEFAULT_OPTIONS } from '../../language/analysis/options.js';
import { DiskFileHost } from '../../language/model/host.js';
import { ALLOY_CORPUS, listFiles, readTxtar } from './shared.js';
import { TEST_COMPONENTS } from './test-components.js';

const runtime = path.join(ALLOY_CORPUS, 'runtime');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-runtime-corpus-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Writes a case's files; a folder import gets the module files in the folder it names. */
function materialize(name: string, files: Record<string, string>): string {
    const dir = path.join(scratch, name);
    const main = files['main.alloy'];
    const folder = /import\.file\s+"[^"]+"\s*\{\s*filename\s*=\s*"([^"./]+)"/.exec(main)?.[1];
    for (const [file, text] of Object.entries(files)) {
        // update/*, added.alloy and reload_config.alloy are what the test changes later; error is the expectation.
        if (file === 'error' || file.startsWith('update/') || file === 'added.alloy' || file === 'reload_config.alloy' || file.startsWith('utils/update')) continue;
        const inFolder = folder && file !== 'main.alloy' && !file.includes('/');
        const target = path.join(dir, inFolder ? folder : '', file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, text);
    }
    return dir;
}

const options = { ...DEFAULT_OPTIONS, extraComponents: TEST_COMPONENTS, stabilityLevel: 'public-preview' as const, communityComponents: false };

describe.skipIf(!fs.existsSync(runtime))('Alloy runtime corpus: imports', () => {
    for (const group of ['import_error', 'import_file', 'import_file_folder', 'import_string']) {
        for (const file of listFiles(path.join(runtime, group), /\.txtar$/)) {
            const name = path.basename(file, '.txtar');
            const { files } = readTxtar(file);
            const expected = files.error?.trim();
            it(expected ? `${name} reports "${expected.slice(0, 60)}…"` : `${name} checks without errors`, () => {
                const dir = materialize(name, files);
                const host = new DiskFileHost();
                const analysis = analyzeConfiguration([host.file(path.join(dir, 'main.alloy'))!], host, options, dir);
                const messages = analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
                if (expected) expect(messages.some((m) => m.includes(expected)), messages.join('\n')).toBe(true);
                else expect(messages).toEqual([]);
            });
        }
    }
});
