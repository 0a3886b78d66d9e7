// The controller: runs the instance tree of an analysed configuration.
//
// On load (and on every reload) it evaluates every node in dependency order,
// creating one component instance per built-in component node and handling
// the controller-level nodes itself: module instances (custom components and
// Agent Flow module.file / module.string) pass their arguments to the
// `argument` nodes inside and collect the values of the `export` nodes inside
// as their own exports; `logging` and `tracing` configure the runtime.
//
// After that, evaluation is incremental, as in Alloy: when a node's exports
// change (deep comparison), it goes on the update queue; the controller
// drains the queue in batches and submits each changed node's direct
// dependants to the work queue, keyed by global ID. Dependants across module
// boundaries follow from the same rule, because an `export` node updates its
// instance's exports and an instance's evaluation updates its `argument`
// nodes.

import os from 'node:os';
import path from 'node:path';
import { type Context, trace } from '@opentelemetry/api';
import type { Analysis } from '../../../language/analysis/analyze.js';
import { EvalError, NULL, obj, type Value } from '../../../language/eval/value.js';
import type { Block } from '../../../language/syntax/ast.js';
import type { TracesConsumer } from '../component.js';
import type { RuntimeMetrics } from '../metrics.js';
import type { ComponentInfo, HealthInfo, LogLevel, ReadinessReport } from '../../../protocol/runtime.js';
import type { ComponentRegistry } from '../registry.js';
import type { Redactor } from '../redact.js';
import { failSpan, type RuntimeTracing } from '../tracing.js';
import { attributeExpr, type BodyScope, bodiesEqual, childBlock, evaluate, evaluateBody } from './body.js';
import { createComponentContext } from './component-context.js';
import { Graph } from './graph.js';
import { nodeLocation } from './location.js';
import { roleOf, RuntimeNode } from './nodes.js';
import { assessNodes } from './readiness.js';
import { ConfigurationRefusedError, readinessProblems, refusalReasons, staticReadiness } from './refusal.js';
import { type QueuedUpdate, UpdateQueue } from './update-queue.js';
import { exportsEqual, valuesEqual } from './value-equal.js';
import { QueueFullError, WorkQueue } from './work-queue.js';

export interface ControllerOptions {
    readonly registry: ComponentRegistry;
    readonly metrics: RuntimeMetrics;
    readonly tracing: RuntimeTracing;
    log(level: LogLevel, message: string, globalId?: string, fields?: Record<string, unknown>): void;
    onHealth(globalId: string, health: HealthInfo): void;
    /** Learns the secrets of every evaluated body and export, to scrub them from the output. */
    readonly redactor?: Redactor;
    /** A `logging` block's level. */
    onLoggingLevel?(level: LogLevel): void;
    /**
     * TEST ONLY. What evaluations are keyed by in the work queue. 'local'
     * reproduces Grafana Agent Flow v0.38–v0.39 (before PR #6212), where equal
     * local IDs in different modules dropped each other's updates.
     */
    readonly queueKey?: 'global' | 'local';
    /** Evaluations running at once (default 4). */
    readonly concurrency?: number;
    /** Evaluations waiting at most (default 1024, like Alloy). */
    readonly maxWaiting?: number;
    readonly defaultHost?: string;
    /** Where components keep state across restarts (default: DEFAULT_STORAGE_PATH). */
    readonly storagePath?: string;
    /** How long a component's start() or stop() may take (default 10 s). */
    readonly componentTimeoutMs?: number;
}

export interface ApplyResult {
    readonly added: string[];
    readonly removed: string[];
    readonly updated: string[];
}

/**
 * Alloy's `--storage.path` defaults to `data-alloy/` in the working directory; flowlens runs next to an
 * editor whose working directory is arbitrary, so its default lives in the user's temporary directory.
 */
export const DEFAULT_STORAGE_PATH = path.join(os.tmpdir(), 'flowlens', 'data');

const LOG_LEVELS = new Set(['debug', 'info', 'warn', 'error']);
/** How long a pause or stop waits for buffered data to reach the receivers before pausing them. */
const RECEIVER_DRAIN_MS = 2000;

export class Controller {
    private graph: Graph = new Graph({ nodes: [], byGlobalId: new Map(), edges: [], instancesOf: new Map(), truncated: false }, () => {
        throw new Error('unreachable');
    });
    private analysis?: Analysis;
    readonly workQueue: WorkQueue;
    private readonly updates: UpdateQueue;
    private applying?: Promise<unknown>;
    private processing = false;
    private running = false;
    private stopped = false;
    private sourcesPaused = false;
    private updatedDuringApply?: Set<string>;
    private readonly timeoutMs: number;
    /** Evaluations that failed since the start (skipped nodes are not evaluated). */
    evaluationFailures = 0;

    constructor(private readonly options: ControllerOptions) {
        this.workQueue = new WorkQueue({
            concurrency: options.concurrency ?? 4,
            maxWaiting: options.maxWaiting ?? 1024,
            onError: (key, e) => options.log('error', `evaluation of ${key} failed: ${message(e)}`),
        });
        this.updates = new UpdateQueue(() => this.kick());
        this.timeoutMs = options.componentTimeoutMs ?? 10_000;
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    /**
     * Evaluates a configuration and starts it. When a node cannot run (see {@link assess}) it throws
     * ConfigurationRefusedError before starting anything, unless `allowPartial`: then the nodes that
     * cannot run are skipped (never evaluated again, never started) and the rest starts. A
     * configuration with nothing to run is always refused.
     */
    async load(analysis: Analysis, opts: { allowPartial?: boolean } = {}): Promise<ReadinessReport> {
        const report = await this.assess(analysis);
        const runsSomething = report.nodes.some((r) => r.runnable && ['component', 'instance'].includes(this.graph.nodes.get(r.id)?.role ?? ''));
        const problems = readinessProblems(report, opts.allowPartial === true, runsSomething);
        if (problems.length > 0) {
            await this.stopAll();
            throw new ConfigurationRefusedError(problems);
        }
        for (const r of report.nodes) {
            const node = this.graph.nodes.get(r.id);
            if (node && !r.runnable) this.skip(node, r.reason ?? 'cannot run');
        }
        this.evaluationFailures = 0; // the nodes that failed are reported as skipped, not as errors of the run
        this.running = true;
        for (const node of this.graph.evaluationOrder()) if (node.role === 'component') await this.startComponent(node);
        return report;
    }

    /** Evaluates a configuration exactly as {@link load} does and says node by node whether it can run; starts nothing, and stops what it created. */
    async dryRun(analysis: Analysis): Promise<ReadinessReport> {
        const report = await this.assess(analysis);
        await this.stopAll();
        return report;
    }

    private async assess(analysis: Analysis): Promise<ReadinessReport> {
        const { reasons, problems } = staticReadiness(analysis, this.options.registry);
        await this.apply(analysis, reasons);
        const order = this.graph.evaluationOrder();
        const nodes = assessNodes(order, { references: (id) => this.graph.references.get(id) ?? [], node: (id) => this.graph.nodes.get(id) });
        const all = [...problems];
        if (!order.some((n) => n.role === 'component' || n.role === 'instance')) all.push('the configuration has no components: there is nothing to run');
        return { runnable: all.length === 0 && nodes.every((n) => n.runnable), nodes, problems: all };
    }

    /** Marks a node as not run: its component (if created) is stopped, and it is never evaluated or started again. */
    private skip(node: RuntimeNode, reason: string): void {
        node.skipReason = reason;
        node.health.setEvaluation('skipped', `skipped: ${reason}`);
        this.healthChanged(node);
    }

    /**
     * Applies a new analysis: nodes are matched by global ID; changed ones are
     * updated, new ones started, removed ones stopped. A configuration that
     * cannot run is refused and the running pipeline stays as it is.
     */
    async reload(analysis: Analysis): Promise<ApplyResult> {
        const problems = refusalReasons(analysis, this.options.registry);
        if (problems.length > 0) throw new ConfigurationRefusedError(problems);
        return this.apply(analysis);
    }

    /**
     * Stops the sources (pause, or the first step of stopping): those that produce data first, and
     * everything buffered is sent now rather than at its next deadline; then, once that has drained
     * (at most RECEIVER_DRAIN_MS), the receivers, which may be where it was sent. `deadline` (epoch
     * ms; stopping sets it) bounds the flushes and the drain: what has not been sent by then is not
     * waited for.
     */
    async pauseSources(deadline = Infinity): Promise<void> {
        this.sourcesPaused = true;
        const errors: string[] = [];
        const nodes = this.componentNodes();
        await this.pauseSourceNodes(nodes.filter((n) => n.definition?.source && !n.definition.receiver), errors);
        await this.flushAll(errors, deadline);
        const receivers = nodes.filter((n) => n.definition?.receiver);
        if (receivers.length > 0) {
            await this.drain(Math.min(RECEIVER_DRAIN_MS, deadline - Date.now()));
            await this.pauseSourceNodes(receivers, errors);
            await this.flushAll(errors, deadline);
        }
        if (errors.length) throw new Error(errors.join('; '));
    }

    private async pauseSourceNodes(nodes: readonly RuntimeNode[], errors: string[]): Promise<void> {
        for (const node of nodes) {
            if (!node.component || node.sourcePaused) continue;
            try {
                await withTimeout(Promise.resolve(node.component.pauseSource?.()), this.timeoutMs, `${node.globalId}: pauseSource()`);
                node.sourcePaused = true;
            } catch (e) {
                errors.push(`${node.globalId}: ${message(e)}`);
            }
        }
    }

    /** Flushes every component; past `deadline`, what is still being sent is left to stop() (which aborts it). */
    private async flushAll(errors: string[], deadline = Infinity): Promise<void> {
        const limit = Math.min(this.timeoutMs, deadline - Date.now());
        await Promise.all(
            this.componentNodes().map(async (node) => {
                if (!node.component?.flush) return;
                const flushing = node.component.flush();
                if (limit <= 0 || (Number.isFinite(deadline) && (await withDeadline(flushing, limit)) === 'timeout')) {
                    flushing.catch(() => undefined); // stop() aborts it; its failure is reported there
                    return;
                }
                try {
                    await withTimeout(flushing, this.timeoutMs, `${node.globalId}: flush()`);
                } catch (e) {
                    errors.push(`${node.globalId}: ${message(e)}`);
                }
            }),
        );
    }

    async resumeSources(): Promise<void> {
        this.sourcesPaused = false;
        const errors: string[] = [];
        for (const node of this.componentNodes()) {
            if (!node.sourcePaused || !node.component) continue;
            try {
                await withTimeout(Promise.resolve(node.component.resumeSource?.()), this.timeoutMs, `${node.globalId}: resumeSource()`);
                node.sourcePaused = false;
            } catch (e) {
                errors.push(`${node.globalId}: ${message(e)}`);
            }
        }
        if (errors.length) throw new Error(errors.join('; '));
    }

    /**
     * Waits until nothing is queued or evaluating and no component reports
     * pending items — at most `timeoutMs`, and no longer than `stallMs`
     * without progress (a remote endpoint that is down will not drain).
     */
    async drain(timeoutMs: number, stallMs = 500): Promise<boolean> {
        const deadline = Date.now() + timeoutMs;
        let best = Infinity;
        let lastProgress = Date.now();
        while (Date.now() < deadline && Date.now() - lastProgress < stallMs) {
            try {
                const n = this.inFlight();
                if (n === 0) return true;
                if (n < best) {
                    best = n;
                    lastProgress = Date.now();
                }
            } catch {
                // Cannot tell; keep waiting within the limits.
            }
            await sleep(20);
        }
        return false;
    }

    /**
     * Stops the components (sources first, then the rest upstream first),
     * except those in `keep`; a later call stops the rest. Returns problems.
     */
    async stopAll(keep: ReadonlySet<string> = new Set()): Promise<string[]> {
        const problems: string[] = [];
        if (!this.stopped) {
            this.stopped = true;
            this.updates.clear();
            this.workQueue.close();
            if ((await withDeadline(this.workQueue.whenIdle(), this.timeoutMs)) === 'timeout') problems.push('evaluations still running at stop');
        }
        const order = this.graph.evaluationOrder().filter((n) => n.role === 'component' && !keep.has(n.globalId));
        const sources = order.filter((n) => n.definition?.source);
        for (const node of [...sources, ...order.filter((n) => !n.definition?.source)]) {
            const p = await this.stopComponent(node);
            if (p) problems.push(p);
        }
        return problems;
    }

    /**
     * The components a `tracing` block sends the runtime's spans to, and
     * everything they send on to: they must outlive the final flush of spans.
     */
    tracingConsumers(): Set<string> {
        const out = new Set<string>();
        const visit = (id: string) => {
            for (const next of this.graph.references.get(id) ?? []) {
                if (out.has(next)) continue;
                out.add(next);
                visit(next);
            }
        };
        for (const n of this.graph.nodes.values()) if (n.role === 'tracing') visit(n.globalId);
        return out;
    }

    // ---- what the runtime reads ------------------------------------------------------------------

    /** Items in flight: queued or running evaluations plus components' pending(); throws when a component cannot tell. */
    inFlight(): number {
        let total = this.workQueue.size + this.updates.size;
        const errors: string[] = [];
        for (const node of this.componentNodes()) {
            const pending = node.component?.pending;
            if (!pending) continue;
            try {
                const n = pending.call(node.component);
                if (!(typeof n === 'number' && n >= 0)) throw new Error(`pending() returned ${String(n)}`);
                total += n;
            } catch (e) {
                errors.push(`${node.globalId}: ${message(e)}`);
            }
        }
        if (errors.length) throw new Error(errors.join('; '));
        return total;
    }

    /** One component's pending(), null when it has none or cannot tell. */
    pendingOf(node: RuntimeNode): number | null {
        const pending = node.component?.pending;
        if (!pending) return null;
        try {
            const n = pending.call(node.component);
            return typeof n === 'number' && n >= 0 ? n : null;
        } catch {
            return null;
        }
    }

    /** Data-flow edges of the running graph: [from, to] global IDs, `from` reads `to`. */
    edges(): Array<[string, string]> {
        const out: Array<[string, string]> = [];
        for (const [from, tos] of this.graph.references) for (const to of tos) out.push([from, to]);
        return out;
    }

    nodes(): RuntimeNode[] {
        return [...this.graph.nodes.values()];
    }

    componentNodes(): RuntimeNode[] {
        return this.nodes().filter((n) => n.role === 'component');
    }

    node(globalId: string): RuntimeNode | undefined {
        return this.graph.nodes.get(globalId);
    }

    components(): ComponentInfo[] {
        return this.nodes().map((n) => {
            const at = nodeLocation(n.instance);
            return {
                globalId: n.globalId,
                localId: n.localId,
                modulePath: n.modulePath,
                kind: n.instance.kind,
                name: n.name,
                health: n.health.current(),
                file: at.file,
                line: at.line,
                column: at.column,
                references: [...(this.graph.references.get(n.globalId) ?? [])],
                referencedBy: [...(this.graph.dependants.get(n.globalId) ?? [])],
            };
        });
    }

    // ---- applying a configuration ---------------------------------------------------------------

    /** `skip`: global IDs of nodes not to evaluate, with the reason (they cannot run). */
    private async apply(analysis: Analysis, skip: ReadonlyMap<string, string> = new Map()): Promise<ApplyResult> {
        const previous = this.applying;
        const run = async (): Promise<ApplyResult> => {
            await previous?.catch(() => undefined);
            // Like Alloy's loader lock: no evaluation runs while the graph changes.
            await withDeadline(this.workQueue.whenIdle(), this.timeoutMs);
            const old = this.graph;
            const created: string[] = [];
            const next = new Graph(analysis.instances, (id) => {
                const inst = analysis.instances.byGlobalId.get(id)!;
                const prev = old.nodes.get(id);
                if (prev && prev.alive && prev.role === roleOf(inst) && prev.name === inst.node.stmt.node.name) {
                    prev.instance = inst;
                    return prev;
                }
                created.push(id);
                return new RuntimeNode(inst);
            });
            for (const n of next.nodes.values()) n.skipReason = skip.get(n.globalId);
            const gone = [...old.nodes.values()].filter((n) => next.nodes.get(n.globalId) !== n);
            for (const n of gone) {
                n.alive = false;
                await this.stopComponent(n);
            }
            this.graph = next;
            this.analysis = analysis;
            if (![...next.nodes.values()].some((n) => n.role === 'tracing')) this.options.tracing.configure({ samplingFraction: 1, consumers: [] });

            const updated = new Set<string>(created.filter((id) => old.nodes.has(id)));
            this.updatedDuringApply = updated;
            const tracer = this.options.tracing.tracer();
            const span = tracer.startSpan('GraphEvaluate', { attributes: { 'flowlens.nodes': next.nodes.size } }, this.options.tracing.rootContext);
            const ctx = trace.setSpan(this.options.tracing.rootContext, span);
            this.options.metrics.evaluating.set(1);
            try {
                for (const node of next.evaluationOrder()) await this.evaluateNode(node, ctx);
            } finally {
                this.options.metrics.evaluating.set(0);
                span.end();
                this.updatedDuringApply = undefined;
            }
            if (this.running) for (const node of next.evaluationOrder()) if (node.role === 'component') await this.startComponent(node);
            return {
                added: created.filter((id) => !old.nodes.has(id)),
                removed: gone.filter((n) => !next.nodes.has(n.globalId)).map((n) => n.globalId),
                updated: [...updated],
            };
        };
        const p = run();
        this.applying = p;
        try {
            return await p;
        } finally {
            if (this.applying === p) this.applying = undefined;
            this.kick();
        }
    }

    // ---- evaluation -----------------------------------------------------------------------------

    /** Evaluates one node; errors make it unhealthy, never escape. */
    private async evaluateNode(node: RuntimeNode, parent: Context, queuedAt?: number): Promise<void> {
        if (!node.alive) return;
        if (node.skipReason) {
            node.health.setEvaluation('skipped', `skipped: ${node.skipReason}`);
            this.healthChanged(node);
            return;
        }
        const started = performance.now();
        if (queuedAt !== undefined) this.options.metrics.dependenciesWait.observe((started - queuedAt) / 1000);
        const span = this.options.tracing.tracer().startSpan(
            'EvaluateNode',
            { attributes: { 'flowlens.component.global_id': node.globalId, 'flowlens.component.local_id': node.localId, 'flowlens.component.module_path': node.modulePath, 'flowlens.component.name': node.name } },
            parent,
        );
        node.evaluated = true;
        try {
            await this.evaluateRole(node, trace.setSpan(parent, span));
            node.evaluationError = undefined;
            node.health.setEvaluation('healthy', 'component evaluated');
        } catch (e) {
            const msg = message(e);
            node.evaluationError = msg;
            this.evaluationFailures++;
            node.health.setEvaluation('unhealthy', `evaluation failed: ${msg}`);
            this.options.log('error', `evaluation failed: ${msg}`, node.globalId);
            failSpan(span, e);
        } finally {
            const seconds = (performance.now() - started) / 1000;
            node.stats.evaluations++;
            node.stats.evaluationSeconds += seconds;
            node.stats.lastEvaluationSeconds = seconds;
            node.instruments?.observeEvaluation(seconds);
            span.end();
            this.healthChanged(node);
        }
    }

    private async evaluateRole(node: RuntimeNode, ctx: Context): Promise<void> {
        switch (node.role) {
            case 'component':
                return this.evaluateComponent(node);
            case 'argument':
                return this.evaluateArgument(node);
            case 'export':
                return this.evaluateExport(node);
            case 'instance':
                return this.evaluateInstance(node, ctx);
            case 'tracing':
                return this.evaluateTracing(node);
            case 'logging':
                return this.evaluateLogging(node);
            case 'inert':
                if (node.instance.kind === 'service' && node.stats.evaluations === 0) {
                    this.options.log('warn', `the ${node.name} block configures an Alloy service; flowlens' embedded runtime ignores it`, node.globalId);
                }
                return;
        }
    }

    private scopeFor(node: RuntimeNode): BodyScope {
        const graph = this.graph;
        return {
            scope: this.analysis!.evaluator.moduleScope(node.instance.node.module),
            options: { resolveIdentifier: (name) => graph.resolve(node.modulePath, name) },
        };
    }

    private async evaluateComponent(node: RuntimeNode): Promise<void> {
        const args = evaluateBody(node.instance.node.stmt.node.body, this.scopeFor(node));
        this.options.redactor?.rememberBody(args);
        if (!node.component) {
            const definition = this.options.registry.get(node.name);
            if (!definition) throw new Error(`${node.name} is not in flowlens' embedded runtime`);
            node.definition = definition;
            node.setExports(initialExports(definition.schema.exports));
            const ctx = createComponentContext(node, {
                metrics: this.options.metrics,
                tracer: (scope) => this.options.tracing.tracer(scope),
                defaultHost: this.options.defaultHost ?? '127.0.0.1',
                storagePath: this.options.storagePath ?? DEFAULT_STORAGE_PATH,
                log: this.options.log,
                setExports: (n, exports) => this.setExports(n, exports),
                healthChanged: (n) => this.healthChanged(n),
            });
            node.metricsOwner = this.ownership.begin();
            try {
                node.component = this.ownership.runAs(node.metricsOwner, () => definition.create(ctx));
            } catch (e) {
                // Nothing of the failed instance may linger: the next attempt registers again.
                this.releaseMetrics(node);
                node.abort = undefined;
                throw e;
            }
        } else if (node.lastArgs && bodiesEqual(args, node.lastArgs, valuesEqual)) {
            return; // nothing changed: no update() call
        }
        const component = node.component;
        await this.ownership.runAs(node.metricsOwner!, () => component.update(args));
        if (node.lastArgs) this.updatedDuringApply?.add(node.globalId);
        node.lastArgs = args;
        if (this.running && !node.started && !this.stopped) await this.startComponent(node);
    }

    /** An `argument` block inside a module: the value its instance passes, or its default. */
    private async evaluateArgument(node: RuntimeNode): Promise<void> {
        const owner = this.graph.owner(node);
        let value: Value | undefined = owner?.args.get(node.label);
        if (value === undefined) {
            const def = attributeExpr(node.instance.node.stmt.node, 'default');
            value = def ? evaluate(def, this.scopeFor(node)) : NULL;
        }
        this.setExports(node, new Map([['value', value]]));
    }

    /** An `export` block: its value becomes a field of the instance's exports. */
    private async evaluateExport(node: RuntimeNode): Promise<void> {
        const expr = attributeExpr(node.instance.node.stmt.node, 'value');
        const value = expr ? evaluate(expr, this.scopeFor(node)) : NULL;
        const owner = this.graph.owner(node);
        if (!owner) return;
        const old = owner.moduleExports.get(node.label);
        if (old !== undefined && valuesEqual(old, value)) return;
        owner.moduleExports.set(node.label, value);
        this.setExports(owner, instanceExports(owner));
    }

    /** A module instance: evaluates the arguments it passes and feeds its argument nodes. */
    private async evaluateInstance(node: RuntimeNode, ctx: Context): Promise<void> {
        const block = node.instance.node.stmt.node;
        const scope = this.scopeFor(node);
        const args = new Map<string, Value>();
        const source: Block | undefined = node.instance.kind === 'module' ? childBlock(block, 'arguments') : block;
        for (const s of source?.body ?? []) if (s.$type === 'Attribute') args.set(s.name, evaluate(s.value, scope));
        node.args = args;
        // Every export exists (null) before its block is evaluated, as Alloy's zero values.
        let added = false;
        for (const child of this.graph.children(node)) {
            if (child.role === 'export' && !node.moduleExports.has(child.label)) {
                node.moduleExports.set(child.label, NULL);
                added = true;
            }
        }
        if (added || node.exports.size === 0) this.setExports(node, instanceExports(node));
        for (const child of this.graph.children(node)) if (child.role === 'argument') await this.evaluateNode(child, ctx);
    }

    private async evaluateTracing(node: RuntimeNode): Promise<void> {
        const body = evaluateBody(node.instance.node.stmt.node.body, this.scopeFor(node));
        const fraction = body.attributes.get('sampling_fraction');
        if (fraction && fraction.kind !== 'number') throw new EvalError('sampling_fraction must be a number');
        const consumers: TracesConsumer[] = [];
        const writeTo = body.attributes.get('write_to');
        if (writeTo && writeTo.kind === 'array') {
            for (const item of writeTo.items) {
                const payload = item.kind === 'capsule' ? item.payload : undefined;
                if (!payload || typeof (payload as TracesConsumer).consumeTraces !== 'function') throw new EvalError('write_to must list otelcol consumers (e.g. otelcol.exporter.otlphttp.NAME.input)');
                consumers.push(payload as TracesConsumer);
            }
        }
        this.options.tracing.configure({ samplingFraction: fraction?.kind === 'number' ? fraction.value : undefined, consumers });
    }

    private async evaluateLogging(node: RuntimeNode): Promise<void> {
        const expr = attributeExpr(node.instance.node.stmt.node, 'level');
        if (!expr) return;
        const level = evaluate(expr, this.scopeFor(node));
        if (level.kind !== 'string' || !LOG_LEVELS.has(level.value)) throw new EvalError(`logging level must be one of debug, info, warn, error`);
        this.options.onLoggingLevel?.(level.value as LogLevel);
    }

    // ---- incremental re-evaluation --------------------------------------------------------------

    /** New exports of a node: if they changed, its dependants are scheduled. */
    private setExports(node: RuntimeNode, exports: ReadonlyMap<string, Value>): void {
        for (const v of exports.values()) this.options.redactor?.rememberValue(v);
        if (exportsEqual(node.exports, exports)) return;
        node.setExports(exports);
        if (!this.stopped && (this.graph.dependants.get(node.globalId)?.size ?? 0) > 0) this.updates.enqueue(node.globalId);
    }

    private kick(): void {
        if (this.processing || this.stopped || this.updates.size === 0) return;
        this.processing = true;
        void this.processUpdates().finally(() => {
            this.processing = false;
            if (this.updates.size > 0) this.kick();
        });
    }

    private async processUpdates(): Promise<void> {
        while (this.updates.size > 0 && !this.stopped) {
            if (this.applying) {
                await this.applying.catch(() => undefined);
                continue;
            }
            await this.evaluateDependants(this.updates.dequeueAll());
        }
    }

    /** Submits the direct dependants of a batch of changed nodes, retrying while the queue is full. */
    private async evaluateDependants(batch: readonly QueuedUpdate[]): Promise<void> {
        const tracing = this.options.tracing;
        const span = tracing.tracer().startSpan('EvaluateDependants', { attributes: { 'flowlens.updated_nodes': batch.length } }, tracing.rootContext);
        const ctx = trace.setSpan(tracing.rootContext, span);
        const seen = new Set<string>();
        const local = this.options.queueKey === 'local';
        let backoff = 1;
        try {
            for (const { globalId, queuedAt } of batch) {
                for (const id of this.graph.dependants.get(globalId) ?? []) {
                    if (seen.has(id)) continue;
                    seen.add(id);
                    const dependant = this.graph.nodes.get(id);
                    if (!dependant || !dependant.alive || !dependant.evaluated) continue;
                    const key = local ? dependant.localId : dependant.globalId;
                    for (;;) {
                        if (this.stopped) return;
                        try {
                            this.workQueue.submit(key, () => this.evaluateNode(dependant, ctx, queuedAt));
                            backoff = 1;
                            break;
                        } catch (e) {
                            if (!(e instanceof QueueFullError)) throw e;
                            this.options.log('warn', `failed to submit node for evaluation - will retry in ${backoff} ms: ${e.message}`, dependant.globalId);
                            await sleep(backoff);
                            backoff = Math.min(backoff * 2, 100);
                        }
                    }
                }
            }
        } finally {
            span.end();
        }
    }

    // ---- components -----------------------------------------------------------------------------

    private async startComponent(node: RuntimeNode): Promise<void> {
        const component = node.component;
        if (!component || node.started || !node.lastArgs || this.stopped || node.skipReason) return;
        node.started = true;
        try {
            await withTimeout(Promise.resolve(this.ownership.runAs(node.metricsOwner!, () => component.start?.())), this.timeoutMs, 'start()');
            node.health.setRun('healthy', 'started component');
        } catch (e) {
            node.health.setRun('unhealthy', `starting the component failed: ${message(e)}`);
            this.options.log('error', `starting the component failed: ${message(e)}`, node.globalId);
        }
        if (this.sourcesPaused && node.definition?.source && component.pauseSource) {
            await Promise.resolve(component.pauseSource()).then(
                () => (node.sourcePaused = true),
                (e: unknown) => this.options.log('error', `pausing the new source failed: ${message(e)}`, node.globalId),
            );
        }
        this.healthChanged(node);
    }

    /** Stops a component and removes its metrics; returns a problem when it did not stop cleanly. */
    private async stopComponent(node: RuntimeNode): Promise<string | undefined> {
        const component = node.component;
        if (!component) return undefined;
        node.abort?.abort();
        let problem: string | undefined;
        try {
            await withTimeout(component.stop(), this.timeoutMs, 'stop()');
            node.health.setRun('exited', 'component shut down cleanly');
        } catch (e) {
            problem = `${node.globalId}: ${message(e)}`;
            node.health.setRun('exited', `component shut down with error: ${message(e)}`);
            this.options.log('error', `component shut down with error: ${message(e)}`, node.globalId);
        }
        node.abort = undefined;
        node.component = undefined;
        node.started = false;
        node.sourcePaused = false;
        node.lastArgs = undefined;
        this.releaseMetrics(node);
        this.healthChanged(node);
        return problem;
    }

    /** Removes an instance's series (runtime families and components' own) and frees what it registered. */
    private releaseMetrics(node: RuntimeNode): void {
        const labels = node.instruments?.labels;
        node.instruments?.release();
        node.instruments = undefined;
        if (node.metricsOwner !== undefined) this.ownership.release(node.metricsOwner, labels);
        node.metricsOwner = undefined;
    }

    private get ownership() {
        return this.options.metrics.registry.ownership;
    }

    private healthChanged(node: RuntimeNode): void {
        const h = node.health.current();
        const key = `${h.state}\u0000${h.message}`;
        if (key === node.reportedHealth) return;
        node.reportedHealth = key;
        this.options.onHealth(node.globalId, h);
    }
}

/** Alloy starts exports at their zero values, so references resolve before a component exports. */
function initialExports(exports: readonly { name: string; type: string }[]): Map<string, Value> {
    const out = new Map<string, Value>();
    for (const e of exports) {
        const t = e.type.trim().toLowerCase();
        if (/^(int|uint|float|number)$/.test(t)) out.set(e.name, { kind: 'number', value: 0, float: t === 'float' });
        else if (t === 'string') out.set(e.name, { kind: 'string', value: '' });
        else if (t === 'bool') out.set(e.name, { kind: 'bool', value: false });
        else if (/^(list\(|\[\])/.test(t)) out.set(e.name, { kind: 'array', items: [] });
        else if (/^(map\(|object)/.test(t)) out.set(e.name, obj(new Map()));
        else out.set(e.name, NULL);
    }
    return out;
}

/** What references to an instance see: a custom component's exports directly, an Agent Flow module's under `exports`. */
function instanceExports(node: RuntimeNode): Map<string, Value> {
    const fields = new Map(node.moduleExports);
    return node.instance.kind === 'module' ? new Map([['exports', obj(fields)]]) : fields;
}

function message(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}

function sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
        return await Promise.race([
            p,
            new Promise<never>((_, reject) => {
                timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
            }),
        ]);
    } finally {
        clearTimeout(timer);
    }
}

async function withDeadline(p: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
    let timer: NodeJS.Timeout | undefined;
    try {
        return await Promise.race([
            p.then(() => 'done' as const),
            new Promise<'timeout'>((resolve) => {
                timer = setTimeout(() => resolve('timeout'), ms);
            }),
        ]);
    } finally {
        clearTimeout(timer);
    }
}
