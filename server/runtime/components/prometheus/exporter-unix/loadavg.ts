// loadavg: node_load1, node_load5, node_load15 from /proc/loadavg.

import { type Collector, type HostPaths, procFile, readText } from './host.js';
import { type MetricSet, family } from './metric-set.js';

const LOADS = [family('node_load1', '1m load average.', 'gauge'), family('node_load5', '5m load average.', 'gauge'), family('node_load15', '15m load average.', 'gauge')];

/** The 1, 5 and 15 minute load averages of /proc/loadavg text. */
export function parseLoadavg(text: string): [number, number, number] {
    const parts = text.trim().split(/\s+/);
    if (parts.length < 3) throw new Error('unexpected content in loadavg');
    const loads = parts.slice(0, 3).map((p) => {
        const n = Number(p);
        if (p === '' || Number.isNaN(n)) throw new Error(`could not parse load ${JSON.stringify(p)}`);
        return n;
    });
    return loads as [number, number, number];
}

export function loadavgCollector(paths: HostPaths): Collector {
    return {
        async update(out: MetricSet) {
            const loads = parseLoadavg(await readText(procFile(paths, 'loadavg')));
            loads.forEach((v, i) => out.add(LOADS[i], v));
        },
    };
}
