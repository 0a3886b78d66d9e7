import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { localFile } from '../../../server/runtime/components/local/file.js';
import { body, metricValue, startComponent, stopAll, waitFor } from './harness.js';

afterEach(stopAll);

const dir = mkdtempSync(path.join(tmpdir(), 'flowlens-local-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (content: string) => {
    const p = path.join(dir, `f${n++}.txt`);
    writeFileSync(p, content);
    return p;
};

const content = (r: { ctx: { exports?: Readonly<Record<string, { kind: string; value?: unknown }>> } }) => r.ctx.exports?.content;

describe('local.file', () => {
    it('exports the content and reloads it on change (fsnotify)', async () => {
        const p = file('one');
        const r = await startComponent(localFile, body({ filename: p }));
        expect(content(r)).toEqual({ kind: 'string', value: 'one' });
        expect(r.ctx.health.state).toBe('healthy');
        writeFileSync(p, 'two');
        await waitFor(() => content(r)?.value === 'two', 5000, 'reload after write');
        // Editors replace files by renaming a temporary file over them.
        const tmp = p + '.tmp';
        writeFileSync(tmp, 'three');
        renameSync(tmp, p);
        await waitFor(() => content(r)?.value === 'three', 5000, 'reload after rename');
        expect(await metricValue(r.ctx.registry, 'local_file_timestamp_last_accessed_unix_seconds')).toBeGreaterThan(1_600_000_000);
    });

    it('reloads with the poll detector', async () => {
        const p = file('a');
        const r = await startComponent(localFile, body({ filename: p, detector: 'poll', poll_frequency: '50ms' }));
        writeFileSync(p, 'b');
        await waitFor(() => content(r)?.value === 'b', 5000, 'poll reload');
    });

    it('exports a secret when is_secret = true, and publishes only on change', async () => {
        const p = file('s3cr3t');
        const r = await startComponent(localFile, body({ filename: p, is_secret: true, detector: 'poll', poll_frequency: '20ms' }));
        expect(content(r)).toEqual({ kind: 'secret', value: 's3cr3t' });
        const count = r.ctx.exportsCount;
        await new Promise((res) => setTimeout(res, 120));
        expect(r.ctx.exportsCount).toBe(count);
    });

    it('fails update when the file cannot be read at first, and turns unhealthy (keeping the content) when it disappears', async () => {
        await expect(startComponent(localFile, body({ filename: path.join(dir, 'missing.txt') }))).rejects.toThrow(/filename: cannot read .*missing\.txt.*ENOENT/);
        const p = file('kept');
        const r = await startComponent(localFile, body({ filename: p, poll_frequency: '50ms' }), { label: 'vanish' });
        unlinkSync(p);
        await waitFor(() => r.ctx.health.state === 'unhealthy', 5000, 'unhealthy');
        expect(r.ctx.health.message).toContain('ENOENT');
        expect(content(r)).toEqual({ kind: 'string', value: 'kept' });
        writeFileSync(p, 'back');
        await waitFor(() => content(r)?.value === 'back' && r.ctx.health.state === 'healthy', 5000, 'recovered');
    });

    it('validates detector and stops watching on stop()', async () => {
        const p = file('x');
        await expect(startComponent(localFile, body({ filename: p, detector: 'inotify' }))).rejects.toThrow('detector: expected "fsnotify" or "poll", got "inotify"');
        const r = await startComponent(localFile, body({ filename: p }), { label: 'stop' });
        await r.stop();
        writeFileSync(p, 'after stop');
        await new Promise((res) => setTimeout(res, 100));
        expect(content(r)?.value).toBe('x');
        expect(await r.ctx.registry.metrics()).not.toContain('local.file.stop');
    });
});
