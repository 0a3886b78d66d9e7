// A fake Docker daemon for tests, serving the Engine API routes that discovery.docker and
// loki.source.docker use on a unix socket in a temporary directory, written from the Engine API
// reference (v1.43):
//   GET /_ping, /version                    API-Version header, "OK" / version object
//   GET /containers/json?all=&filters=      running containers (all with all=1); filters `id`
//                                           (prefix), `name` (substring), `label` (key or key=value),
//                                           `status`, in both the map and the list JSON forms
//   GET /networks                           the networks
//   GET /containers/{id}/json               inspection (Config.Tty, State.Running/FinishedAt, ...)
//   GET /containers/{id}/logs?stdout=&stderr=&follow=&timestamps=&since=&tail=
//       200 with Content-Type application/vnd.docker.multiplexed-stream (8-byte frame headers:
//       stream 1 stdout / 2 stderr, 3 zero bytes, big-endian uint32 size) or, for a TTY container,
//       application/vnd.docker.raw-stream; lines with `<RFC3339Nano> ` when timestamps=1; a message
//       over 16 KiB goes out as several frames, each with its own timestamp, as the json-file driver
//       splits it; since is Unix seconds (fraction allowed), entries at or after it; with follow the
//       stream stays open until the container stops or is removed.
// Paths may carry a version prefix (/v1.43/...). Errors are {"message": "..."} with 404/400/500.
// Every request is recorded in `requests`.

import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const API_VERSION = '1.43';
const SPLIT_AT = 16 * 1024;

export interface FakeContainerSpec {
    readonly id: string;
    readonly name: string;
    readonly image?: string;
    readonly labels?: Record<string, string>;
    readonly ports?: { IP?: string; PrivatePort: number; PublicPort?: number; Type: 'tcp' | 'udp' }[];
    readonly networkMode?: string;
    /** Network name → endpoint; the network must be added first (its ID is filled in). */
    readonly networks?: Record<string, { IPAddress: string }>;
    readonly tty?: boolean;
}

export interface FakeNetworkSpec {
    readonly id: string;
    readonly name: string;
    readonly scope?: string;
    readonly internal?: boolean;
    readonly ingress?: boolean;
    readonly labels?: Record<string, string>;
}

interface LogLine {
    readonly stream: 1 | 2;
    /** Nanoseconds since the epoch. */
    readonly ns: bigint;
    readonly text: string;
}

interface Container {
    spec: FakeContainerSpec;
    running: boolean;
    finishedAt: string;
    created: number;
    logs: LogLine[];
    followers: Set<{ res: http.ServerResponse; stdout: boolean; stderr: boolean; timestamps: boolean }>;
}

/** Go's time.RFC3339Nano for a UTC instant in nanoseconds (trailing zeros of the fraction dropped). */
export function rfc3339Nano(ns: bigint): string {
    const ms = Number(ns / 1_000_000n);
    const base = new Date(ms).toISOString().slice(0, 19);
    const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
    return `${base}${frac ? '.' + frac : ''}Z`;
}

export class FakeDockerEngine {
    readonly dir: string;
    readonly socketPath: string;
    readonly requests: string[] = [];
    private readonly containers = new Map<string, Container>();
    private readonly networks = new Map<string, FakeNetworkSpec>();
    private readonly server: http.Server;
    private clock = BigInt(Date.UTC(2026, 0, 2, 3, 4, 5)) * 1_000_000n;

    private constructor() {
        this.dir = mkdtempSync(path.join(os.tmpdir(), 'flowlens-docker-'));
        this.socketPath = path.join(this.dir, 'docker.sock');
        this.server = http.createServer((req, res) => this.handle(req, res));
    }

    static async start(): Promise<FakeDockerEngine> {
        const f = new FakeDockerEngine();
        await new Promise<void>((resolve) => f.server.listen(f.socketPath, resolve));
        return f;
    }

    /** The `host` argument that reaches this daemon. */
    get host(): string {
        return `unix://${this.socketPath}`;
    }

    addNetwork(spec: FakeNetworkSpec): void {
        this.networks.set(spec.id, spec);
    }

    addContainer(spec: FakeContainerSpec): void {
        this.containers.set(spec.id, { spec, running: true, finishedAt: '0001-01-01T00:00:00Z', created: this.containers.size, logs: [], followers: new Set() });
    }

    /** Stops a container: its log streams end; it stays listed with all=1. */
    stopContainer(id: string): void {
        const c = this.mustGet(id);
        c.running = false;
        c.finishedAt = rfc3339Nano(this.tick());
        for (const f of c.followers) f.res.end();
        c.followers.clear();
    }

    startContainer(id: string): void {
        this.mustGet(id).running = true;
    }

    removeContainer(id: string): void {
        const c = this.mustGet(id);
        for (const f of c.followers) f.res.end();
        this.containers.delete(id);
    }

    /** Writes a log line (without its newline) at `ns` (default: one millisecond after the last). */
    log(id: string, stream: 'stdout' | 'stderr', text: string, ns?: bigint): bigint {
        const c = this.mustGet(id);
        const line: LogLine = { stream: stream === 'stdout' ? 1 : 2, ns: ns ?? this.tick(), text };
        c.logs.push(line);
        for (const f of c.followers) if ((line.stream === 1 ? f.stdout : f.stderr)) f.res.write(this.encode(c, line, f.timestamps));
        return line.ns;
    }

    /** Open follow streams of a container. */
    followers(id: string): number {
        return this.containers.get(id)?.followers.size ?? 0;
    }

    private tick(): bigint {
        this.clock += 1_000_000n;
        return this.clock;
    }

    private mustGet(id: string): Container {
        const c = this.containers.get(id);
        if (c === undefined) throw new Error(`no container ${id}`);
        return c;
    }

    /** The bytes of one log line: frames (or raw bytes for a TTY container), split at 16 KiB of message. */
    private encode(c: Container, line: LogLine, timestamps: boolean): Buffer {
        const message = Buffer.from(line.text + '\n');
        const pieces: Buffer[] = [];
        for (let i = 0; i < message.length; i += SPLIT_AT) pieces.push(message.subarray(i, i + SPLIT_AT));
        const out: Buffer[] = [];
        for (const piece of pieces) {
            const payload = timestamps ? Buffer.concat([Buffer.from(rfc3339Nano(line.ns) + ' '), piece]) : piece;
            if (c.spec.tty) out.push(payload);
            else {
                const header = Buffer.alloc(8);
                header[0] = line.stream;
                header.writeUInt32BE(payload.length, 4);
                out.push(header, payload);
            }
        }
        return Buffer.concat(out);
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        this.requests.push(`${req.method} ${req.url}`);
        const url = new URL(req.url ?? '/', 'http://docker');
        const p = url.pathname.replace(/^\/v\d+\.\d+(?=\/)/, '');
        const fail = (status: number, message: string) => {
            res.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': API_VERSION });
            res.end(JSON.stringify({ message }) + '\n');
        };
        const json = (body: unknown) => {
            res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': API_VERSION });
            res.end(JSON.stringify(body) + '\n');
        };
        if (req.method !== 'GET') return fail(404, 'page not found');
        if (p === '/_ping') {
            res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Api-Version': API_VERSION });
            return void res.end('OK');
        }
        if (p === '/version') return json({ Version: '24.0.0-fake', ApiVersion: API_VERSION, MinAPIVersion: '1.12', Os: 'linux', Arch: 'amd64' });
        if (p === '/networks') return json([...this.networks.values()].map((n) => this.networkJson(n)));
        if (p === '/containers/json') {
            let filters: Record<string, string[]>;
            try {
                filters = parseFilters(url.searchParams.get('filters'));
            } catch (e) {
                return fail(400, (e as Error).message);
            }
            const all = ['1', 'true'].includes(url.searchParams.get('all') ?? '');
            const list = [...this.containers.values()].filter((c) => (all || c.running) && matches(c, filters)).sort((a, b) => b.created - a.created);
            return json(list.map((c) => this.summaryJson(c)));
        }
        const m = /^\/containers\/([^/]+)\/(json|logs)$/.exec(p);
        if (m === null) return fail(404, 'page not found');
        const c = this.containers.get(decodeURIComponent(m[1]));
        if (c === undefined) return fail(404, `No such container: ${decodeURIComponent(m[1])}`);
        if (m[2] === 'json') return json(this.inspectJson(c));
        const flag = (n: string) => ['1', 'true'].includes(url.searchParams.get(n) ?? '');
        const stdout = flag('stdout');
        const stderr = flag('stderr');
        if (!stdout && !stderr) return fail(400, 'Bad parameters: you must choose at least one stream');
        const since = Number(url.searchParams.get('since') ?? '0');
        if (Number.isNaN(since)) return fail(400, `invalid value for "since": ${url.searchParams.get('since')}`);
        const sinceNs = BigInt(Math.round(since * 1e6)) * 1000n;
        const timestamps = flag('timestamps');
        res.writeHead(200, { 'Content-Type': c.spec.tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream', 'Api-Version': API_VERSION });
        for (const line of c.logs) if (line.ns >= sinceNs && (line.stream === 1 ? stdout : stderr)) res.write(this.encode(c, line, timestamps));
        if (!flag('follow') || !c.running) return void res.end();
        const follower = { res, stdout, stderr, timestamps };
        c.followers.add(follower);
        res.on('close', () => c.followers.delete(follower));
    }

    private networkJson(n: FakeNetworkSpec) {
        return { Name: n.name, Id: n.id, Created: '2026-01-01T00:00:00Z', Scope: n.scope ?? 'local', Driver: 'bridge', EnableIPv6: false, Internal: n.internal ?? false, Attachable: false, Ingress: n.ingress ?? false, Options: {}, Labels: n.labels ?? {} };
    }

    private endpoints(c: Container) {
        const out: Record<string, { NetworkID: string; IPAddress: string; Gateway: string; MacAddress: string }> = {};
        for (const [name, ep] of Object.entries(c.spec.networks ?? {})) {
            const net = [...this.networks.values()].find((n) => n.name === name);
            out[name] = { NetworkID: net?.id ?? '', IPAddress: ep.IPAddress, Gateway: '', MacAddress: '' };
        }
        return out;
    }

    private summaryJson(c: Container) {
        return {
            Id: c.spec.id,
            Names: [`/${c.spec.name}`],
            Image: c.spec.image ?? 'busybox',
            ImageID: 'sha256:0',
            Command: 'sh',
            Created: 1_700_000_000 + c.created,
            Ports: c.spec.ports ?? [],
            Labels: c.spec.labels ?? {},
            State: c.running ? 'running' : 'exited',
            Status: c.running ? 'Up 1 second' : 'Exited (0) 1 second ago',
            HostConfig: { NetworkMode: c.spec.networkMode ?? 'bridge' },
            NetworkSettings: { Networks: this.endpoints(c) },
            Mounts: [],
        };
    }

    private inspectJson(c: Container) {
        return {
            Id: c.spec.id,
            Name: `/${c.spec.name}`,
            Created: '2026-01-01T00:00:00Z',
            State: { Status: c.running ? 'running' : 'exited', Running: c.running, Paused: false, Restarting: false, ExitCode: 0, StartedAt: '2026-01-01T00:00:00Z', FinishedAt: c.finishedAt },
            Config: { Tty: c.spec.tty ?? false, Image: c.spec.image ?? 'busybox', Labels: c.spec.labels ?? {}, AttachStdout: true, AttachStderr: true },
            HostConfig: { NetworkMode: c.spec.networkMode ?? 'bridge', LogConfig: { Type: 'json-file', Config: {} } },
            NetworkSettings: { Networks: this.endpoints(c) },
        };
    }

    async close(): Promise<void> {
        for (const c of this.containers.values()) for (const f of c.followers) f.res.end();
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
        rmSync(this.dir, { recursive: true, force: true });
    }
}

/** The `filters` query: `{"name": {"x": true}}` (map form) or `{"name": ["x"]}` (list form). */
function parseFilters(text: string | null): Record<string, string[]> {
    if (text === null || text === '') return {};
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch {
        throw new Error(`invalid filter: ${text}`);
    }
    const out: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
        if (!['id', 'name', 'label', 'status'].includes(k)) throw new Error(`invalid filter '${k}'`);
        out[k] = Array.isArray(v) ? v.map(String) : Object.keys(v as Record<string, unknown>);
    }
    return out;
}

function matches(c: Container, filters: Record<string, string[]>): boolean {
    const any = (k: string, f: (v: string) => boolean) => filters[k] === undefined || filters[k].some(f);
    return (
        any('id', (v) => c.spec.id.startsWith(v)) &&
        any('name', (v) => `/${c.spec.name}`.includes(v)) &&
        any('status', (v) => v === (c.running ? 'running' : 'exited')) &&
        (filters.label ?? []).every((v) => {
            const [k, val] = v.split('=', 2);
            const have = c.spec.labels?.[k];
            return val === undefined ? have !== undefined : have === val;
        })
    );
}
