// prometheus.exporter.unix: the cost of one collection of the collectors flowlens implements
// (in process, and one scrape of its endpoint over loopback), per collector, and for scale the
// same scrape of node_exporter when it is installed.

import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { IMPLEMENTED } from '../../server/runtime/components/prometheus/exporter-unix/collectors.js';
import { prometheusExporterUnix } from '../../server/runtime/components/prometheus/exporter-unix/component.js';
import { ExpositionParser } from '../../server/runtime/protocols/exposition.js';
import { body, startComponent, stopAll } from '../../test/runtime/components/harness.js';
import { median, percentile, table } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);

async function timeAsync(fn: () => Promise<unknown>, runs = RUNS, warmup = 20): Promise<number[]> {
    for (let i = 0; i < warmup; i++) await fn();
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await fn();
        times.push(performance.now() - t0);
    }
    return times;
}

const ms = (v: number) => v.toFixed(2);

async function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const server = net.createServer().listen(0, '127.0.0.1', () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Median and p95 ms of a scrape of node_exporter with the same collectors, or undefined when it is not installed. */
async function nodeExporterScrape(): Promise<number[] | undefined> {
    if (spawnSync('sh', ['-c', 'command -v prometheus-node-exporter']).status !== 0) return undefined;
    const port = await freePort();
    const child = spawn('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', ...IMPLEMENTED.map((c) => `--collector.${c}`), '--no-collector.cpu.guest', '--no-collector.netdev.netlink'], { stdio: 'ignore' });
    const url = `http://127.0.0.1:${port}/metrics`;
    try {
        for (let i = 0; !(await fetch(url).then((r) => r.ok, () => false)); i++) {
            if (i > 300) return undefined;
            await new Promise((r) => setTimeout(r, 20));
        }
        return await timeAsync(() => fetch(url).then((r) => r.text()));
    } finally {
        child.kill('SIGTERM');
    }
}

export async function benchExporterUnix(): Promise<string> {
    const r = await startComponent(prometheusExporterUnix, body({ set_collectors: [...IMPLEMENTED] }));
    const exporter = r.component as unknown as { collect(): Promise<{ text: string; series: number }> };
    const first = await exporter.collect();
    const inProcess = await timeAsync(() => exporter.collect());
    const target = r.ctx.exports!.targets;
    const fields = target.kind === 'array' && target.items[0].kind === 'object' ? target.items[0].fields : new Map();
    const url = `http://${(fields.get('__address__') as { value: string }).value}${(fields.get('__metrics_path__') as { value: string }).value}`;
    const overHttp = await timeAsync(() => fetch(url).then((res) => res.text()));
    // Per collector: the page's own node_scrape_collector_duration_seconds, over the last runs.
    const perCollector = new Map<string, number[]>();
    for (let i = 0; i < 50; i++) {
        const { samples } = new ExpositionParser().parse((await exporter.collect()).text, 0);
        for (const s of samples) {
            const rec = Object.fromEntries(s.labels.map((l) => [l.name, l.value]));
            if (rec.__name__ === 'node_scrape_collector_duration_seconds') perCollector.set(rec.collector, [...(perCollector.get(rec.collector) ?? []), s.value * 1000]);
        }
    }
    await stopAll();
    const theirs = await nodeExporterScrape();
    const rows = [
        { measure: `one collection, in process (${first.series} series, ${IMPLEMENTED.length} collectors)`, 'median ms': ms(median(inProcess)), 'p95 ms': ms(percentile(inProcess, 95)) },
        { measure: 'one scrape of its endpoint over loopback', 'median ms': ms(median(overHttp)), 'p95 ms': ms(percentile(overHttp, 95)) },
        ...(theirs ? [{ measure: 'node_exporter, same collectors, one scrape', 'median ms': ms(median(theirs)), 'p95 ms': ms(percentile(theirs, 95)) }] : []),
    ];
    const collectors = [...perCollector].sort((a, b) => median(b[1]) - median(a[1])).map(([c, v]) => ({ collector: c, 'median ms (concurrent)': ms(median(v)) }));
    return `${table(rows)}\n\n${table(collectors)}`;
}
