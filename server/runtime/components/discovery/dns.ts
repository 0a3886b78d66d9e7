// discovery.dns: targets from DNS records of `names`, looked up every refresh_interval (30s) as
// Prometheus' DNS SD does: SRV records give `target:port`, A/AAAA the address with `port`, MX and NS
// the host with `port`; every target carries `__meta_dns_name` and the record labels
// (`__meta_dns_srv_record_target` / `_port`, `__meta_dns_mx_record_target`,
// `__meta_dns_ns_record_target`; empty when another type). A name that is not fully qualified is
// tried with resolv.conf's search domains (ndots), the first name that exists wins; a name every
// server refuses keeps its previous targets. Queries go to resolv.conf's servers through node:dns.

import { Resolver } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import type { ArgumentBody, ComponentContext, ComponentDefinition } from '../../component.js';
import { Args, attr, schema } from '../decode.js';
import { errorMessage } from '../fanout.js';
import { type CounterHandle, InstanceMetrics } from '../metrics.js';
import { type Labels, type RefreshFn, RefreshDiscovery, type TargetGroup } from './refresh.js';

const SCHEMA = schema(
    [attr('names', 'list(string)', true), attr('refresh_interval', 'duration'), attr('type', 'string'), attr('port', 'number')],
    [],
    [{ name: 'targets', type: 'list(map(string))' }],
);

const TYPES = ['SRV', 'A', 'AAAA', 'MX', 'NS'] as const;
type RecordType = (typeof TYPES)[number];

/**
 * Where lookups go: resolv.conf's servers and search list, unless `servers` is set (host or
 * host:port, as Resolver.setServers takes them; tests point it at a local responder).
 */
export const DNS_SETTINGS: { resolvConf: string; servers: string[] | undefined } = { resolvConf: '/etc/resolv.conf', servers: undefined };

interface ResolvConf {
    readonly search: readonly string[];
    readonly ndots: number;
}

function readResolvConf(file: string): ResolvConf {
    let text = '';
    try {
        text = readFileSync(file, 'utf8');
    } catch (e) {
        throw new Error(`could not load resolv.conf: ${errorMessage(e)}`);
    }
    let search: string[] = [];
    let ndots = 1;
    for (const line of text.split('\n')) {
        const f = line.replace(/[#;].*/, '').trim().split(/\s+/);
        if (f[0] === 'search' || f[0] === 'domain') search = f.slice(1).filter(Boolean);
        else if (f[0] === 'options') for (const o of f.slice(1)) if (o.startsWith('ndots:')) ndots = Math.min(15, Number(o.slice(6)) || 0);
    }
    return { search, ndots };
}

const fqdn = (s: string) => (s.endsWith('.') ? s : s + '.');

/** The names to try for `name`, in order (miekg/dns ClientConfig.NameList). */
function nameList(name: string, conf: ResolvConf): string[] {
    if (name.endsWith('.')) return [name];
    const hasNdots = name.split('.').filter(Boolean).length > conf.ndots;
    const out: string[] = [];
    if (hasNdots) out.push(fqdn(name));
    for (const s of conf.search) out.push(fqdn(`${name}.${s.replace(/\.$/, '')}`));
    if (!hasNdots) out.push(fqdn(name));
    return out;
}

/** net.JoinHostPort */
const joinHostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

interface Config {
    readonly names: readonly string[];
    readonly intervalMs: number;
    readonly type: RecordType;
    readonly port: number;
}

class DiscoveryDns extends RefreshDiscovery<Config> {
    private readonly metrics: InstanceMetrics;
    private readonly lookups: CounterHandle;
    private readonly lookupFailures: CounterHandle;

    constructor(ctx: ComponentContext) {
        super(ctx, 'dns');
        this.metrics = new InstanceMetrics(ctx.registry, ctx.metricLabels);
        this.lookups = this.metrics.counter({ name: 'prometheus_sd_dns_lookups_total', help: 'The number of DNS-SD lookups.', type: 'counter' });
        this.lookupFailures = this.metrics.counter({ name: 'prometheus_sd_dns_lookup_failures_total', help: 'The number of DNS-SD lookup failures.', type: 'counter' });
    }

    protected decode(body: ArgumentBody): Config {
        const args = Args.of('discovery.dns', SCHEMA, body);
        const names = args.stringList('names') ?? [];
        const typeText = args.string('type', 'SRV');
        const type = typeText.toUpperCase() as RecordType;
        if (!TYPES.includes(type)) args.fail('type', `invalid DNS-SD records type ${typeText}`);
        const port = args.int('port', 0);
        if (type !== 'SRV' && port === 0) args.fail('port', 'a port is required in DNS-SD configs for all record types except SRV');
        return { names, intervalMs: args.duration('refresh_interval', 30_000, { allowZero: false }), type, port };
    }

    protected refreshFor(config: Config): RefreshFn {
        return async () => {
            const resolver = new Resolver({ timeout: 5000, tries: 2 });
            if (DNS_SETTINGS.servers !== undefined) resolver.setServers(DNS_SETTINGS.servers);
            const conf = readResolvConf(DNS_SETTINGS.resolvConf);
            try {
                const results = await Promise.all(config.names.map((n) => this.refreshOne(resolver, conf, n, config.type, config.port)));
                return results.filter((g): g is TargetGroup => g !== undefined);
            } finally {
                resolver.cancel();
            }
        };
    }

    /** The group of one name; undefined (its previous targets kept) when the lookup failed. */
    private async refreshOne(resolver: Resolver, conf: ResolvConf, name: string, type: RecordType, port: number): Promise<TargetGroup | undefined> {
        this.lookups.inc();
        let allValid = true;
        for (const candidate of nameList(name, conf)) {
            try {
                const records = await this.lookup(resolver, candidate, type, port);
                return { source: name, labels: {}, targets: records.map((r) => this.target(name, r)) };
            } catch (e) {
                const code = (e as NodeJS.ErrnoException).code ?? '';
                // ENODATA: the name exists without records of this type (an empty answer), as Prometheus takes it.
                if (code === 'ENODATA') return { source: name, labels: {}, targets: [] };
                if (code !== 'ENOTFOUND') {
                    allValid = false;
                    this.ctx.log('warn', 'DNS resolution failed', { name: candidate, err: errorMessage(e) });
                }
            }
        }
        if (allValid) return { source: name, labels: {}, targets: [] };
        this.lookupFailures.inc();
        this.ctx.log('error', 'Error refreshing DNS targets', { err: `could not resolve ${JSON.stringify(name)}: all servers responded with errors to at least one search domain` });
        return undefined;
    }

    private async lookup(resolver: Resolver, name: string, type: RecordType, port: number): Promise<Labels[]> {
        switch (type) {
            case 'SRV':
                return (await resolver.resolveSrv(name)).map((r) => ({
                    __address__: joinHostPort(r.name.replace(/\.+$/, ''), r.port),
                    __meta_dns_srv_record_target: fqdn(r.name),
                    __meta_dns_srv_record_port: String(r.port),
                }));
            case 'A':
                return (await resolver.resolve4(name)).map((a) => ({ __address__: joinHostPort(a, port) }));
            case 'AAAA':
                return (await resolver.resolve6(name)).map((a) => ({ __address__: joinHostPort(a, port) }));
            case 'MX':
                return (await resolver.resolveMx(name)).map((r) => ({ __address__: joinHostPort(r.exchange.replace(/\.+$/, ''), port), __meta_dns_mx_record_target: fqdn(r.exchange) }));
            case 'NS':
                return (await resolver.resolveNs(name)).map((ns) => ({ __address__: joinHostPort(ns.replace(/\.+$/, ''), port), __meta_dns_ns_record_target: fqdn(ns) }));
        }
    }

    private target(name: string, record: Labels): Labels {
        return {
            __meta_dns_name: name,
            __meta_dns_srv_record_target: '',
            __meta_dns_srv_record_port: '',
            __meta_dns_mx_record_target: '',
            __meta_dns_ns_record_target: '',
            ...record,
        };
    }

    override async stop(): Promise<void> {
        await super.stop();
        this.metrics.close();
    }
}

export const discoveryDns: ComponentDefinition = {
    name: 'discovery.dns',
    schema: SCHEMA,
    create: (ctx) => new DiscoveryDns(ctx),
};
