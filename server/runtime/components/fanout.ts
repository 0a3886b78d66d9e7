// Forwarding to several downstream receivers/consumers without adding an async
// hop when none of them is asynchronous (hot path: relabel → remote_write).

import type { ComponentContext, LogsReceiver, MetricsReceiver, TracesConsumer } from '../component.js';
import type { LogEntry } from '../protocols/log-entry.js';
import type { Sample } from '../protocols/labels.js';
import type { TraceBatch } from '../protocols/otlp-json.js';

function isPromise(x: unknown): x is Promise<unknown> {
    return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

function combine(errors: unknown[]): Error {
    if (errors.length === 1) return errors[0] instanceof Error ? errors[0] : new Error(String(errors[0]));
    return new AggregateError(errors, errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; '));
}

/**
 * Calls `f` on every target. Every target is called even when an earlier one throws; errors are
 * combined. Returns a promise only when some target returned one.
 */
function fanout<T>(targets: readonly T[], f: (t: T) => void | Promise<void>): void | Promise<void> {
    let pending: Promise<unknown>[] | undefined;
    let errors: unknown[] | undefined;
    for (let i = 0; i < targets.length; i++) {
        try {
            const r = f(targets[i]);
            if (isPromise(r)) (pending ??= []).push(r);
        } catch (e) {
            (errors ??= []).push(e);
        }
    }
    if (pending === undefined) {
        if (errors !== undefined) throw combine(errors);
        return;
    }
    return Promise.allSettled(pending).then((results) => {
        for (const r of results) if (r.status === 'rejected') (errors ??= []).push(r.reason);
        if (errors !== undefined) throw combine(errors);
    });
}

export function forwardSamples(receivers: readonly MetricsReceiver[], samples: readonly Sample[]): void | Promise<void> {
    if (samples.length === 0 || receivers.length === 0) return;
    return fanout(receivers, (r) => r.appendSamples(samples));
}

export function forwardTraces(consumers: readonly TracesConsumer[], batch: TraceBatch): void | Promise<void> {
    if (consumers.length === 0) return;
    return fanout(consumers, (c) => c.consumeTraces(batch));
}

export function forwardEntries(receivers: readonly LogsReceiver[], entries: readonly LogEntry[]): void | Promise<void> {
    if (entries.length === 0 || receivers.length === 0) return;
    return fanout(receivers, (r) => r.appendEntries(entries));
}

/**
 * Counts what a component forwards to its downstream: `countOut` once the call was made, an error
 * when it throws or its promise rejects, and the items in flight until that promise settles (what
 * `pending()` reports, so a stop drains them).
 */
export class CountedForward {
    private inFlight = 0;

    constructor(private readonly ctx: Pick<ComponentContext, 'countOut' | 'countError'>) {}

    get pending(): number {
        return this.inFlight;
    }

    send(count: number, forward: () => void | Promise<void>): void | Promise<void> {
        let result: void | Promise<void>;
        try {
            result = forward();
        } catch (e) {
            this.ctx.countError();
            throw e;
        }
        this.ctx.countOut(count);
        if (result === undefined) return;
        this.inFlight += count;
        return result.then(
            () => {
                this.inFlight -= count;
            },
            (e: unknown) => {
                this.inFlight -= count;
                this.ctx.countError();
                throw e;
            },
        );
    }
}

export function errorMessage(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}
