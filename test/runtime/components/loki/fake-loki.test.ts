// Contract test of the fake Loki the loki.* tests send to: it decodes the push API's wire format as
// Loki does (logproto field numbers, Snappy block compression, JSON form) and answers with Loki's
// statuses. The protobuf bodies here are written byte by byte, independently of any encoder.

import { afterEach, describe, expect, it } from 'vitest';
import { compress } from 'snappyjs';
import { type FakeLoki, parseStreamLabels, startFakeLoki } from './fake-loki.js';

let fake: FakeLoki | undefined;
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
const int = (num: number, n: number) => [...varint(num << 3), ...varint(n)];

/** PushRequest{streams: [{labels, entries: [{timestamp: {seconds, nanos}, line, structuredMetadata}]}]} by hand. */
function pushBytes(labels: string, entries: { seconds: number; nanos: number; line: string; md?: [string, string][] }[]): Uint8Array {
    const stream = [...str(1, labels), ...entries.flatMap((e) => field(2, [...field(1, [...int(1, e.seconds), ...int(2, e.nanos)]), ...str(2, e.line), ...(e.md ?? []).flatMap(([n, v]) => field(3, [...str(1, n), ...str(2, v)]))]))];
    return compress(new Uint8Array(field(1, stream)));
}

async function post(url: string, body: Uint8Array | string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    const res = await fetch(url, { method: 'POST', body, headers });
    return { status: res.status, text: await res.text() };
}

describe('fake Loki (push API contract)', () => {
    it('decodes a protobuf+snappy push written by hand: labels, nanosecond timestamps, structured metadata, tenant', async () => {
        fake = await startFakeLoki();
        const body = pushBytes('{app="web", level="info"}', [
            { seconds: 1_700_000_000, nanos: 123_456_789, line: 'first', md: [['trace_id', 'abc']] },
            { seconds: 1_700_000_001, nanos: 0, line: 'second' },
        ]);
        const r = await post(fake.pushUrl, body, { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'snappy', 'X-Scope-OrgID': 'team-a' });
        expect(r.status).toBe(204);
        expect(fake.entries).toEqual([
            { tenant: 'team-a', labels: { app: 'web', level: 'info' }, ts: 1_700_000_000_123_456_789n, line: 'first', metadata: { trace_id: 'abc' } },
            { tenant: 'team-a', labels: { app: 'web', level: 'info' }, ts: 1_700_000_001_000_000_000n, line: 'second', metadata: {} },
        ]);
    });

    it('decodes the JSON form', async () => {
        fake = await startFakeLoki();
        const r = await post(fake.pushUrl, JSON.stringify({ streams: [{ stream: { job: 'x' }, values: [['1700000000000000001', 'a line', { k: 'v' }]] }] }), { 'Content-Type': 'application/json' });
        expect(r.status).toBe(204);
        expect(fake.entries).toEqual([{ tenant: '', labels: { job: 'x' }, ts: 1_700_000_000_000_000_001n, line: 'a line', metadata: { k: 'v' } }]);
    });

    it('answers 400 for labels or bodies it cannot parse, 415 for other content types, 404 elsewhere, 401 without a tenant when auth is on', async () => {
        fake = await startFakeLoki();
        expect((await post(fake.pushUrl, pushBytes('app="web"', [{ seconds: 1, nanos: 0, line: 'x' }]), { 'Content-Type': 'application/x-protobuf' })).status).toBe(400);
        expect((await post(fake.pushUrl, new Uint8Array([1, 2, 3, 4]), { 'Content-Type': 'application/x-protobuf' })).status).toBe(400);
        expect((await post(fake.pushUrl, '{"streams": [{"stream": {}, "values": [["soon", "x"]]}]}', { 'Content-Type': 'application/json' })).status).toBe(400);
        expect((await post(fake.pushUrl, 'x', { 'Content-Type': 'text/plain' })).status).toBe(415);
        expect((await post(`${fake.url}/api/v1/push`, 'x', { 'Content-Type': 'application/json' })).status).toBe(404);
        expect(fake.entries).toEqual([]);
        await fake.close();
        fake = await startFakeLoki({ authEnabled: true });
        expect((await post(fake.pushUrl, pushBytes('{a="1"}', [{ seconds: 1, nanos: 0, line: 'x' }]), { 'Content-Type': 'application/x-protobuf' })).status).toBe(401);
    });

    it('parses Go-quoted label values', () => {
        expect(parseStreamLabels('{a="x\\"y", b="\\\\", c="\\x41\\n"}')).toEqual({ a: 'x"y', b: '\\', c: 'A\n' });
        expect(() => parseStreamLabels('{a=x}')).toThrow(/error parsing labels/);
    });
});
