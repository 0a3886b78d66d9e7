// meminfo: node_memory_<field> from /proc/meminfo. Like node_exporter (1.6 and later,
// the version Alloy embeds) it reports the fields its procfs library knows, in bytes
// with a `_bytes` suffix, and the HugePages_* page counts as they are.

import { type Collector, type HostPaths, procFile, readText } from './host.js';
import { type MetricSet, family } from './metric-set.js';

/** /proc/meminfo keys reported in bytes, and the metric name part each gets. */
const BYTE_FIELDS: ReadonlyMap<string, string> = new Map(
    [
        'Active', 'Active(anon)', 'Active(file)', 'AnonHugePages', 'AnonPages', 'Bounce', 'Buffers', 'Cached', 'CmaFree', 'CmaTotal',
        'CommitLimit', 'Committed_AS', 'DirectMap1G', 'DirectMap2M', 'DirectMap4k', 'Dirty', 'HardwareCorrupted', 'Hugepagesize',
        'Inactive', 'Inactive(anon)', 'Inactive(file)', 'KernelStack', 'Mapped', 'MemAvailable', 'MemFree', 'MemTotal', 'Mlocked',
        'NFS_Unstable', 'PageTables', 'Percpu', 'SReclaimable', 'SUnreclaim', 'Shmem', 'ShmemHugePages', 'ShmemPmdMapped', 'Slab',
        'SwapCached', 'SwapFree', 'SwapTotal', 'Unevictable', 'VmallocChunk', 'VmallocTotal', 'VmallocUsed', 'Writeback',
        'WritebackTmp', 'Zswap', 'Zswapped',
    ].map((k) => [k, k.replace('(anon)', '_anon').replace('(file)', '_file') + '_bytes']),
);
const COUNT_FIELDS: ReadonlySet<string> = new Set(['HugePages_Free', 'HugePages_Rsvd', 'HugePages_Surp', 'HugePages_Total']);

/** The fields node_exporter reports, by metric name part (`MemTotal_bytes`, `HugePages_Free`). */
export function parseMeminfo(text: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const line of text.split('\n')) {
        const m = /^([^:\s]+):\s*(\d+)(?:\s+(kB))?\s*$/.exec(line);
        if (!m) {
            if (line.trim() !== '') throw new Error(`malformed meminfo line ${JSON.stringify(line)}`);
            continue;
        }
        const [, key, value, unit] = m;
        const bytesName = BYTE_FIELDS.get(key);
        if (bytesName !== undefined) out.set(bytesName, Number(value) * (unit === 'kB' ? 1024 : 1));
        else if (COUNT_FIELDS.has(key)) out.set(key, Number(value));
    }
    return out;
}

const families = new Map<string, ReturnType<typeof family>>();
function memoryFamily(name: string) {
    let f = families.get(name);
    if (f === undefined) {
        f = family(`node_memory_${name}`, `Memory information field ${name}.`, name.endsWith('_total') ? 'counter' : 'gauge');
        families.set(name, f);
    }
    return f;
}

export function meminfoCollector(paths: HostPaths): Collector {
    return {
        async update(out: MetricSet) {
            for (const [name, value] of parseMeminfo(await readText(procFile(paths, 'meminfo')))) out.add(memoryFamily(name), value);
        },
    };
}
