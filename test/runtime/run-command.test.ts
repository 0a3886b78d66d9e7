// `flowlens run`: exit codes, the line-per-event output off a terminal, the
// status line on one, the summary, --for / --pause-after / --grace, and
// signals (one orderly stop however many arrive).

import { execFile, spawnSync } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CLI, killLeftovers, scratchWithComponents, spawnChild } from './child.js';
import { waitFor } from './helpers.js';

const scratch = scratchWithComponents('flowlens-run-');
afterEach(killLeftovers);
afterAll(scratch.cleanup);

function write(name: string, text: string): string {
    const file = path.join(scratch.dir, name);
    fs.writeFileSync(file, text);
    return file;
}

function remoteWriteTo(url: string): string {
    return `prometheus.exporter.self "self" { }

prometheus.scrape "s" {
	targets         = prometheus.exporter.self.self.targets
	forward_to      = [prometheus.remote_write.w.receiver]
	scrape_interval = "100ms"
	scrape_timeout  = "100ms"
}

prometheus.remote_write "w" {
	endpoint {
		url = "${url}"
	}
}
`;
}

function runAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        execFile(process.execPath, [CLI, 'run', ...args], { encoding: 'utf8', env: scratch.env, timeout: 30_000 }, (err, stdout, stderr) => {
            resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
        });
    });
}

function run(args: string[], timeout = 30_000) {
    const r = spawnSync(process.execPath, [CLI, 'run', ...args], { encoding: 'utf8', env: scratch.env, timeout });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PIPELINE = `
testcomponents.pulse "p" {
	frequency  = "2ms"
	max        = 1000000
	batch      = 5
	forward_to = [testcomponents.summation_receiver.r.receiver]
}

testcomponents.summation_receiver "r" {
	lag      = "2ms"
	per_tick = 10
}
`;

describe('flowlens run', () => {
    it('exits 2 on usage errors', () => {
        expect(run([]).code).toBe(2);
        const file = write('u.alloy', PIPELINE);
        const bad = run([file, '--for', 'soon']);
        expect(bad.code).toBe(2);
        expect(bad.stderr).toContain('--for: "soon" is not a duration');
        expect(run([file, '--grace', '1s']).code).toBe(2);
        expect(run([file, '--metrics-addr']).code).toBe(2);
    });

    it('exits 1 when the configuration is refused, naming every missing component', () => {
        const file = write('refused.alloy', 'loki.source.journal "a" {\n\tforward_to = []\n}\n\nprometheus.exporter.process "b" { }\n');
        const r = run([file]);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain("these components run on Grafana Alloy; they are not in flowlens' embedded runtime: loki.source.journal");
        expect(r.stderr).toContain('prometheus.exporter.process');
    });

    it('--dry-run --json answers node by node and starts nothing; --allow-partial runs the rest', () => {
        const file = write('partial.alloy', PIPELINE + '\nloki.source.journal "a" {\n\tforward_to = []\n}\n');
        const dry = run(['--dry-run', '--json', file]);
        expect(dry.code).toBe(1);
        const report = JSON.parse(dry.stdout) as { runnable: boolean; nodes: Array<{ id: string; component: string; runnable: boolean; reason: string | null }> };
        expect(report.runnable).toBe(false);
        expect(report.nodes.map((n) => [n.id, n.runnable])).toEqual(
            expect.arrayContaining([
                ['testcomponents.pulse.p', true],
                ['testcomponents.summation_receiver.r', true],
                ['loki.source.journal.a', false],
            ]),
        );
        expect(report.nodes.find((n) => n.id === 'loki.source.journal.a')).toMatchObject({ component: 'loki.source.journal', reason: expect.stringContaining('not implemented') });
        const text = run(['--dry-run', file]);
        expect(text.stdout).toContain('cannot run — 1 of 3 nodes cannot run');
        expect(run(['--json', file]).code).toBe(2);
        expect(run(['--dry-run', '--for', '1s', file]).code).toBe(2);

        const partial = run([file, '--allow-partial', '--for', '300ms']);
        expect(partial.stdout).toContain('skipped loki.source.journal.a');
    });

    it('exits 1 with a true summary when the endpoint hangs or refuses connections, and stops without waiting for it', async () => {
        const hanging = net.createServer(() => undefined); // accepts, never answers
        await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
        const refusing = net.createServer();
        await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
        const closedPort = (refusing.address() as net.AddressInfo).port;
        await new Promise((resolve) => refusing.close(resolve));
        try {
            for (const port of [(hanging.address() as net.AddressInfo).port, closedPort]) {
                const file = write(`endpoint-${port}.alloy`, remoteWriteTo(`http://127.0.0.1:${port}/api/v1/push`));
                const r = await runAsync([file, '--for', '1500ms']);
                expect(r.code, r.stdout + r.stderr).toBe(1);
                const dropped = /^ {2}samples {5}\d+ in, \d+ out, \d+ errors, (\d+) dropped$/m.exec(r.stdout);
                expect(Number(dropped?.[1])).toBeGreaterThan(0);
                expect(r.stdout).not.toContain('problem'); // nothing had to be cut off by a timeout
            }
        } finally {
            hanging.close();
        }
    });

    it('a partial run lists the skipped nodes in the summary and exits 0 when the rest ran cleanly', () => {
        const file = write('partial-clean.alloy', PIPELINE + '\nloki.source.journal "a" {\n\tforward_to = []\n}\n');
        const r = run([file, '--allow-partial', '--for', '500ms']);
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^ {2}components {2}2 \(1 node skipped\)$/m);
        expect(r.stdout).toMatch(/^ {2}skipped {5}loki\.source\.journal\.a: component not implemented/m);
    });

    it('runs for a while, pauses with a grace period, and prints state lines and a summary', () => {
        const file = write('pipeline.alloy', PIPELINE);
        const spans = path.join(scratch.dir, 'run-spans.jsonl');
        const r = run([file, '--for', '1s', '--pause-after', '300ms', '--grace', '2s', '--spans', spans, '--metrics-addr', '127.0.0.1:0']);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^running .*pipeline\.alloy: 2 components, metrics at http:\/\/127\.0\.0\.1:\d+\/metrics, spans to /m);
        expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} state pausing/m);
        expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} paused: drainedOnPause=true/m);
        expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} state stopping \(--for 1s elapsed\)/m);
        expect(r.stdout).toContain('flowlens run: stopped (--for 1s elapsed)');
        expect(r.stdout).toMatch(/^ {2}components {2}2$/m);
        expect(r.stdout).toMatch(/^ {2}samples {5}\d+ in, \d+ out, 0 errors, 0 dropped$/m);
        expect(r.stdout).toMatch(/^ {2}spans {7}\d+ exported, 0 dropped$/m);
        expect(r.stdout).toMatch(/^ {2}pause {7}paused, drainedOnPause=true/m);
        expect(r.stdout).not.toContain('\x1b[');
        const lines = fs.readFileSync(spans, 'utf8').trim().split('\n');
        expect(lines.length).toBeGreaterThan(0);
    });

    it('prints warnings logged while the configuration was starting', () => {
        const file = write('service.alloy', 'livedebugging {\n\tenabled = true\n}\n\n' + PIPELINE);
        const r = run([file, '--for', '200ms']);
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} warn livedebugging: the livedebugging block configures an Alloy service; flowlens' embedded runtime ignores it$/m);
    });

    it('stops once, in order, however many signals arrive', async () => {
        // A receiver slower than its source: stopping waits (bounded) for the backlog to drain.
        const file = write('signals.alloy', PIPELINE.replace('lag      = "2ms"', 'lag      = "20ms"').replace('per_tick = 10', 'per_tick = 1'));
        const child = spawnChild([CLI, 'run', file], { env: scratch.env });
        await waitFor(() => child.stdout().includes('running '), 10_000, 'the run to start');
        await new Promise((r) => setTimeout(r, 300));
        child.proc.kill('SIGINT');
        await waitFor(() => child.stdout().includes('state stopping'), 5000, 'stopping');
        child.proc.kill('SIGINT');
        await waitFor(() => child.stdout().includes('already stopping (SIGINT ignored)'), 5000, 'the second SIGINT');
        child.proc.kill('SIGTERM');
        const { code } = await child.exited;
        expect(code).toBe(0);
        const out = child.stdout();
        expect(out.match(/flowlens run: stopped/g)).toHaveLength(1);
        expect(out).toContain('stopped (SIGINT)');
        expect(out).toContain('already stopping (SIGTERM ignored)');
    });

    it('shows a live status line on a terminal', () => {
        const file = write('tty.alloy', PIPELINE);
        const command = [process.execPath, CLI, 'run', file, '--for', '2500ms'].map((a) => `'${a}'`).join(' ');
        const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: scratch.env, timeout: 30_000 });
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/\r\x1b\[2Krunning · 2 components · [1-9][\d,]* in\/s · [1-9][\d,]* out\/s · 0 spans · \d+\.\ds/);
        expect(r.stdout).toContain('flowlens run: stopped');
    });
});
