// What each component instance registered in the runtime's one registry, so
// a stopped instance never leaves anything behind that would make its
// restart (a reload, a changed argument) throw "already registered".
//
// Every component sees the registry through its own view. The view records
// which instance registered or looked up each metric family. When an instance
// is released, its series (those labelled with its component_id and
// component_path) are removed from the families it used, and a family no live
// instance uses any more is unregistered — the equivalent of Alloy's
// per-component unregistering registerer. A family two live instances share
// (one registered it, the other found it with getSingleMetric) stays.

import type { Registry } from 'prom-client';

type Metric = NonNullable<ReturnType<Registry['getSingleMetric']>>;

export class MetricOwnership {
    /** Family name → global IDs of the live instances that use it. */
    private readonly users = new Map<string, Set<string>>();
    /** Global ID → the family names it uses. */
    private readonly used = new Map<string, Set<string>>();

    constructor(private readonly registry: Registry) {}

    /** The registry as one component instance sees it. */
    viewFor(globalId: string): Registry {
        const base = this.registry;
        const view = Object.create(base) as Registry;
        view.registerMetric = (metric: Metric) => {
            const existing = base.getSingleMetric(metric.name);
            if (existing && existing !== metric) {
                const owners = [...(this.users.get(metric.name) ?? [])];
                throw new Error(
                    `metric ${metric.name} is already registered${owners.length ? ` by ${owners.join(', ')}` : ' by the runtime'}; ` +
                        'instances of a component share one family (find it with registry.getSingleMetric and label series with component_id and component_path)',
                );
            }
            base.registerMetric(metric);
            this.use(globalId, metric.name);
        };
        view.getSingleMetric = (name: string) => {
            const m = base.getSingleMetric(name);
            if (m) this.use(globalId, name);
            return m;
        };
        view.removeSingleMetric = (name: string) => {
            this.forget(globalId, name);
            if (!this.users.has(name)) base.removeSingleMetric(name);
        };
        // Clearing would remove every other component's metrics too.
        view.clear = () => this.release(globalId);
        return view;
    }

    /** Removes what an instance left behind; labels are the instance's component_id / component_path. */
    release(globalId: string, labels?: Readonly<Record<string, string>>): void {
        const names = this.used.get(globalId);
        if (!names) return;
        this.used.delete(globalId);
        for (const name of names) {
            const metric = this.registry.getSingleMetric(name);
            const users = this.users.get(name);
            users?.delete(globalId);
            if (!users || users.size === 0) {
                this.users.delete(name);
                if (metric) this.registry.removeSingleMetric(name);
            } else if (metric && labels) {
                removeSeries(metric, labels);
            }
        }
    }

    private use(globalId: string, name: string): void {
        let users = this.users.get(name);
        if (!users) this.users.set(name, (users = new Set()));
        users.add(globalId);
        let names = this.used.get(globalId);
        if (!names) this.used.set(globalId, (names = new Set()));
        names.add(name);
    }

    private forget(globalId: string, name: string): void {
        const users = this.users.get(name);
        users?.delete(globalId);
        if (users && users.size === 0) this.users.delete(name);
        this.used.get(globalId)?.delete(name);
    }
}

/** Removes the series of a family whose labels include `labels`. */
function removeSeries(metric: Metric, labels: Readonly<Record<string, string>>): void {
    // prom-client keeps series in `hashMap` (hash → { labels, ... }) for every metric type;
    // remove() needs a series' full label set, which only the map knows.
    const map = (metric as unknown as { hashMap?: Record<string, { labels?: Record<string, string | number> }> }).hashMap;
    if (!map || typeof map !== 'object') return;
    const matches: Array<Record<string, string | number>> = [];
    for (const entry of Object.values(map)) {
        const l = entry?.labels;
        if (l && Object.entries(labels).every(([k, v]) => l[k] === v)) matches.push(l);
    }
    const remover = metric as unknown as { remove(labels: Record<string, string | number>): void };
    for (const l of matches) remover.remove(l);
}
