import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsReceiver } from '../../../server/runtime/component.js';
import { discoveryRelabel } from '../../../server/runtime/components/discovery/relabel.js';
import { prometheusRelabel } from '../../../server/runtime/components/prometheus/relabel.js';
import { hashmod } from '../../../server/runtime/protocols/relabel.js';
import { type Sample, labelsFromRecord } from '../../../server/runtime/protocols/labels.js';
import { STALE_NAN, isStaleNaN } from '../../../server/runtime/protocols/staleness.js';
import { body, labelsOf, metricValue, sampleSink, startComponent, stopAll, toValue } from './harness.js';
import { toJs } from '../../../language/eval/value.js';

afterEach(stopAll);

const rule = (attrs: Record<string, unknown>) => body(attrs);
const sample = (labels: Record<string, string>, value = 1, ts = 1000): Sample => ({ labels: labelsFromRecord(labels), value, timestampMs: ts });

async function relabel(rules: Record<string, unknown>[], input: Record<string, string>[]) {
    const sink = sampleSink();
    const r = await startComponent(prometheusRelabel, body({ forward_to: [sink.value] }, { rule: rules.map(rule) }));
    const receiver = r.ctx.exportPayload<MetricsReceiver>('receiver');
    await receiver.appendSamples(input.map((l) => sample(l)));
    await r.stop();
    return sink.samples.map(labelsOf);
}

describe('prometheus.relabel', () => {
    it('exports a receiver and the compiled rules, and forwards relabeled samples in one batch', async () => {
        const sink = sampleSink();
        const r = await startComponent(prometheusRelabel, body({ forward_to: [sink.value] }, { rule: [rule({ source_labels: ['env'], target_label: 'environment' })] }));
        expect(r.ctx.exports!.receiver).toMatchObject({ kind: 'capsule', type: 'MetricsReceiver' });
        expect(r.ctx.exports!.rules).toMatchObject({ kind: 'capsule', type: 'RelabelRules' });
        const receiver = r.ctx.exportPayload<MetricsReceiver>('receiver');
        const input = [sample({ __name__: 'a', env: 'prod' }, 1), sample({ __name__: 'b', env: 'dev' }, 2)];
        await receiver.appendSamples(input);
        expect(sink.batches).toEqual([2]);
        expect(sink.samples.map(labelsOf)).toEqual([
            { __name__: 'a', env: 'prod', environment: 'prod' },
            { __name__: 'b', env: 'dev', environment: 'dev' },
        ]);
        expect(sink.samples.map((s) => [s.value, s.timestampMs])).toEqual([
            [1, 1000],
            [2, 1000],
        ]);
        // Input samples are never mutated.
        expect(labelsOf(input[0])).toEqual({ __name__: 'a', env: 'prod' });
        expect(await metricValue(r.ctx.registry, 'alloy_prometheus_relabel_metrics_processed', { component_id: 'prometheus.relabel.test' })).toBe(2);
        expect(await metricValue(r.ctx.registry, 'alloy_prometheus_relabel_metrics_written', { component_id: 'prometheus.relabel.test' })).toBe(2);
        expect(r.ctx.counts).toMatchObject({ in: 2, out: 2 });
    });

    it('replace (with capture groups and target templates)', async () => {
        expect(await relabel([{ source_labels: ['__name__', 'code'], separator: '_', regex: '(.+)_(\\d)\\d\\d', target_label: 'class_$2', replacement: '${2}xx' }], [{ __name__: 'http', code: '503' }])).toEqual([
            { __name__: 'http', code: '503', class_5: '5xx' },
        ]);
    });

    it('keep and drop', async () => {
        const input: Record<string, string>[] = [{ __name__: 'a', env: 'prod' }, { __name__: 'b', env: 'dev' }, { __name__: 'c' }];
        expect(await relabel([{ source_labels: ['env'], regex: 'prod', action: 'keep' }], input)).toEqual([{ __name__: 'a', env: 'prod' }]);
        expect(await relabel([{ source_labels: ['env'], regex: 'dev|', action: 'drop' }], input)).toEqual([{ __name__: 'a', env: 'prod' }]);
    });

    it('keepequal and dropequal', async () => {
        const input = [{ __name__: 'a', x: '1', y: '1' }, { __name__: 'b', x: '1', y: '2' }];
        expect(await relabel([{ source_labels: ['x'], target_label: 'y', action: 'keepequal' }], input)).toEqual([{ __name__: 'a', x: '1', y: '1' }]);
        expect(await relabel([{ source_labels: ['x'], target_label: 'y', action: 'dropequal' }], input)).toEqual([{ __name__: 'b', x: '1', y: '2' }]);
    });

    it('hashmod', async () => {
        const [out] = await relabel([{ source_labels: ['instance'], modulus: 8, target_label: 'shard', action: 'hashmod' }], [{ __name__: 'a', instance: 'host:9100' }]);
        expect(out.shard).toBe(hashmod('host:9100', 8n));
        expect(Number(out.shard)).toBeLessThan(8);
    });

    it('labelmap, labeldrop and labelkeep', async () => {
        const input = [{ __name__: 'a', __meta_pod: 'p1', __meta_ns: 'n1', tmp_x: 'y' }];
        expect(await relabel([{ regex: '__meta_(.+)', replacement: 'k8s_$1', action: 'labelmap' }], input)).toEqual([
            { __name__: 'a', __meta_pod: 'p1', __meta_ns: 'n1', tmp_x: 'y', k8s_pod: 'p1', k8s_ns: 'n1' },
        ]);
        expect(await relabel([{ regex: '__meta_.*|tmp_.*', action: 'labeldrop' }], input)).toEqual([{ __name__: 'a' }]);
        expect(await relabel([{ regex: '__name__|tmp_.*', action: 'labelkeep' }], input)).toEqual([{ __name__: 'a', tmp_x: 'y' }]);
    });

    it('lowercase and uppercase', async () => {
        expect(await relabel([{ source_labels: ['env'], target_label: 'env_lower', action: 'lowercase' }, { source_labels: ['env'], target_label: 'env_upper', action: 'UpperCase' }], [{ __name__: 'a', env: 'Prod' }])).toEqual([
            { __name__: 'a', env: 'Prod', env_lower: 'prod', env_upper: 'PROD' },
        ]);
    });

    it('passes staleness markers through and drops samples left without labels', async () => {
        const sink = sampleSink();
        const r = await startComponent(prometheusRelabel, body({ forward_to: [sink.value] }, { rule: [rule({ regex: '.*', action: 'labeldrop' })] }));
        const receiver = r.ctx.exportPayload<MetricsReceiver>('receiver');
        await receiver.appendSamples([sample({ __name__: 'a' })]);
        expect(sink.samples).toEqual([]);
        const sink2 = sampleSink();
        const r2 = await startComponent(prometheusRelabel, body({ forward_to: [sink2.value] }), { label: 'two' });
        await r2.ctx.exportPayload<MetricsReceiver>('receiver').appendSamples([sample({ __name__: 'a' }, STALE_NAN)]);
        expect(isStaleNaN(sink2.samples[0].value)).toBe(true);
    });

    it('keeps the same receiver across updates and applies new rules at once', async () => {
        const sink = sampleSink();
        const r = await startComponent(prometheusRelabel, body({ forward_to: [sink.value] }, { rule: [rule({ target_label: 'v', replacement: '1' })] }));
        const receiver = r.ctx.exportPayload<MetricsReceiver>('receiver');
        await r.component.update(body({ forward_to: [sink.value] }, { rule: [rule({ target_label: 'v', replacement: '2' })] }));
        expect(r.ctx.exportPayload<MetricsReceiver>('receiver')).toBe(receiver);
        await receiver.appendSamples([sample({ __name__: 'a' })]);
        expect(labelsOf(sink.samples[0]).v).toBe('2');
    });

    it('propagates asynchronous downstream failures and counts pending samples meanwhile', async () => {
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const sink = sampleSink(async () => {
            await gate;
            throw new Error('downstream broke');
        });
        const r = await startComponent(prometheusRelabel, body({ forward_to: [sink.value] }));
        const p = r.ctx.exportPayload<MetricsReceiver>('receiver').appendSamples([sample({ __name__: 'a' }), sample({ __name__: 'b' })]);
        expect(r.component.pending!()).toBe(2);
        release();
        await expect(p).rejects.toThrow('downstream broke');
        expect(r.component.pending!()).toBe(0);
        expect(r.ctx.counts.errors).toBe(1);
    });

    it('refuses invalid rules with the rule index', async () => {
        const sink = sampleSink();
        await expect(startComponent(prometheusRelabel, body({ forward_to: [sink.value] }, { rule: [rule({ target_label: 'y' }), rule({ action: 'hashmod', target_label: 'x' })] }))).rejects.toThrow('rule[1]: hashmod requires modulus to be a positive integer');
        await expect(startComponent(prometheusRelabel, body({ forward_to: [sink.value] }, { rule: [rule({ regex: '(', target_label: 'y' })] }))).rejects.toThrow(/rule\[0\]: invalid regex/);
        await expect(startComponent(prometheusRelabel, body({ forward_to: [sink.value] }, { rule: [rule({ action: 'explode' })] }))).rejects.toThrow(/rule\[0\]: unknown action "explode"/);
    });

    it('stop() removes its metrics', async () => {
        const sink = sampleSink();
        const r = await startComponent(prometheusRelabel, body({ forward_to: [sink.value] }));
        await r.ctx.exportPayload<MetricsReceiver>('receiver').appendSamples([sample({ __name__: 'a' })]);
        expect(await r.ctx.registry.metrics()).toContain('alloy_prometheus_relabel_metrics_processed');
        await r.stop();
        expect(await r.ctx.registry.metrics()).not.toContain('prometheus.relabel.test');
    });
});

describe('discovery.relabel', () => {
    it('rewrites targets and exports output and rules', async () => {
        const r = await startComponent(
            discoveryRelabel,
            body(
                {
                    targets: [
                        { __address__: 'a:9100', __meta_kubernetes_pod_name: 'pod-a', env: 'prod' },
                        { __address__: 'b:9100', __meta_kubernetes_pod_name: 'pod-b', env: 'dev' },
                    ],
                },
                {
                    rule: [
                        rule({ source_labels: ['env'], regex: 'prod', action: 'keep' }),
                        rule({ source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' }),
                        rule({ regex: '__meta_.*', action: 'labeldrop' }),
                    ],
                },
            ),
        );
        expect(toJs(r.ctx.exports!.output)).toEqual([{ __address__: 'a:9100', env: 'prod', pod: 'pod-a' }]);
        expect(r.ctx.exports!.rules).toMatchObject({ kind: 'capsule', type: 'RelabelRules' });
        expect(r.ctx.health.message).toBe('1 of 2 target(s) kept');
    });

    it('passes targets through without rules and refuses non-string values', async () => {
        const r = await startComponent(discoveryRelabel, body({ targets: [{ __address__: 'x:1' }] }));
        expect(toJs(r.ctx.exports!.output)).toEqual([{ __address__: 'x:1' }]);
        await expect(startComponent(discoveryRelabel, body({ targets: toValue([{ __address__: 1 }]) }), { label: 'bad' })).rejects.toThrow('targets[0]["__address__"]: expected string, got number 1');
    });
});
