// Components wired together the way a configuration wires them, on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsReceiver } from '../../../server/runtime/component.js';
import { prometheusExporterSelf } from '../../../server/runtime/components/prometheus/exporter-self.js';
import { prometheusReceiveHttp } from '../../../server/runtime/components/prometheus/receive-http.js';
import { prometheusRelabel } from '../../../server/runtime/components/prometheus/relabel.js';
import { prometheusRemoteWrite } from '../../../server/runtime/components/prometheus/remote-write.js';
import { prometheusScrape } from '../../../server/runtime/components/prometheus/scrape.js';
import { type Sample, labelsFromRecord } from '../../../server/runtime/protocols/labels.js';
import { body, labelsOf, sampleSink, startComponent, stopAll, waitFor } from './harness.js';
import { Registry } from 'prom-client';

afterEach(stopAll);

async function chain(registry: Registry) {
    const sink = sampleSink();
    const receive = await startComponent(prometheusReceiveHttp, body({ forward_to: [sink.value] }, { http: body({ listen_port: 0 }) }), { registry, label: 'in' });
    const url = (receive.component as unknown as { url: string }).url + '/api/v1/metrics/write';
    const write = await startComponent(prometheusRemoteWrite, body({ external_labels: { source: 'flowlens' } }, { endpoint: body({ url }, { queue_config: body({ batch_send_deadline: '20ms', max_samples_per_send: 500 }) }) }), { registry, label: 'out' });
    const relabel = await startComponent(
        prometheusRelabel,
        body({ forward_to: [write.ctx.exports!.receiver] }, { rule: [body({ source_labels: ['__name__'], regex: 'drop_.*', action: 'drop' }), body({ target_label: 'stage', replacement: 'relabeled' })] }),
        { registry, label: 'rl' },
    );
    return { sink, receive, write, relabel };
}

describe('metrics pipeline on loopback', () => {
    it('relabel → remote_write → receive_http delivers every kept sample, and pending() drains to 0', async () => {
        const registry = new Registry();
        const { sink, write, relabel, receive } = await chain(registry);
        const receiver = relabel.ctx.exportPayload<MetricsReceiver>('receiver');
        const batch = (k: number): Sample[] =>
            Array.from({ length: 500 }, (_, i) => ({ labels: labelsFromRecord({ __name__: i % 10 === 0 ? 'drop_me' : 'keep_me', i: String(i), k: String(k) }), value: i, timestampMs: 1000 + k }));
        for (let k = 0; k < 20; k++) await receiver.appendSamples(batch(k));
        await waitFor(() => write.component.pending!() === 0 && receive.component.pending!() === 0, 10_000, 'pipeline drained');
        expect(sink.samples.length).toBe(20 * 450);
        expect(labelsOf(sink.samples[0])).toEqual({ __name__: 'keep_me', i: '1', k: '0', stage: 'relabeled', source: 'flowlens' });
        expect(sink.samples.every((s) => labelsOf(s).__name__ === 'keep_me')).toBe(true);
    });

    it('self-scrape → relabel → remote_write → receive_http (the examples/ pipeline) in one registry', async () => {
        const registry = new Registry();
        const { sink, relabel } = await chain(registry);
        const self = await startComponent(prometheusExporterSelf, body(), { registry, label: 'self' });
        await startComponent(prometheusScrape, body({ targets: self.ctx.exports!.targets, forward_to: [relabel.ctx.exports!.receiver], scrape_interval: '100ms' }), { registry, label: 'self' });
        await waitFor(() => sink.samples.some((s) => labelsOf(s).__name__ === 'prometheus_remote_storage_samples_total'), 10_000, 'remote_write metrics scraped back');
        const up = sink.samples.find((s) => labelsOf(s).__name__ === 'up')!;
        expect(labelsOf(up)).toEqual({ __name__: 'up', instance: 'flowlens.internal:12345', job: 'integrations/self', source: 'flowlens', stage: 'relabeled' });
        expect(up.value).toBe(1);
    });
});
