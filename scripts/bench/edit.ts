// The language server on one large document, over real LSP (stdio): the latency
// from a one-character incremental edit to its publishDiagnostics for 1k, 10k
// and 100k lines, the server's RSS, and its memory over 2,000 edits.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { Range } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { SERVER_EXEC_ARGV } from '../../client/server-exec-argv.js';
import { LspClient } from '../../test/lsp/lsp-client.js';
import { generateConfig } from './generate.js';
import { median, percentile, table } from './stats.js';

interface EditRun {
    p50: number;
    p95: number;
    rssMb: number;
}

function rssMb(pid: number): number {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The range of the `0` in the first `"job_0"` label: each edit flips it between 0 and X. */
function labelDigit(text: string): Range {
    const offset = text.indexOf('"job_0"') + 5;
    const before = text.slice(0, offset).split('\n');
    const line = before.length - 1;
    const character = before[line].length;
    return { start: { line, character }, end: { line, character: character + 1 } };
}

/** Opens a `lines`-long document alone in a workspace and times `edits` edits after `warmup`. */
async function editRun(server: string | undefined, lines: number, edits: number, warmup: number, nodeArgs?: string[]): Promise<EditRun & { client: LspClient; flip: (v: number) => Promise<void>; root: string }> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-bench-edit-'));
    const file = path.join(root, 'main.alloy');
    const text = generateConfig(lines);
    fs.writeFileSync(file, text);
    const uri = URI.file(file).toString();
    const client = new LspClient([], { server, nodeArgs });
    const initial = client.nextDiagnostics(uri, () => true, 120_000);
    await client.initialize(URI.file(root).toString());
    await initial;
    const opened = client.nextDiagnostics(uri, () => true, 120_000);
    client.open(uri, text);
    await opened;
    const range = labelDigit(text);
    const flip = async (v: number) => {
        const next = client.nextDiagnostics(uri, () => true, 120_000);
        client.changes(uri, v, [{ range, text: v % 2 ? 'X' : '0' }]);
        await next;
    };
    const latencies: number[] = [];
    for (let v = 2; v < 2 + warmup + edits; v++) {
        const t = performance.now();
        await flip(v);
        if (v >= 2 + warmup) latencies.push(performance.now() - t);
    }
    return { p50: median(latencies), p95: percentile(latencies, 95), rssMb: rssMb(client.pid!), client, flip, root };
}

async function measure(server: string | undefined, lines: number, edits: number, warmup: number): Promise<EditRun> {
    const run = await editRun(server, lines, edits, warmup);
    await run.client.stop();
    fs.rmSync(run.root, { recursive: true, force: true });
    return { p50: run.p50, p95: run.p95, rssMb: run.rssMb };
}

const SIZES: Array<[number, number, number]> = [
    [1_000, 60, 10],
    [10_000, 40, 8],
    [100_000, 12, 3],
];

/** Bundles stock-server.ts like the shipped server (scripts/build.mjs) into a temporary file. */
async function buildStockServer(dir: string): Promise<string> {
    const outfile = path.join(dir, 'stock-server.cjs');
    const entry = fileURLToPath(new URL('./stock-server.ts', import.meta.url));
    await esbuild.build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
    return outfile;
}

export async function benchEdit(): Promise<string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-bench-stock-'));
    try {
        const stock = await buildStockServer(dir);
        const rows = [];
        for (const [lines, edits, warmup] of SIZES) {
            // Alternate the two servers so that a change in the machine's load weighs on both.
            const ours = await measure(undefined, lines, edits, warmup);
            const theirs = await measure(stock, lines, edits, warmup);
            rows.push({
                lines: lines.toLocaleString('en'),
                'edit→diagnostics p50 ms': ours.p50.toFixed(1),
                'p95 ms': ours.p95.toFixed(1),
                'server RSS MB': ours.rssMb.toFixed(0),
                'stock Langium p50 ms': theirs.p50.toFixed(1),
                'stock p95 ms': theirs.p95.toFixed(1),
                'stock RSS MB': theirs.rssMb.toFixed(0),
            });
        }
        return table(rows);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** RSS of the server after 30 and after 2,030 edits of a 1k-line document, as the editor starts it and with V8's defaults. */
export async function benchLongEditing(): Promise<string> {
    const rows = [];
    for (const [flags, nodeArgs] of [[SERVER_EXEC_ARGV.join(' '), undefined], ["V8's defaults", []]] as const) {
        const run = await editRun(undefined, 1_000, 20, 10, nodeArgs ? [...nodeArgs] : undefined);
        const before = rssMb(run.client.pid!);
        const latencies: number[] = [];
        for (let v = 100; v < 2_100; v++) {
            const t = performance.now();
            await run.flip(v);
            latencies.push(performance.now() - t);
        }
        const after = rssMb(run.client.pid!);
        await run.client.stop();
        fs.rmSync(run.root, { recursive: true, force: true });
        rows.push({ 'server flags': flags, 'RSS after 30 edits MB': before.toFixed(0), 'RSS after 2,030 edits MB': after.toFixed(0), 'edit→diagnostics p50 ms': median(latencies).toFixed(1) });
    }
    return table(rows);
}
