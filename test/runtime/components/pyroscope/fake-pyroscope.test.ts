// Contract test of the fake Pyroscope the pyroscope.* tests send to: it decodes the Connect push
// call as Pyroscope does (push.v1 field numbers, application/proto) and refuses what Pyroscope
// refuses. The PushRequest bytes here are written by hand, independently of any encoder.

import { afterEach, describe, expect, it } from 'vitest';
import { type FakePyroscope, startFakePyroscope } from './fake-pyroscope.js';
import { buildPprof, readPprof } from './pprof-fixture.js';

let fake: FakePyroscope | undefined;
afterEach(async () => {
    await fake?.close();
    fake = undefined;
});

function varint(n: number): number[] {
    const out: number[] = [];
    while (n > 127) {
        out.push((n & 127) | 128);
        n = Math.floor(n / 128);
    }
    out.push(n);
    return out;
}
const field = (num: number, bytes: number[]) => [...varint((num << 3) | 2), ...varint(bytes.length), ...bytes];
const str = (num: number, s: string) => field(num, [...Buffer.from(s)]);

/** PushRequest{series: [{labels, samples: [{raw_profile, ID}]}]} by hand. */
function pushBytes(labels: [string, string][], raw: Uint8Array, id = ''): Uint8Array {
    const series = [...labels.flatMap(([n, v]) => field(1, [...str(1, n), ...str(2, v)])), ...field(2, [...field(1, [...raw]), ...(id ? str(2, id) : [])])];
    return new Uint8Array(field(1, series));
}

const cpu = () => buildPprof({ sampleTypes: [['cpu', 'nanoseconds']], samples: [{ stack: ['work', 'main'], values: [30_000_000] }], periodType: ['cpu', 'nanoseconds'], period: 10_000_000 });

async function push(url: string, body: Uint8Array, contentType = 'application/proto'): Promise<{ status: number; text: string; type: string | null }> {
    const res = await fetch(`${url}/push.v1.PusherService/Push`, { method: 'POST', body, headers: { 'Content-Type': contentType, 'Connect-Protocol-Version': '1' } });
    return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

describe('fake Pyroscope (push API contract)', () => {
    it('accepts a hand-written PushRequest with a gzipped pprof: labels, ID and the profile decoded', async () => {
        fake = await startFakePyroscope();
        const res = await push(fake.url, pushBytes([['__name__', 'process_cpu'], ['service_name', 'api']], cpu(), 'abc'));
        expect(res).toMatchObject({ status: 200, type: 'application/proto', text: '' });
        expect(fake.profiles).toHaveLength(1);
        expect(fake.profiles[0].labels).toEqual({ __name__: 'process_cpu', service_name: 'api' });
        expect(fake.profiles[0].id).toBe('abc');
        expect(fake.profiles[0].profile.samples).toEqual([{ stack: ['work', 'main'], values: [30_000_000] }]);
    });

    it('refuses a raw profile that is not pprof with a Connect invalid_argument error', async () => {
        fake = await startFakePyroscope();
        const res = await push(fake.url, pushBytes([['service_name', 'api']], new Uint8Array([0xff, 0xff, 0xff])));
        expect(res.status).toBe(400);
        expect(res.type).toBe('application/json');
        expect(JSON.parse(res.text)).toMatchObject({ code: 'invalid_argument' });
        expect(fake.profiles).toHaveLength(0);
    });

    it('answers 415 to another content type, 404 elsewhere, 405 to GET', async () => {
        fake = await startFakePyroscope();
        expect((await push(fake.url, pushBytes([['service_name', 'api']], cpu()), 'application/grpc')).status).toBe(415);
        expect((await fetch(`${fake.url}/push.v1.PusherService/Nope`, { method: 'POST', body: '' })).status).toBe(404);
        expect((await fetch(`${fake.url}/ingest`)).status).toBe(405);
    });

    it('keeps /ingest bodies with their content type and parses the name parameter', async () => {
        fake = await startFakePyroscope();
        const body = cpu();
        const res = await fetch(`${fake.url}/ingest?name=${encodeURIComponent('api.cpu{env=prod,region=eu}')}&format=pprof`, { method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream' } });
        expect(res.status).toBe(200);
        expect(fake.ingests[0].labels).toEqual({ __name__: 'api.cpu', env: 'prod', region: 'eu' });
        expect(fake.ingests[0].query.get('format')).toBe('pprof');
        expect(fake.ingests[0].contentType).toBe('application/octet-stream');
        expect(readPprof(fake.ingests[0].body).sampleTypes).toEqual([['cpu', 'nanoseconds']]);
    });

    it('answers with an override when told to', async () => {
        fake = await startFakePyroscope({ respond: (i) => (i === 0 ? { status: 503 } : undefined) });
        expect((await push(fake.url, pushBytes([['service_name', 'api']], cpu()))).status).toBe(503);
        expect((await push(fake.url, pushBytes([['service_name', 'api']], cpu()))).status).toBe(200);
    });
});
