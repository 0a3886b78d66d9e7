// A fake Pyroscope server for tests, on a free 127.0.0.1 port, written from Pyroscope's ingestion
// protocols independently of flowlens' codec (its own copy of push.proto, parsed by protobufjs):
// - POST /push.v1.PusherService/Push, Connect unary: `application/proto` (or `application/json`)
//   body, answered 200 with an empty PushResponse; every raw profile must parse as pprof, else
//   Connect's invalid_argument error (400, JSON body), as Pyroscope's distributor refuses it;
//   other content types get 415;
// - POST /ingest: `name` parsed as a label set, body and Content-Type kept, answered 200.
// `respond(i)` overrides the answer to the i-th request (0-based, both routes) to simulate outages.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as protobuf from 'protobufjs';
import { readPprof, type SimpleProfile } from './pprof-fixture.js';

const PUSH_PROTO = `
syntax = "proto3";
package push.v1;
message PushRequest { repeated RawProfileSeries series = 1; }
message RawProfileSeries { repeated types.v1.LabelPair labels = 1; repeated RawSample samples = 2; }
message RawSample { bytes raw_profile = 1; string ID = 2; }
`;
const TYPES_PROTO = `
syntax = "proto3";
package types.v1;
message LabelPair { string name = 1; string value = 2; }
`;
const root = new protobuf.Root();
protobuf.parse(TYPES_PROTO, root, { keepCase: true });
protobuf.parse(PUSH_PROTO, root, { keepCase: true });
export const PushRequest = root.lookupType('push.v1.PushRequest');

export interface ReceivedProfile {
    labels: Record<string, string>;
    raw: Buffer;
    id: string;
    profile: SimpleProfile;
}

export interface ReceivedIngest {
    query: URLSearchParams;
    /** The `name` parameter, parsed: `__name__` plus the labels in braces. */
    labels: Record<string, string>;
    body: Buffer;
    contentType: string | undefined;
}

export interface FakePyroscope {
    url: string;
    profiles: ReceivedProfile[];
    ingests: ReceivedIngest[];
    requests: { path: string; headers: http.IncomingHttpHeaders; status: number }[];
    close(): Promise<void>;
}

export type Answer = { status: number; body?: string; headers?: Record<string, string> };

/** The label set of an /ingest `name` parameter (`svc{a=1,b=2}`), as Pyroscope parses it. */
export function parseIngestName(name: string): Record<string, string> {
    const brace = name.indexOf('{');
    const out: Record<string, string> = { __name__: (brace < 0 ? name : name.slice(0, brace)).trim() };
    if (brace < 0) return out;
    const inner = name.slice(brace + 1, name.lastIndexOf('}'));
    for (const pair of inner.split(',')) {
        if (pair.trim() === '') continue;
        const eq = pair.indexOf('=');
        out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    return out;
}

export async function startFakePyroscope(opts: { respond?: (i: number, path: string) => Answer | undefined } = {}): Promise<FakePyroscope> {
    const fake: FakePyroscope = { url: '', profiles: [], ingests: [], requests: [], close: async () => {} };
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
            const [path, query = ''] = (req.url ?? '/').split('?', 2);
            const index = fake.requests.length;
            const answer = (a: Answer) => {
                fake.requests.push({ path, headers: req.headers, status: a.status });
                res.writeHead(a.status, a.headers ?? {});
                res.end(a.body ?? '');
            };
            const connectError = (status: number, code: string, message: string) => answer({ status, body: JSON.stringify({ code, message }), headers: { 'Content-Type': 'application/json' } });
            if (req.method !== 'POST') return answer({ status: 405 });
            const override = opts.respond?.(index, path);
            if (override !== undefined) return answer(override);
            const body = Buffer.concat(chunks);
            if (path === '/push.v1.PusherService/Push') {
                const type = String(req.headers['content-type'] ?? '').split(';')[0].trim();
                if (type !== 'application/proto') return answer({ status: 415 });
                let got: ReceivedProfile[];
                try {
                    const msg = PushRequest.decode(body) as unknown as { series: { labels: { name: string; value: string }[]; samples: { raw_profile: Uint8Array; ID: string }[] }[] };
                    got = msg.series.flatMap((s) =>
                        s.samples.map((x) => {
                            const raw = Buffer.from(x.raw_profile);
                            return { labels: Object.fromEntries(s.labels.map((l) => [l.name, l.value])), raw, id: x.ID, profile: readPprof(raw) };
                        }),
                    );
                } catch (e) {
                    return connectError(400, 'invalid_argument', `failed to parse profile: ${(e as Error).message}`);
                }
                fake.profiles.push(...got);
                return answer({ status: 200, headers: { 'Content-Type': 'application/proto' } });
            }
            if (path === '/ingest') {
                const params = new URLSearchParams(query);
                fake.ingests.push({ query: params, labels: parseIngestName(params.get('name') ?? ''), body, contentType: req.headers['content-type'] });
                return answer({ status: 200 });
            }
            answer({ status: 404, body: '404 page not found\n' });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fake.close = () =>
        new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
        });
    return fake;
}
