// Number, duration and output-channel formatting, and Alloy byte columns to editor characters.
import { describe, expect, it } from 'vitest';
import { byteColumnToCharacter } from '../../client/editor/byte-column.js';
import { formatLogEvent, formatReload, formatStopSummary } from '../../client/runtime/log-format.js';
import { formatCompact, formatCount, formatDuration } from '../../client/webview/format.js';

describe('formatting', () => {
    it('formats rates compactly', () => {
        expect([0, 0.25, 5, 12.4, 999, 1234, 12_345, 1_500_000, 2e9].map(formatCompact)).toEqual(['0', '0.3', '5', '12', '999', '1.2k', '12k', '1.5M', '2G']);
        expect(formatCompact(Number.NaN)).toBe('–');
        expect(formatCount(1234567)).toBe('1,234,567');
    });

    it('formats durations', () => {
        expect([0, 59.9, 60, 125, 3600, 7265, 90_000].map(formatDuration)).toEqual(['0s', '59s', '1m 00s', '2m 05s', '1h 00m', '2h 01m', '1d 01h']);
    });

    it('formats log events, reloads and stop summaries for the output channel', () => {
        expect(formatLogEvent({ time: 0, level: 'warn', message: 'scrape failed', globalId: 'module.file.a/prometheus.scrape.s', fields: { target: 'http://x', err: 'connection refused', n: 3 } })).toBe(
            '[module.file.a/prometheus.scrape.s] scrape failed target=http://x err="connection refused" n=3',
        );
        expect(formatReload({ time: 0, ok: false, error: 'syntax error', added: [], removed: [], updated: [] })).toBe('reload refused, the running pipeline is unchanged: syntax error');
        expect(
            formatStopSummary({
                reason: 'stopped from the editor',
                uptimeSeconds: 61,
                components: 4,
                samplesIn: 12000,
                samplesOut: 11990,
                errors: 1,
                evaluationFailures: 0,
                dropped: 5,
                unhealthy: [{ globalId: 'prometheus.remote_write.w', message: 'sending failed' }],
                skipped: [{ globalId: 'loki.source.file.a', reason: 'component not implemented' }],
                spansExported: 320,
                spansDropped: 2,
                spansDroppedBy: { 'queue full': 2, 'export failed': 0 },
                pause: { time: 0, state: 'paused', drainedOnPause: false, reason: 'grace period over' },
                problems: ['prometheus.remote_write.w did not stop in time'],
            }),
        ).toEqual([
            'stopped (stopped from the editor) after 1m 01s: 4 components, 12,000 samples in, 11,990 out, 1 errors, 5 dropped',
            'unhealthy at stop: prometheus.remote_write.w (sending failed)',
            'skipped: loki.source.file.a (component not implemented)',
            'spans: 320 exported, 2 dropped (queue full: 2)',
            'last pause: paused, not drained (grace period over)',
            'problem while stopping: prometheus.remote_write.w did not stop in time',
        ]);
    });

    it('maps 1-based UTF-8 byte columns to 0-based UTF-16 characters', () => {
        expect(byteColumnToCharacter('prometheus.scrape "a" {', 1)).toBe(0);
        expect(byteColumnToCharacter('prometheus.scrape "a" {', 12)).toBe(11);
        // "é" is 2 bytes, "😀" 4 bytes and 2 UTF-16 units.
        expect(byteColumnToCharacter('é = 1', 4)).toBe(2);
        expect(byteColumnToCharacter('😀x', 5)).toBe(2);
        expect(byteColumnToCharacter('ab', 99)).toBe(2);
    });
});
