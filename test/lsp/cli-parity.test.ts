// The editor and the CLI agree: every file of examples/ and of
// ../shared/real-configs gets the same diagnostics from the language server
// (the whole tree opened as a workspace) as from `flowlens check DIR`.

import fs from 'node:fs';
import path from 'node:path';
import { URI } from 'vscode-uri';
import { afterAll, describe, expect, it } from 'vitest';
import { flowlens } from '../cli/run-cli.js';
import { SHARED } from '../conformance/shared.js';
import { LspClient } from './lsp-client.js';

const ROOT = path.resolve(__dirname, '../..');
const trees = [path.join(ROOT, 'examples'), path.join(SHARED, 'real-configs')].filter((t) => {
    const there = fs.existsSync(t);
    if (!there) console.warn(`cli parity: ${t} not found; skipped`);
    return there;
});

/** The directories of a tree that hold configuration files. */
function configDirs(tree: string): string[] {
    return [...new Set(fs.readdirSync(tree, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /\.(alloy|river)$/.test(e.name)).map((e) => e.parentPath))].sort();
}

interface Finding {
    file: string;
    line: number;
    column: number;
    severity: string;
    message: string;
}

const SEVERITIES = ['', 'error', 'warning', 'information', 'hint'];
const key = (f: Finding) => `${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message}`;
const clients: LspClient[] = [];
afterAll(async () => Promise.all(clients.map((c) => c.stop())));

describe.each(trees)('%s', (tree) => {
    it('has the same diagnostics through the language server as through the CLI', async () => {
        const dirs = configDirs(tree);
        const files = dirs.flatMap((d) => fs.readdirSync(d).filter((f) => /\.(alloy|river)$/.test(f)).map((f) => path.join(d, f)));
        const client = new LspClient();
        clients.push(client);
        const published = files.map((f) => client.nextDiagnostics(URI.file(f).toString(), () => true, 60_000).then((ds) => ({ f, ds })));
        await client.initialize(URI.file(tree).toString());
        const lsp: string[] = [];
        for (const { f, ds } of await Promise.all(published)) {
            for (const d of ds) {
                lsp.push(key({ file: f, line: d.range.start.line + 1, column: d.range.start.character + 1, severity: SEVERITIES[d.severity ?? 1], message: String(d.message) }));
            }
        }
        const json = JSON.parse(flowlens(['check', '--json', ...dirs]).stdout) as { diagnostics: Finding[] };
        const cli = json.diagnostics.map((d) => key({ ...d, file: path.resolve(ROOT, d.file) }));
        expect([...new Set(lsp)].sort()).toEqual([...new Set(cli)].sort());
        expect(client.logs.filter((l) => l.type === 1)).toEqual([]);
    });
});
