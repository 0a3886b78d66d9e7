// discovery.kubernetes role "pod": one target per container port (or per container without
// ports, at the pod IP), with Prometheus' `__meta_kubernetes_pod_*` labels.

import { type Container, type Labels, type Lookups, META, NAMESPACE_LABEL, type Pod, type TargetGroup, addObjectMetaLabels, joinHostPort, withNamespaceLabels, withNodeLabels } from './kubernetes-objects.js';

export interface Built {
    readonly group: TargetGroup;
    /** The other objects the group was built from (`nodes/N`, `namespaces/NS`, `pods/NS/N`, `services/NS/N`): a change to one rebuilds it. */
    readonly refs: readonly string[];
}

export const podSource = (namespace: string, name: string) => `pod/${namespace}/${name}`;

/** The pod labels every role that resolves pods shares (pod, endpoints, endpointslice). */
export function podLabels(pod: Pod): Labels {
    const ls: Labels = {
        [`${META}pod_ip`]: pod.status?.podIP ?? '',
        [`${META}pod_ready`]: podReady(pod),
        [`${META}pod_phase`]: pod.status?.phase ?? '',
        [`${META}pod_node_name`]: pod.spec?.nodeName ?? '',
        [`${META}pod_host_ip`]: pod.status?.hostIP ?? '',
        [`${META}pod_uid`]: pod.metadata?.uid ?? '',
    };
    addObjectMetaLabels(ls, pod.metadata, 'pod');
    const controller = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
    if (controller !== undefined) {
        if (controller.kind) ls[`${META}pod_controller_kind`] = controller.kind;
        if (controller.name) ls[`${META}pod_controller_name`] = controller.name;
    }
    return ls;
}

function podReady(pod: Pod): string {
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
    return (ready?.status ?? 'Unknown').toLowerCase();
}

/** Containers then init containers, with whether each is an init container. */
export function podContainers(pod: Pod): { container: Container; isInit: boolean }[] {
    return [...(pod.spec?.containers ?? []).map((container) => ({ container, isInit: false })), ...(pod.spec?.initContainers ?? []).map((container) => ({ container, isInit: true }))];
}

export function buildPod(pod: Pod, lookups: Lookups): Built {
    const namespace = pod.metadata?.namespace ?? '';
    const source = podSource(namespace, pod.metadata?.name ?? '');
    const nodeName = pod.spec?.nodeName ?? '';
    const refs = [`namespaces/${namespace}`, `nodes/${nodeName}`];
    const empty: Built = { group: { source, labels: {}, targets: [] }, refs };
    // PodIP can be empty when a pod is starting or has been evicted.
    const podIP = pod.status?.podIP ?? '';
    if (podIP === '') return empty;
    // With node metadata, pods on nodes outside the node selectors are left out.
    if (lookups.nodes !== undefined && !lookups.nodes.has(nodeName)) return empty;

    let labels: Labels = { ...podLabels(pod), [NAMESPACE_LABEL]: namespace };
    labels = withNodeLabels(labels, lookups, nodeName);
    labels = withNamespaceLabels(labels, lookups, namespace);

    const targets: Labels[] = [];
    for (const { container: c, isInit } of podContainers(pod)) {
        const statuses = (isInit ? pod.status?.initContainerStatuses : pod.status?.containerStatuses) ?? [];
        const containerId = statuses.find((s) => s.name === c.name)?.containerID ?? '';
        const common: Labels = {
            [`${META}pod_container_name`]: c.name ?? '',
            [`${META}pod_container_id`]: containerId,
            [`${META}pod_container_image`]: c.image ?? '',
            [`${META}pod_container_init`]: String(isInit),
        };
        if ((c.ports ?? []).length === 0) {
            // No ports: one target at the pod IP; the user adds a port by relabeling.
            targets.push({ __address__: podIP, ...common });
            continue;
        }
        for (const port of c.ports ?? []) {
            const number = String(port.containerPort ?? 0);
            targets.push({
                __address__: joinHostPort(podIP, number),
                ...common,
                [`${META}pod_container_port_number`]: number,
                [`${META}pod_container_port_name`]: port.name ?? '',
                [`${META}pod_container_port_protocol`]: port.protocol ?? '',
            });
        }
    }
    return { group: { source, labels, targets }, refs };
}
