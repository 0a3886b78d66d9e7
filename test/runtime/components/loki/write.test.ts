// loki.write against the fake Loki. Expected behaviour from Alloy's
// internal/component/loki/write (types.go defaults) and common/loki/client (batch.go, shards.go).

import { afterEach, describe, expect, it } from 'vitest';
import type { LogsReceiver } from '../../../../server/runtime/component.js';
import { type LokiWrite, lokiWrite, parseBase2Bytes } from '../../../../server/runtime/components/loki/write.js';
import type { LogEntry } from '../../../../server/runtime/protocols/log-entry.js';
import { body, metricValue, startComponent, stopAll, waitFor } from '../harness.js';
import { type FakeLoki, startFakeLoki } from './fake-loki.js';

let fakes: FakeLoki[] = [];
afterEach(async () => {
    await stopAll();
    await Promise.all(fakes.map((f) => f.close()));
    fakes = [];
});

async function fake(opts: Parameters<typeof startFakeLoki>[0] = {}): Promise<FakeLoki> {
    const f = await startFakeLoki(opts);
    fakes.push(f);
    return f;
}

const entry = (line: string, labels: Record<string, string> = { job: 'test' }, ts = 1_700_000_000_000_000_000n): LogEntry => ({ labels, timestamp: ts, line, structuredMetadata: [] });

async function start(endpoint: Record<string, unknown>, top: Record<string, unknown> = {}, extraBlocks: Record<string, ReturnType<typeof body>> = {}) {
    const r = await startComponent<LokiWrite>(lokiWrite, body(top, { endpoint: body({ batch_wait: '20ms', min_backoff_period: '10ms', max_backoff_period: '40ms', ...endpoint }), ...extraBlocks }));
    return { ...r, receiver: r.ctx.exportPayload<LogsReceiver>('receiver') };
}

const m = (r: { ctx: { registry: import('prom-client').Registry } }, name: string, labels: Record<string, string>) => metricValue(r.ctx.registry, name, labels);

describe('loki.write', () => {
    it('pushes protobuf+snappy with Alloy headers; external labels added, entry labels win, __ labels not sent', async () => {
        const loki = await fake();
        const r = await start({ url: loki.pushUrl, tenant_id: 'team-a', headers: { 'X-Extra': 'yes', 'Content-Type': 'text/plain' } }, { external_labels: { cluster: 'dev', job: 'never' } });
        await r.receiver.appendEntries([
            { ...entry('one', { job: 'a', __internal: 'x' }, 1_700_000_000_123_456_789n), structuredMetadata: [{ name: 'trace_id', value: 't1' }] },
            entry('two', { job: 'a' }, 1_700_000_000_123_456_790n),
        ]);
        await waitFor(() => loki.entries.length === 2, 5000, 'two entries');
        expect(loki.entries).toEqual([
            { tenant: 'team-a', labels: { cluster: 'dev', job: 'a' }, ts: 1_700_000_000_123_456_789n, line: 'one', metadata: { trace_id: 't1' } },
            { tenant: 'team-a', labels: { cluster: 'dev', job: 'a' }, ts: 1_700_000_000_123_456_790n, line: 'two', metadata: {} },
        ]);
        const h = loki.requests[0].headers;
        expect(h['content-type']).toBe('application/x-protobuf');
        expect(h['content-encoding']).toBe('snappy');
        expect(h['x-extra']).toBe('yes');
        expect(h['user-agent']).toMatch(/^flowlens\//);
        await waitFor(() => r.component.pending() === 0);
        expect(await m(r, 'loki_write_sent_entries_total', { tenant: 'team-a', host: new URL(loki.url).host })).toBe(2);
        expect(r.ctx.health.state).toBe('healthy');
    });

    it('__tenant_id__ overrides tenant_id per entry; one batch per tenant', async () => {
        const loki = await fake();
        const r = await start({ url: loki.pushUrl, tenant_id: 'default' });
        await r.receiver.appendEntries([entry('a'), entry('b', { job: 'test', __tenant_id__: 'other' })]);
        await waitFor(() => loki.entries.length === 2);
        expect(loki.entries.map((e) => [e.tenant, e.line]).sort()).toEqual([
            ['default', 'a'],
            ['other', 'b'],
        ]);
        expect(loki.requests.length).toBe(2);
    });

    it('sends a batch when the next entry would pass batch_size, keeping order', async () => {
        const loki = await fake();
        const r = await start({ url: loki.pushUrl, batch_size: '1KiB', batch_wait: '10s' });
        const lines = Array.from({ length: 30 }, (_, i) => `${String(i).padStart(3, '0')} ${'x'.repeat(96)}`); // 100 bytes each
        await r.receiver.appendEntries(lines.map((l) => entry(l)));
        await waitFor(() => loki.entries.length === 20, 5000, 'two full batches');
        expect(loki.requests.length).toBe(2);
        await r.component.flush();
        expect(loki.entries.map((e) => e.line)).toEqual(lines);
    });

    it('retries 500 and 429 with backoff, and loses nothing', async () => {
        const loki = await fake({ respond: (i) => (i === 0 ? { status: 500, body: 'boom' } : i === 1 ? { status: 429 } : undefined) });
        const r = await start({ url: loki.pushUrl });
        await r.receiver.appendEntries([entry('survives')]);
        await waitFor(() => loki.entries.length === 1, 5000);
        expect(loki.requests.map((q) => q.status)).toEqual([500, 429, 204]);
        expect(await m(r, 'loki_write_batch_retries_total', { tenant: '' })).toBe(2);
        await waitFor(() => r.ctx.health.state === 'healthy');
    });

    it('drops a 429 at once with retry_on_http_429 = false; drops 400s; gives up after max_backoff_retries', async () => {
        const loki = await fake({ respond: () => ({ status: 429 }) });
        const r = await start({ url: loki.pushUrl, retry_on_http_429: false });
        await r.receiver.appendEntries([entry('limited')]);
        await waitFor(() => r.component.pending() === 0 && loki.requests.length === 1);
        expect(await m(r, 'loki_write_dropped_entries_total', { reason: 'rate_limited' })).toBe(1);
        expect(r.ctx.health.state).toBe('unhealthy');
        expect(r.ctx.health.message).toContain('429');

        const bad = await fake({ respond: () => ({ status: 400, body: 'entry too far behind' }) });
        const r2 = await startComponent<LokiWrite>(lokiWrite, body({}, { endpoint: body({ url: bad.pushUrl, batch_wait: '10ms' }) }), { label: 'bad' });
        await r2.ctx.exportPayload<LogsReceiver>('receiver').appendEntries([entry('rejected')]);
        await waitFor(() => r2.component.pending() === 0 && bad.requests.length === 1);
        expect(await m(r2, 'loki_write_dropped_entries_total', { reason: 'ingester_error' })).toBe(1);
        expect(r2.ctx.logs.some((l) => l.level === 'error' && l.message.includes('entry too far behind'))).toBe(true);

        const down = await fake({ respond: () => ({ status: 503 }) });
        const r3 = await startComponent<LokiWrite>(lokiWrite, body({}, { endpoint: body({ url: down.pushUrl, batch_wait: '10ms', min_backoff_period: '5ms', max_backoff_period: '5ms', max_backoff_retries: 3 }) }), { label: 'down' });
        await r3.ctx.exportPayload<LogsReceiver>('receiver').appendEntries([entry('lost')]);
        await waitFor(() => r3.component.pending() === 0);
        expect(down.requests.length).toBe(3);
        expect(await m(r3, 'loki_write_dropped_entries_total', { reason: 'ingester_error' })).toBe(1);
    });

    it('stop ends a retry backoff promptly', async () => {
        const down = await fake({ respond: () => ({ status: 503 }) });
        const r = await start({ url: down.pushUrl, min_backoff_period: '1m', max_backoff_period: '5m' });
        await r.receiver.appendEntries([entry('x')]);
        await waitFor(() => down.requests.length === 1);
        const t0 = performance.now();
        await r.stop();
        expect(performance.now() - t0).toBeLessThan(2000);
    });

    it('max_streams drops entries of further streams in a batch (reason stream_limited)', async () => {
        const loki = await fake();
        const r = await start({ url: loki.pushUrl }, { max_streams: 2 });
        await r.receiver.appendEntries([entry('a', { s: '1' }), entry('b', { s: '2' }), entry('c', { s: '3' }), entry('d', { s: '1' })]);
        await r.component.flush();
        expect(loki.entries.map((e) => e.line).sort()).toEqual(['a', 'b', 'd']);
        expect(await m(r, 'loki_write_dropped_entries_total', { reason: 'stream_limited' })).toBe(1);
    });

    it('waits for room when the queue is full (block_on_overflow), drops when it is not set', async () => {
        const loki = await fake();
        const slow = await startComponent<LokiWrite>(lokiWrite, body({}, { endpoint: body({ url: loki.pushUrl, batch_wait: '1h', name: 'slow' }, { queue_config: body({ capacity: '1KiB' }) }) }), { label: 'slow' });
        const lines = Array.from({ length: 25 }, (_, i) => `${i}`.padEnd(100, '.'));
        let done = false;
        const appended = Promise.resolve(slow.ctx.exportPayload<LogsReceiver>('receiver').appendEntries(lines.map((l) => entry(l)))).then(() => (done = true));
        await waitFor(() => loki.entries.length >= 10, 5000, 'the first full queue sent');
        await appended;
        expect(done).toBe(true);
        await slow.component.flush();
        expect(loki.entries.map((e) => e.line)).toEqual(lines);

        const r = await startComponent<LokiWrite>(lokiWrite, body({}, { endpoint: body({ url: 'http://127.0.0.1:9/never', batch_wait: '1h', name: 'x' }, { queue_config: body({ capacity: '1KiB', block_on_overflow: false }) }) }));
        await r.ctx.exportPayload<LogsReceiver>('receiver').appendEntries(lines.slice(0, 20).map((l) => entry(l)));
        expect(await metricValue(r.ctx.registry, 'loki_write_dropped_entries_total', { reason: 'queue_is_full' })).toBe(10);
    });

    it('refuses wal { enabled = true } with the reason; parses Base2Bytes sizes', async () => {
        await expect(start({ url: 'http://127.0.0.1:1/loki/api/v1/push' }, {}, { wal: body({ enabled: true }) })).rejects.toThrow(/wal > enabled: the write-ahead log is not supported/);
        await expect(start({ url: 'ftp://x' })).rejects.toThrow(/endpoint > url: expected an http\(s\) URL/);
        expect(parseBase2Bytes('1MiB')).toBe(1048576);
        expect(parseBase2Bytes('1MB')).toBe(1048576);
        expect(parseBase2Bytes('512KiB')).toBe(524288);
        expect(() => parseBase2Bytes('lots')).toThrow(/invalid size/);
    });
});
