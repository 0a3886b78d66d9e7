// The embedded runtime, end to end through real components on loopback:
// samples/s through relabel → remote_write → receive_http (batches of 500),
// with and without tracing; spans/s through an OTLP receiver → batch →
// exporter pipeline; /metrics render time at 10k and 100k series.

import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Gauge } from 'prom-client';
import type { MetricsReceiver } from '../../server/runtime/component.js';
import { labelsFromRecord, type Sample } from '../../server/runtime/protocols/labels.js';
import { Runtime } from '../../server/runtime/runtime.js';
import { median, table } from './stats.js';

const BATCH = 500;
const SERIES = 10_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

async function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const server = net.createServer().listen(0, '127.0.0.1', () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

function writeConfig(dir: string, name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
}

const tick = () => new Promise((r) => setImmediate(r));

/** Pushes batches into the first relabel for `seconds` and returns the samples/s that reached the sink. */
async function samplesPerSecond(dir: string, tracing: boolean, seconds = SECONDS): Promise<number> {
    const port = await freePort();
    const file = writeConfig(
        dir,
        `metrics-${tracing}.alloy`,
        `prometheus.relabel "in" {
	forward_to = [prometheus.remote_write.out.receiver]

	rule {
		source_labels = ["__name__"]
		regex         = "drop_.*"
		action        = "drop"
	}

	rule {
		target_label = "cluster"
		replacement  = "local"
	}
}

prometheus.remote_write "out" {
	endpoint {
		url = "http://127.0.0.1:${port}/api/v1/metrics/write"

		queue_config {
			capacity             = 100000
			max_samples_per_send = ${BATCH}
			batch_send_deadline  = "5ms"
		}
	}
}

prometheus.receive_http "in" {
	http {
		listen_address = "127.0.0.1"
		listen_port    = ${port}
	}
	forward_to = [prometheus.relabel.sink.receiver]
}

prometheus.relabel "sink" {
	forward_to = []
}
`,
    );
    const spansFile = path.join(dir, `spans-${tracing}.jsonl`);
    const runtime = await Runtime.start({ path: file, spansFile: tracing ? spansFile : undefined });
    try {
        const receiver = (runtime.exportsOf('prometheus.relabel.in')!.get('receiver') as { payload: MetricsReceiver }).payload;
        const labelSets = Array.from({ length: SERIES }, (_, i) =>
            labelsFromRecord({ __name__: 'http_requests_total', instance: `10.0.${i % 256}.${(i >> 8) % 256}:9100`, job: 'node', path: `/api/v${i % 50}`, code: String(200 + (i % 5)) }),
        );
        const sinkIn = () => runtime.metricsSnapshot().components.find((c) => c.globalId === 'prometheus.relabel.sink')?.samplesIn ?? 0;
        const queued = () => runtime.metricsSnapshot().components.find((c) => c.globalId === 'prometheus.remote_write.out')?.queueDepth ?? 0;
        let produced = 0;
        let cursor = 0;
        let backlog = 0;
        const start = performance.now();
        const end = start + seconds * 1000;
        for (let round = 0; performance.now() < end; round++) {
            // A snapshot of all components costs more than a batch: look at the queue now and then.
            if (round % 50 === 0) backlog = queued() ?? 0;
            if (backlog > 20_000) {
                await new Promise((r) => setTimeout(r, 1));
                backlog = queued() ?? 0;
                continue;
            }
            const ts = Date.now();
            const batch: Sample[] = new Array(BATCH);
            for (let i = 0; i < BATCH; i++) batch[i] = { labels: labelSets[(cursor + i) % SERIES], value: produced + i, timestampMs: ts };
            cursor = (cursor + BATCH) % SERIES;
            await receiver.appendSamples(batch);
            produced += BATCH;
            await tick();
        }
        while (sinkIn() < produced && performance.now() < end + 5000) await new Promise((r) => setTimeout(r, 5));
        return sinkIn() / ((performance.now() - start) / 1000);
    } finally {
        await runtime.stop('bench done');
    }
}

/** Posts OTLP JSON batches to the receiver and counts spans reaching the exporter. */
async function spansPerSecond(dir: string): Promise<number> {
    const port = await freePort();
    const file = writeConfig(
        dir,
        'traces.alloy',
        `otelcol.receiver.otlp "in" {
	http {
		endpoint = "127.0.0.1:${port}"
	}

	output {
		traces = [otelcol.processor.batch.b.input]
	}
}

otelcol.processor.batch "b" {
	timeout         = "50ms"
	send_batch_size = 2000

	output {
		traces = [otelcol.exporter.debug.out.input]
	}
}

otelcol.exporter.debug "out" {
	verbosity = "basic"
}
`,
    );
    const runtime = await Runtime.start({ path: file });
    try {
        const spansPerRequest = 1000;
        const body = JSON.stringify({
            resourceSpans: [
                {
                    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] },
                    scopeSpans: [
                        {
                            scope: { name: 'bench' },
                            spans: Array.from({ length: spansPerRequest }, (_, i) => ({
                                traceId: (i + 1).toString(16).padStart(32, '0'),
                                spanId: (i + 1).toString(16).padStart(16, '0'),
                                name: `op-${i % 20}`,
                                kind: 2,
                                startTimeUnixNano: '1700000000000000000',
                                endTimeUnixNano: '1700000000001000000',
                                attributes: [{ key: 'http.route', value: { stringValue: `/r/${i % 50}` } }],
                            })),
                        },
                    ],
                },
            ],
        });
        const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
        const post = () =>
            new Promise<void>((resolve, reject) => {
                const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
                    res.resume();
                    res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
                });
                req.on('error', reject);
                req.end(body);
            });
        const exported = () => runtime.metricsSnapshot().components.find((c) => c.globalId === 'otelcol.exporter.debug.out')?.samplesIn ?? 0;
        const start = performance.now();
        const end = start + SECONDS * 1000;
        let sent = 0;
        const worker = async () => {
            while (performance.now() < end) {
                await post();
                sent += spansPerRequest;
            }
        };
        await Promise.all([worker(), worker(), worker(), worker()]);
        while (exported() < sent && performance.now() < end + 5000) await new Promise((r) => setTimeout(r, 5));
        const rate = exported() / ((performance.now() - start) / 1000);
        agent.destroy();
        return rate;
    } finally {
        await runtime.stop('bench done');
    }
}

/** Median time of GET /metrics with `series` extra series in the runtime's registry. */
async function metricsRenderMs(dir: string, series: number): Promise<number> {
    const file = writeConfig(dir, 'empty.alloy', 'prometheus.relabel "idle" {\n\tforward_to = []\n}\n');
    const runtime = await Runtime.start({ path: file, metricsAddress: '127.0.0.1:0' });
    try {
        const gauge = new Gauge({ name: `bench_series_${series}`, help: 'benchmark series', labelNames: ['component_id', 'instance'], registers: [runtime.metrics.registry] });
        for (let i = 0; i < series; i++) gauge.set({ component_id: `c${i % 100}`, instance: `i${i}` }, i);
        const times: number[] = [];
        for (let i = 0; i < 12; i++) {
            const t = performance.now();
            const res = await fetch(runtime.metricsUrl!);
            await res.text();
            times.push(performance.now() - t);
        }
        return median(times.slice(2));
    } finally {
        await runtime.stop('bench done');
    }
}

/** The median of the runs, and their range. */
function rates(runs: readonly number[]): string {
    const k = (n: number) => `${Math.round(n / 1000)}k`;
    return `${Math.round(median(runs)).toLocaleString('en')} (${k(Math.min(...runs))}–${k(Math.max(...runs))})`;
}

export async function benchRuntime(): Promise<string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowlens-bench-rt-'));
    try {
        // A short warm-up run (JIT), then runs with and without tracing alternately, so a busy
        // moment of the machine does not land on one side only; medians are reported.
        await samplesPerSecond(dir, false, 2);
        const plainRates: number[] = [];
        const tracedRates: number[] = [];
        for (let i = 0; i < 3; i++) {
            plainRates.push(await samplesPerSecond(dir, false));
            tracedRates.push(await samplesPerSecond(dir, true));
        }
        const plain = median(plainRates);
        const traced = median(tracedRates);
        const spans = await spansPerSecond(dir);
        const m10k = await metricsRenderMs(dir, 10_000);
        const m100k = await metricsRenderMs(dir, 100_000);
        return table([
            {
                'samples/s (no tracing)': rates(plainRates),
                'samples/s (tracing to JSONL)': rates(tracedRates),
                'tracing cost': `${(((plain - traced) / plain) * 100).toFixed(1)} %`,
                'spans/s (OTLP → batch → debug)': Math.round(spans).toLocaleString('en'),
                '/metrics 10k series ms': m10k.toFixed(1),
                '/metrics 100k series ms': m100k.toFixed(1),
            },
        ]);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
