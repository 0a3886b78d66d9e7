// Component-level prom-client metrics, created once per component instance and
// removed when it stops (runtime notes §1 bug b).
//
// prom-client throws "A metric with the name X has already been registered" when
// a second metric object with the same name is registered on a registry. Two
// instances of one component type (or a stopped and a re-created instance) must
// therefore share ONE metric object per name and registry, each instance owning
// only its label values (component_id, component_path, ...). This module keeps
// that sharing in a WeakMap keyed by registry, reference-counts the metric
// objects, removes an instance's label values in close(), and unregisters a
// metric when its last instance closes.

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { type UncheckedSeries, type UncheckedSpec, uncheckedSeries } from './unchecked-metrics.js';

export interface MetricSpec {
    readonly name: string;
    readonly help: string;
    readonly type: 'counter' | 'gauge' | 'histogram';
    /** Labels beyond component_id and component_path. */
    readonly labelNames?: readonly string[];
    readonly buckets?: readonly number[];
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;
type Labels = Record<string, string>;

interface Provider {
    readonly labels: Labels;
    readonly fn: () => number;
}

interface Shared {
    readonly metric: AnyMetric;
    readonly spec: MetricSpec;
    refs: number;
    /** Gauge values computed at scrape time, by instance label key. */
    readonly providers: Map<string, Provider>;
}

const BASE_LABELS = ['component_id', 'component_path'] as const;
const sharedByRegistry = new WeakMap<Registry, Map<string, Shared>>();

function sameLabelNames(a: readonly string[], b: readonly string[]): boolean {
    return a.length === b.length && a.every((n) => b.includes(n));
}

function create(registry: Registry, spec: MetricSpec, providers: Map<string, Provider>): AnyMetric {
    const labelNames = [...BASE_LABELS, ...(spec.labelNames ?? [])];
    const common = { name: spec.name, help: spec.help, labelNames, registers: [registry] };
    switch (spec.type) {
        case 'counter':
            return new Counter(common);
        case 'histogram':
            return new Histogram({ ...common, buckets: spec.buckets ? [...spec.buckets] : undefined });
        case 'gauge':
            return new Gauge({
                ...common,
                // A plain function: prom-client calls it with `this` bound to the gauge. The providers are
                // copied synchronously before use, and a failing provider never fails the scrape.
                collect(this: Gauge<string>) {
                    const snapshot = Array.from(providers.values());
                    for (const p of snapshot) {
                        let v: number;
                        try {
                            v = p.fn();
                        } catch {
                            continue;
                        }
                        if (typeof v === 'number' && !Number.isNaN(v)) this.set(p.labels, v);
                    }
                },
            });
    }
}

function acquire(registry: Registry, spec: MetricSpec): Shared {
    let byName = sharedByRegistry.get(registry);
    if (byName === undefined) {
        byName = new Map();
        sharedByRegistry.set(registry, byName);
    }
    let entry = byName.get(spec.name);
    if (entry !== undefined) {
        if (entry.spec.type !== spec.type || !sameLabelNames(entry.spec.labelNames ?? [], spec.labelNames ?? [])) {
            throw new Error(`metric ${spec.name} is already defined with a different type or labels`);
        }
        // Someone cleared the registry: put the shared object back rather than creating a duplicate.
        if (registry.getSingleMetric(spec.name) !== entry.metric) registry.registerMetric(entry.metric);
        entry.refs++;
        return entry;
    }
    const providers = new Map<string, Provider>();
    let metric: AnyMetric;
    try {
        // A registry may replace a family orphaned by a stopped instance (the runtime's SafeRegistry does).
        metric = create(registry, spec, providers);
    } catch (e) {
        throw new Error(`metric ${spec.name} is already registered by something other than flowlens' components: ${(e as Error).message}`);
    }
    entry = { metric, spec, refs: 1, providers };
    byName.set(spec.name, entry);
    return entry;
}

function release(registry: Registry, entry: Shared): void {
    entry.refs--;
    if (entry.refs > 0) return;
    const byName = sharedByRegistry.get(registry);
    if (byName?.get(entry.spec.name) === entry) byName.delete(entry.spec.name);
    if (registry.getSingleMetric(entry.spec.name) === entry.metric) registry.removeSingleMetric(entry.spec.name);
}

export interface CounterHandle {
    inc(n?: number): void;
}
export interface GaugeHandle {
    set(v: number): void;
    inc(n?: number): void;
    dec(n?: number): void;
}
export interface HistogramHandle {
    observe(v: number): void;
}

function labelKey(labels: Labels): string {
    return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The metrics of one component instance. Create it once (in `create()`), take handles once, and call
 * {@link close} in `stop()`. Handles become no-ops after close, so a late callback cannot re-create a
 * removed series.
 */
export class InstanceMetrics {
    private readonly acquired = new Map<string, Shared>();
    private readonly series = new Map<string, { entry: Shared; labels: Labels }>();
    private readonly uncheckedOwned: UncheckedSeries[] = [];
    private closed = false;

    constructor(
        private readonly registry: Registry,
        private readonly base: Readonly<{ component_id: string; component_path: string }>,
    ) {}

    private entry(spec: MetricSpec): Shared {
        if (this.closed) throw new Error(`metrics of ${this.base.component_id} are closed`);
        let e = this.acquired.get(spec.name);
        if (e === undefined) {
            e = acquire(this.registry, spec);
            this.acquired.set(spec.name, e);
        }
        return e;
    }

    /** Registers the family now (in create(), where the runtime attributes registrations), without series. */
    declare(spec: MetricSpec): void {
        this.entry(spec);
    }

    private track(spec: MetricSpec, extra: Readonly<Labels> | undefined): { entry: Shared; labels: Labels } {
        const entry = this.entry(spec);
        const labels: Labels = { ...this.base, ...(extra ?? {}) };
        const key = spec.name + '\u0000' + labelKey(labels);
        let s = this.series.get(key);
        if (s === undefined) {
            s = { entry, labels };
            this.series.set(key, s);
        }
        return s;
    }

    counter(spec: MetricSpec, extra?: Readonly<Labels>): CounterHandle {
        const { entry, labels } = this.track(spec, extra);
        const metric = entry.metric as Counter<string>;
        metric.inc(labels, 0); // the series exists (as 0) from the start
        return {
            inc: (n = 1) => {
                if (!this.closed && n > 0) metric.inc(labels, n);
            },
        };
    }

    gauge(spec: MetricSpec, extra?: Readonly<Labels>): GaugeHandle {
        const { entry, labels } = this.track(spec, extra);
        const metric = entry.metric as Gauge<string>;
        metric.set(labels, 0);
        return {
            set: (v) => {
                if (!this.closed) metric.set(labels, v);
            },
            inc: (n = 1) => {
                if (!this.closed) metric.inc(labels, n);
            },
            dec: (n = 1) => {
                if (!this.closed) metric.dec(labels, n);
            },
        };
    }

    /** A gauge whose value is computed at scrape time (synchronously, from a snapshot of providers). */
    gaugeFn(spec: MetricSpec, extra: Readonly<Labels> | undefined, fn: () => number): void {
        const { entry, labels } = this.track(spec, extra);
        entry.providers.set(labelKey(labels), { labels, fn });
    }

    histogram(spec: MetricSpec, extra?: Readonly<Labels>): HistogramHandle {
        const { entry, labels } = this.track(spec, extra);
        const metric = entry.metric as Histogram<string>;
        metric.zero(labels);
        return {
            observe: (v) => {
                if (!this.closed) metric.observe(labels, v);
            },
        };
    }

    /** This instance's share of a family whose series have varying label sets (stage.metrics); closed with the instance. */
    unchecked(spec: UncheckedSpec): UncheckedSeries {
        if (this.closed) throw new Error(`metrics of ${this.base.component_id} are closed`);
        const owned = uncheckedSeries(this.registry, spec, this.base);
        this.uncheckedOwned.push(owned);
        return owned;
    }

    /** Removes this instance's series of one metric (a reset: Go's CounterVec.Reset for this instance). */
    resetSeries(spec: MetricSpec): void {
        for (const [key, { entry, labels }] of this.series) {
            if (entry.spec.name !== spec.name) continue;
            entry.providers.delete(labelKey(labels));
            entry.metric.remove(labels);
            this.series.delete(key);
        }
    }

    /** Removes this instance's series and releases its metrics (unregistered when no instance uses them). */
    close(): void {
        if (this.closed) return;
        this.closed = true;
        for (const { entry, labels } of this.series.values()) {
            entry.providers.delete(labelKey(labels));
            try {
                entry.metric.remove(labels);
            } catch {
                // label mismatch cannot happen (labels were accepted on creation); never fail stop()
            }
        }
        this.series.clear();
        for (const owned of this.uncheckedOwned.splice(0)) owned.close();
        for (const entry of this.acquired.values()) release(this.registry, entry);
        this.acquired.clear();
    }
}

// ---------------------------------------------------------------------------------------------
// Metric names shared by several components (one definition, so specs always agree)
// ---------------------------------------------------------------------------------------------

export const FORWARDED_SAMPLES: MetricSpec = {
    name: 'prometheus_forwarded_samples_total',
    help: 'Total number of samples sent to downstream components.',
    type: 'counter',
};

export const SENT_SPANS: MetricSpec = {
    name: 'otelcol_exporter_sent_spans_total',
    help: 'Number of spans successfully sent to destination.',
    type: 'counter',
};

export const SEND_FAILED_SPANS: MetricSpec = {
    name: 'otelcol_exporter_send_failed_spans_total',
    help: 'Number of spans the exporter failed to send (after retries) or dropped.',
    type: 'counter',
    labelNames: ['reason'],
};

export const RECEIVER_ACCEPTED_SPANS: MetricSpec = {
    name: 'otelcol_receiver_accepted_spans_total',
    help: 'Number of spans successfully pushed into the pipeline.',
    type: 'counter',
};

export const RECEIVER_REFUSED_SPANS: MetricSpec = {
    name: 'otelcol_receiver_refused_spans_total',
    help: 'Number of spans that could not be pushed into the pipeline.',
    type: 'counter',
};

export const HTTP_REQUEST_DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
