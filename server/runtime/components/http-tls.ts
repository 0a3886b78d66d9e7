// TLS settings of HTTP clients and servers, decoded from Alloy's blocks and turned into node:tls options:
// Prometheus' `tls_config` (scrape, remote_write, loki.write, oauth2), the OpenTelemetry collector's
// client/server `tls` block, and dskit's server `tls` block (loki.source.api, prometheus.receive_http).
// Certificate, key and CA files are read again when they change on disk (certificate rotation).

import { createHash } from 'node:crypto';
import tls from 'node:tls';
import { type Args, attr, block } from './decode.js';
import type { ArgumentSchemaEntry } from '../component.js';
import { WatchedFile } from './watched-file.js';

/** PEM given inline, or a file read (again when it changes) at connection time. */
type PemSource = { readonly pem: string } | { readonly file: WatchedFile };

export interface ClientTls {
    readonly ca?: PemSource;
    /** Add the system roots to `ca` (otelcol include_system_ca_certs_pool); Prometheus uses only `ca` when set. */
    readonly includeSystemRoots: boolean;
    readonly cert?: PemSource;
    readonly key?: PemSource;
    readonly serverName?: string;
    readonly insecureSkipVerify: boolean;
    readonly minVersion?: tls.SecureVersion;
    readonly maxVersion?: tls.SecureVersion;
}

export interface ResolvedTls {
    readonly options: tls.ConnectionOptions;
    /** Changes when any certificate, key or CA content changes (a new connection pool is then needed). */
    readonly fingerprint: string;
}

/** Prometheus' TLS version names (common/config TLSVersions). */
const PROMETHEUS_VERSIONS: Readonly<Record<string, tls.SecureVersion>> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };
/** The collector's TLS version names (configtls). */
const OTEL_VERSIONS: Readonly<Record<string, tls.SecureVersion>> = { '1.0': 'TLSv1', '1.1': 'TLSv1.1', '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' };

/** CA, certificate and key, inline or from files: in every client TLS block. */
const PEM_ATTRIBUTES: readonly ArgumentSchemaEntry[] = [
    attr('ca_pem', 'string'),
    attr('ca_file', 'string'),
    attr('cert_pem', 'string'),
    attr('cert_file', 'string'),
    attr('key_pem', 'secret'),
    attr('key_file', 'string'),
];

/** The `tls_config` block of Prometheus' HTTP client config. */
export const PROMETHEUS_TLS_BLOCK: ArgumentSchemaEntry = block('tls_config', false, [
    ...PEM_ATTRIBUTES,
    attr('server_name', 'string'),
    attr('insecure_skip_verify', 'bool'),
    attr('min_version', 'string'),
]);

/** Attributes the collector's client and server `tls` blocks share (configtls.Config). */
const OTEL_TLS_COMMON: readonly ArgumentSchemaEntry[] = [
    ...PEM_ATTRIBUTES,
    attr('min_version', 'string'),
    attr('max_version', 'string'),
    attr('include_system_ca_certs_pool', 'boolean'),
    attr('reload_interval', 'duration'),
];

/** The collector's client `tls` block (otelcol.exporter.otlphttp). */
export const OTEL_CLIENT_TLS_BLOCK: ArgumentSchemaEntry = block('tls', false, [...OTEL_TLS_COMMON, attr('insecure', 'boolean'), attr('insecure_skip_verify', 'boolean'), attr('server_name', 'string')]);

function pemPair(t: Args, pemName: string, fileName: string, secret: boolean): PemSource | undefined {
    const pem = secret ? t.secret(pemName) : t.string(pemName);
    const file = t.string(fileName);
    if (pem) return { pem };
    if (file) return { file: new WatchedFile(file, `${[...t.path, fileName].join(' > ')}`) };
    return undefined;
}

function version(t: Args, name: string, table: Readonly<Record<string, tls.SecureVersion>>, message: (v: string) => string): tls.SecureVersion | undefined {
    const v = t.string(name);
    if (v === undefined || v === '') return undefined;
    const out = table[v];
    if (out === undefined) t.fail(name, message(v));
    return out;
}

/** Checks the pairs the way Prometheus' TLSConfig.Validate does (same messages). */
function validatePairs(t: Args): void {
    const has = (n: string) => (t.secret(n) ?? '') !== '';
    if (has('ca_pem') && has('ca_file')) t.fail('ca_pem', 'at most one of ca_pem and ca_file must be configured');
    if (has('cert_pem') && has('cert_file')) t.fail('cert_pem', 'at most one of cert_pem and cert_file must be configured');
    if (has('key_pem') && has('key_file')) t.fail('key_pem', 'at most one of key_pem and key_file must be configured');
    const cert = has('cert_pem') || has('cert_file');
    const key = has('key_pem') || has('key_file');
    if (cert && !key) t.fail('cert_file', 'exactly one of key_pem or key_file must be configured when a client certificate is configured');
    if (key && !cert) t.fail('key_file', 'exactly one of cert_pem or cert_file must be configured when a client key is configured');
}

/** Decodes Prometheus' `tls_config` block. */
export function decodePrometheusTls(t: Args | undefined): ClientTls | undefined {
    if (t === undefined) return undefined;
    validatePairs(t);
    return {
        ca: pemPair(t, 'ca_pem', 'ca_file', false),
        includeSystemRoots: false,
        cert: pemPair(t, 'cert_pem', 'cert_file', false),
        key: pemPair(t, 'key_pem', 'key_file', true),
        serverName: t.string('server_name') || undefined,
        insecureSkipVerify: t.bool('insecure_skip_verify', false),
        minVersion: version(t, 'min_version', PROMETHEUS_VERSIONS, (v) => `unknown TLS version: ${v}`),
    };
}

/** Decodes the collector's client `tls` block (`insecure` only matters to gRPC; the URL scheme decides here). */
export function decodeOtelClientTls(t: Args | undefined): ClientTls | undefined {
    if (t === undefined) return undefined;
    validatePairs(t);
    t.bool('insecure', false);
    t.duration('reload_interval', 0);
    const bad = (v: string) => `invalid TLS version ${JSON.stringify(v)}: expected one of "1.0", "1.1", "1.2", "1.3"`;
    return {
        ca: pemPair(t, 'ca_pem', 'ca_file', false),
        includeSystemRoots: t.bool('include_system_ca_certs_pool', false),
        cert: pemPair(t, 'cert_pem', 'cert_file', false),
        key: pemPair(t, 'key_pem', 'key_file', true),
        serverName: t.string('server_name') || undefined,
        insecureSkipVerify: t.bool('insecure_skip_verify', false),
        minVersion: version(t, 'min_version', OTEL_VERSIONS, bad) ?? 'TLSv1.2',
        maxVersion: version(t, 'max_version', OTEL_VERSIONS, bad),
    };
}

async function load(src: PemSource | undefined): Promise<string | undefined> {
    if (src === undefined) return undefined;
    return 'pem' in src ? src.pem : (await src.file.read()).toString('utf8');
}

/** The node:tls options of `t` now (files read if they changed). */
export async function resolveClientTls(t: ClientTls | undefined): Promise<ResolvedTls> {
    if (t === undefined) return { options: {}, fingerprint: '' };
    const [ca, cert, key] = await Promise.all([load(t.ca), load(t.cert), load(t.key)]);
    const options: tls.ConnectionOptions = {
        rejectUnauthorized: !t.insecureSkipVerify,
        ...(ca !== undefined ? { ca: t.includeSystemRoots ? [...tls.rootCertificates, ca] : ca } : {}),
        ...(cert !== undefined ? { cert } : {}),
        ...(key !== undefined ? { key } : {}),
        ...(t.serverName !== undefined ? { servername: t.serverName } : {}),
        ...(t.minVersion !== undefined ? { minVersion: t.minVersion } : {}),
        ...(t.maxVersion !== undefined ? { maxVersion: t.maxVersion } : {}),
    };
    const fingerprint = createHash('sha256').update(JSON.stringify([ca, cert, key])).digest('hex');
    return { options, fingerprint };
}

// ---------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------

export interface ServerTls {
    readonly cert: PemSource;
    readonly key: PemSource;
    readonly clientCa?: PemSource;
    /** Go's tls.ClientAuthType, by name. */
    readonly clientAuth: 'NoClientCert' | 'RequestClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven' | 'RequireAndVerifyClientCert';
    readonly minVersion?: tls.SecureVersion;
    readonly maxVersion?: tls.SecureVersion;
}

/** dskit's server `tls` block (loki.source.api, prometheus.receive_http). */
export const DSKIT_SERVER_TLS_BLOCK: ArgumentSchemaEntry = block('tls', false, [
    attr('cert_pem', 'string'),
    attr('key_pem', 'secret'),
    attr('cert_file', 'string'),
    attr('key_file', 'string'),
    attr('client_auth_type', 'string'),
    attr('client_ca_file', 'string'),
    attr('client_ca', 'string'),
    attr('min_version', 'string'),
]);

/** The collector's server `tls` block (otelcol.receiver.otlp http). */
export const OTEL_SERVER_TLS_BLOCK: ArgumentSchemaEntry = block('tls', false, [...OTEL_TLS_COMMON, attr('client_ca_file', 'string')]);

const CLIENT_AUTH_TYPES = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert'] as const;

function requireCertAndKey(t: Args): { cert: PemSource; key: PemSource } {
    const cert = pemPair(t, 'cert_pem', 'cert_file', false);
    const key = pemPair(t, 'key_pem', 'key_file', true);
    if (cert === undefined || key === undefined) t.fail(cert === undefined ? 'cert_file' : 'key_file', 'a server TLS block needs a certificate and its key (cert_file or cert_pem, key_file or key_pem)');
    return { cert, key };
}

/** Decodes dskit's server `tls` block. */
export function decodeDskitServerTls(t: Args | undefined): ServerTls | undefined {
    if (t === undefined) return undefined;
    const { cert, key } = requireCertAndKey(t);
    const clientCa = pemPair(t, 'client_ca', 'client_ca_file', false);
    // dskit: with a client CA and no type, client certificates are required and verified.
    const type = t.string('client_auth_type', '') || (clientCa ? 'RequireAndVerifyClientCert' : 'NoClientCert');
    const clientAuth = CLIENT_AUTH_TYPES.find((x) => x === type);
    if (clientAuth === undefined) return t.fail('client_auth_type', `invalid client auth type ${JSON.stringify(type)}: expected one of ${CLIENT_AUTH_TYPES.join(', ')}`);
    if ((clientAuth === 'VerifyClientCertIfGiven' || clientAuth === 'RequireAndVerifyClientCert') && clientCa === undefined) t.fail('client_ca_file', `client_auth_type ${clientAuth} needs client_ca_file or client_ca`);
    return { cert, key, clientCa, clientAuth, minVersion: version(t, 'min_version', PROMETHEUS_VERSIONS, (v) => `unknown TLS version: ${v}`) };
}

/** Decodes the collector's server `tls` block: a client_ca_file makes client certificates required and verified. */
export function decodeOtelServerTls(t: Args | undefined): ServerTls | undefined {
    if (t === undefined) return undefined;
    const { cert, key } = requireCertAndKey(t);
    t.duration('reload_interval', 0);
    const caFile = t.string('client_ca_file');
    const bad = (v: string) => `invalid TLS version ${JSON.stringify(v)}: expected one of "1.0", "1.1", "1.2", "1.3"`;
    return {
        cert,
        key,
        clientCa: caFile ? { file: new WatchedFile(caFile, [...t.path, 'client_ca_file'].join(' > ')) } : undefined,
        clientAuth: caFile ? 'RequireAndVerifyClientCert' : 'NoClientCert',
        minVersion: version(t, 'min_version', OTEL_VERSIONS, bad) ?? 'TLSv1.2',
        maxVersion: version(t, 'max_version', OTEL_VERSIONS, bad),
    };
}

/** The secure-context options of a server now (files read if they changed). */
export async function resolveServerTls(t: ServerTls): Promise<{ options: tls.TlsOptions; fingerprint: string }> {
    const [cert, key, ca] = await Promise.all([load(t.cert), load(t.key), load(t.clientCa)]);
    const options: tls.TlsOptions = {
        cert,
        key,
        ...(ca !== undefined ? { ca } : {}),
        requestCert: t.clientAuth !== 'NoClientCert',
        // Node's own check rejects a missing certificate too, which is right for only one of Go's modes;
        // the others are enforced per connection by clientCertProblem().
        rejectUnauthorized: t.clientAuth === 'RequireAndVerifyClientCert',
        ...(t.minVersion !== undefined ? { minVersion: t.minVersion } : {}),
        ...(t.maxVersion !== undefined ? { maxVersion: t.maxVersion } : {}),
    };
    return { options, fingerprint: createHash('sha256').update(JSON.stringify([cert, key, ca])).digest('hex') };
}

/** Why a connection must be closed under `t`'s client-auth mode, or undefined. */
export function clientCertProblem(t: ServerTls, socket: tls.TLSSocket): string | undefined {
    const presented = Object.keys(socket.getPeerCertificate() ?? {}).length > 0;
    if (t.clientAuth === 'RequireAnyClientCert' && !presented) return 'client certificate required';
    if (t.clientAuth === 'VerifyClientCertIfGiven' && presented && !socket.authorized) return `client certificate not trusted: ${String(socket.authorizationError)}`;
    return undefined;
}
