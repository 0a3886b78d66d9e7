// time: the system time, the local time zone's offset, and the clock sources of
// /sys/devices/system/clocksource, as node_exporter's time collector reports them.

import { readdir } from 'node:fs/promises';
import { type Collector, type HostPaths, isNotFound, readText, sysFile } from './host.js';
import { type MetricSet, family } from './metric-set.js';

const NOW = family('node_time_seconds', 'System time in seconds since epoch (1970).', 'gauge');
const ZONE = family('node_time_zone_offset_seconds', 'System time zone offset in seconds.', 'gauge', ['time_zone']);
const AVAILABLE = family('node_time_clocksource_available_info', "Available clocksources read from '/sys/devices/system/clocksource'.", 'gauge', ['device', 'clocksource']);
const CURRENT = family('node_time_clocksource_current_info', "Current clocksource read from '/sys/devices/system/clocksource'.", 'gauge', ['device', 'clocksource']);

export interface ClockSource {
    available: string[];
    current: string;
}

/** The local zone's abbreviation (`UTC`, `PST`; `GMT+1` where the ICU data has no abbreviation) and offset. */
export function timeZone(now: Date): { name: string; offsetSeconds: number } {
    const name = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(now).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
    return { name, offsetSeconds: -now.getTimezoneOffset() * 60 };
}

export async function readClockSources(paths: HostPaths): Promise<ClockSource[]> {
    const base = sysFile(paths, 'devices/system/clocksource');
    let dirs: string[];
    try {
        dirs = (await readdir(base)).filter((d) => /^clocksource[0-9]/.test(d)).sort();
    } catch (e) {
        if (isNotFound(e)) return [];
        throw e;
    }
    const out: ClockSource[] = [];
    for (const d of dirs) {
        const available = (await readText(`${base}/${d}/available_clocksource`)).trim().split(/\s+/).filter(Boolean);
        const current = (await readText(`${base}/${d}/current_clocksource`)).trim();
        out.push({ available, current });
    }
    return out;
}

export function timeCollector(paths: HostPaths): Collector {
    return {
        async update(out: MetricSet) {
            const now = new Date();
            out.add(NOW, now.getTime() / 1000);
            const zone = timeZone(now);
            out.add(ZONE, zone.offsetSeconds, zone.name);
            (await readClockSources(paths)).forEach((cs, i) => {
                for (const a of cs.available) out.add(AVAILABLE, 1, String(i), a);
                out.add(CURRENT, 1, String(i), cs.current);
            });
        },
    };
}
