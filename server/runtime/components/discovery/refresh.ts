// What the refresh-based discovery.* components share (Alloy's internal/component/discovery with
// Prometheus' discovery/refresh): a discoverer yields target groups (a source key, group labels and
// targets); groups are cached by source (an empty group removes its source), each target is its own
// labels over its group's, and the union is exported as `targets`, at most once per
// MAX_UPDATE_FREQUENCY (Alloy's 5 s throttle; the first result is published at once). A failed
// refresh keeps the previous targets, counts prometheus_sd_refresh_failures_total and marks the
// component unhealthy until a refresh succeeds.

import type { ArgumentBody, Component, ComponentContext } from '../../component.js';
import { errorMessage } from '../fanout.js';
import { type CounterHandle, InstanceMetrics } from '../metrics.js';
import { targetsValue } from './relabel.js';

export type Labels = Record<string, string>;

export interface TargetGroup {
    readonly source: string;
    readonly labels: Readonly<Labels>;
    readonly targets: readonly Readonly<Labels>[];
}

/**
 * What a refresh yields: its groups, or its groups and the problems it met on the way (files that
 * could not be read: their previous groups are kept, and the component is unhealthy until they read).
 */
export type RefreshResult = TargetGroup[] | { readonly groups: TargetGroup[]; readonly problems: readonly string[] };

export type RefreshFn = (signal: AbortSignal) => Promise<RefreshResult>;

/** Minimum time between two exports of new targets; Alloy's MaxUpdateFrequency (tests may lower it). */
export const MAX_UPDATE_FREQUENCY = { ms: 5000 };

/** The export `targets` holds before the first refresh. */
export const NO_TARGETS = targetsValue([]);

/** Caches target groups by source and publishes their union, throttled. */
export class GroupExporter {
    private readonly cache = new Map<string, TargetGroup>();
    private lastPublished = 0;
    private lastKey: string | undefined;
    private timer: NodeJS.Timeout | undefined;
    private closed = false;

    constructor(private readonly ctx: ComponentContext) {}

    /** Applies groups (replacing those with the same source; an empty one removes its source). */
    apply(groups: readonly TargetGroup[]): void {
        for (const g of groups) {
            if (g.targets.length === 0) this.cache.delete(g.source);
            else this.cache.set(g.source, g);
        }
        this.schedule();
    }

    /** Forgets every group (a new discoverer starts from nothing, as Alloy's runDiscovery does). */
    reset(): void {
        this.cache.clear();
    }

    targets(): Labels[] {
        const out: Labels[] = [];
        for (const g of [...this.cache.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))) {
            for (const t of g.targets) out.push({ ...g.labels, ...t });
        }
        return out;
    }

    private schedule(): void {
        if (this.closed || this.timer !== undefined) return;
        const wait = this.lastPublished + MAX_UPDATE_FREQUENCY.ms - Date.now();
        if (wait <= 0) this.publish();
        else {
            this.timer = setTimeout(() => {
                this.timer = undefined;
                this.publish();
            }, wait);
        }
    }

    private publish(): void {
        if (this.closed) return;
        this.lastPublished = Date.now();
        const targets = this.targets();
        const key = JSON.stringify(targets);
        if (key === this.lastKey) return;
        this.lastKey = key;
        this.ctx.countOut(targets.length);
        this.ctx.setExports({ targets: targetsValue(targets) });
    }

    close(): void {
        this.closed = true;
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.timer = undefined;
    }
}

/**
 * Runs `refresh` now and every `intervalMs` (Prometheus' refresh.Discovery) until stopped; each
 * success is applied to the exporter. Refreshes never overlap.
 */
export class Refresher {
    private timer: NodeJS.Timeout | undefined;
    private running: Promise<void> = Promise.resolve();
    private abort = new AbortController();
    private stopped = false;
    private readonly metrics: InstanceMetrics;
    private readonly failures: CounterHandle;

    constructor(
        private readonly ctx: ComponentContext,
        readonly mechanism: string,
        private readonly exporter: GroupExporter,
    ) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.failures = this.metrics.counter(
            { name: 'prometheus_sd_refresh_failures_total', help: 'Number of refresh failures for the given SD mechanism.', type: 'counter', labelNames: ['mechanism'] },
            { mechanism },
        );
    }

    /** Starts (or restarts, after new arguments) refreshing with `refresh`; the first refresh runs in the background. */
    async restart(intervalMs: number, refresh: RefreshFn): Promise<void> {
        this.abort.abort();
        if (this.timer !== undefined) clearTimeout(this.timer);
        this.timer = undefined;
        await this.running;
        if (this.stopped) return;
        this.abort = new AbortController();
        const signal = this.abort.signal;
        this.exporter.reset();
        const loop = async (): Promise<void> => {
            if (signal.aborted) return;
            await this.once(refresh, signal);
            if (signal.aborted || this.stopped) return;
            this.timer = setTimeout(() => {
                this.timer = undefined;
                this.running = loop();
            }, intervalMs);
        };
        this.running = loop();
    }

    /** Refreshes now, outside the schedule (a file watch event). */
    trigger(refresh: RefreshFn): Promise<void> {
        const signal = this.abort.signal;
        this.running = this.running.then(() => (signal.aborted ? undefined : this.once(refresh, signal)));
        return this.running;
    }

    private async once(refresh: RefreshFn, signal: AbortSignal): Promise<void> {
        try {
            const result = await refresh(signal);
            if (signal.aborted) return;
            const groups = Array.isArray(result) ? result : result.groups;
            const problems = Array.isArray(result) ? [] : result.problems;
            this.exporter.apply(groups);
            this.ctx.countIn(groups.reduce((sum, g) => sum + g.targets.length, 0));
            for (const p of problems) this.ctx.log('error', p, { mechanism: this.mechanism });
            if (problems.length > 0) this.ctx.setHealth('unhealthy', problems.join('; '));
            else this.ctx.setHealth('healthy', `${this.exporter.targets().length} target(s) discovered`);
        } catch (e) {
            if (signal.aborted) return;
            this.failures.inc();
            const message = `unable to refresh target groups: ${errorMessage(e)}`;
            this.ctx.log('error', message, { mechanism: this.mechanism });
            this.ctx.countError();
            this.ctx.setHealth('unhealthy', message);
        }
    }

    async stop(): Promise<void> {
        this.stopped = true;
        this.abort.abort();
        if (this.timer !== undefined) clearTimeout(this.timer);
        await this.running;
        this.exporter.close();
        this.metrics.close();
    }
}

/** JSON of a configuration, Maps included, to tell whether new arguments change anything. */
const configKey = (config: unknown) => JSON.stringify(config, (_k, v: unknown) => (v instanceof Map ? [...v] : v));

/**
 * A discovery.* component that refreshes on an interval: subclasses decode their arguments and say
 * how to refresh; discovery starts at start() (so a dry run does no I/O) and restarts from nothing
 * when the arguments change.
 */
export abstract class RefreshDiscovery<Config extends { readonly intervalMs: number }> implements Component {
    protected readonly exporter: GroupExporter;
    protected readonly refresher: Refresher;
    private config: Config | undefined;
    private key = '';
    private started = false;

    constructor(
        protected readonly ctx: ComponentContext,
        mechanism: string,
    ) {
        this.exporter = new GroupExporter(ctx);
        this.refresher = new Refresher(ctx, mechanism, this.exporter);
        ctx.setExports({ targets: NO_TARGETS });
    }

    /** Decodes and checks the arguments; throws ArgumentError. */
    protected abstract decode(body: ArgumentBody): Config;

    /** The refresh of this configuration (called once per restart: it may keep state across refreshes). */
    protected abstract refreshFor(config: Config): RefreshFn;

    async update(body: ArgumentBody): Promise<void> {
        const config = this.decode(body);
        const key = configKey(config);
        this.config = config;
        if (this.started && key !== this.key) await this.restart();
        this.key = key;
    }

    async start(): Promise<void> {
        this.started = true;
        await this.restart();
    }

    protected async restart(): Promise<void> {
        const config = this.config!;
        await this.refresher.restart(config.intervalMs, this.refreshFor(config));
    }

    async stop(): Promise<void> {
        await this.refresher.stop();
    }
}
