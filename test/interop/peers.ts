// The real Prometheus and node_exporter as test peers (Debian's `prometheus` 2.42 and
// `prometheus-node-exporter` 1.5, which .ci/run installs). Each runs on a free loopback port
// with its own data directory, and is stopped by the test that started it.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../runtime/components/harness.js';

const PROMETHEUS = 'prometheus';
const NODE_EXPORTER = 'prometheus-node-exporter';

/** Why the peers can't run here (a binary missing), or undefined when they can. */
export function missingPeers(): string | undefined {
    const missing = [PROMETHEUS, 'promtool', NODE_EXPORTER].filter((bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0);
    return missing.length ? `${missing.join(', ')} not installed (apt-get install prometheus prometheus-node-exporter; .ci/run does)` : undefined;
}

export interface Peer {
    readonly url: string;
    readonly port: number;
    stop(): Promise<void>;
}

async function startProcess(bin: string, port: number, args: string[], readyPath: string, cleanup?: () => void): Promise<Peer> {
    const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    let exited = false;
    const exit = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
    const url = `http://127.0.0.1:${port}`;
    // Readiness is the peer answering its ready endpoint: poll it until it does or the process exits.
    const deadline = Date.now() + 30_000;
    while (!exited && !(await fetch(url + readyPath).then((r) => r.ok, () => false))) {
        if (Date.now() > deadline) throw new Error(`${bin} did not answer ${readyPath} within 30 s`);
        await new Promise((r) => setTimeout(r, 50));
    }
    if (exited) throw new Error(`${bin} exited at start: ${stderr.trim().split('\n').pop()}`);
    return {
        url,
        port,
        async stop() {
            if (!exited) child.kill('SIGTERM');
            await exit;
            cleanup?.();
        },
    };
}

/** node_exporter with its default collectors, or with the collector flags given. */
export async function startNodeExporter(flags: readonly string[] = []): Promise<Peer> {
    const port = await freePort();
    return startProcess(NODE_EXPORTER, port, [`--web.listen-address=127.0.0.1:${port}`, ...flags], '/metrics');
}

export interface ScrapeJob {
    readonly job: string;
    readonly target: string;
}

/** Prometheus with the remote-write receiver on, scraping `jobs` (given its own address) every second. */
export async function startPrometheus(jobs: (self: string) => readonly ScrapeJob[]): Promise<Peer> {
    const port = await freePort();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'flowlens-prometheus-'));
    const config = ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1m', 'scrape_configs:'];
    for (const j of jobs(`127.0.0.1:${port}`)) config.push(`  - job_name: ${j.job}`, '    static_configs:', `      - targets: ['${j.target}']`);
    writeFileSync(path.join(dir, 'prometheus.yml'), config.join('\n') + '\n');
    return startProcess(
        PROMETHEUS,
        port,
        [
            `--config.file=${path.join(dir, 'prometheus.yml')}`,
            `--storage.tsdb.path=${path.join(dir, 'data')}`,
            `--web.listen-address=127.0.0.1:${port}`,
            '--web.enable-remote-write-receiver',
            '--log.level=warn',
        ],
        '/-/ready',
        () => rmSync(dir, { recursive: true, force: true }),
    );
}

export interface SeriesResult {
    readonly metric: Record<string, string>;
    readonly value: [number, string];
}

/** An instant query; throws with Prometheus's error when it fails. */
export async function query(prometheus: Peer, promql: string, time?: number): Promise<SeriesResult[]> {
    const params = new URLSearchParams({ query: promql });
    if (time !== undefined) params.set('time', String(time));
    const res = await fetch(`${prometheus.url}/api/v1/query?${params}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { result: SeriesResult[] } };
    if (body.status !== 'success') throw new Error(`query ${promql}: ${body.error}`);
    return body.data!.result;
}

/** The label sets of the series that match `selector` (over the last 5 minutes). */
export async function series(prometheus: Peer, selector: string): Promise<Record<string, string>[]> {
    const res = await fetch(`${prometheus.url}/api/v1/series?${new URLSearchParams({ 'match[]': selector, start: String(Date.now() / 1000 - 300) })}`);
    const body = (await res.json()) as { status: string; error?: string; data?: Record<string, string>[] };
    if (body.status !== 'success') throw new Error(`series ${selector}: ${body.error}`);
    return body.data!;
}

export interface TargetHealth {
    readonly labels: Record<string, string>;
    readonly health: string;
    readonly lastError: string;
    readonly lastScrape: string;
}

export async function targets(prometheus: Peer): Promise<TargetHealth[]> {
    const res = await fetch(`${prometheus.url}/api/v1/targets?state=active`);
    const body = (await res.json()) as { data: { activeTargets: TargetHealth[] } };
    return body.data.activeTargets;
}

/** Runs `promtool check metrics` on an exposition; its exit code and what it printed. */
export function promtoolCheckMetrics(exposition: string): { status: number | null; output: string } {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
    return { status: r.status, output: (r.stdout + r.stderr).trim() };
}
