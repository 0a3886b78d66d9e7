// AWS Signature Version 4 request signing for prometheus.remote_write's `sigv4` block (as Prometheus'
// sigv4 round tripper does: service "aps" unless service_name is set), with @smithy/signature-v4.
// Credentials are the block's access_key/secret_key, or the AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
// (/ AWS_SESSION_TOKEN) environment variables; a profile, an assumed role or the rest of the AWS default
// credential chain are not available in the embedded runtime and are refused with that reason.

import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { ArgumentSchemaEntry } from '../component.js';
import { type Args, ArgumentError, UNSUPPORTED_SUFFIX, attr, block } from './decode.js';
import type { OutgoingRequest, RequestAuth } from './http-client.js';

export const SIGV4_BLOCK: ArgumentSchemaEntry = block('sigv4', false, [
    attr('region', 'string'),
    attr('access_key', 'string'),
    attr('secret_key', 'secret'),
    attr('profile', 'string'),
    attr('role_arn', 'string'),
    attr('external_id', 'string'),
    attr('use_fips_sts_endpoint', 'bool'),
    attr('service_name', 'string'),
]);

export interface SigV4Config {
    readonly region: string;
    readonly service: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
}

/** Reads the `sigv4` block, validated with Alloy's messages. */
export function decodeSigV4(s: Args, env: NodeJS.ProcessEnv = process.env): SigV4Config {
    const accessKey = s.string('access_key') ?? '';
    const secretKey = s.secret('secret_key') ?? '';
    if ((accessKey === '') !== (secretKey === '')) s.fail('access_key', 'must provide an AWS SigV4 access key and secret key if credentials are specified in the SigV4 config');
    if ((s.string('external_id') ?? '') !== '' && (s.string('role_arn') ?? '') === '') s.fail('external_id', 'external_id can only be used with role_arn');
    for (const name of ['profile', 'role_arn'] as const) {
        if ((s.string(name) ?? '') !== '') throw new ArgumentError(`argument "${[...s.path, name].join(' > ')}" ${UNSUPPORTED_SUFFIX} (flowlens signs with access_key/secret_key or the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment variables only)`);
    }
    s.bool('use_fips_sts_endpoint', false); // only used to assume a role
    const region = s.string('region', '') || env.AWS_REGION || env.AWS_DEFAULT_REGION || '';
    if (region === '') s.fail('region', 'region not configured in sigv4 or in default credentials chain');
    if (accessKey !== '') return { region, service: s.string('service_name', '') || 'aps', accessKeyId: accessKey, secretAccessKey: secretKey };
    const id = env.AWS_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY ?? '';
    const secret = env.AWS_SECRET_ACCESS_KEY ?? env.AWS_SECRET_KEY ?? '';
    if (id === '' || secret === '') {
        throw new ArgumentError(
            `block "${s.path.join(' > ')}" without access_key/secret_key reads the AWS default credential chain (shared credentials file, instance or container role), which flowlens' embedded runtime does not; set access_key and secret_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment`,
        );
    }
    return { region, service: s.string('service_name', '') || 'aps', accessKeyId: id, secretAccessKey: secret, sessionToken: env.AWS_SESSION_TOKEN || undefined };
}

/** Signs requests; `now` is injectable for the reference test vectors. */
export class SigV4Auth implements RequestAuth {
    private readonly signer: SignatureV4;

    constructor(
        cfg: SigV4Config,
        private readonly now: () => Date = () => new Date(),
    ) {
        this.signer = new SignatureV4({
            credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey, ...(cfg.sessionToken ? { sessionToken: cfg.sessionToken } : {}) },
            region: cfg.region,
            service: cfg.service,
            sha256: Hash.bind(null, 'sha256'),
            // As Go's v4 signer for non-S3 services: no x-amz-content-sha256 header, the path escaped once more.
            applyChecksum: false,
        });
    }

    async apply(req: OutgoingRequest): Promise<void> {
        const query: Record<string, string | string[]> = {};
        for (const [k, v] of req.url.searchParams) {
            const prev = query[k];
            query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
        }
        const headers: Record<string, string> = { host: req.url.host };
        for (const [k, v] of Object.entries(req.headers)) if (k.toLowerCase() !== 'host') headers[k] = v;
        const signed = await this.signer.sign(
            new HttpRequest({
                method: req.method,
                protocol: req.url.protocol,
                hostname: req.url.hostname,
                ...(req.url.port ? { port: Number(req.url.port) } : {}),
                path: req.url.pathname,
                query,
                headers,
                body: req.body,
            }),
            { signingDate: this.now() },
        );
        for (const [k, v] of Object.entries(signed.headers)) {
            if (k === 'host') continue;
            req.headers[k] = v;
        }
    }
}
