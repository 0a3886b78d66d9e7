// RunOptions from the flowlens.* settings.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pauseGraceSeconds, runOptionsFromSettings } from '../../client/runtime/run-options.js';

const where = { target: '/ws/cfg/main.alloy', workspaceFolder: '/ws', storageDir: '/storage' };
const reader = (settings: Record<string, unknown>) => (key: string) => settings[key];

describe('runOptionsFromSettings', () => {
    it('uses the defaults when nothing is set', () => {
        expect(runOptionsFromSettings(reader({}), where)).toEqual({
            compat: undefined,
            dialect: undefined,
            stabilityLevel: undefined,
            communityComponents: undefined,
            env: {},
            metricsAddress: '127.0.0.1:0',
            spansFile: path.join('/storage', 'spans.jsonl'),
        });
    });

    it('passes the settings through, dropping what the runtime would not understand', () => {
        const options = runOptionsFromSettings(
            reader({
                compat: 'agent-0.39',
                dialect: 'auto',
                stabilityLevel: 'experimental',
                communityComponents: false,
                env: { HOST: 'a', PORT: 9090, NAME: 'b' },
                'runtime.metricsAddress': ' 127.0.0.1:12345 ',
                'runtime.spansFile': 'out/spans.jsonl',
            }),
            where,
        );
        expect(options).toEqual({
            compat: 'agent-0.39',
            dialect: undefined,
            stabilityLevel: 'experimental',
            communityComponents: false,
            env: { HOST: 'a', NAME: 'b' },
            metricsAddress: '127.0.0.1:12345',
            spansFile: path.resolve('/ws', 'out/spans.jsonl'),
        });
        expect(runOptionsFromSettings(reader({ dialect: 'river', stabilityLevel: '', compat: 'alloy-2' }), where)).toMatchObject({ dialect: 'river', stabilityLevel: undefined, compat: undefined });
    });

    it('turns the metrics server off for an empty address and resolves relative spans files without a workspace', () => {
        const options = runOptionsFromSettings(reader({ 'runtime.metricsAddress': '', 'runtime.spansFile': 'spans.jsonl' }), { ...where, workspaceFolder: undefined });
        expect(options.metricsAddress).toBeUndefined();
        expect(options.spansFile).toBe(path.resolve('/ws/cfg', 'spans.jsonl'));
        expect(runOptionsFromSettings(reader({ 'runtime.spansFile': '/abs/s.jsonl' }), where).spansFile).toBe('/abs/s.jsonl');
    });
});

describe('pauseGraceSeconds', () => {
    it('reads the grace period, falling back to 30 s', () => {
        expect(pauseGraceSeconds(reader({ 'runtime.pauseGracePeriod': 5 }))).toBe(5);
        expect(pauseGraceSeconds(reader({ 'runtime.pauseGracePeriod': 0 }))).toBe(0);
        expect(pauseGraceSeconds(reader({ 'runtime.pauseGracePeriod': -1 }))).toBe(30);
        expect(pauseGraceSeconds(reader({}))).toBe(30);
    });
});
