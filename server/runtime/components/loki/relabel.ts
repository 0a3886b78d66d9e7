// loki.relabel: rewrites each entry's labels with `rule` blocks and forwards the entries that keep
// at least one label, as Alloy's internal/component/loki/relabel does. Results are cached per label
// set in an LRU of `max_cache_size` entries (default 10000; changed rules empty it), with Alloy's
// loki_relabel_* metrics.

import type { ArgumentBody, Component, ComponentContext, ComponentDefinition, LogsReceiver } from '../../component.js';
import { LOGS_RECEIVER_TYPE } from '../../component.js';
import type { LogEntry } from '../../protocols/log-entry.js';
import { type CompiledRules, applyRulesToRecord } from '../../protocols/relabel.js';
import { Args, RULE_ATTRIBUTES, attr, block, isLogsReceiver, schema } from '../decode.js';
import { forwardEntries } from '../fanout.js';
import { type CounterHandle, type GaugeHandle, InstanceMetrics } from '../metrics.js';
import { RulesExport } from '../relabel-rules.js';

const SCHEMA = schema(
    [attr('forward_to', 'list(receiver)', true), attr('max_cache_size', 'int')],
    [block('rule', false, RULE_ATTRIBUTES)],
    [
        { name: 'receiver', type: 'receiver' },
        { name: 'rules', type: 'RelabelRules' },
    ],
);

type Labels = Readonly<Record<string, string>>;

/** The key of a label set (all labels, sorted). */
function keyOf(labels: Labels): string {
    return Object.keys(labels)
        .sort()
        .map((k) => `${k}\u0000${labels[k]}`)
        .join('\u0001');
}

class LokiRelabel implements Component {
    private forwardTo: LogsReceiver[] = [];
    private rules: CompiledRules | undefined;
    private maxCacheSize = 10_000;
    /** LRU: a Map keeps insertion order, a hit moves its key to the end. `null` means dropped. */
    private cache = new Map<string, Labels | null>();
    private readonly rulesExport = new RulesExport();
    private readonly receiver: LogsReceiver;
    private readonly metrics: InstanceMetrics;
    private readonly processed: CounterHandle;
    private readonly written: CounterHandle;
    private readonly hits: CounterHandle;
    private readonly misses: CounterHandle;
    private readonly size: GaugeHandle;

    constructor(private readonly ctx: ComponentContext) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.processed = this.metrics.counter({ name: 'loki_relabel_entries_processed', help: 'Total number of log entries processed', type: 'counter' });
        this.written = this.metrics.counter({ name: 'loki_relabel_entries_written', help: 'Total number of log entries forwarded', type: 'counter' });
        this.misses = this.metrics.counter({ name: 'loki_relabel_cache_misses', help: 'Total number of cache misses', type: 'counter' });
        this.hits = this.metrics.counter({ name: 'loki_relabel_cache_hits', help: 'Total number of cache hits', type: 'counter' });
        this.size = this.metrics.gauge({ name: 'loki_relabel_cache_size', help: 'Total size of relabel cache', type: 'gauge' });
        this.receiver = { appendEntries: (entries) => this.append(entries) };
    }

    update(body: ArgumentBody): void {
        const args = Args.of('loki.relabel', SCHEMA, body);
        const forwardTo = args.capsules('forward_to', LOGS_RECEIVER_TYPE, isLogsReceiver);
        const maxCacheSize = args.int('max_cache_size', 10_000);
        if (maxCacheSize <= 0) args.fail('max_cache_size', 'must provide a positive size');
        const { rules, capsule } = this.rulesExport.decode(args);
        if (rules !== this.rules) this.cache.clear();
        this.rules = rules;
        this.maxCacheSize = maxCacheSize;
        this.evict();
        this.forwardTo = forwardTo;
        this.ctx.setExports({ receiver: { kind: 'capsule', type: LOGS_RECEIVER_TYPE, payload: this.receiver }, rules: capsule });
        this.ctx.setHealth('healthy', `${rules.length} rule(s)`);
    }

    private evict(): void {
        while (this.cache.size > this.maxCacheSize) this.cache.delete(this.cache.keys().next().value!);
        this.size.set(this.cache.size);
    }

    private relabel(labels: Labels): Labels | null {
        const key = keyOf(labels);
        const cached = this.cache.get(key);
        if (cached !== undefined) {
            this.hits.inc();
            this.cache.delete(key);
            this.cache.set(key, cached);
            return cached;
        }
        this.misses.inc();
        const out = applyRulesToRecord(labels, this.rules ?? []);
        const result = out === undefined || Object.keys(out).length === 0 ? null : out;
        this.cache.set(key, result);
        this.evict();
        return result;
    }

    private append(entries: readonly LogEntry[]): void | Promise<void> {
        if (entries.length === 0) return;
        this.ctx.countIn(entries.length);
        this.processed.inc(entries.length);
        const out: LogEntry[] = [];
        for (const e of entries) {
            const labels = this.relabel(e.labels);
            if (labels !== null) out.push(labels === e.labels ? e : { ...e, labels });
        }
        if (out.length === 0) return;
        this.written.inc(out.length);
        this.ctx.countOut(out.length);
        return forwardEntries(this.forwardTo, out);
    }

    async stop(): Promise<void> {
        this.metrics.close();
    }
}

export const lokiRelabel: ComponentDefinition = {
    name: 'loki.relabel',
    schema: SCHEMA,
    create: (ctx) => new LokiRelabel(ctx),
};
