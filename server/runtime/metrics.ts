// The runtime's metrics, with prom-client: one registry per runtime, the
// per-component families (labelled component_id / component_path, Alloy's
// split of the global ID) and the controller's self-metrics.
//
// The families are created once per runtime; each component instance gets its
// label children once, when it is created, and they are removed when it stops
// (grafana/agent #6110: never construct a metric per request or per reload).
// Gauges that read live state do it in collect(), copying that state
// synchronously before anything could interleave (argo-workflows #14076), and
// a collect() that throws is contained so the rest of the scrape still renders.

import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { MetricOwnership } from './metric-ownership.js';
import type { HealthState } from '../../protocol/runtime.js';

/** Alloy's split of a global ID: `a/b/prometheus.scrape.x` → path `/a/b`, id `prometheus.scrape.x`. */
export function metricLabelsOf(globalId: string): { component_id: string; component_path: string } {
    const slash = globalId.lastIndexOf('/');
    return slash < 0
        ? { component_id: globalId, component_path: '/' }
        : { component_id: globalId.slice(slash + 1), component_path: '/' + globalId.slice(0, slash) };
}

/**
 * The runtime's registry. Its metrics' collect() callbacks cannot fail a
 * scrape: errors (thrown or rejected) are counted in
 * flowlens_metrics_collect_errors_total and the metric renders the values it
 * had. A family left behind by a stopped component instance is replaced when
 * registered again instead of throwing (see metric-ownership.ts).
 */
export class SafeRegistry extends Registry {
    readonly ownership = new MetricOwnership(this);
    private readonly collectErrors: Counter;
    /** Called with the metric name and error of every failed collect(). */
    onCollectError?: (name: string, error: unknown) => void;

    constructor() {
        super();
        this.collectErrors = new Counter({
            name: 'flowlens_metrics_collect_errors_total',
            help: 'collect() callbacks that failed during a scrape (the scrape still renders).',
            labelNames: ['metric'],
            registers: [this],
        });
    }

    override registerMetric(metric: Parameters<Registry['registerMetric']>[0]): void {
        const m = metric as unknown as { name: string; collect?: (this: unknown) => unknown };
        const original = m.collect;
        if (typeof original === 'function' && !(original as { safe?: boolean }).safe) {
            const registry = this;
            const safe = function (this: unknown): unknown {
                try {
                    const r = original.call(this);
                    if (r instanceof Promise) return r.catch((e: unknown) => registry.failed(m.name, e));
                    return r;
                } catch (e) {
                    registry.failed(m.name, e);
                    return undefined;
                }
            };
            (safe as { safe?: boolean }).safe = true;
            m.collect = safe;
        }
        const existing = this.getSingleMetric(m.name);
        if (existing && existing !== metric && this.ownership.isOrphan(m.name)) super.removeSingleMetric(m.name);
        super.registerMetric(metric); // a live family of the same name still throws: a real conflict
        this.ownership.registered(m.name);
    }

    override removeSingleMetric(name: string): void {
        super.removeSingleMetric(name);
        this.ownership.removed(name);
    }

    private failed(name: string, error: unknown): void {
        this.collectErrors.inc({ metric: name });
        this.onCollectError?.(name, error);
    }
}

type LabelRows = Iterable<readonly [Readonly<Record<string, string>>, number]>;

/**
 * A gauge whose series are exactly what `read` returns at scrape time. `read`
 * must be synchronous; its rows are copied into an array before the gauge is
 * touched, so a writer running between two scrapes (or during an async part
 * of another metric's collection) can never produce a mixed snapshot.
 */
export function snapshotGauge(registry: Registry, config: { name: string; help: string; labelNames: readonly string[]; read: () => LabelRows }): Gauge {
    return new Gauge({
        name: config.name,
        help: config.help,
        labelNames: config.labelNames,
        registers: [registry],
        collect(this: Gauge) {
            const rows = Array.from(config.read()); // the copy: nothing below can observe a later write
            this.reset();
            for (const [labels, value] of rows) this.set(labels, value);
        },
    });
}

/** What the runtime's gauges read at scrape time. */
export interface MetricsSources {
    /** Every running component: its global ID, items buffered (null if unknown) and health. */
    components(): Iterable<{ readonly globalId: string; readonly pending: number | null; readonly health: HealthState }>;
    /** Evaluations waiting or running in the work queue. */
    evaluationQueueSize(): number;
    /** Data-flow edges between nodes, by global ID: `from` reads `to`. */
    edges(): Iterable<readonly [string, string]>;
}

/** The per-component children of the runtime's families, created once per instance. */
export interface ComponentInstruments {
    readonly labels: Readonly<{ component_id: string; component_path: string }>;
    countIn(n: number): void;
    countOut(n: number): void;
    countError(n: number): void;
    observeEvaluation(seconds: number): void;
    /** Removes the instance's series (when it stops). */
    release(): void;
}

const EVALUATION_BUCKETS = [0.0005, 0.001, 0.005, 0.025, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600];
const HEALTH_STATES: readonly HealthState[] = ['unknown', 'healthy', 'unhealthy', 'exited', 'skipped'];
/** Alloy's health types; skipped components (a partial run) are not running. */
const RUNNING_HEALTH_STATES = HEALTH_STATES.filter((s) => s !== 'skipped');
const COMPONENT_LABELS = ['component_id', 'component_path'] as const;

export class RuntimeMetrics {
    readonly registry = new SafeRegistry();
    private readonly samplesIn: Counter;
    private readonly samplesOut: Counter;
    private readonly errors: Counter;
    private readonly evaluationSeconds: Histogram;
    readonly dependenciesWait: Histogram;
    readonly evaluating: Gauge;
    readonly configLoadSuccessful: Gauge;
    readonly configLoadSuccessTimestamp: Gauge;
    readonly configLoadFailures: Counter;
    readonly spansExported: Counter;
    readonly spansDropped: Counter;
    readonly pauseState: Gauge;
    private readonly live = new Map<string, ComponentInstruments>();

    constructor(sources: MetricsSources) {
        const registry = this.registry;
        const labelNames = COMPONENT_LABELS;
        this.samplesIn = new Counter({ name: 'flowlens_component_samples_in_total', help: 'Samples or spans a component received.', labelNames, registers: [registry] });
        this.samplesOut = new Counter({ name: 'flowlens_component_samples_out_total', help: 'Samples or spans a component sent on.', labelNames, registers: [registry] });
        this.errors = new Counter({ name: 'flowlens_component_errors_total', help: 'Errors a component reported.', labelNames, registers: [registry] });
        this.evaluationSeconds = new Histogram({
            name: 'flowlens_component_evaluation_seconds',
            help: 'Time spent evaluating a node (its arguments, then its update).',
            labelNames,
            buckets: EVALUATION_BUCKETS,
            registers: [registry],
        });
        this.dependenciesWait = new Histogram({
            name: 'flowlens_component_dependencies_wait_seconds',
            help: "Time from a dependency's exports changing to the dependant's evaluation starting.",
            buckets: EVALUATION_BUCKETS,
            registers: [registry],
        });
        snapshotGauge(registry, {
            name: 'flowlens_component_queue_depth',
            help: "Items buffered inside a component (its pending()); components that cannot tell are left out.",
            labelNames,
            read: () => {
                const rows: Array<[Record<string, string>, number]> = [];
                for (const c of sources.components()) if (c.pending !== null) rows.push([metricLabelsOf(c.globalId), c.pending]);
                return rows;
            },
        });
        snapshotGauge(registry, {
            name: 'flowlens_component_health',
            help: 'Health of a component: 1 for its current state, 0 for the others.',
            labelNames: [...labelNames, 'state'],
            read: () => {
                const rows: Array<[Record<string, string>, number]> = [];
                for (const c of sources.components()) {
                    const labels = metricLabelsOf(c.globalId);
                    for (const s of HEALTH_STATES) rows.push([{ ...labels, state: s }, s === c.health ? 1 : 0]);
                }
                return rows;
            },
        });
        snapshotGauge(registry, {
            name: 'flowlens_component_controller_running_components',
            help: 'Running components by health.',
            labelNames: ['health_type'],
            read: () => {
                const counts = new Map<string, number>(RUNNING_HEALTH_STATES.map((s) => [s, 0]));
                for (const c of sources.components()) if (c.health !== 'skipped') counts.set(c.health, (counts.get(c.health) ?? 0) + 1);
                return [...counts].map(([s, n]) => [{ health_type: s }, n] as const);
            },
        });
        snapshotGauge(registry, {
            name: 'flowlens_component_evaluation_queue_size',
            help: 'Evaluations waiting or running in the work queue.',
            labelNames: [],
            read: () => [[{}, sources.evaluationQueueSize()]],
        });
        snapshotGauge(registry, {
            name: 'flowlens_component_graph_connection',
            help: 'An edge of the running graph: `from` reads the exports of `to` (global IDs).',
            labelNames: ['from', 'to'],
            read: () => Array.from(sources.edges(), ([from, to]) => [{ from, to }, 1] as const),
        });
        this.evaluating = new Gauge({ name: 'flowlens_component_controller_evaluating', help: '1 while the controller evaluates the whole graph (load or reload).', registers: [registry] });
        this.configLoadSuccessful = new Gauge({ name: 'flowlens_config_last_load_successful', help: 'Whether the last load of the configuration succeeded.', registers: [registry] });
        this.configLoadSuccessTimestamp = new Gauge({ name: 'flowlens_config_last_load_success_timestamp_seconds', help: 'When the configuration last loaded successfully.', registers: [registry] });
        this.configLoadFailures = new Counter({ name: 'flowlens_config_load_failures_total', help: 'Loads of the configuration that were refused.', registers: [registry] });
        this.spansExported = new Counter({ name: 'flowlens_spans_exported_total', help: 'Spans the runtime exported.', registers: [registry] });
        this.spansDropped = new Counter({ name: 'flowlens_spans_dropped_total', help: 'Spans the runtime lost, by reason.', labelNames: ['reason'], registers: [registry] });
        this.pauseState = new Gauge({ name: 'flowlens_pipeline_paused', help: '0 running, 1 pausing, 2 paused.', registers: [registry] });
    }

    /** The children of one component instance; a second call for a live ID returns the same object. */
    forComponent(globalId: string): ComponentInstruments {
        const existing = this.live.get(globalId);
        if (existing) return existing;
        const labels = metricLabelsOf(globalId);
        const inC = this.samplesIn.labels(labels);
        const outC = this.samplesOut.labels(labels);
        const errC = this.errors.labels(labels);
        const evalH = this.evaluationSeconds.labels(labels);
        // Series exist (at 0) from the start, so rates work from the first scrape.
        inC.inc(0);
        outC.inc(0);
        errC.inc(0);
        const instruments: ComponentInstruments = {
            labels,
            countIn: (n) => inC.inc(n),
            countOut: (n) => outC.inc(n),
            countError: (n) => errC.inc(n),
            observeEvaluation: (s) => evalH.observe(s),
            release: () => {
                if (this.live.get(globalId) !== instruments) return;
                this.live.delete(globalId);
                this.samplesIn.remove(labels);
                this.samplesOut.remove(labels);
                this.errors.remove(labels);
                this.evaluationSeconds.remove(labels);
            },
        };
        this.live.set(globalId, instruments);
        return instruments;
    }

    render(): Promise<string> {
        return this.registry.metrics();
    }
}
