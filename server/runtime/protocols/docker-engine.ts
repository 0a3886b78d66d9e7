// A Docker Engine API client for what discovery.docker and loki.source.docker read: the container
// list, networks, container inspection and the log stream, over the daemon's unix socket
// (`unix:///var/run/docker.sock`) or TCP (`tcp://`, `http://`, `https://`). Paths carry no version
// prefix, so the daemon answers with its own current API version. Non-TTY log streams are
// multiplexed: each frame is an 8-byte header (stream type 1 = stdout, 2 = stderr, three zero bytes,
// big-endian uint32 payload size) followed by the payload.

import http from 'node:http';
import https from 'node:https';

/** The fields of GET /containers/json items that discovery reads. */
export interface DockerContainer {
    readonly Id: string;
    readonly Names?: readonly string[] | null;
    readonly Labels?: Readonly<Record<string, string>> | null;
    readonly Ports?: readonly { readonly IP?: string; readonly PrivatePort: number; readonly PublicPort?: number; readonly Type: string }[] | null;
    readonly HostConfig?: { readonly NetworkMode?: string } | null;
    readonly NetworkSettings?: { readonly Networks?: Readonly<Record<string, DockerEndpoint | null>> | null } | null;
}

export interface DockerEndpoint {
    readonly NetworkID?: string;
    readonly IPAddress?: string;
}

/** GET /networks items. */
export interface DockerNetwork {
    readonly Id: string;
    readonly Name: string;
    readonly Scope?: string;
    readonly Internal?: boolean;
    readonly Ingress?: boolean;
    readonly Labels?: Readonly<Record<string, string>> | null;
}

/** The fields of GET /containers/{id}/json that the log tailer reads. */
export interface DockerContainerInspect {
    readonly Id: string;
    readonly Config?: { readonly Tty?: boolean } | null;
    readonly State?: { readonly Running?: boolean; readonly FinishedAt?: string } | null;
}

/** An error answer of the daemon (its `{"message": ...}` body and status). */
export class DockerApiError extends Error {
    constructor(
        readonly status: number,
        message: string,
    ) {
        super(message);
        this.name = 'DockerApiError';
    }
}

export interface DockerClientOptions {
    /** Request headers over HTTP(S) (authentication, http_headers). Not sent over a unix socket, as Prometheus' client does not. */
    readonly headers?: () => Promise<Record<string, string>>;
    /** Per-request timeout for the JSON calls (the refresh interval). */
    readonly timeoutMs?: number;
    readonly userAgent?: string;
}

const SUPPORTED_SCHEMES = ['unix:', 'tcp:', 'http:', 'https:'];

/** Checks a `host` argument; returns a problem, or undefined when the client can use it. */
export function dockerHostProblem(host: string): string | undefined {
    let url: URL;
    try {
        url = new URL(host);
    } catch {
        return `unable to parse docker host ${JSON.stringify(host)}`;
    }
    if (!SUPPORTED_SCHEMES.includes(url.protocol)) return `the ${url.protocol.replace(':', '')} scheme is not supported by flowlens' embedded runtime (unix, tcp, http and https are)`;
    if (url.protocol === 'unix:' && url.pathname === '') return `no socket path in docker host ${JSON.stringify(host)}`;
    return undefined;
}

export class DockerClient {
    private readonly transport: typeof http | typeof https;
    private readonly base: { socketPath?: string; host?: string; port?: number };
    private readonly viaHttp: boolean;

    constructor(
        host: string,
        private readonly options: DockerClientOptions = {},
    ) {
        const problem = dockerHostProblem(host);
        if (problem !== undefined) throw new Error(problem);
        const url = new URL(host);
        this.transport = url.protocol === 'https:' ? https : http;
        this.viaHttp = url.protocol === 'http:' || url.protocol === 'https:';
        if (url.protocol === 'unix:') this.base = { socketPath: decodeURIComponent(url.pathname) };
        else this.base = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (url.protocol === 'https:' ? 443 : url.protocol === 'tcp:' ? 2375 : 80)) };
    }

    private async request(path: string, signal: AbortSignal | undefined, timeoutMs: number | undefined): Promise<http.IncomingMessage> {
        const headers: Record<string, string> = { 'User-Agent': this.options.userAgent ?? 'flowlens' };
        if (this.viaHttp && this.options.headers) Object.assign(headers, await this.options.headers());
        return new Promise((resolve, reject) => {
            const req = this.transport.request({ ...this.base, path, method: 'GET', headers, signal }, resolve);
            req.on('error', reject);
            if (timeoutMs !== undefined) req.setTimeout(timeoutMs, () => req.destroy(new Error(`request to the Docker daemon timed out after ${timeoutMs} ms`)));
            req.end();
        });
    }

    private async json<T>(path: string, signal?: AbortSignal): Promise<T> {
        const res = await this.request(path, signal, this.options.timeoutMs);
        const chunks: Buffer[] = [];
        for await (const c of res) chunks.push(c as Buffer);
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) throw apiError(res.statusCode ?? 0, text);
        return JSON.parse(text) as T;
    }

    /** GET /containers/json with `filters` (name → values, sent in the daemon's map form). */
    listContainers(filters: ReadonlyMap<string, readonly string[]>, signal?: AbortSignal): Promise<DockerContainer[]> {
        let path = '/containers/json';
        if (filters.size > 0) {
            const f: Record<string, Record<string, boolean>> = {};
            for (const [name, values] of filters) for (const v of values) (f[name] ??= {})[v] = true;
            path += `?filters=${encodeURIComponent(JSON.stringify(f))}`;
        }
        return this.json(path, signal);
    }

    listNetworks(signal?: AbortSignal): Promise<DockerNetwork[]> {
        return this.json('/networks', signal);
    }

    inspectContainer(id: string, signal?: AbortSignal): Promise<DockerContainerInspect> {
        return this.json(`/containers/${encodeURIComponent(id)}/json`, signal);
    }

    /**
     * Follows a container's stdout and stderr with timestamps from `since` (Unix seconds); resolves
     * with the open response stream (raw for a TTY container, multiplexed otherwise).
     */
    async followLogs(id: string, since: number, signal: AbortSignal): Promise<http.IncomingMessage> {
        const res = await this.request(`/containers/${encodeURIComponent(id)}/logs?stdout=1&stderr=1&follow=1&timestamps=1&since=${since}`, signal, undefined);
        if (res.statusCode !== 200) {
            const chunks: Buffer[] = [];
            for await (const c of res) chunks.push(c as Buffer);
            throw apiError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'));
        }
        return res;
    }
}

function apiError(status: number, body: string): DockerApiError {
    let message = body.trim();
    try {
        const parsed = JSON.parse(body) as { message?: unknown };
        if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
        // not JSON: the text itself
    }
    return new DockerApiError(status, `Error response from daemon: ${message || `HTTP status ${status}`}`);
}

/** Stream types of a multiplexed frame. */
export const STDOUT = 1;
export const STDERR = 2;

/**
 * Splits a multiplexed log stream into frames (Docker's stdcopy): feed it chunks, it calls `onFrame`
 * with each complete frame's stream type and payload. Stream 0 (stdin) is written to stdout, as
 * stdcopy does; 3 (systemerr) is an error the daemon reports in-band.
 */
export class FrameDecoder {
    private pending: Buffer = Buffer.alloc(0);

    constructor(private readonly onFrame: (stream: number, payload: Buffer) => void) {}

    push(chunk: Buffer): void {
        let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
        while (buf.length >= 8) {
            const size = buf.readUInt32BE(4);
            if (buf.length < 8 + size) break;
            const stream = buf[0];
            const payload = buf.subarray(8, 8 + size);
            if (stream === 3) throw new Error(`error from daemon in stream: ${payload.toString('utf8')}`);
            if (stream > 3) throw new Error(`unrecognized input header: ${stream}`);
            this.onFrame(stream === 0 ? STDOUT : stream, payload);
            buf = buf.subarray(8 + size);
        }
        this.pending = Buffer.from(buf);
    }
}
