// Which node_exporter collectors run: Alloy's set_collectors / enable_collectors /
// disable_collectors over node_exporter's Linux defaults, and which of them the
// embedded runtime implements. A collector it does not implement is refused when
// the configuration names it; among the defaults it is reported as not collected.

/** node_exporter's collectors on Linux that are enabled by default (the set Alloy starts from). */
export const LINUX_DEFAULT_ENABLED: readonly string[] = [
    'arp', 'bcache', 'bonding', 'btrfs', 'conntrack', 'cpu', 'cpufreq', 'diskstats', 'dmi', 'edac', 'entropy', 'fibrechannel',
    'filefd', 'filesystem', 'hwmon', 'infiniband', 'ipvs', 'loadavg', 'mdadm', 'meminfo', 'netclass', 'netdev', 'netstat', 'nfs',
    'nfsd', 'nvme', 'os', 'powersupplyclass', 'pressure', 'rapl', 'schedstat', 'selinux', 'sockstat', 'softnet', 'stat',
    'tapestats', 'textfile', 'thermal_zone', 'time', 'timex', 'udp_queues', 'uname', 'vmstat', 'watchdog', 'xfs', 'zfs',
];

/** node_exporter's collectors on Linux that run only when enabled. */
export const LINUX_DEFAULT_DISABLED: readonly string[] = [
    'buddyinfo', 'cgroups', 'cpu_vulnerabilities', 'drbd', 'drm', 'ethtool', 'interrupts', 'ksmd', 'lnstat', 'logind',
    'meminfo_numa', 'mountstats', 'network_route', 'ntp', 'pcidevice', 'perf', 'processes', 'qdisc', 'runit', 'slabinfo',
    'softirqs', 'supervisord', 'swap', 'sysctl', 'systemd', 'tcpstat', 'wifi', 'xfrm', 'zoneinfo',
];

/** Collectors of other systems (BSD, macOS, AIX): Alloy on Linux drops them without a word, and so does flowlens. */
export const NOT_ON_LINUX: readonly string[] = ['boottime', 'devstat', 'exec', 'netinterface', 'netisr', 'partition', 'thermal'];

/** The collectors flowlens implements (one file each in this folder). */
export const IMPLEMENTED: readonly string[] = ['cpu', 'diskstats', 'filesystem', 'loadavg', 'meminfo', 'netdev', 'os', 'stat', 'time', 'uname', 'vmstat'];

export interface CollectorSelection {
    /** Every enabled collector, implemented or not (the cpu collector asks whether cpufreq is), sorted. */
    readonly enabled: string[];
    /** Enabled collectors flowlens runs, sorted. */
    readonly run: string[];
    /** Enabled by default, not implemented: not collected (said in the component's health). */
    readonly notCollected: string[];
    /** Named in the arguments but unknown to node_exporter on Linux (Alloy ignores them too). */
    readonly unknown: string[];
    /** Named in set_collectors or enable_collectors, enabled, and not implemented: the configuration is refused. */
    readonly unsupported: string[];
}

/** Alloy's mapConfigToNodeConfig: set_collectors replaces the defaults, then disable, then enable. */
export function selectCollectors(setCollectors: readonly string[], enable: readonly string[], disable: readonly string[]): CollectorSelection {
    const known = new Set([...LINUX_DEFAULT_ENABLED, ...LINUX_DEFAULT_DISABLED]);
    const state = new Map<string, boolean>();
    for (const c of LINUX_DEFAULT_ENABLED) state.set(c, setCollectors.length === 0 || setCollectors.includes(c));
    for (const c of LINUX_DEFAULT_DISABLED) state.set(c, setCollectors.includes(c));
    for (const c of disable) state.set(c, false);
    for (const c of enable) state.set(c, true);
    const named = new Set([...setCollectors, ...enable]);
    const enabled = [...state].filter(([c, on]) => on && known.has(c)).map(([c]) => c).sort();
    const unknown = [...new Set([...setCollectors, ...enable, ...disable])].filter((c) => !known.has(c) && !NOT_ON_LINUX.includes(c)).sort();
    return {
        enabled,
        run: enabled.filter((c) => IMPLEMENTED.includes(c)),
        notCollected: enabled.filter((c) => !IMPLEMENTED.includes(c) && !named.has(c)),
        unknown,
        unsupported: enabled.filter((c) => !IMPLEMENTED.includes(c) && named.has(c)),
    };
}
