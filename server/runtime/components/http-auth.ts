// How an HTTP client authenticates its requests, from Prometheus' HTTP client config as Alloy exposes it:
// bearer_token / bearer_token_file, basic_auth (password or password_file), authorization
// (credentials or credentials_file), oauth2 (client credentials) — at most one — and, on
// prometheus.remote_write, sigv4. Credential files are read again when they change (token rotation).

import type { ArgumentSchemaEntry } from '../component.js';
import { type Args, attr, block } from './decode.js';
import type { OutgoingRequest, RequestAuth } from './http-client.js';
import { type OAuth2Config, OAuth2TokenSource, decodeOAuth2 } from './http-oauth2.js';
import { WatchedFile } from './watched-file.js';

export const BASIC_AUTH_BLOCK: ArgumentSchemaEntry = block('basic_auth', false, [attr('password_file', 'string'), attr('password', 'secret'), attr('username', 'string')]);
export const AUTHORIZATION_BLOCK: ArgumentSchemaEntry = block('authorization', false, [attr('credentials_file', 'string'), attr('credentials', 'secret'), attr('type', 'string')]);

/** A header value from an inline secret or a file. */
class Credential {
    private readonly file: WatchedFile | undefined;
    constructor(
        private readonly inline: string,
        file: string | undefined,
        what: string,
    ) {
        this.file = file ? new WatchedFile(file, what) : undefined;
    }
    value(): Promise<string> {
        return this.file ? this.file.text() : Promise.resolve(this.inline);
    }
}

class HeaderAuth implements RequestAuth {
    constructor(private readonly header: () => Promise<string>) {}
    async apply(req: OutgoingRequest): Promise<void> {
        req.headers.Authorization = await this.header();
    }
}

class OAuth2Auth implements RequestAuth {
    constructor(private readonly source: OAuth2TokenSource) {}
    async apply(req: OutgoingRequest, signal?: AbortSignal): Promise<void> {
        req.headers.Authorization = await this.source.authorization(signal);
    }
    close(): void {
        this.source.close();
    }
}

export type AuthConfig =
    | { readonly kind: 'basic'; readonly username: string; readonly password: Credential }
    | { readonly kind: 'authorization'; readonly type: string; readonly credentials: Credential }
    | { readonly kind: 'oauth2'; readonly config: OAuth2Config };

const where = (a: Args, name: string) => [...a.path, name].join(' > ');

/**
 * Reads the authentication of Prometheus' HTTP client config from `a` (the block that holds it),
 * validated with Alloy's messages (HTTPClientConfig, BasicAuth, Authorization, OAuth2Config).
 */
export function decodeClientAuth(a: Args): AuthConfig | undefined {
    const bearer = a.secret('bearer_token') ?? '';
    const bearerFile = a.string('bearer_token_file') ?? '';
    const basic = a.block('basic_auth');
    const authz = a.block('authorization');
    const oauth2 = a.block('oauth2');
    const count = [basic !== undefined, authz !== undefined, oauth2 !== undefined, bearer !== '', bearerFile !== ''].filter(Boolean).length;
    if (count > 1) a.fail(basic ? 'basic_auth' : 'authorization', 'at most one of basic_auth, authorization, oauth2, bearer_token & bearer_token_file must be configured');
    if (bearer !== '') return { kind: 'authorization', type: 'Bearer', credentials: new Credential(bearer, undefined, '') };
    if (bearerFile !== '') return { kind: 'authorization', type: 'Bearer', credentials: new Credential('', bearerFile, where(a, 'bearer_token_file')) };
    if (basic !== undefined) {
        const password = basic.secret('password') ?? '';
        const passwordFile = basic.string('password_file') ?? '';
        if (password !== '' && passwordFile !== '') basic.fail('password', 'at most one of basic_auth password & password_file must be configured');
        return { kind: 'basic', username: basic.string('username', ''), password: new Credential(password, passwordFile || undefined, where(basic, 'password_file')) };
    }
    if (authz !== undefined) {
        const credentials = authz.secret('credentials') ?? '';
        const credentialsFile = authz.string('credentials_file') ?? '';
        if (credentials !== '' && credentialsFile !== '') authz.fail('credentials', 'at most one of authorization credentials & credentials_file must be configured');
        const type = authz.string('type', '').trim() || 'Bearer';
        if (type.toLowerCase() === 'basic') authz.fail('type', 'authorization type cannot be set to "basic", use "basic_auth" block instead');
        return { kind: 'authorization', type, credentials: new Credential(credentials, credentialsFile || undefined, where(authz, 'credentials_file')) };
    }
    if (oauth2 !== undefined) return { kind: 'oauth2', config: decodeOAuth2(oauth2) };
    return undefined;
}

/** The authenticator for `cfg` (one per client: an OAuth2 token is cached in it). */
export function createAuth(cfg: AuthConfig | undefined): RequestAuth | undefined {
    switch (cfg?.kind) {
        case undefined:
            return undefined;
        case 'basic':
            return new HeaderAuth(async () => 'Basic ' + Buffer.from(`${cfg.username}:${await cfg.password.value()}`).toString('base64'));
        case 'authorization':
            return new HeaderAuth(async () => `${cfg.type} ${await cfg.credentials.value()}`);
        case 'oauth2':
            return new OAuth2Auth(new OAuth2TokenSource(cfg.config));
    }
}

/** The authentication of a client that sets the Authorization header itself (discovery, Kubernetes, pyroscope). */
export type HttpAuth = AuthConfig | undefined;

/** {@link decodeClientAuth}, for components that build their own requests. */
export function decodeAuth(a: Args): HttpAuth {
    return decodeClientAuth(a);
}

const authenticators = new WeakMap<AuthConfig, RequestAuth>();

/** The Authorization header value for `auth` (files re-read when they change; an oauth2 token cached per config), or undefined. */
export async function authorizationHeader(auth: HttpAuth, signal?: AbortSignal): Promise<string | undefined> {
    if (auth === undefined) return undefined;
    let a = authenticators.get(auth);
    if (a === undefined) {
        a = createAuth(auth)!;
        authenticators.set(auth, a);
    }
    const headers: Record<string, string> = {};
    await a.apply({ method: 'GET', url: new URL('http://unused.invalid/'), headers, body: new Uint8Array() }, signal);
    return headers.Authorization;
}
