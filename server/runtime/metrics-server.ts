// The /metrics endpoint: the runtime's registry in the Prometheus text format,
// on 127.0.0.1 unless the user names another address.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export const DEFAULT_HOST = '127.0.0.1';

/** Parses `HOST:PORT`, `:PORT` or `PORT` (0 = any free port); the host defaults to 127.0.0.1. */
export function parseListenAddress(text: string): { host: string; port: number } {
    const m = /^(?:(\[[^\]]+\]|[^:]*):)?(\d{1,5})$/.exec(text.trim());
    if (!m) throw new Error(`"${text}" is not an address: use HOST:PORT, e.g. 127.0.0.1:9090 (port 0 picks a free port)`);
    const port = Number(m[2]);
    if (port > 65535) throw new Error(`port ${port} is out of range`);
    const host = m[1] ? m[1].replace(/^\[|\]$/g, '') : DEFAULT_HOST;
    return { host, port };
}

export interface MetricsServer {
    /** `http://HOST:PORT/metrics` */
    readonly url: string;
    readonly port: number;
    close(): Promise<void>;
}

/** `redact` scrubs the exposition text: label values (an endpoint's URL) may carry credentials. */
export async function serveMetrics(registry: Registry, address: { host: string; port: number }, redact: (text: string) => string = (t) => t): Promise<MetricsServer> {
    const server = http.createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        if (req.method !== 'GET' && req.method !== 'HEAD') {
            res.writeHead(405, { Allow: 'GET, HEAD' }).end();
            return;
        }
        if (path !== '/metrics') {
            res.writeHead(404, { 'Content-Type': 'text/plain' }).end('flowlens serves /metrics only\n');
            return;
        }
        registry.metrics().then(
            (text) => {
                res.writeHead(200, { 'Content-Type': registry.contentType });
                res.end(req.method === 'HEAD' ? undefined : redact(text));
            },
            (err: unknown) => {
                res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`flowlens: rendering metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
            },
        );
    });
    // A scrape is short; an idle keep-alive connection must not hold up shutdown.
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(address.port, address.host, () => {
            server.off('error', reject);
            resolve();
        });
    });
    const { port } = server.address() as AddressInfo;
    const host = address.host.includes(':') ? `[${address.host}]` : address.host;
    let closing: Promise<void> | undefined;
    return {
        url: `http://${host}:${port}/metrics`,
        port,
        close: () =>
            (closing ??= new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            })),
    };
}
