// Kill test (AgentOps #717/#758): a child `flowlens run --spans FILE` gets
// SIGTERM during a burst of spans; every span it ended must be in the JSONL
// file. The burst component reports how many spans it ended in a side file,
// written synchronously after every chunk.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { parseExportTraceRequest } from '../../server/runtime/protocols/otlp-json.js';
import { CLI, killLeftovers, scratchWithComponents, spawnChild } from './child.js';
import { waitFor } from './helpers.js';

const scratch = scratchWithComponents('flowlens-kill-');
afterEach(killLeftovers);
afterAll(scratch.cleanup);

function readCount(file: string): number {
    try {
        return Number(fs.readFileSync(file, 'utf8')) || 0;
    } catch {
        return 0;
    }
}

it('SIGTERM during a burst of spans: every ended span is in the JSONL file', async () => {
    const report = path.join(scratch.dir, 'ended.txt');
    const spans = path.join(scratch.dir, 'spans.jsonl');
    const config = path.join(scratch.dir, 'burst.alloy');
    fs.writeFileSync(config, `testcomponents.spans "burst" {\n\ttotal       = 200000\n\tchunk       = 500\n\treport_file = ${JSON.stringify(report)}\n}\n`);

    const child = spawnChild([CLI, 'run', config, '--spans', spans], { env: scratch.env });
    await waitFor(() => readCount(report) >= 20_000, 30_000, '20,000 spans ended');
    const t0 = Date.now();
    child.proc.kill('SIGTERM');
    const { code } = await child.exited;
    const stopMs = Date.now() - t0;
    expect(code, child.stderr()).toBe(0);

    const ended = readCount(report);
    expect(ended).toBeGreaterThanOrEqual(20_000);
    expect(ended).toBeLessThan(200_000); // the signal came during the burst

    let bursts = 0;
    let total = 0;
    const seen = new Set<string>();
    for (const line of fs.readFileSync(spans, 'utf8').split('\n')) {
        if (!line) continue;
        const batch = parseExportTraceRequest(JSON.parse(line));
        for (const rs of batch.resourceSpans) {
            for (const ss of rs.scopeSpans) {
                for (const s of ss.spans) {
                    total++;
                    seen.add(s.spanId);
                    if (s.name === 'burst') bursts++;
                }
            }
        }
    }
    expect(bursts).toBe(ended);
    expect(seen.size).toBe(total); // no span written twice
    const summary = child.stdout();
    expect(summary).toMatch(new RegExp(`spans\\s+${total} exported, 0 dropped`));
    expect(summary).toContain('stopped (SIGTERM)');
    console.log(`[measure] kill test: ${ended} burst spans ended before SIGTERM, ${total} spans in the file, stop took ${stopMs} ms`);
});

it('negative control: SIGKILL (no orderly stop) loses the spans still queued, and the count shows it', async () => {
    // A burst that finishes (so the reported count is exact), killed before the
    // batch processor's scheduled export of the remainder.
    const report = path.join(scratch.dir, 'ended-kill.txt');
    const spans = path.join(scratch.dir, 'spans-kill.jsonl');
    const config = path.join(scratch.dir, 'burst-kill.alloy');
    const total = 20_100;
    fs.writeFileSync(config, `testcomponents.spans "burst" {\n\ttotal       = ${total}\n\tchunk       = 500\n\treport_file = ${JSON.stringify(report)}\n}\n`);
    const child = spawnChild([CLI, 'run', config, '--spans', spans], { env: scratch.env });
    await waitFor(() => readCount(report) === total, 30_000, 'the whole burst');
    child.proc.kill('SIGKILL');
    await child.exited;
    let bursts = 0;
    for (const line of fs.readFileSync(spans, 'utf8').split('\n')) {
        if (!line) continue;
        for (const rs of parseExportTraceRequest(JSON.parse(line)).resourceSpans) for (const ss of rs.scopeSpans) bursts += ss.spans.filter((s) => s.name === 'burst').length;
    }
    expect(bursts).toBeLessThan(total);
});
