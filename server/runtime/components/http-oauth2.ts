// OAuth 2.0 client credentials grant (RFC 6749 §4.4) for the `oauth2` block, as Go's
// golang.org/x/oauth2/clientcredentials does it for Prometheus: the token is fetched once, reused
// until 10 s before it expires, then fetched again; the client secret goes in a Basic header first,
// then in the form body if the server refuses that. A changed client_secret_file fetches a new token.

import type { ArgumentSchemaEntry } from '../component.js';
import { type Args, attr, block } from './decode.js';
import { HttpClient, describeNetworkError } from './http-client.js';
import { PROXY_ATTRIBUTES, type ProxyConfig, decodeProxy } from './http-proxy.js';
import { type ClientTls, PROMETHEUS_TLS_BLOCK, decodePrometheusTls } from './http-tls.js';
import { WatchedFile } from './watched-file.js';

export const OAUTH2_BLOCK: ArgumentSchemaEntry = block(
    'oauth2',
    false,
    [
        attr('client_id', 'string'),
        attr('client_secret', 'secret'),
        attr('client_secret_file', 'string'),
        attr('scopes', 'list(string)'),
        attr('token_url', 'string'),
        attr('endpoint_params', 'map(string)'),
        ...PROXY_ATTRIBUTES,
    ],
    [PROMETHEUS_TLS_BLOCK],
);

export interface OAuth2Config {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly clientSecretFile?: WatchedFile;
    readonly scopes: readonly string[];
    readonly tokenUrl: string;
    readonly endpointParams: ReadonlyMap<string, string>;
    readonly tls?: ClientTls;
    readonly proxy?: ProxyConfig;
}

/** Go oauth2's expiryDelta: a token this close to expiry counts as expired. */
const EXPIRY_DELTA_MS = 10_000;
const TOKEN_TIMEOUT_MS = 30_000;

/** Reads the `oauth2` block, validated with Alloy's OAuth2Config messages. */
export function decodeOAuth2(o: Args): OAuth2Config {
    const clientId = o.string('client_id', '');
    const clientSecret = o.secret('client_secret') ?? '';
    const secretFile = o.string('client_secret_file') ?? '';
    const tokenUrl = o.string('token_url', '');
    if (clientId === '') o.fail('client_id', 'oauth2 client_id must be configured');
    if (clientSecret === '' && secretFile === '') o.fail('client_secret', 'either oauth2 client_secret or client_secret_file must be configured');
    if (tokenUrl === '') o.fail('token_url', 'oauth2 token_url must be configured');
    if (clientSecret !== '' && secretFile !== '') o.fail('client_secret', 'at most one of oauth2 client_secret & client_secret_file must be configured');
    try {
        const u = new URL(tokenUrl);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
    } catch {
        o.fail('token_url', `expected an http(s) URL, got ${JSON.stringify(tokenUrl)}`);
    }
    return {
        clientId,
        clientSecret,
        clientSecretFile: secretFile ? new WatchedFile(secretFile, [...o.path, 'client_secret_file'].join(' > ')) : undefined,
        scopes: o.stringList('scopes') ?? [],
        tokenUrl,
        endpointParams: o.stringMap('endpoint_params') ?? new Map(),
        tls: decodePrometheusTls(o.block('tls_config')),
        proxy: decodeProxy(o),
    };
}

interface Token {
    readonly header: string;
    /** Epoch ms; Infinity when the server gave no expires_in. */
    readonly expiresAt: number;
    readonly secret: string;
}

export class OAuth2TokenSource {
    private token: Token | undefined;
    private pending: Promise<Token> | undefined;
    private secretInHeader = true;
    private readonly client: HttpClient;

    constructor(
        private readonly cfg: OAuth2Config,
        private readonly now: () => number = Date.now,
    ) {
        this.client = new HttpClient(cfg.tokenUrl, { tls: cfg.tls, proxy: cfg.proxy });
    }

    /** The Authorization header value (`Bearer <token>`), from the cache while the token is valid. */
    async authorization(signal?: AbortSignal): Promise<string> {
        const secret = this.cfg.clientSecretFile ? await this.cfg.clientSecretFile.text() : this.cfg.clientSecret;
        const t = this.token;
        if (t !== undefined && t.secret === secret && t.expiresAt - EXPIRY_DELTA_MS > this.now()) return t.header;
        this.pending ??= this.fetch(secret, signal).finally(() => (this.pending = undefined));
        this.token = await this.pending;
        return this.token.header;
    }

    private async fetch(secret: string, signal?: AbortSignal): Promise<Token> {
        let res = await this.post(secret, this.secretInHeader, signal);
        // AuthStyleAutoDetect: a server that refuses the Basic header may want the secret in the body.
        if (this.secretInHeader && res.status >= 400 && res.status < 500) {
            const retry = await this.post(secret, false, signal);
            if (retry.status >= 200 && retry.status < 300) this.secretInHeader = false;
            res = retry;
        }
        if (res.status < 200 || res.status >= 300) throw new Error(`oauth2: cannot fetch token from ${this.cfg.tokenUrl}: HTTP ${res.status}${describeOAuthError(res.body)}`);
        const body = parseTokenResponse(res.body, res.contentType);
        const access = typeof body.access_token === 'string' ? body.access_token : '';
        if (access === '') throw new Error('oauth2: server response missing access_token');
        const type = typeof body.token_type === 'string' && body.token_type !== '' ? body.token_type : 'Bearer';
        const expiresIn = Number(body.expires_in ?? 0);
        return {
            // Go's Token.Type() writes the common lower-case spellings the canonical way.
            header: `${/^bearer$/i.test(type) ? 'Bearer' : /^mac$/i.test(type) ? 'MAC' : /^basic$/i.test(type) ? 'Basic' : type} ${access}`,
            expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? this.now() + expiresIn * 1000 : Infinity,
            secret,
        };
    }

    private async post(secret: string, inHeader: boolean, signal?: AbortSignal) {
        const form = new URLSearchParams({ grant_type: 'client_credentials' });
        if (this.cfg.scopes.length > 0) form.set('scope', this.cfg.scopes.join(' '));
        for (const [k, v] of this.cfg.endpointParams) form.set(k, v);
        const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
        if (inHeader) {
            headers.Authorization = 'Basic ' + Buffer.from(`${formEscape(this.cfg.clientId)}:${formEscape(secret)}`).toString('base64');
        } else {
            form.set('client_id', this.cfg.clientId);
            form.set('client_secret', secret);
        }
        try {
            const res = await this.client.request({ method: 'POST', body: Buffer.from(form.toString()), headers, timeoutMs: TOKEN_TIMEOUT_MS, signal, maxBodyBytes: 1 << 20 });
            return { status: res.status, body: res.body.toString('utf8'), contentType: String(res.headers['content-type'] ?? '') };
        } catch (e) {
            throw new Error(`oauth2: cannot fetch token from ${this.cfg.tokenUrl}: ${describeNetworkError(e)}`);
        }
    }

    close(): void {
        this.client.close();
    }
}

/** Go's url.QueryEscape, which the oauth2 package applies to the id and secret in the Basic header. */
function formEscape(s: string): string {
    return new URLSearchParams({ s }).toString().slice(2);
}

function parseTokenResponse(text: string, contentType: string): Record<string, unknown> {
    if (/application\/x-www-form-urlencoded|text\/plain/.test(contentType)) return Object.fromEntries(new URLSearchParams(text));
    try {
        const v = JSON.parse(text) as unknown;
        return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
    } catch {
        throw new Error('oauth2: cannot parse token response: not JSON');
    }
}

/** The RFC 6749 error fields of an error response (never the raw body, which may echo credentials). */
function describeOAuthError(text: string): string {
    try {
        const v = JSON.parse(text) as { error?: unknown; error_description?: unknown };
        if (typeof v.error === 'string') return `: ${v.error}${typeof v.error_description === 'string' ? ` (${v.error_description.slice(0, 200)})` : ''}`;
    } catch {
        // not JSON
    }
    return '';
}
