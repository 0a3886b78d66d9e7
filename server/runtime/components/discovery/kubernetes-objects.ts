// The Kubernetes objects discovery.kubernetes reads (the JSON fields it uses, whether the object
// came from a list through client-node's models or from a watch event as raw JSON: the names
// agree), and the label helpers shared by the roles of Prometheus' Kubernetes SD.

export type Labels = Record<string, string>;

/** One target group: labels shared by its targets, keyed by source (`pod/NS/NAME`, `svc/NS/NAME`, ...). */
export interface TargetGroup {
    readonly source: string;
    readonly labels: Labels;
    readonly targets: readonly Labels[];
}

export interface ObjectMeta {
    name?: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind?: string; name?: string; controller?: boolean }[];
}

export interface KubeObject {
    metadata?: ObjectMeta;
}

export interface ObjectRef {
    kind?: string;
    name?: string;
    namespace?: string;
}

export interface ContainerPort {
    name?: string;
    containerPort?: number;
    protocol?: string;
}

export interface Container {
    name?: string;
    image?: string;
    ports?: ContainerPort[];
}

export interface Pod extends KubeObject {
    spec?: { nodeName?: string; containers?: Container[]; initContainers?: Container[] };
    status?: {
        podIP?: string;
        hostIP?: string;
        phase?: string;
        conditions?: { type?: string; status?: string }[];
        containerStatuses?: { name?: string; containerID?: string }[];
        initContainerStatuses?: { name?: string; containerID?: string }[];
    };
}

export interface Service extends KubeObject {
    spec?: { type?: string; clusterIP?: string; externalName?: string; ports?: { name?: string; port?: number; protocol?: string }[] };
}

export interface KubeNode extends KubeObject {
    spec?: { providerID?: string };
    status?: { addresses?: { type?: string; address?: string }[]; daemonEndpoints?: { kubeletEndpoint?: { port?: number; Port?: number } } };
}

export const META = '__meta_kubernetes_';
export const NAMESPACE_LABEL = `${META}namespace`;

export function sanitizeLabelName(name: string): string {
    return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Go's net.JoinHostPort: IPv6 addresses in brackets. */
export function joinHostPort(host: string, port: number | string): string {
    return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `namespace/name`, the key of namespaced objects (cluster-scoped ones are keyed by name). */
export function objectKey(o: KubeObject): string {
    const m = o.metadata ?? {};
    return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}

/** `__meta_kubernetes_<resource>_label_*`, `_labelpresent_*`, `_annotation_*`, `_annotationpresent_*`. */
export function addLabelsAndAnnotations(out: Labels, meta: ObjectMeta | undefined, resource: string): void {
    for (const [k, v] of Object.entries(meta?.labels ?? {})) {
        const ln = sanitizeLabelName(k);
        out[`${META}${resource}_label_${ln}`] = v;
        out[`${META}${resource}_labelpresent_${ln}`] = 'true';
    }
    for (const [k, v] of Object.entries(meta?.annotations ?? {})) {
        const ln = sanitizeLabelName(k);
        out[`${META}${resource}_annotation_${ln}`] = v;
        out[`${META}${resource}_annotationpresent_${ln}`] = 'true';
    }
}

/** `__meta_kubernetes_<role>_name` plus labels and annotations. */
export function addObjectMetaLabels(out: Labels, meta: ObjectMeta | undefined, role: string): void {
    out[`${META}${role}_name`] = meta?.name ?? '';
    addLabelsAndAnnotations(out, meta, role);
}

/** What the role builders can look up: the other objects informers keep, by key. */
export interface Lookups {
    readonly pods: ReadonlyMap<string, Pod>;
    readonly services: ReadonlyMap<string, Service>;
    /** Set when attach_metadata.node is on (or for the node role). */
    readonly nodes?: ReadonlyMap<string, KubeNode>;
    /** Set when attach_metadata.namespace is on. */
    readonly namespaces?: ReadonlyMap<string, KubeObject>;
}

/** attach_metadata.node: the node's name, labels and annotations, when the node is known. */
export function withNodeLabels(target: Labels, lookups: Lookups, nodeName: string | undefined): Labels {
    if (nodeName === undefined || lookups.nodes === undefined) return target;
    const node = lookups.nodes.get(nodeName);
    if (node === undefined) return target;
    const labels: Labels = {};
    addObjectMetaLabels(labels, node.metadata, 'node');
    return { ...target, ...labels };
}

/** attach_metadata.namespace: the namespace's labels and annotations, when it is known. */
export function withNamespaceLabels(group: Labels, lookups: Lookups, namespace: string | undefined): Labels {
    if (namespace === undefined || lookups.namespaces === undefined) return group;
    const ns = lookups.namespaces.get(namespace);
    if (ns === undefined) return group;
    const labels: Labels = {};
    addLabelsAndAnnotations(labels, ns.metadata, 'namespace');
    return { ...group, ...labels };
}
