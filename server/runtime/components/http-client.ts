// The HTTP client every exporter and scraper of the embedded runtime uses (prometheus.scrape,
// prometheus.remote_write, loki.write, otelcol.exporter.otlphttp, oauth2 token requests): node:http(s)
// with keep-alive agents, TLS from tls_config (files re-read when they change: a changed certificate
// or CA gets a fresh connection pool), authentication applied to every request (and every redirect
// hop, as Prometheus' round trippers do), proxies (absolute-form for http, CONNECT for https),
// redirects (at most 10, as Go's client), explicit timeouts and cancellation.
// Requests are HTTP/1.1: Node's HTTP/2 client does not share this agent model, so enable_http2
// (Go's ALPN negotiation) is accepted and has no effect on what is sent.

import http from 'node:http';
import https from 'node:https';
import { type ClientTls, resolveClientTls } from './http-tls.js';
import { type ProxyConfig, TunnelAgent, proxyAuthorization } from './http-proxy.js';

/** A request about to be sent, as authenticators see it (they add headers). */
export interface OutgoingRequest {
    readonly method: string;
    readonly url: URL;
    readonly headers: Record<string, string>;
    readonly body: Uint8Array;
}

/** Adds credentials to a request. */
export interface RequestAuth {
    apply(req: OutgoingRequest, signal?: AbortSignal): Promise<void>;
    close?(): void;
}

export interface HttpClientOptions {
    readonly auth?: RequestAuth;
    readonly tls?: ClientTls;
    readonly proxy?: ProxyConfig;
    /** Default true (Prometheus' default). */
    readonly followRedirects?: boolean;
}

export interface PostResult {
    status: number;
    /** Retry-After in milliseconds (seconds or HTTP-date form), when the server sent one. */
    retryAfterMs?: number;
    /** The start of the response body (for error messages). */
    text: string;
}

export interface RequestOptions {
    readonly method: string;
    /** Defaults to the client's URL. */
    readonly url?: string | URL;
    readonly body?: Uint8Array;
    readonly headers: Readonly<Record<string, string>>;
    readonly timeoutMs: number;
    readonly signal?: AbortSignal;
    /** Fail with BodyTooLarge past this many bytes (0 = keep only the first 4 KiB, for error messages). */
    readonly maxBodyBytes?: number;
}

export interface HttpResponse {
    readonly status: number;
    readonly statusText: string;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: Buffer;
    readonly url: URL;
}

export class BodyTooLarge extends Error {}

const MAX_REDIRECTS = 10;
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 16 };

export class HttpClient {
    private readonly url: URL;
    private httpAgent: http.Agent | undefined;
    private tlsAgent: { agent: http.Agent; key: string } | undefined;
    private readonly proxyAgents = new Map<string, http.Agent>();
    private readonly retired: http.Agent[] = [];

    constructor(
        url: string,
        private readonly options: HttpClientOptions = {},
    ) {
        this.url = new URL(url);
        checkScheme(this.url);
    }

    /** POSTs `body` to the client's URL; the response body is kept up to 4 KiB for messages. */
    async post(body: Uint8Array | string, headers: Readonly<Record<string, string>>, timeoutMs: number, signal?: AbortSignal): Promise<PostResult> {
        const res = await this.request({ method: 'POST', body: typeof body === 'string' ? Buffer.from(body) : body, headers, timeoutMs, signal });
        return { status: res.status, retryAfterMs: parseRetryAfter(res.headers['retry-after']), text: res.body.toString('utf8').slice(0, 1024).trim() };
    }

    /** Sends a request, following redirects when enabled; the timeout covers all hops and the body. */
    async request(o: RequestOptions): Promise<HttpResponse> {
        const deadline = AbortSignal.timeout(o.timeoutMs);
        const signal = o.signal ? AbortSignal.any([o.signal, deadline]) : deadline;
        let url = o.url === undefined ? this.url : new URL(o.url);
        let method = o.method;
        let body = o.body ?? new Uint8Array();
        for (let hop = 0; ; hop++) {
            checkScheme(url);
            const headers: Record<string, string> = { ...o.headers };
            await this.options.auth?.apply({ method, url, headers, body }, signal);
            const res = await this.once(method, url, headers, body, signal, o, deadline);
            const location = res.headers.location;
            if (this.options.followRedirects === false || location === undefined || ![301, 302, 303, 307, 308].includes(res.status)) return res;
            if (res.status < 307 && method !== 'GET' && method !== 'HEAD') {
                // Go turns these into a GET without body, which no sender here means: report the status.
                return res;
            }
            if (hop + 1 >= MAX_REDIRECTS) throw new Error(`stopped after ${MAX_REDIRECTS} redirects`);
            url = new URL(location, url);
            if (res.status === 303) {
                method = 'GET';
                body = new Uint8Array();
            }
        }
    }

    private async once(method: string, url: URL, headers: Record<string, string>, body: Uint8Array, signal: AbortSignal, o: RequestOptions, deadline: AbortSignal): Promise<HttpResponse> {
        const proxy = this.options.proxy?.proxyFor(url);
        const agent = await this.agentFor(url, proxy);
        const viaHttpProxy = proxy !== undefined && url.protocol === 'http:';
        const transport = viaHttpProxy ? (proxy.protocol === 'https:' ? https : http) : url.protocol === 'https:' ? https : http;
        if (viaHttpProxy) {
            const auth = proxyAuthorization(proxy);
            if (auth !== undefined) headers['Proxy-Authorization'] = auth;
        }
        const target: { protocol: string; hostname: string; port: string | number | undefined; path: string; headers: Record<string, string> } = viaHttpProxy
            ? { protocol: proxy.protocol, hostname: proxy.hostname.replace(/^\[|\]$/g, ''), port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80), path: url.href, headers: { ...headers, Host: url.host } }
            : { protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || undefined, path: url.pathname + url.search, headers };
        if (body.byteLength > 0 || method === 'POST' || method === 'PUT') target.headers['Content-Length'] = String(body.byteLength);
        return new Promise<HttpResponse>((resolve, reject) => {
            if (signal.aborted) {
                reject(abortError(o, deadline));
                return;
            }
            const req = transport.request({ ...target, method, agent }, (res) => {
                const chunks: Buffer[] = [];
                let size = 0;
                const limit = o.maxBodyBytes ?? 0;
                res.on('data', (c: Buffer) => {
                    size += c.length;
                    if (limit > 0 && size > limit) {
                        req.destroy(new BodyTooLarge(`body size limit exceeded: more than ${limit} bytes`));
                        return;
                    }
                    if (limit > 0 || size - c.length < 4096) chunks.push(c);
                });
                res.on('end', () => {
                    cleanup();
                    resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks), url });
                });
                res.on('error', (e) => {
                    cleanup();
                    reject(e);
                });
            });
            const onAbort = () => req.destroy(abortError(o, deadline));
            signal.addEventListener('abort', onAbort, { once: true });
            const cleanup = () => signal.removeEventListener('abort', onAbort);
            req.on('error', (e) => {
                cleanup();
                reject(e);
            });
            req.end(body);
        });
    }

    private async agentFor(url: URL, proxy: URL | undefined): Promise<http.Agent> {
        if (url.protocol === 'http:') {
            if (proxy === undefined) return (this.httpAgent ??= new http.Agent(AGENT_OPTIONS));
            const key = `proxy ${proxy.href}`;
            let agent = this.proxyAgents.get(key);
            if (agent === undefined) {
                agent = proxy.protocol === 'https:' ? new https.Agent(AGENT_OPTIONS) : new http.Agent(AGENT_OPTIONS);
                this.proxyAgents.set(key, agent);
            }
            return agent;
        }
        const tls = await resolveClientTls(this.options.tls);
        const key = `${tls.fingerprint} ${proxy?.href ?? ''}`;
        if (this.tlsAgent?.key !== key) {
            if (this.tlsAgent !== undefined) this.retired.push(this.tlsAgent.agent); // in-flight requests finish on it
            const options = { ...AGENT_OPTIONS, ...tls.options };
            const agent: http.Agent = proxy !== undefined ? new TunnelAgent(proxy, this.options.proxy?.connectHeaders ?? {}, options) : new https.Agent(options);
            this.tlsAgent = { key, agent };
            return agent;
        }
        return this.tlsAgent.agent;
    }

    close(): void {
        this.options.auth?.close?.();
        this.httpAgent?.destroy();
        this.tlsAgent?.agent.destroy();
        for (const a of this.proxyAgents.values()) a.destroy();
        for (const a of this.retired) a.destroy();
        this.retired.length = 0;
    }
}

function checkScheme(url: URL): void {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported URL scheme ${JSON.stringify(url.protocol)}: expected http or https`);
}

function abortError(o: RequestOptions, deadline: AbortSignal): Error {
    return deadline.aborted ? new Error(`request timed out after ${o.timeoutMs} ms`) : new Error('request aborted');
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

const UNTRUSTED = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED']);

/** Describes a network error with its code (`ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9`), TLS failures in words. */
export function describeNetworkError(e: unknown): string {
    const err = e as NodeJS.ErrnoException;
    const code = err?.code ?? '';
    if (UNTRUSTED.has(code)) return `TLS: the server's certificate is not trusted (${code}: ${err.message}); set tls_config ca_file or ca_pem to the CA that signed it`;
    if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return `TLS: the server's certificate is not valid now (${code}: ${err.message})`;
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `TLS: the server's certificate does not name this host (${err.message}); set tls_config server_name to a name it holds`;
    if (/ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE)/.test(code)) return `TLS: the server refused the handshake (${code}); check the client certificate (tls_config cert_file/key_file) and that the server trusts its CA`;
    if (code && !String(err.message).includes(code)) return `${code}: ${err.message}`;
    return err?.message ?? String(e);
}
