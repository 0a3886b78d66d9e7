// Which component instance registered each metric family in the runtime's
// registry, so a stopped instance never leaves behind something that makes its
// successor (a reload, a restart) throw "already registered"
// (grafana/agent #6110 / #6548).
//
// Components get the runtime's one registry itself (components share
// families across instances by registry identity). The controller runs each
// component's create(), update() and start() inside runAs(instance), so a
// family registered synchronously in them is attributed to that instance.
// When an instance stops:
//   - every series labelled with its component_id and component_path is
//     removed, from every family (a careless component's stale series go too);
//   - a family it registered and did not remove may be registered again by a
//     later instance: the registry then replaces the orphan instead of
//     throwing. A family whose registering instance is still live, or that
//     the runtime registered, still throws: that is a real conflict.

import type { Registry } from 'prom-client';

type Metric = NonNullable<ReturnType<Registry['getSingleMetric']>>;

export class MetricOwnership {
    private current: number | undefined;
    private nextToken = 1;
    private readonly live = new Set<number>();
    /** Family name → the instance that registered it. */
    private readonly registeredBy = new Map<string, number>();

    constructor(private readonly registry: Registry) {}

    /** A new component instance; its token identifies it until release(). */
    begin(): number {
        const token = this.nextToken++;
        this.live.add(token);
        return token;
    }

    /** Runs a synchronous call into a component, attributing registrations to it. */
    runAs<T>(token: number, fn: () => T): T {
        const previous = this.current;
        this.current = token;
        try {
            return fn();
        } finally {
            this.current = previous;
        }
    }

    /** Called by the registry when a family is registered. */
    registered(name: string): void {
        if (this.current !== undefined) this.registeredBy.set(name, this.current);
        else this.registeredBy.delete(name);
    }

    /** Called by the registry when a family is removed. */
    removed(name: string): void {
        this.registeredBy.delete(name);
    }

    /** Whether a family with this name was left behind by an instance that stopped. */
    isOrphan(name: string): boolean {
        const token = this.registeredBy.get(name);
        return token !== undefined && !this.live.has(token);
    }

    /** The instance stopped: its series go, and families it registered become replaceable. */
    release(token: number, labels: Readonly<Record<string, string>> | undefined): void {
        this.live.delete(token);
        if (!labels) return;
        for (const metric of this.registry.getMetricsAsArray()) removeSeries(metric as unknown as Metric, labels);
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
