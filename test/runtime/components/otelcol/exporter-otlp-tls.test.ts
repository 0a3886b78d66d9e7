// OTLP/gRPC over TLS: otelcol.exporter.otlp against a grpc-js server and against otelcol.receiver.otlp,
// with a certificate made for the test by the openssl CLI (the test says so and skips without it).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TracesConsumer } from '../../../../server/runtime/component.js';
import { otelcolExporterOtlp } from '../../../../server/runtime/components/otelcol/exporter-otlp.js';
import { otelcolReceiverOtlp } from '../../../../server/runtime/components/otelcol/receiver-otlp.js';
import { parseExportTraceRequest } from '../../../../server/runtime/protocols/otlp-json.js';
import { body, startComponent, stopAll, traceSink, waitFor } from '../harness.js';
import { type GrpcCollector, startGrpcCollector } from './grpc-collector.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
if (!hasOpenssl) console.log('openssl is not installed: skipping the OTLP/gRPC TLS tests');

let dir = '';
let cert = '';
let key = '';
let collector: GrpcCollector | undefined;

beforeAll(() => {
    if (!hasOpenssl) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-grpc-tls-'));
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=collector.test', '-addext', 'subjectAltName=DNS:collector.test', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
    cert = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    key = fs.readFileSync(path.join(dir, 'key.pem'), 'utf8');
});
afterEach(async () => {
    await stopAll();
    await collector?.stop();
    collector = undefined;
});
afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const batch = () => parseExportTraceRequest({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: 'op' }] }] }] });

async function tlsCollector(): Promise<GrpcCollector> {
    collector = await startGrpcCollector(undefined, grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(cert), private_key: Buffer.from(key) }]));
    return collector;
}

describe.skipIf(!hasOpenssl)('otelcol.exporter.otlp TLS', () => {
    it('verifies the peer against ca_file with server_name, and delivers', async () => {
        const c = await tlsCollector();
        const r = await startComponent(otelcolExporterOtlp, body({}, { client: body({ endpoint: c.endpoint }, { tls: body({ ca_file: path.join(dir, 'cert.pem'), server_name: 'collector.test' }) }), retry_on_failure: body({ initial_interval: '10ms' }) }));
        expect(r.ctx.health.message).toContain('(TLS, gzip)');
        const sent = batch();
        await r.ctx.exportPayload<TracesConsumer>('input').consumeTraces(sent);
        await waitFor(() => c.batches.length === 1, 5000, 'TLS export');
        expect(c.batches[0]).toEqual(sent);
    });

    it('refuses a peer it cannot verify (no CA), unless insecure_skip_verify', async () => {
        const c = await tlsCollector();
        const r = await startComponent(otelcolExporterOtlp, body({}, { client: body({ endpoint: c.endpoint }), retry_on_failure: body({ initial_interval: '10ms', max_elapsed_time: '300ms' }), sending_queue: body({ enabled: false }) }), { label: 'verify' });
        await expect(r.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batch())).rejects.toThrow(/UNAVAILABLE/);
        expect(c.batches).toHaveLength(0);
        const skip = await startComponent(otelcolExporterOtlp, body({}, { client: body({ endpoint: c.endpoint }, { tls: body({ insecure_skip_verify: true }) }) }), { label: 'skip' });
        await skip.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batch());
        await waitFor(() => c.batches.length === 1, 5000, 'export without verification');
    });

    it('reaches otelcol.receiver.otlp serving gRPC over TLS, and a plaintext client is refused', async () => {
        const sink = traceSink();
        const recv = await startComponent(otelcolReceiverOtlp, body({}, { grpc: body({ endpoint: '127.0.0.1:0' }, { tls: body({ cert_file: path.join(dir, 'cert.pem'), key_pem: key }) }), output: body({ traces: [sink.value] }) }), { label: 'tls-in' });
        const endpoint = (recv.component as unknown as { grpcEndpoint: string }).grpcEndpoint;
        expect(recv.ctx.health.message).toBe(`receiving traces: OTLP/gRPC (TLS) on ${endpoint}`);
        const out = await startComponent(otelcolExporterOtlp, body({}, { client: body({ endpoint }, { tls: body({ ca_pem: cert, server_name: 'collector.test' }) }) }), { label: 'tls-out' });
        const sent = batch();
        await out.ctx.exportPayload<TracesConsumer>('input').consumeTraces(sent);
        await waitFor(() => sink.spans() === 1, 5000, 'span over TLS');
        expect(sink.batches[0]).toEqual(sent);
        const plain = await startComponent(otelcolExporterOtlp, body({}, { client: body({ endpoint }, { tls: body({ insecure: true }) }), retry_on_failure: body({ enabled: false }), sending_queue: body({ enabled: false }) }), { label: 'plain-out' });
        await expect(plain.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batch())).rejects.toThrow(/UNAVAILABLE/);
        expect(sink.spans()).toBe(1);
    });

    it('speaks plaintext only with insecure = true: a TLS peer then fails the call', async () => {
        const c = await tlsCollector();
        const r = await startComponent(otelcolExporterOtlp, body({}, { client: body({ endpoint: c.endpoint }, { tls: body({ insecure: true }) }), retry_on_failure: body({ enabled: false }), sending_queue: body({ enabled: false }) }), { label: 'plain' });
        expect(r.ctx.health.message).toContain('(plaintext, gzip)');
        await expect(r.ctx.exportPayload<TracesConsumer>('input').consumeTraces(batch())).rejects.toThrow(/retries disabled/);
        expect(c.batches).toHaveLength(0);
    });
});
