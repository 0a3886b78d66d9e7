// The `tls` block of otelcol client components (Alloy's TLSClientArguments, the collector's
// configtls.ClientConfig), decoded with Alloy's validation into what Node's TLS needs.
//
// As the collector: `insecure = true` without a CA means plaintext; otherwise TLS, verifying the
// peer against ca_pem / ca_file (or the system roots), presenting cert/key when given, with
// min_version / max_version ("1.0" … "1.3"; the collector's default minimum is 1.2).

import fs from 'node:fs';
import tls from 'node:tls';
import { type Args, attr, block } from '../decode.js';

export const TLS_CLIENT_BLOCK = block('tls', false, [
    attr('ca_file', 'string'),
    attr('ca_pem', 'string'),
    attr('cert_file', 'string'),
    attr('cert_pem', 'string'),
    attr('include_system_ca_certs_pool', 'boolean'),
    attr('insecure', 'boolean'),
    attr('insecure_skip_verify', 'boolean'),
    attr('key_file', 'string'),
    attr('key_pem', 'secret'),
    attr('max_version', 'string'),
    attr('min_version', 'string'),
    attr('server_name', 'string'),
]);

export interface TlsClientConfig {
    /** False: plaintext (insecure without a CA). */
    readonly enabled: boolean;
    readonly insecureSkipVerify: boolean;
    readonly serverName?: string;
    /** Options for tls.createSecureContext (CA, client certificate, protocol versions). */
    readonly context: tls.SecureContextOptions;
}

const VERSIONS: Readonly<Record<string, tls.SecureVersion>> = { '1.0': 'TLSv1', '1.1': 'TLSv1.1', '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' };

/** A PEM given inline or by file (at most one of them), read now. */
export function pemOrFile(t: Args, pemName: string, fileName: string, secret = false): string | undefined {
    const pem = secret ? t.secret(pemName) : t.string(pemName);
    const file = t.string(fileName);
    if (pem && file) throw t.fail(pemName, `at most one of ${pemName} and ${fileName} must be configured`);
    if (pem) return pem;
    if (!file) return undefined;
    try {
        return fs.readFileSync(file, 'utf8');
    } catch (e) {
        t.fail(fileName, `cannot read ${JSON.stringify(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
}

function version(t: Args, name: string, fallback: string): tls.SecureVersion {
    const v = t.string(name, fallback) || fallback;
    const out = VERSIONS[v];
    if (out === undefined) t.fail(name, `unsupported TLS version: ${JSON.stringify(v)} (expected "1.0", "1.1", "1.2" or "1.3")`);
    return out;
}

/** Decodes a client `tls` block (absent: TLS with the system roots, as the collector). */
export function decodeTlsClient(t: Args | undefined): TlsClientConfig {
    if (t === undefined) return { enabled: true, insecureSkipVerify: false, context: { minVersion: 'TLSv1.2' } };
    const ca = pemOrFile(t, 'ca_pem', 'ca_file');
    const cert = pemOrFile(t, 'cert_pem', 'cert_file');
    const key = pemOrFile(t, 'key_pem', 'key_file', true);
    if (cert !== undefined && key === undefined) t.fail('cert_pem', 'exactly one of key_pem or key_file must be configured when a client certificate is configured');
    if (key !== undefined && cert === undefined) t.fail('key_pem', 'exactly one of cert_pem or cert_file must be configured when a client key is configured');
    const minVersion = version(t, 'min_version', '1.2');
    const maxVersion = version(t, 'max_version', '1.3');
    const withSystem = t.bool('include_system_ca_certs_pool', false);
    const context: tls.SecureContextOptions = { minVersion, maxVersion };
    if (ca !== undefined) context.ca = withSystem ? [...tls.rootCertificates, ca] : ca;
    if (cert !== undefined) context.cert = cert;
    if (key !== undefined) context.key = key;
    const serverName = t.string('server_name');
    return {
        enabled: !(t.bool('insecure', false) && ca === undefined),
        insecureSkipVerify: t.bool('insecure_skip_verify', false),
        ...(serverName ? { serverName } : {}),
        context,
    };
}
