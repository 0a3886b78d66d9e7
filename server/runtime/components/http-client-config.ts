// Prometheus' HTTP client config as Alloy squashes it into scrape, remote_write and loki.write
// endpoints (common/config.HTTPClientConfig): authentication, tls_config, proxy, follow_redirects,
// (enable_http2 stays in each component's ignored list: requests are HTTP/1.1, see http-client.ts). One decoder and one client factory for every component that has it.

import type { ArgumentSchemaEntry } from '../component.js';
import { type Args, attr } from './decode.js';
import { AUTHORIZATION_BLOCK, type AuthConfig, BASIC_AUTH_BLOCK, createAuth, decodeClientAuth } from './http-auth.js';
import { HttpClient } from './http-client.js';
import { OAUTH2_BLOCK } from './http-oauth2.js';
import { PROXY_ATTRIBUTES, type ProxyConfig, decodeProxy } from './http-proxy.js';
import { SIGV4_BLOCK, SigV4Auth, type SigV4Config, decodeSigV4 } from './http-sigv4.js';
import { type ClientTls, PROMETHEUS_TLS_BLOCK, decodePrometheusTls } from './http-tls.js';

export const HTTP_CLIENT_ATTRIBUTES: readonly ArgumentSchemaEntry[] = [
    attr('bearer_token', 'secret'),
    attr('bearer_token_file', 'string'),
    attr('follow_redirects', 'bool'),
    ...PROXY_ATTRIBUTES,
];

export const HTTP_CLIENT_BLOCKS: readonly ArgumentSchemaEntry[] = [BASIC_AUTH_BLOCK, AUTHORIZATION_BLOCK, OAUTH2_BLOCK, PROMETHEUS_TLS_BLOCK];

/** remote_write's endpoint adds sigv4 (azuread and google_iam are refused as not supported). */
export const REMOTE_WRITE_AUTH_BLOCKS: readonly ArgumentSchemaEntry[] = [SIGV4_BLOCK];

export interface HttpClientConfig {
    readonly auth?: AuthConfig;
    readonly sigv4?: SigV4Config;
    readonly tls?: ClientTls;
    readonly proxy?: ProxyConfig;
    readonly followRedirects: boolean;
    /** Equal for equal settings: a component re-creates its client only when this changes. */
    readonly key: string;
}

/** Reads the HTTP client config squashed into `a`. With `allowSigV4`, the `sigv4` block too (remote_write). */
export function decodeHttpClientConfig(a: Args, allowSigV4 = false): HttpClientConfig {
    const auth = decodeClientAuth(a);
    const sigv4Block = allowSigV4 ? a.block('sigv4') : undefined;
    if (sigv4Block !== undefined && auth !== undefined) a.fail('sigv4', 'at most one of sigv4, azuread, google_iam, basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
    return {
        auth,
        sigv4: sigv4Block ? decodeSigV4(sigv4Block) : undefined,
        tls: decodePrometheusTls(a.block('tls_config')),
        proxy: decodeProxy(a),
        followRedirects: a.bool('follow_redirects', true),
        key: clientKey(a),
    };
}

/** The settings that make up a client, as text (secrets included: the key never leaves the process). */
function clientKey(a: Args): string {
    const names = new Set([...HTTP_CLIENT_ATTRIBUTES, ...HTTP_CLIENT_BLOCKS, SIGV4_BLOCK].map((e) => e.name));
    const parts: unknown[] = [];
    for (const [k, v] of a.body.attributes) if (names.has(k)) parts.push([k, v]);
    for (const b of a.body.blocks) if (names.has(b.name)) parts.push([b.name, [...b.body.attributes], b.body.blocks.map((x) => [x.name, [...x.body.attributes]])]);
    return JSON.stringify(parts);
}

/** A client for `url` with `cfg`'s TLS, proxy, redirects and authentication. */
export function createHttpClient(url: string, cfg: HttpClientConfig): HttpClient {
    const auth = cfg.sigv4 ? new SigV4Auth(cfg.sigv4) : createAuth(cfg.auth);
    return new HttpClient(url, { auth, tls: cfg.tls, proxy: cfg.proxy, followRedirects: cfg.followRedirects });
}
