// remote.kubernetes.secret: exports the data of a Kubernetes Secret, values as secrets.

import { remoteKubernetesDefinition } from './kubernetes-resource.js';

export { IGNORED } from './kubernetes-resource.js';
export const remoteKubernetesSecret = remoteKubernetesDefinition('secret');
