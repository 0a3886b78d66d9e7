// otelcol.exporter.otlphttp: exports traces with OTLP/HTTP to `traces_endpoint`
// (default `client.endpoint + "/v1/traces"`), protobuf (default, as in Alloy) or JSON (`encoding`).
//
// sending_queue and retry_on_failure as the collector's exporterhelper (export-queue.ts): network
// errors, 429 and 5xx are retried (Retry-After honoured as a throttle); other statuses are permanent
// failures (counted, not retried);
// - compression "gzip" (default) or "none".

import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { ArgumentBody, ComponentContext, ComponentDefinition } from '../../component.js';
import { TRACES_CONSUMER_TYPE } from '../../component.js';
import { type TraceBatch, encodeExportTraceRequest } from '../../protocols/otlp-json.js';
import { Args, attr, block, schema } from '../decode.js';
import { HttpClient, describeNetworkError } from '../http-client.js';
import { decodeProxy } from '../http-proxy.js';
import { OTEL_CLIENT_TLS_BLOCK, decodeOtelClientTls } from '../http-tls.js';
import { type AttemptOutcome, IGNORED_QUEUE_ARGUMENTS, QueuedExporter, RETRY_ON_FAILURE_BLOCK, SENDING_QUEUE_BLOCK, decodeQueueRetry } from './export-queue.js';
import { OTLP_PROTOBUF_CONTENT_TYPE, encodeExportTraceRequestProto } from './otlp-proto.js';
import { USER_AGENT } from '../version.js';

const gzip = promisify(zlib.gzip);

const SCHEMA = schema(
    [attr('encoding', 'string'), attr('traces_endpoint', 'string')],
    [
        block(
            'client',
            true,
            [
                attr('endpoint', 'string', true),
                attr('compression', 'string'),
                attr('headers', 'map(string)'),
                attr('timeout', 'duration'),
                attr('proxy_url', 'string'),
            ],
            [OTEL_CLIENT_TLS_BLOCK],
        ),
        RETRY_ON_FAILURE_BLOCK,
        SENDING_QUEUE_BLOCK,
    ],
    [{ name: 'input', type: 'otelcol.Consumer' }],
);

/**
 * Harmless to ignore: connection-pool, keep-alive, HTTP/2 and buffer tuning; cookies; the gzip level;
 * the logs/metrics endpoints (flowlens exports traces only); the exporter-side batch settings of the
 * sending queue (they change request sizes, not what is delivered); internal debug metrics options.
 */
export const IGNORED: readonly string[] = [
    'logs_endpoint',
    'metrics_endpoint',
    'debug_metrics',
    'client.disable_keep_alives',
    'client.force_attempt_http2',
    'client.http2_ping_timeout',
    'client.http2_read_idle_timeout',
    'client.idle_conn_timeout',
    'client.max_conns_per_host',
    'client.max_idle_conns_per_host',
    'client.max_idle_conns',
    'client.read_buffer_size',
    'client.write_buffer_size',
    'client.compression_params',
    'client.cookies',
    ...IGNORED_QUEUE_ARGUMENTS,
];

interface ExporterConfig {
    url: string;
    proto: boolean;
    headers: Record<string, string>;
    timeoutMs: number;
    gzip: boolean;
}

class OtelcolExporterOtlpHttp extends QueuedExporter {
    private cfg!: ExporterConfig;
    private client: HttpClient | undefined;
    private clientKey = '';

    constructor(ctx: ComponentContext) {
        super(ctx, 'otelcol.exporter.otlphttp export');
    }

    update(body: ArgumentBody): void {
        const args = Args.of('otelcol.exporter.otlphttp', SCHEMA, body, { ignored: IGNORED });
        const encoding = args.string('encoding', 'proto');
        if (encoding !== 'proto' && encoding !== 'json') args.fail('encoding', `expected "proto" or "json", got ${JSON.stringify(encoding)}`);
        const client = args.block('client')!;
        const endpoint = client.string('endpoint', '');
        const tracesEndpoint = args.string('traces_endpoint') ?? endpoint.replace(/\/+$/, '') + '/v1/traces';
        try {
            const u = new URL(tracesEndpoint);
            if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
        } catch {
            if (args.has('traces_endpoint')) args.fail('traces_endpoint', `expected an http(s) URL, got ${JSON.stringify(tracesEndpoint)}`);
            client.fail('endpoint', `expected an http(s) URL, got ${JSON.stringify(endpoint)}`);
        }
        const compression = client.string('compression', 'gzip');
        if (compression !== 'gzip' && compression !== 'none' && compression !== '') {
            client.fail('compression', `flowlens' embedded runtime supports "gzip" and "none"; ${JSON.stringify(compression)} runs on Grafana Alloy`);
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of client.stringMap('headers') ?? []) headers[k] = v;
        const tls = decodeOtelClientTls(client.block('tls'));
        const proxy = decodeProxy(client);
        const { retry, queue } = decodeQueueRetry(args);
        this.cfg = {
            url: tracesEndpoint,
            proto: encoding === 'proto',
            headers,
            timeoutMs: client.duration('timeout', 30_000, { allowZero: false }),
            gzip: compression === 'gzip',
        };
        const key = JSON.stringify([tracesEndpoint, client.body.blocks.filter((b) => b.name === 'tls').map((b) => [...b.body.attributes]), client.string('proxy_url')]);
        if (key !== this.clientKey) {
            this.client?.close();
            this.client = new HttpClient(tracesEndpoint, { tls, proxy });
            this.clientKey = key;
        }
        this.ctx.setExports({ input: { kind: 'capsule', type: TRACES_CONSUMER_TYPE, payload: this.queue.consumer } });
        this.queue.configure({ retry, queue, target: tracesEndpoint, healthBase: `exporting OTLP/HTTP ${encoding === 'proto' ? 'protobuf' : 'JSON'} traces to ${tracesEndpoint}` });
    }

    /** One POST of the batch: 2xx is success; 429, 5xx and network errors are retryable (Retry-After throttles). */
    protected async attempt(batch: TraceBatch, _spans: number, signal: AbortSignal): Promise<AttemptOutcome> {
        const payload = this.cfg.proto ? encodeExportTraceRequestProto(batch) : Buffer.from(JSON.stringify(encodeExportTraceRequest(batch)));
        const body = this.cfg.gzip ? await gzip(payload) : payload;
        const headers: Record<string, string> = { ...this.cfg.headers, 'Content-Type': this.cfg.proto ? OTLP_PROTOBUF_CONTENT_TYPE : 'application/json', 'User-Agent': USER_AGENT };
        if (this.cfg.gzip) headers['Content-Encoding'] = 'gzip';
        try {
            const res = await this.client!.post(body, headers, this.cfg.timeoutMs, signal);
            if (res.status >= 200 && res.status < 300) return { ok: true };
            const problem = `HTTP ${res.status}${res.text ? `: ${res.text.slice(0, 300)}` : ''}`;
            return { ok: false, problem, retryable: res.status === 429 || res.status >= 500, throttleMs: res.retryAfterMs };
        } catch (e) {
            return { ok: false, problem: describeNetworkError(e), retryable: true };
        }
    }

    protected peerAttributes(): Record<string, string> {
        return { 'url.full': this.cfg.url };
    }

    protected closeTransport(): void {
        this.client?.close();
    }
}

export const otelcolExporterOtlpHttp: ComponentDefinition = {
    name: 'otelcol.exporter.otlphttp',
    schema: SCHEMA,
    create: (ctx) => new OtelcolExporterOtlpHttp(ctx),
};
