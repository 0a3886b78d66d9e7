// diskstats: block device I/O statistics from /proc/diskstats, device information
// from /sys/block/<device>/queue and udev's database (udev_data_path), with
// node_exporter's names and units (sectors of 512 bytes, milliseconds as seconds).

import path from 'node:path';
import { type Collector, DeviceFilter, type HostPaths, procFile, readText, readUint, sysFile } from './host.js';
import { type Family, type MetricSet, family } from './metric-set.js';

/** Alloy's default `disk > device_exclude`. */
export const DEFAULT_DISK_DEVICE_EXCLUDE = '^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$';

const SECTOR_BYTES = 512;
const MS = 1 / 1000;
const DEV = ['device'];

/** The statistics columns after major, minor and name, in order, with the factor that converts each. */
const STATS: readonly [Family, number][] = [
    [family('node_disk_reads_completed_total', 'The total number of reads completed successfully.', 'counter', DEV), 1],
    [family('node_disk_reads_merged_total', 'The total number of reads merged.', 'counter', DEV), 1],
    [family('node_disk_read_bytes_total', 'The total number of bytes read successfully.', 'counter', DEV), SECTOR_BYTES],
    [family('node_disk_read_time_seconds_total', 'The total number of seconds spent by all reads.', 'counter', DEV), MS],
    [family('node_disk_writes_completed_total', 'The total number of writes completed successfully.', 'counter', DEV), 1],
    [family('node_disk_writes_merged_total', 'The number of writes merged.', 'counter', DEV), 1],
    [family('node_disk_written_bytes_total', 'The total number of bytes written successfully.', 'counter', DEV), SECTOR_BYTES],
    [family('node_disk_write_time_seconds_total', 'This is the total number of seconds spent by all writes.', 'counter', DEV), MS],
    [family('node_disk_io_now', 'The number of I/Os currently in progress.', 'gauge', DEV), 1],
    [family('node_disk_io_time_seconds_total', 'Total seconds spent doing I/Os.', 'counter', DEV), MS],
    [family('node_disk_io_time_weighted_seconds_total', 'The weighted # of seconds spent doing I/Os.', 'counter', DEV), MS],
    [family('node_disk_discards_completed_total', 'The total number of discards completed successfully.', 'counter', DEV), 1],
    [family('node_disk_discards_merged_total', 'The total number of discards merged.', 'counter', DEV), 1],
    [family('node_disk_discarded_sectors_total', 'The total number of sectors discarded successfully.', 'counter', DEV), 1],
    [family('node_disk_discard_time_seconds_total', 'This is the total number of seconds spent by all discards.', 'counter', DEV), MS],
    [family('node_disk_flush_requests_total', 'The total number of flush requests completed successfully', 'counter', DEV), 1],
    [family('node_disk_flush_requests_time_seconds_total', 'This is the total number of seconds spent by all flush requests.', 'counter', DEV), MS],
];

const INFO = family('node_disk_info', 'Info of /sys/block/<block_device>.', 'gauge', ['device', 'major', 'minor', 'path', 'wwn', 'model', 'serial', 'revision', 'rotational']);
const FILESYSTEM_INFO = family('node_disk_filesystem_info', 'Info about disk filesystem.', 'gauge', ['device', 'type', 'usage', 'uuid', 'version']);
const DEVICE_MAPPER_INFO = family('node_disk_device_mapper_info', 'Info about disk device mapper.', 'gauge', ['device', 'name', 'uuid', 'vg_name', 'lv_name', 'lv_layer']);
const ATA: ReadonlyMap<string, Family> = new Map([
    ['ID_ATA_WRITE_CACHE', family('node_disk_ata_write_cache', 'ATA disk has a write cache.', 'gauge', DEV)],
    ['ID_ATA_WRITE_CACHE_ENABLED', family('node_disk_ata_write_cache_enabled', 'ATA disk has its write cache enabled.', 'gauge', DEV)],
    ['ID_ATA_ROTATION_RATE_RPM', family('node_disk_ata_rotation_rate_rpm', 'ATA disk rotation rate in RPMs (0 for SSDs).', 'gauge', DEV)],
]);

export interface DiskStats {
    major: number;
    minor: number;
    device: string;
    /** The statistics columns present (11 before Linux 4.18, 15 before 5.5, 17 after). */
    stats: number[];
}

export function parseDiskstats(text: string): DiskStats[] {
    const out: DiskStats[] = [];
    for (const line of text.split('\n')) {
        const f = line.trim().split(/\s+/);
        if (f[0] === '') continue;
        if (f.length < 14) throw new Error(`malformed diskstats line ${JSON.stringify(line.trim())}`);
        const nums = [f[0], f[1], ...f.slice(3)].map(Number);
        if (nums.some((n) => Number.isNaN(n))) throw new Error(`malformed diskstats line ${JSON.stringify(line.trim())}`);
        out.push({ major: nums[0], minor: nums[1], device: f[2], stats: nums.slice(2) });
    }
    return out;
}

/** The `E:KEY=value` properties of a udev database entry. */
export function parseUdevProperties(text: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const line of text.split('\n')) {
        if (!line.startsWith('E:')) continue;
        const eq = line.indexOf('=');
        if (eq > 2) out.set(line.slice(2, eq), line.slice(eq + 1));
    }
    return out;
}

export interface DiskstatsOptions {
    readonly deviceInclude: string;
    readonly deviceExclude: string;
}

export function diskstatsCollector(paths: HostPaths, opts: DiskstatsOptions): Collector {
    // As Alloy passes it to node_exporter: an include pattern replaces the exclude one.
    const filter = opts.deviceInclude !== '' ? new DeviceFilter('', opts.deviceInclude, 'disk > device') : new DeviceFilter(opts.deviceExclude, '', 'disk > device');
    return {
        async update(out: MetricSet) {
            for (const d of parseDiskstats(await readText(procFile(paths, 'diskstats')))) {
                if (filter.ignored(d.device)) continue;
                const udev = await readText(path.join(paths.udevData, `b${d.major}:${d.minor}`)).then(parseUdevProperties, () => new Map<string, string>());
                const get = (k: string) => udev.get(k) ?? '';
                const serial = get('SCSI_IDENT_SERIAL') || get('ID_SERIAL_SHORT') || get('ID_SERIAL');
                const rotational = (await readUint(sysFile(paths, `block/${d.device}/queue/rotational`))) ?? 0;
                out.add(INFO, 1, d.device, String(d.major), String(d.minor), get('ID_PATH'), get('ID_WWN'), get('ID_MODEL'), serial, get('ID_REVISION'), rotational.toString(2));
                d.stats.slice(0, STATS.length).forEach((v, i) => out.add(STATS[i][0], v * STATS[i][1], d.device));
                if (get('ID_FS_TYPE') !== '') out.add(FILESYSTEM_INFO, 1, d.device, get('ID_FS_TYPE'), get('ID_FS_USAGE'), get('ID_FS_UUID'), get('ID_FS_VERSION'));
                if (get('DM_NAME') !== '') out.add(DEVICE_MAPPER_INFO, 1, d.device, get('DM_NAME'), get('DM_UUID'), get('DM_VG_NAME'), get('DM_LV_NAME'), get('DM_LV_LAYER'));
                if (get('ID_ATA') !== '') {
                    for (const [key, f] of ATA) {
                        const v = udev.get(key);
                        if (v !== undefined && v.trim() !== '' && !Number.isNaN(Number(v))) out.add(f, Number(v), d.device);
                    }
                }
            }
        },
    };
}
