// The status bar's text, tone and tooltip for every runtime state.
import { describe, expect, it } from 'vitest';
import { statusPresentation } from '../../client/status/status-presentation.js';
import type { RuntimeStatus, SessionState } from '../../client/webview/messages.js';
import { metrics } from './fixtures.js';

const status = (state: SessionState, over: Partial<RuntimeStatus> = {}): RuntimeStatus => ({ state, since: 0, startedAt: 0, target: '/w/main.alloy', metricsAvailable: false, ...over });
const none = { rates: null, metrics: null, now: 90_000 };

describe('statusPresentation', () => {
    it.each([
        ['idle', {}, '$(debug-stop) Stopped', 'normal'],
        ['starting', {}, '$(loading~spin) Starting', 'normal'],
        ['running', {}, '$(play-circle) Running', 'normal'],
        ['pausing', {}, '$(loading~spin) Pausing', 'normal'],
        ['paused', { drainedOnPause: true }, '$(debug-pause) Paused (drained)', 'normal'],
        ['paused', { drainedOnPause: false }, '$(warning) Paused (not drained)', 'warning'],
        ['paused', {}, '$(debug-pause) Paused', 'normal'],
        ['stopping', {}, '$(loading~spin) Stopping', 'normal'],
        ['stopped', {}, '$(debug-stop) Stopped', 'normal'],
        ['failed', { reason: 'the runtime process was killed by SIGKILL' }, '$(error) Failed', 'error'],
    ] as const)('%s %o → %s', (state, over, text, tone) => {
        const p = statusPresentation(status(state, over), none);
        expect(p.text).toBe(text);
        expect(p.tone).toBe(tone);
        expect(p.tooltip).toMatch(/Click to open the runtime panel\.$/);
    });

    it('shows uptime, samples/s and components while running', () => {
        const p = statusPresentation(status('running'), {
            rates: { samplesInPerSecond: 1234, samplesOutPerSecond: 1200, errorsPerSecond: 0.5 },
            metrics: { ...metrics(1, { a: [1, 1, 0, 0], b: [1, 1, 0, 0] }), uptimeSeconds: 125 },
            now: 0,
        });
        expect(p.tooltip.split('\n')).toEqual([
            'flowlens runtime: Running',
            'Configuration: /w/main.alloy',
            'Uptime: 2m 05s',
            'Samples/s: 1.2k in · 1.2k out',
            'Errors/s: 0.5',
            'Components: 2',
            '',
            'Click to open the runtime panel.',
        ]);
    });

    it('gives the reason of a failure and no live figures', () => {
        const p = statusPresentation(status('failed', { reason: 'the runtime process exited with code 3: out of memory' }), {
            ...none,
            rates: { samplesInPerSecond: 1, samplesOutPerSecond: 1, errorsPerSecond: 0 },
        });
        expect(p.tooltip).toContain('Reason: the runtime process exited with code 3: out of memory');
        expect(p.tooltip).not.toContain('Samples/s');
        expect(p.label).toBe('Failed');
    });
});
