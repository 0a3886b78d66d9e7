// Reload through the session against the real runtime bundle (out/runtime.cjs): a saved change is
// applied in place and the topology follows; a broken configuration keeps the old pipeline.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { RuntimeProcess } from '../../client/runtime/runtime-process.js';
import { RuntimeSession, type SessionEvent } from '../../client/runtime/runtime-session.js';
import { waitFor } from '../runtime/helpers.js';

const WORKER = path.resolve(__dirname, '../../out/runtime.cjs');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-reload-'));
const session = new RuntimeSession({ startProcess: () => RuntimeProcess.start({ modulePath: WORKER }) });
afterAll(async () => {
    await session.dispose(5000);
    fs.rmSync(dir, { recursive: true, force: true });
});

const relabel = (label: string) => `prometheus.relabel "${label}" {\n\tforward_to = []\n}\n`;

it('applies a saved change to the running pipeline, and keeps it when the change is broken', async () => {
    const file = path.join(dir, 'main.alloy');
    fs.writeFileSync(file, relabel('a'));
    const events: SessionEvent[] = [];
    session.onEvent((e) => events.push(e));
    await session.run(file, { spansFile: path.join(dir, 'spans.jsonl') });
    expect(session.model.component('prometheus.relabel.a')).toBeDefined();

    fs.writeFileSync(file, relabel('a') + '\n' + relabel('b'));
    const added = await session.reload();
    expect(added).toMatchObject({ ok: true, added: ['prometheus.relabel.b'], removed: [], updated: [] });
    await waitFor(() => session.model.component('prometheus.relabel.b') !== undefined, 10_000);
    expect(events.some((e) => e.kind === 'reload' && e.event.ok)).toBe(true);

    fs.writeFileSync(file, relabel('a') + '\nprometheus.relabel "c" {\n');
    const broken = await session.reload();
    expect(broken.ok).toBe(false);
    expect(broken.error).toContain('main.alloy');
    expect(session.model.status.state).toBe('running');
    expect(session.model.component('prometheus.relabel.b')).toBeDefined();
    await session.stop('done');
});
