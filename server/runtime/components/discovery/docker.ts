// discovery.docker: targets from the containers of a Docker daemon, as Prometheus' Docker SD
// (discovery/moby/docker.go, network.go) builds them every refresh_interval (1m): one target per TCP
// port per network of a container (`__address__` = network IP:private port), or one per network with
// `port` (80) when it exposes none, `host_networking_host` for host-networked containers; a container
// without networks of its own takes those of the container whose network it shares; with
// match_first_network (default) only the first network by name is used. Labels:
// `__meta_docker_container_{id,name,network_mode,label_*}`, `__meta_docker_network_{id,name,scope,
// internal,ingress,label_*,ip}`, `__meta_docker_port_{private,public,public_ip}`. `filter` blocks go
// to the daemon's container list filters.

import type { ArgumentBody, ComponentContext, ComponentDefinition } from '../../component.js';
import { type DockerContainer, DockerClient, type DockerNetwork, dockerHostProblem } from '../../protocols/docker-engine.js';
import { Args, attr, block, schema } from '../decode.js';
import { USER_AGENT } from '../version.js';
import { HTTP_CLIENT_ATTRIBUTES, HTTP_CLIENT_BLOCKS, type HttpOptions, decodeHttpOptions, httpClientIgnored, requestHeaders } from './http-options.js';
import { type Labels, type RefreshFn, RefreshDiscovery, type TargetGroup } from './refresh.js';

const SCHEMA = schema(
    [
        attr('host', 'string', true),
        attr('port', 'number'),
        attr('host_networking_host', 'string'),
        attr('refresh_interval', 'duration'),
        attr('match_first_network', 'bool'),
        ...HTTP_CLIENT_ATTRIBUTES,
    ],
    [block('filter', false, [attr('name', 'string', true), attr('values', 'list(string)', true)]), ...HTTP_CLIENT_BLOCKS],
    [{ name: 'targets', type: 'list(map(string))' }],
);

export const IGNORED = httpClientIgnored();

/** Prometheus' strutil.SanitizeLabelName. */
export const sanitizeLabelName = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');

/** net.JoinHostPort */
const joinHostPort = (host: string, port: number | string) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

interface Config {
    readonly host: string;
    readonly port: number;
    readonly hostNetworkingHost: string;
    readonly intervalMs: number;
    readonly matchFirstNetwork: boolean;
    readonly filters: ReadonlyMap<string, readonly string[]>;
    readonly http: HttpOptions;
}

/** Network labels by network ID (network.go getNetworksLabels). */
function networkLabels(networks: readonly DockerNetwork[]): Map<string, Labels> {
    const out = new Map<string, Labels>();
    for (const n of networks) {
        const labels: Labels = {
            __meta_docker_network_id: n.Id,
            __meta_docker_network_name: n.Name,
            __meta_docker_network_scope: n.Scope ?? '',
            __meta_docker_network_internal: String(n.Internal ?? false),
            __meta_docker_network_ingress: String(n.Ingress ?? false),
        };
        for (const [k, v] of Object.entries(n.Labels ?? {})) labels[`__meta_docker_network_label_${sanitizeLabelName(k)}`] = v;
        out.set(n.Id, labels);
    }
    return out;
}

/** The targets of the daemon's containers (docker.go refresh). */
export function dockerTargets(containers: readonly DockerContainer[], networks: readonly DockerNetwork[], config: Pick<Config, 'port' | 'hostNetworkingHost' | 'matchFirstNetwork'>): Labels[] {
    const byNetwork = networkLabels(networks);
    const byId = new Map(containers.map((c) => [c.Id, c]));
    const targets: Labels[] = [];
    for (const c of containers) {
        const names = c.Names ?? [];
        if (names.length === 0) continue;
        const networkMode = c.HostConfig?.NetworkMode ?? '';
        const common: Labels = {
            __meta_docker_container_id: c.Id,
            __meta_docker_container_name: names[0],
            __meta_docker_container_network_mode: networkMode,
        };
        for (const [k, v] of Object.entries(c.Labels ?? {})) common[`__meta_docker_container_label_${sanitizeLabelName(k)}`] = v;

        let nets = c.NetworkSettings?.Networks ?? {};
        if (Object.keys(nets).length === 0) {
            // Shared networking (`container:<id>`): follow to the container that owns the networks.
            let mode = networkMode;
            const seen = new Set<string>();
            while (mode.startsWith('container:')) {
                const other = byId.get(mode.slice('container:'.length));
                if (other === undefined || seen.has(other.Id)) break;
                seen.add(other.Id);
                nets = other.NetworkSettings?.Networks ?? {};
                mode = other.HostConfig?.NetworkMode ?? '';
                if (Object.keys(nets).length > 0) break;
            }
        }
        let names2 = Object.keys(nets).sort();
        if (config.matchFirstNetwork && names2.length > 1) {
            const first = names2.find((k) => nets[k] !== null && nets[k] !== undefined);
            if (first !== undefined) names2 = [first];
        }
        for (const netName of names2) {
            const n = nets[netName];
            if (n === null || n === undefined) continue;
            const ip = n.IPAddress ?? '';
            const netLabels = byNetwork.get(n.NetworkID ?? '') ?? {};
            let added = false;
            for (const p of c.Ports ?? []) {
                if (p.Type !== 'tcp') continue;
                const labels: Labels = { __meta_docker_network_ip: ip, __meta_docker_port_private: String(p.PrivatePort) };
                if ((p.PublicPort ?? 0) > 0) {
                    labels.__meta_docker_port_public = String(p.PublicPort);
                    labels.__meta_docker_port_public_ip = p.IP ?? '';
                }
                Object.assign(labels, common, netLabels);
                labels.__address__ = joinHostPort(ip, p.PrivatePort);
                targets.push(labels);
                added = true;
            }
            if (!added) {
                // No TCP port exposed: the configured port; host-networked containers have no IP of their own.
                const labels: Labels = { __meta_docker_network_ip: ip, ...common, ...netLabels };
                labels.__address__ = networkMode !== 'host' ? joinHostPort(ip, config.port) : config.hostNetworkingHost;
                targets.push(labels);
            }
        }
    }
    return targets;
}

class DiscoveryDocker extends RefreshDiscovery<Config> {
    constructor(ctx: ComponentContext) {
        super(ctx, 'docker');
    }

    protected decode(body: ArgumentBody): Config {
        const args = Args.of('discovery.docker', SCHEMA, body, { ignored: IGNORED });
        const host = args.string('host', '');
        if (host === '') args.fail('host', 'host attribute must not be empty');
        const problem = dockerHostProblem(host);
        if (problem !== undefined) args.fail('host', problem);
        const filters = new Map<string, string[]>();
        for (const f of args.blocks('filter')) filters.set(f.string('name', ''), [...(filters.get(f.string('name', '')) ?? []), ...(f.stringList('values') ?? [])]);
        const intervalMs = args.duration('refresh_interval', 60_000);
        if (intervalMs <= 0) args.fail('refresh_interval', 'refresh_interval must be greater than 0');
        return {
            host,
            port: args.int('port', 80),
            hostNetworkingHost: args.string('host_networking_host', 'localhost'),
            intervalMs,
            matchFirstNetwork: args.bool('match_first_network', true),
            filters,
            http: decodeHttpOptions(args),
        };
    }

    protected refreshFor(config: Config): RefreshFn {
        const client = new DockerClient(config.host, { headers: () => requestHeaders(config.http), timeoutMs: config.intervalMs, userAgent: USER_AGENT });
        return async (signal): Promise<TargetGroup[]> => {
            let containers: DockerContainer[];
            try {
                containers = await client.listContainers(config.filters, signal);
            } catch (e) {
                throw new Error(`error while listing containers: ${(e as Error).message}`);
            }
            let networks: DockerNetwork[];
            try {
                networks = await client.listNetworks(signal);
            } catch (e) {
                throw new Error(`error while computing network labels: ${(e as Error).message}`);
            }
            return [{ source: 'Docker', labels: {}, targets: dockerTargets(containers, networks, config) }];
        };
    }
}

export const discoveryDocker: ComponentDefinition = {
    name: 'discovery.docker',
    schema: SCHEMA,
    create: (ctx) => new DiscoveryDocker(ctx),
};
