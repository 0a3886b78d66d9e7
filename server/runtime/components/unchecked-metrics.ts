// Metric families whose series carry label sets that vary from series to series: what Go's
// client_golang calls "unchecked" collectors (no Describe), which loki.process's stage.metrics
// uses to give each log stream's labels to its counter, gauge or histogram. prom-client's metric
// classes fix the label names up front, so a family here is a plain object the registry renders
// through `get()`.
//
// As in metrics.ts, one family object per name and registry is shared by every owner (a component
// instance's stage); each owner's series carry its component_id and component_path, and vanish
// when the owner closes. Series not updated for `maxIdleMs` are pruned when collected, as
// Promtail's metricVec does.

import type { MetricValue, MetricType, Registry } from 'prom-client';

export type UncheckedType = 'counter' | 'gauge' | 'histogram';

export interface UncheckedSpec {
    readonly name: string;
    readonly help: string;
    readonly type: UncheckedType;
    /** Upper bounds of a histogram's buckets (+Inf is added). */
    readonly buckets?: readonly number[];
    readonly maxIdleMs: number;
}

type Labels = Record<string, string>;

interface Series {
    readonly labels: Labels;
    value: number;
    /** Histograms: cumulative counts per bucket, then sum and count. */
    readonly bucketCounts?: number[];
    sum: number;
    count: number;
    touched: number;
}

/** One owner's series of a family: the handle a stage updates. */
export class UncheckedSeries {
    readonly series = new Map<string, Series>();
    closed = false;

    constructor(
        readonly spec: UncheckedSpec,
        private readonly base: Labels,
        private readonly onClose: () => void,
    ) {}

    /** The series of one label set (label names are the caller's to check). */
    private with(labels: Labels): Series {
        const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        let s = this.series.get(key);
        if (s === undefined) {
            s = { labels: { ...labels, ...this.base }, value: 0, sum: 0, count: 0, touched: 0, bucketCounts: this.spec.type === 'histogram' ? new Array<number>(this.spec.buckets?.length ?? 0).fill(0) : undefined };
            this.series.set(key, s);
        }
        s.touched = Date.now();
        return s;
    }

    add(labels: Labels, delta: number): void {
        if (!this.closed) this.with(labels).value += delta;
    }

    set(labels: Labels, v: number): void {
        if (!this.closed) this.with(labels).value = v;
    }

    observe(labels: Labels, v: number): void {
        if (this.closed) return;
        const s = this.with(labels);
        const bounds = this.spec.buckets ?? [];
        for (let i = 0; i < bounds.length; i++) if (v <= bounds[i]) s.bucketCounts![i]++;
        s.sum += v;
        s.count++;
    }

    close(): void {
        if (this.closed) return;
        this.closed = true;
        this.series.clear();
        this.onClose();
    }
}

class UncheckedFamily {
    readonly owners = new Set<UncheckedSeries>();
    // The fields prom-client's Registry reads from a metric object.
    readonly aggregator = 'sum';

    constructor(readonly spec: UncheckedSpec) {}

    get name(): string {
        return this.spec.name;
    }

    get help(): string {
        return this.spec.help;
    }

    get type(): MetricType {
        return this.spec.type as unknown as MetricType;
    }

    get(): { name: string; help: string; type: MetricType; aggregator: string; values: MetricValue<string>[] } {
        const now = Date.now();
        const values: MetricValue<string>[] = [];
        // Collect from a snapshot: a stage may add series while the registry renders.
        for (const owner of [...this.owners]) {
            for (const [key, s] of [...owner.series]) {
                if (now - s.touched >= owner.spec.maxIdleMs) {
                    owner.series.delete(key);
                    continue;
                }
                if (this.spec.type !== 'histogram') {
                    values.push({ labels: s.labels, value: s.value });
                    continue;
                }
                const bounds = this.spec.buckets ?? [];
                bounds.forEach((b, i) => values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: String(b) }, value: s.bucketCounts![i] } as MetricValue<string>));
                values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count } as MetricValue<string>);
                values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum } as MetricValue<string>);
                values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count } as MetricValue<string>);
            }
        }
        return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
    }
}

const families = new WeakMap<Registry, Map<string, UncheckedFamily>>();

/** A new owner of the family `spec.name` in `registry`, its series labelled with `base`. */
export function uncheckedSeries(registry: Registry, spec: UncheckedSpec, base: Labels): UncheckedSeries {
    let byName = families.get(registry);
    if (byName === undefined) families.set(registry, (byName = new Map()));
    let family = byName.get(spec.name);
    if (family !== undefined && family.spec.type !== spec.type) {
        throw new Error(`metric ${spec.name} is already defined as a ${family.spec.type}, not a ${spec.type}`);
    }
    if (family === undefined || registry.getSingleMetric(spec.name) !== (family as unknown)) {
        family ??= new UncheckedFamily(spec);
        // A name a checked metric already uses is a real conflict: registerMetric throws, with its words.
        registry.registerMetric(family as unknown as Parameters<Registry['registerMetric']>[0]);
        byName.set(spec.name, family);
    }
    const f = family;
    const owner = new UncheckedSeries(spec, base, () => {
        f.owners.delete(owner);
        if (f.owners.size > 0) return;
        byName.delete(spec.name);
        if (registry.getSingleMetric(spec.name) === (f as unknown)) registry.removeSingleMetric(spec.name);
    });
    f.owners.add(owner);
    return owner;
}
