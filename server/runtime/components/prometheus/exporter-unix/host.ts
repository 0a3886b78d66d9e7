// What every collector shares: where the host's /proc, /sys, root filesystem and
// udev data are (procfs_path, sysfs_path, rootfs_path, udev_data_path: a
// containerised Alloy points them at the host's mounts), the device filters
// node_exporter builds from include/exclude regular expressions, and the
// interface a collector implements.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Re2SyntaxError, translateRe2 } from '../../../protocols/re2.js';
import type { MetricSet } from './metric-set.js';

export interface HostPaths {
    readonly procfs: string;
    readonly sysfs: string;
    readonly rootfs: string;
    readonly udevData: string;
}

export const DEFAULT_PATHS: HostPaths = { procfs: '/proc', sysfs: '/sys', rootfs: '/', udevData: '/run/udev/data' };

export const procFile = (p: HostPaths, name: string): string => path.join(p.procfs, name);
export const sysFile = (p: HostPaths, name: string): string => path.join(p.sysfs, name);
export const rootfsFile = (p: HostPaths, name: string): string => path.join(p.rootfs, name);

/** A mount point as seen from inside rootfs_path (node_exporter's rootfsStripPrefix). */
export function rootfsStripPrefix(p: HostPaths, mountPoint: string): string {
    if (p.rootfs === '/') return mountPoint;
    const stripped = mountPoint.startsWith(p.rootfs) ? mountPoint.slice(p.rootfs.length) : mountPoint;
    return stripped === '' ? '/' : stripped;
}

/**
 * A Go regular expression used as node_exporter uses it (`MatchString`: unanchored). Throws an Error
 * naming `what` when the pattern is not valid RE2.
 */
export function goRegexp(pattern: string, what: string): RegExp {
    try {
        const { source, flags } = translateRe2(pattern);
        return new RegExp(source, flags);
    } catch (e) {
        const reason = e instanceof Re2SyntaxError ? e.message : (e as Error).message.replace(/^Invalid regular expression: /, '');
        throw new Error(`${what}: invalid regular expression ${JSON.stringify(pattern)}: ${reason}`);
    }
}

/** node_exporter's deviceFilter: a name is ignored when it matches the exclude or misses the include pattern. */
export class DeviceFilter {
    private readonly exclude?: RegExp;
    private readonly include?: RegExp;

    constructor(exclude: string, include: string, what: string) {
        if (exclude !== '') this.exclude = goRegexp(exclude, `${what}_exclude`);
        if (include !== '') this.include = goRegexp(include, `${what}_include`);
    }

    ignored(name: string): boolean {
        return (this.exclude !== undefined && this.exclude.test(name)) || (this.include !== undefined && !this.include.test(name));
    }
}

/** One node_exporter collector: adds its metrics to the set, or throws (the collector then reports success 0). */
export interface Collector {
    update(out: MetricSet): Promise<void>;
}

/** A collector that found nothing to report (node_exporter's ErrNoData): success 0, logged at debug level only. */
export class NoDataError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'NoDataError';
    }
}

export function readText(file: string): Promise<string> {
    return readFile(file, 'utf8');
}

/** An unsigned integer from a one-value sysfs file, or undefined when the file is absent or not a number. */
export async function readUint(file: string): Promise<number | undefined> {
    try {
        const text = (await readFile(file, 'utf8')).trim();
        return /^\d+$/.test(text) ? Number(text) : undefined;
    } catch {
        return undefined;
    }
}

export function isNotFound(e: unknown): boolean {
    return (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
