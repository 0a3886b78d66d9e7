// loki.source.docker: follows the logs of the containers in `targets` (those with
// `__meta_docker_container_id`, as discovery.docker exports them) through the Docker Engine API at
// `host` and sends each line to `forward_to`, as Alloy's internal/component/loki/source/docker does:
// a target's labels are its own merged with `labels`; each stream adds
// `__meta_docker_container_log_stream` (stdout or stderr) before `relabel_rules`, then labels starting
// with `__` are dropped. One tailer per container (the first target by label set wins). Positions
// (`<data path>/positions.yml`, Unix seconds of the last line per container) let a restart continue
// from that second. A new host, refresh_interval, HTTP client settings or rules restart every tailer.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition, LogsReceiver } from '../../component.js';
import { LOGS_RECEIVER_TYPE } from '../../component.js';
import { DockerClient, dockerHostProblem } from '../../protocols/docker-engine.js';
import type { LogEntry } from '../../protocols/log-entry.js';
import type { CompiledRules } from '../../protocols/relabel.js';
import { Args, attr, block, isLogsReceiver, schema } from '../decode.js';
import { HTTP_CLIENT_ATTRIBUTES, HTTP_CLIENT_BLOCKS, type HttpOptions, decodeHttpOptions, httpClientIgnored, requestHeaders } from '../discovery/http-options.js';
import { errorMessage, forwardEntries } from '../fanout.js';
import { type CounterHandle, InstanceMetrics } from '../metrics.js';
import { RELABEL_RULES_TYPE } from '../relabel-rules.js';
import { USER_AGENT } from '../version.js';
import { DockerTailer, labelSetString } from './docker-tailer.js';
import { Positions } from './positions.js';

const SCHEMA = schema(
    [
        attr('host', 'string', true),
        attr('targets', 'list(map(string))', true),
        attr('forward_to', 'list(LogsReceiver)', true),
        attr('labels', 'map(string)'),
        attr('relabel_rules', 'RelabelRules'),
        attr('refresh_interval', 'duration'),
    ],
    [block('http_client_config', false, HTTP_CLIENT_ATTRIBUTES, HTTP_CLIENT_BLOCKS)],
    [],
);

export const IGNORED = httpClientIgnored('http_client_config.');

const CONTAINER_ID_LABEL = '__meta_docker_container_id';
const POSITIONS_SYNC_MS = 10_000;
const NO_RULES: CompiledRules = [];

interface ClientSettings {
    readonly host: string;
    readonly refreshMs: number;
    readonly http: HttpOptions | undefined;
}

class LokiSourceDocker implements Component {
    private forwardTo: LogsReceiver[] = [];
    private rules: CompiledRules = NO_RULES;
    private targets: Record<string, string>[] = [];
    private client: DockerClient | undefined;
    private clientKey = '';
    private settings: ClientSettings | undefined;
    private positions: Positions | undefined;
    private readonly tailers = new Map<string, DockerTailer>();
    private started = false;
    private stopping = false;
    private paused = false;
    private readonly metrics: InstanceMetrics;
    private readonly entriesTotal: CounterHandle;
    private readonly parseErrors: CounterHandle;

    constructor(private readonly ctx: ComponentContext) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.entriesTotal = this.metrics.counter({ name: 'loki_source_docker_target_entries_total', help: 'Total number of successful entries sent to the Docker target', type: 'counter' });
        this.parseErrors = this.metrics.counter({ name: 'loki_source_docker_target_parsing_errors_total', help: 'Total number of parsing errors while receiving Docker messages', type: 'counter' });
    }

    async update(body: ArgumentBody): Promise<void> {
        const args = Args.of('loki.source.docker', SCHEMA, body, { ignored: IGNORED });
        const host = args.string('host', '');
        const problem = dockerHostProblem(host);
        if (problem !== undefined) args.fail('host', problem);
        const refreshMs = args.duration('refresh_interval', 60_000);
        if (refreshMs <= 0) args.fail('refresh_interval', `refresh_interval must be positive, got ${JSON.stringify(args.string('refresh_interval', ''))}`);
        const rules = args.value('relabel_rules');
        if (rules !== undefined && (rules.kind !== 'capsule' || rules.type !== RELABEL_RULES_TYPE)) args.fail('relabel_rules', 'expected RelabelRules (the `rules` export of a relabel component)');
        const hc = args.block('http_client_config');
        const settings: ClientSettings = { host, refreshMs, http: hc === undefined ? undefined : decodeHttpOptions(hc) };
        this.forwardTo = args.capsules('forward_to', LOGS_RECEIVER_TYPE, isLogsReceiver);
        const defaults = Object.fromEntries(args.stringMap('labels') ?? []);
        this.targets = (args.targets('targets') ?? []).map((t) => ({ ...t, ...defaults }));
        const newRules = rules?.kind === 'capsule' ? (rules.payload as CompiledRules) : NO_RULES;
        const key = JSON.stringify(settings, (_k, v: unknown) => (v instanceof Map ? [...v] : v));
        if (key !== this.clientKey || newRules !== this.rules) {
            // Alloy's requiresReset: a new client, and every tailer starts again (from its position).
            await this.stopTailers([...this.tailers.keys()], true);
            this.clientKey = key;
            this.settings = settings;
            this.client = undefined;
        }
        this.rules = newRules;
        if (this.started) this.reconcile();
    }

    start(): void {
        this.started = true;
        mkdirSync(this.ctx.dataPath, { recursive: true });
        this.positions = new Positions(path.join(this.ctx.dataPath, 'positions.yml'), POSITIONS_SYNC_MS, (message) => this.ctx.log('error', message));
        this.reconcile();
    }

    private clientFor(settings: ClientSettings): DockerClient {
        this.client ??= new DockerClient(settings.host, {
            headers: settings.http === undefined ? undefined : () => requestHeaders(settings.http!),
            timeoutMs: settings.refreshMs,
            userAgent: USER_AGENT,
        });
        return this.client;
    }

    /** Starts a tailer per new container and stops those whose target went away (Alloy's ReconcileWithDedup). */
    private reconcile(): void {
        if (this.stopping || this.positions === undefined) return;
        const client = this.clientFor(this.settings!);
        const sorted = this.targets.map((labels) => ({ labels, str: labelSetString(labels) })).sort((a, b) => (a.str < b.str ? -1 : a.str > b.str ? 1 : 0));
        const wanted = new Map<string, { labels: Record<string, string>; str: string }>();
        const seen = new Set<string>();
        for (const t of sorted) {
            const id = t.labels[CONTAINER_ID_LABEL] ?? '';
            if (id === '' || seen.has(id)) continue;
            seen.add(id);
            wanted.set(`${id}\u0000${t.str}`, t);
        }
        void this.stopTailers(
            [...this.tailers.keys()].filter((k) => !wanted.has(k)),
            false,
        );
        for (const [key, t] of wanted) {
            if (this.tailers.has(key)) continue;
            const id = t.labels[CONTAINER_ID_LABEL];
            const tailer = new DockerTailer({
                client,
                containerId: id,
                labels: t.labels,
                rules: this.rules,
                positions: this.positions,
                deliver: (entries) => this.deliver(id, entries),
                log: (level, message, fields) => this.ctx.log(level, message, fields),
                onParseError: () => this.parseErrors.inc(),
                componentStopping: () => this.stopping,
                onStatus: () => this.refreshHealth(),
                onGone: () => {
                    if (this.tailers.get(key) === tailer) this.tailers.delete(key);
                    this.refreshHealth();
                },
            });
            if (this.paused) tailer.pause();
            this.tailers.set(key, tailer);
        }
        this.refreshHealth();
    }

    private async deliver(id: string, entries: LogEntry[]): Promise<void> {
        this.entriesTotal.inc(entries.length);
        this.ctx.countIn(entries.length);
        try {
            await forwardEntries(this.forwardTo, entries);
            this.ctx.countOut(entries.length);
        } catch (e) {
            // A downstream component refused the lines: they are not read again (as loki.source.file).
            this.ctx.countError();
            this.ctx.log('error', `forwarding ${entries.length} line(s) of container ${id} failed: ${errorMessage(e)}`);
        }
        this.refreshHealth();
    }

    private refreshHealth(): void {
        const errors = [...this.tailers.values()].filter((t) => t.lastError !== '').map((t) => `container ${t.containerId}: ${t.lastError}`);
        if (errors.length > 0) this.ctx.setHealth('unhealthy', errors.join('; '));
        else this.ctx.setHealth('healthy', `following ${this.tailers.size} container(s)`);
    }

    private async stopTailers(keys: string[], keepPositions: boolean): Promise<void> {
        const wasStopping = this.stopping;
        if (keepPositions) this.stopping = true;
        try {
            await Promise.all(
                keys.map(async (key) => {
                    const tailer = this.tailers.get(key);
                    if (tailer === undefined) return;
                    this.tailers.delete(key);
                    await tailer.stop();
                }),
            );
        } finally {
            this.stopping = wasStopping;
        }
    }

    pauseSource(): void {
        this.paused = true;
        for (const t of this.tailers.values()) t.pause();
    }

    resumeSource(): void {
        this.paused = false;
        for (const t of this.tailers.values()) t.resume();
    }

    async stop(): Promise<void> {
        this.stopping = true;
        await Promise.all([...this.tailers.values()].map((t) => t.stop()));
        this.tailers.clear();
        this.positions?.stop();
        this.metrics.close();
    }
}

export const lokiSourceDocker: ComponentDefinition = {
    name: 'loki.source.docker',
    schema: SCHEMA,
    source: true,
    create: (ctx) => new LokiSourceDocker(ctx),
};
