// Each collector of prometheus.exporter.unix on a fixture host tree (proc and sys text written for
// this test): names, types, label sets and values as node_exporter reports them.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuCollector, parseCpuList } from '../../../../server/runtime/components/prometheus/exporter-unix/cpu.js';
import { DEFAULT_DISK_DEVICE_EXCLUDE, diskstatsCollector } from '../../../../server/runtime/components/prometheus/exporter-unix/diskstats.js';
import { DEFAULT_FS_TYPES_EXCLUDE, DEFAULT_MOUNT_POINTS_EXCLUDE, filesystemCollector, parseMountinfo } from '../../../../server/runtime/components/prometheus/exporter-unix/filesystem.js';
import { type Collector, type HostPaths, NoDataError } from '../../../../server/runtime/components/prometheus/exporter-unix/host.js';
import { loadavgCollector } from '../../../../server/runtime/components/prometheus/exporter-unix/loadavg.js';
import { meminfoCollector } from '../../../../server/runtime/components/prometheus/exporter-unix/meminfo.js';
import { MetricSet } from '../../../../server/runtime/components/prometheus/exporter-unix/metric-set.js';
import { addressScope, netdevCollector } from '../../../../server/runtime/components/prometheus/exporter-unix/netdev.js';
import { osCollector } from '../../../../server/runtime/components/prometheus/exporter-unix/os.js';
import { statCollector } from '../../../../server/runtime/components/prometheus/exporter-unix/stat.js';
import { timeCollector } from '../../../../server/runtime/components/prometheus/exporter-unix/time.js';
import { addUname } from '../../../../server/runtime/components/prometheus/exporter-unix/uname.js';
import { DEFAULT_VMSTAT_FIELDS, vmstatCollector } from '../../../../server/runtime/components/prometheus/exporter-unix/vmstat.js';
import { ExpositionParser } from '../../../../server/runtime/protocols/exposition.js';
import { familiesOf } from './families.js';

let root: string;
let paths: HostPaths;

function put(rel: string, text: string): void {
    const file = path.join(root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
}

/** Runs a collector and returns its page: the text, families, and `value(name, labels)`. */
async function run(c: Collector) {
    const set = new MetricSet();
    await c.update(set);
    const text = set.render();
    const parsed = new ExpositionParser().parse(text, 0);
    expect(parsed.errors).toEqual([]);
    const value = (name: string, labels: Record<string, string> = {}) => {
        const found = parsed.samples.filter((s) => {
            const rec = Object.fromEntries(s.labels.map((l) => [l.name, l.value]));
            return rec.__name__ === name && Object.entries(labels).every(([k, v]) => rec[k] === v);
        });
        if (found.length !== 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
        return found[0].value;
    };
    return { text, families: familiesOf(text), value };
}

beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'flowlens-unix-'));
    paths = { procfs: path.join(root, 'proc'), sysfs: path.join(root, 'sys'), rootfs: '/', udevData: path.join(root, 'udev') };
    put('proc/loadavg', '0.25 1.50 3.75 2/345 6789\n');
    put(
        'proc/stat',
        [
            'cpu  1000 20 300 4000 50 0 6 7 8 9',
            'cpu0 600 10 200 2000 25 0 3 4 5 6',
            'cpu1 400 10 100 2000 25 0 3 3 3 3',
            'intr 123456 1 2 3',
            'ctxt 98765',
            'btime 1700000000',
            'processes 4242',
            'procs_running 3',
            'procs_blocked 1',
            'softirq 10 1 2 3 4 0 0 0 0 0 0',
            '',
        ].join('\n'),
    );
    put('sys/devices/system/cpu/cpu0/topology/physical_package_id', '0\n');
    put('sys/devices/system/cpu/cpu0/topology/core_id', '0\n');
    put('sys/devices/system/cpu/cpu0/thermal_throttle/core_throttle_count', '5\n');
    put('sys/devices/system/cpu/cpu0/thermal_throttle/package_throttle_count', '7\n');
    put('sys/devices/system/cpu/cpu0/online', '1\n');
    put('sys/devices/system/cpu/cpu1/topology/physical_package_id', '0\n');
    put('sys/devices/system/cpu/cpu1/topology/core_id', '1\n');
    put('sys/devices/system/cpu/cpu1/thermal_throttle/core_throttle_count', '2\n');
    put('sys/devices/system/cpu/cpu1/online', '0\n');
    put('sys/devices/system/cpu/isolated', '1\n');
    const cpuinfo = (n: number, core: number) =>
        [`processor\t: ${n}`, 'vendor_id\t: FixtureVendor', 'cpu family\t: 6', 'model\t\t: 85', 'model name\t: Fixture CPU @ 2.00GHz', 'stepping\t: 7', 'microcode\t: 0x1', `cpu MHz\t\t: ${2000 + n}.500`, 'cache size\t: 1024 KB', 'physical id\t: 0', `core id\t\t: ${core}`, 'flags\t\t: fpu vme sse sse2 avx', 'bugs\t\t: spectre_v1 mds', ''].join('\n');
    put('proc/cpuinfo', cpuinfo(0, 0) + '\n' + cpuinfo(1, 1));
    put(
        'proc/meminfo',
        ['MemTotal:        2048000 kB', 'MemFree:          512000 kB', 'Active(anon):      1000 kB', 'HugePages_Total:       4', 'Hugepagesize:       2048 kB', 'SomeFutureField:     12 kB', ''].join('\n'),
    );
    put('proc/vmstat', ['nr_free_pages 100', 'pgpgin 11', 'pgpgout 22', 'pgfault 33', 'pgmajfault 44', 'oom_kill 0', 'nr_dirty 5', ''].join('\n'));
    put(
        'proc/net/dev',
        [
            'Inter-|   Receive                                                |  Transmit',
            ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
            '    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0',
            '  eth0: 5000000    4000    1    2    3     4          5         6  3000000    2000    7    8    9    10      11         12',
            '',
        ].join('\n'),
    );
    put(
        'proc/diskstats',
        [
            '   7       0 loop0 10 0 20 5 0 0 0 0 0 5 5 0 0 0 0',
            ' 254       0 vda 100 2 800 30 50 3 400 60 1 70 90 4 0 8 9 11 12',
            ' 254       1 vda1 90 2 700 25 45 3 380 55 0 60 80 4 0 8 9',
            ' 253       0 dm-0 5 0 40 1 6 0 48 2 0 3 3',
            '',
        ].join('\n'),
    );
    put('sys/block/vda/queue/rotational', '1\n');
    put('udev/b254:0', ['S:disk/by-id/virtio-abc', 'E:ID_PATH=pci-0000:00:04.0', 'E:ID_SERIAL=abc123', 'E:ID_MODEL=QEMU_DISK', 'E:ID_FS_TYPE=ext4', 'E:ID_FS_UUID=1234-5678', 'E:ID_FS_USAGE=filesystem', 'E:ID_FS_VERSION=1.0', ''].join('\n'));
    put('udev/b253:0', ['E:DM_NAME=vg-root', 'E:DM_UUID=LVM-xyz', 'E:DM_VG_NAME=vg', 'E:DM_LV_NAME=root', ''].join('\n'));
    put('sys/devices/system/clocksource/clocksource0/available_clocksource', 'kvm-clock tsc acpi_pm \n');
    put('sys/devices/system/clocksource/clocksource0/current_clocksource', 'kvm-clock\n');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('exporter.unix collectors on fixture /proc and /sys', () => {
    it('loadavg', async () => {
        const page = await run(loadavgCollector(paths));
        expect([...page.families.keys()]).toEqual(['node_load1', 'node_load15', 'node_load5']);
        expect(page.families.get('node_load1')).toEqual({ type: 'gauge', labels: [] });
        expect([page.value('node_load1'), page.value('node_load5'), page.value('node_load15')]).toEqual([0.25, 1.5, 3.75]);
        expect(page.text).toContain('# HELP node_load1 1m load average.\n# TYPE node_load1 gauge\nnode_load1 0.25\n');
    });

    it('stat', async () => {
        const page = await run(statCollector(paths));
        expect(Object.fromEntries([...page.families].map(([n, f]) => [n, f.type]))).toEqual({
            node_boot_time_seconds: 'gauge',
            node_context_switches_total: 'counter',
            node_forks_total: 'counter',
            node_intr_total: 'counter',
            node_procs_blocked: 'gauge',
            node_procs_running: 'gauge',
        });
        expect(page.value('node_intr_total')).toBe(123456);
        expect(page.value('node_context_switches_total')).toBe(98765);
        expect(page.value('node_forks_total')).toBe(4242);
        expect(page.value('node_boot_time_seconds')).toBe(1700000000);
        expect(page.value('node_procs_running')).toBe(3);
        expect(page.value('node_procs_blocked')).toBe(1);
    });

    it('cpu: seconds per CPU and mode in USER_HZ/100, guest only when asked, throttles, isolated and online CPUs', async () => {
        const page = await run(cpuCollector(paths, { guest: false }));
        expect(page.families.get('node_cpu_seconds_total')).toEqual({ type: 'counter', labels: ['cpu', 'mode'] });
        expect(page.families.has('node_cpu_guest_seconds_total')).toBe(false);
        expect(page.value('node_cpu_seconds_total', { cpu: '0', mode: 'user' })).toBe(6);
        expect(page.value('node_cpu_seconds_total', { cpu: '1', mode: 'idle' })).toBe(20);
        expect(page.value('node_cpu_seconds_total', { cpu: '0', mode: 'steal' })).toBe(0.04);
        // Eight modes for each of two CPUs; the aggregate `cpu` line is not reported.
        expect(page.text.match(/^node_cpu_seconds_total\{/gm)).toHaveLength(16);
        expect(page.value('node_cpu_core_throttles_total', { package: '0', core: '0' })).toBe(5);
        expect(page.value('node_cpu_core_throttles_total', { package: '0', core: '1' })).toBe(2);
        expect(page.value('node_cpu_package_throttles_total', { package: '0' })).toBe(7);
        expect(page.value('node_cpu_isolated', { cpu: '1' })).toBe(1);
        expect(page.value('node_cpu_online', { cpu: '0' })).toBe(1);
        expect(page.value('node_cpu_online', { cpu: '1' })).toBe(0);
        const guest = await run(cpuCollector(paths, { guest: true }));
        expect(guest.families.get('node_cpu_guest_seconds_total')).toEqual({ type: 'counter', labels: ['cpu', 'mode'] });
        expect(guest.value('node_cpu_guest_seconds_total', { cpu: '1', mode: 'nice' })).toBe(0.03);
        expect(parseCpuList('0-2,5\n')).toEqual([0, 1, 2, 5]);
        const info = await run(cpuCollector(paths, { guest: false, info: { flagsInclude: '^sse', bugsInclude: '', frequency: true } }));
        expect(info.families.get('node_cpu_info')).toEqual({ type: 'gauge', labels: ['cachesize', 'core', 'cpu', 'family', 'microcode', 'model', 'model_name', 'package', 'stepping', 'vendor'] });
        expect(info.value('node_cpu_info', { cpu: '1', core: '1', package: '0', model_name: 'Fixture CPU @ 2.00GHz', cachesize: '1024 KB' })).toBe(1);
        expect(info.value('node_cpu_frequency_hertz', { cpu: '1', core: '1', package: '0' })).toBe(2001.5e6);
        expect(info.text.match(/^node_cpu_flag_info\{flag="[^"]+"\} 1$/gm)).toEqual(['node_cpu_flag_info{flag="sse"} 1', 'node_cpu_flag_info{flag="sse2"} 1']);
        expect(info.families.has('node_cpu_bug_info')).toBe(false);
    });

    it('meminfo: known fields in bytes, HugePages counts as they are, unknown fields left out', async () => {
        const page = await run(meminfoCollector(paths));
        expect([...page.families.keys()].sort()).toEqual(['node_memory_Active_anon_bytes', 'node_memory_HugePages_Total', 'node_memory_Hugepagesize_bytes', 'node_memory_MemFree_bytes', 'node_memory_MemTotal_bytes']);
        expect(page.families.get('node_memory_MemTotal_bytes')).toEqual({ type: 'gauge', labels: [] });
        expect(page.value('node_memory_MemTotal_bytes')).toBe(2048000 * 1024);
        expect(page.value('node_memory_Active_anon_bytes')).toBe(1000 * 1024);
        expect(page.value('node_memory_HugePages_Total')).toBe(4);
        expect(page.text).toContain('# HELP node_memory_MemTotal_bytes Memory information field MemTotal_bytes.');
    });

    it('vmstat: the fields the pattern selects, untyped', async () => {
        const page = await run(vmstatCollector(paths, DEFAULT_VMSTAT_FIELDS));
        expect([...page.families.keys()].sort()).toEqual(['node_vmstat_oom_kill', 'node_vmstat_pgfault', 'node_vmstat_pgmajfault', 'node_vmstat_pgpgin', 'node_vmstat_pgpgout']);
        expect(page.families.get('node_vmstat_pgfault')!.type).toBe('untyped');
        expect(page.value('node_vmstat_pgmajfault')).toBe(44);
        const custom = await run(vmstatCollector(paths, '^nr_'));
        expect([...custom.families.keys()].sort()).toEqual(['node_vmstat_nr_dirty', 'node_vmstat_nr_free_pages']);
        expect(() => vmstatCollector(paths, '(')).toThrow(/vmstat > fields: invalid regular expression/);
    });

    it('netdev: the /proc/net/dev columns under their classic names, device filters', async () => {
        const page = await run(netdevCollector(paths, { deviceExclude: '', deviceInclude: '', addressInfo: false }));
        expect(page.families.size).toBe(16);
        for (const f of page.families.values()) expect(f).toEqual({ type: 'counter', labels: ['device'] });
        expect(page.value('node_network_receive_bytes_total', { device: 'eth0' })).toBe(5000000);
        expect(page.value('node_network_receive_errs_total', { device: 'eth0' })).toBe(1);
        expect(page.value('node_network_receive_multicast_total', { device: 'eth0' })).toBe(6);
        expect(page.value('node_network_transmit_colls_total', { device: 'eth0' })).toBe(10);
        expect(page.value('node_network_transmit_compressed_total', { device: 'eth0' })).toBe(12);
        const excluded = await run(netdevCollector(paths, { deviceExclude: '^lo$', deviceInclude: '', addressInfo: false }));
        expect(excluded.text).not.toContain('device="lo"');
        const included = await run(netdevCollector(paths, { deviceExclude: '', deviceInclude: '^l', addressInfo: false }));
        expect(included.text).not.toContain('device="eth0"');
        expect(() => netdevCollector(paths, { deviceExclude: 'a', deviceInclude: 'b', addressInfo: false })).toThrow(/mutually exclusive/);
        const withAddresses = await run(netdevCollector(paths, { deviceExclude: '', deviceInclude: '', addressInfo: true }));
        expect(withAddresses.families.get('node_network_address_info')).toEqual({ type: 'gauge', labels: ['address', 'device', 'netmask', 'scope'] });
        expect([addressScope('127.0.0.1', 'IPv4'), addressScope('10.1.2.3', 'IPv4'), addressScope('fe80::1', 'IPv6'), addressScope('2001:db8::1', 'IPv6')]).toEqual(['link-local', 'global', 'link-local', 'global']);
    });

    it('diskstats: default exclude, units, info from sysfs and udev, and the columns each kernel has', async () => {
        const page = await run(diskstatsCollector(paths, { deviceExclude: DEFAULT_DISK_DEVICE_EXCLUDE, deviceInclude: '' }));
        expect(page.text).not.toMatch(/device="(loop0|vda1)"/);
        expect(page.value('node_disk_read_bytes_total', { device: 'vda' })).toBe(800 * 512);
        expect(page.value('node_disk_read_time_seconds_total', { device: 'vda' })).toBe(0.03);
        expect(page.value('node_disk_io_now', { device: 'vda' })).toBe(1);
        expect(page.value('node_disk_flush_requests_time_seconds_total', { device: 'vda' })).toBe(0.012);
        expect(page.families.get('node_disk_io_now')!.type).toBe('gauge');
        expect(page.families.get('node_disk_reads_completed_total')).toEqual({ type: 'counter', labels: ['device'] });
        // dm-0 has the 11 columns of an old kernel: no discard or flush series.
        expect(page.text).not.toMatch(/node_disk_discards_completed_total\{device="dm-0"\}/);
        expect(page.value('node_disk_writes_completed_total', { device: 'dm-0' })).toBe(6);
        expect(page.text).toContain('node_disk_info{device="vda",major="254",minor="0",model="QEMU_DISK",path="pci-0000:00:04.0",revision="",rotational="1",serial="abc123",wwn=""} 1');
        expect(page.value('node_disk_filesystem_info', { device: 'vda', type: 'ext4', uuid: '1234-5678', usage: 'filesystem', version: '1.0' })).toBe(1);
        expect(page.value('node_disk_device_mapper_info', { device: 'dm-0', name: 'vg-root', vg_name: 'vg', lv_name: 'root' })).toBe(1);
        const included = await run(diskstatsCollector(paths, { deviceExclude: DEFAULT_DISK_DEVICE_EXCLUDE, deviceInclude: '^vda1$' }));
        expect(included.text).toContain('device="vda1"');
        expect(included.text).not.toContain('device="vda"');
    });

    it('filesystem: mountinfo parsing, default excludes, statfs of real mounts, errors labelled', async () => {
        const mounts = parseMountinfo(
            [
                '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
                '23 22 0:21 / /proc rw,nosuid shared:12 - proc proc rw',
                '24 22 0:5 / /dev rw shared:2 - devtmpfs udev rw,size=4k',
                '25 22 254:1 / /mnt/my\\040disk ro,relatime shared:3 - ext4 /dev/vda1 rw',
                '26 22 0:40 / /snap/core rw master:4 - squashfs /dev/loop0 ro',
            ].join('\n'),
        );
        expect(mounts.map((m) => [m.mountPoint, m.fsType, m.device, m.major, m.minor, m.readOnly])).toEqual([
            ['/', 'ext4', '/dev/vda', '254', '0', false],
            ['/proc', 'proc', 'proc', '0', '21', false],
            ['/dev', 'devtmpfs', 'udev', '0', '5', false],
            ['/mnt/my disk', 'ext4', '/dev/vda1', '254', '1', true],
            ['/snap/core', 'squashfs', '/dev/loop0', '0', '40', true],
        ]);
        // The collector itself on a mountinfo pointing at real directories of this machine.
        put('proc/1/mountinfo', [`30 1 254:0 / ${root} rw,relatime - ext4 /dev/fixture rw`, `31 1 0:21 / ${root}/proc rw - proc proc rw`, `32 1 254:9 / ${root}/missing ro - ext4 /dev/gone rw`, ''].join('\n'));
        const page = await run(filesystemCollector(paths, { mountPointsExclude: DEFAULT_MOUNT_POINTS_EXCLUDE, fsTypesExclude: DEFAULT_FS_TYPES_EXCLUDE, mountTimeoutMs: 5000 }));
        const labels = { device: '/dev/fixture', mountpoint: root, fstype: 'ext4' };
        expect(page.value('node_filesystem_size_bytes', labels)).toBeGreaterThan(0);
        expect(page.value('node_filesystem_avail_bytes', labels)).toBeLessThanOrEqual(page.value('node_filesystem_free_bytes', labels));
        expect(page.value('node_filesystem_files', labels)).toBeGreaterThanOrEqual(0);
        expect(page.value('node_filesystem_device_error', labels)).toBe(0);
        expect(page.value('node_filesystem_readonly', labels)).toBe(0);
        expect(page.value('node_filesystem_mount_info', { device: '/dev/fixture', major: '254', minor: '0', mountpoint: root })).toBe(1);
        expect(page.text).not.toContain('fstype="proc"');
        // A mount statfs cannot read: device_error 1 with the error text, read-only state, no sizes.
        expect(page.value('node_filesystem_device_error', { device: '/dev/gone', device_error: 'no such file or directory' })).toBe(1);
        expect(page.value('node_filesystem_readonly', { device: '/dev/gone' })).toBe(1);
        expect(page.text).not.toMatch(/node_filesystem_size_bytes\{device="\/dev\/gone"/);
        for (const name of ['node_filesystem_readonly', 'node_filesystem_device_error']) expect(page.families.get(name)).toEqual({ type: 'gauge', labels: ['device', 'device_error', 'fstype', 'mountpoint'] });
        // Series without an error carry device_error="" on the page (the parser reads it as absent).
        expect(page.text).toContain(`node_filesystem_size_bytes{device="/dev/fixture",device_error="",fstype="ext4",mountpoint="${root}"}`);
    });

    it('time: now, zone offset and clock sources', async () => {
        const before = Date.now() / 1000;
        const page = await run(timeCollector(paths));
        expect(page.value('node_time_seconds')).toBeGreaterThanOrEqual(before - 1);
        expect(page.families.get('node_time_zone_offset_seconds')).toEqual({ type: 'gauge', labels: ['time_zone'] });
        expect(page.value('node_time_clocksource_available_info', { device: '0', clocksource: 'tsc' })).toBe(1);
        expect(page.text.match(/^node_time_clocksource_available_info/gm)).toHaveLength(3);
        expect(page.value('node_time_clocksource_current_info', { device: '0', clocksource: 'kvm-clock' })).toBe(1);
    });

    it('uname: one info series with the six uname fields', async () => {
        const set = new MetricSet();
        addUname(set, { sysname: 'Linux', release: '6.1.0-13-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1', machine: 'x86_64', nodename: 'web-1', domainname: '(none)' });
        expect(set.render()).toBe(
            '# HELP node_uname_info Labeled system information as provided by the uname system call.\n# TYPE node_uname_info gauge\n' +
                'node_uname_info{domainname="(none)",machine="x86_64",nodename="web-1",release="6.1.0-13-amd64",sysname="Linux",version="#1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1"} 1\n',
        );
    });

    it('os: os-release with quoting, version and support end; no file is "no data"', async () => {
        const rootfs = path.join(root, 'rootfs');
        put('rootfs/usr/lib/os-release', ['# written for this test', 'NAME="Fixture \\"Linux\\""', "ID=fixture", "ID_LIKE='debian'", 'VERSION_ID="24.04.1"', 'PRETTY_NAME="Fixture Linux 24.04"', 'SUPPORT_END=2029-05-31', ''].join('\n'));
        const page = await run(osCollector({ ...paths, rootfs }));
        expect(page.value('node_os_info', { name: 'Fixture "Linux"', id: 'fixture', id_like: 'debian', pretty_name: 'Fixture Linux 24.04', version_id: '24.04.1' })).toBe(1);
        expect(page.families.get('node_os_info')!.labels).toEqual(['id', 'id_like', 'name', 'pretty_name', 'version_id']);
        expect(page.value('node_os_version', { id: 'fixture' })).toBe(24.04);
        expect(page.value('node_os_support_end_timestamp_seconds')).toBe(Date.UTC(2029, 4, 31) / 1000);
        await expect(osCollector({ ...paths, rootfs: path.join(root, 'nowhere') }).update(new MetricSet())).rejects.toBeInstanceOf(NoDataError);
    });
});
