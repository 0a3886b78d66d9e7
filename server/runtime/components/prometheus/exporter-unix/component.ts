// prometheus.exporter.unix: node_exporter's Linux collectors, read from /proc and /sys
// in process, served in the Prometheus text format on a loopback HTTP endpoint whose
// address the component exports as its one target (job "integrations/unix", instance
// the host name, `__metrics_path__` Alloy's /api/v0/component/<id>/metrics), so
// prometheus.scrape and discovery.relabel use it as they use Alloy's.
//
// Collectors follow Alloy's selection (set_collectors, enable_collectors,
// disable_collectors over node_exporter's Linux defaults). Those flowlens does not
// implement are refused when named, and reported as not collected when they are
// merely defaults; see collectors.ts.

import type http from 'node:http';
import os from 'node:os';
import type { ArgumentBody, Component, ComponentContext, ComponentDefinition } from '../../../component.js';
import { Args, ArgumentError, UNSUPPORTED_SUFFIX, attr, block, schema } from '../../decode.js';
import { targetsValue } from '../../discovery/relabel.js';
import { ManagedServer, sendText } from '../../http-server.js';
import { IMPLEMENTED, selectCollectors } from './collectors.js';
import { cpuCollector } from './cpu.js';
import { DEFAULT_DISK_DEVICE_EXCLUDE, diskstatsCollector } from './diskstats.js';
import { DEFAULT_FS_TYPES_EXCLUDE, DEFAULT_MOUNT_POINTS_EXCLUDE, filesystemCollector } from './filesystem.js';
import { type Collector, DEFAULT_PATHS, type HostPaths } from './host.js';
import { loadavgCollector } from './loadavg.js';
import { meminfoCollector } from './meminfo.js';
import { netdevCollector } from './netdev.js';
import { type CollectionResult, collect } from './node-collector.js';
import { osCollector } from './os.js';
import { statCollector } from './stat.js';
import { timeCollector } from './time.js';
import { unameCollector } from './uname.js';
import { DEFAULT_VMSTAT_FIELDS, vmstatCollector } from './vmstat.js';

const s = (name: string) => attr(name, 'string');
const b = (name: string) => attr(name, 'boolean');

const SCHEMA = schema(
    [
        attr('include_exporter_metrics', 'bool'),
        attr('procfs_path', 'string'),
        attr('sysfs_path', 'string'),
        attr('rootfs_path', 'string'),
        attr('udev_data_path', 'string'),
        attr('enable_collectors', 'list(string)'),
        attr('disable_collectors', 'list(string)'),
        attr('set_collectors', 'list(string)'),
    ],
    [
        // Implemented.
        block('cpu', false, [s('bugs_include'), b('guest'), b('info'), s('flags_include')]),
        block('disk', false, [s('device_exclude'), s('device_include')]),
        block('filesystem', false, [s('fs_types_exclude'), s('mount_points_exclude'), attr('mount_timeout', 'duration')]),
        block('netdev', false, [b('address_info'), s('device_exclude'), s('device_include')]),
        block('vmstat', false, [s('fields')]),
        // Settings of collectors flowlens does not implement: harmless while those collectors are off
        // (a configuration that names one of them is refused).
        block('arp', false, [s('device_exclude'), s('device_include'), b('netlink')]),
        block('bcache', false, [b('priority_stats')]),
        block('ethtool', false, [s('device_exclude'), s('device_include'), s('metrics_include')]),
        block('hwmon', false, [s('chip_exclude'), s('chip_include')]),
        block('ipvs', false, [attr('backend_labels', 'list(string)')]),
        block('ntp', false, [attr('ip_ttl', 'int'), attr('local_offset_tolerance', 'duration'), attr('max_distance', 'duration'), attr('protocol_version', 'int'), s('server'), b('server_is_local')]),
        block('netclass', false, [b('ignore_invalid_speed_device'), s('ignored_devices')]),
        block('netstat', false, [s('fields')]),
        block('perf', false, [
            s('cpus'),
            attr('tracepoint', 'list(string)'),
            b('disable_hardware_profilers'),
            b('disable_software_profilers'),
            b('disable_cache_profilers'),
            attr('hardware_profilers', 'list(string)'),
            attr('software_profilers', 'list(string)'),
            attr('cache_profilers', 'list(string)'),
        ]),
        block('powersupply', false, [s('ignored_supplies')]),
        block('runit', false, [s('service_dir')]),
        block('supervisord', false, [s('url')]),
        block('sysctl', false, [attr('include', 'list(string)'), attr('include_info', 'list(string)')]),
        block('systemd', false, [b('enable_restarts'), b('start_time'), b('task_metrics'), s('unit_exclude'), s('unit_include')]),
        block('tapestats', false, [s('ignored_devices')]),
        block('textfile', false, [s('directory')]),
    ],
    [{ name: 'targets', type: 'list(map(string))' }],
);

const NAME = 'prometheus.exporter.unix';

/** Alloy's instance key for this exporter: $HOSTNAME, else the host name, else "unknown". */
function hostNameInstanceKey(): string {
    return process.env.HOSTNAME || os.hostname() || 'unknown';
}

interface Configured {
    collectors: Map<string, Collector>;
    notCollected: string[];
    unknown: string[];
}

/**
 * Why the exporter cannot run on this operating system, or undefined on Linux. Alloy's node_exporter
 * has other collectors on macOS and the BSDs (sysctl, IOKit); flowlens implements the Linux ones only.
 */
export function platformProblem(platform: NodeJS.Platform): string | undefined {
    if (platform === 'linux') return undefined;
    return `on ${platform} ${UNSUPPORTED_SUFFIX} (flowlens implements node_exporter's Linux collectors, which read /proc and /sys)`;
}

function configure(args: Args): Configured {
    const platform = platformProblem(process.platform);
    if (platform !== undefined) throw new ArgumentError(`${NAME} ${platform}`);
    if (args.bool('include_exporter_metrics', false)) args.fail('include_exporter_metrics', `true (the exporter's own promhttp metrics) ${UNSUPPORTED_SUFFIX}`);
    const paths: HostPaths = {
        procfs: args.string('procfs_path', DEFAULT_PATHS.procfs),
        sysfs: args.string('sysfs_path', DEFAULT_PATHS.sysfs),
        rootfs: args.string('rootfs_path', DEFAULT_PATHS.rootfs),
        udevData: args.string('udev_data_path', DEFAULT_PATHS.udevData),
    };
    const selection = selectCollectors(args.stringList('set_collectors') ?? [], args.stringList('enable_collectors') ?? [], args.stringList('disable_collectors') ?? []);
    if (selection.unsupported.length > 0) {
        const where = args.has('set_collectors') ? 'set_collectors' : 'enable_collectors';
        const list = selection.unsupported.map((c) => JSON.stringify(c)).join(', ');
        throw new ArgumentError(
            `${where}: collector${selection.unsupported.length > 1 ? 's' : ''} ${list} ${UNSUPPORTED_SUFFIX} (flowlens implements ${IMPLEMENTED.join(', ')})`,
        );
    }
    const cpu = args.block('cpu');
    const flagsInclude = cpu?.string('flags_include', '') ?? '';
    const bugsInclude = cpu?.string('bugs_include', '') ?? '';
    // As in node_exporter, an include pattern turns the info metrics on.
    const cpuInfo = (cpu?.bool('info', false) ?? false) || flagsInclude !== '' || bugsInclude !== '';
    const disk = args.block('disk');
    const filesystem = args.block('filesystem');
    const netdev = args.block('netdev');
    const vmstat = args.block('vmstat');
    const factories: Record<string, () => Collector> = {
        cpu: () =>
            cpuCollector(paths, {
                guest: cpu?.bool('guest', false) ?? false,
                info: cpuInfo ? { flagsInclude, bugsInclude, frequency: selection.enabled.includes('cpufreq') } : undefined,
            }),
        diskstats: () => diskstatsCollector(paths, { deviceExclude: disk?.string('device_exclude', DEFAULT_DISK_DEVICE_EXCLUDE) ?? DEFAULT_DISK_DEVICE_EXCLUDE, deviceInclude: disk?.string('device_include', '') ?? '' }),
        filesystem: () =>
            filesystemCollector(paths, {
                mountPointsExclude: filesystem?.string('mount_points_exclude', DEFAULT_MOUNT_POINTS_EXCLUDE) ?? DEFAULT_MOUNT_POINTS_EXCLUDE,
                fsTypesExclude: filesystem?.string('fs_types_exclude', DEFAULT_FS_TYPES_EXCLUDE) ?? DEFAULT_FS_TYPES_EXCLUDE,
                mountTimeoutMs: filesystem?.duration('mount_timeout', 5000, { allowZero: false }) ?? 5000,
            }),
        loadavg: () => loadavgCollector(paths),
        meminfo: () => meminfoCollector(paths),
        netdev: () => netdevCollector(paths, { deviceExclude: netdev?.string('device_exclude', '') ?? '', deviceInclude: netdev?.string('device_include', '') ?? '', addressInfo: netdev?.bool('address_info', false) ?? false }),
        os: () => osCollector(paths),
        stat: () => statCollector(paths),
        time: () => timeCollector(paths),
        uname: () => unameCollector(),
        vmstat: () => vmstatCollector(paths, vmstat?.string('fields', DEFAULT_VMSTAT_FIELDS) ?? DEFAULT_VMSTAT_FIELDS),
    };
    const collectors = new Map<string, Collector>();
    for (const name of selection.run) {
        try {
            collectors.set(name, factories[name]());
        } catch (e) {
            throw new ArgumentError((e as Error).message);
        }
    }
    return { collectors, notCollected: selection.notCollected, unknown: selection.unknown };
}

class PrometheusExporterUnix implements Component {
    private collectors = new Map<string, Collector>();
    private readonly server = new ManagedServer((req, res) => this.handle(req, res));
    private readonly metricsPath: string;
    private lastFailures = '';

    constructor(private readonly ctx: ComponentContext) {
        this.metricsPath = `/api/v0/component/${ctx.globalId}/metrics`;
    }

    async update(body: ArgumentBody): Promise<void> {
        const args = Args.of(NAME, SCHEMA, body);
        const configured = configure(args);
        this.collectors = configured.collectors;
        await this.server.listen({ host: this.ctx.defaultHost, port: 0 });
        const { host, port } = this.server.address!;
        const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
        this.ctx.setExports({
            targets: targetsValue([
                {
                    __address__: address,
                    __scheme__: 'http',
                    __metrics_path__: this.metricsPath,
                    __meta_component_name: NAME,
                    __meta_component_id: this.ctx.globalId,
                    instance: hostNameInstanceKey(),
                    job: 'integrations/unix',
                },
            ]),
        });
        for (const c of configured.unknown) this.ctx.log('warn', `collector ${JSON.stringify(c)} is not a node_exporter collector on Linux; it is ignored (as Alloy ignores it)`);
        const parts = [`${this.collectors.size} collector(s) (${[...this.collectors.keys()].join(', ')}) at http://${address}${this.metricsPath}`];
        if (configured.notCollected.length > 0) parts.push(`default collectors not implemented in flowlens, not collected: ${configured.notCollected.join(', ')}`);
        this.ctx.setHealth('healthy', parts.join('; '));
    }

    /** One collection, rendered; failed collectors are logged once per change of what failed. */
    async collect(): Promise<CollectionResult> {
        const result = await collect(this.collectors);
        const failures = result.failures.map((f) => `${f.collector}: ${f.error}`).join('; ');
        if (failures !== this.lastFailures) {
            this.lastFailures = failures;
            if (failures) this.ctx.log('warn', `collector(s) failed: ${failures}`);
        }
        return result;
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const path = (req.url ?? '/').split('?')[0];
        if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
        if (path !== this.metricsPath) return sendText(res, 404, `${NAME} serves ${this.metricsPath} only`);
        this.collect().then(
            (r) => {
                res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
                res.end(req.method === 'HEAD' ? undefined : r.text);
            },
            (e: unknown) => sendText(res, 500, `collection failed: ${(e as Error).message ?? String(e)}`),
        );
    }

    async stop(): Promise<void> {
        await this.server.close();
    }
}

export const prometheusExporterUnix: ComponentDefinition = {
    name: NAME,
    schema: SCHEMA,
    source: true,
    create: (ctx) => new PrometheusExporterUnix(ctx),
};
