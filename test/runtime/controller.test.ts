// The controller: refusal of configurations it cannot run (one error, nothing
// started), module arguments and exports, reloads (diff by global ID; a broken
// reload keeps the old pipeline), config blocks, health and the component list.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationRefusedError, type Runtime } from '../../server/runtime/runtime.js';
import type { HealthEvent, ReloadEvent } from '../../protocol/runtime.js';
import { exportNumber, ROOT, sleep, startRuntime, waitFor } from './helpers.js';
import { LIFECYCLE } from './test-components.js';

let rt: Runtime | undefined;
beforeEach(() => {
    LIFECYCLE.length = 0;
});
afterEach(async () => {
    await rt?.stop('test done');
    rt = undefined;
});

describe('refusal', () => {
    it('lists every component the embedded runtime lacks in one error, and starts nothing', async () => {
        const config = `
testcomponents.lifecycle "first" { value = 1 }

loki.source.journal "logs" {
	forward_to = []
}

prometheus.exporter.process "procs" { }

declare "m" {
	beyla.ebpf "inside" { }
}
m "x" { }
`;
        const err = await startRuntime({ 'main.alloy': config }).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ConfigurationRefusedError);
        const message = (err as Error).message;
        expect(message).toContain("these components run on Grafana Alloy; they are not in flowlens' embedded runtime: ");
        for (const name of ['beyla.ebpf', 'loki.source.journal', 'prometheus.exporter.process']) expect(message).toContain(name);
        expect(message.split('\n')).toHaveLength(1);
        expect(LIFECYCLE).toEqual([]); // never half-started
    });

    it('refuses a configuration with errors, listing them with positions', async () => {
        const err = await startRuntime({ 'main.alloy': 'testcomponents.lifecycle "a" {\n\tvalue = nope.nothing\n}\n' }).then(
            () => undefined,
            (e: unknown) => e as Error,
        );
        expect(err).toBeInstanceOf(ConfigurationRefusedError);
        expect(err!.message).toMatch(/^the configuration has 1 error; fix it before running it:\n {2}\/cfg\/main\.alloy:2:\d+: component "nope.nothing" does not exist/);
        expect(LIFECYCLE).toEqual([]);
    });
});

describe('modules', () => {
    it('passes arguments (given or default) into a declare and its exports out; argument changes propagate', async () => {
        const config = (n: number) => `
declare "adder" {
	argument "a" { }
	argument "b" {
		optional = true
		default  = 10
	}

	testcomponents.lifecycle "sum" {
		value = argument.a.value + argument.b.value
	}

	export "total" {
		value = testcomponents.lifecycle.sum.value
	}
}

adder "one" {
	a = ${n}
}

adder "two" {
	a = adder.one.total
	b = 100
}

testcomponents.lifecycle "out" {
	value = adder.two.total
}
`;
        let host;
        ({ rt, host } = await startRuntime({ 'main.alloy': config(1) }));
        expect(exportNumber(rt, 'adder.one/testcomponents.lifecycle.sum', 'value')).toBe(11);
        expect(exportNumber(rt, 'testcomponents.lifecycle.out', 'value')).toBe(111);
        host.texts.set(`${ROOT}/main.alloy`, config(5));
        const event = await rt.reload();
        expect(event.ok).toBe(true);
        const runtime = rt;
        await waitFor(() => exportNumber(runtime, 'testcomponents.lifecycle.out', 'value') === 115, 2000, 'the new total');
        expect(event.updated).toContain('adder.one/testcomponents.lifecycle.sum');
    });

    it('passes capsules across module boundaries: a source inside a module sends to a receiver outside', async () => {
        const config = `
declare "producer" {
	argument "forward_to" { }

	testcomponents.pulse "p" {
		frequency  = "1ms"
		max        = 50
		batch      = 5
		forward_to = argument.forward_to.value
	}
}

producer "x" {
	forward_to = [testcomponents.summation_receiver.r.receiver]
}

testcomponents.summation_receiver "r" { }
`;
        ({ rt } = await startRuntime({ 'main.alloy': config }));
        const runtime = rt;
        await waitFor(() => exportNumber(runtime, 'testcomponents.summation_receiver.r', 'received') === 50, 3000, 'all values');
        expect(exportNumber(rt, 'testcomponents.summation_receiver.r', 'sum')).toBe(1275);
    });
});

describe('reload', () => {
    it('diffs by global ID: unchanged nodes are left alone, changed ones updated, new ones started, removed ones stopped', async () => {
        let host;
        ({ rt, host } = await startRuntime({ 'main.alloy': 'testcomponents.lifecycle "a" { value = 1 }\ntestcomponents.lifecycle "b" { value = 1 }\ntestcomponents.lifecycle "c" { value = 1 }\n' }));
        expect(LIFECYCLE.filter((l) => l.startsWith('start'))).toHaveLength(3);
        LIFECYCLE.length = 0;
        host.texts.set(`${ROOT}/main.alloy`, 'testcomponents.lifecycle "a" { value = 1 }\ntestcomponents.lifecycle "b" { value = 2 }\ntestcomponents.lifecycle "d" { value = 1 }\n');
        const event = await rt.reload();
        expect(event).toMatchObject({ ok: true, added: ['testcomponents.lifecycle.d'], removed: ['testcomponents.lifecycle.c'], updated: ['testcomponents.lifecycle.b'] });
        expect(LIFECYCLE.sort()).toEqual(['create testcomponents.lifecycle.d', 'start testcomponents.lifecycle.d', 'stop testcomponents.lifecycle.c', 'update testcomponents.lifecycle.b', 'update testcomponents.lifecycle.d'].sort());
    });

    it('a reload with errors (or unsupported components) keeps the old pipeline running and reports the error', async () => {
        const good = `
testcomponents.count "c" {
	frequency = "5ms"
	max       = 1000000
}

testcomponents.summation "s" {
	input = testcomponents.count.c.count
}
`;
        let host;
        ({ rt, host } = await startRuntime({ 'main.alloy': good }));
        const reloads: ReloadEvent[] = [];
        rt.on('reload', (e) => reloads.push(e));
        const runtime = rt;
        await waitFor(() => (exportNumber(runtime, 'testcomponents.summation.s', 'last_added') ?? 0) > 3, 2000, 'counting');

        host.texts.set(`${ROOT}/main.alloy`, good + '\ntestcomponents.summation "broken" {\n\tinput = testcomponents.count.missing.count\n}\n');
        const bad = await rt.reload();
        expect(bad.ok).toBe(false);
        expect(bad.error).toContain('component "testcomponents.count.missing.count" does not exist');

        host.texts.set(`${ROOT}/main.alloy`, good + '\nloki.source.journal "x" {\n\tforward_to = []\n}\n');
        const unsupported = await rt.reload();
        expect(unsupported.ok).toBe(false);
        expect(unsupported.error).toContain("not in flowlens' embedded runtime: loki.source.journal");

        // The old pipeline still runs.
        const before = exportNumber(rt, 'testcomponents.summation.s', 'last_added')!;
        await waitFor(() => exportNumber(runtime, 'testcomponents.summation.s', 'last_added')! > before + 3, 2000, 'still counting');
        expect(rt.components().map((c) => c.globalId).sort()).toEqual(['testcomponents.count.c', 'testcomponents.summation.s']);
        expect(reloads.map((r) => r.ok)).toEqual([false, false]);
        expect(await rt.metrics.render()).toMatch(/^flowlens_config_load_failures_total 2$/m);
        expect(rt.state).toBe('running');
    });
});

describe('runtime nodes', () => {
    it('applies tracing { sampling_fraction, write_to } so the runtime’s own spans reach the consumers', async () => {
        const config = `
tracing {
	sampling_fraction = 1
	write_to          = [testcomponents.trace_sink.t.input]
}

testcomponents.trace_sink "t" { }
testcomponents.lifecycle "a" { value = 1 }
`;
        ({ rt } = await startRuntime({ 'main.alloy': config }));
        const runtime = rt;
        await rt.stop('flush');
        rt = undefined;
        // The sink received the runtime's spans (EvaluateNode, GraphEvaluate, the root) at the final flush.
        expect(runtime.tracing.exported).toBeGreaterThan(3);
        expect(runtime.tracing.exported).toBeGreaterThanOrEqual(runtime.components().length); // an EvaluateNode span per node at least
        expect(runtime.exportsOf('testcomponents.trace_sink.t')?.get('spans')).toMatchObject({ kind: 'number' });
        expect(exportNumber(runtime, 'testcomponents.trace_sink.t', 'spans')).toBe(runtime.tracing.exported);
    });

    it('sampling_fraction = 0 records nothing', async () => {
        ({ rt } = await startRuntime({ 'main.alloy': 'tracing {\n\tsampling_fraction = 0\n\twrite_to          = [testcomponents.trace_sink.t.input]\n}\n\ntestcomponents.trace_sink "t" { }\ntestcomponents.lifecycle "a" { value = 1 }\n' }));
        const runtime = rt;
        await rt.stop('flush');
        rt = undefined;
        // Only spans started before the block was evaluated can be recorded: the root, GraphEvaluate,
        // and the evaluations of the sink and of the tracing block itself.
        const before = runtime.tracing.exported;
        expect(before).toBeLessThanOrEqual(4);
        expect(exportNumber(runtime, 'testcomponents.trace_sink.t', 'spans')).toBe(before);
    });

    it('reports evaluation failures as unhealthy, with health events, and recovers', async () => {
        let host;
        ({ rt, host } = await startRuntime({ 'main.alloy': 'testcomponents.summation "s" {\n\tinput = 1\n}\n' }));
        const events: HealthEvent[] = [];
        rt.on('health', (e) => events.push(e));
        expect(rt.components()[0].health.state).toBe('healthy');
        // A value the static checks cannot know is wrong: it comes from another component.
        host.texts.set(`${ROOT}/main.alloy`, 'testcomponents.passthrough "p" {\n\tinput = "x"\n}\n\ntestcomponents.summation "s" {\n\tinput = testcomponents.passthrough.p.output\n}\n');
        expect((await rt.reload()).ok).toBe(true);
        const info = rt.components().find((c) => c.globalId === 'testcomponents.summation.s')!;
        expect(info.health.state).toBe('unhealthy');
        expect(info.health.message).toContain('input must be a number');
        expect(events.at(-1)).toMatchObject({ globalId: 'testcomponents.summation.s', health: { state: 'unhealthy' } });
        host.texts.set(`${ROOT}/main.alloy`, 'testcomponents.summation "s" {\n\tinput = 2\n}\n');
        expect((await rt.reload()).ok).toBe(true);
        expect(rt.components()[0].health.state).toBe('healthy');
    });

    it('lists components with global IDs, kinds, positions and edges', async () => {
        const config = `
declare "m" {
	argument "in" { }

	testcomponents.passthrough "pt" {
		input = argument.in.value
	}

	export "out" {
		value = testcomponents.passthrough.pt.output
	}
}

m "a" {
	in = 1
}

testcomponents.summation "s" {
	input = m.a.out
}
`;
        ({ rt } = await startRuntime({ 'main.alloy': config }));
        const byId = new Map(rt.components().map((c) => [c.globalId, c]));
        expect([...byId.keys()].sort()).toEqual(['m.a', 'm.a/argument.in', 'm.a/export.out', 'm.a/testcomponents.passthrough.pt', 'testcomponents.summation.s']);
        expect(byId.get('m.a')).toMatchObject({ kind: 'custom', name: 'm', modulePath: '', localId: 'm.a', line: 14, column: 1, referencedBy: ['testcomponents.summation.s'] });
        expect(byId.get('m.a/testcomponents.passthrough.pt')).toMatchObject({ kind: 'component', modulePath: 'm.a', localId: 'testcomponents.passthrough.pt', file: `${ROOT}/main.alloy`, line: 5, references: ['m.a/argument.in'] });
        await sleep(10);
        expect(exportNumber(rt, 'testcomponents.summation.s', 'sum')).toBe(1);
    });

    it('logging { level } filters the runtime’s log events', async () => {
        let host;
        ({ rt, host } = await startRuntime({ 'main.alloy': 'logging {\n\tlevel = "error"\n}\n\ntestcomponents.lifecycle "a" { value = 1 }\n' }));
        const logs: string[] = [];
        rt.on('log', (e) => logs.push(`${e.level} ${e.message}`));
        host.texts.set(`${ROOT}/main.alloy`, 'logging {\n\tlevel = "error"\n}\n\ntestcomponents.lifecycle "a" { value = 2 }\n');
        await rt.reload(); // logs "configuration reloaded" at info: filtered
        expect(logs).toEqual([]);
    });
});
