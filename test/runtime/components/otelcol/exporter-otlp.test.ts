// otelcol.exporter.otlp against a @grpc/grpc-js server implementing the collector's TraceService.
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { TracesConsumer } from '../../../../server/runtime/component.js';
import { otelcolExporterOtlp } from '../../../../server/runtime/components/otelcol/exporter-otlp.js';
import { retryInfoMetadata } from '../../../../server/runtime/components/otelcol/otlp-grpc.js';
import { type TraceBatch, parseExportTraceRequest } from '../../../../server/runtime/protocols/otlp-json.js';
import { Redactor } from '../../../../server/runtime/redact.js';
import { body, freePort, metricValue, startComponent, stopAll, waitFor } from '../harness.js';
import { type GrpcCollector, startGrpcCollector } from './grpc-collector.js';

/** Servers and proxies to stop after each test. */
const collectors: { stop(): Promise<void> }[] = [];
afterEach(async () => {
    await stopAll();
    await Promise.all(collectors.splice(0).map((c) => c.stop()));
});

async function collector(...args: Parameters<typeof startGrpcCollector>): Promise<GrpcCollector> {
    const c = await startGrpcCollector(...args);
    collectors.push(c);
    return c;
}

/** A TCP proxy to 127.0.0.1:`port` that counts the bytes clients send through it. */
async function byteCountingProxy(port: number): Promise<{ endpoint: string; bytes(): number }> {
    let bytes = 0;
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
        const upstream = net.connect(port, '127.0.0.1');
        for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('error', () => undefined);
            s.on('close', () => sockets.delete(s));
        }
        client.on('data', (d: Buffer) => (bytes += d.length));
        client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    collectors.push({
        stop: async () => {
            for (const s of sockets) s.destroy();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    });
    return { endpoint: `127.0.0.1:${(server.address() as net.AddressInfo).port}`, bytes: () => bytes };
}

let nextId = 1;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** A batch using every span field OTLP has. */
function batchOf(spans: number): TraceBatch {
    return parseExportTraceRequest({
        resourceSpans: [
            {
                resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }], droppedAttributesCount: 1 },
                schemaUrl: 'https://opentelemetry.io/schemas/1.21.0',
                scopeSpans: [
                    {
                        scope: { name: 'test-scope', version: '1.0', attributes: [{ key: 'lib', value: { boolValue: true } }] },
                        spans: Array.from({ length: spans }, () => {
                            const id = nextId++;
                            return {
                                traceId: hex(id, 32),
                                spanId: hex(id, 16),
                                parentSpanId: hex(id + 1000, 16),
                                traceState: 'k=v',
                                flags: 1,
                                name: `op-${id}`,
                                kind: 3,
                                startTimeUnixNano: '1700000000000000001',
                                endTimeUnixNano: '1700000000500000002',
                                attributes: [
                                    { key: 'http.status_code', value: { intValue: '200' } },
                                    { key: 'ratio', value: { doubleValue: 0.25 } },
                                    { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '-3' }] } } },
                                    { key: 'nested', value: { kvlistValue: { values: [{ key: 'x', value: { stringValue: 'y' } }] } } },
                                    { key: 'raw', value: { bytesValue: 'AQID' } },
                                ],
                                droppedAttributesCount: 2,
                                events: [{ timeUnixNano: '1700000000100000000', name: 'retry', attributes: [{ key: 'n', value: { intValue: '1' } }] }],
                                links: [{ traceId: hex(id + 7, 32), spanId: hex(id + 7, 16), traceState: 'a=b', attributes: [] }],
                                status: { code: 2, message: 'boom' },
                            };
                        }),
                    },
                ],
            },
        ],
    });
}

const fastRetry = body({ initial_interval: '10ms', max_interval: '40ms', max_elapsed_time: '10s' });
const insecure = (endpoint: string, extra: Record<string, unknown> = {}) => body({ endpoint, ...extra }, { tls: body({ insecure: true }) });

describe('otelcol.exporter.otlp', () => {
    it('exports gzip-compressed OTLP/gRPC that arrives field for field, with the headers as metadata', async () => {
        const c = await collector();
        const r = await startComponent(otelcolExporterOtlp, body({}, { client: insecure(c.endpoint, { headers: { 'X-Scope-OrgID': 'tenant-1' } }), retry_on_failure: fastRetry }));
        const batch = batchOf(3);
        await r.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batch);
        await waitFor(() => c.batches.length === 1, 5000, 'one export');
        expect(c.batches[0]).toEqual(batch);
        expect(c.metadata[0]['x-scope-orgid']).toBe('tenant-1');
        expect(String(c.metadata[0]['user-agent'])).toMatch(/^flowlens\//);
        await waitFor(() => r.component.pending!() === 0, 2000, 'drained');
        expect(await metricValue(r.ctx.registry, 'otelcol_exporter_sent_spans_total')).toBe(3);
        expect(r.ctx.health).toMatchObject({ state: 'healthy', message: `exporting OTLP/gRPC traces to ${c.endpoint} (plaintext, gzip)` });
    });

    it('compresses with gzip by default and not with compression = "none" (bytes on the wire through a proxy)', async () => {
        const c = await collector();
        const proxy = await byteCountingProxy(c.port);
        const big = parseExportTraceRequest({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: hex(1, 32), spanId: hex(1, 16), name: 'x', attributes: [{ key: 'payload', value: { stringValue: 'a'.repeat(200_000) } }] }] }] }] });
        const gz = await startComponent(otelcolExporterOtlp, body({}, { client: insecure(proxy.endpoint) }), { label: 'gzip' });
        await gz.ctx.exportPayload<TracesConsumer>('input').consumeTraces(big);
        await waitFor(() => c.batches.length === 1, 5000, 'gzip export');
        expect(c.batches[0]).toEqual(big);
        expect(proxy.bytes()).toBeLessThan(20_000);
        const before = proxy.bytes();
        // http:// is stripped from the endpoint, as the collector's gRPC client does.
        const plain = await startComponent(otelcolExporterOtlp, body({}, { client: insecure(`http://${proxy.endpoint}`, { compression: 'none' }) }), { label: 'none' });
        await plain.ctx.exportPayload<TracesConsumer>('input').consumeTraces(big);
        await waitFor(() => c.batches.length === 2, 5000, 'uncompressed export');
        expect(proxy.bytes() - before).toBeGreaterThan(200_000);
    });

    it('retries UNAVAILABLE with backoff until the peer accepts, counting the retries', async () => {
        const c = await collector((i) => (i < 2 ? { code: grpc.status.UNAVAILABLE, details: 'warming up' } : undefined));
        const r = await startComponent(otelcolExporterOtlp, body({}, { client: insecure(c.endpoint), retry_on_failure: body({ initial_interval: '50ms', randomization_factor: 0, multiplier: 2, max_elapsed_time: '10s' }) }));
        const batch = batchOf(2);
        await r.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batch);
        await waitFor(() => c.batches.length === 1, 5000, 'delivery after retries');
        expect(c.calls).toBe(3);
        expect(c.batches[0]).toEqual(batch);
        // Backoff: 50 ms, then 100 ms (randomization 0, multiplier 2).
        expect(c.times[1] - c.times[0]).toBeGreaterThanOrEqual(45);
        expect(c.times[2] - c.times[1]).toBeGreaterThanOrEqual(95);
        await waitFor(() => r.component.pending!() === 0, 2000, 'drained');
        expect(await metricValue(r.ctx.registry, 'otelcol_exporter_retried_requests_total')).toBe(2);
        expect(await metricValue(r.ctx.registry, 'otelcol_exporter_sent_spans_total')).toBe(2);
        expect(r.ctx.logs.some((l) => l.level === 'warn' && l.message.includes('UNAVAILABLE: warming up'))).toBe(true);
        expect(r.ctx.health.state).toBe('healthy');
    });

    it('drops the batch on a permanent status; RESOURCE_EXHAUSTED is retried only with RetryInfo, after its delay', async () => {
        const bad = await collector(() => ({ code: grpc.status.INVALID_ARGUMENT, details: 'bad spans' }));
        const r = await startComponent(otelcolExporterOtlp, body({}, { client: insecure(bad.endpoint), retry_on_failure: fastRetry }), { label: 'bad' });
        await r.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batchOf(2));
        await waitFor(() => r.component.pending!() === 0, 5000, 'given up');
        expect(bad.calls).toBe(1);
        expect(await metricValue(r.ctx.registry, 'otelcol_exporter_send_failed_spans_total', { reason: 'send' })).toBe(2);
        expect(r.ctx.logs.some((l) => l.level === 'error' && l.message.includes('permanent error') && l.message.includes('INVALID_ARGUMENT: bad spans'))).toBe(true);
        expect(r.ctx.health).toMatchObject({ state: 'unhealthy' });

        const exhausted = await collector(() => ({ code: grpc.status.RESOURCE_EXHAUSTED, details: 'over quota' }));
        const r2 = await startComponent(otelcolExporterOtlp, body({}, { client: insecure(exhausted.endpoint), retry_on_failure: fastRetry }), { label: 'exhausted' });
        await r2.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batchOf(1));
        await waitFor(() => r2.component.pending!() === 0, 5000, 'given up');
        expect(exhausted.calls).toBe(1);

        const throttled = await collector((i) => (i === 0 ? { code: grpc.status.RESOURCE_EXHAUSTED, details: 'slow down', metadata: retryInfoMetadata(grpc.status.RESOURCE_EXHAUSTED, 'slow down', 200) } : undefined));
        const r3 = await startComponent(otelcolExporterOtlp, body({}, { client: insecure(throttled.endpoint), retry_on_failure: fastRetry }), { label: 'throttled' });
        await r3.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batchOf(1));
        await waitFor(() => throttled.batches.length === 1, 5000, 'delivery after the throttle');
        expect(throttled.times[1] - throttled.times[0]).toBeGreaterThanOrEqual(195);
    });

    it('counts errors against a dead peer and stops within its bound, dropping what it could not send', async () => {
        const port = await freePort();
        const r = await startComponent(otelcolExporterOtlp, body({}, { client: insecure(`127.0.0.1:${port}`), retry_on_failure: fastRetry }));
        const input = r.ctx.exportPayload<TracesConsumer>('input');
        await input.consumeTraces(batchOf(2));
        await input.consumeTraces(batchOf(3));
        await waitFor(() => r.ctx.health.state === 'unhealthy', 5000, 'unhealthy');
        expect(r.ctx.health.message).toMatch(new RegExp(`^exporting to 127\\.0\\.0\\.1:${port} failed: UNAVAILABLE: `));
        await waitFor(() => (r.ctx.logs.filter((l) => l.level === 'warn').length >= 2), 5000, 'retries');
        const t0 = performance.now();
        await r.stop();
        expect(performance.now() - t0).toBeLessThan(5000);
        expect(await metricValue(r.ctx.registry, 'otelcol_exporter_send_failed_spans_total', { reason: 'shutdown' })).toBeUndefined(); // metrics removed at stop
        expect(r.ctx.counts.errors).toBeGreaterThanOrEqual(2);
        expect(r.ctx.logs.some((l) => l.level === 'error' && l.message.includes('exporter stopped'))).toBe(true);
    });

    it('without a sending queue, consumeTraces fails once max_elapsed_time is spent', async () => {
        const port = await freePort();
        const r = await startComponent(otelcolExporterOtlp, body({}, { client: insecure(`127.0.0.1:${port}`), retry_on_failure: body({ initial_interval: '10ms', max_elapsed_time: '100ms' }), sending_queue: body({ enabled: false }) }));
        await expect(r.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batchOf(1))).rejects.toThrow(/no more retries left\): UNAVAILABLE/);
        expect(await metricValue(r.ctx.registry, 'otelcol_exporter_send_failed_spans_total', { reason: 'send' })).toBe(1);
    });

    it('validates arguments as Alloy and names what the embedded runtime cannot honour', async () => {
        const start = (client: ReturnType<typeof body>, top: Record<string, unknown> = {}, blocks: Record<string, ReturnType<typeof body>> = {}) => startComponent(otelcolExporterOtlp, body(top, { client, ...blocks }), { start: false });
        await expect(start(body({ endpoint: 'collector' }))).rejects.toThrow('client > endpoint: address collector: missing port in address');
        await expect(start(body({ endpoint: 'collector:otlp' }))).rejects.toThrow('client > endpoint: invalid port "otlp"');
        await expect(start(body({ endpoint: '' }))).rejects.toThrow('requires a non-empty "endpoint"');
        await expect(start(body({ endpoint: 'c:4317', compression: 'zstd' }))).rejects.toThrow(`client > compression: "zstd" is not supported by flowlens' embedded runtime`);
        await expect(start(body({ endpoint: 'c:4317', compression: 'deflate' }))).rejects.toThrow('client > compression: unsupported compression type "deflate"');
        await expect(start(body({ endpoint: 'c:4317', balancer_name: 'weighted' }))).rejects.toThrow(/balancer_name: balancer "weighted" is not supported/);
        await expect(start(body({ endpoint: 'c:4317', auth: 'x' }))).rejects.toThrow(`argument "client > auth" is not supported by flowlens' embedded runtime; it runs on Grafana Alloy`);
        await expect(start(body({ endpoint: 'c:4317' }, { tls: body({ ca_file: '/nonexistent/ca.pem' }) }))).rejects.toThrow('client > tls > ca_file: cannot read "/nonexistent/ca.pem": ENOENT');
        await expect(start(body({ endpoint: 'c:4317' }, { tls: body({ ca_pem: 'x', ca_file: 'y' }) }))).rejects.toThrow('at most one of ca_pem and ca_file must be configured');
        await expect(start(body({ endpoint: 'c:4317' }, { tls: body({ cert_pem: 'x' }) }))).rejects.toThrow('exactly one of key_pem or key_file must be configured');
        await expect(start(body({ endpoint: 'c:4317' }, { tls: body({ min_version: '1.4' }) }))).rejects.toThrow('min_version: unsupported TLS version: "1.4"');
        await expect(start(body({ endpoint: 'c:4317' }), {}, { retry_on_failure: body({ multiplier: 1 }) })).rejects.toThrow('retry_on_failure > multiplier: must be greater than 1.0');
        await expect(start(body({ endpoint: 'c:4317' }), {}, { sending_queue: body({ queue_size: 0 }) })).rejects.toThrow('sending_queue > queue_size: must be greater than zero');
        await expect(start(body({ endpoint: 'c:4317' }), {}, { sending_queue: body({ sizer: 'pages' }) })).rejects.toThrow('sending_queue > sizer: invalid sizer: pages');
        const ok = await start(body({ endpoint: 'dns:///collector.example:4317', read_buffer_size: '1MiB' }, { keepalive: body({ ping_wait: '30s' }) }), { timeout: '10s' }, { debug_metrics: body({}) });
        expect(ok.ctx.health.message).toBe('exporting OTLP/gRPC traces to dns:///collector.example:4317 (TLS, gzip)');
    });
});

describe('otelcol.exporter.otlp header secrets', () => {
    it('a credential header echoed by the peer is scrubbed by the runtime redactor; other headers are kept', async () => {
        const c = await collector((i) => ({ code: grpc.status.UNAUTHENTICATED, details: `rejected ${String(c.metadata[i].authorization)} for tenant ${String(c.metadata[i]['x-scope-orgid'])}` }));
        const args = body({}, { client: insecure(c.endpoint, { headers: { Authorization: 'Bearer tok-8c1f2e9d', 'X-Scope-OrgID': 'tenant-42' } }), retry_on_failure: fastRetry });
        const redactor = new Redactor();
        redactor.rememberBody(args);
        const r = await startComponent(otelcolExporterOtlp, args);
        await r.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batchOf(1));
        await waitFor(() => r.component.pending!() === 0, 5000, 'given up');
        const raw = [r.ctx.health.message, ...r.ctx.logs.map((l) => l.message)].join('\n');
        expect(raw).toContain('tok-8c1f2e9d'); // the peer did echo it
        const shown = redactor.text(raw);
        expect(shown).not.toContain('tok-8c1f2e9d');
        expect(shown).toContain('UNAUTHENTICATED: rejected <secret> for tenant tenant-42');
    });
});
