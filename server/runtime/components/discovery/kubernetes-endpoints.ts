// discovery.kubernetes roles "endpoints" and "endpointslice": one target per address and port of
// the endpoints (slices), with the service's labels on the group and, for addresses that point at
// a pod, the pod's labels and matching container port; container ports of those pods that no
// endpoint port covers get targets of their own (Prometheus' Kubernetes SD).

import { type KubeObject, type Labels, type Lookups, META, NAMESPACE_LABEL, type ObjectRef, type Pod, addObjectMetaLabels, joinHostPort, sanitizeLabelName, withNamespaceLabels, withNodeLabels } from './kubernetes-objects.js';
import { type Built, podContainers, podLabels } from './kubernetes-pod.js';
import { serviceLabels } from './kubernetes-service.js';

interface EndpointAddress {
    ip?: string;
    hostname?: string;
    nodeName?: string;
    targetRef?: ObjectRef;
}

export interface Endpoints extends KubeObject {
    subsets?: { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: { name?: string; port?: number; protocol?: string }[] }[];
}

export interface EndpointSlice extends KubeObject {
    addressType?: string;
    endpoints?: {
        addresses?: string[];
        conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
        hostname?: string;
        nodeName?: string;
        zone?: string;
        targetRef?: ObjectRef;
        deprecatedTopology?: Record<string, string>;
    }[];
    ports?: { name?: string; port?: number; protocol?: string; appProtocol?: string }[];
}

/**
 * The targets of one endpoints object (or slice) and what they were built from; remembers the pods
 * the addresses point at, to add targets for their uncovered container ports.
 */
class EndpointTargets {
    readonly targets: Labels[] = [];
    readonly refs: string[] = [];
    private readonly seen = new Map<string, { pod: Pod; ports: Set<number> }>();

    constructor(
        private readonly lookups: Lookups,
        private readonly namespace: string,
    ) {}

    /**
     * Adds `target` with the node's metadata (attach_metadata.node) and, when `ref` is a known pod,
     * the pod's labels and the container port matching `port`.
     */
    add(target: Labels, ref: ObjectRef | undefined, nodeName: string | undefined, port: number | undefined, protocol: (containerProtocol: string | undefined) => string): void {
        if (nodeName !== undefined) this.refs.push(`nodes/${nodeName}`);
        const withNode = withNodeLabels(target, this.lookups, nodeName);
        if (ref?.kind !== 'Pod') {
            this.targets.push(withNode);
            return;
        }
        const key = `${ref.namespace ?? this.namespace}/${ref.name ?? ''}`;
        this.refs.push(`pods/${key}`);
        const pod = this.lookups.pods.get(key);
        if (pod === undefined) {
            this.targets.push(withNode);
            return;
        }
        const entry = this.seen.get(key) ?? { pod, ports: new Set<number>() };
        if (port !== undefined) entry.ports.add(port);
        this.seen.set(key, entry);
        this.targets.push(withPod(withNode, pod, port, protocol));
    }

    /** The targets added, then one for each container port of the seen pods that no endpoint port covered. */
    all(): Labels[] {
        const targets: Labels[] = [...this.targets];
        for (const { pod, ports } of this.seen.values()) {
            const podIP = pod.status?.podIP ?? '';
            if (podIP === '') continue;
            for (const { container: c, isInit } of podContainers(pod)) {
                for (const cport of c.ports ?? []) {
                    if (ports.has(cport.containerPort ?? 0)) continue;
                    const number = String(cport.containerPort ?? 0);
                    targets.push({
                        __address__: joinHostPort(podIP, number),
                        [`${META}pod_container_name`]: c.name ?? '',
                        [`${META}pod_container_image`]: c.image ?? '',
                        [`${META}pod_container_port_name`]: cport.name ?? '',
                        [`${META}pod_container_port_number`]: number,
                        [`${META}pod_container_port_protocol`]: cport.protocol ?? '',
                        [`${META}pod_container_init`]: String(isInit),
                        ...podLabels(pod),
                    });
                }
            }
        }
        return targets;
    }
}

/** The pod's labels and the container port matching `port` (protocol from `protocol`). */
function withPod(target: Labels, pod: Pod, port: number | undefined, protocol: (containerProtocol: string | undefined) => string): Labels {
    const out: Labels = { ...target, ...podLabels(pod) };
    if (port === undefined) return out;
    for (const { container: c, isInit } of podContainers(pod)) {
        const cport = (c.ports ?? []).find((p) => p.containerPort === port);
        if (cport === undefined) continue;
        out[`${META}pod_container_name`] = c.name ?? '';
        out[`${META}pod_container_image`] = c.image ?? '';
        out[`${META}pod_container_port_name`] = cport.name ?? '';
        out[`${META}pod_container_port_number`] = String(port);
        out[`${META}pod_container_port_protocol`] = protocol(cport.protocol);
        out[`${META}pod_container_init`] = String(isInit);
        break;
    }
    return out;
}

/** The group's labels: namespace, the object's own metadata, and its service's labels when the service is known. */
function groupLabels(obj: KubeObject, role: string, extra: Labels, serviceName: string | undefined, lookups: Lookups, refs: string[]): Labels {
    const namespace = obj.metadata?.namespace ?? '';
    const labels: Labels = { [NAMESPACE_LABEL]: namespace, ...extra };
    addObjectMetaLabels(labels, obj.metadata, role);
    if (serviceName !== undefined) {
        refs.push(`services/${namespace}/${serviceName}`);
        const svc = lookups.services.get(`${namespace}/${serviceName}`);
        if (svc !== undefined) Object.assign(labels, serviceLabels(svc));
    }
    refs.push(`namespaces/${namespace}`);
    return withNamespaceLabels(labels, lookups, namespace);
}

export function buildEndpoints(eps: Endpoints, lookups: Lookups): Built {
    const namespace = eps.metadata?.namespace ?? '';
    const out = new EndpointTargets(lookups, namespace);
    const labels = groupLabels(eps, 'endpoints', {}, eps.metadata?.name ?? '', lookups, out.refs);
    const add = (addr: EndpointAddress, port: { name?: string; port?: number; protocol?: string }, ready: string) => {
        const target: Labels = {
            __address__: joinHostPort(addr.ip ?? '', port.port ?? 0),
            [`${META}endpoint_port_name`]: port.name ?? '',
            [`${META}endpoint_port_protocol`]: port.protocol ?? '',
            [`${META}endpoint_ready`]: ready,
        };
        if (addr.targetRef !== undefined) {
            target[`${META}endpoint_address_target_kind`] = addr.targetRef.kind ?? '';
            target[`${META}endpoint_address_target_name`] = addr.targetRef.name ?? '';
        }
        if (addr.nodeName !== undefined) target[`${META}endpoint_node_name`] = addr.nodeName;
        if (addr.hostname) target[`${META}endpoint_hostname`] = addr.hostname;
        const nodeName = addr.nodeName ?? (addr.targetRef?.kind === 'Node' ? addr.targetRef.name : undefined);
        // The endpoint port's protocol on the container port labels, as Prometheus sets it for this role.
        out.add(target, addr.targetRef, nodeName, port.port, () => port.protocol ?? '');
    };
    for (const subset of eps.subsets ?? []) {
        for (const port of subset.ports ?? []) {
            for (const addr of subset.addresses ?? []) add(addr, port, 'true');
            for (const addr of subset.notReadyAddresses ?? []) add(addr, port, 'false');
        }
    }
    return { group: { source: `endpoints/${namespace}/${eps.metadata?.name ?? ''}`, labels, targets: out.all() }, refs: out.refs };
}

export function buildEndpointSlice(eps: EndpointSlice, lookups: Lookups): Built {
    const namespace = eps.metadata?.namespace ?? '';
    const out = new EndpointTargets(lookups, namespace);
    // Every EndpointSlice names its service in the kubernetes.io/service-name label.
    const serviceName = eps.metadata?.labels?.['kubernetes.io/service-name'];
    const labels = groupLabels(eps, 'endpointslice', { [`${META}endpointslice_address_type`]: eps.addressType ?? '' }, serviceName, lookups, out.refs);
    for (const ep of eps.endpoints ?? []) {
        for (const port of eps.ports ?? []) {
            for (const addr of ep.addresses ?? []) {
                const target: Labels = { __address__: port.port === undefined ? addr : joinHostPort(addr, port.port) };
                if (port.name !== undefined) target[`${META}endpointslice_port_name`] = port.name;
                if (port.protocol !== undefined) target[`${META}endpointslice_port_protocol`] = port.protocol;
                if (port.port !== undefined) target[`${META}endpointslice_port`] = String(port.port);
                if (port.appProtocol !== undefined) target[`${META}endpointslice_port_app_protocol`] = port.appProtocol;
                const cond = ep.conditions ?? {};
                if (cond.ready !== undefined) target[`${META}endpointslice_endpoint_conditions_ready`] = String(cond.ready);
                if (cond.serving !== undefined) target[`${META}endpointslice_endpoint_conditions_serving`] = String(cond.serving);
                if (cond.terminating !== undefined) target[`${META}endpointslice_endpoint_conditions_terminating`] = String(cond.terminating);
                if (ep.hostname !== undefined) target[`${META}endpointslice_endpoint_hostname`] = ep.hostname;
                if (ep.targetRef !== undefined) {
                    target[`${META}endpointslice_address_target_kind`] = ep.targetRef.kind ?? '';
                    target[`${META}endpointslice_address_target_name`] = ep.targetRef.name ?? '';
                }
                if (ep.nodeName !== undefined) target[`${META}endpointslice_endpoint_node_name`] = ep.nodeName;
                if (ep.zone !== undefined) target[`${META}endpointslice_endpoint_zone`] = ep.zone;
                for (const [k, v] of Object.entries(ep.deprecatedTopology ?? {})) {
                    const ln = sanitizeLabelName(k);
                    target[`${META}endpointslice_endpoint_topology_${ln}`] = v;
                    target[`${META}endpointslice_endpoint_topology_present_${ln}`] = 'true';
                }
                const nodeName = ep.targetRef?.kind === 'Node' ? ep.targetRef.name : ep.nodeName;
                // The container port's protocol, as Prometheus sets it for this role.
                out.add(target, ep.targetRef, nodeName, port.port, (containerProtocol) => containerProtocol ?? '');
            }
        }
    }
    return { group: { source: `endpointslice/${namespace}/${eps.metadata?.name ?? ''}`, labels, targets: out.all() }, refs: out.refs };
}
