// os: node_os_info, node_os_version and node_os_support_end_timestamp_seconds from
// os-release(5) (/etc/os-release, else /usr/lib/os-release, under rootfs_path).

import { type Collector, type HostPaths, NoDataError, isNotFound, readText, rootfsFile } from './host.js';
import { type MetricSet, family } from './metric-set.js';

const INFO_LABELS = ['build_id', 'id', 'id_like', 'image_id', 'image_version', 'name', 'pretty_name', 'variant', 'variant_id', 'version', 'version_codename', 'version_id'] as const;
const INFO = family(
    'node_os_info',
    "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.",
    'gauge',
    INFO_LABELS,
);
const VERSION = family('node_os_version', 'Metric containing the major.minor part of the OS version.', 'gauge', ['id', 'id_like', 'name']);
const SUPPORT_END = family('node_os_support_end_timestamp_seconds', 'Metric containing the end-of-life date timestamp of the OS.', 'gauge');

const FILES = ['/etc/os-release', '/usr/lib/os-release'];

/** Parses os-release text: `KEY=value` lines, values unquoted, "double-quoted" (with \ escapes) or 'single-quoted'. */
export function parseOsRelease(text: string): Map<string, string> {
    const out = new Map<string, string>();
    text.split('\n').forEach((raw, i) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) return;
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
        if (!m) throw new Error(`os-release line ${i + 1}: expected KEY=value`);
        let value = m[2];
        if (value.startsWith('"')) {
            const end = value.lastIndexOf('"');
            if (end === 0) throw new Error(`os-release line ${i + 1}: unterminated quote`);
            value = value.slice(1, end).replace(/\\([\\"$`])/g, '$1');
        } else if (value.startsWith("'")) {
            const end = value.lastIndexOf("'");
            if (end === 0) throw new Error(`os-release line ${i + 1}: unterminated quote`);
            value = value.slice(1, end);
        }
        out.set(m[1], value);
    });
    return out;
}

export function addOsRelease(out: MetricSet, env: ReadonlyMap<string, string>): void {
    const get = (k: string) => env.get(k) ?? '';
    out.add(INFO, 1, ...INFO_LABELS.map((l) => get(l.toUpperCase())));
    const majorMinor = /^[0-9]+\.?[0-9]*/.exec(get('VERSION_ID'))?.[0];
    const version = majorMinor ? Number(majorMinor) : 0;
    if (version > 0) out.add(VERSION, version, get('ID'), get('ID_LIKE'), get('NAME'));
    const supportEnd = get('SUPPORT_END');
    if (supportEnd !== '') {
        const t = /^\d{4}-\d{2}-\d{2}$/.test(supportEnd) ? Date.parse(`${supportEnd}T00:00:00Z`) : NaN;
        if (Number.isNaN(t)) throw new Error(`os-release: SUPPORT_END ${JSON.stringify(supportEnd)} is not a date (YYYY-MM-DD)`);
        out.add(SUPPORT_END, t / 1000);
    }
}

export function osCollector(paths: HostPaths): Collector {
    return {
        async update(out: MetricSet) {
            for (const file of FILES) {
                let text: string;
                try {
                    text = await readText(rootfsFile(paths, file));
                } catch (e) {
                    if (isNotFound(e)) continue;
                    throw e;
                }
                addOsRelease(out, parseOsRelease(text));
                return;
            }
            throw new NoDataError(`no os-release file found (${FILES.join(', ')})`);
        },
    };
}
