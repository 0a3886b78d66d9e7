// stat: kernel counters of /proc/stat (interrupts, context switches, forks,
// boot time, runnable and blocked processes), node_exporter's names.

import { type Collector, type HostPaths, procFile, readText } from './host.js';
import { type MetricSet, family } from './metric-set.js';

const INTR = family('node_intr_total', 'Total number of interrupts serviced.', 'counter');
const CTXT = family('node_context_switches_total', 'Total number of context switches.', 'counter');
const FORKS = family('node_forks_total', 'Total number of forks.', 'counter');
const BTIME = family('node_boot_time_seconds', 'Node boot time, in unixtime.', 'gauge');
const RUNNING = family('node_procs_running', 'Number of processes in runnable state.', 'gauge');
const BLOCKED = family('node_procs_blocked', 'Number of processes blocked waiting for I/O to complete.', 'gauge');

/** Per-CPU times in seconds (USER_HZ ticks / 100), by CPU number; `-1` is the aggregate `cpu` line. */
export interface CpuTimes {
    user: number;
    nice: number;
    system: number;
    idle: number;
    iowait: number;
    irq: number;
    softirq: number;
    steal: number;
    guest: number;
    guestNice: number;
}

export interface ProcStat {
    cpus: Map<number, CpuTimes>;
    intr: number;
    ctxt: number;
    btime: number;
    processes: number;
    procsRunning: number;
    procsBlocked: number;
}

/** Linux reports CPU times in USER_HZ, which is 100 on every architecture Linux exports to user space. */
const USER_HZ = 100;

/** Parses /proc/stat text (the lines node_exporter reads; others are skipped). */
export function parseProcStat(text: string): ProcStat {
    const st: ProcStat = { cpus: new Map(), intr: 0, ctxt: 0, btime: 0, processes: 0, procsRunning: 0, procsBlocked: 0 };
    for (const line of text.split('\n')) {
        const parts = line.trim().split(/\s+/);
        const key = parts[0];
        if (key === '' || parts.length < 2) continue;
        if (key.startsWith('cpu')) {
            const id = key === 'cpu' ? -1 : Number(key.slice(3));
            if (!Number.isInteger(id)) throw new Error(`couldn't parse ${JSON.stringify(key)} line in /proc/stat`);
            const v = parts.slice(1).map((x) => Number(x) / USER_HZ);
            if (v.some((x) => Number.isNaN(x))) throw new Error(`couldn't parse ${JSON.stringify(key)} line in /proc/stat`);
            const at = (i: number) => v[i] ?? 0;
            st.cpus.set(id, { user: at(0), nice: at(1), system: at(2), idle: at(3), iowait: at(4), irq: at(5), softirq: at(6), steal: at(7), guest: at(8), guestNice: at(9) });
            continue;
        }
        const n = Number(parts[1]);
        if (Number.isNaN(n)) continue;
        if (key === 'intr') st.intr = n;
        else if (key === 'ctxt') st.ctxt = n;
        else if (key === 'btime') st.btime = n;
        else if (key === 'processes') st.processes = n;
        else if (key === 'procs_running') st.procsRunning = n;
        else if (key === 'procs_blocked') st.procsBlocked = n;
    }
    return st;
}

export function statCollector(paths: HostPaths): Collector {
    return {
        async update(out: MetricSet) {
            const st = parseProcStat(await readText(procFile(paths, 'stat')));
            out.add(INTR, st.intr);
            out.add(CTXT, st.ctxt);
            out.add(FORKS, st.processes);
            out.add(BTIME, st.btime);
            out.add(RUNNING, st.procsRunning);
            out.add(BLOCKED, st.procsBlocked);
        },
    };
}
