// loki.source.api: a Loki push API server, as Alloy's internal/component/loki/source/api:
// POST /loki/api/v1/push (and /api/v1/push) takes protobuf+snappy or JSON push bodies, POST
// /loki/api/v1/raw (and /api/v1/raw) one entry per non-empty line, GET /ready answers "ready".
// Each stream gets `labels`, then `relabel_rules` (streams left without labels are dropped); labels
// starting with `__` are removed and X-Scope-OrgID becomes `__tenant_id__`. Entries are stamped with
// the time they arrived unless `use_incoming_timestamp`. Answers 204, or 400 naming what was wrong.

import type http from 'node:http';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition, LogsReceiver } from '../../component.js';
import { LOGS_RECEIVER_TYPE } from '../../component.js';
import type { LogEntry } from '../../protocols/log-entry.js';
import { type CompiledRules, applyRulesToRecord } from '../../protocols/relabel.js';
import { Args, attr, block, isLogsReceiver, parseByteSize, schema } from '../decode.js';
import { errorMessage, forwardEntries } from '../fanout.js';
import { HttpError, ManagedServer, DSKIT_HTTP_ATTRIBUTES, dskitHttpServer, type ListenAddress, type ServerTimeouts, decodeContentEncoding, readBody, sendText } from '../http-server.js';
import { RELABEL_RULES_TYPE } from '../relabel-rules.js';
import { nowNanos } from './file-tailer.js';
import { PushDecodeError, decodePushJson, decodePushRequest, parseLabelsString } from './push-protocol.js';

const SCHEMA = schema(
    [
        attr('forward_to', 'list(LogsReceiver)', true),
        attr('labels', 'map(string)'),
        attr('relabel_rules', 'RelabelRules'),
        attr('use_incoming_timestamp', 'bool'),
        attr('max_send_message_size', 'size'),
        attr('graceful_shutdown_timeout', 'duration'),
    ],
    [block('http', false, DSKIT_HTTP_ATTRIBUTES)],
    [],
);

const PUSH_PATHS = new Set(['/loki/api/v1/push', '/api/v1/push']);
const RAW_PATHS = new Set(['/loki/api/v1/raw', '/api/v1/raw']);

class LokiSourceApi implements Component {
    private forwardTo: LogsReceiver[] = [];
    private fixed: Record<string, string> = {};
    private rules: CompiledRules = [];
    private incomingTimestamp = false;
    private maxBytes = 100 * 1024 * 1024;
    private address: ListenAddress = { host: '127.0.0.1', port: 8080 };
    private timeouts: ServerTimeouts = {};
    private started = false;
    private readonly server: ManagedServer;

    constructor(private readonly ctx: ComponentContext) {
        this.server = new ManagedServer((req, res) => void this.handle(req, res));
    }

    async update(body: ArgumentBody): Promise<void> {
        const args = Args.of('loki.source.api', SCHEMA, body);
        this.forwardTo = args.capsules('forward_to', LOGS_RECEIVER_TYPE, isLogsReceiver);
        this.fixed = Object.fromEntries(args.stringMap('labels') ?? []);
        const rules = args.value('relabel_rules');
        if (rules !== undefined && (rules.kind !== 'capsule' || rules.type !== RELABEL_RULES_TYPE)) args.fail('relabel_rules', 'expected RelabelRules (the `rules` export of a relabel component)');
        this.rules = rules?.kind === 'capsule' ? (rules.payload as CompiledRules) : [];
        this.incomingTimestamp = args.bool('use_incoming_timestamp', false);
        const size = args.value('max_send_message_size');
        if (size?.kind === 'string') {
            try {
                this.maxBytes = parseByteSize(size.value);
            } catch (e) {
                args.fail('max_send_message_size', errorMessage(e));
            }
        } else if (size?.kind === 'number') this.maxBytes = size.value;
        args.duration('graceful_shutdown_timeout', 30_000);
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
        this.ctx.setHealth('healthy', `listening on ${this.server.url}/loki/api/v1/push`);
    }

    get url(): string | undefined {
        return this.server.url;
    }

    /** A stream's labels after `labels`, relabel_rules and the removal of `__` labels; undefined drops it. */
    private streamLabels(parsed: Record<string, string>, tenant: string): Record<string, string> | undefined {
        const relabeled = applyRulesToRecord({ ...parsed, ...this.fixed }, this.rules);
        if (relabeled === undefined || Object.keys(relabeled).length === 0) return undefined;
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(relabeled)) if (!k.startsWith('__')) out[k] = v;
        if (tenant !== '') out.__tenant_id__ = tenant;
        return out;
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const path = (req.url ?? '/').split('?')[0];
        try {
            if (path === '/ready' && req.method === 'GET') return sendText(res, 200, 'ready');
            const push = PUSH_PATHS.has(path);
            if ((!push && !RAW_PATHS.has(path)) || req.method !== 'POST') throw new HttpError(404, '404 page not found');
            const raw = await readBody(req, this.maxBytes);
            const entries: LogEntry[] = [];
            let problem: string | undefined;
            if (push) {
                const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
                const bodyBytes = decodeContentEncoding(raw, type === 'application/x-protobuf' ? undefined : req.headers['content-encoding'], this.maxBytes);
                const streams = type === 'application/json' ? decodePushJson(bodyBytes.toString('utf8')) : decodePushRequest(bodyBytes, this.maxBytes);
                const tenant = String(req.headers['x-scope-orgid'] ?? '');
                for (const s of streams) {
                    let parsed: Record<string, string>;
                    try {
                        parsed = parseLabelsString(s.labels);
                    } catch (e) {
                        problem = errorMessage(e);
                        continue;
                    }
                    const labels = this.streamLabels(parsed, tenant);
                    if (labels === undefined) continue;
                    for (const e of s.entries) entries.push({ labels, timestamp: this.incomingTimestamp ? e.timestamp : nowNanos(), line: e.line, structuredMetadata: e.structuredMetadata });
                }
            } else {
                for (const line of raw.toString('utf8').split('\n')) {
                    const text = line.replace(/\r+$/, '');
                    if (text !== '') entries.push({ labels: this.fixed, timestamp: nowNanos(), line: text, structuredMetadata: [] });
                }
            }
            this.ctx.countIn(entries.length);
            await forwardEntries(this.forwardTo, entries);
            this.ctx.countOut(entries.length);
            if (problem !== undefined) throw new HttpError(400, problem);
            res.writeHead(204).end();
        } catch (e) {
            const status = e instanceof HttpError ? e.status : e instanceof PushDecodeError ? e.status : 500;
            if (status >= 500) this.ctx.countError();
            sendText(res, status, errorMessage(e));
        }
    }

    async stop(): Promise<void> {
        await this.server.close();
    }
}

export const lokiSourceApi: ComponentDefinition = {
    name: 'loki.source.api',
    schema: SCHEMA,
    source: true,
    receiver: true,
    create: (ctx) => new LokiSourceApi(ctx),
};
