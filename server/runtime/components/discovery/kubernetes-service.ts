// discovery.kubernetes role "service": one target per service port, at the service's cluster DNS
// name, with Prometheus' `__meta_kubernetes_service_*` labels.

import { type Labels, type Lookups, META, NAMESPACE_LABEL, type Service, addObjectMetaLabels, joinHostPort, withNamespaceLabels } from './kubernetes-objects.js';
import type { Built } from './kubernetes-pod.js';

/** The service labels shared by the service, endpoints and endpointslice roles. */
export function serviceLabels(svc: Service): Labels {
    const ls: Labels = { [NAMESPACE_LABEL]: svc.metadata?.namespace ?? '' };
    addObjectMetaLabels(ls, svc.metadata, 'service');
    return ls;
}

export function buildService(svc: Service, lookups: Lookups): Built {
    const namespace = svc.metadata?.namespace ?? '';
    const name = svc.metadata?.name ?? '';
    const labels = withNamespaceLabels(serviceLabels(svc), lookups, namespace);
    const type = svc.spec?.type ?? '';
    const targets = (svc.spec?.ports ?? []).map((port) => {
        const number = String(port.port ?? 0);
        const target: Labels = {
            __address__: joinHostPort(`${name}.${namespace}.svc`, number),
            [`${META}service_port_name`]: port.name ?? '',
            [`${META}service_port_number`]: number,
            [`${META}service_port_protocol`]: port.protocol ?? '',
            [`${META}service_type`]: type,
        };
        if (type === 'ExternalName') target[`${META}service_external_name`] = svc.spec?.externalName ?? '';
        else target[`${META}service_cluster_ip`] = svc.spec?.clusterIP ?? '';
        return target;
    });
    return { group: { source: `svc/${namespace}/${name}`, labels, targets }, refs: [`namespaces/${namespace}`] };
}
