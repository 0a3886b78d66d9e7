// Validation of the panel's messages in both directions.
import { describe, expect, it } from 'vitest';
import { PANEL_PROTOCOL_VERSION, parseHostMessage, parseWebviewMessage } from '../../client/webview/messages.js';
import { component, metrics, session } from './fixtures.js';

describe('parseHostMessage', () => {
    it('accepts every well-formed message', () => {
        const messages = [
            { type: 'init', version: PANEL_PROTOCOL_VERSION, session: session({ metrics: metrics(1, { 'prometheus.scrape.a': [1, 1, 0, null] }) }) },
            { type: 'init', version: PANEL_PROTOCOL_VERSION, session: null },
            { type: 'status', status: { state: 'paused', since: 1, drainedOnPause: false, metricsAvailable: true, reason: 'grace period over' } },
            { type: 'topology', components: [component('a', ['b'])] },
            { type: 'metrics', snapshot: metrics(5, { a: [1, 2, 3, 4] }) },
            { type: 'health', events: [{ time: 1, globalId: 'a', health: { state: 'exited', message: 'done', updatedAt: 1 } }] },
            { type: 'pause', event: { time: 1, state: 'paused', drainedOnPause: true } },
            { type: 'flush', event: { time: 1, exported: 3, dropped: 0, reason: 'force-flush' }, totals: { flushes: 1, exported: 3, dropped: 0 } },
        ];
        for (const m of messages) expect(parseHostMessage(m)).toBe(m);
    });

    it('rejects malformed messages and other protocol versions', () => {
        const bad = [
            null,
            'init',
            [],
            { type: 'unknown' },
            { type: 'init', version: PANEL_PROTOCOL_VERSION + 1, session: null },
            { type: 'status', status: { state: 'dancing', since: 1, metricsAvailable: false } },
            { type: 'topology', components: [{ ...component('a'), references: 'b' }] },
            { type: 'topology', components: [{ ...component('a'), line: '3' }] },
            { type: 'metrics', snapshot: { ...metrics(1, {}), totals: null } },
            { type: 'health', events: [{ time: 1, globalId: 'a', health: { state: 'fine', message: '', updatedAt: 1 } }] },
            { type: 'pause', event: { time: 1, state: 'stopped' } },
            { type: 'flush', event: { time: 1, exported: 1, dropped: 0, reason: 'x' } },
            { type: 'flush', event: { time: 1, exported: Number.NaN, dropped: 0, reason: 'x' }, totals: { flushes: 1, exported: 1, dropped: 0 } },
        ];
        for (const m of bad) expect(parseHostMessage(m), JSON.stringify(m)).toBeUndefined();
    });
});

describe('parseWebviewMessage', () => {
    it('accepts the webview requests and keeps only known fields', () => {
        expect(parseWebviewMessage({ type: 'ready', version: 1 })).toEqual({ type: 'ready', version: 1 });
        expect(parseWebviewMessage({ type: 'reveal', globalId: 'a/b', file: '/etc/passwd' })).toEqual({ type: 'reveal', globalId: 'a/b' });
        expect(parseWebviewMessage({ type: 'command', command: 'pause' })).toEqual({ type: 'command', command: 'pause' });
        const summary = { render: { all: { count: 1, medianMs: 2, p95Ms: 2, maxMs: 2 } }, frame: {}, components: 3 };
        expect(parseWebviewMessage({ type: 'timings', summary })).toEqual({ type: 'timings', summary });
    });

    it('rejects anything else', () => {
        for (const m of [
            undefined,
            { type: 'reveal', globalId: '' },
            { type: 'reveal' },
            { type: 'command', command: 'rm -rf' },
            { type: 'timings', summary: { render: { all: { count: 'x' } }, frame: {}, components: 1 } },
            { type: 'openFile', path: '/etc/passwd' },
        ]) {
            expect(parseWebviewMessage(m)).toBeUndefined();
        }
    });
});
