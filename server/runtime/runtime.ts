// flowlens' embedded pipeline runtime, the programmatic API. The CLI
// (`flowlens run`) and the JSON-RPC worker (the VS Code panel) drive it.
//
//   const rt = await Runtime.start({ path: 'pipeline.alloy', metricsAddress: '127.0.0.1:0', spansFile: 'spans.jsonl' });
//   rt.on('state', (e) => ...);           // also 'pause', 'flush', 'health', 'log', 'reload'
//   rt.components(); rt.metricsSnapshot();
//   await rt.pause(30); await rt.resume();
//   await rt.reload();                    // re-reads the files; a broken config keeps the old pipeline
//   const summary = await rt.stop('done'); // stop sources → stop components → end spans → flush → shutdown

import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { type Analysis, analyzeConfiguration } from '../../language/analysis/analyze.js';
import { type AnalysisOptions, DEFAULT_OPTIONS } from '../../language/analysis/options.js';
import { DiskFileHost, type FileHost } from '../../language/model/host.js';
import type { SourceFile } from '../../language/model/source-file.js';
import type { Value } from '../../language/eval/value.js';
import { directoryConfiguration } from '../../language/workspace/configurations.js';
import type { ComponentDefinition } from './component.js';
import { Controller } from './controller/controller.js';
import { ConfigurationRefusedError, refusalReasons } from './controller/refusal.js';
import { RuntimeMetrics } from './metrics.js';
import { Redactor } from './redact.js';
import { type MetricsServer, parseListenAddress, serveMetrics } from './metrics-server.js';
import { PauseController } from './pause.js';
import type {
    ComponentInfo,
    FlushEvent,
    HealthEvent,
    HealthInfo,
    LogEvent,
    LogLevel,
    MetricsSnapshot,
    PauseEvent,
    ReadinessReport,
    ReloadEvent,
    RunOptions,
    RuntimeState,
    StateEvent,
    StopSummary,
} from '../../protocol/runtime.js';
import { ComponentRegistry } from './registry.js';
import { RuntimeTracing, type TracingOptions } from './tracing.js';

export { ConfigurationRefusedError } from './controller/refusal.js';

export interface RuntimeStartOptions {
    /** A configuration file, or a directory whose *.alloy / *.river files form one configuration. */
    readonly path?: string;
    /** An analysis made by the caller instead of `path` (its options must list extra components' catalog entries). */
    readonly analysis?: Analysis;
    /** Analysis options (compat, dialect, env, ...), as `flowlens check` takes them. */
    readonly options?: Partial<AnalysisOptions> | RunOptions;
    /** `HOST:PORT` for /metrics (127.0.0.1 unless a host is given; port 0 = any free port). */
    readonly metricsAddress?: string;
    readonly spansFile?: string;
    readonly otlpEndpoint?: string;
    /** Extra span destinations (tests). */
    readonly spanExporters?: readonly SpanExporter[];
    /** Component definitions added to the built-ins (tests register their own components). */
    readonly registryDefinitions?: readonly ComponentDefinition[];
    /** Reads files through this host instead of the disk. */
    readonly host?: FileHost;
    /** BatchSpanProcessor and flush settings. */
    readonly tracing?: Omit<TracingOptions, 'spansFile' | 'otlpEndpoint' | 'exporters' | 'onFlush' | 'onDrop'>;
    /** Where components keep state across restarts, like Alloy's `--storage.path` (positions files). */
    readonly storagePath?: string;
    /** Pause reconcile interval (default 50 ms). */
    readonly pauseIntervalMs?: number;
    /** How long stop() waits for in-flight data to drain before stopping components (default 1.5 s, so that stopping takes at most STOP_GRACE_MS). */
    readonly drainOnStopMs?: number;
    /** Hard limit for stop() as a whole (default 30 s). */
    readonly stopTimeoutMs?: number;
    /** Evaluations running at once (default 4). */
    readonly concurrency?: number;
    /** Evaluations waiting at most before submitters back off and retry (default 1024). */
    readonly maxWaiting?: number;
    /** TEST ONLY: key evaluations by local ID, reproducing grafana/agent before PR #6212. */
    readonly queueKey?: 'global' | 'local';
    /** Events kept in the pause and log histories (default 200). */
    readonly historySize?: number;
    /** Run the nodes that can run and skip the others, instead of refusing the configuration. */
    readonly allowPartial?: boolean;
    /** Called before anything starts, to subscribe to events the start already emits (flushes, logs). */
    readonly subscribe?: (runtime: Runtime) => void;
}

export interface RuntimeEvents {
    state: [StateEvent];
    pause: [PauseEvent];
    flush: [FlushEvent];
    health: [HealthEvent];
    log: [LogEvent];
    reload: [ReloadEvent];
}

const LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
/**
 * The stop grace the README documents: stopping takes at most this long after the sources stop,
 * even when every endpoint hangs. Data in flight gets all but STOP_RESERVE_MS of it to be
 * delivered; then the components stop and abort what they still send.
 */
export const STOP_GRACE_MS = 2000;
const STOP_RESERVE_MS = 500;

export class Runtime extends EventEmitter<RuntimeEvents> {
    private stateValue: RuntimeState = 'starting';
    private readonly startedAt = Date.now();
    private readonly controller: Controller;
    private readonly pauser: PauseController;
    readonly metrics: RuntimeMetrics;
    readonly tracing: RuntimeTracing;
    /** Scrubs the configuration's secrets from everything the runtime lets out. */
    readonly redactor = new Redactor();
    private metricsServer?: MetricsServer;
    private stopping?: Promise<StopSummary>;
    private logLevel: LogLevel = 'info';
    private readonly historySize: number;
    /** Recent log events, including those of the start (before anyone could listen). */
    readonly logHistory: LogEvent[] = [];
    /** Which nodes run and which were skipped (and why), from the start. */
    readiness: ReadinessReport = { runnable: true, nodes: [], problems: [] };

    private constructor(
        private readonly opts: RuntimeStartOptions,
        private readonly registry: ComponentRegistry,
    ) {
        super();
        this.historySize = opts.historySize ?? 200;
        this.metrics = new RuntimeMetrics({
            components: () => this.controller.componentNodes().map((n) => ({ globalId: n.globalId, pending: this.controller.pendingOf(n), health: n.health.current().state })),
            evaluationQueueSize: () => this.controller.workQueue.size,
            edges: () => this.controller.edges(),
        });
        this.metrics.registry.onCollectError = (name, e) => this.log('warn', `collecting metric ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
        this.tracing = new RuntimeTracing({
            ...opts.tracing,
            spansFile: opts.spansFile,
            otlpEndpoint: opts.otlpEndpoint,
            exporters: opts.spanExporters,
            onFlush: (e) => this.onFlush(e),
            onDrop: (reason, n) => this.metrics.spansDropped.inc({ reason }, n),
            redactor: this.redactor,
        });
        this.controller = new Controller({
            registry,
            metrics: this.metrics,
            tracing: this.tracing,
            log: (level, message, globalId, fields) => this.log(level, message, globalId, fields),
            onHealth: (globalId, health) => this.emit('health', { time: Date.now(), globalId, health: this.redactHealth(health) }),
            redactor: this.redactor,
            onLoggingLevel: (level) => (this.logLevel = level),
            queueKey: opts.queueKey,
            concurrency: opts.concurrency,
            maxWaiting: opts.maxWaiting,
            storagePath: opts.storagePath,
        });
        this.pauser = new PauseController(
            {
                pauseSources: () => this.controller.pauseSources(),
                resumeSources: () => this.controller.resumeSources(),
                inFlight: () => this.controller.inFlight(),
            },
            (e) => this.onPause(e),
            { intervalMs: opts.pauseIntervalMs, historySize: this.historySize },
        );
    }

    /**
     * Analyses and starts a configuration. Throws ConfigurationRefusedError
     * (nothing started) when it has errors or uses components the runtime does
     * not have.
     */
    static async start(opts: RuntimeStartOptions): Promise<Runtime> {
        const registry = ComponentRegistry.withBuiltins(opts.registryDefinitions ?? []);
        const analysis = opts.analysis ?? analyzePath(requirePath(opts), analysisOptions(opts.options, registry), opts.host);
        // Refused before anything is created when the analysis alone says so (a partial run evaluates first).
        const problems = opts.allowPartial ? [] : refusalReasons(analysis, registry);
        if (problems.length > 0) throw new ConfigurationRefusedError(problems);
        const address = opts.metricsAddress !== undefined ? parseListenAddress(opts.metricsAddress) : undefined;
        if (opts.spansFile) fs.mkdirSync(path.dirname(path.resolve(opts.spansFile)), { recursive: true });

        const rt = new Runtime(opts, registry);
        opts.subscribe?.(rt);
        // A tracing block's write_to consumers exist only once it is evaluated; record from the
        // start (the root span included) so they receive the whole run.
        if (analysis.instances.nodes.some((n) => n.kind === 'config' && n.node.stmt.node.name === 'tracing')) rt.tracing.configure({ recording: true });
        rt.setState('starting');
        rt.tracing.startRoot('flowlens.run', { 'flowlens.config': opts.path ?? analysis.configuration.root.name });
        try {
            rt.readiness = await rt.controller.load(analysis, { allowPartial: opts.allowPartial });
            if (address) rt.metricsServer = await serveMetrics(rt.metrics.registry, address, (text) => rt.redactor.text(text));
        } catch (e) {
            await rt.stop(`start failed: ${e instanceof Error ? e.message : String(e)}`);
            rt.setState('failed', e instanceof Error ? e.message : String(e));
            throw e;
        }
        rt.metrics.configLoadSuccessful.set(1);
        rt.metrics.configLoadSuccessTimestamp.set(Date.now() / 1000);
        rt.setState('running');
        return rt;
    }

    /**
     * Loads and evaluates a configuration exactly as {@link start} does, starts nothing, and says
     * node by node whether it can run and why not.
     */
    static async dryRun(opts: RuntimeStartOptions): Promise<ReadinessReport> {
        const registry = ComponentRegistry.withBuiltins(opts.registryDefinitions ?? []);
        let analysis: Analysis;
        try {
            analysis = opts.analysis ?? analyzePath(requirePath(opts), analysisOptions(opts.options, registry), opts.host);
        } catch (e) {
            if (e instanceof ConfigurationRefusedError) return { runnable: false, nodes: [], problems: [...e.problems] };
            throw e;
        }
        const rt = new Runtime({ ...opts, spansFile: undefined, otlpEndpoint: undefined, spanExporters: undefined }, registry);
        try {
            return await rt.controller.dryRun(analysis);
        } finally {
            await rt.tracing.shutdown();
        }
    }

    get state(): RuntimeState {
        return this.stateValue;
    }

    get metricsUrl(): string | undefined {
        return this.metricsServer?.url;
    }

    get pauseEvents(): readonly PauseEvent[] {
        return this.pauser.events;
    }

    components(): ComponentInfo[] {
        return this.controller.components().map((c) => ({ ...c, health: this.redactHealth(c.health) }));
    }

    private redactHealth(health: HealthInfo): HealthInfo {
        return { ...health, message: this.redactor.text(health.message) };
    }

    /** A node's current exports (what references to it see), by global ID. */
    exportsOf(globalId: string): ReadonlyMap<string, Value> | undefined {
        return this.controller.node(globalId)?.exports;
    }

    metricsSnapshot(): MetricsSnapshot {
        const components = this.controller.componentNodes().map((n) => ({
            globalId: n.globalId,
            samplesIn: n.stats.samplesIn,
            samplesOut: n.stats.samplesOut,
            errors: n.stats.errors,
            dropped: n.stats.dropped,
            queueDepth: this.controller.pendingOf(n),
            evaluations: n.stats.evaluations,
            evaluationSeconds: n.stats.evaluationSeconds,
            lastEvaluationSeconds: n.stats.lastEvaluationSeconds,
            health: n.health.current().state,
        }));
        const totals = { samplesIn: 0, samplesOut: 0, errors: 0, dropped: 0 };
        for (const c of components) {
            totals.samplesIn += c.samplesIn;
            totals.samplesOut += c.samplesOut;
            totals.errors += c.errors;
            totals.dropped += c.dropped;
        }
        return {
            time: Date.now(),
            state: this.stateValue,
            uptimeSeconds: (Date.now() - this.startedAt) / 1000,
            components,
            totals,
            evaluationQueue: this.controller.workQueue.size,
            spans: { exported: this.tracing.exported, dropped: this.tracing.dropped },
        };
    }

    /** Running → Pausing → Paused; resolves with the Paused event. */
    pause(graceSeconds: number): Promise<PauseEvent> {
        if (!['running', 'pausing', 'paused'].includes(this.stateValue)) return Promise.reject(new Error(`cannot pause: the runtime is ${this.stateValue}`));
        return this.pauser.pause(graceSeconds);
    }

    /** Back to Running; sources produce again. */
    resume(): Promise<PauseEvent> {
        if (!['running', 'pausing', 'paused'].includes(this.stateValue)) return Promise.reject(new Error(`cannot resume: the runtime is ${this.stateValue}`));
        return this.pauser.resume();
    }

    /**
     * Applies a new configuration (re-read from `path`, or the analysis given).
     * When it cannot run, the running pipeline is left as it is and the event
     * says why.
     */
    async reload(analysis?: Analysis): Promise<ReloadEvent> {
        const time = Date.now();
        let event: ReloadEvent;
        try {
            if (this.stopping) throw new Error(`the runtime is ${this.stateValue}`);
            const next = analysis ?? analyzePath(requirePath(this.opts), analysisOptions(this.opts.options, this.registry), this.opts.host);
            const result = await this.controller.reload(next);
            this.metrics.configLoadSuccessful.set(1);
            this.metrics.configLoadSuccessTimestamp.set(Date.now() / 1000);
            event = { time, ok: true, ...result };
            this.log('info', `configuration reloaded: ${result.added.length} added, ${result.updated.length} updated, ${result.removed.length} removed`);
        } catch (e) {
            this.metrics.configLoadSuccessful.set(0);
            this.metrics.configLoadFailures.inc();
            const error = e instanceof Error ? e.message : String(e);
            event = { time, ok: false, error, added: [], removed: [], updated: [] };
            this.log('error', `reload refused; the running pipeline is unchanged: ${error}`);
        }
        this.emit('reload', event);
        return event;
    }

    /**
     * Stops in order: the sources, then (after a bounded drain) every
     * component, then the spans (open ones ended, flushed, provider shut
     * down), then /metrics. Idempotent: later calls return the same promise.
     */
    stop(reason = 'stopped'): Promise<StopSummary> {
        return (this.stopping ??= this.doStop(reason));
    }

    private async doStop(reason: string): Promise<StopSummary> {
        const wasRunning = this.stateValue !== 'starting';
        this.setState('stopping', reason);
        this.pauser.dispose();
        const problems: string[] = [];
        let unhealthy: StopSummary['unhealthy'] = [];
        const limit = this.opts.stopTimeoutMs ?? 30_000;
        const steps = async () => {
            // 1. Producers first, so nothing new enters while the rest shuts down.
            // Draining is bounded by one grace period from here: an endpoint that is down or hangs
            // cannot hold the stop up (stop() aborts what is still in flight).
            const deadline = Date.now() + (this.opts.drainOnStopMs ?? STOP_GRACE_MS - STOP_RESERVE_MS);
            await this.controller.pauseSources(deadline).catch((e: unknown) => problems.push(`stopping sources: ${e instanceof Error ? e.message : String(e)}`));
            if (wasRunning) await this.controller.drain(Math.max(0, deadline - Date.now()));
            // How the components ended, before stopping turns them all "exited".
            unhealthy = this.metricsSnapshot().components.filter((c) => c.health === 'unhealthy').map((c) => ({ globalId: c.globalId, message: this.controller.node(c.globalId)?.health.current().message ?? '' }));
            // 2. Every component (they may still end spans while stopping), except the
            //    consumers a `tracing` block sends spans to: they take the final flush.
            const consumers = this.controller.tracingConsumers();
            problems.push(...(await this.controller.stopAll(consumers)));
            // 3. Spans: end the open ones (root last), flush, shut the provider down.
            const report = await this.tracing.shutdown();
            problems.push(...report.problems);
            // 4. The tracing consumers.
            problems.push(...(await this.controller.stopAll()));
            await this.metricsServer?.close();
        };
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
            steps().then(() => false),
            new Promise<boolean>((resolve) => {
                timer = setTimeout(() => resolve(true), limit);
            }),
        ]);
        clearTimeout(timer);
        if (timedOut) problems.push(`stopping did not finish within ${limit} ms`);
        const snapshot = this.metricsSnapshot();
        const skipped = this.readiness.nodes.filter((n) => !n.runnable).map((n) => ({ globalId: n.id, reason: n.reason ?? 'cannot run' }));
        const skippedIds = new Set(skipped.map((s) => s.globalId));
        const evaluationFailures = this.controller.evaluationFailures;
        const summary: StopSummary = {
            reason,
            uptimeSeconds: snapshot.uptimeSeconds,
            components: snapshot.components.filter((c) => !skippedIds.has(c.globalId)).length,
            samplesIn: snapshot.totals.samplesIn,
            samplesOut: snapshot.totals.samplesOut,
            errors: snapshot.totals.errors + evaluationFailures + unhealthy.length,
            evaluationFailures,
            dropped: snapshot.totals.dropped,
            unhealthy,
            skipped,
            spansExported: this.tracing.exported,
            spansDropped: this.tracing.dropped,
            spansDroppedBy: { ...this.tracing.droppedBy },
            pause: this.pauser.lastPaused,
            problems,
        };
        this.setState('stopped', reason);
        return summary;
    }

    // ---- events ---------------------------------------------------------------------------------

    private setState(state: RuntimeState, reason?: string): void {
        this.stateValue = state;
        const event: StateEvent = reason ? { time: Date.now(), state, reason } : { time: Date.now(), state };
        this.emit('state', event);
    }

    private onPause(e: PauseEvent): void {
        this.metrics.pauseState.set(e.state === 'running' ? 0 : e.state === 'pausing' ? 1 : 2);
        this.emit('pause', e);
        if (!this.stopping) this.setState(e.state, e.reason);
    }

    private onFlush(e: FlushEvent): void {
        if (e.exported) this.metrics.spansExported.inc(e.exported);
        this.emit('flush', e);
    }

    private log(level: LogLevel, message: string, globalId?: string, fields?: Record<string, unknown>): void {
        if (LEVELS[level] < LEVELS[this.logLevel]) return;
        // Every log line leaves the process (RPC, the panel, the CLI): secrets are scrubbed here, once.
        const event: LogEvent = { time: Date.now(), level, message: this.redactor.text(message), ...(globalId ? { globalId } : {}), ...(fields ? { fields: this.redactor.any(fields) } : {}) };
        push(this.logHistory, event, this.historySize);
        this.emit('log', event);
    }
}

function push<T>(list: T[], item: T, limit: number): void {
    list.push(item);
    if (list.length > limit) list.splice(0, list.length - limit);
}

function requirePath(opts: RuntimeStartOptions): string {
    if (!opts.path) throw new Error('the runtime needs a path (or an analysis) to run');
    return opts.path;
}

/** Analysis options for a run: the caller's, plus catalog entries for registered components the catalogs lack. */
function analysisOptions(given: RuntimeStartOptions['options'], registry: ComponentRegistry): AnalysisOptions {
    const o = (given ?? {}) as Partial<AnalysisOptions> & RunOptions;
    return {
        ...DEFAULT_OPTIONS,
        ...(o.compat ? { compat: o.compat } : {}),
        ...(o.dialect ? { dialect: o.dialect } : {}),
        ...(o.stabilityLevel ? { stabilityLevel: o.stabilityLevel } : {}),
        ...(o.communityComponents !== undefined ? { communityComponents: o.communityComponents } : {}),
        env: { ...(o.env ?? {}) },
        extraComponents: [...((o as Partial<AnalysisOptions>).extraComponents ?? []), ...registry.extraCatalogEntries()],
    };
}

/** Analyses the configuration at a file or directory, the way `flowlens check` does. */
export function analyzePath(target: string, options: AnalysisOptions, host: FileHost = new DiskFileHost()): Analysis {
    const absolute = path.resolve(target);
    let files: SourceFile[];
    let baseDir: string;
    if (host.isDirectory(absolute)) {
        files = directoryConfiguration(absolute, host);
        if (files.length === 0) throw new ConfigurationRefusedError([`${target} contains no .alloy or .river files`]);
        baseDir = absolute;
    } else {
        const file = host.file(absolute);
        if (!file) throw new ConfigurationRefusedError([`cannot read ${target}: ${fs.existsSync(absolute) ? 'not a readable file' : 'no such file or directory'}`]);
        files = [file];
        baseDir = path.dirname(absolute);
    }
    return analyzeConfiguration(files, host, options, baseDir);
}
