// pyroscope.receive_http → pyroscope.write → fake Pyroscope. Expected behaviour from Alloy's
// internal/component/pyroscope/receive_http (receive_http.go: routes, ensureServiceName, errors).

import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { pyroscopeReceiveHttp } from '../../../../server/runtime/components/pyroscope/receive-http.js';
import { pyroscopeWrite } from '../../../../server/runtime/components/pyroscope/write.js';
import { PROFILES_RECEIVER_TYPE, type ProfilesReceiver } from '../../../../server/runtime/components/pyroscope/receiver.js';
import { body, capsule, startComponent, stopAll } from '../harness.js';
import { type Answer, type FakePyroscope, PushRequest, startFakePyroscope } from './fake-pyroscope.js';
import { buildPprof } from './pprof-fixture.js';

let fakes: FakePyroscope[] = [];
afterEach(async () => {
    await stopAll();
    await Promise.all(fakes.map((f) => f.close()));
    fakes = [];
});

/** receive_http on a free port forwarding to a pyroscope.write that sends to a fake Pyroscope. */
async function pipeline(respond?: (i: number, path: string) => Answer | undefined) {
    const py = await startFakePyroscope({ respond });
    fakes.push(py);
    const write = await startComponent(pyroscopeWrite, body({}, { endpoint: body({ url: py.url, max_backoff_retries: 1 }) }));
    const receiver = write.ctx.exportPayload<ProfilesReceiver>('receiver');
    const recv = await startComponent(pyroscopeReceiveHttp, body({ forward_to: [capsule(PROFILES_RECEIVER_TYPE, receiver)] }, { http: body({ listen_address: '127.0.0.1', listen_port: 0 }) }));
    const url = (recv.component as unknown as { url: string }).url;
    return { py, url, recv };
}

const profile = () => buildPprof({ sampleTypes: [['cpu', 'nanoseconds']], samples: [{ stack: ['handler', 'main'], values: [10_000_000] }], periodType: ['cpu', 'nanoseconds'], period: 10_000_000 });

function pushBody(labels: Record<string, string>, raw: Uint8Array): Uint8Array {
    return PushRequest.encode(PushRequest.fromObject({ series: [{ labels: Object.entries(labels).map(([name, value]) => ({ name, value })), samples: [{ raw_profile: raw, ID: 'x1' }] }] })).finish();
}

async function push(url: string, payload: Uint8Array | string, headers: Record<string, string> = { 'Content-Type': 'application/proto' }) {
    const res = await fetch(`${url}/push.v1.PusherService/Push`, { method: 'POST', body: payload, headers: { 'Connect-Protocol-Version': '1', ...headers } });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('pyroscope.receive_http', () => {
    it('Connect push → write → Pyroscope: service_name taken from __name__, the profile unchanged', async () => {
        const { py, url, recv } = await pipeline();
        const raw = profile();
        const res = await push(url, pushBody({ __name__: 'checkout', env: 'prod' }, raw));
        expect(res).toMatchObject({ status: 200, type: 'application/proto', text: '' });
        expect(py.profiles).toHaveLength(1);
        expect(py.profiles[0].labels).toEqual({ __name__: 'checkout', service_name: 'checkout', env: 'prod' });
        expect(py.profiles[0].raw.equals(raw)).toBe(true);
        expect(recv.ctx.counts).toMatchObject({ in: 1, out: 1, errors: 0 });
        expect(recv.ctx.health.state).toBe('healthy');
    });

    it('with service_name set, __name__ is kept as app_name; gzip request bodies and the JSON form are accepted', async () => {
        const { py, url } = await pipeline();
        const raw = profile();
        const gz = await push(url, zlib.gzipSync(pushBody({ __name__: 'process_cpu', service_name: 'cart' }, raw)), { 'Content-Type': 'application/proto', 'Content-Encoding': 'gzip' });
        expect(gz.status).toBe(200);
        const json = JSON.stringify({ series: [{ labels: [{ name: 'service_name', value: 'cart' }], samples: [{ rawProfile: Buffer.from(raw).toString('base64') }] }] });
        const js = await push(url, json, { 'Content-Type': 'application/json' });
        expect(js).toMatchObject({ status: 200, type: 'application/json', text: '{}' });
        expect(py.profiles.map((p) => p.labels)).toEqual([{ __name__: 'process_cpu', app_name: 'process_cpu', service_name: 'cart' }, { service_name: 'cart' }]);
    });

    it('answers Connect internal (500, JSON) when the downstream fails, invalid_argument for a bad body, 415 for other content types', async () => {
        const { url } = await pipeline(() => ({ status: 403 }));
        const failed = await push(url, pushBody({ service_name: 'a' }, profile()));
        expect(failed.status).toBe(500);
        expect(failed.type).toBe('application/json');
        expect(JSON.parse(failed.text)).toMatchObject({ code: 'internal' });
        expect(JSON.parse(failed.text).message).toContain('permission_denied');
        const bad = await push(url, new Uint8Array([0x0a, 0xff]));
        expect(bad.status).toBe(400);
        expect(JSON.parse(bad.text)).toMatchObject({ code: 'invalid_argument' });
        expect((await push(url, 'x', { 'Content-Type': 'text/plain' })).status).toBe(415);
    });

    it('/ingest → write → Pyroscope /ingest: body, content type and query kept, labels from name', async () => {
        const { py, url } = await pipeline();
        const raw = profile();
        const res = await fetch(`${url}/ingest?name=${encodeURIComponent('shop.cpu{region=eu}')}&from=100&until=110&format=pprof`, { method: 'POST', body: raw, headers: { 'Content-Type': 'application/octet-stream' } });
        expect(res.status).toBe(200);
        expect(py.ingests).toHaveLength(1);
        const got = py.ingests[0];
        expect(got.labels).toEqual({ __name__: 'shop.cpu', region: 'eu', service_name: 'shop.cpu' });
        expect([got.query.get('from'), got.query.get('until'), got.query.get('format')]).toEqual(['100', '110', 'pprof']);
        expect(got.contentType).toBe('application/octet-stream');
        expect(got.body.equals(raw)).toBe(true);
    });

    it("/ingest answers with the downstream's status; other paths 404, other methods 405", async () => {
        const { url } = await pipeline(() => ({ status: 422, body: 'unprocessable' }));
        const res = await fetch(`${url}/ingest?name=a`, { method: 'POST', body: 'x' });
        expect(res.status).toBe(422);
        expect((await fetch(`${url}/ingest`)).status).toBe(405);
        expect((await fetch(`${url}/push.v1.PusherService/Push`)).status).toBe(405);
        expect((await fetch(`${url}/nothing`, { method: 'POST' })).status).toBe(404);
    });
});
