// Secrets never leave the runtime: one place that scrubs text, span attributes
// and metric text before they reach a log, a span exporter, /metrics, a health
// message or the RPC client. Two things are scrubbed: the userinfo of any URL
// (`https://user:pass@host` → `https://***@host`), and the bytes of every
// secret the configuration evaluated — values of Alloy's secret type
// (alloytypes.Secret, remote.* / local.file is_secret exports) and the
// credential attributes (password, bearer_token, credentials, …) even where
// they were given as plain strings.

import type { Value } from '../../language/eval/value.js';
import type { ArgumentBody } from './component.js';

export const SECRET_MARK = '<secret>';

/** Attributes whose value is a credential whatever its type (Alloy types them alloytypes.Secret). */
const CREDENTIAL_ATTRIBUTES = new Set(['password', 'bearer_token', 'credentials', 'client_secret', 'secret_key', 'api_key', 'token', 'authorization']);

/**
 * Header names whose values are credentials (`headers = { "Authorization" = "Bearer …", "X-API-Key" = … }`
 * of the OTLP exporters and loki.write: the collector keeps every header value opaque).
 */
const CREDENTIAL_HEADER = /auth|token|key|secret|passw|cookie|credential|session|signature/i;

// scheme://userinfo@ — userinfo stops at the first character a URL's authority cannot hold before '@'.
const URL_USERINFO = /\b([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/g;

/** Too short to scrub by value without mangling unrelated text. */
const MIN_SECRET_LENGTH = 3;

export function redactUrlUserinfo(text: string): string {
    return text.replace(URL_USERINFO, '$1***@');
}

export class Redactor {
    private readonly secrets = new Set<string>();
    private ordered: string[] = [];

    /** Remembers the secrets an evaluated block body carries. */
    rememberBody(body: ArgumentBody): void {
        for (const [name, v] of body.attributes) {
            if (CREDENTIAL_ATTRIBUTES.has(name) && (v.kind === 'string' || v.kind === 'secret')) this.add(v.value);
            else if (name === 'headers' && v.kind === 'object') this.rememberHeaders(v.fields);
            else if (v.kind === 'string') this.rememberUrlUserinfo(v.value);
            else this.rememberValue(v);
        }
        // A Basic Authorization header carries base64(username:password): a peer may echo it back.
        const user = body.attributes.get('username');
        const password = body.attributes.get('password');
        if ((user?.kind === 'string' || user?.kind === 'secret') && (password?.kind === 'string' || password?.kind === 'secret')) this.rememberBasic(user.value, password.value);
        for (const b of body.blocks) this.rememberBody(b.body);
    }

    /** The password of a URL's userinfo (it may also show up outside the URL, e.g. echoed by a peer). */
    private rememberUrlUserinfo(text: string): void {
        for (const m of text.matchAll(/\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^\s/?#@"'<>]+)@/g)) {
            const userinfo = m[1];
            const colon = userinfo.indexOf(':');
            const user = decode(colon < 0 ? userinfo : userinfo.slice(0, colon));
            if (colon < 0) {
                this.add(user); // a token given as the user
                continue;
            }
            const password = decode(userinfo.slice(colon + 1));
            this.add(password);
            this.rememberBasic(user, password);
        }
    }

    private rememberHeaders(headers: ReadonlyMap<string, Value>): void {
        for (const [header, v] of headers) {
            if (v.kind === 'secret') this.add(v.value);
            else if (v.kind === 'string' && CREDENTIAL_HEADER.test(header)) {
                this.add(v.value);
                // `Bearer <token>`, `Basic <base64>`: the credential alone may show up too.
                const scheme = /^[A-Za-z][\w-]*\s+(\S+)$/.exec(v.value);
                if (scheme) this.add(scheme[1]);
            }
        }
    }

    private rememberBasic(user: string, password: string): void {
        if (password.length >= MIN_SECRET_LENGTH) this.add(Buffer.from(`${user}:${password}`).toString('base64'));
    }

    /** Remembers every secret-typed value inside `v` (exports, arguments). */
    rememberValue(v: Value): void {
        switch (v.kind) {
            case 'secret': this.add(v.value); break;
            case 'array': for (const x of v.items) this.rememberValue(x); break;
            case 'object': for (const x of v.fields.values()) this.rememberValue(x); break;
            default: break;
        }
    }

    /** `text` with URL userinfo and every remembered secret replaced. */
    text(text: string): string {
        let out = redactUrlUserinfo(text);
        for (const s of this.ordered) if (out.includes(s)) out = out.split(s).join(SECRET_MARK);
        return out;
    }

    /** A JSON-able value (log fields, span attributes) with its strings scrubbed. */
    any<T>(value: T): T {
        if (typeof value === 'string') return this.text(value) as T;
        if (Array.isArray(value)) return value.map((x) => this.any(x)) as T;
        if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
            return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, this.any(x)])) as T;
        }
        return value;
    }

    private add(secret: string): void {
        if (secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) return;
        this.secrets.add(secret);
        // Longest first, so a secret containing another is replaced whole.
        this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
    }
}

function decode(part: string): string {
    try {
        return decodeURIComponent(part);
    } catch {
        return part;
    }
}
