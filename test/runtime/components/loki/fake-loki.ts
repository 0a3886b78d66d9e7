// A fake Loki distributor for tests: POST /loki/api/v1/push on a free 127.0.0.1 port, decoding
// protobuf + Snappy (application/x-protobuf) and JSON bodies independently of flowlens' encoder
// (its own copy of logproto's push.proto, parsed by protobufjs), answering as Loki does:
// 204 on success, 400 for bodies or labels it cannot parse, 415 for other content types, 401 without
// X-Scope-OrgID when `authEnabled`. `respond` can override the status of a request (by 0-based index)
// to simulate rate limits and outages.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as protobuf from 'protobufjs';
import { uncompress } from 'snappyjs';

const PUSH_PROTO = `
syntax = "proto3";
package logproto;
message PushRequest { repeated StreamAdapter streams = 1; }
message StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; uint64 hash = 3; }
message EntryAdapter { Timestamp timestamp = 1; string line = 2; repeated LabelPairAdapter structuredMetadata = 3; repeated LabelPairAdapter parsed = 4; }
message LabelPairAdapter { string name = 1; string value = 2; }
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
`;
const PushRequest = protobuf.parse(PUSH_PROTO, { keepCase: true }).root.lookupType('logproto.PushRequest');

export interface ReceivedEntry {
    tenant: string;
    /** The stream's labels, parsed. */
    labels: Record<string, string>;
    /** Nanoseconds since the epoch. */
    ts: bigint;
    line: string;
    metadata: Record<string, string>;
}

export interface FakeLoki {
    url: string;
    pushUrl: string;
    entries: ReceivedEntry[];
    requests: { headers: http.IncomingHttpHeaders; status: number; contentType: string }[];
    close(): Promise<void>;
}

/** Parses `{a="1", b="2"}` as Loki's label parser does for a push (only `=` matchers, Go-quoted values). */
export function parseStreamLabels(text: string): Record<string, string> {
    const out: Record<string, string> = {};
    const body = text.trim();
    if (!body.startsWith('{') || !body.endsWith('}')) throw new Error(`error parsing labels ${text}: missing braces`);
    const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*("(?:[^"\\]|\\.)*")\s*(,|$)/y;
    const inner = body.slice(1, -1);
    let i = 0;
    while (i < inner.length) {
        re.lastIndex = i;
        const m = re.exec(inner);
        if (m === null) throw new Error(`error parsing labels ${text} at offset ${i}`);
        out[m[1]] = JSON.parse(m[2].replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')) as string;
        i = re.lastIndex;
    }
    return out;
}

export async function startFakeLoki(opts: { authEnabled?: boolean; respond?: (i: number) => { status: number; body?: string; headers?: Record<string, string> } | undefined } = {}): Promise<FakeLoki> {
    const fake: FakeLoki = { url: '', pushUrl: '', entries: [], requests: [], close: async () => {} };
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
            const index = fake.requests.length;
            const contentType = String(req.headers['content-type'] ?? '').split(';')[0].trim();
            const answer = (status: number, text = '', headers: Record<string, string> = {}) => {
                fake.requests.push({ headers: req.headers, status, contentType });
                res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
                res.end(text);
            };
            if (req.method !== 'POST' || req.url?.split('?')[0] !== '/loki/api/v1/push') return answer(404, '404 page not found\n');
            const override = opts.respond?.(index);
            if (override !== undefined) return answer(override.status, override.body ?? '', override.headers);
            const tenant = String(req.headers['x-scope-orgid'] ?? '');
            if (opts.authEnabled && tenant === '') return answer(401, 'no org id\n');
            const raw = Buffer.concat(chunks);
            const got: ReceivedEntry[] = [];
            try {
                if (contentType === 'application/x-protobuf') {
                    const msg = PushRequest.decode(uncompress(raw)) as unknown as {
                        streams: { labels: string; entries: { timestamp?: { seconds?: unknown; nanos?: number }; line: string; structuredMetadata?: { name: string; value: string }[] }[] }[];
                    };
                    for (const s of msg.streams) {
                        const labels = parseStreamLabels(s.labels);
                        for (const e of s.entries) {
                            const ts = BigInt(String(e.timestamp?.seconds ?? 0)) * 1_000_000_000n + BigInt(e.timestamp?.nanos ?? 0);
                            got.push({ tenant, labels, ts, line: e.line, metadata: Object.fromEntries((e.structuredMetadata ?? []).map((l) => [l.name, l.value])) });
                        }
                    }
                } else if (contentType === 'application/json') {
                    const doc = JSON.parse(raw.toString('utf8')) as { streams: { stream: Record<string, string>; values: [string, string, Record<string, string>?][] }[] };
                    for (const s of doc.streams) {
                        for (const [ts, line, md] of s.values) {
                            if (!/^\d+$/.test(ts)) throw new Error(`invalid timestamp ${ts}`);
                            got.push({ tenant, labels: { ...s.stream }, ts: BigInt(ts), line, metadata: md ?? {} });
                        }
                    }
                } else {
                    return answer(415, `unsupported Content-Type ${JSON.stringify(contentType)}\n`);
                }
            } catch (e) {
                return answer(400, `${(e as Error).message}\n`);
            }
            fake.entries.push(...got);
            answer(204);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    fake.url = `http://127.0.0.1:${port}`;
    fake.pushUrl = `${fake.url}/loki/api/v1/push`;
    fake.close = () =>
        new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
        });
    return fake;
}
