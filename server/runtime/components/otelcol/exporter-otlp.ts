// otelcol.exporter.otlp: exports traces with OTLP over gRPC (TraceService/Export), with
// @grpc/grpc-js as the client and the collector's exporterhelper behaviour (export-queue.ts).
//
// - client.endpoint: "host:port" as the collector's gRPC client takes it, optionally prefixed with
//   http:// or https:// (stripped) or a gRPC resolver (dns:///host:port); the port is required.
// - Transport security as configtls: plaintext only with `tls { insecure = true }` (and no CA);
//   otherwise TLS (tls.* in config-tls.ts). `compression`: "gzip" (Alloy's default) or "none".
// - Each attempt has a deadline of `timeout` (default 5s; 0: none) and carries `headers` as
//   metadata. Failures are judged as the collector's OTLP exporter does: UNAVAILABLE, CANCELLED,
//   DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE and DATA_LOSS are retried (RESOURCE_EXHAUSTED only
//   with RetryInfo, whose delay throttles the next attempt); other codes drop the batch.
// - A partial success (spans the peer rejected) is logged, as the collector does.

import tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { ArgumentBody, ComponentContext, ComponentDefinition } from '../../component.js';
import { TRACES_CONSUMER_TYPE } from '../../component.js';
import type { TraceBatch } from '../../protocols/otlp-json.js';
import { Args, UNSUPPORTED_SUFFIX, attr, block, schema } from '../decode.js';
import { USER_AGENT } from '../version.js';
import { TLS_CLIENT_BLOCK, type TlsClientConfig, decodeTlsClient } from './config-tls.js';
import { type AttemptOutcome, IGNORED_QUEUE_ARGUMENTS, QueuedExporter, RETRY_ON_FAILURE_BLOCK, SENDING_QUEUE_BLOCK, decodeQueueRetry } from './export-queue.js';
import { type ExportTraceResponse, TRACE_SERVICE_EXPORT_PATH, deserializeTraceResponse, isRetryableStatus, retryInfoDelayMs, serializeTraceRequest, statusName } from './otlp-grpc.js';

const SCHEMA = schema(
    [attr('timeout', 'duration')],
    [
        block(
            'client',
            true,
            [
                attr('endpoint', 'string', true),
                attr('authority', 'string'),
                attr('balancer_name', 'string'),
                attr('compression', 'string'),
                attr('headers', 'map(string)'),
                attr('wait_for_ready', 'boolean'),
            ],
            [TLS_CLIENT_BLOCK, block('keepalive', false, [attr('ping_response_timeout', 'duration'), attr('ping_wait', 'duration'), attr('ping_without_stream', 'boolean')])],
        ),
        RETRY_ON_FAILURE_BLOCK,
        SENDING_QUEUE_BLOCK,
    ],
    [{ name: 'input', type: 'otelcol.Consumer' }],
);

/** Harmless to ignore: socket buffer sizes; internal debug metrics options; the queue's exporter-side batching. */
export const IGNORED: readonly string[] = ['debug_metrics', 'client.read_buffer_size', 'client.write_buffer_size', ...IGNORED_QUEUE_ARGUMENTS];

/** gRPC compression algorithms as grpc-js numbers them (compression-algorithms.ts). */
const GRPC_GZIP = 2;
const GRPC_IDENTITY = 0;

/** The balancers grpc-js implements, by their gRPC names. */
const BALANCERS = new Set(['pick_first', 'round_robin']);

interface ClientConfig {
    target: string;
    tls: TlsClientConfig;
    gzip: boolean;
    authority?: string;
    balancer: string;
    keepalive?: { timeMs: number; timeoutMs: number; withoutStream: boolean };
}

/**
 * The gRPC target for an endpoint, as the collector's otlpexporter validates and sanitizes it:
 * http:// and https:// are stripped (https:// asks for TLS), dns:// names the resolver.
 */
function grpcTarget(endpoint: string, client: Args): { target: string; https: boolean } {
    const https = endpoint.startsWith('https://');
    const target = endpoint.replace(/^https?:\/\//, '');
    const hostPort = target.replace(/^dns:\/\/[^/]*\//, '');
    if (hostPort === '') client.fail('endpoint', 'requires a non-empty "endpoint"');
    const m = /^(?:\[[^\]]*\]|[^:[\]]*):([^:]*)$/.exec(hostPort);
    if (m === null) client.fail('endpoint', `address ${hostPort}: ${hostPort.includes(':') ? 'too many colons in address' : 'missing port in address'}`);
    if (!/^\d+$/.test(m[1]) || Number(m[1]) > 65535) client.fail('endpoint', `invalid port ${JSON.stringify(m[1])}`);
    return { target, https };
}

function channelCredentials(cfg: TlsClientConfig): grpc.ChannelCredentials {
    if (!cfg.enabled) return grpc.credentials.createInsecure();
    const verify: grpc.VerifyOptions = cfg.insecureSkipVerify ? { rejectUnauthorized: false, checkServerIdentity: () => undefined } : {};
    return grpc.credentials.createFromSecureContext(tls.createSecureContext(cfg.context), verify);
}

function channelOptions(cfg: ClientConfig): grpc.ChannelOptions {
    const options: grpc.ChannelOptions = {
        'grpc.primary_user_agent': USER_AGENT,
        'grpc.default_compression_algorithm': cfg.gzip ? GRPC_GZIP : GRPC_IDENTITY,
        'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ [cfg.balancer]: {} }] }),
    };
    if (cfg.authority) options['grpc.default_authority'] = cfg.authority;
    if (cfg.tls.enabled && cfg.tls.serverName) options['grpc.ssl_target_name_override'] = cfg.tls.serverName;
    if (cfg.keepalive) {
        if (cfg.keepalive.timeMs > 0) options['grpc.keepalive_time_ms'] = cfg.keepalive.timeMs;
        if (cfg.keepalive.timeoutMs > 0) options['grpc.keepalive_timeout_ms'] = cfg.keepalive.timeoutMs;
        options['grpc.keepalive_permit_without_calls'] = cfg.keepalive.withoutStream ? 1 : 0;
    }
    return options;
}

class OtelcolExporterOtlp extends QueuedExporter {
    private client: grpc.Client | undefined;
    private clientKey = '';
    private target = '';
    private metadata = new grpc.Metadata();
    private timeoutMs = 5000;
    private waitForReady = false;

    constructor(ctx: ComponentContext) {
        super(ctx, 'otelcol.exporter.otlp export');
    }

    update(body: ArgumentBody): void {
        const args = Args.of('otelcol.exporter.otlp', SCHEMA, body, { ignored: IGNORED });
        const client = args.block('client')!;
        const endpoint = client.string('endpoint', '')!;
        const { target, https } = grpcTarget(endpoint, client);
        const compression = client.string('compression', 'gzip');
        if (compression === 'snappy' || compression === 'zstd') client.fail('compression', `${JSON.stringify(compression)} ${UNSUPPORTED_SUFFIX}`);
        if (compression !== 'gzip' && compression !== 'none' && compression !== '') client.fail('compression', `unsupported compression type ${JSON.stringify(compression)}`);
        const balancer = client.string('balancer_name', '') || 'round_robin';
        if (!BALANCERS.has(balancer)) client.fail('balancer_name', `balancer ${JSON.stringify(balancer)} ${UNSUPPORTED_SUFFIX} (it supports pick_first and round_robin)`);
        const metadata = new grpc.Metadata();
        for (const [name, value] of client.stringMap('headers') ?? []) {
            const key = name.toLowerCase();
            if (!/^[0-9a-z_.-]+$/.test(key)) client.fail('headers', `invalid gRPC metadata key ${JSON.stringify(name)}`);
            if (key.endsWith('-bin')) metadata.add(key, Buffer.from(value));
            else metadata.add(key, value);
        }
        const tlsBlock = client.block('tls');
        const tlsCfg = decodeTlsClient(tlsBlock);
        // https:// asks for TLS even with insecure = true (the collector uses TLS defaults then).
        const tlsConfig = !tlsCfg.enabled && https ? { ...tlsCfg, enabled: true } : tlsCfg;
        const k = client.block('keepalive');
        const cfg: ClientConfig = {
            target,
            tls: tlsConfig,
            gzip: compression === 'gzip',
            balancer,
            ...(client.string('authority') ? { authority: client.string('authority') } : {}),
            ...(k ? { keepalive: { timeMs: k.duration('ping_wait', 0), timeoutMs: k.duration('ping_response_timeout', 0), withoutStream: k.bool('ping_without_stream', false) } } : {}),
        };
        const { retry, queue } = decodeQueueRetry(args);
        this.timeoutMs = args.duration('timeout', 5000);
        this.waitForReady = client.bool('wait_for_ready', false);
        this.metadata = metadata;
        this.target = target;
        // The channel is remade only when what it is made of changed (credentials include file contents).
        const key = JSON.stringify({ ...cfg, tls: { ...cfg.tls, context: { ...cfg.tls.context, ca: String(cfg.tls.context.ca ?? '') } } });
        if (key !== this.clientKey) {
            this.client?.close();
            this.client = new grpc.Client(target, channelCredentials(cfg.tls), channelOptions(cfg));
            this.clientKey = key;
        }
        this.ctx.setExports({ input: { kind: 'capsule', type: TRACES_CONSUMER_TYPE, payload: this.queue.consumer } });
        const security = cfg.tls.enabled ? 'TLS' : 'plaintext';
        this.queue.configure({ retry, queue, target, healthBase: `exporting OTLP/gRPC traces to ${target} (${security}, ${cfg.gzip ? 'gzip' : 'uncompressed'})` });
    }

    /** One TraceService/Export call with the attempt's deadline; the outcome as the collector judges it. */
    protected async attempt(batch: TraceBatch, spans: number, signal: AbortSignal): Promise<AttemptOutcome> {
        const client = this.client!;
        const deadline = this.timeoutMs > 0 ? Date.now() + this.timeoutMs : Infinity;
        try {
            if (this.waitForReady) await new Promise<void>((resolve, reject) => client.waitForReady(deadline, (e) => (e ? reject(Object.assign(e, { code: grpc.status.DEADLINE_EXCEEDED })) : resolve())));
            const response = await new Promise<ExportTraceResponse>((resolve, reject) => {
                const call = client.makeUnaryRequest(TRACE_SERVICE_EXPORT_PATH, serializeTraceRequest, deserializeTraceResponse, batch, this.metadata.clone(), { deadline }, (e, r) => (e ? reject(e) : resolve(r)));
                const cancel = () => call.cancel();
                signal.addEventListener('abort', cancel, { once: true });
                call.on('status', () => signal.removeEventListener('abort', cancel));
            });
            if (response !== undefined && (response.rejectedSpans > 0 || response.errorMessage !== '')) {
                this.ctx.log('warn', `partial success: ${this.target} rejected ${response.rejectedSpans} of ${spans} spans${response.errorMessage ? `: ${response.errorMessage}` : ''}`);
            }
            return { ok: true };
        } catch (e) {
            const err = e as Partial<grpc.ServiceError>;
            const code = err.code ?? grpc.status.UNKNOWN;
            const throttleMs = retryInfoDelayMs(err.metadata);
            const detail = err.details ?? err.message ?? String(e);
            return { ok: false, problem: `${statusName(code)}: ${detail}`, retryable: isRetryableStatus(code, throttleMs !== undefined), ...(throttleMs !== undefined ? { throttleMs } : {}) };
        }
    }

    protected peerAttributes(): Record<string, string> {
        return { 'server.address': this.target };
    }

    protected closeTransport(): void {
        this.client?.close();
    }
}

export const otelcolExporterOtlp: ComponentDefinition = {
    name: 'otelcol.exporter.otlp',
    schema: SCHEMA,
    create: (ctx) => new OtelcolExporterOtlp(ctx),
};
