// The HTTP client authentication blocks the exporters share (prometheus.remote_write, loki.write):
// bearer_token / bearer_token_file, basic_auth and authorization, at most one of them.

import { readFile } from 'node:fs/promises';
import type { Args } from './decode.js';

export type HttpAuth =
    | { readonly kind: 'basic'; readonly username: string; readonly password?: string; readonly passwordFile?: string }
    | { readonly kind: 'authorization'; readonly type: string; readonly credentials?: string; readonly credentialsFile?: string }
    | undefined;

/** Reads the authentication arguments of an endpoint block; more than one is an error. */
export function decodeAuth(ep: Args): HttpAuth {
    const bearer = ep.secret('bearer_token');
    const bearerFile = ep.string('bearer_token_file');
    const basic = ep.block('basic_auth');
    const authz = ep.block('authorization');
    const set = [bearer !== undefined && 'bearer_token', bearerFile !== undefined && 'bearer_token_file', basic && 'basic_auth', authz && 'authorization'].filter(Boolean);
    if (set.length > 1) ep.fail(String(set[1]), `at most one of bearer_token, bearer_token_file, basic_auth and authorization can be set, got ${set.join(', ')}`);
    if (bearer !== undefined) return { kind: 'authorization', type: 'Bearer', credentials: bearer };
    if (bearerFile !== undefined) return { kind: 'authorization', type: 'Bearer', credentialsFile: bearerFile };
    if (basic !== undefined) return { kind: 'basic', username: basic.string('username', ''), password: basic.secret('password'), passwordFile: basic.string('password_file') };
    if (authz !== undefined) return { kind: 'authorization', type: authz.string('type', 'Bearer'), credentials: authz.secret('credentials'), credentialsFile: authz.string('credentials_file') };
    return undefined;
}

/** The Authorization header value for `auth` (files are read on every request, as Prometheus does), or undefined. */
export async function authorizationHeader(auth: HttpAuth): Promise<string | undefined> {
    if (auth?.kind === 'basic') {
        const password = auth.passwordFile !== undefined ? (await readFile(auth.passwordFile, 'utf8')).trim() : (auth.password ?? '');
        return 'Basic ' + Buffer.from(`${auth.username}:${password}`).toString('base64');
    }
    if (auth?.kind === 'authorization') {
        const credentials = auth.credentialsFile !== undefined ? (await readFile(auth.credentialsFile, 'utf8')).trim() : (auth.credentials ?? '');
        return `${auth.type} ${credentials}`;
    }
    return undefined;
}
