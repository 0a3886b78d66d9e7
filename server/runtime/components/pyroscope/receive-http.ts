// pyroscope.receive_http: a Pyroscope ingestion server, as Alloy's
// internal/component/pyroscope/receive_http serves it:
// - POST /push.v1.PusherService/Push, the Connect protocol's unary call (application/proto or
//   application/json bodies, optionally gzip Content-Encoding): every series gets `service_name`
//   from `__name__` when it has none (else `__name__` is copied to `app_name`) and goes to every
//   `forward_to` receiver; a failure answers Connect's `internal` error (HTTP 500, JSON body);
// - POST /ingest, the original Pyroscope API used by the SDKs: the body, its Content-Type and query
//   are passed on untouched, with labels from the `name` parameter (a `name` that does not parse is
//   logged and the profile goes on without labels); a downstream's HTTP status is answered back,
//   other failures are 500.
// Other paths are 404, other methods 405. Not served: gRPC and gRPC-Web (HTTP/2 transports; `grpc`
// is accepted and ignored, no component registers on it) and the debug-info upload routes, which
// only pyroscope.ebpf uses.

import type http from 'node:http';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition } from '../../component.js';
import { Args, attr, block, schema } from '../decode.js';
import { errorMessage } from '../fanout.js';
import { HttpError, type ListenAddress, type ServerTimeouts, ManagedServer, DSKIT_HTTP_ATTRIBUTES, dskitHttpServer, decodeContentEncoding, readBody, sendText } from '../http-server.js';
import { ensureServiceName, parseLabelSet } from './labels.js';
import { CONNECT_JSON_CONTENT_TYPE, CONNECT_PROTO_CONTENT_TYPE, PUSH_PROCEDURE, connectCodeToHttp, connectErrorBody, decodePushRequest, decodePushRequestJson, type ProfileSeries } from './push-protocol.js';
import { PROFILES_RECEIVER_TYPE, type ProfilesReceiver, PyroscopeWriteError, forwardToAll, isProfilesReceiver } from './receiver.js';

const SCHEMA = schema(
    [attr('forward_to', 'list(ProfilesReceiver)', true), attr('graceful_shutdown_timeout', 'duration'), attr('debug_info_upload_timeout', 'duration')],
    [
        block('http', false, DSKIT_HTTP_ATTRIBUTES),
    ],
    [],
);

/** Accepted and ignored: nothing is served over gRPC or HTTP/2 (see above). */
export const IGNORED: readonly string[] = ['grpc', 'http.http2'];

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout', 413: 'Request Entity Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

class PyroscopeReceiveHttp implements Component {
    private forwardTo: ProfilesReceiver[] = [];
    private address: ListenAddress = { host: '127.0.0.1', port: 8080 };
    private timeouts: ServerTimeouts = {};
    private started = false;
    private inFlight = 0;
    private readonly server: ManagedServer;

    constructor(private readonly ctx: ComponentContext) {
        this.server = new ManagedServer((req, res) => void this.handle(req, res));
    }

    async update(body: ArgumentBody): Promise<void> {
        const args = Args.of('pyroscope.receive_http', SCHEMA, body, { ignored: IGNORED });
        this.forwardTo = args.capsules('forward_to', PROFILES_RECEIVER_TYPE, isProfilesReceiver);
        args.duration('graceful_shutdown_timeout', 30_000);
        args.duration('debug_info_upload_timeout', 120_000);
        ({ address: this.address, timeouts: this.timeouts } = dskitHttpServer(args.block('http'), this.ctx.defaultHost));
        if (this.started) await this.listen();
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
        this.ctx.setHealth('healthy', `listening on ${this.server.url} (${PUSH_PROCEDURE}, /ingest)`);
    }

    get url(): string | undefined {
        return this.server.url;
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const [path, query = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
        this.inFlight++;
        try {
            if (path === '/ingest') {
                if (req.method !== 'POST') return sendText(res, 405, '');
                return await this.ingest(req, res, path, query);
            }
            if (path.startsWith('/push.v1.PusherService/')) {
                if (req.method !== 'POST') return sendText(res, 405, '');
                if (path !== PUSH_PROCEDURE) return sendText(res, 404, '404 page not found');
                return await this.push(req, res);
            }
            sendText(res, 404, '404 page not found');
        } finally {
            this.inFlight--;
        }
    }

    private async push(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const type = String(req.headers['content-type'] ?? '')
            .split(';')[0]
            .trim()
            .toLowerCase();
        const json = type === CONNECT_JSON_CONTENT_TYPE;
        const answerError = (code: Parameters<typeof connectCodeToHttp>[0], message: string) => {
            res.writeHead(connectCodeToHttp(code), { 'Content-Type': CONNECT_JSON_CONTENT_TYPE });
            res.end(connectErrorBody(code, message));
        };
        if (!json && type !== CONNECT_PROTO_CONTENT_TYPE) {
            res.writeHead(415, { 'Accept-Post': `${CONNECT_JSON_CONTENT_TYPE}, ${CONNECT_PROTO_CONTENT_TYPE}` });
            res.end();
            return;
        }
        let series: ProfileSeries[];
        try {
            const raw = decodeContentEncoding(await readBody(req, 0), req.headers['content-encoding'], 0);
            series = json ? decodePushRequestJson(raw.toString('utf8')) : decodePushRequest(raw);
        } catch (e) {
            return answerError('invalid_argument', `unmarshal message: ${errorMessage(e)}`);
        }
        const profiles = series.reduce((n, s) => n + s.samples.length, 0);
        this.ctx.countIn(profiles);
        try {
            await forwardToAll(this.forwardTo, async (r) => {
                for (const s of series) {
                    const labels = ensureServiceName(Object.fromEntries(s.labels.map((l) => [l.name, l.value])));
                    await r.append(labels, s.samples);
                }
            });
        } catch (e) {
            this.ctx.countError();
            this.ctx.log('warn', 'Failed to forward profiles requests', { err: errorMessage(e) });
            return answerError('internal', errorMessage(e));
        }
        this.ctx.countOut(profiles);
        res.writeHead(200, { 'Content-Type': json ? CONNECT_JSON_CONTENT_TYPE : CONNECT_PROTO_CONTENT_TYPE });
        res.end(json ? '{}' : '');
    }

    private async ingest(req: http.IncomingMessage, res: http.ServerResponse, path: string, query: string): Promise<void> {
        let labels: Record<string, string> = {};
        const name = new URLSearchParams(query).get('name') ?? '';
        if (name !== '') {
            try {
                labels = parseLabelSet(name);
            } catch (e) {
                this.ctx.log('warn', 'Failed to parse labels from name parameter', { name, err: errorMessage(e) });
            }
        }
        labels = ensureServiceName(labels);
        let body: Buffer;
        try {
            body = await readBody(req, 0);
        } catch (e) {
            this.ctx.log('warn', 'Failed to read request body', { err: errorMessage(e) });
            return sendText(res, e instanceof HttpError ? e.status : 500, '');
        }
        const contentType = req.headersDistinct['content-type'] ?? [];
        this.ctx.countIn(1);
        try {
            await forwardToAll(this.forwardTo, (r) => r.appendIngest({ body, contentTypes: contentType, path, query, labels }));
        } catch (e) {
            this.ctx.countError();
            this.ctx.log('warn', 'Failed to ingest profiles', { err: errorMessage(e) });
            const status = writeErrorStatus(e);
            return sendText(res, status ?? 500, status === undefined ? 'Failed to process request' : (STATUS_TEXT[status] ?? `HTTP ${status}`));
        }
        this.ctx.countOut(1);
        res.writeHead(200).end();
    }

    pending(): number {
        return this.inFlight;
    }

    async stop(): Promise<void> {
        await this.server.close();
    }
}

/** The status of the first downstream answer among the errors (Go's errors.As over a joined error). */
function writeErrorStatus(e: unknown): number | undefined {
    if (e instanceof PyroscopeWriteError) return e.status;
    if (e instanceof AggregateError) {
        for (const inner of e.errors) {
            const s = writeErrorStatus(inner);
            if (s !== undefined) return s;
        }
    }
    return undefined;
}

export const pyroscopeReceiveHttp: ComponentDefinition = {
    name: 'pyroscope.receive_http',
    schema: SCHEMA,
    source: true,
    receiver: true,
    create: (ctx) => new PyroscopeReceiveHttp(ctx),
};
