// flowlens against the real Prometheus and node_exporter: what prometheus.remote_write sends arrives
// series for series (staleness markers included); what prometheus.scrape reads from node_exporter
// and from Prometheus's own /metrics is what Prometheus itself reads from them; Prometheus scrapes
// flowlens's /metrics without an error and promtool accepts it. In CI the peers must be installed.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsReceiver } from '../../server/runtime/component.js';
import { labelsFromRecord, type Sample } from '../../server/runtime/protocols/labels.js';
import { STALE_NAN } from '../../server/runtime/protocols/staleness.js';
import type { Runtime } from '../../server/runtime/runtime.js';
import { freePort } from '../runtime/components/harness.js';
import { startRuntime } from '../runtime/helpers.js';
import { missingPeers, type Peer, promtoolCheckMetrics, query, series, startNodeExporter, startPrometheus, targets } from './peers.js';

const missing = missingPeers();
if (missing) {
    if (process.env.CI) throw new Error(`interop tests: ${missing}`);
    console.warn(`interop tests skipped: ${missing}`);
}

/** Polls `read` until `done` holds; on timeout fails with what was last read. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await read();
        if (done(value)) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value).slice(0, 2000)}`);
        await new Promise((r) => setTimeout(r, 200));
    }
}

const remoteWrite = (prometheus: Peer) => `
prometheus.remote_write "out" {
	endpoint {
		url = "${prometheus.url}/api/v1/write"

		queue_config {
			batch_send_deadline = "100ms"
		}
	}
}
`;

/** A label set without the labels that name who scraped it. */
function withoutJob(labels: Record<string, string>): string {
    const { job: _job, ...rest } = labels;
    return JSON.stringify(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

describe.skipIf(missing !== undefined)('interop with Prometheus 2.42 and node_exporter 1.5', () => {
    let prometheus: Peer;
    let nodeExporter: Peer;
    let flowlensMetricsPort: number;
    let rt: Runtime | undefined;

    beforeAll(async () => {
        nodeExporter = await startNodeExporter();
        flowlensMetricsPort = await freePort();
        prometheus = await startPrometheus((self) => [
            { job: 'node', target: `127.0.0.1:${nodeExporter.port}` },
            { job: 'prometheus', target: self },
            { job: 'flowlens', target: `127.0.0.1:${flowlensMetricsPort}` },
        ]);
    });
    afterEach(async () => {
        await rt?.stop('test done');
        rt = undefined;
    });
    afterAll(async () => {
        await prometheus?.stop();
        await nodeExporter?.stop();
    });

    it('remote_write: every series, label and value arrives, and a staleness marker ends a series', async () => {
        ({ rt } = await startRuntime({ 'main.alloy': `prometheus.relabel "in" {\n\tforward_to = [prometheus.remote_write.out.receiver]\n}\n${remoteWrite(prometheus)}` }));
        const receiver = (rt.exportsOf('prometheus.relabel.in')!.get('receiver') as { payload: MetricsReceiver }).payload;
        const at = Date.now() - 2000;
        const values = [0, 1.5, -0.25, 1e300, 5e-324, 42, 123456789.125, -7];
        const sent: Sample[] = values.map((value, i) => ({
            labels: labelsFromRecord({ __name__: 'flowlens_interop_total', i: String(i), text: `ünïcode ✓ "quoted" \\ ${i}`, team: i % 2 ? 'odd' : 'even' }),
            value,
            timestampMs: at,
        }));
        await receiver.appendSamples(sent);

        const got = await eventually(() => query(prometheus, 'flowlens_interop_total', at / 1000 + 1), (r) => r.length === values.length, 'every series in Prometheus');
        const byIndex = new Map(got.map((s) => [s.metric.i, s]));
        values.forEach((value, i) => {
            const s = byIndex.get(String(i))!;
            expect(s.metric).toEqual({ __name__: 'flowlens_interop_total', i: String(i), text: `ünïcode ✓ "quoted" \\ ${i}`, team: i % 2 ? 'odd' : 'even' });
            expect(Number(s.value[1])).toBe(value);
            expect(s.value[0]).toBe(at / 1000 + 1);
        });
        const labelSets = await series(prometheus, '{__name__="flowlens_interop_total"}');
        expect(labelSets.length).toBe(values.length);

        // A staleness marker on series 0: from then on Prometheus no longer returns it.
        const staleAt = at + 1000;
        await receiver.appendSamples([{ labels: sent[0].labels, value: STALE_NAN, timestampMs: staleAt }]);
        const after = await eventually(() => query(prometheus, 'flowlens_interop_total', staleAt / 1000 + 0.5), (r) => r.length === values.length - 1, 'series 0 to go stale');
        expect(after.map((s) => s.metric.i).sort()).toEqual(values.slice(1).map((_, i) => String(i + 1)).sort());
    });

    it('scrape: node_exporter and Prometheus /metrics give the series Prometheus itself scrapes', async () => {
        ({ rt } = await startRuntime({
            'main.alloy': `
prometheus.scrape "node" {
	targets         = [{"__address__" = "127.0.0.1:${nodeExporter.port}"}]
	job_name        = "flowlens_node"
	scrape_interval = "1s"
	scrape_timeout  = "1s"
	forward_to      = [prometheus.remote_write.out.receiver]
}

prometheus.scrape "prom" {
	targets         = [{"__address__" = "127.0.0.1:${prometheus.port}"}]
	job_name        = "flowlens_prometheus"
	scrape_interval = "1s"
	scrape_timeout  = "1s"
	forward_to      = [prometheus.remote_write.out.receiver]
}
${remoteWrite(prometheus)}`,
        }));

        // node_exporter's series are stable from scrape to scrape: the label sets must be equal.
        const nodeSets = async () => {
            const [own, ours] = await Promise.all([series(prometheus, '{job="node"}'), series(prometheus, '{job="flowlens_node"}')]);
            return { own: new Set(own.map(withoutJob)), ours: new Set(ours.map(withoutJob)) };
        };
        const node = await eventually(nodeSets, ({ own, ours }) => own.size > 100 && own.size === ours.size && [...own].every((s) => ours.has(s)), 'the same node_exporter series from both scrapers');
        expect([...node.ours].sort()).toEqual([...node.own].sort());

        // Constant series carry the same value.
        for (const name of ['node_memory_MemTotal_bytes', 'node_exporter_build_info']) {
            const values = await eventually(
                () => query(prometheus, `${name}{job=~"node|flowlens_node"}`),
                (r) => r.length >= 2,
                `${name} from both scrapers`,
            );
            const own = values.filter((v) => v.metric.job === 'node').map((v) => v.value[1]);
            const ours = values.filter((v) => v.metric.job === 'flowlens_node').map((v) => v.value[1]);
            expect(ours).toEqual(own);
        }

        // Prometheus's own /metrics gains series as it serves requests: compare metric names.
        const names = async (job: string) => new Set((await query(prometheus, `count by (__name__) ({job="${job}"})`)).map((r) => r.metric.__name__));
        const prom = await eventually(
            async () => ({ own: await names('prometheus'), ours: await names('flowlens_prometheus') }),
            ({ own, ours }) => own.size > 100 && own.size === ours.size && [...own].every((n) => ours.has(n)),
            'the same metric names from Prometheus /metrics',
        );
        expect([...prom.ours].sort()).toEqual([...prom.own].sort());
    });

    it("Prometheus scrapes flowlens's /metrics without an error, and promtool accepts it", async () => {
        ({ rt } = await startRuntime(
            {
                'main.alloy': `
prometheus.exporter.self "self" { }

prometheus.scrape "self" {
	targets         = prometheus.exporter.self.self.targets
	scrape_interval = "1s"
	scrape_timeout  = "1s"
	forward_to      = [prometheus.relabel.drop.receiver]
}

prometheus.relabel "drop" {
	forward_to = []
}
`,
            },
            { metricsAddress: `127.0.0.1:${flowlensMetricsPort}` },
        ));
        const target = await eventually(
            async () => (await targets(prometheus)).find((t) => t.labels.job === 'flowlens'),
            (t) => t?.health === 'up',
            'Prometheus to scrape flowlens',
        );
        expect(target!.lastError).toBe('');
        const scraped = await eventually(() => query(prometheus, 'scrape_samples_scraped{job="flowlens"}'), (r) => r.length === 1, 'scrape_samples_scraped');
        expect(Number(scraped[0].value[1])).toBeGreaterThan(50);

        const exposition = await (await fetch(`http://127.0.0.1:${flowlensMetricsPort}/metrics`)).text();
        const check = promtoolCheckMetrics(exposition);
        // promtool exits 1 on an exposition it cannot parse and 3 on lint problems. The only lint
        // problems allowed are those of metric names flowlens keeps exactly as Alloy's Go code
        // names them (counters without `_total`, a gauge named `_gauge`).
        const ALLOY_NAMES = new Set([
            'alloy_prometheus_relabel_cache_hits',
            'alloy_prometheus_relabel_cache_misses',
            'alloy_prometheus_relabel_metrics_processed',
            'alloy_prometheus_relabel_metrics_written',
            'prometheus_scrape_targets_gauge',
        ]);
        expect(check.status === 0 || check.status === 3, check.output).toBe(true);
        const problems = check.output.split('\n').filter((line) => line && !ALLOY_NAMES.has(line.split(' ')[0]));
        expect(problems).toEqual([]);
    });
});
