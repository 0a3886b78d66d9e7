// Whether a configuration can run, told before anything starts: the dry run's per-node report,
// refusal of nodes whose evaluation fails (nothing started), --allow-partial skipping them, a
// configuration with nothing to run, and the notes for harmlessly ignored arguments.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryHost } from '../analysis/memory-host.js';
import { ConfigurationRefusedError, Runtime } from '../../server/runtime/runtime.js';
import { UNSUPPORTED_SUFFIX } from '../../server/runtime/components/index.js';
import { ROOT, startRuntime } from './helpers.js';
import { LIFECYCLE, TEST_COMPONENTS } from './test-components.js';

let rt: Runtime | undefined;
beforeEach(() => {
    LIFECYCLE.length = 0;
});
afterEach(async () => {
    await rt?.stop('test done');
    rt = undefined;
});

function dryRun(text: string) {
    return Runtime.dryRun({ path: `${ROOT}/main.alloy`, host: new MemoryHost({ 'main.alloy': text }), registryDefinitions: TEST_COMPONENTS });
}

async function refusal(p: Promise<unknown>): Promise<Error> {
    const err = await p.then(
        () => undefined,
        (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(ConfigurationRefusedError);
    return err!;
}

/** A summation fed a string: only evaluation (not the analysis) can tell it is wrong. */
const EVALUATION_FAILS = `
testcomponents.lifecycle "ok" { value = 1 }

testcomponents.passthrough "p" {
	input = "x"
}

testcomponents.summation "s" {
	input = testcomponents.passthrough.p.output
}
`;

describe('run --dry-run (Runtime.dryRun)', () => {
    it('reports every node with the reason it cannot run, evaluating but starting nothing', async () => {
        const report = await dryRun(`
testcomponents.lifecycle "a" { value = 1 }

prometheus.exporter.process "host" { }

testcomponents.passthrough "p" {
	input = prometheus.exporter.process.host.targets
}
`);
        expect(report.runnable).toBe(false);
        const byId = Object.fromEntries(report.nodes.map((n) => [n.id, n]));
        expect(byId['testcomponents.lifecycle.a']).toEqual({ id: 'testcomponents.lifecycle.a', component: 'testcomponents.lifecycle', runnable: true });
        expect(byId['prometheus.exporter.process.host']).toMatchObject({ runnable: false, reason: expect.stringContaining("component not implemented in flowlens' embedded runtime") });
        expect(byId['testcomponents.passthrough.p']).toMatchObject({ runnable: false, reason: 'depends on prometheus.exporter.process.host, which cannot run' });
        expect(LIFECYCLE).toEqual(['create testcomponents.lifecycle.a', 'update testcomponents.lifecycle.a', 'stop testcomponents.lifecycle.a']);
    });

    it('says what a component needs from the host when that is why it cannot run here', async () => {
        const report = await dryRun('loki.source.windowsevent "security" {\n\teventlog_name = "Security"\n\tforward_to    = []\n}\n\nbeyla.ebpf "default" { }\n');
        const reason = (id: string) => report.nodes.find((n) => n.id === id)?.reason;
        expect(reason('loki.source.windowsevent.security')).toBe(
            'loki.source.windowsevent reads the Windows Event Log through the Windows API, which exists only on Windows — run it on Grafana Alloy',
        );
        expect(reason('beyla.ebpf.default')).toMatch(/^beyla\.ebpf loads eBPF programs into the Linux kernel .* which needs root/);
    });

    it('names an argument the implementation does not support, and notes the ones it ignores harmlessly', async () => {
        const report = await dryRun(`
prometheus.scrape "s" {
	targets         = []
	forward_to      = []
	honor_metadata  = true
	scrape_failure_log_file = "/tmp/failures.log"
}

prometheus.remote_write "w" {
	endpoint {
		url               = "http://127.0.0.1:1/api/v1/write"
		round_robin_dns   = true
	}
}
`);
        const byId = Object.fromEntries(report.nodes.map((n) => [n.id, n]));
        expect(byId['prometheus.remote_write.w']).toMatchObject({ runnable: true, notes: ['endpoint > round_robin_dns is ignored (harmless when run locally)'] });
        expect(byId['prometheus.scrape.s']).toMatchObject({ runnable: false, reason: `argument "scrape_failure_log_file" ${UNSUPPORTED_SUFFIX}` });
    });

    it('calls a configuration without components not runnable, and says why', async () => {
        const report = await dryRun('logging {\n\tlevel = "info"\n}\n');
        expect(report).toMatchObject({ runnable: false, problems: ['the configuration has no components: there is nothing to run'] });
    });
});

describe('refusal before start', () => {
    it('refuses a configuration whose evaluation fails, listing the node and the message, and starts nothing', async () => {
        const err = await refusal(startRuntime({ 'main.alloy': EVALUATION_FAILS }));
        expect(err.message).toMatch(/^1 of 3 nodes cannot run \(--allow-partial runs the others\):\n {2}testcomponents\.summation\.s: .*input must be a number/);
        expect(LIFECYCLE.filter((l) => l.startsWith('start'))).toEqual([]);
        expect(LIFECYCLE.at(-1)).toBe('stop testcomponents.lifecycle.ok');
    });

    it('--allow-partial runs the rest and marks the skipped node', async () => {
        ({ rt } = await startRuntime({ 'main.alloy': EVALUATION_FAILS }, { allowPartial: true }));
        expect(LIFECYCLE).toContain('start testcomponents.lifecycle.ok');
        const skipped = rt.components().find((c) => c.globalId === 'testcomponents.summation.s')!;
        expect(skipped.health).toMatchObject({ state: 'skipped', message: expect.stringMatching(/^skipped: .*input must be a number/) });
        expect(rt.readiness.nodes.filter((n) => !n.runnable).map((n) => n.id)).toEqual(['testcomponents.summation.s']);
    });

    it('refuses a configuration with nothing to run, partial or not', async () => {
        const none = 'logging {\n\tlevel = "info"\n}\n';
        expect((await refusal(startRuntime({ 'main.alloy': none }))).message).toBe('the configuration has no components: there is nothing to run');
        const nothingRunnable = 'loki.source.journal "a" {\n\tforward_to = []\n}\n';
        expect((await refusal(startRuntime({ 'main.alloy': nothingRunnable }, { allowPartial: true }))).message).toContain('there is nothing to run');
    });
});
