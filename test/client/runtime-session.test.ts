// The runtime session and its worker process, against a fake worker (fake-worker.cjs): a normal
// run, a refused configuration, a crash (→ Failed, then a new run works), a stop that hangs
// (→ the process is killed).
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeError } from '../../client/runtime/runtime-errors.js';
import { RuntimeProcess } from '../../client/runtime/runtime-process.js';
import { crashCause, RuntimeSession, type SessionEvent } from '../../client/runtime/runtime-session.js';
import { statusLabel } from '../../client/webview/state/status-label.js';
import { waitFor } from '../runtime/helpers.js';

const FAKE_WORKER = path.join(__dirname, 'fake-worker.cjs');
const sessions: RuntimeSession[] = [];

function startFake(mode: string): RuntimeProcess {
    return RuntimeProcess.start({ modulePath: FAKE_WORKER, env: { ...process.env, FAKE_WORKER_MODE: mode } });
}

/** Resolves once a `hang-on-stop` fake has installed its SIGTERM handler and listens. */
function readyOf(proc: RuntimeProcess): Promise<void> {
    return new Promise((resolve) => proc.onNotification('fake/ready', () => resolve()));
}

function newSession(modes: string[], timeouts = {}): { session: RuntimeSession; events: SessionEvent[] } {
    const session = new RuntimeSession({ startProcess: () => startFake(modes.length > 1 ? modes.shift()! : modes[0]), timeouts });
    const events: SessionEvent[] = [];
    session.onEvent((e) => events.push(e));
    sessions.push(session);
    return { session, events };
}

afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.dispose(500)));
});

describe('RuntimeSession', () => {
    it('runs, pauses, resumes and stops a pipeline', async () => {
        const { session, events } = newSession(['ok']);
        const result = await session.run('/tmp/main.alloy', { metricsAddress: '127.0.0.1:0' });
        expect(result.components.map((c) => c.globalId)).toEqual(['a', 'b']);
        expect(session.model.status.state).toBe('running');
        expect(session.model.status.metricsAvailable).toBe(true);
        expect(session.model.metricsUrl).toContain('/metrics');
        await waitFor(() => session.model.metrics !== null && session.model.flushTotals.flushes === 1, 5000);
        expect(session.model.flushTotals).toEqual({ flushes: 1, exported: 5, dropped: 1 });

        const paused = await session.pause(5);
        expect(paused).toMatchObject({ state: 'paused', drainedOnPause: true });
        expect(statusLabel(session.model.status).label).toBe('Paused (drained)');
        // The answer repeats the notification: the timeline has each step once.
        expect(session.model.snapshot().pauseEvents.map((e) => e.state)).toEqual(['pausing', 'paused']);

        await session.resume();
        expect(session.model.status.state).toBe('running');

        const summary = await session.stop('done');
        expect(summary).toMatchObject({ reason: 'done', spansExported: 5 });
        expect(session.model.status).toMatchObject({ state: 'stopped', reason: 'done' });
        expect(session.active).toBe(false);
        expect(events.some((e) => e.kind === 'stopped' && e.summary?.reason === 'done')).toBe(true);
    });

    it('reports a refused configuration with the runtime message and ends the worker', async () => {
        const { session } = newSession(['refuse']);
        const error = await session.run('/tmp/main.alloy', {}).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RuntimeError);
        expect((error as RuntimeError).kind).toBe('refused');
        expect((error as RuntimeError).message).toContain('baz.qux');
        expect(session.model.status).toMatchObject({ state: 'failed', reason: 'main.alloy:3:1: component "foo.bar" does not exist' });
        expect(session.active).toBe(false);
    });

    it('turns a crash into Failed with the reason, and a new run works', async () => {
        const { session } = newSession(['crash-after-run', 'ok']);
        await session.run('/tmp/main.alloy', {});
        await waitFor(() => session.model.status.state === 'failed', 5000);
        expect(session.model.status.reason).toBe('the runtime process exited with code 3: fatal: out of memory');
        expect(session.active).toBe(false);
        await expect(session.pause(1)).rejects.toMatchObject({ kind: 'notRunning' });

        await session.run('/tmp/main.alloy', {});
        expect(session.model.status.state).toBe('running');
        expect(session.active).toBe(true);
    });

    it('fails a run whose worker dies before answering', async () => {
        const { session } = newSession(['exit-at-start']);
        await expect(session.run('/tmp/main.alloy', {})).rejects.toMatchObject({ kind: 'exited' });
        expect(session.model.status.state).toBe('failed');
        expect(session.model.status.reason).toBe('the runtime process exited with code 1: fake worker: cannot start');
    });

    it('kills a worker that does not stop in time', async () => {
        const { session, events } = newSession(['hang-on-stop'], { stopMs: 300, killGraceMs: 300 });
        await session.run('/tmp/main.alloy', {});
        const started = Date.now();
        expect(await session.stop('user')).toBeUndefined();
        expect(Date.now() - started).toBeLessThan(3000);
        expect(session.model.status.state).toBe('stopped');
        expect(session.model.status.reason).toMatch(/^user; the runtime did not stop in order \(flowlens\/stop got no answer within 0.3 s\)/);
        expect(session.active).toBe(false);
        expect(events.some((e) => e.kind === 'stopped' && e.problem)).toBe(true);
    });

    it('stops the current run before starting another', async () => {
        const { session, events } = newSession(['ok']);
        await session.run('/tmp/a.alloy', {});
        await session.run('/tmp/b.alloy', {});
        const states = events.flatMap((e) => (e.kind === 'status' ? [e.status.state] : []));
        // The runtime's `running` notification and the run result both report Running; the second
        // one adds metricsAvailable.
        expect(states).toEqual(['starting', 'running', 'running', 'stopping', 'stopped', 'starting', 'running', 'running']);
        expect(session.model.status.target).toBe('/tmp/b.alloy');
    });
});

describe('RuntimeProcess', () => {
    it('rejects a pending request when the process dies', async () => {
        const proc = startFake('hang-on-stop');
        await readyOf(proc);
        const pending = proc.request('flowlens/stop', { reason: 'x' }, 10_000);
        process.kill(proc.pid!, 'SIGKILL');
        await expect(pending).rejects.toThrow('the runtime process was killed by SIGKILL');
    });

    it('names the exit, not the broken pipe, when the write to a dying worker fails', async () => {
        // A worker killed just after a request is sent can break the pipe before its 'exit' event
        // arrives; this fake breaks it while alive, so the order is certain.
        const proc = startFake('closed-stdin');
        await readyOf(proc);
        const pending = proc.request('flowlens/stop', { reason: 'x' }, 10_000);
        process.kill(proc.pid!, 'SIGKILL');
        await expect(pending).rejects.toThrow('the runtime process was killed by SIGKILL');
    });

    it('escalates to SIGKILL when SIGTERM is ignored', async () => {
        const proc = startFake('hang-on-stop');
        await readyOf(proc);
        await expect(proc.request('flowlens/stop', {}, 200)).rejects.toThrow('flowlens/stop got no answer within 0.2 s');
        const exit = await proc.terminate(200);
        expect(exit.signal).toBe('SIGKILL');
        expect(proc.alive).toBe(false);
    });
});

describe('crashCause', () => {
    it('prefers the line that names the error over the stack after it', () => {
        const oom = ['<--- Last few GCs --->', 'FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory', ' 1: 0x931db0  [node]', ''];
        expect(crashCause(oom)).toBe('FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory');
        expect(crashCause(['starting', 'bye', ''])).toBe('bye');
        expect(crashCause([])).toBeUndefined();
    });
});
