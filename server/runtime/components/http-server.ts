// A small HTTP server wrapper for receiver components. The request handler is
// fixed when the ManagedServer is constructed (once per component instance,
// runtime notes §1 bug b); an update that changes the listen address only
// re-binds the socket, never re-creates the handler or its metrics.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { type Args, attr } from './decode.js';

export class HttpError extends Error {
    constructor(
        readonly status: number,
        message: string,
        readonly headers: Readonly<Record<string, string>> = {},
    ) {
        super(message);
        this.name = 'HttpError';
    }
}

/** Reads a whole request body, failing with 413 over `limitBytes` (0 = unlimited). */
export function readBody(req: http.IncomingMessage, limitBytes: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const declared = Number(req.headers['content-length']);
        if (limitBytes > 0 && Number.isFinite(declared) && declared > limitBytes) {
            req.resume();
            reject(new HttpError(413, `request body of ${declared} bytes exceeds the ${limitBytes}-byte limit`));
            return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        let failed = false;
        req.on('data', (chunk: Buffer) => {
            if (failed) return;
            size += chunk.length;
            if (limitBytes > 0 && size > limitBytes) {
                failed = true;
                reject(new HttpError(413, `request body exceeds the ${limitBytes}-byte limit`));
                return;
            }
            chunks.push(chunk);
        });
        req.on('end', () => {
            if (!failed) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
        });
        req.on('error', (e) => {
            if (!failed) {
                failed = true;
                reject(e);
            }
        });
    });
}

/** Decodes a `Content-Encoding` of gzip/deflate/identity; anything else is 415. */
export function decodeContentEncoding(body: Buffer, encoding: string | undefined, limitBytes: number): Buffer {
    const enc = (encoding ?? '').trim().toLowerCase();
    if (enc === '' || enc === 'identity') return body;
    const opts = limitBytes > 0 ? { maxOutputLength: limitBytes } : {};
    try {
        if (enc === 'gzip' || enc === 'x-gzip') return zlib.gunzipSync(body, opts);
        if (enc === 'deflate') return zlib.inflateSync(body, opts);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ERR_BUFFER_TOO_LARGE') throw new HttpError(413, `decompressed body exceeds the ${limitBytes}-byte limit`);
        throw new HttpError(400, `invalid ${enc} body: ${(e as Error).message}`);
    }
    throw new HttpError(415, `unsupported Content-Encoding "${enc}": flowlens' embedded runtime accepts gzip, deflate or none`);
}

export function sendText(res: http.ServerResponse, status: number, message: string, headers: Readonly<Record<string, string>> = {}): void {
    if (res.headersSent) {
        res.end();
        return;
    }
    const body = message === '' ? '' : message.endsWith('\n') ? message : message + '\n';
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
}

export interface ListenAddress {
    readonly host: string;
    readonly port: number;
}

export interface ServerTimeouts {
    /** Whole-request timeout (Node's server.requestTimeout), ms; 0 disables. */
    readonly requestTimeoutMs?: number;
    /** Idle keep-alive timeout, ms. */
    readonly keepAliveTimeoutMs?: number;
    /**
     * Time a client has to send the request line and headers, ms (Go's ReadHeaderTimeout, or its
     * ReadTimeout when that is 0). Default 60 s. A slowloris socket is closed after it.
     */
    readonly headersTimeoutMs?: number;
    /** Open connections at most; connections past it are closed at accept (Go's netutil.LimitListener would queue them). 0 = no limit. */
    readonly maxConnections?: number;
}

const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;

/** How often Node checks header and request deadlines: often enough that a timeout is kept within a quarter of it. */
function checkingInterval(t: ServerTimeouts): number {
    const shortest = Math.min(...[t.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, t.requestTimeoutMs || Infinity].filter((x) => x > 0));
    return Math.max(100, Math.min(30_000, Math.floor(shortest / 4)));
}

/**
 * One HTTP server per component instance. `listen()` binds (or re-binds when the address changed);
 * `close()` stops accepting, ends idle keep-alive connections and waits for in-flight requests.
 */
/** The attributes of that block flowlens honours (common/net/config.go HTTPConfig). */
export const DSKIT_HTTP_ATTRIBUTES = [
    attr('conn_limit', 'int'),
    attr('listen_address', 'string'),
    attr('listen_port', 'int'),
    attr('server_idle_timeout', 'duration'),
    attr('server_read_timeout', 'duration'),
    attr('server_write_timeout', 'duration'),
];

/**
 * The `http` block of Alloy's dskit-based receivers (loki.source.api, prometheus.receive_http,
 * pyroscope.receive_http): where to listen and the server's timeouts, with dskit's defaults.
 */
export function dskitHttpServer(h: Args | undefined, defaultHost: string): { address: ListenAddress; timeouts: ServerTimeouts } {
    const port = h?.int('listen_port', 8080, 0) ?? 8080;
    if (port > 65535) h!.fail('listen_port', `port ${port} out of range`);
    const readMs = h?.duration('server_read_timeout', 30_000) ?? 30_000;
    const writeMs = h?.duration('server_write_timeout', 30_000) ?? 30_000;
    const idleMs = h?.duration('server_idle_timeout', 120_000) ?? 120_000;
    return {
        address: { host: h?.string('listen_address', '') || defaultHost, port },
        // dskit leaves ReadHeaderTimeout 0, so Go bounds the headers by the read timeout.
        timeouts: { requestTimeoutMs: readMs + writeMs, keepAliveTimeoutMs: idleMs, headersTimeoutMs: readMs, maxConnections: h?.int('conn_limit', 0, 0) ?? 0 },
    };
}

export class ManagedServer {
    private server: http.Server | undefined;
    private bound: ListenAddress | undefined;
    private timeouts: ServerTimeouts = {};

    constructor(private readonly handler: http.RequestListener) {}

    /** The address actually bound (with the real port when 0 was asked for). */
    get address(): ListenAddress | undefined {
        const a = this.server?.address();
        if (a === null || a === undefined || typeof a === 'string') return undefined;
        return { host: (a as AddressInfo).address, port: (a as AddressInfo).port };
    }

    /** `http://host:port` of the bound server. */
    get url(): string | undefined {
        const a = this.address;
        if (a === undefined) return undefined;
        return `http://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
    }

    async listen(addr: ListenAddress, timeouts: ServerTimeouts = {}): Promise<void> {
        if (this.server !== undefined && this.bound !== undefined && this.bound.host === addr.host && this.bound.port === addr.port) {
            this.applyTimeouts(this.server, timeouts);
            return;
        }
        // Bind the new socket first, so a bad new address leaves the old server serving.
        const next = http.createServer({ connectionsCheckingInterval: checkingInterval(timeouts) }, this.handler);
        this.applyTimeouts(next, timeouts);
        await new Promise<void>((resolve, reject) => {
            const onError = (e: NodeJS.ErrnoException) => {
                next.off('listening', onListening);
                const reason = e.code === 'EADDRINUSE' ? 'address already in use' : e.code === 'EACCES' ? 'permission denied' : e.message;
                reject(new Error(`cannot listen on ${addr.host}:${addr.port}: ${reason}`));
            };
            const onListening = () => {
                next.off('error', onError);
                resolve();
            };
            next.once('error', onError);
            next.once('listening', onListening);
            next.listen(addr.port, addr.host);
        });
        const previous = this.server;
        this.server = next;
        this.bound = addr;
        if (previous !== undefined) await closeServer(previous);
    }

    private applyTimeouts(server: http.Server, timeouts: ServerTimeouts): void {
        this.timeouts = timeouts;
        if (this.timeouts.requestTimeoutMs !== undefined) server.requestTimeout = this.timeouts.requestTimeoutMs;
        if (this.timeouts.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = this.timeouts.keepAliveTimeoutMs;
        // Node requires the header deadline not to exceed the whole-request one.
        const headers = this.timeouts.headersTimeoutMs || DEFAULT_HEADERS_TIMEOUT_MS;
        server.headersTimeout = server.requestTimeout > 0 ? Math.min(headers, server.requestTimeout) : headers;
        if (this.timeouts.maxConnections !== undefined && this.timeouts.maxConnections > 0) server.maxConnections = this.timeouts.maxConnections;
    }

    async close(): Promise<void> {
        const s = this.server;
        this.server = undefined;
        this.bound = undefined;
        if (s !== undefined) await closeServer(s);
    }
}

function closeServer(server: http.Server): Promise<void> {
    return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests still running get a short grace period, then their sockets are closed.
        const t = setTimeout(() => server.closeAllConnections(), 2000);
        t.unref();
        server.once('close', () => clearTimeout(t));
    });
}
