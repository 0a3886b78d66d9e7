// How discovery.kubernetes and remote.kubernetes.* connect to a cluster, as Alloy's
// common/kubernetes ClientArguments and Prometheus' Kubernetes SD do: `kubeconfig_file` (a real
// kubeconfig: contexts, client certificates, tokens, exec plugins), else `api_server` with Alloy's
// HTTP client options, else the in-cluster service account (KUBERNETES_SERVICE_HOST/PORT, the
// token and CA under /var/run/secrets/kubernetes.io/serviceaccount). The result is a
// @kubernetes/client-node KubeConfig; listing, watching and getting go through that client.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KubeConfig, type User } from '@kubernetes/client-node';
import type { ArgumentSchemaEntry } from '../component.js';
import { type Args, ArgumentError, attr, block } from './decode.js';
import { errorMessage } from './fanout.js';
import { type HttpAuth, authorizationHeader, decodeAuth } from './http-auth.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

const TLS_ATTRIBUTES: readonly ArgumentSchemaEntry[] = [
    attr('ca_pem', 'string'),
    attr('ca_file', 'string'),
    attr('cert_pem', 'string'),
    attr('cert_file', 'string'),
    attr('key_pem', 'secret'),
    attr('key_file', 'string'),
    attr('server_name', 'string'),
    attr('insecure_skip_verify', 'bool'),
];

/** The client arguments (squashed into discovery.kubernetes, the `client` block of remote.kubernetes.*). */
export const CLIENT_ATTRIBUTES: readonly ArgumentSchemaEntry[] = [
    attr('api_server', 'string'),
    attr('kubeconfig_file', 'string'),
    attr('bearer_token', 'secret'),
    attr('bearer_token_file', 'string'),
    attr('proxy_url', 'string'),
    attr('http_headers', 'map(list(secret))'),
];

export const CLIENT_BLOCKS: readonly ArgumentSchemaEntry[] = [
    block('basic_auth', false, [attr('username', 'string'), attr('password', 'secret'), attr('password_file', 'string')]),
    block('authorization', false, [attr('type', 'string'), attr('credentials', 'secret'), attr('credentials_file', 'string')]),
    block('tls_config', false, TLS_ATTRIBUTES),
];

/**
 * Client arguments accepted and ignored: HTTP/2 is a transport detail, and the API server does not
 * redirect (client-node follows redirects either way). Paths are relative to the client arguments.
 */
export const CLIENT_IGNORED: readonly string[] = ['enable_http2', 'follow_redirects'];

export interface KubeClientOptions {
    readonly apiServer?: string;
    readonly kubeconfigFile?: string;
    readonly auth: HttpAuth;
    readonly headers: ReadonlyMap<string, readonly string[]>;
    readonly proxyUrl?: string;
    readonly tls: {
        readonly caPem?: string;
        readonly caFile?: string;
        readonly certPem?: string;
        readonly certFile?: string;
        readonly keyPem?: string;
        readonly keyFile?: string;
        readonly serverName?: string;
        readonly insecureSkipVerify: boolean;
    };
    /** True when an HTTP client option differs from its default (Alloy uses them only with api_server). */
    readonly customHttp: boolean;
}

/** Reads the client arguments of `args` (the component's top level or its `client` block; undefined: all defaults). */
export function decodeClient(block: Args | undefined): KubeClientOptions {
    if (block === undefined) return { auth: undefined, headers: new Map(), tls: { insecureSkipVerify: false }, customHttp: false };
    const args: Args = block; // explicitly typed: args.fail() narrows as `never`
    const apiServer = args.string('api_server');
    if (apiServer !== undefined) {
        let url: URL;
        try {
            url = new URL(apiServer);
        } catch {
            args.fail('api_server', `invalid URL ${JSON.stringify(apiServer)}`);
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') args.fail('api_server', `unsupported scheme ${JSON.stringify(url.protocol.slice(0, -1))}: expected http or https`);
    }
    const tls = args.block('tls_config');
    const headers = args.stringListMap('http_headers', true) ?? new Map<string, string[]>();
    const options: KubeClientOptions = {
        apiServer: apiServer?.replace(/\/+$/, ''),
        kubeconfigFile: args.string('kubeconfig_file'),
        auth: decodeAuth(args),
        headers,
        proxyUrl: args.string('proxy_url'),
        tls: {
            caPem: tls?.string('ca_pem'),
            caFile: tls?.string('ca_file'),
            certPem: tls?.string('cert_pem'),
            certFile: tls?.string('cert_file'),
            keyPem: tls?.secret('key_pem'),
            keyFile: tls?.string('key_file'),
            serverName: tls?.string('server_name'),
            insecureSkipVerify: tls?.bool('insecure_skip_verify', false) ?? false,
        },
        customHttp: false,
    };
    if (options.tls.caPem !== undefined && options.tls.caFile !== undefined) args.fail('tls_config', 'at most one of ca_pem and ca_file must be configured');
    if (options.tls.certPem !== undefined && options.tls.certFile !== undefined) args.fail('tls_config', 'at most one of cert_pem and cert_file must be configured');
    if (options.tls.keyPem !== undefined && options.tls.keyFile !== undefined) args.fail('tls_config', 'at most one of key_pem and key_file must be configured');
    const customHttp = options.auth !== undefined || headers.size > 0 || options.proxyUrl !== undefined || tls !== undefined;
    return { ...options, customHttp };
}

/** The arguments every client must satisfy (Alloy's ClientArguments.Validate). */
export function validateClient(args: Args, options: KubeClientOptions): void {
    if (options.apiServer !== undefined && options.kubeconfigFile !== undefined) args.fail('api_server', 'only one of api_server and kubeconfig_file can be set');
    if (options.kubeconfigFile !== undefined && options.customHttp) args.fail('kubeconfig_file', 'custom HTTP client configuration is not allowed when kubeconfig_file is set');
    if (options.apiServer === undefined && options.customHttp) args.fail('api_server', 'api_server must be set when custom HTTP client configuration is provided');
}

export interface KubeConnection {
    readonly config: KubeConfig;
    /** How the client connects, for health messages and logs (never a credential). */
    readonly describe: string;
    /** The pod's own namespace, when running in a cluster. */
    readonly ownNamespace?: string;
}

/**
 * A KubeConfig for `options`: kubeconfig_file first, then api_server, then in-cluster (as Prometheus'
 * Kubernetes SD chooses). Throws an ArgumentError naming what is missing or unreadable.
 */
export function connect(options: KubeClientOptions, env: { root?: string; readOwnNamespace?: boolean } = {}): KubeConnection {
    const kc = new KubeConfig();
    if (options.kubeconfigFile !== undefined) {
        try {
            kc.loadFromFile(options.kubeconfigFile);
        } catch (e) {
            throw new ArgumentError(`kubeconfig_file: cannot load ${JSON.stringify(options.kubeconfigFile)}: ${errorMessage(e)}`);
        }
        const cluster = kc.getCurrentCluster();
        if (cluster === null) throw new ArgumentError(`kubeconfig_file: ${JSON.stringify(options.kubeconfigFile)} has no current context with a cluster`);
        return { config: plainHttpAllowed(kc), describe: `${cluster.server} (kubeconfig ${options.kubeconfigFile}, context ${kc.getCurrentContext()})` };
    }
    if (options.apiServer !== undefined) {
        const tls = options.tls;
        const user: User = {
            name: 'flowlens',
            certData: pemData(tls.certPem),
            certFile: tls.certFile,
            keyData: pemData(tls.keyPem),
            keyFile: tls.keyFile,
        };
        kc.loadFromClusterAndUser(
            {
                name: 'api_server',
                server: options.apiServer,
                caData: pemData(tls.caPem),
                caFile: tls.caFile,
                tlsServerName: tls.serverName,
                skipTLSVerify: tls.insecureSkipVerify,
                proxyUrl: options.proxyUrl,
            },
            user,
        );
        if (options.auth !== undefined || options.headers.size > 0) kc.addAuthenticator(new HttpOptionsAuthenticator(options.auth, options.headers));
        return { config: plainHttpAllowed(kc), describe: options.apiServer };
    }
    const host = process.env.KUBERNETES_SERVICE_HOST;
    const port = process.env.KUBERNETES_SERVICE_PORT;
    if (!host || !port) {
        throw new ArgumentError('unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined (set api_server or kubeconfig_file to reach a cluster from outside)');
    }
    // `root` prefixes the service account directory (tests lay one out under a temporary directory).
    const root = env.root ?? '';
    const dir = root + SERVICE_ACCOUNT_DIR;
    for (const file of ['token', 'ca.crt']) {
        try {
            readFileSync(path.join(dir, file));
        } catch (e) {
            throw new ArgumentError(`in-cluster configuration: cannot read the service account's ${file}: ${errorMessage(e)}`);
        }
    }
    // client-node's in-cluster config re-reads the token file (it is rotated by the kubelet).
    kc.loadFromCluster(root);
    let ownNamespace: string | undefined;
    if (env.readOwnNamespace) {
        try {
            ownNamespace = readFileSync(path.join(dir, 'namespace'), 'utf8');
        } catch (e) {
            throw new ArgumentError(`namespaces > own_namespace: could not determine the pod's namespace: ${errorMessage(e)}`);
        }
        if (ownNamespace === '') throw new ArgumentError('namespaces > own_namespace: could not read own namespace name (empty file)');
    }
    return { config: plainHttpAllowed(kc), describe: `${kc.getCurrentCluster()?.server} (in-cluster service account)`, ownNamespace };
}

function pemData(pem: string | undefined): string | undefined {
    return pem === undefined ? undefined : Buffer.from(pem).toString('base64');
}

/**
 * client-node refuses `http://` servers unless TLS verification is off; over plain HTTP there is
 * nothing to verify, so mark those clusters (an https server keeps its setting).
 */
function plainHttpAllowed(kc: KubeConfig): KubeConfig {
    kc.clusters = kc.clusters.map((c) => (c.server.startsWith('http:') && !c.skipTLSVerify ? { ...c, skipTLSVerify: true } : c));
    return kc;
}

/**
 * Alloy's authentication options on client-node's authenticator hook: bearer_token(_file),
 * basic_auth, authorization (files read on every request, as Prometheus does) and http_headers.
 */
class HttpOptionsAuthenticator {
    constructor(
        private readonly auth: HttpAuth,
        private readonly headers: ReadonlyMap<string, readonly string[]>,
    ) {}

    isAuthProvider(user: User): boolean {
        return user.name === 'flowlens';
    }

    async applyAuthentication(_user: User, opts: { headers?: Record<string, string | string[]> }): Promise<void> {
        opts.headers ??= {};
        for (const [name, values] of this.headers) opts.headers[name] = values.length === 1 ? values[0] : [...values];
        const authorization = await authorizationHeader(this.auth);
        if (authorization !== undefined) opts.headers.Authorization = authorization;
    }
}
