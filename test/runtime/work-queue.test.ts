// The keyed work queue: one waiting + one running per key, coalescing,
// re-queue while running, a bounded waiting list.

import { describe, expect, it } from 'vitest';
import { QueueFullError, WorkQueue } from '../../server/runtime/controller/work-queue.js';

const tick = () => new Promise((r) => setImmediate(r));

function gate(): { promise: Promise<void>; open: () => void } {
    let open!: () => void;
    const promise = new Promise<void>((r) => (open = r));
    return { promise, open };
}

describe('WorkQueue', () => {
    it('runs tasks with the same local ID in two modules: the keys are global IDs', async () => {
        const q = new WorkQueue({ concurrency: 4, maxWaiting: 10 });
        const ran: string[] = [];
        expect(q.submit('module.string.a/export.output', () => void ran.push('a'))).toBe('queued');
        expect(q.submit('module.string.b/export.output', () => void ran.push('b'))).toBe('queued');
        await q.whenIdle();
        expect(ran.sort()).toEqual(['a', 'b']);
    });

    it('keyed by local ID, the second module’s task is silently dropped (why keys must be global)', async () => {
        const q = new WorkQueue({ concurrency: 4, maxWaiting: 10 });
        const ran: string[] = [];
        q.submit('export.output', () => void ran.push('a'));
        expect(q.submit('export.output', () => void ran.push('b'))).toBe('coalesced');
        await q.whenIdle();
        expect(ran).toEqual(['a']);
    });

    it('coalesces a submit while the key is waiting', async () => {
        const q = new WorkQueue({ concurrency: 1, maxWaiting: 10 });
        let runs = 0;
        q.submit('k', () => void runs++);
        q.submit('k', () => void runs++);
        q.submit('k', () => void runs++);
        await q.whenIdle();
        expect(runs).toBe(1);
        expect(q.stats.coalesced).toBe(2);
    });

    it('queues a submit while the key is running once, and never runs a key twice at once', async () => {
        const q = new WorkQueue({ concurrency: 4, maxWaiting: 10 });
        const g = gate();
        let running = 0;
        let maxRunning = 0;
        let runs = 0;
        const task = async () => {
            running++;
            maxRunning = Math.max(maxRunning, running);
            runs++;
            if (runs === 1) await g.promise;
            running--;
        };
        q.submit('k', task);
        await tick();
        expect(q.isRunning('k')).toBe(true);
        expect(q.submit('k', task)).toBe('queued'); // while running: queued once
        expect(q.submit('k', task)).toBe('coalesced'); // while waiting: coalesced
        await tick();
        expect(runs).toBe(1); // the waiting one does not start while the first runs
        g.open();
        await q.whenIdle();
        expect(runs).toBe(2);
        expect(maxRunning).toBe(1);
        expect(q.stats.requeuedWhileRunning).toBe(1);
    });

    it('starts tasks after submit returns, so a batch is waiting together', async () => {
        const q = new WorkQueue({ concurrency: 4, maxWaiting: 10 });
        let ran = false;
        q.submit('k', () => void (ran = true));
        expect(ran).toBe(false);
        expect(q.isWaiting('k')).toBe(true);
        await q.whenIdle();
        expect(ran).toBe(true);
    });

    it('bounds the waiting list and throws QueueFullError', async () => {
        const q = new WorkQueue({ concurrency: 1, maxWaiting: 2 });
        q.submit('a', () => undefined);
        q.submit('b', () => undefined);
        expect(() => q.submit('c', () => undefined)).toThrow(QueueFullError);
        await q.whenIdle();
        expect(q.submit('c', () => undefined)).toBe('queued');
        await q.whenIdle();
    });

    it('limits concurrency', async () => {
        const q = new WorkQueue({ concurrency: 2, maxWaiting: 100 });
        let running = 0;
        let max = 0;
        for (let i = 0; i < 10; i++) {
            q.submit(`k${i}`, async () => {
                running++;
                max = Math.max(max, running);
                await new Promise((r) => setTimeout(r, 5));
                running--;
            });
        }
        await q.whenIdle();
        expect(max).toBe(2);
    });

    it('reports task errors and keeps going', async () => {
        const errors: string[] = [];
        const q = new WorkQueue({ concurrency: 1, maxWaiting: 10, onError: (k) => errors.push(k) });
        let after = false;
        q.submit('bad', () => {
            throw new Error('boom');
        });
        q.submit('good', () => void (after = true));
        await q.whenIdle();
        expect(errors).toEqual(['bad']);
        expect(after).toBe(true);
    });
});
