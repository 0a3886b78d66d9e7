// discovery.kubernetes role "node": one target per node at its kubelet port, addressed by the first
// of InternalIP, InternalDNS, ExternalIP, ExternalDNS, LegacyHostIP, Hostname, with Prometheus'
// `__meta_kubernetes_node_*` labels.

import { type KubeNode, type Labels, META, addObjectMetaLabels, joinHostPort, sanitizeLabelName } from './kubernetes-objects.js';
import type { Built } from './kubernetes-pod.js';

const ADDRESS_PRIORITY = ['InternalIP', 'InternalDNS', 'ExternalIP', 'ExternalDNS', 'LegacyHostIP', 'Hostname'];

/** The group of a node, or undefined when it has no address (Prometheus then keeps the previous one and warns). */
export function buildNode(node: KubeNode): Built | undefined {
    const name = node.metadata?.name ?? '';
    const labels: Labels = { [`${META}node_provider_id`]: node.spec?.providerID ?? '' };
    addObjectMetaLabels(labels, node.metadata, 'node');
    const byType = new Map<string, string[]>();
    for (const a of node.status?.addresses ?? []) {
        const list = byType.get(a.type ?? '') ?? [];
        list.push(a.address ?? '');
        byType.set(a.type ?? '', list);
    }
    const type = ADDRESS_PRIORITY.find((t) => byType.has(t));
    if (type === undefined) return undefined;
    const target: Labels = {
        __address__: joinHostPort(byType.get(type)![0], kubeletPort(node)),
        instance: name,
    };
    for (const [t, addresses] of byType) target[sanitizeLabelName(`${META}node_address_${t}`)] = addresses[0];
    return { group: { source: `node/${name}`, labels, targets: [target] }, refs: [] };
}

/** DaemonEndpoint's JSON field is `Port`; client-node's model (objects from a list) calls it `port`. */
function kubeletPort(node: KubeNode): number {
    const endpoint = node.status?.daemonEndpoints?.kubeletEndpoint;
    return endpoint?.port ?? endpoint?.Port ?? 0;
}
