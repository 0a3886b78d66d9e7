// prometheus.receive_http: an HTTP server accepting Prometheus remote write 1.0
// on POST /api/v1/metrics/write and forwarding the samples to `forward_to`.
//
// The request handler and its metrics are created ONCE per component instance
// (grafana/agent #6110 re-created its write handler, and so its metrics, per
// request). Responses: 204 on success; 400 with the decoder's message for
// malformed bodies or invalid series (valid series in the same request are
// still forwarded); 413 for bodies over the limit; 415 for a content type or
// encoding other than remote write 1.0 (snappy + application/x-protobuf);
// 500 when a downstream component fails (the sender retries); 503 with
// Retry-After while the pipeline is paused (the sender retries, nothing is lost).

import type http from 'node:http';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition, MetricsReceiver } from '../../component.js';
import { METRICS_RECEIVER_TYPE } from '../../component.js';
import type { Sample } from '../../protocols/labels.js';
import { DEFAULT_MAX_DECOMPRESSED_BYTES, RemoteWriteError, checkRemoteWriteHeaders } from '../../protocols/remote-write.js';
import { Args, attr, block, isMetricsReceiver, schema } from '../decode.js';
import { errorMessage, forwardSamples } from '../fanout.js';
import { HttpError, ManagedServer, DSKIT_HTTP_ATTRIBUTES, dskitHttpServer, type ServerTimeouts, readBody, sendText } from '../http-server.js';
import { CachingWriteRequestDecoder } from './remote-write-decoder.js';
import { type CounterHandle, FORWARDED_SAMPLES, HTTP_REQUEST_DURATION_BUCKETS, type HistogramHandle, InstanceMetrics } from '../metrics.js';

export const REMOTE_WRITE_PATH = '/api/v1/metrics/write';

const SCHEMA = schema(
    [
        attr('forward_to', 'list(MetricsReceiver)', true),
        attr('accepted_remote_write_protobuf_messages', 'list(string)'),
    ],
    [
        block('http', false, DSKIT_HTTP_ATTRIBUTES),
    ],
    [],
);

/** Metadata options only apply to remote write 2.0 payloads, which flowlens refuses anyway. */
export const IGNORED: readonly string[] = ['append_metadata', 'enable_type_and_unit_labels'];

/** Largest compressed body accepted (the decompressed size is capped by the decoder at 64 MiB). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

const REQUEST_DURATION = {
    name: 'prometheus_receive_http_request_duration_seconds',
    help: 'Time (in seconds) spent serving HTTP requests.',
    type: 'histogram',
    labelNames: ['status_code'],
    buckets: HTTP_REQUEST_DURATION_BUCKETS,
} as const;
const REQUEST_BYTES = { name: 'prometheus_receive_http_request_message_bytes_total', help: 'Total size (in bytes) of request bodies received.', type: 'counter' } as const;
const RECEIVED = { name: 'prometheus_receive_http_samples_received_total', help: 'Total number of samples received.', type: 'counter' } as const;
const INVALID = { name: 'prometheus_receive_http_invalid_series_total', help: 'Total number of series rejected as invalid (bad or unsorted label names).', type: 'counter' } as const;

const STATUS_CODES = ['204', '400', '404', '405', '413', '415', '500', '503'] as const;

class PrometheusReceiveHttp implements Component {
    private forwardTo: MetricsReceiver[] = [];
    private readonly server: ManagedServer;
    private address = { host: '', port: 8080 };
    private timeouts: ServerTimeouts = { requestTimeoutMs: 30_000, keepAliveTimeoutMs: 120_000 };
    private connLimit = 0;
    private started = false;
    private paused = false;
    private inFlight = 0;
    /** Decodes bodies, reusing the label sets of series seen before (one per instance). */
    private readonly decoder = new CachingWriteRequestDecoder();
    private readonly metrics: InstanceMetrics;
    private readonly duration: Map<string, HistogramHandle>;
    private readonly requestBytes: CounterHandle;
    private readonly received: CounterHandle;
    private readonly invalid: CounterHandle;
    private readonly forwarded: CounterHandle;

    constructor(private readonly ctx: ComponentContext) {
        // Created once per instance: never in the request path (bug b).
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.duration = new Map(STATUS_CODES.map((code) => [code, this.metrics.histogram(REQUEST_DURATION, { status_code: code })]));
        this.requestBytes = this.metrics.counter(REQUEST_BYTES);
        this.received = this.metrics.counter(RECEIVED);
        this.invalid = this.metrics.counter(INVALID);
        this.forwarded = this.metrics.counter(FORWARDED_SAMPLES);
        this.metrics.gaugeFn({ name: 'prometheus_receive_http_requests_in_flight', help: 'Requests being served.', type: 'gauge' }, undefined, () => this.inFlight);
        this.server = new ManagedServer((req, res) => this.handle(req, res));
    }

    update(body: ArgumentBody): Promise<void> | void {
        const args = Args.of('prometheus.receive_http', SCHEMA, body, { ignored: IGNORED });
        const forwardTo = args.capsules('forward_to', METRICS_RECEIVER_TYPE, isMetricsReceiver);
        const accepted = args.stringList('accepted_remote_write_protobuf_messages') ?? ['prometheus.WriteRequest'];
        const unsupported = accepted.filter((m) => m !== 'prometheus.WriteRequest');
        if (unsupported.length > 0) {
            args.fail('accepted_remote_write_protobuf_messages', `flowlens' embedded runtime accepts remote write 1.0 (prometheus.WriteRequest) only; ${unsupported.map((m) => JSON.stringify(m)).join(', ')} runs on Grafana Alloy`);
        }
        if (!accepted.includes('prometheus.WriteRequest')) args.fail('accepted_remote_write_protobuf_messages', 'must include "prometheus.WriteRequest"');
        const h = args.block('http');
        this.connLimit = h?.int('conn_limit', 0, 0) ?? 0;
        this.forwardTo = forwardTo;
        ({ address: this.address, timeouts: this.timeouts } = dskitHttpServer(h, this.ctx.defaultHost));
        if (this.started) return this.listen();
    }

    async start(): Promise<void> {
        this.started = true;
        await this.listen();
    }

    private async listen(): Promise<void> {
        try {
            await this.server.listen(this.address, this.timeouts);
        } catch (e) {
            this.ctx.setHealth('unhealthy', errorMessage(e));
            throw e;
        }
        this.ctx.setHealth('healthy', `listening on ${this.server.url}${REMOTE_WRITE_PATH}`);
        this.ctx.log('info', `receiving remote write on ${this.server.url}${REMOTE_WRITE_PATH}`);
    }

    /** The URL the server is bound to (with the real port when listen_port = 0). */
    get url(): string | undefined {
        return this.server.url;
    }

    private finish(res: http.ServerResponse, t0: number, status: number, message: string, headers?: Record<string, string>): void {
        sendText(res, status, message, headers);
        this.duration.get(String(status))?.observe((performance.now() - t0) / 1000);
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const t0 = performance.now();
        const path = (req.url ?? '').split('?', 1)[0];
        if (path !== REMOTE_WRITE_PATH) {
            this.finish(res, t0, 404, `not found: remote write is served at POST ${REMOTE_WRITE_PATH}`);
            return;
        }
        if (req.method !== 'POST') {
            this.finish(res, t0, 405, `method ${req.method} not allowed: use POST`, { Allow: 'POST' });
            return;
        }
        if (this.paused) {
            req.resume();
            this.finish(res, t0, 503, 'pipeline paused; retry later', { 'Retry-After': '1' });
            return;
        }
        if (this.connLimit > 0 && this.inFlight >= this.connLimit) {
            req.resume();
            this.finish(res, t0, 503, `too many concurrent requests (conn_limit ${this.connLimit})`, { 'Retry-After': '1' });
            return;
        }
        const headerError = checkRemoteWriteHeaders(req.headers);
        if (headerError !== undefined) {
            req.resume();
            this.ctx.countError();
            this.finish(res, t0, headerError.status, headerError.message);
            return;
        }
        this.inFlight++;
        void this.process(req, res, t0).finally(() => {
            this.inFlight--;
        });
    }

    private async process(req: http.IncomingMessage, res: http.ServerResponse, t0: number): Promise<void> {
        let samples: Sample[];
        let invalidMessage: string | undefined;
        try {
            const body = await readBody(req, MAX_BODY_BYTES);
            this.requestBytes.inc(body.length);
            const decoded = this.decoder.decodeSamples(body, { maxDecompressedBytes: DEFAULT_MAX_DECOMPRESSED_BYTES, invalidSeries: 'collect' });
            samples = decoded.samples;
            if (decoded.invalid.length > 0) {
                this.invalid.inc(decoded.invalid.length);
                const first = decoded.invalid[0];
                invalidMessage = `${decoded.invalid.length} invalid series rejected; series ${first.index}: ${first.message}`;
            }
        } catch (e) {
            this.ctx.countError();
            if (e instanceof RemoteWriteError || e instanceof HttpError) {
                this.finish(res, t0, e.status, e.message);
            } else {
                this.finish(res, t0, 400, `cannot read request: ${errorMessage(e)}`);
            }
            return;
        }
        this.received.inc(samples.length);
        this.ctx.countIn(samples.length);
        if (samples.length > 0) {
            try {
                await forwardSamples(this.forwardTo, samples);
                this.ctx.countOut(samples.length);
                this.forwarded.inc(samples.length);
            } catch (e) {
                this.ctx.countError();
                this.ctx.log('warn', `forwarding ${samples.length} received samples failed: ${errorMessage(e)}`);
                this.finish(res, t0, 500, `forwarding samples failed: ${errorMessage(e)}`);
                return;
            }
        }
        if (invalidMessage !== undefined) {
            this.ctx.countError();
            this.finish(res, t0, 400, invalidMessage);
            return;
        }
        res.writeHead(204);
        res.end();
        this.duration.get('204')!.observe((performance.now() - t0) / 1000);
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
        await this.server.close();
        this.metrics.close();
    }
}

export const prometheusReceiveHttp: ComponentDefinition = {
    name: 'prometheus.receive_http',
    schema: SCHEMA,
    source: true,
    receiver: true,
    create: (ctx) => new PrometheusReceiveHttp(ctx),
};
