// remote.kubernetes.configmap: exports the data of a Kubernetes ConfigMap, values as strings.

import { remoteKubernetesDefinition } from './kubernetes-resource.js';

export { IGNORED } from './kubernetes-resource.js';
export const remoteKubernetesConfigMap = remoteKubernetesDefinition('configmap');
