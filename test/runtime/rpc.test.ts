// The JSON-RPC channel end to end: out/runtime.cjs as a child process, driven
// over stdio like the VS Code panel will drive it.

import fs from 'node:fs';
import path from 'node:path';
import { createMessageConnection, type MessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { afterAll, afterEach, expect, it } from 'vitest';
import {
    type ComponentInfo,
    type FlushEvent,
    type MetricsSnapshot,
    type PauseEvent,
    RPC,
    RpcErrorCode,
    type RunResult,
    type StateEvent,
    type StopSummary,
} from '../../protocol/runtime.js';
import { type Child, killLeftovers, scratchWithComponents, spawnChild, WORKER } from './child.js';
import { waitFor } from './helpers.js';

const scratch = scratchWithComponents('flowlens-rpc-');
let connection: MessageConnection | undefined;
afterEach(() => {
    connection?.dispose();
    connection = undefined;
    killLeftovers();
});
afterAll(scratch.cleanup);

function connect(child: Child): MessageConnection {
    const c = createMessageConnection(new StreamMessageReader(child.proc.stdout!), new StreamMessageWriter(child.proc.stdin!));
    c.listen();
    return c;
}

it('runs, lists, pauses, resumes and stops a configuration over JSON-RPC, with notifications', async () => {
    const config = path.join(scratch.dir, 'pipeline.alloy');
    fs.writeFileSync(
        config,
        `
testcomponents.pulse "p" {
	frequency  = "5ms"
	max        = 1000000
	batch      = 5
	forward_to = [testcomponents.summation_receiver.r.receiver]
}

testcomponents.summation_receiver "r" {
	lag      = "2ms"
	per_tick = 5
}
`,
    );
    const spans = path.join(scratch.dir, 'rpc-spans.jsonl');
    const child = spawnChild([WORKER], { env: scratch.env });
    connection = connect(child);
    const states: StateEvent[] = [];
    const pauses: PauseEvent[] = [];
    const flushes: FlushEvent[] = [];
    const metrics: MetricsSnapshot[] = [];
    connection.onNotification(RPC.state, (e: StateEvent) => void states.push(e));
    connection.onNotification(RPC.pauseEvent, (e: PauseEvent) => void pauses.push(e));
    connection.onNotification(RPC.flush, (e: FlushEvent) => void flushes.push(e));
    connection.onNotification(RPC.metrics, (e: MetricsSnapshot) => void metrics.push(e));

    const run: RunResult = await connection.sendRequest(RPC.run, { path: config, options: { metricsAddress: '127.0.0.1:0', spansFile: spans } });
    expect(run.components.map((c) => c.globalId).sort()).toEqual(['testcomponents.pulse.p', 'testcomponents.summation_receiver.r']);
    expect(run.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(await (await fetch(run.metricsUrl!)).text()).toContain('flowlens_component_samples_in_total{component_id="testcomponents.summation_receiver.r",component_path="/"}');

    // A second run while one runs is refused.
    const again = await connection.sendRequest(RPC.run, { path: config }).then(
        () => undefined,
        (e: unknown) => e as ResponseError<unknown>,
    );
    expect(again?.code).toBe(RpcErrorCode.alreadyRunning);

    await waitFor(() => metrics.length >= 1, 5000, 'a metrics notification');
    const snapshot: MetricsSnapshot = await connection.sendRequest(RPC.metrics);
    expect(snapshot.components.find((c) => c.globalId === 'testcomponents.pulse.p')!.samplesOut).toBeGreaterThan(0);
    const components: ComponentInfo[] = await connection.sendRequest(RPC.components);
    expect(components.find((c) => c.globalId === 'testcomponents.summation_receiver.r')).toMatchObject({ kind: 'component', line: 9, file: config, health: { state: 'healthy' } });

    const paused: PauseEvent = await connection.sendRequest(RPC.pause, { graceSeconds: 10 });
    expect(paused).toMatchObject({ state: 'paused', drainedOnPause: true });
    const resumed: PauseEvent = await connection.sendRequest(RPC.resume);
    expect(resumed.state).toBe('running');

    const summary: StopSummary = await connection.sendRequest(RPC.stop, { reason: 'test' });
    expect(summary).toMatchObject({ reason: 'test', components: 2, spansDropped: 0, pause: { drainedOnPause: true } });
    expect(summary.spansExported).toBeGreaterThan(0);
    await waitFor(() => states.some((s) => s.state === 'stopped'), 5000, 'the stopped notification');
    expect(pauses.map((p) => p.state)).toEqual(['pausing', 'paused', 'running']);
    expect(flushes.reduce((n, f) => n + f.exported, 0)).toBe(summary.spansExported);
    expect(states.map((s) => s.state)).toEqual(['running', 'pausing', 'paused', 'running', 'stopping', 'stopped']);

    // Nothing runs any more.
    const none = await connection.sendRequest(RPC.metrics).then(
        () => undefined,
        (e: unknown) => e as ResponseError<unknown>,
    );
    expect(none?.code).toBe(RpcErrorCode.notRunning);

    // A refused configuration: one error, nothing started.
    const bad = path.join(scratch.dir, 'bad.alloy');
    fs.writeFileSync(bad, 'loki.source.journal "x" {\n\tforward_to = []\n}\n');
    const refused = await connection.sendRequest(RPC.run, { path: bad }).then(
        () => undefined,
        (e: unknown) => e as ResponseError<unknown>,
    );
    expect(refused?.code).toBe(RpcErrorCode.refused);
    expect(refused?.message).toContain("not in flowlens' embedded runtime: loki.source.journal");

    // Closing the connection ends the worker cleanly.
    child.proc.stdin!.end();
    expect((await child.exited).code).toBe(0);
});

it('stops its runtime in order on SIGTERM', async () => {
    const config = path.join(scratch.dir, 'count.alloy');
    const spans = path.join(scratch.dir, 'term-spans.jsonl');
    fs.writeFileSync(config, 'testcomponents.count "c" {\n\tfrequency = "5ms"\n\tmax       = 1000000\n}\n');
    const child = spawnChild([WORKER], { env: scratch.env });
    connection = connect(child);
    await connection.sendRequest(RPC.run, { path: config, options: { spansFile: spans } });
    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
    const names = fs
        .readFileSync(spans, 'utf8')
        .trim()
        .split('\n')
        .flatMap((l) => JSON.parse(l).resourceSpans.flatMap((rs: { scopeSpans: { spans: { name: string }[] }[] }) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))));
    expect(names).toContain('flowlens.run');
});

it('reports the spans flushed while a large configuration was starting', async () => {
    // 600 chained components: more evaluation spans than one export batch (512) before run returns.
    const config = path.join(scratch.dir, 'large.alloy');
    const blocks = ['testcomponents.passthrough "p0" {\n\tinput = "x"\n}\n'];
    for (let i = 1; i < 600; i++) blocks.push(`testcomponents.passthrough "p${i}" {\n\tinput = testcomponents.passthrough.p${i - 1}.output\n}\n`);
    fs.writeFileSync(config, blocks.join('\n'));
    const child = spawnChild([WORKER], { env: scratch.env });
    connection = connect(child);
    const flushes: FlushEvent[] = [];
    connection.onNotification(RPC.flush, (e: FlushEvent) => void flushes.push(e));
    await connection.sendRequest(RPC.run, { path: config, options: { spansFile: path.join(scratch.dir, 'large-spans.jsonl') } });
    const summary: StopSummary = await connection.sendRequest(RPC.stop, { reason: 'test' });
    expect(summary.spansExported).toBeGreaterThan(600);
    expect(flushes.reduce((n, f) => n + f.exported, 0)).toBe(summary.spansExported);
    child.proc.stdin!.end();
    expect((await child.exited).code).toBe(0);
});
