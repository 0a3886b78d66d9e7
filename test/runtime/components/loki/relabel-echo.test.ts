// loki.relabel (Alloy's loki/relabel/relabel.go: rules per entry, LRU cache of results, entries left
// without labels dropped, loki_relabel_* metrics) and loki.echo (loki/echo/echo.go: one info log line
// per entry).

import { afterEach, describe, expect, it } from 'vitest';
import type { LogsReceiver } from '../../../../server/runtime/component.js';
import { formatNanos, lokiEcho } from '../../../../server/runtime/components/loki/echo.js';
import { lokiRelabel } from '../../../../server/runtime/components/loki/relabel.js';
import type { LogEntry } from '../../../../server/runtime/protocols/log-entry.js';
import { body, entrySink, metricValue, startComponent, stopAll } from '../harness.js';

afterEach(stopAll);

const entry = (labels: Record<string, string>, line = 'l'): LogEntry => ({ labels, timestamp: 1_700_000_000_000_000_001n, line, structuredMetadata: [{ name: 'trace_id', value: 't' }] });

describe('loki.relabel', () => {
    it('rewrites labels, drops entries left without labels, caches results per label set', async () => {
        const sink = entrySink();
        const r = await startComponent(
            lokiRelabel,
            body({ forward_to: [sink.value], max_cache_size: 2 }, { rule: [body({ source_labels: ['__path__'], target_label: 'file' }), body({ source_labels: ['drop'], regex: 'yes', action: 'drop' })] }),
        );
        const recv = r.ctx.exportPayload<LogsReceiver>('receiver');
        await recv.appendEntries([entry({ __path__: '/a.log' }, 'one'), entry({ __path__: '/a.log' }, 'two'), entry({ drop: 'yes' }, 'gone'), entry({}, 'empty')]);
        expect(sink.entries.map((e) => [e.line, e.labels])).toEqual([
            ['one', { __path__: '/a.log', file: '/a.log' }],
            ['two', { __path__: '/a.log', file: '/a.log' }],
        ]);
        expect(sink.entries[0].structuredMetadata).toEqual([{ name: 'trace_id', value: 't' }]);
        const m = (name: string) => metricValue(r.ctx.registry, name);
        expect(await m('loki_relabel_entries_processed')).toBe(4);
        expect(await m('loki_relabel_entries_written')).toBe(2);
        expect(await m('loki_relabel_cache_hits')).toBe(1);
        expect(await m('loki_relabel_cache_misses')).toBe(3);
        expect(await m('loki_relabel_cache_size')).toBe(2);
        expect(r.ctx.exports?.rules?.kind).toBe('capsule');
        await expect(startComponent(lokiRelabel, body({ forward_to: [], max_cache_size: 0 }), { label: 'zero' })).rejects.toThrow(/max_cache_size: must provide a positive size/);
    });
});

describe('loki.echo', () => {
    it('logs each entry with its labels, line, timestamp and structured metadata', async () => {
        const r = await startComponent(lokiEcho, body());
        await r.ctx.exportPayload<LogsReceiver>('receiver').appendEntries([entry({ job: 'x', __internal: 'y' }, 'hello')]);
        expect(r.ctx.logs.filter((l) => l.message === 'received log entry')).toEqual([
            { level: 'info', message: 'received log entry', fields: { labels: '{__internal="y", job="x"}', entry: 'hello', entry_timestamp: '2023-11-14T22:13:20.000000001Z', structured_metadata: '{"trace_id":"t"}' } },
        ]);
        expect(formatNanos(-1n)).toBe('1969-12-31T23:59:59.999999999Z');
    });
});
