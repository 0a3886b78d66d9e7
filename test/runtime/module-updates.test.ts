// Port of grafana/agent PR #6212's TestUpdates_TwoModules_SameCompNames with
// flowlens' test components: two instances of one module, each a counter →
// passthrough → `export "output"`, consumed by two summations. Both must see
// the final value. Keyed by local ID (the bug), the two modules' nodes share
// keys in the work queue and one module's updates are dropped.

import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../server/runtime/runtime.js';
import { exportNumber, sleep, startRuntime, waitFor } from './helpers.js';

const MODULE_BODY = `
testcomponents.count "inc" {
	frequency = "1ms"
	max       = 100
}

testcomponents.passthrough "pt" {
	input = testcomponents.count.inc.count
	lag   = "1ms"
}

export "output" {
	value = testcomponents.passthrough.pt.output
}
`;

const TWO_FLOW_MODULES = `
module.string "test_1" {
	content = \`${MODULE_BODY}\`
}

module.string "test_2" {
	content = \`${MODULE_BODY}\`
}

testcomponents.summation "sum_1" {
	input = module.string.test_1.exports.output
}

testcomponents.summation "sum_2" {
	input = module.string.test_2.exports.output
}
`;

const TWO_DECLARE_INSTANCES = `
declare "counter_module" {
${MODULE_BODY}
}

counter_module "test_1" { }
counter_module "test_2" { }

testcomponents.summation "sum_1" {
	input = counter_module.test_1.output
}

testcomponents.summation "sum_2" {
	input = counter_module.test_2.output
}
`;

/** Three levels: outer → middle → inner, where inner holds the counter and passthrough. */
const THREE_LEVELS = `
declare "inner" {
${MODULE_BODY}
}

declare "middle" {
	inner "x" { }

	export "output" {
		value = inner.x.output
	}
}

declare "outer" {
	middle "x" { }

	export "output" {
		value = middle.x.output
	}
}

outer "test_1" { }
outer "test_2" { }

testcomponents.summation "sum_1" {
	input = outer.test_1.output
}

testcomponents.summation "sum_2" {
	input = outer.test_2.output
}
`;

function manyInstances(n: number): string {
    const lines = [`declare "counter_module" {\n${MODULE_BODY}\n}`];
    for (let i = 1; i <= n; i++) {
        lines.push(`counter_module "m${i}" { }`);
        lines.push(`testcomponents.summation "sum_${i}" {\n\tinput = counter_module.m${i}.output\n}`);
    }
    return lines.join('\n\n');
}

let rt: Runtime | undefined;
afterEach(async () => {
    await rt?.stop('test done');
    rt = undefined;
});

async function converge(files: Record<string, string>, sums: string[], timeoutMs = 3000, queueKey?: 'local' | 'global'): Promise<number> {
    ({ rt } = await startRuntime(files, queueKey ? { queueKey } : {}));
    const runtime = rt;
    return waitFor(() => sums.every((s) => exportNumber(runtime, s, 'last_added') === 100), timeoutMs, `${sums.join(', ')} to reach 100`);
}

describe('updates across modules with the same local IDs (grafana/agent PR #6212)', () => {
    it('two Agent Flow module.string instances: both summations reach the final value', async () => {
        const ms = await converge({ 'main.river': TWO_FLOW_MODULES }, ['testcomponents.summation.sum_1', 'testcomponents.summation.sum_2']);
        console.log(`[measure] two module.string instances converged in ${ms.toFixed(0)} ms`);
        // Same local IDs, distinct global IDs.
        const ids = rt!.components().map((c) => c.globalId);
        expect(ids).toContain('module.string.test_1/export.output');
        expect(ids).toContain('module.string.test_2/export.output');
    });

    it('an Alloy declare instantiated twice: both summations reach the final value', async () => {
        const ms = await converge({ 'main.alloy': TWO_DECLARE_INSTANCES }, ['testcomponents.summation.sum_1', 'testcomponents.summation.sum_2']);
        console.log(`[measure] two declare instances converged in ${ms.toFixed(0)} ms`);
        expect(exportNumber(rt!, 'counter_module.test_1/testcomponents.count.inc', 'count')).toBe(100);
        expect(exportNumber(rt!, 'counter_module.test_2/testcomponents.count.inc', 'count')).toBe(100);
    });

    it('three levels of nesting', async () => {
        const ms = await converge({ 'main.alloy': THREE_LEVELS }, ['testcomponents.summation.sum_1', 'testcomponents.summation.sum_2']);
        console.log(`[measure] three nesting levels converged in ${ms.toFixed(0)} ms`);
        expect(rt!.components().map((c) => c.globalId)).toContain('outer.test_2/middle.x/inner.x/testcomponents.passthrough.pt');
    });

    it('20 instances updating at once', async () => {
        const sums = Array.from({ length: 20 }, (_, i) => `testcomponents.summation.sum_${i + 1}`);
        const ms = await converge({ 'main.alloy': manyInstances(20) }, sums, 10_000);
        console.log(`[measure] 20 instances converged in ${ms.toFixed(0)} ms`);
    });

    it('a tiny work queue (2 waiting) makes submitters back off and retry, and still loses nothing', async () => {
        const sums = Array.from({ length: 20 }, (_, i) => `testcomponents.summation.sum_${i + 1}`);
        ({ rt } = await startRuntime({ 'main.alloy': manyInstances(20) }, { maxWaiting: 2, concurrency: 1 }));
        const runtime = rt;
        const retries: string[] = [];
        rt.on('log', (e) => e.message.startsWith('failed to submit node for evaluation - will retry') && retries.push(e.message));
        const ms = await waitFor(() => sums.every((s) => exportNumber(runtime, s, 'last_added') === 100), 20_000, 'all summations');
        console.log(`[measure] 20 instances through a 2-slot queue converged in ${ms.toFixed(0)} ms with ${retries.length} backoffs`);
        expect(retries.length).toBeGreaterThan(0);
    });

    it('keyed by local ID (the bug), updates are lost and a summation stalls', async () => {
        ({ rt } = await startRuntime({ 'main.river': TWO_FLOW_MODULES }, { queueKey: 'local' }));
        const runtime = rt;
        // Let both counters finish (100 ticks of 1 ms), then some.
        await waitFor(() => exportNumber(runtime, 'module.string.test_1/testcomponents.count.inc', 'count') === 100 && exportNumber(runtime, 'module.string.test_2/testcomponents.count.inc', 'count') === 100, 5000, 'both counters');
        await sleep(500);
        const finals = [exportNumber(runtime, 'testcomponents.summation.sum_1', 'last_added'), exportNumber(runtime, 'testcomponents.summation.sum_2', 'last_added')];
        console.log(`[measure] local-ID keys: last_added = ${finals.join(', ')} (coalesced ${runtime['controller'].workQueue.stats.coalesced})`);
        expect(finals.every((v) => v === 100)).toBe(false);
    });
});
