// prometheus.exporter.unix as a component: the target it exports, the page it serves there,
// prometheus.scrape scraping it, Alloy's collector selection, and the refusal (with the reason a
// dry run prints) of collectors and settings flowlens does not implement.

import { afterEach, describe, expect, it } from 'vitest';
import { UNSUPPORTED_SUFFIX } from '../../../../server/runtime/components/decode.js';
import { selectCollectors } from '../../../../server/runtime/components/prometheus/exporter-unix/collectors.js';
import { platformProblem, prometheusExporterUnix } from '../../../../server/runtime/components/prometheus/exporter-unix/component.js';
import { prometheusScrape } from '../../../../server/runtime/components/prometheus/scrape.js';
import { Runtime } from '../../../../server/runtime/runtime.js';
import { MemoryHost } from '../../../analysis/memory-host.js';
import { ROOT } from '../../helpers.js';
import { body, labelsOf, sampleSink, startComponent, stopAll, waitFor } from '../harness.js';
import { exportedTarget, familiesOf } from './families.js';

afterEach(stopAll);

it('prometheus.exporter.unix runs on Linux only, and says so elsewhere', () => {
    expect(platformProblem('linux')).toBeUndefined();
    expect(platformProblem('darwin')).toBe(`on darwin ${UNSUPPORTED_SUFFIX} (flowlens implements node_exporter's Linux collectors, which read /proc and /sys)`);
});

const notLinux = process.platform !== 'linux';
if (notLinux) console.warn(`prometheus.exporter.unix component tests skipped: they read this host's /proc and /sys, and this is ${process.platform}`);

describe.skipIf(notLinux)('prometheus.exporter.unix', () => {
    it('exports one target as Alloy does and serves the page there', async () => {
        const r = await startComponent(prometheusExporterUnix, body({ set_collectors: ['loadavg', 'uname'] }), { label: 'host' });
        const target = exportedTarget(r.ctx.exports!.targets);
        expect(target('job')).toBe('integrations/unix');
        expect(target('__metrics_path__')).toBe('/api/v0/component/prometheus.exporter.unix.host/metrics');
        expect(target('__meta_component_name')).toBe('prometheus.exporter.unix');
        expect(target('__meta_component_id')).toBe('prometheus.exporter.unix.host');
        expect(target('instance')).not.toBe('');
        expect(target('__address__')).toMatch(/^127\.0\.0\.1:\d+$/);
        const res = await fetch(`http://${target('__address__')}${target('__metrics_path__')}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toContain('version=0.0.4');
        const families = familiesOf(await res.text());
        expect([...families.keys()].sort()).toEqual(['node_exporter_build_info', 'node_load1', 'node_load15', 'node_load5', 'node_scrape_collector_duration_seconds', 'node_scrape_collector_success', 'node_uname_info']);
        expect(families.get('node_scrape_collector_success')).toEqual({ type: 'gauge', labels: ['collector'] });
        expect((await fetch(`http://${target('__address__')}/metrics`)).status).toBe(404);
        expect(r.ctx.health.message).toContain('2 collector(s) (loadavg, uname)');
    });

    it('is scraped by prometheus.scrape through its exported targets', async () => {
        const exporter = await startComponent(prometheusExporterUnix, body({ set_collectors: ['loadavg', 'stat', 'meminfo'] }));
        const sink = sampleSink();
        await startComponent(prometheusScrape, body({ targets: exporter.ctx.exports!.targets, forward_to: [sink.value], scrape_interval: '1s' }));
        await waitFor(() => sink.samples.some((s) => labelsOf(s).__name__ === 'up'), 10_000, 'a scrape');
        const byName = (n: string) => sink.samples.filter((s) => labelsOf(s).__name__ === n);
        expect(byName('up')[0].value).toBe(1);
        const load = byName('node_load1')[0];
        expect(labelsOf(load)).toMatchObject({ job: 'integrations/unix', instance: exportedTarget(exporter.ctx.exports!.targets)('instance') });
        expect(byName('node_memory_MemTotal_bytes')[0].value).toBeGreaterThan(0);
        expect(byName('node_scrape_collector_success').map((s) => [labelsOf(s).collector, s.value]).sort()).toEqual([
            ['loadavg', 1],
            ['meminfo', 1],
            ['stat', 1],
        ]);
    });

    it('selects collectors as Alloy does: set_collectors replaces the defaults, then disable, then enable', () => {
        const defaults = selectCollectors([], [], []);
        expect(defaults.run).toEqual(['cpu', 'diskstats', 'filesystem', 'loadavg', 'meminfo', 'netdev', 'os', 'stat', 'time', 'uname', 'vmstat']);
        expect(defaults.notCollected).toContain('netstat');
        expect(defaults.unsupported).toEqual([]);
        expect(selectCollectors([], [], ['cpu', 'netstat']).run).not.toContain('cpu');
        expect(selectCollectors(['cpu', 'meminfo'], ['loadavg'], ['meminfo']).run).toEqual(['cpu', 'loadavg']);
        expect(selectCollectors(['cpu'], [], []).notCollected).toEqual([]);
        expect(selectCollectors(['cpu', 'systemd'], [], []).unsupported).toEqual(['systemd']);
        expect(selectCollectors([], ['systemd'], ['systemd']).unsupported).toEqual(['systemd']);
        // Collectors of other systems are dropped on Linux without a word (as Alloy does); unknown names are reported.
        expect(selectCollectors([], ['boottime', 'nosuch'], []).unknown).toEqual(['nosuch']);
    });

    it('names the default collectors it does not collect, and warns about unknown names', async () => {
        const r = await startComponent(prometheusExporterUnix, body({ enable_collectors: ['nosuch'], disable_collectors: ['netstat'] }));
        expect(r.ctx.health.state).toBe('healthy');
        expect(r.ctx.health.message).toMatch(/default collectors not implemented in flowlens, not collected: .*\bhwmon\b/);
        expect(r.ctx.health.message).not.toMatch(/not collected: .*\bnetstat\b/);
        expect(r.ctx.logs.some((l) => l.level === 'warn' && l.message.includes('"nosuch"'))).toBe(true);
    });

    it('refuses collectors and settings it does not implement, naming them', async () => {
        const refused = async (args: Record<string, unknown>, blocks = {}) => (await startComponent(prometheusExporterUnix, body(args, blocks)).then(() => undefined, (e: Error) => e))?.message;
        expect(await refused({ set_collectors: ['cpu', 'systemd', 'netstat'] })).toBe(
            `set_collectors: collectors "netstat", "systemd" ${UNSUPPORTED_SUFFIX} (flowlens implements cpu, diskstats, filesystem, loadavg, meminfo, netdev, os, stat, time, uname, vmstat)`,
        );
        expect(await refused({ enable_collectors: ['textfile'] })).toMatch(/^enable_collectors: collector "textfile" is not supported/);
        expect(await refused({ include_exporter_metrics: true })).toMatch(/^include_exporter_metrics: /);
        expect(await refused({}, { cpu: body({ flags_include: '[' }) })).toMatch(/cpu > flags_include: invalid regular expression/);
        expect(await refused({}, { disk: body({ device_exclude: '(' }) })).toMatch(/disk > device_exclude: invalid regular expression/);
        expect(await refused({}, { filesystem: body({ mount_timeout: '0s' }) })).toMatch(/filesystem > mount_timeout/);
    });

    it('a dry run says why a configuration naming an unimplemented collector cannot run', async () => {
        const text = 'prometheus.exporter.unix "host" {\n\tset_collectors = ["cpu", "systemd"]\n}\n\nprometheus.exporter.unix "ok" { }\n';
        const report = await Runtime.dryRun({ path: `${ROOT}/main.alloy`, host: new MemoryHost({ 'main.alloy': text }) });
        const byId = Object.fromEntries(report.nodes.map((n) => [n.id, n]));
        expect(byId['prometheus.exporter.unix.host']).toMatchObject({ runnable: false, reason: expect.stringContaining('collector "systemd" is not supported by flowlens') });
        expect(byId['prometheus.exporter.unix.ok']).toMatchObject({ runnable: true });
    });
});
