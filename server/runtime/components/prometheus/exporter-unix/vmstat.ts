// vmstat: node_vmstat_<field> (untyped) for the /proc/vmstat fields matching `vmstat { fields }`.

import { type Collector, type HostPaths, goRegexp, procFile, readText } from './host.js';
import { type Family, type MetricSet, family } from './metric-set.js';

/** Alloy's default `vmstat > fields`. */
export const DEFAULT_VMSTAT_FIELDS = '^(oom_kill|pgpg|pswp|pg.*fault).*';

/** The /proc/vmstat fields whose name matches `fields`, in file order. */
export function parseVmstat(text: string, fields: RegExp): [string, number][] {
    const out: [string, number][] = [];
    for (const line of text.split('\n')) {
        const parts = line.trim().split(/\s+/);
        if (parts[0] === '') continue;
        const value = Number(parts[1]);
        if (parts.length < 2 || Number.isNaN(value)) throw new Error(`malformed vmstat line ${JSON.stringify(line)}`);
        if (fields.test(parts[0])) out.push([parts[0], value]);
    }
    return out;
}

export function vmstatCollector(paths: HostPaths, fieldsPattern: string): Collector {
    const fields = goRegexp(fieldsPattern, 'vmstat > fields');
    const families = new Map<string, Family>();
    return {
        async update(out: MetricSet) {
            for (const [name, value] of parseVmstat(await readText(procFile(paths, 'vmstat')), fields)) {
                let f = families.get(name);
                if (f === undefined) families.set(name, (f = family(`node_vmstat_${name}`, `/proc/vmstat information field ${name}.`, 'untyped')));
                out.add(f, value);
            }
        },
    };
}
