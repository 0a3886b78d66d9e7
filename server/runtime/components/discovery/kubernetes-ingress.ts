// discovery.kubernetes role "ingress": one target per rule host and path, with the scheme https
// when a TLS entry covers the host, and Prometheus' `__meta_kubernetes_ingress_*` labels.

import { type KubeObject, type Labels, type Lookups, META, NAMESPACE_LABEL, addObjectMetaLabels, withNamespaceLabels } from './kubernetes-objects.js';
import type { Built } from './kubernetes-pod.js';

export interface Ingress extends KubeObject {
    spec?: {
        ingressClassName?: string;
        rules?: { host?: string; http?: { paths?: { path?: string }[] } }[];
        tls?: { hosts?: string[] }[];
    };
}

export function buildIngress(ingress: Ingress, lookups: Lookups): Built {
    const namespace = ingress.metadata?.namespace ?? '';
    let labels: Labels = { [NAMESPACE_LABEL]: namespace };
    if (ingress.spec?.ingressClassName !== undefined) labels[`${META}ingress_class_name`] = ingress.spec.ingressClassName;
    addObjectMetaLabels(labels, ingress.metadata, 'ingress');
    labels = withNamespaceLabels(labels, lookups, namespace);
    const tlsHosts = (ingress.spec?.tls ?? []).flatMap((t) => t.hosts ?? []);
    const targets: Labels[] = [];
    for (const rule of ingress.spec?.rules ?? []) {
        const host = rule.host ?? '';
        const scheme = tlsHosts.some((pattern) => matchesHostnamePattern(pattern, host)) ? 'https' : 'http';
        // A rule without http paths stands for "/"; an empty path is "/".
        const paths = rule.http === undefined ? ['/'] : (rule.http.paths ?? []).map((p) => (p.path ? p.path : '/'));
        for (const path of paths) {
            targets.push({ __address__: host, [`${META}ingress_scheme`]: scheme, [`${META}ingress_host`]: host, [`${META}ingress_path`]: path });
        }
    }
    return { group: { source: `ingress/${namespace}/${ingress.metadata?.name ?? ''}`, labels, targets }, refs: [`namespaces/${namespace}`] };
}

/** Equal, or a `*.` wildcard pattern matching one leading label of the host. */
function matchesHostnamePattern(pattern: string, host: string): boolean {
    if (pattern === host) return true;
    const p = pattern.split('.');
    const h = host.split('.');
    if (p[0] !== '*' || p.length !== h.length) return false;
    return p.every((part, i) => i === 0 || part === h[i]);
}
