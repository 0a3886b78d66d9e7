// Which proxy an HTTP client goes through, as Prometheus' ProxyConfig decides: proxy_url for every
// request (or, with no_proxy, for hosts not excluded by it), or proxy_from_environment (HTTP_PROXY,
// HTTPS_PROXY, NO_PROXY, as Go's httpproxy reads them); proxy_connect_header is sent with CONNECT.
// Plain-HTTP requests are sent to the proxy in absolute form; HTTPS requests go through a CONNECT tunnel.

import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { ArgumentSchemaEntry } from '../component.js';
import { type Args, attr } from './decode.js';

export const PROXY_ATTRIBUTES: readonly ArgumentSchemaEntry[] = [
    attr('proxy_url', 'string'),
    attr('no_proxy', 'string'),
    attr('proxy_from_environment', 'bool'),
    attr('proxy_connect_header', 'map(list(secret))'),
];

export interface ProxyConfig {
    /** The proxy for a target URL, or undefined to connect directly. */
    readonly proxyFor: (target: URL) => URL | undefined;
    readonly connectHeaders: Readonly<Record<string, string>>;
}

/** Reads the proxy attributes of `a`, validated with Alloy's ProxyConfig messages. */
export function decodeProxy(a: Args, env: NodeJS.ProcessEnv = process.env): ProxyConfig | undefined {
    const proxyUrl = a.string('proxy_url') ?? '';
    const noProxy = a.string('no_proxy') ?? '';
    const fromEnv = a.bool('proxy_from_environment', false);
    const connect = a.stringListMap('proxy_connect_header', true) ?? new Map<string, string[]>();
    if (connect.size > 0 && !fromEnv && proxyUrl === '') a.fail('proxy_connect_header', 'if proxy_connect_header is configured, proxy_url or proxy_from_environment must also be configured');
    if (fromEnv && proxyUrl !== '') a.fail('proxy_from_environment', 'if proxy_from_environment is configured, proxy_url must not be configured');
    if (fromEnv && noProxy !== '') a.fail('proxy_from_environment', 'if proxy_from_environment is configured, no_proxy must not be configured');
    if (proxyUrl === '' && noProxy !== '') a.fail('no_proxy', 'if no_proxy is configured, proxy_url must also be configured');
    const connectHeaders = Object.fromEntries([...connect].map(([k, vs]) => [k, vs.join(', ')]));
    if (fromEnv) {
        const httpProxy = parseProxy(env.HTTP_PROXY ?? env.http_proxy);
        const httpsProxy = parseProxy(env.HTTPS_PROXY ?? env.https_proxy);
        const excluded = noProxyMatcher(env.NO_PROXY ?? env.no_proxy ?? '');
        return { connectHeaders, proxyFor: (t) => (excluded(t) ? undefined : t.protocol === 'https:' ? httpsProxy : httpProxy) };
    }
    if (proxyUrl === '') return undefined;
    let proxy: URL;
    try {
        proxy = new URL(proxyUrl);
    } catch {
        a.fail('proxy_url', `invalid proxy URL ${JSON.stringify(proxyUrl)}`);
    }
    if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') a.fail('proxy_url', `unsupported proxy scheme ${JSON.stringify(proxy.protocol.slice(0, -1))}: flowlens' embedded runtime supports http and https proxies`);
    // Prometheus: without no_proxy every request uses the proxy; with it, Go's httpproxy rules apply.
    if (noProxy === '') return { connectHeaders, proxyFor: () => proxy };
    const excluded = noProxyMatcher(noProxy);
    return { connectHeaders, proxyFor: (t) => (excluded(t) ? undefined : proxy) };
}

function parseProxy(v: string | undefined): URL | undefined {
    if (!v) return undefined;
    try {
        return new URL(v.includes('://') ? v : `http://${v}`);
    } catch {
        return undefined;
    }
}

function defaultPort(u: URL): string {
    return u.port || (u.protocol === 'https:' ? '443' : '80');
}

function hostOf(u: URL): string {
    return u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/** Go's httpproxy rules: localhost and loopback are never proxied; `*`, IPs, CIDRs, domains (with subdomains), optional ports. */
export function noProxyMatcher(spec: string): (target: URL) => boolean {
    const entries = spec.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
    return (target) => {
        const host = hostOf(target);
        if (host === 'localhost' || (net.isIP(host) && isLoopback(host))) return true;
        for (const entry of entries) {
            if (entry === '*') return true;
            if (entry.includes('/')) {
                if (net.isIP(host) && inCidr(host, entry)) return true;
                continue;
            }
            let name = entry;
            let port = '';
            const m = /^(.*):(\d+)$/.exec(entry);
            if (m && !net.isIPv6(entry)) {
                name = m[1];
                port = m[2];
            }
            name = name.replace(/^\[|\]$/g, '');
            if (port !== '' && port !== defaultPort(target)) continue;
            if (net.isIP(name)) {
                if (name === host) return true;
                continue;
            }
            const bare = name.startsWith('*.') ? name.slice(1) : name;
            if (bare.startsWith('.') ? host.endsWith(bare) : host === bare || host.endsWith('.' + bare)) return true;
        }
        return false;
    };
}

function isLoopback(ip: string): boolean {
    return ip === '::1' || ip.startsWith('127.');
}

function inCidr(ip: string, cidr: string): boolean {
    const [base, bits] = cidr.split('/');
    const list = new net.BlockList();
    try {
        list.addSubnet(base, Number(bits), net.isIPv6(base) ? 'ipv6' : 'ipv4');
        return list.check(ip, net.isIPv6(ip) ? 'ipv6' : 'ipv4');
    } catch {
        return false;
    }
}

/** Proxy-Authorization for a proxy URL with userinfo. */
export function proxyAuthorization(proxy: URL): string | undefined {
    if (proxy.username === '' && proxy.password === '') return undefined;
    return 'Basic ' + Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64');
}

/**
 * An https.Agent whose connections are TLS sessions inside a CONNECT tunnel through `proxy`
 * (kept alive and pooled like direct ones).
 */
export class TunnelAgent extends https.Agent {
    constructor(
        private readonly proxy: URL,
        private readonly connectHeaders: Readonly<Record<string, string>>,
        options: https.AgentOptions,
    ) {
        super(options);
    }

    override createConnection(agentOptions: http.ClientRequestArgs, callback?: (err: Error | null, stream: net.Socket) => void): undefined {
        const options = agentOptions as tls.ConnectionOptions & { host?: string; port?: number };
        const done = (err: Error | null, socket?: net.Socket) => callback?.(err, socket as net.Socket);
        const target = `${options.host?.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
        const auth = proxyAuthorization(this.proxy);
        const transport = this.proxy.protocol === 'https:' ? https : http;
        const req = transport.request({
            host: hostOf(this.proxy),
            port: defaultPort(this.proxy),
            method: 'CONNECT',
            path: target,
            headers: { Host: target, ...this.connectHeaders, ...(auth ? { 'Proxy-Authorization': auth } : {}) },
            agent: false,
        });
        req.once('connect', (res, socket) => {
            if (res.statusCode !== 200) {
                socket.destroy();
                done(new Error(`proxy ${this.proxy.host} refused CONNECT to ${target}: HTTP ${res.statusCode}${res.statusMessage ? ' ' + res.statusMessage : ''}`));
                return;
            }
            const secure = tls.connect({ ...options, socket, servername: options.servername ?? (net.isIP(options.host ?? '') ? undefined : options.host) });
            done(null, secure);
        });
        req.once('error', (e) => done(new Error(`proxy ${this.proxy.host}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)));
        req.end();
        return undefined;
    }
}
