// loki.source.file and local.file_match on real files in a temporary directory. Behaviour from
// Alloy's internal/component/loki/source/file (file.go, tailer.go, internal/tail), its positions
// package (positions.go: the YAML format) and internal/component/local/file_match (watch.go).

import { appendFileSync, mkdtempSync, mkdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localFileMatch } from '../../../../server/runtime/components/local/file-match.js';
import { lokiSourceFile } from '../../../../server/runtime/components/loki/source-file.js';
import { readPositionsFile } from '../../../../server/runtime/components/loki/positions.js';
import { body, entrySink, metricValue, startComponent, stopAll, waitFor } from '../harness.js';

let dir: string;
let data: string;
beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'flowlens-tail-'));
    data = path.join(dir, 'data');
});
afterEach(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
});

const lines = (sink: ReturnType<typeof entrySink>) => sink.entries.map((e) => e.line);

async function tail(targets: Record<string, string>[], extra: Record<string, unknown> = {}, blocks: Record<string, ReturnType<typeof body>> = {}) {
    const sink = entrySink();
    const r = await startComponent(lokiSourceFile, body({ targets, forward_to: [sink.value], ...extra }, { file_watch: body({ min_poll_frequency: '20ms', max_poll_frequency: '20ms' }), ...blocks }), { dataPath: data });
    return { ...r, sink };
}

describe('loki.source.file', () => {
    it('sends each line with the target labels and filename; the positions file (Alloy YAML) lets a restart continue without repeats', async () => {
        const file = path.join(dir, 'app.log');
        writeFileSync(file, 'one\ntwo\r\nthree');
        const a = await tail([{ __path__: file, job: 'app', __meta_x: 'hidden' }]);
        await waitFor(() => a.sink.entries.length === 2, 5000, 'two complete lines');
        expect(a.sink.entries[0].labels).toEqual({ job: 'app', filename: file });
        expect(lines(a.sink)).toEqual(['one', 'two']);
        appendFileSync(file, ' and more\nfour\n');
        await waitFor(() => a.sink.entries.length === 4, 5000, 'the partial line completed');
        expect(lines(a.sink)).toEqual(['one', 'two', 'three and more', 'four']);
        expect(await metricValue(a.ctx.registry, 'loki_source_file_read_lines_total', { path: file })).toBe(4);
        await a.stop();

        const saved = readPositionsFile(path.join(data, 'positions.yml'));
        expect([...saved.values()]).toEqual([{ key: { path: file, labels: '{job="app"}' }, value: String(readFileSync(file).length) }]);
        expect(readFileSync(path.join(data, 'positions.yml'), 'utf8')).toContain(`? path: ${file}\n    labels: '{job="app"}'\n  : "`);

        appendFileSync(file, 'five\n');
        const b = await tail([{ __path__: file, job: 'app' }]);
        await waitFor(() => b.sink.entries.length === 1, 5000, 'the line written while stopped');
        expect(lines(b.sink)).toEqual(['five']);
    });

    it('follows rotation by rename (old file read to its end, new file from its start) and by truncation', async () => {
        const file = path.join(dir, 'rot.log');
        writeFileSync(file, 'a1\na2\n');
        const r = await tail([{ __path__: file }]);
        await waitFor(() => r.sink.entries.length === 2);
        appendFileSync(file, 'a3\n');
        renameSync(file, `${file}.1`);
        writeFileSync(file, 'b1\n');
        await waitFor(() => r.sink.entries.length === 4, 5000, 'rotated file');
        expect(lines(r.sink)).toEqual(['a1', 'a2', 'a3', 'b1']);
        truncateSync(file, 0);
        writeFileSync(file, 'c1\n'); // as long as before: only the changed first bytes tell
        await waitFor(() => r.sink.entries.length === 5, 5000, 'truncated file');
        expect(lines(r.sink).slice(4)).toEqual(['c1']);
    });

    it('tail_from_end skips what the file held; encoding utf-16le (with BOM) is decoded', async () => {
        const file = path.join(dir, 'end.log');
        writeFileSync(file, 'old1\nold2\n');
        const r = await tail([{ __path__: file }], { tail_from_end: true });
        // The tailer has opened the file (and found its end) once it reports its read offset.
        const readBytes = () => metricValue(r.ctx.registry, 'loki_source_file_read_bytes_total', { path: file });
        for (let t0 = Date.now(); (await readBytes()) !== 10; await new Promise((resolve) => setImmediate(resolve))) {
            if (Date.now() - t0 > 5000) throw new Error('tailer did not open the file');
        }
        appendFileSync(file, 'new\n');
        await waitFor(() => r.sink.entries.length === 1);
        expect(lines(r.sink)).toEqual(['new']);

        const wide = path.join(dir, 'wide.log');
        writeFileSync(wide, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('héllo\r\nwörld\n', 'utf16le')]));
        const w = await tail([{ __path__: wide }], { encoding: 'UTF-16LE' });
        await waitFor(() => w.sink.entries.length === 2);
        expect(lines(w.sink)).toEqual(['héllo', 'wörld']);
        await expect(tail([{ __path__: wide }], { encoding: 'klingon' })).rejects.toThrow(/encoding: unknown encoding "klingon"/);
    });

    it('reads a gzip file once, including a last line without a newline', async () => {
        const file = path.join(dir, 'old.log.gz');
        writeFileSync(file, gzipSync('g1\ng2\ng3'));
        const r = await tail([{ __path__: file }], {}, { decompression: body({ enabled: true, format: 'gz' }) });
        await waitFor(() => r.sink.entries.length === 3);
        expect(lines(r.sink)).toEqual(['g1', 'g2', 'g3']);
        await r.stop();
        const again = await tail([{ __path__: file }], {}, { decompression: body({ enabled: true, format: 'gz' }) });
        await waitFor(() => again.ctx.health.state === 'healthy');
        await expect(tail([{ __path__: file }], {}, { decompression: body({ enabled: true, format: 'bz2' }) })).rejects.toThrow(/bzip2 decompression is not supported/);
        expect(lines(again.sink)).toEqual([]);
    });

    it('file_match { enabled = true } globs __path__ minus __path_exclude__; a missing file makes it unhealthy', async () => {
        mkdirSync(path.join(dir, 'logs', 'sub'), { recursive: true });
        writeFileSync(path.join(dir, 'logs', 'a.log'), 'A\n');
        writeFileSync(path.join(dir, 'logs', 'sub', 'b.log'), 'B\n');
        writeFileSync(path.join(dir, 'logs', 'skip.log'), 'S\n');
        const r = await tail([{ __path__: path.join(dir, 'logs', '**', '*.log'), __path_exclude__: path.join(dir, 'logs', 'skip.log') }], {}, { file_match: body({ enabled: true, sync_period: '50ms' }) });
        await waitFor(() => r.sink.entries.length === 2);
        expect(lines(r.sink).sort()).toEqual(['A', 'B']);
        const missing = await tail([{ __path__: path.join(dir, 'nope.log') }]);
        expect(missing.ctx.health.state).toBe('unhealthy');
        expect(missing.ctx.health.message).toContain('does not exist');
    });
});

describe('local.file_match', () => {
    it('exports one target per matching regular file with __path__ absolute and the other labels kept (watch.go)', async () => {
        mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
        writeFileSync(path.join(dir, 'a', 'x.log'), '');
        writeFileSync(path.join(dir, 'a', 'b', 'y.log'), '');
        writeFileSync(path.join(dir, 'a', '.hidden.log'), '');
        writeFileSync(path.join(dir, 'a', 'b', 'z.txt'), '');
        const r = await startComponent(localFileMatch, body({ path_targets: [{ __path__: path.join(dir, 'a', '**', '*.log'), __path_exclude__: path.join(dir, 'a', 'b', '*'), job: 'j' }], sync_period: '30ms' }));
        const targets = () => {
            const v = r.ctx.exports?.targets;
            return v?.kind === 'array' ? v.items.map((i) => (i.kind === 'object' ? Object.fromEntries([...i.fields].map(([k, f]) => [k, f.kind === 'string' ? f.value : '?'])) : {})) : [];
        };
        expect(targets()).toEqual([
            { __path__: path.join(dir, 'a', '.hidden.log'), __path_exclude__: path.join(dir, 'a', 'b', '*'), job: 'j' },
            { __path__: path.join(dir, 'a', 'x.log'), __path_exclude__: path.join(dir, 'a', 'b', '*'), job: 'j' },
        ]);
        writeFileSync(path.join(dir, 'a', 'new.log'), '');
        await waitFor(() => targets().length === 3, 5000, 'the new file found at the next sync');
    });
});
