// prometheus.relabel: applies `rule` blocks to every sample it receives and
// forwards what is left to `forward_to`. On the benchmark hot path: one pass
// over the batch, cached rule results (Relabeler), one metric update per batch,
// and no async hop unless a downstream receiver is asynchronous.

import type { Component, ComponentContext, ComponentDefinition, ArgumentBody, MetricsReceiver } from '../../component.js';
import { METRICS_RECEIVER_TYPE } from '../../component.js';
import type { Sample } from '../../protocols/labels.js';
import { Relabeler } from '../../protocols/relabel.js';
import { Args, RULE_ATTRIBUTES, attr, block, isMetricsReceiver, schema } from '../decode.js';
import { CountedForward, forwardSamples } from '../fanout.js';
import { type CounterHandle, FORWARDED_SAMPLES, InstanceMetrics } from '../metrics.js';
import { RulesExport } from '../relabel-rules.js';

const SCHEMA = schema(
    [
        attr('forward_to', 'list(MetricsReceiver)', true),
        // Accepted and ignored: flowlens caches rule results by label-set identity instead of Alloy's
        // LRU; the sizes only tune memory, never the result.
        attr('max_cache_size', 'int'),
        attr('cache_ttl', 'duration'),
    ],
    [block('rule', false, RULE_ATTRIBUTES)],
    [
        { name: 'receiver', type: 'MetricsReceiver' },
        { name: 'rules', type: 'RelabelRules' },
    ],
);

class PrometheusRelabel implements Component {
    private relabeler = new Relabeler([]);
    private forwardTo: MetricsReceiver[] = [];
    private readonly metrics: InstanceMetrics;
    private readonly processed: CounterHandle;
    private readonly written: CounterHandle;
    private readonly forwarded: CounterHandle;
    private readonly cacheHits: CounterHandle;
    private readonly cacheMisses: CounterHandle;
    private readonly forwarding: CountedForward;
    private readonly receiver: MetricsReceiver;
    private readonly rulesExport = new RulesExport();

    constructor(private readonly ctx: ComponentContext) {
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.processed = this.metrics.counter({ name: 'alloy_prometheus_relabel_metrics_processed', help: 'Total number of metrics processed.', type: 'counter' });
        this.written = this.metrics.counter({ name: 'alloy_prometheus_relabel_metrics_written', help: 'Total number of metrics written.', type: 'counter' });
        this.cacheHits = this.metrics.counter({ name: 'alloy_prometheus_relabel_cache_hits', help: 'Total number of relabel results served from the cache.', type: 'counter' });
        this.cacheMisses = this.metrics.counter({ name: 'alloy_prometheus_relabel_cache_misses', help: 'Total number of label sets the rules were evaluated for.', type: 'counter' });
        this.forwarded = this.metrics.counter(FORWARDED_SAMPLES);
        this.forwarding = new CountedForward(ctx);
        this.receiver = { appendSamples: (samples) => this.append(samples) };
    }

    update(body: ArgumentBody): void {
        const args = Args.of('prometheus.relabel', SCHEMA, body);
        const forwardTo = args.capsules('forward_to', METRICS_RECEIVER_TYPE, isMetricsReceiver);
        args.int('max_cache_size', 100_000, 0);
        args.duration('cache_ttl', 0);
        const { rules, capsule } = this.rulesExport.decode(args);
        this.relabeler = new Relabeler(rules);
        this.forwardTo = forwardTo;
        this.ctx.setExports({
            receiver: { kind: 'capsule', type: METRICS_RECEIVER_TYPE, payload: this.receiver },
            rules: capsule,
        });
        this.ctx.setHealth('healthy', `${rules.length} rule(s)`);
    }

    private append(samples: readonly Sample[]): void | Promise<void> {
        const n = samples.length;
        if (n === 0) return;
        const relabeler = this.relabeler;
        const hits0 = relabeler.hits;
        const misses0 = relabeler.misses;
        const out: Sample[] = [];
        for (let i = 0; i < n; i++) {
            const s = samples[i];
            const labels = relabeler.apply(s.labels);
            if (labels === undefined || labels.length === 0) continue;
            out.push(labels === s.labels ? s : { labels, value: s.value, timestampMs: s.timestampMs });
        }
        this.ctx.countIn(n);
        this.processed.inc(n);
        this.cacheHits.inc(relabeler.hits - hits0);
        this.cacheMisses.inc(relabeler.misses - misses0);
        if (out.length === 0) return;
        this.written.inc(out.length);
        const result = this.forwarding.send(out.length, () => forwardSamples(this.forwardTo, out));
        this.forwarded.inc(out.length);
        return result;
    }

    pending(): number {
        return this.forwarding.pending;
    }

    async stop(): Promise<void> {
        this.metrics.close();
    }
}

export const prometheusRelabel: ComponentDefinition = {
    name: 'prometheus.relabel',
    schema: SCHEMA,
    create: (ctx) => new PrometheusRelabel(ctx),
};
