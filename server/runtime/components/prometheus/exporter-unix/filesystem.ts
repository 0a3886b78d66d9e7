// filesystem: size, free and available bytes, inodes, read-only state and mount
// information of the mounts in /proc/1/mountinfo (else /proc/self/mountinfo), from
// statfs(2), as node_exporter reports them. A mount whose statfs does not answer
// within mount_timeout is reported with device_error "mountpoint timeout" and not
// asked again until that call returns, so a hung NFS server does not hang scrapes.

import { statfs } from 'node:fs/promises';
import { type Collector, DeviceFilter, type HostPaths, isNotFound, procFile, readText, rootfsFile, rootfsStripPrefix } from './host.js';
import { type MetricSet, family } from './metric-set.js';

/** Alloy's defaults (Linux) for `filesystem > mount_points_exclude` and `fs_types_exclude`. */
export const DEFAULT_MOUNT_POINTS_EXCLUDE = '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+)($|/)';
export const DEFAULT_FS_TYPES_EXCLUDE =
    '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$';

const LABELS = ['device', 'mountpoint', 'fstype', 'device_error'];
const SIZE = family('node_filesystem_size_bytes', 'Filesystem size in bytes.', 'gauge', LABELS);
const FREE = family('node_filesystem_free_bytes', 'Filesystem free space in bytes.', 'gauge', LABELS);
const AVAIL = family('node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.', 'gauge', LABELS);
const FILES = family('node_filesystem_files', 'Filesystem total file nodes.', 'gauge', LABELS);
const FILES_FREE = family('node_filesystem_files_free', 'Filesystem total free file nodes.', 'gauge', LABELS);
const READONLY = family('node_filesystem_readonly', 'Filesystem read-only status.', 'gauge', LABELS);
const DEVICE_ERROR = family('node_filesystem_device_error', 'Whether an error occurred while getting statistics for the given device.', 'gauge', LABELS);
const MOUNT_INFO = family('node_filesystem_mount_info', 'Filesystem mount information.', 'gauge', ['device', 'major', 'minor', 'mountpoint']);

export interface Mount {
    device: string;
    mountPoint: string;
    fsType: string;
    major: string;
    minor: string;
    readOnly: boolean;
}

/** Parses mountinfo text (proc(5)): mount point with \040 and \011 unescaped, read-only from mount or super options. */
export function parseMountinfo(text: string): Mount[] {
    const out: Mount[] = [];
    for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const f = line.trim().split(' ');
        const sep = f.indexOf('-', 6);
        if (sep < 0 || f.length < sep + 3) throw new Error(`malformed mountinfo line ${JSON.stringify(line)}`);
        const mm = /^(\d+):(\d+)$/.exec(f[2]);
        if (!mm) throw new Error(`malformed mount point MajorMinorVer: ${JSON.stringify(f[2])}`);
        const options = f[5].split(',');
        const superOptions = (f[sep + 3] ?? '').split(',');
        out.push({
            device: f[sep + 2],
            mountPoint: f[4].replaceAll('\\040', ' ').replaceAll('\\011', '\t'),
            fsType: f[sep + 1],
            major: String(Number(mm[1])),
            minor: String(Number(mm[2])),
            readOnly: options.includes('ro') || superOptions.includes('ro'),
        });
    }
    return out;
}

export interface FilesystemOptions {
    readonly mountPointsExclude: string;
    readonly fsTypesExclude: string;
    readonly mountTimeoutMs: number;
}

/** How a failed statfs is labelled: the system error's text, as Go prints it ("permission denied"). */
function errnoText(e: unknown): string {
    const msg = (e as Error).message ?? String(e);
    return /^[A-Z0-9]+: ([^,]+)/.exec(msg)?.[1] ?? msg;
}

export function filesystemCollector(paths: HostPaths, opts: FilesystemOptions): Collector {
    const mountPoints = new DeviceFilter(opts.mountPointsExclude, '', 'filesystem > mount_points');
    const fsTypes = new DeviceFilter(opts.fsTypesExclude, '', 'filesystem > fs_types');
    /** Mount points whose statfs is still running past mount_timeout. */
    const stuck = new Set<string>();

    async function stat(m: Mount, out: MetricSet): Promise<void> {
        const mountPoint = rootfsStripPrefix(paths, m.mountPoint);
        const labels = (error: string) => [m.device, mountPoint, m.fsType, error] as const;
        if (stuck.has(mountPoint)) {
            out.add(DEVICE_ERROR, 1, ...labels('mountpoint timeout'));
            out.add(READONLY, 0, ...labels('mountpoint timeout'));
            return;
        }
        const ro = m.readOnly ? 1 : 0;
        const call = statfs(rootfsFile(paths, mountPoint));
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), opts.mountTimeoutMs)));
        try {
            const s = await Promise.race([call, timedOut]);
            if (s === 'timeout') {
                stuck.add(mountPoint);
                void call.then(
                    () => stuck.delete(mountPoint),
                    () => stuck.delete(mountPoint),
                );
                out.add(DEVICE_ERROR, 1, ...labels('mountpoint timeout'));
                out.add(READONLY, ro, ...labels('mountpoint timeout'));
                return;
            }
            out.add(DEVICE_ERROR, 0, ...labels(''));
            out.add(READONLY, ro, ...labels(''));
            out.add(SIZE, s.blocks * s.bsize, ...labels(''));
            out.add(FREE, s.bfree * s.bsize, ...labels(''));
            out.add(AVAIL, s.bavail * s.bsize, ...labels(''));
            out.add(FILES, s.files, ...labels(''));
            out.add(FILES_FREE, s.ffree, ...labels(''));
            out.add(MOUNT_INFO, 1, m.device, m.major, m.minor, mountPoint);
        } catch (e) {
            const error = errnoText(e);
            out.add(DEVICE_ERROR, 1, ...labels(error));
            out.add(READONLY, ro, ...labels(error));
        } finally {
            clearTimeout(timer);
        }
    }

    return {
        async update(out: MetricSet) {
            let text: string;
            try {
                text = await readText(procFile(paths, '1/mountinfo'));
            } catch (e) {
                // /proc/1 is hidden with hidepid: fall back to this process' mounts.
                if (!isNotFound(e)) throw e;
                text = await readText(procFile(paths, 'self/mountinfo'));
            }
            const mounts = parseMountinfo(text).filter((m) => !mountPoints.ignored(rootfsStripPrefix(paths, m.mountPoint)) && !fsTypes.ignored(m.fsType));
            await Promise.all(mounts.map((m) => stat(m, out)));
        },
    };
}
