import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsReceiver } from '../../../server/runtime/component.js';
import { type PrometheusRemoteWrite, prometheusRemoteWrite } from '../../../server/runtime/components/prometheus/remote-write.js';
import { type Sample, type TimeSeries, labelsFromRecord } from '../../../server/runtime/protocols/labels.js';
import { checkRemoteWriteHeaders, decodeWriteRequest } from '../../../server/runtime/protocols/remote-write.js';
import { body, freePort, metricValue, sleep, startComponent, startServer, stopAll, waitFor } from './harness.js';

afterEach(stopAll);

interface Received {
    headers: http.IncomingHttpHeaders[];
    series: TimeSeries[];
    requests: number;
    sizes: number[];
}

/** A loopback remote-write receiver; `respond` decides the status of each request (by 0-based index). */
async function receiver(respond: (i: number) => { status: number; headers?: Record<string, string> } = () => ({ status: 204 })) {
    const got: Received = { headers: [], series: [], requests: 0, sizes: [] };
    const server = await startServer((req, res, raw) => {
        const i = got.requests++;
        const r = respond(i);
        if (r.status >= 200 && r.status < 300) {
            expect(checkRemoteWriteHeaders(req.headers)).toBeUndefined();
            const decoded = decodeWriteRequest(raw);
            got.headers.push(req.headers);
            got.series.push(...decoded.series);
            got.sizes.push(decoded.series.length);
        }
        res.writeHead(r.status, r.headers ?? {});
        res.end(r.status >= 400 ? `status ${r.status}` : undefined);
    });
    return { server, got, url: `${server.url}/api/v1/push` };
}

const samples = (n: number, offset = 0): Sample[] =>
    Array.from({ length: n }, (_, i) => ({ labels: labelsFromRecord({ __name__: 'rw_test', i: String(i + offset) }), value: i + offset, timestampMs: 1_700_000_000_000 + i }));

const queue = (q: Record<string, unknown>) => body(q);

async function start(url: string, q: Record<string, unknown> = {}, extra: Record<string, unknown> = {}, label = 'test') {
    const r = await startComponent<PrometheusRemoteWrite>(prometheusRemoteWrite, body(extra, { endpoint: body({ url, name: 'loop' }, { queue_config: queue({ batch_send_deadline: '20ms', min_backoff: '10ms', max_backoff: '40ms', ...q }) }) }), { label });
    return { ...r, receiver: r.ctx.exportPayload<MetricsReceiver>('receiver') };
}

const m = (r: { ctx: { registry: import('prom-client').Registry } }, name: string, labels: Record<string, string> = {}) => metricValue(r.ctx.registry, name, { remote_name: 'loop', ...labels });

describe('prometheus.remote_write', () => {
    it('POSTs snappy protobuf with the remote write 1.0 headers, external labels added', async () => {
        const { got, url } = await receiver();
        const r = await start(url, {}, { external_labels: { cluster: 'local', i: 'never-wins' } });
        await r.receiver.appendSamples(samples(3));
        await waitFor(() => got.series.length === 3 && r.component.pending() === 0, 5000, '3 series sent');
        const h = got.headers[0];
        expect(h['content-encoding']).toBe('snappy');
        expect(h['content-type']).toBe('application/x-protobuf');
        expect(h['x-prometheus-remote-write-version']).toBe('0.1.0');
        expect(h['user-agent']).toMatch(/^flowlens\/\d+\.\d+\.\d+$/);
        expect(got.series[0]).toEqual({
            labels: [
                { name: '__name__', value: 'rw_test' },
                { name: 'cluster', value: 'local' },
                { name: 'i', value: '0' },
            ],
            samples: [{ value: 0, timestampMs: 1_700_000_000_000 }],
        });
        expect(await m(r, 'prometheus_remote_storage_samples_total')).toBe(3);
        expect(r.ctx.counts).toMatchObject({ in: 3, out: 3 });
    });

    it('sends max_samples_per_send per request and the rest after batch_send_deadline', async () => {
        const { got, url } = await receiver();
        const r = await start(url, { max_samples_per_send: 100, batch_send_deadline: '100ms' });
        await r.receiver.appendSamples(samples(250));
        await waitFor(() => r.component.pending() === 0, 5000, 'queue drained');
        expect(got.sizes).toEqual([100, 100, 50]);
    });

    it('500 then 200: retries with backoff and loses nothing', async () => {
        const { got, url } = await receiver((i) => ({ status: i < 3 ? 500 : 204 }));
        const r = await start(url, { max_samples_per_send: 50 });
        await r.receiver.appendSamples(samples(120));
        await waitFor(() => got.series.length === 120 && r.component.pending() === 0, 5000, 'all 120 samples');
        expect(got.series.map((s) => s.samples[0].value)).toEqual(Array.from({ length: 120 }, (_, i) => i));
        expect(await m(r, 'prometheus_remote_storage_samples_retried_total')).toBe(150);
        expect(await m(r, 'prometheus_remote_storage_samples_failed_total')).toBe(0);
        expect(await m(r, 'prometheus_remote_storage_samples_dropped_total', { reason: 'queue_full' })).toBe(0);
        expect(await m(r, 'prometheus_remote_storage_requests_total', { status_code: '500' })).toBe(3);
        expect(r.ctx.logs.some((l) => l.level === 'warn' && l.message.includes('HTTP 500'))).toBe(true);
        // Unhealthy while failing, healthy again after the first success.
        expect(r.ctx.health.state).toBe('healthy');
    });

    it('does not retry other 4xx responses: the batch is counted as failed', async () => {
        const { got, url } = await receiver(() => ({ status: 400 }));
        const r = await start(url);
        await r.receiver.appendSamples(samples(10));
        await waitFor(() => got.requests === 1, 5000, 'one request');
        await sleep(100);
        expect(got.requests).toBe(1);
        expect(await m(r, 'prometheus_remote_storage_samples_failed_total')).toBe(10);
        expect(r.ctx.counts.errors).toBe(1);
        expect(r.ctx.logs.some((l) => l.level === 'error' && l.message.includes('non-recoverable') && l.message.includes('status 400'))).toBe(true);
        expect(r.component.pending()).toBe(0);
        expect(r.ctx.health).toMatchObject({ state: 'unhealthy', message: expect.stringContaining('sending failed: ') });
        expect(r.ctx.health.message).toContain('HTTP 400: status 400');
    });

    it('retries 429 honouring Retry-After, unless retry_on_http_429 = false', async () => {
        const times: number[] = [];
        const { got, url } = await receiver((i) => {
            times.push(Date.now());
            return i === 0 ? { status: 429, headers: { 'Retry-After': '1' } } : { status: 204 };
        });
        const r = await start(url);
        await r.receiver.appendSamples(samples(5));
        await waitFor(() => got.series.length === 5 && r.component.pending() === 0, 5000, 'delivery after 429');
        expect(times[1] - times[0]).toBeGreaterThanOrEqual(950);
        expect(await m(r, 'prometheus_remote_storage_samples_retried_total')).toBe(5);

        const second = await receiver(() => ({ status: 429 }));
        const r2 = await start(second.url, { retry_on_http_429: false }, {}, 'no429');
        await r2.receiver.appendSamples(samples(5));
        await waitFor(() => second.got.requests === 1, 5000, 'one request');
        await sleep(100);
        expect(second.got.requests).toBe(1);
        expect(await m(r2, 'prometheus_remote_storage_samples_failed_total')).toBe(5);
    });

    it('counts queue overflow and delivers what fit once the endpoint recovers', async () => {
        let healthy = false;
        const { got, url } = await receiver(() => ({ status: healthy ? 204 : 503 }));
        const r = await start(url, { capacity: 100, max_samples_per_send: 50 });
        await r.receiver.appendSamples(samples(300));
        // 100 fit in the queue; the sender took 50 of them out and keeps retrying them.
        expect(await m(r, 'prometheus_remote_storage_samples_dropped_total', { reason: 'queue_full' })).toBe(200);
        expect(r.component.pending()).toBe(100);
        expect(await m(r, 'prometheus_remote_storage_samples_pending')).toBe(100);
        await r.receiver.appendSamples(samples(60, 300));
        expect(await m(r, 'prometheus_remote_storage_samples_dropped_total', { reason: 'queue_full' })).toBe(210);
        expect(r.component.pending()).toBe(150);
        expect(r.ctx.logs.some((l) => l.level === 'warn' && l.message.includes('queue') && l.message.includes('full'))).toBe(true);
        healthy = true;
        await waitFor(() => r.component.pending() === 0, 5000, 'queue drained');
        expect(got.series.length).toBe(150);
        expect(await m(r, 'prometheus_remote_storage_samples_total')).toBe(150);
        expect(await m(r, 'prometheus_remote_storage_samples_pending')).toBe(0);
    });

    it('keeps retrying network errors without losing the batch', async () => {
        const port = await freePort();
        const r = await start(`http://127.0.0.1:${port}/api/v1/push`, { batch_send_deadline: '10ms' });
        await r.receiver.appendSamples(samples(10));
        expect(r.component.pending()).toBe(10);
        await waitFor(() => r.ctx.logs.filter((l) => l.message.includes('ECONNREFUSED')).length >= 1, 5000, 'a refused connection');
        await sleep(100);
        expect(await m(r, 'prometheus_remote_storage_requests_total', { status_code: 'error' })).toBeGreaterThanOrEqual(2);
        expect(r.component.pending()).toBe(10);
        expect(await m(r, 'prometheus_remote_storage_samples_failed_total')).toBe(0);
    });

    it('flush() sends without waiting for batch_send_deadline', async () => {
        const { got, url } = await receiver();
        const r = await start(url, { batch_send_deadline: '1h' });
        await r.receiver.appendSamples(samples(7));
        await sleep(50);
        expect(got.requests).toBe(0);
        await r.component.flush();
        expect(got.series.length).toBe(7);
        expect(r.component.pending()).toBe(0);
    });

    it('stop() flushes what it can, counts the rest as dropped, and removes its metrics', async () => {
        const { got, url } = await receiver();
        const r = await start(url, { batch_send_deadline: '1h' });
        await r.receiver.appendSamples(samples(4));
        await r.stop();
        expect(got.series.length).toBe(4);
        expect(await r.ctx.registry.metrics()).not.toContain('prometheus.remote_write.test');

        const dead = await start(`http://127.0.0.1:${await freePort()}/`, {}, {}, 'dead');
        await dead.receiver.appendSamples(samples(4));
        const t0 = Date.now();
        await dead.stop();
        expect(Date.now() - t0).toBeLessThan(3000);
        expect(dead.ctx.logs.some((l) => l.message.includes('dropped'))).toBe(true);
    }, 15_000);

    it('applies write_relabel_config per endpoint', async () => {
        const { got, url } = await receiver();
        const r = await startComponent<PrometheusRemoteWrite>(
            prometheusRemoteWrite,
            body({}, { endpoint: body({ url }, { queue_config: queue({ batch_send_deadline: '10ms' }), write_relabel_config: [body({ source_labels: ['i'], regex: '[0-4]', action: 'keep' })] }) }),
        );
        await r.ctx.exportPayload<MetricsReceiver>('receiver').appendSamples(samples(10));
        await waitFor(() => got.series.length === 5, 5000, 'five kept');
        await sleep(50);
        expect(got.series.length).toBe(5);
    });

    it('sends custom headers and bearer tokens', async () => {
        const { got, url } = await receiver();
        const r = await startComponent<PrometheusRemoteWrite>(
            prometheusRemoteWrite,
            body({}, { endpoint: body({ url, headers: { 'X-Scope-OrgID': 'tenant-1' }, bearer_token: { kind: 'secret', value: 'tok' } }, { queue_config: queue({ batch_send_deadline: '10ms' }) }) }),
        );
        await r.ctx.exportPayload<MetricsReceiver>('receiver').appendSamples(samples(1));
        await waitFor(() => got.series.length === 1, 5000, 'one');
        expect(got.headers[0]['x-scope-orgid']).toBe('tenant-1');
        expect(got.headers[0].authorization).toBe('Bearer tok');
    });

    it('validates arguments', async () => {
        await expect(start('not a url')).rejects.toThrow('endpoint > url: expected an http(s) URL, got "not a url"');
        await expect(startComponent(prometheusRemoteWrite, body({}, { endpoint: body({ url: 'http://x/' }, { azuread: body({ cloud: 'AzurePublic' }) }) }))).rejects.toThrow(
            `block "endpoint > azuread" is not supported by flowlens' embedded runtime; it runs on Grafana Alloy`,
        );
        await expect(startComponent(prometheusRemoteWrite, body({}, { endpoint: body({ url: 'http://x/', protobuf_message: 'io.prometheus.write.v2.Request' }) }))).rejects.toThrow(/remote write 1.0/);
        await expect(startComponent(prometheusRemoteWrite, body({}, { endpoint: [body({ url: 'http://x/' }), body({ url: 'http://x/' })] }))).rejects.toThrow(/endpoint names must be unique/);
        await expect(startComponent(prometheusRemoteWrite, body({}, { endpoint: body({ url: 'http://x/', headers: { 'Content-Type': 'text/plain' } }) }))).rejects.toThrow(/cannot be overridden/);
        await expect(startComponent(prometheusRemoteWrite, body({}, { endpoint: body({ url: 'http://x/' }, { queue_config: queue({ capacity: 0 }) }) }))).rejects.toThrow('endpoint > queue_config > capacity: must be at least 1, got 0');
        // Harmless arguments are accepted.
        await expect(startComponent(prometheusRemoteWrite, body({}, { endpoint: body({ url: 'http://x/', send_exemplars: false }, { queue_config: queue({ max_shards: 10 }) }), wal: body({ truncate_frequency: '1h' }) }), { label: 'ok' })).resolves.toBeDefined();
    });

    it('keeps queued samples across an update that changes queue settings', async () => {
        const { got, url } = await receiver();
        const r = await start(url, { batch_send_deadline: '1h' });
        await r.receiver.appendSamples(samples(3));
        await r.component.update(body({}, { endpoint: body({ url, name: 'loop' }, { queue_config: queue({ batch_send_deadline: '10ms' }) }) }));
        await waitFor(() => got.series.length === 3, 5000, 'three after the update');
        expect(r.ctx.exportPayload<MetricsReceiver>('receiver')).toBe(r.receiver);
    });
});
