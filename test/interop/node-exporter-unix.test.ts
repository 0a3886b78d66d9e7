// prometheus.exporter.unix against the real node_exporter (Debian's 1.5, which .ci/run installs):
// both run the same collectors on this host, and every metric family ours reports must exist in
// node_exporter's page with the same type and label names (values differ by nature), and every
// family node_exporter reports must be in ours, except for the documented differences between
// node_exporter 1.5 and the 1.10 line Alloy embeds. In CI node_exporter must be installed.

import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPLEMENTED } from '../../server/runtime/components/prometheus/exporter-unix/collectors.js';
import { prometheusExporterUnix } from '../../server/runtime/components/prometheus/exporter-unix/component.js';
import { body, startComponent, stopAll } from '../runtime/components/harness.js';
import { type FamilyShape, exportedTarget, familiesOf } from '../runtime/components/exporter-unix/families.js';
import { type Peer, startNodeExporter } from './peers.js';

const BIN = 'prometheus-node-exporter';
const missing = spawnSync('sh', ['-c', `command -v ${BIN}`]).status !== 0 ? `${BIN} not installed (apt-get install prometheus-node-exporter; .ci/run does)` : undefined;
if (missing) {
    if (process.env.CI) throw new Error(`node_exporter interop test: ${missing}`);
    console.warn(`node_exporter interop test skipped: ${missing}`);
}

/**
 * Families node_exporter 1.5 reports that the 1.10 line (Alloy's) does not: /proc/meminfo fields its
 * procfs library does not know (1.5 reported every line), and netlink's nohandler counter (Alloy reads
 * /proc/net/dev, and so does flowlens; 1.5 is run with --no-collector.netdev.netlink for that reason,
 * but the family stays absent either way).
 */
const ONLY_IN_1_5 = (name: string) => /^node_memory_(Balloon|FileHugePages|FilePmdMapped|Hugetlb|KReclaimable|SecPageTables|Unaccepted)(_bytes)?$/.test(name) || name === 'node_network_receive_nohandler_total';

/** Labels whose value describes the build and is empty in flowlens' (an empty value is an absent label). */
const EMPTY_IN_OURS: Readonly<Record<string, readonly string[]>> = { node_exporter_build_info: ['branch'] };

/** Families and labels added after 1.5: in ours (as Alloy's node_exporter reports them), not in 1.5's. */
const ONLY_IN_ALLOY = new Set(['node_filesystem_mount_info', 'node_os_support_end_timestamp_seconds', 'node_cpu_online', 'node_cpu_isolated']);
const LABELS_ADDED_AFTER_1_5: Readonly<Record<string, readonly string[]>> = {
    node_disk_info: ['rotational'],
    node_exporter_build_info: ['tags'],
    ...Object.fromEntries(['size_bytes', 'free_bytes', 'avail_bytes', 'files', 'files_free', 'readonly', 'device_error'].map((f) => [`node_filesystem_${f}`, ['device_error']])),
};

describe.skipIf(missing !== undefined)('prometheus.exporter.unix against node_exporter 1.5', () => {
    let peer: Peer;
    let theirs: Map<string, FamilyShape>;
    let ours: Map<string, FamilyShape>;

    beforeAll(async () => {
        // node_exporter's defaults that differ from Alloy's are set to Alloy's.
        peer = await startNodeExporter(['--collector.disable-defaults', ...IMPLEMENTED.map((c) => `--collector.${c}`), '--no-collector.cpu.guest', '--no-collector.netdev.netlink', '--collector.netdev.device-exclude=', '--collector.cpu.info', '--collector.cpu.info.flags-include=^(fpu|sse2?)$', '--collector.cpu.info.bugs-include=.']);
        const cpu = body({ info: true, flags_include: '^(fpu|sse2?)$', bugs_include: '.' });
        const r = await startComponent(prometheusExporterUnix, body({ set_collectors: [...IMPLEMENTED] }, { cpu }));
        const field = exportedTarget(r.ctx.exports!.targets);
        const [oursText, theirsText] = await Promise.all([fetch(`http://${field('__address__')}${field('__metrics_path__')}`).then((res) => res.text()), fetch(`${peer.url}/metrics`).then((res) => res.text())]);
        ours = familiesOf(oursText);
        theirs = new Map([...familiesOf(theirsText)].filter(([n]) => n.startsWith('node_')));
    }, 60_000);

    afterAll(async () => {
        await stopAll();
        await peer?.stop();
    });

    it('every family of ours is node_exporter’s, with its type and label names', () => {
        const problems: string[] = [];
        for (const [name, f] of ours) {
            if (ONLY_IN_ALLOY.has(name)) continue;
            const t = theirs.get(name);
            if (t === undefined) {
                problems.push(`${name}: not in node_exporter's page`);
                continue;
            }
            if (t.type !== f.type) problems.push(`${name}: type ${f.type}, node_exporter says ${t.type}`);
            const added = LABELS_ADDED_AFTER_1_5[name] ?? [];
            const labels = f.labels.filter((l) => !added.includes(l));
            const expected = t.labels.filter((l) => !(EMPTY_IN_OURS[name] ?? []).includes(l));
            if (JSON.stringify(labels) !== JSON.stringify(expected)) problems.push(`${name}: labels ${labels.join(',')}, node_exporter has ${expected.join(',')}`);
        }
        expect(problems).toEqual([]);
    });

    it('every family node_exporter reports is in ours, but for the documented version differences', () => {
        const absent = [...theirs.keys()].filter((n) => !ours.has(n) && !ONLY_IN_1_5(n));
        expect(absent).toEqual([]);
        // The comparison is not vacuous: the host has CPUs, memory, a filesystem and network devices.
        for (const name of ['node_cpu_info', 'node_cpu_flag_info', 'node_cpu_seconds_total', 'node_memory_MemTotal_bytes', 'node_filesystem_size_bytes', 'node_network_receive_bytes_total', 'node_load1', 'node_uname_info', 'node_vmstat_pgfault']) expect(ours.has(name), name).toBe(true);
    });
});
