// cpu: seconds per CPU and mode from /proc/stat (guest seconds with `cpu { guest = true }`),
// thermal throttle counts, isolated and online CPUs from /sys/devices/system/cpu, and with
// `info` the /proc/cpuinfo metrics (cpu-info.ts), as node_exporter's Linux CPU collector
// reports them.

import { readdir } from 'node:fs/promises';
import { type CpuInfoOptions, cpuInfoReader } from './cpu-info.js';
import { type Collector, type HostPaths, isNotFound, procFile, readText, readUint, sysFile } from './host.js';
import { type MetricSet, family } from './metric-set.js';
import { type CpuTimes, parseProcStat } from './stat.js';

const SECONDS = family('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.', 'counter', ['cpu', 'mode']);
const GUEST = family('node_cpu_guest_seconds_total', 'Seconds the CPUs spent in guests (VMs) for each mode.', 'counter', ['cpu', 'mode']);
const CORE_THROTTLES = family('node_cpu_core_throttles_total', 'Number of times this CPU core has been throttled.', 'counter', ['package', 'core']);
const PACKAGE_THROTTLES = family('node_cpu_package_throttles_total', 'Number of times this CPU package has been throttled.', 'counter', ['package']);
const ISOLATED = family('node_cpu_isolated', 'Whether each core is isolated, information from /sys/devices/system/cpu/isolated.', 'gauge', ['cpu']);
const ONLINE = family('node_cpu_online', 'CPUs that are online and being scheduled.', 'gauge', ['cpu']);

const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
const FIELDS: readonly (keyof CpuTimes)[] = ['idle', 'user', 'nice', 'system', 'iowait', 'irq', 'softirq', 'steal', 'guest', 'guestNice'];
/** An idle counter that goes back by this much means a CPU was hot-plugged: its history is reset. */
const JUMP_BACK_SECONDS = 3;

export interface CpuOptions {
    readonly guest: boolean;
    /** The /proc/cpuinfo metrics, when `info` is on (or an include pattern is set). */
    readonly info?: CpuInfoOptions;
}

/** Parses a kernel CPU list (`0-3,8,10-11`). */
export function parseCpuList(text: string): number[] {
    const out: number[] = [];
    for (const part of text.trim().split(',')) {
        if (part === '') continue;
        const [a, b] = part.split('-');
        const from = Number(a);
        const to = b === undefined ? from : Number(b);
        if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) throw new Error(`invalid CPU list ${JSON.stringify(text.trim())}`);
        for (let i = from; i <= to; i++) out.push(i);
    }
    return out;
}

/**
 * Keeps each CPU's counters from going backwards between scrapes (they do on some hypervisors),
 * resetting a CPU whose idle time jumped back, and forgets CPUs that went offline.
 */
export class CpuTimesCache {
    private readonly cpus = new Map<number, CpuTimes>();

    update(current: ReadonlyMap<number, CpuTimes>): ReadonlyMap<number, CpuTimes> {
        for (const [id, now] of current) {
            if (id < 0) continue;
            let kept = this.cpus.get(id);
            if (kept !== undefined && kept.idle - now.idle >= JUMP_BACK_SECONDS) kept = undefined;
            const next = { ...(kept ?? now) };
            for (const f of FIELDS) if (now[f] >= next[f]) next[f] = now[f];
            this.cpus.set(id, next);
        }
        for (const id of [...this.cpus.keys()]) if (!current.has(id)) this.cpus.delete(id);
        return this.cpus;
    }
}

export function cpuCollector(paths: HostPaths, opts: CpuOptions): Collector {
    const cache = new CpuTimesCache();
    const info = opts.info !== undefined ? cpuInfoReader(paths, opts.info) : undefined;
    return {
        async update(out: MetricSet) {
            await info?.(out);
            const stat = parseProcStat(await readText(procFile(paths, 'stat')));
            for (const [id, t] of cache.update(stat.cpus)) {
                const cpu = String(id);
                for (const mode of MODES) out.add(SECONDS, t[mode], cpu, mode);
                if (opts.guest) {
                    out.add(GUEST, t.guest, cpu, 'user');
                    out.add(GUEST, t.guestNice, cpu, 'nice');
                }
            }
            const cpuDirs = await cpuDirectories(paths);
            await isolated(paths, out);
            await thermalThrottles(paths, cpuDirs, out);
            await online(paths, cpuDirs, out);
        },
    };
}

/** The `cpuN` directories of /sys/devices/system/cpu, in glob (lexical) order. */
async function cpuDirectories(paths: HostPaths): Promise<string[]> {
    try {
        return (await readdir(sysFile(paths, 'devices/system/cpu'))).filter((d) => /^cpu[0-9]/.test(d)).sort();
    } catch (e) {
        if (isNotFound(e)) return [];
        throw e;
    }
}

async function isolated(paths: HostPaths, out: MetricSet): Promise<void> {
    let text: string;
    try {
        text = await readText(sysFile(paths, 'devices/system/cpu/isolated'));
    } catch (e) {
        if (isNotFound(e)) return;
        throw e;
    }
    for (const cpu of parseCpuList(text)) out.add(ISOLATED, 1, String(cpu));
}

async function thermalThrottles(paths: HostPaths, cpuDirs: readonly string[], out: MetricSet): Promise<void> {
    const packages = new Map<number, number>();
    const cores = new Map<string, { pkg: number; core: number; count: number }>();
    for (const dir of cpuDirs) {
        const base = sysFile(paths, `devices/system/cpu/${dir}`);
        const pkg = await readUint(`${base}/topology/physical_package_id`);
        const core = await readUint(`${base}/topology/core_id`);
        if (pkg === undefined || core === undefined) continue;
        const key = `${pkg}/${core}`;
        if (!cores.has(key)) {
            const count = await readUint(`${base}/thermal_throttle/core_throttle_count`);
            if (count !== undefined) cores.set(key, { pkg, core, count });
        }
        if (!packages.has(pkg)) {
            const count = await readUint(`${base}/thermal_throttle/package_throttle_count`);
            if (count !== undefined) packages.set(pkg, count);
        }
    }
    for (const [pkg, count] of packages) out.add(PACKAGE_THROTTLES, count, String(pkg));
    for (const { pkg, core, count } of cores.values()) out.add(CORE_THROTTLES, count, String(pkg), String(core));
}

/** node_cpu_online, reported only when the first CPU has an `online` file (x86's cpu0 usually has none). */
async function online(paths: HostPaths, cpuDirs: readonly string[], out: MetricSet): Promise<void> {
    if (cpuDirs.length === 0) return;
    const first = await readUint(sysFile(paths, `devices/system/cpu/${cpuDirs[0]}/online`));
    if (first === undefined) return;
    for (const dir of cpuDirs) {
        const state = await readUint(sysFile(paths, `devices/system/cpu/${dir}/online`));
        out.add(ONLINE, state === 1 ? 1 : 0, dir.slice(3));
    }
}
