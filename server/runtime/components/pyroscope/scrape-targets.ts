// The profiling targets of pyroscope.scrape, as Alloy builds them (scrape/scrape.go, target.go):
// one target per discovered target and enabled profile type. Its labels: the discovered ones, then
// (unless already set) `__profile_path__`, `__name__` (the profile type), `__profile_path_prefix__`,
// `job` (job_name, when set), `__scheme__`, `__param_<name>`, `instance` (the address, a default
// port added for the scheme) and `service_name` (inferred from Kubernetes, Docker or Swarm
// metadata, else "unspecified"). Its URL: scheme://address/prefix/path?params; a profile type with
// `delta` gets `seconds` (scrape_interval − 1 s, or delta_profiling_duration when set), and its
// scrape timeout grows by scrape_interval − 1 s. godeltaprof_* types are scraped as memory, block
// and mutex (the server already sends deltas).

import { NAME_LABEL, SERVICE_NAME_LABEL } from './labels.js';

export interface ProfileTypeConfig {
    readonly enabled: boolean;
    readonly path: string;
    readonly delta: boolean;
}

export interface ProfilingConfig {
    /** By profile type name: the standard ones and the `profile.custom` labels. */
    readonly types: ReadonlyMap<string, ProfileTypeConfig>;
    readonly pathPrefix: string;
}

export const DEFAULT_PROFILE_TYPES: Readonly<Record<string, ProfileTypeConfig>> = {
    memory: { enabled: true, path: '/debug/pprof/allocs', delta: false },
    block: { enabled: true, path: '/debug/pprof/block', delta: false },
    goroutine: { enabled: true, path: '/debug/pprof/goroutine', delta: false },
    mutex: { enabled: true, path: '/debug/pprof/mutex', delta: false },
    process_cpu: { enabled: true, path: '/debug/pprof/profile', delta: true },
    fgprof: { enabled: false, path: '/debug/fgprof', delta: true },
    godeltaprof_memory: { enabled: false, path: '/debug/pprof/delta_heap', delta: false },
    godeltaprof_mutex: { enabled: false, path: '/debug/pprof/delta_mutex', delta: false },
    godeltaprof_block: { enabled: false, path: '/debug/pprof/delta_block', delta: false },
};

const GODELTAPROF: Readonly<Record<string, string>> = { godeltaprof_memory: 'memory', godeltaprof_block: 'block', godeltaprof_mutex: 'mutex' };

export const DEFAULT_SCRAPE_INTERVAL_MS = 15_000;
/** Alloy's default delta_profiling_duration: the default interval less one second. */
export const DEFAULT_DELTA_DURATION_MS = DEFAULT_SCRAPE_INTERVAL_MS - 1000;

export interface TargetSettings {
    readonly jobName: string;
    readonly scheme: string;
    readonly params: ReadonlyMap<string, readonly string[]>;
    readonly intervalMs: number;
    readonly timeoutMs: number;
    readonly deltaDurationMs: number;
    readonly profiling: ProfilingConfig;
}

export interface ProfilingTarget {
    /** Every label, `__` ones included (pyroscope.write drops them, except `__name__` and `__delta__`). */
    readonly labels: Readonly<Record<string, string>>;
    readonly url: string;
    readonly timeoutMs: number;
    /** Scraped from a godeltaprof endpoint: the profile is a delta already. */
    readonly godeltaprof: boolean;
    /** Identity: public labels and URL (a changed target is a new one). */
    readonly key: string;
}

/** The service name Alloy infers from discovery metadata. */
export function inferServiceName(labels: Readonly<Record<string, string>>): string {
    const k8s = labels.__meta_kubernetes_pod_annotation_pyroscope_io_service_name;
    if (k8s) return k8s;
    const ns = labels.__meta_kubernetes_namespace;
    const container = labels.__meta_kubernetes_pod_container_name;
    if (ns && container) return `${ns}/${container}`;
    return labels.__meta_docker_container_name || labels.__meta_dockerswarm_container_label_service_name || labels.__meta_dockerswarm_service_name || 'unspecified';
}

/** Go's net.SplitHostPort succeeding: a port is already there. */
function hasPort(address: string): boolean {
    return /^\[[^\]]*\]:[^:]*$/.test(address) || /^[^:[\]]*:[^:]*$/.test(address);
}

/** The targets of one discovered target (in profile type order); throws with Alloy's reason for an invalid one. */
export function profilingTargets(discovered: Readonly<Record<string, string>>, s: TargetSettings): ProfilingTarget[] {
    const out: ProfilingTarget[] = [];
    for (const [type, cfg] of s.profiling.types) {
        if (!cfg.enabled) continue;
        const l: Record<string, string> = { ...discovered };
        const setDefault = (name: string, value: string) => {
            if (!l[name] && value !== '') l[name] = value;
        };
        setDefault('__profile_path__', cfg.path);
        setDefault(NAME_LABEL, type);
        setDefault('__profile_path_prefix__', s.profiling.pathPrefix);
        setDefault('job', s.jobName);
        setDefault('__scheme__', s.scheme);
        for (const [k, v] of s.params) if (v.length > 0) l[`__param_${k}`] = v[0];
        let address = l.__address__ ?? '';
        if (address === '') throw new Error('no address');
        if (!hasPort(address) && hasPort(`${address}:1234`)) {
            const scheme = l.__scheme__ ?? '';
            if (scheme === 'http' || scheme === '') address += ':80';
            else if (scheme === 'https') address += ':443';
            else throw new Error(`invalid scheme: ${JSON.stringify(s.scheme)}`);
            l.__address__ = address;
        }
        if (address.includes('/')) throw new Error(`${JSON.stringify(address)} is not a valid hostname`);
        setDefault('instance', address);
        if (!l[SERVICE_NAME_LABEL]) l[SERVICE_NAME_LABEL] = inferServiceName(discovered);

        const params = new Map<string, string[]>([...s.params].map(([k, v]) => [k, [...v]]));
        const profileType = l[NAME_LABEL];
        const delta = s.profiling.types.get(profileType)?.delta === true;
        if (delta) {
            const seconds = s.deltaDurationMs !== DEFAULT_DELTA_DURATION_MS ? Math.trunc(s.deltaDurationMs / 1000) : Math.trunc(s.intervalMs / 1000) - 1;
            params.set('seconds', [...(params.get('seconds') ?? []), String(seconds)]);
        }
        let godeltaprof = false;
        if (GODELTAPROF[profileType] !== undefined) {
            l[NAME_LABEL] = GODELTAPROF[profileType];
            godeltaprof = true;
        }
        // __param_<name> labels replace the first value of a parameter.
        for (const [k, v] of Object.entries(l)) {
            if (!k.startsWith('__param_')) continue;
            const name = k.slice('__param_'.length);
            const values = params.get(name);
            if (values && values.length > 0) values[0] = v;
            else params.set(name, [v]);
        }
        const query = new URLSearchParams();
        for (const name of [...params.keys()].sort()) for (const v of params.get(name)!) query.append(name, v);
        const path = [l.__profile_path_prefix__ ?? '', l.__profile_path__ ?? ''].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
        const qs = query.toString();
        const url = `${l.__scheme__ ?? s.scheme}://${address}/${path}${qs ? '?' + qs : ''}`;
        const timeoutMs = params.has('seconds') ? s.timeoutMs + s.intervalMs - 1000 : s.timeoutMs;
        const publicLabels = Object.keys(l)
            .filter((k) => !k.startsWith('__'))
            .sort()
            .map((k) => `${k}=${l[k]}`);
        out.push({ labels: l, url, timeoutMs, godeltaprof, key: `${publicLabels.join('\u0000')}\u0001${url}` });
    }
    return out;
}
