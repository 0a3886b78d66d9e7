// A Node HTTP server on a free 127.0.0.1 port serving pprof endpoints the way Go's net/http/pprof
// does (application/octet-stream, gzip-compressed profiles):
// - /debug/pprof/profile?seconds=N: a real CPU profile of this process, taken with V8's profiler
//   (node:inspector) for N seconds while it does some work, converted to pprof (samples/count and
//   cpu/nanoseconds per stack);
// - /debug/pprof/allocs: a Go-style heap profile whose allocation counts grow by `allocStep` on every
//   request (cumulative, as Go's are), in-use values staying the same;
// - /debug/pprof/goroutine: a fixed goroutine profile.
// Other paths are 404. Every request is recorded (path and query).

import http from 'node:http';
import inspector from 'node:inspector';
import type { AddressInfo } from 'node:net';
import { buildPprof, type SimpleProfile } from './pprof-fixture.js';

interface V8Node {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
}
interface V8Profile {
    nodes: V8Node[];
    samples?: number[];
    timeDeltas?: number[];
    startTime: number;
}

export interface PprofServer {
    url: string;
    address: string;
    requests: { path: string; query: URLSearchParams }[];
    close(): Promise<void>;
}

function post<T>(session: inspector.Session, method: string): Promise<T> {
    return new Promise((resolve, reject) => session.post(method, (err, result) => (err ? reject(err) : resolve(result as T))));
}

/** Busy work for the profiler to see. */
function fibonacci(n: number): number {
    return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

/** Profiles this process for `seconds` with V8's sampling profiler and converts the result to pprof. */
async function cpuProfile(seconds: number): Promise<SimpleProfile> {
    const session = new inspector.Session();
    session.connect();
    try {
        await post(session, 'Profiler.enable');
        await post(session, 'Profiler.start');
        const until = Date.now() + seconds * 1000;
        // Work in slices so the event loop (and this server) stays responsive while profiling.
        while (Date.now() < until) {
            fibonacci(22);
            await new Promise((r) => setImmediate(r));
        }
        const { profile } = await post<{ profile: V8Profile }>(session, 'Profiler.stop');
        const parent = new Map<number, number>();
        for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
        const byId = new Map(profile.nodes.map((n) => [n.id, n]));
        const name = (n: V8Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url}:${n.callFrame.lineNumber + 1}`;
        const totals = new Map<number, { count: number; nanos: number }>();
        (profile.samples ?? []).forEach((id, i) => {
            const t = totals.get(id) ?? { count: 0, nanos: 0 };
            t.count++;
            t.nanos += (profile.timeDeltas?.[i] ?? 0) * 1000;
            totals.set(id, t);
        });
        const samples = [...totals].map(([id, t]) => {
            const stack: string[] = [];
            for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
                const n = byId.get(cur)!;
                if (n.callFrame.functionName !== '(root)') stack.push(name(n));
            }
            return { stack, values: [t.count, t.nanos] };
        });
        return { sampleTypes: [['samples', 'count'], ['cpu', 'nanoseconds']], samples, periodType: ['cpu', 'nanoseconds'], period: 1_000_000, timeNanos: Date.now() * 1e6, durationNanos: seconds * 1e9 };
    } finally {
        session.disconnect();
    }
}

const HEAP_TYPES: [string, string][] = [
    ['alloc_objects', 'count'],
    ['alloc_space', 'bytes'],
    ['inuse_objects', 'count'],
    ['inuse_space', 'bytes'],
];

export async function startPprofServer(opts: { allocStep?: number } = {}): Promise<PprofServer> {
    const step = opts.allocStep ?? 10;
    let allocs = 0;
    const srv: PprofServer = { url: '', address: '', requests: [], close: async () => {} };
    const server = http.createServer((req, res) => {
        const [path, query = ''] = (req.url ?? '/').split('?', 2);
        const params = new URLSearchParams(query);
        srv.requests.push({ path, query: params });
        const send = (p: SimpleProfile) => {
            res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Disposition': 'attachment; filename="profile"' });
            res.end(buildPprof(p));
        };
        if (path === '/debug/pprof/allocs') {
            allocs += step;
            return send({
                sampleTypes: HEAP_TYPES,
                samples: [
                    { stack: ['bytes.growSlice', 'main.handler'], values: [allocs, allocs * 1024, 2, 2048] },
                    { stack: ['main.cache', 'main.main'], values: [5, 5 * 512, 5, 5 * 512] },
                ],
                periodType: ['space', 'bytes'],
                period: 524288,
                timeNanos: Date.now() * 1e6,
            });
        }
        if (path === '/debug/pprof/goroutine') {
            return send({ sampleTypes: [['goroutine', 'count']], samples: [{ stack: ['runtime.gopark', 'main.worker'], values: [4] }], periodType: ['goroutine', 'count'], period: 1 });
        }
        if (path === '/debug/pprof/profile') {
            cpuProfile(Number(params.get('seconds') ?? '1')).then(send, (e: unknown) => {
                res.writeHead(500, { 'Content-Type': 'text/plain' });
                res.end(String(e));
            });
            return;
        }
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('404 page not found\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    srv.address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    srv.url = `http://${srv.address}`;
    srv.close = () =>
        new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
        });
    return srv;
}
