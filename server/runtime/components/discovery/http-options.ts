// The part of Alloy's HTTPClientConfig (squashed into discovery.http and discovery.docker, and
// loki.source.docker's http_client_config block) that the runtime honours: bearer_token(_file),
// basic_auth, authorization, http_headers and follow_redirects. enable_http2 is accepted (Node's
// client speaks HTTP/1.1, which every such server also serves); tls_config, oauth2 and the proxy
// settings are refused as arguments the runtime does not implement.

import type { ArgumentSchemaEntry } from '../../component.js';
import { type Args, attr, block } from '../decode.js';
import { type HttpAuth, authorizationHeader, decodeAuth } from '../http-auth.js';

export const HTTP_CLIENT_ATTRIBUTES: readonly ArgumentSchemaEntry[] = [
    attr('bearer_token', 'secret'),
    attr('bearer_token_file', 'string'),
    attr('follow_redirects', 'bool'),
    attr('http_headers', 'map(list(secret))'),
];

export const HTTP_CLIENT_BLOCKS: readonly ArgumentSchemaEntry[] = [
    block('basic_auth', false, [attr('username', 'string'), attr('password', 'secret'), attr('password_file', 'string')]),
    block('authorization', false, [attr('type', 'string'), attr('credentials', 'secret'), attr('credentials_file', 'string')]),
];

/** Dotted names (under `prefix`) accepted and ignored. */
export const httpClientIgnored = (prefix = ''): string[] => [`${prefix}enable_http2`];

export interface HttpOptions {
    readonly auth: HttpAuth;
    readonly headers: ReadonlyMap<string, readonly string[]>;
    readonly followRedirects: boolean;
}

export function decodeHttpOptions(args: Args): HttpOptions {
    return {
        auth: decodeAuth(args),
        headers: args.stringListMap('http_headers', true) ?? new Map(),
        followRedirects: args.bool('follow_redirects', true),
    };
}

/** The request headers these options add (Authorization read from its file at each request). */
export async function requestHeaders(options: HttpOptions): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [name, values] of options.headers) out[name] = values.join(', ');
    const auth = await authorizationHeader(options.auth);
    if (auth !== undefined) out.Authorization = auth;
    return out;
}
