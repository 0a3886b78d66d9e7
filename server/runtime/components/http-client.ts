// A minimal HTTP POST client on node:http(s) with keep-alive agents, used by
// the exporters (remote write, OTLP/HTTP). Cheaper per request than fetch on
// the benchmark path, with explicit timeouts and cancellation.

import http from 'node:http';
import https from 'node:https';

export interface PostResult {
    status: number;
    /** Retry-After in milliseconds (seconds or HTTP-date form), when the server sent one. */
    retryAfterMs?: number;
    /** The start of the response body (for error messages). */
    text: string;
}

export class HttpClient {
    private readonly agent: http.Agent;
    private readonly url: URL;
    private readonly transport: typeof http | typeof https;

    constructor(url: string, options: { insecureSkipVerify?: boolean } = {}) {
        this.url = new URL(url);
        if (this.url.protocol !== 'http:' && this.url.protocol !== 'https:') {
            throw new Error(`unsupported URL scheme ${JSON.stringify(this.url.protocol)}: expected http or https`);
        }
        if (this.url.protocol === 'https:') {
            this.transport = https;
            this.agent = new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: !options.insecureSkipVerify });
        } else {
            this.transport = http;
            this.agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
        }
    }

    post(body: Uint8Array | string, headers: Readonly<Record<string, string>>, timeoutMs: number, signal?: AbortSignal): Promise<PostResult> {
        return new Promise((resolve, reject) => {
            if (signal?.aborted) {
                reject(new Error('request aborted'));
                return;
            }
            const payload = typeof body === 'string' ? Buffer.from(body) : body;
            const req = this.transport.request(
                this.url,
                {
                    method: 'POST',
                    agent: this.agent,
                    headers: { ...headers, 'Content-Length': String(payload.byteLength) },
                },
                (res) => {
                    const chunks: Buffer[] = [];
                    let size = 0;
                    res.on('data', (c: Buffer) => {
                        if (size < 4096) {
                            chunks.push(c);
                            size += c.length;
                        }
                    });
                    res.on('end', () => {
                        cleanup();
                        resolve({
                            status: res.statusCode ?? 0,
                            retryAfterMs: parseRetryAfter(res.headers['retry-after']),
                            text: Buffer.concat(chunks).toString('utf8').slice(0, 1024).trim(),
                        });
                    });
                    res.on('error', (e) => {
                        cleanup();
                        reject(e);
                    });
                },
            );
            const timer = setTimeout(() => req.destroy(new Error(`request timed out after ${timeoutMs} ms`)), timeoutMs);
            const onAbort = () => req.destroy(new Error('request aborted'));
            signal?.addEventListener('abort', onAbort, { once: true });
            const cleanup = () => {
                clearTimeout(timer);
                signal?.removeEventListener('abort', onAbort);
            };
            req.on('error', (e) => {
                cleanup();
                reject(e);
            });
            req.end(payload);
        });
    }

    close(): void {
        this.agent.destroy();
    }
}

export function parseRetryAfter(v: string | string[] | undefined): number | undefined {
    const s = Array.isArray(v) ? v[0] : v;
    if (s === undefined || s.trim() === '') return undefined;
    if (/^\d+$/.test(s.trim())) return Number(s.trim()) * 1000;
    const date = Date.parse(s);
    if (Number.isNaN(date)) return undefined;
    return Math.max(0, date - Date.now());
}

/** Waits `ms`, resolving early (with false) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
        if (signal?.aborted) {
            resolve(false);
            return;
        }
        const t = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve(true);
        }, ms);
        const onAbort = () => {
            clearTimeout(t);
            resolve(false);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}

/** Describes a network error with its code (`ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9`). */
export function describeNetworkError(e: unknown): string {
    const err = e as NodeJS.ErrnoException;
    if (err?.code && !String(err.message).includes(err.code)) return `${err.code}: ${err.message}`;
    return err?.message ?? String(e);
}
