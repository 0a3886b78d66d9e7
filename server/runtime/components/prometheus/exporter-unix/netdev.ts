// netdev: node_network_<statistic>_total{device} from /proc/net/dev (Alloy runs
// node_exporter's netdev collector without netlink, so these are the classic
// /proc names), and node_network_address_info with `netdev { address_info = true }`.

import os from 'node:os';
import { type Collector, DeviceFilter, type HostPaths, procFile, readText } from './host.js';
import { type Family, type MetricSet, family } from './metric-set.js';

/** The 16 columns of /proc/net/dev, named as node_exporter names them. */
const COLUMNS = [
    'receive_bytes', 'receive_packets', 'receive_errs', 'receive_drop', 'receive_fifo', 'receive_frame', 'receive_compressed', 'receive_multicast',
    'transmit_bytes', 'transmit_packets', 'transmit_errs', 'transmit_drop', 'transmit_fifo', 'transmit_colls', 'transmit_carrier', 'transmit_compressed',
] as const;

const FAMILIES: ReadonlyMap<string, Family> = new Map(COLUMNS.map((c) => [c, family(`node_network_${c}_total`, `Network device statistic ${c}.`, 'counter', ['device'])]));
const ADDRESS_INFO = family('node_network_address_info', 'node network address by device', 'gauge', ['device', 'address', 'netmask', 'scope']);

export interface NetdevOptions {
    readonly deviceInclude: string;
    readonly deviceExclude: string;
    readonly addressInfo: boolean;
}

/** Per-device statistics of /proc/net/dev text, by column name. */
export function parseNetDev(text: string): Map<string, Map<string, number>> {
    const out = new Map<string, Map<string, number>>();
    const lines = text.split('\n');
    for (let i = 2; i < lines.length; i++) {
        const line = lines[i];
        if (line.trim() === '') continue;
        const colon = line.indexOf(':');
        if (colon < 0) throw new Error(`malformed /proc/net/dev line ${JSON.stringify(line)}`);
        const name = line.slice(0, colon).trim();
        const values = line.slice(colon + 1).trim().split(/\s+/).map(Number);
        if (values.length < COLUMNS.length || values.some((v) => Number.isNaN(v))) throw new Error(`malformed /proc/net/dev line for ${name}`);
        out.set(name, new Map(COLUMNS.map((c, j) => [c, values[j]])));
    }
    return out;
}

/** Go's scope classification of an interface address (node_exporter's netdev address info). */
export function addressScope(address: string, family: string): string {
    const a = address.toLowerCase();
    if (family === 'IPv4') {
        const [b0, b1] = a.split('.').map(Number);
        if (b0 === 127 || (b0 === 169 && b1 === 254)) return 'link-local';
        if (b0 === 224 && b1 === 0 && a.split('.')[2] === '0') return 'link-local';
        if (b0 === 0 || b0 >= 224) return '';
        return 'global';
    }
    if (a === '::1' || /^fe[89ab]/.test(a) || /^ff[0-9a-f]2:/.test(a)) return 'link-local';
    if (/^ff[0-9a-f]1:/.test(a)) return 'interface-local';
    if (a === '::' || a.startsWith('ff')) return '';
    return 'global';
}

export function netdevCollector(paths: HostPaths, opts: NetdevOptions): Collector {
    if (opts.deviceInclude !== '' && opts.deviceExclude !== '') throw new Error('netdev: device_exclude and device_include are mutually exclusive');
    const filter = new DeviceFilter(opts.deviceExclude, opts.deviceInclude, 'netdev > device');
    return {
        async update(out: MetricSet) {
            for (const [device, stats] of parseNetDev(await readText(procFile(paths, 'net/dev')))) {
                if (filter.ignored(device)) continue;
                for (const [column, value] of stats) out.add(FAMILIES.get(column)!, value, device);
            }
            if (opts.addressInfo) {
                for (const [device, addrs] of Object.entries(os.networkInterfaces())) {
                    for (const a of addrs ?? []) {
                        const netmask = a.cidr?.split('/')[1] ?? '';
                        out.add(ADDRESS_INFO, 1, device, a.address.replace(/%.*$/, ''), netmask, addressScope(a.address, a.family));
                    }
                }
            }
        },
    };
}
