// The cpu collector's /proc/cpuinfo metrics (`cpu { info = true }`, or a flags_include /
// bugs_include pattern): node_cpu_info per processor, node_cpu_frequency_hertz while
// the cpufreq collector is enabled, and the first processor's flags and bugs that match
// the include patterns.

import { type HostPaths, goRegexp, procFile, readText } from './host.js';
import { type MetricSet, family } from './metric-set.js';

const INFO = family('node_cpu_info', 'CPU information from /proc/cpuinfo.', 'gauge', ['package', 'core', 'cpu', 'vendor', 'family', 'model', 'model_name', 'microcode', 'stepping', 'cachesize']);
const FREQUENCY = family('node_cpu_frequency_hertz', 'CPU frequency in hertz from /proc/cpuinfo.', 'gauge', ['package', 'core', 'cpu']);
const FLAG = family('node_cpu_flag_info', 'The `flags` field of CPU information from /proc/cpuinfo taken from the first core.', 'gauge', ['flag']);
const BUG = family('node_cpu_bug_info', 'The `bugs` field of CPU information from /proc/cpuinfo taken from the first core.', 'gauge', ['bug']);

export interface CpuInfo {
    processor: string;
    vendor: string;
    family: string;
    model: string;
    modelName: string;
    microcode: string;
    stepping: string;
    cacheSize: string;
    physicalId: string;
    coreId: string;
    mhz: number;
    flags: string[];
    bugs: string[];
}

/** One entry per `processor` block of /proc/cpuinfo (x86 field names; `Features` stands for flags on ARM). */
export function parseCpuinfo(text: string): CpuInfo[] {
    const out: CpuInfo[] = [];
    let cur: CpuInfo | undefined;
    for (const line of text.split('\n')) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const key = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (key === 'processor') {
            cur = { processor: value, vendor: '', family: '', model: '', modelName: '', microcode: '', stepping: '', cacheSize: '', physicalId: '', coreId: '', mhz: 0, flags: [], bugs: [] };
            out.push(cur);
            continue;
        }
        if (cur === undefined) continue;
        switch (key) {
            case 'vendor_id': cur.vendor = value; break;
            case 'cpu family': cur.family = value; break;
            case 'model': cur.model = value; break;
            case 'model name': cur.modelName = value; break;
            case 'microcode': cur.microcode = value; break;
            case 'stepping': cur.stepping = value; break;
            case 'cache size': cur.cacheSize = value; break;
            case 'physical id': cur.physicalId = value; break;
            case 'core id': cur.coreId = value; break;
            case 'cpu MHz': cur.mhz = Number(value) || 0; break;
            case 'flags': case 'Features': cur.flags = value.split(/\s+/).filter(Boolean); break;
            case 'bugs': cur.bugs = value.split(/\s+/).filter(Boolean); break;
        }
    }
    return out;
}

export interface CpuInfoOptions {
    readonly flagsInclude: string;
    readonly bugsInclude: string;
    /** node_exporter reports frequencies from /proc/cpuinfo while its cpufreq collector is enabled. */
    readonly frequency: boolean;
}

export function cpuInfoReader(paths: HostPaths, opts: CpuInfoOptions): (out: MetricSet) => Promise<void> {
    const flags = opts.flagsInclude !== '' ? goRegexp(opts.flagsInclude, 'cpu > flags_include') : undefined;
    const bugs = opts.bugsInclude !== '' ? goRegexp(opts.bugsInclude, 'cpu > bugs_include') : undefined;
    return async (out) => {
        const cpus = parseCpuinfo(await readText(procFile(paths, 'cpuinfo')));
        for (const c of cpus) out.add(INFO, 1, c.physicalId, c.coreId, c.processor, c.vendor, c.family, c.model, c.modelName, c.microcode, c.stepping, c.cacheSize);
        if (opts.frequency) for (const c of cpus) out.add(FREQUENCY, c.mhz * 1e6, c.physicalId, c.coreId, c.processor);
        if (cpus.length === 0) return;
        if (flags) for (const f of cpus[0].flags) if (flags.test(f)) out.add(FLAG, 1, f);
        if (bugs) for (const b of cpus[0].bugs) if (bugs.test(b)) out.add(BUG, 1, b);
    };
}
