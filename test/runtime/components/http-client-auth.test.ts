import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OAuth2TokenSource } from '../../../server/runtime/components/http-oauth2.js';
import { prometheusScrape } from '../../../server/runtime/components/prometheus/scrape.js';
import { type Running, body, sampleSink, startComponent, stopAll, waitFor } from './harness.js';
import { type Pki, makePki } from './tls-fixtures.js';

afterEach(stopAll);

const PAGE = '# TYPE temperature gauge\ntemperature 21.5\n';
const pki: Pki | undefined = makePki();
if (pki === undefined) console.log('openssl is not installed: TLS tests are skipped');

const closers: (() => void)[] = [];
afterAll(() => closers.forEach((c) => c()));

async function listen(server: http.Server): Promise<number> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => {
        server.close();
        server.closeAllConnections();
    });
    return (server.address() as AddressInfo).port;
}

/** An HTTPS metrics endpoint that requires a client certificate signed by the test CA. */
async function mtlsTarget(seen: string[]): Promise<number> {
    const server = https.createServer({ cert: pki!.serverCertPem, key: pki!.serverKeyPem, ca: pki!.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
        seen.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
        res.end(PAGE);
    });
    return listen(server);
}

function scrape(port: number, extra: Record<string, unknown>, blocks: Record<string, ReturnType<typeof body>>) {
    const sink = sampleSink();
    return startComponent(prometheusScrape, body({ targets: [{ __address__: `127.0.0.1:${port}`, __scheme__: 'https' }], forward_to: [sink.value], scrape_interval: '1s', ...extra }, blocks));
}

const health = (r: Running) => () => r.ctx.health.message;

describe.skipIf(pki === undefined)('tls_config on the shared HTTP client', () => {
    it('scrapes over mutual TLS with ca_file, cert_file and key_file', async () => {
        const seen: string[] = [];
        const port = await mtlsTarget(seen);
        const r = await scrape(port, {}, { tls_config: body({ ca_file: pki!.caFile, cert_file: pki!.clientCertFile, key_file: pki!.clientKeyFile }) });
        await waitFor(() => seen.length > 0 && r.ctx.health.message.includes('1 of 1 target(s) up'), 8000, 'an mTLS scrape');
        expect(seen[0]).toBe('flowlens test client');
    });

    it('refuses a server signed by another CA with a clear error', async () => {
        const port = await mtlsTarget([]);
        const r = await scrape(port, {}, { tls_config: body({ ca_file: pki!.otherCaFile, cert_file: pki!.clientCertFile, key_file: pki!.clientKeyFile }) });
        await waitFor(() => r.ctx.health.message.includes('0 of 1'), 8000, 'a failed scrape');
        expect(health(r)()).toMatch(/TLS: the server's certificate is not trusted .*set tls_config ca_file or ca_pem/);
    });

    it('reports the server refusing a missing client certificate', async () => {
        const port = await mtlsTarget([]);
        const r = await scrape(port, {}, { tls_config: body({ ca_pem: pki!.ca }) });
        await waitFor(() => r.ctx.health.message.includes('0 of 1'), 8000, 'a failed scrape');
        expect(health(r)()).toMatch(/TLS: the server refused the handshake|ECONNRESET/);
    });

    it('checks the server name against server_name', async () => {
        const port = await mtlsTarget([]);
        const tls = { ca_file: pki!.caFile, cert_file: pki!.clientCertFile, key_file: pki!.clientKeyFile };
        const bad = await scrape(port, {}, { tls_config: body({ ...tls, server_name: 'elsewhere.example' }) });
        await waitFor(() => bad.ctx.health.message.includes('0 of 1'), 8000, 'a failed scrape');
        expect(health(bad)()).toMatch(/does not name this host.*server_name/);
        const good = await scrape(port, {}, { tls_config: body({ ...tls, server_name: 'localhost' }) });
        await waitFor(() => good.ctx.health.message.includes('1 of 1 target(s) up'), 8000, 'a scrape with server_name localhost');
    });

    it('rejects exclusive combinations with Alloy messages', async () => {
        await expect(scrape(1, {}, { tls_config: body({ ca_file: 'a', ca_pem: 'b' }) })).rejects.toThrow('tls_config > ca_pem: at most one of ca_pem and ca_file must be configured');
        await expect(scrape(1, {}, { tls_config: body({ cert_file: 'a' }) })).rejects.toThrow('exactly one of key_pem or key_file must be configured when a client certificate is configured');
        await expect(scrape(1, {}, { tls_config: body({ min_version: 'TLS14' }) })).rejects.toThrow('unknown TLS version: TLS14');
        await expect(scrape(1, { bearer_token: 'x' }, { basic_auth: body({ username: 'u' }) })).rejects.toThrow('at most one of basic_auth, authorization, oauth2, bearer_token & bearer_token_file must be configured');
        await expect(scrape(1, {}, { oauth2: body({ client_id: 'id', token_url: 'http://t/' }) })).rejects.toThrow('either oauth2 client_secret or client_secret_file must be configured');
        await expect(scrape(1, { no_proxy: 'x' }, {})).rejects.toThrow('if no_proxy is configured, proxy_url must also be configured');
        await expect(scrape(1, { proxy_from_environment: true, proxy_url: 'http://p:1' }, {})).rejects.toThrow('if proxy_from_environment is configured, proxy_url must not be configured');
    });
});

describe('credentials on the shared HTTP client', () => {
    it('re-reads bearer_token_file when the token rotates', async () => {
        const auth: string[] = [];
        const port = await listen(http.createServer((req, res) => (auth.push(String(req.headers.authorization)), res.end(PAGE))));
        const file = path.join(makeDir(), 'token');
        writeFileSync(file, 'first-token\n');
        const sink = sampleSink();
        const r = await startComponent(prometheusScrape, body({ targets: [{ __address__: `127.0.0.1:${port}` }], forward_to: [sink.value], scrape_interval: '1s', bearer_token_file: file }));
        await waitFor(() => auth.length >= 1, 5000, 'a first scrape');
        expect(auth[0]).toBe('Bearer first-token');
        writeFileSync(file, 'second-token-longer\n');
        await waitFor(() => auth.includes('Bearer second-token-longer'), 5000, 'a scrape with the rotated token');
        expect(JSON.stringify(r.ctx.logs) + r.ctx.health.message).not.toContain('token');
    });

    it('fetches an oauth2 token once, sends it, and reuses it across scrapes', async () => {
        const tokenRequests: { auth: string; body: string }[] = [];
        const tokenPort = await listen(
            http.createServer((req, res) => {
                let text = '';
                req.on('data', (c: Buffer) => (text += c.toString()));
                req.on('end', () => {
                    tokenRequests.push({ auth: String(req.headers.authorization), body: text });
                    res.writeHead(200, { 'Content-Type': 'application/json' });
                    res.end(JSON.stringify({ access_token: `tok-${tokenRequests.length}`, token_type: 'bearer', expires_in: 3600 }));
                });
            }),
        );
        const seen: string[] = [];
        const port = await listen(http.createServer((req, res) => (seen.push(String(req.headers.authorization)), res.end(PAGE))));
        const sink = sampleSink();
        const r = await startComponent(
            prometheusScrape,
            body({ targets: [{ __address__: `127.0.0.1:${port}` }], forward_to: [sink.value], scrape_interval: '1s' }, { oauth2: body({ client_id: 'my client', client_secret: 's3cr3t-value', token_url: `http://127.0.0.1:${tokenPort}/token`, scopes: ['a', 'b'], endpoint_params: { audience: 'x' } }) }),
        );
        await waitFor(() => seen.length >= 3, 8000, 'three scrapes');
        expect(seen.slice(0, 3)).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1']);
        expect(tokenRequests).toHaveLength(1);
        expect(tokenRequests[0].auth).toBe('Basic ' + Buffer.from('my+client:s3cr3t-value').toString('base64'));
        expect(Object.fromEntries(new URLSearchParams(tokenRequests[0].body))).toEqual({ grant_type: 'client_credentials', scope: 'a b', audience: 'x' });
        expect(JSON.stringify(r.ctx.logs) + r.ctx.health.message).not.toContain('s3cr3t');
    });

    it('refreshes an oauth2 token 10 s before it expires, and says why a token request failed', async () => {
        let fail = false;
        let n = 0;
        const tokenPort = await listen(
            http.createServer((_req, res) => {
                if (fail) {
                    res.writeHead(401, { 'Content-Type': 'application/json' });
                    res.end(JSON.stringify({ error: 'invalid_client', error_description: 'bad secret s3cr3t' }));
                    return;
                }
                n++;
                res.writeHead(200, { 'Content-Type': 'application/json' });
                res.end(JSON.stringify({ access_token: `tok-${n}`, expires_in: 60 }));
            }),
        );
        let now = 1_000_000;
        const source = new OAuth2TokenSource({ clientId: 'id', clientSecret: 's3cr3t', scopes: [], tokenUrl: `http://127.0.0.1:${tokenPort}/`, endpointParams: new Map() }, () => now);
        closers.push(() => source.close());
        expect(await source.authorization()).toBe('Bearer tok-1');
        now += 49_000;
        expect(await source.authorization()).toBe('Bearer tok-1');
        now += 2_000; // 51 s of 60: inside the 10 s expiry margin
        expect(await source.authorization()).toBe('Bearer tok-2');
        now += 120_000;
        fail = true;
        const err = await source.authorization().then(
            () => '',
            (e: Error) => e.message,
        );
        expect(err).toMatch(/^oauth2: cannot fetch token from http:\/\/127\.0\.0\.1:\d+\/: HTTP 401: invalid_client/);
    });
});

function makeDir(): string {
    return mkdtempSync(path.join(tmpdir(), 'flowlens-auth-'));
}
