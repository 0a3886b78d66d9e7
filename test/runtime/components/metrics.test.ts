import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { InstanceMetrics } from '../../../server/runtime/components/metrics.js';
import { metricValue } from './harness.js';

const C = { name: 'flowlens_test_things_total', help: 'Things.', type: 'counter' } as const;
const G = { name: 'flowlens_test_level', help: 'Level.', type: 'gauge' } as const;

describe('InstanceMetrics', () => {
    it('shares one metric object per name between instances and never throws "already registered"', async () => {
        const registry = new Registry();
        const a = new InstanceMetrics(registry, { component_id: 'x.a', component_path: '/' });
        const b = new InstanceMetrics(registry, { component_id: 'x.b', component_path: '/' });
        a.counter(C).inc(2);
        b.counter(C).inc(5);
        const metric = registry.getSingleMetric(C.name);
        expect(await metricValue(registry, C.name, { component_id: 'x.a' })).toBe(2);
        expect(await metricValue(registry, C.name, { component_id: 'x.b' })).toBe(5);
        a.close();
        expect(registry.getSingleMetric(C.name)).toBe(metric);
        expect(await metricValue(registry, C.name, { component_id: 'x.a' })).toBeUndefined();
        expect(await metricValue(registry, C.name, { component_id: 'x.b' })).toBe(5);
        b.close();
        expect(registry.getSingleMetric(C.name)).toBeUndefined();
    });

    it('survives 50 create/close cycles on one registry', async () => {
        const registry = new Registry();
        for (let i = 0; i < 50; i++) {
            const m = new InstanceMetrics(registry, { component_id: 'x.a', component_path: '/' });
            m.counter(C).inc();
            m.gaugeFn(G, undefined, () => i);
            expect(await metricValue(registry, G.name, { component_id: 'x.a' })).toBe(i);
            m.close();
        }
        expect(await registry.metrics()).toBe('\n');
    });

    it('re-registers a shared metric after the registry was cleared', async () => {
        const registry = new Registry();
        const a = new InstanceMetrics(registry, { component_id: 'x.a', component_path: '/' });
        a.counter(C).inc();
        registry.clear();
        const b = new InstanceMetrics(registry, { component_id: 'x.b', component_path: '/' });
        expect(() => b.counter(C).inc()).not.toThrow();
        expect(await metricValue(registry, C.name, { component_id: 'x.b' })).toBe(1);
    });

    it('handles are no-ops after close (a late callback cannot resurrect a series)', async () => {
        const registry = new Registry();
        const keep = new InstanceMetrics(registry, { component_id: 'x.keep', component_path: '/' });
        keep.counter(C);
        const m = new InstanceMetrics(registry, { component_id: 'x.a', component_path: '/' });
        const c = m.counter(C);
        m.close();
        c.inc(3);
        expect(await metricValue(registry, C.name, { component_id: 'x.a' })).toBeUndefined();
    });

    it('gauge providers are read from a snapshot and a throwing provider does not fail the scrape', async () => {
        const registry = new Registry();
        const a = new InstanceMetrics(registry, { component_id: 'x.a', component_path: '/' });
        const b = new InstanceMetrics(registry, { component_id: 'x.b', component_path: '/' });
        a.gaugeFn(G, undefined, () => {
            throw new Error('cannot tell');
        });
        b.gaugeFn(G, undefined, () => 7);
        await expect(registry.metrics()).resolves.toContain('flowlens_test_level{component_id="x.b",component_path="/"} 7');
    });

    it('refuses a name already registered by someone else', () => {
        const registry = new Registry();
        registry.registerMetric({ name: C.name, get: async () => ({}) } as never);
        const m = new InstanceMetrics(registry, { component_id: 'x.a', component_path: '/' });
        expect(() => m.counter(C)).toThrow(/already registered by something other/);
    });
});

describe('InstanceMetrics on the runtime registry (SafeRegistry)', () => {
    it('shares, releases and re-creates families without conflicts', async () => {
        const { SafeRegistry } = await import('../../../server/runtime/metrics.js');
        const registry = new SafeRegistry();
        for (let cycle = 0; cycle < 5; cycle++) {
            const a = new InstanceMetrics(registry, { component_id: 'x.a', component_path: '/' });
            const b = new InstanceMetrics(registry, { component_id: 'x.b', component_path: '/' });
            a.counter(C).inc();
            b.counter(C).inc(2);
            a.gaugeFn(G, undefined, () => 1);
            a.close();
            expect(await metricValue(registry, C.name, { component_id: 'x.b' })).toBe(2);
            b.close();
            expect(registry.getSingleMetric(C.name)).toBeUndefined();
        }
    });
});
