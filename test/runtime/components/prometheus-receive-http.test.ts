import { Registry } from 'prom-client';
import { compress } from 'snappyjs';
import { afterEach, describe, expect, it } from 'vitest';
import { prometheusReceiveHttp } from '../../../server/runtime/components/prometheus/receive-http.js';
import { type TimeSeries, labelsFromRecord } from '../../../server/runtime/protocols/labels.js';
import { REMOTE_WRITE_HEADERS, encodeWriteRequest, marshalWriteRequest } from '../../../server/runtime/protocols/remote-write.js';
import { body, freePort, labelsOf, metricValue, sampleSink, startComponent, stopAll } from './harness.js';

afterEach(stopAll);

const series = (n: number, offset = 0): TimeSeries[] =>
    Array.from({ length: n }, (_, i) => ({ labels: labelsFromRecord({ __name__: 'rx', i: String(i + offset) }), samples: [{ value: i, timestampMs: 1000 + i }] }));

async function startReceiver(extra: { registry?: Registry; label?: string; sinkFail?: boolean } = {}) {
    const sink = sampleSink(extra.sinkFail ? () => Promise.reject(new Error('downstream is full')) : undefined);
    const r = await startComponent(prometheusReceiveHttp, body({ forward_to: [sink.value] }, { http: body({ listen_port: 0 }) }), { registry: extra.registry, label: extra.label });
    const url = (r.component as unknown as { url: string }).url + '/api/v1/metrics/write';
    return { ...r, sink, url };
}

const post = (url: string, payload: Uint8Array | string, headers: Record<string, string> = REMOTE_WRITE_HEADERS as Record<string, string>) => fetch(url, { method: 'POST', headers, body: payload });

describe('prometheus.receive_http', () => {
    it('binds 127.0.0.1 by default, accepts remote write and forwards the samples', async () => {
        const r = await startReceiver();
        expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/metrics\/write$/);
        expect(r.ctx.health).toMatchObject({ state: 'healthy' });
        const res = await post(r.url, encodeWriteRequest(series(3)));
        expect(res.status).toBe(204);
        expect(r.sink.samples.map(labelsOf)).toEqual([
            { __name__: 'rx', i: '0' },
            { __name__: 'rx', i: '1' },
            { __name__: 'rx', i: '2' },
        ]);
        expect(r.sink.batches).toEqual([3]);
        expect(r.sink.samples[2]).toMatchObject({ value: 2, timestampMs: 1002 });
        expect(r.ctx.counts).toMatchObject({ in: 3, out: 3 });
    });

    it('serves 1,000 requests with one handler: no "already registered", metric objects unchanged', async () => {
        const r = await startReceiver();
        const before = r.ctx.registry.getSingleMetric('prometheus_receive_http_request_duration_seconds');
        expect(before).toBeDefined();
        const payload = encodeWriteRequest(series(5));
        let ok = 0;
        for (let batch = 0; batch < 100; batch++) {
            const results = await Promise.all(Array.from({ length: 10 }, () => post(r.url, payload)));
            ok += results.filter((x) => x.status === 204).length;
        }
        expect(ok).toBe(1000);
        expect(r.sink.samples.length).toBe(5000);
        expect(r.ctx.registry.getSingleMetric('prometheus_receive_http_request_duration_seconds')).toBe(before);
        expect(await metricValue(r.ctx.registry, 'prometheus_receive_http_samples_received_total')).toBe(5000);
        const text = await r.ctx.registry.metrics();
        expect(text).toContain('prometheus_receive_http_request_duration_seconds_count{component_id="prometheus.receive_http.test",component_path="/",status_code="204"} 1000');
        expect(r.ctx.logs.filter((l) => l.level === 'error')).toEqual([]);
    }, 60_000);

    it('survives re-creation and parallel instances on one registry (50 reload cycles)', async () => {
        const registry = new Registry();
        const other = await startReceiver({ registry, label: 'other' });
        for (let i = 0; i < 50; i++) {
            const r = await startReceiver({ registry, label: 'cycled' });
            expect((await post(r.url, encodeWriteRequest(series(1)))).status).toBe(204);
            await r.stop();
        }
        expect((await post(other.url, encodeWriteRequest(series(1)))).status).toBe(204);
        const text = await registry.metrics();
        expect(text).not.toContain('prometheus.receive_http.cycled');
        expect(text).toContain('prometheus.receive_http.other');
    });

    it('answers 400 with a message for malformed bodies and keeps serving', async () => {
        const r = await startReceiver();
        const bad = await post(r.url, 'definitely not snappy');
        expect(bad.status).toBe(400);
        expect(await bad.text()).toMatch(/invalid snappy block/);
        const badProto = await post(r.url, compress(new Uint8Array([0x0a, 0xff, 0xff])));
        expect(badProto.status).toBe(400);
        expect(await badProto.text()).toMatch(/invalid protobuf WriteRequest/);
        const empty = await post(r.url, new Uint8Array());
        expect(empty.status).toBe(400);
        expect(await empty.text()).toContain('empty request body');
        const good = await post(r.url, encodeWriteRequest(series(2)));
        expect(good.status).toBe(204);
        expect(r.sink.samples.length).toBe(2);
        expect(r.ctx.counts.errors).toBe(3);
    });

    it('forwards the valid series of a request with invalid ones and answers 400', async () => {
        const r = await startReceiver();
        const mixed: TimeSeries[] = [
            ...series(2),
            { labels: [{ name: 'zone', value: 'b' }, { name: '__name__', value: 'unsorted' }], samples: [{ value: 1, timestampMs: 1 }] },
        ];
        const res = await post(r.url, compress(marshalWriteRequest(mixed)));
        expect(res.status).toBe(400);
        expect(await res.text()).toMatch(/1 invalid series rejected; series 2: labels not sorted/);
        expect(r.sink.samples.length).toBe(2);
        expect(await metricValue(r.ctx.registry, 'prometheus_receive_http_invalid_series_total')).toBe(1);
    });

    it('answers 415 for other content types and encodings, 404/405 for other paths and methods', async () => {
        const r = await startReceiver();
        const body = encodeWriteRequest(series(1));
        const json = await post(r.url, body, { ...REMOTE_WRITE_HEADERS, 'Content-Type': 'application/json' });
        expect(json.status).toBe(415);
        expect(await json.text()).toContain('expected application/x-protobuf');
        const gzip = await post(r.url, body, { ...REMOTE_WRITE_HEADERS, 'Content-Encoding': 'gzip' });
        expect(gzip.status).toBe(415);
        const v2 = await post(r.url, body, { ...REMOTE_WRITE_HEADERS, 'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' });
        expect(v2.status).toBe(415);
        expect(await v2.text()).toContain('only remote write 1.0');
        expect((await post(r.url.replace('/api/v1/metrics/write', '/api/v1/write'), body)).status).toBe(404);
        expect((await fetch(r.url)).status).toBe(405);
        expect((await post(r.url, body)).status).toBe(204);
    });

    it('answers 500 when a downstream receiver fails (so the sender retries)', async () => {
        const r = await startReceiver({ sinkFail: true });
        const res = await post(r.url, encodeWriteRequest(series(1)));
        expect(res.status).toBe(500);
        expect(await res.text()).toContain('downstream is full');
    });

    it('answers 503 with Retry-After while paused, and accepts again after resume', async () => {
        const r = await startReceiver();
        await r.component.pauseSource!();
        const paused = await post(r.url, encodeWriteRequest(series(1)));
        expect(paused.status).toBe(503);
        expect(paused.headers.get('retry-after')).toBe('1');
        expect(r.sink.samples.length).toBe(0);
        await r.component.resumeSource!();
        expect((await post(r.url, encodeWriteRequest(series(1)))).status).toBe(204);
    });

    it('re-binds when the listen port changes, keeping the same handler', async () => {
        const r = await startReceiver();
        const firstUrl = r.url;
        const port = await freePort();
        await r.component.update(body({ forward_to: [r.sink.value] }, { http: body({ listen_address: '127.0.0.1', listen_port: port }) }));
        const secondUrl = (r.component as unknown as { url: string }).url + '/api/v1/metrics/write';
        expect(secondUrl).toBe(`http://127.0.0.1:${port}/api/v1/metrics/write`);
        expect((await post(secondUrl, encodeWriteRequest(series(1)))).status).toBe(204);
        await expect(post(firstUrl, encodeWriteRequest(series(1)))).rejects.toThrow();
    });

    it('reports a port in use clearly', async () => {
        const r = await startReceiver();
        const port = Number(new URL(r.url).port);
        const sink = sampleSink();
        await expect(startComponent(prometheusReceiveHttp, body({ forward_to: [sink.value] }, { http: body({ listen_port: port }) }), { label: 'clash' })).rejects.toThrow(`cannot listen on 127.0.0.1:${port}: address already in use`);
    });

    it('refuses remote write 2.0 and TLS as unsupported', async () => {
        const sink = sampleSink();
        await expect(startComponent(prometheusReceiveHttp, body({ forward_to: [sink.value], accepted_remote_write_protobuf_messages: ['io.prometheus.write.v2.Request'] }))).rejects.toThrow(/runs on Grafana Alloy/);
        await expect(startComponent(prometheusReceiveHttp, body({ forward_to: [sink.value] }, { http: body({ listen_port: 0 }, { tls: body({ cert_file: 'x' }) }) }))).rejects.toThrow(
            `block "http > tls" is not supported by flowlens' embedded runtime; it runs on Grafana Alloy`,
        );
    });

    it('stop() closes the server and removes the metrics', async () => {
        const r = await startReceiver();
        await r.stop();
        await expect(post(r.url, encodeWriteRequest(series(1)))).rejects.toThrow();
        expect(await r.ctx.registry.metrics()).not.toContain('prometheus.receive_http.test');
    });
});
