// otelcol.receiver.otlp: OTLP receiver for traces, over HTTP (protobuf and JSON encodings) and gRPC.
//
// POST <traces_url_path> (default /v1/traces) with Content-Type application/x-protobuf or
// application/json (optionally gzip or deflate encoded) → TraceBatch → every consumer in
// `output { traces = [...] }`. Responses, in the request's encoding: 200 with an empty
// ExportTraceServiceResponse on success; 400 with a google.rpc.Status (`{"code":3,"message":...}` in
// JSON) for a malformed or invalid request (the server keeps serving); 415 for other content types;
// 503 with Retry-After while the pipeline is paused or when a consumer fails (OTLP clients retry).
// The server binds to `ctx.defaultHost` (127.0.0.1) unless `http { endpoint = ... }` names a host.
// `grpc { ... }` serves TraceService/Export (otlp-grpc-server.ts, default ctx.defaultHost:4317) into
// the same consumers: INVALID_ARGUMENT for a malformed request, UNAVAILABLE while paused or when a
// consumer fails (as the collector's receiver: clients retry). Without an `http` or `grpc` block
// that protocol is not served, as in Alloy.

import type http from 'node:http';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition, TracesConsumer } from '../../component.js';
import { TRACES_CONSUMER_TYPE } from '../../component.js';
import { OtlpError, type TraceBatch, parseExportTraceRequest, spanCount } from '../../protocols/otlp-json.js';
import { Args, attr, block, isTracesConsumer, parseByteSize, parseHostPort, schema } from '../decode.js';
import { OTLP_PROTOBUF_CONTENT_TYPE, decodeExportTraceRequestProto, encodeRpcStatus } from './otlp-proto.js';
import { type ExportReply, GRPC_SERVER_BLOCK, type GrpcServerConfig, IGNORED_GRPC_ARGUMENTS, OtlpGrpcTraceServer, decodeGrpcServer } from './otlp-grpc-server.js';
import * as grpc from '@grpc/grpc-js';
import { errorMessage, forwardTraces } from '../fanout.js';
import { HttpError, ManagedServer, decodeContentEncoding, readBody, type ServerTimeouts } from '../http-server.js';
import { type CounterHandle, HTTP_REQUEST_DURATION_BUCKETS, type HistogramHandle, InstanceMetrics, RECEIVER_ACCEPTED_SPANS, RECEIVER_REFUSED_SPANS } from '../metrics.js';

const OUTPUT_BLOCK = block('output', true, [
    attr('logs', 'list(otelcol.Consumer)'),
    attr('metrics', 'list(otelcol.Consumer)'),
    attr('traces', 'list(otelcol.Consumer)'),
]);

const SCHEMA = schema(
    [],
    [
        OUTPUT_BLOCK,
        GRPC_SERVER_BLOCK,
        block('http', false, [
            attr('compression_algorithms', 'list(string)'),
            attr('endpoint', 'string'),
            attr('idle_timeout', 'duration'),
            attr('max_request_body_size', 'string'),
            attr('read_timeout', 'duration'),
            attr('read_header_timeout', 'duration'),
            attr('traces_url_path', 'string'),
            attr('write_timeout', 'duration'),
        ]),
    ],
    [],
);

/**
 * Harmless to ignore: internal debug metrics options; include_metadata (only feeds
 * otelcol.processor.batch's metadata_keys, which flowlens refuses); keep-alive and header-timeout
 * tuning; the logs/metrics URL paths (flowlens receives traces only, other paths answer 404).
 */
export const IGNORED: readonly string[] = [
    'debug_metrics',
    'http.include_metadata',
    'http.keep_alives_enabled',
    'http.logs_url_path',
    'http.metrics_url_path',
    ...IGNORED_GRPC_ARGUMENTS,
];

const SUPPORTED_ENCODINGS = ['', 'gzip', 'deflate'];

/** Decodes the `output` block's traces consumers; refuses metrics and logs consumers. */
export function decodeTracesOutput(args: Args): TracesConsumer[] {
    const out = args.block('output');
    if (out === undefined) return [];
    for (const signal of ['metrics', 'logs'] as const) {
        if (out.capsules(signal, TRACES_CONSUMER_TYPE, isTracesConsumer).length > 0) {
            out.fail(signal, `flowlens' embedded runtime handles traces only; ${signal} pipelines run on Grafana Alloy`);
        }
    }
    return out.capsules('traces', TRACES_CONSUMER_TYPE, isTracesConsumer);
}

const REQUEST_DURATION = {
    name: 'otelcol_receiver_otlp_http_request_duration_seconds',
    help: 'Time (in seconds) spent serving OTLP/HTTP requests.',
    type: 'histogram',
    labelNames: ['status_code'],
    buckets: HTTP_REQUEST_DURATION_BUCKETS,
} as const;

class OtelcolReceiverOtlp implements Component {
    private consumers: TracesConsumer[] = [];
    private readonly server: ManagedServer;
    private readonly grpcServer: OtlpGrpcTraceServer;
    private address: { host: string; port: number } | undefined;
    private grpcConfig: GrpcServerConfig | undefined;
    private tracesPath = '/v1/traces';
    private maxBodyBytes = 20 * 1024 * 1024;
    private encodings: string[] = SUPPORTED_ENCODINGS;
    private timeouts: ServerTimeouts = { requestTimeoutMs: 30_000, keepAliveTimeoutMs: 60_000 };
    private started = false;
    private paused = false;
    private inFlight = 0;
    private readonly metrics: InstanceMetrics;
    private readonly accepted: CounterHandle;
    private readonly refused: CounterHandle;
    private readonly durations = new Map<number, HistogramHandle>();

    constructor(private readonly ctx: ComponentContext) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.accepted = this.metrics.counter(RECEIVER_ACCEPTED_SPANS);
        this.refused = this.metrics.counter(RECEIVER_REFUSED_SPANS);
        for (const code of [200, 400, 404, 405, 413, 415, 503]) this.durations.set(code, this.metrics.histogram(REQUEST_DURATION, { status_code: String(code) }));
        this.server = new ManagedServer((req, res) => this.handle(req, res));
        this.grpcServer = new OtlpGrpcTraceServer((request) => this.exportGrpc(request));
    }

    update(body: ArgumentBody): void | Promise<void> {
        const args = Args.of('otelcol.receiver.otlp', SCHEMA, body, { ignored: IGNORED });
        const consumers = decodeTracesOutput(args);
        const h = args.block('http');
        let address: { host: string; port: number } | undefined;
        if (h !== undefined) {
            const endpoint = h.string('endpoint', `${this.ctx.defaultHost}:4318`);
            address = parseHostPort(endpoint, 'http > endpoint');
            if (address.host === '') address = { host: this.ctx.defaultHost, port: address.port };
            let path = h.string('traces_url_path', '/v1/traces');
            if (!path.startsWith('/')) path = '/' + path;
            this.tracesPath = path;
            const size = h.string('max_request_body_size', '20MiB');
            try {
                this.maxBodyBytes = parseByteSize(size);
            } catch (e) {
                h.fail('max_request_body_size', errorMessage(e));
            }
            const algorithms = h.stringList('compression_algorithms');
            if (algorithms !== undefined) this.encodings = algorithms.map((a) => a.toLowerCase());
            const read = h.duration('read_timeout', 0);
            const write = h.duration('write_timeout', 30_000);
            // The collector's ReadHeaderTimeout default is 1 minute (confighttp).
            this.timeouts = { requestTimeoutMs: read > 0 ? read + write : 0, keepAliveTimeoutMs: h.duration('idle_timeout', 60_000), headersTimeoutMs: h.duration('read_header_timeout', 60_000) };
        }
        const g = args.block('grpc');
        const grpcConfig = g === undefined ? undefined : decodeGrpcServer(g, this.ctx.defaultHost);
        this.consumers = consumers;
        this.address = address;
        this.grpcConfig = grpcConfig;
        if (address === undefined && grpcConfig === undefined) this.ctx.setHealth('healthy', 'no http or grpc block: no OTLP server started');
        if (this.started) return this.listen();
    }

    async start(): Promise<void> {
        this.started = true;
        await this.listen();
    }

    private async listen(): Promise<void> {
        const serving: string[] = [];
        try {
            if (this.address === undefined) await this.server.close();
            else {
                await this.server.listen(this.address, this.timeouts);
                serving.push(`OTLP/HTTP on ${this.server.url}${this.tracesPath}`);
            }
            if (this.grpcConfig === undefined) await this.grpcServer.close();
            else {
                await this.grpcServer.listen(this.grpcConfig);
                serving.push(`OTLP/gRPC${this.grpcServer.tls ? ' (TLS)' : ''} on ${this.grpcServer.endpoint}`);
            }
        } catch (e) {
            this.ctx.setHealth('unhealthy', errorMessage(e));
            throw e;
        }
        if (serving.length === 0) return;
        this.ctx.setHealth('healthy', `receiving traces: ${serving.join(', ')}`);
        this.ctx.log('info', `receiving traces: ${serving.join(', ')}`);
    }

    /** host:port of the gRPC server, when it serves. */
    get grpcEndpoint(): string | undefined {
        return this.grpcServer.endpoint;
    }

    get url(): string | undefined {
        return this.server.url;
    }

    private reply(res: http.ServerResponse, t0: number, status: number, message: string | undefined, proto: boolean, headers: Record<string, string> = {}): void {
        // Error bodies are a google.rpc.Status; success is an empty ExportTraceServiceResponse.
        const code = status === 400 ? 3 : status === 503 ? 14 : 2;
        let body: Uint8Array | string;
        if (proto) body = message === undefined ? new Uint8Array(0) : encodeRpcStatus(code, message);
        else body = message === undefined ? '{}' : JSON.stringify({ code, message });
        if (!res.headersSent) {
            res.writeHead(status, {
                'Content-Type': proto ? OTLP_PROTOBUF_CONTENT_TYPE : 'application/json',
                'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
                ...headers,
            });
        }
        res.end(body);
        this.durations.get(status)?.observe((performance.now() - t0) / 1000);
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const t0 = performance.now();
        const contentType = (req.headers['content-type'] ?? '').split(';', 1)[0].trim().toLowerCase();
        const proto = contentType === OTLP_PROTOBUF_CONTENT_TYPE || contentType === 'application/protobuf';
        const path = (req.url ?? '').split('?', 1)[0];
        if (path !== this.tracesPath) {
            req.resume();
            this.reply(res, t0, 404, `not found: flowlens' embedded runtime receives OTLP traces at POST ${this.tracesPath} (metrics and logs run on Grafana Alloy)`, proto);
            return;
        }
        if (req.method !== 'POST') {
            req.resume();
            this.reply(res, t0, 405, `method ${req.method} not allowed: use POST`, proto, { Allow: 'POST' });
            return;
        }
        if (this.paused) {
            req.resume();
            this.reply(res, t0, 503, 'pipeline paused; retry later', proto, { 'Retry-After': '1' });
            return;
        }
        if (!proto && contentType !== 'application/json') {
            req.resume();
            this.reply(res, t0, 415, `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}: expected application/x-protobuf or application/json`, false);
            return;
        }
        const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
        const enc = encoding === 'identity' ? '' : encoding;
        if (!this.encodings.includes(enc) || !SUPPORTED_ENCODINGS.includes(enc)) {
            req.resume();
            this.reply(res, t0, 415, `unsupported Content-Encoding ${JSON.stringify(encoding)}: accepted are ${this.encodings.filter((e) => SUPPORTED_ENCODINGS.includes(e)).map((e) => e || 'none').join(', ')}`, proto);
            return;
        }
        this.inFlight++;
        void this.process(req, res, t0, enc, proto).finally(() => {
            this.inFlight--;
        });
    }

    private async process(req: http.IncomingMessage, res: http.ServerResponse, t0: number, encoding: string, proto: boolean): Promise<void> {
        let batch;
        try {
            const raw = await readBody(req, this.maxBodyBytes);
            const body = decodeContentEncoding(raw, encoding, this.maxBodyBytes);
            if (proto) {
                batch = decodeExportTraceRequestProto(body);
            } else {
                let json: unknown;
                try {
                    json = JSON.parse(body.toString('utf8'));
                } catch (e) {
                    throw new HttpError(400, `invalid JSON: ${errorMessage(e)}`);
                }
                batch = parseExportTraceRequest(json);
            }
        } catch (e) {
            this.ctx.countError();
            if (e instanceof OtlpError) this.reply(res, t0, 400, `invalid OTLP trace request: ${e.message}`, proto);
            else if (e instanceof HttpError) this.reply(res, t0, e.status, e.message, proto);
            else this.reply(res, t0, 400, `cannot read request: ${errorMessage(e)}`, proto);
            return;
        }
        const problem = await this.deliver(batch);
        if (problem !== undefined) this.reply(res, t0, 503, problem, proto, { 'Retry-After': '1' });
        else this.reply(res, t0, 200, undefined, proto);
    }

    /** Forwards a received batch to the consumers; the problem when they failed (the client should retry). */
    private async deliver(batch: TraceBatch): Promise<string | undefined> {
        const n = spanCount(batch);
        this.ctx.countIn(n);
        if (n === 0) return undefined;
        try {
            await forwardTraces(this.consumers, batch);
            this.ctx.countOut(n);
            this.accepted.inc(n);
            return undefined;
        } catch (e) {
            this.refused.inc(n);
            this.ctx.countError();
            this.ctx.log('warn', `forwarding ${n} received spans failed: ${errorMessage(e)}`);
            return `pipeline could not accept the spans: ${errorMessage(e)}`;
        }
    }

    /** One TraceService/Export call, answered with the collector receiver's status codes. */
    private async exportGrpc(request: Buffer): Promise<ExportReply> {
        if (this.paused) return { code: grpc.status.UNAVAILABLE, message: 'pipeline paused; retry later' };
        this.inFlight++;
        try {
            let batch: TraceBatch;
            try {
                batch = decodeExportTraceRequestProto(request);
            } catch (e) {
                this.ctx.countError();
                return { code: grpc.status.INVALID_ARGUMENT, message: `invalid OTLP trace request: ${errorMessage(e)}` };
            }
            const problem = await this.deliver(batch);
            return problem === undefined ? undefined : { code: grpc.status.UNAVAILABLE, message: problem };
        } finally {
            this.inFlight--;
        }
    }

    pending(): number {
        return this.inFlight;
    }

    pauseSource(): void {
        this.paused = true;
    }

    resumeSource(): void {
        this.paused = false;
    }

    async stop(): Promise<void> {
        await Promise.all([this.server.close(), this.grpcServer.close()]);
        this.metrics.close();
    }
}

export const otelcolReceiverOtlp: ComponentDefinition = {
    name: 'otelcol.receiver.otlp',
    schema: SCHEMA,
    source: true,
    receiver: true,
    create: (ctx) => new OtelcolReceiverOtlp(ctx),
};
